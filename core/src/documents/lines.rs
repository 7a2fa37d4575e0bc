//! Line breaking: styled spans into words (numbers tied to their
//! abbreviation, titles to names), words into lines of a measure with
//! Italian hyphenation and natural breaks in addresses, and text fitted
//! into a box with an ellipsis. Used by the composer for every block.

use std::sync::OnceLock;

use hyphenation::{Hyphenator, Language, Load, Standard};

use super::model::{span, Span};
use crate::fonts::{fonts, Face, Fonts};

/// Line height of a drawing's text, as a multiple of the font size.
pub const TEXT_LEADING: f32 = 1.2;
pub(super) const ASCENT: f32 = 0.9;
pub(super) const DESCENT: f32 = 0.22;
const ELLIPSIS: &str = "…";

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

/// Whether `word` in lower case is one of `list` (all lower case), without
/// lowering a word of ASCII letters into a new string.
fn lower_in(word: &str, list: &[&str]) -> bool {
    if word.is_ascii() {
        list.iter().any(|w| word.eq_ignore_ascii_case(w))
    } else {
        let lower = word.to_lowercase();
        list.contains(&lower.as_str())
    }
}

fn ties_to_next(word: &str, next: &str) -> bool {
    // "prot. n. 1234": the abbreviation stays with "n.", which stays with its number.
    // (Every abbreviation and title has a dot.)
    let dotted = word.contains('.');
    if dotted
        && lower_in(word, &["prot.", "delib.", "decr."])
        && lower_in(next, &["n.", "n°", "nn."])
    {
        return true;
    }
    if dotted && lower_in(word, TITLES) {
        return true;
    }
    // "7 agosto 1990", "1° settembre 1993": a day stays with its month.
    let day = word.strip_suffix('°').unwrap_or(word);
    if !day.is_empty() && day.chars().all(|c| c.is_ascii_digit()) && day.len() <= 2 {
        let month = next.trim_end_matches([',', ';', '.', ':']);
        if lower_in(month, &crate::text::MONTHS) {
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
    lower_in(word, TIED_BEFORE_NUMBER)
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
    pub(super) fn text(&self) -> String {
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

    // Whether each token is tied to the one after it (on each token's
    // text, borrowed when it is one piece).
    let ties: Vec<bool> = {
        let texts: Vec<std::borrow::Cow<'_, str>> = tokens
            .iter()
            .map(|(pieces, _)| match pieces.as_slice() {
                [one] => std::borrow::Cow::Borrowed(one.text.as_str()),
                more => std::borrow::Cow::Owned(more.iter().map(|p| p.text.as_str()).collect()),
            })
            .collect();
        (0..texts.len())
            .map(|i| {
                texts
                    .get(i + 1)
                    .is_some_and(|next| ties_to_next(&texts[i], next))
            })
            .collect()
    };
    let mut out: Vec<Word> = Vec::with_capacity(tokens.len());
    let mut tie_next = false;
    for (i, (pieces, _)) in tokens.into_iter().enumerate() {
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
                prev.pieces.extend(pieces);
                prev.width += f.width(face, " ", size) + width;
            }
        } else {
            out.push(Word {
                pieces,
                width,
                space_before: if i == 0 { 0.0 } else { space_w },
            });
        }
        tie_next = ties[i];
    }
    out
}

/// Hyphenation points of a single-face word: byte offsets where "-" may be
/// added. None inside numbers, abbreviations, all-caps words, or right after
/// an elided apostrophe ("dell'amministrazione" breaks only after "ammi"),
/// and none in a word that starts with a capital letter, before or after an
/// apostrophe: names of people, comuni and offices («Militello»,
/// «Sant'Agata», «Messina») are never broken with a hyphen.
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
    let capital = |t: &str| t.chars().next().is_some_and(char::is_uppercase);
    if capital(core)
        || capital(stem)
        || stem.chars().count() < 5
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

/// Whether a word is an address (e-mail, PEC, web): it goes whole to the
/// next line rather than being split at «@», «/» or «.».
fn is_address(text: &str) -> bool {
    text.contains('@') || text.contains("://") || text.starts_with("www.")
}

/// Natural break points of a word that cannot be hyphenated: byte offsets
/// after "@", ".", "/", "-" or "_" in an address (e-mail, PEC, web), and
/// after a hyphen between letters in any word ("economico-finanziaria").
/// No break leaves fewer than two characters on either side.
pub(super) fn natural_breaks(text: &str) -> Vec<usize> {
    let address = is_address(text);
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

/// The longest word the dictionary is asked to hyphenate, and the longest
/// rest of a broken word given back to the line breaker whole: a longer
/// run of characters (a pasted address, 100 KB without a space) is broken
/// in one pass by [`break_one_piece`].
const LONGEST_WORD: usize = 64;

/// Breaks a one-piece word that does not fit on `line`: at the furthest
/// natural break (an address, a compound) that fits, else on a new line,
/// else by characters. Ends the lines it fills and leaves the last part
/// on `line`; returns the rest to break again when it is a short word (so
/// that it can be hyphenated). One pass over the word: the time is
/// linear in its length however long it is.
fn break_one_piece(
    word: &Word,
    line: &mut Line,
    lines: &mut Vec<Line>,
    max: f32,
    size: f32,
    f: &Fonts,
) -> Option<Word> {
    let piece = &word.pieces[0];
    let (face, text) = (piece.face, piece.text.as_str());
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    // Widths in thousandths of an em, summed as `Fonts::width` sums them.
    let mut units = Vec::with_capacity(bytes.len());
    units.push(0u32);
    for c in text.chars() {
        let last = units[units.len() - 1];
        units.push(last + u32::from(f.char_width(face, c).unwrap_or(0)));
    }
    let width = |a: usize, b: usize| (units[b] - units[a]) as f32 * size / 1000.0;
    let breaks: Vec<usize> = natural_breaks(text)
        .into_iter()
        .map(|b| bytes.partition_point(|&x| x < b))
        .collect();
    let n = bytes.len() - 1;
    let space_w = f.width(face, " ", size);
    let mut start = 0;
    let mut next_break = 0;
    let mut restarted = false;
    loop {
        // A short rest is a word again (it may be hyphenated), unless it is
        // the rest of an address, whose breaks need the whole address.
        if restarted && n - start <= LONGEST_WORD && (start == 0 || breaks.is_empty()) {
            let rest = &text[bytes[start]..];
            return Some(Word {
                pieces: vec![Piece {
                    face,
                    text: rest.to_string(),
                }],
                width: width(start, n),
                space_before: 0.0,
            });
        }
        let with_space = !line.is_empty() && start == 0;
        let space = if with_space { word.space_before } else { 0.0 };
        let avail = max + 0.01 - line.width - space;
        let mut end = start;
        while end < n && width(start, end + 1) <= avail {
            end += 1;
        }
        let push = |line: &mut Line, a: usize, b: usize| {
            if with_space {
                line.push(face, " ", space_w);
            }
            line.push(face, &text[bytes[a]..bytes[b]], width(a, b));
        };
        if end == n {
            push(line, start, n);
            return None;
        }
        while next_break < breaks.len() && breaks[next_break] <= start {
            next_break += 1;
        }
        let fit = breaks[next_break..]
            .iter()
            .take_while(|&&b| b <= end)
            .last()
            .copied();
        if let Some(b) = fit {
            push(line, start, b);
            lines.push(std::mem::take(line));
            start = b;
        } else if !line.is_empty() {
            lines.push(std::mem::take(line));
        } else {
            // By characters: as many as fit, at least one.
            let mut cut = start + 1;
            while cut < n && width(start, cut + 1) <= max {
                cut += 1;
            }
            push(line, start, cut);
            lines.push(std::mem::take(line));
            start = cut;
        }
        restarted = true;
    }
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
    let mode = if hyphenate {
        Hyphenate::Words
    } else {
        Hyphenate::Never
    };
    break_lines_with(words, max, size, f, mode)
}

/// Which words a line break may hyphenate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hyphenate {
    Never,
    /// Any word the Italian dictionary can split.
    Words,
    /// Only words that start with a lower-case letter: in table cells and
    /// drawings, where names of people, places and offices («Rossi»,
    /// «Generale», «Sant'Agata») must stay whole.
    LowerCase,
}

pub(super) fn break_lines_with(
    words: &[Word],
    max: f32,
    size: f32,
    f: &Fonts,
    hyphenate: Hyphenate,
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
        let may_hyphenate = match hyphenate {
            Hyphenate::Never => false,
            Hyphenate::Words => true,
            Hyphenate::LowerCase => word.pieces.first().is_some_and(|p| {
                p.text
                    .chars()
                    .find(|c| c.is_alphabetic())
                    .is_some_and(char::is_lowercase)
            }),
        };
        if may_hyphenate
            && word.pieces.len() == 1
            && word.pieces[0].text.chars().count() <= LONGEST_WORD
        {
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
        // An address that fits on a line of its own goes there whole; one
        // longer than a line is broken at its natural points, as a last resort.
        if !line.is_empty()
            && word.width <= max + 0.01
            && word.pieces.iter().any(|p| is_address(&p.text))
        {
            lines.push(std::mem::take(&mut line));
            queue.push_front(word);
            continue;
        }
        // Break a hyphenated compound at a natural point, an address longer
        // than a line at its natural points, or a word wider than the line
        // by characters.
        if word.pieces.len() == 1 {
            if let Some(rest) = break_one_piece(&word, &mut line, &mut lines, max, size, f) {
                queue.push_front(rest);
            }
            continue;
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

/// Width in points of `text` in the body font (regular or bold) at `size`.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    fonts().width(Face::new(bold, false), text, size)
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

pub(super) fn fit_face(
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
        // Proper names stay whole.
        for name in [
            "Militello",
            "Barcellona",
            "Sant'Agata",
            "dell'Amministrazione",
            "Metropolitana",
        ] {
            assert!(hyphen_points(name).is_empty(), "{name}");
        }
        assert!(!hyphen_points("metropolitana").is_empty());
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

    fn broken(text: &str, max: f32) -> Vec<String> {
        let f = fonts();
        let spans = vec![Span {
            text: text.into(),
            bold: false,
            italic: false,
        }];
        let lines = break_lines(&words(&spans, 10.0, Face::Regular, f), max, 10.0, f, true);
        for l in &lines {
            assert!(l.width <= max + 0.01, "{l:?}");
        }
        lines.iter().map(line_text).collect()
    }

    #[test]
    fn a_long_unbroken_word_is_cut_by_characters_and_nothing_is_lost() {
        let word = "x".repeat(100 * 1024);
        let lines = broken(&format!("Luogo: {word} fine"), 200.0);
        assert!(lines.len() > 300, "{}", lines.len());
        assert_eq!(lines.concat().replace(' ', ""), format!("Luogo:{word}fine"));
        assert!(lines[1..lines.len() - 1]
            .iter()
            .all(|l| l.chars().count() > 30));
        // A long address still breaks after its separators.
        let address = format!("https://www.esempio.it/{}", "cartella/".repeat(40));
        let lines = broken(&address, 120.0);
        assert_eq!(lines.concat(), address);
        assert!(
            lines[..lines.len() - 1]
                .iter()
                .all(|l| l.ends_with(['/', '.'])),
            "{lines:?}"
        );
    }
}
