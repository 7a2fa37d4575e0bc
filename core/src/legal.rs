//! Legal references that change over time, as data with their dates, in one
//! place: every document asks here which Piano Nazionale Anticorruzione was
//! in force at its date, so that the next PNA is one more entry below.

use chrono::NaiveDate;
use serde::Serialize;

/// A Piano Nazionale Anticorruzione as the documents cite it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Pna {
    /// «Piano Nazionale Anticorruzione 2025».
    pub nome: &'static str,
    /// «PNA 2025».
    pub sigla: &'static str,
    /// The ANAC act that adopted it: «delibera n. 19 del 28 gennaio 2026».
    pub delibera: &'static str,
    /// Its indications for comuni under 5,000 inhabitants, as the acts cite
    /// them, if a separate act gave them («l'Aggiornamento 2024 al …»).
    pub piccoli_comuni: &'static str,
    /// The first day it is in force (ISO date).
    #[serde(skip)]
    pub dal: &'static str,
}

/// The plans, oldest first. PNA 2022: delibera ANAC n. 7 of 17 January 2023,
/// with its Aggiornamento 2024 for the small comuni (delibera n. 31 of 30
/// January 2025, as the acts cited it before; not checked again here);
/// PNA 2025 (2026-2028): delibera ANAC n. 19 of 28 January 2026 (checked
/// against the published news of its adoption).
const PNAS: &[Pna] = &[
    Pna {
        nome: "Piano Nazionale Anticorruzione 2022",
        sigla: "PNA 2022",
        delibera: "delibera n. 7 del 17 gennaio 2023",
        piccoli_comuni: "l'Aggiornamento 2024 al Piano Nazionale Anticorruzione 2022, approvato dall'ANAC con delibera n. 31 del 30 gennaio 2025,",
        dal: "2023-01-17",
    },
    Pna {
        nome: "Piano Nazionale Anticorruzione 2025",
        sigla: "PNA 2025",
        delibera: "delibera n. 19 del 28 gennaio 2026",
        piccoli_comuni: "",
        dal: "2026-01-28",
    },
];

/// The PNA in force on `date`: the newest one adopted on or before it (the
/// oldest known for an earlier date).
pub fn pna_in_force(date: NaiveDate) -> Pna {
    let from = |p: &Pna| NaiveDate::parse_from_str(p.dal, "%Y-%m-%d").ok();
    PNAS.iter()
        .rev()
        .find(|p| from(p).is_some_and(|d| d <= date))
        .copied()
        .unwrap_or(PNAS[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_pna_2025_is_in_force_from_28_january_2026() {
        assert_eq!(pna_in_force(d("2026-01-27")).sigla, "PNA 2022");
        assert_eq!(pna_in_force(d("2026-01-28")).sigla, "PNA 2025");
        assert_eq!(
            pna_in_force(d("2027-05-15")).delibera,
            "delibera n. 19 del 28 gennaio 2026"
        );
        assert_eq!(pna_in_force(d("2020-01-01")).sigla, "PNA 2022");
        for p in PNAS {
            assert!(NaiveDate::parse_from_str(p.dal, "%Y-%m-%d").is_ok());
        }
    }
}
