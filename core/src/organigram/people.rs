//! People and their roles in the units. A person is either a referent of the
//! registry (linked: name and contacts are read from the registry) or an
//! external person; nobody is typed twice (same e-mail, or same name, is the
//! same person unless the user says it is a homonym).

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::units::get_unit;
use super::{check_period, json, opt_date, optional_text, required_text};
use crate::db::version::check_version;
use crate::error::{Error, Result};
use crate::person::Likeness;
use crate::registry::referents::get_referent;
use crate::text::fold;
use crate::{audit, validate, Store};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Person {
    pub id: i64,
    /// Set when the person is a referent of the registry.
    pub referent_id: Option<i64>,
    /// The comune of that referent.
    pub istat: Option<String>,
    pub full_name: String,
    /// For a referent: «Comune di …».
    pub ente: Option<String>,
    /// For a referent: the role in the comune (RPCT, …).
    pub qualifica: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PersonInput {
    pub full_name: String,
    #[serde(default)]
    pub ente: Option<String>,
    #[serde(default)]
    pub qualifica: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// The user confirmed that a person with the same name is someone else.
    #[serde(default)]
    pub homonym: bool,
    #[serde(default)]
    pub version: Option<String>,
}

/// Who holds a role: a person already in the organigram, a referent of the registry, or a new external person.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PersonChoice {
    Person { person_id: i64 },
    Referent { referent_id: i64 },
    New(PersonInput),
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoleInput {
    pub unit_id: i64,
    pub person: PersonChoice,
    pub title: String,
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_to: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", serde(rename = "OrgRole"))]
pub struct Role {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub title: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub person: Person,
    pub updated_at: String,
}

/// A person the role form can choose: from the organigram or from the registry.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PersonCandidate {
    /// `person` or `referent`.
    pub source: String,
    pub id: i64,
    pub full_name: String,
    /// «RPCT – Comune di Alì» or «Qualifica – Ente».
    pub detail: String,
    pub email: Option<String>,
    /// A referent no longer in office.
    pub past: bool,
}

pub(crate) const PERSON_SQL: &str = "SELECT p.id, p.referent_id, r.istat,
        coalesce(p.full_name, r.full_name),
        CASE WHEN p.referent_id IS NULL THEN p.ente ELSE 'Comune di ' || c.name END,
        CASE WHEN p.referent_id IS NULL THEN p.qualifica ELSE
          CASE r.role WHEN 'rpct' THEN 'RPCT' WHEN 'sindaco' THEN 'Sindaco'
                      WHEN 'operativo' THEN 'Referente operativo' ELSE 'Referente' END END,
        coalesce(p.email, r.email), coalesce(p.phone, r.phone), p.updated_at
     FROM org_person p LEFT JOIN referent r ON r.id = p.referent_id
     LEFT JOIN comune c ON c.istat = r.istat";

pub(crate) fn person_from_row(r: &Row, at: usize) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get(at)?,
        referent_id: r.get(at + 1)?,
        istat: r.get(at + 2)?,
        full_name: r.get(at + 3)?,
        ente: r.get(at + 4)?,
        qualifica: r.get(at + 5)?,
        email: r.get(at + 6)?,
        phone: r.get(at + 7)?,
        updated_at: r.get(at + 8)?,
    })
}

pub(crate) fn get_person(conn: &Connection, id: i64) -> Result<Person> {
    conn.query_row(&format!("{PERSON_SQL} WHERE p.id = ?1"), [id], |r| {
        person_from_row(r, 0)
    })
    .optional()?
    .ok_or_else(|| Error::not_found("La persona non esiste (forse è stata eliminata)."))
}

const ROLE_SQL: &str =
    "SELECT o.id, o.unit_id, u.name, o.title, o.valid_from, o.valid_to, o.updated_at,
        p.id, p.referent_id, r.istat,
        coalesce(p.full_name, r.full_name),
        CASE WHEN p.referent_id IS NULL THEN p.ente ELSE 'Comune di ' || c.name END,
        CASE WHEN p.referent_id IS NULL THEN p.qualifica ELSE
          CASE r.role WHEN 'rpct' THEN 'RPCT' WHEN 'sindaco' THEN 'Sindaco'
                      WHEN 'operativo' THEN 'Referente operativo' ELSE 'Referente' END END,
        coalesce(p.email, r.email), coalesce(p.phone, r.phone), p.updated_at
     FROM org_role o JOIN org_unit u ON u.id = o.unit_id
     JOIN org_person p ON p.id = o.person_id LEFT JOIN referent r ON r.id = p.referent_id
     LEFT JOIN comune c ON c.istat = r.istat";

