//! Rischi e misure (issue 12): the network's catalogue of recurrent risks and
//! homogeneous measures in ANAC's method (PNA 2019, Allegato 1), versioned;
//! the comuni's context, adoptions, own ratings and monitoring; the figures.
//!
//! - `vocabulary`: areas, enabling factors, measure types, general measures,
//!   and the starting catalogue loaded from `core/data/catalogo_rischi.json`.
//! - `catalogue`: processes, events, measures, their revisions and diffs.
//! - `rating`: the qualitative rating of ANAC's Box 8.
//! - `adoption`: the scheda di contesto and the adoption of measures.
//! - `monitoring`: monitoring entries and the «in ritardo» computation.
//! - `figures`: counts per measure and per comune, the yearly summary.
//! - `validation`: the network's validation of the catalogue.
//! - `documents`: CSV/XLSX exports (the PDF schede come with the report engine).

pub mod adoption;
pub mod catalogue;
pub mod documents;
pub mod figures;
pub mod files;
pub mod monitoring;
pub mod rating;
pub mod scheda;
pub mod schede;
pub mod seed;
pub mod validation;
pub mod vocabulary;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use adoption::*;
pub use catalogue::*;
pub use figures::*;
pub use monitoring::*;
pub use rating::*;
pub use seed::*;
pub use validation::*;
pub use vocabulary::*;

/// This domain's part of the archive. The catalogue of risks and measures, adoptions and monitoring; seeded with
/// the starting catalogue.
pub(crate) const DOMAIN: crate::db::Domain<crate::Store> = crate::db::Domain {
    name: "risks",
    migrations: &[
        crate::db::Migration {
            number: 7,
            name: "0007_risks",
            sql: include_str!("../../migrations/0007_risks.sql"),
        },
        crate::db::Migration {
            number: 12,
            name: "0012_risk_validation",
            sql: include_str!("../../migrations/0012_risk_validation.sql"),
        },
        crate::db::Migration {
            number: 20,
            name: "0020_risk_late",
            sql: include_str!("../../migrations/0020_risk_late.sql"),
        },
        crate::db::Migration {
            number: 21,
            name: "0021_risk_pending",
            sql: include_str!("../../migrations/0021_risk_pending.sql"),
        },
    ],
    seed: Some(crate::Store::seed_risks_if_empty),
};

/// A phase of a measure's implementation with its planned date (ISO).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Phase {
    pub description: String,
    pub due: String,
}

/// A measure's nature: «generale» (one of ANAC's general measures, working
/// on every process) or «specifica» (for given risk events), one and several.
pub fn nature_label(general: bool) -> &'static str {
    if general {
        "generale"
    } else {
        "specifica"
    }
}

/// [`nature_label`] said of several measures.
pub fn nature_plural(general: bool) -> &'static str {
    if general {
        "generali"
    } else {
        "specifiche"
    }
}

/// How an indicator is measured.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// Done or not: values «0» / «1».
    OnOff,
    /// A count or amount: non-negative numbers.
    Quantitativo,
    /// A percentage: 0–100.
    Percentuale,
}

impl IndicatorKind {
    pub fn label(self) -> &'static str {
        match self {
            IndicatorKind::OnOff => "sì/no",
            IndicatorKind::Quantitativo => "quantitativo",
            IndicatorKind::Percentuale => "percentuale",
        }
    }

    /// A value as documents print it: «sì»/«no» for a yes/no indicator
    /// (stored as 1/0), «80%» for a percentage, a decimal comma.
    pub fn show(self, value: &str) -> String {
        let v = value.trim();
        match self {
            IndicatorKind::OnOff => match v {
                "1" => "sì".to_string(),
                "0" => "no".to_string(),
                _ => v.to_string(),
            },
            IndicatorKind::Quantitativo => v.replace('.', ","),
            IndicatorKind::Percentuale if v.is_empty() || v.ends_with('%') => v.replace('.', ","),
            IndicatorKind::Percentuale => format!("{}%", v.replace('.', ",")),
        }
    }
}

/// An indicator of monitoring, with its baseline and target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Indicator {
    pub name: String,
    pub kind: IndicatorKind,
    pub baseline: String,
    pub baseline_date: String,
    pub target: String,
    pub target_date: String,
}

