//! The documents' commands: templates, previews, generation of one document
//! through the save dialog, batches into a chosen folder.
//!
//! Rendering never holds the archive: the data is read under the lock
//! (`Store::render_job`, `Store::batch_job`), the lock is released, the
//! document is rendered on a blocking thread, and only the register's
//! write takes the lock again. So a slow template never freezes the window
//! nor the other commands.

use std::path::{Path, PathBuf};

use cdp_core::adhesion::documents::{document_date, placeholder_help, BatchKind, DocKind};
use cdp_core::documents::batch::{BatchReport, OnExisting};
use cdp_core::documents::register::DocumentRecord;
use cdp_core::documents::store::{TemplateDetail, TemplateSummary};
use cdp_core::documents::{DocFormat, Preview};
use cdp_core::job::Progress;
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::dialog;
use crate::error::{Error, Result};
use crate::state::{blocking, AppState, JobId};

/// A template of the adhesion acts as the templates screen shows it (the
/// core's generic type made concrete for the generated contract).
#[derive(Serialize, specta::Type)]
#[serde(transparent)]
pub struct AdhesionTemplateSummary(TemplateSummary<DocKind>);

/// A template of the adhesion acts with its versions.
#[derive(Serialize, specta::Type)]
#[serde(transparent)]
pub struct AdhesionTemplateDetail(TemplateDetail<DocKind>);

#[tauri::command]
#[specta::specta]
pub fn documents_templates(state: State<AppState>) -> Result<Vec<AdhesionTemplateSummary>> {
    state
        .with(|s| s.templates())
        .map(|v| v.into_iter().map(AdhesionTemplateSummary).collect())
}

#[tauri::command]
#[specta::specta]
pub fn documents_template(state: State<AppState>, kind: DocKind) -> Result<AdhesionTemplateDetail> {
    state.with(|s| s.template(kind)).map(AdhesionTemplateDetail)
}

