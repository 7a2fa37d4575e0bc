//! The calendar on paper, through the report engine: the month grid (A4
//! landscape, one page per month, a drawing), the "Programma formativo" (A4
//! portrait, a ruled table with its header repeated; also as DOCX) and the
//! one-page year overview. Each kind of event has a symbol and each mode a
//! letter, so the legend reads in black and white.

use chrono::{Datelike, Duration, NaiveDate};

use super::calendar::{holiday, month_name, month_weeks, MONTHS, WEEKDAYS};
use super::{Event, EventQuery};
use crate::documents::element::{drawn_texts, Custom, Element};
use crate::documents::lines::fit_text;
use crate::documents::model::{
    Block, Cell, CellAlign, Column, Document, PageSize, Rgb, Row, Shape, Span, Style, Table,
};
use crate::documents::{render, Format, Meta};
use crate::error::{Error, Result};
use crate::Store;

const BLACK: Rgb = Rgb(0, 0, 0);
const GREY_TEXT: Rgb = Rgb(70, 70, 70);
const RULE: Rgb = Rgb(90, 90, 90);
const SHADE: Rgb = Rgb(222, 222, 222);
const OUTSIDE: Rgb = Rgb(245, 245, 245);
const HEAD_FILL: Rgb = Rgb(217, 226, 236);
const CANCELLED_FILL: Rgb = Rgb(235, 235, 235);
/// The smallest text the calendars print: where a text does not fit at
/// this size, the layout gives it room, never a smaller size.
pub const MIN_TEXT: f32 = 8.0;
/// The line height of the smallest text.
const MIN_LINE: f32 = MIN_TEXT * 1.2;

/// A grey note across the page under a title (a legend): as many lines
/// (up to three) as it takes at `MIN_TEXT`; returns its height.
fn note(shapes: &mut Vec<Shape>, text: String, y: f32, w: f32) -> f32 {
    let lines = fit_text(&text, w, MIN_TEXT, false, 3).0.len().max(1);
    let h = lines as f32 * MIN_LINE + 1.0;
    shapes.push(Shape::Text {
        x: 0.0,
        y,
        w,
        h,
        text,
        size: MIN_TEXT,
        bold: false,
        italic: false,
        align: CellAlign::Left,
        color: GREY_TEXT,
    });
    h
}

/// The symbol of each kind (in the fonts, distinct in black and white).
pub fn kind_symbol(kind: &str) -> &'static str {
    match kind {
        "giornata" => "●",
        "incontro_rpct" => "▲",
        "incontro_zona" => "■",
        _ => "◊",
    }
}

/// The letter of each mode.
pub fn mode_letter(mode: &str) -> &'static str {
    match mode {
        "webinar" => "W",
        "presenza" => "P",
        _ => "M",
    }
}

/// The symbols' legend; `grid`: of a month grid, where holidays and
/// Sundays are shaded (the list has no shading to explain).
fn legend(grid: bool) -> String {
    format!(
        "Legenda – tipo: ● giornata formativa, ▲ incontro RPCT, ■ incontro decentrato di zona, ◊ tavolo tematico; modalità: W webinar, P in presenza, M mista; ANN. evento annullato{}.",
        if grid { "; giorni festivi e domeniche in grigio" } else { "" }
    )
}

fn header(period: &str) -> Vec<String> {
    vec![
        "Città Metropolitana di Messina – Segreteria Generale".to_string(),
        "Comunità di Pratiche dei RPCT – Formazione e incontri".to_string(),
        period.to_string(),
    ]
}

