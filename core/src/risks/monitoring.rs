//! Monitoring of adopted measures: dated entries with a value per indicator
//! and the state (da avviare / in corso / attuata / non attuata, the last
//! with its motivazione). A measure past a phase's planned date with no entry
//! since is «in ritardo», against a `today` the caller passes.

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
    pub state: MeasureState,
    pub last_date: Option<String>,
}

impl Store {
    /// Records a monitoring entry for an adopted measure. Field names:
    /// `date`, `state`, `motivazione`, `values.{i}`.
    pub fn record_risk_monitoring(
        &mut self,
        adoption_id: i64,
        input: &MonitoringInput,
        today: &str,
    ) -> Result<Adoption> {
        let today = super::check_today(today)?;
        let date = check_date_field("date", "Data del monitoraggio", &input.date)?;
        if date > today {
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
        self.action(|tx, op| {
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
            get_adoption(tx, adoption_id, &today)
        })
    }

    pub fn risk_monitoring(&self, adoption_id: i64) -> Result<Vec<MonitoringEntry>> {
        entries(&self.conn, adoption_id)
    }

    /// The adoptions late on `today` (of one comune, or all), by comune.
    pub fn risk_late(&self, istat: Option<&str>, today: &str) -> Result<Vec<LateAdoption>> {
        let today = super::check_today(today)?;
        let which = if istat.is_some() {
            "a.istat = ?1"
        } else {
            "?1 IS NULL"
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT a.id, a.istat, c.name, m.id, m.code, m.title,
                    (SELECT min(p.due) FROM risk_adoption_phase p WHERE p.adoption_id = a.id
                       AND p.due < ?2 AND p.due > coalesce(a.last_date, '')),
                    a.last_state, a.last_date
             FROM risk_adoption a JOIN comune c ON c.istat = a.istat JOIN risk_measure m ON m.id = a.measure_id
             WHERE {which} AND a.last_state <> 'attuata'
               AND EXISTS (SELECT 1 FROM risk_adoption_phase p WHERE p.adoption_id = a.id
                       AND p.due < ?2 AND p.due > coalesce(a.last_date, ''))
             ORDER BY c.name_key, m.code"
        ))?;
        let rows = stmt.query_map(params![istat, today], |r| {
            let state: String = r.get(7)?;
            Ok(LateAdoption {
                adoption_id: r.get(0)?,
                istat: r.get(1)?,
                comune: r.get(2)?,
                measure_id: r.get(3)?,
                code: r.get(4)?,
                title: r.get(5)?,
                missed_due: r.get(6)?,
                state: MeasureState::parse(&state),
                last_date: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
