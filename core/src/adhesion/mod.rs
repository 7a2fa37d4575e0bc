//! The adhesion workflow: how a comune joins the Comunità di Pratiche, from
//! the invitation to the signed Protocollo d'intesa, with its history.
//!
//! ```text
//! non_aderente ─invite→ invitato ─send_draft→ bozza_inviata ─adopt_act→ atto_adottato
//!      ↑   ↑                │ decline              │ decline                 │ sign_protocol
//!      │   └────────────────┴──────────────────────┘                         ↓
//!      │                                                          protocollo_sottoscritto
//! receduto ─invite→ invitato                                                 │ withdraw
//!      ↑─────────────────────────────────────────────────────────────────────┘
//! ```
//! A reminder (sollecito) is recorded in `invitato` and `bozza_inviata`
//! without changing the state. Every step is one transaction with its
//! history row and its audit row; the last step can be undone with a reason.

pub mod documents;
pub mod files;
pub mod report;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::registry::referents::{add_referent_in, get_referent};
use crate::registry::{get_comune, ReferentInput};
use crate::text::{self, Rule};
use crate::{audit, validate, Store};

/// This domain's part of the archive. The adhesion workflow and its history.
pub(crate) const DOMAIN: crate::db::Domain<crate::Store> = crate::db::Domain {
    name: "adhesion",
    migrations: &[
        crate::db::Migration {
            number: 2,
            name: "0002_adhesion",
            sql: include_str!("../../migrations/0002_adhesion.sql"),
        },
        crate::db::Migration {
            number: 5,
            name: "0005_adhesion_organ",
            sql: include_str!("../../migrations/0005_adhesion_organ.sql"),
        },
    ],
    seed: Some(documents::upgrade_default_templates),
};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum State {
    NonAderente,
    Invitato,
    BozzaInviata,
    AttoAdottato,
    ProtocolloSottoscritto,
    Receduto,
}

pub const STATES: [State; 6] = [
    State::NonAderente,
    State::Invitato,
    State::BozzaInviata,
    State::AttoAdottato,
    State::ProtocolloSottoscritto,
    State::Receduto,
];

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::NonAderente => "non_aderente",
            State::Invitato => "invitato",
            State::BozzaInviata => "bozza_inviata",
            State::AttoAdottato => "atto_adottato",
            State::ProtocolloSottoscritto => "protocollo_sottoscritto",
            State::Receduto => "receduto",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::NonAderente => "Non aderente",
            State::Invitato => "Invitato",
            State::BozzaInviata => "Bozza inviata",
            State::AttoAdottato => "Atto adottato",
            State::ProtocolloSottoscritto => "Protocollo sottoscritto",
            State::Receduto => "Receduto",
        }
    }

    pub fn parse(s: &str) -> Result<State> {
        STATES
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                Error::validation("state", format!("Stato di adesione sconosciuto: «{s}»."))
            })
    }

    /// Waiting for the comune: the states a reminder (sollecito) is for.
    pub fn is_waiting(self) -> bool {
        matches!(self, State::Invitato | State::BozzaInviata)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", serde(rename = "AdhesionChannel"))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Pec,
    Altro,
}

pub const CHANNELS: [Channel; 2] = [Channel::Pec, Channel::Altro];

impl Channel {
    /// The invitation's means, as the step form names it.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Pec => "PEC",
            Channel::Altro => "Altro",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DraftKind {
    Giunta,
    Sindaco,
}

pub const DRAFT_KINDS: [DraftKind; 2] = [DraftKind::Giunta, DraftKind::Sindaco];

impl DraftKind {
    /// The act whose draft was sent: the organ's act, as the step form and
    /// the timeline name it (the documents are [`documents::DocKind`]).
    pub fn label(self) -> &'static str {
        match self {
            DraftKind::Giunta => "deliberazione di Giunta",
            DraftKind::Sindaco => "decreto o determinazione del Sindaco",
        }
    }

    /// The organ that adopts the comune's act, with its act (the registry card).
    pub fn organ(self) -> &'static str {
        match self {
            DraftKind::Giunta => "Giunta Municipale (deliberazione)",
            DraftKind::Sindaco => "Sindaco (decreto o determinazione)",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ActType {
    DeliberazioneGiunta,
    DecretoSindacale,
    DeterminazioneSindacale,
}

impl ActType {
    pub fn as_str(self) -> &'static str {
        match self {
            ActType::DeliberazioneGiunta => "deliberazione_giunta",
            ActType::DecretoSindacale => "decreto_sindacale",
            ActType::DeterminazioneSindacale => "determinazione_sindacale",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActType::DeliberazioneGiunta => "deliberazione di Giunta",
            ActType::DecretoSindacale => "decreto sindacale",
            ActType::DeterminazioneSindacale => "determinazione sindacale",
        }
    }
}

/// The referent the adopted act designates: one already recorded, or a new one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Designated {
    Existing { referent_id: i64 },
    New { referent: ReferentInput },
}

