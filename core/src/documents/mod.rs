//! Documents: templates filled from the archive, typeset into PDF/A-2b with
//! printpdf and written as editable DOCX, and the register of what was
//! generated (template version and SHA-256 of each file).

pub mod docx;
pub mod fonts;
pub mod layout;
pub mod markup;
pub mod pdf;
pub mod report;
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

/// This domain's part of the archive. The templates and the register of the documents.
pub(crate) const DOMAIN: crate::db::Domain<crate::Store> = crate::db::Domain {
    name: "documents",
    migrations: &[crate::db::Migration {
        number: 3,
        name: "0003_documents",
        sql: include_str!("../../migrations/0003_documents.sql"),
    }],
    seed: None,
};

/// The version label of the shipped default templates.
pub const DEFAULT_VERSION: &str = "2026.2";

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
    /// The template in use is the user's, written on an older default:
    /// the shipped default (`default_version`) is newer.
    pub newer_default: bool,
    pub default_version: String,
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
    /// See [`TemplateSummary::newer_default`].
    pub newer_default: bool,
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
    /// The file written (None if skipped or failed).
    pub path: Option<String>,
    pub error: Option<String>,
    pub outcome: ItemOutcome,
}

/// The summary of a batch. `written` counts every file written, of which
/// `replaced` replaced a file of the same name and `suffixed` got a
/// " (2)"-style suffix; `skipped` comuni had a file already and got none.
#[derive(Debug, Clone, Serialize)]
pub struct BatchReport {
    pub written: usize,
    pub replaced: usize,
    pub skipped: usize,
    pub suffixed: usize,
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

fn current_referent(
    conn: &Connection,
    istat: &str,
    role: &str,
    today: chrono::NaiveDate,
) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT full_name FROM referent
             WHERE istat = ?1 AND role = ?2
               AND (valid_to IS NULL OR valid_to >= ?3)
             ORDER BY COALESCE(valid_from, '') DESC, id DESC LIMIT 1",
            params![istat, role, today.to_string()],
            |r| r.get(0),
        )
        .optional()?)
}

/// The data a template is filled with, for one comune.
/// The context of a comune's acts, as of `today`.
pub fn context_for(conn: &Connection, istat: &str, today: chrono::NaiveDate) -> Result<Context> {
    let c = get_comune(conn, istat)?;
    let letterhead = crate::db::kv::letterhead(conn)?;
    let rpct = current_referent(conn, istat, "rpct", today)?;
    let sindaco = current_referent(conn, istat, "sindaco", today)?.or(c.mayor_name.clone());
    let referente = current_referent(conn, istat, "operativo", today)?.or(rpct.clone());
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
    use chrono::Datelike;
    Ok(Context {
        ente: Ente {
            nome: "Città Metropolitana di Messina".into(),
            ufficio: "Segreteria Generale".into(),
            pec: or_blank(Some(letterhead.secretariat_pec)),
            firmatario: or_blank(Some(letterhead.signatory_name)),
            qualifica_firmatario: or_blank(Some(letterhead.signatory_title)),
            indirizzo: or_blank(Some(letterhead.secretariat_address)),
            codice_fiscale: or_blank(Some(letterhead.secretariat_fiscal_code)),
            telefono: or_blank(Some(letterhead.secretariat_phone)),
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
            codice_fiscale: or_blank(c.fiscal_code.clone()),
            ufficio_proponente: or_blank(Some(c.proposing_office.clone())),
            sotto_5000: c.population.is_some_and(|p| p < 5000),
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
        data: BLANK.to_string(),
        anno: today.year(),
        senza_oneri: true,
        organo: c.adopting_organ.as_str().to_string(),
    })
}

/// Sets the date of a document (None: left blank, to fill by hand).
fn set_date(ctx: &mut Context, date: Option<chrono::NaiveDate>) {
    use chrono::Datelike;
    match date {
        Some(d) => {
            ctx.data = date_long(d);
            ctx.anno = d.year();
        }
        None => ctx.data = BLANK.to_string(),
    }
}

/// Parses the date the user chose for a document ("" or None: no date).
pub fn document_date(value: Option<&str>) -> Result<Option<chrono::NaiveDate>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => crate::validate::date("date", "Data del documento", v).map(Some),
    }
}

