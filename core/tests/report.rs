//! The report engine: tables over many pages with repeated headers, the table of
//! contents' page numbers, mixed page sizes, drawings, DOCX structure; checked
//! with real tools (pdftotext, pdfinfo, qpdf, pdffonts, python-docx) and with
//! the layout's positions.

mod common;

use common::docs::{docx_python, pdf_info, pdf_pages, pdf_text, pdffonts, qpdf_ok};
use std::path::Path;

use cdp_core::documents::compose::{self, compose, line_width, Draw, Page, TextLine};
use cdp_core::documents::element::{drawn_texts, Custom, Element};
use cdp_core::documents::lines::{fit_text, text_width};
use cdp_core::documents::model::{
    Block, Cell, CellAlign, Column, Document, PageSize, Rgb, Row, Shape, Span, Style, Table,
};
use cdp_core::documents::{render, Format, Meta};

fn meta() -> Meta {
    Meta::new("Prova", "Rapporto di prova")
        .by("Città Metropolitana di Messina")
        .keywords(["prova"])
}

fn docx_meta() -> Meta {
    Meta::new("Prova", "Rapporto di prova").by("Città Metropolitana di Messina")
}

fn spans(text: &str) -> Vec<Span> {
    vec![Span {
        text: text.into(),
        bold: false,
        italic: false,
    }]
}

fn header() -> Vec<String> {
    vec![
        "Città Metropolitana di Messina".into(),
        "Comunità di Pratiche".into(),
    ]
}

fn columns() -> Vec<Column> {
    vec![
        Column {
            header: "N.".into(),
            share: 0.6,
            align: CellAlign::Right,
        },
        Column {
            header: "Processo".into(),
            share: 3.0,
            align: CellAlign::Left,
        },
        Column {
            header: "Responsabile".into(),
            share: 2.0,
            align: CellAlign::Left,
        },
        Column {
            header: "Importo".into(),
            share: 1.2,
            align: CellAlign::Right,
        },
    ]
}

fn long_table(rows: usize) -> Table {
    let mut out = Vec::new();
    for i in 0..rows {
        if i % 25 == 0 {
            out.push(Row {
                cells: vec![Cell::text(format!(
                    "Area {} – Contratti pubblici",
                    i / 25 + 1
                ))],
                fill: None,
                group: true,
            });
        }
        out.push(Row {
            cells: vec![
                Cell::text(format!("{}", i + 1)),
                Cell::text(format!(
                    "Affidamento diretto di lavori, servizi e forniture n. {i} con verifica dei requisiti e dell'assenza di conflitti d'interesse"
                )),
                Cell::text("Dirigente del Servizio Gare e contratti"),
                Cell::text(format!("€ {}.500,00", i + 1)),
            ],
            fill: if i % 7 == 3 {
                Some(Rgb(255, 242, 204))
            } else {
                None
            },
            group: false,
        });
    }
    Table {
        columns: columns(),
        rows: out,
        size: 9.0,
        header_fill: Some(Rgb(217, 226, 236)),
    }
}

