//! Commands of the documents domain: templates, previews, generation of
//! one document through the save dialog, batches into a chosen folder.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use cdp_core::documents::template::placeholder_help;
use cdp_core::documents::{
    BatchReport, DocFormat, DocKind, DocumentRecord, Preview, TemplateDetail, TemplateSummary,
};
use serde::Serialize;
use tauri::{Emitter, State};
use tauri_plugin_opener::OpenerExt;

use crate::commands::{payload, R};
use crate::AppState;

#[tauri::command]
pub fn templates(state: State<AppState>) -> R<Vec<TemplateSummary>> {
    state.with(|s| s.templates())
}

#[tauri::command]
pub fn template(state: State<AppState>, kind: DocKind) -> R<TemplateDetail> {
    state.with(|s| s.template(kind))
}

#[tauri::command]
pub fn save_template(state: State<AppState>, kind: DocKind, body: String) -> R<TemplateDetail> {
    state.with(|s| s.save_template(kind, &body))
}

#[tauri::command]
pub fn restore_template(
    state: State<AppState>,
    kind: DocKind,
    version: Option<i64>,
) -> R<TemplateDetail> {
    state.with(|s| s.restore_template(kind, version))
}

#[tauri::command]
pub fn preview_template(
    state: State<AppState>,
    kind: DocKind,
    body: Option<String>,
    istat: Option<String>,
) -> R<Preview> {
    state.with(|s| s.preview_template(kind, body.as_deref(), istat.as_deref()))
}

#[tauri::command]
pub fn placeholders() -> Vec<(&'static str, &'static str)> {
    placeholder_help().into_iter().collect()
}

#[tauri::command]
pub fn documents(state: State<AppState>, istat: Option<String>) -> R<Vec<DocumentRecord>> {
    state.with(|s| s.documents(istat.as_deref()))
}

/// "Anteprima PDF": the template being edited, filled for a comune, written
/// to a temporary file and opened with the system's PDF viewer.
#[tauri::command(async)]
pub fn preview_pdf(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    kind: DocKind,
    body: Option<String>,
    istat: Option<String>,
) -> R<String> {
    let bytes = state.with(|s| s.preview_pdf(kind, body.as_deref(), istat.as_deref()))?;
    let dir = std::env::temp_dir().join("comunita-pratiche-anteprime");
    std::fs::create_dir_all(&dir)
        .map_err(|e| payload("io", format!("Cartella temporanea non disponibile: {e}")))?;
    let path = dir.join(format!("Anteprima_{}.pdf", kind.file_stem()));
    cdp_core::io::write_atomically(&path, &bytes).map_err(|e| e.to_payload())?;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| payload("io", format!("Nessun programma per aprire il PDF: {e}")))?;
    Ok(path.display().to_string())
}

fn format_filter(format: DocFormat) -> (&'static str, &'static str) {
    match format {
        DocFormat::Pdf => ("Documento PDF/A", "pdf"),
        DocFormat::Docx => ("Documento Word (modificabile)", "docx"),
    }
}

/// Generates one document for a comune; the save dialog proposes a clean
/// name. None if the user closed the dialog.
#[tauri::command(async)]
pub fn generate_document(
    state: State<'_, AppState>,
    kind: DocKind,
    istat: String,
    format: DocFormat,
) -> R<Option<DocumentRecord>> {
    let name = state.with(|s| s.document_file_name(kind, &istat, format))?;
    let (label, ext) = format_filter(format);
    let Some(mut path) = rfd::FileDialog::new()
        .set_title(format!("Salva {}", kind.label()))
        .set_file_name(&name)
        .add_filter(label, &[ext])
        .save_file()
    else {
        return Ok(None);
    };
    if path.extension().is_none() {
        path.set_extension(ext);
    }
    let record = state.with(|s| s.generate_document(kind, &istat, format, &path))?;
    state.remember(path);
    Ok(Some(record))
}

#[derive(Clone, Serialize)]
struct BatchProgress {
    done: usize,
    total: usize,
}

/// Generates one document per comune into a folder chosen in the dialog,
/// emitting `batch-progress`; `cancel_bulk` stops it. None if the user
/// closed the dialog.
#[tauri::command(async)]
pub fn generate_batch(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    kind: DocKind,
    istat: Vec<String>,
    format: DocFormat,
) -> R<Option<BatchReport>> {
    if istat.is_empty() {
        return Err(payload("validation", "Nessun comune selezionato."));
    }
    // Start from the folder of the last document written, or the home folder.
    let start = state
        .exported
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .last()
        .and_then(|p| p.parent().map(PathBuf::from))
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from));
    let mut dialog = rfd::FileDialog::new().set_title(format!(
        "Cartella per {} ({} comuni)",
        kind.label(),
        istat.len()
    ));
    if let Some(dir) = start {
        dialog = dialog.set_directory(dir);
    }
    let Some(folder) = dialog.pick_folder() else {
        return Ok(None);
    };
    state.cancel.store(false, Ordering::SeqCst);
    let report = state.with(|s| {
        s.generate_batch(
            kind,
            &istat,
            format,
            &folder,
            &|done, total| {
                let _ = app.emit("batch-progress", BatchProgress { done, total });
            },
            &state.cancel,
        )
    })?;
    for item in &report.items {
        if let Some(p) = &item.path {
            state.remember(PathBuf::from(p));
        }
    }
    Ok(Some(report))
}
