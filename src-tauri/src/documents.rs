//! Commands of the documents domain: templates, previews, generation of
//! one document through the save dialog, batches into a chosen folder.
//!
//! Rendering never holds the archive: the data is read under the lock
//! (`Store::render_job`, `Store::batch_job`), the lock is released, the
//! document is rendered on a blocking thread, and only the register's
//! write takes the lock again. So a slow template never freezes the window
//! nor the other commands.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cdp_core::adhesion::documents::{document_date, placeholder_help, BatchKind, DocKind};
use cdp_core::documents::batch::{BatchReport, OnExisting};
use cdp_core::documents::register::DocumentRecord;
use cdp_core::documents::store::{TemplateDetail, TemplateSummary};
use cdp_core::documents::{DocFormat, Preview};
use cdp_core::job::Progress;
use cdp_core::ErrorPayload;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_opener::OpenerExt;

use crate::commands::{payload, R};
use crate::AppState;

/// Folders the user picked for a batch in this session: the only ones a
/// batch may write into.
static PICKED_FOLDERS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Runs `f` on a blocking thread with the app's state.
async fn blocking<T: Send + 'static>(
    app: &AppHandle,
    f: impl FnOnce(&AppState) -> R<T> + Send + 'static,
) -> R<T> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || f(&*app.state::<AppState>()))
        .await
        .map_err(|e| payload("io", format!("Operazione interrotta: {e}")))?
}

fn core(e: cdp_core::Error) -> ErrorPayload {
    e.to_payload()
}

#[tauri::command]
pub fn templates(state: State<AppState>) -> R<Vec<TemplateSummary<DocKind>>> {
    state.with(|s| s.templates())
}

#[tauri::command]
pub fn template(state: State<AppState>, kind: DocKind) -> R<TemplateDetail<DocKind>> {
    state.with(|s| s.template(kind))
}

/// Saves a template after a dry run on every comune (off the main thread).
#[tauri::command]
pub async fn save_template(
    app: AppHandle,
    kind: DocKind,
    body: String,
    base_version: Option<i64>,
) -> R<TemplateDetail<DocKind>> {
    blocking(&app, move |st| {
        st.with(|s| s.save_template(kind, &body, base_version))
    })
    .await
}

#[tauri::command]
pub fn restore_template(
    state: State<AppState>,
    kind: DocKind,
    version: Option<i64>,
) -> R<TemplateDetail<DocKind>> {
    state.with(|s| s.restore_template(kind, version))
}

/// The template being edited, filled for a comune: the data is read under
/// the lock, the template is filled without it.
#[tauri::command]
pub async fn preview_template(
    app: AppHandle,
    kind: DocKind,
    body: Option<String>,
    istat: Option<String>,
) -> R<Preview> {
    blocking(&app, move |st| {
        let job = st.with(|s| s.render_job(kind, body.as_deref(), istat.as_deref()))?;
        job.preview().map_err(core)
    })
    .await
}

#[tauri::command]
pub fn placeholders() -> Vec<(&'static str, &'static str)> {
    placeholder_help().into_iter().collect()
}

#[tauri::command]
pub fn documents(state: State<AppState>, istat: Option<String>) -> R<Vec<DocumentRecord>> {
    state.with(|s| s.documents(istat.as_deref()))
}

/// The previews' folder: `$TMPDIR/comunita-pratiche-anteprime`, private to
/// the user; previews older than a day are removed.
fn previews_dir() -> R<PathBuf> {
    let dir = std::env::temp_dir().join("comunita-pratiche-anteprime");
    cdp_core::fs::private_dir(&dir).map_err(core)?;
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let day = std::time::Duration::from_secs(24 * 3600);
        for e in entries.flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > day);
            if old {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(dir)
}

