//! The typesetting layer: breaks the blocks of a [`Document`] into justified,
//! hyphenated lines and the lines into A4 pages, with running header,
//! "Pagina X di Y" footer and widow/orphan control. The result is a list of
//! positioned lines and rules that `pdf.rs` writes with printpdf.

use std::sync::OnceLock;

use hyphenation::{Hyphenator, Language, Load, Standard};

use super::fonts::{fonts, Face, Fonts};
use super::markup::{Align, Block, Document, Span};

// A4 in points and the margins of an Italian administrative act.
pub const PAGE_W: f32 = 595.276;
pub const PAGE_H: f32 = 841.89;
const LEFT: f32 = 70.87; // 2.5 cm
const RIGHT: f32 = 56.69; // 2 cm
const TOP: f32 = 48.0;
const BOTTOM: f32 = 62.0;
const WIDTH: f32 = PAGE_W - LEFT - RIGHT;

const BODY: f32 = 12.0;
const LEADING: f32 = 16.0;
const PARA_GAP: f32 = 6.0;
const LIST_INDENT: f32 = 22.0;
const HEADER_SIZE: f32 = 10.0;
const FOOTER_SIZE: f32 = 9.0;
/// The most a justified line may add to each space; a line that would need
/// more is set ragged instead of stretched into gaps.
pub const MAX_SPACE_EXTRA: f32 = 4.0;
/// Where a block of addressees (`::: destinatari`) starts.
const RIGHT_BLOCK: f32 = 0.45;

/// One line of text: runs of one face each, drawn from (x, y) on the
/// baseline; `space_extra` points are added after every space (justification).
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub runs: Vec<(Face, String)>,
    pub space_extra: f32,
    /// The colour of the text (black in the acts).
    pub color: Rgb,
}

/// A colour, 8 bits per channel (sRGB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0, 0, 0);
}

impl Default for Rgb {
    fn default() -> Self {
        Rgb::BLACK
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Draw {
    Text(TextLine),
    /// A horizontal rule from x1 to x2 at y.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
    },
    /// A rectangle with its lower-left corner at (x, y), filled and/or stroked
    /// (colour, line width).
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    /// A straight line of any direction.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
}

/// A typeset page: its size in points (A4 portrait unless said) and what is
/// drawn on it, in PDF coordinates (origin at the lower-left corner).
#[derive(Debug)]
pub struct Page {
    pub draws: Vec<Draw>,
    pub width: f32,
    pub height: f32,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            draws: Vec::new(),
            width: PAGE_W,
            height: PAGE_H,
        }
    }
}

static HYPHENATOR: OnceLock<Option<Standard>> = OnceLock::new();

fn hyphenator() -> Option<&'static Standard> {
    HYPHENATOR
        .get_or_init(|| {
            let bytes: &[u8] = include_bytes!("../../assets/hyph-it.standard.bincode");
            Standard::from_reader(Language::Italian, &mut &bytes[..]).ok()
        })
        .as_ref()
}

/// Abbreviations that are never separated from the number that follows
/// ("n. 190", "art. 15", "comma 2", "L.R. 44/1991", "€ 2.500,00").
const TIED_BEFORE_NUMBER: &[&str] = &[
    "n.", "nn.", "n°", "art.", "artt.", "comma", "commi", "c.", "lett.", "l.", "l.r.", "d.lgs.",
    "d.l.", "d.p.r.", "dpr", "prot.", "pag.", "pagg.", "cap.", "reg.", "del.", "delib.", "€",
    "legge", "decreto", "allegato", "punto", "ore",
];

/// Titles never separated from the name that follows ("dott. Rossi").
const TITLES: &[&str] = &[
    "dott.", "dott.ssa", "dr.", "avv.", "ing.", "arch.", "geom.", "rag.", "prof.", "prof.ssa",
    "sig.", "sig.ra", "on.",
];

