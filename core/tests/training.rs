//! Training and meetings: events, validation, versions, series, overlaps,
//! cancellation instead of deletion, the ICS parsed by a real parser.

mod common;

use cdp_core::training::{EventInput, EventQuery, Frequency};

fn webinar(date: &str) -> EventInput {
    EventInput {
        kind: "giornata".into(),
        mode: "webinar".into(),
        title: "Il PIAO e la sezione anticorruzione".into(),
        theme_id: Some(1),
        date: date.into(),
        start_time: "10:00".into(),
        end_time: "13:00".into(),
        link: Some("https://meet.esempio.it/cdp".into()),
        speakers: Some("Dott.ssa Maria Rossi, Segretario Generale; Avv. Luca Bianchi".into()),
        level: Some("generale".into()),
        audience: vec!["dipendenti".into(), "rpct".into()],
        ..Default::default()
    }
}

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
        ..webinar("2027-03-09")
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
    let field = |s: &mut cdp_core::Store, i: EventInput| {
        s.create_training_event(&i)
            .unwrap_err()
            .field()
            .map(str::to_string)
    };
    assert_eq!(
        field(
            &mut s,
            EventInput {
                title: " ".into(),
                ..webinar("2027-03-09")
            }
        )
        .as_deref(),
        Some("title")
    );
    assert_eq!(
        field(
            &mut s,
            EventInput {
                kind: "gita".into(),
                ..webinar("2027-03-09")
            }
        )
        .as_deref(),
        Some("kind")
    );
    assert_eq!(
        field(&mut s, webinar("31/02/2027")).as_deref(),
        Some("date")
    );
    assert_eq!(
        field(
            &mut s,
            EventInput {
                start_time: "25:00".into(),
                ..webinar("2027-03-09")
            }
        )
        .as_deref(),
        Some("start_time")
    );
    let e = s
        .create_training_event(&EventInput {
            end_time: "09:00".into(),
            ..webinar("2027-03-09")
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("end_time"));
    assert!(
        e.to_string()
            .contains("successiva all'ora di inizio (10:00)"),
        "{e}"
    );
    assert_eq!(
        field(
            &mut s,
            EventInput {
                mode: "presenza".into(),
                ..webinar("2027-03-09")
            }
        )
        .as_deref(),
        Some("place")
    );
    assert_eq!(
        field(
            &mut s,
            EventInput {
                link: Some("meet".into()),
                ..webinar("2027-03-09")
            }
        )
        .as_deref(),
        Some("link")
    );
    assert_eq!(
        field(
            &mut s,
            EventInput {
                hours: Some("tre".into()),
                ..webinar("2027-03-09")
            }
        )
        .as_deref(),
        Some("hours")
    );
    assert_eq!(
        field(
            &mut s,
            EventInput {
                seats: Some("0".into()),
                ..webinar("2027-03-09")
            }
        )
        .as_deref(),
        Some("seats")
    );
    assert_eq!(
        field(
            &mut s,
            EventInput {
                kind: "incontro_zona".into(),
                ..webinar("2027-03-09")
            }
        )
        .as_deref(),
        Some("zone_id")
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
            ..webinar("")
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
    let f = s.create_training_event(&webinar("2027-03-10")).unwrap();
    assert_eq!(f.credit_minutes, 180);

    let upd = EventInput {
        title: "Il PIAO 2027".into(),
        state: "confermato".into(),
        version: Some(e.updated_at.clone()),
        ..webinar("2027-03-09")
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
    let a = s.create_training_event(&webinar("2027-03-09")).unwrap();
    assert!(a.warnings.is_empty());
    let b = s
        .create_training_event(&EventInput {
            title: "Tavolo contratti".into(),
            kind: "tavolo".into(),
            start_time: "12:00".into(),
            end_time: "14:00".into(),
            ..webinar("2027-03-09")
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
            ..webinar("2027-03-09")
        })
        .unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let list = s.training_events(&EventQuery::default()).unwrap();
    assert_eq!(list.iter().filter(|e| !e.warnings.is_empty()).count(), 2);
    // A cancelled event overlaps nothing.
    s.cancel_training_event(b.id, None).unwrap();
    assert!(s.training_event(a.id).unwrap().warnings.is_empty());
    // Holidays and Sundays are flagged.
    let h = s.create_training_event(&webinar("2027-03-29")).unwrap();
    assert!(h.warnings[0].contains("Pasquetta"));
}

#[test]
fn series_creates_real_events_that_move_one_by_one() {
    let mut s = common::store();
    let r = s
        .create_training_series(&webinar("2027-01-31"), Frequency::MonthlyDay, 6)
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
        .create_training_series(&webinar("2027-03-02"), Frequency::Fortnightly, 3)
        .unwrap();
    assert_eq!(w.events[2].date, "2027-03-30");
    let m = s
        .create_training_series(&webinar("2027-03-09"), Frequency::MonthlyWeekday, 3)
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
        s.create_training_series(&webinar("2027-03-09"), Frequency::Weekly, 61)
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
    let e = s.create_training_event(&webinar("2027-03-09")).unwrap();
    let f = s.create_training_event(&webinar("2027-03-10")).unwrap();
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
    let e = s.create_training_event(&webinar("2027-03-09")).unwrap();
    let e = s
        .update_training_event(
            e.id,
            &EventInput {
                state: "confermato".into(),
                version: Some(e.updated_at.clone()),
                ..webinar("2027-03-09")
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
    s.create_training_event(&webinar("2027-03-09")).unwrap();
    s.create_training_event(&EventInput {
        kind: "incontro_rpct".into(),
        theme_id: Some(2),
        ..webinar("2027-04-09")
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

/// Parses an ICS with python's `icalendar` and prints one line per event.
fn parse_ics(ics: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cal.ics");
    std::fs::write(&path, ics).unwrap();
    let script = r#"
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
for e in cal.walk('VEVENT'):
    print('|'.join([str(e['UID']), str(e['SEQUENCE']), e.decoded('DTSTART').isoformat(), e.decoded('DTEND').isoformat(),
        str(e.get('STATUS')), str(e.get('LOCATION')), str(e.get('URL')), str(e['DESCRIPTION']).replace('\n', '/'), str(e['SUMMARY']),
        e.decoded('DTSTAMP').isoformat()]))
"#;
    let out = std::process::Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3-icalendar installed (.ci/setup)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn ics_parsed_by_python_across_dst() {
    let mut s = common::store();
    // A title is one line (the text rule refuses a line break in it).
    let long = "Titolo lungo, con virgole; punti e virgola e uno spazio per vedere il folding delle righe oltre i 75 ottetti: àèìòù".to_string();
    // Saturday before and Sunday of the change to summer time (28/03/2027), and of the return (31/10/2027).
    let a = s
        .create_training_event(&EventInput {
            title: long.clone(),
            ..webinar("2027-03-27")
        })
        .unwrap();
    let b = s
        .create_training_event(&EventInput {
            mode: "presenza".into(),
            place: Some("Palazzo dei Leoni, Corso Cavour 87, Messina".into()),
            link: None,
            ..webinar("2027-03-29")
        })
        .unwrap();
    let c = s.create_training_event(&webinar("2027-10-30")).unwrap();
    let d = s.create_training_event(&webinar("2027-11-02")).unwrap();
    s.cancel_training_event(d.id, None).unwrap();
    s.move_training_event(c.id, "2027-10-30", "09:00", "12:00", None)
        .unwrap();
    let stamp = chrono::DateTime::parse_from_rfc3339("2027-01-15T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let ics = s.training_ics(&EventQuery::default(), stamp).unwrap();
    assert!(ics.lines().all(|l| l.len() <= 75), "lines folded");
    assert!(ics.contains("\r\n"));
    // Italian in the calendar too: a webinar without a place is «In videoconferenza».
    assert!(ics.contains("LOCATION:In videoconferenza") && !ics.contains("online"));
    let rows = parse_ics(&ics);
    assert_eq!(rows.len(), 4);
    let f: Vec<Vec<&str>> = rows.iter().map(|r| r.split('|').collect()).collect();
    assert_eq!(f[0][0], a.uid);
    assert_eq!(f[0][2], "2027-03-27T09:00:00+00:00"); // CET, UTC+1
    assert_eq!(f[0][8], long.replace("\n", " ")); // a title is one line
    assert_eq!(f[1][2], "2027-03-29T08:00:00+00:00"); // CEST, UTC+2
    assert_eq!(f[1][5], "Palazzo dei Leoni, Corso Cavour 87, Messina");
    assert_eq!(f[0][6], "https://meet.esempio.it/cdp");
    assert!(
        f[0][7].contains("Relatori: Dott.ssa Maria Rossi, Segretario Generale; Avv. Luca Bianchi"),
        "{}",
        f[0][7]
    );
    assert!(f[0][7].contains("Ore riconosciute: 3"));
    assert_eq!(
        (f[2][1], f[2][2], f[2][3]),
        (
            "1",
            "2027-10-30T07:00:00+00:00",
            "2027-10-30T10:00:00+00:00"
        )
    );
    assert_eq!(f[3][2], "2027-11-02T09:00:00+00:00"); // CET again
    assert_eq!((f[3][1], f[3][4]), ("1", "CANCELLED"));
    assert_eq!(f[0][9], "2027-01-15T10:00:00+00:00");
    assert_eq!(b.uid, f[1][0]);
    // One event alone.
    let one = s.training_event_ics(a.id, stamp).unwrap();
    assert_eq!(parse_ics(&one).len(), 1);
}

mod attendance {
    use super::*;
    use cdp_core::training::attendance::{MatchStatus, Resolution};
    use cdp_core::training::participants::ParticipantInput;
    use cdp_core::training::TrainingSettings;

    fn person(
        s: &mut cdp_core::Store,
        name: &str,
        email: Option<&str>,
        istat: Option<&str>,
    ) -> i64 {
        s.add_training_participant(&ParticipantInput {
            full_name: name.into(),
            email: email.map(str::to_string),
            istat: istat.map(str::to_string),
            ..Default::default()
        })
        .unwrap()
        .id
    }

    const ZOOM: &str = "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n\
        812 3456 7890,Il PIAO,03/09/2027 09:55:00 AM,03/09/2027 01:05:00 PM,segreteria@cittametropolitana.me.it,190,5\n\
        \n\
        Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n\
        Mario Rossi (Mario),mario.rossi@comune.esempio.it,03/09/2027 09:55:00 AM,03/09/2027 11:00:00 AM,65,No\n\
        Mario Rossi (Mario),mario.rossi@comune.esempio.it,03/09/2027 10:30:00 AM,03/09/2027 12:00:00 PM,90,No\n\
        Mario Rossi (Mario),mario.rossi@comune.esempio.it,03/09/2027 12:10:00 PM,03/09/2027 01:05:00 PM,55,No\n\
        LUCIA BIANCHÌ,,03/09/2027 10:00:00 AM,03/09/2027 11:00:00 AM,60,Yes\n\
        Giovanni Verdi,g.verdi@esterno.it,03/09/2027 10:00:00 AM,03/09/2027 01:00:00 PM,180,Yes\n\
        Anna Neri,,03/09/2027 10:00:00 AM,03/09/2027 01:00:00 PM,180,No\n";

    #[test]
    fn zoom_report_several_joins_minimum_unmatched_ambiguous() {
        let mut s = common::store();
        let e = s.create_training_event(&webinar("2027-03-09")).unwrap(); // 10:00–13:00
        let mario = person(
            &mut s,
            "Mario Rossi",
            Some("Mario.Rossi@comune.esempio.it"),
            Some("083048"),
        );
        let lucia = person(&mut s, "Lucia Bianchi", None, Some("083048"));
        person(&mut s, "Anna Neri", None, Some("083048"));
        person(&mut s, "Anna Neri", Some("anna.neri@altro.it"), None);
        let p = s.preview_attendance_import(e.id, ZOOM.as_bytes()).unwrap();
        assert_eq!(p.platform, "Zoom");
        assert_eq!((p.matched, p.unmatched, p.ambiguous), (2, 1, 1));
        let get = |name: &str| p.people.iter().find(|x| x.name == name).unwrap().clone();
        // 10:00–11:00 and 10:30–12:00 overlap: 10:00–12:00, plus 12:10–13:00 = 170 of 180 minutes.
        let m = get("Mario Rossi");
        assert_eq!(
            (m.rows, m.minutes, m.present, m.participant_id),
            (3, 170, true, Some(mario))
        );
        // Matched by name ignoring case and accents; 60 minutes of 180: under the 75% minimum.
        let l = get("LUCIA BIANCHÌ");
        assert_eq!(
            (l.status, l.participant_id, l.minutes, l.present),
            (MatchStatus::Matched, Some(lucia), 60, false)
        );
        assert_eq!(get("Giovanni Verdi").status, MatchStatus::Unmatched);
        let a = get("Anna Neri");
        assert_eq!((a.status, a.candidates.len()), (MatchStatus::Ambiguous, 2));
        // Nothing written by the dry run.
        assert_eq!(
            common::count(&s, "SELECT count(*) FROM training_attendance"),
            0
        );

        // Apply: the unmatched becomes a new participant, the ambiguous one is matched by hand.
        let anna = a.candidates[0].0;
        let r = s
            .apply_attendance_import(
                e.id,
                ZOOM.as_bytes(),
                "/tmp/zoom.csv",
                &[
                    Resolution::Create {
                        key: "g.verdi@esterno.it".into(),
                        istat: None,
                        ente: Some("Prefettura di Messina".into()),
                    },
                    Resolution::Match {
                        key: "anna neri".into(),
                        participant_id: anna,
                    },
                ],
            )
            .unwrap();
        assert_eq!((r.recorded, r.present, r.created, r.skipped), (4, 3, 1, 0));
        let sheet = s.training_attendance(e.id).unwrap();
        assert_eq!(sheet.len(), 4);
        assert!(sheet
            .iter()
            .any(|x| x.participant.full_name == "Giovanni Verdi" && x.present == Some(true)));
        // The event now has attendance: it can only be cancelled.
        let e = s.training_event(e.id).unwrap();
        assert_eq!(
            s.delete_training_event(e.id, None).unwrap_err().code(),
            "conflict"
        );
        let log = s
            .audit_log("training_event", Some(&e.id.to_string()))
            .unwrap();
        assert_eq!(log[0].action, "import_attendance");
    }

    #[test]
    fn windows_1252_with_semicolons_and_configurable_share() {
        let mut s = common::store();
        let e = s.create_training_event(&webinar("2027-03-09")).unwrap();
        let nicolo = person(&mut s, "Nicolò Carità", None, None);
        let text = "Nome;E-mail;Ora di ingresso;Ora di uscita;Durata\r\nNICOLO' CARITA;;09/03/2027 10:00;09/03/2027 12:00;120\r\nNicolò Carità;;09/03/2027 12:00;09/03/2027 12:20;20\r\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        assert!(std::str::from_utf8(&bytes).is_err(), "really Windows-1252");
        let p = s.preview_attendance_import(e.id, &bytes).unwrap();
        assert!(
            p.described_as.contains("Windows-1252") && p.described_as.contains("«;»"),
            "{}",
            p.described_as
        );
        // "NICOLO' CARITA" folds to "nicolo carita", as does "Nicolò Carità".
        assert_eq!(p.people.len(), 1, "{:?}", p.people);
        let x = &p.people[0];
        // 140 of 180 minutes: 77%, present at the default 75%…
        assert_eq!(
            (x.participant_id, x.minutes, x.share, x.present),
            (Some(nicolo), 140, 77, true)
        );
        // …not with a minimum of 80%.
        s.save_training_settings(&TrainingSettings {
            min_share: 80,
            target_hours: 40,
            sign_digitally: false,
            version: None,
        })
        .unwrap();
        let p = s.preview_attendance_import(e.id, &bytes).unwrap();
        assert_eq!((p.min_share, p.people[0].present), (80, false));
    }

    #[test]
    fn teams_utf16_in_meeting_activities_and_hours() {
        let mut s = common::store();
        let e = s
            .create_training_event(&EventInput {
                hours: Some("3".into()),
                ..webinar("2027-03-09")
            })
            .unwrap();
        let f = s
            .create_training_event(&EventInput {
                hours: Some("2,5".into()),
                ..webinar("2027-06-09")
            })
            .unwrap();
        let mario = person(
            &mut s,
            "Mario Rossi",
            Some("mario.rossi@comune.esempio.it"),
            Some("083048"),
        );
        let teams = "1. Summary\nMeeting title\tIl PIAO\nAttended participants\t1\n\n2. Participants\nName\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\nMario Rossi\t3/9/27, 10:00:00 AM\t3/9/27, 1:00:00 PM\t2h 30m\tmario.rossi@comune.esempio.it\tmario.rossi@comune.esempio.it\tAttendee\n\n3. In-Meeting Activities\nName\tJoin Time\tLeave Time\tDuration\tEmail\tRole\nMario Rossi\t3/9/27, 10:00:00 AM\t3/9/27, 11:00:00 AM\t1h\tmario.rossi@comune.esempio.it\tAttendee\nMario Rossi\t3/9/27, 11:30:00 AM\t3/9/27, 1:00:00 PM\t1h 30m\tmario.rossi@comune.esempio.it\tAttendee\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in teams.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let p = s.preview_attendance_import(e.id, &bytes).unwrap();
        assert_eq!(p.platform, "Microsoft Teams");
        assert_eq!(p.people.len(), 1);
        // The per-join table, not the summary: 10:00–11:00 and 11:30–13:00.
        assert_eq!(
            (p.people[0].rows, p.people[0].minutes, p.people[0].present),
            (2, 150, true)
        );
        s.apply_attendance_import(e.id, &bytes, "teams.csv", &[])
            .unwrap();
        s.set_training_attendance(f.id, mario, true, 150).unwrap();
        let other = person(&mut s, "Lucia Bianchi", None, Some("083048"));
        s.set_training_attendance(f.id, other, false, 20).unwrap();
        assert_eq!(
            s.set_training_attendance(f.id, other, true, 500)
                .unwrap_err()
                .field(),
            Some("minutes")
        );
        let h = s.training_hours(2027).unwrap();
        assert_eq!(h.target_hours, 40);
        let m = h.people.iter().find(|p| p.participant_id == mario).unwrap();
        assert_eq!(
            (m.events, m.minutes, m.hours.as_str(), m.below_target),
            (2, 330, "5,5", true)
        );
        let l = h.people.iter().find(|p| p.participant_id == other).unwrap();
        assert_eq!((l.events, l.minutes), (0, 0));
        assert_eq!(h.comuni.len(), 1);
        assert_eq!(
            (
                h.comuni[0].people,
                h.comuni[0].minutes,
                h.comuni[0].average.as_str(),
                h.comuni[0].below_target
            ),
            (2, 330, "2,75", 2)
        );
        // A cancelled event counts nothing; another year has nothing.
        assert_eq!(
            s.training_hours(2026)
                .unwrap()
                .people
                .iter()
                .map(|p| p.minutes)
                .sum::<i64>(),
            0
        );
        let csv = String::from_utf8(
            s.training_hours_export(2027, true, cdp_core::io::Format::Csv)
                .unwrap(),
        )
        .unwrap();
        assert!(
            csv.contains("Mario Rossi;") && csv.contains(";5,5;40;sì"),
            "{csv}"
        );
        let xlsx = s
            .training_hours_export(2027, false, cdp_core::io::Format::Xlsx)
            .unwrap();
        assert!(xlsx.starts_with(b"PK"));
    }

    #[test]
    fn webex_and_goto_reports() {
        let mut s = common::store();
        let e = s.create_training_event(&webinar("2027-03-09")).unwrap();
        person(&mut s, "Maria Rossi", Some("maria@comune.esempio.it"), None);
        let webex = "Name,Email,Date,Invited,Registered,Join Time,Leave Time,Duration,Connection Type\nMaria Rossi,maria@comune.esempio.it,03/09/2027,Yes,No,03/09/2027 10:02 AM,03/09/2027 12:50 PM,168 mins,Desktop\n";
        let p = s.preview_attendance_import(e.id, webex.as_bytes()).unwrap();
        assert_eq!(p.platform, "Webex");
        assert_eq!(
            (p.matched, p.people[0].minutes, p.people[0].present),
            (1, 168, true)
        );
        let goto = "Attendee Report\nWebinar ID,Title\n123,Il PIAO\n\nFirst Name,Last Name,Email Address,Join Time,Leave Time,Time in Session (minutes)\nMaria,Rossi,,09/03/2027 10:00,09/03/2027 10:40,40\nMaria,Rossi,,09/03/2027 10:30,09/03/2027 11:00,30\n";
        let p = s.preview_attendance_import(e.id, goto.as_bytes()).unwrap();
        assert_eq!(p.platform, "GoTo");
        // Matched by name (no e-mail in the report); 10:00–11:00 once.
        assert_eq!(
            (
                p.matched,
                p.people[0].rows,
                p.people[0].minutes,
                p.people[0].present
            ),
            (1, 2, 60, false)
        );
        // Not a report at all.
        assert_eq!(
            s.preview_attendance_import(e.id, b"a;b\n1;2\n")
                .unwrap_err()
                .field(),
            Some("file")
        );
    }

    #[test]
    fn settings_validated() {
        let mut s = common::store();
        assert_eq!(
            s.training_settings().unwrap(),
            TrainingSettings {
                min_share: 75,
                target_hours: 40,
                sign_digitally: false,
                version: None,
            }
        );
        assert_eq!(
            s.save_training_settings(&TrainingSettings {
                min_share: 0,
                target_hours: 40,
                sign_digitally: false,
                version: None,
            })
            .unwrap_err()
            .field(),
            Some("min_share")
        );
        s.save_training_settings(&TrainingSettings {
            min_share: 80,
            target_hours: 24,
            sign_digitally: false,
            version: None,
        })
        .unwrap();
        assert_eq!(s.training_settings().unwrap().target_hours, 24);
    }
}

mod attestati {
    use super::*;
    use cdp_core::training::participants::ParticipantInput;

    fn setup(n: usize) -> (cdp_core::Store, i64, Vec<i64>) {
        let mut s = common::store();
        common::training::signatory(&mut s);
        let e = s.create_training_event(&webinar("2027-03-09")).unwrap();
        let mut ids = Vec::new();
        for i in 0..n {
            let p = s
                .add_training_participant(&ParticipantInput {
                    full_name: format!("Persona {i:03}"),
                    ..Default::default()
                })
                .unwrap();
            s.set_training_attendance(e.id, p.id, i % 5 != 4, 180)
                .unwrap();
            ids.push(p.id);
        }
        (s, e.id, ids)
    }

    #[test]
    fn numbering_without_gaps_under_a_batch_reissue_annulment() {
        let (mut s, ev, ids) = setup(10);
        // One by hand first, then the batch for the others.
        let first = s.issue_event_certificate(ev, ids[0], "2027-03-10").unwrap();
        assert_eq!(first.label, "2027/0001");
        assert_eq!(first.verification.len(), 11);
        // Absent (i % 5 == 4) people get none.
        assert_eq!(
            s.issue_event_certificate(ev, ids[4], "2027-03-10")
                .unwrap_err()
                .code(),
            "conflict"
        );
        assert_eq!(
            s.issue_event_certificate(ev, ids[0], "2027-03-10")
                .unwrap_err()
                .code(),
            "conflict"
        );
        let mut calls = 0;
        let b = s
            .issue_event_certificates(ev, "2027-03-10", &mut |_, _| {
                calls += 1;
                true
            })
            .unwrap();
        assert_eq!((b.issued.len(), b.already), (7, 1));
        assert_eq!(calls, 8);
        let labels: Vec<_> = s
            .certificates(Some(2027))
            .unwrap()
            .iter()
            .rev()
            .map(|c| c.label.clone())
            .collect();
        assert_eq!(
            labels,
            (1..=8).map(|n| format!("2027/{n:04}")).collect::<Vec<_>>()
        );
        // A second batch has nothing to do.
        assert_eq!(
            s.issue_event_certificates(ev, "2027-03-10", &mut |_, _| true)
                .unwrap_err()
                .code(),
            "conflict"
        );

        // Reissue keeps the number and the code.
        let r = s.reissue_certificate(first.id, "2027-03-20").unwrap();
        assert_eq!(
            (r.label.as_str(), r.verification.as_str(), r.reissues),
            ("2027/0001", first.verification.as_str(), 1)
        );
        // Annulment is recorded, the number stays used.
        assert_eq!(
            s.annul_certificate(first.id, " ").unwrap_err().field(),
            Some("reason")
        );
        let a = s.annul_certificate(first.id, "Nome errato").unwrap();
        assert!(a.annulled_at.is_some());
        assert_eq!(
            s.reissue_certificate(first.id, "2027-03-20")
                .unwrap_err()
                .code(),
            "conflict"
        );
        let again = s.issue_event_certificate(ev, ids[0], "2027-03-11").unwrap();
        assert_eq!(again.label, "2027/0009");
        assert_eq!(
            s.verify_certificate(&again.verification.to_lowercase())
                .unwrap()
                .id,
            again.id
        );
        assert_eq!(s.certificates(None).unwrap().len(), 9);
        // A new year starts again from 1.
        let y = s
            .issue_year_certificate(ids[1], 2027, "2028-01-15")
            .unwrap();
        assert_eq!(
            (y.label.as_str(), y.kind.as_str(), y.minutes),
            ("2028/0001", "annuale", 180)
        );
        assert_eq!(
            s.issue_year_certificate(ids[1], 2027, "2028-01-15")
                .unwrap_err()
                .code(),
            "conflict"
        );
        assert_eq!(
            s.issue_year_certificate(ids[4], 2027, "2028-01-15")
                .unwrap_err()
                .code(),
            "conflict"
        );
        let log = s.audit_log("training_certificate", None).unwrap();
        assert!(
            log.iter().any(|a| a.action == "annul") && log.iter().any(|a| a.action == "reissue")
        );
    }

    #[test]
    fn a_cancelled_batch_uses_no_number() {
        let (mut s, ev, ids) = setup(6);
        let err = s
            .issue_event_certificates(ev, "2027-03-10", &mut |done, _| done < 3)
            .unwrap_err();
        assert_eq!(err.code(), "cancelled");
        assert_eq!(
            common::count(&s, "SELECT count(*) FROM training_certificate"),
            0
        );
        let c = s.issue_event_certificate(ev, ids[0], "2027-03-10").unwrap();
        assert_eq!(c.label, "2027/0001");
    }

    #[test]
    fn attestati_go_through_the_batch_writer_and_the_register() {
        use cdp_core::documents::batch::OnExisting;
        use cdp_core::job::CancelToken;
        let (mut s, ev, _) = setup(6);
        let dir = tempfile::tempdir().unwrap();
        // Cancelled while numbering: nothing issued, nothing written, nothing registered.
        let token = CancelToken::new();
        let err = s
            .issue_event_certificates_to(
                ev,
                "2027-03-10",
                dir.path(),
                OnExisting::Skip,
                &|p| {
                    if p.done == 2 {
                        token.cancel()
                    }
                },
                &token,
            )
            .unwrap_err();
        assert_eq!(err.code(), "cancelled");
        assert_eq!(
            common::count(&s, "SELECT count(*) FROM training_certificate"),
            0
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        assert!(s.documents(None).unwrap().is_empty());
        // A file already there with the name of the first attestato.
        let first_name = "Attestato_2027-0001_partecipazione_Persona_000.pdf";
        std::fs::write(dir.path().join(first_name), b"mine").unwrap();
        let seen = std::sync::Mutex::new(Vec::new());
        let out = s
            .issue_event_certificates_to(
                ev,
                "2027-03-10",
                dir.path(),
                OnExisting::Skip,
                &|p| seen.lock().unwrap().push(p),
                &CancelToken::new(),
            )
            .unwrap();
        // Five present, numbered without gaps; the file of the same name kept.
        let labels: Vec<_> = out.issued.iter().map(|c| c.label.clone()).collect();
        assert_eq!(
            labels,
            (1..=5).map(|n| format!("2027/{n:04}")).collect::<Vec<_>>()
        );
        assert_eq!(out.not_written, [first_name]);
        assert_eq!((out.report.written, out.report.skipped), (4, 1));
        assert_eq!(std::fs::read(dir.path().join(first_name)).unwrap(), b"mine");
        assert_eq!(
            seen.lock().unwrap().last().map(|p| (p.done, p.total)),
            Some((5, 5))
        );
        let docs = s.documents(None).unwrap();
        assert_eq!(docs.len(), 4);
        for d in &docs {
            assert_eq!((d.kind.as_str(), d.template_version), ("attestato", None));
            s.openable_document(std::path::Path::new(&d.path)).unwrap();
        }
        assert_eq!(
            common::count(
                &s,
                "SELECT count(*) FROM audit WHERE action = 'generate_batch'"
            ),
            1
        );
    }
}

mod documents {
    use super::*;
    use cdp_core::documents::Format;
    use cdp_core::training::documents::CalendarDoc;

    pub fn pdftotext(bytes: &[u8], args: &[&str]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.pdf");
        std::fs::write(&p, bytes).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args(args)
            .arg(&p)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils)");
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn qpdf_ok(bytes: &[u8]) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.pdf");
        std::fs::write(&p, bytes).unwrap();
        let out = std::process::Command::new("qpdf")
            .arg("--check")
            .arg(&p)
            .output()
            .expect("qpdf");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    fn sample() -> cdp_core::Store {
        let mut s = common::store();
        s.create_training_series(&webinar("2027-03-09"), Frequency::MonthlyWeekday, 3)
            .unwrap();
        // A crowded day: ten events on 17 March.
        let titles = ["Tavolo tematico sui contratti pubblici sotto soglia e il nuovo codice (d.lgs. 36/2023)", "Incontro RPCT: monitoraggio", "Privacy e trasparenza: il bilanciamento nelle pubblicazioni", "Green Public Procurement: CAM edilizia", "Modulistica unificata", "Metropoli Strategiche", "Accesso civico generalizzato", "Whistleblowing (d.lgs. 24/2023)", "Codice di comportamento", "Rotazione del personale"];
        for (i, t) in titles.iter().enumerate() {
            let kind = [
                "tavolo",
                "incontro_rpct",
                "giornata",
                "giornata",
                "giornata",
                "tavolo",
                "giornata",
                "giornata",
                "giornata",
                "giornata",
            ][i];
            s.create_training_event(&EventInput {
                title: t.to_string(),
                kind: kind.into(),
                start_time: format!("{:02}:00", 8 + i),
                end_time: format!("{:02}:30", 8 + i),
                ..webinar("2027-03-17")
            })
            .unwrap();
        }
        let z = s.zones().unwrap()[0].id;
        s.create_training_event(&EventInput {
            title: "Incontro decentrato della zona: la mappatura dei processi".into(),
            kind: "incontro_zona".into(),
            mode: "presenza".into(),
            zone_id: Some(z),
            place: Some(
                "Sala consiliare del Comune di Sant'Agata di Militello, Piazza Municipio".into(),
            ),
            link: None,
            ..webinar("2027-04-22")
        })
        .unwrap();
        let last = s
            .training_events(&EventQuery {
                from: Some("2027-05-01".into()),
                ..Default::default()
            })
            .unwrap();
        s.cancel_training_event(last[0].id, None).unwrap();
        s
    }

    /// The month grid: event text of at least 8 pt; each title cut by the
    /// width of its day (whole when it fits), never by a count of words.
    #[test]
    fn month_grid_readable_and_cut_by_width() {
        use cdp_core::documents::lines::fit_text;
        use cdp_core::documents::model::Shape;
        let s = sample();
        let events = s
            .training_events(&EventQuery {
                from: Some("2027-03-01".into()),
                to: Some("2027-03-31".into()),
                ..Default::default()
            })
            .unwrap();
        let d = cdp_core::training::documents::month_drawing(2027, 3, &events);
        let mut seen = 0;
        for sh in &d.shapes {
            if let Shape::Text {
                text, size, w, h, ..
            } = sh
            {
                let event = [" W ", " P ", " M "].iter().any(|m| text.contains(m))
                    && text.contains(':')
                    || text.contains("altri");
                if !event || text.starts_with("Legenda") {
                    continue;
                }
                seen += 1;
                assert!(*size >= 8.0, "{text}: {size} pt");
                let (lines, cut) = fit_text(text, *w, *size, false, 20);
                assert!(
                    !cut && lines.len() as f32 * size * 1.2 <= h + 1.0,
                    "{text} fits its box"
                );
            }
        }
        assert!(seen >= 8, "{seen}");
        let texts: Vec<String> = d
            .shapes
            .iter()
            .filter_map(|sh| match sh {
                Shape::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect();
        // A quiet day shows the whole title.
        assert!(
            texts
                .iter()
                .any(|t| t == "● 10:00 W Il PIAO e la sezione anticorruzione"),
            "{texts:?}"
        );
    }

    #[test]
    fn calendar_programme_docx_and_year() {
        let s = sample();
        let q = EventQuery::default();
        let out = std::env::var("TRAINING_DOCS_DIR").ok();
        let (cal, name) = s
            .training_document(
                CalendarDoc::Calendar,
                Format::Pdf,
                &q,
                "01/03/2027",
                "31/05/2027",
            )
            .unwrap();
        assert_eq!(name, "Calendario_formazione_2027-03-01_2027-05-31.pdf");
        qpdf_ok(&cal);
        let text = pdftotext(&cal, &["-layout"]);
        assert!(text.contains("Calendario della formazione – Marzo 2027"));
        assert!(text.contains("Aprile 2027") && text.contains("Maggio 2027"));
        assert!(
            text.contains("Città Metropolitana di Messina")
                && text.contains("Comunità di Pratiche")
        );
        assert!(
            text.contains("+") && text.contains("altri"),
            "a crowded day says how many more"
        );
        assert!(text.contains("Pasquetta"));
        assert!(text.contains("Programma formativo"));
        assert!(text.contains("ANNULLATO"));
        for t in [
            "Il PIAO e la sezione anticorruzione",
            "Incontro decentrato della zona",
        ] {
            assert!(
                text.replace('\n', " ").contains(t) || text.contains(&t[..20]),
                "{t}"
            );
        }
        // Every event of the period: in the grid its time, mode letter and the
        // start of its title (cut with "…" to fit its day), in the list its whole title.
        let flat_cal = pdftotext(&cal, &["-raw"])
            .replace("-\n", "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let all = s
            .training_events(&EventQuery {
                from: Some("2027-03-01".into()),
                to: Some("2027-05-31".into()),
                ..Default::default()
            })
            .unwrap();
        let crowded = all.iter().filter(|e| e.date == "2027-03-17").count();
        for e in &all {
            let first: String = e.title.split_whitespace().next().unwrap().into();
            let cue = format!(
                "{} {} {first}",
                e.start_time,
                if e.mode == "webinar" { "W" } else { "P" }
            );
            if e.date != "2027-03-17" || e.start_time.as_str() < "14:00" {
                assert!(flat_cal.contains(&cue), "{cue} in the grid");
            }
            assert!(flat_cal.contains(&e.title), "{} in the list", e.title);
        }
        assert!(
            flat_cal.contains(&format!("+{} altri", crowded - 6)),
            "the crowded day: 6 shown at 8 pt"
        );
        let (prog, _) = s
            .training_document(
                CalendarDoc::Programme,
                Format::Pdf,
                &q,
                "01/03/2027",
                "31/05/2027",
            )
            .unwrap();
        qpdf_ok(&prog);
        if let Some(dir) = &out {
            std::fs::write(format!("{dir}/calendario.pdf"), &cal).unwrap();
            std::fs::write(format!("{dir}/programma.pdf"), &prog).unwrap();
        }
        let ptext = pdftotext(&prog, &[])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(ptext.contains("Data e orario") && ptext.contains("Relatori"));
        assert!(ptext.contains("martedì 9 marzo 2027"), "{ptext}");
        // The list has no shading: its legend does not speak of grey days
        // (the grids' legends do).
        assert!(
            ptext.contains("Legenda") && !ptext.contains("in grigio"),
            "{ptext}"
        );
        assert!(flat_cal.contains("giorni festivi e domeniche in grigio"));
        // Columns wide enough: names, kinds and links unbroken (the raw
        // text keeps the hyphens of broken words).
        let raw = pdftotext(&prog, &["-raw"])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for whole in [
            "Luogo o collegamento",
            "● Giornata formativa",
            "https://meet.esempio.it/cdp",
            "Dott.ssa Maria Rossi, Segretario Generale; Avv. Luca Bianchi",
        ] {
            assert!(raw.contains(whole), "{whole} unbroken: {raw}");
        }
        let (docx, dname) = s
            .training_document(
                CalendarDoc::Programme,
                Format::Docx,
                &q,
                "01/03/2027",
                "31/05/2027",
            )
            .unwrap();
        assert!(dname.ends_with(".docx") && docx.starts_with(b"PK"));
        {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("p.docx");
            std::fs::write(&p, &docx).unwrap();
            let out = std::process::Command::new("/usr/bin/python3")
                .arg("-c")
                .arg("import sys, docx\nd = docx.Document(sys.argv[1])\nt = d.tables[0]\nprint(' | '.join(c.text for c in t.rows[0].cells))\nprint(len(t.rows))\nprint('\\n'.join(c.text for r in t.rows for c in r.cells))")
                .arg(&p)
                .output()
                .expect("python3-docx installed");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(text.starts_with("Data e orario | Titolo e area tematica | Tipo e modalità | Luogo o collegamento | Relatori | Ore"), "{text}");
            assert!(
                text.contains("Il PIAO e la sezione anticorruzione") && text.contains("Marzo 2027"),
                "{text}"
            );
        }
        let (year, _) = s
            .training_document(
                CalendarDoc::Year,
                Format::Pdf,
                &q,
                "01/03/2027",
                "31/05/2027",
            )
            .unwrap();
        qpdf_ok(&year);
        if let Some(dir) = &out {
            std::fs::write(format!("{dir}/anno.pdf"), &year).unwrap();
        }
        let ytext = pdftotext(&year, &[]);
        assert!(ytext.contains("Quadro annuale della formazione 2027"));
        assert!(ytext.contains("Marzo – 11 eventi"), "{ytext}");
        assert_eq!(
            s.training_document(
                CalendarDoc::Calendar,
                Format::Pdf,
                &q,
                "31/05/2027",
                "01/03/2027"
            )
            .unwrap_err()
            .field(),
            Some("to")
        );
        if let Some(dir) = out {
            std::fs::write(format!("{dir}/calendario.pdf"), &cal).unwrap();
            std::fs::write(format!("{dir}/programma.pdf"), &prog).unwrap();
            std::fs::write(format!("{dir}/programma.docx"), &docx).unwrap();
            std::fs::write(format!("{dir}/anno.pdf"), &year).unwrap();
        }
    }
}

mod attestati_pdf {
    use super::*;
    use cdp_core::training::participants::ParticipantInput;

    #[test]
    fn batch_renders_numbers_and_codes_reissue_and_year() {
        let mut s = common::store();
        common::training::signatory(&mut s);
        let e = s
            .create_training_event(&EventInput {
                place: Some("Palazzo dei Leoni, Corso Cavour 87, Messina".into()),
                mode: "mista".into(),
                ..webinar("2027-03-09")
            })
            .unwrap();
        let mut ids = Vec::new();
        for (i, n) in [
            "Maria Concetta Lo Presti Scaffidi",
            "Nicolò D'Agostino",
            "Anna Neri",
        ]
        .iter()
        .enumerate()
        {
            let p = s
                .add_training_participant(&ParticipantInput {
                    full_name: n.to_string(),
                    istat: Some("083048".into()),
                    ..Default::default()
                })
                .unwrap();
            s.set_training_attendance(e.id, p.id, i != 2, 180).unwrap();
            ids.push(p.id);
        }
        // Cancelled: nothing numbered.
        assert_eq!(
            s.issue_event_certificates_pdf(e.id, "2027-03-10", &mut |d, _| d < 1)
                .unwrap_err()
                .code(),
            "cancelled"
        );
        assert_eq!(
            common::count(&s, "SELECT count(*) FROM training_certificate"),
            0
        );
        let out = s
            .issue_event_certificates_pdf(e.id, "2027-03-10", &mut |_, _| true)
            .unwrap();
        assert_eq!(out.len(), 2);
        let dir = std::env::var("TRAINING_DOCS_DIR").ok();
        for (c, bytes, name) in &out {
            assert!(
                name.starts_with(&format!("Attestato_2027-{:04}_partecipazione_", c.number)),
                "{name}"
            );
            let t = super::documents::pdftotext(bytes, &[])
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert!(t.contains("ATTESTATO DI PARTECIPAZIONE"));
            assert!(t.contains(&format!("n. {}", c.label)));
            assert!(t.contains(&c.verification), "{t}");
            assert!(t.contains(&c.participant));
            assert!(t.contains("3 ore"));
            assert!(t.contains("martedì 9 marzo 2027"));
            super::documents::qpdf_ok(bytes);
            if let Some(d) = &dir {
                std::fs::write(format!("{d}/{name}"), bytes).unwrap();
            }
        }
        assert_eq!(
            s.reissue_certificate(out[0].0.id, "2027-03-01")
                .unwrap_err()
                .code(),
            "conflict"
        );
        let r = s.reissue_certificate(out[0].0.id, "2027-04-02").unwrap();
        let (again, _) = s.certificate_pdf(r.id).unwrap();
        let t = super::documents::pdftotext(&again, &[])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            t.contains("Ristampa del 02/04/2027") && t.contains(&out[0].0.verification),
            "{t}"
        );
        // The copy keeps the original's issue date.
        assert!(t.contains("Messina, 10 marzo 2027"), "{t}");
        let y = s
            .issue_year_certificate(ids[0], 2027, "2028-01-10")
            .unwrap();
        let (ybytes, yname) = s.certificate_pdf(y.id).unwrap();
        assert!(yname.contains("riepilogo_2027"));
        let t = super::documents::pdftotext(&ybytes, &[])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            t.contains("Attestato riepilogativo della formazione – anno 2027")
                && t.contains("2028/0001"),
            "{t}"
        );
        if let Some(d) = &dir {
            std::fs::write(format!("{d}/{yname}"), &ybytes).unwrap();
        }
        s.annul_certificate(y.id, "errore").unwrap();
        assert_eq!(s.certificate_pdf(y.id).unwrap_err().code(), "conflict");
    }

    fn flat(bytes: &[u8]) -> String {
        super::documents::pdftotext(bytes, &[])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The signatory's title and name from the settings, no autograph line,
    /// the printed name in place of the signature (art. 3, comma 2, D.Lgs.
    /// 39/1993), where the code is checked, the number once; the yearly
    /// summary with a «Livello» column.
    #[test]
    fn signature_verification_and_level() {
        let mut s = common::store();
        let mut st = s.settings().unwrap();
        st.signatory_name = "Dott.ssa Giuseppa Carnabuci".into();
        st.signatory_title = "Il Segretario Generale".into();
        st.secretariat_pec = "protocollo@pec.prov.me.it".into();
        s.save_settings(&st).unwrap();
        let e = s.create_training_event(&webinar("2027-03-09")).unwrap();
        let p = s
            .add_training_participant(&ParticipantInput {
                full_name: "Anna Neri".into(),
                ..Default::default()
            })
            .unwrap();
        s.set_training_attendance(e.id, p.id, true, 180).unwrap();
        let c = s.issue_event_certificate(e.id, p.id, "2027-03-10").unwrap();
        let y = s.issue_year_certificate(p.id, 2027, "2028-01-10").unwrap();
        for (id, label) in [(c.id, &c.label), (y.id, &y.label)] {
            let t = flat(&s.certificate_pdf(id).unwrap().0);
            assert!(
                t.contains("Il Segretario Generale") && t.contains("Dott.ssa Giuseppa Carnabuci"),
                "{t}"
            );
            assert!(
                t.contains("Firma autografa sostituita a mezzo stampa") && !t.contains("……"),
                "{t}"
            );
            assert!(t.contains("presso la Segreteria Generale della Città Metropolitana di Messina (PEC protocollo@pec.prov.me.it)"), "{t}");
            assert_eq!(t.matches(label.as_str()).count(), 1, "{t}");
        }
        let t = super::documents::pdftotext(&s.certificate_pdf(y.id).unwrap().0, &["-layout"]);
        assert!(t.contains("Livello") && t.contains("Generale"), "{t}");
        // The date on the left, the signatory on the right of the same line.
        let line = t
            .lines()
            .find(|l| l.contains("Messina, 10 gennaio 2028"))
            .unwrap();
        assert!(line.contains("Il Segretario Generale"), "{t}");
        assert!(!t.lines().any(|l| l.trim() == "Messina,"), "{t}");
    }

    /// «alla giornata formativa … svoltasi», «all'incontro … svoltosi».
    #[test]
    fn participle_agrees_with_the_kind() {
        let mut s = common::store();
        common::training::signatory(&mut s);
        let p = s
            .add_training_participant(&ParticipantInput {
                full_name: "Anna Neri".into(),
                ..Default::default()
            })
            .unwrap();
        for (kind, mode, want) in [
            (
                "giornata",
                "presenza",
                "alla giornata formativa «Il PIAO e la sezione anticorruzione» della Comunità di Pratiche, svoltasi in presenza",
            ),
            (
                "incontro_rpct",
                "webinar",
                "trasparenza «Il PIAO e la sezione anticorruzione» della Comunità di Pratiche, svoltosi in modalità webinar",
            ),
            (
                "tavolo",
                "mista",
                "al tavolo tematico «Il PIAO e la sezione anticorruzione» della Comunità di Pratiche, svoltosi in modalità mista",
            ),
        ] {
            let e = s
                .create_training_event(&EventInput {
                    kind: kind.into(),
                    mode: mode.into(),
                    place: (mode != "webinar").then(|| "Palazzo dei Leoni".into()),
                    ..webinar("2027-03-09")
                })
                .unwrap();
            s.set_training_attendance(e.id, p.id, true, 180).unwrap();
            let c = s.issue_event_certificate(e.id, p.id, "2027-03-09").unwrap();
            let t = flat(&s.certificate_pdf(c.id).unwrap().0);
            assert!(t.contains(want), "{kind}: {t}");
            assert!(
                !t.contains("sezione anticorruzione» della Comunità di Pratiche, svoltosi in presenza"),
                "{t}"
            );
        }
    }

    /// The date printed is the issue date received (stored in the register),
    /// never the wall clock; no attestato before the event, no summary of a
    /// year not yet over; the number's year is the issue date's.
    #[test]
    fn issue_date_printed_and_checked() {
        let mut s = common::store();
        common::training::signatory(&mut s);
        let e = s.create_training_event(&webinar("2027-03-09")).unwrap();
        let p = s
            .add_training_participant(&ParticipantInput {
                full_name: "Anna Neri".into(),
                ..Default::default()
            })
            .unwrap();
        s.set_training_attendance(e.id, p.id, true, 180).unwrap();
        let err = s
            .issue_event_certificate(e.id, p.id, "2027-03-08")
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(
            err.to_string()
                .contains("prima che l'evento si sia concluso"),
            "{err}"
        );
        let err = s
            .issue_event_certificates_pdf(e.id, "2026-11-30", &mut |_, _| true)
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert_eq!(
            common::count(&s, "SELECT count(*) FROM training_certificate"),
            0
        );
        let c = s.issue_event_certificate(e.id, p.id, "2027-03-12").unwrap();
        assert_eq!(c.label, "2027/0001");
        assert_eq!(c.issued_at, "2027-03-12");
        let t = flat(&s.certificate_pdf(c.id).unwrap().0);
        assert!(t.contains("Messina, 12 marzo 2027"), "{t}");
        // The level is the network's, not the law's (issue 20).
        assert!(
            t.contains("formazione di livello generale,") && !t.contains("190"),
            "{t}"
        );
        let err = s
            .issue_year_certificate(p.id, 2027, "2027-12-31")
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(err.to_string().contains("non è ancora concluso"), "{err}");
        let y = s.issue_year_certificate(p.id, 2027, "2028-01-02").unwrap();
        assert_eq!(y.label, "2028/0001");
        let t = flat(&s.certificate_pdf(y.id).unwrap().0);
        assert!(t.contains("2 gennaio 2028"), "{t}");
        assert!(
            t.contains("utili ai fini dell'obbligo formativo secondo la programmazione dell'ente di appartenenza") && !t.contains("190"),
            "{t}"
        );
    }
}

mod survey {
    use super::*;
    use cdp_core::training::survey::{NeedInput, SurveyInput};

    fn scheda(istat: &str, needs: &[(i64, i64, &str)]) -> SurveyInput {
        SurveyInput {
            istat: istat.into(),
            year: 2027,
            preferred_mode: Some("webinar".into()),
            notes: Some("Interesse per il nuovo codice dei contratti".into()),
            needs: needs
                .iter()
                .map(|(t, p, s)| NeedInput {
                    theme_id: *t,
                    priority: Some(*p),
                    staff: Some(s.to_string()),
                })
                .collect(),
            version: None,
        }
    }

    #[test]
    fn schede_ranking_and_pdfs() {
        let mut s = common::store();
        let a = s
            .save_training_survey(&scheda("083048", &[(1, 5, "10"), (2, 3, "4")]))
            .unwrap();
        assert_eq!(a.needs.len(), 2);
        s.save_training_survey(&scheda("083001", &[(2, 5, "20"), (4, 2, "")]))
            .unwrap();
        // Field errors; a stale correction refused.
        assert_eq!(
            s.save_training_survey(&scheda("083048", &[(1, 6, "1")]))
                .unwrap_err()
                .field(),
            Some("priority-1")
        );
        assert_eq!(
            s.save_training_survey(&scheda("083048", &[(1, 3, "molti")]))
                .unwrap_err()
                .field(),
            Some("staff-1")
        );
        let stale = SurveyInput {
            version: Some("2000-01-01T00:00:00.000Z".into()),
            ..scheda("083048", &[(1, 4, "10")])
        };
        assert_eq!(
            s.save_training_survey(&stale).unwrap_err().code(),
            "conflict"
        );
        let ok = SurveyInput {
            version: Some(a.updated_at.clone()),
            ..scheda("083048", &[(1, 4, "10"), (2, 3, "4")])
        };
        s.save_training_survey(&ok).unwrap();
        let r = s.training_survey_ranking(2027).unwrap();
        assert_eq!(r.surveys, 2);
        // Contratti: 3×4 + 5×20 = 112; Anticorruzione: 4×10 = 40; Privacy: 2×1 = 2.
        assert_eq!(
            (
                r.rows[0].theme.as_str(),
                r.rows[0].score,
                r.rows[0].comuni,
                r.rows[0].staff
            ),
            ("Contratti", 112, 2, 24)
        );
        assert_eq!(
            (r.rows[1].theme.as_str(), r.rows[1].score),
            ("Anticorruzione e Trasparenza", 40)
        );
        assert_eq!((r.rows[2].theme.as_str(), r.rows[2].score), ("Privacy", 2));
        assert_eq!(r.modes[0], ("Webinar".to_string(), 2));
        // A theme in a scheda cannot be deleted.
        assert_eq!(s.delete_training_theme(4).unwrap_err().code(), "conflict");
        let form = s.training_survey_form_pdf(2027).unwrap();
        super::documents::qpdf_ok(&form);
        let t = super::documents::pdftotext(&form, &[]);
        assert!(
            t.contains("Scheda di rilevazione dei fabbisogni formativi")
                && t.contains("Green Public Procurement")
        );
        let flat_form = t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat_form
                .contains("art. 1, commi 8 e 10, lett. c), della legge 6 novembre 2012, n. 190")
                && !flat_form.contains("8 e 11"),
            "{flat_form}"
        );
        // The informativa (art. 13 GDPR), without an invented DPO contact.
        for want in [
            "Informativa sul trattamento dei dati personali (art. 13 del Regolamento (UE) 2016/679)",
            "Titolare del trattamento è la Città Metropolitana di Messina",
            "rilevazione dei fabbisogni formativi della Comunità di Pratiche",
            "art. 6, par. 1, lett. e)",
            "artt. 15–22",
            "I dati di contatto del Responsabile della protezione dei dati sono pubblicati sul sito istituzionale dell'Ente",
        ] {
            assert!(flat_form.contains(want), "{want}: {flat_form}");
        }
        // A theme marked without staff: «n.i.», never a bare 0 beside a score.
        let privacy = r.rows.iter().find(|x| x.theme == "Privacy").unwrap();
        assert_eq!(
            (privacy.staff, privacy.unstated, privacy.staff_text.as_str()),
            (0, 1, "n.i.")
        );
        assert_eq!(r.rows[0].staff_text, "24");
        let comuni = common::count(&s, "SELECT count(*) FROM comune");
        assert_eq!(r.comuni_total, comuni);
        assert_eq!(r.replied.len(), 2);
        let rep = s.training_survey_report_pdf(2027).unwrap();
        super::documents::qpdf_ok(&rep);
        let t = super::documents::pdftotext(&rep, &[]);
        assert!(t.contains("Contratti") && t.contains("112"));
        let flat_rep = t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat_rep.contains(&format!("Schede pervenute: 2 su {comuni}")),
            "{flat_rep}"
        );
        assert!(
            flat_rep.contains("Comuni che hanno restituito la scheda: "),
            "{flat_rep}"
        );
        for name in &r.replied {
            assert!(flat_rep.contains(name.as_str()), "{name}");
        }
        assert!(flat_rep.contains("Priorità media ponderata"), "{flat_rep}");
        assert!(flat_rep.contains("Privacy 1 n.i. 2,0 2"), "{flat_rep}");
        assert!(
            flat_rep.contains("n.i.: personale non indicato"),
            "{flat_rep}"
        );
        if let Ok(d) = std::env::var("TRAINING_DOCS_DIR") {
            std::fs::write(format!("{d}/scheda.pdf"), &form).unwrap();
            std::fs::write(format!("{d}/fabbisogni.pdf"), &rep).unwrap();
        }
    }
}

#[test]
fn an_absurd_number_of_hours_is_a_field_error_not_an_overflow() {
    let mut s = common::store();
    for hours in [
        "9223372036854775807:00",
        "-9223372036854775808:00",
        "153722867280912930:59",
        "1e308",
        "25",
    ] {
        let err = s
            .create_training_event(&EventInput {
                hours: Some(hours.into()),
                ..webinar("2027-03-09")
            })
            .unwrap_err();
        assert_eq!(err.field(), Some("hours"), "{hours}: {err}");
    }
}

#[test]
fn a_raw_carriage_return_never_ends_an_ics_property() {
    let mut s = common::store();
    s.create_training_event(&EventInput {
        title: "Primo rigo, secondo rigo".into(),
        mode: "presenza".into(),
        place: Some("Palazzo dei Leoni\r\nMessina".into()),
        link: None,
        speakers: Some("Maria Rossi\rLuca Bianchi".into()),
        ..webinar("2027-03-09")
    })
    .unwrap();
    let ics = s
        .training_ics(&EventQuery::default(), chrono::Utc::now())
        .unwrap();
    let bytes = ics.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "a raw CR in: {ics}");
        }
    }
    assert!(
        ics.contains("Relatori: Maria Rossi\\nLuca Bianchi"),
        "{ics}"
    );
    assert!(ics.contains("Palazzo dei Leoni\\nMessina"), "{ics}");
}
