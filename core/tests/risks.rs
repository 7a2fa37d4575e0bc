//! Rischi e misure (issue 12): the seeded vocabulary and catalogue, every
//! rule of the rating and of the programming, versioning with the field-level
//! diff, the context, adoption one by one and in bulk, monitoring and the
//! late computation against a fixed today, the figures; each action one
//! transaction with its audit row.

mod common;

use cdp_core::risks::*;
use cdp_core::Store;
use common::registry::rpct;
use common::risks::{indicator, measure, own_event, rating};
use common::{assert_refused, with};

const TODAY: &str = "2027-05-15";

fn audit_rows(s: &Store) -> i64 {
    common::count(s, "SELECT count(*) FROM audit")
}

fn field(e: cdp_core::Error) -> String {
    e.field().unwrap_or("").to_string()
}

fn two_comuni(s: &Store) -> Vec<String> {
    let zone = s.zones().unwrap()[0].id;
    let mut stmt = s
        .connection()
        .prepare("SELECT istat FROM comune WHERE zone_id = ?1 ORDER BY istat LIMIT 2")
        .unwrap();
    stmt.query_map([zone], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn the_vocabulary_and_the_starting_catalogue_are_seeded_in_full() {
    let s = common::store_on(TODAY);
    let v = s.risk_vocabulary().unwrap();
    assert_eq!(v.areas.len(), 11, "8 general areas + 3 of the enti locali");
    assert_eq!(v.areas.iter().filter(|a| a.kind == "generale").count(), 8);
    for name in [
        "contratti pubblici",
        "acquisizione e gestione del personale",
        "governo del territorio",
        "pianificazione urbanistica",
        "gestione dei rifiuti",
        "affari legali e contenzioso",
        "incarichi e nomine",
    ] {
        assert!(
            v.areas.iter().any(|a| a.name.to_lowercase().contains(name)),
            "{name}"
        );
    }
    assert_eq!(v.factors.len(), 8);
    assert_eq!(v.measure_types.len(), 11);
    assert!(v.general_measures.len() >= 13);
    assert_eq!(v.rating_indicators.len(), 6);
    assert!(v.status.contains("da validare"));
    // Every shipped item names its source; the sources are listed.
    assert!(v.areas.iter().all(|a| a.source.is_some()));
    assert!(v.factors.iter().all(|f| f.source.is_some()));
    assert!(!v.sources.is_empty());
    // The catalogue: every event with its process and area, revision 1,
    // every measure complete (it can be adopted).
    let tree = s.risk_tree(&CatalogueFilter::default()).unwrap();
    assert_eq!(tree.len(), 11);
    let events: usize = tree
        .iter()
        .flat_map(|a| &a.processes)
        .map(|p| p.events.len())
        .sum();
    assert!(events >= 2);
    let measures = s.risk_measures(&CatalogueFilter::default()).unwrap();
    assert!(!measures.is_empty());
    assert!(measures.iter().all(|m| m.complete && m.revision == 1));
    // One audit row for the seed.
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM audit WHERE entity = 'risks' AND action = 'seed_catalogue'"
        ),
        1
    );
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM risk_measure_revision"),
        measures.len() as i64
    );
}

#[test]
fn the_shipped_catalogue_meets_the_minimums_of_the_format() {
    let f = parse_catalogue(CATALOGUE_JSON).unwrap();
    // These grow with the content branch; the dev copy may be smaller.
    if f.events.len() < 40 {
        eprintln!("catalogo di sviluppo: {} eventi", f.events.len());
        return;
    }
    assert!(f.processes.len() >= 25);
    assert!(f.measures.len() >= 40);
    for a in &f.areas {
        let procs: Vec<_> = f.processes.iter().filter(|p| p.area == a.code).collect();
        assert!(!procs.is_empty(), "area {} senza processi", a.code);
        let ev = f
            .events
            .iter()
            .filter(|e| procs.iter().any(|p| p.code == e.process))
            .count();
        assert!(ev >= 2, "area {} con meno di due eventi", a.code);
    }
    for e in &f.events {
        assert!(
            f.measures.iter().any(|m| m.events.contains(&e.code)),
            "evento {} senza misure",
            e.code
        );
    }
    for g in &f.general_measures {
        assert!(
            f.measures
                .iter()
                .any(|m| m.general_measure.as_deref() == Some(&g.code)),
            "misura generale {} senza misura",
            g.code
        );
    }
}

