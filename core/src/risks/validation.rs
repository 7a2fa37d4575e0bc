//! The network's validation of the catalogue: the secretariat records the
//! date and the act or meeting (verbale of the RPCT's meeting, decree) that
//! validated the catalogue as it stands. Each measure at the revision then
//! validated is «validata dalla rete»; a measure changed afterwards, or added
//! since, is again a proposal of the Segreteria tecnica until the next
//! validation.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{iso_date, max_len, tidy};
use crate::db::version::check_version;
use crate::error::{Error, Result};
use crate::{audit, Store};

/// What the validation form sends.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValidationInput {
    /// The date of the act or meeting (gg/mm/aaaa or ISO).
    pub date: String,
    /// The act or meeting that validated the catalogue.
    pub act: String,
    /// The `recorded_at` of the last validation the form showed (None: none shown).
    #[serde(default)]
    pub version: Option<String>,
}

/// One validation of the catalogue.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogueValidation {
    pub id: i64,
    /// ISO date of the act or meeting.
    pub date: String,
    pub act: String,
    /// How many measures it covered.
    pub measures: i64,
    pub recorded_at: String,
    pub operator: String,
}

/// The catalogue's validation as the screens and documents show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValidationState {
    /// The last validation, if any.
    pub last: Option<CatalogueValidation>,
    /// The measures changed or added since the last validation (codes).
    pub changed_since: Vec<String>,
    /// The catalogue's status line.
    pub status: String,
}

/// The last validation with the revision of each measure it covered.
fn last(conn: &Connection) -> Result<Option<(CatalogueValidation, BTreeMap<String, i64>)>> {
    Ok(conn
        .query_row(
            "SELECT id, validated_on, act, revisions, recorded_at, operator FROM risk_validation
             ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                let revisions: String = r.get(3)?;
                let revisions: BTreeMap<String, i64> =
                    serde_json::from_str(&revisions).unwrap_or_default();
                Ok((
                    CatalogueValidation {
                        id: r.get(0)?,
                        date: r.get(1)?,
                        act: r.get(2)?,
                        measures: revisions.len() as i64,
                        recorded_at: r.get(4)?,
                        operator: r.get(5)?,
                    },
                    revisions,
                ))
            },
        )
        .optional()?)
}

/// Every measure's code and current revision.
fn revisions(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut stmt = conn.prepare_cached("SELECT code, revision FROM risk_measure ORDER BY code")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// «il 12/03/2027 (verbale della riunione …)»: when and by what.
fn by(v: &CatalogueValidation) -> String {
    format!("il {} ({})", crate::text::date_it(&v.date), v.act)
}

/// The status line of a measure at `revision`: validated by the network,
/// a proposal changed after the validation, or (never validated) the
/// status it was created with.
pub(crate) fn measure_status(
    conn: &Connection,
    code: &str,
    revision: i64,
    original: &str,
) -> Result<String> {
    Ok(match last(conn)? {
        None => original.to_string(),
        Some((v, revs)) => match revs.get(code) {
            Some(r) if *r >= revision => format!("Validata dalla rete {}", by(&v)),
            _ => format!(
                "Revisione {revision} proposta dalla Segreteria tecnica dopo la validazione della rete del {}, da validare",
                crate::text::date_it(&v.date)
            ),
        },
    })
}

/// The catalogue's validation state; `original` is the status line the
/// catalogue was shipped with.
pub(crate) fn state(conn: &Connection, original: &str) -> Result<ValidationState> {
    let Some((v, revs)) = last(conn)? else {
        return Ok(ValidationState {
            last: None,
            changed_since: Vec::new(),
            status: original.to_string(),
        });
    };
    let changed_since: Vec<String> = revisions(conn)?
        .into_iter()
        .filter(|(code, rev)| revs.get(code).is_none_or(|r| r < rev))
        .map(|(code, _)| code)
        .collect();
    let mut status = format!("Catalogo validato dalla rete {}", by(&v));
    if !changed_since.is_empty() {
        status.push_str(&format!(
            "; proposte della Segreteria tecnica successive, da validare: {}",
            changed_since.join(", ")
        ));
    }
    Ok(ValidationState {
        last: Some(v),
        changed_since,
        status,
    })
}

impl Store {
    /// The catalogue's validation state.
    pub fn risk_validation(&self) -> Result<ValidationState> {
        let original = crate::db::kv::get(&self.conn, "risks_status")?.unwrap_or_default();
        state(&self.conn, &original)
    }

    /// Records that the network validated the catalogue as it stands, on
    /// the date of the act or meeting named. Fields: `date` (required, not
    /// after today), `act` (required, at most 500 characters).
    pub fn validate_risk_catalogue(&mut self, input: &ValidationInput) -> Result<ValidationState> {
        let date = iso_date("date", "Data della validazione", &input.date)?;
        let today = self.today().format("%Y-%m-%d").to_string();
        if date > today {
            return Err(Error::validation(
                "date",
                format!(
                    "Data della validazione: non può essere successiva a oggi ({}).",
                    crate::text::date_it(&today)
                ),
            ));
        }
        let act = tidy(&input.act);
        if act.is_empty() {
            return Err(Error::validation(
                "act",
                "Atto o riunione: indicare l'atto o la riunione che ha validato il catalogo (es. verbale della riunione dei RPCT).",
            ));
        }
        max_len("act", "Atto o riunione", &act, 500)?;
        self.action(|tx, op| {
            let current = last(tx)?.map(|(v, _)| v.recorded_at);
            if let (Some(cur), Some(_)) = (&current, &input.version) {
                check_version(cur, input.version.as_deref())?;
            } else if current.is_some() != input.version.is_some() {
                return Err(crate::error::stale());
            }
            let revs = revisions(tx)?;
            let now = crate::db::version::next_version(current.as_deref().unwrap_or(""));
            tx.execute(
                "INSERT INTO risk_validation (validated_on, act, revisions, recorded_at, operator)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![date, act, serde_json::to_string(&revs)?, now, op],
            )?;
            let id = tx.last_insert_rowid();
            audit::record(
                tx,
                op,
                "validate",
                "risk_catalogue",
                &id.to_string(),
                None,
                Some(&serde_json::json!({"date": date, "act": act, "revisions": revs})),
            )?;
            let original = crate::db::kv::get(tx, "risks_status")?.unwrap_or_default();
            state(tx, &original)
        })
    }
}
