//! Charts as [`Element`]s: bars (grouped), stacked bars, lines over years
//! and a map of regions coloured by class. Each draws vector shapes in the
//! PDF and, being a picture, an image in the DOCX (`Element::alt`); the
//! document that shows one follows it with its figures in a table
//! ([`Chart::table`]), so a reader and a screen reader get the numbers
//! without the picture. Every text is 8 pt or more; numbers are written
//! the Italian way (1.234, 12,5). The engine knows no domain: categories,
//! series and regions are given by the builder.

use super::element::Element;
use super::model::{Block, Cell, CellAlign, Column, Rgb, Row, Shape, Table};

/// The smallest text a chart prints.
pub const TEXT_MIN: f32 = 8.0;
const LABEL: f32 = 8.5;
const AXIS: Rgb = Rgb(60, 60, 60);
const GRID: Rgb = Rgb(215, 215, 215);
const INK: Rgb = Rgb(0, 0, 0);

/// The palette of the charts (Designers Italia's blues, then contrasting
/// hues), each distinguishable from white and from its neighbours.
pub const PALETTE: [Rgb; 6] = [
    Rgb(0, 102, 204),
    Rgb(230, 145, 0),
    Rgb(0, 128, 96),
    Rgb(160, 60, 120),
    Rgb(90, 90, 90),
    Rgb(120, 170, 230),
];

/// A number the Italian way with `decimals` digits after the comma (a
/// whole number prints without them): 1.234; 12,5.
pub fn number_it(v: f64, decimals: u8) -> String {
    let factor = 10f64.powi(i32::from(decimals));
    let rounded = (v * factor).round() / factor;
    let whole = rounded.trunc() as i64;
    let frac = ((rounded - rounded.trunc()).abs() * factor).round() as i64;
    let int = crate::text::thousands(whole);
    let int = if whole == 0 && rounded < 0.0 {
        format!("-{int}")
    } else {
        int
    };
    if decimals == 0 || frac == 0 {
        int
    } else {
        format!("{int},{:0width$}", frac, width = usize::from(decimals))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Bars side by side per category, one per series.
    Bars,
    /// One bar per category, the series stacked, with the total on top.
    Stacked,
    /// One line per series over the categories (years).
    Lines,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// One per category.
    pub values: Vec<f64>,
    pub color: Rgb,
}

/// A chart of series over categories.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub kind: ChartKind,
    /// What the chart shows, for whoever cannot see it (the DOCX image's
    /// neighbour text, the screen's `aria-label`).
    pub description: String,
    /// The header of the categories' column in the table.
    pub category_header: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Digits after the comma of the values.
    pub decimals: u8,
}

/// A step of the value axis: 1, 2 or 5 times a power of ten, about five steps up to `max`.
fn nice_step(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let raw = max / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    step.max(1.0)
}

fn text(x: f32, y: f32, w: f32, h: f32, t: String, size: f32, align: CellAlign) -> Shape {
    Shape::Text {
        x,
        y,
        w,
        h,
        text: t,
        size,
        bold: false,
        italic: false,
        align,
        color: INK,
    }
}

/// The legend: a swatch and a name per entry, in rows; returns its shapes and height.
fn legend(entries: &[(String, Rgb)], width: f32, top: f32) -> (Vec<Shape>, f32) {
    let f = crate::fonts::fonts();
    let mut shapes = Vec::new();
    let (mut x, mut y) = (0.0, top);
    let row = LABEL * 1.6;
    for (name, color) in entries {
        let w = 12.0 + f.width(crate::fonts::Face::Regular, name, LABEL) + 14.0;
        if x > 0.0 && x + w > width {
            x = 0.0;
            y += row;
        }
        shapes.push(Shape::Rect {
            x,
            y: y + 1.5,
            w: 9.0,
            h: 9.0,
            fill: Some(*color),
            stroke: Some((AXIS, 0.4)),
        });
        shapes.push(text(
            x + 12.0,
            y,
            w.min(width - x - 12.0),
            row,
            name.clone(),
            LABEL,
            CellAlign::Left,
        ));
        x += w;
    }
    (shapes, y + row - top)
}

