//! The attestati of an event written into a folder through the one batch
//! writer, in three steps so that nothing is rendered while the archive is
//! held: the attestati are numbered in one short transaction and read
//! ([`Store::event_certificates_job`]); the batch renders and writes their
//! files without the archive ([`CertificatesJob::run`]); the files are
//! recorded in the register in one transaction
//! ([`Store::record_event_certificates`]). If the batch is cancelled, or a
//! file or the register cannot be written, the files written are removed and
//! the numbers are taken back: deleted while they are still the last of
//! their year (the next attestati take them again, without a gap), annulled
//! if a later number was given meanwhile (a number is never given twice).
//! Killed between the steps, the attestati stay issued (in the register of
//! the attestati, to be printed again) and every file written is whole.

use std::path::Path;

use serde::Serialize;

use super::attestati::{number_event, withdraw, Certificate};
use super::attestati_pdf::prepare;
use crate::documents::batch::{
    self, par_map, BatchDone, BatchReport, BatchSource, Entry, ItemOutcome, OnExisting,
};
use crate::documents::register::{self, NewDocument};
use crate::documents::{Format, Prepared};
use crate::error::{Error, Result};
use crate::job::{CancelToken, Progress};
use crate::{audit, Store};

/// The register's kind of an attestato.
pub const ATTESTATO_KIND: &str = "attestato";
pub const ATTESTATO_LABEL: &str = "Attestato di partecipazione";

/// Why the numbers of a batch that did not end are annulled, when they
/// cannot be taken back.
const NOT_SAVED: &str =
    "Rilascio interrotto prima che gli attestati fossero salvati: numero non utilizzato.";

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

/// One numbered attestato, read from the archive, to render.
pub struct CertificateItem {
    certificate: Certificate,
    doc: Prepared,
    file_name: String,
}

/// The attestati of an event, numbered and read from the archive: the batch
/// renders and writes them without it.
pub struct CertificatesJob {
    event_id: i64,
    items: Vec<CertificateItem>,
}

impl BatchSource for CertificatesJob {
    type Item = CertificateItem;

    fn items(&self) -> &[CertificateItem] {
        &self.items
    }

    fn entry(&self, item: &CertificateItem) -> Entry {
        Entry {
            key: item.certificate.label.clone(),
            label: item.certificate.participant.clone(),
            file_name: item.file_name.clone(),
        }
    }

    fn render(&self, item: &CertificateItem) -> Result<Vec<u8>> {
        Ok(item.doc.render()?.bytes)
    }
}

impl CertificatesJob {
    /// The attestati numbered, in name order.
    pub fn issued(&self) -> Vec<Certificate> {
        self.items.iter().map(|i| i.certificate.clone()).collect()
    }

    /// Renders and writes the attestati into `folder` (in parallel), without
    /// the archive; a file of the same name is treated as `on_existing` says.
    pub fn run(
        &self,
        folder: &Path,
        on_existing: OnExisting,
        progress: &(dyn Fn(Progress) + Sync),
        cancel: &CancelToken,
    ) -> Result<BatchDone> {
        batch::run(self, folder, on_existing, progress, cancel)
    }

    /// Every attestato's PDF and file name (in parallel), without the archive.
    pub fn render_all(&self) -> Result<Vec<(Certificate, Vec<u8>, String)>> {
        par_map(&self.items, &CancelToken::new(), &|i: &CertificateItem| {
            Ok((
                i.certificate.clone(),
                i.doc.render()?.bytes,
                i.file_name.clone(),
            ))
        })
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::io("Attestato non prodotto."))))
        .collect()
    }
}

