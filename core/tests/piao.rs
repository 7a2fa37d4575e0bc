//! The comune's sottosezione 2.3 of the PIAO and its RPCT's relazione
//! annuale (issue 21): a comune with a full plan gives a section whose text
//! holds the six parts and each adopted measure, and no other; a comune with
//! nothing gives lines to fill and the list of what is missing; the
//! relazione's XLSX opens with calamine in ANAC's three sheets and holds the
//! monitoring states; DOCX checked with python-docx; a batch through the one
//! batch writer. With PIAO_SAMPLE_DIR set, the files are kept there.

mod common;

use std::path::PathBuf;

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use cdp_core::documents::batch::{self, OnExisting};
use cdp_core::documents::{render, Format};
use cdp_core::job::CancelToken;
use cdp_core::piao::relazione::{RelazioneInput, CONSIDERATION_MAX};
use cdp_core::piao::section::section_meta;
use cdp_core::piao::*;
use cdp_core::risks::*;
use cdp_core::Store;
use common::docs::{self, docx_text};
use common::registry::{comune_input, rpct, ReferentBuilder};

const TODAY: &str = "2027-11-20";

fn out_dir() -> (Option<tempfile::TempDir>, PathBuf) {
    docs::sample_dir("PIAO_SAMPLE_DIR")
}

