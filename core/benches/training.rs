//! Training in the core: the ICS of 1,000 events; an attendance report of
//! 5,000 rows (Zoom's format, several joins per person) read, merged and
//! matched against 2,000 participants; 500 attestati issued in one batch
//! (register rows: numbers, codes, audit). Run:
//! `cargo bench -p cdp-core --bench training` (prints a Markdown table).

mod common;
use common::training_data::event;
use common::{median, ms};

use std::time::Instant;

use cdp_core::training::participants::ParticipantInput;
use cdp_core::training::{EventQuery, Frequency};
use cdp_core::{Clock, Store};
use chrono::NaiveDate;

/// Names the signatory of the attestati (none is issued unsigned).
fn signatory(s: &mut Store) {
    let mut st = s.settings().unwrap();
    st.signatory_name = "Maria Rossi".into();
    s.save_settings(&st).unwrap();
}

fn main() {
    let mut rows = Vec::new();

    // ICS of 1,000 events (twenty weekly series of 50, 2027–2028).
    let mut s = Store::open_in_memory().unwrap();
    s.set_clock(Clock::Fixed(NaiveDate::from_ymd_opt(2027, 12, 31).unwrap())); // after the events
    for k in 0..20 {
        s.create_training_series(
            &event(&format!("2027-01-{:02}", 4 + k), k),
            Frequency::Weekly,
            50,
        )
        .unwrap();
    }
    let q = EventQuery::default();
    let stamp = chrono::Utc::now();
    let mut t = Vec::new();
    let mut size = 0;
    for _ in 0..9 {
        let at = Instant::now();
        let ics = s.training_ics(&q, stamp).unwrap();
        t.push(at.elapsed());
        size = ics.len();
    }
    let events = s.training_events(&q).unwrap();
    let mut write = Vec::new();
    for _ in 0..9 {
        let at = Instant::now();
        let _ = cdp_core::training::ics::calendar(&events, "x", stamp).unwrap();
        write.push(at.elapsed());
    }
    rows.push(format!(
        "| ICS of 1,000 events (read from the archive + written with `icalendar`, {} KiB) | **{}** (of which writing: {}) |",
        size / 1024,
        ms(median(t)),
        ms(median(write))
    ));

    // An attendance report of 5,000 rows: 2,000 people, 2–3 joins each.
    let mut s = Store::open_in_memory().unwrap();
    s.set_clock(Clock::Fixed(NaiveDate::from_ymd_opt(2027, 12, 31).unwrap())); // after the events
    let e = s.create_training_event(&event("2027-03-09", 1)).unwrap();
    common::attendance_data::participants(&mut s);
    let bytes = common::attendance_data::report();
    let mut t = Vec::new();
    for _ in 0..7 {
        let at = Instant::now();
        let p = s.preview_attendance_import(e.id, &bytes).unwrap();
        t.push(at.elapsed());
        assert_eq!(p.matched, 2000);
    }
    rows.push(format!(
        "| Attendance report of 5,000 rows (Zoom CSV, 2,000 people with 2–3 joins): read, intervals merged, matched by e-mail and name against 2,000 participants (dry run) | **{}** |",
        ms(median(t))
    ));
    let at = Instant::now();
    let r = s
        .apply_attendance_import(e.id, &bytes, "zoom.csv", &[], false)
        .unwrap();
    let apply = at.elapsed();
    assert_eq!(r.recorded, 2000);
    rows.push(format!("| The same report applied (one transaction: 2,000 attendance rows and the audit row) | **{}** |", ms(apply)));

    // 500 attestati in one batch (register only).
    let mut s = Store::open_in_memory().unwrap();
    signatory(&mut s);
    s.set_clock(Clock::Fixed(NaiveDate::from_ymd_opt(2027, 12, 31).unwrap())); // after the events
    let e = s.create_training_event(&event("2027-03-09", 1)).unwrap();
    for i in 0..500 {
        let p = s
            .add_training_participant(&ParticipantInput {
                full_name: format!("Persona {i}"),
                ..Default::default()
            })
            .unwrap();
        s.set_training_attendance(e.id, p.id, true, 210).unwrap();
    }
    let at = Instant::now();
    let b = s
        .issue_event_certificates(e.id, "2027-03-10", &mut |_, _| true)
        .unwrap();
    let batch = at.elapsed();
    assert_eq!(b.issued.len(), 500);
    rows.push(format!(
        "| 500 attestati in one batch: register rows numbered 2027/0001–0500 with verification codes and audit (one transaction; PDFs not included) | **{}** |",
        ms(batch)
    ));

    // The calendar of a year: 150 events, twelve month grids plus the programme.
    let mut s = Store::open_in_memory().unwrap();
    s.set_clock(Clock::Fixed(NaiveDate::from_ymd_opt(2027, 12, 31).unwrap())); // after the events
    let mut d = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    for i in 0..150 {
        s.create_training_event(&event(&d.to_string(), i)).unwrap();
        d += chrono::Duration::days(if i % 3 == 2 { 5 } else { 1 });
        if d.year() > 2027 {
            d = chrono::NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
        }
    }
    use cdp_core::documents::Format;
    use cdp_core::training::documents::CalendarDoc;
    use chrono::Datelike;
    let (_, _) = s
        .training_document(
            CalendarDoc::Calendar,
            Format::Pdf,
            &q,
            "2027-01-01",
            "2027-12-31",
        )
        .unwrap();
    let mut t = Vec::new();
    let mut pages_pdf = Vec::new();
    for _ in 0..7 {
        let at = Instant::now();
        let (bytes, _) = s
            .training_document(
                CalendarDoc::Calendar,
                Format::Pdf,
                &q,
                "2027-01-01",
                "2027-12-31",
            )
            .unwrap();
        t.push(at.elapsed());
        pages_pdf = bytes;
    }
    let calendar = median(t);
    let mut t = Vec::new();
    for _ in 0..7 {
        let at = Instant::now();
        let _ = s
            .training_document(
                CalendarDoc::Programme,
                Format::Pdf,
                &q,
                "2027-01-01",
                "2027-12-31",
            )
            .unwrap();
        t.push(at.elapsed());
    }
    let programme = median(t);
    rows.push(format!(
        "| Calendar of a year, 150 events: 12 month grids (A4 landscape) + the programme (A4 portrait), PDF/A, {} KiB | **{}** (the programme alone: {}) |",
        pages_pdf.len() / 1024,
        ms(calendar),
        ms(programme)
    ));
    // LibreOffice converting the same programme, as DOCX, to PDF.
    let (docx, _) = s
        .training_document(
            CalendarDoc::Programme,
            Format::Docx,
            &q,
            "2027-01-01",
            "2027-12-31",
        )
        .unwrap();
    match common::libreoffice_to_pdf(&docx) {
        None => {
            rows.push("| LibreOffice headless, the programme's DOCX → PDF | not installed |".into())
        }
        Some(lo) => rows.push(format!(
            "| LibreOffice headless converting the same programme from DOCX to PDF (process start included, warm profile) | {} (**{:.0}×** this app's PDF of the programme) |",
            ms(lo),
            lo.as_secs_f64() / programme.as_secs_f64()
        )),
    }

    // 500 attestati with their PDFs, numbered and rendered in one transaction.
    let mut s = Store::open_in_memory().unwrap();
    signatory(&mut s);
    s.set_clock(Clock::Fixed(NaiveDate::from_ymd_opt(2027, 12, 31).unwrap())); // after the events
    let e = s.create_training_event(&event("2027-03-09", 1)).unwrap();
    for i in 0..500 {
        let p = s
            .add_training_participant(&ParticipantInput {
                full_name: format!("Persona Numero {i}"),
                istat: Some("083048".into()),
                ..Default::default()
            })
            .unwrap();
        s.set_training_attendance(e.id, p.id, true, 210).unwrap();
    }
    let at = Instant::now();
    let out = s
        .issue_event_certificates_pdf(e.id, "2027-03-10", &mut |_, _| true)
        .unwrap();
    let batch_pdf = at.elapsed();
    assert_eq!(out.len(), 500);
    rows.push(format!(
        "| 500 attestati in one batch with their PDF/A (numbers, codes, audit and 500 PDFs in one transaction; files not written) | **{}** ({} KiB each) |",
        ms(batch_pdf),
        out[0].1.len() / 1024
    ));

    println!("| Training (in memory) | Median |\n| --- | --- |");
    for r in rows {
        println!("{r}");
    }
}
