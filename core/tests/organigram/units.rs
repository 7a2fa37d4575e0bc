//! Units: the shipped proposal, order, moves, renames, deletion saying
//! where people go; the zones and their referent from the zones module.

use super::*;

#[test]
fn the_shipped_proposal_is_empty_of_people_and_shows_the_zones() {
    let s = common::store();
    let o = s.organigram(d("2026-11-30")).unwrap();
    let units: Vec<&str> = o
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Unit)
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(
        units,
        [
            "Responsabile del progetto",
            "Segreteria tecnica",
            "Coordinamento",
            "Zone omogenee",
            "Tavoli tematici",
            "Esperti esterni"
        ]
    );
    assert_eq!(o.people().count(), 0);
    let zones: Vec<&str> = o
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Zone)
        .map(|n| n.name.as_str())
        .collect();
    let mut expected: Vec<String> = s.zones().unwrap().into_iter().map(|z| z.name).collect();
    expected.sort();
    assert_eq!(zones, expected);
    let zu = o
        .nodes
        .iter()
        .position(|n| n.name == "Zone omogenee")
        .unwrap();
    assert!(o
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Zone)
        .all(|n| n.parent == Some(zu)));
    assert!(s
        .org_unit_kinds()
        .unwrap()
        .iter()
        .any(|k| k.label == "Tavolo tematico"));
}