#[test]
fn a_rating_needs_every_motivazione_and_the_prudence_reason() {
    let mut s = common::store_on(TODAY);
    let ev = own_event(&mut s);
    let before = audit_rows(&s);
    // A missing motivazione is refused at its field.
    let r = with(
        &rating(
            [Level::A, Level::M, Level::B, Level::B, Level::B, Level::M],
            Level::A,
        ),
        |r| r.indicators[3].motivazione = "  ".into(),
    );
    let e = s
        .rate_risk_event(ev.id, &r, Some(&ev.updated_at))
        .unwrap_err();
    assert_eq!(e.code(), "validation");
    assert_eq!(field(e), "indicators.3.motivazione");
    // A missing level, a missing overall, a missing overall motivazione.
    let plain = rating([Level::B; 6], Level::B);
    let rows = vec![
        (
            with(&r, |r| {
                r.indicators[3].motivazione = "ok".into();
                r.indicators[1].level = None;
            }),
            "indicators.1.level",
            "",
        ),
        (with(&plain, |r| r.overall = None), "overall", ""),
        (with(&plain, |r| r.motivazione.clear()), "motivazione", ""),
    ];
    assert_refused(rows, |r| s.rate_risk_event(ev.id, r, None));
    // Overall lower than the highest indicator: the distinct prudence error.
    let low = rating(
        [Level::A, Level::M, Level::B, Level::B, Level::B, Level::M],
        Level::M,
    );
    assert!(prudence_warning(&low).unwrap().contains("prudenza"));
    let e = s.rate_risk_event(ev.id, &low, None).unwrap_err();
    assert_eq!(field(e), "prudence_reason");
    assert_eq!(audit_rows(&s), before, "nothing written on error");
    // With the reason it is saved, as a new revision with its audit row.
    let mut ok = low.clone();
    ok.prudence_reason = "Il processo è interamente tracciato sulla piattaforma regionale.".into();
    let rated = s.rate_risk_event(ev.id, &ok, Some(&ev.updated_at)).unwrap();
    assert_eq!(rated.level, Some(Level::M));
    assert_eq!(rated.revision, ev.revision + 1);
    assert_eq!(audit_rows(&s), before + 1);
    // A stale form is refused.
    let e = s
        .rate_risk_event(ev.id, &ok, Some(&ev.updated_at))
        .unwrap_err();
    assert_eq!(e.code(), "conflict");
    // Equal or higher overall: no reason needed (and none kept).
    let high = rating([Level::M; 6], Level::A);
    assert!(prudence_warning(&high).is_none());
    let r = s
        .rate_risk_event(ev.id, &high, Some(&rated.updated_at))
        .unwrap();
    assert!(r.rating.unwrap().prudence_reason.is_empty());
}

