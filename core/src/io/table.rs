//! Reading a table from a file a user brings: CSV (`;`, `,` or tab; UTF-8
//! with or without BOM, or Windows-1252/Latin-1, detected) with the `csv`
//! crate, and XLSX/XLS/ODS with `calamine`. The result is a header row and
//! the data rows, each with the line (or spreadsheet row) it came from.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};

/// A table read from a file: its header and its non-blank rows.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
    /// How the file was read ("CSV, separatore «;», Windows-1252", "Excel").
    pub described_as: String,
    /// The line (or sheet row) taken as the header, found or chosen.
    pub header_line: usize,
    /// The first rows of the file, for the user to choose another header:
    /// (line, its cells joined).
    pub first_rows: Vec<(usize, String)>,
    /// What was left out and why, in Italian: the rows above the header
    /// (a title, a date), a totals row at the bottom.
    pub left_out: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TableRow {
    /// The line of the file (CSV) or the row of the sheet (spreadsheets), from 1.
    pub line: usize,
    pub cells: Vec<String>,
}

impl Table {
    /// The cell of `row` at column `col`, trimmed ("" if the row is short).
    pub fn cell(row: &TableRow, col: usize) -> &str {
        row.cells.get(col).map(|s| s.trim()).unwrap_or("")
    }
}

/// The kinds of file accepted, by extension.
pub fn is_spreadsheet(path: &Path) -> bool {
    matches!(
        path.extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .as_deref(),
        Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
    )
}

/// Reads `path` as a table; `header_row` finds the header among the first
/// rows (the first row for which it returns true; if none does, the first
/// row that looks like a header: see [`read_bytes_at`]).
pub fn read_path(path: &Path, header_row: &dyn Fn(&[String]) -> bool) -> Result<Table> {
    read_path_at(path, header_row, None)
}

/// [`read_path`], with the header at the file's line `at` if given.
pub fn read_path_at(
    path: &Path,
    header_row: &dyn Fn(&[String]) -> bool,
    at: Option<usize>,
) -> Result<Table> {
    let bytes = std::fs::read(path).map_err(|e| Error::file(path, &e))?;
    read_bytes_at(&bytes, is_spreadsheet(path), header_row, at)
}

/// Reads the bytes of a file as a table (see [`read_path`]).
pub fn read_bytes(
    bytes: &[u8],
    spreadsheet: bool,
    header_row: &dyn Fn(&[String]) -> bool,
) -> Result<Table> {
    read_bytes_at(bytes, spreadsheet, header_row, None)
}

/// Whether a cell is a label: it has letters (a number or a date as
/// digits has none).
fn is_label(cell: &str) -> bool {
    cell.chars().any(char::is_alphabetic)
}

/// The header of a secretariat's sheet, which may have a title, a date
/// and blank rows above it: among the first 20 rows, the first whose
/// cells are all labels (at least two) and as many as at least half the
/// cells of the rows below it; else the first row.
fn find_header(rows: &[TableRow]) -> usize {
    let filled = |r: &TableRow| r.cells.iter().filter(|c| !c.trim().is_empty()).count();
    for (i, r) in rows.iter().enumerate().take(20) {
        let n = filled(r);
        let labels = r.cells.iter().filter(|c| is_label(c)).count();
        if n < 2 || labels < n {
            continue;
        }
        let below = rows[i + 1..].iter().take(5).map(filled).max().unwrap_or(0);
        if n * 2 >= below {
            return i;
        }
    }
    0
}

