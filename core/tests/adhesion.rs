//! The adhesion workflow: transitions, rules, undo, bulk, reports.

mod common;

use cdp_core::adhesion::report::AdhesionQuery;
use cdp_core::adhesion::{ActType, Channel, Designated, State, Step, StepKind, STATES, STEP_KINDS};
use cdp_core::Store;
use common::adhesion::{act, decline, draft, invite, new_referent, reminder, sign, withdraw};
use common::assert_refused;
use common::registry::rpct;

const C: &str = "083089"; // Santa Teresa di Riva

fn step_of(kind: StepKind, date: &str) -> Step {
    match kind {
        StepKind::Invite => invite(date),
        StepKind::SendDraft => draft(date),
        StepKind::AdoptAct => act(date, "99", new_referent()),
        StepKind::SignProtocol => sign(date),
        StepKind::Decline => decline(date),
        StepKind::Withdraw => withdraw(date),
        StepKind::Reminder => reminder(date),
    }
}

/// A store with comune C brought to `state` along the normal path.
fn store_in(state: State) -> Store {
    let mut s = common::store();
    let path: Vec<Step> = match state {
        State::NonAderente => vec![],
        State::Invitato => vec![invite("2024-01-10")],
        State::BozzaInviata => vec![invite("2024-01-10"), draft("2024-02-01")],
        State::AttoAdottato => vec![
            invite("2024-01-10"),
            draft("2024-02-01"),
            act("2024-03-01", "12", new_referent()),
        ],
        State::ProtocolloSottoscritto => vec![
            invite("2024-01-10"),
            draft("2024-02-01"),
            act("2024-03-01", "12", new_referent()),
            sign("2024-04-01"),
        ],
        State::Receduto => vec![
            invite("2024-01-10"),
            draft("2024-02-01"),
            act("2024-03-01", "12", new_referent()),
            sign("2024-04-01"),
            withdraw("2024-05-01"),
        ],
    };
    for step in path {
        s.record_step(C, &step).unwrap();
    }
    assert_eq!(s.adhesion(C).unwrap().state, state);
    s
}

#[test]
fn every_state_and_step_pair_is_allowed_or_refused_without_writing() {
    for from in STATES {
        for kind in STEP_KINDS {
            let mut s = store_in(from);
            let before = common::dump(&s);
            let result = s.record_step(C, &step_of(kind, "2024-06-01"));
            match kind.target(from) {
                Some(to) => {
                    let status = result.unwrap_or_else(|e| panic!("{kind:?} from {from:?}: {e}"));
                    assert_eq!(status.state, to, "{kind:?} from {from:?}");
                    assert_eq!(status.history[0].kind, kind.as_str());
                    let audit_rows =
                        common::count(&s, "SELECT count(*) FROM audit WHERE entity = 'adhesion'");
                    let steps = common::count(&s, "SELECT count(*) FROM adhesion_step");
                    assert_eq!(audit_rows, steps, "one audit row per step");
                }
                None => {
                    let err = result.unwrap_err();
                    assert_eq!(err.code(), "invalid_transition", "{kind:?} from {from:?}");
                    assert!(err.to_string().contains(from.label()), "{err}");
                    assert_eq!(
                        common::dump(&s),
                        before,
                        "{kind:?} from {from:?} wrote something"
                    );
                }
            }
        }
    }
}

#[test]
fn the_expected_pairs_are_the_allowed_ones() {
    use State::*;
    let allowed: Vec<(StepKind, State)> = STEP_KINDS
        .into_iter()
        .flat_map(|k| {
            STATES
                .into_iter()
                .filter(move |s| k.target(*s).is_some())
                .map(move |s| (k, s))
        })
        .collect();
    assert_eq!(
        allowed,
        vec![
            (StepKind::Invite, NonAderente),
            (StepKind::Invite, Receduto),
            (StepKind::SendDraft, Invitato),
            (StepKind::AdoptAct, BozzaInviata),
            (StepKind::SignProtocol, AttoAdottato),
            (StepKind::Decline, Invitato),
            (StepKind::Decline, BozzaInviata),
            (StepKind::Withdraw, ProtocolloSottoscritto),
            (StepKind::Reminder, Invitato),
            (StepKind::Reminder, BozzaInviata),
        ]
    );
}

