//! Documents: generated PDFs and DOCX files checked with real tools
//! (pdftotext, qpdf, pdffonts, python-docx), templates and their versions,
//! the register, batches.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;

use cdp_core::adhesion::{Channel, Step};
use cdp_core::documents::{self, DocFormat, DocKind};
use cdp_core::registry::{ReferentInput, Role};
use cdp_core::Store;

const SANT_AGATA: &str = "083084"; // Sant'Agata di Militello

fn referent(role: Role, name: &str) -> ReferentInput {
    ReferentInput {
        role,
        full_name: name.into(),
        email: None,
        phone: None,
        valid_from: Some("2024-01-01".into()),
        valid_to: None,
        notes: None,
    }
}

fn prepared() -> Store {
    let mut s = common::store();
    s.add_referent(SANT_AGATA, &referent(Role::Rpct, "Rosalba D'Agostino"))
        .unwrap();
    s.add_referent(SANT_AGATA, &referent(Role::Sindaco, "Nicolò Àlvarez"))
        .unwrap();
    let today = chrono::Local::now().date_naive().to_string();
    s.record_step(
        SANT_AGATA,
        &Step::Invite {
            date: today,
            protocol_number: "1234/2026".into(),
            channel: Channel::Pec,
        },
    )
    .unwrap();
    s
}

/// Whitespace collapsed to single spaces.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// pdftotext's output without running headers and footers, with the words
/// that hyphenation split at a line end joined again.
fn pdf_body_text(path: &Path, header: &[String]) -> String {
    let out = Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) installed");
    assert!(out.status.success(), "pdftotext failed");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            let t = l.trim();
            !(header.iter().any(|h| h == t)
                || (t.starts_with("Pagina ") && t.contains(" di "))
                || t == "\u{c}")
        })
        .collect();
    let mut joined = String::new();
    for line in lines {
        let line = line.trim_start_matches('\u{c}');
        if joined.ends_with('-')
            && line.chars().next().is_some_and(|c| c.is_lowercase())
            && joined[..joined.len() - 1]
                .chars()
                .last()
                .is_some_and(char::is_alphabetic)
        {
            joined.pop();
            joined.push_str(line);
        } else {
            joined.push('\n');
            joined.push_str(line);
        }
    }
    collapse(&joined)
}

fn expected(store: &Store, kind: DocKind) -> (String, Vec<String>) {
    let p = store
        .preview_template(kind, None, Some(SANT_AGATA))
        .unwrap();
    (collapse(&p.text), p.header)
}

#[test]
fn the_act_draft_pdf_gives_back_its_text_and_is_valid() {
    let mut s = prepared();
    let dir = tempfile::tempdir().unwrap();
    let name = s
        .document_file_name(DocKind::DeliberaGiunta, SANT_AGATA, DocFormat::Pdf)
        .unwrap();
    assert_eq!(name, "Bozza_delibera_adesione_Sant_Agata_di_Militello.pdf");
    let path = dir.path().join(&name);
    let rec = s
        .generate_document(DocKind::DeliberaGiunta, SANT_AGATA, DocFormat::Pdf, &path)
        .unwrap();

    let (want, header) = expected(&s, DocKind::DeliberaGiunta);
    assert!(want.contains("Comune di Sant'Agata di Militello"));
    assert!(want.contains("Rosalba D'Agostino") && want.contains("Nicolò Àlvarez"));
    assert!(want.contains("«Comunità di Pratiche»"));
    assert!(want.contains("prot. n. 1234/2026"));
    assert_eq!(header[0], "COMUNE DI SANT'AGATA DI MILITELLO");
    let got = pdf_body_text(&path, &header);
    assert_eq!(got, want);

    let qpdf = Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .expect("qpdf installed");
    assert!(
        qpdf.status.success(),
        "{}",
        String::from_utf8_lossy(&qpdf.stdout)
    );

    let fonts = Command::new("pdffonts").arg(&path).output().unwrap();
    let fonts = String::from_utf8(fonts.stdout).unwrap();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(rows.len() >= 2, "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(cols[0].contains("+LiberationSerif"), "subset tag: {row}");
        // emb sub uni
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            &["yes", "yes", "yes"],
            "{row}"
        );
    }

    // PDF/A-2b identification and the sRGB output intent.
    let bytes = std::fs::read(&path).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.starts_with("%PDF-1.7"));
    assert!(
        raw.contains("<pdfaid:part>2</pdfaid:part>")
            && raw.contains("<pdfaid:conformance>B</pdfaid:conformance>")
    );
    assert!(raw.contains("GTS_PDFA1"));

    // The register knows the file by its hash and template version.
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(rec.sha256, sha);
    assert_eq!(rec.template_version, 1);
    assert_eq!(s.documents(Some(SANT_AGATA)).unwrap().len(), 1);
    assert_eq!(
        common::count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'generate'"),
        1
    );
}

