//! The calendar's arithmetic: Italian public holidays (Easter computed),
//! Italian month and weekday names, weeks from Monday to Sunday, and the
//! Europe/Rome clock (CET/CEST under the EU rule in force since 1996).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const MONTHS: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

/// Monday first, as an Italian calendar.
pub const WEEKDAYS: [&str; 7] = [
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
];

/// "marzo 2027", "Marzo 2027" with `capital`.
pub fn month_name(year: i32, month: u32, capital: bool) -> String {
    let m = MONTHS[(month as usize).clamp(1, 12) - 1];
    if capital {
        let mut c = m.chars();
        let first = c.next().map(|f| f.to_uppercase().collect::<String>());
        format!("{}{} {year}", first.unwrap_or_default(), c.as_str())
    } else {
        format!("{m} {year}")
    }
}

pub fn weekday_name(d: NaiveDate) -> &'static str {
    WEEKDAYS[d.weekday().num_days_from_monday() as usize]
}

/// Easter Sunday (Gregorian), by the anonymous algorithm (Meeus/Jones/Butcher).
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

/// The national public holidays of Italy (L. 260/1949 and later laws), and
/// Easter Monday. Local patron saints' days are not national and not listed.
pub fn holiday(d: NaiveDate) -> Option<&'static str> {
    let fixed = match (d.month(), d.day()) {
        (1, 1) => Some("Capodanno"),
        (1, 6) => Some("Epifania"),
        (4, 25) => Some("Festa della Liberazione"),
        (5, 1) => Some("Festa del Lavoro"),
        (6, 2) => Some("Festa della Repubblica"),
        (8, 15) => Some("Assunzione (Ferragosto)"),
        (11, 1) => Some("Ognissanti"),
        (12, 8) => Some("Immacolata Concezione"),
        (12, 25) => Some("Natale"),
        (12, 26) => Some("Santo Stefano"),
        // San Francesco d'Assisi, national holiday again from 2026 (L. 151/2025).
        (10, 4) if d.year() >= 2026 => Some("San Francesco d'Assisi"),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    let e = easter(d.year());
    if d == e {
        Some("Pasqua")
    } else if d == e + Duration::days(1) {
        Some("Lunedì dell'Angelo (Pasquetta)")
    } else {
        None
    }
}

/// A Sunday or a public holiday: shaded in the calendar.
pub fn is_non_working(d: NaiveDate) -> bool {
    d.weekday() == Weekday::Sun || holiday(d).is_some()
}

/// The last Sunday of a month.
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("valid month");
    let last = next - Duration::days(1);
    last - Duration::days(last.weekday().num_days_from_sunday() as i64)
}

/// Whether summer time (CEST, UTC+2) is in force at the UTC instant `utc`:
/// from 01:00 UTC of the last Sunday of March to 01:00 UTC of the last
/// Sunday of October.
pub fn is_summer_time_utc(utc: NaiveDateTime) -> bool {
    let y = utc.year();
    let start = last_sunday(y, 3).and_hms_opt(1, 0, 0).expect("valid time");
    let end = last_sunday(y, 10).and_hms_opt(1, 0, 0).expect("valid time");
    utc >= start && utc < end
}

/// A local time in Rome as UTC. A time that does not exist (the hour
/// skipped in March) is read one hour later; an ambiguous one (the hour
/// repeated in October) as its first occurrence, in summer time.
pub fn rome_to_utc(date: NaiveDate, time: NaiveTime) -> chrono::DateTime<chrono::Utc> {
    let local = date.and_time(time);
    let summer = local - Duration::hours(2);
    let utc = if is_summer_time_utc(summer) {
        summer
    } else {
        // Winter time, or the skipped hour of March (02:30 is then 03:30 CEST).
        local - Duration::hours(1)
    };
    chrono::DateTime::from_naive_utc_and_offset(utc, chrono::Utc)
}

/// Which of the two 02:00–02:59 of the night summer time ends a time is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Occurrence {
    /// The first, still in summer time (UTC+2).
    Legale,
    /// The second, already in winter time (UTC+1).
    Solare,
}

impl Occurrence {
    pub fn as_str(self) -> &'static str {
        match self {
            Occurrence::Legale => "legale",
            Occurrence::Solare => "solare",
        }
    }

    pub fn from_str(s: &str) -> Option<Occurrence> {
        match s {
            "legale" => Some(Occurrence::Legale),
            "solare" => Some(Occurrence::Solare),
            _ => None,
        }
    }

    /// «la prima volta, ora legale», as the messages say it.
    pub fn label(self) -> &'static str {
        match self {
            Occurrence::Legale => "la prima volta, ora legale",
            Occurrence::Solare => "la seconda volta, ora solare",
        }
    }
}

/// «nella notte tra sabato 27 e domenica 28 marzo 2027».
fn night_of(sunday: NaiveDate) -> String {
    let saturday = sunday - Duration::days(1);
    let month = MONTHS[sunday.month0() as usize];
    if saturday.month() == sunday.month() {
        format!(
            "nella notte tra sabato {} e domenica {} {month} {}",
            saturday.day(),
            sunday.day(),
            sunday.year()
        )
    } else {
        format!(
            "nella notte tra sabato {} {} e domenica {} {month} {}",
            saturday.day(),
            MONTHS[saturday.month0() as usize],
            sunday.day(),
            sunday.year()
        )
    }
}

