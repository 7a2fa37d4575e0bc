//! What the PIAO domain's files are: names, dialog titles, filters.

use crate::documents::Format as DocFormat;
use crate::file_spec::FileSpec;
use crate::io::Format;
use crate::risks::schede::file_stem;

use super::section::section_stem;

/// A comune's section 2.3.
pub fn section(comune: &str, format: DocFormat) -> FileSpec {
    FileSpec::document(
        &section_stem(comune),
        format!("Salva la sottosezione 2.3 del PIAO di {comune}"),
        format,
    )
}

/// The folder dialog's title for a batch of `n` sections.
pub fn sections_folder_title(n: usize) -> String {
    if n == 1 {
        "Cartella per 1 sottosezione 2.3".to_string()
    } else {
        format!("Cartella per {n} sottosezioni 2.3")
    }
}

fn relazione_stem(comune: &str, year: i32) -> String {
    format!("Relazione_RPCT_{year}_{}", file_stem(comune))
}

/// The relazione as ANAC's workbook.
pub fn relazione_xlsx(comune: &str, year: i32) -> FileSpec {
    FileSpec::table_titled(
        &format!(
            "{}.{}",
            relazione_stem(comune, year),
            Format::Xlsx.extension()
        ),
        format!("Salva la relazione del RPCT {year} di {comune} sul modello ANAC"),
        Format::Xlsx,
    )
}

/// The relazione as a document for the records.
pub fn relazione_document(comune: &str, year: i32, format: DocFormat) -> FileSpec {
    FileSpec::document(
        &relazione_stem(comune, year),
        format!("Salva la relazione del RPCT {year} di {comune}"),
        format,
    )
}
