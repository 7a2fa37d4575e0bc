//! The register of communications as files: a PDF (a `Document` through
//! the one engine: the communications of the filter, then each one's
//! recipients with the state of their message and what the PEC receipts
//! say) and a table (CSV or Excel) with one row per recipient, the
//! communication's columns repeated, as a secretariat files proof.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::{CommFilter, CommSummary, Communication};
use crate::documents::model::{
    span, Block, Cell, CellAlign, Column, Document, PageSize, Rgb, Row, Span, Style, Table,
};
use crate::documents::{render, Format as DocFormat, Meta};
use crate::error::Result;
use crate::file_spec::{FileOut, FileSpec};
use crate::io::Format;
use crate::text::date_it;
use crate::Store;

const HEAD_FILL: Rgb = Rgb(217, 226, 236);
const FLAG_FILL: Rgb = Rgb(255, 236, 214);

/// The columns of the register as a table: one row per recipient.
pub const HEADERS: [&str; 16] = [
    "N.",
    "Data",
    "Tipo",
    "Oggetto",
    "Protocollo",
    "Stato della comunicazione",
    "Destinatario",
    "Ruolo",
    "Comune",
    "Indirizzo",
    "PEC",
    "Stato del messaggio",
    "Inviato il",
    "Esito secondo le ricevute",
    "Data della ricevuta",
    "Message-ID",
];

/// An instant the archive wrote (UTC) as the date and time in Rome.
fn when(instant: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(instant) {
        Ok(t) => crate::training::calendar::utc_to_rome(t.with_timezone(&chrono::Utc))
            .format("%d/%m/%Y %H:%M")
            .to_string(),
        Err(_) => instant.to_string(),
    }
}

/// The communications of the filter, whole (with their recipients).
fn whole(conn: &Connection, list: &[CommSummary], today: NaiveDate) -> Result<Vec<Communication>> {
    list.iter().map(|s| super::get(conn, s.id, today)).collect()
}

/// The filter in words, under the register's title.
fn filter_text(filter: &CommFilter) -> String {
    let mut parts = Vec::new();
    match (filter.from.trim(), filter.to.trim()) {
        ("", "") => parts.push("tutte le date".to_string()),
        (f, "") => parts.push(format!("dal {}", date_it(f))),
        ("", t) => parts.push(format!("fino al {}", date_it(t))),
        (f, t) => parts.push(format!("dal {} al {}", date_it(f), date_it(t))),
    }
    if let Some(k) = filter.kind {
        parts.push(format!("tipo «{}»", k.label()));
    }
    if !filter.state.trim().is_empty() {
        parts.push(format!("stato «{}»", filter.state.trim()));
    }
    if !filter.recipient.trim().is_empty() {
        parts.push(format!("destinatario «{}»", filter.recipient.trim()));
    }
    if !filter.text.trim().is_empty() {
        parts.push(format!("testo «{}»", filter.text.trim()));
    }
    parts.join("; ")
}

fn column(header: &str, share: f32, align: CellAlign) -> Column {
    Column {
        header: header.into(),
        share,
        align,
    }
}

fn summary_table(list: &[Communication], summaries: &[CommSummary]) -> Table {
    let rows = list
        .iter()
        .zip(summaries)
        .map(|(c, s)| Row {
            cells: vec![
                Cell::text(c.id.to_string()),
                Cell::text(date_it(&s.date)),
                Cell::text(c.kind_label.clone()),
                Cell::text(c.subject.clone()),
                Cell::text(s.protocol.clone()),
                Cell::text(c.counts.recipients.to_string()),
                Cell::text(c.counts.delivered.to_string()),
                Cell::text(c.state_label.clone()),
            ],
            fill: None,
            group: false,
        })
        .collect();
    Table {
        columns: vec![
            column("N.", 5.0, CellAlign::Right),
            column("Data", 9.0, CellAlign::Left),
            column("Tipo", 12.0, CellAlign::Left),
            column("Oggetto", 34.0, CellAlign::Left),
            column("Protocollo", 14.0, CellAlign::Left),
            column("Destinatari", 8.0, CellAlign::Right),
            column("Consegnate", 8.0, CellAlign::Right),
            column("Stato", 10.0, CellAlign::Left),
        ],
        rows,
        size: 8.5,
        header_fill: Some(HEAD_FILL),
    }
}

