//! The event's ICS attached per recipient of a convocation (read back by
//! python's email and icalendar), and the register of communications:
//! filters by text, kind, recipient, state and period, and its files
//! (PDF read by pdftotext, XLSX by calamine, CSV).

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use cdp_core::comms::message::Sender;
use cdp_core::comms::CommFilter;
use cdp_core::io::Format;

use super::*;

const READ_ICS: &str = r#"
import email, sys, icalendar
m = email.message_from_binary_file(open(sys.argv[1], 'rb'))
for p in m.walk():
    if p.get_content_type() == 'text/calendar':
        print('file', p.get_filename())
        cal = icalendar.Calendar.from_ical(p.get_payload(decode=True))
        for e in cal.walk('VEVENT'):
            print('summary', e['SUMMARY'])
            print('uid', e['UID'])
            print('start', e.decoded('DTSTART').isoformat())
            print('end', e.decoded('DTEND').isoformat())
"#;

#[test]
fn a_convocation_attaches_the_events_ics_to_each_message() {
    let mut s = common::store_on("2027-03-01");
    network(&mut s);
    let e = s
        .create_training_event(&common::training::event("2027-04-12"))
        .unwrap();
    // The ICS needs its event.
    let mut no_event = draft(Kind::Convocazione, "Convocazione");
    no_event.generated_doc = cdp_core::comms::EVENT_ICS.into();
    assert_eq!(
        s.comms_create(&no_event).unwrap_err().field(),
        Some("event_id")
    );
    let mut i = no_event.clone();
    i.event_id = Some(e.id);
    let c = s.comms_create(&i).unwrap();
    assert_eq!(c.event_id, Some(e.id));
    assert_eq!(
        c.event_label.as_deref(),
        Some("Il PIAO e la sezione anticorruzione del 12/04/2027")
    );
    let c = s
        .comms_set_recipients(
            c.id,
            &RecipientRule {
                comuni: s
                    .list_comuni(&Default::default())
                    .unwrap()
                    .into_iter()
                    .take(2)
                    .map(|c| c.istat)
                    .collect(),
                roles: vec![RecipientRole::Rpct],
                ..Default::default()
            },
            &[],
        )
        .unwrap();
    let preview = s.comms_preview_message(c.recipients[0].id).unwrap();
    assert_eq!(
        preview.attachments,
        ["Evento_2027-04-12_Il_PIAO_e_la_sezione_anticorruzione.ics"]
    );
    s.comms_queue(c.id).unwrap();
    let sender = Sender {
        name: "Segreteria Generale".into(),
        address: "segreteria@pec.cittametropolitana.me.it".into(),
    };
    let rows = s.comms_outbox_resume(c.id).unwrap();
    assert_eq!(rows.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    for row in rows {
        let out = s.comms_outbox_message(row, &sender).unwrap();
        let eml = dir.path().join(format!("{row}.eml"));
        std::fs::write(&eml, &out.bytes).unwrap();
        let got = Command::new("/usr/bin/python3")
            .args(["-c", READ_ICS])
            .arg(&eml)
            .output()
            .expect("python3-icalendar installed (.ci/setup)");
        assert!(
            got.status.success(),
            "{}",
            String::from_utf8_lossy(&got.stderr)
        );
        let got = String::from_utf8_lossy(&got.stdout);
        assert!(
            got.contains("file Evento_2027-04-12_Il_PIAO_e_la_sezione_anticorruzione.ics"),
            "{got}"
        );
        assert!(
            got.contains("summary Il PIAO e la sezione anticorruzione"),
            "{got}"
        );
        assert!(got.contains(&format!("uid {}", e.uid)), "{got}");
        // 10:00–13:00 in Rome on 12 April 2027 (summer time) is 08:00–11:00 UTC.
        assert!(got.contains("start 2027-04-12T08:00:00+00:00"), "{got}");
        assert!(got.contains("end 2027-04-12T11:00:00+00:00"), "{got}");
    }
}

/// Three communications: a circular to everyone, a convocation to two
/// comuni (one RPCT without an address), a news item not yet addressed.
fn register(s: &mut Store) -> (i64, i64, i64) {
    network(s);
    let comuni = s.list_comuni(&Default::default()).unwrap();
    let circ = s
        .comms_create(&draft(Kind::Circolare, "Circolare n. 1/2027 – trasparenza"))
        .unwrap();
    s.comms_set_recipients(
        circ.id,
        &RecipientRule {
            roles: vec![RecipientRole::Rpct],
            comuni: comuni.iter().take(3).map(|c| c.istat.clone()).collect(),
            ..Default::default()
        },
        &[],
    )
    .unwrap();
    s.comms_queue(circ.id).unwrap();
    let conv = s
        .comms_create(&draft(
            Kind::Convocazione,
            "Convocazione del tavolo tematico sui contratti",
        ))
        .unwrap();
    s.comms_set_recipients(
        conv.id,
        &RecipientRule {
            roles: vec![RecipientRole::Rpct, RecipientRole::Sindaco],
            comuni: vec![comuni[5].istat.clone()],
            ..Default::default()
        },
        &[HandRecipient {
            name: "Ufficio contratti di Milazzo".into(),
            address: "contratti@comune.milazzo.me.it".into(),
            istat: None,
        }],
    )
    .unwrap();
    let news = s
        .comms_create(&draft(Kind::Notizia, "Aggiornamento PNA 2025"))
        .unwrap();
    (circ.id, conv.id, news.id)
}

use cdp_core::comms::HandRecipient;

fn ids(s: &Store, f: &CommFilter) -> Vec<i64> {
    s.comms_list(f).unwrap().into_iter().map(|c| c.id).collect()
}

#[test]
fn the_register_filters_by_text_kind_recipient_state_and_period() {
    let mut s = common::store_on("2027-03-05");
    let (circ, conv, news) = register(&mut s);
    let all = ids(&s, &CommFilter::default());
    assert_eq!(all.len(), 3);
    let f = |c: fn(&mut CommFilter)| {
        let mut f = CommFilter::default();
        c(&mut f);
        f
    };
    assert_eq!(ids(&s, &f(|f| f.kind = Some(Kind::Convocazione))), [conv]);
    assert_eq!(ids(&s, &f(|f| f.text = "TRASPARENZA".into())), [circ]);
    // Text finds a recipient too; the recipient filter finds only recipients.
    assert_eq!(ids(&s, &f(|f| f.text = "milazzo".into())), [conv]);
    assert_eq!(
        ids(&s, &f(|f| f.recipient = "ufficio contratti".into())),
        [conv]
    );
    assert!(ids(&s, &f(|f| f.recipient = "PNA".into())).is_empty());
    assert_eq!(ids(&s, &f(|f| f.state = "Bozza".into())).len(), 2);
    assert_eq!(ids(&s, &f(|f| f.state = "Da inviare".into())), [circ]);
    // The period: the communications were written now (the instant is the
    // machine's; its day in Rome is what the period compares).
    let today = cdp_core::training::calendar::utc_to_rome(chrono::Utc::now()).date();
    let day = |d: i64| {
        (today + chrono::Duration::days(d))
            .format("%d/%m/%Y")
            .to_string()
    };
    let mut in_period = f(|_| {});
    in_period.from = day(0);
    in_period.to = day(0);
    assert_eq!(ids(&s, &in_period).len(), 3);
    let mut before = f(|_| {});
    before.to = day(-1);
    assert!(ids(&s, &before).is_empty());
    let mut after = f(|_| {});
    after.from = day(1);
    assert!(ids(&s, &after).is_empty());
    // Combined: kind and period.
    in_period.kind = Some(Kind::Notizia);
    assert_eq!(ids(&s, &in_period), [news]);
    // A period that ends before it starts, or a date that is not one, is refused.
    let mut wrong = f(|_| {});
    wrong.from = day(1);
    wrong.to = day(0);
    assert_eq!(s.comms_list(&wrong).unwrap_err().field(), Some("to"));
    wrong.from = "31/02/2027".into();
    assert_eq!(s.comms_list(&wrong).unwrap_err().field(), Some("from"));
}

#[test]
fn the_register_as_pdf_csv_and_xlsx_has_each_communications_recipients_and_states() {
    let mut s = common::store_on("2027-03-05");
    let (circ, conv, _) = register(&mut s);
    let filter = CommFilter::default();
    let pdf = s.comms_register_file(&filter, None).unwrap();
    assert!(
        pdf.spec.name.starts_with("Registro_comunicazioni_") && pdf.spec.name.ends_with(".pdf")
    );
    common::docs::qpdf_ok(&pdf.bytes);
    let (_keep, dir) = common::docs::sample_dir("COMMS_SAMPLE_DIR");
    std::fs::write(dir.join(&pdf.spec.name), &pdf.bytes).unwrap();
    let text = common::docs::pdf_text(&pdf.bytes, &[]);
    for needle in [
        "Registro delle comunicazioni",
        "tutte le date",
        "3 comunicazioni",
        &format!("N. {circ} – Circolare n. 1/2027 – trasparenza"),
        &format!("N. {conv} – Convocazione del tavolo tematico sui contratti"),
        "Ufficio contratti di Milazzo",
        "contratti@comune.milazzo.me.it",
        "Sindaco non registrato",
        "Indirizzo mancante",
        "In coda",
        "Nessun destinatario scelto.",
    ] {
        assert!(text.contains(needle), "«{needle}» not in:\n{text}");
    }
    // Filtered, the PDF says so and holds only what the filter keeps.
    let only = CommFilter {
        kind: Some(Kind::Convocazione),
        ..Default::default()
    };
    let text = common::docs::pdf_text(&s.comms_register_file(&only, None).unwrap().bytes, &[]);
    assert!(
        text.contains("tipo «Convocazione»") && text.contains("una comunicazione"),
        "{text}"
    );
    assert!(!text.contains("trasparenza"), "{text}");

    let xlsx = s.comms_register_file(&filter, Some(Format::Xlsx)).unwrap();
    assert!(xlsx.spec.name.ends_with(".xlsx"));
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(xlsx.bytes)).unwrap();
    let range = wb.worksheet_range("Registro comunicazioni").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0], cdp_core::comms::register::HEADERS);
    // 3 RPCT of the circular, RPCT + sindaco + one by hand of the
    // convocation, one row for the news item without recipients.
    assert_eq!(rows.len(), 1 + 3 + 3 + 1);
    let hand = rows
        .iter()
        .find(|r| r[6] == "Ufficio contratti di Milazzo")
        .unwrap();
    assert_eq!(hand[0], conv.to_string());
    assert_eq!(hand[2], "Convocazione");
    assert_eq!(hand[9], "contratti@comune.milazzo.me.it");
    assert_eq!(hand[10], "no");
    let queued = rows.iter().filter(|r| r[11] == "In coda").count();
    assert_eq!(queued, 3);
    assert!(rows.iter().any(|r| r[6] == "Sindaco non registrato"
        && r[11].starts_with("Non inviabile: Indirizzo mancante")));

    let csv = s.comms_register_file(&filter, Some(Format::Csv)).unwrap();
    let csv = String::from_utf8(csv.bytes).unwrap();
    assert!(csv.starts_with("\u{feff}N.;Data;Tipo;Oggetto"), "{csv}");
    assert_eq!(csv.lines().count(), 8);
}