fn ties_to_next(word: &str, next: &str) -> bool {
    let lower_word = word.to_lowercase();
    // "prot. n. 1234": the abbreviation stays with "n.", which stays with its number.
    if matches!(lower_word.as_str(), "prot." | "delib." | "decr.")
        && matches!(next.to_lowercase().as_str(), "n." | "n°" | "nn.")
    {
        return true;
    }
    if TITLES.contains(&lower_word.as_str()) {
        return true;
    }
    // "7 agosto 1990": a day stays with its month.
    if word.chars().all(|c| c.is_ascii_digit()) && word.len() <= 2 {
        let month = next.trim_end_matches([',', ';', '.', ':']).to_lowercase();
        if crate::text::MONTHS.contains(&month.as_str()) {
            return true;
        }
    }
    // A number, or the dotted blank where it is to be written.
    let starts_with_digit = next
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '…');
    if !starts_with_digit {
        return false;
    }
    // "dell'art. 15": the word after the elision counts.
    let word = word.rsplit(['\'', '’']).next().unwrap_or(word);
    let lower = word.to_lowercase();
    TIED_BEFORE_NUMBER.contains(&lower.as_str())
}

/// A styled piece of a word.
#[derive(Debug, Clone)]
struct Piece {
    face: Face,
    text: String,
}

/// A word between break opportunities (tied words include their space).
#[derive(Debug, Clone, Default)]
pub(super) struct Word {
    pieces: Vec<Piece>,
    width: f32,
    /// The width of the breakable space before this word.
    space_before: f32,
}

impl Word {
    #[cfg(test)]
    fn text(&self) -> String {
        self.pieces.iter().map(|p| p.text.as_str()).collect()
    }
}

/// Splits styled spans into words; spaces are break opportunities unless tied.
pub(super) fn words(spans: &[Span], size: f32, base: Face, f: &Fonts) -> Vec<Word> {
    // First: raw tokens (face, text, space_after).
    let mut tokens: Vec<(Vec<Piece>, bool)> = vec![(Vec::new(), false)];
    for span in spans {
        let face = if span.bold || base.is_bold() {
            Face::new(true, span.italic || base.is_italic())
        } else {
            Face::new(false, span.italic || base.is_italic())
        };
        for (i, part) in span
            .text
            .split(|c: char| c == ' ' || c == '\t' || c == '\n')
            .enumerate()
        {
            if i > 0 {
                // a space: the current token ends
                if let Some(last) = tokens.last_mut() {
                    if !last.0.is_empty() {
                        last.1 = true;
                        tokens.push((Vec::new(), false));
                    }
                }
            }
            if !part.is_empty() {
                if let Some(last) = tokens.last_mut() {
                    match last.0.last_mut() {
                        Some(p) if p.face == face => p.text.push_str(part),
                        _ => last.0.push(Piece {
                            face,
                            text: part.to_string(),
                        }),
                    }
                }
            }
        }
    }
    tokens.retain(|(pieces, _)| !pieces.is_empty());

    let mut out: Vec<Word> = Vec::new();
    let mut tie_next = false;
    for (i, (pieces, _)) in tokens.iter().enumerate() {
        let text: String = pieces.iter().map(|p| p.text.as_str()).collect();
        let space_face = pieces[0].face;
        let space_w = f.width(space_face, " ", size);
        let width: f32 = pieces.iter().map(|p| f.width(p.face, &p.text, size)).sum();
        if tie_next {
            if let Some(prev) = out.last_mut() {
                let face = prev.pieces.last().map(|p| p.face).unwrap_or(space_face);
                prev.pieces.push(Piece {
                    face,
                    text: " ".into(),
                });
                prev.pieces.extend(pieces.iter().cloned());
                prev.width += f.width(face, " ", size) + width;
            }
        } else {
            out.push(Word {
                pieces: pieces.clone(),
                width,
                space_before: if i == 0 { 0.0 } else { space_w },
            });
        }
        tie_next = tokens.get(i + 1).is_some_and(|(next, _)| {
            ties_to_next(
                &text,
                &next.iter().map(|p| p.text.as_str()).collect::<String>(),
            )
        });
    }
    out
}

