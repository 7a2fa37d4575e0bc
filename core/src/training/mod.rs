//! Training and meetings: one event model for every date of the network's
//! calendar (giornate formative in webinar, in presenza or miste, incontri
//! RPCT, incontri decentrati di zona, tavoli tematici), theme areas as data,
//! series that create real events, overlaps flagged (never refused), the
//! calendar as iCalendar. An event with attendance is cancelled, never deleted.

pub mod attendance;
pub mod attestati;
pub mod attestati_batch;
pub mod attestati_pdf;
pub mod calendar;
pub mod documents;
pub mod files;
pub mod hours;
pub mod ics;
pub mod participants;
pub mod series;
pub mod survey;

/// The training duty of L. 190/2012 as the documents cite it (comma 8: the
/// plan; comma 10, lett. c): the RPCT selects the staff to be trained).
pub const LAW_190_TRAINING: &str =
    "art. 1, commi 8 e 10, lett. c), della legge 6 novembre 2012, n. 190";

use chrono::{NaiveDate, NaiveTime, Timelike};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::version::check_version;
use crate::error::{Error, Result};
use crate::{audit, Store};

pub use calendar::Occurrence;
pub use series::{Frequency, SeriesDate};

/// This domain's part of the archive. Events, participants, attendance, attestati, surveys.
pub(crate) const DOMAIN: crate::db::Domain<crate::Store> = crate::db::Domain {
    name: "training",
    migrations: &[
        crate::db::Migration {
            number: 8,
            name: "0008_training",
            sql: include_str!("../../migrations/0008_training.sql"),
        },
        crate::db::Migration {
            number: 14,
            name: "0014_training_repeated_hour",
            sql: include_str!("../../migrations/0014_training_repeated_hour.sql"),
        },
    ],
    seed: None,
};

/// The kinds of event, as stored and as shown.
pub const KINDS: &[(&str, &str)] = &[
    ("giornata", "Giornata formativa"),
    ("incontro_rpct", "Incontro RPCT"),
    ("incontro_zona", "Incontro decentrato di zona"),
    ("tavolo", "Tavolo tematico"),
];
pub const MODES: &[(&str, &str)] = &[
    ("webinar", "Webinar"),
    ("presenza", "In presenza"),
    ("mista", "Mista"),
];
pub const STATES: &[(&str, &str)] = &[
    ("programmato", "Programmato"),
    ("confermato", "Confermato"),
    ("annullato", "Annullato"),
    ("svolto", "Svolto"),
];
pub const LEVELS: &[(&str, &str)] = &[("generale", "Generale"), ("specifico", "Specifico")];
pub const AUDIENCES: &[(&str, &str)] = &[
    ("rpct", "RPCT"),
    ("dipendenti", "Dipendenti"),
    ("amministratori", "Amministratori"),
];

