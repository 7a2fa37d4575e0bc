//! The engine's page rules over every document kind (the acts for four
//! comuni): read back from the PDFs with poppler, as a reader sees them.
//!
//! - no heading, group row or field label is the last line of a page (a
//!   line whose text is all bold, at the foot of a page that is not the
//!   last: `pdftohtml -xml` marks the bold pieces of text);
//! - no parere is parted from its place, date and signature;
//! - no text under 8 pt (the height of each word from `pdftotext -bbox`);
//! - no hyphen inside a proper name (no line ends with a capitalised word
//!   broken by a hyphen).

mod common;

use common::docs::{pdf_text, Doc};
use common::every_kind::{documents, Kind};

/// The height of a word's box in Liberation's faces, as a multiple of its
/// size (ascent 0.891 + descent 0.216 of the em).
const BOX_PER_POINT: f32 = 1.107;

/// One piece of text of a page as `pdftohtml -xml -zoom 1` gives it.
struct Piece {
    page: usize,
    top: f32,
    height: f32,
    bold: bool,
    text: String,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string())
}

/// The pieces of text of every page, with whether they are bold (poppler
/// marks them `<b>`: the subset fonts' names do not say it).
fn pieces(pdf: &[u8]) -> Vec<Piece> {
    let xml = pdf.with_file(|path| {
        let out = std::process::Command::new("pdftohtml")
            .args(["-xml", "-i", "-q", "-stdout", "-zoom", "1"])
            .arg(path)
            .output()
            .expect("pdftohtml (poppler-utils) installed");
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    });
    let mut page = 0;
    let mut out = Vec::new();
    for line in xml.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            page = attr(line, "number")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
        } else if line.starts_with("<text ") {
            let text: String = {
                let body = &line[line.find('>').map_or(0, |i| i + 1)..];
                let mut t = String::new();
                let mut in_tag = false;
                for c in body.chars() {
                    match c {
                        '<' => in_tag = true,
                        '>' => in_tag = false,
                        c if !in_tag => t.push(c),
                        _ => {}
                    }
                }
                t.replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#34;", "\"")
            };
            let num = |n: &str| attr(line, n).and_then(|v| v.parse().ok()).unwrap_or(0.0);
            out.push(Piece {
                page,
                top: num("top"),
                height: num("height"),
                bold: line[line.find('>').map_or(0, |i| i + 1)..].starts_with("<b>"),
                text,
            });
        }
    }
    out
}

fn is_footer(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("Pagina ") && t.contains(" di ")
}

/// The last line of each page but the last whose text is all bold.
fn bold_last_lines(pdf: &[u8]) -> Vec<String> {
    let all = pieces(pdf);
    let pages = all.iter().map(|p| p.page).max().unwrap_or(0);
    let mut out = Vec::new();
    for page in 1..pages {
        let body: Vec<&Piece> = all
            .iter()
            .filter(|p| p.page == page && !is_footer(&p.text) && !p.text.trim().is_empty())
            .collect();
        let Some(bottom) = body.iter().map(|p| p.top + p.height).reduce(f32::max) else {
            continue;
        };
        let last: Vec<&&Piece> = body
            .iter()
            .filter(|p| (p.top + p.height - bottom).abs() < 3.0)
            .collect();
        if last.iter().all(|p| p.bold) {
            let text: Vec<&str> = last.iter().map(|p| p.text.as_str()).collect();
            out.push(format!("page {page}: «{}»", text.join(" ")));
        }
    }
    out
}

/// Words under 8 pt, from the height of their box (`pdftotext -bbox`).
fn small_words(pdf: &[u8]) -> Vec<String> {
    let html = pdf_text(pdf, &["-bbox"]);
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .filter_map(|l| {
            let num = |n: &str| attr(l, n).and_then(|v| v.parse::<f32>().ok());
            let h = num("yMax")? - num("yMin")?;
            let word = &l[l.find('>')? + 1..l.rfind("</word>")?];
            (h / BOX_PER_POINT < 7.95).then(|| format!("{word} ({:.1} pt)", h / BOX_PER_POINT))
        })
        .collect()
}

/// Lines that end with a capitalised word broken by a hyphen («Mes-»).
fn broken_names(pdf: &[u8]) -> Vec<String> {
    // With -layout: without it poppler joins a word hyphenated at a line's end.
    pdf_text(pdf, &["-layout"])
        .lines()
        .filter_map(|l| {
            let l = l.trim_end();
            let head = l.strip_suffix('-')?;
            if !head.chars().last().is_some_and(char::is_alphabetic) {
                return None;
            }
            let word = head.rsplit(' ').next().unwrap_or(head);
            let word = word.trim_start_matches(|c: char| !c.is_alphabetic());
            let after = word.rsplit(['\'', '’']).next().unwrap_or(word);
            let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
            (capital(word) || capital(after)).then(|| l.trim().to_string())
        })
        .collect()
}

