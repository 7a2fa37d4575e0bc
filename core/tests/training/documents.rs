use super::*;
use cdp_core::documents::Format;
use cdp_core::training::documents::CalendarDoc;
use common::docs::{docx_python, pdf_text, qpdf_ok};

fn sample() -> cdp_core::Store {
    let mut s = common::store();
    s.create_training_series(&event("2027-03-09"), Frequency::MonthlyWeekday, 3)
        .unwrap();
    // A crowded day: ten events on 17 March.
    let titles = [
        "Tavolo tematico sui contratti pubblici sotto soglia e il nuovo codice (d.lgs. 36/2023)",
        "Incontro RPCT: monitoraggio",
        "Privacy e trasparenza: il bilanciamento nelle pubblicazioni",
        "Green Public Procurement: CAM edilizia",
        "Modulistica unificata",
        "Metropoli Strategiche",
        "Accesso civico generalizzato",
        "Whistleblowing (d.lgs. 24/2023)",
        "Codice di comportamento",
        "Rotazione del personale",
    ];
    for (i, t) in titles.iter().enumerate() {
        let kind = [
            "tavolo",
            "incontro_rpct",
            "giornata",
            "giornata",
            "giornata",
            "tavolo",
            "giornata",
            "giornata",
            "giornata",
            "giornata",
        ][i];
        s.create_training_event(&EventInput {
            title: t.to_string(),
            kind: kind.into(),
            start_time: format!("{:02}:00", 8 + i),
            end_time: format!("{:02}:30", 8 + i),
            ..event("2027-03-17")
        })
        .unwrap();
    }
    let z = s.zones().unwrap()[0].id;
    s.create_training_event(&EventInput {
        title: "Incontro decentrato della zona: la mappatura dei processi".into(),
        kind: "incontro_zona".into(),
        mode: "presenza".into(),
        zone_id: Some(z),
        place: Some(
            "Sala consiliare del Comune di Sant'Agata di Militello, Piazza Municipio".into(),
        ),
        link: None,
        ..event("2027-04-22")
    })
    .unwrap();
    let last = s
        .training_events(&EventQuery {
            from: Some("2027-05-01".into()),
            ..Default::default()
        })
        .unwrap();
    s.cancel_training_event(last[0].id, None).unwrap();
    s
}

