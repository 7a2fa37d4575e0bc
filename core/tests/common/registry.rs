//! Builders of the registry's inputs: referents, comuni, searches, zones.

use cdp_core::registry::{ComuneInput, ComuneQuery, ReferentInput, Role};
use cdp_core::zones::Zone;
use cdp_core::Store;

/// A referent of `role`: a name, nothing else (no contacts, no dates).
pub fn referent(role: Role, name: &str) -> ReferentInput {
    ReferentInput {
        role,
        full_name: name.into(),
        email: None,
        phone: None,
        valid_from: None,
        valid_to: None,
        notes: None,
        version: None,
    }
}

/// An RPCT: `rpct("Maria Rossi").since("2024-01-01")`.
pub fn rpct(name: &str) -> ReferentInput {
    referent(Role::Rpct, name)
}

/// Builder steps on a referent input, each changing one field.
pub trait ReferentBuilder {
    fn since(self, date: &str) -> Self;
    fn until(self, date: &str) -> Self;
    fn email(self, email: &str) -> Self;
    fn phone(self, phone: &str) -> Self;
    fn notes(self, notes: &str) -> Self;
    fn version(self, version: &str) -> Self;
}

impl ReferentBuilder for ReferentInput {
    fn since(self, date: &str) -> Self {
        ReferentInput {
            valid_from: Some(date.into()),
            ..self
        }
    }
    fn until(self, date: &str) -> Self {
        ReferentInput {
            valid_to: Some(date.into()),
            ..self
        }
    }
    fn email(self, email: &str) -> Self {
        ReferentInput {
            email: Some(email.into()),
            ..self
        }
    }
    fn phone(self, phone: &str) -> Self {
        ReferentInput {
            phone: Some(phone.into()),
            ..self
        }
    }
    fn notes(self, notes: &str) -> Self {
        ReferentInput {
            notes: Some(notes.into()),
            ..self
        }
    }
    fn version(self, version: &str) -> Self {
        ReferentInput {
            version: Some(version.into()),
            ..self
        }
    }
}

/// The edit form of a comune as the UI fills it: the comune as stored.
pub fn comune_input(store: &Store, istat: &str) -> ComuneInput {
    serde_json::from_value(serde_json::to_value(store.comune(istat).unwrap()).unwrap()).unwrap()
}

/// A search of the comuni by text, no filter.
pub fn search(text: &str) -> ComuneQuery {
    ComuneQuery {
        text: text.into(),
        ..Default::default()
    }
}

/// The names of the comuni a query lists, in its order.
pub fn names(store: &Store, q: &ComuneQuery) -> Vec<String> {
    store
        .list_comuni(q)
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect()
}

/// The zone called `name` ("Isole Eolie").
pub fn zone(store: &Store, name: &str) -> Zone {
    store
        .zones()
        .unwrap()
        .into_iter()
        .find(|z| z.name == name)
        .unwrap_or_else(|| panic!("no zone {name}"))
}
