//! The calendar as iCalendar (RFC 5545), written with the `icalendar` crate:
//! one VEVENT per event with its stable UID and SEQUENCE, times in UTC
//! (converted from Europe/Rome), STATUS:CANCELLED for a cancelled event,
//! text escaped and lines folded by the crate.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};

use super::calendar::rome_instant;
use super::{hm, Event, EventQuery};
use crate::error::{Error, Result};
use crate::Store;

const PRODID: &str = "-//Citta Metropolitana di Messina//Comunita di Pratiche//IT";

fn description(e: &Event) -> String {
    let mut out = String::with_capacity(256);
    let mut line = |parts: &[&str]| {
        if !out.is_empty() {
            out.push('\n');
        }
        for p in parts {
            out.push_str(p);
        }
    };
    line(&[&e.kind_label, " – ", &e.mode_label]);
    if let Some(t) = &e.theme {
        line(&["Area tematica: ", t]);
    }
    if let Some(s) = &e.speakers {
        line(&["Relatori: ", s]);
    }
    let hours = if e.credit_minutes == 0 {
        "nessuna"
    } else {
        e.hours.as_str()
    };
    line(&["Ore riconosciute: ", hours]);
    if let Some(l) = &e.level {
        line(&["Livello: ", l]);
    }
    if let Some(z) = &e.zone {
        line(&["Zona: ", z]);
    }
    if let Some(l) = &e.link {
        line(&["Collegamento: ", l]);
    }
    if e.state == "annullato" {
        line(&["EVENTO ANNULLATO"]);
    }
    out
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
        (Some(p), _) => Some(p.as_str()),
        (None, Some(_)) => Some("In videoconferenza"),
        _ => None,
    };
    if let Some(l) = location {
        v.location(&one_line_breaks(l));
    }
    if let Some(u) = &e.link {
        v.url(u);
    }
    let mut cats = escape_list_item(&e.kind_label).into_owned();
    if let Some(t) = &e.theme {
        cats.push(',');
        cats.push_str(&escape_list_item(t));
    }
    v.append_property(Property::new("CATEGORIES", cats));
    Ok(v.done())
}

/// A CATEGORIES item: the list's commas separate items, so one inside an item is escaped.
fn escape_list_item(s: &str) -> Cow<'_, str> {
    if !s.contains(['\\', ',', ';', '\r', '\n']) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.replace('\\', "\\\\")
            .replace(',', "\\,")
            .replace(';', "\\;")
            .replace(['\r', '\n'], " "),
    )
}

/// A text value with its line breaks as `\n` only: the crate escapes `\n`,
/// while a raw CR would end the property line in the file.
fn one_line_breaks(s: &str) -> Cow<'_, str> {
    if !s.contains('\r') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_and_line_breaks_are_escaped_only_when_needed() {
        assert!(matches!(
            escape_list_item("Giornata"),
            Cow::Borrowed("Giornata")
        ));
        assert_eq!(
            escape_list_item("Appalti, contratti; c:\\atti\r\nnuovi"),
            "Appalti\\, contratti\\; c:\\\\atti  nuovi"
        );
        assert!(matches!(
            one_line_breaks("Messina"),
            Cow::Borrowed("Messina")
        ));
        assert_eq!(one_line_breaks("a\r\nb\rc\nd"), "a\nb\nc\nd");
    }
}
