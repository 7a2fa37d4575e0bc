//! The archive's life: create (only where no file exists), open (one writer,
//! or read-only), close (checkpointed: the main file alone is the archive),
//! backups, a copy chosen by the user, restore.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

use crate::db::backup::{self, BackupInfo, Reason, Summary};
use crate::db::lock::{self, Acquired, Holder};
use crate::db::{self, Access};
use crate::error::{Error, Result, StorageKind};
use crate::Store;

/// The settings key of the backup folder (empty: `backup` beside the archive).
pub(crate) const BACKUP_DIR: &str = "backup_dir";

pub(crate) fn read_only_error(path: Option<&Path>) -> Error {
    Error::ReadOnlyArchive {
        message: format!(
            "L'archivio{} è aperto in sola lettura: nessuna modifica è possibile. Per modificarlo, chiudere l'applicazione e riaprirlo quando nessun altro lo usa, da una cartella in cui si può scrivere.",
            path.map(|p| format!(" {}", p.display())).unwrap_or_default()
        ),
    }
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RestoreReport {
    /// What the restored archive holds.
    pub restored: Summary,
    /// The copy of the archive as it was just before the restore.
    pub safety_copy: BackupInfo,
}

fn missing(path: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(Error::file(path, &e)),
    }
}

impl Store {
    /// Opens the archive at `path` for writing. Where no file exists, a new
    /// archive is built in a temporary file beside it, seeded with the 108
    /// comuni and renamed into place: a crash leaves no half archive. An
    /// existing file is opened or refused (see `db::open_existing`), never
    /// seeded over. Another instance holding it: `archive_in_use`. An older
    /// schema is backed up, then migrated.
    pub fn open(path: &Path) -> Result<Store> {
        if missing(path)? {
            create_new(path)?;
        }
        if path.is_dir() {
            return Err(Error::UnreadableDatabase {
                message: format!(
                    "{} è una cartella, non un archivio della Comunità di Pratiche: indicare il file dell'archivio.",
                    path.display()
                ),
            });
        }
        // A file (or disk) that cannot be written: say so, so the user can
        // choose to open it read-only.
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| Error::file(path, &e))?;
        let conn = db::open_existing(path, Access::ReadWrite)?;
        let held = match lock::acquire(path)? {
            Acquired::Lock(l) => l,
            Acquired::HeldBy(holder) => {
                return Err(Error::ArchiveInUse {
                    path: path.to_path_buf(),
                    holder: Box::new(holder),
                })
            }
        };
        let version = db::schema_version(&conn)?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only: false,
            lock: Some(held),
        };
        if version < db::latest_version() {
            backup::make(
                &store.conn,
                &store.backup_dir()?,
                Reason::BeforeMigration,
                Utc::now(),
            )?;
            db::migrate(&store.conn).map_err(|e| store.explain(e))?;
        }
        // An archive migrated to the risks schema gets the starting catalogue.
        store.seed_risks_if_empty().map_err(|e| store.explain(e))?;
        Ok(store)
    }

    /// Opens an existing archive read-only: every change is refused.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if missing(path)? {
            return Err(Error::storage(StorageKind::FileNotFound, path));
        }
        Ok(Store {
            conn: db::open_existing(path, Access::ReadOnly)?,
            path: Some(path.to_path_buf()),
            read_only: true,
            lock: None,
        })
    }

    /// The instance that left this archive open without closing it (a crash),
    /// if opening took its place over.
    pub fn recovered_from(&self) -> Option<&Holder> {
        self.lock.as_ref().and_then(|l| l.recovered_from.as_ref())
    }

    /// Closes the archive: the WAL is checkpointed into the main file and
    /// truncated, the connection closed and the lock released, so the main
    /// file alone holds everything.
    pub fn close(self) -> Result<()> {
        let Store {
            conn,
            path,
            read_only,
            lock,
        } = self;
        let checkpoint = if read_only || path.is_none() {
            Ok(())
        } else {
            checkpoint(&conn).map_err(|e| e.at_archive(path.as_deref()))
        };
        conn.close()
            .map_err(|(_, e)| Error::from(e).at_archive(path.as_deref()))?;
        if let Some(l) = lock {
            l.release();
        }
        checkpoint
    }

    /// The folder of the backups: the one chosen in Impostazioni, else
    /// `backup` beside the archive.
    pub fn backup_dir(&self) -> Result<PathBuf> {
        if let Some(dir) = crate::settings::get(&self.conn, BACKUP_DIR)? {
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
        if backup::has_daily(&dir, now.date_naive())? {
            return Ok(None);
        }
        backup::make(&self.conn, &dir, Reason::Daily, now).map(Some)
    }

    /// A copy made now, for `reason` (before an import, ...).
    pub fn backup_now(&self, reason: Reason, now: DateTime<Utc>) -> Result<BackupInfo> {
        backup::make(&self.conn, &self.backup_dir()?, reason, now)
    }

    /// The copies in the backup folder, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        backup::list(&self.backup_dir()?)
    }

    /// "Salva una copia dell'archivio…": a checked copy at `dest` (chosen in
    /// the save dialog, which has already asked about replacing a file).
    pub fn save_copy(&self, dest: &Path) -> Result<Summary> {
        if let Some(p) = self.path() {
            if same_file(p, dest) || dest.starts_with(p) {
                return Err(Error::validation(
                    "file",
                    "La copia non può sostituire l'archivio aperto: scegliere un altro nome o un'altra cartella.",
                ));
            }
        }
        backup::copy_to(&self.conn, dest, true)
    }

    /// Replaces the archive with the copy at `source`: the copy is checked
    /// (this app's, intact, not newer), a safety copy of the current archive
    /// is made, the archive is closed and the checked copy renamed over it
    /// in one step, then reopened (and migrated if older). Interrupted at any
    /// point, the file is the old archive or the restored one, never a mix.
    pub fn restore(&mut self, source: &Path, now: DateTime<Utc>) -> Result<RestoreReport> {
        if self.read_only {
            return Err(read_only_error(self.path()));
        }
        let path = self
            .path
            .clone()
            .ok_or_else(|| Error::io("Un archivio in memoria non si ripristina."))?;
        if same_file(&path, source) {
            return Err(Error::validation(
                "file",
                "Il file scelto è l'archivio aperto: scegliere una copia.",
            ));
        }
        backup::verify(source)?;
        let safety_copy = self.backup_now(Reason::BeforeRestore, now)?;
        let dir = backup::parent_of(&path).to_path_buf();
        // The checked copy, next to the archive so the rename is atomic.
        let (tmp, restored) = {
            let src = db::open_existing(source, Access::ReadOnly)
                .map_err(|e| Error::validation("file", e.to_string()))?;
            backup::snapshot(&src, &dir, &path)?
        };
        // Close the current archive: checkpointed, so no WAL is left whose
        // frames could be applied to the restored file.
        checkpoint(&self.conn).map_err(|e| self.explain(e))?;
        let old = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        if let Err((conn, e)) = old.close() {
            self.conn = conn;
            return Err(self.explain(Error::from(e)));
        }
        let wal = db::wal_path(&path);
        if std::fs::metadata(&wal)
            .map(|m| m.len() > 0)
            .unwrap_or(false)
        {
            self.reopen(&path)?;
            return Err(Error::storage(StorageKind::Busy, &path));
        }
        if let Err(e) = tmp.persist(&path) {
            self.reopen(&path)?;
            return Err(Error::file(&path, &e.error));
        }
        backup::sync_dir(&dir);
        self.reopen(&path)?;
        if db::schema_version(&self.conn)? < db::latest_version() {
            db::migrate(&self.conn).map_err(|e| self.explain(e))?;
        }
        let note = serde_json::json!({
            "source": source.display().to_string(),
            "safety_copy": safety_copy.path,
            "restored": restored,
        });
        self.action(|tx, op| {
            crate::audit::record(tx, op, "restore", "archive", "archive", None, Some(&note))
        })?;
        Ok(RestoreReport {
            restored,
            safety_copy,
        })
    }

    /// Reopens the connection on `path` after a restore (the lock is kept).
    fn reopen(&mut self, path: &Path) -> Result<()> {
        match db::open_existing(path, Access::ReadWrite) {
            Ok(conn) => {
                self.conn = conn;
                Ok(())
            }
            Err(e) => {
                // Never keep writing to the placeholder.
                self.read_only = true;
                Err(Error::io(format!(
                    "L'archivio {} non si è riaperto dopo il ripristino ({e}). Chiudere e riavviare l'applicazione.",
                    path.display()
                )))
            }
        }
    }
}

