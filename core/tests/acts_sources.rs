//! Issue 20, the legal references of the acts checked at their source: every
//! document the app writes cites each checked law with the date and number
//! the source gives, and a decree-law with its conversion as the Gazzetta
//! Ufficiale states it. What was read where (see README, «Riferimenti
//! normativi verificati»):
//! - D.Lgs. 12 febbraio 1993, n. 39, art. 3, comma 2 (the autograph signature
//!   replaced by the printed name): Normattiva, text in force;
//! - D.L. 10 ottobre 2012, n. 174, art. 3 «Rafforzamento dei controlli in
//!   materia di enti locali» (it amends the D.Lgs. 18 agosto 2000, n. 267),
//!   «convertito con modificazioni dalla L. 7 dicembre 2012, n. 213»:
//!   Normattiva;
//! - D.M. 30 giugno 2022, n. 132, whose preamble cites the D.L. 9 giugno
//!   2021, n. 80, «convertito, con modificazioni, dalla legge 6 agosto 2021,
//!   n. 113»: the decree's text as published in the Gazzetta Ufficiale n. 209
//!   of 7 September 2022 (its art. 6 could not be read);
//! - L.R. 23 dicembre 2000, n. 30 «Norme sull'ordinamento degli enti locali»:
//!   the Gazzetta Ufficiale della Regione Siciliana n. 61 of 23 December 2000;
//! - L.R. 4 agosto 2015, n. 15, art. 12 «Sindaco metropolitano», comma 4:
//!   the law as reprinted in the Gazzetta Ufficiale, 3a serie speciale, of
//!   12 December 2015, and the ARS's text;
//! - L.R. 3 dicembre 1991, n. 44 «Nuove norme per il controllo sugli atti
//!   dei comuni, delle province e degli altri enti locali della Regione
//!   siciliana»: its title and date as the L.R. 5 dicembre 1991, n. 46 cites
//!   it (its artt. 11 and 12 could not be read).

mod common;

use common::docs::{docx_text, pdf_text};
use common::every_kind::{documents, Kind};

/// The regional laws by number and year, with the date their source gives.
const REGIONAL: [(&str, &str, &str); 6] = [
    ("44", "1991", "3 dicembre 1991"),
    ("48", "1991", "11 dicembre 1991"),
    ("7", "1992", "26 agosto 1992"),
    ("30", "2000", "23 dicembre 2000"),
    ("15", "2015", "4 agosto 2015"),
    ("26", "1993", "1° settembre 1993"),
];

/// State acts by the words that introduce them and their number and year,
/// with the date their source gives.
const STATE: [(&str, &str, &str, &str); 6] = [
    ("D.Lgs.", "39", "1993", "12 febbraio 1993"),
    ("D.L.", "174", "2012", "10 ottobre 2012"),
    ("legge", "213", "2012", "7 dicembre 2012"),
    ("D.L.", "80", "2021", "9 giugno 2021"),
    ("legge", "113", "2021", "6 agosto 2021"),
    ("D.M.", "132", "2022", "30 giugno 2022"),
];

/// A decree-law and the words of its conversion, as the Gazzetta states it.
const CONVERTED: [(&str, &str); 2] = [
    (
        "D.L. 10 ottobre 2012, n. 174",
        "convertito, con modificazioni, dalla legge 7 dicembre 2012, n. 213",
    ),
    (
        "D.L. 9 giugno 2021, n. 80",
        "convertito, con modificazioni, dalla legge 6 agosto 2021, n. 113",
    ),
];

/// Typographic apostrophes and every run of spaces as one, as read.
fn flat(s: &str) -> String {
    s.replace('’', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every citation «<intro> <date>, n. <number>» in `text`: (date, number).
fn citations<'a>(text: &'a str, intro: &str) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    let needle = format!("{intro} ");
    let mut from = 0;
    while let Some(at) = text[from..].find(&needle) {
        let start = from + at + needle.len();
        from = start;
        let rest = &text[start..];
        // The date: up to «, n. » within a few words.
        let Some(comma) = rest.find(", n. ") else {
            continue;
        };
        let date = &rest[..comma];
        if date.split(' ').count() != 3 {
            continue;
        }
        let number: &str = {
            let tail = &rest[comma + 5..];
            let end = tail
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(tail.len());
            &tail[..end]
        };
        out.push((date, number));
    }
    out
}