/// Hyphenation points of a single-face word: byte offsets where "-" may be
/// added. None inside numbers, abbreviations, all-caps words, or right after
/// an elided apostrophe ("dell'amministrazione" breaks only after "ammi").
fn hyphen_points(text: &str) -> Vec<usize> {
    let Some(dict) = hyphenator() else {
        return Vec::new();
    };
    let start = text
        .char_indices()
        .find(|(_, c)| c.is_alphabetic())
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let end = text
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphabetic())
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(start);
    if end <= start {
        return Vec::new();
    }
    let core = &text[start..end];
    // After the last apostrophe, if any.
    let offset = core
        .rfind(['\'', '’'])
        .map(|i| i + core[i..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    let stem = &core[offset..];
    if stem.chars().count() < 5
        || !stem.chars().all(char::is_alphabetic)
        || stem.chars().filter(|c| c.is_uppercase()).count() > 1
    {
        return Vec::new();
    }
    let lower = stem.to_lowercase();
    if lower.len() != stem.len() {
        return Vec::new();
    }
    dict.hyphenate(&lower)
        .breaks
        .into_iter()
        .filter(|b| *b >= 2 && stem.len() - *b >= 2)
        .map(|b| start + offset + b)
        .collect()
}

/// Natural break points of a word that cannot be hyphenated: byte offsets
/// after "@", ".", "/", "-" or "_" in an address (e-mail, PEC, web), and
/// after a hyphen between letters in any word ("economico-finanziaria").
/// No break leaves fewer than two characters on either side.
fn natural_breaks(text: &str) -> Vec<usize> {
    let address = text.contains('@') || text.contains("://") || text.starts_with("www.");
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Never right after "https://".
    let scheme_end = text.find("://").map_or(0, |i| i + 3);
    let mut out = Vec::new();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if i < 1 || i + 2 >= chars.len() {
            continue;
        }
        let after = at + c.len_utf8();
        let breaks = if address {
            matches!(c, '@' | '.' | '/' | '-' | '_')
        } else {
            c == '-' && chars[i - 1].1.is_alphabetic() && chars[i + 1].1.is_alphabetic()
        };
        // Never inside "://" nor before a following separator.
        if breaks && after > scheme_end && !matches!(chars[i + 1].1, '/' | '.' | '@') {
            out.push(after);
        }
    }
    out
}

/// A laid-out line before positioning.
#[derive(Debug, Default, Clone)]
pub(super) struct Line {
    pub(super) runs: Vec<(Face, String)>,
    pub(super) width: f32,
    pub(super) spaces: usize,
}

impl Line {
    fn push(&mut self, face: Face, text: &str, width: f32) {
        self.spaces += text.matches(' ').count();
        self.width += width;
        match self.runs.last_mut() {
            Some((f, t)) if *f == face => t.push_str(text),
            _ => self.runs.push((face, text.to_string())),
        }
    }

    fn push_word(&mut self, word: &Word, with_space: bool, f: &Fonts, size: f32) {
        if with_space {
            let face = word.pieces[0].face;
            self.push(face, " ", f.width(face, " ", size));
        }
        for p in &word.pieces {
            self.push(p.face, &p.text, f.width(p.face, &p.text, size));
        }
    }

    fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// Splits a one-piece word at byte `b`: the head (with `mark` after it, a
/// hyphen or nothing) keeps the word's space before it, the rest starts a line.
fn split_word(word: &Word, b: usize, mark: &str, f: &Fonts, size: f32) -> (Word, Word) {
    let piece = &word.pieces[0];
    let head = Word {
        pieces: vec![Piece {
            face: piece.face,
            text: format!("{}{mark}", &piece.text[..b]),
        }],
        width: 0.0,
        space_before: word.space_before,
    };
    let rest = piece.text[b..].to_string();
    let rest = Word {
        width: f.width(piece.face, &rest, size),
        pieces: vec![Piece {
            face: piece.face,
            text: rest,
        }],
        space_before: 0.0,
    };
    (head, rest)
}

/// Breaks words into lines of at most `max` points (first fit, with
/// hyphenation when the next word does not fit).
pub(super) fn break_lines(
    words: &[Word],
    max: f32,
    size: f32,
    f: &Fonts,
    hyphenate: bool,
) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut line = Line::default();
    let mut queue: std::collections::VecDeque<Word> = words.iter().cloned().collect();
    while let Some(word) = queue.pop_front() {
        let space = if line.is_empty() {
            0.0
        } else {
            word.space_before
        };
        if line.width + space + word.width <= max + 0.01 {
            line.push_word(&word, !line.is_empty(), f, size);
            continue;
        }
        // Try to hyphenate a single-piece word.
        if hyphenate && word.pieces.len() == 1 {
            let piece = &word.pieces[0];
            let hyphen_w = f.width(piece.face, "-", size);
            let points = hyphen_points(&piece.text);
            let fit = points.iter().rev().find(|&&b| {
                line.width + space + f.width(piece.face, &piece.text[..b], size) + hyphen_w
                    <= max + 0.01
            });
            if let Some(&b) = fit {
                let (head, rest) = split_word(&word, b, "-", f, size);
                line.push_word(&head, !line.is_empty(), f, size);
                lines.push(std::mem::take(&mut line));
                queue.push_front(rest);
                continue;
            }
        }
        // Break an address or a hyphenated compound at a natural point.
        if word.pieces.len() == 1 {
            let piece = &word.pieces[0];
            let points = natural_breaks(&piece.text);
            let fit = points.iter().rev().find(|&&b| {
                line.width + space + f.width(piece.face, &piece.text[..b], size) <= max + 0.01
            });
            if let Some(&b) = fit {
                let (head, rest) = split_word(&word, b, "", f, size);
                line.push_word(&head, !line.is_empty(), f, size);
                lines.push(std::mem::take(&mut line));
                queue.push_front(rest);
                continue;
            }
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            queue.push_front(word);
            continue;
        }
        // A word wider than the whole line on its own: cut it by characters.
        let mut head = Line::default();
        let mut rest_pieces = Vec::new();
        for (pi, p) in word.pieces.iter().enumerate() {
            if !rest_pieces.is_empty() {
                rest_pieces.push(p.clone());
                continue;
            }
            let mut cut = p.text.len();
            for (i, c) in p.text.char_indices() {
                let w = f.width(p.face, &c.to_string(), size);
                if head.width + w > max && !(head.is_empty() && i == 0) {
                    cut = i;
                    break;
                }
                head.push(p.face, &c.to_string(), w);
            }
            if cut < p.text.len() {
                rest_pieces.push(Piece {
                    face: p.face,
                    text: p.text[cut..].to_string(),
                });
                rest_pieces.extend(word.pieces[pi + 1..].iter().cloned());
                break;
            }
        }
        lines.push(head);
        if !rest_pieces.is_empty() {
            let width = rest_pieces
                .iter()
                .map(|p| f.width(p.face, &p.text, size))
                .sum();
            queue.push_front(Word {
                pieces: rest_pieces,
                width,
                space_before: 0.0,
            });
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
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
                break_lines(&words(l, BODY, Face::Regular, f), max, BODY, f, false)
            }
        })
        .collect()
}

/// The most lines a list may have to be kept whole on one page.
const SHORT_LIST: f32 = 8.0;

/// The height of a list's items, gaps included.
fn list_height(items: &[Vec<Span>], f: &Fonts) -> f32 {
    items
        .iter()
        .map(|item| {
            let n = break_lines(
                &words(item, BODY, Face::Regular, f),
                WIDTH - LIST_INDENT,
                BODY,
                f,
                true,
            )
            .len();
            n as f32 * LEADING + PARA_GAP / 2.0
        })
        .sum()
}

/// The width of a label/value table's label column, as a share of the text
/// width: the widest label (bold) and some air, between 20% and 36%.
pub fn table_label_share(rows: &[(Vec<Span>, Vec<Span>)], f: &Fonts) -> f32 {
    let widest = rows
        .iter()
        .map(|(label, _)| {
            label
                .iter()
                .map(|s| f.width(Face::Bold, &s.text, BODY))
                .sum::<f32>()
        })
        .fold(0.0, f32::max);
    ((widest + 16.0) / WIDTH).clamp(0.20, 0.36)
}

fn table_label_width(rows: &[(Vec<Span>, Vec<Span>)], f: &Fonts) -> f32 {
    WIDTH * table_label_share(rows, f)
}

/// Places lines and rules on pages.
struct Composer<'f> {
    f: &'f Fonts,
    pages: Vec<Page>,
    y: f32,
    body_top: f32,
    header: Vec<String>,
}

impl<'f> Composer<'f> {
    fn new(f: &'f Fonts, header: Vec<String>) -> Self {
        let header_h = running_header_height(header.len());
        let body_top = PAGE_H - TOP - header_h;
        let mut c = Composer {
            f,
            pages: Vec::new(),
            y: 0.0,
            body_top,
            header,
        };
        c.new_page();
        c
    }

    fn new_page(&mut self) {
        self.pages.push(Page {
            draws: running_header(self.f, &self.header, LEFT, WIDTH, PAGE_H - TOP),
            ..Page::default()
        });
        self.y = self.body_top;
    }

    fn room(&self) -> f32 {
        self.y - BOTTOM
    }

    /// Space for `n` more lines on this page.
    fn lines_left(&self) -> usize {
        (self.room() / LEADING).floor().max(0.0) as usize
    }

