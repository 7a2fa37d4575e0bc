//! The archive's life: create (only where no file exists), open (one writer,
//! or read-only), close (checkpointed: the main file alone is the archive),
//! backups, a copy chosen by the user, restore.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::db::backup::{self, BackupInfo, Reason, Summary};
use crate::db::lock::{self, Acquired, Holder};
use crate::db::{self, kv, Access};
use crate::error::{Error, Result, StorageKind};
use crate::{Clock, Store};

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

/// The domains whose tables make the archive, each with its migrations and
/// its seed. The schema is their migrations in order; seeds run in this order.
const DOMAINS: &[db::Domain<Store>] = &[
    crate::registry::DOMAIN,
    crate::adhesion::DOMAIN,
    crate::documents::DOMAIN,
    crate::zones::DOMAIN,
    crate::risks::DOMAIN,
    crate::training::DOMAIN,
    crate::organigram::DOMAIN,
    crate::piao::DOMAIN,
];

/// The archive's schema, composed once from the domains' migrations.
pub fn schema() -> &'static db::Schema {
    static SCHEMA: std::sync::OnceLock<db::Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| db::Schema::compose(DOMAINS))
}

/// Runs every domain's seed (each fills only what is still empty).
fn seed(store: &mut Store) -> Result<()> {
    for d in DOMAINS {
        if let Some(seed) = d.seed {
            seed(store)?;
        }
    }
    Ok(())
}

