//! Import of a webinar platform's attendance report (Zoom, Microsoft Teams,
//! Webex, GoTo): the columns are recognised by their names; a person who
//! joined and left several times gets the union of their intervals inside
//! the event (overlaps counted once); people are matched to participants by
//! e-mail, then by name ignoring case and accents. A dry run shows matched,
//! unmatched and ambiguous people; the apply takes the user's resolutions.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::participants::{all_participants, insert_participant, Participant, ParticipantInput};
use super::{event_minutes, get_event, hm, training_settings};
use crate::error::{Error, Result};
use crate::io::table::TableRow;
use crate::person::Likeness;
use crate::text::fold;
use crate::{audit, Store};

/// The columns found in the report.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Columns {
    pub name: Option<usize>,
    pub first_name: Option<usize>,
    pub last_name: Option<usize>,
    pub email: Option<usize>,
    pub join: Option<usize>,
    pub leave: Option<usize>,
    pub duration: Option<usize>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    Matched,
    Unmatched,
    Ambiguous,
    /// «probabilmente la stessa persona» of a participant: the user confirms.
    Probable,
}

/// One person of the report (all their rows together).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportPerson {
    /// The key the resolutions refer to: the e-mail, else the folded name.
    pub key: String,
    pub name: String,
    pub email: Option<String>,
    /// Rows of the report for this person (joins).
    pub rows: usize,
    /// Minutes inside the event, overlaps counted once.
    pub minutes: i64,
    /// Percent of the event's length.
    pub share: i64,
    pub present: bool,
    pub status: MatchStatus,
    pub participant_id: Option<i64>,
    pub participant_name: Option<String>,
    /// For an ambiguous or probable name: the participants it could be.
    pub candidates: Vec<(i64, String)>,
    /// Other names the report gives (Zoom's original name).
    pub other_names: Vec<String>,
    /// Where the report's sections disagree about this person, in Italian.
    pub disagreement: Option<String>,
}

/// A section of the report and how many people it lists.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SectionRead {
    /// The section's title as the file writes it («Partecipanti»), or «tabella».
    pub title: String,
    pub people: usize,
    pub rows: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttendancePreview {
    pub event_id: i64,
    /// "Zoom", "Microsoft Teams", "Webex", "GoTo" or "report generico".
    pub platform: String,
    /// The language of the report's labels: «italiano», «inglese».
    pub locale: Option<String>,
    /// The platform and the locale as the dry run names them: «Microsoft Teams, italiano».
    pub source: String,
    pub described_as: String,
    /// The sections read, each with the people it lists.
    pub sections: Vec<SectionRead>,
    /// The day of the meeting the report gives (ISO), and its start (HH:MM).
    pub report_date: Option<String>,
    pub report_start: Option<String>,
    /// More than an hour between the report's start and the event's: the
    /// user must confirm before the import is applied.
    pub time_warning: Option<String>,
    pub min_share: i64,
    pub event_minutes: i64,
    pub people: Vec<ReportPerson>,
    pub matched: usize,
    pub unmatched: usize,
    pub ambiguous: usize,
    pub probable: usize,
    /// Rows skipped (no name nor e-mail, unreadable times), with their line.
    pub skipped: Vec<String>,
}

/// What the user decided for an unmatched or ambiguous person.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Resolution {
    /// This person is that participant.
    Match { key: String, participant_id: i64 },
    /// A new participant with the report's name and e-mail.
    Create {
        key: String,
        istat: Option<String>,
        ente: Option<String>,
    },
    /// Not recorded.
    Skip { key: String },
}

