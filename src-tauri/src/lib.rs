//! The Tauri shell: thin commands over `cdp_core`. A command deserialises its
//! arguments, calls the core and maps the error to `{code, message, field}`.
//! No business rule lives here.

mod archive;
mod commands;
mod documents;
mod import;
mod organigram;
mod risks;
mod state;
mod training;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use tauri::{Manager, RunEvent};

pub use state::{resolve_db_path, AppState};

/// When the process started (for the cold-start benchmark).
pub(crate) static STARTED: OnceLock<Instant> = OnceLock::new();

pub fn run() {
    STARTED.get_or_init(Instant::now);
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
            let default_dir = app
                .path()
                .app_data_dir()
                .unwrap_or_else(|_| PathBuf::from("."));
            let path = resolve_db_path(&args, std::env::var_os("CDP_DB"), &default_dir);
            app.manage(AppState::open(path, clock_from_env()));
            app.manage(import::ImportFile::default());
            exit_on_signals(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::app_ready,
            commands::list_comuni,
            commands::get_comune,
            commands::update_comune,
            commands::population_classes,
            commands::parse_date,
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
            archive::open_read_only,
            archive::quit_app,
            archive::backups,
            archive::backup_now,
            archive::save_archive_copy,
            archive::restore_archive,
            organigram::org_view,
            organigram::org_unit_kinds,
            organigram::org_units,
            organigram::create_org_unit,
            organigram::update_org_unit,
            organigram::move_org_unit,
            organigram::delete_org_unit,
            organigram::org_roles,
            organigram::add_org_role,
            organigram::update_org_role,
            organigram::delete_org_role,
            organigram::org_person_candidates,
            organigram::update_org_person,
            organigram::org_unit_history,
            organigram::org_zone_history,
            organigram::export_org_roles,
            organigram::org_addresses,
            organigram::export_org_addresses,
            organigram::print_org_chart,
            organigram::org_composition_document,
            organigram::org_act_template,
            organigram::save_org_act_template,
            organigram::restore_org_act_template,
            organigram::org_act_document,
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
            import::import_fields,
            import::import_choose_file,
            import::import_reload,
            import::import_referents_preview,
            import::import_referents_apply,
            import::import_istat_preview,
            import::import_istat_apply,
            import::cancel_import,
            import::import_batches,
            import::undo_import,
            training::training_choices,
            training::training_month,
            training::training_themes,
            training::add_training_theme,
            training::rename_training_theme,
            training::delete_training_theme,
            training::training_events,
            training::training_event,
            training::create_training_event,
            training::update_training_event,
            training::move_training_event,
            training::cancel_training_event,
            training::restore_training_event,
            training::delete_training_event,
            training::preview_training_series,
            training::create_training_series,
            training::export_training_ics,
            training::training_participants,
            training::training_referents,
            training::add_training_participant,
            training::update_training_participant,
            training::participant_from_referent,
            training::enrol_training,
            training::set_training_attendance,
            training::training_attendance,
            training::training_attendance_choose,
            training::training_attendance_apply,
            training::training_hours,
            training::export_training_hours,
            training::training_settings,
            training::save_training_settings,
            training::certificates,
            training::issue_event_certificates,
            training::issue_year_certificate,
            training::reissue_certificate,
            training::annul_certificate,
            training::print_training,
            training::save_certificate,
            training::training_survey,
            training::save_training_survey,
            training::training_survey_ranking,
            training::save_training_survey_pdf,
            risks::risk_today,
            risks::risk_vocabulary,
            risks::risk_tree,
            risks::risk_measures,
            risks::risk_measure,
            risks::risk_event,
            risks::risk_processes,
            risks::add_risk_area,
            risks::create_risk_process,
            risks::create_risk_event,
            risks::update_risk_event,
            risks::rate_risk_event,
            risks::risk_rating_warning,
            risks::create_risk_measure,
            risks::update_risk_measure,
            risks::risk_measure_revisions,
            risks::risk_measure_diff,
            risks::risk_context,
            risks::save_risk_context,
            risks::adopt_risk_measures,
            risks::adopt_general_measures_for_zone,
            risks::risk_plan,
            risks::update_risk_adoption,
            risks::withdraw_risk_adoption,
            risks::risk_adoption_update,
            risks::accept_risk_revision,
            risks::record_risk_monitoring,
            risks::risk_monitoring,
            risks::risk_late,
            risks::risk_measure_figures,
            risks::risk_comune_figures,
            risks::risk_annual_summary,
            risks::rate_risk_event_for_comune,
            risks::export_risk_catalogue,
            risks::export_risk_plan,
            risks::save_risk_document,
            risks::save_risk_schede,
            risks::export_risk_monitoring,
            risks::rename_risk_vocabulary,
        ])
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap_or_else(|e| {
            eprintln!("Impossibile avviare l'applicazione: {e}");
            std::process::exit(1);
        });
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

/// SIGTERM, SIGINT and SIGHUP end the app normally (the archive is closed).
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
