//! Training and meetings, by topic: events (validation, versions, series,
//! overlaps, cancellation instead of deletion), the ICS parsed by a real
//! parser, attendance, attestati (numbering and their PDFs), the calendar's
//! documents and the needs survey.

#[path = "../common/mod.rs"]
mod common;

mod attendance;
mod attestati;
mod attestati_pdf;
mod documents;
mod events;
mod ics;
mod not_held;
mod reports;
mod summer_time;
mod survey;

use cdp_core::training::{EventInput, EventQuery, Frequency};
use common::training::event;
