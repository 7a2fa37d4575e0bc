//! The adhesion domain's documents: the four acts a comune receives
//! (`DocKind`), the data their templates are filled with (`Context`, read
//! from the archive by `context_for`), their file names, and the Store's
//! operations on them: templates (through the one template store), one
//! document through the save dialog, batches (through the one batch writer).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::documents::batch::{self, BatchDone, BatchReport, BatchSource, Entry, OnExisting};
use crate::documents::register::{self, DocumentRecord, NewDocument};
use crate::documents::store::{self, TemplateDetail, TemplateKind, TemplateSummary};
use crate::documents::template::{or_blank, Ente, Placeholders, BLANK};
use crate::documents::{act_meta, fill, render, Document, Format, Preview, Rendered};
use crate::error::{Error, Result};
use crate::job::{CancelToken, Progress};
use crate::registry::get_comune;
use crate::Store;

/// What the placeholders of a template can refer to. Every field is always
/// present: a value the archive lacks prints as a dotted line to fill by hand.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Context {
    pub ente: Ente,
    pub comune: ComuneCtx,
    pub sindaco: String,
    pub rpct: String,
    pub referente: String,
    pub zona: ZonaCtx,
    pub invito: InvitoCtx,
    /// The date of the document, chosen when generating; blank by default.
    pub data: String,
    pub anno: i32,
    pub senza_oneri: bool,
    /// The organ that adopts the adhesion act: "giunta" or "sindaco".
    pub organo: String,
    /// The Piano Nazionale Anticorruzione in force at the document's date
    /// (today's, when the date is left blank).
    pub pna: crate::legal::Pna,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComuneCtx {
    pub nome: String,
    pub istat: String,
    pub pec: String,
    pub indirizzo: String,
    pub codice_ipa: String,
    pub popolazione: String,
    pub sito: String,
    pub codice_fiscale: String,
    pub ufficio_proponente: String,
    /// True when the population recorded is under 5,000 inhabitants.
    pub sotto_5000: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ZonaCtx {
    pub nome: String,
    pub referente: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvitoCtx {
    pub numero: String,
    pub data: String,
}

impl Context {
    /// A context with every value blank (used to list the placeholders).
    pub fn blank() -> Context {
        let b = || BLANK.to_string();
        Context {
            ente: Ente::blank(),
            comune: ComuneCtx {
                nome: b(),
                istat: b(),
                pec: b(),
                indirizzo: b(),
                codice_ipa: b(),
                popolazione: b(),
                sito: b(),
                codice_fiscale: b(),
                ufficio_proponente: b(),
                sotto_5000: false,
            },
            sindaco: b(),
            rpct: b(),
            referente: b(),
            zona: ZonaCtx {
                nome: b(),
                referente: b(),
            },
            invito: InvitoCtx {
                numero: b(),
                data: b(),
            },
            data: b(),
            anno: 2026,
            senza_oneri: true,
            organo: "giunta".into(),
            pna: crate::legal::pna_in_force(chrono::NaiveDate::MIN),
        }
    }
}

impl Placeholders for Context {
    fn sample() -> Context {
        Context::blank()
    }
}

/// The placeholders with a short Italian description, for the editor's help.
pub fn placeholder_help() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("ente.nome", "Città Metropolitana di Messina"),
        ("ente.ufficio", "l'ufficio che scrive (Segreteria Generale)"),
        ("ente.pec", "la PEC della Segreteria (Impostazioni)"),
        ("ente.firmatario", "chi firma le lettere (Impostazioni)"),
        (
            "ente.qualifica_firmatario",
            "la sua qualifica (Impostazioni)",
        ),
        ("comune.nome", "il nome del comune"),
        ("comune.istat", "il codice ISTAT"),
        ("comune.pec", "la PEC del comune"),
        ("comune.indirizzo", "l'indirizzo della sede"),
        ("comune.codice_ipa", "il codice IPA"),
        ("comune.popolazione", "gli abitanti, con l'anno"),
        ("comune.sito", "il sito istituzionale"),
        ("comune.codice_fiscale", "il codice fiscale del Comune"),
        (
            "comune.ufficio_proponente",
            "l'ufficio che propone l'atto (Area Amministrativa se non indicato)",
        ),
        (
            "comune.sotto_5000",
            "vero se il Comune ha meno di 5.000 abitanti (per {% if comune.sotto_5000 %})",
        ),
        ("ente.indirizzo", "la sede della Segreteria (Impostazioni)"),
        (
            "ente.codice_fiscale",
            "il codice fiscale della Città Metropolitana (Impostazioni)",
        ),
        (
            "ente.telefono",
            "il telefono della Segreteria (Impostazioni)",
        ),
        (
            "organo",
            "chi adotta l'atto di adesione: \"giunta\" o \"sindaco\" (scheda del comune)",
        ),
        ("sindaco", "il Sindaco in carica"),
        ("rpct", "l'RPCT in carica"),
        ("referente", "il referente operativo, o l'RPCT se manca"),
        ("zona.nome", "la zona omogenea del comune"),
        ("zona.referente", "il referente della zona"),
        ("invito.numero", "il protocollo della lettera d'invito"),
        ("invito.data", "la data dell'invito"),
        (
            "data",
            "la data del documento scelta alla generazione, in lettere (puntini se non scelta)",
        ),
        ("anno", "l'anno del documento"),
        (
            "pna.nome",
            "il Piano Nazionale Anticorruzione in vigore alla data del documento",
        ),
        ("pna.sigla", "la sua sigla (PNA 2025)"),
        (
            "pna.piccoli_comuni",
            "l'atto ANAC con le indicazioni per i comuni sotto 5.000 abitanti, se c'è (vuoto per il PNA 2025)",
        ),
        (
            "pna.delibera",
            "la delibera ANAC che lo ha approvato (delibera n. 19 del 28 gennaio 2026)",
        ),
        (
            "senza_oneri",
            "vero se l'adesione non ha costi (per {% if senza_oneri %})",
        ),
    ])
}

