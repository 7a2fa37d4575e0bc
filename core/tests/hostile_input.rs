//! No input panics the core or leaves a half-written record: hostile strings
//! in every text field of every form, and in the search.

mod common;

use cdp_core::db::kv::Settings;
use cdp_core::registry::{ComuneQuery, Role};
use common::registry::{comune_input, referent, ReferentBuilder};

fn nasty() -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        "'; DROP TABLE comune; --".into(),
        "%_%".into(),
        "\0\u{1}\u{7f}".into(),
        "Ωμέγα 漢字 🏛️ \u{202e}rtl".into(),
        "a".repeat(10_000),
        "\n\t\r".into(),
        "@".into(),
        "http://".into(),
        "2024-13-45".into(),
        "-1".into(),
        "e\u{301}\u{301}\u{301}".into(),
    ]
}

#[test]
fn hostile_strings_never_panic_and_failures_write_nothing() {
    let mut s = common::store();
    let base = comune_input(&s, "083048");
    for v in nasty() {
        for field in 0..10 {
            let mut c = base.clone();
            match field {
                0 => c.name = v.clone(),
                1 => c.cadastral_code = v.clone(),
                2 => c.pec = Some(v.clone()),
                3 => c.ipa_code = Some(v.clone()),
                4 => c.address = Some(v.clone()),
                5 => c.phone = Some(v.clone()),
                6 => c.website = Some(v.clone()),
                7 => c.mayor_name = Some(v.clone()),
                8 => c.notes = Some(v.clone()),
                _ => c.population = Some(i64::MAX),
            }
            let before = common::dump(&s);
            if let Err(e) = s.update_comune("083048", &c) {
                assert!(!e.to_string().is_empty());
                assert_eq!(common::dump(&s), before, "a refused edit wrote something");
            }
        }
        let r = referent(Role::Altro, &v)
            .email(&v)
            .phone(&v)
            .since(&v)
            .until(&v)
            .notes(&v);
        let before = common::dump(&s);
        if s.add_referent("083048", &r).is_err() {
            assert_eq!(common::dump(&s), before);
        }
        let _ = s.create_zone(&v);
        let current = s.settings().unwrap();
        let _ = s.save_settings(&Settings {
            operator_name: v.clone(),
            stall_days: 30,
            ..current.clone()
        });
        let before = common::dump(&s);
        let hostile = Settings {
            signatory_name: v.clone(),
            signatory_title: v.clone(),
            secretariat_pec: v.clone(),
            ..current
        };
        if s.save_settings(&hostile).is_err() {
            assert_eq!(common::dump(&s), before);
        }
        let _ = s.list_comuni(&ComuneQuery {
            text: v.clone(),
            ..Default::default()
        });
        let _ = s.list_comuni(&ComuneQuery {
            zone: Some(v.clone()),
            ..Default::default()
        });
        let _ = s.list_comuni(&ComuneQuery {
            population_class: Some(v.clone()),
            ..Default::default()
        });
        let _ = s.comune(&v);
        let _ = s.referents(&v);
    }
    // The archive is still whole.
    assert_eq!(common::integrity(s.connection()), "ok");
    assert_eq!(common::count(&s, "SELECT count(*) FROM comune"), 108);
}