fn istat(s: &Store, name: &str) -> String {
    s.connection()
        .query_row("SELECT istat FROM comune WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
}

fn measure_id(s: &Store, code: &str) -> i64 {
    s.connection()
        .query_row("SELECT id FROM risk_measure WHERE code = ?1", [code], |r| {
            r.get(0)
        })
        .unwrap()
}

/// The measures adopted by the full plan: two general, two specific.
const ADOPTED: [&str; 4] = ["M-G-01", "M-G-09", "M-S-001", "M-S-010"];

/// A comune with everything the section asks for.
fn full_plan(s: &mut Store) -> String {
    let code = istat(s, "Novara di Sicilia");
    let mut c = comune_input(s, &code);
    c.fiscal_code = Some("00000000000".into());
    c.population = Some(1234);
    c.population_year = Some(2025);
    s.update_comune(&code, &c).unwrap();
    use common::adhesion::{act, draft, invite, new_referent};
    for step in [
        invite("2024-02-01"),
        draft("2024-02-10"),
        act("2024-03-05", "21", new_referent()),
    ] {
        s.record_step(&code, &step).unwrap();
    }
    s.add_referent(&code, &rpct("Maria Rossi").since("2025-01-15"))
        .unwrap();
    s.save_risk_context(
        &code,
        &ContextInput {
            employees: Some(14),
            segretario_convenzione: false,
            convenzione_with: String::new(),
            units: "Area amministrativa; Area economico-finanziaria; Area tecnica".into(),
            problems: String::new(),
            notes: String::new(),
            version: None,
        },
    )
    .unwrap();
    // Every process of the simplified path mapped: one event of each rated by the comune.
    let processes: Vec<i64> = s
        .risk_context(&code)
        .unwrap()
        .simplified_processes
        .iter()
        .map(|p| p.id)
        .collect();
    for p in processes {
        let event: i64 = s
            .connection()
            .query_row(
                "SELECT id FROM risk_event WHERE process_id = ?1 ORDER BY code LIMIT 1",
                [p],
                |r| r.get(0),
            )
            .unwrap();
        s.rate_risk_event_for_comune(
            &code,
            event,
            &common::risks::rating([Level::M; 6], Level::M),
            None,
        )
        .unwrap();
    }
    let ids: Vec<i64> = ADOPTED.iter().map(|c| measure_id(s, c)).collect();
    common::risks::adopt_on(s, "2027-01-20", std::slice::from_ref(&code), &ids);
    let plan = s.risk_plan(&code).unwrap();
    for (a, (state, why)) in plan.adoptions.iter().zip([
        (
            MeasureState::Attuata,
            "Codice adottato con deliberazione di Giunta n. 12.",
        ),
        (
            MeasureState::InCorso,
            "Canale interno attivato, formazione in corso.",
        ),
        (
            MeasureState::NonAttuata,
            "Personale dell'area tecnica assente per sei mesi.",
        ),
        (
            MeasureState::Attuata,
            "Controlli eseguiti sul campione previsto.",
        ),
    ]) {
        s.record_risk_monitoring(
            a.id,
            &MonitoringInput {
                date: "2027-10-31".into(),
                state,
                motivazione: why.into(),
                values: a
                    .indicators
                    .iter()
                    .map(|i| Some(i.target.clone()))
                    .collect(),
                version: None,
            },
        )
        .unwrap();
    }
    let transparency = obligations()
        .iter()
        .map(|o| TransparencyAdjust {
            code: o.code.clone(),
            applies: o.code != "16.01",
            office_send: "Area amministrativa".into(),
            office_publish: "Ufficio segreteria".into(),
        })
        .collect();
    s.save_piao_data(
        &code,
        &PiaoInput {
            first_year: Some(2028),
            rpct_act: "decreto sindacale n. 3 del 15/01/2025".into(),
            organs: "Giunta comunale, su proposta del RPCT; Consiglio comunale per gli indirizzi"
                .into(),
            external_context: "Territorio montano a vocazione agricola e turistica.".into(),
            monitoring:
                "Il RPCT verifica ogni sei mesi, con i responsabili di area, lo stato delle misure."
                    .into(),
            no_corruption: Some(true),
            no_dysfunction: Some(true),
            no_reorganisation: Some(true),
            objectives: vec![OBJECTIVES[0].objective()],
            transparency,
            version: None,
        },
    )
    .unwrap();
    code
}

/// The text of a PDF, whitespace collapsed.
fn pdf_text(bytes: &[u8]) -> String {
    docs::pdf_text(bytes, &[])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

const PARTS: [&str; 6] = [
    "1. Scheda anagrafica",
    "2. Obiettivi strategici",
    "3. Analisi del contesto esterno",
    "4. Analisi del contesto interno",
    "5. Trasparenza",
    "6. Monitoraggio",
];

#[test]
fn a_full_plan_gives_the_six_parts_and_only_the_adopted_measures() {
    let mut s = common::store_on(TODAY);
    let code = full_plan(&mut s);
    let (doc, missing) = s.piao_section(&code).unwrap();
    assert!(missing.is_empty(), "nothing missing: {missing:?}");
    let pdf = render(&doc, Format::Pdf, &section_meta(&doc, "test"))
        .unwrap()
        .bytes;
    let (_keep, dir) = out_dir();
    std::fs::write(dir.join("sezione_2.3.pdf"), &pdf).unwrap();
    docs::qpdf_ok(&pdf);
    let text = pdf_text(&pdf);
    for part in PARTS {
        assert!(text.contains(part), "«{part}» missing in\n{text}");
    }
    for c in ADOPTED {
        assert!(text.contains(&format!("{c} ")), "adopted {c} missing");
    }
    let all: Vec<String> = s
        .risk_measures(&CatalogueFilter::default())
        .unwrap()
        .into_iter()
        .map(|m| m.code)
        .collect();
    for c in all.iter().filter(|c| !ADOPTED.contains(&c.as_str())) {
        assert!(!text.contains(&format!("{c} ")), "{c} was not adopted");
    }
    for f in [
        "COMUNE DI NOVARA DI SICILIA",
        "00000000000",
        "1.234 (ISTAT, 2025)",
        "Maria Rossi",
        "decreto sindacale n. 3 del 15/01/2025",
        "2028–2030",
        "Revisione del codice di comportamento",
        "Territorio montano",
        "Codice di comportamento",
        "Tutela del dipendente che segnala illeciti",
        "Ufficio segreteria",
        "Sotto-sezioni non pertinenti per il Comune: 16.01",
        "2029 e 2030",
        "Aderisce dal 05/03/2024 alla Comunità di Pratiche",
    ] {
        assert!(text.contains(f), "«{f}» missing in\n{text}");
    }
    assert!(!text.contains("_____"), "no line to fill in a full plan");

    // The DOCX holds the same parts and measures.
    let docx = render(&doc, Format::Docx, &section_meta(&doc, "test"))
        .unwrap()
        .bytes;
    std::fs::write(dir.join("sezione_2.3.docx"), &docx).unwrap();
    let t = docx_text(&docx);
    for part in PARTS {
        assert!(t.contains(part), "«{part}» missing in the DOCX");
    }
    for c in ADOPTED {
        assert!(t.contains(c), "{c} missing in the DOCX");
    }
    assert!(!t.contains("M-S-002 "), "a measure not adopted");
}

#[test]
fn missing_data_gives_lines_to_fill_and_the_list_of_what_is_missing() {
    let s = common::store_on(TODAY);
    let code = istat(&s, "Fondachelli-Fantina");
    let (doc, missing) = s.piao_section(&code).unwrap();
    let pdf = render(&doc, Format::Pdf, &section_meta(&doc, "test"))
        .unwrap()
        .bytes;
    let (_keep, dir) = out_dir();
    std::fs::write(dir.join("sezione_2.3_vuota.pdf"), &pdf).unwrap();
    let text = pdf_text(&pdf);
    for part in PARTS {
        assert!(text.contains(part), "«{part}» missing");
    }
    assert!(text.contains("________"), "lines to fill");
    assert!(
        !text.contains("M-G-01 "),
        "no measure adopted, none printed"
    );
    let whats: Vec<&str> = missing.iter().map(|m| m.what.as_str()).collect();
    for w in [
        "Periodo di riferimento (primo anno del triennio)",
        "Numero dei dipendenti",
        "RPCT in carica",
        "Atto di nomina del RPCT",
        "Obiettivi strategici e loro indicatori",
        "Analisi del contesto esterno propria del Comune",
        "Misure generali adottate",
        "Misure specifiche adottate",
        "Soggetti, tempi e modalità del monitoraggio",
    ] {
        assert!(whats.contains(&w), "«{w}» not listed in {whats:?}");
    }
    let parts: Vec<&str> = missing.iter().map(|m| m.part.as_str()).collect();
    for p in [
        "1. Scheda anagrafica",
        "2. Obiettivi strategici",
        "5. Trasparenza",
    ] {
        assert!(parts.contains(&p), "{p} in {parts:?}");
    }
    assert_eq!(s.piao_missing(&code).unwrap(), missing);
}

#[test]
fn the_relazione_xlsx_holds_anacs_sheets_and_the_monitoring_states() {
    let mut s = common::store_on(TODAY);
    let code = full_plan(&mut s);
    let too_long = "a".repeat(CONSIDERATION_MAX + 1);
    let refused = s.save_piao_relazione(
        &code,
        2027,
        &RelazioneInput {
            considerations: vec![too_long, String::new(), String::new(), String::new()],
            version: None,
        },
    );
    assert!(refused.is_err(), "more than 2,000 characters refused");
    let r = s
        .save_piao_relazione(
            &code,
            2027,
            &RelazioneInput {
                considerations: vec![
                    "Le misure sono state attuate in larga parte.".into(),
                    String::new(),
                    "Il RPCT ha coordinato i responsabili di area.".into(),
                    String::new(),
                ],
                version: None,
            },
        )
        .unwrap();
    assert!(r.unanswered.iter().any(|u| u.contains("1.B")));
    assert!(r
        .unanswered
        .iter()
        .any(|u| u.contains("Rotazione ordinaria")));
    let bytes = s.piao_relazione_xlsx(&code, 2027).unwrap();
    let (_keep, dir) = out_dir();
    std::fs::write(dir.join("relazione.xlsx"), &bytes).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Anagrafica",
            "Considerazioni generali",
            "Misure anticorruzione"
        ]
    );
    let cells = |wb: &mut Xlsx<_>, name: &str| -> String {
        wb.worksheet_range(name)
            .unwrap()
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let a = cells(&mut wb, "Anagrafica");
    assert!(
        a.contains("Maria Rossi") && a.contains("00000000000"),
        "{a}"
    );
    let c = cells(&mut wb, "Considerazioni generali");
    assert!(c.contains("Il RPCT ha coordinato"), "{c}");
    let m = cells(&mut wb, "Misure anticorruzione");
    for f in [
        "Codice di comportamento | M-G-01",
        "Attuata | Codice adottato con deliberazione di Giunta n. 12.",
        "In corso di attuazione | Canale interno attivato",
        "Non attuata | Personale dell'area tecnica assente",
        "Misure specifiche | M-S-010",
    ] {
        assert!(m.contains(f), "«{f}» missing in\n{m}");
    }
    // The states are those of 31 December of the year asked: none in 2026.
    let before = s.piao_relazione(&code, 2026).unwrap();
    assert!(before.measures.is_empty(), "adopted in 2027");

    // The PDF for the records and the platform view.
    let doc = s.piao_relazione_document(&code, 2027).unwrap();
    let pdf = render(&doc, Format::Pdf, &relazione::relazione_meta(&doc, "test"))
        .unwrap()
        .bytes;
    std::fs::write(dir.join("relazione.pdf"), &pdf).unwrap();
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Relazione annuale del RPCT – anno 2027"),
        "{text}"
    );
    assert!(text.contains("In corso di attuazione"));
    let platform = s.piao_platform(&code, 2027).unwrap();
    let titles: Vec<&str> = platform.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles[0], "Anagrafica");
    assert!(titles.contains(&"Misure generali") && titles.contains(&"Formazione"));
}

