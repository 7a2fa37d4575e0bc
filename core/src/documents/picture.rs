//! A drawing as a picture outside the PDF: the shapes an element draws,
//! laid out exactly as the PDF sets them (`element::place`: the same line
//! breaking, the same fonts), written as SVG (the Cruscotto shows it) and
//! rasterised to PNG with resvg (the DOCX embeds it: Word draws no shapes
//! of ours). resvg is the SVG renderer of the linebender project, with
//! tiny-skia underneath: no home-made rasteriser.

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::compose::Draw;
use super::element::place;
use super::model::{Rgb, Shape};
use crate::error::{Error, Result};
use crate::fonts::{Face, FONT_FILES};

/// The family of the embedded fonts, as their files name it.
const FAMILY: &str = "Liberation Serif";
/// Pixels per point of the PNG: 150 dpi, sharp when printed at its size.
const SCALE: f32 = 150.0 / 72.0;

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn paint(fill: Option<Rgb>, stroke: Option<(Rgb, f32)>) -> String {
    let mut s = match fill {
        Some(c) => format!(" fill=\"{}\"", hex(c)),
        None => " fill=\"none\"".into(),
    };
    if let Some((c, w)) = stroke {
        let _ = write!(s, " stroke=\"{}\" stroke-width=\"{w:.2}\"", hex(c));
    }
    s
}

/// `shapes` in an area `width` × `height` points as an SVG document whose
/// user units are points (y downwards, as the shapes are given).
pub fn svg(shapes: &[Shape], width: f32, height: f32) -> String {
    let draws = place(shapes, 0.0, height);
    let y = |v: f32| height - v;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.1} {height:.1}\" \
         width=\"{width:.1}\" height=\"{height:.1}\" font-family=\"{FAMILY}, 'Times New Roman', serif\">"
    );
    for d in &draws {
        match d {
            Draw::Text(line) => {
                let _ = write!(
                    out,
                    "<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"{:.1}\" fill=\"{}\" xml:space=\"preserve\">",
                    line.x,
                    y(line.y),
                    line.size,
                    hex(line.color)
                );
                for (face, text) in &line.runs {
                    let weight = if face.is_bold() { "bold" } else { "normal" };
                    let style = if face.is_italic() { "italic" } else { "normal" };
                    let _ = write!(
                        out,
                        "<tspan font-weight=\"{weight}\" font-style=\"{style}\">{}</tspan>",
                        escape(text)
                    );
                }
                out.push_str("</text>");
            }
            Draw::Rule {
                x1,
                x2,
                y: ry,
                width,
            } => {
                let _ = write!(
                    out,
                    "<line x1=\"{x1:.2}\" y1=\"{:.2}\" x2=\"{x2:.2}\" y2=\"{:.2}\" stroke=\"#000000\" stroke-width=\"{width:.2}\"/>",
                    y(*ry),
                    y(*ry)
                );
            }
            Draw::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => {
                let _ = write!(
                    out,
                    "<line x1=\"{x1:.2}\" y1=\"{:.2}\" x2=\"{x2:.2}\" y2=\"{:.2}\" stroke=\"{}\" stroke-width=\"{width:.2}\"/>",
                    y(*y1),
                    y(*y2),
                    hex(*color)
                );
            }
            Draw::Rect {
                x,
                y: ry,
                w,
                h,
                fill,
                stroke,
            } => {
                let _ = write!(
                    out,
                    "<rect x=\"{x:.2}\" y=\"{:.2}\" width=\"{w:.2}\" height=\"{h:.2}\"{}/>",
                    y(ry + h),
                    paint(*fill, *stroke)
                );
            }
            Draw::Polygon {
                rings,
                fill,
                stroke,
            } => {
                let mut path = String::new();
                for ring in rings {
                    for (i, (px, py)) in ring.iter().enumerate() {
                        let _ = write!(
                            path,
                            "{}{px:.1},{:.1}",
                            if i == 0 { "M" } else { "L" },
                            y(*py)
                        );
                    }
                    path.push('Z');
                }
                let _ = write!(
                    out,
                    "<path d=\"{path}\" fill-rule=\"evenodd\"{}/>",
                    paint(*fill, *stroke)
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// The embedded fonts, loaded once for the rasteriser (no system font:
/// the picture prints what the PDF prints, on any computer).
fn font_db() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for face in Face::ALL {
            db.load_font_data(FONT_FILES[face as usize].to_vec());
        }
        db.set_serif_family(FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// A picture as PNG bytes with its size in pixels.
pub struct Png {
    pub bytes: Vec<u8>,
    pub width_px: u32,
    pub height_px: u32,
}

/// `shapes` in an area `width` × `height` points as a PNG at 150 dpi on white.
pub fn png(shapes: &[Shape], width: f32, height: f32) -> Result<Png> {
    let failed = |what: &str| Error::Io {
        message: format!("Preparazione dell'immagine del grafico non riuscita: {what}"),
    };
    let opt = usvg::Options {
        fontdb: font_db(),
        font_family: FAMILY.into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg(shapes, width, height), &opt)
        .map_err(|e| failed(&e.to_string()))?;
    let (pw, ph) = (
        ((width * SCALE).ceil() as u32).max(1),
        ((height * SCALE).ceil() as u32).max(1),
    );
    let mut pixmap = tiny_skia::Pixmap::new(pw, ph).ok_or_else(|| failed("dimensioni"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap.encode_png().map_err(|e| failed(&e.to_string()))?;
    Ok(Png {
        bytes,
        width_px: pw,
        height_px: ph,
    })
}
