//! Issue 20, «Rischi e misure»: the corrections a Sicilian secretary would
//! still make to the scheda misura, the catalogue, the risk register and a
//! comune's annex to its sottosezione 2.3, checked on the text the reader
//! gets back (pdftotext, python-docx) for four comuni: one under 5,000
//! inhabitants (Alì), Messina, and two long names (Sant'Agata di Militello,
//! Barcellona Pozzo di Gotto). Also the rules behind them: a missed target is
//! late, a shipped catalogue revision reaches an existing archive where the
//! user has not changed the item, the network's validation of the catalogue.

mod common;

use cdp_core::clock::Clock;
use cdp_core::documents::Format;
use cdp_core::risks::scheda::ESTIMATED;
use cdp_core::risks::*;
use cdp_core::Store;
use chrono::NaiveDate;
use common::docs::{docx_python, docx_text, pdf_text};

const TODAY: &str = "2027-05-15";

const COMUNI: [(&str, &str); 4] = [
    ("083002", "Alì"),
    ("083048", "Messina"),
    ("083084", "Sant'Agata di Militello"),
    ("083005", "Barcellona Pozzo di Gotto"),
];

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn store() -> Store {
    let mut s = common::store();
    s.set_clock(Clock::Fixed(day(TODAY)));
    s
}

/// Text with its white space collapsed (lines joined).
fn flat(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pdf(bytes: &[u8]) -> String {
    flat(&pdf_text(bytes, &[]))
}

/// Every page's text (pdftotext -layout), in order.
fn pages(bytes: &[u8]) -> Vec<String> {
    pdf_text(bytes, &["-layout"])
        .split('\u{c}')
        .map(str::to_string)
        .collect()
}

/// The header rows of a DOCX's tables, their cells joined by " | ".
fn docx_table_heads(bytes: &[u8]) -> Vec<String> {
    docx_python(
        bytes,
        r#"
import sys, docx
d = docx.Document(sys.argv[1])
for t in d.tables:
    print(' | '.join(c.text for c in t.rows[0].cells))
"#,
        &[],
    )
    .lines()
    .map(str::to_string)
    .collect()
}

/// Every row of a DOCX's tables, its cells with their lines joined.
fn docx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    docx_python(
        bytes,
        r#"
import sys, docx
d = docx.Document(sys.argv[1])
for t in d.tables:
    for r in t.rows:
        print('\t'.join(' '.join(c.text.split()) for c in r.cells))
"#,
        &[],
    )
    .lines()
    .map(|l| l.split('\t').map(str::to_string).collect())
    .collect()
}

fn measure_by_code(s: &Store, code: &str) -> Measure {
    let id = s
        .risk_measures(&CatalogueFilter::default())
        .unwrap()
        .into_iter()
        .find(|m| m.code == code)
        .unwrap_or_else(|| panic!("{code} in the catalogue"))
        .id;
    s.risk_measure(id).unwrap()
}

/// M-S-001 (contracts, two rated events) adopted by `istat` on 10 January
/// 2027, with the context of a comune whose secretary is shared.
fn adopt(s: &mut Store, istat: &str) -> Measure {
    let m = measure_by_code(s, "M-S-001");
    s.save_risk_context(
        istat,
        &ContextInput {
            employees: Some(42),
            segretario_convenzione: true,
            convenzione_with: "Comune di Torrenova".into(),
            units: "Area amministrativa; Area tecnica".into(),
            problems: String::new(),
            notes: String::new(),
            version: None,
        },
    )
    .unwrap();
    common::risks::adopt_on(s, "2027-01-10", &[istat.to_string()], &[m.id]);
    m
}

// ------------------------------------------------------------ Box 8 column

/// Every rating table of scheda, catalogue, register and annex heads its
/// level column «Livello di rischio»: «Alto» beside «Grado di attuazione
/// delle misure di trattamento» reads as a high risk.
#[test]
fn every_level_column_is_headed_livello_di_rischio() {
    let mut s = store();
    let mut docs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut m = None;
    for (istat, name) in COMUNI {
        let adopted = adopt(&mut s, istat);
        docs.push((
            format!("scheda adottata da {name}"),
            s.risk_scheda(adopted.id, Some(istat), Format::Docx)
                .unwrap(),
        ));
        docs.push((
            format!("allegato di {name}"),
            s.risk_annex(istat, Format::Docx).unwrap(),
        ));
        m = Some(adopted);
    }
    let m = m.unwrap();
    docs.push((
        "scheda".into(),
        s.risk_scheda(m.id, None, Format::Docx).unwrap(),
    ));
    docs.push((
        "catalogo e registro".into(),
        s.risk_catalogue_document(Format::Docx).unwrap(),
    ));
    for (what, bytes) in &docs {
        let heads = docx_table_heads(bytes);
        let with_level: Vec<&String> = heads.iter().filter(|h| h.contains("Livello")).collect();
        assert!(!with_level.is_empty(), "{what}: a table with levels");
        for h in with_level {
            assert!(
                h.split(" | ").all(|c| c != "Livello"),
                "{what}: a bare «Livello» column: {h}"
            );
            assert!(h.contains("Livello di rischio"), "{what}: {h}");
        }
    }
    // In the PDF the Box 8 table reads the same way.
    let text = pdf(&s.risk_scheda(m.id, None, Format::Pdf).unwrap());
    assert!(text.contains("Indicatore (Box 8 ANAC) Livello di rischio Motivazione"));
    assert!(text.contains("Grado di attuazione delle misure di trattamento Alto"));
}

