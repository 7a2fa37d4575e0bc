//! Figures: how many comuni adopted and implemented each measure, each
//! comune's measures and late ones, the yearly summary for the RPCT's
//! relazione annuale (state of the general and of the specific measures).

use rusqlite::params;
use serde::Serialize;

use super::MeasureState;
use crate::error::Result;
use crate::Store;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComuneFigure {
    pub istat: String,
    pub comune: String,
    pub measures: i64,
    pub implemented: i64,
    pub late: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StateCounts {
    pub adopted: i64,
    pub da_avviare: i64,
    pub in_corso: i64,
    pub attuata: i64,
    pub non_attuata: i64,
    pub late: i64,
}

/// The yearly summary of a comune (or of the network when `istat` is None).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnnualSummary {
    pub year: i32,
    pub general: StateCounts,
    pub specific: StateCounts,
}

const LATE_SQL: &str = "a.last_state <> 'attuata' AND EXISTS (SELECT 1 FROM risk_adoption_phase p
    WHERE p.adoption_id = a.id AND p.due < ?1 AND p.due > coalesce(a.last_date, ''))";

impl Store {
    /// Per measure: comuni adopting, implementing, late on `today`.
    pub fn risk_measure_figures(&self) -> Result<Vec<MeasureFigure>> {
        let today = self.today().to_string();
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

    /// How many comuni adopted one measure, and how many implemented it.
    pub fn risk_measure_counts(&self, measure_id: i64) -> Result<(i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT count(*), coalesce(sum(last_state = 'attuata'), 0) FROM risk_adoption WHERE measure_id = ?1",
            [measure_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Per comune that adopted something: measures, implemented, late.
    pub fn risk_comune_figures(&self) -> Result<Vec<ComuneFigure>> {
        let today = self.today().to_string();
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
    /// 31 December, or `today` if earlier). One query: an index seek per
    /// adoption for its newest entry and its missed phases.
    pub fn risk_annual_summary(&self, istat: Option<&str>, year: i32) -> Result<AnnualSummary> {
        let today = self.today().to_string();
        let end = format!("{year}-12-31");
        let at = if today.as_str() < end.as_str() {
            today
        } else {
            end.clone()
        };
        // `?1 IS NULL OR …` would keep SQLite from the index on istat.
        let which = if istat.is_some() {
            "a.istat = ?1"
        } else {
            "?1 IS NULL"
        };
        // When no entry is dated after the year's end (the current year), each
        // adoption's newest entry is the one kept on the adoption itself.
        let newest: Option<String> =
            self.conn
                .query_row("SELECT max(date) FROM risk_monitoring", [], |r| r.get(0))?;
        let sql = if newest.as_deref().is_none_or(|d| d <= end.as_str()) {
            format!(
                "SELECT m.general, a.last_state, count(*),
                        sum(a.last_state <> 'attuata' AND EXISTS (SELECT 1 FROM risk_adoption_phase p
                            WHERE p.adoption_id = a.id AND p.due < ?3 AND p.due > coalesce(a.last_date, '')))
                 FROM risk_adoption a JOIN risk_measure m ON m.id = a.measure_id
                 WHERE {which} AND a.adopted_on <= ?2 GROUP BY m.general, a.last_state"
            )
        } else {
            format!(
                "WITH x AS (
               SELECT a.id, m.general,
                 (SELECT r.date || '|' || r.state FROM risk_monitoring r
                   WHERE r.adoption_id = a.id AND r.date <= ?2
                   ORDER BY r.date DESC, r.id DESC LIMIT 1) AS last
               FROM risk_adoption a JOIN risk_measure m ON m.id = a.measure_id
               WHERE {which} AND a.adopted_on <= ?2
             ), y AS (
               SELECT id, general, coalesce(substr(last, 12), 'da_avviare') AS state,
                      coalesce(substr(last, 1, 10), '') AS d FROM x
             )
             SELECT general, state, count(*),
                    sum(state <> 'attuata' AND EXISTS (SELECT 1 FROM risk_adoption_phase p
                        WHERE p.adoption_id = y.id AND p.due < ?3 AND p.due > y.d))
             FROM y GROUP BY general, state"
            )
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut out = AnnualSummary {
            year,
            general: StateCounts::default(),
            specific: StateCounts::default(),
        };
        let mut rows = stmt.query(params![istat, end, at])?;
        while let Some(r) = rows.next()? {
            let general: bool = r.get(0)?;
            let state: String = r.get(1)?;
            let n: i64 = r.get(2)?;
            let late: i64 = r.get(3)?;
            let c = if general {
                &mut out.general
            } else {
                &mut out.specific
            };
            c.adopted += n;
            c.late += late;
            match MeasureState::parse(&state) {
                MeasureState::DaAvviare => c.da_avviare += n,
                MeasureState::InCorso => c.in_corso += n,
                MeasureState::Attuata => c.attuata += n,
                MeasureState::NonAttuata => c.non_attuata += n,
            }
        }
        Ok(out)
    }
}