fn date_long(d: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        WEEKDAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

/// "dal 1° marzo al 31 maggio 2027".
pub fn period_text(from: NaiveDate, to: NaiveDate) -> String {
    let day = |d: NaiveDate| {
        if d.day() == 1 {
            "1°".to_string()
        } else {
            d.day().to_string()
        }
    };
    if from.year() == to.year() {
        format!(
            "dal {} {} al {} {} {}",
            day(from),
            MONTHS[from.month0() as usize],
            day(to),
            MONTHS[to.month0() as usize],
            to.year()
        )
    } else {
        format!(
            "dal {} {} {} al {} {} {}",
            day(from),
            MONTHS[from.month0() as usize],
            from.year(),
            day(to),
            MONTHS[to.month0() as usize],
            to.year()
        )
    }
}

fn parse(d: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()
}

/// One event as a line of the month grid: "● 09:30 W Il PIAO…".
fn grid_line(e: &Event) -> String {
    format!(
        "{}{} {} {} {}",
        if e.state == "annullato" { "ANN. " } else { "" },
        kind_symbol(&e.kind),
        e.start_time,
        mode_letter(&e.mode),
        e.title
    )
}

/// The lines `fit_text` made of `original` as one text again, without the
/// hyphens it added at line ends (the drawing wraps it the same way).
fn rejoin(lines: &[String], original: &str) -> String {
    let mut out = String::new();
    for l in lines {
        if out.is_empty() {
            out.push_str(l);
            continue;
        }
        let stem = out.strip_suffix('-').unwrap_or(&out);
        let fragment = stem.rsplit(' ').next().unwrap_or("");
        let next = l.split(' ').next().unwrap_or("");
        if out.ends_with('-')
            && original.contains(&format!("{fragment}{}", next.trim_end_matches('…')))
        {
            out = format!("{stem}{l}");
        } else {
            out.push(' ');
            out.push_str(l);
        }
    }
    out
}

/// The month grid of one month, an element that takes the whole of its
/// page (A4 landscape in the calendar).
#[derive(Debug)]
pub struct MonthGrid {
    pub year: i32,
    pub month: u32,
    pub events: Vec<Event>,
}

impl Element for MonthGrid {
    fn height(&self, _width: f32, room: f32) -> f32 {
        room.max(1.0)
    }

    fn draw(&self, w: f32, h: f32) -> Vec<Shape> {
        month_shapes(self.year, self.month, &self.events, w, h)
    }

    fn fallback(&self) -> Vec<Block> {
        let (w, h) = PageSize::A4Landscape.content();
        drawn_texts(&self.draw(w, h))
    }
}

/// The one-page overview of a year, an element that takes the whole of its
/// page (see [`year_shapes`]).
#[derive(Debug)]
pub struct YearOverview {
    pub year: i32,
    pub events: Vec<Event>,
}

impl Element for YearOverview {
    fn height(&self, _width: f32, room: f32) -> f32 {
        room.max(1.0)
    }

    fn draw(&self, w: f32, h: f32) -> Vec<Shape> {
        year_shapes(self.year, &self.events, w, h)
    }

    fn fallback(&self) -> Vec<Block> {
        let (w, h) = PageSize::A4Landscape.content();
        drawn_texts(&self.draw(w, h))
    }
}

/// The shapes of a month grid in an area `w` × `h`.
fn month_shapes(year: i32, month: u32, events: &[Event], w: f32, h: f32) -> Vec<Shape> {
    let mut shapes = Vec::new();
    let title = format!(
        "Calendario della formazione – {}",
        month_name(year, month, true)
    );
    shapes.push(Shape::Text {
        x: 0.0,
        y: 0.0,
        w,
        h: 18.0,
        text: title,
        size: 14.0,
        bold: true,
        italic: false,
        align: CellAlign::Left,
        color: BLACK,
    });
    let top = 19.0 + note(&mut shapes, legend(true), 19.0, w) + 4.0;
    let head_h = 14.0;
    let col_w = w / 7.0;
    for (i, name) in WEEKDAYS.iter().enumerate() {
        let x = i as f32 * col_w;
        shapes.push(Shape::Rect {
            x,
            y: top,
            w: col_w,
            h: head_h,
            fill: Some(HEAD_FILL),
            stroke: Some((RULE, 0.5)),
        });
        let mut n = name.to_string();
        n[..1].make_ascii_uppercase();
        shapes.push(Shape::Text {
            x: x + 2.0,
            y: top + 2.5,
            w: col_w - 4.0,
            h: 11.0,
            text: n,
            size: 8.5,
            bold: true,
            italic: false,
            align: CellAlign::Center,
            color: BLACK,
        });
    }
    let weeks = month_weeks(year, month);
    let grid_top = top + head_h;
    let row_h = (h - grid_top) / weeks.len() as f32;
    // Readable when printed: never under 8 pt.
    let line_size = MIN_TEXT;
    let line_h = MIN_LINE;
    for (r, week) in weeks.iter().enumerate() {
        for (c, day) in week.iter().enumerate() {
            let x = c as f32 * col_w;
            let y = grid_top + r as f32 * row_h;
            let fill = if !day.in_month {
                Some(if day.sunday || day.holiday.is_some() {
                    SHADE
                } else {
                    OUTSIDE
                })
            } else if day.sunday || day.holiday.is_some() {
                Some(SHADE)
            } else {
                None
            };
            shapes.push(Shape::Rect {
                x,
                y,
                w: col_w,
                h: row_h,
                fill,
                stroke: Some((RULE, 0.5)),
            });
            let color = if day.in_month { BLACK } else { GREY_TEXT };
            shapes.push(Shape::Text {
                x: x + 3.0,
                y: y + 2.0,
                w: 18.0,
                h: 12.0,
                text: day.day.to_string(),
                size: 10.0,
                bold: day.in_month,
                italic: false,
                align: CellAlign::Left,
                color,
            });
            // The holiday's name beside the day's number, or on a line of
            // its own under it when it does not fit there.
            let mut first = y + 15.0;
            if let Some(hn) = &day.holiday {
                let beside = !fit_text(hn, col_w - 23.0, MIN_TEXT, false, 1).1;
                let (hx, hy, hw, align) = if beside {
                    (x + 20.0, y + 3.5, col_w - 23.0, CellAlign::Right)
                } else {
                    (x + 3.0, first, col_w - 6.0, CellAlign::Left)
                };
                let lines = fit_text(hn, hw, MIN_TEXT, false, 2).0.len().max(1);
                shapes.push(Shape::Text {
                    x: hx,
                    y: hy,
                    w: hw,
                    h: lines as f32 * MIN_LINE + 0.5,
                    text: hn.clone(),
                    size: MIN_TEXT,
                    bold: false,
                    italic: true,
                    align,
                    color: GREY_TEXT,
                });
                if !beside {
                    first += lines as f32 * MIN_LINE;
                }
            }
            if !day.in_month {
                continue;
            }
            let list: Vec<&Event> = events.iter().filter(|e| e.date == day.date).collect();
            if list.is_empty() {
                continue;
            }
            let avail = ((row_h - (first - y) - 1.0) / line_h).floor().max(1.0) as usize;
            // Each event takes up to three lines (its title cut with "…"),
            // one when the day is crowded; when they do not all fit, the
            // last line says how many more there are (the programme follows).
            let shown = if list.len() > avail {
                avail - 1
            } else {
                list.len()
            };
            let per = (avail / shown.max(1)).clamp(1, 3);
            let mut ly = first;
            for e in &list[..shown] {
                let (lines, _) = fit_text(&grid_line(e), col_w - 6.0, line_size, false, per);
                let hh = line_h * lines.len() as f32;
                shapes.push(Shape::Text {
                    x: x + 3.0,
                    y: ly,
                    w: col_w - 6.0,
                    h: hh + 0.5,
                    text: rejoin(&lines, &grid_line(e)),
                    size: line_size,
                    bold: false,
                    italic: e.state == "annullato",
                    align: CellAlign::Left,
                    color: BLACK,
                });
                ly += hh;
            }
            if list.len() > shown {
                shapes.push(Shape::Text {
                    x: x + 3.0,
                    y: ly,
                    w: col_w - 6.0,
                    h: line_h,
                    text: format!("+{} altri (vedi il programma)", list.len() - shown),
                    size: line_size,
                    bold: true,
                    italic: false,
                    align: CellAlign::Left,
                    color: BLACK,
                });
            }
        }
    }
    shapes
}

fn where_of(e: &Event) -> String {
    match (&e.place, &e.link) {
        (Some(p), Some(l)) => format!("{p}\n{l}"),
        (Some(p), None) => p.clone(),
        (None, Some(l)) => l.clone(),
        (None, None) => "—".to_string(),
    }
}

/// The "Programma formativo" table of `events` (grouped by month).
pub fn programme_table(events: &[Event]) -> Table {
    let columns = vec![
        Column {
            header: "Data e orario".into(),
            share: 13.0,
            align: CellAlign::Left,
        },
        Column {
            header: "Titolo e area tematica".into(),
            share: 28.0,
            align: CellAlign::Left,
        },
        Column {
            header: "Tipo e modalità".into(),
            share: 13.0,
            align: CellAlign::Left,
        },
        Column {
            header: "Luogo o collegamento".into(),
            share: 16.0,
            align: CellAlign::Left,
        },
        Column {
            header: "Relatori".into(),
            share: 24.0,
            align: CellAlign::Left,
        },
        Column {
            header: "Ore".into(),
            share: 6.0,
            align: CellAlign::Right,
        },
    ];
    let mut rows = Vec::new();
    let mut current: Option<(i32, u32)> = None;
    for e in events {
        let Some(d) = parse(&e.date) else { continue };
        if current != Some((d.year(), d.month())) {
            current = Some((d.year(), d.month()));
            rows.push(Row {
                cells: vec![Cell::bold(month_name(d.year(), d.month(), true))],
                fill: None,
                group: true,
            });
        }
        let cancelled = e.state == "annullato";
        let mut title = vec![Span {
            text: e.title.clone(),
            bold: true,
            italic: false,
        }];
        if let Some(t) = &e.theme {
            title.push(Span {
                text: format!(" – {t}"),
                bold: false,
                italic: true,
            });
        }
        if cancelled {
            title.insert(
                0,
                Span {
                    text: "ANNULLATO – ".into(),
                    bold: true,
                    italic: false,
                },
            );
        }
        let mut kind = format!(
            "{} {}\n{} ({})",
            kind_symbol(&e.kind),
            e.kind_label,
            e.mode_label,
            mode_letter(&e.mode)
        );
        if let Some(l) = &e.level {
            kind.push_str(&format!("\nLivello {l}"));
        }
        if let Some(z) = &e.zone {
            kind.push_str(&format!("\nZona {z}"));
        }
        rows.push(Row {
            cells: vec![
                Cell::text(format!("{}\n{}–{}", date_long(d), e.start_time, e.end_time)),
                Cell::spans(title),
                Cell::text(kind),
                Cell::text(where_of(e)),
                Cell::text(e.speakers.clone().unwrap_or_else(|| "—".into())),
                Cell::text(if e.credit_minutes == 0 {
                    "—".to_string()
                } else {
                    e.hours.clone()
                }),
            ],
            fill: cancelled.then_some(CANCELLED_FILL),
            group: false,
        });
    }
    Table {
        columns,
        rows,
        size: 8.5,
        header_fill: Some(HEAD_FILL),
    }
}

fn programme_items(events: &[Event], period: &str) -> Vec<Block> {
    let mut items = vec![
        Block::heading(1, "Programma formativo", false),
        Block::paragraph(vec![Span {
            text: format!("Eventi {period}: {}.", count(events.len())),
            bold: false,
            italic: false,
        }]),
        Block::paragraph(vec![Span {
            text: legend(false),
            bold: false,
            italic: true,
        }]),
    ];
    if events.is_empty() {
        items.push(Block::paragraph(vec![Span {
            text: "Nessun evento nel periodo.".into(),
            bold: false,
            italic: false,
        }]));
    } else {
        items.push(Block::Grid(programme_table(events)));
    }
    items
}

fn count(n: usize) -> String {
    match n {
        0 => "nessuno".into(),
        1 => "uno".into(),
        n => n.to_string(),
    }
}

/// The months from `from` to `to`.
fn months(from: NaiveDate, to: NaiveDate) -> Vec<(i32, u32)> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        out.push((y, m));
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    out
}

