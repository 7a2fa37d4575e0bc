//! The yearly commands: the network's figures of a year (the Cruscotto's
//! charts), the introduction and conclusions of its report, the report
//! through the save dialog, each figure as CSV/XLSX.

use cdp_core::documents::Format as DocFormat;
use cdp_core::io::Format;
use cdp_core::yearly::{files, YearFigures, YearTexts};
use tauri::State;

use crate::dialog::{self, Saved};
use crate::error::Result;
use crate::state::AppState;

// The years, figures and texts are read when the Cruscotto is first drawn:
// off the window's thread (`async`), so that computing the figures and their
// charts does not hold the first paint.

/// The years offered, newest first.
#[tauri::command(async)]
#[specta::specta]
pub fn yearly_years(state: State<'_, AppState>) -> Result<Vec<i32>> {
    state.with(|s| Ok(s.yearly_years()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn yearly_figures(state: State<'_, AppState>, year: i32) -> Result<YearFigures> {
    state.with(|s| s.yearly_figures(year))
}

#[tauri::command(async)]
#[specta::specta]
pub fn yearly_texts(state: State<'_, AppState>, year: i32) -> Result<YearTexts> {
    state.with(|s| s.yearly_texts(year))
}

#[tauri::command]
#[specta::specta]
pub fn yearly_save_texts(state: State<AppState>, texts: YearTexts) -> Result<YearTexts> {
    state.with(|s| s.save_yearly_texts(&texts))
}

/// The report of `year` through the save dialog.
#[tauri::command(async)]
#[specta::specta]
pub fn yearly_save_report(
    state: State<'_, AppState>,
    year: i32,
    format: DocFormat,
) -> Result<Option<Saved>> {
    // The data is read under the lock; the document is rendered without it.
    let job = state.with(|s| s.yearly_report(year, format))?;
    dialog::save(
        &state,
        files::report(year, format).with(job.render()?.bytes),
    )
}

/// The figure `key` of `year` as CSV or Excel through the save dialog.
#[tauri::command(async)]
#[specta::specta]
pub fn yearly_export_figure(
    state: State<'_, AppState>,
    year: i32,
    key: String,
    format: Format,
) -> Result<Option<Saved>> {
    let (spec, bytes) = state.with(|s| {
        let f = s.yearly_figure(year, &key)?;
        Ok((
            files::figure(year, &f.key, &f.title, format),
            f.export(format)?,
        ))
    })?;
    dialog::save(&state, spec.with(bytes))
}
