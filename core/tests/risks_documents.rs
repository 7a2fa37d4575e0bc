//! Rischi e misure, documents (issue 12): the scheda misura of the catalogue
//! and as adopted by a comune, the whole catalogue with its table of contents
//! and landscape register, a comune's annex to section 2.3 of the PIAO; PDF/A
//! checked with pdftotext, qpdf and pdffonts, DOCX with python-docx. With
//! RISKS_SAMPLE_DIR set, the files are kept there to be looked at.

mod common;

use common::docs::{self, docx_text};
use std::path::{Path, PathBuf};

use cdp_core::documents::Format;
use cdp_core::risks::*;
use cdp_core::Store;

const TODAY: &str = "2027-05-15";

fn out_dir() -> (Option<tempfile::TempDir>, PathBuf) {
    docs::sample_dir("RISKS_SAMPLE_DIR")
}

/// The text of a PDF, whitespace collapsed to single spaces.
fn pdf_text(path: &Path) -> String {
    docs::pdf_text(path, &[])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn check_pdf(path: &Path) {
    docs::qpdf_ok(path);
    let fonts = docs::pdffonts(path);
    for line in fonts.lines().skip(2) {
        assert!(line.contains(" yes "), "font not embedded: {line}");
    }
}

/// A comune that adopted the first specific measure with a rated event, with
/// one monitoring entry.
fn adopted(s: &mut Store) -> (i64, String, Measure) {
    let m = s
        .risk_measures(&CatalogueFilter {
            general: Some(false),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|r| s.risk_measure(r.id).unwrap())
        .find(|m| m.events.iter().any(|e| e.level.is_some()))
        .expect("a specific measure treating a rated event");
    let istat: String = s
        .connection()
        .query_row(
            "SELECT istat FROM comune WHERE name = 'Sant''Agata di Militello'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    s.save_risk_context(
        &istat,
        &ContextInput {
            employees: Some(42),
            segretario_convenzione: true,
            convenzione_with: "Comune di Torrenova".into(),
            units: "Area amministrativa; Area economico-finanziaria; Area tecnica".into(),
            problems: "Un solo istruttore tecnico per edilizia e lavori pubblici.".into(),
            notes: String::new(),
            version: None,
        },
    )
    .unwrap();
    common::risks::adopt_on(s, "2027-01-10", std::slice::from_ref(&istat), &[m.id]);
    let a = s.risk_plan(&istat).unwrap().adoptions[0].clone();
    s.record_risk_monitoring(
        a.id,
        &MonitoringInput {
            date: "2027-04-30".into(),
            state: MeasureState::InCorso,
            motivazione: "Primo controllo eseguito; verbale trasmesso al RPCT.".into(),
            // The targets due by then reached (a missed target is late),
            // the others still at their starting value.
            values: a
                .indicators
                .iter()
                .map(|i| {
                    Some(if i.target_date.as_str() <= "2027-04-30" {
                        i.target.clone()
                    } else {
                        i.baseline.clone()
                    })
                })
                .collect(),
            version: None,
        },
    )
    .unwrap();
    (a.id, istat, m)
}

#[test]
fn the_scheda_misura_as_pdf_a_and_docx() {
    let mut s = common::store_on(TODAY);
    let (_, istat, m) = adopted(&mut s);
    let (_keep, dir) = out_dir();

    // Of the catalogue.
    let pdf = dir.join("scheda_catalogo.pdf");
    std::fs::write(&pdf, s.risk_scheda(m.id, None, Format::Pdf).unwrap()).unwrap();
    check_pdf(&pdf);
    let text = pdf_text(&pdf);
    assert!(text.contains("Città Metropolitana di Messina"), "{text}");
    assert!(text.contains("Comunità di Pratiche"));
    assert!(text.contains("SCHEDA MISURA"));
    assert!(text.contains(&m.code));
    for f in [
        "Area di rischio",
        "Processo",
        "Tipologia",
        "Eventi rischiosi e fattori abilitanti",
        "Valutazione del rischio",
        "Giudizio complessivo",
        "Programmazione",
        "Indicatori di monitoraggio",
        "Valori attesi",
        "Stato del monitoraggio",
        "adottata da 1 comune",
    ] {
        assert!(text.contains(f), "«{f}» missing in\n{text}");
    }
    let first_event = &m.events[0];
    let words: Vec<&str> = first_event.description.split_whitespace().take(4).collect();
    assert!(text.contains(&words.join(" ")), "event text in\n{text}");

    // As adopted by the comune: the comune in the header and the monitoring.
    let pdf = dir.join("scheda_comune.pdf");
    std::fs::write(
        &pdf,
        s.risk_scheda(m.id, Some(&istat), Format::Pdf).unwrap(),
    )
    .unwrap();
    check_pdf(&pdf);
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Comune di Sant’Agata di Militello")
            || text.contains("Comune di Sant'Agata di Militello"),
        "{text}"
    );
    assert!(text.contains("in corso"));
    assert!(text.contains("30/04/2027"));
    assert!(text.contains("Primo controllo eseguito"));

    let docx = dir.join("scheda_comune.docx");
    std::fs::write(
        &docx,
        s.risk_scheda(m.id, Some(&istat), Format::Docx).unwrap(),
    )
    .unwrap();
    let t = docx_text(&docx);
    assert!(t.contains("Programmazione"), "{t}");
    assert!(
        t.contains("Indicatore (Box 8 ANAC) | Livello di rischio | Motivazione"),
        "{t}"
    );
    assert!(t.contains("Primo controllo eseguito"), "{t}");
    assert!(t.contains(&m.title), "{t}");
}

#[test]
fn the_catalogue_with_its_contents_and_register_and_the_annex() {
    let mut s = common::store_on(TODAY);
    let (_, istat, m) = adopted(&mut s);
    let (_keep, dir) = out_dir();
    let pdf = dir.join("catalogo.pdf");
    std::fs::write(&pdf, s.risk_catalogue_document(Format::Pdf).unwrap()).unwrap();
    check_pdf(&pdf);
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Indice") || text.contains("Sommario"),
        "a table of contents"
    );
    assert!(text.contains("Misure generali"));
    assert!(text.contains("Registro dei rischi"));
    assert!(text.contains("Contratti pubblici"));
    let info = docs::pdf_info(&pdf, &[]);
    assert!(info.contains("Pages:"), "{info}");
    // The register's pages are landscape.
    let sizes = docs::pdf_info(&pdf, &["-f", "1", "-l", "999"]);
    assert!(sizes.contains("841.89 x 595.276"), "{sizes}");

    let docx = dir.join("catalogo.docx");
    std::fs::write(&docx, s.risk_catalogue_document(Format::Docx).unwrap()).unwrap();
    let t = docx_text(&docx);
    assert!(t.contains("Registro dei rischi"), "register in the DOCX");
    assert!(t.contains(
        "Processo | Evento rischioso | Fattori abilitanti | Livello di rischio | Misure"
    ));
    // Accents exact, in the PDF's text too.
    assert!(text.contains("Città Metropolitana di Messina – Segreteria Generale"));
    assert!(text.contains("Comunità di Pratiche dei RPCT"));
    assert!(text.contains("attività") || text.contains("è"));

    let annex = dir.join("allegato.pdf");
    std::fs::write(&annex, s.risk_annex(&istat, Format::Pdf).unwrap()).unwrap();
    check_pdf(&annex);
    let text = pdf_text(&annex);
    assert!(text.contains("2.3"), "{text}");
    assert!(text.contains(&m.code));
    assert!(text.contains("Comune di Torrenova"));
    assert!(text.contains("Registro dei rischi"));
    let docx = dir.join("allegato.docx");
    std::fs::write(&docx, s.risk_annex(&istat, Format::Docx).unwrap()).unwrap();
    assert!(docx_text(&docx).contains(&m.title));
}

