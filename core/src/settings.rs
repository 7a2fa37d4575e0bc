//! The app's settings, kept in the archive (key/value).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::Store;

const OPERATOR: &str = "operator_name";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Settings {
    /// The name written in the audit rows as the operator of each change.
    pub operator_name: String,
    /// Days after which a comune waiting in "invitato" or "bozza inviata" is stalled.
    pub stall_days: i64,
}

pub(crate) fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub(crate) fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The operator's name from the settings, or the system user's name until one is set.
pub(crate) fn operator_name(conn: &Connection) -> Result<String> {
    if let Some(name) = get(conn, OPERATOR)? {
        return Ok(name);
    }
    Ok(std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "operatore".to_string()))
}

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        Ok(Settings {
            operator_name: operator_name(&self.conn)?,
            stall_days: self.stall_days()?,
        })
    }

    pub fn save_settings(&mut self, new: &Settings) -> Result<Settings> {
        let name = new.operator_name.trim().to_string();
        if name.is_empty() {
            return Err(Error::validation(
                "operator_name",
                "Nome dell'operatore: campo obbligatorio (compare nel registro delle modifiche).",
            ));
        }
        if name.chars().count() > 100 {
            return Err(Error::validation(
                "operator_name",
                "Nome dell'operatore: al massimo 100 caratteri.",
            ));
        }
        if !(1..=365).contains(&new.stall_days) {
            return Err(Error::validation(
                "stall_days",
                "Giorni di attesa per il sollecito: un numero da 1 a 365.",
            ));
        }
        let before = self.settings()?;
        self.action(|tx, _| {
            set(tx, OPERATOR, &name)?;
            set(tx, "stall_days", &new.stall_days.to_string())?;
            let after = Settings {
                operator_name: name.clone(),
                stall_days: new.stall_days,
            };
            // The new name signs its own change.
            crate::audit::record(
                tx,
                &name,
                "update",
                "settings",
                "settings",
                Some(&serde_json::to_value(&before)?),
                Some(&serde_json::to_value(&after)?),
            )?;
            Ok(after)
        })
    }
}
