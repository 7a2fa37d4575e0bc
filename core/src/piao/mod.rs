//! La sottosezione 2.3 «Rischi corruttivi e trasparenza» del PIAO di un
//! comune, la relazione annuale del suo RPCT e la vista per la piattaforma
//! ANAC (issue 21). What the archive already holds (the registry, the zones,
//! the risks module's scheda di contesto, ratings, adoptions and monitoring,
//! the training hours) is read from its domain; what it lacked (the period,
//! the RPCT's act, the organs, the strategic objectives, the external
//! context's own text, the transparency table's offices, the confirmation's
//! answers, the relazione's considerations) lives here (migration 0015).
//!
//! - `mod.rs`: the comune's PIAO data, the shipped lists, one save.
//! - `section.rs`: the section as a document, what is missing, the batch.
//! - `relazione.rs`: the relazione annuale (XLSX in ANAC's layout, PDF) and
//!   the platform view.
//! - `files.rs`: what the files are.

pub mod files;
pub mod relazione;
pub mod section;

use std::sync::OnceLock;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::version::{check_version, next_version};
use crate::error::{Error, Result};
use crate::text::{field, Rule};
use crate::{audit, Store};

/// This domain's part of the archive: each comune's PIAO data and relazione.
pub(crate) const DOMAIN: crate::db::Domain<crate::Store> = crate::db::Domain {
    name: "piao",
    migrations: &[crate::db::Migration {
        number: 15,
        name: "0015_piao",
        sql: include_str!("../../migrations/0015_piao.sql"),
    }],
    seed: None,
};

/// A strategic objective of the shipped list: a proposal the comune adopts
/// as it is or changes.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ObjectiveOption {
    pub code: &'static str,
    pub title: &'static str,
    pub indicator: &'static str,
}

impl ObjectiveOption {
    /// The comune's objective as chosen from the list, unchanged.
    pub fn objective(&self) -> Objective {
        Objective {
            code: Some(self.code.to_string()),
            title: self.title.to_string(),
            indicator: self.indicator.to_string(),
        }
    }
}

/// The shipped list of strategic objectives in anti-corruption and
/// transparency (the kinds the Aggiornamento 2024 al PNA 2022, delibera ANAC
/// n. 31/2025, gives as examples for small comuni), each with an indicator.
pub const OBJECTIVES: &[ObjectiveOption] = &[
    ObjectiveOption {
        code: "OS-01",
        title: "Revisione del codice di comportamento integrativo dell'ente",
        indicator: "Codice integrativo aggiornato e adottato dalla Giunta entro l'anno (sì/no)",
    },
    ObjectiveOption {
        code: "OS-02",
        title: "Incremento della formazione dei dipendenti sui rischi specifici dei processi dell'ente",
        indicator: "Ore di formazione specifica per dipendente nell'anno (numero)",
    },
    ObjectiveOption {
        code: "OS-03",
        title: "Informatizzazione dei flussi per la pubblicazione dei dati in «Amministrazione trasparente»",
        indicator: "Sotto-sezioni alimentate in automatico dagli applicativi dell'ente (percentuale)",
    },
    ObjectiveOption {
        code: "OS-04",
        title: "Miglioramento della qualità e della tempestività dei dati pubblicati",
        indicator: "Obblighi di pubblicazione verificati dal RPCT e risultati completi e aggiornati (percentuale)",
    },
    ObjectiveOption {
        code: "OS-05",
        title: "Rafforzamento del monitoraggio delle misure di prevenzione",
        indicator: "Misure programmate monitorate almeno una volta nell'anno (percentuale)",
    },
    ObjectiveOption {
        code: "OS-06",
        title: "Condivisione con gli altri comuni della Comunità di Pratiche di analisi, misure e strumenti",
        indicator: "Partecipazione del RPCT agli incontri della rete nell'anno (numero)",
    },
    ObjectiveOption {
        code: "OS-07",
        title: "Digitalizzazione dei procedimenti a maggior rischio e tracciabilità delle istanze",
        indicator: "Procedimenti a rischio alto gestiti con istanza telematica (percentuale)",
    },
    ObjectiveOption {
        code: "OS-08",
        title: "Diffusione della cultura della legalità e del whistleblowing tra dipendenti e cittadini",
        indicator: "Iniziative informative realizzate nell'anno (numero)",
    },
];

