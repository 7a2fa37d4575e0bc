//! Connection setup, the version guard, and the machinery of the schema:
//! each domain declares its migrations and seed (`Domain`); the archive
//! composes them into one ordered `Schema`. Below: the settings store
//! (`kv`), versions of records (`version`), backups, the one-writer lock.

use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

pub mod backup;
pub mod kv;
pub mod lock;
pub mod version;

/// `PRAGMA application_id` of our archives ('CDP1').
pub const APPLICATION_ID: i64 = 0x4344_5031;

/// One numbered migration of the archive's schema. Append only: a released
/// one is never edited. `number` is its place in the whole archive's order
/// (`PRAGMA user_version` counts the migrations applied).
#[derive(Debug)]
pub struct Migration {
    pub number: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// A domain's part of the archive: the migrations that make its tables and
/// the seed that fills them on a new (or newly migrated) archive. `S` is the
/// store the seed writes through; each domain declares one.
pub struct Domain<S> {
    pub name: &'static str,
    pub migrations: &'static [Migration],
    pub seed: Option<fn(&mut S) -> Result<()>>,
}

/// The archive's schema: the migrations of every domain in their order.
#[derive(Debug)]
pub struct Schema {
    migrations: Vec<&'static Migration>,
}

impl Schema {
    /// The migrations of `domains`, ordered by number. Two migrations with
    /// one number, or a gap, is a mistake of this build: it panics (a test
    /// composes the schema).
    pub fn compose<S>(domains: &[Domain<S>]) -> Schema {
        let mut migrations: Vec<&'static Migration> =
            domains.iter().flat_map(|d| d.migrations.iter()).collect();
        migrations.sort_by_key(|m| m.number);
        for (i, m) in migrations.iter().enumerate() {
            assert_eq!(
                m.number,
                i as i64 + 1,
                "migration {} out of sequence",
                m.name
            );
        }
        Schema { migrations }
    }

    /// Every migration, in order.
    pub fn migrations(&self) -> &[&'static Migration] {
        &self.migrations
    }

    /// The schema version this build writes.
    pub fn latest_version(&self) -> i64 {
        self.migrations.len() as i64
    }

    /// Runs the pending migrations in one transaction and records the version.
    pub fn migrate(&self, conn: &Connection) -> Result<()> {
        let latest = self.latest_version();
        let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current > latest {
            return Err(Error::NewerDatabase {
                message: format!(
                    "L'archivio è stato scritto da una versione più recente dell'applicazione (schema {current}). Aggiornare l'applicazione."
                ),
            });
        }
        if current == latest {
            return Ok(());
        }
        // SQLite's procedure for a schema change that rebuilds a table
        // (a CHECK widened: new table, copy, drop, rename): foreign keys off
        // outside the transaction, so that dropping the old table neither
        // cascades nor nulls the rows pointing to it, then every key checked
        // before committing.
        let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        conn.pragma_update(None, "foreign_keys", false)?;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| -> Result<()> {
            for m in &self.migrations[current as usize..] {
                conn.execute_batch(m.sql)?;
            }
            let broken: i64 =
                conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?;
            if broken > 0 {
                return Err(Error::Database(format!(
                    "l'aggiornamento dello schema lascerebbe {broken} riferimenti non validi: annullato"
                )));
            }
            conn.pragma_update(None, "user_version", latest)?;
            Ok(())
        })();
        let done = match result {
            Ok(()) => conn.execute_batch("COMMIT").map_err(Error::from),
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        };
        conn.pragma_update(None, "foreign_keys", enforced)?;
        done
    }
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
pub fn create_at(tmp: &Path, schema: &Schema) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        tmp,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Error::from(e).at_archive(Some(tmp)))?;
    configure(&conn)?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    schema.migrate(&conn)?;
    Ok(conn)
}

/// Opens the existing archive at `path`. It is checked before anything is
/// written to it: a file that is empty, not SQLite, damaged, of another
/// program, incomplete (a main file copied without its `-wal`) or written by a
/// newer version is refused with a message that names it, and left untouched.
/// Read-write opening migrates an older schema; read-only opening refuses it.
pub fn open_existing(path: &Path, access: Access, schema: &Schema) -> Result<Connection> {
    check_header(path)?;
    let conn = match access {
        Access::ReadWrite => Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| unreadable(path, &e))?,
        Access::ReadOnly => open_read_only(path)?,
    };
    check_existing(&conn, path, schema.latest_version())?;
    configure(&conn)?;
    if access == Access::ReadWrite {
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| Error::from(e).at_archive(Some(path)))?;
    } else if schema_version(&conn)? < schema.latest_version() {
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
pub fn open_in_memory(schema: &Schema) -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    configure(&conn)?;
    schema.migrate(&conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

fn unreadable(path: &Path, e: &rusqlite::Error) -> Error {
    Error::UnreadableDatabase {
        message: format!(
            "Impossibile aprire l'archivio {}: {}. Il file non è stato modificato.",
            path.display(),
            crate::error::sqlite_reason(e)
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

fn check_existing(conn: &Connection, path: &Path, latest: i64) -> Result<()> {
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
    if version > latest {
        return Err(Error::NewerDatabase {
            message: format!(
                "L'archivio {} è stato scritto da una versione più recente dell'applicazione (schema {version}, questa versione conosce fino allo schema {}). Aggiornare l'applicazione: l'archivio non è stato modificato.",
                path.display(),
                latest
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
    Error::UnreadableDatabase {
        message: format!(
            "Il file {} è un database vuoto o incompleto, non un archivio della Comunità di Pratiche: può essere la copia del solo file principale, fatta senza il file {} che conteneva i dati. Il file non è stato modificato. Copiare anche quel file accanto all'archivio, oppure ripristinare una copia di sicurezza.",
            path.display(),
            wal_name(path)
        ),
    }
}

/// The name of the `-wal` file beside an archive ("archivio.sqlite3-wal").
pub fn wal_name(path: &Path) -> String {
    wal_path(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The `-wal` file beside an archive.
pub fn wal_path(path: &Path) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push("-wal");
    std::path::PathBuf::from(s)
}
