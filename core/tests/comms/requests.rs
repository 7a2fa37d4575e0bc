//! Requests that come back: a «richiesta di scheda» for the monitoring of
//! the measures sent through the local server with each comune's own
//! workbook; the workbooks read back with calamine, edited the way a comune
//! does (values changed, the file saved again) and imported: the round trip,
//! a conflict with data entered since the request, an invalid value, a file
//! of another comune or request, a file of unknown origin; the reminder to
//! those who did not answer; the scheda di contesto and the training needs.

use std::process::Command;
use std::sync::Mutex;

use calamine::{Data, Reader};
use cdp_core::comms::outbox::send;
use cdp_core::comms::requests::Scheda;
use cdp_core::comms::smtp::Security;
use cdp_core::job::CancelToken;
use cdp_core::risks::monitoring::MonitoringInput;
use cdp_core::risks::{AdoptionAdjust, MeasureState};

use super::*;

/// A value a comune types in a cell.
enum V<'a> {
    Text(&'a str),
    Num(f64),
    /// A date typed in a date cell (year, month, day).
    Date(u16, u8, u8),
}

/// The workbook as a comune saves it after changing `edits` (sheet, row,
/// column, value; rows and columns from 0): every sheet and cell read with
/// calamine and written again with rust_xlsxwriter, the «_meta» sheet kept
/// hidden, as a spreadsheet program keeps it.
fn edited(bytes: &[u8], edits: &[(&str, u32, u16, V)]) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let mut wb = Workbook::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let ws = wb.add_worksheet();
        ws.set_name(&name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (i, row) in range.rows().enumerate() {
            for (j, cell) in row.iter().enumerate() {
                let (r, c) = (r0 + i as u32, (c0 + j as u32) as u16);
                match cell {
                    Data::String(s) => ws.write_string(r, c, s).map(|_| ()),
                    Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()),
                    Data::Int(n) => ws.write_number(r, c, *n as f64).map(|_| ()),
                    Data::DateTime(d) => ws
                        .write_number_with_format(r, c, d.as_f64(), &date)
                        .map(|_| ()),
                    _ => Ok(()),
                }
                .unwrap();
            }
        }
        for (sheet, r, c, v) in edits {
            if *sheet == name {
                match v {
                    V::Text(t) => ws.write_string(*r, *c, *t).map(|_| ()),
                    V::Num(n) => ws.write_number(*r, *c, *n).map(|_| ()),
                    V::Date(y, m, d) => ws
                        .write_datetime_with_format(
                            *r,
                            *c,
                            &ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                            &date,
                        )
                        .map(|_| ()),
                }
                .unwrap();
            }
        }
        if name == "_meta" {
            ws.set_hidden(true);
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The first row of records in the answer sheet (row 8 of the workbook).
const FIRST: u32 = 7;

/// The text of a cell of `sheet`.
fn cell(bytes: &[u8], sheet: &str, r: u32, c: u32) -> String {
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .get_value((r, c))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// A file of the workbook's zip (its XML), through python's zipfile.
fn part(bytes: &[u8], name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.xlsx");
    std::fs::write(&f, bytes).unwrap();
    let out = Command::new("/usr/bin/python3")
        .args([
            "-c",
            "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())",
            f.to_str().unwrap(),
            name,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Three comuni with an RPCT and one adopted measure each; the request of
/// the monitoring scheda to their RPCT. Returns (store, request, comuni).
fn monitoring_request(today: &str) -> (Store, i64, Vec<(String, String)>) {
    let mut s = common::store_on(today);
    network(&mut s);
    let comuni: Vec<(String, String)> = s
        .list_comuni(&Default::default())
        .unwrap()
        .into_iter()
        .take(4)
        .map(|c| (c.istat, c.name))
        .collect();
    let ev = common::risks::own_event(&mut s);
    let input = common::risks::measure(&s, ev.id);
    let m = s.create_risk_measure(&input).unwrap();
    let istat: Vec<String> = comuni.iter().map(|c| c.0.clone()).collect();
    s.adopt_risk_measures(&istat, &[m.id], &AdoptionAdjust::default())
        .unwrap();
    let c = s
        .comms_create(&CommInput {
            kind: Kind::RichiestaScheda,
            subject: "Richiesta della scheda di monitoraggio delle misure – primo semestre 2027".into(),
            body: "Al {{ rpct }}, RPCT del Comune di {{ comune.nome }}.\n\nSi chiede di restituire compilata la scheda allegata entro il 30 giugno 2027.".into(),
            signatory: "Il Segretario Generale".into(),
            protocol_number: "2027/0456".into(),
            protocol_date: "2027-05-10".into(),
            generated_doc: Scheda::Monitoraggio.generated().into(),
            event_id: None,
            year: None,
            updated_at: None,
        })
        .unwrap();
    s.comms_set_recipients(
        c.id,
        &RecipientRule {
            comuni: istat[..3].to_vec(),
            roles: vec![RecipientRole::Rpct],
            ..Default::default()
        },
        &[],
    )
    .unwrap();
    (s, c.id, comuni)
}

fn adoption_of(s: &Store, istat: &str) -> i64 {
    s.connection()
        .query_row(
            "SELECT id FROM risk_adoption WHERE istat = ?1",
            [istat],
            |r| r.get(0),
        )
        .unwrap()
}

fn monitoring_entries(s: &Store, istat: &str) -> i64 {
    s.connection()
        .query_row(
            "SELECT count(*) FROM risk_monitoring m JOIN risk_adoption a ON a.id = m.adoption_id WHERE a.istat = ?1",
            [istat],
            |r| r.get(0),
        )
        .unwrap()
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[test]
fn each_comune_receives_its_own_scheda_with_lists_locked_cells_and_its_identity() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), Security::Starttls);
    let (mut s, id, comuni) = monitoring_request("2027-05-10");
    s.save_smtp_settings(&server.settings(), None).unwrap();
    s.comms_queue(id).unwrap();
    let archive = Mutex::new(s);
    let report = send(
        &archive,
        id,
        &server.mailer(PASSWORD),
        &|_| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(report.sent, 3, "{report:?}");
    let received = server.received();
    for (istat, name) in &comuni[..3] {
        let m = received
            .iter()
            .position(|m| m["rcpt"][0] == format!("rpct.{istat}@comune.test.it"))
            .expect("one message per comune");
        let expected = format!(
            "Scheda_monitoraggio_misure_2027_{}.xlsx",
            cdp_core::text::file_part(name)
        );
        assert_eq!(received[m]["attachments"][0]["name"], expected.as_str());
        // The workbook as it arrived.
        let raw = std::fs::read(server.out.join(format!("{:05}.eml", m + 1))).unwrap();
        let mail = mailparse::parse_mail(&raw).unwrap();
        let xlsx = mail
            .subparts
            .iter()
            .find(|p| {
                p.get_content_disposition()
                    .params
                    .get("filename")
                    .is_some_and(|f| f.ends_with(".xlsx"))
            })
            .unwrap()
            .get_body_raw()
            .unwrap();
        // SCHEDA_XLSX_DIR=<dir> keeps the workbooks, to open and print them.
        if let Some(d) = std::env::var_os("SCHEDA_XLSX_DIR") {
            std::fs::write(std::path::Path::new(&d).join(&expected), &xlsx[..]).unwrap();
        }
        assert_eq!(
            cell(&xlsx, "Monitoraggio", 2, 0),
            format!("Comune di {name} (codice ISTAT {istat})")
        );
        assert!(cell(&xlsx, "Monitoraggio", 3, 0).starts_with(&format!(
            "Richiesta n. {id} – Prot. n. 2027/0456 del 10/05/2027"
        )));
        assert_eq!(cell(&xlsx, "Monitoraggio", FIRST, 2), "da avviare");
        assert_eq!(cell(&xlsx, "_meta", 5, 1), *istat);
        assert_eq!(cell(&xlsx, "_meta", 1, 1), id.to_string());
        let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains("<sheetProtection"), "the sheet is protected");
        assert!(!sheet.contains("password="), "without a password");
        assert!(
            sheet.contains(r#"type="list""#)
                && sheet.contains("da avviare,in corso,attuata,non attuata")
        );
        assert!(
            sheet.contains(r#"type="date""#),
            "the date has a date check"
        );
        let book = part(&xlsx, "xl/workbook.xml");
        assert!(
            book.contains(r#"name="_meta" sheetId="2" state="veryHidden""#),
            "{book}"
        );
        let styles = part(&xlsx, "xl/styles.xml");
        assert!(
            styles.contains(r#"locked="0""#),
            "the answer cells are unlocked"
        );
    }
}

#[test]
fn a_returned_scheda_is_recognised_shown_as_old_and_new_then_applied_and_the_line_marked_received()
{
    let dir = tempfile::tempdir().unwrap();
    let (mut s, id, comuni) = monitoring_request("2027-05-10");
    let (istat, name) = &comuni[0];
    let (_, xlsx) = s.comms_scheda_xlsx(id, istat).unwrap();
    s.comms_prepare_eml(id, dir.path()).unwrap();
    common::set_today(&mut s, "2027-06-20");
    let back = edited(
        &xlsx,
        &[
            ("Monitoraggio", FIRST, 2, V::Text("attuata")),
            ("Monitoraggio", FIRST, 3, V::Date(2027, 6, 15)),
            (
                "Monitoraggio",
                FIRST,
                4,
                V::Text("Controlli svolti sul 100% degli atti."),
            ),
            // The measure's indicator (a percentage), on the row below it.
            ("Monitoraggio", FIRST + 1, 5, V::Text("80,5")),
        ],
    );
    assert!(cell(&xlsx, "Monitoraggio", FIRST + 1, 1)
        .starts_with("Indicatore: Indicatore di prova (valore atteso 100 entro il 31/12/2027)"));
    let file = ("scheda_restituita.xlsx".to_string(), back.clone());
    let p = s
        .comms_returns_preview(std::slice::from_ref(&file), Some(id))
        .unwrap()
        .remove(0);
    assert_eq!(p.refusal, None);
    assert_eq!(p.istat.as_deref(), Some(istat.as_str()));
    assert_eq!(&p.comune, name);
    assert_eq!(p.scheda, Some(Scheda::Monitoraggio));
    assert!(p.conflicts.is_empty() && p.invalid.is_empty(), "{p:?}");
    let changes: Vec<(String, String, String)> = p
        .changes
        .iter()
        .map(|c| {
            (
                format!("{}{}", c.column, c.line),
                c.old.clone(),
                c.new.clone(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("C8".into(), "da avviare".into(), "attuata".into()),
            ("D8".into(), "(vuoto)".into(), "15/06/2027".into()),
            (
                "E8".into(),
                "(vuoto)".into(),
                "Controlli svolti sul 100% degli atti.".into()
            ),
            ("F9".into(), "(vuoto)".into(), "80,5".into()),
        ]
    );
    let applied = s
        .comms_return_apply(&file.0, &file.1, Some(id), &[], now())
        .unwrap();
    assert_eq!(applied.records, 1);
    let a = s.risk_adoption(adoption_of(&s, istat)).unwrap();
    assert_eq!(a.state, MeasureState::Attuata);
    assert_eq!(
        s.risk_monitoring(a.id).unwrap()[0].values,
        vec![Some("80.5".to_string())],
        "the indicator's value in the entry"
    );
    assert_eq!(a.last_date.as_deref(), Some("2027-06-15"));
    // The comune's line: «scheda ricevuta», with the day; the file's hash registered.
    let c = s.comms_get(id).unwrap();
    let line = c
        .recipients
        .iter()
        .find(|r| r.istat.as_deref() == Some(istat.as_str()))
        .unwrap();
    assert_eq!(line.returned_on.as_deref(), Some("2027-06-20"));
    assert!(
        c.recipients
            .iter()
            .filter(|r| r.returned_on.is_some())
            .count()
            == 1
    );
    let sha: String = s
        .connection()
        .query_row(
            "SELECT sha256 FROM comm_return WHERE istat = ?1",
            [istat],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sha.len(), 64);
    let audit: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'scheda_ricevuta' AND entity_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audit, 1);
    // The same file again: refused, naming it.
    let again = s
        .comms_returns_preview(&[file.clone()], Some(id))
        .unwrap()
        .remove(0);
    assert_eq!(
        again.refusal.as_deref(),
        Some("Il file «scheda_restituita.xlsx» è già stato importato il 20/06/2027.")
    );
    assert!(s
        .comms_return_apply(&file.0, &file.1, Some(id), &[], now())
        .is_err());
    assert_eq!(monitoring_entries(&s, istat), 1);
}

#[test]
fn a_value_entered_in_the_app_since_the_request_is_a_conflict_kept_unless_the_file_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, id, comuni) = monitoring_request("2027-05-10");
    let files: Vec<Vec<u8>> = comuni[1..3]
        .iter()
        .map(|c| s.comms_scheda_xlsx(id, &c.0).unwrap().1)
        .collect();
    s.comms_prepare_eml(id, dir.path()).unwrap();
    // Since the request: the secretariat records both measures «in corso».
    common::set_today(&mut s, "2027-05-20");
    for (istat, _) in &comuni[1..3] {
        s.record_risk_monitoring(
            adoption_of(&s, istat),
            &MonitoringInput {
                date: "2027-05-20".into(),
                state: MeasureState::InCorso,
                motivazione: String::new(),
                values: vec![],
                version: None,
            },
        )
        .unwrap();
    }
    common::set_today(&mut s, "2027-06-20");
    // Both comuni answer «attuata» on 15 June (the date typed as text).
    let back: Vec<(String, Vec<u8>)> = files
        .iter()
        .enumerate()
        .map(|(i, x)| {
            (
                format!("scheda_{i}.xlsx"),
                edited(
                    x,
                    &[
                        ("Monitoraggio", FIRST, 2, V::Text("attuata")),
                        ("Monitoraggio", FIRST, 3, V::Text("15/06/2027")),
                    ],
                ),
            )
        })
        .collect();
    let previews = s.comms_returns_preview(&back, Some(id)).unwrap();
    for p in &previews {
        assert!(p.invalid.is_empty() && p.changes.is_empty(), "{p:?}");
        let conflicts: Vec<(String, String, String, String)> = p
            .conflicts
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    c.sent.clone(),
                    c.in_app.clone(),
                    c.in_file.clone(),
                )
            })
            .collect();
        assert_eq!(
            conflicts,
            [
                (
                    "C8".into(),
                    "da avviare".into(),
                    "in corso".into(),
                    "attuata".into()
                ),
                (
                    "D8".into(),
                    "(vuoto)".into(),
                    "20/05/2027".into(),
                    "15/06/2027".into()
                ),
            ]
        );
        assert!(
            p.conflicts[0].changed_at.is_some(),
            "when the app changed it"
        );
    }
    // The first kept as the app has it: received, nothing else changes.
    let kept = s
        .comms_return_apply(&back[0].0, &back[0].1, Some(id), &[], now())
        .unwrap();
    assert_eq!(kept.records, 0);
    let first = adoption_of(&s, &comuni[1].0);
    assert_eq!(s.risk_adoption(first).unwrap().state, MeasureState::InCorso);
    assert_eq!(monitoring_entries(&s, &comuni[1].0), 1);
    // The second with the file's values taken: a monitoring entry with them.
    let taken = s
        .comms_return_apply(
            &back[1].0,
            &back[1].1,
            Some(id),
            &["C8".into(), "D8".into()],
            now(),
        )
        .unwrap();
    assert_eq!(taken.records, 1);
    let a = s.risk_adoption(adoption_of(&s, &comuni[2].0)).unwrap();
    assert_eq!(
        (a.state, a.last_date.as_deref()),
        (MeasureState::Attuata, Some("2027-06-15"))
    );
    let c = s.comms_get(id).unwrap();
    assert_eq!(
        c.recipients
            .iter()
            .filter(|r| r.returned_on.is_some())
            .count(),
        2
    );
}

#[test]
fn invalid_values_are_shown_with_row_and_column_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, id, comuni) = monitoring_request("2027-05-10");
    let istat = &comuni[0].0;
    let (_, xlsx) = s.comms_scheda_xlsx(id, istat).unwrap();
    s.comms_prepare_eml(id, dir.path()).unwrap();
    common::set_today(&mut s, "2027-06-20");
    let back = edited(
        &xlsx,
        &[
            ("Monitoraggio", FIRST, 2, V::Text("fatto")),
            ("Monitoraggio", FIRST, 3, V::Text("31/02/2027")),
        ],
    );
    let p = s
        .comms_returns_preview(&[("errata.xlsx".into(), back.clone())], Some(id))
        .unwrap()
        .remove(0);
    let msgs: Vec<&str> = p.invalid.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "Riga 8, colonna C: «fatto» non è tra i valori ammessi (da avviare, in corso, attuata, non attuata).",
            "Riga 8, colonna D: «31/02/2027» non è una data valida (gg/mm/aaaa).",
        ]
    );
    // «non attuata» without its motivazione, and a date in the future.
    let back2 = edited(
        &xlsx,
        &[
            ("Monitoraggio", FIRST, 2, V::Text("non attuata")),
            ("Monitoraggio", FIRST, 3, V::Date(2027, 7, 1)),
        ],
    );
    let p2 = s
        .comms_returns_preview(&[("errata2.xlsx".into(), back2)], Some(id))
        .unwrap()
        .remove(0);
    let msgs: Vec<&str> = p2.invalid.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "Riga 8, colonna D: la data del monitoraggio (01/07/2027) non può essere nel futuro.",
            "Riga 8, colonna E: misura non attuata: la motivazione è obbligatoria.",
        ]
    );
    // An indicator measured, its measure never monitored: the date is asked;
    // a value that is not a number is said with its cell.
    let back3 = edited(&xlsx, &[("Monitoraggio", FIRST + 1, 5, V::Num(50.0))]);
    let back4 = edited(&xlsx, &[("Monitoraggio", FIRST + 1, 5, V::Text("molto"))]);
    let p3 = s
        .comms_returns_preview(
            &[
                ("errata3.xlsx".into(), back3),
                ("errata4.xlsx".into(), back4),
            ],
            Some(id),
        )
        .unwrap();
    assert_eq!(
        p3[0].invalid[0].message,
        "Riga 8, colonna D: indicare la data del monitoraggio, a cui si riferisce il valore dell'indicatore."
    );
    assert!(
        p3[1].invalid[0]
            .message
            .starts_with("Riga 9, colonna F: Valore dell'indicatore: «molto» non è un numero"),
        "{}",
        p3[1].invalid[0].message
    );
    let e = s
        .comms_return_apply("errata.xlsx", &back, Some(id), &[], now())
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("ha 2 valori non validi (Riga 8, colonna C"),
        "{e}"
    );
    assert_eq!(monitoring_entries(&s, istat), 0);
    assert!(s
        .comms_get(id)
        .unwrap()
        .recipients
        .iter()
        .all(|r| r.returned_on.is_none()));
}

