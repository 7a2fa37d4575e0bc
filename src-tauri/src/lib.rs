//! The Tauri shell: thin commands over `cdp_core`. A command deserialises its
//! arguments, calls the core and maps the error to `{code, message, field}`.
//! No business rule lives here.

mod commands;
mod documents;
mod state;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use tauri::Manager;

pub use state::{resolve_db_path, AppState};

/// When the process started (for the cold-start benchmark).
pub(crate) static STARTED: OnceLock<Instant> = OnceLock::new();

pub fn run() {
    STARTED.get_or_init(Instant::now);
    let args: Vec<String> = std::env::args().collect();
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .setup(move |app| {
            let default_dir = app
                .path()
                .app_data_dir()
                .unwrap_or_else(|_| PathBuf::from("."));
            let path = resolve_db_path(&args, std::env::var_os("CDP_DB"), &default_dir);
            app.manage(AppState::open(path));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::app_ready,
            commands::list_comuni,
            commands::get_comune,
            commands::update_comune,
            commands::population_classes,
            commands::referents,
            commands::add_referent,
            commands::update_referent,
            commands::delete_referent,
            commands::zones,
            commands::create_zone,
            commands::rename_zone,
            commands::delete_zone,
            commands::assign_comuni,
            commands::set_zone_referent,
            commands::zone_referent_candidates,
            commands::accept_zone_proposal,
            commands::discard_zone_proposal,
            commands::dashboard,
            commands::map_data,
            commands::get_settings,
            commands::save_settings,
            commands::audit_log,
            commands::export_comuni,
            commands::export_adhesions,
            commands::adhesion,
            commands::record_step,
            commands::undo_last_step,
            commands::adhesions,
            commands::stalled,
            commands::adhesion_figures,
            commands::bulk_invite,
            commands::cancel_bulk,
            commands::open_exported,
            documents::templates,
            documents::template,
            documents::save_template,
            documents::restore_template,
            documents::preview_template,
            documents::placeholders,
            documents::documents,
            documents::preview_pdf,
            documents::generate_document,
            documents::generate_batch,
        ])
        .run(tauri::generate_context!("tauri.conf.json"))
        .unwrap_or_else(|e| {
            eprintln!("Impossibile avviare l'applicazione: {e}");
            std::process::exit(1);
        });
}
