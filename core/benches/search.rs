//! Search and filter time in the core, for the real 108 comuni and for a
//! synthetic archive the size of all Italy (7,904 comuni, 3 referents each).
//! Run: `cargo bench -p cdp-core --bench search` (prints a Markdown table).

use std::time::{Duration, Instant};

use cdp_core::registry::{ComuneQuery, SortKey};
use cdp_core::Store;

fn measure(store: &Store, q: &ComuneQuery, iters: usize) -> (Duration, Duration, usize) {
    let rows = store.list_comuni(q).expect("query").len(); // warm-up and result size
    let mut times: Vec<Duration> = (0..iters)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(store.list_comuni(q).expect("query"));
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[iters / 2], times[iters * 95 / 100], rows)
}

fn q(text: &str) -> ComuneQuery {
    ComuneQuery {
        text: text.into(),
        ..Default::default()
    }
}

fn main() {
    let iters = 200;
    let real = Store::open_in_memory().expect("seeded store");
    let t = Instant::now();
    let mut italy = Store::open_in_memory_empty().expect("empty store");
    italy.insert_synthetic(7_904).expect("synthetic archive");
    let build = t.elapsed();

    let cases_real: Vec<(&str, ComuneQuery)> = vec![
        ("whole list, by name", ComuneQuery::default()),
        ("text \"sant agata\"", q("sant agata")),
        ("text \"ali\" (accent-insensitive)", q("ali")),
        (
            "zone filter + population class",
            ComuneQuery {
                zone: Some("2".into()),
                population_class: Some("1000_4999".into()),
                ..Default::default()
            },
        ),
        (
            "whole list, by population desc",
            ComuneQuery {
                sort: SortKey::Population,
                descending: true,
                ..Default::default()
            },
        ),
    ];
    let cases_italy: Vec<(&str, ComuneQuery)> = vec![
        ("whole list, by name", ComuneQuery::default()),
        ("text \"san\" (many hits)", q("san")),
        ("referent name \"persona4711\"", q("persona4711")),
        ("ISTAT code \"904711\"", q("904711")),
        (
            "population class, by RPCT name",
            ComuneQuery {
                population_class: Some("5000_14999".into()),
                sort: SortKey::Rpct,
                ..Default::default()
            },
        ),
    ];
    println!("Search/filter in core (median and p95 of {iters} runs; release build)\n");
    println!("| archive | query | rows | median | p95 |");
    println!("|---|---|---:|---:|---:|");
    for (archive, store, cases) in [
        ("108 comuni", &real, &cases_real),
        ("7,904 comuni × 3 referents", &italy, &cases_italy),
    ] {
        for (name, query) in cases {
            let (med, p95, rows) = measure(store, query, iters);
            println!(
                "| {archive} | {name} | {rows} | {:.2} ms | {:.2} ms |",
                med.as_secs_f64() * 1e3,
                p95.as_secs_f64() * 1e3
            );
        }
    }
    println!(
        "\n(synthetic archive built in {:.0} ms)",
        build.as_secs_f64() * 1e3
    );
}
