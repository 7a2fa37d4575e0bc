//! The light markup of the templates, parsed into blocks that both the PDF
//! typesetter and the DOCX writer render.
//!
//! ```text
//! @titolo Proposta di deliberazione      document title (PDF metadata)
//! @intestazione Comune di Alì            a line of the running page header
//! @nuovapagina                           page break
//! # Titolo centrato                      heading
//! ## Sezione                             sub-heading
//! - voce                                 bulleted list item
//! 1. voce                                numbered list item
//! | Etichetta | Valore |                 a row of a label/value table
//! ::: centro / ::: destra / ::: firma    a block of lines (closed by :::)
//! ::: destinatari                        lines aligned left, the block set at the right
//!                                        (addressees); two ::: firma blocks in a row
//!                                        print side by side
//! **grassetto**  *corsivo*  \*           inline styles, escaped asterisk
//! ```
//! A blank line ends a paragraph; consecutive lines are joined.

use serde::Serialize;

use crate::error::{Error, Result};

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
}

pub type Spans = Vec<Span>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Align {
    Justify,
    Center,
    Right,
    /// Lines aligned left in a block set at the right of the page.
    RightBlock,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Heading {
        level: u8,
        spans: Spans,
    },
    Paragraph {
        spans: Spans,
    },
    /// Lines kept as written (centred or right-aligned blocks).
    Lines {
        align: Align,
        lines: Vec<Spans>,
    },
    List {
        ordered: bool,
        items: Vec<Spans>,
    },
    Table {
        rows: Vec<(Spans, Spans)>,
    },
    Signature {
        lines: Vec<Spans>,
    },
    PageBreak,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub title: String,
    pub header: Vec<String>,
    pub blocks: Vec<Block>,
}

impl Document {
    /// Rewrites every piece of text (title, header, spans) with `f`.
    pub fn map_text(&mut self, f: impl Fn(&str) -> String) {
        let spans = |v: &mut Spans| {
            for s in v.iter_mut() {
                s.text = f(&s.text);
            }
        };
        self.title = f(&self.title);
        for h in self.header.iter_mut() {
            *h = f(h);
        }
        for block in self.blocks.iter_mut() {
            match block {
                Block::Heading { spans: v, .. } | Block::Paragraph { spans: v } => spans(v),
                Block::Lines { lines, .. } | Block::Signature { lines } => {
                    lines.iter_mut().for_each(&spans)
                }
                Block::List { items, .. } => items.iter_mut().for_each(&spans),
                Block::Table { rows } => {
                    for (a, b) in rows.iter_mut() {
                        spans(a);
                        spans(b);
                    }
                }
                Block::PageBreak => {}
            }
        }
    }

    /// The plain text of the body, one block per paragraph: what a reader
    /// should get back from the PDF (used by the preview and the tests).
    pub fn plain_text(&self) -> String {
        let mut out = Vec::new();
        let join = |spans: &Spans| spans.iter().map(|s| s.text.as_str()).collect::<String>();
        for block in &self.blocks {
            match block {
                Block::Heading { spans, .. } | Block::Paragraph { spans } => out.push(join(spans)),
                Block::Lines { lines, .. } | Block::Signature { lines } => {
                    out.extend(lines.iter().map(join))
                }
                Block::List { ordered, items } => {
                    for (i, item) in items.iter().enumerate() {
                        let mark = if *ordered {
                            format!("{}.", i + 1)
                        } else {
                            "•".into()
                        };
                        out.push(format!("{mark} {}", join(item)));
                    }
                }
                Block::Table { rows } => {
                    for (label, value) in rows {
                        out.push(format!("{} {}", join(label), join(value)));
                    }
                }
                Block::PageBreak => {}
            }
        }
        out.join("\n")
    }
}

/// Typographic apostrophes and quotes for print: ' becomes ’, and "…"
/// becomes «…» (an opening quote after a space, a bracket or at the start).
pub fn typographic(s: &str) -> String {
    if !s.contains(['\'', '"']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        match c {
            '\'' => out.push('’'),
            '"' => {
                let opening = prev.is_none_or(|p| p.is_whitespace() || "([{«–—/".contains(p));
                out.push(if opening { '«' } else { '»' });
            }
            _ => out.push(c),
        }
        prev = Some(c);
    }
    out
}

fn err(line: usize, message: impl std::fmt::Display) -> Error {
    Error::validation("body", format!("Riga {line}: {message}"))
}

