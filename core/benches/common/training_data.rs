//! The training events the benchmarks and the profiling examples create: one
//! builder, so that every figure is taken on the same kind of event.

use cdp_core::training::EventInput;

/// The `i`-th event of a programme on `date` (YYYY-MM-DD): a morning day of
/// training, in person one time out of three, on one of eight themes.
pub fn event(date: &str, i: usize) -> EventInput {
    EventInput {
        kind: "giornata".into(),
        mode: if i.is_multiple_of(3) { "presenza".into() } else { "webinar".into() },
        title: format!("Giornata formativa n. {i}: il PIAO, la sezione Rischi corruttivi e trasparenza, il monitoraggio"),
        theme_id: Some(1 + (i % 8) as i64),
        date: date.into(),
        start_time: "09:30".into(),
        end_time: "13:00".into(),
        place: Some("Palazzo dei Leoni, Corso Cavour 87, Messina".into()),
        link: Some("https://meet.esempio.it/cdp".into()),
        speakers: Some("Dott.ssa Maria Rossi; Avv. Luca Bianchi, esperto di contratti pubblici".into()),
        level: Some("generale".into()),
        audience: vec!["rpct".into()],
        ..Default::default()
    }
}
