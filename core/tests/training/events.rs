//! Events: themes, validation, versions, series, overlaps, cancellation
//! instead of deletion, filters.

use super::*;
use common::with;

#[test]
fn themes_are_seeded_and_editable() {
    let mut s = common::store();
    let t = s.training_themes().unwrap();
    assert_eq!(t.len(), 8);
    assert_eq!(t[0].name, "Anticorruzione e Trasparenza");
    assert_eq!(t[7].name, "Green Public Procurement");
    let new = s.add_training_theme("  Whistleblowing ").unwrap();
    assert_eq!(new.name, "Whistleblowing");
    assert_eq!(
        s.add_training_theme("privacy").unwrap_err().field(),
        Some("name")
    );
    s.create_training_event(&EventInput {
        theme_id: Some(new.id),
        ..event("2027-03-09")
    })
    .unwrap();
    assert_eq!(
        s.delete_training_theme(new.id).unwrap_err().code(),
        "conflict"
    );
    s.rename_training_theme(new.id, "Whistleblowing e segnalazioni")
        .unwrap();
    assert_eq!(s.training_themes().unwrap().len(), 9);
}

#[test]
fn validation_names_the_field() {
    let mut s = common::store();
    let good = event("2027-03-09");
    common::assert_refused(
        vec![
            (with(&good, |e| e.title = " ".into()), "title", ""),
            (with(&good, |e| e.kind = "gita".into()), "kind", ""),
            (event("31/02/2027"), "date", ""),
            (
                with(&good, |e| e.start_time = "25:00".into()),
                "start_time",
                "",
            ),
            (
                with(&good, |e| e.end_time = "09:00".into()),
                "end_time",
                "successiva all'ora di inizio (10:00)",
            ),
            (with(&good, |e| e.mode = "presenza".into()), "place", ""),
            (with(&good, |e| e.link = Some("meet".into())), "link", ""),
            (with(&good, |e| e.hours = Some("tre".into())), "hours", ""),
            (with(&good, |e| e.seats = Some("0".into())), "seats", ""),
            (
                with(&good, |e| e.kind = "incontro_zona".into()),
                "zone_id",
                "",
            ),
        ],
        |e| s.create_training_event(e),
    );
    assert_eq!(common::count(&s, "SELECT count(*) FROM training_event"), 0);
}

#[test]
fn create_update_version_sequence_audit() {
    let mut s = common::store();
    let e = s
        .create_training_event(&EventInput {
            date: "9/3/2027".into(),
            start_time: "9.30".into(),
            hours: Some("2,5".into()),
            ..event("")
        })
        .unwrap();
    assert_eq!(
        (
            e.date.as_str(),
            e.start_time.as_str(),
            e.credit_minutes,
            e.hours.as_str()
        ),
        ("2027-03-09", "09:30", 150, "2,5")
    );
    assert_eq!(e.audience, ["rpct", "dipendenti"]);
    assert_eq!(e.sequence, 0);
    assert_eq!(e.state, "programmato");
    // Default credit: the event's length.
    let f = s.create_training_event(&event("2027-03-10")).unwrap();
    assert_eq!(f.credit_minutes, 180);

    let upd = EventInput {
        title: "Il PIAO 2027".into(),
        state: "confermato".into(),
        version: Some(e.updated_at.clone()),
        ..event("2027-03-09")
    };
    let e2 = s.update_training_event(e.id, &upd).unwrap();
    assert_eq!(e2.sequence, 1);
    assert_eq!(e2.uid, e.uid);
    assert_eq!(e2.state_label, "Confermato");
    // A save based on the old version is refused.
    assert_eq!(
        s.update_training_event(e.id, &upd).unwrap_err().code(),
        "conflict"
    );
    let log = s
        .audit_log("training_event", Some(&e.id.to_string()))
        .unwrap();
    assert_eq!(
        log.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
        ["update", "create"]
    );
}

