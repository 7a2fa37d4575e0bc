//! The registry: editing, validation, search, filters, referents and their history.

mod common;

use cdp_core::registry::{ComuneInput, ComuneQuery, ReferentInput, Role, SortKey};
use cdp_core::Store;

fn input_of(store: &Store, istat: &str) -> ComuneInput {
    serde_json::from_value(serde_json::to_value(store.comune(istat).unwrap()).unwrap()).unwrap()
}

fn names(store: &Store, q: &ComuneQuery) -> Vec<String> {
    store
        .list_comuni(q)
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect()
}

fn text(t: &str) -> ComuneQuery {
    ComuneQuery {
        text: t.into(),
        ..Default::default()
    }
}

fn rpct(name: &str, from: Option<&str>) -> ReferentInput {
    ReferentInput {
        role: Role::Rpct,
        full_name: name.into(),
        email: None,
        phone: None,
        valid_from: from.map(str::to_string),
        valid_to: None,
        notes: None,
        version: None,
    }
}

#[test]
fn search_is_case_accent_and_punctuation_insensitive() {
    let s = common::store();
    assert_eq!(
        names(&s, &text("sant agata")),
        vec!["Sant'Agata di Militello"]
    );
    assert_eq!(
        names(&s, &text("SANT'AGATA")),
        vec!["Sant'Agata di Militello"]
    );
    let ali = names(&s, &text("ali"));
    assert!(
        ali.contains(&"Alì".to_string()) && ali.contains(&"Alì Terme".to_string()),
        "{ali:?}"
    );
    assert_eq!(names(&s, &text("alì terme")), vec!["Alì Terme"]);
    assert_eq!(names(&s, &text("083048")), vec!["Messina"]);
    assert_eq!(names(&s, &text("f158")), vec!["Messina"]);
    assert!(names(&s, &text("zzzz")).is_empty());
    // Wildcards typed by the user are not wildcards.
    assert!(names(&s, &text("%")).len() == 108);
}

#[test]
fn search_finds_comuni_by_referent_name() {
    let mut s = common::store();
    s.add_referent("083089", &rpct("Nicolò D'Àmico", Some("2024-01-01")))
        .unwrap();
    assert_eq!(
        names(&s, &text("nicolo damico")).len(),
        0,
        "words, not a joined string"
    );
    assert_eq!(names(&s, &text("nicolo d amico")).len(), 1);
    assert_eq!(
        names(&s, &text("d'amico")),
        vec![s.comune("083089").unwrap().name]
    );
}

#[test]
fn filters_and_sorting() {
    let mut s = common::store();
    let all = s.list_comuni(&ComuneQuery::default()).unwrap();
    assert_eq!(all.len(), 108);
    assert_eq!(all[0].name, "Acquedolci");
    // Accents do not push a name to the end of the alphabet: Alcara, Alì, Alì Terme, Antillo.
    let pos = |n: &str| all.iter().position(|r| r.name == n).unwrap();
    assert!(
        pos("Alcara li Fusi") < pos("Alì")
            && pos("Alì") < pos("Alì Terme")
            && pos("Alì Terme") < pos("Antillo")
    );
    let small = ComuneQuery {
        population_class: Some("fino_1000".into()),
        ..Default::default()
    };
    let rows = s.list_comuni(&small).unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.population.unwrap() < 1000));
    let under5000: usize = ["fino_1000", "1000_4999"]
        .iter()
        .map(|k| {
            s.list_comuni(&ComuneQuery {
                population_class: Some(k.to_string()),
                ..Default::default()
            })
            .unwrap()
            .len()
        })
        .sum();
    assert_eq!(
        under5000, 88,
        "88 of the 108 comuni have fewer than 5,000 inhabitants"
    );
    let by_pop = s
        .list_comuni(&ComuneQuery {
            sort: SortKey::Population,
            descending: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_pop[0].name, "Messina");
    assert!(by_pop
        .windows(2)
        .all(|w| w[0].population >= w[1].population));
    let eolie = s
        .zones()
        .unwrap()
        .into_iter()
        .find(|z| z.name == "Isole Eolie")
        .unwrap();
    let in_zone = ComuneQuery {
        zone: Some(eolie.id.to_string()),
        ..Default::default()
    };
    assert_eq!(
        names(&s, &in_zone),
        vec!["Leni", "Lipari", "Malfa", "Santa Marina Salina"]
    );
    s.assign_comuni(None, &["083041".to_string()]).unwrap();
    let none = ComuneQuery {
        zone: Some("none".into()),
        ..Default::default()
    };
    assert_eq!(names(&s, &none), vec!["Lipari"]);
    let bad = ComuneQuery {
        population_class: Some("enorme".into()),
        ..Default::default()
    };
    assert_eq!(
        s.list_comuni(&bad).unwrap_err().field(),
        Some("population_class")
    );
}

