//! Documents: generated PDFs and DOCX files checked with real tools
//! (pdftotext, qpdf, pdffonts, python-docx), templates and their versions,
//! the register, batches.

mod common;

use cdp_core::job::CancelToken;
use common::docs::{docx_python, pdf_text, pdffonts, qpdf_ok};
use common::registry::ReferentBuilder;
use std::path::Path;

use cdp_core::adhesion::documents::{self as adhesion_docs, DocKind};
use cdp_core::adhesion::{Channel, Step};
use cdp_core::documents::{self, Format};
use cdp_core::registry::{ReferentInput, Role};
use cdp_core::Store;

const SANT_AGATA: &str = "083084"; // Sant'Agata di Militello

/// A referent of `role` in office since 1 January 2024.
fn referent(role: Role, name: &str) -> ReferentInput {
    common::registry::referent(role, name).since("2024-01-01")
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
/// that hyphenation split at a line end joined again (and an address split
/// after its «@»).
fn pdf_body_text(path: &Path, header: &[String]) -> String {
    let text = pdf_text(path, &[]);
    if std::env::var("DBG").is_ok() {
        eprintln!("{text:?}");
    }
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
        } else if joined.ends_with('@') {
            // An address broken at its natural point, after «@».
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
        .document_file_name(DocKind::DeliberaGiunta, SANT_AGATA, Format::Pdf)
        .unwrap();
    assert_eq!(name, "Bozza_delibera_adesione_Sant_Agata_di_Militello.pdf");
    let path = dir.path().join(&name);
    let rec = s
        .generate_document(DocKind::DeliberaGiunta, SANT_AGATA, Format::Pdf, &path)
        .unwrap();

    let (want, header) = expected(&s, DocKind::DeliberaGiunta);
    assert!(want.contains("Comune di Sant’Agata di Militello"));
    assert!(want.contains("Rosalba D’Agostino") && want.contains("Nicolò Àlvarez"));
    assert!(want.contains("«Comunità di Pratiche»"));
    assert!(want.contains("prot. n. 1234/2026"));
    assert_eq!(header[0], "COMUNE DI SANT’AGATA DI MILITELLO");
    let got = pdf_body_text(&path, &header);
    assert_eq!(got, want);

    qpdf_ok(&path);

    let fonts = pdffonts(&path);
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
    assert_eq!(rec.template_version, Some(1));
    assert_eq!(s.documents(Some(SANT_AGATA)).unwrap().len(), 1);
    assert_eq!(
        common::count(&s, "SELECT COUNT(*) FROM audit WHERE action = 'generate'"),
        1
    );
}

#[test]
fn the_same_act_for_two_comuni_embeds_the_same_font_subsets() {
    // Fonts are subset once per face and glyph set (a subset also holds the
    // common Italian characters), so a batch of one act subsets each face once.
    let s = common::store();
    let fonts = |istat: &str| {
        let pdf = s
            .render_document(DocKind::DeliberaGiunta, istat, Format::Pdf)
            .unwrap();
        pdffonts(&pdf.bytes)
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            // In any order: the fonts' objects are numbered by printpdf's random ids.
            .collect::<std::collections::BTreeSet<_>>()
    };
    let sant_agata = fonts(SANT_AGATA);
    assert!(sant_agata.len() >= 2, "{sant_agata:?}");
    assert_eq!(sant_agata, fonts("083048"), "Messina");
}

#[test]
fn every_default_template_prints_as_pdf_and_docx() {
    let s = prepared();
    for kind in adhesion_docs::DOC_KINDS {
        let dir = tempfile::tempdir().unwrap();
        let pdf = s.render_document(kind, SANT_AGATA, Format::Pdf).unwrap();
        assert!(pdf.pages >= 1);
        let path = dir.path().join("a.pdf");
        std::fs::write(&path, &pdf.bytes).unwrap();
        let (want, header) = expected(&s, kind);
        assert_eq!(pdf_body_text(&path, &header), want, "{kind:?}");
        let docx = s.render_document(kind, SANT_AGATA, Format::Docx).unwrap();
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
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
# Word lists: the marker each numbered paragraph shows (numbering definitions).
fmt = {}
try:
    numbering = d.part.numbering_part.element
    abstract = {a.get(qn('w:abstractNumId')): a.find(qn('w:lvl')).find(qn('w:numFmt')).get(qn('w:val'))
                for a in numbering.findall(qn('w:abstractNum'))}
    for n in numbering.findall(qn('w:num')):
        fmt[n.get(qn('w:numId'))] = abstract[n.find(qn('w:abstractNumId')).get(qn('w:val'))]
except Exception:
    pass
counters = {}
out = []
for child in d.element.body.iterchildren():
    tag = child.tag.split('}')[1]
    if tag == 'p':
        text = Paragraph(child, d).text
        num = child.find('./' + qn('w:pPr') + '/' + qn('w:numPr'))
        if num is not None:
            nid = num.find(qn('w:numId')).get(qn('w:val'))
            if fmt.get(nid) == 'bullet':
                text = '• ' + text
            else:
                counters[nid] = counters.get(nid, 0) + 1
                text = '%d. %s' % (counters[nid], text)
        out.append(text)
    elif tag == 'tbl':
        t = Table(child, d)
        # Signatures side by side (one row per line) read block by block,
        # as the PDF's columns are.
        if all(p.style is not None and p.style.name == 'Firma' for c in t._cells for p in c.paragraphs):
            for col in t.columns:
                out.append(' '.join(c.text for c in col.cells if c.text))
        else:
            for row in t.rows:
                out.append(' '.join(c.text for c in row.cells))
print('\n'.join(out))
"#;
    collapse(&docx_python(path, script, &[]))
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
        let e = s.save_template(DocKind::Lettera, body, None).unwrap_err();
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
    let t = s.save_template(DocKind::Lettera, &edited, None).unwrap();
    assert_eq!(t.current.version, 2);
    assert!(!t.is_default);
    assert_eq!(t.versions.len(), 2);
    assert!(
        s.save_template(DocKind::Lettera, &edited, None).is_err(),
        "no change, no version"
    );

    let dir = tempfile::tempdir().unwrap();
    let rec = s
        .generate_document(
            DocKind::Lettera,
            SANT_AGATA,
            Format::Pdf,
            &dir.path().join("l.pdf"),
        )
        .unwrap();
    assert_eq!(rec.template_version, Some(2));
    assert!(s
        .preview_template(DocKind::Lettera, None, Some(SANT_AGATA))
        .unwrap()
        .text
        .contains("Post scriptum per Sant’Agata di Militello."));

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
    let blocked = adhesion_docs::file_name(
        DocKind::DecretoSindacale,
        &s.comune("083002").unwrap().name,
        Format::Pdf,
    );
    std::fs::create_dir(dir.path().join(&blocked)).unwrap();
    std::fs::write(dir.path().join(&blocked).join("x"), b"x").unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let report = s
        .generate_batch(
            DocKind::DecretoSindacale,
            &istats,
            Format::Pdf,
            dir.path(),
            documents::batch::OnExisting::Replace,
            &|p| seen.lock().unwrap().push((p.done, p.total)),
            &CancelToken::new(),
        )
        .unwrap();
    assert_eq!(
        (report.written, report.failed, report.cancelled),
        (4, 1, false)
    );
    let failed = report.items.iter().find(|i| i.error.is_some()).unwrap();
    assert_eq!(failed.key, "083002");
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
        let text = pdf_text(Path::new(item.path.as_ref().unwrap()), &[]);
        assert!(
            text.contains(&cdp_core::documents::markup::typographic(&item.label)),
            "{}",
            item.label
        );
    }

    // Cancelled before the start: nothing written, nothing recorded.
    let empty = tempfile::tempdir().unwrap();
    let report = s
        .generate_batch(
            DocKind::Lettera,
            &istats,
            Format::Docx,
            empty.path(),
            documents::batch::OnExisting::Replace,
            &|_| {},
            &{
                let cancelled = CancelToken::new();
                cancelled.cancel();
                cancelled
            },
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
    assert_eq!(p.header, vec!["Comune di Sant’Agata di Militello"]);
    assert_eq!(pdf_body_text(&path, &p.header), collapse(&p.text));
    assert!(p.text.contains("€ 2.500,00 («non dovuto» per l’Ente)"));
}

/// Each block's kind and size: headings, paragraphs, list items, table
/// rows, lines of a signature.
fn shape(store: &Store, kind: DocKind, body: Option<&str>) -> Vec<(String, usize)> {
    let p = store
        .preview_template(kind, body, Some(SANT_AGATA))
        .unwrap();
    serde_json::to_value(&p.blocks)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let t = b["type"].as_str().unwrap().to_string();
            let n = ["items", "rows", "lines", "spans"]
                .iter()
                .find_map(|k| b[k].as_array().map(|a| a.len()))
                .unwrap_or(0);
            // Spans depend on the text's styles, not the data's.
            (
                t.clone(),
                if t == "paragraph" || t == "heading" {
                    0
                } else {
                    n
                },
            )
        })
        .collect()
}

