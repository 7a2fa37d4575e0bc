//! Registry update from ISTAT's "Elenco dei comuni italiani", as ISTAT
//! publishes it: CSV (Windows-1252, `;`, a header whose quoted cells hold
//! line breaks) or XLS/XLSX. Columns are found by their published names,
//! tolerating the small differences between editions. The dry run lists
//! new, renamed, re-coded, suppressed and unchanged comuni of a province
//! (or of all Italy); applying is one transaction after an automatic
//! backup. A comune no longer in the list is marked with the date, never
//! deleted: its referents, history and documents stay.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::io::table::{self, file_label, Table};
use crate::registry::refresh_search_key;
use crate::text::fold;
use crate::{audit, Store};

/// One comune of ISTAT's list.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IstatComune {
    pub istat: String,
    pub name: String,
    pub cadastral_code: String,
    /// Sigla automobilistica of its province (ME).
    pub province: String,
    pub capoluogo: bool,
}

/// ISTAT's list as read from a file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IstatList {
    pub described_as: String,
    pub comuni: Vec<IstatComune>,
}

impl IstatList {
    /// The sigle of the provinces in the list, sorted.
    pub fn provinces(&self) -> Vec<String> {
        let mut p: Vec<String> = self.comuni.iter().map(|c| c.province.clone()).collect();
        p.sort();
        p.dedup();
        p
    }
}

/// The columns used, each with its published name and the (folded) names
/// it has had across editions.
const COLUMNS: &[(&str, &str, &[&str])] = &[
    (
        "istat",
        "Codice Comune formato alfanumerico",
        &[
            "codice comune formato alfanumerico",
            "codice istat del comune alfanumerico",
            "codice comune alfanumerico",
        ],
    ),
    (
        "name",
        "Denominazione in italiano",
        &[
            "denominazione in italiano",
            "denominazione italiana",
            "denominazione italiana e straniera",
        ],
    ),
    (
        "province",
        "Sigla automobilistica",
        &["sigla automobilistica", "sigla"],
    ),
    (
        "cadastral",
        "Codice Catastale del comune",
        &["codice catastale del comune", "codice catastale"],
    ),
];

/// Optional: the capoluogo flag.
const CAPOLUOGO: &str = "flag comune capoluogo";

fn find_column(headers: &[String], names: &[&str]) -> Option<usize> {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    // Exact names first (in the order given), then a header that starts with one.
    names
        .iter()
        .find_map(|n| folded.iter().position(|h| h == n))
        .or_else(|| {
            names
                .iter()
                .find_map(|n| folded.iter().position(|h| h.starts_with(n)))
        })
}

fn is_header(cells: &[String]) -> bool {
    find_column(cells, COLUMNS[0].2).is_some()
}

/// Reads ISTAT's list from `path` (CSV, XLS or XLSX).
pub fn read(path: &Path) -> Result<IstatList> {
    let t = table::read_path(path, &is_header)?;
    parse(&t)
}

/// Reads ISTAT's list from a file's bytes.
pub fn read_bytes(bytes: &[u8], spreadsheet: bool) -> Result<IstatList> {
    let t = table::read_bytes(bytes, spreadsheet, &is_header)?;
    parse(&t)
}