#[test]
fn a_file_of_another_comune_or_request_or_of_unknown_origin_is_refused_naming_it() {
    let (mut s, id, comuni) = monitoring_request("2027-05-10");
    // The fourth comune adopted the measure but was not asked.
    let (other, other_name) = &comuni[3];
    let (_, not_asked) = s.comms_scheda_xlsx(id, other).unwrap();
    // A second request, and a file of it.
    let second = s
        .comms_create(&CommInput {
            kind: Kind::RichiestaScheda,
            subject: "Richiesta della scheda di contesto".into(),
            body: "Testo.".into(),
            signatory: String::new(),
            protocol_number: String::new(),
            protocol_date: String::new(),
            generated_doc: Scheda::Contesto.generated().into(),
            event_id: None,
            year: None,
            updated_at: None,
        })
        .unwrap()
        .id;
    s.comms_set_recipients(
        second,
        &RecipientRule {
            comuni: vec![comuni[0].0.clone()],
            roles: vec![RecipientRole::Rpct],
            ..Default::default()
        },
        &[],
    )
    .unwrap();
    let (_, of_second) = s.comms_scheda_xlsx(second, &comuni[0].0).unwrap();
    // A request that is not in this archive (the identifier changed).
    let (_, mine) = s.comms_scheda_xlsx(id, &comuni[0].0).unwrap();
    let foreign = edited(&mine, &[("_meta", 1, 1, V::Text("999"))]);
    // A spreadsheet the app did not make, and a file that is not one.
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .write_string(0, 0, "Monitoraggio misure")
        .unwrap();
    let unknown = wb.save_to_buffer().unwrap();
    let files = vec![
        ("non_richiesto.xlsx".to_string(), not_asked),
        ("contesto.xlsx".to_string(), of_second),
        ("altra_richiesta.xlsx".to_string(), foreign),
        ("foglio_qualsiasi.xlsx".to_string(), unknown),
        ("note.xlsx".to_string(), b"solo testo".to_vec()),
    ];
    let p = s.comms_returns_preview(&files, Some(id)).unwrap();
    let refusals: Vec<String> = p
        .iter()
        .map(|p| p.refusal.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        refusals[0],
        format!("Il file «non_richiesto.xlsx» è la scheda del Comune di {other_name} (ISTAT {other}), che non è tra i destinatari della richiesta n. {id}: non è stato importato.")
    );
    assert_eq!(
        refusals[1],
        format!("Il file «contesto.xlsx» risponde alla richiesta n. {second} («Richiesta della scheda di contesto»), non alla n. {id}: importarlo da quella comunicazione.")
    );
    assert!(
        refusals[2]
            .starts_with("Il file «altra_richiesta.xlsx» risponde alla richiesta n. 999 del "),
        "{}",
        refusals[2]
    );
    assert!(refusals[2].ends_with("che non è in questo archivio: non è stato importato."));
    assert!(
        refusals[3].starts_with(
            "Il file «foglio_qualsiasi.xlsx» non è una scheda preparata da questa applicazione"
        ),
        "{}",
        refusals[3]
    );
    assert_eq!(
        refusals[4],
        "Il file «note.xlsx» non è un foglio di calcolo leggibile (.xlsx): non è stato importato."
    );
    // Without a request in view, the second request's file is recognised as its own.
    let free = s
        .comms_returns_preview(&files[1..2], None)
        .unwrap()
        .remove(0);
    assert_eq!((free.refusal, free.communication_id), (None, Some(second)));
    let e = s
        .comms_return_apply(&files[0].0, &files[0].1, Some(id), &[], now())
        .unwrap_err();
    assert_eq!(e.field(), Some("file"));
}

