//! One clock: the store is given "today" once (as the shell does with
//! `CDP_TODAY`) and the date rules of the domains follow it.

mod common;

use cdp_core::registry::Role;
use cdp_core::risks::*;
use cdp_core::{Clock, Store};
use common::registry::{referent, ReferentBuilder};
use common::risks::{measure, own_event};

const MESSINA: &str = "083048";

/// The clock the shell builds from `CDP_TODAY`.
fn clock(today: &str) -> Clock {
    Clock::from_setting(Some(today)).unwrap()
}

/// A measure adopted by Messina, its only phase due on 30 April 2027.
fn adopted(s: &mut Store) -> i64 {
    let ev = own_event(s);
    let input = MeasureInput {
        phases: vec![Phase {
            description: "Unica fase".into(),
            due: "2027-04-30".into(),
        }],
        ..measure(s, ev.id)
    };
    let m = s.create_risk_measure(&input).unwrap();
    s.adopt_risk_measures(&[MESSINA.to_string()], &[m.id], &AdoptionAdjust::default())
        .unwrap();
    m.id
}

#[test]
fn risks_lateness_follows_the_stores_clock() {
    let mut s = common::store();
    s.set_clock(clock("2027-04-01"));
    adopted(&mut s);
    // Against the store's today.
    let late = |s: &Store| s.risk_late(None).unwrap().len();
    assert_eq!(late(&s), 0, "not late before the planned date");
    s.set_clock(clock("2027-05-01"));
    assert_eq!(late(&s), 1, "late after it");
    assert!(s.risk_plan(MESSINA).unwrap().adoptions[0].late);
}

#[test]
fn training_referents_in_office_follow_the_stores_clock() {
    let mut s = common::store();
    s.add_referent(
        MESSINA,
        &referent(Role::Altro, "Orologio Futuro").since("2027-06-01"),
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
    use common::adhesion::invite;
    let mut s = common::store();
    s.set_clock(clock("2026-01-10"));
    let e = s.record_step(MESSINA, &invite("2026-01-11")).unwrap_err();
    assert_eq!(e.field(), Some("date"), "{e}");
    s.record_step(MESSINA, &invite("2026-01-10")).unwrap();
}
