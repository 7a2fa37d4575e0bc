//! One writer per archive: a lock file beside it (`<archive>.lock`).
//!
//! The operating system's exclusive lock on that file (released by the OS
//! when a process dies, so a crashed instance never blocks the archive) is
//! the rule on one machine. The file also says who holds the archive (user,
//! computer, since when) for the message a second opener sees, and carries a
//! heartbeat renewed every [`HEARTBEAT`]: on a shared folder whose server
//! does not pass locks between machines, a recent heartbeat from another
//! computer still counts as "in use". A clean close empties the file; a file
//! found non-empty with no live holder is a crashed instance's, taken over.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Local, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How often the holder renews its heartbeat.
pub const HEARTBEAT: Duration = Duration::from_secs(30);
/// A heartbeat from another computer younger than this means "in use".
const ALIVE: i64 = 90;

/// Who holds (or held) an archive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Holder {
    pub user: String,
    pub host: String,
    pub pid: u32,
    /// When the holder opened the archive, UTC RFC 3339.
    pub since: String,
    /// The same instant as the holder's clock showed it ("30/11/2026 alle 10:15").
    pub since_local: String,
    /// Last renewal, UTC RFC 3339.
    pub heartbeat: String,
}

impl Holder {
    fn me(now: DateTime<Utc>) -> Holder {
        let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        Holder {
            user: current_user(),
            host: current_host(),
            pid: std::process::id(),
            since: stamp.clone(),
            since_local: now
                .with_timezone(&Local)
                .format("%d/%m/%Y alle %H:%M")
                .to_string(),
            heartbeat: stamp,
        }
    }

    /// "aperto da rossi su PC-SEGRETERIA dal 30/11/2026 alle 10:15"
    pub fn describe(&self) -> String {
        format!(
            "aperto da {} su {} dal {}",
            self.user, self.host, self.since_local
        )
    }
}

/// The name of the user running this process.
pub fn current_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "utente sconosciuto".to_string())
}

/// This computer's name.
pub fn current_host() -> String {
    let h = gethostname::gethostname().to_string_lossy().into_owned();
    if h.trim().is_empty() {
        "computer sconosciuto".to_string()
    } else {
        h
    }
}

/// The lock file of an archive.
pub fn lock_path(archive: &Path) -> PathBuf {
    let mut s = archive.as_os_str().to_os_string();
    s.push(".lock");
    PathBuf::from(s)
}

/// A held lock. Dropping it (or [`ArchiveLock::release`]) empties the file
/// and lets the OS lock go.
pub struct ArchiveLock {
    file: Arc<Mutex<File>>,
    holder: Holder,
    /// The previous holder, when the archive was left open by an instance
    /// that did not close it (a crash, a power cut).
    pub recovered_from: Option<Holder>,
    stop: Option<Sender<()>>,
    beat: Option<JoinHandle<()>>,
}

/// What trying to take the lock found.
pub enum Acquired {
    Lock(ArchiveLock),
    HeldBy(Holder),
}

fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    serde_json::from_str(text.trim()).ok()
}

fn write_holder(file: &mut File, holder: &Holder) -> std::io::Result<()> {
    let text = serde_json::to_string(holder).map_err(std::io::Error::other)?;
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(text.as_bytes())?;
    file.sync_data()
}

/// Tries to become the archive's one writer.
pub fn acquire(archive: &Path) -> Result<Acquired> {
    acquire_at(archive, Utc::now())
}

