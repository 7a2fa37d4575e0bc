//! A fixed amount of document work, for `perf stat -e instructions:u` and
//! `perf record` (instruction counts compare before/after on a busy machine
//! where wall-clock does not): `cargo run --release -p cdp-core --example
//! doc_work -- MODE N` with MODE one of `act` (N Giunta proposals with the
//! protocol scheme attached, PDF/A, in memory), `batch` (N batches of the
//! 108 Giunta proposals written into a temporary folder and registered),
//! `docx` (N of the same act as DOCX) or `programme` (N times the training
//! programme of 150 events of a year, PDF/A, as `--bench training` makes
//! it). Prints the bytes of the last result; `DOC_WORK_OUT=<path>` also
//! writes the last `programme` there (to look at it, or compare two builds').
#[path = "../benches/common/mod.rs"]
mod common;

use cdp_core::adhesion::documents::{context_for, DocKind};
use cdp_core::documents::batch::OnExisting;
use cdp_core::documents::{act_meta, fill, render, Format};
use cdp_core::job::CancelToken;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "act".into());
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    let mut store = cdp_core::Store::open_in_memory()?;
    let istat = "083084";
    let ctx = context_for(store.connection(), istat, store.today())?;
    let attachment: String = DocKind::SchemaProtocollo
        .default_body()
        .lines()
        .filter(|l| !l.starts_with('@'))
        .collect::<Vec<_>>()
        .join("\n");
    let body = format!(
        "{}\n@nuovapagina\n## ALLEGATO\n{attachment}\n",
        DocKind::DeliberaGiunta.default_body()
    );
    let mut last = 0;
    match mode.as_str() {
        "act" | "docx" => {
            let format = if mode == "act" {
                Format::Pdf
            } else {
                Format::Docx
            };
            for _ in 0..n {
                let doc = fill(&body, &ctx)?;
                let meta = act_meta(&doc, DocKind::DeliberaGiunta.label(), &ctx.comune.nome, "x");
                last = render(&doc, format, &meta)?.bytes.len();
            }
        }
        "batch" => {
            let all: Vec<String> = store
                .list_comuni(&Default::default())?
                .into_iter()
                .map(|c| c.istat)
                .collect();
            for _ in 0..n {
                let dir = tempfile::tempdir()?;
                let report = store.generate_batch(
                    DocKind::DeliberaGiunta,
                    &all,
                    Format::Pdf,
                    dir.path(),
                    OnExisting::Replace,
                    &|_| {},
                    &CancelToken::new(),
                )?;
                last = report.written;
            }
        }
        "programme" => {
            use cdp_core::training::documents::CalendarDoc;
            use cdp_core::training::EventQuery;
            store.set_clock(cdp_core::Clock::Fixed(
                chrono::NaiveDate::from_ymd_opt(2027, 12, 31).ok_or("date")?,
            ));
            let mut d = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).ok_or("date")?;
            for i in 0..150 {
                store.create_training_event(&common::training_data::event(&d.to_string(), i))?;
                d += chrono::Duration::days(if i % 3 == 2 { 5 } else { 1 });
                if chrono::Datelike::year(&d) > 2027 {
                    d = chrono::NaiveDate::from_ymd_opt(2027, 1, 5).ok_or("date")?;
                }
            }
            let mut pdf = Vec::new();
            for _ in 0..n {
                let (bytes, _) = store.training_document(
                    CalendarDoc::Programme,
                    Format::Pdf,
                    &EventQuery::default(),
                    "2027-01-01",
                    "2027-12-31",
                )?;
                last = bytes.len();
                pdf = bytes;
            }
            if let Some(path) = std::env::var_os("DOC_WORK_OUT") {
                std::fs::write(path, &pdf)?;
            }
        }
        other => return Err(format!("unknown mode {other}").into()),
    }
    println!("{last}");
    Ok(())
}