#[test]
fn data_is_data_in_every_default_template() {
    let mut s = prepared();
    let clean: Vec<_> = adhesion_docs::DOC_KINDS
        .iter()
        .map(|k| shape(&s, *k, None))
        .collect();
    // A name is on one line (the text rule); the multi-line fields keep their breaks.
    let name = "**Alì** #1 *x* _y_ ::: firma | @titolo X - voce 1. uno";
    let rpct = "- Mario | Rossi **";
    let sindaco = "1. Anna ::: fine # @intestazione Z";
    let mut c: cdp_core::registry::ComuneInput =
        serde_json::from_value(serde_json::to_value(s.comune(SANT_AGATA).unwrap()).unwrap())
            .unwrap();
    c.name = name.into();
    c.notes = Some("# nota\n::: firma\n| a | b |".into());
    c.address = Some("@nuovapagina ## Via *Roma*".into());
    s.update_comune(SANT_AGATA, &c).unwrap();
    for r in s.referents(SANT_AGATA).unwrap() {
        s.delete_referent(r.id, None).unwrap();
    }
    let mut r = referent(Role::Rpct, rpct);
    r.notes = Some("**nota**\n- a".into());
    s.add_referent(SANT_AGATA, &r).unwrap();
    s.add_referent(SANT_AGATA, &referent(Role::Sindaco, sindaco))
        .unwrap();

    let printed = |v: &str| collapse(&v.replace('\n', " "));
    for (kind, clean) in adhesion_docs::DOC_KINDS.into_iter().zip(clean) {
        assert_eq!(shape(&s, kind, None), clean, "{kind:?}: layout changed");
        let p = s.preview_template(kind, None, Some(SANT_AGATA)).unwrap();
        let want = collapse(&p.text);
        assert!(want.contains(&printed(name)), "{kind:?}: {want}");
        assert!(p.title.is_empty() || !p.title.starts_with('X'));
        let dir = tempfile::tempdir().unwrap();
        let pdf = s.render_document(kind, SANT_AGATA, Format::Pdf).unwrap();
        let path = dir.path().join("a.pdf");
        std::fs::write(&path, &pdf.bytes).unwrap();
        let got = pdf_body_text(&path, &p.header);
        // pdftotext drops a dash that ends a line (it takes it for a
        // hyphen): compare without the data's free-standing dashes.
        let dashless = |s: &str| s.replace(" - ", " ");
        assert_eq!(dashless(&got), dashless(&want), "{kind:?}");
        assert!(
            dashless(&got).contains(&dashless(&printed(name))),
            "{kind:?}"
        );
        let docx = s.render_document(kind, SANT_AGATA, Format::Docx).unwrap();
        let path = dir.path().join("a.docx");
        std::fs::write(&path, &docx.bytes).unwrap();
        assert_eq!(docx_text(&path), want, "{kind:?}");
    }
    // The referents print where the templates name them.
    let all: String = adhesion_docs::DOC_KINDS
        .iter()
        .map(|k| s.preview_template(*k, None, Some(SANT_AGATA)).unwrap().text)
        .collect();
    assert!(all.contains(rpct) && all.contains(sindaco), "{all}");
    // The header prints the name as typed, upper-cased, on one line.
    let p = s
        .preview_template(DocKind::DeliberaGiunta, None, Some(SANT_AGATA))
        .unwrap();
    assert!(p.header.iter().all(|h| !h.contains('\n')));
}

