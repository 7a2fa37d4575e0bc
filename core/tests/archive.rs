//! The archive never loses work: clean close, refused files, one writer,
//! read-only, stale forms, backups, restore, crashes, full and read-only disks.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use cdp_core::db::backup::Reason;
use cdp_core::Store;
use common::registry::comune_input as input_of;

const MESSINA: &str = "083048";

fn set_notes(store: &mut Store, istat: &str, notes: &str) {
    let mut i = input_of(store, istat);
    i.notes = Some(notes.into());
    i.version = Some(store.comune(istat).unwrap().updated_at);
    store.update_comune(istat, &i).unwrap();
}

fn sha(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

fn sidecars(path: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", path.display())))
        .filter(|p| p.exists())
        .collect()
}

#[test]
fn after_a_clean_close_the_main_file_alone_holds_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archivio.sqlite3");
    let mut s = Store::open(&path).unwrap();
    set_notes(&mut s, MESSINA, "Nota scritta prima della chiusura");
    s.close().unwrap();
    assert!(sidecars(&path).is_empty(), "{:?}", sidecars(&path));
    // Only the main file travels (a USB stick, a sync tool).
    let other = tempfile::tempdir().unwrap();
    let copy = other.path().join("copia.sqlite3");
    std::fs::copy(&path, &copy).unwrap();
    let s = Store::open(&copy).unwrap();
    assert_eq!(
        s.comune(MESSINA).unwrap().notes.as_deref(),
        Some("Nota scritta prima della chiusura")
    );
}

#[test]
fn a_new_archive_is_built_aside_and_renamed_into_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("nuovo.sqlite3");
    let s = Store::open(&path).unwrap();
    assert_eq!(common::count(&s, "SELECT count(*) FROM comune"), 108);
    s.close().unwrap();
    // Nothing but the archive and its (empty) lock file is left.
    let mut names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["nuovo.sqlite3", "nuovo.sqlite3.lock"]);
    // Readable by colleagues on a shared folder, as any file the user makes.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o044, 0o044, "{mode:o}");
    }
    assert_eq!(
        std::fs::metadata(format!("{}.lock", path.display()))
            .unwrap()
            .len(),
        0
    );
}

fn assert_refused(path: &Path, expect: &str) {
    let before = sha(path);
    let err = match Store::open(path) {
        Ok(_) => panic!("{} must be refused", path.display()),
        Err(e) => e,
    };
    assert_eq!(err.code(), "unreadable_database", "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains(expect), "{msg}");
    assert!(msg.contains("non è stato modificato"), "{msg}");
    assert_eq!(sha(path), before, "the refused file was modified");
    assert!(!Path::new(&format!("{}.lock", path.display())).exists());
}

#[test]
fn a_zero_byte_file_a_main_file_without_its_wal_and_a_foreign_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("vuoto.sqlite3");
    std::fs::write(&empty, b"").unwrap();
    assert_refused(&empty, "vuoto (0 byte)");

    // An archive whose data was all in its -wal (as older versions left it),
    // copied without the -wal.
    let live = dir.path().join("viva.sqlite3");
    let conn = rusqlite::Connection::open(&live).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    cdp_core::archive::schema().migrate(&conn).unwrap();
    let main_only = dir.path().join("senza-wal.sqlite3");
    std::fs::copy(&live, &main_only).unwrap();
    drop(conn);
    assert_refused(&main_only, "senza-wal.sqlite3-wal");

    let foreign = dir.path().join("altro.sqlite3");
    let c = rusqlite::Connection::open(&foreign).unwrap();
    c.execute_batch("CREATE TABLE fatture (n INTEGER); INSERT INTO fatture VALUES (1);")
        .unwrap();
    drop(c);
    assert_refused(&foreign, "altro programma");

    let text = dir.path().join("testo.sqlite3");
    std::fs::write(&text, "Questo non è un archivio".repeat(100)).unwrap();
    assert_refused(&text, "non è un database SQLite");
}