#[test]
fn overlaps_are_flagged_not_refused() {
    let mut s = common::store();
    let a = s.create_training_event(&event("2027-03-09")).unwrap();
    assert!(a.warnings.is_empty());
    let b = s
        .create_training_event(&EventInput {
            title: "Tavolo contratti".into(),
            kind: "tavolo".into(),
            start_time: "12:00".into(),
            end_time: "14:00".into(),
            ..event("2027-03-09")
        })
        .unwrap();
    assert_eq!(b.warnings.len(), 1);
    assert!(
        b.warnings[0].contains("Si sovrappone a «Il PIAO"),
        "{:?}",
        b.warnings
    );
    // Back to back is not an overlap.
    let c = s
        .create_training_event(&EventInput {
            start_time: "14:00".into(),
            end_time: "15:00".into(),
            ..event("2027-03-09")
        })
        .unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let list = s.training_events(&EventQuery::default()).unwrap();
    assert_eq!(list.iter().filter(|e| !e.warnings.is_empty()).count(), 2);
    // A cancelled event overlaps nothing.
    s.cancel_training_event(b.id, None).unwrap();
    assert!(s.training_event(a.id).unwrap().warnings.is_empty());
    // Holidays and Sundays are flagged.
    let h = s.create_training_event(&event("2027-03-29")).unwrap();
    assert!(h.warnings[0].contains("Pasquetta"));
}

#[test]
fn series_creates_real_events_that_move_one_by_one() {
    let mut s = common::store();
    let r = s
        .create_training_series(&event("2027-01-31"), Frequency::MonthlyDay, 6)
        .unwrap();
    let dates: Vec<_> = r.events.iter().map(|e| e.date.as_str()).collect();
    assert_eq!(
        dates,
        [
            "2027-01-31",
            "2027-02-28",
            "2027-03-31",
            "2027-04-30",
            "2027-05-31",
            "2027-06-30"
        ]
    );
    assert!(r
        .notes
        .iter()
        .any(|n| n.contains("Febbraio non ha il giorno 31")));
    assert!(r.notes.iter().any(|n| n.contains("31/01/2027 è domenica")));
    assert!(r.events.iter().all(|e| e.series_id == Some(r.series_id)));
    let uids: std::collections::HashSet<_> = r.events.iter().map(|e| e.uid.clone()).collect();
    assert_eq!(uids.len(), 6);

    let w = s
        .create_training_series(&event("2027-03-02"), Frequency::Fortnightly, 3)
        .unwrap();
    assert_eq!(w.events[2].date, "2027-03-30");
    let m = s
        .create_training_series(&event("2027-03-09"), Frequency::MonthlyWeekday, 3)
        .unwrap();
    assert_eq!(m.events[1].date, "2027-04-13");

    // Move one: only that one changes, its SEQUENCE grows.
    let one = &r.events[1];
    let moved = s
        .move_training_event(
            one.id,
            "01/03/2027",
            "15:00",
            "17:00",
            Some(&one.updated_at),
        )
        .unwrap();
    assert_eq!(
        (
            moved.date.as_str(),
            moved.start_time.as_str(),
            moved.sequence
        ),
        ("2027-03-01", "15:00", 1)
    );
    assert_eq!(s.training_event(r.events[2].id).unwrap().date, "2027-03-31");
    assert_eq!(
        s.move_training_event(one.id, "2027-03-01", "15:00", "14:00", None)
            .unwrap_err()
            .field(),
        Some("end_time")
    );
    // An invalid series writes nothing.
    let before = common::count(&s, "SELECT count(*) FROM training_event");
    assert_eq!(
        s.create_training_series(&event("2027-03-09"), Frequency::Weekly, 61)
            .unwrap_err()
            .field(),
        Some("count")
    );
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM training_event"),
        before
    );
}

