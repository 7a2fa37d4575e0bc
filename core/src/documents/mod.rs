//! Documents: templates filled from the archive, typeset into PDF/A-2b with
//! printpdf and written as editable DOCX, and the register of what was
//! generated (template version and SHA-256 of each file).

pub mod docx;
pub mod fonts;
pub mod layout;
pub mod markup;
pub mod pdf;
pub mod template;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::registry::get_comune;
use crate::Store;
use template::{ComuneCtx, Context, Ente, InvitoCtx, ZonaCtx, BLANK};

/// The version label of the shipped default templates.
pub const DEFAULT_VERSION: &str = "2026.1";

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    DeliberaGiunta,
    DecretoSindacale,
    Lettera,
    SchemaProtocollo,
}

pub const DOC_KINDS: [DocKind; 4] = [
    DocKind::DeliberaGiunta,
    DocKind::DecretoSindacale,
    DocKind::Lettera,
    DocKind::SchemaProtocollo,
];

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::DeliberaGiunta => "delibera_giunta",
            DocKind::DecretoSindacale => "decreto_sindacale",
            DocKind::Lettera => "lettera",
            DocKind::SchemaProtocollo => "schema_protocollo",
        }
    }

    pub fn parse(s: &str) -> Result<DocKind> {
        DOC_KINDS
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                Error::validation("kind", format!("Tipo di documento sconosciuto: {s}."))
            })
    }

    pub fn label(self) -> &'static str {
        match self {
            DocKind::DeliberaGiunta => "Proposta di deliberazione della Giunta Municipale",
            DocKind::DecretoSindacale => "Decreto sindacale",
            DocKind::Lettera => "Lettera di trasmissione",
            DocKind::SchemaProtocollo => "Schema di Protocollo d'intesa",
        }
    }

    /// The start of the file name, e.g. `Bozza_delibera_adesione`.
    pub fn file_stem(self) -> &'static str {
        match self {
            DocKind::DeliberaGiunta => "Bozza_delibera_adesione",
            DocKind::DecretoSindacale => "Bozza_decreto_sindacale_adesione",
            DocKind::Lettera => "Lettera_trasmissione",
            DocKind::SchemaProtocollo => "Schema_protocollo_intesa",
        }
    }

    pub fn default_body(self) -> &'static str {
        match self {
            DocKind::DeliberaGiunta => include_str!("../../templates/delibera_giunta.txt"),
            DocKind::DecretoSindacale => include_str!("../../templates/decreto_sindacale.txt"),
            DocKind::Lettera => include_str!("../../templates/lettera_trasmissione.txt"),
            DocKind::SchemaProtocollo => include_str!("../../templates/schema_protocollo.txt"),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DocFormat {
    Pdf,
    Docx,
}

impl DocFormat {
    pub fn extension(self) -> &'static str {
        match self {
            DocFormat::Pdf => "pdf",
            DocFormat::Docx => "docx",
        }
    }
}

/// One version of a template.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TemplateVersion {
    /// None for the shipped default not yet stored in the archive.
    pub id: Option<i64>,
    pub kind: DocKind,
    pub version: i64,
    pub origin: String,
    pub source: Option<String>,
    pub created_at: Option<String>,
    pub operator: Option<String>,
    pub body: String,
}

/// A template as the templates screen shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateSummary {
    pub kind: DocKind,
    pub label: String,
    pub version: i64,
    pub is_default: bool,
    pub updated_at: Option<String>,
    pub operator: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TemplateDetail {
    pub kind: DocKind,
    pub label: String,
    pub current: TemplateVersion,
    pub is_default: bool,
    pub default_version: String,
    /// Newest first, without bodies' differences: each version whole.
    pub versions: Vec<TemplateVersion>,
}

/// What the preview shows: the filled document's blocks.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub title: String,
    pub header: Vec<String>,
    pub blocks: Vec<markup::Block>,
    pub text: String,
}

/// A row of the documents register.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DocumentRecord {
    pub id: i64,
    pub istat: Option<String>,
    pub comune: Option<String>,
    pub kind: DocKind,
    pub kind_label: String,
    pub template_version: i64,
    pub format: DocFormat,
    pub path: String,
    pub file_name: String,
    pub sha256: String,
    pub bytes: i64,
    pub created_at: String,
    pub operator: String,
    pub batch_id: Option<String>,
}

