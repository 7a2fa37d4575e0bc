//! The settings store: key/value pairs kept in the archive's `setting`
//! table, the keys of the settings form, and the readings every domain
//! shares (the operator's name, the letterhead). A domain's own keys (the
//! import mapping, the training thresholds, ...) are constants of that domain.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// The operator's name, written in the audit rows.
pub const OPERATOR: &str = "operator_name";
/// The version of the settings the form last saved.
pub const UPDATED_AT: &str = "settings_updated_at";
/// Days after which an adhesion waiting for an answer is stalled.
pub const STALL_DAYS: &str = "stall_days";
/// The backup folder (empty: `backup` beside the archive).
pub const BACKUP_DIR: &str = "backup_dir";
pub const SIGNATORY_NAME: &str = "signatory_name";
pub const SIGNATORY_TITLE: &str = "signatory_title";
pub const SECRETARIAT_PEC: &str = "secretariat_pec";
pub const SECRETARIAT_ADDRESS: &str = "secretariat_address";
pub const SECRETARIAT_FISCAL_CODE: &str = "secretariat_fiscal_code";
pub const SECRETARIAT_PHONE: &str = "secretariat_phone";
/// Set while the archive is open for writing (who, where, since when) and
/// removed by a clean close: a file that still says it is open, with no
/// `-wal` beside it, is a copy made while the app was running.
pub const OPEN_BY: &str = "archive_open_by";

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

/// Writes the settings one form saves, `pairs`, with their group's version
/// under `version_key`: a form that showed another version than the stored
/// one is stale (nothing is written). Returns the new version. The caller
/// writes the audit row in the same transaction.
pub(crate) fn set_versioned(
    conn: &Connection,
    version_key: &str,
    shown: &str,
    pairs: &[(&str, &str)],
) -> Result<String> {
    let current = get(conn, version_key)?.unwrap_or_default();
    if !current.is_empty() {
        crate::db::version::check_version(&current, Some(shown))?;
    }
    for (key, value) in pairs {
        set(conn, key, value)?;
    }
    let next = crate::db::version::next_version(&current);
    set(conn, version_key, &next)?;
    Ok(next)
}

pub(crate) fn remove(conn: &Connection, key: &str) -> Result<()> {
    conn.execute("DELETE FROM setting WHERE key = ?1", [key])?;
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
        signatory_name: get(conn, SIGNATORY_NAME)?.unwrap_or_default(),
        signatory_title: get(conn, SIGNATORY_TITLE)?.unwrap_or_else(default_signatory_title),
        secretariat_pec: get(conn, SECRETARIAT_PEC)?.unwrap_or_else(default_secretariat_pec),
        secretariat_address: get(conn, SECRETARIAT_ADDRESS)?.unwrap_or_default(),
        secretariat_fiscal_code: get(conn, SECRETARIAT_FISCAL_CODE)?.unwrap_or_default(),
        secretariat_phone: get(conn, SECRETARIAT_PHONE)?.unwrap_or_default(),
        backup_dir: String::new(),
        backup_dir_effective: String::new(),
        updated_at: String::new(),
    })
}