/// A step of the workflow with its data, as the user records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    Invite {
        date: String,
        protocol_number: String,
        channel: Channel,
    },
    SendDraft {
        date: String,
        draft: DraftKind,
        #[serde(default)]
        document: Option<String>,
    },
    AdoptAct {
        date: String,
        act_type: ActType,
        number: String,
        immediately_executable: bool,
        designated: Designated,
    },
    SignProtocol {
        date: String,
        registry_number: String,
    },
    Decline {
        date: String,
        #[serde(default)]
        note: Option<String>,
    },
    Withdraw {
        date: String,
        act: String,
    },
    Reminder {
        date: String,
        #[serde(default)]
        note: Option<String>,
    },
}

/// The kinds of step, for the UI's buttons and for the rules.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Invite,
    SendDraft,
    AdoptAct,
    SignProtocol,
    Decline,
    Withdraw,
    Reminder,
}

pub const STEP_KINDS: [StepKind; 7] = [
    StepKind::Invite,
    StepKind::SendDraft,
    StepKind::AdoptAct,
    StepKind::SignProtocol,
    StepKind::Decline,
    StepKind::Withdraw,
    StepKind::Reminder,
];

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Invite => "invite",
            StepKind::SendDraft => "send_draft",
            StepKind::AdoptAct => "adopt_act",
            StepKind::SignProtocol => "sign_protocol",
            StepKind::Decline => "decline",
            StepKind::Withdraw => "withdraw",
            StepKind::Reminder => "reminder",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StepKind::Invite => "Invito inviato",
            StepKind::SendDraft => "Bozza di atto inviata",
            StepKind::AdoptAct => "Atto adottato dal comune",
            StepKind::SignProtocol => "Protocollo sottoscritto",
            StepKind::Decline => "Il comune non aderisce",
            StepKind::Withdraw => "Recesso",
            StepKind::Reminder => "Sollecito",
        }
    }

    /// The button that records the step.
    pub fn action(self) -> &'static str {
        match self {
            StepKind::Invite => "Registra invito",
            StepKind::SendDraft => "Registra invio bozza",
            StepKind::AdoptAct => "Registra atto adottato",
            StepKind::SignProtocol => "Registra sottoscrizione",
            StepKind::Decline => "Registra mancata adesione",
            StepKind::Withdraw => "Registra recesso",
            StepKind::Reminder => "Registra sollecito",
        }
    }

    /// The state a step leads to from `from`, or None when not allowed.
    pub fn target(self, from: State) -> Option<State> {
        use State::*;
        match (self, from) {
            (StepKind::Invite, NonAderente | Receduto) => Some(Invitato),
            (StepKind::SendDraft, Invitato) => Some(BozzaInviata),
            (StepKind::AdoptAct, BozzaInviata) => Some(AttoAdottato),
            (StepKind::SignProtocol, AttoAdottato) => Some(ProtocolloSottoscritto),
            (StepKind::Decline, Invitato | BozzaInviata) => Some(NonAderente),
            (StepKind::Withdraw, ProtocolloSottoscritto) => Some(Receduto),
            (StepKind::Reminder, s) if s.is_waiting() => Some(s),
            _ => None,
        }
    }
}

impl Step {
    pub fn kind(&self) -> StepKind {
        match self {
            Step::Invite { .. } => StepKind::Invite,
            Step::SendDraft { .. } => StepKind::SendDraft,
            Step::AdoptAct { .. } => StepKind::AdoptAct,
            Step::SignProtocol { .. } => StepKind::SignProtocol,
            Step::Decline { .. } => StepKind::Decline,
            Step::Withdraw { .. } => StepKind::Withdraw,
            Step::Reminder { .. } => StepKind::Reminder,
        }
    }

    fn date(&self) -> &str {
        match self {
            Step::Invite { date, .. }
            | Step::SendDraft { date, .. }
            | Step::AdoptAct { date, .. }
            | Step::SignProtocol { date, .. }
            | Step::Decline { date, .. }
            | Step::Withdraw { date, .. }
            | Step::Reminder { date, .. } => date,
        }
    }
}