/// A generated file in memory, before it is written.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchItem {
    pub istat: String,
    pub comune: String,
    pub path: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatchReport {
    pub written: usize,
    pub failed: usize,
    pub cancelled: bool,
    pub folder: String,
    pub items: Vec<BatchItem>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A file name without accents, apostrophes or spaces:
/// `Bozza_delibera_adesione_Sant_Agata_di_Militello.pdf`.
pub fn file_name(kind: DocKind, comune: &str, format: DocFormat) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut clean = String::new();
    for c in comune
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
    {
        if c.is_ascii_alphanumeric() {
            clean.push(c);
        } else if !clean.ends_with('_') {
            clean.push('_');
        }
    }
    let clean = clean.trim_matches('_');
    format!("{}_{}.{}", kind.file_stem(), clean, format.extension())
}

fn or_blank(v: Option<String>) -> String {
    v.filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| BLANK.to_string())
}

fn date_long(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {} {}",
        d.day(),
        crate::text::MONTHS[d.month0() as usize],
        d.year()
    )
}

fn current_referent(conn: &Connection, istat: &str, role: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT full_name FROM referent
             WHERE istat = ?1 AND role = ?2
               AND (valid_to IS NULL OR valid_to >= date('now', 'localtime'))
             ORDER BY COALESCE(valid_from, '') DESC, id DESC LIMIT 1",
            params![istat, role],
            |r| r.get(0),
        )
        .optional()?)
}

/// The data a template is filled with, for one comune.
pub fn context_for(conn: &Connection, istat: &str) -> Result<Context> {
    let c = get_comune(conn, istat)?;
    let letterhead = crate::settings::letterhead(conn)?;
    let rpct = current_referent(conn, istat, "rpct")?;
    let sindaco = current_referent(conn, istat, "sindaco")?.or(c.mayor_name.clone());
    let referente = current_referent(conn, istat, "operativo")?.or(rpct.clone());
    let zone_referent: Option<String> = match c.zone_id {
        Some(z) => conn
            .query_row(
                "SELECT r.full_name FROM zone z JOIN referent r ON r.id = z.referent_id WHERE z.id = ?1",
                [z],
                |r| r.get(0),
            )
            .optional()?,
        None => None,
    };
    // The protocol of the invitation still in force.
    let invite: Option<(String, String)> = conn
        .query_row(
            "SELECT json_extract(data, '$.protocol_number'), date FROM adhesion_step
             WHERE istat = ?1 AND kind = 'invite' AND undone_by IS NULL
             ORDER BY id DESC LIMIT 1",
            [istat],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    r.get(1)?,
                ))
            },
        )
        .optional()?;
    let today = chrono::Local::now().date_naive();
    use chrono::Datelike;
    Ok(Context {
        ente: Ente {
            nome: "Città Metropolitana di Messina".into(),
            ufficio: "Segreteria Generale".into(),
            pec: or_blank(Some(letterhead.secretariat_pec)),
            firmatario: or_blank(Some(letterhead.signatory_name)),
            qualifica_firmatario: or_blank(Some(letterhead.signatory_title)),
        },
        comune: ComuneCtx {
            nome: c.name.clone(),
            istat: c.istat.clone(),
            pec: or_blank(c.pec.clone()),
            indirizzo: or_blank(c.address.clone()),
            codice_ipa: or_blank(c.ipa_code.clone()),
            popolazione: match (c.population, c.population_year) {
                (Some(p), Some(y)) => format!("{} abitanti ({y})", crate::text::thousands(p)),
                (Some(p), None) => format!("{} abitanti", crate::text::thousands(p)),
                _ => BLANK.to_string(),
            },
            sito: or_blank(c.website.clone()),
        },
        sindaco: or_blank(sindaco),
        rpct: or_blank(rpct),
        referente: or_blank(referente),
        zona: ZonaCtx {
            nome: or_blank(c.zone_name.clone()),
            referente: or_blank(zone_referent),
        },
        invito: InvitoCtx {
            numero: or_blank(invite.as_ref().map(|i| i.0.clone())),
            data: or_blank(invite.as_ref().and_then(|i| {
                chrono::NaiveDate::parse_from_str(&i.1, "%Y-%m-%d")
                    .ok()
                    .map(|d| d.format("%d/%m/%Y").to_string())
            })),
        },
        data: date_long(today),
        anno: today.year(),
        senza_oneri: true,
    })
}

