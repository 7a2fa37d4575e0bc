//! The attestati as PDF/A through the report engine: the attestato di
//! partecipazione of one event (a drawn page, centred) and the yearly
//! summary of all hours (a page with the table of the events), each with its
//! register number and verification code; the batch of an event renders
//! inside the same transaction that numbers it, so a cancelled batch leaves
//! neither numbers nor files.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};

use super::attestati::{get_certificate, issue_for_event, Certificate};
use super::calendar::{MONTHS, WEEKDAYS};
use super::{get_event, hours_text, label, LEVELS};
use crate::documents::model::{Block, CellAlign, Document, Drawing, PageSize, Rgb, Shape, Style};
use crate::documents::{Format, Meta, Prepared};
use crate::error::{Error, Result};
use crate::{audit, Store};

const BLACK: Rgb = Rgb(0, 0, 0);
const GREY: Rgb = Rgb(70, 70, 70);
const FRAME: Rgb = Rgb(23, 50, 77);

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

#[allow(clippy::too_many_arguments)]
fn text(
    shapes: &mut Vec<Shape>,
    y: &mut f32,
    w: f32,
    s: &str,
    size: f32,
    bold: bool,
    italic: bool,
    lines: usize,
) {
    // The lines the text really takes (at most `lines`; more are cut with "…").
    let (fit, _) = crate::documents::lines::fit_text(s, w - 60.0, size, bold, lines);
    let h = size * 1.2 * fit.len().max(1) as f32 + 1.0;
    shapes.push(Shape::Text {
        x: 30.0,
        y: *y,
        w: w - 60.0,
        h,
        text: s.to_string(),
        size,
        bold,
        italic,
        align: CellAlign::Center,
        color: BLACK,
    });
    *y += h + size * 0.5;
}

/// The issue date stored in the register (never the wall clock).
fn issued_on(c: &Certificate) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(c.issued_at.get(..10).unwrap_or(&c.issued_at), "%Y-%m-%d")
        .map_err(|_| Error::Database(format!("data di rilascio non valida: {}", c.issued_at)))
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

/// The attestato of one event for one participant.
fn event_report(conn: &Connection, c: &Certificate) -> Result<Document> {
    let event_id = c
        .event_id
        .ok_or_else(|| Error::Database("attestato senza evento".into()))?;
    let e = get_event(conn, event_id)?;
    let letter = crate::db::kv::letterhead(conn)?;
    let size = PageSize::A4Portrait;
    let (w, h) = size.content();
    let mut shapes = vec![
        Shape::Rect {
            x: 0.0,
            y: 0.0,
            w,
            h,
            fill: None,
            stroke: Some((FRAME, 2.0)),
        },
        Shape::Rect {
            x: 5.0,
            y: 5.0,
            w: w - 10.0,
            h: h - 10.0,
            fill: None,
            stroke: Some((FRAME, 0.5)),
        },
    ];
    let mut y = 50.0;
    text(
        &mut shapes,
        &mut y,
        w,
        "ATTESTATO DI PARTECIPAZIONE",
        22.0,
        true,
        false,
        1,
    );
    text(
        &mut shapes,
        &mut y,
        w,
        &format!("n. {}", c.label),
        12.0,
        false,
        false,
        1,
    );
    y += 20.0;
    text(
        &mut shapes,
        &mut y,
        w,
        "Si attesta che",
        12.0,
        false,
        true,
        1,
    );
    text(&mut shapes, &mut y, w, &c.participant, 20.0, true, false, 2);
    if let Some(ente) = &c.ente {
        text(
            &mut shapes,
            &mut y,
            w,
            &format!("({ente})"),
            12.0,
            false,
            false,
            1,
        );
    }
    let (what, mode) = participation(&e.kind, &e.mode);
    text(
        &mut shapes,
        &mut y,
        w,
        &format!("ha partecipato {what} della Comunità di Pratiche, {mode},"),
        12.0,
        false,
        false,
        2,
    );
    text(
        &mut shapes,
        &mut y,
        w,
        &format!("«{}»", e.title),
        15.0,
        true,
        false,
        3,
    );
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
    text(
        &mut shapes,
        &mut y,
        w,
        &format!("{when},"),
        12.0,
        false,
        false,
        3,
    );
    let mut topic = String::new();
    if let Some(t) = &e.theme {
        topic.push_str(&format!("area tematica «{t}»"));
    }
    if let Some(l) = &e.level {
        if !topic.is_empty() {
            topic.push_str(", ");
        }
        topic.push_str(&format!(
            "formazione di livello {} ({})",
            label(LEVELS, l).to_lowercase(),
            super::LAW_190_TRAINING
        ));
    }
    if !topic.is_empty() {
        text(
            &mut shapes,
            &mut y,
            w,
            &format!("{topic},"),
            11.0,
            false,
            false,
            3,
        );
    }
    text(
        &mut shapes,
        &mut y,
        w,
        &format!(
            "per una durata riconosciuta di {} di formazione.",
            hours_words(c.minutes)
        ),
        12.0,
        true,
        false,
        1,
    );
    if let Some(s) = &e.speakers {
        y += 6.0;
        text(
            &mut shapes,
            &mut y,
            w,
            &format!("Relatori: {s}"),
            10.0,
            false,
            true,
            3,
        );
    }
    signature_and_footer(&mut shapes, &letter, c, w, h)?;
    Ok(Document {
        style: Style::Report,
        title: format!(
            "Attestato di partecipazione n. {} – {}",
            c.label, c.participant
        ),
        header: header(),
        size,
        blocks: vec![Block::Drawing(Drawing { size, shapes })],
    })
}

