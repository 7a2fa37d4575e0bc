//! The network's figures as they were on a date, from the histories the
//! archive keeps: the adhesion steps with their dates (undone steps left
//! out), the events of the calendar with their dates and attendance, the
//! attestati with their issue and annulment dates, the catalogue's
//! revisions with the time they were recorded, the adoptions with their
//! date and the monitoring entries with theirs. What has no history (a
//! comune's population and zone, a participant's comune) is read as it is
//! today: the report says so in its notes.

use std::collections::HashMap;

use rusqlite::params;

use crate::adhesion::State;
use crate::error::Result;
use crate::risks::figures::StateCounts;
use crate::Store;

/// The comuni of the archive with what the figures need.
pub(super) struct Territory {
    /// (istat, population, zone index in `zones`).
    pub comuni: Vec<(String, i64, usize)>,
    /// The zones' names, «Senza zona» last when some comune has none.
    pub zones: Vec<String>,
    /// Each comune's position in `comuni`, by ISTAT code.
    pub index: HashMap<String, usize>,
    /// Each comune's effective adhesion steps (date, state reached), in
    /// order, at the comune's position in `comuni`.
    steps: Vec<Vec<(String, State)>>,
}

impl Territory {
    pub fn load(store: &Store) -> Result<Territory> {
        let conn = &store.conn;
        let mut zones: Vec<(i64, String)> = conn
            .prepare_cached("SELECT id, name FROM zone ORDER BY name COLLATE NOCASE")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let index: HashMap<i64, usize> = zones
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
        let none = zones.len();
        let mut any_without = false;
        let comuni: Vec<(String, i64, usize)> = conn
            .prepare_cached(
                "SELECT istat, coalesce(population, 0), zone_id FROM comune ORDER BY istat",
            )?
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            })?
            .map(|r| {
                r.map(|(istat, pop, zone)| {
                    let z = zone.and_then(|z| index.get(&z).copied()).unwrap_or(none);
                    any_without |= z == none;
                    (istat, pop, z)
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        if any_without {
            zones.push((0, "Senza zona".into()));
        }
        let index: HashMap<String, usize> = comuni
            .iter()
            .enumerate()
            .map(|(i, (istat, _, _))| (istat.clone(), i))
            .collect();
        let mut steps: Vec<Vec<(String, State)>> = vec![Vec::new(); comuni.len()];
        // An undone step and the undo itself are not part of the history; a
        // reminder leaves the state as it was. A state recorded without
        // steps (an archive filled before the workflow) counts from its date.
        let mut stmt = conn.prepare_cached(
            "SELECT istat, date, to_state, 0 AS k, id FROM adhesion_step
             WHERE undone_by IS NULL AND kind NOT IN ('undo', 'reminder')
             UNION ALL
             SELECT a.istat, a.since, a.state, 1, 0 FROM adhesion a
             WHERE a.state <> 'non_aderente' AND a.since IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM adhesion_step s WHERE s.istat = a.istat)
             ORDER BY 1, 2, 4, 5",
        )?;
        let mut rows = stmt.query([])?;
        // The rows come by ISTAT code: the comune's position is looked up
        // once per comune, not once per step.
        let mut current: Option<(String, Option<usize>)> = None;
        while let Some(r) = rows.next()? {
            let istat: String = r.get(0)?;
            if current.as_ref().is_none_or(|(c, _)| *c != istat) {
                let i = index.get(&istat).copied();
                current = Some((istat, i));
            }
            let Some((_, Some(i))) = &current else {
                continue;
            };
            let state: String = r.get(2)?;
            steps[*i].push((r.get(1)?, State::parse(&state)?));
        }
        Ok(Territory {
            comuni,
            zones: zones.into_iter().map(|(_, n)| n).collect(),
            index,
            steps,
        })
    }

    /// The adhesion state at the end of `at` (ISO date) of the comune at
    /// position `i` of `comuni`.
    pub fn state_of(&self, i: usize, at: &str) -> State {
        self.steps[i]
            .iter()
            .rev()
            .find(|(d, _)| d.as_str() <= at)
            .map_or(State::NonAderente, |(_, st)| *st)
    }

    /// A comune's adhesion state at the end of `at` (ISO date).
    pub fn state_at(&self, istat: &str, at: &str) -> State {
        self.index
            .get(istat)
            .map_or(State::NonAderente, |i| self.state_of(*i, at))
    }

    /// Member comuni (protocol signed) and the population they cover, at `at`.
    pub fn members_at(&self, at: &str) -> (i64, i64) {
        self.comuni
            .iter()
            .enumerate()
            .filter(|(i, _)| self.state_of(*i, at) == State::ProtocolloSottoscritto)
            .fold((0, 0), |(n, p), (_, (_, pop, _))| (n + 1, p + pop))
    }
}

/// The training days, or the meetings, of a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Activity {
    pub events: i64,
    pub days: i64,
    pub minutes: i64,
    /// Distinct people present at least once.
    pub participants: i64,
    /// Presences (a person at two events counts twice).
    pub presences: i64,
    /// Comuni with someone present, by zone (indexed as `Territory::zones`).
    pub comuni_by_zone: Vec<i64>,
    pub comuni: i64,
}

