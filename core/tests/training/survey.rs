use super::*;
use cdp_core::training::survey::{NeedInput, SurveyInput};
use common::docs::{pdf_text, qpdf_ok};

fn scheda(istat: &str, needs: &[(i64, i64, &str)]) -> SurveyInput {
    SurveyInput {
        istat: istat.into(),
        year: 2027,
        preferred_mode: Some("webinar".into()),
        notes: Some("Interesse per il nuovo codice dei contratti".into()),
        needs: needs
            .iter()
            .map(|(t, p, s)| NeedInput {
                theme_id: *t,
                priority: Some(*p),
                staff: Some(s.to_string()),
            })
            .collect(),
        version: None,
    }
}

#[test]
fn schede_ranking_and_pdfs() {
    let mut s = common::store();
    let a = s
        .save_training_survey(&scheda("083048", &[(1, 5, "10"), (2, 3, "4")]))
        .unwrap();
    assert_eq!(a.needs.len(), 2);
    s.save_training_survey(&scheda("083001", &[(2, 5, "20"), (4, 2, "")]))
        .unwrap();
    // Field errors; a stale correction refused.
    assert_eq!(
        s.save_training_survey(&scheda("083048", &[(1, 6, "1")]))
            .unwrap_err()
            .field(),
        Some("priority-1")
    );
    assert_eq!(
        s.save_training_survey(&scheda("083048", &[(1, 3, "molti")]))
            .unwrap_err()
            .field(),
        Some("staff-1")
    );
    let stale = SurveyInput {
        version: Some("2000-01-01T00:00:00.000Z".into()),
        ..scheda("083048", &[(1, 4, "10")])
    };
    assert_eq!(
        s.save_training_survey(&stale).unwrap_err().code(),
        "conflict"
    );
    let ok = SurveyInput {
        version: Some(a.updated_at.clone()),
        ..scheda("083048", &[(1, 4, "10"), (2, 3, "4")])
    };
    s.save_training_survey(&ok).unwrap();
    let r = s.training_survey_ranking(2027).unwrap();
    assert_eq!(r.surveys, 2);
    // Contratti: 3×4 + 5×20 = 112; Anticorruzione: 4×10 = 40; Privacy: 2×1 = 2.
    assert_eq!(
        (
            r.rows[0].theme.as_str(),
            r.rows[0].score,
            r.rows[0].comuni,
            r.rows[0].staff
        ),
        ("Contratti", 112, 2, 24)
    );
    assert_eq!(
        (r.rows[1].theme.as_str(), r.rows[1].score),
        ("Anticorruzione e Trasparenza", 40)
    );
    assert_eq!((r.rows[2].theme.as_str(), r.rows[2].score), ("Privacy", 2));
    assert_eq!(r.modes[0], ("Webinar".to_string(), 2));
    // A theme in a scheda cannot be deleted.
    assert_eq!(s.delete_training_theme(4).unwrap_err().code(), "conflict");
    let form = s
        .training_survey_form(2027)
        .unwrap()
        .render()
        .unwrap()
        .bytes;
    qpdf_ok(&form);
    let t = pdf_text(&form, &[]);
    assert!(
        t.contains("Scheda di rilevazione dei fabbisogni formativi")
            && t.contains("Green Public Procurement")
    );
    let flat_form = t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat_form.contains("art. 1, commi 8 e 10, lett. c), della legge 6 novembre 2012, n. 190")
            && !flat_form.contains("8 e 11"),
        "{flat_form}"
    );
    // The informativa (art. 13 GDPR), without an invented DPO contact.
    for want in [
            "Informativa sul trattamento dei dati personali (art. 13 del Regolamento (UE) 2016/679)",
            "Titolare del trattamento è la Città Metropolitana di Messina",
            "rilevazione dei fabbisogni formativi della Comunità di Pratiche",
            "art. 6, par. 1, lett. e)",
            "artt. 15–22",
            "I dati di contatto del Responsabile della protezione dei dati sono pubblicati sul sito istituzionale dell'Ente",
        ] {
            assert!(flat_form.contains(want), "{want}: {flat_form}");
        }
    // A theme marked without staff: «n.i.», never a bare 0 beside a score.
    let privacy = r.rows.iter().find(|x| x.theme == "Privacy").unwrap();
    assert_eq!(
        (privacy.staff, privacy.unstated, privacy.staff_text.as_str()),
        (0, 1, "n.i.")
    );
    assert_eq!(r.rows[0].staff_text, "24");
    let comuni = common::count(&s, "SELECT count(*) FROM comune");
    assert_eq!(r.comuni_total, comuni);
    assert_eq!(r.replied.len(), 2);
    let rep = s
        .training_survey_report(2027)
        .unwrap()
        .render()
        .unwrap()
        .bytes;
    qpdf_ok(&rep);
    let t = pdf_text(&rep, &[]);
    assert!(t.contains("Contratti") && t.contains("112"));
    let flat_rep = t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat_rep.contains(&format!("Schede pervenute: 2 su {comuni}")),
        "{flat_rep}"
    );
    assert!(
        flat_rep.contains("Comuni che hanno restituito la scheda: "),
        "{flat_rep}"
    );
    for name in &r.replied {
        assert!(flat_rep.contains(name.as_str()), "{name}");
    }
    assert!(flat_rep.contains("Priorità media ponderata"), "{flat_rep}");
    assert!(flat_rep.contains("Privacy 1 n.i. 2,0 2"), "{flat_rep}");
    assert!(
        flat_rep.contains("n.i.: personale non indicato"),
        "{flat_rep}"
    );
    if let Ok(d) = std::env::var("TRAINING_DOCS_DIR") {
        std::fs::write(format!("{d}/scheda.pdf"), &form).unwrap();
        std::fs::write(format!("{d}/fabbisogni.pdf"), &rep).unwrap();
    }
}
