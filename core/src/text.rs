//! The one text rule of every field a user types ([`Rule`], [`field`]:
//! NFC, no control characters, a length limit, only characters the
//! documents can print), and text folding for the search a secretary
//! expects: case- and accent-insensitive, punctuation-blind ("sant agata"
//! finds "Sant'Agata").

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// How a field is checked: its longest length in characters, and whether
/// it may hold several lines (then tabs and line breaks are allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub max: usize,
    pub multiline: bool,
}

impl Rule {
    /// A code, a number as typed, a short label.
    pub const CODE: Rule = Rule::line(50);
    /// A name of a person, a unit, a place, an office.
    pub const NAME: Rule = Rule::line(200);
    /// A title, an address, a list of names on one line.
    pub const TITLE: Rule = Rule::line(300);
    /// Notes and motivations.
    pub const NOTE: Rule = Rule::lines(4000);
    /// A long description.
    pub const TEXT: Rule = Rule::lines(10_000);

    /// A field on one line of at most `max` characters.
    pub const fn line(max: usize) -> Rule {
        Rule {
            max,
            multiline: false,
        }
    }

    /// A field of several lines of at most `max` characters in all.
    pub const fn lines(max: usize) -> Rule {
        Rule {
            max,
            multiline: true,
        }
    }
}

fn code_point(c: char) -> String {
    let shown = if c.is_control() || c.is_whitespace() {
        String::new()
    } else {
        format!("«{c}» ")
    };
    format!("{shown}(U+{:04X})", c as u32)
}

/// The one text rule, applied to every field a user types: the value as
/// it is stored (Unicode NFC, line breaks as `\n`, trimmed; on one line,
/// runs of spaces made one), or a field error naming what is wrong:
/// a control character (tabs and line breaks are allowed only where
/// `rule.multiline`), more than `rule.max` characters, or a character the
/// documents' fonts cannot print (an emoji, a script they lack), named,
/// so that a document never prints less than the archive holds.
pub fn field(field: &str, label: &str, value: &str, rule: Rule) -> Result<String> {
    let v: String = value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .nfc()
        .collect();
    let v = if rule.multiline {
        v.lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    } else {
        v.trim()
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    if let Some(c) = v
        .chars()
        .find(|c| c.is_control() && !(rule.multiline && matches!(c, '\t' | '\n')))
    {
        let message = if matches!(c, '\t' | '\n') {
            format!("{label}: va scritto su una sola riga, senza a capo né tabulazioni.")
        } else {
            format!(
                "{label}: contiene un carattere di controllo {}, che non si può scrivere: toglierlo.",
                code_point(c)
            )
        };
        return Err(Error::validation(field, message));
    }
    let count = v.chars().count();
    if count > rule.max {
        return Err(Error::validation(
            field,
            format!(
                "{label}: al massimo {} caratteri (ne ha {}).",
                thousands(rule.max as i64),
                thousands(count as i64)
            ),
        ));
    }
    let missing = crate::fonts::fonts().missing_chars(&v);
    if !missing.is_empty() {
        let list = missing
            .iter()
            .take(10)
            .map(|c| code_point(*c))
            .collect::<Vec<_>>()
            .join(", ");
        let more = if missing.len() > 10 {
            format!(" e altri {}", missing.len() - 10)
        } else {
            String::new()
        };
        return Err(Error::validation(
            field,
            format!(
                "{label}: i caratteri {list}{more} non si possono stampare nei documenti: toglierli o sostituirli."
            ),
        ));
    }
    Ok(v)
}

/// [`field`], and not empty.
pub fn required(field_name: &str, label: &str, value: &str, rule: Rule) -> Result<String> {
    let v = field(field_name, label, value, rule)?;
    if v.is_empty() {
        return Err(Error::validation(
            field_name,
            format!("{label}: campo obbligatorio."),
        ));
    }
    Ok(v)
}

/// [`field`] of an optional value; empty is None.
pub fn optional(
    field_name: &str,
    label: &str,
    value: &Option<String>,
    rule: Rule,
) -> Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) => {
            let v = field(field_name, label, v, rule)?;
            Ok((!v.is_empty()).then_some(v))
        }
    }
}

/// Lower case, accents removed, every run of non-alphanumerics one space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    if s.is_ascii() {
        // The same rule without the decomposition: an ASCII letter has no
        // accent to drop and one lower case.
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(char::from(b.to_ascii_lowercase()));
            } else {
                pending_space = true;
            }
        }
        return out;
    }
    fold_chars(s, out)
}

