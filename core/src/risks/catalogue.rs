//! The network's catalogue: processes under an area, risk events under a
//! process (with their enabling factors and rating), measures treating the
//! events. Every change of an event or a measure is a new revision, kept
//! whole in `risk_*_revision` with its audit row; a comune keeps the revision
//! it adopted and is shown what changed since (a field-level diff).

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::rating::{check_rating, Level, Rating};
use super::vocabulary::{get_area, VocabularyItem};
use super::{
    check_indicator, check_phases, check_responsabili, max_len, required, tidy_long, Indicator,
    Phase,
};
use crate::db::version::check_version;
use crate::error::{Error, Result};
use crate::{audit, Store};

// ---------------------------------------------------------------- processes

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Process {
    pub id: i64,
    pub code: String,
    pub area_id: i64,
    pub area_name: String,
    pub name: String,
    pub phases: Vec<String>,
    pub office: String,
    pub simplified: bool,
    pub updated_at: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProcessInput {
    pub area_id: i64,
    pub name: String,
    #[serde(default)]
    pub phases: Vec<String>,
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub simplified: bool,
}

pub(crate) fn get_process(conn: &Connection, id: i64) -> Result<Process> {
    conn.query_row(
        "SELECT p.id, p.code, p.area_id, a.name, p.name, p.phases, p.office, p.simplified, p.updated_at
         FROM risk_process p JOIN risk_area a ON a.id = p.area_id WHERE p.id = ?1",
        [id],
        process_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("Il processo non esiste."))
}

fn process_from_row(r: &rusqlite::Row) -> rusqlite::Result<Process> {
    let phases: String = r.get(5)?;
    Ok(Process {
        id: r.get(0)?,
        code: r.get(1)?,
        area_id: r.get(2)?,
        area_name: r.get(3)?,
        name: r.get(4)?,
        phases: serde_json::from_str(&phases).unwrap_or_default(),
        office: r.get(6)?,
        simplified: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

// ---------------------------------------------------------------- events

#[derive(Debug, Clone, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", serde(rename = "RiskEventInput"))]
pub struct EventInput {
    pub process_id: i64,
    pub description: String,
    #[serde(default)]
    pub factors: Vec<String>,
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MeasureBrief {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub general: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", serde(rename = "RiskEvent"))]
pub struct Event {
    pub id: i64,
    pub code: String,
    pub process_id: i64,
    pub process_code: String,
    pub process_name: String,
    /// The process's phases or activities and the office usually responsible.
    pub process_phases: Vec<String>,
    pub process_office: String,
    pub area_id: i64,
    pub area_code: String,
    pub area_name: String,
    pub description: String,
    pub factors: Vec<VocabularyItem>,
    pub rating: Option<Rating>,
    pub level: Option<Level>,
    pub revision: i64,
    pub updated_at: String,
    pub measures: Vec<MeasureBrief>,
}

/// What an event's revision keeps.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub(crate) struct EventSnapshot {
    process: String,
    description: String,
    factors: Vec<String>,
    rating: Option<Rating>,
}

pub(crate) fn get_event(conn: &Connection, id: i64) -> Result<Event> {
    let mut e = conn
        .query_row(
            "SELECT e.id, e.code, p.id, p.code, p.name, a.id, a.code, a.name, e.description,
                    e.factors, e.rating, e.level, e.revision, e.updated_at, p.phases, p.office
             FROM risk_event e JOIN risk_process p ON p.id = e.process_id
             JOIN risk_area a ON a.id = p.area_id WHERE e.id = ?1",
            [id],
            |r| {
                let factors: String = r.get(9)?;
                let rating: Option<String> = r.get(10)?;
                let level: Option<String> = r.get(11)?;
                let phases: String = r.get(14)?;
                Ok((
                    Event {
                        id: r.get(0)?,
                        code: r.get(1)?,
                        process_id: r.get(2)?,
                        process_code: r.get(3)?,
                        process_name: r.get(4)?,
                        process_phases: serde_json::from_str(&phases).unwrap_or_default(),
                        process_office: r.get(15)?,
                        area_id: r.get(5)?,
                        area_code: r.get(6)?,
                        area_name: r.get(7)?,
                        description: r.get(8)?,
                        factors: Vec::new(),
                        rating: rating.and_then(|s| serde_json::from_str(&s).ok()),
                        level: level.as_deref().and_then(Level::parse),
                        revision: r.get(12)?,
                        updated_at: r.get(13)?,
                        measures: Vec::new(),
                    },
                    factors,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found("L'evento rischioso non esiste."))?;
    let codes: Vec<String> = serde_json::from_str(&e.1).unwrap_or_default();
    e.0.factors = factor_items(conn, &codes)?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.code, m.title, m.general FROM risk_measure_event me
         JOIN risk_measure m ON m.id = me.measure_id WHERE me.event_id = ?1 ORDER BY m.code",
    )?;
    e.0.measures = stmt
        .query_map([id], |r| {
            Ok(MeasureBrief {
                id: r.get(0)?,
                code: r.get(1)?,
                title: r.get(2)?,
                general: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(e.0)
}

fn factor_items(conn: &Connection, codes: &[String]) -> Result<Vec<VocabularyItem>> {
    let mut out = Vec::new();
    let mut stmt =
        conn.prepare_cached("SELECT code, name, source FROM risk_factor WHERE code = ?1")?;
    for c in codes {
        if let Some(item) = stmt
            .query_row([c], |r| {
                Ok(VocabularyItem {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    source: r.get(2)?,
                })
            })
            .optional()?
        {
            out.push(item);
        }
    }
    Ok(out)
}

struct CheckedEvent {
    process_id: i64,
    description: String,
    factors: Vec<String>,
}

fn check_event(conn: &Connection, input: &EventInput) -> Result<CheckedEvent> {
    super::catalogue::get_process(conn, input.process_id)
        .map_err(|_| Error::validation("process_id", "Scegliere il processo dell'evento."))?;
    let description = tidy_long(&input.description);
    if description.is_empty() {
        return Err(Error::validation(
            "description",
            "Descrizione dell'evento rischioso: campo obbligatorio (il comportamento concreto, ad esempio «frazionamento artificioso dell'affidamento per eludere le soglie»).",
        ));
    }
    max_len("description", "Descrizione dell'evento", &description, 1000)?;
    let mut factors: Vec<String> = Vec::new();
    for f in &input.factors {
        let exists: i64 = conn.query_row(
            "SELECT count(*) FROM risk_factor WHERE code = ?1",
            [f],
            |r| r.get(0),
        )?;
        if exists == 0 {
            return Err(Error::validation(
                "factors",
                format!("Fattore abilitante «{f}» inesistente."),
            ));
        }
        if !factors.contains(f) {
            factors.push(f.clone());
        }
    }
    Ok(CheckedEvent {
        process_id: input.process_id,
        description,
        factors,
    })
}

fn event_snapshot(conn: &Connection, id: i64) -> Result<EventSnapshot> {
    let e = get_event(conn, id)?;
    Ok(EventSnapshot {
        process: e.process_code,
        description: e.description,
        factors: e.factors.into_iter().map(|f| f.code).collect(),
        rating: e.rating,
    })
}

pub(crate) fn write_event_revision(conn: &Connection, op: &str, id: i64) -> Result<EventSnapshot> {
    let snap = event_snapshot(conn, id)?;
    let rev: i64 = conn.query_row("SELECT revision FROM risk_event WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    conn.execute(
        "INSERT INTO risk_event_revision (event_id, revision, data, at, operator) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, rev, serde_json::to_string(&snap)?, crate::db::version::now_utc(), op],
    )?;
    Ok(snap)
}

fn next_code(conn: &Connection, table: &str, prefix: &str) -> Result<String> {
    let mut n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
    loop {
        n += 1;
        let code = format!("{prefix}{n:03}");
        let used: i64 = conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE code = ?1"),
            [&code],
            |r| r.get(0),
        )?;
        if used == 0 {
            return Ok(code);
        }
    }
}

/// Inserts a new event (revision 1, with its revision row). No audit row:
/// the caller writes it (one per action, or one for the seed).
pub(crate) fn insert_event(
    tx: &Connection,
    op: &str,
    code: Option<&str>,
    input: &EventInput,
    rating: Option<&Rating>,
    now: &str,
) -> Result<i64> {
    let ev = check_event(tx, input)?;
    let rating = rating.map(check_rating).transpose()?;
    let code = match code {
        Some(c) => c.to_string(),
        None => next_code(tx, "risk_event", "E-")?,
    };
    tx.execute(
        "INSERT INTO risk_event (code, process_id, description, factors, rating, level, revision, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)",
        params![
            code,
            ev.process_id,
            ev.description,
            serde_json::to_string(&ev.factors)?,
            rating.as_ref().map(serde_json::to_string).transpose()?,
            rating.as_ref().and_then(|r| r.overall).map(Level::as_str),
            now
        ],
    )?;
    let id = tx.last_insert_rowid();
    write_event_revision(tx, op, id)?;
    Ok(id)
}

// ---------------------------------------------------------------- measures

#[derive(Debug, Clone, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MeasureInput {
    pub title: String,
    pub general: bool,
    #[serde(default)]
    pub general_measure: Option<String>,
    pub type_code: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub events: Vec<i64>,
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
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventRef {
    pub id: i64,
    pub code: String,
    pub description: String,
    pub process_name: String,
    pub area_id: i64,
    pub area_name: String,
    pub level: Option<Level>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Measure {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub general: bool,
    pub general_measure: Option<String>,
    pub general_measure_name: Option<String>,
    pub type_code: String,
    pub type_name: String,
    pub description: String,
    pub events: Vec<EventRef>,
    pub cost: bool,
    pub responsabili: Vec<String>,
    pub phases: Vec<Phase>,
    pub indicators: Vec<Indicator>,
    pub expected: String,
    pub source: String,
    pub status: String,
    pub revision: i64,
    pub updated_at: String,
    /// Which of ANAC's four elements are missing (empty: it can be adopted).
    pub missing: Vec<String>,
    /// The highest level among the events it treats.
    pub level: Option<Level>,
}

/// What a measure's revision keeps: everything a comune adopts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MeasureSnapshot {
    pub title: String,
    pub general: bool,
    pub general_measure: Option<String>,
    pub type_code: String,
    pub description: String,
    pub events: Vec<String>,
    pub cost: bool,
    pub responsabili: Vec<String>,
    pub phases: Vec<Phase>,
    pub indicators: Vec<Indicator>,
    pub expected: String,
    pub source: String,
}

/// ANAC's four elements a measure needs before it can be adopted.
pub fn missing_elements(
    phases: &[Phase],
    responsabili: &[String],
    indicators: &[Indicator],
    expected: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    if phases.is_empty() {
        out.push("fasi e tempi di attuazione".to_string());
    }
    if responsabili.is_empty() {
        out.push("responsabili".to_string());
    }
    if indicators.is_empty() {
        out.push("indicatori di monitoraggio".to_string());
    }
    if expected.trim().is_empty() {
        out.push("valori attesi".to_string());
    }
    out
}

pub(crate) fn get_measure(conn: &Connection, id: i64) -> Result<Measure> {
    let mut m = conn
        .query_row(
            "SELECT m.id, m.code, m.title, m.general, m.general_measure, g.name, m.type_code, t.name,
                    m.description, m.cost, m.responsabili, m.phases, m.indicators, m.expected,
                    m.source, m.status, m.revision, m.updated_at
             FROM risk_measure m JOIN measure_type t ON t.code = m.type_code
             LEFT JOIN general_measure g ON g.code = m.general_measure WHERE m.id = ?1",
            [id],
            |r| {
                let resp: String = r.get(10)?;
                let phases: String = r.get(11)?;
                let inds: String = r.get(12)?;
                Ok(Measure {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    title: r.get(2)?,
                    general: r.get(3)?,
                    general_measure: r.get(4)?,
                    general_measure_name: r.get(5)?,
                    type_code: r.get(6)?,
                    type_name: r.get(7)?,
                    description: r.get(8)?,
                    events: Vec::new(),
                    cost: r.get(9)?,
                    responsabili: serde_json::from_str(&resp).unwrap_or_default(),
                    phases: serde_json::from_str(&phases).unwrap_or_default(),
                    indicators: serde_json::from_str(&inds).unwrap_or_default(),
                    expected: r.get(13)?,
                    source: r.get(14)?,
                    status: r.get(15)?,
                    revision: r.get(16)?,
                    updated_at: r.get(17)?,
                    missing: Vec::new(),
                    level: None,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found("La misura non esiste."))?;
    let mut stmt = conn.prepare_cached(
        "SELECT e.id, e.code, e.description, p.name, a.id, a.name, e.level
         FROM risk_measure_event me JOIN risk_event e ON e.id = me.event_id
         JOIN risk_process p ON p.id = e.process_id JOIN risk_area a ON a.id = p.area_id
         WHERE me.measure_id = ?1 ORDER BY e.code",
    )?;
    m.events = stmt
        .query_map([id], |r| {
            let level: Option<String> = r.get(6)?;
            Ok(EventRef {
                id: r.get(0)?,
                code: r.get(1)?,
                description: r.get(2)?,
                process_name: r.get(3)?,
                area_id: r.get(4)?,
                area_name: r.get(5)?,
                level: level.as_deref().and_then(Level::parse),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    m.missing = missing_elements(&m.phases, &m.responsabili, &m.indicators, &m.expected);
    m.level = m.events.iter().filter_map(|e| e.level).max();
    // The status line says whether the network validated this revision.
    m.status = super::validation::measure_status(conn, &m.code, m.revision, &m.status)?;
    Ok(m)
}

/// The snapshot of a measure's current state.
pub(crate) fn measure_snapshot(conn: &Connection, id: i64) -> Result<MeasureSnapshot> {
    let m = get_measure(conn, id)?;
    Ok(MeasureSnapshot {
        title: m.title,
        general: m.general,
        general_measure: m.general_measure,
        type_code: m.type_code,
        description: m.description,
        events: m.events.into_iter().map(|e| e.code).collect(),
        cost: m.cost,
        responsabili: m.responsabili,
        phases: m.phases,
        indicators: m.indicators,
        expected: m.expected,
        source: m.source,
    })
}

/// The snapshot of a measure at `revision`.
pub(crate) fn measure_revision(
    conn: &Connection,
    id: i64,
    revision: i64,
) -> Result<MeasureSnapshot> {
    let data: String = conn
        .query_row(
            "SELECT data FROM risk_measure_revision WHERE measure_id = ?1 AND revision = ?2",
            params![id, revision],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            Error::not_found(format!("La revisione {revision} della misura non esiste."))
        })?;
    Ok(serde_json::from_str(&data)?)
}

struct CheckedMeasure {
    title: String,
    general_measure: Option<String>,
    description: String,
    events: Vec<i64>,
    responsabili: Vec<String>,
    phases: Vec<Phase>,
    indicators: Vec<Indicator>,
    expected: String,
    source: String,
}

fn check_measure(conn: &Connection, input: &MeasureInput) -> Result<CheckedMeasure> {
    let title = required("title", "Titolo della misura", &input.title)?;
    max_len("title", "Titolo della misura", &title, 300)?;
    let types: i64 = conn.query_row(
        "SELECT count(*) FROM measure_type WHERE code = ?1",
        [&input.type_code],
        |r| r.get(0),
    )?;
    if types == 0 {
        return Err(Error::validation(
            "type_code",
            "Tipologia della misura: scegliere una delle tipologie del PNA.",
        ));
    }
    let general_measure = if input.general {
        let code = input
            .general_measure
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                Error::validation(
                    "general_measure",
                    "Misura generale: indicare quale (codice di comportamento, rotazione, …).",
                )
            })?;
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM general_measure WHERE code = ?1",
            [code],
            |r| r.get(0),
        )?;
        if n == 0 {
            return Err(Error::validation(
                "general_measure",
                format!("Misura generale «{code}» inesistente."),
            ));
        }
        Some(code.to_string())
    } else {
        None
    };
    let mut events = Vec::new();
    for &e in &input.events {
        let n: i64 = conn.query_row("SELECT count(*) FROM risk_event WHERE id = ?1", [e], |r| {
            r.get(0)
        })?;
        if n == 0 {
            return Err(Error::validation(
                "events",
                "Uno degli eventi rischiosi indicati non esiste più: ricaricare la pagina.",
            ));
        }
        if !events.contains(&e) {
            events.push(e);
        }
    }
    if !input.general && events.is_empty() {
        return Err(Error::validation(
            "events",
            "Una misura specifica tratta almeno un evento rischioso: sceglierlo.",
        ));
    }
    let description = tidy_long(&input.description);
    max_len("description", "Descrizione", &description, 10_000)?;
    let responsabili = check_responsabili(&input.responsabili)?;
    let phases = check_phases(&input.phases)?;
    let indicators = input
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| check_indicator(i, ind))
        .collect::<Result<Vec<_>>>()?;
    let expected = tidy_long(&input.expected);
    max_len("expected", "Valori attesi", &expected, 4000)?;
    let source = super::tidy(&input.source);
    max_len("source", "Fonte", &source, 300)?;
    Ok(CheckedMeasure {
        title,
        general_measure,
        description,
        events,
        responsabili,
        phases,
        indicators,
        expected,
        source,
    })
}

fn write_measure_revision(conn: &Connection, op: &str, id: i64) -> Result<MeasureSnapshot> {
    let snap = measure_snapshot(conn, id)?;
    let rev: i64 = conn.query_row(
        "SELECT revision FROM risk_measure WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    conn.execute(
        "INSERT INTO risk_measure_revision (measure_id, revision, data, at, operator, first_target)
         VALUES (?1, ?2, ?3, ?4, ?5,
                 (SELECT min(json_extract(j.value, '$.target_date')) FROM json_each(?3, '$.indicators') j))",
        params![id, rev, serde_json::to_string(&snap)?, crate::db::version::now_utc(), op],
    )?;
    Ok(snap)
}

fn search_key(m: &CheckedMeasure, code: &str) -> String {
    crate::text::fold(&format!("{code} {} {}", m.title, m.description))
}

fn write_events(conn: &Connection, id: i64, events: &[i64]) -> Result<()> {
    conn.execute("DELETE FROM risk_measure_event WHERE measure_id = ?1", [id])?;
    for e in events {
        conn.execute(
            "INSERT INTO risk_measure_event (measure_id, event_id) VALUES (?1, ?2)",
            params![id, e],
        )?;
    }
    Ok(())
}

/// Inserts a new measure (revision 1 with its revision row). No audit row.
/// Writes an edited measure as a new revision with its audit row (nothing
/// when nothing changed): the user's edit and a shipped catalogue revision.
pub(crate) fn update_measure(
    tx: &Connection,
    op: &str,
    id: i64,
    input: &MeasureInput,
) -> Result<Measure> {
    let before = get_measure(tx, id)?;
    let m = check_measure(tx, input)?;
    let snap_before = measure_snapshot(tx, id)?;
    tx.execute(
        "UPDATE risk_measure SET title = ?2, general = ?3, general_measure = ?4, type_code = ?5,
            description = ?6, cost = ?7, responsabili = ?8, phases = ?9, indicators = ?10,
            expected = ?11, source = ?12, search_key = ?13 WHERE id = ?1",
        params![
            id,
            m.title,
            input.general,
            m.general_measure,
            input.type_code,
            m.description,
            input.cost,
            serde_json::to_string(&m.responsabili)?,
            serde_json::to_string(&m.phases)?,
            serde_json::to_string(&m.indicators)?,
            m.expected,
            m.source,
            search_key(&m, &before.code),
        ],
    )?;
    write_events(tx, id, &m.events)?;
    let snap_after = measure_snapshot(tx, id)?;
    if snap_after == snap_before {
        return Ok(before);
    }
    tx.execute(
        "UPDATE risk_measure SET revision = revision + 1, updated_at = ?2 WHERE id = ?1",
        params![id, crate::db::version::next_version(&before.updated_at)],
    )?;
    write_measure_revision(tx, op, id)?;
    let after = get_measure(tx, id)?;
    audit::record(
        tx,
        op,
        "update",
        "risk_measure",
        &id.to_string(),
        Some(&serde_json::json!({"revision": before.revision, "data": snap_before})),
        Some(&serde_json::json!({"revision": after.revision, "data": snap_after})),
    )?;
    Ok(after)
}

pub(crate) fn insert_measure(
    tx: &Connection,
    op: &str,
    code: Option<&str>,
    input: &MeasureInput,
    status: &str,
    now: &str,
) -> Result<Measure> {
    let m = check_measure(tx, input)?;
    let code = match code {
        Some(c) => c.to_string(),
        None => next_code(
            tx,
            "risk_measure",
            if input.general { "M-G-" } else { "M-S-" },
        )?,
    };
    tx.execute(
        "INSERT INTO risk_measure (code, title, general, general_measure, type_code, description, cost,
            responsabili, phases, indicators, expected, source, status, search_key, revision, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15)",
        params![
            code,
            m.title,
            input.general,
            m.general_measure,
            input.type_code,
            m.description,
            input.cost,
            serde_json::to_string(&m.responsabili)?,
            serde_json::to_string(&m.phases)?,
            serde_json::to_string(&m.indicators)?,
            m.expected,
            m.source,
            status,
            search_key(&m, &code),
            now
        ],
    )?;
    let id = tx.last_insert_rowid();
    write_events(tx, id, &m.events)?;
    write_measure_revision(tx, op, id)?;
    get_measure(tx, id)
}

// ---------------------------------------------------------------- revisions and diffs

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RevisionInfo {
    pub revision: i64,
    pub at: String,
    pub operator: String,
}

/// One field that differs between two revisions, as text for the user.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldChange {
    pub field: String,
    pub label: String,
    pub before: String,
    pub after: String,
}

fn phases_text(p: &[Phase]) -> String {
    p.iter()
        .map(|p| {
            format!(
                "{} (entro il {})",
                p.description,
                crate::text::date_it(&p.due)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn indicators_text(v: &[Indicator]) -> String {
    v.iter()
        .map(|i| {
            format!(
                "{} [{}]: da {} al {} a {} al {}",
                i.name,
                i.kind.label(),
                i.kind.show(&i.baseline),
                crate::text::date_it(&i.baseline_date),
                i.kind.show(&i.target),
                crate::text::date_it(&i.target_date)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn yes_no(b: bool) -> String {
    if b { "sì" } else { "no" }.to_string()
}

/// The fields that differ between two snapshots of a measure.
pub fn diff_measures(a: &MeasureSnapshot, b: &MeasureSnapshot) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut push = |field: &str, label: &str, x: String, y: String| {
        if x != y {
            out.push(FieldChange {
                field: field.into(),
                label: label.into(),
                before: x,
                after: y,
            });
        }
    };
    push("title", "Titolo", a.title.clone(), b.title.clone());
    push(
        "general",
        "Misura generale",
        yes_no(a.general),
        yes_no(b.general),
    );
    push(
        "general_measure",
        "Misura generale di riferimento",
        a.general_measure.clone().unwrap_or_default(),
        b.general_measure.clone().unwrap_or_default(),
    );
    push(
        "type_code",
        "Tipologia",
        a.type_code.clone(),
        b.type_code.clone(),
    );
    push(
        "description",
        "Descrizione",
        a.description.clone(),
        b.description.clone(),
    );
    push(
        "events",
        "Eventi rischiosi trattati",
        a.events.join(", "),
        b.events.join(", "),
    );
    push("cost", "Comporta costi", yes_no(a.cost), yes_no(b.cost));
    push(
        "responsabili",
        "Responsabili",
        a.responsabili.join("; "),
        b.responsabili.join("; "),
    );
    push(
        "phases",
        "Fasi e tempi di attuazione",
        phases_text(&a.phases),
        phases_text(&b.phases),
    );
    push(
        "indicators",
        "Indicatori di monitoraggio",
        indicators_text(&a.indicators),
        indicators_text(&b.indicators),
    );
    push(
        "expected",
        "Valori attesi",
        a.expected.clone(),
        b.expected.clone(),
    );
    push("source", "Fonte", a.source.clone(), b.source.clone());
    out
}

// ---------------------------------------------------------------- tree, lists, filters

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TreeEvent {
    pub id: i64,
    pub code: String,
    pub description: String,
    pub level: Option<Level>,
    pub measures: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TreeProcess {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub simplified: bool,
    pub events: Vec<TreeEvent>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TreeArea {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub processes: Vec<TreeProcess>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogueFilter {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub area_id: Option<i64>,
    #[serde(default)]
    pub type_code: Option<String>,
    #[serde(default)]
    pub general: Option<bool>,
    #[serde(default)]
    pub level: Option<Level>,
}

impl CatalogueFilter {
    fn active(&self) -> bool {
        self.text.as_deref().is_some_and(|t| !t.trim().is_empty())
            || self.area_id.is_some()
            || self.type_code.is_some()
            || self.general.is_some()
            || self.level.is_some()
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MeasureRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub general: bool,
    pub type_code: String,
    pub type_name: String,
    pub level: Option<Level>,
    pub areas: Vec<String>,
    pub events: i64,
    pub revision: i64,
    pub complete: bool,
}

fn event_matches(terms: &[String], hay: &str) -> bool {
    terms.iter().all(|t| hay.contains(t.as_str()))
}

impl Store {
    pub fn risk_processes(&self, area_id: Option<i64>) -> Result<Vec<Process>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.code, p.area_id, a.name, p.name, p.phases, p.office, p.simplified, p.updated_at
             FROM risk_process p JOIN risk_area a ON a.id = p.area_id
             WHERE ?1 IS NULL OR p.area_id = ?1 ORDER BY a.code, p.code",
        )?;
        let rows = stmt.query_map([area_id], process_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn create_risk_process(&mut self, input: &ProcessInput) -> Result<Process> {
        let name = required("name", "Nome del processo", &input.name)?;
        max_len("name", "Nome del processo", &name, 300)?;
        let phases: Vec<String> = input
            .phases
            .iter()
            .map(|p| super::tidy(p))
            .filter(|p| !p.is_empty())
            .collect();
        for p in &phases {
            max_len("phases", "Fase del processo", p, 500)?;
        }
        let office = super::tidy(&input.office);
        max_len("office", "Ufficio", &office, 300)?;
        self.action(|tx, op| {
            let area = get_area(tx, input.area_id)
                .map_err(|_| Error::validation("area_id", "Scegliere l'area di rischio."))?;
            let code = next_code(tx, "risk_process", &format!("P-{}-", area.code))?;
            tx.execute(
                "INSERT INTO risk_process (code, area_id, name, phases, office, simplified, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    code,
                    area.id,
                    name,
                    serde_json::to_string(&phases)?,
                    office,
                    input.simplified,
                    crate::db::version::now_utc()
                ],
            )?;
            let p = get_process(tx, tx.last_insert_rowid())?;
            audit::record(
                tx,
                op,
                "create",
                "risk_process",
                &p.id.to_string(),
                None,
                Some(&serde_json::to_value(&p)?),
            )?;
            Ok(p)
        })
    }

    pub fn risk_event(&self, id: i64) -> Result<Event> {
        get_event(&self.conn, id)
    }

    pub fn create_risk_event(&mut self, input: &EventInput) -> Result<Event> {
        self.action(|tx, op| {
            let id = insert_event(tx, op, None, input, None, &crate::db::version::now_utc())?;
            let e = get_event(tx, id)?;
            audit::record(
                tx,
                op,
                "create",
                "risk_event",
                &id.to_string(),
                None,
                Some(&serde_json::to_value(event_snapshot(tx, id)?)?),
            )?;
            Ok(e)
        })
    }

    /// Edits an event's process, description and factors: a new revision.
    pub fn update_risk_event(&mut self, id: i64, input: &EventInput) -> Result<Event> {
        self.action(|tx, op| {
            let before = get_event(tx, id)?;
            check_version(&before.updated_at, input.version.as_deref())?;
            let ev = check_event(tx, input)?;
            let snap_before = event_snapshot(tx, id)?;
            tx.execute(
                "UPDATE risk_event SET process_id = ?2, description = ?3, factors = ?4,
                    revision = revision + 1, updated_at = ?5 WHERE id = ?1",
                params![
                    id,
                    ev.process_id,
                    ev.description,
                    serde_json::to_string(&ev.factors)?,
                    crate::db::version::next_version(&before.updated_at)
                ],
            )?;
            let snap = write_event_revision(tx, op, id)?;
            let after = get_event(tx, id)?;
            audit::record(
                tx,
                op,
                "update",
                "risk_event",
                &id.to_string(),
                Some(&serde_json::json!({"revision": before.revision, "data": snap_before})),
                Some(&serde_json::json!({"revision": after.revision, "data": snap})),
            )?;
            Ok(after)
        })
    }

    /// Rates an event for the catalogue (ANAC Box 8): a new revision.
    /// `version` is the event's `updated_at` the form showed.
    pub fn rate_risk_event(
        &mut self,
        id: i64,
        rating: &Rating,
        version: Option<&str>,
    ) -> Result<Event> {
        let rating = check_rating(rating)?;
        self.action(|tx, op| {
            let before = get_event(tx, id)?;
            check_version(&before.updated_at, version)?;
            tx.execute(
                "UPDATE risk_event SET rating = ?2, level = ?3, revision = revision + 1, updated_at = ?4
                 WHERE id = ?1",
                params![
                    id,
                    serde_json::to_string(&rating)?,
                    rating.overall.map(Level::as_str),
                    crate::db::version::next_version(&before.updated_at)
                ],
            )?;
            write_event_revision(tx, op, id)?;
            let after = get_event(tx, id)?;
            audit::record(
                tx,
                op,
                "rate",
                "risk_event",
                &id.to_string(),
                Some(&serde_json::json!({"revision": before.revision, "rating": before.rating})),
                Some(&serde_json::json!({"revision": after.revision, "rating": after.rating})),
            )?;
            Ok(after)
        })
    }

    pub fn risk_measure(&self, id: i64) -> Result<Measure> {
        get_measure(&self.conn, id)
    }

    /// Adds a measure to the catalogue (revision 1). Its programming may be
    /// incomplete: it cannot be adopted until the four elements are there.
    pub fn create_risk_measure(&mut self, input: &MeasureInput) -> Result<Measure> {
        self.action(|tx, op| {
            let status = crate::db::kv::get(tx, "risks_status")?.unwrap_or_default();
            let m = insert_measure(tx, op, None, input, &status, &crate::db::version::now_utc())?;
            audit::record(
                tx,
                op,
                "create",
                "risk_measure",
                &m.id.to_string(),
                None,
                Some(&serde_json::json!({"revision": 1, "data": measure_snapshot(tx, m.id)?})),
            )?;
            Ok(m)
        })
    }

    /// Saves an edited measure as a new revision (nothing is written when
    /// nothing changed). `input.version` is the `updated_at` the form showed.
    pub fn update_risk_measure(&mut self, id: i64, input: &MeasureInput) -> Result<Measure> {
        self.action(|tx, op| {
            let before = get_measure(tx, id)?;
            check_version(&before.updated_at, input.version.as_deref())?;
            update_measure(tx, op, id, input)
        })
    }

    pub fn risk_measure_revisions(&self, id: i64) -> Result<Vec<RevisionInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT revision, at, operator FROM risk_measure_revision WHERE measure_id = ?1 ORDER BY revision DESC",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(RevisionInfo {
                revision: r.get(0)?,
                at: r.get(1)?,
                operator: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What changed in a measure from revision `from` to revision `to`.
    pub fn risk_measure_diff(&self, id: i64, from: i64, to: i64) -> Result<Vec<FieldChange>> {
        let a = measure_revision(&self.conn, id, from)?;
        let b = measure_revision(&self.conn, id, to)?;
        Ok(diff_measures(&a, &b))
    }

    /// The catalogue as a tree area → processo → evento, filtered. With no
    /// filter every area is shown, even one without processes yet.
    pub fn risk_tree(&self, filter: &CatalogueFilter) -> Result<Vec<TreeArea>> {
        let terms = crate::registry::search_terms(filter.text.as_deref().unwrap_or(""))?;
        // Events' measures: count, and which types / general flags they have.
        let mut em: HashMap<i64, Vec<(String, bool)>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT me.event_id, m.type_code, m.general FROM risk_measure_event me
                 JOIN risk_measure m ON m.id = me.measure_id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))?;
            for row in rows {
                let (e, t, g) = row?;
                em.entry(e).or_default().push((t, g));
            }
        }
        let mut areas: Vec<TreeArea> = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT id, code, name, kind FROM risk_area ORDER BY code")?;
            let rows = stmt.query_map([], |r| {
                Ok(TreeArea {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    name: r.get(2)?,
                    kind: r.get(3)?,
                    processes: Vec::new(),
                })
            })?;
            for a in rows {
                let a = a?;
                if filter.area_id.is_none_or(|x| x == a.id) {
                    areas.push(a);
                }
            }
        }
        let index: HashMap<i64, usize> = areas.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.area_id, p.id, p.code, p.name, p.simplified, e.id, e.code, e.description, e.level
             FROM risk_process p LEFT JOIN risk_event e ON e.process_id = p.id
             ORDER BY p.code, e.code",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let area_id: i64 = r.get(0)?;
            let Some(&ai) = index.get(&area_id) else {
                continue;
            };
            let pid: i64 = r.get(1)?;
            let pname: String = r.get(3)?;
            let area = &mut areas[ai];
            if area.processes.last().is_none_or(|p| p.id != pid) {
                area.processes.push(TreeProcess {
                    id: pid,
                    code: r.get(2)?,
                    name: pname.clone(),
                    simplified: r.get(4)?,
                    events: Vec::new(),
                });
            }
            let Some(eid) = r.get::<_, Option<i64>>(5)? else {
                continue;
            };
            let description: String = r.get(7)?;
            let code: String = r.get(6)?;
            let level: Option<String> = r.get(8)?;
            let level = level.as_deref().and_then(Level::parse);
            let measures = em.get(&eid).map(Vec::as_slice).unwrap_or(&[]);
            if !terms.is_empty() {
                let hay = crate::text::fold(&format!("{code} {description} {pname}"));
                if !event_matches(&terms, &hay) {
                    continue;
                }
            }
            if filter.level.is_some() && level != filter.level {
                continue;
            }
            if let Some(t) = &filter.type_code {
                if !measures.iter().any(|(mt, _)| mt == t) {
                    continue;
                }
            }
            if let Some(g) = filter.general {
                if !measures.iter().any(|(_, mg)| *mg == g) {
                    continue;
                }
            }
            area.processes
                .last_mut()
                .expect("pushed")
                .events
                .push(TreeEvent {
                    id: eid,
                    code,
                    description,
                    level,
                    measures: measures.len() as i64,
                });
        }
        if filter.active() {
            for a in &mut areas {
                a.processes.retain(|p| !p.events.is_empty());
            }
            areas.retain(|a| !a.processes.is_empty());
        }
        Ok(areas)
    }

    /// The catalogue's measures, filtered (area: through the events treated;
    /// level: the highest of the events treated).
    pub fn risk_measures(&self, filter: &CatalogueFilter) -> Result<Vec<MeasureRow>> {
        let terms = crate::registry::search_terms(filter.text.as_deref().unwrap_or(""))?;
        let mut ev: HashMap<i64, Vec<(i64, String, Option<Level>)>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT me.measure_id, a.id, a.name, e.level FROM risk_measure_event me
                 JOIN risk_event e ON e.id = me.event_id JOIN risk_process p ON p.id = e.process_id
                 JOIN risk_area a ON a.id = p.area_id",
            )?;
            let rows = stmt.query_map([], |r| {
                let l: Option<String> = r.get(3)?;
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    l.as_deref().and_then(Level::parse),
                ))
            })?;
            for row in rows {
                let (m, a, n, l) = row?;
                ev.entry(m).or_default().push((a, n, l));
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id, m.code, m.title, m.general, m.type_code, t.name, m.revision, m.search_key,
                    m.phases <> '[]' AND m.responsabili <> '[]' AND m.indicators <> '[]' AND m.expected <> ''
             FROM risk_measure m JOIN measure_type t ON t.code = m.type_code ORDER BY m.code",
        )?;
        let mut out = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let key: String = r.get(7)?;
            if !event_matches(&terms, &key) {
                continue;
            }
            let general: bool = r.get(3)?;
            if filter.general.is_some_and(|g| g != general) {
                continue;
            }
            let type_code: String = r.get(4)?;
            if filter.type_code.as_ref().is_some_and(|t| *t != type_code) {
                continue;
            }
            let events = ev.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(a) = filter.area_id {
                if !events.iter().any(|(x, _, _)| *x == a) {
                    continue;
                }
            }
            let level = events.iter().filter_map(|(_, _, l)| *l).max();
            if filter.level.is_some() && level != filter.level {
                continue;
            }
            let mut areas: Vec<String> = Vec::new();
            for (_, n, _) in events {
                if !areas.contains(n) {
                    areas.push(n.clone());
                }
            }
            out.push(MeasureRow {
                id,
                code: r.get(1)?,
                title: r.get(2)?,
                general,
                type_code,
                type_name: r.get(5)?,
                level,
                areas,
                events: events.len() as i64,
                revision: r.get(6)?,
                complete: r.get(8)?,
            });
        }
        Ok(out)
    }
}
