//! The register of generated documents (table `document`): each file the
//! app generates, with its kind, the template version it came from (if it
//! has one), its SHA-256 and size. It also says what the UI may open
//! ("Apri"): only a registered file, still the one that was generated.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::Format;
use crate::error::{Error, Result};
use crate::Store;

/// A row of the documents register.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentRecord {
    pub id: i64,
    pub istat: Option<String>,
    pub comune: Option<String>,
    /// The kind's key, as its domain names it ("delibera_giunta", "scheda_misura").
    pub kind: String,
    pub kind_label: String,
    /// The version of the template it was filled from (None: a document built in code).
    pub template_version: Option<i64>,
    pub format: Format,
    pub path: String,
    pub file_name: String,
    pub sha256: String,
    pub bytes: i64,
    pub created_at: String,
    pub operator: String,
    pub batch_id: Option<String>,
}

/// A document to record, as its domain describes it.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    /// The comune the document is about, if any: its code and its name as
    /// the domain gives them (the register reads no domain's table).
    pub istat: Option<&'a str>,
    pub comune: Option<&'a str>,
    pub kind: &'a str,
    pub label: &'a str,
    /// The template version it was filled from (`template_version.id`).
    pub template_id: Option<i64>,
    pub format: Format,
    pub path: &'a Path,
    /// The file's SHA-256 in hexadecimal (see [`crate::fs::sha256_hex`]) and its size.
    pub sha256: &'a str,
    pub size: usize,
}

/// Records the files of one batch in the caller's transaction: a register row
/// per file under one batch id, and the batch's one audit row whose details are
/// `summary` (what the domain wants kept: kind, folder, counts). Returns the id.
pub fn record_batch<'a>(
    tx: &Connection,
    operator: &str,
    files: impl IntoIterator<Item = NewDocument<'a>>,
    summary: &serde_json::Value,
) -> Result<String> {
    let batch_id = format!("batch-{}", crate::job::unique_stamp());
    for doc in files {
        record(tx, operator, &doc, Some(&batch_id))?;
    }
    crate::audit::record(
        tx,
        operator,
        "generate_batch",
        "document",
        &batch_id,
        None,
        Some(summary),
    )?;
    Ok(batch_id)
}

/// Records the files a batch of one kind wrote in one action (a register
/// row each, one audit row for the batch); `about(index)` names the comune
/// (code, name) of the batch's item at `index`. If recording fails, the
/// files written are removed.
pub(crate) fn record_batch_files(
    store: &mut Store,
    kind: &str,
    label: &str,
    format: Format,
    done: super::batch::BatchDone,
    about: impl Fn(usize) -> (String, String),
) -> Result<super::batch::BatchReport> {
    let super::batch::BatchDone { report, files } = done;
    if files.is_empty() {
        return Ok(report);
    }
    let summary = serde_json::json!({ "kind": kind, "format": format.extension(), "folder": report.folder, "written": report.written, "replaced": report.replaced, "suffixed": report.suffixed, "skipped": report.skipped, "failed": report.failed, "cancelled": report.cancelled });
    let named: Vec<(String, String)> = files.iter().map(|f| about(f.index)).collect();
    let recorded = store.action(|tx, op| {
        let docs = files
            .iter()
            .zip(&named)
            .map(|(f, (istat, comune))| NewDocument {
                istat: Some(istat),
                comune: Some(comune),
                kind,
                label,
                template_id: None,
                format,
                path: &f.path,
                sha256: &f.sha256,
                size: f.bytes.len(),
            });
        record_batch(tx, op, docs, &summary).map(|_| ())
    });
    if let Err(e) = recorded {
        super::batch::discard(&files);
        return Err(e);
    }
    Ok(report)
}

/// Records a generated file. Without a batch, with its own audit row; a
/// batch's files share the batch's audit row (see [`record_batch`]).
pub fn record(
    tx: &Connection,
    operator: &str,
    doc: &NewDocument,
    batch_id: Option<&str>,
) -> Result<i64> {
    let sha = doc.sha256;
    // Cached: a batch inserts its rows with one prepared statement.
    tx.prepare_cached(
        "INSERT INTO document (istat, comune_name, kind, kind_label, template_id, format, path, sha256, bytes, created_at, operator, batch_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
            doc.istat,
            doc.comune,
            doc.kind,
            doc.label,
            doc.template_id,
            doc.format.extension(),
            doc.path.to_string_lossy(),
            sha,
            doc.size as i64,
            crate::db::version::now_utc(),
            operator,
            batch_id
        ],
    )?;
    let id = tx.last_insert_rowid();
    if batch_id.is_none() {
        crate::audit::record(
            tx,
            operator,
            "generate",
            "document",
            &id.to_string(),
            None,
            Some(
                &serde_json::json!({ "istat": doc.istat, "kind": doc.kind, "format": doc.format.extension(), "path": doc.path.to_string_lossy(), "sha256": sha, "template_id": doc.template_id }),
            ),
        )?;
    }
    Ok(id)
}

