//! The network's yearly report with its charts on an archive of 7,904
//! comuni (issue 21's target: 100 ms): 3,000 comuni invited in 2025, 2,000
//! of them through draft, act and protocol in 2026, 150 training days and
//! meetings over the two years with 40 presences each, 5,000 adoptions of
//! the seeded catalogue. Timed in core: the figures of 2026 beside 2025,
//! the report as PDF/A and as DOCX (charts as images), and LibreOffice
//! converting the same DOCX to PDF as the anchor.
//! Run: `BENCH_RUNS=5 cargo bench -p cdp-core --bench yearly`.

mod common;
use common::{libreoffice_to_pdf, ms, time};

use cdp_core::adhesion::report::AdhesionQuery;
use cdp_core::adhesion::{ActType, Channel, Designated, DraftKind, Step};
use cdp_core::documents::Format;
use cdp_core::registry::referents::{ReferentInput, Role};
use cdp_core::risks::{AdoptionAdjust, CatalogueFilter};
use cdp_core::training::participants::ParticipantInput;
use cdp_core::training::EventInput;
use cdp_core::Store;

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(21);
    let t0 = std::time::Instant::now();
    let mut s = Store::open_in_memory_empty().expect("store");
    s.insert_synthetic(7_904).expect("synthetic");
    s.seed_risks_if_empty().expect("catalogue");
    s.set_clock(cdp_core::Clock::Fixed(
        chrono::NaiveDate::from_ymd_opt(2027, 3, 1).expect("date"),
    ));
    let all: Vec<String> = s
        .adhesions(&AdhesionQuery::default())
        .expect("register")
        .into_iter()
        .map(|r| r.istat)
        .collect();
    s.bulk_invite(
        &all[..3_000],
        "2025-01-10",
        "1/2025",
        Channel::Pec,
        &mut |_, _| true,
    )
    .expect("bulk");
    for (i, c) in all[..2_000].iter().enumerate() {
        let month = 1 + i % 9;
        let steps = [
            Step::SendDraft {
                date: format!("2026-{month:02}-05"),
                draft: DraftKind::Giunta,
                document: None,
            },
            Step::AdoptAct {
                date: format!("2026-{month:02}-15"),
                act_type: ActType::DeliberazioneGiunta,
                number: format!("{i}"),
                immediately_executable: true,
                designated: Designated::New {
                    referent: ReferentInput {
                        role: Role::Rpct,
                        full_name: format!("Responsabile {i}"),
                        email: None,
                        phone: None,
                        valid_from: Some(format!("2026-{month:02}-15")),
                        valid_to: None,
                        notes: None,
                        version: None,
                    },
                },
            },
            Step::SignProtocol {
                date: format!("2026-{:02}-20", month + 1),
                registry_number: format!("CM-{i}"),
            },
        ];
        for st in &steps {
            s.record_step(c, st).expect("step");
        }
    }
    let people: Vec<i64> = (0..400)
        .map(|i| {
            s.add_training_participant(&ParticipantInput {
                full_name: format!("Persona {i:03}"),
                istat: Some(all[i * 7].clone()),
                ..Default::default()
            })
            .expect("participant")
            .id
        })
        .collect();
    let kinds = [
        "giornata",
        "giornata",
        "giornata",
        "incontro_rpct",
        "tavolo",
    ];
    for i in 0..150 {
        let year = 2025 + i % 2;
        let e = s
            .create_training_event(&EventInput {
                kind: kinds[i % kinds.len()].into(),
                mode: "webinar".into(),
                title: format!("Incontro {i}"),
                theme_id: Some(1),
                date: format!("{year}-{:02}-{:02}", 1 + i % 12, 1 + i % 27),
                start_time: "10:00".into(),
                end_time: "13:00".into(),
                ..Default::default()
            })
            .expect("event");
        for k in 0..40 {
            s.set_training_attendance(e.id, people[(i * 11 + k) % people.len()], true, 180)
                .expect("attendance");
        }
    }
    let measures: Vec<i64> = s
        .risk_measures(&CatalogueFilter::default())
        .expect("measures")
        .iter()
        .map(|m| m.id)
        .take(5)
        .collect();
    s.set_clock(cdp_core::Clock::Fixed(
        chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"),
    ));
    s.adopt_risk_measures(&all[..1_000], &measures, &AdoptionAdjust::default())
        .expect("adopt");
    s.set_clock(cdp_core::Clock::Fixed(
        chrono::NaiveDate::from_ymd_opt(2027, 3, 1).expect("date"),
    ));
    println!(
        "Archive of 7,904 comuni prepared in {:.1} s.\n",
        t0.elapsed().as_secs_f64()
    );

    let (figures, f) = time(runs, || s.yearly_figures(2026).expect("figures"));
    let (pdf, p) = time(runs, || {
        s.yearly_report(2026, Format::Pdf)
            .expect("report")
            .render()
            .expect("pdf")
    });
    let (docx, d) = time(runs, || {
        s.yearly_report(2026, Format::Docx)
            .expect("report")
            .render()
            .expect("docx")
    });
    println!("| what (median of {runs}) | time |");
    println!("|---|---:|");
    println!(
        "| figures of 2026 beside 2025 ({} figures, with their SVG charts) | {} |",
        f.figures.len(),
        ms(figures)
    );
    println!(
        "| «Relazione annuale» 2026, PDF/A ({} pages, {} KiB), figures included | {} |",
        p.pages,
        p.bytes.len() / 1024,
        ms(pdf)
    );
    println!(
        "| the same as DOCX, charts as PNG ({} KiB) | {} |",
        d.bytes.len() / 1024,
        ms(docx)
    );
    match libreoffice_to_pdf(&d.bytes) {
        Some(lo) => println!("| LibreOffice converting that DOCX to PDF | {} |", ms(lo)),
        None => println!("| LibreOffice converting that DOCX to PDF | not installed |"),
    }
}