/// The version label of the shipped default templates.
pub const DEFAULT_VERSION: &str = "2026.4";

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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

    /// The short name, on buttons and in lists of kinds.
    pub fn short_label(self) -> &'static str {
        match self {
            DocKind::DeliberaGiunta => "Bozza delibera di Giunta",
            DocKind::DecretoSindacale => "Bozza decreto sindacale",
            DocKind::Lettera => "Lettera di trasmissione",
            DocKind::SchemaProtocollo => "Schema di protocollo",
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

impl TemplateKind for DocKind {
    fn key(self) -> &'static str {
        self.as_str()
    }

    fn label(self) -> &'static str {
        DocKind::label(self)
    }

    fn default_body(self) -> &'static str {
        DocKind::default_body(self)
    }

    fn default_version(self) -> &'static str {
        DEFAULT_VERSION
    }

    fn placeholders(self) -> BTreeSet<String> {
        Context::placeholders()
    }
}

/// At every opening: the acts' templates the user has not edited take the
/// newer shipped defaults (a version and an audit row each).
pub(crate) fn upgrade_default_templates(s: &mut Store) -> Result<()> {
    s.action(|tx, op| {
        for kind in DOC_KINDS {
            store::upgrade_default(tx, op, kind)?;
        }
        Ok(())
    })
}

/// A file name without accents, apostrophes or spaces:
/// `Bozza_delibera_adesione_Sant_Agata_di_Militello.pdf`.
pub fn file_name(kind: DocKind, comune: &str, format: Format) -> String {
    format!(
        "{}_{}.{}",
        kind.file_stem(),
        crate::text::file_part(comune),
        format.extension()
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

/// The data a template is filled with, for one comune, as of `today`.
pub fn context_for(conn: &Connection, istat: &str, today: chrono::NaiveDate) -> Result<Context> {
    let c = get_comune(conn, istat)?;
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
        ente: Ente::from_settings(conn)?,
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
        pna: crate::legal::pna_in_force(today),
    })
}

