//! Sending through the local server: 108 personalised messages, each to
//! its recipient once, with the right headers; the server's refusals.

use std::collections::HashSet;
use std::sync::Mutex;

use cdp_core::comms::outbox::send;
use cdp_core::comms::smtp::Security;
use cdp_core::comms::HandRecipient;
use cdp_core::job::CancelToken;

use super::*;

fn outbox(s: &Store, id: i64) -> Vec<(String, String, String)> {
    let mut stmt = s
        .connection()
        .prepare(
            "SELECT m.message_id, m.state, r.address FROM comm_message m
             JOIN comm_recipient r ON r.id = m.recipient_id WHERE r.communication_id = ?1 ORDER BY m.id",
        )
        .unwrap();
    stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_hundred_and_eight_personalised_messages_arrive_once_each_with_their_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), Security::Starttls);
    let mut s = common::store_on("2027-03-05");
    network(&mut s);
    let id = convocation(&mut s, true);
    // A file chosen by the user, with accents and a dash in its name.
    let programme = dir.path().join("Programma – giornata dell’integrità.pdf");
    std::fs::write(&programme, b"%PDF-1.7\n% programma\n").unwrap();
    s.comms_add_attachment(id, &programme).unwrap();
    // The Message-IDs are stored before anything leaves.
    let q = s.comms_queue(id).unwrap();
    assert_eq!(q.queued, 108);
    let stored = outbox(&s, id);
    assert!(stored
        .iter()
        .all(|(mid, st, _)| mid.starts_with("<cdp.") && st == "queued"));
    let archive = Mutex::new(s);
    let steps = Mutex::new(Vec::new());
    let report = send(
        &archive,
        id,
        &server.mailer(PASSWORD),
        &|p| steps.lock().unwrap().push(p.done),
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(report.sent, 108, "{report:?}");
    assert_eq!(steps.into_inner().unwrap().last(), Some(&108));
    let s = archive.into_inner().unwrap();
    let stored = outbox(&s, id);
    assert!(stored.iter().all(|(_, st, _)| st == "sent"));
    let got = server.received();
    assert_eq!(got.len(), 108);
    let ids: HashSet<&str> = got
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 108, "a Message-ID twice");
    for (mid, _, address) in &stored {
        let m = got
            .iter()
            .find(|m| m["message_id"] == mid.as_str())
            .expect("each stored Message-ID arrived");
        assert_eq!(
            m["rcpt"],
            serde_json::json!([address]),
            "one recipient per message"
        );
        let istat = &address[5..11];
        let comune = s.comune(istat).unwrap().name;
        assert_eq!(
            m["subject"],
            "Convocazione – giornata formativa «Whistleblowing» del 12 aprile 2027 – Prot. n. 1234 del 05/03/2027"
        );
        // The subject travels encoded (RFC 2047), as clients expect.
        assert!(
            m["raw_subject"].as_str().unwrap().contains("=?utf-8?"),
            "{}",
            m["raw_subject"]
        );
        assert_eq!(m["mail_from"], "segreteria@pec.cittametropolitana.me.it");
        assert!(
            m["from"]
                .as_str()
                .unwrap()
                .contains("Città Metropolitana di Messina"),
            "{}",
            m["from"]
        );
        let text = m["text"].as_str().unwrap();
        // The text is typeset as the acts are: typographic apostrophes.
        let name = cdp_core::documents::markup::typographic(&comune);
        assert!(
            text.contains(&format!("RPCT di {name}, RPCT del Comune di {name}")),
            "{text}"
        );
        assert!(text.contains("stato «non aderente»"), "{text}");
        // The chosen file's name travels encoded and is read back as typed.
        assert_eq!(
            m["attachments"][0]["name"],
            "Programma – giornata dell’integrità.pdf"
        );
        let att = &m["attachments"][1];
        assert_eq!(
            att["name"],
            format!("Lettera_{}.pdf", cdp_core::text::file_part(&comune))
        );
        assert_eq!(att["type"], "application/pdf");
        assert_eq!(att["pdf"], true);
    }
    // A second send finds nothing to send: nothing twice.
    let archive = Mutex::new(s);
    let again = send(
        &archive,
        id,
        &server.mailer(PASSWORD),
        &|_| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(again.sent, 0);
    assert_eq!(server.received().len(), 108);
}

