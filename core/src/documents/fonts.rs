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

/// A subset of one face, ready to embed, made once per glyph set: everything
/// the PDF writer needs of it, the font objects' bodies serialised once.
pub struct Subset {
    /// The font's name with its six-letter subset tag (`ABCDEF+LiberationSerif`).
    pub name: String,
    /// The subset's glyph of each code point below [`TABLE_SIZE`] (0: none).
    gids: Box<[u16]>,
    /// The subset's glyphs of the code points above, sorted by code point.
    gids_above: Vec<(u32, u16)>,
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
    let font = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
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
    let name = format!("{tag}+{}", FACE_NAMES[face.index()]);

    // The subset's cmap: each code point's glyph, and each glyph's lowest code point.
    // Composite glyphs bring their components: the subset may hold more than `ids`.
    let glyphs = font
        .glyph_widths
        .keys()
        .chain(font.codepoint_to_glyph.values())
        .map(|g| usize::from(*g) + 1)
        .max()
        .unwrap_or(0)
        .max(ids.len());
    let mut gids = vec![0u16; TABLE_SIZE].into_boxed_slice();
    let mut gids_above = Vec::new();
    let mut chars: Vec<Option<char>> = vec![None; glyphs];
    for (&cp, &gid) in &font.codepoint_to_glyph {
        if gid == 0 {
            continue;
        }
        if (cp as usize) < TABLE_SIZE {
            gids[cp as usize] = gid;
        } else {
            gids_above.push((cp, gid));
        }
        if let (Some(slot), Some(ch)) = (chars.get_mut(usize::from(gid)), char::from_u32(cp)) {
            if slot.is_none() {
                *slot = Some(ch);
            }
        }
    }
    gids_above.sort_unstable();

    // /W: the width of every glyph, in runs of consecutive ids (all of them).
    let upem = f32::from(font.pdf_font_metrics.units_per_em.max(1));
    let mut widths = String::from("[0 [");
    for gid in 0..glyphs as u16 {
        let w = font
            .get_glyph_width(gid)
            .map(|w| (f32::from(w) * 1000.0 / upem) as i64)
            .unwrap_or(0);
        if gid > 0 {
            widths.push(' ');
        }
        widths.push_str(&w.to_string());
    }
    widths.push_str("]]");

    // The descriptor's metrics, scaled to thousandths of an em as printpdf did.
    let m = &font.pdf_font_metrics;
    let scale = 1000.0 / upem;
    let scaled = |v: f32| (v * scale).round() as i64;
    let ascent = scaled(f32::from(font.font_metrics.ascent));
    let descent = scaled(f32::from(font.font_metrics.descent));
    let italic_angle = if m.caret_slope_rise == 0 {
        0
    } else {
        (-f32::from(m.caret_slope_run)
            .atan2(f32::from(m.caret_slope_rise))
            .to_degrees())
        .round() as i64
    };
    // Non-symbolic (Latin), and italic when slanted (PDF 32000-1, Table 123).
    let flags = (1 << 5) | if italic_angle != 0 { 1 << 6 } else { 0 };
    // Stem width estimated from the weight class, as PDF producers do.
    let stem_v = if m.us_weight_class == 0 {
        80
    } else {
        50 + (f32::from(m.us_weight_class) / 65.0).powi(2).round() as i64
    };
    let metrics = format!(
        "/Ascent {ascent} /Descent {descent} /CapHeight {ascent} /ItalicAngle {italic_angle} /Flags {flags} /StemV {stem_v} /FontBBox [{} {} {} {}]",
        scaled(f32::from(m.x_min)),
        scaled(f32::from(m.y_min)),
        scaled(f32::from(m.x_max)),
        scaled(f32::from(m.y_max)),
    );
    let to_unicode = super::pdf::deflate(
        super::pdf::to_unicode_cmap(&name, &chars).as_bytes(),
        super::pdf::ONCE_LEVEL,
    );
    // Compressed once: every document with this subset reuses it.
    let deflated = super::pdf::deflate(&bytes, super::pdf::ONCE_LEVEL);
    Ok(Subset {
        name,
        gids,
        gids_above,
        chars,
        widths,
        metrics,
        to_unicode,
        program_len: bytes.len(),
        deflated,
    })
}
