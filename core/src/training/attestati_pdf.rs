//! The attestati as PDF/A through the one composer: the attestato di
//! partecipazione of one event (a framed page of centred lines) and the
//! yearly summary of all hours (the table of the events), each with its
//! register number, its signatory and the signature's formula, and its
//! verification code at the foot of every page. The batch of an event is
//! numbered in one short transaction and rendered after it (see
//! `attestati_batch.rs`).

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};

use super::attestati::{get_certificate, signatory, Certificate};
use super::calendar::{MONTHS, WEEKDAYS};
use super::{get_event, hours_text, label, LEVELS};
use crate::documents::element::{Custom, Decoration, Fill};
use crate::documents::model::{
    span, Block, Cell, CellAlign, Column, Document, PageSize, Rgb, Row, Span, Style, Styled, Table,
    HEADER_FILL,
};
use crate::documents::{Format, Meta, Prepared};
use crate::error::{Error, Result};
use crate::Store;

const FRAME: Rgb = Rgb(23, 50, 77);
const GREY: Rgb = Rgb(70, 70, 70);

fn long_date(d: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        WEEKDAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

fn plain_date(d: NaiveDate) -> String {
    let day = if d.day() == 1 {
        "1°".to_string()
    } else {
        d.day().to_string()
    };
    format!("{day} {} {}", MONTHS[d.month0() as usize], d.year())
}

fn hours_words(minutes: i64) -> String {
    let h = hours_text(minutes);
    if h == "1" {
        "1 ora".into()
    } else {
        format!("{h} ore")
    }
}

/// The running header; the number is printed once, in the body.
fn header() -> Vec<String> {
    vec![
        "Città Metropolitana di Messina – Segreteria Generale".into(),
        "Comunità di Pratiche dei RPCT".into(),
    ]
}

/// The issue date stored in the register (never the wall clock).
fn issued_on(c: &Certificate) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(c.issued_at.get(..10).unwrap_or(&c.issued_at), "%Y-%m-%d")
        .map_err(|_| Error::Database(format!("data di rilascio non valida: {}", c.issued_at)))
}

/// The attestato's number; «(registro 2028)» beside a number of another
/// year than the one it certifies (a yearly summary issued the next January).
fn number_text(c: &Certificate) -> String {
    match c.ref_year {
        Some(y) if y != c.year => format!("n. {} (registro {})", c.label, c.year),
        _ => format!("n. {}", c.label),
    }
}

/// The register line: the verification code and where it can be checked
/// (the number is already printed once in the body).
fn footer_lines(c: &Certificate, letter: &crate::db::kv::Settings) -> String {
    let pec = letter.secretariat_pec.trim();
    let mut s = format!(
        "Iscritto nel registro degli attestati della Segreteria Generale. Codice di verifica: {}, controllabile presso la Segreteria Generale della Città Metropolitana di Messina{}.",
        c.verification,
        if pec.is_empty() { String::new() } else { format!(" (PEC {pec})") }
    );
    if let Some(r) = &c.reissued_at {
        if let Ok(t) = NaiveDate::parse_from_str(r.get(..10).unwrap_or(r), "%Y-%m-%d") {
            s.push_str(&format!(
                " Ristampa del {} (copia n. {}): numero e codice dell'originale.",
                t.format("%d/%m/%Y"),
                c.reissues + 1
            ));
        }
    }
    s
}

/// «alla giornata formativa», «svoltasi in presenza»: the participle agrees
/// with the kind of event (feminine for the giornata, masculine otherwise).
pub(crate) fn participation(kind: &str, mode: &str) -> (&'static str, String) {
    let (what, done) = match kind {
        "giornata" => ("alla giornata formativa", "svoltasi"),
        "incontro_rpct" => (
            "all'incontro dei Responsabili della prevenzione della corruzione e della trasparenza",
            "svoltosi",
        ),
        "incontro_zona" => ("all'incontro decentrato di zona", "svoltosi"),
        _ => ("al tavolo tematico", "svoltosi"),
    };
    let how = match mode {
        "webinar" => "in modalità webinar",
        "presenza" => "in presenza",
        _ => "in modalità mista (in presenza e in webinar)",
    };
    (what, format!("{done} {how}"))
}