const DOCUMENT_COLUMNS: &str = "d.id, d.istat, d.comune_name, d.kind, d.kind_label, t.version, d.format, d.path, d.sha256, d.bytes, d.created_at, d.operator, d.batch_id";
const DOCUMENT_FROM: &str = "document d LEFT JOIN template_version t ON t.id = d.template_id";

fn document_row(r: &rusqlite::Row) -> rusqlite::Result<DocumentRecord> {
    let format: String = r.get(6)?;
    let path: String = r.get(7)?;
    Ok(DocumentRecord {
        id: r.get(0)?,
        istat: r.get(1)?,
        comune: r.get(2)?,
        kind: r.get(3)?,
        kind_label: r.get(4)?,
        template_version: r.get(5)?,
        format: if format == "docx" {
            Format::Docx
        } else {
            Format::Pdf
        },
        file_name: Path::new(&path)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        path,
        sha256: r.get(8)?,
        bytes: r.get(9)?,
        created_at: r.get(10)?,
        operator: r.get(11)?,
        batch_id: r.get(12)?,
    })
}

/// The extensions of the files this app writes: the only ones it opens.
pub const OPENABLE_EXTENSIONS: [&str; 5] = ["pdf", "docx", "csv", "xlsx", "ics"];

/// Checks that `path` is a regular file (not a symbolic link, not a folder)
/// with an extension this app writes; returns its size.
pub fn check_openable_file(path: &Path) -> Result<u64> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !OPENABLE_EXTENSIONS.contains(&ext.as_str()) {
        return Err(Error::validation(
            "path",
            format!(
                "Il file {} non viene aperto: l'applicazione apre solo i documenti che genera (PDF, DOCX, CSV, XLSX, ICS).",
                path.display()
            ),
        ));
    }
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::file(path, &e))?;
    if meta.file_type().is_symlink() {
        return Err(Error::validation(
            "path",
            format!(
                "Il file {} non viene aperto: è un collegamento simbolico, non il documento generato dall'applicazione.",
                path.display()
            ),
        ));
    }
    if !meta.is_file() {
        return Err(Error::validation(
            "path",
            format!(
                "{} non viene aperto: non è un file (è una cartella o un file speciale).",
                path.display()
            ),
        ));
    }
    Ok(meta.len())
}

impl Store {
    pub fn document(&self, id: i64) -> Result<DocumentRecord> {
        self.conn
            .query_row(
                &format!("SELECT {DOCUMENT_COLUMNS} FROM {DOCUMENT_FROM} WHERE d.id = ?1"),
                [id],
                document_row,
            )
            .optional()?
            .ok_or_else(|| Error::not_found("Documento non trovato nel registro."))
    }

    /// The documents register, newest first; of one comune if given.
    pub fn documents(&self, istat: Option<&str>) -> Result<Vec<DocumentRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM {DOCUMENT_FROM}
             WHERE ?1 IS NULL OR d.istat = ?1 ORDER BY d.id DESC LIMIT 2000"
        ))?;
        let rows = stmt
            .query_map([istat], document_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Checks that a file of the documents register may be opened: it is
    /// in the register, a regular file (not a symbolic link nor a folder)
    /// with an extension this app writes, and its SHA-256 is still the one
    /// recorded. Each failure is a clear Italian error: an archive crafted
    /// to point the register at a program cannot make the app launch it.
    pub fn openable_document(&self, path: &Path) -> Result<()> {
        let row: Option<(String, i64)> = self
            .conn
            .query_row(
                "SELECT sha256, bytes FROM document WHERE path = ?1 ORDER BY id DESC LIMIT 1",
                [path.to_string_lossy()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((sha, bytes)) = row else {
            return Err(Error::not_found(format!(
                "Il file {} non è nel registro dei documenti: si possono aprire solo i file esportati o generati dall'applicazione.",
                path.display()
            )));
        };
        let size = check_openable_file(path)?;
        let changed = || {
            Error::conflict(
                format!(
                    "Il file {} è stato modificato o sostituito dopo essere stato generato (non corrisponde più all'impronta SHA-256 del registro): non viene aperto dall'applicazione. Aprirlo dalla sua cartella, se lo si riconosce, o generarlo di nuovo.",
                    path.display()
                ),
                Some("path"),
            )
        };
        if size != bytes as u64 {
            return Err(changed());
        }
        let content = std::fs::read(path).map_err(|e| Error::file(path, &e))?;
        if crate::fs::sha256_hex(&content) != sha {
            return Err(changed());
        }
        Ok(())
    }

    /// Whether a file is in the documents register and may be opened (see
    /// [`Store::openable_document`]).
    pub fn is_registered_document(&self, path: &Path) -> Result<bool> {
        Ok(self.openable_document(path).is_ok())
    }
}
