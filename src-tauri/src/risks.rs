//! Rischi e misure (issue 12): thin commands over `cdp_core::risks`.
//! "Today" is the store's (the local date, or `CDP_TODAY` read at start).

use cdp_core::risks::*;
use tauri::State;

use cdp_core::io::Format;

use crate::commands::{export_with_dialog, format_title, Exported, R};
use crate::AppState;

/// The date the core compares planned dates with: the store's today.
#[tauri::command]
pub fn risk_today(state: State<AppState>) -> String {
    state.today().to_string()
}

#[tauri::command]
pub fn risk_vocabulary(state: State<AppState>) -> R<Vocabulary> {
    state.with(|s| s.risk_vocabulary())
}

#[tauri::command]
pub fn risk_tree(state: State<AppState>, filter: CatalogueFilter) -> R<Vec<TreeArea>> {
    state.with(|s| s.risk_tree(&filter))
}

#[tauri::command]
pub fn risk_measures(state: State<AppState>, filter: CatalogueFilter) -> R<Vec<MeasureRow>> {
    state.with(|s| s.risk_measures(&filter))
}

#[tauri::command]
pub fn risk_measure(state: State<AppState>, id: i64) -> R<Measure> {
    state.with(|s| s.risk_measure(id))
}

#[tauri::command]
pub fn risk_event(state: State<AppState>, id: i64) -> R<Event> {
    state.with(|s| s.risk_event(id))
}

#[tauri::command]
pub fn risk_processes(state: State<AppState>, area_id: Option<i64>) -> R<Vec<Process>> {
    state.with(|s| s.risk_processes(area_id))
}

#[tauri::command]
pub fn add_risk_area(state: State<AppState>, input: AreaInput) -> R<Area> {
    state.with(|s| s.add_risk_area(&input))
}

#[tauri::command]
pub fn create_risk_process(state: State<AppState>, input: ProcessInput) -> R<Process> {
    state.with(|s| s.create_risk_process(&input))
}

#[tauri::command]
pub fn create_risk_event(state: State<AppState>, input: EventInput) -> R<Event> {
    state.with(|s| s.create_risk_event(&input))
}

#[tauri::command]
pub fn update_risk_event(state: State<AppState>, id: i64, input: EventInput) -> R<Event> {
    state.with(|s| s.update_risk_event(id, &input))
}

#[tauri::command]
pub fn rate_risk_event(
    state: State<AppState>,
    id: i64,
    rating: Rating,
    version: Option<String>,
) -> R<Event> {
    state.with(|s| s.rate_risk_event(id, &rating, version.as_deref()))
}

/// The prudence warning for a rating being edited (None: nothing to say).
#[tauri::command]
pub fn risk_rating_warning(rating: Rating) -> Option<String> {
    prudence_warning(&rating)
}

#[tauri::command]
pub fn create_risk_measure(state: State<AppState>, input: MeasureInput) -> R<Measure> {
    state.with(|s| s.create_risk_measure(&input))
}

#[tauri::command]
pub fn update_risk_measure(state: State<AppState>, id: i64, input: MeasureInput) -> R<Measure> {
    state.with(|s| s.update_risk_measure(id, &input))
}

#[tauri::command]
pub fn risk_measure_revisions(state: State<AppState>, id: i64) -> R<Vec<RevisionInfo>> {
    state.with(|s| s.risk_measure_revisions(id))
}

#[tauri::command]
pub fn risk_measure_diff(
    state: State<AppState>,
    id: i64,
    from: i64,
    to: i64,
) -> R<Vec<FieldChange>> {
    state.with(|s| s.risk_measure_diff(id, from, to))
}

#[tauri::command]
pub fn risk_context(state: State<AppState>, istat: String) -> R<Context> {
    state.with(|s| s.risk_context(&istat))
}

#[tauri::command]
pub fn save_risk_context(state: State<AppState>, istat: String, input: ContextInput) -> R<Context> {
    state.with(|s| s.save_risk_context(&istat, &input))
}

