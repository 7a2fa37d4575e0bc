//! Writes the four default documents for one comune into a folder, as PDF
//! and DOCX: `cargo run -p cdp-core --example render_all -- OUT_DIR [ISTAT]`.
use cdp_core::adhesion::documents::{file_name, DOC_KINDS};
use cdp_core::documents::DocFormat;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().ok_or("cartella di destinazione mancante")?);
    let istat = args.next().unwrap_or_else(|| "083084".into());
    let store = cdp_core::Store::open_in_memory()?;
    std::fs::create_dir_all(&out)?;
    let name = store.comune(&istat)?.name;
    for kind in DOC_KINDS {
        for format in [DocFormat::Pdf, DocFormat::Docx] {
            let doc = store.render_document(kind, &istat, format)?;
            let path = out.join(file_name(kind, &name, format));
            std::fs::write(&path, &doc.bytes)?;
            println!("{}", path.display());
        }
    }
    Ok(())
}
