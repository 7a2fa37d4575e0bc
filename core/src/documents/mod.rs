//! Documents: the engine, which knows no domain. Templates (`template.rs`,
//! filled from any context that names its placeholders) kept in one
//! versioned store (`store.rs`, keyed by a kind the domain owns), typeset
//! into PDF/A-2b with printpdf and written as editable DOCX, many at once
//! through one batch writer (`batch.rs`), and the register of what was
//! generated (`register.rs`: kind, template version, SHA-256 of each file,
//! and what may be opened).

pub mod batch;
pub mod docx;
pub mod fonts;
pub mod layout;
pub mod markup;
pub mod pdf;
pub mod register;
pub mod report;
pub mod store;
pub mod template;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use template::Placeholders;

/// This domain's part of the archive. The templates and the register of the documents.
pub(crate) const DOMAIN: crate::db::Domain<crate::Store> = crate::db::Domain {
    name: "documents",
    migrations: &[
        crate::db::Migration {
            number: 3,
            name: "0003_documents",
            sql: include_str!("../../migrations/0003_documents.sql"),
        },
        crate::db::Migration {
            number: 10,
            name: "0010_document_register",
            sql: include_str!("../../migrations/0010_document_register.sql"),
        },
    ],
    seed: None,
};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DocFormat {
    Pdf,
    Docx,
}

impl DocFormat {
    pub fn extension(self) -> &'static str {
        match self {
            DocFormat::Pdf => "pdf",
            DocFormat::Docx => "docx",
        }
    }
}

/// What the preview shows: the filled document's blocks.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Preview {
    pub title: String,
    pub header: Vec<String>,
    pub blocks: Vec<markup::Block>,
    pub text: String,
}

/// A generated file in memory, before it is written.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Fills, checks and parses a template for a context that names its placeholders.
pub fn fill<C: Placeholders>(body: &str, ctx: &C) -> Result<markup::Document> {
    fill_with(body, ctx, &C::placeholders())
}

/// [`fill`] with any serialisable context and the placeholders it provides.
pub fn fill_with<T: Serialize>(
    body: &str,
    ctx: &T,
    known: &std::collections::BTreeSet<String>,
) -> Result<markup::Document> {
    template::check_with(body, known)?;
    // The markup is parsed with each value as an opaque token, then the
    // values are put back: data never acts as markup.
    let filled = template::fill_marked_with(body, ctx)?;
    let mut doc = markup::parse(&filled.text)?;
    doc.map_text(|s| markup::typographic(&filled.resolve(s)));
    let text = filled.plain();
    let missing = fonts::fonts().missing_chars(&text);
    if !missing.is_empty() {
        let list: String = missing
            .iter()
            .map(|c| format!("«{c}» (U+{:04X})", *c as u32))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::validation(
            "body",
            format!("Caratteri che il carattere tipografico del documento non può stampare: {list}. Sostituirli nel modello o nei dati."),
        ));
    }
    Ok(doc)
}

/// Renders a filled document in a format (`label`: the kind's name, the
/// title when the document has none).
pub fn render(
    doc: &markup::Document,
    label: &str,
    comune: &str,
    author: &str,
    format: DocFormat,
) -> Result<Rendered> {
    // The same properties in the PDF's metadata and the DOCX's.
    let title = if doc.title.is_empty() {
        label.to_string()
    } else {
        doc.title.clone()
    };
    let subject = format!("{label} – Comune di {comune}");
    let keywords: Vec<String> = vec![
        "Comunità di Pratiche".into(),
        "anticorruzione".into(),
        comune.to_string(),
    ];
    match format {
        DocFormat::Pdf => {
            let pages = layout::layout(doc);
            let meta = pdf::Metadata {
                title,
                author: author.to_string(),
                subject,
                keywords,
                created: chrono::Utc::now(),
            };
            let n = pages.len();
            Ok(Rendered {
                bytes: pdf::write_pdf(&pages, &meta)?,
                pages: n,
            })
        }
        DocFormat::Docx => Ok(Rendered {
            bytes: docx::write_docx(
                doc,
                &docx::DocxMeta {
                    title,
                    author: author.to_string(),
                    subject,
                    keywords,
                    created: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                },
            )?,
            pages: 0,
        }),
    }
}