#[test]
fn the_reminder_goes_to_exactly_those_who_did_not_return_the_scheda() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, id, comuni) = monitoring_request("2027-05-10");
    let e = s.comms_remind_not_returned(id).unwrap_err();
    assert!(e.to_string().contains("non è ancora stata inviata"), "{e}");
    let (_, first) = s.comms_scheda_xlsx(id, &comuni[0].0).unwrap();
    s.comms_prepare_eml(id, dir.path()).unwrap();
    common::set_today(&mut s, "2027-06-20");
    s.comms_return_apply("a.xlsx", &first, Some(id), &[], now())
        .unwrap();
    // The rule «chi non ha restituito la scheda» of this request.
    let rule = RecipientRule {
        not_returned: Some(id),
        roles: vec![RecipientRole::Rpct],
        ..Default::default()
    };
    let pending: Vec<String> = s
        .comms_preview_recipients(&rule, &[])
        .unwrap()
        .into_iter()
        .filter_map(|l| l.istat)
        .collect();
    assert_eq!(pending, s.comms_not_returned(id).unwrap());
    assert_eq!(pending.len(), 2);
    assert!(!pending.contains(&comuni[0].0));
    // One action: the reminder, linked to the request, with the same scheda.
    let r = s.comms_remind_not_returned(id).unwrap();
    assert_eq!(r.kind, Kind::Sollecito);
    assert_eq!(r.generated_doc, Scheda::Monitoraggio.generated());
    assert_eq!(r.rule.not_returned, Some(id));
    let mut to: Vec<String> = r
        .recipients
        .iter()
        .filter_map(|l| l.istat.clone())
        .collect();
    to.sort();
    assert_eq!(to, pending);
    assert!(r
        .subject
        .starts_with("Sollecito – Richiesta della scheda di monitoraggio"));
    let preview = s.comms_preview_message(r.recipients[0].id).unwrap();
    assert!(preview.text.contains("Con la nota prot. n. 2027/0456 del 10/05/2027 questa Segreteria ha chiesto la restituzione"), "{}", preview.text);
    assert!(preview.attachments[0].starts_with("Scheda_monitoraggio_misure_2027_"));
    // The reminder's file answers the request: the line of the request is marked.
    let (_, again) = s.comms_scheda_xlsx(r.id, &comuni[1].0).unwrap();
    assert_eq!(cell(&again, "_meta", 1, 1), id.to_string());
    s.comms_return_apply("b.xlsx", &again, None, &[], now())
        .unwrap();
    assert_eq!(s.comms_not_returned(id).unwrap(), vec![comuni[2].0.clone()]);
    let line = s.comms_get(r.id).unwrap();
    assert!(
        line.recipients.iter().any(|l| l.returned_on.is_some()),
        "the reminder's line shows it too"
    );
}

