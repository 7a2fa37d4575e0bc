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
                full_name: format!("Persona Numero {i}"),
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
    println!("| organigram ({units} nodes) | median | p95 |");
    println!("|---|---|---|");
    println!("| as-of query | {q50:.2?} | {q95:.2?} |");
    println!("| tidy layout (boxes, text, connectors) | {l50:.2?} | {l95:.2?} |");
}