/// A report with a TOC, sections, a long table, landscape and A3 pages.
fn sample() -> Document {
    let mut items = vec![
        Block::heading(1, "Indice", false),
        Block::Toc,
        Block::page_break(None),
        Block::heading(1, "Premessa", true),
        Block::paragraph(spans(
            "La presente relazione è redatta ai sensi dell'art. 1, comma 14, della legge 6 novembre 2012, n. 190: il Responsabile della prevenzione della corruzione e della trasparenza («RPCT») riferisce sull'attuazione delle misure – generali e specifiche – previste dal Piano. Costo stimato: € 1.250,00; città: Messina, Alì, Sant'Agata di Militello. àèéìòù.",
        )),
        Block::Fields(vec![
            ("Area di rischio:".into(), spans("Contratti pubblici")),
            ("Responsabile:".into(), spans("Dirigente della Direzione Affari generali")),
        ]),
        Block::heading(2, "Mappatura dei processi", true),
        Block::Grid(long_table(120)),
        Block::Space(12.0),
        Block::page_break(Some(PageSize::A4Landscape)),
        Block::heading(1, "Cronoprogramma delle misure", true),
        Block::paragraph(spans("Pagina orizzontale con una tabella larga.")),
        Block::Grid(Table {
            columns: (1..=12)
                .map(|m| Column {
                    header: format!("Mese {m}"),
                    share: 1.0,
                    align: CellAlign::Center,
                })
                .collect(),
            rows: (0..5)
                .map(|r| Row {
                    cells: (0..12).map(|c| Cell::text(format!("{}", r * 12 + c))).collect(),
                    fill: None,
                    group: false,
                })
                .collect(),
            size: 9.0,
            header_fill: None,
        }),
        Block::page_break(Some(PageSize::A3Landscape)),
        Block::Element(Custom::new(organigram(PageSize::A3Landscape))),
        // The flow goes on in landscape after the A3 page.
        Block::page_break(Some(PageSize::A4Landscape)),
        Block::heading(2, "Conclusioni", true),
        Block::paragraph(spans("Il documento si chiude qui.")),
    ];
    items.push(Block::page_break(Some(PageSize::A4Portrait)));
    items.push(Block::heading(1, "Allegato", true));
    Document {
        style: Style::Report,
        title: "Relazione di prova".into(),
        header: header(),
        size: PageSize::A4Portrait,
        blocks: items,
    }
}

/// Shapes drawn from the top of the content area, taking the rest of the page.
#[derive(Debug)]
struct Drawn(Vec<Shape>);

impl Element for Drawn {
    fn height(&self, _width: f32, room: f32) -> f32 {
        room.max(1.0)
    }

    fn draw(&self, _width: f32, _height: f32) -> Vec<Shape> {
        self.0.clone()
    }

    fn fallback(&self) -> Vec<Block> {
        drawn_texts(&self.0)
    }
}

fn organigram(size: PageSize) -> Drawn {
    let (w, _) = size.content();
    let mut shapes = vec![Shape::Text {
        x: 0.0,
        y: 0.0,
        w,
        h: 24.0,
        text: "Organigramma della Segreteria generale".into(),
        size: 16.0,
        bold: true,
        italic: false,
        align: CellAlign::Center,
        color: Rgb(0, 0, 0),
    }];
    let bw = 180.0;
    let bh = 50.0;
    let root_x = (w - bw) / 2.0;
    shapes.push(Shape::Rect {
        x: root_x,
        y: 60.0,
        w: bw,
        h: bh,
        fill: Some(Rgb(217, 226, 236)),
        stroke: Some((Rgb(31, 56, 100), 1.0)),
    });
    shapes.push(Shape::Text {
        x: root_x + 6.0,
        y: 66.0,
        w: bw - 12.0,
        h: bh - 12.0,
        text: "Segretario generale – RPCT".into(),
        size: 11.0,
        bold: true,
        italic: false,
        align: CellAlign::Center,
        color: Rgb(31, 56, 100),
    });
    for i in 0..5 {
        let x = 20.0 + i as f32 * (w - 40.0 - bw) / 4.0;
        let y = 200.0;
        shapes.push(Shape::Line {
            x1: root_x + bw / 2.0,
            y1: 60.0 + bh,
            x2: x + bw / 2.0,
            y2: y,
            width: 0.8,
            color: Rgb(89, 89, 89),
        });
        shapes.push(Shape::Rect {
            x,
            y,
            w: bw,
            h: bh,
            fill: None,
            stroke: Some((Rgb(89, 89, 89), 0.8)),
        });
        shapes.push(Shape::Text {
            x: x + 5.0,
            y: y + 5.0,
            w: bw - 10.0,
            h: bh - 10.0,
            text: format!(
                "Servizio {} – Ufficio per la prevenzione della corruzione, la trasparenza amministrativa e i controlli interni di regolarità",
                i + 1
            ),
            size: 10.0,
            bold: false,
            italic: i % 2 == 1,
            align: CellAlign::Left,
            color: Rgb(0, 0, 0),
        });
    }
    Drawn(shapes)
}