/// The month grid: event text of at least 8 pt; each title cut by the
/// width of its day (whole when it fits), never by a count of words.
#[test]
fn month_grid_readable_and_cut_by_width() {
    use cdp_core::documents::lines::fit_text;
    use cdp_core::documents::model::Shape;
    let s = sample();
    let events = s
        .training_events(&EventQuery {
            from: Some("2027-03-01".into()),
            to: Some("2027-03-31".into()),
            ..Default::default()
        })
        .unwrap();
    use cdp_core::documents::element::Element;
    let (w, h) = cdp_core::documents::model::PageSize::A4Landscape.content();
    let shapes = cdp_core::training::documents::MonthGrid {
        year: 2027,
        month: 3,
        events,
    }
    .draw(w, h);
    let mut seen = 0;
    for sh in &shapes {
        if let Shape::Text {
            text, size, w, h, ..
        } = sh
        {
            let event = [" W ", " P ", " M "].iter().any(|m| text.contains(m))
                && text.contains(':')
                || text.contains("altri");
            if !event || text.starts_with("Legenda") {
                continue;
            }
            seen += 1;
            assert!(*size >= 8.0, "{text}: {size} pt");
            let (lines, cut) = fit_text(text, *w, *size, false, 20);
            assert!(
                !cut && lines.len() as f32 * size * 1.2 <= h + 1.0,
                "{text} fits its box"
            );
        }
    }
    assert!(seen >= 8, "{seen}");
    let texts: Vec<String> = shapes
        .iter()
        .filter_map(|sh| match sh {
            Shape::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    // A quiet day shows the whole title.
    assert!(
        texts
            .iter()
            .any(|t| t == "● 10:00 W Il PIAO e la sezione anticorruzione"),
        "{texts:?}"
    );
}

#[test]
fn calendar_programme_docx_and_year() {
    let s = sample();
    let q = EventQuery::default();
    let out = std::env::var("TRAINING_DOCS_DIR").ok();
    let (cal, name) = s
        .training_document(
            CalendarDoc::Calendar,
            Format::Pdf,
            &q,
            "01/03/2027",
            "31/05/2027",
        )
        .unwrap();
    assert_eq!(name, "Calendario_formazione_2027-03-01_2027-05-31.pdf");
    qpdf_ok(&cal);
    let text = pdf_text(&cal, &["-layout"]);
    assert!(text.contains("Calendario della formazione – Marzo 2027"));
    assert!(text.contains("Aprile 2027") && text.contains("Maggio 2027"));
    assert!(
        text.contains("Città Metropolitana di Messina") && text.contains("Comunità di Pratiche")
    );
    assert!(
        text.contains("+") && text.contains("altri"),
        "a crowded day says how many more"
    );
    assert!(text.contains("Pasquetta"));
    assert!(text.contains("Programma formativo"));
    assert!(text.contains("ANNULLATO"));
    for t in [
        "Il PIAO e la sezione anticorruzione",
        "Incontro decentrato della zona",
    ] {
        assert!(
            text.replace('\n', " ").contains(t) || text.contains(&t[..20]),
            "{t}"
        );
    }
    // Every event of the period: in the grid its time, mode letter and the
    // start of its title (cut with "…" to fit its day), in the list its whole title.
    let flat_cal = pdf_text(&cal, &["-raw"])
        .replace("-\n", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let all = s
        .training_events(&EventQuery {
            from: Some("2027-03-01".into()),
            to: Some("2027-05-31".into()),
            ..Default::default()
        })
        .unwrap();
    let crowded = all.iter().filter(|e| e.date == "2027-03-17").count();
    for e in &all {
        let first: String = e.title.split_whitespace().next().unwrap().into();
        let cue = format!(
            "{} {} {first}",
            e.start_time,
            if e.mode == "webinar" { "W" } else { "P" }
        );
        if e.date != "2027-03-17" || e.start_time.as_str() < "14:00" {
            assert!(flat_cal.contains(&cue), "{cue} in the grid");
        }
        assert!(flat_cal.contains(&e.title), "{} in the list", e.title);
    }
    assert!(
        flat_cal.contains(&format!("+{} altri", crowded - 6)),
        "the crowded day: 6 shown at 8 pt"
    );
    let (prog, _) = s
        .training_document(
            CalendarDoc::Programme,
            Format::Pdf,
            &q,
            "01/03/2027",
            "31/05/2027",
        )
        .unwrap();
    qpdf_ok(&prog);
    if let Some(dir) = &out {
        std::fs::write(format!("{dir}/calendario.pdf"), &cal).unwrap();
        std::fs::write(format!("{dir}/programma.pdf"), &prog).unwrap();
    }
    let ptext = pdf_text(&prog, &[])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(ptext.contains("Data e orario") && ptext.contains("Relatori"));
    assert!(ptext.contains("martedì 9 marzo 2027"), "{ptext}");
    // The list has no shading: its legend does not speak of grey days
    // (the grids' legends do).
    assert!(
        ptext.contains("Legenda") && !ptext.contains("in grigio"),
        "{ptext}"
    );
    assert!(flat_cal.contains("giorni festivi e domeniche in grigio"));
    // Columns wide enough: names, kinds and links unbroken (the raw
    // text keeps the hyphens of broken words).
    let raw = pdf_text(&prog, &["-raw"])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for whole in [
        "Luogo o collegamento",
        "● Giornata formativa",
        "https://meet.esempio.it/cdp",
        "Dott.ssa Maria Rossi, Segretario Generale; Avv. Luca Bianchi",
    ] {
        assert!(raw.contains(whole), "{whole} unbroken: {raw}");
    }
    let (docx, dname) = s
        .training_document(
            CalendarDoc::Programme,
            Format::Docx,
            &q,
            "01/03/2027",
            "31/05/2027",
        )
        .unwrap();
    assert!(dname.ends_with(".docx") && docx.starts_with(b"PK"));
    {
        let text = docx_python(
                &docx,
                "import sys, docx\nd = docx.Document(sys.argv[1])\nt = d.tables[0]\nprint(' | '.join(c.text for c in t.rows[0].cells))\nprint(len(t.rows))\nprint('\\n'.join(c.text for r in t.rows for c in r.cells))",
            &[],
        );
        assert!(text.starts_with("Data e orario | Titolo e area tematica | Tipo e modalità | Luogo o collegamento | Relatori | Ore"), "{text}");
        assert!(
            text.contains("Il PIAO e la sezione anticorruzione") && text.contains("Marzo 2027"),
            "{text}"
        );
    }
    let (year, _) = s
        .training_document(
            CalendarDoc::Year,
            Format::Pdf,
            &q,
            "01/03/2027",
            "31/05/2027",
        )
        .unwrap();
    qpdf_ok(&year);
    if let Some(dir) = &out {
        std::fs::write(format!("{dir}/anno.pdf"), &year).unwrap();
    }
    let ytext = pdf_text(&year, &[]);
    assert!(ytext.contains("Quadro annuale della formazione 2027"));
    assert!(ytext.contains("Marzo – 11 eventi"), "{ytext}");
    assert_eq!(
        s.training_document(
            CalendarDoc::Calendar,
            Format::Pdf,
            &q,
            "31/05/2027",
            "01/03/2027"
        )
        .unwrap_err()
        .field(),
        Some("to")
    );
    if let Some(dir) = out {
        std::fs::write(format!("{dir}/calendario.pdf"), &cal).unwrap();
        std::fs::write(format!("{dir}/programma.pdf"), &prog).unwrap();
        std::fs::write(format!("{dir}/programma.docx"), &docx).unwrap();
        std::fs::write(format!("{dir}/anno.pdf"), &year).unwrap();
    }
}
