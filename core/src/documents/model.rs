//! The one document model: what every builder produces and what the
//! composer lays out, the PDF writer prints and the DOCX writer packages.
//! Acts (parsed from templates by `markup.rs`) and the documents built in
//! code by the domains (schede, calendars, attestati, the organigram) are
//! the same [`Document`]; it knows pages, type, blocks and drawings, never
//! a domain.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
}

pub type Spans = Vec<Span>;

/// Plain text as one regular or bold run.
pub fn span(text: &str, bold: bool) -> Spans {
    vec![Span {
        text: text.to_string(),
        bold,
        italic: false,
    }]
}

/// How the lines of a `Lines` block sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Align {
    Justify,
    Center,
    Right,
    /// Lines aligned left in a block set at the right of the page.
    RightBlock,
}

/// A colour, 8 bits per channel (sRGB).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0, 0, 0);
}

impl Default for Rgb {
    fn default() -> Self {
        Rgb::BLACK
    }
}

/// The page sizes, portrait or landscape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageSize {
    #[default]
    A4Portrait,
    A4Landscape,
    A3Portrait,
    A3Landscape,
}

/// The typography and page geometry of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// An Italian administrative act: 12 pt text, a left margin of 2.5 cm,
    /// centred headings, «Pagina X di Y» on every page.
    #[default]
    Act,
    /// A document built in code (schede, catalogue, calendars, attestati,
    /// charts): 10.5 pt text, margins by page size, headings at the left
    /// with a table of contents, no page number on a single sheet.
    Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellAlign {
    #[default]
    Left,
    Center,
    Right,
}

/// A table column: its header, its relative width, the alignment of its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub share: f32,
    pub align: CellAlign,
}

/// A table cell: one or more paragraphs, wrapped and hyphenated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub paragraphs: Vec<Spans>,
}

impl Cell {
    /// Plain text; "\n" starts a new paragraph.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            paragraphs: s.into().split('\n').map(|p| span(p, false)).collect(),
        }
    }

    /// Bold text; "\n" starts a new paragraph.
    pub fn bold(s: impl Into<String>) -> Cell {
        Cell {
            paragraphs: s.into().split('\n').map(|p| span(p, true)).collect(),
        }
    }

    pub fn spans(spans: Spans) -> Cell {
        Cell {
            paragraphs: vec![spans],
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// One per column.
    pub cells: Vec<Cell>,
    /// Cell shading for the whole row.
    pub fill: Option<Rgb>,
    /// A group heading row: its first cell spans all columns, bold, shaded.
    pub group: bool,
}

/// The shading of a table's header row unless said otherwise.
pub const HEADER_FILL: Rgb = Rgb(217, 226, 236);

/// A ruled table: every cell boxed, the header row repeated at the top of every
/// page the table continues on, rows kept whole unless one alone is taller than a
/// page (then split between lines), text wrapped and hyphenated inside its cell
/// (a word longer than the cell is broken).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Font size, default 9.0.
    pub size: f32,
    /// Shading of the header row.
    pub header_fill: Option<Rgb>,
}

impl Default for Table {
    fn default() -> Self {
        Table {
            columns: Vec::new(),
            rows: Vec::new(),
            size: 9.0,
            header_fill: Some(HEADER_FILL),
        }
    }
}

/// What an element draws: points from the top-left corner of its area, y
/// growing downwards (see `element.rs`).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    /// Text set inside a box from its top: wrapped (and hyphenated) to `w`, lines
    /// 1.2 × `size` apart; lines that do not fit in `h` are dropped and the last
    /// visible line ends with "…". Never outside the box.
    Text {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        text: String,
        size: f32,
        bold: bool,
        italic: bool,
        align: CellAlign,
        color: Rgb,
    },
    /// A closed shape of one or more rings (a comune's islands, a chart's
    /// area), filled with the even-odd rule and/or stroked (colour, width).
    Polygon {
        rings: Vec<Vec<(f32, f32)>>,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
}

