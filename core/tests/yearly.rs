//! The Comunità di Pratiche's yearly report: figures as they were at 31
//! December from the archive's histories (a fixture over two years and the
//! start of a third), the charts' numbers equal to their tables, the PDF/A
//! and the DOCX (read back with poppler and python-docx), the texts saved
//! per year with their version.

mod common;

use cdp_core::documents::chart::TEXT_MIN;
use cdp_core::documents::element::Element;
use cdp_core::documents::model::Shape;
use cdp_core::documents::Format;
use cdp_core::risks::monitoring::MonitoringInput;
use cdp_core::risks::{AdoptionAdjust, MeasureState};
use cdp_core::training::participants::ParticipantInput;
use cdp_core::training::EventInput;
use cdp_core::yearly::{Drawing, YearFigures, YearTexts};
use cdp_core::Store;
use common::adhesion::{act, draft, invite, new_referent, sign, withdraw};
use common::docs::{docx_python, pdf_text, qpdf_ok};
use common::training::event;

const ALCARA: &str = "083001";
const ALI: &str = "083002";
const ALI_TERME: &str = "083003";
const ANTILLO: &str = "083004";

/// Two years of the network and the start of a third, recorded on a clock
/// moved forward as the secretariat would have recorded them.
fn fixture() -> Store {
    let mut s = common::store_on("2026-01-10");
    common::training::signatory(&mut s);
    let step = |s: &mut Store, istat: &str, st| {
        s.record_step(istat, &st).unwrap();
    };
    // 2026: Alcara li Fusi and Antillo sign; Alì is invited.
    common::set_today(&mut s, "2026-06-30");
    step(&mut s, ALCARA, invite("2026-02-01"));
    step(&mut s, ALCARA, draft("2026-03-01"));
    step(&mut s, ALCARA, act("2026-04-10", "12", new_referent()));
    step(&mut s, ALCARA, sign("2026-05-20"));
    step(&mut s, ANTILLO, invite("2026-02-01"));
    step(&mut s, ANTILLO, draft("2026-02-20"));
    step(&mut s, ANTILLO, act("2026-03-15", "3", new_referent()));
    step(&mut s, ANTILLO, sign("2026-04-01"));
    step(&mut s, ALI, invite("2026-06-01"));
    // 2027: Alì signs, Antillo withdraws, Alì Terme is invited.
    common::set_today(&mut s, "2027-12-20");
    step(&mut s, ALI, draft("2026-12-01"));
    step(&mut s, ALI, act("2027-01-15", "7", new_referent()));
    step(&mut s, ALI, sign("2027-02-10"));
    step(&mut s, ANTILLO, withdraw("2027-09-01"));
    step(&mut s, ALI_TERME, invite("2027-03-01"));
    // 2028: Alì Terme signs (after the year of the report).
    common::set_today(&mut s, "2028-03-01");
    step(&mut s, ALI_TERME, draft("2027-12-10"));
    step(&mut s, ALI_TERME, act("2028-01-20", "1", new_referent()));
    step(&mut s, ALI_TERME, sign("2028-02-01"));

    // Training: one day in 2026 (3 h), two in 2027 (3 h and 2 h, one
    // cancelled besides), one in 2028; a tavolo in 2027.
    let people: Vec<i64> = [
        (ALCARA, "Anna Uno"),
        (ALCARA, "Bruno Due"),
        (ALI, "Carla Tre"),
    ]
    .iter()
    .map(|(istat, name)| {
        s.add_training_participant(&ParticipantInput {
            full_name: name.to_string(),
            istat: Some(istat.to_string()),
            ..Default::default()
        })
        .unwrap()
        .id
    })
    .collect();
    let e26 = s.create_training_event(&event("2026-10-05")).unwrap();
    let e27a = s.create_training_event(&event("2027-03-09")).unwrap();
    let e27b = s
        .create_training_event(&EventInput {
            end_time: "12:00".into(),
            ..event("2027-11-16")
        })
        .unwrap();
    let cancelled = s.create_training_event(&event("2027-12-01")).unwrap();
    s.cancel_training_event(cancelled.id, Some(&cancelled.updated_at))
        .unwrap();
    let e28 = s.create_training_event(&event("2028-01-25")).unwrap();
    let tavolo = s
        .create_training_event(&EventInput {
            kind: "tavolo".into(),
            ..event("2027-05-05")
        })
        .unwrap();
    for (ev, who) in [
        (e26.id, &people[..2]),
        (e27a.id, &people[..3]),
        (e27b.id, &people[2..3]),
        (e28.id, &people[..3]),
        (tavolo.id, &people[..1]),
    ] {
        for p in who {
            s.set_training_attendance(ev, *p, true, 120).unwrap();
        }
    }
    s.issue_event_certificate(e26.id, people[0], "2026-10-06")
        .unwrap();
    s.issue_event_certificate(e27a.id, people[0], "2027-03-10")
        .unwrap();
    s.issue_event_certificate(e28.id, people[1], "2028-01-26")
        .unwrap();

    // Measures: Alcara li Fusi adopts one in 2026 and implements it in 2028.
    let ev = common::risks::own_event(&mut s);
    let m = s
        .create_risk_measure(&common::risks::measure(&s, ev.id))
        .unwrap();
    common::set_today(&mut s, "2026-06-01");
    let report = s
        .adopt_risk_measures(&[ALCARA.to_string()], &[m.id], &AdoptionAdjust::default())
        .unwrap();
    common::set_today(&mut s, "2028-03-01");
    assert_eq!(report.adopted, 1);
    let adoption = s.risk_plan(ALCARA).unwrap().adoptions[0].id;
    s.record_risk_monitoring(
        adoption,
        &MonitoringInput {
            date: "2028-02-15".into(),
            state: MeasureState::Attuata,
            motivazione: String::new(),
            values: Vec::new(),
            version: None,
        },
    )
    .unwrap();
    s
}

