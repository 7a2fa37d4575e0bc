//! The starting catalogue shipped in `core/data/catalogo_rischi.json`: the
//! file's shape, its loading (validated with the forms' rules) and the seed
//! that writes it as revision 1 when an archive is created or migrated to
//! the risks schema.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;

use super::catalogue::{insert_event, insert_measure, EventInput, MeasureInput};
use super::rating::{Level, Rating};
use super::{Indicator, Phase};
use crate::error::{Error, Result};
use crate::{audit, Store};

/// The starting catalogue, as shipped.
/// The citation of ANAC's delibera n. 19 of 28 January 2026, as ANAC titles
/// the plan it approves (the code «PNA2026» is the catalogue's, kept).
pub const PNA2025_CITATION: &str =
    "ANAC, Piano Nazionale Anticorruzione 2025 (delibera n. 19 del 28 gennaio 2026)";
const PNA_MISNAMED: &str =
    "ANAC, Piano Nazionale Anticorruzione 2026-2028 (delibera n. 19 del 28 gennaio 2026)";

pub const CATALOGUE_JSON: &str = include_str!("../../data/catalogo_rischi.json");

/// The settings key set once the starting catalogue is seeded.
const SEEDED: &str = "risks_seeded";

// ---------------------------------------------------------------- the file

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogueFile {
    pub title: String,
    pub status: String,
    pub reference_date: String,
    #[serde(default)]
    pub sources: Vec<FileSource>,
    pub areas: Vec<FileArea>,
    pub factors: Vec<FileFactor>,
    pub measure_types: Vec<FileFactor>,
    pub general_measures: Vec<FileGeneral>,
    pub processes: Vec<FileProcess>,
    pub events: Vec<FileEvent>,
    pub measures: Vec<FileMeasure>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileSource {
    pub code: String,
    pub citation: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileArea {
    pub code: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileFactor {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileGeneral {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub reference: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileProcess {
    pub code: String,
    pub area: String,
    pub name: String,
    #[serde(default)]
    pub phases: Vec<String>,
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub simplified: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileEvent {
    pub code: String,
    pub process: String,
    pub description: String,
    #[serde(default)]
    pub factors: Vec<String>,
    #[serde(default)]
    pub rating: Option<FileRating>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileRating {
    pub indicators: Vec<FileIndicatorRating>,
    pub overall: String,
    pub motivazione: String,
    #[serde(default)]
    pub prudence_reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileIndicatorRating {
    pub level: String,
    pub motivazione: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileMeasure {
    pub code: String,
    pub title: String,
    pub general: bool,
    #[serde(default)]
    pub general_measure: Option<String>,
    #[serde(rename = "type")]
    pub type_code: String,
    pub description: String,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub cost: bool,
    #[serde(default)]
    pub responsabili: Vec<String>,
    #[serde(default)]
    pub phases: Vec<Phase>,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    #[serde(default)]
    pub expected: String,
    #[serde(default)]
    pub source: String,
}

/// Parses the catalogue file.
pub fn parse_catalogue(json: &str) -> Result<CatalogueFile> {
    serde_json::from_str(json)
        .map_err(|e| Error::Database(format!("catalogo dei rischi non leggibile: {e}")))
}

impl Store {
    /// Seeds the vocabulary and the starting catalogue (revision 1) once: on
    /// a new archive and on one just migrated to the risks schema.
    pub fn seed_risks_if_empty(&mut self) -> Result<()> {
        if self.read_only {
            return Ok(());
        }
        // Archives seeded before the citation was checked: ANAC's delibera
        // n. 19/2026 approved the «Piano Nazionale Anticorruzione 2025».
        self.conn.execute(
            "UPDATE risk_source SET citation = ?1 WHERE code = 'PNA2026' AND citation = ?2",
            params![PNA2025_CITATION, PNA_MISNAMED],
        )?;
        if crate::db::kv::get(&self.conn, SEEDED)?.is_some() {
            return Ok(());
        }
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM risk_area", [], |r| r.get(0))?;
        if n > 0 {
            return Ok(());
        }
        let file = parse_catalogue(CATALOGUE_JSON)?;
        self.action(|tx, op| {
            let counts = load_catalogue(tx, op, &file)?;
            crate::db::kv::set(tx, SEEDED, &crate::db::version::now_utc())?;
            audit::record(
                tx,
                op,
                "seed_catalogue",
                "risks",
                "catalogo",
                None,
                Some(&counts),
            )?;
            Ok(())
        })
    }
}

fn level(field: &str, s: &str) -> Result<Level> {
    Level::parse(s).ok_or_else(|| {
        Error::validation(field, format!("Livello «{s}» non valido: B, M oppure A."))
    })
}

/// Loads a catalogue file into empty tables, validated with the same rules
/// as the forms' saves (and, for measures, complete: the four elements).
/// An error names the item of the file.
pub fn load_catalogue(
    tx: &Connection,
    op: &str,
    file: &CatalogueFile,
) -> Result<serde_json::Value> {
    let now = crate::db::version::now_utc();
    let at = |what: &str, e: Error| -> Error {
        Error::Database(format!("catalogo dei rischi, {what}: {e}"))
    };
    crate::db::kv::set(tx, "risks_status", &file.status)?;
    for s in &file.sources {
        tx.execute(
            "INSERT INTO risk_source (code, citation) VALUES (?1, ?2)",
            params![s.code, s.citation],
        )?;
    }
    for a in &file.areas {
        if a.kind != "generale" && a.kind != "specifica" {
            return Err(at(&a.code, Error::validation("kind", "tipo non valido")));
        }
        tx.execute(
            "INSERT INTO risk_area (code, name, kind, source, note, user_added, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
            params![a.code, a.name, a.kind, a.source, a.note, now],
        )?;
    }
    for f in &file.factors {
        tx.execute(
            "INSERT INTO risk_factor (code, name, source) VALUES (?1, ?2, ?3)",
            params![f.code, f.name, f.source],
        )?;
    }
    for t in &file.measure_types {
        tx.execute(
            "INSERT INTO measure_type (code, name, source) VALUES (?1, ?2, ?3)",
            params![t.code, t.name, t.source],
        )?;
    }
    for g in &file.general_measures {
        tx.execute(
            "INSERT INTO general_measure (code, name, reference) VALUES (?1, ?2, ?3)",
            params![g.code, g.name, g.reference],
        )?;
    }
    for p in &file.processes {
        let area: i64 = tx
            .query_row("SELECT id FROM risk_area WHERE code = ?1", [&p.area], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| {
                at(
                    &p.code,
                    Error::not_found(format!("area {} inesistente", p.area)),
                )
            })?;
        tx.execute(
            "INSERT INTO risk_process (code, area_id, name, phases, office, simplified, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                p.code,
                area,
                p.name,
                serde_json::to_string(&p.phases)?,
                p.office,
                p.simplified,
                now
            ],
        )?;
    }
    for e in &file.events {
        let process: i64 = tx
            .query_row(
                "SELECT id FROM risk_process WHERE code = ?1",
                [&e.process],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| {
                at(
                    &e.code,
                    Error::not_found(format!("processo {} inesistente", e.process)),
                )
            })?;
        let rating = match &e.rating {
            None => None,
            Some(r) => {
                let mut indicators = Vec::new();
                for (i, ind) in r.indicators.iter().enumerate() {
                    indicators.push(super::rating::IndicatorRating {
                        level: Some(
                            level(&format!("indicators.{i}.level"), &ind.level)
                                .map_err(|x| at(&e.code, x))?,
                        ),
                        motivazione: ind.motivazione.clone(),
                    });
                }
                let mut rating = Rating {
                    indicators,
                    overall: Some(level("overall", &r.overall).map_err(|x| at(&e.code, x))?),
                    motivazione: r.motivazione.clone(),
                    prudence_reason: r.prudence_reason.clone().unwrap_or_default(),
                };
                // In the file the one motivazione says why a lower overall level.
                if rating.prudence_reason.is_empty()
                    && super::rating::prudence_warning(&rating).is_some()
                {
                    rating.prudence_reason = rating.motivazione.clone();
                }
                Some(rating)
            }
        };
        let input = EventInput {
            process_id: process,
            description: e.description.clone(),
            factors: e.factors.clone(),
            version: None,
        };
        insert_event(tx, op, Some(&e.code), &input, rating.as_ref(), &now)
            .map_err(|x| at(&e.code, x))?;
    }
    for m in &file.measures {
        let mut events = Vec::new();
        for code in &m.events {
            let id: i64 = tx
                .query_row("SELECT id FROM risk_event WHERE code = ?1", [code], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or_else(|| {
                    at(
                        &m.code,
                        Error::not_found(format!("evento {code} inesistente")),
                    )
                })?;
            events.push(id);
        }
        let input = MeasureInput {
            title: m.title.clone(),
            general: m.general,
            general_measure: m.general_measure.clone(),
            type_code: m.type_code.clone(),
            description: m.description.clone(),
            events,
            cost: m.cost,
            responsabili: m.responsabili.clone(),
            phases: m.phases.clone(),
            indicators: m.indicators.clone(),
            expected: m.expected.clone(),
            source: m.source.clone(),
            version: None,
        };
        let measure = insert_measure(tx, op, Some(&m.code), &input, &file.status, &now)
            .map_err(|x| at(&m.code, x))?;
        if !measure.missing.is_empty() {
            return Err(at(
                &m.code,
                Error::validation(
                    "measure",
                    format!("programmazione incompleta: {}", measure.missing.join(", ")),
                ),
            ));
        }
    }
    Ok(serde_json::json!({
        "title": file.title,
        "status": file.status,
        "reference_date": file.reference_date,
        "areas": file.areas.len(),
        "factors": file.factors.len(),
        "measure_types": file.measure_types.len(),
        "general_measures": file.general_measures.len(),
        "processes": file.processes.len(),
        "events": file.events.len(),
        "measures": file.measures.len(),
    }))
}
