//! Time of the adhesion workflow in core: one step, a bulk invitation of the
//! 108 comuni, and the dashboard queries on a synthetic archive of 7,904
//! comuni (3 referents each, 3,000 of them invited). Steps are written to an
//! archive file in WAL mode, as in the app.
//! Run: `cargo bench -p cdp-core --bench adhesion` (prints a Markdown table).

mod common;
use common::median;

use std::time::{Duration, Instant};

use cdp_core::adhesion::report::AdhesionQuery;
use cdp_core::adhesion::{Channel, Step};
use cdp_core::Store;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn codes(s: &Store) -> Vec<String> {
    s.adhesions(&AdhesionQuery::default())
        .expect("register")
        .into_iter()
        .map(|r| r.istat)
        .collect()
}

fn main() {
    // Steps are timed on an archive file (WAL, as the app uses it), not in memory.
    let dir = tempfile::tempdir().expect("temp dir");
    // One step: an invitation, for each of the 108 comuni (each its own transaction).
    let mut s = Store::open(&dir.path().join("steps.sqlite3")).expect("store");
    let step = Step::Invite {
        date: "2025-01-10".into(),
        protocol_number: "1/2025".into(),
        channel: Channel::Pec,
    };
    let one: Vec<Duration> = codes(&s)
        .iter()
        .map(|c| {
            let t = Instant::now();
            s.record_step(c, &step).expect("step");
            t.elapsed()
        })
        .collect();

    // A bulk invitation of all 108, on a fresh archive each time.
    let bulk: Vec<Duration> = (0..15)
        .map(|i| {
            let mut s = Store::open(&dir.path().join(format!("bulk-{i}.sqlite3"))).expect("store");
            let all = codes(&s);
            let t = Instant::now();
            s.bulk_invite(&all, "2025-01-10", "1/2025", Channel::Pec, &mut |_, _| true)
                .expect("bulk");
            t.elapsed()
        })
        .collect();

    // Dashboard queries on 7,904 comuni (in memory: reads, the page cache holds a file too).
    let mut italy = Store::open_in_memory_empty().expect("store");
    italy.insert_synthetic(7_904).expect("synthetic");
    let all = codes(&italy);
    italy
        .bulk_invite(
            &all[..3_000],
            "2025-01-10",
            "1/2025",
            Channel::Pec,
            &mut |_, _| true,
        )
        .expect("bulk 3000");
    let time = |f: &dyn Fn()| {
        median(
            (0..30)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .collect(),
        )
    };
    let figures = time(&|| {
        std::hint::black_box(italy.adhesion_figures().expect("figures"));
    });
    let register = time(&|| {
        std::hint::black_box(
            italy
                .adhesions(&AdhesionQuery::default())
                .expect("register"),
        );
    });
    let stalled = time(&|| {
        std::hint::black_box(italy.stalled().expect("stalled"));
    });
    let status = time(&|| {
        std::hint::black_box(italy.adhesion(&all[10]).expect("status"));
    });

    println!("Adhesion workflow in core (release build; medians)\n");
    println!("| what | median |");
    println!("|---|---:|");
    println!(
        "| one step (invitation; transaction with history and audit rows), 108 comuni | {} |",
        ms(median(one))
    );
    println!(
        "| bulk invitation of the 108 comuni, all-or-nothing (15 runs) | {} |",
        ms(median(bulk))
    );
    println!(
        "| 7,904 comuni: dashboard figures (\"qualche numero\") | {} |",
        ms(figures)
    );
    println!(
        "| 7,904 comuni: whole adhesion register | {} |",
        ms(register)
    );
    println!(
        "| 7,904 comuni: stalled comuni (3,000 waiting) | {} |",
        ms(stalled)
    );
    println!(
        "| 7,904 comuni: one comune's status and timeline | {} |",
        ms(status)
    );
}