// ------------------------------------------------------------ late by target

#[test]
fn a_target_is_reached_upwards_downwards_or_exactly() {
    use common::risks::indicator;
    let up = indicator(IndicatorKind::Percentuale, "0", "90");
    assert!(target_reached(&up, "90"));
    assert!(target_reached(&up, "95,5"));
    assert!(!target_reached(&up, "89"));
    // A reduction: the target is below the baseline.
    let down = indicator(IndicatorKind::Quantitativo, "12", "4");
    assert!(target_reached(&down, "4"));
    assert!(target_reached(&down, "0"));
    assert!(!target_reached(&down, "5"));
    let yes = indicator(IndicatorKind::OnOff, "0", "1");
    assert!(target_reached(&yes, "1"));
    assert!(!target_reached(&yes, "0"));
    assert!(!target_reached(&yes, "non so"));
}

#[test]
fn missed_targets_are_those_past_their_date_without_the_value() {
    use common::risks::indicator;
    let ind = indicator(IndicatorKind::Percentuale, "0", "100"); // by 31/12/2027
    let vals = |v: &[Option<&str>]| vec![v.iter().map(|x| x.map(str::to_string)).collect()];
    // Before the date nothing is missed, whatever the value.
    assert!(missed_targets(
        std::slice::from_ref(&ind),
        &vals(&[Some("10")]),
        "2027-12-31"
    )
    .is_empty());
    // After it: the last value measured counts, an empty one is skipped.
    let after = "2028-01-01";
    let missed = missed_targets(std::slice::from_ref(&ind), &vals(&[Some("60")]), after);
    assert_eq!(missed.len(), 1);
    assert_eq!(missed[0].target, "100%");
    assert_eq!(missed[0].due, "2027-12-31");
    assert_eq!(missed[0].last_value.as_deref(), Some("60%"));
    let newest_first = vec![vec![None], vec![Some("100".to_string())]];
    assert!(missed_targets(std::slice::from_ref(&ind), &newest_first, after).is_empty());
    let never = missed_targets(std::slice::from_ref(&ind), &[], after);
    assert_eq!(never[0].last_value, None);
    assert!(never[0].sentence().contains("nessun valore rilevato"));
}

/// A measure monitored at every phase but whose indicator did not reach its
/// expected value by its date is «in ritardo», and the scheda says which
/// value, due when, and what was measured.
#[test]
fn a_missed_target_makes_the_measure_late_and_the_scheda_says_which() {
    let mut s = store();
    let ev = common::risks::own_event(&mut s);
    let mut input = common::risks::measure(&s, ev.id);
    input.indicators[0].target_date = "2027-04-30".into();
    let m = s.create_risk_measure(&input).unwrap();
    let istat = "083048";
    common::risks::adopt_on(&mut s, "2027-01-10", &[istat.to_string()], &[m.id]);
    let a = s.risk_plan(istat).unwrap().adoptions[0].clone();
    // The phase of 31 March was monitored (entry of 2 May): not late by phase.
    let a = s
        .record_risk_monitoring(
            a.id,
            &MonitoringInput {
                date: "2027-05-02".into(),
                state: MeasureState::InCorso,
                motivazione: String::new(),
                values: vec![Some("60".into())],
                version: Some(a.updated_at.clone()),
            },
        )
        .unwrap();
    assert!(a.late, "the target of 30/04/2027 was 100%, 60% measured");
    assert_eq!(a.missed_phase, None);
    assert_eq!(a.missed_targets.len(), 1);
    assert_eq!(a.next_due.as_deref(), Some("2027-04-30"));
    let late = s.risk_late(Some(istat)).unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].missed_due, "2027-04-30");
    assert!(late[0].reason.contains("«100%»"), "{}", late[0].reason);
    let text = pdf(&s.risk_scheda(m.id, Some(istat), Format::Pdf).unwrap());
    assert!(text.contains("Stato di attuazione in ritardo"), "{text}");
    assert!(
        text.contains("Motivo del ritardo Il valore atteso «100%» per l'indicatore «Indicatore di prova» entro il 30/04/2027 non è stato raggiunto (ultimo valore rilevato: 60%)."),
        "{text}"
    );
    // The annex flags it too.
    let annex = pdf(&s.risk_annex(istat, Format::Pdf).unwrap());
    assert!(annex.contains("in corso (in ritardo)"), "{annex}");
    // Reached: no longer late.
    let a = s
        .record_risk_monitoring(
            a.id,
            &MonitoringInput {
                date: "2027-05-10".into(),
                state: MeasureState::InCorso,
                motivazione: String::new(),
                values: vec![Some("100".into())],
                version: Some(a.updated_at.clone()),
            },
        )
        .unwrap();
    assert!(!a.late);
    assert!(s.risk_late(Some(istat)).unwrap().is_empty());
}