/// Fills, checks and parses a template for a context.
pub fn fill(body: &str, ctx: &Context) -> Result<markup::Document> {
    template::check(body)?;
    let text = template::render(body, ctx)?;
    let doc = markup::parse(&text)?;
    let missing = fonts::fonts().missing_chars(&text);
    if !missing.is_empty() {
        let list: String = missing
            .iter()
            .map(|c| format!("«{c}» (U+{:04X})", *c as u32))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::validation(
            "body",
            format!("Caratteri che il carattere tipografico del documento non può stampare: {list}. Sostituirli nel modello o nei dati."),
        ));
    }
    Ok(doc)
}

/// Renders a filled document in a format.
pub fn render(
    doc: &markup::Document,
    kind: DocKind,
    comune: &str,
    author: &str,
    format: DocFormat,
) -> Result<Rendered> {
    match format {
        DocFormat::Pdf => {
            let pages = layout::layout(doc);
            let meta = pdf::Metadata {
                title: if doc.title.is_empty() {
                    kind.label().to_string()
                } else {
                    doc.title.clone()
                },
                author: author.to_string(),
                subject: format!("{} – Comune di {comune}", kind.label()),
                keywords: vec![
                    "Comunità di Pratiche".into(),
                    "anticorruzione".into(),
                    comune.to_string(),
                ],
                created: chrono::Utc::now(),
            };
            let n = pages.len();
            Ok(Rendered {
                bytes: pdf::write_pdf(&pages, &meta)?,
                pages: n,
            })
        }
        DocFormat::Docx => Ok(Rendered {
            bytes: docx::write_docx(doc)?,
            pages: 0,
        }),
    }
}