/// Each hostile template is stopped by a counted limit (minijinja's fuel,
/// output size, recursion depth), never by a clock: the message names the
/// limit, and nothing is saved.
#[test]
fn hostile_templates_fail_with_the_limit_and_save_nothing() {
    let mut s = prepared();
    let before = common::count(&s, "SELECT COUNT(*) FROM template_version");
    let filler = "x".repeat(200);
    let cases = [
        (
            "# Atto\n\n{% for i in range(10**9) %}x{% endfor %}".to_string(),
            "range",
        ),
        (
            "# Atto\n\n{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}".to_string(),
            "ciclo infinito",
        ),
        (
            "# Atto\n\n{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}".to_string(),
            "ricorsione",
        ),
        (
            "# Atto\n\n{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(1000) }}".to_string(),
            "livelli",
        ),
        (
            format!("# Atto\n\n{{% for i in range(30000) %}}{filler}{{% endfor %}}"),
            "2 MB",
        ),
        (
            "# Atto\n\n{% for i in range(60000) %}{{ comune.nome }}{{ i }}{{ ente.nome }}{% endfor %}".to_string(),
            "supera il limite",
        ),
        ("# Atto\n\n".to_string() + &"x".repeat(300 * 1024), "KB"),
    ];
    for (body, needle) in &cases {
        let e = s.save_template(DocKind::Lettera, body, None).unwrap_err();
        assert_eq!((e.code(), e.field()), ("validation", Some("body")), "{e}");
        let m = e.to_string();
        assert!(
            m.contains("supera il limite") && m.contains(needle),
            "{needle}: {m}"
        );
        assert!(s
            .preview_template(DocKind::Lettera, Some(body), None)
            .is_err());
        assert!(s.preview_pdf(DocKind::Lettera, Some(body), None).is_err());
    }
    assert_eq!(
        common::count(&s, "SELECT COUNT(*) FROM template_version"),
        before
    );
    // A loop of normal size still works.
    let ok = "# Atto\n\n{% for i in range(50) %}riga {{ i }} di {{ comune.nome }}.\n{% endfor %}";
    s.save_template(DocKind::Lettera, ok, None).unwrap();
}

