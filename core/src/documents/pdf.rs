//! Writes typeset pages as a PDF/A-2b file: subset embedded fonts, TJ
//! justification with real spaces kept (copy and paste and pdftotext give
//! the text back), XMP metadata and an sRGB output intent.
//!
//! The file is written directly, object after object, into one buffer: the
//! page content streams by our own operator writer (numbers in fixed point),
//! the font objects from what [`Subset`] serialised once per glyph set, the
//! cross-reference table from the offsets kept on the way.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::compose::{Draw, Page, TextLine};
use super::meta::Meta;
use super::model::{PageSize, Rgb};
use crate::error::{Error, Result};
use crate::fonts::{fonts, Face, Subset};

/// The output intent's profile, shipped compressed (see `fonts::prepare`).
#[cfg_attr(not(test), allow(dead_code))]
pub(super) const SRGB_ICC: &[u8] = include_bytes!("../../assets/sRGB.icc");
pub const PRODUCER: &str = "Comunità di Pratiche – Città Metropolitana di Messina";

/// The fixed objects: catalogue, page tree, the pages' shared resources,
/// Info, XMP metadata, the output intent's profile. Fonts come next (four
/// objects each), then each page and its content stream.
const CATALOG: usize = 1;
const PAGES: usize = 2;
const RESOURCES: usize = 3;
const INFO: usize = 4;
const METADATA: usize = 5;
const ICC: usize = 6;
const FIRST_FONT: usize = 7;
const FONT_OBJECTS: usize = 4;

/// A face a document prints, with its subset and resource name.
struct FontUse {
    face: Face,
    subset: Arc<Subset>,
    /// Characters printed with a glyph whose [`Subset::chars`] is another
    /// character (two code points with one glyph): the document's
    /// `/ToUnicode` then says what it printed (the last one, as printpdf did).
    other_chars: Vec<(u16, char)>,
}