#[test]
fn units_ordered_moved_renamed_and_deleted_only_saying_where_people_go() {
    let mut s = common::store_on("2026-11-30");
    let a = tavolo(&mut s, "Tavolo A", "2026-01-01");
    let b = tavolo(&mut s, "Tavolo B", "2026-01-01");
    let c = tavolo(&mut s, "Tavolo C", "2026-01-01");
    let tavoli = unit_id(&s, "Tavoli tematici");
    let order = |s: &Store| -> Vec<String> {
        let o = s.organigram(d("2026-11-30")).unwrap();
        let t = o
            .nodes
            .iter()
            .position(|n| n.name == "Tavoli tematici")
            .unwrap();
        o.nodes[t]
            .children
            .iter()
            .map(|&i| o.nodes[i].name.clone())
            .collect()
    };
    assert_eq!(order(&s), ["Tavolo A", "Tavolo B", "Tavolo C"]);
    s.move_org_unit(c, Some(tavoli), 0, None).unwrap();
    assert_eq!(order(&s), ["Tavolo C", "Tavolo A", "Tavolo B"]);
    // Under another unit and back: the history says where.
    let esperti = unit_id(&s, "Esperti esterni");
    s.move_org_unit(b, Some(esperti), 0, None).unwrap();
    assert_eq!(order(&s), ["Tavolo C", "Tavolo A"]);
    s.move_org_unit(b, Some(tavoli), 9, None).unwrap();
    assert_eq!(order(&s), ["Tavolo C", "Tavolo A", "Tavolo B"]);
    let h = s.org_unit_history(b).unwrap();
    assert_eq!(h[0].text, "Unità spostata sotto «Tavoli tematici»");
    assert_eq!(h[1].text, "Unità spostata sotto «Esperti esterni»");
    // Not under itself.
    assert_eq!(
        s.move_org_unit(tavoli, Some(a), 0, None)
            .unwrap_err()
            .field(),
        Some("parent_id")
    );
    let u = s.org_unit(b).unwrap();
    let renamed = s
        .update_org_unit(
            b,
            &UnitInput {
                name: "Tavolo sui contratti pubblici".into(),
                kind: "tavolo".into(),
                parent_id: Some(tavoli),
                valid_from: Some("01/01/2026".into()),
                version: Some(u.updated_at.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(renamed.name, "Tavolo sui contratti pubblici");
    assert_eq!(
        s.update_org_unit(
            b,
            &UnitInput {
                name: "X".into(),
                kind: "tavolo".into(),
                version: Some(u.updated_at),
                ..Default::default()
            }
        )
        .unwrap_err()
        .code(),
        "conflict"
    );
    // A unit with sub-units cannot be deleted.
    assert_eq!(
        s.delete_org_unit(tavoli, None, None).unwrap_err().code(),
        "conflict"
    );
    // People in office: say where they go.
    s.add_org_role(&role(
        a,
        external("Anna Bellomo", None),
        "Coordinatrice",
        "2026-02-01",
        None,
    ))
    .unwrap();
    let e = s.delete_org_unit(a, None, None).unwrap_err();
    assert_eq!((e.code(), e.field()), ("conflict", Some("disposition")));
    assert!(e.to_string().contains("Anna Bellomo"));
    s.delete_org_unit(a, Some(UnitDisposition::MoveTo { unit_id: c }), None)
        .unwrap();
    assert_eq!(order(&s), ["Tavolo C", "Tavolo sui contratti pubblici"]);
    assert!(
        names_at(&s, "2026-11-30").contains(&"Tavolo C / Coordinatrice / Anna Bellomo".to_string())
    );
    s.delete_org_unit(c, Some(UnitDisposition::Remove), None)
        .unwrap();
    assert_eq!(names_at(&s, "2026-11-30").len(), 0);
    // Every action has its audit row.
    assert!(common::count(&s, "SELECT count(*) FROM audit WHERE entity LIKE 'org_%'") >= 11);
}

#[test]
fn the_zone_referent_is_the_zones_module_one() {
    let mut s = common::store();
    let eolie = s
        .zones()
        .unwrap()
        .into_iter()
        .find(|z| z.name == "Isole Eolie")
        .unwrap();
    let r = rpct(&mut s, "083041", "Bartolo Famularo", None, "2023-05-01");
    rpct(&mut s, "083037", "Rita Natoli", None, "2024-02-01");
    // Set from the Zone screen: the organigram shows it.
    s.set_zone_referent(eolie.id, Some(r), None).unwrap();
    let o = s.organigram(d("2026-11-30")).unwrap();
    let z = o
        .nodes
        .iter()
        .find(|n| n.zone_id == Some(eolie.id) && n.kind == NodeKind::Zone)
        .unwrap();
    assert_eq!(z.members.len(), 1);
    assert_eq!(z.members[0].full_name, "Bartolo Famularo");
    assert_eq!(z.members[0].title, "Referente di zona");
    assert_eq!(z.members[0].istat.as_deref(), Some("083041"));
    let h = s.org_zone_history(eolie.id).unwrap();
    assert_eq!(
        h[0].text,
        "Referente di zona: da nessuno a Bartolo Famularo (Comune di Lipari)"
    );
    // Before the referent took office, nobody.
    let o = s.organigram(d("2023-01-01")).unwrap();
    assert!(o
        .nodes
        .iter()
        .find(|n| n.key == z.key)
        .unwrap()
        .members
        .is_empty());
    // Cleared from the organigram, through the same function: the Zone screen sees it.
    let version = s
        .zones()
        .unwrap()
        .into_iter()
        .find(|x| x.id == eolie.id)
        .unwrap()
        .updated_at;
    s.set_zone_referent(eolie.id, None, Some(&version)).unwrap();
    assert!(s
        .zones()
        .unwrap()
        .into_iter()
        .find(|x| x.id == eolie.id)
        .unwrap()
        .referent_id
        .is_none());
    // The RPCT of the member comuni, when asked.
    let zu = unit_id(&s, "Zone omogenee");
    let u = s.org_unit(zu).unwrap();
    s.update_org_unit(
        zu,
        &UnitInput {
            name: u.name,
            kind: u.kind,
            description: u.description,
            shows_zones: true,
            shows_rpct: true,
            version: Some(u.updated_at),
            ..Default::default()
        },
    )
    .unwrap();
    let o = s.organigram(d("2026-11-30")).unwrap();
    let zi = o.nodes.iter().position(|n| n.key == z.key).unwrap();
    let rpcts: Vec<String> = o.nodes[zi]
        .children
        .iter()
        .map(|&i| format!("{}: {}", o.nodes[i].name, o.nodes[i].members[0].full_name))
        .collect();
    assert_eq!(
        rpcts,
        [
            "Comune di Leni: Rita Natoli",
            "Comune di Lipari: Bartolo Famularo"
        ]
    );
    // Only one unit shows the zones.
    assert_eq!(
        s.create_org_unit(&UnitInput {
            parent_id: Some(zu),
            kind: "gruppo".into(),
            name: "Altre zone".into(),
            shows_zones: true,
            ..Default::default()
        })
        .unwrap_err()
        .field(),
        Some("shows_zones")
    );
}