/// The calendar of a period: one month grid per month, then the programme.
pub fn calendar_report(events: &[Event], from: NaiveDate, to: NaiveDate) -> Document {
    let period = period_text(from, to);
    let mut items = Vec::new();
    for (y, m) in months(from, to) {
        items.push(Block::page_break(Some(PageSize::A4Landscape)));
        items.push(Block::Element(Custom::new(MonthGrid {
            year: y,
            month: m,
            events: events.to_vec(),
        })));
    }
    items.push(Block::page_break(None));
    items.extend(programme_items(events, &period));
    Document {
        style: Style::Report,
        title: format!("Calendario della formazione {period}"),
        header: header(&format!("Calendario {period}")),
        size: PageSize::A4Landscape,
        blocks: items,
    }
}

/// The "Programma formativo" of a period (A4 landscape: six columns whose
/// names, places and links fit without being broken).
pub fn programme_report(events: &[Event], from: NaiveDate, to: NaiveDate) -> Document {
    let period = period_text(from, to);
    Document {
        style: Style::Report,
        title: format!("Programma formativo {period}"),
        header: header(&format!("Programma formativo {period}")),
        size: PageSize::A4Landscape,
        blocks: programme_items(events, &period),
    }
}

/// The one-page overview of a year: twelve small months in three columns
/// (wide enough for a day and its number of events at 8 pt), the days with
/// events boxed in bold (with their number of events), holidays shaded.
fn year_shapes(year: i32, events: &[Event], w: f32, h: f32) -> Vec<Shape> {
    let mut shapes = Vec::new();
    let active: Vec<&Event> = events.iter().filter(|e| e.state != "annullato").collect();
    shapes.push(Shape::Text {
        x: 0.0,
        y: 0.0,
        w,
        h: 18.0,
        text: format!(
            "Quadro annuale della formazione {year}: {} eventi in programma",
            active.len()
        ),
        size: 14.0,
        bold: true,
        italic: false,
        align: CellAlign::Left,
        color: BLACK,
    });
    let top = 19.0
        + note(
            &mut shapes,
            "Giorni con eventi: numero in grassetto riquadrato, con il numero di eventi se più di uno; giorni festivi e domeniche in grigio; gli eventi annullati non sono contati.".into(),
            19.0,
            w,
        )
        + 6.0;
    let (cols, rows) = (3usize, 4usize);
    let gap = 10.0;
    let mw = (w - gap * (cols as f32 - 1.0)) / cols as f32;
    let mh = (h - top - gap * (rows as f32 - 1.0)) / rows as f32;
    for m in 1..=12u32 {
        let i = (m - 1) as usize;
        let (cx, cy) = (
            (i % cols) as f32 * (mw + gap),
            top + (i / cols) as f32 * (mh + gap),
        );
        let n_month = active
            .iter()
            .filter(|e| parse(&e.date).is_some_and(|d| d.year() == year && d.month() == m))
            .count();
        let mut name = MONTHS[i].to_string();
        name[..1].make_ascii_uppercase();
        let label = match n_month {
            0 => name,
            1 => format!("{name} – 1 evento"),
            n => format!("{name} – {n} eventi"),
        };
        shapes.push(Shape::Rect {
            x: cx,
            y: cy,
            w: mw,
            h: 13.0,
            fill: Some(HEAD_FILL),
            stroke: Some((RULE, 0.5)),
        });
        shapes.push(Shape::Text {
            x: cx + 3.0,
            y: cy + 2.0,
            w: mw - 6.0,
            h: 11.0,
            text: label,
            size: 8.5,
            bold: true,
            italic: false,
            align: CellAlign::Left,
            color: BLACK,
        });
        let cw = mw / 7.0;
        for (k, wd) in ["lu", "ma", "me", "gi", "ve", "sa", "do"]
            .iter()
            .enumerate()
        {
            shapes.push(Shape::Text {
                x: cx + k as f32 * cw,
                y: cy + 14.5,
                w: cw,
                h: MIN_LINE + 0.5,
                text: wd.to_string(),
                size: MIN_TEXT,
                bold: false,
                italic: false,
                align: CellAlign::Center,
                color: GREY_TEXT,
            });
        }
        let weeks = month_weeks(year, m);
        let gy = cy + 25.0;
        let rh = ((mh - 25.0) / 6.0).min(16.0);
        let fs = MIN_TEXT;
        for (r, week) in weeks.iter().enumerate() {
            for (c, day) in week.iter().enumerate() {
                if !day.in_month {
                    continue;
                }
                let (x, y) = (cx + c as f32 * cw, gy + r as f32 * rh);
                if day.sunday || day.holiday.is_some() {
                    shapes.push(Shape::Rect {
                        x: x + 0.5,
                        y: y + 0.5,
                        w: cw - 1.0,
                        h: rh - 1.0,
                        fill: Some(SHADE),
                        stroke: None,
                    });
                }
                let n = active.iter().filter(|e| e.date == day.date).count();
                if n > 0 {
                    shapes.push(Shape::Rect {
                        x: x + 1.0,
                        y: y + 1.0,
                        w: cw - 2.0,
                        h: rh - 2.0,
                        fill: None,
                        stroke: Some((BLACK, 1.2)),
                    });
                }
                let text = if n > 1 {
                    format!("{} ({n})", day.day)
                } else {
                    day.day.to_string()
                };
                shapes.push(Shape::Text {
                    x: x + 1.0,
                    y: y + (rh - fs * 1.2) / 2.0,
                    w: cw - 2.0,
                    h: fs * 1.25,
                    text,
                    size: fs,
                    bold: n > 0,
                    italic: false,
                    align: CellAlign::Center,
                    color: BLACK,
                });
            }
        }
    }
    shapes
}

