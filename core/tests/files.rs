//! Generated files: exclusive temporary files, nothing left behind on a
//! failure (a full disk), batches that never overwrite silently and give
//! distinct names, and a register that opens only the files it wrote.

mod common;

use cdp_core::job::CancelToken;
use std::path::Path;

use cdp_core::adhesion::documents::DocKind;
use cdp_core::documents::batch::{self as documents, ItemOutcome, OnExisting};
use cdp_core::documents::DocFormat;
use cdp_core::registry::ComuneQuery;
use cdp_core::Store;

const ALI: &str = "083002"; // Alì

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

fn batch(s: &mut Store, istats: &[String], dir: &Path, on: OnExisting) -> documents::BatchReport {
    s.generate_batch(
        DocKind::Lettera,
        istats,
        DocFormat::Docx,
        dir,
        on,
        &|_| {},
        &CancelToken::new(),
    )
    .unwrap()
}

#[test]
fn a_batch_asks_before_overwriting_and_counts_what_it_did() {
    let mut s = common::store();
    let dir = tempfile::tempdir().unwrap();
    let istats: Vec<String> = ["083001", ALI, "083003"].map(String::from).to_vec();
    assert_eq!(
        s.batch_existing(DocKind::Lettera, &istats, DocFormat::Docx, dir.path())
            .unwrap(),
        0
    );
    let first = batch(&mut s, &istats, dir.path(), OnExisting::Skip);
    assert_eq!((first.written, first.skipped, first.failed), (3, 0, 0));
    assert!(first
        .items
        .iter()
        .all(|i| i.outcome == ItemOutcome::Written));
    let names = names_in(dir.path());
    assert_eq!(names.len(), 3, "{names:?}");

    // A file of the user's, with the name of one document.
    let mine = dir.path().join(&names[0]);
    std::fs::write(&mine, b"il mio file").unwrap();
    assert_eq!(
        s.batch_existing(DocKind::Lettera, &istats, DocFormat::Docx, dir.path())
            .unwrap(),
        3
    );

    let skip = batch(&mut s, &istats, dir.path(), OnExisting::Skip);
    assert_eq!(
        (skip.written, skip.skipped, skip.replaced, skip.suffixed),
        (0, 3, 0, 0)
    );
    assert_eq!(std::fs::read(&mine).unwrap(), b"il mio file");
    assert_eq!(names_in(dir.path()), names);

    let suffix = batch(&mut s, &istats, dir.path(), OnExisting::Suffix);
    assert_eq!((suffix.written, suffix.suffixed), (3, 3));
    assert_eq!(std::fs::read(&mine).unwrap(), b"il mio file");
    assert_eq!(names_in(dir.path()).len(), 6);
    assert!(names_in(dir.path())
        .iter()
        .any(|n| n.ends_with(" (2).docx")));
    let again = batch(&mut s, &istats, dir.path(), OnExisting::Suffix);
    assert!(again.items[0].path.as_ref().unwrap().ends_with(" (3).docx"));

    let replace = batch(&mut s, &istats, dir.path(), OnExisting::Replace);
    assert_eq!((replace.written, replace.replaced), (3, 3));
    assert_ne!(std::fs::read(&mine).unwrap(), b"il mio file");
    assert_eq!(names_in(dir.path()).len(), 9);
    // Every register row points at a file whose hash it recorded, the
    // newest row of each path.
    for d in s.documents(None).unwrap() {
        let newest = s
            .documents(None)
            .unwrap()
            .into_iter()
            .find(|x| x.path == d.path)
            .unwrap();
        if newest.id == d.id {
            s.openable_document(Path::new(&d.path)).unwrap();
        }
    }
    // No temporary file was left anywhere.
    assert!(names_in(dir.path()).iter().all(|n| !n.starts_with('.')));
}

