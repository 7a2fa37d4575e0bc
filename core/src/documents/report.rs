//! The report engine: programmatic documents built in Rust by a domain module
//! (headings, justified paragraphs, label/value blocks, ruled tables with
//! repeated headers, a table of contents with final page numbers, pages of
//! mixed sizes, free drawings), typeset with the fonts, line breaking and
//! hyphenation of the acts (`layout.rs`) and written by the same PDF/A-2b
//! writer (`pdf.rs`) and DOCX packager (`docx.rs`). It knows nothing of the
//! domains that use it.

use docx_rs::{
    AlignmentType, BorderType, Docx, PageMargin, PageOrientationType, Paragraph, Run, Shading,
    TableBorder, TableBorderPosition, TableBorders, TableCell, TableRow, WidthType,
};

use super::fonts::{fonts, Face, Fonts};
pub use super::layout::Rgb;
use super::layout::{
    break_lines, break_lines_with, footer, running_header, words, Draw, Hyphenate, Line, Page,
    TextLine, MAX_SPACE_EXTRA,
};
pub use super::markup::Span;
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSize {
    A4Portrait,
    A4Landscape,
    A3Portrait,
    A3Landscape,
}

const A4_SHORT: f32 = 595.276;
const A4_LONG: f32 = 841.89;
const A3_LONG: f32 = 1190.551;

/// The band the running header takes under the top margin (up to three lines).
const HEADER_BAND: f32 = 46.0;
/// The most header lines printed; more are joined into the last.
const HEADER_LINES: usize = 3;
/// How far under the content area the footer's baseline is.
const FOOTER_DROP: f32 = 26.0;

impl PageSize {
    /// Page width and height in points.
    pub fn points(self) -> (f32, f32) {
        match self {
            PageSize::A4Portrait => (A4_SHORT, A4_LONG),
            PageSize::A4Landscape => (A4_LONG, A4_SHORT),
            PageSize::A3Portrait => (A4_LONG, A3_LONG),
            PageSize::A3Landscape => (A3_LONG, A4_LONG),
        }
    }

    /// Margins (left, right, top, bottom) in points: wider on the larger pages.
    pub fn margins(self) -> (f32, f32, f32, f32) {
        match self {
            PageSize::A4Portrait => (56.69, 56.69, 34.0, 56.0),
            PageSize::A4Landscape => (48.0, 48.0, 28.0, 48.0),
            PageSize::A3Portrait => (62.0, 62.0, 40.0, 60.0),
            PageSize::A3Landscape => (56.69, 56.69, 34.0, 56.0),
        }
    }

    /// Width and height of the content area (inside margins, running header and footer)
    /// in points: the space a `Drawing` may use.
    pub fn content(self) -> (f32, f32) {
        let (w, h) = self.points();
        let (l, r, t, b) = self.margins();
        (w - l - r, h - t - HEADER_BAND - b)
    }

    fn is_landscape(self) -> bool {
        matches!(self, PageSize::A4Landscape | PageSize::A3Landscape)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CellAlign {
    #[default]
    Left,
    Center,
    Right,
}

/// A table column: its header, its relative width, the alignment of its cells.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    pub share: f32,
    pub align: CellAlign,
}

/// A table cell: one or more paragraphs, wrapped and hyphenated.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub paragraphs: Vec<Vec<Span>>,
}

