//! Property tests of every input type a command hands to the core: random
//! strings (any Unicode, control characters, emoji, scripts the fonts lack,
//! very long runs, numbers as text far out of range) and random numbers in
//! every field. The answer must be `Ok` or an error the UI can show (a
//! field error, a conflict, a refused step), never a panic; and whatever is
//! stored obeys the one text rule (no control character but tab and line
//! break, only characters the documents can print).

mod common;

use std::cell::RefCell;

use cdp_core::adhesion::{Channel, Step};
use cdp_core::organigram::{PersonChoice, PersonInput, RoleInput, UnitInput};
use cdp_core::registry::referents::{ReferentInput, Role};
use cdp_core::registry::{ComuneInput, ComuneQuery};
use cdp_core::risks::{
    AreaInput, ContextInput, EventInput as RiskEventInput, Indicator, IndicatorKind, MeasureInput,
    Phase, ProcessInput,
};
use cdp_core::text::{field, Rule};
use cdp_core::training::participants::ParticipantInput;
use cdp_core::training::survey::{NeedInput, SurveyInput};
use cdp_core::training::{EventInput, TrainingSettings};
use cdp_core::Store;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Characters a user may type or paste, the hostile ones among them.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => prop::sample::select(
            "abcdefghilmnopqrstuvzABCDMRSàèéìòùÀÈ'’ -.,;:/@_()°€«»0123456789"
                .chars()
                .collect::<Vec<_>>()
        ),
        2 => prop::sample::select(vec![
            '\0', '\u{1}', '\u{7}', '\u{1b}', '\t', '\n', '\r', '\u{7f}', '\u{85}', '\u{fffe}',
            '\u{ffff}', '\u{202e}', '\u{200b}', '\u{2028}', '\u{301}', '😀', '🇮', '月', 'ש',
            '\u{e000}', '\u{10ffff}',
        ]),
        1 => any::<char>(),
    ]
}

/// A hostile string: random characters, a number as text far out of range,
/// or one character repeated thousands of times.
fn hostile() -> BoxedStrategy<String> {
    prop_oneof![
        6 => prop::collection::vec(any_char(), 0..40).prop_map(|v| v.into_iter().collect()),
        2 => prop::sample::select(vec![
            "", " ", "\u{a0}", "0", "-1", "2,5", "9223372036854775807", "-9223372036854775808",
            "9223372036854775807:00", "99999999999999999999:99", "1e309", "NaN", "24:60",
            "23:59", "31/02/2027", "29/02/2028", "9999-12-31", "0000-00-00", "10/03/2027",
            "2027-03-10", "=HYPERLINK(\"http://x\")", "+cmd|'/C calc'!A0", "{{ x }}", "{% for %}",
        ])
        .prop_map(String::from),
        1 => (any_char(), 0usize..6000).prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
    .boxed()
}

/// Either a valid value or a hostile one.
fn or_hostile(valid: &'static str) -> BoxedStrategy<String> {
    prop_oneof![1 => Just(valid.to_string()), 2 => hostile()].boxed()
}

fn opt_or_hostile(valid: &'static str) -> BoxedStrategy<Option<String>> {
    prop_oneof![1 => Just(None), 3 => or_hostile(valid).prop_map(Some)].boxed()
}

fn number() -> BoxedStrategy<i64> {
    prop_oneof![
        2 => any::<i64>(),
        1 => prop::sample::select(vec![i64::MIN, -1, 0, 1, 40, 75, 100, 101, 2027, i64::MAX]),
    ]
    .boxed()
}

/// Every string of a value the core returned obeys the text rule.
fn stored_text_obeys_the_rule(v: &serde_json::Value) -> Result<(), TestCaseError> {
    match v {
        serde_json::Value::String(s) => {
            if let Err(e) = field("stored", "Valore", s, Rule::lines(usize::MAX)) {
                return Err(TestCaseError::fail(format!("stored {s:?}: {e}")));
            }
        }
        serde_json::Value::Array(a) => a.iter().try_for_each(stored_text_obeys_the_rule)?,
        serde_json::Value::Object(o) => o.values().try_for_each(stored_text_obeys_the_rule)?,
        _ => {}
    }
    Ok(())
}

/// `Ok` (and what it stored obeys the rule) or an error the UI can show.
fn answered<T: serde::Serialize>(
    what: &str,
    r: cdp_core::error::Result<T>,
) -> Result<(), TestCaseError> {
    match r {
        Ok(v) => stored_text_obeys_the_rule(&serde_json::to_value(&v).unwrap()),
        Err(e) => {
            let code = e.code();
            prop_assert!(
                matches!(
                    code,
                    "validation" | "conflict" | "not_found" | "invalid_transition"
                ),
                "{what}: {code}: {e}"
            );
            if code == "validation" {
                prop_assert!(e.field().is_some_and(|f| !f.is_empty()), "{what}: {e}");
            }
            prop_assert!(!e.to_string().is_empty(), "{what}");
            Ok(())
        }
    }
}

/// Runs `cases` random inputs from `strategy` against one archive.
fn run<S: Strategy>(
    cases: u32,
    store: &RefCell<Store>,
    strategy: S,
    test: impl Fn(&mut Store, S::Value) -> Result<(), TestCaseError>,
) {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |v| test(&mut store.borrow_mut(), v))
        .unwrap();
}