impl Chart {
    fn legend_entries(&self) -> Vec<(String, Rgb)> {
        self.series
            .iter()
            .map(|s| (s.name.clone(), s.color))
            .collect()
    }

    fn max(&self) -> f64 {
        let n = self.categories.len();
        let max = match self.kind {
            ChartKind::Stacked => (0..n)
                .map(|i| {
                    self.series
                        .iter()
                        .map(|s| s.values[i].max(0.0))
                        .sum::<f64>()
                })
                .fold(0.0, f64::max),
            _ => self
                .series
                .iter()
                .flat_map(|s| s.values.iter().copied())
                .fold(0.0, f64::max),
        };
        max.max(1.0)
    }

    /// Whether the table has a column per category (a series over many
    /// years reads across, as a line of figures) rather than a row.
    pub fn transposed(&self) -> bool {
        self.categories.len() > 6 && self.series.len() <= 3 && self.kind != ChartKind::Stacked
    }

    /// The figures as a table: a row per category, a column per series
    /// (and the total of a stacked chart), numbers right-aligned; or, for
    /// a series over many years, a row per series and a column per year.
    pub fn table(&self) -> Table {
        if self.transposed() {
            let share = 72.0 / self.categories.len() as f32;
            let mut columns = vec![Column {
                header: self.category_header.clone(),
                share: 28.0,
                align: CellAlign::Left,
            }];
            columns.extend(self.categories.iter().map(|c| Column {
                header: c.clone(),
                share,
                align: CellAlign::Right,
            }));
            let rows = self
                .series
                .iter()
                .map(|s| {
                    let mut cells = vec![Cell::text(s.name.clone())];
                    cells.extend(
                        s.values
                            .iter()
                            .map(|v| Cell::text(number_it(*v, self.decimals))),
                    );
                    Row {
                        cells,
                        fill: None,
                        group: false,
                    }
                })
                .collect();
            return Table {
                columns,
                rows,
                size: 8.5,
                ..Table::default()
            };
        }
        let mut columns = vec![Column {
            header: self.category_header.clone(),
            share: 34.0,
            align: CellAlign::Left,
        }];
        let share =
            66.0 / (self.series.len() + usize::from(self.kind == ChartKind::Stacked)) as f32;
        columns.extend(self.series.iter().map(|s| Column {
            header: s.name.clone(),
            share,
            align: CellAlign::Right,
        }));
        if self.kind == ChartKind::Stacked {
            columns.push(Column {
                header: "Totale".into(),
                share,
                align: CellAlign::Right,
            });
        }
        let rows = self
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut cells = vec![Cell::text(c.clone())];
                cells.extend(
                    self.series
                        .iter()
                        .map(|s| Cell::text(number_it(s.values[i], self.decimals))),
                );
                if self.kind == ChartKind::Stacked {
                    let total: f64 = self.series.iter().map(|s| s.values[i]).sum();
                    cells.push(Cell::bold(number_it(total, self.decimals)));
                }
                Row {
                    cells,
                    fill: None,
                    group: false,
                }
            })
            .collect();
        Table {
            columns,
            rows,
            size: 9.0,
            ..Table::default()
        }
    }

    /// The values behind the table's cells, row by row (None for a label).
    pub fn table_values(&self) -> Vec<Vec<Option<f64>>> {
        if self.transposed() {
            return self
                .series
                .iter()
                .map(|s| {
                    std::iter::once(None)
                        .chain(s.values.iter().map(|v| Some(*v)))
                        .collect()
                })
                .collect();
        }
        let stacked = self.kind == ChartKind::Stacked;
        (0..self.categories.len())
            .map(|i| {
                let mut row = vec![None];
                row.extend(self.series.iter().map(|s| Some(s.values[i])));
                if stacked {
                    row.push(Some(self.series.iter().map(|s| s.values[i]).sum()));
                }
                row
            })
            .collect()
    }

    /// The chart followed by its table, as blocks of a document.
    pub fn blocks(self) -> Vec<Block> {
        let table = self.table();
        vec![
            Block::Element(super::element::Custom::new(self)),
            Block::Grid(table),
        ]
    }

    fn plot(&self, width: f32, height: f32) -> Vec<Shape> {
        let mut shapes = Vec::new();
        let (legend_shapes, legend_h) = if self.series.len() > 1 || self.kind == ChartKind::Stacked
        {
            legend(&self.legend_entries(), width, 0.0)
        } else {
            (Vec::new(), 0.0)
        };
        shapes.extend(legend_shapes);
        let n = self.categories.len().max(1);
        let axis_w = 38.0;
        let label_h = 2.0 * LABEL * 1.25 + 4.0;
        let top = legend_h + 20.0;
        let left = axis_w;
        let plot_w = width - left - 4.0;
        let plot_h = (height - top - label_h).max(20.0);
        let bottom = top + plot_h;
        let step = nice_step(self.max());
        let max = (self.max() / step).ceil() * step;
        let y_of = |v: f64| bottom - (v / max) as f32 * plot_h;
        // Grid and value axis.
        let mut tick = 0.0;
        while tick <= max + step / 2.0 {
            let y = y_of(tick);
            shapes.push(Shape::Line {
                x1: left,
                y1: y,
                x2: left + plot_w,
                y2: y,
                width: 0.4,
                color: if tick == 0.0 { AXIS } else { GRID },
            });
            shapes.push(text(
                0.0,
                y - LABEL * 0.6,
                axis_w - 5.0,
                LABEL * 1.3,
                number_it(tick, 0),
                TEXT_MIN,
                CellAlign::Right,
            ));
            tick += step;
        }
        let group = plot_w / n as f32;
        // Category labels.
        for (i, c) in self.categories.iter().enumerate() {
            shapes.push(text(
                left + group * i as f32 + 1.0,
                bottom + 3.0,
                group - 2.0,
                label_h - 2.0,
                c.clone(),
                LABEL,
                CellAlign::Center,
            ));
        }
        let value = |v: f64| number_it(v, self.decimals);
        match self.kind {
            ChartKind::Bars => {
                let k = self.series.len().max(1) as f32;
                let bar = (group * 0.75 / k).min(48.0);
                let start = (group - bar * k) / 2.0;
                for (si, s) in self.series.iter().enumerate() {
                    for (i, v) in s.values.iter().enumerate() {
                        let x = left + group * i as f32 + start + bar * si as f32;
                        let y = y_of(*v);
                        if *v > 0.0 {
                            shapes.push(Shape::Rect {
                                x,
                                y,
                                w: bar,
                                h: bottom - y,
                                fill: Some(s.color),
                                stroke: None,
                            });
                        }
                        shapes.push(text(
                            x - 6.0,
                            y - LABEL * 1.3,
                            bar + 12.0,
                            LABEL * 1.3,
                            value(*v),
                            TEXT_MIN,
                            CellAlign::Center,
                        ));
                    }
                }
            }
            ChartKind::Stacked => {
                let bar = (group * 0.6).min(60.0);
                for i in 0..self.categories.len() {
                    let x = left + group * i as f32 + (group - bar) / 2.0;
                    let mut acc = 0.0;
                    for s in &self.series {
                        let v = s.values[i].max(0.0);
                        if v <= 0.0 {
                            continue;
                        }
                        let (y0, y1) = (y_of(acc), y_of(acc + v));
                        shapes.push(Shape::Rect {
                            x,
                            y: y1,
                            w: bar,
                            h: y0 - y1,
                            fill: Some(s.color),
                            stroke: Some((Rgb(255, 255, 255), 0.5)),
                        });
                        // The segment's figure inside it, where it fits.
                        if y0 - y1 >= TEXT_MIN * 1.3 {
                            let dark = u32::from(s.color.0) * 299
                                + u32::from(s.color.1) * 587
                                + u32::from(s.color.2) * 114
                                < 140_000;
                            shapes.push(Shape::Text {
                                x,
                                y: (y0 + y1) / 2.0 - TEXT_MIN * 0.65,
                                w: bar,
                                h: TEXT_MIN * 1.3,
                                text: value(v),
                                size: TEXT_MIN,
                                bold: false,
                                italic: false,
                                align: CellAlign::Center,
                                color: if dark { Rgb(255, 255, 255) } else { INK },
                            });
                        }
                        acc += v;
                    }
                    shapes.push(Shape::Text {
                        x: x - 8.0,
                        y: y_of(acc) - LABEL * 1.3,
                        w: bar + 16.0,
                        h: LABEL * 1.3,
                        text: value(acc),
                        size: LABEL,
                        bold: true,
                        italic: false,
                        align: CellAlign::Center,
                        color: INK,
                    });
                }
            }
            ChartKind::Lines => {
                for s in &self.series {
                    let points: Vec<(f32, f32)> = s
                        .values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (left + group * (i as f32 + 0.5), y_of(*v)))
                        .collect();
                    for w in points.windows(2) {
                        shapes.push(Shape::Line {
                            x1: w[0].0,
                            y1: w[0].1,
                            x2: w[1].0,
                            y2: w[1].1,
                            width: 1.6,
                            color: s.color,
                        });
                    }
                    for ((x, y), v) in points.iter().zip(&s.values) {
                        shapes.push(Shape::Rect {
                            x: x - 2.5,
                            y: y - 2.5,
                            w: 5.0,
                            h: 5.0,
                            fill: Some(s.color),
                            stroke: None,
                        });
                        shapes.push(text(
                            x - group / 2.0,
                            y - 4.0 - LABEL * 1.3,
                            group,
                            LABEL * 1.3,
                            value(*v),
                            TEXT_MIN,
                            CellAlign::Center,
                        ));
                    }
                }
            }
        }
        shapes
    }
}

