//! Fine anno (issue 21): thin commands over `cdp_core::piao`, the comune's
//! sottosezione 2.3 of the PIAO, its RPCT's relazione annuale and the view
//! for ANAC's platform.

use cdp_core::documents::batch::OnExisting;
use cdp_core::documents::Format as DocFormat;
use cdp_core::job::Progress;
use cdp_core::piao::relazione::{relazione_meta, PlatformSection, Relazione, RelazioneInput};
use cdp_core::piao::section::{section_meta, Missing};
use cdp_core::piao::{files, ObjectiveOption, PiaoData, PiaoInput, OBJECTIVES};
use tauri::State;

use crate::dialog::{self, BatchSaved, Saved};
use crate::error::Result;
use crate::state::{blocking, AppState, JobId};

/// The shipped list of strategic objectives, and where the transparency
/// table comes from.
#[tauri::command]
#[specta::specta]
pub fn piao_choices() -> (Vec<ObjectiveOption>, String) {
    (
        OBJECTIVES.to_vec(),
        cdp_core::piao::obligations_source().to_string(),
    )
}

#[tauri::command]
#[specta::specta]
pub fn piao_data(state: State<AppState>, istat: String) -> Result<PiaoData> {
    state.with(|s| s.piao_data(&istat))
}

#[tauri::command]
#[specta::specta]
pub fn piao_save(state: State<AppState>, istat: String, input: PiaoInput) -> Result<PiaoData> {
    state.with(|s| s.save_piao_data(&istat, &input))
}

/// What the archive lacks for the comune's section 2.3.
#[tauri::command]
#[specta::specta]
pub fn piao_missing(state: State<AppState>, istat: String) -> Result<Vec<Missing>> {
    state.with(|s| s.piao_missing(&istat))
}

/// Prints the comune's section 2.3 through the save dialog (read under the
/// lock, rendered outside it). `None` when the user cancels.
#[tauri::command]
#[specta::specta]
pub async fn piao_save_section(
    app: tauri::AppHandle,
    istat: String,
    format: DocFormat,
) -> Result<Option<Saved>> {
    blocking(&app, move |state| {
        let (doc, comune, author) = state.with(|s| {
            let (doc, _) = s.piao_section(&istat)?;
            Ok((doc, s.comune(&istat)?.name, s.document_author()?))
        })?;
        dialog::save_made(state, &files::section(&comune, format), || {
            Ok(cdp_core::documents::render(&doc, format, &section_meta(&doc, &author))?.bytes)
        })
    })
    .await
}

/// The sections 2.3 of the chosen comuni into a folder chosen in the
/// dialog, through the one batch writer, recorded in the register.
#[tauri::command]
#[specta::specta]
pub async fn piao_save_sections(
    app: tauri::AppHandle,
    istat: Vec<String>,
    format: DocFormat,
    on_existing: Option<OnExisting>,
    job: JobId,
    progress: tauri::ipc::Channel<Progress>,
) -> Result<Option<BatchSaved>> {
    blocking(&app, move |state| {
        let running = state.jobs.take(job)?;
        let batch = state.with(|s| s.piao_section_job(&istat, format))?;
        dialog::save_batch(
            state,
            &batch,
            &files::sections_folder_title(batch.items.len()),
            on_existing.unwrap_or(OnExisting::Suffix),
            &progress,
            &running.token,
            |s, b, done| s.record_piao_sections(b, done),
        )
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn piao_relazione(state: State<AppState>, istat: String, year: i32) -> Result<Relazione> {
    state.with(|s| s.piao_relazione(&istat, year))
}

#[tauri::command]
#[specta::specta]
pub fn piao_save_relazione(
    state: State<AppState>,
    istat: String,
    year: i32,
    input: RelazioneInput,
) -> Result<Relazione> {
    state.with(|s| s.save_piao_relazione(&istat, year, &input))
}

/// The relazione as ANAC's workbook through the save dialog.
#[tauri::command]
#[specta::specta]
pub async fn piao_save_relazione_xlsx(
    app: tauri::AppHandle,
    istat: String,
    year: i32,
) -> Result<Option<Saved>> {
    blocking(&app, move |state| {
        let (bytes, comune) =
            state.with(|s| Ok((s.piao_relazione_xlsx(&istat, year)?, s.comune(&istat)?.name)))?;
        dialog::save(state, files::relazione_xlsx(&comune, year).with(bytes))
    })
    .await
}

/// The relazione as a document for the records through the save dialog.
#[tauri::command]
#[specta::specta]
pub async fn piao_save_relazione_document(
    app: tauri::AppHandle,
    istat: String,
    year: i32,
    format: DocFormat,
) -> Result<Option<Saved>> {
    blocking(&app, move |state| {
        let (doc, comune, author) = state.with(|s| {
            Ok((
                s.piao_relazione_document(&istat, year)?,
                s.comune(&istat)?.name,
                s.document_author()?,
            ))
        })?;
        dialog::save_made(
            state,
            &files::relazione_document(&comune, year, format),
            || Ok(cdp_core::documents::render(&doc, format, &relazione_meta(&doc, &author))?.bytes),
        )
    })
    .await
}

/// The comune's data in the order of the sections of ANAC's platform.
#[tauri::command]
#[specta::specta]
pub fn piao_platform(
    state: State<AppState>,
    istat: String,
    year: i32,
) -> Result<Vec<PlatformSection>> {
    state.with(|s| s.piao_platform(&istat, year))
}