const CASES: u32 = 200;

#[test]
fn registry_inputs() {
    let store = RefCell::new(common::store());
    let istat = store.borrow().list_comuni(&ComuneQuery::default()).unwrap()[0]
        .istat
        .clone();
    let comune = (
        or_hostile("Alì Terme"),
        or_hostile("A201"),
        prop::option::of(number()),
        prop::option::of(number()),
        opt_or_hostile("protocollo@pec.comune.alì.me.it"),
        opt_or_hostile("c_a201"),
        (
            opt_or_hostile("Via Roma 1"),
            opt_or_hostile("090 123456"),
            opt_or_hostile("https://www.comune.aliterme.me.it"),
            opt_or_hostile("Mario Rossi"),
            opt_or_hostile("Note"),
            opt_or_hostile("Area Amministrativa"),
            opt_or_hostile("00123456789"),
        ),
    );
    run(
        CASES,
        &store,
        comune,
        |s, (name, cad, pop, year, pec, ipa, (addr, phone, web, mayor, notes, office, cf))| {
            let input = ComuneInput {
                name,
                cadastral_code: cad,
                population: pop,
                population_year: year,
                pec,
                ipa_code: ipa,
                address: addr,
                phone,
                website: web,
                mayor_name: mayor,
                notes,
                proposing_office: office,
                fiscal_code: cf,
                ..Default::default()
            };
            answered("update_comune", s.update_comune(&istat, &input))
        },
    );
    let referent = (
        or_hostile("Maria Rossi"),
        opt_or_hostile("m.rossi@comune.esempio.it"),
        opt_or_hostile("090 123456"),
        opt_or_hostile("01/01/2026"),
        opt_or_hostile("31/12/2026"),
        opt_or_hostile("Note"),
    );
    run(
        CASES,
        &store,
        referent,
        |s, (full_name, email, phone, from, to, notes)| {
            let input = ReferentInput {
                role: Role::Altro,
                full_name,
                email,
                phone,
                valid_from: from,
                valid_to: to,
                notes,
                version: None,
            };
            answered("add_referent", s.add_referent(&istat, &input))
        },
    );
    run(CASES, &store, hostile(), |s, text| {
        answered(
            "list_comuni",
            s.list_comuni(&ComuneQuery {
                text,
                ..Default::default()
            }),
        )
    });
    run(CASES, &store, or_hostile("Zona dei Nebrodi"), |s, name| {
        answered("create_zone", s.create_zone(&name))
    });
}

#[test]
fn adhesion_steps() {
    let store = RefCell::new(common::store());
    let comuni: Vec<String> = store
        .borrow()
        .list_comuni(&ComuneQuery::default())
        .unwrap()
        .into_iter()
        .map(|c| c.istat)
        .collect();
    let step = (
        0..comuni.len(),
        or_hostile("10/03/2026"),
        or_hostile("1234"),
        opt_or_hostile("Nessuna risposta"),
        0..3u8,
    );
    run(CASES, &store, step, |s, (i, date, number, note, kind)| {
        let step = match kind {
            0 => Step::Invite {
                date,
                protocol_number: number,
                channel: Channel::Pec,
            },
            1 => Step::Reminder { date, note },
            _ => Step::Withdraw { date, act: number },
        };
        answered("record_step", s.record_step(&comuni[i], &step))
    });
}