/// A row of the shipped transparency table: a sub-section of
/// «Amministrazione trasparente» (D.Lgs. 33/2013) with its obligations.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Obligation {
    /// «01.02»: the first- and second-level sub-section.
    pub code: String,
    pub section: String,
    pub subsection: String,
    pub reference: String,
    /// The obligations, one a line.
    pub content: String,
    pub frequency: String,
    pub note: String,
}

#[derive(Deserialize)]
struct ObligationsFile {
    source: String,
    rows: Vec<Obligation>,
}

fn obligations_file() -> &'static ObligationsFile {
    static FILE: OnceLock<ObligationsFile> = OnceLock::new();
    FILE.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/trasparenza_obblighi.json"))
            .expect("the shipped transparency table is valid JSON (a test reads it)")
    })
}

/// The shipped transparency table, in the order of «Amministrazione trasparente».
pub fn obligations() -> &'static [Obligation] {
    &obligations_file().rows
}

/// Where the shipped transparency table comes from.
pub fn obligations_source() -> &'static str {
    &obligations_file().source
}

/// A row of a comune's transparency table: the shipped row and the comune's
/// adjustments.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TransparencyRow {
    #[serde(flatten)]
    pub obligation: Obligation,
    pub applies: bool,
    pub office_send: String,
    pub office_publish: String,
}

/// A comune's adjustment of one row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TransparencyAdjust {
    pub code: String,
    pub applies: bool,
    #[serde(default)]
    pub office_send: String,
    #[serde(default)]
    pub office_publish: String,
}

/// One strategic objective of a comune.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Objective {
    /// The shipped objective it comes from (None: the comune's own).
    #[serde(default)]
    pub code: Option<String>,
    pub title: String,
    #[serde(default)]
    pub indicator: String,
}

/// The PIAO data of a comune that only this module holds.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PiaoData {
    pub istat: String,
    pub comune: String,
    pub first_year: Option<i32>,
    pub rpct_act: String,
    pub organs: String,
    pub external_context: String,
    pub monitoring: String,
    pub no_corruption: Option<bool>,
    pub no_dysfunction: Option<bool>,
    pub no_reorganisation: Option<bool>,
    pub objectives: Vec<Objective>,
    pub transparency: Vec<TransparencyRow>,
    /// None while never saved.
    pub updated_at: Option<String>,
}

/// What the PIAO form sends.
#[derive(Debug, Clone, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PiaoInput {
    #[serde(default)]
    pub first_year: Option<i32>,
    #[serde(default)]
    pub rpct_act: String,
    #[serde(default)]
    pub organs: String,
    #[serde(default)]
    pub external_context: String,
    #[serde(default)]
    pub monitoring: String,
    #[serde(default)]
    pub no_corruption: Option<bool>,
    #[serde(default)]
    pub no_dysfunction: Option<bool>,
    #[serde(default)]
    pub no_reorganisation: Option<bool>,
    #[serde(default)]
    pub objectives: Vec<Objective>,
    /// Only the rows the comune changed need be sent; the others keep the default.
    #[serde(default)]
    pub transparency: Vec<TransparencyAdjust>,
    /// The `updated_at` the form showed.
    #[serde(default)]
    pub version: Option<String>,
}

fn flag(v: Option<i64>) -> Option<bool> {
    v.map(|v| v == 1)
}

