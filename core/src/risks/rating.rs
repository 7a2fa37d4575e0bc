//! The qualitative rating of a risk event (ANAC, PNA 2019, Allegato 1, Box 8):
//! six indicators, each Basso / Medio / Alto with its motivazione, then an
//! overall judgement with its motivazione. Never an average; an overall level
//! lower than the highest indicator needs an explicit reason (the prudence
//! principle).

use serde::{Deserialize, Serialize};

use super::{max_len, tidy_long};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Level {
    B,
    M,
    A,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::B => "Basso",
            Level::M => "Medio",
            Level::A => "Alto",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::B => "B",
            Level::M => "M",
            Level::A => "A",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "B" => Some(Level::B),
            "M" => Some(Level::M),
            "A" => Some(Level::A),
            _ => None,
        }
    }
}

/// The six indicators of Box 8, in order.
pub const INDICATORS: [&str; 6] = [
    "Livello di interesse «esterno»",
    "Grado di discrezionalità del decisore interno alla PA",
    "Manifestazione di eventi corruttivi in passato nel processo/attività esaminata",
    "Opacità del processo decisionale",
    "Livello di collaborazione del responsabile del processo nella costruzione, aggiornamento e monitoraggio del piano",
    "Grado di attuazione delle misure di trattamento",
];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IndicatorRating {
    pub level: Option<Level>,
    #[serde(default)]
    pub motivazione: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rating {
    pub indicators: Vec<IndicatorRating>,
    pub overall: Option<Level>,
    #[serde(default)]
    pub motivazione: String,
    /// Why the overall level is lower than the highest indicator (required then).
    #[serde(default)]
    pub prudence_reason: String,
}

impl Rating {
    /// The highest level among the indicators.
    pub fn highest(&self) -> Option<Level> {
        self.indicators.iter().filter_map(|i| i.level).max()
    }
}

/// The prudence warning the form shows before saving: the overall level is
/// lower than the highest indicator. `None` when there is nothing to say.
pub fn prudence_warning(r: &Rating) -> Option<String> {
    let (overall, highest) = (r.overall?, r.highest()?);
    (overall < highest).then(|| {
        format!(
            "Principio di prudenza: il giudizio complessivo «{}» è più basso del livello più alto attribuito a un indicatore («{}»). ANAC chiede di non sottostimare il rischio: alzare il giudizio oppure spiegare espressamente perché è più basso.",
            overall.label(),
            highest.label()
        )
    })
}

/// Checks a rating. Field names: `indicators.{i}.level`,
/// `indicators.{i}.motivazione`, `overall`, `motivazione`, `prudence_reason`
/// (the distinct error of the prudence principle).
pub fn check_rating(r: &Rating) -> Result<Rating> {
    if r.indicators.len() != 6 {
        return Err(Error::validation(
            "indicators",
            "La valutazione richiede i sei indicatori del Box 8 ANAC.",
        ));
    }
    let mut indicators = Vec::with_capacity(6);
    for (i, ind) in r.indicators.iter().enumerate() {
        let name = INDICATORS[i];
        let level = ind.level.ok_or_else(|| {
            Error::validation(
                &format!("indicators.{i}.level"),
                format!("{name}: scegliere il livello (Basso, Medio o Alto)."),
            )
        })?;
        let mot = tidy_long(&ind.motivazione);
        if mot.is_empty() {
            return Err(Error::validation(
                &format!("indicators.{i}.motivazione"),
                format!(
                    "{name}: la motivazione è obbligatoria (spiegare perché il livello è «{}»).",
                    level.label()
                ),
            ));
        }
        max_len(&format!("indicators.{i}.motivazione"), name, &mot, 4000)?;
        indicators.push(IndicatorRating {
            level: Some(level),
            motivazione: mot,
        });
    }
    let overall = r.overall.ok_or_else(|| {
        Error::validation(
            "overall",
            "Giudizio complessivo: scegliere il livello (Basso, Medio o Alto).",
        )
    })?;
    let motivazione = tidy_long(&r.motivazione);
    if motivazione.is_empty() {
        return Err(Error::validation(
            "motivazione",
            "Motivazione del giudizio complessivo: campo obbligatorio.",
        ));
    }
    max_len(
        "motivazione",
        "Motivazione del giudizio complessivo",
        &motivazione,
        4000,
    )?;
    let mut out = Rating {
        indicators,
        overall: Some(overall),
        motivazione,
        prudence_reason: tidy_long(&r.prudence_reason),
    };
    if let Some(w) = prudence_warning(&out) {
        if out.prudence_reason.is_empty() {
            return Err(Error::validation("prudence_reason", w));
        }
        max_len(
            "prudence_reason",
            "Motivazione del giudizio più basso",
            &out.prudence_reason,
            4000,
        )?;
    } else {
        out.prudence_reason.clear();
    }
    Ok(out)
}

/// A comune's own levels and ratings of events, by event id.
pub type ComuneRatings = std::collections::BTreeMap<i64, (Level, Rating)>;