/// One row of a comune's timeline.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryEntry {
    pub id: i64,
    pub kind: String,
    pub label: String,
    pub from_state: State,
    pub to_state: State,
    pub date: String,
    pub recorded_at: String,
    pub operator: String,
    pub note: Option<String>,
    pub data: serde_json::Value,
    pub document: Option<String>,
    /// Set when a later undo cancelled this step.
    pub undone_by: Option<i64>,
}

/// Where a comune stands, what it can do next and how it got there.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AdhesionStatus {
    pub istat: String,
    pub state: State,
    pub state_label: String,
    pub since: Option<String>,
    pub days_in_state: Option<i64>,
    pub next_steps: Vec<StepKind>,
    /// The last step that can be undone, if any.
    pub undoable: Option<HistoryEntry>,
    /// Newest first.
    pub history: Vec<HistoryEntry>,
}

pub(crate) fn state_of(conn: &Connection, istat: &str) -> Result<(State, Option<String>)> {
    let row: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT state, since FROM adhesion WHERE istat = ?1",
            [istat],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        Some((s, since)) => Ok((State::parse(&s)?, since)),
        None => Ok((State::NonAderente, None)),
    }
}

fn set_state(conn: &Connection, istat: &str, state: State, since: Option<&str>) -> Result<()> {
    conn.execute(
        "INSERT INTO adhesion (istat, state, since, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(istat) DO UPDATE SET state = excluded.state, since = excluded.since,
            updated_at = excluded.updated_at",
        params![istat, state.as_str(), since, crate::db::version::now_utc()],
    )?;
    Ok(())
}

fn history(conn: &Connection, istat: &str) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, from_state, to_state, date, recorded_at, operator, note, data, document, undone_by
         FROM adhesion_step WHERE istat = ?1 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([istat], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, String>(8)?,
            r.get::<_, Option<String>>(9)?,
            r.get::<_, Option<i64>>(10)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, from, to, date, recorded_at, operator, note, data, document, undone_by) =
            row?;
        let label = STEP_KINDS
            .into_iter()
            .find(|k| k.as_str() == kind)
            .map(|k| k.label().to_string())
            .unwrap_or_else(|| "Annullamento dell'ultimo passaggio".to_string());
        out.push(HistoryEntry {
            id,
            kind,
            label,
            from_state: State::parse(&from)?,
            to_state: State::parse(&to)?,
            date,
            recorded_at,
            operator,
            note,
            data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
            document,
            undone_by,
        });
    }
    Ok(out)
}

/// The step an undo would cancel: the newest one that is not itself an undo
/// and has not been undone.
fn last_effective(history: &[HistoryEntry]) -> Option<&HistoryEntry> {
    history
        .iter()
        .find(|h| h.kind != "undo" && h.undone_by.is_none())
}

fn required(field: &str, label: &str, value: &str, max: usize) -> Result<String> {
    let rule = if max > 300 {
        Rule::lines(max)
    } else {
        Rule::line(max)
    };
    text::required(field, label, value, rule)
}

fn optional_note(note: &Option<String>) -> Result<Option<String>> {
    text::optional("note", "Note", note, Rule::lines(2000))
}

/// Checks a step's date: a real date, not after `today`, not before the last step.
fn check_date(date: &str, last: Option<&HistoryEntry>, today: NaiveDate) -> Result<NaiveDate> {
    let d = validate::date("date", "Data", date)?;
    if d > today {
        return Err(Error::validation(
            "date",
            "Data: non può essere nel futuro.",
        ));
    }
    if let Some(prev) = last {
        if prev.date > d.to_string() {
            return Err(Error::validation(
                "date",
                format!(
                    "Data: non può precedere quella del passaggio precedente («{}», del {}).",
                    prev.label,
                    crate::text::date_it(&prev.date)
                ),
            ));
        }
    }
    Ok(d)
}

fn invalid(istat_name: &str, kind: StepKind, from: State) -> Error {
    Error::InvalidTransition {
        message: format!(
            "Passaggio non consentito: «{}» non è possibile per {istat_name}, che è nello stato «{}».",
            kind.label(),
            from.label()
        ),
    }
}