/// The default backup folder: `backup` beside the archive.
pub fn default_backup_dir(archive: Option<&Path>) -> Result<PathBuf> {
    let p =
        archive.ok_or_else(|| Error::io("Un archivio in memoria non ha copie di sicurezza."))?;
    Ok(backup::parent_of(p).join("backup"))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// `wal_checkpoint(TRUNCATE)`: every frame into the main file, the WAL
/// emptied. Refused (busy) while another connection reads the archive.
fn checkpoint(conn: &Connection) -> Result<()> {
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    if busy != 0 {
        return Err(Error::Storage {
            kind: StorageKind::Busy,
            path: None,
        });
    }
    Ok(())
}

/// Builds a new archive in a temporary file beside `path`, seeds it and
/// renames it into place (never over an existing file).
fn create_new(path: &Path) -> Result<()> {
    let dir = backup::parent_of(path);
    std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, &e))?;
    let tmp = crate::io::temp_in(dir, ".nuovo-archivio-").map_err(|e| Error::file(dir, &e))?;
    let conn = db::create_at(tmp.path()).map_err(|e| e.at_archive(Some(path)))?;
    let mut store = Store::with_connection(conn, Some(tmp.path().to_path_buf()));
    store
        .seed_if_empty()
        .map_err(|e| e.at_archive(Some(path)))?;
    store
        .seed_risks_if_empty()
        .map_err(|e| e.at_archive(Some(path)))?;
    store.close().map_err(|e| e.at_archive(Some(path)))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::file(path, &e))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => {}
        // Someone created it meanwhile: open theirs.
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(Error::file(path, &e.error)),
    }
    backup::sync_dir(dir);
    Ok(())
}

/// A copy of the archive, through the save dialog.
pub fn copy_file() -> crate::file_spec::FileSpec {
    crate::file_spec::FileSpec::new(
        crate::file_spec::dated("Copia_archivio_comunita_pratiche") + ".sqlite3",
        "Salva una copia dell'archivio",
        ARCHIVE_FILTER,
        &["sqlite3"],
    )
}

/// A copy to restore from, chosen in the open dialog.
pub const RESTORE_FILE: crate::file_spec::OpenSpec = crate::file_spec::OpenSpec {
    title: "Ripristina da una copia dell'archivio",
    filter_label: ARCHIVE_FILTER,
    extensions: &["sqlite3"],
};

const ARCHIVE_FILTER: &str = "Archivio della Comunità di Pratiche";
