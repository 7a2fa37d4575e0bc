#![allow(dead_code)]
use cdp_core::Store;

pub fn store() -> Store {
    Store::open_in_memory().expect("in-memory store")
}

pub fn count(store: &Store, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Every row of every user table, as text: equal dumps mean nothing changed.
pub fn dump(store: &Store) -> String {
    let conn = store.connection();
    let mut out = String::new();
    for t in ["setting", "zone", "comune", "referent", "audit"] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY rowid"))
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
