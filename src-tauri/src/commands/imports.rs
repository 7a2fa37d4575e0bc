//! The import commands: the native open dialog, then the core's dry run and
//! apply (off the window's thread, with progress on a channel and a job to
//! cancel). The chosen file is read once and kept here: the UI never sends a
//! path.

use std::path::PathBuf;
use std::sync::Mutex;

use cdp_core::io::table::{self, Table};
use cdp_core::job::Progress;
use cdp_core::registry::import::{ImportBatch, Mapping, ReferentsPreview, FIELDS};
use cdp_core::registry::istat::{IstatCounts, IstatList, IstatPreview};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::dialog;
use crate::error::{Error, Result};
use crate::state::{AppState, Job, JobId};

/// The file the user chose, already read.
pub enum Loaded {
    /// The file, its table, and the header line the user chose (None: found).
    Referents(PathBuf, Table, Option<usize>),
    Istat(PathBuf, IstatList),
}

/// Kept in the app's state: the file of the import in progress.
#[derive(Default)]
pub struct ImportFile(pub Mutex<Option<Loaded>>);

#[derive(Serialize, specta::Type)]
pub struct ChosenFile {
    pub file_name: String,
    pub described_as: String,
    pub rows: usize,
    /// Referents: the file's columns and the proposed mapping.
    pub headers: Vec<String>,
    pub mapping: Option<Mapping>,
    /// Referents: the line taken as the header, the first rows to choose
    /// another, and what was left out (rows above the header, totals).
    pub header_line: usize,
    pub first_rows: Vec<(usize, String)>,
    pub left_out: Vec<String>,
    /// ISTAT: the provinces in the list (sigle).
    pub provinces: Vec<String>,
}

fn name_of(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn not_chosen() -> Error {
    Error::new("validation", "Scegliere prima il file da importare.")
}

/// The fields a column can be mapped to: (key, Italian label).
#[tauri::command]
#[specta::specta]
pub fn imports_fields() -> Vec<(&'static str, &'static str)> {
    FIELDS.to_vec()
}

/// "Importa…": the native open dialog, then the file is read. `kind` is
/// "referenti" or "istat". None if the dialog was closed.
#[tauri::command(async)]
#[specta::specta]
pub fn imports_choose_file(
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
    kind: String,
) -> Result<Option<ChosenFile>> {
    let istat = kind == "istat";
    let Some(path) = dialog::ask_open(&cdp_core::registry::files::import_file(istat)) else {
        return Ok(None);
    };
    let file_name = name_of(&path);
    let chosen = if istat {
        let list = cdp_core::registry::istat::read(&path)?;
        let chosen = ChosenFile {
            file_name,
            described_as: list.described_as.clone(),
            rows: list.comuni.len(),
            headers: Vec::new(),
            mapping: None,
            header_line: 0,
            first_rows: Vec::new(),
            left_out: Vec::new(),
            provinces: list.provinces(),
        };
        *files.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Loaded::Istat(path, list));
        chosen
    } else {
        let t = table::read_path(&path, &|_| false)?;
        let chosen = referents_chosen(&state, &path, &t)?;
        *files.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Loaded::Referents(path, t, None));
        chosen
    };
    Ok(Some(chosen))
}

/// What the dialog shows of a referents file read with its header.
fn referents_chosen(
    state: &State<'_, AppState>,
    path: &std::path::Path,
    t: &Table,
) -> Result<ChosenFile> {
    let mapping = state.with(|s| s.import_mapping(&t.headers))?;
    Ok(ChosenFile {
        file_name: name_of(path),
        described_as: t.described_as.clone(),
        rows: t.rows.len(),
        headers: t.headers.clone(),
        mapping: Some(mapping),
        header_line: t.header_line,
        first_rows: t.first_rows.clone(),
        left_out: t.left_out.clone(),
        provinces: Vec::new(),
    })
}

fn referents_file(files: &ImportFile) -> Result<(String, Table)> {
    match &*files.0.lock().unwrap_or_else(|p| p.into_inner()) {
        Some(Loaded::Referents(p, t, _)) => Ok((name_of(p), t.clone())),
        _ => Err(not_chosen()),
    }
}

