//! The one composer: lays the blocks of a [`Document`] out on pages of
//! their size (A4 or A3, portrait or landscape) with the running header and
//! the «Pagina X di Y» footer; justified, hyphenated paragraphs with
//! widow and orphan control, lists, label/value tables, ruled tables with
//! their header repeated on each page, signatures side by side, a table of
//! contents with final page numbers, and drawings placed in the content
//! area. The result is a list of positioned lines, rules and boxes that
//! `pdf.rs` writes. The document's [`Style`] gives the type sizes and the
//! margins (an act's or a report's); the geometry is the same code.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::element::{self, Area, Decoration};
use super::lines::{break_lines, break_lines_with, words, Hyphenate, Line, ASCENT, DESCENT};
use super::model::{
    span, Align, Block, Cell, CellAlign, Document, PageSize, Rgb, Span, Style, Styled, Table,
};
use crate::fonts::{fonts, Face, Fonts};

pub use super::draw::{Draw, TextLine};

/// A laid-out page: its size in points and what is drawn on it, in PDF
/// coordinates (origin at the lower-left corner).
#[derive(Debug)]
pub struct Page {
    pub draws: Vec<Draw>,
    pub width: f32,
    pub height: f32,
}

/// A field's label and value broken into lines.
type FieldLines = (Vec<Line>, Vec<Line>);

// ---------------------------------------------------------------------------
// Geometry

const A4_SHORT: f32 = 595.276;
const A4_LONG: f32 = 841.89;
const A3_LONG: f32 = 1190.551;

/// The band a report's running header takes under the top margin (up to three lines).
pub(super) const HEADER_BAND: f32 = 46.0;
/// The most header lines a report prints; more are joined into the last.
const HEADER_LINES: usize = 3;
/// How far under the content area a report's footer baseline is.
pub(super) const FOOTER_DROP: f32 = 26.0;
/// How far under the content area an act's footer baseline is.
const ACT_FOOTER_DROP: f32 = 30.0;
/// The margins of an Italian administrative act (left 2.5 cm, right 2 cm).
const ACT_MARGINS: (f32, f32, f32, f32) = (70.87, 56.69, 48.0, 62.0);

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

    /// A report's margins (left, right, top, bottom) in points: wider on the larger pages.
    pub fn margins(self) -> (f32, f32, f32, f32) {
        match self {
            PageSize::A4Portrait => (56.69, 56.69, 34.0, 56.0),
            PageSize::A4Landscape => (48.0, 48.0, 28.0, 48.0),
            PageSize::A3Portrait => (62.0, 62.0, 40.0, 60.0),
            PageSize::A3Landscape => (56.69, 56.69, 34.0, 56.0),
        }
    }

    /// Width and height of a report's content area (inside margins, running
    /// header and footer) in points: the space an element may use.
    pub fn content(self) -> (f32, f32) {
        let (w, h) = self.points();
        let (l, r, t, b) = self.margins();
        (w - l - r, h - t - HEADER_BAND - b)
    }

    pub fn is_landscape(self) -> bool {
        matches!(self, PageSize::A4Landscape | PageSize::A3Landscape)
    }

    /// The size a page was made at.
    pub fn of(page: &Page) -> PageSize {
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
}

impl Style {
    /// Margins (left, right, top, bottom) of a page of `size`.
    pub fn margins(self, size: PageSize) -> (f32, f32, f32, f32) {
        match self {
            Style::Act => ACT_MARGINS,
            Style::Report => size.margins(),
        }
    }

    /// The width of the text on a page of `size`.
    pub fn text_width(self, size: PageSize) -> f32 {
        let (l, r, _, _) = self.margins(size);
        size.points().0 - l - r
    }

    /// The band the running header of `lines` lines takes under the top margin.
    fn header_band(self, lines: usize) -> f32 {
        match self {
            Style::Act => running_header_height(lines),
            Style::Report => HEADER_BAND,
        }
    }

    /// Where the footer's baseline is, under the bottom margin.
    fn footer_drop(self) -> f32 {
        match self {
            Style::Act => ACT_FOOTER_DROP,
            Style::Report => FOOTER_DROP,
        }
    }
}

// ---------------------------------------------------------------------------
// Measures

/// The most a justified line may add to each space; a line that would need
/// more is set ragged instead of stretched into gaps.
pub const MAX_SPACE_EXTRA: f32 = 4.0;

// An act's type: 12 pt on 16.
const ACT_BODY: f32 = 12.0;
const ACT_LEADING: f32 = 16.0;
const ACT_PARA_GAP: f32 = 6.0;
const LIST_INDENT: f32 = 22.0;
/// Where a block of addressees (`::: destinatari`) starts.
const RIGHT_BLOCK: f32 = 0.45;
/// The most lines a list may have to be kept whole on one page.
const SHORT_LIST: f32 = 8.0;
/// The most lines of a signed text (a parere) kept whole with its date and signature.
const SIGNED_TEXT_LINES: usize = 6;
/// How many blocks a chain of keep-with-next may bind together.
const KEEP_DEPTH: usize = 4;

// A report's type: 10.5 pt on 14.
const BODY: f32 = 10.5;
const BODY_LEADING: f32 = 14.0;
const PARA_GAP: f32 = 5.0;
const FIELD_GAP: f32 = 2.0;
const TABLE_GAP: f32 = 8.0;
const PAD_X: f32 = 4.0;
const PAD_TOP: f32 = 3.0;
const PAD_BOTTOM: f32 = 3.0;
/// Line height in a table cell, as a multiple of the font size.
pub(super) const CELL_LEADING: f32 = 1.25;
pub(super) const RULE: Rgb = Rgb(89, 89, 89);
const RULE_WIDTH: f32 = 0.5;
pub(super) const GROUP_FILL: Rgb = Rgb(237, 237, 237);
pub(super) const TOC_INDENT: f32 = 16.0;
const TOC_NUMBER_ROOM: f32 = 36.0;

const HEADER_SIZE: f32 = 10.0;
const FOOTER_SIZE: f32 = 9.0;

