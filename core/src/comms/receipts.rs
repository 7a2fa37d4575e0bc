//! PEC receipts as proof. A receipt saved from the webmail (`.eml`) carries
//! `daticert.xml` (DM 2 novembre 2005, regole tecniche della PEC): its
//! `postacert` element says the kind (`tipo`: accettazione,
//! non-accettazione, presa-in-carico, avvenuta-consegna, errore-consegna,
//! preavviso-errore-consegna, rilevazione-virus), the instant certified
//! (`dati/data`), and the Message-ID of the message it refers to
//! (`dati/msgid`; also in the `X-Riferimento-Message-ID` header). A receipt
//! is matched to the outbox by that Message-ID only: one for a message the
//! app did not send is reported, never guessed. The file is kept beside the
//! archive with its SHA-256 in the register; for an invitation to adhere,
//! the delivery becomes the workflow's «invitato» step.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::Store;

/// The kinds of receipt, as `daticert.xml` names them.
pub const KINDS: [&str; 7] = [
    "accettazione",
    "non-accettazione",
    "presa-in-carico",
    "avvenuta-consegna",
    "errore-consegna",
    "preavviso-errore-consegna",
    "rilevazione-virus",
];

/// A receipt's kind in words.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "accettazione" => "Accettazione",
        "non-accettazione" => "Non accettazione",
        "presa-in-carico" => "Presa in carico",
        "avvenuta-consegna" => "Avvenuta consegna",
        "errore-consegna" => "Mancata consegna",
        "preavviso-errore-consegna" => "Preavviso di mancata consegna",
        "rilevazione-virus" => "Rilevazione di virus",
        _ => "Sconosciuta",
    }
}

/// What a receipt certifies, read from its `daticert.xml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Daticert {
    pub kind: String,
    /// `errore` attribute: "nessuno" or the error's class.
    pub error: String,
    /// The Message-ID of the message it refers to, with its angle brackets.
    pub msgid: String,
    /// The instant certified, RFC 3339 with its zone (e.g. 2027-03-05T10:15:00+01:00).
    pub at: Option<String>,
    /// For a delivery: the mailbox it was delivered to.
    pub delivered_to: String,
    pub error_detail: String,
    pub subject: String,
}

fn norm_msgid(s: &str) -> String {
    let t = s.trim();
    let t = t.strip_prefix('<').unwrap_or(t);
    let t = t.strip_suffix('>').unwrap_or(t);
    format!("<{}>", t.trim())
}