/// A totals row as spreadsheets end: «Totale», «TOTALI», «Tot.», «Somma».
fn is_totals(r: &TableRow) -> bool {
    let first = r.cells.iter().map(|c| c.trim()).find(|c| !c.is_empty());
    first.is_some_and(|c| {
        let w: String = c
            .chars()
            .take_while(|ch| ch.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect();
        matches!(
            w.as_str(),
            "totale" | "totali" | "tot" | "total" | "totals" | "somma"
        )
    })
}

/// Reads the bytes of a file as a table whose header is at line `at` (or,
/// if None, the row `header_row` accepts, else the row that looks like a
/// header). A header of two rows (group labels over merged cells, the
/// names below) is read as one; an empty header cell gets the name above
/// it or «Colonna N»; repeated names get the group's label or a number;
/// totals rows at the bottom are left out, and said.
pub fn read_bytes_at(
    bytes: &[u8],
    spreadsheet: bool,
    header_row: &dyn Fn(&[String]) -> bool,
    at: Option<usize>,
) -> Result<Table> {
    let (described_as, rows) = read_rows(bytes, spreadsheet)?;
    let first_rows: Vec<(usize, String)> = rows
        .iter()
        .take(15)
        .map(|r| {
            let text = r
                .cells
                .iter()
                .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" | ");
            (r.line, text.chars().take(120).collect())
        })
        .collect();
    let i = match at {
        Some(line) => rows.iter().position(|r| r.line == line).ok_or_else(|| {
            Error::validation(
                "header_line",
                format!("Riga d'intestazione: la riga {line} non è nel file o è vuota."),
            )
        })?,
        None => rows
            .iter()
            .take(20)
            .position(|r| header_row(&r.cells))
            .unwrap_or_else(|| find_header(&rows)),
    };
    let mut left_out: Vec<String> = rows[..i]
        .iter()
        .map(|r| {
            let text = &first_rows
                .iter()
                .find(|(l, _)| *l == r.line)
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            format!("riga {} sopra l'intestazione: «{text}»", r.line)
        })
        .collect();
    let header_line = rows[i].line;
    let clean = |h: &str| h.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut headers: Vec<String> = rows[i].cells.iter().map(|h| clean(h)).collect();
    let mut data_from = i + 1;
    // A header of two rows: the row below fills the gaps of this one and
    // this one has gaps over it (group labels over merged cells).
    if let Some(next) = rows.get(i + 1) {
        let sub: Vec<String> = next.cells.iter().map(|h| clean(h)).collect();
        let width = sub.len().max(headers.len());
        let gap_here = (0..width).any(|c| {
            headers.get(c).is_none_or(|h| h.is_empty()) && sub.get(c).is_some_and(|h| !h.is_empty())
        });
        let all_labels = sub.iter().all(|c| c.is_empty() || is_label(c));
        if gap_here && all_labels && at.is_none() {
            let mut group = String::new();
            let mut merged = Vec::with_capacity(width);
            for c in 0..width {
                let top = headers.get(c).cloned().unwrap_or_default();
                if !top.is_empty() {
                    group = top.clone();
                }
                let low = sub.get(c).cloned().unwrap_or_default();
                let repeated = !low.is_empty() && sub.iter().filter(|x| **x == low).count() > 1;
                merged.push(match (low.is_empty(), repeated) {
                    (true, _) => top,
                    (false, true) if !group.is_empty() => format!("{group} {low}"),
                    (false, _) => low,
                });
            }
            headers = merged;
            data_from = i + 2;
        }
    }
    // A trailing separator makes an empty last column: drop empty headers at the end.
    while headers.last().is_some_and(|h| h.is_empty()) {
        headers.pop();
    }
    for c in 0..headers.len() {
        if headers[c].is_empty() {
            headers[c] = format!("Colonna {}", c + 1);
        }
        let same = headers[..c].iter().filter(|h| **h == headers[c]).count();
        if same > 0 {
            headers[c] = format!("{} ({})", headers[c], same + 1);
        }
    }
    let mut data: Vec<TableRow> = rows.into_iter().skip(data_from).collect();
    let mut totals = Vec::new();
    while data.last().is_some_and(is_totals) {
        if let Some(r) = data.pop() {
            totals.push(format!("riga {}: riga dei totali, esclusa", r.line));
        }
    }
    totals.reverse();
    left_out.extend(totals);
    Ok(Table {
        headers,
        rows: data,
        described_as,
        header_line,
        first_rows,
        left_out,
    })
}

/// Every non-blank row of a file with its line, and how the file was read
/// (for files that are not one table: a platform's report with sections).
pub fn read_rows(bytes: &[u8], spreadsheet: bool) -> Result<(String, Vec<TableRow>)> {
    let (described_as, rows) = if spreadsheet || looks_like_spreadsheet(bytes) {
        ("Excel".to_string(), spreadsheet_rows(bytes)?)
    } else {
        csv_rows(bytes)?
    };
    let rows: Vec<TableRow> = rows
        .into_iter()
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if rows.is_empty() {
        return Err(Error::validation(
            "file",
            "Il file è vuoto: nessuna riga da importare.",
        ));
    }
    Ok((described_as, rows))
}

/// ZIP (XLSX, ODS) or OLE (XLS) signatures.
fn looks_like_spreadsheet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The text of a CSV file: UTF-8 (BOM removed) if it is valid UTF-8,
/// otherwise Windows-1252 (a superset of Latin-1 for the printable range,
/// as ISTAT and Italian Excel write).
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    // Microsoft Teams writes its reports in UTF-16 with a byte-order mark.
    let utf16 = |rest: &[u8], le: bool| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (utf16(rest, true), "UTF-16");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (utf16(rest, false), "UTF-16");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8");
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), "Windows-1252")
        }
    }
}