/// REPORT_SAMPLE_DIR=/some/dir keeps a report's PDF to look at (pdftoppm -r 60 -png).
fn keep(name: &str, r: &Document) {
    if let Ok(dir) = std::env::var("REPORT_SAMPLE_DIR") {
        std::fs::write(
            Path::new(&dir).join(name),
            render(r, Format::Pdf, &meta()).map(|x| x.bytes).unwrap(),
        )
        .unwrap();
    }
}

fn write(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cdp-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn page_text(path: &Path, page: usize) -> String {
    let p = page.to_string();
    pdf_text(path, &["-layout", "-f", &p, "-l", &p])
}

#[test]
fn a_long_table_repeats_its_header_on_every_page_and_the_pdf_is_valid() {
    let r = Document {
        style: Style::Report,
        title: "Tabella lunga".into(),
        header: header(),
        size: PageSize::A4Portrait,
        blocks: vec![Block::Grid(long_table(150))],
    };
    let pdf = render(&r, Format::Pdf, &meta()).map(|x| x.bytes).unwrap();
    let path = write("long.pdf", &pdf);
    let n = pdf_pages(&path);
    assert!(n >= 3, "{n} pages");
    for p in 1..=n {
        let text = page_text(&path, p);
        let header_line = text
            .lines()
            .find(|l| l.contains("Processo"))
            .unwrap_or_else(|| panic!("page {p} without the header row:\n{text}"));
        assert!(
            header_line.contains("Responsabile") && header_line.contains("Importo"),
            "{header_line}"
        );
        assert!(text.contains(&format!("Pagina {p} di {n}")), "{text}");
        assert!(text.contains("Città Metropolitana di Messina"));
    }
    // Every row is there, once.
    let all = pdf_text(&path, &[]);
    for i in [1, 75, 150] {
        assert!(all.contains(&format!("€ {i}.500,00")), "row {i}");
    }
    qpdf_ok(&path);
    let fonts = pdffonts(&path);
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name type encoding emb sub uni ...: "yes" for embedded.
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "{line}");
    }
}

#[test]
fn rows_are_never_split_unless_taller_than_a_page() {
    let r = Document {
        style: Style::Report,
        title: String::new(),
        header: header(),
        size: PageSize::A4Portrait,
        blocks: vec![Block::Grid(long_table(150))],
    };
    let pages = compose(&r);
    // Each row's number and its amount are on the same page.
    for i in 1..=150 {
        let find = |needle: &str| {
            pages
                .iter()
                .position(|p| texts(p).any(|t| joined(t) == needle))
                .unwrap_or_else(|| panic!("{needle}"))
        };
        assert_eq!(
            find(&i.to_string()),
            find(&format!("€ {i}.500,00")),
            "row {i}"
        );
    }
    // A row taller than a page is split between lines, inside its cells.
    let huge = "Parola ".repeat(3000);
    let r = Document {
        style: Style::Report,
        title: String::new(),
        header: header(),
        size: PageSize::A4Portrait,
        blocks: vec![Block::Grid(Table {
            columns: columns(),
            rows: vec![Row {
                cells: vec![
                    Cell::text("1"),
                    Cell::text(huge),
                    Cell::text("x"),
                    Cell::text("y"),
                ],
                fill: None,
                group: false,
            }],
            size: 9.0,
            header_fill: None,
        })],
    };
    let pages = compose(&r);
    assert!(pages.len() >= 3);
    assert_texts_inside_cells(&pages);
    keep("report-tall-row.pdf", &r);
}

