//! Golden files of every document kind: from fixed inputs on an in-memory
//! archive with fixed dates, the text of each PDF (`pdftotext -layout`) with
//! its page count (`pdfinfo`), and the paragraphs and table cells of each
//! DOCX (python-docx), compared with `tests/golden/`. Metadata (dates,
//! producer) is not compared: only what a reader sees.
//!
//! `GOLDEN_UPDATE=1 cargo test -p cdp-core --test golden` rewrites the files;
//! `GOLDEN_PDF_DIR=/some/dir` also keeps the PDFs there (to render them with
//! pdftoppm and compare pages by eye).

mod common;

use std::path::{Path, PathBuf};

use common::docs::{docx_python, pdf_pages, pdf_text};
use common::every_kind::{documents, Kind};

/// What a reader gets back from a document.
fn text_of(kind: &Kind, bytes: &[u8], dir: &Path, name: &str) -> String {
    match kind {
        Kind::Pdf => {
            let path = dir.join(format!("{name}.pdf"));
            std::fs::write(&path, bytes).unwrap();
            let pages = pdf_pages(&path);
            let text = pdf_text(&path, &["-layout"]);
            format!("pages: {pages}\n{text}")
        }
        Kind::Docx => {
            let path = dir.join(format!("{name}.docx"));
            std::fs::write(&path, bytes).unwrap();
            let script = r#"
import sys, docx
d = docx.Document(sys.argv[1])
out = []
for s in d.sections:
    out.append('[section %s %s x %s]' % (s.orientation, s.page_width, s.page_height))
    for p in s.header.paragraphs:
        out.append('[header] ' + p.text)
out += [p.text for p in d.paragraphs]
for t in d.tables:
    out.append('[table]')
    for r in t.rows:
        out.append(' | '.join(c.text for c in r.cells))
print('\n'.join(out))
"#;
            docx_python(&path, script, &[])
        }
    }
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// A line-by-line diff of the first differences, readable in a test log.
fn diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<_>, Vec<_>) = (want.lines().collect(), got.lines().collect());
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (w.get(i), g.get(i));
        if a != b {
            out.push_str(&format!(
                "line {}:\n  - {}\n  + {}\n",
                i + 1,
                a.unwrap_or(&"<none>"),
                b.unwrap_or(&"<none>")
            ));
            shown += 1;
            if shown == 12 {
                out.push_str("  …\n");
                break;
            }
        }
    }
    out
}

#[test]
fn every_document_kind_gives_the_text_and_pages_of_its_golden_file() {
    let update = std::env::var_os("GOLDEN_UPDATE").is_some();
    let keep = std::env::var_os("GOLDEN_PDF_DIR").map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let golden = golden_dir();
    std::fs::create_dir_all(&golden).unwrap();
    let mut failures = Vec::new();
    let mut names = Vec::new();
    for (name, kind, bytes) in documents() {
        let ext = match kind {
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
        };
        let text = text_of(&kind, &bytes, &dir, &name);
        let file = golden.join(format!("{name}.{ext}.txt"));
        names.push(file.clone());
        if update {
            std::fs::write(&file, &text).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&file)
            .unwrap_or_else(|_| panic!("{} missing: run with GOLDEN_UPDATE=1", file.display()));
        if want != text {
            failures.push(format!("{name}.{ext}:\n{}", diff(&want, &text)));
        }
    }
    assert_eq!(names.len(), 59, "every kind is here");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