/// A local time as entered for `date` in Rome: refused in the hour that
/// does not exist (the last Sunday of March, 02:00–02:59), naming the
/// night; in the hour that comes twice (the last Sunday of October), the
/// choice `repeat` is required (an error on `repeat_field` otherwise) and
/// returned; for every other time, None.
pub fn check_local_time(
    field: &str,
    repeat_field: &str,
    label: &str,
    date: NaiveDate,
    time: NaiveTime,
    repeat: Option<Occurrence>,
) -> Result<Option<Occurrence>> {
    if time.hour() != 2 {
        return Ok(None);
    }
    let t = time.format("%H:%M");
    let d = date.format("%d/%m/%Y");
    if date == last_sunday(date.year(), 3) {
        return Err(Error::validation(
            field,
            format!(
                "{label}: le {t} del {d} non esistono: {} inizia l'ora legale e gli orologi passano dalle 02:00 alle 03:00. Indicare un altro orario.",
                night_of(date)
            ),
        ));
    }
    if date == last_sunday(date.year(), 10) {
        return match repeat {
            Some(r) => Ok(Some(r)),
            None => Err(Error::validation(
                repeat_field,
                format!(
                    "{label}: le {t} del {d} ci sono due volte: {} finisce l'ora legale e gli orologi tornano dalle 03:00 alle 02:00. Indicare se è la prima volta (ora legale) o la seconda (ora solare).",
                    night_of(date)
                ),
            )),
        };
    }
    Ok(None)
}

/// A local time in Rome as UTC, the hour that comes twice read as
/// `repeat` says (the first when None, as [`rome_to_utc`]).
pub fn rome_instant(
    date: NaiveDate,
    time: NaiveTime,
    repeat: Option<Occurrence>,
) -> chrono::DateTime<chrono::Utc> {
    let utc = rome_to_utc(date, time);
    if repeat == Some(Occurrence::Solare)
        && time.hour() == 2
        && date == last_sunday(date.year(), 10)
    {
        utc + Duration::hours(1)
    } else {
        utc
    }
}

/// A UTC instant as the local date and time in Rome.
pub fn utc_to_rome(utc: chrono::DateTime<chrono::Utc>) -> NaiveDateTime {
    let n = utc.naive_utc();
    n + Duration::hours(if is_summer_time_utc(n) { 2 } else { 1 })
}

/// One day of a month grid.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GridDay {
    pub date: String,
    pub day: u32,
    /// In the month shown (false: a day of the month before or after, filling the week).
    pub in_month: bool,
    pub sunday: bool,
    pub holiday: Option<String>,
}

/// The weeks (Monday to Sunday) that cover a month, each of seven days.
pub fn month_weeks(year: i32, month: u32) -> Vec<Vec<GridDay>> {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return Vec::new();
    };
    let mut d = first - Duration::days(first.weekday().num_days_from_monday() as i64);
    let mut weeks = Vec::new();
    loop {
        let mut week = Vec::with_capacity(7);
        for _ in 0..7 {
            week.push(GridDay {
                date: d.format("%Y-%m-%d").to_string(),
                day: d.day(),
                in_month: d.month() == month && d.year() == year,
                sunday: d.weekday() == Weekday::Sun,
                holiday: holiday(d).map(str::to_string),
            });
            d += Duration::days(1);
        }
        weeks.push(week);
        if d.month() != month || d.year() != year {
            break;
        }
    }
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_dates() {
        assert_eq!(easter(2024), ymd(2024, 3, 31));
        assert_eq!(easter(2025), ymd(2025, 4, 20));
        assert_eq!(easter(2026), ymd(2026, 4, 5));
        assert_eq!(easter(2027), ymd(2027, 3, 28));
        assert_eq!(easter(2038), ymd(2038, 4, 25));
        assert_eq!(
            holiday(ymd(2027, 3, 29)),
            Some("Lunedì dell'Angelo (Pasquetta)")
        );
        assert_eq!(
            holiday(ymd(2026, 4, 6)),
            Some("Lunedì dell'Angelo (Pasquetta)")
        );
        assert!(holiday(ymd(2027, 3, 30)).is_none());
        assert!(is_non_working(ymd(2027, 1, 3)));
    }

    #[test]
    fn rome_clock_across_dst() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        // 2027: summer time from 28 March to 31 October.
        assert_eq!(
            rome_to_utc(ymd(2027, 3, 27), t(10, 0)).to_rfc3339(),
            "2027-03-27T09:00:00+00:00"
        );
        assert_eq!(
            rome_to_utc(ymd(2027, 3, 28), t(10, 0)).to_rfc3339(),
            "2027-03-28T08:00:00+00:00"
        );
        assert_eq!(
            rome_to_utc(ymd(2027, 10, 30), t(10, 0)).to_rfc3339(),
            "2027-10-30T08:00:00+00:00"
        );
        assert_eq!(
            rome_to_utc(ymd(2027, 10, 31), t(10, 0)).to_rfc3339(),
            "2027-10-31T09:00:00+00:00"
        );
        let back = utc_to_rome(rome_to_utc(ymd(2027, 7, 1), t(9, 30)));
        assert_eq!(back, ymd(2027, 7, 1).and_time(t(9, 30)));
    }

    #[test]
    fn weeks_monday_to_sunday() {
        let w = month_weeks(2027, 2);
        assert_eq!(w[0][0].date, "2027-02-01"); // a Monday
        assert_eq!(w.len(), 4);
        let w = month_weeks(2026, 3);
        assert_eq!(w[0][0].date, "2026-02-23");
        assert!(w.iter().all(|x| x.len() == 7 && x[6].sunday));
        assert_eq!(w.last().unwrap()[6].date, "2026-04-05");
    }
}