pub(crate) fn label(table: &[(&str, &'static str)], key: &str) -> &'static str {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Theme {
    pub id: i64,
    pub name: String,
    /// Events that use it (a theme in use cannot be deleted).
    pub events: i64,
}

/// One event as the UI and the documents see it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "specta", serde(rename = "TrainingEvent"))]
pub struct Event {
    pub id: i64,
    pub uid: String,
    pub sequence: i64,
    pub series_id: Option<i64>,
    pub kind: String,
    pub kind_label: String,
    pub mode: String,
    pub mode_label: String,
    pub title: String,
    pub theme_id: Option<i64>,
    pub theme: Option<String>,
    /// ISO date.
    pub date: String,
    /// HH:MM, Europe/Rome.
    pub start_time: String,
    pub end_time: String,
    /// For a time of the hour that comes twice (the night summer time
    /// ends): which of the two it is.
    pub start_repeat: Option<Occurrence>,
    pub end_repeat: Option<Occurrence>,
    pub place: Option<String>,
    pub link: Option<String>,
    pub speakers: Option<String>,
    pub credit_minutes: i64,
    /// The hours credited as typed in Italian ("2,5").
    pub hours: String,
    pub level: Option<String>,
    pub audience: Vec<String>,
    pub zone_id: Option<i64>,
    pub zone: Option<String>,
    pub seats: Option<i64>,
    pub state: String,
    pub state_label: String,
    pub notes: Option<String>,
    /// Attendance rows recorded (an event with any can only be cancelled).
    pub attendance: i64,
    pub updated_at: String,
    /// What to look at: overlaps with other events, a Sunday, a holiday.
    pub warnings: Vec<String>,
}

/// What the event form sends. Times are HH:MM (Europe/Rome); `hours` and
/// `seats` are typed text, checked here.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventInput {
    pub kind: String,
    pub mode: String,
    pub title: String,
    pub theme_id: Option<i64>,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    /// A time of the hour that comes twice (02:00–02:59 of the last Sunday
    /// of October) must say which of the two it is; any other time, none.
    #[serde(default)]
    pub start_repeat: Option<Occurrence>,
    #[serde(default)]
    pub end_repeat: Option<Occurrence>,
    pub place: Option<String>,
    pub link: Option<String>,
    pub speakers: Option<String>,
    /// Hours credited ("3", "2,5", "2:30"); empty: the length of the event.
    pub hours: Option<String>,
    pub level: Option<String>,
    #[serde(default)]
    pub audience: Vec<String>,
    pub zone_id: Option<i64>,
    pub seats: Option<String>,
    /// Empty: "programmato".
    #[serde(default)]
    pub state: String,
    pub notes: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// A filter of the calendar.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventQuery {
    /// ISO dates, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: Option<String>,
    pub theme_id: Option<i64>,
    pub zone_id: Option<i64>,
    pub state: Option<String>,
}

/// The result of creating a series.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SeriesResult {
    pub series_id: i64,
    pub events: Vec<Event>,
    /// The notes of the dates (a 31st in a short month, a holiday).
    pub notes: Vec<String>,
}

struct Checked {
    kind: String,
    mode: String,
    title: String,
    theme_id: Option<i64>,
    date: NaiveDate,
    start: NaiveTime,
    end: NaiveTime,
    start_repeat: Option<Occurrence>,
    end_repeat: Option<Occurrence>,
    place: Option<String>,
    link: Option<String>,
    speakers: Option<String>,
    credit_minutes: i64,
    level: Option<String>,
    audience: String,
    zone_id: Option<i64>,
    seats: Option<i64>,
    state: String,
    notes: Option<String>,
}

/// A time as typed: "9", "9:30", "09.30", "930" is refused.
pub fn parse_time(field: &str, label: &str, value: &str) -> Result<NaiveTime> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::validation(
            field,
            format!("{label}: campo obbligatorio (ad esempio 09:30)."),
        ));
    }
    let bad = || {
        Error::validation(
            field,
            format!(
                "{label}: «{v}» non è un orario valido (scrivere ore:minuti, ad esempio 09:30)."
            ),
        )
    };
    let (h, m) = match v.split_once([':', '.']) {
        Some((h, m)) => (h.trim(), m.trim()),
        None => (v, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.is_empty() || m.len() > 2 {
        return Err(bad());
    }
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

/// Hours as typed: "3", "2,5", "2.5", "2:30" → minutes.
pub fn parse_hours(field: &str, value: &str) -> Result<i64> {
    let v = value.trim();
    let bad = || {
        Error::validation(
            field,
            format!("Ore riconosciute: «{v}» non è un numero di ore valido (ad esempio 3, 2,5 oppure 2:30)."),
        )
    };
    let minutes = if let Some((h, m)) = v.split_once(':') {
        let h: i64 = h.trim().parse().map_err(|_| bad())?;
        let m: i64 = m.trim().parse().map_err(|_| bad())?;
        if !(0..60).contains(&m) {
            return Err(bad());
        }
        // A typed number of any size: too many hours, never an overflow.
        h.checked_mul(60)
            .and_then(|x| x.checked_add(m))
            .unwrap_or(i64::MAX)
    } else {
        let f: f64 = v.replace(',', ".").parse().map_err(|_| bad())?;
        if !f.is_finite() {
            return Err(bad());
        }
        (f * 60.0).round() as i64
    };
    if !(0..=24 * 60).contains(&minutes) {
        return Err(Error::validation(
            field,
            "Ore riconosciute: indicare da 0 a 24 ore per evento.",
        ));
    }
    Ok(minutes)
}

/// Minutes as Italian hours: 150 → "2,5", 140 → "2,33", 120 → "2".
pub fn hours_text(minutes: i64) -> String {
    let h = minutes as f64 / 60.0;
    let s = format!("{h:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

fn check_choice(field: &str, label: &str, table: &[(&str, &str)], value: &str) -> Result<String> {
    if table.iter().any(|(k, _)| *k == value) {
        Ok(value.to_string())
    } else {
        let list: Vec<&str> = table.iter().map(|(_, l)| *l).collect();
        Err(Error::validation(
            field,
            format!("{label}: scegliere tra {}.", list.join(", ")),
        ))
    }
}

/// The times of an event on `date`, as entered: each one a time that
/// exists in Rome that day (one in the hour skipped when summer time starts
/// is refused, naming the night; one in the hour that comes twice when it
/// ends needs its choice), the end after the start on the clock and in real
/// time. Returns the choices kept and the length in minutes.
pub(crate) fn check_times(
    date: NaiveDate,
    start: NaiveTime,
    end: NaiveTime,
    start_repeat: Option<Occurrence>,
    end_repeat: Option<Occurrence>,
) -> Result<(Option<Occurrence>, Option<Occurrence>, i64)> {
    let start_repeat = calendar::check_local_time(
        "start_time",
        "start_repeat",
        "Ora di inizio",
        date,
        start,
        start_repeat,
    )?;
    let end_repeat = calendar::check_local_time(
        "end_time",
        "end_repeat",
        "Ora di fine",
        date,
        end,
        end_repeat,
    )?;
    let from = calendar::rome_instant(date, start, start_repeat);
    let to = calendar::rome_instant(date, end, end_repeat);
    if end <= start || to <= from {
        return Err(Error::validation(
            "end_time",
            format!(
                "Ora di fine: deve essere successiva all'ora di inizio ({}{}).",
                start.format("%H:%M"),
                match start_repeat {
                    Some(o) => format!(", {}", o.label()),
                    None => String::new(),
                }
            ),
        ));
    }
    Ok((start_repeat, end_repeat, (to - from).num_minutes()))
}

fn check_input(conn: &Connection, inp: &EventInput, today: NaiveDate) -> Result<Checked> {
    use crate::text::{optional, Rule};
    let title = crate::text::required("title", "Titolo", &inp.title, Rule::line(200))?;
    let kind = check_choice("kind", "Tipo di evento", KINDS, &inp.kind)?;
    let mode = check_choice("mode", "Modalità", MODES, &inp.mode)?;
    if let Some(t) = inp.theme_id {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM training_theme WHERE id = ?1)",
            [t],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(Error::validation(
                "theme_id",
                "Area tematica: l'area scelta non esiste più; sceglierne un'altra.",
            ));
        }
    }
    if inp.date.trim().is_empty() {
        return Err(Error::validation("date", "Data: campo obbligatorio."));
    }
    let date = crate::validate::date("date", "Data", &inp.date)?;
    let start = parse_time("start_time", "Ora di inizio", &inp.start_time)?;
    let end = parse_time("end_time", "Ora di fine", &inp.end_time)?;
    let (start_repeat, end_repeat, length) =
        check_times(date, start, end, inp.start_repeat, inp.end_repeat)?;
    let place = optional("place", "Luogo", &inp.place, Rule::lines(300))?;
    let link = optional("link", "Collegamento", &inp.link, Rule::line(500))?;
    let speakers = optional("speakers", "Relatori", &inp.speakers, Rule::lines(1000))?;
    let notes = optional("notes", "Note", &inp.notes, Rule::NOTE)?;
    if mode != "webinar" && place.is_none() {
        return Err(Error::validation(
            "place",
            "Luogo: indicare l'indirizzo della sede per un evento in presenza o misto.",
        ));
    }
    if let Some(l) = &link {
        let ok = url::Url::parse(l).ok().is_some_and(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| h.contains('.'))
        });
        if !ok {
            return Err(Error::validation(
                "link",
                format!("Collegamento: «{l}» non è un indirizzo valido (esempio: https://meet.esempio.it/abc)."),
            ));
        }
    }
    let credit_minutes = match optional("hours", "Ore riconosciute", &inp.hours, Rule::CODE)? {
        Some(h) => parse_hours("hours", &h)?,
        None => length,
    };
    let level = match optional("level", "Livello", &inp.level, Rule::CODE)? {
        Some(l) => Some(check_choice("level", "Livello", LEVELS, &l)?),
        None => None,
    };
    let mut audience = Vec::new();
    for a in &inp.audience {
        let a = check_choice("audience", "Destinatari", AUDIENCES, a)?;
        if !audience.contains(&a) {
            audience.push(a);
        }
    }
    audience.sort_by_key(|a| AUDIENCES.iter().position(|(k, _)| k == a));
    if kind == "incontro_zona" && inp.zone_id.is_none() {
        return Err(Error::validation(
            "zone_id",
            "Zona: indicare la zona omogenea dell'incontro decentrato.",
        ));
    }
    if let Some(z) = inp.zone_id {
        crate::zones::get_zone(conn, z).map_err(|_| {
            Error::validation(
                "zone_id",
                "Zona: la zona scelta non esiste più; sceglierne un'altra.",
            )
        })?;
    }
    let seats = match optional("seats", "Posti", &inp.seats, Rule::CODE)? {
        Some(s) => {
            let n: i64 = s.parse().map_err(|_| {
                Error::validation("seats", format!("Posti: «{s}» non è un numero intero."))
            })?;
            if !(1..=100_000).contains(&n) {
                return Err(Error::validation(
                    "seats",
                    "Posti: indicare un numero da 1 a 100.000.",
                ));
            }
            Some(n)
        }
        None => None,
    };
    let state = if inp.state.trim().is_empty() {
        "programmato".to_string()
    } else {
        check_choice("state", "Stato", STATES, inp.state.trim())?
    };
    // «Svolto» only for an event that has taken place by the store's today.
    if state == "svolto" && date > today {
        return Err(Error::validation(
            "state",
            format!(
                "Stato: l'evento del {} non si è ancora svolto; «Svolto» si indica dal giorno dell'evento.",
                date.format("%d/%m/%Y")
            ),
        ));
    }
    Ok(Checked {
        kind,
        mode,
        title,
        theme_id: inp.theme_id,
        date,
        start,
        end,
        start_repeat,
        end_repeat,
        place,
        link,
        speakers,
        credit_minutes,
        level,
        audience: audience.join(","),
        zone_id: inp.zone_id,
        seats,
        state,
        notes,
    })
}

