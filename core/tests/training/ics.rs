//! The calendar as ICS, read back by a real parser.

use super::*;

/// Runs a python `script` on an ICS (its path is `sys.argv[1]`) and
/// returns the lines it prints.
pub fn python_on_ics(script: &str, ics: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cal.ics");
    std::fs::write(&path, ics).unwrap();
    let out = std::process::Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3-icalendar and python3-vobject installed (.ci/setup)");
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

/// Parses an ICS with python's `icalendar` and prints one line per event.
fn parse_ics(ics: &str) -> Vec<String> {
    let script = r#"
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
for e in cal.walk('VEVENT'):
    print('|'.join([str(e['UID']), str(e['SEQUENCE']), e.decoded('DTSTART').isoformat(), e.decoded('DTEND').isoformat(),
        str(e.get('STATUS')), str(e.get('LOCATION')), str(e.get('URL')), str(e['DESCRIPTION']).replace('\n', '/'), str(e['SUMMARY']),
        e.decoded('DTSTAMP').isoformat()]))
"#;
    python_on_ics(script, ics)
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
            ..event("2027-03-27")
        })
        .unwrap();
    let b = s
        .create_training_event(&EventInput {
            mode: "presenza".into(),
            place: Some("Palazzo dei Leoni, Corso Cavour 87, Messina".into()),
            link: None,
            ..event("2027-03-29")
        })
        .unwrap();
    let c = s.create_training_event(&event("2027-10-30")).unwrap();
    let d = s.create_training_event(&event("2027-11-02")).unwrap();
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

#[test]
fn a_raw_carriage_return_never_ends_an_ics_property() {
    let mut s = common::store();
    s.create_training_event(&EventInput {
        title: "Primo rigo, secondo rigo".into(),
        mode: "presenza".into(),
        place: Some("Palazzo dei Leoni\r\nMessina".into()),
        link: None,
        speakers: Some("Maria Rossi\rLuca Bianchi".into()),
        ..event("2027-03-09")
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
