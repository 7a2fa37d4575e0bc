//! The training domain's commands: the calendar's events, theme areas,
//! series, participants, attendance, hours, attestati, printing, the needs
//! survey.

use std::path::PathBuf;
use std::sync::Mutex;

use cdp_core::documents::batch::OnExisting;

use cdp_core::documents::Format as DocFormat;
use cdp_core::io::Format;
use cdp_core::job::Progress;
use cdp_core::training::attendance::{AttendanceApplied, AttendancePreview, Resolution};
use cdp_core::training::attestati::Certificate;
use cdp_core::training::documents::CalendarDoc;
use cdp_core::training::files;
use cdp_core::training::hours::HoursReport;
use cdp_core::training::participants::{
    AttendanceRow, Participant, ParticipantInput, ReferentCandidate,
};
use cdp_core::training::survey::{Ranking, Survey, SurveyInput};
use cdp_core::training::TrainingSettings;
use cdp_core::training::{
    calendar, Event, EventInput, EventQuery, Frequency, SeriesDate, SeriesResult, Theme,
};
use serde::Serialize;
use tauri::State;

use crate::dialog::{self, Saved};
use crate::error::{Error, Result};
use crate::state::{AppState, JobId};

#[derive(Serialize, specta::Type)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

/// The fixed lists of the event form (kinds, modes, states, levels, audiences).
#[derive(Serialize, specta::Type)]
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
#[specta::specta]
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
#[derive(Serialize, specta::Type)]
pub struct MonthGrid {
    pub title: String,
    pub weeks: Vec<Vec<calendar::GridDay>>,
}

#[tauri::command]
#[specta::specta]
pub fn training_month(year: i32, month: u32) -> MonthGrid {
    MonthGrid {
        title: calendar::month_name(year, month, true),
        weeks: calendar::month_weeks(year, month),
    }
}

#[tauri::command]
#[specta::specta]
pub fn training_themes(state: State<AppState>) -> Result<Vec<Theme>> {
    state.with(|s| s.training_themes())
}

#[tauri::command]
#[specta::specta]
pub fn training_add_theme(state: State<AppState>, name: String) -> Result<Theme> {
    state.with(|s| s.add_training_theme(&name))
}

#[tauri::command]
#[specta::specta]
pub fn training_rename_theme(state: State<AppState>, id: i64, name: String) -> Result<Theme> {
    state.with(|s| s.rename_training_theme(id, &name))
}

#[tauri::command]
#[specta::specta]
pub fn training_delete_theme(state: State<AppState>, id: i64) -> Result<()> {
    state.with(|s| s.delete_training_theme(id))
}

#[tauri::command]
#[specta::specta]
pub fn training_events(state: State<AppState>, query: EventQuery) -> Result<Vec<Event>> {
    state.with(|s| s.training_events(&query))
}

#[tauri::command]
#[specta::specta]
pub fn training_event(state: State<AppState>, id: i64) -> Result<Event> {
    state.with(|s| s.training_event(id))
}

#[tauri::command]
#[specta::specta]
pub fn training_create_event(state: State<AppState>, input: EventInput) -> Result<Event> {
    state.with(|s| s.create_training_event(&input))
}

