//! What the files of the communications are, for the shell's dialogs.

use crate::file_spec::OpenSpec;

/// A file to attach to a communication.
pub const ATTACHMENT: OpenSpec = OpenSpec {
    title: "Allega un file alla comunicazione",
    filter_label: "Documenti",
    extensions: &[
        "pdf", "p7m", "docx", "odt", "xlsx", "ods", "csv", "ics", "txt", "zip", "png", "jpg",
        "jpeg",
    ],
};

/// PEC receipts saved from the webmail.
pub const RECEIPTS: OpenSpec = OpenSpec {
    title: "Importa le ricevute PEC (file .eml)",
    filter_label: "Ricevute PEC (.eml)",
    extensions: &["eml"],
};

/// The folder the `.eml` files and their CSV go to.
pub fn eml_folder_title(recipients: usize) -> String {
    format!("Cartella dove salvare i {recipients} messaggi (.eml) e l'elenco CSV")
}
