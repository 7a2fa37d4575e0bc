//! The adhesion workflow's commands: a comune's protocol, the register, bulk
//! invitations, the register's export.

use cdp_core::adhesion::report::{AdhesionQuery, AdhesionRow};
use cdp_core::adhesion::{AdhesionStatus, Channel, Step};
use cdp_core::io::Format;
use cdp_core::job::Progress;
use tauri::State;

use crate::dialog::{self, Exported};
use crate::error::Result;
use crate::state::{AppState, JobId};

#[tauri::command]
#[specta::specta]
pub fn adhesion_get(state: State<AppState>, istat: String) -> Result<AdhesionStatus> {
    state.with(|s| s.adhesion(&istat))
}

#[tauri::command]
#[specta::specta]
pub fn adhesion_record_step(
    state: State<AppState>,
    istat: String,
    step: Step,
) -> Result<AdhesionStatus> {
    state.with(|s| s.record_step(&istat, &step))
}

#[tauri::command]
#[specta::specta]
pub fn adhesion_undo_last_step(
    state: State<AppState>,
    istat: String,
    step_id: Option<i64>,
    reason: String,
) -> Result<AdhesionStatus> {
    state.with(|s| s.undo_last_step(&istat, step_id, &reason))
}

#[tauri::command]
#[specta::specta]
pub fn adhesion_list(state: State<AppState>, query: AdhesionQuery) -> Result<Vec<AdhesionRow>> {
    state.with(|s| s.adhesions(&query))
}

#[tauri::command]
#[specta::specta]
pub fn adhesion_stalled(state: State<AppState>) -> Result<Vec<AdhesionRow>> {
    state.with(|s| s.stalled())
}

/// Invites many comuni in one all-or-nothing action, sending its progress on
/// `progress`; cancelling `job` stops it and nothing is written.
#[tauri::command(async)]
#[specta::specta]
pub fn adhesion_bulk_invite(
    state: State<'_, AppState>,
    istat: Vec<String>,
    date: String,
    protocol_number: String,
    channel: Channel,
    job: JobId,
    progress: tauri::ipc::Channel<Progress>,
) -> Result<usize> {
    let job = state.jobs.take(job)?;
    state.with(|s| {
        s.bulk_invite(
            &istat,
            &date,
            &protocol_number,
            channel,
            &mut |done, total| {
                let _ = progress.send(Progress { done, total });
                !job.token.is_cancelled()
            },
        )
    })
}

/// Exports the adhesion register as filtered. `None` when the user cancels.
#[tauri::command(async)]
#[specta::specta]
pub fn adhesion_export(
    state: State<'_, AppState>,
    query: AdhesionQuery,
    format: Format,
) -> Result<Option<Exported>> {
    let spec = cdp_core::adhesion::files::register_export(format, state.today());
    dialog::export(&state, &spec, |s, p| s.export_adhesions(&query, format, p))
}
