//! Attendance reports as the platforms export them (the files of
//! `core/tests/fixtures/reports/`, written by its `make.py`): every person
//! of any section of a Microsoft Teams report in the dry run, the minutes
//! of the activity section where it has them and of the participants'
//! otherwise, the disagreement said per person; platform and locale named;
//! Zoom's original names and e-mails used for matching; Webex and GoTo; a
//! report of another day refused, one more than an hour off confirmed.

use super::*;
use cdp_core::training::attendance::{AttendancePreview, MatchStatus, Resolution};
use cdp_core::training::participants::ParticipantInput;

const TEAMS_IT_PARTIAL: &[u8] = include_bytes!("../fixtures/reports/teams_it_parziale.csv");
const TEAMS_IT_COMPLETE: &[u8] = include_bytes!("../fixtures/reports/teams_it_completo.csv");
const TEAMS_EN_PARTIAL: &[u8] = include_bytes!("../fixtures/reports/teams_en_parziale.csv");
const TEAMS_EN_COMPLETE: &[u8] = include_bytes!("../fixtures/reports/teams_en_completo.csv");
const ZOOM: &[u8] = include_bytes!("../fixtures/reports/zoom_nomi_originali.csv");
const WEBEX: &[u8] = include_bytes!("../fixtures/reports/webex_presenze.csv");
const GOTO: &[u8] = include_bytes!("../fixtures/reports/goto_presenze.csv");

fn add(s: &mut cdp_core::Store, name: &str, email: Option<&str>) -> i64 {
    s.add_training_participant(&ParticipantInput {
        full_name: name.into(),
        email: email.map(str::to_string),
        ..Default::default()
    })
    .unwrap()
    .id
}

/// The webinar of 9 March 2027, 10:00–13:00, and its registered people.
fn webinar(date: &str) -> (cdp_core::Store, i64) {
    let mut s = common::store_on("2027-12-31");
    let e = s.create_training_event(&event(date)).unwrap();
    add(&mut s, "Anna Rossi", Some("anna.rossi@comune.ali.me.it"));
    add(&mut s, "Carmelo Crisafulli", None);
    add(&mut s, "Nicolò D'Amico", None);
    add(&mut s, "Lucia Maria Pagano", None);
    (s, e.id)
}

fn who<'a>(
    p: &'a AttendancePreview,
    name: &str,
) -> &'a cdp_core::training::attendance::ReportPerson {
    p.people
        .iter()
        .find(|x| x.name == name)
        .unwrap_or_else(|| panic!("{name} not in {:?}", p.people))
}

