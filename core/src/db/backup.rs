//! Copies of the archive: written with SQLite's online backup API (never a
//! plain copy of a live file), through an exclusively created temporary file
//! in the destination folder, checked (integrity, application id, schema)
//! before they take their name; listed with what they hold; rotated.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::error::{Error, Result};

/// Why a copy was made; part of its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// At the first opening of each day.
    Daily,
    /// Before the schema is migrated to this version of the app.
    BeforeMigration,
    /// Before a restore replaces the archive (the safety copy).
    BeforeRestore,
    /// Before an import.
    BeforeImport,
    /// Made by the user ("Crea ora una copia").
    Manual,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::Daily,
        Reason::BeforeMigration,
        Reason::BeforeRestore,
        Reason::BeforeImport,
        Reason::Manual,
    ];

    fn tag(self) -> &'static str {
        match self {
            Reason::Daily => "giornaliera",
            Reason::BeforeMigration => "prima-aggiornamento",
            Reason::BeforeRestore => "prima-ripristino",
            Reason::BeforeImport => "prima-importazione",
            Reason::Manual => "manuale",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Reason::Daily => "Copia giornaliera",
            Reason::BeforeMigration => "Prima dell'aggiornamento dell'archivio",
            Reason::BeforeRestore => "Copia di sicurezza prima di un ripristino",
            Reason::BeforeImport => "Prima di un'importazione",
            Reason::Manual => "Copia fatta dall'utente",
        }
    }
}

/// What a copy (or any archive file) holds, as read back after writing it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Summary {
    pub schema: i64,
    pub comuni: i64,
    /// Workflow steps recorded (undo rows included).
    pub steps: i64,
    /// Rows of the documents register.
    pub documents: i64,
}

/// One copy in the backup folder.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupInfo {
    pub path: String,
    pub file_name: String,
    pub reason: Reason,
    pub reason_label: String,
    /// When it was made, UTC RFC 3339 (the UI shows it in Europe/Rome).
    pub created_at: String,
    pub bytes: u64,
    /// What it holds; `None` with `problem` when it cannot be read.
    pub summary: Option<Summary>,
    pub problem: Option<String>,
}

const PREFIX: &str = "comunita-pratiche_";
const EXT: &str = ".sqlite3";

fn file_name(reason: Reason, at: DateTime<Utc>) -> String {
    format!(
        "{PREFIX}{}_{}{EXT}",
        at.format("%Y-%m-%d_%H%M%S"),
        reason.tag()
    )
}

fn parse_name(name: &str) -> Option<(DateTime<Utc>, Reason)> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(EXT)?;
    // "2026-11-30_101500_giornaliera" (a "-2" may follow the tag).
    let (stamp, tag) = rest.get(..17).zip(rest.get(18..))?;
    let at = NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d_%H%M%S").ok()?;
    let tag = tag
        .split('-')
        .take_while(|p| p.parse::<u32>().is_err())
        .collect::<Vec<_>>()
        .join("-");
    let reason = Reason::ALL.into_iter().find(|r| r.tag() == tag)?;
    Some((at.and_utc(), reason))
}

/// Checks that `path` is an intact archive of this app that this version
/// (schema `latest`) can open, and says what it holds. Opened read-only (as immutable, so a file on
/// a read-only medium is readable too); never modified.
pub fn verify(path: &Path, latest: i64) -> Result<Summary> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::file(path, &e))?;
    if !meta.is_file() {
        return Err(Error::validation(
            "file",
            format!("{} non è un file.", path.display()),
        ));
    }
    let not_ours = || {
        Error::validation(
            "file",
            format!(
                "Il file {} non è un archivio della Comunità di Pratiche (o è danneggiato).",
                path.display()
            ),
        )
    };
    let mut head = [0u8; 16];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|e| Error::file(path, &e))?;
        if f.read(&mut head).map_err(|e| Error::file(path, &e))? < 16 {
            return Err(not_ours());
        }
    }
    if &head != b"SQLite format 3\0" {
        return Err(not_ours());
    }
    let uri = format!("file:{}?immutable=1", super::uri_path(path));
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|_| not_ours())?;
    let q = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
    let app_id = q("PRAGMA application_id").map_err(|_| not_ours())?;
    let schema = q("PRAGMA user_version").map_err(|_| not_ours())?;
    if app_id != super::APPLICATION_ID || schema == 0 {
        return Err(not_ours());
    }
    if schema > latest {
        return Err(Error::validation(
            "file",
            format!(
                "Il file {} è stato scritto da una versione più recente dell'applicazione (schema {schema}): aggiornare l'applicazione prima di usarlo.",
                path.display()
            ),
        ));
    }
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| not_ours())?;
    if check != "ok" {
        return Err(Error::validation(
            "file",
            format!("Il file {} è danneggiato ({check}).", path.display()),
        ));
    }
    let count = |table: &str| -> i64 { q(&format!("SELECT count(*) FROM {table}")).unwrap_or(0) };
    Ok(Summary {
        schema,
        comuni: count("comune"),
        steps: if schema >= 2 {
            count("adhesion_step")
        } else {
            0
        },
        documents: if schema >= 3 { count("document") } else { 0 },
    })
}

