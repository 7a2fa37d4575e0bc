//! The figures of the Cruscotto: what the secretariat needs to see now.

use serde::Serialize;

use crate::error::Result;
use crate::zones::Zone;
use crate::Store;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dashboard {
    pub comuni: i64,
    pub population: i64,
    pub with_rpct: i64,
    pub without_rpct: i64,
    pub without_zone: i64,
    pub population_without_zone: i64,
    pub zones: Vec<Zone>,
    pub zone_proposal_pending: bool,
    /// Up to 10 comuni without an RPCT in office, most populous first.
    pub missing_rpct: Vec<(String, String)>,
}

impl Store {
    pub fn dashboard(&self) -> Result<Dashboard> {
        let today = self.today().to_string();
        let active_rpct = "EXISTS (SELECT 1 FROM referent r WHERE r.istat = c.istat AND r.role = 'rpct'
              AND (r.valid_to IS NULL OR r.valid_to >= ?1) AND (r.valid_from IS NULL OR r.valid_from <= ?1))";
        let (comuni, population, with_rpct, without_zone, population_without_zone): (
            i64,
            i64,
            i64,
            i64,
            i64,
        ) = self.conn.query_row(
            &format!(
                "SELECT count(*), coalesce(sum(population), 0),
                        coalesce(sum({active_rpct}), 0),
                        coalesce(sum(zone_id IS NULL), 0),
                        coalesce(sum(CASE WHEN zone_id IS NULL THEN population ELSE 0 END), 0)
                     FROM comune c"
            ),
            [&today],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        let missing_rpct = self
            .conn
            .prepare_cached(&format!(
                "SELECT istat, name FROM comune c WHERE NOT {active_rpct}
                 ORDER BY population DESC, name_key LIMIT 10"
            ))?
            .query_map([&today], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Dashboard {
            comuni,
            population,
            with_rpct,
            without_rpct: comuni - with_rpct,
            without_zone,
            population_without_zone,
            zones: self.zones()?,
            zone_proposal_pending: self.zone_proposal_pending()?,
            missing_rpct,
        })
    }
}