#[test]
fn teams_every_person_of_every_section() {
    for (bytes, source, act, par) in [
        (
            TEAMS_IT_PARTIAL,
            "Microsoft Teams, italiano",
            "Attività durante la riunione",
            "Partecipanti",
        ),
        (
            TEAMS_EN_PARTIAL,
            "Microsoft Teams, inglese",
            "In-Meeting Activities",
            "Participants",
        ),
    ] {
        let (s, ev) = webinar("2027-03-09");
        let p = s.preview_attendance_import(ev, bytes).unwrap();
        assert_eq!(p.source, source);
        assert!(
            p.described_as.contains("UTF-16") && p.described_as.contains("tabulazione"),
            "{}",
            p.described_as
        );
        assert_eq!(p.report_date.as_deref(), Some("2027-03-09"));
        assert_eq!(p.report_start.as_deref(), Some("09:58"));
        assert_eq!(p.time_warning, None);
        // Five in the participants' section, two in the activities': all five here.
        let sections: Vec<(&str, usize)> = p
            .sections
            .iter()
            .map(|x| (x.title.as_str(), x.people))
            .collect();
        assert_eq!(sections, vec![(par, 5), (act, 2)]);
        assert_eq!(p.people.len(), 5, "{:?}", p.people);
        // The activity section has one join of Anna Rossi, the participants'
        // her whole time: the activity's minutes, and the difference said.
        let anna = who(&p, "Dott.ssa Anna Rossi");
        assert_eq!((anna.minutes, anna.status), (60, MatchStatus::Matched));
        assert_eq!(
            anna.disagreement.as_deref(),
            Some(
                format!("«{act}»: 60 minuti; «{par}»: 150 minuti. Contati i minuti di «{act}».")
                    .as_str()
            )
        );
        // Not in the activity section: the participants' minutes, said.
        let carmelo = who(&p, "Crisafulli Carmelo");
        assert_eq!(
            (carmelo.minutes, carmelo.status),
            (177, MatchStatus::Matched)
        );
        assert_eq!(
            carmelo.disagreement.as_deref(),
            Some(format!("Non compare in «{act}»: contati i minuti di «{par}».").as_str())
        );
        // «(Esterno)» is the platform's mark, not a name; the apostrophe folded.
        let nicolo = who(&p, "Nicolò D'Amico");
        assert_eq!((nicolo.minutes, nicolo.status), (155, MatchStatus::Matched));
        // A middle name more: probably the same person, for the user to confirm.
        let lucia = who(&p, "Lucia Pagano");
        assert_eq!((lucia.minutes, lucia.status), (50, MatchStatus::Probable));
        assert_eq!(lucia.candidates.len(), 1);
        assert!(lucia.candidates[0].1.starts_with("Lucia Maria Pagano"));
        assert_eq!(
            who(&p, "Segreteria Generale").status,
            MatchStatus::Unmatched
        );
        assert_eq!((p.matched, p.unmatched, p.probable), (3, 1, 1));
    }
}

#[test]
fn teams_complete_sections_agree() {
    for bytes in [TEAMS_IT_COMPLETE, TEAMS_EN_COMPLETE] {
        let (s, ev) = webinar("2027-03-09");
        let p = s.preview_attendance_import(ev, bytes).unwrap();
        assert_eq!(p.platform, "Microsoft Teams");
        assert_eq!(p.people.len(), 5);
        assert!(
            p.people.iter().all(|x| x.disagreement.is_none()),
            "{:?}",
            p.people
        );
        let anna = who(&p, "Dott.ssa Anna Rossi");
        // Two joins: 10:00–11:00 and 11:30–13:00.
        assert_eq!((anna.rows, anna.minutes, anna.present), (2, 150, true));
    }
}

#[test]
fn a_report_of_another_day_is_refused_with_both_dates() {
    for bytes in [TEAMS_IT_PARTIAL, TEAMS_EN_COMPLETE, ZOOM, WEBEX, GOTO] {
        let (mut s, ev) = webinar("2027-03-10");
        let e = s.preview_attendance_import(ev, bytes).unwrap_err();
        assert_eq!((e.code(), e.field()), ("validation", Some("file")));
        assert!(
            e.to_string()
                .contains("del 09/03/2027, ma l'evento è del 10/03/2027"),
            "{e}"
        );
        let before = common::dump_all(s.connection());
        assert!(s
            .apply_attendance_import(ev, bytes, "r.csv", &[], true)
            .is_err());
        assert_eq!(common::dump_all(s.connection()), before);
    }
}

#[test]
fn a_report_hours_off_must_be_confirmed() {
    let mut s = common::store_on("2027-12-31");
    let e = s
        .create_training_event(&EventInput {
            start_time: "15:00".into(),
            end_time: "18:00".into(),
            ..event("2027-03-09")
        })
        .unwrap();
    add(&mut s, "Anna Rossi", Some("anna.rossi@comune.ali.me.it"));
    let p = s
        .preview_attendance_import(e.id, TEAMS_IT_COMPLETE)
        .unwrap();
    let w = p.time_warning.clone().unwrap();
    assert!(w.contains("alle 09:58, l'evento alle 15:00"), "{w}");
    let err = s
        .apply_attendance_import(e.id, TEAMS_IT_COMPLETE, "r.csv", &[], false)
        .unwrap_err();
    assert_eq!((err.field(), err.to_string()), (Some("confirm_time"), w));
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM training_attendance"),
        0
    );
    let r = s
        .apply_attendance_import(e.id, TEAMS_IT_COMPLETE, "r.csv", &[], true)
        .unwrap();
    assert_eq!((r.recorded, r.present), (1, 0));
}