/// The late list of all comuni says what each adoption's own rule says
/// (the plan's flags, reasons and dates), whether the newest entry holds a
/// value for every indicator whose date passed or only an older one does.
#[test]
fn the_late_list_agrees_with_each_adoptions_own_rule() {
    let mut s = store();
    let ev = common::risks::own_event(&mut s);
    let mut two = common::risks::measure(&s, ev.id);
    two.title = "Misura con due indicatori".into();
    two.indicators[0].target_date = "2027-04-30".into();
    let mut second = common::risks::indicator(IndicatorKind::Quantitativo, "10", "2");
    second.name = "Segnalazioni".into();
    second.target_date = "2027-04-30".into();
    two.indicators.push(second);
    let two = s.create_risk_measure(&two).unwrap();
    let mut ahead = common::risks::measure(&s, ev.id);
    ahead.title = "Misura con l'indicatore ancora da raggiungere".into();
    let ahead = s.create_risk_measure(&ahead).unwrap();
    let comuni: Vec<String> = COMUNI.iter().map(|(c, _)| c.to_string()).collect();
    common::risks::adopt_on(&mut s, "2027-01-10", &comuni, &[two.id, ahead.id]);
    let v = |x: &[Option<&str>]| x.iter().map(|v| v.map(str::to_string)).collect::<Vec<_>>();
    // Per comune: the entries of the measure with two indicators (oldest
    // first) and its last state.
    let entries: [Vec<(&str, Vec<Option<String>>, MeasureState)>; 4] = [
        // Never monitored: late by phase and by both targets.
        vec![],
        // Both reached in the newest entry.
        vec![(
            "2027-05-02",
            v(&[Some("100"), Some("1")]),
            MeasureState::InCorso,
        )],
        // The newest entry measured only the first: the second's value is
        // an older entry's, which missed it.
        vec![
            (
                "2027-04-20",
                v(&[Some("50"), Some("7")]),
                MeasureState::InCorso,
            ),
            ("2027-05-02", v(&[Some("100"), None]), MeasureState::InCorso),
        ],
        // An older entry reached the second; the newest missed the first;
        // implemented later: never late.
        vec![
            ("2027-04-20", v(&[None, Some("2")]), MeasureState::InCorso),
            ("2027-05-02", v(&[Some("60"), None]), MeasureState::Attuata),
        ],
    ];
    for (istat, list) in comuni.iter().zip(&entries) {
        for (date, values, state) in list {
            let a = s
                .risk_plan(istat)
                .unwrap()
                .adoptions
                .into_iter()
                .find(|a| a.measure_id == two.id)
                .unwrap();
            s.record_risk_monitoring(
                a.id,
                &MonitoringInput {
                    date: date.to_string(),
                    state: *state,
                    motivazione: String::new(),
                    values: values.clone(),
                    version: Some(a.updated_at.clone()),
                },
            )
            .unwrap();
        }
    }
    let late = s.risk_late(None).unwrap();
    let mut expected = Vec::new();
    for istat in &comuni {
        for a in s
            .risk_plan(istat)
            .unwrap()
            .adoptions
            .into_iter()
            .filter(|a| a.late)
        {
            expected.push((
                a.id,
                a.next_due.unwrap_or_default(),
                late_reason(a.missed_phase.as_deref(), &a.missed_targets),
            ));
        }
    }
    let mut got: Vec<_> = late
        .iter()
        .map(|l| (l.adoption_id, l.missed_due.clone(), l.reason.clone()))
        .collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    // Alì never monitored, Sant'Agata's second value missed in an older
    // entry: late by the measure with two indicators; Messina reached both
    // and Barcellona implemented it.
    let by_two: Vec<&str> = late
        .iter()
        .filter(|l| l.measure_id == two.id)
        .map(|l| l.istat.as_str())
        .collect();
    assert_eq!(by_two.len(), 2, "{late:#?}");
    assert!(by_two.contains(&"083002") && by_two.contains(&"083084"));
    let santagata = late
        .iter()
        .find(|l| l.measure_id == two.id && l.istat == "083084")
        .unwrap();
    assert!(
        santagata.reason.contains("«Segnalazioni»")
            && santagata.reason.contains("ultimo valore rilevato: 7"),
        "{}",
        santagata.reason
    );
    assert!(
        !santagata.reason.contains("«Indicatore di prova»"),
        "{}",
        santagata.reason
    );
}

