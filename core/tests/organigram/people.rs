//! People and roles: referents linked, external people, roles as of a date,
//! mistakes refused at their field, nobody typed twice, the export.

use super::*;

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
            email: referent.email.clone(),
            valid_from: referent.valid_from.clone(),
            ..common::registry::rpct("Maria Lo Presti Sciacca").version(&referent.updated_at)
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
    let anna = |email| {
        role(
            seg,
            external("Anna Bellomo", email),
            "Componente",
            "2026-05-01",
            None,
        )
    };
    common::assert_refused(
        vec![
            (
                RoleInput {
                    valid_to: Some("2026-04-30".into()),
                    ..anna(None)
                },
                "valid_to",
                "",
            ),
            (anna(Some("non-valida")), "email", ""),
            (
                RoleInput {
                    valid_from: None,
                    ..anna(None)
                },
                "valid_from",
                "",
            ),
            (
                role(seg, external("", None), "Componente", "2026-05-01", None),
                "full_name",
                "",
            ),
        ],
        |r| s.add_org_role(r),
    );
    let e = s.create_org_unit(&unit(seg, "nessuno", "X")).unwrap_err();
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
    let member = |unit, who, title| role(unit, who, title, "2026-01-01", None);
    common::assert_refused(
        vec![
            (
                member(
                    seg,
                    external("M. Lo Presti", Some("M.LoPresti@comune.esempio.me.it")),
                    "Componente",
                ),
                "email",
                "",
            ),
            (
                member(seg, external("maria lo prestì", None), "Componente"),
                "full_name",
                "",
            ),
        ],
        |r| s.add_org_role(r),
    );
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
    common::assert_refused(
        vec![
            (
                member(
                    coord,
                    external("Gianni Santoro", Some("g.santoro@unime.it")),
                    "Esperto",
                ),
                "email",
                "",
            ),
            (
                member(coord, external("Giovanni  Santoro", None), "Esperto"),
                "full_name",
                "",
            ),
        ],
        |r| s.add_org_role(r),
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
