//! Comunicazioni: circulars, invitations, reminders, convocations and
//! requests sent to the network. A communication has a kind, an object, a
//! text in the acts' template markup and placeholders (filled per
//! recipient, `message.rs`), files and a document generated per recipient;
//! its recipients are chosen by rule (zone, role, adhesion state) and by
//! hand (`recipients.rs`); the outbox sends one message per recipient,
//! never twice (`outbox.rs`, `smtp.rs`); the PEC receipts prove what
//! happened to each (`receipts.rs`), chosen as files or read from the
//! mailbox (`imap.rs`).

pub mod files;
pub mod imap;
pub mod message;
pub mod outbox;
pub mod receipts;
pub mod recipients;
pub mod register;
pub mod requests;
pub(crate) mod returns;
pub mod smtp;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text::{self, Rule};
use crate::Store;

pub use recipients::{
    EventPeople, HandRecipient, RecipientLine, RecipientRole, RecipientRule, RECIPIENT_ROLES,
};

/// This domain's part of the archive.
pub(crate) const DOMAIN: crate::db::Domain<Store> = crate::db::Domain {
    name: "comms",
    migrations: &[
        crate::db::Migration {
            number: 16,
            name: "0016_comms",
            sql: include_str!("../../migrations/0016_comms.sql"),
        },
        crate::db::Migration {
            number: 17,
            name: "0017_comms_requests",
            sql: include_str!("../../migrations/0017_comms_requests.sql"),
        },
        crate::db::Migration {
            number: 18,
            name: "0018_comms_event",
            sql: include_str!("../../migrations/0018_comms_event.sql"),
        },
    ],
    seed: None,
};

/// The kinds of communication the secretariat sends.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", serde(rename = "CommKind"))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Circolare,
    InvitoAdesione,
    Sollecito,
    Convocazione,
    Avviso,
    RichiestaScheda,
    Notizia,
}

pub const KINDS: [Kind; 7] = [
    Kind::Circolare,
    Kind::InvitoAdesione,
    Kind::Sollecito,
    Kind::Convocazione,
    Kind::Avviso,
    Kind::RichiestaScheda,
    Kind::Notizia,
];

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Circolare => "circolare",
            Kind::InvitoAdesione => "invito_adesione",
            Kind::Sollecito => "sollecito",
            Kind::Convocazione => "convocazione",
            Kind::Avviso => "avviso",
            Kind::RichiestaScheda => "richiesta_scheda",
            Kind::Notizia => "notizia",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Circolare => "Circolare",
            Kind::InvitoAdesione => "Invito ad aderire",
            Kind::Sollecito => "Sollecito",
            Kind::Convocazione => "Convocazione",
            Kind::Avviso => "Avviso o bando",
            Kind::RichiestaScheda => "Richiesta di scheda",
            Kind::Notizia => "Notizia",
        }
    }

    pub fn parse(s: &str) -> Result<Kind> {
        KINDS.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            Error::validation("kind", format!("Tipo di comunicazione sconosciuto: «{s}»."))
        })
    }
}

/// What the compose form sends.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommInput {
    pub kind: Kind,
    pub subject: String,
    /// The text, in the acts' markup with their placeholders.
    pub body: String,
    pub signatory: String,
    /// The sender's protocol number and date; empty: left to the protocol office.
    #[serde(default)]
    pub protocol_number: String,
    #[serde(default)]
    pub protocol_date: String,
    /// A document generated per recipient and attached: "lettera" (the
    /// communication itself as a PDF), "evento_ics" (the event's calendar
    /// file) or an adhesion act's kind; empty: none.
    #[serde(default)]
    pub generated_doc: String,
    /// The training event the communication is about (a convocation): its
    /// ICS is the document "evento_ics" attaches.
    #[serde(default)]
    pub event_id: Option<i64>,
    /// For a request of a scheda (or its reminder): the year it asks about
    /// (the training needs, the measures monitored, of that year); None:
    /// the current year.
    #[serde(default)]
    pub year: Option<i32>,
    /// The version the form showed (None for a new communication).
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// A file the communication carries (its bytes stay in the archive, so a
/// send resumed after a restart attaches exactly the same file).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttachmentInfo {
    pub id: i64,
    pub file_name: String,
    pub bytes: i64,
    pub sha256: String,
}