fn texts(page: &Page) -> impl Iterator<Item = &TextLine> {
    page.draws.iter().filter_map(|d| match d {
        Draw::Text(t) => Some(t),
        _ => None,
    })
}

fn joined(t: &TextLine) -> String {
    t.runs.iter().map(|r| r.1.as_str()).collect()
}

/// Every text of a page that is not the running header or footer lies inside
/// a stroked cell box (horizontally and vertically).
fn assert_texts_inside_cells(pages: &[Page]) {
    for (pi, page) in pages.iter().enumerate() {
        let boxes: Vec<(f32, f32, f32, f32)> = page
            .draws
            .iter()
            .filter_map(|d| match d {
                Draw::Rect {
                    x,
                    y,
                    w,
                    h,
                    stroke: Some(_),
                    ..
                } => Some((*x, *y, *w, *h)),
                _ => None,
            })
            .collect();
        let (_, _, t, b) = size_of(page).margins();
        for text in texts(page) {
            if text.y > page.height - t - 46.0 || text.y < b - 1.0 {
                continue; // running header, footer
            }
            let w = line_width(text);
            let (top, bottom) = (text.y + 0.9 * text.size, text.y - 0.22 * text.size);
            let inside = boxes.iter().any(|&(x, y, bw, bh)| {
                text.x >= x + 0.5
                    && text.x + w <= x + bw - 0.5
                    && bottom >= y - 0.01
                    && top <= y + bh + 0.01
            });
            assert!(
                inside,
                "page {pi}: {:?} at ({}, {}) width {w} outside every cell",
                joined(text),
                text.x,
                text.y
            );
        }
    }
}

fn size_of(page: &Page) -> PageSize {
    [
        PageSize::A4Portrait,
        PageSize::A4Landscape,
        PageSize::A3Portrait,
        PageSize::A3Landscape,
    ]
    .into_iter()
    .find(|s| s.points() == (page.width, page.height))
    .unwrap()
}

#[test]
fn a_sixty_character_word_stays_inside_its_cell() {
    let word = "Precipitevolissimevolmente".repeat(3)[..60].to_string();
    assert_eq!(word.chars().count(), 60);
    let r = Document {
 style: Style::Report,
        title: String::new(),
        header: vec![],
        size: PageSize::A4Portrait,
        blocks: vec![Block::Grid(Table {
            columns: columns(),
            rows: vec![Row {
                cells: vec![
                    Cell::text(word.clone()),
                    Cell::text(word.clone()),
                    Cell::bold(format!("{word} e poi")),
                    Cell::text("https://www.cittametropolitana.me.it/amministrazione-trasparente/bandi-di-gara-e-contratti"),
                ],
                fill: Some(Rgb(240, 240, 240)),
                group: false,
            }],
            size: 9.0,
            header_fill: None,
        })],
    };
    let pages = compose(&r);
    assert_texts_inside_cells(&pages);
    keep("report-word.pdf", &r);
    // The whole word is printed, in pieces.
    let all: String = pages.iter().flat_map(texts).map(joined).collect();
    assert!(all.matches('P').count() >= 3, "{all}");
}

