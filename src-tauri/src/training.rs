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
pub fn restore_training_event(
    state: State<AppState>,
    id: i64,
    version: Option<String>,
) -> R<Event> {
    state.with(|s| s.restore_training_event(id, version.as_deref()))
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
    cdp_core::fs::write_atomically(&path, ics.as_bytes()).map_err(|e| e.to_payload())?;
    state.remember(path.clone());
    Ok(Some(Saved {
        path: path.display().to_string(),
    }))
}

// ---- Participants, attendance, hours, attestati ----

use cdp_core::training::attendance::{AttendanceApplied, AttendancePreview, Resolution};
use cdp_core::training::attestati::Certificate;
use cdp_core::training::hours::HoursReport;
use cdp_core::training::participants::{
    AttendanceRow, Participant, ParticipantInput, ReferentCandidate,
};
use cdp_core::training::TrainingSettings;
use std::sync::Mutex;

/// The attendance report chosen for an event: read once, previewed, applied.
static REPORT: Mutex<Option<(i64, String, Vec<u8>)>> = Mutex::new(None);

/// The issue date the user typed, or today (the store's) when the field is empty.
fn issue_day(state: &AppState, issue_date: Option<String>) -> String {
    issue_date
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| state.today().to_string())
}

#[tauri::command]
pub fn training_participants(state: State<AppState>) -> R<Vec<Participant>> {
    state.with(|s| s.training_participants())
}

#[tauri::command]
pub fn training_referents(state: State<AppState>) -> R<Vec<ReferentCandidate>> {
    state.with(|s| s.training_referents())
}

#[tauri::command]
pub fn add_training_participant(state: State<AppState>, input: ParticipantInput) -> R<Participant> {
    state.with(|s| s.add_training_participant(&input))
}

#[tauri::command]
pub fn participant_from_referent(state: State<AppState>, referent_id: i64) -> R<Participant> {
    state.with(|s| s.participant_from_referent(referent_id))
}

#[tauri::command]
pub fn enrol_training(
    state: State<AppState>,
    event_id: i64,
    participant_ids: Vec<i64>,
) -> R<usize> {
    state.with(|s| s.enrol_training(event_id, &participant_ids))
}

#[tauri::command]
pub fn set_training_attendance(
    state: State<AppState>,
    event_id: i64,
    participant_id: i64,
    present: bool,
    minutes: i64,
) -> R<()> {
    state.with(|s| s.set_training_attendance(event_id, participant_id, present, minutes))
}

#[tauri::command]
pub fn training_attendance(state: State<AppState>, event_id: i64) -> R<Vec<AttendanceRow>> {
    state.with(|s| s.training_attendance(event_id))
}

#[derive(Serialize)]
pub struct ChosenReport {
    pub file_name: String,
    pub preview: AttendancePreview,
}

/// Chooses a webinar attendance report (open dialog) and returns the dry run.
#[tauri::command(async)]
pub fn training_attendance_choose(
    state: State<'_, AppState>,
    event_id: i64,
) -> R<Option<ChosenReport>> {
    let Some(path) = rfd::FileDialog::new()
        .set_title("Importa il report delle presenze del webinar")
        .add_filter("Report CSV delle presenze", &["csv", "txt"])
        .pick_file()
    else {
        return Ok(None);
    };
    let bytes = std::fs::read(&path).map_err(|e| cdp_core::Error::file(&path, &e).to_payload())?;
    let preview = state.with(|s| s.preview_attendance_import(event_id, &bytes))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    *REPORT.lock().unwrap_or_else(|p| p.into_inner()) = Some((event_id, file_name.clone(), bytes));
    Ok(Some(ChosenReport { file_name, preview }))
}

/// Records the chosen report's attendance with the user's resolutions.
#[tauri::command]
pub fn training_attendance_apply(
    state: State<AppState>,
    event_id: i64,
    resolutions: Vec<Resolution>,
) -> R<AttendanceApplied> {
    let chosen = REPORT.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let Some((ev, name, bytes)) = chosen.filter(|c| c.0 == event_id) else {
        return Err(crate::commands::payload(
            "not_found",
            "Scegliere di nuovo il file del report delle presenze.",
        ));
    };
    let r = state.with(|s| s.apply_attendance_import(ev, &bytes, &name, &resolutions))?;
    *REPORT.lock().unwrap_or_else(|p| p.into_inner()) = None;
    Ok(r)
}

