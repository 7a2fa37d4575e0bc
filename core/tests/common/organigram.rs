//! Builders of the organigram: units, roles, external people.

use cdp_core::organigram::{PersonChoice, PersonInput, RoleInput, UnitInput};
use cdp_core::Store;

/// A unit of `kind` named `name` under `parent`, valid from the start.
pub fn unit(parent: i64, kind: &str, name: &str) -> UnitInput {
    UnitInput {
        parent_id: Some(parent),
        kind: kind.into(),
        name: name.into(),
        ..Default::default()
    }
}

/// The id of the unit named `name`.
pub fn unit_id(s: &Store, name: &str) -> i64 {
    s.org_units()
        .unwrap()
        .into_iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("no unit {name}"))
        .id
}

/// A person from outside the comuni (a professor of the University of Messina).
pub fn external(name: &str, email: Option<&str>) -> PersonChoice {
    PersonChoice::New(PersonInput {
        full_name: name.into(),
        ente: Some("Università degli Studi di Messina".into()),
        qualifica: Some("Professore associato".into()),
        email: email.map(str::to_string),
        ..Default::default()
    })
}

/// A role of `person` in a unit, from `from` (to `to`, if given).
pub fn role(
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