pub fn year_report(events: &[Event], year: i32) -> Document {
    Document {
        style: Style::Report,
        title: format!("Quadro annuale della formazione {year}"),
        header: header(&format!("Quadro annuale {year}")),
        size: PageSize::A4Landscape,
        blocks: vec![Block::Element(Custom::new(YearOverview {
            year,
            events: events.to_vec(),
        }))],
    }
}

/// Which document of the calendar.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CalendarDoc {
    /// Month grids then the programme (PDF).
    Calendar,
    /// The programme (PDF or DOCX).
    Programme,
    /// The one-page year overview of `from`'s year (PDF).
    Year,
}

fn check_period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate)> {
    if from.trim().is_empty() {
        return Err(Error::validation("from", "Dal: campo obbligatorio."));
    }
    if to.trim().is_empty() {
        return Err(Error::validation("to", "Al: campo obbligatorio."));
    }
    let f = crate::validate::date("from", "Dal", from)?;
    let t = crate::validate::date("to", "Al", to)?;
    if t < f {
        return Err(Error::validation(
            "to",
            "Al: la data finale precede quella iniziale.",
        ));
    }
    if t - f > Duration::days(366 * 2) {
        return Err(Error::validation(
            "to",
            "Al: stampare al massimo due anni alla volta.",
        ));
    }
    Ok((f, t))
}