#[test]
fn a_template_that_fails_for_one_comune_is_not_saved_and_names_it() {
    let mut s = prepared();
    let before = common::count(&s, "SELECT COUNT(*) FROM template_version");
    // Only Sant'Agata's text leaves a bold open.
    let body = "# Atto\n\nComune di {{ comune.nome }}{% if comune.istat == \"083084\" %} **aperto{% endif %}.\n";
    // Its preview for another comune works...
    s.preview_template(DocKind::Lettera, Some(body), Some("083001"))
        .unwrap();
    // ...but saving tries every comune.
    let e = s.save_template(DocKind::Lettera, body, None).unwrap_err();
    assert_eq!((e.code(), e.field()), ("validation", Some("body")));
    let m = e.to_string();
    assert!(
        m.contains("Sant'Agata di Militello") && m.contains("grassetto"),
        "{m}"
    );
    assert_eq!(
        common::count(&s, "SELECT COUNT(*) FROM template_version"),
        before
    );
}

/// The items of the list that follows the paragraph `intro` in a preview.
fn list_after(p: &documents::Preview, intro: &str) -> Vec<String> {
    use documents::model::Block;
    let join = |spans: &Vec<documents::model::Span>| {
        spans.iter().map(|s| s.text.as_str()).collect::<String>()
    };
    let at = p
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Paragraph { spans } if join(spans).trim() == intro))
        .unwrap_or_else(|| panic!("no «{intro}»"));
    match &p.blocks[at + 1] {
        Block::List { items, .. } => items.iter().map(join).collect(),
        b => panic!("{b:?}"),
    }
}

