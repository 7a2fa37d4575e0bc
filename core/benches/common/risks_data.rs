//! The data of the risks benchmark (issue 12's scale), shared with
//! `examples/rules_work.rs` (the same lists counted with callgrind).

use cdp_core::risks::*;
use cdp_core::Store;

fn rating(i: usize) -> Rating {
    let l = [Level::B, Level::M, Level::A][i % 3];
    Rating {
        indicators: (0..6)
            .map(|k| IndicatorRating {
                level: Some(if k == 0 { l } else { Level::B }),
                motivazione: format!("Motivazione sintetica dell'indicatore {k}."),
            })
            .collect(),
        overall: Some(l),
        motivazione: "Giudizio complessivo sintetico.".into(),
        prudence_reason: String::new(),
    }
}

/// Grows the seeded catalogue to 500 events and 300 measures, then adopts
/// measures for the comuni (10,000 adoptions) and writes 50,000 entries.
pub fn populate(s: &mut Store) {
    let v = s.risk_vocabulary().expect("vocabulary");
    let mut events: Vec<i64> = Vec::new();
    let existing = s
        .risk_tree(&CatalogueFilter::default())
        .expect("tree")
        .iter()
        .flat_map(|a| {
            a.processes
                .iter()
                .flat_map(|p| p.events.iter().map(|e| e.id))
        })
        .collect::<Vec<_>>();
    events.extend(existing);
    let mut p = 0;
    while events.len() < 500 {
        let area = &v.areas[p % v.areas.len()];
        let proc_ = s
            .create_risk_process(&ProcessInput {
                area_id: area.id,
                name: format!("Processo sintetico {p} dell'area {}", area.code),
                phases: vec!["Avvio".into(), "Istruttoria".into(), "Provvedimento".into()],
                office: "Responsabile del servizio".into(),
                simplified: p % 4 == 0,
            })
            .expect("process");
        for k in 0..5 {
            if events.len() >= 500 {
                break;
            }
            let e = s
                .create_risk_event(&EventInput {
                    process_id: proc_.id,
                    description: format!("Evento rischioso sintetico {k} del processo {p}: omissione dei controlli e favoritismi"),
                    factors: vec!["F1".into(), "F4".into()],
                    version: None,
                })
                .expect("event");
            s.rate_risk_event(e.id, &rating(events.len()), None)
                .expect("rating");
            events.push(e.id);
        }
        p += 1;
    }
    let mut n = s
        .risk_measures(&CatalogueFilter::default())
        .expect("measures")
        .len();
    while n < 300 {
        s.create_risk_measure(&MeasureInput {
            title: format!("Misura specifica sintetica {n}"),
            general: false,
            general_measure: None,
            type_code: v.measure_types[n % v.measure_types.len()].code.clone(),
            description: "Controllo a campione degli atti del processo con verbale trimestrale."
                .into(),
            events: vec![events[n % events.len()], events[(n * 7) % events.len()]],
            cost: false,
            responsabili: vec![
                "Segretario comunale".into(),
                "Responsabile di settore".into(),
            ],
            phases: vec![
                Phase {
                    description: "Definizione della procedura".into(),
                    due: "2027-03-31".into(),
                },
                Phase {
                    description: "Primo controllo".into(),
                    due: "2027-06-30".into(),
                },
                Phase {
                    description: "Relazione al RPCT".into(),
                    due: "2027-12-31".into(),
                },
            ],
            indicators: vec![Indicator {
                name: "Percentuale di atti controllati".into(),
                kind: IndicatorKind::Percentuale,
                baseline: "0".into(),
                baseline_date: "2026-12-31".into(),
                target: "100".into(),
                target_date: "2027-12-31".into(),
            }],
            expected: "Tutti gli atti del campione controllati.".into(),
            source: "PNA2019-A1".into(),
            version: None,
        })
        .expect("measure");
        n += 1;
    }
}

/// 10,000 adoptions spread over `comuni`, and 50,000 monitoring entries.
pub fn adopt(s: &mut Store, comuni: &[String]) {
    let measures: Vec<i64> = s
        .risk_measures(&CatalogueFilter::default())
        .expect("measures")
        .iter()
        .map(|m| m.id)
        .collect();
    // Each comune adopts a window of the catalogue, 10,000 pairs in all.
    let base = 10_000 / comuni.len();
    let rem = 10_000 % comuni.len();
    for (i, c) in comuni.iter().enumerate() {
        let take = base + usize::from(i < rem);
        if take == 0 {
            continue;
        }
        let ids: Vec<i64> = (0..take)
            .map(|k| measures[(i * 13 + k) % measures.len()])
            .collect();
        s.adopt_risk_measures(std::slice::from_ref(c), &ids, &AdoptionAdjust::default())
            .expect("adopt");
    }
    // 50,000 entries: five per adoption, written directly (one transaction).
    let conn = s.connection();
    conn.execute_batch("BEGIN").expect("begin");
    let states = ["in_corso", "in_corso", "attuata", "non_attuata", "in_corso"];
    conn.execute_batch(&format!(
        "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 4)
         INSERT INTO risk_monitoring (adoption_id, date, state, motivazione, vals, created_at)
         SELECT a.id, date('2027-01-15', '+' || (k.n * 45 + a.id % 30) || ' days'),
                CASE (a.id + k.n) % 5 WHEN 0 THEN '{}' WHEN 1 THEN '{}' WHEN 2 THEN '{}' WHEN 3 THEN '{}' ELSE '{}' END,
                'motivo', '[\"50\"]', '2027-01-15T00:00:00Z'
         FROM risk_adoption a, k;",
        states[0], states[1], states[2], states[3], states[4]
    ))
    .expect("entries");
    let missing: i64 = conn
        .query_row("SELECT 50000 - count(*) FROM risk_monitoring", [], |r| {
            r.get(0)
        })
        .expect("count");
    if missing > 0 {
        conn.execute(
            "INSERT INTO risk_monitoring (adoption_id, date, state, motivazione, vals, created_at)
             SELECT id, '2027-02-01', 'in_corso', '', '[]', '2027-02-01T00:00:00Z' FROM risk_adoption
             ORDER BY id LIMIT ?1",
            [missing],
        )
        .expect("top up");
    }
    conn.execute_batch(
        "UPDATE risk_adoption SET
           last_date = (SELECT date FROM risk_monitoring m WHERE m.adoption_id = risk_adoption.id ORDER BY date DESC, id DESC LIMIT 1),
           last_state = (SELECT state FROM risk_monitoring m WHERE m.adoption_id = risk_adoption.id ORDER BY date DESC, id DESC LIMIT 1);
         COMMIT;",
    )
    .expect("states");
}