/// A calendar document prepared from the archive: it renders without the
/// archive, so the shell renders it after releasing the archive's lock.
#[derive(Debug, Clone)]
pub struct TrainingDocJob {
    pub doc: CalendarDoc,
    pub format: Format,
    pub report: Document,
    pub author: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl TrainingDocJob {
    /// The document's bytes and file name.
    pub fn render(&self) -> Result<(Vec<u8>, String)> {
        let (doc, format, report, f, t) = (self.doc, self.format, &self.report, self.from, self.to);
        let meta = Meta::new(
            report.title.clone(),
            "Città Metropolitana di Messina – Comunità di Pratiche – formazione e incontri",
        )
        .by(self.author.clone())
        .keywords(["Comunità di Pratiche", "formazione", "anticorruzione"]);
        let bytes = render(report, format, &meta)?.bytes;
        let stem = match doc {
            CalendarDoc::Calendar => format!("Calendario_formazione_{f}_{t}"),
            CalendarDoc::Programme => {
                format!("Programma_formativo_{f}_{t}")
            }
            CalendarDoc::Year => format!("Quadro_annuale_formazione_{}", f.year()),
        };
        Ok((bytes, format!("{stem}.{}", format.extension())))
    }
}

impl Store {
    /// A document of the calendar for the period `from`–`to` (filters as on screen).
    pub fn training_document(
        &self,
        doc: CalendarDoc,
        format: Format,
        q: &EventQuery,
        from: &str,
        to: &str,
    ) -> Result<(Vec<u8>, String)> {
        self.training_document_job(doc, format, q, from, to)?
            .render()
    }

