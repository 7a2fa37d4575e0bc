//! The zone omogenee's commands.

use cdp_core::registry::Referent;
use cdp_core::zones::{Disposition, Zone};
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn zones_list(state: State<AppState>) -> Result<Vec<Zone>> {
    state.with(|s| s.zones())
}

#[tauri::command]
#[specta::specta]
pub fn zones_create(state: State<AppState>, name: String) -> Result<Zone> {
    state.with(|s| s.create_zone(&name))
}

#[tauri::command]
#[specta::specta]
pub fn zones_rename(
    state: State<AppState>,
    id: i64,
    name: String,
    version: Option<String>,
) -> Result<Zone> {
    state.with(|s| s.rename_zone(id, &name, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn zones_delete(
    state: State<AppState>,
    id: i64,
    disposition: Option<Disposition>,
    version: Option<String>,
) -> Result<()> {
    state.with(|s| s.delete_zone(id, disposition, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn zones_assign_comuni(
    state: State<AppState>,
    zone_id: Option<i64>,
    istat: Vec<String>,
) -> Result<Vec<Zone>> {
    state.with(|s| s.assign_comuni(zone_id, &istat))
}

#[tauri::command]
#[specta::specta]
pub fn zones_set_referent(
    state: State<AppState>,
    zone_id: i64,
    referent_id: Option<i64>,
    version: Option<String>,
) -> Result<Zone> {
    state.with(|s| s.set_zone_referent(zone_id, referent_id, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn zones_referent_candidates(state: State<AppState>, zone_id: i64) -> Result<Vec<Referent>> {
    state.with(|s| s.zone_referent_candidates(zone_id))
}

#[tauri::command]
#[specta::specta]
pub fn zones_accept_proposal(state: State<AppState>) -> Result<Vec<Zone>> {
    state.with(|s| s.accept_zone_proposal())
}

#[tauri::command]
#[specta::specta]
pub fn zones_discard_proposal(state: State<AppState>) -> Result<Vec<Zone>> {
    state.with(|s| s.discard_zone_proposal())
}