/// A communication's recipients, under a first row that says what it is
/// (so the heading, that row and the table stay together).
fn recipients_table(c: &Communication, about: String) -> Table {
    let mut rows = vec![Row {
        cells: vec![Cell::text(about)],
        fill: None,
        group: true,
    }];
    rows.extend(c.recipients.iter().map(|r| {
        let mut state = r.state_label.clone();
        if let Some(at) = &r.sent_at {
            state.push_str(&format!("\n{}", when(at)));
        }
        if let Some(e) = &r.error {
            state.push_str(&format!("\n{e}"));
        }
        let delivery = match (&r.delivery, &r.delivered_at) {
            (Some(d), Some(at)) => format!("{d}\n{}", when(at)),
            (Some(d), None) => d.clone(),
            _ => "—".into(),
        };
        let address = match (&r.problem, r.address.is_empty()) {
            (Some(p), true) => p.clone(),
            (Some(p), false) => format!("{}\n{p}", r.address),
            (None, _) => format!("{}\n{}", r.address, if r.is_pec { "PEC" } else { "e-mail" }),
        };
        Row {
            cells: vec![
                Cell {
                    paragraphs: vec![span(&r.name, true), span(&r.role, false)],
                },
                Cell::text(if r.comune.is_empty() {
                    "—".to_string()
                } else {
                    r.comune.clone()
                }),
                Cell::text(address),
                Cell::text(state),
                Cell::text(delivery),
            ],
            fill: r.problem.is_some().then_some(FLAG_FILL),
            group: false,
        }
    }));
    Table {
        columns: vec![
            column("Destinatario e ruolo", 26.0, CellAlign::Left),
            column("Comune", 14.0, CellAlign::Left),
            column("Indirizzo", 26.0, CellAlign::Left),
            column("Stato del messaggio", 17.0, CellAlign::Left),
            column("Esito secondo le ricevute", 17.0, CellAlign::Left),
        ],
        rows,
        size: 8.5,
        header_fill: Some(HEAD_FILL),
    }
}

fn plain(text: impl Into<String>) -> Vec<Span> {
    vec![Span {
        text: text.into(),
        bold: false,
        italic: false,
    }]
}

/// The register as a document: the filter, the list, then each
/// communication with its recipients (A4 landscape).
pub fn document(
    list: &[Communication],
    summaries: &[CommSummary],
    filter: &CommFilter,
    today: NaiveDate,
) -> Document {
    let mut blocks = vec![
        Block::heading(1, "Registro delle comunicazioni", false),
        Block::paragraph(plain(format!(
            "Comunicazioni della Segreteria Generale alla rete dei comuni: {}. Estratto il {}: {}.",
            filter_text(filter),
            date_it(&today.to_string()),
            match list.len() {
                0 => "nessuna comunicazione".to_string(),
                1 => "una comunicazione".to_string(),
                n => format!("{n} comunicazioni"),
            }
        ))),
    ];
    if list.is_empty() {
        blocks.push(Block::paragraph(plain(
            "Nessuna comunicazione corrisponde ai criteri scelti.",
        )));
    } else {
        blocks.push(Block::Grid(summary_table(list, summaries)));
        blocks.push(Block::paragraph(plain(
            "Per ogni destinatario: l'indirizzo usato (PEC o posta ordinaria), lo stato del messaggio nella posta in uscita e l'esito attestato dalle ricevute PEC importate (accettazione, avvenuta o mancata consegna), con data e ora di Roma.",
        )));
    }
    for (c, s) in list.iter().zip(summaries) {
        blocks.push(Block::heading(
            2,
            format!("N. {} – {}", c.id, c.subject),
            false,
        ));
        let about = format!(
            "{} del {} · {} · {} · {} destinatari{}",
            c.kind_label,
            date_it(&s.date),
            s.protocol,
            c.state_label,
            c.counts.recipients,
            if c.counts.flagged > 0 {
                format!(
                    ", di cui {} senza indirizzo valido (non inviati)",
                    c.counts.flagged
                )
            } else {
                String::new()
            }
        );
        if c.recipients.is_empty() {
            blocks.push(Block::paragraph(plain(format!(
                "{about}. Nessun destinatario scelto."
            ))));
        } else {
            blocks.push(Block::Grid(recipients_table(c, about)));
        }
    }
    Document {
        title: "Registro delle comunicazioni".into(),
        header: vec![
            "Città Metropolitana di Messina – Segreteria Generale".into(),
            "Comunità di Pratiche dei RPCT – Registro delle comunicazioni".into(),
        ],
        size: PageSize::A4Landscape,
        style: Style::Report,
        blocks,
    }
}

