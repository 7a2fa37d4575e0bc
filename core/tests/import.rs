//! Imports: referents and contacts from spreadsheets (CSV in each encoding
//! and separator, XLSX), ISTAT's list of comuni; dry run, all-or-nothing
//! apply, idempotence, undo, round trip of the app's own exports.

mod common;

use cdp_core::io::table;
use cdp_core::registry::import::{LineStatus, Mapping};
use cdp_core::registry::istat::{self, IstatChangeKind};
use cdp_core::registry::{ComuneQuery, ReferentInput, Role};
use cdp_core::Store;
use chrono::Utc;
use common::registry::{referent, rpct, ReferentBuilder};

fn read(bytes: &[u8], xlsx: bool) -> table::Table {
    table::read_bytes(bytes, xlsx, &|_| false).unwrap()
}

fn no_progress() -> impl FnMut(usize, usize) -> bool {
    |_, _| true
}

/// A secretariat's file: `sep`, optional BOM, a quoted header with a line
/// break, blank lines, a trailing separator, and (if `bad`) a bad line in the middle.
fn referents_csv(sep: char, bom: bool, bad: bool) -> String {
    let mut s = String::new();
    if bom {
        s.push('\u{feff}');
    }
    let rows: Vec<Vec<&str>> = vec![
        vec![
            "083002",
            "Alì",
            "RPCT",
            "Maria Teresa Cucinotta",
            "mt.cucinotta@comune.ali.me.it",
            "090 123456",
            "15/3/2024",
            "protocollo@pec.comune.ali.me.it",
        ],
        vec![
            "",
            "sant'agata di militello",
            "Sindaco",
            "Bruno Mancuso",
            "",
            "",
            "2022-06-27",
            "",
        ],
        if bad {
            vec![
                "",
                "Sant'Agata di Militello",
                "RPCT",
                "Giuseppe Sanò",
                "",
                "",
                "1/1/2025",
                "non-una-pec",
            ]
        } else {
            vec![
                "",
                "Sant'Agata di Militello",
                "RPCT",
                "Giuseppe Sanò",
                "",
                "",
                "1/1/2025",
                "protocollo@pec.comune.santagatadimilitello.gov.it",
            ]
        },
        vec![
            "A638",
            "",
            "Referente operativo",
            "Lucia Pagano",
            "l.pagano@comune.barcellona-pozzo-di-gotto.me.it",
            "+39 090 9790111",
            "",
            "",
        ],
    ];
    s.push_str(&format!(
        "\"Codice\nISTAT\"{sep}Comune{sep}Ruolo{sep}\"Nome e cognome\"{sep}E-mail{sep}\"Telefono referente\"{sep}\"In carica dal\"{sep}PEC{sep}\r\n"
    ));
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .map(|c| {
                if c.contains(sep) || c.contains('"') {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.to_string()
                }
            })
            .collect();
        s.push_str(&cells.join(&sep.to_string()));
        s.push(sep); // trailing separator
        s.push_str("\r\n");
        if i == 1 {
            s.push_str("\r\n\r\n"); // blank lines
        }
    }
    s
}

fn mapping_for_csv() -> Mapping {
    Mapping {
        istat: Some("Codice ISTAT".into()),
        comune_name: Some("Comune".into()),
        role: Some("Ruolo".into()),
        full_name: Some("Nome e cognome".into()),
        email: Some("E-mail".into()),
        phone: Some("Telefono referente".into()),
        valid_from: Some("In carica dal".into()),
        pec: Some("PEC".into()),
        ..Default::default()
    }
}

