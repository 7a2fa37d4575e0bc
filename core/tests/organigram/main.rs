//! Organigram, by topic: units, people and roles (the tree as of a date,
//! zones derived from the zones module, history), the tidy layout's
//! invariants, and the documents (chart, composition, draft act).

#[path = "../common/mod.rs"]
mod common;

mod documents;
mod people;
mod tidy_layout;
mod units;

use cdp_core::organigram::layout::{tidy, LayoutInput};
use cdp_core::organigram::{
    layout, LayoutOptions, NodeKind, PersonChoice, PersonInput, RoleInput, UnitDisposition,
    UnitInput,
};
use cdp_core::registry::ReferentInput;
use cdp_core::Store;
use chrono::NaiveDate;
use common::organigram::{external, role, unit, unit_id};
use common::registry::ReferentBuilder;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Adds an RPCT of `istat` in office from `from`: its id.
fn rpct(s: &mut Store, istat: &str, name: &str, email: Option<&str>, from: &str) -> i64 {
    s.add_referent(
        istat,
        &ReferentInput {
            email: email.map(str::to_string),
            ..common::registry::rpct(name).since(from)
        },
    )
    .unwrap()
    .id
}

/// A thematic table under «Tavoli tematici», valid from `from`: its id.
fn tavolo(s: &mut Store, name: &str, from: &str) -> i64 {
    let parent = unit_id(s, "Tavoli tematici");
    s.create_org_unit(&UnitInput {
        valid_from: Some(from.into()),
        ..unit(parent, "tavolo", name)
    })
    .unwrap()
    .id
}

fn names_at(s: &Store, day: &str) -> Vec<String> {
    s.organigram(d(day))
        .unwrap()
        .people()
        .map(|(n, m)| format!("{} / {} / {}", n.name, m.title, m.full_name))
        .collect()
}