#[test]
fn with_attendance_cancel_not_delete() {
    let mut s = common::store();
    let e = s.create_training_event(&event("2027-03-09")).unwrap();
    let f = s.create_training_event(&event("2027-03-10")).unwrap();
    s.delete_training_event(f.id, Some(&f.updated_at)).unwrap();
    assert_eq!(s.training_event(f.id).unwrap_err().code(), "not_found");
    s.connection().execute_batch(&format!(
        "INSERT INTO training_participant (full_name, name_key, created_at, updated_at) VALUES ('Anna Neri', 'anna neri', 'x', 'x');
         INSERT INTO training_attendance (event_id, participant_id, present, minutes, updated_at) VALUES ({}, 1, 1, 180, 'x');", e.id)).unwrap();
    let e = s.training_event(e.id).unwrap();
    let err = s
        .delete_training_event(e.id, Some(&e.updated_at))
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("solo annullato"));
    let c = s.cancel_training_event(e.id, Some(&e.updated_at)).unwrap();
    assert_eq!((c.state.as_str(), c.sequence), ("annullato", 1));
    assert_eq!(
        s.cancel_training_event(e.id, None).unwrap_err().code(),
        "conflict"
    );
    let log = s
        .audit_log("training_event", Some(&e.id.to_string()))
        .unwrap();
    assert_eq!(log[0].action, "cancel");
}

#[test]
fn a_cancellation_can_be_undone() {
    let mut s = common::store();
    let e = s.create_training_event(&event("2027-03-09")).unwrap();
    let e = s
        .update_training_event(
            e.id,
            &EventInput {
                state: "confermato".into(),
                version: Some(e.updated_at.clone()),
                ..event("2027-03-09")
            },
        )
        .unwrap();
    // Nothing to undo on an event that is not cancelled.
    let err = s.restore_training_event(e.id, None).unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("non è annullato"), "{err}");
    let c = s.cancel_training_event(e.id, Some(&e.updated_at)).unwrap();
    // A stale version is refused.
    let stale = s
        .restore_training_event(e.id, Some(&e.updated_at))
        .unwrap_err();
    assert!(stale.to_string().contains("modificato dopo"), "{stale}");
    let r = s.restore_training_event(e.id, Some(&c.updated_at)).unwrap();
    assert_eq!(r.state, "confermato", "back to the state it had");
    assert_eq!(r.sequence, c.sequence + 1, "the ICS sees a new version");
    let log = s
        .audit_log("training_event", Some(&e.id.to_string()))
        .unwrap();
    assert_eq!(log[0].action, "restore");
}

#[test]
fn filters() {
    let mut s = common::store();
    s.create_training_event(&event("2027-03-09")).unwrap();
    s.create_training_event(&EventInput {
        kind: "incontro_rpct".into(),
        theme_id: Some(2),
        ..event("2027-04-09")
    })
    .unwrap();
    let q = |k: Option<&str>, t: Option<i64>| EventQuery {
        kind: k.map(str::to_string),
        theme_id: t,
        ..Default::default()
    };
    assert_eq!(
        s.training_events(&q(Some("incontro_rpct"), None))
            .unwrap()
            .len(),
        1
    );
    assert_eq!(s.training_events(&q(None, Some(1))).unwrap().len(), 1);
    assert_eq!(
        s.training_events(&EventQuery {
            from: Some("01/04/2027".into()),
            ..Default::default()
        })
        .unwrap()
        .len(),
        1
    );
    assert_eq!(
        s.training_events(&EventQuery {
            state: Some("annullato".into()),
            ..Default::default()
        })
        .unwrap()
        .len(),
        0
    );
}

#[test]
fn an_absurd_number_of_hours_is_a_field_error_not_an_overflow() {
    let mut s = common::store();
    let good = event("2027-03-09");
    common::assert_refused(
        [
            "9223372036854775807:00",
            "-9223372036854775808:00",
            "153722867280912930:59",
            "1e308",
            "25",
        ]
        .into_iter()
        .map(|h| (with(&good, |e| e.hours = Some(h.into())), "hours", ""))
        .collect(),
        |e| s.create_training_event(e),
    );
}
