//! The Tauri shell: thin commands over `cdp_core`. A command deserialises its
//! arguments, calls the core and maps the error to `{code, message, field}`
//! ([`error::Error`]). No business rule lives here. The commands, one file
//! per domain in `commands/`, are named `<domain>_<verb>`; their TypeScript
//! wrappers and types are generated into `ui/src/api/gen/` ([`specta_builder`]).

mod commands;
mod dialog;
mod error;
mod state;
mod timeline;
mod webview;

use std::path::PathBuf;
use tauri::{Manager, RunEvent};

pub use state::{resolve_db_path, AppState};

/// Where the generated TypeScript contract lives (from the workspace root).
pub const BINDINGS: &str = "ui/src/api/gen/bindings.ts";

/// Every command, for Tauri and for the generated TypeScript bindings: a
/// failed command throws its [`error::Error`]; ids (i64) and floats (never
/// NaN nor infinite here: coordinates, sizes) are plain numbers.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    use commands::*;
    tauri_specta::Builder::<tauri::Wry>::new()
        .error_handling(tauri_specta::ErrorHandlingMode::Throw)
        // The labels the documents print, for the UI's words (core/src/glossary.rs).
        .constant("GLOSSARY", cdp_core::glossary::glossary())
        .dangerously_cast_bigints_to_number()
        .semantic_types(
            specta_typescript::semantic::Configuration::empty().enable_lossless_floats(),
        )
        .commands(tauri_specta::collect_commands![
            app::app_status,
            app::app_ready,
            app::app_quit,
            app::app_parse_date,
            app::app_dashboard,
            app::settings_get,
            app::settings_save,
            app::audit_list,
            app::app_open_file,
            app::job_start,
            app::job_cancel,
            archive::archive_open_read_only,
            archive::archive_open_anyway,
            archive::archive_backups,
            archive::archive_backup_now,
            archive::archive_save_copy,
            archive::archive_restore,
            registry::registry_list_comuni,
            registry::registry_get_comune,
            registry::registry_update_comune,
            registry::registry_population_classes,
            registry::registry_referents,
            registry::registry_add_referent,
            registry::registry_update_referent,
            registry::registry_delete_referent,
            registry::registry_map_data,
            registry::registry_export_comuni,
            zones::zones_list,
            zones::zones_create,
            zones::zones_rename,
            zones::zones_delete,
            zones::zones_assign_comuni,
            zones::zones_set_referent,
            zones::zones_referent_candidates,
            zones::zones_accept_proposal,
            zones::zones_discard_proposal,
            adhesion::adhesion_get,
            adhesion::adhesion_record_step,
            adhesion::adhesion_undo_last_step,
            adhesion::adhesion_list,
            adhesion::adhesion_stalled,
            adhesion::adhesion_bulk_invite,
            adhesion::adhesion_export,
            documents::documents_templates,
            documents::documents_template,
            documents::documents_save_template,
            documents::documents_restore_template,
            documents::documents_preview,
            documents::documents_placeholders,
            documents::documents_list,
            documents::documents_preview_pdf,
            documents::documents_generate,
            documents::documents_generate_batch,
            imports::imports_fields,
            imports::imports_choose_file,
            imports::imports_reload,
            imports::imports_header_row,
            imports::imports_referents_preview,
            imports::imports_referents_apply,
            imports::imports_istat_preview,
            imports::imports_istat_apply,
            imports::imports_batches,
            imports::imports_undo,
            organigram::organigram_view,
            organigram::organigram_unit_kinds,
            organigram::organigram_units,
            organigram::organigram_create_unit,
            organigram::organigram_update_unit,
            organigram::organigram_move_unit,
            organigram::organigram_delete_unit,
            organigram::organigram_roles,
            organigram::organigram_add_role,
            organigram::organigram_update_role,
            organigram::organigram_delete_role,
            organigram::organigram_person_candidates,
            organigram::organigram_update_person,
            organigram::organigram_zone_history,
            organigram::organigram_unit_history,
            organigram::organigram_export_roles,
            organigram::organigram_addresses,
            organigram::organigram_export_addresses,
            organigram::organigram_save_chart,
            organigram::organigram_save_composition,
            organigram::organigram_act_template,
            organigram::organigram_set_act_kind,
            organigram::organigram_save_act_template,
            organigram::organigram_restore_act_template,
            organigram::organigram_preview_act,
            organigram::organigram_save_act,
            training::training_choices,
            training::training_month,
            training::training_themes,
            training::training_add_theme,
            training::training_rename_theme,
            training::training_delete_theme,
            training::training_events,
            training::training_event,
            training::training_create_event,
            training::training_update_event,
            training::training_move_event,
            training::training_cancel_event,
            training::training_restore_event,
            training::training_delete_event,
            training::training_preview_series,
            training::training_create_series,
            training::training_export_ics,
            training::training_participants,
            training::training_referents,
            training::training_add_participant,
            training::training_update_participant,
            training::training_participant_from_referent,
            training::training_enrol,
            training::training_set_attendance,
            training::training_attendance,
            training::training_choose_attendance_report,
            training::training_apply_attendance_report,
            training::training_hours,
            training::training_export_hours,
            training::training_settings,
            training::training_save_settings,
            training::training_certificates,
            training::training_issue_event_certificates,
            training::training_save_certificate,
            training::training_issue_year_certificate,
            training::training_reissue_certificate,
            training::training_annul_certificate,
            training::training_save_calendar,
            training::training_survey,
            training::training_save_survey,
            training::training_survey_ranking,
            training::training_save_survey_document,
            yearly::yearly_years,
            yearly::yearly_figures,
            yearly::yearly_texts,
            yearly::yearly_save_texts,
            yearly::yearly_save_report,
            yearly::yearly_export_figure,
            piao::piao_choices,
            piao::piao_data,
            piao::piao_save,
            piao::piao_missing,
            piao::piao_save_section,
            piao::piao_save_sections,
            piao::piao_relazione,
            piao::piao_save_relazione,
            piao::piao_save_relazione_xlsx,
            piao::piao_save_relazione_document,
            piao::piao_platform,
            risks::risks_today,
            risks::risks_vocabulary,
            risks::risks_tree,
            risks::risks_measures,
            risks::risks_measure,
            risks::risks_event,
            risks::risks_processes,
            risks::risks_add_area,
            risks::risks_create_process,
            risks::risks_create_event,
            risks::risks_update_event,
            risks::risks_rate_event,
            risks::risks_rating_warning,
            risks::risks_create_measure,
            risks::risks_update_measure,
            risks::risks_validation,
            risks::risks_validate_catalogue,
            risks::risks_measure_revisions,
            risks::risks_measure_diff,
            risks::risks_context,
            risks::risks_save_context,
            risks::risks_adopt_measures,
            risks::risks_adopt_general_for_zone,
            risks::risks_plan,
            risks::risks_update_adoption,
            risks::risks_withdraw_adoption,
            risks::risks_adoption_update,
            risks::risks_accept_revision,
            risks::risks_record_monitoring,
            risks::risks_monitoring,
            risks::risks_late,
            risks::risks_measure_figures,
            risks::risks_comune_figures,
            risks::risks_annual_summary,
            risks::risks_rate_event_for_comune,
            risks::risks_export_catalogue,
            risks::risks_export_plan,
            risks::risks_export_monitoring,
            risks::risks_save_document,
            risks::risks_save_schede,
            risks::risks_rename_vocabulary,
            comms::comms_kinds,
            comms::comms_list,
            comms::comms_get,
            comms::comms_create,
            comms::comms_update,
            comms::comms_delete,
            comms::comms_preview_recipients,
            comms::comms_set_recipients,
            comms::comms_preview_message,
            comms::comms_add_attachment,
            comms::comms_remove_attachment,
            comms::comms_queue,
            comms::comms_send,
            comms::comms_requeue,
            comms::comms_prepare_eml,
            comms::comms_import_receipts,
            comms::comms_import_dropped,
            comms::comms_export_register,
            comms::comms_schede,
            comms::comms_choose_returns,
            comms::comms_apply_return,
            comms::comms_export_scheda,
            comms::comms_remind_not_returned,
            comms::comms_smtp_settings,
            comms::comms_save_smtp_settings,
            comms::comms_send_test,
            comms::comms_imap_settings,
            comms::comms_save_imap_settings,
            comms::comms_test_imap,
            comms::comms_read_imap,
        ])
}