#[test]
fn the_adhesion_documents_read_right_for_several_comuni() {
    let mut s = common::store();
    // Accents, apostrophes, a long name, populations above and below 5,000.
    let comuni = [
        ("083084", "Sant’Agata di Militello", 11_866),
        ("083002", "Alì", 657),
        ("083005", "Barcellona Pozzo di Gotto", 39_885),
        ("083085", "Sant’Alessio Siculo", 1_544),
    ];
    let today = chrono::Local::now().date_naive().to_string();
    for (i, (istat, _, _)) in comuni.iter().enumerate() {
        s.add_referent(istat, &referent(Role::Rpct, "Rosalba D'Agostino"))
            .unwrap();
        s.add_referent(istat, &referent(Role::Sindaco, "Nicolò Àlvarez"))
            .unwrap();
        s.record_step(
            istat,
            &Step::Invite {
                date: today.clone(),
                protocol_number: format!("{}77/2026", i + 1),
                channel: Channel::Pec,
            },
        )
        .unwrap();
    }
    // Alì adopts by decree of the Sindaco, with its own proposing office.
    let mut ali: cdp_core::registry::ComuneInput =
        serde_json::from_value(serde_json::to_value(s.comune("083002").unwrap()).unwrap()).unwrap();
    ali.adopting_organ = cdp_core::registry::Organ::Sindaco;
    ali.fiscal_code = Some("00000000000".into());
    s.update_comune("083002", &ali).unwrap();
    let mut bpg: cdp_core::registry::ComuneInput =
        serde_json::from_value(serde_json::to_value(s.comune("083005").unwrap()).unwrap()).unwrap();
    bpg.proposing_office = Some("Area Affari Generali".into());
    s.update_comune("083005", &bpg).unwrap();
    assert_eq!(
        s.comune("083084").unwrap().proposing_office,
        "Area Amministrativa"
    );

    let dir = tempfile::tempdir().unwrap();
    for (n, (istat, name, population)) in comuni.iter().enumerate() {
        let invitation = format!("{}77/2026", n + 1);
        for kind in adhesion_docs::DOC_KINDS {
            let p = s.preview_template(kind, None, Some(istat)).unwrap();
            let want = collapse(&p.text);
            // PDF and DOCX give back the same text.
            let pdf = s.render_document(kind, istat, Format::Pdf).unwrap();
            let path = dir.path().join(format!("{istat}-{}.pdf", kind.as_str()));
            std::fs::write(&path, &pdf.bytes).unwrap();
            assert_eq!(pdf_body_text(&path, &p.header), want, "{name} {kind:?}");
            let docx = s.render_document(kind, istat, Format::Docx).unwrap();
            let dpath = dir.path().join(format!("{istat}-{}.docx", kind.as_str()));
            std::fs::write(&dpath, &docx.bytes).unwrap();
            assert_eq!(docx_text(&dpath), want, "{name} {kind:?}");

            assert!(want.contains(name), "{name} {kind:?}");
            assert!(!want.contains("costituzione"), "{kind:?}: {want}");
            assert!(!want.contains('\''), "typographic apostrophes: {want}");
            match kind {
                DocKind::DeliberaGiunta | DocKind::DecretoSindacale => {
                    assert!(want.contains("OGGETTO Adesione alla «Comunità di Pratiche»"));
                    // The PNA in force at the act's date (today's, undated).
                    let pna = cdp_core::legal::pna_in_force(s.today());
                    assert!(want.contains(&format!(
                        "{}, approvato dall’Autorità Nazionale Anticorruzione (ANAC) con {}",
                        pna.nome, pna.delibera
                    )));
                    assert_eq!(
                        want.contains("delibera n. 31 del 30 gennaio 2025"),
                        *population < 5000 && !pna.piccoli_comuni.is_empty(),
                        "{name}: the 2024 update of the PNA 2022 only under 5,000 inhabitants"
                    );
                    // Every premessa is a sentence, and the invitation says what it did.
                    let premesse = list_after(&p, "Premesso che:");
                    assert!(premesse.len() >= 4);
                    for item in &premesse {
                        assert!(item.ends_with(';'), "{item}");
                        if item.contains("nota prot.") {
                            assert!(
                                item.contains(&format!("nota prot. n. {invitation} del "))
                                    && item.contains("ha invitato il Comune"),
                                "{item}"
                            );
                        }
                    }
                    assert!(premesse.iter().any(|i| i.contains("ha invitato")));
                    assert!(
                        want.contains("ai sensi dell’art. 6-bis della legge 7 agosto 1990, n. 241")
                    );
                    assert!(want.contains("dell’art. 32 della legge 18 giugno 2009, n. 69"));
                    assert!(want.contains("ai sensi dell’art. 23 del D.Lgs. 14 marzo 2013, n. 33"));
                    assert!(want.contains(&format!("{name}, lì …")), "blank date");
                }
                _ => {}
            }
            match kind {
                DocKind::DeliberaGiunta => {
                    assert!(want.contains("Ritenuta la competenza della Giunta Municipale"));
                    let office = if *istat == "083005" {
                        "Area Affari Generali"
                    } else {
                        "Area Amministrativa"
                    };
                    assert!(want.contains(&format!("Ufficio proponente {office}")));
                    assert!(want.contains("Proposta n. ………… del"));
                    // The pareri are to be given, not pre-printed as favourable.
                    assert!(!want.contains("Si esprime parere favorevole."));
                    assert!(want.contains("parere favorevole / non favorevole"));
                    assert!(want.contains("Il Responsabile del servizio finanziario"));
                    assert!(want.contains("Parere di regolarità contabile. Non dovuto"));
                    assert!(want.contains("con separata votazione, di dichiarare la deliberazione immediatamente esecutiva"));
                }
                DocKind::DecretoSindacale => {
                    assert!(want.contains("Richiamato l’art. 13 della L.R. 26 agosto 1992, n. 7, come integrato dall’art. 41 della L.R. 1° settembre 1993, n. 26"));
                    assert!(want.contains("Ritenuta pertanto la propria competenza"));
                }
                DocKind::Lettera => {
                    // Its own protocol number is a blank; the invitation's is cited once, as the invitation's.
                    assert!(want.starts_with("Prot. n. ……"), "{want}");
                    assert_eq!(want.matches(&invitation).count(), 1, "{want}");
                    assert!(want.contains(&format!("Con la nota prot. n. {invitation} del ")));
                    assert!(want.contains("Al Segretario comunale PEC:"));
                    assert!(want.contains("Allegati: 1. schema"));
                    assert!(want.ends_with(
                        "Documento firmato digitalmente ai sensi del D.Lgs. 7 marzo 2005, n. 82."
                    ));
                    let act = if *istat == "083002" {
                        "del decreto sindacale"
                    } else {
                        "della proposta di deliberazione della Giunta Municipale"
                    };
                    assert!(
                        want.contains(&format!("lo schema {act} di adesione")),
                        "{want}"
                    );
                }
                DocKind::SchemaProtocollo => {
                    assert!(want.contains("convengono e stipulano quanto segue"));
                    for art in [
                        "Oggetto e finalità",
                        "Impegni della Città Metropolitana",
                        "Impegni del Comune",
                        "Referenti e organizzazione",
                        "Oneri",
                        "Durata",
                        "Recesso",
                        "Trattamento dei dati personali",
                        "Controversie",
                    ] {
                        assert!(want.contains(art), "{art}");
                    }
                    assert!(want.contains("è escluso il rinnovo tacito"));
                    assert!(want.contains("titolare autonomo del trattamento"));
                    assert!(want.contains("art. 133, comma 1, lettera a), numero 2), del D.Lgs. 2 luglio 2010, n. 104"));
                    assert!(
                        want.contains("art. 15, comma 2-bis, della legge 7 agosto 1990, n. 241")
                    );
                    let by = if *istat == "083002" {
                        "autorizzato con decreto sindacale n. ………… del"
                    } else {
                        "autorizzato con deliberazione della Giunta Municipale n. ………… del"
                    };
                    assert!(want.contains(by), "{want}");
                    if *istat == "083002" {
                        assert!(want.contains("codice fiscale 00000000000"));
                    }
                    // The two signatures side by side, on the same line.
                    let layout = pdf_text(&path, &["-layout"]);
                    let line = layout
                        .lines()
                        .find(|l| l.contains("Per la Città Metropolitana di Messina"))
                        .unwrap();
                    assert!(line.contains("Per il Comune di"), "{line}");
                }
            }
        }
    }

    // The date chosen when generating.
    let job = s
        .render_job(DocKind::Lettera, None, Some("083002"))
        .unwrap()
        .dated(adhesion_docs::document_date(Some("15/01/2026")).unwrap());
    assert!(collapse(&job.preview().unwrap().text).contains("Prot. n. ……………… del 15 gennaio 2026"));
    assert!(adhesion_docs::document_date(Some("31/02/2026")).is_err());

    // A batch of adhesion acts gives each comune the act of its organ.
    let out = tempfile::tempdir().unwrap();
    let istats: Vec<String> = comuni.iter().map(|c| c.0.to_string()).collect();
    let report = s
        .generate_batch(
            adhesion_docs::BatchKind::AdhesionAct,
            &istats,
            Format::Pdf,
            out.path(),
            documents::batch::OnExisting::Replace,
            &|_| {},
            &CancelToken::new(),
        )
        .unwrap();
    assert_eq!(report.written, 4);
    let mut files: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "Bozza_decreto_sindacale_adesione_Ali.pdf",
            "Bozza_delibera_adesione_Barcellona_Pozzo_di_Gotto.pdf",
            "Bozza_delibera_adesione_Sant_Agata_di_Militello.pdf",
            "Bozza_delibera_adesione_Sant_Alessio_Siculo.pdf",
        ]
    );
    let kinds: Vec<DocKind> = s
        .documents(None)
        .unwrap()
        .iter()
        .map(|d| DocKind::parse(&d.kind).unwrap())
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == DocKind::DecretoSindacale)
            .count(),
        1
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == DocKind::DeliberaGiunta)
            .count(),
        3
    );
}