#[test]
fn organigram_inputs() {
    let store = RefCell::new(common::store());
    let (root, kind) = {
        let s = store.borrow();
        let units = s.org_units().unwrap();
        let root = units.iter().find(|u| u.parent_id.is_none()).unwrap().id;
        (root, s.org_unit_kinds().unwrap()[0].code.clone())
    };
    let unit = (
        or_hostile("Tavolo sugli appalti"),
        opt_or_hostile("Descrizione"),
        opt_or_hostile("01/01/2026"),
        opt_or_hostile("31/12/2027"),
    );
    run(CASES, &store, unit, |s, (name, description, from, to)| {
        let input = UnitInput {
            parent_id: Some(root),
            kind: kind.clone(),
            name,
            description,
            valid_from: from,
            valid_to: to,
            ..Default::default()
        };
        answered("create_org_unit", s.create_org_unit(&input))
    });
    let role = (
        or_hostile("Mario Bianchi"),
        opt_or_hostile("Università degli Studi di Messina"),
        opt_or_hostile("Professore associato"),
        opt_or_hostile("m.bianchi@unime.it"),
        opt_or_hostile("090 123456"),
        or_hostile("Esperto"),
        opt_or_hostile("01/01/2026"),
        opt_or_hostile("31/12/2027"),
    );
    run(
        CASES,
        &store,
        role,
        |s, (full_name, ente, qualifica, email, phone, title, from, to)| {
            let input = RoleInput {
                unit_id: root,
                person: PersonChoice::New(PersonInput {
                    full_name,
                    ente,
                    qualifica,
                    email,
                    phone,
                    homonym: true,
                    version: None,
                }),
                title,
                valid_from: from,
                valid_to: to,
                version: None,
            };
            answered("add_org_role", s.add_org_role(&input))
        },
    );
}

#[test]
fn training_inputs() {
    let store = RefCell::new(common::store());
    let event = (
        (
            or_hostile("giornata"),
            or_hostile("presenza"),
            or_hostile("Il PIAO e la sezione Rischi corruttivi"),
            prop::option::of(number()),
            or_hostile("10/03/2027"),
            or_hostile("09:30"),
            or_hostile("13:00"),
        ),
        (
            opt_or_hostile("Palazzo dei Leoni, Messina"),
            opt_or_hostile("https://meet.esempio.it/cdp"),
            opt_or_hostile("Dott.ssa Maria Rossi"),
            opt_or_hostile("2,5"),
            opt_or_hostile("generale"),
            opt_or_hostile("50"),
            or_hostile(""),
            opt_or_hostile("Note"),
        ),
    );
    run(
        CASES,
        &store,
        event,
        |s,
         (
            (kind, mode, title, theme_id, date, start, end),
            (place, link, speakers, hours, level, seats, state, notes),
        )| {
            let input = EventInput {
                kind,
                mode,
                title,
                theme_id,
                date,
                start_time: start,
                end_time: end,
                // A choice of the hour that comes twice, given for any time.
                start_repeat: Some(cdp_core::training::Occurrence::Solare),
                end_repeat: None,
                place,
                link,
                speakers,
                hours,
                level,
                audience: vec!["rpct".into()],
                zone_id: None,
                seats,
                state,
                notes,
                version: None,
            };
            answered("create_training_event", s.create_training_event(&input))
        },
    );
    let participant = (
        or_hostile("Maria Rossi"),
        opt_or_hostile("083001"),
        opt_or_hostile("Comune di Messina"),
        opt_or_hostile("Istruttore"),
        opt_or_hostile("m.rossi@comune.messina.it"),
    );
    run(
        CASES,
        &store,
        participant,
        |s, (full_name, istat, ente, role, email)| {
            let input = ParticipantInput {
                full_name,
                istat,
                ente,
                role,
                email,
                version: None,
            };
            answered(
                "add_training_participant",
                s.add_training_participant(&input),
            )
        },
    );
    let survey = (
        or_hostile("083048"),
        any::<i32>(),
        opt_or_hostile("webinar"),
        opt_or_hostile("Note"),
        prop::collection::vec(
            (number(), prop::option::of(number()), opt_or_hostile("12")),
            0..4,
        ),
    );
    run(
        CASES,
        &store,
        survey,
        |s, (istat, year, mode, notes, needs)| {
            let input = SurveyInput {
                istat,
                year,
                preferred_mode: mode,
                notes,
                needs: needs
                    .into_iter()
                    .map(|(theme_id, priority, staff)| NeedInput {
                        theme_id,
                        priority,
                        staff,
                    })
                    .collect(),
                version: None,
            };
            answered("save_training_survey", s.save_training_survey(&input))
        },
    );
    run(CASES, &store, (number(), number()), |s, (share, hours)| {
        let current = s.training_settings().unwrap();
        let input = TrainingSettings {
            min_share: share,
            target_hours: hours,
            ..current
        };
        answered("save_training_settings", s.save_training_settings(&input))
    });
    run(CASES, &store, or_hostile("Appalti"), |s, name| {
        answered("add_training_theme", s.add_training_theme(&name))
    });
}