fn figure<'a>(f: &'a YearFigures, key: &str) -> &'a cdp_core::yearly::Figure {
    f.figures
        .iter()
        .find(|x| x.key == key)
        .unwrap_or_else(|| panic!("figure {key}"))
}

/// The row of a figure's table whose first cell is `label`.
fn row<'a>(f: &'a YearFigures, key: &str, label: &str) -> &'a [String] {
    figure(f, key)
        .rows
        .iter()
        .find(|r| r[0] == label)
        .unwrap_or_else(|| panic!("{key}: row {label}"))
}

/// The cell of a figure's table in the row `row` and the column `col`.
fn cell(f: &YearFigures, key: &str, row_label: &str, col: &str) -> String {
    let fig = figure(f, key);
    let c = fig
        .headers
        .iter()
        .position(|h| h == col)
        .unwrap_or_else(|| panic!("{key}: column {col}"));
    row(f, key, row_label)[c].clone()
}

#[test]
fn a_past_year_ignores_later_adhesions_and_events() {
    let s = fixture();
    let f = s.yearly_figures(2026).unwrap();
    assert_eq!(f.at, "2026-12-31");
    assert!(!f.provisional);
    // Members at the end of each year: Alcara li Fusi and Antillo in 2026;
    // Alì's and Alì Terme's later signatures are not there.
    // (a series over the years reads across: a column per year)
    assert_eq!(
        cell(&f, "adesioni_per_anno", "Comuni aderenti", "2025"),
        "0"
    );
    assert_eq!(
        cell(&f, "adesioni_per_anno", "Comuni aderenti", "2026"),
        "2"
    );
    assert_eq!(
        figure(&f, "adesioni_per_anno").headers.last().unwrap(),
        "2026"
    );
    // By stage: Alì's draft sent at the end of 2026; nobody receduto yet.
    let states = figure(&f, "comuni_per_stato");
    let col = |name: &str| states.headers.iter().position(|h| h == name).unwrap();
    let y2026 = states.rows.iter().find(|r| r[0] == "2026").unwrap();
    assert_eq!(y2026[col("Protocollo sottoscritto")], "2");
    assert_eq!(y2026[col("Bozza inviata")], "1");
    assert_eq!(y2026[col("Invitato")], "0");
    assert_eq!(y2026[col("Receduto")], "0");
    // The comuni not in the path are not stacked with the others.
    assert!(!states.headers.iter().any(|h| h == "Non aderente"));
    assert_eq!(y2026[col("Totale")], "3");
    // The map colours the comuni as they were.
    assert_eq!(row(&f, "mappa_adesioni", "Protocollo sottoscritto")[1], "2");
    assert_eq!(row(&f, "mappa_adesioni", "Non aderente")[1], "105");
    // Training of 2026 only: one day of 3 hours, two people, one attestato.
    assert_eq!(
        row(&f, "formazione", "Giornate formative"),
        ["Giornate formative", "0", "1"]
    );
    assert_eq!(row(&f, "formazione", "Ore di formazione")[2], "3");
    assert_eq!(row(&f, "formazione", "Partecipanti")[2], "2");
    assert_eq!(row(&f, "formazione", "Comuni rappresentati")[2], "1");
    assert_eq!(row(&f, "formazione", "Attestati rilasciati")[2], "1");
    // No meeting in 2026 (the tavolo is of 2027).
    assert_eq!(row(&f, "incontri_e_tavoli", "Tavoli tematici")[2], "0");
    // The adoption of 2026, not yet implemented at its end.
    assert_eq!(row(&f, "catalogo", "Misure adottate dai comuni")[2], "1");
    assert_eq!(row(&f, "misure_per_stato", "Attuate")[2], "0");
    assert_eq!(row(&f, "misure_per_stato", "Da avviare")[2], "1");

    // 2027 beside 2026.
    let f = s.yearly_figures(2027).unwrap();
    assert_eq!(
        cell(&f, "adesioni_per_anno", "Comuni aderenti", "2027"),
        "2"
    );
    let states = figure(&f, "comuni_per_stato");
    let y2027 = states.rows.iter().find(|r| r[0] == "2027").unwrap();
    assert_eq!(y2027[col("Receduto")], "1");
    // Alì Terme's draft of 10 December 2027 counts in 2027.
    assert_eq!(y2027[col("Bozza inviata")], "1");
    assert_eq!(
        row(&f, "formazione", "Giornate formative"),
        ["Giornate formative", "1", "2"]
    );
    assert_eq!(
        row(&f, "formazione", "Ore di formazione"),
        ["Ore di formazione", "3", "5"]
    );
    assert_eq!(row(&f, "formazione", "Partecipanti")[2], "3");
    assert_eq!(row(&f, "formazione", "Comuni rappresentati")[2], "2");
    assert_eq!(
        row(&f, "formazione", "Attestati rilasciati"),
        ["Attestati rilasciati", "1", "1"]
    );
    assert_eq!(
        row(&f, "incontri_e_tavoli", "Tavoli tematici"),
        ["Tavoli tematici", "0", "1"]
    );
    assert_eq!(row(&f, "misure_per_stato", "Attuate")[2], "0");

    // The year under way: up to today, provisional; the implementation of 2028 counts.
    let f = s.yearly_figures(2028).unwrap();
    assert_eq!(f.at, "2028-03-01");
    assert!(f.provisional);
    assert_eq!(
        cell(&f, "adesioni_per_anno", "Comuni aderenti", "2028"),
        "3"
    );
    assert_eq!(row(&f, "misure_per_stato", "Attuate")[2], "1");
    // A year outside the network's life is refused on its field.
    assert_eq!(s.yearly_figures(2016).unwrap_err().field(), Some("year"));
    assert_eq!(s.yearly_figures(2029).unwrap_err().field(), Some("year"));
}