/// The text of the catalogue's scheda of `code`: from its heading to the next
/// measure's heading (or the register).
fn catalogue_scheda<'a>(text: &'a str, code: &str, next: &str) -> &'a str {
    let body = &text[text.rfind(&format!("{code} ·")).expect(code)..];
    match body[1..].find(next) {
        Some(i) => &body[..i + 1],
        None => body,
    }
}

#[test]
fn every_scheda_of_the_catalogue_carries_the_rating_of_its_events() {
    let s = common::store_on(TODAY);
    let (_keep, dir) = out_dir();
    let pdf = dir.join("catalogo_valutazione.pdf");
    std::fs::write(&pdf, s.risk_catalogue_document(Format::Pdf).unwrap()).unwrap();
    let text = pdf_text(&pdf);
    // A specific measure with rated events: its scheda has the six Box 8
    // indicators and the overall judgement with its motivazione.
    let m = s
        .risk_measures(&CatalogueFilter::default())
        .unwrap()
        .into_iter()
        .map(|r| s.risk_measure(r.id).unwrap())
        .find(|m| m.code == "M-S-001")
        .unwrap();
    let ev = s.risk_event(m.events[0].id).unwrap();
    let r = ev.rating.as_ref().expect("E-001 rated");
    let scheda = catalogue_scheda(&text, "M-S-001", "M-S-002 ·");
    assert!(scheda.contains("Valutazione del rischio"), "{scheda}");
    for ind in [
        "Livello di interesse «esterno»",
        "Opacità del processo decisionale",
        "Grado di attuazione delle misure di tratta",
    ] {
        assert!(scheda.contains(ind), "«{ind}» missing in\n{scheda}");
    }
    assert!(scheda.contains("Giudizio complessivo"), "{scheda}");
    let words: Vec<&str> = r.motivazione.split_whitespace().take(5).collect();
    assert!(scheda.contains(&words.join(" ")), "{scheda}");
    // Every specific measure treating a rated event has it (a general
    // measure is cross-cutting: its card gives the events' levels, their
    // full rating is with the specific measures, issue 20).
    let n_rated = s
        .risk_measures(&CatalogueFilter::default())
        .unwrap()
        .into_iter()
        .map(|r| s.risk_measure(r.id).unwrap())
        .filter(|m| !m.general && m.events.iter().any(|e| e.level.is_some()))
        .count();
    assert!(
        text.matches("Valutazione del rischio").count() >= n_rated,
        "{} ratings for {n_rated} measures",
        text.matches("Valutazione del rischio").count()
    );
}

