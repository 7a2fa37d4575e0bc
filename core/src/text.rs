//! Text folding for the search a secretary expects: case- and
//! accent-insensitive, punctuation-blind ("sant agata" finds "Sant'Agata").

use unicode_normalization::UnicodeNormalization;

/// Lower case, accents removed, every run of non-alphanumerics one space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
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