// ------------------------------------------------------------ the comune's documents

/// The annex and the schede as adopted are the comune's documents: its
/// header, the Comunità di Pratiche named in the text, one title
/// («sottosezione 2.3»), «Giunta Municipale», «in convenzione con il Comune
/// di …», the simplified path of DM 132/2022 art. 6, and the network's
/// levels marked as estimates where the comune has not rated the event.
#[test]
fn a_comunes_documents_carry_its_header_and_its_words() {
    let mut s = store();
    for (istat, name) in COMUNI {
        let m = adopt(&mut s, istat);
        let upper = format!("COMUNE DI {}", name.to_uppercase());
        for (what, bytes) in [
            ("allegato", s.risk_annex(istat, Format::Pdf).unwrap()),
            (
                "scheda adottata",
                s.risk_scheda(m.id, Some(istat), Format::Pdf).unwrap(),
            ),
        ] {
            for (n, page) in pages(&bytes).iter().enumerate() {
                let lines: Vec<&str> = page
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                if lines.is_empty() {
                    continue;
                }
                assert_eq!(lines[0], upper, "{what} of {name}, page {}", n + 1);
                assert_eq!(
                    lines[1],
                    "Città Metropolitana di Messina",
                    "{what} of {name}, page {}",
                    n + 1
                );
                assert!(
                    !page.contains("Segreteria Generale"),
                    "{what} of {name}: the network's letterhead"
                );
            }
            let text = pdf(&bytes);
            assert!(
                text.contains(
                    "della Comunità di Pratiche dei RPCT della Città Metropolitana di Messina"
                ),
                "{what} of {name}"
            );
        }
        // The network's levels are marked as estimates (E-001, E-002: Alto).
        for (what, bytes) in [
            ("allegato", s.risk_annex(istat, Format::Docx).unwrap()),
            (
                "scheda adottata",
                s.risk_scheda(m.id, Some(istat), Format::Docx).unwrap(),
            ),
        ] {
            let text = docx_text(&bytes);
            assert!(
                text.contains(&format!("Alto ({ESTIMATED})")),
                "{what} of {name}: the network's level marked as an estimate"
            );
        }
        let annex = pdf(&s.risk_annex(istat, Format::Pdf).unwrap());
        assert!(annex
            .contains("Allegato alla sottosezione 2.3 «Rischi corruttivi e trasparenza» del PIAO"));
        assert!(
            !annex
                .replace("sottosezione 2.3", "")
                .contains("sezione 2.3"),
            "one title: {annex}"
        );
        assert!(annex.contains(
            "Allegato alla deliberazione della Giunta Municipale n. ____ del ____ di approvazione del PIAO"
        ));
        assert!(!annex.contains("Giunta comunale"));
        assert!(annex.contains("Segretario comunale in convenzione con il Comune di Torrenova"));
        assert!(annex.contains("modalità semplificate dell'art. 6 del D.M. 30 giugno 2022, n. 132"));
        assert!(annex.contains("concorsi e prove selettive"));
        // The DOCX says the same.
        let docx = flat(&docx_text(&s.risk_annex(istat, Format::Docx).unwrap()));
        assert!(docx.contains("in convenzione con il Comune di Torrenova"));
        assert!(docx.contains(ESTIMATED));
    }
    // The network's own documents keep the Città Metropolitana's letterhead.
    let m = measure_by_code(&s, "M-S-001");
    let first = pages(&s.risk_scheda(m.id, None, Format::Pdf).unwrap())[0].clone();
    assert!(first.contains("Città Metropolitana di Messina – Segreteria Generale"));
    assert!(!first.contains("COMUNE DI"));
}

