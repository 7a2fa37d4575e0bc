//! Exports: the CSV/XLSX rows are the filtered list.

mod common;

use cdp_core::io::Format;
use cdp_core::registry::ComuneQuery;

#[test]
fn csv_is_what_italian_excel_opens_and_matches_the_filtered_list() {
    let s = common::store();
    let q = common::registry::search("sant");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("comuni.csv");
    let n = s.export_comuni(&q, Format::Csv, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0].split(';').next(), Some("Codice ISTAT"));
    assert_eq!(lines.len() - 1, n);
    let listed = common::registry::names(&s, &q);
    let exported: Vec<String> = lines[1..]
        .iter()
        .map(|l| l.split(';').nth(1).unwrap().to_string())
        .collect();
    assert_eq!(exported, listed);
    assert!(exported.contains(&"Sant'Agata di Militello".to_string()));
    // No temporary file left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn xlsx_is_a_zip_workbook() {
    let s = common::store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("comuni.xlsx");
    let n = s
        .export_comuni(&ComuneQuery::default(), Format::Xlsx, &path)
        .unwrap();
    assert_eq!(n, 108);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..2], b"PK");
}

#[test]
fn an_unwritable_destination_is_a_clear_error() {
    let s = common::store();
    let err = s
        .export_comuni(
            &ComuneQuery::default(),
            Format::Csv,
            std::path::Path::new("/nonexistent/dir/x.csv"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "file_not_found");
    assert!(err.to_string().contains("/nonexistent/dir/x.csv"));
}
