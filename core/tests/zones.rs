//! Zones: create, rename, delete with disposition, assignment, referent, proposal.

mod common;

use cdp_core::db::kv::Settings;
use cdp_core::zones::Disposition;
use common::registry::{rpct, zone, ReferentBuilder};
use common::{assert_refused, with};

fn codes(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn accept_or_discard_the_proposal() {
    let mut s = common::store();
    assert!(s.zone_proposal_pending().unwrap());
    let zones = s.accept_zone_proposal().unwrap();
    assert!(zones.iter().all(|z| !z.proposed));
    assert!(!s.zone_proposal_pending().unwrap());
    assert_eq!(s.accept_zone_proposal().unwrap_err().code(), "conflict");

    let mut s = common::store();
    assert!(s.discard_zone_proposal().unwrap().is_empty());
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM comune WHERE zone_id IS NOT NULL"),
        0
    );
    assert_eq!(s.dashboard().unwrap().without_zone, 108);
}

#[test]
fn create_rename_and_unique_names() {
    let mut s = common::store();
    let z = s.create_zone("  Valle   del Mela ").unwrap();
    assert_eq!(z.name, "Valle del Mela");
    assert_eq!((z.comuni, z.population), (0, 0));
    assert_refused(
        vec![("valle del mela", "name", ""), ("", "name", "")],
        |n| s.create_zone(n),
    );
    let z = s.rename_zone(z.id, "Area del Mela", None).unwrap();
    assert_eq!(z.name, "Area del Mela");
    assert_eq!(
        s.rename_zone(z.id, "Isole Eolie", None)
            .unwrap_err()
            .field(),
        Some("name")
    );
    assert_eq!(
        s.rename_zone(12345, "X", None).unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn a_comune_is_in_one_zone_and_counts_follow() {
    let mut s = common::store();
    let nuova = s.create_zone("Nuova").unwrap();
    let eolie = zone(&s, "Isole Eolie");
    assert_eq!(eolie.comuni, 4);
    let zones = s
        .assign_comuni(Some(nuova.id), &codes(&["083041", "083037"]))
        .unwrap();
    let get = |name: &str| zones.iter().find(|z| z.name == name).unwrap().clone();
    assert_eq!(get("Isole Eolie").comuni, 2);
    assert_eq!(get("Nuova").comuni, 2);
    assert_eq!(zones.iter().map(|z| z.comuni).sum::<i64>(), 108);
    let lipari = s.comune("083041").unwrap();
    assert_eq!(lipari.zone_id, Some(nuova.id));
    assert_eq!(
        get("Nuova").population,
        lipari.population.unwrap() + s.comune("083037").unwrap().population.unwrap()
    );
    // All-or-nothing: one unknown comune refuses the whole assignment.
    let before = common::dump(&s);
    let err = s
        .assign_comuni(Some(nuova.id), &codes(&["083001", "000000"]))
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(common::dump(&s), before);
    assert_eq!(
        s.assign_comuni(Some(nuova.id), &[]).unwrap_err().field(),
        Some("comuni")
    );
}

#[test]
fn deleting_a_zone_with_comuni_needs_a_disposition() {
    let mut s = common::store();
    let eolie = zone(&s, "Isole Eolie");
    let messina = zone(&s, "Città di Messina");
    let before = common::dump(&s);
    let err = s.delete_zone(eolie.id, None, None).unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("4 comuni"), "{err}");
    assert_eq!(common::dump(&s), before);
    assert_eq!(
        s.delete_zone(
            eolie.id,
            Some(Disposition::MoveTo { zone_id: eolie.id }),
            None
        )
        .unwrap_err()
        .code(),
        "validation"
    );
    s.delete_zone(
        eolie.id,
        Some(Disposition::MoveTo {
            zone_id: messina.id,
        }),
        None,
    )
    .unwrap();
    let zones = s.zones().unwrap();
    assert_eq!(zones.len(), 4);
    assert_eq!(zones.iter().find(|z| z.id == messina.id).unwrap().comuni, 5);
    s.delete_zone(messina.id, Some(Disposition::Release), None)
        .unwrap();
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM comune WHERE zone_id IS NULL"),
        5
    );
    let empty = s.create_zone("Vuota").unwrap();
    s.delete_zone(empty.id, None, None).unwrap();
    let deletes = s
        .audit_log("zone", None)
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "delete")
        .count();
    assert_eq!(deletes, 3);
}