/// The separator of a CSV text: of `;`, `,` and tab, the one found on
/// most of its first lines (quotes, and the line breaks inside them,
/// skipped), then the most frequent; so a report whose title row has a
/// comma and whose every row has a tab is read by tabs.
fn separator(text: &str) -> u8 {
    const SEPS: [char; 3] = ['\t', ';', ','];
    let mut lines = [0usize; 3];
    let mut total = [0usize; 3];
    let mut on_line = [false; 3];
    let mut quoted = false;
    let mut seen_lines = 0;
    for c in text.chars().take(50_000) {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => {
                for i in 0..3 {
                    lines[i] += on_line[i] as usize;
                }
                on_line = [false; 3];
                seen_lines += 1;
                if seen_lines == 30 {
                    break;
                }
            }
            c if !quoted => {
                if let Some(i) = SEPS.iter().position(|s| *s == c) {
                    on_line[i] = true;
                    total[i] += 1;
                }
            }
            _ => {}
        }
    }
    for i in 0..3 {
        lines[i] += on_line[i] as usize;
    }
    // Most lines, then most occurrences; on a tie tab, then `;`, then `,`.
    let best = (0..3)
        .max_by_key(|&i| (lines[i], total[i], std::cmp::Reverse(i)))
        .unwrap_or(1);
    if lines[best] == 0 {
        return b';';
    }
    SEPS[best] as u8
}

fn csv_rows(bytes: &[u8]) -> Result<(String, Vec<TableRow>)> {
    let (text, encoding) = decode(bytes);
    let sep = separator(&text);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // The line a record starts on, counting the line breaks inside quoted
    // cells and the blank lines the reader skips.
    let (mut line, mut counted) = (1usize, 0usize);
    let bytes = text.as_bytes();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                // The reader's start of a record is where the previous one
                // ended: skip the rest of its terminator and the blank lines.
                let mut at = record
                    .position()
                    .map(|p| p.byte() as usize)
                    .unwrap_or(counted);
                at = at.min(bytes.len()).max(counted);
                while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                    at += 1;
                }
                line += bytes[counted..at].iter().filter(|b| **b == b'\n').count();
                counted = at;
                rows.push(TableRow {
                    line,
                    cells: record
                        .iter()
                        .map(|c| super::restore_cell(c).to_string())
                        .collect(),
                })
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(Error::validation(
                    "file",
                    format!("Il file CSV non è leggibile alla riga {line}: {e}."),
                ));
            }
        }
    }
    let sep_name = match sep {
        b'\t' => "tabulazione".to_string(),
        s => format!("«{}»", s as char),
    };
    Ok((format!("CSV, separatore {sep_name}, {encoding}"), rows))
}

fn spreadsheet_rows(bytes: &[u8]) -> Result<Vec<TableRow>> {
    use calamine::Reader;
    let bad = |e: &dyn std::fmt::Display| {
        Error::validation(
            "file",
            format!("Il foglio di calcolo non è leggibile (è un file Excel o ODS valido?): {e}."),
        )
    };
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| bad(&"nessun foglio"))?
        .map_err(|e| bad(&e))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut out = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let cells = row.iter().map(cell_text).collect();
        out.push(TableRow {
            line: first_row as usize + i + 1,
            cells,
        });
    }
    Ok(out)
}

/// A spreadsheet cell as text: whole numbers without decimals, dates ISO.
pub(crate) fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "sì" } else { "no" }.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|t| t.date().to_string())
            .unwrap_or_else(|| d.to_string()),
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
    }
}

/// The name of an imported file as the audit rows and summaries show it
/// (the last component of the path the user chose).
pub(crate) fn file_label(file_name: &str) -> String {
    std::path::Path::new(file_name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file_name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_and_encoding_are_detected() {
        assert_eq!(separator("\"a;b\",c,d\n1;2"), b',');
        assert_eq!(separator("\"a\nb\";c;d\n"), b';');
        // A Teams report: a title with a comma, every row with tabs.
        assert_eq!(
            separator("1. Summary\nMeeting title\tIl PIAO, sezione 2.3\nStart time\t3/9/27, 10:00:00 AM\n"),
            b'\t'
        );
        let (t, enc) = decode(&[0xFF, 0xFE, b'A', 0, 0xEC, 0]);
        assert_eq!((t.as_str(), enc), ("Aì", "UTF-16"));
        let (t, enc) = decode(b"Al\xec");
        assert_eq!((t.as_str(), enc), ("Alì", "Windows-1252"));
        let (t, enc) = decode("\u{feff}Alì".as_bytes());
        assert_eq!((t.as_str(), enc), ("Alì", "UTF-8"));
    }
}
