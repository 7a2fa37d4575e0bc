//! Core of the Comunità di Pratiche application: the registry of the comuni
//! of the Città Metropolitana di Messina, their referents, the zone omogenee,
//! the audit log and the exports. No Tauri here: the shell calls [`Store`].

pub mod adhesion;
pub mod archive;
pub mod audit;
pub mod dashboard;
pub mod db;
pub mod documents;
pub mod error;
pub mod file_spec;
pub mod io;
pub mod job;
pub mod organigram;
pub mod registry;
pub mod risks;
pub mod settings;
pub mod text;
pub mod training;
pub mod validate;
pub mod zones;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use error::{Error, ErrorPayload, Result};

/// The handle on one archive. Each public method that changes data is one
/// user action: one transaction that also writes its audit row. Opening,
/// closing, backups and restore are in `archive.rs`.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// Opened read-only: every action is refused with an Italian message.
    read_only: bool,
    /// The one-writer lock, held while the archive is open for writing.
    lock: Option<db::lock::ArchiveLock>,
}

impl Store {
    /// A fresh seeded archive in memory (tests and benchmarks).
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store::with_connection(db::open_in_memory()?, None);
        store.seed_if_empty()?;
        store.seed_risks_if_empty()?;
        Ok(store)
    }

    /// An empty archive in memory, schema only, not seeded.
    pub fn open_in_memory_empty() -> Result<Store> {
        Ok(Store::with_connection(db::open_in_memory()?, None))
    }

    fn with_connection(conn: Connection, path: Option<PathBuf>) -> Store {
        Store {
            conn,
            path,
            read_only: false,
            lock: None,
        }
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

    /// Runs `f` as one user action: one IMMEDIATE transaction, committed only
    /// if `f` succeeds. `f` receives the operator's name for the audit rows.
    pub(crate) fn action<T>(
        &mut self,
        f: impl FnOnce(&Transaction, &str) -> Result<T>,
    ) -> Result<T> {
        if self.read_only {
            return Err(archive::read_only_error(self.path()));
        }
        let operator = settings::operator_name(&self.conn)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx, &operator)?;
        tx.commit()?;
        Ok(out)
    }
}

/// The current instant as UTC RFC 3339, as timestamps are stored.
pub(crate) fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The version stamp of an edited record: now, with milliseconds, and always
/// after `previous` (two saves in the same millisecond still differ).
pub(crate) fn next_version(previous: &str) -> String {
    use chrono::SubsecRound;
    let now = chrono::Utc::now().trunc_subsecs(3);
    let prev = chrono::DateTime::parse_from_rfc3339(previous)
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok();
    let at = match prev {
        Some(p) if p >= now => p + chrono::Duration::milliseconds(1),
        _ => now,
    };
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// An identifier for a bulk action or a batch: the instant with milliseconds
/// and a counter, distinct even for two batches in the same millisecond.
pub(crate) fn unique_stamp() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}-{}",
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}
