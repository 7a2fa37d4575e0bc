//! The properties of a document (title, subject, author, keywords,
//! language), which both writers put in the file: the PDF's Info dictionary
//! and XMP, the DOCX's core properties.

/// Who writes the network's documents, when not a named operator.
pub const INSTITUTION: &str = "Città Metropolitana di Messina – Segreteria Generale";
/// The language of every document.
pub const LANGUAGE: &str = "it-IT";

/// The document's properties, written in the PDF's Info dictionary and
/// XMP and in the DOCX's core properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub title: String,
    pub subject: String,
    pub author: String,
    pub keywords: Vec<String>,
    pub language: String,
}

impl Meta {
    /// A document of the Segreteria Generale (the author is the institution).
    pub fn new(title: impl Into<String>, subject: impl Into<String>) -> Meta {
        Meta {
            title: title.into(),
            subject: subject.into(),
            author: INSTITUTION.to_string(),
            keywords: Vec::new(),
            language: LANGUAGE.to_string(),
        }
    }

    /// The same properties with another author (the operator who prepares it).
    pub fn by(mut self, author: impl Into<String>) -> Meta {
        self.author = author.into();
        self
    }

    pub fn keywords<S: Into<String>>(mut self, words: impl IntoIterator<Item = S>) -> Meta {
        self.keywords = words.into_iter().map(Into::into).collect();
        self
    }
}
