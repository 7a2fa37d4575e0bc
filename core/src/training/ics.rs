//! The calendar as iCalendar (RFC 5545), written with the `icalendar` crate:
//! one VEVENT per event with its stable UID and SEQUENCE, times in UTC
//! (converted from Europe/Rome), STATUS:CANCELLED for a cancelled event,
//! text escaped and lines folded by the crate.

use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};

use super::calendar::rome_instant;
use super::{hm, Event, EventQuery};
use crate::error::{Error, Result};
use crate::Store;

const PRODID: &str = "-//Citta Metropolitana di Messina//Comunita di Pratiche//IT";

fn description(e: &Event) -> String {
    let mut lines = vec![format!("{} – {}", e.kind_label, e.mode_label)];
    if let Some(t) = &e.theme {
        lines.push(format!("Area tematica: {t}"));
    }
    if let Some(s) = &e.speakers {
        lines.push(format!("Relatori: {s}"));
    }
    lines.push(format!(
        "Ore riconosciute: {}",
        if e.credit_minutes == 0 {
            "nessuna".to_string()
        } else {
            e.hours.clone()
        }
    ));
    if let Some(l) = &e.level {
        lines.push(format!("Livello: {l}"));
    }
    if let Some(z) = &e.zone {
        lines.push(format!("Zona: {z}"));
    }
    if let Some(l) = &e.link {
        lines.push(format!("Collegamento: {l}"));
    }
    if e.state == "annullato" {
        lines.push("EVENTO ANNULLATO".to_string());
    }
    lines.join("\n")
}

fn vevent(e: &Event, stamp: DateTime<Utc>) -> Result<icalendar::Event> {
    let date = NaiveDate::parse_from_str(&e.date, "%Y-%m-%d")
        .map_err(|_| Error::Database(format!("data non valida: {}", e.date)))?;
    let (Some(s), Some(t)) = (hm(&e.start_time), hm(&e.end_time)) else {
        return Err(Error::Database(format!(
            "orario non valido: {}",
            e.start_time
        )));
    };
    let (from, to) = (
        rome_instant(date, s, e.start_repeat),
        rome_instant(date, t, e.end_repeat),
    );
    // RFC 5545: an event ends after it starts. The core refuses such times
    // at entry; an archive that has one anyway is not written wrong.
    if to <= from {
        return Err(Error::validation(
            "end_time",
            format!(
                "«{}» del {}: l'ora di fine ({}) non è successiva all'inizio ({}); correggere gli orari dell'evento.",
                e.title,
                crate::text::date_it(&e.date),
                e.end_time,
                e.start_time
            ),
        ));
    }
    let mut v = icalendar::Event::new();
    v.uid(&e.uid)
        .sequence(e.sequence.max(0) as u32)
        .timestamp(stamp)
        .summary(&one_line_breaks(&e.title))
        .starts(from)
        .ends(to)
        .description(&one_line_breaks(&description(e)))
        .status(if e.state == "annullato" {
            EventStatus::Cancelled
        } else if e.state == "programmato" {
            EventStatus::Tentative
        } else {
            EventStatus::Confirmed
        });
    let location = match (&e.place, &e.link) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(_)) => Some("In videoconferenza".to_string()),
        _ => None,
    };
    if let Some(l) = location {
        v.location(&one_line_breaks(&l));
    }
    if let Some(u) = &e.link {
        v.url(u);
    }
    let mut cats = vec![e.kind_label.clone()];
    if let Some(t) = &e.theme {
        cats.push(t.clone());
    }
    v.append_property(Property::new(
        "CATEGORIES",
        cats.iter()
            .map(|c| escape_list_item(c))
            .collect::<Vec<_>>()
            .join(","),
    ));
    Ok(v.done())
}

/// A CATEGORIES item: the list's commas separate items, so one inside an item is escaped.
fn escape_list_item(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace(['\r', '\n'], " ")
}

/// A text value with its line breaks as `\n` only: the crate escapes `\n`,
/// while a raw CR would end the property line in the file.
fn one_line_breaks(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// An iCalendar file of `events`, stamped `stamp`.
pub fn calendar(events: &[Event], name: &str, stamp: DateTime<Utc>) -> Result<String> {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", PRODID));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    cal.name(&one_line_breaks(name));
    for e in events {
        cal.push(vevent(e, stamp)?);
    }
    Ok(cal.done().to_string())
}

impl Store {
    /// The ICS of the filtered calendar.
    pub fn training_ics(&self, q: &EventQuery, stamp: DateTime<Utc>) -> Result<String> {
        let events = self.select_training_events(q)?;
        calendar(
            &events,
            "Comunità di Pratiche – Formazione e incontri",
            stamp,
        )
    }

    /// The ICS of one event.
    pub fn training_event_ics(&self, id: i64, stamp: DateTime<Utc>) -> Result<String> {
        let e = self.training_event(id)?;
        calendar(std::slice::from_ref(&e), &e.title, stamp)
    }
}