/// Saves a template after a dry run on every comune (off the main thread).
#[tauri::command]
#[specta::specta]
pub async fn documents_save_template(
    app: AppHandle,
    kind: DocKind,
    body: String,
    base_version: Option<i64>,
) -> Result<AdhesionTemplateDetail> {
    blocking(&app, move |st| {
        st.with(|s| s.save_template(kind, &body, base_version))
            .map(AdhesionTemplateDetail)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn documents_restore_template(
    state: State<AppState>,
    kind: DocKind,
    version: Option<i64>,
) -> Result<AdhesionTemplateDetail> {
    state
        .with(|s| s.restore_template(kind, version))
        .map(AdhesionTemplateDetail)
}

/// The template being edited, filled for a comune: the data is read under
/// the lock, the template is filled without it.
#[tauri::command]
#[specta::specta]
pub async fn documents_preview(
    app: AppHandle,
    kind: DocKind,
    body: Option<String>,
    istat: Option<String>,
) -> Result<Preview> {
    blocking(&app, move |st| {
        let job = st.with(|s| s.render_job(kind, body.as_deref(), istat.as_deref()))?;
        Ok(job.preview()?)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn documents_placeholders() -> Vec<(&'static str, &'static str)> {
    placeholder_help().into_iter().collect()
}

#[tauri::command]
#[specta::specta]
pub fn documents_list(
    state: State<AppState>,
    istat: Option<String>,
) -> Result<Vec<DocumentRecord>> {
    state.with(|s| s.documents(istat.as_deref()))
}

/// The previews' folder: `$TMPDIR/comunita-pratiche-anteprime`, private to
/// the user; previews older than a day are removed.
fn previews_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join("comunita-pratiche-anteprime");
    cdp_core::fs::private_dir(&dir)?;
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
#[specta::specta]
pub async fn documents_preview_pdf(
    app: AppHandle,
    kind: DocKind,
    body: Option<String>,
    istat: Option<String>,
) -> Result<String> {
    let path = blocking(&app, move |st| {
        let job = st.with(|s| s.render_job(kind, body.as_deref(), istat.as_deref()))?;
        let bytes = job.render(DocFormat::Pdf)?.bytes;
        let dir = previews_dir()?;
        Ok(cdp_core::fs::write_new_temp(
            &dir,
            &format!("Anteprima_{}_", kind.file_stem()),
            ".pdf",
            &bytes,
        )?)
    })
    .await?;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| Error::new("io", format!("Nessun programma per aprire il PDF: {e}")))?;
    Ok(path.display().to_string())
}

/// Generates one document for a comune; the save dialog proposes a clean
/// name. `date`: the document's date as the user typed it (None or empty:
/// left blank, «lì ………»). None if the user closed the dialog.
#[tauri::command]
#[specta::specta]
pub async fn documents_generate(
    app: AppHandle,
    kind: DocKind,
    istat: String,
    format: DocFormat,
    date: Option<String>,
) -> Result<Option<DocumentRecord>> {
    let date = document_date(date.as_deref())?;
    blocking(&app, move |st| {
        let spec = st.with(|s| s.act_file(kind, &istat, format))?;
        let Some(path) = dialog::ask_save(&spec) else {
            return Ok(None);
        };
        let job = st
            .with(|s| s.render_job(kind, None, Some(&istat)))?
            .dated(date);
        let rendered = job.render(format)?;
        let record = st.with(|s| s.save_document(&job, format, &path, &rendered))?;
        st.remember(path);
        Ok(Some(record))
    })
    .await
}

/// One answer of `documents_generate_batch`.
#[derive(Serialize, specta::Type)]
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
/// sending its progress on `progress`; cancelling `job` stops it. None if
/// the user closed the dialog. Without `on_existing`, if files of the same
/// name are in the folder, nothing is written and the answer is `exists`:
/// the UI calls again with the same `folder` and the user's choice.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn documents_generate_batch(
    app: AppHandle,
    kind: String,
    istat: Vec<String>,
    format: DocFormat,
    folder: Option<String>,
    on_existing: Option<OnExisting>,
    date: Option<String>,
    job: JobId,
    progress: tauri::ipc::Channel<Progress>,
) -> Result<Option<BatchStep>> {
    if istat.is_empty() {
        return Err(Error::new("validation", "Nessun comune selezionato."));
    }
    // A kind of document, or "atto_adesione": each comune's own act.
    let kind = BatchKind::parse(&kind)?;
    let date = document_date(date.as_deref())?;
    blocking(&app, move |st| {
        let job = st.jobs.take(job)?;
        let folder = match folder {
            Some(f) => {
                let f = PathBuf::from(f);
                if !dialog::picked(&f) {
                    return Err(Error::new(
                        "validation",
                        "Scegliere di nuovo la cartella dei documenti.",
                    ));
                }
                f
            }
            None => {
                let title = cdp_core::adhesion::files::batch_folder_title(kind, istat.len());
                let Some(f) = dialog::ask_folder(&title) else {
                    return Ok(None);
                };
                f
            }
        };
        let batch = st.with(|s| s.batch_job(kind, &istat, format))?.dated(date);
        let on_existing = match on_existing {
            Some(o) => o,
            None => {
                let existing = batch.existing(&folder);
                if existing > 0 {
                    return Ok(Some(BatchStep::Exists {
                        folder: folder.to_string_lossy().into(),
                        existing,
                        total: batch.items.len(),
                    }));
                }
                // Nothing to overwrite; a file appearing meanwhile is kept.
                OnExisting::Suffix
            }
        };
        let done = batch.run(
            &folder,
            on_existing,
            &|p: Progress| {
                let _ = progress.send(p);
            },
            &job.token,
        )?;
        let report = st.with(|s| s.record_batch(&batch, done))?;
        for item in &report.items {
            if let Some(p) = &item.path {
                st.remember(PathBuf::from(p));
            }
        }
        Ok(Some(BatchStep::Done { report }))
    })
    .await
}

/// Whether the UI may open `path` (or show it in its folder): a file this
/// session exported, or a document of the register, and in both cases a
/// regular file (not a link, not a folder) with an extension the app
/// writes; a registered document must also still have its SHA-256.
pub fn check_open(state: &AppState, path: &Path) -> Result<()> {
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
            cdp_core::documents::register::check_openable_file(path)?;
            Ok(())
        }
        r => r,
    }
}
