//! The `#[tauri::command]`s: each one call into the core.

use std::path::PathBuf;

use cdp_core::adhesion::report::{AdhesionFigures, AdhesionQuery, AdhesionRow};
use cdp_core::adhesion::{AdhesionStatus, Channel, Step};
use cdp_core::audit::AuditEntry;
use cdp_core::dashboard::Dashboard;
use cdp_core::db::kv::Settings;
use cdp_core::io::Format;
use cdp_core::registry::map::MapData;
use cdp_core::registry::{
    Comune, ComuneInput, ComuneQuery, ComuneRow, PopulationClass, Referent, ReferentInput,
};
use cdp_core::zones::{Disposition, Zone};
use cdp_core::ErrorPayload;
use serde::Serialize;
use tauri::{Emitter, State};
use tauri_plugin_opener::OpenerExt;

use crate::AppState;

pub(crate) type R<T> = Result<T, ErrorPayload>;

pub(crate) fn payload(code: &str, message: impl Into<String>) -> ErrorPayload {
    ErrorPayload {
        code: code.into(),
        message: message.into(),
        field: None,
    }
}

#[derive(Serialize)]
pub struct AppStatus {
    pub version: &'static str,
    pub db_path: String,
    /// Why the archive could not be opened; the UI then shows only this
    /// (with, for `archive_in_use` and storage errors, the offer to open it
    /// read-only).
    pub error: Option<ErrorPayload>,
    /// The archive is open read-only: the UI shows a banner and disables forms.
    pub read_only: bool,
    /// Messages to show once (a failed daily backup, a recovered archive).
    pub notices: Vec<String>,
    /// Today on the core's clock (ISO): the UI's default dates.
    pub today: String,
}

#[tauri::command]
pub fn app_status(state: State<AppState>) -> AppStatus {
    let (error, read_only) = match &*state.lock() {
        Ok(s) => (None, s.is_read_only()),
        Err(e) => (Some(e.clone()), false),
    };
    AppStatus {
        version: env!("CARGO_PKG_VERSION"),
        db_path: state.db_path.display().to_string(),
        error,
        read_only,
        today: state.today().to_string(),
        notices: std::mem::take(&mut *state.notices.lock().unwrap_or_else(|p| p.into_inner())),
    }
}

/// Called by the UI once its first screen is interactive. With
/// `CDP_EXIT_WHEN_READY=1` (the cold-start benchmark) it prints the time since
/// the process started and quits.
#[tauri::command]
pub fn app_ready(app: tauri::AppHandle) {
    if std::env::var_os("CDP_EXIT_WHEN_READY").is_some() {
        let ms = crate::STARTED
            .get()
            .map(|t| t.elapsed().as_secs_f64() * 1000.0)
            .unwrap_or(0.0);
        println!("ready_ms={ms:.0}");
        app.exit(0);
    }
}

#[tauri::command]
pub fn list_comuni(state: State<AppState>, query: ComuneQuery) -> R<Vec<ComuneRow>> {
    state.with(|s| s.list_comuni(&query))
}

#[tauri::command]
pub fn get_comune(state: State<AppState>, istat: String) -> R<Comune> {
    state.with(|s| s.comune(&istat))
}

#[tauri::command]
pub fn update_comune(state: State<AppState>, istat: String, input: ComuneInput) -> R<Comune> {
    state.with(|s| s.update_comune(&istat, &input))
}

/// A date typed in a date field (30/9/2026, 30/09/2026, 2026-09-30) as ISO,
/// or the core's message saying why it is not a date.
#[tauri::command]
pub fn parse_date(text: String, label: String) -> R<String> {
    cdp_core::validate::date("date", &label, &text)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|e| e.to_payload())
}

#[tauri::command]
pub fn population_classes() -> Vec<PopulationClass> {
    cdp_core::registry::population_classes()
}

#[tauri::command]
pub fn referents(state: State<AppState>, istat: String) -> R<Vec<Referent>> {
    state.with(|s| s.referents(&istat))
}

#[tauri::command]
pub fn add_referent(state: State<AppState>, istat: String, input: ReferentInput) -> R<Referent> {
    state.with(|s| s.add_referent(&istat, &input))
}

#[tauri::command]
pub fn update_referent(state: State<AppState>, id: i64, input: ReferentInput) -> R<Referent> {
    state.with(|s| s.update_referent(id, &input))
}

#[tauri::command]
pub fn delete_referent(state: State<AppState>, id: i64, version: Option<String>) -> R<()> {
    state.with(|s| s.delete_referent(id, version.as_deref()))
}