/// Where the comune rated an event itself, its level is printed as its
/// own, without the mark; the events it did not rate keep the mark.
#[test]
fn the_comunes_own_rating_replaces_the_networks_estimate() {
    let mut s = store();
    let istat = "083084";
    let m = adopt(&mut s, istat);
    let e1 = m.events[0].id;
    let mut r = common::risks::rating([Level::M; 6], Level::M);
    r.motivazione = "Valutazione del Comune.".into();
    s.rate_risk_event_for_comune(istat, e1, &r, None).unwrap();
    let text = pdf(&s.risk_scheda(m.id, Some(istat), Format::Pdf).unwrap());
    assert!(text.contains(&format!(
        "Evento {} – valutazione del Comune",
        m.events[0].code
    )));
    assert!(text.contains(&format!(
        "Evento {} – livello {ESTIMATED}",
        m.events[1].code
    )));
    // In the annex's register: the comune's level for the event it rated,
    // the network's marked as an estimate for the other.
    let rows = docx_rows(&s.risk_annex(istat, Format::Docx).unwrap());
    let row_of = |code: &str| {
        rows.iter()
            .find(|r| r.len() == 5 && r[1].starts_with(&format!("{code} ")))
            .unwrap_or_else(|| panic!("the register's row of {code}"))
            .clone()
    };
    assert_eq!(row_of(&m.events[0].code)[3], "Medio");
    assert_eq!(row_of(&m.events[1].code)[3], format!("Alto ({ESTIMATED})"));
}

#[test]
fn convenzione_is_worded_with_the_comune() {
    use cdp_core::risks::scheda::convenzione;
    assert_eq!(
        convenzione("Comune di Torrenova"),
        "in convenzione con il Comune di Torrenova"
    );
    assert_eq!(
        convenzione("Torrenova"),
        "in convenzione con il Comune di Torrenova"
    );
    assert_eq!(
        convenzione("Torrenova e Capri Leone"),
        "in convenzione con i Comuni di Torrenova e Capri Leone"
    );
    assert!(convenzione("").contains("____"));
}

// ------------------------------------------------------------ catalogue

/// The overall judgement's motivation is printed once, also for the events
/// whose overall level is below their highest indicator (E-005, E-023).
#[test]
fn the_overall_motivation_is_printed_once() {
    let s = store();
    for code in ["E-005", "E-023"] {
        let ev_id = s
            .risk_tree(&CatalogueFilter::default())
            .unwrap()
            .into_iter()
            .flat_map(|a| a.processes)
            .flat_map(|p| p.events)
            .find(|e| e.code == code)
            .unwrap()
            .id;
        let ev = s.risk_event(ev_id).unwrap();
        let mot = ev.rating.as_ref().unwrap().motivazione.clone();
        let m = &ev.measures[0];
        let docx = docx_text(&s.risk_scheda(m.id, None, Format::Docx).unwrap());
        assert_eq!(
            docx.matches(mot.as_str()).count(),
            1,
            "{code}: the motivazione once in the scheda of {}",
            m.code
        );
    }
}

#[test]
fn the_catalogue_corrections_are_in_its_text() {
    let s = store();
    // M-G-11: delibera ANAC n. 264/2023 as amended by n. 601/2023.
    let mg11 = measure_by_code(&s, "M-G-11");
    assert!(mg11.description.contains(
        "all'allegato 1 della delibera ANAC n. 264 del 20 giugno 2023, come modificata e integrata dalla delibera n. 601 del 19 dicembre 2023"
    ));
    assert!(!mg11.description.contains("allegato 9 al PNA 2022"));
    // A general measure is cross-cutting, not tied to the areas of its events.
    let text = pdf(&s.risk_scheda(mg11.id, None, Format::Pdf).unwrap());
    assert!(
        text.contains("Area di rischio trasversale a tutte le aree di rischio"),
        "{text}"
    );
    assert!(text.contains("Processo tutti i processi dell'ente"));
    assert!(text.contains("Eventi rischiosi cui la misura si applica in particolare"));
    // M-S-003: art. 52 D.Lgs. 36/2023, the sample drawn by the office for controls.
    let ms3 = measure_by_code(&s, "M-S-003");
    assert!(ms3.description.contains("art. 52, comma 1, D.Lgs. 36/2023"));
    assert!(ms3
        .description
        .contains("a cura dell'ufficio preposto ai controlli interni"));
    assert!(!ms3.description.contains("il RPCT sorteggia"));
    assert!(ms3.responsabili[0].starts_with("Ufficio preposto ai controlli interni"));
    // The references re-checked: one removed, one corrected, one kept.
    let catalogue = pdf(&s.risk_catalogue_document(Format::Pdf).unwrap());
    assert!(!catalogue.contains("223/2017"));
    assert!(!catalogue.contains("procedura telematica del Ministero dell'interno"));
    assert!(catalogue.contains("circolare prot. n. 10832 del 4 agosto 2025"));
    assert!(catalogue.contains("art. 12 della L.R. 12/2011 come riformulato dalla L.R. 12/2023"));
    assert!(catalogue.contains("delibera n. 601 del 19 dicembre 2023"));
}

