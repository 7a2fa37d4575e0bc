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

/// Lays out and writes `doc`.
pub fn render(doc: &Document, format: Format, meta: &Meta) -> Result<Rendered> {
    match format {
        Format::Pdf => {
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