/// Writes the TypeScript contract (the commands' wrappers and every type
/// they take or return) to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    let ts = specta_typescript::Typescript::default().header(
        "// Generated from the Rust commands and types by tauri-specta \
         (`cargo test --lib`): do not edit.",
    );
    specta_builder().export(ts, path).map_err(|e| e.to_string())
}

pub fn run() {
    timeline::start();
    webview::configure_environment();
    let commands = specta_builder();
    let args: Vec<String> = std::env::args().collect();
    // A second launch on the default archive brings the open window to the
    // front instead. An archive named with --db or CDP_DB may be a second
    // archive (or a test): its lock decides.
    let default_archive = !args.iter().any(|a| a == "--db" || a.starts_with("--db="))
        && std::env::var_os("CDP_DB").is_none_or(|v| v.is_empty());
    let mut builder = tauri::Builder::default();
    if default_archive {
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }));
    }
    let app = builder
        .plugin(tauri_plugin_opener::init())
        .setup(move |app| {
            timeline::mark("setup");
            let default_dir = app
                .path()
                .app_data_dir()
                .unwrap_or_else(|_| PathBuf::from("."));
            let path = resolve_db_path(&args, std::env::var_os("CDP_DB"), &default_dir);
            // The archive opens on its own thread while the window and its
            // page are built; a command waits for it (`AppState::lock`).
            app.manage(AppState::new(path, clock_from_env()));
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                handle.state::<AppState>().open();
                timeline::mark("archive_open");
            });
            if let Some(window) = app.get_webview_window("main") {
                webview::lighten(&window);
            }
            app.manage(commands::imports::ImportFile::default());
            exit_on_signals(app.handle().clone());
            checkpoint_when_idle(app.handle().clone());
            timeline::mark("window_built");
            Ok(())
        })
        .on_page_load(|_, payload| match payload.event() {
            tauri::webview::PageLoadEvent::Started => timeline::mark("page_started"),
            tauri::webview::PageLoadEvent::Finished => timeline::mark("page_loaded"),
        })
        .invoke_handler(catch_panics(commands.invoke_handler()))
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap_or_else(|e| {
            eprintln!("Impossibile avviare l'applicazione: {e}");
            std::process::exit(1);
        });
    timeline::mark("event_loop");
    // Every normal end (window closed, Ctrl+Q, a signal, app.exit) passes
    // here: the archive is checkpointed and closed, the lock released.
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            if let Some(state) = app.try_state::<AppState>() {
                state.close();
            }
        }
    });
}