/// Lines of one size, each kept as written (wrapped if too long) and
/// aligned, `before` points under what precedes them: a certificate's
/// title, a name, a line of a formula.
#[derive(Debug, Clone, PartialEq)]
pub struct Styled {
    pub lines: Vec<Spans>,
    pub size: f32,
    pub align: CellAlign,
    pub color: Rgb,
    pub before: f32,
    /// Where the lines' measure starts, as a share of the text width: 0
    /// for the whole width, 0.5 for the right half (under a signature).
    pub from: f32,
}

impl Styled {
    /// One line of plain text (bold or not), black, centred.
    pub fn centred(text: &str, size: f32, bold: bool, before: f32) -> Styled {
        Styled {
            lines: vec![span(text, bold)],
            size,
            align: CellAlign::Center,
            color: Rgb::BLACK,
            before,
            from: 0.0,
        }
    }
}

/// The blocks of a document. The first seven are what the templates'
/// markup gives (and what the preview shows: they serialise as
/// `{"type": "heading", …}`); the others are built in code.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A heading; `toc: true` puts it in the table of contents with its page number.
    Heading {
        level: u8,
        spans: Spans,
        #[serde(skip)]
        toc: bool,
    },
    /// A justified paragraph.
    Paragraph {
        spans: Spans,
    },
    /// Lines kept as written (centred or right-aligned blocks).
    Lines {
        align: Align,
        lines: Vec<Spans>,
    },
    List {
        ordered: bool,
        items: Vec<Spans>,
    },
    /// A ruled label/value table (labels bold).
    Table {
        rows: Vec<(Spans, Spans)>,
    },
    /// A signature block; two or more in a row print side by side.
    Signature {
        lines: Vec<Spans>,
    },
    /// A new page; `Some(size)` changes the page size from that page on.
    PageBreak {
        #[serde(skip)]
        size: Option<PageSize>,
    },
    /// Label / value pairs set as a two-column unruled block.
    #[serde(skip)]
    Fields(Vec<(String, Spans)>),
    /// A ruled table with columns (see [`Table`]).
    #[serde(skip)]
    Grid(Table),
    /// Where the table of contents goes: the headings with `toc: true`, dotted leaders,
    /// right-aligned page numbers (the final numbers, counting the contents' own pages).
    #[serde(skip)]
    Toc,
    /// Vertical space in points (dropped at the top of a page).
    #[serde(skip)]
    Space(f32),
    /// Lines of one size and alignment (see [`Styled`]).
    #[serde(skip)]
    Styled(Styled),
    /// Content the domain draws and the composer places (see [`Element`]).
    #[serde(skip)]
    Element(Custom),
    /// The decoration of every page from this one on (see [`Decoration`]).
    #[serde(skip)]
    Decoration(Decoration),
}

impl Block {
    /// A heading of plain text.
    pub fn heading(level: u8, text: impl Into<String>, toc: bool) -> Block {
        Block::Heading {
            level,
            spans: span(&text.into(), true),
            toc,
        }
    }

    pub fn paragraph(spans: Spans) -> Block {
        Block::Paragraph { spans }
    }

