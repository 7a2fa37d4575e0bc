//! Issue 20, «The adhesion acts» and «The working group's act»: each
//! correction a Sicilian secretary would otherwise make by hand, read back
//! from the documents of four comuni (Alì under 5,000 inhabitants, Messina,
//! two long names) with pdftotext and python-docx; and the newer default
//! templates reaching an archive where the user had not edited them.

mod common;

use cdp_core::adhesion::documents::DocKind;
use cdp_core::documents::store::TemplateKind;
use cdp_core::documents::Format;
use cdp_core::organigram::act::ActKind;
use cdp_core::Store;
use chrono::NaiveDate;
use common::docs::{docx_text, pdf_text};

const COMUNI: [(&str, &str); 4] = [
    ("083002", "Alì"),
    ("083048", "Messina"),
    ("083084", "Sant'Agata di Militello"),
    ("083005", "Barcellona Pozzo di Gotto"),
];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Typographic apostrophes and every run of spaces as one, as read.
fn flat(s: &str) -> String {
    s.replace('’', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A document of a comune, dated, as (PDF text, DOCX text), flattened.
fn texts(s: &Store, kind: DocKind, istat: &str, date: &str) -> (String, String, Vec<u8>) {
    let job = s
        .render_job(kind, None, Some(istat))
        .unwrap()
        .dated(Some(d(date)));
    let pdf = job.render(Format::Pdf).unwrap().bytes;
    let docx = job.render(Format::Docx).unwrap().bytes;
    (flat(&pdf_text(&pdf, &[])), flat(&docx_text(&docx)), pdf)
}

/// Each needle in both the PDF and the DOCX.
fn both(pdf: &str, docx: &str, needles: &[&str], what: &str) {
    for n in needles {
        let n = flat(n);
        assert!(pdf.contains(&n), "{what} PDF lacks «{n}»:\n{pdf}");
        assert!(docx.contains(&n), "{what} DOCX lacks «{n}»:\n{docx}");
    }
}

fn neither(pdf: &str, docx: &str, needles: &[&str], what: &str) {
    for n in needles {
        let n = flat(n);
        assert!(!pdf.contains(&n), "{what} PDF still has «{n}»");
        assert!(!docx.contains(&n), "{what} DOCX still has «{n}»");
    }
}

/// The Visti the acts rely on, by name.
const VISTI: [&str; 5] = [
    "la L.R. 11 dicembre 1991, n. 48, che recepisce nell'ordinamento regionale le norme della legge 8 giugno 1990, n. 142;",
    "la L.R. 3 dicembre 1991, n. 44, e la L.R. 26 agosto 1992, n. 7;",
    "la legge 6 novembre 2012, n. 190, e il D.Lgs. 14 marzo 2013, n. 33;",
    "il Piano integrato di attività e organizzazione (PIAO) del Comune in vigore, e in particolare la sottosezione 2.3 «Rischi corruttivi e trasparenza»;",
    "lo Statuto comunale e il vigente Regolamento sull'ordinamento degli uffici e dei servizi;",
];

#[test]
fn the_acts_cite_the_pna_in_force_at_their_date() {
    let s = common::store();
    for (istat, name) in COMUNI {
        for kind in [DocKind::DeliberaGiunta, DocKind::DecretoSindacale] {
            let (pdf, docx, _) = texts(&s, kind, istat, "2026-12-01");
            both(
                &pdf,
                &docx,
                &["il Piano Nazionale Anticorruzione 2025, approvato dall'Autorità Nazionale Anticorruzione (ANAC) con delibera n. 19 del 28 gennaio 2026, costituisce atto di indirizzo"],
                name,
            );
            neither(
                &pdf,
                &docx,
                &[
                    "Piano Nazionale Anticorruzione 2022",
                    "delibera n. 7 del 17 gennaio 2023",
                    "delibera n. 31 del 30 gennaio 2025",
                ],
                name,
            );
            // An act dated before the PNA 2025 cites the PNA 2022.
            let (pdf, docx, _) = texts(&s, kind, istat, "2026-01-27");
            both(
                &pdf,
                &docx,
                &["il Piano Nazionale Anticorruzione 2022, approvato dall'Autorità Nazionale Anticorruzione (ANAC) con delibera n. 7 del 17 gennaio 2023"],
                name,
            );
            // With it, its 2024 update for the comuni under 5,000 inhabitants (Alì).
            assert_eq!(
                pdf.contains("l'Aggiornamento 2024 al Piano Nazionale Anticorruzione 2022, approvato dall'ANAC con delibera n. 31 del 30 gennaio 2025, fornisce ai comuni con popolazione inferiore a 5.000 abitanti"),
                istat == "083002",
                "{name}"
            );
        }
    }
    // The working group's act too, at the date of its composition.
    let act = flat(&pdf_text(
        &s.org_act(d("2026-11-30"), false, Format::Pdf).unwrap(),
        &[],
    ));
    assert!(act.contains("Piano Nazionale Anticorruzione 2025, approvato dall'Autorità Nazionale Anticorruzione (ANAC) con delibera n. 19 del 28 gennaio 2026"), "{act}");
}

#[test]
fn the_giunta_proposal_gives_its_bases_and_keeps_each_parere_with_its_signature() {
    let s = common::store();
    for (istat, name) in COMUNI {
        let (pdf, docx, bytes) = texts(&s, DocKind::DeliberaGiunta, istat, "2026-12-01");
        both(&pdf, &docx, &VISTI, name);
        neither(
            &pdf,
            &docx,
            &[
                "l'Ordinamento amministrativo degli enti locali vigente",
                "ai sensi dello Statuto comunale;",
                "come recepito dalla L.R. 11 dicembre 1991, n. 48, e modificato dalla L.R.",
            ],
            name,
        );
        both(
            &pdf,
            &docx,
            &[
                // The Giunta's competence: the Statute's article, a blank.
                "ai sensi dell'art. ………… dello Statuto comunale, che attribuisce alla Giunta l'approvazione degli accordi con altre amministrazioni pubbliche;",
                // Immediata esecutività with its basis and its reason.
                "di dichiarare la deliberazione immediatamente esecutiva, ai sensi dell'art. 12, comma 2, della L.R. 3 dicembre 1991, n. 44, per consentire al Comune di partecipare alla prossima riunione della rete, fissata per il …………………",
                // Publication: fifteen days, art. 11 L.R. 44/1991 beside art. 32 L. 69/2009.
                "all'albo pretorio online per quindici giorni consecutivi, ai sensi dell'art. 11 della L.R. 3 dicembre 1991, n. 44, e dell'art. 32 della legge 18 giugno 2009, n. 69",
                // The follow-up entrusted to the office.
                "di demandare al Responsabile dell'ufficio proponente",
                // Pareri: art. 12 L.R. 30/2000, art. 53's words, the technical one's signatory.
                "come recepito dalla L.R. 11 dicembre 1991, n. 48, e modificato dall'art. 12 della L.R. 23 dicembre 2000, n. 30",
                "Parere di regolarità contabile. Non dovuto, poiché la proposta non comporta impegno di spesa o diminuzione di entrata.",
                "Il Responsabile del servizio interessato",
            ],
            name,
        );
        // In the DOCX each parere keeps with its «lì», which keeps with the signature.
        let docx_bytes = s
            .render_job(DocKind::DeliberaGiunta, None, Some(istat))
            .unwrap()
            .render(Format::Docx)
            .unwrap()
            .bytes;
        let keeps = common::docs::docx_python(
            &docx_bytes,
            r#"
import sys, docx
ps = docx.Document(sys.argv[1]).paragraphs
for i, p in enumerate(ps):
    if p.text.startswith('Parere di regolarità'):
        print(p.paragraph_format.keep_with_next, ps[i + 1].paragraph_format.keep_with_next)
"#,
            &[],
        );
        assert_eq!(keeps.trim(), "True True\nTrue True", "{name}");
        // Each parere on one page with its «lì» and its signature.
        let pages: Vec<String> = pdf_text(&bytes, &[]).split('\u{c}').map(flat).collect();
        for (parere, signatory) in [
            (
                "Parere di regolarità tecnica.",
                "Il Responsabile del servizio interessato",
            ),
            (
                "Parere di regolarità contabile.",
                "Il Responsabile del servizio finanziario",
            ),
        ] {
            let page = pages.iter().find(|p| p.contains(parere)).unwrap();
            let rest = &page[page.find(parere).unwrap()..];
            assert!(
                rest.contains(&format!("{}, lì", flat(name))) && rest.contains(signatory),
                "{name}: «{parere}» parted from its date or signature:\n{page}"
            );
        }
    }
}

#[test]
fn the_sindaco_decree_names_its_responsabile_and_its_laws() {
    let s = common::store();
    for (istat, name) in COMUNI {
        let (pdf, docx, _) = texts(&s, DocKind::DecretoSindacale, istat, "2026-12-01");
        both(&pdf, &docx, &VISTI, name);
        both(
            &pdf,
            &docx,
            &[
                "il responsabile del procedimento, …………………………………, ha dichiarato di non trovarsi in situazioni di conflitto di interessi",
                "come integrato dall'art. 41 della L.R. 1° settembre 1993, n. 26",
                "di demandare al Responsabile dell'ufficio proponente",
            ],
            name,
        );
        neither(
            &pdf,
            &docx,
            &[
                "L.R. 1 settembre 1993",
                "l'Ordinamento amministrativo degli enti locali vigente",
            ],
            name,
        );
        // The responsabile del procedimento, a blank in the act's table.
        assert!(
            pdf.contains("Responsabile del procedimento …………………………………"),
            "{name}"
        );
        assert!(
            docx.contains("Responsabile del procedimento | …………………………………"),
            "{name}"
        );
    }
}

#[test]
fn the_letter_speaks_as_the_citta_metropolitana_with_one_date() {
    let s = common::store();
    for (istat, name) in COMUNI {
        let (pdf, docx, _) = texts(&s, DocKind::Lettera, istat, "2026-12-01");
        both(
            &pdf,
            &docx,
            &[
                "Prot. n. ……………… del 1° dicembre 2026",
                "questa Città Metropolitana ha invitato codesto Comune ad aderire",
                "Per agevolare gli adempimenti di codesto Comune",
            ],
            name,
        );
        neither(
            &pdf,
            &docx,
            &["Messina, lì", "dell'Ente si trasmettono"],
            name,
        );
        assert_eq!(
            pdf.matches("1° dicembre 2026").count(),
            1,
            "{name}: one date"
        );
    }
}

#[test]
fn the_protocollo_says_the_role_of_the_citta_metropolitana_and_signs_on_one_line() {
    let s = common::store();
    for (istat, name) in COMUNI {
        let (pdf, docx, bytes) = texts(&s, DocKind::SchemaProtocollo, istat, "2026-12-01");
        both(
            &pdf,
            &docx,
            &[
                "la legge 7 aprile 2014, n. 56, e la L.R. 4 agosto 2015, n. 15, affidano alla Città Metropolitana, quale ente di area vasta, funzioni di coordinamento e di supporto ai comuni del proprio territorio",
                "rappresentata dal Sindaco metropolitano o da un suo delegato",
                "Il Sindaco metropolitano o suo delegato",
                "Il Sindaco o suo delegato",
            ],
            name,
        );
        // Both signatories at the same height, line by line.
        let layout = pdf_text(&bytes, &["-layout"]);
        for (left, right) in [
            ("Per la Città Metropolitana", "Per il Comune di"),
            (
                "Il Sindaco metropolitano o suo delegato",
                "Il Sindaco o suo delegato",
            ),
        ] {
            let line = layout.lines().find(|l| l.contains(left)).unwrap();
            assert!(line.contains(right), "{name}: «{line}»");
        }
        // No article heading at the foot of a page.
        for page in pdf_text(&bytes, &[]).split('\u{c}') {
            let lines: Vec<&str> = page
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("Pagina "))
                .collect();
            if let Some(last) = lines.last() {
                assert!(!last.starts_with("Art. "), "{name}: «{last}» ends a page");
            }
        }
    }
}

#[test]
fn the_working_group_act_gives_the_competence_the_designations_and_the_remedies() {
    use common::organigram::{external, role, unit_id};
    use common::registry::{rpct, ReferentBuilder};
    let mut s = common::store();
    let mut st = s.settings().unwrap();
    st.signatory_name = "Maria Rossi".into();
    s.save_settings(&st).unwrap();
    // A zone referent (the RPCT of Lipari), a professor of the University
    // in the Segreteria tecnica, the RPCT of Alì in the Coordinamento.
    let lipari = s
        .add_referent("083041", &rpct("Bartolo Famularo").since("2023-05-01"))
        .unwrap()
        .id;
    let eolie = common::registry::zone(&s, "Isole Eolie").id;
    s.set_zone_referent(eolie, Some(lipari), None).unwrap();
    let seg = unit_id(&s, "Segreteria tecnica");
    s.add_org_role(&role(
        seg,
        external("Anna Bellomo", None),
        "Responsabile",
        "2025-01-01",
        None,
    ))
    .unwrap();
    let ali = s
        .add_referent("083002", &rpct("Giuseppe D'Amico").since("2023-05-01"))
        .unwrap()
        .id;
    let coord = unit_id(&s, "Coordinamento");
    s.add_org_role(&role(
        coord,
        cdp_core::organigram::PersonChoice::Referent { referent_id: ali },
        "Componente",
        "2026-03-01",
        None,
    ))
    .unwrap();
    let on = d("2026-11-30");
    let pdf_bytes = s.org_act(on, false, Format::Pdf).unwrap();
    let pdf = flat(&pdf_text(&pdf_bytes, &[]));
    let docx = flat(&docx_text(&s.org_act(on, false, Format::Docx).unwrap()));
    both(
        &pdf,
        &docx,
        &[
            "l'art. 97, comma 4, lettera d), del D.Lgs. 18 agosto 2000, n. 267",
            "l'art. ____ del Regolamento sull'ordinamento degli uffici e dei servizi ovvero il decreto del Sindaco metropolitano n. ____ del ____, che affida al Segretario Generale il coordinamento della «Comunità di Pratiche»;",
            "l'art. 1, comma 7, della legge 6 novembre 2012, n. 190",
            "art. 147-bis del D.Lgs. 18 agosto 2000, n. 267, introdotto dall'art. 3 del D.L. 10 ottobre 2012, n. 174, convertito, con modificazioni, dalla legge 7 dicembre 2012, n. 213",
            "la loro sostituzione è disposta con determinazione del Segretario Generale, su designazione dei comuni della zona",
            "Tribunale Amministrativo Regionale per la Sicilia, sezione staccata di Catania",
            "decorrenti dalla pubblicazione o dalla piena conoscenza dell'atto",
            "con decorrenza dal 30 novembre 2026",
            "Composizione al 30 novembre 2026.",
            "Zona omogenea «Isole Eolie»",
            // External members on the designation of their entity, per member.
            "su designazione dell'ente di appartenenza (nota prot. n. ____ del ____)",
            "su designazione dei comuni della zona (nota prot. n. ____ del ____)",
            "Giuseppe D'Amico, Componente – Comune di Alì, su designazione del Comune ai sensi del Protocollo d'intesa (nota prot. n. ____ del ____)",
            "Anna Bellomo, Responsabile – Università degli Studi di Messina, su designazione dell'ente di appartenenza",
            "Zona omogenea «Isole Eolie»: Bartolo Famularo, Referente di zona – Comune di Lipari, su designazione dei comuni della zona",
        ],
        "determinazione",
    );
    neither(
        &pdf,
        &docx,
        &[
            "recepito",
            "rientra nei compiti d'ufficio",
            "TAR Sicilia",
            "30/11/2026",
            "(Zone omogenee)",
        ],
        "determinazione",
    );
    // The Ente's own staff need no designation.
    assert!(
        pdf.contains("Maria Rossi, Segretario Generale – Città Metropolitana di Messina."),
        "{pdf}"
    );
    // No proper name broken by a hyphen at a line's end.
    for line in pdf_text(&pdf_bytes, &[]).lines() {
        let line = line.trim_end();
        if let Some(head) = line.strip_suffix('-') {
            let word = head.rsplit(' ').next().unwrap_or(head);
            assert!(
                !word.chars().next().is_some_and(char::is_uppercase),
                "«{line}»"
            );
        }
    }
}

#[test]
fn a_newer_default_reaches_unedited_templates_and_an_edited_one_is_kept_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archivio.sqlite3");
    {
        let s = Store::open(&path).unwrap();
        // An archive of before this change: the older defaults stored as
        // shipped (the Giunta proposal, the act of the group), one restored
        // from the shipped default (the decree), and the letter edited.
        s.connection()
            .execute_batch(
                "INSERT INTO template_version (kind, version, body, origin, source, created_at, operator) VALUES
                 ('delibera_giunta', 1, '# Predefinito 2026.2', 'default', '2026.2', '2026-01-01T00:00:00Z', 'x'),
                 ('decreto_sindacale', 1, '# Mio decreto', 'edit', NULL, '2026-01-01T00:00:00Z', 'x'),
                 ('decreto_sindacale', 2, '# Predefinito 2026.2', 'restore', 'predefinito 2026.2', '2026-01-02T00:00:00Z', 'x'),
                 ('lettera', 1, '# Predefinito 2026.2', 'default', '2026.2', '2026-01-01T00:00:00Z', 'x'),
                 ('lettera', 2, '# Lettera della segreteria', 'edit', NULL, '2026-02-01T00:00:00Z', 'x'),
                 ('gruppo_lavoro', 1, '# Predefinito 2', 'default', '2', '2026-01-01T00:00:00Z', 'x');",
            )
            .unwrap();
        s.close().unwrap();
    }
    let s = Store::open(&path).unwrap();
    let stored = |kind: &str| -> (i64, String, String) {
        s.connection()
            .query_row(
                "SELECT version, origin, body FROM template_version WHERE kind = ?1 ORDER BY version DESC LIMIT 1",
                [kind],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    };
    for (kind, body, version) in [
        (
            DocKind::DeliberaGiunta.key(),
            DocKind::DeliberaGiunta.default_body(),
            2,
        ),
        (
            DocKind::DecretoSindacale.key(),
            DocKind::DecretoSindacale.default_body(),
            3,
        ),
        (
            ActKind::GruppoLavoro.key(),
            ActKind::GruppoLavoro.default_body(),
            2,
        ),
    ] {
        assert_eq!(
            stored(kind),
            (version, "default".into(), body.into()),
            "{kind}"
        );
        let audit: i64 = s
            .connection()
            .query_row(
                "SELECT count(*) FROM audit WHERE action = 'upgrade' AND entity_id = ?1",
                [kind],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audit, 1, "{kind}: one audit row");
    }
    // The edited letter stays as it is, and says a newer default exists.
    assert_eq!(stored("lettera").2, "# Lettera della segreteria");
    let l = s.template(DocKind::Lettera).unwrap();
    assert!(l.newer_default && !l.is_default);
    // A kind never stored is the shipped default already: nothing added.
    let none: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM template_version WHERE kind = 'schema_protocollo'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(none, 0);
    // Opening again adds nothing.
    s.close().unwrap();
    let s = Store::open(&path).unwrap();
    let upgrades: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'upgrade'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(upgrades, 3);
}
