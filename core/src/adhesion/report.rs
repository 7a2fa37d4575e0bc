//! What the secretariat reads off the workflow: the adhesion register, the
//! stalled comuni, the figures of the dashboard, and the register's export.

use std::path::Path;

use chrono::NaiveDate;
use rusqlite::ToSql;
use serde::{Deserialize, Serialize};

use super::{State, STATES};
use crate::error::Result;
use crate::fs::write_atomically;
use crate::io::Format;
use crate::Store;

/// One row of the register: a comune and where it stands.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AdhesionRow {
    pub istat: String,
    pub name: String,
    pub population: Option<i64>,
    pub zone_id: Option<i64>,
    pub zone_name: Option<String>,
    pub state: State,
    pub state_label: String,
    pub since: Option<String>,
    pub days_in_state: Option<i64>,
    /// Date of the last reminder recorded in the current state.
    pub last_reminder: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct AdhesionQuery {
    /// A state key (`invitato`, …), or None for all.
    pub state: Option<String>,
    /// `None`: every zone; `Some("none")`: without a zone; `Some("<id>")`: that zone.
    pub zone: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StateCount {
    pub state: State,
    pub label: String,
    pub comuni: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ZoneAdhesion {
    pub zone_id: Option<i64>,
    pub zone_name: String,
    pub comuni: i64,
    pub members: i64,
    pub population: i64,
    pub population_members: i64,
}

/// "Qualche numero": the figures of the network's reach.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AdhesionFigures {
    pub comuni: i64,
    pub members: i64,
    pub population: i64,
    pub population_members: i64,
    /// Comuni under 5,000 inhabitants, and how many of them are members.
    pub small_comuni: i64,
    pub small_members: i64,
    pub by_state: Vec<StateCount>,
    pub by_zone: Vec<ZoneAdhesion>,
    pub stalled: i64,
    pub stall_days: i64,
}

pub const DEFAULT_STALL_DAYS: i64 = 30;
const SMALL: i64 = 5_000;

fn days_since(since: &Option<String>, today: NaiveDate) -> Option<i64> {
    since
        .as_deref()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .map(|d| (today - d).num_days())
}

impl Store {
    /// The adhesion register: every comune with its state, filtered.
    pub fn adhesions(&self, q: &AdhesionQuery) -> Result<Vec<AdhesionRow>> {
        let mut sql = String::from(
            "SELECT c.istat, c.name, c.population, c.zone_id, z.name,
                coalesce(a.state, 'non_aderente'), a.since,
                (SELECT max(s.date) FROM adhesion_step s WHERE s.istat = c.istat AND s.kind = 'reminder'
                   AND s.undone_by IS NULL AND a.since IS NOT NULL AND s.date >= a.since)
             FROM comune c LEFT JOIN zone z ON z.id = c.zone_id
             LEFT JOIN adhesion a ON a.istat = c.istat WHERE 1 = 1",
        );
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        if let Some(s) = q.state.as_deref().filter(|s| !s.is_empty()) {
            args.push(Box::new(State::parse(s)?.as_str()));
            sql.push_str(&format!(
                " AND coalesce(a.state, 'non_aderente') = ?{}",
                args.len()
            ));
        }
        crate::registry::push_zone_filter(&mut sql, &mut args, q.zone.as_deref())?;
        sql.push_str(" ORDER BY c.name_key");
        let today = self.today();
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let rows = stmt.query_map(params.as_slice(), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (istat, name, population, zone_id, zone_name, state, since, last_reminder) = row?;
            let state = State::parse(&state)?;
            out.push(AdhesionRow {
                istat,
                name,
                population,
                zone_id,
                zone_name,
                state,
                state_label: state.label().to_string(),
                days_in_state: days_since(&since, today),
                since,
                last_reminder,
            });
        }
        Ok(out)
    }

    /// Days after which a comune waiting in `invitato` or `bozza inviata` is stalled (setting).
    pub fn stall_days(&self) -> Result<i64> {
        Ok(crate::db::kv::get(&self.conn, crate::db::kv::STALL_DAYS)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_STALL_DAYS))
    }

    /// Comuni waiting for more than the stall threshold, longest wait first.
    pub fn stalled(&self) -> Result<Vec<AdhesionRow>> {
        let limit = self.stall_days()?;
        let mut rows: Vec<AdhesionRow> = self
            .adhesions(&AdhesionQuery::default())?
            .into_iter()
            .filter(|r| r.state.is_waiting() && r.days_in_state.is_some_and(|d| d > limit))
            .collect();
        rows.sort_by(|a, b| {
            b.days_in_state
                .cmp(&a.days_in_state)
                .then(a.name.cmp(&b.name))
        });
        Ok(rows)
    }

    pub fn adhesion_figures(&self) -> Result<AdhesionFigures> {
        let rows = self.adhesions(&AdhesionQuery::default())?;
        let member = |r: &AdhesionRow| r.state == State::ProtocolloSottoscritto;
        let pop = |r: &AdhesionRow| r.population.unwrap_or(0);
        let by_state = STATES
            .into_iter()
            .map(|s| StateCount {
                state: s,
                label: s.label().to_string(),
                comuni: rows.iter().filter(|r| r.state == s).count() as i64,
            })
            .collect();
        let mut by_zone: Vec<ZoneAdhesion> = Vec::new();
        for r in &rows {
            let i = match by_zone.iter().position(|z| z.zone_id == r.zone_id) {
                Some(i) => i,
                None => {
                    by_zone.push(ZoneAdhesion {
                        zone_id: r.zone_id,
                        zone_name: r.zone_name.clone().unwrap_or_else(|| "Senza zona".into()),
                        comuni: 0,
                        members: 0,
                        population: 0,
                        population_members: 0,
                    });
                    by_zone.len() - 1
                }
            };
            let z = &mut by_zone[i];
            z.comuni += 1;
            z.population += pop(r);
            if member(r) {
                z.members += 1;
                z.population_members += pop(r);
            }
        }
        by_zone.sort_by(|a, b| {
            (a.zone_id.is_none(), &a.zone_name).cmp(&(b.zone_id.is_none(), &b.zone_name))
        });
        let small: Vec<&AdhesionRow> = rows
            .iter()
            .filter(|r| r.population.is_some_and(|p| p < SMALL))
            .collect();
        Ok(AdhesionFigures {
            comuni: rows.len() as i64,
            members: rows.iter().filter(|r| member(r)).count() as i64,
            population: rows.iter().map(pop).sum(),
            population_members: rows.iter().filter(|r| member(r)).map(pop).sum(),
            small_comuni: small.len() as i64,
            small_members: small.iter().filter(|r| member(r)).count() as i64,
            by_state,
            by_zone,
            stalled: self.stalled()?.len() as i64,
            stall_days: self.stall_days()?,
        })
    }

    /// Exports the register as filtered; returns the number of rows written.
    pub fn export_adhesions(
        &self,
        q: &AdhesionQuery,
        format: Format,
        path: &Path,
    ) -> Result<usize> {
        let rows = self.adhesions(q)?;
        let headers = [
            "Codice ISTAT",
            "Comune",
            "Zona omogenea",
            "Popolazione",
            "Stato dell'adesione",
            "Dal",
            "Giorni nello stato",
            "Ultimo sollecito",
        ];
        let table: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.istat.clone(),
                    r.name.clone(),
                    r.zone_name.clone().unwrap_or_default(),
                    r.population.map(|p| p.to_string()).unwrap_or_default(),
                    r.state_label.clone(),
                    r.since
                        .as_deref()
                        .map(crate::text::date_it)
                        .unwrap_or_default(),
                    r.days_in_state.map(|d| d.to_string()).unwrap_or_default(),
                    r.last_reminder
                        .as_deref()
                        .map(crate::text::date_it)
                        .unwrap_or_default(),
                ]
            })
            .collect();
        let bytes = match format {
            Format::Csv => crate::io::table_csv(&headers, &table)?,
            Format::Xlsx => crate::io::table_xlsx("Registro adesioni", &headers, &table, &[3, 6])?,
        };
        write_atomically(path, &bytes)?;
        Ok(rows.len())
    }
}