    /// What a document of the calendar needs, read from the archive.
    pub fn training_document_job(
        &self,
        doc: CalendarDoc,
        format: Format,
        q: &EventQuery,
        from: &str,
        to: &str,
    ) -> Result<TrainingDocJob> {
        let (f, t) = check_period(from, to)?;
        // The month grids and the year overview are drawings: PDF only.
        if format == Format::Docx && doc != CalendarDoc::Programme {
            return Err(Error::validation(
                "format",
                "Il calendario e il quadro annuale si stampano in PDF.",
            ));
        }
        let (f, t) = if doc == CalendarDoc::Year {
            (
                NaiveDate::from_ymd_opt(f.year(), 1, 1).unwrap_or(f),
                NaiveDate::from_ymd_opt(f.year(), 12, 31).unwrap_or(t),
            )
        } else {
            (f, t)
        };
        let q = EventQuery {
            from: Some(f.to_string()),
            to: Some(t.to_string()),
            ..q.clone()
        };
        let events = self.select_training_events(&q)?;
        let report = match doc {
            CalendarDoc::Calendar => calendar_report(&events, f, t),
            CalendarDoc::Programme => programme_report(&events, f, t),
            CalendarDoc::Year => year_report(&events, f.year()),
        };
        Ok(TrainingDocJob {
            doc,
            format,
            report,
            author: crate::documents::author(&self.conn)?,
            from: f,
            to: t,
        })
    }
}

/// Whether a day shows as shaded (Sunday or holiday): for the tests.
pub fn shaded(d: NaiveDate) -> bool {
    d.weekday() == chrono::Weekday::Sun || holiday(d).is_some()
}
