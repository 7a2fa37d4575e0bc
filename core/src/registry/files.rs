//! What the registry's files are: the comuni's export, the files it imports.

use chrono::NaiveDate;

use crate::file_spec::{FileSpec, OpenSpec};
use crate::io::Format;

/// The list of comuni as filtered.
pub fn comuni_export(format: Format, today: NaiveDate) -> FileSpec {
    FileSpec::table("Comuni", "elenco comuni", format, today)
}

/// The file of an import: ISTAT's list of comuni (`istat`) or referents and contacts.
pub fn import_file(istat: bool) -> OpenSpec {
    OpenSpec {
        title: if istat {
            "Importa l'elenco dei comuni dell'ISTAT"
        } else {
            "Importa referenti e contatti"
        },
        filter_label: "Fogli di calcolo e CSV",
        extensions: &["csv", "txt", "xlsx", "xls", "xlsm", "ods"],
    }
}
