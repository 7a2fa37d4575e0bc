//! The organigram's commands: each one call into the core.

use cdp_core::organigram::act::ActTemplate;
use cdp_core::organigram::{
    layout, HistoryEntry, LayoutOptions, OrgLayout, Organigram, Person, PersonCandidate,
    PersonInput, Role, RoleInput, Unit, UnitDisposition, UnitInput, UnitKind,
};
use serde::Serialize;
use tauri::State;

use cdp_core::documents::DocFormat;
use cdp_core::io::Format;

use crate::commands::{export_with_dialog, format_title, Exported, R};
use crate::AppState;

/// The tree as of a date and its layout (the UI only draws it).
#[derive(Serialize)]
pub struct OrgView {
    pub organigram: Organigram,
    pub layout: OrgLayout,
}

fn day(s: &str) -> cdp_core::Result<chrono::NaiveDate> {
    cdp_core::validate::date("as_of", "Alla data", s)
}

#[tauri::command]
pub fn org_view(state: State<AppState>, as_of: String, collapsed: Vec<String>) -> R<OrgView> {
    state.with(|s| {
        let organigram = s.organigram(day(&as_of)?)?;
        let layout = layout(&organigram, &collapsed, &LayoutOptions::default());
        Ok(OrgView { organigram, layout })
    })
}

#[tauri::command]
pub fn org_unit_kinds(state: State<AppState>) -> R<Vec<UnitKind>> {
    state.with(|s| s.org_unit_kinds())
}

#[tauri::command]
pub fn org_units(state: State<AppState>) -> R<Vec<Unit>> {
    state.with(|s| s.org_units())
}

#[tauri::command]
pub fn create_org_unit(state: State<AppState>, input: UnitInput) -> R<Unit> {
    state.with(|s| s.create_org_unit(&input))
}

#[tauri::command]
pub fn update_org_unit(state: State<AppState>, id: i64, input: UnitInput) -> R<Unit> {
    state.with(|s| s.update_org_unit(id, &input))
}

#[tauri::command]
pub fn move_org_unit(
    state: State<AppState>,
    id: i64,
    parent_id: Option<i64>,
    index: usize,
    version: Option<String>,
) -> R<Unit> {
    state.with(|s| s.move_org_unit(id, parent_id, index, version.as_deref()))
}

#[tauri::command]
pub fn delete_org_unit(
    state: State<AppState>,
    id: i64,
    disposition: Option<UnitDisposition>,
    version: Option<String>,
) -> R<()> {
    state.with(|s| s.delete_org_unit(id, disposition, version.as_deref(), s.today()))
}

#[tauri::command]
pub fn org_roles(state: State<AppState>, unit_id: i64) -> R<Vec<Role>> {
    state.with(|s| s.org_roles(unit_id))
}

#[tauri::command]
pub fn add_org_role(state: State<AppState>, input: RoleInput) -> R<Role> {
    state.with(|s| s.add_org_role(&input))
}

#[tauri::command]
pub fn update_org_role(state: State<AppState>, id: i64, input: RoleInput) -> R<Role> {
    state.with(|s| s.update_org_role(id, &input))
}

#[tauri::command]
pub fn delete_org_role(state: State<AppState>, id: i64, version: Option<String>) -> R<()> {
    state.with(|s| s.delete_org_role(id, version.as_deref()))
}

#[tauri::command]
pub fn org_person_candidates(state: State<AppState>, query: String) -> R<Vec<PersonCandidate>> {
    state.with(|s| s.org_person_candidates(&query))
}

#[tauri::command]
pub fn update_org_person(state: State<AppState>, id: i64, input: PersonInput) -> R<Person> {
    state.with(|s| s.update_org_person(id, &input))
}

#[tauri::command]
pub fn org_zone_history(state: State<AppState>, zone_id: i64) -> R<Vec<HistoryEntry>> {
    state.with(|s| s.org_zone_history(zone_id))
}

#[tauri::command]
pub fn org_unit_history(state: State<AppState>, unit_id: i64) -> R<Vec<HistoryEntry>> {
    state.with(|s| s.org_unit_history(unit_id))
}

/// The people and roles in office on `as_of`, to a CSV or XLSX file the user chooses.
#[tauri::command(async)]
pub fn export_org_roles(
    state: State<'_, AppState>,
    as_of: String,
    format: Format,
) -> R<Option<Exported>> {
    let day = day(&as_of).map_err(|e| e.to_payload())?;
    let title = format_title("persone e ruoli dell'organigramma", format);
    export_with_dialog(
        &state,
        &title,
        "Organigramma_persone_e_ruoli",
        format,
        |s, p| s.export_org_roles(day, format, p),
    )
}