/// Parses the inline styles of one piece of text.
pub fn parse_inline(text: &str, line: usize) -> Result<Spans> {
    let mut spans: Spans = Vec::new();
    let (mut bold, mut italic) = (false, false);
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    let flush = |current: &mut String, spans: &mut Spans, bold: bool, italic: bool| {
        if !current.is_empty() {
            spans.push(Span {
                text: std::mem::take(current),
                bold,
                italic,
            });
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('*') | Some('\\') | Some('|')) => {
                current.push(chars.next().unwrap_or('\\'));
            }
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                flush(&mut current, &mut spans, bold, italic);
                bold = !bold;
            }
            '*' => {
                flush(&mut current, &mut spans, bold, italic);
                italic = !italic;
            }
            _ => current.push(c),
        }
    }
    flush(&mut current, &mut spans, bold, italic);
    if bold {
        return Err(err(line, "il grassetto «**» è aperto e non chiuso."));
    }
    if italic {
        return Err(err(
            line,
            "il corsivo «*» è aperto e non chiuso (per un asterisco scrivere \\*).",
        ));
    }
    Ok(spans)
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ") {
        return Some((false, rest));
    }
    let digits = line.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits < 4 {
        if let Some(rest) = line[digits..].strip_prefix(". ") {
            return Some((true, rest));
        }
    }
    None
}

fn table_row(line: &str, n: usize) -> Result<(Spans, Spans)> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    // Split on unescaped bars.
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'|') {
            cells.last_mut().map(|s| s.push_str("\\|"));
            chars.next();
        } else if c == '|' {
            cells.push(String::new());
        } else {
            cells.last_mut().map(|s| s.push(c));
        }
    }
    if cells.len() != 2 {
        return Err(err(
            n,
            format!(
                "una riga di tabella ha due celle, «| Etichetta | Valore |»; qui ne ha {}.",
                cells.len()
            ),
        ));
    }
    Ok((
        parse_inline(cells[0].trim(), n)?,
        parse_inline(cells[1].trim(), n)?,
    ))
}

