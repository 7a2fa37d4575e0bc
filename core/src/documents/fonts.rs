//! Embedding the fonts: the subset of a face holding a document's glyphs,
//! made once per glyph set, and the prepared file
//! (`assets/fonts/prepared.bin`, see [`prepare`]) that spares every process
//! the first subsets and tables. The fonts and their metrics are the floor
//! module [`crate::fonts`].

use std::sync::Arc;

use printpdf::ParsedFont;

#[cfg(test)]
use crate::fonts::fonts;
#[cfg(test)]
use crate::fonts::MISSING;
#[cfg(test)]
use crate::fonts::{glyph_width, parse_face, COMMON, PREPARED, PREPARED_MAGIC};
use crate::fonts::{Face, Fonts, Subset, FONT_FILES};
use crate::fonts::{MAX_SUBSETS, TABLE_SIZE};

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
