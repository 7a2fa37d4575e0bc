//! Custom content that the composer lays out, as genpdf does it (its
//! `Element` and `PageDecorator` traits): a domain never places shapes on a
//! page by hand.
//!
//! - An [`Element`] is a piece of content the engine does not know (the
//!   organigram's chart): asked its height in the width the composer gives,
//!   it draws itself in the area the composer gives, in its own coordinates
//!   (points from the area's top-left corner, y downwards); the composer puts
//!   the area where the flow is and moves on. An editable document (DOCX) gets
//!   the element's fallback blocks instead.
//! - A [`Decoration`] decorates every page from the one it starts on (a
//!   certificate's frame, its register line at the foot) and gives the flow
//!   the area left inside it, as genpdf's `PageDecorator::decorate_page`
//!   returns the area left for the content.

use super::draw::{Draw, TextLine};
use super::lines::{fit_face, fit_text, lines_fitting, ASCENT, TEXT_LEADING};
use super::model::{Block, CellAlign, Document, Rgb, Shape};
pub use super::model::{Custom, Decoration, Element};
use crate::fonts::{fonts, Face};

/// A flexible space: up to `at_most` points, but never so much that less
/// than `leave` points stay on the page for what follows; when less than
/// `leave` is left already, what follows starts a new page (a certificate's
/// signature is set low on its page, and kept whole with its formula).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fill {
    pub at_most: f32,
    pub leave: f32,
}

impl Element for Fill {
    fn height(&self, _width: f32, room: f32) -> f32 {
        if room < self.leave {
            // More than the room: the composer turns the page.
            room + 1.0
        } else {
            (room - self.leave).min(self.at_most)
        }
    }

    fn draw(&self, _width: f32, _height: f32) -> Vec<Shape> {
        Vec::new()
    }

    fn fallback(&self) -> Vec<Block> {
        Vec::new()
    }
}

/// The size of a decoration's foot text (the smallest the documents print).
pub const FOOT_SIZE: f32 = 8.5;
const FOOT_COLOR: Rgb = Rgb(70, 70, 70);
/// The gap between the frame's two rules.
const FRAME_GAP: f32 = 5.0;

/// The content area of a page: left edge and width, top and bottom (PDF
/// coordinates, y upwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Area {
    pub left: f32,
    pub width: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Decoration {
    fn foot_lines(&self, width: f32) -> Vec<String> {
        self.foot
            .as_deref()
            .map(|t| fit_text(t, width, FOOT_SIZE, false, 6).0)
            .unwrap_or_default()
    }

    /// Decorates a page whose content area is `area`: what to draw, and the
    /// area left to the flow.
    pub(super) fn decorate(&self, area: Area) -> (Vec<Draw>, Area) {
        let mut draws = Vec::new();
        let Area {
            left,
            width,
            top,
            bottom,
        } = area;
        if let Some(color) = self.frame {
            draws.push(Draw::Rect {
                x: left,
                y: bottom,
                w: width,
                h: top - bottom,
                fill: None,
                stroke: Some((color, 2.0)),
            });
            draws.push(Draw::Rect {
                x: left + FRAME_GAP,
                y: bottom + FRAME_GAP,
                w: width - 2.0 * FRAME_GAP,
                h: top - bottom - 2.0 * FRAME_GAP,
                fill: None,
                stroke: Some((color, 0.5)),
            });
        }
        let inner = Area {
            left: left + self.inset,
            width: width - 2.0 * self.inset,
            top: top - self.inset,
            bottom: bottom + self.inset,
        };
        let lines = self.foot_lines(inner.width);
        if lines.is_empty() {
            return (draws, inner);
        }
        let f = fonts();
        let leading = FOOT_SIZE * TEXT_LEADING;
        let height = lines.len() as f32 * leading;
        let mut baseline = inner.bottom + height - ASCENT * FOOT_SIZE;
        draws.push(Draw::Line {
            x1: inner.left,
            y1: inner.bottom + height + 6.0,
            x2: inner.left + inner.width,
            y2: inner.bottom + height + 6.0,
            width: 0.5,
            color: FOOT_COLOR,
        });
        for line in lines {
            let w = f.width(Face::Regular, &line, FOOT_SIZE);
            draws.push(Draw::Text(TextLine {
                x: inner.left + (inner.width - w).max(0.0) / 2.0,
                y: baseline,
                size: FOOT_SIZE,
                runs: vec![(Face::Regular, line)],
                space_extra: 0.0,
                color: FOOT_COLOR,
            }));
            baseline -= leading;
        }
        (
            draws,
            Area {
                bottom: inner.bottom + height + 14.0,
                ..inner
            },
        )
    }
}

