//! Rischi e misure (issue 12): thin commands over `cdp_core::risks`.
//! "Today" is the store's (the local date, or `CDP_TODAY` read at start).

use cdp_core::documents::batch::OnExisting;
use cdp_core::documents::Format as DocFormat;
use cdp_core::io::Format;
use cdp_core::job::Progress;
use cdp_core::risks::files::{self, RiskDoc};
use cdp_core::risks::*;
use tauri::State;

use crate::dialog::{self, BatchSaved, Exported, Saved};
use crate::error::Result;
use crate::state::{blocking, AppState, JobId};

/// The date the core compares planned dates with: the store's today.
#[tauri::command]
#[specta::specta]
pub fn risks_today(state: State<AppState>) -> String {
    state.today().to_string()
}

#[tauri::command]
#[specta::specta]
pub fn risks_vocabulary(state: State<AppState>) -> Result<Vocabulary> {
    state.with(|s| s.risk_vocabulary())
}

#[tauri::command]
#[specta::specta]
pub fn risks_tree(state: State<AppState>, filter: CatalogueFilter) -> Result<Vec<TreeArea>> {
    state.with(|s| s.risk_tree(&filter))
}

#[tauri::command]
#[specta::specta]
pub fn risks_measures(state: State<AppState>, filter: CatalogueFilter) -> Result<Vec<MeasureRow>> {
    state.with(|s| s.risk_measures(&filter))
}

#[tauri::command]
#[specta::specta]
pub fn risks_measure(state: State<AppState>, id: i64) -> Result<Measure> {
    state.with(|s| s.risk_measure(id))
}

#[tauri::command]
#[specta::specta]
pub fn risks_event(state: State<AppState>, id: i64) -> Result<Event> {
    state.with(|s| s.risk_event(id))
}

#[tauri::command]
#[specta::specta]
pub fn risks_processes(state: State<AppState>, area_id: Option<i64>) -> Result<Vec<Process>> {
    state.with(|s| s.risk_processes(area_id))
}

#[tauri::command]
#[specta::specta]
pub fn risks_add_area(state: State<AppState>, input: AreaInput) -> Result<Area> {
    state.with(|s| s.add_risk_area(&input))
}

#[tauri::command]
#[specta::specta]
pub fn risks_create_process(state: State<AppState>, input: ProcessInput) -> Result<Process> {
    state.with(|s| s.create_risk_process(&input))
}

#[tauri::command]
#[specta::specta]
pub fn risks_create_event(state: State<AppState>, input: EventInput) -> Result<Event> {
    state.with(|s| s.create_risk_event(&input))
}