#[test]
fn an_unchanged_older_default_gives_way_and_an_edited_template_is_kept() {
    let mut s = prepared();
    // An archive that stored the 2026.1 default unchanged, and edited the letter.
    s.connection()
        .execute_batch(
            "INSERT INTO template_version (kind, version, body, origin, source, created_at, operator)
             VALUES ('delibera_giunta', 1, '# Vecchio predefinito', 'default', '2026.1', '2026-01-01T00:00:00Z', 'x'),
                    ('lettera', 1, '# Vecchio predefinito', 'default', '2026.1', '2026-01-01T00:00:00Z', 'x'),
                    ('lettera', 2, '# Lettera della segreteria', 'edit', NULL, '2026-02-01T00:00:00Z', 'x');",
        )
        .unwrap();
    let t = s.template(DocKind::DeliberaGiunta).unwrap();
    assert!(t.is_default && !t.newer_default);
    assert_eq!(t.current.version, 2);
    assert_eq!(t.current.body, DocKind::DeliberaGiunta.default_body());
    let l = s.template(DocKind::Lettera).unwrap();
    assert_eq!(l.current.body, "# Lettera della segreteria");
    assert!(!l.is_default && l.newer_default);
    assert!(s
        .templates()
        .unwrap()
        .iter()
        .any(|t| t.kind == DocKind::Lettera && t.newer_default));
    // Generating stores the new default as the next version.
    let dir = tempfile::tempdir().unwrap();
    let rec = s
        .generate_document(
            DocKind::DeliberaGiunta,
            SANT_AGATA,
            Format::Pdf,
            &dir.path().join("a.pdf"),
        )
        .unwrap();
    assert_eq!(rec.template_version, Some(2));
    // Restoring the default clears the notice.
    let l = s.restore_template(DocKind::Lettera, None).unwrap();
    assert!(l.is_default && !l.newer_default);
}