#[test]
fn dates_never_run_backwards_and_are_not_in_the_future() {
    let mut s = store_in(State::BozzaInviata);
    let before = common::dump(&s);
    let tomorrow = (chrono::Local::now().date_naive() + chrono::Days::new(1)).to_string();
    let rows = vec![
        (
            act("2024-01-20", "12", new_referent()),
            "date",
            "01/02/2024",
        ),
        (act(&tomorrow, "12", new_referent()), "date", "futuro"),
        (act("2024-02-30", "12", new_referent()), "date", ""),
    ];
    let errors = assert_refused(rows, |step| s.record_step(C, step));
    assert_eq!(errors[0].code(), "validation");
    assert_eq!(common::dump(&s), before);
    // The same day as the previous step is fine.
    s.record_step(C, &act("2024-02-01", "12", new_referent()))
        .unwrap();
}

#[test]
fn step_data_is_validated_and_names_the_field() {
    let mut s = common::store();
    let bad = Step::Invite {
        date: "2024-01-10".into(),
        protocol_number: "  ".into(),
        channel: Channel::Pec,
    };
    assert_eq!(
        s.record_step(C, &bad).unwrap_err().field(),
        Some("protocol_number")
    );
    let mut s = store_in(State::BozzaInviata);
    let other = s
        .add_referent("083048", &rpct("Persona di Messina"))
        .unwrap();
    let elsewhere = Designated::Existing {
        referent_id: other.id,
    };
    // A new referent with a bad e-mail refuses the whole step.
    let mut bad_email = new_referent();
    if let Designated::New { referent } = &mut bad_email {
        referent.email = Some("rpct@".into());
    }
    let before = common::dump(&s);
    let rows = vec![
        (act("2024-03-01", " ", new_referent()), "number", ""),
        (act("2024-03-01", "12", elsewhere), "referent_id", ""),
        (act("2024-03-01", "12", bad_email), "email", ""),
    ];
    assert_refused(rows, |step| s.record_step(C, step));
    assert_eq!(common::dump(&s), before);
    // The designated referent is created in the same step.
    s.record_step(C, &act("2024-03-01", "12", new_referent()))
        .unwrap();
    assert_eq!(s.referents(C).unwrap()[0].full_name, "Rosa Lo Presti");
}

#[test]
fn an_act_number_is_unique_per_comune_type_and_year() {
    let mut s = store_in(State::Receduto);
    s.record_step(C, &invite("2024-06-01")).unwrap();
    s.record_step(C, &draft("2024-06-02")).unwrap();
    let before = common::dump(&s);
    let rosa = Designated::Existing {
        referent_id: s.referents(C).unwrap()[0].id,
    };
    let err = s
        .record_step(C, &act("2024-06-03", "12", rosa))
        .unwrap_err();
    assert_eq!(err.field(), Some("number"));
    assert!(err.to_string().contains("n. 12 del 2024"), "{err}");
    assert_eq!(common::dump(&s), before);
    // Another type with the same number is another act.
    let decree = Step::AdoptAct {
        date: "2024-06-03".into(),
        act_type: ActType::DecretoSindacale,
        number: "12".into(),
        immediately_executable: false,
        designated: Designated::Existing {
            referent_id: s.referents(C).unwrap()[0].id,
        },
    };
    s.record_step(C, &decree).unwrap();
    // The same number in another comune is fine.
    let mut t = common::store();
    t.record_step(C, &invite("2024-01-10")).unwrap();
    t.record_step("083048", &invite("2024-01-10")).unwrap();
    t.record_step("083048", &draft("2024-01-11")).unwrap();
    t.record_step(
        "083048",
        &act(
            "2024-01-12",
            "12",
            Designated::New {
                referent: rpct("X Y"),
            },
        ),
    )
    .unwrap();
}

