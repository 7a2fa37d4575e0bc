//! The organigram's documents, built on the report engine: the chart as a
//! PDF/A drawing (the same layout the screen draws, fitted to an A4 or A3
//! landscape page, its date printed) and the «Composizione del gruppo di
//! lavoro» table as PDF/A and DOCX.

use chrono::NaiveDate;

use super::layout::{layout, LayoutOptions, OrgLayout, LEADING, PAD};
use super::tree::{NodeKind, Organigram};
use crate::documents::docx::DocxMeta;
use crate::documents::pdf::Metadata;
use crate::documents::report::{
    report_docx, report_pdf, Cell, CellAlign, Column, Drawing, Item, PageSize, Report, Rgb, Row,
    Shape, Span, Table,
};
use crate::documents::DocFormat;
use crate::error::Result;
use crate::text::date_it;
use crate::Store;

const AUTHOR: &str = "Città Metropolitana di Messina – Segreteria Generale";
const HEADER: [&str; 2] = [
    "Città Metropolitana di Messina – Segreteria Generale",
    "Comunità di Pratiche per la prevenzione della corruzione e la trasparenza",
];
/// Space above the chart for its title and date.
const TITLE_BAND: f32 = 34.0;
/// The smallest scale at which the chart stays legible on A4: its smallest
/// text (7 pt in the layout) prints at 8 pt at least, else the page is A3.
const A4_MIN_SCALE: f32 = 8.0 / 7.0;
/// A small chart is enlarged up to this much to use the page.
const MAX_SCALE: f32 = 2.0;
/// The gap between levels may grow up to this many times the screen's, so
/// that a broad, shallow chart fills the page's height too.
const MAX_LEVEL_STRETCH: f32 = 4.0;

const INK: Rgb = Rgb(23, 50, 77);
const MUTED: Rgb = Rgb(77, 95, 113);
const UNIT_FILL: Rgb = Rgb(255, 255, 255);
const ZONE_FILL: Rgb = Rgb(238, 246, 238);
const ZONE_STROKE: Rgb = Rgb(45, 106, 62);
const COMUNE_FILL: Rgb = Rgb(244, 246, 249);
const LINE: Rgb = Rgb(91, 111, 130);

/// The page for a chart `w` × `h` points: A4 landscape if it fits at a legible
/// scale, else A3 landscape; and the scale (a small chart enlarged a little).
pub fn page_for(w: f32, h: f32) -> (PageSize, f32) {
    let scale = |size: PageSize| {
        let (cw, ch) = size.content();
        (cw / w.max(1.0))
            .min((ch - TITLE_BAND) / h.max(1.0))
            .min(MAX_SCALE)
    };
    let a4 = scale(PageSize::A4Landscape);
    if a4 >= A4_MIN_SCALE {
        (PageSize::A4Landscape, a4)
    } else {
        (PageSize::A3Landscape, scale(PageSize::A3Landscape))
    }
}

fn meta_pdf(title: &str, subject: String) -> Metadata {
    Metadata {
        title: title.to_string(),
        author: AUTHOR.to_string(),
        subject,
        keywords: vec![
            "Comunità di Pratiche".into(),
            "organigramma".into(),
            "gruppo di lavoro".into(),
        ],
        created: chrono::Utc::now(),
    }
}