#[test]
fn the_zone_referent_is_one_of_the_zone_referents_in_office() {
    let mut s = common::store();
    let eolie = zone(&s, "Isole Eolie");
    let r = s
        .add_referent("083041", &rpct("Bartolo Famularo").since("2023-05-01"))
        .unwrap();
    let outside = s.add_referent("083048", &rpct("Rossana Carrubba")).unwrap();
    let candidates = s.zone_referent_candidates(eolie.id).unwrap();
    assert_eq!(candidates.len(), 1);
    assert_eq!(
        s.set_zone_referent(eolie.id, Some(outside.id), None)
            .unwrap_err()
            .field(),
        Some("referent_id")
    );
    let z = s.set_zone_referent(eolie.id, Some(r.id), None).unwrap();
    assert_eq!(z.referent_name.as_deref(), Some("Bartolo Famularo"));
    assert_eq!(z.referent_comune.as_deref(), Some("Lipari"));
    // Moving the referent's comune out of the zone clears the zone referent.
    s.assign_comuni(None, &codes(&["083041"])).unwrap();
    let z = s
        .zones()
        .unwrap()
        .into_iter()
        .find(|z| z.id == eolie.id)
        .unwrap();
    assert_eq!(z.referent_id, None);
}

#[test]
fn dashboard_counts() {
    let mut s = common::store();
    let d = s.dashboard().unwrap();
    assert_eq!(d.comuni, 108);
    assert_eq!((d.with_rpct, d.without_rpct), (0, 108));
    assert_eq!(d.missing_rpct[0].1, "Messina");
    assert!(d.zone_proposal_pending);
    assert_eq!(
        d.zones.iter().map(|z| z.population).sum::<i64>(),
        d.population
    );
    s.add_referent("083048", &rpct("Rossana Carrubba").since("2022-01-01"))
        .unwrap();
    let d = s.dashboard().unwrap();
    assert_eq!((d.with_rpct, d.without_rpct), (1, 107));
    assert_ne!(d.missing_rpct[0].1, "Messina");
}

#[test]
fn settings_operator_signs_audit_rows() {
    let mut s = common::store();
    let current = s.settings().unwrap();
    let rows = vec![
        (
            with(&current, |c| {
                (c.operator_name, c.stall_days) = ("  ".into(), 30)
            }),
            "operator_name",
            "",
        ),
        (
            with(&current, |c| {
                (c.operator_name, c.stall_days) = ("X".into(), 0)
            }),
            "stall_days",
            "",
        ),
    ];
    assert_refused(rows, |c| s.save_settings(c));
    s.save_settings(&Settings {
        operator_name: "Dott.ssa Lo Giudice".into(),
        stall_days: 45,
        ..s.settings().unwrap()
    })
    .unwrap();
    assert_eq!(s.stall_days().unwrap(), 45);
    s.create_zone("Prova").unwrap();
    let log = s.audit_log("zone", None).unwrap();
    assert_eq!(log[0].operator, "Dott.ssa Lo Giudice");
}

#[test]
fn a_stale_zone_form_is_refused() {
    let mut s = common::store();
    s.accept_zone_proposal().unwrap();
    let shown = zone(&s, "Isole Eolie");
    let renamed = s
        .rename_zone(shown.id, "Arcipelago eoliano", Some(&shown.updated_at))
        .unwrap();
    assert_ne!(renamed.updated_at, shown.updated_at);
    // The same form, still showing the old zone, tries again: refused.
    let err = s
        .rename_zone(shown.id, "Eolie", Some(&shown.updated_at))
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    let err = s
        .delete_zone(
            shown.id,
            Some(Disposition::Release),
            Some(&shown.updated_at),
        )
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(
        s.zones()
            .unwrap()
            .iter()
            .filter(|z| z.id == shown.id)
            .count(),
        1
    );
}
