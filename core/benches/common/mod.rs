//! What every benchmark shares: the median of timed runs, milliseconds as
//! the README prints them, and LibreOffice converting a DOCX to PDF (the
//! comparison the documents' benchmarks print beside our own PDF).
#![allow(dead_code)]

pub mod attendance_data;
pub mod risks_data;
pub mod training_data;

use std::process::Command;
use std::time::{Duration, Instant};

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// Runs `f` `n` times: the median time and the last result.
pub fn time<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut last = None;
    let runs = (0..n)
        .map(|_| {
            let t = Instant::now();
            last = Some(f());
            t.elapsed()
        })
        .collect();
    (median(runs), last.expect("at least one run"))
}

/// LibreOffice headless converting `docx` to PDF: the median of three runs
/// after one that creates its profile (process start included), or None
/// when LibreOffice is not installed.
pub fn libreoffice_to_pdf(docx: &[u8]) -> Option<Duration> {
    let cmd = ["soffice", "libreoffice"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok())?;
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("documento.docx");
    std::fs::write(&path, docx).expect("write the DOCX");
    let profile = format!(
        "-env:UserInstallation=file://{}/lo-profile",
        dir.path().display()
    );
    let convert = || {
        let out = Command::new(cmd)
            .args([
                profile.as_str(),
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
            ])
            .arg(dir.path())
            .arg(&path)
            .output()
            .expect("run LibreOffice");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    convert();
    Some(time(3, convert).0)
}