#[test]
fn risks_inputs() {
    let store = RefCell::new(common::store());
    let (area, type_code, istat) = {
        let s = store.borrow();
        let v = s.risk_vocabulary().unwrap();
        let istat = s.list_comuni(&ComuneQuery::default()).unwrap()[0]
            .istat
            .clone();
        (v.areas[0].id, v.measure_types[0].code.clone(), istat)
    };
    run(
        CASES,
        &store,
        (
            or_hostile("Area di prova"),
            or_hostile("specifica"),
            opt_or_hostile("Nota"),
        ),
        |s, (name, kind, note)| {
            answered(
                "add_risk_area",
                s.add_risk_area(&AreaInput { name, kind, note }),
            )
        },
    );
    let process = (
        or_hostile("Processo di prova"),
        prop::collection::vec(or_hostile("Istruttoria"), 0..3),
        or_hostile("Ufficio tecnico"),
    );
    run(CASES, &store, process, |s, (name, phases, office)| {
        let input = ProcessInput {
            area_id: area,
            name,
            phases,
            office,
            simplified: false,
        };
        let p = s.create_risk_process(&input);
        if let Ok(p) = &p {
            let e = s.create_risk_event(&RiskEventInput {
                process_id: p.id,
                description: input.name.clone(),
                factors: input.phases.clone(),
                version: None,
            });
            answered("create_risk_event", e)?;
        }
        answered("create_risk_process", p)
    });
    let measure = (
        (
            or_hostile("Misura di prova"),
            or_hostile("Descrizione"),
            prop::collection::vec(or_hostile("Responsabile del servizio"), 0..3),
        ),
        prop::collection::vec((or_hostile("Prima fase"), or_hostile("31/03/2027")), 0..3),
        (
            or_hostile("Atti controllati"),
            or_hostile("0"),
            or_hostile("31/12/2026"),
            or_hostile("100"),
            or_hostile("31/12/2027"),
        ),
        (or_hostile("Tutti gli atti"), or_hostile("PNA 2019")),
    );
    run(
        CASES,
        &store,
        measure,
        |s,
         (
            (title, description, responsabili),
            phases,
            (name, baseline, baseline_date, target, target_date),
            (expected, source),
        )| {
            let input = MeasureInput {
                title,
                general: false,
                general_measure: None,
                type_code: type_code.clone(),
                description,
                events: vec![],
                cost: false,
                responsabili,
                phases: phases
                    .into_iter()
                    .map(|(description, due)| Phase { description, due })
                    .collect(),
                indicators: vec![Indicator {
                    name,
                    kind: IndicatorKind::Percentuale,
                    baseline,
                    baseline_date,
                    target,
                    target_date,
                }],
                expected,
                source,
                version: None,
            };
            answered("create_risk_measure", s.create_risk_measure(&input))
        },
    );
    let context = (
        prop::option::of(number()),
        or_hostile("Comune di Alì"),
        or_hostile("Area amministrativa"),
        or_hostile("Nessuno"),
        or_hostile("Note"),
    );
    run(
        CASES,
        &store,
        context,
        |s, (employees, with, units, problems, notes)| {
            let input = ContextInput {
                employees,
                segretario_convenzione: true,
                convenzione_with: with,
                units,
                problems,
                notes,
                version: None,
            };
            answered("save_risk_context", s.save_risk_context(&istat, &input))
        },
    );
}