#[test]
fn indicators_are_consistent_with_their_type_and_dated_in_order() {
    let mut s = common::store_on(TODAY);
    let ev = own_event(&mut s);
    let cases: Vec<(Indicator, &str)> = vec![
        (
            indicator(IndicatorKind::OnOff, "0", "2"),
            "indicators.0.target",
        ),
        (
            indicator(IndicatorKind::OnOff, "sì", "1"),
            "indicators.0.baseline",
        ),
        (
            indicator(IndicatorKind::Percentuale, "0", "120"),
            "indicators.0.target",
        ),
        (
            indicator(IndicatorKind::Quantitativo, "-1", "3"),
            "indicators.0.baseline",
        ),
        (
            indicator(IndicatorKind::Quantitativo, "0", "tre"),
            "indicators.0.target",
        ),
        (
            Indicator {
                target_date: "2026-12-31".into(),
                ..indicator(IndicatorKind::OnOff, "0", "1")
            },
            "indicators.0.target_date",
        ),
        (
            Indicator {
                target_date: "2026-06-30".into(),
                ..indicator(IndicatorKind::OnOff, "0", "1")
            },
            "indicators.0.target_date",
        ),
        (
            Indicator {
                name: " ".into(),
                ..indicator(IndicatorKind::OnOff, "0", "1")
            },
            "indicators.0.name",
        ),
    ];
    let good = measure(&s, ev.id);
    let rows = cases
        .into_iter()
        .map(|(ind, f)| (with(&good, |m| m.indicators = vec![ind]), f, ""))
        .collect();
    let errors = assert_refused(rows, |m| s.create_risk_measure(m));
    assert!(errors.iter().all(|e| e.code() == "validation"));
    // A decimal comma is accepted and normalised; dates typed the Italian way.
    let mut input = measure(&s, ev.id);
    input.indicators = vec![Indicator {
        baseline_date: "31/12/2026".into(),
        target_date: "30/6/2027".into(),
        ..indicator(IndicatorKind::Quantitativo, "2,5", "10")
    }];
    let m = s.create_risk_measure(&input).unwrap();
    assert_eq!(m.indicators[0].baseline, "2.5");
    assert_eq!(m.indicators[0].target_date, "2027-06-30");
    // Phases need a valid date; a specific measure needs an event.
    let rows = vec![
        (
            with(&good, |m| m.phases[1].due = "31/02/2027".into()),
            "phases.1.due",
            "",
        ),
        (with(&good, |m| m.events.clear()), "events", ""),
        (with(&good, |m| m.general = true), "general_measure", ""),
    ];
    assert_refused(rows, |m| s.create_risk_measure(m));
}

#[test]
fn the_four_elements_are_required_before_adoption() {
    let mut s = common::store_on(TODAY);
    let ev = own_event(&mut s);
    let comuni = two_comuni(&s);
    for (i, missing) in ["fasi", "responsabili", "indicatori", "valori attesi"]
        .iter()
        .enumerate()
    {
        let mut input = measure(&s, ev.id);
        input.title = format!("Incompleta {i}");
        match i {
            0 => input.phases.clear(),
            1 => input.responsabili.clear(),
            2 => input.indicators.clear(),
            _ => input.expected.clear(),
        }
        // Saved as a draft…
        let m = s.create_risk_measure(&input).unwrap();
        assert_eq!(m.missing.len(), 1);
        assert!(m.missing[0].contains(missing), "{:?}", m.missing);
        // …but not adoptable: nothing written.
        let before = audit_rows(&s);
        let e = s
            .adopt_risk_measures(&comuni, &[m.id], &AdoptionAdjust::default())
            .unwrap_err();
        assert_eq!(e.code(), "conflict");
        assert!(e.to_string().contains(missing));
        assert_eq!(audit_rows(&s), before);
    }
    assert_eq!(common::count(&s, "SELECT count(*) FROM risk_adoption"), 0);
}

#[test]
fn a_change_is_a_new_revision_and_the_comune_sees_what_changed() {
    let mut s = common::store_on(TODAY);
    let ev = own_event(&mut s);
    let m = s.create_risk_measure(&measure(&s, ev.id)).unwrap();
    assert_eq!(m.revision, 1);
    let comuni = two_comuni(&s);
    s.adopt_risk_measures(&comuni[..1], &[m.id], &AdoptionAdjust::default())
        .unwrap();
    let plan = s.risk_plan(&comuni[0]).unwrap();
    let a = &plan.adoptions[0];
    assert_eq!((a.revision, a.current_revision), (1, 1));
    assert!(s.risk_adoption_update(a.id).unwrap().is_none());

    // Saving unchanged writes nothing.
    let before = audit_rows(&s);
    let mut input = measure(&s, ev.id);
    input.version = Some(m.updated_at.clone());
    let same = s.update_risk_measure(m.id, &input).unwrap();
    assert_eq!(same.revision, 1);
    assert_eq!(audit_rows(&s), before);

    // A change: revision 2 with its audit row and revision row.
    input.title = "Misura specifica rivista".into();
    input.phases[1].due = "2027-10-31".into();
    let m2 = s.update_risk_measure(m.id, &input).unwrap();
    assert_eq!(m2.revision, 2);
    assert_eq!(audit_rows(&s), before + 1);
    assert_eq!(s.risk_measure_revisions(m.id).unwrap().len(), 2);
    // The old form is stale now.
    assert_eq!(
        s.update_risk_measure(m.id, &input).unwrap_err().code(),
        "conflict"
    );

    // The comune keeps revision 1 (its title) and sees the newer one.
    let a = s.risk_adoption(a.id).unwrap();
    assert_eq!((a.revision, a.current_revision), (1, 2));
    assert_eq!(a.title, "Misura specifica di prova");
    let up = s.risk_adoption_update(a.id).unwrap().unwrap();
    let fields: Vec<_> = up.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, vec!["title", "phases"]);
    assert_eq!(up.changes[0].before, "Misura specifica di prova");
    assert_eq!(up.changes[0].after, "Misura specifica rivista");
    assert!(up.changes[1].after.contains("31/10/2027"));
    // Accepting it moves the adoption to revision 2.
    let a = s.accept_risk_revision(a.id, Some(&a.updated_at)).unwrap();
    assert_eq!(a.revision, 2);
    assert!(s.risk_adoption_update(a.id).unwrap().is_none());
}

