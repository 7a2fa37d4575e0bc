//! What a careless or hostile use leaves behind, told and refused: a close
//! that cannot checkpoint is told at the next opening; two forms on the
//! training settings do not overwrite each other; a template that loops is
//! refused when saved, not when printed.

mod common;

use cdp_core::training::TrainingSettings;
use cdp_core::Store;

#[test]
fn a_close_that_cannot_checkpoint_is_told_at_the_next_opening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archivio.sqlite3");
    let mut s = Store::open(&path).unwrap();
    assert!(s.unclean_close_notice().is_none());
    s.create_zone("Zona dei Nebrodi").unwrap();
    // A reader holding the WAL (another program, a backup tool): the close
    // cannot bring it into the main file.
    let reader =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let zones: i64 = reader
        .query_row("SELECT count(*) FROM zone", [], |r| r.get(0))
        .unwrap();
    s.create_zone("Zona tirrenica").unwrap();
    assert!(s.close().is_err());

    let s = Store::open(&path).unwrap();
    let notice = s.unclean_close_notice().expect("the failed close is told");
    assert!(
        notice.contains("L'ultima chiusura dell'archivio")
            && notice.contains("archivio.sqlite3-wal")
            && notice.contains("Salva una copia"),
        "{notice}"
    );
    // Nothing was lost.
    let names: Vec<String> = s.zones().unwrap().into_iter().map(|z| z.name).collect();
    assert!(names.contains(&"Zona tirrenica".to_string()), "{names:?}");
    drop(reader);
    s.close().unwrap();
    // A clean close: nothing to tell.
    let s = Store::open(&path).unwrap();
    assert!(s.unclean_close_notice().is_none());
    assert!(zones >= 1);
    s.close().unwrap();
}

#[test]
fn two_forms_on_the_training_settings_do_not_overwrite_each_other() {
    let mut s = common::store();
    let first = s.training_settings().unwrap();
    let second = s.training_settings().unwrap();
    let saved = s
        .save_training_settings(&TrainingSettings {
            min_share: 80,
            ..first
        })
        .unwrap();
    assert!(saved.version.is_some());
    let e = s
        .save_training_settings(&TrainingSettings {
            target_hours: 24,
            ..second
        })
        .unwrap_err();
    assert_eq!(e.code(), "conflict", "{e}");
    assert_eq!(s.training_settings().unwrap(), saved);
    // The form reloaded: saved.
    let again = s
        .save_training_settings(&TrainingSettings {
            target_hours: 24,
            ..saved.clone()
        })
        .unwrap();
    assert_eq!((again.min_share, again.target_hours), (80, 24));
    assert_ne!(again.version, saved.version);
}

#[test]
fn a_looping_template_is_refused_when_saved() {
    let mut s = common::store();
    let before = s.org_act_template().unwrap();
    let looping = format!(
        "{}\n{{% for i in range(100000) %}}{{% for j in range(100000) %}}{{{{ i }}}}{{% endfor %}}{{% endfor %}}\n",
        before.body
    );
    let e = s
        .save_org_act_template(&looping, Some(&before.updated_at))
        .unwrap_err();
    assert_eq!(e.field(), Some("body"), "{e}");
    assert!(e.to_string().contains("ciclo"), "{e}");
    assert_eq!(s.org_act_template().unwrap().body, before.body);
    // The same for a letter of the adhesion workflow.
    let kind = cdp_core::adhesion::documents::DocKind::Lettera;
    let e = s.save_template(kind, &looping, None).unwrap_err();
    assert_eq!(e.field(), Some("body"), "{e}");
}
