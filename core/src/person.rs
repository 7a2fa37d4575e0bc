//! The one person-matching rule of every import and form that meets a name
//! already known (the referents file, a webinar's attendance report, the
//! organigram's people): titles and honorifics ignored («Dott.ssa», «Avv.»,
//! «Sig.ra»…), accents, case and apostrophes folded («D'Amico» is
//! «DAMICO»), and the surname written first recognised («Rossi Anna» is
//! «Anna Rossi»). The answer is [`Likeness::Exact`], [`Likeness::Probable`]
//! (a middle name more or less, an initial, one letter off: the user
//! confirms, nothing is replaced silently) or [`Likeness::Different`].

use std::collections::HashMap;

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
        .map(fold_word)
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

/// A word of a name folded: accents dropped, letters and digits only, in
/// lower case.
fn fold_word(w: &str) -> String {
    if w.is_ascii() {
        // No accent to drop: the letters and digits, in lower case.
        return w
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    fold_word_chars(w)
}

/// [`fold_word`] char by char, through the canonical decomposition.
fn fold_word_chars(w: &str) -> String {
    w.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
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
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.min(lb) < 5 || la.abs_diff(lb) > 1 {
        return false;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
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
fn fits_in_order<'a>(few: &[String], many: impl Iterator<Item = &'a String>) -> bool {
    let mut it = many;
    few.iter().all(|w| it.any(|m| near(w, m)))
}

/// A name made ready for many comparisons: its words as the rule reads
/// them, their letters run together and the words in alphabetical order,
/// each computed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    words: Vec<String>,
    concat: String,
    sorted: Vec<String>,
}

impl Name {
    pub fn new(name: &str) -> Self {
        let words = words(name);
        let concat = words.concat();
        let mut sorted = words.clone();
        sorted.sort();
        Name {
            words,
            concat,
            sorted,
        }
    }

    /// The words of more than one letter: a name the rule finds probable
    /// shares one of them (an initial alone is never enough).
    fn whole_words(&self) -> impl Iterator<Item = &String> {
        self.words.iter().filter(|w| w.chars().count() > 1)
    }
}

/// How alike two names of people are (see the module's rule).
pub fn compare(a: &str, b: &str) -> Likeness {
    compare_names(&Name::new(a), &Name::new(b))
}

/// [`compare`] on names made ready once.
pub fn compare_names(a: &Name, b: &Name) -> Likeness {
    let (wa, wb) = (&a.words, &b.words);
    if wa.is_empty() || wb.is_empty() {
        return Likeness::Different;
    }
    if wa == wb || a.concat == b.concat || rotation(wa, wb) {
        return Likeness::Exact;
    }
    // Same words in another order, or near words, in the written order or
    // with the surname first; one side may have a middle name more.
    let (few, many) = if wa.len() <= wb.len() {
        (wa, wb)
    } else {
        (wb, wa)
    };
    if few.len() < 2 && many.len() > 1 {
        return Likeness::Different;
    }
    if a.sorted == b.sorted {
        return Likeness::Probable;
    }
    let full_words = few.iter().filter(|w| w.chars().count() > 1).count();
    // The written order (k = 0), then each turn that brings the surname(s) first.
    let fits = (0..many.len()).any(|k| fits_in_order(few, many[k..].iter().chain(&many[..k])));
    // An initial alone is not enough: at least one whole word must agree.
    let whole_agree = few
        .iter()
        .any(|w| w.chars().count() > 1 && many.contains(w));
    if fits && whole_agree && full_words >= 1 {
        Likeness::Probable
    } else {
        Likeness::Different
    }
}

/// Many names searched at once (the participants of the training, say): the
/// rule is asked only of the names that can be alike, those that share a
/// whole word, their letters run together or their words in another order,
/// which gives the same answers as [`compare`] against every name.
#[derive(Debug, Default)]
pub struct Index {
    names: Vec<Name>,
    by_word: HashMap<String, Vec<usize>>,
    by_concat: HashMap<String, Vec<usize>>,
    by_sorted: HashMap<Vec<String>, Vec<usize>>,
}

impl Index {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut index = Index::default();
        for (i, name) in names.into_iter().enumerate() {
            let n = Name::new(name);
            let mut seen: Vec<&String> = Vec::new();
            for w in n.whole_words() {
                if !seen.contains(&w) {
                    seen.push(w);
                    index.by_word.entry(w.clone()).or_default().push(i);
                }
            }
            index.by_concat.entry(n.concat.clone()).or_default().push(i);
            index.by_sorted.entry(n.sorted.clone()).or_default().push(i);
            index.names.push(n);
        }
        index
    }

    /// The names of the index [`Likeness::Exact`] to `name` (the same
    /// words in any turn, or the same letters run together), by position.
    pub fn exact(&self, name: &Name) -> Vec<usize> {
        if name.words.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<usize> = self
            .by_concat
            .get(&name.concat)
            .into_iter()
            .chain(self.by_sorted.get(&name.sorted))
            .flatten()
            .copied()
            .filter(|&i| compare_names(name, &self.names[i]) == Likeness::Exact)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Every name of the index that is not [`Likeness::Different`] from
    /// `name`, by its position in the list the index was made from, in that
    /// order.
    pub fn alike(&self, name: &Name) -> Vec<(usize, Likeness)> {
        if name.words.is_empty() {
            return Vec::new();
        }
        let mut candidates: Vec<usize> = name
            .whole_words()
            .filter_map(|w| self.by_word.get(w))
            .chain(self.by_concat.get(&name.concat))
            .chain(self.by_sorted.get(&name.sorted))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .map(|i| (i, compare_names(name, &self.names[i])))
            .filter(|(_, l)| *l != Likeness::Different)
            .collect()
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

    #[test]
    fn ascii_words_fold_as_any_word() {
        for w in [
            "Anna", "D'AMICO", "De-Luca", "Dott.ssa", "x1Y2", "''", ".", "ROSSI.",
        ] {
            assert_eq!(fold_word(w), fold_word_chars(w), "{w}");
        }
    }

    #[test]
    fn index_finds_what_compare_finds() {
        let names = [
            "Dott.ssa Anna Rossi",
            "Rossi Anna",
            "Anna Maria Rossi",
            "A. Rossi",
            "Marco Rossi",
            "Anna Russo",
            "Giuseppe Crisafuli",
            "Giuseppe Crisafulli",
            "Ing. Giuseppe De Luca",
            "Giuseppe DeLuca",
            "A. B.",
            "B. A.",
            "Maria Anna Rossi",
            "Mario Rossi",
            "Maria Rossi",
            "Rossi",
            "Dott.",
            "",
            "Lo Presti Maria",
            "Sig.ra Maria Lo Presti",
            "Foti, Ugo",
            "Ugo Foti",
            "Anna Russo Rossi",
            "Rosa Sant'Agata",
            "Rosa Santagata",
            "Nicolò D'Amico",
        ];
        let index = Index::new(names);
        for a in names {
            let found = index.alike(&Name::new(a));
            let all: Vec<(usize, Likeness)> = names
                .iter()
                .enumerate()
                .map(|(i, b)| (i, compare(a, b)))
                .filter(|(_, l)| *l != Different)
                .collect();
            assert_eq!(found, all, "{a}");
            let exact: Vec<usize> = all
                .iter()
                .filter(|(_, l)| *l == Exact)
                .map(|(i, _)| *i)
                .collect();
            assert_eq!(index.exact(&Name::new(a)), exact, "{a}");
        }
    }
}