/// Parses the markup. Errors name the line.
pub fn parse(source: &str) -> Result<Document> {
    let mut doc = Document::default();
    let mut paragraph: Vec<String> = Vec::new();
    let mut paragraph_line = 0;
    // Open ::: block: kind, opening line, lines.
    let mut fence: Option<(String, usize, Vec<Spans>)> = None;

    fn end_paragraph(doc: &mut Document, paragraph: &mut Vec<String>, line: usize) -> Result<()> {
        if !paragraph.is_empty() {
            let text = paragraph.join(" ");
            paragraph.clear();
            doc.blocks.push(Block::Paragraph {
                spans: parse_inline(&text, line)?,
            });
        }
        Ok(())
    }

    for (i, raw) in source.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end();
        let trimmed = line.trim_start();

        if let Some((kind, start, lines)) = fence.as_mut() {
            if trimmed == ":::" {
                let lines = std::mem::take(lines);
                doc.blocks.push(match kind.as_str() {
                    "centro" => Block::Lines {
                        align: Align::Center,
                        lines,
                    },
                    "destra" => Block::Lines {
                        align: Align::Right,
                        lines,
                    },
                    "destinatari" => Block::Lines {
                        align: Align::RightBlock,
                        lines,
                    },
                    _ => Block::Signature { lines },
                });
                let _ = start;
                fence = None;
            } else {
                lines.push(parse_inline(trimmed, n)?);
            }
            continue;
        }

        if trimmed.is_empty() {
            end_paragraph(&mut doc, &mut paragraph, paragraph_line)?;
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix(":::") {
            end_paragraph(&mut doc, &mut paragraph, paragraph_line)?;
            let kind = rest.trim().to_lowercase();
            if !matches!(kind.as_str(), "centro" | "destra" | "destinatari" | "firma") {
                return Err(err(
                    n,
                    format!(
                        "blocco «::: {}» sconosciuto; si possono usare «::: centro», «::: destra», «::: destinatari» e «::: firma».",
                        rest.trim()
                    ),
                ));
            }
            fence = Some((kind, n, Vec::new()));
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('@') {
            end_paragraph(&mut doc, &mut paragraph, paragraph_line)?;
            let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
            match name {
                "titolo" => doc.title = value.trim().to_string(),
                "intestazione" => doc.header.push(value.trim().to_string()),
                "nuovapagina" => doc.blocks.push(Block::PageBreak),
                _ => {
                    return Err(err(
                        n,
                        format!(
                            "comando «@{name}» sconosciuto; si possono usare @titolo, @intestazione e @nuovapagina."
                        ),
                    ))
                }
            }
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("## ") {
            end_paragraph(&mut doc, &mut paragraph, paragraph_line)?;
            doc.blocks.push(Block::Heading {
                level: 2,
                spans: parse_inline(rest.trim(), n)?,
            });
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("# ") {
            end_paragraph(&mut doc, &mut paragraph, paragraph_line)?;
            doc.blocks.push(Block::Heading {
                level: 1,
                spans: parse_inline(rest.trim(), n)?,
            });
            continue;
        }
        if trimmed.starts_with('|') {
            end_paragraph(&mut doc, &mut paragraph, paragraph_line)?;
            let row = table_row(trimmed, n)?;
            match doc.blocks.last_mut() {
                Some(Block::Table { rows }) => rows.push(row),
                _ => doc.blocks.push(Block::Table { rows: vec![row] }),
            }
            continue;
        }
        if let Some((ordered, rest)) = list_item(trimmed) {
            end_paragraph(&mut doc, &mut paragraph, paragraph_line)?;
            let spans = parse_inline(rest.trim(), n)?;
            match doc.blocks.last_mut() {
                Some(Block::List { ordered: o, items }) if *o == ordered => items.push(spans),
                _ => doc.blocks.push(Block::List {
                    ordered,
                    items: vec![spans],
                }),
            }
            continue;
        }
        // A line indented under a list item continues it.
        if line.starts_with("  ") && paragraph.is_empty() {
            if let Some(Block::List { items, .. }) = doc.blocks.last_mut() {
                if let Some(last) = items.last_mut() {
                    let more = parse_inline(trimmed, n)?;
                    last.push(Span {
                        text: " ".into(),
                        bold: false,
                        italic: false,
                    });
                    last.extend(more);
                    continue;
                }
            }
        }
        if paragraph.is_empty() {
            paragraph_line = n;
        }
        paragraph.push(trimmed.to_string());
    }
    if let Some((kind, start, _)) = fence {
        return Err(err(
            start,
            format!("il blocco «::: {kind}» aperto qui non è chiuso da una riga «:::»."),
        ));
    }
    end_paragraph(&mut doc, &mut paragraph, paragraph_line)?;
    if doc.blocks.is_empty() {
        return Err(Error::validation(
            "body",
            "Il modello è vuoto: non c'è testo da stampare.",
        ));
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks_and_styles() {
        let doc = parse(
            "@titolo Atto\n@intestazione Comune di Alì\n# OGGETTO\n\nPremesso **che** il *Comune*\nha aderito.\n\n1. uno\n2. due\n  segue\n- a\n| Ente | Comune di Alì |\n::: firma\nIl Sindaco\n:::\n",
        )
        .unwrap();
        assert_eq!(doc.title, "Atto");
        assert_eq!(doc.header, vec!["Comune di Alì"]);
        assert_eq!(doc.blocks.len(), 6);
        match &doc.blocks[1] {
            Block::Paragraph { spans } => {
                assert_eq!(spans.len(), 5);
                assert!(spans[1].bold && spans[1].text == "che");
                assert!(spans[3].italic && spans[3].text == "Comune");
                assert_eq!(spans[4].text, " ha aderito.");
            }
            b => panic!("{b:?}"),
        }
        match &doc.blocks[2] {
            Block::List {
                ordered: true,
                items,
            } => assert_eq!(items.len(), 2),
            b => panic!("{b:?}"),
        }
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("testo\n\n::: firma\nIl Sindaco\n").unwrap_err();
        assert!(e.to_string().starts_with("Riga 3:"), "{e}");
        let e = parse("uno\ndue **tre\n").unwrap_err();
        assert!(e.to_string().contains("grassetto"), "{e}");
        let e = parse("@boh x").unwrap_err();
        assert!(e.to_string().contains("@boh"), "{e}");
        let e = parse("  \n\n").unwrap_err();
        assert!(e.to_string().contains("vuoto"), "{e}");
        assert_eq!(parse("costo \\* 2").unwrap().plain_text(), "costo * 2");
    }
}
