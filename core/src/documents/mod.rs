//! Documents: the engine, which knows no domain. Templates (`template.rs`,
//! filled from any context that names its placeholders) kept in one
//! versioned store (`store.rs`, keyed by a kind the domain owns), typeset
//! into PDF/A-2b by its own writer (`pdf.rs`) and written as editable DOCX, many at once
//! through one batch writer (`batch.rs`), and the register of what was
//! generated (`register.rs`: kind, template version, SHA-256 of each file,
//! and what may be opened).

pub mod batch;
pub mod chart;
pub mod compose;
pub mod docx;
pub mod draw;
pub mod element;
pub mod fonts;
pub mod lines;
pub mod markup;
pub mod meta;
pub mod model;
pub mod pdf;
pub mod picture;
pub mod register;
pub mod render;
pub mod store;
pub mod template;

pub use meta::Meta;
pub use model::Document;
pub use render::{render, Format, Prepared, Rendered};

use serde::Serialize;

use crate::error::{Error, Result};
use template::Placeholders;

/// Who every document names as its author (the PDF's Author and XMP
/// creator, the DOCX's creator and last editor): the operator named in the
/// settings, or the Segreteria Generale until one is named. Every kind takes
/// its author from here, read with the rest of its data.
pub fn author(conn: &rusqlite::Connection) -> Result<String> {
    Ok(crate::db::kv::get(conn, crate::db::kv::OPERATOR)?
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| meta::INSTITUTION.to_string()))
}

impl crate::Store {
    /// The author of the documents (see [`author`]), for a document the
    /// shell renders once the archive is released.
    pub fn document_author(&self) -> Result<String> {
        author(self.connection())
    }
}

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
        crate::db::Migration {
            number: 13,
            name: "0013_document_comune_name",
            sql: include_str!("../../migrations/0013_document_comune_name.sql"),
        },
    ],
    seed: None,
};

/// What the preview shows: the filled document's blocks.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Preview {
    pub title: String,
    pub header: Vec<String>,
    pub blocks: Vec<model::Block>,
    pub text: String,
}

/// Fills, checks and parses a template for a context that names its placeholders.
pub fn fill<C: Placeholders>(body: &str, ctx: &C) -> Result<Document> {
    fill_with(body, ctx, &C::placeholders())
}

/// [`fill`] with any serialisable context and the placeholders it provides.
pub fn fill_with<T: Serialize>(
    body: &str,
    ctx: &T,
    known: &std::collections::BTreeSet<String>,
) -> Result<Document> {
    template::check_with(body, known)?;
    // The markup is parsed with each value as an opaque token, then the
    // values are put back: data never acts as markup.
    let filled = template::fill_marked_with(body, ctx)?;
    let mut doc = markup::parse(&filled.text)?;
    doc.map_text(|s| markup::typographic(&filled.resolve(s)));
    let text = filled.plain();
    let missing = crate::fonts::fonts().missing_chars(&text);
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

/// The properties of an act for a comune (the same in the PDF and the
/// DOCX; `label`: the kind's name, the title when the document has none).
pub fn act_meta(doc: &Document, label: &str, comune: &str, author: &str) -> Meta {
    let title = if doc.title.is_empty() {
        label.to_string()
    } else {
        doc.title.clone()
    };
    Meta::new(title, format!("{label} – Comune di {comune}"))
        .by(author)
        .keywords(["Comunità di Pratiche", "anticorruzione", comune])
}
