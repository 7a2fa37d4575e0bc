//! The one helper for native dialogs (rfd on GTK): save, open, folder. The
//! core says what a file is ([`FileSpec`], [`OpenSpec`]); this asks where,
//! starting from the last folder used, and writes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cdp_core::documents::batch::{self, BatchDone, BatchReport, BatchSource, OnExisting};
use cdp_core::file_spec::{FileOut, FileSpec, OpenSpec};
use cdp_core::job::{CancelToken, Progress};
use serde::Serialize;

use crate::error::Result;
use crate::state::AppState;

/// The folder of the last dialog answered (the next one starts there).
static LAST_FOLDER: Mutex<Option<PathBuf>> = Mutex::new(None);
/// Folders the user picked in this session: the only ones a batch may write into.
static PICKED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A file written through the save dialog.
#[derive(Serialize, specta::Type)]
pub struct Saved {
    pub path: String,
}

/// A table written through the save dialog, and its rows.
#[derive(Serialize, specta::Type)]
pub struct Exported {
    pub path: String,
    pub rows: usize,
}

fn start() -> Option<PathBuf> {
    LAST_FOLDER
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
}

fn remember_folder(folder: Option<&Path>) {
    if let Some(f) = folder {
        *LAST_FOLDER.lock().unwrap_or_else(|p| p.into_inner()) = Some(f.to_path_buf());
    }
}

fn dialog(title: &str) -> rfd::FileDialog {
    let d = rfd::FileDialog::new().set_title(title);
    match start() {
        Some(dir) => d.set_directory(dir),
        None => d,
    }
}

/// Asks where to save `spec`; None when the user closes the dialog. The
/// extension is added if the user left it out.
pub fn ask_save(spec: &FileSpec) -> Option<PathBuf> {
    let exts: Vec<&str> = spec.extensions.iter().map(String::as_str).collect();
    let mut path = dialog(&spec.title)
        .set_file_name(&spec.name)
        .add_filter(&spec.filter_label, &exts)
        .save_file()?;
    if path.extension().is_none() {
        path.set_extension(spec.extension());
    }
    remember_folder(path.parent());
    Some(path)
}

/// Asks for a file to read; None when the user closes the dialog.
pub fn ask_open(spec: &OpenSpec) -> Option<PathBuf> {
    let path = dialog(spec.title)
        .add_filter(spec.filter_label, spec.extensions)
        .pick_file()?;
    remember_folder(path.parent());
    Some(path)
}

/// Asks for a folder to write into; None when the user closes the dialog.
/// The folder is then one a batch may write into ([`picked`]).
pub fn ask_folder(title: &str) -> Option<PathBuf> {
    let folder = dialog(title).pick_folder()?;
    remember_folder(Some(&folder));
    PICKED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(folder.clone());
    Some(folder)
}

/// Whether the user picked `folder` in a folder dialog of this session.
pub fn picked(folder: &Path) -> bool {
    PICKED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .any(|f| f == folder)
}

/// Saves a file made in memory where the user chooses (atomically); the
/// file may then be opened. None when the dialog was closed.
pub fn save(state: &AppState, file: FileOut) -> Result<Option<Saved>> {
    let Some(path) = ask_save(&file.spec) else {
        return Ok(None);
    };
    cdp_core::fs::write_atomically(&path, &file.bytes)?;
    state.remember(path.clone());
    Ok(Some(Saved {
        path: path.display().to_string(),
    }))
}

/// Asks where to save `spec`, then makes the file (only if the user chose
/// where) and writes it atomically. None when the dialog was closed.
pub fn save_made(
    state: &AppState,
    spec: &FileSpec,
    make: impl FnOnce() -> Result<Vec<u8>>,
) -> Result<Option<Saved>> {
    let Some(path) = ask_save(spec) else {
        return Ok(None);
    };
    cdp_core::fs::write_atomically(&path, &make()?)?;
    state.remember(path.clone());
    Ok(Some(Saved {
        path: path.display().to_string(),
    }))
}

/// Asks where to save `spec`, then `write`s the file there through the
/// store (an export that counts rows). None when the dialog was closed.
pub fn export(
    state: &AppState,
    spec: &FileSpec,
    write: impl FnOnce(&mut cdp_core::Store, &Path) -> cdp_core::Result<usize>,
) -> Result<Option<Exported>> {
    let Some(path) = ask_save(spec) else {
        return Ok(None);
    };
    let rows = state.with(|s| write(s, &path))?;
    state.remember(path.clone());
    Ok(Some(Exported {
        path: path.display().to_string(),
        rows,
    }))
}

/// What a batch wrote into the folder the user chose.
#[derive(Serialize, specta::Type)]
pub struct BatchSaved {
    pub folder: String,
    pub written: usize,
    pub total: usize,
    pub cancelled: bool,
}

/// A batch prepared from the archive (`source`) into a folder the user
/// chooses (the dialog titled `title`): rendered and written by core's one
/// batch writer without the archive's lock, then recorded by `record` under
/// it. Progress goes to `progress`; `token` stops it before the next file.
/// None when the dialog is closed.
pub fn save_batch<S: BatchSource>(
    state: &AppState,
    source: &S,
    title: &str,
    on_existing: OnExisting,
    progress: &tauri::ipc::Channel<Progress>,
    token: &CancelToken,
    record: impl FnOnce(&mut cdp_core::Store, &S, BatchDone) -> cdp_core::Result<BatchReport>,
) -> Result<Option<BatchSaved>> {
    let total = source.items().len();
    let Some(folder) = ask_folder(title) else {
        return Ok(None);
    };
    let done = batch::run(
        source,
        &folder,
        on_existing,
        &|p: Progress| {
            let _ = progress.send(p);
        },
        token,
    )?;
    let report = state.with(|s| record(s, source, done))?;
    if let Some(e) = report.items.iter().find_map(|i| i.error.clone()) {
        return Err(crate::error::Error::new("io", e));
    }
    for item in &report.items {
        if let Some(p) = &item.path {
            state.remember(PathBuf::from(p));
        }
    }
    Ok(Some(BatchSaved {
        folder: folder.display().to_string(),
        written: report.written,
        total,
        cancelled: report.cancelled,
    }))
}