impl Element for Chart {
    fn height(&self, width: f32, _room: f32) -> f32 {
        (width * 0.42).clamp(150.0, 230.0) + if self.series.len() > 1 { 16.0 } else { 0.0 }
    }

    fn draw(&self, width: f32, height: f32) -> Vec<Shape> {
        self.plot(width, height)
    }

    fn fallback(&self) -> Vec<Block> {
        Vec::new()
    }

    fn alt(&self) -> Option<String> {
        Some(self.description.clone())
    }
}

/// One region of a map: its rings in the map's coordinates (y downwards)
/// and its class (an index into the classes).
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub name: String,
    pub rings: Vec<Vec<(f32, f32)>>,
    pub class: usize,
}

/// A map of regions coloured by class, with its legend (each class with its count).
#[derive(Debug, Clone, PartialEq)]
pub struct MapChart {
    pub description: String,
    /// The coordinate space of the regions.
    pub width: f32,
    pub height: f32,
    pub regions: Vec<Region>,
    /// Label and colour of each class.
    pub classes: Vec<(String, Rgb)>,
}

impl MapChart {
    fn entries(&self) -> Vec<(String, Rgb)> {
        self.classes
            .iter()
            .enumerate()
            .map(|(i, (label, color))| {
                let n = self.regions.iter().filter(|r| r.class == i).count();
                (format!("{label} ({})", number_it(n as f64, 0)), *color)
            })
            .collect()
    }

