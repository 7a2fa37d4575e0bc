//! The app's state: the open archive (or why it could not be opened), the
//! running jobs and the files written this session.

use std::collections::HashMap;
use std::ffi::OsString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};

use cdp_core::job::CancelToken;
use cdp_core::{Clock, Store};
use tauri::{AppHandle, Manager};

use crate::error::{Error, Result};

pub const DB_FILE_NAME: &str = "comunita-pratiche.sqlite3";

pub struct AppState {
    pub db_path: PathBuf,
    store: Mutex<std::result::Result<Store, Error>>,
    /// Files written by this session's exports: the only ones the UI may ask to open.
    pub exported: Mutex<Vec<PathBuf>>,
    /// The long jobs started and not yet finished, each with its own token.
    pub jobs: Jobs,
    /// What the user must be told after opening (a failed daily backup, an
    /// archive taken over from a crashed instance).
    pub notices: Mutex<Vec<String>>,
    /// Where "today" comes from, given to every store this state opens.
    clock: Clock,
    /// Whether the first opening has ended (see [`AppState::open`]).
    opened: (Mutex<bool>, Condvar),
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
    /// The state of an archive not opened yet: [`AppState::open`] opens it
    /// (on a thread of its own at start, while the window is built), and
    /// until then every command waits for it.
    pub fn new(db_path: PathBuf, clock: Clock) -> AppState {
        AppState {
            store: Mutex::new(Err(closed())),
            db_path,
            exported: Mutex::new(Vec::new()),
            jobs: Jobs::default(),
            notices: Mutex::new(Vec::new()),
            clock,
            opened: (Mutex::new(false), Condvar::new()),
        }
    }

    /// Opens the archive for writing (creating it where no file exists).
    /// The day's first backup is made later ([`AppState::daily_backup`]).
    /// Commands waiting for it are released even if the opening panics
    /// (they then get the `internal` error instead of waiting forever).
    pub fn open(&self) {
        match catch_unwind(AssertUnwindSafe(|| Store::open(&self.db_path))) {
            Ok(opened) => self.take(opened),
            Err(panic) => {
                *self.store.lock().unwrap_or_else(|p| p.into_inner()) = Err(Error::panicked(panic));
            }
        }
        let (done, ready) = &self.opened;
        *done.lock().unwrap_or_else(|p| p.into_inner()) = true;
        ready.notify_all();
    }

    /// The day's first backup of the open archive, made after the first
    /// screen is painted; what the user must be told if it failed.
    pub fn daily_backup(&self) -> Option<String> {
        let guard = self.lock();
        let store = guard.as_ref().ok()?;
        let e = store.daily_backup(chrono::Utc::now()).err()?;
        let notice = format!(
            "Copia di sicurezza giornaliera non riuscita. {} Controllare la cartella delle copie in Impostazioni.",
            store.explain(e)
        );
        Some(notice)
    }

    /// Puts an opened store in place (clock set) with what the user must be
    /// told about it, or why it could not be opened.
    fn take(&self, opened: cdp_core::Result<Store>) {
        let opened = opened
            .map(|mut s| {
                s.set_clock(self.clock);
                s
            })
            .map_err(Error::from);
        if let Ok(store) = &opened {
            let mut notices = Vec::new();
            if let Some(h) = store.recovered_from() {
                notices.push(format!(
                    "L'archivio non era stato chiuso correttamente (era {}): è stato controllato ed è integro.",
                    h.describe()
                ));
            }
            notices.extend(store.unclean_close_notice());
            *self.notices.lock().unwrap_or_else(|p| p.into_inner()) = notices;
        }
        // Not `lock()`: that waits for this first opening to end.
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = opened;
    }

    /// Opens for writing an archive refused as a copy made while the app
    /// was running (`archive_suspected_copy`): the user read the warning
    /// and chose «Apri comunque».
    pub fn open_anyway(&self) -> Result<()> {
        if self.lock().is_ok() {
            return Ok(());
        }
        self.take(Store::open_anyway(&self.db_path));
        if let Some(notice) = self.daily_backup() {
            self.notices
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(notice);
        }
        match &*self.lock() {
            Ok(_) => Ok(()),
            Err(e) => Err(e.clone()),
        }
    }

