//! One message per recipient: the communication's text filled with the
//! recipient's data (the acts' placeholders, plus the recipient, the
//! adhesion state and the protocol), its files and the document generated
//! for it, built as a MIME message with lettre (UTF-8 subject and file
//! names encoded as mail clients expect) under the Message-ID the outbox
//! stored before it leaves.

use std::collections::BTreeSet;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::adhesion::documents::{context_for, Context, DocKind};
use crate::documents::template::{names_of, BLANK};
use crate::documents::{render, Format, Meta};
use crate::error::{Error, Result};
use crate::Store;

/// What a communication's placeholders can refer to: the acts' context
/// (ente, comune, sindaco, rpct, zona, invito, pna…) and the recipient.
#[derive(Debug, Clone, Serialize)]
pub struct CommContext {
    #[serde(flatten)]
    pub act: Context,
    pub destinatario: DestinatarioCtx,
    pub adesione: AdesioneCtx,
    pub comunicazione: ComunicazioneCtx,
}

#[derive(Debug, Clone, Serialize)]
pub struct DestinatarioCtx {
    pub nome: String,
    pub ruolo: String,
    pub indirizzo: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AdesioneCtx {
    /// The comune's adhesion state in words («invitato», «atto adottato»…).
    pub stato: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComunicazioneCtx {
    pub oggetto: String,
    pub protocollo: String,
    pub data_protocollo: String,
    pub firmatario: String,
}

/// The placeholder names a communication's text may use.
pub fn placeholders() -> BTreeSet<String> {
    names_of(&CommContext {
        act: Context::blank(),
        destinatario: DestinatarioCtx {
            nome: String::new(),
            ruolo: String::new(),
            indirizzo: String::new(),
        },
        adesione: AdesioneCtx {
            stato: String::new(),
        },
        comunicazione: ComunicazioneCtx {
            oggetto: String::new(),
            protocollo: String::new(),
            data_protocollo: String::new(),
            firmatario: String::new(),
        },
    })
}

/// A communication's row as the builder needs it.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub signatory: String,
    pub protocol_number: Option<String>,
    pub protocol_date: Option<String>,
    pub generated_doc: Option<String>,
    pub event_id: Option<i64>,
}

pub(crate) fn draft(conn: &Connection, id: i64) -> Result<Draft> {
    conn.query_row(
        "SELECT subject, body, signatory, protocol_number, protocol_date, generated_doc, event_id
         FROM communication WHERE id = ?1",
        [id],
        |r| {
            Ok(Draft {
                id,
                subject: r.get(0)?,
                body: r.get(1)?,
                signatory: r.get(2)?,
                protocol_number: r.get(3)?,
                protocol_date: r.get(4)?,
                generated_doc: r.get(5)?,
                event_id: r.get(6)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::not_found("Comunicazione non trovata."))
}

/// A saved recipient as the builder needs it.
#[derive(Debug, Clone)]
pub(crate) struct Addressee {
    pub istat: Option<String>,
    pub name: String,
    pub role: String,
    pub address: String,
}

pub(crate) fn addressee(conn: &Connection, recipient: i64) -> Result<(i64, Addressee)> {
    conn.query_row(
        "SELECT communication_id, istat, name, role, coalesce(address, '') FROM comm_recipient WHERE id = ?1",
        [recipient],
        |r| {
            Ok((
                r.get(0)?,
                Addressee {
                    istat: r.get(1)?,
                    name: r.get(2)?,
                    role: r.get(3)?,
                    address: r.get(4)?,
                },
            ))
        },
    )
    .optional()?
    .ok_or_else(|| Error::not_found("Destinatario non trovato."))
}

/// The context of one recipient, as of `today`.
pub(crate) fn context(
    conn: &Connection,
    d: &Draft,
    a: &Addressee,
    today: chrono::NaiveDate,
) -> Result<CommContext> {
    let (act, stato) = match &a.istat {
        Some(istat) => {
            let (state, _) = crate::adhesion::state_of(conn, istat)?;
            (
                context_for(conn, istat, today)?,
                state.label().to_lowercase(),
            )
        }
        None => {
            let mut c = Context::blank();
            c.ente = crate::documents::template::Ente::from_settings(conn)?;
            (c, BLANK.to_string())
        }
    };
    Ok(CommContext {
        act,
        destinatario: DestinatarioCtx {
            nome: a.name.clone(),
            ruolo: a.role.clone(),
            indirizzo: a.address.clone(),
        },
        adesione: AdesioneCtx { stato },
        comunicazione: ComunicazioneCtx {
            oggetto: d.subject.clone(),
            protocollo: d
                .protocol_number
                .clone()
                .unwrap_or_else(|| BLANK.to_string()),
            data_protocollo: d
                .protocol_date
                .as_deref()
                .map(crate::text::date_it)
                .unwrap_or_else(|| BLANK.to_string()),
            firmatario: d.signatory.clone(),
        },
    })
}

/// A file carried by a message.
#[derive(Debug, Clone)]
pub struct FilePart {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// One recipient's message, filled and with its files, before it becomes MIME.
#[derive(Debug, Clone)]
pub struct Personal {
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub text: String,
    pub files: Vec<FilePart>,
}

/// The files every message of a communication carries.
pub(crate) fn common_files(conn: &Connection, id: i64) -> Result<Vec<FilePart>> {
    let mut stmt = conn.prepare_cached(
        "SELECT file_name, content_type, content FROM comm_attachment WHERE communication_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(FilePart {
            name: r.get(0)?,
            content_type: r.get(1)?,
            bytes: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The subject line: the communication's object, with its protocol when it has one.
fn subject_of(d: &Draft) -> String {
    match d.protocol_number.as_deref() {
        Some(n) => format!(
            "{} – {}",
            d.subject,
            super::protocol_label(Some(n), d.protocol_date.as_deref())
        ),
        None => d.subject.clone(),
    }
}

/// The event's calendar file, written by the training domain's one ICS
/// writer (the same UID and SEQUENCE as the calendar exported from the
/// training screen, so a calendar that has the event updates it).
fn event_ics(conn: &Connection, d: &Draft) -> Result<FilePart> {
    let id = d.event_id.ok_or_else(|| {
        Error::validation(
            "event_id",
            "Evento: sceglierlo, per allegarne il file del calendario (ICS).",
        )
    })?;
    let e = crate::training::get_event(conn, id)?;
    let ics =
        crate::training::ics::calendar(std::slice::from_ref(&e), &e.title, chrono::Utc::now())?;
    Ok(FilePart {
        name: format!(
            "Evento_{}_{}.ics",
            e.date,
            crate::text::file_part(&e.title)
                .chars()
                .take(60)
                .collect::<String>()
                .trim_end_matches('_')
        ),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        bytes: ics.into_bytes(),
    })
}

/// Fills the communication for one recipient: the text, and the document
/// generated for it (the letter as a PDF, the event's ICS, or an adhesion
/// act's draft).
pub(crate) fn personalise(
    conn: &Connection,
    d: &Draft,
    a: &Addressee,
    common: &[FilePart],
    today: chrono::NaiveDate,
) -> Result<Personal> {
    let ctx = context(conn, d, a, today)?;
    let doc = crate::documents::fill_with(&d.body, &ctx, &placeholders())?;
    let mut files = common.to_vec();
    match d.generated_doc.as_deref() {
        None => {}
        Some(super::EVENT_ICS) => files.push(event_ics(conn, d)?),
        Some(super::LETTER) => {
            let mut letter = doc.clone();
            if letter.title.is_empty() {
                letter.title = d.subject.clone();
            }
            let author = crate::documents::author(conn)?;
            let meta =
                Meta::new(d.subject.clone(), format!("Comunicazione – {}", a.name)).by(&author);
            let rendered = render(&letter, Format::Pdf, &meta)?;
            let stem = match &a.istat {
                Some(_) => ctx.act.comune.nome.clone(),
                None => a.name.clone(),
            };
            files.push(FilePart {
                name: format!("Lettera_{}.pdf", crate::text::file_part(&stem)),
                content_type: "application/pdf".into(),
                bytes: rendered.bytes,
            });
        }
        Some(g) if super::requests::Scheda::of_generated(g).is_some() => {
            let Some(istat) = &a.istat else {
                return Err(Error::validation(
                    "generated_doc",
                    format!(
                        "La scheda da restituire si prepara per un comune: {} non è legato a un comune.",
                        a.name
                    ),
                ));
            };
            let (name, bytes) = super::requests::attachment(conn, d.id, istat, today)?;
            files.push(FilePart {
                name,
                content_type: super::content_type_of("x.xlsx").into(),
                bytes,
            });
        }
        Some(kind) => {
            let kind = DocKind::parse(kind)?;
            let Some(istat) = &a.istat else {
                return Err(Error::validation(
                    "generated_doc",
                    format!(
                        "«{}» si genera per un comune: {} non è legato a un comune.",
                        kind.label(),
                        a.name
                    ),
                ));
            };
            let template = crate::documents::store::current(conn, kind)?;
            let job = crate::adhesion::documents::RenderJob {
                kind,
                body: template.body,
                ctx: context_for(conn, istat, today)?,
                author: crate::documents::author(conn)?,
            };
            let rendered = job.render(Format::Pdf)?;
            files.push(FilePart {
                name: crate::adhesion::documents::file_name(
                    kind,
                    &job.ctx.comune.nome,
                    Format::Pdf,
                ),
                content_type: "application/pdf".into(),
                bytes: rendered.bytes,
            });
        }
    }
    Ok(Personal {
        to_name: a.name.clone(),
        to_address: a.address.clone(),
        subject: subject_of(d),
        text: doc.plain_text(),
        files,
    })
}

/// The sender: the secretariat's mailbox and its name.
#[derive(Debug, Clone)]
pub struct Sender {
    pub name: String,
    pub address: String,
}

fn mailbox(name: &str, address: &str, field: &str) -> Result<Mailbox> {
    let addr = address.parse().map_err(|_| {
        Error::validation(
            field,
            format!("«{address}» non è un indirizzo di posta valido."),
        )
    })?;
    Ok(Mailbox::new(Some(name.to_string()), addr))
}

/// The MIME message of one recipient under `message_id` (with its angle brackets).
pub fn build(sender: &Sender, p: &Personal, message_id: &str) -> Result<lettre::Message> {
    let mut mixed = MultiPart::mixed().singlepart(SinglePart::plain(p.text.clone()));
    for f in &p.files {
        let ct = ContentType::parse(&f.content_type).unwrap_or_else(|_| {
            ContentType::parse("application/octet-stream").expect("valid type")
        });
        mixed = mixed.singlepart(Attachment::new(f.name.clone()).body(f.bytes.clone(), ct));
    }
    lettre::Message::builder()
        .message_id(Some(message_id.to_string()))
        .from(mailbox(&sender.name, &sender.address, "from")?)
        .to(mailbox(&p.to_name, &p.to_address, "address")?)
        .subject(p.subject.clone())
        .multipart(mixed)
        .map_err(|e| Error::validation("message", format!("Messaggio non costruito: {e}.")))
}

/// A new Message-ID for a message of the outbox: unique in the archive
/// (the outbox row's id) and in the world (the instant, the process, the
/// sender's domain).
pub(crate) fn new_message_id(row: i64, sender: &str) -> String {
    let domain = sender
        .rsplit_once('@')
        .map_or("comunita-pratiche.invalid", |(_, d)| d);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("<cdp.{row}.{nanos:x}.{}@{domain}>", std::process::id())
}

/// The message as one recipient will receive it, for the preview.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessagePreview {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub attachments: Vec<String>,
}

impl Store {
    /// The message as `recipient` will receive it (text and file names).
    pub fn comms_preview_message(&self, recipient: i64) -> Result<MessagePreview> {
        let (comm, a) = addressee(&self.conn, recipient)?;
        let d = draft(&self.conn, comm)?;
        let common = common_files(&self.conn, comm)?;
        let p = personalise(&self.conn, &d, &a, &common, self.today())?;
        Ok(MessagePreview {
            to: format!("{} <{}>", p.to_name, p.to_address),
            subject: p.subject,
            text: p.text,
            attachments: p.files.into_iter().map(|f| f.name).collect(),
        })
    }
}