/// The formula under the signatory's name: the printed name replaces the
/// autograph signature (art. 3, comma 2, D.Lgs. 39/1993), or, when the
/// training settings say the attestati are signed digitally before they are
/// sent, the digital signature's.
pub(crate) fn signature_formula(digital: bool) -> [&'static str; 2] {
    if digital {
        [
            "Documento firmato digitalmente ai sensi del",
            "D.Lgs. 7 marzo 2005, n. 82 (Codice dell'amministrazione digitale)",
        ]
    } else {
        [
            "Firma autografa sostituita a mezzo stampa ai sensi",
            "dell'art. 3, comma 2, del D.Lgs. 12 febbraio 1993, n. 39",
        ]
    }
}

/// «Messina, <data>» at the left, the signatory's title and name at the
/// right, the signature's formula under them; then the register line
/// closes every page (the document's decoration).
fn signature_blocks(
    conn: &Connection,
    letter: &crate::db::kv::Settings,
    c: &Certificate,
    air: f32,
) -> Result<Vec<Block>> {
    let digital = super::training_settings(conn)?.sign_digitally;
    let mut right = Vec::new();
    let title = letter.signatory_title.trim();
    if !title.is_empty() {
        right.push(span(title, false));
    }
    right.push(span(letter.signatory_name.trim(), true));
    Ok(vec![
        // Up to `air` points above the signature, as long as it stays on the page.
        Block::Element(Custom::new(Fill {
            at_most: air,
            leave: 110.0,
        })),
        Block::Signature {
            lines: vec![span(
                &format!("Messina, {}", plain_date(issued_on(c)?)),
                false,
            )],
        },
        Block::Signature { lines: right },
        Block::Styled(Styled {
            lines: signature_formula(digital)
                .iter()
                .map(|l| {
                    vec![Span {
                        text: l.to_string(),
                        bold: false,
                        italic: true,
                    }]
                })
                .collect(),
            size: 8.5,
            align: CellAlign::Center,
            color: GREY,
            before: 4.0,
            // Under the signatory's name, in the right half.
            from: 0.5,
        }),
    ])
}

fn line(text: &str, size: f32, before: f32) -> Block {
    Block::Styled(Styled::centred(text, size, false, before))
}

fn bold_line(text: &str, size: f32, before: f32) -> Block {
    Block::Styled(Styled::centred(text, size, true, before))
}

/// The attestato of one event for one participant: a framed page whose
/// lines the composer sets, centred.
fn event_report(conn: &Connection, c: &Certificate) -> Result<Document> {
    let event_id = c
        .event_id
        .ok_or_else(|| Error::Database("attestato senza evento".into()))?;
    let e = get_event(conn, event_id)?;
    let letter = signatory(conn)?;
    let (what, mode) = participation(&e.kind, &e.mode);
    let d = NaiveDate::parse_from_str(&e.date, "%Y-%m-%d")
        .map_err(|_| Error::Database("data".into()))?;
    let mut when = format!(
        "il giorno {}, dalle ore {} alle ore {}",
        long_date(d),
        e.start_time,
        e.end_time
    );
    if let Some(p) = &e.place {
        when.push_str(&format!(", presso {p}"));
    }
    let mut blocks = vec![
        Block::Decoration(Decoration {
            frame: Some(FRAME),
            inset: 30.0,
            foot: Some(footer_lines(c, &letter)),
        }),
        Block::Element(Custom::new(Fill {
            at_most: 24.0,
            leave: 0.0,
        })),
        bold_line("ATTESTATO DI PARTECIPAZIONE", 22.0, 0.0),
        line(&number_text(c), 12.0, 4.0),
        Block::Styled(Styled {
            lines: vec![vec![Span {
                text: "Si attesta che".into(),
                bold: false,
                italic: true,
            }]],
            ..Styled::centred("", 12.0, false, 30.0)
        }),
        bold_line(&c.participant, 20.0, 8.0),
    ];
    if let Some(ente) = &c.ente {
        blocks.push(line(&format!("({ente})"), 12.0, 4.0));
    }
    blocks.extend([
        line(&format!("ha partecipato {what}"), 12.0, 16.0),
        bold_line(&format!("«{}»", e.title), 15.0, 4.0),
        line(&format!("della Comunità di Pratiche, {mode},"), 12.0, 4.0),
        line(&format!("{when},"), 12.0, 3.0),
    ]);
    let mut topic = Vec::new();
    if let Some(t) = &e.theme {
        topic.push(format!("area tematica «{t}»"));
    }
    if let Some(l) = &e.level {
        topic.push(format!(
            "formazione di livello {}",
            label(LEVELS, l).to_lowercase()
        ));
    }
    if !topic.is_empty() {
        blocks.push(line(&format!("{},", topic.join(", ")), 11.0, 3.0));
    }
    blocks.push(bold_line(
        &format!(
            "per una durata riconosciuta di {} di formazione.",
            hours_words(c.minutes)
        ),
        12.0,
        2.0,
    ));
    if let Some(s) = &e.speakers {
        blocks.push(Block::Styled(Styled {
            lines: vec![vec![Span {
                text: format!("Relatori: {s}"),
                bold: false,
                italic: true,
            }]],
            ..Styled::centred("", 10.0, false, 16.0)
        }));
    }
    blocks.extend(signature_blocks(conn, &letter, c, 110.0)?);
    Ok(Document {
        style: Style::Report,
        title: format!(
            "Attestato di partecipazione n. {} – {}",
            c.label, c.participant
        ),
        header: header(),
        size: PageSize::A4Portrait,
        blocks,
    })
}