/// Sets the date of a document (None: left blank, to fill by hand).
fn set_date(ctx: &mut Context, date: Option<chrono::NaiveDate>) {
    use chrono::Datelike;
    match date {
        Some(d) => {
            ctx.data = crate::text::date_words(d);
            ctx.anno = d.year();
            ctx.pna = crate::legal::pna_in_force(d);
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

    pub fn fill(&self) -> Result<Document> {
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

    pub fn render(&self, format: Format) -> Result<Rendered> {
        let doc = self.fill()?;
        let meta = act_meta(&doc, self.kind.label(), &self.ctx.comune.nome, &self.author);
        render(&doc, format, &meta)
    }
}

/// The file names of a batch, in order: each comune's clean name, and if
/// an earlier comune of the batch already has that name (compared ignoring
/// case, as some file systems do), the ISTAT code is added: "Alì" and "Ali"
/// give `..._Ali.pdf` and `..._Ali_083099.pdf`.
fn batch_file_names(format: Format, comuni: &[(String, String, DocKind)]) -> Vec<String> {
    batch::distinct_names(comuni, |(istat, name, kind), attempt| match attempt {
        0 => file_name(*kind, name, format),
        1 => file_name(*kind, &format!("{name} {istat}"), format),
        n => file_name(*kind, &format!("{name} {istat} {n}"), format),
    })
}

impl Store {
    pub fn templates(&self) -> Result<Vec<TemplateSummary<DocKind>>> {
        DOC_KINDS
            .into_iter()
            .map(|kind| store::summary(&self.conn, kind))
            .collect()
    }

    pub fn template(&self, kind: DocKind) -> Result<TemplateDetail<DocKind>> {
        store::detail(&self.conn, kind)
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
    ) -> Result<TemplateDetail<DocKind>> {
        self.save_template_version(kind, body, base_version, |s, body| {
            s.render_job(kind, Some(body), None)?.fill()?;
            s.dry_run(body)
        })
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
        let never = CancelToken::new();
        let results = batch::par_map(&ctxs, &never, &|ctx: &Context| fill(body, ctx).map(|_| ()));
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
    ) -> Result<TemplateDetail<DocKind>> {
        self.restore_template_version(kind, version)
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
        let template = store::current(&self.conn, kind)?;
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
            author: crate::documents::author(&self.conn)?,
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
            .render(Format::Pdf)?
            .bytes)
    }

    /// A document for one comune, in memory, with the current template.
    pub fn render_document(&self, kind: DocKind, istat: &str, format: Format) -> Result<Rendered> {
        self.render_job(kind, None, Some(istat))?.render(format)
    }

    /// The file name proposed in the save dialog.
    pub fn document_file_name(&self, kind: DocKind, istat: &str, format: Format) -> Result<String> {
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
        format: Format,
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
        format: Format,
        path: &Path,
        rendered: &Rendered,
    ) -> Result<DocumentRecord> {
        let (kind, istat, comune) = (
            job.kind,
            job.ctx.comune.istat.clone(),
            job.ctx.comune.nome.clone(),
        );
        if store::current(&self.conn, kind)?.body != job.body {
            return Err(Error::conflict(
                "Il modello è stato modificato mentre il documento veniva preparato: generarlo di nuovo.",
                None,
            ));
        }
        crate::fs::write_atomically(path, &rendered.bytes)?;
        let result = self.action(|tx, op| {
            let t = store::ensure_stored(tx, op, kind)?;
            register::record(
                tx,
                op,
                &NewDocument {
                    istat: Some(&istat),
                    comune: Some(&comune),
                    kind: kind.as_str(),
                    label: kind.label(),
                    template_id: t.id,
                    format,
                    path,
                    sha256: &crate::fs::sha256_hex(&rendered.bytes),
                    size: rendered.bytes.len(),
                },
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

    /// The data of a batch, read from the archive: the current template(s),
    /// each comune's data (or why it could not be read), the document it
    /// gets (for [`BatchKind::AdhesionAct`], the act of the organ recorded
    /// for that comune) and its file name (distinct within the batch, see
    /// [`batch_file_names`]).
    pub fn batch_job(
        &self,
        kind: impl Into<BatchKind>,
        istats: &[String],
        format: Format,
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
            let t = store::current(&self.conn, k)?;
            crate::documents::template::check_with(&t.body, &Context::placeholders())?;
            bodies.push((k, t.body));
        }
        let author = crate::documents::author(&self.conn)?;
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
        let names = batch_file_names(
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
        format: Format,
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
        format: Format,
        folder: &Path,
        on_existing: OnExisting,
        progress: &(dyn Fn(Progress) + Sync),
        cancel: &CancelToken,
    ) -> Result<BatchReport> {
        let job = self.batch_job(kind, istats, format)?;
        let done = job.run(folder, on_existing, progress, cancel)?;
        self.record_batch(&job, done)
    }

    /// Records the files a batch wrote (see [`BatchJob::run`]) in the
    /// register, in one transaction with one audit row; if that fails, the
    /// files written are removed.
    pub fn record_batch(&mut self, job: &BatchJob, done: BatchDone) -> Result<BatchReport> {
        let BatchDone { report, files } = done;
        let format = job.format;
        if files.is_empty() {
            return Ok(report);
        }
        for (kind, body) in &job.bodies {
            if store::current(&self.conn, *kind)?.body != *body {
                batch::discard(&files);
                return Err(Error::conflict(
                    "Il modello è stato modificato mentre i documenti venivano preparati: generarli di nuovo.",
                    None,
                ));
            }
        }
        let summary = serde_json::json!({ "kind": job.kind.as_str(), "format": format.extension(), "folder": report.folder, "written": report.written, "replaced": report.replaced, "suffixed": report.suffixed, "skipped": report.skipped, "failed": report.failed, "cancelled": report.cancelled });
        let recorded = self.action(|tx, op| {
            let mut stored = std::collections::HashMap::new();
            for (kind, _) in &job.bodies {
                stored.insert(*kind, store::ensure_stored(tx, op, *kind)?.id);
            }
            let docs = files.iter().map(|f| {
                let item = &job.items[f.index];
                NewDocument {
                    istat: Some(&item.istat),
                    comune: item.ctx.as_ref().ok().map(|c| c.comune.nome.as_str()),
                    kind: item.kind.as_str(),
                    label: item.kind.label(),
                    template_id: stored.get(&item.kind).copied().flatten(),
                    format,
                    path: &f.path,
                    sha256: &f.sha256,
                    size: f.bytes.len(),
                }
            });
            register::record_batch(tx, op, docs, &summary)
        });
        if let Err(e) = recorded {
            batch::discard(&files);
            return Err(e);
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
            BatchKind::AdhesionAct => "Atto di adesione (delibera o decreto, secondo il comune)",
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
    pub format: Format,
    /// The current template of each kind of document in the batch.
    pub bodies: Vec<(DocKind, String)>,
    pub author: String,
    pub items: Vec<BatchJobItem>,
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
        batch::existing(self, folder)
    }

    /// Renders and writes the documents (in parallel), without the archive.
    pub fn run(
        &self,
        folder: &Path,
        on_existing: OnExisting,
        progress: &(dyn Fn(Progress) + Sync),
        cancel: &CancelToken,
    ) -> Result<BatchDone> {
        batch::run(self, folder, on_existing, progress, cancel)
    }
}

impl BatchSource for BatchJob {
    type Item = BatchJobItem;

    fn items(&self) -> &[BatchJobItem] {
        &self.items
    }

    fn entry(&self, item: &BatchJobItem) -> Entry {
        Entry {
            key: item.istat.clone(),
            label: item
                .ctx
                .as_ref()
                .map(|c| c.comune.nome.clone())
                .unwrap_or_else(|_| item.istat.clone()),
            file_name: item.file_name.clone(),
        }
    }

    fn render(&self, item: &BatchJobItem) -> Result<Vec<u8>> {
        let ctx = item
            .ctx
            .as_ref()
            .map_err(|e| Error::validation("istat", e.clone()))?;
        let doc = fill(self.body(item.kind), ctx)?;
        let meta = act_meta(&doc, item.kind.label(), &ctx.comune.nome, &self.author);
        Ok(render(&doc, self.format, &meta)?.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::template::{
        check_with, environment, fill_marked_with as fill_marked, FUEL, MAX_OUTPUT_BYTES,
    };

    fn check(source: &str) -> Result<()> {
        check_with(source, &Context::placeholders())
    }

    #[test]
    fn reports_unknown_placeholders_with_line() {
        let e = check("# Titolo\n\nIl Comune di {{ comune.nom }} aderisce.").unwrap_err();
        let m = e.to_string();
        assert!(m.contains("Riga 3") && m.contains("comune.nom"), "{m}");
        let e = check("testo {{ sindaco_uscente }}").unwrap_err();
        assert!(e.to_string().contains("sindaco_uscente"));
    }

    #[test]
    fn reports_unclosed_blocks_and_empty_templates() {
        let e = check("# Atto\n\n{% if senza_oneri %}\nNessun onere.\n").unwrap_err();
        assert!(e.to_string().contains("endif"), "{e}");
        assert!(check("   \n").unwrap_err().to_string().contains("vuoto"));
        let e = check("{{ comune.nome ").unwrap_err();
        assert!(e.to_string().starts_with("Riga 1"), "{e}");
    }

    #[test]
    fn default_templates_use_a_small_part_of_the_limits() {
        for kind in DOC_KINDS {
            let env = environment();
            let tmpl = env.template_from_str(kind.default_body()).unwrap();
            let captured = tmpl
                .render_captured(minijinja::value::Serde(&Context::blank()))
                .unwrap();
            let (used, _) = captured.state().fuel_levels().unwrap();
            assert!(used < FUEL / 20, "{kind:?}: {used}");
            assert!(captured.output().len() < MAX_OUTPUT_BYTES / 100);
        }
    }

    #[test]
    fn values_are_tokens_until_parsed() {
        let mut ctx = Context::blank();
        ctx.comune.nome = "# Alì\n- *x* \u{E000}0\u{E001}".into();
        let f = fill_marked("{{ comune.nome }} e {{ comune.nome }} ({{ anno }})", &ctx).unwrap();
        assert!(!f.text.contains('#') && !f.text.contains('*'), "{}", f.text);
        assert_eq!(f.values.len(), 2, "one token per distinct value");
        assert_eq!(f.plain(), "# Alì - *x* 0 e # Alì - *x* 0 (2026)");
        // A macro's output is template text: its values stay tokens.
        let f = fill_marked(
            "{% macro m(x) %}**{{ x }}**{% endmacro %}{{ m(comune.nome) }}",
            &ctx,
        )
        .unwrap();
        assert!(
            f.text.starts_with("**\u{E000}") && f.text.ends_with("\u{E001}**"),
            "{:?}",
            f.text
        );
    }

    #[test]
    fn fills_placeholders() {
        let mut ctx = Context::blank();
        ctx.comune.nome = "Sant'Agata di Militello".into();
        let out = fill_marked(
            "Comune di {{ comune.nome }}{% if senza_oneri %}, senza oneri{% endif %}",
            &ctx,
        )
        .unwrap()
        .plain();
        assert_eq!(out, "Comune di Sant'Agata di Militello, senza oneri");
        check("{% for x in [1, 2] %}{{ x }}{% endfor %} {{ comune.nome | upper }}").unwrap();
    }
}
