//! The words the documents print for the things the screens also name:
//! the stages of adhesion and its steps, the kinds of act and of adhesion
//! document, the referents'
//! roles, the risk levels, the states of a measure and the kinds of
//! indicator. Each label is the domain's own (`label()` beside its enum, the
//! one the documents use); the shell exports this table into the generated
//! TypeScript contract (`GLOSSARY` in `ui/src/api/gen/bindings.ts`), so the
//! UI never types them again.

use serde::Serialize;

use crate::adhesion::documents::{DocKind, DOC_KINDS};
use crate::adhesion::{ActType, State, StepKind, STATES, STEP_KINDS};
use crate::registry::Role;
use crate::risks::rating::Level;
use crate::risks::{IndicatorKind, MeasureState};

/// A code as it crosses IPC, with its Italian label.
#[derive(Debug, Clone, Serialize)]
pub struct Term<T: Serialize> {
    pub code: T,
    pub label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Glossary {
    pub adhesion_states: Vec<Term<State>>,
    pub steps: Vec<Term<StepKind>>,
    pub act_types: Vec<Term<ActType>>,
    pub doc_kinds: Vec<Term<DocKind>>,
    pub roles: Vec<Term<Role>>,
    pub risk_levels: Vec<Term<Level>>,
    pub measure_states: Vec<Term<MeasureState>>,
    pub indicator_kinds: Vec<Term<IndicatorKind>>,
    /// An indicator's starting and expected value (baseline, target).
    pub indicator_values: IndicatorValues,
}

/// The names of an indicator's two values (the scheda's columns).
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorValues {
    pub baseline: &'static str,
    pub target: &'static str,
}

fn terms<T: Serialize + Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> Vec<Term<T>> {
    all.iter()
        .map(|&code| Term {
            code,
            label: label(code),
        })
        .collect()
}

/// Every term, in the order the screens list them.
pub fn glossary() -> Glossary {
    Glossary {
        adhesion_states: terms(&STATES, State::label),
        steps: terms(&STEP_KINDS, StepKind::label),
        act_types: terms(
            &[
                ActType::DeliberazioneGiunta,
                ActType::DecretoSindacale,
                ActType::DeterminazioneSindacale,
            ],
            ActType::label,
        ),
        doc_kinds: terms(&DOC_KINDS, DocKind::label),
        roles: terms(
            &[
                Role::Rpct,
                Role::Operativo,
                Role::Sindaco,
                Role::Segretario,
                Role::Altro,
            ],
            Role::label,
        ),
        risk_levels: terms(&[Level::B, Level::M, Level::A], Level::label),
        measure_states: terms(
            &[
                MeasureState::DaAvviare,
                MeasureState::InCorso,
                MeasureState::Attuata,
                MeasureState::NonAttuata,
            ],
            MeasureState::label,
        ),
        indicator_kinds: terms(
            &[
                IndicatorKind::OnOff,
                IndicatorKind::Quantitativo,
                IndicatorKind::Percentuale,
            ],
            IndicatorKind::label,
        ),
        indicator_values: IndicatorValues {
            baseline: crate::risks::scheda::BASELINE,
            target: crate::risks::scheda::TARGET,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code is listed once: a variant added to an enum and not here
    /// would leave the UI without its label (the match below stops the build).
    #[test]
    fn every_variant_is_listed_once() {
        let g = glossary();
        let count = |v: serde_json::Value| v.as_array().map_or(0, |a| a.len());
        let json = serde_json::to_value(&g).unwrap();
        for (list, expected) in [
            ("adhesion_states", STATES.len()),
            ("steps", STEP_KINDS.len()),
            ("act_types", 3),
            ("doc_kinds", DOC_KINDS.len()),
            ("roles", 5),
            ("risk_levels", 3),
            ("measure_states", 4),
            ("indicator_kinds", 3),
        ] {
            assert_eq!(count(json[list].clone()), expected, "{list}");
            let codes: std::collections::BTreeSet<String> = json[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["code"].to_string())
                .collect();
            assert_eq!(codes.len(), expected, "{list}: a code listed twice");
        }
        // Exhaustive matches: a new variant fails to compile until it is counted above and listed.
        let _ = |a: ActType| match a {
            ActType::DeliberazioneGiunta
            | ActType::DecretoSindacale
            | ActType::DeterminazioneSindacale => (),
        };
        let _ = |r: Role| match r {
            Role::Rpct | Role::Operativo | Role::Sindaco | Role::Segretario | Role::Altro => (),
        };
        let _ = |l: Level| match l {
            Level::B | Level::M | Level::A => (),
        };
        let _ = |m: MeasureState| match m {
            MeasureState::DaAvviare
            | MeasureState::InCorso
            | MeasureState::Attuata
            | MeasureState::NonAttuata => (),
        };
        let _ = |k: IndicatorKind| match k {
            IndicatorKind::OnOff | IndicatorKind::Quantitativo | IndicatorKind::Percentuale => (),
        };
        assert_eq!(g.adhesion_states[0].label, "Non aderente");
        assert_eq!(g.risk_levels[2].label, "Alto");
    }
}