#[test]
fn comuni_whose_names_give_the_same_file_name_get_distinct_files() {
    let mut s = common::store();
    // Another comune renamed "Ali": the same clean name as Alì.
    let mut c: cdp_core::registry::ComuneInput =
        serde_json::from_value(serde_json::to_value(s.comune("083001").unwrap()).unwrap()).unwrap();
    c.name = "ALI".into();
    s.update_comune("083001", &c).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let istats: Vec<String> = [ALI, "083001"].map(String::from).to_vec();
    let r = batch(&mut s, &istats, dir.path(), OnExisting::Skip);
    assert_eq!((r.written, r.skipped), (2, 0), "{:?}", r.items);
    let names = names_in(dir.path());
    assert_eq!(
        names,
        vec![
            "Lettera_trasmissione_ALI_083001.docx".to_string(),
            "Lettera_trasmissione_Ali.docx".to_string()
        ]
    );
    let docs = s.documents(None).unwrap();
    assert_eq!(docs.len(), 2);
    assert_ne!(docs[0].path, docs[1].path);
    for d in &docs {
        let item = r
            .items
            .iter()
            .find(|i| Some(&i.key) == d.istat.as_ref())
            .unwrap();
        assert_eq!(item.path.as_deref(), Some(d.path.as_str()));
        s.openable_document(Path::new(&d.path)).unwrap();
    }
}

#[test]
fn only_unchanged_regular_files_of_the_register_open() {
    let mut s = common::store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lettera.pdf");
    s.generate_document(DocKind::Lettera, ALI, DocFormat::Pdf, &path)
        .unwrap();
    s.openable_document(&path).unwrap();
    assert!(s.is_registered_document(&path).unwrap());

    // Not in the register.
    let other = dir.path().join("altro.pdf");
    std::fs::copy(&path, &other).unwrap();
    let e = s.openable_document(&other).unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert!(e.to_string().contains("registro"), "{e}");

    // Changed after generation.
    let original = std::fs::read(&path).unwrap();
    let mut changed = original.clone();
    let last = changed.len() - 10;
    changed[last] ^= 1;
    std::fs::write(&path, &changed).unwrap();
    let e = s.openable_document(&path).unwrap_err();
    assert!(e.to_string().contains("SHA-256"), "{e}");
    std::fs::write(&path, b"short").unwrap();
    assert!(s
        .openable_document(&path)
        .unwrap_err()
        .to_string()
        .contains("SHA-256"));

    // A symbolic link in its place, even to the right content.
    let real = dir.path().join("vero.pdf");
    std::fs::write(&real, &original).unwrap();
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&real, &path).unwrap();
    let e = s.openable_document(&path).unwrap_err();
    assert!(e.to_string().contains("collegamento simbolico"), "{e}");

    // A folder in its place.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    let e = s.openable_document(&path).unwrap_err();
    assert!(e.to_string().contains("non è un file"), "{e}");

    // Gone.
    std::fs::remove_dir(&path).unwrap();
    assert_eq!(
        s.openable_document(&path).unwrap_err().code(),
        "file_not_found"
    );

    // A crafted archive points the register at a program, with its hash.
    let program = Path::new("/bin/sh");
    use sha2::Digest;
    let bytes = std::fs::read(program).unwrap();
    let sha: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    s.connection()
        .execute(
            "UPDATE document SET path = ?1, sha256 = ?2, bytes = ?3",
            rusqlite::params![program.to_string_lossy(), sha, bytes.len() as i64],
        )
        .unwrap();
    let e = s.openable_document(program).unwrap_err();
    assert!(e.to_string().contains("solo i documenti"), "{e}");
    assert!(!s.is_registered_document(program).unwrap());
    // Even a program named like a document.
    let fake = dir.path().join("programma.pdf");
    std::fs::copy(program, &fake).unwrap();
    s.connection()
        .execute("UPDATE document SET path = ?1", [fake.to_string_lossy()])
        .unwrap();
    // (Same bytes and hash: it is what the register says; it opens with
    // the PDF viewer, never as a program.)
    s.openable_document(&fake).unwrap();
}

#[test]
fn temporary_files_are_exclusive_and_never_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.csv");
    // A predictable name planted as a link does not redirect the write.
    let target = dir.path().join("bersaglio");
    std::fs::write(&target, b"intatto").unwrap();
    for name in [
        ".a.csv.tmp",
        ".a.csv.tmp-1",
        &format!(".a.csv.tmp-{}", std::process::id()),
    ] {
        std::os::unix::fs::symlink(&target, dir.path().join(name)).unwrap();
    }
    cdp_core::fs::write_atomically(&path, b"dati").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"dati");
    assert_eq!(std::fs::read(&target).unwrap(), b"intatto");
    assert_eq!(names_in(dir.path()).len(), 5);

    // A folder that does not exist: the error names the file.
    let e = cdp_core::fs::write_atomically(&dir.path().join("no/x.csv"), b"x").unwrap_err();
    assert_eq!(e.code(), "file_not_found");
    assert!(e.to_string().contains("no/x.csv"));

    // A destination that is a folder: nothing is left behind.
    let sub = dir.path().join("cartella.csv");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("x"), b"x").unwrap();
    let before = names_in(dir.path());
    assert!(cdp_core::fs::write_atomically(&sub, b"x").is_err());
    assert_eq!(names_in(dir.path()), before);
}