pub(crate) fn role_from_row(r: &Row) -> rusqlite::Result<Role> {
    Ok(Role {
        id: r.get(0)?,
        unit_id: r.get(1)?,
        unit_name: r.get(2)?,
        title: r.get(3)?,
        valid_from: r.get(4)?,
        valid_to: r.get(5)?,
        updated_at: r.get(6)?,
        person: person_from_row(r, 7)?,
    })
}

pub(crate) fn get_role(conn: &Connection, id: i64) -> Result<Role> {
    conn.query_row(&format!("{ROLE_SQL} WHERE o.id = ?1"), [id], role_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("L'incarico non esiste (forse è stato eliminato)."))
}

/// All the roles, unit by unit, oldest first (as-of filtering is done by the caller).
pub(crate) fn all_roles(conn: &Connection) -> Result<Vec<Role>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{ROLE_SQL} ORDER BY o.unit_id, o.valid_from, o.id"
    ))?;
    let rows = stmt.query_map([], role_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

struct CheckedPerson {
    full_name: String,
    name_key: String,
    ente: Option<String>,
    qualifica: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

/// Validates an external person and refuses one already known (same e-mail,
/// or same name unless `homonym`), in the organigram or in the registry.
fn check_person(conn: &Connection, p: &PersonInput, except: Option<i64>) -> Result<CheckedPerson> {
    let full_name = required_text("full_name", "Nome e cognome", &p.full_name, 120)?;
    let ente = optional_text("ente", "Ente", &p.ente, 160)?;
    let qualifica = optional_text("qualifica", "Qualifica", &p.qualifica, 160)?;
    let email = optional_text("email", "E-mail", &p.email, 300)?.map(|s| s.to_lowercase());
    if let Some(e) = &email {
        validate::email("email", "E-mail", e)?;
    }
    let phone = optional_text("phone", "Telefono", &p.phone, 50)?;
    if let Some(ph) = &phone {
        validate::phone("phone", ph)?;
    }
    let name_key = fold(&full_name);
    if let Some(e) = &email {
        let same: Option<String> = conn
            .query_row(
                "SELECT coalesce(p.full_name, r.full_name) FROM org_person p LEFT JOIN referent r ON r.id = p.referent_id
                  WHERE coalesce(p.email, r.email) = ?1 AND p.id IS NOT ?2",
                params![e, except],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(n) = same {
            return Err(Error::validation(
                "email",
                format!("E-mail: {e} è già di {n}, presente nell'organigramma: sceglierla dall'elenco invece di inserirla di nuovo."),
            ));
        }
        let referent: Option<(String, String)> = conn
            .query_row(
                "SELECT r.full_name, c.name FROM referent r JOIN comune c ON c.istat = r.istat
                 WHERE lower(r.email) = ?1 ORDER BY r.valid_to IS NULL DESC, r.id DESC LIMIT 1",
                [e],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((n, c)) = referent {
            return Err(Error::validation(
                "email",
                format!("E-mail: {e} è di {n}, referente del Comune di {c} nell'anagrafe: sceglierla dall'anagrafe invece di inserirla di nuovo."),
            ));
        }
    }
    if !p.homonym {
        // The one person-matching rule: the same name written another way
        // (a title, the surname first, accents) or probably the same person.
        let said = |likeness: Likeness, n: &str| match likeness {
            Likeness::Exact if n == full_name => "è".to_string(),
            Likeness::Exact => format!("è «{n}»,"),
            _ => format!("è {} di {n},", Likeness::PROBABLE_IT),
        };
        let mut stmt = conn.prepare_cached(
            "SELECT full_name, coalesce(ente, '') FROM org_person WHERE referent_id IS NULL AND id IS NOT ?1",
        )?;
        let hit = stmt
            .query_map([except], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .filter_map(|r| r.ok())
            .map(|(n, e)| (crate::person::compare(&n, &full_name), n, e))
            .filter(|(l, _, _)| *l != Likeness::Different)
            .max_by_key(|(l, _, _)| *l);
        if let Some((likeness, n, ente)) = hit {
            return Err(Error::validation(
                "full_name",
                format!(
                    "Nome e cognome: {full_name} {} già nell'organigramma{}. Sceglierla dall'elenco; se è un'altra persona (un'omonima), confermarlo.",
                    said(likeness, &n),
                    if ente.is_empty() { String::new() } else { format!(" ({ente})") }
                ),
            ));
        }
        let mut stmt = conn.prepare_cached(
            "SELECT r.full_name, c.name FROM referent r JOIN comune c ON c.istat = r.istat",
        )?;
        let hit = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .filter_map(|r| r.ok())
            .map(|(n, c)| (crate::person::compare(&n, &full_name), n, c))
            .filter(|(l, _, _)| *l != Likeness::Different)
            .max_by_key(|(l, _, _)| *l);
        if let Some((likeness, n, c)) = hit {
            return Err(Error::validation(
                "full_name",
                format!(
                    "Nome e cognome: {full_name} {} referente del Comune di {c} nell'anagrafe. Sceglierla dall'anagrafe; se è un'altra persona (un'omonima), confermarlo.",
                    said(likeness, &n),
                ),
            ));
        }
    }
    Ok(CheckedPerson {
        full_name,
        name_key,
        ente,
        qualifica,
        email,
        phone,
    })
}

/// The person for a role: found, linked to a referent, or created; in the caller's transaction.
fn resolve_person(tx: &Connection, op: &str, choice: &PersonChoice, today: &str) -> Result<Person> {
    match choice {
        PersonChoice::Person { person_id } => get_person(tx, *person_id),
        PersonChoice::Referent { referent_id } => {
            let r = get_referent(tx, *referent_id, today)?;
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM org_person WHERE referent_id = ?1",
                    [r.id],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(id) = existing {
                return get_person(tx, id);
            }
            let now = crate::db::version::now_utc();
            tx.execute(
                "INSERT INTO org_person (referent_id, name_key, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                params![r.id, fold(&r.full_name), now],
            )?;
            let p = get_person(tx, tx.last_insert_rowid())?;
            audit::record(
                tx,
                op,
                "create",
                "org_person",
                &p.id.to_string(),
                None,
                Some(&json(&p)?),
            )?;
            Ok(p)
        }
        PersonChoice::New(input) => {
            let c = check_person(tx, input, None)?;
            let now = crate::db::version::now_utc();
            tx.execute(
                "INSERT INTO org_person (full_name, ente, qualifica, email, phone, name_key, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![c.full_name, c.ente, c.qualifica, c.email, c.phone, c.name_key, now],
            )?;
            let p = get_person(tx, tx.last_insert_rowid())?;
            audit::record(
                tx,
                op,
                "create",
                "org_person",
                &p.id.to_string(),
                None,
                Some(&json(&p)?),
            )?;
            Ok(p)
        }
    }
}

struct CheckedRole {
    title: String,
    valid_from: String,
    valid_to: Option<String>,
}

fn check_role(input: &RoleInput) -> Result<CheckedRole> {
    let title = required_text("title", "Ruolo", &input.title, 120)?;
    let from = opt_date("valid_from", "Dal", &input.valid_from)?.ok_or_else(|| {
        Error::validation(
            "valid_from",
            "Dal: indicare da quando l'incarico è in vigore.",
        )
    })?;
    let to = opt_date("valid_to", "Al", &input.valid_to)?;
    check_period(Some(from), to, "valid_to", "Al")?;
    Ok(CheckedRole {
        title,
        valid_from: from.to_string(),
        valid_to: to.map(|d| d.to_string()),
    })
}

/// The same person with the same role in the same unit over overlapping periods is a duplicate.
fn check_overlap(
    tx: &Connection,
    unit: i64,
    person: i64,
    c: &CheckedRole,
    except: Option<i64>,
) -> Result<()> {
    let clash: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT valid_from, valid_to FROM org_role WHERE unit_id = ?1 AND person_id = ?2
               AND title = ?3 COLLATE NOCASE AND id IS NOT ?4
               AND valid_from <= coalesce(?6, '9999-12-31') AND coalesce(valid_to, '9999-12-31') >= ?5",
            params![unit, person, c.title, except, c.valid_from, c.valid_to],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((f, t)) = clash {
        return Err(Error::validation(
            "valid_from",
            format!(
                "Dal: la persona ha già questo ruolo nell'unità {}: chiudere quell'incarico o correggere le date.",
                super::period_it(Some(&f), t.as_deref())
            ),
        ));
    }
    Ok(())
}

impl Store {
    /// People to choose for a role: those of the organigram and the referents of the registry whose name matches.
    pub fn org_person_candidates(&self, query: &str) -> Result<Vec<PersonCandidate>> {
        let terms = crate::text::query_terms(query);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let today = self.today().to_string();
        let matches = |name: &str| {
            let k = fold(name);
            terms.iter().all(|t| k.contains(t.as_str()))
        };
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare_cached(&format!(
            "{PERSON_SQL} WHERE p.referent_id IS NULL ORDER BY p.name_key"
        ))?;
        for p in stmt.query_map([], |r| person_from_row(r, 0))? {
            let p = p?;
            if matches(&p.full_name) {
                let detail = [p.qualifica.clone(), p.ente.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" – ");
                out.push(PersonCandidate {
                    source: "person".into(),
                    id: p.id,
                    full_name: p.full_name,
                    detail,
                    email: p.email,
                    past: false,
                });
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.full_name, r.role, c.name, r.email, r.valid_from, r.valid_to
             FROM referent r JOIN comune c ON c.istat = r.istat ORDER BY c.name_key, r.full_name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        for row in rows {
            let (id, name, role, comune, email, from, to) = row?;
            if matches(&name) {
                let label = match role.as_str() {
                    "rpct" => "RPCT",
                    "sindaco" => "Sindaco",
                    "operativo" => "Referente operativo",
                    _ => "Referente",
                };
                out.push(PersonCandidate {
                    source: "referent".into(),
                    id,
                    full_name: name,
                    detail: format!("{label} – Comune di {comune}"),
                    email,
                    past: !super::in_period(from.as_deref(), to.as_deref(), &today),
                });
            }
            if out.len() >= 50 {
                break;
            }
        }
        Ok(out)
    }

    pub fn org_person(&self, id: i64) -> Result<Person> {
        get_person(&self.conn, id)
    }

    /// Corrects an external person's data (a referent's are edited in the registry).
    pub fn update_org_person(&mut self, id: i64, input: &PersonInput) -> Result<Person> {
        self.action(|tx, op| {
            let before = get_person(tx, id)?;
            check_version(&before.updated_at, input.version.as_deref())?;
            if before.referent_id.is_some() {
                return Err(Error::conflict(
                    format!("{} è un referente dell'anagrafe: i suoi dati si correggono nella scheda del comune.", before.full_name),
                    None,
                ));
            }
            let c = check_person(tx, input, Some(id))?;
            tx.execute(
                "UPDATE org_person SET full_name = ?2, ente = ?3, qualifica = ?4, email = ?5, phone = ?6,
                    name_key = ?7, updated_at = ?8 WHERE id = ?1",
                params![
                    id,
                    c.full_name,
                    c.ente,
                    c.qualifica,
                    c.email,
                    c.phone,
                    c.name_key,
                    crate::db::version::next_version(&before.updated_at)
                ],
            )?;
            let after = get_person(tx, id)?;
            audit::record(tx, op, "update", "org_person", &id.to_string(), Some(&json(&before)?), Some(&json(&after)?))?;
            Ok(after)
        })
    }

    /// The roles of a unit, oldest first.
    pub fn org_roles(&self, unit_id: i64) -> Result<Vec<Role>> {
        get_unit(&self.conn, unit_id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{ROLE_SQL} WHERE o.unit_id = ?1 ORDER BY o.valid_from, o.id"
        ))?;
        let rows = stmt.query_map([unit_id], role_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Gives a person a role in a unit (the person chosen, linked or created in the same action).
    pub fn add_org_role(&mut self, input: &RoleInput) -> Result<Role> {
        let c = check_role(input)?;
        let today = self.today().to_string();
        self.action(|tx, op| {
            get_unit(tx, input.unit_id)
                .map_err(|_| Error::validation("unit_id", "Unità: l'unità scelta non esiste più."))?;
            let person = resolve_person(tx, op, &input.person, &today)?;
            check_overlap(tx, input.unit_id, person.id, &c, None)?;
            let now = crate::db::version::now_utc();
            tx.execute(
                "INSERT INTO org_role (unit_id, person_id, title, valid_from, valid_to, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                params![input.unit_id, person.id, c.title, c.valid_from, c.valid_to, now],
            )?;
            let role = get_role(tx, tx.last_insert_rowid())?;
            audit::record(tx, op, "create", "org_role", &role.id.to_string(), None, Some(&json(&role)?))?;
            Ok(role)
        })
    }

    /// Corrects a role: title, dates (closing it is setting its end date). The person and unit stay.
    pub fn update_org_role(&mut self, id: i64, input: &RoleInput) -> Result<Role> {
        let c = check_role(input)?;
        self.action(|tx, op| {
            let before = get_role(tx, id)?;
            check_version(&before.updated_at, input.version.as_deref())?;
            check_overlap(tx, before.unit_id, before.person.id, &c, Some(id))?;
            tx.execute(
                "UPDATE org_role SET title = ?2, valid_from = ?3, valid_to = ?4, updated_at = ?5 WHERE id = ?1",
                params![id, c.title, c.valid_from, c.valid_to, crate::db::version::next_version(&before.updated_at)],
            )?;
            let after = get_role(tx, id)?;
            audit::record(tx, op, "update", "org_role", &id.to_string(), Some(&json(&before)?), Some(&json(&after)?))?;
            Ok(after)
        })
    }

    /// Deletes a role recorded by mistake (a role that was held is closed with its end date instead).
    pub fn delete_org_role(&mut self, id: i64, version: Option<&str>) -> Result<()> {
        self.action(|tx, op| {
            let before = get_role(tx, id)?;
            check_version(&before.updated_at, version)?;
            tx.execute("DELETE FROM org_role WHERE id = ?1", [id])?;
            audit::record(
                tx,
                op,
                "delete",
                "org_role",
                &id.to_string(),
                Some(&json(&before)?),
                None,
            )?;
            Ok(())
        })
    }
}
