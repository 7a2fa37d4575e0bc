//! The registry's commands: comuni, referents, the map, the comuni's export.

use cdp_core::io::Format;
use cdp_core::registry::map::MapData;
use cdp_core::registry::{
    Comune, ComuneInput, ComuneQuery, ComuneRow, PopulationClass, Referent, ReferentInput,
};
use tauri::State;

use crate::dialog::{self, Exported};
use crate::error::Result;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn registry_list_comuni(state: State<AppState>, query: ComuneQuery) -> Result<Vec<ComuneRow>> {
    state.with(|s| s.list_comuni(&query))
}

#[tauri::command]
#[specta::specta]
pub fn registry_get_comune(state: State<AppState>, istat: String) -> Result<Comune> {
    state.with(|s| s.comune(&istat))
}

#[tauri::command]
#[specta::specta]
pub fn registry_update_comune(
    state: State<AppState>,
    istat: String,
    input: ComuneInput,
) -> Result<Comune> {
    state.with(|s| s.update_comune(&istat, &input))
}

#[tauri::command]
#[specta::specta]
pub fn registry_population_classes() -> Vec<PopulationClass> {
    cdp_core::registry::population_classes()
}

#[tauri::command]
#[specta::specta]
pub fn registry_referents(state: State<AppState>, istat: String) -> Result<Vec<Referent>> {
    state.with(|s| s.referents(&istat))
}

#[tauri::command]
#[specta::specta]
pub fn registry_add_referent(
    state: State<AppState>,
    istat: String,
    input: ReferentInput,
) -> Result<Referent> {
    state.with(|s| s.add_referent(&istat, &input))
}

#[tauri::command]
#[specta::specta]
pub fn registry_update_referent(
    state: State<AppState>,
    id: i64,
    input: ReferentInput,
) -> Result<Referent> {
    state.with(|s| s.update_referent(id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn registry_delete_referent(
    state: State<AppState>,
    id: i64,
    version: Option<String>,
) -> Result<()> {
    state.with(|s| s.delete_referent(id, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn registry_map_data() -> Result<&'static MapData> {
    Ok(cdp_core::registry::map::map_data()?)
}

/// Exports the list of comuni as filtered. `None` when the user cancels.
#[tauri::command(async)]
#[specta::specta]
pub fn registry_export_comuni(
    state: State<'_, AppState>,
    query: ComuneQuery,
    format: Format,
) -> Result<Option<Exported>> {
    let spec = cdp_core::registry::files::comuni_export(format, state.today());
    dialog::export(&state, &spec, |s, p| s.export_comuni(&query, format, p))
}