/// The wrong citations of the checked laws in one document's text.
fn wrong_citations(text: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    for (date, number) in citations(text, "L.R.") {
        for (n, year, right) in REGIONAL {
            if number == n && date.ends_with(year) && date != right {
                wrong.push(format!("L.R. {date}, n. {number} (è del {right})"));
            }
        }
    }
    for (intro, n, year, right) in STATE {
        for (date, number) in citations(text, intro) {
            if number == n && date.ends_with(year) && date != right {
                wrong.push(format!("{intro} {date}, n. {number} (è del {right})"));
            }
        }
    }
    for (decree, conversion) in CONVERTED {
        let mut from = 0;
        while let Some(at) = text[from..].find(decree) {
            let after = &text[from + at + decree.len()..];
            from += at + decree.len();
            if after.trim_start_matches(", ").starts_with("convertito")
                && !after.trim_start_matches(", ").starts_with(conversion)
            {
                let shown: String = after.chars().take(80).collect();
                wrong.push(format!("{decree}{shown} (è «{conversion}»)"));
            }
        }
    }
    wrong
}

#[test]
fn every_document_cites_the_checked_laws_with_their_dates_and_conversions() {
    let mut cited = 0;
    let mut wrong = Vec::new();
    for (name, kind, bytes) in documents() {
        let text = flat(&match kind {
            Kind::Pdf => pdf_text(&bytes, &[]),
            Kind::Docx => docx_text(&bytes),
        });
        cited += citations(&text, "L.R.").len();
        for w in wrong_citations(&text) {
            wrong.push(format!("{name}: {w}"));
        }
        // The D.L. 174/2012 and the D.L. 80/2021 are cited only with their
        // conversion.
        for (decree, _) in CONVERTED {
            for (at, _) in text.match_indices(decree) {
                let after = text[at + decree.len()..].trim_start_matches(", ");
                assert!(
                    after.starts_with("convertito"),
                    "{name}: «{decree}» without its conversion: «{}»",
                    after.chars().take(60).collect::<String>()
                );
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // The acts do cite regional laws: the scan has something to read.
    assert!(cited > 50, "{cited} citations of regional laws");
}

#[test]
fn the_scan_finds_a_wrong_date_and_a_conversion_without_its_words() {
    let text = flat(
        "ai sensi dell'art. 53 come modificato dall'art. 12 della L.R. 23 novembre 2000, n. 30, \
         e della L.R. 3 dicembre 1991, n. 44; il D.L. 9 giugno 2021, n. 80, convertito dalla legge \
         6 agosto 2021, n. 113; il D.Lgs. 12 febbraio 1993, n. 39; la L.R. 12 luglio 2011, n. 12.",
    );
    let wrong = wrong_citations(&text);
    assert_eq!(wrong.len(), 2, "{wrong:#?}");
    assert!(
        wrong[0].starts_with("L.R. 23 novembre 2000, n. 30"),
        "{wrong:#?}"
    );
    assert!(
        wrong[1].starts_with("D.L. 9 giugno 2021, n. 80"),
        "{wrong:#?}"
    );
}

/// The working group's act, flattened, as (PDF text, DOCX text).
fn act_texts(s: &cdp_core::Store, on: &str) -> (String, String) {
    use cdp_core::documents::Format;
    let on = chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap();
    (
        flat(&pdf_text(&s.org_act(on, false, Format::Pdf).unwrap(), &[])),
        flat(&docx_text(&s.org_act(on, false, Format::Docx).unwrap())),
    )
}

#[test]
fn the_working_group_act_becomes_a_decree_of_the_sindaco_metropolitano_by_a_setting() {
    use cdp_core::documents::Format;
    use cdp_core::organigram::act::ActKind;
    use cdp_core::organigram::files;
    let mut s = common::store();
    let mut st = s.settings().unwrap();
    st.signatory_name = "Maria Rossi".into();
    s.save_settings(&st).unwrap();

    // By default, the Segretario's determinazione.
    assert_eq!(s.org_act_kind().unwrap(), ActKind::GruppoLavoro);
    let (pdf, docx) = act_texts(&s, "2026-11-30");
    for t in [&pdf, &docx] {
        assert!(t.contains("DETERMINAZIONE DEL SEGRETARIO GENERALE"), "{t}");
        assert!(!t.contains("DECRETA"), "{t}");
    }

    // The setting: one action with its audit row, the decree's template.
    let audits = common::count(&s, "SELECT count(*) FROM audit");
    let t = s.set_org_act_kind(ActKind::GruppoLavoroDecreto).unwrap();
    assert_eq!(t.kind, ActKind::GruppoLavoroDecreto);
    assert_eq!(t.act_name, "Decreto del Sindaco metropolitano");
    assert!(t.is_default && t.body.contains("**DECRETA**"), "{}", t.body);
    assert_eq!(common::count(&s, "SELECT count(*) FROM audit"), audits + 1);
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM audit WHERE entity = 'settings' AND entity_id = 'org_act_kind'
             AND json_extract(after, '$.value') = 'gruppo_lavoro_decreto'"
        ),
        1
    );
    // Choosing the form already chosen changes nothing.
    s.set_org_act_kind(ActKind::GruppoLavoroDecreto).unwrap();
    assert_eq!(common::count(&s, "SELECT count(*) FROM audit"), audits + 1);

    // Heading, competence, formula and signatures of a decree.
    let (pdf, docx) = act_texts(&s, "2026-11-30");
    for t in [&pdf, &docx] {
        for needle in [
            "DECRETO DEL SINDACO METROPOLITANO",
            "IL SINDACO METROPOLITANO",
            "l'art. 12, comma 4, della L.R. 4 agosto 2015, n. 15, per il quale il Sindaco metropolitano compie tutti gli atti di amministrazione che dalla legge o dallo statuto non siano specificamente attribuiti ad altri organi della Città metropolitana, al segretario ed ai dirigenti della Città metropolitana;",
            "Ritenuta la propria competenza ai sensi del citato art. 12, comma 4, della L.R. 4 agosto 2015, n. 15",
            "Vista la proposta del Segretario Generale",
            "reso dal Segretario Generale ai sensi dell'art. 147-bis, comma 1, del D.Lgs. 18 agosto 2000, n. 267, introdotto dall'art. 3 del D.L. 10 ottobre 2012, n. 174, convertito, con modificazioni, dalla legge 7 dicembre 2012, n. 213",
            "DECRETA",
            "che costituisce parte integrante e sostanziale del presente decreto",
            "la loro sostituzione è disposta con decreto del Sindaco metropolitano, su designazione dei comuni della zona",
            "Il Sindaco metropolitano …………………………………",
            "PARERE DI REGOLARITÀ TECNICA",
            "Il Segretario Generale Maria Rossi",
            "Allegato A – Composizione del Gruppo di lavoro",
        ] {
            assert!(t.contains(&flat(needle)), "the decree lacks «{needle}»:\n{t}");
        }
        for gone in [
            "DETERMINAZIONE DEL SEGRETARIO GENERALE",
            "DETERMINA ",
            "presente determinazione",
            "art. 97, comma 4",
        ] {
            assert!(!t.contains(gone), "the decree still has «{gone}»");
        }
    }
    // The decree's name and the file proposed.
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let spec = files::act(s.org_act_kind().unwrap(), Format::Pdf, today);
    assert!(
        spec.name.starts_with("Decreto_gruppo_di_lavoro"),
        "{}",
        spec.name
    );
    assert!(spec.title.contains("decreto"), "{}", spec.title);

    // Each form keeps its own template: editing the decree leaves the
    // determinazione as shipped, and going back gives it again.
    let body = t
        .body
        .replace("**DECRETA**", "**DECRETA**\n\nSi provvede come segue.");
    let edited = s.save_org_act_template(&body, Some(&t.updated_at)).unwrap();
    assert!(!edited.is_default);
    let back = s.set_org_act_kind(ActKind::GruppoLavoro).unwrap();
    assert_eq!(back.kind, ActKind::GruppoLavoro);
    assert!(back.is_default, "the determinazione was not touched");
    let (pdf, _) = act_texts(&s, "2026-11-30");
    assert!(
        pdf.contains("DETERMINAZIONE DEL SEGRETARIO GENERALE"),
        "{pdf}"
    );
    let again = s.set_org_act_kind(ActKind::GruppoLavoroDecreto).unwrap();
    assert!(again.body.contains("Si provvede come segue."));
}

/// Two signature blocks side by side whose first lines wrap differently.
const SIDE_BY_SIDE: &str = "@titolo Prova\n# ATTO\n\nTesto dell'atto.\n\n\
::: firma\nPer la Città Metropolitana di Messina – Segreteria Generale, Ufficio di supporto alla Comunità di Pratiche\nIl Sindaco metropolitano o suo delegato\nMario Bianchi\n:::\n\n\
::: firma\nPer il Comune di Alì\nIl Sindaco o suo delegato\nGiuseppe Verdi\n:::\n";

/// The top (yMin) of each box of `word` in a PDF, from `pdftotext -bbox`.
fn tops(pdf: &[u8], word: &str) -> Vec<f32> {
    pdf_text(pdf, &["-bbox"])
        .lines()
        .filter(|l| l.trim_start().starts_with("<word ") && l.contains(&format!(">{word}</word>")))
        .filter_map(|l| {
            let at = l.find("yMin=\"")? + 6;
            l[at..at + l[at..].find('"')?].parse().ok()
        })
        .collect()
}

#[test]
fn signatures_side_by_side_keep_each_line_at_one_height_in_the_docx_as_in_the_pdf() {
    use cdp_core::documents::{markup, render, Format, Meta};
    use common::docs::docx_python;
    let doc = markup::parse(SIDE_BY_SIDE).unwrap();
    let meta = Meta::new("Prova", "Firme affiancate");
    let pdf = render(&doc, Format::Pdf, &meta).unwrap().bytes;
    let docx = render(&doc, Format::Docx, &meta).unwrap().bytes;

    // The PDF: the first line of the first block wraps; the second and third
    // lines of both blocks are at one height.
    for word in ["delegato", "Giuseppe"] {
        let mut y = tops(&pdf, word);
        if word == "Giuseppe" {
            y.extend(tops(&pdf, "Mario"));
        }
        assert_eq!(y.len(), 2, "{word}: {y:?}");
        assert!((y[0] - y[1]).abs() < 0.5, "{word} at {y:?}");
    }
    let metro = tops(&pdf, "Messina");
    let comune = tops(&pdf, "Alì");
    assert!(metro[0] == comune[0], "the first lines start together");

    // The DOCX: one table, one row per line, the same line of each block in
    // one row (Word and LibreOffice start a row's cells at one height), the
    // rows kept whole and together.
    let rows = docx_python(
        &docx,
        r#"
import sys, docx
d = docx.Document(sys.argv[1])
ns = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
for t in d.tables:
    for r in t.rows:
        cant = r._tr.find(ns + 'trPr') is not None and r._tr.find(ns + 'trPr').find(ns + 'cantSplit') is not None
        keep = all(p.paragraph_format.keep_with_next for c in r.cells for p in c.paragraphs)
        print(' | '.join(c.text for c in r.cells) + f' [{cant} {keep}]')
"#,
        &[],
    );
    let rows: Vec<&str> = rows.lines().collect();
    assert_eq!(
        rows,
        [
            "Per la Città Metropolitana di Messina – Segreteria Generale, Ufficio di supporto alla Comunità di Pratiche | Per il Comune di Alì [True True]",
            "Il Sindaco metropolitano o suo delegato | Il Sindaco o suo delegato [True True]",
            "Mario Bianchi | Giuseppe Verdi [True False]",
        ],
        "{rows:#?}"
    );
}
