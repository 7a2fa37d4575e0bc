//! Import of a webinar platform's attendance report (Zoom, Microsoft Teams,
//! Webex, GoTo): the columns are recognised by their names; a person who
//! joined and left several times gets the union of their intervals inside
//! the event (overlaps counted once); people are matched to participants by
//! e-mail, then by name ignoring case and accents. A dry run shows matched,
//! unmatched and ambiguous people; the apply takes the user's resolutions.

use std::collections::HashMap;

use chrono::NaiveTime;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::participants::{all_participants, insert_participant, Participant, ParticipantInput};
use super::{event_minutes, get_event, hm, training_settings};
use crate::error::{Error, Result};
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
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttendancePreview {
    pub event_id: i64,
    /// "Zoom", "Microsoft Teams", "Webex", "GoTo" or "report generico".
    pub platform: String,
    pub described_as: String,
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

fn header_kind(h: &str) -> Option<&'static str> {
    let f = fold(h);
    let f = f.as_str();
    const NAME: &[&str] = &[
        "name",
        "name original name",
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
    if f.contains("email") || f.contains("e mail") || f == "participant id upn" || f == "upn" {
        return Some("email");
    }
    if matches!(
        f,
        "join time"
            | "first join"
            | "joined"
            | "join"
            | "ora di ingresso"
            | "ingresso"
            | "entrata"
            | "ora di entrata"
            | "ora di accesso"
            | "orario di ingresso"
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
            | "uscita"
            | "orario di uscita"
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
/// and join+leave or a duration; per-join tables beat summaries.
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
    if cells
        .iter()
        .any(|h| matches!(fold(h).as_str(), "first join" | "last leave"))
    {
        s -= 3;
    }
    s
}

fn platform_of(headers: &[String], all: &[crate::io::table::TableRow]) -> &'static str {
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
    if joined.contains("name original name")
        || head.contains("meeting id") && joined.contains("guest")
    {
        "Zoom"
    } else if head.contains("in meeting activities")
        || head.contains("summary") && joined.contains("role")
        || joined.contains("participant id upn")
    {
        "Microsoft Teams"
    } else if joined.contains("time in session") || joined.contains("attendance duration") {
        "GoTo"
    } else if head.contains("webex") || joined.contains("invited") || joined.contains("registered")
    {
        "Webex"
    } else {
        "report generico"
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

/// A name as shown by Zoom "Mario Rossi (Mario)": the part before the brackets.
fn clean_name(s: &str) -> String {
    let base = match s.find(" (") {
        Some(i) if s.ends_with(')') => &s[..i],
        _ => s,
    };
    base.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Person {
    name: String,
    email: Option<String>,
    rows: usize,
    intervals: Vec<(i64, i64)>,
    durations: i64,
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
) -> (MatchStatus, Option<&'a Participant>, Vec<(i64, String)>) {
    if let Some(found) = by_email {
        return (MatchStatus::Matched, Some(found), Vec::new());
    }
    let likeness = |c: &Participant| {
        names
            .iter()
            .map(|n| crate::person::compare(n, &c.full_name))
            .max()
            .unwrap_or(Likeness::Different)
    };
    let exact: Vec<&Participant> = participants
        .iter()
        .filter(|c| likeness(c) == Likeness::Exact)
        .collect();
    match exact.as_slice() {
        [one] => (MatchStatus::Matched, Some(*one), Vec::new()),
        [] => {
            let probable: Vec<(i64, String)> = participants
                .iter()
                .filter(|c| likeness(c) == Likeness::Probable)
                .map(described)
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

/// Reads the report and matches it against `participants` (pure: no archive).
pub fn analyse(
    bytes: &[u8],
    event_date: chrono::NaiveDate,
    event_start: NaiveTime,
    event_end: NaiveTime,
    min_share: i64,
    participants: &[Participant],
) -> Result<(String, String, Vec<ReportPerson>, Vec<String>)> {
    // Teams writes UTF-16 with a BOM.
    let converted;
    let bytes = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        converted = String::from_utf16_lossy(&units).into_bytes();
        &converted[..]
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        converted = String::from_utf16_lossy(&units).into_bytes();
        &converted[..]
    } else {
        bytes
    };
    let table = crate::io::table::read_bytes(bytes, false, &|_| false)?;
    let mut all = Vec::with_capacity(table.rows.len() + 1);
    all.push(crate::io::table::TableRow {
        line: 0,
        cells: table.headers.clone(),
    });
    all.extend(table.rows.iter().cloned());
    let best = all
        .iter()
        .enumerate()
        .map(|(i, r)| (header_score(&r.cells), i))
        .filter(|(s, _)| *s > 0)
        .max_by_key(|(s, i)| (*s, std::cmp::Reverse(*i)));
    let Some((_, at)) = best else {
        return Err(Error::validation(
            "file",
            "Non è un rapporto delle presenze riconoscibile: servono le colonne del nome (o e-mail) e degli orari di ingresso e uscita o della durata. Esportare dalla piattaforma il «report dei partecipanti» in CSV.",
        ));
    };
    let headers = all[at].cells.clone();
    let cols = columns_of(&headers);
    let platform = platform_of(&headers, &all).to_string();
    let start = event_start
        .signed_duration_since(NaiveTime::MIN)
        .num_minutes();
    let end = event_end
        .signed_duration_since(NaiveTime::MIN)
        .num_minutes();
    let length = (end - start).max(1);
    let cell = |r: &crate::io::table::TableRow, c: Option<usize>| {
        c.and_then(|i| r.cells.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };

    let mut people: Vec<Person> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut skipped = Vec::new();
    for r in &all[at + 1..] {
        // A new section of the file (Teams: "3. In-Meeting Activities") ends the table.
        let filled = r.cells.iter().filter(|c| !c.trim().is_empty()).count();
        if filled == 1 && r.cells.len() <= 2 {
            break;
        }
        if header_score(&r.cells) > 0 {
            break;
        }
        let mut name = clean_name(&cell(r, cols.name));
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
        let key = email.clone().unwrap_or_else(|| fold(&name));
        let i = *index.entry(key).or_insert_with(|| {
            people.push(Person {
                name: name.clone(),
                email: email.clone(),
                rows: 0,
                intervals: Vec::new(),
                durations: 0,
            });
            people.len() - 1
        });
        let p = &mut people[i];
        if p.name.is_empty() {
            p.name = name.clone();
        }
        p.rows += 1;
        let join = local_time(&cell(r, cols.join), event_date);
        let leave = local_time(&cell(r, cols.leave), event_date);
        match (join, leave) {
            (Some(j), Some(l)) => {
                let j = j.signed_duration_since(NaiveTime::MIN).num_minutes();
                let l = l.signed_duration_since(NaiveTime::MIN).num_minutes();
                let (a, b) = (j.max(start), l.min(end));
                if b > a {
                    p.intervals.push((a, b));
                }
            }
            _ => match duration_minutes(&cell(r, cols.duration)) {
                Some(d) => p.durations += d,
                None => skipped.push(format!(
                    "riga {}: orari di ingresso e uscita non leggibili",
                    r.line
                )),
            },
        }
    }

    // Participants by e-mail; names by the one person-matching rule.
    let mut by_email: HashMap<String, &Participant> = HashMap::new();
    for p in participants {
        if let Some(e) = &p.email {
            by_email.insert(e.to_lowercase(), p);
        }
    }
    let mut out = Vec::with_capacity(people.len());
    for p in people {
        let mut iv = p.intervals;
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
        minutes = (minutes + p.durations).min(length);
        let share = minutes * 100 / length;
        let key = p.email.clone().unwrap_or_else(|| fold(&p.name));
        let (status, participant, candidates) = match_person(
            p.email.as_deref().and_then(|e| by_email.get(e).copied()),
            &[p.name.as_str()],
            participants,
        );
        out.push(ReportPerson {
            key,
            name: p.name,
            email: p.email,
            rows: p.rows,
            minutes,
            share,
            present: minutes * 100 >= min_share * length,
            status,
            participant_id: participant.map(|x| x.id),
            participant_name: participant.map(|x| x.full_name.clone()),
            candidates,
        });
    }
    out.sort_by_cached_key(|p| fold(&p.name));
    Ok((platform, table.described_as, out, skipped))
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
        let (platform, described_as, people, skipped) =
            analyse(bytes, date, s, t, min_share, &participants)?;
        let n = |st: MatchStatus| people.iter().filter(|p| p.status == st).count();
        Ok(AttendancePreview {
            event_id,
            platform,
            described_as,
            min_share,
            event_minutes: event_minutes(&e),
            matched: n(MatchStatus::Matched),
            unmatched: n(MatchStatus::Unmatched),
            ambiguous: n(MatchStatus::Ambiguous),
            probable: n(MatchStatus::Probable),
            people,
            skipped,
        })
    }

    /// Records the report's attendance: the matched people and those the
    /// user resolved; one action with its audit row.
    pub fn apply_attendance_import(
        &mut self,
        event_id: i64,
        bytes: &[u8],
        file_name: &str,
        resolutions: &[Resolution],
    ) -> Result<AttendanceApplied> {
        let preview = self.preview_attendance_import(event_id, bytes)?;
        let e = get_event(&self.conn, event_id)?;
        if e.state == "annullato" {
            return Err(Error::conflict(
                "L'evento è annullato: non si registrano presenze.",
                None,
            ));
        }
        let by_key: HashMap<&str, &Resolution> = resolutions.iter().map(|r| (r.key(), r)).collect();
        let source = preview.platform.clone();
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
