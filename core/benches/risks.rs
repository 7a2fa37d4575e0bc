//! Rischi e misure at the scale of issue 12: 500 events, 300 measures,
//! 10,000 adoptions and 50,000 monitoring entries, over the 108 comuni and
//! over 7,904 comuni; every list and figure timed in core (target: under
//! 20 ms each). Run: `cargo bench -p cdp-core --bench risks` (Markdown table).

mod common;
use common::median;
use common::risks_data::{adopt, populate};

use std::time::{Duration, Instant};

use cdp_core::documents::Format;
use cdp_core::risks::*;
use cdp_core::Store;

const TODAY: &str = "2027-09-15";

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn time(f: &dyn Fn()) -> Duration {
    f();
    median(
        (0..21)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn run(label: &str, s: &Store, one: &str) -> Vec<(String, Duration)> {
    let measure = s.risk_measures(&CatalogueFilter::default()).expect("m")[150].id;
    let text = CatalogueFilter {
        text: Some("controlli favoritismi".into()),
        ..Default::default()
    };
    let filtered = CatalogueFilter {
        general: Some(false),
        level: Some(Level::A),
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut t = |name: &str, f: &dyn Fn()| out.push((format!("{label}: {name}"), time(f)));
    t("albero del catalogo", &|| {
        s.risk_tree(&CatalogueFilter::default()).expect("tree");
    });
    t("albero filtrato per testo", &|| {
        s.risk_tree(&text).expect("tree");
    });
    t("elenco delle misure", &|| {
        s.risk_measures(&CatalogueFilter::default()).expect("list");
    });
    t("elenco filtrato (specifiche, livello alto)", &|| {
        s.risk_measures(&filtered).expect("list");
    });
    t("una misura", &|| {
        s.risk_measure(measure).expect("measure");
    });
    t("piano di un comune", &|| {
        s.risk_plan(one).expect("plan");
    });
    t("misure in ritardo (tutti i comuni)", &|| {
        s.risk_late(None).expect("late");
    });
    t("figure per misura", &|| {
        s.risk_measure_figures().expect("figures");
    });
    t("figure per comune", &|| {
        s.risk_comune_figures().expect("figures");
    });
    t("riepilogo annuale della rete", &|| {
        s.risk_annual_summary(None, 2027).expect("summary");
    });
    t("riepilogo annuale di un comune", &|| {
        s.risk_annual_summary(Some(one), 2027).expect("summary");
    });
    out
}

fn counts(s: &Store) -> String {
    let c = |sql: &str| -> i64 {
        s.connection()
            .query_row(sql, [], |r| r.get(0))
            .expect("count")
    };
    format!(
        "{} eventi, {} misure, {} comuni con misure, {} adozioni, {} monitoraggi",
        c("SELECT count(*) FROM risk_event"),
        c("SELECT count(*) FROM risk_measure"),
        c("SELECT count(DISTINCT istat) FROM risk_adoption"),
        c("SELECT count(*) FROM risk_adoption"),
        c("SELECT count(*) FROM risk_monitoring"),
    )
}

/// The benchmark's fixed today.
fn today() -> cdp_core::Clock {
    cdp_core::Clock::from_setting(Some(TODAY)).expect("today")
}

fn main() {
    let t0 = Instant::now();
    let mut s = Store::open_in_memory().expect("store");
    s.set_clock(today());
    populate(&mut s);
    let comuni: Vec<String> = {
        let mut stmt = s
            .connection()
            .prepare("SELECT istat FROM comune ORDER BY istat")
            .expect("q");
        stmt.query_map([], |r| r.get(0))
            .expect("q")
            .map(|r| r.expect("r"))
            .collect()
    };
    adopt(&mut s, &comuni);
    let c108 = counts(&s);
    let mut rows = run("108 comuni", &s, &comuni[0]);

    let mut italy = Store::open_in_memory_empty().expect("store");
    italy.set_clock(today());
    italy.insert_synthetic(7_904).expect("synthetic");
    italy.seed_risks_if_empty().expect("catalogue");
    populate(&mut italy);
    let all: Vec<String> = {
        let mut stmt = italy
            .connection()
            .prepare("SELECT istat FROM comune ORDER BY istat")
            .expect("q");
        stmt.query_map([], |r| r.get(0))
            .expect("q")
            .map(|r| r.expect("r"))
            .collect()
    };
    adopt(&mut italy, &all);
    let c7904 = counts(&italy);
    rows.extend(run("7.904 comuni", &italy, &all[0]));

    println!(
        "Archivi: {c108}; {c7904} (preparati in {:.1} s).\n",
        t0.elapsed().as_secs_f64()
    );
    println!("| Operazione | Mediana |");
    println!("|---|---:|");
    for (name, d) in &rows {
        println!("| {name} | {} |", ms(*d));
    }
    let worst = rows.iter().map(|(_, d)| *d).max().unwrap_or_default();
    println!("\nPeggiore: {} (obiettivo: meno di 20 ms).", ms(worst));

    documents(&s, &comuni);
}

/// The schede and the catalogue as PDF/A through the report engine, and
/// LibreOffice converting the same scheda as DOCX, side by side.
fn documents(s: &Store, comuni: &[String]) {
    let adopted: (i64, String) = s
        .connection()
        .query_row(
            "SELECT a.measure_id, a.istat FROM risk_adoption a JOIN risk_measure m ON m.id = a.measure_id
             WHERE m.code LIKE 'M-S-0%' AND a.istat = ?1 ORDER BY m.code LIMIT 1",
            [&comuni[0]],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an adopted seeded measure");
    let (id, istat) = adopted;
    let mut first = None;
    let one = median(
        (0..31)
            .map(|_| {
                let t = Instant::now();
                let b = s
                    .risk_scheda(id, Some(&istat), Format::Pdf)
                    .expect("scheda");
                let d = t.elapsed();
                first.get_or_insert(b.len());
                d
            })
            .collect(),
    );
    let pages = s
        .risk_scheda_report(id, Some(&istat))
        .map(|r| cdp_core::documents::compose::compose(&r).len())
        .expect("layout");
    let docx = median(
        (0..31)
            .map(|_| {
                let t = Instant::now();
                s.risk_scheda(id, Some(&istat), Format::Docx).expect("docx");
                t.elapsed()
            })
            .collect(),
    );
    let t = Instant::now();
    let catalogue = s.risk_catalogue_document(Format::Pdf).expect("catalogue");
    let cat_first = t.elapsed();
    let cat = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                s.risk_catalogue_document(Format::Pdf).expect("catalogue");
                t.elapsed()
            })
            .collect(),
    );
    let cat_pages = s
        .risk_catalogue_report()
        .map(|r| cdp_core::documents::compose::compose(&r).len())
        .expect("layout");
    println!("\n| Documento | Mediana |");
    println!("|---|---:|");
    println!(
        "| Scheda misura di un comune, PDF/A ({pages} pagine, {} KiB) | {} |",
        first.unwrap_or(0) / 1024,
        ms(one)
    );
    println!("| La stessa scheda in DOCX | {} |", ms(docx));
    println!(
        "| Catalogo di 300 misure e 500 eventi con indice e registro orizzontale, PDF/A ({cat_pages} pagine, {} KiB) | {} (primo: {}) |",
        catalogue.len() / 1024,
        ms(cat),
        ms(cat_first)
    );
    let docx = s.risk_scheda(id, Some(&istat), Format::Docx).expect("docx");
    match common::libreoffice_to_pdf(&docx) {
        None => println!("| LibreOffice headless DOCX → PDF, stessa scheda | non installato |"),
        Some(d) => println!(
            "| LibreOffice headless DOCX → PDF, stessa scheda (avvio del processo incluso) | {} ({:.0}× il PDF di questa applicazione) |",
            ms(d),
            d.as_secs_f64() / one.as_secs_f64()
        ),
    }
}
