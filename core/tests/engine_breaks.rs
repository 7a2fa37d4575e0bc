//! Where the engine breaks a page and a line (issue 20): a table that fits
//! on one page is kept whole, its last row never stands alone at the top of
//! a page, and an e-mail address or a web address is never split at «@»,
//! «/» or «.» when it fits on a line of its own.

use cdp_core::documents::compose::{compose, Draw, Page};
use cdp_core::documents::lines::{fit_text, text_width};
use cdp_core::documents::model::{
    Block, Cell, CellAlign, Column, Document, PageSize, Row, Span, Style, Table,
};

fn para(text: &str) -> Block {
    Block::paragraph(vec![Span {
        text: text.into(),
        bold: false,
        italic: false,
    }])
}

fn report(blocks: Vec<Block>) -> Document {
    Document {
        style: Style::Report,
        title: "Prova".into(),
        header: vec!["Città Metropolitana di Messina".into()],
        size: PageSize::A4Portrait,
        blocks,
    }
}

/// A two-column table of `n` rows, «Riga 1» …, the last «Giudizio complessivo».
fn table(n: usize) -> Block {
    let mut rows: Vec<Row> = (1..n)
        .map(|i| Row {
            cells: vec![Cell::text(format!("Riga {i}")), Cell::text("M")],
            fill: None,
            group: false,
        })
        .collect();
    rows.push(Row {
        cells: vec![Cell::text("Giudizio complessivo"), Cell::text("A")],
        fill: None,
        group: false,
    });
    Block::Grid(Table {
        columns: vec![
            Column {
                header: "Indicatore".into(),
                share: 3.0,
                align: CellAlign::Left,
            },
            Column {
                header: "Livello".into(),
                share: 1.0,
                align: CellAlign::Center,
            },
        ],
        rows,
        ..Default::default()
    })
}

/// The texts of a page, a line each.
fn page_text(page: &Page) -> Vec<String> {
    page.draws
        .iter()
        .filter_map(|d| match d {
            Draw::Text(t) => Some(t.runs.iter().map(|r| r.1.as_str()).collect()),
            _ => None,
        })
        .collect()
}

/// The page (index) whose texts hold `needle`.
fn page_of(pages: &[Page], needle: &str) -> usize {
    pages
        .iter()
        .position(|p| page_text(p).iter().any(|t| t == needle))
        .unwrap_or_else(|| panic!("«{needle}» printed"))
}

#[test]
fn a_table_that_fits_on_a_page_is_kept_whole() {
    // However much text comes before it, a table of 12 rows is never split.
    for paragraphs in 0..40 {
        let mut blocks: Vec<Block> = (0..paragraphs)
            .map(|i| para(&format!("Paragrafo {i} del testo che precede la tabella.")))
            .collect();
        blocks.push(table(12));
        let pages = compose(&report(blocks));
        let first = page_of(&pages, "Riga 1");
        assert_eq!(page_of(&pages, "Indicatore"), first, "{paragraphs}");
        assert_eq!(
            page_of(&pages, "Giudizio complessivo"),
            first,
            "{paragraphs} paragraphs before: the table split"
        );
    }
}

#[test]
fn the_last_row_of_a_long_table_never_stands_alone_on_a_page() {
    // Tables longer than a page, ending at every place of the next page.
    let mut moved = 0;
    for n in 40..100 {
        let pages = compose(&report(vec![table(n)]));
        assert!(pages.len() >= 2, "{n} rows on one page");
        let last = page_of(&pages, "Giudizio complessivo");
        let before = page_of(&pages, &format!("Riga {}", n - 1));
        assert_eq!(last, before, "{n} rows: the last row alone on its page");
        // The rows before it are all printed, and the header repeated.
        assert!(page_text(&pages[last]).iter().any(|t| t == "Indicatore"));
        if last > 0 && page_of(&pages, &format!("Riga {}", n - 2)) < last {
            moved += 1;
        }
    }
    assert!(
        moved > 0,
        "no case put the last two rows on a page of their own"
    );
}

const PEC: &str = "protocollo@pec.prov.me.it";
const URL: &str = "https://www.cittametropolitana.me.it/amministrazione-trasparente/";

#[test]
fn an_address_that_fits_on_a_line_is_never_split() {
    let text = format!(
        "Le comunicazioni si inviano alla PEC {PEC} oppure si consultano alla pagina {URL} del sito istituzionale."
    );
    // From the width of the longer address in bold (the widest face).
    let need = text_width(URL, 10.0, true) + 0.5;
    let mut width = need;
    while width < 2.5 * need {
        for bold in [false, true] {
            let (lines, cut) = fit_text(&text, width, 10.0, bold, 50);
            assert!(!cut);
            let joined = lines.join("\n");
            for address in [PEC, URL] {
                assert!(
                    lines.iter().any(|l| l.contains(address)),
                    "width {width}: {address} split in\n{joined}"
                );
            }
        }
        width += 7.0;
    }
    // In the flow of a document too.
    let pages = compose(&report(vec![para(&text.repeat(3))]));
    let lines: Vec<String> = pages.iter().flat_map(page_text).collect();
    assert_eq!(
        lines.iter().filter(|l| l.contains(PEC)).count(),
        3,
        "{lines:#?}"
    );
}

#[test]
fn an_address_longer_than_a_line_is_still_broken_and_nothing_is_lost() {
    let width = text_width(URL, 10.0, false) / 2.0;
    let (lines, cut) = fit_text(URL, width, 10.0, false, 10);
    assert!(!cut);
    assert!(lines.len() >= 2, "{lines:?}");
    assert_eq!(lines.concat(), URL);
    for l in &lines {
        assert!(text_width(l, 10.0, false) <= width + 0.01, "{l}");
    }
}
