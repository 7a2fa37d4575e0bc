//! Organigram: units, people and roles, the tree as of a date, zones derived
//! from the zones module, history, and the tidy layout's invariants.

mod common;

use cdp_core::organigram::layout::{tidy, LayoutInput};
use cdp_core::organigram::{
    layout, LayoutOptions, NodeKind, PersonChoice, PersonInput, RoleInput, UnitDisposition,
    UnitInput,
};
use cdp_core::registry::{ReferentInput, Role};
use cdp_core::Store;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn rpct(s: &mut Store, istat: &str, name: &str, email: Option<&str>, from: &str) -> i64 {
    s.add_referent(
        istat,
        &ReferentInput {
            role: Role::Rpct,
            full_name: name.into(),
            email: email.map(str::to_string),
            phone: None,
            valid_from: Some(from.into()),
            valid_to: None,
            notes: None,
            version: None,
        },
    )
    .unwrap()
    .id
}

fn unit_id(s: &Store, name: &str) -> i64 {
    s.org_units()
        .unwrap()
        .into_iter()
        .find(|u| u.name == name)
        .unwrap()
        .id
}

fn tavolo(s: &mut Store, name: &str, from: &str) -> i64 {
    let parent = unit_id(s, "Tavoli tematici");
    s.create_org_unit(&UnitInput {
        parent_id: Some(parent),
        kind: "tavolo".into(),
        name: name.into(),
        valid_from: Some(from.into()),
        ..Default::default()
    })
    .unwrap()
    .id
}

fn external(name: &str, email: Option<&str>) -> PersonChoice {
    PersonChoice::New(PersonInput {
        full_name: name.into(),
        ente: Some("Università degli Studi di Messina".into()),
        qualifica: Some("Professore associato".into()),
        email: email.map(str::to_string),
        ..Default::default()
    })
}

fn role(
    unit_id: i64,
    person: PersonChoice,
    title: &str,
    from: &str,
    to: Option<&str>,
) -> RoleInput {
    RoleInput {
        unit_id,
        person,
        title: title.into(),
        valid_from: Some(from.into()),
        valid_to: to.map(str::to_string),
        version: None,
    }
}

fn names_at(s: &Store, day: &str) -> Vec<String> {
    s.organigram(d(day))
        .unwrap()
        .people()
        .map(|(n, m)| format!("{} / {} / {}", n.name, m.title, m.full_name))
        .collect()
}

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
fn a_tavolo_with_a_referent_and_an_external_member_as_of_dates() {
    let mut s = common::store();
    let r = rpct(
        &mut s,
        "083001",
        "Maria Lo Presti",
        Some("rpct@comune.alcaraliFusi.me.it"),
        "2024-01-01",
    );
    let t = tavolo(
        &mut s,
        "Tavolo di Pratiche per la Progettazione d'Area Vasta",
        "2026-03-01",
    );
    s.add_org_role(&role(
        t,
        PersonChoice::Referent { referent_id: r },
        "Coordinatrice",
        "2026-03-01",
        None,
    ))
    .unwrap();
    let ext = s
        .add_org_role(&role(
            t,
            external("Giovanni Santoro", Some("g.santoro@unime.it")),
            "Componente",
            "2026-03-15",
            None,
        ))
        .unwrap();
    assert_eq!(
        ext.person.ente.as_deref(),
        Some("Università degli Studi di Messina")
    );

    let now = names_at(&s, "2026-11-30");
    let tv = "Tavolo di Pratiche per la Progettazione d'Area Vasta";
    assert!(now.contains(&format!("{tv} / Coordinatrice / Maria Lo Presti")));
    assert!(now.contains(&format!("{tv} / Componente / Giovanni Santoro")));
    // Before the member joined: only the coordinator.
    let early = names_at(&s, "2026-03-10");
    assert!(early.contains(&format!("{tv} / Coordinatrice / Maria Lo Presti")));
    assert!(!early.iter().any(|l| l.contains("Santoro")));
    // Before the tavolo existed: no tavolo at all.
    let o = s.organigram(d("2026-02-28")).unwrap();
    assert!(!o.nodes.iter().any(|n| n.name == tv));

    // The referent is linked, not copied: a correction in the registry shows here.
    let referent = s
        .referents("083001")
        .unwrap()
        .into_iter()
        .find(|x| x.id == r)
        .unwrap();
    s.update_referent(
        r,
        &ReferentInput {
            role: Role::Rpct,
            full_name: "Maria Lo Presti Sciacca".into(),
            email: referent.email.clone(),
            phone: None,
            valid_from: referent.valid_from.clone(),
            valid_to: None,
            notes: None,
            version: Some(referent.updated_at.clone()),
        },
    )
    .unwrap();
    assert!(names_at(&s, "2026-11-30")
        .contains(&format!("{tv} / Coordinatrice / Maria Lo Presti Sciacca")));
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM org_person WHERE full_name IS NOT NULL"
        ),
        1
    );
}

#[test]
fn a_role_closed_and_a_new_one_opened_the_next_day() {
    let mut s = common::store();
    let seg = unit_id(&s, "Segreteria tecnica");
    let a = s
        .add_org_role(&role(
            seg,
            external("Anna Bellomo", None),
            "Responsabile",
            "2025-01-01",
            None,
        ))
        .unwrap();
    let mut closing = role(
        seg,
        PersonChoice::Person {
            person_id: a.person.id,
        },
        "Responsabile",
        "2025-01-01",
        Some("2026-03-31"),
    );
    closing.version = Some(a.updated_at.clone());
    s.update_org_role(a.id, &closing).unwrap();
    s.add_org_role(&role(
        seg,
        external("Carlo Pagano", None),
        "Responsabile",
        "2026-04-01",
        None,
    ))
    .unwrap();
    assert_eq!(
        names_at(&s, "2026-03-31"),
        ["Segreteria tecnica / Responsabile / Anna Bellomo"]
    );
    assert_eq!(
        names_at(&s, "2026-04-01"),
        ["Segreteria tecnica / Responsabile / Carlo Pagano"]
    );
    // A stale form is refused.
    assert_eq!(
        s.update_org_role(a.id, &closing).unwrap_err().code(),
        "conflict"
    );
    // The history lists both, newest first.
    let h = s.org_unit_history(seg).unwrap();
    assert_eq!(h.len(), 3);
    assert!(h[0].text.starts_with("Incarico conferito: Carlo Pagano"));
    assert!(h[1]
        .text
        .starts_with("Incarico chiuso il 31/03/2026: Anna Bellomo"));
}