const EVENT_SQL: &str = "SELECT e.id, e.uid, e.sequence, e.series_id, e.kind, e.mode, e.title,
        e.theme_id, t.name, e.date, e.start_time, e.end_time, e.place, e.link, e.speakers,
        e.credit_minutes, e.level, e.audience, e.zone_id, z.name, e.seats, e.state, e.notes,
        (SELECT count(*) FROM training_attendance a WHERE a.event_id = e.id), e.updated_at,
        e.start_repeat, e.end_repeat
     FROM training_event e
     LEFT JOIN training_theme t ON t.id = e.theme_id
     LEFT JOIN zone z ON z.id = e.zone_id";

fn event_from_row(r: &rusqlite::Row) -> rusqlite::Result<Event> {
    let kind: String = r.get(4)?;
    let mode: String = r.get(5)?;
    let state: String = r.get(21)?;
    let minutes: i64 = r.get(15)?;
    let audience: String = r.get(17)?;
    Ok(Event {
        id: r.get(0)?,
        uid: r.get(1)?,
        sequence: r.get(2)?,
        series_id: r.get(3)?,
        kind_label: label(KINDS, &kind).to_string(),
        kind,
        mode_label: label(MODES, &mode).to_string(),
        mode,
        title: r.get(6)?,
        theme_id: r.get(7)?,
        theme: r.get(8)?,
        date: r.get(9)?,
        start_time: r.get(10)?,
        end_time: r.get(11)?,
        start_repeat: r
            .get::<_, Option<String>>(25)?
            .and_then(|s| Occurrence::from_str(&s)),
        end_repeat: r
            .get::<_, Option<String>>(26)?
            .and_then(|s| Occurrence::from_str(&s)),
        place: r.get(12)?,
        link: r.get(13)?,
        speakers: r.get(14)?,
        credit_minutes: minutes,
        hours: hours_text(minutes),
        level: r.get(16)?,
        audience: audience
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect(),
        zone_id: r.get(18)?,
        zone: r.get(19)?,
        seats: r.get(20)?,
        state_label: label(STATES, &state).to_string(),
        state,
        notes: r.get(22)?,
        attendance: r.get(23)?,
        updated_at: r.get(24)?,
        warnings: Vec::new(),
    })
}

