//! Core of the Comunità di Pratiche application: the registry of the comuni
//! of the Città Metropolitana di Messina, their referents, the zone omogenee,
//! the audit log and the exports. No Tauri here: the shell calls [`Store`].

pub mod adhesion;
pub mod archive;
pub mod audit;
pub mod clock;
pub mod comms;
pub mod dashboard;
pub mod db;
pub mod documents;
pub mod error;
pub mod file_spec;
pub mod fonts;
pub mod fs;
pub mod glossary;
pub mod io;
pub mod job;
pub mod legal;
pub mod organigram;
pub mod person;
pub mod piao;
pub mod registry;
pub mod risks;
pub mod settings;
pub mod text;
pub mod training;
pub mod validate;
pub mod yearly;
pub mod zones;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};

use db::backup::{BackupInfo, Reason, Summary};

pub use clock::Clock;
pub use error::{Error, ErrorPayload, Result};

/// The handle on one archive. Each public method that changes data is one
/// user action: one transaction that also writes its audit row. Opening,
/// closing and restore are in `archive.rs`; the backups below.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// Opened read-only: every action is refused with an Italian message.
    read_only: bool,
    /// The one-writer lock, held while the archive is open for writing.
    lock: Option<db::lock::ArchiveLock>,
    /// The schema this build writes (composed from the domains in `archive`).
    schema: &'static db::Schema,
    /// Where "today" comes from, for every rule that depends on the date.
    clock: Clock,
    /// Who had the archive open when its last close could not checkpoint.
    unclean_close: Option<String>,
}

impl Store {
    pub(crate) fn with_connection(
        conn: Connection,
        path: Option<PathBuf>,
        schema: &'static db::Schema,
    ) -> Store {
        Store {
            conn,
            path,
            read_only: false,
            lock: None,
            schema,
            clock: Clock::Local,
            unclean_close: None,
        }
    }

    /// Sets where "today" comes from (the shell does it once, at start).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Today, on the store's clock: the date every date rule compares with.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether the archive is open read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The raw connection, for tests and benchmarks that inspect the tables.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Names the archive's file in a storage error that did not name one.
    pub fn explain(&self, e: Error) -> Error {
        e.at_archive(self.path())
    }

    /// Copies what the WAL holds into the main file without waiting for
    /// readers (`wal_checkpoint(PASSIVE)`): done after each user action and
    /// when the app is idle, so that the main file lags by seconds. What a
    /// reader still needs stays in the WAL for the next one.
    pub fn passive_checkpoint(&self) {
        if self.path.is_some() && !self.read_only {
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
    }

    /// Runs `f` as one user action: one IMMEDIATE transaction, committed only
    /// if `f` succeeds. `f` receives the operator's name for the audit rows.
    pub(crate) fn action<T>(
        &mut self,
        f: impl FnOnce(&Transaction, &str) -> Result<T>,
    ) -> Result<T> {
        if self.read_only {
            return Err(Error::read_only(self.path()));
        }
        let operator = db::kv::operator_name(&self.conn)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx, &operator)?;
        tx.commit()?;
        self.passive_checkpoint();
        Ok(out)
    }
}

/// Backups: the folder, the daily copy, a copy now, the list, a copy chosen
/// by the user (the copying itself is `db::backup`).
impl Store {
    /// The folder of the backups: the one chosen in Impostazioni, else
    /// `backup` beside the archive.
    pub fn backup_dir(&self) -> Result<PathBuf> {
        if let Some(dir) = db::kv::get(&self.conn, db::kv::BACKUP_DIR)? {
            if !dir.trim().is_empty() {
                return Ok(PathBuf::from(dir));
            }
        }
        default_backup_dir(self.path())
    }

    /// The first opening of each day makes a copy (if none was made that day).
    pub fn daily_backup(&self, now: DateTime<Utc>) -> Result<Option<BackupInfo>> {
        if self.read_only {
            return Ok(None);
        }
        let dir = self.backup_dir()?;
        if db::backup::has_daily(&dir, now.date_naive())? {
            return Ok(None);
        }
        db::backup::make(
            &self.conn,
            &dir,
            Reason::Daily,
            now,
            self.schema.latest_version(),
        )
        .map(Some)
    }

    /// A copy made now, for `reason` (before an import, ...).
    pub fn backup_now(&self, reason: Reason, now: DateTime<Utc>) -> Result<BackupInfo> {
        db::backup::make(
            &self.conn,
            &self.backup_dir()?,
            reason,
            now,
            self.schema.latest_version(),
        )
    }

    /// The copies in the backup folder, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        db::backup::list(&self.backup_dir()?, self.schema.latest_version())
    }

    /// "Salva una copia dell'archivio…": a checked copy at `dest` (chosen in
    /// the save dialog, which has already asked about replacing a file).
    pub fn save_copy(&self, dest: &Path) -> Result<Summary> {
        if let Some(p) = self.path() {
            if fs::same_file(p, dest) || dest.starts_with(p) {
                return Err(Error::validation(
                    "file",
                    "La copia non può sostituire l'archivio aperto: scegliere un altro nome o un'altra cartella.",
                ));
            }
        }
        db::backup::copy_to(&self.conn, dest, true, self.schema.latest_version())
    }
}

/// The default backup folder: `backup` beside the archive.
fn default_backup_dir(archive: Option<&Path>) -> Result<PathBuf> {
    let p =
        archive.ok_or_else(|| Error::io("Un archivio in memoria non ha copie di sicurezza."))?;
    Ok(db::backup::parent_of(p).join("backup"))
}