/// How many of a communication's messages are where.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommCounts {
    pub recipients: i64,
    /// Recipients without a usable address (flagged, never sent).
    pub flagged: i64,
    pub queued: i64,
    pub sent: i64,
    pub unknown: i64,
    pub failed: i64,
    pub prepared: i64,
    /// Messages whose delivery a PEC receipt proves.
    pub delivered: i64,
    /// Messages a PEC receipt says were not delivered.
    pub not_delivered: i64,
}

/// A communication's states in words, in the order the register's filter
/// lists them: draft, to send, sent, sent with anomalies, delivered,
/// prepared (as `.eml` files).
pub const STATE_LABELS: [&str; 6] = [
    "Bozza",
    "Da inviare",
    "Inviata",
    "Inviata con anomalie",
    "Consegnata",
    "Preparata",
];

impl CommCounts {
    /// The communication's state in words, for the register.
    pub fn label(&self) -> String {
        let [draft, to_send, sent, anomalies, delivered, prepared] = STATE_LABELS;
        let messages = self.queued + self.sent + self.unknown + self.failed + self.prepared;
        let state = if messages == 0 {
            draft
        } else if self.prepared > 0 && self.sent == 0 && self.queued == 0 {
            prepared
        } else if self.queued > 0 {
            to_send
        } else if self.unknown > 0 || self.failed > 0 || self.not_delivered > 0 {
            anomalies
        } else if self.delivered > 0 && self.delivered == self.sent {
            delivered
        } else {
            sent
        };
        state.into()
    }
}

/// A communication as the detail screen shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Communication {
    pub id: i64,
    pub kind: Kind,
    pub kind_label: String,
    pub subject: String,
    pub body: String,
    pub signatory: String,
    pub protocol_number: String,
    pub protocol_date: String,
    pub generated_doc: String,
    pub event_id: Option<i64>,
    /// The event's title and date, for the detail screen.
    pub event_label: Option<String>,
    /// For a request of a scheda (or its reminder): the year it asks about.
    pub year: Option<i32>,
    pub rule: RecipientRule,
    pub attachments: Vec<AttachmentInfo>,
    pub recipients: Vec<RecipientLine>,
    pub counts: CommCounts,
    pub state_label: String,
    /// Whether the text, files and recipients can still change (no message queued yet).
    pub editable: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// A line of the register of communications.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommSummary {
    pub id: i64,
    pub kind: Kind,
    pub kind_label: String,
    pub subject: String,
    pub protocol: String,
    pub created_at: String,
    /// The day it was written, in Rome (ISO date).
    pub date: String,
    pub counts: CommCounts,
    pub state_label: String,
}

/// The register's filter: text (object, text, protocol, recipient), kind,
/// recipient, state, period.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommFilter {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub kind: Option<Kind>,
    /// A recipient: part of a name, an address or a comune's name.
    #[serde(default)]
    pub recipient: String,
    /// A state label as `CommCounts::label` gives it («Bozza», «Inviata», …).
    #[serde(default)]
    pub state: String,
    /// Created on or after / on or before (ISO dates).
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// The documents a communication may generate per recipient: the letter
/// itself, or one of the adhesion acts.
pub const LETTER: &str = "lettera";
/// The event's calendar file (ICS), from the training domain's one writer.
pub const EVENT_ICS: &str = "evento_ics";

/// The adhesion acts a communication may attach per comune (the adhesion
/// letter is the communication itself: «lettera»).
const GENERATED_ACTS: [crate::adhesion::documents::DocKind; 3] = [
    crate::adhesion::documents::DocKind::DeliberaGiunta,
    crate::adhesion::documents::DocKind::DecretoSindacale,
    crate::adhesion::documents::DocKind::SchemaProtocollo,
];

/// The documents a communication may generate per recipient, code and
/// name, in the order the form lists them; the schede a request attaches
/// are `requests::SCHEDE`.
pub fn generated_docs() -> Vec<(&'static str, &'static str)> {
    let mut v = vec![
        (LETTER, "La comunicazione come lettera PDF"),
        (EVENT_ICS, "Il file del calendario (ICS) dell'evento"),
    ];
    v.extend(GENERATED_ACTS.map(|k| (k.as_str(), k.label())));
    v
}

