//! What a laid-out page is drawn with: positioned lines of text, rules,
//! boxes, lines and polygons in PDF coordinates (points, origin at the
//! lower-left corner). The composer and the elements produce them; the PDF
//! writer draws them.

use super::model::Rgb;
use crate::fonts::Face;

/// One line of text: runs of one face each, drawn from (x, y) on the
/// baseline; `space_extra` points are added after every space (justification).
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub runs: Vec<(Face, String)>,
    pub space_extra: f32,
    /// The colour of the text (black in the acts).
    pub color: Rgb,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Draw {
    Text(TextLine),
    /// A horizontal rule from x1 to x2 at y.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
    },
    /// A rectangle with its lower-left corner at (x, y), filled and/or stroked
    /// (colour, line width).
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    /// A straight line of any direction.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    /// A closed shape of rings, filled (even-odd) and/or stroked.
    Polygon {
        rings: Vec<Vec<(f32, f32)>>,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
}