#[test]
fn random_tables_never_draw_text_outside_their_cells() {
    // A tiny LCG: the same tables every run.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let vocabulary = [
        "amministrazione",
        "trasparenza",
        "anticorruzione",
        "n. 190",
        "€ 2.500,00",
        "dell'ente",
        "àèéìòù",
        "«misura»",
        "–",
        "responsabile",
        "procedimento",
        "PEC protocollo@pec.comune.ali.me.it",
        "X",
        "Ufficio",
        "SUPERCALIFRAGILISTICHESPIRALIDOSO",
        "a",
    ];
    for case in 0..30 {
        let ncol = 1 + next(7) as usize;
        let columns: Vec<Column> = (0..ncol)
            .map(|i| Column {
                header: format!("Colonna {i}"),
                share: 1.0 + next(4) as f32,
                align: [CellAlign::Left, CellAlign::Center, CellAlign::Right][next(3) as usize],
            })
            .collect();
        let rows: Vec<Row> = (0..(1 + next(40)))
            .map(|_| Row {
                cells: (0..ncol)
                    .map(|_| {
                        let n = next(30) as usize;
                        let text: Vec<&str> = (0..n)
                            .map(|_| vocabulary[next(vocabulary.len() as u64) as usize])
                            .collect();
                        if next(5) == 0 {
                            Cell::bold(text.join(" "))
                        } else {
                            Cell::text(text.join(if next(6) == 0 { "\n" } else { " " }))
                        }
                    })
                    .collect(),
                fill: (next(4) == 0).then_some(Rgb(250, 240, 200)),
                group: next(12) == 0,
            })
            .collect();
        let size = [
            PageSize::A4Portrait,
            PageSize::A4Landscape,
            PageSize::A3Portrait,
        ][next(3) as usize];
        let r = Document {
            style: Style::Report,
            title: String::new(),
            header: header(),
            size,
            blocks: vec![Block::Grid(Table {
                columns,
                rows,
                size: [7.0, 8.0, 9.0, 10.0][next(4) as usize],
                header_fill: Some(Rgb(200, 200, 200)),
            })],
        };
        let pages = compose(&r);
        assert!(!pages.is_empty(), "case {case}");
        assert_texts_inside_cells(&pages);
    }
}

#[test]
fn the_toc_gives_the_pages_where_the_headings_are_and_sizes_are_right() {
    let r = sample();
    let pdf = render(&r, Format::Pdf, &meta()).map(|x| x.bytes).unwrap();
    let path = write("sample.pdf", &pdf);
    // REPORT_SAMPLE_DIR=/some/dir keeps the sample to look at (pdftoppm -r 60 -png).
    if let Ok(dir) = std::env::var("REPORT_SAMPLE_DIR") {
        std::fs::write(Path::new(&dir).join("report-sample.pdf"), &pdf).unwrap();
    }
    let n = pdf_pages(&path);
    let pages: Vec<String> = (1..=n).map(|p| page_text(&path, p)).collect();
    // Where each heading is printed (outside the contents' pages).
    let toc = &pages[0];
    let entries = [
        "Premessa",
        "Mappatura dei processi",
        "Cronoprogramma delle misure",
        "Conclusioni",
        "Allegato",
    ];
    for title in entries {
        let line = toc
            .lines()
            .find(|l| l.contains(title))
            .unwrap_or_else(|| panic!("{title} not in the contents:\n{toc}"));
        assert!(line.contains(". . ."), "leaders: {line}");
        let number: usize = line.split_whitespace().last().unwrap().parse().unwrap();
        let actual = pages
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, text)| text.lines().any(|l| l.trim() == title))
            .map(|(i, _)| i + 1)
            .unwrap_or_else(|| panic!("{title} not printed"));
        assert_eq!(number, actual, "{title}");
    }
    assert_eq!(
        compose::toc_numbers(&r)
            .iter()
            .map(|e| e.2)
            .collect::<Vec<_>>()
            .len(),
        entries.len()
    );
    // Page sizes: A4 portrait, then landscape, the A3 drawing, A4 portrait at the end.
    let info = pdf_info(&path, &["-f", "1", "-l", &n.to_string()]);
    let sizes: Vec<(f32, f32)> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .map(|l| {
            let v: Vec<f32> = l
                .split_whitespace()
                .filter_map(|w| w.parse::<f32>().ok())
                .collect();
            (v[1], v[2])
        })
        .collect();
    assert_eq!(sizes.len(), n);
    let landscape = pages
        .iter()
        .position(|t| t.contains("Cronoprogramma delle misure") && t.contains("Mese 12"))
        .unwrap();
    let a3 = pages
        .iter()
        .position(|t| t.contains("Organigramma della Segreteria"))
        .unwrap();
    let close = |a: (f32, f32), b: (f32, f32)| (a.0 - b.0).abs() < 1.0 && (a.1 - b.1).abs() < 1.0;
    assert!(close(sizes[0], (595.28, 841.89)), "{:?}", sizes[0]);
    assert!(close(sizes[landscape], (841.89, 595.28)), "{info}");
    assert!(close(sizes[a3], (1190.55, 841.89)), "{info}");
    // After the drawing the flow goes on landscape, then portrait at the end.
    assert!(close(sizes[a3 + 1], (841.89, 595.28)), "{info}");
    assert!(close(sizes[n - 1], (595.28, 841.89)), "{info}");
    qpdf_ok(&path);
    // Accents, guillemets, dash and euro come back exactly.
    let all = pdf_text(&path, &[]);
    let all = all.split_whitespace().collect::<Vec<_>>().join(" ");
    for s in [
        "àèéìòù",
        "«RPCT»",
        "delle misure – generali",
        "€ 1.250,00",
        "Sant'Agata",
    ] {
        assert!(all.contains(s), "{s}");
    }
    for p in 1..=n {
        assert!(pages[p - 1].contains(&format!("Pagina {p} di {n}")));
    }
}

