//! The map of the territory: the embedded boundaries of the 108 comuni
//! (ISTAT, elaborazione Openpolis) projected once into SVG paths, so the UI
//! (and later a PDF) only draws them.

use std::sync::OnceLock;

use serde::Serialize;

use crate::error::{Error, Result};

pub const GEOJSON: &str = include_str!("../../data/comuni-messina.geojson");

/// Width of the map's coordinate space; the height follows the territory's shape.
const WIDTH: f64 = 1000.0;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MapShape {
    pub istat: String,
    pub name: String,
    /// SVG path data in the map's coordinate space.
    pub d: String,
    /// A point for a label or marker (centre of the largest ring's bounding box).
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MapData {
    pub width: f64,
    pub height: f64,
    pub shapes: Vec<MapShape>,
}

type Ring = Vec<(f64, f64)>;

fn rings_of(geometry: &serde_json::Value) -> Result<Vec<Ring>> {
    let bad = || Error::Database("confini dei comuni non leggibili".into());
    let kind = geometry["type"].as_str().ok_or_else(bad)?;
    let polygons: Vec<&serde_json::Value> = match kind {
        "Polygon" => vec![&geometry["coordinates"]],
        "MultiPolygon" => geometry["coordinates"]
            .as_array()
            .ok_or_else(bad)?
            .iter()
            .collect(),
        _ => return Err(bad()),
    };
    let mut rings = Vec::new();
    for poly in polygons {
        for ring in poly.as_array().ok_or_else(bad)? {
            let pts = ring
                .as_array()
                .ok_or_else(bad)?
                .iter()
                .map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                .collect::<Option<Ring>>()
                .ok_or_else(bad)?;
            rings.push(pts);
        }
    }
    Ok(rings)
}

fn build() -> Result<MapData> {
    let doc: serde_json::Value = serde_json::from_str(GEOJSON)?;
    let features = doc["features"]
        .as_array()
        .ok_or_else(|| Error::Database("confini dei comuni non leggibili".into()))?;
    let mut parsed = Vec::with_capacity(features.len());
    let (mut min_lon, mut max_lon, mut min_lat, mut max_lat) =
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for f in features {
        let istat = f["properties"]["istat"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let name = f["properties"]["nome"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let rings = rings_of(&f["geometry"])?;
        for &(lon, lat) in rings.iter().flatten() {
            min_lon = min_lon.min(lon);
            max_lon = max_lon.max(lon);
            min_lat = min_lat.min(lat);
            max_lat = max_lat.max(lat);
        }
        parsed.push((istat, name, rings));
    }
    // Equirectangular projection, true to scale at the territory's mid latitude.
    let k_lon = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let scale = WIDTH / ((max_lon - min_lon) * k_lon);
    let project =
        |(lon, lat): (f64, f64)| ((lon - min_lon) * k_lon * scale, (max_lat - lat) * scale);
    let height = (max_lat - min_lat) * scale;
    let shapes = parsed
        .into_iter()
        .map(|(istat, name, rings)| {
            let mut d = String::new();
            let mut best: (f64, f64, f64) = (-1.0, 0.0, 0.0);
            for ring in &rings {
                let pts: Vec<(f64, f64)> = ring.iter().copied().map(project).collect();
                for (i, (x, y)) in pts.iter().enumerate() {
                    d.push_str(&format!(
                        "{}{:.1},{:.1}",
                        if i == 0 { "M" } else { "L" },
                        x,
                        y
                    ));
                }
                d.push('Z');
                let (x0, x1) = pts
                    .iter()
                    .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
                let (y0, y1) = pts
                    .iter()
                    .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
                let area = (x1 - x0) * (y1 - y0);
                if area > best.0 {
                    best = (area, (x0 + x1) / 2.0, (y0 + y1) / 2.0);
                }
            }
            MapShape {
                istat,
                name,
                d,
                x: best.1,
                y: best.2,
            }
        })
        .collect();
    Ok(MapData {
        width: WIDTH,
        height,
        shapes,
    })
}

/// The projected map (computed once per process).
pub fn map_data() -> Result<&'static MapData> {
    static MAP: OnceLock<std::result::Result<MapData, String>> = OnceLock::new();
    MAP.get_or_init(|| build().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| Error::Database(e.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_comune_has_a_shape_inside_the_frame() {
        let map = map_data().unwrap();
        assert_eq!(map.shapes.len(), 108);
        assert!(map.height > 300.0 && map.height < 1000.0, "{}", map.height);
        let lipari = map.shapes.iter().find(|s| s.istat == "083041").unwrap();
        assert_eq!(lipari.name, "Lipari");
        // Lipari's municipality is several islands: several rings.
        assert!(lipari.d.matches('M').count() > 1);
        for s in &map.shapes {
            assert!(
                s.x >= 0.0 && s.x <= map.width && s.y >= 0.0 && s.y <= map.height,
                "{}",
                s.name
            );
        }
    }
}