/// The text of each page (`pdftotext` separates them with a form feed).
fn page_texts(pdf: &[u8]) -> Vec<String> {
    pdf_text(pdf, &[])
        .split('\u{c}')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Each parere on the same page as its «lì» and its signature.
fn pareri_apart(pdf: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for (parere, signed_by) in [
        (
            "Parere di regolarità tecnica",
            "Il Responsabile del servizio interessato",
        ),
        (
            "Parere di regolarità contabile",
            "Il Responsabile del servizio finanziario",
        ),
    ] {
        let pages = page_texts(pdf);
        let Some(p) = pages.iter().position(|t| t.contains(parere)) else {
            continue;
        };
        let after = &pages[p][pages[p].find(parere).unwrap()..];
        if !(after.contains(", lì") && after.contains(signed_by)) {
            out.push(format!(
                "«{parere}» on page {} without its date and signature",
                p + 1
            ));
        }
    }
    out
}

#[test]
fn no_page_ends_with_a_heading_no_parere_apart_no_small_text_no_broken_name() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, kind, bytes) in documents() {
        if !matches!(kind, Kind::Pdf) {
            continue;
        }
        checked += 1;
        for line in bold_last_lines(&bytes) {
            failures.push(format!("{name}: heading or label last on {line}"));
        }
        for p in pareri_apart(&bytes) {
            failures.push(format!("{name}: {p}"));
        }
        let small = small_words(&bytes);
        if !small.is_empty() {
            failures.push(format!(
                "{name}: {} words under 8 pt, e.g. {:?}",
                small.len(),
                &small[..small.len().min(5)]
            ));
        }
        for l in broken_names(&bytes) {
            failures.push(format!("{name}: proper name hyphenated: «{l}»"));
        }
    }
    assert!(checked >= 20, "every kind: {checked}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_probes_see_what_they_look_for() {
    // A page ending with an article's heading, a parere parted from its
    // signature, text at 6 pt (and the 9-pt footer, not under 8) and a name
    // broken with a hyphen: each probe finds its fault, so a clean run
    // above means something.
    use cdp_core::documents::model::{
        Align, Block, Cell, CellAlign, Column, Document, Row, Span, Table,
    };
    use cdp_core::documents::{render, Format, Meta};
    let span = |t: &str, bold: bool| {
        vec![Span {
            text: t.into(),
            bold,
            italic: false,
        }]
    };
    let mut blocks: Vec<Block> = (0..44)
        .map(|i| Block::paragraph(span(&format!("Riga di riempimento numero {i}."), false)))
        .collect();
    blocks.push(Block::paragraph(span("Art. 3 – Impegni", true)));
    blocks.push(Block::PageBreak { size: None });
    blocks.push(Block::paragraph(span(
        "Parere di regolarità tecnica. Si esprime parere favorevole.",
        false,
    )));
    blocks.push(Block::PageBreak { size: None });
    blocks.push(Block::paragraph(span(
        "Messina, lì 1° dicembre 2026",
        false,
    )));
    blocks.push(Block::Signature {
        lines: vec![span("Il Responsabile del servizio interessato", false)],
    });
    blocks.push(Block::Lines {
        align: Align::Center,
        lines: vec![
            span("Città Metropolitana di Mes-", false),
            span("sina", false),
        ],
    });
    blocks.push(Block::Grid(Table {
        columns: vec![Column {
            header: "Voce".into(),
            share: 1.0,
            align: CellAlign::Left,
        }],
        rows: vec![Row {
            cells: vec![Cell::text("minuscolo")],
            ..Default::default()
        }],
        size: 6.0,
        header_fill: None,
    }));
    let doc = Document {
        blocks,
        ..Default::default()
    };
    let pdf = render(&doc, Format::Pdf, &Meta::new("Prova", "Prova"))
        .unwrap()
        .bytes;
    assert!(
        bold_last_lines(&pdf).iter().any(|l| l.contains("Art. 3")),
        "{:?}",
        bold_last_lines(&pdf)
    );
    assert_eq!(pareri_apart(&pdf).len(), 1);
    let small = small_words(&pdf);
    assert!(
        small.iter().any(|w| w.starts_with("minuscolo")),
        "{small:?}"
    );
    assert!(!small.iter().any(|w| w.starts_with("Pagina")), "{small:?}");
    assert_eq!(broken_names(&pdf), vec!["Città Metropolitana di Mes-"]);
}
