//! PEC receipts read from the mailbox by IMAP, against a real Dovecot
//! started by the test (`imap_server.py`), the receipts appended as real
//! messages with IMAP APPEND: recognised and matched by the one receipt
//! rule, nothing marked as read, a second reading imports nothing again,
//! «Interrompi» leaves recorded exactly what was read; wrong password,
//! server down, TLS failure and a missing folder give Italian errors and
//! record nothing.

use std::sync::Mutex;

use cdp_core::comms::imap::{read_receipts, ImapReader, ImapReport};
use cdp_core::comms::smtp::Security;
use cdp_core::job::{CancelToken, Progress};

use super::receipts::sent_invitation;
use super::*;
use common::comms::receipt;

/// A message of the mailbox that is not a receipt (an ordinary PEC).
fn ordinary(n: usize) -> Vec<u8> {
    format!(
        "From: protocollo@pec.comune.test.it\r\nTo: segreteria@pec.cittametropolitana.me.it\r\n\
Subject: POSTA CERTIFICATA: Richiesta n. {n}\r\nX-Trasporto: posta-certificata\r\n\
MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nUna richiesta qualunque.\r\n"
    )
    .into_bytes()
}

fn read(
    archive: &Mutex<Store>,
    reader: &ImapReader,
    cancel: &CancelToken,
    on: &dyn Fn(Progress),
) -> cdp_core::Result<ImapReport> {
    read_receipts(archive, reader, on, cancel)
}

fn counts(archive: &Mutex<Store>) -> (i64, i64, i64) {
    let s = archive.lock().unwrap();
    let c = s.connection();
    let q = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (
        q("SELECT count(*) FROM comm_receipt"),
        q("SELECT count(*) FROM audit WHERE action = 'imap_read'"),
        q("SELECT count(*) FROM setting WHERE key = 'imap_position'"),
    )
}

/// SASL PLAIN with the test's user (its password is not ASCII).
struct Plain;

impl ::imap::Authenticator for Plain {
    type Response = String;
    fn process(&self, _: &[u8]) -> String {
        format!("\0{USER}\0{PASSWORD}")
    }
}

/// The flags of every message of INBOX, read by a client of the test's own.
fn flags(server: &Dovecot) -> Vec<String> {
    let tcp = std::net::TcpStream::connect(("127.0.0.1", server.plain)).unwrap();
    let mut client = ::imap::Client::new(tcp);
    client.read_greeting().unwrap();
    let mut s = client
        .authenticate("PLAIN", &Plain)
        .map_err(|e| e.0)
        .unwrap();
    s.examine("INBOX").unwrap();
    let f = s.fetch("1:*", "FLAGS").unwrap();
    let out = f.iter().map(|m| format!("{:?}", m.flags())).collect();
    s.logout().unwrap();
    out
}

