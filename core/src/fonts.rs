//! The embedded fonts (Liberation Serif, SIL OFL 1.1) and their metrics:
//! what the text rule (a field refuses the characters no face can print)
//! and the documents (lines broken by width, subsets embedded) share. What
//! every process would compute first from the font files (each face's
//! widths and glyphs of the code points below U+3000, the subset of the
//! [`COMMON`] characters with its program compressed, the sRGB profile
//! compressed) is prepared once and shipped in `assets/fonts/prepared.bin`
//! (written by `documents::fonts`, whose test checks it against the font
//! files and rewrites it with `CDP_UPDATE_PREPARED=1`), so the first
//! document of a process parses no font. Making a new subset, and the
//! prepared file, belong to the documents (`documents::fonts`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use printpdf::ParsedFont;

/// The four faces of the body font.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

impl Face {
    pub const ALL: [Face; 4] = [Face::Regular, Face::Bold, Face::Italic, Face::BoldItalic];

    pub fn new(bold: bool, italic: bool) -> Face {
        match (bold, italic) {
            (false, false) => Face::Regular,
            (true, false) => Face::Bold,
            (false, true) => Face::Italic,
            (true, true) => Face::BoldItalic,
        }
    }

    pub fn is_bold(self) -> bool {
        matches!(self, Face::Bold | Face::BoldItalic)
    }

    pub fn is_italic(self) -> bool {
        matches!(self, Face::Italic | Face::BoldItalic)
    }

    pub fn bold(self) -> Face {
        Face::new(true, self.is_italic())
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

pub(crate) const FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../assets/fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../assets/fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../assets/fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../assets/fonts/LiberationSerif-BoldItalic.ttf"),
];

/// The family name written in DOCX files: Word has Times New Roman, and
/// LibreOffice replaces it with the metric-compatible Liberation Serif.
pub const DOCX_FAMILY: &str = "Times New Roman";

pub struct Fonts {
    /// Each face's tables and common subset, read from [`PREPARED`].
    pub(crate) prepared: [Prepared; 4],
    /// The sRGB profile compressed (zlib), from [`PREPARED`].
    srgb_deflated: Vec<u8>,
    /// Each face parsed on first need: a code point above the tables, or a
    /// subset beyond the common one.
    faces: [OnceLock<ParsedFont>; 4],
    /// The subsets made so far, by face and glyph set: a batch of acts, whose
    /// texts differ only in names, subsets each face once (see [`Fonts::subset`]).
    pub(crate) subsets: Mutex<Subsets>,
}

/// The subsets made so far, by face and glyph ids.
pub(crate) type Subsets = HashMap<(Face, Vec<u16>), Arc<Subset>>;

/// What is known of a face without parsing it.
pub(crate) struct Prepared {
    /// Advance widths in thousandths of an em, truncated exactly as printpdf
    /// writes them in the PDF's /W array, so that justified lines end where
    /// the viewer draws them. Indexed by code point below [`TABLE_SIZE`]
    /// ([`MISSING`]: the face has no glyph).
    pub(crate) widths: Box<[u16]>,
    /// The face's glyph of each code point below [`TABLE_SIZE`] (0: none).
    pub(crate) gids: Box<[u16]>,
    /// The glyph ids of the [`COMMON`] subset (`.notdef` first): the key of
    /// a document whose characters are all common.
    pub(crate) common_key: Vec<u16>,
    pub(crate) common: Arc<Subset>,
}

/// A subset of one face, ready to embed, made once per glyph set: everything
/// the PDF writer needs of it, the font objects' bodies serialised once.
pub struct Subset {
    /// The font's name with its six-letter subset tag (`ABCDEF+LiberationSerif`).
    pub name: String,
    /// The subset's glyph of each code point below [`TABLE_SIZE`] (0: none).
    pub(crate) gids: Box<[u16]>,
    /// The subset's glyphs of the code points above, sorted by code point.
    pub(crate) gids_above: Vec<(u32, u16)>,
    /// The character each glyph prints, by glyph id (its lowest code point in
    /// the subset's cmap), for the `/ToUnicode` map.
    pub chars: Vec<Option<char>>,
    /// The `/W` array of every glyph (thousandths of an em, truncated as
    /// printpdf wrote them).
    pub widths: String,
    /// The font descriptor's metric entries (`/Ascent … /FontBBox […]`).
    pub metrics: String,
    /// The `/ToUnicode` CMap of every glyph by its [`Subset::chars`], compressed.
    pub to_unicode: Vec<u8>,
    /// The font program's size before compression (`/Length1`).
    pub program_len: usize,
    /// Its font program compressed once (zlib), written as the `/FontFile2`
    /// stream of every document that embeds this subset.
    pub deflated: Vec<u8>,
}

impl Subset {
    /// The subset's glyph id of `ch` (0, `.notdef`, if it has none).
    pub fn gid(&self, ch: char) -> u16 {
        let cp = ch as u32;
        if (cp as usize) < TABLE_SIZE {
            self.gids[cp as usize]
        } else {
            self.gids_above
                .binary_search_by_key(&cp, |(c, _)| *c)
                .map(|i| self.gids_above[i].1)
                .unwrap_or(0)
        }
    }
}

pub(crate) const TABLE_SIZE: usize = 0x3000;
pub(crate) const MISSING: u16 = u16::MAX;
/// At most this many subsets are kept (each some 60 KB: its program, plain
/// and compressed, and its parsed maps; a batch of one act uses two to
/// four); the cache starts again when full.
pub(crate) const MAX_SUBSETS: usize = 16;

/// The characters every subset holds beside a document's own: Italian text's
/// letters, digits and punctuation. Documents that differ only in a name
/// (the same act for 108 comuni) then share one subset per face, at the cost
/// of a few glyphs they may not print.
/// With the e-mail sign, the lists' bullet, the blank line of forms and
/// the middle dot, every act and most reports print common glyphs only:
/// their subsets are prepared (see [`prepare`]).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const COMMON: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'\"()[]/-–—«»’‘“”…%&°€§+*=àèéìíòóùúÀÈÉÌÒÓÙ@•_·";

static FONTS: OnceLock<Fonts> = OnceLock::new();

/// What `documents::fonts::prepare` made of the font files (checked by a test).
pub(crate) const PREPARED: &[u8] = include_bytes!("../assets/fonts/prepared.bin");

/// The fonts, from [`PREPARED`]; a face is parsed only when first needed
/// beyond it.
pub fn fonts() -> &'static Fonts {
    FONTS.get_or_init(|| {
        // The prepared file is fixed at build time and checked against the
        // fonts by a test: a failure here is a build defect, not user input.
        let (prepared, srgb_deflated) = read_prepared(PREPARED).expect("prepared fonts read");
        Fonts {
            prepared,
            srgb_deflated,
            faces: Default::default(),
            subsets: Mutex::new(HashMap::new()),
        }
    })
}