/// The table of the yearly summary: the events attended, with their hours,
/// and the total.
fn year_table(rows: &[YearRow], minutes: i64) -> Table {
    let column = |header: &str, share: f32, align| Column {
        header: header.into(),
        share,
        align,
    };
    let mut out: Vec<Row> = rows
        .iter()
        .map(|r| {
            let d = NaiveDate::parse_from_str(&r.date, "%Y-%m-%d")
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|_| r.date.clone());
            let mut what = vec![span(&r.title, true)];
            if let Some(t) = &r.theme {
                what.push(vec![Span {
                    text: t.clone(),
                    bold: false,
                    italic: true,
                }]);
            }
            Row {
                cells: vec![
                    Cell::text(d),
                    Cell { paragraphs: what },
                    Cell::text(
                        r.level
                            .as_deref()
                            .map(|l| label(LEVELS, l).to_string())
                            .unwrap_or_else(|| "—".into()),
                    ),
                    Cell::text(format!(
                        "{}, {}",
                        label(super::KINDS, &r.kind),
                        label(super::MODES, &r.mode).to_lowercase()
                    )),
                    Cell::text(hours_text(r.minutes)),
                ],
                fill: None,
                group: false,
            }
        })
        .collect();
    out.push(Row {
        cells: vec![
            Cell::bold("Totale"),
            Cell::default(),
            Cell::default(),
            Cell::default(),
            Cell::bold(hours_text(minutes)),
        ],
        fill: Some(Rgb(237, 237, 237)),
        group: false,
    });
    Table {
        columns: vec![
            column("Data", 12.0, CellAlign::Left),
            column("Attività e area tematica", 42.0, CellAlign::Left),
            column("Livello", 12.0, CellAlign::Left),
            column("Tipo e modalità", 24.0, CellAlign::Left),
            column("Ore", 10.0, CellAlign::Right),
        ],
        rows: out,
        size: 9.0,
        header_fill: Some(HEADER_FILL),
    }
}

/// An event attended in the year.
struct YearRow {
    date: String,
    title: String,
    kind: String,
    mode: String,
    minutes: i64,
    theme: Option<String>,
    level: Option<String>,
}

