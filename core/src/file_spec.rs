//! What a file is, as the core says it: the name proposed in the save dialog,
//! the dialog's title and its filter. Every document and export of a domain
//! comes with one, so the shell only shows the dialog and writes.

use chrono::NaiveDate;
use serde::Serialize;

use crate::documents::Format as DocFormat;
use crate::io::Format;

/// A file to be saved: its proposed name (with extension), the save dialog's
/// title, and the filter (label and extensions, the first one the default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileSpec {
    pub name: String,
    pub title: String,
    pub filter_label: String,
    pub extensions: Vec<String>,
}

/// A file made in memory, with what it is.
#[derive(Debug, Clone)]
pub struct FileOut {
    pub spec: FileSpec,
    pub bytes: Vec<u8>,
}

impl FileSpec {
    pub fn new(
        name: impl Into<String>,
        title: impl Into<String>,
        filter_label: &str,
        extensions: &[&str],
    ) -> FileSpec {
        FileSpec {
            name: name.into(),
            title: title.into(),
            filter_label: filter_label.into(),
            extensions: extensions.iter().map(|e| e.to_string()).collect(),
        }
    }

    /// A document as PDF/A or DOCX: `stem` gets the format's extension.
    pub fn document(stem: &str, title: impl Into<String>, format: DocFormat) -> FileSpec {
        let name = format!("{stem}.{}", format.extension());
        FileSpec::named_document(name, title, format)
    }

    /// A document whose full name (with extension) its builder made.
    pub fn named_document(
        name: impl Into<String>,
        title: impl Into<String>,
        format: DocFormat,
    ) -> FileSpec {
        let label = match format {
            DocFormat::Pdf => "Documento PDF/A",
            DocFormat::Docx => "Documento Word (modificabile)",
        };
        FileSpec::new(name, title, label, &[format.extension()])
    }

    /// A table (CSV or Excel) named `stem` and `today`, saved under the
    /// title «Esporta `what` in CSV/Excel».
    pub fn table(stem: &str, what: &str, format: Format, today: NaiveDate) -> FileSpec {
        let title = match format {
            Format::Csv => format!("Esporta {what} in CSV"),
            Format::Xlsx => format!("Esporta {what} in Excel"),
        };
        FileSpec::table_titled(
            &crate::io::default_file_name(stem, format, today),
            title,
            format,
        )
    }

    /// A table with its full file name and its own title.
    pub fn table_titled(name: &str, title: impl Into<String>, format: Format) -> FileSpec {
        let label = match format {
            Format::Csv => "CSV (Excel, separatore ;)",
            Format::Xlsx => "Cartella di lavoro Excel",
        };
        FileSpec::new(name, title, label, &[format.extension()])
    }

    /// The extension a name typed without one gets.
    pub fn extension(&self) -> &str {
        self.extensions.first().map(String::as_str).unwrap_or("")
    }

    pub fn with(self, bytes: Vec<u8>) -> FileOut {
        FileOut { spec: self, bytes }
    }
}

/// `stem` followed by the date `today` (`Organigramma_2026-12-07`).
pub fn dated(stem: &str, today: NaiveDate) -> String {
    format!("{stem}_{today}")
}

/// A file to choose in the open dialog: its title and filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSpec {
    pub title: &'static str,
    pub filter_label: &'static str,
    pub extensions: &'static [&'static str],
}

impl OpenSpec {
    /// Whether `path` is a file of this kind, by its extension (any case):
    /// a file dropped on a window is taken only if the dialog would offer it.
    pub fn accepts(&self, path: &std::path::Path) -> bool {
        path.extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .is_some_and(|e| self.extensions.contains(&e.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_spec_accepts_its_extensions_in_any_case() {
        let eml = OpenSpec {
            title: "Ricevute",
            filter_label: "Ricevute PEC (.eml)",
            extensions: &["eml"],
        };
        assert!(eml.accepts(std::path::Path::new("/tmp/consegna.EML")));
        assert!(!eml.accepts(std::path::Path::new("/tmp/daticert.xml")));
        assert!(!eml.accepts(std::path::Path::new("/tmp/eml")));
    }

    #[test]
    fn names_carry_their_extension_and_filter() {
        let d = FileSpec::document("Organigramma_2026-01-01", "Stampa", DocFormat::Docx);
        assert_eq!(d.name, "Organigramma_2026-01-01.docx");
        assert_eq!(d.extension(), "docx");
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let t = FileSpec::table("Comuni", "elenco comuni", Format::Csv, day);
        assert_eq!(t.name, "Comuni_2026-12-07.csv");
        assert_eq!(dated("Organigramma", day), "Organigramma_2026-12-07");
        assert_eq!(t.title, "Esporta elenco comuni in CSV");
        assert_eq!(t.filter_label, "CSV (Excel, separatore ;)");
    }
}
