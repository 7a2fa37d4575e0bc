//! Every document kind the app writes, from fixed inputs on an in-memory
//! archive with fixed dates: the adhesion acts for four comuni (a small one,
//! the capoluogo, two long names), the risks' schede, catalogue and annex,
//! the training documents and attestati, the survey, the organigram and the
//! working group's act. Shared by the golden files (`golden.rs`) and the
//! engine's page rules (`document_pages.rs`).

use cdp_core::adhesion::documents::DOC_KINDS;
use cdp_core::documents::Format;
use cdp_core::risks::{CatalogueFilter, ContextInput, MeasureState, MonitoringInput};
use cdp_core::training::documents::CalendarDoc;
use cdp_core::training::participants::ParticipantInput;
use cdp_core::training::survey::{NeedInput, SurveyInput};
use cdp_core::training::{EventInput, EventQuery};
use cdp_core::Store;
use chrono::NaiveDate;

use super::registry::ReferentBuilder;
use super::training::event;

pub const TODAY: &str = "2027-05-15";
/// The operator named in the settings: every document's author.
pub const OPERATOR: &str = "Anna Operatrice";

/// The comuni of the acts: a small one, the capoluogo and two long names.
pub const COMUNI: [(&str, &str); 4] = [
    ("083002", "ali"),
    ("083048", "messina"),
    ("083084", "santagata"),
    ("083005", "barcellona"),
];