/// The texts a drawing prints.
fn drawn(d: &Drawing) -> Vec<(String, f32)> {
    let e: &dyn Element = match d {
        Drawing::Chart(c) => c,
        Drawing::Map(m) => m,
    };
    let w = 481.0;
    e.draw(w, e.height(w, 700.0))
        .into_iter()
        .filter_map(|s| match s {
            Shape::Text { text, size, .. } => Some((text, size)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_charts_numbers_are_their_tables_numbers() {
    let s = fixture();
    let f = s.yearly_figures(2027).unwrap();
    assert_eq!(f.figures.len(), 11);
    for fig in &f.figures {
        let texts = drawn(fig.drawing.as_ref().unwrap());
        assert!(
            texts.iter().all(|(_, size)| *size >= TEXT_MIN),
            "{}: text under 8 pt",
            fig.key
        );
        let has = |t: &str| texts.iter().any(|(x, _)| x == t);
        match fig.drawing.as_ref().unwrap() {
            Drawing::Chart(c) => {
                // Every category is labelled; every value of the table is
                // drawn (a stacked chart draws each total, and each
                // segment tall enough for its figure).
                for cat in &c.categories {
                    assert!(has(cat), "{}: category {cat}", fig.key);
                }
                let stacked = fig.headers.last().is_some_and(|h| h == "Totale");
                for (r, vals) in fig.rows.iter().zip(&fig.values) {
                    if stacked {
                        assert!(has(r.last().unwrap()), "{}: total {}", fig.key, r[0]);
                        continue;
                    }
                    for (i, cell) in r.iter().enumerate().skip(1) {
                        assert!(has(cell), "{}: value {cell} of {}", fig.key, r[0]);
                        // The cell is the value, in Italian format.
                        assert_eq!(
                            cdp_core::documents::chart::number_it(vals[i].unwrap(), c.decimals),
                            *cell
                        );
                    }
                }
                // The table holds every value of every series, once.
                let mut table: Vec<f64> = fig
                    .values
                    .iter()
                    .flat_map(|r| r.iter().flatten().copied())
                    .collect();
                let mut chart: Vec<f64> = c
                    .series
                    .iter()
                    .flat_map(|s| s.values.iter().copied())
                    .collect();
                if stacked {
                    chart.extend(
                        (0..c.categories.len())
                            .map(|i| c.series.iter().map(|s| s.values[i]).sum::<f64>()),
                    );
                }
                table.sort_by(f64::total_cmp);
                chart.sort_by(f64::total_cmp);
                assert_eq!(table, chart, "{}", fig.key);
            }
            Drawing::Map(_) => {
                // The legend gives each class with its count, as the table.
                for r in &fig.rows {
                    assert!(has(&format!("{} ({})", r[0], r[1])), "map legend {r:?}");
                }
            }
        }
        assert!(fig.svg.starts_with("<svg") && fig.svg.contains("</svg>"));
    }
}

#[test]
fn the_report_as_pdf_and_docx() {
    let mut s = fixture();
    let saved = s
        .save_yearly_texts(&YearTexts {
            year: 2027,
            introduction: "Il 2027 è stato l'anno del consolidamento della rete.".into(),
            conclusions: String::new(),
            updated_at: String::new(),
        })
        .unwrap();
    let pdf = s
        .yearly_report(2027, Format::Pdf)
        .unwrap()
        .render()
        .unwrap();
    qpdf_ok(&pdf.bytes);
    let text = pdf_text(&pdf.bytes, &[]);
    // YEARLY_OUT=<dir> keeps the files, to look at them.
    if let Ok(dir) = std::env::var("YEARLY_OUT") {
        std::fs::write(format!("{dir}/relazione_2027.pdf"), &pdf.bytes).unwrap();
    }
    for want in [
        "Relazione annuale della Comunità di Pratiche – anno 2027",
        "Il 2027 è stato l'anno del consolidamento della rete.",
        "Comuni aderenti per zona omogenea, 2026 e 2027",
        "Il territorio per stato di adesione al 31/12/2027",
        "Stato di attuazione delle misure adottate",
        "Conclusioni",
        "Nota sui dati",
        "La popolazione di ogni comune",
    ] {
        assert!(text.contains(want), "PDF lacks «{want}»");
    }
    let docx = s
        .yearly_report(2027, Format::Docx)
        .unwrap()
        .render()
        .unwrap();
    if let Ok(dir) = std::env::var("YEARLY_OUT") {
        std::fs::write(format!("{dir}/relazione_2027.docx"), &docx.bytes).unwrap();
    }
    let out = docx_python(
        &docx.bytes,
        r#"
import sys, docx
d = docx.Document(sys.argv[1])
print(len(d.inline_shapes))
for s in d.inline_shapes:
    print(round(s.width.pt), round(s.height.pt))
print(len(d.tables))
print(d.tables[0].rows[0].cells[0].text)
print('\n'.join(p.text for p in d.paragraphs if p.style.name.startswith('Heading')))
"#,
        &[],
    );
    let lines: Vec<&str> = out.lines().collect();
    // Eleven charts as images, each followed by its table.
    assert_eq!(lines[0], "11", "{out}");
    for l in &lines[1..12] {
        let (w, h) = l.split_once(' ').unwrap();
        assert!(
            w.parse::<i32>().unwrap() > 300 && h.parse::<i32>().unwrap() > 100,
            "{l}"
        );
    }
    assert_eq!(lines[12], "11");
    assert_eq!(lines[13], "Anno");
    assert!(
        out.contains("Le adesioni") && out.contains("Conclusioni"),
        "{out}"
    );

    // The texts have a version: a form showing the old one is refused.
    assert!(!saved.updated_at.is_empty());
    let again = YearTexts {
        conclusions: "Proseguire.".into(),
        ..saved.clone()
    };
    let newer = s.save_yearly_texts(&again).unwrap();
    assert_eq!(s.yearly_texts(2027).unwrap(), newer);
    assert_eq!(s.save_yearly_texts(&again).unwrap_err().code(), "conflict");
    // Another year is untouched.
    assert_eq!(s.yearly_texts(2026).unwrap().introduction, "");
}

#[test]
fn each_figure_exports_as_csv_and_xlsx() {
    let s = fixture();
    let f = s.yearly_figures(2027).unwrap();
    let fig = figure(&f, "formazione");
    let csv = String::from_utf8(fig.export(cdp_core::io::Format::Csv).unwrap()).unwrap();
    assert!(csv.starts_with("\u{feff}Voce;2026;2027\r\n"), "{csv}");
    assert!(csv.contains("Ore di formazione;3;5\r\n"), "{csv}");
    let xlsx = fig.export(cdp_core::io::Format::Xlsx).unwrap();
    assert_eq!(&xlsx[..2], b"PK");
}
