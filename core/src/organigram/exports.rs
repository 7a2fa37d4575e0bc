//! The people of the organigram and their roles as CSV / XLSX, and the
//! addresses of a unit's people (or of the zone referents) for a mail merge.

use std::path::Path;

use chrono::NaiveDate;

use super::tree::{NodeKind, Organigram};
use crate::error::{Error, Result};
use crate::fs::write_atomically;
use crate::io::{table_csv, table_xlsx, Format};
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

/// For a zone's node: every referent in office on `as_of` of the zone's
/// comuni (RPCT, referenti operativi, others; not the sindaci), after the zone
/// referent, one row per address.
fn zone_referent_rows(
    conn: &rusqlite::Connection,
    o: &Organigram,
    key: &str,
    rows: &mut Vec<[String; 5]>,
) -> Result<()> {
    let Some(n) = o
        .nodes
        .iter()
        .find(|n| n.key == key && n.kind == NodeKind::Zone)
    else {
        return Ok(());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT r.full_name, lower(r.email), r.role, c.name FROM referent r JOIN comune c ON c.istat = r.istat
         WHERE c.zone_id = ?1 AND r.email IS NOT NULL AND r.role <> 'sindaco'
           AND (r.valid_from IS NULL OR r.valid_from <= ?2) AND (r.valid_to IS NULL OR r.valid_to >= ?2)
         ORDER BY c.name_key, r.role <> 'rpct', r.full_name",
    )?;
    let found = stmt.query_map(rusqlite::params![n.zone_id, o.as_of], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    for f in found {
        let (name, email, role, comune) = f?;
        if rows.iter().any(|r| r[1] == email) {
            continue;
        }
        let title = match role.as_str() {
            "rpct" => "RPCT",
            "operativo" => "Referente operativo",
            _ => "Referente",
        };
        rows.push([
            name,
            email,
            title.to_string(),
            n.name.clone(),
            format!("Comune di {comune}"),
        ]);
    }
    Ok(())
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
    /// For a zone: its referent and all the referents in office of its comuni.
    pub fn org_addresses(&self, as_of: NaiveDate, key: &str) -> Result<String> {
        let o = self.organigram(as_of)?;
        let mut rows = address_rows(&o, key)?;
        zone_referent_rows(&self.conn, &o, key, &mut rows)?;
        Ok(rows
            .iter()
            .map(|r| r[1].as_str())
            .collect::<Vec<_>>()
            .join("; "))
    }

    /// Writes the CSV for a mail merge of a node's people; returns the number of addresses.
    pub fn export_org_addresses(&self, as_of: NaiveDate, key: &str, path: &Path) -> Result<usize> {
        let o = self.organigram(as_of)?;
        let mut rows = address_rows(&o, key)?;
        zone_referent_rows(&self.conn, &o, key, &mut rows)?;
        write_atomically(path, &table_csv(&ADDRESS_HEADERS, &rows)?)?;
        Ok(rows.len())
    }
}