#[test]
fn the_annex_is_ready_for_the_giunta_and_lists_only_the_comune_s_measures() {
    let mut s = common::store_on(TODAY);
    let (_, istat, m) = adopted(&mut s);
    // The comune also rates an event none of its measures treats.
    let other = s
        .risk_measures(&CatalogueFilter::default())
        .unwrap()
        .into_iter()
        .map(|r| s.risk_measure(r.id).unwrap())
        .flat_map(|x| x.events)
        .find(|e| !m.events.iter().any(|me| me.id == e.id))
        .unwrap();
    let r = s.risk_event(other.id).unwrap().rating.expect("rated event");
    s.rate_risk_event_for_comune(&istat, other.id, &r, None)
        .unwrap();
    let (_keep, dir) = out_dir();
    let annex = dir.join("allegato_giunta.pdf");
    std::fs::write(&annex, s.risk_annex(&istat, Format::Pdf).unwrap()).unwrap();
    check_pdf(&annex);
    let text = pdf_text(&annex);
    // No RPCT in the registry: a blank to fill, not «non indicato».
    assert!(
        text.contains("RPCT ____________________ (da indicare nell'anagrafe dei referenti)"),
        "{text}"
    );
    assert!(!text.contains("non indicato"), "{text}");
    assert!(
        text.contains(
            "Allegato alla deliberazione della Giunta Municipale n. ____ del ____ di approvazione del PIAO"
        ),
        "{text}"
    );
    assert!(text.contains("15/05/2027"), "date line in\n{text}");
    // The register lists only the adopted measure (M-S-001), not the
    // catalogue's other measures for E-002.
    let register = &text[text.rfind("Registro dei rischi").unwrap()..];
    assert!(register.contains(&m.code), "{register}");
    for code in ["M-G-02", "M-G-11", "M-S-002"] {
        assert!(
            !register.contains(code),
            "{code} not adopted, in\n{register}"
        );
    }
    assert!(register.contains(&other.code), "{register}");
    assert!(register.contains("nessuna misura adottata"), "{register}");
    // The indicators with their expected values.
    assert!(text.contains("Indicatori e valori attesi"), "{text}");
    let ind = &m.indicators[0];
    let words: Vec<&str> = ind.name.split_whitespace().take(3).collect();
    assert!(text.contains(&words.join(" ")), "{text}");
}

