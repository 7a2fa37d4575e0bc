//! The archive's commands: read-only opening, quitting, backups, a copy
//! through the save dialog, restore.

use std::path::PathBuf;

use cdp_core::archive::RestoreReport;
use cdp_core::db::backup::{BackupInfo, Reason, Summary};
use tauri::State;

use crate::commands::{payload, R};
use crate::AppState;

/// The user chose to open an archive held by someone else (or unwritable) read-only.
#[tauri::command]
pub fn open_read_only(state: State<AppState>) -> R<()> {
    state.open_read_only()
}

/// Ctrl+Q and "Esci": a normal exit (the archive is closed on the way out).
#[tauri::command]
pub fn quit_app(app: tauri::AppHandle) {
    app.exit(0);
}

#[tauri::command]
pub fn backups(state: State<AppState>) -> R<Vec<BackupInfo>> {
    state.with(|s| s.backups())
}

#[tauri::command(async)]
pub fn backup_now(state: State<'_, AppState>) -> R<BackupInfo> {
    state.with(|s| s.backup_now(Reason::Manual, chrono::Utc::now()))
}

/// "Salva una copia dell'archivio…": the native save dialog, then a checked
/// copy. None if the dialog was closed.
#[tauri::command(async)]
pub fn save_archive_copy(state: State<'_, AppState>) -> R<Option<(String, Summary)>> {
    let name = format!("Copia_archivio_comunita_pratiche_{}.sqlite3", state.today());
    let Some(path) = rfd::FileDialog::new()
        .set_title("Salva una copia dell'archivio")
        .set_file_name(&name)
        .add_filter("Archivio della Comunità di Pratiche", &["sqlite3"])
        .save_file()
    else {
        return Ok(None);
    };
    let summary = state.with(|s| s.save_copy(&path))?;
    Ok(Some((path.display().to_string(), summary)))
}

/// "Ripristina": from a copy of the backup list (`path`), or from a file
/// chosen in the open dialog (`path` None). None if the dialog was closed.
#[tauri::command(async)]
pub fn restore_archive(
    state: State<'_, AppState>,
    path: Option<String>,
) -> R<Option<RestoreReport>> {
    let source = match path {
        Some(p) => {
            let p = PathBuf::from(p);
            let listed = state.with(|s| s.backups())?;
            if !listed.iter().any(|b| PathBuf::from(&b.path) == p) {
                return Err(payload(
                    "not_found",
                    "La copia indicata non è tra le copie di sicurezza: sceglierla con «Ripristina da una copia…».",
                ));
            }
            p
        }
        None => {
            let Some(p) = rfd::FileDialog::new()
                .set_title("Ripristina da una copia dell'archivio")
                .add_filter("Archivio della Comunità di Pratiche", &["sqlite3"])
                .pick_file()
            else {
                return Ok(None);
            };
            p
        }
    };
    state
        .with(|s| s.restore(&source, chrono::Utc::now()))
        .map(Some)
}
