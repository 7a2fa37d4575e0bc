//! The one person-matching rule of every import and form that meets a name
//! already known (the referents file, a webinar's attendance report, the
//! organigram's people): titles and honorifics ignored («Dott.ssa», «Avv.»,
//! «Sig.ra»…), accents, case and apostrophes folded («D'Amico» is
//! «DAMICO»), and the surname written first recognised («Rossi Anna» is
//! «Anna Rossi»). The answer is [`Likeness::Exact`], [`Likeness::Probable`]
//! (a middle name more or less, an initial, one letter off: the user
//! confirms, nothing is replaced silently) or [`Likeness::Different`].

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// How alike two names are.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Likeness {
    Different,
    /// «probabilmente la stessa persona»: the user confirms.
    Probable,
    /// The same name, written another way.
    Exact,
}

impl Likeness {
    /// The Italian words the dry runs show for a probable match.
    pub const PROBABLE_IT: &'static str = "probabilmente la stessa persona";
}

/// Titles and honorifics as Italian offices write them before a name,
/// folded (dots dropped): «Dott.ssa» is `dottssa`, «Sig.ra» `sigra`.
const TITLES: &[&str] = &[
    "dott",
    "dottssa",
    "dotssa",
    "dottsa",
    "dottore",
    "dottoressa",
    "dr",
    "drssa",
    "dssa",
    "ssa",
    "avv",
    "avvto",
    "avvocato",
    "avvocata",
    "avvocatessa",
    "ing",
    "ingegnere",
    "arch",
    "architetto",
    "geom",
    "geometra",
    "rag",
    "ragioniere",
    "ragioniera",
    "prof",
    "profssa",
    "professore",
    "professoressa",
    "sig",
    "sigr",
    "sigra",
    "signa",
    "signor",
    "signore",
    "signora",
    "signorina",
    "on",
    "onle",
    "onorevole",
    "mons",
    "monsignore",
    "cav",
    "comm",
    "gr",
    "uff",
    "pavv",
    "pi",
    "per",
    "ind",
    "mr",
    "mrs",
    "ms",
    "miss",
];