/// A card's field block (from «Area di rischio» to «Revisione») is never
/// split across pages of the catalogue.
#[test]
fn a_cards_field_block_stays_on_one_page() {
    let s = store();
    let bytes = s.risk_catalogue_document(Format::Pdf).unwrap();
    let mut cards = 0;
    for (n, page) in pages(&bytes).iter().enumerate() {
        let starts = |label: &str| {
            page.lines()
                .filter(|l| l.trim_start().starts_with(label))
                .count()
        };
        let (open, close) = (starts("Area di rischio "), starts("Revisione "));
        assert_eq!(open, close, "page {}: a field block split", n + 1);
        cards += open;
    }
    assert!(cards > 30, "the catalogue's cards: {cards}");
    // In the DOCX each row of a card's field table is kept with the next.
    let docx = s.risk_catalogue_document(Format::Docx).unwrap();
    let out = docx_python(
        &docx,
        r#"
import sys, docx
d = docx.Document(sys.argv[1])
cards = split = 0
for t in d.tables:
    if t.rows[0].cells[0].text != 'Area di rischio':
        continue
    cards += 1
    for r in t.rows[:-1]:
        if not all(p.paragraph_format.keep_with_next for c in r.cells for p in c.paragraphs):
            split += 1
print(cards, split)
"#,
        &[],
    );
    let (docx_cards, split) = out.trim().split_once(' ').unwrap();
    assert_eq!(docx_cards, cards.to_string(), "the DOCX's cards");
    assert_eq!(split, "0", "rows not kept with the next");
}

// ------------------------------------------------------------ shipped revision

/// A catalogue revision the application ships reaches an archive seeded
/// before it, item by item, where the user has not changed the item; what
/// the user changed is kept. Once.
#[test]
fn a_shipped_revision_reaches_an_older_archive_where_the_user_changed_nothing() {
    let mut s = store();
    let ms3 = measure_by_code(&s, "M-S-003");
    let mg11 = measure_by_code(&s, "M-G-11");
    // The archive as the first shipped catalogue left it.
    let old_desc = "Il RPCT sorteggia ogni trimestre almeno il 10% degli affidamenti.";
    let conn = s.connection();
    conn.execute(
        "UPDATE risk_measure SET description = ?1 WHERE id = ?2",
        rusqlite::params![old_desc, ms3.id],
    )
    .unwrap();
    conn.execute(
        "UPDATE risk_source SET citation = ?1 WHERE code = 'DPR380-31'",
        [SHIPPED_REVISIONS[0].sources[0].1],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO risk_source (code, citation) VALUES (?1, ?2)",
        [
            SHIPPED_REVISIONS[0].removed_sources[0].0,
            SHIPPED_REVISIONS[0].removed_sources[0].1,
        ],
    )
    .unwrap();
    conn.execute(
        "UPDATE setting SET value = '1' WHERE key = 'risks_catalogue_shipped'",
        [],
    )
    .unwrap();
    // The user changed M-G-11 (revision 2, theirs).
    let mut input = common::risks::measure(&s, mg11.events[0].id);
    input.title = "Trasparenza: la versione del Comune".into();
    input.general = true;
    input.general_measure = mg11.general_measure.clone();
    input.version = Some(mg11.updated_at.clone());
    let mine = s.update_risk_measure(mg11.id, &input).unwrap();
    assert_eq!(mine.revision, 2);

    s.seed_risks_if_empty().unwrap();

    let ms3 = s.risk_measure(ms3.id).unwrap();
    assert_eq!(ms3.revision, 2, "M-S-003 takes the shipped revision");
    assert!(ms3.description.contains("art. 52, comma 1, D.Lgs. 36/2023"));
    let revs = s.risk_measure_revisions(ms3.id).unwrap();
    assert_eq!(revs[0].operator, SHIPPED_OPERATOR);
    let mg11 = s.risk_measure(mg11.id).unwrap();
    assert_eq!(
        mg11.title, "Trasparenza: la versione del Comune",
        "the user's change kept"
    );
    assert_eq!(mg11.revision, 2);
    let v = s.risk_vocabulary().unwrap();
    assert!(v.sources.iter().all(|x| x.code != "CDC-SIC-2017"));
    assert!(v
        .sources
        .iter()
        .any(|x| x.code == "DPR380-31" && x.citation.contains("10832")));
    assert!(v.sources.iter().any(|x| x.code == "ANAC-264-2023"));
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM audit WHERE action = 'update_catalogue'"
        ),
        1
    );
    // Once: opening again changes nothing.
    s.seed_risks_if_empty().unwrap();
    assert_eq!(s.risk_measure(ms3.id).unwrap().revision, 2);
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM audit WHERE action = 'update_catalogue'"
        ),
        1
    );
    // A new archive is seeded with the latest catalogue at revision 1.
    let fresh = store();
    assert_eq!(measure_by_code(&fresh, "M-S-003").revision, 1);
}