/// The adhesion act a comune adopts: the Giunta proposal or the Sindaco decree.
pub fn act_kind(organ: crate::registry::Organ) -> DocKind {
    match organ {
        crate::registry::Organ::Giunta => DocKind::DeliberaGiunta,
        crate::registry::Organ::Sindaco => DocKind::DecretoSindacale,
    }
}

/// Fills, checks and parses a template for a context.
pub fn fill(body: &str, ctx: &Context) -> Result<markup::Document> {
    fill_with(body, ctx, &Context::placeholders())
}

/// [`fill`] with another context and its placeholders (a network-level act).
pub fn fill_with<T: Serialize>(
    body: &str,
    ctx: &T,
    known: &std::collections::BTreeSet<String>,
) -> Result<markup::Document> {
    template::check_with(body, known)?;
    // The markup is parsed with each value as an opaque token, then the
    // values are put back: data never acts as markup.
    let filled = template::fill_marked_with(body, ctx)?;
    let mut doc = markup::parse(&filled.text)?;
    doc.map_text(|s| markup::typographic(&filled.resolve(s)));
    let text = filled.plain();
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
    // The same properties in the PDF's metadata and the DOCX's.
    let title = if doc.title.is_empty() {
        kind.label().to_string()
    } else {
        doc.title.clone()
    };
    let subject = format!("{} – Comune di {comune}", kind.label());
    let keywords: Vec<String> = vec![
        "Comunità di Pratiche".into(),
        "anticorruzione".into(),
        comune.to_string(),
    ];
    match format {
        DocFormat::Pdf => {
            let pages = layout::layout(doc);
            let meta = pdf::Metadata {
                title,
                author: author.to_string(),
                subject,
                keywords,
                created: chrono::Utc::now(),
            };
            let n = pages.len();
            Ok(Rendered {
                bytes: pdf::write_pdf(&pages, &meta)?,
                pages: n,
            })
        }
        DocFormat::Docx => Ok(Rendered {
            bytes: docx::write_docx(
                doc,
                &docx::DocxMeta {
                    title,
                    author: author.to_string(),
                    subject,
                    keywords,
                    created: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                },
            )?,
            pages: 0,
        }),
    }
}

/// A rendering prepared from the archive (see [`Store::render_job`]): it
/// runs without the archive, on any thread.
#[derive(Debug, Clone)]
pub struct RenderJob {
    pub kind: DocKind,
    pub body: String,
    pub ctx: Context,
    pub author: String,
}

impl RenderJob {
    /// The same job with the document's date (None: blank).
    pub fn dated(mut self, date: Option<chrono::NaiveDate>) -> RenderJob {
        set_date(&mut self.ctx, date);
        self
    }

    pub fn fill(&self) -> Result<markup::Document> {
        fill(&self.body, &self.ctx)
    }

    pub fn preview(&self) -> Result<Preview> {
        let doc = self.fill()?;
        Ok(Preview {
            title: doc.title.clone(),
            header: doc.header.clone(),
            text: doc.plain_text(),
            blocks: doc.blocks,
        })
    }

    pub fn render(&self, format: DocFormat) -> Result<Rendered> {
        let doc = self.fill()?;
        render(&doc, self.kind, &self.ctx.comune.nome, &self.author, format)
    }
}

/// Runs `f` on every item on all cores (at most 8 threads), in order;
/// `None` for the items not started because `cancel` was set.
fn par_map<T: Sync, R: Send>(
    items: &[T],
    cancel: &AtomicBool,
    f: &(dyn Fn(&T) -> R + Sync),
) -> Vec<Option<R>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|item| (!cancel.load(Ordering::Relaxed)).then(|| f(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| std::iter::repeat_with(|| None).take(chunk).collect())
            })
            .collect()
    })
}

/// What a batch does when a file of the same name is already in the folder.
/// The user chooses once for the whole batch.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OnExisting {
    /// «sostituisci»: the new document replaces the file.
    Replace,
    /// «salta»: the file stays, that comune gets no document.
    Skip,
    /// «aggiungi un suffisso»: the new document is written as
    /// `Nome (2).pdf` (or the first free number).
    Suffix,
}

/// What happened to one comune of a batch.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcome {
    Written,
    Replaced,
    Skipped,
    Suffixed,
    Failed,
}