#[tauri::command]
#[specta::specta]
pub fn training_update_event(state: State<AppState>, id: i64, input: EventInput) -> Result<Event> {
    state.with(|s| s.update_training_event(id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn training_move_event(
    state: State<AppState>,
    id: i64,
    date: String,
    start_time: String,
    end_time: String,
    version: Option<String>,
) -> Result<Event> {
    state.with(|s| s.move_training_event(id, &date, &start_time, &end_time, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn training_cancel_event(
    state: State<AppState>,
    id: i64,
    version: Option<String>,
) -> Result<Event> {
    state.with(|s| s.cancel_training_event(id, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn training_restore_event(
    state: State<AppState>,
    id: i64,
    version: Option<String>,
) -> Result<Event> {
    state.with(|s| s.restore_training_event(id, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn training_delete_event(
    state: State<AppState>,
    id: i64,
    version: Option<String>,
) -> Result<()> {
    state.with(|s| s.delete_training_event(id, version.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn training_preview_series(
    state: State<AppState>,
    date: String,
    frequency: Frequency,
    count: u32,
) -> Result<Vec<SeriesDate>> {
    state.with(|s| s.preview_training_series(&date, frequency, count))
}

#[tauri::command]
#[specta::specta]
pub fn training_create_series(
    state: State<AppState>,
    input: EventInput,
    frequency: Frequency,
    count: u32,
) -> Result<SeriesResult> {
    state.with(|s| s.create_training_series(&input, frequency, count))
}

/// The ICS of the filtered calendar (or of one event), through the save dialog.
#[tauri::command(async)]
#[specta::specta]
pub fn training_export_ics(
    state: State<'_, AppState>,
    query: EventQuery,
    id: Option<i64>,
) -> Result<Option<Saved>> {
    let now = chrono::Utc::now();
    let ics = state.with(|s| match id {
        Some(id) => s.training_event_ics(id, now),
        None => s.training_ics(&query, now),
    })?;
    dialog::save(&state, files::ics(id.is_some()).with(ics.into_bytes()))
}

// ---- Participants, attendance, hours, attestati ----

/// The attendance report chosen for an event: read once, previewed, applied.
static REPORT: Mutex<Option<(i64, String, Vec<u8>)>> = Mutex::new(None);

/// The issue date the user typed, or today (the store's) when the field is empty.
fn issue_day(state: &AppState, issue_date: Option<String>) -> String {
    issue_date
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| state.today().to_string())
}

#[tauri::command]
#[specta::specta]
pub fn training_participants(state: State<AppState>) -> Result<Vec<Participant>> {
    state.with(|s| s.training_participants())
}

#[tauri::command]
#[specta::specta]
pub fn training_referents(state: State<AppState>) -> Result<Vec<ReferentCandidate>> {
    state.with(|s| s.training_referents())
}

#[tauri::command]
#[specta::specta]
pub fn training_add_participant(
    state: State<AppState>,
    input: ParticipantInput,
) -> Result<Participant> {
    state.with(|s| s.add_training_participant(&input))
}

#[tauri::command]
#[specta::specta]
pub fn training_update_participant(
    state: State<AppState>,
    id: i64,
    input: ParticipantInput,
) -> Result<Participant> {
    state.with(|s| s.update_training_participant(id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn training_participant_from_referent(
    state: State<AppState>,
    referent_id: i64,
) -> Result<Participant> {
    state.with(|s| s.participant_from_referent(referent_id))
}

#[tauri::command]
#[specta::specta]
pub fn training_enrol(
    state: State<AppState>,
    event_id: i64,
    participant_ids: Vec<i64>,
) -> Result<usize> {
    state.with(|s| s.enrol_training(event_id, &participant_ids))
}

#[tauri::command]
#[specta::specta]
pub fn training_set_attendance(
    state: State<AppState>,
    event_id: i64,
    participant_id: i64,
    present: bool,
    minutes: i64,
) -> Result<()> {
    state.with(|s| s.set_training_attendance(event_id, participant_id, present, minutes))
}

#[tauri::command]
#[specta::specta]
pub fn training_attendance(state: State<AppState>, event_id: i64) -> Result<Vec<AttendanceRow>> {
    state.with(|s| s.training_attendance(event_id))
}

#[derive(Serialize, specta::Type)]
pub struct ChosenReport {
    pub file_name: String,
    pub preview: AttendancePreview,
}

/// Chooses a webinar attendance report (open dialog) and returns the dry run.
#[tauri::command(async)]
#[specta::specta]
pub fn training_choose_attendance_report(
    state: State<'_, AppState>,
    event_id: i64,
) -> Result<Option<ChosenReport>> {
    let Some(path) = dialog::ask_open(&files::ATTENDANCE_REPORT) else {
        return Ok(None);
    };
    let bytes = std::fs::read(&path).map_err(|e| cdp_core::Error::file(&path, &e))?;
    let preview = state.with(|s| s.preview_attendance_import(event_id, &bytes))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    *REPORT.lock().unwrap_or_else(|p| p.into_inner()) = Some((event_id, file_name.clone(), bytes));
    Ok(Some(ChosenReport { file_name, preview }))
}

/// Records the chosen report's attendance with the user's resolutions;
/// `confirm_time`: the user confirmed a report more than an hour off the event.
#[tauri::command]
#[specta::specta]
pub fn training_apply_attendance_report(
    state: State<AppState>,
    event_id: i64,
    resolutions: Vec<Resolution>,
    confirm_time: bool,
) -> Result<AttendanceApplied> {
    let chosen = REPORT.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let Some((ev, name, bytes)) = chosen.filter(|c| c.0 == event_id) else {
        return Err(Error::new(
            "not_found",
            "Scegliere di nuovo il file del rapporto delle presenze.",
        ));
    };
    let r =
        state.with(|s| s.apply_attendance_import(ev, &bytes, &name, &resolutions, confirm_time))?;
    *REPORT.lock().unwrap_or_else(|p| p.into_inner()) = None;
    Ok(r)
}

#[tauri::command]
#[specta::specta]
pub fn training_hours(state: State<AppState>, year: i32) -> Result<HoursReport> {
    state.with(|s| s.training_hours(year))
}

/// The hours of a year (or who is below the target) through the save dialog.
#[tauri::command(async)]
#[specta::specta]
pub fn training_export_hours(
    state: State<'_, AppState>,
    year: i32,
    below_only: bool,
    format: Format,
) -> Result<Option<Saved>> {
    let bytes = state.with(|s| s.training_hours_export(year, below_only, format))?;
    dialog::save(
        &state,
        files::hours_export(year, below_only, format).with(bytes),
    )
}

#[tauri::command]
#[specta::specta]
pub fn training_settings(state: State<AppState>) -> Result<TrainingSettings> {
    state.with(|s| s.training_settings())
}

#[tauri::command]
#[specta::specta]
pub fn training_save_settings(
    state: State<AppState>,
    settings: TrainingSettings,
) -> Result<TrainingSettings> {
    state.with(|s| s.save_training_settings(&settings))
}

#[tauri::command]
#[specta::specta]
pub fn training_certificates(
    state: State<AppState>,
    year: Option<i32>,
) -> Result<Vec<Certificate>> {
    state.with(|s| s.certificates(year))
}

#[derive(Serialize, specta::Type)]
pub struct IssuedBatch {
    pub issued: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    pub folder: String,
    /// Files already in the folder with the same name: not overwritten.
    pub not_written: Vec<String>,
    /// What to do before sending them (sign them digitally), if anything.
    pub to_do: Option<String>,
}

/// The attestati of the present participants of an event: the folder is
/// chosen, then core numbers, renders, writes and registers them in one
/// transaction, the progress sent on `progress`; cancelling `job` stops it
/// and nothing is issued. A file of the same name is kept unless
/// `on_existing` says otherwise.
#[tauri::command(async)]
#[specta::specta]
pub fn training_issue_event_certificates(
    state: State<'_, AppState>,
    event_id: i64,
    issue_date: Option<String>,
    on_existing: Option<OnExisting>,
    job: JobId,
    progress: tauri::ipc::Channel<Progress>,
) -> Result<Option<IssuedBatch>> {
    let job = state.jobs.take(job)?;
    let day = issue_day(&state, issue_date);
    state.with(|s| s.check_certificate_date(event_id, &day))?;
    let Some(dir) = dialog::ask_folder(files::CERTIFICATES_FOLDER_TITLE) else {
        return Ok(None);
    };
    let out = state.with(|s| {
        s.issue_event_certificates_to(
            event_id,
            &day,
            &dir,
            on_existing.unwrap_or(OnExisting::Skip),
            &|p: Progress| {
                let _ = progress.send(p);
            },
            &job.token,
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
        to_do: out.to_do,
    }))
}

/// One attestato of the register as PDF through the save dialog; `reissue`
/// records a reissue first (same number and code).
#[tauri::command(async)]
#[specta::specta]
pub fn training_save_certificate(
    state: State<'_, AppState>,
    id: i64,
    reissue: bool,
) -> Result<Option<Saved>> {
    // The data is read under the lock (the reissue recorded there too);
    // the attestato is rendered without it.
    let (job, name) = state.with(|s| s.certificate_job(id))?;
    dialog::save_made(&state, &files::certificate(&name), || {
        let job = if reissue {
            state
                .with(|s| {
                    s.reissue_certificate(id)?;
                    s.certificate_job(id)
                })?
                .0
        } else {
            job
        };
        Ok(job.render()?.bytes)
    })
}

#[tauri::command]
#[specta::specta]
pub fn training_issue_year_certificate(
    state: State<AppState>,
    participant_id: i64,
    ref_year: i32,
    issue_date: Option<String>,
) -> Result<Certificate> {
    let day = issue_day(&state, issue_date);
    state.with(|s| s.issue_year_certificate(participant_id, ref_year, &day))
}

#[tauri::command]
#[specta::specta]
pub fn training_reissue_certificate(state: State<AppState>, id: i64) -> Result<Certificate> {
    state.with(|s| s.reissue_certificate(id))
}

#[tauri::command]
#[specta::specta]
pub fn training_annul_certificate(
    state: State<AppState>,
    id: i64,
    reason: String,
) -> Result<Certificate> {
    state.with(|s| s.annul_certificate(id, &reason))
}

/// A document of the calendar (month grids + programme, the programme as
/// PDF or DOCX, the year overview) through the save dialog.
#[tauri::command(async)]
#[specta::specta]
pub fn training_save_calendar(
    state: State<'_, AppState>,
    doc: CalendarDoc,
    format: DocFormat,
    query: EventQuery,
    from: String,
    to: String,
) -> Result<Option<Saved>> {
    // The data is read under the lock; the document is rendered without it.
    let job = state.with(|s| s.training_document_job(doc, format, &query, &from, &to))?;
    let (bytes, name) = job.render()?;
    dialog::save(&state, files::calendar_doc(doc, format, &name).with(bytes))
}

#[tauri::command]
#[specta::specta]
pub fn training_survey(state: State<AppState>, istat: String, year: i32) -> Result<Option<Survey>> {
    state.with(|s| s.training_survey(&istat, year))
}

#[tauri::command]
#[specta::specta]
pub fn training_save_survey(state: State<AppState>, input: SurveyInput) -> Result<Survey> {
    state.with(|s| s.save_training_survey(&input))
}

#[tauri::command]
#[specta::specta]
pub fn training_survey_ranking(state: State<AppState>, year: i32) -> Result<Ranking> {
    state.with(|s| s.training_survey_ranking(year))
}

/// The blank scheda (`results`: false) or the results of `year` through the save dialog.
#[tauri::command(async)]
#[specta::specta]
pub fn training_save_survey_document(
    state: State<'_, AppState>,
    year: i32,
    results: bool,
) -> Result<Option<Saved>> {
    // The data is read under the lock; the document is rendered without it.
    let job = state.with(|s| {
        if results {
            s.training_survey_report(year)
        } else {
            s.training_survey_form(year)
        }
    })?;
    dialog::save(
        &state,
        files::survey(year, results).with(job.render()?.bytes),
    )
}
