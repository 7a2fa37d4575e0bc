//! Figures: how many comuni adopted and implemented each measure, each
//! comune's measures and late ones, the yearly summary for the RPCT's
//! relazione annuale (state of the general and of the specific measures).

use std::collections::HashMap;

use rusqlite::params;
use serde::Serialize;

use super::MeasureState;
use crate::error::Result;
use crate::Store;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MeasureFigure {
    pub measure_id: i64,
    pub code: String,
    pub title: String,
    pub general: bool,
    /// Comuni that adopted it.
    pub adopted: i64,
    /// Comuni whose newest entry says «attuata».
    pub implemented: i64,
    pub late: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ComuneFigure {
    pub istat: String,
    pub comune: String,
    pub measures: i64,
    pub implemented: i64,
    pub late: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct StateCounts {
    pub adopted: i64,
    pub da_avviare: i64,
    pub in_corso: i64,
    pub attuata: i64,
    pub non_attuata: i64,
    pub late: i64,
}

impl StateCounts {
    fn add(&mut self, s: MeasureState, late: bool) {
        self.adopted += 1;
        match s {
            MeasureState::DaAvviare => self.da_avviare += 1,
            MeasureState::InCorso => self.in_corso += 1,
            MeasureState::Attuata => self.attuata += 1,
            MeasureState::NonAttuata => self.non_attuata += 1,
        }
        if late {
            self.late += 1;
        }
    }
}

/// The yearly summary of a comune (or of the network when `istat` is None).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnnualSummary {
    pub year: i32,
    pub general: StateCounts,
    pub specific: StateCounts,
}

const LATE_SQL: &str = "a.last_state <> 'attuata' AND EXISTS (SELECT 1 FROM risk_adoption_phase p
    WHERE p.adoption_id = a.id AND p.due < ?1 AND p.due > coalesce(a.last_date, ''))";

impl Store {
    /// Per measure: comuni adopting, implementing, late on `today`.
    pub fn risk_measure_figures(&self, today: &str) -> Result<Vec<MeasureFigure>> {
        let today = super::check_today(today)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT m.id, m.code, m.title, m.general,
                    count(a.id),
                    coalesce(sum(a.last_state = 'attuata'), 0),
                    coalesce(sum(CASE WHEN a.id IS NOT NULL AND {LATE_SQL} THEN 1 ELSE 0 END), 0)
             FROM risk_measure m LEFT JOIN risk_adoption a ON a.measure_id = m.id
             GROUP BY m.id ORDER BY m.code"
        ))?;
        let rows = stmt.query_map([&today], |r| {
            Ok(MeasureFigure {
                measure_id: r.get(0)?,
                code: r.get(1)?,
                title: r.get(2)?,
                general: r.get(3)?,
                adopted: r.get(4)?,
                implemented: r.get(5)?,
                late: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Per comune that adopted something: measures, implemented, late.
    pub fn risk_comune_figures(&self, today: &str) -> Result<Vec<ComuneFigure>> {
        let today = super::check_today(today)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.istat, c.name, count(a.id),
                    coalesce(sum(a.last_state = 'attuata'), 0),
                    coalesce(sum(CASE WHEN {LATE_SQL} THEN 1 ELSE 0 END), 0)
             FROM risk_adoption a JOIN comune c ON c.istat = a.istat
             GROUP BY c.istat ORDER BY c.name_key"
        ))?;
        let rows = stmt.query_map([&today], |r| {
            Ok(ComuneFigure {
                istat: r.get(0)?,
                comune: r.get(1)?,
                measures: r.get(2)?,
                implemented: r.get(3)?,
                late: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The state of the general and specific measures at the end of `year`
    /// (each adoption's newest entry dated within the year; late against
    /// 31 December, or `today` if earlier).
    pub fn risk_annual_summary(
        &self,
        istat: Option<&str>,
        year: i32,
        today: &str,
    ) -> Result<AnnualSummary> {
        let today = super::check_today(today)?;
        let end = format!("{year}-12-31");
        let at = if today.as_str() < end.as_str() {
            today
        } else {
            end.clone()
        };
        // The newest entry of each adoption up to the end of the year.
        let mut states: HashMap<i64, (String, String)> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT m.adoption_id, m.date, m.state FROM risk_monitoring m
                 JOIN risk_adoption a ON a.id = m.adoption_id
                 WHERE (?1 IS NULL OR a.istat = ?1) AND m.date <= ?2 ORDER BY m.date, m.id",
            )?;
            let mut rows = stmt.query(params![istat, end])?;
            while let Some(r) = rows.next()? {
                states.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
            }
        }
        let mut phases: HashMap<i64, Vec<String>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT p.adoption_id, p.due FROM risk_adoption_phase p JOIN risk_adoption a ON a.id = p.adoption_id
                 WHERE (?1 IS NULL OR a.istat = ?1) AND p.due < ?2",
            )?;
            let mut rows = stmt.query(params![istat, at])?;
            while let Some(r) = rows.next()? {
                phases.entry(r.get(0)?).or_default().push(r.get(1)?);
            }
        }
        let mut out = AnnualSummary {
            year,
            general: StateCounts::default(),
            specific: StateCounts::default(),
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, m.general FROM risk_adoption a JOIN risk_measure m ON m.id = a.measure_id
             WHERE (?1 IS NULL OR a.istat = ?1) AND a.adopted_on <= ?2",
        )?;
        let mut rows = stmt.query(params![istat, end])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let general: bool = r.get(1)?;
            let (last, state) = match states.get(&id) {
                Some((d, s)) => (d.as_str(), MeasureState::parse(s)),
                None => ("", MeasureState::DaAvviare),
            };
            let late = state != MeasureState::Attuata
                && phases
                    .get(&id)
                    .is_some_and(|v| v.iter().any(|d| d.as_str() > last));
            if general {
                out.general.add(state, late);
            } else {
                out.specific.add(state, late);
            }
        }
        Ok(out)
    }
}
