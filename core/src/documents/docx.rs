//! The same document as an editable DOCX (docx-rs), for the comune's office
//! to adapt in Word or LibreOffice: A4, the same blocks, and real Word
//! structure: named styles (Normal, Title, Heading 1 and 2, List Paragraph,
//! a table style, header and footer at 9 pt with the page-number fields),
//! lists as Word numbering definitions, Italian as the language of the text
//! (so the spell checker works in Italian) and the document properties
//! (title, author, subject).

use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, Docx, Footer, Header, IndentLevel, Level,
    LevelJc, LevelOverride, LevelText, LineSpacing, NumPages, NumberFormat, Numbering, NumberingId,
    PageMargin, PageNum, Paragraph, Run, RunFonts, SpecialIndentType, Start, Style, StyleType,
    Table, TableBorder, TableBorderPosition, TableBorders, TableCell, TableRow, WidthType,
};

use super::fonts::DOCX_FAMILY;
use super::markup::{Align, Block, Document, Spans};
use crate::error::{Error, Result};

const BODY_HALF_POINTS: usize = 24; // 12 pt
const SMALL_HALF_POINTS: usize = 18; // 9 pt: header and footer
const TWIPS_PER_PT: f32 = 20.0;
/// The text width (A4 less the margins) and where a right block starts.
const TEXT_TWIPS: usize = 9354;
const RIGHT_BLOCK_TWIPS: i32 = 4209;
const LIST_INDENT_TWIPS: i32 = 440;

/// The abstract numbering definitions: bullets and decimal numbers. Their
/// ids start above docx-rs's own default definition (abstractNum 1, num 1,
/// decimal), which the document always carries: sharing its id made Word
/// read every list, bullets included, as one decimal numbering.
const BULLETS: usize = 10;
const DECIMAL: usize = 11;
/// The first numbering instance of a list (each list has its own).
const FIRST_LIST: usize = 20;

/// What the document properties say (File → Properties in Word).
#[derive(Debug, Clone, Default)]
pub struct DocxMeta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    pub created: String,
}

pub(super) fn runs(p: Paragraph, spans: &Spans, force_bold: bool) -> Paragraph {
    spans.iter().fold(p, |p, s| {
        let mut run = Run::new().add_text(&s.text);
        if s.bold || force_bold {
            run = run.bold();
        }
        if s.italic {
            run = run.italic();
        }
        p.add_run(run)
    })
}

pub(super) fn spacing(before_pt: u32, after_pt: u32) -> LineSpacing {
    LineSpacing::new()
        .before(before_pt * 20)
        .after(after_pt * 20)
        .line((16.0 * TWIPS_PER_PT) as i32)
        .line_rule(docx_rs::LineSpacingType::Exact)
}

fn spaced(p: Paragraph, before_pt: u32, after_pt: u32) -> Paragraph {
    p.line_spacing(spacing(before_pt, after_pt))
}

fn align(a: Align) -> AlignmentType {
    match a {
        Align::Justify => AlignmentType::Both,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
        Align::RightBlock => AlignmentType::Left,
    }
}

pub(super) fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(DOCX_FAMILY)
        .hi_ansi(DOCX_FAMILY)
        .cs(DOCX_FAMILY)
}

/// The named styles every document carries.
pub(super) fn styles(docx: Docx) -> Docx {
    let para = |id: &str, name: &str| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
    };
    docx.add_style(
        Style::new("Normal", StyleType::Paragraph)
            .name("Normal")
            .q_format(true)
            .fonts(fonts())
            .size(BODY_HALF_POINTS)
            .align(AlignmentType::Both)
            .line_spacing(spacing(6, 0)),
    )
    .add_style(
        para("Title", "Title")
            .bold()
            .size(BODY_HALF_POINTS + 2)
            .align(AlignmentType::Center)
            .line_spacing(spacing(10, 6)),
    )
    .add_style(
        para("Heading1", "heading 1")
            .bold()
            .size(BODY_HALF_POINTS)
            .align(AlignmentType::Center)
            .outline_lvl(0)
            .line_spacing(spacing(10, 4)),
    )
    .add_style(
        para("Heading2", "heading 2")
            .bold()
            .size(BODY_HALF_POINTS)
            .align(AlignmentType::Center)
            .outline_lvl(1)
            .line_spacing(spacing(10, 2)),
    )
    .add_style(para("ListParagraph", "List Paragraph").line_spacing(spacing(3, 0)))
    .add_style(
        para("Header", "header")
            .size(SMALL_HALF_POINTS)
            .align(AlignmentType::Center)
            .line_spacing(spacing(0, 0)),
    )
    .add_style(
        para("Footer", "footer")
            .size(SMALL_HALF_POINTS)
            .align(AlignmentType::Center)
            .line_spacing(spacing(0, 0)),
    )
    .add_style(
        para("Firma", "Firma")
            .align(AlignmentType::Center)
            .line_spacing(spacing(0, 0)),
    )
    .add_style(
        Style::new("TabellaDati", StyleType::Table)
            .name("Tabella dati")
            .based_on("TableNormal")
            .set_borders(table_borders()),
    )
}

