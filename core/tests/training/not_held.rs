//! Attendance and attestati are recorded from the day of the event on: the
//! day before (by the store's clock) every way in is refused with
//! `event_not_held`, naming the event's date; the day itself and after, they
//! are taken.

use super::*;
use cdp_core::training::participants::ParticipantInput;
use cdp_core::Store;

const REFUSED: &str = "L'evento non si è ancora svolto: presenze e attestati si registrano dal giorno dell'evento (09/03/2027).";

/// A store on `today` with the attestati's signatory, the webinar of 9
/// March 2027 and one participant.
fn on(today: &str) -> (Store, i64, i64) {
    let mut s = common::store_on(today);
    common::training::signatory(&mut s);
    let e = s.create_training_event(&event("2027-03-09")).unwrap();
    let p = s
        .add_training_participant(&ParticipantInput {
            full_name: "Anna Neri".into(),
            ..Default::default()
        })
        .unwrap();
    (s, e.id, p.id)
}

fn not_held<T: std::fmt::Debug>(what: &str, r: cdp_core::Result<T>) {
    let err = r.expect_err(what);
    assert_eq!(
        (err.code(), err.field(), err.to_string().as_str()),
        ("event_not_held", Some("event"), REFUSED),
        "{what}"
    );
}

#[test]
fn the_day_before_nothing_is_recorded_nor_issued() {
    let (mut s, ev, p) = on("2027-03-08");
    let before = common::dump_all(s.connection());
    not_held(
        "manual attendance",
        s.set_training_attendance(ev, p, true, 180),
    );
    not_held(
        "report preview",
        s.preview_attendance_import(ev, attendance::ZOOM.as_bytes()),
    );
    not_held(
        "report import",
        s.apply_attendance_import(ev, attendance::ZOOM.as_bytes(), "zoom.csv", &[], false),
    );
    not_held(
        "issue date check",
        s.check_certificate_date(ev, "2027-03-08"),
    );
    not_held(
        "one attestato",
        s.issue_event_certificate(ev, p, "2027-03-08"),
    );
    not_held(
        "batch",
        s.issue_event_certificates(ev, "2027-03-08", &mut |_, _| true),
    );
    not_held(
        "batch as PDFs",
        s.issue_event_certificates_pdf(ev, "2027-03-08", &mut |_, _| true),
    );
    let dir = tempfile::tempdir().unwrap();
    not_held(
        "batch into a folder",
        s.issue_event_certificates_to(
            ev,
            "2027-03-08",
            dir.path(),
            cdp_core::documents::batch::OnExisting::Skip,
            &|_| {},
            &cdp_core::job::CancelToken::new(),
        ),
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    assert_eq!(common::dump_all(s.connection()), before);
}

#[test]
fn the_day_itself_and_after_attendance_and_attestati_are_taken() {
    for today in ["2027-03-09", "2027-03-10"] {
        let (mut s, ev, p) = on(today);
        s.set_training_attendance(ev, p, true, 180).unwrap();
        let preview = s
            .preview_attendance_import(ev, attendance::ZOOM.as_bytes())
            .unwrap();
        assert_eq!(preview.platform, "Zoom", "{today}");
        s.check_certificate_date(ev, today).unwrap();
        let c = s.issue_event_certificate(ev, p, today).unwrap();
        assert_eq!(c.issued_at, today);
    }
}

/// An attestato is never dated after today: not the event's, not the
/// yearly one (issue 23: an attestato dated a future day).
#[test]
fn an_issue_date_after_today_is_refused_at_its_field() {
    let (mut s, ev, p) = on("2027-03-10");
    s.set_training_attendance(ev, p, true, 180).unwrap();
    let err = s.issue_event_certificate(ev, p, "2027-04-09").unwrap_err();
    assert_eq!((err.code(), err.field()), ("validation", Some("today")));
    assert!(
        err.to_string()
            .contains("(09/04/2027) non può essere successiva a oggi (10/03/2027)"),
        "{err}"
    );
    common::set_today(&mut s, "2027-12-31");
    let err = s.issue_year_certificate(p, 2027, "2028-01-02").unwrap_err();
    assert_eq!(err.field(), Some("today"), "{err}");
    common::set_today(&mut s, "2028-01-02");
    s.issue_year_certificate(p, 2027, "2028-01-02").unwrap();
}

/// Attendance and an attestato of an event whose date was moved after
/// today (or of an archive written before the rule) are neither printed
/// again nor counted; «Svolto» is not said of an event still to come.
#[test]
fn nothing_of_an_event_not_held_is_printed_counted_or_called_held() {
    let (mut s, ev, p) = on("2027-03-10");
    s.set_training_attendance(ev, p, true, 180).unwrap();
    let c = s.issue_event_certificate(ev, p, "2027-03-10").unwrap();
    let held = |s: &Store| s.training_hours(2027).unwrap().people[0].minutes;
    assert_eq!(held(&s), 180);
    // Its date corrected to one still to come.
    s.move_training_event(ev, "2027-03-20", "10:00", "13:00", None)
        .unwrap();
    common::set_today(&mut s, "2027-03-12");
    for err in [
        s.reissue_certificate(c.id).map(|_| ()).unwrap_err(),
        s.certificate_pdf(c.id).map(|_| ()).unwrap_err(),
    ] {
        assert_eq!(err.code(), "event_not_held");
        assert!(err.to_string().contains("(20/03/2027)"), "{err}");
    }
    assert_eq!(
        held(&s),
        0,
        "attendance of an event not held counts no hours"
    );

    let svolto = |date: &str| EventInput {
        state: "svolto".into(),
        ..event(date)
    };
    let e = s.create_training_event(&svolto("2027-03-13")).unwrap_err();
    assert_eq!(e.field(), Some("state"));
    assert!(
        e.to_string()
            .contains("l'evento del 13/03/2027 non si è ancora svolto"),
        "{e}"
    );
    let e = s
        .create_training_series(&svolto("2027-02-27"), Frequency::Weekly, 3)
        .unwrap_err();
    assert!(e.to_string().contains("(13/03/2027)"), "{e}");
    s.create_training_event(&svolto("2027-03-12")).unwrap();
}