    /// A passive checkpoint when no command is running (the shell calls it
    /// every few seconds): the main file catches up with what a reader held
    /// back at the last action, even when nothing is saved for a while.
    pub fn idle_checkpoint(&self) {
        if let Ok(guard) = self.store.try_lock() {
            if let Ok(store) = &*guard {
                store.passive_checkpoint();
            }
        }
    }

    /// Replaces a refused opening with a read-only one (the user chose it).
    pub fn open_read_only(&self) -> Result<()> {
        let mut guard = self.lock();
        if guard.is_ok() {
            return Ok(());
        }
        let mut store = Store::open_read_only(&self.db_path)?;
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

    pub fn lock(&self) -> MutexGuard<'_, std::result::Result<Store, Error>> {
        let (done, ready) = &self.opened;
        let mut opened = done.lock().unwrap_or_else(|p| p.into_inner());
        while !*opened {
            opened = ready.wait(opened).unwrap_or_else(|p| p.into_inner());
        }
        drop(opened);
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the open store, or returns why the archive is not open.
    /// A panic inside `f` becomes an `internal` error: the app goes on (the
    /// transaction it was in is rolled back when dropped).
    pub fn with<T>(&self, f: impl FnOnce(&mut Store) -> cdp_core::Result<T>) -> Result<T> {
        match &mut *self.lock() {
            Ok(store) => match catch_unwind(AssertUnwindSafe(|| f(store))) {
                Ok(r) => r.map_err(|e| store.explain(e).into()),
                Err(panic) => Err(Error::panicked(panic)),
            },
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

fn closed() -> Error {
    Error::new(
        "archive_closed",
        "L'archivio è chiuso: riavviare l'applicazione.",
    )
}

/// A job's id, as the UI holds it.
pub type JobId = u32;

/// The long jobs (batches, bulk actions, imports): the UI asks for an id
/// (`job_start`), passes it to the command, and may cancel that job alone.
#[derive(Default)]
pub struct Jobs {
    next: Mutex<JobId>,
    running: Mutex<HashMap<JobId, CancelToken>>,
}

/// A job in progress; dropped when the command ends, which forgets its token.
pub struct Job<'a> {
    jobs: &'a Jobs,
    id: JobId,
    pub token: CancelToken,
}

impl Drop for Job<'_> {
    fn drop(&mut self) {
        self.jobs
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
    }
}

impl Jobs {
    /// A new job's id; its token exists from now, so a cancel that arrives
    /// before the command starts is not lost.
    pub fn start(&self) -> JobId {
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        *next += 1;
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(*next, CancelToken::new());
        *next
    }

    /// The running job `id` (refused if the UI did not start it).
    pub fn take(&self, id: JobId) -> Result<Job<'_>> {
        let token = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned()
            .ok_or_else(|| Error::new("not_found", "Operazione sconosciuta: riprovare."))?;
        Ok(Job {
            jobs: self,
            id,
            token,
        })
    }

    /// Asks job `id` to stop (a job already finished: nothing to do).
    pub fn cancel(&self, id: JobId) {
        if let Some(t) = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
        {
            t.cancel();
        }
    }
}

/// Runs `f` on a blocking thread with the app's state, so that the window
/// and the other commands go on (rendering, dialogs, batches).
pub async fn blocking<T: Send + 'static>(
    app: &AppHandle,
    f: impl FnOnce(&AppState) -> Result<T> + Send + 'static,
) -> Result<T> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<AppState>()))
        .await
        .map_err(Error::interrupted)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_cancelled_alone_and_forgotten_when_done() {
        let jobs = Jobs::default();
        let a = jobs.start();
        let b = jobs.start();
        assert_ne!(a, b);
        jobs.cancel(a);
        let (ja, jb) = (jobs.take(a).unwrap(), jobs.take(b).unwrap());
        assert!(ja.token.is_cancelled());
        assert!(!jb.token.is_cancelled());
        drop(ja);
        assert!(matches!(jobs.take(a), Err(e) if e.code == "not_found"));
    }

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
