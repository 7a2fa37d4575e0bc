//! The organigram's documents, built on the report engine: the chart as a
//! PDF/A drawing (the same layout the screen draws, fitted to an A4 or A3
//! landscape page, its date printed) and the «Composizione del gruppo di
//! lavoro» table as PDF/A and DOCX.

use chrono::NaiveDate;

use super::layout::{
    layout, layout_with, LayoutOptions, OrgLayout, Stacking, LEADING, PAD, SMALLEST,
};
use super::tree::{NodeKind, Organigram};
use crate::documents::element::{Custom, Element};
use crate::documents::model::{
    Block, Cell, CellAlign, Column, Document, PageSize, Rgb, Row, Shape, Span, Style, Styled, Table,
};
use crate::documents::{render, Format, Meta};
use crate::error::Result;
use crate::text::date_it;
use crate::Store;

const HEADER: [&str; 2] = [
    "Città Metropolitana di Messina – Segreteria Generale",
    "Comunità di Pratiche per la prevenzione della corruzione e la trasparenza",
];
/// Space above the chart for its title and date (13 and 10 pt lines, 1.3 apart).
const TITLE_BAND: f32 = (13.0 + 10.0) * 1.3 + 1.0;
/// The smallest size printed: a chart is never scaled so that its smallest
/// text (`SMALLEST` in the layout) prints under it.
pub const MIN_PRINTED: f32 = 8.0;
/// The smallest scale at which the chart stays legible.
const MIN_SCALE: f32 = MIN_PRINTED / SMALLEST;
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
    if a4 >= MIN_SCALE {
        (PageSize::A4Landscape, a4)
    } else {
        (PageSize::A3Landscape, scale(PageSize::A3Landscape))
    }
}

fn meta(author: &str, title: &str, subject: String) -> Meta {
    Meta::new(title, subject).by(author).keywords([
        "Comunità di Pratiche",
        "organigramma",
        "gruppo di lavoro",
    ])
}

/// The chart as an element the composer places: the layout of the
/// screen, scaled to the area it is given (never more than `MAX_SCALE`) and
/// centred in it; in a DOCX, the boxes' texts in reading order.
#[derive(Debug)]
pub struct Chart {
    layout: OrgLayout,
    /// Fill and rule of each box.
    colours: Vec<(Rgb, Rgb)>,
}

impl Chart {
    pub fn new(o: &Organigram, l: &OrgLayout) -> Chart {
        let colours = l
            .boxes
            .iter()
            .map(|b| match o.nodes[b.node].kind {
                NodeKind::Unit => (UNIT_FILL, INK),
                NodeKind::Zone => (ZONE_FILL, ZONE_STROKE),
                NodeKind::Comune => (COMUNE_FILL, MUTED),
            })
            .collect();
        Chart {
            layout: l.clone(),
            colours,
        }
    }

    /// The scale of the chart in an area `w` × `h`.
    pub fn scale(&self, w: f32, h: f32) -> f32 {
        let l = &self.layout;
        (w / l.width.max(1.0))
            .min(h / l.height.max(1.0))
            .min(MAX_SCALE)
    }
}

impl Element for Chart {
    /// The chart takes the rest of its page and is centred in it.
    fn height(&self, _width: f32, room: f32) -> f32 {
        room.max(1.0)
    }

    fn draw(&self, w: f32, h: f32) -> Vec<Shape> {
        let l = &self.layout;
        let s = self.scale(w, h);
        let dx = ((w - l.width * s) / 2.0).max(0.0);
        let dy = ((h - l.height * s) / 2.0).max(0.0);
        let mut shapes = Vec::new();
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
        for (b, (fill, stroke)) in l.boxes.iter().zip(&self.colours) {
            shapes.push(Shape::Rect {
                x: dx + b.x * s,
                y: dy + b.y * s,
                w: b.w * s,
                h: b.h * s,
                fill: Some(*fill),
                stroke: Some((*stroke, 0.8 * s.max(0.5))),
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
                    y: dy + (b.y + b.h - SMALLEST * LEADING - 1.0) * s,
                    w: (b.w - 3.0) * s,
                    h: SMALLEST * LEADING * s + 1.0,
                    text: format!("+{}", b.hidden),
                    size: SMALLEST * s,
                    bold: false,
                    italic: false,
                    align: CellAlign::Right,
                    color: MUTED,
                });
            }
        }
        shapes
    }

    fn fallback(&self) -> Vec<Block> {
        let mut boxes: Vec<_> = self.layout.boxes.iter().collect();
        boxes.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
        boxes
            .iter()
            .map(|b| {
                Block::paragraph(
                    b.lines
                        .iter()
                        .enumerate()
                        .map(|(i, l)| Span {
                            text: if i == 0 {
                                l.text.clone()
                            } else {
                                format!(" – {}", l.text)
                            },
                            bold: l.bold,
                            italic: l.italic,
                        })
                        .collect(),
                )
            })
            .collect()
    }
}

/// The chart's title and date, centred over it.
fn chart_title(o: &Organigram) -> [Block; 2] {
    [
        Block::Styled(Styled {
            color: INK,
            ..Styled::centred(
                "Organigramma del gruppo di lavoro della Comunità di Pratiche",
                13.0,
                true,
                0.0,
            )
        }),
        Block::Styled(Styled {
            color: MUTED,
            ..Styled::centred(
                &format!("Composizione al {}", date_it(&o.as_of)),
                10.0,
                false,
                0.0,
            )
        }),
    ]
}