#[test]
fn the_context_says_when_the_simplified_path_applies() {
    let mut s = common::store_on(TODAY);
    let istat = two_comuni(&s)[0].clone();
    s.add_referent(&istat, &rpct("Maria Rossi")).unwrap();
    let c = s.risk_context(&istat).unwrap();
    assert_eq!(c.rpct.as_deref(), Some("Maria Rossi"));
    assert!(c.updated_at.is_none() && !c.simplified);
    let e = s
        .save_risk_context(
            &istat,
            &ContextInput {
                employees: Some(12),
                segretario_convenzione: true,
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(field(e), "convenzione_with");
    let before = audit_rows(&s);
    let c = s
        .save_risk_context(
            &istat,
            &ContextInput {
                employees: Some(12),
                segretario_convenzione: true,
                convenzione_with: "Comune capofila".into(),
                units: "Area amministrativa; Area tecnica".into(),
                problems: "Un solo tecnico".into(),
                notes: String::new(),
                version: None,
            },
        )
        .unwrap();
    assert_eq!(audit_rows(&s), before + 1);
    assert!(c.simplified);
    assert!(!c.simplified_processes.is_empty());
    // A stale save, then a save with 60 employees: the ordinary path.
    let e = s
        .save_risk_context(
            &istat,
            &ContextInput {
                version: Some("2000-01-01T00:00:00.000Z".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "conflict");
    let c = s
        .save_risk_context(
            &istat,
            &ContextInput {
                employees: Some(60),
                version: c.updated_at.clone(),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(!c.simplified && c.simplified_processes.is_empty());
}

#[test]
fn adoption_in_bulk_monitoring_and_lateness_with_a_fixed_today() {
    let mut s = common::store_on(TODAY);
    let ev = own_event(&mut s);
    let m = s.create_risk_measure(&measure(&s, ev.id)).unwrap();
    let comuni = two_comuni(&s);
    let before = audit_rows(&s);
    // Adopted for two comuni with the comune's own responsabili and dates.
    let adj = AdoptionAdjust {
        responsabili: Some(vec!["Segretario comunale".into()]),
        phases: Some(vec![Phase {
            description: "Unica fase".into(),
            due: "2027-04-30".into(),
        }]),
    };
    let r = s.adopt_risk_measures(&comuni, &[m.id], &adj).unwrap();
    assert_eq!((r.adopted, r.already), (2, 0));
    assert_eq!(audit_rows(&s), before + 2, "one audit row per adoption");
    let r = s.adopt_risk_measures(&comuni, &[m.id], &adj).unwrap();
    assert_eq!((r.adopted, r.already), (0, 2));
    // An empty adjustment is refused at its field.
    let e = s
        .adopt_risk_measures(
            &comuni,
            &[m.id],
            &AdoptionAdjust {
                responsabili: Some(vec![" ".into()]),
                phases: None,
            },
        )
        .unwrap_err();
    assert_eq!(field(e), "responsabili");

    let a0 = s.risk_plan(&comuni[0]).unwrap().adoptions[0].clone();
    let a1 = s.risk_plan(&comuni[1]).unwrap().adoptions[0].clone();
    assert_eq!(a0.responsabili, vec!["Segretario comunale"]);
    // Not late before the planned date, late after it.
    common::set_today(&mut s, "2027-04-30");
    assert!(!s.risk_adoption(a0.id).unwrap().late);
    common::set_today(&mut s, TODAY);
    assert!(a0.late && a1.late);
    assert_eq!(a0.next_due.as_deref(), Some("2027-04-30"));

    // Monitoring: non attuata needs a motivazione; values follow the type.
    let entry = |state, mot: &str, v: &str| MonitoringInput {
        date: "10/05/2027".into(),
        state,
        motivazione: mot.into(),
        values: vec![Some(v.into())],
        version: None,
    };
    let rows = vec![
        (entry(MeasureState::NonAttuata, "", "10"), "motivazione", ""),
        (entry(MeasureState::InCorso, "", "140"), "values.0", ""),
        (
            with(&entry(MeasureState::InCorso, "", "40"), |e| {
                e.date = "2027-06-01".into()
            }),
            "date",
            "",
        ),
    ];
    assert_refused(rows, |e| s.record_risk_monitoring(a0.id, e));
    let before = audit_rows(&s);
    let a0 = s
        .record_risk_monitoring(a0.id, &entry(MeasureState::InCorso, "", "40"))
        .unwrap();
    assert_eq!(audit_rows(&s), before + 1);
    assert_eq!(a0.state, MeasureState::InCorso);
    assert!(!a0.late, "an entry after the planned date covers it");
    assert_eq!(
        s.risk_monitoring(a0.id).unwrap()[0].values,
        vec![Some("40".to_string())]
    );
    // A stale adoption version is refused.
    let mut stale = entry(MeasureState::Attuata, "", "100");
    stale.version = Some(a1.updated_at.clone() + "x");
    assert_eq!(
        s.record_risk_monitoring(a1.id, &stale).unwrap_err().code(),
        "conflict"
    );

    let late = s.risk_late(None).unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].istat, comuni[1]);
    assert_eq!(late[0].missed_due, "2027-04-30");
    assert_eq!(s.risk_plan(&comuni[1]).unwrap().late, 1);

    // Figures.
    let figs = s.risk_measure_figures().unwrap();
    let f = figs.iter().find(|f| f.measure_id == m.id).unwrap();
    assert_eq!((f.adopted, f.implemented, f.late), (2, 0, 1));
    s.record_risk_monitoring(a1.id, &entry(MeasureState::Attuata, "", "100"))
        .unwrap();
    let figs = s.risk_measure_figures().unwrap();
    let f = figs.iter().find(|f| f.measure_id == m.id).unwrap();
    assert_eq!((f.adopted, f.implemented, f.late), (2, 1, 0));
    let cf = s.risk_comune_figures().unwrap();
    assert_eq!(cf.len(), 2);
    let sum = s.risk_annual_summary(None, 2027).unwrap();
    assert_eq!(sum.specific.adopted, 2);
    assert_eq!((sum.specific.in_corso, sum.specific.attuata), (1, 1));
    assert_eq!(sum.general.adopted, 0);
    // A year already closed: the state at its end, not the newest one.
    let mut later = entry(MeasureState::Attuata, "", "100");
    later.date = "2028-01-10".into();
    common::set_today(&mut s, "2028-03-01");
    s.record_risk_monitoring(a0.id, &later).unwrap();
    let y2027 = s.risk_annual_summary(None, 2027).unwrap();
    assert_eq!((y2027.specific.in_corso, y2027.specific.attuata), (1, 1));
    let y2028 = s.risk_annual_summary(None, 2028).unwrap();
    assert_eq!(y2028.specific.attuata, 2);
    let one = s.risk_annual_summary(Some(&comuni[0]), 2027).unwrap();
    assert_eq!((one.specific.adopted, one.specific.in_corso), (1, 1));
    common::set_today(&mut s, TODAY);
    // Withdrawing an adoption: one action, monitoring gone with it.
    let a1 = s.risk_adoption(a1.id).unwrap();
    s.withdraw_risk_adoption(a1.id, Some(&a1.updated_at))
        .unwrap();
    assert_eq!(common::count(&s, "SELECT count(*) FROM risk_adoption"), 1);
}

#[test]
fn all_general_measures_for_a_zone_in_one_action() {
    let mut s = common::store_on(TODAY);
    let zone = s.zones().unwrap()[0].clone();
    let general = s
        .risk_measures(&CatalogueFilter {
            general: Some(true),
            ..Default::default()
        })
        .unwrap()
        .len() as i64;
    assert!(general > 0);
    let r = s.adopt_general_measures_for_zone(zone.id).unwrap();
    assert_eq!(r.adopted, general * zone.comuni);
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM audit WHERE action = 'adopt'"),
        general * zone.comuni
    );
    let sum = s.risk_annual_summary(None, 2027).unwrap();
    assert_eq!(sum.general.adopted, general * zone.comuni);
}

#[test]
fn areas_processes_and_events_can_be_added_and_filtered() {
    let mut s = common::store_on(TODAY);
    let e = s
        .add_risk_area(&AreaInput {
            name: "Contratti pubblici".into(),
            kind: "generale".into(),
            note: None,
        })
        .unwrap_err();
    assert_eq!(field(e), "name");
    let a = s
        .add_risk_area(&AreaInput {
            name: "Gestione dei servizi cimiteriali".into(),
            kind: "specifica".into(),
            note: None,
        })
        .unwrap();
    assert!(a.user_added);
    assert_eq!(s.risk_vocabulary().unwrap().areas.len(), 12);
    let p = s
        .create_risk_process(&ProcessInput {
            area_id: a.id,
            name: "Concessione di loculi".into(),
            ..Default::default()
        })
        .unwrap();
    let ev = s
        .create_risk_event(&EventInput {
            process_id: p.id,
            description: "Assegnazione di loculi fuori dall'ordine cronologico delle richieste"
                .into(),
            factors: vec!["F1".into(), "F2".into()],
            version: None,
        })
        .unwrap();
    assert_eq!(ev.factors.len(), 2);
    let e = s
        .create_risk_event(&EventInput {
            process_id: p.id,
            description: "x".into(),
            factors: vec!["F99".into()],
            version: None,
        })
        .unwrap_err();
    assert_eq!(field(e), "factors");
    // Search and filters.
    let t = s
        .risk_tree(&CatalogueFilter {
            text: Some("loculi cronologico".into()),
            ..Default::default()
        })
        .unwrap();
    let found: Vec<i64> = t
        .iter()
        .flat_map(|a| &a.processes)
        .flat_map(|p| &p.events)
        .map(|e| e.id)
        .collect();
    assert!(found.contains(&ev.id));
    assert!(t
        .iter()
        .all(|a| a.processes.iter().all(|p| !p.events.is_empty())));
    let t = s
        .risk_tree(&CatalogueFilter {
            area_id: Some(a.id),
            level: Some(Level::A),
            ..Default::default()
        })
        .unwrap();
    assert!(t.is_empty());
    let m = s
        .create_risk_measure(&MeasureInput {
            title: "Registro cronologico delle richieste di loculi".into(),
            ..measure(&s, ev.id)
        })
        .unwrap();
    let rows = s
        .risk_measures(&CatalogueFilter {
            area_id: Some(a.id),
            general: Some(false),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, m.id);
    let rows = s
        .risk_measures(&CatalogueFilter {
            text: Some("registro LOCULI".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(rows.iter().any(|r| r.id == m.id));
    assert!(rows.len() < s.risk_measures(&CatalogueFilter::default()).unwrap().len());
    // The event now lists its measure.
    assert_eq!(s.risk_event(ev.id).unwrap().measures.len(), 1);
}

#[test]
fn the_comune_rates_its_events() {
    let mut s = common::store_on(TODAY);
    let ev = own_event(&mut s);
    let istat = two_comuni(&s)[0].clone();
    let low = rating(
        [Level::A, Level::B, Level::B, Level::B, Level::B, Level::B],
        Level::B,
    );
    assert_eq!(
        field(
            s.rate_risk_event_for_comune(&istat, ev.id, &low, None)
                .unwrap_err()
        ),
        "prudence_reason"
    );
    let r = s
        .rate_risk_event_for_comune(&istat, ev.id, &rating([Level::M; 6], Level::M), None)
        .unwrap();
    assert_eq!(r.level, Level::M);
    let plan = s.risk_plan(&istat).unwrap();
    assert_eq!(plan.ratings.len(), 1);
    assert_eq!(
        s.rate_risk_event_for_comune(
            &istat,
            ev.id,
            &rating([Level::M; 6], Level::M),
            Some("2000-01-01T00:00:00.000Z")
        )
        .unwrap_err()
        .code(),
        "conflict"
    );
}

#[test]
fn a_read_only_or_failing_action_writes_nothing() {
    let mut s = common::store_on(TODAY);
    let ev = own_event(&mut s);
    let dump = common::dump_all(s.connection());
    let mut input = measure(&s, ev.id);
    input
        .indicators
        .push(indicator(IndicatorKind::OnOff, "0", "5"));
    assert!(s.create_risk_measure(&input).is_err());
    assert_eq!(common::dump_all(s.connection()), dump);
}

#[test]
fn exports_of_the_catalogue_the_register_the_plan_and_the_monitoring() {
    let mut s = common::store_on(TODAY);
    let dir = tempfile::tempdir().unwrap();
    let n = s
        .export_risk_catalogue(cdp_core::io::Format::Csv, &dir.path().join("c.csv"))
        .unwrap();
    assert_eq!(
        n,
        s.risk_measures(&CatalogueFilter::default()).unwrap().len()
    );
    let text = std::fs::read_to_string(dir.path().join("c.csv")).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("Codice;Misura;Natura"));
    let n = s
        .export_risk_register(cdp_core::io::Format::Xlsx, &dir.path().join("r.xlsx"))
        .unwrap();
    assert!(n >= 2);
    let ev = own_event(&mut s);
    let m = s.create_risk_measure(&measure(&s, ev.id)).unwrap();
    let comuni = two_comuni(&s);
    s.adopt_risk_measures(&comuni, &[m.id], &AdoptionAdjust::default())
        .unwrap();
    let a = s.risk_plan(&comuni[0]).unwrap().adoptions[0].clone();
    s.record_risk_monitoring(
        a.id,
        &MonitoringInput {
            date: "2027-05-01".into(),
            state: MeasureState::NonAttuata,
            motivazione: "Personale assente per l'intero trimestre.".into(),
            values: vec![Some("0".into())],
            version: None,
        },
    )
    .unwrap();
    assert_eq!(
        s.export_risk_plan(
            &comuni[0],
            cdp_core::io::Format::Csv,
            &dir.path().join("p.csv")
        )
        .unwrap(),
        1
    );
    let p = std::fs::read_to_string(dir.path().join("p.csv")).unwrap();
    assert!(p.contains("non attuata"));
    assert_eq!(
        s.export_risk_monitoring(None, cdp_core::io::Format::Csv, &dir.path().join("m.csv"))
            .unwrap(),
        1
    );
    let t = std::fs::read_to_string(dir.path().join("m.csv")).unwrap();
    assert!(t.contains("01/05/2027;non attuata;0;Personale assente"));
}

#[test]
fn the_vocabulary_is_editable_with_a_stale_check_and_an_audit_row() {
    let mut s = common::store_on(TODAY);
    let f = s.risk_vocabulary().unwrap().factors[0].clone();
    let before = audit_rows(&s);
    s.rename_risk_vocabulary("factor", &f.code, "assenza di controlli", &f.name)
        .unwrap();
    assert_eq!(audit_rows(&s), before + 1);
    assert_eq!(
        s.risk_vocabulary().unwrap().factors[0].name,
        "assenza di controlli"
    );
    // The form showed the old name: stale.
    assert_eq!(
        s.rename_risk_vocabulary("factor", &f.code, "altro", &f.name)
            .unwrap_err()
            .code(),
        "conflict"
    );
    let other = s.risk_vocabulary().unwrap().factors[1].clone();
    let rows = vec![
        (
            (
                "factor",
                other.code.as_str(),
                "Assenza di controlli",
                other.name.as_str(),
            ),
            "name",
            "",
        ),
        (("type", "T01", " ", "x"), "name", ""),
    ];
    assert_refused(rows, |(kind, code, name, shown)| {
        s.rename_risk_vocabulary(kind, code, name, shown)
    });
}
