//! Characters the documents' fonts lack (emoji, scripts) are never dropped
//! from a PDF without saying so: refused at the field that holds them, with
//! their names, or printed, so that pdftotext finds every character of the
//! field; a document built from data that came in before the rule is
//! refused as a PDF with the list; control characters never make a DOCX
//! that Word or python-docx cannot open.

mod common;

use common::docs::{docx_text, pdf_text};
use common::training::event;

use cdp_core::documents::model::{Block, Document, PageSize, Span, Style};
use cdp_core::documents::{render, Format, Meta};
use cdp_core::training::documents::CalendarDoc;
use cdp_core::training::EventQuery;

const SAMPLES: &[&str] = &[
    "Perù, Alì, Sant’Agata – «PIAO» € 2.500",
    "Ωμέγα и кириллица",
    "Œuvre naïve ß ñ ø å",
    "😀 riunione",
    "Tavolo 🇮🇹",
    "会议 di formazione",
    "שלום",
    "Spunta ✓ e ☐",
    "Freccia → e ★",
    "zero\u{200b}largo",
    "a\u{202e}rovescio",
    "privato \u{e000}",
];

#[test]
fn every_character_of_a_title_is_printed_or_the_title_refused() {
    let mut s = common::store();
    let mut printed = 0;
    for (i, sample) in SAMPLES.iter().enumerate() {
        let title = format!("Giornata {i}: {sample}");
        let input = cdp_core::training::EventInput {
            title: title.clone(),
            ..event("2027-03-10")
        };
        match s.create_training_event(&input) {
            Err(e) => {
                assert_eq!(e.field(), Some("title"), "{title}: {e}");
                // The message names a character of the sample the fonts lack.
                assert!(
                    sample
                        .chars()
                        .any(|c| e.to_string().contains(&format!("U+{:04X}", c as u32))),
                    "{title}: {e}"
                );
            }
            Ok(_) => {
                printed += 1;
                let (pdf, _) = s
                    .training_document(
                        CalendarDoc::Programme,
                        Format::Pdf,
                        &EventQuery::default(),
                        "2027-01-01",
                        "2027-12-31",
                    )
                    .unwrap();
                let text = pdf_text(&pdf, &[]);
                let flat: String = text.split_whitespace().collect();
                for c in title.chars().filter(|c| !c.is_whitespace()) {
                    assert!(
                        flat.contains(c),
                        "{c:?} of «{title}» not in the PDF:\n{text}"
                    );
                }
            }
        }
    }
    // The Italian, Greek, Cyrillic and Western European samples print.
    assert!(printed >= 3, "{printed}");
}

fn doc_with(text: &str) -> Document {
    Document {
        title: "Prova".into(),
        header: vec!["Prova".into()],
        size: PageSize::A4Portrait,
        style: Style::Report,
        blocks: vec![
            Block::heading(1, "Prova", false),
            Block::paragraph(vec![Span {
                text: text.into(),
                bold: false,
                italic: false,
            }]),
        ],
    }
}

#[test]
fn the_engine_refuses_a_pdf_that_would_lose_characters() {
    let meta = Meta::new("Prova", "Prova");
    let e = render(&doc_with("Riunione 😀 del tavolo"), Format::Pdf, &meta).unwrap_err();
    assert_eq!(e.code(), "validation");
    assert!(e.to_string().contains("«😀» (U+1F600)"), "{e}");
    // As Word, whose fonts fall back, the text is whole.
    let docx = render(&doc_with("Riunione 😀 del tavolo"), Format::Docx, &meta).unwrap();
    assert!(docx_text(&docx.bytes).contains("Riunione 😀 del tavolo"));
}

#[test]
fn a_control_character_never_makes_an_invalid_docx() {
    let meta = Meta::new("Titolo\u{1b} con ESC", "Prova\u{0}");
    let docx = render(
        &doc_with("NUL\u{0} SOH\u{1} ESC\u{1b} FFFE\u{fffe} fine"),
        Format::Docx,
        &meta,
    )
    .unwrap();
    let text = docx_text(&docx.bytes);
    assert!(
        text.contains("NUL\u{fffd} SOH\u{fffd} ESC\u{fffd} FFFE\u{fffd} fine"),
        "{text}"
    );
}
