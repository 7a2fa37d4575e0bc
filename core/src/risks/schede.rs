//! A batch of schede misura into a folder the user chose: every measure a
//! comune adopted, or one measure for every comune that adopted it. The
//! schede are read from the archive, then rendered and written without it
//! through the one batch writer, and recorded in the documents register.

use std::path::Path;

use crate::documents::batch::{self, BatchDone, BatchReport, BatchSource, Entry, OnExisting};
use crate::documents::register;
use crate::documents::{Document, Format};
use crate::error::{Error, Result};
use crate::job::{CancelToken, Progress};
use crate::Store;

/// The register's kind of a scheda misura.
pub const SCHEDA_KIND: &str = "scheda_misura";
pub const SCHEDA_LABEL: &str = "Scheda misura";

/// A piece of a file name: letters and digits (accents kept), `.` and `-`;
/// anything else becomes one `_`.
pub fn file_stem(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() || c == '.' || c == '-' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// The stem of a scheda's file: `Scheda_misura_M-G-01_Lipari` (of a
/// comune) or `Scheda_misura_M-G-01` (of the catalogue).
pub fn scheda_stem(code: &str, comune: Option<&str>) -> String {
    match comune {
        Some(c) => format!("Scheda_misura_{code}_{}", file_stem(c)),
        None => format!("Scheda_misura_{code}"),
    }
}

/// One scheda of a batch: a measure as adopted by a comune.
#[derive(Debug, Clone)]
pub struct SchedaItem {
    pub measure_id: i64,
    pub istat: String,
    pub comune: String,
    pub code: String,
    pub report: Document,
    pub file_name: String,
}

/// A batch of schede prepared from the archive: it runs without the archive.
#[derive(Debug, Clone)]
pub struct SchedeJob {
    pub format: Format,
    pub items: Vec<SchedaItem>,
}

impl BatchSource for SchedeJob {
    type Item = SchedaItem;

    fn items(&self) -> &[SchedaItem] {
        &self.items
    }

    fn entry(&self, item: &SchedaItem) -> Entry {
        Entry {
            key: item.istat.clone(),
            label: format!("{} – {}", item.code, item.comune),
            file_name: item.file_name.clone(),
        }
    }

    fn render(&self, item: &SchedaItem) -> Result<Vec<u8>> {
        let meta = super::scheda::meta(&item.report.title, &item.report.title);
        Ok(crate::documents::render(&item.report, self.format, &meta)?.bytes)
    }
}

impl SchedeJob {
    /// How many of the batch's files already exist in `folder`.
    pub fn existing(&self, folder: &Path) -> usize {
        batch::existing(self, folder)
    }

    /// Renders and writes the schede (in parallel), without the archive.
    pub fn run(
        &self,
        folder: &Path,
        on_existing: OnExisting,
        progress: &(dyn Fn(Progress) + Sync),
        cancel: &CancelToken,
    ) -> Result<BatchDone> {
        batch::run(self, folder, on_existing, progress, cancel)
    }
}

impl Store {
    /// The schede of a batch, read from the archive: every measure adopted
    /// by `istat`, or `measure_id` for every comune that adopted it (`today`:
    /// the date lateness is measured at). Their file names are distinct
    /// within the batch (the ISTAT code is added to a repeated one).
    pub fn risk_schede_job(
        &self,
        measure_id: Option<i64>,
        istat: Option<&str>,
        today: &str,
        format: Format,
    ) -> Result<SchedeJob> {
        let rows = self.risk_schede_items(measure_id, istat)?;
        if rows.is_empty() {
            return Err(Error::validation(
                "measure",
                "Nessuna misura adottata: non ci sono schede da stampare.",
            ));
        }
        let ext = format.extension();
        let names = batch::distinct_names(&rows, |(_, istat, code, name), attempt| {
            let stem = scheda_stem(code, Some(name.as_str()));
            match attempt {
                0 => format!("{stem}.{ext}"),
                1 => format!("{stem}_{istat}.{ext}"),
                n => format!("{stem}_{istat}_{n}.{ext}"),
            }
        });
        let items = rows
            .into_iter()
            .zip(names)
            .map(|((measure_id, istat, code, comune), file_name)| {
                Ok(SchedaItem {
                    report: self.risk_scheda_report(measure_id, Some(&istat), today)?,
                    measure_id,
                    istat,
                    comune,
                    code,
                    file_name,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SchedeJob { format, items })
    }

    /// Records the schede a batch wrote in the register, in one transaction
    /// with one audit row; if that fails, the files written are removed.
    pub fn record_risk_schede(&mut self, job: &SchedeJob, done: BatchDone) -> Result<BatchReport> {
        register::record_batch_files(self, SCHEDA_KIND, SCHEDA_LABEL, job.format, done, |i| {
            (job.items[i].istat.clone(), job.items[i].comune.clone())
        })
    }

    /// A batch of schede into `folder` in one call (see
    /// [`Store::risk_schede_job`], [`SchedeJob::run`], [`Store::record_risk_schede`]).
    #[allow(clippy::too_many_arguments)]
    pub fn save_risk_schede(
        &mut self,
        measure_id: Option<i64>,
        istat: Option<&str>,
        today: &str,
        format: Format,
        folder: &Path,
        on_existing: OnExisting,
        progress: &(dyn Fn(Progress) + Sync),
        cancel: &CancelToken,
    ) -> Result<BatchReport> {
        let job = self.risk_schede_job(measure_id, istat, today, format)?;
        let done = job.run(folder, on_existing, progress, cancel)?;
        self.record_risk_schede(&job, done)
    }
}
