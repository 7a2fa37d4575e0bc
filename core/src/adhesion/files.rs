//! What the adhesion domain's files are: the register's export, its acts.

use chrono::NaiveDate;

use crate::adhesion::documents::{BatchKind, DocKind};
use crate::documents::DocFormat;
use crate::error::Result;
use crate::file_spec::FileSpec;
use crate::io::Format;
use crate::Store;

/// The adhesion register as filtered.
pub fn register_export(format: Format, today: NaiveDate) -> FileSpec {
    FileSpec::table(
        "Registro_adesioni",
        "registro delle adesioni",
        format,
        today,
    )
}

/// The folder dialog's title for a batch of `kind` for `n` comuni.
pub fn batch_folder_title(kind: BatchKind, n: usize) -> String {
    format!("Cartella per {} ({n} comuni)", kind.label())
}

impl Store {
    /// One act of a comune, as the save dialog proposes it.
    pub fn act_file(&self, kind: DocKind, istat: &str, format: DocFormat) -> Result<FileSpec> {
        let name = self.document_file_name(kind, istat, format)?;
        Ok(FileSpec::named_document(
            name,
            format!("Salva {}", kind.label()),
            format,
        ))
    }
}