#[tauri::command]
pub fn training_hours(state: State<AppState>, year: i32) -> R<HoursReport> {
    state.with(|s| s.training_hours(year))
}

/// The hours of a year (or who is below the target) through the save dialog.
#[tauri::command(async)]
pub fn export_training_hours(
    state: State<'_, AppState>,
    year: i32,
    below_only: bool,
    format: cdp_core::io::Format,
) -> R<Option<Saved>> {
    let bytes = state.with(|s| s.training_hours_export(year, below_only, format))?;
    let ext = format.extension();
    let stem = if below_only {
        "Sotto_obiettivo_ore"
    } else {
        "Ore_formazione"
    };
    let label = match format {
        cdp_core::io::Format::Csv => "CSV (Excel, separatore ;)",
        cdp_core::io::Format::Xlsx => "Cartella di lavoro Excel",
    };
    let Some(path) = ask_path(
        "Esporta le ore di formazione",
        &format!("{stem}_{year}.{ext}"),
        label,
        ext,
    ) else {
        return Ok(None);
    };
    cdp_core::fs::write_atomically(&path, &bytes).map_err(|e| e.to_payload())?;
    state.remember(path.clone());
    Ok(Some(Saved {
        path: path.display().to_string(),
    }))
}

#[tauri::command]
pub fn training_settings(state: State<AppState>) -> R<TrainingSettings> {
    state.with(|s| s.training_settings())
}

#[tauri::command]
pub fn save_training_settings(
    state: State<AppState>,
    settings: TrainingSettings,
) -> R<TrainingSettings> {
    state.with(|s| s.save_training_settings(&settings))
}

#[tauri::command]
pub fn certificates(state: State<AppState>, year: Option<i32>) -> R<Vec<Certificate>> {
    state.with(|s| s.certificates(year))
}

#[derive(Serialize)]
pub struct IssuedBatch {
    pub issued: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    pub folder: String,
    /// Files already in the folder with the same name: not overwritten.
    pub not_written: Vec<String>,
}

/// The attestati of the present participants of an event: the folder is
/// chosen, then core numbers, renders, writes and registers them in one
/// transaction with `training-progress` events; `cancel_bulk` stops it and
/// nothing is issued. A file of the same name is kept unless `on_existing`
/// says otherwise.
#[tauri::command(async)]
pub fn issue_event_certificates(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    event_id: i64,
    issue_date: Option<String>,
    on_existing: Option<cdp_core::documents::batch::OnExisting>,
) -> R<Option<IssuedBatch>> {
    use tauri::Emitter;
    let day = issue_day(&state, issue_date);
    state.with(|s| s.check_certificate_date(event_id, &day))?;
    // Start from the folder of the last file written, or the home folder.
    let start = state
        .exported
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .last()
        .and_then(|p| p.parent().map(PathBuf::from))
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from));
    let mut dialog =
        rfd::FileDialog::new().set_title("Scegli la cartella in cui salvare gli attestati");
    if let Some(d) = start {
        dialog = dialog.set_directory(d);
    }
    let Some(dir) = dialog.pick_folder() else {
        return Ok(None);
    };
    let running = state.job();
    let out = state.with(|s| {
        s.issue_event_certificates_to(
            event_id,
            &day,
            &dir,
            on_existing.unwrap_or(cdp_core::documents::batch::OnExisting::Skip),
            &|p: cdp_core::job::Progress| {
                let _ = app.emit("training-progress", p);
            },
            &running.token,
        )
    })?;
    for item in &out.report.items {
        if let Some(p) = &item.path {
            state.remember(PathBuf::from(p));
        }
    }
    Ok(Some(IssuedBatch {
        issued: out.issued.len(),
        first: out.issued.first().map(|c| c.label.clone()),
        last: out.issued.last().map(|c| c.label.clone()),
        folder: dir.display().to_string(),
        not_written: out.not_written,
    }))
}

/// One attestato of the register as PDF through the save dialog; `reissue`
/// records a reissue first (same number and code).
#[tauri::command(async)]
pub fn save_certificate(state: State<'_, AppState>, id: i64, reissue: bool) -> R<Option<Saved>> {
    let (bytes, name) = state.with(|s| s.certificate_pdf(id))?;
    let Some(path) = ask_path("Salva l'attestato", &name, "Documento PDF", "pdf") else {
        return Ok(None);
    };
    let bytes = if reissue {
        state
            .with(|s| {
                s.reissue_certificate(id, &s.today().to_string())?;
                s.certificate_pdf(id)
            })?
            .0
    } else {
        bytes
    };
    cdp_core::fs::write_atomically(&path, &bytes).map_err(|e| e.to_payload())?;
    state.remember(path.clone());
    Ok(Some(Saved {
        path: path.display().to_string(),
    }))
}