/// Parses a `daticert.xml` (UTF-8, or ISO-8859-1 where it says so).
pub fn parse_daticert(xml: &[u8]) -> Result<Daticert> {
    let bad =
        |why: String| Error::validation("receipt", format!("daticert.xml non leggibile: {why}."));
    let head = String::from_utf8_lossy(&xml[..xml.len().min(100)]).to_ascii_lowercase();
    let text = if head.contains("iso-8859-1") || head.contains("windows-1252") {
        encoding_rs::WINDOWS_1252.decode(xml).0.into_owned()
    } else {
        String::from_utf8(xml.to_vec())
            .map_err(|_| bad("codifica dei caratteri non valida".into()))?
    };
    // roxmltree reads the text as it is: the declaration's encoding is done.
    let body = match text.find("?>") {
        Some(i) if text.trim_start().starts_with("<?xml") => &text[i + 2..],
        _ => text.as_str(),
    };
    let doc = roxmltree::Document::parse(body).map_err(|e| bad(e.to_string()))?;
    let root = doc.root_element();
    if root.tag_name().name() != "postacert" {
        return Err(bad("manca l'elemento postacert".into()));
    }
    let find = |name: &str| root.descendants().find(|n| n.has_tag_name(name));
    let text_of = |name: &str| {
        find(name)
            .and_then(|n| n.text())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let mut d = Daticert {
        kind: root.attribute("tipo").unwrap_or("").to_string(),
        error: root.attribute("errore").unwrap_or("").to_string(),
        msgid: text_of("msgid"),
        at: None,
        delivered_to: text_of("consegna"),
        error_detail: text_of("errore-esteso"),
        subject: text_of("oggetto"),
    };
    if !d.msgid.is_empty() {
        d.msgid = norm_msgid(&d.msgid);
    }
    let zone = find("data").and_then(|n| n.attribute("zona")).unwrap_or("");
    d.at = certified_at(&text_of("giorno"), &text_of("ora"), zone);
    Ok(d)
}

/// «05/03/2027», «10:15:00», «+0100» as RFC 3339.
fn certified_at(day: &str, time: &str, zone: &str) -> Option<String> {
    let date = chrono::NaiveDate::parse_from_str(day.trim(), "%d/%m/%Y").ok()?;
    let t = chrono::NaiveTime::parse_from_str(time.trim(), "%H:%M:%S").ok()?;
    let z = zone.trim();
    let offset = if z.len() == 5 {
        let sign = if z.starts_with('-') { -1 } else { 1 };
        let h: i32 = z[1..3].parse().ok()?;
        let m: i32 = z[3..5].parse().ok()?;
        chrono::FixedOffset::east_opt(sign * (h * 3600 + m * 60))?
    } else {
        chrono::FixedOffset::east_opt(0)?
    };
    let dt = date.and_time(t).and_local_timezone(offset).single()?;
    Some(dt.to_rfc3339())
}

/// A receipt read from an `.eml` file: its `daticert.xml`, or, for a
/// short receipt without it, the `X-Ricevuta` and `X-Riferimento-Message-ID` headers.
pub fn parse_receipt(eml: &[u8]) -> Result<Daticert> {
    let mail = mailparse::parse_mail(eml).map_err(|e| {
        Error::validation(
            "receipt",
            format!("Il file non è un messaggio di posta leggibile ({e})."),
        )
    })?;
    if let Some(xml) = find_daticert(&mail) {
        let mut d = parse_daticert(&xml)?;
        if d.msgid.is_empty() {
            if let Some(r) = header(&mail, "X-Riferimento-Message-ID") {
                d.msgid = norm_msgid(&r);
            }
        }
        return Ok(d);
    }
    match (header(&mail, "X-Ricevuta"), header(&mail, "X-Riferimento-Message-ID")) {
        (Some(kind), Some(r)) => Ok(Daticert {
            kind: kind.trim().to_string(),
            msgid: norm_msgid(&r),
            ..Default::default()
        }),
        _ => Err(Error::validation(
            "receipt",
            "Il messaggio non è una ricevuta PEC (non contiene daticert.xml né l'intestazione X-Ricevuta).",
        )),
    }
}

fn header(mail: &mailparse::ParsedMail, name: &str) -> Option<String> {
    use mailparse::MailHeaderMap;
    mail.headers.get_first_value(name)
}

fn find_daticert(part: &mailparse::ParsedMail) -> Option<Vec<u8>> {
    let disp = part.get_content_disposition();
    let name = disp
        .params
        .get("filename")
        .cloned()
        .or_else(|| part.ctype.params.get("name").cloned());
    if name.is_some_and(|n| n.eq_ignore_ascii_case("daticert.xml")) {
        return part.get_body_raw().ok();
    }
    part.subparts.iter().find_map(find_daticert)
}

/// Rank of a receipt kind for a message's delivery state: the strongest
/// proof wins (a delivery over an acceptance).
fn rank(kind: &str) -> i32 {
    match kind {
        "avvenuta-consegna" => 7,
        "errore-consegna" => 6,
        "non-accettazione" => 5,
        "rilevazione-virus" => 4,
        "preavviso-errore-consegna" => 3,
        "presa-in-carico" => 2,
        "accettazione" => 1,
        _ => 0,
    }
}

fn is_failure(kind: &str) -> bool {
    matches!(
        kind,
        "errore-consegna" | "non-accettazione" | "rilevazione-virus" | "preavviso-errore-consegna"
    )
}

/// What the receipts of a message say: its state in words and the instant.
pub(crate) fn delivery_of(
    conn: &Connection,
    message: i64,
) -> Result<Option<(String, Option<String>)>> {
    let mut stmt =
        conn.prepare_cached("SELECT kind, certified_at FROM comm_receipt WHERE message_id = ?1")?;
    let rows: Vec<(String, Option<String>)> = stmt
        .query_map([message], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .max_by_key(|(k, _)| rank(k))
        .map(|(k, at)| (kind_label(&k).to_string(), at)))
}

/// Whether the receipts say a message was not delivered (and none says it was).
pub(crate) fn not_delivered(conn: &Connection, message: i64) -> Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT kind FROM comm_receipt WHERE message_id = ?1")?;
    let kinds: Vec<String> = stmt
        .query_map([message], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(kinds.iter().any(|k| is_failure(k)) && !kinds.iter().any(|k| k == "avvenuta-consegna"))
}

/// (delivered, not delivered) messages of a communication.
pub(crate) fn delivery_counts(conn: &Connection, comm: i64) -> Result<(i64, i64)> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id FROM comm_message m JOIN comm_recipient r ON r.id = m.recipient_id
         WHERE r.communication_id = ?1 AND EXISTS (SELECT 1 FROM comm_receipt k WHERE k.message_id = m.id)",
    )?;
    let ids: Vec<i64> = stmt
        .query_map([comm], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let (mut ok, mut ko) = (0, 0);
    for m in ids {
        match delivery_of(conn, m)? {
            Some((label, _)) if label == kind_label("avvenuta-consegna") => ok += 1,
            _ if not_delivered(conn, m)? => ko += 1,
            _ => {}
        }
    }
    Ok((ok, ko))
}