/// The words of a name as the rule compares them: folded (accents and
/// case), apostrophes, dots and hyphens inside a word dropped («D'Amico»
/// → `damico`), titles removed (a name made only of titles keeps them).
pub fn words(name: &str) -> Vec<String> {
    let all: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '/')
        .map(|w| {
            w.nfd()
                .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let kept: Vec<String> = all
        .iter()
        .filter(|w| !TITLES.contains(&w.as_str()))
        .cloned()
        .collect();
    if kept.is_empty() {
        all
    } else {
        kept
    }
}

/// The key two names share when [`compare`] finds them [`Likeness::Exact`]
/// in the same order: the folded words without titles, one space apart.
pub fn key(name: &str) -> String {
    words(name).join(" ")
}

/// Whether `b` is `a` turned around: the surname(s) moved to the front.
fn rotation(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && (1..a.len()).any(|k| a[k..].iter().chain(&a[..k]).eq(b.iter()))
}

/// At most one letter changed, added or removed (words of 5 letters and more).
fn one_letter_off(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().min(b.len()) < 5 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let mut i = 0;
    while i < short.len() && short[i] == long[i] {
        i += 1;
    }
    if short.len() == long.len() {
        // Mario and Maria, Francesco and Francesca: another person.
        let vowel = |c: char| "aeiou".contains(c);
        if i + 1 == short.len() && vowel(short[i]) && vowel(long[i]) {
            return false;
        }
        short[i + 1..] == long[i + 1..]
    } else {
        short[i..] == long[i + 1..]
    }
}

/// Whether word `a` stands for word `b`: the same, an initial of it, or one letter off.
fn near(a: &str, b: &str) -> bool {
    a == b
        || (a.chars().count() == 1 && b.starts_with(a))
        || (b.chars().count() == 1 && a.starts_with(b))
        || one_letter_off(a, b)
}

/// Every word of `few` stands for a different word of `many`, in order.
fn fits_in_order(few: &[String], many: &[String]) -> bool {
    let mut it = many.iter();
    few.iter().all(|w| it.any(|m| near(w, m)))
}

/// How alike two names of people are (see the module's rule).
pub fn compare(a: &str, b: &str) -> Likeness {
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return Likeness::Different;
    }
    if wa == wb || wa.concat() == wb.concat() || rotation(&wa, &wb) {
        return Likeness::Exact;
    }
    // Same words in another order, or near words, in the written order or
    // with the surname first; one side may have a middle name more.
    let (few, many) = if wa.len() <= wb.len() {
        (&wa, &wb)
    } else {
        (&wb, &wa)
    };
    if few.len() < 2 && many.len() > 1 {
        return Likeness::Different;
    }
    let mut sorted_a = wa.clone();
    let mut sorted_b = wb.clone();
    sorted_a.sort();
    sorted_b.sort();
    if sorted_a == sorted_b {
        return Likeness::Probable;
    }
    let turned = (1..many.len()).map(|k| {
        many[k..]
            .iter()
            .chain(&many[..k])
            .cloned()
            .collect::<Vec<_>>()
    });
    let full_words = |v: &[String]| v.iter().filter(|w| w.chars().count() > 1).count();
    let fits = std::iter::once(many.to_vec())
        .chain(turned)
        .any(|m| fits_in_order(few, &m));
    // An initial alone is not enough: at least one whole word must agree.
    let whole_agree = few
        .iter()
        .any(|w| w.chars().count() > 1 && many.contains(w));
    if fits && whole_agree && full_words(few) >= 1 {
        Likeness::Probable
    } else {
        Likeness::Different
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Likeness::*;

    #[test]
    fn titles_accents_order() {
        for (a, b) in [
            ("Dott.ssa Anna Rossi", "Anna Rossi"),
            ("Rossi Anna", "Anna Rossi"),
            ("ROSSI ANNA", "dott.ssa anna rossi"),
            ("Avv. Nicolò D'Amico", "Nicolo Damico"),
            ("Sig.ra Maria Lo Presti", "Lo Presti Maria"),
            ("Ing. Giuseppe De Luca", "Giuseppe DeLuca"),
            ("Prof.ssa Rosa Sant'Agata", "Rosa Santagata"),
            ("Geom. Carmelo Crisafulli", "CRISAFULLI Carmelo"),
            ("Arch.  Salvo  Bonanno", "Salvo Bonanno"),
            ("Dott. ssa Lucia Pagano", "Lucia Pagano"),
            ("Mons. Cesare Di Pietro", "Cesare Di Pietro"),
            ("Rag. Ugo Foti", "Foti, Ugo"),
        ] {
            assert_eq!(compare(a, b), Exact, "{a} / {b}");
            assert_eq!(compare(b, a), Exact, "{b} / {a}");
        }
        assert_eq!(key("Dott.ssa Anna Rossi"), key("anna rossi"));
    }

    #[test]
    fn near_matches_are_probable() {
        for (a, b) in [
            ("Anna Maria Rossi", "Anna Rossi"),
            ("A. Rossi", "Anna Rossi"),
            ("Rossi A.", "Anna Rossi"),
            ("Anna Russo Rossi", "Rossi Anna"),
            ("Giuseppe Crisafuli", "Giuseppe Crisafulli"),
            ("Maria Anna Rossi", "Anna Maria Rossi"),
        ] {
            assert_eq!(compare(a, b), Probable, "{a} / {b}");
            assert_eq!(compare(b, a), Probable, "{b} / {a}");
        }
    }

    #[test]
    fn others_are_different() {
        for (a, b) in [
            ("Anna Rossi", "Anna Russo"),
            ("Anna Rossi", "Marco Rossi"),
            ("Rossi", "Anna Rossi"),
            ("A. Rossi", "Marco Rossi"),
            ("Anna Rossi", ""),
            ("Dott.", "Anna Rossi"),
            ("Mario Rossi", "Maria Russo"),
            ("Mario Rossi", "Maria Rossi"),
        ] {
            assert_eq!(compare(a, b), Different, "{a} / {b}");
            assert_eq!(compare(b, a), Different, "{b} / {a}");
        }
    }
}
