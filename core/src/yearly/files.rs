//! What the yearly report's files are: names, dialog titles, filters.

use crate::documents::Format as DocFormat;
use crate::file_spec::FileSpec;
use crate::io::Format;

/// The network's report of `year`.
pub fn report(year: i32, format: DocFormat) -> FileSpec {
    let title = match format {
        DocFormat::Pdf => format!("Salva la relazione annuale {year} della Comunità di Pratiche"),
        DocFormat::Docx => {
            format!("Salva la relazione annuale {year} della Comunità di Pratiche (Word)")
        }
    };
    FileSpec::document(
        &format!("Relazione_annuale_Comunita_di_Pratiche_{year}"),
        title,
        format,
    )
}

/// One figure of `year` (its key names the file) as CSV or Excel.
pub fn figure(year: i32, key: &str, title: &str, format: Format) -> FileSpec {
    FileSpec::table_titled(
        &format!("{key}_{year}.{}", format.extension()),
        match format {
            Format::Csv => format!("Esporta «{title}» in CSV"),
            Format::Xlsx => format!("Esporta «{title}» in Excel"),
        },
        format,
    )
}
