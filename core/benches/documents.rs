//! Time of document generation in process, and of LibreOffice converting the
//! same act from DOCX to PDF when it is installed.
//! Run: `cargo bench -p cdp-core --bench documents` (prints a Markdown table).

mod common;
use common::{ms, time};

use cdp_core::job::CancelToken;
use std::time::Instant;

use cdp_core::adhesion::documents::{self, DocKind, DOC_KINDS};
use cdp_core::documents::Format;
use cdp_core::Store;

const COMUNE: &str = "083084"; // Sant'Agata di Militello

fn main() {
    let store = Store::open_in_memory().expect("store");
    let ctx = documents::context_for(store.connection(), COMUNE, store.today()).expect("context");
    println!("| What | Median |");
    println!("|---|---|");

    // The first document of a process also parses the fonts and the dictionary.
    let t = Instant::now();
    store
        .render_document(DocKind::DeliberaGiunta, COMUNE, Format::Pdf)
        .expect("pdf");
    let first = t.elapsed();

    for kind in DOC_KINDS {
        let (d, r) = time(30, || {
            store
                .render_document(kind, COMUNE, Format::Pdf)
                .expect("pdf")
        });
        if kind == DocKind::DeliberaGiunta {
            println!(
                "| first PDF of the process (Giunta proposal: fonts parsed and subset once) | {} ({:.1}× the next ones) |",
                ms(first),
                first.as_secs_f64() / d.as_secs_f64()
            );
        }
        println!(
            "| {} PDF/A ({} pages, {} KiB) | {} |",
            kind.label(),
            r.pages,
            r.bytes.len() / 1024,
            ms(d)
        );
    }
    // A 3-page act: the Giunta proposal with the protocol scheme attached.
    let attachment: String = DocKind::SchemaProtocollo
        .default_body()
        .lines()
        .filter(|l| !l.starts_with('@'))
        .collect::<Vec<_>>()
        .join("\n");
    let body = format!(
        "{}\n@nuovapagina\n## ALLEGATO\n{attachment}\n",
        DocKind::DeliberaGiunta.default_body()
    );
    let (d, r) = time(30, || {
        let doc = cdp_core::documents::fill(&body, &ctx).expect("fill");
        cdp_core::documents::render(
            &doc,
            Format::Pdf,
            &cdp_core::documents::act_meta(
                &doc,
                DocKind::DeliberaGiunta.label(),
                &ctx.comune.nome,
                "bench",
            ),
        )
        .expect("pdf")
    });
    let three_page = d;
    println!(
        "| Giunta proposal with the protocol scheme attached, PDF/A ({} pages) | {} |",
        r.pages,
        ms(d)
    );
    let (d, _) = time(30, || {
        store
            .render_document(DocKind::DeliberaGiunta, COMUNE, Format::Docx)
            .expect("docx")
    });
    println!("| Giunta proposal, DOCX | {} |", ms(d));

    // A batch of 108 acts into a folder, register included.
    let mut store = store;
    let all: Vec<String> = store
        .list_comuni(&Default::default())
        .expect("list")
        .into_iter()
        .map(|c| c.istat)
        .collect();
    let (d, report) = time(3, || {
        let dir = tempfile::tempdir().expect("dir");
        store
            .generate_batch(
                DocKind::DeliberaGiunta,
                &all,
                Format::Pdf,
                dir.path(),
                cdp_core::documents::batch::OnExisting::Replace,
                &|_| {},
                &CancelToken::new(),
            )
            .expect("batch")
    });
    println!(
        "| batch of {} Giunta proposals, PDF/A, written and registered ({} threads) | {} |",
        report.written,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        ms(d)
    );

    // LibreOffice converting the same act (DOCX from this app) to PDF.
    let doc = cdp_core::documents::fill(&body, &ctx).expect("fill");
    let docx = cdp_core::documents::render(
        &doc,
        Format::Docx,
        &cdp_core::documents::act_meta(
            &doc,
            DocKind::DeliberaGiunta.label(),
            &ctx.comune.nome,
            "bench",
        ),
    )
    .expect("docx")
    .bytes;
    match common::libreoffice_to_pdf(&docx) {
        None => println!("| LibreOffice headless DOCX → PDF | not installed |"),
        Some(d) => println!(
            "| LibreOffice headless DOCX → PDF, same act (process start included) | {} ({:.0}× this app's PDF) |",
            ms(d),
            d.as_secs_f64() / three_page.as_secs_f64()
        ),
    }
}