#[test]
fn a_batch_of_sections_through_the_batch_writer_recorded_in_the_register() {
    let mut s = common::store_on(TODAY);
    let code = full_plan(&mut s);
    let other = istat(&s, "Fondachelli-Fantina");
    let dir = tempfile::tempdir().unwrap();
    let report = s
        .save_piao_sections(
            &[code.clone(), other.clone()],
            Format::Pdf,
            dir.path(),
            OnExisting::Suffix,
            &|_| {},
            &CancelToken::default(),
        )
        .unwrap();
    assert_eq!(report.written, 2, "{report:?}");
    assert!(dir
        .path()
        .join("PIAO_sezione_2.3_Novara_di_Sicilia.pdf")
        .exists());
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM document WHERE kind = 'piao_sezione_2_3'"
        ),
        2
    );
    let job = s.piao_section_job(&[code], Format::Docx).unwrap();
    assert_eq!(batch::existing(&job, dir.path()), 0, "a DOCX is a new file");
}

#[test]
fn a_stale_form_is_refused_and_the_save_is_audited() {
    let mut s = common::store_on(TODAY);
    let code = istat(&s, "Fondachelli-Fantina");
    let first = s
        .save_piao_data(
            &code,
            &PiaoInput {
                first_year: Some(2028),
                ..Default::default()
            },
        )
        .unwrap();
    let again = PiaoInput {
        first_year: Some(2029),
        version: first.updated_at.clone(),
        ..Default::default()
    };
    s.save_piao_data(&code, &again).unwrap();
    let stale = s.save_piao_data(&code, &again).unwrap_err();
    assert_eq!(stale.code(), "conflict");
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM audit WHERE entity = 'piao_comune'"
        ),
        2
    );
    let unknown = s
        .save_piao_data(
            &code,
            &PiaoInput {
                transparency: vec![TransparencyAdjust {
                    code: "99.99".into(),
                    applies: false,
                    office_send: String::new(),
                    office_publish: String::new(),
                }],
                version: s.piao_data(&code).unwrap().updated_at,
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(unknown.code(), "validation");
}
