//! The organigram of the project's working group: a tree of units (kinds are
//! data), people who hold roles in them with validity dates, the tree as of a
//! date, its tidy layout (drawn the same by the UI and the PDF), its
//! documents and exports.
//!
//! No second source of truth: the zone omogenee are those of
//! [`crate::zones`]. A unit with `shows_zones` shows each zone as a derived
//! child (never a copy), with the zone referent the zones module keeps;
//! setting it from the organigram calls [`Store::set_zone_referent`]. People
//! who are referents of the registry are linked, not copied.

pub mod act;
pub mod documents;
pub mod exports;
pub mod files;
pub mod layout;
pub mod people;
pub mod tree;
pub mod units;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::validate;

pub use layout::{layout, Connector, LayoutBox, LayoutInput, LayoutOptions, OrgLayout};
pub use people::{Person, PersonCandidate, PersonChoice, PersonInput, Role, RoleInput};
pub use tree::{HistoryEntry, Member, NodeKind, OrgNode, Organigram};
pub use units::{Unit, UnitDisposition, UnitInput, UnitKind};

/// This domain's part of the archive. The working group's units, people and roles.
pub(crate) const DOMAIN: crate::db::Domain<crate::Store> = crate::db::Domain {
    name: "organigram",
    migrations: &[
        crate::db::Migration {
            number: 9,
            name: "0009_organigram",
            sql: include_str!("../../migrations/0009_organigram.sql"),
        },
        // The act's template into the documents' versioned store.
        crate::db::Migration {
            number: 11,
            name: "0011_org_act_template_store",
            sql: include_str!("../../migrations/0011_org_act_template_store.sql"),
        },
    ],
    seed: Some(act::upgrade_default_template),
};

/// An optional date field typed by the user, checked and returned as ISO.
pub(crate) fn opt_date(field: &str, label: &str, v: &Option<String>) -> Result<Option<NaiveDate>> {
    crate::text::clean(v)
        .as_deref()
        .map(|d| validate::date(field, label, d))
        .transpose()
}

/// A period's end must not precede its start.
pub(crate) fn check_period(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    field: &str,
    label: &str,
) -> Result<()> {
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(Error::validation(
                field,
                format!(
                    "{label}: la data ({}) non può precedere quella di inizio ({}).",
                    t.format("%d/%m/%Y"),
                    f.format("%d/%m/%Y")
                ),
            ));
        }
    }
    Ok(())
}

/// Whether a period (ISO bounds, inclusive, open when None) contains `day`.
pub(crate) fn in_period(from: Option<&str>, to: Option<&str>, day: &str) -> bool {
    from.is_none_or(|f| f <= day) && to.is_none_or(|t| t >= day)
}

/// A period as Italian text: «dal 01/03/2026», «dal 01/03/2026 al 31/12/2026».
pub fn period_it(from: Option<&str>, to: Option<&str>) -> String {
    use crate::text::date_it;
    match (from, to) {
        (Some(f), Some(t)) => format!("dal {} al {}", date_it(f), date_it(t)),
        (Some(f), None) => format!("dal {}", date_it(f)),
        (None, Some(t)) => format!("fino al {}", date_it(t)),
        (None, None) => String::new(),
    }
}

/// A single-line text field (the one text rule), required, at most `max` characters.
pub(crate) fn required_text(field: &str, label: &str, v: &str, max: usize) -> Result<String> {
    crate::text::required(field, label, v, crate::text::Rule::line(max))
}

/// An optional single-line field (the one text rule), at most `max` characters.
pub(crate) fn optional_text(
    field: &str,
    label: &str,
    v: &Option<String>,
    max: usize,
) -> Result<Option<String>> {
    crate::text::optional(field, label, v, crate::text::Rule::line(max))
}

/// A value as JSON, for the audit rows.
pub(crate) fn json<T: Serialize>(v: &T) -> Result<serde_json::Value> {
    Ok(serde_json::to_value(v)?)
}