    /// How many regions each class has, as a table.
    pub fn table(&self, header: &str) -> Table {
        Table {
            columns: vec![
                Column {
                    header: header.into(),
                    share: 70.0,
                    align: CellAlign::Left,
                },
                Column {
                    header: "Comuni".into(),
                    share: 30.0,
                    align: CellAlign::Right,
                },
            ],
            rows: self
                .classes
                .iter()
                .enumerate()
                .map(|(i, (label, _))| Row {
                    cells: vec![
                        Cell::text(label.clone()),
                        Cell::text(number_it(
                            self.regions.iter().filter(|r| r.class == i).count() as f64,
                            0,
                        )),
                    ],
                    fill: None,
                    group: false,
                })
                .collect(),
            size: 9.0,
            ..Table::default()
        }
    }

    fn scale(&self, width: f32) -> f32 {
        width / self.width.max(1.0)
    }
}

/// The map's share of the page's width (the legend under it).
const MAP_SHARE: f32 = 0.9;

impl Element for MapChart {
    fn height(&self, width: f32, room: f32) -> f32 {
        let map_w = width * MAP_SHARE;
        let (_, legend_h) = legend(&self.entries(), width, 0.0);
        let h = self.height * self.scale(map_w) + 8.0 + legend_h;
        // Scaled down to the room of a page when taller.
        h.min(room.max(200.0))
    }

