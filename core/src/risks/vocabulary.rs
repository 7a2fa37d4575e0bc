//! The vocabulary: areas, enabling factors, measure types, general measures,
//! each with its source (the starting ones come from the seed, `seed.rs`).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{max_len, required};
use crate::error::{Error, Result};
use crate::{audit, Store};

// ---------------------------------------------------------------- the vocabulary

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Area {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub source: Option<String>,
    pub note: Option<String>,
    pub user_added: bool,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VocabularyItem {
    pub code: String,
    pub name: String,
    /// The source's code or, for general measures, the normative reference.
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Source {
    pub code: String,
    pub citation: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Vocabulary {
    pub areas: Vec<Area>,
    pub factors: Vec<VocabularyItem>,
    pub measure_types: Vec<VocabularyItem>,
    pub general_measures: Vec<VocabularyItem>,
    pub sources: Vec<Source>,
    /// The six indicators of ANAC's Box 8, in order.
    pub rating_indicators: Vec<String>,
    /// The catalogue's status line («Proposta della Segreteria tecnica, da validare»,
    /// or when and by what the network validated it).
    pub status: String,
}

pub(crate) fn get_area(conn: &Connection, id: i64) -> Result<Area> {
    conn.query_row(
        "SELECT id, code, name, kind, source, note, user_added, updated_at FROM risk_area WHERE id = ?1",
        [id],
        area_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("L'area di rischio non esiste."))
}

fn area_from_row(r: &rusqlite::Row) -> rusqlite::Result<Area> {
    Ok(Area {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        source: r.get(4)?,
        note: r.get(5)?,
        user_added: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

fn items(conn: &Connection, sql: &str) -> Result<Vec<VocabularyItem>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(VocabularyItem {
            code: r.get(0)?,
            name: r.get(1)?,
            source: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Input of a new area added by the user.
#[derive(Debug, Clone, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AreaInput {
    pub name: String,
    /// «generale» or «specifica».
    pub kind: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl Store {
    pub fn risk_vocabulary(&self) -> Result<Vocabulary> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, code, name, kind, source, note, user_added, updated_at FROM risk_area ORDER BY code",
        )?;
        let areas = stmt
            .query_map([], area_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Vocabulary {
            areas,
            factors: items(
                &self.conn,
                "SELECT code, name, source FROM risk_factor ORDER BY length(code), code",
            )?,
            measure_types: items(
                &self.conn,
                "SELECT code, name, source FROM measure_type ORDER BY code",
            )?,
            general_measures: items(
                &self.conn,
                "SELECT code, name, reference FROM general_measure ORDER BY code",
            )?,
            sources: {
                let mut stmt = self
                    .conn
                    .prepare_cached("SELECT code, citation FROM risk_source ORDER BY code")?;
                let rows = stmt.query_map([], |r| {
                    Ok(Source {
                        code: r.get(0)?,
                        citation: r.get(1)?,
                    })
                })?;
                rows.collect::<rusqlite::Result<_>>()?
            },
            rating_indicators: super::rating::INDICATORS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            status: super::validation::state(
                &self.conn,
                &crate::db::kv::get(&self.conn, "risks_status")?.unwrap_or_default(),
            )?
            .status,
        })
    }

    /// Adds an area of risk to the vocabulary (the user's own, code «U01»…).
    pub fn add_risk_area(&mut self, input: &AreaInput) -> Result<Area> {
        let name = required("name", "Nome dell'area", &input.name)?;
        max_len("name", "Nome dell'area", &name, 300)?;
        if input.kind != "generale" && input.kind != "specifica" {
            return Err(Error::validation(
                "kind",
                "Tipo di area: scegliere «generale» o «specifica».",
            ));
        }
        let note = crate::text::optional("note", "Nota", &input.note, crate::text::Rule::NOTE)?;
        self.action(|tx, op| {
            let clash: Option<i64> = tx
                .query_row(
                    "SELECT id FROM risk_area WHERE name = ?1 COLLATE NOCASE",
                    [&name],
                    |r| r.get(0),
                )
                .optional()?;
            if clash.is_some() {
                return Err(Error::validation(
                    "name",
                    format!("Esiste già un'area di rischio «{name}»."),
                ));
            }
            let n: i64 = tx.query_row(
                "SELECT count(*) FROM risk_area WHERE user_added = 1",
                [],
                |r| r.get(0),
            )?;
            let mut k = n + 1;
            let code = loop {
                let c = format!("U{k:02}");
                let used: i64 = tx.query_row(
                    "SELECT count(*) FROM risk_area WHERE code = ?1",
                    [&c],
                    |r| r.get(0),
                )?;
                if used == 0 {
                    break c;
                }
                k += 1;
            };
            tx.execute(
                "INSERT INTO risk_area (code, name, kind, note, user_added, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                params![code, name, input.kind, note, crate::db::version::now_utc()],
            )?;
            let area = get_area(tx, tx.last_insert_rowid())?;
            audit::record(
                tx,
                op,
                "create",
                "risk_area",
                &area.id.to_string(),
                None,
                Some(&serde_json::to_value(&area)?),
            )?;
            Ok(area)
        })
    }

    /// Renames an item of the vocabulary: `kind` is «area», «factor»,
    /// «type» or «general»; `shown` is the name the form showed (a name
    /// changed since is a stale form). One action with its audit row.
    pub fn rename_risk_vocabulary(
        &mut self,
        kind: &str,
        code: &str,
        name: &str,
        shown: &str,
    ) -> Result<VocabularyItem> {
        let table = match kind {
            "area" => "risk_area",
            "factor" => "risk_factor",
            "type" => "measure_type",
            "general" => "general_measure",
            _ => {
                return Err(Error::validation(
                    "kind",
                    "Voce del vocabolario sconosciuta.",
                ))
            }
        };
        let name = required("name", "Nome", name)?;
        max_len("name", "Nome", &name, 300)?;
        self.action(|tx, op| {
            let before: String = tx
                .query_row(
                    &format!("SELECT name FROM {table} WHERE code = ?1"),
                    [code],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| Error::not_found("La voce del vocabolario non esiste."))?;
            if before != shown {
                return Err(crate::error::stale());
            }
            let clash: i64 = tx.query_row(
                &format!(
                    "SELECT count(*) FROM {table} WHERE name = ?1 COLLATE NOCASE AND code <> ?2"
                ),
                params![name, code],
                |r| r.get(0),
            )?;
            if clash > 0 {
                return Err(Error::validation(
                    "name",
                    format!("Esiste già una voce «{name}»."),
                ));
            }
            tx.execute(
                &format!("UPDATE {table} SET name = ?2 WHERE code = ?1"),
                params![code, name],
            )?;
            if table == "risk_area" {
                tx.execute(
                    "UPDATE risk_area SET updated_at = ?2 WHERE code = ?1",
                    params![code, crate::db::version::now_utc()],
                )?;
            }
            audit::record(
                tx,
                op,
                "rename",
                table,
                code,
                Some(&serde_json::json!({ "name": before })),
                Some(&serde_json::json!({ "name": name })),
            )?;
            Ok(VocabularyItem {
                code: code.to_string(),
                name: name.clone(),
                source: None,
            })
        })
    }
}
