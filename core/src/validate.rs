//! Syntax checks of the fields a secretary types. Each returns an Italian
//! message that names the field.

use crate::error::{Error, Result};

/// An e-mail or PEC address: local@domain.tld, no spaces.
pub fn email(field: &str, label: &str, value: &str) -> Result<()> {
    let bad = || {
        Error::validation(
            field,
            format!("{label}: «{value}» non è un indirizzo valido (esempio: protocollo@pec.comune.esempio.me.it)."),
        )
    };
    let (local, domain) = value.rsplit_once('@').ok_or_else(bad)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-'".contains(c));
    if !local_ok || !domain_ok(domain) {
        return Err(bad());
    }
    Ok(())
}

fn domain_ok(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// A phone number: digits with optional leading +, spaces, dots, dashes, slashes, parentheses; 6 to 15 digits.
pub fn phone(field: &str, value: &str) -> Result<()> {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let chars_ok = value
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || " .-/()".contains(c) || (c == '+' && i == 0));
    if !chars_ok || !(6..=15).contains(&digits) {
        return Err(Error::validation(
            field,
            format!("Telefono: «{value}» non è un numero valido (solo cifre, spazi e il prefisso +39; da 6 a 15 cifre)."),
        ));
    }
    Ok(())
}

/// A web address: http(s) with a host that has a dot.
pub fn website(field: &str, value: &str) -> Result<()> {
    let bad = || {
        Error::validation(
            field,
            format!("Sito web: «{value}» non è un indirizzo valido (esempio: https://www.comune.esempio.me.it)."),
        )
    };
    let parsed = url::Url::parse(value).map_err(|_| bad())?;
    let host_ok = parsed
        .host_str()
        .is_some_and(|h| h.contains('.') && domain_ok(h));
    if !matches!(parsed.scheme(), "http" | "https") || !host_ok {
        return Err(bad());
    }
    Ok(())
}

/// The IPA code (Indice dei domicili digitali della PA): letters, digits and
/// underscore, 2 to 30 characters (usually `c_` + the cadastral code).
pub fn ipa_code(field: &str, value: &str) -> Result<()> {
    let ok = (2..=30).contains(&value.len())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        return Err(Error::validation(
            field,
            format!("Codice IPA: «{value}» non è valido (lettere, cifre e trattino basso, ad esempio c_f158)."),
        ));
    }
    Ok(())
}

/// The cadastral (Belfiore) code: one letter and three digits.
pub fn cadastral_code(field: &str, value: &str) -> Result<()> {
    let b = value.as_bytes();
    if b.len() != 4 || !b[0].is_ascii_uppercase() || !b[1..].iter().all(u8::is_ascii_digit) {
        return Err(Error::validation(
            field,
            format!("Codice catastale: «{value}» non è valido (una lettera maiuscola e tre cifre, ad esempio F158)."),
        ));
    }
    Ok(())
}

