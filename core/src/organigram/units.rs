//! The units of the organigram: an ordered tree, created, edited, moved and
//! deleted one action at a time, each with its audit row.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{check_period, json, opt_date, optional_text, required_text};
use crate::db::version::check_version;
use crate::error::{Error, Result};
use crate::{audit, Store};

/// A kind of unit (data, not code: the table `org_unit_kind`).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnitKind {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub position: i64,
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub description: Option<String>,
    /// The zones of the zones module are shown as this unit's children.
    pub shows_zones: bool,
    /// Under each zone, the RPCT in office of its comuni.
    pub shows_rpct: bool,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnitInput {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub shows_zones: bool,
    #[serde(default)]
    pub shows_rpct: bool,
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_to: Option<String>,
    /// The `updated_at` the form showed (edits only).
    #[serde(default)]
    pub version: Option<String>,
}

/// Where the people in office of a unit being deleted go.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnitDisposition {
    /// Their roles (the whole history of the unit's roles) move to another unit.
    MoveTo { unit_id: i64 },
    /// Their roles are removed from the organigram (the audit keeps them).
    Remove,
}

const UNIT_SQL: &str =
    "SELECT u.id, u.parent_id, u.position, u.kind, k.label, u.name, u.description,
        u.shows_zones, u.shows_rpct, u.valid_from, u.valid_to, u.updated_at
     FROM org_unit u JOIN org_unit_kind k ON k.code = u.kind";

pub(crate) fn unit_from_row(r: &Row) -> rusqlite::Result<Unit> {
    Ok(Unit {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        position: r.get(2)?,
        kind: r.get(3)?,
        kind_label: r.get(4)?,
        name: r.get(5)?,
        description: r.get(6)?,
        shows_zones: r.get(7)?,
        shows_rpct: r.get(8)?,
        valid_from: r.get(9)?,
        valid_to: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

pub(crate) fn get_unit(conn: &Connection, id: i64) -> Result<Unit> {
    conn.query_row(&format!("{UNIT_SQL} WHERE u.id = ?1"), [id], unit_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("L'unità non esiste (forse è stata eliminata)."))
}

/// All the units, parents before children, siblings in their order.
pub(crate) fn all_units(conn: &Connection) -> Result<Vec<Unit>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{UNIT_SQL} ORDER BY u.parent_id IS NOT NULL, u.parent_id, u.position, u.id"
    ))?;
    let rows = stmt.query_map([], unit_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

struct Checked {
    kind: String,
    name: String,
    description: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

fn check(conn: &Connection, input: &UnitInput) -> Result<Checked> {
    let name = required_text("name", "Nome dell'unità", &input.name, 120)?;
    let description = optional_text("description", "Descrizione", &input.description, 300)?;
    let known: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM org_unit_kind WHERE code = ?1)",
        [&input.kind],
        |r| r.get(0),
    )?;
    if !known {
        return Err(Error::validation(
            "kind",
            "Tipo di unità: scegliere un tipo dall'elenco.",
        ));
    }
    let from = opt_date("valid_from", "Costituita dal", &input.valid_from)?;
    let to = opt_date("valid_to", "Fino al", &input.valid_to)?;
    check_period(from, to, "valid_to", "Fino al")?;
    Ok(Checked {
        kind: input.kind.clone(),
        name,
        description,
        valid_from: from.map(|d| d.to_string()),
        valid_to: to.map(|d| d.to_string()),
    })
}

/// At most one unit shows the zones (or they would appear twice).
fn check_zones_once(conn: &Connection, shows: bool, except: Option<i64>) -> Result<()> {
    if !shows {
        return Ok(());
    }
    let other: Option<String> = conn
        .query_row(
            "SELECT name FROM org_unit WHERE shows_zones = 1 AND id IS NOT ?1",
            [except],
            |r| r.get(0),
        )
        .optional()?;
    match other {
        Some(n) => Err(Error::validation(
            "shows_zones",
            format!(
                "Le zone omogenee sono già mostrate sotto «{n}»: una sola unità può mostrarle."
            ),
        )),
        None => Ok(()),
    }
}

fn siblings(conn: &Connection, parent: Option<i64>, except: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM org_unit WHERE parent_id IS ?1 AND id <> ?2 ORDER BY position, id",
    )?;
    let rows = stmt.query_map(params![parent, except], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn renumber(conn: &Connection, ids: &[i64]) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        conn.execute(
            "UPDATE org_unit SET position = ?2 WHERE id = ?1 AND position <> ?2",
            params![id, i as i64],
        )?;
    }
    Ok(())
}