pub(crate) fn parse_face(face: Face) -> ParsedFont {
    let mut warnings = Vec::new();
    // The embedded files are fixed at build time and covered by a test; a
    // failure here is a build defect, not user input.
    ParsedFont::from_bytes(FONT_FILES[face.index()], 0, &mut warnings)
        .expect("embedded font parses")
}

/// The width of glyph `gid` of `font` in thousandths of an em, truncated.
pub(crate) fn glyph_width(font: &ParsedFont, gid: u16) -> Option<u16> {
    let upem = f32::from(font.pdf_font_metrics.units_per_em);
    font.get_glyph_width(gid)
        .map(|w| (f32::from(w) * 1000.0 / upem) as u16)
}

impl Fonts {
    fn parsed(&self, face: Face) -> &ParsedFont {
        self.faces[face.index()].get_or_init(|| parse_face(face))
    }

    /// The sRGB profile of the PDF's output intent, compressed (zlib).
    pub fn srgb_deflated(&self) -> &[u8] {
        &self.srgb_deflated
    }

    /// The face's glyph of `ch` (0 if it has none).
    pub(crate) fn gid(&self, face: Face, ch: char) -> u16 {
        let cp = ch as usize;
        if cp < TABLE_SIZE {
            self.prepared[face.index()].gids[cp]
        } else {
            self.parsed(face).lookup_glyph_index(cp as u32).unwrap_or(0)
        }
    }

    /// Width of `ch` in thousandths of an em, or None if the font lacks it.
    pub fn char_width(&self, face: Face, ch: char) -> Option<u16> {
        let cp = ch as usize;
        if cp < TABLE_SIZE {
            let w = self.prepared[face.index()].widths[cp];
            (w != MISSING).then_some(w)
        } else {
            let font = self.parsed(face);
            font.lookup_glyph_index(cp as u32)
                .filter(|gid| *gid != 0)
                .and_then(|gid| glyph_width(font, gid))
        }
    }