fn istat_file(files: &ImportFile) -> Result<(String, IstatList)> {
    match &*files.0.lock().unwrap_or_else(|p| p.into_inner()) {
        Some(Loaded::Istat(p, l)) => Ok((name_of(p), l.clone())),
        _ => Err(not_chosen()),
    }
}

/// Reads the chosen file again (the user fixed it): same kind, same path,
/// the header line the user chose if any.
#[tauri::command(async)]
#[specta::specta]
pub fn imports_reload(
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
) -> Result<ChosenFile> {
    reread(&state, &files, None)
}

/// Reads the chosen referents file with its header at the file's `line`
/// (the user chose another row than the one found).
#[tauri::command(async)]
#[specta::specta]
pub fn imports_header_row(
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
    line: usize,
) -> Result<ChosenFile> {
    reread(&state, &files, Some(line))
}

fn reread(
    state: &State<'_, AppState>,
    files: &State<'_, ImportFile>,
    line: Option<usize>,
) -> Result<ChosenFile> {
    let mut guard = files.0.lock().unwrap_or_else(|p| p.into_inner());
    match guard.take() {
        Some(Loaded::Referents(path, old, chosen_line)) => {
            let at = line.or(chosen_line);
            let t = match table::read_path_at(&path, &|_| false, at) {
                Ok(t) => t,
                Err(e) => {
                    *guard = Some(Loaded::Referents(path, old, chosen_line));
                    return Err(e.into());
                }
            };
            let chosen = referents_chosen(state, &path, &t)?;
            *guard = Some(Loaded::Referents(path, t, at));
            Ok(chosen)
        }
        other => {
            *guard = other;
            Err(not_chosen())
        }
    }
}

/// The progress callback of an import: sends, and says whether to go on.
fn progress_fn<'a>(
    job: &'a Job<'a>,
    progress: &'a Channel<Progress>,
) -> impl FnMut(usize, usize) -> bool + 'a {
    move |done, total| {
        let _ = progress.send(Progress { done, total });
        !job.token.is_cancelled()
    }
}

/// The dry run of the chosen referents file with `mapping`: writes nothing.
#[tauri::command(async)]
#[specta::specta]
pub fn imports_referents_preview(
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
    mapping: Mapping,
    other_people: Vec<usize>,
    job: JobId,
    progress: Channel<Progress>,
) -> Result<ReferentsPreview> {
    let job = state.jobs.take(job)?;
    let (name, t) = referents_file(&files)?;
    let mut progress = progress_fn(&job, &progress);
    state.with(|s| s.preview_referents_import(&name, &t, &mapping, &other_people, &mut progress))
}

/// Applies the chosen referents file (backup, one transaction, audit row).
#[tauri::command(async)]
#[specta::specta]
pub fn imports_referents_apply(
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
    mapping: Mapping,
    other_people: Vec<usize>,
    job: JobId,
    progress: Channel<Progress>,
) -> Result<Option<ImportBatch>> {
    let job = state.jobs.take(job)?;
    let (name, t) = referents_file(&files)?;
    let mut progress = progress_fn(&job, &progress);
    state.with(|s| {
        s.apply_referents_import(
            &name,
            &t,
            &mapping,
            &other_people,
            chrono::Utc::now(),
            &mut progress,
        )
    })
}

/// The dry run of the chosen ISTAT list for a province (None: all Italy).
#[tauri::command(async)]
#[specta::specta]
pub fn imports_istat_preview(
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
    province: Option<String>,
) -> Result<IstatPreview> {
    let (name, list) = istat_file(&files)?;
    state.with(|s| s.preview_istat_import(&name, &list, province.as_deref()))
}

/// Applies the chosen ISTAT list (backup, one transaction, audit rows).
#[tauri::command(async)]
#[specta::specta]
pub fn imports_istat_apply(
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
    province: Option<String>,
) -> Result<IstatCounts> {
    let (name, list) = istat_file(&files)?;
    state.with(|s| s.apply_istat_import(&name, &list, province.as_deref(), chrono::Utc::now()))
}

#[tauri::command]
#[specta::specta]
pub fn imports_batches(state: State<AppState>) -> Result<Vec<ImportBatch>> {
    state.with(|s| s.import_batches())
}

#[tauri::command(async)]
#[specta::specta]
pub fn imports_undo(state: State<'_, AppState>, id: i64) -> Result<ImportBatch> {
    state.with(|s| s.undo_import(id))
}