/// Unicode NFC, runs of white space collapsed, trimmed (a field on one
/// line; [`max_len`] then applies the one text rule).
pub(crate) fn tidy(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Trims each line, keeps paragraphs (for long texts).
pub(crate) fn tidy_long(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc()
        .collect::<String>()
        .lines()
        .map(tidy)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

pub(crate) fn required(field: &str, label: &str, value: &str) -> Result<String> {
    let v = tidy(value);
    if v.is_empty() {
        return Err(Error::validation(
            field,
            format!("{label}: campo obbligatorio."),
        ));
    }
    Ok(v)
}

/// The one text rule on a tidied value: no control characters, at most
/// `max` characters, only characters the documents can print.
pub(crate) fn max_len(field: &str, label: &str, value: &str, max: usize) -> Result<()> {
    crate::text::field(field, label, value, crate::text::Rule::lines(max)).map(|_| ())
}

/// A date field as ISO text.
pub(crate) fn iso_date(field: &str, label: &str, value: &str) -> Result<String> {
    if value.trim().is_empty() {
        return Err(Error::validation(
            field,
            format!("{label}: campo obbligatorio (gg/mm/aaaa)."),
        ));
    }
    Ok(crate::validate::date(field, label, value)?
        .format("%Y-%m-%d")
        .to_string())
}

/// A value of an indicator of `kind`, normalised («12,5» → «12.5»).
pub(crate) fn indicator_value(
    field: &str,
    label: &str,
    kind: IndicatorKind,
    value: &str,
) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::validation(
            field,
            format!("{label}: campo obbligatorio."),
        ));
    }
    match kind {
        IndicatorKind::OnOff => {
            if v == "0" || v == "1" {
                Ok(v.to_string())
            } else {
                Err(Error::validation(
                    field,
                    format!("{label}: un indicatore sì/no vale 0 (no, non realizzato) oppure 1 (sì, realizzato), non «{v}»."),
                ))
            }
        }
        IndicatorKind::Quantitativo | IndicatorKind::Percentuale => {
            let n: f64 = v.replace(',', ".").parse().map_err(|_| {
                Error::validation(
                    field,
                    format!("{label}: «{v}» non è un numero (un indicatore {} vuole un valore numerico).", kind.label()),
                )
            })?;
            if !n.is_finite() || n < 0.0 {
                return Err(Error::validation(
                    field,
                    format!("{label}: il valore non può essere negativo."),
                ));
            }
            if kind == IndicatorKind::Percentuale && n > 100.0 {
                return Err(Error::validation(
                    field,
                    format!("{label}: una percentuale va da 0 a 100, non {v}."),
                ));
            }
            Ok(v.replace(',', "."))
        }
    }
}

/// Checks one indicator: name, values consistent with the type, dates, the
/// target date after the baseline date. Field names are `indicators.{i}.…`.
pub(crate) fn check_indicator(i: usize, ind: &Indicator) -> Result<Indicator> {
    let f = |k: &str| format!("indicators.{i}.{k}");
    let n = i + 1;
    let name = required(&f("name"), &format!("Indicatore {n}, nome"), &ind.name)?;
    max_len(&f("name"), &format!("Indicatore {n}, nome"), &name, 300)?;
    let baseline = indicator_value(
        &f("baseline"),
        &format!("Indicatore {n}, valore iniziale"),
        ind.kind,
        &ind.baseline,
    )?;
    let baseline_date = iso_date(
        &f("baseline_date"),
        &format!("Indicatore {n}, data del valore iniziale"),
        &ind.baseline_date,
    )?;
    let target = indicator_value(
        &f("target"),
        &format!("Indicatore {n}, valore atteso"),
        ind.kind,
        &ind.target,
    )?;
    let target_date = iso_date(
        &f("target_date"),
        &format!("Indicatore {n}, data del valore atteso"),
        &ind.target_date,
    )?;
    if target_date <= baseline_date {
        return Err(Error::validation(
            &f("target_date"),
            format!(
                "Indicatore {n}: la data del valore atteso ({}) deve essere successiva a quella del valore iniziale ({}).",
                crate::text::date_it(&target_date),
                crate::text::date_it(&baseline_date)
            ),
        ));
    }
    Ok(Indicator {
        name,
        kind: ind.kind,
        baseline,
        baseline_date,
        target,
        target_date,
    })
}

/// Checks the phases: each with a description and a valid planned date.
pub(crate) fn check_phases(phases: &[Phase]) -> Result<Vec<Phase>> {
    phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let n = i + 1;
            let description = required(
                &format!("phases.{i}.description"),
                &format!("Fase {n}, descrizione"),
                &p.description,
            )?;
            max_len(
                &format!("phases.{i}.description"),
                &format!("Fase {n}, descrizione"),
                &description,
                500,
            )?;
            let due = iso_date(
                &format!("phases.{i}.due"),
                &format!("Fase {n}, data prevista"),
                &p.due,
            )?;
            Ok(Phase { description, due })
        })
        .collect()
}

/// Non-empty, tidied responsabili.
pub(crate) fn check_responsabili(list: &[String]) -> Result<Vec<String>> {
    let out: Vec<String> = list
        .iter()
        .map(|s| tidy(s))
        .filter(|s| !s.is_empty())
        .collect();
    for s in &out {
        max_len("responsabili", "Responsabile", s, 200)?;
    }
    Ok(out)
}

/// The state of an adopted measure, as recorded by monitoring.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum MeasureState {
    DaAvviare,
    InCorso,
    Attuata,
    NonAttuata,
}

impl MeasureState {
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureState::DaAvviare => "da_avviare",
            MeasureState::InCorso => "in_corso",
            MeasureState::Attuata => "attuata",
            MeasureState::NonAttuata => "non_attuata",
        }
    }
    pub fn parse(s: &str) -> MeasureState {
        match s {
            "in_corso" => MeasureState::InCorso,
            "attuata" => MeasureState::Attuata,
            "non_attuata" => MeasureState::NonAttuata,
            _ => MeasureState::DaAvviare,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            MeasureState::DaAvviare => "da avviare",
            MeasureState::InCorso => "in corso",
            MeasureState::Attuata => "attuata",
            MeasureState::NonAttuata => "non attuata",
        }
    }

    /// The state said of several measures (a column of counts).
    pub fn plural_label(self) -> &'static str {
        match self {
            MeasureState::DaAvviare => "da avviare",
            MeasureState::InCorso => "in corso",
            MeasureState::Attuata => "attuate",
            MeasureState::NonAttuata => "non attuate",
        }
    }
}