#[tauri::command]
pub fn adopt_risk_measures(
    state: State<AppState>,
    istat: Vec<String>,
    measure_ids: Vec<i64>,
    adjust: AdoptionAdjust,
) -> R<AdoptionReport> {
    state.with(|s| s.adopt_risk_measures(&istat, &measure_ids, &adjust, &s.today().to_string()))
}

#[tauri::command]
pub fn adopt_general_measures_for_zone(state: State<AppState>, zone_id: i64) -> R<AdoptionReport> {
    state.with(|s| s.adopt_general_measures_for_zone(zone_id, &s.today().to_string()))
}

#[tauri::command]
pub fn risk_plan(state: State<AppState>, istat: String) -> R<ComunePlan> {
    state.with(|s| s.risk_plan(&istat, &s.today().to_string()))
}

#[tauri::command]
pub fn update_risk_adoption(
    state: State<AppState>,
    id: i64,
    adjust: AdoptionAdjust,
    version: Option<String>,
) -> R<Adoption> {
    state.with(|s| s.update_risk_adoption(id, &adjust, version.as_deref(), &s.today().to_string()))
}

#[tauri::command]
pub fn withdraw_risk_adoption(state: State<AppState>, id: i64, version: Option<String>) -> R<()> {
    state.with(|s| s.withdraw_risk_adoption(id, version.as_deref()))
}

#[tauri::command]
pub fn risk_adoption_update(state: State<AppState>, id: i64) -> R<Option<RevisionUpdate>> {
    state.with(|s| s.risk_adoption_update(id))
}

#[tauri::command]
pub fn accept_risk_revision(
    state: State<AppState>,
    id: i64,
    version: Option<String>,
) -> R<Adoption> {
    state.with(|s| s.accept_risk_revision(id, version.as_deref()))
}

#[tauri::command]
pub fn record_risk_monitoring(
    state: State<AppState>,
    adoption_id: i64,
    input: MonitoringInput,
) -> R<Adoption> {
    state.with(|s| s.record_risk_monitoring(adoption_id, &input, &s.today().to_string()))
}

#[tauri::command]
pub fn risk_monitoring(state: State<AppState>, adoption_id: i64) -> R<Vec<MonitoringEntry>> {
    state.with(|s| s.risk_monitoring(adoption_id))
}

#[tauri::command]
pub fn risk_late(state: State<AppState>, istat: Option<String>) -> R<Vec<LateAdoption>> {
    state.with(|s| s.risk_late(istat.as_deref(), &s.today().to_string()))
}

#[tauri::command]
pub fn risk_measure_figures(state: State<AppState>) -> R<Vec<MeasureFigure>> {
    state.with(|s| s.risk_measure_figures(&s.today().to_string()))
}

#[tauri::command]
pub fn risk_comune_figures(state: State<AppState>) -> R<Vec<ComuneFigure>> {
    state.with(|s| s.risk_comune_figures(&s.today().to_string()))
}

#[tauri::command]
pub fn risk_annual_summary(
    state: State<AppState>,
    istat: Option<String>,
    year: i32,
) -> R<AnnualSummary> {
    state.with(|s| s.risk_annual_summary(istat.as_deref(), year, &s.today().to_string()))
}

#[tauri::command]
pub fn rate_risk_event_for_comune(
    state: State<AppState>,
    istat: String,
    event_id: i64,
    rating: Rating,
    version: Option<String>,
) -> R<ComuneRating> {
    state.with(|s| s.rate_risk_event_for_comune(&istat, event_id, &rating, version.as_deref()))
}

/// Exports the catalogue's measures (`what`: "misure") or the risk register
/// ("registro"). `None` when the user cancels the dialog.
#[tauri::command(async)]
pub fn export_risk_catalogue(
    state: State<'_, AppState>,
    what: String,
    format: Format,
) -> R<Option<Exported>> {
    if what == "registro" {
        let title = format_title("registro dei rischi", format);
        export_with_dialog(&state, &title, "Registro_dei_rischi", format, |s, p| {
            s.export_risk_register(format, p)
        })
    } else {
        let title = format_title("catalogo delle misure", format);
        export_with_dialog(&state, &title, "Catalogo_misure", format, |s, p| {
            s.export_risk_catalogue(format, p)
        })
    }
}

