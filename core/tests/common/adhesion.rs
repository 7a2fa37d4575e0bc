//! Builders of the steps of the adhesion workflow, each with its usual data.

use super::registry::{rpct, ReferentBuilder};
use cdp_core::adhesion::{ActType, Channel, Designated, DraftKind, Step};

pub fn invite(date: &str) -> Step {
    Step::Invite {
        date: date.into(),
        protocol_number: "1234/2024".into(),
        channel: Channel::Pec,
    }
}

pub fn draft(date: &str) -> Step {
    Step::SendDraft {
        date: date.into(),
        draft: DraftKind::Giunta,
        document: None,
    }
}

/// The RPCT an act designates, created with the act.
pub fn new_referent() -> Designated {
    Designated::New {
        referent: rpct("Rosa Lo Presti")
            .email("rpct@comune.santateresadiriva.me.it")
            .since("2024-01-01"),
    }
}

/// A deliberation of the giunta, immediately executable.
pub fn act(date: &str, number: &str, designated: Designated) -> Step {
    Step::AdoptAct {
        date: date.into(),
        act_type: ActType::DeliberazioneGiunta,
        number: number.into(),
        immediately_executable: true,
        designated,
    }
}

pub fn sign(date: &str) -> Step {
    Step::SignProtocol {
        date: date.into(),
        registry_number: "CM-2024-77".into(),
    }
}

pub fn decline(date: &str) -> Step {
    Step::Decline {
        date: date.into(),
        note: Some("Il comune non intende aderire".into()),
    }
}

pub fn withdraw(date: &str) -> Step {
    Step::Withdraw {
        date: date.into(),
        act: "Delibera G.M. n. 5/2025".into(),
    }
}

pub fn reminder(date: &str) -> Step {
    Step::Reminder {
        date: date.into(),
        note: Some("Telefonata al segretario".into()),
    }
}
