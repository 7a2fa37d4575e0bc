//! The two rules of issue 19 on the benchmarks' data, for counting with
//! callgrind on a busy machine (the README's performance section):
//!
//!   rules_work late 108|7904 N      the late list of all comuni, N times
//!   rules_work late-a7d33b4 108|7904 N   a7d33b4's statement (phases only) on its schema, N times
//!   rules_work archive 108|7904 FILE  that archive written to FILE (for the SQLite shell)
//!   rules_work ics N                the ICS of the training bench's 1,000 events, N times
//!   rules_work attendance N         the dry run of the 5,000-row report, N times, then applied
//!
//! `valgrind --tool=callgrind --collect-atstart=no
//! --toggle-collect='rules_work::late_once' target/release/examples/rules_work late 108 3`
//! (or `late_a7d33b4_once`, `ics_once`, `preview_once`, `apply_once`) counts the list alone.

#[path = "../benches/common/mod.rs"]
mod common;

use cdp_core::{Clock, Store};
use chrono::NaiveDate;

const TODAY: &str = "2027-09-15";

#[inline(never)]
fn late_once(s: &Store) -> usize {
    s.risk_late(None).expect("late list").len()
}

/// The statement of the late list at a7d33b4 (a phase missed, nothing
/// else), read as it read it: the reference for the figure.
#[inline(never)]
fn late_a7d33b4_once(s: &Store) -> usize {
    let mut stmt = s
        .connection()
        .prepare_cached(
            "SELECT a.id, a.istat, c.name, m.id, m.code, m.title,
                (SELECT min(p.due) FROM risk_adoption_phase p WHERE p.adoption_id = a.id
                   AND p.due < ?2 AND p.due > coalesce(a.last_date, '')),
                a.last_state, a.last_date
             FROM risk_adoption a JOIN comune c ON c.istat = a.istat JOIN risk_measure m ON m.id = a.measure_id
             WHERE ?1 IS NULL AND a.last_state <> 'attuata'
               AND EXISTS (SELECT 1 FROM risk_adoption_phase p WHERE p.adoption_id = a.id
                       AND p.due < ?2 AND p.due > coalesce(a.last_date, ''))
             ORDER BY c.name_key, m.code",
        )
        .expect("statement");
    type Row = (
        i64,
        String,
        String,
        i64,
        String,
        String,
        Option<String>,
        String,
        Option<String>,
    );
    let rows = stmt
        .query_map(rusqlite::params![None::<String>, TODAY], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })
        .expect("query")
        .collect::<rusqlite::Result<Vec<Row>>>()
        .expect("rows");
    rows.len()
}

#[inline(never)]
fn ics_once(s: &Store, stamp: chrono::DateTime<chrono::Utc>) -> usize {
    s.training_ics(&cdp_core::training::EventQuery::default(), stamp)
        .expect("ics")
        .len()
}

#[inline(never)]
fn preview_once(s: &Store, event: i64, report: &[u8]) -> usize {
    s.preview_attendance_import(event, report)
        .expect("dry run")
        .matched
}

#[inline(never)]
fn apply_once(s: &mut Store, event: i64, report: &[u8]) -> usize {
    s.apply_attendance_import(event, report, "zoom.csv", &[], false)
        .expect("applied")
        .recorded
}

/// The risks benchmark's archive of 108 or 7,904 comuni.
fn risks_archive(size: &str) -> Store {
    let mut s = if size == "108" {
        Store::open_in_memory().expect("store")
    } else {
        let mut s = Store::open_in_memory_empty().expect("store");
        s.insert_synthetic(7_904).expect("synthetic");
        s.seed_risks_if_empty().expect("catalogue");
        s
    };
    s.set_clock(Clock::from_setting(Some(TODAY)).expect("today"));
    common::risks_data::populate(&mut s);
    let comuni: Vec<String> = s
        .connection()
        .prepare("SELECT istat FROM comune ORDER BY istat")
        .expect("statement")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("comuni");
    common::risks_data::adopt(&mut s, &comuni);
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    let times = |i: usize| arg(i).parse::<usize>().unwrap_or(3);
    let started = std::time::Instant::now();
    match arg(1) {
        "late" | "late-a7d33b4" => {
            let s = risks_archive(arg(2));
            if arg(1) == "late-a7d33b4" {
                // a7d33b4's schema for that statement: no index of phases by date.
                s.connection()
                    .execute_batch("DROP INDEX risk_adoption_phase_adoption_due")
                    .expect("index");
            }
            let (n, mut found) = (times(3), 0);
            let t = std::time::Instant::now();
            for _ in 0..n {
                found = if arg(1) == "late" {
                    late_once(&s)
                } else {
                    late_a7d33b4_once(&s)
                };
            }
            println!(
                "{found} late adoptions, {:.2} ms each",
                t.elapsed().as_secs_f64() * 1e3 / n.max(1) as f64
            );
        }
        "archive" => {
            // The archive of `late`, written to a file for the SQLite shell
            // (EXPLAIN QUERY PLAN, .timer): `rules_work archive 7904 FILE`.
            let s = risks_archive(arg(2));
            s.connection()
                .execute("VACUUM INTO ?1", [arg(3)])
                .expect("archive written");
        }
        "ics" => {
            // The training bench's calendar: twenty weekly series of 50.
            let mut s = Store::open_in_memory().expect("store");
            s.set_clock(Clock::Fixed(
                NaiveDate::from_ymd_opt(2027, 12, 31).expect("date"),
            ));
            for k in 0..20 {
                s.create_training_series(
                    &common::training_data::event(&format!("2027-01-{:02}", 4 + k), k),
                    cdp_core::training::Frequency::Weekly,
                    50,
                )
                .expect("series");
            }
            let stamp = chrono::Utc::now();
            let (n, mut size) = (times(2), 0);
            let t = std::time::Instant::now();
            for _ in 0..n {
                size = ics_once(&s, stamp);
            }
            println!(
                "{size} bytes, {:.2} ms each",
                t.elapsed().as_secs_f64() * 1e3 / n.max(1) as f64
            );
        }
        "attendance" => {
            let mut s = Store::open_in_memory().expect("store");
            s.set_clock(Clock::Fixed(
                NaiveDate::from_ymd_opt(2027, 12, 31).expect("date"),
            ));
            let e = s
                .create_training_event(&common::training_data::event("2027-03-09", 1))
                .expect("event");
            common::attendance_data::participants(&mut s);
            let report = common::attendance_data::report();
            let (n, mut matched) = (times(2), 0);
            for _ in 0..n {
                matched = preview_once(&s, e.id, &report);
            }
            let recorded = apply_once(&mut s, e.id, &report);
            println!("{matched} matched, {recorded} recorded");
        }
        _ => {
            eprintln!("rules_work late|late-a7d33b4 108|7904 [N] | archive 108|7904 FILE | ics [N] | attendance [N]");
            std::process::exit(2);
        }
    }
    eprintln!("({:.1} s in all)", started.elapsed().as_secs_f64());
}