fn acquire_at(archive: &Path, now: DateTime<Utc>) -> Result<Acquired> {
    let path = lock_path(archive);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::file(&path, &e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = read_holder(&mut file).unwrap_or_else(|| Holder {
                user: "un altro utente".into(),
                host: "un altro computer".into(),
                pid: 0,
                since: String::new(),
                since_local: "un momento non noto".into(),
                heartbeat: String::new(),
            });
            return Ok(Acquired::HeldBy(holder));
        }
        Err(TryLockError::Error(e)) => return Err(Error::file(&path, &e)),
    }
    let previous = read_holder(&mut file);
    let me = Holder::me(now);
    if let Some(p) = &previous {
        // Another computer whose lock our OS cannot see, still beating.
        let beat = DateTime::parse_from_rfc3339(&p.heartbeat)
            .map(|t| (now - t.with_timezone(&Utc)).num_seconds())
            .unwrap_or(i64::MAX);
        if p.host != me.host && (0..ALIVE).contains(&beat) {
            let _ = file.unlock();
            return Ok(Acquired::HeldBy(p.clone()));
        }
    }
    write_holder(&mut file, &me).map_err(|e| Error::file(&path, &e))?;
    let file = Arc::new(Mutex::new(file));
    let (stop, rx) = mpsc::channel::<()>();
    let beat_file = Arc::clone(&file);
    let mut beat_holder = me.clone();
    let beat = std::thread::Builder::new()
        .name("archive-heartbeat".into())
        .spawn(move || loop {
            match rx.recv_timeout(HEARTBEAT) {
                Err(RecvTimeoutError::Timeout) => {
                    beat_holder.heartbeat =
                        Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                    if let Ok(mut f) = beat_file.lock() {
                        let _ = write_holder(&mut f, &beat_holder);
                    }
                }
                _ => return,
            }
        })
        .ok();
    Ok(Acquired::Lock(ArchiveLock {
        file,
        holder: me,
        recovered_from: previous,
        stop: Some(stop),
        beat,
    }))
}

impl ArchiveLock {
    pub fn holder(&self) -> &Holder {
        &self.holder
    }

    /// Empties the lock file (a clean close) and releases the OS lock.
    pub fn release(mut self) {
        self.finish();
    }

    fn finish(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(beat) = self.beat.take() {
            let _ = beat.join();
        }
        if let Ok(f) = self.file.lock() {
            let _ = f.set_len(0);
            let _ = f.sync_data();
            let _ = f.unlock();
        }
    }
}

impl Drop for ArchiveLock {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_taker_sees_the_holder_and_a_crash_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("a.sqlite3");
        let Acquired::Lock(first) = acquire(&archive).unwrap() else {
            panic!("first acquire must succeed")
        };
        match acquire(&archive).unwrap() {
            Acquired::HeldBy(h) => {
                assert_eq!(h.pid, std::process::id());
                assert!(h.describe().starts_with("aperto da "));
            }
            Acquired::Lock(_) => panic!("second acquire must be refused"),
        }
        first.release();
        // A clean release leaves no previous holder.
        let Acquired::Lock(again) = acquire(&archive).unwrap() else {
            panic!("free after release")
        };
        assert!(again.recovered_from.is_none());
        // Simulate a crash: the OS lock goes, the file keeps the holder.
        let holder = again.holder().clone();
        std::mem::forget(again);
        // forget keeps our OS lock on the leaked descriptor; a new process
        // would not have it, so write a crashed holder into a fresh lock file.
        let archive2 = dir.path().join("b.sqlite3");
        std::fs::write(
            lock_path(&archive2),
            serde_json::to_string(&holder).unwrap(),
        )
        .unwrap();
        let Acquired::Lock(taken) = acquire(&archive2).unwrap() else {
            panic!("a crashed holder's lock is taken over")
        };
        assert_eq!(
            taken.recovered_from.as_ref().map(|h| h.pid),
            Some(holder.pid)
        );
    }

    #[test]
    fn a_live_heartbeat_from_another_computer_counts_as_held() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("a.sqlite3");
        let now = Utc::now();
        let mut other = Holder::me(now);
        other.host = "ALTRO-PC".into();
        other.user = "bianchi".into();
        std::fs::write(lock_path(&archive), serde_json::to_string(&other).unwrap()).unwrap();
        match acquire_at(&archive, now + chrono::Duration::seconds(20)).unwrap() {
            Acquired::HeldBy(h) => assert_eq!(h.host, "ALTRO-PC"),
            Acquired::Lock(_) => panic!("a live heartbeat must hold the archive"),
        }
        // Ten minutes without a heartbeat: that computer is gone.
        let Acquired::Lock(l) = acquire_at(&archive, now + chrono::Duration::seconds(600)).unwrap()
        else {
            panic!("an old heartbeat is taken over")
        };
        assert_eq!(l.recovered_from.as_ref().unwrap().user, "bianchi");
    }
}