#[tauri::command]
pub fn issue_year_certificate(
    state: State<AppState>,
    participant_id: i64,
    ref_year: i32,
    issue_date: Option<String>,
) -> R<Certificate> {
    let day = issue_day(&state, issue_date);
    state.with(|s| s.issue_year_certificate(participant_id, ref_year, &day))
}

#[tauri::command]
pub fn reissue_certificate(state: State<AppState>, id: i64) -> R<Certificate> {
    state.with(|s| s.reissue_certificate(id, &s.today().to_string()))
}

#[tauri::command]
pub fn annul_certificate(state: State<AppState>, id: i64, reason: String) -> R<Certificate> {
    state.with(|s| s.annul_certificate(id, &reason))
}

// ---- Printing ----

use cdp_core::training::documents::CalendarDoc;

/// A document of the calendar (month grids + programme, the programme as
/// PDF or DOCX, the year overview) through the save dialog.
#[tauri::command(async)]
pub fn print_training(
    state: State<'_, AppState>,
    doc: CalendarDoc,
    query: EventQuery,
    from: String,
    to: String,
) -> R<Option<Saved>> {
    // The data is read under the lock; the document is rendered without it.
    let job = state.with(|s| s.training_document_job(doc, &query, &from, &to))?;
    let (bytes, name) = job.render().map_err(|e| e.to_payload())?;
    let (title, label) = match doc {
        CalendarDoc::Calendar => ("Salva il calendario della formazione", "Documento PDF"),
        CalendarDoc::Programme => ("Salva il programma formativo", "Documento PDF"),
        CalendarDoc::ProgrammeDocx => ("Salva il programma formativo (Word)", "Documento Word"),
        CalendarDoc::Year => ("Salva il quadro annuale della formazione", "Documento PDF"),
    };
    let Some(path) = ask_path(title, &name, label, doc.extension()) else {
        return Ok(None);
    };
    cdp_core::fs::write_atomically(&path, &bytes).map_err(|e| e.to_payload())?;
    state.remember(path.clone());
    Ok(Some(Saved {
        path: path.display().to_string(),
    }))
}

// ---- Training needs survey ----

use cdp_core::training::survey::{Ranking, Survey, SurveyInput};

#[tauri::command]
pub fn training_survey(state: State<AppState>, istat: String, year: i32) -> R<Option<Survey>> {
    state.with(|s| s.training_survey(&istat, year))
}

#[tauri::command]
pub fn save_training_survey(state: State<AppState>, input: SurveyInput) -> R<Survey> {
    state.with(|s| s.save_training_survey(&input))
}

#[tauri::command]
pub fn training_survey_ranking(state: State<AppState>, year: i32) -> R<Ranking> {
    state.with(|s| s.training_survey_ranking(year))
}

/// The blank scheda (`results`: false) or the results of `year` through the save dialog.
#[tauri::command(async)]
pub fn save_training_survey_pdf(
    state: State<'_, AppState>,
    year: i32,
    results: bool,
) -> R<Option<Saved>> {
    let bytes = state.with(|s| {
        if results {
            s.training_survey_report_pdf(year)
        } else {
            s.training_survey_form_pdf(year)
        }
    })?;
    let (title, name) = if results {
        (
            "Salva i risultati della rilevazione dei fabbisogni",
            format!("Fabbisogni_formativi_{year}_risultati.pdf"),
        )
    } else {
        (
            "Salva la scheda di rilevazione dei fabbisogni",
            format!("Scheda_fabbisogni_formativi_{year}.pdf"),
        )
    };
    let Some(path) = ask_path(title, &name, "Documento PDF", "pdf") else {
        return Ok(None);
    };
    cdp_core::fs::write_atomically(&path, &bytes).map_err(|e| e.to_payload())?;
    state.remember(path.clone());
    Ok(Some(Saved {
        path: path.display().to_string(),
    }))
}

#[tauri::command]
pub fn update_training_participant(
    state: State<AppState>,
    id: i64,
    input: ParticipantInput,
) -> R<Participant> {
    state.with(|s| s.update_training_participant(id, &input))
}