    fn gap(&mut self, points: f32) {
        // No gap at the top of a page.
        if (self.y - self.body_top).abs() > 0.01 {
            self.y -= points;
        }
    }

    fn ensure(&mut self, height: f32) {
        if self.room() < height && (self.y - self.body_top).abs() > 0.01 {
            self.new_page();
        }
    }

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
        self.y -= LEADING.max(size * 1.3);
        let baseline = self.y + (LEADING - size) / 2.0 + 1.5;
        if let Some(page) = self.pages.last_mut() {
            page.draws.push(Draw::Text(TextLine {
                x,
                y: baseline,
                size,
                runs: line.runs.clone(),
                space_extra: extra,
                color: Rgb::BLACK,
            }));
        }
    }

    /// A paragraph's lines with widow and orphan control: never one line
    /// alone at the foot or at the head of a page.
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
                self.new_page();
            } else {
                for (i, line) in lines[..first_part].iter().enumerate() {
                    if i == 0 {
                        self.marker(&marker, x, size);
                    }
                    self.draw_line(line, x, max, align, false, size);
                }
                self.new_page();
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
                self.new_page();
            }
            self.draw_line(line, x, max, align, i + 1 == n, size);
        }
    }

    fn marker(&mut self, marker: &Option<(Face, String)>, x: f32, size: f32) {
        if let (Some((face, text)), Some(page)) = (marker, self.pages.last_mut()) {
            let baseline = self.y - LEADING + (LEADING - size) / 2.0 + 1.5;
            page.draws.push(Draw::Text(TextLine {
                x: x - LIST_INDENT,
                y: baseline,
                size,
                runs: vec![(*face, text.clone())],
                space_extra: 0.0,
                color: Rgb::BLACK,
            }));
        }
    }

    fn block(&mut self, block: &Block, next_is_text: bool) {
        let f = self.f;
        match block {
            Block::Heading { level, spans } => {
                let (size, before, after) = if *level == 1 {
                    (BODY + 1.0, 10.0, 6.0)
                } else {
                    (BODY, 10.0, 2.0)
                };
                let lines = break_lines(&words(spans, size, Face::Bold, f), WIDTH, size, f, false);
                self.gap(before);
                // Keep the heading with two lines of what follows.
                let keep = if next_is_text { 2.0 * LEADING } else { 0.0 };
                self.ensure(lines.len() as f32 * LEADING + keep);
                for line in &lines {
                    self.draw_line(line, LEFT, WIDTH, Align::Center, true, size);
                }
                self.y -= after;
            }
            Block::Paragraph { spans } => {
                let lines =
                    break_lines(&words(spans, BODY, Face::Regular, f), WIDTH, BODY, f, true);
                self.gap(PARA_GAP);
                self.flow(&lines, LEFT, WIDTH, Align::Justify, BODY, None);
            }
            Block::Lines { align, lines } => {
                self.gap(PARA_GAP);
                let (x, max) = if *align == Align::RightBlock {
                    (LEFT + WIDTH * RIGHT_BLOCK, WIDTH * (1.0 - RIGHT_BLOCK))
                } else {
                    (LEFT, WIDTH)
                };
                let broken = break_kept_lines(lines, max, f);
                let keep = if *align == Align::RightBlock {
                    broken.len()
                } else {
                    broken.len().min(4)
                };
                self.ensure(keep as f32 * LEADING);
                for line in &broken {
                    if self.lines_left() == 0 {
                        self.new_page();
                    }
                    self.draw_line(line, x, max, *align, true, BODY);
                }
            }
            Block::List { ordered, items } => {
                self.gap(PARA_GAP / 2.0);
                // A short list (an enclosure list, a few points) stays whole.
                let height = list_height(items, f);
                if height <= SHORT_LIST * LEADING {
                    self.ensure(height);
                }
                for (i, item) in items.iter().enumerate() {
                    let x = LEFT + LIST_INDENT;
                    let max = WIDTH - LIST_INDENT;
                    let lines =
                        break_lines(&words(item, BODY, Face::Regular, f), max, BODY, f, true);
                    let mark = if *ordered {
                        format!("{}.", i + 1)
                    } else {
                        "•".to_string()
                    };
                    self.gap(PARA_GAP / 2.0);
                    self.flow(
                        &lines,
                        x,
                        max,
                        Align::Justify,
                        BODY,
                        Some((Face::Regular, mark)),
                    );
                }
            }
            Block::Table { rows } => {
                self.gap(PARA_GAP);
                let label_w = table_label_width(rows, f);
                let value_x = LEFT + label_w + 8.0;
                let value_w = WIDTH - label_w - 8.0;
                self.ensure(LEADING * 2.0 + 4.0);
                self.rule(LEFT, LEFT + WIDTH, self.y, 0.5);
                for (label, value) in rows {
                    let l =
                        break_lines(&words(label, BODY, Face::Bold, f), label_w, BODY, f, false);
                    // Left-aligned cells: no hyphenation.
                    let v = break_lines(
                        &words(value, BODY, Face::Regular, f),
                        value_w,
                        BODY,
                        f,
                        false,
                    );
                    let n = l.len().max(v.len()).max(1);
                    self.ensure(n as f32 * LEADING + 6.0);
                    let top = self.y - 2.0;
                    self.y = top;
                    for line in &l {
                        self.draw_line(line, LEFT + 2.0, label_w, Align::Justify, true, BODY);
                    }
                    let after_label = self.y;
                    self.y = top;
                    for line in &v {
                        self.draw_line(line, value_x, value_w, Align::Justify, true, BODY);
                    }
                    self.y = self.y.min(after_label) - 4.0;
                    self.rule(LEFT, LEFT + WIDTH, self.y, 0.5);
                }
            }
            Block::Signature { lines } => {
                let col_x = LEFT + WIDTH * 0.5;
                let col_w = WIDTH * 0.5;
                let broken = break_kept_lines(lines, col_w, f);
                self.gap(LEADING * 1.5);
                self.ensure(broken.len() as f32 * LEADING);
                for line in &broken {
                    self.draw_line(line, col_x, col_w, Align::Center, true, BODY);
                }
            }
            Block::PageBreak => self.new_page(),
        }
    }

    /// Signature blocks side by side, each in its own column, top-aligned.
    fn signatures(&mut self, blocks: &[&Vec<Vec<Span>>]) {
        let n = blocks.len().max(1) as f32;
        let col_w = WIDTH / n;
        let broken: Vec<Vec<Line>> = blocks
            .iter()
            .map(|l| break_kept_lines(l, col_w - 8.0, self.f))
            .collect();
        let rows = broken.iter().map(Vec::len).max().unwrap_or(0);
        self.gap(LEADING * 1.5);
        self.ensure(rows as f32 * LEADING);
        let top = self.y;
        let mut bottom = top;
        for (i, lines) in broken.iter().enumerate() {
            self.y = top;
            for line in lines {
                self.draw_line(
                    line,
                    LEFT + col_w * i as f32,
                    col_w,
                    Align::Center,
                    true,
                    BODY,
                );
            }
            bottom = bottom.min(self.y);
        }
        self.y = bottom;
    }

    /// The height of a block of signatures (for keeping the line before it).
    fn signature_height(&self, lines: &[Vec<Span>], width: f32) -> f32 {
        break_kept_lines(lines, width, self.f).len() as f32 * LEADING + LEADING * 1.5
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32) {
        if let Some(page) = self.pages.last_mut() {
            page.draws.push(Draw::Rule { x1, x2, y, width });
        }
    }

    fn finish(mut self) -> Vec<Page> {
        let total = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            page.draws
                .push(footer(self.f, i + 1, total, LEFT, WIDTH, BOTTOM - 30.0));
        }
        self.pages
    }
}