    fn draw(&self, width: f32, height: f32) -> Vec<Shape> {
        let (legend_shapes, legend_h) = legend(&self.entries(), width, 0.0);
        let avail = (height - legend_h - 8.0).max(10.0);
        let k = self
            .scale(width * MAP_SHARE)
            .min(avail / self.height.max(1.0));
        let dx = (width - self.width * k) / 2.0;
        let top = legend_h + 8.0;
        let mut shapes = legend_shapes;
        for r in &self.regions {
            let color = self.classes.get(r.class).map_or(GRID, |c| c.1);
            shapes.push(Shape::Polygon {
                rings: r
                    .rings
                    .iter()
                    .map(|ring| {
                        ring.iter()
                            .map(|(x, y)| (dx + x * k, top + y * k))
                            .collect()
                    })
                    .collect(),
                fill: Some(color),
                stroke: Some((Rgb(255, 255, 255), 0.35)),
            });
        }
        shapes
    }

    fn fallback(&self) -> Vec<Block> {
        Vec::new()
    }

    fn alt(&self) -> Option<String> {
        Some(self.description.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_italian_way() {
        assert_eq!(number_it(1234.0, 0), "1.234");
        assert_eq!(number_it(12.5, 1), "12,5");
        assert_eq!(number_it(12.0, 1), "12");
        assert_eq!(number_it(1_234_567.25, 2), "1.234.567,25");
        assert_eq!(number_it(-0.5, 1), "-0,5");
    }

    #[test]
    fn the_value_axis_steps_are_round() {
        assert_eq!(nice_step(108.0), 50.0);
        assert_eq!(nice_step(9.0), 2.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(650_000.0), 200_000.0);
    }

    fn texts(shapes: &[Shape]) -> Vec<(String, f32)> {
        shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { text, size, .. } => Some((text.clone(), *size)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_kind_draws_its_figures_at_8_pt_or_more() {
        for kind in [ChartKind::Bars, ChartKind::Stacked, ChartKind::Lines] {
            let chart = Chart {
                kind,
                description: "prova".into(),
                category_header: "Anno".into(),
                categories: vec!["2025".into(), "2026".into()],
                series: vec![
                    Series {
                        name: "A".into(),
                        values: vec![1200.0, 30.0],
                        color: PALETTE[0],
                    },
                    Series {
                        name: "B".into(),
                        values: vec![40.0, 7.0],
                        color: PALETTE[1],
                    },
                ],
                decimals: 0,
            };
            let w = 450.0;
            let shapes = chart.draw(w, chart.height(w, 800.0));
            let t = texts(&shapes);
            assert!(t.iter().all(|(_, s)| *s >= TEXT_MIN), "{kind:?}");
            let expected: &[&str] = if kind == ChartKind::Stacked {
                // Totals on top; a segment too thin for its figure leaves it to the table.
                &["1.240", "37", "1.200", "2025", "2026"]
            } else {
                &["1.200", "30", "40", "7", "2025", "2026"]
            };
            for v in expected {
                assert!(t.iter().any(|(x, _)| x == v), "{kind:?} lacks {v}: {t:?}");
            }
        }
    }
}