fn span(text: &str, bold: bool) -> Vec<Span> {
    vec![Span {
        text: text.to_string(),
        bold,
        italic: false,
    }]
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

    pub fn spans(spans: Vec<Span>) -> Cell {
        Cell {
            paragraphs: vec![spans],
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Row {
    /// One per column.
    pub cells: Vec<Cell>,
    /// Cell shading for the whole row.
    pub fill: Option<Rgb>,
    /// A group heading row: its first cell spans all columns, bold, shaded.
    pub group: bool,
}

/// A ruled table: every cell boxed, the header row repeated at the top of every
/// page the table continues on, rows kept whole unless one alone is taller than a
/// page (then split between lines), text wrapped and hyphenated inside its cell
/// (a word longer than the cell is broken).
#[derive(Debug, Clone)]
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

#[derive(Debug, Clone)]
pub enum Item {
    /// A heading; `toc: true` puts it in the table of contents with its page number.
    Heading {
        level: u8,
        text: String,
        toc: bool,
    },
    /// A justified paragraph.
    Paragraph(Vec<Span>),
    /// Label / value pairs set as a two-column unruled block.
    Fields(Vec<(String, Vec<Span>)>),
    Table(Table),
    /// Where the table of contents goes: the headings with `toc: true`, dotted leaders,
    /// right-aligned page numbers (the final numbers, counting the contents' own pages).
    Toc,
    /// A new page; `Some(size)` changes the page size from that page on.
    PageBreak(Option<PageSize>),
    /// Vertical space in points (dropped at the top of a page).
    Space(f32),
    /// A whole page drawn freely, with the running header and footer like every
    /// page. Coordinates in points from the top-left corner of the content area
    /// (`size.content()`), y growing downwards.
    Drawing(Drawing),
}

#[derive(Debug, Clone)]
pub struct Drawing {
    pub size: PageSize,
    pub shapes: Vec<Shape>,
}

#[derive(Debug, Clone)]
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
}

#[derive(Debug, Clone)]
pub struct Report {
    /// PDF/DOCX title.
    pub title: String,
    /// Running header lines on every page (at most three are printed apart).
    pub header: Vec<String>,
    /// Size of the first page.
    pub size: PageSize,
    pub items: Vec<Item>,
}

// ---------------------------------------------------------------------------
// Measures

const BODY: f32 = 10.5;
const BODY_LEADING: f32 = 14.0;
const PARA_GAP: f32 = 5.0;
const FIELD_GAP: f32 = 2.0;
const TABLE_GAP: f32 = 8.0;
const PAD_X: f32 = 4.0;
const PAD_TOP: f32 = 3.0;
const PAD_BOTTOM: f32 = 3.0;
/// Line height in a table cell, as a multiple of the font size.
const CELL_LEADING: f32 = 1.25;
/// Line height of a drawing's text, as a multiple of the font size.
pub const TEXT_LEADING: f32 = 1.2;
const ASCENT: f32 = 0.9;
const DESCENT: f32 = 0.22;
const RULE: Rgb = Rgb(89, 89, 89);
const RULE_WIDTH: f32 = 0.5;
const HEADER_FILL: Rgb = Rgb(217, 226, 236);
const GROUP_FILL: Rgb = Rgb(237, 237, 237);
const TOC_INDENT: f32 = 16.0;
const TOC_NUMBER_ROOM: f32 = 36.0;
const ELLIPSIS: &str = "…";

/// Width in points of `text` in the body font (regular or bold) at `size`.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    fonts().width(Face::new(bold, false), text, size)
}

/// The printed width of a typeset line (its runs, faces and justification).
pub fn line_width(line: &TextLine) -> f32 {
    let f = fonts();
    line.runs
        .iter()
        .map(|(face, text)| {
            f.width(*face, text, line.size) + line.space_extra * text.matches(' ').count() as f32
        })
        .sum()
}

/// How many lines of text at `size` fit in a box `h` points tall (see `Shape::Text`).
pub fn lines_fitting(h: f32, size: f32) -> usize {
    let first = (ASCENT + DESCENT + 0.05) * size;
    if h < first || size <= 0.0 {
        0
    } else {
        ((h - first) / (TEXT_LEADING * size)).floor() as usize + 1
    }
}

fn line_text(line: &Line) -> String {
    line.runs.iter().map(|(_, t)| t.as_str()).collect()
}

fn fit_face(
    text: &str,
    width: f32,
    size: f32,
    face: Face,
    max_lines: usize,
) -> (Vec<String>, bool) {
    let f = fonts();
    let spans = span(text, face.is_bold());
    let spans = vec![Span {
        italic: face.is_italic(),
        ..spans[0].clone()
    }];
    let mut lines: Vec<String> = break_lines_with(
        &words(&spans, size, face, f),
        width,
        size,
        f,
        Hyphenate::LowerCase,
    )
    .iter()
    .map(line_text)
    .collect();
    if lines.len() <= max_lines {
        return (lines, false);
    }
    lines.truncate(max_lines);
    if let Some(last) = lines.last_mut() {
        let ellipsis = f.width(face, ELLIPSIS, size);
        let mut s = last.trim_end_matches('-').trim_end().to_string();
        let mut cut = false;
        while !s.is_empty() && f.width(face, &s, size) + ellipsis > width + 0.01 {
            s.pop();
            s = s.trim_end().to_string();
            cut = true;
        }
        // A word cut in the middle goes whole, if the line keeps half its length.
        if cut {
            if let Some(space) = s.rfind(' ') {
                if space * 2 >= s.len() {
                    s.truncate(space);
                    s = s.trim_end_matches([',', ';', ':', ' ']).to_string();
                }
            }
        }
        s.push_str(ELLIPSIS);
        *last = s;
    }
    (lines, true)
}

/// Lines of `text` wrapped (and hyphenated) to `width`; (lines, truncated) when at
/// most `max_lines` fit: then the last line ends with "…".
pub fn fit_text(
    text: &str,
    width: f32,
    size: f32,
    bold: bool,
    max_lines: usize,
) -> (Vec<String>, bool) {
    fit_face(text, width, size, Face::new(bold, false), max_lines)
}

// ---------------------------------------------------------------------------
// Typesetting

/// A cell ready to draw: its box across the row and its lines.
struct CellBox {
    x: f32,
    w: f32,
    lines: Vec<Line>,
    align: CellAlign,
}

/// A row ready to draw.
struct Prepared {
    cells: Vec<CellBox>,
    fill: Option<Rgb>,
    lines: usize,
    /// A group heading row: kept on the page of the row after it.
    group: bool,
}

/// Where a table-of-contents entry waits for its page number.
struct TocSlot {
    page: usize,
    baseline: f32,
    x_end: f32,
    entry: usize,
}

struct Composer {
    f: &'static Fonts,
    header: Vec<String>,
    pages: Vec<Page>,
    /// The size of the flowing pages.
    size: PageSize,
    /// The size of the last page (a drawing may differ from the flow).
    page_size: PageSize,
    y: f32,
    top: f32,
    bottom: f32,
    left: f32,
    width: f32,
    /// Nothing but the running header is on the last page yet.
    empty: bool,
    /// The last page is a drawing: what follows starts a new page.
    closed: bool,
    toc_entries: Vec<(u8, String)>,
    toc_pages: Vec<usize>,
    toc_slots: Vec<TocSlot>,
    /// Before a heading: the height of the start of the item after it.
    keep_next: f32,
}

impl Composer {
    fn new(r: &Report) -> Self {
        let mut header: Vec<String> = r.header.iter().take(HEADER_LINES).cloned().collect();
        if r.header.len() > HEADER_LINES {
            header[HEADER_LINES - 1] = r.header[HEADER_LINES - 1..].join(" – ");
        }
        let toc_entries = r
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Heading {
                    level,
                    text,
                    toc: true,
                } => Some((*level, text.clone())),
                _ => None,
            })
            .collect();
        let mut c = Composer {
            f: fonts(),
            header,
            pages: Vec::new(),
            size: r.size,
            page_size: r.size,
            y: 0.0,
            top: 0.0,
            bottom: 0.0,
            left: 0.0,
            width: 0.0,
            empty: true,
            closed: false,
            toc_entries,
            toc_pages: Vec::new(),
            toc_slots: Vec::new(),
            keep_next: 0.0,
        };
        c.new_page(r.size);
        c
    }

    fn geometry(&mut self, size: PageSize) {
        let (w, h) = size.points();
        let (l, r, t, b) = size.margins();
        self.left = l;
        self.width = w - l - r;
        self.top = h - t - HEADER_BAND;
        self.bottom = b;
        self.page_size = size;
    }

    fn new_page(&mut self, size: PageSize) {
        self.geometry(size);
        let (w, h) = size.points();
        let (_, _, t, _) = size.margins();
        self.pages.push(Page {
            draws: running_header(self.f, &self.header, self.left, self.width, h - t),
            width: w,
            height: h,
        });
        self.y = self.top;
        self.empty = true;
        self.closed = false;
    }

    /// A page of `size` for what comes: the last one if still empty, else a new one.
    fn page_of(&mut self, size: PageSize) {
        if self.empty && !self.closed {
            if self.page_size != size {
                self.pages.pop();
                self.new_page(size);
            }
        } else {
            self.new_page(size);
        }
    }

    /// Before flowing content: leave a drawing's page.
    fn open(&mut self) {
        if self.closed {
            self.new_page(self.size);
        }
    }

    fn at_top(&self) -> bool {
        (self.y - self.top).abs() < 0.01
    }

    fn room(&self) -> f32 {
        self.y - self.bottom
    }

    fn gap(&mut self, points: f32) {
        if !self.at_top() {
            self.y -= points;
        }
    }

    fn ensure(&mut self, height: f32) {
        if self.room() < height - 0.01 && !self.at_top() {
            self.new_page(self.size);
        }
    }

    fn draw(&mut self, d: Draw) {
        self.empty = false;
        if let Some(page) = self.pages.last_mut() {
            page.draws.push(d);
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, runs: Vec<(Face, String)>, extra: f32) {
        self.draw(Draw::Text(TextLine {
            x,
            y,
            size,
            runs,
            space_extra: extra,
            color: Rgb::BLACK,
        }));
    }

    /// One line of running text in a `leading` tall slot under the cursor.
    fn flow_line(&mut self, line: &Line, x: f32, max: f32, justify: bool, size: f32, leading: f32) {
        if self.room() < leading - 0.01 {
            self.new_page(self.size);
        }
        let extra = if justify && line.spaces > 0 {
            let e = ((max - line.width) / line.spaces as f32).max(0.0);
            if e > MAX_SPACE_EXTRA {
                0.0
            } else {
                e
            }
        } else {
            0.0
        };
        self.y -= leading;
        // The glyphs' box centred in the slot.
        let baseline = self.y + (leading - (ASCENT + DESCENT) * size) / 2.0 + DESCENT * size;
        self.text(x, baseline, size, line.runs.clone(), extra);
    }

    fn item(&mut self, item: &Item) {
        let f = self.f;
        match item {
            Item::Heading { level, text, toc } => {
                self.open();
                let (size, before, after) = match level {
                    0 | 1 => (15.0, 16.0, 8.0),
                    2 => (12.5, 12.0, 5.0),
                    _ => (11.0, 9.0, 3.0),
                };
                let face = if *level >= 3 {
                    Face::BoldItalic
                } else {
                    Face::Bold
                };
                let lines = break_lines(
                    &words(&span(text, true), size, face, f),
                    self.width,
                    size,
                    f,
                    false,
                );
                let leading = size * 1.3;
                self.gap(before);
                // Kept with the start of what follows (three lines of text,
                // a table's header and first rows), when that fits on a page.
                let own = lines.len() as f32 * leading + after;
                let next = self.keep_next.max(3.0 * BODY_LEADING);
                let page_h = self.top - self.bottom;
                self.ensure(if own + next <= page_h {
                    own + next
                } else {
                    own + 3.0 * BODY_LEADING
                });
                if *toc {
                    self.toc_pages.push(self.pages.len() - 1);
                }
                for line in &lines {
                    self.flow_line(line, self.left, self.width, false, size, leading);
                }
                if *level <= 1 {
                    let y = self.y - 2.0;
                    self.draw(Draw::Line {
                        x1: self.left,
                        y1: y,
                        x2: self.left + self.width,
                        y2: y,
                        width: 0.6,
                        color: RULE,
                    });
                }
                self.y -= after;
            }
            Item::Paragraph(spans) => {
                self.open();
                let lines = break_lines(
                    &words(spans, BODY, Face::Regular, f),
                    self.width,
                    BODY,
                    f,
                    true,
                );
                self.gap(PARA_GAP);
                // No line alone at the foot of a page.
                self.ensure(lines.len().min(2) as f32 * BODY_LEADING);
                let n = lines.len();
                for (i, line) in lines.iter().enumerate() {
                    self.flow_line(line, self.left, self.width, i + 1 < n, BODY, BODY_LEADING);
                }
            }
            Item::Fields(pairs) => {
                self.open();
                self.fields(pairs);
            }
            Item::Table(t) => {
                self.open();
                self.table(t);
            }
            Item::Toc => {
                self.open();
                self.toc();
            }
            Item::PageBreak(size) => {
                if let Some(s) = size {
                    self.size = *s;
                }
                let size = self.size;
                self.page_of(size);
            }
            Item::Space(points) => {
                if !self.at_top() && !self.closed {
                    if self.room() <= *points {
                        self.new_page(self.size);
                    } else {
                        self.y -= points;
                    }
                }
            }
            Item::Drawing(d) => {
                self.page_of(d.size);
                self.drawing(d);
                self.empty = false;
                self.closed = true;
            }
        }
    }

    /// The height of the start of `item` that a heading before it must not
    /// be parted from: two lines of a paragraph or a field, a table's header
    /// with its first two rows, a heading with what it keeps.
    fn start_height(&self, item: &Item) -> f32 {
        match item {
            Item::Paragraph(_) | Item::Fields(_) => PARA_GAP + 2.0 * BODY_LEADING,
            Item::Heading { .. } => 2.0 * 15.0 * 1.3 + 3.0 * BODY_LEADING,
            Item::Table(t) => {
                if t.columns.is_empty() {
                    return 0.0;
                }
                let size = if t.size > 0.0 { t.size } else { 9.0 };
                let leading = size * CELL_LEADING;
                let widths = self.column_widths(t);
                let lines_of = |cells: Vec<(Vec<Vec<Span>>, f32, Face)>| {
                    cells
                        .iter()
                        .map(|(p, w, face)| self.cell_lines(p, *w, *face, size).len())
                        .max()
                        .unwrap_or(1)
                        .clamp(1, 3)
                };
                let height = |lines: usize| lines as f32 * leading + PAD_TOP + PAD_BOTTOM;
                let header = lines_of(
                    t.columns
                        .iter()
                        .zip(&widths)
                        .map(|(c, w)| (vec![span(&c.header, true)], *w, Face::Bold))
                        .collect(),
                );
                let rows: f32 = t
                    .rows
                    .iter()
                    .take(2)
                    .map(|r| {
                        height(lines_of(
                            r.cells
                                .iter()
                                .zip(&widths)
                                .map(|(c, w)| (c.paragraphs.clone(), *w, Face::Regular))
                                .collect(),
                        ))
                    })
                    .sum();
                TABLE_GAP + height(header) + rows
            }
            _ => 0.0,
        }
    }

    /// The width of each column of `t` on the current page.
    fn column_widths(&self, t: &Table) -> Vec<f32> {
        let total: f32 = t.columns.iter().map(|c| c.share.max(0.0)).sum();
        let n = t.columns.len();
        t.columns
            .iter()
            .map(|c| {
                if total > 0.0 {
                    self.width * c.share.max(0.0) / total
                } else {
                    self.width / n as f32
                }
            })
            .collect()
    }

    fn fields(&mut self, pairs: &[(String, Vec<Span>)]) {
        let f = self.f;
        let widest = pairs
            .iter()
            .map(|(l, _)| f.width(Face::Bold, l, BODY))
            .fold(0.0, f32::max);
        let label_w = (widest + 12.0).clamp(60.0, self.width * 0.4);
        let value_x = self.left + label_w;
        let value_w = self.width - label_w;
        self.gap(PARA_GAP);
        for (label, value) in pairs {
            let l = break_lines(
                &words(&span(label, true), BODY, Face::Bold, f),
                label_w - 8.0,
                BODY,
                f,
                false,
            );
            let v = break_lines_with(
                &words(value, BODY, Face::Regular, f),
                value_w,
                BODY,
                f,
                Hyphenate::LowerCase,
            );
            let n = l.len().max(v.len()).max(1);
            self.ensure(n as f32 * BODY_LEADING);
            let top = self.y;
            for line in &l {
                self.flow_line(line, self.left, label_w, false, BODY, BODY_LEADING);
            }
            let after_label = self.y;
            self.y = top;
            for line in &v {
                self.flow_line(line, value_x, value_w, false, BODY, BODY_LEADING);
            }
            self.y = self.y.min(after_label) - FIELD_GAP;
        }
    }

    fn cell_lines(&self, paragraphs: &[Vec<Span>], w: f32, face: Face, size: f32) -> Vec<Line> {
        let inner = (w - 2.0 * PAD_X).max(1.0);
        paragraphs
            .iter()
            .flat_map(|p| {
                if p.iter().all(|s| s.text.trim().is_empty()) {
                    vec![Line::default()]
                } else {
                    break_lines_with(
                        &words(p, size, face, self.f),
                        inner,
                        size,
                        self.f,
                        Hyphenate::LowerCase,
                    )
                }
            })
            .collect()
    }

    fn table(&mut self, t: &Table) {
        if t.columns.is_empty() {
            return;
        }
        let size = if t.size > 0.0 { t.size } else { 9.0 };
        let leading = size * CELL_LEADING;
        let n = t.columns.len();
        let widths = self.column_widths(t);
        let mut xs = Vec::with_capacity(n);
        let mut x = self.left;
        for w in &widths {
            xs.push(x);
            x += w;
        }
        let header = Prepared {
            cells: t
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| CellBox {
                    x: xs[i],
                    w: widths[i],
                    lines: self.cell_lines(&[span(&c.header, true)], widths[i], Face::Bold, size),
                    align: c.align,
                })
                .collect(),
            fill: t.header_fill,
            lines: 0,
            group: false,
        };
        let header = Prepared {
            lines: header
                .cells
                .iter()
                .map(|c| c.lines.len())
                .max()
                .unwrap_or(1)
                .max(1),
            ..header
        };
        let rows: Vec<Prepared> = t
            .rows
            .iter()
            .map(|row| {
                let cells: Vec<CellBox> = if row.group {
                    let empty = Cell::default();
                    let cell = row.cells.first().unwrap_or(&empty);
                    vec![CellBox {
                        x: self.left,
                        w: self.width,
                        lines: self.cell_lines(&cell.paragraphs, self.width, Face::Bold, size),
                        align: CellAlign::Left,
                    }]
                } else {
                    (0..n)
                        .map(|i| CellBox {
                            x: xs[i],
                            w: widths[i],
                            lines: row
                                .cells
                                .get(i)
                                .map(|c| {
                                    self.cell_lines(&c.paragraphs, widths[i], Face::Regular, size)
                                })
                                .unwrap_or_default(),
                            align: t.columns[i].align,
                        })
                        .collect()
                };
                let lines = cells
                    .iter()
                    .map(|c| c.lines.len())
                    .max()
                    .unwrap_or(1)
                    .max(1);
                Prepared {
                    cells,
                    fill: if row.group {
                        Some(row.fill.unwrap_or(GROUP_FILL))
                    } else {
                        row.fill
                    },
                    lines,
                    group: row.group,
                }
            })
            .collect();
        let height = |lines: usize| lines as f32 * leading + PAD_TOP + PAD_BOTTOM;
        let header_h = height(header.lines);
        self.gap(TABLE_GAP);
        // The header row never stands alone: it starts a page with the first
        // two rows (up to three lines of each).
        let start: f32 = rows
            .iter()
            .take(2)
            .map(|r| height(r.lines).min(height(3)))
            .sum();
        self.ensure(header_h + start);
        self.row(&header, 0, header.lines, size);
        let page_h = self.top - self.bottom;
        for (i, row) in rows.iter().enumerate() {
            let h = height(row.lines);
            // A group heading row goes with (the start of) the row after it.
            let with_next = match rows.get(i + 1) {
                Some(next) if row.group => h + height(next.lines).min(height(3)),
                _ => h,
            };
            if with_next > self.room() + 0.01
                && with_next <= page_h - header_h + 0.01
                && h <= self.room() + 0.01
            {
                self.new_page(self.size);
                self.row(&header, 0, header.lines, size);
                self.row(row, 0, row.lines, size);
                continue;
            }
            if h <= self.room() + 0.01 {
                self.row(row, 0, row.lines, size);
                continue;
            }
            if h <= page_h - header_h + 0.01 {
                self.new_page(self.size);
                self.row(&header, 0, header.lines, size);
                self.row(row, 0, row.lines, size);
                continue;
            }
            // A row taller than a page: split between its lines.
            let mut from = 0;
            while from < row.lines {
                let fit = ((self.room() - PAD_TOP - PAD_BOTTOM) / leading).floor();
                let fit = if fit < 1.0 { 0 } else { fit as usize };
                if fit == 0 {
                    self.new_page(self.size);
                    self.row(&header, 0, header.lines, size);
                    continue;
                }
                let count = fit.min(row.lines - from);
                self.row(row, from, count, size);
                from += count;
                if from < row.lines {
                    self.new_page(self.size);
                    self.row(&header, 0, header.lines, size);
                }
            }
        }
        self.y -= TABLE_GAP / 2.0;
    }

    /// Lines `from..from + count` of a row, boxed, at the cursor.
    fn row(&mut self, row: &Prepared, from: usize, count: usize, size: f32) {
        let leading = size * CELL_LEADING;
        let h = count as f32 * leading + PAD_TOP + PAD_BOTTOM;
        let top = self.y;
        if let Some(fill) = row.fill {
            for c in &row.cells {
                self.draw(Draw::Rect {
                    x: c.x,
                    y: top - h,
                    w: c.w,
                    h,
                    fill: Some(fill),
                    stroke: None,
                });
            }
        }
        for c in &row.cells {
            for (j, line) in c.lines.iter().skip(from).take(count).enumerate() {
                if line.runs.is_empty() {
                    continue;
                }
                let inner = c.w - 2.0 * PAD_X;
                let x = match c.align {
                    CellAlign::Left => c.x + PAD_X,
                    CellAlign::Center => c.x + PAD_X + ((inner - line.width) / 2.0).max(0.0),
                    CellAlign::Right => c.x + PAD_X + (inner - line.width).max(0.0),
                };
                let baseline = top
                    - PAD_TOP
                    - j as f32 * leading
                    - ASCENT * size
                    - (leading - (ASCENT + DESCENT) * size) / 2.0;
                self.text(x, baseline, size, line.runs.clone(), 0.0);
            }
        }
        for c in &row.cells {
            self.draw(Draw::Rect {
                x: c.x,
                y: top - h,
                w: c.w,
                h,
                fill: None,
                stroke: Some((RULE, RULE_WIDTH)),
            });
        }
        self.y = top - h;
    }

    fn toc(&mut self) {
        let f = self.f;
        let entries = self.toc_entries.clone();
        self.gap(PARA_GAP);
        for (i, (level, text)) in entries.iter().enumerate() {
            let indent = TOC_INDENT * f32::from(level.saturating_sub(1).min(3));
            let face = if *level <= 1 {
                Face::Bold
            } else {
                Face::Regular
            };
            // An entry led by its code («M-G-03 · Codice di comportamento»)
            // hangs: its wrapped lines start under the title, not the code.
            let hang = toc_code(text).map_or(0.0, |code| f.width(face, code, BODY));
            let lines = break_lines(
                &words(&span(text, face.is_bold()), BODY, face, f),
                self.width - indent - hang - TOC_NUMBER_ROOM,
                BODY,
                f,
                false,
            );
            if *level <= 1 && i > 0 {
                self.gap(4.0);
            }
            self.ensure(lines.len() as f32 * BODY_LEADING);
            let x = self.left + indent;
            for (j, line) in lines.iter().enumerate() {
                let at = if j == 0 { x } else { x + hang };
                self.flow_line(line, at, self.width, false, BODY, BODY_LEADING);
            }
            if let (Some(Draw::Text(t)), Some(line)) =
                (self.pages.last().and_then(|p| p.draws.last()), lines.last())
            {
                let slot = TocSlot {
                    page: self.pages.len() - 1,
                    baseline: t.y,
                    x_end: t.x + line.width,
                    entry: i,
                };
                self.toc_slots.push(slot);
            }
        }
    }

    fn drawing(&mut self, d: &Drawing) {
        let (left, top) = (self.left, self.top);
        for shape in &d.shapes {
            match shape {
                Shape::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                } => self.draw(Draw::Rect {
                    x: left + x,
                    y: top - y - h,
                    w: *w,
                    h: *h,
                    fill: *fill,
                    stroke: *stroke,
                }),
                Shape::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    color,
                } => self.draw(Draw::Line {
                    x1: left + x1,
                    y1: top - y1,
                    x2: left + x2,
                    y2: top - y2,
                    width: *width,
                    color: *color,
                }),
                Shape::Text {
                    x,
                    y,
                    w,
                    h,
                    text,
                    size,
                    bold,
                    italic,
                    align,
                    color,
                } => {
                    let face = Face::new(*bold, *italic);
                    let (lines, _) = fit_face(text, *w, *size, face, lines_fitting(*h, *size));
                    for (i, line) in lines.into_iter().enumerate() {
                        let lw = self.f.width(face, &line, *size);
                        let dx = match align {
                            CellAlign::Left => 0.0,
                            CellAlign::Center => ((w - lw) / 2.0).max(0.0),
                            CellAlign::Right => (w - lw).max(0.0),
                        };
                        let baseline =
                            top - y - i as f32 * TEXT_LEADING * size - (ASCENT + 0.03) * size;
                        self.draw(Draw::Text(TextLine {
                            x: left + x + dx,
                            y: baseline,
                            size: *size,
                            runs: vec![(face, line)],
                            space_extra: 0.0,
                            color: *color,
                        }));
                    }
                }
            }
        }
    }

    fn finish(mut self) -> Vec<Page> {
        let f = self.f;
        // Table of contents: the page numbers, now final, and dotted leaders.
        let dot_step = f.width(Face::Regular, ". ", BODY);
        for slot in &self.toc_slots {
            let Some(&page_index) = self.toc_pages.get(slot.entry) else {
                continue;
            };
            let page = &mut self.pages[slot.page];
            let (l, r, _, _) = size_of(page).margins();
            let right = page.width - r;
            let number = (page_index + 1).to_string();
            let face = if self.toc_entries[slot.entry].0 <= 1 {
                Face::Bold
            } else {
                Face::Regular
            };
            let nw = f.width(face, &number, BODY);
            page.draws.push(Draw::Text(TextLine {
                x: right - nw,
                y: slot.baseline,
                size: BODY,
                runs: vec![(face, number)],
                space_extra: 0.0,
                color: Rgb::BLACK,
            }));
            // Dots on a grid, so that the leaders line up from entry to entry.
            let start = l + ((slot.x_end + 4.0 - l) / dot_step).ceil() * dot_step;
            let end = right - nw - 4.0;
            let count = ((end - start) / dot_step).floor();
            if count >= 2.0 {
                let dots = ". ".repeat(count as usize);
                page.draws.push(Draw::Text(TextLine {
                    x: start,
                    y: slot.baseline,
                    size: BODY,
                    runs: vec![(Face::Regular, dots.trim_end().to_string())],
                    space_extra: 0.0,
                    color: Rgb::BLACK,
                }));
            }
        }
        let total = self.pages.len();
        // A single sheet (an attestato, a chart) needs no «Pagina 1 di 1».
        if total == 1 {
            return self.pages;
        }
        for (i, page) in self.pages.iter_mut().enumerate() {
            let size = size_of(page);
            let (l, r, _, b) = size.margins();
            page.draws.push(footer(
                f,
                i + 1,
                total,
                l,
                page.width - l - r,
                b - FOOTER_DROP,
            ));
        }
        self.pages
    }
}