/// Writes laid-out pages with `meta` in the Info dictionary and the XMP.
pub fn write(pages: &[Page], meta: &Meta) -> Result<Vec<u8>> {
    let f = fonts();
    // The characters each face prints, to embed only their glyphs.
    let mut used: BTreeMap<Face, CharSet> = BTreeMap::new();
    for page in pages {
        for draw in &page.draws {
            if let Draw::Text(line) = draw {
                for (face, text) in &line.runs {
                    used.entry(*face).or_default().extend(text);
                }
            }
        }
    }
    let mut uses = Vec::with_capacity(used.len());
    for (face, chars) in &used {
        let subset = f.subset(*face, chars.iter()).map_err(|e| Error::Io {
            message: format!("Preparazione del carattere tipografico non riuscita: {e}"),
        })?;
        uses.push(FontUse {
            face: *face,
            subset,
            other_chars: Vec::new(),
        });
    }
    let first_page = FIRST_FONT + FONT_OBJECTS * uses.len();
    let objects = first_page + 2 * pages.len();

    let streams: usize = uses
        .iter()
        .map(|u| u.subset.deflated.len() + u.subset.to_unicode.len() + u.subset.widths.len())
        .sum();
    let mut w = Writer {
        out: Vec::with_capacity(
            streams + f.srgb_deflated().len() + 8 * 1024 + pages.len() * 6 * 1024,
        ),
        offsets: vec![0; objects],
    };
    // PDF 1.7, and a comment of four bytes above 127 (a binary file, PDF/A 6.1.2).
    w.out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");

    // Pages: their content streams written by the operator writer below.
    let mut content = Vec::with_capacity(16 * 1024);
    for (i, page) in pages.iter().enumerate() {
        // The page's size as the acts always had it: millimetres (A4
        // exactly 210 × 297) turned into points as printpdf turned them.
        let a4 = PageSize::A4Portrait.points();
        let (width, height) = if (page.width, page.height) == a4 {
            (mm_to_pt(210.0), mm_to_pt(297.0))
        } else {
            (
                mm_to_pt(page.width * 25.4 / 72.0),
                mm_to_pt(page.height * 25.4 / 72.0),
            )
        };
        content.clear();
        page_content(&mut content, page, &mut uses);
        let id = first_page + 2 * i;
        w.begin(id);
        w.raw(b"<< /Type /Page /Parent 2 0 R");
        for name in [
            &b" /MediaBox [0 0 "[..],
            b" /CropBox [0 0 ",
            b" /TrimBox [0 0 ",
        ] {
            w.raw(name);
            w.num(width);
            w.raw(b" ");
            w.num(height);
            w.raw(b"]");
        }
        w.raw(b" /Resources 3 0 R /Contents ");
        w.int(id + 1);
        w.raw(b" 0 R >>");
        w.end();
        let deflated = deflate(&content, CONTENT_LEVEL);
        w.begin(id + 1);
        if deflated.len() < content.len() {
            w.stream(b"/Filter /FlateDecode", &deflated);
        } else {
            w.stream(b"", &content);
        }
    }

    // Fonts: Type0 (Identity-H) over a CIDFontType2, its descriptor, the
    // subset's program and the ToUnicode map.
    let mut resources = String::from("<< /Font <<");
    for (k, u) in uses.iter().enumerate() {
        let id = FIRST_FONT + FONT_OBJECTS * k;
        let s = &u.subset;
        resources.push_str(&format!(" /F{} {id} 0 R", resource(u.face)));
        w.begin(id);
        w.raw(b"<< /Type /Font /Subtype /Type0 /BaseFont /");
        w.raw(s.name.as_bytes());
        w.raw(b" /Encoding /Identity-H /ToUnicode ");
        w.int(id + 3);
        w.raw(b" 0 R /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /");
        w.raw(s.name.as_bytes());
        w.raw(b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /W ");
        w.raw(s.widths.as_bytes());
        w.raw(b" /DW 1000 /FontDescriptor ");
        w.int(id + 1);
        w.raw(b" 0 R /CIDToGIDMap /Identity >>] >>");
        w.end();
        w.begin(id + 1);
        w.raw(b"<< /Type /FontDescriptor /FontName /");
        w.raw(s.name.as_bytes());
        w.raw(b" ");
        w.raw(s.metrics.as_bytes());
        w.raw(b" /FontFile2 ");
        w.int(id + 2);
        w.raw(b" 0 R >>");
        w.end();
        w.begin(id + 2);
        let length1 = format!("/Length1 {} /Filter /FlateDecode", s.program_len);
        w.stream(length1.as_bytes(), &s.deflated);
        w.begin(id + 3);
        if u.other_chars.is_empty() {
            w.stream(b"/Filter /FlateDecode", &s.to_unicode);
        } else {
            let mut chars = s.chars.clone();
            for (gid, ch) in &u.other_chars {
                if let Some(slot) = chars.get_mut(usize::from(*gid)) {
                    *slot = Some(*ch);
                }
            }
            let cmap = deflate(to_unicode_cmap(&s.name, &chars).as_bytes(), CONTENT_LEVEL);
            w.stream(b"/Filter /FlateDecode", &cmap);
        }
    }
    resources.push_str(" >> >>");
    w.begin(RESOURCES);
    w.raw(resources.as_bytes());
    w.end();

    w.begin(PAGES);
    w.raw(b"<< /Type /Pages /Count ");
    w.int(pages.len());
    w.raw(b" /Kids [");
    for i in 0..pages.len() {
        if i > 0 {
            w.raw(b" ");
        }
        w.int(first_page + 2 * i);
        w.raw(b" 0 R");
    }
    w.raw(b"] >>");
    w.end();

    write_pdfa_objects(&mut w, meta);

    // The cross-reference table and the trailer.
    let xref = w.out.len();
    w.raw(b"xref\n0 ");
    w.int(objects);
    w.raw(b"\n0000000000 65535 f \n");
    for i in 1..objects {
        let at = w.offsets[i];
        if at == 0 {
            return Err(Error::Io {
                message: format!("Scrittura del PDF non riuscita: oggetto {i} mancante."),
            });
        }
        let digits = format!("{at:010}");
        w.raw(digits.as_bytes());
        w.raw(b" 00000 n \n");
    }
    let id = document_id(meta);
    w.raw(b"trailer\n<< /Size ");
    w.int(objects);
    w.raw(b" /Root 1 0 R /Info 4 0 R /ID [<");
    w.raw(id.as_bytes());
    w.raw(b"> <");
    w.raw(id.as_bytes());
    w.raw(b">] >>\nstartxref\n");
    w.int(xref);
    w.raw(b"\n%%EOF\n");
    Ok(w.out)
}

/// Millimetres in points, as printpdf computed them.
fn mm_to_pt(mm: f32) -> f32 {
    mm * 2.834_646
}

/// The resource name's number of a face (`/F1` regular … `/F4` bold italic).
fn resource(face: Face) -> usize {
    Face::ALL.iter().position(|f| *f == face).unwrap_or(0) + 1
}

/// The output being written: its bytes and each object's offset.
struct Writer {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl Writer {
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    fn int(&mut self, n: usize) {
        write_uint(&mut self.out, n as u64);
    }

    fn num(&mut self, v: f32) {
        write_num(&mut self.out, v);
    }

    /// Starts object `id` (its offset kept for the cross-reference table).
    fn begin(&mut self, id: usize) {
        self.offsets[id] = self.out.len();
        self.int(id);
        self.raw(b" 0 obj\n");
    }

    fn end(&mut self) {
        self.raw(b"\nendobj\n");
    }

    /// A stream object's dictionary (`entries` beside its length), data and end.
    fn stream(&mut self, entries: &[u8], data: &[u8]) {
        self.raw(b"<< /Length ");
        self.int(data.len());
        if !entries.is_empty() {
            self.raw(b" ");
            self.raw(entries);
        }
        self.raw(b" >>\nstream\n");
        self.raw(data);
        self.raw(b"\nendstream\nendobj\n");
    }
}

/// `n` in decimal.
fn write_uint(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[at..]);
}

/// `v` as a PDF number: the shortest decimal that reads back as the same
/// f32 (what printpdf wrote: a reader that computes with the numbers, as
/// pdftotext's layout does, sees exactly the values laid out), without
/// exponent or a trailing `.0`.
fn write_num(out: &mut Vec<u8>, v: f32) {
    if !v.is_finite() {
        out.push(b'0');
        return;
    }
    let mut buf = ryu::Buffer::new();
    let s = buf.format_finite(v);
    if s.contains('e') {
        // Far below a thousandth or above 10^16: Rust writes those in full.
        out.extend_from_slice(format!("{v}").as_bytes());
        return;
    }
    out.extend_from_slice(s.strip_suffix(".0").unwrap_or(s).as_bytes());
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The page's drawing operators. Colours are set only when they change (PDF
/// starts with black): the acts, all black, carry no colour operators.
fn page_content(out: &mut Vec<u8>, page: &Page, uses: &mut [FontUse]) {
    let mut fill = Rgb::BLACK;
    let mut stroke = Rgb::BLACK;
    for draw in &page.draws {
        match draw {
            Draw::Text(line) => {
                set_color(out, &mut fill, line.color, b" rg\n");
                text_line(out, line, uses);
            }
            Draw::Rule { x1, x2, y, width } => {
                set_color(out, &mut stroke, Rgb::BLACK, b" RG\n");
                line_width(out, *width);
                segment(out, *x1, *y, *x2, *y);
            }
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => {
                set_color(out, &mut stroke, *color, b" RG\n");
                line_width(out, *width);
                segment(out, *x1, *y1, *x2, *y2);
            }
            Draw::Polygon {
                rings,
                fill: poly_fill,
                stroke: poly_stroke,
            } => {
                if let Some(c) = poly_fill {
                    set_color(out, &mut fill, *c, b" rg\n");
                }
                if let Some((c, width)) = poly_stroke {
                    set_color(out, &mut stroke, *c, b" RG\n");
                    line_width(out, *width);
                }
                // Even-odd: the holes of a ring inside another stay empty.
                let paint: &[u8] = match (poly_fill, poly_stroke) {
                    (Some(_), Some(_)) => b"b*\n",
                    (Some(_), None) => b"f*\n",
                    (None, Some(_)) => b"S\n",
                    (None, None) => continue,
                };
                for ring in rings {
                    for (i, (x, y)) in ring.iter().enumerate() {
                        point(out, *x, *y);
                        out.extend_from_slice(if i == 0 { b" m\n" } else { b" l\n" });
                    }
                }
                out.extend_from_slice(b"h\n");
                out.extend_from_slice(paint);
            }
            Draw::Rect {
                x,
                y,
                w,
                h,
                fill: rect_fill,
                stroke: rect_stroke,
            } => {
                if let Some(c) = rect_fill {
                    set_color(out, &mut fill, *c, b" rg\n");
                }
                if let Some((c, width)) = rect_stroke {
                    set_color(out, &mut stroke, *c, b" RG\n");
                    line_width(out, *width);
                }
                let paint: &[u8] = match (rect_fill, rect_stroke) {
                    (Some(_), Some(_)) => b"B\n",
                    (Some(_), None) => b"f\n",
                    (None, Some(_)) => b"S\n",
                    (None, None) => continue,
                };
                point(out, *x, *y);
                out.push(b' ');
                point(out, *w, *h);
                out.extend_from_slice(b" re\n");
                out.extend_from_slice(paint);
            }
        }
    }
}

fn point(out: &mut Vec<u8>, x: f32, y: f32) {
    write_num(out, x);
    out.push(b' ');
    write_num(out, y);
}

fn segment(out: &mut Vec<u8>, x1: f32, y1: f32, x2: f32, y2: f32) {
    point(out, x1, y1);
    out.extend_from_slice(b" m\n");
    point(out, x2, y2);
    out.extend_from_slice(b" l\nS\n");
}

fn line_width(out: &mut Vec<u8>, width: f32) {
    write_num(out, width);
    out.extend_from_slice(b" w\n");
}

/// Sets the fill (`op` " rg") or stroke (" RG") colour if it is not `current`.
fn set_color(out: &mut Vec<u8>, current: &mut Rgb, c: Rgb, op: &[u8]) {
    if *current != c {
        for (i, v) in [c.0, c.1, c.2].into_iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            write_num(out, f32::from(v) / 255.0);
        }
        out.extend_from_slice(op);
        *current = c;
    }
}

/// One line of text: its position, each run in its face, justified by an
/// offset after every space (in thousandths of an em, negative moves right)
/// that widens the gap while the space itself stays.
fn text_line(out: &mut Vec<u8>, line: &TextLine, uses: &mut [FontUse]) {
    out.extend_from_slice(b"BT\n");
    point(out, line.x, line.y);
    out.extend_from_slice(b" Td\n");
    let mut current: Option<Face> = None;
    let justify = line.space_extra > 0.001;
    let offset = -(line.space_extra * 1000.0 / line.size);
    for (face, text) in &line.runs {
        let Some(u) = uses.iter_mut().find(|u| u.face == *face) else {
            continue;
        };
        if current != Some(*face) {
            out.extend_from_slice(b"/F");
            write_uint(out, resource(*face) as u64);
            out.push(b' ');
            write_num(out, line.size);
            out.extend_from_slice(b" Tf\n");
            current = Some(*face);
        }
        if !justify || !text.contains(' ') {
            glyphs(out, text, u);
            out.extend_from_slice(b" Tj\n");
            continue;
        }
        out.push(b'[');
        let mut parts = text.split(' ').peekable();
        let mut first = true;
        while let Some(part) = parts.next() {
            let last = parts.peek().is_none();
            if last && part.is_empty() {
                break;
            }
            if !first {
                out.push(b' ');
            }
            first = false;
            if last {
                glyphs(out, part, u);
            } else {
                // The part with its space, then the offset.
                out.push(b'<');
                glyph_hex(out, part, u);
                glyph_hex(out, " ", u);
                out.extend_from_slice(b"> ");
                write_num(out, offset);
            }
        }
        out.extend_from_slice(b"] TJ\n");
    }
    out.extend_from_slice(b"ET\n");
}

/// `text` as a hexadecimal string of the subset's glyph ids (Identity-H).
fn glyphs(out: &mut Vec<u8>, text: &str, u: &mut FontUse) {
    out.push(b'<');
    glyph_hex(out, text, u);
    out.push(b'>');
}

fn glyph_hex(out: &mut Vec<u8>, text: &str, u: &mut FontUse) {
    for ch in text.chars() {
        let gid = u.subset.gid(ch);
        // Once a glyph printed another character, every later use of it is
        // kept too: the last one is the map's.
        if gid != 0
            && (u.subset.chars.get(usize::from(gid)).copied().flatten() != Some(ch)
                || (!u.other_chars.is_empty() && u.other_chars.iter().any(|(g, _)| *g == gid)))
        {
            u.other_chars.push((gid, ch));
        }
        out.extend_from_slice(&[
            HEX[usize::from(gid >> 12)],
            HEX[usize::from((gid >> 8) & 0xF)],
            HEX[usize::from((gid >> 4) & 0xF)],
            HEX[usize::from(gid & 0xF)],
        ]);
    }
}

/// The `/ToUnicode` CMap of a font whose glyph `gid` prints `chars[gid]`
/// (bfchar blocks of at most 100 entries, as printpdf wrote them).
pub(super) fn to_unicode_cmap(name: &str, chars: &[Option<char>]) -> String {
    let mut out = format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo 3 dict dup begin\n/Registry (FontSpecific) def\n/Ordering ({name}) def\n/Supplement 0 def\nend def\n/CMapName /FontSpecific-{name} def\n/CMapVersion 1 def\n/CMapType 2 def\n/WMode 0 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    );
    let entries: Vec<(usize, char)> = chars
        .iter()
        .enumerate()
        .filter_map(|(gid, c)| c.map(|c| (gid, c)))
        .filter(|(gid, _)| *gid != 0)
        .collect();
    // Blocks of at most 100, never across a change of the code's high byte.
    let mut at = 0;
    while at < entries.len() {
        let high = entries[at].0 >> 8;
        let mut end = at;
        while end < entries.len() && end - at < 100 && entries[end].0 >> 8 == high {
            end += 1;
        }
        out.push_str(&format!("{} beginbfchar\n", end - at));
        for (gid, ch) in &entries[at..end] {
            out.push_str(&format!("<{gid:04X}> <"));
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                out.push_str(&format!("{unit:04X}"));
            }
            out.push_str(">\n");
        }
        out.push_str("endbfchar\n");
        at = end;
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

/// The file identifier of the trailer (PDF/A asks for one): a hash of the
/// title, the instant and a counter of the process, unique per document.
fn document_id(meta: &Meta) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut out = String::with_capacity(32);
    for seed in [0xcbf2_9ce4_8422_2325u64, 0x8422_2325_cbf2_9ce4] {
        let mut hash = seed;
        let counter = COUNTER.fetch_add(1, Ordering::Relaxed);
        for b in meta
            .title
            .bytes()
            .chain(nanos.to_le_bytes())
            .chain(counter.to_le_bytes())
            .chain(u64::from(std::process::id()).to_le_bytes())
        {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{hash:016X}"));
    }
    out
}

/// The zlib level of page content: a fast one (zlib-rs's level 1 writes
/// content twice the size of level 2 for little less time). Font programs
/// and the colour profile are compressed once (see [`ONCE_LEVEL`]).
const CONTENT_LEVEL: u32 = 2;

/// The zlib level of what is compressed once: font subsets (once per
/// process, the common ones and the sRGB profile when the fonts are
/// prepared, see `fonts::prepare`; level 9 makes font programs no smaller,
/// only slower).
pub(super) const ONCE_LEVEL: u32 = 6;

/// `bytes` as a zlib stream (FlateDecode) at `level` (0–9). The compressor,
/// whose tables are large, is made once per thread and reset for each stream.
pub(super) fn deflate(bytes: &[u8], level: u32) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    thread_local! {
        static COMPRESSORS: std::cell::RefCell<Vec<(u32, Compress)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    COMPRESSORS.with(|cell| {
        let mut all = cell.borrow_mut();
        let at = match all.iter().position(|(l, _)| *l == level) {
            Some(i) => i,
            None => {
                all.push((level, Compress::new(Compression::new(level), true)));
                all.len() - 1
            }
        };
        let c = &mut all[at].1;
        c.reset();
        let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
        loop {
            let read = c.total_in() as usize;
            if out.len() == out.capacity() {
                out.reserve(out.capacity().max(1024));
            }
            // Compressing into a Vec's spare room cannot fail (no dictionary, no stream error).
            let status = c
                .compress_vec(&bytes[read..], &mut out, FlushCompress::Finish)
                .expect("deflate into memory");
            if status == flate2::Status::StreamEnd {
                return out;
            }
        }
    })
}

/// The characters a face prints in a document: those below U+0800 (Latin,
/// Greek, Cyrillic…) as bits, the others in a set.
#[derive(Default)]
struct CharSet {
    low: Vec<u64>,
    high: std::collections::BTreeSet<char>,
}

const LOW: usize = 0x800;

impl CharSet {
    fn extend(&mut self, text: &str) {
        if self.low.is_empty() {
            self.low = vec![0; LOW / 64];
        }
        for c in text.chars() {
            let cp = c as usize;
            if cp < LOW {
                self.low[cp / 64] |= 1 << (cp % 64);
            } else {
                self.high.insert(c);
            }
        }
    }

    /// Every character once, in order.
    fn iter(&self) -> impl Iterator<Item = char> + '_ {
        let low = self.low.iter().enumerate().flat_map(|(i, bits)| {
            (0..64)
                .filter(move |b| bits & (1 << b) != 0)
                .filter_map(move |b| char::from_u32((i * 64 + b) as u32))
        });
        low.chain(self.high.iter().copied())
    }
}