#[test]
fn the_scheda_of_a_comune_says_in_ritardo_as_the_late_list_does() {
    let mut s = common::store_on(TODAY);
    let (_, istat, m) = adopted(&mut s);
    let (_keep, dir) = out_dir();
    // On TODAY the last monitoring (30/04/2027) follows the first phase
    // (31/03/2027): not late.
    let pdf = dir.join("scheda_in_tempo.pdf");
    std::fs::write(
        &pdf,
        s.risk_scheda(m.id, Some(&istat), Format::Pdf).unwrap(),
    )
    .unwrap();
    let text = pdf_text(&pdf);
    assert!(s.risk_late(Some(&istat)).unwrap().is_empty());
    assert!(text.contains("Stato di attuazione in corso"), "{text}");
    assert!(!text.contains("in ritardo"), "{text}");
    // On 15/08/2027 the second phase (31/07/2027) is past with no monitoring
    // after it: the late list has it and the scheda's state reads so.
    common::set_today(&mut s, "2027-08-15");
    assert_eq!(s.risk_late(Some(&istat)).unwrap().len(), 1);
    let pdf = dir.join("scheda_in_ritardo.pdf");
    std::fs::write(
        &pdf,
        s.risk_scheda(m.id, Some(&istat), Format::Pdf).unwrap(),
    )
    .unwrap();
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Stato di attuazione in ritardo (ultimo stato registrato: in corso)"),
        "{text}"
    );
    assert!(text.contains("31/07/2027"), "{text}");
}

#[test]
fn the_pna_of_delibera_19_2026_is_cited_as_the_pna_2025() {
    let mut s = common::store_on(TODAY);
    let v = s.risk_vocabulary().unwrap();
    let pna = v.sources.iter().find(|x| x.code == "PNA2026").unwrap();
    assert_eq!(
        pna.citation,
        "ANAC, Piano Nazionale Anticorruzione 2025 (delibera n. 19 del 28 gennaio 2026)"
    );
    assert!(!CATALOGUE_JSON.contains("2026-2028"));
    // An archive seeded with the old wording is corrected when opened.
    s.connection()
        .execute(
            "UPDATE risk_source SET citation = 'ANAC, Piano Nazionale Anticorruzione 2026-2028 (delibera n. 19 del 28 gennaio 2026)' WHERE code = 'PNA2026'",
            [],
        )
        .unwrap();
    s.seed_risks_if_empty().unwrap();
    assert_eq!(
        s.risk_vocabulary()
            .unwrap()
            .sources
            .iter()
            .find(|x| x.code == "PNA2026")
            .unwrap()
            .citation,
        PNA2025_CITATION
    );
    // The scheda of a measure citing it.
    let m = s
        .risk_measures(&CatalogueFilter::default())
        .unwrap()
        .into_iter()
        .map(|r| s.risk_measure(r.id).unwrap())
        .find(|m| m.source.contains("PNA2026"))
        .unwrap();
    let (_keep, dir) = out_dir();
    let pdf = dir.join("scheda_fonti.pdf");
    std::fs::write(&pdf, s.risk_scheda(m.id, None, Format::Pdf).unwrap()).unwrap();
    let text = pdf_text(&pdf).replace("- ", "");
    assert!(!text.contains("2026-2028"), "{text}");
    assert!(
        text.contains("Piano Nazionale Anticorruzione 2025 (delibera n. 19 del 28 gennaio 2026)"),
        "{text}"
    );
}

#[test]
fn documents_speak_the_secretary_s_words() {
    let mut s = common::store_on(TODAY);
    let (_, istat, m) = adopted(&mut s);
    assert_eq!(m.code, "M-S-001");
    let (_keep, dir) = out_dir();
    for (name, bytes, header) in [
        (
            "parole_scheda.pdf",
            s.risk_scheda(m.id, None, Format::Pdf).unwrap(),
            "Città Metropolitana di Messina – Segreteria Generale",
        ),
        (
            "parole_scheda_comune.pdf",
            s.risk_scheda(m.id, Some(&istat), Format::Pdf).unwrap(),
            "COMUNE DI SANT'AGATA DI MILITELLO",
        ),
        (
            "parole_allegato.pdf",
            s.risk_annex(&istat, Format::Pdf).unwrap(),
            "COMUNE DI SANT'AGATA DI MILITELLO",
        ),
    ] {
        let pdf = dir.join(name);
        std::fs::write(&pdf, bytes).unwrap();
        let text = pdf_text(&pdf);
        // The network's header as the training and organigram documents
        // have it; the comune's on its own documents (issue 20).
        assert!(text.contains(header), "{name}: {text}");
        assert!(text.contains("Comunità di Pratiche dei RPCT"), "{name}");
        assert!(!text.contains("Messina · "), "{name}: {text}");
        for wrong in ["on/off", "Baseline", "Target"] {
            assert!(!text.contains(wrong), "{name}: «{wrong}» in\n{text}");
        }
        // The percentage indicator's expected value with its sign.
        assert!(text.contains("100%"), "{name}: {text}");
    }
    let text = pdf_text(&dir.join("parole_scheda.pdf"));
    for right in ["Valore iniziale", "Valore atteso", "sì/no"] {
        assert!(text.contains(right), "«{right}» missing in\n{text}");
    }
    // The yes/no indicator reads no → sì, not 0 → 1.
    assert!(text.contains("sì/no no 31/12/2026 sì 31/03/2027"), "{text}");
}

