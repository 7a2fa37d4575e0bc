//! Issue 20, «Training»: the attestati as the Segretario Generale signs
//! them (the signature's formula, the signatory required, the event's
//! title where the sentence names it, the level not attributed to the law,
//! the yearly hours as the ente plans them, the register of a number of the
//! next year), and no text under 8 pt in the month grids, the year overview
//! and a large organigram; and the custom content laid out by the composer.

mod common;

use cdp_core::documents::compose::{compose, Draw};
use cdp_core::documents::model::{Block, Document};
use cdp_core::training::attestati::Certificate;
use cdp_core::training::documents::{calendar_report, year_report, MIN_TEXT};
use cdp_core::training::participants::ParticipantInput;
use cdp_core::training::{EventInput, EventQuery};
use cdp_core::Store;
use chrono::NaiveDate;
use common::docs::pdf_text;

/// A store whose letterhead names the signatory, an event of 9 March 2027
/// and a participant present at it.
fn fixture(signatory: &str) -> (Store, i64, i64) {
    // Today after the event and its year: attendance and attestati are taken.
    let mut s = common::store_on("2028-01-31");
    let mut st = s.settings().unwrap();
    st.signatory_name = signatory.into();
    s.save_settings(&st).unwrap();
    let e = s
        .create_training_event(&common::training::event("2027-03-09"))
        .unwrap();
    let p = s
        .add_training_participant(&ParticipantInput {
            full_name: "Maria Concetta Lo Presti Scaffidi".into(),
            istat: Some("083048".into()),
            ..Default::default()
        })
        .unwrap();
    s.set_training_attendance(e.id, p.id, true, 180).unwrap();
    (s, e.id, p.id)
}

fn text_of(s: &Store, c: &Certificate) -> String {
    pdf_text(&s.certificate_pdf(c.id).unwrap().0, &[])
}

/// The text with its lines joined by spaces (a sentence may wrap anywhere).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn an_unsigned_attestato_says_that_the_printed_name_replaces_the_autograph_signature() {
    let (mut s, e, p) = fixture("Maria Rossi");
    let c = s.issue_event_certificate(e, p, "2027-03-10").unwrap();
    let y = s.issue_year_certificate(p, 2027, "2028-01-10").unwrap();
    for c in [c, y] {
        let text = flat(&text_of(&s, &c));
        assert!(
            text.contains("Maria Rossi Firma autografa sostituita a mezzo stampa ai sensi dell'art. 3, comma 2, del D.Lgs. 12 febbraio 1993, n. 39"),
            "{text}"
        );
        assert!(!text.contains("digitalmente"), "{text}");
    }
}

#[test]
fn signed_digitally_by_the_settings_the_batch_says_so_and_the_attestato_prints_the_formula() {
    let (mut s, e, _) = fixture("Maria Rossi");
    let dir = tempfile::tempdir().unwrap();
    let mut settings = s.training_settings().unwrap();
    assert!(!settings.sign_digitally, "printed name by default");
    settings.sign_digitally = true;
    // The saved settings carry their new version (the next save would be stale otherwise).
    settings = s.save_training_settings(&settings).unwrap();
    let done = s
        .issue_event_certificates_to(
            e,
            "2027-03-10",
            dir.path(),
            cdp_core::documents::batch::OnExisting::Suffix,
            &|_| {},
            &cdp_core::job::CancelToken::new(),
        )
        .unwrap();
    let to_do = done
        .to_do
        .expect("the batch says what to do before sending");
    assert!(
        to_do.contains("firmarli digitalmente") && to_do.contains("prima di inviarli"),
        "{to_do}"
    );
    let text = flat(&text_of(&s, &done.issued[0]));
    assert!(
        text.contains(
            "Maria Rossi Documento firmato digitalmente ai sensi del D.Lgs. 7 marzo 2005, n. 82"
        ),
        "{text}"
    );
    assert!(!text.contains("Firma autografa"), "{text}");
    // Back to the printed name: the batch has nothing more to say.
    settings.sign_digitally = false;
    s.save_training_settings(&settings).unwrap();
    let p2 = s
        .add_training_participant(&ParticipantInput {
            full_name: "Giuseppe Bianco".into(),
            ..Default::default()
        })
        .unwrap();
    s.set_training_attendance(e, p2.id, true, 180).unwrap();
    let done = s
        .issue_event_certificates_to(
            e,
            "2027-03-10",
            dir.path(),
            cdp_core::documents::batch::OnExisting::Suffix,
            &|_| {},
            &cdp_core::job::CancelToken::new(),
        )
        .unwrap();
    assert_eq!(done.to_do, None);
}

