//! The secretariat's mailbox: server, port, mode (implicit TLS or
//! STARTTLS), user and sender kept in the archive; the password only in the
//! operating system's credential store (`keyring`: Windows Credential
//! Manager, the macOS Keychain, the kernel keyring on Linux), never in the
//! archive. The transport is lettre's SMTP client over rustls.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};
use serde::{Deserialize, Serialize};

use crate::db::kv;
use crate::error::{Error, Result};
use crate::text::{self, Rule};
use crate::Store;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", serde(rename = "SmtpSecurity"))]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (usually port 465).
    Tls,
    /// A plain connection upgraded with STARTTLS (usually port 587); refused if the server cannot.
    Starttls,
}

impl Security {
    /// As the settings store keeps it.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
        }
    }

    /// From the settings store (TLS unless it says STARTTLS).
    pub(crate) fn from_key(key: &str) -> Security {
        if key == "starttls" {
            Security::Starttls
        } else {
            Security::Tls
        }
    }
}

/// The mailbox the communications leave from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    /// The sender's address and name («Segreteria Generale – Città Metropolitana di Messina»).
    pub from_address: String,
    pub from_name: String,
    /// A certificate (PEM file) to trust besides the system's, for a server
    /// whose certificate is its own; empty: the system's only.
    #[serde(default)]
    pub ca_file: String,
    /// Whether a password is in the credential store (read only).
    #[serde(default)]
    pub password_saved: bool,
    #[serde(default)]
    pub updated_at: String,
}

const HOST: &str = "smtp_host";
const PORT: &str = "smtp_port";
const SECURITY: &str = "smtp_security";
const USER: &str = "smtp_user";
const FROM_ADDRESS: &str = "smtp_from_address";
const FROM_NAME: &str = "smtp_from_name";
const CA_FILE: &str = "smtp_ca_file";
const UPDATED: &str = "smtp_updated_at";

/// Where the user sets the mailbox up, for the messages that send him there.
pub const SETTINGS_PLACE: &str = "Comunicazioni › Altre azioni › Casella di posta";

/// The credential store's service name for the mailbox's password.
const KEYRING_SERVICE: &str = "it.cittametropolitana.messina.comunitapratiche.smtp";

/// The credential store's entry of a mailbox's password (`service`: the
/// SMTP's or the IMAP's; the account: user@host).
pub(super) fn keyring_for(service: &str, user: &str, host: &str) -> Result<keyring::Entry> {
    // On Linux the password lives in the kernel's persistent keyring, reached
    // through the session keyring: a process started outside a login session
    // (a service, a remote shell) joins a new one first.
    #[cfg(target_os = "linux")]
    let _ =
        linux_keyutils::KeyRing::from_special_id(linux_keyutils::KeyRingIdentifier::Session, true);
    keyring::Entry::new(service, &format!("{user}@{host}"))
        .map_err(|e| Error::io(format!("Portachiavi del sistema non disponibile: {e}.")))
}

fn keyring_entry(s: &SmtpSettings) -> Result<keyring::Entry> {
    keyring_for(KEYRING_SERVICE, &s.user, &s.host)
}

/// A password from the credential store; `missing`: what to say when none is saved.
pub(super) fn stored_password(entry: keyring::Entry, missing: &str) -> Result<String> {
    entry.get_password().map_err(|e| match e {
        keyring::Error::NoEntry => Error::validation("password", missing),
        e => Error::io(format!(
            "Lettura della password dal portachiavi del sistema non riuscita: {e}."
        )),
    })
}

/// Saves a password in the credential store.
pub(super) fn store_password(entry: keyring::Entry, password: &str) -> Result<()> {
    entry.set_password(password).map_err(|e| {
        Error::io(format!(
            "La password non è stata salvata nel portachiavi del sistema: {e}."
        ))
    })
}

/// The mailbox's password from the credential store.
pub fn password(s: &SmtpSettings) -> Result<String> {
    stored_password(
        keyring_entry(s)?,
        &format!(
            "Nessuna password salvata per la casella di posta: inserirla in {SETTINGS_PLACE}."
        ),
    )
}

fn save_password(s: &SmtpSettings, password: &str) -> Result<()> {
    store_password(keyring_entry(s)?, password)
}

fn has_password(s: &SmtpSettings) -> bool {
    !s.host.is_empty() && keyring_entry(s).is_ok_and(|e| e.get_password().is_ok())
}

pub(crate) fn read(conn: &rusqlite::Connection) -> Result<SmtpSettings> {
    let get = |k| kv::get(conn, k).map(Option::unwrap_or_default);
    let security = Security::from_key(&get(SECURITY)?);
    let mut s = SmtpSettings {
        host: get(HOST)?,
        port: get(PORT)?.parse().unwrap_or(465),
        security,
        user: get(USER)?,
        from_address: get(FROM_ADDRESS)?,
        from_name: get(FROM_NAME)?,
        ca_file: get(CA_FILE)?,
        password_saved: false,
        updated_at: get(UPDATED)?,
    };
    s.password_saved = has_password(&s);
    Ok(s)
}