/// One file of an import of receipts, and what became of it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceiptLine {
    pub file: String,
    pub kind: String,
    pub kind_label: String,
    /// The message matched: its communication and recipient, if any.
    pub communication_id: Option<i64>,
    pub recipient: Option<String>,
    pub certified_at: Option<String>,
    /// «associata», «già importata», «messaggio sconosciuto», «non è una ricevuta».
    pub outcome: String,
    /// What else was done or why not (the adhesion step recorded, an error).
    pub note: Option<String>,
}

/// Where kept receipts go: `ricevute-pec` beside the archive.
fn receipts_dir(store: &Store) -> Option<PathBuf> {
    store
        .path()
        .map(|p| crate::db::backup::parent_of(p).join("ricevute-pec"))
}

/// Keeps a copy of a file that came back (a receipt, a returned scheda)
/// in `dir` beside the archive, named by its hash and its own name; its
/// path (the name alone when the archive is in memory).
pub(super) fn keep(dir: Option<&Path>, name: &str, bytes: &[u8], sha: &str) -> Result<PathBuf> {
    let Some(dir) = dir else {
        return Ok(PathBuf::from(name));
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, &e))?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let ext = crate::text::file_part(ext).to_ascii_lowercase();
    let path = dir.join(format!(
        "{}_{}{}{ext}",
        &sha[..16],
        crate::text::file_part(stem),
        if ext.is_empty() { "" } else { "." }
    ));
    if !path.exists() {
        crate::fs::write_new(&path, bytes)?;
    }
    Ok(path)
}