/// Roles of a unit in office on `day`: (count, names).
fn in_office(conn: &Connection, unit: i64, day: &str) -> Result<(i64, Vec<String>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(p.full_name, r.full_name) FROM org_role o
           JOIN org_person p ON p.id = o.person_id LEFT JOIN referent r ON r.id = p.referent_id
         WHERE o.unit_id = ?1 AND o.valid_from <= ?2 AND (o.valid_to IS NULL OR o.valid_to >= ?2)
         ORDER BY o.id",
    )?;
    let names: Vec<String> = stmt
        .query_map(params![unit, day], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((names.len() as i64, names))
}

impl Store {
    /// The kinds of unit, in their order.
    pub fn org_unit_kinds(&self) -> Result<Vec<UnitKind>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, label FROM org_unit_kind ORDER BY position, label")?;
        let rows = stmt.query_map([], |r| {
            Ok(UnitKind {
                code: r.get(0)?,
                label: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// All the units (whatever their dates), parents first, siblings in order.
    pub fn org_units(&self) -> Result<Vec<Unit>> {
        all_units(&self.conn)
    }

    pub fn org_unit(&self, id: i64) -> Result<Unit> {
        get_unit(&self.conn, id)
    }

    /// Adds a unit as the last child of `input.parent_id` (a root if None).
    pub fn create_org_unit(&mut self, input: &UnitInput) -> Result<Unit> {
        self.action(|tx, op| {
            let c = check(tx, input)?;
            if let Some(p) = input.parent_id {
                get_unit(tx, p).map_err(|_| {
                    Error::validation("parent_id", "Unità superiore: l'unità scelta non esiste più.")
                })?;
            }
            check_zones_once(tx, input.shows_zones, None)?;
            let position: i64 = tx.query_row(
                "SELECT coalesce(max(position) + 1, 0) FROM org_unit WHERE parent_id IS ?1",
                [input.parent_id],
                |r| r.get(0),
            )?;
            let now = crate::db::version::now_utc();
            tx.execute(
                "INSERT INTO org_unit (parent_id, position, kind, name, description, shows_zones, shows_rpct,
                    valid_from, valid_to, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                params![
                    input.parent_id,
                    position,
                    c.kind,
                    c.name,
                    c.description,
                    input.shows_zones,
                    input.shows_rpct,
                    c.valid_from,
                    c.valid_to,
                    now
                ],
            )?;
            let u = get_unit(tx, tx.last_insert_rowid())?;
            audit::record(tx, op, "create", "org_unit", &u.id.to_string(), None, Some(&json(&u)?))?;
            Ok(u)
        })
    }

    /// Edits a unit's name, kind, description, dates and what it shows (not its place: `move_org_unit`).
    pub fn update_org_unit(&mut self, id: i64, input: &UnitInput) -> Result<Unit> {
        self.action(|tx, op| {
            let before = get_unit(tx, id)?;
            check_version(&before.updated_at, input.version.as_deref())?;
            let c = check(tx, input)?;
            check_zones_once(tx, input.shows_zones, Some(id))?;
            tx.execute(
                "UPDATE org_unit SET kind = ?2, name = ?3, description = ?4, shows_zones = ?5, shows_rpct = ?6,
                    valid_from = ?7, valid_to = ?8, updated_at = ?9 WHERE id = ?1",
                params![
                    id,
                    c.kind,
                    c.name,
                    c.description,
                    input.shows_zones,
                    input.shows_rpct,
                    c.valid_from,
                    c.valid_to,
                    crate::db::version::next_version(&before.updated_at)
                ],
            )?;
            let after = get_unit(tx, id)?;
            audit::record(
                tx,
                op,
                "update",
                "org_unit",
                &id.to_string(),
                Some(&json(&before)?),
                Some(&json(&after)?),
            )?;
            Ok(after)
        })
    }

    /// Moves a unit under `parent_id` (None: a root) at `index` among its new siblings.
    pub fn move_org_unit(
        &mut self,
        id: i64,
        parent_id: Option<i64>,
        index: usize,
        version: Option<&str>,
    ) -> Result<Unit> {
        self.action(|tx, op| {
            let before = get_unit(tx, id)?;
            check_version(&before.updated_at, version)?;
            // The new parent must exist and must not be the unit or one of its descendants.
            let mut cursor = parent_id;
            while let Some(p) = cursor {
                if p == id {
                    return Err(Error::validation(
                        "parent_id",
                        "Unità superiore: un'unità non può essere spostata sotto sé stessa o sotto una sua articolazione.",
                    ));
                }
                cursor = get_unit(tx, p)
                    .map_err(|_| {
                        Error::validation("parent_id", "Unità superiore: l'unità scelta non esiste più.")
                    })?
                    .parent_id;
            }
            let old = siblings(tx, before.parent_id, id)?;
            renumber(tx, &old)?;
            let mut new = siblings(tx, parent_id, id)?;
            new.insert(index.min(new.len()), id);
            tx.execute(
                "UPDATE org_unit SET parent_id = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, parent_id, crate::db::version::next_version(&before.updated_at)],
            )?;
            tx.execute("UPDATE org_unit SET position = -1 WHERE id = ?1", [id])?;
            renumber(tx, &new)?;
            let after = get_unit(tx, id)?;
            audit::record(
                tx,
                op,
                "move",
                "org_unit",
                &id.to_string(),
                Some(&json(&before)?),
                Some(&json(&after)?),
            )?;
            Ok(after)
        })
    }

    /// Deletes a unit (one created by mistake, or of the proposal: a unit
    /// that existed is closed with its end date instead). Its sub-units must
    /// be moved or deleted first; if people are in office today (the
    /// store's), `disposition` says where their roles go.
    pub fn delete_org_unit(
        &mut self,
        id: i64,
        disposition: Option<UnitDisposition>,
        version: Option<&str>,
    ) -> Result<()> {
        let today = self.today();
        self.action(|tx, op| {
            let before = get_unit(tx, id)?;
            check_version(&before.updated_at, version)?;
            let children: i64 = tx.query_row(
                "SELECT count(*) FROM org_unit WHERE parent_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if children > 0 {
                return Err(Error::conflict(
                    format!(
                        "L'unità «{}» ha {} al suo interno: spostarle o eliminarle prima.",
                        before.name,
                        if children == 1 { "un'unità".to_string() } else { format!("{children} unità") }
                    ),
                    None,
                ));
            }
            let (n, names) = in_office(tx, id, &today.to_string())?;
            let roles: Vec<serde_json::Value> = {
                let mut stmt = tx.prepare("SELECT id, person_id, title, valid_from, valid_to FROM org_role WHERE unit_id = ?1")?;
                let rows = stmt.query_map([id], |r| {
                    Ok(serde_json::json!({
                        "id": r.get::<_, i64>(0)?, "person_id": r.get::<_, i64>(1)?,
                        "title": r.get::<_, String>(2)?, "valid_from": r.get::<_, String>(3)?,
                        "valid_to": r.get::<_, Option<String>>(4)?,
                    }))
                })?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            match disposition {
                None if n > 0 => {
                    return Err(Error::conflict(
                        format!(
                            "Nell'unità «{}» {} in carica {}: indicare se spostare gli incarichi in un'altra unità o rimuoverli dall'organigramma.",
                            before.name,
                            if n == 1 { "è" } else { "sono" },
                            names.join(", ")
                        ),
                        Some("disposition"),
                    ))
                }
                Some(UnitDisposition::MoveTo { unit_id }) => {
                    if unit_id == id {
                        return Err(Error::validation(
                            "disposition",
                            "Scegliere un'unità diversa da quella da eliminare.",
                        ));
                    }
                    get_unit(tx, unit_id).map_err(|_| {
                        Error::validation("disposition", "L'unità di destinazione non esiste più.")
                    })?;
                    tx.execute(
                        "UPDATE org_role SET unit_id = ?2, updated_at = ?3 WHERE unit_id = ?1",
                        params![id, unit_id, crate::db::version::now_utc()],
                    )?;
                }
                _ => {
                    tx.execute("DELETE FROM org_role WHERE unit_id = ?1", [id])?;
                }
            }
            tx.execute("DELETE FROM org_unit WHERE id = ?1", [id])?;
            let rest = siblings(tx, before.parent_id, id)?;
            renumber(tx, &rest)?;
            audit::record(
                tx,
                op,
                "delete",
                "org_unit",
                &id.to_string(),
                Some(&serde_json::json!({ "unit": before, "roles": roles, "disposition": disposition })),
                None,
            )?;
            Ok(())
        })
    }
}