fn three_by_hand(s: &mut Store, refused: bool) -> i64 {
    let c = s
        .comms_create(&CommInput {
            kind: Kind::Notizia,
            subject: "Notizia: pubblicato l'aggiornamento del PNA".into(),
            body: "Gentile {{ destinatario.nome }}, si segnala l'aggiornamento.".into(),
            signatory: String::new(),
            protocol_number: String::new(),
            protocol_date: String::new(),
            generated_doc: String::new(),
            event_id: None,
            year: None,
            updated_at: None,
        })
        .unwrap();
    let hand = |n: &str, a: &str| HandRecipient {
        name: n.into(),
        address: a.into(),
        istat: None,
    };
    let third = if refused {
        "rifiuta@comune.test.it"
    } else {
        "terzo@comune.test.it"
    };
    s.comms_set_recipients(
        c.id,
        &RecipientRule::default(),
        &[
            hand("Anna Bianchi", "anna@comune.test.it"),
            hand("Rifiutato", third),
            hand("Carlo Neri", "carlo@comune.test.it"),
        ],
    )
    .unwrap();
    s.comms_queue(c.id).unwrap();
    c.id
}

#[test]
fn implicit_tls_sends_too_and_a_refused_recipient_is_marked_while_the_rest_go() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), Security::Tls);
    let mut s = common::store();
    let id = three_by_hand(&mut s, true);
    let archive = Mutex::new(s);
    let r = send(
        &archive,
        id,
        &server.mailer(PASSWORD),
        &|_| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(
        (r.sent, r.refused, r.stopped.as_deref()),
        (2, 1, None),
        "{r:?}"
    );
    let s = archive.into_inner().unwrap();
    let c = s.comms_get(id).unwrap();
    let refused = c
        .recipients
        .iter()
        .find(|l| l.address.starts_with("rifiuta"))
        .unwrap();
    assert_eq!(refused.state.as_deref(), Some("failed"));
    assert_eq!(refused.state_label, "Rifiutato dal server");
    let e = refused.error.as_deref().unwrap();
    assert!(
        e.starts_with(
            "Il server ha rifiutato il messaggio per rifiuta@comune.test.it (risposta 550)"
        ),
        "{e}"
    );
    assert_eq!(server.received().len(), 2);
}

#[test]
fn a_wrong_password_and_a_server_down_say_so_in_italian_and_leave_everything_queued() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), Security::Starttls);
    let mut s = common::store();
    let id = three_by_hand(&mut s, false);
    let archive = Mutex::new(s);
    let r = send(
        &archive,
        id,
        &server.mailer("sbagliata"),
        &|_| {},
        &CancelToken::new(),
    )
    .unwrap();
    let why = r.stopped.clone().unwrap();
    assert!(
        why.starts_with("Il server localhost ha rifiutato nome utente o password (535)"),
        "{why}"
    );
    assert_eq!((r.sent, r.left_queued), (0, 3));
    // Server down: nothing listens on the port.
    let mut down = server.settings();
    down.port = free_port();
    let mailer = cdp_core::comms::smtp::SmtpMailer::new(&down, PASSWORD).unwrap();
    let r = send(&archive, id, &mailer, &|_| {}, &CancelToken::new()).unwrap();
    let why = r.stopped.clone().unwrap();
    assert!(
        why.starts_with(&format!(
            "Impossibile comunicare con il server localhost:{}",
            down.port
        )),
        "{why}"
    );
    assert!(why.contains("restano in coda"));
    let s = archive.into_inner().unwrap();
    assert!(outbox(&s, id).iter().all(|(_, st, _)| st == "queued"));
    assert!(server.received().is_empty());
    // With the right password, the three go, once.
    let archive = Mutex::new(s);
    let r = send(
        &archive,
        id,
        &server.mailer(PASSWORD),
        &|_| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(r.sent, 3);
    assert_eq!(server.received().len(), 3);
}

#[test]
fn interrompi_stops_between_messages_and_leaves_the_rest_queued() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), Security::Starttls);
    let mut s = common::store();
    let id = three_by_hand(&mut s, false);
    let archive = Mutex::new(s);
    let cancel = CancelToken::new();
    let r = send(
        &archive,
        id,
        &server.mailer(PASSWORD),
        &|p| {
            if p.done == 1 {
                cancel.cancel()
            }
        },
        &cancel,
    )
    .unwrap();
    assert!(r.cancelled);
    assert_eq!((r.sent, r.left_queued), (1, 2));
    assert_eq!(server.received().len(), 1);
}