/// «Messina, <data>» on the left; the signatory's title and name on the
/// right, «(firmato digitalmente)» under them (no autograph line), from `sy`.
fn signature(
    shapes: &mut Vec<Shape>,
    letter: &crate::db::kv::Settings,
    c: &Certificate,
    w: f32,
    sy: f32,
    left: f32,
) -> Result<()> {
    let t = |x: f32,
             y: f32,
             w: f32,
             text: String,
             size: f32,
             bold: bool,
             italic: bool,
             align,
             color| Shape::Text {
        x,
        y,
        w,
        h: size * 1.2 + 4.0,
        text,
        size,
        bold,
        italic,
        align,
        color,
    };
    shapes.push(t(
        left,
        sy,
        220.0,
        format!("Messina, {}", plain_date(issued_on(c)?)),
        11.0,
        false,
        false,
        CellAlign::Left,
        BLACK,
    ));
    let mut y = sy;
    let title = letter.signatory_title.trim();
    if !title.is_empty() {
        shapes.push(t(
            w - 270.0,
            y,
            240.0,
            title.to_string(),
            11.0,
            false,
            false,
            CellAlign::Center,
            BLACK,
        ));
        y += 16.0;
    }
    let name = letter.signatory_name.trim();
    if !name.is_empty() {
        shapes.push(t(
            w - 270.0,
            y,
            240.0,
            name.to_string(),
            11.0,
            true,
            false,
            CellAlign::Center,
            BLACK,
        ));
        y += 16.0;
    }
    shapes.push(t(
        w - 270.0,
        y + 2.0,
        240.0,
        "(firmato digitalmente)".into(),
        8.5,
        false,
        true,
        CellAlign::Center,
        GREY,
    ));
    Ok(())
}

/// The register line at the foot of the (last) page.
fn register_footer(
    shapes: &mut Vec<Shape>,
    letter: &crate::db::kv::Settings,
    c: &Certificate,
    w: f32,
    h: f32,
) {
    shapes.push(Shape::Line {
        x1: 30.0,
        y1: h - 70.0,
        x2: w - 30.0,
        y2: h - 70.0,
        width: 0.5,
        color: GREY,
    });
    shapes.push(Shape::Text {
        x: 30.0,
        y: h - 64.0,
        w: w - 60.0,
        h: 48.0,
        text: footer_lines(c, letter),
        size: 8.5,
        bold: false,
        italic: false,
        align: CellAlign::Center,
        color: GREY,
    });
}

