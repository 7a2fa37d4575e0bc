//! Spreadsheets as a secretariat keeps them (the files of
//! `core/tests/fixtures/sheets/`, written by its `make.py`): a title over
//! merged cells, a date row, a blank row, group labels over merged header
//! cells, a totals row at the bottom; as XLSX, old binary XLS and CSV in
//! Windows-1252. The header row is found, the rows above it and the totals
//! are left out and said, another header row can be chosen, and the
//! referents import reads the file (the titled RPCT is the one in office).

mod common;

use cdp_core::io::table;
use cdp_core::registry::import::{LineStatus, Mapping};
use cdp_core::registry::Role;
use common::registry::{rpct, ReferentBuilder};

const FILES: [(&str, &[u8], bool); 3] = [
    (
        "XLSX",
        include_bytes!("fixtures/sheets/rpct_titolo_totali.xlsx"),
        true,
    ),
    (
        "XLS",
        include_bytes!("fixtures/sheets/rpct_titolo_totali.xls"),
        true,
    ),
    (
        "CSV",
        include_bytes!("fixtures/sheets/rpct_titolo_totali.csv"),
        false,
    ),
];

const HEADER: [&str; 5] = [
    "Codice ISTAT",
    "Denominazione",
    "Nome e cognome",
    "E-mail",
    "In carica dal",
];

#[test]
fn the_header_is_found_under_title_date_and_groups() {
    for (kind, bytes, sheet) in FILES {
        let t = table::read_bytes(bytes, sheet, &|_| false).unwrap();
        assert_eq!(t.headers, HEADER, "{kind}");
        assert_eq!(t.header_line, 5, "{kind}");
        assert_eq!(t.rows.len(), 3, "{kind}: the totals row is not data");
        assert_eq!(table::Table::cell(&t.rows[0], 2), "Dott.ssa Anna Rossi");
        assert_eq!(table::Table::cell(&t.rows[1], 1), "Furci Siculo");
        let said = t.left_out.join(" / ");
        assert!(
            said.contains("riga 1 sopra l'intestazione: «Elenco dei Responsabili"),
            "{kind}: {said}"
        );
        assert!(
            said.contains("riga 2 sopra l'intestazione: «Aggiornato al"),
            "{kind}: {said}"
        );
        assert!(
            said.contains("riga 9: riga dei totali, esclusa"),
            "{kind}: {said}"
        );
        if kind == "CSV" {
            assert!(
                t.described_as.contains("Windows-1252"),
                "{}",
                t.described_as
            );
        } else {
            assert_eq!(t.described_as, "Excel");
        }
        // The first rows, for the user to choose another header.
        assert_eq!(t.first_rows[0].0, 1);
        assert!(
            t.first_rows
                .iter()
                .any(|(l, text)| *l == 4 && text == "Comune | RPCT"),
            "{kind}: {:?}",
            t.first_rows
        );
        // Another header chosen by the user: the group row.
        let other = table::read_bytes_at(bytes, sheet, &|_| false, Some(4)).unwrap();
        assert_eq!(other.header_line, 4);
        assert_eq!(other.headers[0], "Comune");
        assert_eq!(other.headers[1], "Colonna 2");
        let e = table::read_bytes_at(bytes, sheet, &|_| false, Some(3)).unwrap_err();
        assert_eq!(e.field(), Some("header_line"), "{kind}: line 3 is blank");
    }
}

#[test]
fn a_two_row_header_is_read_as_one() {
    let csv = "Comune;Referente;;Contatti;\r\n;Nome;Ruolo;E-mail;Telefono\r\nAlì;Anna Rossi;RPCT;anna.rossi@comune.ali.me.it;090 123456\r\nTOTALE;1;;;\r\n";
    let t = table::read_bytes(csv.as_bytes(), false, &|_| false).unwrap();
    assert_eq!(t.headers, ["Comune", "Nome", "Ruolo", "E-mail", "Telefono"]);
    assert_eq!(t.rows.len(), 1);
    // The same sub-name under two groups takes the group's label.
    let csv = "Comune;RPCT;;Sindaco;\r\n;Nome;E-mail;Nome;E-mail\r\nAlì;Anna Rossi;a@b.it;Mario Bianchi;m@b.it\r\n";
    let t = table::read_bytes(csv.as_bytes(), false, &|_| false).unwrap();
    assert_eq!(
        t.headers,
        [
            "Comune",
            "RPCT Nome",
            "RPCT E-mail",
            "Sindaco Nome",
            "Sindaco E-mail"
        ]
    );
}

#[test]
fn the_referents_import_reads_them() {
    for (kind, bytes, sheet) in FILES {
        let mut s = common::store_on("2026-11-30");
        s.add_referent("083002", &rpct("Anna Rossi").since("1/1/2020"))
            .unwrap();
        let t = table::read_bytes(bytes, sheet, &|_| false).unwrap();
        let mut m = s.import_mapping(&t.headers).unwrap();
        assert_eq!(m.istat.as_deref(), Some("Codice ISTAT"), "{kind}: {m:?}");
        assert_eq!(
            m.full_name.as_deref(),
            Some("Nome e cognome"),
            "{kind}: {m:?}"
        );
        m.default_role = Some(Role::Rpct);
        let m = Mapping { ..m };
        let p = s
            .preview_referents_import("rpct.xlsx", &t, &m, &[], &mut |_, _| true)
            .unwrap();
        assert_eq!(p.counts.error, 0, "{kind}: {:?}", p.lines);
        let ali = p
            .lines
            .iter()
            .find(|l| l.istat.as_deref() == Some("083002"))
            .unwrap();
        assert_eq!(ali.status, LineStatus::Update, "{kind}: {ali:?}");
        assert!(
            ali.changes.iter().all(|c| !c.contains("sostituisce")),
            "{kind}: {ali:?}"
        );
        assert_eq!(p.counts.new, 2, "{kind}");
    }
}