#[test]
fn every_default_template_prints_as_pdf_and_docx() {
    let s = prepared();
    for kind in documents::DOC_KINDS {
        let dir = tempfile::tempdir().unwrap();
        let pdf = s.render_document(kind, SANT_AGATA, DocFormat::Pdf).unwrap();
        assert!(pdf.pages >= 1);
        let path = dir.path().join("a.pdf");
        std::fs::write(&path, &pdf.bytes).unwrap();
        let (want, header) = expected(&s, kind);
        assert_eq!(pdf_body_text(&path, &header), want, "{kind:?}");
        let docx = s
            .render_document(kind, SANT_AGATA, DocFormat::Docx)
            .unwrap();
        let path = dir.path().join("a.docx");
        std::fs::write(&path, &docx.bytes).unwrap();
        assert_eq!(docx_text(&path), want, "{kind:?}");
    }
}

/// The body text of a DOCX read by python-docx: paragraphs, and table rows
/// as their cells, in document order.
fn docx_text(path: &Path) -> String {
    let script = r#"
import sys, docx
from docx.table import Table
from docx.text.paragraph import Paragraph
d = docx.Document(sys.argv[1])
out = []
for child in d.element.body.iterchildren():
    tag = child.tag.split('}')[1]
    if tag == 'p':
        out.append(Paragraph(child, d).text)
    elif tag == 'tbl':
        for row in Table(child, d).rows:
            out.append(' '.join(c.text for c in row.cells))
print('\n'.join(out))
"#;
    let out = Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("python3-docx installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    collapse(&String::from_utf8(out.stdout).unwrap())
}

#[test]
fn template_errors_are_reported_and_nothing_is_saved() {
    let mut s = prepared();
    let before = common::count(&s, "SELECT COUNT(*) FROM template_version");
    let cases = [
        ("# Atto\n\nIl Comune di {{ comune.nom }}.", "comune.nom"),
        ("# Atto\n\n{% if senza_oneri %}\nNessun onere.\n", "endif"),
        ("  \n \n", "vuoto"),
        ("# Atto\n\n::: firma\nIl Sindaco\n", "Riga 3"),
        ("# Atto 😀", "U+1F600"),
    ];
    for (body, needle) in cases {
        let e = s.save_template(DocKind::Lettera, body).unwrap_err();
        assert_eq!(e.code(), "validation");
        assert_eq!(e.field(), Some("body"));
        assert!(e.to_string().contains(needle), "{body:?}: {e}");
        assert!(s
            .preview_template(DocKind::Lettera, Some(body), None)
            .is_err());
    }
    assert_eq!(
        common::count(&s, "SELECT COUNT(*) FROM template_version"),
        before
    );
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn edits_make_versions_and_the_default_can_be_restored() {
    let mut s = prepared();
    let default = s.template(DocKind::Lettera).unwrap();
    assert!(default.is_default && default.current.version == 1 && default.current.id.is_none());
    let edited = format!(
        "{}\nPost scriptum per {{{{ comune.nome }}}}.\n",
        default.current.body
    );
    let t = s.save_template(DocKind::Lettera, &edited).unwrap();
    assert_eq!(t.current.version, 2);
    assert!(!t.is_default);
    assert_eq!(t.versions.len(), 2);
    assert!(
        s.save_template(DocKind::Lettera, &edited).is_err(),
        "no change, no version"
    );

    let dir = tempfile::tempdir().unwrap();
    let rec = s
        .generate_document(
            DocKind::Lettera,
            SANT_AGATA,
            DocFormat::Pdf,
            &dir.path().join("l.pdf"),
        )
        .unwrap();
    assert_eq!(rec.template_version, 2);
    assert!(s
        .preview_template(DocKind::Lettera, None, Some(SANT_AGATA))
        .unwrap()
        .text
        .contains("Post scriptum per Sant'Agata di Militello."));

    let t = s.restore_template(DocKind::Lettera, None).unwrap();
    assert_eq!(t.current.version, 3);
    assert!(t.is_default);
    assert_eq!(t.current.origin, "restore");
    let t = s.restore_template(DocKind::Lettera, Some(2)).unwrap();
    assert_eq!(t.current.version, 4);
    assert_eq!(t.current.body, edited);
    assert_eq!(
        common::count(&s, "SELECT COUNT(*) FROM audit WHERE entity = 'template'"),
        3
    );
}

#[test]
fn a_batch_writes_every_comune_and_reports_a_failure_without_stopping() {
    let mut s = prepared();
    let dir = tempfile::tempdir().unwrap();
    let istats: Vec<String> = ["083084", "083001", "083002", "083003", "083004"]
        .map(String::from)
        .to_vec();
    // A folder where one file should go makes that one write fail.
    let blocked = documents::file_name(
        DocKind::DecretoSindacale,
        &s.comune("083002").unwrap().name,
        DocFormat::Pdf,
    );
    std::fs::create_dir(dir.path().join(&blocked)).unwrap();
    std::fs::write(dir.path().join(&blocked).join("x"), b"x").unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let report = s
        .generate_batch(
            DocKind::DecretoSindacale,
            &istats,
            DocFormat::Pdf,
            dir.path(),
            documents::OnExisting::Replace,
            &|d, t| seen.lock().unwrap().push((d, t)),
            &AtomicBool::new(false),
        )
        .unwrap();
    assert_eq!(
        (report.written, report.failed, report.cancelled),
        (4, 1, false)
    );
    let failed = report.items.iter().find(|i| i.error.is_some()).unwrap();
    assert_eq!(failed.istat, "083002");
    assert_eq!(seen.lock().unwrap().len(), 5);
    assert_eq!(s.documents(None).unwrap().len(), 4);
    assert_eq!(
        common::count(
            &s,
            "SELECT COUNT(*) FROM audit WHERE action = 'generate_batch'"
        ),
        1
    );
    for item in report.items.iter().filter(|i| i.path.is_some()) {
        let text = Command::new("pdftotext")
            .arg(item.path.as_ref().unwrap())
            .arg("-")
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&text.stdout).contains(&item.comune),
            "{}",
            item.comune
        );
    }

    // Cancelled before the start: nothing written, nothing recorded.
    let empty = tempfile::tempdir().unwrap();
    let report = s
        .generate_batch(
            DocKind::Lettera,
            &istats,
            DocFormat::Docx,
            empty.path(),
            documents::OnExisting::Replace,
            &|_, _| {},
            &AtomicBool::new(true),
        )
        .unwrap();
    assert!(report.cancelled);
    assert_eq!(report.written, 0);
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
    assert_eq!(s.documents(None).unwrap().len(), 4);
}

#[test]
fn euro_guillemets_accents_and_apostrophes_come_back_exactly() {
    let s = prepared();
    let body = "@intestazione Comune di {{ comune.nome }}\n# Spese dell'attività\n\nL'importo di € 2.500,00 («non dovuto» per l'Ente), ai sensi dell'art. 15 della L. 241/1990: già, più, perché, città, È così.\n\n| Importo | € 12.345,67 |\n";
    let pdf = s
        .preview_pdf(DocKind::Lettera, Some(body), Some(SANT_AGATA))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("euro.pdf");
    std::fs::write(&path, pdf).unwrap();
    let p = s
        .preview_template(DocKind::Lettera, Some(body), Some(SANT_AGATA))
        .unwrap();
    assert_eq!(p.header, vec!["Comune di Sant'Agata di Militello"]);
    assert_eq!(pdf_body_text(&path, &p.header), collapse(&p.text));
    assert!(p.text.contains("€ 2.500,00 («non dovuto» per l'Ente)"));
}