/// The yearly summary: the events attended in the year, with their hours
/// (the table's header repeated on every page), the date and the
/// signature under the table, the register line at the foot of every page.
fn year_report(conn: &Connection, c: &Certificate) -> Result<Document> {
    let ref_year = c
        .ref_year
        .ok_or_else(|| Error::Database("attestato senza anno".into()))?;
    let letter = signatory(conn)?;
    let rows: Vec<YearRow> = conn
        .prepare(
            "SELECT e.date, e.title, e.kind, e.mode, e.credit_minutes, t.name, e.level FROM training_attendance a
             JOIN training_event e ON e.id = a.event_id LEFT JOIN training_theme t ON t.id = e.theme_id
             WHERE a.participant_id = ?1 AND a.present = 1 AND e.state <> 'annullato' AND e.date BETWEEN ?2 AND ?3
             ORDER BY e.date, e.start_time",
        )?
        .query_map(
            params![
                c.participant_id,
                format!("{ref_year:04}-01-01"),
                format!("{ref_year:04}-12-31")
            ],
            |r| {
                Ok(YearRow {
                    date: r.get(0)?,
                    title: r.get(1)?,
                    kind: r.get(2)?,
                    mode: r.get(3)?,
                    minutes: r.get(4)?,
                    theme: r.get(5)?,
                    level: r.get(6)?,
                })
            },
        )?
        .collect::<rusqlite::Result<_>>()?;
    let body = format!(
        "Si attesta che {}{} ha partecipato nell'anno {ref_year} alle attività formative della Comunità di Pratiche dei RPCT della Città Metropolitana di Messina sotto elencate, per complessive {} di formazione, utili ai fini dell'obbligo formativo secondo la programmazione dell'ente di appartenenza.",
        c.participant,
        c.ente.as_ref().map(|e| format!(" ({e})")).unwrap_or_default(),
        hours_words(c.minutes),
    );
    let mut blocks = vec![
        Block::Decoration(Decoration {
            frame: None,
            inset: 0.0,
            foot: Some(footer_lines(c, &letter)),
        }),
        Block::heading(
            1,
            format!("Attestato riepilogativo della formazione – anno {ref_year}"),
            false,
        ),
        Block::Styled(Styled {
            align: CellAlign::Left,
            ..Styled::centred(&format!("Attestato {}", number_text(c)), 11.0, true, 0.0)
        }),
        Block::paragraph(span(&body, false)),
        Block::Grid(year_table(&rows, c.minutes)),
    ];
    blocks.extend(signature_blocks(conn, &letter, c, 30.0)?);
    Ok(Document {
        style: Style::Report,
        title: format!(
            "Attestato riepilogativo {ref_year} n. {} – {}",
            c.label, c.participant
        ),
        header: header(),
        size: PageSize::A4Portrait,
        blocks,
    })
}

fn file_name(c: &Certificate) -> String {
    let who: String = crate::text::fold(&c.participant)
        .split(' ')
        .map(|w| {
            let mut ch = w.chars();
            ch.next()
                .map(|f| f.to_uppercase().collect::<String>() + ch.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("_");
    let what = if c.kind == "annuale" {
        format!("riepilogo_{}", c.ref_year.unwrap_or(c.year))
    } else {
        "partecipazione".into()
    };
    format!("Attestato_{}-{:04}_{what}_{who}.pdf", c.year, c.number)
}

/// The attestato read from the archive, to render later, and its file name.
pub(crate) fn prepare(conn: &Connection, c: &Certificate) -> Result<(Prepared, String)> {
    let report = if c.kind == "annuale" {
        year_report(conn, c)?
    } else {
        event_report(conn, c)?
    };
    let meta = Meta::new(
        report.title.clone(),
        format!(
            "Attestato n. {} – codice di verifica {}",
            c.label, c.verification
        ),
    )
    .by(crate::documents::author(conn)?)
    .keywords(["Comunità di Pratiche", "attestato", "formazione"]);
    let job = Prepared {
        doc: report,
        format: Format::Pdf,
        meta,
    };
    Ok((job, file_name(c)))
}

impl Store {
    /// An attestato of the register read to be rendered (annulled ones are
    /// refused), and its file name.
    pub fn certificate_job(&self, id: i64) -> Result<(Prepared, String)> {
        let c = get_certificate(&self.conn, id)?;
        if c.annulled_at.is_some() {
            return Err(Error::conflict(
                format!("L'attestato n. {} è annullato e non si stampa.", c.label),
                None,
            ));
        }
        if let Some(ev) = c.event_id {
            self.held_event(ev)?;
        }
        prepare(&self.conn, &c)
    }

    /// The PDF of an attestato of the register, and its file name.
    pub fn certificate_pdf(&self, id: i64) -> Result<(Vec<u8>, String)> {
        let (job, name) = self.certificate_job(id)?;
        Ok((job.render()?.bytes, name))
    }

    /// Issues and renders the attestati of every present participant of an
    /// event without one: numbered in one short transaction, rendered after
    /// it. `progress` returning false cancels: nothing is numbered. If a PDF
    /// cannot be made, the numbers are taken back (see
    /// [`Store::record_event_certificates`]) and nothing is returned.
    pub fn issue_event_certificates_pdf(
        &mut self,
        event_id: i64,
        issued_on: &str,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<Vec<(Certificate, Vec<u8>, String)>> {
        let job = self.event_certificates_job(event_id, issued_on, progress)?;
        match job.render_all() {
            Ok(out) => Ok(out),
            Err(e) => Err(self.take_back(&job.issued(), e)),
        }
    }
}
