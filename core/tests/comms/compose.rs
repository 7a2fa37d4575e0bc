//! Writing a communication: the acts' placeholders, recipients by rule and
//! by hand with their addresses flagged, the preview for one recipient,
//! drafts that stop changing once queued, the .eml export without a server.

use cdp_core::adhesion::State;
use cdp_core::comms::HandRecipient;

use super::*;

fn input(body: &str) -> CommInput {
    CommInput {
        kind: Kind::Circolare,
        subject: "Circolare n. 1/2027 – obblighi di pubblicazione".into(),
        body: body.into(),
        signatory: "Il Segretario Generale".into(),
        protocol_number: String::new(),
        protocol_date: String::new(),
        generated_doc: String::new(),
        event_id: None,
        year: None,
        updated_at: None,
    }
}

#[test]
fn an_unknown_placeholder_or_a_bad_field_is_refused_naming_it() {
    let mut s = common::store();
    let e = s
        .comms_create(&input("Al {{ rpct }} di {{ comune.nomme }}"))
        .unwrap_err();
    assert_eq!(e.field(), Some("body"));
    assert!(
        e.to_string()
            .contains("segnaposto sconosciuto «comune.nomme»"),
        "{e}"
    );
    let mut bad = input("Testo");
    bad.subject = " ".into();
    assert_eq!(s.comms_create(&bad).unwrap_err().field(), Some("subject"));
    let mut bad = input("Testo");
    bad.protocol_date = "31/02/2027".into();
    assert_eq!(
        s.comms_create(&bad).unwrap_err().field(),
        Some("protocol_date")
    );
    let mut bad = input("Testo");
    bad.generated_doc = "qualcosa".into();
    assert_eq!(
        s.comms_create(&bad).unwrap_err().field(),
        Some("generated_doc")
    );
}

#[test]
fn recipients_by_zone_role_and_state_flag_missing_and_invalid_addresses() {
    use common::registry::ReferentBuilder;
    let mut s = common::store_on("2027-03-05");
    let zone = s.create_zone("Zona di prova").unwrap();
    let comuni: Vec<String> = s
        .list_comuni(&Default::default())
        .unwrap()
        .into_iter()
        .take(3)
        .map(|c| c.istat)
        .collect();
    s.assign_comuni(Some(zone.id), &comuni).unwrap();
    s.add_referent(
        &comuni[0],
        &common::registry::rpct("Maria Rossi")
            .since("2024-01-01")
            .email("m.rossi@pec.comune.test.it"),
    )
    .unwrap();
    s.add_referent(
        &comuni[1],
        &common::registry::rpct("Luca Verdi")
            .since("2024-01-01")
            .email("luca.verdi@gmail.com"),
    )
    .unwrap();
    let rule = RecipientRule {
        zones: vec![zone.id],
        roles: vec![RecipientRole::Rpct],
        ..Default::default()
    };
    let lines = s.comms_preview_recipients(&rule, &[]).unwrap();
    assert_eq!(lines.len(), 3);
    let rossi = lines.iter().find(|l| l.name == "Maria Rossi").unwrap();
    assert!(rossi.is_pec && rossi.problem.is_none());
    let verdi = lines.iter().find(|l| l.name == "Luca Verdi").unwrap();
    assert!(!verdi.is_pec && verdi.problem.is_none());
    let missing = lines
        .iter()
        .find(|l| l.istat.as_deref() == Some(comuni[2].as_str()))
        .unwrap();
    assert!(
        missing
            .problem
            .as_deref()
            .unwrap()
            .starts_with("Nessun RPCT in carica"),
        "{missing:?}"
    );
    // By adhesion state: none of them is invited yet.
    let invited = RecipientRule {
        states: vec![State::Invitato],
        ..rule.clone()
    };
    assert!(s
        .comms_preview_recipients(&invited, &[])
        .unwrap()
        .is_empty());
    // By hand: an invalid address is flagged; the same address twice is one recipient.
    let hand = [
        HandRecipient {
            name: "Ufficio stampa".into(),
            address: "stampa@@comune".into(),
            istat: None,
        },
        HandRecipient {
            name: "Maria Rossi (copia)".into(),
            address: "m.rossi@pec.comune.test.it".into(),
            istat: None,
        },
    ];
    let lines = s.comms_preview_recipients(&rule, &hand).unwrap();
    assert_eq!(lines.len(), 4);
    let stampa = lines.iter().find(|l| l.name == "Ufficio stampa").unwrap();
    assert!(stampa
        .problem
        .as_deref()
        .unwrap()
        .contains("non è un indirizzo valido"));
    // The comune's own PEC is a PEC by definition.
    let pec = RecipientRule {
        roles: vec![RecipientRole::Comune],
        ..rule
    };
    assert!(s
        .comms_preview_recipients(&pec, &[])
        .unwrap()
        .iter()
        .all(|l| l.is_pec));
}