#[test]
fn one_writer_a_second_opener_gets_the_holder_or_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("condiviso.sqlite3");
    let mut first = Store::open(&path).unwrap();
    let err = Store::open(&path).err().expect("second writer refused");
    assert_eq!(err.code(), "archive_in_use");
    let msg = err.to_string();
    assert!(msg.contains("è già aperto da "), "{msg}");
    assert!(msg.contains(" su "), "{msg}");
    assert!(msg.contains("sola lettura"), "{msg}");

    let mut reader = Store::open_read_only(&path).unwrap();
    assert!(reader.is_read_only());
    set_notes(&mut first, MESSINA, "Dalla prima finestra");
    assert_eq!(
        reader.comune(MESSINA).unwrap().notes.as_deref(),
        Some("Dalla prima finestra")
    );
    let mut i = input_of(&reader, MESSINA);
    i.notes = Some("Dalla seconda".into());
    let err = reader.update_comune(MESSINA, &i).unwrap_err();
    assert_eq!(err.code(), "read_only_archive");
    assert!(err.to_string().contains("sola lettura"));
    assert!(reader.backups().is_ok());
    reader.close().unwrap();
    first.close().unwrap();
    // Free again after a clean close.
    Store::open(&path).unwrap().close().unwrap();
}

#[test]
fn a_second_process_never_writes_and_a_killed_holder_is_taken_over() {
    if let Ok(path) = std::env::var("CDP_HOLDER_CHILD") {
        let _s = Store::open(Path::new(&path)).unwrap();
        println!("holding");
        std::thread::sleep(Duration::from_secs(30));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite3");
    Store::open(&path).unwrap().close().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_second_process_never_writes_and_a_killed_holder_is_taken_over",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CDP_HOLDER_CHILD", &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the child to hold the archive.
    let mut out = child.stdout.take().unwrap();
    let mut buf = [0u8; 256];
    let mut seen = String::new();
    while !seen.contains("holding") {
        use std::io::Read;
        let n = out.read(&mut buf).unwrap();
        assert!(n > 0, "child ended early");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let err = Store::open(&path).err().expect("held by the child");
    assert_eq!(err.code(), "archive_in_use", "{err}");
    let ro = Store::open_read_only(&path).unwrap();
    assert_eq!(common::count(&ro, "SELECT count(*) FROM comune"), 108);
    drop(ro);
    child.kill().unwrap();
    child.wait().unwrap();
    let s = Store::open(&path).unwrap();
    let prev = s
        .recovered_from()
        .expect("the crashed holder is recognised");
    assert_ne!(prev.pid, std::process::id());
    s.close().unwrap();
}

#[test]
fn a_stale_save_and_a_stale_undo_are_refused() {
    use common::adhesion::{invite, reminder};
    let mut s = common::store();
    let shown = input_of(&s, MESSINA);
    let version = s.comune(MESSINA).unwrap().updated_at;
    // Another window saves first.
    set_notes(&mut s, MESSINA, "PEC aggiornata dall'altra finestra");
    let mut stale = shown.clone();
    stale.notes = Some("Vecchio modulo".into());
    stale.version = Some(version);
    let err = s.update_comune(MESSINA, &stale).unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("ricaricare"), "{err}");
    assert_eq!(
        s.comune(MESSINA).unwrap().notes.as_deref(),
        Some("PEC aggiornata dall'altra finestra")
    );
    // Two saves in the same millisecond still get different versions.
    let v1 = s.comune(MESSINA).unwrap().updated_at;
    set_notes(&mut s, MESSINA, "a");
    let v2 = s.comune(MESSINA).unwrap().updated_at;
    assert_ne!(v1, v2);

    s.record_step(MESSINA, &invite("2026-01-12")).unwrap();
    let offered = s.adhesion(MESSINA).unwrap().undoable.unwrap().id;
    s.record_step(MESSINA, &reminder("2026-02-12")).unwrap();
    let err = s
        .undo_last_step(MESSINA, Some(offered), "Invito sbagliato")
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("Sollecito"), "{err}");
    let latest = s.adhesion(MESSINA).unwrap().undoable.unwrap().id;
    s.undo_last_step(MESSINA, Some(latest), "Sollecito per errore")
        .unwrap();

    // Two editors opened the same template version: the second save is refused.
    use cdp_core::adhesion::documents::DocKind;
    let opened = s.template(DocKind::Lettera).unwrap().current;
    let first = format!("{}\nPrima modifica.", opened.body);
    s.save_template(DocKind::Lettera, &first, Some(opened.version))
        .unwrap();
    let second = format!("{}\nSeconda modifica.", opened.body);
    let err = s
        .save_template(DocKind::Lettera, &second, Some(opened.version))
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(err.field(), Some("body"));
    assert_eq!(s.template(DocKind::Lettera).unwrap().current.body, first);
}

