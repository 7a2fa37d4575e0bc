//! The schema composed from the domains' migrations is the one the numbered
//! migrations always made: `data/schema_by_version.txt` holds the
//! `sqlite_master` of each version as written before the domains owned their
//! migrations (versions 10 to 17, the documents register, the working group's act in
//! the template store, the network's validation of the risk catalogue,
//! the register's comune name, the training events' choice of the hour
//! that comes twice, the PIAO section's data, the communications and their event, were
//! added since). An archive at any earlier
//! version migrates to the same schema.

use cdp_core::archive::schema;
use rusqlite::Connection;

const GOLDEN: &str = include_str!("data/schema_by_version.txt");

fn dump(conn: &Connection) -> String {
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let mut out = format!("user_version {v}\n");
    let mut stmt = conn
        .prepare(
            "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
             WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "{} {} on {}\n{}\n",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?
            ))
        })
        .unwrap();
    for r in rows {
        out.push_str(&r.unwrap());
    }
    out
}

/// The golden schema of `section` ("version 3", "migrated").
fn golden(section: &str) -> &'static str {
    let head = format!("== {section}\n");
    let start = GOLDEN.find(&head).expect("section in the golden file") + head.len();
    let end = GOLDEN[start..]
        .find("== ")
        .map_or(GOLDEN.len(), |i| start + i);
    &GOLDEN[start..end]
}

/// A database at version `k`: the first `k` migrations, as that release wrote it.
fn at_version(k: usize) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    for m in &schema().migrations()[..k] {
        conn.execute_batch(m.sql).unwrap();
    }
    conn.pragma_update(None, "user_version", k as i64).unwrap();
    conn
}

#[test]
fn the_domains_compose_the_migrations_in_their_numbered_order() {
    let names: Vec<&str> = schema().migrations().iter().map(|m| m.name).collect();
    assert_eq!(
        names,
        [
            "0001_registry",
            "0002_adhesion",
            "0003_documents",
            "0004_zone_version",
            "0005_adhesion_organ",
            "0006_import",
            "0007_risks",
            "0008_training",
            "0009_organigram",
            "0010_document_register",
            "0011_org_act_template_store",
            "0012_risk_validation",
            "0013_document_comune_name",
            "0014_training_repeated_hour",
            "0015_piao",
            "0016_comms",
            "0017_comms_event",
        ]
    );
    assert_eq!(schema().latest_version(), 17);
}

#[test]
fn every_version_and_its_migration_give_the_schema_as_before() {
    let latest = schema().latest_version() as usize;
    for k in 0..=latest {
        let conn = at_version(k);
        assert_eq!(dump(&conn), golden(&format!("version {k}")), "version {k}");
        schema().migrate(&conn).unwrap();
        assert_eq!(dump(&conn), golden("migrated"), "migrated from version {k}");
    }
}
