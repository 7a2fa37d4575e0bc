use super::*;
use cdp_core::training::participants::ParticipantInput;
use common::docs::{pdf_text, qpdf_ok};

#[test]
fn batch_renders_numbers_and_codes_reissue_and_year() {
    let mut s = common::store_on("2028-01-31");
    common::training::signatory(&mut s);
    let e = s
        .create_training_event(&EventInput {
            place: Some("Palazzo dei Leoni, Corso Cavour 87, Messina".into()),
            mode: "mista".into(),
            ..event("2027-03-09")
        })
        .unwrap();
    let mut ids = Vec::new();
    for (i, n) in [
        "Maria Concetta Lo Presti Scaffidi",
        "Nicolò D'Agostino",
        "Anna Neri",
    ]
    .iter()
    .enumerate()
    {
        let p = s
            .add_training_participant(&ParticipantInput {
                full_name: n.to_string(),
                istat: Some("083048".into()),
                ..Default::default()
            })
            .unwrap();
        s.set_training_attendance(e.id, p.id, i != 2, 180).unwrap();
        ids.push(p.id);
    }
    // Cancelled: nothing numbered.
    assert_eq!(
        s.issue_event_certificates_pdf(e.id, "2027-03-10", &mut |d, _| d < 1)
            .unwrap_err()
            .code(),
        "cancelled"
    );
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM training_certificate"),
        0
    );
    let out = s
        .issue_event_certificates_pdf(e.id, "2027-03-10", &mut |_, _| true)
        .unwrap();
    assert_eq!(out.len(), 2);
    let dir = std::env::var("TRAINING_DOCS_DIR").ok();
    for (c, bytes, name) in &out {
        assert!(
            name.starts_with(&format!("Attestato_2027-{:04}_partecipazione_", c.number)),
            "{name}"
        );
        let t = pdf_text(bytes, &[])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(t.contains("ATTESTATO DI PARTECIPAZIONE"));
        assert!(t.contains(&format!("n. {}", c.label)));
        assert!(t.contains(&c.verification), "{t}");
        assert!(t.contains(&c.participant));
        assert!(t.contains("3 ore"));
        assert!(t.contains("martedì 9 marzo 2027"));
        qpdf_ok(bytes);
        if let Some(d) = &dir {
            std::fs::write(format!("{d}/{name}"), bytes).unwrap();
        }
    }
    // A reissue is dated the store's today, never before the issue.
    common::set_today(&mut s, "2027-03-01");
    assert_eq!(
        s.reissue_certificate(out[0].0.id).unwrap_err().code(),
        "conflict"
    );
    common::set_today(&mut s, "2027-04-02");
    let r = s.reissue_certificate(out[0].0.id).unwrap();
    let (again, _) = s.certificate_pdf(r.id).unwrap();
    let t = pdf_text(&again, &[])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        t.contains("Ristampa del 02/04/2027") && t.contains(&out[0].0.verification),
        "{t}"
    );
    // The copy keeps the original's issue date.
    assert!(t.contains("Messina, 10 marzo 2027"), "{t}");
    common::set_today(&mut s, "2028-01-31");
    let y = s
        .issue_year_certificate(ids[0], 2027, "2028-01-10")
        .unwrap();
    let (ybytes, yname) = s.certificate_pdf(y.id).unwrap();
    assert!(yname.contains("riepilogo_2027"));
    let t = pdf_text(&ybytes, &[])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        t.contains("Attestato riepilogativo della formazione – anno 2027")
            && t.contains("2028/0001"),
        "{t}"
    );
    if let Some(d) = &dir {
        std::fs::write(format!("{d}/{yname}"), &ybytes).unwrap();
    }
    s.annul_certificate(y.id, "errore").unwrap();
    assert_eq!(s.certificate_pdf(y.id).unwrap_err().code(), "conflict");
}