#[test]
fn a_text_shape_never_leaves_its_box_and_ends_with_an_ellipsis_when_cut() {
    let long = "Ufficio per la prevenzione della corruzione e la trasparenza amministrativa, controlli interni e anticorruzione nelle società partecipate";
    let (lines, cut) = fit_text(long, 120.0, 10.0, false, 2);
    assert!(cut);
    assert_eq!(lines.len(), 2);
    assert!(lines[1].ends_with('…'), "{lines:?}");
    for l in &lines {
        assert!(text_width(l, 10.0, false) <= 120.01, "{l}");
    }
    let (lines, cut) = fit_text("Breve", 120.0, 10.0, true, 2);
    assert_eq!((lines, cut), (vec!["Breve".to_string()], false));

    for (w, h) in [(120.0, 30.0), (60.0, 14.0), (200.0, 26.0), (40.0, 200.0)] {
        let r = Document {
            style: Style::Report,
            title: String::new(),
            header: vec![],
            size: PageSize::A4Portrait,
            blocks: vec![Block::Element(Custom::new(Drawn(vec![Shape::Text {
                x: 10.0,
                y: 20.0,
                w,
                h,
                text: long.into(),
                size: 10.0,
                bold: true,
                italic: true,
                align: CellAlign::Center,
                color: Rgb(31, 56, 100),
            }])))],
        };
        let pages = compose(&r);
        keep(&format!("report-text-{w}x{h}.pdf"), &r);
        assert_eq!(pages.len(), 1);
        let (l, _, t, _) = PageSize::A4Portrait.margins();
        let top = pages[0].height - t - 46.0;
        let (bx, by) = (l + 10.0, top - 20.0);
        let shown: Vec<&TextLine> = texts(&pages[0])
            .filter(|t| !joined(t).starts_with("Pagina"))
            .collect();
        assert!(!shown.is_empty(), "{w}x{h}");
        for tl in &shown {
            assert!(
                tl.x >= bx - 0.01 && tl.x + line_width(tl) <= bx + w + 0.01,
                "{tl:?}"
            );
            assert!(
                tl.y + 0.9 * tl.size <= by + 0.01 && tl.y - 0.22 * tl.size >= by - h - 0.01,
                "{w}x{h}: {tl:?}"
            );
            assert_eq!(tl.color, Rgb(31, 56, 100));
        }
        let all: String = shown
            .iter()
            .map(|t| joined(t))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(all.ends_with('…'), "{w}x{h}: {all}");
    }
}