#[test]
fn mistakes_are_refused_at_their_field_and_nothing_is_written() {
    let mut s = common::store();
    let seg = unit_id(&s, "Segreteria tecnica");
    let before = common::dump_all(s.connection());
    let e = s
        .add_org_role(&role(
            seg,
            external("Anna Bellomo", None),
            "Componente",
            "2026-05-01",
            Some("2026-04-30"),
        ))
        .unwrap_err();
    assert_eq!(e.field(), Some("valid_to"));
    let e = s
        .add_org_role(&role(
            seg,
            external("Anna Bellomo", Some("non-valida")),
            "Componente",
            "2026-05-01",
            None,
        ))
        .unwrap_err();
    assert_eq!(e.field(), Some("email"));
    let e = s
        .add_org_role(&RoleInput {
            valid_from: None,
            ..role(
                seg,
                external("Anna Bellomo", None),
                "Componente",
                "2026-05-01",
                None,
            )
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("valid_from"));
    let e = s
        .add_org_role(&role(
            seg,
            external("", None),
            "Componente",
            "2026-05-01",
            None,
        ))
        .unwrap_err();
    assert_eq!(e.field(), Some("full_name"));
    let e = s
        .create_org_unit(&UnitInput {
            parent_id: Some(seg),
            kind: "nessuno".into(),
            name: "X".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("kind"));
    assert_eq!(common::dump_all(s.connection()), before);
}

#[test]
fn nobody_is_typed_twice() {
    let mut s = common::store();
    let r = rpct(
        &mut s,
        "083001",
        "Maria Lo Presti",
        Some("m.lopresti@comune.esempio.me.it"),
        "2024-01-01",
    );
    let seg = unit_id(&s, "Segreteria tecnica");
    let coord = unit_id(&s, "Coordinamento");
    // The same referent chosen twice is one person.
    s.add_org_role(&role(
        seg,
        PersonChoice::Referent { referent_id: r },
        "Componente",
        "2026-01-01",
        None,
    ))
    .unwrap();
    s.add_org_role(&role(
        coord,
        PersonChoice::Referent { referent_id: r },
        "Componente",
        "2026-01-01",
        None,
    ))
    .unwrap();
    assert_eq!(common::count(&s, "SELECT count(*) FROM org_person"), 1);
    // Typing a referent as an external person: by e-mail or by name.
    let e = s
        .add_org_role(&role(
            seg,
            external("M. Lo Presti", Some("M.LoPresti@comune.esempio.me.it")),
            "Componente",
            "2026-01-01",
            None,
        ))
        .unwrap_err();
    assert_eq!(e.field(), Some("email"));
    let e = s
        .add_org_role(&role(
            seg,
            external("maria lo prestì", None),
            "Componente",
            "2026-01-01",
            None,
        ))
        .unwrap_err();
    assert_eq!(e.field(), Some("full_name"));
    // An external person typed twice.
    let g = s
        .add_org_role(&role(
            seg,
            external("Giovanni Santoro", Some("g.santoro@unime.it")),
            "Esperto",
            "2026-01-01",
            None,
        ))
        .unwrap();
    assert_eq!(
        s.add_org_role(&role(
            coord,
            external("Gianni Santoro", Some("g.santoro@unime.it")),
            "Esperto",
            "2026-01-01",
            None
        ))
        .unwrap_err()
        .field(),
        Some("email")
    );
    assert_eq!(
        s.add_org_role(&role(
            coord,
            external("Giovanni  Santoro", None),
            "Esperto",
            "2026-01-01",
            None
        ))
        .unwrap_err()
        .field(),
        Some("full_name")
    );
    // A homonym, once confirmed, is another person.
    let mut h = PersonInput {
        full_name: "Giovanni Santoro".into(),
        homonym: true,
        ..Default::default()
    };
    h.ente = Some("Comune di Messina".into());
    s.add_org_role(&role(
        coord,
        PersonChoice::New(h),
        "Esperto",
        "2026-01-01",
        None,
    ))
    .unwrap();
    // The same person with the same role twice over the same period.
    assert_eq!(
        s.add_org_role(&role(
            seg,
            PersonChoice::Person {
                person_id: g.person.id
            },
            "esperto",
            "2026-06-01",
            None
        ))
        .unwrap_err()
        .field(),
        Some("valid_from")
    );
    let c = s.org_person_candidates("santoro").unwrap();
    assert_eq!(c.len(), 2);
    let c = s.org_person_candidates("lo presti").unwrap();
    assert_eq!((c.len(), c[0].source.as_str()), (1, "referent"));
}

#[test]
fn units_ordered_moved_renamed_and_deleted_only_saying_where_people_go() {
    let mut s = common::store();
    let today = d("2026-11-30");
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
        s.delete_org_unit(tavoli, None, None, today)
            .unwrap_err()
            .code(),
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
    let e = s.delete_org_unit(a, None, None, today).unwrap_err();
    assert_eq!((e.code(), e.field()), ("conflict", Some("disposition")));
    assert!(e.to_string().contains("Anna Bellomo"));
    s.delete_org_unit(a, Some(UnitDisposition::MoveTo { unit_id: c }), None, today)
        .unwrap();
    assert_eq!(order(&s), ["Tavolo C", "Tavolo sui contratti pubblici"]);
    assert!(
        names_at(&s, "2026-11-30").contains(&"Tavolo C / Coordinatrice / Anna Bellomo".to_string())
    );
    s.delete_org_unit(c, Some(UnitDisposition::Remove), None, today)
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

// ---- Layout ----

/// A pseudo-random tree of `n` nodes (deterministic), with widths of 40–200 points.
fn random_tree(n: usize, seed: u64) -> LayoutInput {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut t = LayoutInput::default();
    for i in 0..n {
        t.widths.push(40.0 + (next() % 160) as f32);
        t.heights.push(20.0 + (next() % 40) as f32);
        t.children.push(Vec::new());
        if i == 0 {
            t.roots.push(0);
        } else {
            // Bias towards recent nodes for depth, towards early ones for breadth.
            let p = if next() % 3 == 0 {
                (next() as usize) % i
            } else {
                i - 1 - (next() as usize) % i.min(4)
            };
            t.children[p].push(i);
        }
    }
    t
}

fn check_invariants(t: &LayoutInput, pos: &[(f32, f32)], gap: f32) {
    let n = t.widths.len();
    let eps = 0.01;
    // No two boxes overlap (on the same row they keep at least `gap`, or close to it).
    for i in 0..n {
        for j in i + 1..n {
            let (ax, ay, aw, ah) = (pos[i].0, pos[i].1, t.widths[i], t.heights[i]);
            let (bx, by, bw, bh) = (pos[j].0, pos[j].1, t.widths[j], t.heights[j]);
            let overlap = ax < bx + bw - eps
                && bx < ax + aw - eps
                && ay < by + bh - eps
                && by < ay + ah - eps;
            assert!(
                !overlap,
                "boxes {i} and {j} overlap: {:?} {:?}",
                pos[i], pos[j]
            );
            if (ay - by).abs() < eps {
                let g = if ax < bx {
                    bx - (ax + aw)
                } else {
                    ax - (bx + bw)
                };
                assert!(
                    g >= gap - 0.05,
                    "boxes {i} and {j} closer than the gap: {g}"
                );
            }
        }
    }
    for (p, kids) in t.children.iter().enumerate() {
        if kids.is_empty() {
            continue;
        }
        let c = |i: usize| pos[i].0 + t.widths[i] / 2.0;
        // Parent centred over its children.
        let mid = (c(kids[0]) + c(kids[kids.len() - 1])) / 2.0;
        assert!(
            (c(p) - mid).abs() < 0.05,
            "parent {p} not centred: {} vs {mid}",
            c(p)
        );
        // Children in order, below the parent.
        for w in kids.windows(2) {
            assert!(
                pos[w[0]].0 + t.widths[w[0]] <= pos[w[1]].0 + eps,
                "children of {p} out of order"
            );
        }
        assert!(kids.iter().all(|&k| pos[k].1 > pos[p].1 + t.heights[p]));
    }
}

#[test]
fn the_layout_keeps_its_invariants_on_trees_of_1_to_500_units() {
    let o = LayoutOptions::default();
    for (n, seed) in [
        (1, 1),
        (2, 2),
        (3, 3),
        (7, 4),
        (20, 5),
        (64, 6),
        (150, 7),
        (300, 8),
        (500, 9),
        (500, 10),
    ] {
        let t = random_tree(n, seed);
        let pos = tidy(&t, &o);
        check_invariants(&t, &pos, o.gap);
        assert_eq!(pos, tidy(&t, &o), "not deterministic");
        assert!(pos.iter().map(|p| p.0).fold(f32::INFINITY, f32::min).abs() < 0.01);
    }
    // A forest: its roots side by side, in order.
    let mut t = random_tree(30, 11);
    t.children[0].clear();
    t.roots = vec![0];
    let mut t2 = random_tree(10, 12);
    let off = t.widths.len();
    for k in &mut t2.children {
        for c in k.iter_mut() {
            *c += off;
        }
    }
    t.widths.extend(t2.widths);
    t.heights.extend(t2.heights);
    t.children.extend(t2.children);
    t.roots.push(off);
    let pos = tidy(&t, &o);
    assert!(pos[0].0 + t.widths[0] <= pos[off].0);
}

#[test]
fn a_balanced_tree_is_compact_and_symmetric() {
    // Root with three children of equal width: the middle one right under the root.
    let t = LayoutInput {
        widths: vec![100.0, 50.0, 50.0, 50.0],
        heights: vec![20.0; 4],
        children: vec![vec![1, 2, 3], vec![], vec![], vec![]],
        roots: vec![0],
    };
    let o = LayoutOptions {
        gap: 10.0,
        level_gap: 20.0,
    };
    let pos = tidy(&t, &o);
    assert_eq!(pos[1], (0.0, 40.0));
    assert_eq!(pos[2], (60.0, 40.0));
    assert_eq!(pos[3], (120.0, 40.0));
    assert_eq!(pos[0], (60.0 + 25.0 - 50.0, 0.0));
}

#[test]
fn the_organigram_layout_has_a_box_per_visible_node() {
    let mut s = common::store();
    let t = tavolo(
        &mut s,
        "Tavolo di Pratiche per la Progettazione d'Area Vasta",
        "2026-03-01",
    );
    s.add_org_role(&role(
        t,
        external("Giovanni Santoro", None),
        "Componente",
        "2026-03-15",
        None,
    ))
    .unwrap();
    let o = s.organigram(d("2026-11-30")).unwrap();
    let l = layout(&o, &[], &LayoutOptions::default());
    assert_eq!(l.boxes.len(), o.nodes.len());
    let b = l.boxes.iter().find(|b| b.key == format!("u{t}")).unwrap();
    assert!(b
        .lines
        .iter()
        .any(|x| x.text == "Componente: Giovanni Santoro"));
    assert!(b
        .lines
        .iter()
        .all(|x| cdp_core::organigram::layout::text_width(&x.text, x.size, x.bold) <= b.w));
    // Collapsing the root hides everything else.
    let l = layout(&o, &["u1".to_string()], &LayoutOptions::default());
    assert_eq!(l.boxes.len(), 1);
    assert_eq!(l.boxes[0].hidden, o.nodes.len() - 1);
    assert!(l.connectors.is_empty());
}

#[test]
fn people_and_roles_exported_and_addresses_for_a_mail_merge() {
    let mut s = common::store();
    let eolie = s
        .zones()
        .unwrap()
        .into_iter()
        .find(|z| z.name == "Isole Eolie")
        .unwrap();
    let r = rpct(
        &mut s,
        "083041",
        "Bartolo Famularo",
        Some("rpct@comunelipari.it"),
        "2023-05-01",
    );
    s.set_zone_referent(eolie.id, Some(r), None).unwrap();
    let t = tavolo(&mut s, "Tavolo sui contratti pubblici", "2026-03-01");
    s.add_org_role(&role(
        t,
        PersonChoice::Referent { referent_id: r },
        "Coordinatore",
        "2026-03-01",
        None,
    ))
    .unwrap();
    s.add_org_role(&role(
        t,
        external("Giovanni Santoro", Some("g.santoro@unime.it")),
        "Componente",
        "2026-03-15",
        None,
    ))
    .unwrap();
    s.add_org_role(&role(
        t,
        external("Anna Bellomo", None),
        "Componente",
        "2026-03-15",
        None,
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("ruoli.csv");
    let n = s
        .export_org_roles(d("2026-11-30"), cdp_core::io::Format::Csv, &csv)
        .unwrap();
    assert_eq!(n, 4);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("Tavolo sui contratti pubblici;Responsabile del progetto › Tavoli tematici;Tavolo tematico;Coordinatore;Bartolo Famularo;Comune di Lipari;RPCT;rpct@comunelipari.it;;01/03/2026;;Anagrafica dei referenti"));
    assert!(text.contains("Isole Eolie;Responsabile del progetto › Zone omogenee;Zona omogenea;Referente di zona;Bartolo Famularo"));
    let xlsx = dir.path().join("ruoli.xlsx");
    assert_eq!(
        s.export_org_roles(d("2026-11-30"), cdp_core::io::Format::Xlsx, &xlsx)
            .unwrap(),
        4
    );
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    // Addresses: the unit's people with an e-mail, once each.
    assert_eq!(
        s.org_addresses(d("2026-11-30"), &format!("u{t}")).unwrap(),
        "rpct@comunelipari.it; g.santoro@unime.it"
    );
    // The unit that shows the zones: the zone referents.
    let zu = unit_id(&s, "Zone omogenee");
    assert_eq!(
        s.org_addresses(d("2026-11-30"), &format!("u{zu}")).unwrap(),
        "rpct@comunelipari.it"
    );
    // A zone: its referent and every referent in office of its comuni.
    rpct(
        &mut s,
        "083037",
        "Rita Natoli",
        Some("rpct@comune.leni.me.it"),
        "2024-02-01",
    );
    assert_eq!(
        s.org_addresses(d("2026-11-30"), &format!("z{}", eolie.id))
            .unwrap(),
        "rpct@comunelipari.it; rpct@comune.leni.me.it"
    );
    let merge = dir.path().join("indirizzi.csv");
    assert_eq!(
        s.export_org_addresses(d("2026-11-30"), &format!("u{t}"), &merge)
            .unwrap(),
        2
    );
    assert!(std::fs::read_to_string(&merge).unwrap().contains("Giovanni Santoro;g.santoro@unime.it;Componente;Tavolo sui contratti pubblici;Università degli Studi di Messina"));
}

#[test]
fn the_rpct_of_a_zone_are_stacked_in_a_column_without_overlaps() {
    let mut s = common::store();
    let zone = s
        .zones()
        .unwrap()
        .into_iter()
        .max_by_key(|z| z.comuni)
        .unwrap();
    let codes: Vec<String> = s
        .list_comuni(&cdp_core::registry::ComuneQuery {
            zone: Some(zone.id.to_string()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|c| c.istat)
        .collect();
    assert!(codes.len() >= 8);
    for (i, c) in codes.iter().enumerate() {
        rpct(
            &mut s,
            c,
            &format!("Responsabile Numero {i}"),
            None,
            "2024-01-01",
        );
    }
    let zu = unit_id(&s, "Zone omogenee");
    let u = s.org_unit(zu).unwrap();
    s.update_org_unit(
        zu,
        &UnitInput {
            name: u.name,
            kind: u.kind,
            shows_zones: true,
            shows_rpct: true,
            version: Some(u.updated_at),
            ..Default::default()
        },
    )
    .unwrap();
    let o = s.organigram(d("2026-11-30")).unwrap();
    let l = layout(&o, &[], &LayoutOptions::default());
    assert_eq!(l.boxes.len(), o.nodes.len());
    for (i, a) in l.boxes.iter().enumerate() {
        for b in &l.boxes[i + 1..] {
            let overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
            assert!(!overlap, "{} and {} overlap", a.key, b.key);
        }
    }
    // The comuni of the zone in one column, in order, under their zone.
    let zb = l
        .boxes
        .iter()
        .find(|b| b.key == format!("z{}", zone.id))
        .unwrap();
    let col: Vec<_> = l
        .boxes
        .iter()
        .filter(|b| o.nodes[b.node].parent == Some(zb.node))
        .collect();
    assert_eq!(col.len(), codes.len());
    // In columns of at most 12, in order (down, then across), under their zone.
    let cols = codes.len().div_ceil(12);
    let rows = codes.len().div_ceil(cols);
    for column in col.chunks(rows) {
        assert!(column.len() <= 12);
        assert!(column
            .windows(2)
            .all(|w| w[0].x == w[1].x && w[0].y + w[0].h < w[1].y));
        assert!(column[0].y > zb.y + zb.h);
    }
    for pair in col.chunks(rows).collect::<Vec<_>>().windows(2) {
        assert!(pair[0][0].x < pair[1][0].x);
    }
    // Deterministic.
    assert_eq!(l, layout(&o, &[], &LayoutOptions::default()));
    // On paper: every RPCT's name is there.
    let pdf = s.org_chart_pdf(d("2026-11-30"), &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rpct.pdf");
    std::fs::write(&path, &pdf).unwrap();
    if let Ok(dir) = std::env::var("ORG_SAMPLE_DIR") {
        std::fs::copy(
            &path,
            std::path::Path::new(&dir).join("organigramma-rpct.pdf"),
        )
        .unwrap();
    }
    let text = run("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]);
    for i in 0..codes.len() {
        assert!(
            text.contains(&format!("RPCT: Responsabile Numero {i}\n")),
            "RPCT {i} missing:\n{text}"
        );
    }
}

// ---- Documents ----

fn run(cmd: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(cmd)
        .args(args)
        .output()
        .expect(cmd);
    assert!(
        out.status.success(),
        "{cmd}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn populated() -> Store {
    let mut s = common::store();
    let eolie = s
        .zones()
        .unwrap()
        .into_iter()
        .find(|z| z.name == "Isole Eolie")
        .unwrap();
    let r = rpct(
        &mut s,
        "083041",
        "Bartolo Famularo",
        Some("rpct@comunelipari.it"),
        "2023-05-01",
    );
    s.set_zone_referent(eolie.id, Some(r), None).unwrap();
    let seg = unit_id(&s, "Segreteria tecnica");
    s.add_org_role(&role(
        seg,
        external("Anna Bellomo", Some("a.bellomo@cittametropolitana.me.it")),
        "Responsabile",
        "2025-01-01",
        None,
    ))
    .unwrap();
    let t = tavolo(
        &mut s,
        "Tavolo di Pratiche per la Progettazione d'Area Vasta",
        "2026-03-01",
    );
    s.add_org_role(&role(
        t,
        PersonChoice::Referent { referent_id: r },
        "Coordinatore",
        "2026-03-01",
        None,
    ))
    .unwrap();
    s.add_org_role(&role(
        t,
        external("Giovanni Santoro", Some("g.santoro@unime.it")),
        "Componente",
        "2026-03-15",
        None,
    ))
    .unwrap();
    s
}

#[test]
fn the_organigram_pdf_has_every_name_and_role_on_one_landscape_page() {
    let s = populated();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("organigramma.pdf");
    std::fs::write(&path, s.org_chart_pdf(d("2026-11-30"), &[]).unwrap()).unwrap();
    let p = path.to_str().unwrap();
    if let Ok(dir) = std::env::var("ORG_SAMPLE_DIR") {
        std::fs::copy(&path, std::path::Path::new(&dir).join("organigramma.pdf")).unwrap();
    }
    let text = run("pdftotext", &["-enc", "UTF-8", p, "-"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Organigramma del gruppo di lavoro della Comunità di Pratiche",
        "Composizione al 30/11/2026",
        "Responsabile del progetto",
        "Segreteria tecnica",
        "Responsabile: Anna Bellomo",
        "Coordinamento",
        "Zone omogenee",
        "Isole Eolie",
        "Referente di zona: Bartolo Famularo",
        "Tavoli tematici",
        "Coordinatore: Bartolo Famularo",
        "Componente: Giovanni Santoro",
        "Esperti esterni",
    ] {
        assert!(flat.contains(want), "«{want}» missing in:\n{text}");
    }
    // One landscape page, a valid PDF: A3, as on A4 the smallest text
    // would print under 8 pt.
    let info = run("pdfinfo", &[p]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 1")),
        "{info}"
    );
    assert!(info.contains("1190.55 x 841.89"), "{info}");
    run("qpdf", &["--check", p]);
    // Collapsed branches are left out of the drawing.
    let small = s
        .org_chart_pdf(d("2026-11-30"), &["u1".to_string()])
        .unwrap();
    std::fs::write(&path, small).unwrap();
    let text = run("pdftotext", &["-enc", "UTF-8", p, "-"]);
    assert!(!text.contains("Giovanni Santoro"));
}

#[test]
fn a_wide_organigram_goes_on_a3_and_a_small_one_on_a4() {
    use cdp_core::documents::model::PageSize;
    use cdp_core::organigram::documents::page_for;
    // A small chart on A4, enlarged a little to use the page.
    let (size, scale) = page_for(600.0, 300.0);
    assert_eq!(size, PageSize::A4Landscape);
    assert!(scale > 1.0 && scale <= 1.4);
    let (size, scale) = page_for(1500.0, 400.0);
    assert_eq!(size, PageSize::A3Landscape);
    assert!(scale < 1.0 && scale > 0.6);
    // The chart is never enlarged, and always fits.
    let (size, scale) = page_for(5000.0, 800.0);
    let (cw, _) = size.content();
    assert!(5000.0 * scale <= cw + 0.01);
}

#[test]
fn the_composition_of_the_working_group_as_pdf_and_docx() {
    use cdp_core::documents::Format;
    let s = populated();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("composizione.pdf");
    std::fs::write(
        &pdf,
        s.org_composition(d("2026-11-30"), Format::Pdf).unwrap(),
    )
    .unwrap();
    if let Ok(dir) = std::env::var("ORG_SAMPLE_DIR") {
        std::fs::copy(&pdf, std::path::Path::new(&dir).join("composizione.pdf")).unwrap();
    }
    let text = run("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Composizione del gruppo di lavoro della Comunità di Pratiche",
        "in carica al 30/11/2026",
        "Anna Bellomo",
        "a.bellomo@cittametropolitana.me.it",
        "Bartolo Famularo",
        "RPCT, Comune di Lipari",
        "Giovanni Santoro",
        "Università degli Studi di Messina",
        "Coordinatore",
        "Componente",
        "Referente di zona",
        "Tavoli tematici › Tavolo di Pratiche per la Progettazione d'Area Vasta",
        "Persone in carica: 4.",
        // The units without anyone, once, after the table.
        "Restano da individuare i componenti di: Coordinamento; Area ionica e Valle dell'Alcantara (Zone omogenee); Area tirrenica dei Nebrodi (Zone omogenee); Area tirrenica",
        "Città di Messina (Zone omogenee); Esperti esterni.",
    ] {
        assert!(flat.contains(want), "«{want}» missing in:\n{text}");
    }
    for unwanted in [
        "nessuna persona alla data",
        "nessun referente di zona alla data",
    ] {
        assert!(!flat.contains(unwanted), "«{unwanted}» in:\n{text}");
    }
    run("qpdf", &["--check", pdf.to_str().unwrap()]);
    let docx = dir.path().join("composizione.docx");
    std::fs::write(
        &docx,
        s.org_composition(d("2026-11-30"), Format::Docx).unwrap(),
    )
    .unwrap();
    let script = r#"
import sys, docx
d = docx.Document(sys.argv[1])
t = d.tables[0]
print('header', ' | '.join(c.text for c in t.rows[0].cells))
for r in t.rows[1:]:
    print('row', ' | '.join(c.text for c in r.cells))
"#;
    let out = run("/usr/bin/python3", &["-c", script, docx.to_str().unwrap()]);
    assert!(
        out.contains("header Ruolo | Nome e cognome | Ente e qualifica | Contatti | In carica dal"),
        "{out}"
    );
    assert!(out.contains("row Componente | Giovanni Santoro | Professore associato, Università degli Studi di Messina | g.santoro@unime.it | 15/03/2026"), "{out}");
    assert!(out.contains("row Referente di zona | Bartolo Famularo | RPCT, Comune di Lipari | rpct@comunelipari.it"), "{out}");
    // Each unit is one group: its heading row, then its people; the
    // Responsabile del progetto is the Segretario Generale, as in the chart.
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("row ")).collect();
    let firsts: Vec<&str> = rows
        .iter()
        .map(|r| r.trim_start_matches("row ").split(" | ").next().unwrap())
        .collect();
    assert_eq!(
        firsts,
        vec![
            "Responsabile del progetto",
            "Segretario Generale",
            "Segreteria tecnica",
            "Responsabile",
            "Zone omogenee › Isole Eolie",
            "Referente di zona",
            "Tavoli tematici › Tavolo di Pratiche per la Progettazione d'Area Vasta",
            "Coordinatore",
            "Componente",
        ],
        "{out}"
    );
    assert!(
        out.contains("Restano da individuare i componenti di: Coordinamento;")
            || {
                let p = run("/usr/bin/python3", &["-c", "import sys, docx; print('\\n'.join(p.text for p in docx.Document(sys.argv[1]).paragraphs))", docx.to_str().unwrap()]);
                p.contains("Restano da individuare i componenti di: Coordinamento;")
            },
        "{out}"
    );
}

#[test]
fn the_draft_act_lists_the_units_and_people_in_office_from_an_editable_template() {
    use cdp_core::documents::Format;
    let mut s = populated();
    let mut st = s.settings().unwrap();
    st.signatory_name = "Maria Rossi".into();
    s.save_settings(&st).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("determina.pdf");
    std::fs::write(
        &pdf,
        s.org_act(d("2026-11-30"), false, Format::Pdf).unwrap(),
    )
    .unwrap();
    if let Ok(dir) = std::env::var("ORG_SAMPLE_DIR") {
        std::fs::copy(&pdf, std::path::Path::new(&dir).join("determina.pdf")).unwrap();
    }
    let text = run("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "DETERMINAZIONE DEL SEGRETARIO GENERALE n. ____ del ____ OGGETTO",
        "Costituzione del Gruppo di lavoro della «Comunità di Pratiche»",
        "con decorrenza dal 30 novembre 2026, nella composizione riportata nell’Allegato A",
        "decreto del Sindaco metropolitano n. ____ del ____, di nomina del Segretario Generale",
        "approvazione dello schema di Protocollo d’intesa della «Comunità di Pratiche»",
        "(PIAO) della Città Metropolitana di Messina in vigore, e in particolare la sottosezione 2.3 «Rischi corruttivi e trasparenza»",
        "la partecipazione al Gruppo di lavoro è a titolo gratuito e non comporta oneri a carico del bilancio dell’Ente.",
        "il responsabile del procedimento",
        "art. 147-bis del D.Lgs. 18 agosto 2000, n. 267, introdotto dall’art. 3 del D.L. 10 ottobre 2012, n. 174",
        "all’albo pretorio online per quindici giorni consecutivi e nella sezione «Amministrazione trasparente»",
        "ricorso al Tribunale Amministrativo Regionale per la Sicilia, sezione staccata di Catania, entro sessanta giorni, o ricorso straordinario al Presidente della Regione Siciliana entro centoventi giorni",
        "Il Segretario Generale Maria Rossi",
        "Allegato A – Composizione del Gruppo di lavoro",
        "Composizione al 30 novembre 2026.",
        // The Responsabile del progetto is the Segretario Generale, as in the chart.
        "Responsabile del progetto: Maria Rossi, Segretario Generale – Città Metropolitana di Messina",
        "Segreteria tecnica: Anna Bellomo, Responsabile – Università degli Studi di Messina",
        "Zona omogenea «Isole Eolie»: Bartolo Famularo, Referente di zona – Comune di Lipari, su designazione dei comuni della zona (nota prot. n. ____ del ____)",
        "Tavolo di Pratiche per la Progettazione d’Area Vasta (Tavoli tematici): Bartolo Famularo, Coordinatore – Comune di Lipari, su designazione del Comune ai sensi del Protocollo d’intesa (nota prot. n. ____ del ____); Giovanni Santoro, Componente – Università degli Studi di Messina, su designazione dell’ente di appartenenza (nota prot. n. ____ del ____)",
        // (pdftotext drops the hyphen of «tirrenica-peloritana» where a line breaks at it)
        "Restano da individuare i componenti di: Coordinamento; Zona omogenea «Area ionica e Valle dell’Alcantara»; Zona omogenea «Area tirrenica dei Nebrodi»; Zona omogenea «Area tirrenica",
        "peloritana»; Zona omogenea «Città di Messina»; Esperti esterni.",
    ] {
        assert!(flat.contains(want), "«{want}» missing in:\n{text}");
    }
    for unwanted in [
        "da individuare.",
        "rientra nei compiti d’ufficio dei componenti",
        "Zone omogenee:",
        "Tavoli tematici:",
    ] {
        assert!(!flat.contains(unwanted), "«{unwanted}» in:\n{text}");
    }
    // The title's number and date stay on one line.
    assert!(
        text.lines().any(|l| l.trim() == "n. ____ del ____"),
        "{text}"
    );
    // The chart and the composition name the same Responsabile del progetto.
    let chart = dir.path().join("organigramma.pdf");
    std::fs::write(&chart, s.org_chart_pdf(d("2026-11-30"), &[]).unwrap()).unwrap();
    let chart = run(
        "pdftotext",
        &["-enc", "UTF-8", chart.to_str().unwrap(), "-"],
    );
    assert!(
        chart.contains("Segretario Generale: Maria Rossi"),
        "{chart}"
    );
    let comp = dir.path().join("composizione.pdf");
    std::fs::write(
        &comp,
        s.org_composition(d("2026-11-30"), Format::Pdf).unwrap(),
    )
    .unwrap();
    let comp = run("pdftotext", &["-enc", "UTF-8", comp.to_str().unwrap(), "-"]);
    let comp = comp.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        comp.contains("Maria Rossi")
            && comp.contains("Responsabile del progetto Segretario Generale"),
        "{comp}"
    );
    run("qpdf", &["--check", pdf.to_str().unwrap()]);
    // An update says so.
    let upd = s.org_act(d("2026-11-30"), true, Format::Docx).unwrap();
    assert!(upd.starts_with(b"PK"));
    // The template is editable, checked before it is saved, and can be restored.
    let t = s.org_act_template().unwrap();
    assert!(t.is_default && t.placeholders.contains(&"unita".to_string()));
    let e = s
        .save_org_act_template(
            &format!("{}\n{{{{ comune.nome }}}}", t.body),
            Some(&t.updated_at),
        )
        .unwrap_err();
    assert_eq!(e.field(), Some("body"));
    assert!(e.to_string().contains("comune.nome"), "{e}");
    let edited = t.body.replace("Messina, lì", "Messina, addì");
    let saved = s
        .save_org_act_template(&edited, Some(&t.updated_at))
        .unwrap();
    assert!(!saved.is_default);
    assert_eq!(
        s.save_org_act_template(&edited, Some(&t.updated_at))
            .unwrap_err()
            .code(),
        "conflict"
    );
    let text =
        String::from_utf8_lossy(&s.org_act(d("2026-11-30"), false, Format::Docx).unwrap()).len();
    assert!(text > 0);
    // A template the user edited on the older default stays as it is.
    let old = "# DETERMINAZIONE N. ………… DEL …………\n{% for u in unita %}\n- {{ u.nome }}: {% for p in u.persone %}{{ p.nome }}{% else %}da individuare{% endfor %}.\n{% endfor %}\n";
    let saved = s
        .save_org_act_template(old, Some(&saved.updated_at))
        .unwrap();
    assert_eq!(s.org_act_template().unwrap().body, old);
    let pdf_old = dir.path().join("old.pdf");
    std::fs::write(
        &pdf_old,
        s.org_act(d("2026-11-30"), false, Format::Pdf).unwrap(),
    )
    .unwrap();
    let text = run(
        "pdftotext",
        &["-enc", "UTF-8", pdf_old.to_str().unwrap(), "-"],
    );
    assert!(text.contains("DETERMINAZIONE N. ………… DEL …………"), "{text}");
    let restored = s.restore_org_act_template(Some(&saved.updated_at)).unwrap();
    assert!(restored.is_default);
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM audit WHERE entity = 'org_act_template'"
        ),
        3
    );
}

#[test]
fn the_draft_act_docx_gives_each_list_its_own_numbering() {
    use cdp_core::documents::Format;
    let s = populated();
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("determina.docx");
    std::fs::write(
        &docx,
        s.org_act(d("2026-11-30"), false, Format::Docx).unwrap(),
    )
    .unwrap();
    if let Ok(dir) = std::env::var("ORG_SAMPLE_DIR") {
        std::fs::copy(&docx, std::path::Path::new(&dir).join("determina.docx")).unwrap();
    }
    // Word reads the first definition of an id: duplicates are the bug.
    let script = r#"
import sys, docx
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
n = d.part.numbering_part.element
abstract_ids = [a.get(qn('w:abstractNumId')) for a in n.findall(qn('w:abstractNum'))]
num_ids = [x.get(qn('w:numId')) for x in n.findall(qn('w:num'))]
print('dup_abstract', len(abstract_ids) != len(set(abstract_ids)))
print('dup_num', len(num_ids) != len(set(num_ids)))
fmt_of = {}
for a in n.findall(qn('w:abstractNum')):
    fmt_of.setdefault(a.get(qn('w:abstractNumId')), a.find(qn('w:lvl')).find(qn('w:numFmt')).get(qn('w:val')))
num = {}
for x in n.findall(qn('w:num')):
    o = x.find(qn('w:lvlOverride'))
    start = o.find(qn('w:startOverride')).get(qn('w:val')) if o is not None and o.find(qn('w:startOverride')) is not None else '-'
    num.setdefault(x.get(qn('w:numId')), (fmt_of[x.find(qn('w:abstractNumId')).get(qn('w:val'))], start))
lists, prev = [], None
for p in d.paragraphs:
    pr = p._p.pPr
    nid = None
    if pr is not None and pr.numPr is not None:
        nid = pr.numPr.numId.val
    if nid is not None and nid != prev:
        lists.append([nid, 0])
    if nid is not None:
        lists[-1][1] += 1
    prev = nid
ids = [l[0] for l in lists]
print('shared', len(ids) != len(set(ids)))
for nid, count in lists:
    print('list', num[str(nid)][0], num[str(nid)][1], count)
"#;
    let out = run("/usr/bin/python3", &["-c", script, docx.to_str().unwrap()]);
    assert!(out.contains("dup_abstract False"), "{out}");
    assert!(out.contains("dup_num False"), "{out}");
    assert!(out.contains("shared False"), "{out}");
    let lists: Vec<&str> = out.lines().filter(|l| l.starts_with("list ")).collect();
    // Premesse, Visti (bullets), dispositivo (1–6, restarting), Allegato A (bullets).
    assert_eq!(
        lists,
        vec![
            "list bullet - 5",
            "list bullet - 8",
            "list decimal 1 6",
            "list bullet - 4"
        ],
        "{out}"
    );
}

#[test]
fn the_printed_chart_fills_its_page_with_text_of_8_pt_at_least() {
    use cdp_core::documents::model::{Block, Shape};
    use cdp_core::organigram::documents::{chart_report, print_layout};
    for s in [populated(), common::store()] {
        let o = s.organigram(d("2026-11-30")).unwrap();
        let r = chart_report(&o, &print_layout(&o, &[]));
        let (cw, ch) = r.size.content();
        // The chart is an element the composer places under the title.
        let Some(Block::Element(chart)) = r.blocks.iter().find(|b| matches!(b, Block::Element(_)))
        else {
            panic!("the chart")
        };
        let room = ch - 34.0;
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, 0f32, 0f32);
        let mut smallest = f32::MAX;
        for sh in &chart.0.draw(cw, room) {
            if let Shape::Rect { x, y, w, h, .. } = sh {
                x0 = x0.min(*x);
                y0 = y0.min(*y);
                x1 = x1.max(x + w);
                y1 = y1.max(y + h);
            }
            if let Shape::Text { size, .. } = sh {
                smallest = smallest.min(*size);
            }
        }
        assert!(smallest >= 8.0 - 1e-3, "text at {smallest} pt");
        // The boxes span the page's width or the height under the title
        // (the gaps between levels grown), centred both ways.
        assert!(
            (x1 - x0) >= 0.97 * cw || (y1 - y0) >= 0.97 * room,
            "{} × {} of {cw} × {room}",
            x1 - x0,
            y1 - y0
        );
        assert!((y1 - y0) >= 0.5 * room, "height {} of {room}", y1 - y0);
        assert!((x0 - (cw - x1)).abs() < 2.0, "{x0} {x1} {cw}");
        assert!((y0 - (room - y1)).abs() < 2.0, "{y0} {y1} {room}");
    }
    // The print leaves out that a zone's composition is still a proposal.
    let s = populated();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("organigramma.pdf");
    std::fs::write(&path, s.org_chart_pdf(d("2026-11-30"), &[]).unwrap()).unwrap();
    let text = run("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]);
    assert!(text.contains("30 comuni"), "{text}");
    assert!(!text.contains("proposta da accettare"), "{text}");
}

#[test]
fn an_edited_act_template_joins_the_template_store_with_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prima-del-modello-unico.sqlite3");
    // The shipped text the user first edited (an older one), two edits and
    // a return to the shipped text in between.
    let old_default = "# DETERMINAZIONE\n\nAl {{ data }}.\n";
    let first = "# DETERMINAZIONE (prima modifica)\n\nAl {{ data }}.\n";
    let second =
        "# DETERMINAZIONE (seconda modifica)\n\n{% for u in unita %}- {{ u.nome }}\n{% endfor %}\n";
    {
        // An archive of the previous release: schema 9, the act edited in
        // its one-row table, its history in the audit log, one act in the register.
        let conn = rusqlite::Connection::open(&path).unwrap();
        for m in &cdp_core::archive::schema().migrations()[..9] {
            conn.execute_batch(m.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 9).unwrap();
        let audit = |at: &str, action: &str, before: &str, after: Option<&str>| {
            conn.execute(
                "INSERT INTO audit (at, operator, action, entity, entity_id, before, after)
                 VALUES (?1, 'Mario Bianchi', ?2, 'org_act_template', '1', json_object('body', ?3),
                         CASE WHEN ?4 IS NULL THEN NULL ELSE json_object('body', ?4) END)",
                rusqlite::params![at, action, before, after],
            )
            .unwrap();
        };
        audit("2026-01-10T09:00:00Z", "save", old_default, Some(first));
        audit("2026-02-10T09:00:00Z", "restore", first, None);
        audit("2026-03-10T09:00:00Z", "save", old_default, Some(second));
        conn.execute(
            "INSERT INTO org_act_template (id, body, updated_at) VALUES (1, ?1, '3')",
            [second],
        )
        .unwrap();
        conn.execute_batch(
            "INSERT INTO setting (key, value) VALUES ('org_act_template_base', '1');
             INSERT INTO template_version (kind, version, body, origin, source, created_at, operator)
               VALUES ('lettera', 1, 'Lettera', 'default', '2026.2', '2026-01-01T00:00:00Z', 'Mario Bianchi');
             INSERT INTO document (istat, kind, template_id, format, path, sha256, bytes, created_at, operator)
               VALUES (NULL, 'lettera', 1, 'pdf', '/tmp/Lettera.pdf', 'x', 1, '2026-01-02T00:00:00Z', 'Mario Bianchi');",
        )
        .unwrap();
    }
    let mut s = Store::open(&path).unwrap();
    let t = s.org_act_template().unwrap();
    assert_eq!(t.body, second);
    assert!(!t.is_default);
    // Written on an older shipped text: the newer one can be restored.
    assert!(t.newer_default);
    let versions: Vec<(i64, String, String)> = s
        .connection()
        .prepare(
            "SELECT version, origin, body FROM template_version WHERE kind = 'gruppo_lavoro' ORDER BY version",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let want = [
        (1, "default", old_default),
        (2, "edit", first),
        (3, "default", old_default),
        (4, "edit", second),
    ];
    assert_eq!(
        versions,
        want.map(|(v, o, b)| (v, o.to_string(), b.to_string()))
    );
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM sqlite_master WHERE name = 'org_act_template'"
        ),
        0
    );
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM setting WHERE key = 'org_act_template_base'"
        ),
        0
    );
    // The register kept its rows, each with its kind's name.
    let docs = s.documents(None).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].kind_label, "Lettera di trasmissione");
    assert_eq!(docs[0].template_version, Some(1));
    // The history goes on in the store: the shipped text comes back as version 5.
    let restored = s.restore_org_act_template(Some(&t.updated_at)).unwrap();
    assert!(restored.is_default && !restored.newer_default);
    assert_eq!(restored.updated_at, "5");
    s.close().unwrap();
}