fn check_generated(value: &str) -> Result<Option<String>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v == LETTER || v == EVENT_ICS || requests::Scheda::of_generated(v).is_some() {
        return Ok(Some(v.to_string()));
    }
    GENERATED_ACTS
        .into_iter()
        .find(|k| k.as_str() == v)
        .map(|k| Some(k.as_str().to_string()))
        .ok_or_else(|| {
            Error::validation(
                "generated_doc",
                "Documento da allegare: scegliere uno dei documenti dell'elenco.",
            )
        })
}

/// Checks the form and returns the values to store.
struct Checked {
    subject: String,
    body: String,
    signatory: String,
    protocol_number: Option<String>,
    protocol_date: Option<String>,
    generated_doc: Option<String>,
    event_id: Option<i64>,
    /// The year a request of a scheda asks about.
    year: i32,
}

fn check_input(conn: &Connection, input: &CommInput, this_year: i32) -> Result<Checked> {
    let subject = text::field("subject", "Oggetto", &input.subject, Rule::TITLE)?;
    if subject.is_empty() {
        return Err(Error::validation("subject", "Oggetto: scriverlo."));
    }
    let body = text::field(
        "body",
        "Testo",
        &input.body.replace("\r\n", "\n"),
        Rule::TEXT,
    )?;
    crate::documents::template::check_with(&body, &message::placeholders())?;
    let signatory = text::field("signatory", "Firmatario", &input.signatory, Rule::NAME)?;
    let protocol_number = text::field(
        "protocol_number",
        "Numero di protocollo",
        &input.protocol_number,
        Rule::CODE,
    )?;
    let protocol_date = match input.protocol_date.trim() {
        "" => None,
        d => Some(
            crate::validate::date("protocol_date", "Data del protocollo", d)?
                .format("%Y-%m-%d")
                .to_string(),
        ),
    };
    let generated_doc = check_generated(&input.generated_doc)?;
    if let Some(e) = input.event_id {
        crate::training::get_event(conn, e)
            .map_err(|_| Error::validation("event_id", "Evento: sceglierne uno del calendario."))?;
    } else if generated_doc.as_deref() == Some(EVENT_ICS) {
        return Err(Error::validation(
            "event_id",
            "Evento: sceglierlo, per allegarne il file del calendario (ICS).",
        ));
    }
    requests::check_kind(input.kind, generated_doc.as_deref())?;
    let year = input.year.unwrap_or(this_year);
    if !(2000..=2100).contains(&year) {
        return Err(Error::validation(
            "year",
            "Anno della scheda: un anno tra il 2000 e il 2100.",
        ));
    }
    Ok(Checked {
        subject,
        body,
        signatory,
        protocol_number: Some(protocol_number).filter(|p| !p.is_empty()),
        protocol_date,
        generated_doc,
        event_id: input.event_id,
        year,
    })
}

