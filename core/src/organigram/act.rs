//! The draft act «Determinazione del Segretario Generale – Costituzione (o
//! aggiornamento) del Gruppo di lavoro della Comunità di Pratiche», listing
//! the units and the people in office at a date; or, by a setting of the
//! archive, the same act as a decree of the Sindaco metropolitano (his
//! residual competence, art. 12, comma 4, L.R. 15/2015), with the
//! Segretario's proposal and technical opinion. Each form has its template,
//! editable like the adhesion acts' (same markup, same checks, same
//! typesetting) and kept in the same versioned template store, but it is
//! one act of the network, not one per comune: its context is the
//! organigram's.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::tree::{NodeKind, Organigram};
use crate::documents::store::{self, TemplateKind};
use crate::documents::template::{Ente, Placeholders};
use crate::documents::{fill, render, Format, Meta};
use crate::error::Result;
use crate::Store;

pub const DEFAULT_BODY: &str = include_str!("../../templates/determina_gruppo_lavoro.txt");
/// The act as a decree of the Sindaco metropolitano.
pub const DECREE_DEFAULT_BODY: &str = include_str!("../../templates/decreto_gruppo_lavoro.txt");
/// The version of the shipped text: raised whenever `DEFAULT_BODY` changes, so
/// that a template edited on an older one says a newer default is available.
/// (1: the first text; 2: Allegato A, Visti and attestations completed;
/// 3: the Segretario's competence, designations, the PNA in force, the
/// TAR's seat, dates in words; 4: D.L. 80/2021 «convertito, con
/// modificazioni», as the Gazzetta Ufficiale cites it.)
pub const DEFAULT_VERSION: &str = "4";
/// The version of the shipped decree (1: the first text).
pub const DECREE_DEFAULT_VERSION: &str = "1";

/// The setting (in the archive's settings store) that says which form the
/// act takes: an [`ActKind`]'s key; absent, the Segretario's determinazione.
pub const ACT_KIND_SETTING: &str = "org_act_kind";

/// The act's form, and its template in the versioned store.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ActKind {
    /// «Determinazione del Segretario Generale».
    GruppoLavoro,
    /// «Decreto del Sindaco metropolitano».
    GruppoLavoroDecreto,
}

impl ActKind {
    pub const ALL: [ActKind; 2] = [ActKind::GruppoLavoro, ActKind::GruppoLavoroDecreto];

    /// The act's name when no title is given («Determinazione del Segretario
    /// Generale»), also the document's title.
    pub fn act_name(self) -> &'static str {
        match self {
            ActKind::GruppoLavoro => "Determinazione del Segretario Generale",
            ActKind::GruppoLavoroDecreto => "Decreto del Sindaco metropolitano",
        }
    }

    fn from_key(key: &str) -> Option<ActKind> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }
}