#[test]
fn the_docx_has_word_styles_lists_italian_and_properties() {
    let s = prepared();
    let dir = tempfile::tempdir().unwrap();
    for kind in adhesion_docs::DOC_KINDS {
        let docx = s.render_document(kind, SANT_AGATA, Format::Docx).unwrap();
        let path = dir.path().join(format!("{}.docx", kind.as_str()));
        std::fs::write(&path, &docx.bytes).unwrap();
        let script = r#"
import sys, docx
from docx.oxml.ns import qn
from docx.shared import Pt
d = docx.Document(sys.argv[1])
names = {s.name for s in d.styles}
for n in ['Normal', 'Title', 'Heading 1', 'Heading 2', 'List Paragraph', 'Header', 'Footer', 'Tabella dati']:
    assert n in names, (n, sorted(names))
assert d.styles['Normal'].font.size == Pt(12), d.styles['Normal'].font.size
assert d.styles['Header'].font.size == Pt(9) and d.styles['Footer'].font.size == Pt(9)
cp = d.core_properties
assert cp.title and cp.author and 'Comune di' in cp.subject, (cp.title, cp.author, cp.subject)
assert cp.language == 'it-IT', cp.language
lang = d.styles.element.find(qn('w:docDefaults')).find(qn('w:rPrDefault')).find(qn('w:rPr')).find(qn('w:lang'))
assert lang is not None and lang.get(qn('w:val')) == 'it-IT'
used = [p.style.name for p in d.paragraphs]
assert sys.argv[2] == 'letter' or 'Title' in used, used
lists = [p for p in d.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
assert lists and all(p.style.name == 'List Paragraph' for p in lists)
assert not any(p.text[:3].strip().rstrip('.').isdigit() or p.text.startswith('•') for p in d.paragraphs), 'typed numbers'
footer = d.sections[0].footer._element.xml
assert 'PAGE' in footer and 'NUMPAGES' in footer and 'Footer' in footer
signatures = lambda t: all(p.style is not None and p.style.name == 'Firma' for c in t._cells for p in c.paragraphs)
assert all(t.style.name == 'Tabella dati' for t in d.tables if len(t.columns) == 2 and len(t.rows) > 1 and not signatures(t))
print(len(lists))
"#;
        docx_python(
            &path,
            script,
            &[if kind == DocKind::Lettera {
                "letter"
            } else {
                "act"
            }],
        );
    }
}

#[test]
fn the_letterhead_comes_from_the_settings_and_is_checked() {
    let mut s = prepared();
    let mut st = s.settings().unwrap();
    st.secretariat_address = "Corso Cavour, 87 – 98122 Messina".into();
    st.secretariat_fiscal_code = "12345678901".into();
    st.secretariat_phone = "090 7761 111".into();
    st.signatory_name = "Maria Rossi".into();
    let saved = s.save_settings(&st).unwrap();
    assert_ne!(saved.updated_at, st.updated_at, "the version moves on");
    let p = s
        .preview_template(DocKind::Lettera, None, Some(SANT_AGATA))
        .unwrap();
    assert!(
        p.header[2].contains("Corso Cavour, 87")
            && p.header[2].contains("Tel. 090 7761 111")
            && p.header[2].contains("C.F. 12345678901")
            && p.header[2].contains("PEC protocollo@pec.prov.me.it"),
        "{:?}",
        p.header
    );
    let protocol = s
        .preview_template(DocKind::SchemaProtocollo, None, Some(SANT_AGATA))
        .unwrap()
        .text;
    assert!(protocol
        .contains("con sede in Corso Cavour, 87 – 98122 Messina, codice fiscale 12345678901"));
    // A stale form and a wrong codice fiscale are refused.
    assert_eq!(s.save_settings(&st).unwrap_err().code(), "conflict");
    let mut bad = saved.clone();
    bad.secretariat_fiscal_code = "8000276083".into();
    let e = s.save_settings(&bad).unwrap_err();
    assert_eq!(e.field(), Some("secretariat_fiscal_code"));
}