fn signature_and_footer(
    shapes: &mut Vec<Shape>,
    letter: &crate::db::kv::Settings,
    c: &Certificate,
    w: f32,
    h: f32,
) -> Result<()> {
    signature(shapes, letter, c, w, h - 190.0, 40.0)?;
    register_footer(shapes, letter, c, w, h);
    Ok(())
}

/// Lines `text` takes in `width` at `size`.
fn lines_of(text: &str, width: f32, size: f32, bold: bool) -> usize {
    crate::documents::lines::fit_text(text, width, size, bold, 50)
        .0
        .len()
        .max(1)
}

/// One cell of the summary's table: its texts (bold, italic) stacked.
struct SummaryCell {
    parts: Vec<(String, bool, bool)>,
    align: CellAlign,
}

const PAD: f32 = 4.0;
const CELL: f32 = 9.0;

fn cell_height(cell: &SummaryCell, w: f32) -> f32 {
    cell.parts
        .iter()
        .filter(|(t, _, _)| !t.is_empty())
        .map(|(t, b, _)| lines_of(t, w - 2.0 * PAD, CELL, *b) as f32 * CELL * 1.2)
        .sum::<f32>()
        + 2.0 * PAD
}

/// Draws one row of the table at `y`; returns its height.
fn draw_row(
    shapes: &mut Vec<Shape>,
    cols: &[(f32, f32)],
    cells: &[SummaryCell],
    y: f32,
    fill: Option<Rgb>,
) -> f32 {
    let h = cells
        .iter()
        .zip(cols)
        .map(|(c, (_, w))| cell_height(c, *w))
        .fold(0.0, f32::max);
    for (c, (x, w)) in cells.iter().zip(cols) {
        shapes.push(Shape::Rect {
            x: *x,
            y,
            w: *w,
            h,
            fill,
            stroke: Some((Rgb(160, 160, 160), 0.5)),
        });
        let mut ty = y + PAD;
        for (t, bold, italic) in &c.parts {
            if t.is_empty() {
                continue;
            }
            let th = lines_of(t, w - 2.0 * PAD, CELL, *bold) as f32 * CELL * 1.2;
            shapes.push(Shape::Text {
                x: x + PAD,
                y: ty,
                w: w - 2.0 * PAD,
                h: th + 1.0,
                text: t.clone(),
                size: CELL,
                bold: *bold,
                italic: *italic,
                align: c.align,
                color: BLACK,
            });
            ty += th;
        }
    }
    h
}

