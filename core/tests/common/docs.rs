//! Document probes: real tools read what the app wrote. PDF with poppler
//! (`pdftotext`, `pdfinfo`, `pdffonts`) and `qpdf`; DOCX with python-docx.
//! Each probe takes a file (`&Path`, `&PathBuf`) or the bytes of one.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A document to probe: a file, or its bytes (written to a temporary file).
pub trait Doc {
    fn with_file<R>(&self, probe: impl FnOnce(&Path) -> R) -> R;
}

impl Doc for Path {
    fn with_file<R>(&self, probe: impl FnOnce(&Path) -> R) -> R {
        probe(self)
    }
}

impl Doc for PathBuf {
    fn with_file<R>(&self, probe: impl FnOnce(&Path) -> R) -> R {
        probe(self)
    }
}

impl Doc for [u8] {
    fn with_file<R>(&self, probe: impl FnOnce(&Path) -> R) -> R {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("documento");
        std::fs::write(&path, self).unwrap();
        probe(&path)
    }
}

impl<T: Doc + ?Sized> Doc for &T {
    fn with_file<R>(&self, probe: impl FnOnce(&Path) -> R) -> R {
        (**self).with_file(probe)
    }
}

impl Doc for Vec<u8> {
    fn with_file<R>(&self, probe: impl FnOnce(&Path) -> R) -> R {
        self.as_slice().with_file(probe)
    }
}

/// Runs `cmd` with `args` and then the document's path (and `tail`): its
/// standard output; the tool must succeed.
fn run(cmd: &str, args: &[&str], doc: &(impl Doc + ?Sized), tail: &[&str]) -> String {
    doc.with_file(|path| {
        let out = Command::new(cmd)
            .args(args)
            .arg(path)
            .args(tail)
            .output()
            .unwrap_or_else(|e| panic!("{cmd} installed (.ci/setup): {e}"));
        assert!(
            out.status.success(),
            "{cmd} {}: {}{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    })
}

/// The text of a PDF as `pdftotext` gives it, in UTF-8, with its options
/// (`&["-layout"]`, `&["-raw"]`, `&["-f", "2", "-l", "2"]`, or none).
pub fn pdf_text(doc: &(impl Doc + ?Sized), options: &[&str]) -> String {
    let mut args = vec!["-enc", "UTF-8"];
    args.extend_from_slice(options);
    run("pdftotext", &args, doc, &["-"])
}

/// What `pdfinfo` says of a PDF, with its options (`&["-f", "1", "-l", "3"]`).
pub fn pdf_info(doc: &(impl Doc + ?Sized), options: &[&str]) -> String {
    run("pdfinfo", options, doc, &[])
}

/// The number of pages of a PDF.
pub fn pdf_pages(doc: &(impl Doc + ?Sized)) -> usize {
    pdf_info(doc, &[])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("pdfinfo's Pages: line")
        .trim()
        .parse()
        .unwrap()
}

/// `qpdf --check` finds the PDF valid (the probe fails otherwise).
pub fn qpdf_ok(doc: &(impl Doc + ?Sized)) {
    run("qpdf", &["--check"], doc, &[]);
}

/// The font table of a PDF as `pdffonts` prints it (two header lines).
pub fn pdffonts(doc: &(impl Doc + ?Sized)) -> String {
    run("pdffonts", &[], doc, &[])
}

/// The output of a python-docx `script` given the DOCX as `sys.argv[1]`
/// (and `args` after it); the script must succeed.
pub fn docx_python(doc: &(impl Doc + ?Sized), script: &str, args: &[&str]) -> String {
    run("/usr/bin/python3", &["-c", script], doc, args)
}

/// The paragraphs of a DOCX, one a line, then the rows of its tables, their
/// cells joined by " | ".
pub fn docx_text(doc: &(impl Doc + ?Sized)) -> String {
    docx_python(
        doc,
        r#"
import sys, docx
d = docx.Document(sys.argv[1])
out = [p.text for p in d.paragraphs]
for t in d.tables:
    for r in t.rows:
        out.append(' | '.join(c.text for c in r.cells))
print('\n'.join(out))
"#,
        &[],
    )
}

/// Where a test writes its documents: the folder named by the environment
/// variable `var` (kept there to be looked at), else a temporary folder
/// removed with the first value returned.
pub fn sample_dir(var: &str) -> (Option<tempfile::TempDir>, std::path::PathBuf) {
    match std::env::var_os(var) {
        Some(d) => {
            std::fs::create_dir_all(&d).unwrap();
            (None, std::path::PathBuf::from(d))
        }
        None => {
            let t = tempfile::tempdir().unwrap();
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    }
}
