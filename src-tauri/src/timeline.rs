//! The start-up timeline: when the process started, the archive was open,
//! the window was built, the page loaded, the first command answered and the
//! first screen painted. The cold-start benchmark (`bench/startup.sh`) prints
//! it, so that the step that slows the next start is seen at once.
//!
//! The times count from the launch when the benchmark says when it launched
//! the process (`CDP_LAUNCHED_AT`, nanoseconds since the Unix epoch): the
//! loading of the libraries before `main` is then the `main` step. Otherwise
//! they count from `main`.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

static STARTED: OnceLock<Instant> = OnceLock::new();
static MARKS: Mutex<Vec<(&'static str, f64)>> = Mutex::new(Vec::new());

/// The process's start (the first call wins: `run` calls it first), and
/// the `main` step.
pub fn start() {
    STARTED.get_or_init(|| {
        let now = Instant::now();
        std::env::var("CDP_LAUNCHED_AT")
            .ok()
            .and_then(|ns| ns.trim().parse::<u64>().ok())
            .and_then(|ns| {
                let since_launch = SystemTime::now()
                    .duration_since(UNIX_EPOCH + Duration::from_nanos(ns))
                    .ok()?;
                now.checked_sub(since_launch)
            })
            .unwrap_or(now)
    });
    mark("main");
}

/// Milliseconds since the start.
pub fn elapsed_ms() -> f64 {
    STARTED
        .get()
        .map(|t| t.elapsed().as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Records the first time `step` happens (later ones are ignored).
pub fn mark(step: &'static str) {
    let ms = elapsed_ms();
    let mut marks = MARKS.lock().unwrap_or_else(|p| p.into_inner());
    if !marks.iter().any(|(s, _)| *s == step) {
        marks.push((step, ms));
    }
}

/// `step=ms` pairs in the order they happened, one line.
pub fn line() -> String {
    let mut marks = MARKS.lock().unwrap_or_else(|p| p.into_inner()).clone();
    marks.sort_by(|a, b| a.1.total_cmp(&b.1));
    marks
        .iter()
        .map(|(s, ms)| format!("{s}={ms:.0}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn steps_are_recorded_once_in_order() {
        super::start();
        super::mark("b_step");
        super::mark("c_step");
        super::mark("b_step");
        let line = super::line();
        assert_eq!(line.matches("b_step=").count(), 1);
        assert!(line.find("main=").unwrap() < line.find("b_step=").unwrap());
        assert!(line.find("b_step=").unwrap() < line.find("c_step=").unwrap());
    }
}