fn parse(t: &Table) -> Result<IstatList> {
    let mut idx = HashMap::new();
    let mut missing = Vec::new();
    for (key, published, names) in COLUMNS {
        match find_column(&t.headers, names) {
            Some(i) => {
                idx.insert(*key, i);
            }
            None => missing.push(format!("«{published}»")),
        }
    }
    if !missing.is_empty() {
        return Err(Error::validation(
            "file",
            format!(
                "Il file non ha la forma dell'elenco dei comuni italiani dell'ISTAT: mancano le colonne {}. Scaricare il file «Elenco dei comuni italiani» (CSV o XLSX) dal sito dell'ISTAT.",
                missing.join(", ")
            ),
        ));
    }
    let capoluogo = find_column(&t.headers, &[CAPOLUOGO]);
    let mut comuni = Vec::with_capacity(t.rows.len());
    let mut seen = HashSet::new();
    for row in &t.rows {
        let cell = |k: &str| Table::cell(row, idx[k]);
        let raw = cell("istat");
        if raw.is_empty() && cell("name").is_empty() {
            continue;
        }
        let istat = if !raw.is_empty() && raw.len() <= 6 && raw.bytes().all(|b| b.is_ascii_digit())
        {
            format!("{raw:0>6}")
        } else {
            return Err(Error::validation(
                "file",
                format!(
                    "Riga {}: «{raw}» non è un codice ISTAT di comune (sei cifre).",
                    row.line
                ),
            ));
        };
        let name = cell("name").to_string();
        let cadastral = cell("cadastral").to_uppercase();
        if name.is_empty() || crate::validate::cadastral_code("file", &cadastral).is_err() {
            return Err(Error::validation(
                "file",
                format!(
                    "Riga {}: il comune {istat} non ha denominazione o codice catastale validi («{name}», «{cadastral}»).",
                    row.line
                ),
            ));
        }
        if !seen.insert(istat.clone()) {
            return Err(Error::validation(
                "file",
                format!(
                    "Riga {}: il codice ISTAT {istat} compare due volte.",
                    row.line
                ),
            ));
        }
        comuni.push(IstatComune {
            istat,
            name,
            cadastral_code: cadastral,
            province: cell("province").to_uppercase(),
            capoluogo: capoluogo.is_some_and(|i| Table::cell(row, i) == "1"),
        });
    }
    if comuni.is_empty() {
        return Err(Error::validation("file", "Il file non contiene comuni."));
    }
    Ok(IstatList {
        described_as: t.described_as.clone(),
        comuni,
    })
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum IstatChangeKind {
    New,
    /// Renamed and/or a new cadastral code (same ISTAT code).
    Changed,
    /// No longer in the list: marked suppressed with the date.
    Suppressed,
    /// Back in the list after being marked suppressed.
    Restored,
    Unchanged,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IstatChange {
    pub istat: String,
    pub kind: IstatChangeKind,
    pub name: String,
    pub cadastral_code: String,
    pub province: String,
    pub old_name: Option<String>,
    pub old_cadastral_code: Option<String>,
    #[serde(skip)]
    capoluogo: bool,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IstatCounts {
    pub new: usize,
    pub renamed: usize,
    pub cadastral_changed: usize,
    pub suppressed: usize,
    pub restored: usize,
    pub unchanged: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IstatPreview {
    pub file_name: String,
    pub described_as: String,
    /// The province compared (sigla), or None for all Italy.
    pub province: Option<String>,
    pub provinces: Vec<String>,
    pub changes: Vec<IstatChange>,
    pub counts: IstatCounts,
}

/// What the list changes in the archive for `province` (None: all Italy).
fn diff(
    conn: &rusqlite::Connection,
    list: &IstatList,
    province: Option<&str>,
) -> Result<(Vec<IstatChange>, IstatCounts)> {
    let wanted: Vec<&IstatComune> = list
        .comuni
        .iter()
        .filter(|c| province.is_none_or(|p| c.province.eq_ignore_ascii_case(p)))
        .collect();
    if wanted.is_empty() {
        return Err(Error::validation(
            "province",
            format!(
                "Nessun comune della provincia «{}» nel file.",
                province.unwrap_or("")
            ),
        ));
    }
    // The archive's comuni of the same provinces: by the first three digits
    // of the ISTAT code (the province's code).
    let prefixes: HashSet<&str> = wanted.iter().map(|c| &c.istat[..3]).collect();
    let mut archive: HashMap<String, (String, String, Option<String>)> = HashMap::new();
    let mut stmt = conn.prepare("SELECT istat, name, cadastral_code, suppressed_on FROM comune")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let istat: String = r.get(0)?;
        if province.is_none() || prefixes.contains(&istat[..3.min(istat.len())]) {
            archive.insert(istat, (r.get(1)?, r.get(2)?, r.get(3)?));
        }
    }
    let mut changes = Vec::with_capacity(wanted.len());
    let mut counts = IstatCounts::default();
    let mut in_file = HashSet::new();
    for c in &wanted {
        in_file.insert(c.istat.as_str());
        let mut ch = IstatChange {
            istat: c.istat.clone(),
            kind: IstatChangeKind::Unchanged,
            name: c.name.clone(),
            cadastral_code: c.cadastral_code.clone(),
            province: c.province.clone(),
            old_name: None,
            old_cadastral_code: None,
            capoluogo: c.capoluogo,
        };
        match archive.get(&c.istat) {
            None => {
                ch.kind = IstatChangeKind::New;
                counts.new += 1;
            }
            Some((name, cad, suppressed)) => {
                if *name != c.name {
                    ch.old_name = Some(name.clone());
                    counts.renamed += 1;
                }
                if *cad != c.cadastral_code {
                    ch.old_cadastral_code = Some(cad.clone());
                    counts.cadastral_changed += 1;
                }
                if suppressed.is_some() {
                    ch.kind = IstatChangeKind::Restored;
                    counts.restored += 1;
                } else if ch.old_name.is_some() || ch.old_cadastral_code.is_some() {
                    ch.kind = IstatChangeKind::Changed;
                } else {
                    counts.unchanged += 1;
                }
            }
        }
        changes.push(ch);
    }
    let mut gone: Vec<_> = archive
        .iter()
        .filter(|(istat, (_, _, s))| s.is_none() && !in_file.contains(istat.as_str()))
        .collect();
    gone.sort_by(|a, b| a.0.cmp(b.0));
    for (istat, (name, cad, _)) in gone {
        counts.suppressed += 1;
        changes.push(IstatChange {
            istat: istat.clone(),
            kind: IstatChangeKind::Suppressed,
            name: name.clone(),
            cadastral_code: cad.clone(),
            province: province.unwrap_or("").to_uppercase(),
            old_name: None,
            old_cadastral_code: None,
            capoluogo: false,
        });
    }
    changes.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.istat.cmp(&b.istat)));
    Ok((changes, counts))
}

impl Store {
    /// The dry run of a registry update from ISTAT's list: writes nothing.
    pub fn preview_istat_import(
        &self,
        file_name: &str,
        list: &IstatList,
        province: Option<&str>,
    ) -> Result<IstatPreview> {
        let (changes, counts) = diff(&self.conn, list, province)?;
        Ok(IstatPreview {
            file_name: file_label(file_name),
            described_as: list.described_as.clone(),
            province: province.map(str::to_uppercase),
            provinces: list.provinces(),
            changes,
            counts,
        })
    }

    /// Applies the update: an automatic backup, then one transaction that
    /// inserts the new comuni, renames and re-codes the changed ones (the
    /// ISTAT code, referents and documents stay), marks those no longer in
    /// the list as suppressed today (the store's), with an audit row for each comune
    /// and one for the import. Nothing to change: nothing written.
    pub fn apply_istat_import(
        &mut self,
        file_name: &str,
        list: &IstatList,
        province: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<IstatCounts> {
        if self.read_only {
            return Err(Error::read_only(self.path()));
        }
        let today = self.today();
        let (changes, counts) = diff(&self.conn, list, province)?;
        if changes.iter().all(|c| c.kind == IstatChangeKind::Unchanged) {
            return Ok(counts);
        }
        if self.path().is_some() {
            self.backup_now(crate::db::backup::Reason::BeforeImport, now)?;
        }
        let today = today.to_string();
        let file_name = file_label(file_name);
        self.action(|tx, op| {
            let stamp = crate::db::version::now_utc();
            let mut undo = Vec::new();
            for c in changes.iter().filter(|c| c.kind != IstatChangeKind::Unchanged) {
                let before = match c.kind {
                    IstatChangeKind::New => None,
                    _ => Some(serde_json::to_value(crate::registry::get_comune(tx, &c.istat)?)?),
                };
                let action = match c.kind {
                    IstatChangeKind::New => {
                        tx.prepare_cached(
                            "INSERT INTO comune (istat, name, cadastral_code, capoluogo, updated_at)
                             VALUES (?1, ?2, ?3, ?4, ?5)",
                        )?
                        .execute(params![c.istat, c.name, c.cadastral_code, c.capoluogo, stamp])?;
                        "create"
                    }
                    IstatChangeKind::Changed | IstatChangeKind::Restored => {
                        tx.prepare_cached(
                            "UPDATE comune SET name = ?2, cadastral_code = ?3, suppressed_on = NULL,
                                updated_at = ?4 WHERE istat = ?1",
                        )?
                        .execute(params![c.istat, c.name, c.cadastral_code, stamp])?;
                        "update"
                    }
                    IstatChangeKind::Suppressed => {
                        tx.prepare_cached(
                            "UPDATE comune SET suppressed_on = ?2, updated_at = ?3 WHERE istat = ?1",
                        )?
                        .execute(params![c.istat, today, stamp])?;
                        "suppress"
                    }
                    IstatChangeKind::Unchanged => continue,
                };
                if c.kind != IstatChangeKind::Suppressed {
                    refresh_search_key(tx, &c.istat)?;
                }
                let after = serde_json::json!({
                    "istat": c.istat, "name": c.name, "cadastral_code": c.cadastral_code,
                    "suppressed_on": (c.kind == IstatChangeKind::Suppressed).then_some(&today),
                    "source": "ISTAT",
                });
                audit::record(tx, op, action, "comune", &c.istat, before.as_ref(), Some(&after))?;
                undo.push(serde_json::json!({ "istat": c.istat, "kind": c.kind }));
            }
            let summary = serde_json::to_value(&counts)?;
            tx.execute(
                "INSERT INTO import_batch (kind, file_name, at, operator, summary, changes)
                 VALUES ('istat', ?1, ?2, ?3, ?4, ?5)",
                params![
                    file_name,
                    stamp,
                    op,
                    summary.to_string(),
                    serde_json::Value::Array(undo).to_string()
                ],
            )?;
            audit::record(
                tx,
                op,
                "import",
                "import",
                &tx.last_insert_rowid().to_string(),
                None,
                Some(&serde_json::json!({
                    "kind": "istat",
                    "file": file_name,
                    "province": province,
                    "counts": summary,
                })),
            )?;
            Ok(())
        })?;
        Ok(counts)
    }
}