#[test]
fn backup_then_restore_is_exact_and_keeps_a_safety_copy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archivio.sqlite3");
    let mut s = Store::open(&path).unwrap();
    let now = chrono::Utc::now();
    let daily = s
        .daily_backup(now)
        .unwrap()
        .expect("first opening of the day");
    assert_eq!(daily.reason, Reason::Daily);
    assert!(s.daily_backup(now).unwrap().is_none(), "one a day");
    set_notes(&mut s, MESSINA, "Prima della copia");
    let copy = s.backup_now(Reason::Manual, now).unwrap();
    assert_eq!(copy.summary.as_ref().unwrap().comuni, 108);
    let copied = common::dump_all(&rusqlite::Connection::open(&copy.path).unwrap());
    set_notes(&mut s, MESSINA, "Dopo la copia: da perdere");

    let report = s
        .restore(Path::new(&copy.path), chrono::Utc::now())
        .unwrap();
    assert_eq!(report.restored.comuni, 108);
    assert_eq!(
        s.comune(MESSINA).unwrap().notes.as_deref(),
        Some("Prima della copia")
    );
    // Every table equal, but for the restore's own audit row.
    let restored = common::dump_all(s.connection());
    let without_last_audit: String = {
        let mut lines: Vec<&str> = restored.lines().collect();
        let last = lines.iter().rposition(|l| l.starts_with("audit:")).unwrap();
        let action: String = s
            .connection()
            .query_row(
                "SELECT action FROM audit ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(action, "restore");
        lines.remove(last);
        lines.iter().map(|l| format!("{l}\n")).collect()
    };
    assert_eq!(without_last_audit, copied);
    // The safety copy holds the lost change and is listed.
    let safety = rusqlite::Connection::open(&report.safety_copy.path).unwrap();
    let notes: String = safety
        .query_row(
            "SELECT notes FROM comune WHERE istat = ?1",
            [MESSINA],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(notes, "Dopo la copia: da perdere");
    let listed = s.backups().unwrap();
    assert!(listed.iter().any(|b| b.reason == Reason::BeforeRestore));
    assert!(listed.iter().all(|b| b.problem.is_none()));
    s.close().unwrap();
    assert!(sidecars(&path).is_empty());
}

#[test]
fn restore_refuses_what_is_not_a_good_copy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archivio.sqlite3");
    let mut s = Store::open(&path).unwrap();
    let before = common::dump_all(s.connection());
    let bad = dir.path().join("rotto.sqlite3");
    std::fs::write(&bad, b"SQLite format 3\0 ma il resto no").unwrap();
    let err = s.restore(&bad, chrono::Utc::now()).unwrap_err();
    assert_eq!(err.code(), "validation");
    let newer = dir.path().join("nuovo.sqlite3");
    s.save_copy(&newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = s.restore(&newer, chrono::Utc::now()).unwrap_err();
    assert!(err.to_string().contains("più recente"), "{err}");
    let err = s.restore(&path, chrono::Utc::now()).unwrap_err();
    assert_eq!(err.code(), "validation");
    assert_eq!(common::dump_all(s.connection()), before);
    let err = s.save_copy(&path).unwrap_err();
    assert_eq!(err.code(), "validation");
}

/// Runs `child_test` in a child process killed after a random delay, 25
/// times; `check(i)` then asserts the archive is whole and old or new.
fn kill_at_random(
    child_test: &str,
    env: &str,
    prepare: &dyn Fn(usize) -> PathBuf,
    check: &dyn Fn(usize, &Path),
    max_ms: u64,
) {
    let exe = std::env::current_exe().unwrap();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    for i in 0..25 {
        let db = prepare(i);
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = (seed >> 33) % max_ms;
        let mut child = Command::new(&exe)
            .args(["--exact", child_test, "--nocapture", "--test-threads=1"])
            .env(env, &db)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        check(i, &db);
    }
}

fn integrity(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    assert_eq!(common::integrity(&conn), "ok");
    conn
}

fn notes_of(conn: &rusqlite::Connection) -> Option<String> {
    conn.query_row(
        "SELECT notes FROM comune WHERE istat = ?1",
        [MESSINA],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_kill_during_restore_leaves_the_old_or_the_restored_archive() {
    if let Ok(path) = std::env::var("CDP_RESTORE_CHILD") {
        let path = PathBuf::from(path);
        let source = path.with_file_name("sorgente.sqlite3");
        let mut s = Store::open(&path).unwrap();
        s.restore(&source, chrono::Utc::now()).unwrap();
        s.close().unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("modello.sqlite3");
    let source = {
        let mut s = Store::open(&template).unwrap();
        set_notes(&mut s, MESSINA, "vecchio");
        let src = dir.path().join("sorgente-0.sqlite3");
        let mut t = Store::open_in_memory().unwrap();
        set_notes(&mut t, MESSINA, "ripristinato");
        t.save_copy(&src).unwrap();
        s.close().unwrap();
        src
    };
    kill_at_random(
        "a_kill_during_restore_leaves_the_old_or_the_restored_archive",
        "CDP_RESTORE_CHILD",
        &|i| {
            let d = dir.path().join(format!("run-{i}"));
            std::fs::create_dir_all(&d).unwrap();
            std::fs::copy(&template, d.join("a.sqlite3")).unwrap();
            std::fs::copy(&source, d.join("sorgente.sqlite3")).unwrap();
            d.join("a.sqlite3")
        },
        &|i, db| {
            let conn = integrity(db);
            let notes = notes_of(&conn);
            assert!(
                matches!(notes.as_deref(), Some("vecchio") | Some("ripristinato")),
                "run {i}: neither the old nor the restored archive: {notes:?}"
            );
        },
        120,
    );
}

#[test]
fn a_kill_during_backup_leaves_the_archive_whole_and_no_half_copy() {
    if let Ok(path) = std::env::var("CDP_BACKUP_CHILD") {
        let s = Store::open(Path::new(&path)).unwrap();
        for _ in 0..50 {
            s.backup_now(Reason::Manual, chrono::Utc::now()).unwrap();
        }
        s.close().unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("modello.sqlite3");
    {
        let mut s = Store::open(&template).unwrap();
        set_notes(&mut s, MESSINA, "dati");
        s.close().unwrap();
    }
    kill_at_random(
        "a_kill_during_backup_leaves_the_archive_whole_and_no_half_copy",
        "CDP_BACKUP_CHILD",
        &|i| {
            let d = dir.path().join(format!("run-{i}"));
            std::fs::create_dir_all(&d).unwrap();
            std::fs::copy(&template, d.join("a.sqlite3")).unwrap();
            d.join("a.sqlite3")
        },
        &|i, db| {
            let conn = integrity(db);
            assert_eq!(notes_of(&conn).as_deref(), Some("dati"), "run {i}");
            // Every copy that took its name is whole (a temporary may remain
            // from the instant of the kill, never under a copy's name).
            let s = Store::open_read_only(db).unwrap();
            for b in s.backups().unwrap() {
                assert!(b.problem.is_none(), "run {i}: {:?}", b.problem);
            }
        },
        400,
    );
}

/// A small filesystem of our own (tmpfs), for the full-disk and read-only
/// cases. Needs root (CI and the developers' machines run as root); elsewhere
/// the test says so and does nothing.
struct Mount(PathBuf);

impl Mount {
    fn new(size: &str) -> Option<Mount> {
        let dir = tempfile::tempdir().unwrap().keep();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (not root?)");
            return None;
        }
        Some(Mount(dir))
    }

    fn read_only(&self) {
        assert!(Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .unwrap()
            .success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Fills the disk `path` is on, to the last byte.
fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for size in [64 * 1024, 4096, 512, 1] {
        let block = vec![0u8; size];
        while f.write_all(&block).is_ok() {}
    }
}

#[test]
fn a_full_disk_gives_an_italian_message_and_leaves_nothing_half_written() {
    let Some(m) = Mount::new("3m") else { return };
    let path = m.0.join("archivio.sqlite3");
    let mut s = Store::open(&path).unwrap();
    let before = s.comune(MESSINA).unwrap();
    // Fill the disk, leaving a few KB.
    let filler = m.0.join("riempitivo");
    fill(&filler);
    let err = s
        .backup_now(Reason::Manual, chrono::Utc::now())
        .unwrap_err();
    assert_eq!(err.code(), "disk_full", "{err}");
    let msg = err.to_string();
    assert!(msg.contains("Spazio su disco esaurito"), "{msg}");
    assert!(msg.contains("nulla è stato salvato a metà"), "{msg}");
    // No copy and no temporary file left behind.
    let left: Vec<_> = std::fs::read_dir(m.0.join("backup"))
        .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
    let copy = m.0.join("copia.sqlite3");
    assert_eq!(s.save_copy(&copy).unwrap_err().code(), "disk_full");
    assert!(!copy.exists());
    // A save that does not fit: refused in Italian, the comune as it was.
    let mut i = input_of(&s, MESSINA);
    i.notes = Some("x".repeat(3_900));
    i.version = Some(before.updated_at.clone());
    let mut refused = 0;
    for _ in 0..200 {
        match s.update_comune(MESSINA, &i) {
            Ok(c) => i.version = Some(c.updated_at),
            Err(e) => {
                let e = s.explain(e);
                assert_eq!(e.code(), "disk_full", "{e}");
                assert!(e.to_string().contains("archivio.sqlite3"), "{e}");
                refused += 1;
                break;
            }
        }
    }
    assert_eq!(refused, 1, "the disk never filled up");
    // Free the space: the archive is whole and holds every committed save.
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(common::integrity(s.connection()), "ok");
    s.close().unwrap();
    fill(&filler);
    // A new archive cannot be created on a full disk either, and leaves nothing.
    let other = m.0.join("nuovo.sqlite3");
    let err = Store::open(&other)
        .err()
        .expect("no space for a new archive");
    assert!(matches!(err.code(), "disk_full" | "io"), "{err}");
    let names: Vec<String> = std::fs::read_dir(&m.0)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') || n.starts_with("nuovo"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn an_archive_on_a_read_only_disk_opens_read_only_with_clear_messages() {
    let Some(m) = Mount::new("20m") else { return };
    let path = m.0.join("archivio.sqlite3");
    {
        let mut s = Store::open(&path).unwrap();
        set_notes(&mut s, MESSINA, "su disco");
        s.close().unwrap();
    }
    m.read_only();
    let err = Store::open(&path).err().expect("cannot write there");
    assert!(
        matches!(err.code(), "read_only" | "permission_denied"),
        "{}: {err}",
        err.code()
    );
    assert!(err.to_string().contains("archivio.sqlite3"), "{err}");
    let mut s = Store::open_read_only(&path).unwrap();
    assert_eq!(
        s.comune(MESSINA).unwrap().notes.as_deref(),
        Some("su disco")
    );
    let mut i = input_of(&s, MESSINA);
    i.notes = Some("no".into());
    assert_eq!(
        s.update_comune(MESSINA, &i).unwrap_err().code(),
        "read_only_archive"
    );
    s.close().unwrap();
}

#[test]
fn a_kill_during_a_batch_leaves_whole_files_and_a_whole_register() {
    use cdp_core::adhesion::documents::DocKind;
    use cdp_core::documents::{batch::OnExisting, Format};
    use cdp_core::job::CancelToken;
    if let Ok(path) = std::env::var("CDP_BATCH_CHILD") {
        let path = PathBuf::from(path);
        let out = path.with_file_name("atti");
        let mut s = Store::open(&path).unwrap();
        let all: Vec<String> = s
            .list_comuni(&Default::default())
            .unwrap()
            .into_iter()
            .map(|r| r.istat)
            .collect();
        for _ in 0..3 {
            s.generate_batch(
                DocKind::DeliberaGiunta,
                &all,
                Format::Pdf,
                &out,
                OnExisting::Suffix,
                &|_| {},
                &CancelToken::new(),
            )
            .unwrap();
        }
        s.close().unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("modello.sqlite3");
    Store::open(&template).unwrap().close().unwrap();
    kill_at_random(
        "a_kill_during_a_batch_leaves_whole_files_and_a_whole_register",
        "CDP_BATCH_CHILD",
        &|i| {
            let d = dir.path().join(format!("run-{i}"));
            std::fs::create_dir_all(d.join("atti")).unwrap();
            std::fs::copy(&template, d.join("a.sqlite3")).unwrap();
            d.join("a.sqlite3")
        },
        &|i, db| {
            let conn = integrity(db);
            // The register holds whole batches only, each file as recorded.
            let mut stmt = conn
                .prepare("SELECT batch_id, count(*) FROM document GROUP BY batch_id")
                .unwrap();
            let batches: Vec<(Option<String>, i64)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            for (b, n) in &batches {
                assert_eq!(*n, 108, "run {i}: batch {b:?} registered {n} of 108");
            }
            let mut stmt = conn.prepare("SELECT path, bytes FROM document").unwrap();
            let rows: Vec<(String, i64)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            for (p, bytes) in rows {
                let len = std::fs::metadata(&p).map(|m| m.len() as i64).unwrap_or(-1);
                assert_eq!(len, bytes, "run {i}: {p}");
            }
            // Every file under a document's name is a whole PDF (a temporary
            // file may remain from the instant of the kill, never a half PDF).
            for e in std::fs::read_dir(db.with_file_name("atti"))
                .unwrap()
                .flatten()
            {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                let bytes = std::fs::read(e.path()).unwrap();
                assert!(bytes.starts_with(b"%PDF-"), "run {i}: {name}");
                let tail =
                    String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(32)..]).into_owned();
                assert!(tail.contains("%%EOF"), "run {i}: {name} is cut");
            }
        },
        900,
    );
}

#[test]
fn the_previous_release_is_backed_up_before_its_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("release-precedente.sqlite3");
    {
        // An archive of the previous release: schema 3, one edited comune.
        let conn = rusqlite::Connection::open(&path).unwrap();
        for m in &cdp_core::archive::schema().migrations()[..3] {
            conn.execute_batch(m.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        conn.execute_batch(
            "INSERT INTO zone (name, created_at) VALUES ('Isole Eolie', '2025-01-01T00:00:00Z');
             INSERT INTO comune (istat, name, cadastral_code, notes, zone_id, updated_at)
               VALUES ('083041', 'Lipari', 'E606', 'nota del 2025', 1, '2025-01-01T00:00:00Z');",
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(
        cdp_core::db::schema_version(s.connection()).unwrap(),
        cdp_core::archive::schema().latest_version()
    );
    assert_eq!(
        s.comune("083041").unwrap().notes.as_deref(),
        Some("nota del 2025")
    );
    assert_eq!(s.zones().unwrap()[0].updated_at, "");
    let copies = s.backups().unwrap();
    let before = copies
        .iter()
        .find(|b| b.reason == Reason::BeforeMigration)
        .expect("a copy before the migration");
    assert_eq!(before.summary.as_ref().unwrap().schema, 3);
    assert_eq!(before.summary.as_ref().unwrap().comuni, 1);
    s.close().unwrap();
}

#[test]
fn a_copy_made_while_running_is_recognised_a_saved_copy_or_one_after_close_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archivio.sqlite3");
    let mut store = Store::open(&path).unwrap();
    set_notes(&mut store, MESSINA, "Prima della copia");

    // The main file copied without its WAL while the app writes.
    let elsewhere = dir.path().join("chiavetta");
    std::fs::create_dir(&elsewhere).unwrap();
    let copy = elsewhere.join("archivio.sqlite3");
    std::fs::copy(&path, &copy).unwrap();
    set_notes(&mut store, MESSINA, "Dopo la copia");
    let err = Store::open(&copy)
        .err()
        .expect("a copy made while running is not opened silently");
    assert_eq!(err.code(), "archive_suspected_copy");
    let msg = err.to_string();
    for part in [
        "sembra una copia fatta mentre l'applicazione era in uso",
        "archivio.sqlite3-wal",
        "aperto da ",
        "sola lettura",
        "aprirlo comunque",
        path.to_str().unwrap(),
    ] {
        assert!(msg.contains(part), "{part:?} missing from: {msg}");
    }
    // The choices: read-only, or anyway. The passive checkpoint after each
    // action kept the main file current up to the copy.
    let reader = Store::open_read_only(&copy).unwrap();
    assert_eq!(
        reader.comune(MESSINA).unwrap().notes.as_deref(),
        Some("Prima della copia")
    );
    reader.close().unwrap();
    Store::open_anyway(&copy).unwrap().close().unwrap();
    // Closed cleanly by this app: it opens without the question.
    Store::open(&copy).unwrap().close().unwrap();

    // «Salva una copia» while the app runs.
    let saved = dir.path().join("salvata.sqlite3");
    store.save_copy(&saved).unwrap();
    Store::open(&saved).unwrap().close().unwrap();
    // A daily backup, opened as an archive.
    let backup = store
        .backup_now(Reason::Manual, chrono::Utc::now())
        .unwrap();
    Store::open(Path::new(&backup.path))
        .unwrap()
        .close()
        .unwrap();

    // A copy after a clean close.
    store.close().unwrap();
    let after = elsewhere.join("dopo.sqlite3");
    std::fs::copy(&path, &after).unwrap();
    let reopened = Store::open(&after).unwrap();
    assert_eq!(
        reopened.comune(MESSINA).unwrap().notes.as_deref(),
        Some("Dopo la copia")
    );
    reopened.close().unwrap();
    // And the archive itself, reopened after its clean close.
    Store::open(&path).unwrap().close().unwrap();
}

#[test]
fn a_damaged_archive_is_refused_in_italian_not_in_sqlite_english() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archivio.sqlite3");
    Store::open(&path).unwrap().close().unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    // The header intact, the pages after it overwritten.
    for b in bytes.iter_mut().skip(100) {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).err().expect("a damaged file is refused");
    let msg = err.to_string();
    for english in ["file is not a database", "malformed", "database disk image"] {
        assert!(!msg.contains(english), "{english:?} in: {msg}");
    }
    assert!(msg.contains("non è stato modificato"), "{msg}");
}

#[test]
fn temporary_files_a_kill_left_are_removed_at_opening_only_ours_and_old() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archivio.sqlite3");
    Store::open(&path).unwrap().close().unwrap();
    let backups = dir.path().join("backup");
    std::fs::create_dir_all(&backups).unwrap();
    let two_days_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    let make = |p: PathBuf, old: bool| {
        let f = std::fs::File::create(&p).unwrap();
        if old {
            f.set_modified(two_days_ago).unwrap();
        }
        p
    };
    let old_copy = make(dir.path().join(".copia-archivio-Ab12Cd.tmp"), true);
    let old_new = make(dir.path().join(".nuovo-archivio-x9Y8z7.tmp"), true);
    let old_backup = make(backups.join(".copia-archivio-Qw3Er4.tmp"), true);
    let recent = make(dir.path().join(".copia-archivio-Zz9Zz9.tmp"), false);
    let not_ours = make(dir.path().join(".copia-archivio-appunti.tmp"), true);
    let users = make(dir.path().join("relazione.tmp"), true);
    Store::open(&path).unwrap().close().unwrap();
    for gone in [&old_copy, &old_new, &old_backup] {
        assert!(!gone.exists(), "{} left", gone.display());
    }
    for kept in [&recent, &not_ours, &users] {
        assert!(kept.exists(), "{} removed", kept.display());
    }
}
