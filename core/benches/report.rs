//! Time of typesetting and writing a long report: a 300-row table over many
//! pages with a table of contents, as PDF/A (and as DOCX for comparison).
//! Run: `cargo bench -p cdp-core --bench report` (prints a Markdown table).

mod common;
use common::{ms, time};

use std::time::Instant;

use cdp_core::documents::compose::compose;
use cdp_core::documents::model::{
    Block, Cell, CellAlign, Column, Document, PageSize, Row, Span, Style, Table,
};
use cdp_core::documents::{render, Format, Meta};

fn report() -> Document {
    let column = |header: &str, share: f32, align: CellAlign| Column {
        header: header.into(),
        share,
        align,
    };
    let mut items = vec![
        Block::heading(1, "Indice", false),
        Block::Toc,
        Block::page_break(None),
    ];
    for section in 0..6 {
        items.push(Block::heading(
            1,
            format!("Sezione {} – Mappatura dei processi", section + 1),
            true,
        ));
        items.push(Block::paragraph(vec![Span {
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
        items.push(Block::Grid(Table {
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
    Document {
        style: Style::Report,
        title: "Mappatura".into(),
        header: vec![
            "Città Metropolitana di Messina".into(),
            "Comunità di Pratiche".into(),
        ],
        size: PageSize::A4Portrait,
        blocks: items,
    }
}

fn main() {
    let r = report();
    let meta = Meta::new(r.title.clone(), "");
    println!("| What | Median |");
    println!("|---|---|");
    let t = Instant::now();
    let pdf = render(&r, Format::Pdf, &meta)
        .map(|x| x.bytes)
        .expect("pdf");
    println!(
        "| first report PDF (fonts parsed once) | {} |",
        ms(t.elapsed())
    );
    let (d, pages) = time(10, || compose(&r));
    println!(
        "| layout, 300 rows + TOC ({} pages) | {} |",
        pages.len(),
        ms(d)
    );
    let (d, pdf2) = time(10, || {
        render(&r, Format::Pdf, &meta)
            .map(|x| x.bytes)
            .expect("pdf")
    });
    assert!(pdf.starts_with(b"%PDF-1.7") && pdf2.len() > 10_000);
    println!(
        "| PDF/A, 300 rows + TOC ({} pages, {} KiB) | {} |",
        pages.len(),
        pdf2.len() / 1024,
        ms(d)
    );
    let (d, docx) = time(10, || {
        render(&r, Format::Docx, &meta)
            .map(|x| x.bytes)
            .expect("docx")
    });
    println!(
        "| DOCX, same report ({} KiB) | {} |",
        docx.len() / 1024,
        ms(d)
    );
}
