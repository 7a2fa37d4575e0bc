//! The one batch writer: many documents into a folder the user chose (the
//! adhesion acts, the risk schede, the attestati). The domain prepares the
//! batch from the archive (a [`BatchSource`]); the batch then renders on
//! every core without the archive, writes each file into an exclusively
//! created temporary file, makes them all durable at once, renames each
//! into place, and does with a file of the same name what the user chose
//! once for the whole batch (skip, replace, or a " (2)" suffix). Progress is reported as [`Progress`]; a
//! [`CancelToken`] of the job stops it before the next file. The domain
//! then records the files written in the register (see `register.rs`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fs::Staged;
use crate::job::{CancelToken, Progress};

/// What a batch does when a file of the same name is already in the folder.
/// The user chooses once for the whole batch.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OnExisting {
    /// «sostituisci»: the new document replaces the file.
    Replace,
    /// «salta»: the file stays, that item gets no document.
    Skip,
    /// «aggiungi un suffisso»: the new document is written as
    /// `Nome (2).pdf` (or the first free number).
    Suffix,
}

/// What happened to one item of a batch.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcome {
    Written,
    Replaced,
    Skipped,
    Suffixed,
    Failed,
}

/// One item of a batch as the report names it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BatchItem {
    /// What the item is, for the program (an ISTAT code, a certificate number).
    pub key: String,
    /// What the user reads (the comune, the participant).
    pub label: String,
    /// The file written (None if skipped or failed).
    pub path: Option<String>,
    pub error: Option<String>,
    pub outcome: ItemOutcome,
}

/// The summary of a batch. `written` counts every file written, of which
/// `replaced` replaced a file of the same name and `suffixed` got a
/// " (2)"-style suffix; `skipped` items had a file already and got none.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BatchReport {
    pub written: usize,
    pub replaced: usize,
    pub skipped: usize,
    pub suffixed: usize,
    pub failed: usize,
    pub cancelled: bool,
    pub folder: String,
    pub items: Vec<BatchItem>,
}

/// How a [`BatchSource`] names one of its items.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub label: String,
    /// The file's name in the folder, distinct within the batch (see [`distinct_names`]).
    pub file_name: String,
}

/// A batch as its domain prepared it from the archive: it renders without
/// the archive, on any thread.
pub trait BatchSource: Sync {
    type Item: Sync;
    fn items(&self) -> &[Self::Item];
    fn entry(&self, item: &Self::Item) -> Entry;
    /// The document's bytes (an error fails this item only).
    fn render(&self, item: &Self::Item) -> Result<Vec<u8>>;
}

/// A file a batch wrote: `index` is its item's position in the source.
#[derive(Debug, Clone)]
pub struct WrittenFile {
    pub index: usize,
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    /// Its SHA-256 in hexadecimal, computed on the thread that rendered it.
    pub sha256: String,
}

/// What [`run`] did: the report, and the files written, to record.
#[derive(Debug, Clone)]
pub struct BatchDone {
    pub report: BatchReport,
    pub files: Vec<WrittenFile>,
}

/// How many of a batch's files already exist in `folder` (so the user is
/// asked what to do with them only when there are some).
pub fn existing<S: BatchSource>(source: &S, folder: &Path) -> usize {
    source
        .items()
        .iter()
        .filter(|i| std::fs::symlink_metadata(folder.join(source.entry(i).file_name)).is_ok())
        .count()
}

/// Removes the files a batch wrote (when recording them failed, or the
/// action they belong to was cancelled).
pub fn discard(files: &[WrittenFile]) {
    for f in files {
        let _ = std::fs::remove_file(&f.path);
    }
}

/// The file names of a batch, in order: `name(item, 0)`, and if an earlier
/// item already has that name (compared ignoring case, as some file systems
/// do) `name(item, 1)`, `name(item, 2)`… until one is free.
pub fn distinct_names<T>(items: &[T], name: impl Fn(&T, usize) -> String) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items
        .iter()
        .map(|item| {
            let mut attempt = 0;
            loop {
                let n = name(item, attempt);
                if seen.insert(n.to_lowercase()) {
                    return n;
                }
                attempt += 1;
            }
        })
        .collect()
}

/// Refuses a folder that is not there (before anything is numbered or written).
pub fn check_folder(folder: &Path) -> Result<()> {
    if !folder.is_dir() {
        return Err(Error::validation(
            "folder",
            format!("La cartella {} non esiste.", folder.display()),
        ));
    }
    Ok(())
}

/// A file rendered and staged beside its place: its bytes and their SHA-256.
type StagedFile = (Staged, Vec<u8>, String);