#[test]
fn issuing_is_refused_while_the_signatory_name_is_not_set() {
    let (mut s, e, p) = fixture("  ");
    // Said before the folder is asked.
    let err = s.check_certificate_date(e, "2027-03-10").unwrap_err();
    assert_eq!(err.field(), Some("signatory_name"));
    let err = s.issue_event_certificate(e, p, "2027-03-10").unwrap_err();
    assert_eq!(err.code(), "validation");
    assert_eq!(err.field(), Some("signatory_name"));
    assert!(err.to_string().contains("nome del firmatario"), "{err}");
    let err = s
        .issue_event_certificates(e, "2027-03-10", &mut |_, _| true)
        .unwrap_err();
    assert_eq!(err.field(), Some("signatory_name"));
    let err = s.issue_year_certificate(p, 2027, "2028-01-10").unwrap_err();
    assert_eq!(err.field(), Some("signatory_name"));
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM training_certificate"),
        0,
        "no number used"
    );
}

#[test]
fn the_events_title_comes_right_after_ha_partecipato_alla_giornata_formativa() {
    let (mut s, e, p) = fixture("Maria Rossi");
    let c = s.issue_event_certificate(e, p, "2027-03-10").unwrap();
    let text = flat(&text_of(&s, &c));
    assert!(
        text.contains("ha partecipato alla giornata formativa «Il PIAO e la sezione anticorruzione» della Comunità di Pratiche, svoltasi in modalità webinar, il giorno martedì 9 marzo 2027"),
        "{text}"
    );
}

#[test]
fn the_level_of_the_training_is_not_attributed_to_the_law() {
    let (mut s, e, p) = fixture("Maria Rossi");
    let c = s.issue_event_certificate(e, p, "2027-03-10").unwrap();
    let text = flat(&text_of(&s, &c));
    assert!(
        text.contains("area tematica «Anticorruzione e Trasparenza», formazione di livello generale, per una durata riconosciuta di 3 ore di formazione."),
        "{text}"
    );
    assert!(!text.contains("190"), "{text}");
}

#[test]
fn the_yearly_hours_count_for_the_duty_as_the_ente_plans_it() {
    let (mut s, _, p) = fixture("Maria Rossi");
    let y = s.issue_year_certificate(p, 2027, "2028-01-10").unwrap();
    let text = flat(&text_of(&s, &y));
    assert!(
        text.contains("per complessive 3 ore di formazione, utili ai fini dell'obbligo formativo secondo la programmazione dell'ente di appartenenza."),
        "{text}"
    );
    assert!(!text.contains("190"), "{text}");
}

#[test]
fn a_number_of_the_next_years_register_says_so() {
    let (mut s, e, p) = fixture("Maria Rossi");
    let c = s.issue_event_certificate(e, p, "2027-03-10").unwrap();
    let y = s.issue_year_certificate(p, 2027, "2028-01-10").unwrap();
    let yearly = flat(&text_of(&s, &y));
    assert!(
        yearly.contains("anno 2027 Attestato n. 2028/0001 (registro 2028)"),
        "{yearly}"
    );
    let event = flat(&text_of(&s, &c));
    assert!(event.contains("n. 2027/0001"), "{event}");
    assert!(!event.contains("registro 2027)"), "{event}");
}

/// Every text the composer sets, with its page: (page, size, text).
fn texts(doc: &Document) -> Vec<(usize, f32, String)> {
    compose(doc)
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            p.draws.iter().filter_map(move |d| match d {
                Draw::Text(t) => Some((
                    i + 1,
                    t.size,
                    t.runs.iter().map(|r| r.1.as_str()).collect::<String>(),
                )),
                _ => None,
            })
        })
        .collect()
}

fn assert_no_text_under_8_pt(what: &str, doc: &Document) {
    for (page, size, text) in texts(doc) {
        assert!(
            size >= MIN_TEXT - 1e-3,
            "{what}, page {page}: «{text}» at {size} pt"
        );
    }
}

