//! The organigram as of a date: the units that existed then, who held which
//! role, the zones (read from the zones module) with their referent and, if
//! asked, the RPCT of their comuni. And the history of a unit.

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use super::people::all_roles;
use super::units::{all_units, get_unit};
use super::{in_period, period_it};
use crate::error::Result;
use crate::text::date_it;
use crate::Store;

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Unit,
    Zone,
    Comune,
}

/// One person in a node, in office on the date.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Member {
    pub role_id: Option<i64>,
    pub person_id: Option<i64>,
    pub referent_id: Option<i64>,
    /// The comune of a referent (to open it).
    pub istat: Option<String>,
    pub title: String,
    pub full_name: String,
    pub ente: Option<String>,
    pub qualifica: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrgNode {
    /// Stable key: `u12` (unit), `z3` (zone), `c083001` (comune).
    pub key: String,
    pub parent: Option<usize>,
    pub depth: usize,
    pub children: Vec<usize>,
    pub kind: NodeKind,
    pub unit_id: Option<i64>,
    pub zone_id: Option<i64>,
    pub istat: Option<String>,
    pub kind_label: String,
    pub name: String,
    pub description: Option<String>,
    pub members: Vec<Member>,
    /// Who holds the unit by office when no role is in office: the
    /// Segretario Generale for the «Responsabile del progetto» whose
    /// description names them (name from Impostazioni).
    pub ex_officio: Option<Member>,
    /// The version of the record behind the node (unit or zone).
    pub updated_at: Option<String>,
}

/// The tree in pre-order (a parent before its children, siblings in order).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Organigram {
    pub as_of: String,
    pub nodes: Vec<OrgNode>,
}

impl OrgNode {
    /// The people the documents list for the node: the members in office,
    /// or else the holder by office. The chart, the composition and the act
    /// all read this.
    pub fn holders(&self) -> &[Member] {
        match (&self.ex_officio, self.members.is_empty()) {
            (Some(m), true) => std::slice::from_ref(m),
            _ => &self.members,
        }
    }
}

impl Organigram {
    /// Every person in office, with the node they are in (pre-order).
    pub fn people(&self) -> impl Iterator<Item = (&OrgNode, &Member)> {
        self.nodes
            .iter()
            .flat_map(|n| n.members.iter().map(move |m| (n, m)))
    }

    /// The people the documents list under a unit or zone: its holders and,
    /// for a zone that shows them, the RPCT of its comuni.
    pub fn listed_people(&self, i: usize) -> Vec<&Member> {
        let n = &self.nodes[i];
        let mut out: Vec<&Member> = n.holders().iter().collect();
        for &c in &n.children {
            if self.nodes[c].kind == NodeKind::Comune {
                out.extend(self.nodes[c].members.iter());
            }
        }
        out
    }

    /// Whether a unit only groups others (zones, tables): without people of
    /// its own it is not missing anyone.
    pub fn groups_units(&self, i: usize) -> bool {
        self.nodes[i]
            .children
            .iter()
            .any(|&c| self.nodes[c].kind != NodeKind::Comune)
    }

    /// The units without anyone in office at the date (those that only
    /// group others excepted), in the tree's order.
    pub fn unfilled(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.nodes[i].kind != NodeKind::Comune)
            .filter(|&i| self.listed_people(i).is_empty() && !self.groups_units(i))
            .collect()
    }

    /// The units and zones still without anyone at the date (those that
    /// only group others aside), as «Nome (Collocazione)», in tree order:
    /// the documents name them once, in one sentence.
    pub fn to_fill(&self) -> Vec<String> {
        self.unfilled()
            .into_iter()
            .map(|i| {
                let path = self.path(i);
                if path.len() > 2 {
                    format!(
                        "{} ({})",
                        self.nodes[i].name,
                        path[1..path.len() - 1].join(" › ")
                    )
                } else {
                    self.nodes[i].name.clone()
                }
            })
            .collect()
    }

    /// The names of the ancestors of a node, root first, and the node's.
    pub fn path(&self, i: usize) -> Vec<&str> {
        let mut out = vec![self.nodes[i].name.as_str()];
        let mut cur = self.nodes[i].parent;
        while let Some(p) = cur {
            out.push(&self.nodes[p].name);
            cur = self.nodes[p].parent;
        }
        out.reverse();
        out
    }
}

/// One line of a unit's history.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", serde(rename = "OrgHistoryEntry"))]
pub struct HistoryEntry {
    pub at: String,
    pub operator: String,
    pub text: String,
}

