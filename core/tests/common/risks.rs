//! Builders of the risks domain: an event of our own, a complete measure,
//! indicators and ratings.

use cdp_core::risks::*;
use cdp_core::Store;

/// A process and an event of our own, under the first area.
pub fn own_event(s: &mut Store) -> Event {
    let area = s.risk_vocabulary().unwrap().areas[0].id;
    let p = s
        .create_risk_process(&ProcessInput {
            area_id: area,
            name: "Processo di prova".into(),
            phases: vec!["Istruttoria".into(), "Decisione".into()],
            office: "Ufficio tecnico".into(),
            simplified: true,
        })
        .unwrap();
    s.create_risk_event(&EventInput {
        process_id: p.id,
        description: "Evento rischioso di prova".into(),
        factors: vec![],
        version: None,
    })
    .unwrap()
}

/// A specific measure for `event` with the four elements an adoption needs:
/// two phases (31 March and 30 September 2027), a responsabile, a
/// percentage indicator and the expected values.
pub fn measure(s: &Store, event: i64) -> MeasureInput {
    MeasureInput {
        title: "Misura specifica di prova".into(),
        general: false,
        general_measure: None,
        type_code: s.risk_vocabulary().unwrap().measure_types[0].code.clone(),
        description: "Descrizione.".into(),
        events: vec![event],
        cost: false,
        responsabili: vec!["Responsabile del servizio".into()],
        phases: vec![
            Phase {
                description: "Prima fase".into(),
                due: "2027-03-31".into(),
            },
            Phase {
                description: "Seconda fase".into(),
                due: "2027-09-30".into(),
            },
        ],
        indicators: vec![indicator(IndicatorKind::Percentuale, "0", "100")],
        expected: "Tutti gli atti controllati.".into(),
        source: String::new(),
        version: None,
    }
}

/// An indicator from 31 December 2026 to 31 December 2027.
pub fn indicator(kind: IndicatorKind, baseline: &str, target: &str) -> Indicator {
    Indicator {
        name: "Indicatore di prova".into(),
        kind,
        baseline: baseline.into(),
        baseline_date: "2026-12-31".into(),
        target: target.into(),
        target_date: "2027-12-31".into(),
    }
}

/// A rating with every motivazione written.
pub fn rating(levels: [Level; 6], overall: Level) -> Rating {
    Rating {
        indicators: levels
            .iter()
            .map(|l| IndicatorRating {
                level: Some(*l),
                motivazione: format!("Motivo del livello {}", l.label()),
            })
            .collect(),
        overall: Some(overall),
        motivazione: "Giudizio complessivo motivato.".into(),
        prudence_reason: String::new(),
    }
}

/// Adopts measures for comuni on `date` (the store's today for that one
/// action), then gives the store back its clock.
pub fn adopt_on(s: &mut Store, date: &str, istat: &[String], measures: &[i64]) {
    let clock = cdp_core::Clock::Fixed(s.today());
    super::set_today(s, date);
    s.adopt_risk_measures(istat, measures, &AdoptionAdjust::default())
        .unwrap();
    s.set_clock(clock);
}
