//! The comuni: the network's scheda di contesto, the adoption of catalogue
//! measures (one by one or in bulk, with the comune's own responsabili and
//! dates), the comune's own rating of events, and its plan.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::catalogue::{diff_measures, get_event, get_measure, measure_revision, FieldChange};
use super::rating::{check_rating, Level, Rating};
use super::{
    check_phases, check_responsabili, iso_date, max_len, tidy_long, Indicator, MeasureState, Phase,
};
use crate::db::version::check_version;
use crate::error::{Error, Result};
use crate::{audit, Store};

/// Below this many employees the simplified path of DM 132/2022 art. 6 applies.
pub const SIMPLIFIED_BELOW: i64 = 50;

// ---------------------------------------------------------------- context

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SimplifiedProcess {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub area_name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", serde(rename = "RiskContext"))]
pub struct Context {
    pub istat: String,
    pub comune: String,
    pub population: Option<i64>,
    pub employees: Option<i64>,
    pub segretario_convenzione: bool,
    pub convenzione_with: String,
    pub units: String,
    pub problems: String,
    pub notes: String,
    /// The RPCT in the registry (the current one).
    pub rpct: Option<String>,
    /// Fewer than 50 employees: the simplified path applies.
    pub simplified: bool,
    /// The processes the simplified path asks to map.
    pub simplified_processes: Vec<SimplifiedProcess>,
    /// `None` while the scheda was never saved.
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ContextInput {
    #[serde(default)]
    pub employees: Option<i64>,
    #[serde(default)]
    pub segretario_convenzione: bool,
    #[serde(default)]
    pub convenzione_with: String,
    #[serde(default)]
    pub units: String,
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub version: Option<String>,
}

/// A comune's context, with its RPCT in office on `today`.
pub(crate) fn get_context(conn: &Connection, istat: &str, today: &str) -> Result<Context> {
    let (comune, population): (String, Option<i64>) = conn
        .query_row(
            "SELECT name, population FROM comune WHERE istat = ?1",
            [istat],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| {
            Error::not_found(format!("Il comune con codice ISTAT {istat} non esiste."))
        })?;
    let rpct: Option<String> = conn
        .query_row(
            "SELECT full_name FROM referent WHERE istat = ?1 AND role = 'rpct'
               AND (valid_to IS NULL OR valid_to >= ?2)
             ORDER BY valid_from DESC LIMIT 1",
            params![istat, today],
            |r| r.get(0),
        )
        .optional()?;
    let row = conn
        .query_row(
            "SELECT employees, segretario_conv, convenzione_with, units, problems, notes, updated_at
             FROM risk_context WHERE istat = ?1",
            [istat],
            |r| {
                Ok((
                    r.get::<_, Option<i64>>(0)?,
                    r.get::<_, bool>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?;
    let mut c = Context {
        istat: istat.to_string(),
        comune,
        population,
        employees: None,
        segretario_convenzione: false,
        convenzione_with: String::new(),
        units: String::new(),
        problems: String::new(),
        notes: String::new(),
        rpct,
        simplified: false,
        simplified_processes: Vec::new(),
        updated_at: None,
    };
    if let Some((e, s, w, u, p, n, at)) = row {
        c.employees = e;
        c.segretario_convenzione = s;
        c.convenzione_with = w;
        c.units = u;
        c.problems = p;
        c.notes = n;
        c.updated_at = Some(at);
    }
    c.simplified = c.employees.is_some_and(|e| e < SIMPLIFIED_BELOW);
    if c.simplified {
        let mut stmt = conn.prepare_cached(
            "SELECT p.id, p.code, p.name, a.name FROM risk_process p JOIN risk_area a ON a.id = p.area_id
             WHERE p.simplified = 1 ORDER BY a.code, p.code",
        )?;
        c.simplified_processes = stmt
            .query_map([], |r| {
                Ok(SimplifiedProcess {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    name: r.get(2)?,
                    area_name: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(c)
}

// ---------------------------------------------------------------- adoptions

/// How the comune adjusts an adopted measure (None: as in the catalogue).
#[derive(Debug, Clone, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AdoptionAdjust {
    #[serde(default)]
    pub responsabili: Option<Vec<String>>,
    #[serde(default)]
    pub phases: Option<Vec<Phase>>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AdoptionReport {
    /// Adoptions written.
    pub adopted: i64,
    /// (comune, measure) pairs already adopted, left as they were.
    pub already: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Adoption {
    pub id: i64,
    pub istat: String,
    pub comune: String,
    pub measure_id: i64,
    pub code: String,
    pub title: String,
    pub general: bool,
    pub type_name: String,
    /// The revision adopted, and the catalogue's current one.
    pub revision: i64,
    pub current_revision: i64,
    pub responsabili: Vec<String>,
    pub phases: Vec<Phase>,
    pub indicators: Vec<Indicator>,
    pub adopted_on: String,
    pub state: MeasureState,
    pub last_date: Option<String>,
    /// Past a phase's planned date without a monitoring entry since, or
    /// past an indicator's date without its expected value reached.
    pub late: bool,
    /// The phase's planned date that passed without a monitoring entry.
    pub missed_phase: Option<String>,
    /// The indicators whose expected value was not reached by their date.
    pub missed_targets: Vec<MissedTarget>,
    /// The earliest planned date still ahead (or the missed one when late).
    pub next_due: Option<String>,
    pub updated_at: String,
}

/// An indicator whose expected value was not reached by its date: the
/// values as documents print them, the last one measured (if any).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MissedTarget {
    pub indicator: String,
    pub target: String,
    pub due: String,
    pub last_value: Option<String>,
}

impl MissedTarget {
    /// The sentence the scheda and the late list print.
    pub fn sentence(&self) -> String {
        let mut out = String::new();
        self.write_sentence(&mut out);
        out
    }

    /// [`MissedTarget::sentence`] written at the end of `out`.
    fn write_sentence(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(
            out,
            "il valore atteso «{}» per l'indicatore «{}» entro il {} non è stato raggiunto (",
            self.target,
            self.indicator,
            crate::text::date_it(&self.due),
        );
        match &self.last_value {
            Some(v) => {
                out.push_str("ultimo valore rilevato: ");
                out.push_str(v);
            }
            None => out.push_str("nessun valore rilevato"),
        }
        out.push(')');
    }
}

/// Why an adoption is late, as the scheda and the late list say it: the
/// phase's date passed with no monitoring since, each expected value not
/// reached («; » between them).
pub fn late_reason(missed_phase: Option<&str>, targets: &[MissedTarget]) -> String {
    let mut out = String::new();
    if let Some(d) = missed_phase {
        out.push_str("la fase prevista entro il ");
        out.push_str(&crate::text::date_it(d));
        out.push_str(" non risulta monitorata");
    }
    for t in targets {
        if !out.is_empty() {
            out.push_str("; ");
        }
        t.write_sentence(&mut out);
    }
    out
}

/// Whether `value` reaches the indicator's expected value: equal for a
/// yes/no indicator; for a number, at least the target when the target is
/// above the baseline, at most the target when it is below (a reduction).
pub fn target_reached(ind: &Indicator, value: &str) -> bool {
    let num = |s: &str| s.trim().replace(',', ".").parse::<f64>().ok();
    match ind.kind {
        super::IndicatorKind::OnOff => value.trim() == ind.target.trim(),
        _ => match (num(value), num(&ind.target), num(&ind.baseline)) {
            (Some(v), Some(t), Some(b)) if t < b => v <= t,
            (Some(v), Some(t), _) => v >= t,
            _ => false,
        },
    }
}

/// The indicators whose date is before `today` and whose last measured
/// value (`values`: each monitoring entry's values, newest first) does not
/// reach the expected one.
pub fn missed_targets(
    indicators: &[Indicator],
    values: &[Vec<Option<String>>],
    today: &str,
) -> Vec<MissedTarget> {
    indicators
        .iter()
        .enumerate()
        .filter(|(_, ind)| ind.target_date.as_str() < today)
        .filter_map(|(i, ind)| {
            let last = values
                .iter()
                .find_map(|v| v.get(i).cloned().flatten().filter(|x| !x.trim().is_empty()));
            if last.as_deref().is_some_and(|v| target_reached(ind, v)) {
                return None;
            }
            Some(MissedTarget {
                indicator: ind.name.clone(),
                target: ind.kind.show(&ind.target),
                due: ind.target_date.clone(),
                last_value: last.map(|v| ind.kind.show(&v)),
            })
        })
        .collect()
}

fn adoption_phases(conn: &Connection, id: i64) -> Result<Vec<Phase>> {
    let mut stmt = conn.prepare_cached(
        "SELECT description, due FROM risk_adoption_phase WHERE adoption_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(Phase {
            description: r.get(0)?,
            due: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether an adoption is late on `today`: a phase's date passed with no
/// monitoring entry since, or an indicator's date passed with its expected
/// value not reached (`targets`, from [`missed_targets`]). A measure
/// recorded as «attuata» is never late. Gives the missed phase's date and
/// the date concerned (the missed one when late, else the next ahead).
pub(crate) fn lateness(
    phases: &[Phase],
    targets: &[MissedTarget],
    state: MeasureState,
    last_date: Option<&str>,
    today: &str,
) -> (bool, Option<String>, Option<String>) {
    let last = last_date.unwrap_or("");
    let missed = phases
        .iter()
        .filter(|p| p.due.as_str() < today && p.due.as_str() > last)
        .map(|p| p.due.clone())
        .min();
    let late = state != MeasureState::Attuata && (missed.is_some() || !targets.is_empty());
    if !late {
        let next = phases
            .iter()
            .filter(|p| p.due.as_str() >= today)
            .map(|p| p.due.clone())
            .min();
        return (false, None, next);
    }
    let first_target = targets.iter().map(|t| t.due.clone()).min();
    let next = match (&missed, first_target) {
        (Some(p), Some(t)) => Some(p.clone().min(t)),
        (Some(p), None) => Some(p.clone()),
        (None, t) => t,
    };
    (true, missed, next)
}

/// Each monitoring entry's values of an adoption, newest first.
pub(crate) fn entry_values(conn: &Connection, id: i64) -> Result<Vec<Vec<Option<String>>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT vals FROM risk_monitoring WHERE adoption_id = ?1 ORDER BY date DESC, id DESC",
    )?;
    let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
    Ok(rows
        .map(|r| r.map(|v| serde_json::from_str(&v).unwrap_or_default()))
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn get_adoption(conn: &Connection, id: i64, today: &str) -> Result<Adoption> {
    get_adoption_with(conn, id, today, &mut Snapshots::new())
}

/// The title and indicators of measure revisions already read, by (measure id,
/// revision): a list of many adoptions parses each revision once.
pub(crate) type Snapshots = std::collections::HashMap<(i64, i64), (String, Vec<Indicator>)>;

/// [`get_adoption`] reading each measure revision once through `snapshots`.
pub(crate) fn get_adoption_with(
    conn: &Connection,
    id: i64,
    today: &str,
    snapshots: &mut Snapshots,
) -> Result<Adoption> {
    let mut a = conn
        .prepare_cached(
            "SELECT a.id, a.istat, c.name, a.measure_id, m.code, m.title, m.general, t.name,
                    a.revision, m.revision, a.responsabili, a.adopted_on, a.last_state, a.last_date,
                    a.updated_at
             FROM risk_adoption a JOIN comune c ON c.istat = a.istat
             JOIN risk_measure m ON m.id = a.measure_id JOIN measure_type t ON t.code = m.type_code
             WHERE a.id = ?1",
        )?
        .query_row([id], |r| {
            let resp: String = r.get(10)?;
            let state: String = r.get(12)?;
            Ok(Adoption {
                id: r.get(0)?,
                istat: r.get(1)?,
                comune: r.get(2)?,
                measure_id: r.get(3)?,
                code: r.get(4)?,
                title: r.get(5)?,
                general: r.get(6)?,
                type_name: r.get(7)?,
                revision: r.get(8)?,
                current_revision: r.get(9)?,
                responsabili: serde_json::from_str(&resp).unwrap_or_default(),
                phases: Vec::new(),
                indicators: Vec::new(),
                adopted_on: r.get(11)?,
                state: MeasureState::parse(&state),
                last_date: r.get(13)?,
                late: false,
                missed_phase: None,
                missed_targets: Vec::new(),
                next_due: None,
                updated_at: r.get(14)?,
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("La misura adottata non esiste."))?;
    a.phases = adoption_phases(conn, id)?;
    // The title and indicators of the revision adopted.
    let key = (a.measure_id, a.revision);
    if !snapshots.contains_key(&key) {
        let snap = measure_revision(conn, a.measure_id, a.revision)?;
        snapshots.insert(key, (snap.title, snap.indicators));
    }
    let (title, indicators) = &snapshots[&key];
    a.title = title.clone();
    a.indicators = indicators.clone();
    let targets = if a.state != MeasureState::Attuata
        && a.indicators.iter().any(|i| i.target_date.as_str() < today)
    {
        missed_targets(&a.indicators, &entry_values(conn, id)?, today)
    } else {
        Vec::new()
    };
    let (late, missed, next) =
        lateness(&a.phases, &targets, a.state, a.last_date.as_deref(), today);
    a.late = late;
    a.missed_phase = missed;
    a.missed_targets = if late { targets } else { Vec::new() };
    a.next_due = next;
    Ok(a)
}

fn write_phases(conn: &Connection, id: i64, phases: &[Phase]) -> Result<()> {
    conn.execute(
        "DELETE FROM risk_adoption_phase WHERE adoption_id = ?1",
        [id],
    )?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO risk_adoption_phase (adoption_id, seq, description, due) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, p) in phases.iter().enumerate() {
        stmt.execute(params![id, i as i64, p.description, p.due])?;
    }
    Ok(())
}

/// The adjustments checked once for a whole bulk adoption.
struct CheckedAdjust {
    responsabili: Option<Vec<String>>,
    phases: Option<Vec<Phase>>,
}

fn check_adjust(adj: &AdoptionAdjust) -> Result<CheckedAdjust> {
    let responsabili = adj
        .responsabili
        .as_ref()
        .map(|r| check_responsabili(r))
        .transpose()?;
    if responsabili.as_ref().is_some_and(Vec::is_empty) {
        return Err(Error::validation(
            "responsabili",
            "Responsabili: indicare almeno un ufficio o ruolo responsabile.",
        ));
    }
    let phases = adj.phases.as_ref().map(|p| check_phases(p)).transpose()?;
    if phases.as_ref().is_some_and(Vec::is_empty) {
        return Err(Error::validation(
            "phases",
            "Fasi e tempi: indicare almeno una fase con la data prevista.",
        ));
    }
    Ok(CheckedAdjust {
        responsabili,
        phases,
    })
}

fn insert_adoption(
    tx: &Connection,
    op: &str,
    istat: &str,
    measure_id: i64,
    adj: &CheckedAdjust,
    today: &str,
) -> Result<Option<i64>> {
    let exists: Option<i64> = tx
        .query_row(
            "SELECT id FROM risk_adoption WHERE istat = ?1 AND measure_id = ?2",
            params![istat, measure_id],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Ok(None);
    }
    let m = get_measure(tx, measure_id)?;
    if !m.missing.is_empty() {
        return Err(Error::conflict(
            format!(
                "La misura «{}» non può essere adottata: la sua programmazione è incompleta (manca: {}). Completarla nel catalogo e riprovare.",
                m.title,
                m.missing.join(", ")
            ),
            Some("measure"),
        ));
    }
    let responsabili = adj.responsabili.clone().unwrap_or(m.responsabili.clone());
    let phases = adj.phases.clone().unwrap_or(m.phases.clone());
    tx.execute(
        "INSERT INTO risk_adoption (istat, measure_id, revision, responsabili, adopted_on, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            istat,
            measure_id,
            m.revision,
            serde_json::to_string(&responsabili)?,
            today,
            crate::db::version::next_version("")
        ],
    )?;
    let id = tx.last_insert_rowid();
    write_phases(tx, id, &phases)?;
    audit::record(
        tx,
        op,
        "adopt",
        "risk_adoption",
        &id.to_string(),
        None,
        Some(&serde_json::json!({
            "istat": istat, "measure": m.code, "revision": m.revision,
            "responsabili": responsabili, "phases": phases,
        })),
    )?;
    Ok(Some(id))
}

// ---------------------------------------------------------------- comune's rating

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComuneRating {
    pub istat: String,
    pub event_id: i64,
    pub event_code: String,
    pub event_description: String,
    pub rating: Rating,
    pub level: Level,
    pub updated_at: String,
}

fn get_comune_rating(
    conn: &Connection,
    istat: &str,
    event_id: i64,
) -> Result<Option<ComuneRating>> {
    Ok(conn
        .query_row(
            "SELECT r.istat, r.event_id, e.code, e.description, r.rating, r.level, r.updated_at
             FROM risk_comune_rating r JOIN risk_event e ON e.id = r.event_id
             WHERE r.istat = ?1 AND r.event_id = ?2",
            params![istat, event_id],
            rating_from_row,
        )
        .optional()?)
}

fn rating_from_row(r: &rusqlite::Row) -> rusqlite::Result<ComuneRating> {
    let rating: String = r.get(4)?;
    let level: String = r.get(5)?;
    Ok(ComuneRating {
        istat: r.get(0)?,
        event_id: r.get(1)?,
        event_code: r.get(2)?,
        event_description: r.get(3)?,
        rating: serde_json::from_str(&rating).unwrap_or_default(),
        level: Level::parse(&level).unwrap_or(Level::B),
        updated_at: r.get(6)?,
    })
}

/// A comune's own ratings, by event code.
fn comune_ratings(conn: &Connection, istat: &str) -> Result<Vec<ComuneRating>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.istat, r.event_id, e.code, e.description, r.rating, r.level, r.updated_at
         FROM risk_comune_rating r JOIN risk_event e ON e.id = r.event_id
         WHERE r.istat = ?1 ORDER BY e.code",
    )?;
    let rows = stmt.query_map([istat], rating_from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl Store {
    /// A comune's own levels and ratings, by event id (for its documents).
    pub fn comune_ratings(&self, istat: &str) -> Result<super::rating::ComuneRatings> {
        Ok(comune_ratings(&self.conn, istat)?
            .into_iter()
            .map(|r| (r.event_id, (r.level, r.rating)))
            .collect())
    }
}

// ---------------------------------------------------------------- the plan

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComunePlan {
    pub context: Context,
    pub adoptions: Vec<Adoption>,
    pub late: i64,
    pub ratings: Vec<ComuneRating>,
}

/// A newer catalogue revision than the one a comune adopted, and what changed.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RevisionUpdate {
    pub adopted: i64,
    pub current: i64,
    pub changes: Vec<FieldChange>,
}

/// Saves a comune's scheda di contesto inside the caller's transaction
/// (the form, and a scheda returned by the comune).
pub(crate) fn save_context_in(
    tx: &Connection,
    op: &str,
    istat: &str,
    input: &ContextInput,
    today: &str,
) -> Result<Context> {
    if input.employees.is_some_and(|e| !(0..=100_000).contains(&e)) {
        return Err(Error::validation(
            "employees",
            "Numero dei dipendenti: un numero intero da 0 in su.",
        ));
    }
    let with = super::tidy(&input.convenzione_with);
    if input.segretario_convenzione && with.is_empty() {
        return Err(Error::validation(
                "convenzione_with",
                "Segretario in convenzione: indicare con quali comuni (ad esempio «Comune capofila di Novara di Sicilia, con Fondachelli-Fantina»).",
            ));
    }
    max_len("convenzione_with", "Comuni della convenzione", &with, 500)?;
    let units = tidy_long(&input.units);
    let problems = tidy_long(&input.problems);
    let notes = tidy_long(&input.notes);
    max_len("units", "Unità organizzative", &units, 4000)?;
    max_len(
        "problems",
        "Principali criticità organizzative",
        &problems,
        4000,
    )?;
    max_len("notes", "Note", &notes, 4000)?;
    let before = get_context(tx, istat, today)?;
    match (&before.updated_at, input.version.as_deref()) {
        (Some(current), v) => check_version(current, v)?,
        (None, Some(_)) => return Err(crate::error::stale()),
        (None, None) => {}
    }
    let version = crate::db::version::next_version(before.updated_at.as_deref().unwrap_or(""));
    tx.execute(
                "INSERT INTO risk_context (istat, employees, segretario_conv, convenzione_with, units, problems, notes, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(istat) DO UPDATE SET employees = ?2, segretario_conv = ?3, convenzione_with = ?4,
                    units = ?5, problems = ?6, notes = ?7, updated_at = ?8",
                params![
                    istat,
                    input.employees,
                    input.segretario_convenzione,
                    if input.segretario_convenzione { with.clone() } else { String::new() },
                    units,
                    problems,
                    notes,
                    version
                ],
            )?;
    let after = get_context(tx, istat, today)?;
    audit::record(
        tx,
        op,
        "update",
        "risk_context",
        istat,
        before
            .updated_at
            .as_ref()
            .map(|_| serde_json::to_value(&before))
            .transpose()?
            .as_ref(),
        Some(&serde_json::to_value(&after)?),
    )?;
    Ok(after)
}

impl Store {
    pub fn risk_context(&self, istat: &str) -> Result<Context> {
        get_context(&self.conn, istat, &self.today().to_string())
    }

    /// Saves a comune's scheda di contesto.
    pub fn save_risk_context(&mut self, istat: &str, input: &ContextInput) -> Result<Context> {
        let today = self.today().to_string();
        self.action(|tx, op| save_context_in(tx, op, istat, input, &today))
    }

    /// Adopts catalogue measures for comuni, in one action: every pair not
    /// yet adopted, at the measure's current revision, with the comune's
    /// responsabili and dates when given. A measure whose programming lacks
    /// one of ANAC's four elements is refused (nothing is written).
    pub fn adopt_risk_measures(
        &mut self,
        istat: &[String],
        measure_ids: &[i64],
        adjust: &AdoptionAdjust,
    ) -> Result<AdoptionReport> {
        if istat.is_empty() {
            return Err(Error::validation("comuni", "Scegliere almeno un comune."));
        }
        if measure_ids.is_empty() {
            return Err(Error::validation(
                "measures",
                "Scegliere almeno una misura.",
            ));
        }
        let today = self.today().to_string();
        let adj = check_adjust(adjust)?;
        self.action(|tx, op| {
            let mut report = AdoptionReport {
                adopted: 0,
                already: 0,
            };
            for code in istat {
                get_context(tx, code, &today)?;
                for &m in measure_ids {
                    match insert_adoption(tx, op, code, m, &adj, &today)? {
                        Some(_) => report.adopted += 1,
                        None => report.already += 1,
                    }
                }
            }
            Ok(report)
        })
    }

    /// Adopts every general measure of the catalogue for every comune of a zone.
    pub fn adopt_general_measures_for_zone(&mut self, zone_id: i64) -> Result<AdoptionReport> {
        let comuni: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT istat FROM comune WHERE zone_id = ?1 ORDER BY name_key")?;
            let rows = stmt.query_map([zone_id], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        if comuni.is_empty() {
            return Err(Error::validation(
                "zone",
                "La zona non comprende alcun comune.",
            ));
        }
        let measures: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM risk_measure WHERE general = 1 ORDER BY code")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        self.adopt_risk_measures(&comuni, &measures, &AdoptionAdjust::default())
    }

    pub fn risk_adoption(&self, id: i64) -> Result<Adoption> {
        get_adoption(&self.conn, id, &self.today().to_string())
    }

    /// Changes the comune's responsabili and dates of an adopted measure.
    pub fn update_risk_adoption(
        &mut self,
        id: i64,
        adjust: &AdoptionAdjust,
        version: Option<&str>,
    ) -> Result<Adoption> {
        let today = self.today().to_string();
        let adj = check_adjust(adjust)?;
        self.action(|tx, op| {
            let before = get_adoption(tx, id, &today)?;
            check_version(&before.updated_at, version)?;
            if let Some(r) = &adj.responsabili {
                tx.execute(
                    "UPDATE risk_adoption SET responsabili = ?2 WHERE id = ?1",
                    params![id, serde_json::to_string(r)?],
                )?;
            }
            if let Some(p) = &adj.phases {
                write_phases(tx, id, p)?;
            }
            tx.execute(
                "UPDATE risk_adoption SET updated_at = ?2 WHERE id = ?1",
                params![id, crate::db::version::next_version(&before.updated_at)],
            )?;
            let after = get_adoption(tx, id, &today)?;
            audit::record(
                tx,
                op,
                "update",
                "risk_adoption",
                &id.to_string(),
                Some(&serde_json::json!({"responsabili": before.responsabili, "phases": before.phases})),
                Some(&serde_json::json!({"responsabili": after.responsabili, "phases": after.phases})),
            )?;
            Ok(after)
        })
    }

    /// Withdraws an adopted measure (with its monitoring).
    pub fn withdraw_risk_adoption(&mut self, id: i64, version: Option<&str>) -> Result<()> {
        self.action(|tx, op| {
            let before = get_adoption(tx, id, "0000-00-00")?;
            check_version(&before.updated_at, version)?;
            tx.execute("DELETE FROM risk_adoption WHERE id = ?1", [id])?;
            audit::record(
                tx,
                op,
                "withdraw",
                "risk_adoption",
                &id.to_string(),
                Some(&serde_json::to_value(&before)?),
                None,
            )?;
            Ok(())
        })
    }

    /// The catalogue's newer revision of an adopted measure, with what
    /// changed; `None` when the comune has the current one.
    pub fn risk_adoption_update(&self, id: i64) -> Result<Option<RevisionUpdate>> {
        let a = get_adoption(&self.conn, id, "0000-00-00")?;
        if a.revision == a.current_revision {
            return Ok(None);
        }
        let before = measure_revision(&self.conn, a.measure_id, a.revision)?;
        let after = measure_revision(&self.conn, a.measure_id, a.current_revision)?;
        Ok(Some(RevisionUpdate {
            adopted: a.revision,
            current: a.current_revision,
            changes: diff_measures(&before, &after),
        }))
    }

    /// Moves an adoption to the catalogue's current revision (the comune's
    /// responsabili and dates stay as they are).
    pub fn accept_risk_revision(&mut self, id: i64, version: Option<&str>) -> Result<Adoption> {
        self.action(|tx, op| {
            let before = get_adoption(tx, id, "0000-00-00")?;
            check_version(&before.updated_at, version)?;
            if before.revision == before.current_revision {
                return Err(Error::conflict(
                    "La misura adottata è già alla revisione corrente del catalogo.",
                    None,
                ));
            }
            tx.execute(
                "UPDATE risk_adoption SET revision = ?2, updated_at = ?3 WHERE id = ?1",
                params![
                    id,
                    before.current_revision,
                    crate::db::version::next_version(&before.updated_at)
                ],
            )?;
            audit::record(
                tx,
                op,
                "accept_revision",
                "risk_adoption",
                &id.to_string(),
                Some(&serde_json::json!({"revision": before.revision})),
                Some(&serde_json::json!({"revision": before.current_revision})),
            )?;
            get_adoption(tx, id, "0000-00-00")
        })
    }

    /// The comune's own rating of a catalogue event.
    pub fn rate_risk_event_for_comune(
        &mut self,
        istat: &str,
        event_id: i64,
        rating: &Rating,
        version: Option<&str>,
    ) -> Result<ComuneRating> {
        let rating = check_rating(rating)?;
        let today = self.today().to_string();
        self.action(|tx, op| {
            get_context(tx, istat, &today)?;
            get_event(tx, event_id)?;
            let before = get_comune_rating(tx, istat, event_id)?;
            match (&before, version) {
                (Some(b), v) => check_version(&b.updated_at, v)?,
                (None, Some(_)) => return Err(crate::error::stale()),
                (None, None) => {}
            }
            let stamp = crate::db::version::next_version(before.as_ref().map(|b| b.updated_at.as_str()).unwrap_or(""));
            let level = rating.overall.map(Level::as_str).unwrap_or("B");
            tx.execute(
                "INSERT INTO risk_comune_rating (istat, event_id, rating, level, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(istat, event_id) DO UPDATE SET rating = ?3, level = ?4, updated_at = ?5",
                params![istat, event_id, serde_json::to_string(&rating)?, level, stamp],
            )?;
            let after = get_comune_rating(tx, istat, event_id)?.expect("just written");
            audit::record(
                tx,
                op,
                "rate",
                "risk_comune_rating",
                &format!("{istat}/{event_id}"),
                before.as_ref().map(|b| serde_json::to_value(&b.rating)).transpose()?.as_ref(),
                Some(&serde_json::to_value(&after.rating)?),
            )?;
            Ok(after)
        })
    }

    /// A comune's plan: context, adopted measures (late ones flagged
    /// against `today`), its own ratings.
    pub fn risk_plan(&self, istat: &str) -> Result<ComunePlan> {
        let today = self.today().to_string();
        let context = get_context(&self.conn, istat, &today)?;
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT a.id FROM risk_adoption a JOIN risk_measure m ON m.id = a.measure_id
                 WHERE a.istat = ?1 ORDER BY m.general DESC, m.code",
            )?;
            let rows = stmt.query_map([istat], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut snapshots = Snapshots::new();
        let adoptions = ids
            .into_iter()
            .map(|id| get_adoption_with(&self.conn, id, &today, &mut snapshots))
            .collect::<Result<Vec<_>>>()?;
        let ratings = comune_ratings(&self.conn, istat)?;
        Ok(ComunePlan {
            late: adoptions.iter().filter(|a| a.late).count() as i64,
            context,
            adoptions,
            ratings,
        })
    }
}

/// For checks in other modules: a comune's adoption's indicators at its revision.
pub(crate) fn adopted_indicators(conn: &Connection, id: i64) -> Result<(Vec<Indicator>, String)> {
    let (measure, rev, updated): (i64, i64, String) = conn
        .query_row(
            "SELECT measure_id, revision, updated_at FROM risk_adoption WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("La misura adottata non esiste."))?;
    Ok((measure_revision(conn, measure, rev)?.indicators, updated))
}

pub(crate) fn check_date_field(field: &str, label: &str, v: &str) -> Result<String> {
    iso_date(field, label, v)
}