impl Resolution {
    fn key(&self) -> &str {
        match self {
            Resolution::Match { key, .. }
            | Resolution::Create { key, .. }
            | Resolution::Skip { key } => key,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttendanceApplied {
    pub recorded: usize,
    pub present: usize,
    pub created: usize,
    pub skipped: usize,
}

/// A participant as the dry run names it: «Anna Neri (Comune di Alì)».
fn described(c: &Participant) -> (i64, String) {
    (
        c.id,
        format!(
            "{} ({})",
            c.full_name,
            c.ente.clone().unwrap_or_else(|| "ente non indicato".into())
        ),
    )
}

/// Whom a person of the report is: the participant of the same e-mail;
/// else by the one person-matching rule over every name the report gives
/// (Zoom's display and original names): one exact match is matched, several
/// are ambiguous, probable ones are for the user to confirm.
fn match_person<'a>(
    by_email: Option<&'a Participant>,
    names: &[&str],
    participants: &'a [Participant],
    index: &crate::person::Index,
) -> (MatchStatus, Option<&'a Participant>, Vec<(i64, String)>) {
    if let Some(found) = by_email {
        return (MatchStatus::Matched, Some(found), Vec::new());
    }
    // An exact match by any name the report gives (a lookup); the probable
    // ones are searched only when there is none.
    let prepared: Vec<crate::person::Name> =
        names.iter().map(|n| crate::person::Name::new(n)).collect();
    let mut exact: Vec<usize> = prepared.iter().flat_map(|n| index.exact(n)).collect();
    exact.sort_unstable();
    exact.dedup();
    let exact: Vec<&Participant> = exact.into_iter().map(|i| &participants[i]).collect();
    match exact.as_slice() {
        [one] => (MatchStatus::Matched, Some(*one), Vec::new()),
        [] => {
            let mut probable: Vec<usize> = prepared
                .iter()
                .flat_map(|n| index.alike(n))
                .filter(|(_, l)| *l == Likeness::Probable)
                .map(|(i, _)| i)
                .collect();
            probable.sort_unstable();
            probable.dedup();
            let probable: Vec<(i64, String)> = probable
                .into_iter()
                .map(|i| described(&participants[i]))
                .collect();
            if probable.is_empty() {
                (MatchStatus::Unmatched, None, Vec::new())
            } else {
                (MatchStatus::Probable, None, probable)
            }
        }
        many => (
            MatchStatus::Ambiguous,
            None,
            many.iter().map(|c| described(c)).collect(),
        ),
    }
}

fn header_kind(h: &str) -> Option<&'static str> {
    let f = fold(h);
    let f = f.as_str();
    const NAME: &[&str] = &[
        "name",
        "name original name",
        "nome nome originale",
        "full name",
        "nome",
        "nome completo",
        "participant name",
        "participant",
        "attendee name",
        "attendee",
        "display name",
        "nome partecipante",
        "partecipante",
        "user name",
        "nome utente",
        "nome e cognome",
        "nominativo",
    ];
    if NAME.contains(&f) {
        return Some("name");
    }
    if matches!(f, "first name" | "nome proprio") {
        return Some("first_name");
    }
    if matches!(f, "last name" | "cognome" | "surname") {
        return Some("last_name");
    }
    if f.contains("email")
        || f.contains("e mail")
        || f == "participant id upn"
        || f == "id partecipante upn"
        || f == "upn"
    {
        return Some("email");
    }
    if matches!(
        f,
        "join time"
            | "first join"
            | "joined"
            | "join"
            | "ora di ingresso"
            | "primo ingresso"
            | "ingresso"
            | "entrata"
            | "ora di entrata"
            | "ora di accesso"
            | "orario di ingresso"
            | "ora di partecipazione"
    ) {
        return Some("join");
    }
    if matches!(
        f,
        "leave time"
            | "last leave"
            | "left"
            | "leave"
            | "ora di uscita"
            | "ultima uscita"
            | "uscita"
            | "orario di uscita"
            | "ora di abbandono"
    ) {
        return Some("leave");
    }
    if f.starts_with("duration")
        || f.starts_with("durata")
        || f.starts_with("time in session")
        || f == "in meeting duration"
        || f.starts_with("attendance duration")
    {
        return Some("duration");
    }
    None
}

fn columns_of(cells: &[String]) -> Columns {
    let mut c = Columns::default();
    for (i, h) in cells.iter().enumerate() {
        let slot = match header_kind(h) {
            Some("name") => &mut c.name,
            Some("first_name") => &mut c.first_name,
            Some("last_name") => &mut c.last_name,
            Some("email") => &mut c.email,
            Some("join") => &mut c.join,
            Some("leave") => &mut c.leave,
            Some("duration") => &mut c.duration,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(i);
        }
    }
    c
}

/// How good a header row is: it needs a name (or first+last) or an e-mail,
/// and join+leave or a duration.
fn header_score(cells: &[String]) -> i32 {
    let c = columns_of(cells);
    let who = c.name.is_some() || (c.first_name.is_some() && c.last_name.is_some());
    let when = (c.join.is_some() && c.leave.is_some()) || c.duration.is_some();
    if !who || !when {
        return 0;
    }
    let mut s = 10;
    if c.join.is_some() && c.leave.is_some() {
        s += 4;
    }
    if c.email.is_some() {
        s += 1;
    }
    if cells.iter().any(|h| {
        matches!(
            fold(h).as_str(),
            "first join" | "last leave" | "primo ingresso" | "ultima uscita"
        )
    }) {
        s -= 3;
    }
    s
}

/// The kinds of section a report has (Microsoft Teams numbers them:
/// «1. Riepilogo», «2. Partecipanti», «3. Attività durante la riunione»).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    Summary,
    Participants,
    Activities,
    /// A file without sections, or a section of another name.
    Table,
}

struct Section {
    kind: SectionKind,
    /// The title as written, without its number.
    title: Option<String>,
    rows: Vec<TableRow>,
}

/// A row that opens a section: one cell, «2. Partecipanti».
fn section_title(r: &TableRow) -> Option<(SectionKind, String)> {
    let mut filled = r.cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty());
    let (Some(text), None) = (filled.next(), filled.next()) else {
        return None;
    };
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let numbered = digits > 0 && text[digits..].starts_with(['.', ')']);
    let title = if numbered {
        text[digits + 1..].trim()
    } else {
        text
    };
    let kind = match fold(title).as_str() {
        "summary" | "riepilogo" | "meeting summary" | "riepilogo della riunione" => {
            SectionKind::Summary
        }
        "participants" | "partecipanti" => SectionKind::Participants,
        "in meeting activities" | "attivita durante la riunione" | "attivita in riunione" => {
            SectionKind::Activities
        }
        _ if numbered => SectionKind::Table,
        _ => return None,
    };
    Some((kind, title.to_string()))
}