/// The chart as a one-page report: its title, then the chart the composer
/// places under it, on the page `page_for` chose.
pub fn chart_report(o: &Organigram, l: &OrgLayout) -> Document {
    let (size, _) = page_for(l.width, l.height);
    let mut blocks: Vec<Block> = chart_title(o).into();
    blocks.push(Block::Element(Custom::new(Chart::new(o, l))));
    Document {
        style: Style::Report,
        title: "Organigramma del gruppo di lavoro".into(),
        header: HEADER.iter().map(|s| s.to_string()).collect(),
        size,
        blocks,
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
pub fn composition_report(o: &Organigram) -> Document {
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
    Document {
 style: Style::Report,
        title: "Composizione del gruppo di lavoro".into(),
        header: HEADER.iter().map(|s| s.to_string()).collect(),
        size: PageSize::A4Landscape,
        blocks: vec![
            Block::heading(1, "Composizione del gruppo di lavoro della Comunità di Pratiche", false),
            Block::paragraph(plain(format!(
                "Unità del gruppo di lavoro, ruoli e persone in carica al {date}, con i recapiti. I referenti dei comuni sono quelli dell'anagrafe tenuta dalla Segreteria Generale; i referenti di zona sono quelli delle zone omogenee. {count}"
            ))),
            Block::Space(6.0),
            Block::Grid(Table { columns, rows, ..Default::default() }),
        ]
        .into_iter()
        .chain(to_fill.into_iter().flat_map(|t| [Block::Space(6.0), Block::paragraph(plain(t))]))
        .collect(),
    }
}

/// The layout of the printed chart: the screen's, if it fits its page with
/// its smallest text at `MIN_PRINTED`; otherwise the layout changes, never
/// the size: the gaps between boxes and levels are tightened, many leaves
/// beside branches are stacked in columns too, stacks are made taller or
/// shorter, and at last the branches whose
/// children are all leaves (a zone's comuni) are drawn closed with their
/// count (the composition lists them). Then the gaps between levels grow
/// (up to `MAX_LEVEL_STRETCH` times) so that a broad, shallow chart, scaled
/// to the page's width, fills its height too. The boxes and their text
/// keep their proportions.
pub fn print_layout(o: &Organigram, collapsed: &[String]) -> OrgLayout {
    let base = LayoutOptions::default();
    let screen = Stacking::default();
    let mixed = Stacking {
        mixed: true,
        ..screen
    };
    let rows = |rows| Stacking { rows, ..mixed };
    let mut closed = collapsed.to_vec();
    closed.extend(
        o.nodes
            .iter()
            .filter(|n| !n.children.is_empty())
            .filter(|n| n.children.iter().all(|&c| o.nodes[c].children.is_empty()))
            .map(|n| n.key.clone()),
    );
    // The screen's gaps, then tighter ones (half the gap between levels).
    let tight = LayoutOptions {
        gap: 10.0,
        level_gap: base.level_gap / 2.0,
    };
    let tries = [
        (base, screen, collapsed),
        (tight, screen, collapsed),
        (tight, mixed, collapsed),
        (tight, rows(10), collapsed),
        (tight, rows(8), collapsed),
        (tight, rows(16), collapsed),
        (tight, rows(24), collapsed),
        (tight, mixed, &closed[..]),
    ];
    let scale = |l: &OrgLayout| page_for(l.width, l.height).1;
    let mut chosen: Option<(OrgLayout, LayoutOptions, Stacking, &[String])> = None;
    for (opts, stacking, closed) in tries {
        let l = layout_with(o, closed, &opts, stacking);
        let legible = scale(&l) >= MIN_SCALE - 1e-3;
        if legible || chosen.as_ref().is_none_or(|c| scale(&c.0) < scale(&l)) {
            chosen = Some((l, opts, stacking, closed));
        }
        if legible {
            break;
        }
    }
    let Some((l, base, stacking, closed)) = chosen else {
        return layout(o, collapsed, &base);
    };
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
    let per_point = (layout_with(o, closed, &probe, stacking).height - l.height) / 10.0;
    if per_point <= 0.0 {
        return l;
    }
    let gap =
        (base.level_gap + (room - l.height) / per_point).min(base.level_gap * MAX_LEVEL_STRETCH);
    let stretched = layout_with(
        o,
        closed,
        &LayoutOptions {
            level_gap: gap,
            ..base
        },
        stacking,
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
pub fn chart_pdf(mut o: Organigram, collapsed: &[String], author: &str) -> Result<Vec<u8>> {
    // A proposal still to accept is the screen's business, not the print's.
    for n in &mut o.nodes {
        if let Some(d) = n.description.as_mut() {
            *d = d.replace(super::tree::PROPOSED_NOTE, "");
        }
    }
    let l = print_layout(&o, collapsed);
    let r = chart_report(&o, &l);
    let meta = meta(
        author,
        &r.title,
        format!("Organigramma al {}", date_it(&o.as_of)),
    );
    Ok(render(&r, Format::Pdf, &meta)?.bytes)
}

/// «Composizione del gruppo di lavoro» as PDF/A or DOCX; it needs no archive.
pub fn composition(o: &Organigram, format: Format, author: &str) -> Result<Vec<u8>> {
    let r = composition_report(o);
    let subject = format!("Composizione del gruppo di lavoro al {}", date_it(&o.as_of));
    Ok(render(&r, format, &meta(author, &r.title, subject))?.bytes)
}

impl Store {
    /// The organigram on `as_of` as a one-page PDF/A (`collapsed`: the branches drawn closed).
    pub fn org_chart_pdf(&self, as_of: NaiveDate, collapsed: &[String]) -> Result<Vec<u8>> {
        chart_pdf(self.organigram(as_of)?, collapsed, &self.document_author()?)
    }

    /// «Composizione del gruppo di lavoro» on `as_of`, as PDF/A or DOCX.
    pub fn org_composition(&self, as_of: NaiveDate, format: Format) -> Result<Vec<u8>> {
        composition(&self.organigram(as_of)?, format, &self.document_author()?)
    }
}
