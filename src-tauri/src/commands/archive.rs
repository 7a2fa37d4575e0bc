//! The archive's commands: read-only opening, backups, a copy through the
//! save dialog, restore.

use std::path::PathBuf;

use cdp_core::archive::RestoreReport;
use cdp_core::db::backup::{BackupInfo, Reason, Summary};
use tauri::State;

use crate::dialog;
use crate::error::{Error, Result};
use crate::state::AppState;

/// The user chose to open an archive held by someone else (or unwritable) read-only.
#[tauri::command]
#[specta::specta]
pub fn archive_open_read_only(state: State<AppState>) -> Result<()> {
    state.open_read_only()
}

/// The user read that the archive looks like a copy made while the app was
/// running and chose to open it for writing all the same.
#[tauri::command]
#[specta::specta]
pub fn archive_open_anyway(state: State<AppState>) -> Result<()> {
    state.open_anyway()
}

#[tauri::command]
#[specta::specta]
pub fn archive_backups(state: State<AppState>) -> Result<Vec<BackupInfo>> {
    // The day's first copy is made after the first paint; a list asked for
    // before then makes it first (a failure is told by the start-up notice).
    let _ = state.daily_backup();
    state.with(|s| s.backups())
}

#[tauri::command(async)]
#[specta::specta]
pub fn archive_backup_now(state: State<'_, AppState>) -> Result<BackupInfo> {
    state.with(|s| s.backup_now(Reason::Manual, chrono::Utc::now()))
}

/// "Salva una copia dell'archivio…": the native save dialog, then a checked
/// copy. None if the dialog was closed.
#[tauri::command(async)]
#[specta::specta]
pub fn archive_save_copy(state: State<'_, AppState>) -> Result<Option<(String, Summary)>> {
    let Some(path) = dialog::ask_save(&cdp_core::archive::copy_file(state.today())) else {
        return Ok(None);
    };
    let summary = state.with(|s| s.save_copy(&path))?;
    Ok(Some((path.display().to_string(), summary)))
}

/// "Ripristina": from a copy of the backup list (`path`), or from a file
/// chosen in the open dialog (`path` None). None if the dialog was closed.
#[tauri::command(async)]
#[specta::specta]
pub fn archive_restore(
    state: State<'_, AppState>,
    path: Option<String>,
) -> Result<Option<RestoreReport>> {
    let source = match path {
        Some(p) => {
            let p = PathBuf::from(p);
            let listed = state.with(|s| s.backups())?;
            if !listed.iter().any(|b| PathBuf::from(&b.path) == p) {
                return Err(Error::new(
                    "not_found",
                    "La copia indicata non è tra le copie di sicurezza: sceglierla con «Ripristina da una copia…».",
                ));
            }
            p
        }
        None => {
            let Some(p) = dialog::ask_open(&cdp_core::archive::RESTORE_FILE) else {
                return Ok(None);
            };
            p
        }
    };
    state
        .with(|s| s.restore(&source, chrono::Utc::now()))
        .map(Some)
}
