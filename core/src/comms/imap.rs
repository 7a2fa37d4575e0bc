//! PEC receipts read from the secretariat's mailbox by IMAP (RFC 3501),
//! where it is reachable: server, port, mode (implicit TLS or STARTTLS),
//! user and folder kept in the archive, the password only in the operating
//! system's credential store (as the SMTP's), the same certificate trusted
//! besides the system's. The folder is opened read-only (EXAMINE) and read
//! with BODY.PEEK: nothing is deleted, moved or marked as read. Only the
//! messages that arrived since the last reading are looked at (the folder's
//! UIDVALIDITY and the last UID read are remembered); of those, the ones
//! the PEC rules mark as receipts (`X-Ricevuta`) go through the one receipt
//! rule (`receipts::import_in`), a few at a time, each batch recorded in
//! one action with the position reached: a reading stopped anywhere
//! (Interrompi, the network) leaves recorded exactly the messages read.
//! The client is the `imap` crate over rustls with ring, as lettre's SMTP.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use serde::{Deserialize, Serialize};

use super::outbox::Archive;
use super::receipts::{Incoming, ReceiptLine};
use super::smtp::{Security, SETTINGS_PLACE};
use crate::db::kv;
use crate::error::{Error, Result};
use crate::job::{CancelToken, Progress};
use crate::text::{self, Rule};
use crate::Store;

/// The mailbox the receipts are read from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImapSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    /// The folder the receipts arrive in (INBOX, unless a rule of the
    /// webmail moves them elsewhere).
    pub folder: String,
    /// Whether a password is in the credential store (read only).
    #[serde(default)]
    pub password_saved: bool,
    #[serde(default)]
    pub updated_at: String,
}

/// The folder read when none is named.
pub const DEFAULT_FOLDER: &str = "INBOX";

const HOST: &str = "imap_host";
const PORT: &str = "imap_port";
const SECURITY: &str = "imap_security";
const USER: &str = "imap_user";
const FOLDER: &str = "imap_folder";
const UPDATED: &str = "imap_updated_at";
/// Where the last reading stopped (JSON `Position`).
const POSITION: &str = "imap_position";

const KEYRING_SERVICE: &str = "it.cittametropolitana.messina.comunitapratiche.imap";

/// Messages fetched (and recorded) together.
const BATCH: usize = 25;
/// How long the server may stay silent before the reading gives up.
const TIMEOUT: Duration = Duration::from_secs(30);

fn keyring_entry(s: &ImapSettings) -> Result<keyring::Entry> {
    super::smtp::keyring_for(KEYRING_SERVICE, &s.user, &s.host)
}

/// The IMAP password from the credential store.
pub fn password(s: &ImapSettings) -> Result<String> {
    super::smtp::stored_password(
        keyring_entry(s)?,
        &format!(
            "Nessuna password salvata per la lettura delle ricevute (IMAP): inserirla in {SETTINGS_PLACE}."
        ),
    )
    .map_err(|e| match e {
        Error::Validation { message, .. } => Error::validation("imap_password", message),
        e => e,
    })
}

pub(crate) fn read(conn: &rusqlite::Connection) -> Result<ImapSettings> {
    let get = |k| kv::get(conn, k).map(Option::unwrap_or_default);
    let security = Security::from_key(&get(SECURITY)?);
    let folder = get(FOLDER)?;
    let mut s = ImapSettings {
        host: get(HOST)?,
        port: get(PORT)?.parse().unwrap_or(993),
        security,
        user: get(USER)?,
        folder: if folder.is_empty() {
            DEFAULT_FOLDER.into()
        } else {
            folder
        },
        password_saved: false,
        updated_at: get(UPDATED)?,
    };
    s.password_saved =
        !s.host.is_empty() && keyring_entry(&s).is_ok_and(|e| e.get_password().is_ok());
    Ok(s)
}

/// Where the last reading of a folder stopped: the folder's UIDVALIDITY
/// and the highest UID read. Valid for that server, user and folder only.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Position {
    host: String,
    user: String,
    folder: String,
    uid_validity: u32,
    last_uid: u32,
}

