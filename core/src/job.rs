//! Long work (batches, bulk actions, imports): how far it got and how to stop it.
//! One progress type and one cancellation token per job, shared by every domain;
//! the shell forwards [`Progress`] to the window and holds one [`CancelToken`] per
//! running job.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;

/// How far a job got: `done` of `total` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// Asks one running job to stop. Cloned into the job; cancelling one job never
/// touches another.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// The flag itself, for code that takes an `&AtomicBool`.
    pub fn flag(&self) -> &AtomicBool {
        &self.0
    }
}

/// An identifier for a bulk action or a batch: the instant with milliseconds
/// and a counter, distinct even for two batches in the same millisecond.
pub(crate) fn unique_stamp() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}-{}",
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_cancels_only_its_job() {
        let a = CancelToken::new();
        let b = CancelToken::new();
        let a2 = a.clone();
        a2.cancel();
        assert!(a.is_cancelled());
        assert!(!b.is_cancelled());
    }
}