#[test]
fn receipts_are_read_from_the_mailbox_matched_once_and_left_unread() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("archivio.sqlite3")).unwrap();
    common::set_today(&mut s, "2027-03-06");
    network(&mut s);
    let (id, lines) = sent_invitation(&mut s, dir.path());
    let server = Dovecot::start(dir.path());
    let m0 = lines[0].message_id.clone().unwrap();
    let m1 = lines[1].message_id.clone().unwrap();
    let uids = server.append(
        "INBOX",
        &[
            ordinary(1),
            receipt(
                "accettazione",
                &m0,
                "05/03/2027",
                "10:00:01",
                &lines[0].address,
            ),
            receipt(
                "avvenuta-consegna",
                &m0,
                "05/03/2027",
                "10:00:05",
                &lines[0].address,
            ),
            ordinary(2),
            receipt(
                "errore-consegna",
                &m1,
                "05/03/2027",
                "10:01:00",
                &lines[1].address,
            ),
            receipt(
                "avvenuta-consegna",
                "<di.un.altro@pec.it>",
                "05/03/2027",
                "10:02:00",
                "x@y.it",
            ),
        ],
    );
    assert_eq!(uids, [1, 2, 3, 4, 5, 6]);
    let archive = Mutex::new(s);
    let reader = ImapReader::new(
        &server.settings(Security::Tls),
        server.ca.to_str().unwrap(),
        PASSWORD,
    )
    .unwrap();
    let seen = Mutex::new(Vec::new());
    let r = read(&archive, &reader, &CancelToken::new(), &|p| {
        seen.lock().unwrap().push(p)
    })
    .unwrap();
    assert_eq!(
        (r.messages, r.receipts, r.cancelled, r.stopped.as_deref()),
        (6, 4, false, None)
    );
    assert_eq!(
        seen.lock().unwrap().last(),
        Some(&Progress { done: 6, total: 6 })
    );
    let outcome: Vec<&str> = r.lines.iter().map(|l| l.outcome.as_str()).collect();
    assert_eq!(
        outcome,
        [
            "associata",
            "associata",
            "associata",
            "messaggio sconosciuto"
        ]
    );
    // Reported, not guessed: the unknown message is named by its Message-ID.
    assert!(r.lines[3]
        .note
        .as_deref()
        .unwrap()
        .contains("<di.un.altro@pec.it>"));
    assert!(
        r.lines[1]
            .file
            .starts_with("CONSEGNA: Convocazione (messaggio 3 della cartella INBOX)"),
        "{}",
        r.lines[1].file
    );
    // The same rule as the files: the state and date of delivery on the
    // recipient's line, the invitation's «invitato» step.
    let s = archive.lock().unwrap();
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
    assert_eq!(
        s.adhesion(lines[0].istat.as_deref().unwrap())
            .unwrap()
            .state,
        cdp_core::adhesion::State::Invitato
    );
    // Each receipt kept beside the archive, its hash in the register.
    let kept: Vec<String> = s
        .connection()
        .prepare("SELECT path FROM comm_receipt ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(kept.len(), 3);
    assert!(kept
        .iter()
        .all(|p| p.contains("ricevute-pec") && std::path::Path::new(p).is_file()));
    drop(s);
    // Nothing marked as read, nothing deleted.
    let f = flags(&server);
    assert_eq!(f.len(), 6);
    assert!(
        f.iter()
            .all(|f| !f.contains("Seen") && !f.contains("Deleted")),
        "{f:?}"
    );

    // A second reading finds nothing new and records nothing.
    let before = counts(&archive);
    let again = read(&archive, &reader, &CancelToken::new(), &|_| {}).unwrap();
    assert_eq!(
        (again.messages, again.receipts, again.lines.len()),
        (0, 0, 0)
    );
    assert_eq!(counts(&archive), before);

    // A receipt arrived since: only it is read.
    let m2 = lines[2].message_id.clone().unwrap();
    server.append(
        "INBOX",
        &[receipt(
            "avvenuta-consegna",
            &m2,
            "06/03/2027",
            "09:00:00",
            &lines[2].address,
        )],
    );
    let third = read(&archive, &reader, &CancelToken::new(), &|_| {}).unwrap();
    assert_eq!((third.messages, third.receipts), (1, 1));
    assert_eq!(third.lines[0].outcome, "associata");
    let s = archive.into_inner().unwrap();
    assert_eq!(s.comms_get(id).unwrap().counts.delivered, 2);
    s.close().unwrap();
}

#[test]
fn interrupted_reading_keeps_what_was_read_and_the_next_one_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("archivio.sqlite3")).unwrap();
    common::set_today(&mut s, "2027-03-06");
    network(&mut s);
    let (id, lines) = sent_invitation(&mut s, dir.path());
    let server = Dovecot::start(dir.path());
    // 60 messages: the three receipts of acceptance at the end of the second batch and after.
    let mut messages: Vec<Vec<u8>> = (0..57).map(ordinary).collect();
    for (i, l) in lines.iter().enumerate() {
        let m = l.message_id.clone().unwrap();
        messages.insert(
            40 + i * 5,
            receipt("accettazione", &m, "05/03/2027", "10:00:01", &l.address),
        );
    }
    server.append("INBOX", &messages);
    let archive = Mutex::new(s);
    let reader = ImapReader::new(
        &server.settings(Security::Starttls),
        server.ca.to_str().unwrap(),
        PASSWORD,
    )
    .unwrap();
    // «Interrompi» pressed as the first batch is recorded.
    let cancel = CancelToken::new();
    let r = read(&archive, &reader, &cancel, &|p| {
        if p.done > 0 {
            cancel.cancel()
        }
    })
    .unwrap();
    assert!(r.cancelled);
    assert_eq!((r.messages, r.receipts), (25, 0));
    let (receipts, reads, position) = counts(&archive);
    assert_eq!((receipts, reads, position), (0, 1, 1));
    // The next reading starts where that one stopped.
    let r = read(&archive, &reader, &CancelToken::new(), &|_| {}).unwrap();
    assert_eq!((r.messages, r.receipts, r.cancelled), (35, 3, false));
    assert!(r.lines.iter().all(|l| l.outcome == "associata"));
    let s = archive.into_inner().unwrap();
    let c = s.comms_get(id).unwrap();
    assert!(c
        .recipients
        .iter()
        .all(|r| r.delivery.as_deref() == Some("Accettazione")));
    s.close().unwrap();
}

