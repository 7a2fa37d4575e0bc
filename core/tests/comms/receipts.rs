//! PEC receipts: each kind recognised from its daticert.xml and matched by
//! Message-ID; one for an unknown message reported, not guessed; the file
//! kept with its hash; an invitation's delivery as the «invitato» step.

use cdp_core::comms::receipts::{parse_receipt, KINDS};

use super::*;
use common::comms::receipt;

#[test]
fn every_kind_of_receipt_is_recognised_with_its_message_id_and_instant() {
    for kind in KINDS {
        let d = parse_receipt(&receipt(
            kind,
            "<cdp.1.abc@pec.test.it>",
            "05/03/2027",
            "10:15:00",
            "rpct@comune.test.it",
        ))
        .unwrap();
        assert_eq!(d.kind, kind);
        assert_eq!(d.msgid, "<cdp.1.abc@pec.test.it>");
        assert_eq!(d.at.as_deref(), Some("2027-03-05T10:15:00+01:00"));
        if kind == "avvenuta-consegna" {
            assert_eq!(d.delivered_to, "rpct@comune.test.it");
        }
        if kind == "errore-consegna" {
            assert!(d.error_detail.contains("Casella inesistente"));
        }
    }
    // A message that is not a receipt.
    let e = parse_receipt(b"From: a@b.it\r\nSubject: ciao\r\n\r\ntesto\r\n").unwrap_err();
    assert!(e.to_string().contains("non è una ricevuta PEC"));
}

pub(super) fn sent_invitation(
    s: &mut Store,
    dir: &Path,
) -> (i64, Vec<cdp_core::comms::RecipientLine>) {
    let c = s
        .comms_create(&CommInput {
            kind: Kind::InvitoAdesione,
            subject: "Invito ad aderire alla Comunità di Pratiche".into(),
            body: "Al Sindaco del Comune di {{ comune.nome }}.\n\nSi invita codesto Comune ad aderire.".into(),
            signatory: "Il Segretario Generale".into(),
            protocol_number: "2027/0456".into(),
            protocol_date: "2027-03-01".into(),
            generated_doc: String::new(),
            event_id: None,
            year: None,
            updated_at: None,
        })
        .unwrap();
    let three: Vec<String> = s
        .list_comuni(&Default::default())
        .unwrap()
        .into_iter()
        .take(3)
        .map(|c| c.istat)
        .collect();
    s.comms_set_recipients(
        c.id,
        &RecipientRule {
            comuni: three,
            roles: vec![RecipientRole::Rpct],
            ..Default::default()
        },
        &[],
    )
    .unwrap();
    // Sent through the local server.
    let server = Server::start(dir, cdp_core::comms::smtp::Security::Starttls);
    s.comms_queue(c.id).unwrap();
    let mut moved = common::store();
    std::mem::swap(s, &mut moved);
    let archive = std::sync::Mutex::new(moved);
    let r = cdp_core::comms::outbox::send(
        &archive,
        c.id,
        &server.mailer(PASSWORD),
        &|_| {},
        &Default::default(),
    )
    .unwrap();
    assert_eq!(r.sent, 3);
    *s = archive.into_inner().unwrap();
    (c.id, s.comms_get(c.id).unwrap().recipients)
}

#[test]
fn receipts_are_matched_kept_and_an_unknown_one_is_reported_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("archivio.sqlite3");
    let mut s = Store::open(&db).unwrap();
    common::set_today(&mut s, "2027-03-06");
    network(&mut s);
    let (id, lines) = sent_invitation(&mut s, dir.path());
    let files = dir.path().join("scaricate");
    std::fs::create_dir_all(&files).unwrap();
    let write = |name: &str, bytes: Vec<u8>| {
        let p = files.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let m0 = lines[0].message_id.clone().unwrap();
    let m1 = lines[1].message_id.clone().unwrap();
    let paths = vec![
        write(
            "accettazione.eml",
            receipt(
                "accettazione",
                &m0,
                "05/03/2027",
                "10:00:01",
                &lines[0].address,
            ),
        ),
        write(
            "consegna.eml",
            receipt(
                "avvenuta-consegna",
                &m0,
                "05/03/2027",
                "10:00:05",
                &lines[0].address,
            ),
        ),
        write(
            "mancata.eml",
            receipt(
                "errore-consegna",
                &m1,
                "05/03/2027",
                "10:01:00",
                &lines[1].address,
            ),
        ),
        write(
            "altro.eml",
            receipt(
                "avvenuta-consegna",
                "<di.un.altro@pec.it>",
                "05/03/2027",
                "10:02:00",
                "x@y.it",
            ),
        ),
    ];
    let out = s.comms_import_receipts(&paths).unwrap();
    let outcome: Vec<&str> = out.iter().map(|l| l.outcome.as_str()).collect();
    assert_eq!(
        outcome,
        [
            "associata",
            "associata",
            "associata",
            "messaggio sconosciuto"
        ]
    );
    assert!(out[3]
        .note
        .as_deref()
        .unwrap()
        .contains("<di.un.altro@pec.it>"));
    assert_eq!(
        out[1].note.as_deref(),
        Some("Registrato il passaggio «invitato» con la data di consegna.")
    );
    // Each recipient's line: the state and the date of delivery.
    let c = s.comms_get(id).unwrap();
    assert_eq!(
        c.recipients[0].delivery.as_deref(),
        Some("Avvenuta consegna")
    );
    assert_eq!(
        c.recipients[0].delivered_at.as_deref(),
        Some("2027-03-05T10:00:05+01:00")
    );
    assert_eq!(
        c.recipients[1].delivery.as_deref(),
        Some("Mancata consegna")
    );
    assert_eq!((c.counts.delivered, c.counts.not_delivered), (1, 1));
    assert_eq!(c.state_label, "Inviata con anomalie");
    // The files are kept beside the archive, their hash in the register.
    let kept: Vec<(String, String)> = s
        .connection()
        .prepare("SELECT path, sha256 FROM comm_receipt ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(kept.len(), 3);
    for (path, sha) in &kept {
        assert!(
            path.starts_with(dir.path().join("ricevute-pec").to_str().unwrap()),
            "{path}"
        );
        let bytes = std::fs::read(path).unwrap();
        let hex: String =
            sha2::Digest::finalize(sha2::Digest::chain_update(sha2::Sha256::default(), &bytes))
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
        assert_eq!(&hex, sha);
    }
    // The invitation's delivery is the workflow's «invitato» step, dated the day of delivery.
    let a = s.adhesion(lines[0].istat.as_deref().unwrap()).unwrap();
    assert_eq!(a.state, cdp_core::adhesion::State::Invitato);
    let step = &a.history[0];
    assert_eq!(
        (step.kind.as_str(), step.date.as_str()),
        ("invite", "2027-03-05")
    );
    assert_eq!(step.data["protocol_number"], "2027/0456");
    assert_eq!(step.data["communication_id"], id);
    // Imported again: recognised, not doubled.
    let again = s.comms_import_receipts(&paths[..1]).unwrap();
    assert_eq!(again[0].outcome, "già importata");
    // «Reinvia ai non consegnati»: only the one not delivered goes back in the queue.
    assert_eq!(s.comms_requeue(id, &[], true).unwrap(), 1);
    s.close().unwrap();
}
