//! Hours of training per person per year and per comune, against the yearly
//! target (default 40 hours: directive of the Minister for Public
//! Administration of 14 January 2025). A person present at an event is
//! credited the event's hours; cancelled events count nothing.

use rusqlite::params;
use serde::Serialize;

use super::{hours_text, training_settings};
use crate::error::Result;
use crate::io::Format;
use crate::Store;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PersonHours {
    pub participant_id: i64,
    pub full_name: String,
    pub istat: Option<String>,
    pub ente: Option<String>,
    pub events: i64,
    pub minutes: i64,
    pub hours: String,
    pub below_target: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComuneHours {
    pub istat: String,
    pub comune: String,
    pub people: i64,
    pub minutes: i64,
    pub hours: String,
    /// Hours per person, as text.
    pub average: String,
    pub below_target: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HoursReport {
    pub year: i32,
    pub target_hours: i64,
    pub people: Vec<PersonHours>,
    pub comuni: Vec<ComuneHours>,
}

const HEADERS: [&str; 7] = [
    "Partecipante",
    "Comune o ente",
    "Codice ISTAT",
    "Eventi",
    "Ore",
    "Obiettivo (ore)",
    "Sotto l'obiettivo",
];

impl Store {
    /// Hours per person (every participant, also with none) and per comune
    /// for `year`: of the events held by the store's today (an attendance
    /// recorded ahead of its event, as an archive written before that rule
    /// may have, counts from the event's day).
    pub fn training_hours(&self, year: i32) -> Result<HoursReport> {
        let target = training_settings(&self.conn)?.target_hours;
        let from = format!("{year:04}-01-01");
        let to = format!("{year:04}-12-31").min(self.today().to_string());
        let mut stmt = self.conn.prepare(
            "SELECT p.id, p.full_name, p.istat, coalesce(c.name, p.ente),
                    count(e.id), coalesce(sum(e.credit_minutes), 0)
             FROM training_participant p
             LEFT JOIN comune c ON c.istat = p.istat
             LEFT JOIN training_attendance a ON a.participant_id = p.id AND a.present = 1
             LEFT JOIN training_event e ON e.id = a.event_id AND e.state <> 'annullato'
                  AND e.date BETWEEN ?1 AND ?2
             GROUP BY p.id ORDER BY p.name_key, p.id",
        )?;
        let people: Vec<PersonHours> = stmt
            .query_map(params![from, to], |r| {
                let minutes: i64 = r.get(5)?;
                Ok(PersonHours {
                    participant_id: r.get(0)?,
                    full_name: r.get(1)?,
                    istat: r.get(2)?,
                    ente: r.get(3)?,
                    events: r.get(4)?,
                    minutes,
                    hours: hours_text(minutes),
                    below_target: minutes < target * 60,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut comuni: Vec<ComuneHours> = Vec::new();
        for p in people.iter().filter(|p| p.istat.is_some()) {
            let istat = p.istat.clone().unwrap_or_default();
            match comuni.iter_mut().find(|c| c.istat == istat) {
                Some(c) => {
                    c.people += 1;
                    c.minutes += p.minutes;
                    c.below_target += p.below_target as i64;
                }
                None => comuni.push(ComuneHours {
                    istat,
                    comune: p.ente.clone().unwrap_or_default(),
                    people: 1,
                    minutes: p.minutes,
                    hours: String::new(),
                    average: String::new(),
                    below_target: p.below_target as i64,
                }),
            }
        }
        for c in &mut comuni {
            c.hours = hours_text(c.minutes);
            c.average = hours_text(c.minutes / c.people.max(1));
        }
        comuni.sort_by_cached_key(|c| crate::text::fold(&c.comune));
        Ok(HoursReport {
            year,
            target_hours: target,
            people,
            comuni,
        })
    }

    /// The hours per person of `year` as CSV or XLSX bytes (`below_only`: the report of who is below the target).
    pub fn training_hours_export(
        &self,
        year: i32,
        below_only: bool,
        format: Format,
    ) -> Result<Vec<u8>> {
        let r = self.training_hours(year)?;
        let rows: Vec<Vec<String>> = r
            .people
            .iter()
            .filter(|p| !below_only || p.below_target)
            .map(|p| {
                vec![
                    p.full_name.clone(),
                    p.ente.clone().unwrap_or_default(),
                    p.istat.clone().unwrap_or_default(),
                    p.events.to_string(),
                    match format {
                        Format::Csv => p.hours.clone(),
                        Format::Xlsx => format!("{}", p.minutes as f64 / 60.0),
                    },
                    r.target_hours.to_string(),
                    if p.below_target { "sì" } else { "no" }.to_string(),
                ]
            })
            .collect();
        match format {
            Format::Csv => crate::io::table_csv(&HEADERS, &rows),
            Format::Xlsx => {
                crate::io::table_xlsx(&format!("Ore {}", r.year), &HEADERS, &rows, &[3, 4, 5])
            }
        }
    }
}
