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

/// The settings key of the last shipped revision of the catalogue an
/// archive has (absent: the first, as seeded before revisions were shipped).
const SHIPPED_KEY: &str = "risks_catalogue_shipped";

/// The operator of the revisions the application ships: an item whose
/// latest revision is theirs (or the first, as seeded) was not changed by
/// the user, and takes the next shipped revision.
pub const SHIPPED_OPERATOR: &str = "Segreteria tecnica (catalogo distribuito con l'applicazione)";

/// A revision of the shipped catalogue after the first: the items of
/// `CATALOGUE_JSON` it changed. Append-only, like the migrations.
pub struct ShippedRevision {
    pub revision: i64,
    /// Measures whose shipped text changed.
    pub measures: &'static [&'static str],
    /// Events whose shipped rating changed.
    pub events: &'static [&'static str],
    /// Sources whose citation changed: (code, the citation shipped before).
    pub sources: &'static [(&'static str, &'static str)],
    /// Sources removed: (code, the citation shipped before).
    pub removed_sources: &'static [(&'static str, &'static str)],
}

/// The shipped revisions, in order.
pub const SHIPPED_REVISIONS: &[ShippedRevision] = &[ShippedRevision {
    // Issue 20: M-G-11 cites delibera ANAC n. 264/2023 (as amended by
    // n. 601/2023); M-S-003's sample check under art. 52 D.Lgs. 36/2023 by
    // the office for internal controls; the abusi edilizi procedure of
    // 1 October 2025 as the MIT defined it; Corte dei conti Sicilia
    // n. 223/2017/GEST, not confirmed at its source, removed.
    revision: 2,
    measures: &["M-G-11", "M-S-003", "M-S-034", "M-S-038"],
    events: &["E-044", "E-045"],
    sources: &[(
        "DPR380-31",
        "D.P.R. 6 giugno 2001, n. 380, art. 31, comma 7 (elenco mensile degli abusi edilizi redatto e pubblicato dal segretario comunale e trasmesso tramite la Prefettura), con la procedura telematica del Ministero dell'interno in vigore dal 1° ottobre 2025",
    )],
    removed_sources: &[(
        "CDC-SIC-2017",
        "Corte dei conti, Sezione di controllo per la Regione siciliana, deliberazione n. 223/2017/GEST, Osservazioni sull'attuazione della legge regionale n. 9 del 2010 in tema di gestione integrata dei rifiuti",
    )],
}];

/// The last shipped revision of the catalogue.
pub fn shipped_revision() -> i64 {
    SHIPPED_REVISIONS.last().map_or(1, |r| r.revision)
}

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
            return self.update_shipped_catalogue();
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
            crate::db::kv::set(tx, SHIPPED_KEY, &shipped_revision().to_string())?;
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

