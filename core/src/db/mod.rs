//! Connection setup, embedded migrations and the version guard.

use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

pub mod backup;
pub mod lock;

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
    (
        "0004_zone_version",
        include_str!("../../migrations/0004_zone_version.sql"),
    ),
    (
        "0005_adhesion_organ",
        include_str!("../../migrations/0005_adhesion_organ.sql"),
    ),
    (
        "0006_import",
        include_str!("../../migrations/0006_import.sql"),
    ),
    (
        "0007_risks",
        include_str!("../../migrations/0007_risks.sql"),
    ),
    (
        "0008_training",
        include_str!("../../migrations/0008_training.sql"),
    ),
    (
        "0009_organigram",
        include_str!("../../migrations/0009_organigram.sql"),
    ),
    (
        "0010_template_store",
        include_str!("../../migrations/0010_template_store.sql"),
    ),
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// How an existing archive is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    ReadOnly,
}

/// Creates a new, empty archive (schema only) at `tmp`, a file that exists
/// and is empty (the caller made it exclusively). It is written in rollback
/// mode so that, once closed, the file alone is the whole archive.
pub fn create_at(tmp: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        tmp,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Error::from(e).at_archive(Some(tmp)))?;
    configure(&conn)?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    migrate(&conn)?;
    Ok(conn)
}

/// Opens the existing archive at `path`. It is checked before anything is
/// written to it: a file that is empty, not SQLite, damaged, of another
/// program, incomplete (a main file copied without its `-wal`) or written by a
/// newer version is refused with a message that names it, and left untouched.
/// Read-write opening migrates an older schema; read-only opening refuses it.
pub fn open_existing(path: &Path, access: Access) -> Result<Connection> {
    check_header(path)?;
    let conn = match access {
        Access::ReadWrite => Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| unreadable(path, &e))?,
        Access::ReadOnly => open_read_only(path)?,
    };
    check_existing(&conn, path)?;
    configure(&conn)?;
    if access == Access::ReadWrite {
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| Error::from(e).at_archive(Some(path)))?;
    } else if schema_version(&conn)? < latest_version() {
        return Err(Error::UnreadableDatabase {
            message: format!(
                "L'archivio {} è di una versione precedente dell'applicazione e va aggiornato, cosa che in sola lettura non è possibile. Aprirlo in scrittura (da una cartella scrivibile, quando nessun altro lo usa). Il file non è stato modificato.",
                path.display()
            ),
        });
    }
    Ok(conn)
}

/// Opens read-only. Where the folder cannot be written (a CD, a read-only
/// share), SQLite cannot create the WAL index beside the file: the archive is
/// then opened as immutable, which needs neither.
fn open_read_only(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let first = Connection::open_with_flags(path, flags).and_then(|c| {
        c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok(c)
    });
    match first {
        Ok(c) => Ok(c),
        Err(_) => {
            let uri = format!("file:{}?immutable=1", uri_path(path));
            Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)
                .map_err(|e| unreadable(path, &e))
        }
    }
}

/// `path` escaped for a `file:` URI (`?`, `#` and `%` would be read as syntax).
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            _ => out.push(c),
        }
    }
    out
}

/// `PRAGMA user_version` of an open archive.
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
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

/// A SQLite file starts with these 16 bytes. An empty file is refused too:
/// only a path where no file exists becomes a new archive.
fn check_header(path: &Path) -> Result<()> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::file(path, &e))?;
    let mut head = [0u8; 16];
    let n = f.read(&mut head).map_err(|e| Error::file(path, &e))?;
    if n == 0 {
        return Err(Error::UnreadableDatabase {
            message: format!(
                "Il file {} è vuoto (0 byte): non è un archivio della Comunità di Pratiche e non viene usato per crearne uno nuovo. Il file non è stato modificato: ripristinare una copia di sicurezza oppure indicare un percorso dove non esiste alcun file.",
                path.display()
            ),
        });
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
    if tables == 0 {
        return Err(incomplete(path));
    }
    if app_id != APPLICATION_ID {
        return Err(Error::UnreadableDatabase {
            message: format!(
                "Il file {} è un database di un altro programma, non un archivio della Comunità di Pratiche. Il file non è stato modificato.",
                path.display()
            ),
        });
    }
    if version == 0 {
        return Err(incomplete(path));
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

/// A file with no tables (or no schema version): typically the main file of
/// an archive copied without the `-wal` that held its data.
fn incomplete(path: &Path) -> Error {
    let wal = wal_path(path);
    Error::UnreadableDatabase {
        message: format!(
            "Il file {} è un database vuoto o incompleto, non un archivio della Comunità di Pratiche: può essere la copia del solo file principale, fatta senza il file {} che conteneva i dati. Il file non è stato modificato. Copiare anche quel file accanto all'archivio, oppure ripristinare una copia di sicurezza.",
            path.display(),
            wal.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
    }
}

/// The `-wal` file beside an archive.
pub fn wal_path(path: &Path) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push("-wal");
    std::path::PathBuf::from(s)
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
