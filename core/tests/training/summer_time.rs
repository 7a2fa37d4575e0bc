//! Times at the two clock changes of 2027 in Rome: the hour that does not
//! exist (28 March, 02:00–02:59) is refused at entry, naming the night; the
//! hour that comes twice (31 October, 02:00–02:59) needs the user's choice;
//! no event ends before it starts, on the clock or in the ICS, which
//! python's `icalendar` and `vobject` read back with the times entered.

use super::*;
use cdp_core::training::Occurrence;

fn at(date: &str, start: &str, end: &str) -> EventInput {
    EventInput {
        start_time: start.into(),
        end_time: end.into(),
        ..event(date)
    }
}

#[test]
fn the_skipped_hour_is_refused_naming_the_night() {
    let mut s = common::store();
    let night = "nella notte tra sabato 27 e domenica 28 marzo 2027 inizia l'ora legale e gli orologi passano dalle 02:00 alle 03:00";
    for (start, end, field, said) in [
        (
            "02:30",
            "04:00",
            "start_time",
            "Ora di inizio: le 02:30 del 28/03/2027 non esistono",
        ),
        (
            "01:30",
            "02:15",
            "end_time",
            "Ora di fine: le 02:15 del 28/03/2027 non esistono",
        ),
    ] {
        let e = s
            .create_training_event(&at("2027-03-28", start, end))
            .unwrap_err();
        assert_eq!(e.field(), Some(field));
        assert!(
            e.to_string().contains(said) && e.to_string().contains(night),
            "{e}"
        );
    }
    // Moved there, or a series that reaches that night: refused the same way.
    let ev = s
        .create_training_event(&at("2027-03-21", "02:30", "04:00"))
        .unwrap();
    let e = s
        .move_training_event(ev.id, "2027-03-28", "02:30", "04:00", None)
        .unwrap_err();
    assert!(e.to_string().contains(night), "{e}");
    let e = s
        .create_training_series(&at("2027-03-14", "02:30", "04:00"), Frequency::Weekly, 3)
        .unwrap_err();
    assert!(e.to_string().contains("28/03/2027 non esistono"), "{e}");
    // Across the gap, 01:30–03:30 is one hour long: the hours credited say so.
    let ev = s
        .create_training_event(&at("2027-03-28", "01:30", "03:30"))
        .unwrap();
    assert_eq!(ev.credit_minutes, 60);
}

