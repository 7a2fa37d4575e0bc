//! The settings form: what Impostazioni shows and saves, checked, as one
//! action with its audit row. The values live in the settings store
//! (`db::kv`).

use crate::db::kv::{
    get, letterhead, operator_name, set, Settings, BACKUP_DIR, OPERATOR, SECRETARIAT_ADDRESS,
    SECRETARIAT_FISCAL_CODE, SECRETARIAT_PEC, SECRETARIAT_PHONE, SIGNATORY_NAME, SIGNATORY_TITLE,
    STALL_DAYS, UPDATED_AT,
};
use crate::error::{Error, Result};
use crate::text::{self, Rule};
use crate::Store;

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        Ok(Settings {
            operator_name: operator_name(&self.conn)?,
            stall_days: self.stall_days()?,
            backup_dir: get(&self.conn, BACKUP_DIR)?.unwrap_or_default(),
            backup_dir_effective: self
                .backup_dir()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            updated_at: get(&self.conn, UPDATED_AT)?.unwrap_or_default(),
            ..letterhead(&self.conn)?
        })
    }

    pub fn save_settings(&mut self, new: &Settings) -> Result<Settings> {
        let name = text::field(
            "operator_name",
            "Nome dell'operatore",
            &new.operator_name,
            Rule::line(100),
        )?;
        if name.is_empty() {
            return Err(Error::validation(
                "operator_name",
                "Nome dell'operatore: campo obbligatorio (compare nel registro delle modifiche).",
            ));
        }
        if !(1..=365).contains(&new.stall_days) {
            return Err(Error::validation(
                "stall_days",
                "Giorni di attesa per il sollecito: un numero da 1 a 365.",
            ));
        }
        let signatory_name = text::field(
            "signatory_name",
            "Firmatario delle lettere",
            &new.signatory_name,
            Rule::line(120),
        )?;
        let signatory_title = text::field(
            "signatory_title",
            "Qualifica del firmatario",
            &new.signatory_title,
            Rule::line(120),
        )?;
        let secretariat_address = text::field(
            "secretariat_address",
            "Sede della Segreteria",
            &new.secretariat_address,
            Rule::line(200),
        )?;
        let secretariat_fiscal_code = text::field(
            "secretariat_fiscal_code",
            "Codice fiscale della Città Metropolitana",
            &new.secretariat_fiscal_code,
            Rule::CODE,
        )?;
        if !secretariat_fiscal_code.is_empty()
            && (secretariat_fiscal_code.len() != 11
                || !secretariat_fiscal_code.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(Error::validation(
                "secretariat_fiscal_code",
                "Codice fiscale della Città Metropolitana: 11 cifre.",
            ));
        }
        let secretariat_phone = text::field(
            "secretariat_phone",
            "Telefono della Segreteria",
            &new.secretariat_phone,
            Rule::CODE,
        )?;
        if !secretariat_phone.is_empty() {
            crate::validate::phone("secretariat_phone", &secretariat_phone)?;
        }
        let secretariat_pec = text::field(
            "secretariat_pec",
            "PEC della Segreteria",
            &new.secretariat_pec,
            Rule::TITLE,
        )?;
        if !secretariat_pec.is_empty() {
            crate::validate::email("secretariat_pec", "PEC della Segreteria", &secretariat_pec)?;
        }
        let backup_dir = text::field(
            "backup_dir",
            "Cartella delle copie di sicurezza",
            &new.backup_dir,
            Rule::line(1000),
        )?;
        if !backup_dir.is_empty() {
            check_backup_dir(&backup_dir)?;
        }
        let before = self.settings()?;
        if before.updated_at != new.updated_at {
            return Err(crate::error::stale());
        }
        let stamp = crate::db::version::next_version(&before.updated_at);
        self.action(|tx, _| {
            set(tx, OPERATOR, &name)?;
            set(tx, STALL_DAYS, &new.stall_days.to_string())?;
            set(tx, SIGNATORY_NAME, &signatory_name)?;
            set(tx, SIGNATORY_TITLE, &signatory_title)?;
            set(tx, SECRETARIAT_PEC, &secretariat_pec)?;
            set(tx, SECRETARIAT_ADDRESS, &secretariat_address)?;
            set(tx, SECRETARIAT_FISCAL_CODE, &secretariat_fiscal_code)?;
            set(tx, SECRETARIAT_PHONE, &secretariat_phone)?;
            set(tx, BACKUP_DIR, &backup_dir)?;
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
