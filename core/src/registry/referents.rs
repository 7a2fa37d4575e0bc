//! The referents of a comune: RPCT, referente operativo, sindaco, others,
//! each with a period of validity. A comune has at most one RPCT and one
//! sindaco at a time: recording a new one closes the current one's period
//! the day before, and the old one stays in the history.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{get_comune, refresh_search_key};
use crate::db::version::check_version;
use crate::error::{Error, Result};
use crate::text::{self, clean, Rule};
use crate::{audit, validate, Store};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Rpct,
    Operativo,
    Sindaco,
    /// The comune's segretario comunale.
    Segretario,
    Altro,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Rpct => "rpct",
            Role::Operativo => "operativo",
            Role::Sindaco => "sindaco",
            Role::Segretario => "segretario",
            Role::Altro => "altro",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Rpct => "RPCT",
            Role::Operativo => "Referente operativo",
            Role::Sindaco => "Sindaco",
            Role::Segretario => "Segretario comunale",
            Role::Altro => "Altro",
        }
    }

    fn parse(s: &str) -> rusqlite::Result<Role> {
        Ok(match s {
            "rpct" => Role::Rpct,
            "operativo" => Role::Operativo,
            "sindaco" => Role::Sindaco,
            "segretario" => Role::Segretario,
            _ => Role::Altro,
        })
    }

    /// Roles held by one person at a time.
    fn is_single(self) -> bool {
        matches!(self, Role::Rpct | Role::Sindaco | Role::Segretario)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Referent {
    pub id: i64,
    pub istat: String,
    pub role: Role,
    pub role_label: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub notes: Option<String>,
    /// In office today.
    pub active: bool,
    /// The version of the record (sent back by the form that edits it).
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReferentInput {
    pub role: Role,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub notes: Option<String>,
    /// The `updated_at` of the record the form showed; a save of a record
    /// changed since then is refused (`conflict`).
    #[serde(default)]
    pub version: Option<String>,
}

const COLUMNS: &str =
    "id, istat, role, full_name, email, phone, valid_from, valid_to, notes, updated_at";

fn from_row(r: &Row, today: &str) -> rusqlite::Result<Referent> {
    let role = Role::parse(&r.get::<_, String>(2)?)?;
    let valid_from: Option<String> = r.get(6)?;
    let valid_to: Option<String> = r.get(7)?;
    let active = valid_from.as_deref().is_none_or(|f| f <= today)
        && valid_to.as_deref().is_none_or(|t| t >= today);
    Ok(Referent {
        id: r.get(0)?,
        istat: r.get(1)?,
        role,
        role_label: role.label().to_string(),
        full_name: r.get(3)?,
        email: r.get(4)?,
        phone: r.get(5)?,
        valid_from,
        valid_to,
        notes: r.get(8)?,
        active,
        updated_at: r.get(9)?,
    })
}

/// A referent, `active` if in office on `today`.
pub(crate) fn get_referent(conn: &Connection, id: i64, today: &str) -> Result<Referent> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM referent WHERE id = ?1"),
        [id],
        |r| from_row(r, today),
    )
    .optional()?
    .ok_or_else(|| Error::not_found("Il referente non esiste (forse è stato eliminato)."))
}

struct Checked {
    input: ReferentInput,
    from: Option<NaiveDate>,
}

fn check(input: &ReferentInput) -> Result<Checked> {
    let full_name = text::required(
        "full_name",
        "Nome e cognome",
        &input.full_name,
        Rule::line(120),
    )?;
    let email =
        text::optional("email", "E-mail", &input.email, Rule::TITLE)?.map(|s| s.to_lowercase());
    if let Some(e) = &email {
        validate::email("email", "E-mail", e)?;
    }
    let phone = text::optional("phone", "Telefono", &input.phone, Rule::CODE)?;
    if let Some(p) = &phone {
        validate::phone("phone", p)?;
    }
    let valid_from = clean(&input.valid_from);
    let from = valid_from
        .as_deref()
        .map(|d| validate::date("valid_from", "In carica dal", d))
        .transpose()?;
    let valid_to = clean(&input.valid_to);
    let to = valid_to
        .as_deref()
        .map(|d| validate::date("valid_to", "In carica fino al", d))
        .transpose()?;
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(Error::validation(
                "valid_to",
                "In carica fino al: la data non può precedere l'inizio dell'incarico.",
            ));
        }
    }
    Ok(Checked {
        input: ReferentInput {
            role: input.role,
            full_name,
            email,
            phone,
            // Stored as ISO, however they were typed.
            valid_from: from.map(|d| d.to_string()),
            valid_to: to.map(|d| d.to_string()),
            notes: text::optional("notes", "Note", &input.notes, Rule::NOTE)?,
            version: None,
        },
        from,
    })
}

