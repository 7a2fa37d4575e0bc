//! Exports of the registry: CSV as Italian Excel opens it (`;`, UTF-8 with
//! BOM) and XLSX. A file is written beside its destination and renamed into
//! place, so a failed export never leaves half a file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::registry::{ComuneQuery, ComuneRow};
use crate::Store;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

pub const HEADERS: [&str; 12] = [
    "Codice ISTAT",
    "Comune",
    "Codice catastale",
    "Popolazione",
    "Anno popolazione",
    "Zona omogenea",
    "RPCT",
    "PEC",
    "Codice IPA",
    "Sindaco",
    "Telefono",
    "Sito web",
];

fn cells(r: &ComuneRow) -> [String; 12] {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let n = |o: &Option<i64>| o.map(|v| v.to_string()).unwrap_or_default();
    [
        r.istat.clone(),
        r.name.clone(),
        r.cadastral_code.clone(),
        n(&r.population),
        n(&r.population_year),
        s(&r.zone_name),
        s(&r.rpct_name),
        s(&r.pec),
        s(&r.ipa_code),
        s(&r.mayor_name),
        s(&r.phone),
        s(&r.website),
    ]
}

/// A clean default file name: `Comuni_2026-11-23.csv`.
pub fn default_file_name(stem: &str, format: Format) -> String {
    let today = chrono::Local::now().date_naive();
    format!("{stem}_{today}.{}", format.extension())
}

/// The CSV bytes: BOM, `;` separator, CRLF line ends.
pub fn comuni_csv(rows: &[ComuneRow]) -> Result<Vec<u8>> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let io_err = |e: csv::Error| Error::io(format!("Errore nella scrittura del CSV: {e}"));
        w.write_record(HEADERS).map_err(io_err)?;
        for r in rows {
            w.write_record(cells(r)).map_err(io_err)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// The XLSX bytes: one sheet with a bold, frozen header and a filter.
pub fn comuni_xlsx(rows: &[ComuneRow]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format as XFormat, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| {
        Error::io(format!("Errore nella scrittura del file Excel: {e}"))
    };
    let mut wb = Workbook::new();
    let bold = XFormat::new().set_bold();
    let sheet = wb.add_worksheet();
    sheet.set_name("Comuni").map_err(x)?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(x)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        for (c, v) in cells(r).iter().enumerate() {
            let c = c as u16;
            let numeric = matches!(c, 3 | 4);
            match (numeric, v.parse::<f64>()) {
                (true, Ok(n)) => sheet.write_number(row, c, n).map_err(x)?,
                _ if v.is_empty() => sheet,
                _ => sheet.write_string(row, c, v).map_err(x)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(x)?;
    sheet
        .autofilter(0, 0, rows.len() as u32, (HEADERS.len() - 1) as u16)
        .map_err(x)?;
    sheet.autofit();
    wb.save_to_buffer().map_err(x)
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| Error::io("Percorso del file non valido."))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let fail =
        |e: std::io::Error| Error::io(format!("Impossibile scrivere {}: {e}", path.display()));
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

impl Store {
    /// Exports the list of comuni as the query shows it; returns the number of rows written.
    pub fn export_comuni(&self, q: &ComuneQuery, format: Format, path: &Path) -> Result<usize> {
        let rows = self.list_comuni(q)?;
        let bytes = match format {
            Format::Csv => comuni_csv(&rows)?,
            Format::Xlsx => comuni_xlsx(&rows)?,
        };
        write_atomically(path, &bytes)?;
        Ok(rows.len())
    }
}