impl Store {
    /// A fresh seeded archive in memory (tests and benchmarks).
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store::with_connection(db::open_in_memory(schema())?, None, schema());
        seed(&mut store)?;
        Ok(store)
    }

    /// An empty archive in memory, schema only, not seeded.
    pub fn open_in_memory_empty() -> Result<Store> {
        Ok(Store::with_connection(
            db::open_in_memory(schema())?,
            None,
            schema(),
        ))
    }

    /// Opens the archive at `path` for writing. Where no file exists, a new
    /// archive is built in a temporary file beside it, seeded with the 108
    /// comuni and renamed into place: a crash leaves no half archive. An
    /// existing file is opened or refused (see `db::open_existing`), never
    /// seeded over. Another instance holding it: `archive_in_use`. An older
    /// schema is backed up, then migrated.
    ///
    /// A file that says it is still open (see [`kv::OPEN_BY`]) but has no
    /// `-wal` beside it is a copy made while the app was running:
    /// `archive_suspected_copy`, so the user chooses to open it read-only,
    /// anyway ([`Store::open_anyway`]) or not at all.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_checking(path, true)
    }

    /// Opens for writing a file the user chose to open although it looks
    /// like a copy made while the app was running.
    pub fn open_anyway(path: &Path) -> Result<Store> {
        Store::open_checking(path, false)
    }

    fn open_checking(path: &Path, check_copy: bool) -> Result<Store> {
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
        // Whether a WAL was beside the file before opening created one.
        let wal_beside = db::wal_path(path).exists();
        let conn = db::open_existing(path, Access::ReadWrite, schema())?;
        let held = match lock::acquire(path)? {
            Acquired::Lock(l) => l,
            Acquired::HeldBy(holder) => {
                return Err(Error::ArchiveInUse {
                    path: path.to_path_buf(),
                    holder: holder.describe(),
                })
            }
        };
        if check_copy && !wal_beside {
            if let Some(mark) = open_mark(&conn)? {
                return Err(Error::SuspectedCopy {
                    path: path.to_path_buf(),
                    wal: db::wal_name(path),
                    holder: mark.describe(),
                });
            }
        }
        // Still marked open, with its WAL beside and no crashed holder: the
        // last close could not checkpoint (see `close`).
        let unclean_close = if check_copy && wal_beside && held.recovered_from.is_none() {
            open_mark(&conn)?.map(|m| m.describe())
        } else {
            None
        };
        let version = db::schema_version(&conn)?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only: false,
            lock: Some(held),
            schema: schema(),
            clock: Clock::Local,
            unclean_close,
        };
        if version < schema().latest_version() {
            backup::make(
                &store.conn,
                &store.backup_dir()?,
                Reason::BeforeMigration,
                Utc::now(),
                schema().latest_version(),
            )?;
            schema()
                .migrate(&store.conn)
                .map_err(|e| store.explain(e))?;
        }
        // An archive migrated to a domain's new tables gets that domain's seed.
        seed(&mut store).map_err(|e| store.explain(e))?;
        store.mark_open()?;
        store.remove_leftovers();
        Ok(store)
    }

    /// The temporary files a killed instance left beside the archive and in
    /// the backup folder (only the names this app makes, older than a day).
    fn remove_leftovers(&self) {
        const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
        if let Some(path) = self.path() {
            crate::fs::remove_stale_temps(backup::parent_of(path), &[NEW_ARCHIVE, COPY], DAY);
        }
        if let Ok(dir) = self.backup_dir() {
            crate::fs::remove_stale_temps(&dir, &[COPY], DAY);
        }
    }

    /// Records in the main file that the archive is open (who, where, since
    /// when), checkpointed at once so that a copy of the main file alone
    /// says so.
    fn mark_open(&self) -> Result<()> {
        let (Some(lock), Some(path)) = (self.lock.as_ref(), self.path()) else {
            return Ok(());
        };
        let mark = OpenMark {
            holder: lock.holder().clone(),
            path: path.display().to_string(),
        };
        let json = serde_json::to_string(&mark).map_err(|e| Error::io(e.to_string()))?;
        kv::set(&self.conn, kv::OPEN_BY, &json).map_err(|e| self.explain(e))?;
        // Busy only if another connection reads: the next checkpoint does it.
        let _ = checkpoint(&self.conn);
        Ok(())
    }

    /// Opens an existing archive read-only: every change is refused.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if missing(path)? {
            return Err(Error::storage(StorageKind::FileNotFound, path));
        }
        Ok(Store {
            conn: db::open_existing(path, Access::ReadOnly, schema())?,
            path: Some(path.to_path_buf()),
            read_only: true,
            lock: None,
            schema: schema(),
            clock: Clock::Local,
            unclean_close: None,
        })
    }

    /// What to tell the user at opening when the last close of this archive
    /// could not bring its WAL into the main file: the work was in the
    /// `-wal` beside it and is taken up now.
    pub fn unclean_close_notice(&self) -> Option<String> {
        let path = self.path()?;
        self.unclean_close.as_ref().map(|who| {
            format!(
                "L'ultima chiusura dell'archivio ({who}) non è riuscita a riportare tutto il lavoro nel file principale (ad esempio per il disco pieno): il lavoro era nel file «{}» accanto all'archivio ed è stato ripreso ora. Fino a una chiusura corretta, copiare l'archivio solo con «Salva una copia dell'archivio…».",
                db::wal_name(path)
            )
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
    pub fn close(mut self) -> Result<()> {
        let path = self.path.clone();
        let lock = self.lock.take();
        let checkpoint = if self.read_only || path.is_none() {
            Ok(())
        } else {
            // Everything into the main file first; only then does the file
            // stop saying it is open. A close that cannot checkpoint (a full
            // disk, a reader holding the WAL) leaves the mark beside the
            // WAL, and the next opening tells the user (`unclean_close_notice`).
            checkpoint(&self.conn)
                .and_then(|()| kv::remove(&self.conn, kv::OPEN_BY))
                .and_then(|()| checkpoint(&self.conn))
                .map_err(|e| e.at_archive(path.as_deref()))
        };
        let conn = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        conn.close()
            .map_err(|(_, e)| Error::from(e).at_archive(path.as_deref()))?;
        if let Some(l) = lock {
            l.release();
        }
        checkpoint
    }

    /// Replaces the archive with the copy at `source`: the copy is checked
    /// (this app's, intact, not newer), a safety copy of the current archive
    /// is made, the archive is closed and the checked copy renamed over it
    /// in one step, then reopened (and migrated if older). Interrupted at any
    /// point, the file is the old archive or the restored one, never a mix.
    pub fn restore(&mut self, source: &Path, now: DateTime<Utc>) -> Result<RestoreReport> {
        if self.read_only {
            return Err(Error::read_only(self.path()));
        }
        let path = self
            .path
            .clone()
            .ok_or_else(|| Error::io("Un archivio in memoria non si ripristina."))?;
        if crate::fs::same_file(&path, source) {
            return Err(Error::validation(
                "file",
                "Il file scelto è l'archivio aperto: scegliere una copia.",
            ));
        }
        backup::verify(source, schema().latest_version())?;
        let safety_copy = self.backup_now(Reason::BeforeRestore, now)?;
        let dir = backup::parent_of(&path).to_path_buf();
        // The checked copy, next to the archive so the rename is atomic.
        let (tmp, restored) = {
            let src = db::open_existing(source, Access::ReadOnly, schema())
                .map_err(|e| Error::validation("file", e.to_string()))?;
            backup::snapshot(&src, &dir, &path, schema().latest_version())?
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
        if db::schema_version(&self.conn)? < schema().latest_version() {
            schema().migrate(&self.conn).map_err(|e| self.explain(e))?;
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
        match db::open_existing(path, Access::ReadWrite, schema()) {
            Ok(conn) => {
                self.conn = conn;
                // The restored file is a copy, closed: it is open again.
                self.mark_open()
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

/// A store dropped without [`Store::close`] (the shell's exit, a test) is
/// closed by SQLite, which checkpoints on the last connection's close: the
/// file is complete, so it no longer says it is open.
impl Drop for Store {
    fn drop(&mut self) {
        if self.lock.is_some() && !self.read_only {
            let _ = kv::remove(&self.conn, kv::OPEN_BY);
        }
    }
}

/// The temporary file a new archive is built in, beside it.
const NEW_ARCHIVE: &str = ".nuovo-archivio-";
use backup::COPY;

/// What [`kv::OPEN_BY`] holds: who opened the archive, when, and where.
#[derive(Debug, Serialize, Deserialize)]
struct OpenMark {
    #[serde(flatten)]
    holder: Holder,
    path: String,
}

impl OpenMark {
    /// "aperto da rossi su PC-SEGRETERIA dal 30/11/2026 alle 10:15, in /percorso"
    fn describe(&self) -> String {
        format!("{}, in {}", self.holder.describe(), self.path)
    }
}

/// The open mark of an archive, if it says it is open. A mark this build
/// cannot read still means "open".
fn open_mark(conn: &Connection) -> Result<Option<OpenMark>> {
    Ok(kv::get(conn, kv::OPEN_BY)?.map(|json| {
        serde_json::from_str(&json).unwrap_or(OpenMark {
            holder: Holder {
                user: "utente sconosciuto".into(),
                host: "computer sconosciuto".into(),
                pid: 0,
                since: String::new(),
                since_local: "data sconosciuta".into(),
                heartbeat: String::new(),
            },
            path: "percorso sconosciuto".into(),
        })
    }))
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
    let tmp = crate::fs::temp_in(dir, NEW_ARCHIVE).map_err(|e| Error::file(dir, &e))?;
    let conn = db::create_at(tmp.path(), schema()).map_err(|e| e.at_archive(Some(path)))?;
    let mut store = Store::with_connection(conn, Some(tmp.path().to_path_buf()), schema());
    seed(&mut store).map_err(|e| e.at_archive(Some(path)))?;
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
pub fn copy_file(today: chrono::NaiveDate) -> crate::file_spec::FileSpec {
    crate::file_spec::FileSpec::new(
        crate::file_spec::dated("Copia_archivio_comunita_pratiche", today) + ".sqlite3",
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
