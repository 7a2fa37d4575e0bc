//! Templates: the light markup of `markup.rs` with named placeholders filled
//! through minijinja in strict mode. A template is checked before anything
//! is generated: a syntax error or an unknown placeholder is reported with
//! its name and line.

use std::collections::BTreeSet;

use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use serde::Serialize;

use crate::error::{Error, Result};

/// What a template's placeholders can refer to: any serialisable context
/// that names its placeholders. Each domain implements it for its own
/// context (a comune's acts, the working group's act).
pub trait Placeholders: Serialize {
    /// A value with every field present (lists may be empty, values
    /// blank), from which the placeholder names are read.
    fn sample() -> Self
    where
        Self: Sized;

    /// The placeholder names: each top-level field and, for a group of
    /// fields, each `group.field`.
    fn placeholders() -> BTreeSet<String>
    where
        Self: Sized,
    {
        names_of(&Self::sample())
    }
}

/// The placeholder names of a context value, "comune.nome" style.
pub fn names_of<T: Serialize>(sample: &T) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(sample) {
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

/// The body that issues a document: the Città Metropolitana's office, as
/// the letterhead in the settings describes it (`ente.*` in templates).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Ente {
    pub nome: String,
    pub ufficio: String,
    pub pec: String,
    pub firmatario: String,
    pub qualifica_firmatario: String,
    pub indirizzo: String,
    pub codice_fiscale: String,
    pub telefono: String,
}

/// Printed where the archive has no value.
pub const BLANK: &str = "…………………";

/// A value, or the dotted line to fill by hand when it is empty.
pub fn or_blank(v: Option<String>) -> String {
    v.filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| BLANK.to_string())
}

impl Ente {
    /// Every value blank (to list the placeholders).
    pub fn blank() -> Ente {
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

    /// The office from the letterhead settings (blank where not set).
    pub fn from_settings(conn: &rusqlite::Connection) -> Result<Ente> {
        let l = crate::db::kv::letterhead(conn)?;
        Ok(Ente {
            nome: "Città Metropolitana di Messina".into(),
            ufficio: "Segreteria Generale".into(),
            pec: or_blank(Some(l.secretariat_pec)),
            firmatario: or_blank(Some(l.signatory_name)),
            qualifica_firmatario: or_blank(Some(l.signatory_title)),
            indirizzo: or_blank(Some(l.secretariat_address)),
            codice_fiscale: or_blank(Some(l.secretariat_fiscal_code)),
            telefono: or_blank(Some(l.secretariat_phone)),
        })
    }
}

/// The most text a filled template may produce (values included).
pub const MAX_OUTPUT_BYTES: usize = 2 * 1024 * 1024;
/// The longest template text accepted.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;
/// minijinja's fuel: roughly the instructions a rendering may run. The
/// default templates use a few thousand; a loop of 100,000 turns runs out.
pub const FUEL: u64 = 300_000;
/// How deeply macros and blocks may call each other.
pub const RECURSION_LIMIT: usize = 64;

/// minijinja's global functions a template may call.
const GLOBALS: [&str; 3] = ["range", "dict", "namespace"];

/// Opens and closes a value's token in the filled text (private-use
/// characters the fonts cannot print, so no template or value can use them).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(RECURSION_LIMIT);
    env
}

/// A filled template: the text, where each value printed by a placeholder
/// stands as an opaque token, and the values. The markup is parsed on the
/// text, so nothing in a value (`*`, `#`, `:::`, `|`, a leading `- `, a
/// newline) can act as markup; the tokens are then replaced by the values.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    pub text: String,
    pub values: Vec<String>,
}

impl Filled {
    /// A piece of the filled text with its values put back.
    pub fn resolve(&self, s: &str) -> String {
        if !s.contains(OPEN) {
            return s.to_string();
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(start) = rest.find(OPEN) {
            out.push_str(&rest[..start]);
            let after = &rest[start + OPEN.len_utf8()..];
            let Some(end) = after.find(CLOSE) else {
                rest = after;
                continue;
            };
            if let Some(v) = after[..end]
                .parse::<usize>()
                .ok()
                .and_then(|i| self.values.get(i))
            {
                out.push_str(v);
            }
            rest = &after[end + CLOSE.len_utf8()..];
        }
        out.push_str(rest);
        out
    }

    /// The whole text with the values in place.
    pub fn plain(&self) -> String {
        self.resolve(&self.text)
    }
}

/// A value as it prints: on one line (a newline, tab or other control
/// character becomes a space), without the token characters.
fn clean_value(v: &str) -> String {
    v.chars()
        .filter(|c| *c != OPEN && *c != CLOSE)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn strip_tokens(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) if s.contains([OPEN, CLOSE]) => {
            *s = s.replace([OPEN, CLOSE], "");
        }
        serde_json::Value::Object(m) => m.values_mut().for_each(strip_tokens),
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_tokens),
        _ => {}
    }
}

/// What a rendering has produced so far.
#[derive(Default)]
struct Acc {
    values: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    bytes: usize,
    over: bool,
}

impl Acc {
    fn add(&mut self, n: usize) -> bool {
        self.bytes += n;
        if self.bytes > MAX_OUTPUT_BYTES {
            self.over = true;
        }
        !self.over
    }
}

/// Counts what the template writes and stops past the limit.
struct Counter<'a> {
    out: &'a mut Vec<u8>,
    acc: std::sync::Arc<std::sync::Mutex<Acc>>,
}