impl Store {
    /// Numbers the attestati of every present participant of an event
    /// without one (dated `issued_on`, numbered in its year without gaps) in
    /// one transaction with their audit rows, and reads them to be rendered.
    /// `progress(done, total)` returning false cancels: nothing is numbered.
    pub fn event_certificates_job(
        &mut self,
        event_id: i64,
        issued_on: &str,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<CertificatesJob> {
        self.held_event(event_id)?;
        let on = self.issue_date(issued_on)?;
        let issued = self.action(|tx, op| {
            let batch = number_event(tx, op, event_id, on, progress)?;
            audit::record(
                tx,
                op,
                "issue_batch",
                "training_event",
                &event_id.to_string(),
                None,
                Some(&serde_json::json!({
                    "attestati": batch.issued.iter().map(|c| c.label.clone()).collect::<Vec<_>>()
                })),
            )?;
            Ok(batch.issued)
        })?;
        let mut items = Vec::with_capacity(issued.len());
        for certificate in &issued {
            match prepare(&self.conn, certificate) {
                Ok((doc, file_name)) => items.push(CertificateItem {
                    certificate: certificate.clone(),
                    doc,
                    file_name,
                }),
                Err(e) => return Err(self.take_back(&issued, e)),
            }
        }
        Ok(CertificatesJob { event_id, items })
    }

    /// Records what the batch of `job` wrote in the register, in one
    /// transaction with one audit row. A batch that failed, was cancelled or
    /// could not write a file, or a register that cannot be written, leaves
    /// no file behind and its numbers taken back (see the module's note).
    pub fn record_event_certificates(
        &mut self,
        job: &CertificatesJob,
        done: Result<BatchDone>,
    ) -> Result<IssuedFiles> {
        let done = match done {
            Ok(d) => d,
            Err(e) => return Err(self.take_back(&job.issued(), e)),
        };
        let failed = if done.report.cancelled {
            Some(Error::Cancelled {
                message: "Rilascio degli attestati annullato: nessun attestato è stato numerato né salvato.".into(),
            })
        } else {
            done.report
                .items
                .iter()
                .find_map(|i| i.error.clone())
                .map(|e| {
                    Error::io(format!(
                        "Attestati non salvati: {e} Nessun attestato è stato rilasciato."
                    ))
                })
        };
        if let Some(e) = failed {
            batch::discard(&done.files);
            return Err(self.take_back(&job.issued(), e));
        }
        let BatchDone { report, files } = done;
        let event_id = job.event_id;
        let recorded = self.action(|tx, op| {
            let docs = files.iter().map(|f| NewDocument {
                istat: None,
                comune: None,
                kind: ATTESTATO_KIND,
                label: ATTESTATO_LABEL,
                template_id: None,
                format: Format::Pdf,
                path: &f.path,
                sha256: &f.sha256,
                size: f.bytes.len(),
            });
            register::record_batch(
                tx,
                op,
                docs,
                &serde_json::json!({ "kind": ATTESTATO_KIND, "event_id": event_id, "folder": report.folder, "written": report.written, "replaced": report.replaced, "suffixed": report.suffixed, "skipped": report.skipped }),
            )?;
            super::training_settings(tx)
        });
        let settings = match recorded {
            Ok(s) => s,
            Err(e) => {
                batch::discard(&files);
                return Err(self.take_back(&job.issued(), e));
            }
        };
        let not_written = job
            .items
            .iter()
            .zip(&report.items)
            .filter(|(_, i)| i.outcome == ItemOutcome::Skipped)
            .map(|(item, _)| item.file_name.clone())
            .collect();
        let to_do = settings.sign_digitally.then(|| {
            format!(
                "Gli attestati riportano la dicitura della firma digitale: firmarli digitalmente (PAdES) prima di inviarli ({} file in {}).",
                report.written + report.replaced + report.suffixed,
                report.folder
            )
        });
        Ok(IssuedFiles {
            issued: job.issued(),
            report,
            not_written,
            to_do,
        })
    }

    /// Takes back the numbers of a batch that did not end (see the module's
    /// note) and gives `e`, the reason, back to the caller; if even that
    /// fails, the attestati stay issued and can be printed from the register.
    pub(super) fn take_back(&mut self, issued: &[Certificate], e: Error) -> Error {
        let _ = self.action(|tx, op| withdraw(tx, op, issued, NOT_SAVED));
        e
    }

    /// Issues the attestati of every present participant of an event
    /// without one and writes them into `folder` in one call (see
    /// [`Store::event_certificates_job`], [`CertificatesJob::run`],
    /// [`Store::record_event_certificates`]): `progress` counts the files;
    /// the token cancels, and then nothing is issued and no file is left.
    pub fn issue_event_certificates_to(
        &mut self,
        event_id: i64,
        issued_on: &str,
        folder: &Path,
        on_existing: OnExisting,
        progress: &(dyn Fn(Progress) + Sync),
        cancel: &CancelToken,
    ) -> Result<IssuedFiles> {
        batch::check_folder(folder)?;
        let job =
            self.event_certificates_job(event_id, issued_on, &mut |_, _| !cancel.is_cancelled())?;
        let done = job.run(folder, on_existing, progress, cancel);
        self.record_event_certificates(&job, done)
    }
}