/// A mail server's name as typed in the settings: required, a name only
/// (no scheme, path or port), `example` shown in the message.
pub(super) fn server_name(field: &str, label: &str, example: &str, value: &str) -> Result<String> {
    let host = text::required(field, label, value.trim(), Rule::NAME)?;
    if host.contains(|c: char| c.is_whitespace() || c == '/' || c == ':') {
        return Err(Error::validation(
            field,
            format!("{label}: solo il nome del server (per esempio {example})."),
        ));
    }
    Ok(host)
}

impl Store {
    pub fn smtp_settings(&self) -> Result<SmtpSettings> {
        read(&self.conn)
    }

    /// Saves the mailbox's settings; a password given goes to the
    /// credential store only (empty: the one saved stays).
    pub fn save_smtp_settings(
        &mut self,
        s: &SmtpSettings,
        password: Option<&str>,
    ) -> Result<SmtpSettings> {
        let host = server_name("host", "Server SMTP", "smtps.pec.aruba.it", &s.host)?;
        if s.port == 0 {
            return Err(Error::validation(
                "port",
                "Porta: un numero da 1 a 65535 (di solito 465 o 587).",
            ));
        }
        let user = text::required("user", "Nome utente", s.user.trim(), Rule::NAME)?;
        let from_address = text::required(
            "from_address",
            "Indirizzo del mittente",
            s.from_address.trim(),
            Rule::NAME,
        )?;
        crate::validate::email("from_address", "Indirizzo del mittente", &from_address)?;
        let from_name = text::field(
            "from_name",
            "Nome del mittente",
            s.from_name.trim(),
            Rule::NAME,
        )?;
        let ca_file = text::field(
            "ca_file",
            "Certificato aggiuntivo",
            s.ca_file.trim(),
            Rule::TITLE,
        )?;
        if !ca_file.is_empty() {
            let pem = std::fs::read(&ca_file)
                .map_err(|e| Error::file(std::path::Path::new(&ca_file), &e))?;
            Certificate::from_pem(&pem).map_err(|_| {
                Error::validation(
                    "ca_file",
                    "Certificato aggiuntivo: il file non contiene un certificato PEM valido.",
                )
            })?;
        }
        let saved = SmtpSettings {
            host,
            port: s.port,
            security: s.security,
            user,
            from_address,
            from_name,
            ca_file,
            password_saved: false,
            updated_at: String::new(),
        };
        if let Some(p) = password.filter(|p| !p.is_empty()) {
            save_password(&saved, p)?;
        }
        self.action(|tx, op| {
            let port = saved.port.to_string();
            kv::set_versioned(
                tx,
                UPDATED,
                &s.updated_at,
                &[
                    (HOST, &saved.host),
                    (PORT, &port),
                    (SECURITY, saved.security.key()),
                    (USER, &saved.user),
                    (FROM_ADDRESS, &saved.from_address),
                    (FROM_NAME, &saved.from_name),
                    (CA_FILE, &saved.ca_file),
                ],
            )?;
            crate::audit::record(
                tx,
                op,
                "update",
                "smtp_settings",
                "smtp",
                None,
                // Never the password: it is not in the archive.
                Some(&serde_json::json!({"host": saved.host, "port": saved.port, "user": saved.user})),
            )
        })?;
        self.smtp_settings()
    }
}

/// Why a message was not accepted, as the outbox needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server refused this message or recipient for good (5xx): it was not sent.
    Refused(String),
    /// The server refused for now (4xx): it was not sent; try later.
    Later(String),
    /// User name or password refused: nothing can be sent.
    Credentials(String),
    /// The connection broke or timed out: whether the server kept the
    /// message is unknown.
    Broken(String),
}

impl Failure {
    pub fn message(&self) -> &str {
        match self {
            Failure::Refused(m)
            | Failure::Later(m)
            | Failure::Credentials(m)
            | Failure::Broken(m) => m,
        }
    }
}

/// A connected mailbox, ready to send.
pub struct SmtpMailer {
    transport: SmtpTransport,
    host: String,
    port: u16,
    pub sender: super::message::Sender,
}