#[derive(Clone, Copy)]
pub enum Kind {
    Pdf,
    Docx,
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn rpct(s: &mut Store, istat: &str, name: &str) -> i64 {
    s.add_referent(
        istat,
        &super::registry::rpct(name)
            .email("rpct@comune.example.it")
            .since("2023-05-01"),
    )
    .unwrap()
    .id
}

/// Every document kind, each as (file name, format, bytes).
pub fn documents() -> Vec<(String, Kind, Vec<u8>)> {
    let mut s = super::store();
    let mut st = s.settings().unwrap();
    st.signatory_name = "Maria Rossi".into();
    st.operator_name = OPERATOR.into();
    s.save_settings(&st).unwrap();
    let mut out = Vec::new();

    // The adhesion acts, for four comuni, dated.
    for (istat, tag) in COMUNI {
        rpct(&mut s, istat, "Giuseppe D'Amico");
        for kind in DOC_KINDS {
            let job = s
                .render_job(kind, None, Some(istat))
                .unwrap()
                .dated(Some(d("2026-12-01")));
            for (fmt, k) in [(Format::Pdf, Kind::Pdf), (Format::Docx, Kind::Docx)] {
                out.push((
                    format!("act_{}_{tag}", kind.as_str()),
                    k,
                    job.render(fmt).unwrap().bytes,
                ));
            }
        }
    }

    // Risks: the scheda misura (catalogue, adopted), the catalogue, the annex,
    // on the store's today.
    super::set_today(&mut s, TODAY);
    let m = s
        .risk_measures(&CatalogueFilter {
            general: Some(false),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|r| s.risk_measure(r.id).unwrap())
        .find(|m| m.events.iter().any(|e| e.level.is_some()))
        .unwrap();
    let istat = "083084".to_string();
    s.save_risk_context(
        &istat,
        &ContextInput {
            employees: Some(42),
            segretario_convenzione: true,
            convenzione_with: "Comune di Torrenova".into(),
            units: "Area amministrativa; Area economico-finanziaria; Area tecnica".into(),
            problems: "Un solo istruttore tecnico per edilizia e lavori pubblici.".into(),
            notes: String::new(),
            version: None,
        },
    )
    .unwrap();
    super::risks::adopt_on(&mut s, "2027-01-10", std::slice::from_ref(&istat), &[m.id]);
    let a = s.risk_plan(&istat).unwrap().adoptions[0].clone();
    s.record_risk_monitoring(
        a.id,
        &MonitoringInput {
            date: "2027-04-30".into(),
            state: MeasureState::InCorso,
            motivazione: "Primo controllo eseguito; verbale trasmesso al RPCT.".into(),
            values: a
                .indicators
                .iter()
                .map(|i| Some(i.baseline.clone()))
                .collect(),
            version: None,
        },
    )
    .unwrap();
    for (fmt, k) in [(Format::Pdf, Kind::Pdf), (Format::Docx, Kind::Docx)] {
        out.push((
            "scheda_catalogo".into(),
            k,
            s.risk_scheda(m.id, None, fmt).unwrap(),
        ));
        out.push((
            "scheda_adottata".into(),
            k,
            s.risk_scheda(m.id, Some(&istat), fmt).unwrap(),
        ));
        out.push((
            "catalogo".into(),
            k,
            s.risk_catalogue_document(fmt).unwrap(),
        ));
        out.push(("allegato_2_3".into(), k, s.risk_annex(&istat, fmt).unwrap()));
    }

    // The comune's sottosezione 2.3 of the PIAO (its data in part: the rest
    // are lines to fill) and its RPCT's relazione annuale for the records.
    s.save_piao_data(
        &istat,
        &cdp_core::piao::PiaoInput {
            first_year: Some(2028),
            rpct_act: "decreto sindacale n. 3 del 15/01/2025".into(),
            objectives: vec![cdp_core::piao::OBJECTIVES[1].objective()],
            no_corruption: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    let (section, _) = s.piao_section(&istat).unwrap();
    let relazione = s.piao_relazione_document(&istat, 2027).unwrap();
    for (fmt, k) in [(Format::Pdf, Kind::Pdf), (Format::Docx, Kind::Docx)] {
        out.push((
            "piao_sezione_2_3".into(),
            k,
            cdp_core::documents::render(
                &section,
                fmt,
                &cdp_core::piao::section::section_meta(&section, &s.document_author().unwrap()),
            )
            .unwrap()
            .bytes,
        ));
        out.push((
            "relazione_rpct".into(),
            k,
            cdp_core::documents::render(
                &relazione,
                fmt,
                &cdp_core::piao::relazione::relazione_meta(
                    &relazione,
                    &s.document_author().unwrap(),
                ),
            )
            .unwrap()
            .bytes,
        ));
    }

    // Training: calendar (month grids and programme), programme (PDF, DOCX), year.
    s.create_training_event(&event("2027-03-09")).unwrap();
    s.create_training_event(&EventInput {
        title: "Whistleblowing (d.lgs. 24/2023)".into(),
        kind: "tavolo".into(),
        ..event("2027-03-17")
    })
    .unwrap();
    let z = s.zones().unwrap()[0].id;
    s.create_training_event(&EventInput {
        title: "Incontro decentrato della zona: la mappatura dei processi".into(),
        kind: "incontro_zona".into(),
        mode: "presenza".into(),
        zone_id: Some(z),
        place: Some("Sala consiliare del Comune di Sant'Agata di Militello".into()),
        link: None,
        ..event("2027-04-22")
    })
    .unwrap();
    let q = EventQuery::default();
    for (doc, fmt, name, k) in [
        (CalendarDoc::Calendar, Format::Pdf, "calendario", Kind::Pdf),
        (CalendarDoc::Programme, Format::Pdf, "programma", Kind::Pdf),
        (
            CalendarDoc::Programme,
            Format::Docx,
            "programma",
            Kind::Docx,
        ),
        (CalendarDoc::Year, Format::Pdf, "quadro_annuale", Kind::Pdf),
    ] {
        let (bytes, _) = s
            .training_document(doc, fmt, &q, "01/03/2027", "31/05/2027")
            .unwrap();
        out.push((name.into(), k, bytes));
    }

    // Attestati: one of an event, one yearly; fixed verification codes.
    let events = s.training_events(&q).unwrap();
    let e = events[0].id;
    let p = s
        .add_training_participant(&ParticipantInput {
            full_name: "Maria Concetta Lo Presti Scaffidi".into(),
            istat: Some("083048".into()),
            ..Default::default()
        })
        .unwrap();
    // Attendance and attestati once the year is over (the store's today).
    super::set_today(&mut s, "2028-01-31");
    s.set_training_attendance(e, p.id, true, 180).unwrap();
    let c = s.issue_event_certificate(e, p.id, "2027-03-10").unwrap();
    let y = s.issue_year_certificate(p.id, 2027, "2028-01-10").unwrap();
    for (id, code) in [(c.id, "7K2QH-9MXPA"), (y.id, "3RT8W-BC5NE")] {
        s.connection()
            .execute(
                "UPDATE training_certificate SET verification = ?1 WHERE id = ?2",
                rusqlite::params![code, id],
            )
            .unwrap();
    }
    out.push((
        "attestato".into(),
        Kind::Pdf,
        s.certificate_pdf(c.id).unwrap().0,
    ));
    out.push((
        "attestato_annuale".into(),
        Kind::Pdf,
        s.certificate_pdf(y.id).unwrap().0,
    ));

    // The training-needs survey: the blank form and the results with chart.
    let scheda = |istat: &str, needs: &[(i64, i64, &str)]| SurveyInput {
        istat: istat.into(),
        year: 2027,
        preferred_mode: Some("webinar".into()),
        notes: Some("Interesse per il nuovo codice dei contratti".into()),
        needs: needs
            .iter()
            .map(|(t, p, s)| NeedInput {
                theme_id: *t,
                priority: Some(*p),
                staff: Some(s.to_string()),
            })
            .collect(),
        version: None,
    };
    s.save_training_survey(&scheda("083048", &[(1, 5, "10"), (2, 3, "4")]))
        .unwrap();
    s.save_training_survey(&scheda("083001", &[(2, 5, "20"), (4, 2, "")]))
        .unwrap();
    out.push((
        "rilevazione_modulo".into(),
        Kind::Pdf,
        s.training_survey_form(2027)
            .unwrap()
            .render()
            .unwrap()
            .bytes,
    ));
    out.push((
        "rilevazione_esiti".into(),
        Kind::Pdf,
        s.training_survey_report(2027)
            .unwrap()
            .render()
            .unwrap()
            .bytes,
    ));

    // The organigram: the chart, the composition, the working-group act.
    let on = d("2026-11-30");
    out.push((
        "organigramma".into(),
        Kind::Pdf,
        s.org_chart_pdf(on, &[]).unwrap(),
    ));
    out.push((
        "composizione".into(),
        Kind::Pdf,
        s.org_composition(on, Format::Pdf).unwrap(),
    ));
    out.push((
        "composizione".into(),
        Kind::Docx,
        s.org_composition(on, Format::Docx).unwrap(),
    ));
    out.push((
        "determina_gruppo".into(),
        Kind::Pdf,
        s.org_act(on, false, Format::Pdf).unwrap(),
    ));
    out.push((
        "determina_gruppo".into(),
        Kind::Docx,
        s.org_act(on, false, Format::Docx).unwrap(),
    ));
    // The same act as a decree of the Sindaco metropolitano (a setting).
    s.set_org_act_kind(cdp_core::organigram::act::ActKind::GruppoLavoroDecreto)
        .unwrap();
    out.push((
        "decreto_gruppo".into(),
        Kind::Pdf,
        s.org_act(on, false, Format::Pdf).unwrap(),
    ));
    out.push((
        "decreto_gruppo".into(),
        Kind::Docx,
        s.org_act(on, false, Format::Docx).unwrap(),
    ));
    out
}