/// The register as table rows: one per recipient (a communication
/// without recipients gets one row with its own columns only).
pub fn rows(list: &[Communication], summaries: &[CommSummary]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (c, s) in list.iter().zip(summaries) {
        let head = [
            c.id.to_string(),
            date_it(&s.date),
            c.kind_label.clone(),
            c.subject.clone(),
            s.protocol.clone(),
            c.state_label.clone(),
        ];
        if c.recipients.is_empty() {
            let mut row = head.to_vec();
            row.resize(HEADERS.len(), String::new());
            out.push(row);
        }
        for r in &c.recipients {
            let mut row = head.to_vec();
            row.extend([
                r.name.clone(),
                r.role.clone(),
                r.comune.clone(),
                r.address.clone(),
                if r.address.is_empty() {
                    String::new()
                } else if r.is_pec {
                    "sì".into()
                } else {
                    "no".into()
                },
                match &r.problem {
                    Some(p) => format!("Non inviabile: {p}"),
                    None => r.state_label.clone(),
                },
                r.sent_at.as_deref().map(when).unwrap_or_default(),
                r.delivery.clone().unwrap_or_default(),
                r.delivered_at.as_deref().map(when).unwrap_or_default(),
                r.message_id.clone().unwrap_or_default(),
            ]);
            out.push(row);
        }
    }
    out
}

/// What the register's files are called.
pub fn file_spec(format: Option<Format>, today: NaiveDate) -> FileSpec {
    match format {
        None => FileSpec::document(
            &format!("Registro_comunicazioni_{today}"),
            "Salva il registro delle comunicazioni (PDF)",
            DocFormat::Pdf,
        ),
        Some(f) => FileSpec::table(
            "Registro_comunicazioni",
            "il registro delle comunicazioni",
            f,
            today,
        ),
    }
}

impl Store {
    /// The register of the filter as a PDF (`format` None) or a table.
    pub fn comms_register_file(
        &self,
        filter: &CommFilter,
        format: Option<Format>,
    ) -> Result<FileOut> {
        let today = self.today();
        let summaries = super::list(&self.conn, filter)?;
        let list = whole(&self.conn, &summaries, today)?;
        let bytes = match format {
            None => {
                let doc = document(&list, &summaries, filter, today);
                let meta = Meta::new(
                    doc.title.clone(),
                    "Città Metropolitana di Messina – Comunità di Pratiche – comunicazioni alla rete",
                )
                .by(crate::documents::author(&self.conn)?)
                .keywords(["Comunità di Pratiche", "comunicazioni", "PEC"]);
                render(&doc, DocFormat::Pdf, &meta)?.bytes
            }
            Some(Format::Csv) => crate::io::table_csv(&HEADERS, &rows(&list, &summaries))?,
            Some(Format::Xlsx) => crate::io::table_xlsx(
                "Registro comunicazioni",
                &HEADERS,
                &rows(&list, &summaries),
                &[0],
            )?,
        };
        Ok(file_spec(format, today).with(bytes))
    }
}