fn sections_of(rows: Vec<TableRow>) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for r in rows {
        if let Some((kind, title)) = section_title(&r) {
            out.push(Section {
                kind,
                title: Some(title),
                rows: Vec::new(),
            });
            continue;
        }
        match out.last_mut() {
            Some(s) => s.rows.push(r),
            None => out.push(Section {
                kind: SectionKind::Table,
                title: None,
                rows: vec![r],
            }),
        }
    }
    out
}

/// The report's own facts (the meeting's start, its title): Teams'
/// «Ora di inizio<TAB>…» rows, Zoom's meeting block (a header row and its values).
fn meta_of(rows: &[TableRow], into: &mut HashMap<String, String>) {
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<&str> = r.cells.iter().map(|c| c.trim()).collect();
        let filled = cells.iter().filter(|c| !c.is_empty()).count();
        if filled >= 2 && !cells[0].is_empty() && cells.len() <= 4 {
            let value = cells[1..]
                .iter()
                .filter(|c| !c.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            into.entry(fold(cells[0])).or_insert(value);
        }
        if let Some(next) = rows.get(i + 1) {
            if filled >= 3 && next.cells.len() == r.cells.len() && header_score(&next.cells) == 0 {
                for (k, v) in r.cells.iter().zip(&next.cells) {
                    if !k.trim().is_empty() && !v.trim().is_empty() {
                        into.entry(fold(k)).or_insert_with(|| v.trim().to_string());
                    }
                }
            }
        }
    }
}

const META_START: &[&str] = &[
    "start time",
    "meeting start time",
    "actual start time",
    "ora di inizio",
    "ora inizio",
    "data e ora di inizio",
    "inizio",
    "start date",
    "data di inizio",
    "actual start date time",
];

fn platform_of(headers: &[String], all: &[TableRow]) -> &'static str {
    let joined: String = headers
        .iter()
        .map(|h| fold(h))
        .collect::<Vec<_>>()
        .join("|");
    let head: String = all
        .iter()
        .take(12)
        .flat_map(|r| r.cells.iter())
        .map(|c| fold(c))
        .collect::<Vec<_>>()
        .join("|");
    let sections: Vec<SectionKind> = all
        .iter()
        .filter_map(|r| section_title(r).map(|(k, _)| k))
        .collect();
    if joined.contains("name original name")
        || joined.contains("nome nome originale")
        || head.contains("meeting id") && joined.contains("guest")
    {
        "Zoom"
    } else if sections.contains(&SectionKind::Activities)
        || sections.contains(&SectionKind::Participants) && sections.contains(&SectionKind::Summary)
        || head.contains("summary") && joined.contains("role")
        || joined.contains("participant id upn")
        || joined.contains("id partecipante upn")
    {
        "Microsoft Teams"
    } else if head.contains("webex")
        || joined.contains("invited")
        || joined.contains("registered")
        || joined.contains("connection type")
        || joined.contains("attendee email")
    {
        "Webex"
    } else if joined.contains("time in session")
        || head.contains("attendee report")
        || head.contains("webinar id")
    {
        "GoTo"
    } else {
        "report generico"
    }
}

/// The language of a report's labels, from its words.
fn locale_of(all: &[TableRow]) -> Option<&'static str> {
    const IT: &[&str] = &[
        "nome",
        "cognome",
        "ingresso",
        "uscita",
        "durata",
        "partecipanti",
        "riepilogo",
        "ruolo",
        "ora",
        "inizio",
        "ospite",
        "utente",
    ];
    const EN: &[&str] = &[
        "name",
        "join",
        "leave",
        "duration",
        "participants",
        "summary",
        "role",
        "time",
        "start",
        "guest",
        "user",
        "email",
    ];
    let (mut it, mut en) = (0, 0);
    for r in all
        .iter()
        .filter(|r| header_score(&r.cells) > 0 || section_title(r).is_some())
    {
        for w in r.cells.iter().flat_map(|c| crate::text::query_terms(c)) {
            it += IT.contains(&w.as_str()) as i32;
            en += EN.contains(&w.as_str()) as i32;
        }
    }
    match it.cmp(&en) {
        std::cmp::Ordering::Greater => Some("italiano"),
        std::cmp::Ordering::Less => Some("inglese"),
        std::cmp::Ordering::Equal => None,
    }
}

/// The time of day in a cell ("3/9/2027 10:01:23 AM", "2027-03-09T10:01:23",
/// "09/03/2027 10:01"): the platforms write local time.
pub fn time_of_day(cell: &str) -> Option<NaiveTime> {
    let s = cell.trim();
    let b = s.as_bytes();
    // The first h:mm (or hh:mm) in the text.
    let mut i = 0;
    while i < b.len() {
        if b[i] == b':'
            && i > 0
            && b[i - 1].is_ascii_digit()
            && i + 2 < b.len() + 1
            && b.get(i + 1).is_some_and(u8::is_ascii_digit)
            && b.get(i + 2).is_some_and(u8::is_ascii_digit)
        {
            let start = if i >= 2 && b[i - 2].is_ascii_digit() {
                i - 2
            } else {
                i - 1
            };
            let h: u32 = s[start..i].parse().ok()?;
            let m: u32 = s[i + 1..i + 3].parse().ok()?;
            let mut sec = 0;
            if b.get(i + 3) == Some(&b':')
                && b.get(i + 4).is_some_and(u8::is_ascii_digit)
                && b.get(i + 5).is_some_and(u8::is_ascii_digit)
            {
                sec = s[i + 4..i + 6].parse().ok()?;
            }
            let rest = fold(&s[i + 3..]);
            let mut h = h;
            if rest.split(' ').any(|w| w == "pm") && h < 12 {
                h += 12;
            } else if rest.split(' ').any(|w| w == "am") && h == 12 {
                h = 0;
            }
            return NaiveTime::from_hms_opt(h, m, sec);
        }
        i += 1;
    }
    None
}

