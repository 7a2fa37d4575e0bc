//! Connection setup, embedded migrations and the version guard.

use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

/// `PRAGMA application_id` of our archives ('CDP1').
pub const APPLICATION_ID: i64 = 0x4344_5031;

/// The embedded migrations, in order. Append only: a released one is never edited.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_registry",
        include_str!("../../migrations/0001_registry.sql"),
    ),
    (
        "0002_adhesion",
        include_str!("../../migrations/0002_adhesion.sql"),
    ),
    (
        "0003_documents",
        include_str!("../../migrations/0003_documents.sql"),
    ),
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Opens (or creates) the archive at `path`. An existing file is checked
/// before anything is written to it: a file that is not SQLite, is damaged,
/// belongs to another program or was written by a newer version is refused
/// and left untouched.
pub fn open(path: &Path) -> Result<Connection> {
    let exists = path.exists();
    if exists {
        check_header(path)?;
    } else if let Some(parent) = path.parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Error::io(format!(
                    "Impossibile creare la cartella dell'archivio {}: {e}",
                    parent.display()
                ))
            })?;
        }
    }
    let flags = if exists {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags).map_err(|e| unreadable(path, &e))?;
    if exists {
        check_existing(&conn, path)?;
    }
    configure(&conn)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| unreadable(path, &e))?;
    migrate(&conn)?;
    Ok(conn)
}

/// An in-memory archive (tests, benchmarks).
pub fn open_in_memory() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    configure(&conn)?;
    migrate(&conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

fn unreadable(path: &Path, e: &dyn std::fmt::Display) -> Error {
    Error::UnreadableDatabase {
        message: format!(
            "Impossibile aprire l'archivio {}: {e}. Il file non è stato modificato.",
            path.display()
        ),
    }
}

/// A SQLite file starts with these 16 bytes; an empty file is a new archive.
fn check_header(path: &Path) -> Result<()> {
    let mut f = std::fs::File::open(path).map_err(|e| unreadable(path, &e))?;
    let mut head = [0u8; 16];
    let n = f.read(&mut head).map_err(|e| unreadable(path, &e))?;
    if n == 0 {
        return Ok(());
    }
    if n < 16 || &head != b"SQLite format 3\0" {
        return Err(Error::UnreadableDatabase {
            message: format!(
                "Il file {} non è un archivio della Comunità di Pratiche (non è un database SQLite o è danneggiato). Il file non è stato modificato.",
                path.display()
            ),
        });
    }
    Ok(())
}

fn check_existing(conn: &Connection, path: &Path) -> Result<()> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| unreadable(path, &e))?;
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| unreadable(path, &e))?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(|e| unreadable(path, &e))?;
    if tables > 0 && app_id != APPLICATION_ID {
        return Err(Error::UnreadableDatabase {
            message: format!(
                "Il file {} è un database di un altro programma, non un archivio della Comunità di Pratiche. Il file non è stato modificato.",
                path.display()
            ),
        });
    }
    if version > latest_version() {
        return Err(Error::NewerDatabase {
            message: format!(
                "L'archivio {} è stato scritto da una versione più recente dell'applicazione (schema {version}, questa versione conosce fino allo schema {}). Aggiornare l'applicazione: l'archivio non è stato modificato.",
                path.display(),
                latest_version()
            ),
        });
    }
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| unreadable(path, &e))?;
    if check != "ok" {
        return Err(Error::UnreadableDatabase {
            message: format!(
                "L'archivio {} è danneggiato ({check}). Il file non è stato modificato: ripristinare una copia di sicurezza.",
                path.display()
            ),
        });
    }
    Ok(())
}

/// Runs the pending migrations in one transaction and records the version.
pub fn migrate(conn: &Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest_version() {
        return Err(Error::NewerDatabase {
            message: format!(
                "L'archivio è stato scritto da una versione più recente dell'applicazione (schema {current}). Aggiornare l'applicazione."
            ),
        });
    }
    if current == latest_version() {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| -> Result<()> {
        for (_, sql) in &MIGRATIONS[current as usize..] {
            conn.execute_batch(sql)?;
        }
        conn.pragma_update(None, "user_version", latest_version())?;
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    Ok(())
}
