//! The app's state: the open archive (or why it could not be opened).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};

use cdp_core::job::CancelToken;
use cdp_core::{Clock, ErrorPayload, Store};

pub const DB_FILE_NAME: &str = "comunita-pratiche.sqlite3";

pub struct AppState {
    pub db_path: PathBuf,
    store: Mutex<Result<Store, ErrorPayload>>,
    /// Files written by this session's exports: the only ones the UI may ask to open.
    pub exported: Mutex<Vec<PathBuf>>,
    /// Set by `cancel_bulk` to stop a bulk action in progress (read without the store lock).
    pub cancel: AtomicBool,
    /// The cancel tokens of the document batches running now (one per job).
    jobs: Mutex<Vec<(u64, CancelToken)>>,
    /// What the user must be told after opening (a failed daily backup, an
    /// archive taken over from a crashed instance).
    pub notices: Mutex<Vec<String>>,
    /// Where "today" comes from, given to every store this state opens.
    clock: Clock,
}

/// The archive file: `--db PATH` (or `--db=PATH`), else `CDP_DB`, else the app-data folder.
pub fn resolve_db_path(args: &[String], env: Option<OsString>, default_dir: &Path) -> PathBuf {
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--db" {
            if let Some(p) = it.next() {
                return PathBuf::from(p);
            }
        } else if let Some(p) = a.strip_prefix("--db=") {
            return PathBuf::from(p);
        }
    }
    match env {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => default_dir.join(DB_FILE_NAME),
    }
}

impl AppState {
    /// Opens the archive for writing (creating it where no file exists) and
    /// makes the day's first backup. `clock` says what "today" is.
    pub fn open(db_path: PathBuf, clock: Clock) -> AppState {
        let state = AppState {
            store: Mutex::new(Err(closed())),
            db_path,
            exported: Mutex::new(Vec::new()),
            cancel: AtomicBool::new(false),
            jobs: Mutex::new(Vec::new()),
            notices: Mutex::new(Vec::new()),
            clock,
        };
        let opened = Store::open(&state.db_path)
            .map(|mut s| {
                s.set_clock(clock);
                s
            })
            .map_err(|e| e.to_payload());
        if let Ok(store) = &opened {
            let mut notices = Vec::new();
            if let Some(h) = store.recovered_from() {
                notices.push(format!(
                    "L'archivio non era stato chiuso correttamente (era {}): è stato controllato ed è integro.",
                    h.describe()
                ));
            }
            if let Err(e) = store.daily_backup(chrono::Utc::now()) {
                notices.push(format!(
                    "Copia di sicurezza giornaliera non riuscita. {} Controllare la cartella delle copie in Impostazioni.",
                    store.explain(e)
                ));
            }
            *state.notices.lock().unwrap_or_else(|p| p.into_inner()) = notices;
        }
        *state.lock() = opened;
        state
    }

    /// Replaces a refused opening with a read-only one (the user chose it).
    pub fn open_read_only(&self) -> Result<(), ErrorPayload> {
        let mut guard = self.lock();
        if guard.is_ok() {
            return Ok(());
        }
        let mut store = Store::open_read_only(&self.db_path).map_err(|e| e.to_payload())?;
        store.set_clock(self.clock);
        *guard = Ok(store);
        Ok(())
    }

    /// Closes the archive (checkpoint, close, lock released). Called on every
    /// normal exit; later commands get "archive closed".
    pub fn close(&self) {
        let mut guard = self.lock();
        if let Ok(store) = std::mem::replace(&mut *guard, Err(closed())) {
            if let Err(e) = store.close() {
                eprintln!("Chiusura dell'archivio: {e}");
            }
        }
    }

    /// Today, on the clock every store of this state is given.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    pub fn lock(&self) -> MutexGuard<'_, Result<Store, ErrorPayload>> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the open store, or returns why the archive is not open.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> cdp_core::Result<T>,
    ) -> Result<T, ErrorPayload> {
        match &mut *self.lock() {
            Ok(store) => f(store).map_err(|e| store.explain(e).to_payload()),
            Err(e) => Err(e.clone()),
        }
    }

    /// A file written this session, which the user may then open.
    pub fn remember(&self, path: PathBuf) {
        self.exported
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(path);
    }
}

/// A running batch's cancel token, registered while the job runs so that
/// `cancel_bulk` reaches it; dropped when the job ends.
pub struct Job<'a> {
    state: &'a AppState,
    id: u64,
    pub token: CancelToken,
}

impl Drop for Job<'_> {
    fn drop(&mut self) {
        self.state
            .jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|(id, _)| *id != self.id);
    }
}

impl AppState {
    /// Starts a batch with its own cancel token: cancelling it never
    /// touches another job, and a new job never un-cancels one.
    pub fn job(&self) -> Job<'_> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let token = CancelToken::new();
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((id, token.clone()));
        Job {
            state: self,
            id,
            token,
        }
    }

    /// Cancels the batches running now (the window shows one at a time).
    pub fn cancel_jobs(&self) {
        for (_, token) in self.jobs.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            token.cancel();
        }
    }
}

fn closed() -> ErrorPayload {
    ErrorPayload {
        code: "archive_closed".into(),
        message: "L'archivio è chiuso: riavviare l'applicazione.".into(),
        field: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn db_path_from_flag_env_or_default() {
        let d = Path::new("/data");
        assert_eq!(
            resolve_db_path(
                &args(&["app", "--db", "/x/a.sqlite3"]),
                Some("/y".into()),
                d
            ),
            PathBuf::from("/x/a.sqlite3")
        );
        assert_eq!(
            resolve_db_path(&args(&["app", "--db=/x/b.sqlite3"]), None, d),
            PathBuf::from("/x/b.sqlite3")
        );
        assert_eq!(
            resolve_db_path(&args(&["app"]), Some("/y/c.sqlite3".into()), d),
            PathBuf::from("/y/c.sqlite3")
        );
        assert_eq!(
            resolve_db_path(&args(&["app"]), None, d),
            PathBuf::from("/data").join(DB_FILE_NAME)
        );
        assert_eq!(
            resolve_db_path(&args(&["app"]), Some("".into()), d),
            PathBuf::from("/data").join(DB_FILE_NAME)
        );
    }
}
