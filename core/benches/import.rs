//! Import time in the core: ISTAT's whole list (7,904 comuni, CSV as ISTAT
//! publishes it: Windows-1252, `;`, multi-line quoted header) read, dry run
//! and applied for all Italy; a referents file of 10,000 rows on an archive
//! the size of all Italy. Run: `cargo bench -p cdp-core --bench import`
//! (prints a Markdown table).

mod common;
use common::{median, ms};

use std::time::Instant;

use cdp_core::io::table;
use cdp_core::registry::import::Mapping;
use cdp_core::registry::istat;
use cdp_core::Store;

const N_COMUNI: usize = 7_904;
const N_REFERENTS: usize = 10_000;

/// ISTAT's list in its published form, `n` comuni of 107 provinces.
fn istat_csv(n: usize) -> Vec<u8> {
    let mut s = String::from(
        "\"Codice Regione\";\"Codice dell'Unità territoriale sovracomunale \n(valida a fini statistici)\";\"Codice Provincia (Storico)(1)\";\"Progressivo del Comune (2)\";\"Codice Comune formato alfanumerico\";\"Denominazione (Italiana e straniera)\";\"Denominazione in italiano\";\"Denominazione altra lingua\";\"Codice Ripartizione Geografica\";\"Ripartizione geografica\";\"Denominazione Regione\";\"Denominazione dell'Unità territoriale sovracomunale \n(valida a fini statistici)\";\"Tipologia di Unità territoriale sovracomunale \";\"Flag Comune capoluogo di provincia/città metropolitana/libero consorzio\";\"Sigla automobilistica\";\"Codice Comune formato numerico\";\"Codice Comune numerico con 110 province (dal 2010 al 2016)\";\"Codice Comune numerico con 107 province (dal 2006 al 2009)\";\"Codice Comune numerico con 103 province (dal 1995 al 2005)\";\"Codice Catastale del comune\";\"Codice NUTS1 2021\";\"Codice NUTS2 2021 (3) \";\"Codice NUTS3 2021\"\r\n",
    );
    for i in 0..n {
        // Province 083 (Messina) is the seeded archive's: left out, so every comune is new.
        let prov = match 1 + i % 107 {
            83 => 110,
            p => p,
        };
        let istat = format!("{prov:03}{:03}", 1 + i / 107);
        let sigla = format!(
            "{}{}",
            (b'A' + (prov / 26) as u8) as char,
            (b'A' + (prov % 26) as u8) as char
        );
        let name = format!("Comune di Prova {i} Sant'Agatà");
        let cad = format!("{}{:03}", (b'A' + (i / 1000) as u8) as char, i % 1000);
        s.push_str(&format!(
            "\"19\";\"{prov}\";\"{prov}\";\"{p}\";\"{istat}\";\"{name}\";\"{name}\";\"\";\"5\";\"Isole\";\"Sicilia\";\"Provincia\";\"1\";\"0\";\"{sigla}\";\"{n}\";\"{n}\";\"{n}\";\"{n}\";\"{cad}\";\"ITG\";\"ITG1\";\"ITG13\"\r\n",
            p = &istat[3..],
            n = istat.trim_start_matches('0'),
        ));
    }
    encoding_rs::WINDOWS_1252.encode(&s).0.into_owned()
}

/// A referents file for the synthetic archive: the first 7,904 lines name
/// each comune's RPCT in office with a new e-mail (updates), the rest add
/// a new referente operativo (new).
fn referents_csv(n: usize) -> Vec<u8> {
    let mut s = String::from("\u{feff}Codice ISTAT;Ruolo;Nome e cognome;E-mail;In carica dal\r\n");
    for i in 0..n {
        let c = i % N_COMUNI;
        if i < N_COMUNI {
            s.push_str(&format!(
                "9{c:05};RPCT;Persona{c} Cognome0;rpct{c}@comune.esempio.it;\r\n"
            ));
        } else {
            s.push_str(&format!("9{c:05};Referente operativo;Nuovo Referente {i};ref{i}@comune.esempio.it;1/2/2025\r\n"));
        }
    }
    s.into_bytes()
}

