use super::*;
use cdp_core::training::participants::ParticipantInput;

fn setup(n: usize) -> (cdp_core::Store, i64, Vec<i64>) {
    let mut s = common::store_on("2028-01-31");
    common::training::signatory(&mut s);
    let e = s.create_training_event(&event("2027-03-09")).unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let p = s
            .add_training_participant(&ParticipantInput {
                full_name: format!("Persona {i:03}"),
                ..Default::default()
            })
            .unwrap();
        s.set_training_attendance(e.id, p.id, i % 5 != 4, 180)
            .unwrap();
        ids.push(p.id);
    }
    (s, e.id, ids)
}

#[test]
fn numbering_without_gaps_under_a_batch_reissue_annulment() {
    let (mut s, ev, ids) = setup(10);
    // One by hand first, then the batch for the others.
    let first = s.issue_event_certificate(ev, ids[0], "2027-03-10").unwrap();
    assert_eq!(first.label, "2027/0001");
    assert_eq!(first.verification.len(), 11);
    // Absent (i % 5 == 4) people get none.
    assert_eq!(
        s.issue_event_certificate(ev, ids[4], "2027-03-10")
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(
        s.issue_event_certificate(ev, ids[0], "2027-03-10")
            .unwrap_err()
            .code(),
        "conflict"
    );
    let mut calls = 0;
    let b = s
        .issue_event_certificates(ev, "2027-03-10", &mut |_, _| {
            calls += 1;
            true
        })
        .unwrap();
    assert_eq!((b.issued.len(), b.already), (7, 1));
    assert_eq!(calls, 8);
    let labels: Vec<_> = s
        .certificates(Some(2027))
        .unwrap()
        .iter()
        .rev()
        .map(|c| c.label.clone())
        .collect();
    assert_eq!(
        labels,
        (1..=8).map(|n| format!("2027/{n:04}")).collect::<Vec<_>>()
    );
    // A second batch has nothing to do.
    assert_eq!(
        s.issue_event_certificates(ev, "2027-03-10", &mut |_, _| true)
            .unwrap_err()
            .code(),
        "conflict"
    );

    // Reissue keeps the number and the code.
    let r = s.reissue_certificate(first.id).unwrap();
    assert_eq!(
        (r.label.as_str(), r.verification.as_str(), r.reissues),
        ("2027/0001", first.verification.as_str(), 1)
    );
    // Annulment is recorded, the number stays used.
    assert_eq!(
        s.annul_certificate(first.id, " ").unwrap_err().field(),
        Some("reason")
    );
    let a = s.annul_certificate(first.id, "Nome errato").unwrap();
    assert!(a.annulled_at.is_some());
    assert_eq!(
        s.reissue_certificate(first.id).unwrap_err().code(),
        "conflict"
    );
    let again = s.issue_event_certificate(ev, ids[0], "2027-03-11").unwrap();
    assert_eq!(again.label, "2027/0009");
    assert_eq!(
        s.verify_certificate(&again.verification.to_lowercase())
            .unwrap()
            .id,
        again.id
    );
    assert_eq!(s.certificates(None).unwrap().len(), 9);
    // A new year starts again from 1.
    let y = s
        .issue_year_certificate(ids[1], 2027, "2028-01-15")
        .unwrap();
    assert_eq!(
        (y.label.as_str(), y.kind.as_str(), y.minutes),
        ("2028/0001", "annuale", 180)
    );
    assert_eq!(
        s.issue_year_certificate(ids[1], 2027, "2028-01-15")
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(
        s.issue_year_certificate(ids[4], 2027, "2028-01-15")
            .unwrap_err()
            .code(),
        "conflict"
    );
    let log = s.audit_log("training_certificate", None).unwrap();
    assert!(log.iter().any(|a| a.action == "annul") && log.iter().any(|a| a.action == "reissue"));
}

#[test]
fn a_cancelled_batch_uses_no_number() {
    let (mut s, ev, ids) = setup(6);
    let err = s
        .issue_event_certificates(ev, "2027-03-10", &mut |done, _| done < 3)
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM training_certificate"),
        0
    );
    let c = s.issue_event_certificate(ev, ids[0], "2027-03-10").unwrap();
    assert_eq!(c.label, "2027/0001");
}

#[test]
fn attestati_go_through_the_batch_writer_and_the_register() {
    use cdp_core::documents::batch::OnExisting;
    use cdp_core::job::CancelToken;
    let (mut s, ev, _) = setup(6);
    let dir = tempfile::tempdir().unwrap();
    // Cancelled while numbering: nothing issued, nothing written, nothing registered.
    let token = CancelToken::new();
    let err = s
        .issue_event_certificates_to(
            ev,
            "2027-03-10",
            dir.path(),
            OnExisting::Skip,
            &|p| {
                if p.done == 2 {
                    token.cancel()
                }
            },
            &token,
        )
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM training_certificate"),
        0
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    assert!(s.documents(None).unwrap().is_empty());
    // A file already there with the name of the first attestato.
    let first_name = "Attestato_2027-0001_partecipazione_Persona_000.pdf";
    std::fs::write(dir.path().join(first_name), b"mine").unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let out = s
        .issue_event_certificates_to(
            ev,
            "2027-03-10",
            dir.path(),
            OnExisting::Skip,
            &|p| seen.lock().unwrap().push(p),
            &CancelToken::new(),
        )
        .unwrap();
    // Five present, numbered without gaps; the file of the same name kept.
    let labels: Vec<_> = out.issued.iter().map(|c| c.label.clone()).collect();
    assert_eq!(
        labels,
        (1..=5).map(|n| format!("2027/{n:04}")).collect::<Vec<_>>()
    );
    assert_eq!(out.not_written, [first_name]);
    assert_eq!((out.report.written, out.report.skipped), (4, 1));
    assert_eq!(std::fs::read(dir.path().join(first_name)).unwrap(), b"mine");
    assert_eq!(
        seen.lock().unwrap().last().map(|p| (p.done, p.total)),
        Some((5, 5))
    );
    let docs = s.documents(None).unwrap();
    assert_eq!(docs.len(), 4);
    for d in &docs {
        assert_eq!((d.kind.as_str(), d.template_version), ("attestato", None));
        s.openable_document(std::path::Path::new(&d.path)).unwrap();
    }
    assert_eq!(
        common::count(
            &s,
            "SELECT count(*) FROM audit WHERE action = 'generate_batch'"
        ),
        1
    );
}

#[test]
fn a_batch_whose_file_cannot_be_written_takes_its_numbers_back() {
    use cdp_core::documents::batch::OnExisting;
    use cdp_core::job::CancelToken;
    let (mut s, ev, _) = setup(6);
    let dir = tempfile::tempdir().unwrap();
    // The third attestato's name is taken by a folder: it cannot be replaced.
    let third = "Attestato_2027-0003_partecipazione_Persona_002.pdf";
    std::fs::create_dir(dir.path().join(third)).unwrap();
    let err = s
        .issue_event_certificates_to(
            ev,
            "2027-03-10",
            dir.path(),
            OnExisting::Replace,
            &|_| {},
            &CancelToken::new(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "io", "{err}");
    // Numbered in their own transaction, then taken back: no attestato, no
    // file but the folder that was there, nothing registered.
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM training_certificate"),
        0
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, [third]);
    assert!(s.documents(None).unwrap().is_empty());
    // The numbers are given again, without a gap.
    let c = s
        .issue_event_certificates(ev, "2027-03-10", &mut |_, _| true)
        .unwrap();
    assert_eq!(c.issued[0].label, "2027/0001");
    assert_eq!(c.issued.len(), 5);
}

#[test]
fn numbers_given_after_a_failed_batch_are_never_given_twice() {
    let (mut s, ev, _) = setup(6);
    // Numbered (1–5) and read; the files are not yet written.
    let job = s
        .event_certificates_job(ev, "2027-03-10", &mut |_, _| true)
        .unwrap();
    assert_eq!(job.issued().len(), 5);
    // Meanwhile another attestato takes number 6.
    let late = s
        .add_training_participant(&ParticipantInput {
            full_name: "Persona Tarda".into(),
            ..Default::default()
        })
        .unwrap();
    s.set_training_attendance(ev, late.id, true, 180).unwrap();
    let sixth = s
        .issue_event_certificate(ev, late.id, "2027-03-10")
        .unwrap();
    assert_eq!(sixth.label, "2027/0006");
    // The batch fails: its numbers cannot be taken back without a gap, so
    // they are annulled, with the reason.
    let err = s
        .record_event_certificates(&job, Err(cdp_core::Error::io("disco pieno")))
        .unwrap_err();
    assert_eq!(err.code(), "io");
    for c in job.issued() {
        let now = s.certificate(c.id).unwrap();
        assert!(now.annulled_at.is_some(), "{}", now.label);
        assert!(now.annul_reason.unwrap().contains("Rilascio interrotto"));
    }
    assert!(s.certificate(sixth.id).unwrap().annulled_at.is_none());
    // The five present get new numbers after the sixth.
    let again = s
        .issue_event_certificates(ev, "2027-03-10", &mut |_, _| true)
        .unwrap();
    let labels: Vec<_> = again.issued.iter().map(|c| c.label.clone()).collect();
    assert_eq!(
        labels,
        (7..=11).map(|n| format!("2027/{n:04}")).collect::<Vec<_>>()
    );
}