fn flat(bytes: &[u8]) -> String {
    pdf_text(bytes, &[])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The signatory's title and name from the settings, no autograph line,
/// the printed name in place of the signature (art. 3, comma 2, D.Lgs.
/// 39/1993), where the code is checked, the number once; the yearly
/// summary with a «Livello» column.
#[test]
fn signature_verification_and_level() {
    let mut s = common::store_on("2028-01-31");
    let mut st = s.settings().unwrap();
    st.signatory_name = "Dott.ssa Giuseppa Carnabuci".into();
    st.signatory_title = "Il Segretario Generale".into();
    st.secretariat_pec = "protocollo@pec.prov.me.it".into();
    s.save_settings(&st).unwrap();
    let e = s.create_training_event(&event("2027-03-09")).unwrap();
    let p = s
        .add_training_participant(&ParticipantInput {
            full_name: "Anna Neri".into(),
            ..Default::default()
        })
        .unwrap();
    s.set_training_attendance(e.id, p.id, true, 180).unwrap();
    let c = s.issue_event_certificate(e.id, p.id, "2027-03-10").unwrap();
    let y = s.issue_year_certificate(p.id, 2027, "2028-01-10").unwrap();
    for (id, label) in [(c.id, &c.label), (y.id, &y.label)] {
        let t = flat(&s.certificate_pdf(id).unwrap().0);
        assert!(
            t.contains("Il Segretario Generale") && t.contains("Dott.ssa Giuseppa Carnabuci"),
            "{t}"
        );
        assert!(
            t.contains("Firma autografa sostituita a mezzo stampa") && !t.contains("……"),
            "{t}"
        );
        assert!(t.contains("presso la Segreteria Generale della Città Metropolitana di Messina (PEC protocollo@pec.prov.me.it)"), "{t}");
        assert_eq!(t.matches(label.as_str()).count(), 1, "{t}");
    }
    let t = pdf_text(&s.certificate_pdf(y.id).unwrap().0, &["-layout"]);
    assert!(t.contains("Livello") && t.contains("Generale"), "{t}");
    // The date on the left, the signatory on the right of the same line.
    let line = t
        .lines()
        .find(|l| l.contains("Messina, 10 gennaio 2028"))
        .unwrap();
    assert!(line.contains("Il Segretario Generale"), "{t}");
    assert!(!t.lines().any(|l| l.trim() == "Messina,"), "{t}");
}

/// «alla giornata formativa … svoltasi», «all'incontro … svoltosi».
#[test]
fn participle_agrees_with_the_kind() {
    let mut s = common::store_on("2028-01-31");
    common::training::signatory(&mut s);
    let p = s
        .add_training_participant(&ParticipantInput {
            full_name: "Anna Neri".into(),
            ..Default::default()
        })
        .unwrap();
    for (kind, mode, want) in [
        (
            "giornata",
            "presenza",
            "alla giornata formativa «Il PIAO e la sezione anticorruzione» della Comunità di Pratiche, svoltasi in presenza",
        ),
        (
            "incontro_rpct",
            "webinar",
            "trasparenza «Il PIAO e la sezione anticorruzione» della Comunità di Pratiche, svoltosi in modalità webinar",
        ),
        (
            "tavolo",
            "mista",
            "al tavolo tematico «Il PIAO e la sezione anticorruzione» della Comunità di Pratiche, svoltosi in modalità mista",
        ),
    ] {
        let e = s
            .create_training_event(&EventInput {
                kind: kind.into(),
                mode: mode.into(),
                place: (mode != "webinar").then(|| "Palazzo dei Leoni".into()),
                ..event("2027-03-09")
            })
            .unwrap();
        s.set_training_attendance(e.id, p.id, true, 180).unwrap();
        let c = s.issue_event_certificate(e.id, p.id, "2027-03-09").unwrap();
        let t = flat(&s.certificate_pdf(c.id).unwrap().0);
        assert!(t.contains(want), "{kind}: {t}");
        assert!(
            !t.contains("sezione anticorruzione» della Comunità di Pratiche, svoltosi in presenza"),
            "{t}"
        );
    }
}

/// The date printed is the issue date received (stored in the register),
/// never the wall clock; no attestato before the event, no summary of a
/// year not yet over; the number's year is the issue date's.
#[test]
fn issue_date_printed_and_checked() {
    let mut s = common::store_on("2028-01-31");
    common::training::signatory(&mut s);
    let e = s.create_training_event(&event("2027-03-09")).unwrap();
    let p = s
        .add_training_participant(&ParticipantInput {
            full_name: "Anna Neri".into(),
            ..Default::default()
        })
        .unwrap();
    s.set_training_attendance(e.id, p.id, true, 180).unwrap();
    let err = s
        .issue_event_certificate(e.id, p.id, "2027-03-08")
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(
        err.to_string()
            .contains("prima che l'evento si sia concluso"),
        "{err}"
    );
    let err = s
        .issue_event_certificates_pdf(e.id, "2026-11-30", &mut |_, _| true)
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM training_certificate"),
        0
    );
    let c = s.issue_event_certificate(e.id, p.id, "2027-03-12").unwrap();
    assert_eq!(c.label, "2027/0001");
    assert_eq!(c.issued_at, "2027-03-12");
    let t = flat(&s.certificate_pdf(c.id).unwrap().0);
    assert!(t.contains("Messina, 12 marzo 2027"), "{t}");
    // The level is the network's, not the law's (issue 20).
    assert!(
        t.contains("formazione di livello generale,") && !t.contains("190"),
        "{t}"
    );
    let err = s
        .issue_year_certificate(p.id, 2027, "2027-12-31")
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("non è ancora concluso"), "{err}");
    let y = s.issue_year_certificate(p.id, 2027, "2028-01-02").unwrap();
    assert_eq!(y.label, "2028/0001");
    let t = flat(&s.certificate_pdf(y.id).unwrap().0);
    assert!(t.contains("2 gennaio 2028"), "{t}");
    assert!(
        t.contains("utili ai fini dell'obbligo formativo secondo la programmazione dell'ente di appartenenza") && !t.contains("190"),
        "{t}"
    );
}
