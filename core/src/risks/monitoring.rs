//! Monitoring of adopted measures: dated entries with a value per indicator
//! and the state (da avviare / in corso / attuata / non attuata, the last
//! with its motivazione). A measure past a phase's planned date with no entry
//! since, or past an indicator's date with its expected value not reached,
//! is «in ritardo», against the store's today.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::adoption::{adopted_indicators, check_date_field, get_adoption, Adoption};
use super::{indicator_value, max_len, tidy_long, MeasureState};
use crate::db::version::check_version;
use crate::error::{Error, Result};
use crate::{audit, Store};

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MonitoringInput {
    pub date: String,
    pub state: MeasureState,
    #[serde(default)]
    pub motivazione: String,
    /// One value per indicator of the adopted revision (None or "": not measured).
    #[serde(default)]
    pub values: Vec<Option<String>>,
    /// The adoption's version the form showed.
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MonitoringEntry {
    pub id: i64,
    pub adoption_id: i64,
    pub date: String,
    pub state: MeasureState,
    pub motivazione: String,
    pub values: Vec<Option<String>>,
    pub created_at: String,
}

fn entries(conn: &Connection, adoption: i64) -> Result<Vec<MonitoringEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, adoption_id, date, state, motivazione, vals, created_at FROM risk_monitoring
         WHERE adoption_id = ?1 ORDER BY date DESC, id DESC",
    )?;
    let rows = stmt.query_map([adoption], |r| {
        let state: String = r.get(3)?;
        let vals: String = r.get(5)?;
        Ok(MonitoringEntry {
            id: r.get(0)?,
            adoption_id: r.get(1)?,
            date: r.get(2)?,
            state: MeasureState::parse(&state),
            motivazione: r.get(4)?,
            values: serde_json::from_str(&vals).unwrap_or_default(),
            created_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A late adoption, for the lists.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LateAdoption {
    pub adoption_id: i64,
    pub istat: String,
    pub comune: String,
    pub measure_id: i64,
    pub code: String,
    pub title: String,
    pub missed_due: String,
    /// Why it is late, as the scheda says it.
    pub reason: String,
    pub state: MeasureState,
    pub last_date: Option<String>,
}

/// Records a monitoring entry for an adopted measure inside the caller's
/// transaction (the form, and a scheda returned by the comune). Field
/// names: `date`, `state`, `motivazione`, `values.{i}`.
pub(crate) fn record_monitoring_in(
    tx: &Connection,
    op: &str,
    adoption_id: i64,
    input: &MonitoringInput,
    today: &str,
) -> Result<Adoption> {
    let date = check_date_field("date", "Data del monitoraggio", &input.date)?;
    if date.as_str() > today {
        return Err(Error::validation(
            "date",
            "Data del monitoraggio: non può essere nel futuro.",
        ));
    }
    let motivazione = tidy_long(&input.motivazione);
    if input.state == MeasureState::NonAttuata && motivazione.is_empty() {
        return Err(Error::validation(
                "motivazione",
                "Misura non attuata: la motivazione è obbligatoria (spiegare perché non è stata attuata e cosa si prevede).",
            ));
    }
    max_len("motivazione", "Motivazione", &motivazione, 4000)?;
    let (indicators, updated) = adopted_indicators(tx, adoption_id)?;
    check_version(&updated, input.version.as_deref())?;
    if input.values.len() > indicators.len() {
        return Err(Error::validation(
            "values",
            "Più valori che indicatori: ricaricare la pagina.",
        ));
    }
    let mut values = Vec::with_capacity(indicators.len());
    for (i, ind) in indicators.iter().enumerate() {
        let v = input.values.get(i).cloned().flatten().unwrap_or_default();
        if v.trim().is_empty() {
            values.push(None);
        } else {
            values.push(Some(indicator_value(
                &format!("values.{i}"),
                &format!("Valore di «{}»", ind.name),
                ind.kind,
                &v,
            )?));
        }
    }
    tx.execute(
        "INSERT INTO risk_monitoring (adoption_id, date, state, motivazione, vals, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            adoption_id,
            date,
            input.state.as_str(),
            motivazione,
            serde_json::to_string(&values)?,
            crate::db::version::now_utc()
        ],
    )?;
    let entry_id = tx.last_insert_rowid();
    // The adoption's state is its newest entry's.
    tx.execute(
                "UPDATE risk_adoption SET
                    last_date = (SELECT date FROM risk_monitoring WHERE adoption_id = ?1 ORDER BY date DESC, id DESC LIMIT 1),
                    last_state = (SELECT state FROM risk_monitoring WHERE adoption_id = ?1 ORDER BY date DESC, id DESC LIMIT 1),
                    updated_at = ?2
                 WHERE id = ?1",
                params![adoption_id, crate::db::version::next_version(&updated)],
            )?;
    audit::record(
        tx,
        op,
        "monitor",
        "risk_adoption",
        &adoption_id.to_string(),
        None,
        Some(&serde_json::json!({
            "entry": entry_id, "date": date, "state": input.state.as_str(),
            "motivazione": motivazione, "values": values,
        })),
    )?;
    get_adoption(tx, adoption_id, today)
}

impl Store {
    /// Records a monitoring entry for an adopted measure. Field names:
    /// `date`, `state`, `motivazione`, `values.{i}`.
    pub fn record_risk_monitoring(
        &mut self,
        adoption_id: i64,
        input: &MonitoringInput,
    ) -> Result<Adoption> {
        let today = self.today().to_string();
        self.action(|tx, op| record_monitoring_in(tx, op, adoption_id, input, &today))
    }

    pub fn risk_monitoring(&self, adoption_id: i64) -> Result<Vec<MonitoringEntry>> {
        entries(&self.conn, adoption_id)
    }

    /// The adoptions late on `today` (of one comune, or all), by comune:
    /// a phase not monitored by its date, or an expected value not reached
    /// by its date (the rule of [`super::adoption::lateness`]).
    pub fn risk_late(&self, istat: Option<&str>) -> Result<Vec<LateAdoption>> {
        let today = self.today().to_string();
        let which = if istat.is_some() {
            "a.istat = ?1"
        } else {
            "?1 IS NULL"
        };
        // The adoptions not implemented that may be late, with all the list
        // shows, in one statement: those with a phase's date passed and no
        // monitoring since (a range of the index of each adoption's
        // earliest phase after its last monitoring, `pending_due`, kept by
        // the archive's triggers), and those whose measure revision has an
        // indicator's date passed (its earliest, kept with the revision;
        // their adoptions found through the index by measure), with their
        // newest entry's values. Ordered as the list shows them, the comuni
        // of the same name by adoption.
        let mut stmt = self.conn.prepare_cached(&format!(
            "WITH passed(measure_id, revision) AS MATERIALIZED (
                 SELECT measure_id, revision FROM risk_measure_revision WHERE first_target < ?2),
             candidate(id) AS (
                 SELECT a.id FROM risk_adoption a
                 WHERE a.pending_due < ?2 AND {which} AND a.last_state <> 'attuata'
                 UNION
                 SELECT a.id FROM passed x CROSS JOIN risk_adoption a
                   ON a.measure_id = x.measure_id AND a.revision = x.revision
                 WHERE {which} AND a.last_state <> 'attuata')
             SELECT a.id, a.istat, c.name, a.measure_id, a.revision, m.code, a.last_state,
                    a.last_date, CASE WHEN a.pending_due < ?2 THEN a.pending_due END,
                    CASE WHEN (a.measure_id, a.revision) IN (SELECT measure_id, revision FROM passed)
                    THEN coalesce((SELECT r.vals FROM risk_monitoring r WHERE r.adoption_id = a.id
                                   ORDER BY r.date DESC, r.id DESC LIMIT 1), '[]') END
             FROM candidate k CROSS JOIN risk_adoption a ON a.id = k.id
             JOIN comune c ON c.istat = a.istat JOIN risk_measure m ON m.id = a.measure_id
             ORDER BY c.name_key, m.code, a.id"
        ))?;
        type Candidate = (
            i64,
            String,
            String,
            (i64, i64),
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows = stmt
            .query_map(params![istat, today], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    (r.get(3)?, r.get(4)?),
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<Candidate>>>()?;
        // Each measure revision's title and indicators, read once.
        let mut snapshots = super::adoption::Snapshots::new();
        let mut out = Vec::new();
        for (id, istat, comune, key, code, state, last_date, missed_phase, newest) in rows {
            if !snapshots.contains_key(&key) {
                let snap = super::catalogue::measure_revision(&self.conn, key.0, key.1)?;
                snapshots.insert(key, (snap.title, snap.indicators));
            }
            let (title, indicators) = &snapshots[&key];
            // Late by an indicator whose date passed: its last measured
            // values decide. The newest entry's values when it has one for
            // every such indicator, else every entry's (one more query).
            let targets = match newest {
                Some(newest) if indicators.iter().any(|i| i.target_date < today) => {
                    let newest: Vec<Option<String>> =
                        serde_json::from_str(&newest).unwrap_or_default();
                    let complete = indicators
                        .iter()
                        .enumerate()
                        .filter(|(_, ind)| ind.target_date < today)
                        .all(|(k, _)| {
                            newest
                                .get(k)
                                .and_then(Option::as_deref)
                                .is_some_and(|v| !v.trim().is_empty())
                        });
                    let values = if complete {
                        vec![newest]
                    } else {
                        super::adoption::entry_values(&self.conn, id)?
                    };
                    super::adoption::missed_targets(indicators, &values, &today)
                }
                _ => Vec::new(),
            };
            if missed_phase.is_none() && targets.is_empty() {
                continue;
            }
            // The date concerned, as `lateness` gives it for a late adoption.
            let first_target = targets.iter().map(|t| t.due.clone()).min();
            let missed_due = match (&missed_phase, first_target) {
                (Some(p), Some(t)) => p.clone().min(t),
                (Some(p), None) => p.clone(),
                (None, t) => t.unwrap_or_default(),
            };
            out.push(LateAdoption {
                adoption_id: id,
                istat,
                comune,
                measure_id: key.0,
                code,
                title: title.clone(),
                missed_due,
                reason: super::adoption::late_reason(missed_phase.as_deref(), &targets),
                state: MeasureState::parse(&state),
                last_date,
            });
        }
        Ok(out)
    }
}