#[test]
fn the_preview_shows_the_message_as_one_recipient_receives_it_and_a_queued_draft_is_frozen() {
    let mut s = common::store_on("2027-03-05");
    network(&mut s);
    let id = convocation(&mut s, true);
    let c = s.comms_get(id).unwrap();
    assert_eq!(c.recipients.len(), 108);
    assert_eq!(c.state_label, "Bozza");
    let alì = c.recipients.iter().find(|l| l.comune == "Alì").unwrap();
    let p = s.comms_preview_message(alì.id).unwrap();
    assert_eq!(p.to, format!("RPCT di Alì <{}>", alì.address));
    assert!(
        p.text.contains("Al RPCT di Alì, RPCT del Comune di Alì."),
        "{}",
        p.text
    );
    assert_eq!(p.attachments, ["Lettera_Ali.pdf"]);
    // A stale form is refused.
    let mut edit = input("Nuovo testo per {{ comune.nome }}");
    edit.updated_at = Some("2000-01-01T00:00:00.000Z".into());
    assert_eq!(s.comms_update(id, &edit).unwrap_err().code(), "conflict");
    edit.updated_at = Some(c.updated_at.clone());
    let c = s.comms_update(id, &edit).unwrap();
    s.comms_queue(id).unwrap();
    edit.updated_at = Some(c.updated_at);
    let e = s.comms_update(id, &edit).unwrap_err();
    assert_eq!(e.code(), "conflict");
    assert!(e.to_string().contains("già in uscita"));
    assert_eq!(s.comms_delete(id).unwrap_err().code(), "conflict");
    assert_eq!(s.comms_get(id).unwrap().state_label, "Da inviare");
    // Every change has its audit row.
    assert!(
        s.audit_log("communication", Some(&id.to_string()))
            .unwrap()
            .len()
            >= 4
    );
}

#[test]
fn without_a_server_each_message_is_an_eml_file_with_a_csv_and_marked_prepared() {
    let mut s = common::store_on("2027-03-05");
    network(&mut s);
    let id = convocation(&mut s, true);
    let out = tempfile::tempdir().unwrap();
    let (n, csv) = s.comms_prepare_eml(id, out.path()).unwrap();
    assert_eq!(n, 108);
    let c = s.comms_get(id).unwrap();
    assert_eq!(c.state_label, "Preparata");
    assert!(c
        .recipients
        .iter()
        .all(|l| l.state.as_deref() == Some("prepared")));
    let csv = std::fs::read_to_string(csv).unwrap();
    assert_eq!(csv.lines().count(), 109, "header and 108 rows");
    let first = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "eml"))
        .unwrap();
    let bytes = std::fs::read(&first).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let mid = c
        .recipients
        .iter()
        .filter_map(|l| l.message_id.clone())
        .find(|m| text.contains(m.as_str()));
    assert!(mid.is_some(), "the .eml carries its stored Message-ID");
    // Prepared again: new files beside the old ones, none replaced.
    let before = std::fs::read_dir(out.path()).unwrap().count();
    s.comms_prepare_eml(id, out.path()).unwrap();
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), before * 2);
}

#[test]
fn the_password_goes_to_the_systems_credential_store_never_to_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let ca = make_certs(dir.path()).ca;
    let mut s = common::store();
    let secret = format!("segreto-{}", std::process::id());
    let settings = cdp_core::comms::smtp::SmtpSettings {
        host: "smtps.pec.test.it".into(),
        port: 465,
        security: cdp_core::comms::smtp::Security::Tls,
        user: format!("segreteria{}", std::process::id()),
        from_address: "segreteria@pec.cittametropolitana.me.it".into(),
        from_name: "Segreteria Generale".into(),
        ca_file: ca.display().to_string(),
        password_saved: false,
        updated_at: String::new(),
    };
    let saved = s.save_smtp_settings(&settings, Some(&secret)).unwrap();
    assert!(saved.password_saved);
    assert_eq!(cdp_core::comms::smtp::password(&saved).unwrap(), secret);
    assert!(
        !common::dump_all(s.connection()).contains(&secret),
        "the password is in the archive"
    );
    // A stale form is refused; a save without a password keeps the saved one.
    let mut stale = saved.clone();
    stale.updated_at = "2000-01-01T00:00:00.000Z".into();
    assert_eq!(
        s.save_smtp_settings(&stale, None).unwrap_err().code(),
        "conflict"
    );
    let again = s.save_smtp_settings(&saved, None).unwrap();
    assert_eq!(cdp_core::comms::smtp::password(&again).unwrap(), secret);
    // A bad field is named.
    let mut bad = again.clone();
    bad.from_address = "segreteria@".into();
    assert_eq!(
        s.save_smtp_settings(&bad, None).unwrap_err().field(),
        Some("from_address")
    );
}