/// The file names of a batch, in the order of `names`: each comune's clean
/// name, and if an earlier comune of the batch already has that name
/// (compared ignoring case, as some file systems do), the ISTAT code is
/// added: "Alì" and "Ali" give `..._Ali.pdf` and `..._Ali_083099.pdf`.
pub fn batch_file_names(
    kind: DocKind,
    format: DocFormat,
    comuni: &[(String, String)],
) -> Vec<String> {
    batch_file_names_of(
        format,
        &comuni
            .iter()
            .map(|(i, n)| (i.clone(), n.clone(), kind))
            .collect::<Vec<_>>(),
    )
}

/// [`batch_file_names`] where each comune has its own kind of document.
fn batch_file_names_of(format: DocFormat, comuni: &[(String, String, DocKind)]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    comuni
        .iter()
        .map(|(istat, name, kind)| {
            let kind = *kind;
            let mut n = file_name(kind, name, format);
            if !seen.insert(n.to_lowercase()) {
                n = file_name(kind, &format!("{name} {istat}"), format);
                let mut i = 2;
                while !seen.insert(n.to_lowercase()) {
                    n = file_name(kind, &format!("{name} {istat} {i}"), format);
                    i += 1;
                }
            }
            n
        })
        .collect()
}

/// `Nome.pdf` → `Nome (n).pdf`.
fn with_suffix(name: &str, n: usize) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem} ({n}).{ext}"),
        None => format!("{name} ({n})"),
    }
}