#[test]
fn editing_a_comune_validates_every_field_and_saves_nothing_on_error() {
    let mut s = common::store();
    let good = input_of(&s, "083048");
    let before = common::dump(&s);
    let cases: Vec<(&str, Box<dyn Fn(&mut ComuneInput)>)> = vec![
        ("pec", Box::new(|c| c.pec = Some("protocollo@pec".into()))),
        (
            "pec",
            Box::new(|c| c.pec = Some("protocollo pec.it".into())),
        ),
        (
            "ipa_code",
            Box::new(|c| c.ipa_code = Some("c f158!".into())),
        ),
        ("phone", Box::new(|c| c.phone = Some("abc".into()))),
        (
            "website",
            Box::new(|c| c.website = Some("comune messina".into())),
        ),
        ("name", Box::new(|c| c.name = "   ".into())),
        (
            "cadastral_code",
            Box::new(|c| c.cadastral_code = "12".into()),
        ),
        ("population", Box::new(|c| c.population = Some(-5))),
        (
            "population_year",
            Box::new(|c| c.population_year = Some(1700)),
        ),
    ];
    for (field, mutate) in cases {
        let mut c = good.clone();
        mutate(&mut c);
        let err = s.update_comune("083048", &c).unwrap_err();
        assert_eq!(err.code(), "validation");
        assert_eq!(err.field(), Some(field), "{err}");
    }
    assert_eq!(common::dump(&s), before, "a refused edit wrote something");
    assert_eq!(
        s.update_comune("000000", &good).unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn a_valid_edit_is_saved_normalised_with_its_audit_row() {
    let mut s = common::store();
    let mut c = input_of(&s, "083048");
    c.pec = Some("  Protocollo@PEC.Comune.Messina.it ".into());
    c.ipa_code = Some("C_F158".into());
    c.phone = Some("+39 090 7721".into());
    c.website = Some("https://comune.messina.it".into());
    c.mayor_name = Some("Federico Basile".into());
    c.notes = Some("".into());
    let audit_before = common::count(&s, "SELECT count(*) FROM audit");
    let saved = s.update_comune("083048", &c).unwrap();
    assert_eq!(
        saved.pec.as_deref(),
        Some("protocollo@pec.comune.messina.it")
    );
    assert_eq!(saved.ipa_code.as_deref(), Some("c_f158"));
    assert_eq!(saved.notes, None);
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM audit"),
        audit_before + 1
    );
    let log = s.audit_log("comune", Some("083048")).unwrap();
    assert_eq!(log[0].action, "update");
    assert!(log[0].before.as_deref().unwrap().contains("\"pec\":null"));
    assert!(log[0]
        .after
        .as_deref()
        .unwrap()
        .contains("protocollo@pec.comune.messina.it"));
}

#[test]
fn replacing_the_rpct_closes_the_old_period_and_keeps_the_history() {
    let mut s = common::store();
    let first = s
        .add_referent("083097", &rpct("Maria Rossi", Some("2020-03-01")))
        .unwrap();
    assert!(first.active);
    // A replacement needs its start date.
    let err = s
        .add_referent("083097", &rpct("Giovanni Bianchi", None))
        .unwrap_err();
    assert_eq!(err.field(), Some("valid_from"));
    // ... after the current one's start.
    let err = s
        .add_referent("083097", &rpct("Giovanni Bianchi", Some("2019-01-01")))
        .unwrap_err();
    assert_eq!(err.field(), Some("valid_from"));
    let second = s
        .add_referent("083097", &rpct("Giovanni Bianchi", Some("2024-07-01")))
        .unwrap();
    let all = s.referents("083097").unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, second.id, "the one in office comes first");
    assert!(all[0].active);
    assert_eq!(all[1].full_name, "Maria Rossi");
    assert_eq!(all[1].valid_to.as_deref(), Some("2024-06-30"));
    assert!(!all[1].active);
    let row = &s.list_comuni(&text("083097")).unwrap()[0];
    assert_eq!(row.rpct_name.as_deref(), Some("Giovanni Bianchi"));
    // A correction cannot make two RPCT in office.
    let mut again = rpct("Maria Rossi", Some("2020-03-01"));
    again.valid_to = None;
    assert_eq!(
        s.update_referent(first.id, &again).unwrap_err().field(),
        Some("role")
    );
    // Closing and opening rows are audited.
    let actions: Vec<String> = s
        .audit_log("referent", None)
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(actions, vec!["create", "close", "create"]);
}

