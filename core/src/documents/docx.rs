//! The same document as an editable DOCX (docx-rs), for the comune's office
//! to adapt in Word or LibreOffice: same blocks, same styles, A4, header and
//! "Pagina X di Y" footer.

use docx_rs::{
    AlignmentType, BorderType, Docx, Footer, Header, LineSpacing, NumPages, PageMargin, PageNum,
    Paragraph, Run, RunFonts, Table, TableBorder, TableBorderPosition, TableBorders, TableCell,
    TableRow, WidthType,
};

use super::fonts::DOCX_FAMILY;
use super::markup::{Align, Block, Document, Spans};
use crate::error::{Error, Result};

const BODY_HALF_POINTS: usize = 24; // 12 pt
const TWIPS_PER_PT: f32 = 20.0;
/// The text width (A4 less the margins) and where a right block starts.
const TEXT_TWIPS: usize = 9354;
const RIGHT_BLOCK_TWIPS: i32 = 4209;

fn runs(p: Paragraph, spans: &Spans, force_bold: bool) -> Paragraph {
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

fn spaced(p: Paragraph, before_pt: u32, after_pt: u32) -> Paragraph {
    p.line_spacing(
        LineSpacing::new()
            .before(before_pt * 20)
            .after(after_pt * 20)
            .line((16.0 * TWIPS_PER_PT) as i32)
            .line_rule(docx_rs::LineSpacingType::Exact),
    )
}

fn align(a: Align) -> AlignmentType {
    match a {
        Align::Justify => AlignmentType::Both,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
        Align::RightBlock => AlignmentType::Left,
    }
}

pub fn write_docx(doc: &Document) -> Result<Vec<u8>> {
    let mut header = Header::new();
    for (i, line) in doc.header.iter().enumerate() {
        let mut run = Run::new().add_text(line).size(if i == 0 { 22 } else { 20 });
        if i == 0 {
            run = run.bold();
        }
        header = header.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run));
    }
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().add_text("Pagina ").size(18))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(" di ").size(18))
            .add_num_pages(NumPages::new()),
    );
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
        .default_fonts(
            RunFonts::new()
                .ascii(DOCX_FAMILY)
                .hi_ansi(DOCX_FAMILY)
                .cs(DOCX_FAMILY),
        )
        .default_size(BODY_HALF_POINTS)
        .header(header)
        .footer(footer);

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
                                    Paragraph::new().align(AlignmentType::Center),
                                    line,
                                    false,
                                ))
                            },
                        )
                    })
                    .collect();
                docx = docx.add_paragraph(spaced(Paragraph::new(), 12, 0));
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
                // Centred, as in the PDF.
                let p = Paragraph::new()
                    .align(AlignmentType::Center)
                    .keep_next(true);
                let p = spaced(runs(p, spans, true), 10, if *level == 1 { 6 } else { 2 });
                docx = docx.add_paragraph(p);
            }
            Block::Paragraph { spans } => {
                let p = spaced(
                    runs(Paragraph::new().align(AlignmentType::Both), spans, false),
                    6,
                    0,
                )
                .widow_control(true);
                docx = docx.add_paragraph(p);
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
                for (i, item) in items.iter().enumerate() {
                    let mark = if *ordered {
                        format!("{}.", i + 1)
                    } else {
                        "•".to_string()
                    };
                    let p = Paragraph::new()
                        .align(AlignmentType::Both)
                        .indent(
                            Some(440),
                            Some(docx_rs::SpecialIndentType::Hanging(440)),
                            None,
                            None,
                        )
                        .add_run(Run::new().add_text(mark).add_tab());
                    docx =
                        docx.add_paragraph(spaced(runs(p, item, false), 3, 0).widow_control(true));
                }
            }
            Block::Table { rows } => {
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
                let table_rows = rows
                    .iter()
                    .map(|(label, value)| {
                        TableRow::new(vec![
                            TableCell::new()
                                .width(3300, WidthType::Dxa)
                                .add_paragraph(runs(Paragraph::new(), label, true)),
                            TableCell::new()
                                .width(6054, WidthType::Dxa)
                                .add_paragraph(runs(
                                    Paragraph::new().align(AlignmentType::Left),
                                    value,
                                    false,
                                )),
                        ])
                    })
                    .collect();
                docx = docx.add_table(
                    Table::new(table_rows)
                        .set_borders(borders)
                        .set_grid(vec![3300, 6054]),
                );
                docx = docx.add_paragraph(Paragraph::new());
            }
            Block::Signature { lines } => {
                for (i, line) in lines.iter().enumerate() {
                    let p = Paragraph::new()
                        .align(AlignmentType::Center)
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
    let mut out = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut out).map_err(|e| Error::Io {
        message: format!("Scrittura del DOCX non riuscita: {e}"),
    })?;
    Ok(out.into_inner())
}
