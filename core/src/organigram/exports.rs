//! The people of the organigram and their roles as CSV / XLSX, and the
//! addresses of a unit's people (or of the zone referents) for a mail merge.

use std::path::Path;

use chrono::NaiveDate;

use super::tree::{NodeKind, Organigram};
use crate::error::{Error, Result};
use crate::io::{table_csv, table_xlsx, write_atomically, Format};
use crate::text::date_it;
use crate::Store;

pub const ROLE_HEADERS: [&str; 12] = [
    "Unità",
    "Collocazione",
    "Tipo di unità",
    "Ruolo",
    "Nome e cognome",
    "Ente",
    "Qualifica",
    "E-mail",
    "Telefono",
    "Dal",
    "Al",
    "Fonte",
];

pub const ADDRESS_HEADERS: [&str; 5] = ["Nome e cognome", "E-mail", "Ruolo", "Unità", "Ente"];

/// One row per person in office on the organigram's date, in the tree's order.
pub fn role_rows(o: &Organigram) -> Vec<[String; 12]> {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut rows = Vec::new();
    for (i, n) in o.nodes.iter().enumerate() {
        let path = o.path(i);
        let place = path[..path.len() - 1].join(" › ");
        for m in &n.members {
            rows.push([
                n.name.clone(),
                place.clone(),
                n.kind_label.clone(),
                m.title.clone(),
                m.full_name.clone(),
                s(&m.ente),
                s(&m.qualifica),
                s(&m.email),
                s(&m.phone),
                m.valid_from.as_deref().map(date_it).unwrap_or_default(),
                m.valid_to.as_deref().map(date_it).unwrap_or_default(),
                if m.referent_id.is_some() {
                    "Anagrafica dei referenti".to_string()
                } else {
                    "Organigramma".to_string()
                },
            ]);
        }
    }
    rows
}

/// The people of the node `key` with their addresses: its members and, for
/// the unit that shows the zones, the zone referents. One row per address.
pub fn address_rows(o: &Organigram, key: &str) -> Result<Vec<[String; 5]>> {
    let i = o
        .nodes
        .iter()
        .position(|n| n.key == key)
        .ok_or_else(|| Error::not_found("L'unità non è nell'organigramma alla data scelta."))?;
    let mut sources = vec![i];
    sources.extend(
        o.nodes[i]
            .children
            .iter()
            .copied()
            .filter(|&c| o.nodes[c].kind == NodeKind::Zone),
    );
    let mut rows: Vec<[String; 5]> = Vec::new();
    for n in sources.into_iter().map(|j| &o.nodes[j]) {
        for m in &n.members {
            let Some(email) = &m.email else { continue };
            if rows.iter().any(|r| &r[1] == email) {
                continue;
            }
            rows.push([
                m.full_name.clone(),
                email.clone(),
                m.title.clone(),
                n.name.clone(),
                m.ente.clone().unwrap_or_default(),
            ]);
        }
    }
    Ok(rows)
}

impl Store {
    /// Writes the people and roles in office on `as_of`; returns the number of rows.
    pub fn export_org_roles(&self, as_of: NaiveDate, format: Format, path: &Path) -> Result<usize> {
        let rows = role_rows(&self.organigram(as_of)?);
        let bytes = match format {
            Format::Csv => table_csv(&ROLE_HEADERS, &rows)?,
            Format::Xlsx => table_xlsx("Organigramma", &ROLE_HEADERS, &rows, &[])?,
        };
        write_atomically(path, &bytes)?;
        Ok(rows.len())
    }

    /// The e-mail addresses of a node's people on `as_of`, ready to paste into a mail client («a; b; c»).
    pub fn org_addresses(&self, as_of: NaiveDate, key: &str) -> Result<String> {
        let rows = address_rows(&self.organigram(as_of)?, key)?;
        Ok(rows
            .iter()
            .map(|r| r[1].as_str())
            .collect::<Vec<_>>()
            .join("; "))
    }

    /// Writes the CSV for a mail merge of a node's people; returns the number of addresses.
    pub fn export_org_addresses(&self, as_of: NaiveDate, key: &str, path: &Path) -> Result<usize> {
        let rows = address_rows(&self.organigram(as_of)?, key)?;
        write_atomically(path, &table_csv(&ADDRESS_HEADERS, &rows)?)?;
        Ok(rows.len())
    }
}
