//! The words the documents print for the things the screens also name:
//! the stages of adhesion, its steps and the buttons that record them, the
//! drafts and the invitation's means, the kinds of act and of adhesion
//! document (full and short names), the referents' roles, the risk levels,
//! the states of a measure (one and several), the kinds of indicator, and
//! the communications' recipients, generated documents and states. Each label is the domain's own (`label()` beside its enum, the
//! one the documents use); the shell exports this table into the generated
//! TypeScript contract (`GLOSSARY` in `ui/src/api/gen/bindings.ts`), so the
//! UI never types them again.

use serde::Serialize;

use crate::adhesion::documents::{BatchKind, DocKind, DOC_KINDS};
use crate::adhesion::{
    ActType, Channel, DraftKind, State, StepKind, CHANNELS, DRAFT_KINDS, STATES, STEP_KINDS,
};
use crate::comms::{RecipientRole, RECIPIENT_ROLES};
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
    /// The buttons that record each step («Registra invito»).
    pub step_actions: Vec<Term<StepKind>>,
    /// The act whose draft is sent (the organ's act).
    pub drafts: Vec<Term<DraftKind>>,
    /// The organ that adopts a comune's act (its registry card).
    pub organs: Vec<Term<DraftKind>>,
    /// How the invitation was sent.
    pub channels: Vec<Term<Channel>>,
    pub act_types: Vec<Term<ActType>>,
    /// A document's full name, its title.
    pub doc_kinds: Vec<Term<DocKind>>,
    /// A document's short name, on buttons and in lists.
    pub doc_short_names: Vec<Term<DocKind>>,
    /// A batch of each comune's own act (the Giunta's or the Sindaco's).
    pub adhesion_act: &'static str,
    pub roles: Vec<Term<Role>>,
    pub risk_levels: Vec<Term<Level>>,
    pub measure_states: Vec<Term<MeasureState>>,
    /// The states said of several measures (columns of counts).
    pub measure_states_plural: Vec<Term<MeasureState>>,
    /// A measure's nature, general or specific.
    pub measure_natures: MeasureNatures,
    pub indicator_kinds: Vec<Term<IndicatorKind>>,
    /// An indicator's starting and expected value (baseline, target).
    pub indicator_values: IndicatorValues,
    /// Whom a communication's rule writes to in each comune.
    pub comm_recipient_roles: Vec<Term<RecipientRole>>,
    /// The documents a communication may generate per recipient (besides the schede).
    pub comm_generated_docs: Vec<Term<&'static str>>,
    /// A communication's states, as the register shows and filters them.
    pub comm_states: [&'static str; 6],
}

/// A measure's nature, said of one and of several measures.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureNatures {
    pub general: &'static str,
    pub specific: &'static str,
    pub general_plural: &'static str,
    pub specific_plural: &'static str,
}

/// The names of an indicator's two values (the scheda's columns).
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorValues {
    pub baseline: &'static str,
    pub target: &'static str,
}

const MEASURE_STATES: [MeasureState; 4] = [
    MeasureState::DaAvviare,
    MeasureState::InCorso,
    MeasureState::Attuata,
    MeasureState::NonAttuata,
];

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
        step_actions: terms(&STEP_KINDS, StepKind::action),
        drafts: terms(&DRAFT_KINDS, DraftKind::label),
        organs: terms(&DRAFT_KINDS, DraftKind::organ),
        channels: terms(&CHANNELS, Channel::label),
        act_types: terms(
            &[
                ActType::DeliberazioneGiunta,
                ActType::DecretoSindacale,
                ActType::DeterminazioneSindacale,
            ],
            ActType::label,
        ),
        doc_kinds: terms(&DOC_KINDS, DocKind::label),
        doc_short_names: terms(&DOC_KINDS, DocKind::short_label),
        adhesion_act: BatchKind::AdhesionAct.label(),
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
        measure_states: terms(&MEASURE_STATES, MeasureState::label),
        measure_states_plural: terms(&MEASURE_STATES, MeasureState::plural_label),
        measure_natures: MeasureNatures {
            general: crate::risks::nature_label(true),
            specific: crate::risks::nature_label(false),
            general_plural: crate::risks::nature_plural(true),
            specific_plural: crate::risks::nature_plural(false),
        },
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
        comm_recipient_roles: terms(&RECIPIENT_ROLES, RecipientRole::label),
        comm_generated_docs: crate::comms::generated_docs()
            .into_iter()
            .map(|(code, label)| Term { code, label })
            .collect(),
        comm_states: crate::comms::STATE_LABELS,
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
            ("step_actions", STEP_KINDS.len()),
            ("drafts", 2),
            ("organs", 2),
            ("channels", 2),
            ("act_types", 3),
            ("doc_kinds", DOC_KINDS.len()),
            ("doc_short_names", DOC_KINDS.len()),
            ("roles", 5),
            ("risk_levels", 3),
            ("measure_states", 4),
            ("measure_states_plural", 4),
            ("indicator_kinds", 3),
            ("comm_recipient_roles", RECIPIENT_ROLES.len()),
            ("comm_generated_docs", 5),
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
        let _ = |d: DraftKind| match d {
            DraftKind::Giunta | DraftKind::Sindaco => (),
        };
        let _ = |c: Channel| match c {
            Channel::Pec | Channel::Altro => (),
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
        let _ = |r: RecipientRole| match r {
            RecipientRole::Comune
            | RecipientRole::Rpct
            | RecipientRole::Sindaco
            | RecipientRole::Segretario
            | RecipientRole::Operativo
            | RecipientRole::ReferenteZona => (),
        };
        let _ = |k: IndicatorKind| match k {
            IndicatorKind::OnOff | IndicatorKind::Quantitativo | IndicatorKind::Percentuale => (),
        };
        assert_eq!(g.adhesion_states[0].label, "Non aderente");
        assert_eq!(g.risk_levels[2].label, "Alto");
    }
}
