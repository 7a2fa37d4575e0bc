//! Writes typeset pages as a PDF/A-2b file with printpdf: subset embedded
//! fonts, TJ justification with real spaces kept (copy and paste and
//! pdftotext give the text back), XMP metadata and an sRGB output intent.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use lopdf::{Dictionary, Object, Stream, StringFormat};
use printpdf::{
    Color, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Polygon, PolygonRing, Pt, Rect, TextItem, WindingOrder,
};

use super::compose::{Draw, Page};
use super::fonts::{fonts, Face, Subset};
use super::meta::Meta;
use super::model::{PageSize, Rgb};
use crate::error::{Error, Result};

const SRGB_ICC: &[u8] = include_bytes!("../../assets/sRGB.icc");
pub const PRODUCER: &str = "Comunità di Pratiche – Città Metropolitana di Messina";

/// Writes laid-out pages with `meta` in the Info dictionary and the XMP.
pub fn write(pages: &[Page], meta: &Meta) -> Result<Vec<u8>> {
    let f = fonts();
    let mut doc = PdfDocument::new(&meta.title);
    // The characters each face prints, to embed only their glyphs.
    let mut used: BTreeMap<Face, BTreeSet<char>> = BTreeMap::new();
    for page in pages {
        for draw in &page.draws {
            if let Draw::Text(line) = draw {
                for (face, text) in &line.runs {
                    used.entry(*face).or_default().extend(text.chars());
                }
            }
        }
    }
    let mut ids = BTreeMap::new();
    let mut subsets = Vec::with_capacity(used.len());
    for (face, chars) in &used {
        let subset = f.subset(*face, chars).map_err(|e| Error::Io {
            message: format!("Preparazione del carattere tipografico non riuscita: {e}"),
        })?;
        ids.insert(*face, doc.add_font(&subset.font));
        subsets.push(subset);
    }
    let mut out_pages = Vec::with_capacity(pages.len());
    for page in pages {
        let mut ops = Vec::new();
        // The colours in force (PDF starts with black), set only when they change:
        // the acts, all black, carry no colour operators.
        let mut fill = Rgb::BLACK;
        let mut stroke = Rgb::BLACK;
        for draw in &page.draws {
            match draw {
                Draw::Text(line) => {
                    set_fill(&mut ops, &mut fill, line.color);
                    ops.push(Op::StartTextSection);
                    ops.push(Op::SetTextCursor {
                        pos: Point {
                            x: Pt(line.x),
                            y: Pt(line.y),
                        },
                    });
                    let mut current: Option<Face> = None;
                    for (face, text) in &line.runs {
                        if current != Some(*face) {
                            ops.push(Op::SetFont {
                                font: PdfFontHandle::External(ids[face].clone()),
                                size: Pt(line.size),
                            });
                            current = Some(*face);
                        }
                        ops.push(Op::ShowText {
                            items: text_items(text, line.space_extra, line.size),
                        });
                    }
                    ops.push(Op::EndTextSection);
                }
                Draw::Rule { x1, x2, y, width } => {
                    set_stroke(&mut ops, &mut stroke, Rgb::BLACK);
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                    ops.push(segment(*x1, *y, *x2, *y));
                }
                Draw::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    color,
                } => {
                    set_stroke(&mut ops, &mut stroke, *color);
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                    ops.push(segment(*x1, *y1, *x2, *y2));
                }
                Draw::Polygon {
                    rings,
                    fill: poly_fill,
                    stroke: poly_stroke,
                } => {
                    if let Some(c) = poly_fill {
                        set_fill(&mut ops, &mut fill, *c);
                    }
                    if let Some((c, width)) = poly_stroke {
                        set_stroke(&mut ops, &mut stroke, *c);
                        ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                    }
                    let mode = match (poly_fill, poly_stroke) {
                        (Some(_), Some(_)) => PaintMode::FillStroke,
                        (Some(_), None) => PaintMode::Fill,
                        (None, Some(_)) => PaintMode::Stroke,
                        (None, None) => continue,
                    };
                    let point = |&(x, y): &(f32, f32)| LinePoint {
                        p: Point { x: Pt(x), y: Pt(y) },
                        bezier: false,
                    };
                    ops.push(Op::DrawPolygon {
                        polygon: Polygon {
                            rings: rings
                                .iter()
                                .map(|r| PolygonRing {
                                    points: r.iter().map(point).collect(),
                                })
                                .collect(),
                            mode,
                            winding_order: WindingOrder::EvenOdd,
                        },
                    });
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
                        set_fill(&mut ops, &mut fill, *c);
                    }
                    if let Some((c, width)) = rect_stroke {
                        set_stroke(&mut ops, &mut stroke, *c);
                        ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                    }
                    let mode = match (rect_fill, rect_stroke) {
                        (Some(_), Some(_)) => PaintMode::FillStroke,
                        (Some(_), None) => PaintMode::Fill,
                        (None, Some(_)) => PaintMode::Stroke,
                        (None, None) => continue,
                    };
                    ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: Pt(*x),
                            y: Pt(*y),
                            width: Pt(*w),
                            height: Pt(*h),
                            mode: Some(mode),
                            winding_order: None,
                        },
                    });
                }
            }
        }
        // A4 portrait exactly as the acts always had it; other sizes from points.
        let a4 = PageSize::A4Portrait.points();
        let (w, h) = if (page.width, page.height) == a4 {
            (Mm(210.0), Mm(297.0))
        } else {
            (Mm(page.width * 25.4 / 72.0), Mm(page.height * 25.4 / 72.0))
        };
        out_pages.push(PdfPage::new(w, h, ops));
    }
    doc.with_pages(out_pages);

    // Fonts are subset by `Fonts::subset` (printpdf, without its
    // `text_layout` feature, embeds what it is given), streams compressed
    // below.
    let opts = PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    make_pdfa(&mut lo, meta)?;
    compress(&mut lo, &subsets);
    let mut bytes = Vec::with_capacity(capacity(&lo));
    lo.save_to(&mut bytes).map_err(|e| Error::Io {
        message: format!("Scrittura del PDF non riuscita: {e}"),
    })?;
    Ok(bytes)
}