/// A panic inside a command never ends the app: it is caught at the IPC
/// boundary and the call is rejected with an `internal` error. (Async
/// commands run on the runtime's threads, whose panics end only the task;
/// core calls are also guarded in `AppState::with`.)
fn catch_panics(
    handler: impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static,
) -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    move |invoke| {
        let resolver = invoke.resolver.clone();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(invoke))) {
            Ok(handled) => handled,
            Err(panic) => {
                resolver.reject(error::Error::panicked(panic));
                true
            }
        }
    }
}

/// The clock of this run, read once at start: the local date, or the date
/// fixed by `CDP_TODAY` (AAAA-MM-GG; the E2E tests fix it so that lateness
/// and the default dates are certain). A malformed value is reported and
/// the local date used.
fn clock_from_env() -> cdp_core::Clock {
    let value = std::env::var("CDP_TODAY").ok();
    cdp_core::Clock::from_setting(value.as_deref()).unwrap_or_else(|e| {
        eprintln!("CDP_TODAY: {e}");
        cdp_core::Clock::Local
    })
}

/// Every few seconds, when no command is running, the WAL is checkpointed
/// passively (see `AppState::idle_checkpoint`).
fn checkpoint_when_idle(app: tauri::AppHandle) {
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_secs(15));
        if let Some(state) = app.try_state::<AppState>() {
            state.idle_checkpoint();
        }
    });
}

/// SIGTERM, SIGINT and SIGHUP end the app normally (the archive is closed).
#[cfg(unix)]
fn exit_on_signals(app: tauri::AppHandle) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    match signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]) {
        Ok(mut signals) => {
            std::thread::spawn(move || {
                if signals.forever().next().is_some() {
                    app.exit(0);
                }
            });
        }
        Err(e) => eprintln!("Segnali di chiusura non intercettati: {e}"),
    }
}

#[cfg(not(unix))]
fn exit_on_signals(_app: tauri::AppHandle) {}

#[cfg(test)]
mod tests {
    /// The committed contract is the one the commands make: it is written
    /// again here, and a difference fails (commit the regenerated file).
    #[test]
    fn the_generated_contract_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(super::BINDINGS);
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        super::export_bindings(&path).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(
            before == after,
            "{} was out of date: regenerated, commit it",
            super::BINDINGS
        );
    }
}
