//! The one versioned template store. A template is keyed by a kind that its
//! domain owns (adhesion's acts, the working group's act): the domain says
//! its key, label, shipped default and placeholders through [`TemplateKind`].
//! Every edit or restore adds a version (table `template_version`); nothing
//! is ever lost, and each generated document records the version it came from.

use std::collections::BTreeSet;

use rusqlite::{params, Connection};
use serde::Serialize;

use super::template;
use crate::error::{Error, Result};
use crate::Store;

/// A kind of template, owned by its domain.
pub trait TemplateKind: Copy + Serialize {
    /// The key stored in the archive (`template_version.kind`).
    fn key(self) -> &'static str;
    /// The name the user reads.
    fn label(self) -> &'static str;
    /// The shipped text.
    fn default_body(self) -> &'static str;
    /// The label of the shipped text's version ("2026.2"), raised when it changes.
    fn default_version(self) -> &'static str;
    /// The placeholders a template of this kind may use.
    fn placeholders(self) -> BTreeSet<String>;
    /// The audit log's entity of this kind's versions.
    fn audit_entity(self) -> &'static str {
        "template"
    }
}

/// One version of a template.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateVersion<K> {
    /// None for the shipped default not yet stored in the archive.
    pub id: Option<i64>,
    pub kind: K,
    pub version: i64,
    pub origin: String,
    pub source: Option<String>,
    pub created_at: Option<String>,
    pub operator: Option<String>,
    pub body: String,
}

/// A template as the templates screen shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateSummary<K> {
    pub kind: K,
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
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateDetail<K> {
    pub kind: K,
    pub label: String,
    pub current: TemplateVersion<K>,
    pub is_default: bool,
    pub default_version: String,
    /// See [`TemplateSummary::newer_default`].
    pub newer_default: bool,
    /// Newest first, without bodies' differences: each version whole.
    pub versions: Vec<TemplateVersion<K>>,
}

