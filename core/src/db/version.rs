//! Versions of edited records and the stale-form check: every editable
//! record carries a version stamp (`updated_at`) that its form sends back;
//! a save with another version is a `conflict`, never a silent overwrite.

use crate::error::Result;

/// The current instant as UTC RFC 3339, as timestamps are stored.
pub fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The version stamp of an edited record: now, with milliseconds, and always
/// after `previous` (two saves in the same millisecond still differ).
pub fn next_version(previous: &str) -> String {
    use chrono::SubsecRound;
    let now = chrono::Utc::now().trunc_subsecs(3);
    let prev = chrono::DateTime::parse_from_rfc3339(previous)
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok();
    let at = match prev {
        Some(p) if p >= now => p + chrono::Duration::milliseconds(1),
        _ => now,
    };
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A form's version against the record's: a different one is a stale form.
pub fn check_version(current: &str, shown: Option<&str>) -> Result<()> {
    match shown {
        Some(v) if v != current => Err(crate::error::stale()),
        _ => Ok(()),
    }
}
