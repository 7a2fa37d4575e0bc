use super::*;
use cdp_core::training::attendance::{MatchStatus, Resolution};
use cdp_core::training::participants::ParticipantInput;
use cdp_core::training::TrainingSettings;

fn person(s: &mut cdp_core::Store, name: &str, email: Option<&str>, istat: Option<&str>) -> i64 {
    s.add_training_participant(&ParticipantInput {
        full_name: name.into(),
        email: email.map(str::to_string),
        istat: istat.map(str::to_string),
        ..Default::default()
    })
    .unwrap()
    .id
}

pub const ZOOM: &str = "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n\
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
    let mut s = common::store_on("2028-01-31");
    let e = s.create_training_event(&event("2027-03-09")).unwrap(); // 10:00–13:00
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
            false,
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
    let mut s = common::store_on("2028-01-31");
    let e = s.create_training_event(&event("2027-03-09")).unwrap();
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
    let mut s = common::store_on("2028-01-31");
    let e = s
        .create_training_event(&EventInput {
            hours: Some("3".into()),
            ..event("2027-03-09")
        })
        .unwrap();
    let f = s
        .create_training_event(&EventInput {
            hours: Some("2,5".into()),
            ..event("2027-06-09")
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
    s.apply_attendance_import(e.id, &bytes, "teams.csv", &[], false)
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
    let mut s = common::store_on("2028-01-31");
    let e = s.create_training_event(&event("2027-03-09")).unwrap();
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
    let mut s = common::store_on("2028-01-31");
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