#[test]
fn undo_restores_the_previous_state_and_is_in_the_history() {
    let mut s = store_in(State::AttoAdottato);
    assert_eq!(
        s.undo_last_step(C, None, "  ").unwrap_err().field(),
        Some("reason")
    );
    let status = s
        .undo_last_step(C, None, "Numero dell'atto sbagliato")
        .unwrap();
    assert_eq!(status.state, State::BozzaInviata);
    assert_eq!(status.since.as_deref(), Some("2024-02-01"));
    assert_eq!(status.history[0].kind, "undo");
    assert_eq!(
        status.history[0].note.as_deref(),
        Some("Numero dell'atto sbagliato")
    );
    assert_eq!(status.history[1].kind, "adopt_act");
    assert_eq!(status.history[1].undone_by, Some(status.history[0].id));
    // The act's number is free again, and its date rule now refers to the draft.
    // The referent the undone act created stays in the registry.
    let rosa = s.referents(C).unwrap()[0].clone();
    assert_eq!(rosa.full_name, "Rosa Lo Presti");
    s.record_step(
        C,
        &act(
            "2024-02-15",
            "12",
            Designated::Existing {
                referent_id: rosa.id,
            },
        ),
    )
    .unwrap();
    // Undo twice walks back further; undoing a reminder keeps the state.
    let mut s = store_in(State::Invitato);
    s.record_step(C, &reminder("2024-02-10")).unwrap();
    assert_eq!(
        s.undo_last_step(C, None, "Sollecito registrato per errore")
            .unwrap()
            .state,
        State::Invitato
    );
    assert_eq!(
        s.undo_last_step(C, None, "Invito inviato al comune sbagliato")
            .unwrap()
            .state,
        State::NonAderente
    );
    let err = s.undo_last_step(C, None, "ancora").unwrap_err();
    assert_eq!(err.code(), "invalid_transition");
    assert_eq!(
        common::count(&s, "SELECT count(*) FROM audit WHERE action = 'undo'"),
        2
    );
}

