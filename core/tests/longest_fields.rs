//! Every field at the longest value the text rule allows, printed: the
//! documents open (python-docx, qpdf) and give the text back; the XML of
//! an XLSX stays well-formed whatever a cell holds.

mod common;

use common::docs::{docx_text, pdf_text, qpdf_ok};
use common::training::event;

use cdp_core::adhesion::documents::DOC_KINDS;
use cdp_core::documents::Format;
use cdp_core::registry::{ComuneInput, ComuneQuery};
use cdp_core::training::documents::CalendarDoc;
use cdp_core::training::{EventInput, EventQuery};

/// `unit` repeated and cut to exactly `n` characters.
fn exactly(unit: &str, n: usize) -> String {
    unit.chars()
        .cycle()
        .take(n)
        .collect::<String>()
        .trim()
        .to_string()
        + "."
}

#[test]
fn the_programme_with_every_field_at_its_longest() {
    let mut s = common::store();
    let title = exactly("Prevenzione della corruzione e trasparenza ", 199);
    let input = EventInput {
        mode: "presenza".into(),
        title: title.clone(),
        place: Some(exactly("Palazzo dei Leoni, Corso Cavour 87, Messina ", 299)),
        speakers: Some(exactly("Dott.ssa Maria Rossi, Avv. Luca Bianchi; ", 999)),
        notes: Some(exactly("Portare il PTPCT vigente. ", 3999)),
        link: Some(format!("https://meet.esempio.it/{}", "a".repeat(470))),
        ..event("2027-03-10")
    };
    s.create_training_event(&input).unwrap();
    // One character more is refused at its field.
    let e = s
        .create_training_event(&EventInput {
            title: title.clone() + "x",
            ..input.clone()
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("title"), "{e}");
    for format in [Format::Docx, Format::Pdf] {
        let (bytes, _) = s
            .training_document(
                CalendarDoc::Programme,
                format,
                &EventQuery::default(),
                "2027-01-01",
                "2027-12-31",
            )
            .unwrap();
        let text = if format == Format::Pdf {
            qpdf_ok(&bytes);
            pdf_text(&bytes, &[])
        } else {
            docx_text(&bytes)
        };
        let flat = |t: &str| t.split_whitespace().collect::<String>().replace('-', "");
        assert!(
            flat(&text).contains(&flat(&title)),
            "{format:?}: the title whole"
        );
    }
}

#[test]
fn the_acts_of_a_comune_with_every_field_at_its_longest() {
    let mut s = common::store();
    let istat = s.list_comuni(&ComuneQuery::default()).unwrap()[0]
        .istat
        .clone();
    let c = s.comune(&istat).unwrap();
    let name = exactly("Sant'Agata di Militello e Frazioni ", 119);
    s.update_comune(
        &istat,
        &ComuneInput {
            name: name.clone(),
            cadastral_code: c.cadastral_code.clone(),
            pec: Some("protocollo@pec.comune.santagatadimilitello.me.it".into()),
            address: Some(exactly("Via Medici 301, Palazzo Municipale, ", 199)),
            mayor_name: Some(exactly("Bruno Mancuso Fazio ", 119)),
            proposing_office: Some(exactly("Area Amministrativa e Affari Generali ", 119)),
            notes: Some(exactly("Nota. ", 3999)),
            ..Default::default()
        },
    )
    .unwrap();
    for kind in DOC_KINDS {
        let docx = s.render_document(kind, &istat, Format::Docx).unwrap();
        // Compared without spaces and with typographic apostrophes.
        let flat = |t: &str| t.split_whitespace().collect::<String>().replace('\'', "’");
        let text = flat(&docx_text(&docx.bytes));
        assert!(
            text.contains(&flat(&name)) || text.contains(&flat(&name.to_uppercase())),
            "{kind:?}: {text}"
        );
        let pdf = s.render_document(kind, &istat, Format::Pdf).unwrap();
        qpdf_ok(&pdf.bytes);
    }
}

#[test]
fn an_xlsx_stays_well_formed_whatever_a_cell_holds() {
    let rows = vec![vec![
        "NUL\u{0} ESC\u{1b} FFFE\u{fffe}".to_string(),
        "<b>&amp;</b> \"x\" 'y'".to_string(),
        "=HYPERLINK(\"http://x\")".to_string(),
    ]];
    let bytes = cdp_core::io::table_xlsx("Prova", &["a", "b", "c"], &rows, &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prova.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    // Every XML part parses, and the markup characters come back as text.
    let out = std::process::Command::new("/usr/bin/python3")
        .args([
            "-c",
            r#"
import sys, zipfile, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
texts = []
for n in z.namelist():
    if n.endswith('.xml') or n.endswith('.rels'):
        root = ET.fromstring(z.read(n))
        texts += [t.text or '' for t in root.iter() if t.tag.endswith('}t')]
print('\n'.join(texts))
"#,
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("<b>&amp;</b> \"x\" 'y'"), "{text}");
}
