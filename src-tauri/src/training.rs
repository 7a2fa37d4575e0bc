//! Commands of the training domain: the calendar's events, theme areas,
//! series, the ICS through the save dialog.

use std::path::PathBuf;

use cdp_core::training::Event;
use cdp_core::training::{
    calendar, EventInput, EventQuery, Frequency, SeriesDate, SeriesResult, Theme,
};
use serde::Serialize;
use tauri::State;

use crate::commands::R;
use crate::AppState;

#[derive(Serialize)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

/// The fixed lists of the event form (kinds, modes, states, levels, audiences).
#[derive(Serialize)]
pub struct TrainingChoices {
    pub kinds: Vec<Choice>,
    pub modes: Vec<Choice>,
    pub states: Vec<Choice>,
    pub levels: Vec<Choice>,
    pub audiences: Vec<Choice>,
}

fn choices(t: &[(&'static str, &'static str)]) -> Vec<Choice> {
    t.iter()
        .map(|(value, label)| Choice { value, label })
        .collect()
}

#[tauri::command]
pub fn training_choices() -> TrainingChoices {
    use cdp_core::training::{AUDIENCES, KINDS, LEVELS, MODES, STATES};
    TrainingChoices {
        kinds: choices(KINDS),
        modes: choices(MODES),
        states: choices(STATES),
        levels: choices(LEVELS),
        audiences: choices(AUDIENCES),
    }
}

/// One month's grid: weeks from Monday to Sunday, holidays named.
#[derive(Serialize)]
pub struct MonthGrid {
    pub title: String,
    pub weeks: Vec<Vec<calendar::GridDay>>,
}

#[tauri::command]
pub fn training_month(year: i32, month: u32) -> MonthGrid {
    MonthGrid {
        title: calendar::month_name(year, month, true),
        weeks: calendar::month_weeks(year, month),
    }
}

#[tauri::command]
pub fn training_themes(state: State<AppState>) -> R<Vec<Theme>> {
    state.with(|s| s.training_themes())
}

#[tauri::command]
pub fn add_training_theme(state: State<AppState>, name: String) -> R<Theme> {
    state.with(|s| s.add_training_theme(&name))
}

#[tauri::command]
pub fn rename_training_theme(state: State<AppState>, id: i64, name: String) -> R<Theme> {
    state.with(|s| s.rename_training_theme(id, &name))
}

#[tauri::command]
pub fn delete_training_theme(state: State<AppState>, id: i64) -> R<()> {
    state.with(|s| s.delete_training_theme(id))
}

#[tauri::command]
pub fn training_events(state: State<AppState>, query: EventQuery) -> R<Vec<Event>> {
    state.with(|s| s.training_events(&query))
}

#[tauri::command]
pub fn training_event(state: State<AppState>, id: i64) -> R<Event> {
    state.with(|s| s.training_event(id))
}

#[tauri::command]
pub fn create_training_event(state: State<AppState>, input: EventInput) -> R<Event> {
    state.with(|s| s.create_training_event(&input))
}

#[tauri::command]
pub fn update_training_event(state: State<AppState>, id: i64, input: EventInput) -> R<Event> {
    state.with(|s| s.update_training_event(id, &input))
}

#[tauri::command]
pub fn move_training_event(
    state: State<AppState>,
    id: i64,
    date: String,
    start_time: String,
    end_time: String,
    version: Option<String>,
) -> R<Event> {
    state.with(|s| s.move_training_event(id, &date, &start_time, &end_time, version.as_deref()))
}

#[tauri::command]
pub fn cancel_training_event(state: State<AppState>, id: i64, version: Option<String>) -> R<Event> {
    state.with(|s| s.cancel_training_event(id, version.as_deref()))
}

#[tauri::command]
pub fn delete_training_event(state: State<AppState>, id: i64, version: Option<String>) -> R<()> {
    state.with(|s| s.delete_training_event(id, version.as_deref()))
}

#[tauri::command]
pub fn preview_training_series(
    state: State<AppState>,
    date: String,
    frequency: Frequency,
    count: u32,
) -> R<Vec<SeriesDate>> {
    state.with(|s| s.preview_training_series(&date, frequency, count))
}

#[tauri::command]
pub fn create_training_series(
    state: State<AppState>,
    input: EventInput,
    frequency: Frequency,
    count: u32,
) -> R<SeriesResult> {
    state.with(|s| s.create_training_series(&input, frequency, count))
}

#[derive(Serialize)]
pub struct Saved {
    pub path: String,
}

/// Asks where to save a file of `ext` (the native dialog); None when cancelled.
pub(crate) fn ask_path(title: &str, file_name: &str, label: &str, ext: &str) -> Option<PathBuf> {
    let mut path = rfd::FileDialog::new()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter(label, &[ext])
        .save_file()?;
    if path.extension().is_none() {
        path.set_extension(ext);
    }
    Some(path)
}

/// The ICS of the filtered calendar (or of one event), through the save dialog.
#[tauri::command(async)]
pub fn export_training_ics(
    state: State<'_, AppState>,
    query: EventQuery,
    id: Option<i64>,
) -> R<Option<Saved>> {
    let now = chrono::Utc::now();
    let ics = state.with(|s| match id {
        Some(id) => s.training_event_ics(id, now),
        None => s.training_ics(&query, now),
    })?;
    let name = match id {
        Some(_) => "Evento.ics".to_string(),
        None => "Calendario_formazione.ics".to_string(),
    };
    let Some(path) = ask_path(
        "Esporta il calendario (iCalendar)",
        &name,
        "Calendario iCalendar",
        "ics",
    ) else {
        return Ok(None);
    };
    cdp_core::io::write_atomically(&path, ics.as_bytes()).map_err(|e| e.to_payload())?;
    state.remember(path.clone());
    Ok(Some(Saved {
        path: path.display().to_string(),
    }))
}