fn position(conn: &rusqlite::Connection, s: &ImapSettings) -> Result<Option<Position>> {
    Ok(kv::get(conn, POSITION)?
        .and_then(|j| serde_json::from_str::<Position>(&j).ok())
        .filter(|p| p.host == s.host && p.user == s.user && p.folder == s.folder))
}

impl Store {
    pub fn imap_settings(&self) -> Result<ImapSettings> {
        read(&self.conn)
    }

    /// Saves the settings of the receipts' mailbox; a password given goes
    /// to the credential store only (empty: the one saved stays).
    pub fn save_imap_settings(
        &mut self,
        s: &ImapSettings,
        password: Option<&str>,
    ) -> Result<ImapSettings> {
        let host =
            super::smtp::server_name("imap_host", "Server IMAP", "imaps.pec.aruba.it", &s.host)?;
        if s.port == 0 {
            return Err(Error::validation(
                "imap_port",
                "Porta IMAP: un numero da 1 a 65535 (di solito 993, o 143 con STARTTLS).",
            ));
        }
        let user = text::required("imap_user", "Nome utente IMAP", s.user.trim(), Rule::NAME)?;
        let folder = text::field("imap_folder", "Cartella", s.folder.trim(), Rule::NAME)?;
        let saved = ImapSettings {
            host,
            port: s.port,
            security: s.security,
            user,
            folder: if folder.is_empty() {
                DEFAULT_FOLDER.into()
            } else {
                folder
            },
            password_saved: false,
            updated_at: String::new(),
        };
        if let Some(p) = password.filter(|p| !p.is_empty()) {
            super::smtp::store_password(keyring_entry(&saved)?, p)?;
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
                    (FOLDER, &saved.folder),
                ],
            )?;
            crate::audit::record(
                tx,
                op,
                "update",
                "imap_settings",
                "imap",
                None,
                // Never the password: it is not in the archive.
                Some(&serde_json::json!({"host": saved.host, "port": saved.port, "user": saved.user, "folder": saved.folder})),
            )
        })?;
        self.imap_settings()
    }

    /// Records a batch of messages read from the mailbox, in one action:
    /// the receipts through the one receipt rule, and the position reached.
    pub(crate) fn comms_imap_record(
        &mut self,
        items: &[Incoming],
        at: &Position,
        messages: usize,
    ) -> Result<Vec<ReceiptLine>> {
        let dir = self.comms_receipts_dir();
        let today = self.today();
        self.action(|tx, op| {
            let lines = super::receipts::import_in(tx, op, dir.as_deref(), today, items)?;
            kv::set(tx, POSITION, &serde_json::to_string(at)?)?;
            crate::audit::record(
                tx,
                op,
                "imap_read",
                "imap_settings",
                "imap",
                None,
                Some(&serde_json::json!({
                    "folder": at.folder, "uid_validity": at.uid_validity, "last_uid": at.last_uid,
                    "messages": messages, "receipts": items.len(),
                })),
            )?;
            Ok(lines)
        })
    }
}

/// What a reading of the mailbox did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImapReport {
    pub folder: String,
    /// Messages arrived since the last reading, looked at.
    pub messages: usize,
    /// Of those, the PEC receipts (each with its line).
    pub receipts: usize,
    pub lines: Vec<ReceiptLine>,
    pub cancelled: bool,
    /// Why the reading stopped before the end, in Italian (what was read is recorded).
    pub stopped: Option<String>,
}

type Tls = StreamOwned<ClientConnection, TcpStream>;
type Session = ::imap::Session<Tls>;

/// SASL PLAIN: the password as UTF-8 (LOGIN would send it as a quoted
/// string, which servers read differently beyond ASCII).
struct Plain<'a> {
    user: &'a str,
    password: &'a str,
}

impl ::imap::Authenticator for Plain<'_> {
    type Response = Vec<u8>;
    fn process(&self, _: &[u8]) -> Vec<u8> {
        format!("\0{}\0{}", self.user, self.password).into_bytes()
    }
}

/// A mailbox to read, ready to connect.
pub struct ImapReader {
    settings: ImapSettings,
    password: String,
    tls: Arc<ClientConfig>,
}

