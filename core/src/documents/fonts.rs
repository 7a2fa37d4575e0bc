//! The embedded fonts (Liberation Serif, SIL OFL 1.1) and their metrics.
//! Parsed once per process; each document embeds a subset of them.

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

    fn index(self) -> usize {
        self as usize
    }
}

pub(super) const FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../../assets/fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../../assets/fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../../assets/fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../../assets/fonts/LiberationSerif-BoldItalic.ttf"),
];

/// The family name written in DOCX files: Word has Times New Roman, and
/// LibreOffice replaces it with the metric-compatible Liberation Serif.
pub const DOCX_FAMILY: &str = "Times New Roman";

pub struct Fonts {
    /// Each face parsed on its first use (a document in roman and bold
    /// never parses the italics).
    faces: [OnceLock<FaceData>; 4],
    /// The subsets made so far, by face and glyph set: a batch of acts, whose
    /// texts differ only in names, subsets each face once (see [`Fonts::subset`]).
    subsets: Mutex<HashMap<(Face, Vec<u16>), Arc<Subset>>>,
}

struct FaceData {
    parsed: ParsedFont,
    /// Advance widths in thousandths of an em, truncated exactly as printpdf
    /// writes them in the PDF's /W array, so that justified lines end where
    /// the viewer draws them. Indexed by code point below 0x3000.
    widths: Vec<u16>,
}

/// A subset of one face, ready to embed, made once per glyph set.
pub struct Subset {
    /// The subset parsed, named with its subset tag, for printpdf.
    pub font: ParsedFont,
    /// Its font program compressed once (zlib), written as the `/FontFile2`
    /// stream of every document that embeds this subset.
    pub deflated: Vec<u8>,
}

const TABLE_SIZE: usize = 0x3000;
const MISSING: u16 = u16::MAX;
/// At most this many subsets are kept (each some 60 KB: its program, plain
/// and compressed, and its parsed maps; a batch of one act uses two to
/// four); the cache starts again when full.
const MAX_SUBSETS: usize = 16;

/// The characters every subset holds beside a document's own: Italian text's
/// letters, digits and punctuation. Documents that differ only in a name
/// (the same act for 108 comuni) then share one subset per face, at the cost
/// of a few glyphs they may not print.
const COMMON: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'\"()[]/-–—«»’‘“”…%&°€§+*=àèéìíòóùúÀÈÉÌÒÓÙ";

static FONTS: OnceLock<Fonts> = OnceLock::new();

/// The fonts; each face is parsed when first needed.
pub fn fonts() -> &'static Fonts {
    FONTS.get_or_init(|| Fonts {
        faces: Default::default(),
        subsets: Mutex::new(HashMap::new()),
    })
}

fn parse_face(face: Face) -> FaceData {
    let mut warnings = Vec::new();
    // The embedded files are fixed at build time and covered by a test; a
    // failure here is a build defect, not user input.
    let parsed = ParsedFont::from_bytes(FONT_FILES[face.index()], 0, &mut warnings)
        .expect("embedded font parses");
    let upem = f32::from(parsed.pdf_font_metrics.units_per_em);
    let widths = (0..TABLE_SIZE as u32)
        .map(|cp| {
            parsed
                .lookup_glyph_index(cp)
                .filter(|gid| *gid != 0)
                .and_then(|gid| parsed.get_glyph_width(gid))
                .map(|w| (f32::from(w) * 1000.0 / upem) as u16)
                .unwrap_or(MISSING)
        })
        .collect();
    FaceData { parsed, widths }
}

impl Fonts {
    fn face(&self, face: Face) -> &FaceData {
        self.faces[face.index()].get_or_init(|| parse_face(face))
    }

    pub fn parsed(&self, face: Face) -> &ParsedFont {
        &self.face(face).parsed
    }

    /// Width of `ch` in thousandths of an em, or None if the font lacks it.
    pub fn char_width(&self, face: Face, ch: char) -> Option<u16> {
        let cp = ch as usize;
        let data = self.face(face);
        if cp < TABLE_SIZE {
            let w = data.widths[cp];
            (w != MISSING).then_some(w)
        } else {
            let font = &data.parsed;
            let upem = f32::from(font.pdf_font_metrics.units_per_em);
            font.lookup_glyph_index(cp as u32)
                .filter(|gid| *gid != 0)
                .and_then(|gid| font.get_glyph_width(gid))
                .map(|w| (f32::from(w) * 1000.0 / upem) as u16)
        }
    }

    /// Width of `text` in points at `size`.
    pub fn width(&self, face: Face, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| u32::from(self.char_width(face, c).unwrap_or(0)))
            .sum();
        units as f32 * size / 1000.0
    }

    /// The characters of `text` that the body font cannot print.
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = text
            .chars()
            .filter(|c| !c.is_control() && self.char_width(Face::Regular, *c).is_none())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

const FACE_NAMES: [&str; 4] = [
    "LiberationSerif",
    "LiberationSerif-Bold",
    "LiberationSerif-Italic",
    "LiberationSerif-BoldItalic",
];

impl Fonts {
    /// A font holding the glyphs of `chars` and of the [`COMMON`] characters,
    /// ready to embed, with its program compressed: made once per face and
    /// glyph set in a process. Its name carries the six-letter subset tag
    /// (ISO 32000-1, 9.6.4), derived from the glyph set so the same set gives
    /// the same name.
    pub fn subset(
        &self,
        face: Face,
        chars: &std::collections::BTreeSet<char>,
    ) -> Result<Arc<Subset>, String> {
        let font = self.parsed(face);
        let mut gids: Vec<u16> = chars
            .iter()
            .copied()
            .chain(COMMON.chars())
            .filter_map(|c| font.lookup_glyph_index(c as u32))
            .filter(|g| *g != 0)
            .collect();
        gids.sort_unstable();
        gids.dedup();
        let ids: Vec<u16> = std::iter::once(0).chain(gids).collect();
        let key = (face, ids);
        let cached = self
            .subsets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        if let Some(found) = cached {
            return Ok(found);
        }
        // Made outside the lock: two threads may both make a new set once.
        let made = Arc::new(make_subset(face, &key.1)?);
        let mut subsets = self.subsets.lock().unwrap_or_else(|e| e.into_inner());
        if subsets.len() >= MAX_SUBSETS {
            subsets.clear();
        }
        Ok(subsets.entry(key).or_insert(made).clone())
    }
}

fn make_subset(face: Face, ids: &[u16]) -> Result<Subset, String> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset, CmapTarget, SubsetProfile};

    let scope = ReadScope::new(FONT_FILES[face.index()]);
    let data = scope.read::<FontData<'_>>().map_err(|e| e.to_string())?;
    let provider = data.table_provider(0).map_err(|e| e.to_string())?;
    let bytes = subset(&provider, ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| e.to_string())?;

    let mut warnings = Vec::new();
    let mut font = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
        .ok_or_else(|| "sottoinsieme del carattere non leggibile".to_string())?;
    // FNV-1a over the glyph ids: a stable tag of six capital letters.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for g in ids {
        hash = (hash ^ u64::from(*g)).wrapping_mul(0x0100_0000_01b3);
    }
    hash ^= face.index() as u64;
    let tag: String = (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
        .collect();
    font.font_name = Some(format!("{tag}+{}", FACE_NAMES[face.index()]));
    // Compressed once: every document with this subset reuses it.
    let deflated = super::pdf::deflate(&bytes, super::pdf::ONCE_LEVEL);
    Ok(Subset { font, deflated })
}