/// Copies the open database into `dest`: through a temporary file created
/// exclusively in `dest`'s folder, checked, then renamed. With `replace`
/// false, an existing `dest` is never overwritten. On any failure nothing is
/// left behind and the error names `dest`.
pub fn copy_to(conn: &Connection, dest: &Path, replace: bool, latest: i64) -> Result<Summary> {
    let dir = parent_of(dest);
    let (tmp, summary) = snapshot(conn, dir, dest, latest)?;
    if replace {
        tmp.persist(dest).map_err(|e| Error::file(dest, &e.error))?;
    } else {
        tmp.persist_noclobber(dest)
            .map_err(|e| Error::file(dest, &e.error))?;
    }
    sync_dir(dir);
    Ok(summary)
}

/// The folder of a file path ("." for a bare name).
pub fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes a checked copy of the open database into a new temporary file in
/// `dir` (errors name `dest`, the file it will become). Dropping the result
/// removes the file.
pub fn snapshot(
    conn: &Connection,
    dir: &Path,
    dest: &Path,
    latest: i64,
) -> Result<(tempfile::NamedTempFile, Summary)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, &e))?;
    let tmp = crate::fs::temp_in(dir, ".copia-archivio-").map_err(|e| Error::file(dir, &e))?;
    let at = |e: rusqlite::Error| Error::from(e).at_archive(Some(dest));
    {
        let mut dst = Connection::open_with_flags(
            tmp.path(),
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(at)?;
        dst.pragma_update(None, "synchronous", "FULL").map_err(at)?;
        {
            let backup = Backup::new(conn, &mut dst).map_err(at)?;
            // All pages in one step: one consistent snapshot.
            let mut tries = 0;
            loop {
                match backup.step(-1).map_err(at)? {
                    StepResult::Done => break,
                    StepResult::More => continue,
                    _ => {
                        tries += 1;
                        if tries > 50 {
                            return Err(Error::storage(crate::error::StorageKind::Busy, dest));
                        }
                        std::thread::sleep(std::time::Duration::from_millis(100));
                    }
                }
            }
        }
        // The copy is a standalone file: rollback journal, no -wal beside it.
        dst.pragma_update(None, "journal_mode", "DELETE")
            .map_err(at)?;
        dst.close().map_err(|(_, e)| at(e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::file(dest, &e))?;
    let summary = verify(tmp.path(), latest).map_err(|e| match e {
        Error::Validation { message, .. } => Error::io(format!(
            "La copia {} non ha superato il controllo dopo la scrittura ({message}): non è stata conservata.",
            dest.display()
        )),
        other => other,
    })?;
    Ok((tmp, summary))
}

/// Makes the folder's entries (a rename) durable, where the OS allows it.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Makes a copy of the open database in `dir` for `reason`, then rotates
/// the folder. Returns the new copy.
pub fn make(
    conn: &Connection,
    dir: &Path,
    reason: Reason,
    now: DateTime<Utc>,
    latest: i64,
) -> Result<BackupInfo> {
    std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, &e))?;
    let mut name = file_name(reason, now);
    let mut n = 2;
    while dir.join(&name).exists() {
        name = file_name(reason, now).replace(EXT, &format!("-{n}{EXT}"));
        n += 1;
    }
    let path = dir.join(&name);
    let summary = copy_to(conn, &path, false, latest)?;
    rotate(dir, now)?;
    Ok(info(&path, &name, now, reason, Some(summary), None))
}

fn info(
    path: &Path,
    name: &str,
    at: DateTime<Utc>,
    reason: Reason,
    summary: Option<Summary>,
    problem: Option<String>,
) -> BackupInfo {
    BackupInfo {
        path: path.display().to_string(),
        file_name: name.to_string(),
        reason,
        reason_label: reason.label().to_string(),
        created_at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        summary,
        problem,
    }
}

/// This app's copies in `dir`, newest first.
fn entries(dir: &Path) -> Result<Vec<(PathBuf, String, DateTime<Utc>, Reason)>> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::file(dir, &e)),
    };
    let mut out = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some((at, reason)) = parse_name(&name) {
            out.push((e.path(), name, at, reason));
        }
    }
    out.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)));
    Ok(out)
}

