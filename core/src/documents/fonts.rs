//! The embedded fonts (Liberation Serif, SIL OFL 1.1) and their metrics.
//! Each document embeds a subset of them. What every process would compute
//! first from the font files (each face's widths and glyphs of the code
//! points below U+3000, the subset of the [`COMMON`] characters with its
//! program compressed, the sRGB profile compressed) is prepared once and
//! shipped in `assets/fonts/prepared.bin` (see [`prepare`]; a test checks it
//! against the font files and rewrites it with `CDP_UPDATE_PREPARED=1`), so
//! the first document of a process parses no font.

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
    /// Each face's tables and common subset, read from [`PREPARED`].
    prepared: [Prepared; 4],
    /// The sRGB profile compressed (zlib), from [`PREPARED`].
    srgb_deflated: Vec<u8>,
    /// Each face parsed on first need: a code point above the tables, or a
    /// subset beyond the common one.
    faces: [OnceLock<ParsedFont>; 4],
    /// The subsets made so far, by face and glyph set: a batch of acts, whose
    /// texts differ only in names, subsets each face once (see [`Fonts::subset`]).
    subsets: Mutex<HashMap<(Face, Vec<u16>), Arc<Subset>>>,
}

/// What is known of a face without parsing it.
struct Prepared {
    /// Advance widths in thousandths of an em, truncated exactly as printpdf
    /// writes them in the PDF's /W array, so that justified lines end where
    /// the viewer draws them. Indexed by code point below [`TABLE_SIZE`]
    /// ([`MISSING`]: the face has no glyph).
    widths: Box<[u16]>,
    /// The face's glyph of each code point below [`TABLE_SIZE`] (0: none).
    gids: Box<[u16]>,
    /// The glyph ids of the [`COMMON`] subset (`.notdef` first): the key of
    /// a document whose characters are all common.
    common_key: Vec<u16>,
    common: Arc<Subset>,
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
/// With the e-mail sign, the lists' bullet, the blank line of forms and
/// the middle dot, every act and most reports print common glyphs only:
/// their subsets are prepared (see [`prepare`]).
#[cfg_attr(not(test), allow(dead_code))]
const COMMON: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'\"()[]/-–—«»’‘“”…%&°€§+*=àèéìíòóùúÀÈÉÌÒÓÙ@•_·";

static FONTS: OnceLock<Fonts> = OnceLock::new();

/// What [`prepare`] made of the font files (checked by a test).
const PREPARED: &[u8] = include_bytes!("../../assets/fonts/prepared.bin");

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

fn parse_face(face: Face) -> ParsedFont {
    let mut warnings = Vec::new();
    // The embedded files are fixed at build time and covered by a test; a
    // failure here is a build defect, not user input.
    ParsedFont::from_bytes(FONT_FILES[face.index()], 0, &mut warnings)
        .expect("embedded font parses")
}

/// The width of glyph `gid` of `font` in thousandths of an em, truncated.
fn glyph_width(font: &ParsedFont, gid: u16) -> Option<u16> {
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
    fn gid(&self, face: Face, ch: char) -> u16 {
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
        chars: impl IntoIterator<Item = char>,
    ) -> Result<Arc<Subset>, String> {
        let prepared = &self.prepared[face.index()];
        // The common glyphs, and the document's own beyond them.
        let mut gids: Vec<u16> = chars
            .into_iter()
            .map(|c| self.gid(face, c))
            .filter(|g| *g != 0 && prepared.common_key.binary_search(g).is_err())
            .collect();
        if gids.is_empty() {
            return Ok(prepared.common.clone());
        }
        gids.extend_from_slice(&prepared.common_key[1..]);
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

/// The prepared file's first bytes (its format's version).
const PREPARED_MAGIC: &[u8] = b"CDP-FONTS-1\n";

/// What the first document of every process would compute from the font
/// files, as the bytes of `assets/fonts/prepared.bin`: the sRGB profile
/// compressed; for each face, the glyph and width of every code point
/// below [`TABLE_SIZE`] it prints, and its [`COMMON`] subset ready to embed.
/// Little-endian integers; strings and byte strings after their length.
#[cfg(test)]
fn prepare() -> Result<Vec<u8>, String> {
    let mut out = PREPARED_MAGIC.to_vec();
    put_bytes(
        &mut out,
        &super::pdf::deflate(super::pdf::SRGB_ICC, super::pdf::ONCE_LEVEL),
    );
    for face in Face::ALL {
        let font = parse_face(face);
        let mut glyphs = Vec::new();
        for cp in 0..TABLE_SIZE as u32 {
            if let Some(gid) = font.lookup_glyph_index(cp).filter(|g| *g != 0) {
                glyphs.push((cp, gid, glyph_width(&font, gid).unwrap_or(MISSING)));
            }
        }
        put_u32(&mut out, glyphs.len());
        for (cp, gid, w) in glyphs {
            out.extend_from_slice(&cp.to_le_bytes());
            out.extend_from_slice(&gid.to_le_bytes());
            out.extend_from_slice(&w.to_le_bytes());
        }
        let mut key: Vec<u16> = COMMON
            .chars()
            .filter_map(|c| font.lookup_glyph_index(c as u32))
            .filter(|g| *g != 0)
            .collect();
        key.sort_unstable();
        key.dedup();
        key.insert(0, 0);
        put_u32(&mut out, key.len());
        for g in &key {
            out.extend_from_slice(&g.to_le_bytes());
        }
        let s = make_subset(face, &key)?;
        put_bytes(&mut out, s.name.as_bytes());
        let below: Vec<(usize, u16)> = s
            .gids
            .iter()
            .enumerate()
            .filter(|(_, g)| **g != 0)
            .map(|(cp, g)| (cp, *g))
            .collect();
        put_u32(&mut out, below.len());
        for (cp, g) in below {
            put_u32(&mut out, cp);
            out.extend_from_slice(&g.to_le_bytes());
        }
        put_u32(&mut out, s.gids_above.len());
        for (cp, g) in &s.gids_above {
            out.extend_from_slice(&cp.to_le_bytes());
            out.extend_from_slice(&g.to_le_bytes());
        }
        put_u32(&mut out, s.chars.len());
        for c in &s.chars {
            out.extend_from_slice(&c.map_or(u32::MAX, u32::from).to_le_bytes());
        }
        put_bytes(&mut out, s.widths.as_bytes());
        put_bytes(&mut out, s.metrics.as_bytes());
        put_bytes(&mut out, &s.to_unicode);
        put_u32(&mut out, s.program_len);
        put_bytes(&mut out, &s.deflated);
    }
    Ok(out)
}

#[cfg(test)]
fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

#[cfg(test)]
fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_u32(out, bytes.len());
    out.extend_from_slice(bytes);
}

/// Reads what [`prepare`] wrote.
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

    /// `assets/fonts/prepared.bin` is what the font files give now;
    /// `CDP_UPDATE_PREPARED=1` rewrites it (after a change of the fonts, of
    /// [`COMMON`], of the subsetting or of the compressor).
    #[test]
    fn the_prepared_fonts_are_made_from_the_font_files() {
        let made = prepare().unwrap();
        if std::env::var_os("CDP_UPDATE_PREPARED").is_some() {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/prepared.bin");
            std::fs::write(path, &made).unwrap();
            return;
        }
        assert!(
            made == PREPARED,
            "assets/fonts/prepared.bin is out of date: CDP_UPDATE_PREPARED=1 cargo test -p cdp-core --lib prepared_fonts"
        );
    }

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

    /// A document of common characters gets the prepared subset; one more
    /// character, a subset of its own that holds it.
    #[test]
    fn common_text_embeds_the_prepared_subset() {
        let f = fonts();
        let common = f
            .subset(Face::Bold, "Delibera n. 12 – «Sant’Agata» @ •".chars())
            .unwrap();
        assert!(Arc::ptr_eq(&common, &f.prepared[Face::Bold.index()].common));
        let more = f.subset(Face::Bold, "Città ñ".chars()).unwrap();
        assert!(!Arc::ptr_eq(&more, &common));
        assert_ne!(more.gid('ñ'), 0);
        assert_eq!(common.gid('ñ'), 0);
        assert_ne!(more.gid('à'), 0);
    }
}
