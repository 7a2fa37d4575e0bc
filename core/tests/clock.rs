//! One clock: the store is given "today" once (as the shell does with
//! `CDP_TODAY`) and the date rules of the domains follow it.

mod common;

use cdp_core::registry::{ReferentInput, Role};
use cdp_core::risks::*;
use cdp_core::{Clock, Store};

const MESSINA: &str = "083048";

/// The clock the shell builds from `CDP_TODAY`.
fn clock(today: &str) -> Clock {
    Clock::from_setting(Some(today)).unwrap()
}

/// A measure adopted by Messina, its only phase due on 30 April 2027.
fn adopted(s: &mut Store) -> i64 {
    let voc = s.risk_vocabulary().unwrap();
    let p = s
        .create_risk_process(&ProcessInput {
            area_id: voc.areas[0].id,
            name: "Processo dell'orologio".into(),
            phases: vec!["Istruttoria".into()],
            office: "Ufficio tecnico".into(),
            simplified: true,
        })
        .unwrap();
    let ev = s
        .create_risk_event(&EventInput {
            process_id: p.id,
            description: "Evento dell'orologio".into(),
            factors: vec![],
            version: None,
        })
        .unwrap();
    let m = s
        .create_risk_measure(&MeasureInput {
            title: "Misura dell'orologio".into(),
            general: false,
            general_measure: None,
            type_code: voc.measure_types[0].code.clone(),
            description: "Descrizione.".into(),
            events: vec![ev.id],
            cost: false,
            responsabili: vec!["Responsabile del servizio".into()],
            phases: vec![Phase {
                description: "Unica fase".into(),
                due: "2027-04-30".into(),
            }],
            indicators: vec![Indicator {
                name: "Atti controllati".into(),
                kind: IndicatorKind::Percentuale,
                baseline: "0".into(),
                baseline_date: "2026-12-31".into(),
                target: "100".into(),
                target_date: "2027-12-31".into(),
            }],
            expected: "Tutti gli atti controllati.".into(),
            source: String::new(),
            version: None,
        })
        .unwrap();
    let today = s.today().to_string();
    s.adopt_risk_measures(
        &[MESSINA.to_string()],
        &[m.id],
        &AdoptionAdjust::default(),
        &today,
    )
    .unwrap();
    m.id
}

#[test]
fn risks_lateness_follows_the_stores_clock() {
    let mut s = common::store();
    s.set_clock(clock("2027-04-01"));
    adopted(&mut s);
    // As the shell asks: against the store's today.
    let late = |s: &Store| s.risk_late(None, &s.today().to_string()).unwrap().len();
    assert_eq!(late(&s), 0, "not late before the planned date");
    s.set_clock(clock("2027-05-01"));
    assert_eq!(late(&s), 1, "late after it");
    assert!(
        s.risk_plan(MESSINA, &s.today().to_string())
            .unwrap()
            .adoptions[0]
            .late
    );
}

#[test]
fn training_referents_in_office_follow_the_stores_clock() {
    let mut s = common::store();
    s.add_referent(
        MESSINA,
        &ReferentInput {
            role: Role::Altro,
            full_name: "Orologio Futuro".into(),
            email: None,
            phone: None,
            valid_from: Some("2027-06-01".into()),
            valid_to: None,
            notes: None,
            version: None,
        },
    )
    .unwrap();
    let listed = |s: &Store| {
        s.training_referents()
            .unwrap()
            .iter()
            .any(|r| r.full_name == "Orologio Futuro")
    };
    s.set_clock(clock("2027-05-01"));
    assert!(!listed(&s), "not yet in office");
    assert!(!s
        .referents(MESSINA)
        .unwrap()
        .iter()
        .any(|r| r.active && r.full_name == "Orologio Futuro"));
    s.set_clock(clock("2027-06-02"));
    assert!(listed(&s), "in office on the clock's day");
}

#[test]
fn an_adhesion_step_after_the_clocks_today_is_in_the_future() {
    use cdp_core::adhesion::{Channel, Step};
    let mut s = common::store();
    s.set_clock(clock("2026-01-10"));
    let invite = |date: &str| Step::Invite {
        date: date.into(),
        protocol_number: "1/2026".into(),
        channel: Channel::Pec,
    };
    let e = s.record_step(MESSINA, &invite("2026-01-11")).unwrap_err();
    assert_eq!(e.field(), Some("date"), "{e}");
    s.record_step(MESSINA, &invite("2026-01-10")).unwrap();
}
