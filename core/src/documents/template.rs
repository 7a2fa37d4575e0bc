//! Templates: the light markup of `markup.rs` with named placeholders filled
//! through minijinja in strict mode. A template is checked before anything
//! is generated: a syntax error or an unknown placeholder is reported with
//! its name and line.

use std::collections::{BTreeMap, BTreeSet};

use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use serde::Serialize;

use crate::error::{Error, Result};

/// What the placeholders of a template can refer to. Every field is always
/// present: a value the archive lacks prints as a dotted line to fill by hand.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub ente: Ente,
    pub comune: ComuneCtx,
    pub sindaco: String,
    pub rpct: String,
    pub referente: String,
    pub zona: ZonaCtx,
    pub invito: InvitoCtx,
    pub data: String,
    pub anno: i32,
    pub senza_oneri: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ente {
    pub nome: String,
    pub ufficio: String,
    pub pec: String,
    pub firmatario: String,
    pub qualifica_firmatario: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComuneCtx {
    pub nome: String,
    pub istat: String,
    pub pec: String,
    pub indirizzo: String,
    pub codice_ipa: String,
    pub popolazione: String,
    pub sito: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ZonaCtx {
    pub nome: String,
    pub referente: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InvitoCtx {
    pub numero: String,
    pub data: String,
}

/// Printed where the archive has no value.
pub const BLANK: &str = "…………………";

impl Context {
    /// A context with every value blank (used to list the placeholders).
    pub fn blank() -> Context {
        let b = || BLANK.to_string();
        Context {
            ente: Ente {
                nome: b(),
                ufficio: b(),
                pec: b(),
                firmatario: b(),
                qualifica_firmatario: b(),
            },
            comune: ComuneCtx {
                nome: b(),
                istat: b(),
                pec: b(),
                indirizzo: b(),
                codice_ipa: b(),
                popolazione: b(),
                sito: b(),
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
        }
    }

    /// The placeholder names, "comune.nome" style.
    pub fn placeholders() -> BTreeSet<String> {
        let value = serde_json::to_value(Context::blank()).unwrap_or_default();
        let mut out = BTreeSet::new();
        if let serde_json::Value::Object(map) = value {
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
        ("sindaco", "il Sindaco in carica"),
        ("rpct", "l'RPCT in carica"),
        ("referente", "il referente operativo, o l'RPCT se manca"),
        ("zona.nome", "la zona omogenea del comune"),
        ("zona.referente", "il referente della zona"),
        ("invito.numero", "il protocollo della lettera d'invito"),
        ("invito.data", "la data dell'invito"),
        ("data", "la data di oggi, in lettere"),
        ("anno", "l'anno in corso"),
        (
            "senza_oneri",
            "vero se l'adesione non ha costi (per {% if senza_oneri %})",
        ),
    ])
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env
}

fn line_of(source: &str, name: &str) -> usize {
    let last = name.rsplit('.').next().unwrap_or(name);
    source
        .lines()
        .position(|l| l.contains(name) || (l.contains("{{") && l.contains(last)))
        .map(|i| i + 1)
        .unwrap_or(1)
}

fn syntax_error(e: &minijinja::Error) -> Error {
    let line = e.line().unwrap_or(1);
    let detail = e.detail().unwrap_or_default();
    let what = if detail.contains("unexpected end of input") {
        "il modello finisce con un blocco ancora aperto: a ogni «{% if %}» serve un «{% endif %}», a ogni «{% for %}» un «{% endfor %}».".to_string()
    } else if detail.contains("unknown filter") {
        format!("filtro sconosciuto ({detail}).")
    } else if e.kind() == ErrorKind::UndefinedError {
        "segnaposto senza valore.".to_string()
    } else {
        format!("errore di sintassi ({detail}).")
    };
    Error::validation("body", format!("Riga {line}: {what}"))
}

/// Checks a template without data: syntax, unknown placeholders, emptiness.
/// (The markup is checked on the filled text, by `documents::fill`.)
pub fn check(source: &str) -> Result<()> {
    if source.trim().is_empty() {
        return Err(Error::validation(
            "body",
            "Il modello è vuoto: scrivere il testo del documento.",
        ));
    }
    let env = environment();
    let tmpl = env
        .template_from_str(source)
        .map_err(|e| syntax_error(&e))?;
    let known = Context::placeholders();
    let mut unknown: Vec<String> = tmpl
        .undeclared_variables(true)
        .into_iter()
        .filter(|v| !known.contains(v))
        .collect();
    unknown.sort();
    if let Some(name) = unknown.first() {
        let line = line_of(source, name);
        let others = if unknown.len() > 1 {
            format!(" (e anche: {})", unknown[1..].join(", "))
        } else {
            String::new()
        };
        return Err(Error::validation(
            "body",
            format!(
                "Riga {line}: segnaposto sconosciuto «{name}»{others}. I segnaposto disponibili sono elencati accanto all'editor."
            ),
        ));
    }
    Ok(())
}

/// Fills a template. Strict: a placeholder without a value is an error.
pub fn render(source: &str, ctx: &Context) -> Result<String> {
    let env = environment();
    let tmpl = env
        .template_from_str(source)
        .map_err(|e| syntax_error(&e))?;
    tmpl.render(minijinja::value::Serde(ctx))
        .map_err(|e| syntax_error(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn fills_placeholders() {
        let mut ctx = Context::blank();
        ctx.comune.nome = "Sant'Agata di Militello".into();
        let out = render(
            "Comune di {{ comune.nome }}{% if senza_oneri %}, senza oneri{% endif %}",
            &ctx,
        )
        .unwrap();
        assert_eq!(out, "Comune di Sant'Agata di Militello, senza oneri");
        check("{% for x in [1, 2] %}{{ x }}{% endfor %} {{ comune.nome | upper }}").unwrap();
    }
}