/// The code that leads a table-of-contents entry, with its separator
/// («M-G-03 · », «A03 – », «1. »), if the entry has one: at most 16
/// characters without spaces before « · », « – » or a dotted number.
fn toc_code(text: &str) -> Option<&str> {
    for sep in [" · ", " – "] {
        if let Some(i) = text.find(sep) {
            let code = &text[..i];
            if !code.is_empty() && code.chars().count() <= 16 && !code.contains(' ') {
                return Some(&text[..i + sep.len()]);
            }
        }
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && text[digits..].starts_with(". ") {
        return Some(&text[..digits + 2]);
    }
    None
}

/// The size a page was made at.
fn size_of(page: &Page) -> PageSize {
    [
        PageSize::A4Portrait,
        PageSize::A4Landscape,
        PageSize::A3Portrait,
        PageSize::A3Landscape,
    ]
    .into_iter()
    .find(|s| s.points() == (page.width, page.height))
    .unwrap_or(PageSize::A4Portrait)
}

/// Typesets into pages (each `layout::Page` knows its own size), footer
/// "Pagina X di Y" on every page of a report longer than one page.
pub fn layout_report(r: &Report) -> Vec<Page> {
    compose(r).finish()
}

fn compose(r: &Report) -> Composer {
    let mut c = Composer::new(r);
    for (i, item) in r.items.iter().enumerate() {
        c.keep_next = match (item, r.items.get(i + 1)) {
            (Item::Heading { .. }, Some(next)) => c.start_height(next),
            _ => 0.0,
        };
        c.item(item);
    }
    c
}

/// PDF/A-2b (same writer, metadata and fonts as the acts; pages of mixed sizes).
pub fn report_pdf(r: &Report, meta: &super::pdf::Metadata) -> Result<Vec<u8>> {
    super::pdf::write_pdf(&layout_report(r), meta)
}

// ---------------------------------------------------------------------------
// DOCX

const TWIPS: f32 = 20.0;
/// Where the marked paragraphs are replaced by XML docx-rs cannot write.
const MARK: &str = "@@CDP-REPORT-";
/// The header row's height, a mark replaced by `w:tblHeader`.
const HEADER_ROW_MARK: &str = r#"<w:trHeight w:val="1" w:hRule="atLeast" />"#;

fn hex(c: Rgb) -> String {
    format!("{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn twips(points: f32) -> i32 {
    (points * TWIPS).round() as i32
}

fn docx_margin(size: PageSize) -> PageMargin {
    let (l, r, t, b) = size.margins();
    PageMargin::new()
        .top(twips(t + HEADER_BAND))
        .bottom(twips(b))
        .left(twips(l))
        .right(twips(r))
        .header(twips(t))
        .footer(twips(b - FOOTER_DROP - 8.0))
}

/// The section properties of a section of `size`, with the header and footer references.
fn sect_pr(size: PageSize, refs: &str) -> String {
    let (w, h) = size.points();
    let (l, r, t, b) = size.margins();
    let orient = if size.is_landscape() {
        r#" w:orient="landscape""#
    } else {
        ""
    };
    format!(
        r#"<w:sectPr>{refs}<w:pgSz w:w="{}" w:h="{}"{orient} /><w:pgMar w:top="{}" w:right="{}" w:bottom="{}" w:left="{}" w:header="{}" w:footer="{}" w:gutter="0" /></w:sectPr>"#,
        twips(w),
        twips(h),
        twips(t + HEADER_BAND),
        twips(r),
        twips(b),
        twips(l),
        twips(t),
        twips(b - FOOTER_DROP - 8.0),
    )
}

fn align(a: CellAlign) -> AlignmentType {
    match a {
        CellAlign::Left => AlignmentType::Left,
        CellAlign::Center => AlignmentType::Center,
        CellAlign::Right => AlignmentType::Right,
    }
}

fn docx_borders() -> TableBorders {
    let mut borders = TableBorders::new();
    for pos in [
        TableBorderPosition::Top,
        TableBorderPosition::Bottom,
        TableBorderPosition::Left,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ] {
        borders = borders.set(
            TableBorder::new(pos)
                .border_type(BorderType::Single)
                .size(4)
                .color(hex(RULE)),
        );
    }
    borders
}

fn cell_paragraphs(
    mut cell: TableCell,
    paragraphs: &[Vec<Span>],
    a: CellAlign,
    bold: bool,
    size: f32,
) -> TableCell {
    let half_points = (size * 2.0).round() as usize;
    let paragraphs: &[Vec<Span>] = if paragraphs.is_empty() {
        &[vec![]]
    } else {
        paragraphs
    };
    for p in paragraphs {
        let para = p.iter().fold(
            Paragraph::new()
                .align(align(a))
                .line_spacing(super::docx::spacing(0, 0).line(twips(size * CELL_LEADING))),
            |para, s| {
                let mut run = Run::new().add_text(&s.text).size(half_points);
                if s.bold || bold {
                    run = run.bold();
                }
                if s.italic {
                    run = run.italic();
                }
                para.add_run(run)
            },
        );
        cell = cell.add_paragraph(para);
    }
    cell
}

fn docx_table(t: &Table, text_width: f32) -> docx_rs::Table {
    let n = t.columns.len().max(1);
    let total: f32 = t.columns.iter().map(|c| c.share.max(0.0)).sum();
    let grid: Vec<usize> = t
        .columns
        .iter()
        .map(|c| {
            let share = if total > 0.0 {
                c.share.max(0.0) / total
            } else {
                1.0 / n as f32
            };
            twips(text_width * share).max(1) as usize
        })
        .collect();
    let size = if t.size > 0.0 { t.size } else { 9.0 };
    let shade = |c: TableCell, fill: Option<Rgb>| match fill {
        Some(f) => c.shading(Shading::new().fill(hex(f))),
        None => c,
    };
    let header = TableRow::new(
        t.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let cell = TableCell::new().width(grid[i], WidthType::Dxa);
                shade(
                    cell_paragraphs(cell, &[span(&c.header, true)], c.align, true, size),
                    t.header_fill,
                )
            })
            .collect(),
    )
    .cant_split()
    .row_height(1.0)
    .height_rule(docx_rs::HeightRule::AtLeast);
    let mut rows = vec![header];
    for row in &t.rows {
        let cells = if row.group {
            let empty = Cell::default();
            let c = row.cells.first().unwrap_or(&empty);
            let cell = TableCell::new()
                .width(grid.iter().sum(), WidthType::Dxa)
                .grid_span(n);
            vec![shade(
                cell_paragraphs(cell, &c.paragraphs, CellAlign::Left, true, size),
                Some(row.fill.unwrap_or(GROUP_FILL)),
            )]
        } else {
            (0..n)
                .map(|i| {
                    let cell =
                        TableCell::new().width(grid.get(i).copied().unwrap_or(1), WidthType::Dxa);
                    let paragraphs = row
                        .cells
                        .get(i)
                        .map(|c| c.paragraphs.as_slice())
                        .unwrap_or(&[]);
                    let a = t.columns.get(i).map(|c| c.align).unwrap_or_default();
                    shade(cell_paragraphs(cell, paragraphs, a, false, size), row.fill)
                })
                .collect()
        };
        rows.push(TableRow::new(cells).cant_split());
    }
    docx_rs::Table::new(rows)
        .set_grid(grid)
        .set_borders(docx_borders())
        .width(twips(text_width).max(1) as usize, WidthType::Dxa)
}