/// A busy spring: events on holidays and several on one day.
fn busy_year(s: &mut Store) -> Vec<cdp_core::training::Event> {
    let on = |date: &str, start: &str, title: &str| EventInput {
        start_time: start.into(),
        end_time: "23:00".into(),
        title: title.into(),
        ..common::training::event(date)
    };
    for (date, start, title) in [
        (
            "2027-03-29",
            "09:00",
            "Il whistleblowing nel D.Lgs. 24/2023",
        ),
        (
            "2027-03-29",
            "15:00",
            "Il conflitto di interessi negli appalti",
        ),
        (
            "2027-03-29",
            "17:00",
            "Trasparenza e accesso civico generalizzato",
        ),
        ("2027-04-26", "10:00", "Gli obblighi di pubblicazione"),
        ("2027-12-09", "10:00", "La relazione annuale del RPCT"),
        ("2027-12-09", "15:00", "Il monitoraggio delle misure"),
    ] {
        s.create_training_event(&on(date, start, title)).unwrap();
    }
    s.training_events(&EventQuery::default()).unwrap()
}

#[test]
fn no_text_under_8_pt_in_the_month_grids_and_the_year_overview() {
    let mut s = common::store_on("2028-01-31");
    let events = busy_year(&mut s);
    let d = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
    // March to June: Easter Monday, the Liberation, Labour and Republic days.
    let calendar = calendar_report(&events, d("2027-03-01"), d("2027-06-30"));
    assert_no_text_under_8_pt("calendario", &calendar);
    let year = year_report(&events, 2027);
    assert_no_text_under_8_pt("quadro annuale", &year);
    // Nothing was dropped to make room: every holiday's name, the legend and
    // the days with several events (with their count) are printed whole.
    let all = |doc: &Document| {
        texts(doc)
            .into_iter()
            .map(|t| t.2)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let grid = flat(&all(&calendar));
    for name in [
        "Lunedì dell'Angelo (Pasquetta)",
        "Festa della Liberazione",
        "Festa del Lavoro",
        "Festa della Repubblica",
        "giorni festivi e domeniche in grigio",
    ] {
        assert!(grid.contains(name), "{name}: {grid}");
    }
    assert!(!grid.contains('…') || !grid.contains("Pasquet…"), "{grid}");
    let overview = all(&year);
    for day in ["29 (3)", "9 (2)"] {
        assert!(overview.contains(day), "{day}: {overview}");
    }
    for initial in ["lu", "ma", "me", "gi", "ve", "sa", "do"] {
        assert!(overview.contains(initial), "{initial}");
    }
}

#[test]
fn no_text_under_8_pt_in_a_large_organigram() {
    use cdp_core::organigram::documents::{chart_report, print_layout};
    let s = common::store();
    let mut o = s
        .organigram(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
        .unwrap();
    // A large group: twenty working tables under the root, each with a
    // description, beside the units with branches (the zones).
    let root = o.nodes.iter().position(|n| n.parent.is_none()).unwrap();
    for i in 0..20 {
        let mut n = o.nodes[root].clone();
        n.key = format!("u9{i:02}");
        n.parent = Some(root);
        n.depth = 1;
        n.children = Vec::new();
        n.name = format!("Tavolo tematico n. {}", i + 1);
        n.kind_label = "Tavolo tematico".into();
        n.description = Some("Gruppo di lavoro sulle misure di prevenzione".into());
        n.members.clear();
        n.ex_officio = None;
        let at = o.nodes.len();
        o.nodes.push(n);
        o.nodes[root].children.push(at);
    }
    for collapsed in [vec![], vec!["u1".to_string()]] {
        let doc = chart_report(&o, &print_layout(&o, &collapsed));
        assert!(
            doc.blocks.iter().any(|b| matches!(b, Block::Element(_))),
            "the chart is an element the composer places"
        );
        assert_no_text_under_8_pt("organigramma", &doc);
        let pages = compose(&doc);
        assert_eq!(pages.len(), 1, "one page");
    }
}

#[test]
fn a_zones_forty_four_rpct_print_at_8_pt_at_least_with_every_name() {
    use cdp_core::organigram::documents::{chart_report, print_layout};
    let mut s = common::store_on("2028-01-31");
    let zone = s
        .zones()
        .unwrap()
        .into_iter()
        .max_by_key(|z| z.comuni)
        .unwrap();
    let codes: Vec<String> = s
        .list_comuni(&cdp_core::registry::ComuneQuery {
            zone: Some(zone.id.to_string()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|c| c.istat)
        .collect();
    assert!(codes.len() >= 40, "{}", codes.len());
    for (i, c) in codes.iter().enumerate() {
        s.add_referent(
            c,
            &common::registry::rpct(&format!("Responsabile Numero {i}")),
        )
        .unwrap();
    }
    let zu = common::organigram::unit_id(&s, "Zone omogenee");
    let u = s.org_unit(zu).unwrap();
    s.update_org_unit(
        zu,
        &cdp_core::organigram::units::UnitInput {
            name: u.name,
            kind: u.kind,
            shows_zones: true,
            shows_rpct: true,
            version: Some(u.updated_at),
            ..Default::default()
        },
    )
    .unwrap();
    let on = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let o = s.organigram(on).unwrap();
    // The screen's layout would print it at 7.7 pt on A3: the print's
    // layout is tighter instead.
    let doc = chart_report(&o, &print_layout(&o, &[]));
    assert_no_text_under_8_pt("organigramma", &doc);
    let pdf = s.org_chart_pdf(on, &[]).unwrap();
    if let Some(dir) = std::env::var_os("ORG_SAMPLE_DIR") {
        std::fs::write(
            std::path::Path::new(&dir).join("organigramma-44-rpct.pdf"),
            &pdf,
        )
        .unwrap();
    }
    let text = pdf_text(&pdf, &[]);
    for i in 0..codes.len() {
        assert!(
            text.contains(&format!("RPCT: Responsabile Numero {i}\n")),
            "RPCT {i} missing:\n{text}"
        );
    }
}

#[test]
fn a_yearly_summary_of_many_pages_keeps_its_signature_with_its_formula() {
    let (mut s, _, p) = fixture("Maria Rossi");
    for i in 0..45 {
        let date = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap() + chrono::Duration::days(7 * i);
        let e = s
            .create_training_event(&EventInput {
                title: format!("Incontro di approfondimento n. {}", i + 1),
                ..common::training::event(&date.to_string())
            })
            .unwrap();
        s.set_training_attendance(e.id, p, true, 180).unwrap();
    }
    let y = s.issue_year_certificate(p, 2027, "2028-01-10").unwrap();
    let pdf = s.certificate_pdf(y.id).unwrap().0;
    if let Some(dir) = std::env::var_os("TRAINING_SAMPLE_DIR") {
        std::fs::write(
            std::path::Path::new(&dir).join("attestato-annuale-lungo.pdf"),
            &pdf,
        )
        .unwrap();
    }
    let pages = common::docs::pdf_pages(&pdf);
    assert!(pages >= 2, "{pages}");
    let mut signed_on = None;
    for page in 1..=pages {
        let n = page.to_string();
        let text = flat(&pdf_text(&pdf, &["-f", &n, "-l", &n]));
        // The register line on every page, the table's header on each.
        assert!(text.contains("Codice di verifica"), "page {page}: {text}");
        if page < pages {
            assert!(
                text.contains("Attività e area tematica"),
                "page {page}: {text}"
            );
        }
        if text.contains("Maria Rossi Firma autografa sostituita a mezzo stampa") {
            signed_on = Some(page);
        }
    }
    assert_eq!(
        signed_on,
        Some(pages),
        "signatory and formula together, last"
    );
}

#[test]
fn the_docx_writer_gets_the_custom_contents_text() {
    use cdp_core::documents::element::Decoration;
    use cdp_core::documents::model::Styled;
    use cdp_core::documents::{render, Format, Meta};
    use cdp_core::organigram::documents::{chart_report, print_layout};
    let s = common::store();
    let o = s
        .organigram(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
        .unwrap();
    let mut doc = chart_report(&o, &print_layout(&o, &[]));
    doc.blocks.insert(
        0,
        Block::Decoration(Decoration {
            frame: None,
            inset: 0.0,
            foot: Some("Riga del registro in calce.".into()),
        }),
    );
    doc.blocks.push(Block::Styled(Styled::centred(
        "Riga finale centrata",
        12.0,
        true,
        6.0,
    )));
    let docx = render(&doc, Format::Docx, &Meta::new("Prova", "Prova")).unwrap();
    let text = common::docs::docx_text(&docx.bytes);
    for want in [
        "Organigramma del gruppo di lavoro della Comunità di Pratiche",
        "Responsabile del progetto – Segretario Generale:",
        "Zone omogenee – I referenti di zona",
        "Riga finale centrata",
        "Riga del registro in calce.",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    // The foot closes the document.
    assert!(
        text.trim_end().ends_with("Riga del registro in calce."),
        "{text}"
    );
}