impl TemplateKind for ActKind {
    fn key(self) -> &'static str {
        match self {
            ActKind::GruppoLavoro => "gruppo_lavoro",
            ActKind::GruppoLavoroDecreto => "gruppo_lavoro_decreto",
        }
    }

    fn label(self) -> &'static str {
        match self {
            ActKind::GruppoLavoro => "Determinazione del Gruppo di lavoro",
            ActKind::GruppoLavoroDecreto => {
                "Decreto del Sindaco metropolitano sul Gruppo di lavoro"
            }
        }
    }

    fn default_body(self) -> &'static str {
        match self {
            ActKind::GruppoLavoro => DEFAULT_BODY,
            ActKind::GruppoLavoroDecreto => DECREE_DEFAULT_BODY,
        }
    }

    fn default_version(self) -> &'static str {
        match self {
            ActKind::GruppoLavoro => DEFAULT_VERSION,
            ActKind::GruppoLavoroDecreto => DECREE_DEFAULT_VERSION,
        }
    }

    fn placeholders(self) -> BTreeSet<String> {
        ActContext::placeholders()
    }

    /// The act's history kept its name from before it joined the store.
    fn audit_entity(self) -> &'static str {
        "org_act_template"
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActPerson {
    pub nome: String,
    pub ruolo: String,
    pub ente: String,
    /// How a member from outside the Ente was designated (by the comune
    /// under the Protocollo, by the comuni of the zone, by the entity), with
    /// the note's number and date as blanks; empty for the Ente's own staff.
    pub designazione: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActUnit {
    pub nome: String,
    pub tipo: String,
    /// Where the unit sits («Tavoli tematici»), empty for the top.
    pub collocazione: String,
    pub persone: Vec<ActPerson>,
}

/// What the act's placeholders refer to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActContext {
    pub ente: Ente,
    /// The date of the composition, in words («30 novembre 2026»).
    pub data: String,
    /// The Piano Nazionale Anticorruzione in force at that date.
    pub pna: crate::legal::Pna,
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
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActTemplate {
    /// The act's form the template is for (the one the setting chooses).
    pub kind: ActKind,
    /// «Determinazione del Segretario Generale» / «Decreto del Sindaco metropolitano».
    pub act_name: String,
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
impl Placeholders for ActContext {
    fn sample() -> ActContext {
        ActContext {
            ente: Ente::blank(),
            data: String::new(),
            pna: crate::legal::pna_in_force(NaiveDate::MIN),
            anno: 0,
            aggiornamento: false,
            unita: Vec::new(),
            da_individuare: String::new(),
        }
    }
}

/// The act's data: the units with people in office at the date (a zone
/// with its referent, a unit with its roles or its holder by office), and
/// the units still without anyone, named once in `da_individuare`. A zone
/// is named as the act names it: «Zona omogenea «Isole Eolie»».
pub fn context(o: &Organigram, ente: Ente, aggiornamento: bool) -> ActContext {
    use chrono::Datelike;
    let own = crate::text::fold(&ente.nome);
    let name = |i: usize| -> (String, String) {
        let n = &o.nodes[i];
        let path = o.path(i);
        if n.kind == NodeKind::Zone {
            (format!("Zona omogenea «{}»", n.name), String::new())
        } else if path.len() > 2 {
            (n.name.clone(), path[1..path.len() - 1].join(" › "))
        } else {
            (n.name.clone(), String::new())
        }
    };
    let mut unita = Vec::new();
    for (i, n) in o.nodes.iter().enumerate() {
        if n.kind == NodeKind::Comune {
            continue;
        }
        let persone: Vec<ActPerson> = o
            .listed_people(i)
            .into_iter()
            .map(|m| {
                let ente_p = m.ente.clone().unwrap_or_default();
                let designazione = if n.kind == NodeKind::Zone {
                    "su designazione dei comuni della zona (nota prot. n. ____ del ____)"
                } else if ente_p.trim().is_empty() || crate::text::fold(&ente_p) == own {
                    ""
                } else if m.istat.is_some() {
                    "su designazione del Comune ai sensi del Protocollo d'intesa (nota prot. n. ____ del ____)"
                } else {
                    "su designazione dell'ente di appartenenza (nota prot. n. ____ del ____)"
                };
                ActPerson {
                    nome: m.full_name.clone(),
                    ruolo: m.title.clone(),
                    ente: ente_p,
                    designazione: designazione.to_string(),
                }
            })
            .collect();
        if persone.is_empty() {
            continue;
        }
        let (nome, collocazione) = name(i);
        unita.push(ActUnit {
            nome,
            tipo: n.kind_label.clone(),
            collocazione,
            persone,
        });
    }
    let da_individuare: Vec<String> = o
        .unfilled()
        .into_iter()
        .map(|i| match name(i) {
            (nome, c) if c.is_empty() => nome,
            (nome, c) => format!("{nome} ({c})"),
        })
        .collect();
    let day = NaiveDate::parse_from_str(&o.as_of, "%Y-%m-%d").ok();
    ActContext {
        ente,
        data: day.map_or_else(|| o.as_of.clone(), crate::text::date_words),
        pna: crate::legal::pna_in_force(day.unwrap_or(NaiveDate::MIN)),
        anno: day.map_or(2026, |d| d.year()),
        aggiornamento,
        unita,
        da_individuare: da_individuare.join("; "),
    }
}

/// At every opening: the act's templates, if the user has not edited them,
/// take the newer shipped default (a version and an audit row).
pub(crate) fn upgrade_default_template(s: &mut Store) -> Result<()> {
    s.action(|tx, op| {
        for kind in ActKind::ALL {
            store::upgrade_default(tx, op, kind)?;
        }
        Ok(())
    })
}

/// The act prepared from the archive: it renders without the archive.
#[derive(Debug, Clone)]
pub struct ActJob {
    pub kind: ActKind,
    pub ctx: ActContext,
    pub body: String,
}

/// The version the act's editor sends back: the current version's number.
fn version_token(version: i64) -> String {
    version.to_string()
}

/// The editor's version, as the store counts versions (a token that is
/// not a number is stale).
fn base_version(version: Option<&str>) -> Result<Option<i64>> {
    version
        .map(|v| v.parse::<i64>().map_err(|_| crate::error::stale()))
        .transpose()
}

impl ActJob {
    /// The act as PDF/A or DOCX.
    pub fn render(&self, format: Format) -> Result<Vec<u8>> {
        let ctx = &self.ctx;
        let doc = fill(&self.body, ctx)?;
        let title = if doc.title.is_empty() {
            self.kind.act_name().to_string()
        } else {
            doc.title.clone()
        };
        let subject = format!(
            "Gruppo di lavoro della Comunità di Pratiche al {}",
            ctx.data
        );
        let meta = Meta::new(title, subject).keywords(["Comunità di Pratiche", "gruppo di lavoro"]);
        Ok(render(&doc, format, &meta)?.bytes)
    }
}

impl Store {
    /// The act's form chosen for this archive.
    pub fn org_act_kind(&self) -> Result<ActKind> {
        Ok(crate::db::kv::get(&self.conn, ACT_KIND_SETTING)?
            .and_then(|k| ActKind::from_key(&k))
            .unwrap_or(ActKind::GruppoLavoro))
    }

    /// Chooses the act's form (one action with its audit row); returns the
    /// template of that form.
    pub fn set_org_act_kind(&mut self, kind: ActKind) -> Result<ActTemplate> {
        let before = self.org_act_kind()?;
        if before != kind {
            self.action(|tx, op| {
                crate::db::kv::set(tx, ACT_KIND_SETTING, kind.key())?;
                crate::audit::record(
                    tx,
                    op,
                    "update",
                    "settings",
                    ACT_KIND_SETTING,
                    Some(&serde_json::json!({ "value": before.key() })),
                    Some(&serde_json::json!({ "value": kind.key() })),
                )
            })?;
        }
        self.org_act_template()
    }

    /// The template of the act's chosen form, as the editor shows it.
    pub fn org_act_template(&self) -> Result<ActTemplate> {
        let kind = self.org_act_kind()?;
        let d = store::detail(&self.conn, kind)?;
        Ok(ActTemplate {
            kind,
            act_name: kind.act_name().to_string(),
            updated_at: version_token(d.current.version),
            body: d.current.body,
            is_default: d.is_default,
            placeholders: ActContext::placeholders().into_iter().collect(),
            newer_default: d.newer_default,
            default_version: d.default_version,
        })
    }

    /// Saves the edited template as a new version, checked first (syntax,
    /// unknown placeholders) and dry-run: filled with today's organigram, as
    /// a first act and as an update, so that a template that loops or
    /// fails is refused here rather than when the act is printed.
    pub fn save_org_act_template(
        &mut self,
        body: &str,
        version: Option<&str>,
    ) -> Result<ActTemplate> {
        let base = base_version(version)?;
        let kind = self.org_act_kind()?;
        self.save_template_version(kind, body, base, |s, body| {
            for aggiornamento in [false, true] {
                fill(body, &s.org_act_job(s.today(), aggiornamento)?.ctx)?;
            }
            Ok(())
        })?;
        self.org_act_template()
    }

    /// Goes back to the shipped text (as a new version).
    pub fn restore_org_act_template(&mut self, version: Option<&str>) -> Result<ActTemplate> {
        let base = base_version(version)?;
        let kind = self.org_act_kind()?;
        let current = store::current(&self.conn, kind)?;
        if base.is_some_and(|v| v != current.version) {
            return Err(crate::error::stale());
        }
        self.restore_template_version(kind, None)?;
        self.org_act_template()
    }

    /// What the act on `as_of` needs, read from the archive.
    pub fn org_act_job(&self, as_of: NaiveDate, aggiornamento: bool) -> Result<ActJob> {
        let o = self.organigram(as_of)?;
        let ente = Ente::from_settings(&self.conn)?;
        let kind = self.org_act_kind()?;
        Ok(ActJob {
            kind,
            ctx: context(&o, ente, aggiornamento),
            body: store::current(&self.conn, kind)?.body,
        })
    }

    /// The draft act for the organigram on `as_of`, as PDF/A or DOCX.
    pub fn org_act(
        &self,
        as_of: NaiveDate,
        aggiornamento: bool,
        format: Format,
    ) -> Result<Vec<u8>> {
        self.org_act_job(as_of, aggiornamento)?.render(format)
    }
}