#[test]
fn referent_validation_and_deletion() {
    let mut s = common::store();
    let mut bad = rpct("Anna Verdi", Some("2024-01-01"));
    bad.email = Some("anna@".into());
    assert_eq!(
        s.add_referent("083001", &bad).unwrap_err().field(),
        Some("email")
    );
    bad.email = None;
    bad.valid_to = Some("2023-01-01".into());
    assert_eq!(
        s.add_referent("083001", &bad).unwrap_err().field(),
        Some("valid_to")
    );
    bad.valid_to = Some("31/12/25".into());
    assert_eq!(
        s.add_referent("083001", &bad).unwrap_err().field(),
        Some("valid_to")
    );
    bad.valid_to = None;
    bad.full_name = " ".into();
    assert_eq!(
        s.add_referent("083001", &bad).unwrap_err().field(),
        Some("full_name")
    );
    assert_eq!(
        s.add_referent("999999", &rpct("X Y", None))
            .unwrap_err()
            .code(),
        "not_found"
    );
    let r = s
        .add_referent(
            "083001",
            &ReferentInput {
                role: Role::Operativo,
                ..rpct("Anna Verdi", None)
            },
        )
        .unwrap();
    assert_eq!(names(&s, &text("anna verdi")), vec!["Alcara li Fusi"]);
    s.delete_referent(r.id, None).unwrap();
    assert!(names(&s, &text("anna verdi")).is_empty());
    assert!(s.referents("083001").unwrap().is_empty());
}

#[test]
fn a_failed_action_writes_no_audit_row() {
    let mut s = common::store();
    let before = common::dump(&s);
    let _ = s.create_zone("");
    let _ = s.update_comune("083001", &ComuneInput::default());
    let _ = s.assign_comuni(Some(99_999), &["083001".into()]);
    assert_eq!(common::dump(&s), before);
}

#[test]
fn a_search_is_capped_and_its_wildcards_are_literal() {
    let s = common::store();
    // 50 KB used to reach SQLite as "LIKE pattern too complex".
    let e = s.list_comuni(&text(&"a".repeat(50_000))).unwrap_err();
    assert_eq!((e.code(), e.field()), ("validation", Some("text")));
    assert!(e.to_string().contains("200 caratteri"), "{e}");
    let e = s.list_comuni(&text(&"%_".repeat(101))).unwrap_err();
    assert_eq!(e.field(), Some("text"));
    // 200 characters are still a search.
    let long = format!("{}{}", "messina ".repeat(24), "mess");
    assert_eq!(long.chars().count(), 196);
    assert_eq!(names(&s, &text(&long)), vec!["Messina"]);
    // % and _ never act as wildcards.
    assert!(names(&s, &text("%")).len() == 108 && names(&s, &text("_")).len() == 108);
    use cdp_core::registry::like_escape;
    let like = |hay: &str, term: &str| -> bool {
        s.connection()
            .query_row(
                "SELECT ?1 LIKE '%' || ?2 || '%' ESCAPE '\\'",
                [hay, &like_escape(term)],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert!(!like("san", "s_n"));
    assert!(like("s_n", "s_n"));
    assert!(!like("messina", "m%a"));
    assert!(like("100% m", "100%"));
    assert!(like("a\\b", "a\\b") && !like("ab", "a\\b"));
}

#[test]
fn dates_are_normalised_wherever_they_enter() {
    let mut s = common::store();
    let mut r = ReferentInput {
        role: Role::Altro,
        full_name: "Maria Bianchi".into(),
        email: None,
        phone: None,
        valid_from: Some("1/2/2024".into()),
        valid_to: Some("31-12-2024".into()),
        notes: None,
        version: None,
    };
    let saved = s.add_referent("083001", &r).unwrap();
    assert_eq!(saved.valid_from.as_deref(), Some("2024-02-01"));
    assert_eq!(saved.valid_to.as_deref(), Some("2024-12-31"));
    r.valid_from = Some("2024-2-1".into());
    r.valid_to = Some("31.12.1899".into());
    let e = s.add_referent("083001", &r).unwrap_err();
    assert_eq!(e.field(), Some("valid_to"));
    assert!(e.to_string().contains("tra 1900 e 2100"), "{e}");

    use cdp_core::adhesion::{Channel, Step};
    let st = s
        .record_step(
            "083001",
            &Step::Invite {
                date: "2/1/2025".into(),
                protocol_number: "1/2025".into(),
                channel: Channel::Pec,
            },
        )
        .unwrap();
    assert_eq!(st.history.last().unwrap().date, "2025-01-02");
    // The order check compares dates, not what was typed.
    let e = s
        .record_step(
            "083001",
            &Step::Reminder {
                date: "1/1/2025".into(),
                note: None,
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("precedere"), "{e}");
}