/// Writes one file of a batch according to the user's choice.
fn write_batch_file(
    folder: &Path,
    name: &str,
    bytes: &[u8],
    on_existing: OnExisting,
) -> Result<(ItemOutcome, Option<PathBuf>)> {
    let path = folder.join(name);
    if crate::fs::write_new(&path, bytes)? {
        return Ok((ItemOutcome::Written, Some(path)));
    }
    match on_existing {
        OnExisting::Skip => Ok((ItemOutcome::Skipped, None)),
        OnExisting::Replace => {
            crate::fs::write_atomically(&path, bytes)?;
            Ok((ItemOutcome::Replaced, Some(path)))
        }
        OnExisting::Suffix => {
            for n in 2..10_000 {
                let p = folder.join(with_suffix(name, n));
                if crate::fs::write_new(&p, bytes)? {
                    return Ok((ItemOutcome::Suffixed, Some(p)));
                }
            }
            Err(Error::io(format!(
                "Troppi file con il nome {name} nella cartella {}.",
                folder.display()
            )))
        }
    }
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

/// The template in use: the newest version stored; but a shipped default
/// stored unchanged (origin "default") gives way to a newer shipped default,
/// as the next version. Edited and restored versions stay as they are.
fn current_template(conn: &Connection, kind: DocKind) -> Result<TemplateVersion> {
    Ok(match template_rows(conn, kind)?.into_iter().next() {
        None => shipped_default(kind),
        Some(t) if t.origin == "default" && t.body != kind.default_body() => TemplateVersion {
            version: t.version + 1,
            ..shipped_default(kind)
        },
        Some(t) => t,
    })
}

/// Whether the shipped default is newer than the template in use: the
/// template is the user's and no version of it is the current default.
fn newer_default(versions: &[TemplateVersion], kind: DocKind) -> bool {
    versions.first().is_some_and(|t| t.origin != "default")
        && !versions.iter().any(|t| t.body == kind.default_body())
}

/// Stores the shipped default (as version 1, or as the next version when it
/// replaces an older unchanged default) if it is the current template and
/// not stored yet; returns the current version.
fn ensure_stored(tx: &Connection, operator: &str, kind: DocKind) -> Result<TemplateVersion> {
    let current = current_template(tx, kind)?;
    if current.id.is_some() {
        return Ok(current);
    }
    tx.execute(
        "INSERT INTO template_version (kind, version, body, origin, source, created_at, operator)
         VALUES (?1, ?2, ?3, 'default', ?4, ?5, ?6)",
        params![
            kind.as_str(),
            current.version,
            current.body,
            DEFAULT_VERSION,
            crate::db::version::now_utc(),
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
            crate::db::version::now_utc(),
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
                    newer_default: newer_default(&template_rows(&self.conn, kind)?, kind),
                    default_version: DEFAULT_VERSION.into(),
                    updated_at: t.created_at,
                    operator: t.operator,
                })
            })
            .collect()
    }

    pub fn template(&self, kind: DocKind) -> Result<TemplateDetail> {
        let mut versions = template_rows(&self.conn, kind)?;
        let newer = newer_default(&versions, kind);
        let current = current_template(&self.conn, kind)?;
        if current.id.is_none() {
            versions.insert(0, current.clone());
        }
        Ok(TemplateDetail {
            kind,
            label: kind.label().into(),
            is_default: current.body == kind.default_body(),
            current,
            default_version: DEFAULT_VERSION.into(),
            newer_default: newer,
            versions,
        })
    }

    /// Saves an edited template as a new version, after checking it and
    /// filling it, as a dry run, for every comune of the archive: if it
    /// fails for one, nothing is saved and the error names that comune.
    /// `base_version`: the version the editor opened; if another was saved
    /// since, saving is refused (`conflict`) rather than silently replacing it.
    pub fn save_template(
        &mut self,
        kind: DocKind,
        body: &str,
        base_version: Option<i64>,
    ) -> Result<TemplateDetail> {
        let current = current_template(&self.conn, kind)?;
        if base_version.is_some_and(|v| v != current.version) {
            return Err(Error::conflict(
                format!(
                    "Il modello è stato modificato (ora è alla versione {}) dopo che è stato aperto: il testo non è stato salvato. Copiare le modifiche, ricaricare il modello e ripeterle.",
                    current.version
                ),
                Some("body"),
            ));
        }
        let job = self.render_job(kind, Some(body), None)?;
        job.fill()?;
        let body = job.body;
        if current.body == body {
            return Err(Error::validation(
                "body",
                "Nessuna modifica da salvare: il testo è uguale alla versione in uso.",
            ));
        }
        self.dry_run(&body)?;
        self.action(|tx, op| add_version(tx, op, kind, &body, "edit", None))?;
        self.template(kind)
    }

    /// Fills `body` for every comune (in parallel); the first failure, in
    /// the order of the names, as a validation error on `body` naming the comune.
    fn dry_run(&self, body: &str) -> Result<()> {
        let istats: Vec<String> = self
            .conn
            .prepare("SELECT istat FROM comune ORDER BY name_key, istat")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let ctxs = istats
            .iter()
            .map(|i| context_for(&self.conn, i, self.today()))
            .collect::<Result<Vec<_>>>()?;
        let never = AtomicBool::new(false);
        let results = par_map(&ctxs, &never, &|ctx: &Context| fill(body, ctx).map(|_| ()));
        for (ctx, r) in ctxs.iter().zip(results) {
            if let Some(Err(e)) = r {
                return Err(Error::validation(
                    "body",
                    format!(
                        "Il modello non funziona per il Comune di {}: {e} Il modello non è stato salvato.",
                        ctx.comune.nome
                    ),
                ));
            }
        }
        Ok(())
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

    /// What a rendering needs, read from the archive: the text to fill
    /// (the one being edited, or the current template), the data of the
    /// comune (or of the first one, for a sample) and the author. The
    /// rendering itself then needs no access to the archive, so the shell
    /// can run it without holding the archive.
    pub fn render_job(
        &self,
        kind: DocKind,
        body: Option<&str>,
        istat: Option<&str>,
    ) -> Result<RenderJob> {
        let template = current_template(&self.conn, kind)?;
        let body = match body {
            Some(b) => b.replace("\r\n", "\n"),
            None => template.body.clone(),
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
        Ok(RenderJob {
            kind,
            body,
            ctx: context_for(&self.conn, &istat, self.today())?,
            author: crate::db::kv::operator_name(&self.conn)?,
        })
    }

    /// The template (the text being edited, or the current one) filled with
    /// a comune's data.
    pub fn preview_template(
        &self,
        kind: DocKind,
        body: Option<&str>,
        istat: Option<&str>,
    ) -> Result<Preview> {
        self.render_job(kind, body, istat)?.preview()
    }

    /// The PDF of a template being edited, for "Anteprima PDF" (not registered).
    pub fn preview_pdf(
        &self,
        kind: DocKind,
        body: Option<&str>,
        istat: Option<&str>,
    ) -> Result<Vec<u8>> {
        Ok(self
            .render_job(kind, body, istat)?
            .render(DocFormat::Pdf)?
            .bytes)
    }

    /// A document for one comune, in memory, with the current template.
    pub fn render_document(
        &self,
        kind: DocKind,
        istat: &str,
        format: DocFormat,
    ) -> Result<Rendered> {
        self.render_job(kind, None, Some(istat))?.render(format)
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
        let job = self.render_job(kind, None, Some(istat))?;
        let rendered = job.render(format)?;
        self.save_document(&job, format, path, &rendered)
    }

    /// Writes a document rendered from `job` (a job of the current
    /// template, see [`Store::render_job`]) at `path` and records it.
    pub fn save_document(
        &mut self,
        job: &RenderJob,
        format: DocFormat,
        path: &Path,
        rendered: &Rendered,
    ) -> Result<DocumentRecord> {
        let (kind, istat) = (job.kind, job.ctx.comune.istat.clone());
        if current_template(&self.conn, kind)?.body != job.body {
            return Err(Error::conflict(
                "Il modello è stato modificato mentre il documento veniva preparato: generarlo di nuovo.",
                None,
            ));
        }
        crate::fs::write_atomically(path, &rendered.bytes)?;
        let result = self.action(|tx, op| {
            let t = ensure_stored(tx, op, kind)?;
            record_document(
                tx,
                op,
                &istat,
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
        if sha256_hex(&content) != sha {
            return Err(changed());
        }
        Ok(())
    }

    /// Whether a file is in the documents register and may be opened (see
    /// [`Store::openable_document`]).
    pub fn is_registered_document(&self, path: &Path) -> Result<bool> {
        Ok(self.openable_document(path).is_ok())
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

    /// The data of a batch, read from the archive: the current template(s),
    /// each comune's data (or why it could not be read), the document it
    /// gets (for [`BatchKind::AdhesionAct`], the act of the organ recorded
    /// for that comune) and its file name (distinct within the batch, see
    /// [`batch_file_names`]).
    pub fn batch_job(
        &self,
        kind: impl Into<BatchKind>,
        istats: &[String],
        format: DocFormat,
    ) -> Result<BatchJob> {
        let batch_kind = kind.into();
        if istats.is_empty() {
            return Err(Error::validation("istat", "Nessun comune selezionato."));
        }
        let kinds: Vec<DocKind> = match batch_kind {
            BatchKind::One(k) => vec![k],
            BatchKind::AdhesionAct => vec![DocKind::DeliberaGiunta, DocKind::DecretoSindacale],
        };
        let mut bodies = Vec::new();
        for k in kinds {
            let t = current_template(&self.conn, k)?;
            template::check(&t.body)?;
            bodies.push((k, t.body));
        }
        let author = crate::db::kv::operator_name(&self.conn)?;
        let ctxs: Vec<(String, Result<Context>)> = istats
            .iter()
            .map(|i| (i.clone(), context_for(&self.conn, i, self.today())))
            .collect();
        let item_kinds: Vec<DocKind> = ctxs
            .iter()
            .map(|(_, c)| match (batch_kind, c) {
                (BatchKind::One(k), _) => k,
                (BatchKind::AdhesionAct, Ok(c)) if c.organo == "sindaco" => {
                    DocKind::DecretoSindacale
                }
                (BatchKind::AdhesionAct, _) => DocKind::DeliberaGiunta,
            })
            .collect();
        let names = batch_file_names_of(
            format,
            &ctxs
                .iter()
                .zip(&item_kinds)
                .map(|((i, c), k)| {
                    let name = c
                        .as_ref()
                        .map(|c| c.comune.nome.clone())
                        .unwrap_or_else(|_| i.clone());
                    (i.clone(), name, *k)
                })
                .collect::<Vec<_>>(),
        );
        Ok(BatchJob {
            kind: batch_kind,
            format,
            bodies,
            author,
            items: ctxs
                .into_iter()
                .zip(item_kinds)
                .zip(names)
                .map(|(((istat, ctx), kind), file_name)| BatchJobItem {
                    istat,
                    kind,
                    ctx: ctx.map_err(|e| e.to_string()),
                    file_name,
                })
                .collect(),
        })
    }

    /// How many files of a batch already exist in `folder` (so the user is
    /// asked what to do with them only when there are some).
    pub fn batch_existing(
        &self,
        kind: impl Into<BatchKind>,
        istats: &[String],
        format: DocFormat,
        folder: &Path,
    ) -> Result<usize> {
        Ok(self.batch_job(kind, istats, format)?.existing(folder))
    }

    /// Generates one document per comune into `folder`. Rendering runs on
    /// every core; one comune's failure is reported and does not stop the
    /// others; cancel stops before the next comune. A file of the same name
    /// is replaced, skipped or written with a suffix as `on_existing` says.
    /// The files written are recorded in the register in one transaction
    /// with one audit row.
    #[allow(clippy::too_many_arguments)]
    pub fn generate_batch(
        &mut self,
        kind: impl Into<BatchKind>,
        istats: &[String],
        format: DocFormat,
        folder: &Path,
        on_existing: OnExisting,
        progress: &(dyn Fn(usize, usize) + Sync),
        cancel: &AtomicBool,
    ) -> Result<BatchReport> {
        let job = self.batch_job(kind, istats, format)?;
        let done = job.run(folder, on_existing, progress, cancel)?;
        self.record_batch(&job, done)
    }

    /// Records the files a batch wrote (see [`BatchJob::run`]); if that
    /// fails, the files written are removed.
    pub fn record_batch(&mut self, job: &BatchJob, done: BatchDone) -> Result<BatchReport> {
        let BatchDone { report, files } = done;
        let format = job.format;
        if !files.is_empty() {
            for (kind, body) in &job.bodies {
                if current_template(&self.conn, *kind)?.body != *body {
                    for (_, _, path, _) in &files {
                        let _ = std::fs::remove_file(path);
                    }
                    return Err(Error::conflict(
                        "Il modello è stato modificato mentre i documenti venivano preparati: generarli di nuovo.",
                        None,
                    ));
                }
            }
            let batch_id = format!("batch-{}", crate::job::unique_stamp());
            let folder = report.folder.clone();
            let summary = serde_json::json!({ "kind": job.kind.as_str(), "format": format.extension(), "folder": folder, "written": report.written, "replaced": report.replaced, "suffixed": report.suffixed, "skipped": report.skipped, "failed": report.failed, "cancelled": report.cancelled });
            let recorded = self.action(|tx, op| {
                let mut stored = std::collections::HashMap::new();
                for (kind, _) in &job.bodies {
                    stored.insert(*kind, ensure_stored(tx, op, *kind)?.id.unwrap_or_default());
                }
                for (istat, kind, path, bytes) in &files {
                    record_document(
                        tx,
                        op,
                        istat,
                        *kind,
                        stored.get(kind).copied().unwrap_or_default(),
                        format,
                        path,
                        bytes,
                        Some(&batch_id),
                    )?;
                }
                crate::audit::record(
                    tx,
                    op,
                    "generate_batch",
                    "document",
                    &batch_id,
                    None,
                    Some(&summary),
                )?;
                Ok(())
            });
            if let Err(e) = recorded {
                for (_, _, path, _) in &files {
                    let _ = std::fs::remove_file(path);
                }
                return Err(e);
            }
        }
        Ok(report)
    }
}

/// What a batch generates: one kind of document for every comune, or each
/// comune's adhesion act (the Giunta proposal or the Sindaco decree, as
/// recorded in its registry card).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    One(DocKind),
    AdhesionAct,
}

impl From<DocKind> for BatchKind {
    fn from(k: DocKind) -> Self {
        BatchKind::One(k)
    }
}

impl BatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchKind::One(k) => k.as_str(),
            BatchKind::AdhesionAct => "atto_adesione",
        }
    }

    pub fn parse(s: &str) -> Result<BatchKind> {
        if s == "atto_adesione" {
            Ok(BatchKind::AdhesionAct)
        } else {
            DocKind::parse(s).map(BatchKind::One)
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BatchKind::One(k) => k.label(),
            BatchKind::AdhesionAct => "Atto di adesione (delibera o decreto, secondo il Comune)",
        }
    }
}

/// One comune of a [`BatchJob`].
#[derive(Debug, Clone)]
pub struct BatchJobItem {
    pub istat: String,
    /// The document this comune gets.
    pub kind: DocKind,
    pub ctx: std::result::Result<Context, String>,
    pub file_name: String,
}

/// A batch prepared from the archive: it runs without the archive.
#[derive(Debug, Clone)]
pub struct BatchJob {
    pub kind: BatchKind,
    pub format: DocFormat,
    /// The current template of each kind of document in the batch.
    pub bodies: Vec<(DocKind, String)>,
    pub author: String,
    pub items: Vec<BatchJobItem>,
}

/// What [`BatchJob::run`] did: the report, and the files written, to record.
pub struct BatchDone {
    pub report: BatchReport,
    pub files: Vec<(String, DocKind, PathBuf, Vec<u8>)>,
}

impl BatchJob {
    /// The same batch with the documents' date (None: blank).
    pub fn dated(mut self, date: Option<chrono::NaiveDate>) -> BatchJob {
        for item in self.items.iter_mut() {
            if let Ok(ctx) = item.ctx.as_mut() {
                set_date(ctx, date);
            }
        }
        self
    }

    fn body(&self, kind: DocKind) -> &str {
        self.bodies
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, b)| b.as_str())
            .unwrap_or_default()
    }

    /// How many of the batch's files already exist in `folder`.
    pub fn existing(&self, folder: &Path) -> usize {
        self.items
            .iter()
            .filter(|i| std::fs::symlink_metadata(folder.join(&i.file_name)).is_ok())
            .count()
    }

    /// Renders and writes the documents (in parallel), without the archive.
    pub fn run(
        &self,
        folder: &Path,
        on_existing: OnExisting,
        progress: &(dyn Fn(usize, usize) + Sync),
        cancel: &AtomicBool,
    ) -> Result<BatchDone> {
        if !folder.is_dir() {
            return Err(Error::validation(
                "folder",
                format!("La cartella {} non esiste.", folder.display()),
            ));
        }
        let total = self.items.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        type Out = Result<(ItemOutcome, Option<(PathBuf, Vec<u8>)>)>;
        let results: Vec<Option<Out>> = par_map(&self.items, cancel, &|item: &BatchJobItem| {
            let out = item
                .ctx
                .as_ref()
                .map_err(|e| Error::validation("istat", e.clone()))
                .and_then(|ctx| {
                    let doc = fill(self.body(item.kind), ctx)?;
                    let rendered =
                        render(&doc, item.kind, &ctx.comune.nome, &self.author, self.format)?;
                    let (outcome, path) =
                        write_batch_file(folder, &item.file_name, &rendered.bytes, on_existing)?;
                    Ok((outcome, path.map(|p| (p, rendered.bytes))))
                });
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            out
        });
        let mut report = BatchReport {
            written: 0,
            replaced: 0,
            skipped: 0,
            suffixed: 0,
            failed: 0,
            cancelled: cancel.load(Ordering::Relaxed),
            folder: folder.to_string_lossy().into(),
            items: Vec::new(),
        };
        let mut files = Vec::new();
        for (item, res) in self.items.iter().zip(results) {
            let comune = item
                .ctx
                .as_ref()
                .map(|c| c.comune.nome.clone())
                .unwrap_or_else(|_| item.istat.clone());
            let Some(res) = res else { continue };
            let (outcome, path, error) = match res {
                Ok((outcome, written)) => {
                    let path = written.map(|(p, bytes)| {
                        files.push((item.istat.clone(), item.kind, p.clone(), bytes));
                        p.to_string_lossy().to_string()
                    });
                    (outcome, path, None)
                }
                Err(e) => (ItemOutcome::Failed, None, Some(e.to_string())),
            };
            match outcome {
                ItemOutcome::Written => report.written += 1,
                ItemOutcome::Replaced => {
                    report.written += 1;
                    report.replaced += 1
                }
                ItemOutcome::Suffixed => {
                    report.written += 1;
                    report.suffixed += 1
                }
                ItemOutcome::Skipped => report.skipped += 1,
                ItemOutcome::Failed => report.failed += 1,
            }
            report.items.push(BatchItem {
                istat: item.istat.clone(),
                comune,
                path,
                error,
                outcome,
            });
        }
        Ok(BatchDone { report, files })
    }
}
