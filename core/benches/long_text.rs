//! Long text through the document engine: the «Programma formativo» PDF/A
//! with one unbroken 100 KB word in an event's place (target ≤ 50 ms: line
//! breaking linear in the length of the text), and with every field of the
//! event at the longest value the text rule allows, as are the four acts of
//! a comune whose fields are all at their longest (target ≤ 100 ms each).
//! Run: `cargo bench -p cdp-core --bench long_text` (prints a Markdown
//! table; `BENCH_RUNS=3` for a quick look).

mod common;
use common::{ms, time};

use cdp_core::adhesion::documents::DOC_KINDS;
use cdp_core::documents::{render, Format, Meta};
use cdp_core::registry::{ComuneInput, ComuneQuery};
use cdp_core::training::documents::programme_report;
use cdp_core::training::{EventInput, EventQuery};
use cdp_core::Store;
use chrono::NaiveDate;

fn runs() -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15)
}

fn main() {
    let mut s = Store::open_in_memory().unwrap();
    // Every field at the longest value the text rule accepts.
    let longest = EventInput {
        kind: "giornata".into(),
        mode: "presenza".into(),
        title: "Prevenzione della corruzione ".repeat(8)[..200]
            .trim_end()
            .into(),
        theme_id: Some(1),
        date: "2027-03-10".into(),
        start_time: "09:30".into(),
        end_time: "13:00".into(),
        place: Some("Palazzo dei Leoni, Corso Cavour 87, Messina; ".repeat(7)[..300].into()),
        link: Some(format!("https://meet.esempio.it/{}", "a".repeat(470))),
        speakers: Some("Dott.ssa Maria Rossi; Avv. Luca Bianchi; ".repeat(25)[..1000].into()),
        notes: Some(
            "Portare il PTPCT vigente e la mappatura dei processi. ".repeat(80)[..4000].into(),
        ),
        level: Some("generale".into()),
        audience: vec!["rpct".into()],
        ..Default::default()
    };
    let event = s.create_training_event(&longest).unwrap();
    let events = s.training_events(&EventQuery::default()).unwrap();
    assert_eq!(events.len(), 1);
    let (from, to) = (
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
    );
    let meta = Meta::new("Programma formativo", "Prova");
    let pdf = |events: &[cdp_core::training::Event]| {
        render(&programme_report(events, from, to), Format::Pdf, &meta).unwrap()
    };
    pdf(&events);
    let (longest_t, longest_pdf) = time(runs(), || pdf(&events));

    // One unbroken word of 100 KB (refused at the form by the text rule,
    // as it is over the field's limit, but the engine must stay linear).
    let mut long = event.clone();
    long.place = Some("x".repeat(100 * 1024));
    let (t100k, pdf100k) = time(runs(), || pdf(std::slice::from_ref(&long)));
    let mut long20 = event;
    long20.place = Some("x".repeat(20 * 1024));
    let (t20k, _) = time(runs(), || pdf(std::slice::from_ref(&long20)));

    // The four acts of a comune whose every field is at its longest.
    let istat = s.list_comuni(&ComuneQuery::default()).unwrap()[0]
        .istat
        .clone();
    let c = s.comune(&istat).unwrap();
    s.update_comune(
        &istat,
        &ComuneInput {
            name: "Sant'Agata di Militello e Frazioni ".repeat(4)[..120]
                .trim()
                .into(),
            cadastral_code: c.cadastral_code,
            pec: Some("protocollo@pec.comune.santagatadimilitello.me.it".into()),
            address: Some("Via Medici 301, Palazzo Municipale, ".repeat(6)[..200].into()),
            mayor_name: Some("Bruno Mancuso Fazio ".repeat(6)[..120].trim().into()),
            proposing_office: Some(
                "Area Amministrativa e Affari Generali ".repeat(4)[..120]
                    .trim()
                    .into(),
            ),
            notes: Some("Nota. ".repeat(700)[..4000].into()),
            ..Default::default()
        },
    )
    .unwrap();
    let acts: Vec<_> = DOC_KINDS
        .into_iter()
        .map(|kind| {
            let (t, r) = time(runs(), || {
                s.render_document(kind, &istat, Format::Pdf).unwrap()
            });
            (kind, t, r.pages)
        })
        .collect();

    println!("| what | figure |\n|---|---|");
    for (kind, t, pages) in acts {
        println!(
            "| {kind:?}, PDF/A, every field of the comune at its longest ({pages} pages) | **{}** (target 100 ms) |",
            ms(t)
        );
    }
    println!(
        "| «Programma formativo» PDF/A, one event with every field at its longest allowed value ({} pages) | **{}** (target 100 ms) |",
        longest_pdf.pages,
        ms(longest_t)
    );
    println!(
        "| the same with one unbroken word of 100 KB as the place ({} pages) / of 20 KB | **{}** (target 50 ms) / {} |",
        pdf100k.pages,
        ms(t100k),
        ms(t20k)
    );
}