/// What the event kinds of a figure are.
pub(super) const TRAINING: &[&str] = &["giornata"];

/// The events of `kinds` held from `from` to `at` (not cancelled), their
/// days, hours, people present and comuni represented.
pub(super) fn activity(
    store: &Store,
    t: &Territory,
    kinds: &[&str],
    from: &str,
    at: &str,
) -> Result<Activity> {
    let conn = &store.conn;
    let kinds_sql = kinds
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let held =
        format!("e.kind IN ({kinds_sql}) AND e.state <> 'annullato' AND e.date BETWEEN ?1 AND ?2");
    let (events, days, minutes): (i64, i64, i64) = conn.query_row(
        &format!(
            "SELECT count(*), count(DISTINCT e.date),
                    coalesce(sum((strftime('%s', '2000-01-01 ' || e.end_time)
                                - strftime('%s', '2000-01-01 ' || e.start_time)) / 60), 0)
             FROM training_event e WHERE {held}"
        ),
        params![from, at],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (participants, presences): (i64, i64) = conn.query_row(
        &format!(
            "SELECT count(DISTINCT a.participant_id), count(*)
             FROM training_attendance a JOIN training_event e ON e.id = a.event_id
             WHERE a.present = 1 AND {held}"
        ),
        params![from, at],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut comuni_by_zone = vec![0; t.zones.len()];
    let mut comuni = 0;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT DISTINCT p.istat FROM training_attendance a
         JOIN training_event e ON e.id = a.event_id
         JOIN training_participant p ON p.id = a.participant_id
         WHERE a.present = 1 AND p.istat IS NOT NULL AND {held}"
    ))?;
    let mut rows = stmt.query(params![from, at])?;
    while let Some(r) = rows.next()? {
        let istat: String = r.get(0)?;
        if let Some(i) = t.index.get(&istat) {
            comuni_by_zone[t.comuni[*i].2] += 1;
            comuni += 1;
        }
    }
    Ok(Activity {
        events,
        days,
        minutes,
        participants,
        presences,
        comuni_by_zone,
        comuni,
    })
}

/// Attestati issued from `from` to `at` and not annulled by `at`.
pub(super) fn attestati(store: &Store, from: &str, at: &str) -> Result<i64> {
    Ok(store.conn.query_row(
        "SELECT count(*) FROM training_certificate
         WHERE issued_at BETWEEN ?1 AND ?2 AND (annulled_at IS NULL OR substr(annulled_at, 1, 10) > ?2)",
        params![from, at],
        |r| r.get(0),
    )?)
}

/// The catalogue and its use at `at`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Catalogue {
    /// Risk events and measures recorded in the catalogue by `at`.
    pub events: i64,
    pub measures: i64,
    /// Adoptions by `at`, and the comuni that made them.
    pub adoptions: i64,
    pub adopting: i64,
    /// Comuni by measures adopted: none, 1–5, 6–10, 11–20, more than 20.
    pub per_comune: [i64; 5],
    /// The state of the adopted measures (general and specific together) at `at`.
    pub states: StateCounts,
}

pub(super) const PER_COMUNE: [&str; 5] =
    ["Nessuna", "Da 1 a 5", "Da 6 a 10", "Da 11 a 20", "Oltre 20"];

pub(super) fn catalogue(store: &Store, t: &Territory, year: i32, at: &str) -> Result<Catalogue> {
    let conn = &store.conn;
    // A revision's time is UTC: its date is read as recorded.
    let first = |table: &str, key: &str| -> Result<i64> {
        Ok(conn.query_row(
            &format!(
                "SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY {key}
                 HAVING substr(min(at), 1, 10) <= ?1)"
            ),
            [at],
            |r| r.get(0),
        )?)
    };
    let events = first("risk_event_revision", "event_id")?;
    let measures = first("risk_measure_revision", "measure_id")?;
    let counts: HashMap<String, i64> = conn
        .prepare_cached(
            "SELECT istat, count(*) FROM risk_adoption WHERE adopted_on <= ?1 GROUP BY istat",
        )?
        .query_map([at], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut per_comune = [0i64; 5];
    for (istat, _, _) in &t.comuni {
        let n = counts.get(istat).copied().unwrap_or(0);
        let class = match n {
            0 => 0,
            1..=5 => 1,
            6..=10 => 2,
            11..=20 => 3,
            _ => 4,
        };
        per_comune[class] += 1;
    }
    // At the end of `year`, or today if earlier: `at` (see `end_of`).
    let summary = store.risk_annual_summary(None, year)?;
    let s = |f: fn(&StateCounts) -> i64| f(&summary.general) + f(&summary.specific);
    Ok(Catalogue {
        events,
        measures,
        adoptions: counts.values().sum(),
        adopting: counts.len() as i64,
        per_comune,
        states: StateCounts {
            adopted: s(|c| c.adopted),
            da_avviare: s(|c| c.da_avviare),
            in_corso: s(|c| c.in_corso),
            attuata: s(|c| c.attuata),
            non_attuata: s(|c| c.non_attuata),
            late: s(|c| c.late),
        },
    })
}
