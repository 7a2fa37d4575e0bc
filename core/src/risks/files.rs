//! What the risks domain's files are: names, dialog titles, filters.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::documents::{Format as DocFormat, Prepared};
use crate::error::{Error, Result};
use crate::file_spec::FileSpec;
use crate::io::Format;
use crate::risks::scheda::{meta, ANNEX_SUBJECT, CATALOGUE_SUBJECT, SCHEDA_SUBJECT};
use crate::risks::schede::{file_stem, scheda_stem};
use crate::Store;

/// Which risks document to print.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RiskDoc {
    /// One measure's scheda: of the catalogue, or as adopted by a comune.
    Scheda,
    /// The whole catalogue with its table of contents and risk register.
    Catalogo,
    /// A comune's annex to section 2.3 of the PIAO.
    Allegato,
}

/// The catalogue's measures (`registro`: false) or the risk register.
pub fn catalogue_export(register: bool, format: Format, today: NaiveDate) -> FileSpec {
    if register {
        FileSpec::table("Registro_dei_rischi", "registro dei rischi", format, today)
    } else {
        FileSpec::table("Catalogo_misure", "catalogo delle misure", format, today)
    }
}

/// A comune's measures (`monitoring`: false) or their monitoring.
pub fn plan_export(comune: &str, monitoring: bool, format: Format, today: NaiveDate) -> FileSpec {
    let stem = file_stem(comune);
    if monitoring {
        FileSpec::table(
            &format!("Monitoraggio_misure_{stem}"),
            &format!("monitoraggio delle misure di {comune}"),
            format,
            today,
        )
    } else {
        FileSpec::table(
            &format!("Misure_adottate_{stem}"),
            &format!("misure adottate da {comune}"),
            format,
            today,
        )
    }
}

/// Every monitoring entry of the network.
pub fn network_monitoring_export(format: Format, today: NaiveDate) -> FileSpec {
    FileSpec::table(
        "Monitoraggio_misure_rete",
        "monitoraggio delle misure della rete",
        format,
        today,
    )
}

/// The folder dialog's title for a batch of `n` schede.
pub fn schede_folder_title(n: usize) -> String {
    if n == 1 {
        "Cartella per 1 scheda misura".to_string()
    } else {
        format!("Cartella per {n} schede misura")
    }
}

impl Store {
    /// A risks document read from the archive, with its properties, to be
    /// rendered by the caller outside the archive's lock, and what its file is.
    pub fn risk_document(
        &self,
        doc: RiskDoc,
        measure_id: Option<i64>,
        istat: Option<&str>,
        format: DocFormat,
    ) -> Result<(Prepared, FileSpec)> {
        let comune = match istat {
            Some(code) => Some(self.comune(code)?.name),
            None => None,
        };
        let (report, spec, subject) = match doc {
            RiskDoc::Scheda => {
                let id = measure_id
                    .ok_or_else(|| Error::validation("measure", "Scegliere la misura."))?;
                let m = self.risk_measure(id)?;
                let r = self.risk_scheda_report(id, istat)?;
                let stem = scheda_stem(&m.code, comune.as_deref());
                (
                    r,
                    FileSpec::document(&stem, "Salva la scheda misura", format),
                    SCHEDA_SUBJECT,
                )
            }
            RiskDoc::Catalogo => (
                self.risk_catalogue_report()?,
                FileSpec::document(
                    "Catalogo_rischi_e_misure",
                    "Salva il catalogo dei rischi e delle misure",
                    format,
                ),
                CATALOGUE_SUBJECT,
            ),
            RiskDoc::Allegato => {
                let code =
                    istat.ok_or_else(|| Error::validation("istat", "Scegliere il comune."))?;
                let stem = format!(
                    "Allegato_2.3_PIAO_{}",
                    file_stem(comune.as_deref().unwrap_or(code))
                );
                (
                    self.risk_annex_report(code)?,
                    FileSpec::document(&stem, "Salva l'allegato alla sezione 2.3 del PIAO", format),
                    ANNEX_SUBJECT,
                )
            }
        };
        let author = crate::documents::author(&self.conn)?;
        let meta = meta(&author, &report.title, subject);
        Ok((
            Prepared {
                doc: report,
                format,
                meta,
            },
            spec,
        ))
    }
}