#[test]
fn mistakes_give_italian_errors_and_record_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("archivio.sqlite3")).unwrap();
    common::set_today(&mut s, "2027-03-06");
    network(&mut s);
    let (_, lines) = sent_invitation(&mut s, dir.path());
    let server = Dovecot::start(dir.path());
    let m0 = lines[0].message_id.clone().unwrap();
    server.append(
        "INBOX",
        &[receipt(
            "avvenuta-consegna",
            &m0,
            "05/03/2027",
            "10:00:05",
            &lines[0].address,
        )],
    );
    let archive = Mutex::new(s);
    let ca = server.ca.to_str().unwrap();
    let none = CancelToken::new();
    let try_read = |settings: &cdp_core::comms::imap::ImapSettings, ca: &str, password: &str| {
        let reader = ImapReader::new(settings, ca, password).unwrap();
        read(&archive, &reader, &none, &|_| {}).unwrap_err()
    };

    // Wrong password: the field named, nothing read.
    let e = try_read(&server.settings(Security::Tls), ca, "sbagliata");
    assert_eq!(e.field(), Some("imap_password"));
    assert_eq!(
        e.to_string(),
        "Il server IMAP localhost ha rifiutato nome utente o password. Controllarli in Comunicazioni › Altre azioni › Casella di posta: nessuna ricevuta è stata letta."
    );
    // The same with STARTTLS.
    let e = try_read(&server.settings(Security::Starttls), ca, "sbagliata");
    assert_eq!(e.field(), Some("imap_password"));

    // TLS: the server's certificate is not trusted without the test's CA.
    let e = try_read(&server.settings(Security::Tls), "", PASSWORD);
    assert_eq!(e.code(), "io");
    assert!(
        e.to_string()
            .starts_with("Connessione sicura con il server IMAP localhost:")
            && e.to_string().contains("Nessuna ricevuta è stata letta."),
        "{e}"
    );
    // TLS spoken to the STARTTLS port: the same.
    let mut wrong_mode = server.settings(Security::Tls);
    wrong_mode.port = server.plain;
    let e = try_read(&wrong_mode, ca, PASSWORD);
    assert!(e.to_string().starts_with("Connessione sicura"), "{e}");

    // A folder that does not exist.
    let mut folder = server.settings(Security::Tls);
    folder.folder = "Ricevute PEC".into();
    let e = try_read(&folder, ca, PASSWORD);
    assert_eq!(e.field(), Some("imap_folder"));
    assert!(
        e.to_string()
            .starts_with("La cartella «Ricevute PEC» non esiste"),
        "{e}"
    );

    // The server down.
    let mut down = server.settings(Security::Tls);
    down.port = free_port();
    let e = try_read(&down, ca, PASSWORD);
    assert!(
        e.to_string().starts_with(&format!(
            "Impossibile collegarsi al server IMAP localhost:{}",
            down.port
        )),
        "{e}"
    );

    // Nothing of it recorded; nothing marked in the mailbox.
    assert_eq!(counts(&archive), (0, 0, 0));
    assert!(flags(&server).iter().all(|f| !f.contains("Seen")));
    // «Prova la lettura» says what it found and reads nothing.
    let ok = ImapReader::new(&server.settings(Security::Starttls), ca, PASSWORD)
        .unwrap()
        .check()
        .unwrap();
    assert_eq!(ok, "Collegamento riuscito: la cartella «INBOX» contiene 1 messaggi. Nessun messaggio è stato letto né modificato.");
    assert_eq!(counts(&archive), (0, 0, 0));
    archive.into_inner().unwrap().close().unwrap();
}

#[test]
fn settings_keep_the_password_out_of_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("archivio.sqlite3")).unwrap();
    let fresh = s.imap_settings().unwrap();
    assert_eq!((fresh.port, fresh.folder.as_str()), (993, "INBOX"));
    let e = s
        .save_imap_settings(
            &cdp_core::comms::imap::ImapSettings {
                host: "imaps.pec.test.it/".into(),
                ..fresh.clone()
            },
            None,
        )
        .unwrap_err();
    assert_eq!(e.field(), Some("imap_host"));
    let host = format!("imap-{}.pec.test.it", std::process::id());
    let saved = s
        .save_imap_settings(
            &cdp_core::comms::imap::ImapSettings {
                host: host.clone(),
                user: USER.into(),
                folder: String::new(),
                ..fresh
            },
            Some("Segreta-IMAP-à"),
        )
        .unwrap();
    assert_eq!(saved.folder, "INBOX");
    assert!(saved.password_saved);
    assert_eq!(
        cdp_core::comms::imap::password(&saved).unwrap(),
        "Segreta-IMAP-à"
    );
    assert!(
        !common::dump_all(s.connection()).contains("Segreta"),
        "the password is in the archive"
    );
    // A stale form is refused; a save without a password keeps the saved one.
    let mut stale = saved.clone();
    stale.updated_at = "2000-01-01T00:00:00.000Z".into();
    assert_eq!(
        s.save_imap_settings(&stale, None).unwrap_err().code(),
        "conflict"
    );
    let again = s.save_imap_settings(&saved, None).unwrap();
    assert_eq!(
        cdp_core::comms::imap::password(&again).unwrap(),
        "Segreta-IMAP-à"
    );
    s.close().unwrap();
}