/// [`fold`] char by char, through the canonical decomposition.
fn fold_chars(s: &str, mut out: String) -> String {
    let mut pending_space = false;
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// The folded words of a query, for a match of every word.
pub fn query_terms(q: &str) -> Vec<String> {
    fold(q)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// An ISO date (AAAA-MM-GG) as Italian text (GG/MM/AAAA); anything else as it is.
pub fn date_it(iso: &str) -> String {
    // The form the archive writes (four digits, two, two): turned around
    // without chrono's parser and formatter, when it is a real date.
    let b = iso.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        let n = |r: std::ops::Range<usize>| iso[r].parse::<u32>().unwrap_or(0);
        if chrono::NaiveDate::from_ymd_opt(n(0..4) as i32, n(5..7), n(8..10)).is_some() {
            let mut out = String::with_capacity(10);
            out.push_str(&iso[8..10]);
            out.push('/');
            out.push_str(&iso[5..7]);
            out.push('/');
            out.push_str(&iso[0..4]);
            return out;
        }
    }
    date_it_chrono(iso)
}

/// [`date_it`] through chrono's parser and formatter.
fn date_it_chrono(iso: &str) -> String {
    match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => d.format("%d/%m/%Y").to_string(),
        Err(_) => iso.to_string(),
    }
}

/// A date in words as acts write it: «1° dicembre 2026», «15 maggio 2027».
pub fn date_words(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let day = if d.day() == 1 {
        "1°".to_string()
    } else {
        d.day().to_string()
    };
    format!("{day} {} {}", MONTHS[d.month0() as usize], d.year())
}

/// A piece of a file name without accents, apostrophes or spaces:
/// «Sant'Agata di Militello» gives `Sant_Agata_di_Militello`.
pub fn file_part(s: &str) -> String {
    let mut clean = String::new();
    for c in s
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
    {
        if c.is_ascii_alphanumeric() {
            clean.push(c);
        } else if !clean.ends_with('_') {
            clean.push('_');
        }
    }
    clean.trim_matches('_').to_string()
}

/// Trims, and turns an empty string into None.
pub fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_give_what_the_general_rule_gives() {
        for s in [
            "",
            " ",
            "Name (Original Name)",
            "  SAN  PIER\tNICETO\x0b",
            "D'Amico, Anna-Maria; 3/9/2027 10:01:23 AM",
            "e-mail|USER.EMAIL@x.it",
            "!!!",
            "a1B2 c3",
        ] {
            assert_eq!(fold(s), fold_chars(s, String::new()), "{s:?}");
        }
        for d in [
            "2027-03-09",
            "0999-12-31",
            "2027-02-29",
            "2028-02-29",
            "2027-13-01",
            "2027-00-10",
            "2027-3-9",
            "27-03-09",
            "2027/03/09",
            "+2027-03-09",
            "2027-03-09 ",
            "abcd-ef-gh",
            "",
        ] {
            assert_eq!(date_it(d), date_it_chrono(d), "{d:?}");
        }
    }

    #[test]
    fn folds_accents_case_and_apostrophes() {
        assert_eq!(fold("Sant'Agata di Militello"), "sant agata di militello");
        assert_eq!(fold("Alì Terme"), "ali terme");
        assert_eq!(fold("  SAN  PIER NICETO "), "san pier niceto");
        assert_eq!(
            fold("Barcellona Pozzo di Gotto"),
            "barcellona pozzo di gotto"
        );
        assert_eq!(query_terms("ALÌ, terme"), vec!["ali", "terme"]);
        assert!(query_terms(" '' ").is_empty());
    }

    #[test]
    fn the_text_rule() {
        let name = |v: &str| field("name", "Nome", v, Rule::NAME);
        let note = |v: &str| field("notes", "Note", v, Rule::NOTE);
        // NFC: «e» + combining acute is stored as «é».
        assert_eq!(name("  Caffe\u{301}   Rossi ").unwrap(), "Caffé Rossi");
        assert_eq!(
            note(" riga uno \r\n\triga due ").unwrap(),
            "riga uno\n\triga due"
        );
        for (v, part) in [
            ("Rossi\u{0}", "U+0000"),
            ("Ros\u{1b}si", "U+001B"),
            ("Rossi\u{1}", "U+0001"),
            ("Ros\tsi", "una sola riga"),
            ("Ros\nsi", "una sola riga"),
            ("Rossi \u{1F600}", "«\u{1F600}» (U+1F600)"),
            ("Rossi\u{FFFE}", "U+FFFE"),
            ("月", "(U+6708)"),
        ] {
            let e = name(v).unwrap_err();
            assert_eq!(e.field(), Some("name"), "{v:?}");
            assert!(e.to_string().contains(part), "{v:?}: {e}");
        }
        assert!(note("a\u{7}b").is_err());
        let long = "a".repeat(201);
        let e = name(&long).unwrap_err();
        assert!(e.to_string().contains("al massimo 200 caratteri"), "{e}");
        assert!(name(&"à".repeat(200)).is_ok());
        assert_eq!(
            optional("n", "N", &Some("  ".into()), Rule::NAME).unwrap(),
            None
        );
        assert!(required("n", "N", " ", Rule::NAME).is_err());
        // Italian, Greek and the usual signs print.
        assert!(name("Àlì Perù – «€ 2.500» § 3° ñ ß Ωμέγα").is_ok());
    }
}

/// An integer with the Italian thousands separator: 12.345.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// The Italian month names, January first.
pub const MONTHS: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];
