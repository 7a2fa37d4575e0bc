//! The draft act «Determinazione del Segretario Generale – Costituzione (o
//! aggiornamento) del Gruppo di lavoro della Comunità di Pratiche», listing
//! the units and the people in office at a date. Its template is editable
//! like the adhesion acts' (same markup, same checks, same typesetting), but
//! it is one act of the network, not one per comune: its context is the
//! organigram's, and it is kept in its own table (`org_act_template`).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::tree::{NodeKind, Organigram};
use crate::db::version::check_version;
use crate::documents::template::{Ente, BLANK};
use crate::documents::{docx, fill_with, layout, pdf, DocFormat};
use crate::error::Result;
use crate::text::date_it;
use crate::{audit, Store};

pub const DEFAULT_BODY: &str = include_str!("../../templates/determina_gruppo_lavoro.txt");
/// The version of the shipped text: raised whenever `DEFAULT_BODY` changes, so
/// that a template edited on an older one says a newer default is available.
/// (1: the first text; 2: Allegato A, Visti and attestations completed.)
pub const DEFAULT_VERSION: &str = "2";
/// The setting that records the default an edited template was written on
/// (absent: the first one).
const BASE_KEY: &str = "org_act_template_base";

#[derive(Debug, Clone, Serialize)]
pub struct ActPerson {
    pub nome: String,
    pub ruolo: String,
    pub ente: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActUnit {
    pub nome: String,
    pub tipo: String,
    /// Where the unit sits («Tavoli tematici»), empty for the top.
    pub collocazione: String,
    pub persone: Vec<ActPerson>,
}

/// What the act's placeholders refer to.
#[derive(Debug, Clone, Serialize)]
pub struct ActContext {
    pub ente: Ente,
    /// The date of the composition (gg/mm/aaaa).
    pub data: String,
    pub anno: i32,
    /// An update of a group already constituted, not its constitution.
    pub aggiornamento: bool,
    pub unita: Vec<ActUnit>,
    /// The units of the proposal still without anyone at the date, in one
    /// line («Coordinamento; Esperti esterni»), empty when none.
    pub da_individuare: String,
}

/// The act's template as the editor shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ActTemplate {
    pub body: String,
    /// True while the shipped text is in use.
    pub is_default: bool,
    /// The version the editor sends back (empty for the default).
    pub updated_at: String,
    /// The placeholders the template may use.
    pub placeholders: Vec<String>,
    /// The template in use is the user's, written on an older shipped text:
    /// it stays as it is, and the newer default can be restored.
    pub newer_default: bool,
    pub default_version: String,
}

/// The placeholders of the act: `ente.*`, `data`, `anno`, `aggiornamento`, `unita`
/// (a list: `u.nome`, `u.tipo`, `u.collocazione`, `u.persone` with `p.nome`, `p.ruolo`, `p.ente`),
/// `da_individuare`.
pub fn placeholders() -> BTreeSet<String> {
    let sample = ActContext {
        ente: blank_ente(),
        data: String::new(),
        anno: 0,
        aggiornamento: false,
        unita: Vec::new(),
        da_individuare: String::new(),
    };
    let mut out = BTreeSet::new();
    if let serde_json::Value::Object(map) = serde_json::to_value(sample).unwrap_or_default() {
        for (k, v) in map {
            if let serde_json::Value::Object(inner) = v {
                for ik in inner.keys() {
                    out.insert(format!("{k}.{ik}"));
                }
            }
            out.insert(k);
        }
    }
    out
}

fn blank_ente() -> Ente {
    let b = || BLANK.to_string();
    Ente {
        nome: b(),
        ufficio: b(),
        pec: b(),
        firmatario: b(),
        qualifica_firmatario: b(),
        indirizzo: b(),
        codice_fiscale: b(),
        telefono: b(),
    }
}

fn or_blank(s: String) -> String {
    if s.trim().is_empty() {
        BLANK.to_string()
    } else {
        s
    }
}

/// The act's data: the units with people in office at the date (a zone
/// with its referent, a unit with its roles or its holder by office), and
/// the units still without anyone, named once in `da_individuare`.
pub fn context(o: &Organigram, ente: Ente, aggiornamento: bool) -> ActContext {
    use chrono::Datelike;
    let person = |m: &super::Member| ActPerson {
        nome: m.full_name.clone(),
        ruolo: m.title.clone(),
        ente: m.ente.clone().unwrap_or_default(),
    };
    let mut unita = Vec::new();
    for (i, n) in o.nodes.iter().enumerate() {
        if n.kind == NodeKind::Comune {
            continue;
        }
        let persone: Vec<ActPerson> = o.listed_people(i).into_iter().map(person).collect();
        if persone.is_empty() {
            continue;
        }
        let path = o.path(i);
        let collocazione = if path.len() > 2 {
            path[1..path.len() - 1].join(" › ")
        } else {
            String::new()
        };
        unita.push(ActUnit {
            nome: n.name.clone(),
            tipo: n.kind_label.clone(),
            collocazione,
            persone,
        });
    }
    let da_individuare = o.to_fill();
    let day = NaiveDate::parse_from_str(&o.as_of, "%Y-%m-%d").ok();
    ActContext {
        ente,
        data: date_it(&o.as_of),
        anno: day.map_or(2026, |d| d.year()),
        aggiornamento,
        unita,
        da_individuare: da_individuare.join("; "),
    }
}

