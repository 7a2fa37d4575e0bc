//! Builders of the training domain.

use cdp_core::training::EventInput;

/// A three-hour webinar on `date` (10:00–13:00) of the first theme, with its
/// link, speakers and audience: `EventInput { kind: "tavolo".into(), ..event(date) }`.
pub fn event(date: &str) -> EventInput {
    EventInput {
        kind: "giornata".into(),
        mode: "webinar".into(),
        title: "Il PIAO e la sezione anticorruzione".into(),
        theme_id: Some(1),
        date: date.into(),
        start_time: "10:00".into(),
        end_time: "13:00".into(),
        link: Some("https://meet.esempio.it/cdp".into()),
        speakers: Some("Dott.ssa Maria Rossi, Segretario Generale; Avv. Luca Bianchi".into()),
        level: Some("generale".into()),
        audience: vec!["dipendenti".into(), "rpct".into()],
        ..Default::default()
    }
}

/// Names the signatory of the attestati (none is issued unsigned).
pub fn signatory(s: &mut cdp_core::Store) {
    let mut st = s.settings().unwrap();
    st.signatory_name = "Maria Rossi".into();
    s.save_settings(&st).unwrap();
}
