//! The test kit shared by the test binaries: a fresh store, counts and dumps
//! of the archive, validation cases as tables, the document probes (`docs`)
//! and by topic the builders of the inputs the tests write again and again
//! (`registry`, `adhesion`, `risks`, `training`, `organigram`).
#![allow(dead_code)]

pub mod adhesion;
pub mod comms;
pub mod docs;
pub mod every_kind;
pub mod organigram;
pub mod registry;
pub mod risks;
pub mod training;

use cdp_core::Store;

pub fn store() -> Store {
    Store::open_in_memory().expect("in-memory store")
}

/// A fresh store whose today is `date` (AAAA-MM-GG), on a fixed clock.
pub fn store_on(date: &str) -> Store {
    let mut s = store();
    set_today(&mut s, date);
    s
}

/// Moves the store's today to `date` (AAAA-MM-GG).
pub fn set_today(store: &mut Store, date: &str) {
    store.set_clock(cdp_core::Clock::Fixed(
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("AAAA-MM-GG"),
    ));
}

pub fn count(store: &Store, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// SQLite's own check of the archive file: "ok" when it is whole.
pub fn integrity(conn: &rusqlite::Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// Every row of the registry's tables, as text: equal dumps mean nothing changed.
pub fn dump(store: &Store) -> String {
    dump_tables(
        store.connection(),
        &["setting", "zone", "comune", "referent", "audit"],
    )
}

/// Every row of every table of the archive (all its tables, audit included).
pub fn dump_all(conn: &rusqlite::Connection) -> String {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    dump_tables(conn, &tables.iter().map(String::as_str).collect::<Vec<_>>())
}

fn dump_tables(conn: &rusqlite::Connection, tables: &[&str]) -> String {
    let mut out = String::new();
    for t in tables {
        // The open mark says who has the archive open, not what it holds.
        let only_data = if *t == "setting" {
            "WHERE key <> 'archive_open_by'"
        } else {
            ""
        };
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} {only_data} ORDER BY rowid"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        for row in rows {
            out.push_str(&format!("{t}:{}\n", row.unwrap()));
        }
    }
    out
}

/// A copy of `good` with one change: the builder step of the validation
/// tables (`with(&good, |c| c.pec = None)`).
pub fn with<T: Clone>(good: &T, change: impl FnOnce(&mut T)) -> T {
    let mut input = good.clone();
    change(&mut input);
    input
}

/// Validation cases as a table: each row is an input, the field the call
/// must refuse it at, and a part of the message ("" for any message).
/// Returns the errors in the order of the rows, for any further check.
pub fn assert_refused<T, R: std::fmt::Debug>(
    rows: Vec<(T, &str, &str)>,
    mut call: impl FnMut(&T) -> cdp_core::Result<R>,
) -> Vec<cdp_core::Error> {
    rows.into_iter()
        .enumerate()
        .map(|(i, (input, field, part))| {
            let err = call(&input).expect_err(&format!("row {i} ({field}) must be refused"));
            assert_eq!(err.field(), Some(field), "row {i}: {err}");
            assert!(err.to_string().contains(part), "row {i}: {err}");
            err
        })
        .collect()
}
