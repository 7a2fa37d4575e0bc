//! The attestati of an event written into a folder through the one batch
//! writer. Numbers, PDFs, files and the register's rows make one
//! transaction: cancelled (or failed) at any point, nothing is issued, no
//! number is used, and the files already written are removed.

use std::path::Path;

use serde::Serialize;

use super::attestati::Certificate;
use super::attestati_pdf::issue_and_render;
use crate::documents::batch::{self, BatchReport, BatchSource, Entry, ItemOutcome, OnExisting};
use crate::documents::register::{self, NewDocument};
use crate::documents::Format;
use crate::error::{Error, Result};
use crate::job::{CancelToken, Progress};
use crate::Store;

/// The register's kind of an attestato.
pub const ATTESTATO_KIND: &str = "attestato";
pub const ATTESTATO_LABEL: &str = "Attestato di partecipazione";

/// What issuing an event's attestati into a folder did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IssuedFiles {
    /// The attestati issued, in name order.
    pub issued: Vec<Certificate>,
    pub report: BatchReport,
    /// The files not written because one of the same name was there (with
    /// «salta»): their attestati are issued and can be printed from the register.
    pub not_written: Vec<String>,
    /// What must be done before the files are sent (they carry the digital
    /// signature's formula and must be signed first), if anything.
    pub to_do: Option<String>,
}

/// The rendered attestati: the batch only writes them.
struct Issued(Vec<(Certificate, Vec<u8>, String)>);

impl BatchSource for Issued {
    type Item = (Certificate, Vec<u8>, String);

    fn items(&self) -> &[Self::Item] {
        &self.0
    }

    fn entry(&self, (c, _, name): &Self::Item) -> Entry {
        Entry {
            key: c.label.clone(),
            label: c.participant.clone(),
            file_name: name.clone(),
        }
    }

    fn render(&self, (_, bytes, _): &Self::Item) -> Result<Vec<u8>> {
        Ok(bytes.clone())
    }
}

impl Store {
    /// Issues the attestati of every present participant of an event
    /// without one (dated `today`, numbered in its year without gaps) and
    /// writes them into `folder`, a file of the same name treated as
    /// `on_existing` says. `progress` counts the attestati issued; the
    /// token cancels. All in one transaction: a cancel, or a file that
    /// cannot be written, leaves nothing issued and no file behind.
    pub fn issue_event_certificates_to(
        &mut self,
        event_id: i64,
        issued_on: &str,
        folder: &Path,
        on_existing: OnExisting,
        progress: &(dyn Fn(Progress) + Sync),
        cancel: &CancelToken,
    ) -> Result<IssuedFiles> {
        self.held_event(event_id)?;
        let issued = self.issue_date(issued_on)?;
        if !folder.is_dir() {
            return Err(Error::validation(
                "folder",
                format!("La cartella {} non esiste.", folder.display()),
            ));
        }
        let mut written: Vec<std::path::PathBuf> = Vec::new();
        let result = self.action(|tx, op| {
            let rendered = Issued(issue_and_render(tx, op, event_id, issued, &mut |done, total| {
                progress(Progress { done, total });
                !cancel.is_cancelled()
            })?);
            let done = batch::run(&rendered, folder, on_existing, &|_| {}, cancel)?;
            written = done.files.iter().map(|f| f.path.clone()).collect();
            if done.report.cancelled {
                return Err(Error::Cancelled {
                    message: "Rilascio degli attestati annullato: nessun attestato è stato numerato né salvato.".into(),
                });
            }
            if let Some(e) = done.report.items.iter().find_map(|i| i.error.clone()) {
                return Err(Error::io(format!(
                    "Attestati non salvati: {e} Nessun attestato è stato rilasciato."
                )));
            }
            let report = done.report;
            let docs = done.files.iter().map(|f| NewDocument {
                istat: None,
                comune: None,
                kind: ATTESTATO_KIND,
                label: ATTESTATO_LABEL,
                template_id: None,
                format: Format::Pdf,
                path: &f.path,
                bytes: &f.bytes,
            });
            register::record_batch(
                tx,
                op,
                docs,
                &serde_json::json!({ "kind": ATTESTATO_KIND, "event_id": event_id, "folder": report.folder, "written": report.written, "replaced": report.replaced, "suffixed": report.suffixed, "skipped": report.skipped }),
            )?;
            let not_written = rendered
                .0
                .iter()
                .zip(&report.items)
                .filter(|(_, i)| i.outcome == ItemOutcome::Skipped)
                .map(|((_, _, name), _)| name.clone())
                .collect();
            let to_do = super::training_settings(tx)?.sign_digitally.then(|| {
                format!(
                    "Gli attestati riportano la dicitura della firma digitale: firmarli digitalmente (PAdES) prima di inviarli ({} file in {}).",
                    report.written + report.replaced + report.suffixed,
                    report.folder
                )
            });
            Ok(IssuedFiles {
                issued: rendered.0.into_iter().map(|(c, _, _)| c).collect(),
                report,
                not_written,
                to_do,
            })
        });
        if result.is_err() {
            for path in &written {
                let _ = std::fs::remove_file(path);
            }
        }
        result
    }
}
