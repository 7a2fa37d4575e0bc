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
    PageMargin, PageNum, PageOrientationType, Paragraph, Pic, Run, RunFonts, Shading,
    SpecialIndentType, Start, Style as WordStyle, StyleType, Table as WordTable, TableBorder,
    TableBorderPosition, TableBorders, TableCell, TableRow, WidthType,
};

use super::compose::{
    body_size, table_label_share, toc_numbers, CELL_LEADING, FOOTER_DROP, GROUP_FILL, HEADER_BAND,
    RULE, TOC_INDENT,
};
use super::meta::Meta;
use super::model::{
    span, Align, Block, Cell, CellAlign, Document, PageSize, Rgb, Span, Spans, Style, Table,
};
use crate::error::{Error, Result};
use crate::fonts::DOCX_FAMILY;

const BODY_HALF_POINTS: usize = 24; // 12 pt
const SMALL_HALF_POINTS: usize = 18; // 9 pt: header and footer
const TWIPS_PER_PT: f32 = 20.0;
/// Where a right block starts.
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
        WordStyle::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
    };
    docx.add_style(
        WordStyle::new("Normal", StyleType::Paragraph)
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
        WordStyle::new("TabellaDati", StyleType::Table)
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

/// `s` with every character XML 1.0 cannot hold (control characters but
/// tab and line break, U+FFFE, U+FFFF) as U+FFFD.
pub(super) fn xml_chars(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

pub(super) fn xml_escape(s: &str) -> String {
    xml_chars(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The core properties part, with title, author, subject and language.
fn core_xml(meta: &Meta, created: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><cp:keywords>{}</cp:keywords><dc:language>{}</dc:language><cp:lastModifiedBy>{}</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">{}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{}</dcterms:modified><cp:revision>1</cp:revision></cp:coreProperties>"#,
        xml_escape(&meta.title),
        xml_escape(&meta.subject),
        xml_escape(&meta.author),
        xml_escape(&meta.keywords.join(", ")),
        xml_escape(&meta.language),
        xml_escape(&meta.author),
        xml_escape(created),
        xml_escape(created),
    )
    .into_bytes()
}

/// The styles part as Word should read it: the document's language (Italian)
/// as the language of the text (spell checking, hyphenation), and one
/// "Normal" style, ours (docx-rs always writes an empty one first, which
/// would hide it).
fn with_language(styles_xml: Vec<u8>, language: &str) -> Vec<u8> {
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
        &format!(
            r#"<w:lang w:val="{language}" w:eastAsia="{language}" w:bidi="ar-SA" /></w:rPr></w:rPrDefault>"#
        ),
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
fn package(docx: Docx, meta: &Meta, edit: impl FnOnce(String) -> String) -> Result<Vec<u8>> {
    let mut xml = docx.build();
    let created = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    xml.doc_props.core = core_xml(meta, &created);
    xml.styles = with_language(xml.styles, &meta.language);
    xml.document = edit(String::from_utf8_lossy(&xml.document).into_owned()).into_bytes();
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| Error::Io {
        message: format!("Scrittura del DOCX non riuscita: {e}"),
    })?;
    Ok(out.into_inner())
}

const TWIPS: f32 = 20.0;
/// Where the marked paragraphs are replaced by XML docx-rs cannot write.
const MARK: &str = "@@CDP-REPORT-";
/// The header row's height, a mark replaced by `w:tblHeader`.
const HEADER_ROW_MARK: &str = r#"<w:trHeight w:val="1" w:hRule="atLeast" />"#;

fn hex(c: Rgb) -> String {
    format!("{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn twips(points: f32) -> i32 {
    (points * TWIPS).round() as i32
}

fn docx_margin(size: PageSize) -> PageMargin {
    let (l, r, t, b) = size.margins();
    PageMargin::new()
        .top(twips(t + HEADER_BAND))
        .bottom(twips(b))
        .left(twips(l))
        .right(twips(r))
        .header(twips(t))
        .footer(twips(b - FOOTER_DROP - 8.0))
}

/// The section properties of a section of `size`, with the header and footer references.
fn sect_pr(size: PageSize, refs: &str) -> String {
    let (w, h) = size.points();
    let (l, r, t, b) = size.margins();
    let orient = if size.is_landscape() {
        r#" w:orient="landscape""#
    } else {
        ""
    };
    format!(
        r#"<w:sectPr>{refs}<w:pgSz w:w="{}" w:h="{}"{orient} /><w:pgMar w:top="{}" w:right="{}" w:bottom="{}" w:left="{}" w:header="{}" w:footer="{}" w:gutter="0" /></w:sectPr>"#,
        twips(w),
        twips(h),
        twips(t + HEADER_BAND),
        twips(r),
        twips(b),
        twips(l),
        twips(t),
        twips(b - FOOTER_DROP - 8.0),
    )
}

fn cell_align(a: CellAlign) -> AlignmentType {
    match a {
        CellAlign::Left => AlignmentType::Left,
        CellAlign::Center => AlignmentType::Center,
        CellAlign::Right => AlignmentType::Right,
    }
}

fn docx_borders() -> TableBorders {
    let mut borders = TableBorders::new();
    for pos in [
        TableBorderPosition::Top,
        TableBorderPosition::Bottom,
        TableBorderPosition::Left,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ] {
        borders = borders.set(
            TableBorder::new(pos)
                .border_type(BorderType::Single)
                .size(4)
                .color(hex(RULE)),
        );
    }
    borders
}

fn cell_paragraphs(
    mut cell: TableCell,
    paragraphs: &[Vec<Span>],
    a: CellAlign,
    bold: bool,
    size: f32,
) -> TableCell {
    let half_points = (size * 2.0).round() as usize;
    let paragraphs: &[Vec<Span>] = if paragraphs.is_empty() {
        &[vec![]]
    } else {
        paragraphs
    };
    for p in paragraphs {
        let para = p.iter().fold(
            Paragraph::new()
                .align(cell_align(a))
                .line_spacing(spacing(0, 0).line(twips(size * CELL_LEADING))),
            |para, s| {
                let mut run = Run::new().add_text(&s.text).size(half_points);
                if s.bold || bold {
                    run = run.bold();
                }
                if s.italic {
                    run = run.italic();
                }
                para.add_run(run)
            },
        );
        cell = cell.add_paragraph(para);
    }
    cell
}

fn docx_table(t: &Table, text_width: f32) -> WordTable {
    let n = t.columns.len().max(1);
    let total: f32 = t.columns.iter().map(|c| c.share.max(0.0)).sum();
    let grid: Vec<usize> = t
        .columns
        .iter()
        .map(|c| {
            let share = if total > 0.0 {
                c.share.max(0.0) / total
            } else {
                1.0 / n as f32
            };
            twips(text_width * share).max(1) as usize
        })
        .collect();
    let size = if t.size > 0.0 { t.size } else { 9.0 };
    let shade = |c: TableCell, fill: Option<Rgb>| match fill {
        Some(f) => c.shading(Shading::new().fill(hex(f))),
        None => c,
    };
    let header = TableRow::new(
        t.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let cell = TableCell::new().width(grid[i], WidthType::Dxa);
                shade(
                    cell_paragraphs(cell, &[span(&c.header, true)], c.align, true, size),
                    t.header_fill,
                )
            })
            .collect(),
    )
    .cant_split()
    .row_height(1.0)
    .height_rule(docx_rs::HeightRule::AtLeast);
    let mut rows = vec![header];
    for row in &t.rows {
        let cells = if row.group {
            let empty = Cell::default();
            let c = row.cells.first().unwrap_or(&empty);
            let cell = TableCell::new()
                .width(grid.iter().sum(), WidthType::Dxa)
                .grid_span(n);
            vec![shade(
                cell_paragraphs(cell, &c.paragraphs, CellAlign::Left, true, size),
                Some(row.fill.unwrap_or(GROUP_FILL)),
            )]
        } else {
            (0..n)
                .map(|i| {
                    let cell =
                        TableCell::new().width(grid.get(i).copied().unwrap_or(1), WidthType::Dxa);
                    let paragraphs = row
                        .cells
                        .get(i)
                        .map(|c| c.paragraphs.as_slice())
                        .unwrap_or(&[]);
                    let a = t.columns.get(i).map(|c| c.align).unwrap_or_default();
                    shade(cell_paragraphs(cell, paragraphs, a, false, size), row.fill)
                })
                .collect()
        };
        rows.push(TableRow::new(cells).cant_split());
    }
    WordTable::new(rows)
        .set_grid(grid)
        .set_borders(docx_borders())
        .width(twips(text_width).max(1) as usize, WidthType::Dxa)
}

fn marked(docx: Docx, what: &str) -> Docx {
    docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(format!("{MARK}{what}@@"))))
}