/// The overlaps, Sundays and holidays of each event, against the events of
/// the same days (cancelled events overlap nothing).
/// Another event of the same days: id, date, start, end, title.
type Other = (i64, String, String, String, String);

fn add_warnings(conn: &Connection, events: &mut [Event]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let from = events
        .iter()
        .map(|e| e.date.as_str())
        .min()
        .unwrap_or("")
        .to_string();
    let to = events
        .iter()
        .map(|e| e.date.as_str())
        .max()
        .unwrap_or("")
        .to_string();
    let mut stmt = conn.prepare_cached(
        "SELECT id, date, start_time, end_time, title FROM training_event
         WHERE date BETWEEN ?1 AND ?2 AND state <> 'annullato'",
    )?;
    let others: Vec<Other> = stmt
        .query_map(params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut by_day: std::collections::HashMap<&str, Vec<&Other>> = std::collections::HashMap::new();
    for o in &others {
        by_day.entry(o.1.as_str()).or_default().push(o);
    }
    for e in events.iter_mut() {
        e.warnings.clear();
        if e.state != "annullato" {
            if let Some(day) = by_day.get(e.date.as_str()) {
                for o in day {
                    if o.0 != e.id && o.2 < e.end_time && e.start_time < o.3 {
                        e.warnings
                            .push(format!("Si sovrappone a «{}» ({}–{}).", o.4, o.2, o.3));
                    }
                }
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(&e.date, "%Y-%m-%d") {
            if let Some(h) = calendar::holiday(d) {
                e.warnings.push(format!("Cade in un giorno festivo ({h})."));
            } else if d.weekday_is_sunday() {
                e.warnings.push("Cade di domenica.".to_string());
            }
        }
    }
    Ok(())
}

trait SundayExt {
    fn weekday_is_sunday(&self) -> bool;
}
impl SundayExt for NaiveDate {
    fn weekday_is_sunday(&self) -> bool {
        use chrono::Datelike;
        self.weekday() == chrono::Weekday::Sun
    }
}

pub(crate) fn get_event(conn: &Connection, id: i64) -> Result<Event> {
    let mut e = conn
        .query_row(
            &format!("{EVENT_SQL} WHERE e.id = ?1"),
            [id],
            event_from_row,
        )
        .optional()?
        .ok_or_else(|| Error::not_found("L'evento non esiste (forse è stato eliminato)."))?;
    add_warnings(conn, std::slice::from_mut(&mut e))?;
    Ok(e)
}

/// Attendance and attestati are recorded from the day of the event on:
/// refused (`event_not_held`, field `event`) for an event that has not yet
/// taken place by `today`, the store's.
pub(crate) fn check_held(e: &Event, today: NaiveDate) -> Result<()> {
    let day = NaiveDate::parse_from_str(&e.date, "%Y-%m-%d")
        .map_err(|_| Error::Database(format!("data dell'evento non valida: {}", e.date)))?;
    if day > today {
        return Err(Error::EventNotHeld {
            field: "event".into(),
            message: format!(
                "L'evento non si è ancora svolto: presenze e attestati si registrano dal giorno dell'evento ({}).",
                day.format("%d/%m/%Y")
            ),
        });
    }
    Ok(())
}

impl Store {
    /// The event, if it has taken place by the store's today ([`check_held`]).
    pub(crate) fn held_event(&self, event_id: i64) -> Result<Event> {
        let e = get_event(&self.conn, event_id)?;
        check_held(&e, self.today())?;
        Ok(e)
    }
}

fn new_uid(conn: &Connection) -> Result<String> {
    let mut h = Sha256::new();
    h.update(crate::job::unique_stamp().as_bytes());
    let n: i64 = conn.query_row("SELECT count(*) FROM training_event", [], |r| r.get(0))?;
    h.update(n.to_le_bytes());
    let hex: String = h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("{hex}@comunitadipratiche.cittametropolitana.me.it"))
}

fn insert_event(
    conn: &Connection,
    c: &Checked,
    series_id: Option<i64>,
    date: NaiveDate,
) -> Result<i64> {
    // A series repeats the times on other dates: each checked on its own.
    let (start_repeat, end_repeat, _) =
        check_times(date, c.start, c.end, c.start_repeat, c.end_repeat)?;
    let now = crate::db::version::now_utc();
    conn.execute(
        "INSERT INTO training_event (uid, sequence, series_id, kind, mode, title, theme_id, date,
            start_time, end_time, place, link, speakers, credit_minutes, level, audience, zone_id,
            seats, state, notes, created_at, updated_at, start_repeat, end_repeat)
         VALUES (?1, 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20, ?20, ?21, ?22)",
        params![
            new_uid(conn)?,
            series_id,
            c.kind,
            c.mode,
            c.title,
            c.theme_id,
            date.format("%Y-%m-%d").to_string(),
            c.start.format("%H:%M").to_string(),
            c.end.format("%H:%M").to_string(),
            c.place,
            c.link,
            c.speakers,
            c.credit_minutes,
            c.level,
            c.audience,
            c.zone_id,
            c.seats,
            c.state,
            c.notes,
            now,
            start_repeat.map(Occurrence::as_str),
            end_repeat.map(Occurrence::as_str)
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

fn ev_json(e: &Event) -> Result<serde_json::Value> {
    let mut v = serde_json::to_value(e)?;
    if let Some(o) = v.as_object_mut() {
        o.remove("warnings");
    }
    Ok(v)
}

fn check_theme_name(conn: &Connection, name: &str, except: Option<i64>) -> Result<String> {
    crate::validate::unique_name(
        conn,
        "training_theme",
        "Nome dell'area tematica",
        "un'area tematica",
        name,
        except,
    )
}

impl Store {
    /// The theme areas, in their order.
    pub fn training_themes(&self) -> Result<Vec<Theme>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.id, t.name, (SELECT count(*) FROM training_event e WHERE e.theme_id = t.id)
             FROM training_theme t ORDER BY t.position, t.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Theme {
                id: r.get(0)?,
                name: r.get(1)?,
                events: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a theme area (after the others).
    pub fn add_training_theme(&mut self, name: &str) -> Result<Theme> {
        self.action(|tx, op| {
            let name = check_theme_name(tx, name, None)?;
            tx.execute(
                "INSERT INTO training_theme (name, position, created_at)
                 VALUES (?1, (SELECT coalesce(max(position), 0) + 1 FROM training_theme), ?2)",
                params![name, crate::db::version::now_utc()],
            )?;
            let id = tx.last_insert_rowid();
            audit::record(
                tx,
                op,
                "create",
                "training_theme",
                &id.to_string(),
                None,
                Some(&serde_json::json!({ "name": name })),
            )?;
            Ok(Theme {
                id,
                name,
                events: 0,
            })
        })
    }

    pub fn rename_training_theme(&mut self, id: i64, name: &str) -> Result<Theme> {
        self.action(|tx, op| {
            let before: String = tx
                .query_row("SELECT name FROM training_theme WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or_else(|| Error::not_found("L'area tematica non esiste più."))?;
            let name = check_theme_name(tx, name, Some(id))?;
            tx.execute(
                "UPDATE training_theme SET name = ?2 WHERE id = ?1",
                params![id, name],
            )?;
            audit::record(
                tx,
                op,
                "rename",
                "training_theme",
                &id.to_string(),
                Some(&serde_json::json!({ "name": before })),
                Some(&serde_json::json!({ "name": name })),
            )?;
            let events = tx.query_row(
                "SELECT count(*) FROM training_event WHERE theme_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            Ok(Theme { id, name, events })
        })
    }

    /// Deletes a theme area no event uses.
    pub fn delete_training_theme(&mut self, id: i64) -> Result<()> {
        self.action(|tx, op| {
            let name: String = tx
                .query_row("SELECT name FROM training_theme WHERE id = ?1", [id], |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::not_found("L'area tematica non esiste più."))?;
            let used: i64 = tx.query_row("SELECT count(*) FROM training_event WHERE theme_id = ?1", [id], |r| r.get(0))?;
            let surveyed: i64 = tx.query_row("SELECT count(*) FROM training_survey_need WHERE theme_id = ?1", [id], |r| r.get(0))?;
            if used == 0 && surveyed > 0 {
                return Err(Error::conflict(
                    format!("L'area «{name}» compare nelle schede di rilevazione dei fabbisogni e non può essere eliminata; si può rinominare."),
                    None,
                ));
            }
            if used > 0 {
                return Err(Error::conflict(
                    format!("L'area «{name}» è usata da {} e non può essere eliminata: cambiare prima l'area di quegli eventi.", if used == 1 { "un evento".to_string() } else { format!("{used} eventi") }),
                    None,
                ));
            }
            tx.execute("DELETE FROM training_theme WHERE id = ?1", [id])?;
            audit::record(tx, op, "delete", "training_theme", &id.to_string(), Some(&serde_json::json!({ "name": name })), None)?;
            Ok(())
        })
    }

    /// The events matching a filter, by date and time, with their warnings.
    pub fn training_events(&self, q: &EventQuery) -> Result<Vec<Event>> {
        let mut events = self.select_training_events(q)?;
        add_warnings(&self.conn, &mut events)?;
        Ok(events)
    }

    /// The events matching a filter, without the warnings (for the exports).
    pub(crate) fn select_training_events(&self, q: &EventQuery) -> Result<Vec<Event>> {
        let mut sql = format!("{EVENT_SQL} WHERE 1 = 1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut push = |cond: &str, v: rusqlite::types::Value, sql: &mut String| {
            args.push(v);
            sql.push_str(&format!(" AND {cond} ?{}", args.len()));
        };
        if let Some(f) = q.from.as_deref().filter(|s| !s.is_empty()) {
            let d = crate::validate::date("from", "Dal", f)?;
            push(
                "e.date >=",
                d.format("%Y-%m-%d").to_string().into(),
                &mut sql,
            );
        }
        if let Some(t) = q.to.as_deref().filter(|s| !s.is_empty()) {
            let d = crate::validate::date("to", "Al", t)?;
            push(
                "e.date <=",
                d.format("%Y-%m-%d").to_string().into(),
                &mut sql,
            );
        }
        if let Some(k) = q.kind.as_deref().filter(|s| !s.is_empty()) {
            push("e.kind =", k.to_string().into(), &mut sql);
        }
        if let Some(t) = q.theme_id {
            push("e.theme_id =", t.into(), &mut sql);
        }
        if let Some(z) = q.zone_id {
            push("e.zone_id =", z.into(), &mut sql);
        }
        if let Some(s) = q.state.as_deref().filter(|s| !s.is_empty()) {
            push("e.state =", s.to_string().into(), &mut sql);
        }
        sql.push_str(" ORDER BY e.date, e.start_time, e.id");
        let mut stmt = self.conn.prepare(&sql)?;
        let events: Vec<Event> = stmt
            .query_map(rusqlite::params_from_iter(args), event_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(events)
    }

    pub fn training_event(&self, id: i64) -> Result<Event> {
        get_event(&self.conn, id)
    }

    pub fn create_training_event(&mut self, inp: &EventInput) -> Result<Event> {
        let today = self.today();
        self.action(|tx, op| {
            let c = check_input(tx, inp, today)?;
            let id = insert_event(tx, &c, None, c.date)?;
            let e = get_event(tx, id)?;
            audit::record(
                tx,
                op,
                "create",
                "training_event",
                &id.to_string(),
                None,
                Some(&ev_json(&e)?),
            )?;
            Ok(e)
        })
    }

    /// Saves the form of an event; each change increments its iCalendar SEQUENCE.
    pub fn update_training_event(&mut self, id: i64, inp: &EventInput) -> Result<Event> {
        let today = self.today();
        self.action(|tx, op| {
            let before = get_event(tx, id)?;
            check_version(&before.updated_at, inp.version.as_deref())?;
            let c = check_input(tx, inp, today)?;
            tx.execute(
                "UPDATE training_event SET kind = ?2, mode = ?3, title = ?4, theme_id = ?5, date = ?6,
                    start_time = ?7, end_time = ?8, place = ?9, link = ?10, speakers = ?11,
                    credit_minutes = ?12, level = ?13, audience = ?14, zone_id = ?15, seats = ?16,
                    state = ?17, notes = ?18, sequence = sequence + 1, updated_at = ?19,
                    start_repeat = ?20, end_repeat = ?21
                 WHERE id = ?1",
                params![
                    id,
                    c.kind,
                    c.mode,
                    c.title,
                    c.theme_id,
                    c.date.format("%Y-%m-%d").to_string(),
                    c.start.format("%H:%M").to_string(),
                    c.end.format("%H:%M").to_string(),
                    c.place,
                    c.link,
                    c.speakers,
                    c.credit_minutes,
                    c.level,
                    c.audience,
                    c.zone_id,
                    c.seats,
                    c.state,
                    c.notes,
                    crate::db::version::next_version(&before.updated_at),
                    c.start_repeat.map(Occurrence::as_str),
                    c.end_repeat.map(Occurrence::as_str)
                ],
            )?;
            let after = get_event(tx, id)?;
            audit::record(tx, op, "update", "training_event", &id.to_string(), Some(&ev_json(&before)?), Some(&ev_json(&after)?))?;
            Ok(after)
        })
    }

    /// Moves one event to another date and time (the others of its series stay).
    pub fn move_training_event(
        &mut self,
        id: i64,
        date: &str,
        start_time: &str,
        end_time: &str,
        version: Option<&str>,
    ) -> Result<Event> {
        self.action(|tx, op| {
            let before = get_event(tx, id)?;
            check_version(&before.updated_at, version)?;
            if before.state == "annullato" {
                return Err(Error::conflict(
                    "L'evento è annullato: per spostarlo riportarlo prima a «Programmato» dalla scheda.",
                    None,
                ));
            }
            if date.trim().is_empty() {
                return Err(Error::validation("date", "Nuova data: campo obbligatorio."));
            }
            let d = crate::validate::date("date", "Nuova data", date)?;
            let s = parse_time("start_time", "Ora di inizio", start_time)?;
            let e = parse_time("end_time", "Ora di fine", end_time)?;
            // Moved, the times are checked on the new date (a choice of the
            // hour that comes twice is made in the event's form).
            check_times(d, s, e, None, None)?;
            tx.execute(
                "UPDATE training_event SET date = ?2, start_time = ?3, end_time = ?4,
                    start_repeat = NULL, end_repeat = NULL,
                    sequence = sequence + 1, updated_at = ?5 WHERE id = ?1",
                params![
                    id,
                    d.format("%Y-%m-%d").to_string(),
                    s.format("%H:%M").to_string(),
                    e.format("%H:%M").to_string(),
                    crate::db::version::next_version(&before.updated_at)
                ],
            )?;
            let after = get_event(tx, id)?;
            audit::record(tx, op, "move", "training_event", &id.to_string(), Some(&ev_json(&before)?), Some(&ev_json(&after)?))?;
            Ok(after)
        })
    }

    /// Cancels an event: it stays in the calendar as "annullato" (and in the
    /// ICS as STATUS:CANCELLED).
    pub fn cancel_training_event(&mut self, id: i64, version: Option<&str>) -> Result<Event> {
        self.action(|tx, op| {
            let before = get_event(tx, id)?;
            check_version(&before.updated_at, version)?;
            if before.state == "annullato" {
                return Err(Error::conflict("L'evento è già annullato.", None));
            }
            if before.state == "svolto" {
                return Err(Error::conflict("L'evento risulta già svolto e non può essere annullato: correggere prima lo stato dalla scheda.", None));
            }
            tx.execute(
                "UPDATE training_event SET state = 'annullato', sequence = sequence + 1, updated_at = ?2 WHERE id = ?1",
                params![id, crate::db::version::next_version(&before.updated_at)],
            )?;
            let after = get_event(tx, id)?;
            audit::record(tx, op, "cancel", "training_event", &id.to_string(), Some(&ev_json(&before)?), Some(&ev_json(&after)?))?;
            Ok(after)
        })
    }

    /// Undoes the cancellation of an event: it goes back to the state it had
    /// before it was cancelled (from the audit row of the cancellation;
    /// «Programmato» when none is found), and the ICS carries it again as
    /// scheduled (a new sequence).
    pub fn restore_training_event(&mut self, id: i64, version: Option<&str>) -> Result<Event> {
        self.action(|tx, op| {
            let before = get_event(tx, id)?;
            check_version(&before.updated_at, version)?;
            if before.state != "annullato" {
                return Err(Error::conflict(
                    format!("«{}» non è annullato: non c'è nulla da ripristinare.", before.title),
                    None,
                ));
            }
            let was: Option<String> = tx
                .query_row(
                    "SELECT json_extract(before, '$.state') FROM audit
                     WHERE entity = 'training_event' AND entity_id = ?1 AND action = 'cancel'
                     ORDER BY id DESC LIMIT 1",
                    [id.to_string()],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let state = match was.as_deref() {
                Some(s @ ("programmato" | "confermato")) => s.to_string(),
                _ => "programmato".to_string(),
            };
            tx.execute(
                "UPDATE training_event SET state = ?2, sequence = sequence + 1, updated_at = ?3 WHERE id = ?1",
                params![id, state, crate::db::version::next_version(&before.updated_at)],
            )?;
            let after = get_event(tx, id)?;
            audit::record(tx, op, "restore", "training_event", &id.to_string(), Some(&ev_json(&before)?), Some(&ev_json(&after)?))?;
            Ok(after)
        })
    }

    /// Deletes an event that has no attendance (otherwise: cancel it).
    pub fn delete_training_event(&mut self, id: i64, version: Option<&str>) -> Result<()> {
        self.action(|tx, op| {
            let before = get_event(tx, id)?;
            check_version(&before.updated_at, version)?;
            let certs: i64 = tx.query_row(
                "SELECT count(*) FROM training_certificate WHERE event_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if before.attendance > 0 || certs > 0 {
                return Err(Error::conflict(
                    format!(
                        "«{}» ha presenze registrate{}: non può essere eliminato, solo annullato.",
                        before.title,
                        if certs > 0 { " e attestati" } else { "" }
                    ),
                    None,
                ));
            }
            tx.execute("DELETE FROM training_enrolment WHERE event_id = ?1", [id])?;
            tx.execute("DELETE FROM training_event WHERE id = ?1", [id])?;
            audit::record(
                tx,
                op,
                "delete",
                "training_event",
                &id.to_string(),
                Some(&ev_json(&before)?),
                None,
            )?;
            Ok(())
        })
    }

    /// The dates a series would have, with their notes (nothing is written).
    pub fn preview_training_series(
        &self,
        first: &str,
        freq: Frequency,
        count: u32,
    ) -> Result<Vec<SeriesDate>> {
        if first.trim().is_empty() {
            return Err(Error::validation("date", "Data: campo obbligatorio."));
        }
        let d = crate::validate::date("date", "Data", first)?;
        series::series_dates(d, freq, count)
    }

    /// Creates `count` real events from one form: the first on its date, the
    /// others repeating by `freq`. One action, one audit row per event.
    pub fn create_training_series(
        &mut self,
        inp: &EventInput,
        freq: Frequency,
        count: u32,
    ) -> Result<SeriesResult> {
        let today = self.today();
        self.action(|tx, op| {
            let c = check_input(tx, inp, today)?;
            let dates = series::series_dates(c.date, freq, count)?;
            if let Some(last) = dates.last().filter(|d| c.state == "svolto" && d.date > today.to_string()) {
                return Err(Error::validation(
                    "state",
                    format!(
                        "Stato: l'ultima data della serie ({}) non si è ancora svolta; «Svolto» si indica dal giorno dell'evento.",
                        crate::text::date_it(&last.date)
                    ),
                ));
            }
            tx.execute(
                "INSERT INTO training_series (frequency, count, created_at) VALUES (?1, ?2, ?3)",
                params![freq.as_str(), count, crate::db::version::now_utc()],
            )?;
            let sid = tx.last_insert_rowid();
            let mut ids = Vec::new();
            let mut notes = Vec::new();
            for sd in &dates {
                let d = NaiveDate::parse_from_str(&sd.date, "%Y-%m-%d").map_err(|e| Error::Database(e.to_string()))?;
                ids.push(insert_event(tx, &c, Some(sid), d)?);
                if let Some(n) = &sd.note {
                    notes.push(n.clone());
                }
            }
            let mut events = Vec::new();
            for id in ids {
                let e = get_event(tx, id)?;
                audit::record(tx, op, "create", "training_event", &id.to_string(), None, Some(&ev_json(&e)?))?;
                events.push(e);
            }
            audit::record(tx, op, "create_series", "training_series", &sid.to_string(), None,
                Some(&serde_json::json!({ "frequency": freq.as_str(), "count": count, "events": events.iter().map(|e| e.id).collect::<Vec<_>>() })))?;
            Ok(SeriesResult { series_id: sid, events, notes })
        })
    }
}

/// HH:MM of a stored time (for the documents).
pub(crate) fn hm(t: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(t, "%H:%M")
        .ok()
        .map(|t| t.with_second(0).unwrap_or(t))
}

/// The length of an event in minutes.
pub(crate) fn event_minutes(e: &Event) -> i64 {
    match (hm(&e.start_time), hm(&e.end_time)) {
        (Some(s), Some(t)) => t.signed_duration_since(s).num_minutes().max(0),
        _ => 0,
    }
}

/// The settings of the training: the share of an event that counts as
/// present, the yearly target of hours per person, and how the attestati
/// are signed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrainingSettings {
    /// Percent, 1–100 (default 75).
    pub min_share: i64,
    /// Hours per person per year (default 40: directive of the Minister for
    /// Public Administration of 14 January 2025).
    pub target_hours: i64,
    /// The attestati are signed digitally before they are sent: they print
    /// the digital signature's formula, and the batch says so. Otherwise
    /// (the default) they print the signatory's name in place of the
    /// autograph signature (art. 3, comma 2, D.Lgs. 39/1993).
    pub sign_digitally: bool,
    /// The version the form showed (None before the first save): a save
    /// over settings changed since is refused (`conflict`).
    #[serde(default)]
    pub version: Option<String>,
}

/// The settings store's key of the training settings' version.
const SETTINGS_VERSION: &str = "training_settings_updated_at";

pub(crate) fn training_settings(conn: &Connection) -> Result<TrainingSettings> {
    let get = |k: &str, d: i64| -> Result<i64> {
        Ok(crate::db::kv::get(conn, k)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(d))
    };
    Ok(TrainingSettings {
        min_share: get("training_min_share", 75)?,
        target_hours: get("training_target_hours", 40)?,
        sign_digitally: get("training_sign_digitally", 0)? == 1,
        version: crate::db::kv::get(conn, SETTINGS_VERSION)?,
    })
}

impl Store {
    pub fn training_settings(&self) -> Result<TrainingSettings> {
        training_settings(&self.conn)
    }

    pub fn save_training_settings(&mut self, s: &TrainingSettings) -> Result<TrainingSettings> {
        if !(1..=100).contains(&s.min_share) {
            return Err(Error::validation(
                "min_share",
                "Quota minima di presenza: indicare una percentuale da 1 a 100.",
            ));
        }
        if !(1..=1000).contains(&s.target_hours) {
            return Err(Error::validation(
                "target_hours",
                "Obiettivo annuale: indicare un numero di ore da 1 a 1000.",
            ));
        }
        self.action(|tx, op| {
            let before = training_settings(tx)?;
            // Two forms open on the same settings: the second save is stale.
            if before.version.is_some() && s.version != before.version {
                return Err(crate::error::stale());
            }
            let version = crate::db::version::next_version(before.version.as_deref().unwrap_or(""));
            crate::db::kv::set(tx, "training_min_share", &s.min_share.to_string())?;
            crate::db::kv::set(tx, "training_target_hours", &s.target_hours.to_string())?;
            crate::db::kv::set(
                tx,
                "training_sign_digitally",
                if s.sign_digitally { "1" } else { "0" },
            )?;
            crate::db::kv::set(tx, SETTINGS_VERSION, &version)?;
            let after = TrainingSettings {
                min_share: s.min_share,
                target_hours: s.target_hours,
                sign_digitally: s.sign_digitally,
                version: Some(version),
            };
            audit::record(
                tx,
                op,
                "update",
                "training_settings",
                "*",
                Some(&serde_json::to_value(&before)?),
                Some(&serde_json::to_value(&after)?),
            )?;
            Ok(after)
        })
    }
}