#[tauri::command]
#[specta::specta]
pub fn risks_update_event(state: State<AppState>, id: i64, input: EventInput) -> Result<Event> {
    state.with(|s| s.update_risk_event(id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn risks_rate_event(
    state: State<AppState>,
    id: i64,
    rating: Rating,
    version: Option<String>,
) -> Result<Event> {
    state.with(|s| s.rate_risk_event(id, &rating, version.as_deref()))
}

/// The prudence warning for a rating being edited (None: nothing to say).
#[tauri::command]
#[specta::specta]
pub fn risks_rating_warning(rating: Rating) -> Option<String> {
    prudence_warning(&rating)
}

#[tauri::command]
#[specta::specta]
pub fn risks_create_measure(state: State<AppState>, input: MeasureInput) -> Result<Measure> {
    state.with(|s| s.create_risk_measure(&input))
}

#[tauri::command]
#[specta::specta]
pub fn risks_update_measure(
    state: State<AppState>,
    id: i64,
    input: MeasureInput,
) -> Result<Measure> {
    state.with(|s| s.update_risk_measure(id, &input))
}

/// The catalogue's validation by the network: the last one, the measures
/// changed since, the status line.
#[tauri::command]
#[specta::specta]
pub fn risks_validation(state: State<AppState>) -> Result<ValidationState> {
    state.with(|s| s.risk_validation())
}

/// Records that the network validated the catalogue (date, act or meeting).
#[tauri::command]
#[specta::specta]
pub fn risks_validate_catalogue(
    state: State<AppState>,
    input: ValidationInput,
) -> Result<ValidationState> {
    state.with(|s| s.validate_risk_catalogue(&input))
}

#[tauri::command]
#[specta::specta]
pub fn risks_measure_revisions(state: State<AppState>, id: i64) -> Result<Vec<RevisionInfo>> {
    state.with(|s| s.risk_measure_revisions(id))
}

#[tauri::command]
#[specta::specta]
pub fn risks_measure_diff(
    state: State<AppState>,
    id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<FieldChange>> {
    state.with(|s| s.risk_measure_diff(id, from, to))
}

#[tauri::command]
#[specta::specta]
pub fn risks_context(state: State<AppState>, istat: String) -> Result<Context> {
    state.with(|s| s.risk_context(&istat))
}

#[tauri::command]
#[specta::specta]
pub fn risks_save_context(
    state: State<AppState>,
    istat: String,
    input: ContextInput,
) -> Result<Context> {
    state.with(|s| s.save_risk_context(&istat, &input))
}

#[tauri::command]
#[specta::specta]
pub fn risks_adopt_measures(
    state: State<AppState>,
    istat: Vec<String>,
    measure_ids: Vec<i64>,
    adjust: AdoptionAdjust,
) -> Result<AdoptionReport> {
    state.with(|s| s.adopt_risk_measures(&istat, &measure_ids, &adjust, &s.today().to_string()))
}

#[tauri::command]
#[specta::specta]
pub fn risks_adopt_general_for_zone(
    state: State<AppState>,
    zone_id: i64,
) -> Result<AdoptionReport> {
    state.with(|s| s.adopt_general_measures_for_zone(zone_id, &s.today().to_string()))
}

#[tauri::command]
#[specta::specta]
pub fn risks_plan(state: State<AppState>, istat: String) -> Result<ComunePlan> {
    state.with(|s| s.risk_plan(&istat, &s.today().to_string()))
}

#[tauri::command]
#[specta::specta]
pub fn risks_update_adoption(
    state: State<AppState>,
    id: i64,
    adjust: AdoptionAdjust,
    version: Option<String>,
) -> Result<Adoption> {
    state.with(|s| s.update_risk_adoption(id, &adjust, version.as_deref(), &s.today().to_string()))
}

#[tauri::command]
#[specta::specta]
pub fn risks_withdraw_adoption(
    state: State<AppState>,
    id: i64,
    version: Option<String>,
) -> Result<()> {
    state.with(|s| s.withdraw_risk_adoption(id, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn risks_adoption_update(state: State<AppState>, id: i64) -> Result<Option<RevisionUpdate>> {
    state.with(|s| s.risk_adoption_update(id))
}

#[tauri::command]
#[specta::specta]
pub fn risks_accept_revision(
    state: State<AppState>,
    id: i64,
    version: Option<String>,
) -> Result<Adoption> {
    state.with(|s| s.accept_risk_revision(id, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn risks_record_monitoring(
    state: State<AppState>,
    adoption_id: i64,
    input: MonitoringInput,
) -> Result<Adoption> {
    state.with(|s| s.record_risk_monitoring(adoption_id, &input, &s.today().to_string()))
}

#[tauri::command]
#[specta::specta]
pub fn risks_monitoring(state: State<AppState>, adoption_id: i64) -> Result<Vec<MonitoringEntry>> {
    state.with(|s| s.risk_monitoring(adoption_id))
}

#[tauri::command]
#[specta::specta]
pub fn risks_late(state: State<AppState>, istat: Option<String>) -> Result<Vec<LateAdoption>> {
    state.with(|s| s.risk_late(istat.as_deref(), &s.today().to_string()))
}

#[tauri::command]
#[specta::specta]
pub fn risks_measure_figures(state: State<AppState>) -> Result<Vec<MeasureFigure>> {
    state.with(|s| s.risk_measure_figures(&s.today().to_string()))
}

#[tauri::command]
#[specta::specta]
pub fn risks_comune_figures(state: State<AppState>) -> Result<Vec<ComuneFigure>> {
    state.with(|s| s.risk_comune_figures(&s.today().to_string()))
}

#[tauri::command]
#[specta::specta]
pub fn risks_annual_summary(
    state: State<AppState>,
    istat: Option<String>,
    year: i32,
) -> Result<AnnualSummary> {
    state.with(|s| s.risk_annual_summary(istat.as_deref(), year, &s.today().to_string()))
}

#[tauri::command]
#[specta::specta]
pub fn risks_rate_event_for_comune(
    state: State<AppState>,
    istat: String,
    event_id: i64,
    rating: Rating,
    version: Option<String>,
) -> Result<ComuneRating> {
    state.with(|s| s.rate_risk_event_for_comune(&istat, event_id, &rating, version.as_deref()))
}

/// Exports the catalogue's measures (`what`: "misure") or the risk register
/// ("registro"). `None` when the user cancels the dialog.
#[tauri::command(async)]
#[specta::specta]
pub fn risks_export_catalogue(
    state: State<'_, AppState>,
    what: String,
    format: Format,
) -> Result<Option<Exported>> {
    if what == "registro" {
        dialog::export(
            &state,
            &files::catalogue_export(true, format, state.today()),
            |s, p| s.export_risk_register(format, p),
        )
    } else {
        dialog::export(
            &state,
            &files::catalogue_export(false, format, state.today()),
            |s, p| s.export_risk_catalogue(format, p),
        )
    }
}

/// Exports a comune's measures (`what`: "misure") or its monitoring ("monitoraggio").
#[tauri::command(async)]
#[specta::specta]
pub fn risks_export_plan(
    state: State<'_, AppState>,
    istat: String,
    what: String,
    format: Format,
) -> Result<Option<Exported>> {
    let name = state
        .with(|s| s.comune(&istat))
        .map(|c| c.name)
        .unwrap_or_else(|_| istat.clone());
    let monitoring = what == "monitoraggio";
    dialog::export(
        &state,
        &files::plan_export(&name, monitoring, format, state.today()),
        |s, p| {
            if monitoring {
                s.export_risk_monitoring(Some(&istat), format, p)
            } else {
                s.export_risk_plan(&istat, &s.today().to_string(), format, p)
            }
        },
    )
}

/// Exports every monitoring entry of the network. `None` when cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn risks_export_monitoring(
    state: State<'_, AppState>,
    format: Format,
) -> Result<Option<Exported>> {
    dialog::export(
        &state,
        &files::network_monitoring_export(format, state.today()),
        |s, p| s.export_risk_monitoring(None, format, p),
    )
}

/// Prints a risks document through the save dialog, as PDF/A (or DOCX).
/// The data is read under the lock, rendered outside it. `None` when the
/// user cancels.
#[tauri::command]
#[specta::specta]
pub async fn risks_save_document(
    app: tauri::AppHandle,
    doc: RiskDoc,
    measure_id: Option<i64>,
    istat: Option<String>,
    format: DocFormat,
) -> Result<Option<Saved>> {
    blocking(&app, move |state| {
        let (report, spec) = state.with(|s| {
            s.risk_document(
                doc,
                measure_id,
                istat.as_deref(),
                &s.today().to_string(),
                format,
            )
        })?;
        dialog::save_made(state, &spec, || {
            let meta = cdp_core::risks::scheda::meta(&report.title, &report.title);
            Ok(cdp_core::documents::render(&report, format, &meta)?.bytes)
        })
    })
    .await
}

/// A batch of schede misura into a folder chosen in the dialog: every
/// measure adopted by `istat`, or `measure_id` for every comune that adopted
/// it. The schede are read under the lock, rendered and written by core's
/// batch writer without it, and recorded in the register. Sends its
/// progress on `progress`; cancelling `job` stops it (the schede written so
/// far stay, and the answer says how many). A file of the same name is
/// handled as `on_existing` says (by default a new one gets a « (2)»
/// suffix). `None` if the dialog is closed.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn risks_save_schede(
    app: tauri::AppHandle,
    measure_id: Option<i64>,
    istat: Option<String>,
    format: DocFormat,
    on_existing: Option<OnExisting>,
    job: JobId,
    progress: tauri::ipc::Channel<Progress>,
) -> Result<Option<BatchSaved>> {
    blocking(&app, move |state| {
        let running = state.jobs.take(job)?;
        let batch = state.with(|s| {
            s.risk_schede_job(measure_id, istat.as_deref(), &s.today().to_string(), format)
        })?;
        dialog::save_batch(
            state,
            &batch,
            &files::schede_folder_title(batch.items.len()),
            on_existing.unwrap_or(OnExisting::Suffix),
            &progress,
            &running.token,
            |s, b, done| s.record_risk_schede(b, done),
        )
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn risks_rename_vocabulary(
    state: State<AppState>,
    kind: String,
    code: String,
    name: String,
    shown: String,
) -> Result<VocabularyItem> {
    state.with(|s| s.rename_risk_vocabulary(&kind, &code, &name, &shown))
}