#[tauri::command]
pub fn zones(state: State<AppState>) -> R<Vec<Zone>> {
    state.with(|s| s.zones())
}

#[tauri::command]
pub fn create_zone(state: State<AppState>, name: String) -> R<Zone> {
    state.with(|s| s.create_zone(&name))
}

#[tauri::command]
pub fn rename_zone(
    state: State<AppState>,
    id: i64,
    name: String,
    version: Option<String>,
) -> R<Zone> {
    state.with(|s| s.rename_zone(id, &name, version.as_deref()))
}

#[tauri::command]
pub fn delete_zone(
    state: State<AppState>,
    id: i64,
    disposition: Option<Disposition>,
    version: Option<String>,
) -> R<()> {
    state.with(|s| s.delete_zone(id, disposition, version.as_deref()))
}

#[tauri::command]
pub fn assign_comuni(
    state: State<AppState>,
    zone_id: Option<i64>,
    istat: Vec<String>,
) -> R<Vec<Zone>> {
    state.with(|s| s.assign_comuni(zone_id, &istat))
}

#[tauri::command]
pub fn set_zone_referent(
    state: State<AppState>,
    zone_id: i64,
    referent_id: Option<i64>,
    version: Option<String>,
) -> R<Zone> {
    state.with(|s| s.set_zone_referent(zone_id, referent_id, version.as_deref()))
}

#[tauri::command]
pub fn zone_referent_candidates(state: State<AppState>, zone_id: i64) -> R<Vec<Referent>> {
    state.with(|s| s.zone_referent_candidates(zone_id))
}

#[tauri::command]
pub fn accept_zone_proposal(state: State<AppState>) -> R<Vec<Zone>> {
    state.with(|s| s.accept_zone_proposal())
}

#[tauri::command]
pub fn discard_zone_proposal(state: State<AppState>) -> R<Vec<Zone>> {
    state.with(|s| s.discard_zone_proposal())
}

#[tauri::command]
pub fn dashboard(state: State<AppState>) -> R<Dashboard> {
    state.with(|s| s.dashboard())
}

#[tauri::command]
pub fn map_data() -> R<&'static MapData> {
    cdp_core::registry::map::map_data().map_err(|e| e.to_payload())
}

#[tauri::command]
pub fn get_settings(state: State<AppState>) -> R<Settings> {
    state.with(|s| s.settings())
}

#[tauri::command]
pub fn save_settings(state: State<AppState>, settings: Settings) -> R<Settings> {
    state.with(|s| s.save_settings(&settings))
}

#[tauri::command]
pub fn audit_log(
    state: State<AppState>,
    entity: String,
    entity_id: Option<String>,
) -> R<Vec<AuditEntry>> {
    state.with(|s| s.audit_log(&entity, entity_id.as_deref()))
}

#[derive(Serialize)]
pub struct Exported {
    pub path: String,
    pub rows: usize,
}

/// Asks where to save with the native GTK dialog (on this worker thread);
/// None when the user cancels. The extension is added if the user left it out.
fn ask_save_path(
    title: &str,
    stem: &str,
    format: Format,
    today: chrono::NaiveDate,
) -> Option<PathBuf> {
    let ext = format.extension();
    let label = match format {
        Format::Csv => "CSV (Excel, separatore ;)",
        Format::Xlsx => "Cartella di lavoro Excel",
    };
    let mut path = rfd::FileDialog::new()
        .set_title(title)
        .set_file_name(cdp_core::io::default_file_name(stem, format, today))
        .add_filter(label, &[ext])
        .save_file()?;
    if path.extension().is_none() {
        path.set_extension(ext);
    }
    Some(path)
}

/// Runs an export to a path the user chooses; remembers the file so the UI may open it.
pub(crate) fn export_with_dialog(
    state: &AppState,
    title: &str,
    stem: &str,
    format: Format,
    write: impl FnOnce(&mut cdp_core::Store, &std::path::Path) -> cdp_core::Result<usize>,
) -> R<Option<Exported>> {
    let Some(path) = ask_save_path(title, stem, format, state.today()) else {
        return Ok(None);
    };
    let rows = state.with(|s| write(s, &path))?;
    state.remember(path.clone());
    Ok(Some(Exported {
        path: path.display().to_string(),
        rows,
    }))
}

pub(crate) fn format_title(what: &str, format: Format) -> String {
    match format {
        Format::Csv => format!("Esporta {what} in CSV"),
        Format::Xlsx => format!("Esporta {what} in Excel"),
    }
}