/// Renders and writes a batch's files without the archive: every document
/// rendered on all cores and written beside its destination, all made
/// durable at once, then each renamed into place in order (so a kill at
/// any instant leaves only whole files under documents' names).
pub fn run<S: BatchSource>(
    source: &S,
    folder: &Path,
    on_existing: OnExisting,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &CancelToken,
) -> Result<BatchDone> {
    check_folder(folder)?;
    let items = source.items();
    let total = items.len();
    // Counted and reported under one lock, so that progress never goes back.
    let done = Mutex::new(0);
    let staged: Vec<Option<Result<StagedFile>>> = par_map(items, cancel, &|item: &S::Item| {
        let out = source.render(item).and_then(|bytes| {
            let staged = crate::fs::stage(&folder.join(source.entry(item).file_name), &bytes)?;
            let sha256 = crate::fs::sha256_hex(&bytes);
            Ok((staged, bytes, sha256))
        });
        {
            let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
            *done += 1;
            progress(Progress { done: *done, total });
        }
        out
    });
    if staged.iter().any(|s| matches!(s, Some(Ok(_)))) {
        crate::fs::sync_staged(folder)?;
    }
    let mut report = BatchReport {
        written: 0,
        replaced: 0,
        skipped: 0,
        suffixed: 0,
        failed: 0,
        cancelled: cancel.is_cancelled(),
        folder: folder.to_string_lossy().into(),
        items: Vec::new(),
    };
    let mut files = Vec::new();
    for (index, (item, res)) in items.iter().zip(staged).enumerate() {
        let Some(res) = res else { continue };
        let entry = source.entry(item);
        let placed = res.and_then(|(staged, bytes, sha256)| {
            let (outcome, path) = place(folder, &entry.file_name, staged, on_existing)?;
            Ok((outcome, path.map(|p| (p, bytes, sha256))))
        });
        let (outcome, path, error) = match placed {
            Ok((outcome, written)) => {
                let path = written.map(|(p, bytes, sha256)| {
                    let shown = p.to_string_lossy().to_string();
                    files.push(WrittenFile {
                        index,
                        path: p,
                        bytes,
                        sha256,
                    });
                    shown
                });
                (outcome, path, None)
            }
            Err(e) => (ItemOutcome::Failed, None, Some(e.to_string())),
        };
        match outcome {
            ItemOutcome::Written => report.written += 1,
            ItemOutcome::Replaced => {
                report.written += 1;
                report.replaced += 1
            }
            ItemOutcome::Suffixed => {
                report.written += 1;
                report.suffixed += 1
            }
            ItemOutcome::Skipped => report.skipped += 1,
            ItemOutcome::Failed => report.failed += 1,
        }
        report.items.push(BatchItem {
            key: entry.key,
            label: entry.label,
            path,
            error,
            outcome,
        });
    }
    if !files.is_empty() {
        if let Err(e) = crate::fs::sync_dir(folder) {
            discard(&files);
            return Err(e);
        }
    }
    Ok(BatchDone { report, files })
}

/// Runs `f` on every item on all cores (at most 8 threads, each taking the
/// next item not yet taken), results in the items' order; `None` for the
/// items not started because `cancel` was set.
pub(crate) fn par_map<T: Sync, R: Send>(
    items: &[T],
    cancel: &CancelToken,
    f: &(dyn Fn(&T) -> R + Sync),
) -> Vec<Option<R>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8)
        .min(items.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return out;
            };
            out.push((i, (!cancel.is_cancelled()).then(|| f(item))));
        }
    };
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
        // A thread that panicked leaves the items it took `None`.
        for (i, r) in handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
        {
            results[i] = r;
        }
    });
    results
}

/// `Nome.pdf` → `Nome (n).pdf`.
fn with_suffix(name: &str, n: usize) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem} ({n}).{ext}"),
        None => format!("{name} ({n})"),
    }
}

/// Puts a staged file of a batch in place according to the user's choice.
fn place(
    folder: &Path,
    name: &str,
    staged: Staged,
    on_existing: OnExisting,
) -> Result<(ItemOutcome, Option<PathBuf>)> {
    let path = folder.join(name);
    let Err(mut staged) = staged.place_new(&path)? else {
        return Ok((ItemOutcome::Written, Some(path)));
    };
    match on_existing {
        // Dropped: the temporary file is removed.
        OnExisting::Skip => Ok((ItemOutcome::Skipped, None)),
        OnExisting::Replace => {
            staged.place(&path)?;
            Ok((ItemOutcome::Replaced, Some(path)))
        }
        OnExisting::Suffix => {
            for n in 2..10_000 {
                let p = folder.join(with_suffix(name, n));
                match staged.place_new(&p)? {
                    Ok(()) => return Ok((ItemOutcome::Suffixed, Some(p))),
                    Err(back) => staged = back,
                }
            }
            Err(Error::io(format!(
                "Troppi file con il nome {name} nella cartella {}.",
                folder.display()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_distinct_ignoring_case() {
        let items = ["Alì", "ALI", "Ali", "Roma"];
        let names = distinct_names(&items, |n, i| match i {
            0 => format!("{n}.pdf"),
            _ => format!("{n}_{i}.pdf"),
        });
        assert_eq!(names, ["Alì.pdf", "ALI.pdf", "Ali_1.pdf", "Roma.pdf"]);
    }

    #[test]
    fn par_map_gives_every_result_in_the_items_order() {
        let items: Vec<usize> = (0..101).collect();
        let out = par_map(&items, &CancelToken::new(), &|i: &usize| i * 2);
        assert_eq!(out, items.iter().map(|i| Some(i * 2)).collect::<Vec<_>>());
        let cancel = CancelToken::new();
        cancel.cancel();
        assert!(par_map(&items, &cancel, &|i: &usize| *i)
            .iter()
            .all(Option::is_none));
    }

    #[test]
    fn a_suffix_goes_before_the_extension() {
        assert_eq!(with_suffix("Scheda.pdf", 2), "Scheda (2).pdf");
        assert_eq!(with_suffix("Scheda", 3), "Scheda (3)");
    }
}