    /// A page break; `Some(size)` changes the page size.
    pub fn page_break(size: Option<PageSize>) -> Block {
        Block::PageBreak { size }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The document's title (PDF and DOCX properties).
    pub title: String,
    /// The running header's lines on every page.
    pub header: Vec<String>,
    /// The size of the first page.
    pub size: PageSize,
    pub style: Style,
    pub blocks: Vec<Block>,
}

fn joined(spans: &Spans) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

impl Document {
    /// Rewrites every piece of text (title, header, spans) with `f`.
    pub fn map_text(&mut self, f: impl Fn(&str) -> String) {
        let spans = |v: &mut Spans| {
            for s in v.iter_mut() {
                s.text = f(&s.text);
            }
        };
        self.title = f(&self.title);
        for h in self.header.iter_mut() {
            *h = f(h);
        }
        for block in self.blocks.iter_mut() {
            match block {
                Block::Heading { spans: v, .. } | Block::Paragraph { spans: v } => spans(v),
                Block::Lines { lines, .. }
                | Block::Signature { lines }
                | Block::Styled(Styled { lines, .. }) => lines.iter_mut().for_each(&spans),
                Block::List { items, .. } => items.iter_mut().for_each(&spans),
                Block::Table { rows } => {
                    for (a, b) in rows.iter_mut() {
                        spans(a);
                        spans(b);
                    }
                }
                Block::Fields(pairs) => {
                    for (label, value) in pairs.iter_mut() {
                        *label = f(label);
                        spans(value);
                    }
                }
                Block::Grid(t) => {
                    for c in t.columns.iter_mut() {
                        c.header = f(&c.header);
                    }
                    for r in t.rows.iter_mut() {
                        for c in r.cells.iter_mut() {
                            c.paragraphs.iter_mut().for_each(&spans);
                        }
                    }
                }
                Block::Decoration(d) => {
                    if let Some(t) = d.foot.as_mut() {
                        *t = f(t);
                    }
                }
                // An element's text is the domain's, drawn as given.
                Block::Element(_) | Block::PageBreak { .. } | Block::Toc | Block::Space(_) => {}
            }
        }
    }

    /// Gives every piece of text (title, header, spans) to `f`, in the
    /// order [`Document::map_text`] rewrites them, without copying any.
    pub fn for_each_text(&self, f: &mut dyn FnMut(&str)) {
        let spans = |v: &Spans, f: &mut dyn FnMut(&str)| v.iter().for_each(|s| f(&s.text));
        f(&self.title);
        self.header.iter().for_each(|h| f(h));
        for block in &self.blocks {
            match block {
                Block::Heading { spans: v, .. } | Block::Paragraph { spans: v } => spans(v, f),
                Block::Lines { lines, .. }
                | Block::Signature { lines }
                | Block::Styled(Styled { lines, .. }) => lines.iter().for_each(|v| spans(v, f)),
                Block::List { items, .. } => items.iter().for_each(|v| spans(v, f)),
                Block::Table { rows } => {
                    for (a, b) in rows {
                        spans(a, f);
                        spans(b, f);
                    }
                }
                Block::Fields(pairs) => {
                    for (label, value) in pairs {
                        f(label);
                        spans(value, f);
                    }
                }
                Block::Grid(t) => {
                    t.columns.iter().for_each(|c| f(&c.header));
                    for r in &t.rows {
                        for c in &r.cells {
                            c.paragraphs.iter().for_each(|v| spans(v, f));
                        }
                    }
                }
                Block::Decoration(d) => {
                    if let Some(t) = &d.foot {
                        f(t);
                    }
                }
                Block::Element(_) | Block::PageBreak { .. } | Block::Toc | Block::Space(_) => {}
            }
        }
    }

