//! Killed at random instants during a send of 108 and restarted: no
//! recipient gets a message twice and none is lost (25 runs).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use cdp_core::comms::outbox::send;
use cdp_core::comms::smtp::Security;
use cdp_core::job::CancelToken;

use super::*;

const CHILD: &str = "CDP_COMMS_KILL_CHILD";

/// The child: opens the archive and sends communication 1 (killed by the parent).
fn child(spec: &str) {
    let mut parts = spec.split('|');
    let (db, port, ca) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let s = Store::open(Path::new(db)).unwrap();
    let mut settings = s.smtp_settings().unwrap();
    settings.port = port.parse().unwrap();
    settings.ca_file = ca.into();
    let mailer = SmtpMailer::new(&settings, PASSWORD).unwrap();
    let archive = Mutex::new(s);
    send(&archive, 1, &mailer, &|_| {}, &CancelToken::new()).unwrap();
}

#[test]
fn a_send_killed_at_random_and_resumed_never_sends_twice_nor_loses_one() {
    if let Ok(spec) = std::env::var(CHILD) {
        child(&spec);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), Security::Starttls);
    // An archive with the 108 RPCT and the convocation, on disk.
    let template = dir.path().join("modello.sqlite3");
    {
        let mut s = Store::open(&template).unwrap();
        network(&mut s);
        s.save_smtp_settings(&server.settings(), None).unwrap();
        assert_eq!(convocation(&mut s, false), 1);
        s.close().unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut killed_midway = 0;
    for run in 0..25 {
        let db = dir.path().join(format!("run-{run}.sqlite3"));
        std::fs::copy(&template, &db).unwrap();
        // Queued now: this run's own Message-IDs.
        {
            let mut s = Store::open(&db).unwrap();
            s.comms_queue(1).unwrap();
            s.close().unwrap();
        }
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = 100 + (seed >> 33) % 2500;
        let before = server.received().len();
        let mut c = Command::new(&exe)
            .args([
                "--exact",
                "kill::a_send_killed_at_random_and_resumed_never_sends_twice_nor_loses_one",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(
                CHILD,
                format!("{}|{}|{}", db.display(), server.port, server.ca.display()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        c.kill().unwrap();
        c.wait().unwrap();
        let at_kill = server.received().len() - before;
        if at_kill > 0 && at_kill < 108 {
            killed_midway += 1;
        }
        // Restart: resume from the outbox.
        let s = Store::open(&db).unwrap();
        let archive = Mutex::new(s);
        let r = send(
            &archive,
            1,
            &server.mailer(PASSWORD),
            &|_| {},
            &CancelToken::new(),
        )
        .unwrap();
        assert!(r.stopped.is_none(), "run {run}: {r:?}");
        let s = archive.into_inner().unwrap();
        let mut stmt = s
            .connection()
            .prepare("SELECT message_id, state, recipient_id FROM comm_message ORDER BY id")
            .unwrap();
        let rows: Vec<(String, String, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        drop(stmt);
        assert_eq!(rows.len(), 108);
        let mut got: HashMap<String, usize> = HashMap::new();
        for m in &server.received()[before..] {
            *got.entry(m["message_id"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        let mut unknown = 0;
        let mut not_arrived = Vec::new();
        for (mid, state, recipient) in &rows {
            let n = got.get(mid).copied().unwrap_or(0);
            match state.as_str() {
                "sent" => assert_eq!(n, 1, "run {run}: {mid} sent but received {n} times"),
                // Killed while the server had it: shown as unknown, at most once there.
                "unknown" => {
                    unknown += 1;
                    assert!(n <= 1, "run {run}: {mid} received {n} times");
                    if n == 0 {
                        not_arrived.push(*recipient);
                    }
                }
                other => panic!("run {run}: {mid} left {other}"),
            }
        }
        assert!(
            unknown <= 1,
            "run {run}: {unknown} unknown (one message at a time is with the server)"
        );
        assert!(
            got.values().all(|n| *n == 1),
            "run {run}: a message received twice"
        );
        // None lost: the user resends what did not arrive (the acceptance
        // receipts say which), and every recipient then has exactly one.
        let mut s = s;
        if !not_arrived.is_empty() {
            assert_eq!(
                s.comms_requeue(1, &not_arrived, false).unwrap(),
                not_arrived.len()
            );
            let archive = Mutex::new(s);
            send(
                &archive,
                1,
                &server.mailer(PASSWORD),
                &|_| {},
                &CancelToken::new(),
            )
            .unwrap();
            s = archive.into_inner().unwrap();
        }
        let mut per_rcpt: HashMap<String, usize> = HashMap::new();
        for m in &server.received()[before..] {
            *per_rcpt
                .entry(m["rcpt"][0].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        assert_eq!(per_rcpt.len(), 108, "run {run}: a recipient got nothing");
        assert!(
            per_rcpt.values().all(|n| *n == 1),
            "run {run}: a recipient got two"
        );
        s.close().unwrap();
    }
    assert!(
        killed_midway >= 5,
        "only {killed_midway} of 25 kills fell during the send"
    );
}
