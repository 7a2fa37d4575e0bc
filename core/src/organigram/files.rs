//! What the organigram's files are: names, dialog titles, filters.

use chrono::NaiveDate;

use super::act::ActKind;
use crate::documents::Format as DocFormat;
use crate::file_spec::{dated, FileSpec};
use crate::io::Format;

/// The people and roles in office on a day.
pub fn roles_export(format: Format, today: NaiveDate) -> FileSpec {
    FileSpec::table(
        "Organigramma_persone_e_ruoli",
        "persone e ruoli dell'organigramma",
        format,
        today,
    )
}

/// The CSV for a mail merge of a unit's people.
pub fn addresses_export(today: NaiveDate) -> FileSpec {
    FileSpec::table_titled(
        &crate::io::default_file_name("Indirizzi", Format::Csv, today),
        "Esporta gli indirizzi per la stampa unione",
        Format::Csv,
    )
}

/// The organigram drawn on one page.
pub fn chart(today: NaiveDate) -> FileSpec {
    FileSpec::document(
        &dated("Organigramma", today),
        "Stampa l'organigramma (PDF)",
        DocFormat::Pdf,
    )
}

/// «Composizione del gruppo di lavoro».
pub fn composition(format: DocFormat, today: NaiveDate) -> FileSpec {
    let title = match format {
        DocFormat::Pdf => "Salva la composizione del gruppo di lavoro (PDF)",
        DocFormat::Docx => "Salva la composizione del gruppo di lavoro (Word)",
    };
    FileSpec::document(
        &dated("Composizione_gruppo_di_lavoro", today),
        title,
        format,
    )
}

/// The draft act of constitution (or update) of the working group, in the
/// form the setting chooses (determinazione or decree).
pub fn act(kind: ActKind, format: DocFormat, today: NaiveDate) -> FileSpec {
    let (what, name) = match kind {
        ActKind::GruppoLavoro => ("determinazione", "Determina_gruppo_di_lavoro"),
        ActKind::GruppoLavoroDecreto => ("decreto", "Decreto_gruppo_di_lavoro"),
    };
    let title = match format {
        DocFormat::Pdf => format!("Salva la bozza di {what} (PDF)"),
        DocFormat::Docx => format!("Salva la bozza di {what} (Word)"),
    };
    FileSpec::document(&dated(name, today), title, format)
}
