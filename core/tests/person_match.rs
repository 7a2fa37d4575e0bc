//! The one person-matching rule in every import and form that meets a name
//! already known: a referents file that writes the RPCT in office with a
//! title, the surname first or a middle name does not replace her; the
//! organigram refuses a person already there written another way.

mod common;

use cdp_core::io::table;
use cdp_core::organigram::{PersonChoice, PersonInput, RoleInput};
use cdp_core::registry::import::{LineStatus, Mapping};
use chrono::Utc;
use common::registry::{rpct, ReferentBuilder};

fn mapping() -> Mapping {
    Mapping {
        istat: Some("Codice ISTAT".into()),
        role: Some("Ruolo".into()),
        full_name: Some("Nome e cognome".into()),
        email: Some("E-mail".into()),
        valid_from: Some("In carica dal".into()),
        ..Default::default()
    }
}

fn file(name: &str) -> table::Table {
    let csv = format!(
        "Codice ISTAT;Ruolo;Nome e cognome;E-mail;In carica dal\r\n083002;RPCT;{name};anna.rossi@comune.ali.me.it;1/6/2026\r\n"
    );
    table::read_bytes(csv.as_bytes(), false, &|_| false).unwrap()
}

fn rpct_names(s: &cdp_core::Store) -> Vec<(String, Option<String>)> {
    let mut stmt = s
        .connection()
        .prepare("SELECT full_name, valid_to FROM referent WHERE istat = '083002' AND role = 'rpct' ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_titled_rpct_is_the_one_in_office() {
    for written in ["Dott.ssa Anna Rossi", "ROSSI ANNA", "Rossi, dott.ssa Anna"] {
        let mut s = common::store_on("2026-11-30");
        s.add_referent("083002", &rpct("Anna Rossi").since("1/1/2020"))
            .unwrap();
        let t = file(written);
        let p = s
            .preview_referents_import("r.csv", &t, &mapping(), &[], &mut |_, _| true)
            .unwrap();
        let l = &p.lines[0];
        assert_eq!(l.status, LineStatus::Update, "{written}: {l:?}");
        assert!(l.probable.is_empty(), "{written}: exact, not probable");
        assert!(
            l.changes
                .iter()
                .all(|c| !c.contains("sostituisce") && !c.contains("nuovo")),
            "{written}: {:?}",
            l.changes
        );
        s.apply_referents_import("r.csv", &t, &mapping(), &[], Utc::now(), &mut |_, _| true)
            .unwrap();
        assert_eq!(
            rpct_names(&s),
            vec![("Anna Rossi".to_string(), None)],
            "{written}: the RPCT in office stays, with her name as the registry has it"
        );
    }
}

#[test]
fn a_probable_match_asks_and_replaces_only_when_told() {
    let mut s = common::store_on("2026-11-30");
    s.add_referent("083002", &rpct("Anna Rossi").since("1/1/2020"))
        .unwrap();
    let t = file("Anna Maria Rossi");
    let p = s
        .preview_referents_import("r.csv", &t, &mapping(), &[], &mut |_, _| true)
        .unwrap();
    let l = &p.lines[0];
    assert_eq!(l.probable.len(), 1, "{l:?}");
    let q = &l.probable[0];
    assert_eq!(
        (q.in_file.as_str(), q.in_office.as_str(), q.other),
        ("Anna Maria Rossi", "Anna Rossi", false)
    );
    assert!(
        l.changes
            .iter()
            .any(|c| c.contains("probabilmente la stessa persona di Anna Rossi")),
        "{:?}",
        l.changes
    );
    // Not confirmed as another person: she stays in office.
    s.apply_referents_import("r.csv", &t, &mapping(), &[], Utc::now(), &mut |_, _| true)
        .unwrap();
    assert_eq!(rpct_names(&s), vec![("Anna Rossi".to_string(), None)]);

    // Told it is someone else: the replacement from 1/6/2026.
    let mut s = common::store_on("2026-11-30");
    s.add_referent("083002", &rpct("Anna Rossi").since("1/1/2020"))
        .unwrap();
    let line = p.lines[0].line;
    let p = s
        .preview_referents_import("r.csv", &t, &mapping(), &[line], &mut |_, _| true)
        .unwrap();
    assert!(p.lines[0].probable[0].other);
    assert!(
        p.lines[0].changes.iter().any(|c| c.contains("sostituisce")),
        "{:?}",
        p.lines[0].changes
    );
    s.apply_referents_import("r.csv", &t, &mapping(), &[line], Utc::now(), &mut |_, _| {
        true
    })
    .unwrap();
    assert_eq!(
        rpct_names(&s),
        vec![
            ("Anna Rossi".to_string(), Some("2026-05-31".to_string())),
            ("Anna Maria Rossi".to_string(), None)
        ]
    );
}

#[test]
fn the_organigram_knows_a_person_written_another_way() {
    let mut s = common::store_on("2026-11-30");
    s.add_referent("083002", &rpct("Anna Rossi").since("1/1/2020"))
        .unwrap();
    let unit = common::organigram::unit_id(&s, "Segreteria tecnica");
    let role = |name: &str, homonym: bool| RoleInput {
        unit_id: unit,
        person: PersonChoice::New(PersonInput {
            full_name: name.into(),
            homonym,
            ..Default::default()
        }),
        title: "Componente".into(),
        valid_from: Some("1/1/2026".into()),
        valid_to: None,
        version: None,
    };
    let e = s
        .add_org_role(&role("Dott.ssa Anna Rossi", false))
        .unwrap_err();
    assert_eq!(e.field(), Some("full_name"));
    assert!(
        e.to_string().contains("«Anna Rossi»") && e.to_string().contains("Comune di Alì"),
        "{e}"
    );
    let e = s
        .add_org_role(&role("Anna Maria Rossi", false))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("probabilmente la stessa persona di Anna Rossi"),
        "{e}"
    );
    s.add_org_role(&role("Ing. Carmelo Bonanno", false))
        .unwrap();
    let e = s.add_org_role(&role("Bonanno Carmelo", false)).unwrap_err();
    assert!(e.to_string().contains("già nell'organigramma"), "{e}");
    // Confirmed as another person (a homonym): taken.
    s.add_org_role(&role("Bonanno Carmelo", true)).unwrap();
}
