//! The zone omogenee: groups of comuni, each comune in at most one zone,
//! each zone with an optional referent chosen among its comuni's referents.
//! The first run creates the five zones of the data file as a proposal,
//! which the user accepts or discards.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::version::check_version;
use crate::error::{Error, Result};
use crate::registry::referents::get_referent;
use crate::{audit, Store};

/// This domain's part of the archive. The zones' versions.
pub(crate) const DOMAIN: crate::db::Domain<crate::Store> = crate::db::Domain {
    name: "zones",
    migrations: &[crate::db::Migration {
        number: 4,
        name: "0004_zone_version",
        sql: include_str!("../../migrations/0004_zone_version.sql"),
    }],
    seed: None,
};

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Zone {
    pub id: i64,
    pub name: String,
    pub proposed: bool,
    pub referent_id: Option<i64>,
    pub referent_name: Option<String>,
    pub referent_comune: Option<String>,
    pub comuni: i64,
    pub population: i64,
    /// The version of the zone (sent back by the forms that change it).
    pub updated_at: String,
}

/// What to do with the comuni of a zone being deleted.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Disposition {
    /// Move them into another zone.
    MoveTo { zone_id: i64 },
    /// Leave them without a zone.
    Release,
}

const ZONE_SQL: &str = "SELECT z.id, z.name, z.proposed, z.referent_id, r.full_name, rc.name,
        (SELECT count(*) FROM comune c WHERE c.zone_id = z.id),
        (SELECT coalesce(sum(c.population), 0) FROM comune c WHERE c.zone_id = z.id),
        z.updated_at
     FROM zone z LEFT JOIN referent r ON r.id = z.referent_id
     LEFT JOIN comune rc ON rc.istat = r.istat";