/// The outbox message a receipt refers to: (row, communication, kind, recipient name, istat).
fn message_of(
    conn: &Connection,
    msgid: &str,
) -> Result<Option<(i64, i64, String, String, Option<String>)>> {
    Ok(conn
        .query_row(
            "SELECT m.id, r.communication_id, c.kind, r.name, r.istat FROM comm_message m
             JOIN comm_recipient r ON r.id = m.recipient_id
             JOIN communication c ON c.id = r.communication_id
             WHERE m.message_id = ?1",
            [msgid],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?)
}

/// For an invitation to adhere (or a reminder) delivered: the workflow's
/// step, dated the day of delivery, recording the communication and the receipt.
fn adhesion_step(
    tx: &Connection,
    op: &str,
    comm: i64,
    kind: super::Kind,
    istat: &str,
    at: &str,
    receipt: i64,
    today: chrono::NaiveDate,
) -> Result<Option<String>> {
    use crate::adhesion::{Channel, Step};
    let date = chrono::DateTime::parse_from_rfc3339(at)
        .map(|d| d.date_naive().format("%Y-%m-%d").to_string())
        .map_err(|_| Error::validation("receipt", "Data della ricevuta non leggibile."))?;
    let step = match kind {
        super::Kind::InvitoAdesione => {
            let protocol: Option<String> = tx.query_row(
                "SELECT protocol_number FROM communication WHERE id = ?1",
                [comm],
                |r| r.get(0),
            )?;
            let Some(protocol_number) = protocol else {
                return Ok(Some(
                    "Passaggio «invitato» non registrato: la comunicazione non ha numero di protocollo (registrarlo a mano).".into(),
                ));
            };
            Step::Invite {
                date,
                protocol_number,
                channel: Channel::Pec,
            }
        }
        super::Kind::Sollecito if super::returns::is_reminder(tx, comm)? => return Ok(None),
        super::Kind::Sollecito => Step::Reminder {
            date,
            note: Some(format!(
                "Sollecito consegnato via PEC (comunicazione n. {comm})."
            )),
        },
        _ => return Ok(None),
    };
    tx.execute_batch("SAVEPOINT adhesion_step")?;
    match crate::adhesion::record_in(tx, op, istat, &step, None, today) {
        Ok(step_id) => {
            tx.execute(
                "UPDATE adhesion_step SET data = json_set(data, '$.communication_id', ?2, '$.receipt_id', ?3)
                 WHERE id = ?1",
                params![step_id, comm, receipt],
            )?;
            tx.execute_batch("RELEASE adhesion_step")?;
            Ok(Some(match kind {
                super::Kind::InvitoAdesione => {
                    "Registrato il passaggio «invitato» con la data di consegna.".into()
                }
                _ => "Registrato il sollecito con la data di consegna.".into(),
            }))
        }
        Err(e) => {
            tx.execute_batch("ROLLBACK TO adhesion_step; RELEASE adhesion_step")?;
            Ok(Some(format!(
                "Passaggio del percorso di adesione non registrato: {e}"
            )))
        }
    }
}

/// A receipt to import: the name shown (a file's, or the message's in the
/// mailbox), the name its kept copy takes, and its bytes.
pub(crate) struct Incoming {
    pub shown: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The one receipt rule, for files chosen or dropped and for messages read
/// from the mailbox alike, inside the caller's action: each recognised from
/// its `daticert.xml`, matched by Message-ID only (one for a message the app
/// did not send is reported, not guessed), kept beside the archive with its
/// hash, registered with its audit row; a delivery of an invitation becomes
/// the workflow's step.
pub(crate) fn import_in(
    tx: &Connection,
    op: &str,
    dir: Option<&Path>,
    today: chrono::NaiveDate,
    items: &[Incoming],
) -> Result<Vec<ReceiptLine>> {
    let mut out = Vec::new();
    for item in items {
        let bytes = &item.bytes;
        let mut line = ReceiptLine {
            file: item.shown.clone(),
            kind: String::new(),
            kind_label: String::new(),
            communication_id: None,
            recipient: None,
            certified_at: None,
            outcome: String::new(),
            note: None,
        };
        let d = match parse_receipt(bytes) {
            Ok(d) if KINDS.contains(&d.kind.as_str()) => d,
            Ok(d) => {
                line.outcome = "non è una ricevuta".into();
                line.note = Some(format!(
                    "Tipo «{}»: non è una ricevuta di consegna o di accettazione.",
                    d.kind
                ));
                out.push(line);
                continue;
            }
            Err(e) => {
                line.outcome = "non è una ricevuta".into();
                line.note = Some(e.to_string());
                out.push(line);
                continue;
            }
        };
        line.kind = d.kind.clone();
        line.kind_label = kind_label(&d.kind).into();
        line.certified_at = d.at.clone();
        let sha = crate::fs::sha256_hex(bytes);
        let dup: Option<i64> = tx
            .query_row(
                "SELECT id FROM comm_receipt WHERE sha256 = ?1",
                [&sha],
                |r| r.get(0),
            )
            .optional()?;
        if dup.is_some() {
            line.outcome = "già importata".into();
            out.push(line);
            continue;
        }
        let Some((row, comm, kind, recipient, istat)) = message_of(tx, &d.msgid)? else {
            line.outcome = "messaggio sconosciuto".into();
            line.note = Some(format!(
                "Nessun messaggio inviato da questa applicazione ha il Message-ID {}: la ricevuta non è stata associata.",
                if d.msgid.is_empty() { "(assente)" } else { d.msgid.as_str() }
            ));
            out.push(line);
            continue;
        };
        let kept = keep(dir, &item.file_name, bytes, &sha)?;
        tx.execute(
            "INSERT INTO comm_receipt (message_id, kind, ref_message_id, certified_at, delivered_to, error,
                path, sha256, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                row,
                d.kind,
                d.msgid,
                d.at,
                Some(d.delivered_to.clone()).filter(|s| !s.is_empty()),
                Some(d.error_detail.clone()).filter(|s| !s.is_empty()),
                kept.display().to_string(),
                sha,
                crate::db::version::now_utc()
            ],
        )?;
        let receipt = tx.last_insert_rowid();
        crate::audit::record(
            tx,
            op,
            "receipt",
            "comm_message",
            &row.to_string(),
            None,
            Some(&serde_json::json!({"kind": d.kind, "at": d.at, "sha256": sha})),
        )?;
        line.communication_id = Some(comm);
        line.recipient = Some(recipient);
        line.outcome = "associata".into();
        if d.kind == "avvenuta-consegna" {
            if let (Some(istat), Some(at)) = (istat, d.at.as_deref()) {
                line.note = adhesion_step(
                    tx,
                    op,
                    comm,
                    super::Kind::parse(&kind)?,
                    &istat,
                    at,
                    receipt,
                    today,
                )?;
            }
        }
        out.push(line);
    }
    Ok(out)
}

impl Store {
    /// Imports PEC receipt files (`.eml`), in one action: each recognised,
    /// matched by Message-ID, kept beside the archive and registered.
    pub fn comms_import_receipts(&mut self, files: &[PathBuf]) -> Result<Vec<ReceiptLine>> {
        let dir = receipts_dir(self);
        let today = self.today();
        let mut read = Vec::new();
        for f in files {
            let bytes = std::fs::read(f).map_err(|e| Error::file(f, &e))?;
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "ricevuta.eml".into());
            read.push(Incoming {
                shown: name.clone(),
                file_name: name,
                bytes,
            });
        }
        self.action(|tx, op| import_in(tx, op, dir.as_deref(), today, &read))
    }

    /// Where kept receipts go (None: the archive is in memory).
    pub(crate) fn comms_receipts_dir(&self) -> Option<PathBuf> {
        receipts_dir(self)
    }
}