/// Records one step inside the caller's transaction. Returns the history row id.
pub(crate) fn record_in(
    tx: &Connection,
    op: &str,
    istat: &str,
    step: &Step,
    bulk_id: Option<&str>,
    today: NaiveDate,
) -> Result<i64> {
    let comune = get_comune(tx, istat)?;
    let (from, _) = state_of(tx, istat)?;
    let kind = step.kind();
    let to = kind
        .target(from)
        .ok_or_else(|| invalid(&comune.name, kind, from))?;
    let hist = history(tx, istat)?;
    let date = check_date(step.date(), last_effective(&hist), today)?;
    let mut note = None;
    let mut document = None;
    let data = match step {
        Step::Invite {
            protocol_number,
            channel,
            ..
        } => {
            let p = required(
                "protocol_number",
                "Numero di protocollo della lettera",
                protocol_number,
                40,
            )?;
            serde_json::json!({ "protocol_number": p, "channel": channel })
        }
        Step::SendDraft {
            draft,
            document: doc,
            ..
        } => {
            document = crate::text::clean(doc);
            serde_json::json!({ "draft": draft })
        }
        Step::AdoptAct {
            act_type,
            number,
            immediately_executable,
            designated,
            ..
        } => {
            let number = required("number", "Numero dell'atto", number, 20)?;
            let referent = match designated {
                Designated::Existing { referent_id } => {
                    let r = get_referent(tx, *referent_id, &today.to_string()).map_err(|_| {
                        Error::validation(
                            "referent_id",
                            "Referente designato: scegliere un referente del comune.",
                        )
                    })?;
                    if r.istat != istat {
                        return Err(Error::validation(
                            "referent_id",
                            format!(
                                "Referente designato: {} non è un referente di {}.",
                                r.full_name, comune.name
                            ),
                        ));
                    }
                    r
                }
                Designated::New { referent } => add_referent_in(tx, op, istat, referent, today)?,
            };
            serde_json::json!({
                "act_type": act_type,
                "act_label": act_type.label(),
                "number": number,
                "year": chrono::Datelike::year(&date),
                "immediately_executable": immediately_executable,
                "referent_id": referent.id,
                "referent_name": referent.full_name,
            })
        }
        Step::SignProtocol {
            registry_number, ..
        } => {
            let n = required(
                "registry_number",
                "Numero di registro della Città Metropolitana",
                registry_number,
                40,
            )?;
            serde_json::json!({ "registry_number": n })
        }
        Step::Decline { note: n, .. } | Step::Reminder { note: n, .. } => {
            note = optional_note(n)?;
            serde_json::json!({})
        }
        Step::Withdraw { act, .. } => {
            let act = required("act", "Atto di recesso", act, 200)?;
            serde_json::json!({ "act": act })
        }
    };
    tx.execute(
        "INSERT INTO adhesion_step (istat, kind, from_state, to_state, date, recorded_at, operator, note,
            data, document, bulk_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            istat,
            kind.as_str(),
            from.as_str(),
            to.as_str(),
            date.to_string(),
            crate::db::version::now_utc(),
            op,
            note,
            data.to_string(),
            document,
            bulk_id
        ],
    )?;
    let step_id = tx.last_insert_rowid();
    if let Step::AdoptAct {
        act_type,
        immediately_executable,
        ..
    } = step
    {
        let inserted = tx.execute(
            "INSERT INTO adhesion_act (istat, act_type, number, year, date, immediately_executable,
                referent_id, step_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                istat,
                act_type.as_str(),
                data["number"].as_str(),
                data["year"].as_i64(),
                date.to_string(),
                immediately_executable,
                data["referent_id"].as_i64(),
                step_id
            ],
        );
        if let Err(rusqlite::Error::SqliteFailure(f, _)) = &inserted {
            if f.code == rusqlite::ffi::ErrorCode::ConstraintViolation {
                return Err(Error::validation(
                    "number",
                    format!(
                        "Numero dell'atto: {} ha già una {} n. {} del {}.",
                        comune.name,
                        act_type.label(),
                        data["number"].as_str().unwrap_or_default(),
                        data["year"]
                    ),
                ));
            }
        }
        inserted?;
    }
    if kind != StepKind::Reminder {
        set_state(tx, istat, to, Some(&date.to_string()))?;
    }
    audit::record(
        tx,
        op,
        kind.as_str(),
        "adhesion",
        istat,
        Some(&serde_json::json!({ "state": from })),
        Some(
            &serde_json::json!({ "state": to, "step_id": step_id, "date": date.to_string(), "data": data, "note": note }),
        ),
    )?;
    Ok(step_id)
}

/// The state a comune had before `entry` (its `since` date comes from the
/// effective step that led there, if any).
fn restore_since(hist: &[HistoryEntry], undone: &HistoryEntry) -> Option<String> {
    hist.iter()
        .filter(|h| {
            h.id < undone.id && h.kind != "undo" && h.kind != "reminder" && h.undone_by.is_none()
        })
        .map(|h| h.date.clone())
        .next()
}

