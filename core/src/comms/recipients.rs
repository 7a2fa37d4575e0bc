//! The recipients of a communication: chosen by rule (the comuni of some
//! zones and adhesion states, and whom in each: the comune's own PEC, its
//! RPCT, sindaco or referente operativo, the zone's referent; the members
//! of an organigram unit; the people enrolled in a training event or
//! present at it) and by hand, each with the address it will be sent to
//! and whether it is a PEC; missing and invalid addresses are flagged
//! before anything is sent. A person reached by two rules is written to
//! once (the one person-matching rule, `crate::person`).

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text::{self, Rule};
use crate::Store;

/// Whom to write to in each comune the rule selects.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RecipientRole {
    /// The comune's institutional PEC (protocollo).
    Comune,
    Rpct,
    Sindaco,
    /// The comune's segretario comunale (a referent of the registry).
    Segretario,
    /// The referente operativo.
    Operativo,
    /// The referent of the comune's zone omogenea.
    ReferenteZona,
}

/// Whom a rule may write to in each comune, in the order the form lists them.
pub const RECIPIENT_ROLES: [RecipientRole; 6] = [
    RecipientRole::Rpct,
    RecipientRole::Comune,
    RecipientRole::Sindaco,
    RecipientRole::Segretario,
    RecipientRole::Operativo,
    RecipientRole::ReferenteZona,
];

impl RecipientRole {
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientRole::Comune => "comune",
            RecipientRole::Rpct => "rpct",
            RecipientRole::Sindaco => "sindaco",
            RecipientRole::Segretario => "segretario",
            RecipientRole::Operativo => "operativo",
            RecipientRole::ReferenteZona => "referente_zona",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RecipientRole::Comune => "Comune (PEC istituzionale)",
            RecipientRole::Rpct => "RPCT",
            RecipientRole::Sindaco => "Sindaco",
            RecipientRole::Segretario => "Segretario comunale",
            RecipientRole::Operativo => "Referente operativo",
            RecipientRole::ReferenteZona => "Referente di zona",
        }
    }
}

/// The rule: the comuni of these zones (none: every zone) in these
/// adhesion states (none: any), or these comuni by name; whom in each.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecipientRule {
    #[serde(default)]
    pub zones: Vec<i64>,
    #[serde(default)]
    pub states: Vec<crate::adhesion::State>,
    /// Particular comuni (ISTAT codes); none: every comune the zones and states select.
    #[serde(default)]
    pub comuni: Vec<String>,
    #[serde(default)]
    pub roles: Vec<RecipientRole>,
    /// Only the comuni, among a request's recipients, whose scheda has not
    /// come back («chi non ha restituito la scheda» of that request).
    #[serde(default)]
    pub not_returned: Option<i64>,
    /// Also the members in office of this organigram unit.
    #[serde(default)]
    pub org_unit: Option<i64>,
    /// Also the people of this training event (enrolled, or present).
    #[serde(default)]
    pub event: Option<i64>,
    #[serde(default)]
    pub event_people: EventPeople,
}

/// Which people of a training event a rule takes.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EventPeople {
    /// Those enrolled (a convocation, a change of programme).
    #[default]
    Enrolled,
    /// Those recorded as present (the materials, the survey after the day).
    Attended,
}

/// A recipient typed by hand.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HandRecipient {
    pub name: String,
    pub address: String,
    /// The comune the recipient writes for, if any (for the placeholders).
    #[serde(default)]
    pub istat: Option<String>,
}

/// One recipient as the preview and the register show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecipientLine {
    /// The saved recipient's id (0 in a preview not yet saved).
    pub id: i64,
    pub istat: Option<String>,
    pub comune: String,
    pub name: String,
    pub role: String,
    pub address: String,
    pub is_pec: bool,
    pub by_hand: bool,
    /// Why it cannot be sent (missing or invalid address), if so.
    pub problem: Option<String>,
    /// What to check before sending (a person probably listed twice), if so.
    pub note: Option<String>,
    /// The message's state in the outbox (None: not queued).
    pub state: Option<String>,
    pub state_label: String,
    pub message_id: Option<String>,
    pub sent_at: Option<String>,
    pub error: Option<String>,
    /// What the PEC receipts say: «Consegnata», «Mancata consegna», «Accettata»…
    pub delivery: Option<String>,
    pub delivered_at: Option<String>,
    /// For a request of a scheda (or its reminder): the day the comune's
    /// scheda came back («scheda ricevuta»).
    pub returned_on: Option<String>,
}