fn meta_docx(title: &str, subject: String) -> DocxMeta {
    DocxMeta {
        title: title.to_string(),
        author: AUTHOR.to_string(),
        subject,
        keywords: vec![
            "Comunità di Pratiche".into(),
            "organigramma".into(),
            "gruppo di lavoro".into(),
        ],
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// The chart as a one-page report: the layout of the screen, scaled and centred.
pub fn chart_report(o: &Organigram, l: &OrgLayout) -> Report {
    let (size, s) = page_for(l.width, l.height);
    let (cw, ch) = size.content();
    // Centred both ways in the space under the title.
    let dx = ((cw - l.width * s) / 2.0).max(0.0);
    let dy = TITLE_BAND + ((ch - TITLE_BAND - l.height * s) / 2.0).max(0.0);
    let mut shapes = vec![
        Shape::Text {
            x: 0.0,
            y: 0.0,
            w: cw,
            h: 18.0,
            text: "Organigramma del gruppo di lavoro della Comunità di Pratiche".into(),
            size: 13.0,
            bold: true,
            italic: false,
            align: CellAlign::Center,
            color: INK,
        },
        Shape::Text {
            x: 0.0,
            y: 17.0,
            w: cw,
            h: 14.0,
            text: format!("Composizione al {}", date_it(&o.as_of)),
            size: 10.0,
            bold: false,
            italic: false,
            align: CellAlign::Center,
            color: MUTED,
        },
    ];
    for c in &l.connectors {
        shapes.push(Shape::Line {
            x1: dx + c.x1 * s,
            y1: dy + c.y1 * s,
            x2: dx + c.x2 * s,
            y2: dy + c.y2 * s,
            width: 0.8 * s.max(0.5),
            color: LINE,
        });
    }
    for b in &l.boxes {
        let kind = o.nodes[b.node].kind;
        let (fill, stroke) = match kind {
            NodeKind::Unit => (UNIT_FILL, INK),
            NodeKind::Zone => (ZONE_FILL, ZONE_STROKE),
            NodeKind::Comune => (COMUNE_FILL, MUTED),
        };
        shapes.push(Shape::Rect {
            x: dx + b.x * s,
            y: dy + b.y * s,
            w: b.w * s,
            h: b.h * s,
            fill: Some(fill),
            stroke: Some((stroke, 0.8 * s.max(0.5))),
        });
        let mut top = b.y + PAD;
        for line in &b.lines {
            let lh = line.size * LEADING;
            shapes.push(Shape::Text {
                // A little room either side: the engine breaks a line that does not fit.
                x: dx + (b.x + PAD / 2.0) * s,
                y: dy + top * s,
                w: (b.w - PAD) * s,
                h: lh * s + 0.5,
                text: line.text.clone(),
                size: line.size * s,
                bold: line.bold,
                italic: line.italic,
                align: CellAlign::Center,
                color: if line.italic { MUTED } else { INK },
            });
            top += lh;
        }
        if b.hidden > 0 {
            shapes.push(Shape::Text {
                x: dx + b.x * s,
                y: dy + (b.y + b.h - 9.0) * s,
                w: (b.w - 3.0) * s,
                h: 9.0 * s,
                text: format!("+{}", b.hidden),
                size: 6.5 * s,
                bold: false,
                italic: false,
                align: CellAlign::Right,
                color: MUTED,
            });
        }
    }
    Report {
        title: "Organigramma del gruppo di lavoro".into(),
        header: HEADER.iter().map(|s| s.to_string()).collect(),
        size,
        items: vec![Item::Drawing(Drawing { size, shapes })],
    }
}

fn plain(text: impl Into<String>) -> Vec<Span> {
    vec![Span {
        text: text.into(),
        bold: false,
        italic: false,
    }]
}

/// «Composizione del gruppo di lavoro»: each unit (as a group row with its
/// place in the tree) and the people in office, with their contacts.
pub fn composition_report(o: &Organigram) -> Report {
    let columns = vec![
        Column {
            header: "Ruolo".into(),
            share: 1.2,
            align: CellAlign::Left,
        },
        Column {
            header: "Nome e cognome".into(),
            share: 1.5,
            align: CellAlign::Left,
        },
        Column {
            header: "Ente e qualifica".into(),
            share: 2.6,
            align: CellAlign::Left,
        },
        Column {
            header: "Contatti".into(),
            share: 2.0,
            align: CellAlign::Left,
        },
        Column {
            header: "In carica dal".into(),
            share: 0.8,
            align: CellAlign::Center,
        },
    ];
    let mut rows = Vec::new();
    // Distinct people: a referent is one person wherever he or she appears.
    let mut people: Vec<(bool, i64)> = Vec::new();
    for (i, n) in o.nodes.iter().enumerate() {
        // Comuni (their RPCT) are listed under their zone, not as groups of
        // their own; a unit without anyone is named in the closing sentence.
        if n.kind == NodeKind::Comune {
            continue;
        }
        let members = o.listed_people(i);
        if members.is_empty() {
            continue;
        }
        // The place in the tree, without the root every unit shares.
        let path = o.path(i);
        let path = if path.len() > 1 {
            path[1..].join(" › ")
        } else {
            path.join(" › ")
        };
        rows.push(Row {
            cells: vec![
                Cell::bold(path),
                Cell::default(),
                Cell::default(),
                Cell::default(),
                Cell::default(),
            ],
            fill: None,
            group: true,
        });
        // The unit's group row, then its people: one group the engine keeps
        // together with its heading.
        for m in members {
            let who = match (m.referent_id, m.person_id) {
                (Some(r), _) => Some((true, r)),
                (None, Some(p)) => Some((false, p)),
                // The holder by office (the Segretario Generale) is a person too.
                _ => Some((false, i64::MIN)),
            };
            if let Some(w) = who.filter(|w| !people.contains(w)) {
                people.push(w);
            }
            let ente = [m.qualifica.clone(), m.ente.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let contacts = [
                m.email.clone(),
                m.phone.clone().map(|p| format!("tel. {p}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n");
            rows.push(Row {
                cells: vec![
                    Cell::text(m.title.clone()),
                    Cell::bold(m.full_name.clone()),
                    Cell::text(ente),
                    Cell::text(contacts),
                    Cell::text(m.valid_from.as_deref().map(date_it).unwrap_or_default()),
                ],
                fill: None,
                group: false,
            });
        }
    }
    let date = date_it(&o.as_of);
    let to_fill = Some(o.to_fill())
        .filter(|v| !v.is_empty())
        .map(|v| format!("Restano da individuare i componenti di: {}.", v.join("; ")));
    let count = match people.len() {
        0 => "Nessuna persona in carica.".to_string(),
        1 => "Una persona in carica.".to_string(),
        n => format!("Persone in carica: {n}."),
    };
    Report {
        title: "Composizione del gruppo di lavoro".into(),
        header: HEADER.iter().map(|s| s.to_string()).collect(),
        size: PageSize::A4Landscape,
        items: vec![
            Item::Heading { level: 1, text: "Composizione del gruppo di lavoro della Comunità di Pratiche".into(), toc: false },
            Item::Paragraph(plain(format!(
                "Unità del gruppo di lavoro, ruoli e persone in carica al {date}, con i recapiti. I referenti dei comuni sono quelli dell'anagrafica tenuta dalla Segreteria Generale; i referenti di zona sono quelli delle zone omogenee. {count}"
            ))),
            Item::Space(6.0),
            Item::Table(Table { columns, rows, ..Default::default() }),
        ]
        .into_iter()
        .chain(to_fill.into_iter().flat_map(|t| [Item::Space(6.0), Item::Paragraph(plain(t))]))
        .collect(),
    }
}

/// The layout of the printed chart: the screen's, with the gaps between
/// levels grown (up to `MAX_LEVEL_STRETCH` times) so that a broad, shallow
/// chart, scaled to the page's width, fills its height too. The boxes and
/// their text keep their proportions.
pub fn print_layout(o: &Organigram, collapsed: &[String]) -> OrgLayout {
    let base = LayoutOptions::default();
    let l = layout(o, collapsed, &base);
    let (size, s) = page_for(l.width, l.height);
    let room = (size.content().1 - TITLE_BAND) / s;
    if l.height >= room - 1.0 {
        return l;
    }
    // The height grows linearly with the level gap: measure by how much.
    let probe = LayoutOptions {
        level_gap: base.level_gap + 10.0,
        ..base
    };
    let per_point = (layout(o, collapsed, &probe).height - l.height) / 10.0;
    if per_point <= 0.0 {
        return l;
    }
    let gap =
        (base.level_gap + (room - l.height) / per_point).min(base.level_gap * MAX_LEVEL_STRETCH);
    let stretched = layout(
        o,
        collapsed,
        &LayoutOptions {
            level_gap: gap,
            ..base
        },
    );
    // Only if the page and the scale stay what they were.
    if page_for(stretched.width, stretched.height).1 >= s - 1e-3 {
        stretched
    } else {
        l
    }
}

/// The organigram as a one-page PDF/A (`collapsed`: the branches drawn
/// closed); it needs no archive (see [`Store::organigram`]).
pub fn chart_pdf(mut o: Organigram, collapsed: &[String]) -> Result<Vec<u8>> {
    // A proposal still to accept is the screen's business, not the print's.
    for n in &mut o.nodes {
        if let Some(d) = n.description.as_mut() {
            *d = d.replace(super::tree::PROPOSED_NOTE, "");
        }
    }
    let l = print_layout(&o, collapsed);
    let r = chart_report(&o, &l);
    report_pdf(
        &r,
        &meta_pdf(&r.title, format!("Organigramma al {}", date_it(&o.as_of))),
    )
}

/// «Composizione del gruppo di lavoro» as PDF/A or DOCX; it needs no archive.
pub fn composition(o: &Organigram, format: DocFormat) -> Result<Vec<u8>> {
    let r = composition_report(o);
    let subject = format!("Composizione del gruppo di lavoro al {}", date_it(&o.as_of));
    match format {
        DocFormat::Pdf => report_pdf(&r, &meta_pdf(&r.title, subject)),
        DocFormat::Docx => report_docx(&r, &meta_docx(&r.title, subject)),
    }
}

impl Store {
    /// The organigram on `as_of` as a one-page PDF/A (`collapsed`: the branches drawn closed).
    pub fn org_chart_pdf(&self, as_of: NaiveDate, collapsed: &[String]) -> Result<Vec<u8>> {
        chart_pdf(self.organigram(as_of)?, collapsed)
    }

    /// «Composizione del gruppo di lavoro» on `as_of`, as PDF/A or DOCX.
    pub fn org_composition(&self, as_of: NaiveDate, format: DocFormat) -> Result<Vec<u8>> {
        composition(&self.organigram(as_of)?, format)
    }
}