#[test]
fn the_scheda_di_contesto_and_the_training_needs_come_back_into_their_own_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = common::store_on("2027-10-01");
    network(&mut s);
    let c = s.list_comuni(&Default::default()).unwrap().remove(0);
    let request = |s: &mut Store, scheda: Scheda| {
        let id = s
            .comms_create(&CommInput {
                kind: Kind::RichiestaScheda,
                subject: format!("Richiesta della {}", scheda.label().to_lowercase()),
                body: "Si chiede di restituire la scheda allegata.".into(),
                signatory: String::new(),
                protocol_number: String::new(),
                protocol_date: String::new(),
                generated_doc: scheda.generated().into(),
                event_id: None,
                year: None,
                updated_at: None,
            })
            .unwrap()
            .id;
        s.comms_set_recipients(
            id,
            &RecipientRule {
                comuni: vec![c.istat.clone()],
                roles: vec![RecipientRole::Rpct],
                ..Default::default()
            },
            &[],
        )
        .unwrap();
        let (name, x) = s.comms_scheda_xlsx(id, &c.istat).unwrap();
        if let Some(d) = std::env::var_os("SCHEDA_XLSX_DIR") {
            std::fs::write(std::path::Path::new(&d).join(name), &x[..]).unwrap();
        }
        s.comms_prepare_eml(id, dir.path()).unwrap();
        (id, x)
    };
    // Contesto: 25 employees, the segreteria in convenzione without saying with whom, then saying it.
    let (ctx, x) = request(&mut s, Scheda::Contesto);
    assert_eq!(
        cell(&x, "Contesto", FIRST, 0),
        "Numero dei dipendenti in servizio"
    );
    let half = edited(
        &x,
        &[
            ("Contesto", FIRST, 1, V::Num(25.0)),
            ("Contesto", FIRST + 1, 1, V::Text("Sì")),
        ],
    );
    let p = s
        .comms_returns_preview(&[("c.xlsx".into(), half)], Some(ctx))
        .unwrap()
        .remove(0);
    assert_eq!(p.invalid.len(), 1, "{p:?}");
    assert_eq!(
        p.invalid[0].message,
        "Riga 10, colonna B: segreteria in convenzione: indicare con quali comuni."
    );
    let whole = edited(
        &x,
        &[
            ("Contesto", FIRST, 1, V::Num(25.0)),
            ("Contesto", FIRST + 1, 1, V::Text("Sì")),
            (
                "Contesto",
                FIRST + 2,
                1,
                V::Text("Comune capofila di Novara di Sicilia"),
            ),
        ],
    );
    s.comms_return_apply("c2.xlsx", &whole, Some(ctx), &[], now())
        .unwrap();
    let saved = s.risk_context(&c.istat).unwrap();
    assert_eq!(saved.employees, Some(25));
    assert!(saved.segretario_convenzione);
    assert_eq!(
        saved.convenzione_with,
        "Comune capofila di Novara di Sicilia"
    );
    // Fabbisogni of the year: the first theme with priority 5 and 3 people, webinar.
    let (needs, x) = request(&mut s, Scheda::Fabbisogni);
    let theme = cell(&x, "Fabbisogni", FIRST, 0);
    let rows = s.training_themes().unwrap().len() as u32;
    let back = edited(
        &x,
        &[
            ("Fabbisogni", FIRST, 1, V::Num(5.0)),
            ("Fabbisogni", FIRST, 2, V::Num(3.0)),
            ("Fabbisogni", FIRST + rows, 1, V::Text("webinar")),
        ],
    );
    let p = s
        .comms_returns_preview(&[("f.xlsx".into(), back.clone())], Some(needs))
        .unwrap()
        .remove(0);
    assert_eq!(p.changes.len(), 3, "{p:?}");
    s.comms_return_apply("f.xlsx", &back, Some(needs), &[], now())
        .unwrap();
    let survey = s.training_survey(&c.istat, 2027).unwrap().unwrap();
    assert_eq!(survey.preferred_mode.as_deref(), Some("webinar"));
    assert_eq!(
        (
            survey.needs[0].theme.as_str(),
            survey.needs[0].priority,
            survey.needs[0].staff
        ),
        (theme.as_str(), 5, 3)
    );
}

