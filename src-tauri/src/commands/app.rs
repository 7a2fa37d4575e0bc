//! The app's own commands: status, readiness, quitting, dates, settings, the
//! audit log, the first screen's data, opening a file written, the jobs' ids.

use std::path::PathBuf;

use cdp_core::adhesion::report::{AdhesionFigures, AdhesionQuery, AdhesionRow};
use cdp_core::audit::AuditEntry;
use cdp_core::dashboard::Dashboard;
use cdp_core::db::kv::Settings;
use cdp_core::registry::map::MapData;
use cdp_core::registry::{ComuneQuery, ComuneRow};
use serde::Serialize;
use tauri::{Manager, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::{Error, Result};
use crate::state::{AppState, JobId};

#[derive(Serialize, specta::Type)]
pub struct AppStatus {
    pub version: &'static str,
    pub db_path: String,
    /// Why the archive could not be opened; the UI then shows only this
    /// (with, for `archive_in_use` and storage errors, the offer to open it
    /// read-only).
    pub error: Option<Error>,
    /// The archive is open read-only: the UI shows a banner and disables forms.
    pub read_only: bool,
    /// Messages to show once (a failed daily backup, a recovered archive).
    pub notices: Vec<String>,
    /// Today on the core's clock (ISO): the UI's default dates.
    pub today: String,
}

#[tauri::command]
#[specta::specta]
pub fn app_status(state: State<AppState>) -> AppStatus {
    crate::timeline::mark("first_ipc");
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

/// Called by the UI once its first screen is interactive and painted: the
/// day's first backup is made now, off the window's thread (a failure is
/// told as a notice). `marks` are the page's own steps of the start (name,
/// milliseconds since the Unix epoch), added to the timeline. With
/// `CDP_EXIT_WHEN_READY=1` (the cold-start benchmark) it prints the
/// start-up timeline and quits instead: the archive is closed as on every
/// exit (checkpointed, lock released), then the process ends without taking
/// the window and WebKit down one by one.
#[tauri::command]
#[specta::specta]
pub fn app_ready(app: tauri::AppHandle, marks: Vec<(String, f64)>) {
    crate::timeline::mark("ready");
    for (step, at) in marks.iter().take(32) {
        crate::timeline::mark_page(step, *at);
    }
    if std::env::var_os("CDP_EXIT_WHEN_READY").is_some() {
        println!(
            "ready_ms={:.0} timeline: {}",
            crate::timeline::elapsed_ms(),
            crate::timeline::line()
        );
        app.state::<AppState>().close();
        std::process::exit(0);
    }
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        if let Some(notice) = state.daily_backup() {
            use tauri::Emitter;
            let _ = app.emit("app-notice", notice);
        }
    });
}

/// Ctrl+Q and "Esci": a normal exit (the archive is closed on the way out).
#[tauri::command]
#[specta::specta]
pub fn app_quit(app: tauri::AppHandle) {
    app.exit(0);
}

/// A date typed in a date field (30/9/2026, 30/09/2026, 2026-09-30) as ISO,
/// or the core's message saying why it is not a date.
#[tauri::command]
#[specta::specta]
pub fn app_parse_date(text: String, label: String) -> Result<String> {
    Ok(cdp_core::validate::date("date", &label, &text)?
        .format("%Y-%m-%d")
        .to_string())
}

/// Everything the Cruscotto (the first screen) shows: one round trip
/// instead of five at start.
#[derive(Serialize, specta::Type)]
pub struct FirstScreen {
    pub dashboard: Dashboard,
    pub figures: AdhesionFigures,
    pub map: &'static MapData,
    /// Every comune, in name order.
    pub comuni: Vec<ComuneRow>,
    /// Every comune's adhesion.
    pub adhesions: Vec<AdhesionRow>,
}

/// The Cruscotto's data, read in one lock of the archive off the window's
/// thread (a command without `async` runs on it and holds the first paint).
#[tauri::command(async)]
#[specta::specta]
pub fn app_dashboard(state: State<'_, AppState>) -> Result<FirstScreen> {
    crate::timeline::mark("dashboard_asked");
    let map = cdp_core::registry::map::map_data()?;
    let first = state.with(|s| {
        Ok(FirstScreen {
            dashboard: s.dashboard()?,
            figures: s.adhesion_figures()?,
            map,
            comuni: s.list_comuni(&ComuneQuery::default())?,
            adhesions: s.adhesions(&AdhesionQuery::default())?,
        })
    });
    crate::timeline::mark("dashboard_read");
    first
}

#[tauri::command]
#[specta::specta]
pub fn settings_get(state: State<AppState>) -> Result<Settings> {
    state.with(|s| s.settings())
}

#[tauri::command]
#[specta::specta]
pub fn settings_save(state: State<AppState>, settings: Settings) -> Result<Settings> {
    state.with(|s| s.save_settings(&settings))
}

#[tauri::command]
#[specta::specta]
pub fn audit_list(
    state: State<AppState>,
    entity: String,
    entity_id: Option<String>,
) -> Result<Vec<AuditEntry>> {
    state.with(|s| s.audit_log(&entity, entity_id.as_deref()))
}

/// Opens a file this session exported, or its folder.
#[tauri::command]
#[specta::specta]
pub fn app_open_file(
    app: tauri::AppHandle,
    state: State<AppState>,
    path: String,
    folder: bool,
) -> Result<()> {
    let path = PathBuf::from(path);
    // Only regular files this app wrote, unchanged (see documents::check_open).
    super::documents::check_open(&state, &path)?;
    let opener = app.opener();
    let result = if folder {
        opener.reveal_item_in_dir(&path)
    } else {
        opener.open_path(path.display().to_string(), None::<&str>)
    };
    result.map_err(|e| Error::new("io", format!("Impossibile aprire {}: {e}", path.display())))
}

/// A new job's id, to pass to a long command (and to `job_cancel`).
#[tauri::command]
#[specta::specta]
pub fn job_start(state: State<AppState>) -> JobId {
    state.jobs.start()
}

/// Stops the job `job` (the others go on).
#[tauri::command]
#[specta::specta]
pub fn job_cancel(state: State<AppState>, job: JobId) {
    state.jobs.cancel(job);
}

#[cfg(test)]
mod tests {
    use super::app_parse_date;

    #[test]
    fn parse_date_accepts_italian_dates_and_explains_the_rest() {
        let iso = |t: &str| app_parse_date(t.into(), "Data".into());
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