/// The dates a cell may mean, the likelier first: "2027-03-09" is one;
/// "03/09/2027 10:00 AM" is read month first (the American clock of Zoom
/// and of Teams in English), "09/03/2027 10:00" or "9/3/27, 10:00:00" day
/// first, the other reading after it; "09.03.2027" only day first.
pub fn dates_of(cell: &str) -> Vec<NaiveDate> {
    let s = cell.trim();
    let Some(start) = s.find(|c: char| c.is_ascii_digit()) else {
        return Vec::new();
    };
    let token: String = s[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '/' | '.' | '-'))
        .collect();
    let sep = token.chars().find(|c| !c.is_ascii_digit());
    let parts: Vec<&str> = match sep {
        Some(sep) => token.split(sep).collect(),
        None => return Vec::new(),
    };
    let [a, b, c] = parts.as_slice() else {
        return Vec::new();
    };
    let num = |x: &str| x.parse::<u32>().ok();
    let (Some(na), Some(nb), Some(nc)) = (num(a), num(b), num(c)) else {
        return Vec::new();
    };
    if a.len() == 4 {
        return NaiveDate::from_ymd_opt(na as i32, nb, nc)
            .into_iter()
            .collect();
    }
    let year = if c.len() <= 2 {
        2000 + nc as i32
    } else {
        nc as i32
    };
    let day_first = NaiveDate::from_ymd_opt(year, nb, na);
    let month_first = NaiveDate::from_ymd_opt(year, na, nb);
    let twelve_hour = fold(s).split(' ').any(|w| w == "am" || w == "pm");
    let ordered = if sep == Some('.') {
        vec![day_first]
    } else if twelve_hour {
        vec![month_first, day_first]
    } else {
        vec![day_first, month_first]
    };
    let mut out: Vec<NaiveDate> = ordered.into_iter().flatten().collect();
    out.dedup();
    out
}

/// The time of a cell in Rome: a time with an offset ("2027-03-09T08:00:00Z",
/// "…+01:00") or marked UTC/GMT is converted; a plain one is local already.
pub fn local_time(cell: &str, date: chrono::NaiveDate) -> Option<NaiveTime> {
    let s = cell.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(super::calendar::utc_to_rome(t.with_timezone(&chrono::Utc)).time());
    }
    let t = time_of_day(s)?;
    let up = s.to_uppercase();
    if up.ends_with('Z') || up.contains("UTC") || up.contains("GMT") {
        let utc = chrono::DateTime::from_naive_utc_and_offset(date.and_time(t), chrono::Utc);
        return Some(super::calendar::utc_to_rome(utc).time());
    }
    Some(t)
}

/// Minutes in a duration cell: "95", "95,5", "1:35:00", "1h 35m", "01:35".
fn duration_minutes(cell: &str) -> Option<i64> {
    let s = cell.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(f) = s.replace(',', ".").parse::<f64>() {
        return Some(f.round() as i64);
    }
    if s.contains(':') {
        let parts: Vec<i64> = s
            .split(':')
            .map(|p| p.trim().parse().ok())
            .collect::<Option<_>>()?;
        return match parts.as_slice() {
            [h, m, sec] => Some(h * 60 + m + (sec + 30) / 60),
            [h, m] => Some(h * 60 + m),
            _ => None,
        };
    }
    // "1h 35m 10s", "1 h 35 min"
    let f = fold(s);
    let mut total = 0f64;
    let mut num = String::new();
    for w in f.split(' ') {
        let (digits, unit): (String, String) = w.chars().partition(|c| c.is_ascii_digit());
        if !digits.is_empty() {
            num = digits;
        }
        if !unit.is_empty() {
            let n: f64 = num.parse().ok()?;
            match unit.chars().next() {
                Some('h') | Some('o') => total += n * 60.0,
                Some('m') => total += n,
                Some('s') => total += n / 60.0,
                _ => return None,
            }
            num.clear();
        }
    }
    Some(total.round() as i64)
}

/// Marks the platforms add to a name: «(Guest)», «(Esterno)», «(Unverified)».
const NAME_MARKS: &[&str] = &[
    "guest",
    "ospite",
    "external",
    "esterno",
    "esterna",
    "unverified",
    "non verificato",
    "non verificata",
    "host",
    "organizzatore",
    "co host",
];