#[test]
fn each_encoding_and_separator_reads_the_same_table() {
    let utf8 = referents_csv(';', true, false);
    let reference = read(utf8.as_bytes(), false);
    assert_eq!(
        reference.headers[0], "Codice ISTAT",
        "multi-line header joined"
    );
    assert_eq!(reference.headers.len(), 8, "trailing separator dropped");
    assert_eq!(reference.rows.len(), 4, "blank lines skipped");
    assert_eq!(
        reference.rows[2].line, 7,
        "line numbers count the header's two lines and the blanks"
    );
    assert_eq!(table::Table::cell(&reference.rows[2], 3), "Giuseppe Sanò");
    for (sep, bom, enc) in [
        (';', false, "utf8"),
        (',', true, "utf8"),
        (',', false, "1252"),
        (';', false, "1252"),
        ('\t', false, "utf8"),
    ] {
        let text = referents_csv(sep, bom, false);
        let bytes = if enc == "1252" {
            encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
        } else {
            text.into_bytes()
        };
        let t = read(&bytes, false);
        assert_eq!(t.headers, reference.headers, "{sep:?} {bom} {enc}");
        assert_eq!(
            t.rows
                .iter()
                .map(|r| r.cells[..8].to_vec())
                .collect::<Vec<_>>(),
            reference
                .rows
                .iter()
                .map(|r| r.cells[..8].to_vec())
                .collect::<Vec<_>>(),
            "{sep:?} {bom} {enc}"
        );
        if enc == "1252" {
            assert!(
                t.described_as.contains("Windows-1252"),
                "{}",
                t.described_as
            );
        }
    }
}

#[test]
fn dry_run_names_each_error_and_writes_nothing() {
    let mut s = common::store_on("2026-11-30");
    // A second comune named like one of Messina's: names become ambiguous.
    s.connection()
        .execute(
            "INSERT INTO comune (istat, name, cadastral_code, updated_at) VALUES ('001999', 'Antillo', 'Z999', 'x')",
            [],
        )
        .unwrap();
    s.add_referent("083004", &rpct("Anna Rossi").since("1/1/2020"))
        .unwrap();
    let csv = "Comune;Ruolo;Nome;PEC;Dal\n\
               Atlantide;RPCT;Mario Bianchi;;\n\
               Antillo;RPCT;Mario Bianchi;;\n\
               083004;RPCT;Mario Bianchi;;\n\
               083003;RPCT;Carla Neri;;1/1/2099\n\
               083001;RPCT;Carla Neri;pec@@x;\n\
               083005;RPCT;Paolo Verdi;;1/2/2024\n\
               083005;RPCT;Piero Gialli;;1/3/2024\n\
               083006;Assessore;Piero Gialli;;\n\
               083007;Sindaco;Rita Blu;;1/3/2024\n";
    let t = read(csv.as_bytes(), false);
    let m = Mapping {
        comune_name: Some("Comune".into()),
        role: Some("Ruolo".into()),
        full_name: Some("Nome".into()),
        pec: Some("PEC".into()),
        valid_from: Some("Dal".into()),
        ..Default::default()
    };
    let before = common::dump(&s);
    let p = s
        .preview_referents_import("rpct.csv", &t, &m, &[], &mut no_progress())
        .unwrap();
    assert_eq!(common::dump(&s), before, "the dry run writes nothing");
    let err = |line: usize| {
        let l = p.lines.iter().find(|l| l.line == line).unwrap();
        assert_eq!(l.status, LineStatus::Error, "line {line}: {l:?}");
        (
            l.errors[0].column.clone().unwrap_or_default(),
            l.errors[0].message.clone(),
        )
    };
    let (c, m2) = err(2);
    assert_eq!(c, "Comune");
    assert!(
        m2.contains("Comune sconosciuto") && m2.contains("Atlantide"),
        "{m2}"
    );
    let (_, m3) = err(3);
    assert!(
        m3.contains("2 comuni con il nome «Antillo»") && m3.contains("001999"),
        "{m3}"
    );
    let (c, m4) = err(4);
    assert_eq!(c, "Dal");
    assert!(
        m4.contains("sostituisce Anna Rossi"),
        "replacing needs a date: {m4}"
    );
    let (c, m5) = err(5);
    assert_eq!(c, "Dal");
    assert!(m5.contains("nel futuro"), "{m5}");
    let (c, m6) = err(6);
    assert_eq!(c, "PEC");
    assert!(m6.contains("PEC") && m6.contains("pec@@x"), "{m6}");
    assert_eq!(
        p.lines.iter().find(|l| l.line == 7).unwrap().status,
        LineStatus::New
    );
    let (c, m8) = err(8);
    assert_eq!(c, "Nome");
    assert!(
        m8.contains("Due RPCT in carica") && m8.contains("riga 7") && m8.contains("Paolo Verdi"),
        "{m8}"
    );
    let (c, m9) = err(9);
    assert_eq!(c, "Ruolo");
    assert!(m9.contains("Assessore"), "{m9}");
    assert_eq!(
        p.lines.iter().find(|l| l.line == 10).unwrap().status,
        LineStatus::New
    );
    assert_eq!((p.counts.new, p.counts.error), (2, 7));
    // Apply is refused while errors remain, and writes nothing.
    let e = s
        .apply_referents_import("rpct.csv", &t, &m, &[], Utc::now(), &mut no_progress())
        .unwrap_err();
    assert_eq!(e.code(), "validation");
    assert!(e.to_string().contains("7 righe con errori"), "{e}");
    assert_eq!(common::dump(&s), before);
}