#[test]
fn the_docx_has_word_tables_repeated_headers_and_a_landscape_section() {
    let r = sample();
    let bytes = render(&r, Format::Docx, &docx_meta())
        .map(|x| x.bytes)
        .unwrap();
    let path = write("sample.docx", &bytes);
    let script = r#"
import sys, docx
from docx.oxml.ns import qn
from docx.enum.section import WD_ORIENT
d = docx.Document(sys.argv[1])
print('tables', len(d.tables))
t = d.tables[1]
print('header', t.rows[0]._tr.find(qn('w:trPr')).find(qn('w:tblHeader')) is not None)
print('first', ' | '.join(c.text for c in t.rows[0].cells))
print('shd', t.rows[0].cells[0]._tc.find(qn('w:tcPr')).find(qn('w:shd')).get(qn('w:fill')))
print('rows', len(t.rows))
print('sections', ' '.join('%s:%d' % ('L' if s.orientation == WD_ORIENT.LANDSCAPE else 'P', round(s.page_width.pt)) for s in d.sections))
print('headers', ' '.join(str(len(s.header.paragraphs) > 0 and s.header.paragraphs[0].text) for s in d.sections))
print('styles', ' '.join(sorted({p.style.name for p in d.paragraphs if p.style.name.startswith('Heading')})))
body = d.element.body.xml
print('toc', 'TOC \\o' in body, 'Cronoprogramma delle misure' in body)
"#;
    let text = docx_python(&path, script, &[]);
    assert!(text.contains("header True"), "{text}");
    assert!(
        text.contains("first N. | Processo | Responsabile | Importo"),
        "{text}"
    );
    assert!(text.contains("shd D9E2EC"), "{text}");
    assert!(text.contains("rows 126"), "{text}"); // header + 120 rows + 5 group rows
    assert!(
        text.contains("sections P:595 L:842 L:1191 L:842 P:595"),
        "{text}"
    );
    assert!(text.contains("Città Metropolitana di Messina"), "{text}");
    assert!(
        !text.contains("headers False") && !text.contains(" False"),
        "{text}"
    );
    assert!(text.contains("styles Heading 1 Heading 2"), "{text}");
    assert!(text.contains("toc True True"), "{text}");
    let landscape = String::from_utf8_lossy(&bytes).contains("orient"); // zipped: not checked here
    let _ = landscape;
}