#[test]
fn a_batch_of_schede_goes_through_the_one_batch_writer() {
    use cdp_core::documents::batch::OnExisting;
    use cdp_core::documents::Format;
    use cdp_core::job::{CancelToken, Progress};
    let mut s = common::store_on(TODAY);
    let (_, _, m) = adopted(&mut s);
    let lipari: String = s
        .connection()
        .query_row("SELECT istat FROM comune WHERE name = 'Lipari'", [], |r| {
            r.get(0)
        })
        .unwrap();
    common::risks::adopt_on(&mut s, "2027-01-10", std::slice::from_ref(&lipari), &[m.id]);
    let dir = tempfile::tempdir().unwrap();
    let batch = |s: &mut Store, on: OnExisting| {
        s.save_risk_schede(
            Some(m.id),
            None,
            Format::Pdf,
            dir.path(),
            on,
            &|_| {},
            &CancelToken::new(),
        )
        .unwrap()
    };
    let first = batch(&mut s, OnExisting::Skip);
    assert_eq!((first.written, first.skipped, first.failed), (2, 0, 0));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("Scheda_misura_{}_Lipari.pdf", m.code),
            format!("Scheda_misura_{}_Sant_Agata_di_Militello.pdf", m.code),
        ]
    );
    let docs = s.documents(None).unwrap();
    assert_eq!(docs.len(), 2);
    for d in &docs {
        assert_eq!(d.kind, "scheda_misura");
        assert_eq!(d.template_version, None);
        s.openable_document(Path::new(&d.path)).unwrap();
    }
    // The user's choice, once per batch.
    let skip = batch(&mut s, OnExisting::Skip);
    assert_eq!((skip.written, skip.skipped), (0, 2));
    let suffix = batch(&mut s, OnExisting::Suffix);
    assert_eq!((suffix.written, suffix.suffixed), (2, 2));
    assert!(dir
        .path()
        .join(format!("Scheda_misura_{}_Lipari (2).pdf", m.code))
        .is_file());
    let replace = batch(&mut s, OnExisting::Replace);
    assert_eq!((replace.written, replace.replaced), (2, 2));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
    assert_eq!(s.documents(None).unwrap().len(), 6);

    // Two jobs at once: cancelling one leaves the other whole.
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let job_a = s.risk_schede_job(Some(m.id), None, Format::Docx).unwrap();
    let job_b = s.risk_schede_job(None, Some(&lipari), Format::Pdf).unwrap();
    let (token_a, token_b) = (CancelToken::new(), CancelToken::new());
    token_a.cancel();
    let seen_b = std::sync::Mutex::new(Vec::<Progress>::new());
    let (done_a, done_b) = std::thread::scope(|sc| {
        let ra = sc.spawn(|| job_a.run(a.path(), OnExisting::Skip, &|_| {}, &token_a));
        let rb = sc.spawn(|| {
            job_b.run(
                b.path(),
                OnExisting::Skip,
                &|p| seen_b.lock().unwrap().push(p),
                &token_b,
            )
        });
        (ra.join().unwrap().unwrap(), rb.join().unwrap().unwrap())
    });
    assert!(done_a.report.cancelled && done_a.files.is_empty());
    assert_eq!(std::fs::read_dir(a.path()).unwrap().count(), 0);
    assert!(!done_b.report.cancelled && !token_b.is_cancelled());
    assert_eq!(done_b.report.written, 1);
    assert_eq!(
        seen_b.lock().unwrap().as_slice(),
        [Progress { done: 1, total: 1 }]
    );
    let before = s.documents(None).unwrap().len();
    s.record_risk_schede(&job_b, done_b).unwrap();
    assert_eq!(s.documents(None).unwrap().len(), before + 1);
}
