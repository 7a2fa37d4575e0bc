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
        // Every adoption not implemented, and whether a phase's date passed
        // with no monitoring since (an index seek each). The indicators'
        // dates are read below from each measure revision once, not parsed
        // again in SQL for every adoption.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT a.id, a.measure_id, a.revision,
                    EXISTS (SELECT 1 FROM risk_adoption_phase p WHERE p.adoption_id = a.id
                       AND p.due < ?2 AND p.due > coalesce(a.last_date, ''))
             FROM risk_adoption a JOIN comune c ON c.istat = a.istat
             JOIN risk_measure m ON m.id = a.measure_id
             WHERE {which} AND a.last_state <> 'attuata'
             ORDER BY c.name_key, m.code"
        ))?;
        let rows = stmt
            .query_map(params![istat, today], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    (r.get(1)?, r.get(2)?),
                    r.get::<_, bool>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<(i64, (i64, i64), bool)>>>()?;
        let mut snapshots = super::adoption::Snapshots::new();
        let mut ids = Vec::new();
        for (id, key, phase_missed) in rows {
            if !snapshots.contains_key(&key) {
                let snap = super::catalogue::measure_revision(&self.conn, key.0, key.1)?;
                snapshots.insert(key, (snap.title, snap.indicators));
            }
            let indicators = &snapshots[&key].1;
            // Late by a phase, or possibly by an indicator whose date passed:
            // then its last values decide (one query, no more).
            let late = phase_missed
                || (indicators
                    .iter()
                    .any(|i| i.target_date.as_str() < today.as_str())
                    && !super::adoption::missed_targets(
                        indicators,
                        &super::adoption::entry_values(&self.conn, id)?,
                        &today,
                    )
                    .is_empty());
            if late {
                ids.push(id);
            }
        }
        let mut out = Vec::new();
        for id in ids {
            let a = super::adoption::get_adoption_with(&self.conn, id, &today, &mut snapshots)?;
            if !a.late {
                continue;
            }
            let mut reasons = Vec::new();
            if let Some(d) = &a.missed_phase {
                reasons.push(format!(
                    "la fase prevista entro il {} non risulta monitorata",
                    crate::text::date_it(d)
                ));
            }
            reasons.extend(a.missed_targets.iter().map(|t| t.sentence()));
            out.push(LateAdoption {
                adoption_id: a.id,
                istat: a.istat,
                comune: a.comune,
                measure_id: a.measure_id,
                code: a.code,
                title: a.title,
                missed_due: a.next_due.unwrap_or_default(),
                reason: reasons.join("; "),
                state: a.state,
                last_date: a.last_date,
            });
        }
        Ok(out)
    }
}