/// The zlib level of page content: a fast one (zlib-rs's level 1 writes
/// content twice the size of level 2 for little less time). Font programs
/// and the colour profile are compressed once per process (see
/// [`ONCE_LEVEL`]).
const CONTENT_LEVEL: u32 = 2;

/// The zlib level of what is compressed once per process: font subsets and
/// the sRGB profile (level 9 makes font programs no smaller, only slower).
pub(super) const ONCE_LEVEL: u32 = 6;

/// Compresses every stream that may be compressed (not the XMP): a font
/// program with the bytes its subset compressed once, the rest (page
/// content) at [`CONTENT_LEVEL`].
fn compress(doc: &mut lopdf::Document, subsets: &[Arc<Subset>]) {
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.has(b"Filter") {
            continue;
        }
        let done = subsets
            .iter()
            .find(|s| s.font.original_bytes == stream.content)
            .map(|s| s.deflated.clone());
        let deflated = done.unwrap_or_else(|| deflate(&stream.content, CONTENT_LEVEL));
        if deflated.len() < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(deflated);
        }
    }
}

/// What the saved file will about weigh: its streams and some room for
/// the objects around them (so the output is not copied as it grows).
fn capacity(doc: &lopdf::Document) -> usize {
    let streams: usize = doc
        .objects
        .values()
        .filter_map(|o| match o {
            Object::Stream(s) => Some(s.content.len()),
            _ => None,
        })
        .sum();
    streams + 16 * 1024 + doc.objects.len() * 64
}

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

/// The sRGB profile of the output intent, compressed once per process.
fn srgb_deflated() -> &'static [u8] {
    static DEFLATED: OnceLock<Vec<u8>> = OnceLock::new();
    DEFLATED.get_or_init(|| deflate(SRGB_ICC, ONCE_LEVEL))
}

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: f32::from(c.0) / 255.0,
        g: f32::from(c.1) / 255.0,
        b: f32::from(c.2) / 255.0,
        icc_profile: None,
    })
}