/// Every stored version of a kind, newest first.
pub fn versions<K: TemplateKind>(conn: &Connection, kind: K) -> Result<Vec<TemplateVersion<K>>> {
    let mut stmt = conn.prepare(
        "SELECT id, version, origin, source, created_at, operator, body FROM template_version
         WHERE kind = ?1 ORDER BY version DESC",
    )?;
    let rows = stmt
        .query_map([kind.key()], |r| {
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

fn shipped_default<K: TemplateKind>(kind: K) -> TemplateVersion<K> {
    TemplateVersion {
        id: None,
        kind,
        version: 1,
        origin: "default".into(),
        source: Some(kind.default_version().into()),
        created_at: None,
        operator: None,
        body: kind.default_body().to_string(),
    }
}

/// Whether a stored version is a shipped default as shipped: stored
/// unchanged, or put back by «Ripristina il predefinito».
fn is_shipped<K>(t: &TemplateVersion<K>) -> bool {
    t.origin == "default"
        || (t.origin == "restore"
            && t.source
                .as_deref()
                .is_some_and(|s| s.starts_with(RESTORED_DEFAULT)))
}

/// The source of a version that restores the shipped default.
const RESTORED_DEFAULT: &str = "predefinito";

/// The template in use: the newest version stored; but a shipped default
/// stored as shipped gives way to a newer shipped default, as the next
/// version. Edited versions (and earlier versions restored) stay as they are.
pub fn current<K: TemplateKind>(conn: &Connection, kind: K) -> Result<TemplateVersion<K>> {
    Ok(match versions(conn, kind)?.into_iter().next() {
        None => shipped_default(kind),
        Some(t) if is_shipped(&t) && t.body != kind.default_body() => TemplateVersion {
            version: t.version + 1,
            ..shipped_default(kind)
        },
        Some(t) => t,
    })
}

/// Whether the shipped default is newer than the template in use: the
/// template is the user's and no version of it is the current default.
fn newer_default<K: TemplateKind>(versions: &[TemplateVersion<K>], kind: K) -> bool {
    versions.first().is_some_and(|t| !is_shipped(t))
        && !versions.iter().any(|t| t.body == kind.default_body())
}

/// Brings a template the user has not edited up to the newer shipped
/// default: a new version (origin "default") with its audit row. A template
/// the user edited stays as it is, and [`TemplateSummary::newer_default`]
/// tells the templates screen. Nothing is stored for a kind never used
/// (the shipped default is its template already). Returns whether a
/// version was added.
pub fn upgrade_default<K: TemplateKind>(tx: &Connection, operator: &str, kind: K) -> Result<bool> {
    let Some(stored) = versions(tx, kind)?.into_iter().next() else {
        return Ok(false);
    };
    if current(tx, kind)?.id.is_some() {
        return Ok(false);
    }
    let new = ensure_stored(tx, operator, kind)?;
    crate::audit::record(
        tx,
        operator,
        "upgrade",
        kind.audit_entity(),
        kind.key(),
        Some(&serde_json::json!({ "version": stored.version, "source": stored.source })),
        Some(
            &serde_json::json!({ "version": new.version, "origin": "default", "source": kind.default_version() }),
        ),
    )?;
    Ok(true)
}

/// Stores the shipped default (as version 1, or as the next version when it
/// replaces an older unchanged default) if it is the current template and
/// not stored yet; returns the current version.
pub fn ensure_stored<K: TemplateKind>(
    tx: &Connection,
    operator: &str,
    kind: K,
) -> Result<TemplateVersion<K>> {
    let current = current(tx, kind)?;
    if current.id.is_some() {
        return Ok(current);
    }
    tx.execute(
        "INSERT INTO template_version (kind, version, body, origin, source, created_at, operator)
         VALUES (?1, ?2, ?3, 'default', ?4, ?5, ?6)",
        params![
            kind.key(),
            current.version,
            current.body,
            kind.default_version(),
            crate::db::version::now_utc(),
            operator
        ],
    )?;
    self::current(tx, kind)
}

/// Adds a version ("edit" or "restore") with its audit row.
fn add_version<K: TemplateKind>(
    tx: &Connection,
    operator: &str,
    kind: K,
    body: &str,
    origin: &str,
    source: Option<&str>,
) -> Result<TemplateVersion<K>> {
    let current = ensure_stored(tx, operator, kind)?;
    tx.execute(
        "INSERT INTO template_version (kind, version, body, origin, source, created_at, operator)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            kind.key(),
            current.version + 1,
            body,
            origin,
            source,
            crate::db::version::now_utc(),
            operator
        ],
    )?;
    let new = self::current(tx, kind)?;
    crate::audit::record(
        tx,
        operator,
        if origin == "edit" {
            "update"
        } else {
            "restore"
        },
        kind.audit_entity(),
        kind.key(),
        Some(&serde_json::json!({ "version": current.version })),
        Some(&serde_json::json!({ "version": new.version, "origin": origin, "source": source })),
    )?;
    Ok(new)
}

/// The summary of a kind's template.
pub fn summary<K: TemplateKind>(conn: &Connection, kind: K) -> Result<TemplateSummary<K>> {
    let t = current(conn, kind)?;
    Ok(TemplateSummary {
        kind,
        label: kind.label().into(),
        version: t.version,
        is_default: t.body == kind.default_body(),
        newer_default: newer_default(&versions(conn, kind)?, kind),
        default_version: kind.default_version().into(),
        updated_at: t.created_at,
        operator: t.operator,
    })
}

/// A kind's template with its versions (the shipped default first when it
/// is in use and not stored yet).
pub fn detail<K: TemplateKind>(conn: &Connection, kind: K) -> Result<TemplateDetail<K>> {
    let mut versions = versions(conn, kind)?;
    let newer = newer_default(&versions, kind);
    let current = current(conn, kind)?;
    if current.id.is_none() {
        versions.insert(0, current.clone());
    }
    Ok(TemplateDetail {
        kind,
        label: kind.label().into(),
        is_default: current.body == kind.default_body(),
        current,
        default_version: kind.default_version().into(),
        newer_default: newer,
        versions,
    })
}

impl Store {
    /// Saves an edited template as a new version. `base_version`: the
    /// version the editor opened; if another was saved since, saving is
    /// refused (`conflict`) rather than silently replacing it. The text is
    /// checked against the kind's placeholders, then by `check` (the
    /// domain's dry run, e.g. filling it for every comune): if that fails,
    /// nothing is saved.
    pub fn save_template_version<K: TemplateKind>(
        &mut self,
        kind: K,
        body: &str,
        base_version: Option<i64>,
        check: impl FnOnce(&Store, &str) -> Result<()>,
    ) -> Result<TemplateDetail<K>> {
        let current = current(&self.conn, kind)?;
        if base_version.is_some_and(|v| v != current.version) {
            return Err(Error::conflict(
                format!(
                    "Il modello è stato modificato (ora è alla versione {}) dopo che è stato aperto: il testo non è stato salvato. Copiare le modifiche, ricaricare il modello e ripeterle.",
                    current.version
                ),
                Some("body"),
            ));
        }
        // The text rule (no control characters, only printable ones; the
        // length is the template engine's own limit), the text kept as
        // typed but for NFC and line breaks.
        let body: String = {
            use unicode_normalization::UnicodeNormalization;
            body.replace("\r\n", "\n").nfc().collect()
        };
        crate::text::field(
            "body",
            "Testo del modello",
            &body,
            crate::text::Rule::lines(usize::MAX),
        )?;
        template::check_with(&body, &kind.placeholders())?;
        check(self, &body)?;
        if current.body == body {
            return Err(Error::validation(
                "body",
                "Nessuna modifica da salvare: il testo è uguale alla versione in uso.",
            ));
        }
        self.action(|tx, op| add_version(tx, op, kind, &body, "edit", None))?;
        detail(&self.conn, kind)
    }

    /// Makes an earlier version (or, with None, the shipped default) the
    /// current one, as a new version: nothing is ever lost.
    pub fn restore_template_version<K: TemplateKind>(
        &mut self,
        kind: K,
        version: Option<i64>,
    ) -> Result<TemplateDetail<K>> {
        let (body, source) = match version {
            None => (
                kind.default_body().to_string(),
                format!("{RESTORED_DEFAULT} {}", kind.default_version()),
            ),
            Some(v) => {
                let row = versions(&self.conn, kind)?
                    .into_iter()
                    .find(|t| t.version == v)
                    .ok_or_else(|| {
                        Error::not_found(format!("La versione {v} del modello non esiste."))
                    })?;
                (row.body, format!("versione {v}"))
            }
        };
        if current(&self.conn, kind)?.body == body {
            return Err(Error::validation(
                "body",
                "Il modello in uso è già uguale a quello da ripristinare.",
            ));
        }
        self.action(|tx, op| add_version(tx, op, kind, &body, "restore", Some(&source)))?;
        detail(&self.conn, kind)
    }
}