pub(crate) fn get_data(conn: &Connection, istat: &str) -> Result<PiaoData> {
    let comune: String = conn
        .query_row("SELECT name FROM comune WHERE istat = ?1", [istat], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| Error::not_found(format!("Il comune {istat} non esiste.")))?;
    type Head = (
        Option<i32>,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        String,
    );
    let head: Option<Head> = conn
        .query_row(
            "SELECT first_year, rpct_act, organs, external_context, monitoring, no_corruption,
                    no_dysfunction, no_reorganisation, updated_at
             FROM piao_comune WHERE istat = ?1",
            [istat],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            },
        )
        .optional()?;
    let objectives = {
        let mut stmt = conn.prepare_cached(
            "SELECT code, title, indicator FROM piao_objective WHERE istat = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([istat], |r| {
            Ok(Objective {
                code: r.get(0)?,
                title: r.get(1)?,
                indicator: r.get(2)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let adjusted: Vec<TransparencyAdjust> = {
        let mut stmt = conn.prepare_cached(
            "SELECT code, applies, office_send, office_publish FROM piao_transparency WHERE istat = ?1",
        )?;
        let rows = stmt.query_map([istat], |r| {
            Ok(TransparencyAdjust {
                code: r.get(0)?,
                applies: r.get::<_, i64>(1)? == 1,
                office_send: r.get(2)?,
                office_publish: r.get(3)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let transparency = obligations()
        .iter()
        .map(|o| {
            let a = adjusted.iter().find(|a| a.code == o.code);
            TransparencyRow {
                obligation: o.clone(),
                applies: a.is_none_or(|a| a.applies),
                office_send: a.map(|a| a.office_send.clone()).unwrap_or_default(),
                office_publish: a.map(|a| a.office_publish.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let (first_year, rpct_act, organs, external_context, monitoring, c1, c2, c3, updated_at) =
        match head {
            Some((y, a, o, e, m, c1, c2, c3, u)) => (y, a, o, e, m, c1, c2, c3, Some(u)),
            None => Default::default(),
        };
    Ok(PiaoData {
        istat: istat.to_string(),
        comune,
        first_year,
        rpct_act,
        organs,
        external_context,
        monitoring,
        no_corruption: flag(c1),
        no_dysfunction: flag(c2),
        no_reorganisation: flag(c3),
        objectives,
        transparency,
        updated_at,
    })
}

/// Checks the form: the one text rule on every field, a known code for
/// each transparency row, an objective with a title.
fn check(input: &PiaoInput) -> Result<PiaoInput> {
    if let Some(y) = input.first_year {
        if !(2000..=2100).contains(&y) {
            return Err(Error::validation(
                "first_year",
                "Primo anno del triennio: un anno come 2027.",
            ));
        }
    }
    let mut objectives = Vec::new();
    for (i, o) in input.objectives.iter().enumerate() {
        let n = i + 1;
        let title = field(
            &format!("objectives.{i}.title"),
            &format!("Obiettivo {n}"),
            &o.title,
            Rule::lines(600),
        )?;
        if title.is_empty() {
            return Err(Error::validation(
                &format!("objectives.{i}.title"),
                format!("Obiettivo {n}: scrivere l'obiettivo (o toglierlo)."),
            ));
        }
        let indicator = field(
            &format!("objectives.{i}.indicator"),
            &format!("Obiettivo {n}, indicatore"),
            &o.indicator,
            Rule::lines(600),
        )?;
        let code = o
            .code
            .as_deref()
            .filter(|c| OBJECTIVES.iter().any(|s| s.code == *c))
            .map(str::to_string);
        objectives.push(Objective {
            code,
            title,
            indicator,
        });
    }
    let mut transparency = Vec::new();
    for (i, t) in input.transparency.iter().enumerate() {
        if !obligations().iter().any(|o| o.code == t.code) {
            return Err(Error::validation(
                &format!("transparency.{i}.code"),
                format!("Sotto-sezione «{}» sconosciuta.", t.code),
            ));
        }
        transparency.push(TransparencyAdjust {
            code: t.code.clone(),
            applies: t.applies,
            office_send: field(
                &format!("transparency.{i}.office_send"),
                "Ufficio responsabile della trasmissione",
                &t.office_send,
                Rule::NAME,
            )?,
            office_publish: field(
                &format!("transparency.{i}.office_publish"),
                "Ufficio responsabile della pubblicazione",
                &t.office_publish,
                Rule::NAME,
            )?,
        });
    }
    Ok(PiaoInput {
        first_year: input.first_year,
        rpct_act: field(
            "rpct_act",
            "Atto di nomina del RPCT",
            &input.rpct_act,
            Rule::TITLE,
        )?,
        organs: field(
            "organs",
            "Soggetti coinvolti nell'approvazione",
            &input.organs,
            Rule::NOTE,
        )?,
        external_context: field(
            "external_context",
            "Analisi del contesto esterno",
            &input.external_context,
            Rule::TEXT,
        )?,
        monitoring: field(
            "monitoring",
            "Modalità del monitoraggio",
            &input.monitoring,
            Rule::NOTE,
        )?,
        no_corruption: input.no_corruption,
        no_dysfunction: input.no_dysfunction,
        no_reorganisation: input.no_reorganisation,
        objectives,
        transparency,
        version: input.version.clone(),
    })
}

impl Store {
    /// A comune's PIAO data (empty until first saved).
    pub fn piao_data(&self, istat: &str) -> Result<PiaoData> {
        get_data(&self.conn, istat)
    }

    /// Saves a comune's PIAO data as one action with its audit row; a form
    /// older than the record is refused (`conflict`). The objectives replace
    /// the comune's list; the transparency rows sent replace their adjustment.
    pub fn save_piao_data(&mut self, istat: &str, input: &PiaoInput) -> Result<PiaoData> {
        let v = check(input)?;
        self.action(|tx, op| {
            let before = get_data(tx, istat)?;
            match (&before.updated_at, v.version.as_deref()) {
                (Some(current), shown) => check_version(current, shown)?,
                (None, Some(_)) => return Err(crate::error::stale()),
                (None, None) => {}
            }
            let version = next_version(before.updated_at.as_deref().unwrap_or(""));
            let b = |x: Option<bool>| x.map(i64::from);
            tx.execute(
                "INSERT INTO piao_comune (istat, first_year, rpct_act, organs, external_context, monitoring,
                    no_corruption, no_dysfunction, no_reorganisation, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT(istat) DO UPDATE SET first_year = ?2, rpct_act = ?3, organs = ?4,
                    external_context = ?5, monitoring = ?6, no_corruption = ?7, no_dysfunction = ?8,
                    no_reorganisation = ?9, updated_at = ?10",
                params![
                    istat,
                    v.first_year,
                    v.rpct_act,
                    v.organs,
                    v.external_context,
                    v.monitoring,
                    b(v.no_corruption),
                    b(v.no_dysfunction),
                    b(v.no_reorganisation),
                    version
                ],
            )?;
            tx.execute("DELETE FROM piao_objective WHERE istat = ?1", [istat])?;
            for (i, o) in v.objectives.iter().enumerate() {
                tx.execute(
                    "INSERT INTO piao_objective (istat, position, code, title, indicator) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![istat, i as i64, o.code, o.title, o.indicator],
                )?;
            }
            for t in &v.transparency {
                tx.execute(
                    "INSERT INTO piao_transparency (istat, code, applies, office_send, office_publish)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(istat, code) DO UPDATE SET applies = ?3, office_send = ?4, office_publish = ?5",
                    params![istat, t.code, t.applies, t.office_send, t.office_publish],
                )?;
            }
            let after = get_data(tx, istat)?;
            audit::record(
                tx,
                op,
                "update",
                "piao_comune",
                istat,
                before
                    .updated_at
                    .as_ref()
                    .map(|_| serde_json::to_value(&before))
                    .transpose()?
                    .as_ref(),
                Some(&serde_json::to_value(&after)?),
            )?;
            Ok(after)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_transparency_table_reads_and_its_codes_are_distinct() {
        let rows = obligations();
        assert!(rows.len() > 50);
        let mut codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
        codes.dedup();
        assert_eq!(codes.len(), rows.len());
        assert!(rows
            .iter()
            .all(|r| !r.reference.is_empty() && !r.frequency.is_empty()));
        assert!(obligations_source().contains("1310"));
    }
}