/// PEC domains of the accredited providers commonly met in Sicilian
/// comuni, and any address whose domain has a `pec`, `cert` or `postacert` label.
const PEC_DOMAINS: &[&str] = &[
    "legalmail.it",
    "pec.it",
    "arubapec.it",
    "postecert.it",
    "gigapec.it",
    "sicurezzapostale.it",
    "pcert.postecert.it",
    "mypec.eu",
    "pecveneto.it",
    "cert.legalmail.it",
    "pec.actalis.it",
    "asmepec.it",
];

/// Whether an address is a PEC mailbox, judged by its domain.
pub fn looks_like_pec(address: &str) -> bool {
    let Some((_, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_ascii_lowercase();
    PEC_DOMAINS
        .iter()
        .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
        || domain
            .split('.')
            .any(|l| l == "pec" || l == "cert" || l == "postacert" || l.ends_with("pec"))
}

/// Why an address cannot be used, or None.
fn problem(address: &str) -> Option<String> {
    if address.trim().is_empty() {
        return Some("Indirizzo mancante: completarlo nell'anagrafe dei referenti.".into());
    }
    crate::validate::email("address", "Indirizzo", address)
        .err()
        .map(|e| e.to_string())
}

fn line(
    istat: Option<String>,
    comune: String,
    name: String,
    role: String,
    address: String,
    is_pec: bool,
    by_hand: bool,
) -> RecipientLine {
    RecipientLine {
        id: 0,
        problem: problem(&address),
        note: None,
        istat,
        comune,
        name,
        role,
        address,
        is_pec,
        by_hand,
        state: None,
        state_label: "Non in uscita".into(),
        message_id: None,
        sent_at: None,
        error: None,
        delivery: None,
        delivered_at: None,
        returned_on: None,
    }
}

/// The comuni the rule selects, in alphabetical order: (istat, name, zone id, pec).
fn comuni_of(
    conn: &Connection,
    rule: &RecipientRule,
) -> Result<Vec<(String, String, Option<i64>, Option<String>)>> {
    let mut stmt = conn.prepare(
        "SELECT c.istat, c.name, c.zone_id, c.pec, coalesce(a.state, 'non_aderente')
         FROM comune c LEFT JOIN adhesion a ON a.istat = c.istat
         WHERE c.suppressed_on IS NULL
         ORDER BY c.name_key, c.istat",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let pending = match rule.not_returned {
        Some(request) => Some(super::returns::not_returned(conn, request)?),
        None => None,
    };
    let mut out = Vec::new();
    for row in rows {
        let (istat, name, zone, pec, state) = row?;
        if pending.as_ref().is_some_and(|p| !p.contains(&istat)) {
            continue;
        }
        if !rule.comuni.is_empty() && !rule.comuni.contains(&istat) {
            continue;
        }
        if !rule.zones.is_empty() && !zone.is_some_and(|z| rule.zones.contains(&z)) {
            continue;
        }
        if !rule.states.is_empty() && !rule.states.iter().any(|s| s.as_str() == state) {
            continue;
        }
        out.push((istat, name, zone, pec));
    }
    Ok(out)
}

/// The referent in office of a role in a comune: (name, e-mail).
fn referent_in_office(
    conn: &Connection,
    istat: &str,
    role: &str,
    today: chrono::NaiveDate,
) -> Result<Option<(String, Option<String>)>> {
    Ok(conn
        .query_row(
            "SELECT full_name, email FROM referent
             WHERE istat = ?1 AND role = ?2 AND (valid_to IS NULL OR valid_to >= ?3)
               AND (valid_from IS NULL OR valid_from <= ?3)
             ORDER BY COALESCE(valid_from, '') DESC, id DESC LIMIT 1",
            params![istat, role, today.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Adds `l` to `out` unless the same person is there already (by the one
/// person-matching rule, in the same comune or with no comune): then the
/// line with a usable address is kept. A probable match is added with a
/// note, for the user to check.
fn same_person(mut l: RecipientLine, out: &mut Vec<RecipientLine>) {
    let same_place =
        |a: &RecipientLine| a.istat.is_none() || l.istat.is_none() || a.istat == l.istat;
    let mut probable = None;
    for (i, o) in out.iter().enumerate() {
        // A line without an address stands for no one in particular
        // («RPCT non registrato»): it is never the same person.
        if !same_place(o) || o.address.trim().is_empty() || l.address.trim().is_empty() {
            continue;
        }
        match crate::person::compare(&o.name, &l.name) {
            crate::person::Likeness::Exact => {
                if o.problem.is_some() && l.problem.is_none() {
                    out[i] = l;
                }
                return;
            }
            crate::person::Likeness::Probable => probable = Some(o.name.clone()),
            crate::person::Likeness::Different => {}
        }
    }
    if let Some(other) = probable {
        l.note = Some(format!(
            "Da controllare: {} di «{other}», con un altro indirizzo (riceverebbe due messaggi).",
            crate::person::Likeness::PROBABLE_IT
        ));
    }
    out.push(l);
}

/// The members in office on `today` of an organigram unit, with the
/// address the organigram or the registry (for a referent) keeps.
fn org_unit_members(
    conn: &Connection,
    unit: i64,
    today: chrono::NaiveDate,
) -> Result<Vec<RecipientLine>> {
    let name: String = conn
        .query_row("SELECT name FROM org_unit WHERE id = ?1", [unit], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| Error::validation("org_unit", "Unità dell'organigramma non trovata."))?;
    let mut stmt = conn.prepare(
        "SELECT coalesce(r.full_name, p.full_name), coalesce(r.email, p.email, ''), o.title,
                r.istat, coalesce(c.name, '')
         FROM org_role o JOIN org_person p ON p.id = o.person_id
         LEFT JOIN referent r ON r.id = p.referent_id
         LEFT JOIN comune c ON c.istat = r.istat
         WHERE o.unit_id = ?1 AND o.valid_from <= ?2 AND (o.valid_to IS NULL OR o.valid_to >= ?2)
         ORDER BY o.id",
    )?;
    let rows = stmt.query_map(params![unit, today.to_string()], |r| {
        let address: String = r.get(1)?;
        let title: String = r.get(2)?;
        Ok(line(
            r.get(3)?,
            r.get(4)?,
            r.get(0)?,
            format!("{title} – {name}"),
            address.clone(),
            looks_like_pec(&address),
            false,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The people enrolled in a training event, or present at it, with the
/// registry's address for a referent and the participant's own otherwise.
fn event_people(conn: &Connection, event: i64, which: EventPeople) -> Result<Vec<RecipientLine>> {
    let e = crate::training::get_event(conn, event)
        .map_err(|_| Error::validation("event", "Evento non trovato nel calendario."))?;
    let (of, label) = match which {
        EventPeople::Enrolled => (
            "SELECT participant_id FROM training_enrolment WHERE event_id = ?1",
            "Iscritto",
        ),
        EventPeople::Attended => (
            "SELECT participant_id FROM training_attendance WHERE event_id = ?1 AND present = 1",
            "Presente",
        ),
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT coalesce(r.full_name, t.full_name), coalesce(r.email, t.email, ''),
                coalesce(r.istat, t.istat), coalesce(c.name, t.ente, '')
         FROM training_participant t LEFT JOIN referent r ON r.id = t.referent_id
         LEFT JOIN comune c ON c.istat = coalesce(r.istat, t.istat)
         WHERE t.id IN ({of}) ORDER BY t.name_key, t.id"
    ))?;
    let role = format!("{label} a «{}» del {}", e.title, text::date_it(&e.date));
    let rows = stmt.query_map([event], |r| {
        let address: String = r.get(1)?;
        Ok(line(
            r.get(2)?,
            r.get(3)?,
            r.get(0)?,
            role.clone(),
            address.clone(),
            looks_like_pec(&address),
            false,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The recipients a rule and a list typed by hand give, as of `today`, one
/// per address (a person who is both RPCT and zone referent is written to once).
pub(crate) fn resolve(
    conn: &Connection,
    rule: &RecipientRule,
    hand: &[HandRecipient],
    today: chrono::NaiveDate,
) -> Result<Vec<RecipientLine>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |l: RecipientLine, out: &mut Vec<RecipientLine>| {
        let key = l.address.trim().to_ascii_lowercase();
        if !key.is_empty() && !seen.insert(key) {
            return;
        }
        same_person(l, out);
    };
    if !rule.roles.is_empty() {
        for (istat, comune, zone, pec) in comuni_of(conn, rule)? {
            for role in &rule.roles {
                let l = match role {
                    RecipientRole::Comune => line(
                        Some(istat.clone()),
                        comune.clone(),
                        format!("Comune di {comune}"),
                        role.label().into(),
                        pec.clone().unwrap_or_default(),
                        true,
                        false,
                    ),
                    RecipientRole::Rpct
                    | RecipientRole::Sindaco
                    | RecipientRole::Segretario
                    | RecipientRole::Operativo => {
                        match referent_in_office(conn, &istat, role.as_str(), today)? {
                            Some((name, email)) => {
                                let address = email.unwrap_or_default();
                                let pec = looks_like_pec(&address);
                                line(
                                    Some(istat.clone()),
                                    comune.clone(),
                                    name,
                                    role.label().into(),
                                    address,
                                    pec,
                                    false,
                                )
                            }
                            None => {
                                let mut l = line(
                                    Some(istat.clone()),
                                    comune.clone(),
                                    format!("{} non registrato", role.label()),
                                    role.label().into(),
                                    String::new(),
                                    false,
                                    false,
                                );
                                l.problem = Some(format!(
                                    "Nessun {} in carica nell'anagrafe di {comune}.",
                                    role.label()
                                ));
                                l
                            }
                        }
                    }
                    RecipientRole::ReferenteZona => {
                        let Some(z) = zone else { continue };
                        let r: Option<(String, Option<String>)> = conn
                            .query_row(
                                "SELECT r.full_name, r.email FROM zone z JOIN referent r ON r.id = z.referent_id
                                 WHERE z.id = ?1",
                                [z],
                                |r| Ok((r.get(0)?, r.get(1)?)),
                            )
                            .optional()?;
                        let Some((name, email)) = r else { continue };
                        let address = email.unwrap_or_default();
                        let pec = looks_like_pec(&address);
                        line(
                            Some(istat.clone()),
                            comune.clone(),
                            name,
                            role.label().into(),
                            address,
                            pec,
                            false,
                        )
                    }
                };
                push(l, &mut out);
            }
        }
    }
    if let Some(unit) = rule.org_unit {
        for l in org_unit_members(conn, unit, today)? {
            push(l, &mut out);
        }
    }
    if let Some(event) = rule.event {
        for l in event_people(conn, event, rule.event_people)? {
            push(l, &mut out);
        }
    }
    for h in hand {
        let name = text::required("name", "Nome del destinatario", &h.name, Rule::NAME)?;
        let address = text::field("address", "Indirizzo", h.address.trim(), Rule::NAME)?;
        let (istat, comune) = match &h.istat {
            Some(i) if !i.is_empty() => {
                let c = crate::registry::get_comune(conn, i)?;
                (Some(c.istat), c.name)
            }
            _ => (None, String::new()),
        };
        let pec = looks_like_pec(&address);
        push(
            line(
                istat,
                comune,
                name,
                "Aggiunto a mano".into(),
                address,
                pec,
                true,
            ),
            &mut out,
        );
    }
    Ok(out)
}

/// The recipients saved with a communication, with their messages' states.
pub(crate) fn saved(
    conn: &Connection,
    id: i64,
    _today: chrono::NaiveDate,
) -> Result<Vec<RecipientLine>> {
    let mut stmt = conn.prepare(
        "SELECT r.id, r.istat, coalesce(c.name, ''), r.name, r.role, coalesce(r.address, ''), r.is_pec,
                r.by_hand, m.state, m.message_id, m.sent_at, m.error, m.id
         FROM comm_recipient r
         LEFT JOIN comune c ON c.istat = r.istat
         LEFT JOIN comm_message m ON m.recipient_id = r.id
         WHERE r.communication_id = ?1 ORDER BY r.id",
    )?;
    let rows: Vec<(RecipientLine, Option<i64>)> = stmt
        .query_map([id], |r| {
            let address: String = r.get(5)?;
            let state: Option<String> = r.get(8)?;
            Ok((
                RecipientLine {
                    id: r.get(0)?,
                    istat: r.get(1)?,
                    comune: r.get(2)?,
                    name: r.get(3)?,
                    role: r.get(4)?,
                    problem: problem(&address),
                    note: None,
                    address,
                    is_pec: r.get(6)?,
                    by_hand: r.get(7)?,
                    state_label: state_label(state.as_deref()).into(),
                    state,
                    message_id: r.get(9)?,
                    sent_at: r.get(10)?,
                    error: r.get(11)?,
                    delivery: None,
                    delivered_at: None,
                    returned_on: None,
                },
                r.get(12)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let request = super::returns::is_reminder(conn, id)?;
    let mut out = Vec::with_capacity(rows.len());
    for (mut l, message) in rows {
        if let (true, Some(istat)) = (request, &l.istat) {
            l.returned_on = super::returns::returned_on(conn, id, istat)?;
        }
        if let Some(m) = message {
            if let Some((label, at)) = super::receipts::delivery_of(conn, m)? {
                l.delivery = Some(label);
                l.delivered_at = at;
            }
        }
        out.push(l);
    }
    Ok(out)
}

/// Saves a communication's recipients (replacing the previous ones) and
/// the rule they came from, inside the caller's transaction.
pub(crate) fn save_in(
    tx: &Connection,
    id: i64,
    rule: &RecipientRule,
    lines: &[RecipientLine],
) -> Result<()> {
    tx.execute(
        "DELETE FROM comm_recipient WHERE communication_id = ?1",
        [id],
    )?;
    let mut ins = tx.prepare(
        "INSERT INTO comm_recipient (communication_id, istat, name, role, address, is_pec, by_hand)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for l in lines {
        let address = Some(l.address.trim()).filter(|a| !a.is_empty());
        ins.execute(params![
            id, l.istat, l.name, l.role, address, l.is_pec, l.by_hand
        ])?;
    }
    tx.execute(
        "UPDATE communication SET rule = ?2 WHERE id = ?1",
        params![id, serde_json::to_string(rule)?],
    )?;
    Ok(())
}

impl Store {
    /// The recipients a rule and a hand list would give, without saving them.
    pub fn comms_preview_recipients(
        &self,
        rule: &RecipientRule,
        hand: &[HandRecipient],
    ) -> Result<Vec<RecipientLine>> {
        resolve(&self.conn, rule, hand, self.today())
    }

    /// Sets a draft's recipients from a rule and a hand list (replacing the
    /// previous ones). Flagged recipients are kept, to be seen, and never sent.
    pub fn comms_set_recipients(
        &mut self,
        id: i64,
        rule: &RecipientRule,
        hand: &[HandRecipient],
    ) -> Result<super::Communication> {
        let today = self.today();
        self.action(|tx, op| {
            super::version_of(tx, id)?;
            super::check_editable(tx, id)?;
            let lines = resolve(tx, rule, hand, today)?;
            if lines.is_empty() {
                return Err(Error::validation(
                    "recipients",
                    "Nessun destinatario: scegliere almeno un ruolo e una zona o un comune, o aggiungerne uno a mano.",
                ));
            }
            save_in(tx, id, rule, &lines)?;
            super::touch(tx, id)?;
            crate::audit::record(
                tx,
                op,
                "recipients",
                "communication",
                &id.to_string(),
                None,
                Some(&serde_json::json!({"rule": rule, "hand": hand.len(), "recipients": lines.len()})),
            )
        })?;
        self.comms_get(id)
    }
}

/// A message's state in words.
pub fn state_label(state: Option<&str>) -> &'static str {
    match state {
        None => "Non in uscita",
        Some("queued") => "In coda",
        Some("sending") => "In invio",
        Some("sent") => "Inviato",
        Some("unknown") => "Esito sconosciuto",
        Some("failed") => "Rifiutato dal server",
        Some("prepared") => "Preparato (.eml)",
        Some(_) => "—",
    }
}
