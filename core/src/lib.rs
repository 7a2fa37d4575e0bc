//! Core of the Comunità di Pratiche application: the registry of the comuni
//! of the Città Metropolitana di Messina, their referents, the zone omogenee,
//! the audit log and the exports. No Tauri here: the shell calls [`Store`].

pub mod adhesion;
pub mod audit;
pub mod dashboard;
pub mod db;
pub mod documents;
pub mod error;
pub mod io;
pub mod registry;
pub mod settings;
pub mod text;
pub mod validate;
pub mod zones;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use error::{Error, ErrorPayload, Result};

/// The handle on one archive. Each public method that changes data is one
/// user action: one transaction that also writes its audit row.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens the archive at `path`, creating and seeding it on first use.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = db::open(path)?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.seed_if_empty()?;
        Ok(store)
    }

    /// A fresh seeded archive in memory (tests and benchmarks).
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store {
            conn: db::open_in_memory()?,
            path: None,
        };
        store.seed_if_empty()?;
        Ok(store)
    }

    /// An empty archive in memory, schema only, not seeded.
    pub fn open_in_memory_empty() -> Result<Store> {
        Ok(Store {
            conn: db::open_in_memory()?,
            path: None,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The raw connection, for tests and benchmarks that inspect the tables.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` as one user action: one IMMEDIATE transaction, committed only
    /// if `f` succeeds. `f` receives the operator's name for the audit rows.
    pub(crate) fn action<T>(
        &mut self,
        f: impl FnOnce(&Transaction, &str) -> Result<T>,
    ) -> Result<T> {
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
