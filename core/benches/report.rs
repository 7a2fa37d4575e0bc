//! Time of typesetting and writing a long report: a 300-row table over many
//! pages with a table of contents, as PDF/A (and as DOCX for comparison).
//! Run: `cargo bench -p cdp-core --bench report` (prints a Markdown table).

use std::time::{Duration, Instant};

use cdp_core::documents::docx::DocxMeta;
use cdp_core::documents::pdf::Metadata;
use cdp_core::documents::report::{
    layout_report, report_docx, report_pdf, Cell, CellAlign, Column, Item, PageSize, Report, Row,
    Span, Table,
};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn time<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut last = None;
    let runs = (0..n)
        .map(|_| {
            let t = Instant::now();
            last = Some(f());
            t.elapsed()
        })
        .collect();
    (median(runs), last.expect("at least one run"))
}

fn report() -> Report {
    let column = |header: &str, share: f32, align: CellAlign| Column {
        header: header.into(),
        share,
        align,
    };
    let mut items = vec![
        Item::Heading {
            level: 1,
            text: "Indice".into(),
            toc: false,
        },
        Item::Toc,
        Item::PageBreak(None),
    ];
    for section in 0..6 {
        items.push(Item::Heading {
            level: 1,
            text: format!("Sezione {} – Mappatura dei processi", section + 1),
            toc: true,
        });
        items.push(Item::Paragraph(vec![Span {
            text: "I processi dell'area sono valutati secondo l'allegato 1 al PNA 2019: probabilità, impatto, misure generali e specifiche, responsabili e tempi di attuazione.".into(),
            bold: false,
            italic: false,
        }]));
        let rows = (0..50)
            .map(|i| Row {
                cells: vec![
                    Cell::text(format!("{}", section * 50 + i + 1)),
                    Cell::text(format!(
                        "Affidamento diretto n. {i}: verifica dei requisiti, rotazione degli affidatari e assenza di conflitti d'interesse del RUP"
                    )),
                    Cell::text("Dirigente del Servizio Gare e contratti"),
                    Cell::text(if i % 3 == 0 { "Alto" } else { "Medio" }),
                    Cell::text(format!("31/12/202{}", 6 + i % 3)),
                ],
                fill: None,
                group: i % 10 == 0,
            })
            .collect();
        items.push(Item::Table(Table {
            columns: vec![
                column("N.", 0.5, CellAlign::Right),
                column("Processo e misura", 4.0, CellAlign::Left),
                column("Responsabile", 2.0, CellAlign::Left),
                column("Rischio", 0.9, CellAlign::Center),
                column("Termine", 1.1, CellAlign::Center),
            ],
            rows,
            ..Table::default()
        }));
    }
    Report {
        title: "Mappatura".into(),
        header: vec![
            "Città Metropolitana di Messina".into(),
            "Comunità di Pratiche".into(),
        ],
        size: PageSize::A4Portrait,
        items,
    }
}

fn main() {
    let r = report();
    let meta = Metadata {
        title: r.title.clone(),
        ..Metadata::default()
    };
    println!("| What | Median |");
    println!("|---|---|");
    let t = Instant::now();
    let pdf = report_pdf(&r, &meta).expect("pdf");
    println!(
        "| first report PDF (fonts parsed once) | {} |",
        ms(t.elapsed())
    );
    let (d, pages) = time(10, || layout_report(&r));
    println!(
        "| layout, 300 rows + TOC ({} pages) | {} |",
        pages.len(),
        ms(d)
    );
    let (d, pdf2) = time(10, || report_pdf(&r, &meta).expect("pdf"));
    assert!(pdf.starts_with(b"%PDF-1.7") && pdf2.len() > 10_000);
    println!(
        "| PDF/A, 300 rows + TOC ({} pages, {} KiB) | {} |",
        pages.len(),
        pdf2.len() / 1024,
        ms(d)
    );
    let (d, docx) = time(10, || report_docx(&r, &DocxMeta::default()).expect("docx"));
    println!(
        "| DOCX, same report ({} KiB) | {} |",
        docx.len() / 1024,
        ms(d)
    );
}