fn referent_rows(s: &Store) -> String {
    let mut stmt = s
        .connection()
        .prepare("SELECT id, istat, role, full_name, email, phone, valid_from, valid_to FROM referent ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((0..8)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap();
    let mut out: Vec<String> = rows.map(Result::unwrap).collect();
    let mut stmt = s
        .connection()
        .prepare("SELECT istat, pec, phone, mayor_name, search_key FROM comune ORDER BY istat")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((0..5)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap();
    out.extend(rows.map(Result::unwrap));
    out.join("\n")
}

#[test]
fn apply_reimport_and_undo() {
    let mut s = common::store_on("2026-11-30");
    // The RPCT in office at Alì, replaced by the file from 15/3/2024.
    s.add_referent("083002", &rpct("Vecchio Responsabile").since("1/1/2019"))
        .unwrap();
    let original = referent_rows(&s);
    let bytes = encoding_rs::WINDOWS_1252
        .encode(&referents_csv(';', false, false))
        .0
        .into_owned();
    let t = read(&bytes, false);
    let m = mapping_for_csv();
    let p = s
        .preview_referents_import("referenti.csv", &t, &m, &[], &mut no_progress())
        .unwrap();
    assert_eq!(p.counts.error, 0, "{:?}", p.lines);
    assert_eq!(p.counts.new, 4);
    assert!(
        p.lines[0]
            .changes
            .iter()
            .any(|c| c.contains("sostituisce Vecchio Responsabile dal 15/03/2024")),
        "{:?}",
        p.lines[0]
    );
    let batch = s
        .apply_referents_import(
            "/tmp/x/referenti.csv",
            &t,
            &m,
            &[],
            Utc::now(),
            &mut no_progress(),
        )
        .unwrap()
        .expect("changes");
    assert_eq!(batch.file_name, "referenti.csv");
    let ali = s.referents("083002").unwrap();
    let old = ali
        .iter()
        .find(|r| r.full_name == "Vecchio Responsabile")
        .unwrap();
    assert_eq!(
        old.valid_to.as_deref(),
        Some("2024-03-14"),
        "closed the day before"
    );
    let new = ali
        .iter()
        .find(|r| r.full_name == "Maria Teresa Cucinotta")
        .unwrap();
    assert_eq!(
        (
            new.email.as_deref(),
            new.phone.as_deref(),
            new.valid_from.as_deref()
        ),
        (
            Some("mt.cucinotta@comune.ali.me.it"),
            Some("090 123456"),
            Some("2024-03-15")
        )
    );
    assert_eq!(
        s.comune("083002").unwrap().pec.as_deref(),
        Some("protocollo@pec.comune.ali.me.it")
    );
    let sant_agata = s
        .list_comuni(&ComuneQuery {
            text: "Sanò".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(sant_agata.len(), 1, "the search finds the imported name");
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM audit WHERE action = 'import'"),
        1
    );

    // The same file again: every line unchanged, nothing written.
    let after = common::dump(&s);
    let p2 = s
        .preview_referents_import("referenti.csv", &t, &m, &[], &mut no_progress())
        .unwrap();
    assert_eq!(
        (p2.counts.unchanged, p2.counts.new, p2.counts.update),
        (4, 0, 0),
        "{:?}",
        p2.lines
    );
    assert!(s
        .apply_referents_import("referenti.csv", &t, &m, &[], Utc::now(), &mut no_progress())
        .unwrap()
        .is_none());
    assert_eq!(common::dump(&s), after, "re-import is idempotent");

    // The mapping is remembered for the next file with these columns.
    assert_eq!(s.import_mapping(&t.headers).unwrap(), m);

    // Undo restores the previous values, as a whole.
    let undone = s.undo_import(batch.id).unwrap();
    assert!(undone.undone_at.is_some());
    assert_eq!(referent_rows(&s), original);
    assert_eq!(s.undo_import(batch.id).unwrap_err().code(), "conflict");
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM audit WHERE action = 'undo_import'"
        ),
        1
    );
}

#[test]
fn undo_is_refused_after_a_later_change() {
    let mut s = common::store_on("2026-11-30");
    let t = read(referents_csv(';', false, false).as_bytes(), false);
    let b = s
        .apply_referents_import(
            "r.csv",
            &t,
            &mapping_for_csv(),
            &[],
            Utc::now(),
            &mut no_progress(),
        )
        .unwrap()
        .unwrap();
    let r = s.referents("083002").unwrap().remove(0);
    let input = ReferentInput {
        phone: r.phone.clone(),
        valid_from: r.valid_from.clone(),
        ..referent(r.role, &r.full_name)
            .email("altro@comune.ali.me.it")
            .version(&r.updated_at)
    };
    s.update_referent(r.id, &input).unwrap();
    let before = common::dump(&s);
    let e = s.undo_import(b.id).unwrap_err();
    assert_eq!(e.code(), "conflict");
    assert!(e.to_string().contains("Maria Teresa Cucinotta"), "{e}");
    assert_eq!(common::dump(&s), before);
}

#[test]
fn a_failure_on_the_last_row_leaves_the_archive_unchanged() {
    let mut s = common::store_on("2026-11-30");
    // Fault injection: the archive refuses the last row's referent.
    s.connection()
        .execute_batch(
            "CREATE TRIGGER fail_last BEFORE INSERT ON referent WHEN NEW.full_name = 'Lucia Pagano'
             BEGIN SELECT RAISE(ABORT, 'disco guasto'); END;",
        )
        .unwrap();
    let t = read(referents_csv(',', true, false).as_bytes(), false);
    let before = common::dump_all(s.connection());
    let e = s
        .apply_referents_import(
            "r.csv",
            &t,
            &mapping_for_csv(),
            &[],
            Utc::now(),
            &mut no_progress(),
        )
        .unwrap_err();
    assert_eq!(e.code(), "database", "{e}");
    assert_eq!(common::dump_all(s.connection()), before, "all or nothing");
    // Cancelling the dry run or the apply writes nothing either.
    let e = s
        .apply_referents_import(
            "r.csv",
            &t,
            &mapping_for_csv(),
            &[],
            Utc::now(),
            &mut |_, _| false,
        )
        .unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert_eq!(common::dump_all(s.connection()), before);
}

#[test]
fn xlsx_with_a_date_cell_and_a_text_date() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Cod. ISTAT",
        "Nominativo",
        "Incarico",
        "Decorrenza",
        "Telefono",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    ws.write_number(1, 0, 83002.0).unwrap(); // a code typed as a number
    ws.write_string(1, 1, "Rosa Spina").unwrap();
    ws.write_string(1, 2, "R.P.C.T.").unwrap();
    ws.write_datetime_with_format(1, 3, &ExcelDateTime::from_ymd(2023, 4, 5).unwrap(), &date)
        .unwrap();
    ws.write_string(1, 4, "0941 701111").unwrap();
    ws.write_string(2, 0, "083004").unwrap();
    ws.write_string(2, 1, "Ugo Lillo").unwrap();
    ws.write_string(2, 2, "sindaco").unwrap();
    ws.write_string(2, 3, "5/4/2023").unwrap(); // a date typed as text
    let bytes = wb.save_to_buffer().unwrap();
    let t = read(&bytes, true);
    assert_eq!(t.described_as, "Excel");
    let mut s = common::store_on("2026-11-30");
    let m = s.import_mapping(&t.headers).unwrap();
    assert_eq!(m.istat.as_deref(), Some("Cod. ISTAT"), "{m:?}");
    assert_eq!(m.full_name.as_deref(), Some("Nominativo"));
    assert_eq!(m.role.as_deref(), Some("Incarico"));
    assert_eq!(m.valid_from.as_deref(), Some("Decorrenza"));
    assert_eq!(m.comune_phone.as_deref(), Some("Telefono"));
    let p = s
        .preview_referents_import("r.xlsx", &t, &m, &[], &mut no_progress())
        .unwrap();
    assert_eq!(p.counts.new, 2, "{:?}", p.lines);
    s.apply_referents_import("r.xlsx", &t, &m, &[], Utc::now(), &mut no_progress())
        .unwrap();
    let a = s.referents("083002").unwrap();
    assert_eq!(
        (a[0].full_name.as_str(), a[0].valid_from.as_deref()),
        ("Rosa Spina", Some("2023-04-05"))
    );
    assert_eq!(
        s.comune("083002").unwrap().phone.as_deref(),
        Some("0941 701111")
    );
    let b = s.referents("083004").unwrap();
    assert_eq!(
        (b[0].role, b[0].valid_from.as_deref()),
        (Role::Sindaco, Some("2023-04-05"))
    );
}

