//! The organigram of 500 units: the as-of query, the tidy layout.
//! Run: `cargo bench -p cdp-core --bench organigram` (prints a Markdown table).

use std::time::{Duration, Instant};

use cdp_core::organigram::{
    layout, LayoutOptions, PersonChoice, PersonInput, RoleInput, UnitInput,
};
use cdp_core::Store;
use chrono::NaiveDate;

fn measure<T>(iters: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    std::hint::black_box(f());
    let mut times: Vec<Duration> = (0..iters)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[iters / 2], times[iters * 95 / 100])
}

/// The i-th of 494 distinct names: a first name and a surname, each list's
/// words at least two letters apart, so that the person-matching rule never
/// takes two of them for «probabilmente la stessa persona».
fn person_name(i: usize) -> String {
    const FIRST: [&str; 26] = [
        "Agata",
        "Benedetto",
        "Carmela",
        "Domenico",
        "Elena",
        "Filippo",
        "Giovanna",
        "Ignazio",
        "Lucia",
        "Mario",
        "Nunzia",
        "Orazio",
        "Paola",
        "Rosario",
        "Sebastiana",
        "Tindaro",
        "Vincenza",
        "Antonino",
        "Beatrice",
        "Calogero",
        "Donatella",
        "Emanuele",
        "Francesca",
        "Gaetano",
        "Marcella",
        "Salvatore",
    ];
    const LAST: [&str; 19] = [
        "Arena",
        "Bonanno",
        "Cacciola",
        "D'Angelo",
        "Famulari",
        "Genovese",
        "La Rosa",
        "Mangano",
        "Nicosia",
        "Oteri",
        "Parisi",
        "Quartarone",
        "Raffa",
        "Sturiale",
        "Trovato",
        "Ullo",
        "Villari",
        "Zanghì",
        "Bertuccio",
    ];
    format!("{} {}", FIRST[i % FIRST.len()], LAST[i / FIRST.len()])
}

fn main() {
    let mut s = Store::open_in_memory().expect("store");
    // 494 units more than the 6 of the proposal: tables with working groups, 3 levels deep.
    let mut ids: Vec<i64> = s.org_units().unwrap().iter().map(|u| u.id).collect();
    let mut seed = 7u64;
    for i in 0..494 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let parent = ids[(seed >> 33) as usize % ids.len()];
        let u = s
            .create_org_unit(&UnitInput {
                parent_id: Some(parent),
                kind: "gruppo".into(),
                name: format!("Gruppo di lavoro n. {i}"),
                ..Default::default()
            })
            .unwrap();
        s.add_org_role(&RoleInput {
            unit_id: u.id,
            person: PersonChoice::New(PersonInput {
                full_name: person_name(i),
                ..Default::default()
            }),
            title: "Coordinatore".into(),
            valid_from: Some("2026-01-01".into()),
            valid_to: None,
            version: None,
        })
        .unwrap();
        ids.push(u.id);
    }
    let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let o = s.organigram(day).unwrap();
    let units = o.nodes.len();
    let opts = LayoutOptions::default();
    let iters = 100;
    let (q50, q95) = measure(iters, || s.organigram(day).unwrap());
    let (l50, l95) = measure(iters, || layout(&o, &[], &opts));
    let (p50, p95) = measure(iters, || s.org_chart_pdf(day, &[]).unwrap());
    let pdf = s.org_chart_pdf(day, &[]).unwrap().len();
    // The organigram of the shipped proposal with a tavolo of 8 people: a realistic one.
    let mut small = Store::open_in_memory().expect("store");
    let tavoli = small
        .org_units()
        .unwrap()
        .iter()
        .find(|u| u.kind == "tavoli")
        .unwrap()
        .id;
    let t = small
        .create_org_unit(&UnitInput {
            parent_id: Some(tavoli),
            kind: "tavolo".into(),
            name: "Tavolo di Pratiche per la Progettazione d'Area Vasta".into(),
            ..Default::default()
        })
        .unwrap();
    for i in 0..8 {
        small
            .add_org_role(&RoleInput {
                unit_id: t.id,
                person: PersonChoice::New(PersonInput {
                    full_name: format!("Componente Numero {i}"),
                    ..Default::default()
                }),
                title: "Componente".into(),
                valid_from: Some("2026-01-01".into()),
                valid_to: None,
                version: None,
            })
            .unwrap();
    }
    let (s50, s95) = measure(iters, || small.org_chart_pdf(day, &[]).unwrap());
    let (c50, c95) = measure(iters, || {
        small
            .org_composition(day, cdp_core::documents::Format::Pdf)
            .unwrap()
    });
    println!("| organigram ({units} nodes) | median | p95 |");
    println!("|---|---|---|");
    println!("| as-of query | {q50:.2?} | {q95:.2?} |");
    println!("| tidy layout (boxes, text, connectors) | {l50:.2?} | {l95:.2?} |");
    println!(
        "| chart PDF/A, A3 ({} KiB) | {p50:.2?} | {p95:.2?} |",
        pdf / 1024
    );
    println!("| chart PDF/A of the proposal with a tavolo of 8 | {s50:.2?} | {s95:.2?} |");
    println!("| «Composizione del gruppo di lavoro» PDF/A, same | {c50:.2?} | {c95:.2?} |");
}