    /// The plain text of the body, one block per paragraph: what a reader
    /// should get back from the PDF (used by the preview and the tests).
    pub fn plain_text(&self) -> String {
        let mut out = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Heading { spans, .. } | Block::Paragraph { spans } => {
                    out.push(joined(spans))
                }
                Block::Lines { lines, .. }
                | Block::Signature { lines }
                | Block::Styled(Styled { lines, .. }) => out.extend(lines.iter().map(joined)),
                Block::List { ordered, items } => {
                    for (i, item) in items.iter().enumerate() {
                        let mark = if *ordered {
                            format!("{}.", i + 1)
                        } else {
                            "•".into()
                        };
                        out.push(format!("{mark} {}", joined(item)));
                    }
                }
                Block::Table { rows } => {
                    for (label, value) in rows {
                        out.push(format!("{} {}", joined(label), joined(value)));
                    }
                }
                Block::Fields(pairs) => {
                    for (label, value) in pairs {
                        out.push(format!("{label} {}", joined(value)));
                    }
                }
                Block::Grid(t) => {
                    out.push(
                        t.columns
                            .iter()
                            .map(|c| c.header.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                    for r in &t.rows {
                        out.push(
                            r.cells
                                .iter()
                                .flat_map(|c| c.paragraphs.iter().map(joined))
                                .collect::<Vec<_>>()
                                .join(" "),
                        );
                    }
                }
                Block::Element(c) => out.push(
                    Document {
                        blocks: c.0.fallback(),
                        ..Default::default()
                    }
                    .plain_text(),
                ),
                Block::Decoration(d) => out.extend(d.foot.clone()),
                Block::PageBreak { .. } | Block::Toc | Block::Space(_) => {}
            }
        }
        out.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_each_text_gives_what_map_text_rewrites_in_the_same_order() {
        let s = |t: &str| span(t, false);
        let doc = Document {
            title: "titolo".into(),
            header: vec!["intestazione".into()],
            blocks: vec![
                Block::heading(1, "capo", true),
                Block::paragraph(s("paragrafo")),
                Block::Lines {
                    align: Align::Center,
                    lines: vec![s("riga")],
                },
                Block::List {
                    ordered: false,
                    items: vec![s("punto")],
                },
                Block::Table {
                    rows: vec![(s("etichetta"), s("valore"))],
                },
                Block::Signature {
                    lines: vec![s("firma")],
                },
                Block::Fields(vec![("campo".into(), s("dato"))]),
                Block::Grid(Table {
                    columns: vec![Column {
                        header: "colonna".into(),
                        share: 1.0,
                        align: CellAlign::Left,
                    }],
                    rows: vec![Row {
                        cells: vec![Cell::text("cella\nseconda")],
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
                Block::Styled(Styled::centred("stile", 12.0, false, 0.0)),
                Block::Decoration(Decoration {
                    frame: None,
                    inset: 0.0,
                    foot: Some("piede".into()),
                }),
                Block::Space(3.0),
            ],
            ..Default::default()
        };
        let mut seen = Vec::new();
        doc.for_each_text(&mut |t| seen.push(t.to_string()));
        let rewritten = std::cell::RefCell::new(Vec::new());
        doc.clone().map_text(|t| {
            rewritten.borrow_mut().push(t.to_string());
            t.to_string()
        });
        assert_eq!(seen, rewritten.into_inner());
        assert_eq!(seen.len(), 16, "{seen:?}");
    }
}

/// Content laid out by the composer: measured in the width given, drawn in
/// the area given.
pub trait Element: fmt::Debug + Send + Sync {
    /// The height the element takes when set in `width` points with `room`
    /// points left on the page (an element may shrink to fit, or take the
    /// whole room, as a chart scaled to its page does).
    fn height(&self, width: f32, room: f32) -> f32;
    /// The element's shapes in an area `width` × `height`.
    fn draw(&self, width: f32, height: f32) -> Vec<Shape>;
    /// What a DOCX prints instead: blocks of text (Word draws no shapes of ours).
    fn fallback(&self) -> Vec<Block>;
    /// For an element that is a picture (a chart): its description for
    /// whoever cannot see it. A DOCX then gets the drawing as an image
    /// (`picture::png`) before the fallback blocks; other elements give
    /// only their fallback.
    fn alt(&self) -> Option<String> {
        None
    }
    /// The width at which a DOCX shows the picture, in points.
    fn picture_width(&self) -> f32 {
        453.0
    }
}

/// An [`Element`] in a document's blocks.
#[derive(Clone)]
pub struct Custom(pub Arc<dyn Element>);

impl Custom {
    pub fn new(e: impl Element + 'static) -> Custom {
        Custom(Arc::new(e))
    }
}

impl fmt::Debug for Custom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialEq for Custom {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What is drawn on every page from the one where the decoration starts,
/// inside the running header and footer.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoration {
    /// A double rule round the content area (2 pt outside, 0.5 pt inside), in this colour.
    pub frame: Option<Rgb>,
    /// The space between the frame and the content, on every side.
    pub inset: f32,
    /// A small text centred at the foot of every page, above the frame's
    /// lower edge (a register's line), with a rule over it.
    pub foot: Option<String>,
}
