#![allow(dead_code)]
use cdp_core::Store;

pub fn store() -> Store {
    Store::open_in_memory().expect("in-memory store")
}

pub fn count(store: &Store, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
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