/// lettre's error in Italian, classified.
fn classify(
    e: &lettre::transport::smtp::Error,
    host: &str,
    port: u16,
    to: Option<&str>,
) -> Failure {
    if let Some(code) = e.status() {
        let n = u16::from(code);
        let detail = e.to_string();
        if matches!(n, 530 | 534 | 535 | 538) {
            return Failure::Credentials(format!(
                "Il server {host} ha rifiutato nome utente o password ({n}). Controllarli in {SETTINGS_PLACE}: nessun messaggio è stato inviato e quelli in uscita restano in coda."
            ));
        }
        let whom = to.map(|t| format!(" per {t}")).unwrap_or_default();
        return if e.is_permanent() {
            Failure::Refused(format!(
                "Il server ha rifiutato il messaggio{whom} (risposta {n}): {detail}."
            ))
        } else {
            Failure::Later(format!(
                "Il server ha chiesto di riprovare più tardi{whom} (risposta {n}): il messaggio resta in coda."
            ))
        };
    }
    if e.is_timeout() {
        return Failure::Broken(format!(
            "Il server {host} non ha risposto in tempo: controllare la rete e riprovare. I messaggi non inviati restano in coda."
        ));
    }
    if e.is_tls() {
        return Failure::Broken(format!(
            "Connessione sicura con {host}:{port} non riuscita: il certificato del server non è riconosciuto o la modalità (TLS o STARTTLS) non è quella del server. Dettaglio: {e}."
        ));
    }
    Failure::Broken(format!(
        "Impossibile comunicare con il server {host}:{port}: controllare nome, porta e rete. I messaggi non inviati restano in coda. Dettaglio: {e}."
    ))
}

impl SmtpMailer {
    /// The transport for `s` with `password`; no connection is made yet.
    pub fn new(s: &SmtpSettings, password: &str) -> Result<SmtpMailer> {
        if s.host.is_empty() {
            return Err(Error::validation(
                "host",
                format!("Configurare prima la casella di posta in {SETTINGS_PLACE}."),
            ));
        }
        let mut tls = TlsParameters::builder(s.host.clone());
        if !s.ca_file.is_empty() {
            let pem = std::fs::read(&s.ca_file)
                .map_err(|e| Error::file(std::path::Path::new(&s.ca_file), &e))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|_| Error::validation("ca_file", "Certificato aggiuntivo non valido."))?;
            tls = tls.add_root_certificate(cert);
        }
        let tls = tls
            .build_rustls()
            .map_err(|e| Error::validation("host", format!("Impostazioni TLS non valide: {e}.")))?;
        let tls = match s.security {
            Security::Tls => Tls::Wrapper(tls),
            Security::Starttls => Tls::Required(tls),
        };
        let transport = SmtpTransport::builder_dangerous(s.host.clone())
            .port(s.port)
            .tls(tls)
            .credentials(Credentials::new(s.user.clone(), password.to_string()))
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(SmtpMailer {
            transport,
            host: s.host.clone(),
            port: s.port,
            sender: super::message::Sender {
                name: if s.from_name.is_empty() {
                    s.from_address.clone()
                } else {
                    s.from_name.clone()
                },
                address: s.from_address.clone(),
            },
        })
    }

    /// Connects and logs in once, to say early that the server or the
    /// credentials are wrong (nothing is sent).
    pub fn check(&self) -> std::result::Result<(), Failure> {
        match self.transport.test_connection() {
            Ok(true) => Ok(()),
            Ok(false) => Err(Failure::Broken(format!(
                "Il server {}:{} non ha risposto come un server di posta.",
                self.host, self.port
            ))),
            Err(e) => Err(classify(&e, &self.host, self.port, None)),
        }
    }

    /// «Invia una prova»: one message from the secretariat to itself.
    pub fn send_test(&self, today: chrono::NaiveDate) -> std::result::Result<String, Failure> {
        let to = self.sender.address.clone();
        let m = lettre::Message::builder()
            .from(lettre::message::Mailbox::new(Some(self.sender.name.clone()), to.parse().map_err(|_| Failure::Refused(format!("«{to}» non è un indirizzo valido.")))?))
            .to(lettre::message::Mailbox::new(None, to.parse().map_err(|_| Failure::Refused(format!("«{to}» non è un indirizzo valido.")))?))
            .subject("Prova di invio – Comunità di Pratiche")
            .body(format!(
                "Messaggio di prova inviato il {} dall'applicazione Comunità di Pratiche per verificare le impostazioni della casella di posta ({}:{}).",
                crate::text::date_words(today),
                self.host,
                self.port
            ))
            .map_err(|e| Failure::Refused(format!("Messaggio di prova non costruito: {e}.")))?;
        self.send(m.envelope(), &m.formatted(), &to)?;
        Ok(format!(
            "Messaggio di prova inviato a {to}: controllare che sia arrivato."
        ))
    }

    /// Hands one message to the server.
    pub fn send(
        &self,
        envelope: &Envelope,
        bytes: &[u8],
        to: &str,
    ) -> std::result::Result<(), Failure> {
        self.transport
            .send_raw(envelope, bytes)
            .map(|_| ())
            .map_err(|e| classify(&e, &self.host, self.port, Some(to)))
    }
}
