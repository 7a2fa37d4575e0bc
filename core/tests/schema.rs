//! The schema composed from the domains' migrations is the one the numbered
//! migrations always made: `data/schema_by_version.txt` holds the
//! `sqlite_master` of each version as written before the domains owned their
//! migrations (versions 10 to 19, the documents register, the working group's act in
//! the template store, the network's validation of the risk catalogue,
//! the register's comune name, the training events' choice of the hour
//! that comes twice, the PIAO section's data, the communications, the requests of
//! schede, the communications' event and the segretario among the referents, were
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
            "0017_comms_requests",
            "0018_comms_event",
            "0019_referent_segretario",
            "0020_risk_late",
            "0021_risk_pending",
        ]
    );
    assert_eq!(schema().latest_version(), 21);
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

/// 0019 rebuilds the referents' table: an archive at version 18 keeps every
/// referent with its id, and every row that points to one (a zone's
/// referent, a person of the organigram, a training participant).
#[test]
fn the_referents_rebuilt_by_0019_keep_their_ids_and_whoever_points_to_them() {
    let conn = at_version(18);
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         INSERT INTO comune (istat, name, cadastral_code, updated_at) VALUES ('083002', 'Alì', 'A201', 'x');
         INSERT INTO referent (id, istat, role, full_name, email, created_at, updated_at)
             VALUES (7, '083002', 'rpct', 'Maria Teresa Cucinotta', 'mt@pec.it', 'x', 'x');
         INSERT INTO zone (id, name, referent_id, created_at) VALUES (3, 'Area ionica', 7, 'x');
         INSERT INTO org_person (id, referent_id, created_at, updated_at) VALUES (5, 7, 'x', 'x');
         INSERT INTO training_participant (id, referent_id, full_name, name_key, created_at, updated_at)
             VALUES (9, 7, 'Maria Teresa Cucinotta', 'maria teresa cucinotta', 'x', 'x');",
    )
    .unwrap();
    schema().migrate(&conn).unwrap();
    let fk: bool = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert!(fk, "foreign keys enforced again after migrating");
    let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        q("SELECT count(*) FROM referent WHERE id = 7 AND full_name = 'Maria Teresa Cucinotta'"),
        1
    );
    assert_eq!(q("SELECT referent_id FROM zone WHERE id = 3"), 7);
    assert_eq!(q("SELECT referent_id FROM org_person WHERE id = 5"), 7);
    assert_eq!(
        q("SELECT referent_id FROM training_participant WHERE id = 9"),
        7
    );
    // The new role is accepted, and the keys still hold.
    conn.execute(
        "INSERT INTO referent (istat, role, full_name, created_at, updated_at)
         VALUES ('083002', 'segretario', 'Carla Ruggeri', 'x', 'x')",
        [],
    )
    .unwrap();
    assert!(conn
        .execute(
            "INSERT INTO org_person (referent_id, created_at, updated_at) VALUES (999, 'x', 'x')",
            [],
        )
        .is_err());
}