#[test]
fn zoom_original_names_and_emails() {
    let mut s = common::store_on("2027-12-31");
    let ev = s.create_training_event(&event("2027-03-09")).unwrap().id;
    let anna = add(&mut s, "Anna Rossì", None);
    let carmelo = add(&mut s, "Carmelo Crisafulli", Some("carmelo@altro.it"));
    let seg = add(
        &mut s,
        "Segreteria",
        Some("segreteria@cittametropolitana.me.it"),
    );
    let p = s.preview_attendance_import(ev, ZOOM).unwrap();
    assert_eq!(p.source, "Zoom, inglese");
    assert_eq!(p.report_start.as_deref(), Some("09:55"));
    assert_eq!(p.people.len(), 4);
    // Display name «Rossi Anna», surname first and without the accent; her
    // original name «Anna Rossì»: the same person. Two joins overlapping.
    let a = who(&p, "Rossi Anna");
    assert_eq!(
        (a.participant_id, a.rows, a.minutes, a.other_names.clone()),
        (Some(anna), 2, 180, vec!["Anna Rossì".to_string()])
    );
    // The display name alone says nothing; the original name matches.
    let c = who(&p, "Carmelo");
    assert_eq!((c.participant_id, c.minutes), (Some(carmelo), 176));
    assert_eq!(who(&p, "Segreteria Generale").participant_id, Some(seg));
    assert_eq!(who(&p, "iPhone di Lucia").status, MatchStatus::Unmatched);
}

#[test]
fn webex_and_goto_as_exported() {
    let (s, ev) = webinar("2027-03-09");
    let p = s.preview_attendance_import(ev, WEBEX).unwrap();
    assert_eq!(p.source, "Webex, inglese");
    assert_eq!(p.report_date.as_deref(), Some("2027-03-09"));
    assert_eq!(who(&p, "Anna Rossi").minutes, 174);
    assert_eq!(who(&p, "Carmelo Crisafulli").minutes, 175);
    assert_eq!(p.matched, 2);

    let p = s.preview_attendance_import(ev, GOTO).unwrap();
    assert_eq!(p.source, "GoTo, inglese");
    assert_eq!(p.report_start.as_deref(), Some("09:58"));
    let a = who(&p, "Anna Rossi");
    assert_eq!(
        (a.rows, a.minutes, a.participant_id.is_some()),
        (2, 160, true)
    );
    // Registered, not come: listed with no minutes, and said.
    let l = who(&p, "Lucia Pagano");
    assert_eq!((l.minutes, l.status), (0, MatchStatus::Probable));
    assert!(
        p.skipped
            .iter()
            .any(|x| x.contains("Lucia Pagano senza orari")),
        "{:?}",
        p.skipped
    );
}

#[test]
fn a_probable_person_confirmed_by_hand() {
    let (mut s, ev) = webinar("2027-03-09");
    let p = s.preview_attendance_import(ev, TEAMS_IT_COMPLETE).unwrap();
    let lucia = who(&p, "Lucia Pagano").clone();
    let r = s
        .apply_attendance_import(
            ev,
            TEAMS_IT_COMPLETE,
            "teams.csv",
            &[
                Resolution::Match {
                    key: lucia.key.clone(),
                    participant_id: lucia.candidates[0].0,
                },
                Resolution::Skip {
                    key: who(&p, "Segreteria Generale").key.clone(),
                },
            ],
            false,
        )
        .unwrap();
    assert_eq!((r.recorded, r.skipped), (4, 1));
    let sheet = s.training_attendance(ev).unwrap();
    let l = sheet
        .iter()
        .find(|x| x.participant.full_name == "Lucia Maria Pagano")
        .unwrap();
    assert_eq!(
        (l.present, l.minutes, l.source.as_deref()),
        (Some(false), 50, Some("Microsoft Teams, italiano"))
    );
}
