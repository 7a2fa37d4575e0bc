//! The archive's life on a large archive: a backup (online backup API, checked
//! after writing), a restore (checked copy, safety copy, atomic swap, reopen)
//! of an archive with 7,904 comuni (3 referents each), 3,000 workflow
//! histories and 10,000 rows of the documents register; and the time to close
//! (WAL checkpoint included) after 1,000 workflow steps.
//! Run: `cargo bench -p cdp-core --bench archive` (prints a Markdown table).

mod common;
use common::median;

use std::time::{Duration, Instant};

use cdp_core::adhesion::report::AdhesionQuery;
use cdp_core::adhesion::{Channel, Step};
use cdp_core::db::backup::Reason;
use cdp_core::Store;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1048576.0)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("grande.sqlite3");
    let mut s = Store::open(&path).expect("store");
    s.insert_synthetic(7_904 - 108).expect("synthetic comuni");
    let all: Vec<String> = s
        .adhesions(&AdhesionQuery::default())
        .expect("register")
        .into_iter()
        .map(|r| r.istat)
        .collect();
    s.bulk_invite(
        &all[..3_000],
        "2025-01-10",
        "1/2025",
        Channel::Pec,
        &mut |_, _| true,
    )
    .expect("3,000 invitations");
    s.connection()
        .execute_batch(
            "INSERT INTO template_version (kind, version, body, origin, created_at, operator)
               VALUES ('bench', 1, 'x', 'default', '2025-01-01T00:00:00Z', 'bench');
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
             INSERT INTO document (istat, kind, template_id, format, path, sha256, bytes, created_at, operator)
               SELECT NULL, 'bench', (SELECT max(id) FROM template_version), 'pdf',
                      '/home/segreteria/Documenti/Atto_' || i || '.pdf',
                      printf('%064d', i), 30000, '2025-01-01T00:00:00Z', 'bench' FROM n;",
        )
        .expect("10,000 documents");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);

    let backups: Vec<(Duration, u64)> = (0..7)
        .map(|_| {
            let t = Instant::now();
            let b = s
                .backup_now(Reason::Manual, chrono::Utc::now())
                .expect("backup");
            (t.elapsed(), b.bytes)
        })
        .collect();
    let backup_bytes = backups[0].1;
    let source = s.backups().expect("list")[0].path.clone();
    let restores: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            s.restore(std::path::Path::new(&source), chrono::Utc::now())
                .expect("restore");
            t.elapsed()
        })
        .collect();
    let t = Instant::now();
    let listed = s.backups().expect("list").len();
    let list_time = t.elapsed();
    s.close().expect("close");

    // Close after 1,000 steps (each its own transaction, in the WAL).
    let closes: Vec<Duration> = (0..5)
        .map(|i| {
            let p = dir.path().join(format!("chiusura-{i}.sqlite3"));
            let mut s = Store::open(&p).expect("store");
            let codes: Vec<String> = s
                .adhesions(&AdhesionQuery::default())
                .expect("register")
                .into_iter()
                .map(|r| r.istat)
                .collect();
            let mut n = 0;
            'outer: for round in 0..20 {
                for c in &codes {
                    let step = if round == 0 {
                        Step::Invite {
                            date: "2025-01-10".into(),
                            protocol_number: "1/2025".into(),
                            channel: Channel::Pec,
                        }
                    } else {
                        Step::Reminder {
                            date: "2025-02-10".into(),
                            note: None,
                        }
                    };
                    s.record_step(c, &step).expect("step");
                    n += 1;
                    if n == 1_000 {
                        break 'outer;
                    }
                }
            }
            let t = Instant::now();
            s.close().expect("close");
            t.elapsed()
        })
        .collect();

    println!("| what | median | detail |");
    println!("|---|---|---|");
    println!(
        "| Backup of an archive of 7,904 comuni, 3,000 histories, 10,000 documents ({}) | **{}** | copy {} (7 runs, checked after writing; slowest {}) |",
        mib(size),
        ms(median(backups.iter().map(|b| b.0).collect())),
        mib(backup_bytes),
        ms(backups.iter().map(|b| b.0).max().unwrap_or_default()),
    );
    println!(
        "| Restore of that copy (check, safety copy, swap, reopen, audit) | **{}** | 5 runs; slowest {} |",
        ms(median(restores.clone())),
        ms(restores.iter().max().copied().unwrap_or_default()),
    );
    println!(
        "| Listing the {listed} copies with what each holds | {} | |",
        ms(list_time)
    );
    println!(
        "| Close after 1,000 steps (WAL checkpoint and truncate included) | **{}** | 5 runs; slowest {} |",
        ms(median(closes.clone())),
        ms(closes.iter().max().copied().unwrap_or_default()),
    );
}