#[test]
fn the_year_a_request_asks_about_is_chosen_in_its_form() {
    let mut s = common::store_on("2027-10-01");
    network(&mut s);
    let c = s.list_comuni(&Default::default()).unwrap().remove(0);
    let input = |year: Option<i32>| CommInput {
        kind: Kind::RichiestaScheda,
        subject: "Rilevazione dei fabbisogni formativi per il 2028".into(),
        body: "Si chiede di restituire la scheda allegata.".into(),
        signatory: String::new(),
        protocol_number: String::new(),
        protocol_date: String::new(),
        generated_doc: Scheda::Fabbisogni.generated().into(),
        event_id: None,
        year,
        updated_at: None,
    };
    // Not said: the current year.
    let r = s.comms_create(&input(None)).unwrap();
    assert_eq!(r.year, Some(2027));
    // Chosen: the next year's needs, asked in the autumn.
    let r = s
        .comms_update(
            r.id,
            &CommInput {
                updated_at: Some(r.updated_at.clone()),
                ..input(Some(2028))
            },
        )
        .unwrap();
    assert_eq!(r.year, Some(2028));
    s.comms_set_recipients(
        r.id,
        &RecipientRule {
            comuni: vec![c.istat.clone()],
            roles: vec![RecipientRole::Rpct],
            ..Default::default()
        },
        &[],
    )
    .unwrap();
    let (name, x) = s.comms_scheda_xlsx(r.id, &c.istat).unwrap();
    assert!(
        name.starts_with("Scheda_fabbisogni_formativi_2028_"),
        "{name}"
    );
    assert_eq!(
        cell(&x, "Fabbisogni", 1, 0),
        "Scheda di rilevazione dei fabbisogni formativi – anno 2028"
    );
    // A year out of range names its field.
    let e = s.comms_create(&input(Some(1999))).unwrap_err();
    assert_eq!(e.field(), Some("year"));
    // A communication that asks for no scheda has no year.
    let plain = s
        .comms_create(&draft(Kind::Circolare, "Circolare"))
        .unwrap();
    assert_eq!(plain.year, None);
}