/// A name as a platform shows it: the name, and the other name in brackets
/// (Zoom's «Rossi Anna (Anna Rossì)», its original name); the platforms'
/// marks («(Guest)») dropped.
fn names_of(cell: &str) -> (String, Option<String>) {
    let mut base = cell.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut other = None;
    while base.ends_with(')') {
        let Some(open) = base.rfind(" (") else {
            break;
        };
        let inner = base[open + 2..base.len() - 1].trim().to_string();
        base.truncate(open);
        if !NAME_MARKS.contains(&fold(&inner).as_str()) && other.is_none() && !inner.is_empty() {
            other = Some(inner);
        }
    }
    (base, other)
}

/// One person of one table of the report (all their rows together).
struct Acc {
    name: String,
    other_names: Vec<String>,
    email: Option<String>,
    rows: usize,
    intervals: Vec<(i64, i64)>,
    /// The durations the platform gives, all rows.
    durations: i64,
    has_duration: bool,
    /// The durations of rows without readable times.
    untimed: i64,
}

impl Acc {
    /// Minutes inside the event window, overlaps counted once; or the
    /// platform's own durations where it gives no times (or, `prefer_duration`,
    /// for the first-join/last-leave summary of Teams' participants).
    fn minutes(&self, prefer_duration: bool) -> i64 {
        if prefer_duration && self.has_duration {
            return self.durations;
        }
        let mut iv = self.intervals.clone();
        iv.sort_unstable();
        let mut minutes = 0;
        let mut cur: Option<(i64, i64)> = None;
        for (a, b) in iv {
            cur = match cur {
                Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
                Some((ca, cb)) => {
                    minutes += cb - ca;
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        if let Some((a, b)) = cur {
            minutes += b - a;
        }
        minutes + self.untimed
    }
}

/// A table of the report read: its people, and the first join seen.
struct TableRead {
    people: Vec<Acc>,
    rows: usize,
    first_join: Option<(String, i64)>,
}

/// The event's window in minutes from midnight.
#[derive(Clone, Copy)]
struct Window {
    start: i64,
    end: i64,
}

fn minute_of(t: NaiveTime) -> i64 {
    t.signed_duration_since(NaiveTime::MIN).num_minutes()
}

/// Reads the rows under the best header of `rows` (None: no header).
fn read_table(
    rows: &[TableRow],
    event_date: NaiveDate,
    w: Window,
    skipped: &mut Vec<String>,
) -> Option<(usize, TableRead)> {
    // Each row's score once: it finds the header and ends the table.
    let scores: Vec<i32> = rows.iter().map(|r| header_score(&r.cells)).collect();
    let (_, at) = scores
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i))
        .filter(|(s, _)| *s > 0)
        .max_by_key(|(s, i)| (*s, std::cmp::Reverse(*i)))?;
    let cols = columns_of(&rows[at].cells);
    let cell = |r: &TableRow, c: Option<usize>| {
        c.and_then(|i| r.cells.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut read = TableRead {
        people: Vec::new(),
        rows: 0,
        first_join: None,
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    for (r, score) in rows[at + 1..].iter().zip(&scores[at + 1..]) {
        if *score > 0 {
            break;
        }
        let (mut name, other) = names_of(&cell(r, cols.name));
        if name.is_empty() && (cols.first_name.is_some() || cols.last_name.is_some()) {
            name = format!("{} {}", cell(r, cols.first_name), cell(r, cols.last_name))
                .trim()
                .to_string();
        }
        let email = Some(cell(r, cols.email).to_lowercase()).filter(|e| e.contains('@'));
        if name.is_empty() && email.is_none() {
            skipped.push(format!("riga {}: senza nome né e-mail", r.line));
            continue;
        }
        read.rows += 1;
        let key = email.clone().unwrap_or_else(|| crate::person::key(&name));
        let i = *index.entry(key).or_insert_with(|| {
            read.people.push(Acc {
                name: name.clone(),
                other_names: Vec::new(),
                email: email.clone(),
                rows: 0,
                intervals: Vec::new(),
                durations: 0,
                has_duration: false,
                untimed: 0,
            });
            read.people.len() - 1
        });
        let p = &mut read.people[i];
        if p.name.is_empty() {
            p.name = name.clone();
        }
        if let Some(o) = other.filter(|o| !p.other_names.contains(o) && *o != p.name) {
            p.other_names.push(o);
        }
        p.rows += 1;
        let join_cell = cell(r, cols.join);
        let join = local_time(&join_cell, event_date);
        let leave = local_time(&cell(r, cols.leave), event_date);
        if let Some(j) = join.map(minute_of) {
            if read.first_join.as_ref().is_none_or(|(_, m)| j < *m) {
                read.first_join = Some((join_cell.clone(), j));
            }
        }
        let duration = duration_minutes(&cell(r, cols.duration));
        if let Some(d) = duration {
            p.durations += d;
            p.has_duration = true;
        }
        match (join, leave) {
            (Some(j), Some(l)) => {
                let (a, b) = (minute_of(j).max(w.start), minute_of(l).min(w.end));
                if b > a {
                    p.intervals.push((a, b));
                } else {
                    // Outside the event: an interval of nothing, so that the
                    // platform's duration is not counted instead.
                    p.intervals.push((a, a));
                }
            }
            _ if duration.is_some() => p.untimed += duration.unwrap_or(0),
            // Listed without times (GoTo lists who registered and did not
            // come): kept, with no minutes, and said.
            _ => skipped.push(format!(
                "riga {}: {} senza orari di ingresso e uscita né durata: contati 0 minuti",
                r.line,
                if name.is_empty() {
                    email.clone().unwrap_or_default()
                } else {
                    name.clone()
                }
            )),
        }
    }
    Some((at, read))
}

/// A person of the whole report, with the minutes each section gives.
struct Merged {
    name: String,
    other_names: Vec<String>,
    email: Option<String>,
    rows: usize,
    /// (section index, minutes).
    minutes: Vec<(usize, i64)>,
}

/// What a report says, before matching.
pub struct Analysis {
    pub platform: String,
    pub locale: Option<String>,
    pub described_as: String,
    pub sections: Vec<SectionRead>,
    pub people: Vec<ReportPerson>,
    pub skipped: Vec<String>,
    pub report_date: Option<NaiveDate>,
    pub report_start: Option<NaiveTime>,
}

/// Reads the report and matches it against `participants` (pure: no
/// archive). Refused if the report is of another day than the event.
pub fn analyse(
    bytes: &[u8],
    event_date: NaiveDate,
    event_start: NaiveTime,
    event_end: NaiveTime,
    min_share: i64,
    participants: &[Participant],
) -> Result<Analysis> {
    let (described_as, all) = crate::io::table::read_rows(bytes, false)?;
    let w = Window {
        start: minute_of(event_start),
        end: minute_of(event_end),
    };
    let length = (w.end - w.start).max(1);
    let sections = sections_of(all.clone());
    let mut meta: HashMap<String, String> = HashMap::new();
    let mut skipped = Vec::new();
    let mut tables: Vec<(usize, TableRead)> = Vec::new();
    let mut headers: Vec<String> = Vec::new();
    for (i, sec) in sections.iter().enumerate() {
        if sec.kind == SectionKind::Summary {
            meta_of(&sec.rows, &mut meta);
            continue;
        }
        if let Some((at, t)) = read_table(&sec.rows, event_date, w, &mut skipped) {
            meta_of(&sec.rows[..at], &mut meta);
            if headers.is_empty() || sec.kind == SectionKind::Participants {
                headers = sec.rows[at].cells.clone();
            }
            tables.push((i, t));
        }
    }
    if tables.is_empty() {
        return Err(Error::validation(
            "file",
            "Non è un rapporto delle presenze riconoscibile: servono le colonne del nome (o e-mail) e degli orari di ingresso e uscita o della durata. Esportare dalla piattaforma il «report dei partecipanti» in CSV.",
        ));
    }
    let platform = platform_of(&headers, &all).to_string();
    let locale = locale_of(&all).map(str::to_string);

    // The report's day and start: its own summary, else the first join.
    let meta_start = META_START.iter().find_map(|k| meta.get(*k)).cloned();
    let first_join = tables
        .iter()
        .filter_map(|(_, t)| t.first_join.clone())
        .min_by_key(|(_, m)| *m);
    let day_cell = meta_start
        .clone()
        .filter(|c| !dates_of(c).is_empty())
        .or_else(|| first_join.clone().map(|(c, _)| c));
    let report_date = day_cell.as_deref().and_then(|c| {
        let readings = dates_of(c);
        if readings.contains(&event_date) {
            Some(event_date)
        } else {
            readings.first().copied()
        }
    });
    if let Some(d) = report_date.filter(|d| *d != event_date) {
        return Err(Error::validation(
            "file",
            format!(
                "Il rapporto è della riunione del {}, ma l'evento è del {}: scegliere il rapporto di quel giorno (o l'evento giusto). Nulla è stato importato.",
                d.format("%d/%m/%Y"),
                event_date.format("%d/%m/%Y")
            ),
        ));
    }
    let report_start = meta_start
        .as_deref()
        .and_then(|c| local_time(c, event_date))
        .or_else(|| {
            first_join
                .as_ref()
                .and_then(|(_, m)| NaiveTime::from_hms_opt((*m / 60) as u32, (*m % 60) as u32, 0))
        });

    // Every person of every table, merged by e-mail or by name.
    let mut merged: Vec<Merged> = Vec::new();
    let mut first_by_email: HashMap<String, usize> = HashMap::new();
    let mut first_by_key: HashMap<String, usize> = HashMap::new();
    let mut read_sections = Vec::new();
    for (si, t) in &tables {
        let kind = sections[*si].kind;
        let prefer_duration = kind == SectionKind::Participants;
        read_sections.push(SectionRead {
            title: sections[*si]
                .title
                .clone()
                .unwrap_or_else(|| "tabella".to_string()),
            people: t.people.len(),
            rows: t.rows,
        });
        for a in &t.people {
            // The first person already read with the same e-mail or the same
            // name (the rule's key); each map keeps the lowest position.
            let key = crate::person::key(&a.name);
            let by_mail = a
                .email
                .as_ref()
                .and_then(|e| first_by_email.get(e).copied());
            let by_name = (!key.is_empty())
                .then(|| first_by_key.get(&key).copied())
                .flatten();
            let found = match (by_mail, by_name) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
            let i = match found {
                Some(i) => i,
                None => {
                    merged.push(Merged {
                        name: a.name.clone(),
                        other_names: Vec::new(),
                        email: a.email.clone(),
                        rows: 0,
                        minutes: Vec::new(),
                    });
                    let i = merged.len() - 1;
                    if !key.is_empty() {
                        first_by_key.entry(key).or_insert(i);
                    }
                    i
                }
            };
            let m = &mut merged[i];
            if m.email.is_none() {
                m.email = a.email.clone();
            }
            if let Some(e) = &m.email {
                let at = first_by_email.entry(e.clone()).or_insert(i);
                *at = (*at).min(i);
            }
            for o in &a.other_names {
                if !m.other_names.contains(o) {
                    m.other_names.push(o.clone());
                }
            }
            if kind == SectionKind::Activities || m.rows == 0 {
                m.rows = a.rows;
            }
            m.minutes
                .push((*si, a.minutes(prefer_duration).min(length)));
        }
    }

    let index = crate::person::Index::new(participants.iter().map(|p| p.full_name.as_str()));
    let mut by_email: HashMap<String, &Participant> = HashMap::new();
    for p in participants {
        if let Some(e) = &p.email {
            by_email.insert(e.to_lowercase(), p);
        }
    }
    let title = |si: usize| {
        sections[si]
            .title
            .clone()
            .unwrap_or_else(|| "tabella".to_string())
    };
    let activities = tables
        .iter()
        .find(|(si, _)| sections[*si].kind == SectionKind::Activities)
        .map(|(si, _)| *si);
    let listing = tables
        .iter()
        .find(|(si, _)| sections[*si].kind == SectionKind::Participants)
        .map(|(si, _)| *si);
    let mut out = Vec::with_capacity(merged.len());
    for m in merged {
        let of = |si: Option<usize>| {
            si.and_then(|si| m.minutes.iter().find(|(s, _)| *s == si).map(|(_, v)| *v))
        };
        let (act, par) = (of(activities), of(listing));
        let minutes = act
            .or(par)
            .unwrap_or_else(|| m.minutes.iter().map(|(_, v)| *v).max().unwrap_or(0));
        let disagreement = match (activities, listing, act, par) {
            (Some(a), Some(l), Some(x), Some(y)) if (x - y).abs() > 1 => Some(format!(
                "«{}»: {x} minuti; «{}»: {y} minuti. Contati i minuti di «{}».",
                title(a),
                title(l),
                title(a)
            )),
            (Some(a), Some(l), None, Some(_)) => Some(format!(
                "Non compare in «{}»: contati i minuti di «{}».",
                title(a),
                title(l)
            )),
            (Some(a), Some(l), Some(_), None) => Some(format!(
                "Non compare in «{}»: contati i minuti di «{}».",
                title(l),
                title(a)
            )),
            _ => None,
        };
        let share = minutes * 100 / length;
        let key = m
            .email
            .clone()
            .unwrap_or_else(|| crate::person::key(&m.name));
        let mut names = vec![m.name.as_str()];
        names.extend(m.other_names.iter().map(String::as_str));
        let (status, participant, candidates) = match_person(
            m.email.as_deref().and_then(|e| by_email.get(e).copied()),
            &names,
            participants,
            &index,
        );
        out.push(ReportPerson {
            key,
            name: m.name.clone(),
            email: m.email.clone(),
            rows: m.rows,
            minutes,
            share,
            present: minutes * 100 >= min_share * length,
            status,
            participant_id: participant.map(|x| x.id),
            participant_name: participant.map(|x| x.full_name.clone()),
            candidates,
            other_names: m.other_names.clone(),
            disagreement,
        });
    }
    out.sort_by_cached_key(|p| fold(&p.name));
    Ok(Analysis {
        platform,
        locale,
        described_as,
        sections: read_sections,
        people: out,
        skipped,
        report_date,
        report_start,
    })
}

impl Store {
    /// The dry run: what the report says and whom it matches. Nothing is written.
    pub fn preview_attendance_import(
        &self,
        event_id: i64,
        bytes: &[u8],
    ) -> Result<AttendancePreview> {
        let e = self.held_event(event_id)?;
        let (Some(s), Some(t)) = (hm(&e.start_time), hm(&e.end_time)) else {
            return Err(Error::Database("orari dell'evento non validi".into()));
        };
        let min_share = training_settings(&self.conn)?.min_share;
        let participants = all_participants(&self.conn)?;
        let date = chrono::NaiveDate::parse_from_str(&e.date, "%Y-%m-%d")
            .map_err(|_| Error::Database("data dell'evento non valida".into()))?;
        let a = analyse(bytes, date, s, t, min_share, &participants)?;
        let time_warning = a.report_start.and_then(|r| {
            let off = (minute_of(r) - minute_of(s)).abs();
            (off > 60).then(|| {
                format!(
                    "Il rapporto inizia alle {}, l'evento alle {}: più di un'ora di differenza. Controllare che sia il rapporto di questo evento; i minuti sono contati solo dentro l'orario dell'evento. Per importarlo, confermare.",
                    r.format("%H:%M"),
                    s.format("%H:%M")
                )
            })
        });
        let people = a.people;
        let n = |st: MatchStatus| people.iter().filter(|p| p.status == st).count();
        let source = match &a.locale {
            Some(l) => format!("{}, {l}", a.platform),
            None => a.platform.clone(),
        };
        Ok(AttendancePreview {
            event_id,
            platform: a.platform,
            locale: a.locale,
            source,
            described_as: a.described_as,
            sections: a.sections,
            report_date: a.report_date.map(|d| d.to_string()),
            report_start: a.report_start.map(|t| t.format("%H:%M").to_string()),
            time_warning,
            min_share,
            event_minutes: event_minutes(&e),
            matched: n(MatchStatus::Matched),
            unmatched: n(MatchStatus::Unmatched),
            ambiguous: n(MatchStatus::Ambiguous),
            probable: n(MatchStatus::Probable),
            people,
            skipped: a.skipped,
        })
    }

    /// Records the report's attendance: the matched people and those the
    /// user resolved; one action with its audit row. A report whose start
    /// is more than an hour from the event's needs `confirm_time`.
    pub fn apply_attendance_import(
        &mut self,
        event_id: i64,
        bytes: &[u8],
        file_name: &str,
        resolutions: &[Resolution],
        confirm_time: bool,
    ) -> Result<AttendanceApplied> {
        let preview = self.preview_attendance_import(event_id, bytes)?;
        if let Some(w) = preview.time_warning.as_ref().filter(|_| !confirm_time) {
            return Err(Error::validation("confirm_time", w.clone()));
        }
        let e = get_event(&self.conn, event_id)?;
        if e.state == "annullato" {
            return Err(Error::conflict(
                "L'evento è annullato: non si registrano presenze.",
                None,
            ));
        }
        let by_key: HashMap<&str, &Resolution> = resolutions.iter().map(|r| (r.key(), r)).collect();
        let source = preview.source.clone();
        self.action(|tx, op| {
            let mut applied = AttendanceApplied { recorded: 0, present: 0, created: 0, skipped: 0 };
            let now = crate::db::version::now_utc();
            for p in &preview.people {
                let pid = match (p.participant_id, by_key.get(p.key.as_str())) {
                    (_, Some(Resolution::Skip { .. })) => None,
                    (_, Some(Resolution::Match { participant_id, .. })) => {
                        super::participants::get_participant(tx, *participant_id)?;
                        Some(*participant_id)
                    }
                    (_, Some(Resolution::Create { istat, ente, .. })) => {
                        let inp = ParticipantInput {
                            full_name: p.name.clone(),
                            istat: istat.clone(),
                            ente: ente.clone(),
                            role: None,
                            email: p.email.clone(),
                            version: None,
                        };
                        applied.created += 1;
                        Some(insert_participant(tx, op, &inp, None)?.id)
                    }
                    (Some(id), None) => Some(id),
                    (None, None) => None,
                };
                let Some(pid) = pid else {
                    applied.skipped += 1;
                    continue;
                };
                tx.execute(
                    "INSERT OR IGNORE INTO training_enrolment (event_id, participant_id, created_at) VALUES (?1, ?2, ?3)",
                    params![event_id, pid, now],
                )?;
                tx.execute(
                    "INSERT INTO training_attendance (event_id, participant_id, present, minutes, source, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(event_id, participant_id) DO UPDATE SET present = excluded.present,
                        minutes = excluded.minutes, source = excluded.source, updated_at = excluded.updated_at",
                    params![event_id, pid, p.present, p.minutes, source, now],
                )?;
                applied.recorded += 1;
                if p.present {
                    applied.present += 1;
                }
            }
            audit::record(tx, op, "import_attendance", "training_event", &event_id.to_string(), None,
                Some(&serde_json::json!({ "file": crate::io::table::file_label(file_name), "platform": source, "recorded": applied.recorded, "present": applied.present, "created": applied.created, "skipped": applied.skipped })))?;
            Ok(applied)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day() {
        let t = |h, m, s| NaiveTime::from_hms_opt(h, m, s);
        assert_eq!(time_of_day("03/09/2027 10:01:23 AM"), t(10, 1, 23));
        assert_eq!(time_of_day("3/9/27, 1:05:00 PM"), t(13, 5, 0));
        assert_eq!(time_of_day("2027-03-09T09:58:00"), t(9, 58, 0));
        assert_eq!(time_of_day("09/03/2027 12:00"), t(12, 0, 0));
        assert_eq!(time_of_day("12:10 AM"), t(0, 10, 0));
        assert_eq!(time_of_day(""), None);
        let d = chrono::NaiveDate::from_ymd_opt(2027, 3, 9).unwrap();
        assert_eq!(local_time("2027-03-09T09:05:00Z", d), t(10, 5, 0));
        assert_eq!(local_time("2027-03-09 09:05:00 UTC", d), t(10, 5, 0));
        assert_eq!(local_time("2027-03-09T10:05:00+01:00", d), t(10, 5, 0));
        let summer = chrono::NaiveDate::from_ymd_opt(2027, 6, 9).unwrap();
        assert_eq!(local_time("09/06/2027 08:05 GMT", summer), t(10, 5, 0));
        assert_eq!(local_time("09/06/2027 10:05", summer), t(10, 5, 0));
        assert_eq!(duration_minutes("1:35:00"), Some(95));
        assert_eq!(duration_minutes("1h 35m"), Some(95));
        assert_eq!(duration_minutes("95"), Some(95));
    }
}
