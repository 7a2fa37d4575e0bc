//! Every document kind takes its properties' author from one place: the
//! operator named in the settings, or the Segreteria Generale until one is.

mod common;

use common::docs::{docx_python, pdf_info};
use common::every_kind::{documents, Kind, OPERATOR};

/// The author a PDF's Info or a DOCX's core properties give.
fn author(kind: Kind, bytes: &[u8]) -> String {
    match kind {
        Kind::Pdf => pdf_info(bytes, &[])
            .lines()
            .find_map(|l| l.strip_prefix("Author:"))
            .unwrap_or_default()
            .trim()
            .to_string(),
        Kind::Docx => docx_python(
            bytes,
            "import sys, docx\nprint(docx.Document(sys.argv[1]).core_properties.author)",
            &[],
        )
        .trim()
        .to_string(),
    }
}

#[test]
fn every_kind_names_the_operator_of_the_settings_as_its_author() {
    for (name, kind, bytes) in documents() {
        assert_eq!(author(kind, &bytes), OPERATOR, "{name}");
    }
}

#[test]
fn until_an_operator_is_named_the_author_is_the_segreteria() {
    let mut s = common::store();
    assert_eq!(
        s.document_author().unwrap(),
        cdp_core::documents::meta::INSTITUTION
    );
    let mut st = s.settings().unwrap();
    st.operator_name = "  Anna Operatrice ".into();
    s.save_settings(&st).unwrap();
    assert_eq!(s.document_author().unwrap(), "Anna Operatrice");
}
