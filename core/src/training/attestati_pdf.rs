//! The attestati as PDF/A through the report engine: the attestato di
//! partecipazione of one event (a drawn page, centred) and the yearly
//! summary of all hours (a page with the table of the events), each with its
//! register number and verification code; the batch of an event renders
//! inside the same transaction that numbers it, so a cancelled batch leaves
//! neither numbers nor files.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};

use super::attestati::{get_certificate, issue_date, issue_for_event, Certificate};
use super::calendar::{MONTHS, WEEKDAYS};
use super::{get_event, hours_text, label, LEVELS};
use crate::documents::markup::Span;
use crate::documents::report::{
    report_pdf, Cell, CellAlign, Column, Drawing, Item, PageSize, Report, Rgb, Row, Shape, Table,
};
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

fn header(c: &Certificate) -> Vec<String> {
    vec![
        "Città Metropolitana di Messina – Segreteria Generale".into(),
        "Comunità di Pratiche dei RPCT".into(),
        format!("Registro degli attestati – n. {}", c.label),
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
    let (fit, _) = crate::documents::report::fit_text(s, w - 60.0, size, bold, lines);
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

fn footer_lines(c: &Certificate) -> String {
    let mut s = format!(
        "Attestato n. {} iscritto nel registro degli attestati della Segreteria Generale. Codice di verifica: {}.",
        c.label, c.verification
    );
    if let Some(r) = &c.reissued_at {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(r) {
            s.push_str(&format!(
                " Ristampa del {} (copia n. {}): numero e codice dell'originale.",
                t.date_naive().format("%d/%m/%Y"),
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
fn event_report(conn: &Connection, c: &Certificate) -> Result<Report> {
    let event_id = c
        .event_id
        .ok_or_else(|| Error::Database("attestato senza evento".into()))?;
    let e = get_event(conn, event_id)?;
    let letter = crate::settings::letterhead(conn)?;
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
    Ok(Report {
        title: format!(
            "Attestato di partecipazione n. {} – {}",
            c.label, c.participant
        ),
        header: header(c),
        size,
        items: vec![Item::Drawing(Drawing { size, shapes })],
    })
}

fn signature_and_footer(
    shapes: &mut Vec<Shape>,
    letter: &crate::settings::Settings,
    c: &Certificate,
    w: f32,
    h: f32,
) -> Result<()> {
    let sy = h - 190.0;
    shapes.push(Shape::Text {
        x: 40.0,
        y: sy,
        w: 200.0,
        h: 16.0,
        text: format!("Messina, {}", plain_date(issued_on(c)?)),
        size: 11.0,
        bold: false,
        italic: false,
        align: CellAlign::Left,
        color: BLACK,
    });
    shapes.push(Shape::Text {
        x: w - 260.0,
        y: sy,
        w: 220.0,
        h: 16.0,
        text: letter.signatory_title.clone(),
        size: 11.0,
        bold: false,
        italic: false,
        align: CellAlign::Center,
        color: BLACK,
    });
    let name = if letter.signatory_name.trim().is_empty() {
        "…………………………………".to_string()
    } else {
        letter.signatory_name.clone()
    };
    shapes.push(Shape::Text {
        x: w - 260.0,
        y: sy + 18.0,
        w: 220.0,
        h: 16.0,
        text: name,
        size: 11.0,
        bold: true,
        italic: false,
        align: CellAlign::Center,
        color: BLACK,
    });
    shapes.push(Shape::Text {
        x: w - 260.0,
        y: sy + 38.0,
        w: 220.0,
        h: 24.0,
        text: "(firmato digitalmente)".into(),
        size: 8.5,
        bold: false,
        italic: true,
        align: CellAlign::Center,
        color: GREY,
    });
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
        text: footer_lines(c),
        size: 8.5,
        bold: false,
        italic: false,
        align: CellAlign::Center,
        color: GREY,
    });
    Ok(())
}

/// The yearly summary: the events attended in the year, with their hours.
fn year_report(conn: &Connection, c: &Certificate) -> Result<Report> {
    let ref_year = c
        .ref_year
        .ok_or_else(|| Error::Database("attestato senza anno".into()))?;
    let letter = crate::settings::letterhead(conn)?;
    let mut stmt = conn.prepare(
        "SELECT e.date, e.title, e.kind, e.mode, e.credit_minutes, t.name FROM training_attendance a
         JOIN training_event e ON e.id = a.event_id LEFT JOIN training_theme t ON t.id = e.theme_id
         WHERE a.participant_id = ?1 AND a.present = 1 AND e.state <> 'annullato' AND e.date BETWEEN ?2 AND ?3
         ORDER BY e.date, e.start_time",
    )?;
    let rows: Vec<(String, String, String, String, i64, Option<String>)> = stmt
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
                ))
            },
        )?
        .collect::<rusqlite::Result<_>>()?;
    let sp = |t: &str, bold: bool| Span {
        text: t.to_string(),
        bold,
        italic: false,
    };
    let mut table_rows = Vec::new();
    for (date, title, kind, mode, minutes, theme) in &rows {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_else(|_| date.clone());
        table_rows.push(Row {
            cells: vec![
                Cell::text(d),
                Cell::spans(vec![
                    sp(title, true),
                    Span {
                        text: theme
                            .as_ref()
                            .map(|t| format!(" – {t}"))
                            .unwrap_or_default(),
                        bold: false,
                        italic: true,
                    },
                ]),
                Cell::text(format!(
                    "{}, {}",
                    label(super::KINDS, kind),
                    label(super::MODES, mode).to_lowercase()
                )),
                Cell::text(hours_text(*minutes)),
            ],
            fill: None,
            group: false,
        });
    }
    table_rows.push(Row {
        cells: vec![
            Cell::bold("Totale"),
            Cell::text(""),
            Cell::text(""),
            Cell::bold(hours_text(c.minutes)),
        ],
        fill: Some(Rgb(237, 237, 237)),
        group: false,
    });
    let items = vec![
        Item::Space(20.0),
        Item::Heading { level: 1, text: format!("Attestato riepilogativo della formazione – anno {ref_year}"), toc: false },
        Item::Paragraph(vec![sp(&format!("Attestato n. {}", c.label), true)]),
        Item::Space(8.0),
        Item::Paragraph(vec![
            sp("Si attesta che ", false),
            sp(&c.participant, true),
            sp(&c.ente.as_ref().map(|e| format!(" ({e})")).unwrap_or_default(), false),
            sp(&format!(
                " ha partecipato nell'anno {ref_year} alle attività formative della Comunità di Pratiche dei RPCT della Città Metropolitana di Messina sotto elencate, per complessive {} di formazione riconosciute, anche ai fini dell'obbligo formativo in materia di prevenzione della corruzione ({}).",
                hours_words(c.minutes),
                super::LAW_190_TRAINING
            ), false),
        ]),
        Item::Table(Table {
            columns: vec![
                Column { header: "Data".into(), share: 13.0, align: CellAlign::Left },
                Column { header: "Attività e area tematica".into(), share: 52.0, align: CellAlign::Left },
                Column { header: "Tipo e modalità".into(), share: 25.0, align: CellAlign::Left },
                Column { header: "Ore".into(), share: 10.0, align: CellAlign::Right },
            ],
            rows: table_rows,
            size: 9.0,
            header_fill: Some(Rgb(217, 226, 236)),
        }),
        Item::Space(18.0),
        Item::Fields(vec![
            ("Messina,".into(), vec![sp(&plain_date(issued_on(c)?), false)]),
            (letter.signatory_title.clone(), vec![sp(if letter.signatory_name.trim().is_empty() { "…………………………………" } else { &letter.signatory_name }, true), Span { text: " (firmato digitalmente)".into(), bold: false, italic: true }]),
        ]),
        Item::Space(18.0),
        Item::Paragraph(vec![Span { text: footer_lines(c), bold: false, italic: true }]),
    ];
    Ok(Report {
        title: format!(
            "Attestato riepilogativo {ref_year} n. {} – {}",
            c.label, c.participant
        ),
        header: header(c),
        size: PageSize::A4Portrait,
        items,
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

pub(crate) fn render(conn: &Connection, c: &Certificate) -> Result<(Vec<u8>, String)> {
    let report = if c.kind == "annuale" {
        year_report(conn, c)?
    } else {
        event_report(conn, c)?
    };
    let meta = crate::documents::pdf::Metadata {
        title: report.title.clone(),
        author: "Città Metropolitana di Messina – Segreteria Generale".into(),
        subject: format!(
            "Attestato n. {} – codice di verifica {}",
            c.label, c.verification
        ),
        keywords: vec![
            "Comunità di Pratiche".into(),
            "attestato".into(),
            "formazione".into(),
        ],
        created: chrono::Utc::now(),
    };
    Ok((report_pdf(&report, &meta)?, file_name(c)))
}

impl Store {
    /// The PDF of an attestato of the register (annulled ones are refused).
    pub fn certificate_pdf(&self, id: i64) -> Result<(Vec<u8>, String)> {
        let c = get_certificate(&self.conn, id)?;
        if c.annulled_at.is_some() {
            return Err(Error::conflict(
                format!("L'attestato n. {} è annullato e non si stampa.", c.label),
                None,
            ));
        }
        render(&self.conn, &c)
    }

    /// Issues and renders the attestati of every present participant of an
    /// event without one: numbers and PDFs in one transaction. `progress`
    /// returning false cancels: nothing is numbered, nothing is returned.
    pub fn issue_event_certificates_pdf(
        &mut self,
        event_id: i64,
        today: &str,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<Vec<(Certificate, Vec<u8>, String)>> {
        let issued = issue_date(today)?;
        self.action(|tx, op| {
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
            audit::record(tx, op, "issue_batch", "training_event", &event_id.to_string(), None, Some(&serde_json::json!({ "attestati": out.iter().map(|(c, _, _)| c.label.clone()).collect::<Vec<_>>() })))?;
            Ok(out)
        })
    }
}
