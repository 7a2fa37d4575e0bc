//! The registry: editing, validation, search, filters, referents and their history.

mod common;

use cdp_core::registry::{ComuneInput, ComuneQuery, Role, SortKey};
use common::registry::{
    comune_input, names, referent, rpct, search as text, zone, ReferentBuilder,
};
use common::{assert_refused, with};

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
    s.add_referent("083089", &rpct("Nicolò D'Àmico").since("2024-01-01"))
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
    let eolie = zone(&s, "Isole Eolie");
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
    let good = comune_input(&s, "083048");
    let before = common::dump(&s);
    let change = |f: fn(&mut ComuneInput)| with(&good, f);
    let rows = vec![
        (change(|c| c.pec = Some("protocollo@pec".into())), "pec", ""),
        (
            change(|c| c.pec = Some("protocollo pec.it".into())),
            "pec",
            "",
        ),
        (
            change(|c| c.ipa_code = Some("c f158!".into())),
            "ipa_code",
            "",
        ),
        (change(|c| c.phone = Some("abc".into())), "phone", ""),
        (
            change(|c| c.website = Some("comune messina".into())),
            "website",
            "",
        ),
        (change(|c| c.name = "   ".into()), "name", ""),
        (
            change(|c| c.cadastral_code = "12".into()),
            "cadastral_code",
            "",
        ),
        (change(|c| c.population = Some(-5)), "population", ""),
        (
            change(|c| c.population_year = Some(1700)),
            "population_year",
            "",
        ),
    ];
    let errors = assert_refused(rows, |c| s.update_comune("083048", c));
    assert!(errors.iter().all(|e| e.code() == "validation"));
    assert_eq!(common::dump(&s), before, "a refused edit wrote something");
    assert_eq!(
        s.update_comune("000000", &good).unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn a_valid_edit_is_saved_normalised_with_its_audit_row() {
    let mut s = common::store();
    let mut c = comune_input(&s, "083048");
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
        .add_referent("083097", &rpct("Maria Rossi").since("2020-03-01"))
        .unwrap();
    assert!(first.active);
    // A replacement needs its start date, after the current one's start.
    let rows = vec![
        (rpct("Giovanni Bianchi"), "valid_from", ""),
        (
            rpct("Giovanni Bianchi").since("2019-01-01"),
            "valid_from",
            "",
        ),
    ];
    assert_refused(rows, |r| s.add_referent("083097", r));
    let second = s
        .add_referent("083097", &rpct("Giovanni Bianchi").since("2024-07-01"))
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
    let mut again = rpct("Maria Rossi").since("2020-03-01");
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
    let anna = || rpct("Anna Verdi").since("2024-01-01");
    let rows = vec![
        (anna().email("anna@"), "email", ""),
        (anna().until("2023-01-01"), "valid_to", ""),
        (anna().until("31/12/25"), "valid_to", ""),
        (rpct(" ").since("2024-01-01"), "full_name", ""),
    ];
    assert_refused(rows, |r| s.add_referent("083001", r));
    assert_eq!(
        s.add_referent("999999", &rpct("X Y")).unwrap_err().code(),
        "not_found"
    );
    let r = s
        .add_referent("083001", &referent(Role::Operativo, "Anna Verdi"))
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
    let rows = vec![
        (text(&"a".repeat(50_000)), "text", "200 caratteri"),
        (text(&"%_".repeat(101)), "text", ""),
    ];
    let errors = assert_refused(rows, |q| s.list_comuni(q));
    assert_eq!(errors[0].code(), "validation");
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
    let mut r = referent(Role::Altro, "Maria Bianchi")
        .since("1/2/2024")
        .until("31-12-2024");
    let saved = s.add_referent("083001", &r).unwrap();
    assert_eq!(saved.valid_from.as_deref(), Some("2024-02-01"));
    assert_eq!(saved.valid_to.as_deref(), Some("2024-12-31"));
    r.valid_from = Some("2024-2-1".into());
    r.valid_to = Some("31.12.1899".into());
    let e = s.add_referent("083001", &r).unwrap_err();
    assert_eq!(e.field(), Some("valid_to"));
    assert!(e.to_string().contains("tra 1900 e 2100"), "{e}");

    use common::adhesion::{invite, reminder};
    let st = s.record_step("083001", &invite("2/1/2025")).unwrap();
    assert_eq!(st.history.last().unwrap().date, "2025-01-02");
    // The order check compares dates, not what was typed.
    let e = s.record_step("083001", &reminder("1/1/2025")).unwrap_err();
    assert!(e.to_string().contains("precedere"), "{e}");
}