/// Exports a comune's measures (`what`: "misure") or its monitoring ("monitoraggio").
#[tauri::command(async)]
pub fn export_risk_plan(
    state: State<'_, AppState>,
    istat: String,
    what: String,
    format: Format,
) -> R<Option<Exported>> {
    let name = state
        .with(|s| s.comune(&istat))
        .map(|c| c.name)
        .unwrap_or_else(|_| istat.clone());
    let stem = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect::<String>();
    if what == "monitoraggio" {
        let title = format_title(&format!("monitoraggio delle misure di {name}"), format);
        export_with_dialog(
            &state,
            &title,
            &format!("Monitoraggio_misure_{stem}"),
            format,
            |s, p| s.export_risk_monitoring(Some(&istat), format, p),
        )
    } else {
        let title = format_title(&format!("misure adottate da {name}"), format);
        export_with_dialog(
            &state,
            &title,
            &format!("Misure_adottate_{stem}"),
            format,
            |s, p| s.export_risk_plan(&istat, &s.today().to_string(), format, p),
        )
    }
}

/// Which risks document to print.
#[derive(serde::Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RiskDoc {
    /// One measure's scheda: of the catalogue, or as adopted by `istat`.
    Scheda,
    /// The whole catalogue with its table of contents and risk register.
    Catalogo,
    /// A comune's annex to section 2.3 of the PIAO.
    Allegato,
}

/// Prints a risks document through the save dialog, as PDF/A (or DOCX).
/// The data is read under the lock, rendered outside it. `None` when the
/// user cancels; else the path written.
#[tauri::command]
pub async fn save_risk_document(
    app: tauri::AppHandle,
    doc: RiskDoc,
    measure_id: Option<i64>,
    istat: Option<String>,
    docx: bool,
) -> R<Option<String>> {
    let app2 = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        use tauri::Manager;
        let state = app2.state::<AppState>();
        let t = state.today().to_string();
        let (report, stem, title) = state.with(|s| {
            let comune = match &istat {
                Some(code) => Some(s.comune(code)?.name),
                None => None,
            };
            Ok(match doc {
                RiskDoc::Scheda => {
                    let id = measure_id.ok_or_else(|| {
                        cdp_core::Error::validation("measure", "Scegliere la misura.")
                    })?;
                    let m = s.risk_measure(id)?;
                    let r = s.risk_scheda_report(id, istat.as_deref(), &t)?;
                    let stem = cdp_core::risks::schede::scheda_stem(&m.code, comune.as_deref());
                    (r, stem, "Salva la scheda misura".to_string())
                }
                RiskDoc::Catalogo => (
                    s.risk_catalogue_report(&t)?,
                    "Catalogo_rischi_e_misure".to_string(),
                    "Salva il catalogo dei rischi e delle misure".to_string(),
                ),
                RiskDoc::Allegato => {
                    let code = istat.clone().ok_or_else(|| {
                        cdp_core::Error::validation("istat", "Scegliere il comune.")
                    })?;
                    (
                        s.risk_annex_report(&code, &t)?,
                        format!(
                            "Allegato_2.3_PIAO_{}",
                            cdp_core::risks::schede::file_stem(comune.as_deref().unwrap_or(&code))
                        ),
                        "Salva l'allegato alla sezione 2.3 del PIAO".to_string(),
                    )
                }
            })
        })?;
        let ext = if docx { "docx" } else { "pdf" };
        let label = if docx { "Documento Word" } else { "PDF/A" };
        let Some(mut path) = rfd::FileDialog::new()
            .set_title(&title)
            .set_file_name(format!("{stem}.{ext}"))
            .add_filter(label, &[ext])
            .save_file()
        else {
            return Ok(None);
        };
        if path.extension().is_none() {
            path.set_extension(ext);
        }
        let bytes = cdp_core::risks::scheda::render(&report, docx, &report.title)
            .map_err(|e| e.to_payload())?;
        cdp_core::fs::write_atomically(&path, &bytes).map_err(|e| e.to_payload())?;
        state.remember(path.clone());
        Ok(Some(path.display().to_string()))
    })
    .await
    .map_err(|e| crate::commands::payload("io", format!("Operazione interrotta: {e}")))?
}