impl Store {
    pub fn adhesion(&self, istat: &str) -> Result<AdhesionStatus> {
        get_comune(&self.conn, istat)?;
        let (state, since) = state_of(&self.conn, istat)?;
        let hist = history(&self.conn, istat)?;
        let days_in_state = since
            .as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .map(|d| (self.today() - d).num_days());
        Ok(AdhesionStatus {
            istat: istat.to_string(),
            state,
            state_label: state.label().to_string(),
            since,
            days_in_state,
            next_steps: STEP_KINDS
                .into_iter()
                .filter(|k| k.target(state).is_some())
                .collect(),
            undoable: last_effective(&hist).cloned(),
            history: hist,
        })
    }

    /// Records a step of the workflow: checked against the state and the
    /// rules, then written with its history and audit rows, or not at all.
    pub fn record_step(&mut self, istat: &str, step: &Step) -> Result<AdhesionStatus> {
        let today = self.today();
        self.action(|tx, op| record_in(tx, op, istat, step, None, today))?;
        self.adhesion(istat)
    }

    /// Undoes the last step of a comune, with a mandatory reason. The undone
    /// step stays in the history, marked, and the undo is a history row too.
    /// `step_id` names the step the screen offered to undo: if another step
    /// was recorded since, the undo is refused (`conflict`).
    pub fn undo_last_step(
        &mut self,
        istat: &str,
        step_id: Option<i64>,
        reason: &str,
    ) -> Result<AdhesionStatus> {
        let reason = required("reason", "Motivo dell'annullamento", reason, 2000)?;
        let today = self.today();
        self.action(|tx, op| {
            let comune = get_comune(tx, istat)?;
            let hist = history(tx, istat)?;
            let last = last_effective(&hist).cloned().ok_or_else(|| Error::InvalidTransition {
                message: format!("{} non ha passaggi da annullare.", comune.name),
            })?;
            if step_id.is_some_and(|id| id != last.id) {
                return Err(Error::conflict(
                    format!(
                        "Annullamento non eseguito: l'ultimo passaggio di {} ora è «{}», registrato dopo che la pagina è stata aperta. Ricaricare la pagina e verificare che cosa annullare.",
                        comune.name, last.label
                    ),
                    None,
                ));
            }
            let (current, _) = state_of(tx, istat)?;
            let now = crate::db::version::now_utc();
            tx.execute(
                "INSERT INTO adhesion_step (istat, kind, from_state, to_state, date, recorded_at, operator, note, data)
                 VALUES (?1, 'undo', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    istat,
                    current.as_str(),
                    last.from_state.as_str(),
                    today.to_string(),
                    now,
                    op,
                    reason,
                    serde_json::json!({ "undone_step": last.id, "undone_label": last.label }).to_string()
                ],
            )?;
            let undo_id = tx.last_insert_rowid();
            tx.execute("UPDATE adhesion_step SET undone_by = ?2 WHERE id = ?1", params![last.id, undo_id])?;
            tx.execute("DELETE FROM adhesion_act WHERE step_id = ?1", [last.id])?;
            if last.kind != "reminder" {
                set_state(tx, istat, last.from_state, restore_since(&hist, &last).as_deref())?;
            }
            audit::record(
                tx,
                op,
                "undo",
                "adhesion",
                istat,
                Some(&serde_json::json!({ "state": current, "step": last })),
                Some(&serde_json::json!({ "state": last.from_state, "reason": reason })),
            )?;
            Ok(())
        })?;
        self.adhesion(istat)
    }

    /// Invites many comuni in one all-or-nothing action. `progress(done, total)`
    /// is called after each comune; returning false cancels (nothing is written).
    pub fn bulk_invite(
        &mut self,
        istat: &[String],
        date: &str,
        protocol_number: &str,
        channel: Channel,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<usize> {
        if istat.is_empty() {
            return Err(Error::validation(
                "comuni",
                "Selezionare almeno un comune da invitare.",
            ));
        }
        let bulk_id = crate::job::unique_stamp();
        let total = istat.len();
        let today = self.today();
        self.action(|tx, op| {
            let step = Step::Invite {
                date: date.to_string(),
                protocol_number: protocol_number.to_string(),
                channel,
            };
            for (i, code) in istat.iter().enumerate() {
                record_in(tx, op, code, &step, Some(&bulk_id), today).map_err(|e| match e {
                    Error::InvalidTransition { .. } | Error::NotFound { .. } => {
                        Error::InvalidTransition {
                            message: format!(
                                "Invito collettivo annullato, nessun comune è stato invitato. {e}"
                            ),
                        }
                    }
                    other => other,
                })?;
                if !progress(i + 1, total) {
                    return Err(Error::Cancelled {
                        message: "Invito collettivo interrotto: nessun comune è stato invitato."
                            .into(),
                    });
                }
            }
            Ok(total)
        })
    }
}