#[test]
fn the_repeated_hour_asks_which() {
    let mut s = common::store();
    let e = s
        .create_training_event(&at("2027-10-31", "02:30", "04:00"))
        .unwrap_err();
    assert_eq!(e.field(), Some("start_repeat"));
    assert!(
        e.to_string().contains("le 02:30 del 31/10/2027 ci sono due volte: nella notte tra sabato 30 e domenica 31 ottobre 2027 finisce l'ora legale"),
        "{e}"
    );
    let first = s
        .create_training_event(&EventInput {
            start_repeat: Some(Occurrence::Legale),
            ..at("2027-10-31", "02:30", "04:00")
        })
        .unwrap();
    assert_eq!(first.start_repeat, Some(Occurrence::Legale));
    assert_eq!(first.credit_minutes, 150);
    let second = s
        .create_training_event(&EventInput {
            start_repeat: Some(Occurrence::Solare),
            ..at("2027-10-31", "02:30", "04:00")
        })
        .unwrap();
    assert_eq!(second.credit_minutes, 90);
    // Starting at the second 02:30 and ending at the first 02:45: before its start.
    let e = s
        .create_training_event(&EventInput {
            start_repeat: Some(Occurrence::Solare),
            end_repeat: Some(Occurrence::Legale),
            ..at("2027-10-31", "02:30", "02:45")
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("end_time"));
    assert!(
        e.to_string().contains("la seconda volta, ora solare"),
        "{e}"
    );
    // A choice for a time that comes once is not kept.
    let plain = s
        .create_training_event(&EventInput {
            start_repeat: Some(Occurrence::Solare),
            ..at("2027-10-30", "02:30", "04:00")
        })
        .unwrap();
    assert_eq!(plain.start_repeat, None);
}

/// The events of an ICS as python's `icalendar` and `vobject` read them:
/// per event, its start and end in UTC and in Rome.
fn parsed(ics: &str) -> Vec<String> {
    let script = r#"
import sys, icalendar, vobject
from zoneinfo import ZoneInfo
rome = ZoneInfo('Europe/Rome')
data = open(sys.argv[1], 'rb').read()
def show(start, end):
    assert end > start, (start, end)
    a, b = start.astimezone(rome), end.astimezone(rome)
    return '%s %s %s-%s' % (start.isoformat(), end.isoformat(), a.strftime('%d/%m %H:%M') + ('b' if a.fold else ''), b.strftime('%H:%M') + ('b' if b.fold else ''))
one = [show(e.decoded('DTSTART'), e.decoded('DTEND')) for e in icalendar.Calendar.from_ical(data).walk('VEVENT')]
two = [show(e.dtstart.value, e.dtend.value) for e in vobject.readOne(data.decode('utf-8')).vevent_list]
assert one == two, (one, two)
print('\n'.join(one))
"#;
    super::ics::python_on_ics(script, ics)
}

#[test]
fn the_ics_around_both_changes_has_the_times_entered() {
    let mut s = common::store();
    for (date, start, end, sr, er) in [
        ("2027-03-27", "10:00", "13:00", None, None),
        ("2027-03-28", "01:30", "03:30", None, None),
        ("2027-03-28", "10:00", "13:00", None, None),
        ("2027-10-30", "10:00", "13:00", None, None),
        (
            "2027-10-31",
            "01:30",
            "02:30",
            None,
            Some(Occurrence::Solare),
        ),
        (
            "2027-10-31",
            "02:15",
            "02:45",
            Some(Occurrence::Legale),
            Some(Occurrence::Legale),
        ),
        (
            "2027-10-31",
            "02:15",
            "02:45",
            Some(Occurrence::Legale),
            Some(Occurrence::Solare),
        ),
        (
            "2027-10-31",
            "02:30",
            "04:00",
            Some(Occurrence::Solare),
            None,
        ),
        ("2027-10-31", "10:00", "13:00", None, None),
    ] {
        s.create_training_event(&EventInput {
            start_repeat: sr,
            end_repeat: er,
            ..at(date, start, end)
        })
        .unwrap();
    }
    let stamp = chrono::DateTime::parse_from_rfc3339("2027-01-15T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let rows = parsed(&s.training_ics(&EventQuery::default(), stamp).unwrap());
    assert_eq!(
        rows,
        [
            "2027-03-27T09:00:00+00:00 2027-03-27T12:00:00+00:00 27/03 10:00-13:00",
            "2027-03-28T00:30:00+00:00 2027-03-28T01:30:00+00:00 28/03 01:30-03:30",
            "2027-03-28T08:00:00+00:00 2027-03-28T11:00:00+00:00 28/03 10:00-13:00",
            "2027-10-30T08:00:00+00:00 2027-10-30T11:00:00+00:00 30/10 10:00-13:00",
            "2027-10-30T23:30:00+00:00 2027-10-31T01:30:00+00:00 31/10 01:30-02:30b",
            "2027-10-31T00:15:00+00:00 2027-10-31T00:45:00+00:00 31/10 02:15-02:45",
            "2027-10-31T00:15:00+00:00 2027-10-31T01:45:00+00:00 31/10 02:15-02:45b",
            "2027-10-31T01:30:00+00:00 2027-10-31T03:00:00+00:00 31/10 02:30b-04:00",
            "2027-10-31T09:00:00+00:00 2027-10-31T12:00:00+00:00 31/10 10:00-13:00",
        ]
    );
}