/// Shapes given from the top-left corner (`left`, `top`) of their area, in
/// PDF coordinates: a drawing's page, an element's area.
pub(super) fn place(shapes: &[Shape], left: f32, top: f32) -> Vec<Draw> {
    let f = fonts();
    let mut out = Vec::new();
    for shape in shapes {
        match shape {
            Shape::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => out.push(Draw::Rect {
                x: left + x,
                y: top - y - h,
                w: *w,
                h: *h,
                fill: *fill,
                stroke: *stroke,
            }),
            Shape::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => out.push(Draw::Line {
                x1: left + x1,
                y1: top - y1,
                x2: left + x2,
                y2: top - y2,
                width: *width,
                color: *color,
            }),
            Shape::Text {
                x,
                y,
                w,
                h,
                text,
                size,
                bold,
                italic,
                align,
                color,
            } => {
                let face = Face::new(*bold, *italic);
                let (lines, _) = fit_face(text, *w, *size, face, lines_fitting(*h, *size));
                for (i, line) in lines.into_iter().enumerate() {
                    let lw = f.width(face, &line, *size);
                    let dx = match align {
                        CellAlign::Left => 0.0,
                        CellAlign::Center => ((w - lw) / 2.0).max(0.0),
                        CellAlign::Right => (w - lw).max(0.0),
                    };
                    let baseline =
                        top - y - i as f32 * TEXT_LEADING * size - (ASCENT + 0.03) * size;
                    out.push(Draw::Text(TextLine {
                        x: left + x + dx,
                        y: baseline,
                        size: *size,
                        runs: vec![(face, line)],
                        space_extra: 0.0,
                        color: *color,
                    }));
                }
            }
            Shape::Polygon {
                rings,
                fill,
                stroke,
            } => out.push(Draw::Polygon {
                rings: rings
                    .iter()
                    .map(|r| r.iter().map(|(x, y)| (left + x, top - y)).collect())
                    .collect(),
                fill: *fill,
                stroke: *stroke,
            }),
        }
    }
    out
}

/// What a DOCX prints for an element drawn as shapes (a month grid, a
/// chart): a note, then the shapes' texts in reading order (top to bottom,
/// left to right), a paragraph each.
pub fn drawn_texts(shapes: &[Shape]) -> Vec<Block> {
    let mut texts: Vec<(f32, f32, &str, bool)> = shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Text {
                x, y, text, bold, ..
            } => Some((*y, *x, text.as_str(), *bold)),
            _ => None,
        })
        .collect();
    texts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut out = vec![Block::paragraph(vec![super::model::Span {
        text: "Disegno: ne sono riportati qui i testi, nell'ordine di lettura (la versione PDF contiene il disegno).".into(),
        bold: false,
        italic: true,
    }])];
    out.extend(
        texts
            .into_iter()
            .map(|(_, _, text, bold)| Block::paragraph(super::model::span(text, bold))),
    );
    out
}

/// The document an editable writer gets: each element replaced by its
/// fallback blocks, each decoration by nothing, the foot of the last one
/// closing the document as a small paragraph.
pub(super) fn for_docx(doc: &Document) -> Document {
    let mut blocks = Vec::with_capacity(doc.blocks.len());
    let mut foot = None;
    for b in &doc.blocks {
        match b {
            Block::Element(c) => {
                // A picture stays, for the writer to draw as an image.
                if c.0.alt().is_some() {
                    blocks.push(b.clone());
                }
                blocks.extend(c.0.fallback())
            }
            Block::Decoration(d) => foot = d.foot.clone(),
            other => blocks.push(other.clone()),
        }
    }
    if let Some(text) = foot {
        blocks.push(Block::Styled(super::model::Styled {
            lines: vec![super::model::span(&text, false)],
            size: FOOT_SIZE,
            align: CellAlign::Center,
            color: FOOT_COLOR,
            before: 18.0,
            from: 0.0,
        }));
    }
    Document {
        blocks,
        ..doc.clone()
    }
}