fn table_borders() -> TableBorders {
    let border = |pos| {
        TableBorder::new(pos)
            .border_type(BorderType::Single)
            .size(4)
            .color("808080")
    };
    let mut borders = TableBorders::new().clear_all();
    for pos in [
        TableBorderPosition::Top,
        TableBorderPosition::Bottom,
        TableBorderPosition::InsideH,
    ] {
        borders = borders.set(border(pos));
    }
    borders
}

/// Bullets and decimal numbers as Word numbering definitions.
fn numbering(docx: Docx) -> Docx {
    let level = |format: &str, text: &str| {
        Level::new(
            0,
            Start::new(1),
            NumberFormat::new(format),
            LevelText::new(text),
            LevelJc::new("left"),
        )
        .indent(
            Some(LIST_INDENT_TWIPS),
            Some(SpecialIndentType::Hanging(LIST_INDENT_TWIPS)),
            None,
            None,
        )
    };
    docx.add_abstract_numbering(AbstractNumbering::new(BULLETS).add_level(level("bullet", "•")))
        .add_abstract_numbering(AbstractNumbering::new(DECIMAL).add_level(level("decimal", "%1.")))
}

pub(super) fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The core properties part, with title, author, subject and language.
fn core_xml(meta: &DocxMeta) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><cp:keywords>{}</cp:keywords><dc:language>it-IT</dc:language><cp:lastModifiedBy>{}</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">{}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{}</dcterms:modified><cp:revision>1</cp:revision></cp:coreProperties>"#,
        xml_escape(&meta.title),
        xml_escape(&meta.subject),
        xml_escape(&meta.author),
        xml_escape(&meta.keywords.join(", ")),
        xml_escape(&meta.author),
        xml_escape(&meta.created),
        xml_escape(&meta.created),
    )
    .into_bytes()
}

/// The styles part as Word should read it: Italian as the language of the
/// text (spell checking, hyphenation), and one "Normal" style, ours (docx-rs
/// always writes an empty one first, which would hide it).
fn with_italian(styles_xml: Vec<u8>) -> Vec<u8> {
    let xml = String::from_utf8_lossy(&styles_xml).into_owned();
    let xml = xml.replacen(
        r#"<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal" /><w:rPr /><w:pPr><w:rPr /></w:pPr><w:qFormat /></w:style>"#,
        "",
        1,
    );
    // Ours is the default paragraph style.
    let xml = xml.replacen(
        r#"<w:style w:type="paragraph" w:styleId="Normal">"#,
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal">"#,
        1,
    );
    xml.replacen(
        "</w:rPr></w:rPrDefault>",
        r#"<w:lang w:val="it-IT" w:eastAsia="it-IT" w:bidi="ar-SA" /></w:rPr></w:rPrDefault>"#,
        1,
    )
    .into_bytes()
}

/// The running header (its lines, the first bold) and the footer
/// "Pagina X di Y" with Word's page fields.
pub(super) fn header_footer(lines: &[String]) -> (Header, Footer) {
    let mut header = Header::new();
    for (i, line) in lines.iter().enumerate() {
        let mut run = Run::new().add_text(line);
        if i == 0 {
            run = run.bold();
        }
        header = header.add_paragraph(Paragraph::new().style("Header").add_run(run));
    }
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .style("Footer")
            .add_run(Run::new().add_text("Pagina "))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(" di "))
            .add_num_pages(NumPages::new()),
    );
    (header, footer)
}

/// Builds the package: properties, Italian styles, and `document` (the
/// main part's XML) edited by `edit` before it is zipped.
pub(super) fn package(
    docx: Docx,
    meta: &DocxMeta,
    edit: impl FnOnce(String) -> String,
) -> Result<Vec<u8>> {
    let mut xml = docx.build();
    xml.doc_props.core = core_xml(meta);
    xml.styles = with_italian(xml.styles);
    xml.document = edit(String::from_utf8_lossy(&xml.document).into_owned()).into_bytes();
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| Error::Io {
        message: format!("Scrittura del DOCX non riuscita: {e}"),
    })?;
    Ok(out.into_inner())
}

