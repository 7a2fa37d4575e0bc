//! Storage: the archive file, migrations, the version guard, bad files.

mod common;

use cdp_core::archive::schema;
use cdp_core::{db, Store};

#[test]
fn first_run_seeds_108_comuni_and_five_proposed_zones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/archivio.sqlite3");
    let store = Store::open(&path).unwrap();
    assert_eq!(common::count(&store, "SELECT count(*) FROM comune"), 108);
    let zones = store.zones().unwrap();
    assert_eq!(zones.len(), 5);
    assert!(zones.iter().all(|z| z.proposed));
    assert_eq!(zones.iter().map(|z| z.comuni).sum::<i64>(), 108);
    assert!(store.zone_proposal_pending().unwrap());
    let mode: String = store
        .connection()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store
        .connection()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    // The seed is one audited action.
    assert_eq!(
        common::count(&store, "SELECT count(*) FROM audit WHERE action = 'seed'"),
        1
    );
}

#[test]
fn reopening_keeps_data_and_does_not_reseed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite3");
    {
        let mut s = Store::open(&path).unwrap();
        let mut c = common::registry::comune_input(&s, "083001");
        c.pec = Some("protocollo@pec.comune.alcaralifusi.me.it".into());
        s.update_comune("083001", &c).unwrap();
        s.discard_zone_proposal().unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(
        s.comune("083001").unwrap().pec.as_deref(),
        Some("protocollo@pec.comune.alcaralifusi.me.it")
    );
    assert!(
        s.zones().unwrap().is_empty(),
        "discarded zones must not come back"
    );
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM audit WHERE action = 'seed'"),
        1
    );
}

#[test]
fn migrations_from_empty_reach_the_latest_version() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    schema().migrate(&conn).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, schema().latest_version());
    let id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, db::APPLICATION_ID);
    // Idempotent.
    schema().migrate(&conn).unwrap();
}

#[test]
fn a_newer_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite3");
    drop(Store::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", schema().latest_version() + 1)
            .unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("must be refused");
    assert_eq!(err.code(), "newer_database");
    assert!(err.to_string().contains("versione più recente"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in [
        (
            "testo.sqlite3",
            b"Questo non e' un database, ma un testo qualsiasi.".to_vec(),
        ),
        ("corto.sqlite3", b"SQLite".to_vec()),
        ("rotto.sqlite3", {
            let mut v = b"SQLite format 3\0".to_vec();
            v.extend(std::iter::repeat_n(0xAB, 4000));
            v
        }),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &content).unwrap();
        let err = Store::open(&path).err().expect("must be refused");
        assert_eq!(err.code(), "unreadable_database", "{name}: {err}");
        assert!(err.to_string().contains("non è stato modificato"), "{err}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            content,
            "{name} was modified"
        );
        assert!(!dir.path().join(format!("{name}-wal")).exists());
    }
}

#[test]
fn another_programs_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("altro.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE fatture (id INTEGER PRIMARY KEY, importo REAL);")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert_eq!(err.code(), "unreadable_database");
    assert!(err.to_string().contains("altro programma"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn an_unreadable_file_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the archive should be: cannot be opened as a file.
    let path = dir.path().join("cartella.sqlite3");
    std::fs::create_dir(&path).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert_eq!(err.code(), "unreadable_database");
    assert!(err.to_string().contains("cartella.sqlite3"), "{err}");
}

#[test]
fn an_empty_file_is_refused_never_seeded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vuoto.sqlite3");
    std::fs::write(&path, b"").unwrap();
    let err = Store::open(&path)
        .err()
        .expect("a zero-byte file is refused");
    assert_eq!(err.code(), "unreadable_database");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
}

#[test]
fn the_audit_log_is_append_only() {
    let store = common::store();
    let conn = store.connection();
    assert!(conn.execute("UPDATE audit SET operator = 'x'", []).is_err());
    assert!(conn.execute("DELETE FROM audit", []).is_err());
}

#[test]
fn errors_cross_ipc_as_code_message_field() {
    let e = cdp_core::Error::validation("pec", "PEC: non valida");
    let json = serde_json::to_value(e.to_payload()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"code": "validation", "message": "PEC: non valida", "field": "pec"})
    );
}

#[test]
fn an_archive_of_the_previous_schema_is_migrated_keeping_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite3");
    {
        // An archive as schema 1 wrote it, with one edited comune and an audit row.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(schema().migrations()[0].sql).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO comune (istat, name, cadastral_code, pec, updated_at, search_key, name_key)
               VALUES ('083048', 'Messina', 'F158', 'protocollo@pec.comune.messina.it', '2025-01-01T00:00:00Z', 'messina', 'messina');
             INSERT INTO audit (at, operator, action, entity, entity_id) VALUES ('2025-01-01T00:00:00Z', 'op', 'update', 'comune', '083048');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let v: i64 = store
        .connection()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, schema().latest_version());
    assert_eq!(
        store.comune("083048").unwrap().pec.as_deref(),
        Some("protocollo@pec.comune.messina.it")
    );
    // The old row, and the starting risk catalogue seeded with the migration.
    assert_eq!(
        common::count(&store, "SELECT count(*) FROM audit WHERE entity <> 'risks'"),
        1
    );
    assert_eq!(
        common::count(&store, "SELECT count(*) FROM risk_measure_revision"),
        common::count(&store, "SELECT count(*) FROM risk_measure")
    );
    assert_eq!(
        store.adhesion("083048").unwrap().state,
        cdp_core::adhesion::State::NonAderente
    );
}