/// Exports the list of comuni as filtered. `None` when the user cancels.
#[tauri::command(async)]
pub fn export_comuni(
    state: State<'_, AppState>,
    query: ComuneQuery,
    format: Format,
) -> R<Option<Exported>> {
    let title = format_title("elenco comuni", format);
    export_with_dialog(&state, &title, "Comuni", format, |s, p| {
        s.export_comuni(&query, format, p)
    })
}

/// Exports the adhesion register as filtered. `None` when the user cancels.
#[tauri::command(async)]
pub fn export_adhesions(
    state: State<'_, AppState>,
    query: AdhesionQuery,
    format: Format,
) -> R<Option<Exported>> {
    let title = format_title("registro delle adesioni", format);
    export_with_dialog(&state, &title, "Registro_adesioni", format, |s, p| {
        s.export_adhesions(&query, format, p)
    })
}

#[tauri::command]
pub fn adhesion(state: State<AppState>, istat: String) -> R<AdhesionStatus> {
    state.with(|s| s.adhesion(&istat))
}

#[tauri::command]
pub fn record_step(state: State<AppState>, istat: String, step: Step) -> R<AdhesionStatus> {
    state.with(|s| s.record_step(&istat, &step))
}

#[tauri::command]
pub fn undo_last_step(
    state: State<AppState>,
    istat: String,
    step_id: Option<i64>,
    reason: String,
) -> R<AdhesionStatus> {
    state.with(|s| s.undo_last_step(&istat, step_id, &reason))
}

#[tauri::command]
pub fn adhesions(state: State<AppState>, query: AdhesionQuery) -> R<Vec<AdhesionRow>> {
    state.with(|s| s.adhesions(&query))
}

#[tauri::command]
pub fn stalled(state: State<AppState>) -> R<Vec<AdhesionRow>> {
    state.with(|s| s.stalled())
}

#[tauri::command]
pub fn adhesion_figures(state: State<AppState>) -> R<AdhesionFigures> {
    state.with(|s| s.adhesion_figures())
}

#[derive(Clone, Serialize)]
struct BulkProgress {
    done: usize,
    total: usize,
}

/// Invites many comuni in one all-or-nothing action, emitting `bulk-progress`
/// events; `cancel_bulk` stops it and nothing is written.
#[tauri::command(async)]
pub fn bulk_invite(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    istat: Vec<String>,
    date: String,
    protocol_number: String,
    channel: Channel,
) -> R<usize> {
    use std::sync::atomic::Ordering;
    state.cancel.store(false, Ordering::SeqCst);
    let cancel = &state.cancel;
    state.with(|s| {
        s.bulk_invite(
            &istat,
            &date,
            &protocol_number,
            channel,
            &mut |done, total| {
                let _ = app.emit("bulk-progress", BulkProgress { done, total });
                !cancel.load(Ordering::SeqCst)
            },
        )
    })
}

/// Stops the bulk action or the document batch in progress.
#[tauri::command]
pub fn cancel_bulk(state: State<AppState>) {
    state
        .cancel
        .store(true, std::sync::atomic::Ordering::SeqCst);
    state.cancel_jobs();
}

/// Opens a file this session exported, or its folder.
#[tauri::command]
pub fn open_exported(
    app: tauri::AppHandle,
    state: State<AppState>,
    path: String,
    folder: bool,
) -> R<()> {
    let path = PathBuf::from(path);
    // Only regular files this app wrote, unchanged (see documents::check_open).
    crate::documents::check_open(&state, &path)?;
    let opener = app.opener();
    let result = if folder {
        opener.reveal_item_in_dir(&path)
    } else {
        opener.open_path(path.display().to_string(), None::<&str>)
    };
    result.map_err(|e| payload("io", format!("Impossibile aprire {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::parse_date;

    #[test]
    fn parse_date_accepts_italian_dates_and_explains_the_rest() {
        let iso = |t: &str| parse_date(t.into(), "Data".into());
        assert_eq!(iso("30/9/2026").unwrap(), "2026-09-30");
        assert_eq!(iso(" 01/02/2025 ").unwrap(), "2025-02-01");
        assert_eq!(iso("2025-02-01").unwrap(), "2025-02-01");
        let bad = iso("31/2/2025").unwrap_err();
        assert_eq!(bad.field.as_deref(), Some("date"));
        assert!(bad.message.starts_with("Data:"), "{}", bad.message);
        assert!(iso("30/9/26")
            .unwrap_err()
            .message
            .contains("quattro cifre"));
    }
}
