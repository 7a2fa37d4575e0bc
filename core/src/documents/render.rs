//! The one entry point of the engine: a [`Document`] rendered in a
//! [`Format`] with its [`Meta`]. Every builder of every domain calls
//! [`render`]; nothing else writes a PDF or a DOCX.

use serde::{Deserialize, Serialize};

use super::meta::Meta;
use super::model::Document;
use crate::error::Result;

/// The two formats a document is given in.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
// Named `DocFormat` in the generated contract, beside the exports' `Format`
// (JSON does not write a type's name).
#[serde(rename = "DocFormat", rename_all = "snake_case")]
pub enum Format {
    /// PDF/A-2b, to sign and archive.
    Pdf,
    /// An editable Word document.
    Docx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
}

/// A rendered document: its bytes and its pages (0 for a DOCX, which Word paginates).
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// A document built from the archive's data, to be rendered once the
/// archive's lock is released (the commands read under the lock, render
/// without it): its model, format and properties.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub doc: Document,
    pub format: Format,
    pub meta: Meta,
}

impl Prepared {
    pub fn render(&self) -> Result<Rendered> {
        render(&self.doc, self.format, &self.meta)
    }
}

/// The characters of `doc` that the PDF's fonts cannot print.
pub fn unprintable(doc: &Document) -> Vec<char> {
    let text = std::cell::RefCell::new(String::new());
    doc.clone().map_text(|s| {
        text.borrow_mut().push_str(s);
        s.to_string()
    });
    // An element's text (a month grid's events) is drawn as given: its
    // fallback blocks hold the same text.
    for b in &doc.blocks {
        if let super::model::Block::Element(c) = b {
            Document {
                blocks: c.0.fallback(),
                ..Default::default()
            }
            .map_text(|s| {
                text.borrow_mut().push_str(s);
                s.to_string()
            });
        }
    }
    crate::fonts::fonts().missing_chars(&text.into_inner())
}

/// Lays out and writes `doc`. A PDF whose text holds characters the fonts
/// cannot print is refused with their list: a document never prints less
/// than the archive holds without saying so (the text rule refuses them
/// when typed; this catches what came in before it, or from a file).
pub fn render(doc: &Document, format: Format, meta: &Meta) -> Result<Rendered> {
    match format {
        Format::Pdf => {
            let missing = unprintable(doc);
            if !missing.is_empty() {
                let list = missing
                    .iter()
                    .take(10)
                    .map(|c| format!("«{c}» (U+{:04X})", *c as u32))
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(crate::error::Error::validation(
                    "document",
                    format!("Il documento contiene caratteri che il carattere tipografico non può stampare: {list}. Correggere i dati che li contengono (o scegliere il formato Word)."),
                ));
            }
            let pages = super::compose::compose(doc);
            Ok(Rendered {
                bytes: super::pdf::write(&pages, meta)?,
                pages: pages.len(),
            })
        }
        Format::Docx => Ok(Rendered {
            bytes: super::docx::write(doc, meta)?,
            pages: 0,
        }),
    }
}
