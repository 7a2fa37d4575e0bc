//! The one clock: "today" for every rule that depends on the date (late,
//! stalled, in office, the default dates of forms and documents). The
//! `Store` holds it; the shell gives it once, at start: the local date, or
//! the date fixed by `CDP_TODAY` (tests). Timestamps of records (audit rows,
//! versions) are instants, not "today": they keep the real time.

use chrono::NaiveDate;

use crate::error::{Error, Result};

/// Where "today" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The computer's local date, read at each call (a session may cross midnight).
    #[default]
    Local,
    /// A fixed date (tests, `CDP_TODAY`).
    Fixed(NaiveDate),
}

impl Clock {
    /// Today's date on this clock.
    pub fn today(&self) -> NaiveDate {
        match self {
            Clock::Local => chrono::Local::now().date_naive(),
            Clock::Fixed(d) => *d,
        }
    }

    /// The clock a setting asks for (the value of `CDP_TODAY`, as the shell
    /// read it): none or blank is the local date, `AAAA-MM-GG` fixes today.
    pub fn from_setting(value: Option<&str>) -> Result<Clock> {
        match value.map(str::trim) {
            None | Some("") => Ok(Clock::Local),
            Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Clock::Fixed)
                .map_err(|_| {
                    Error::validation(
                        "today",
                        format!("Data di riferimento «{v}» non valida: usare AAAA-MM-GG."),
                    )
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_fixes_today_or_leaves_the_local_date() {
        let d = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        assert_eq!(
            Clock::from_setting(Some(" 2027-03-01 ")).unwrap().today(),
            d
        );
        assert_eq!(Clock::from_setting(None).unwrap(), Clock::Local);
        assert_eq!(Clock::from_setting(Some("")).unwrap(), Clock::Local);
        assert_eq!(
            Clock::from_setting(Some("01/03/2027")).unwrap_err().code(),
            "validation"
        );
    }
}
