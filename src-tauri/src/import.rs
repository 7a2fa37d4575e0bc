//! The import commands: the native open dialog, then the core's dry run and
//! apply (off the window's thread, with `import-progress` events and cancel).
//! The chosen file is read once and kept here: the UI never sends a path.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Mutex;

use cdp_core::io::table::{self, Table};
use cdp_core::registry::import::{ImportBatch, Mapping, ReferentsPreview, FIELDS};
use cdp_core::registry::istat::{IstatCounts, IstatList, IstatPreview};
use serde::Serialize;
use tauri::{Emitter, State};

use crate::commands::{payload, R};
use crate::AppState;

/// The file the user chose, already read.
pub enum Loaded {
    Referents(PathBuf, Table),
    Istat(PathBuf, IstatList),
}

/// Kept in [`AppState`]: the file of the import in progress.
#[derive(Default)]
pub struct ImportFile(pub Mutex<Option<Loaded>>);

#[derive(Serialize)]
pub struct ChosenFile {
    pub file_name: String,
    pub described_as: String,
    pub rows: usize,
    /// Referents: the file's columns and the proposed mapping.
    pub headers: Vec<String>,
    pub mapping: Option<Mapping>,
    /// ISTAT: the provinces in the list (sigle).
    pub provinces: Vec<String>,
}

#[derive(Serialize, Clone)]
struct Progress {
    done: usize,
    total: usize,
}

fn name_of(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn not_chosen() -> cdp_core::ErrorPayload {
    payload("validation", "Scegliere prima il file da importare.")
}

/// The fields a column can be mapped to: (key, Italian label).
#[tauri::command]
pub fn import_fields() -> Vec<(&'static str, &'static str)> {
    FIELDS.to_vec()
}

/// "Importa…": the native open dialog, then the file is read. `kind` is
/// "referenti" or "istat". None if the dialog was closed.
#[tauri::command(async)]
pub fn import_choose_file(
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
    kind: String,
) -> R<Option<ChosenFile>> {
    let title = if kind == "istat" {
        "Importa l'elenco dei comuni dell'ISTAT"
    } else {
        "Importa referenti e contatti"
    };
    let Some(path) = rfd::FileDialog::new()
        .set_title(title)
        .add_filter(
            "Fogli di calcolo e CSV",
            &["csv", "txt", "xlsx", "xls", "xlsm", "ods"],
        )
        .pick_file()
    else {
        return Ok(None);
    };
    let file_name = name_of(&path);
    let chosen = if kind == "istat" {
        let list = cdp_core::registry::istat::read(&path).map_err(|e| e.to_payload())?;
        let chosen = ChosenFile {
            file_name,
            described_as: list.described_as.clone(),
            rows: list.comuni.len(),
            headers: Vec::new(),
            mapping: None,
            provinces: list.provinces(),
        };
        *files.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Loaded::Istat(path, list));
        chosen
    } else {
        let t = table::read_path(&path, &|_| false).map_err(|e| e.to_payload())?;
        let mapping = state.with(|s| s.import_mapping(&t.headers))?;
        let chosen = ChosenFile {
            file_name,
            described_as: t.described_as.clone(),
            rows: t.rows.len(),
            headers: t.headers.clone(),
            mapping: Some(mapping),
            provinces: Vec::new(),
        };
        *files.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Loaded::Referents(path, t));
        chosen
    };
    Ok(Some(chosen))
}

fn referents_file(files: &ImportFile) -> R<(String, Table)> {
    match &*files.0.lock().unwrap_or_else(|p| p.into_inner()) {
        Some(Loaded::Referents(p, t)) => Ok((name_of(p), t.clone())),
        _ => Err(not_chosen()),
    }
}

fn istat_file(files: &ImportFile) -> R<(String, IstatList)> {
    match &*files.0.lock().unwrap_or_else(|p| p.into_inner()) {
        Some(Loaded::Istat(p, l)) => Ok((name_of(p), l.clone())),
        _ => Err(not_chosen()),
    }
}

/// Reads the chosen file again (the user fixed it): same kind, same path.
#[tauri::command(async)]
pub fn import_reload(state: State<'_, AppState>, files: State<'_, ImportFile>) -> R<ChosenFile> {
    let mut guard = files.0.lock().unwrap_or_else(|p| p.into_inner());
    match guard.take() {
        Some(Loaded::Referents(path, old)) => {
            let t = match table::read_path(&path, &|_| false) {
                Ok(t) => t,
                Err(e) => {
                    *guard = Some(Loaded::Referents(path, old));
                    return Err(e.to_payload());
                }
            };
            let mapping = state.with(|s| s.import_mapping(&t.headers))?;
            let chosen = ChosenFile {
                file_name: name_of(&path),
                described_as: t.described_as.clone(),
                rows: t.rows.len(),
                headers: t.headers.clone(),
                mapping: Some(mapping),
                provinces: Vec::new(),
            };
            *guard = Some(Loaded::Referents(path, t));
            Ok(chosen)
        }
        other => {
            *guard = other;
            Err(not_chosen())
        }
    }
}

fn progress_fn<'a>(
    app: &'a tauri::AppHandle,
    state: &'a AppState,
) -> impl FnMut(usize, usize) -> bool + 'a {
    state.cancel.store(false, Ordering::SeqCst);
    move |done, total| {
        let _ = app.emit("import-progress", Progress { done, total });
        !state.cancel.load(Ordering::SeqCst)
    }
}

/// The dry run of the chosen referents file with `mapping`: writes nothing.
#[tauri::command(async)]
pub fn import_referents_preview(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
    mapping: Mapping,
) -> R<ReferentsPreview> {
    let (name, t) = referents_file(&files)?;
    let mut progress = progress_fn(&app, &state);
    state.with(|s| {
        let today = s.today();
        s.preview_referents_import(&name, &t, &mapping, today, &mut progress)
    })
}

/// Applies the chosen referents file (backup, one transaction, audit row).
#[tauri::command(async)]
pub fn import_referents_apply(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
    mapping: Mapping,
) -> R<Option<ImportBatch>> {
    let (name, t) = referents_file(&files)?;
    let mut progress = progress_fn(&app, &state);
    state.with(|s| {
        let today = s.today();
        s.apply_referents_import(
            &name,
            &t,
            &mapping,
            today,
            chrono::Utc::now(),
            &mut progress,
        )
    })
}

/// The dry run of the chosen ISTAT list for a province (None: all Italy).
#[tauri::command(async)]
pub fn import_istat_preview(
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
    province: Option<String>,
) -> R<IstatPreview> {
    let (name, list) = istat_file(&files)?;
    state.with(|s| s.preview_istat_import(&name, &list, province.as_deref()))
}

/// Applies the chosen ISTAT list (backup, one transaction, audit rows).
#[tauri::command(async)]
pub fn import_istat_apply(
    state: State<'_, AppState>,
    files: State<'_, ImportFile>,
    province: Option<String>,
) -> R<IstatCounts> {
    let (name, list) = istat_file(&files)?;
    state.with(|s| {
        let today = s.today();
        s.apply_istat_import(&name, &list, province.as_deref(), today, chrono::Utc::now())
    })
}

#[tauri::command]
pub fn cancel_import(state: State<AppState>) {
    state.cancel.store(true, Ordering::SeqCst);
}

#[tauri::command]
pub fn import_batches(state: State<AppState>) -> R<Vec<ImportBatch>> {
    state.with(|s| s.import_batches())
}

#[tauri::command(async)]
pub fn undo_import(state: State<'_, AppState>, id: i64) -> R<ImportBatch> {
    state.with(|s| s.undo_import(id))
}