/// A full disk: a 256 KB tmpfs (needs root; skipped otherwise).
#[test]
fn a_full_disk_leaves_no_half_file_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("pieno");
    std::fs::create_dir(&mnt).unwrap();
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(&mnt)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: cannot mount a small tmpfs (not root?)");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(&mnt);
    let big = vec![b'x'; 1024 * 1024];
    let e = cdp_core::fs::write_atomically(&mnt.join("grande.csv"), &big).unwrap_err();
    assert_eq!(e.code(), "disk_full");
    assert!(e.to_string().contains("grande.csv"), "{e}");
    assert!(names_in(&mnt).is_empty(), "{:?}", names_in(&mnt));

    // An export and a batch on the full disk: the same, nothing left.
    let mut s = common::store();
    {
        // Fill the disk up to the last byte.
        use std::io::Write;
        let mut f = std::fs::File::create(mnt.join("riempi")).unwrap();
        while f.write_all(&[0u8; 512]).is_ok() {}
        while f.write_all(&[0u8; 1]).is_ok() {}
    }
    let e = s
        .export_comuni(
            &ComuneQuery::default(),
            cdp_core::io::Format::Xlsx,
            &mnt.join("c.xlsx"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "disk_full", "{e}");
    let all: Vec<String> = s
        .list_comuni(&ComuneQuery::default())
        .unwrap()
        .into_iter()
        .map(|c| c.istat)
        .collect();
    let r = s
        .generate_batch(
            DocKind::DeliberaGiunta,
            &all,
            DocFormat::Pdf,
            &mnt,
            OnExisting::Skip,
            &|_| {},
            &CancelToken::new(),
        )
        .unwrap();
    assert!(r.failed > 0);
    assert!(r
        .items
        .iter()
        .filter_map(|i| i.error.as_ref())
        .all(|e| e.contains("Spazio su disco esaurito")));
    // Only whole files: each one written is in the register with its hash.
    for n in names_in(&mnt) {
        assert!(!n.starts_with('.'), "temporary file left: {n}");
        if n != "riempi" {
            s.openable_document(&mnt.join(&n)).unwrap();
        }
    }
}

#[test]
fn the_previews_folder_is_private_and_not_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("anteprime");
    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777;
    cdp_core::fs::private_dir(&dir).unwrap();
    assert_eq!(mode(&dir), 0o700);
    // Open to others: removed and made again.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::write(dir.join("planted.pdf"), b"x").unwrap();
    cdp_core::fs::private_dir(&dir).unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert!(names_in(&dir).is_empty());
    // A link somewhere else: the link goes, the target is untouched.
    let elsewhere = base.path().join("altrove");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("keep"), b"x").unwrap();
    std::fs::remove_dir(&dir).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &dir).unwrap();
    cdp_core::fs::private_dir(&dir).unwrap();
    assert!(!std::fs::symlink_metadata(&dir)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(names_in(&elsewhere), vec!["keep"]);
    // A file in its place.
    std::fs::remove_dir(&dir).unwrap();
    std::fs::write(&dir, b"x").unwrap();
    cdp_core::fs::private_dir(&dir).unwrap();
    assert!(dir.is_dir());
    // Previews get unpredictable names and stay.
    let a = cdp_core::fs::write_new_temp(&dir, "Anteprima_", ".pdf", b"%PDF").unwrap();
    let b = cdp_core::fs::write_new_temp(&dir, "Anteprima_", ".pdf", b"%PDF").unwrap();
    assert_ne!(a, b);
    assert_eq!(std::fs::read(&a).unwrap(), b"%PDF");
    assert!(a.file_name().unwrap().to_string_lossy().ends_with(".pdf"));
}