fn template_rows(conn: &Connection, kind: DocKind) -> Result<Vec<TemplateVersion>> {
    let mut stmt = conn.prepare(
        "SELECT id, version, origin, source, created_at, operator, body FROM template_version
         WHERE kind = ?1 ORDER BY version DESC",
    )?;
    let rows = stmt
        .query_map([kind.as_str()], |r| {
            Ok(TemplateVersion {
                id: Some(r.get(0)?),
                kind,
                version: r.get(1)?,
                origin: r.get(2)?,
                source: r.get(3)?,
                created_at: Some(r.get(4)?),
                operator: Some(r.get(5)?),
                body: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn shipped_default(kind: DocKind) -> TemplateVersion {
    TemplateVersion {
        id: None,
        kind,
        version: 1,
        origin: "default".into(),
        source: Some(DEFAULT_VERSION.into()),
        created_at: None,
        operator: None,
        body: kind.default_body().to_string(),
    }
}

fn current_template(conn: &Connection, kind: DocKind) -> Result<TemplateVersion> {
    Ok(template_rows(conn, kind)?
        .into_iter()
        .next()
        .unwrap_or_else(|| shipped_default(kind)))
}

/// Stores the shipped default as version 1 if the archive has no version
/// of this kind yet; returns the current version.
fn ensure_stored(tx: &Connection, operator: &str, kind: DocKind) -> Result<TemplateVersion> {
    let current = current_template(tx, kind)?;
    if current.id.is_some() {
        return Ok(current);
    }
    tx.execute(
        "INSERT INTO template_version (kind, version, body, origin, source, created_at, operator)
         VALUES (?1, 1, ?2, 'default', ?3, ?4, ?5)",
        params![
            kind.as_str(),
            current.body,
            DEFAULT_VERSION,
            crate::now_utc(),
            operator
        ],
    )?;
    current_template(tx, kind)
}

fn add_version(
    tx: &Connection,
    operator: &str,
    kind: DocKind,
    body: &str,
    origin: &str,
    source: Option<&str>,
) -> Result<TemplateVersion> {
    let current = ensure_stored(tx, operator, kind)?;
    tx.execute(
        "INSERT INTO template_version (kind, version, body, origin, source, created_at, operator)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            kind.as_str(),
            current.version + 1,
            body,
            origin,
            source,
            crate::now_utc(),
            operator
        ],
    )?;
    let new = current_template(tx, kind)?;
    crate::audit::record(
        tx,
        operator,
        if origin == "edit" {
            "update"
        } else {
            "restore"
        },
        "template",
        kind.as_str(),
        Some(&serde_json::json!({ "version": current.version })),
        Some(&serde_json::json!({ "version": new.version, "origin": origin, "source": source })),
    )?;
    Ok(new)
}

fn record_document(
    tx: &Connection,
    operator: &str,
    istat: &str,
    kind: DocKind,
    template_id: i64,
    format: DocFormat,
    path: &Path,
    bytes: &[u8],
    batch_id: Option<&str>,
) -> Result<i64> {
    let sha = sha256_hex(bytes);
    tx.execute(
        "INSERT INTO document (istat, kind, template_id, format, path, sha256, bytes, created_at, operator, batch_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            istat,
            kind.as_str(),
            template_id,
            format.extension(),
            path.to_string_lossy(),
            sha,
            bytes.len() as i64,
            crate::now_utc(),
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
                &serde_json::json!({ "istat": istat, "kind": kind.as_str(), "format": format.extension(), "path": path.to_string_lossy(), "sha256": sha, "template_id": template_id }),
            ),
        )?;
    }
    Ok(id)
}

const DOCUMENT_COLUMNS: &str = "d.id, d.istat, c.name, d.kind, t.version, d.format, d.path, d.sha256, d.bytes, d.created_at, d.operator, d.batch_id";

fn document_row(r: &rusqlite::Row) -> rusqlite::Result<DocumentRecord> {
    let kind: String = r.get(3)?;
    let kind = DocKind::parse(&kind).unwrap_or(DocKind::Lettera);
    let format: String = r.get(5)?;
    let path: String = r.get(6)?;
    Ok(DocumentRecord {
        id: r.get(0)?,
        istat: r.get(1)?,
        comune: r.get(2)?,
        kind,
        kind_label: kind.label().to_string(),
        template_version: r.get(4)?,
        format: if format == "docx" {
            DocFormat::Docx
        } else {
            DocFormat::Pdf
        },
        file_name: Path::new(&path)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        path,
        sha256: r.get(7)?,
        bytes: r.get(8)?,
        created_at: r.get(9)?,
        operator: r.get(10)?,
        batch_id: r.get(11)?,
    })
}

impl Store {
    pub fn templates(&self) -> Result<Vec<TemplateSummary>> {
        DOC_KINDS
            .into_iter()
            .map(|kind| {
                let t = current_template(&self.conn, kind)?;
                Ok(TemplateSummary {
                    kind,
                    label: kind.label().into(),
                    version: t.version,
                    is_default: t.body == kind.default_body(),
                    updated_at: t.created_at,
                    operator: t.operator,
                })
            })
            .collect()
    }

    pub fn template(&self, kind: DocKind) -> Result<TemplateDetail> {
        let mut versions = template_rows(&self.conn, kind)?;
        if versions.is_empty() {
            versions.push(shipped_default(kind));
        }
        let current = versions[0].clone();
        Ok(TemplateDetail {
            kind,
            label: kind.label().into(),
            is_default: current.body == kind.default_body(),
            current,
            default_version: DEFAULT_VERSION.into(),
            versions,
        })
    }

    /// Saves an edited template as a new version, after checking it.
    pub fn save_template(&mut self, kind: DocKind, body: &str) -> Result<TemplateDetail> {
        let (body, ctx) = self.filling(kind, Some(body), None)?;
        fill(&body, &ctx)?;
        if current_template(&self.conn, kind)?.body == body {
            return Err(Error::validation(
                "body",
                "Nessuna modifica da salvare: il testo è uguale alla versione in uso.",
            ));
        }
        self.action(|tx, op| add_version(tx, op, kind, &body, "edit", None))?;
        self.template(kind)
    }

    /// Makes an earlier version (or, with None, the shipped default) the
    /// current one, as a new version: nothing is ever lost.
    pub fn restore_template(
        &mut self,
        kind: DocKind,
        version: Option<i64>,
    ) -> Result<TemplateDetail> {
        let (body, source) = match version {
            None => (
                kind.default_body().to_string(),
                format!("predefinito {DEFAULT_VERSION}"),
            ),
            Some(v) => {
                let row = template_rows(&self.conn, kind)?
                    .into_iter()
                    .find(|t| t.version == v)
                    .ok_or_else(|| {
                        Error::not_found(format!("La versione {v} del modello non esiste."))
                    })?;
                (row.body, format!("versione {v}"))
            }
        };
        if current_template(&self.conn, kind)?.body == body {
            return Err(Error::validation(
                "body",
                "Il modello in uso è già uguale a quello da ripristinare.",
            ));
        }
        self.action(|tx, op| add_version(tx, op, kind, &body, "restore", Some(&source)))?;
        self.template(kind)
    }

    /// The text to fill (the one being edited, or the current template) and
    /// the data of the comune (or of the first one, for a sample).
    fn filling(
        &self,
        kind: DocKind,
        body: Option<&str>,
        istat: Option<&str>,
    ) -> Result<(String, Context)> {
        let body = match body {
            Some(b) => b.replace("\r\n", "\n"),
            None => current_template(&self.conn, kind)?.body,
        };
        let istat = match istat {
            Some(i) => i.to_string(),
            None => self
                .conn
                .query_row("SELECT istat FROM comune ORDER BY name LIMIT 1", [], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or_else(|| Error::not_found("Nessun comune nell'archivio."))?,
        };
        Ok((body, context_for(&self.conn, &istat)?))
    }

    /// The template (the text being edited, or the current one) filled with
    /// a comune's data.
    pub fn preview_template(
        &self,
        kind: DocKind,
        body: Option<&str>,
        istat: Option<&str>,
    ) -> Result<Preview> {
        let (body, ctx) = self.filling(kind, body, istat)?;
        let doc = fill(&body, &ctx)?;
        Ok(Preview {
            title: doc.title.clone(),
            header: doc.header.clone(),
            text: doc.plain_text(),
            blocks: doc.blocks,
        })
    }

    /// The PDF of a template being edited, for "Anteprima PDF" (not registered).
    pub fn preview_pdf(
        &self,
        kind: DocKind,
        body: Option<&str>,
        istat: Option<&str>,
    ) -> Result<Vec<u8>> {
        let (body, ctx) = self.filling(kind, body, istat)?;
        let doc = fill(&body, &ctx)?;
        Ok(render(
            &doc,
            kind,
            &ctx.comune.nome,
            &crate::settings::operator_name(&self.conn)?,
            DocFormat::Pdf,
        )?
        .bytes)
    }

    /// A document for one comune, in memory, with the current template.
    pub fn render_document(
        &self,
        kind: DocKind,
        istat: &str,
        format: DocFormat,
    ) -> Result<Rendered> {
        let t = current_template(&self.conn, kind)?;
        let ctx = context_for(&self.conn, istat)?;
        let doc = fill(&t.body, &ctx)?;
        render(
            &doc,
            kind,
            &ctx.comune.nome,
            &crate::settings::operator_name(&self.conn)?,
            format,
        )
    }

    /// The file name proposed in the save dialog.
    pub fn document_file_name(
        &self,
        kind: DocKind,
        istat: &str,
        format: DocFormat,
    ) -> Result<String> {
        Ok(file_name(
            kind,
            &get_comune(&self.conn, istat)?.name,
            format,
        ))
    }

    /// Generates a document for one comune and writes it at `path`; the
    /// documents register gets its row (template version, SHA-256) and the
    /// audit its entry, in one transaction. If that fails the file is removed.
    pub fn generate_document(
        &mut self,
        kind: DocKind,
        istat: &str,
        format: DocFormat,
        path: &Path,
    ) -> Result<DocumentRecord> {
        let rendered = self.render_document(kind, istat, format)?;
        crate::io::write_atomically(path, &rendered.bytes)?;
        let result = self.action(|tx, op| {
            let t = ensure_stored(tx, op, kind)?;
            record_document(
                tx,
                op,
                istat,
                kind,
                t.id.unwrap_or_default(),
                format,
                path,
                &rendered.bytes,
                None,
            )
        });
        match result {
            Ok(id) => self.document(id),
            Err(e) => {
                let _ = std::fs::remove_file(path);
                Err(e)
            }
        }
    }

    pub fn document(&self, id: i64) -> Result<DocumentRecord> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {DOCUMENT_COLUMNS} FROM document d JOIN template_version t ON t.id = d.template_id
                     LEFT JOIN comune c ON c.istat = d.istat WHERE d.id = ?1"
                ),
                [id],
                document_row,
            )
            .optional()?
            .ok_or_else(|| Error::not_found("Documento non trovato nel registro."))
    }

    /// Whether a file is in the documents register (the app may open it).
    pub fn is_registered_document(&self, path: &Path) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM document WHERE path = ?1 LIMIT 1",
                [path.to_string_lossy()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The documents register, newest first; of one comune if given.
    pub fn documents(&self, istat: Option<&str>) -> Result<Vec<DocumentRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM document d JOIN template_version t ON t.id = d.template_id
             LEFT JOIN comune c ON c.istat = d.istat
             WHERE ?1 IS NULL OR d.istat = ?1 ORDER BY d.id DESC LIMIT 2000"
        ))?;
        let rows = stmt
            .query_map([istat], document_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Generates one document per comune into `folder`. Rendering runs on
    /// every core; one comune's failure is reported and does not stop the
    /// others; cancel stops before the next comune. The files written are
    /// recorded in the register in one transaction with one audit row.
    pub fn generate_batch(
        &mut self,
        kind: DocKind,
        istats: &[String],
        format: DocFormat,
        folder: &Path,
        progress: &(dyn Fn(usize, usize) + Sync),
        cancel: &AtomicBool,
    ) -> Result<BatchReport> {
        if istats.is_empty() {
            return Err(Error::validation("istat", "Nessun comune selezionato."));
        }
        if !folder.is_dir() {
            return Err(Error::validation(
                "folder",
                format!("La cartella {} non esiste.", folder.display()),
            ));
        }
        let t = current_template(&self.conn, kind)?;
        template::check(&t.body)?;
        let author = crate::settings::operator_name(&self.conn)?;
        // Data first (the connection stays on this thread), then rendering in parallel.
        let jobs: Vec<(String, Result<Context>)> = istats
            .iter()
            .map(|i| (i.clone(), context_for(&self.conn, i)))
            .collect();
        let total = jobs.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(8);
        let chunk = total.div_ceil(threads);
        let results: Vec<(String, String, Result<(PathBuf, Vec<u8>)>)> = std::thread::scope(|s| {
            let handles: Vec<_> = jobs
                .chunks(chunk.max(1))
                .map(|part| {
                    let (body, author, done) = (&t.body, &author, &done);
                    s.spawn(move || {
                        part.iter()
                            .map(|(istat, ctx)| {
                                if cancel.load(Ordering::Relaxed) {
                                    return (
                                        istat.clone(),
                                        String::new(),
                                        Err(Error::Cancelled {
                                            message: "Interrotto.".into(),
                                        }),
                                    );
                                }
                                let out = ctx
                                    .as_ref()
                                    .map_err(|e| Error::validation("istat", e.to_string()))
                                    .and_then(|ctx| {
                                        let doc = fill(body, ctx)?;
                                        let rendered =
                                            render(&doc, kind, &ctx.comune.nome, author, format)?;
                                        let path =
                                            folder.join(file_name(kind, &ctx.comune.nome, format));
                                        crate::io::write_atomically(&path, &rendered.bytes)?;
                                        Ok((path, rendered.bytes))
                                    });
                                let name = ctx
                                    .as_ref()
                                    .map(|c| c.comune.nome.clone())
                                    .unwrap_or_else(|_| istat.clone());
                                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                                (istat.clone(), name, out)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });

        let cancelled = cancel.load(Ordering::Relaxed);
        let batch_id = format!("batch-{}", crate::now_utc());
        let mut items = Vec::new();
        let mut to_record = Vec::new();
        for (istat, comune, res) in results {
            match res {
                Ok((path, bytes)) => {
                    items.push(BatchItem {
                        istat: istat.clone(),
                        comune,
                        path: Some(path.to_string_lossy().into()),
                        error: None,
                    });
                    to_record.push((istat, path, bytes));
                }
                Err(Error::Cancelled { .. }) => {}
                Err(e) => items.push(BatchItem {
                    istat,
                    comune,
                    path: None,
                    error: Some(e.to_string()),
                }),
            }
        }
        let written = to_record.len();
        let failed = items.iter().filter(|i| i.error.is_some()).count();
        if written > 0 {
            let recorded = self.action(|tx, op| {
                let stored = ensure_stored(tx, op, kind)?;
                for (istat, path, bytes) in &to_record {
                    record_document(tx, op, istat, kind, stored.id.unwrap_or_default(), format, path, bytes, Some(&batch_id))?;
                }
                crate::audit::record(
                    tx,
                    op,
                    "generate_batch",
                    "document",
                    &batch_id,
                    None,
                    Some(&serde_json::json!({ "kind": kind.as_str(), "format": format.extension(), "folder": folder.to_string_lossy(), "written": written, "failed": failed, "cancelled": cancelled })),
                )?;
                Ok(())
            });
            if let Err(e) = recorded {
                for (_, path, _) in &to_record {
                    let _ = std::fs::remove_file(path);
                }
                return Err(e);
            }
        }
        Ok(BatchReport {
            written,
            failed,
            cancelled,
            folder: folder.to_string_lossy().into(),
            items,
        })
    }
}