impl ImapReader {
    /// The reader for `s` with `password`, trusting the system's
    /// certificates and `ca_file` (a PEM file; empty: none); no connection yet.
    pub fn new(s: &ImapSettings, ca_file: &str, password: &str) -> Result<ImapReader> {
        if s.host.is_empty() {
            return Err(Error::validation(
                "imap_host",
                format!(
                    "Configurare prima la lettura delle ricevute (server IMAP) in {SETTINGS_PLACE}."
                ),
            ));
        }
        let mut roots = RootCertStore::empty();
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        if !ca_file.trim().is_empty() {
            let path = std::path::Path::new(ca_file.trim());
            let pem = std::fs::read(path).map_err(|e| Error::file(path, &e))?;
            let mut added = 0;
            for cert in CertificateDer::pem_slice_iter(&pem).flatten() {
                if roots.add(cert).is_ok() {
                    added += 1;
                }
            }
            if added == 0 {
                return Err(Error::validation(
                    "ca_file",
                    "Certificato aggiuntivo: il file non contiene un certificato PEM valido.",
                ));
            }
        }
        // The provider lettre's SMTP uses (ring): aws-lc-rs, which adds
        // post-quantum key exchange, would add a C library to build and ship.
        #[allow(deprecated)]
        let provider = rustls::crypto::CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let tls = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::io(format!("Impostazioni TLS non valide: {e}.")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(ImapReader {
            settings: s.clone(),
            password: password.to_string(),
            tls: Arc::new(tls),
        })
    }

    fn place(&self) -> String {
        format!("{}:{}", self.settings.host, self.settings.port)
    }

    fn unreachable(&self, e: &std::io::Error) -> Error {
        if matches!(
            e.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ) {
            return Error::io(format!(
                "Il server IMAP {} non ha risposto in tempo: controllare porta, modalità (TLS o STARTTLS) e rete, e riprovare. Nessuna ricevuta è stata letta.",
                self.place()
            ));
        }
        Error::io(format!(
            "Impossibile collegarsi al server IMAP {}: controllare nome, porta e rete (il server può essere spento o irraggiungibile). Nessuna ricevuta è stata letta. Dettaglio: {e}.",
            self.place()
        ))
    }

    fn tls_failed(&self, detail: &dyn std::fmt::Display) -> Error {
        Error::io(format!(
            "Connessione sicura con il server IMAP {} non riuscita: il certificato del server non è riconosciuto (se è un certificato proprio, indicarlo in «Certificato aggiuntivo») o la modalità (TLS o STARTTLS) non è quella del server. Nessuna ricevuta è stata letta. Dettaglio: {detail}.",
            self.place()
        ))
    }

    fn lost(&self, e: &::imap::Error) -> Error {
        Error::io(format!(
            "Il server IMAP {} ha interrotto la comunicazione ({e}). Nessuna ricevuta è stata letta: riprovare.",
            self.place()
        ))
    }

    /// The plain connection made secure by STARTTLS (its greeting read here).
    fn starttls(&self, tcp: TcpStream) -> Result<TcpStream> {
        let mut reader = BufReader::new(tcp.try_clone().map_err(|e| self.unreachable(&e))?);
        let mut line = Vec::new();
        let mut next = |line: &mut Vec<u8>| -> Result<String> {
            line.clear();
            match reader.read_until(b'\n', line) {
                Ok(0) => Err(Error::io(format!(
                    "Il server IMAP {} ha chiuso la connessione. Nessuna ricevuta è stata letta.",
                    self.place()
                ))),
                Ok(_) => Ok(String::from_utf8_lossy(line).trim_end().to_string()),
                Err(e) => Err(self.unreachable(&e)),
            }
        };
        let greeting = next(&mut line)?;
        if !greeting.starts_with("* OK") {
            return Err(self.tls_failed(&format!("risposta iniziale «{greeting}»")));
        }
        (&tcp)
            .write_all(b"s1 STARTTLS\r\n")
            .map_err(|e| self.unreachable(&e))?;
        loop {
            let l = next(&mut line)?;
            if let Some(rest) = l.strip_prefix("s1 ") {
                if rest.starts_with("OK") {
                    return Ok(tcp);
                }
                return Err(Error::io(format!(
                    "Il server IMAP {} non offre STARTTLS: scegliere la modalità TLS (di solito la porta 993). Nessuna ricevuta è stata letta.",
                    self.place()
                )));
            }
        }
    }

    /// Connects, secures the connection and logs in.
    fn connect(&self) -> Result<Session> {
        let s = &self.settings;
        let addrs: Vec<_> = (s.host.as_str(), s.port)
            .to_socket_addrs()
            .map_err(|_| {
                Error::io(format!(
                    "Server IMAP «{}» non trovato: controllarne il nome e la rete. Nessuna ricevuta è stata letta.",
                    s.host
                ))
            })?
            .collect();
        let mut last = None;
        let mut tcp = None;
        for a in &addrs {
            match TcpStream::connect_timeout(a, TIMEOUT) {
                Ok(t) => {
                    tcp = Some(t);
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        let tcp = match (tcp, last) {
            (Some(t), _) => t,
            (None, Some(e)) => return Err(self.unreachable(&e)),
            (None, None) => {
                return Err(self.unreachable(&std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "nessun indirizzo",
                )))
            }
        };
        tcp.set_read_timeout(Some(TIMEOUT))
            .and_then(|_| tcp.set_write_timeout(Some(TIMEOUT)))
            .map_err(|e| self.unreachable(&e))?;
        let mut tcp = match s.security {
            Security::Tls => tcp,
            Security::Starttls => self.starttls(tcp)?,
        };
        let name = ServerName::try_from(s.host.clone()).map_err(|_| {
            Error::validation(
                "imap_host",
                "Server IMAP: il nome non è un nome di server valido.",
            )
        })?;
        let mut conn =
            ClientConnection::new(self.tls.clone(), name).map_err(|e| self.tls_failed(&e))?;
        while conn.is_handshaking() {
            if let Err(e) = conn.complete_io(&mut tcp) {
                return Err(match e.kind() {
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                        self.unreachable(&e)
                    }
                    _ => self.tls_failed(&e),
                });
            }
        }
        let mut client = ::imap::Client::new(StreamOwned::new(conn, tcp));
        match s.security {
            Security::Tls => {
                client.read_greeting().map_err(|e| self.lost(&e))?;
            }
            Security::Starttls => client.greeting_read = true,
        }
        let caps = client.capabilities().map_err(|e| self.lost(&e))?;
        let plain = caps.has_str("AUTH=PLAIN");
        drop(caps);
        let logged = if plain {
            client.authenticate(
                "PLAIN",
                &Plain {
                    user: &s.user,
                    password: &self.password,
                },
            )
        } else {
            client.login(&s.user, &self.password)
        };
        logged.map_err(|(e, _)| match e {
            ::imap::Error::No(_) | ::imap::Error::Bad(_) => Error::validation(
                "imap_password",
                format!(
                    "Il server IMAP {} ha rifiutato nome utente o password. Controllarli in {SETTINGS_PLACE}: nessuna ricevuta è stata letta.",
                    s.host
                ),
            ),
            e => self.lost(&e),
        })
    }

    /// Opens the folder read-only: its UIDVALIDITY and how many messages it holds.
    fn examine(&self, session: &mut Session) -> Result<(u32, u32)> {
        match session.examine(&self.settings.folder) {
            Ok(m) => Ok((m.uid_validity.unwrap_or(0), m.exists)),
            Err(::imap::Error::No(_)) | Err(::imap::Error::Bad(_)) => Err(Error::validation(
                "imap_folder",
                format!(
                    "La cartella «{}» non esiste nella casella {}: controllarne il nome in {SETTINGS_PLACE} (di solito INBOX).",
                    self.settings.folder, self.settings.user
                ),
            )),
            Err(e) => Err(self.lost(&e)),
        }
    }

    /// «Prova la lettura»: connects, logs in and opens the folder; nothing is read.
    pub fn check(&self) -> Result<String> {
        let mut session = self.connect()?;
        let (_, exists) = self.examine(&mut session)?;
        let _ = session.logout();
        Ok(format!(
            "Collegamento riuscito: la cartella «{}» contiene {exists} messaggi. Nessun messaggio è stato letto né modificato.",
            self.settings.folder
        ))
    }
}

/// Whether a message's header marks it as a PEC receipt.
fn is_receipt(header: &[u8]) -> bool {
    use mailparse::MailHeaderMap;
    mailparse::parse_headers(header)
        .map(|(h, _)| h.get_first_value("X-Ricevuta").is_some())
        .unwrap_or(false)
}

fn subject_of(bytes: &[u8]) -> String {
    use mailparse::MailHeaderMap;
    mailparse::parse_headers(bytes)
        .ok()
        .and_then(|(h, _)| h.get_first_value("Subject"))
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "(senza oggetto)".into())
}

fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// «Leggi ricevute dalla casella»: the messages arrived in the folder since
/// the last reading, the receipts among them imported by the one receipt
/// rule, a batch at a time (each batch and the position reached in one
/// action). A failure before anything is read is an error (nothing
/// recorded); one during the reading stops it, what was read stays recorded.
pub fn read_receipts(
    archive: &impl Archive,
    reader: &ImapReader,
    progress: &dyn Fn(Progress),
    cancel: &CancelToken,
) -> Result<ImapReport> {
    let s = &reader.settings;
    let start = archive.with(&mut |st| position(&st.conn, s))?;
    let mut session = reader.connect()?;
    let (validity, exists) = match reader.examine(&mut session) {
        Ok(v) => v,
        Err(e) => {
            let _ = session.logout();
            return Err(e);
        }
    };
    // A folder whose UIDVALIDITY changed is read again from the start: the
    // receipts already imported are recognised by their hash, not doubled.
    let from = match start {
        Some(p) if p.uid_validity == validity => p.last_uid,
        _ => 0,
    };
    let mut report = ImapReport {
        folder: s.folder.clone(),
        ..Default::default()
    };
    let uids = if exists == 0 {
        Vec::new()
    } else {
        match session.uid_search(format!("UID {}:*", from.saturating_add(1))) {
            Ok(set) => {
                // «n:*» always names the last message, even when it is older than n.
                let mut v: Vec<u32> = set.into_iter().filter(|u| *u > from).collect();
                v.sort_unstable();
                v
            }
            Err(e) => {
                let _ = session.logout();
                return Err(reader.lost(&e));
            }
        }
    };
    let total = uids.len();
    progress(Progress { done: 0, total });
    for batch in uids.chunks(BATCH) {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        let read = (|| -> std::result::Result<Vec<Incoming>, ::imap::Error> {
            let heads = session.uid_fetch(uid_set(batch), "(UID BODY.PEEK[HEADER])")?;
            let mut receipts: Vec<u32> = heads
                .iter()
                .filter(|f| f.header().is_some_and(is_receipt))
                .filter_map(|f| f.uid)
                .collect();
            drop(heads);
            receipts.sort_unstable();
            let mut items = Vec::new();
            if !receipts.is_empty() {
                let bodies = session.uid_fetch(uid_set(&receipts), "(UID BODY.PEEK[])")?;
                let mut got: Vec<(u32, Vec<u8>)> = bodies
                    .iter()
                    .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
                    .collect();
                got.sort_by_key(|(u, _)| *u);
                for (uid, bytes) in got {
                    items.push(Incoming {
                        shown: format!(
                            "{} (messaggio {uid} della cartella {})",
                            subject_of(&bytes),
                            s.folder
                        ),
                        file_name: format!("imap_{validity}_{uid}.eml"),
                        bytes,
                    });
                }
            }
            Ok(items)
        })();
        let items = match read {
            Ok(items) => items,
            Err(e) => {
                report.stopped = Some(format!(
                    "La comunicazione con il server IMAP {} si è interrotta ({e}): {} messaggi letti e registrati; gli altri saranno letti alla prossima lettura.",
                    reader.place(),
                    report.messages
                ));
                break;
            }
        };
        let Some(&last_uid) = batch.last() else {
            break;
        };
        let at = Position {
            host: s.host.clone(),
            user: s.user.clone(),
            folder: s.folder.clone(),
            uid_validity: validity,
            last_uid,
        };
        let lines = archive.with(&mut |st| st.comms_imap_record(&items, &at, batch.len()))?;
        report.messages += batch.len();
        report.receipts += items.len();
        report.lines.extend(lines);
        progress(Progress {
            done: report.messages,
            total,
        });
    }
    let _ = session.logout();
    Ok(report)
}
