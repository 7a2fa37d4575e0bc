//! The start-up timeline: when the process started, the archive was open,
//! the window was built, the page loaded, the first command answered and the
//! first screen painted. The cold-start benchmark (`bench/startup.sh`) prints
//! it, so that the step that slows the next start is seen at once.
//!
//! The times count from the launch when the benchmark says when it launched
//! the process (`CDP_LAUNCHED_AT`, nanoseconds since the Unix epoch): the
//! loading of the libraries before `main` is then the `main` step. Otherwise
//! they count from `main`.

use std::borrow::Cow;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

static STARTED: OnceLock<Instant> = OnceLock::new();
/// The start as milliseconds since the Unix epoch (to place the page's marks).
static STARTED_EPOCH_MS: OnceLock<f64> = OnceLock::new();
static MARKS: Mutex<Vec<(Cow<'static, str>, f64)>> = Mutex::new(Vec::new());

/// The process's start (the first call wins: `run` calls it first), and
/// the `main` step.
pub fn start() {
    STARTED.get_or_init(|| {
        let now = Instant::now();
        let wall = SystemTime::now();
        let (started, at) = std::env::var("CDP_LAUNCHED_AT")
            .ok()
            .and_then(|ns| ns.trim().parse::<u64>().ok())
            .and_then(|ns| {
                let launched = UNIX_EPOCH + Duration::from_nanos(ns);
                let since_launch = wall.duration_since(launched).ok()?;
                Some((now.checked_sub(since_launch)?, launched))
            })
            .unwrap_or((now, wall));
        let epoch_ms = at
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0);
        let _ = STARTED_EPOCH_MS.set(epoch_ms);
        started
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
    record(Cow::Borrowed(step), elapsed_ms());
}

/// Records a step of the page (its script's own marks, e.g. `ui_data`),
/// given as milliseconds since the Unix epoch (`performance.timeOrigin +
/// performance.now()` in the page, the same wall clock). A step's name is
/// at most 32 characters among `a-z 0-9 _`; other names are ignored.
pub fn mark_page(step: &str, epoch_ms: f64) {
    let named = !step.is_empty()
        && step.len() <= 32
        && step
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if let (true, true, Some(start)) = (named, epoch_ms.is_finite(), STARTED_EPOCH_MS.get()) {
        record(Cow::Owned(step.to_owned()), epoch_ms - start);
    }
}

fn record(step: Cow<'static, str>, ms: f64) {
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

    #[test]
    fn the_pages_steps_are_placed_on_the_same_clock() {
        super::start();
        let now_epoch_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            * 1000.0;
        let elapsed = super::elapsed_ms();
        super::mark_page("ui_step", now_epoch_ms - 5.0);
        super::mark_page("Bad name!", now_epoch_ms);
        super::mark_page("ui_nan", f64::NAN);
        let line = super::line();
        let at: f64 = line
            .split(' ')
            .find_map(|p| p.strip_prefix("ui_step="))
            .unwrap()
            .parse()
            .unwrap();
        assert!((at - (elapsed - 5.0)).abs() < 50.0, "{at} vs {elapsed}");
        assert!(!line.contains("Bad") && !line.contains("ui_nan"), "{line}");
    }
}
