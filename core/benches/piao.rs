//! The comune's sottosezione 2.3 of the PIAO and the relazione annuale at
//! the network's scale (issue 21): every one of the 108 comuni with a full
//! plan (scheda di contesto, the 13 general measures and 5 specific ones
//! adopted and monitored, objectives, offices of the transparency table);
//! the section of one comune (targets: ≤ 20 ms), a batch of 108 sections
//! through the one batch writer (≤ 2 s), the relazione's workbook, and
//! LibreOffice converting the same section's DOCX as the anchor.
//! Run: `cargo bench -p cdp-core --bench piao` (Markdown table);
//! `PIAO_BENCH_RUNS=3` for a quick look.

mod common;
use common::{ms, time};

use cdp_core::documents::batch::{self, OnExisting};
use cdp_core::documents::{render, Format};
use cdp_core::job::CancelToken;
use cdp_core::piao::section::section_meta;
use cdp_core::piao::{obligations, PiaoInput, TransparencyAdjust, OBJECTIVES};
use cdp_core::risks::*;
use cdp_core::{Clock, Store};

fn date(iso: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").expect("AAAA-MM-GG")
}

const TODAY: &str = "2027-11-20";

fn populate(s: &mut Store) -> Vec<String> {
    let comuni: Vec<String> = {
        let mut stmt = s
            .connection()
            .prepare("SELECT istat FROM comune ORDER BY istat")
            .expect("comuni");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("istat")
    };
    let measures: Vec<i64> = {
        let all = s
            .risk_measures(&CatalogueFilter::default())
            .expect("measures");
        let general = all.iter().filter(|m| m.general).map(|m| m.id);
        let specific = all.iter().filter(|m| !m.general).take(5).map(|m| m.id);
        general.chain(specific).collect()
    };
    for (i, code) in comuni.iter().enumerate() {
        s.save_risk_context(
            code,
            &ContextInput {
                employees: Some(10 + (i as i64 % 60)),
                units: "Area amministrativa; Area economico-finanziaria; Area tecnica".into(),
                problems: "Un solo istruttore tecnico per edilizia e lavori pubblici.".into(),
                ..Default::default()
            },
        )
        .expect("context");
    }
    s.set_clock(Clock::Fixed(date("2027-01-20")));
    s.adopt_risk_measures(&comuni, &measures, &AdoptionAdjust::default())
        .expect("adopt");
    s.set_clock(Clock::Fixed(date(TODAY)));
    let states = [
        MeasureState::Attuata,
        MeasureState::InCorso,
        MeasureState::NonAttuata,
    ];
    for code in &comuni {
        for (k, a) in s
            .risk_plan(code)
            .expect("plan")
            .adoptions
            .iter()
            .enumerate()
        {
            s.record_risk_monitoring(
                a.id,
                &MonitoringInput {
                    date: "2027-10-31".into(),
                    state: states[k % 3],
                    motivazione: "Verifica del RPCT con il responsabile dell'area.".into(),
                    values: a
                        .indicators
                        .iter()
                        .map(|i| Some(i.target.clone()))
                        .collect(),
                    version: None,
                },
            )
            .expect("monitoring");
        }
        s.save_piao_data(
            code,
            &PiaoInput {
                first_year: Some(2028),
                rpct_act: "decreto sindacale n. 3 del 15/01/2025".into(),
                organs: "Giunta comunale, su proposta del RPCT".into(),
                external_context: "Territorio collinare a vocazione agricola e turistica.".into(),
                monitoring: "Verifica semestrale del RPCT con i responsabili di area.".into(),
                no_corruption: Some(true),
                no_dysfunction: Some(true),
                no_reorganisation: Some(true),
                objectives: OBJECTIVES[..3].iter().map(|o| o.objective()).collect(),
                transparency: obligations()
                    .iter()
                    .map(|o| TransparencyAdjust {
                        code: o.code.clone(),
                        applies: true,
                        office_send: "Area amministrativa".into(),
                        office_publish: "Ufficio segreteria".into(),
                    })
                    .collect(),
                version: None,
            },
        )
        .expect("piao");
    }
    comuni
}

fn main() {
    let runs: usize = std::env::var("PIAO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(11);
    let mut s = Store::open_in_memory().expect("store");
    s.set_clock(Clock::Fixed(date(TODAY)));
    let comuni = populate(&mut s);
    let one = &comuni[0];

    // The first document of the process also parses the fonts and the dictionary.
    let (doc, _) = s.piao_section(one).expect("section");
    render(&doc, Format::Pdf, &section_meta(&doc, "bench")).expect("first pdf");

    let (read, _) = time(runs, || s.piao_section(one).expect("section"));
    let (whole, r) = time(runs, || {
        let (doc, _) = s.piao_section(one).expect("section");
        render(&doc, Format::Pdf, &section_meta(&doc, "bench")).expect("pdf")
    });
    let (docx_t, docx) = time(runs, || {
        let (doc, _) = s.piao_section(one).expect("section");
        render(&doc, Format::Docx, &section_meta(&doc, "bench"))
            .expect("docx")
            .bytes
    });
    let batch_runs = runs.clamp(1, 3);
    let dir = tempfile::tempdir().expect("folder");
    let (batch_t, written) = time(batch_runs, || {
        let job = s.piao_section_job(&comuni, Format::Pdf).expect("job");
        batch::run(
            &job,
            dir.path(),
            OnExisting::Replace,
            &|_| {},
            &CancelToken::default(),
        )
        .expect("batch")
        .report
        .written
    });
    let (xlsx_t, xlsx) = time(runs, || s.piao_relazione_xlsx(one, 2027).expect("xlsx"));

    println!("| Documento | Mediana |");
    println!("|---|---:|");
    println!(
        "| Sezione 2.3 di un comune, lettura dall'archivio | {} |",
        ms(read)
    );
    println!(
        "| Sezione 2.3 di un comune, lettura e PDF/A ({} pagine, {} KiB) | {} |",
        r.pages,
        r.bytes.len() / 1024,
        ms(whole)
    );
    println!(
        "| La stessa sezione in DOCX ({} KiB) | {} |",
        docx.len() / 1024,
        ms(docx_t)
    );
    println!(
        "| {written} sezioni 2.3 in PDF/A con l'unico scrittore dei lotti (lettura inclusa) | {} |",
        ms(batch_t)
    );
    println!(
        "| Relazione annuale del RPCT, cartella Excel sul modello ANAC ({} KiB) | {} |",
        xlsx.len() / 1024,
        ms(xlsx_t)
    );
    match common::libreoffice_to_pdf(&docx) {
        None => println!("| LibreOffice headless DOCX → PDF, stessa sezione | non installato |"),
        Some(d) => println!(
            "| LibreOffice headless DOCX → PDF, stessa sezione (avvio del processo incluso) | {} ({:.0}× il PDF di questa applicazione) |",
            ms(d),
            d.as_secs_f64() / whole.as_secs_f64()
        ),
    }
}
