//! Comunicazioni against a real local SMTP server (Debian's
//! python3-aiosmtpd, `smtp_server.py`) and a real local IMAP server
//! (Debian's dovecot-imapd, `imap_server.py`) on a certificate the test
//! makes: composing and recipients, sending 108 personalised messages, the
//! server's refusals, kills during a send, PEC receipts from files and
//! read from the mailbox.

#[path = "../common/mod.rs"]
mod common;

mod compose;
mod imap;
mod kill;
mod receipts;
mod register;
mod requests;
mod rules;
mod send;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use cdp_core::comms::smtp::{Security, SmtpMailer, SmtpSettings};
use cdp_core::comms::{CommInput, Kind, RecipientRole, RecipientRule};
use cdp_core::registry::Role;
use cdp_core::Store;

pub const USER: &str = "segreteria";
pub const PASSWORD: &str = "Pàssword-di-prova";

/// A certificate authority and a certificate for `localhost` signed by it
/// (rustls refuses a self-signed CA used as the server's own certificate).
pub struct Certs {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub fn make_certs(dir: &Path) -> Certs {
    let run = |args: &[&str]| {
        let st = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl");
        assert!(st.success(), "openssl {args:?}");
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=CA di prova",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "req.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "req.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    Certs {
        ca: dir.join("ca.pem"),
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    }
}

/// The SMTP server, stopped when dropped.
pub struct Server {
    child: Child,
    pub out: PathBuf,
    pub port: u16,
    pub security: Security,
    pub ca: PathBuf,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    pub fn start(dir: &Path, security: Security) -> Server {
        let certs = make_certs(dir);
        let out = dir.join("ricevuti");
        std::fs::create_dir_all(&out).unwrap();
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/comms/smtp_server.py");
        let mode = match security {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
        };
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .args([out.to_str().unwrap(), &port.to_string(), mode])
            .args([
                certs.cert.to_str().unwrap(),
                certs.key.to_str().unwrap(),
                USER,
                PASSWORD,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "READY",
            "the SMTP server did not start (python3-aiosmtpd installed?)"
        );
        Server {
            child,
            out,
            port,
            security,
            ca: certs.ca,
        }
    }

    /// The mailbox settings for this server.
    pub fn settings(&self) -> SmtpSettings {
        SmtpSettings {
            host: "localhost".into(),
            port: self.port,
            security: self.security,
            user: USER.into(),
            from_address: "segreteria@pec.cittametropolitana.me.it".into(),
            from_name: "Segreteria Generale – Città Metropolitana di Messina".into(),
            ca_file: self.ca.display().to_string(),
            password_saved: false,
            updated_at: String::new(),
        }
    }

    pub fn mailer(&self, password: &str) -> SmtpMailer {
        SmtpMailer::new(&self.settings(), password).unwrap()
    }

    /// What the server accepted, in order (one JSON object per message).
    pub fn received(&self) -> Vec<serde_json::Value> {
        received_in(&self.out)
    }
}

pub fn received_in(out: &Path) -> Vec<serde_json::Value> {
    match std::fs::read_to_string(out.join("received.jsonl")) {
        Ok(t) => t
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The IMAP server (Dovecot, not a daemon), stopped when dropped: one
/// user, a Maildir in the test's folder, STARTTLS on `plain`, implicit TLS
/// on `tls`, on the test's certificate.
pub struct Dovecot {
    child: Child,
    pub plain: u16,
    pub tls: u16,
    pub ca: PathBuf,
}

fn imap_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/comms/imap_server.py")
}

impl Dovecot {
    pub fn start(dir: &Path) -> Dovecot {
        let dir = &dir.join("imap");
        std::fs::create_dir_all(dir).unwrap();
        let certs = make_certs(dir);
        let mut child = Command::new("/usr/bin/python3")
            .arg(imap_script())
            .arg(dir)
            .args([
                certs.cert.to_str().unwrap(),
                certs.key.to_str().unwrap(),
                USER,
                PASSWORD,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let w: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            w.first(),
            Some(&"READY"),
            "the IMAP server did not start (dovecot-imapd installed?): {line}"
        );
        Dovecot {
            child,
            plain: w[1].parse().unwrap(),
            tls: w[2].parse().unwrap(),
            ca: certs.ca,
        }
    }

    /// The reading settings for this server (implicit TLS or STARTTLS).
    pub fn settings(&self, security: Security) -> cdp_core::comms::imap::ImapSettings {
        cdp_core::comms::imap::ImapSettings {
            host: "localhost".into(),
            port: match security {
                Security::Tls => self.tls,
                Security::Starttls => self.plain,
            },
            security,
            user: USER.into(),
            folder: "INBOX".into(),
            password_saved: false,
            updated_at: String::new(),
        }
    }

    /// Appends messages to a folder with IMAP APPEND, as a PEC provider
    /// delivers them; their UIDs.
    pub fn append(&self, folder: &str, messages: &[Vec<u8>]) -> Vec<u32> {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let p = dir.path().join(format!("{i}.eml"));
                std::fs::write(&p, m).unwrap();
                p
            })
            .collect();
        let out = Command::new("/usr/bin/python3")
            .arg(imap_script())
            .args(["append", &self.plain.to_string(), USER, PASSWORD, folder])
            .args(&files)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.trim().parse().unwrap())
            .collect()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // SIGTERM: the script stops Dovecot and waits for it.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// Gives every comune an RPCT in office with an e-mail address
/// (`rpct.<istat>@comune.test.it`), and returns the store.
pub fn network(s: &mut Store) {
    use common::registry::ReferentBuilder;
    let comuni = s.list_comuni(&Default::default()).unwrap();
    for c in comuni {
        s.add_referent(
            &c.istat,
            &common::registry::referent(Role::Rpct, &format!("RPCT di {}", c.name))
                .since("2024-01-01")
                .email(&format!("rpct.{}@comune.test.it", c.istat)),
        )
        .unwrap();
    }
}

/// A communication of `kind` with its object, a text with placeholders and no document.
pub fn draft(kind: Kind, subject: &str) -> CommInput {
    CommInput {
        kind,
        subject: subject.into(),
        body: "Al {{ rpct }} del Comune di {{ comune.nome }}.".into(),
        signatory: "Il Segretario Generale".into(),
        protocol_number: String::new(),
        protocol_date: String::new(),
        generated_doc: String::new(),
        event_id: None,
        year: None,
        updated_at: None,
    }
}

/// A convocation to every comune's RPCT, with the letter as a PDF per
/// recipient if `letter`.
pub fn convocation(s: &mut Store, letter: bool) -> i64 {
    let c = s
        .comms_create(&CommInput {
            kind: Kind::Convocazione,
            subject: "Convocazione – giornata formativa «Whistleblowing» del 12 aprile 2027".into(),
            body: "# Convocazione\n\nAl {{ rpct }}, RPCT del Comune di {{ comune.nome }}.\n\nLa S.V. è invitata alla giornata formativa del 12 aprile 2027 della Comunità di Pratiche.\n\nIl Comune risulta nello stato «{{ adesione.stato }}».\n".into(),
            signatory: "Il Segretario Generale".into(),
            protocol_number: "1234".into(),
            protocol_date: "2027-03-05".into(),
            generated_doc: if letter { cdp_core::comms::LETTER.into() } else { String::new() },
            event_id: None,
            year: None,
            updated_at: None,
        })
        .unwrap();
    s.comms_set_recipients(
        c.id,
        &RecipientRule {
            roles: vec![RecipientRole::Rpct],
            ..Default::default()
        },
        &[],
    )
    .unwrap();
    c.id
}