/// The years a date may fall in.
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// A date as a secretary types it, the one parser every date of the core
/// goes through: day first as in Italy («30/9/2026», «30-09-2026»,
/// «30.09.2026») or year first («2026-9-30», the ISO form the UI sends).
/// The result is stored as ISO (2026-09-30). Years outside 1900–2100 are
/// refused, since they are always a typing mistake here.
pub fn date(field: &str, label: &str, value: &str) -> Result<chrono::NaiveDate> {
    let v = value.trim();
    let bad = || {
        Error::validation(
            field,
            format!("{label}: «{v}» non è una data valida (scrivere giorno/mese/anno, ad esempio 30/09/2026)."),
        )
    };
    let parts: Vec<&str> = v.split(['/', '-', '.']).map(str::trim).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 {
        (parts[2], parts[1], parts[0])
    } else {
        // A two-digit year is ambiguous (1926 or 2026?): ask for four.
        return Err(Error::validation(
            field,
            format!("{label}: «{v}»: scrivere l'anno con quattro cifre (ad esempio 30/09/2026)."),
        ));
    };
    if m.len() > 2 || d.len() > 2 {
        return Err(bad());
    }
    let (y, m, d): (i32, u32, u32) = match (y.parse(), m.parse(), d.parse()) {
        (Ok(y), Ok(m), Ok(d)) => (y, m, d),
        _ => return Err(bad()),
    };
    if !DATE_YEARS.contains(&y) {
        return Err(Error::validation(
            field,
            format!(
                "{label}: «{v}»: l'anno deve essere compreso tra {} e {}.",
                DATE_YEARS.start(),
                DATE_YEARS.end()
            ),
        ));
    }
    chrono::NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in [
            "protocollo@pec.comune.messina.it",
            "comune.alcaralifusi@pec.it",
            "m.rossi+rpct@comune.ali.me.it",
        ] {
            assert!(email("pec", "PEC", ok).is_ok(), "{ok}");
        }
        for bad in [
            "protocollo",
            "protocollo@",
            "@pec.it",
            "a b@pec.it",
            "a@pec",
            "a@pec..it",
            "a@-pec.it",
            "a..b@pec.it",
            "a@pec.i1",
            "àlì@pec.it",
        ] {
            let e = email("pec", "PEC", bad).unwrap_err();
            assert_eq!(e.code(), "validation");
            assert_eq!(e.field(), Some("pec"), "{bad}");
        }
    }

    #[test]
    fn phones_urls_codes() {
        assert!(phone("phone", "+39 090 7761111").is_ok());
        assert!(phone("phone", "090/776.1111").is_ok());
        assert!(phone("phone", "12345").is_err());
        assert!(phone("phone", "090 abc 123").is_err());
        assert!(phone("phone", "39+090776111").is_err());
        assert!(website("website", "https://www.comune.messina.it").is_ok());
        assert!(website("website", "http://comune.ali.me.it/amministrazione").is_ok());
        assert!(website("website", "www.comune.messina.it").is_err());
        assert!(website("website", "ftp://comune.messina.it").is_err());
        assert!(website("website", "https://localhost").is_err());
        assert!(ipa_code("ipa_code", "c_f158").is_ok());
        assert!(ipa_code("ipa_code", "c f158").is_err());
        assert!(ipa_code("ipa_code", "c").is_err());
        assert!(cadastral_code("cadastral_code", "F158").is_ok());
        assert!(cadastral_code("cadastral_code", "f158").is_err());
        assert!(cadastral_code("cadastral_code", "F15").is_err());
        assert!(date("d", "Data", "2024-02-29").is_ok());
        assert!(date("d", "Data", "2023-02-29").is_err());
        assert!(date("d", "Data", "29/02/2023").is_err());
    }

    #[test]
    fn dates_are_normalised() {
        let want = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        for ok in [
            "30/9/2026",
            "30/09/2026",
            "30-09-2026",
            "30.9.2026",
            "2026-9-30",
            "2026-09-30",
            " 2026/09/30 ",
        ] {
            assert_eq!(date("d", "Data", ok).unwrap(), want, "{ok}");
            assert_eq!(date("d", "Data", ok).unwrap().to_string(), "2026-09-30");
        }
        for bad in [
            "",
            "30/9",
            "31/09/2026",
            "30/13/2026",
            "0/9/2026",
            "30/9/26",
            "30/9/2026/1",
            "trenta/9/2026",
            "30/+9/2026",
            "2026-09-30T00:00",
            "30/009/2026",
        ] {
            let e = date("d", "Data", bad).unwrap_err();
            assert_eq!((e.code(), e.field()), ("validation", Some("d")), "{bad}");
        }
        for out in ["31/12/1899", "1/1/2101", "0001-01-01", "9999-12-31"] {
            let e = date("d", "Data", out).unwrap_err();
            assert!(e.to_string().contains("tra 1900 e 2100"), "{out}: {e}");
        }
        assert!(date("d", "Data", "1/1/1900").is_ok());
        assert!(date("d", "Data", "31/12/2100").is_ok());
    }
}

/// A name for a row of `table` (its `name` column, case-insensitive): spaces
/// collapsed, required, at most 80 characters, not already taken by another
/// row than `except`. `label` names the field in the message («Nome della
/// zona»), `a_thing` the kind of row with its article («una zona»).
pub fn unique_name(
    conn: &rusqlite::Connection,
    table: &str,
    label: &str,
    a_thing: &str,
    name: &str,
    except: Option<i64>,
) -> Result<String> {
    use rusqlite::OptionalExtension;
    let name = crate::text::required("name", label, name, crate::text::Rule::line(80))?;
    let clash: Option<i64> = conn
        .query_row(
            &format!("SELECT id FROM {table} WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2"),
            rusqlite::params![name, except],
            |r| r.get(0),
        )
        .optional()?;
    if clash.is_some() {
        return Err(Error::validation(
            "name",
            format!("Esiste già {a_thing} «{name}»."),
        ));
    }
    Ok(name)
}