#[test]
fn settings_and_templates() {
    let store = RefCell::new(common::store());
    let settings = (
        or_hostile("Mario Rossi"),
        number(),
        or_hostile("Dott. Mario Rossi"),
        or_hostile("Il Segretario Generale"),
        or_hostile("Corso Cavour 87, Messina"),
        or_hostile("80002760835"),
        or_hostile("090 7761"),
        or_hostile("protocollo@pec.prov.me.it"),
    );
    run(
        CASES,
        &store,
        settings,
        |s, (operator, stall, signatory, title, address, cf, phone, pec)| {
            let current = s.settings().unwrap();
            let input = cdp_core::db::kv::Settings {
                operator_name: operator,
                stall_days: stall,
                signatory_name: signatory,
                signatory_title: title,
                secretariat_address: address,
                secretariat_fiscal_code: cf,
                secretariat_phone: phone,
                secretariat_pec: pec,
                ..current
            };
            answered("save_settings", s.save_settings(&input))
        },
    );
    // Templates: a few cases, as each valid one is filled for every comune.
    run(40, &store, hostile(), |s, body| {
        answered(
            "save_template",
            s.save_template(cdp_core::adhesion::documents::DocKind::Lettera, &body, None),
        )?;
        answered(
            "save_org_act_template",
            s.save_org_act_template(&body, None),
        )
    });
}

#[test]
fn piao_inputs() {
    use cdp_core::piao::relazione::RelazioneInput;
    use cdp_core::piao::{Objective, PiaoInput, TransparencyAdjust};
    let store = RefCell::new(common::store());
    let istat: String = store
        .borrow()
        .connection()
        .query_row("SELECT istat FROM comune ORDER BY istat LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let data = (
        number(),
        or_hostile("decreto sindacale n. 3 del 15/01/2025"),
        or_hostile("Giunta comunale"),
        or_hostile("Territorio montano."),
        or_hostile("Verifica semestrale del RPCT."),
        (
            or_hostile("Revisione del codice"),
            or_hostile("sì/no"),
            or_hostile("OS-01"),
        ),
        (
            or_hostile("01.02"),
            or_hostile("Area amministrativa"),
            or_hostile("Segreteria"),
        ),
    );
    run(
        CASES,
        &store,
        data,
        |s,
         (
            year,
            act,
            organs,
            external,
            monitoring,
            (title, indicator, code),
            (t_code, send, publish),
        )| {
            let input = PiaoInput {
                first_year: Some(year as i32),
                rpct_act: act,
                organs,
                external_context: external,
                monitoring,
                no_corruption: Some(year % 2 == 0),
                no_dysfunction: None,
                no_reorganisation: Some(true),
                objectives: vec![Objective {
                    code: Some(code),
                    title,
                    indicator,
                }],
                transparency: vec![TransparencyAdjust {
                    code: t_code,
                    applies: year % 3 == 0,
                    office_send: send,
                    office_publish: publish,
                }],
                version: s.piao_data(&istat).unwrap().updated_at,
            };
            answered("save_piao_data", s.save_piao_data(&istat, &input))?;
            let (doc, _) = s.piao_section(&istat, "2027-11-20").unwrap();
            prop_assert!(cdp_core::documents::render::unprintable(&doc).is_empty());
            Ok(())
        },
    );
    run(
        CASES,
        &store,
        (number(), hostile(), or_hostile("Le misure sono attuate.")),
        |s, (year, a, b)| {
            let year = year as i32;
            let version = s
                .piao_relazione(&istat, year)
                .ok()
                .and_then(|r| r.updated_at);
            answered(
                "save_piao_relazione",
                s.save_piao_relazione(
                    &istat,
                    year,
                    &RelazioneInput {
                        considerations: vec![a, b, String::new(), String::new()],
                        version,
                    },
                ),
            )
        },
    );
}