/// Replaces the paragraph holding `mark` with `xml`.
fn replace_paragraph(doc: &mut String, mark: &str, xml: &str) {
    let Some(at) = doc.find(mark) else {
        return;
    };
    let start = doc[..at]
        .rfind("<w:p>")
        .into_iter()
        .chain(doc[..at].rfind("<w:p "))
        .max();
    let end = doc[at..].find("</w:p>").map(|e| at + e + "</w:p>".len());
    if let (Some(start), Some(end)) = (start, end) {
        doc.replace_range(start..end, xml);
    }
}

/// The page margins of a section of `size`: an act's as Word offices use
/// them, a report's as in the PDF (header band and footer included).
fn page_margin(style: Style, size: PageSize) -> PageMargin {
    match style {
        Style::Act => PageMargin::new()
            .top(1700)
            .bottom(1400)
            .left(1418)
            .right(1134)
            .header(700)
            .footer(600),
        Style::Report => docx_margin(size),
    }
}

/// Signature blocks side by side, as the PDF prints them: one column per
/// block and one row per line, so that the same line of every block (the
/// office, the qualification, the name) starts at the same height however
/// another block's line wraps; the rows kept together on one page.
fn signature_table(group: &[&Vec<Spans>], text_twips: usize) -> WordTable {
    let w = text_twips / group.len();
    let rows = group.iter().map(|lines| lines.len()).max().unwrap_or(0);
    let table_rows = (0..rows)
        .map(|r| {
            let cells = group
                .iter()
                .map(|lines| {
                    let p = Paragraph::new().style("Firma").keep_next(r + 1 < rows);
                    let p = match lines.get(r) {
                        Some(line) => runs(p, line, false),
                        None => p,
                    };
                    TableCell::new().width(w, WidthType::Dxa).add_paragraph(p)
                })
                .collect();
            TableRow::new(cells).cant_split()
        })
        .collect();
    WordTable::new(table_rows)
        .set_borders(TableBorders::new().clear_all())
        .set_grid(vec![w; group.len()])
}

fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(docx_rs::BreakType::Page))
}

/// The document as DOCX: the blocks as Word paragraphs with named styles,
/// lists as Word numbering, label/value and ruled tables as real Word
/// tables (header row repeated: `w:tblHeader`; shading), signatures side by
/// side, a section per change of page size (landscape where needed), a TOC
/// field for `Block::Toc` (Word fills page numbers; the entries are written
/// as text too, with the PDF's numbers). An element becomes its fallback
/// blocks (a drawing's texts in reading order under a note).
pub fn write(doc: &Document, meta: &Meta) -> Result<Vec<u8>> {
    // Elements as their fallback text, decorations as their foot; and
    // since XML 1.0 cannot hold a control character even escaped, one that
    // came in before the text rule refused them is written as «�», visibly.
    let mut safe = super::element::for_docx(doc);
    safe.map_text(xml_chars);
    let doc = &safe;
    let style = doc.style;
    let (header, footer) = header_footer(&doc.header);
    let mut docx = styles(
        Docx::new()
            .default_fonts(fonts())
            .default_size((body_size(style) * 2.0) as usize)
            .header(header)
            .footer(footer),
    );
    if style == Style::Act {
        docx = numbering(docx);
    }
    // Each list has its own numbering instance; a numbered one restarts at 1.
    let mut next_numbering = FIRST_LIST;
    // Sections that end before the last: (mark, size).
    let mut sections: Vec<(String, PageSize)> = Vec::new();
    let mut size = doc.size;
    let mut has_toc = false;
    let break_section = |docx: Docx, from: PageSize, sections: &mut Vec<(String, PageSize)>| {
        let id = format!("SECT{}", sections.len());
        sections.push((format!("{MARK}{id}@@"), from));
        marked(docx, &id)
    };
    let text_twips = twips(style.text_width(size)) as usize;

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
                docx = docx.add_paragraph(spaced(Paragraph::new().keep_next(true), 12, 0));
                docx = docx.add_table(signature_table(&group, text_twips));
                continue;
            }
        }
        match block {
            Block::Heading { level, spans, .. } => match style {
                Style::Act => {
                    let name = match level {
                        1 if bi == 0 => "Title",
                        1 => "Heading1",
                        _ => "Heading2",
                    };
                    let p = Paragraph::new().style(name).keep_next(true);
                    docx = docx.add_paragraph(runs(p, spans, false));
                }
                Style::Report => {
                    let name = if *level <= 1 { "Heading1" } else { "Heading2" };
                    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
                    docx = docx.add_paragraph(
                        Paragraph::new()
                            .style(name)
                            .align(AlignmentType::Left)
                            .keep_next(true)
                            .add_run(Run::new().add_text(text)),
                    );
                }
            },
            Block::Paragraph { spans } => {
                let p = match style {
                    // A short paragraph before a signature or a list keeps
                    // with it; a signed text (a parere) with its place and
                    // date, which keep with the signature.
                    Style::Act => Paragraph::new().widow_control(true).keep_next(matches!(
                        (doc.blocks.get(bi + 1), doc.blocks.get(bi + 2)),
                        (Some(Block::Signature { .. } | Block::List { .. }), _)
                            | (Some(Block::Paragraph { .. }), Some(Block::Signature { .. }))
                    )),
                    Style::Report => Paragraph::new()
                        .align(AlignmentType::Both)
                        .widow_control(true),
                };
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
                let width = style.text_width(size);
                let label_w = (text_twips as f32 * table_label_share(rows, width)) as usize;
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
                                .width(text_twips - label_w, WidthType::Dxa)
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
                    WordTable::new(table_rows)
                        .style("TabellaDati")
                        .set_borders(table_borders())
                        .set_grid(vec![label_w, text_twips - label_w]),
                );
            }
            Block::Signature { lines } => {
                // Centred over the right half of the text, as in the PDF.
                let half = (text_twips / 2) as i32;
                for (i, line) in lines.iter().enumerate() {
                    let p = Paragraph::new()
                        .style("Firma")
                        .indent(Some(half), None, None, None)
                        .keep_next(i + 1 < lines.len());
                    docx = docx.add_paragraph(spaced(
                        runs(p, line, false),
                        if i == 0 { 24 } else { 0 },
                        0,
                    ));
                }
            }
            Block::PageBreak { size: new } => match new {
                Some(s) if *s != size => {
                    docx = break_section(docx, size, &mut sections);
                    size = *s;
                }
                _ => docx = docx.add_paragraph(page_break()),
            },
            Block::Fields(pairs) => {
                let text_width = size.content().0;
                let label = twips(text_width * 0.3) as usize;
                let value = twips(text_width) as usize - label;
                // Kept on one page, as the PDF keeps it: each row with the next.
                let rows = pairs
                    .iter()
                    .enumerate()
                    .map(|(i, (l, v))| {
                        let keep = i + 1 < pairs.len();
                        TableRow::new(vec![
                            TableCell::new().width(label, WidthType::Dxa).add_paragraph(
                                Paragraph::new()
                                    .align(AlignmentType::Left)
                                    .keep_next(keep)
                                    .add_run(Run::new().add_text(l).bold()),
                            ),
                            TableCell::new()
                                .width(value, WidthType::Dxa)
                                .add_paragraph(runs(
                                    Paragraph::new().align(AlignmentType::Left).keep_next(keep),
                                    v,
                                    false,
                                )),
                        ])
                        .cant_split()
                    })
                    .collect();
                docx = docx.add_table(
                    WordTable::new(rows)
                        .set_borders(TableBorders::new().clear_all())
                        .set_grid(vec![label, value]),
                );
            }
            Block::Grid(t) => {
                if !t.columns.is_empty() {
                    docx = docx.add_table(docx_table(t, size.content().0));
                    docx = docx.add_paragraph(Paragraph::new());
                }
            }
            Block::Toc => {
                has_toc = true;
                docx = marked(docx, "TOC");
            }
            Block::Space(points) => {
                if *points > 0.0 {
                    docx = docx.add_paragraph(
                        Paragraph::new().line_spacing(
                            docx_rs::LineSpacing::new()
                                .before(0)
                                .after(0)
                                .line(twips(*points).max(20))
                                .line_rule(docx_rs::LineSpacingType::Exact),
                        ),
                    );
                }
            }
            Block::Styled(s) => {
                for (i, line) in s.lines.iter().enumerate() {
                    let indent = (text_twips as f32 * s.from.clamp(0.0, 0.9)) as i32;
                    let p = Paragraph::new()
                        .align(cell_align(s.align))
                        .indent(Some(indent), None, None, None)
                        .keep_next(i + 1 < s.lines.len());
                    let p = line.iter().fold(p, |p, sp| {
                        let mut run = Run::new()
                            .add_text(&sp.text)
                            .size((s.size * 2.0).round() as usize)
                            .color(hex(s.color));
                        if sp.bold {
                            run = run.bold();
                        }
                        if sp.italic {
                            run = run.italic();
                        }
                        p.add_run(run)
                    });
                    let before = if i == 0 { s.before.round() as u32 } else { 0 };
                    docx = docx.add_paragraph(
                        p.line_spacing(LineSpacing::new().before(before * 20).after(0)),
                    );
                }
            }
            // A picture (a chart) as an image; the rest replaced by `for_docx`.
            Block::Element(c) => {
                if c.0.alt().is_some() {
                    let w = c.0.picture_width();
                    let h = c.0.height(w, f32::MAX);
                    let png = super::picture::png(&c.0.draw(w, h), w, h)?;
                    let emu = |pt: f32| (pt * 12700.0).round() as u32;
                    // The size is known: no image decoding (docx-rs's `image`
                    // feature, off, would read the PNG back for it).
                    let pic = Pic::new_with_dimensions(png.bytes, png.width_px, png.height_px)
                        .size(emu(w), emu(h));
                    docx = docx.add_paragraph(
                        Paragraph::new()
                            .add_run(Run::new().add_image(pic))
                            .keep_next(true),
                    );
                }
            }
            Block::Decoration(_) => {}
        }
    }
    // The last section's page.
    let (w, h) = size.points();
    docx = docx
        .page_size(twips(w) as u32, twips(h) as u32)
        .page_margin(page_margin(style, size));
    if size.is_landscape() {
        docx = docx.page_orient(PageOrientationType::Landscape);
    }
    // The table of contents as a field, its entries with the PDF's page numbers.
    let toc_xml = if has_toc {
        let entries = toc_numbers(doc);
        let tab = twips(doc.size.content().0);
        let begin = r#"<w:r><w:fldChar w:fldCharType="begin" w:dirty="true" /></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-3" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate" /></w:r>"#;
        let end = r#"<w:r><w:fldChar w:fldCharType="end" /></w:r>"#;
        if entries.is_empty() {
            format!("<w:p>{begin}{end}</w:p>")
        } else {
            let n = entries.len();
            entries
                .iter()
                .enumerate()
                .map(|(i, (level, text, page))| {
                    let indent = twips(TOC_INDENT * f32::from(level.saturating_sub(1).min(3)));
                    let b = if *level <= 1 { "<w:b />" } else { "" };
                    format!(
                        r#"<w:p><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{tab}" /></w:tabs><w:spacing w:before="40" w:after="0" /><w:ind w:left="{indent}" /></w:pPr>{}<w:r><w:rPr>{b}</w:rPr><w:t xml:space="preserve">{}</w:t></w:r><w:r><w:tab /></w:r><w:r><w:rPr>{b}</w:rPr><w:t>{page}</w:t></w:r>{}</w:p>"#,
                        if i == 0 { begin } else { "" },
                        xml_escape(text),
                        if i + 1 == n { end } else { "" },
                    )
                })
                .collect()
        }
    } else {
        String::new()
    };
    package(docx, meta, |mut doc| {
        // The header and footer references of the last section, for every section.
        let refs: String = doc
            .rfind("<w:sectPr")
            .map(|at| {
                let tail = &doc[at..];
                let mut refs = String::new();
                for tag in ["<w:headerReference", "<w:footerReference"] {
                    if let Some(s) = tail.find(tag) {
                        if let Some(e) = tail[s..].find("/>") {
                            refs.push_str(&tail[s..s + e + 2]);
                        }
                    }
                }
                refs
            })
            .unwrap_or_default();
        for (mark, size) in &sections {
            let xml = format!("<w:p><w:pPr>{}</w:pPr></w:p>", sect_pr(*size, &refs));
            replace_paragraph(&mut doc, mark, &xml);
        }
        replace_paragraph(&mut doc, &format!("{MARK}TOC@@"), &toc_xml);
        doc.replace(HEADER_ROW_MARK, "<w:tblHeader />")
    })
}