/// The yearly summary: the events attended in the year, with their hours,
/// drawn page by page (the table's header repeated), the date on the left
/// and the signature on the right under the table, the register line at
/// the foot of the last page.
fn year_report(conn: &Connection, c: &Certificate) -> Result<Document> {
    let ref_year = c
        .ref_year
        .ok_or_else(|| Error::Database("attestato senza anno".into()))?;
    let letter = crate::db::kv::letterhead(conn)?;
    let mut stmt = conn.prepare(
        "SELECT e.date, e.title, e.kind, e.mode, e.credit_minutes, t.name, e.level FROM training_attendance a
         JOIN training_event e ON e.id = a.event_id LEFT JOIN training_theme t ON t.id = e.theme_id
         WHERE a.participant_id = ?1 AND a.present = 1 AND e.state <> 'annullato' AND e.date BETWEEN ?2 AND ?3
         ORDER BY e.date, e.start_time",
    )?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        String,
        String,
        String,
        String,
        i64,
        Option<String>,
        Option<String>,
    )> = stmt
        .query_map(
            params![
                c.participant_id,
                format!("{ref_year:04}-01-01"),
                format!("{ref_year:04}-12-31")
            ],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )?
        .collect::<rusqlite::Result<_>>()?;
    let size = PageSize::A4Portrait;
    let (w, h) = size.content();
    let shares = [12.0, 42.0, 12.0, 24.0, 10.0];
    let total: f32 = shares.iter().sum();
    let mut cols = Vec::new();
    let mut x = 0.0;
    for s in shares {
        let cw = w * s / total;
        cols.push((x, cw));
        x += cw;
    }
    let cell = |t: &str, bold: bool, align| SummaryCell {
        parts: vec![(t.to_string(), bold, false)],
        align,
    };
    let head = || {
        vec![
            cell("Data", true, CellAlign::Left),
            cell("Attività e area tematica", true, CellAlign::Left),
            cell("Livello", true, CellAlign::Left),
            cell("Tipo e modalità", true, CellAlign::Left),
            cell("Ore", true, CellAlign::Right),
        ]
    };
    let mut pages: Vec<Vec<Shape>> = Vec::new();
    let mut shapes = Vec::new();
    let mut y = 10.0;
    shapes.push(Shape::Text {
        x: 0.0,
        y,
        w,
        h: 20.0,
        text: format!("Attestato riepilogativo della formazione – anno {ref_year}"),
        size: 15.0,
        bold: true,
        italic: false,
        align: CellAlign::Left,
        color: BLACK,
    });
    y += 22.0;
    shapes.push(Shape::Line {
        x1: 0.0,
        y1: y,
        x2: w,
        y2: y,
        width: 0.8,
        color: BLACK,
    });
    y += 10.0;
    shapes.push(Shape::Text {
        x: 0.0,
        y,
        w,
        h: 16.0,
        text: format!("Attestato n. {}", c.label),
        size: 11.0,
        bold: true,
        italic: false,
        align: CellAlign::Left,
        color: BLACK,
    });
    y += 24.0;
    let body = format!(
        "Si attesta che {}{} ha partecipato nell'anno {ref_year} alle attività formative della Comunità di Pratiche dei RPCT della Città Metropolitana di Messina sotto elencate, per complessive {} di formazione riconosciute, anche ai fini dell'obbligo formativo in materia di prevenzione della corruzione ({}).",
        c.participant,
        c.ente.as_ref().map(|e| format!(" ({e})")).unwrap_or_default(),
        hours_words(c.minutes),
        super::LAW_190_TRAINING
    );
    let bh = lines_of(&body, w, 10.5, false) as f32 * 10.5 * 1.25 + 2.0;
    shapes.push(Shape::Text {
        x: 0.0,
        y,
        w,
        h: bh,
        text: body,
        size: 10.5,
        bold: false,
        italic: false,
        align: CellAlign::Left,
        color: BLACK,
    });
    y += bh + 12.0;
    const HEAD_FILL: Rgb = Rgb(217, 226, 236);
    y += draw_row(&mut shapes, &cols, &head(), y, Some(HEAD_FILL));
    let mut body_rows: Vec<(Vec<SummaryCell>, Option<Rgb>)> = rows
        .iter()
        .map(|(date, title, kind, mode, minutes, theme, level)| {
            let d = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|_| date.clone());
            (
                vec![
                    cell(&d, false, CellAlign::Left),
                    SummaryCell {
                        parts: vec![
                            (title.clone(), true, false),
                            (theme.clone().unwrap_or_default(), false, true),
                        ],
                        align: CellAlign::Left,
                    },
                    cell(
                        &level
                            .as_deref()
                            .map(|l| label(LEVELS, l).to_string())
                            .unwrap_or_else(|| "—".into()),
                        false,
                        CellAlign::Left,
                    ),
                    cell(
                        &format!(
                            "{}, {}",
                            label(super::KINDS, kind),
                            label(super::MODES, mode).to_lowercase()
                        ),
                        false,
                        CellAlign::Left,
                    ),
                    cell(&hours_text(*minutes), false, CellAlign::Right),
                ],
                None,
            )
        })
        .collect();
    body_rows.push((
        vec![
            cell("Totale", true, CellAlign::Left),
            cell("", false, CellAlign::Left),
            cell("", false, CellAlign::Left),
            cell("", false, CellAlign::Left),
            cell(&hours_text(c.minutes), true, CellAlign::Right),
        ],
        Some(Rgb(237, 237, 237)),
    ));
    for (cells, fill) in &body_rows {
        let rh = cells
            .iter()
            .zip(&cols)
            .map(|(c, (_, cw))| cell_height(c, *cw))
            .fold(0.0, f32::max);
        if y + rh > h - 20.0 {
            pages.push(std::mem::take(&mut shapes));
            y = 10.0;
            y += draw_row(&mut shapes, &cols, &head(), y, Some(HEAD_FILL));
        }
        y += draw_row(&mut shapes, &cols, cells, y, *fill);
    }
    // The date and the signature, then the register line at the foot.
    if y + 40.0 + 70.0 > h - 80.0 {
        pages.push(std::mem::take(&mut shapes));
        y = 10.0;
    }
    signature(&mut shapes, &letter, c, w, y + 40.0, 0.0)?;
    register_footer(&mut shapes, &letter, c, w, h);
    pages.push(shapes);
    Ok(Document {
        style: Style::Report,
        title: format!(
            "Attestato riepilogativo {ref_year} n. {} – {}",
            c.label, c.participant
        ),
        header: header(),
        size,
        blocks: pages
            .into_iter()
            .map(|shapes| Block::Drawing(Drawing { size, shapes }))
            .collect(),
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
    .keywords(["Comunità di Pratiche", "attestato", "formazione"]);
    let job = Prepared {
        doc: report,
        format: Format::Pdf,
        meta,
    };
    Ok((job, file_name(c)))
}

pub(crate) fn render(conn: &Connection, c: &Certificate) -> Result<(Vec<u8>, String)> {
    let (job, name) = prepare(conn, c)?;
    Ok((job.render()?.bytes, name))
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
        prepare(&self.conn, &c)
    }

    /// The PDF of an attestato of the register, and its file name.
    pub fn certificate_pdf(&self, id: i64) -> Result<(Vec<u8>, String)> {
        let (job, name) = self.certificate_job(id)?;
        Ok((job.render()?.bytes, name))
    }

    /// Issues and renders the attestati of every present participant of an
    /// event without one: numbers and PDFs in one transaction. `progress`
    /// returning false cancels: nothing is numbered, nothing is returned.
    pub fn issue_event_certificates_pdf(
        &mut self,
        event_id: i64,
        issued_on: &str,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<Vec<(Certificate, Vec<u8>, String)>> {
        self.held_event(event_id)?;
        let issued = self.issue_date(issued_on)?;
        self.action(|tx, op| issue_and_render(tx, op, event_id, issued, progress))
    }
}

/// Issues and renders the attestati of an event's present participants
/// without one, inside the caller's transaction (see
/// [`Store::issue_event_certificates_pdf`]): the PDFs and their file names.
pub(super) fn issue_and_render(
    tx: &Connection,
    op: &str,
    event_id: i64,
    issued: NaiveDate,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<(Certificate, Vec<u8>, String)>> {
    get_event(tx, event_id)?;
    let todo: Vec<i64> = tx
        .prepare(
            "SELECT a.participant_id FROM training_attendance a JOIN training_participant p ON p.id = a.participant_id
             WHERE a.event_id = ?1 AND a.present = 1 AND NOT EXISTS (SELECT 1 FROM training_certificate c
                WHERE c.kind = 'evento' AND c.event_id = a.event_id AND c.participant_id = a.participant_id AND c.annulled_at IS NULL)
             ORDER BY p.name_key, p.id",
        )?
        .query_map([event_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if todo.is_empty() {
        return Err(Error::conflict("Nessun presente è ancora senza attestato: registrare le presenze, o ristampare dal registro gli attestati già rilasciati.", None));
    }
    let mut out = Vec::with_capacity(todo.len());
    for (i, pid) in todo.iter().enumerate() {
        if !progress(i, todo.len()) {
            return Err(Error::Cancelled { message: "Rilascio degli attestati annullato: nessun attestato è stato numerato né salvato.".into() });
        }
        let c = issue_for_event(tx, op, event_id, *pid, issued)?;
        let (bytes, name) = render(tx, &c)?;
        out.push((c, bytes, name));
    }
    progress(todo.len(), todo.len());
    audit::record(
        tx,
        op,
        "issue_batch",
        "training_event",
        &event_id.to_string(),
        None,
        Some(
            &serde_json::json!({ "attestati": out.iter().map(|(c, _, _)| c.label.clone()).collect::<Vec<_>>() }),
        ),
    )?;
    Ok(out)
}
