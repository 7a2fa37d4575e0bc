//! The app's settings, kept in the archive (key/value).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::Store;

const OPERATOR: &str = "operator_name";
const UPDATED_AT: &str = "settings_updated_at";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
    /// The letterhead of the Segreteria: seat, codice fiscale of the
    /// Città Metropolitana, telephone (empty: printed as a blank).
    #[serde(default)]
    pub secretariat_address: String,
    #[serde(default)]
    pub secretariat_fiscal_code: String,
    #[serde(default)]
    pub secretariat_phone: String,
    /// The folder of the automatic backups; empty: `backup` beside the archive.
    #[serde(default)]
    pub backup_dir: String,
    /// The folder the backups actually go to (read only, shown in the form).
    #[serde(default)]
    pub backup_dir_effective: String,
    /// The version of the settings the form showed (a stale save is refused).
    #[serde(default)]
    pub updated_at: String,
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
        secretariat_address: get(conn, "secretariat_address")?.unwrap_or_default(),
        secretariat_fiscal_code: get(conn, "secretariat_fiscal_code")?.unwrap_or_default(),
        secretariat_phone: get(conn, "secretariat_phone")?.unwrap_or_default(),
        backup_dir: String::new(),
        backup_dir_effective: String::new(),
        updated_at: String::new(),
    })
}

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        Ok(Settings {
            operator_name: operator_name(&self.conn)?,
            stall_days: self.stall_days()?,
            backup_dir: get(&self.conn, crate::archive::BACKUP_DIR)?.unwrap_or_default(),
            backup_dir_effective: self
                .backup_dir()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            updated_at: get(&self.conn, UPDATED_AT)?.unwrap_or_default(),
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
        let secretariat_address = new.secretariat_address.trim().to_string();
        if secretariat_address.chars().count() > 200
            || secretariat_address.chars().any(char::is_control)
        {
            return Err(Error::validation(
                "secretariat_address",
                "Sede della Segreteria: al massimo 200 caratteri, su una riga.",
            ));
        }
        let secretariat_fiscal_code = new.secretariat_fiscal_code.trim().to_string();
        if !secretariat_fiscal_code.is_empty()
            && (secretariat_fiscal_code.len() != 11
                || !secretariat_fiscal_code.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(Error::validation(
                "secretariat_fiscal_code",
                "Codice fiscale della Città Metropolitana: 11 cifre.",
            ));
        }
        let secretariat_phone = new.secretariat_phone.trim().to_string();
        if !secretariat_phone.is_empty() {
            crate::validate::phone("secretariat_phone", &secretariat_phone)?;
        }
        let secretariat_pec = new.secretariat_pec.trim().to_string();
        if !secretariat_pec.is_empty() {
            crate::validate::email("secretariat_pec", "PEC della Segreteria", &secretariat_pec)?;
        }
        let backup_dir = new.backup_dir.trim().to_string();
        if !backup_dir.is_empty() {
            check_backup_dir(&backup_dir)?;
        }
        let before = self.settings()?;
        if before.updated_at != new.updated_at {
            return Err(crate::error::stale());
        }
        let stamp = crate::next_version(&before.updated_at);
        self.action(|tx, _| {
            set(tx, OPERATOR, &name)?;
            set(tx, "stall_days", &new.stall_days.to_string())?;
            set(tx, "signatory_name", &signatory_name)?;
            set(tx, "signatory_title", &signatory_title)?;
            set(tx, "secretariat_pec", &secretariat_pec)?;
            set(tx, "secretariat_address", &secretariat_address)?;
            set(tx, "secretariat_fiscal_code", &secretariat_fiscal_code)?;
            set(tx, "secretariat_phone", &secretariat_phone)?;
            set(tx, crate::archive::BACKUP_DIR, &backup_dir)?;
            set(tx, UPDATED_AT, &stamp)?;
            let after = Settings {
                operator_name: name.clone(),
                stall_days: new.stall_days,
                signatory_name: signatory_name.clone(),
                signatory_title: signatory_title.clone(),
                secretariat_pec: secretariat_pec.clone(),
                secretariat_address: secretariat_address.clone(),
                secretariat_fiscal_code: secretariat_fiscal_code.clone(),
                secretariat_phone: secretariat_phone.clone(),
                backup_dir: backup_dir.clone(),
                backup_dir_effective: if backup_dir.is_empty() {
                    before.backup_dir_effective.clone()
                } else {
                    backup_dir.clone()
                },
                updated_at: stamp.clone(),
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

/// A backup folder must be an absolute path to a folder that can be written
/// (it is created if missing).
fn check_backup_dir(dir: &str) -> Result<()> {
    let path = std::path::Path::new(dir);
    if !path.is_absolute() {
        return Err(Error::validation(
            "backup_dir",
            "Cartella delle copie di sicurezza: indicare un percorso completo (ad esempio /home/segreteria/copie o una cartella di rete).",
        ));
    }
    std::fs::create_dir_all(path)
        .and_then(|_| tempfile::tempfile_in(path).map(|_| ()))
        .map_err(|e| {
            Error::validation(
                "backup_dir",
                format!(
                    "Cartella delle copie di sicurezza: {}",
                    Error::file(path, &e)
                ),
            )
        })
}