// ------------------------------------------------------------ validation

#[test]
fn a_validation_needs_a_past_date_and_an_act() {
    let mut s = store();
    let good = ValidationInput {
        date: "12/03/2027".into(),
        act: "Verbale della riunione plenaria dei RPCT n. 2".into(),
        version: None,
    };
    common::assert_refused(
        vec![
            (
                common::with(&good, |v| v.date = "16/05/2027".into()),
                "date",
                "successiva a oggi",
            ),
            (
                common::with(&good, |v| v.date = String::new()),
                "date",
                "obbligatorio",
            ),
            (
                common::with(&good, |v| v.date = "31/02/2027".into()),
                "date",
                "",
            ),
            (
                common::with(&good, |v| v.act = "   ".into()),
                "act",
                "indicare l'atto",
            ),
            (
                common::with(&good, |v| v.act = "x".repeat(501)),
                "act",
                "500",
            ),
        ],
        |v| s.validate_risk_catalogue(v),
    );
    assert!(s.risk_validation().unwrap().last.is_none());
    let st = s.validate_risk_catalogue(&good).unwrap();
    assert_eq!(st.last.as_ref().unwrap().date, "2027-03-12");
    // A form that did not see this validation is stale.
    let err = s.validate_risk_catalogue(&good).unwrap_err();
    assert_eq!(err.code(), "conflict", "{err}");
}

/// After the validation the schede and the catalogue say the measures were
/// validated (by what, when) instead of «Proposta della Segreteria tecnica,
/// da validare»; a measure changed afterwards is a proposal again.
#[test]
fn validated_measures_say_so_and_a_later_change_is_a_proposal_again() {
    let mut s = store();
    let m = measure_by_code(&s, "M-S-001");
    let before = pdf(&s.risk_scheda(m.id, None, Format::Pdf).unwrap());
    assert!(before.contains("Proposta della Segreteria tecnica, da validare"));
    s.validate_risk_catalogue(&ValidationInput {
        date: "2027-03-12".into(),
        act: "verbale della riunione plenaria dei RPCT n. 2".into(),
        version: None,
    })
    .unwrap();
    let said = "Validata dalla rete il 12/03/2027 (verbale della riunione plenaria dei RPCT n. 2)";
    let scheda = pdf(&s.risk_scheda(m.id, None, Format::Pdf).unwrap());
    assert!(scheda.contains(said), "{scheda}");
    assert!(!scheda.contains("da validare"));
    let catalogue = pdf(&s.risk_catalogue_document(Format::Pdf).unwrap());
    assert!(catalogue.contains(
        "Catalogo validato dalla rete il 12/03/2027 (verbale della riunione plenaria dei RPCT n. 2)"
    ));
    assert!(!catalogue.contains("Proposta della Segreteria tecnica, da validare"));
    // A change after the validation.
    let ms2 = measure_by_code(&s, "M-S-002");
    let mut input = common::risks::measure(&s, ms2.events[0].id);
    input.version = Some(ms2.updated_at.clone());
    s.update_risk_measure(ms2.id, &input).unwrap();
    let st = s.risk_validation().unwrap();
    assert_eq!(st.changed_since, vec!["M-S-002".to_string()]);
    assert!(st.status.ends_with("da validare: M-S-002"), "{}", st.status);
    assert!(s
        .risk_measure(ms2.id)
        .unwrap()
        .status
        .starts_with("Revisione 2 proposta dalla Segreteria tecnica dopo la validazione della rete del 12/03/2027"));
    assert!(s
        .risk_measure(m.id)
        .unwrap()
        .status
        .starts_with("Validata dalla rete"));
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM audit WHERE action = 'validate'"),
        1
    );
}