impl Store {
    pub fn org_act_template(&self) -> Result<ActTemplate> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT body, updated_at FROM org_act_template WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let placeholders = placeholders().into_iter().collect();
        let base = crate::db::kv::get(&self.conn, BASE_KEY)?.unwrap_or_else(|| "1".into());
        Ok(match row {
            Some((body, updated_at)) => ActTemplate {
                newer_default: base != DEFAULT_VERSION && body != DEFAULT_BODY,
                body,
                is_default: false,
                updated_at,
                placeholders,
                default_version: DEFAULT_VERSION.into(),
            },
            None => ActTemplate {
                body: DEFAULT_BODY.to_string(),
                is_default: true,
                updated_at: String::new(),
                placeholders,
                newer_default: false,
                default_version: DEFAULT_VERSION.into(),
            },
        })
    }

    /// Saves the edited template, checked first (syntax, unknown placeholders).
    pub fn save_org_act_template(
        &mut self,
        body: &str,
        version: Option<&str>,
    ) -> Result<ActTemplate> {
        crate::documents::template::check_with(body, &placeholders())?;
        let before = self.org_act_template()?;
        self.action(|tx, op| {
            check_version(&before.updated_at, version)?;
            let at = crate::db::version::next_version(&before.updated_at);
            tx.execute(
                "INSERT INTO org_act_template (id, body, updated_at) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                rusqlite::params![body, at],
            )?;
            // Written on the shipped text in use now.
            crate::db::kv::set(tx, BASE_KEY, DEFAULT_VERSION)?;
            audit::record(
                tx,
                op,
                "save",
                "org_act_template",
                "1",
                Some(&serde_json::json!({ "body": before.body })),
                Some(&serde_json::json!({ "body": body })),
            )?;
            Ok(())
        })?;
        self.org_act_template()
    }

    /// Goes back to the shipped text.
    pub fn restore_org_act_template(&mut self, version: Option<&str>) -> Result<ActTemplate> {
        let before = self.org_act_template()?;
        self.action(|tx, op| {
            check_version(&before.updated_at, version)?;
            tx.execute("DELETE FROM org_act_template", [])?;
            tx.execute("DELETE FROM setting WHERE key = ?1", [BASE_KEY])?;
            audit::record(
                tx,
                op,
                "restore",
                "org_act_template",
                "1",
                Some(&serde_json::json!({ "body": before.body })),
                None,
            )?;
            Ok(())
        })?;
        self.org_act_template()
    }

    /// The draft act for the organigram on `as_of`, as PDF/A or DOCX.
    pub fn org_act(
        &self,
        as_of: NaiveDate,
        aggiornamento: bool,
        format: DocFormat,
    ) -> Result<Vec<u8>> {
        let o = self.organigram(as_of)?;
        let l = crate::db::kv::letterhead(&self.conn)?;
        let ente = Ente {
            nome: "Città Metropolitana di Messina".into(),
            ufficio: "Segreteria Generale".into(),
            pec: or_blank(l.secretariat_pec),
            firmatario: or_blank(l.signatory_name),
            qualifica_firmatario: or_blank(l.signatory_title),
            indirizzo: or_blank(l.secretariat_address),
            codice_fiscale: or_blank(l.secretariat_fiscal_code),
            telefono: or_blank(l.secretariat_phone),
        };
        let ctx = context(&o, ente, aggiornamento);
        let body = self.org_act_template()?.body;
        let doc = fill_with(&body, &ctx, &placeholders())?;
        let title = if doc.title.is_empty() {
            "Determinazione del Segretario Generale".to_string()
        } else {
            doc.title.clone()
        };
        let subject = format!(
            "Gruppo di lavoro della Comunità di Pratiche al {}",
            ctx.data
        );
        let keywords = vec![
            "Comunità di Pratiche".to_string(),
            "gruppo di lavoro".to_string(),
        ];
        let author = "Città Metropolitana di Messina – Segreteria Generale".to_string();
        match format {
            DocFormat::Pdf => pdf::write_pdf(
                &layout::layout(&doc),
                &pdf::Metadata {
                    title,
                    author,
                    subject,
                    keywords,
                    created: chrono::Utc::now(),
                },
            ),
            DocFormat::Docx => docx::write_docx(
                &doc,
                &docx::DocxMeta {
                    title,
                    author,
                    subject,
                    keywords,
                    created: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                },
            ),
        }
    }
}
