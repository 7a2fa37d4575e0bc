//! Participants (the registry's referents or other people), enrolment per
//! event, attendance per event (present, minutes).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::get_event;
use crate::db::version::check_version;
use crate::error::{Error, Result};
use crate::{audit, Store};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Participant {
    pub id: i64,
    pub referent_id: Option<i64>,
    pub full_name: String,
    pub istat: Option<String>,
    /// The comune's name, or the ente typed for a person from outside.
    pub ente: Option<String>,
    pub role: Option<String>,
    pub email: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ParticipantInput {
    pub full_name: String,
    pub istat: Option<String>,
    pub ente: Option<String>,
    pub role: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// One line of an event's attendance sheet: enrolled, present or not.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttendanceRow {
    pub participant: Participant,
    pub enrolled: bool,
    /// None: not recorded yet.
    pub present: Option<bool>,
    pub minutes: i64,
    pub source: Option<String>,
}

const P_SQL: &str = "SELECT p.id, p.referent_id, p.full_name, p.istat,
        coalesce(c.name, p.ente), p.role, p.email, p.updated_at
     FROM training_participant p LEFT JOIN comune c ON c.istat = p.istat";

fn p_from_row(r: &rusqlite::Row) -> rusqlite::Result<Participant> {
    Ok(Participant {
        id: r.get(0)?,
        referent_id: r.get(1)?,
        full_name: r.get(2)?,
        istat: r.get(3)?,
        ente: r.get(4)?,
        role: r.get(5)?,
        email: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

pub(crate) fn get_participant(conn: &Connection, id: i64) -> Result<Participant> {
    conn.query_row(&format!("{P_SQL} WHERE p.id = ?1"), [id], p_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("Il partecipante non esiste (forse è stato eliminato)."))
}

pub(crate) fn all_participants(conn: &Connection) -> Result<Vec<Participant>> {
    let mut stmt = conn.prepare_cached(&format!("{P_SQL} ORDER BY p.name_key, p.id"))?;
    let rows = stmt.query_map([], p_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

struct CheckedP {
    full_name: String,
    istat: Option<String>,
    ente: Option<String>,
    role: Option<String>,
    email: Option<String>,
}

fn check_participant(conn: &Connection, inp: &ParticipantInput) -> Result<CheckedP> {
    use crate::text::{optional, Rule};
    let full_name = crate::text::required(
        "full_name",
        "Nome e cognome",
        &inp.full_name,
        Rule::line(120),
    )?;
    let istat = optional("istat", "Comune", &inp.istat, Rule::CODE)?;
    if let Some(code) = &istat {
        crate::registry::get_comune(conn, code)
            .map_err(|_| Error::validation("istat", "Comune: il comune scelto non esiste."))?;
    }
    let email = optional("email", "E-mail", &inp.email, Rule::TITLE)?.map(|e| e.to_lowercase());
    if let Some(e) = &email {
        crate::validate::email("email", "E-mail", e)?;
    }
    Ok(CheckedP {
        full_name,
        istat,
        ente: optional("ente", "Ente", &inp.ente, Rule::line(160))?,
        role: optional("role", "Ruolo", &inp.role, Rule::line(160))?,
        email,
    })
}

pub(crate) fn insert_participant(
    conn: &Connection,
    op: &str,
    inp: &ParticipantInput,
    referent_id: Option<i64>,
) -> Result<Participant> {
    let c = check_participant(conn, inp)?;
    let now = crate::db::version::now_utc();
    conn.execute(
        "INSERT INTO training_participant (referent_id, full_name, istat, ente, role, email, name_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![referent_id, c.full_name, c.istat, c.ente, c.role, c.email, crate::text::fold(&c.full_name), now],
    )?;
    let p = get_participant(conn, conn.last_insert_rowid())?;
    audit::record(
        conn,
        op,
        "create",
        "training_participant",
        &p.id.to_string(),
        None,
        Some(&serde_json::to_value(&p)?),
    )?;
    Ok(p)
}

impl Store {
    /// Every participant, by name.
    pub fn training_participants(&self) -> Result<Vec<Participant>> {
        all_participants(&self.conn)
    }

    /// A person from outside the registry (or a referent typed by hand).
    pub fn add_training_participant(&mut self, inp: &ParticipantInput) -> Result<Participant> {
        self.action(|tx, op| insert_participant(tx, op, inp, None))
    }

    pub fn update_training_participant(
        &mut self,
        id: i64,
        inp: &ParticipantInput,
    ) -> Result<Participant> {
        self.action(|tx, op| {
            let before = get_participant(tx, id)?;
            check_version(&before.updated_at, inp.version.as_deref())?;
            let c = check_participant(tx, inp)?;
            tx.execute(
                "UPDATE training_participant SET full_name = ?2, istat = ?3, ente = ?4, role = ?5, email = ?6,
                    name_key = ?7, updated_at = ?8 WHERE id = ?1",
                params![id, c.full_name, c.istat, c.ente, c.role, c.email, crate::text::fold(&c.full_name), crate::db::version::next_version(&before.updated_at)],
            )?;
            let after = get_participant(tx, id)?;
            audit::record(tx, op, "update", "training_participant", &id.to_string(), Some(&serde_json::to_value(&before)?), Some(&serde_json::to_value(&after)?))?;
            Ok(after)
        })
    }

    /// The participant of a referent of the registry, created from the
    /// referent's data the first time (the person is typed once).
    pub fn participant_from_referent(&mut self, referent_id: i64) -> Result<Participant> {
        let today = self.today().to_string();
        self.action(|tx, op| {
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM training_participant WHERE referent_id = ?1",
                    [referent_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = existing {
                return get_participant(tx, id);
            }
            let r = crate::registry::referents::get_referent(tx, referent_id, &today)?;
            let inp = ParticipantInput {
                full_name: r.full_name.clone(),
                istat: Some(r.istat.clone()),
                ente: None,
                role: Some(r.role_label.clone()),
                email: r.email.clone(),
                version: None,
            };
            insert_participant(tx, op, &inp, Some(referent_id))
        })
    }

    /// Enrols participants in an event (those already enrolled stay).
    pub fn enrol_training(&mut self, event_id: i64, participant_ids: &[i64]) -> Result<usize> {
        self.action(|tx, op| {
            let e = get_event(tx, event_id)?;
            if e.state == "annullato" {
                return Err(Error::conflict("L'evento è annullato: non si possono iscrivere partecipanti.", None));
            }
            let mut n = 0;
            for pid in participant_ids {
                get_participant(tx, *pid)?;
                n += tx.execute(
                    "INSERT OR IGNORE INTO training_enrolment (event_id, participant_id, created_at) VALUES (?1, ?2, ?3)",
                    params![event_id, pid, crate::db::version::now_utc()],
                )?;
            }
            if let Some(seats) = e.seats {
                let enrolled: i64 = tx.query_row("SELECT count(*) FROM training_enrolment WHERE event_id = ?1", [event_id], |r| r.get(0))?;
                if enrolled > seats {
                    return Err(Error::conflict(
                        format!("I posti disponibili sono {seats}: con queste iscrizioni gli iscritti sarebbero {enrolled}. Nessuna iscrizione è stata registrata."),
                        None,
                    ));
                }
            }
            audit::record(tx, op, "enrol", "training_event", &event_id.to_string(), None, Some(&serde_json::json!({ "participants": participant_ids })))?;
            Ok(n)
        })
    }

    /// Records one participant's attendance at an event (enrolling them).
    pub fn set_training_attendance(
        &mut self,
        event_id: i64,
        participant_id: i64,
        present: bool,
        minutes: i64,
    ) -> Result<()> {
        let today = self.today();
        self.action(|tx, op| {
            let e = get_event(tx, event_id)?;
            get_participant(tx, participant_id)?;
            if e.state == "annullato" {
                return Err(Error::conflict("L'evento è annullato: non si registrano presenze.", None));
            }
            super::check_held(&e, today)?;
            let length = super::event_minutes(&e);
            if minutes < 0 || minutes > length {
                return Err(Error::validation("minutes", format!("Minuti di presenza: da 0 a {length} (la durata dell'evento).")));
            }
            tx.execute(
                "INSERT OR IGNORE INTO training_enrolment (event_id, participant_id, created_at) VALUES (?1, ?2, ?3)",
                params![event_id, participant_id, crate::db::version::now_utc()],
            )?;
            tx.execute(
                "INSERT INTO training_attendance (event_id, participant_id, present, minutes, source, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'manuale', ?5)
                 ON CONFLICT(event_id, participant_id) DO UPDATE SET present = excluded.present,
                    minutes = excluded.minutes, source = 'manuale', updated_at = excluded.updated_at",
                params![event_id, participant_id, present, minutes, crate::db::version::now_utc()],
            )?;
            audit::record(tx, op, "attendance", "training_event", &event_id.to_string(), None,
                Some(&serde_json::json!({ "participant_id": participant_id, "present": present, "minutes": minutes })))?;
            Ok(())
        })
    }

    /// The attendance sheet of an event: the enrolled and those recorded.
    pub fn training_attendance(&self, event_id: i64) -> Result<Vec<AttendanceRow>> {
        get_event(&self.conn, event_id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{P_SQL} WHERE p.id IN (SELECT participant_id FROM training_enrolment WHERE event_id = ?1
                UNION SELECT participant_id FROM training_attendance WHERE event_id = ?1)
             ORDER BY p.name_key, p.id"
        ))?;
        let people: Vec<Participant> = stmt
            .query_map([event_id], p_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(people.len());
        for p in people {
            let enrolled: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM training_enrolment WHERE event_id = ?1 AND participant_id = ?2)",
                params![event_id, p.id],
                |r| r.get(0),
            )?;
            let att: Option<(bool, i64, String)> = self
                .conn
                .query_row(
                    "SELECT present, minutes, source FROM training_attendance WHERE event_id = ?1 AND participant_id = ?2",
                    params![event_id, p.id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            out.push(AttendanceRow {
                participant: p,
                enrolled,
                present: att.as_ref().map(|a| a.0),
                minutes: att.as_ref().map(|a| a.1).unwrap_or(0),
                source: att.map(|a| a.2),
            });
        }
        Ok(out)
    }
}

/// A referent of the registry who can be added as a participant.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReferentCandidate {
    pub referent_id: i64,
    pub full_name: String,
    pub comune: String,
    pub role: String,
    /// Already a participant (its id).
    pub participant_id: Option<i64>,
}

impl Store {
    /// The referents in office of every comune, by comune and name.
    pub fn training_referents(&self) -> Result<Vec<ReferentCandidate>> {
        let today = self.today().to_string();
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.full_name, c.name, r.role, p.id FROM referent r
             JOIN comune c ON c.istat = r.istat
             LEFT JOIN training_participant p ON p.referent_id = r.id
             WHERE (r.valid_from IS NULL OR r.valid_from <= ?1) AND (r.valid_to IS NULL OR r.valid_to >= ?1)
               AND r.role <> 'sindaco'
             ORDER BY c.name_key, r.full_name",
        )?;
        let rows = stmt.query_map([today], |r| {
            let role: String = r.get(3)?;
            Ok(ReferentCandidate {
                referent_id: r.get(0)?,
                full_name: r.get(1)?,
                comune: r.get(2)?,
                role: match role.as_str() {
                    "rpct" => "RPCT",
                    "operativo" => "Referente operativo",
                    _ => "Altro",
                }
                .to_string(),
                participant_id: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