/// The communication row's version, and whether it exists.
fn version_of(conn: &Connection, id: i64) -> Result<String> {
    conn.query_row(
        "SELECT updated_at FROM communication WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::not_found("Comunicazione non trovata."))
}

/// Refuses a change once a message of the communication has been queued:
/// what was sent must stay as it was sent.
fn check_editable(conn: &Connection, id: i64) -> Result<()> {
    let queued: i64 = conn.query_row(
        "SELECT count(*) FROM comm_message m JOIN comm_recipient r ON r.id = m.recipient_id
         WHERE r.communication_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    if queued > 0 {
        return Err(Error::conflict(
            "La comunicazione è già in uscita: testo, allegati e destinatari non si possono più cambiare. Per correggerla, duplicarla e inviare la nuova.",
            None,
        ));
    }
    Ok(())
}

fn counts(conn: &Connection, id: i64) -> Result<CommCounts> {
    let mut c = conn.query_row(
        "SELECT count(*), 0,
                sum(m.state = 'queued'), sum(m.state IN ('sent')), sum(m.state IN ('unknown', 'sending')),
                sum(m.state = 'failed'), sum(m.state = 'prepared')
         FROM comm_recipient r LEFT JOIN comm_message m ON m.recipient_id = r.id
         WHERE r.communication_id = ?1",
        [id],
        |r| {
            Ok(CommCounts {
                recipients: r.get(0)?,
                flagged: 0,
                queued: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                sent: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
                unknown: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
                failed: r.get::<_, Option<i64>>(5)?.unwrap_or(0),
                prepared: r.get::<_, Option<i64>>(6)?.unwrap_or(0),
                delivered: 0,
                not_delivered: 0,
            })
        },
    )?;
    // Flagged: no address, or one that is not an address.
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(address, '') FROM comm_recipient WHERE communication_id = ?1",
    )?;
    let addresses: Vec<String> = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    c.flagged = addresses
        .iter()
        .filter(|a| crate::validate::email("address", "Indirizzo", a).is_err())
        .count() as i64;
    let (delivered, not_delivered) = receipts::delivery_counts(conn, id)?;
    c.delivered = delivered;
    c.not_delivered = not_delivered;
    Ok(c)
}

/// A communication read from the archive.
pub(crate) fn get(conn: &Connection, id: i64, today: chrono::NaiveDate) -> Result<Communication> {
    let row = conn
        .query_row(
            "SELECT kind, subject, body, signatory, protocol_number, protocol_date, generated_doc,
                    rule, created_at, updated_at, event_id
             FROM communication WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, Option<i64>>(10)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found("Comunicazione non trovata."))?;
    let kind = Kind::parse(&row.0)?;
    let event_label = match row.10 {
        Some(e) => {
            let e = crate::training::get_event(conn, e)?;
            Some(format!("{} del {}", e.title, text::date_it(&e.date)))
        }
        None => None,
    };
    let counts = counts(conn, id)?;
    let messages = counts.queued + counts.sent + counts.unknown + counts.failed + counts.prepared;
    let year: Option<i32> = conn
        .query_row(
            "SELECT year FROM comm_request WHERE communication_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(Communication {
        id,
        kind,
        kind_label: kind.label().into(),
        subject: row.1,
        body: row.2,
        signatory: row.3,
        protocol_number: row.4.unwrap_or_default(),
        protocol_date: row.5.unwrap_or_default(),
        generated_doc: row.6.unwrap_or_default(),
        event_id: row.10,
        event_label,
        year,
        rule: serde_json::from_str(&row.7).unwrap_or_default(),
        attachments: attachments(conn, id)?,
        recipients: recipients::saved(conn, id, today)?,
        state_label: counts.label(),
        editable: messages == 0,
        counts,
        created_at: row.8,
        updated_at: row.9,
    })
}

