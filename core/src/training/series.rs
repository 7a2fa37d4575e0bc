//! Repetitions: the dates of a series, each with what the secretary must know
//! about it (a day the month lacks, a holiday), never skipped silently.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::calendar::{holiday, weekday_name, MONTHS};
use crate::error::{Error, Result};

/// How a series repeats.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Weekly,
    Fortnightly,
    /// Every month on the same day number (the 31st falls on the month's last
    /// day where the month is shorter, and the date says so).
    MonthlyDay,
    /// Every month on the same weekday of the month ("il secondo martedì");
    /// a fifth weekday becomes the month's last one, and the date says so.
    MonthlyWeekday,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::Fortnightly => "fortnightly",
            Frequency::MonthlyDay => "monthly_day",
            Frequency::MonthlyWeekday => "monthly_weekday",
        }
    }
}

/// The most events one series creates.
pub const MAX_COUNT: u32 = 60;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SeriesDate {
    /// ISO date.
    pub date: String,
    /// What changed or what to look at ("30/04: aprile non ha il giorno 31"), if anything.
    pub note: Option<String>,
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    (next.expect("valid month") - Duration::days(1)).day()
}

fn add_months(y: i32, m: u32, k: u32) -> (i32, u32) {
    let idx = y * 12 + (m as i32 - 1) + k as i32;
    (idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32)
}

const ORDINALS: [&str; 5] = ["primo", "secondo", "terzo", "quarto", "quinto"];

/// The `count` dates of a series starting on `first` (the first is `first`).
pub fn series_dates(first: NaiveDate, freq: Frequency, count: u32) -> Result<Vec<SeriesDate>> {
    if count == 0 || count > MAX_COUNT {
        return Err(Error::validation(
            "count",
            format!("Numero di date: indicare un numero da 1 a {MAX_COUNT}."),
        ));
    }
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count {
        let (date, mut note) = match freq {
            Frequency::Weekly => (first + Duration::weeks(i as i64), None),
            Frequency::Fortnightly => (first + Duration::weeks(2 * i as i64), None),
            Frequency::MonthlyDay => {
                let (y, m) = add_months(first.year(), first.month(), i);
                let last = days_in_month(y, m);
                if first.day() > last {
                    let d = NaiveDate::from_ymd_opt(y, m, last).expect("valid");
                    (
                        d,
                        Some(format!(
                            "{} non ha il giorno {}: la data è l'ultimo del mese ({})",
                            capital(MONTHS[m as usize - 1]),
                            first.day(),
                            d.format("%d/%m/%Y")
                        )),
                    )
                } else {
                    (
                        NaiveDate::from_ymd_opt(y, m, first.day()).expect("valid"),
                        None,
                    )
                }
            }
            Frequency::MonthlyWeekday => {
                let (y, m) = add_months(first.year(), first.month(), i);
                let nth = (first.day() - 1) / 7; // 0-based
                let wd = first.weekday();
                let first_of = NaiveDate::from_ymd_opt(y, m, 1).expect("valid");
                let offset = (7 + wd.num_days_from_monday() as i64
                    - first_of.weekday().num_days_from_monday() as i64)
                    % 7;
                let mut d = first_of + Duration::days(offset + 7 * nth as i64);
                let mut note = None;
                if d.month() != m {
                    d -= Duration::weeks(1);
                    note = Some(format!(
                        "{} non ha un {} {}: la data è l'ultimo {} del mese ({})",
                        capital(MONTHS[m as usize - 1]),
                        ORDINALS[nth as usize],
                        weekday_name(first),
                        weekday_name(first),
                        d.format("%d/%m/%Y")
                    ));
                }
                (d, note)
            }
        };
        if let Some(h) = holiday(date) {
            let msg = format!(
                "il {} è festivo ({h}): spostarla se occorre",
                date.format("%d/%m/%Y")
            );
            note = Some(match note {
                Some(n) => format!("{n}; {msg}"),
                None => capital(&msg),
            });
        } else if date.weekday() == chrono::Weekday::Sun {
            let msg = format!(
                "il {} è domenica: spostarla se occorre",
                date.format("%d/%m/%Y")
            );
            note = Some(match note {
                Some(n) => format!("{n}; {msg}"),
                None => capital(&msg),
            });
        }
        out.push(SeriesDate {
            date: date.format("%Y-%m-%d").to_string(),
            note,
        });
    }
    Ok(out)
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn monthly_on_the_31st() {
        let d = series_dates(ymd(2027, 1, 31), Frequency::MonthlyDay, 4).unwrap();
        let dates: Vec<_> = d.iter().map(|x| x.date.as_str()).collect();
        assert_eq!(
            dates,
            ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]
        );
        assert!(d[1]
            .note
            .as_deref()
            .unwrap()
            .contains("Febbraio non ha il giorno 31"));
        assert!(d[2].note.is_none());
    }

    #[test]
    fn monthly_second_tuesday_and_fifth() {
        // 9 March 2027 is the second Tuesday.
        let d = series_dates(ymd(2027, 3, 9), Frequency::MonthlyWeekday, 3).unwrap();
        let dates: Vec<_> = d.iter().map(|x| x.date.as_str()).collect();
        assert_eq!(dates, ["2027-03-09", "2027-04-13", "2027-05-11"]);
        // 30 March 2027 is the fifth Tuesday; April has only four.
        let d = series_dates(ymd(2027, 3, 30), Frequency::MonthlyWeekday, 2).unwrap();
        assert_eq!(d[1].date, "2027-04-27");
        assert!(d[1].note.as_deref().unwrap().contains("quinto martedì"));
    }

    #[test]
    fn weekly_flags_holidays() {
        let d = series_dates(ymd(2027, 3, 22), Frequency::Weekly, 2).unwrap();
        assert_eq!(d[1].date, "2027-03-29");
        assert!(d[1].note.as_deref().unwrap().contains("Pasquetta"));
        assert_eq!(
            series_dates(ymd(2027, 1, 1), Frequency::Weekly, 0)
                .unwrap_err()
                .field(),
            Some("count")
        );
    }
}
