fn main() {
    let src = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let doc = cdp_core::documents::markup::parse(&src).unwrap();
    let t = std::time::Instant::now();
    let pages = cdp_core::documents::layout::layout(&doc);
    let bytes = cdp_core::documents::pdf::write_pdf(&pages, &cdp_core::documents::pdf::Metadata { title: doc.title.clone(), author: "Segreteria".into(), subject: "x".into(), keywords: vec![], created: chrono::Utc::now() }).unwrap();
    eprintln!("{:?}", t.elapsed());
    std::fs::write("/tmp/sample.pdf", bytes).unwrap();
}
