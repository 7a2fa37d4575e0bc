//! The organigram's commands: each one call into the core.

use cdp_core::documents::Format as DocFormat;
use cdp_core::io::Format;
use cdp_core::organigram::act::{ActKind, ActTemplate};
use cdp_core::organigram::files;
use cdp_core::organigram::{
    layout, HistoryEntry, LayoutOptions, OrgLayout, Organigram, Person, PersonCandidate,
    PersonInput, Role, RoleInput, Unit, UnitDisposition, UnitInput, UnitKind,
};
use serde::Serialize;
use tauri::State;

use crate::dialog::{self, Exported, Saved};
use crate::error::Result;
use crate::state::AppState;

/// The tree as of a date and its layout (the UI only draws it).
#[derive(Serialize, specta::Type)]
pub struct OrgView {
    pub organigram: Organigram,
    pub layout: OrgLayout,
}

fn day(s: &str) -> cdp_core::Result<chrono::NaiveDate> {
    cdp_core::validate::date("as_of", "Alla data", s)
}

#[tauri::command]
#[specta::specta]
pub fn organigram_view(
    state: State<AppState>,
    as_of: String,
    collapsed: Vec<String>,
) -> Result<OrgView> {
    state.with(|s| {
        let organigram = s.organigram(day(&as_of)?)?;
        let layout = layout(&organigram, &collapsed, &LayoutOptions::default());
        Ok(OrgView { organigram, layout })
    })
}

#[tauri::command]
#[specta::specta]
pub fn organigram_unit_kinds(state: State<AppState>) -> Result<Vec<UnitKind>> {
    state.with(|s| s.org_unit_kinds())
}

#[tauri::command]
#[specta::specta]
pub fn organigram_units(state: State<AppState>) -> Result<Vec<Unit>> {
    state.with(|s| s.org_units())
}

#[tauri::command]
#[specta::specta]
pub fn organigram_create_unit(state: State<AppState>, input: UnitInput) -> Result<Unit> {
    state.with(|s| s.create_org_unit(&input))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_update_unit(state: State<AppState>, id: i64, input: UnitInput) -> Result<Unit> {
    state.with(|s| s.update_org_unit(id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_move_unit(
    state: State<AppState>,
    id: i64,
    parent_id: Option<i64>,
    index: usize,
    version: Option<String>,
) -> Result<Unit> {
    state.with(|s| s.move_org_unit(id, parent_id, index, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_delete_unit(
    state: State<AppState>,
    id: i64,
    disposition: Option<UnitDisposition>,
    version: Option<String>,
) -> Result<()> {
    state.with(|s| s.delete_org_unit(id, disposition, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_roles(state: State<AppState>, unit_id: i64) -> Result<Vec<Role>> {
    state.with(|s| s.org_roles(unit_id))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_add_role(state: State<AppState>, input: RoleInput) -> Result<Role> {
    state.with(|s| s.add_org_role(&input))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_update_role(state: State<AppState>, id: i64, input: RoleInput) -> Result<Role> {
    state.with(|s| s.update_org_role(id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_delete_role(
    state: State<AppState>,
    id: i64,
    version: Option<String>,
) -> Result<()> {
    state.with(|s| s.delete_org_role(id, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_person_candidates(
    state: State<AppState>,
    query: String,
) -> Result<Vec<PersonCandidate>> {
    state.with(|s| s.org_person_candidates(&query))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_update_person(
    state: State<AppState>,
    id: i64,
    input: PersonInput,
) -> Result<Person> {
    state.with(|s| s.update_org_person(id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_zone_history(state: State<AppState>, zone_id: i64) -> Result<Vec<HistoryEntry>> {
    state.with(|s| s.org_zone_history(zone_id))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_unit_history(state: State<AppState>, unit_id: i64) -> Result<Vec<HistoryEntry>> {
    state.with(|s| s.org_unit_history(unit_id))
}

/// The people and roles in office on `as_of`, to a CSV or XLSX file the user chooses.
#[tauri::command(async)]
#[specta::specta]
pub fn organigram_export_roles(
    state: State<'_, AppState>,
    as_of: String,
    format: Format,
) -> Result<Option<Exported>> {
    let day = day(&as_of)?;
    dialog::export(
        &state,
        &files::roles_export(format, state.today()),
        |s, p| s.export_org_roles(day, format, p),
    )
}

/// The addresses of a unit's people (or of the zone referents), for the clipboard.
#[tauri::command]
#[specta::specta]
pub fn organigram_addresses(state: State<AppState>, as_of: String, key: String) -> Result<String> {
    state.with(|s| s.org_addresses(day(&as_of)?, &key))
}

/// The CSV for a mail merge of a unit's people.
#[tauri::command(async)]
#[specta::specta]
pub fn organigram_export_addresses(
    state: State<'_, AppState>,
    as_of: String,
    key: String,
) -> Result<Option<Exported>> {
    let day = day(&as_of)?;
    dialog::export(&state, &files::addresses_export(state.today()), |s, p| {
        s.export_org_addresses(day, &key, p)
    })
}

/// The organigram on `as_of` as a PDF/A page (the branches in `collapsed` drawn closed).
#[tauri::command(async)]
#[specta::specta]
pub fn organigram_save_chart(
    state: State<'_, AppState>,
    as_of: String,
    collapsed: Vec<String>,
) -> Result<Option<Saved>> {
    let day = day(&as_of)?;
    dialog::save_made(&state, &files::chart(state.today()), || {
        let o = state.with(|s| s.organigram(day))?;
        Ok(cdp_core::organigram::documents::chart_pdf(o, &collapsed)?)
    })
}

/// «Composizione del gruppo di lavoro» on `as_of`, as PDF/A or DOCX.
#[tauri::command(async)]
#[specta::specta]
pub fn organigram_save_composition(
    state: State<'_, AppState>,
    as_of: String,
    format: DocFormat,
) -> Result<Option<Saved>> {
    let day = day(&as_of)?;
    dialog::save_made(&state, &files::composition(format, state.today()), || {
        let o = state.with(|s| s.organigram(day))?;
        Ok(cdp_core::organigram::documents::composition(&o, format)?)
    })
}

#[tauri::command]
#[specta::specta]
pub fn organigram_act_template(state: State<AppState>) -> Result<ActTemplate> {
    state.with(|s| s.org_act_template())
}

/// Chooses the working group's act form (determinazione of the Segretario
/// Generale or decree of the Sindaco metropolitano); returns its template.
#[tauri::command]
#[specta::specta]
pub fn organigram_set_act_kind(state: State<AppState>, kind: ActKind) -> Result<ActTemplate> {
    state.with(|s| s.set_org_act_kind(kind))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_save_act_template(
    state: State<AppState>,
    body: String,
    version: Option<String>,
) -> Result<ActTemplate> {
    state.with(|s| s.save_org_act_template(&body, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn organigram_restore_act_template(
    state: State<AppState>,
    version: Option<String>,
) -> Result<ActTemplate> {
    state.with(|s| s.restore_org_act_template(version.as_deref()))
}

/// The draft act of constitution (or update) of the working group on `as_of`, as PDF/A or DOCX.
#[tauri::command(async)]
#[specta::specta]
pub fn organigram_save_act(
    state: State<'_, AppState>,
    as_of: String,
    update: bool,
    format: DocFormat,
) -> Result<Option<Saved>> {
    let day = day(&as_of)?;
    let kind = state.with(|s| s.org_act_kind())?;
    dialog::save_made(&state, &files::act(kind, format, state.today()), || {
        let job = state.with(|s| s.org_act_job(day, update))?;
        Ok(job.render(format)?)
    })
}