/// The copies in `dir`, newest first, each read back (what it holds, or why
/// it cannot be used).
pub fn list(dir: &Path, latest: i64) -> Result<Vec<BackupInfo>> {
    Ok(entries(dir)?
        .into_iter()
        .map(|(path, name, at, reason)| match verify(&path, latest) {
            Ok(s) => info(&path, &name, at, reason, Some(s), None),
            Err(e) => info(&path, &name, at, reason, None, Some(e.to_string())),
        })
        .collect())
}

/// Whether a daily copy was already made on `day` (UTC date of the name).
pub fn has_daily(dir: &Path, day: NaiveDate) -> Result<bool> {
    Ok(entries(dir)?
        .iter()
        .any(|(_, _, at, r)| *r == Reason::Daily && at.date_naive() == day))
}

/// How many copies rotation keeps: daily copies, the newest of each of the
/// last 7 days, of each of the last 4 ISO weeks and of each of the last 12
/// months; of the other kinds, the newest 10 each.
pub const KEEP_DAYS: usize = 7;
pub const KEEP_WEEKS: usize = 4;
pub const KEEP_MONTHS: usize = 12;
pub const KEEP_OTHER: usize = 10;

/// Deletes the copies the rotation no longer keeps; returns them.
pub fn rotate(dir: &Path, _now: DateTime<Utc>) -> Result<Vec<PathBuf>> {
    let all = entries(dir)?;
    let mut keep = vec![false; all.len()];
    let mut bucket = |key: &dyn Fn(&DateTime<Utc>) -> (i32, u32), limit: usize| {
        let mut seen: Vec<(i32, u32)> = Vec::new();
        for (i, (_, _, at, r)) in all.iter().enumerate() {
            if *r != Reason::Daily {
                continue;
            }
            let k = key(at);
            if !seen.contains(&k) && seen.len() < limit {
                seen.push(k);
                keep[i] = true;
            }
        }
    };
    bucket(&|at| (at.year(), at.ordinal()), KEEP_DAYS);
    bucket(
        &|at| {
            let w = at.iso_week();
            (w.year(), w.week())
        },
        KEEP_WEEKS,
    );
    bucket(&|at| (at.year(), at.month()), KEEP_MONTHS);
    for reason in Reason::ALL.into_iter().filter(|r| *r != Reason::Daily) {
        for (i, _) in all
            .iter()
            .enumerate()
            .filter(|(_, e)| e.3 == reason)
            .take(KEEP_OTHER)
        {
            keep[i] = true;
        }
    }
    let mut removed = Vec::new();
    for (i, (path, ..)) in all.iter().enumerate() {
        if !keep[i] {
            std::fs::remove_file(path).map_err(|e| Error::file(path, &e))?;
            removed.push(path.clone());
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T10:15:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for r in Reason::ALL {
            let n = file_name(r, at);
            assert_eq!(parse_name(&n), Some((at, r)), "{n}");
            let n2 = n.replace(EXT, &format!("-2{EXT}"));
            assert_eq!(parse_name(&n2), Some((at, r)), "{n2}");
        }
        assert_eq!(parse_name("comunita-pratiche.sqlite3"), None);
        assert_eq!(parse_name("comunita-pratiche_x_giornaliera.sqlite3"), None);
    }

    #[test]
    fn rotation_keeps_7_daily_4_weekly_12_monthly() {
        let dir = tempfile::tempdir().unwrap();
        let start = DateTime::parse_from_rfc3339("2025-01-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        // Two years of daily copies (twice on some days) and 15 safety copies.
        for d in 0..730 {
            let at = start + chrono::Duration::days(d);
            std::fs::write(dir.path().join(file_name(Reason::Daily, at)), b"x").unwrap();
            if d % 50 == 0 {
                let later = at + chrono::Duration::hours(3);
                std::fs::write(dir.path().join(file_name(Reason::Daily, later)), b"x").unwrap();
            }
        }
        for d in 0..15 {
            let at = start + chrono::Duration::days(d * 3);
            std::fs::write(dir.path().join(file_name(Reason::BeforeRestore, at)), b"x").unwrap();
        }
        std::fs::write(dir.path().join("altro-file.txt"), b"x").unwrap();
        rotate(dir.path(), Utc::now()).unwrap();
        let left = entries(dir.path()).unwrap();
        let daily: Vec<_> = left.iter().filter(|e| e.3 == Reason::Daily).collect();
        let other = left.len() - daily.len();
        assert_eq!(other, KEEP_OTHER);
        // 7 days, plus the weeks and months those do not already cover.
        assert!(daily.len() >= 12 && daily.len() <= KEEP_DAYS + KEEP_WEEKS + KEEP_MONTHS);
        let newest = start + chrono::Duration::days(729);
        assert_eq!(daily[0].2, newest);
        // The oldest kept is about a year back (12 months).
        let oldest = daily.last().unwrap().2;
        assert!((newest - oldest).num_days() >= 300, "{oldest}");
        assert!(dir.path().join("altro-file.txt").exists());
    }
}