pub fn write_docx(doc: &Document, meta: &DocxMeta) -> Result<Vec<u8>> {
    let (header, footer) = header_footer(&doc.header);
    let mut docx = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(1700)
                .bottom(1400)
                .left(1418)
                .right(1134)
                .header(700)
                .footer(600),
        )
        .default_fonts(fonts())
        .default_size(BODY_HALF_POINTS)
        .header(header)
        .footer(footer);
    docx = numbering(styles(docx));
    // Each list has its own numbering instance; a numbered one restarts at 1.
    let mut next_numbering = FIRST_LIST;

    let mut skip = 0;
    for (bi, block) in doc.blocks.iter().enumerate() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        // Signature blocks in a row: side by side, in a table without borders.
        if let Block::Signature { .. } = block {
            let group: Vec<&Vec<Spans>> = doc.blocks[bi..]
                .iter()
                .map_while(|b| match b {
                    Block::Signature { lines } => Some(lines),
                    _ => None,
                })
                .collect();
            if group.len() > 1 {
                skip = group.len() - 1;
                let w = TEXT_TWIPS / group.len();
                let cells = group
                    .iter()
                    .map(|lines| {
                        lines.iter().fold(
                            TableCell::new().width(w, WidthType::Dxa),
                            |cell, line| {
                                cell.add_paragraph(runs(
                                    Paragraph::new().style("Firma"),
                                    line,
                                    false,
                                ))
                            },
                        )
                    })
                    .collect();
                docx = docx.add_paragraph(spaced(Paragraph::new().keep_next(true), 12, 0));
                docx = docx.add_table(
                    Table::new(vec![TableRow::new(cells).cant_split()])
                        .set_borders(TableBorders::new().clear_all())
                        .set_grid(vec![w; group.len()]),
                );
                continue;
            }
        }
        match block {
            Block::Heading { level, spans } => {
                let style = match level {
                    1 if bi == 0 => "Title",
                    1 => "Heading1",
                    _ => "Heading2",
                };
                let p = Paragraph::new().style(style).keep_next(true);
                docx = docx.add_paragraph(runs(p, spans, false));
            }
            Block::Paragraph { spans } => {
                // A short paragraph before a signature or a list keeps with it.
                let keep = matches!(
                    doc.blocks.get(bi + 1),
                    Some(Block::Signature { .. } | Block::List { .. })
                );
                let p = Paragraph::new().widow_control(true).keep_next(keep);
                docx = docx.add_paragraph(runs(p, spans, false));
            }
            Block::Lines { align: a, lines } => {
                for (i, line) in lines.iter().enumerate() {
                    let mut p = Paragraph::new().align(align(*a));
                    if *a == Align::RightBlock {
                        // The block at the right, its lines aligned left.
                        p = p
                            .indent(Some(RIGHT_BLOCK_TWIPS), None, None, None)
                            .keep_next(i + 1 < lines.len());
                    }
                    let p = spaced(runs(p, line, false), if i == 0 { 6 } else { 0 }, 0);
                    docx = docx.add_paragraph(p);
                }
            }
            Block::List { ordered, items } => {
                let id = next_numbering;
                next_numbering += 1;
                docx = docx.add_numbering(if *ordered {
                    Numbering::new(id, DECIMAL).add_override(LevelOverride::new(0).start(1))
                } else {
                    Numbering::new(id, BULLETS)
                });
                for item in items {
                    let p = Paragraph::new()
                        .style("ListParagraph")
                        .numbering(NumberingId::new(id), IndentLevel::new(0))
                        .widow_control(true);
                    docx = docx.add_paragraph(runs(p, item, false));
                }
            }
            Block::Table { rows } => {
                // The label column as wide as in the PDF.
                let label_w = (TEXT_TWIPS as f32
                    * super::layout::table_label_share(rows, super::fonts::fonts()))
                    as usize;
                let table_rows = rows
                    .iter()
                    .map(|(label, value)| {
                        TableRow::new(vec![
                            TableCell::new()
                                .width(label_w, WidthType::Dxa)
                                .add_paragraph(runs(
                                    Paragraph::new().align(AlignmentType::Left),
                                    label,
                                    true,
                                )),
                            TableCell::new()
                                .width(TEXT_TWIPS - label_w, WidthType::Dxa)
                                .add_paragraph(runs(
                                    Paragraph::new().align(AlignmentType::Left),
                                    value,
                                    false,
                                )),
                        ])
                        .cant_split()
                    })
                    .collect();
                docx = docx.add_table(
                    Table::new(table_rows)
                        .style("TabellaDati")
                        .set_borders(table_borders())
                        .set_grid(vec![label_w, TEXT_TWIPS - label_w]),
                );
            }
            Block::Signature { lines } => {
                for (i, line) in lines.iter().enumerate() {
                    let p = Paragraph::new()
                        .style("Firma")
                        .indent(Some(4677), None, None, None)
                        .keep_next(i + 1 < lines.len());
                    docx = docx.add_paragraph(spaced(
                        runs(p, line, false),
                        if i == 0 { 24 } else { 0 },
                        0,
                    ));
                }
            }
            Block::PageBreak => {
                docx = docx.add_paragraph(
                    Paragraph::new().add_run(Run::new().add_break(docx_rs::BreakType::Page)),
                );
            }
        }
    }
    package(docx, meta, |d| d)
}
