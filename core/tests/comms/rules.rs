//! Recipients by rule beyond zone, role and adhesion state: the members of
//! an organigram unit, the people enrolled in a training event or present
//! at it; each with its address and whether it is a PEC, missing addresses
//! flagged, one person reached by two rules written to once.

use cdp_core::comms::{EventPeople, HandRecipient};
use cdp_core::training::participants::ParticipantInput;

use super::*;

fn participant(s: &mut Store, name: &str, istat: Option<&str>, email: Option<&str>) -> i64 {
    s.add_training_participant(&ParticipantInput {
        full_name: name.into(),
        istat: istat.map(str::to_string),
        email: email.map(str::to_string),
        ..Default::default()
    })
    .unwrap()
    .id
}

#[test]
fn the_members_in_office_of_an_organigram_unit_with_their_addresses() {
    use common::organigram::{external, role, unit_id};
    let mut s = common::store_on("2027-03-05");
    let seg = unit_id(&s, "Segreteria tecnica");
    s.add_org_role(&role(
        seg,
        external("Prof. Carlo Neri", Some("carlo.neri@unime.it")),
        "Componente",
        "2026-01-01",
        None,
    ))
    .unwrap();
    s.add_org_role(&role(
        seg,
        external("Giulia Sarti", None),
        "Segretaria verbalizzante",
        "2026-01-01",
        None,
    ))
    .unwrap();
    // Out of office since last year: not a recipient.
    s.add_org_role(&role(
        seg,
        external("Paolo Ferro", Some("p.ferro@unime.it")),
        "Componente",
        "2025-01-01",
        Some("2026-12-31"),
    ))
    .unwrap();
    let rule = RecipientRule {
        org_unit: Some(seg),
        ..Default::default()
    };
    let lines = s.comms_preview_recipients(&rule, &[]).unwrap();
    let names: Vec<&str> = lines.iter().map(|l| l.name.as_str()).collect();
    assert!(names.contains(&"Prof. Carlo Neri"), "{names:?}");
    assert!(names.contains(&"Giulia Sarti"), "{names:?}");
    assert!(!names.contains(&"Paolo Ferro"), "{names:?}");
    let neri = lines.iter().find(|l| l.name == "Prof. Carlo Neri").unwrap();
    assert_eq!(neri.address, "carlo.neri@unime.it");
    assert!(!neri.is_pec && neri.problem.is_none());
    assert_eq!(neri.role, "Componente – Segreteria tecnica");
    let sarti = lines.iter().find(|l| l.name == "Giulia Sarti").unwrap();
    assert!(sarti
        .problem
        .as_deref()
        .unwrap()
        .starts_with("Indirizzo mancante"));
    // A unit that does not exist is refused naming the field.
    let e = s
        .comms_preview_recipients(
            &RecipientRule {
                org_unit: Some(9999),
                ..Default::default()
            },
            &[],
        )
        .unwrap_err();
    assert_eq!(e.field(), Some("org_unit"));
}

#[test]
fn the_people_enrolled_in_an_event_or_present_at_it() {
    let mut s = common::store_on("2027-03-01");
    let e = s
        .create_training_event(&common::training::event("2027-03-03"))
        .unwrap();
    let istat = s.list_comuni(&Default::default()).unwrap()[0].istat.clone();
    let a = participant(
        &mut s,
        "Anna Bruno",
        Some(&istat),
        Some("anna.bruno@pec.comune.test.it"),
    );
    let b = participant(&mut s, "Marco Gallo", None, Some("marco.gallo@gmail.com"));
    let c = participant(&mut s, "Rosa Greco", None, None);
    participant(&mut s, "Non iscritto", None, Some("altro@esempio.it"));
    assert_eq!(s.enrol_training(e.id, &[a, b, c]).unwrap(), 3);
    let enrolled = RecipientRule {
        event: Some(e.id),
        event_people: EventPeople::Enrolled,
        ..Default::default()
    };
    let lines = s.comms_preview_recipients(&enrolled, &[]).unwrap();
    assert_eq!(
        lines.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
        ["Anna Bruno", "Marco Gallo", "Rosa Greco"]
    );
    assert!(lines[0].is_pec && lines[0].istat.as_deref() == Some(istat.as_str()));
    assert!(
        lines[0]
            .role
            .starts_with("Iscritto a «Il PIAO e la sezione anticorruzione» del 03/03/2027"),
        "{}",
        lines[0].role
    );
    assert!(!lines[1].is_pec && lines[1].problem.is_none());
    assert!(lines[2].problem.is_some());
    // After the day: those present only.
    common::set_today(&mut s, "2027-03-04");
    s.set_training_attendance(e.id, a, true, 180).unwrap();
    s.set_training_attendance(e.id, b, false, 0).unwrap();
    let attended = RecipientRule {
        event_people: EventPeople::Attended,
        ..enrolled
    };
    let lines = s.comms_preview_recipients(&attended, &[]).unwrap();
    assert_eq!(
        lines.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
        ["Anna Bruno"]
    );
    assert!(lines[0].role.starts_with("Presente a"));
}