/// What a batch of schede wrote.
#[derive(serde::Serialize)]
pub struct SchedeReport {
    pub folder: String,
    pub written: usize,
    pub total: usize,
    pub cancelled: bool,
}

/// A batch of schede misura into a folder chosen in the dialog: every
/// measure adopted by `istat`, or `measure_id` for every comune that adopted
/// it. The schede are read under the lock, rendered and written by core's
/// batch writer without it, and recorded in the register. Emits
/// `batch-progress`; `cancel_bulk` stops it (the schede written so far
/// stay, and the answer says how many). A file of the same name is handled
/// as `on_existing` says (by default a new one gets a « (2)» suffix).
/// `None` if the dialog is closed.
#[tauri::command]
pub async fn save_risk_schede(
    app: tauri::AppHandle,
    measure_id: Option<i64>,
    istat: Option<String>,
    docx: bool,
    on_existing: Option<cdp_core::documents::batch::OnExisting>,
) -> R<Option<SchedeReport>> {
    use tauri::{Emitter, Manager};
    let app2 = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = app2.state::<AppState>();
        let format = if docx {
            cdp_core::documents::DocFormat::Docx
        } else {
            cdp_core::documents::DocFormat::Pdf
        };
        let job = state.with(|s| {
            s.risk_schede_job(measure_id, istat.as_deref(), &s.today().to_string(), format)
        })?;
        let total = job.items.len();
        // Start from the folder of the last file written, or the home folder.
        let start = state
            .exported
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last()
            .and_then(|p| p.parent().map(std::path::PathBuf::from))
            .or_else(|| std::env::var_os("HOME").map(std::path::PathBuf::from));
        let mut dialog = rfd::FileDialog::new();
        if let Some(dir) = start {
            dialog = dialog.set_directory(dir);
        }
        let Some(folder) = dialog
            .set_title(if total == 1 {
                "Cartella per 1 scheda misura".to_string()
            } else {
                format!("Cartella per {total} schede misura")
            })
            .pick_folder()
        else {
            return Ok(None);
        };
        let running = state.job();
        let done = job
            .run(
                &folder,
                on_existing.unwrap_or(cdp_core::documents::batch::OnExisting::Suffix),
                &|p: cdp_core::job::Progress| {
                    let _ = app2.emit("batch-progress", p);
                },
                &running.token,
            )
            .map_err(|e| e.to_payload())?;
        let report = state.with(|s| s.record_risk_schede(&job, done))?;
        if let Some(e) = report.items.iter().find_map(|i| i.error.clone()) {
            return Err(crate::commands::payload("io", e));
        }
        for item in &report.items {
            if let Some(p) = &item.path {
                state.remember(std::path::PathBuf::from(p));
            }
        }
        Ok(Some(SchedeReport {
            folder: folder.display().to_string(),
            written: report.written,
            total,
            cancelled: report.cancelled,
        }))
    })
    .await
    .map_err(|e| crate::commands::payload("io", format!("Operazione interrotta: {e}")))?
}

/// Exports every monitoring entry of the network. `None` when cancelled.
#[tauri::command(async)]
pub fn export_risk_monitoring(state: State<'_, AppState>, format: Format) -> R<Option<Exported>> {
    let title = format_title("monitoraggio delle misure della rete", format);
    export_with_dialog(
        &state,
        &title,
        "Monitoraggio_misure_rete",
        format,
        |s, p| s.export_risk_monitoring(None, format, p),
    )
}

#[tauri::command]
pub fn rename_risk_vocabulary(
    state: State<AppState>,
    kind: String,
    code: String,
    name: String,
    shown: String,
) -> R<VocabularyItem> {
    state.with(|s| s.rename_risk_vocabulary(&kind, &code, &name, &shown))
}