#[test]
fn the_apps_own_exports_import_back_unchanged() {
    let mut s = common::store_on("2026-11-30");
    let t = read(referents_csv(';', true, false).as_bytes(), false);
    s.apply_referents_import(
        "r.csv",
        &t,
        &mapping_for_csv(),
        &[],
        Utc::now(),
        &mut no_progress(),
    )
    .unwrap();
    let mut c = s.comune("083005").unwrap();
    c.phone = Some("090 9790111".into());
    let input = cdp_core::registry::ComuneInput {
        name: c.name.clone(),
        cadastral_code: c.cadastral_code.clone(),
        population: c.population,
        population_year: c.population_year,
        pec: Some("protocollo@pec.comune.barcellona-pozzo-di-gotto.me.it".into()),
        phone: c.phone.clone(),
        mayor_name: Some("Pinuccio Calabrò".into()),
        ..Default::default()
    };
    s.update_comune("083005", &input).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (fmt, name) in [
        (cdp_core::io::Format::Csv, "c.csv"),
        (cdp_core::io::Format::Xlsx, "c.xlsx"),
    ] {
        let path = dir.path().join(name);
        s.export_comuni(&ComuneQuery::default(), fmt, &path)
            .unwrap();
        let t = table::read_path(&path, &|_| false).unwrap();
        let m = s.import_mapping(&t.headers).unwrap();
        assert_eq!(m.istat.as_deref(), Some("Codice ISTAT"), "{name}");
        assert_eq!(m.rpct_name.as_deref(), Some("RPCT"), "{name}");
        assert_eq!(m.mayor_name.as_deref(), Some("Sindaco"), "{name}");
        let before = common::dump(&s);
        let p = s
            .preview_referents_import(name, &t, &m, &[], &mut no_progress())
            .unwrap();
        assert_eq!(
            (p.counts.unchanged, p.counts.error),
            (108, 0),
            "{name}: {:?}",
            p.lines.iter().find(|l| l.status != LineStatus::Unchanged)
        );
        assert!(s
            .apply_referents_import(name, &t, &m, &[], Utc::now(), &mut no_progress())
            .unwrap()
            .is_none());
        // Only the remembered mapping may differ.
        let strip = |d: String| {
            d.lines()
                .filter(|l| !l.starts_with("setting:"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(common::dump(&s)), strip(before), "{name}");
    }
}

// ---- ISTAT ----

const ISTAT_HEADER: &str = "\"Codice Regione\";\"Codice dell'Unità territoriale sovracomunale \n(valida a fini statistici)\";\"Codice Provincia (Storico)(1)\";\"Progressivo del Comune (2)\";\"Codice Comune formato alfanumerico\";\"Denominazione (Italiana e straniera)\";\"Denominazione in italiano\";\"Denominazione altra lingua\";\"Codice Ripartizione Geografica\";\"Ripartizione geografica\";\"Denominazione Regione\";\"Denominazione dell'Unità territoriale sovracomunale \n(valida a fini statistici)\";\"Tipologia di Unità territoriale sovracomunale \";\"Flag Comune capoluogo di provincia/città metropolitana/libero consorzio\";\"Sigla automobilistica\";\"Codice Comune formato numerico\";\"Codice Comune numerico con 110 province (dal 2010 al 2016)\";\"Codice Comune numerico con 107 province (dal 2006 al 2009)\";\"Codice Comune numerico con 103 province (dal 1995 al 2005)\";\"Codice Catastale del comune\";\"Codice NUTS1 2021\";\"Codice NUTS2 2021 (3) \";\"Codice NUTS3 2021\"";

/// ISTAT's list as ISTAT writes it (Windows-1252, `;`, CRLF): the 108
/// comuni of Messina with `edit` applied, and two comuni of Palermo.
fn istat_csv(edit: &dyn Fn(&mut Vec<(String, String, String, bool)>)) -> Vec<u8> {
    let mut me: Vec<(String, String, String, bool)> =
        csv::Reader::from_reader(cdp_core::registry::SEED_CSV.as_bytes())
            .records()
            .map(|r| {
                let r = r.unwrap();
                (
                    r[0].to_string(),
                    r[1].to_string(),
                    r[2].to_string(),
                    &r[3] == "1",
                )
            })
            .collect();
    edit(&mut me);
    let mut s = String::from(ISTAT_HEADER);
    s.push_str("\r\n");
    let line = |istat: &str, name: &str, cad: &str, cap: bool, sigla: &str, reg: &str| {
        let n: u32 = istat.parse().unwrap();
        format!(
            "\"19\";\"2{p}\";\"{p}\";\"{prog}\";\"{istat}\";\"{name}\";\"{name}\";\"\";\"5\";\"Isole\";\"Sicilia\";\"{reg}\";\"4\";\"{cap}\";\"{sigla}\";\"{n}\";\"{n}\";\"{n}\";\"{n}\";\"{cad}\";\"ITG\";\"ITG1\";\"ITG13\"\r\n",
            p = &istat[..3],
            prog = &istat[3..],
            cap = cap as u8,
        )
    };
    s.push_str(&line("082001", "Alia", "A195", false, "PA", "Palermo"));
    for (istat, name, cad, cap) in &me {
        s.push_str(&line(istat, name, cad, *cap, "ME", "Messina"));
    }
    s.push_str(&line("082053", "Palermo", "G273", true, "PA", "Palermo"));
    encoding_rs::WINDOWS_1252.encode(&s).0.into_owned()
}

#[test]
fn istat_list_is_read_as_published_and_an_unknown_layout_is_refused() {
    let list = istat::read_bytes(&istat_csv(&|_| {}), false).unwrap();
    assert_eq!(list.comuni.len(), 110);
    assert!(
        list.described_as.contains("Windows-1252"),
        "{}",
        list.described_as
    );
    let ali = list.comuni.iter().find(|c| c.istat == "083002").unwrap();
    assert_eq!(
        (
            ali.name.as_str(),
            ali.cadastral_code.as_str(),
            ali.province.as_str()
        ),
        ("Alì", "A194", "ME")
    );
    assert!(
        list.comuni
            .iter()
            .find(|c| c.istat == "083048")
            .unwrap()
            .capoluogo,
        "Messina is capoluogo"
    );
    assert_eq!(list.provinces(), vec!["ME", "PA"]);

    let e =
        istat::read_bytes(b"Codice;Nome;Provincia\n083001;Alcara li Fusi;ME\n", false).unwrap_err();
    let m = e.to_string();
    assert_eq!(e.code(), "validation");
    for col in [
        "Codice Comune formato alfanumerico",
        "Denominazione in italiano",
        "Sigla automobilistica",
        "Codice Catastale del comune",
    ] {
        assert!(m.contains(col), "{m}");
    }
}

#[test]
fn istat_update_dry_run_apply_and_idempotence() {
    let mut s = common::store_on("2026-11-30");
    // Alì has a referent and an adhesion step: they must survive a rename.
    s.add_referent("083002", &rpct("Maria Teresa Cucinotta"))
        .unwrap();
    // Antillo leaves the list (merged) and keeps its referent.
    s.add_referent("083004", &referent(Role::Sindaco, "Davide Paratore"))
        .unwrap();
    // Both have a step of the adhesion workflow: its history stays.
    for c in ["083002", "083004"] {
        s.record_step(
            c,
            &cdp_core::adhesion::Step::Invite {
                date: "2024-01-10".into(),
                protocol_number: "1234/2024".into(),
                channel: cdp_core::adhesion::Channel::Pec,
            },
        )
        .unwrap();
    }
    // And a generated document.
    let docs_dir = tempfile::tempdir().unwrap();
    s.generate_document(
        cdp_core::adhesion::documents::DocKind::DeliberaGiunta,
        "083002",
        cdp_core::documents::Format::Docx,
        &docs_dir.path().join("ali.docx"),
    )
    .unwrap();
    let bytes = istat_csv(&|me| {
        me.iter_mut().find(|c| c.0 == "083002").unwrap().1 = "Alì Superiore".into();
        me.iter_mut().find(|c| c.0 == "083003").unwrap().2 = "M999".into();
        me.retain(|c| c.0 != "083004");
        me.push((
            "083109".into(),
            "Nuovo Comune dei Nebrodi".into(),
            "M400".into(),
            false,
        ));
    });
    let list = istat::read_bytes(&bytes, false).unwrap();
    let before = common::dump_all(s.connection());
    let p = s
        .preview_istat_import("Elenco-comuni-italiani.csv", &list, Some("me"))
        .unwrap();
    assert_eq!(
        common::dump_all(s.connection()),
        before,
        "the dry run writes nothing"
    );
    assert_eq!(
        (
            p.counts.new,
            p.counts.renamed,
            p.counts.cadastral_changed,
            p.counts.suppressed,
            p.counts.unchanged
        ),
        (1, 1, 1, 1, 105)
    );
    let kind = |istat: &str| p.changes.iter().find(|c| c.istat == istat).unwrap().kind;
    assert_eq!(kind("083109"), IstatChangeKind::New);
    assert_eq!(kind("083002"), IstatChangeKind::Changed);
    assert_eq!(kind("083004"), IstatChangeKind::Suppressed);
    assert!(
        p.changes.iter().all(|c| c.province == "ME"),
        "Palermo is not compared"
    );
    assert_eq!(
        p.changes
            .iter()
            .find(|c| c.istat == "083002")
            .unwrap()
            .old_name
            .as_deref(),
        Some("Alì")
    );

    s.apply_istat_import("Elenco-comuni-italiani.csv", &list, Some("ME"), Utc::now())
        .unwrap();
    let ali = s.comune("083002").unwrap();
    assert_eq!(ali.name, "Alì Superiore");
    assert_eq!(
        s.referents("083002").unwrap()[0].full_name,
        "Maria Teresa Cucinotta"
    );
    assert_eq!(s.comune("083003").unwrap().cadastral_code, "M999");
    let antillo = s.comune("083004").unwrap();
    assert_eq!(
        antillo.suppressed_on.as_deref(),
        Some("2026-11-30"),
        "marked, never deleted"
    );
    assert_eq!(s.referents("083004").unwrap().len(), 1, "history stays");
    assert_eq!(
        s.adhesion("083004").unwrap().history.len(),
        1,
        "the workflow's history stays"
    );
    assert_eq!(
        s.adhesion("083002").unwrap().history.len(),
        1,
        "the renamed comune keeps its history"
    );
    assert_eq!(
        s.documents(Some("083002")).unwrap().len(),
        1,
        "and its documents"
    );
    assert_eq!(s.comune("083109").unwrap().name, "Nuovo Comune dei Nebrodi");
    assert!(s.comune("082053").is_err(), "other provinces untouched");
    assert_eq!(common::count(&s, "SELECT count(*) FROM comune"), 109);
    assert_eq!(common::count(&s, "SELECT count(*) FROM audit WHERE entity = 'comune' AND action IN ('create','update','suppress')"), 4);
    let found = s
        .list_comuni(&ComuneQuery {
            text: "superiore".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.len(), 1, "the search knows the new name");

    // The same file again changes nothing.
    let after = common::dump_all(s.connection());
    let again = s
        .apply_istat_import("Elenco-comuni-italiani.csv", &list, Some("ME"), Utc::now())
        .unwrap();
    assert_eq!(
        (again.new, again.renamed, again.suppressed, again.unchanged),
        (0, 0, 0, 108)
    );
    assert_eq!(common::dump_all(s.connection()), after, "idempotent");
}

#[test]
fn istat_xlsx_and_all_italy() {
    use rust_xlsxwriter::Workbook;
    let list_csv = istat::read_bytes(&istat_csv(&|_| {}), false).unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    // Another edition's names, a title row above the header and codes typed as numbers.
    ws.write_string(0, 0, "Elenco dei comuni italiani").unwrap();
    for (c, h) in [
        "Codice Comune formato alfanumerico",
        "Denominazione (Italiana e straniera)",
        "Sigla automobilistica",
        "Codice Catastale del comune",
        "Flag Comune capoluogo di provincia",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for (i, c) in list_csv.comuni.iter().enumerate() {
        let r = (i + 3) as u32;
        ws.write_number(r, 0, c.istat.parse::<f64>().unwrap())
            .unwrap();
        ws.write_string(r, 1, &c.name).unwrap();
        ws.write_string(r, 2, &c.province).unwrap();
        ws.write_string(r, 3, &c.cadastral_code).unwrap();
        ws.write_number(r, 4, c.capoluogo as u8 as f64).unwrap();
    }
    let list = istat::read_bytes(&wb.save_to_buffer().unwrap(), true).unwrap();
    assert_eq!(list.comuni, list_csv.comuni);

    let mut s = common::store_on("2026-11-30");
    let p = s.preview_istat_import("elenco.xlsx", &list, None).unwrap();
    assert_eq!(
        (p.counts.new, p.counts.unchanged),
        (2, 108),
        "all Italy: Palermo's two are new"
    );
    let c = s
        .apply_istat_import("elenco.xlsx", &list, None, Utc::now())
        .unwrap();
    assert_eq!(c.new, 2);
    assert!(s.comune("082053").unwrap().capoluogo);
}

#[test]
fn apply_makes_a_backup_first_on_a_real_archive() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("archivio.sqlite3")).unwrap();
    common::set_today(&mut s, "2026-11-30");
    let t = read(referents_csv(';', false, false).as_bytes(), false);
    let earlier = Utc::now() - chrono::Duration::minutes(5);
    s.apply_referents_import(
        "r.csv",
        &t,
        &mapping_for_csv(),
        &[],
        earlier,
        &mut no_progress(),
    )
    .unwrap()
    .unwrap();
    let list = istat::read_bytes(&istat_csv(&|me| me.retain(|c| c.0 != "083004")), false).unwrap();
    s.apply_istat_import("elenco.csv", &list, Some("ME"), Utc::now())
        .unwrap();
    let copies = s.backups().unwrap();
    let before_import = copies
        .iter()
        .filter(|b| b.reason == cdp_core::db::backup::Reason::BeforeImport)
        .count();
    assert_eq!(before_import, 2, "{copies:?}");
    // The first copy has no imported referent: it is the archive as it was.
    let oldest = copies
        .iter()
        .filter(|b| b.reason == cdp_core::db::backup::Reason::BeforeImport)
        .last()
        .unwrap();
    let conn = rusqlite::Connection::open(&oldest.path).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM referent", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}