/// The body text size of a style (the DOCX writer uses it too).
pub(super) fn body_size(style: Style) -> f32 {
    match style {
        Style::Act => ACT_BODY,
        Style::Report => BODY,
    }
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

/// Lines kept as written (centred, right-aligned, signature), each wrapped
/// to `max` if too long, without hyphenation; an empty line stays a blank line.
fn break_kept_lines(lines: &[Vec<Span>], max: f32, f: &Fonts) -> Vec<Line> {
    lines
        .iter()
        .flat_map(|l| {
            if l.is_empty() {
                vec![Line::default()]
            } else {
                break_lines(
                    &words(l, ACT_BODY, Face::Regular, f),
                    max,
                    ACT_BODY,
                    f,
                    false,
                )
            }
        })
        .collect()
}

/// The height of a list's items, gaps included.
/// The width of a label/value table's label column, as a share of the text
/// width: the widest label (bold) and some air, between 20% and 36%.
pub fn table_label_share(rows: &[(Vec<Span>, Vec<Span>)], width: f32) -> f32 {
    let f = fonts();
    let widest = rows
        .iter()
        .map(|(label, _)| {
            label
                .iter()
                .map(|s| f.width(Face::Bold, &s.text, ACT_BODY))
                .sum::<f32>()
        })
        .fold(0.0, f32::max);
    ((widest + 16.0) / width).clamp(0.20, 0.36)
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

fn plain(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

// ---------------------------------------------------------------------------
// The composer

/// A cell ready to draw: its box across the row and its lines.
struct CellBox {
    x: f32,
    w: f32,
    lines: CellLines,
    align: CellAlign,
}

/// A cell's paragraphs broken into lines, each paragraph's lines shared
/// with every other cell of the table that prints the same paragraph the
/// same way (see [`Composer::broken`]).
#[derive(Default)]
struct CellLines(Vec<Rc<Vec<Line>>>);

impl CellLines {
    fn len(&self) -> usize {
        self.0.iter().map(|p| p.len()).sum()
    }

    fn iter(&self) -> impl Iterator<Item = &Line> {
        self.0.iter().flat_map(|p| p.iter())
    }
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

/// Text broken into lines (see [`Composer::broken`]): the spans it was
/// broken from and how (face, size, hyphenation), compared on a hit.
struct Measured {
    spans: Vec<Span>,
    how: (Face, u32, Hyphenate),
    lines: Rc<Vec<Line>>,
}

struct Composer {
    f: &'static Fonts,
    style: Style,
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
    toc_entries: Vec<(u8, String)>,
    toc_pages: Vec<usize>,
    toc_slots: Vec<TocSlot>,
    /// Before a heading: the height of the start of the block after it.
    keep_next: f32,
    /// The block before this one is a heading (which kept it in view: a
    /// table then is not moved away from it to be kept whole).
    after_heading: bool,
    /// What decorates every new page (see [`Decoration`]).
    decoration: Option<Decoration>,
    /// Text already broken into lines, by text, width and how (see
    /// [`Composer::broken`]): keeping an act's block with what follows
    /// measures the same paragraphs and lists again and again, and a
    /// table's cells repeat the same texts from row to row (a speaker, a
    /// place, a kind of event). Each entry holds the spans it was broken
    /// from, compared on a hit; laying the text out takes the same lines.
    measured: RefCell<HashMap<(u64, u32), Vec<Measured>>>,
    /// Before an act's list that a signature follows (its place and date,
    /// then the signature): what must stay with the list's last item.
    list_tail: f32,
}

impl Composer {
    fn new(doc: &Document) -> Self {
        let mut header: Vec<String> = doc.header.clone();
        if doc.style == Style::Report && header.len() > HEADER_LINES {
            header.truncate(HEADER_LINES);
            header[HEADER_LINES - 1] = doc.header[HEADER_LINES - 1..].join(" – ");
        }
        let toc_entries = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading {
                    level,
                    spans,
                    toc: true,
                } => Some((*level, plain(spans))),
                _ => None,
            })
            .collect();
        let mut c = Composer {
            f: fonts(),
            style: doc.style,
            header,
            pages: Vec::new(),
            size: doc.size,
            page_size: doc.size,
            y: 0.0,
            top: 0.0,
            bottom: 0.0,
            left: 0.0,
            width: 0.0,
            empty: true,
            toc_entries,
            toc_pages: Vec::new(),
            toc_slots: Vec::new(),
            keep_next: 0.0,
            after_heading: false,
            decoration: None,
            list_tail: 0.0,
            measured: RefCell::new(HashMap::new()),
        };
        c.new_page(doc.size);
        c
    }

    fn geometry(&mut self, size: PageSize) {
        let (w, h) = size.points();
        let (l, r, t, b) = self.style.margins(size);
        self.left = l;
        self.width = w - l - r;
        self.top = h - t - self.style.header_band(self.header.len());
        self.bottom = b;
        self.page_size = size;
    }

    fn new_page(&mut self, size: PageSize) {
        self.geometry(size);
        let (w, h) = size.points();
        let (_, _, t, _) = self.style.margins(size);
        let mut draws = running_header(self.f, &self.header, self.left, self.width, h - t);
        if let Some(d) = &self.decoration {
            let (decor, inner) = d.decorate(Area {
                left: self.left,
                width: self.width,
                top: self.top,
                bottom: self.bottom,
            });
            draws.extend(decor);
            (self.left, self.width, self.top, self.bottom) =
                (inner.left, inner.width, inner.top, inner.bottom);
        }
        self.pages.push(Page {
            draws,
            width: w,
            height: h,
        });
        self.y = self.top;
        self.empty = true;
    }

    /// A page of `size` for what comes: the last one if still empty, else a new one.
    fn page_of(&mut self, size: PageSize) {
        if self.empty {
            if self.page_size != size {
                self.pages.pop();
                self.new_page(size);
            }
        } else {
            self.new_page(size);
        }
    }

    fn at_top(&self) -> bool {
        (self.y - self.top).abs() < 0.01
    }

    fn room(&self) -> f32 {
        self.y - self.bottom
    }

    fn gap(&mut self, points: f32) {
        // No gap at the top of a page.
        if !self.at_top() {
            self.y -= points;
        }
    }

    /// A new page unless `height` fits under the cursor (or the page is still empty).
    fn ensure(&mut self, height: f32) {
        let room = match self.style {
            // An act's blocks fit to the point.
            Style::Act => self.room(),
            Style::Report => self.room() + 0.01,
        };
        if room < height && !self.at_top() {
            self.new_page(self.size);
        }
    }

    /// Space for `n` more lines of an act's text on this page.
    fn lines_left(&self) -> usize {
        (self.room() / ACT_LEADING).floor().max(0.0) as usize
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

    fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32) {
        self.draw(Draw::Rule { x1, x2, y, width });
    }

    /// One line of an act's text: aligned in the measure, on a 16 pt slot.
    fn draw_line(&mut self, line: &Line, x: f32, max: f32, align: Align, last: bool, size: f32) {
        let (x, extra) = match align {
            Align::Justify if !last && line.spaces > 0 => {
                let extra = ((max - line.width) / line.spaces as f32).max(0.0);
                // Set ragged rather than stretched into gaps.
                (x, if extra > MAX_SPACE_EXTRA { 0.0 } else { extra })
            }
            Align::Justify | Align::RightBlock => (x, 0.0),
            Align::Center => (x + ((max - line.width) / 2.0).max(0.0), 0.0),
            Align::Right => (x + (max - line.width).max(0.0), 0.0),
        };
        self.y -= ACT_LEADING.max(size * 1.3);
        let baseline = self.y + (ACT_LEADING - size) / 2.0 + 1.5;
        self.text(x, baseline, size, line.runs.clone(), extra);
    }

    /// One line of a report's running text in a `leading` tall slot under the cursor.
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

    /// An act's paragraph lines with widow and orphan control: never one
    /// line alone at the foot or at the head of a page.
    fn flow(
        &mut self,
        lines: &[Line],
        x: f32,
        max: f32,
        align: Align,
        size: f32,
        marker: Option<(Face, String)>,
    ) {
        let n = lines.len();
        let left = self.lines_left();
        if n > left {
            let mut first_part = if n <= 3 || left < 2 {
                0
            } else {
                left.min(n - 2)
            };
            // A page never ends with a hyphenated word.
            let hyphenated = |l: &Line| l.runs.last().is_some_and(|(_, t)| t.ends_with('-'));
            while first_part > 0 && hyphenated(&lines[first_part - 1]) {
                first_part = if first_part > 2 { first_part - 1 } else { 0 };
            }
            if first_part == 0 {
                self.new_page(self.size);
            } else {
                for (i, line) in lines[..first_part].iter().enumerate() {
                    if i == 0 {
                        self.marker(&marker, x, size);
                    }
                    self.draw_line(line, x, max, align, false, size);
                }
                self.new_page(self.size);
                return self.flow_rest(&lines[first_part..], x, max, align, size);
            }
        }
        self.marker(&marker, x, size);
        self.flow_rest(lines, x, max, align, size)
    }

    fn flow_rest(&mut self, lines: &[Line], x: f32, max: f32, align: Align, size: f32) {
        let n = lines.len();
        for (i, line) in lines.iter().enumerate() {
            if self.lines_left() == 0 {
                self.new_page(self.size);
            }
            self.draw_line(line, x, max, align, i + 1 == n, size);
        }
    }

    /// A list item's mark, in the indent before its first line.
    fn marker(&mut self, marker: &Option<(Face, String)>, x: f32, size: f32) {
        if let Some((face, text)) = marker {
            let baseline = self.y - ACT_LEADING + (ACT_LEADING - size) / 2.0 + 1.5;
            self.text(
                x - LIST_INDENT,
                baseline,
                size,
                vec![(*face, text.clone())],
                0.0,
            );
        }
    }

    fn block(&mut self, block: &Block, next_is_text: bool) {
        let f = self.f;
        match block {
            Block::Heading { level, spans, toc } => match self.style {
                Style::Act => self.act_heading(*level, spans, next_is_text),
                Style::Report => self.heading(*level, spans, *toc),
            },
            Block::Paragraph { spans } => {
                match self.style {
                    Style::Act => {
                        let lines = self.act_broken(spans, self.width);
                        self.gap(ACT_PARA_GAP);
                        self.flow(
                            &lines,
                            self.left,
                            self.width,
                            Align::Justify,
                            ACT_BODY,
                            None,
                        );
                    }
                    Style::Report => {
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
                            self.flow_line(
                                line,
                                self.left,
                                self.width,
                                i + 1 < n,
                                BODY,
                                BODY_LEADING,
                            );
                        }
                    }
                }
            }
            Block::Lines { align, lines } => {
                self.gap(ACT_PARA_GAP);
                let (x, max) = if *align == Align::RightBlock {
                    (
                        self.left + self.width * RIGHT_BLOCK,
                        self.width * (1.0 - RIGHT_BLOCK),
                    )
                } else {
                    (self.left, self.width)
                };
                let broken = break_kept_lines(lines, max, f);
                let keep = if *align == Align::RightBlock {
                    broken.len()
                } else {
                    broken.len().min(4)
                };
                self.ensure(keep as f32 * ACT_LEADING);
                for line in &broken {
                    if self.lines_left() == 0 {
                        self.new_page(self.size);
                    }
                    self.draw_line(line, x, max, *align, true, ACT_BODY);
                }
            }
            Block::List { ordered, items } => {
                self.gap(ACT_PARA_GAP / 2.0);
                // A short list (an enclosure list, a few points) stays whole.
                let height = self.list_height(items);
                if height <= SHORT_LIST * ACT_LEADING {
                    self.ensure(height);
                }
                for (i, item) in items.iter().enumerate() {
                    let x = self.left + LIST_INDENT;
                    let max = self.width - LIST_INDENT;
                    let lines = self.act_broken(item, max);
                    let mark = if *ordered {
                        format!("{}.", i + 1)
                    } else {
                        "•".to_string()
                    };
                    // The last point goes with the date and signature after it.
                    if i + 1 == items.len()
                        && self.list_tail > 0.0
                        && lines.len() <= SIGNED_TEXT_LINES
                    {
                        self.ensure(
                            ACT_PARA_GAP / 2.0 + lines.len() as f32 * ACT_LEADING + self.list_tail,
                        );
                    }
                    self.gap(ACT_PARA_GAP / 2.0);
                    self.flow(
                        &lines,
                        x,
                        max,
                        Align::Justify,
                        ACT_BODY,
                        Some((Face::Regular, mark)),
                    );
                }
            }
            Block::Table { rows } => {
                self.label_table(rows);
            }
            Block::Signature { lines } => {
                let col_x = self.left + self.width * 0.5;
                let col_w = self.width * 0.5;
                let broken = break_kept_lines(lines, col_w, f);
                self.gap(ACT_LEADING * 1.5);
                self.ensure(broken.len() as f32 * ACT_LEADING);
                for line in &broken {
                    self.draw_line(line, col_x, col_w, Align::Center, true, ACT_BODY);
                }
            }
            Block::PageBreak { size } => match self.style {
                // An act's «@nuovapagina» always starts a page.
                Style::Act => self.new_page(size.unwrap_or(self.size)),
                Style::Report => {
                    if let Some(s) = size {
                        self.size = *s;
                    }
                    let size = self.size;
                    self.page_of(size);
                }
            },
            Block::Fields(pairs) => {
                self.fields(pairs);
            }
            Block::Grid(t) => {
                self.table(t);
            }
            Block::Toc => {
                self.toc();
            }
            Block::Space(points) => {
                if !self.at_top() {
                    if self.room() <= *points {
                        self.new_page(self.size);
                    } else {
                        self.y -= points;
                    }
                }
            }
            Block::Styled(s) => {
                self.styled(s);
            }
            Block::Element(c) => {
                let mut h = c.0.height(self.width, self.room());
                if h > self.room() + 0.01 && !self.at_top() {
                    self.new_page(self.size);
                    h = c.0.height(self.width, self.room());
                }
                for d in element::place(&c.0.draw(self.width, h), self.left, self.y) {
                    self.draw(d);
                }
                self.y -= h;
            }
            Block::Decoration(d) => {
                self.decoration = Some(d.clone());
                // The page still empty is decorated now; a page begun, from the next one.
                if self.empty {
                    let size = self.page_size;
                    self.pages.pop();
                    self.new_page(size);
                }
            }
        }
    }

    /// Lines of one size, aligned, kept together (up to three) on a page.
    fn styled(&mut self, s: &Styled) {
        let f = self.f;
        let from = self.width * s.from.clamp(0.0, 0.9);
        let (left, width) = (self.left + from, self.width - from);
        let lines: Vec<Line> = s
            .lines
            .iter()
            .flat_map(|l| {
                if l.iter().all(|sp| sp.text.is_empty()) {
                    vec![Line::default()]
                } else {
                    break_lines(&words(l, s.size, Face::Regular, f), width, s.size, f, false)
                }
            })
            .collect();
        let leading = s.size * 1.3;
        if !self.at_top() {
            self.y -= s.before;
        }
        self.ensure(lines.len().min(3) as f32 * leading);
        for line in &lines {
            if self.room() < leading - 0.01 {
                self.new_page(self.size);
            }
            self.y -= leading;
            let x = match s.align {
                CellAlign::Left => left,
                CellAlign::Center => left + ((width - line.width) / 2.0).max(0.0),
                CellAlign::Right => left + (width - line.width).max(0.0),
            };
            let baseline =
                self.y + (leading - (ASCENT + DESCENT) * s.size) / 2.0 + DESCENT * s.size;
            self.draw(Draw::Text(TextLine {
                x,
                y: baseline,
                size: s.size,
                runs: line.runs.clone(),
                space_extra: 0.0,
                color: s.color,
            }));
        }
    }

    /// An act's heading: centred, bold, kept with two lines of what follows.
    fn act_heading(&mut self, level: u8, spans: &[Span], next_is_text: bool) {
        let f = self.f;
        let (size, before, after) = act_heading_metrics(level);
        let lines = break_lines(
            &words(spans, size, Face::Bold, f),
            self.width,
            size,
            f,
            false,
        );
        self.gap(before);
        let keep = if next_is_text { 2.0 * ACT_LEADING } else { 0.0 };
        self.ensure(lines.len() as f32 * ACT_LEADING + keep);
        for line in &lines {
            self.draw_line(line, self.left, self.width, Align::Center, true, size);
        }
        self.y -= after;
    }

    /// A report's heading: at the left, ruled under the first level, kept
    /// with the start of what follows; in the contents if `toc`.
    fn heading(&mut self, level: u8, spans: &[Span], toc: bool) {
        let f = self.f;
        let (size, before, after) = match level {
            0 | 1 => (15.0, 16.0, 8.0),
            2 => (12.5, 12.0, 5.0),
            _ => (11.0, 9.0, 3.0),
        };
        let face = if level >= 3 {
            Face::BoldItalic
        } else {
            Face::Bold
        };
        let lines = break_lines(
            &words(&span(&plain(spans), true), size, face, f),
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
        if toc {
            self.toc_pages.push(self.pages.len() - 1);
        }
        for line in &lines {
            self.flow_line(line, self.left, self.width, false, size, leading);
        }
        if level <= 1 {
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

    /// A ruled label/value table: labels bold, a rule under every row.
    fn label_table(&mut self, rows: &[(Vec<Span>, Vec<Span>)]) {
        let f = self.f;
        self.gap(ACT_PARA_GAP);
        let label_w = self.width * table_label_share(rows, self.width);
        let value_x = self.left + label_w + 8.0;
        let value_w = self.width - label_w - 8.0;
        self.ensure(ACT_LEADING * 2.0 + 4.0);
        self.rule(self.left, self.left + self.width, self.y, 0.5);
        for (label, value) in rows {
            let l = break_lines(
                &words(label, ACT_BODY, Face::Bold, f),
                label_w,
                ACT_BODY,
                f,
                false,
            );
            // Left-aligned cells: no hyphenation.
            let v = break_lines(
                &words(value, ACT_BODY, Face::Regular, f),
                value_w,
                ACT_BODY,
                f,
                false,
            );
            let n = l.len().max(v.len()).max(1);
            self.ensure(n as f32 * ACT_LEADING + 6.0);
            let top = self.y - 2.0;
            self.y = top;
            for line in &l {
                self.draw_line(
                    line,
                    self.left + 2.0,
                    label_w,
                    Align::Justify,
                    true,
                    ACT_BODY,
                );
            }
            let after_label = self.y;
            self.y = top;
            for line in &v {
                self.draw_line(line, value_x, value_w, Align::Justify, true, ACT_BODY);
            }
            self.y = self.y.min(after_label) - 4.0;
            self.rule(self.left, self.left + self.width, self.y, 0.5);
        }
    }

    /// Signature blocks side by side, each in its own column: the same line
    /// of every block (the office, the qualification, the name) at the same
    /// height, however the others wrap.
    fn signatures(&mut self, blocks: &[&Vec<Vec<Span>>]) {
        let col_w = self.width / blocks.len().max(1) as f32;
        let (broken, heights) = signature_rows(blocks, col_w, self.f);
        let total: usize = heights.iter().sum();
        self.gap(ACT_LEADING * 1.5);
        self.ensure(total as f32 * ACT_LEADING);
        let top = self.y;
        for (i, block) in broken.iter().enumerate() {
            self.y = top;
            for (row, lines) in block.iter().enumerate() {
                let row_top = self.y;
                for line in lines {
                    self.draw_line(
                        line,
                        self.left + col_w * i as f32,
                        col_w,
                        Align::Center,
                        true,
                        ACT_BODY,
                    );
                }
                self.y = row_top - heights[row] as f32 * ACT_LEADING;
            }
        }
        self.y = top - total as f32 * ACT_LEADING;
    }

    /// The height of a block of signatures (for keeping the line before it).
    fn signature_height(&self, lines: &[Vec<Span>], width: f32) -> f32 {
        break_kept_lines(lines, width, self.f).len() as f32 * ACT_LEADING + ACT_LEADING * 1.5
    }

    /// The height of the signature blocks that start at `blocks[i]` (one,
    /// or several side by side), their space above included.
    fn signature_group_height(&self, blocks: &[Block], i: usize) -> f32 {
        let group: Vec<&Vec<Vec<Span>>> = blocks[i..]
            .iter()
            .map_while(|b| match b {
                Block::Signature { lines } => Some(lines),
                _ => None,
            })
            .collect();
        if group.len() == 1 {
            return self.signature_height(group[0], self.width * 0.5);
        }
        let col_w = self.width / group.len().max(1) as f32;
        let (_, heights) = signature_rows(&group, col_w, self.f);
        heights.iter().sum::<usize>() as f32 * ACT_LEADING + ACT_LEADING * 1.5
    }

    /// The lines of an act's paragraph at the text width.
    /// The lines `spans` take in the act's body text `width` wide, and how
    /// many of them must fit to start it on a page ([`first_part`]), measured
    /// once per text and width.
    fn measure(&self, spans: &[Span], width: f32) -> (usize, usize) {
        let lines = self.act_broken(spans, width);
        (lines.len(), first_part(&lines))
    }

    /// `spans` of the act's body text broken into lines `width` wide, once
    /// per text and width (measured to keep blocks together, then laid out).
    fn act_broken(&self, spans: &[Span], width: f32) -> Rc<Vec<Line>> {
        self.broken(spans, width, ACT_BODY, Face::Regular, Hyphenate::Words)
    }

    /// `spans` broken into lines `width` wide at `size` from `face`, once
    /// per text, width and way of breaking in a document.
    fn broken(
        &self,
        spans: &[Span],
        width: f32,
        size: f32,
        face: Face,
        hyphenate: Hyphenate,
    ) -> Rc<Vec<Line>> {
        use std::hash::{Hash, Hasher};
        let how = (face, size.to_bits(), hyphenate);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        how.hash(&mut h);
        for s in spans {
            (&s.text, s.bold, s.italic).hash(&mut h);
        }
        let key = (h.finish(), width.to_bits());
        let same = |m: &Measured| {
            m.how == how
                && m.spans.len() == spans.len()
                && m.spans
                    .iter()
                    .zip(spans)
                    .all(|(a, b)| a.text == b.text && a.bold == b.bold && a.italic == b.italic)
        };
        if let Some(m) = self
            .measured
            .borrow()
            .get(&key)
            .and_then(|all| all.iter().find(|m| same(m)))
        {
            return m.lines.clone();
        }
        let lines = Rc::new(break_lines_with(
            &words(spans, size, face, self.f),
            width,
            size,
            self.f,
            hyphenate,
        ));
        self.measured
            .borrow_mut()
            .entry(key)
            .or_default()
            .push(Measured {
                spans: spans.to_vec(),
                how,
                lines: lines.clone(),
            });
        lines
    }

    /// The height of a list of the act's body text.
    fn list_height(&self, items: &[Vec<Span>]) -> f32 {
        items
            .iter()
            .map(|item| {
                let (n, _) = self.measure(item, self.width - LIST_INDENT);
                n as f32 * ACT_LEADING + ACT_PARA_GAP / 2.0
            })
            .sum()
    }

    /// Whether `blocks[i]` is followed by a signature, directly or after a
    /// one-line paragraph (its place and date): the text it signs.
    fn signed_next(&self, blocks: &[Block], i: usize) -> bool {
        match (blocks.get(i + 1), blocks.get(i + 2)) {
            (Some(Block::Signature { .. }), _) => true,
            (Some(Block::Paragraph { spans }), Some(Block::Signature { .. })) => {
                self.act_broken(spans, self.width).len() == 1
            }
            _ => false,
        }
    }

    /// What of an act must stay on one page from the start of `blocks[i]`
    /// (its space above included), so that nothing is parted from what it
    /// introduces: a heading with the start of what follows it (and what
    /// that keeps: an article's heading, its opening sentence and a short
    /// list); a paragraph that introduces a list («Premesso che:») with its
    /// list; a signed text (a parere, a closing) of up to six lines with
    /// its place-and-date line and its signature; otherwise two lines of a
    /// paragraph (no orphan), a short list whole, the first row of a table.
    /// `depth` bounds the chain (at `KEEP_DEPTH`, the block's own start only).
    fn act_keep(&self, blocks: &[Block], i: usize, depth: usize) -> f32 {
        let Some(block) = blocks.get(i) else {
            return 0.0;
        };
        let next = |c: &Composer| {
            if depth < KEEP_DEPTH {
                c.act_keep(blocks, i + 1, depth + 1)
            } else {
                0.0
            }
        };
        match block {
            Block::Heading { level, spans, .. } => {
                let (size, before, after) = act_heading_metrics(*level);
                let n = break_lines(
                    &words(spans, size, Face::Bold, self.f),
                    self.width,
                    size,
                    self.f,
                    false,
                )
                .len();
                before + n as f32 * ACT_LEADING.max(size * 1.3) + after + next(self)
            }
            Block::Paragraph { spans } => {
                let (n, first) = self.measure(spans, self.width);
                let introduces = plain(spans).trim_end().ends_with(':')
                    && matches!(blocks.get(i + 1), Some(Block::List { .. }));
                if (self.signed_next(blocks, i) || introduces) && n <= SIGNED_TEXT_LINES {
                    ACT_PARA_GAP + n as f32 * ACT_LEADING + next(self)
                } else {
                    ACT_PARA_GAP + first as f32 * ACT_LEADING
                }
            }
            Block::List { items, .. } => {
                let height = self.list_height(items);
                if height <= SHORT_LIST * ACT_LEADING {
                    ACT_PARA_GAP / 2.0 + height
                } else {
                    let first = items
                        .first()
                        .map_or(0, |item| self.measure(item, self.width - LIST_INDENT).1);
                    ACT_PARA_GAP + first as f32 * ACT_LEADING
                }
            }
            Block::Lines { align, lines } => {
                let max = if *align == Align::RightBlock {
                    self.width * (1.0 - RIGHT_BLOCK)
                } else {
                    self.width
                };
                let n = break_kept_lines(lines, max, self.f).len();
                let n = if *align == Align::RightBlock {
                    n
                } else {
                    n.min(4)
                };
                ACT_PARA_GAP + n as f32 * ACT_LEADING
            }
            Block::Table { .. } => ACT_PARA_GAP + ACT_LEADING * 2.0 + 4.0,
            Block::Signature { .. } => self.signature_group_height(blocks, i),
            _ => 0.0,
        }
    }

    /// What must stay on a report's page with `block` before it is laid
    /// out (an act's: [`Composer::act_keep`]): a paragraph with the signature after it (place and date), a paragraph
    /// that introduces a list («Allegati:», «Visti:») with its first items.
    fn keep_with_next(&mut self, block: &Block, next: Option<&Block>) {
        let f = self.f;
        let Block::Paragraph { spans } = block else {
            return;
        };
        let lines_of = |c: &Composer| {
            break_lines(
                &words(spans, ACT_BODY, Face::Regular, f),
                c.width,
                ACT_BODY,
                f,
                true,
            )
            .len()
        };
        match next {
            Some(Block::Signature { lines }) => {
                let n = lines_of(self);
                let keep = n.min(2) as f32 * ACT_LEADING
                    + ACT_PARA_GAP
                    + self.signature_height(lines, self.width * 0.5);
                self.ensure(keep);
            }
            Some(Block::List { items, .. }) if plain(spans).trim_end().ends_with(':') => {
                let n = lines_of(self);
                let list = self.list_height(items);
                let list = if list <= SHORT_LIST * ACT_LEADING {
                    list
                } else {
                    2.0 * ACT_LEADING
                };
                self.ensure(n as f32 * ACT_LEADING + ACT_PARA_GAP * 2.0 + list);
            }
            _ => {}
        }
    }

    /// The height of the start of `block` that a heading before it must not
    /// be parted from: two lines of a paragraph or a field, a table's header
    /// with its first row (a group row with the next), a heading with what it keeps.
    fn start_height(&self, block: &Block) -> f32 {
        match block {
            Block::Paragraph { .. } => PARA_GAP + 2.0 * BODY_LEADING,
            // A field block is kept whole (when it fits on a page).
            Block::Fields(pairs) => self.fields_height(pairs).min(self.top - self.bottom),
            Block::Heading { .. } => 2.0 * 15.0 * 1.3 + 3.0 * BODY_LEADING,
            Block::Grid(t) => {
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
                        .max(1)
                };
                let height = |lines: usize| lines as f32 * leading + PAD_TOP + PAD_BOTTOM;
                let header = lines_of(
                    t.columns
                        .iter()
                        .zip(&widths)
                        .map(|(c, w)| (vec![span(&c.header, true)], *w, Face::Bold))
                        .collect(),
                );
                // The whole table when it fits on a page, as `table` keeps it;
                // else its first row (a group row with the next).
                let first = t.rows.first().map_or(1, |r| r.group as usize + 1);
                let row_height = |r: &super::model::Row| {
                    let cells = if r.group {
                        vec![(
                            r.cells
                                .first()
                                .map(|c| c.paragraphs.clone())
                                .unwrap_or_default(),
                            self.width,
                            Face::Bold,
                        )]
                    } else {
                        r.cells
                            .iter()
                            .zip(&widths)
                            .map(|(c, w)| (c.paragraphs.clone(), *w, Face::Regular))
                            .collect()
                    };
                    height(lines_of(cells))
                };
                let page_h = self.top - self.bottom;
                let mut whole = height(header);
                for r in &t.rows {
                    whole += row_height(r);
                    if whole > page_h {
                        break;
                    }
                }
                if whole <= page_h {
                    return TABLE_GAP + whole;
                }
                let rows: f32 = t.rows.iter().take(first).map(row_height).sum();
                TABLE_GAP + height(header) + rows.min(page_h / 2.0)
            }
            // A chart stays with its heading (when it fits on a page).
            Block::Element(c) => {
                let page_h = self.top - self.bottom;
                c.0.height(self.width, page_h).min(page_h)
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

    /// A field block's label width and its pairs broken into lines.
    fn field_lines(&self, pairs: &[(String, Vec<Span>)]) -> (f32, Vec<FieldLines>) {
        let f = self.f;
        let widest = pairs
            .iter()
            .map(|(l, _)| f.width(Face::Bold, l, BODY))
            .fold(0.0, f32::max);
        let label_w = (widest + 12.0).clamp(60.0, self.width * 0.4);
        let value_w = self.width - label_w;
        let lines = pairs
            .iter()
            .map(|(label, value)| {
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
                (l, v)
            })
            .collect();
        (label_w, lines)
    }

    /// The height of a whole field block.
    fn fields_height(&self, pairs: &[(String, Vec<Span>)]) -> f32 {
        let (_, lines) = self.field_lines(pairs);
        PARA_GAP
            + lines
                .iter()
                .map(|(l, v)| l.len().max(v.len()).max(1) as f32 * BODY_LEADING + FIELD_GAP)
                .sum::<f32>()
    }

    /// A field block, kept on one page when it fits on one.
    fn fields(&mut self, pairs: &[(String, Vec<Span>)]) {
        let whole = self.fields_height(pairs);
        if whole <= self.top - self.bottom {
            self.ensure(whole);
        }
        let (label_w, lines) = self.field_lines(pairs);
        let value_x = self.left + label_w;
        let value_w = self.width - label_w;
        self.gap(PARA_GAP);
        for (l, v) in &lines {
            let n = l.len().max(v.len()).max(1);
            self.ensure(n as f32 * BODY_LEADING);
            let top = self.y;
            for line in l {
                self.flow_line(line, self.left, label_w, false, BODY, BODY_LEADING);
            }
            let after_label = self.y;
            self.y = top;
            for line in v {
                self.flow_line(line, value_x, value_w, false, BODY, BODY_LEADING);
            }
            self.y = self.y.min(after_label) - FIELD_GAP;
        }
    }

    fn cell_lines(&self, paragraphs: &[Vec<Span>], w: f32, face: Face, size: f32) -> CellLines {
        let inner = (w - 2.0 * PAD_X).max(1.0);
        CellLines(
            paragraphs
                .iter()
                .map(|p| {
                    if p.iter().all(|s| s.text.trim().is_empty()) {
                        Rc::new(vec![Line::default()])
                    } else {
                        self.broken(p, inner, size, face, Hyphenate::LowerCase)
                    }
                })
                .collect(),
        )
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
        let page_h = self.top - self.bottom;
        // A row as it must start on a page: whole if it fits on one, else
        // (split between lines) its first three lines.
        let start_of = |lines: usize| {
            if height(lines) <= page_h - header_h {
                height(lines)
            } else {
                height(3)
            }
        };
        // A group heading row goes with (the start of) the row after it, and
        // the row before the last with the last (a closing row, such as a
        // rating's «Giudizio complessivo», never stands alone on a page).
        let with_next = |i: usize| -> f32 {
            let row: &Prepared = &rows[i];
            match rows.get(i + 1) {
                Some(next) if row.group || i + 2 == rows.len() => {
                    height(row.lines) + start_of(next.lines)
                }
                _ => height(row.lines),
            }
        };
        // The header row never stands alone: it starts a page with the first
        // row (a group row with the row after it).
        let start = if rows.is_empty() {
            0.0
        } else {
            with_next(0).min(page_h - header_h)
        };
        // A table that fits on one page is kept whole: it starts on the next
        // page rather than being split (after a heading, the heading kept it:
        // see `start_height`).
        let whole = header_h + rows.iter().map(|r| height(r.lines)).sum::<f32>();
        self.ensure(if whole <= page_h + 0.01 && !self.after_heading {
            whole
        } else {
            header_h + start
        });
        self.row(&header, 0, header.lines, size);
        for (i, row) in rows.iter().enumerate() {
            let h = height(row.lines);
            let with_next = with_next(i);
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

    fn finish(mut self) -> Vec<Page> {
        let f = self.f;
        // Table of contents: the page numbers, now final, and dotted leaders.
        let dot_step = f.width(Face::Regular, ". ", BODY);
        for slot in &self.toc_slots {
            let Some(&page_index) = self.toc_pages.get(slot.entry) else {
                continue;
            };
            let page = &mut self.pages[slot.page];
            let (l, r, _, _) = self.style.margins(PageSize::of(page));
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
        // A single sheet of a report (an attestato, a chart) needs no «Pagina 1 di 1».
        let style = self.style;
        if total == 1 && style == Style::Report {
            return self.pages;
        }
        for (i, page) in self.pages.iter_mut().enumerate() {
            let (l, r, _, b) = style.margins(PageSize::of(page));
            page.draws.push(footer(
                f,
                i + 1,
                total,
                l,
                page.width - l - r,
                b - style.footer_drop(),
            ));
        }
        self.pages
    }
}

/// The running header of a page: its lines centred over the text width from
/// `top` down (the first bold), then a rule under them.
fn running_header(f: &Fonts, header: &[String], left: f32, width: f32, top: f32) -> Vec<Draw> {
    let mut draws = Vec::new();
    let mut y = top - HEADER_SIZE;
    for (i, text) in header.iter().enumerate() {
        let face = if i == 0 { Face::Bold } else { Face::Regular };
        let size = if i == 0 {
            HEADER_SIZE + 1.0
        } else {
            HEADER_SIZE
        };
        let w = f.width(face, text, size);
        draws.push(Draw::Text(TextLine {
            x: left + (width - w).max(0.0) / 2.0,
            y,
            size,
            runs: vec![(face, text.clone())],
            space_extra: 0.0,
            color: Rgb::BLACK,
        }));
        y -= 13.0;
    }
    if !header.is_empty() {
        draws.push(Draw::Rule {
            x1: left,
            x2: left + width,
            y: y + 6.0,
            width: 0.6,
        });
    }
    draws
}

/// How many lines of an act's paragraph must fit for it to start on a
/// page, as [`Composer::flow`] breaks it: all of a paragraph of up to three
/// lines, else two, or more while the last of them ends with a hyphen (a
/// page never ends with a hyphenated word).
fn first_part(lines: &[Line]) -> usize {
    let n = lines.len();
    if n <= 3 {
        return n;
    }
    let hyphenated = |l: &Line| l.runs.last().is_some_and(|(_, t)| t.ends_with('-'));
    (2..=n - 2)
        .find(|&k| !hyphenated(&lines[k - 1]))
        .unwrap_or(n)
}

/// An act's heading: its size, the space before it and after it.
fn act_heading_metrics(level: u8) -> (f32, f32, f32) {
    if level == 1 {
        (ACT_BODY + 1.0, 10.0, 6.0)
    } else {
        (ACT_BODY, 10.0, 2.0)
    }
}

/// Signature blocks side by side: each block's lines broken one by one to
/// the column, and the height (in lines) of each row, the tallest block's.
fn signature_rows(
    blocks: &[&Vec<Vec<Span>>],
    col_w: f32,
    f: &Fonts,
) -> (Vec<Vec<Vec<Line>>>, Vec<usize>) {
    let broken: Vec<Vec<Vec<Line>>> = blocks
        .iter()
        .map(|b| {
            b.iter()
                .map(|l| break_kept_lines(std::slice::from_ref(l), col_w - 8.0, f))
                .collect()
        })
        .collect();
    let rows = broken.iter().map(Vec::len).max().unwrap_or(0);
    let heights = (0..rows)
        .map(|r| {
            broken
                .iter()
                .map(|b| b.get(r).map_or(0, Vec::len))
                .max()
                .unwrap_or(0)
        })
        .collect();
    (broken, heights)
}

/// The height an act's running header takes from the top margin.
fn running_header_height(lines: usize) -> f32 {
    if lines == 0 {
        0.0
    } else {
        lines as f32 * 13.0 + 14.0
    }
}

/// The footer "Pagina X di Y", centred over the text width at baseline `y`.
fn footer(f: &Fonts, page: usize, total: usize, left: f32, width: f32, y: f32) -> Draw {
    let text = format!("Pagina {page} di {total}");
    let w = f.width(Face::Regular, &text, FOOTER_SIZE);
    Draw::Text(TextLine {
        x: left + (width - w) / 2.0,
        y,
        size: FOOTER_SIZE,
        runs: vec![(Face::Regular, text)],
        space_extra: 0.0,
        color: Rgb::BLACK,
    })
}

fn composer(doc: &Document) -> Composer {
    let mut c = Composer::new(doc);
    let blocks = &doc.blocks;
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        // Signature blocks in a row print side by side.
        if let Block::Signature { lines } = block {
            let mut group = vec![lines];
            while let Some(Block::Signature { lines }) = blocks.get(i + group.len()) {
                group.push(lines);
            }
            if group.len() > 1 {
                i += group.len();
                c.signatures(&group);
                continue;
            }
        }
        let next = blocks.get(i + 1);
        let next_is_text = matches!(
            next,
            Some(
                Block::Paragraph { .. }
                    | Block::List { .. }
                    | Block::Lines { .. }
                    | Block::Table { .. }
            )
        );
        c.after_heading = i > 0 && matches!(blocks[i - 1], Block::Heading { .. });
        c.keep_next = match (block, next) {
            (Block::Heading { .. }, Some(next)) => c.start_height(next),
            _ => 0.0,
        };
        match c.style {
            Style::Act => {
                // What must stay together from here: the chain if it fits
                // on a page, else this block's own start.
                let page_h = c.top - c.bottom;
                c.list_tail = match block {
                    Block::List { .. } if c.signed_next(blocks, i) => c.act_keep(blocks, i + 1, 0),
                    _ => 0.0,
                };
                let keep = c.act_keep(blocks, i, 0);
                let keep = if keep <= page_h {
                    keep
                } else {
                    c.act_keep(blocks, i, KEEP_DEPTH)
                };
                if keep > 0.0 {
                    c.ensure(keep);
                }
            }
            Style::Report => c.keep_with_next(block, next),
        }
        c.block(block, next_is_text);
        i += 1;
    }
    c
}

/// Lays the document out on pages (each knows its own size).
pub fn compose(doc: &Document) -> Vec<Page> {
    composer(doc).finish()
}

/// The entries of the table of contents: level, text and the page (1-based) of
/// each heading in the PDF.
pub fn toc_numbers(doc: &Document) -> Vec<(u8, String, usize)> {
    let c = composer(doc);
    c.toc_entries
        .iter()
        .zip(c.toc_pages.iter())
        .map(|((level, text), page)| (*level, text.clone(), page + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::lines::*;
    use crate::documents::model::*;
    use crate::fonts::{fonts, Face};

    fn span(text: &str) -> Vec<Span> {
        vec![Span {
            text: text.into(),
            bold: false,
            italic: false,
        }]
    }

    fn texts(pages: &[Page]) -> Vec<&TextLine> {
        pages
            .iter()
            .flat_map(|p| p.draws.iter())
            .filter_map(|d| match d {
                Draw::Text(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_pec_address_in_a_justified_paragraph_leaves_no_gap_over_the_maximum() {
        let text = "Si chiede di trasmettere l'atto adottato e il Protocollo sottoscritto all'indirizzo PEC protocollo.generale@pec.comune.santalessiosiculo.me.it oppure al sito https://www.comune.santalessiosiculo.me.it/amministrazione-trasparente entro trenta giorni dal ricevimento della presente nota.";
        for width_cut in [0.0, 40.0, 90.0, 150.0] {
            let f = fonts();
            let max = Style::Act.text_width(PageSize::A4Portrait) - width_cut;
            let lines = break_lines(
                &words(&span(text), BODY, Face::Regular, f),
                max,
                BODY,
                f,
                true,
            );
            // Every line fits; an address is broken only after "@", ".", "/", "-".
            for (i, l) in lines.iter().enumerate() {
                assert!(l.width <= max + 0.01, "{l:?}");
                let t: String = l.runs.iter().map(|r| r.1.as_str()).collect();
                if t.contains("@pec") || t.contains("www.") {
                    let last = t.chars().last().unwrap();
                    assert!(
                        i + 1 == lines.len()
                            || t.ends_with(' ')
                            || "@./-".contains(last)
                            || !t.rsplit(' ').next().unwrap().contains(['@', '/'])
                            // The whole address, on a line of its own.
                            || text.split(' ').any(|w| w == t.rsplit(' ').next().unwrap()),
                        "address cut at a wrong point: {t:?}"
                    );
                }
            }
        }
        // Laid out on a page: no space stretched past the maximum.
        let doc = Document {
            title: String::new(),
            header: vec![],
            blocks: vec![Block::Paragraph { spans: span(text) }],
            ..Default::default()
        };
        let pages = compose(&doc);
        for t in texts(&pages) {
            assert!(t.space_extra <= MAX_SPACE_EXTRA, "{t:?}");
        }
        let joined: String = texts(&pages)
            .iter()
            .map(|t| t.runs.iter().map(|r| r.1.as_str()).collect::<String>())
            .collect();
        assert!(joined.contains("protocollo.generale@"), "{joined}");
        assert_eq!(
            natural_breaks("protocollo@pec.comune.ali.me.it"),
            vec![11, 15, 22, 26, 29]
        );
        assert_eq!(natural_breaks("economico-finanziaria"), vec![10]);
        assert!(natural_breaks("https://x.it/a").iter().all(|&b| b > 8));
    }

    #[test]
    fn prot_n_and_its_number_and_titles_stay_together() {
        let f = fonts();
        let ws: Vec<String> = words(
            &span("con la nota prot. n. 1234/2026 del 12/01/2026, Prot. n. …… del ……, firmata dal dott. Rossi"),
            12.0,
            Face::Regular,
            f,
        )
        .iter()
        .map(Word::text)
        .collect();
        assert!(ws.contains(&"prot. n. 1234/2026".to_string()), "{ws:?}");
        assert!(ws.contains(&"Prot. n. ……".to_string()), "{ws:?}");
        assert!(ws.contains(&"dott. Rossi".to_string()), "{ws:?}");
        // At every width, "prot. n. 1234" is never split across lines.
        let text = "Facendo seguito alla nota della Città Metropolitana prot. n. 1234/2026 del 12/01/2026 si trasmette quanto richiesto.";
        for max in (150..=460).step_by(7) {
            let lines = break_lines(
                &words(&span(text), 12.0, Face::Regular, f),
                max as f32,
                12.0,
                f,
                true,
            );
            let joined: Vec<String> = lines
                .iter()
                .map(|l| l.runs.iter().map(|r| r.1.as_str()).collect())
                .collect();
            assert!(
                joined.iter().any(|l| l.contains("prot. n. 1234/2026")),
                "{max}: {joined:?}"
            );
        }
    }

    #[test]
    fn two_signature_blocks_print_side_by_side_and_keep_their_date_line() {
        let sig = |a: &str, b: &str| Block::Signature {
            lines: vec![span(a), span(b)],
        };
        let mut blocks: Vec<Block> = (0..40)
            .map(|i| Block::Paragraph {
                spans: span(&format!("Paragrafo {i} di riempimento.")),
            })
            .collect();
        blocks.push(Block::Paragraph {
            spans: span("Messina, lì 15 gennaio 2026"),
        });
        blocks.push(sig(
            "Per la Città Metropolitana",
            "Il Sindaco metropolitano",
        ));
        blocks.push(sig("Per il Comune di Alì", "Il Sindaco"));
        let pages = compose(&Document {
            title: String::new(),
            header: vec![],
            blocks,
            ..Default::default()
        });
        let find = |needle: &str| {
            pages
                .iter()
                .enumerate()
                .find_map(|(p, page)| {
                    page.draws.iter().find_map(|d| match d {
                        Draw::Text(t) if t.runs.iter().any(|r| r.1.contains(needle)) => {
                            Some((p, t.y, t.x))
                        }
                        _ => None,
                    })
                })
                .unwrap()
        };
        let (p1, y1, x1) = find("Per la Città");
        let (p2, y2, x2) = find("Per il Comune");
        assert_eq!((p1, y1), (p2, y2), "same page, same line");
        assert!(x2 > x1 + 100.0);
        let (pd, _, _) = find("Messina, lì");
        assert_eq!(pd, p1, "the date line stays with the signatures");
    }
}