    /// Width of `text` in points at `size`.
    pub fn width(&self, face: Face, text: &str, size: f32) -> f32 {
        let widths = &self.prepared[face.index()].widths;
        let mut units: u32 = 0;
        for c in text.chars() {
            let cp = c as usize;
            let w = if cp < TABLE_SIZE {
                widths[cp]
            } else {
                self.char_width(face, c).unwrap_or(0)
            };
            if w != MISSING {
                units += u32::from(w);
            }
        }
        units as f32 * size / 1000.0
    }

    /// The characters of `text` that the body font cannot print.
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        let widths = &self.prepared[Face::Regular.index()].widths;
        let mut out: Vec<char> = text
            .chars()
            .filter(|c| {
                let cp = *c as usize;
                let missing = if cp < TABLE_SIZE {
                    widths[cp] == MISSING
                } else {
                    self.char_width(Face::Regular, *c).is_none()
                };
                missing && !c.is_control()
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The prepared file's first bytes (its format's version).
pub(crate) const PREPARED_MAGIC: &[u8] = b"CDP-FONTS-1\n";

/// Reads what `documents::fonts::prepare` wrote.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn len(&mut self) -> Option<usize> {
        self.u32().map(|n| n as usize)
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }
    fn string(&mut self) -> Option<String> {
        self.bytes()
            .and_then(|b| std::str::from_utf8(b).ok())
            .map(str::to_string)
    }
}

fn read_prepared(bytes: &[u8]) -> Option<([Prepared; 4], Vec<u8>)> {
    let mut r = Reader(bytes.strip_prefix(PREPARED_MAGIC)?);
    let srgb = r.bytes()?.to_vec();
    let mut faces = Vec::with_capacity(4);
    for _ in Face::ALL {
        let mut widths = vec![MISSING; TABLE_SIZE].into_boxed_slice();
        let mut face_gids = vec![0u16; TABLE_SIZE].into_boxed_slice();
        for _ in 0..r.len()? {
            let cp = r.u32()? as usize;
            let gid = r.u16()?;
            let w = r.u16()?;
            *face_gids.get_mut(cp)? = gid;
            widths[cp] = w;
        }
        let common_key = (0..r.len()?).map(|_| r.u16()).collect::<Option<Vec<_>>>()?;
        let name = r.string()?;
        let mut gids = vec![0u16; TABLE_SIZE].into_boxed_slice();
        for _ in 0..r.len()? {
            let cp = r.len()?;
            *gids.get_mut(cp)? = r.u16()?;
        }
        let gids_above = (0..r.len()?)
            .map(|_| Some((r.u32()?, r.u16()?)))
            .collect::<Option<Vec<_>>>()?;
        let chars = (0..r.len()?)
            .map(|_| r.u32().map(char::from_u32))
            .collect::<Option<Vec<_>>>()?;
        let widths_array = r.string()?;
        let metrics = r.string()?;
        let to_unicode = r.bytes()?.to_vec();
        let program_len = r.len()?;
        let deflated = r.bytes()?.to_vec();
        faces.push(Prepared {
            widths,
            gids: face_gids,
            common_key,
            common: Arc::new(Subset {
                name,
                gids,
                gids_above,
                chars,
                widths: widths_array,
                metrics,
                to_unicode,
                program_len,
                deflated,
            }),
        });
    }
    if !r.0.is_empty() {
        return None;
    }
    Some((faces.try_into().ok()?, srgb))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables read back give what parsing each face gives.
    #[test]
    fn widths_and_glyphs_are_those_of_the_parsed_faces() {
        let f = fonts();
        for face in Face::ALL {
            let font = parse_face(face);
            for cp in (0..TABLE_SIZE as u32).chain([0x1F600, 0x10FFFF]) {
                let Some(ch) = char::from_u32(cp) else {
                    continue;
                };
                let gid = font.lookup_glyph_index(cp).filter(|g| *g != 0);
                assert_eq!(f.gid(face, ch), gid.unwrap_or(0), "{face:?} U+{cp:04X}");
                assert_eq!(
                    f.char_width(face, ch),
                    gid.and_then(|g| glyph_width(&font, g)),
                    "{face:?} U+{cp:04X}"
                );
            }
        }
    }
}