/// The running header of a page: its lines centred over the text width from
/// `top` down (the first bold), then a rule under them.
pub(super) fn running_header(
    f: &Fonts,
    header: &[String],
    left: f32,
    width: f32,
    top: f32,
) -> Vec<Draw> {
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

/// The height the running header takes from the top margin.
pub(super) fn running_header_height(lines: usize) -> f32 {
    if lines == 0 {
        0.0
    } else {
        lines as f32 * 13.0 + 14.0
    }
}

/// The footer "Pagina X di Y", centred over the text width at baseline `y`.
pub(super) fn footer(f: &Fonts, page: usize, total: usize, left: f32, width: f32, y: f32) -> Draw {
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

/// Typesets the document into pages.
pub fn layout(doc: &Document) -> Vec<Page> {
    let f = fonts();
    let mut c = Composer::new(f, doc.header.clone());
    let mut i = 0;
    while i < doc.blocks.len() {
        let block = &doc.blocks[i];
        // Signature blocks in a row print side by side.
        if let Block::Signature { lines } = block {
            let mut group = vec![lines];
            while let Some(Block::Signature { lines }) = doc.blocks.get(i + group.len()) {
                group.push(lines);
            }
            if group.len() > 1 {
                i += group.len();
                c.signatures(&group);
                continue;
            }
        }
        let next_is_text = matches!(
            doc.blocks.get(i + 1),
            Some(
                Block::Paragraph { .. }
                    | Block::List { .. }
                    | Block::Lines { .. }
                    | Block::Table { .. }
            )
        );
        // A signature keeps the short paragraph before it (place and date)
        // on its page: it is never alone at the head of a page.
        if let (Block::Paragraph { spans }, Some(Block::Signature { lines })) =
            (block, doc.blocks.get(i + 1))
        {
            let n = break_lines(&words(spans, BODY, Face::Regular, f), WIDTH, BODY, f, true).len();
            let keep =
                n.min(2) as f32 * LEADING + PARA_GAP + c.signature_height(lines, WIDTH * 0.5);
            c.ensure(keep);
        }
        // A paragraph that introduces a list ("Allegati:", "Visti:") keeps
        // with its first items, or with the whole list if it is short.
        if let (Block::Paragraph { spans }, Some(Block::List { items, .. })) =
            (block, doc.blocks.get(i + 1))
        {
            let text: String = spans.iter().map(|s| s.text.as_str()).collect();
            if text.trim_end().ends_with(':') {
                let n =
                    break_lines(&words(spans, BODY, Face::Regular, f), WIDTH, BODY, f, true).len();
                let list = list_height(items, f);
                let list = if list <= SHORT_LIST * LEADING {
                    list
                } else {
                    2.0 * LEADING
                };
                c.ensure(n as f32 * LEADING + PARA_GAP * 2.0 + list);
            }
        }
        c.block(block, next_is_text);
        i += 1;
    }
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenates_italian_but_not_after_apostrophes_or_numbers() {
        let p = hyphen_points("amministrazione");
        assert!(!p.is_empty());
        let word = "dell'amministrazione";
        let apos = word.find('\'').unwrap();
        assert!(
            hyphen_points(word).iter().all(|b| *b > apos + 2),
            "{:?}",
            hyphen_points(word)
        );
        assert!(hyphen_points("2.500,00").is_empty());
        assert!(hyphen_points("PROPONE").is_empty());
    }

    #[test]
    fn ties_keep_numbers_with_their_abbreviation() {
        let f = fonts();
        let spans = vec![Span {
            text: "ai sensi dell'art. 15 della L. 190 e € 2.500,00".into(),
            bold: false,
            italic: false,
        }];
        let ws: Vec<String> = words(&spans, 12.0, Face::Regular, f)
            .iter()
            .map(Word::text)
            .collect();
        assert!(ws.contains(&"dell'art. 15".to_string()), "{ws:?}");
        assert!(ws.contains(&"L. 190".to_string()), "{ws:?}");
        assert!(ws.contains(&"€ 2.500,00".to_string()), "{ws:?}");
    }

    #[test]
    fn justified_lines_fill_the_measure() {
        let f = fonts();
        let text = "Premesso che la legge 6 novembre 2012, n. 190, recante disposizioni per la prevenzione e la repressione della corruzione e dell'illegalità nella pubblica amministrazione, prevede che ogni amministrazione pubblica adotti un piano triennale.";
        let spans = vec![Span {
            text: text.into(),
            bold: false,
            italic: false,
        }];
        let lines = break_lines(&words(&spans, 12.0, Face::Regular, f), 300.0, 12.0, f, true);
        assert!(lines.len() > 3);
        for l in &lines {
            assert!(l.width <= 300.01, "{l:?}");
        }
        for l in &lines[..lines.len() - 1] {
            assert!(l.width > 240.0, "loose line {l:?}");
        }
        let joined: String = lines
            .iter()
            .map(|l| l.runs.iter().map(|r| r.1.as_str()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!joined.contains("dell'-"), "{joined}");
        assert!(!joined.contains("n.\n190"), "{joined}");
    }

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
            let max = WIDTH - width_cut;
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
                            || !t.rsplit(' ').next().unwrap().contains(['@', '/']),
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
        };
        let pages = layout(&doc);
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
        let pages = layout(&Document {
            title: String::new(),
            header: vec![],
            blocks,
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
