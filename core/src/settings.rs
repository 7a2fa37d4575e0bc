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
    /// Who signs the letters of the Segreteria Generale, and as what.
    #[serde(default)]
    pub signatory_name: String,
    #[serde(default = "default_signatory_title")]
    pub signatory_title: String,
    /// The PEC address of the Segreteria, printed in the documents.
    #[serde(default = "default_secretariat_pec")]
    pub secretariat_pec: String,
}

fn default_signatory_title() -> String {
    "Il Segretario Generale".to_string()
}

fn default_secretariat_pec() -> String {
    "protocollo@pec.prov.me.it".to_string()
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

/// What the documents print about the Segreteria (signatory, title, PEC);
/// the other fields of the result are left at their defaults.
pub(crate) fn letterhead(conn: &Connection) -> Result<Settings> {
    Ok(Settings {
        operator_name: String::new(),
        stall_days: 0,
        signatory_name: get(conn, "signatory_name")?.unwrap_or_default(),
        signatory_title: get(conn, "signatory_title")?.unwrap_or_else(default_signatory_title),
        secretariat_pec: get(conn, "secretariat_pec")?.unwrap_or_else(default_secretariat_pec),
    })
}

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        Ok(Settings {
            operator_name: operator_name(&self.conn)?,
            stall_days: self.stall_days()?,
            ..letterhead(&self.conn)?
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
        let signatory_name = new.signatory_name.trim().to_string();
        let signatory_title = new.signatory_title.trim().to_string();
        for (field, label, value) in [
            (
                "signatory_name",
                "Firmatario delle lettere",
                &signatory_name,
            ),
            (
                "signatory_title",
                "Qualifica del firmatario",
                &signatory_title,
            ),
        ] {
            if value.chars().count() > 120 || value.chars().any(char::is_control) {
                return Err(Error::validation(
                    field,
                    format!("{label}: al massimo 120 caratteri, su una riga."),
                ));
            }
        }
        let secretariat_pec = new.secretariat_pec.trim().to_string();
        if !secretariat_pec.is_empty() {
            crate::validate::email("secretariat_pec", "PEC della Segreteria", &secretariat_pec)?;
        }
        let before = self.settings()?;
        self.action(|tx, _| {
            set(tx, OPERATOR, &name)?;
            set(tx, "stall_days", &new.stall_days.to_string())?;
            set(tx, "signatory_name", &signatory_name)?;
            set(tx, "signatory_title", &signatory_title)?;
            set(tx, "secretariat_pec", &secretariat_pec)?;
            let after = Settings {
                operator_name: name.clone(),
                stall_days: new.stall_days,
                signatory_name: signatory_name.clone(),
                signatory_title: signatory_title.clone(),
                secretariat_pec: secretariat_pec.clone(),
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