fn marked(docx: Docx, what: &str) -> Docx {
    docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(format!("{MARK}{what}@@"))))
}

/// Replaces the paragraph holding `mark` with `xml`.
fn replace_paragraph(doc: &mut String, mark: &str, xml: &str) {
    let Some(at) = doc.find(mark) else {
        return;
    };
    let start = doc[..at]
        .rfind("<w:p>")
        .into_iter()
        .chain(doc[..at].rfind("<w:p "))
        .max();
    let end = doc[at..].find("</w:p>").map(|e| at + e + "</w:p>".len());
    if let (Some(start), Some(end)) = (start, end) {
        doc.replace_range(start..end, xml);
    }
}

/// DOCX with real Word tables (header row repeated: `w:tblHeader`; shading; ruled),
/// headings as Word heading styles, landscape sections where the size changes, a TOC
/// field for `Item::Toc` (Word fills page numbers; the entries are written as text
/// too, with the PDF's numbers). A `Drawing` page becomes its shapes' texts in
/// reading order under a note.
pub fn report_docx(r: &Report, meta: &super::docx::DocxMeta) -> Result<Vec<u8>> {
    let (header, footer) = super::docx::header_footer(&r.header);
    let mut docx = super::docx::styles(
        Docx::new()
            .default_fonts(super::docx::fonts())
            .default_size((BODY * 2.0) as usize)
            .header(header)
            .footer(footer),
    );
    // Sections that end before the last: (mark, size).
    let mut sections: Vec<(String, PageSize)> = Vec::new();
    let mut size = r.size;
    let mut has_toc = false;
    let break_section = |docx: Docx, from: PageSize, sections: &mut Vec<(String, PageSize)>| {
        let id = format!("SECT{}", sections.len());
        sections.push((format!("{MARK}{id}@@"), from));
        marked(docx, &id)
    };
    let page_break = || Paragraph::new().add_run(Run::new().add_break(docx_rs::BreakType::Page));
    for item in &r.items {
        match item {
            Item::Heading { level, text, .. } => {
                let style = if *level <= 1 { "Heading1" } else { "Heading2" };
                docx = docx.add_paragraph(
                    Paragraph::new()
                        .style(style)
                        .align(AlignmentType::Left)
                        .keep_next(true)
                        .add_run(Run::new().add_text(text)),
                );
            }
            Item::Paragraph(spans) => {
                docx = docx.add_paragraph(super::docx::runs(
                    Paragraph::new()
                        .align(AlignmentType::Both)
                        .widow_control(true),
                    spans,
                    false,
                ));
            }
            Item::Fields(pairs) => {
                let text_width = size.content().0;
                let label = twips(text_width * 0.3) as usize;
                let value = twips(text_width) as usize - label;
                let rows = pairs
                    .iter()
                    .map(|(l, v)| {
                        TableRow::new(vec![
                            TableCell::new().width(label, WidthType::Dxa).add_paragraph(
                                Paragraph::new()
                                    .align(AlignmentType::Left)
                                    .add_run(Run::new().add_text(l).bold()),
                            ),
                            TableCell::new().width(value, WidthType::Dxa).add_paragraph(
                                super::docx::runs(
                                    Paragraph::new().align(AlignmentType::Left),
                                    v,
                                    false,
                                ),
                            ),
                        ])
                        .cant_split()
                    })
                    .collect();
                docx = docx.add_table(
                    docx_rs::Table::new(rows)
                        .set_borders(TableBorders::new().clear_all())
                        .set_grid(vec![label, value]),
                );
            }
            Item::Table(t) => {
                if !t.columns.is_empty() {
                    docx = docx.add_table(docx_table(t, size.content().0));
                    docx = docx.add_paragraph(Paragraph::new());
                }
            }
            Item::Toc => {
                has_toc = true;
                docx = marked(docx, "TOC");
            }
            Item::PageBreak(new) => match new {
                Some(s) if *s != size => {
                    docx = break_section(docx, size, &mut sections);
                    size = *s;
                }
                _ => docx = docx.add_paragraph(page_break()),
            },
            Item::Space(points) => {
                if *points > 0.0 {
                    docx = docx.add_paragraph(
                        Paragraph::new().line_spacing(
                            docx_rs::LineSpacing::new()
                                .before(0)
                                .after(0)
                                .line(twips(*points).max(20))
                                .line_rule(docx_rs::LineSpacingType::Exact),
                        ),
                    );
                }
            }
            Item::Drawing(d) => {
                if d.size != size {
                    docx = break_section(docx, size, &mut sections);
                } else {
                    docx = docx.add_paragraph(page_break());
                }
                docx = docx.add_paragraph(
                    Paragraph::new().add_run(
                        Run::new()
                            .add_text("Pagina con un disegno: ne sono riportati qui i testi, nell'ordine di lettura (la versione PDF contiene il disegno).")
                            .italic(),
                    ),
                );
                let mut texts: Vec<(f32, f32, &str, bool)> = d
                    .shapes
                    .iter()
                    .filter_map(|s| match s {
                        Shape::Text {
                            x, y, text, bold, ..
                        } => Some((*y, *x, text.as_str(), *bold)),
                        _ => None,
                    })
                    .collect();
                texts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
                for (_, _, text, bold) in texts {
                    let mut run = Run::new().add_text(text);
                    if bold {
                        run = run.bold();
                    }
                    docx = docx
                        .add_paragraph(Paragraph::new().align(AlignmentType::Left).add_run(run));
                }
                if d.size != size {
                    docx = break_section(docx, d.size, &mut sections);
                } else {
                    docx = docx.add_paragraph(page_break());
                }
            }
        }
    }
    let (w, h) = size.points();
    docx = docx
        .page_size(twips(w) as u32, twips(h) as u32)
        .page_margin(docx_margin(size));
    if size.is_landscape() {
        docx = docx.page_orient(PageOrientationType::Landscape);
    }
    // The table of contents as a field, its entries with the PDF's page numbers.
    let toc_xml = if has_toc {
        let entries = toc_numbers(r);
        let tab = twips(r.size.content().0);
        let begin = r#"<w:r><w:fldChar w:fldCharType="begin" w:dirty="true" /></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-3" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate" /></w:r>"#;
        let end = r#"<w:r><w:fldChar w:fldCharType="end" /></w:r>"#;
        if entries.is_empty() {
            format!("<w:p>{begin}{end}</w:p>")
        } else {
            let n = entries.len();
            entries
                .iter()
                .enumerate()
                .map(|(i, (level, text, page))| {
                    let indent = twips(TOC_INDENT * f32::from(level.saturating_sub(1).min(3)));
                    let b = if *level <= 1 { "<w:b />" } else { "" };
                    format!(
                        r#"<w:p><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{tab}" /></w:tabs><w:spacing w:before="40" w:after="0" /><w:ind w:left="{indent}" /></w:pPr>{}<w:r><w:rPr>{b}</w:rPr><w:t xml:space="preserve">{}</w:t></w:r><w:r><w:tab /></w:r><w:r><w:rPr>{b}</w:rPr><w:t>{page}</w:t></w:r>{}</w:p>"#,
                        if i == 0 { begin } else { "" },
                        super::docx::xml_escape(text),
                        if i + 1 == n { end } else { "" },
                    )
                })
                .collect()
        }
    } else {
        String::new()
    };
    super::docx::package(docx, meta, |mut doc| {
        // The header and footer references of the last section, for every section.
        let refs: String = doc
            .rfind("<w:sectPr")
            .map(|at| {
                let tail = &doc[at..];
                let mut refs = String::new();
                for tag in ["<w:headerReference", "<w:footerReference"] {
                    if let Some(s) = tail.find(tag) {
                        if let Some(e) = tail[s..].find("/>") {
                            refs.push_str(&tail[s..s + e + 2]);
                        }
                    }
                }
                refs
            })
            .unwrap_or_default();
        for (mark, size) in &sections {
            let xml = format!("<w:p><w:pPr>{}</w:pPr></w:p>", sect_pr(*size, &refs));
            replace_paragraph(&mut doc, mark, &xml);
        }
        replace_paragraph(&mut doc, &format!("{MARK}TOC@@"), &toc_xml);
        doc.replace(HEADER_ROW_MARK, "<w:tblHeader />")
    })
}

/// The entries of the table of contents: level, text and the page (1-based) of
/// each heading in the PDF.
pub fn toc_numbers(r: &Report) -> Vec<(u8, String, usize)> {
    let c = compose(r);
    c.toc_entries
        .iter()
        .zip(c.toc_pages.iter())
        .map(|((level, text), page)| (*level, text.clone(), page + 1))
        .collect()
}