#[test]
fn one_person_reached_by_two_rules_is_written_to_once_and_a_probable_one_is_noted() {
    use common::registry::ReferentBuilder;
    let mut s = common::store_on("2027-03-01");
    let istat = s.list_comuni(&Default::default()).unwrap()[0].istat.clone();
    s.add_referent(
        &istat,
        &common::registry::rpct("Dott. Giuseppe Crisafulli")
            .since("2024-01-01")
            .email("g.crisafulli@pec.comune.test.it"),
    )
    .unwrap();
    let e = s
        .create_training_event(&common::training::event("2027-03-03"))
        .unwrap();
    // Enrolled with his private address, his name written surname first.
    let a = participant(
        &mut s,
        "CRISAFULLI GIUSEPPE",
        Some(&istat),
        Some("crisafulli@gmail.com"),
    );
    // One letter off: probably the same person, the user checks.
    let b = participant(
        &mut s,
        "Giuseppe Crisafuli",
        Some(&istat),
        Some("g.crisa@gmail.com"),
    );
    s.enrol_training(e.id, &[a, b]).unwrap();
    let rule = RecipientRule {
        comuni: vec![istat.clone()],
        roles: vec![RecipientRole::Rpct],
        event: Some(e.id),
        ..Default::default()
    };
    let lines = s.comms_preview_recipients(&rule, &[]).unwrap();
    let names: Vec<&str> = lines.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        ["Dott. Giuseppe Crisafulli", "Giuseppe Crisafuli"],
        "{lines:#?}"
    );
    assert_eq!(lines[0].address, "g.crisafulli@pec.comune.test.it");
    assert!(lines[0].note.is_none());
    let note = lines[1].note.as_deref().unwrap();
    assert!(
        note.contains("probabilmente la stessa persona di «Dott. Giuseppe Crisafulli»"),
        "{note}"
    );
    // The same address typed again by hand is one line.
    let hand = [HandRecipient {
        name: "Giuseppe Crisafulli".into(),
        address: "g.crisafulli@pec.comune.test.it".into(),
        istat: None,
    }];
    assert_eq!(s.comms_preview_recipients(&rule, &hand).unwrap().len(), 2);
    // Saved, the rule is kept with the communication and the lines with it.
    let c = s
        .comms_create(&draft(Kind::Convocazione, "Convocazione"))
        .unwrap();
    let c = s.comms_set_recipients(c.id, &rule, &[]).unwrap();
    assert_eq!(c.rule, rule);
    assert_eq!(c.recipients.len(), 2);
}

#[test]
fn the_segretario_comunale_kept_in_the_registry_is_a_recipient_by_role() {
    use common::registry::ReferentBuilder;
    let mut s = common::store_on("2027-03-01");
    let comuni: Vec<String> = s
        .list_comuni(&Default::default())
        .unwrap()
        .into_iter()
        .take(2)
        .map(|c| c.istat)
        .collect();
    s.add_referent(
        &comuni[0],
        &common::registry::referent(Role::Segretario, "Dott.ssa Carla Ruggeri")
            .since("2025-06-01")
            .email("segretario@pec.comune.test.it"),
    )
    .unwrap();
    // A segretario whose term ended is not written to.
    s.add_referent(
        &comuni[1],
        &common::registry::referent(Role::Segretario, "Dott. Ugo Foti")
            .since("2020-01-01")
            .until("2026-12-31")
            .email("u.foti@pec.comune.test.it"),
    )
    .unwrap();
    let rule = RecipientRule {
        comuni: comuni.clone(),
        roles: vec![RecipientRole::Segretario],
        ..Default::default()
    };
    let lines = s.comms_preview_recipients(&rule, &[]).unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].name, "Dott.ssa Carla Ruggeri");
    assert_eq!(lines[0].role, "Segretario comunale");
    assert!(lines[0].is_pec && lines[0].problem.is_none());
    assert!(
        lines[1]
            .problem
            .as_deref()
            .unwrap()
            .starts_with("Nessun Segretario comunale in carica"),
        "{:?}",
        lines[1]
    );
}