impl Store {
    /// All the referents of a comune, those in office first, then the history (newest first).
    pub fn referents(&self, istat: &str) -> Result<Vec<Referent>> {
        get_comune(&self.conn, istat)?;
        let today = self.today().to_string();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM referent WHERE istat = ?1
             ORDER BY (valid_to IS NOT NULL AND valid_to < ?2), role = 'altro', role = 'operativo',
                      role = 'sindaco', valid_from DESC, id DESC"
        ))?;
        let rows = stmt.query_map(params![istat, today], |r| from_row(r, &today))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a referent. For RPCT and sindaco, the one in office (if any)
    /// is closed the day before the new one starts: replacing needs that date.
    pub fn add_referent(&mut self, istat: &str, input: &ReferentInput) -> Result<Referent> {
        let today = self.today();
        self.action(|tx, op| add_referent_in(tx, op, istat, input, today))
    }

    /// Corrects a referent's data (not a replacement: that is `add_referent`).
    pub fn update_referent(&mut self, id: i64, input: &ReferentInput) -> Result<Referent> {
        let inp = check(input)?.input;
        let version = input.version.clone();
        let today = self.today().to_string();
        self.action(|tx, op| {
            let before = get_referent(tx, id, &today)?;
            check_version(&before.updated_at, version.as_deref())?;
            if inp.role.is_single() && inp.valid_to.is_none() {
                let other: Option<String> = tx
                    .query_row(
                        "SELECT full_name FROM referent WHERE istat = ?1 AND role = ?2
                         AND valid_to IS NULL AND id <> ?3",
                        params![before.istat, inp.role.as_str(), id],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(name) = other {
                    return Err(Error::validation(
                        "role",
                        format!(
                            "Ruolo: {name} è già {} in carica. Per sostituirlo aggiungere un nuovo referente con la data di inizio.",
                            inp.role.label()
                        ),
                    ));
                }
            }
            tx.execute(
                "UPDATE referent SET role = ?2, full_name = ?3, email = ?4, phone = ?5, valid_from = ?6,
                    valid_to = ?7, notes = ?8, updated_at = ?9 WHERE id = ?1",
                params![
                    id,
                    inp.role.as_str(),
                    inp.full_name,
                    inp.email,
                    inp.phone,
                    inp.valid_from,
                    inp.valid_to,
                    inp.notes,
                    crate::db::version::next_version(&before.updated_at)
                ],
            )?;
            let after = get_referent(tx, id, &today)?;
            refresh_search_key(tx, &after.istat)?;
            audit::record(
                tx,
                op,
                "update",
                "referent",
                &id.to_string(),
                Some(&serde_json::to_value(&before)?),
                Some(&serde_json::to_value(&after)?),
            )?;
            Ok(after)
        })
    }

    /// Deletes a referent recorded by mistake (a past one stays as history:
    /// close its period instead). A zone whose referent it was is left without one.
    pub fn delete_referent(&mut self, id: i64, version: Option<&str>) -> Result<()> {
        let today = self.today().to_string();
        self.action(|tx, op| {
            let before = get_referent(tx, id, &today)?;
            check_version(&before.updated_at, version)?;
            tx.execute("DELETE FROM referent WHERE id = ?1", [id])?;
            refresh_search_key(tx, &before.istat)?;
            audit::record(
                tx,
                op,
                "delete",
                "referent",
                &id.to_string(),
                Some(&serde_json::to_value(&before)?),
                None,
            )?;
            Ok(())
        })
    }
}

/// Records a referent inside the caller's transaction (see [`Store::add_referent`]).
pub(crate) fn add_referent_in(
    tx: &Connection,
    op: &str,
    istat: &str,
    input: &ReferentInput,
    today: NaiveDate,
) -> Result<Referent> {
    let today = today.to_string();
    let checked = check(input)?;
    let inp = checked.input;
    {
        get_comune(tx, istat)?;
        if inp.role.is_single() && inp.valid_to.is_none() {
            let current: Option<i64> = tx
                .query_row(
                    "SELECT id FROM referent WHERE istat = ?1 AND role = ?2 AND valid_to IS NULL
                         ORDER BY valid_from DESC LIMIT 1",
                    params![istat, inp.role.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(cur_id) = current {
                let cur = get_referent(tx, cur_id, &today)?;
                let from = checked.from.ok_or_else(|| {
                        Error::validation(
                            "valid_from",
                            format!(
                                "In carica dal: indicare da quando, perché il nuovo {} sostituisce {} (il cui incarico sarà chiuso il giorno prima).",
                                inp.role.label(),
                                cur.full_name
                            ),
                        )
                    })?;
                let close = from.pred_opt().unwrap_or(from).to_string();
                if cur
                    .valid_from
                    .as_deref()
                    .is_some_and(|f| f > close.as_str())
                {
                    return Err(Error::validation(
                            "valid_from",
                            format!(
                                "In carica dal: deve essere successiva all'inizio dell'incarico di {} ({}).",
                                cur.full_name,
                                cur.valid_from.as_deref().unwrap_or("")
                            ),
                        ));
                }
                tx.execute(
                    "UPDATE referent SET valid_to = ?2, updated_at = ?3 WHERE id = ?1",
                    params![cur_id, close, crate::db::version::now_utc()],
                )?;
                let closed = get_referent(tx, cur_id, &today)?;
                audit::record(
                    tx,
                    op,
                    "close",
                    "referent",
                    &cur_id.to_string(),
                    Some(&serde_json::to_value(&cur)?),
                    Some(&serde_json::to_value(&closed)?),
                )?;
            }
        }
        let now = crate::db::version::now_utc();
        tx.execute(
                "INSERT INTO referent (istat, role, full_name, email, phone, valid_from, valid_to, notes,
                    created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                params![
                    istat,
                    inp.role.as_str(),
                    inp.full_name,
                    inp.email,
                    inp.phone,
                    inp.valid_from,
                    inp.valid_to,
                    inp.notes,
                    now
                ],
            )?;
        let created = get_referent(tx, tx.last_insert_rowid(), &today)?;
        refresh_search_key(tx, istat)?;
        audit::record(
            tx,
            op,
            "create",
            "referent",
            &created.id.to_string(),
            None,
            Some(&serde_json::to_value(&created)?),
        )?;
        Ok(created)
    }
}