/// "Anteprima PDF": the template being edited, filled for a comune, written
/// to a new file with an unpredictable name in the private previews folder
/// and opened with the system's PDF viewer.
#[tauri::command]
pub async fn preview_pdf(
    app: AppHandle,
    kind: DocKind,
    body: Option<String>,
    istat: Option<String>,
) -> R<String> {
    let path = blocking(&app, move |st| {
        let job = st.with(|s| s.render_job(kind, body.as_deref(), istat.as_deref()))?;
        let bytes = job.render(DocFormat::Pdf).map_err(core)?.bytes;
        let dir = previews_dir()?;
        cdp_core::fs::write_new_temp(
            &dir,
            &format!("Anteprima_{}_", kind.file_stem()),
            ".pdf",
            &bytes,
        )
        .map_err(core)
    })
    .await?;
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
/// name. `date`: the document's date as the user typed it (None or empty:
/// left blank, «lì ………»). None if the user closed the dialog.
#[tauri::command]
pub async fn generate_document(
    app: AppHandle,
    kind: DocKind,
    istat: String,
    format: DocFormat,
    date: Option<String>,
) -> R<Option<DocumentRecord>> {
    let date = document_date(date.as_deref()).map_err(core)?;
    blocking(&app, move |st| {
        let name = st.with(|s| s.document_file_name(kind, &istat, format))?;
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
        let job = st
            .with(|s| s.render_job(kind, None, Some(&istat)))?
            .dated(date);
        let rendered = job.render(format).map_err(core)?;
        let record = st.with(|s| s.save_document(&job, format, &path, &rendered))?;
        st.remember(path);
        Ok(Some(record))
    })
    .await
}

/// One answer of `generate_batch`.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BatchStep {
    /// Files of the same name are in the folder: the UI asks the user what
    /// to do with them, then calls again with `folder` and `on_existing`.
    Exists {
        folder: String,
        existing: usize,
        total: usize,
    },
    Done {
        report: BatchReport,
    },
}

/// Generates one document per comune into a folder chosen in the dialog,
/// emitting `batch-progress`; `cancel_bulk` stops it. None if the user
/// closed the dialog. Without `on_existing`, if files of the same name are
/// in the folder, nothing is written and the answer is `exists`: the UI
/// calls again with the same `folder` and the user's choice.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn generate_batch(
    app: AppHandle,
    kind: String,
    istat: Vec<String>,
    format: DocFormat,
    folder: Option<String>,
    on_existing: Option<OnExisting>,
    date: Option<String>,
) -> R<Option<BatchStep>> {
    if istat.is_empty() {
        return Err(payload("validation", "Nessun comune selezionato."));
    }
    // A kind of document, or "atto_adesione": each comune's own act.
    let kind = BatchKind::parse(&kind).map_err(core)?;
    let date = document_date(date.as_deref()).map_err(core)?;
    let emitter = app.clone();
    blocking(&app, move |st| {
        let folder = match folder {
            Some(f) => {
                let f = PathBuf::from(f);
                let picked = PICKED_FOLDERS
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .contains(&f);
                if !picked {
                    return Err(payload(
                        "validation",
                        "Scegliere di nuovo la cartella dei documenti.",
                    ));
                }
                f
            }
            None => {
                let Some(f) = pick_folder(st, kind, istat.len()) else {
                    return Ok(None);
                };
                PICKED_FOLDERS
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(f.clone());
                f
            }
        };
        let job = st.with(|s| s.batch_job(kind, &istat, format))?.dated(date);
        let on_existing = match on_existing {
            Some(o) => o,
            None => {
                let existing = job.existing(&folder);
                if existing > 0 {
                    return Ok(Some(BatchStep::Exists {
                        folder: folder.to_string_lossy().into(),
                        existing,
                        total: job.items.len(),
                    }));
                }
                // Nothing to overwrite; a file appearing meanwhile is kept.
                OnExisting::Suffix
            }
        };
        let running = st.job();
        let done = job
            .run(
                &folder,
                on_existing,
                &|p: Progress| {
                    let _ = emitter.emit("batch-progress", p);
                },
                &running.token,
            )
            .map_err(core)?;
        let report = st.with(|s| s.record_batch(&job, done))?;
        for item in &report.items {
            if let Some(p) = &item.path {
                st.remember(PathBuf::from(p));
            }
        }
        Ok(Some(BatchStep::Done { report }))
    })
    .await
}

fn pick_folder(st: &AppState, kind: BatchKind, n: usize) -> Option<PathBuf> {
    // Start from the folder of the last document written, or the home folder.
    let start = st
        .exported
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .last()
        .and_then(|p| p.parent().map(PathBuf::from))
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from));
    let mut dialog =
        rfd::FileDialog::new().set_title(format!("Cartella per {} ({n} comuni)", kind.label()));
    if let Some(dir) = start {
        dialog = dialog.set_directory(dir);
    }
    dialog.pick_folder()
}

/// Whether the UI may open `path` (or show it in its folder): a file this
/// session exported, or a document of the register, and in both cases a
/// regular file (not a link, not a folder) with an extension the app
/// writes; a registered document must also still have its SHA-256.
pub fn check_open(state: &AppState, path: &Path) -> R<()> {
    let registered = state.with(|s| s.openable_document(path));
    let exported = || {
        state
            .exported
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|p| p == path)
    };
    match registered {
        // Not in the register: an export of this session (CSV, XLSX).
        Err(e) if e.code == "not_found" && exported() => {
            cdp_core::documents::register::check_openable_file(path)
                .map(|_| ())
                .map_err(core)
        }
        r => r,
    }
}