fn member_of_role(r: &super::Role) -> Member {
    Member {
        role_id: Some(r.id),
        person_id: Some(r.person.id),
        referent_id: r.person.referent_id,
        istat: r.person.istat.clone(),
        title: r.title.clone(),
        full_name: r.person.full_name.clone(),
        ente: r.person.ente.clone(),
        qualifica: r.person.qualifica.clone(),
        email: r.person.email.clone(),
        phone: r.person.phone.clone(),
        valid_from: Some(r.valid_from.clone()),
        valid_to: r.valid_to.clone(),
    }
}

struct RefRow {
    id: i64,
    istat: String,
    comune: String,
    full_name: String,
    email: Option<String>,
    phone: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn referent_member(r: &RefRow, title: &str, qualifica: &str) -> Member {
    Member {
        role_id: None,
        person_id: None,
        referent_id: Some(r.id),
        istat: Some(r.istat.clone()),
        title: title.to_string(),
        full_name: r.full_name.clone(),
        ente: Some(format!("Comune di {}", r.comune)),
        qualifica: Some(qualifica.to_string()),
        email: r.email.clone(),
        phone: r.phone.clone(),
        valid_from: r.from.clone(),
        valid_to: r.to.clone(),
    }
}

/// What a zone's description adds while its composition is a proposal (the
/// screen says it; the printed chart does not).
pub const PROPOSED_NOTE: &str = " (proposta da accettare)";

/// The Segretario Generale as holder by office of the «Responsabile del
/// progetto» unit when its description names them: the organigram names the
/// office, the settings the person (a blank to fill when not set).
fn ex_officio(u: &super::Unit, signatory: &str) -> Option<Member> {
    let names_secretary = u
        .description
        .as_deref()
        .is_some_and(|d| d.to_lowercase().contains("segretario generale"));
    if u.kind != "responsabile" || !names_secretary {
        return None;
    }
    let name = signatory.trim();
    Some(Member {
        role_id: None,
        person_id: None,
        referent_id: None,
        istat: None,
        title: "Segretario Generale".to_string(),
        full_name: if name.is_empty() {
            crate::documents::template::BLANK.to_string()
        } else {
            name.to_string()
        },
        ente: Some("Città Metropolitana di Messina".to_string()),
        qualifica: None,
        email: None,
        phone: None,
        valid_from: None,
        valid_to: None,
    })
}

impl Store {
    /// The organigram in force on `as_of`.
    pub fn organigram(&self, as_of: NaiveDate) -> Result<Organigram> {
        let day = as_of.to_string();
        let units: Vec<_> = all_units(&self.conn)?
            .into_iter()
            .filter(|u| in_period(u.valid_from.as_deref(), u.valid_to.as_deref(), &day))
            .collect();
        let roles: Vec<_> = all_roles(&self.conn)?
            .into_iter()
            .filter(|r| in_period(Some(&r.valid_from), r.valid_to.as_deref(), &day))
            .collect();
        let zones = self.zones()?;
        let signatory = crate::db::kv::letterhead(&self.conn)?.signatory_name;
        let mut nodes: Vec<OrgNode> = Vec::new();

        // Zone referents and RPCT: referent rows, read once.
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.istat, c.name, r.full_name, r.email, r.phone, r.valid_from, r.valid_to, r.role, c.zone_id
             FROM referent r JOIN comune c ON c.istat = r.istat ORDER BY c.name_key, r.id",
        )?;
        let refs: Vec<(RefRow, String, Option<i64>)> = stmt
            .query_map([], |r| {
                Ok((
                    RefRow {
                        id: r.get(0)?,
                        istat: r.get(1)?,
                        comune: r.get(2)?,
                        full_name: r.get(3)?,
                        email: r.get(4)?,
                        phone: r.get(5)?,
                        from: r.get(6)?,
                        to: r.get(7)?,
                    },
                    r.get(8)?,
                    r.get(9)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;

        fn push(nodes: &mut Vec<OrgNode>, parent: Option<usize>, mut node: OrgNode) -> usize {
            node.parent = parent;
            node.depth = parent.map_or(0, |p| nodes[p].depth + 1);
            let i = nodes.len();
            nodes.push(node);
            if let Some(p) = parent {
                nodes[p].children.push(i);
            }
            i
        }

        // Depth-first over the units (children in order: units are sorted by
        // parent and position), so that nodes are in pre-order.
        fn visit<'a>(
            u: &'a super::Unit,
            parent: Option<usize>,
            units: &'a [super::Unit],
            ctx: &mut Ctx<'_>,
        ) {
            let i = push(
                ctx.nodes,
                parent,
                OrgNode {
                    key: format!("u{}", u.id),
                    parent: None,
                    depth: 0,
                    children: Vec::new(),
                    kind: NodeKind::Unit,
                    unit_id: Some(u.id),
                    zone_id: None,
                    istat: None,
                    kind_label: u.kind_label.clone(),
                    name: u.name.clone(),
                    description: u.description.clone(),
                    members: ctx
                        .roles
                        .iter()
                        .filter(|r| r.unit_id == u.id)
                        .map(member_of_role)
                        .collect(),
                    ex_officio: ex_officio(u, ctx.signatory),
                    updated_at: Some(u.updated_at.clone()),
                },
            );
            for c in units.iter().filter(|c| c.parent_id == Some(u.id)) {
                visit(c, Some(i), units, ctx);
            }
            if u.shows_zones {
                for z in ctx.zones {
                    let members = z
                        .referent_id
                        .and_then(|rid| ctx.refs.iter().find(|(r, _, _)| r.id == rid))
                        .filter(|(r, _, _)| in_period(r.from.as_deref(), r.to.as_deref(), ctx.day))
                        .map(|(r, role, _)| {
                            vec![referent_member(r, "Referente di zona", role_label(role))]
                        })
                        .unwrap_or_default();
                    let zi = push(
                        ctx.nodes,
                        Some(i),
                        OrgNode {
                            key: format!("z{}", z.id),
                            parent: None,
                            depth: 0,
                            children: Vec::new(),
                            kind: NodeKind::Zone,
                            unit_id: None,
                            zone_id: Some(z.id),
                            istat: None,
                            kind_label: "Zona omogenea".into(),
                            name: z.name.clone(),
                            description: Some(format!(
                                "{} {}{}",
                                z.comuni,
                                if z.comuni == 1 { "comune" } else { "comuni" },
                                if z.proposed { PROPOSED_NOTE } else { "" }
                            )),
                            members,
                            ex_officio: None,
                            updated_at: Some(z.updated_at.clone()),
                        },
                    );
                    if u.shows_rpct {
                        let mut seen: Vec<&str> = Vec::new();
                        for (r, role, zone) in ctx.refs {
                            if *zone != Some(z.id)
                                || role != "rpct"
                                || !in_period(r.from.as_deref(), r.to.as_deref(), ctx.day)
                                || seen.contains(&r.istat.as_str())
                            {
                                continue;
                            }
                            seen.push(&r.istat);
                            push(
                                ctx.nodes,
                                Some(zi),
                                OrgNode {
                                    key: format!("c{}", r.istat),
                                    parent: None,
                                    depth: 0,
                                    children: Vec::new(),
                                    kind: NodeKind::Comune,
                                    unit_id: None,
                                    zone_id: Some(z.id),
                                    istat: Some(r.istat.clone()),
                                    kind_label: "Comune".into(),
                                    name: format!("Comune di {}", r.comune),
                                    description: None,
                                    members: vec![referent_member(r, "RPCT", "RPCT")],
                                    ex_officio: None,
                                    updated_at: None,
                                },
                            );
                        }
                    }
                }
            }
        }
        struct Ctx<'a> {
            nodes: &'a mut Vec<OrgNode>,
            roles: &'a [super::Role],
            zones: &'a [crate::zones::Zone],
            refs: &'a [(RefRow, String, Option<i64>)],
            day: &'a str,
            signatory: &'a str,
        }
        let mut ctx = Ctx {
            nodes: &mut nodes,
            roles: &roles,
            zones: &zones,
            refs: &refs,
            day: &day,
            signatory: &signatory,
        };
        for r in units.iter().filter(|u| u.parent_id.is_none()) {
            visit(r, None, &units, &mut ctx);
        }
        Ok(Organigram { as_of: day, nodes })
    }

    /// The history of a unit: its own changes and those of its roles, newest first.
    pub fn org_unit_history(&self, unit_id: i64) -> Result<Vec<HistoryEntry>> {
        let exists = get_unit(&self.conn, unit_id).is_ok();
        let names: std::collections::HashMap<i64, String> = all_units(&self.conn)?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, operator, entity, action, before, after FROM audit
             WHERE (entity = 'org_unit' AND entity_id = ?1)
                OR (entity = 'org_role' AND (json_extract(before, '$.unit_id') = ?2
                                          OR json_extract(after, '$.unit_id') = ?2))
             ORDER BY id DESC",
        )?;
        let rows = stmt.query_map(params![unit_id.to_string(), unit_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, operator, entity, action, before, after) = row?;
            let b: serde_json::Value = before
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or_default();
            let a: serde_json::Value = after
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or_default();
            let s = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or("").to_string();
            let role_text = |v: &serde_json::Value| {
                format!(
                    "{} – {} ({})",
                    v["person"]["full_name"].as_str().unwrap_or(""),
                    s(v, "title"),
                    period_it(v["valid_from"].as_str(), v["valid_to"].as_str())
                )
            };
            let text = match (entity.as_str(), action.as_str()) {
                ("org_unit", "create") => format!(
                    "Unità creata: «{}» ({})",
                    s(&a, "name"),
                    s(&a, "kind_label")
                ),
                ("org_unit", "move") if b["parent_id"] == a["parent_id"] => {
                    "Unità spostata tra le unità dello stesso livello".to_string()
                }
                ("org_unit", "move") => match a["parent_id"].as_i64().and_then(|p| names.get(&p)) {
                    Some(p) => format!("Unità spostata sotto «{p}»"),
                    None => "Unità spostata al primo livello".to_string(),
                },
                ("org_unit", "delete") => "Unità eliminata".to_string(),
                ("org_unit", _) => {
                    let mut changes = Vec::new();
                    if b["name"] != a["name"] {
                        changes.push(format!("nome da «{}» a «{}»", s(&b, "name"), s(&a, "name")));
                    }
                    if b["kind"] != a["kind"] {
                        changes.push(format!("tipo {}", s(&a, "kind_label")));
                    }
                    if b["valid_from"] != a["valid_from"] || b["valid_to"] != a["valid_to"] {
                        let p = period_it(a["valid_from"].as_str(), a["valid_to"].as_str());
                        changes.push(if p.is_empty() {
                            "periodo tolto".to_string()
                        } else {
                            format!("periodo {p}")
                        });
                    }
                    if b["description"] != a["description"] {
                        changes.push("descrizione".to_string());
                    }
                    if b["shows_rpct"] != a["shows_rpct"] || b["shows_zones"] != a["shows_zones"] {
                        changes.push("zone e RPCT mostrati".to_string());
                    }
                    if changes.is_empty() {
                        "Unità modificata".to_string()
                    } else {
                        format!("Unità modificata: {}", changes.join("; "))
                    }
                }
                ("org_role", "create") => format!("Incarico conferito: {}", role_text(&a)),
                ("org_role", "delete") => format!("Incarico eliminato: {}", role_text(&b)),
                ("org_role", _) if b["unit_id"] != a["unit_id"] => {
                    if b["unit_id"].as_i64() == Some(unit_id) {
                        format!(
                            "Incarico trasferito a «{}»: {}",
                            s(&a, "unit_name"),
                            role_text(&a)
                        )
                    } else {
                        format!(
                            "Incarico trasferito da «{}»: {}",
                            s(&b, "unit_name"),
                            role_text(&a)
                        )
                    }
                }
                ("org_role", _)
                    if b["valid_to"] != a["valid_to"]
                        && a["valid_to"].is_string()
                        && b["valid_to"].is_null() =>
                {
                    format!(
                        "Incarico chiuso il {}: {}",
                        date_it(&s(&a, "valid_to")),
                        role_text(&a)
                    )
                }
                ("org_role", _) => format!("Incarico modificato: {}", role_text(&a)),
                _ => continue,
            };
            out.push(HistoryEntry { at, operator, text });
        }
        if !exists && out.is_empty() {
            return Err(crate::Error::not_found(
                "L'unità non esiste (forse è stata eliminata).",
            ));
        }
        Ok(out)
    }
}

impl Store {
    /// The history of a zone as the organigram shows it: its referent's
    /// changes (made here or in the Zone section: the same audit rows), its
    /// renaming, its creation; newest first.
    pub fn org_zone_history(&self, zone_id: i64) -> Result<Vec<HistoryEntry>> {
        let rows = self.audit_log("zone", Some(&zone_id.to_string()))?;
        if rows.is_empty() {
            crate::zones::get_zone(&self.conn, zone_id)?;
        }
        let mut out = Vec::new();
        for e in rows {
            let parse = |v: &Option<String>| -> serde_json::Value {
                v.as_deref()
                    .and_then(|s| serde_json::from_str(s).ok())
                    .unwrap_or_default()
            };
            let (b, a) = (parse(&e.before), parse(&e.after));
            let who = |v: &serde_json::Value| match (
                v["referent_name"].as_str(),
                v["referent_comune"].as_str(),
            ) {
                (Some(n), Some(c)) => format!("{n} (Comune di {c})"),
                (Some(n), None) => n.to_string(),
                _ => "nessuno".to_string(),
            };
            let text = match e.action.as_str() {
                "set_referent" => format!("Referente di zona: da {} a {}", who(&b), who(&a)),
                "rename" => format!(
                    "Zona rinominata da «{}» a «{}»",
                    b["name"].as_str().unwrap_or(""),
                    a["name"].as_str().unwrap_or("")
                ),
                "create" => format!("Zona creata: «{}»", a["name"].as_str().unwrap_or("")),
                _ => continue,
            };
            out.push(HistoryEntry {
                at: e.at,
                operator: e.operator,
                text,
            });
        }
        Ok(out)
    }
}

fn role_label(role: &str) -> &'static str {
    match role {
        "rpct" => "RPCT",
        "sindaco" => "Sindaco",
        "operativo" => "Referente operativo",
        _ => "Referente",
    }
}
