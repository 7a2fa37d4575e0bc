//! Tables in and out, for every domain: written as CSV the way Italian Excel
//! opens it (`;`, UTF-8 with BOM) or as XLSX; read from CSV or XLSX files
//! (`table`). The files themselves are written through `crate::fs`.

pub mod table;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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

/// A clean default file name: `Comuni_2026-11-23.csv`.
pub fn default_file_name(stem: &str, format: Format, today: chrono::NaiveDate) -> String {
    format!("{stem}_{today}.{}", format.extension())
}

/// A table as CSV bytes the way Italian Excel opens it: BOM, `;`, CRLF.
pub fn table_csv<R: AsRef<[String]>>(headers: &[&str], rows: &[R]) -> Result<Vec<u8>> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let io_err = |e: csv::Error| Error::io(format!("Errore nella scrittura del CSV: {e}"));
        w.write_record(headers).map_err(io_err)?;
        for r in rows {
            w.write_record(r.as_ref()).map_err(io_err)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// A table as XLSX bytes: one sheet, bold frozen header, a filter; the
/// `numeric` columns are written as numbers.
pub fn table_xlsx<R: AsRef<[String]>>(
    sheet_name: &str,
    headers: &[&str],
    rows: &[R],
    numeric: &[u16],
) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format as XFormat, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| {
        Error::io(format!("Errore nella scrittura del file Excel: {e}"))
    };
    let mut wb = Workbook::new();
    let bold = XFormat::new().set_bold();
    let sheet = wb.add_worksheet();
    sheet.set_name(sheet_name).map_err(x)?;
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(x)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        for (c, v) in r.as_ref().iter().enumerate() {
            let c = c as u16;
            if v.is_empty() {
                continue;
            }
            match (numeric.contains(&c), v.parse::<f64>()) {
                (true, Ok(n)) => sheet.write_number(row, c, n).map_err(x)?,
                _ => sheet.write_string(row, c, v).map_err(x)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(x)?;
    sheet
        .autofilter(
            0,
            0,
            rows.len() as u32,
            headers.len().saturating_sub(1) as u16,
        )
        .map_err(x)?;
    sheet.autofit();
    wb.save_to_buffer().map_err(x)
}
