//! Exports of the registry: CSV as Italian Excel opens it (`;`, UTF-8 with
//! BOM) and XLSX. A file is written beside its destination and renamed into
//! place, so a failed export never leaves half a file.

pub mod import;
pub mod istat;
pub mod table;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::registry::{ComuneQuery, ComuneRow};
use crate::Store;

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

/// The list of comuni as CSV.
pub fn comuni_csv(rows: &[ComuneRow]) -> Result<Vec<u8>> {
    table_csv(&HEADERS, &rows.iter().map(cells).collect::<Vec<_>>())
}

/// The list of comuni as XLSX.
pub fn comuni_xlsx(rows: &[ComuneRow]) -> Result<Vec<u8>> {
    table_xlsx(
        "Comuni",
        &HEADERS,
        &rows.iter().map(cells).collect::<Vec<_>>(),
        &[3, 4],
    )
}

/// Writes `bytes` to `path` through a temporary file created exclusively,
/// with an unpredictable name, in the same folder (so no symbolic link
/// planted under a predictable name can redirect the write), synced to
/// disk, then renamed into place. On any failure (a full disk, a folder
/// that is not writable) nothing is left behind: neither half a file nor
/// an empty temporary one; the error names `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_temp_beside(path, bytes)?;
    tmp.persist(path).map_err(|e| Error::file(path, &e.error))?;
    Ok(())
}

/// Like [`write_atomically`] but never replaces an existing file: `Ok(false)`
/// (and nothing written) if `path` exists, even if it appeared a moment ago.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<bool> {
    let tmp = write_temp_beside(path, bytes)?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::file(path, &e.error)),
    }
}

/// The bytes in a new temporary file beside `path`, synced; the file is
/// removed when dropped unless persisted.
fn write_temp_beside(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| Error::io(format!("Percorso del file non valido: {}.", path.display())))?
        .to_string_lossy()
        .to_string();
    let mut tmp = temp_in(dir, &format!(".{name}.")).map_err(|e| Error::file(path, &e))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::file(path, &e))?;
    Ok(tmp)
}

/// A new temporary file in `dir`, created exclusively with an unpredictable
/// name, that will become a user's file (a document, an archive, a copy):
/// unlike `tempfile`'s default (0600) it gets the usual permissions (0666
/// less the umask), so colleagues on a shared folder can read what is
/// renamed into place.
pub fn temp_in(dir: &Path, prefix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

/// A folder only this user can read (0700 on Unix), e.g. the PDF previews'
/// folder in the shared temporary directory. If `dir` is a symbolic link,
/// not a folder, not owned by this user or open to others, it is removed
/// and created again; if that is not possible the error names it.
pub fn private_dir(dir: &Path) -> Result<()> {
    for _ in 0..3 {
        match std::fs::symlink_metadata(dir) {
            Ok(meta) if is_private(dir, &meta)? => return Ok(()),
            Ok(meta) => {
                let removed = if meta.is_dir() {
                    std::fs::remove_dir_all(dir)
                } else {
                    std::fs::remove_file(dir)
                };
                removed.map_err(|e| Error::file(dir, &e))?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::file(dir, &e)),
        }
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        match b.create(dir) {
            Ok(()) => {}
            // Someone made it in the meantime: check it again.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::file(dir, &e)),
        }
    }
    Err(Error::storage(
        crate::error::StorageKind::PermissionDenied,
        dir,
    ))
}

#[cfg(unix)]
fn is_private(dir: &Path, meta: &std::fs::Metadata) -> Result<bool> {
    use std::os::unix::fs::MetadataExt;
    if !meta.file_type().is_dir() {
        return Ok(false);
    }
    // This process's user: the owner of a file it creates.
    let parent = dir.parent().unwrap_or(Path::new("."));
    let probe = tempfile::tempfile_in(parent).map_err(|e| Error::file(parent, &e))?;
    let me = probe.metadata().map_err(|e| Error::file(parent, &e))?.uid();
    Ok(meta.uid() == me && meta.mode() & 0o077 == 0)
}

#[cfg(not(unix))]
fn is_private(_dir: &Path, meta: &std::fs::Metadata) -> Result<bool> {
    Ok(meta.file_type().is_dir())
}

/// Writes `bytes` as a new file with an unpredictable name in `dir`
/// (`prefix…suffix`), created exclusively and synced, and keeps it.
pub fn write_new_temp(
    dir: &Path,
    prefix: &str,
    suffix: &str,
    bytes: &[u8],
) -> Result<std::path::PathBuf> {
    use std::io::Write;
    let mut tmp = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(suffix)
        .tempfile_in(dir)
        .map_err(|e| Error::file(dir, &e))?;
    let path = tmp.path().to_path_buf();
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::file(&path, &e))?;
    tmp.keep().map_err(|e| Error::file(&path, &e.error))?;
    Ok(path)
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