#[test]
fn bulk_invitation_is_all_or_nothing() {
    let mut s = common::store();
    let all: Vec<String> = s
        .adhesions(&AdhesionQuery::default())
        .unwrap()
        .into_iter()
        .map(|r| r.istat)
        .collect();
    // The 20th comune is already invited: the whole bulk is refused.
    s.record_step(&all[19], &invite("2024-01-05")).unwrap();
    let before = common::dump(&s);
    let mut seen = 0;
    let err = s
        .bulk_invite(
            &all,
            "2024-01-10",
            "55/2024",
            Channel::Pec,
            &mut |done, _| {
                seen = done;
                true
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_transition");
    assert!(
        err.to_string().contains("nessun comune è stato invitato"),
        "{err}"
    );
    assert_eq!(seen, 19, "the first 19 were processed before the failure");
    assert_eq!(common::dump(&s), before, "the first 19 must be untouched");
    // Cancelling half-way writes nothing either.
    let err = s
        .bulk_invite(
            &all[20..],
            "2024-01-10",
            "55/2024",
            Channel::Pec,
            &mut |done, _| done < 50,
        )
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert_eq!(common::dump(&s), before);
    // Without the invited one it succeeds for all.
    let rest: Vec<String> = all.iter().filter(|c| *c != &all[19]).cloned().collect();
    let n = s
        .bulk_invite(&rest, "2024-01-10", "55/2024", Channel::Pec, &mut |_, _| {
            true
        })
        .unwrap();
    assert_eq!(n, 107);
    let invited = s
        .adhesions(&AdhesionQuery {
            state: Some("invitato".into()),
            zone: None,
        })
        .unwrap();
    assert_eq!(invited.len(), 108);
    assert_eq!(
        common::count(
            &s,
            "SELECT count(DISTINCT bulk_id) FROM adhesion_step WHERE bulk_id IS NOT NULL"
        ),
        1
    );
}

#[test]
fn register_stalled_and_figures() {
    let mut s = store_in(State::ProtocolloSottoscritto);
    s.record_step("083048", &invite("2024-01-10")).unwrap(); // Messina waits since long ago
    s.record_step(
        "083001",
        &invite(&chrono::Local::now().date_naive().to_string()),
    )
    .unwrap();
    s.record_step("083048", &reminder("2024-03-01")).unwrap();
    let stalled = s.stalled().unwrap();
    assert_eq!(stalled.len(), 1);
    assert_eq!(stalled[0].name, "Messina");
    assert_eq!(stalled[0].last_reminder.as_deref(), Some("2024-03-01"));
    assert!(stalled[0].days_in_state.unwrap() > 30);
    let f = s.adhesion_figures().unwrap();
    assert_eq!((f.comuni, f.members), (108, 1));
    assert_eq!(f.small_comuni, 88);
    let sant_agata = s.comune(C).unwrap();
    assert_eq!(f.population_members, sant_agata.population.unwrap());
    assert_eq!(
        f.small_members,
        i64::from(sant_agata.population.unwrap() < 5000)
    );
    assert_eq!(f.by_state.iter().map(|c| c.comuni).sum::<i64>(), 108);
    assert_eq!(f.by_zone.iter().map(|z| z.members).sum::<i64>(), 1);
    assert_eq!(f.stalled, 1);
    let inv = s
        .adhesions(&AdhesionQuery {
            state: Some("invitato".into()),
            zone: None,
        })
        .unwrap();
    assert_eq!(inv.len(), 2);
    assert_eq!(
        s.adhesions(&AdhesionQuery {
            state: Some("boh".into()),
            zone: None
        })
        .unwrap_err()
        .field(),
        Some("state")
    );
    // Export of the register.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registro.csv");
    let n = s
        .export_adhesions(
            &AdhesionQuery {
                state: Some("invitato".into()),
                zone: None,
            },
            cdp_core::io::Format::Csv,
            &path,
        )
        .unwrap();
    assert_eq!(n, 2);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("Messina;") && text.contains(";Invitato;10/01/2024;"),
        "{text}"
    );
}

/// SIGKILL in the middle of a bulk invitation, many times at random moments:
/// the archive stays whole and holds none or all of the bulk action.
#[test]
fn a_crash_during_a_bulk_invitation_leaves_none_or_all() {
    if let Ok(path) = std::env::var("CDP_CRASH_CHILD") {
        // The child: invite every comune, slowly enough to be killed half-way.
        let mut s = Store::open(std::path::Path::new(&path)).unwrap();
        let all: Vec<String> = s
            .adhesions(&AdhesionQuery::default())
            .unwrap()
            .into_iter()
            .map(|r| r.istat)
            .collect();
        println!("started");
        s.bulk_invite(&all, "2024-01-10", "1/2024", Channel::Pec, &mut |_, _| {
            std::thread::sleep(std::time::Duration::from_millis(2));
            true
        })
        .unwrap();
        std::thread::sleep(std::time::Duration::from_secs(5));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.sqlite3");
    drop(Store::open(&template).unwrap());
    let exe = std::env::current_exe().unwrap();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let (mut none, mut all_done) = (0, 0);
    for i in 0..25 {
        let db = dir.path().join(format!("crash-{i}.sqlite3"));
        std::fs::copy(&template, &db).unwrap();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = 20 + (seed >> 33) % 450; // ms: before, during and after the ~250 ms bulk
        let mut child = std::process::Command::new(&exe)
            .args([
                "--exact",
                "a_crash_during_a_bulk_invitation_leaves_none_or_all",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("CDP_CRASH_CHILD", &db)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        assert_eq!(common::integrity(&conn), "ok", "run {i} ({delay} ms)");
        let invited: i64 = conn
            .query_row(
                "SELECT count(*) FROM adhesion WHERE state = 'invitato'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let steps: i64 = conn
            .query_row("SELECT count(*) FROM adhesion_step", [], |r| r.get(0))
            .unwrap();
        let audits: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit WHERE entity = 'adhesion'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            (invited, steps, audits) == (0, 0, 0) || (invited, steps, audits) == (108, 108, 108),
            "run {i} ({delay} ms): {invited} invited, {steps} steps, {audits} audit rows"
        );
        if invited == 0 {
            none += 1
        } else {
            all_done += 1
        }
    }
    eprintln!("crash test: {none} runs killed before the commit, {all_done} after");
}