fn set_fill(ops: &mut Vec<Op>, current: &mut Rgb, c: Rgb) {
    if *current != c {
        ops.push(Op::SetFillColor { col: color(c) });
        *current = c;
    }
}

fn set_stroke(ops: &mut Vec<Op>, current: &mut Rgb, c: Rgb) {
    if *current != c {
        ops.push(Op::SetOutlineColor { col: color(c) });
        *current = c;
    }
}

/// A straight segment from (x1, y1) to (x2, y2).
fn segment(x1: f32, y1: f32, x2: f32, y2: f32) -> Op {
    let point = |x: f32, y: f32| LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    };
    Op::DrawLine {
        line: Line {
            points: vec![point(x1, y1), point(x2, y2)],
            is_closed: false,
        },
    }
}

/// Text with justification: after every space an offset (in thousandths of
/// an em, negative moves right) widens the gap; the space itself stays.
fn text_items(text: &str, extra: f32, size: f32) -> Vec<TextItem> {
    if extra <= 0.001 || !text.contains(' ') {
        return vec![TextItem::Text(text.to_string())];
    }
    let offset = -(extra * 1000.0 / size);
    let mut items = Vec::new();
    let mut parts = text.split(' ').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_some() {
            items.push(TextItem::Text(format!("{part} ")));
            items.push(TextItem::Offset(offset));
        } else if !part.is_empty() {
            items.push(TextItem::Text(part.to_string()));
        }
    }
    items
}

fn pdf_string(s: &str) -> Object {
    // UTF-16BE with BOM: any Italian text in the Info dictionary.
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn xml_escape(s: &str) -> String {
    super::docx::xml_chars(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Adds what PDF/A-2b asks beyond embedded fonts: PDF 1.7 header, XMP
/// metadata matching the Info dictionary, and an sRGB output intent.
fn make_pdfa(doc: &mut lopdf::Document, meta: &Meta) -> Result<()> {
    doc.version = "1.7".to_string();
    let created = chrono::Utc::now();
    let pdf_date = created.format("D:%Y%m%d%H%M%SZ").to_string();
    let xmp_date = created.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let keywords = meta.keywords.join(", ");

    let mut info = Dictionary::new();
    info.set("Title", pdf_string(&meta.title));
    info.set("Author", pdf_string(&meta.author));
    info.set("Subject", pdf_string(&meta.subject));
    info.set("Keywords", pdf_string(&keywords));
    info.set("Creator", pdf_string(PRODUCER));
    info.set("Producer", pdf_string(PRODUCER));
    info.set("CreationDate", Object::string_literal(pdf_date.clone()));
    info.set("ModDate", Object::string_literal(pdf_date));
    let info_id = doc.add_object(info);
    doc.trailer.set("Info", Object::Reference(info_id));

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
    let mut xmp_stream = Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp.into_bytes(),
    );
    // PDF/A: the metadata stays readable without filters.
    xmp_stream.allows_compression = false;
    let xmp_id = doc.add_object(xmp_stream);

    let icc = Stream::new(
        Dictionary::from_iter(vec![
            ("N", Object::Integer(3)),
            ("Filter", Object::Name(b"FlateDecode".to_vec())),
        ]),
        srgb_deflated().to_vec(),
    );
    let icc_id = doc.add_object(icc);
    let intent = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        (
            "OutputConditionIdentifier",
            Object::string_literal("sRGB IEC61966-2.1"),
        ),
        ("Info", Object::string_literal("sRGB IEC61966-2.1")),
        ("DestOutputProfile", Object::Reference(icc_id)),
    ]);

    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| Error::Io {
            message: format!("PDF senza catalogo: {e}"),
        })?;
    let catalog = doc
        .get_object_mut(root)
        .and_then(Object::as_dict_mut)
        .map_err(|e| Error::Io {
            message: format!("PDF senza catalogo: {e}"),
        })?;
    catalog.set("Metadata", Object::Reference(xmp_id));
    catalog.set(
        "OutputIntents",
        Object::Array(vec![Object::Dictionary(intent)]),
    );
    catalog.set("Lang", Object::string_literal(meta.language.as_str()));
    Ok(())
}