/// The addresses of a unit's people (or of the zone referents), for the clipboard.
#[tauri::command]
pub fn org_addresses(state: State<AppState>, as_of: String, key: String) -> R<String> {
    state.with(|s| s.org_addresses(day(&as_of)?, &key))
}

/// The CSV for a mail merge of a unit's people.
#[tauri::command(async)]
pub fn export_org_addresses(
    state: State<'_, AppState>,
    as_of: String,
    key: String,
) -> R<Option<Exported>> {
    let day = day(&as_of).map_err(|e| e.to_payload())?;
    export_with_dialog(
        &state,
        "Esporta gli indirizzi per la stampa unione",
        "Indirizzi",
        Format::Csv,
        |s, p| s.export_org_addresses(day, &key, p),
    )
}

/// Asks where to save a document (PDF/A or DOCX), reads its data under the
/// archive's lock (`prepare`), renders it after releasing the lock
/// (`render`) and writes it there, atomically; the path, or None if the
/// user cancelled.
fn save_document<J>(
    state: &AppState,
    title: &str,
    stem: &str,
    format: DocFormat,
    prepare: impl FnOnce(&mut cdp_core::Store) -> cdp_core::Result<J>,
    render: impl FnOnce(J) -> cdp_core::Result<Vec<u8>>,
) -> R<Option<String>> {
    let (label, ext) = match format {
        DocFormat::Pdf => ("Documento PDF/A", "pdf"),
        DocFormat::Docx => ("Documento Word (modificabile)", "docx"),
    };
    let today = state.today();
    let Some(mut path) = rfd::FileDialog::new()
        .set_title(title)
        .set_file_name(format!("{stem}_{today}.{ext}"))
        .add_filter(label, &[ext])
        .save_file()
    else {
        return Ok(None);
    };
    if path.extension().is_none() {
        path.set_extension(ext);
    }
    let job = state.with(prepare)?;
    let bytes = render(job).map_err(|e| e.to_payload())?;
    cdp_core::fs::write_atomically(&path, &bytes).map_err(|e| e.to_payload())?;
    state.remember(path.clone());
    Ok(Some(path.display().to_string()))
}

/// The organigram on `as_of` as a PDF/A page (the branches in `collapsed` drawn closed).
#[tauri::command(async)]
pub fn print_org_chart(
    state: State<'_, AppState>,
    as_of: String,
    collapsed: Vec<String>,
) -> R<Option<String>> {
    let day = day(&as_of).map_err(|e| e.to_payload())?;
    save_document(
        &state,
        "Stampa l'organigramma (PDF)",
        "Organigramma",
        DocFormat::Pdf,
        |s| s.organigram(day),
        |o| cdp_core::organigram::documents::chart_pdf(o, &collapsed),
    )
}

/// «Composizione del gruppo di lavoro» on `as_of`, as PDF/A or DOCX.
#[tauri::command(async)]
pub fn org_composition_document(
    state: State<'_, AppState>,
    as_of: String,
    format: DocFormat,
) -> R<Option<String>> {
    let day = day(&as_of).map_err(|e| e.to_payload())?;
    let title = match format {
        DocFormat::Pdf => "Salva la composizione del gruppo di lavoro (PDF)",
        DocFormat::Docx => "Salva la composizione del gruppo di lavoro (Word)",
    };
    save_document(
        &state,
        title,
        "Composizione_gruppo_di_lavoro",
        format,
        |s| s.organigram(day),
        |o| cdp_core::organigram::documents::composition(&o, format),
    )
}

#[tauri::command]
pub fn org_act_template(state: State<AppState>) -> R<ActTemplate> {
    state.with(|s| s.org_act_template())
}

#[tauri::command]
pub fn save_org_act_template(
    state: State<AppState>,
    body: String,
    version: Option<String>,
) -> R<ActTemplate> {
    state.with(|s| s.save_org_act_template(&body, version.as_deref()))
}

#[tauri::command]
pub fn restore_org_act_template(state: State<AppState>, version: Option<String>) -> R<ActTemplate> {
    state.with(|s| s.restore_org_act_template(version.as_deref()))
}

/// The draft act of constitution (or update) of the working group on `as_of`, as PDF/A or DOCX.
#[tauri::command(async)]
pub fn org_act_document(
    state: State<'_, AppState>,
    as_of: String,
    update: bool,
    format: DocFormat,
) -> R<Option<String>> {
    let day = day(&as_of).map_err(|e| e.to_payload())?;
    let title = match format {
        DocFormat::Pdf => "Salva la bozza di determinazione (PDF)",
        DocFormat::Docx => "Salva la bozza di determinazione (Word)",
    };
    save_document(
        &state,
        title,
        "Determina_gruppo_di_lavoro",
        format,
        |s| s.org_act_job(day, update),
        |job| job.render(format),
    )
}