impl Store {
    /// Brings an archive seeded with an earlier shipped catalogue to the
    /// latest one, item by item, where the user has not changed the item
    /// since it was shipped: a measure or an event gets a new revision (the
    /// comuni that adopted it see the newer revision as for any edit), a
    /// source its new citation. One transaction and one audit row.
    fn update_shipped_catalogue(&mut self) -> Result<()> {
        let have: i64 = crate::db::kv::get(&self.conn, SHIPPED_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let due: Vec<&ShippedRevision> = SHIPPED_REVISIONS
            .iter()
            .filter(|r| r.revision > have)
            .collect();
        if due.is_empty() {
            return Ok(());
        }
        let file = parse_catalogue(CATALOGUE_JSON)?;
        self.action(|tx, op| {
            let mut applied: Vec<String> = Vec::new();
            let mut kept: Vec<String> = Vec::new();
            for rev in &due {
                for (code, old) in rev.sources {
                    if let Some(new) = file.sources.iter().find(|s| s.code == *code) {
                        tx.execute(
                            "UPDATE risk_source SET citation = ?2 WHERE code = ?1 AND citation = ?3",
                            params![code, new.citation, old],
                        )?;
                    }
                }
                for (code, old) in rev.removed_sources {
                    tx.execute(
                        "DELETE FROM risk_source WHERE code = ?1 AND citation = ?2",
                        params![code, old],
                    )?;
                }
                for s in &file.sources {
                    tx.execute(
                        "INSERT OR IGNORE INTO risk_source (code, citation) VALUES (?1, ?2)",
                        params![s.code, s.citation],
                    )?;
                }
                for code in rev.events {
                    let Some(e) = file.events.iter().find(|e| e.code == *code) else {
                        continue;
                    };
                    let Some((id, revision)) = id_and_revision(tx, "risk_event", code)? else {
                        continue;
                    };
                    if !unchanged(tx, "risk_event_revision", "event_id", id, revision)? {
                        kept.push(code.to_string());
                        continue;
                    }
                    let rating = file_rating(e)?;
                    tx.execute(
                        "UPDATE risk_event SET rating = ?2, level = ?3, revision = revision + 1,
                            updated_at = ?4 WHERE id = ?1",
                        params![
                            id,
                            rating.as_ref().map(serde_json::to_string).transpose()?,
                            rating.as_ref().and_then(|r| r.overall).map(Level::as_str),
                            crate::db::version::now_utc()
                        ],
                    )?;
                    super::catalogue::write_event_revision(tx, SHIPPED_OPERATOR, id)?;
                    applied.push(code.to_string());
                }
                for code in rev.measures {
                    let Some(m) = file.measures.iter().find(|m| m.code == *code) else {
                        continue;
                    };
                    let Some((id, revision)) = id_and_revision(tx, "risk_measure", code)? else {
                        continue;
                    };
                    if !unchanged(tx, "risk_measure_revision", "measure_id", id, revision)? {
                        kept.push(code.to_string());
                        continue;
                    }
                    let input = measure_input(tx, m)?;
                    super::catalogue::update_measure(tx, SHIPPED_OPERATOR, id, &input)?;
                    applied.push(code.to_string());
                }
            }
            crate::db::kv::set(tx, SHIPPED_KEY, &shipped_revision().to_string())?;
            audit::record(
                tx,
                op,
                "update_catalogue",
                "risks",
                "catalogo",
                Some(&serde_json::json!({"shipped_revision": have})),
                Some(&serde_json::json!({
                    "shipped_revision": shipped_revision(),
                    "updated": applied,
                    "kept_as_changed_by_the_user": kept,
                })),
            )?;
            Ok(())
        })
    }
}

/// The id and current revision of a shipped item (`table` is risk_event or
/// risk_measure), or None when the archive does not hold it.
fn id_and_revision(tx: &Connection, table: &str, code: &str) -> Result<Option<(i64, i64)>> {
    Ok(tx
        .query_row(
            &format!("SELECT id, revision FROM {table} WHERE code = ?1"),
            [code],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )
        .optional()?)
}

/// Whether an item at `revision` is as shipped: its first revision (the
/// seed) or a revision the application shipped.
fn unchanged(tx: &Connection, table: &str, key: &str, id: i64, revision: i64) -> Result<bool> {
    if revision == 1 {
        return Ok(true);
    }
    let op: Option<String> = tx
        .query_row(
            &format!("SELECT operator FROM {table} WHERE {key} = ?1 AND revision = ?2"),
            params![id, revision],
            |r| r.get(0),
        )
        .optional()?;
    Ok(op.as_deref() == Some(SHIPPED_OPERATOR))
}

/// The form's input of a measure of the file (events by their ids).
fn measure_input(tx: &Connection, m: &FileMeasure) -> Result<MeasureInput> {
    let mut events = Vec::new();
    for code in &m.events {
        let id: i64 = tx
            .query_row("SELECT id FROM risk_event WHERE code = ?1", [code], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| {
                Error::Database(format!(
                    "catalogo dei rischi, {}: evento {code} inesistente",
                    m.code
                ))
            })?;
        events.push(id);
    }
    Ok(MeasureInput {
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
    })
}

/// The rating of an event of the file, checked.
fn file_rating(e: &FileEvent) -> Result<Option<Rating>> {
    let at = |x: Error| Error::Database(format!("catalogo dei rischi, {}: {x}", e.code));
    let Some(r) = &e.rating else {
        return Ok(None);
    };
    let mut indicators = Vec::new();
    for (i, ind) in r.indicators.iter().enumerate() {
        indicators.push(super::rating::IndicatorRating {
            level: Some(level(&format!("indicators.{i}.level"), &ind.level).map_err(at)?),
            motivazione: ind.motivazione.clone(),
        });
    }
    let mut rating = Rating {
        indicators,
        overall: Some(level("overall", &r.overall).map_err(at)?),
        motivazione: r.motivazione.clone(),
        prudence_reason: r.prudence_reason.clone().unwrap_or_default(),
    };
    // In the file the one motivazione says why a lower overall level.
    if rating.prudence_reason.is_empty() && super::rating::prudence_warning(&rating).is_some() {
        rating.prudence_reason = rating.motivazione.clone();
    }
    Ok(Some(rating))
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
        let rating = file_rating(e)?;
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
        let input = measure_input(tx, m)?;
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