/// `s` as a PDF text string: UTF-16BE with its byte order mark, in
/// hexadecimal (any Italian text in the Info dictionary).
fn text_string(w: &mut Writer, s: &str) {
    w.raw(b"<FEFF");
    for unit in s.encode_utf16() {
        w.out.extend_from_slice(&[
            HEX[usize::from(unit >> 12)],
            HEX[usize::from((unit >> 8) & 0xF)],
            HEX[usize::from((unit >> 4) & 0xF)],
            HEX[usize::from(unit & 0xF)],
        ]);
    }
    w.raw(b">");
}

/// `s` as a PDF literal string, its delimiters and backslashes escaped.
fn literal(w: &mut Writer, s: &str) {
    w.raw(b"(");
    for b in s.bytes() {
        if matches!(b, b'(' | b')' | b'\\') {
            w.out.push(b'\\');
        }
        w.out.push(b);
    }
    w.raw(b")");
}

fn xml_escape(s: &str) -> String {
    super::docx::xml_chars(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes what PDF/A-2b asks beyond embedded fonts: the catalogue with
/// the XMP metadata matching the Info dictionary, and an sRGB output intent.
fn write_pdfa_objects(w: &mut Writer, meta: &Meta) {
    let created = chrono::Utc::now();
    let pdf_date = created.format("D:%Y%m%d%H%M%SZ").to_string();
    let xmp_date = created.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let keywords = meta.keywords.join(", ");

    w.begin(INFO);
    w.raw(b"<< /Title ");
    text_string(w, &meta.title);
    w.raw(b" /Author ");
    text_string(w, &meta.author);
    w.raw(b" /Subject ");
    text_string(w, &meta.subject);
    w.raw(b" /Keywords ");
    text_string(w, &keywords);
    w.raw(b" /Creator ");
    text_string(w, PRODUCER);
    w.raw(b" /Producer ");
    text_string(w, PRODUCER);
    w.raw(b" /CreationDate ");
    literal(w, &pdf_date);
    w.raw(b" /ModDate ");
    literal(w, &pdf_date);
    w.raw(b" >>");
    w.end();

    let xmp = format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <pdf:Producer>{producer}</pdf:Producer>
   <xmp:CreatorTool>{producer}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        bom = '\u{feff}',
        title = xml_escape(&meta.title),
        author = xml_escape(&meta.author),
        subject = xml_escape(&meta.subject),
        keywords = xml_escape(&keywords),
        producer = xml_escape(PRODUCER),
        date = xmp_date,
    );
    // PDF/A: the metadata stays readable without filters.
    w.begin(METADATA);
    w.stream(b"/Type /Metadata /Subtype /XML", xmp.as_bytes());

    w.begin(ICC);
    w.stream(b"/N 3 /Filter /FlateDecode", fonts().srgb_deflated());

    w.begin(CATALOG);
    w.raw(b"<< /Type /Catalog /Pages 2 0 R /PageLayout /OneColumn /PageMode /UseNone /Metadata 5 0 R /OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /DestOutputProfile 6 0 R >>] /Lang ");
    literal(w, meta.language.as_str());
    w.raw(b" >>");
    w.end();
}