impl std::io::Write for Counter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let ok = self
            .acc
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .add(buf.len());
        if !ok {
            return Err(std::io::Error::other("output limit"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn limit_error(message: String) -> Error {
    Error::validation("body", message)
}

fn output_limit_error() -> Error {
    limit_error(format!(
        "Il modello supera il limite di {} MB di testo generato: contiene probabilmente un ciclo che ripete il testo troppe volte.",
        MAX_OUTPUT_BYTES / (1024 * 1024)
    ))
}

/// A rendering error: a limit reached, or the template's own mistake.
fn render_error(e: &minijinja::Error) -> Error {
    let detail = e.detail().unwrap_or_default();
    let line = e.line().map(|l| format!(" (riga {l})")).unwrap_or_default();
    if e.kind() == ErrorKind::OutOfFuel {
        return limit_error(format!(
            "Il modello supera il limite di calcolo consentito ({} operazioni){line}: contiene probabilmente un ciclo infinito o troppo lungo.",
            crate::text::thousands(FUEL as i64)
        ));
    }
    if detail.contains("recursion limit") || detail.contains("maximum recursion") {
        return limit_error(format!(
            "Il modello supera il limite di {RECURSION_LIMIT} livelli di annidamento{line}: contiene probabilmente una macro che richiama sé stessa senza fine (ricorsione infinita)."
        ));
    }
    if detail.contains("range has too many elements") {
        return limit_error(format!(
            "Il modello supera il limite di 100.000 elementi per «range»{line}: contiene probabilmente un ciclo infinito o troppo lungo."
        ));
    }
    syntax_error(e)
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

/// Checks a template without data against the placeholders its context
/// provides: syntax, unknown placeholders, emptiness. (The markup is
/// checked on the filled text, by `documents::fill`.)
pub fn check_with(source: &str, known: &BTreeSet<String>) -> Result<()> {
    // The last template found right on this thread, with its placeholders:
    // a batch checks the same one for every document.
    thread_local! {
        static CHECKED: std::cell::RefCell<Option<(String, BTreeSet<String>)>> =
            const { std::cell::RefCell::new(None) };
    }
    let again = CHECKED.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|(s, k)| s == source && k == known)
    });
    if again {
        return Ok(());
    }
    check_uncached(source, known)?;
    CHECKED.with(|c| *c.borrow_mut() = Some((source.to_string(), known.clone())));
    Ok(())
}

fn check_uncached(source: &str, known: &BTreeSet<String>) -> Result<()> {
    if source.trim().is_empty() {
        return Err(Error::validation(
            "body",
            "Il modello è vuoto: scrivere il testo del documento.",
        ));
    }
    if source.len() > MAX_TEMPLATE_BYTES {
        return Err(limit_error(format!(
            "Il modello supera il limite di {} KB di testo: accorciarlo.",
            MAX_TEMPLATE_BYTES / 1024
        )));
    }
    let env = environment();
    let tmpl = env
        .template_from_str(source)
        .map_err(|e| render_error(&e))?;
    let mut unknown: Vec<String> = tmpl
        .undeclared_variables(true)
        .into_iter()
        .filter(|v| !known.contains(v) && !GLOBALS.contains(&v.as_str()))
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

/// Fills a template with any serialisable context, each value as a token
/// (see [`Filled`]). Strict: a placeholder without a value is an error.
/// Fuel, recursion and output size are limited, so a template with an
/// endless loop fails quickly.
pub fn fill_marked_with<T: Serialize>(source: &str, ctx: &T) -> Result<Filled> {
    if source.len() > MAX_TEMPLATE_BYTES {
        return check_with(source, &BTreeSet::new()).map(|_| Filled::default());
    }
    let acc = std::sync::Arc::new(std::sync::Mutex::new(Acc::default()));
    let mut env = environment();
    // With auto-escaping on, minijinja marks the output of macros and
    // captured blocks as safe: template text, written as it is; everything
    // else printed is data, and becomes a token.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Custom("cdp".into()));
    let shared = acc.clone();
    env.set_formatter(move |out, _state, value| {
        if value.is_safe() {
            // The output of a macro or of a captured block: template text
            // (with its values already as tokens), counted as it is written.
            return out
                .write_str(&value.to_string())
                .map_err(minijinja::Error::from);
        }
        let text = if value.is_undefined() || value.is_none() {
            String::new()
        } else {
            clean_value(&value.to_string())
        };
        let mut acc = shared.lock().unwrap_or_else(|p| p.into_inner());
        if !acc.add(text.len()) {
            return Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                "output limit",
            ));
        }
        let next = acc.values.len();
        let i = *acc.index.entry(text.clone()).or_insert(next);
        if i == next {
            acc.values.push(text);
        }
        drop(acc);
        write!(out, "{OPEN}{i}{CLOSE}").map_err(minijinja::Error::from)
    });
    let tmpl = env
        .template_from_str(source)
        .map_err(|e| render_error(&e))?;
    let mut bytes = Vec::new();
    // Data never carries the token characters (they cannot print anyway).
    let mut data = serde_json::to_value(ctx)?;
    strip_tokens(&mut data);
    let result = tmpl.render_captured_to(
        minijinja::value::Serde(&data),
        Counter {
            out: &mut bytes,
            acc: acc.clone(),
        },
    );
    let mut acc = acc.lock().unwrap_or_else(|p| p.into_inner());
    if acc.over {
        return Err(output_limit_error());
    }
    drop(result.map_err(|e| render_error(&e))?);
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::validation("body", "Il modello produce testo non valido."))?;
    Ok(Filled {
        text,
        values: std::mem::take(&mut acc.values),
    })
}