/// The last flowing text of each page, above the footer (the lowest y that is
/// not the «Pagina X di Y» line).
fn last_texts(pages: &[Page]) -> Vec<String> {
    pages
        .iter()
        .map(|p| {
            texts(p)
                .filter(|t| !joined(t).starts_with("Pagina "))
                .min_by(|a, b| a.y.total_cmp(&b.y))
                .map(joined)
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn a_heading_is_never_parted_from_its_table_nor_a_group_row_from_its_rows() {
    // Paragraphs of varying length push a heading and its table towards the
    // foot of the page, in every position: the heading is never the last text
    // of a page, and a group row is never the last row of a page.
    for filler in 0..40 {
        let mut items = Vec::new();
        for _ in 0..filler {
            items.push(Block::paragraph(spans(
                "Riga di testo che occupa una linea.",
            )));
        }
        items.push(Block::heading(2, "Registro dei rischi del Comune", false));
        items.push(Block::Grid(long_table(60)));
        let r = Document {
            style: Style::Report,
            title: "Prova".into(),
            header: header(),
            size: PageSize::A4Portrait,
            blocks: items,
        };
        let pages = compose(&r);
        for (i, last) in last_texts(&pages).iter().enumerate() {
            assert_ne!(
                last,
                "Registro dei rischi del Comune",
                "filler {filler}: the heading alone at the foot of page {}",
                i + 1
            );
            assert!(
                !last.starts_with("Area ") || i + 1 == pages.len(),
                "filler {filler}: a group row alone at the foot of page {}: {last}",
                i + 1
            );
            assert_ne!(
                last,
                "Processo",
                "filler {filler}: a header row alone on page {}",
                i + 1
            );
        }
    }
}

#[test]
fn names_in_narrow_cells_are_not_hyphenated_but_common_words_may_be() {
    let t = Table {
        columns: vec![
            Column {
                header: "Relatore".into(),
                share: 2.0,
                align: CellAlign::Left,
            },
            Column {
                header: "Note".into(),
                share: 8.0,
                align: CellAlign::Left,
            },
        ],
        rows: vec![Row {
            cells: vec![
                Cell::text("Mariagrazia Santangelo Buonaccorsi, per la riorganizzazione dell'amministrazione"),
                Cell::text(""),
            ],
            fill: None,
            group: false,
        }],
        size: 9.0,
        header_fill: None,
    };
    let r = Document {
        style: Style::Report,
        title: "Prova".into(),
        header: header(),
        size: PageSize::A4Portrait,
        blocks: vec![Block::Grid(t)],
    };
    let pages = compose(&r);
    let lines: Vec<String> = texts(&pages[0]).map(joined).collect();
    for name in ["Mariagrazia", "Santangelo", "Buonaccorsi"] {
        assert!(
            lines.iter().any(|l| l.contains(name)),
            "{name} printed whole: {lines:?}"
        );
    }
    assert!(
        lines.iter().any(|l| l.ends_with('-')),
        "a common word may still be hyphenated: {lines:?}"
    );
}

#[test]
fn a_one_page_report_has_no_page_count() {
    let one = Document {
        style: Style::Report,
        title: "Attestato".into(),
        header: header(),
        size: PageSize::A4Portrait,
        blocks: vec![Block::paragraph(spans("Si attesta la partecipazione."))],
    };
    let pages = compose(&one);
    assert_eq!(pages.len(), 1);
    assert!(texts(&pages[0]).all(|t| !joined(t).starts_with("Pagina")));
    let two = Document {
        style: Style::Report,
        blocks: vec![Block::Grid(long_table(80))],
        ..one
    };
    let pages = compose(&two);
    assert!(pages.len() > 1);
    let n = pages.len();
    for (i, p) in pages.iter().enumerate() {
        let want = format!("Pagina {} di {n}", i + 1);
        assert!(texts(p).any(|t| joined(t) == want), "{want}");
    }
}

#[test]
fn a_wrapped_contents_entry_hangs_under_its_title_not_its_code() {
    let title = "M-G-03 · Rotazione ordinaria del personale addetto alle aree a più elevato rischio di corruzione, con criteri predeterminati e misure alternative ove la rotazione non sia possibile per la ridotta dotazione organica";
    let r = Document {
        style: Style::Report,
        title: "Catalogo".into(),
        header: header(),
        size: PageSize::A4Portrait,
        blocks: vec![
            Block::Toc,
            Block::page_break(None),
            Block::heading(2, title, true),
        ],
    };
    let pages = compose(&r);
    let first = texts(&pages[0])
        .find(|t| joined(t).starts_with("M-G-03 · "))
        .expect("the entry");
    let next = texts(&pages[0])
        .filter(|t| {
            t.y < first.y && !joined(t).starts_with("Pagina") && !joined(t).starts_with(". ")
        })
        .max_by(|a, b| a.y.total_cmp(&b.y))
        .expect("a wrapped line");
    let code_w = text_width("M-G-03 · ", 10.5, false);
    assert!(
        (next.x - (first.x + code_w)).abs() < 1.5,
        "wrapped line at {} while the title starts at {}",
        next.x,
        first.x + code_w
    );
    // The page number is still at the end of the entry's last line.
    let n = toc_numbers_pages(&r);
    assert_eq!(n, vec![2]);
}

fn toc_numbers_pages(r: &Document) -> Vec<usize> {
    compose::toc_numbers(r)
        .into_iter()
        .map(|(_, _, p)| p)
        .collect()
}