fn attachments(conn: &Connection, id: i64) -> Result<Vec<AttachmentInfo>> {
    let mut stmt = conn.prepare(
        "SELECT id, file_name, length(content), sha256 FROM comm_attachment
         WHERE communication_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(AttachmentInfo {
            id: r.get(0)?,
            file_name: r.get(1)?,
            bytes: r.get(2)?,
            sha256: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The largest file a communication may carry (PEC providers commonly
/// accept messages of 30 MB to 100 MB in all).
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// The MIME type of an attached file, from its extension.
fn content_type_of(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("pdf") => "application/pdf",
        Some("p7m") => "application/pkcs7-mime",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("odt") => "application/vnd.oasis.opendocument.text",
        Some("ods") => "application/vnd.oasis.opendocument.spreadsheet",
        Some("ics") => "text/calendar",
        Some("csv") => "text/csv",
        Some("txt") => "text/plain",
        Some("zip") => "application/zip",
        Some("png") => "image/png",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
}

impl Store {
    /// A new communication (a draft: nothing is sent until it is queued).
    pub fn comms_create(&mut self, input: &CommInput) -> Result<Communication> {
        let c = check_input(&self.conn, input, chrono::Datelike::year(&self.today()))?;
        let kind = input.kind;
        let year = c.year;
        let id = self.action(|tx, op| {
            let now = crate::db::version::next_version("");
            tx.execute(
                "INSERT INTO communication (kind, subject, body, signatory, protocol_number,
                    protocol_date, generated_doc, created_at, updated_at, event_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
                params![
                    kind.as_str(),
                    c.subject,
                    c.body,
                    c.signatory,
                    c.protocol_number,
                    c.protocol_date,
                    c.generated_doc,
                    now,
                    c.event_id
                ],
            )?;
            let id = tx.last_insert_rowid();
            requests::sync_in(tx, id, c.generated_doc.as_deref(), year)?;
            crate::audit::record(
                tx,
                op,
                "create",
                "communication",
                &id.to_string(),
                None,
                Some(&serde_json::json!({"kind": kind.as_str(), "subject": c.subject})),
            )?;
            Ok(id)
        })?;
        self.comms_get(id)
    }

    /// Saves the compose form of a draft (refused once a message is queued,
    /// and when the form is stale).
    pub fn comms_update(&mut self, id: i64, input: &CommInput) -> Result<Communication> {
        let c = check_input(&self.conn, input, chrono::Datelike::year(&self.today()))?;
        let year = c.year;
        self.action(|tx, op| {
            let current = version_of(tx, id)?;
            crate::db::version::check_version(&current, input.updated_at.as_deref())?;
            check_editable(tx, id)?;
            tx.execute(
                "UPDATE communication SET kind = ?2, subject = ?3, body = ?4, signatory = ?5,
                    protocol_number = ?6, protocol_date = ?7, generated_doc = ?8, updated_at = ?9,
                    event_id = ?10
                 WHERE id = ?1",
                params![
                    id,
                    input.kind.as_str(),
                    c.subject,
                    c.body,
                    c.signatory,
                    c.protocol_number,
                    c.protocol_date,
                    c.generated_doc,
                    crate::db::version::next_version(&current),
                    c.event_id
                ],
            )?;
            requests::sync_in(tx, id, c.generated_doc.as_deref(), year)?;
            crate::audit::record(
                tx,
                op,
                "update",
                "communication",
                &id.to_string(),
                None,
                Some(&serde_json::json!({"kind": input.kind.as_str(), "subject": c.subject})),
            )
        })?;
        self.comms_get(id)
    }

    /// Deletes a draft (refused once a message is queued: the register keeps it).
    pub fn comms_delete(&mut self, id: i64) -> Result<()> {
        self.action(|tx, op| {
            version_of(tx, id)?;
            check_editable(tx, id)?;
            tx.execute("DELETE FROM communication WHERE id = ?1", [id])?;
            crate::audit::record(
                tx,
                op,
                "delete",
                "communication",
                &id.to_string(),
                None,
                None,
            )
        })
    }

    pub fn comms_get(&self, id: i64) -> Result<Communication> {
        get(&self.conn, id, self.today())
    }

    /// Attaches a file chosen by the user (kept in the archive).
    pub fn comms_add_attachment(
        &mut self,
        id: i64,
        path: &std::path::Path,
    ) -> Result<Communication> {
        let bytes = std::fs::read(path).map_err(|e| Error::file(path, &e))?;
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(Error::validation(
                "attachment",
                format!(
                    "Il file {} supera i {} MB che un messaggio PEC può portare con sicurezza: ridurlo o dividerlo.",
                    path.display(),
                    MAX_ATTACHMENT_BYTES / 1024 / 1024
                ),
            ));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::validation("attachment", "Scegliere un file."))?;
        let name = text::field("attachment", "Nome del file", &name, Rule::NAME)?;
        self.action(|tx, op| {
            version_of(tx, id)?;
            check_editable(tx, id)?;
            let sha = crate::fs::sha256_hex(&bytes);
            tx.execute(
                "INSERT INTO comm_attachment (communication_id, file_name, content_type, content, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (communication_id, file_name) DO UPDATE SET
                    content_type = excluded.content_type, content = excluded.content, sha256 = excluded.sha256",
                params![id, name, content_type_of(&name), bytes, sha],
            )?;
            touch(tx, id)?;
            crate::audit::record(
                tx,
                op,
                "attach",
                "communication",
                &id.to_string(),
                None,
                Some(&serde_json::json!({"file": name, "sha256": sha})),
            )
        })?;
        self.comms_get(id)
    }

    pub fn comms_remove_attachment(&mut self, id: i64, attachment: i64) -> Result<Communication> {
        self.action(|tx, op| {
            check_editable(tx, id)?;
            let n = tx.execute(
                "DELETE FROM comm_attachment WHERE id = ?1 AND communication_id = ?2",
                params![attachment, id],
            )?;
            if n == 0 {
                return Err(Error::not_found("Allegato non trovato."));
            }
            touch(tx, id)?;
            crate::audit::record(
                tx,
                op,
                "detach",
                "communication",
                &id.to_string(),
                None,
                Some(&serde_json::json!({"attachment": attachment})),
            )
        })?;
        self.comms_get(id)
    }

    /// The register of communications, newest first: kind and period
    /// chosen in SQL (indexed), then text, recipient and state.
    pub fn comms_list(&self, filter: &CommFilter) -> Result<Vec<CommSummary>> {
        list(&self.conn, filter)
    }
}

/// A day of the period as its first instant in Rome, in UTC as the
/// archive writes instants (with milliseconds, so that text order is time
/// order), or None; a date that is not one is refused naming its field.
fn day_start(field: &str, label: &str, value: &str, after: i64) -> Result<Option<String>> {
    match value.trim() {
        "" => Ok(None),
        v => {
            let d = crate::validate::date(field, label, v)? + chrono::Duration::days(after);
            Ok(Some(
                crate::training::calendar::rome_instant(d, chrono::NaiveTime::MIN, None)
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ))
        }
    }
}

/// The day in Rome of an instant the archive wrote (RFC 3339, UTC).
pub(crate) fn rome_day(instant: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(instant)
        .map(|t| {
            crate::training::calendar::utc_to_rome(t.with_timezone(&chrono::Utc))
                .date()
                .to_string()
        })
        .unwrap_or_else(|_| instant.get(..10).unwrap_or("").to_string())
}

pub(crate) fn list(conn: &Connection, filter: &CommFilter) -> Result<Vec<CommSummary>> {
    let from = day_start("from", "Dal", &filter.from, 0)?;
    let to = day_start("to", "Al", &filter.to, 1)?;
    if let (Some(f), Some(t)) = (&from, &to) {
        if t <= f {
            return Err(Error::validation(
                "to",
                "Al: la fine del periodo precede l'inizio.",
            ));
        }
    }
    let needle = text::fold(filter.text.trim());
    let who = text::fold(filter.recipient.trim());
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, subject, body, protocol_number, protocol_date, created_at
         FROM communication
         WHERE (?1 IS NULL OR kind = ?1)
           AND (?2 IS NULL OR created_at >= ?2)
           AND (?3 IS NULL OR created_at < ?3)
         ORDER BY created_at DESC, id DESC",
    )?;
    let rows: Vec<(
        i64,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
    )> = stmt
        .query_map(params![filter.kind.map(Kind::as_str), from, to], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (id, kind, subject, body, pn, pd, created) in rows {
        let kind = Kind::parse(&kind)?;
        if !needle.is_empty() || !who.is_empty() {
            let names: String = conn
                .prepare_cached(
                    "SELECT group_concat(r.name || ' ' || coalesce(r.address, '') || ' ' || coalesce(c.name, ''), ' ')
                     FROM comm_recipient r LEFT JOIN comune c ON c.istat = r.istat
                     WHERE r.communication_id = ?1",
                )?
                .query_row([id], |r| r.get::<_, Option<String>>(0))?
                .unwrap_or_default();
            let names = text::fold(&names);
            if !who.is_empty() && !names.contains(&who) {
                continue;
            }
            let hay = text::fold(&format!(
                "{subject} {body} {}",
                pn.clone().unwrap_or_default()
            ));
            if !needle.is_empty() && !hay.contains(&needle) && !names.contains(&needle) {
                continue;
            }
        }
        let counts = counts(conn, id)?;
        let state_label = counts.label();
        if !filter.state.is_empty() && filter.state != state_label {
            continue;
        }
        out.push(CommSummary {
            id,
            kind,
            kind_label: kind.label().into(),
            subject,
            protocol: protocol_label(pn.as_deref(), pd.as_deref()),
            date: rome_day(&created),
            created_at: created,
            counts,
            state_label,
        });
    }
    Ok(out)
}

/// «Prot. n. 1234 del 05/03/2027», or «da protocollare».
pub fn protocol_label(number: Option<&str>, date: Option<&str>) -> String {
    match (
        number.filter(|n| !n.is_empty()),
        date.filter(|d| !d.is_empty()),
    ) {
        (Some(n), Some(d)) => format!("Prot. n. {n} del {}", text::date_it(d)),
        (Some(n), None) => format!("Prot. n. {n}"),
        _ => "da protocollare".into(),
    }
}

/// A change to a draft makes a new version of it.
fn touch(tx: &Connection, id: i64) -> Result<()> {
    let current = version_of(tx, id)?;
    tx.execute(
        "UPDATE communication SET updated_at = ?2 WHERE id = ?1",
        params![id, crate::db::version::next_version(&current)],
    )?;
    Ok(())
}