/// The indicator dates of the revision a comune adopted decide, not the
/// measure's current ones: moving a target's date earlier makes late only
/// the adoptions of the new revision (the list and each adoption agree).
/// The late list reads each adoption's earliest phase after its last
/// monitoring from a column the archive keeps (0021's triggers): after every
/// writer of phases or monitoring it says what the adoption's own rule says.
#[test]
fn the_late_list_follows_every_change_of_phases_and_monitoring() {
    let mut s = store();
    let ev = common::risks::own_event(&mut s);
    let m = s
        .create_risk_measure(&common::risks::measure(&s, ev.id))
        .unwrap();
    let istat = COMUNI[0].0.to_string();
    common::risks::adopt_on(&mut s, "2027-01-10", std::slice::from_ref(&istat), &[m.id]);
    let id = s.risk_plan(&istat).unwrap().adoptions[0].id;
    // The list's date and reason against the adoption's own.
    let check = |s: &Store, expect_late: Option<&str>| {
        let a = s.risk_adoption(id).unwrap();
        let listed: Vec<_> = s
            .risk_late(None)
            .unwrap()
            .into_iter()
            .filter(|l| l.adoption_id == id)
            .map(|l| (l.missed_due, l.reason))
            .collect();
        let own: Vec<_> = a
            .late
            .then(|| {
                (
                    a.next_due.clone().unwrap_or_default(),
                    late_reason(a.missed_phase.as_deref(), &a.missed_targets),
                )
            })
            .into_iter()
            .collect();
        assert_eq!(listed, own);
        assert_eq!(a.missed_phase.as_deref(), expect_late, "{a:#?}");
    };
    // Adopted, never monitored: the phase of 31 March passed.
    check(&s, Some("2027-03-31"));
    let monitor = |s: &mut Store, date: &str| {
        let a = s.risk_adoption(id).unwrap();
        s.record_risk_monitoring(
            id,
            &MonitoringInput {
                date: date.into(),
                state: MeasureState::InCorso,
                motivazione: String::new(),
                values: vec![None],
                version: Some(a.updated_at),
            },
        )
        .unwrap();
    };
    // Monitored after it: the next phase (30 September) is ahead.
    monitor(&mut s, "2027-04-10");
    check(&s, None);
    // The phases changed: one on 30 April, after the monitoring, passed.
    let a = s.risk_adoption(id).unwrap();
    let mut phases = a.phases.clone();
    phases.push(Phase {
        description: "Verifica intermedia".into(),
        due: "2027-04-30".into(),
    });
    s.update_risk_adoption(
        id,
        &AdoptionAdjust {
            responsabili: None,
            phases: Some(phases),
        },
        Some(&a.updated_at),
    )
    .unwrap();
    check(&s, Some("2027-04-30"));
    // An entry dated before the newest one leaves the newest date in force.
    monitor(&mut s, "2027-02-01");
    check(&s, Some("2027-04-30"));
    // Monitored after it: not late.
    monitor(&mut s, "2027-05-02");
    check(&s, None);
    // The day moves past 30 September with no monitoring since: late again.
    s.set_clock(Clock::Fixed(day("2027-10-05")));
    check(&s, Some("2027-09-30"));
    // Withdrawn: gone from the list.
    let a = s.risk_adoption(id).unwrap();
    s.withdraw_risk_adoption(id, Some(&a.updated_at)).unwrap();
    assert!(s
        .risk_late(None)
        .unwrap()
        .iter()
        .all(|l| l.adoption_id != id));
}

#[test]
fn the_late_list_reads_the_indicator_dates_of_the_revision_adopted() {
    let mut s = store();
    let ev = common::risks::own_event(&mut s);
    let input = common::risks::measure(&s, ev.id);
    let m = s.create_risk_measure(&input).unwrap();
    let (before, after) = ("083048".to_string(), "083001".to_string());
    common::risks::adopt_on(&mut s, "2027-01-10", std::slice::from_ref(&before), &[m.id]);
    let mut edited = input.clone();
    edited.indicators[0].target_date = "2027-04-30".into();
    edited.version = Some(m.updated_at.clone());
    s.update_risk_measure(m.id, &edited).unwrap();
    common::risks::adopt_on(&mut s, "2027-05-01", std::slice::from_ref(&after), &[m.id]);
    // Both monitored after the phase of 31 March, 50% measured.
    for (istat, date) in [(&before, "2027-04-01"), (&after, "2027-05-02")] {
        let a = s.risk_plan(istat).unwrap().adoptions[0].clone();
        s.record_risk_monitoring(
            a.id,
            &MonitoringInput {
                date: date.into(),
                state: MeasureState::InCorso,
                motivazione: String::new(),
                values: vec![Some("50".into())],
                version: Some(a.updated_at.clone()),
            },
        )
        .unwrap();
    }
    let old = s.risk_plan(&before).unwrap().adoptions[0].clone();
    let new = s.risk_plan(&after).unwrap().adoptions[0].clone();
    assert_eq!((old.revision, new.revision), (1, 2));
    assert!(!old.late, "its revision's target is due on 31/12/2027");
    assert!(new.late, "its revision's target was due on 30/04/2027");
    let late = s.risk_late(None).unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].adoption_id, new.id);
    assert_eq!(late[0].missed_due, "2027-04-30");
    assert_eq!(
        late[0].reason,
        late_reason(new.missed_phase.as_deref(), &new.missed_targets)
    );
    assert_eq!(s.risk_late(Some(&after)).unwrap(), late);
    assert!(s.risk_late(Some(&before)).unwrap().is_empty());
}