fn zone_from_row(r: &rusqlite::Row) -> rusqlite::Result<Zone> {
    Ok(Zone {
        id: r.get(0)?,
        name: r.get(1)?,
        proposed: r.get(2)?,
        referent_id: r.get(3)?,
        referent_name: r.get(4)?,
        referent_comune: r.get(5)?,
        comuni: r.get(6)?,
        population: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

pub(crate) fn get_zone(conn: &Connection, id: i64) -> Result<Zone> {
    conn.query_row(&format!("{ZONE_SQL} WHERE z.id = ?1"), [id], zone_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("La zona non esiste (forse è stata eliminata)."))
}

fn check_name(conn: &Connection, name: &str, except: Option<i64>) -> Result<String> {
    crate::validate::unique_name(conn, "zone", "Nome della zona", "una zona", name, except)
}

fn zone_json(z: &Zone) -> Result<serde_json::Value> {
    Ok(serde_json::to_value(z)?)
}

impl Store {
    /// The zones with their number of comuni and population, in name order.
    pub fn zones(&self) -> Result<Vec<Zone>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{ZONE_SQL} ORDER BY z.name"))?;
        let rows = stmt.query_map([], zone_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn create_zone(&mut self, name: &str) -> Result<Zone> {
        self.action(|tx, op| {
            let name = check_name(tx, name, None)?;
            tx.execute(
                "INSERT INTO zone (name, proposed, created_at, updated_at) VALUES (?1, 0, ?2, ?2)",
                params![name, crate::db::version::now_utc()],
            )?;
            let z = get_zone(tx, tx.last_insert_rowid())?;
            audit::record(
                tx,
                op,
                "create",
                "zone",
                &z.id.to_string(),
                None,
                Some(&zone_json(&z)?),
            )?;
            Ok(z)
        })
    }

    /// Renames a zone; `version` is the `updated_at` the form showed.
    pub fn rename_zone(&mut self, id: i64, name: &str, version: Option<&str>) -> Result<Zone> {
        self.action(|tx, op| {
            let before = get_zone(tx, id)?;
            check_version(&before.updated_at, version)?;
            let name = check_name(tx, name, Some(id))?;
            tx.execute(
                "UPDATE zone SET name = ?2, updated_at = ?3 WHERE id = ?1",
                params![
                    id,
                    name,
                    crate::db::version::next_version(&before.updated_at)
                ],
            )?;
            let after = get_zone(tx, id)?;
            audit::record(
                tx,
                op,
                "rename",
                "zone",
                &id.to_string(),
                Some(&zone_json(&before)?),
                Some(&zone_json(&after)?),
            )?;
            Ok(after)
        })
    }

    /// Deletes a zone. If it still has comuni, `disposition` must say whether
    /// they move to another zone or are released; all in one action.
    pub fn delete_zone(
        &mut self,
        id: i64,
        disposition: Option<Disposition>,
        version: Option<&str>,
    ) -> Result<()> {
        self.action(|tx, op| {
            let before = get_zone(tx, id)?;
            check_version(&before.updated_at, version)?;
            if before.comuni > 0 {
                match disposition {
                    None => {
                        return Err(Error::conflict(
                            format!(
                                "La zona «{}» comprende {} comuni: indicare se spostarli in un'altra zona o lasciarli senza zona.",
                                before.name, before.comuni
                            ),
                            Some("disposition"),
                        ))
                    }
                    Some(Disposition::MoveTo { zone_id }) => {
                        if zone_id == id {
                            return Err(Error::validation(
                                "disposition",
                                "Scegliere una zona diversa da quella da eliminare.",
                            ));
                        }
                        let target = get_zone(tx, zone_id)?;
                        tx.execute("UPDATE comune SET zone_id = ?2 WHERE zone_id = ?1", params![id, target.id])?;
                    }
                    Some(Disposition::Release) => {
                        tx.execute("UPDATE comune SET zone_id = NULL WHERE zone_id = ?1", [id])?;
                    }
                }
            }
            tx.execute("DELETE FROM zone WHERE id = ?1", [id])?;
            audit::record(
                tx,
                op,
                "delete",
                "zone",
                &id.to_string(),
                Some(&serde_json::json!({ "zone": before, "disposition": disposition })),
                None,
            )?;
            Ok(())
        })
    }

    /// Puts the given comuni into a zone (`None`: releases them from any zone).
    /// A comune is in one zone at most, so this moves it from its previous one.
    pub fn assign_comuni(&mut self, zone_id: Option<i64>, istat: &[String]) -> Result<Vec<Zone>> {
        if istat.is_empty() {
            return Err(Error::validation("comuni", "Selezionare almeno un comune."));
        }
        self.action(|tx, op| {
            if let Some(z) = zone_id {
                get_zone(tx, z)?;
            }
            for code in istat {
                let before: Option<i64> = tx
                    .query_row("SELECT zone_id FROM comune WHERE istat = ?1", [code], |r| {
                        r.get(0)
                    })
                    .optional()?
                    .ok_or_else(|| {
                        Error::not_found(format!("Il comune con codice ISTAT {code} non esiste."))
                    })?;
                if before == zone_id {
                    continue;
                }
                tx.execute(
                    "UPDATE comune SET zone_id = ?2 WHERE istat = ?1",
                    params![code, zone_id],
                )?;
                // A zone referent must belong to one of the zone's comuni.
                if let Some(old) = before {
                    tx.execute(
                        "UPDATE zone SET referent_id = NULL WHERE id = ?1 AND referent_id IN
                           (SELECT id FROM referent WHERE istat = ?2)",
                        params![old, code],
                    )?;
                }
                audit::record(
                    tx,
                    op,
                    "assign_zone",
                    "comune",
                    code,
                    Some(&serde_json::json!({ "zone_id": before })),
                    Some(&serde_json::json!({ "zone_id": zone_id })),
                )?;
            }
            Ok(())
        })?;
        self.zones()
    }

    /// Sets (or clears) the zone referent, who must be a referent in office of one of the zone's comuni.
    pub fn set_zone_referent(
        &mut self,
        zone_id: i64,
        referent_id: Option<i64>,
        version: Option<&str>,
    ) -> Result<Zone> {
        let today = self.today().to_string();
        self.action(|tx, op| {
            let before = get_zone(tx, zone_id)?;
            check_version(&before.updated_at, version)?;
            if let Some(rid) = referent_id {
                let r = get_referent(tx, rid, &today)?;
                let in_zone: Option<i64> = tx.query_row(
                    "SELECT zone_id FROM comune WHERE istat = ?1",
                    [&r.istat],
                    |row| row.get(0),
                )?;
                if in_zone != Some(zone_id) {
                    return Err(Error::validation(
                        "referent_id",
                        format!(
                            "{} non è referente di un comune di questa zona.",
                            r.full_name
                        ),
                    ));
                }
                if !r.active {
                    return Err(Error::validation(
                        "referent_id",
                        format!(
                            "{} non è più in carica: scegliere un referente in carica.",
                            r.full_name
                        ),
                    ));
                }
            }
            tx.execute(
                "UPDATE zone SET referent_id = ?2, updated_at = ?3 WHERE id = ?1",
                params![
                    zone_id,
                    referent_id,
                    crate::db::version::next_version(&before.updated_at)
                ],
            )?;
            let after = get_zone(tx, zone_id)?;
            audit::record(
                tx,
                op,
                "set_referent",
                "zone",
                &zone_id.to_string(),
                Some(&zone_json(&before)?),
                Some(&zone_json(&after)?),
            )?;
            Ok(after)
        })
    }

    /// The referents in office of the comuni of a zone: the candidates for zone referent.
    pub fn zone_referent_candidates(&self, zone_id: i64) -> Result<Vec<crate::registry::Referent>> {
        get_zone(&self.conn, zone_id)?;
        let codes: Vec<String> = self
            .conn
            .prepare_cached("SELECT istat FROM comune WHERE zone_id = ?1 ORDER BY name_key")?
            .query_map([zone_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for code in codes {
            out.extend(self.referents(&code)?.into_iter().filter(|r| r.active));
        }
        Ok(out)
    }

    /// True while the first-run zones are still only a proposal.
    pub fn zone_proposal_pending(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM zone WHERE proposed = 1)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Accepts the proposed zones: they become the network's zones.
    pub fn accept_zone_proposal(&mut self) -> Result<Vec<Zone>> {
        self.action(|tx, op| {
            let n = tx.execute("UPDATE zone SET proposed = 0 WHERE proposed = 1", [])?;
            if n == 0 {
                return Err(Error::conflict(
                    "Non c'è alcuna proposta di zone da accettare.",
                    None,
                ));
            }
            audit::record(
                tx,
                op,
                "accept_proposal",
                "zone",
                "*",
                None,
                Some(&serde_json::json!({ "zones": n })),
            )?;
            Ok(())
        })?;
        self.zones()
    }

    /// Discards the proposed zones: their comuni are left without a zone.
    pub fn discard_zone_proposal(&mut self) -> Result<Vec<Zone>> {
        self.action(|tx, op| {
            let proposed: Vec<Zone> = {
                let mut stmt = tx.prepare(&format!("{ZONE_SQL} WHERE z.proposed = 1"))?;
                let rows = stmt.query_map([], zone_from_row)?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            if proposed.is_empty() {
                return Err(Error::conflict("Non c'è alcuna proposta di zone da scartare.", None));
            }
            tx.execute(
                "UPDATE comune SET zone_id = NULL WHERE zone_id IN (SELECT id FROM zone WHERE proposed = 1)",
                [],
            )?;
            tx.execute("DELETE FROM zone WHERE proposed = 1", [])?;
            audit::record(
                tx,
                op,
                "discard_proposal",
                "zone",
                "*",
                Some(&serde_json::to_value(&proposed)?),
                None,
            )?;
            Ok(())
        })?;
        self.zones()
    }
}