fn italy() -> Store {
    let mut s = Store::open_in_memory_empty().expect("empty store");
    s.insert_synthetic(N_COMUNI).expect("synthetic archive");
    s
}

fn main() {
    let runs = 5;
    let mut rows: Vec<(String, String)> = Vec::new();

    // ISTAT, all Italy.
    let bytes = istat_csv(N_COMUNI);
    let read = median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(istat::read_bytes(&bytes, false).expect("list"));
                t.elapsed()
            })
            .collect(),
    );
    let list = istat::read_bytes(&bytes, false).expect("list");
    assert_eq!(list.comuni.len(), N_COMUNI);
    let mut dry = Vec::new();
    let mut apply = Vec::new();
    let mut redry = Vec::new();
    for _ in 0..runs {
        let mut s = Store::open_in_memory().expect("seeded");
        let t = Instant::now();
        let p = s
            .preview_istat_import("elenco.csv", &list, None)
            .expect("preview");
        dry.push(t.elapsed());
        assert_eq!(p.counts.new, N_COMUNI);
        let t = Instant::now();
        s.apply_istat_import("elenco.csv", &list, None, chrono::Utc::now())
            .expect("apply");
        apply.push(t.elapsed());
        let t = Instant::now();
        let p = s
            .preview_istat_import("elenco.csv", &list, None)
            .expect("preview");
        redry.push(t.elapsed());
        assert_eq!(p.counts.unchanged, N_COMUNI);
    }
    rows.push((
        "ISTAT list, 7,904 comuni: read the CSV (Windows-1252, detected)".to_string(),
        ms(read),
    ));
    rows.push((
        "ISTAT list: dry run, all Italy (7,904 new against the 108)".into(),
        ms(median(dry)),
    ));
    rows.push((
        "ISTAT list: apply, all Italy (one transaction, audit row per comune; in memory)".into(),
        ms(median(apply)),
    ));
    rows.push((
        "ISTAT list: dry run again after applying (all unchanged)".into(),
        ms(median(redry)),
    ));

    // The same apply on an archive file, with the automatic backup before it.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut file_apply = Vec::new();
    for i in 0..3 {
        let mut s = Store::open(&dir.path().join(format!("a{i}.sqlite3"))).expect("archive");
        let t = Instant::now();
        s.apply_istat_import("elenco.csv", &list, None, chrono::Utc::now())
            .expect("apply");
        file_apply.push(t.elapsed());
        s.close().expect("close");
    }
    rows.push((
        "ISTAT list: apply on an archive file, automatic backup included".into(),
        ms(median(file_apply)),
    ));

    // Referents, 10,000 rows on the synthetic archive.
    let bytes = referents_csv(N_REFERENTS);
    let read = median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(table::read_bytes(&bytes, false, &|_| false).expect("table"));
                t.elapsed()
            })
            .collect(),
    );
    let t = table::read_bytes(&bytes, false, &|_| false).expect("table");
    let m = Mapping::guess(&t.headers);
    let mut dry = Vec::new();
    let mut apply = Vec::new();
    for _ in 0..runs {
        let mut s = italy();
        let t0 = Instant::now();
        let p = s
            .preview_referents_import("r.csv", &t, &m, &[], &mut |_, _| true)
            .expect("preview");
        dry.push(t0.elapsed());
        assert_eq!(
            (p.counts.update, p.counts.new, p.counts.error),
            (N_COMUNI, N_REFERENTS - N_COMUNI, 0)
        );
        let t0 = Instant::now();
        s.apply_referents_import("r.csv", &t, &m, &[], chrono::Utc::now(), &mut |_, _| true)
            .expect("apply");
        apply.push(t0.elapsed());
    }
    rows.push((
        "Referents file, 10,000 rows: read the CSV".to_string(),
        ms(read),
    ));
    rows.push((
        "Referents file: dry run on 7,904 comuni × 3 referents (7,904 updates, 2,096 new)"
            .to_string(),
        ms(median(dry)),
    ));
    rows.push((
        "Referents file: apply (one transaction, one audit row; in memory)".into(),
        ms(median(apply)),
    ));

    println!("| what | median |");
    println!("|---|---|");
    for (what, v) in rows {
        println!("| {what} | {v} |");
    }
}
