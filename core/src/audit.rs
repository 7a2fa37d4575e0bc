//! The append-only change log. A row is written by the same transaction as
//! the change it describes; triggers refuse any UPDATE or DELETE on it.

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::Result;
use crate::Store;

/// Writes one audit row inside the caller's transaction.
pub fn record(
    conn: &Connection,
    operator: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO audit (at, operator, action, entity, entity_id, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            crate::db::version::now_utc(),
            operator,
            action,
            entity,
            entity_id,
            before.map(|v| v.to_string()),
            after.map(|v| v.to_string()),
        ],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub operator: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Store {
    /// The audit rows of one record, newest first (`entity_id` None: all of that entity).
    pub fn audit_log(&self, entity: &str, entity_id: Option<&str>) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, operator, action, entity, entity_id, before, after FROM audit
             WHERE entity = ?1 AND (?2 IS NULL OR entity_id = ?2) ORDER BY id DESC",
        )?;
        let rows = stmt.query_map(params![entity, entity_id], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                operator: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                before: r.get(6)?,
                after: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
