//! The embedded fonts (Liberation Serif, SIL OFL 1.1) and their metrics.
//! Parsed once per process; each document embeds a subset of them.

use std::sync::OnceLock;

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
    parsed: Vec<ParsedFont>,
    /// Advance widths in thousandths of an em, truncated exactly as printpdf
    /// writes them in the PDF's /W array, so that justified lines end where
    /// the viewer draws them. Indexed by face, then by code point below 0x3000.
    widths: Vec<Vec<u16>>,
}

const TABLE_SIZE: usize = 0x3000;
const MISSING: u16 = u16::MAX;

static FONTS: OnceLock<Fonts> = OnceLock::new();

/// The fonts, parsed on first use.
pub fn fonts() -> &'static Fonts {
    FONTS.get_or_init(|| {
        let parsed: Vec<ParsedFont> = FONT_FILES
            .iter()
            .map(|bytes| {
                let mut warnings = Vec::new();
                // The embedded files are fixed at build time and covered by a
                // test; a failure here is a build defect, not user input.
                ParsedFont::from_bytes(bytes, 0, &mut warnings).expect("embedded font parses")
            })
            .collect();
        let widths = parsed
            .iter()
            .map(|font| {
                let upem = f32::from(font.pdf_font_metrics.units_per_em);
                (0..TABLE_SIZE as u32)
                    .map(|cp| {
                        font.lookup_glyph_index(cp)
                            .filter(|gid| *gid != 0)
                            .and_then(|gid| font.get_glyph_width(gid))
                            .map(|w| (f32::from(w) * 1000.0 / upem) as u16)
                            .unwrap_or(MISSING)
                    })
                    .collect()
            })
            .collect();
        Fonts { parsed, widths }
    })
}

impl Fonts {
    pub fn parsed(&self, face: Face) -> &ParsedFont {
        &self.parsed[face.index()]
    }

    /// Width of `ch` in thousandths of an em, or None if the font lacks it.
    pub fn char_width(&self, face: Face, ch: char) -> Option<u16> {
        let cp = ch as usize;
        if cp < TABLE_SIZE {
            let w = self.widths[face.index()][cp];
            (w != MISSING).then_some(w)
        } else {
            let font = &self.parsed[face.index()];
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
    /// A font holding only the glyphs of `chars`, ready to embed: its name
    /// carries the six-letter subset tag (ISO 32000-1, 9.6.4), derived from
    /// the glyph set so the same text gives the same name.
    pub fn subset(
        &self,
        face: Face,
        chars: &std::collections::BTreeSet<char>,
    ) -> Result<ParsedFont, String> {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::subset::{subset, CmapTarget, SubsetProfile};

        let font = &self.parsed[face.index()];
        let mut gids: Vec<u16> = chars
            .iter()
            .filter_map(|c| font.lookup_glyph_index(*c as u32))
            .filter(|g| *g != 0)
            .collect();
        gids.sort_unstable();
        gids.dedup();
        let ids: Vec<u16> = std::iter::once(0).chain(gids.iter().copied()).collect();

        let scope = ReadScope::new(FONT_FILES[face.index()]);
        let data = scope.read::<FontData<'_>>().map_err(|e| e.to_string())?;
        let provider = data.table_provider(0).map_err(|e| e.to_string())?;
        let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
            .map_err(|e| e.to_string())?;

        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
            .ok_or_else(|| "sottoinsieme del carattere non leggibile".to_string())?;
        // FNV-1a over the glyph ids: a stable tag of six capital letters.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for g in &ids {
            hash = (hash ^ u64::from(*g)).wrapping_mul(0x0100_0000_01b3);
        }
        hash ^= face.index() as u64;
        let tag: String = (0..6)
            .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
            .collect();
        parsed.font_name = Some(format!("{tag}+{}", FACE_NAMES[face.index()]));
        Ok(parsed)
    }
}
