//! The register of the attestati: numbered per year without gaps
//! (2027/0001), each with a verification code printed on it; issued for a
//! participant present at an event, or as a yearly summary of all hours; a
//! reissue keeps its number and code; an annulment is recorded, not deleted.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::participants::get_participant;
use super::{get_event, hours_text};
use crate::error::{Error, Result};
use crate::{audit, Store};

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Certificate {
    pub id: i64,
    pub year: i32,
    pub number: i64,
    /// "2027/0001".
    pub label: String,
    /// "evento" or "annuale".
    pub kind: String,
    pub participant_id: i64,
    pub participant: String,
    pub ente: Option<String>,
    pub event_id: Option<i64>,
    pub event_title: Option<String>,
    pub event_date: Option<String>,
    pub ref_year: Option<i32>,
    pub minutes: i64,
    pub hours: String,
    pub verification: String,
    pub issued_at: String,
    pub reissued_at: Option<String>,
    pub reissues: i64,
    pub annulled_at: Option<String>,
    pub annul_reason: Option<String>,
}

const C_SQL: &str = "SELECT c.id, c.year, c.number, c.kind, c.participant_id, p.full_name,
        CASE WHEN cm.name IS NOT NULL THEN 'Comune di ' || cm.name ELSE p.ente END, c.event_id, e.title, e.date, c.ref_year, c.minutes,
        c.verification, c.issued_at, c.reissued_at, c.reissues, c.annulled_at, c.annul_reason
     FROM training_certificate c
     JOIN training_participant p ON p.id = c.participant_id
     LEFT JOIN comune cm ON cm.istat = p.istat
     LEFT JOIN training_event e ON e.id = c.event_id";

fn c_from_row(r: &rusqlite::Row) -> rusqlite::Result<Certificate> {
    let year: i32 = r.get(1)?;
    let number: i64 = r.get(2)?;
    let minutes: i64 = r.get(11)?;
    Ok(Certificate {
        id: r.get(0)?,
        year,
        number,
        label: format!("{year}/{number:04}"),
        kind: r.get(3)?,
        participant_id: r.get(4)?,
        participant: r.get(5)?,
        ente: r.get(6)?,
        event_id: r.get(7)?,
        event_title: r.get(8)?,
        event_date: r.get(9)?,
        ref_year: r.get(10)?,
        minutes,
        hours: hours_text(minutes),
        verification: r.get(12)?,
        issued_at: r.get(13)?,
        reissued_at: r.get(14)?,
        reissues: r.get(15)?,
        annulled_at: r.get(16)?,
        annul_reason: r.get(17)?,
    })
}

pub(crate) fn get_certificate(conn: &Connection, id: i64) -> Result<Certificate> {
    conn.query_row(&format!("{C_SQL} WHERE c.id = ?1"), [id], c_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("L'attestato non esiste nel registro."))
}

/// A code of 10 characters (Crockford base 32, no I L O U), in two groups.
fn verification_code(seed: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let digest = Sha256::digest(seed.as_bytes());
    let mut bits: u64 = 0;
    for b in &digest[..8] {
        bits = (bits << 8) | *b as u64;
    }
    let mut s = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            s.push('-');
        }
        s.push(ALPHABET[((bits >> (i * 5)) & 31) as usize] as char);
    }
    s
}

/// Writes the next number of `year` (the transaction makes it gapless and
/// unique). No attestato is numbered without the name of who signs it: each
/// caller checks it once ([`signatory`]), a batch before its
/// first number rather than at each of them.
#[allow(clippy::too_many_arguments)]
fn register(
    tx: &Connection,
    op: &str,
    issued: NaiveDate,
    kind: &str,
    participant_id: i64,
    event_id: Option<i64>,
    ref_year: Option<i32>,
    minutes: i64,
) -> Result<Certificate> {
    let year = issued.year();
    let number: i64 = tx.query_row(
        "SELECT coalesce(max(number), 0) + 1 FROM training_certificate WHERE year = ?1",
        [year],
        |r| r.get(0),
    )?;
    let code = loop {
        let c = verification_code(&format!(
            "{year}/{number}/{participant_id}/{}",
            crate::job::unique_stamp()
        ));
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM training_certificate WHERE verification = ?1)",
            [&c],
            |r| r.get(0),
        )?;
        if !taken {
            break c;
        }
    };
    tx.execute(
        "INSERT INTO training_certificate (year, number, kind, participant_id, event_id, ref_year, minutes, verification, issued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![year, number, kind, participant_id, event_id, ref_year, minutes, code, issued.format("%Y-%m-%d").to_string()],
    )?;
    let c = get_certificate(tx, tx.last_insert_rowid())?;
    audit::record(
        tx,
        op,
        "issue",
        "training_certificate",
        &c.label,
        None,
        Some(&serde_json::to_value(&c)?),
    )?;
    Ok(c)
}

impl Store {
    /// The issue date the user chose (the shell gives the store's today when
    /// the field is empty): it is printed on the attestato and gives the year
    /// of its number, so it is never after today.
    pub(super) fn issue_date(&self, issued_on: &str) -> Result<NaiveDate> {
        let issued = crate::validate::date("today", "Data di rilascio", issued_on)?;
        let today = self.today();
        if issued > today {
            return Err(Error::validation(
                "today",
                format!(
                    "La data di rilascio ({}) non può essere successiva a oggi ({}).",
                    it_date(issued),
                    it_date(today)
                ),
            ));
        }
        Ok(issued)
    }
}

fn it_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Refuses an issue date before the event (only its date is known: an
/// event ends, at the latest, on its own day).
fn check_ended(e: &super::Event, issued: NaiveDate) -> Result<()> {
    let held = NaiveDate::parse_from_str(&e.date, "%Y-%m-%d")
        .map_err(|_| Error::Database(format!("data dell'evento non valida: {}", e.date)))?;
    if held > issued {
        return Err(Error::conflict(
            format!(
                "«{}» si svolge il {}: l'attestato non può essere rilasciato con data {}, prima che l'evento si sia concluso.",
                e.title,
                it_date(held),
                it_date(issued)
            ),
            None,
        ));
    }
    Ok(())
}

/// Issues the attestato of one participant present at one event (inside a transaction).
pub(super) fn issue_for_event(
    tx: &Connection,
    op: &str,
    event_id: i64,
    participant_id: i64,
    issued: NaiveDate,
) -> Result<Certificate> {
    let e = get_event(tx, event_id)?;
    let p = get_participant(tx, participant_id)?;
    if e.state == "annullato" {
        return Err(Error::conflict(
            format!("«{}» è annullato: non si rilasciano attestati.", e.title),
            None,
        ));
    }
    check_ended(&e, issued)?;
    let present: Option<bool> = tx
        .query_row(
            "SELECT present FROM training_attendance WHERE event_id = ?1 AND participant_id = ?2",
            params![event_id, participant_id],
            |r| r.get(0),
        )
        .optional()?;
    if present != Some(true) {
        return Err(Error::conflict(
            format!(
                "{} non risulta presente a «{}»: l'attestato si rilascia solo ai presenti.",
                p.full_name, e.title
            ),
            None,
        ));
    }
    let existing: Option<String> = tx
        .query_row(
            "SELECT year || '/' || printf('%04d', number) FROM training_certificate
             WHERE kind = 'evento' AND event_id = ?1 AND participant_id = ?2 AND annulled_at IS NULL",
            params![event_id, participant_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(n) = existing {
        return Err(Error::conflict(
            format!("A {} è già stato rilasciato l'attestato n. {n} per questo evento: per una nuova copia usare «Ristampa», che mantiene il numero.", p.full_name),
            None,
        ));
    }
    register(
        tx,
        op,
        issued,
        "evento",
        participant_id,
        Some(event_id),
        None,
        e.credit_minutes,
    )
}

/// Numbers the attestati of every present participant of an event who has
/// none yet, in name order (inside the caller's transaction, which makes the
/// numbers gapless and unique). `progress(done, total)` returning false
/// cancels before the next one.
pub(super) fn number_event(
    tx: &Connection,
    op: &str,
    event_id: i64,
    on: NaiveDate,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<CertificateBatch> {
    get_event(tx, event_id)?;
    let ids: Vec<(i64, bool)> = tx
        .prepare(
            "SELECT a.participant_id, EXISTS (SELECT 1 FROM training_certificate c WHERE c.kind = 'evento'
                AND c.event_id = a.event_id AND c.participant_id = a.participant_id AND c.annulled_at IS NULL)
             FROM training_attendance a JOIN training_participant p ON p.id = a.participant_id
             WHERE a.event_id = ?1 AND a.present = 1 ORDER BY p.name_key, p.id",
        )?
        .query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let todo: Vec<i64> = ids
        .iter()
        .filter(|(_, has)| !has)
        .map(|(id, _)| *id)
        .collect();
    let already = ids.len() - todo.len();
    if todo.is_empty() {
        return Err(Error::conflict(
            if ids.is_empty() {
                "Nessun partecipante risulta presente a questo evento: registrare prima le presenze.".to_string()
            } else {
                format!("Tutti i presenti ({}) hanno già l'attestato.", ids.len())
            },
            None,
        ));
    }
    signatory(tx)?;
    let mut issued = Vec::with_capacity(todo.len());
    for (i, pid) in todo.iter().enumerate() {
        if !progress(i, todo.len()) {
            return Err(Error::Cancelled {
                message: "Rilascio degli attestati annullato: nessun attestato è stato registrato."
                    .into(),
            });
        }
        issued.push(issue_for_event(tx, op, event_id, *pid, on)?);
    }
    progress(todo.len(), todo.len());
    Ok(CertificateBatch { issued, already })
}

/// Takes back attestati numbered by a batch whose files were not all saved
/// (inside the caller's transaction): deleted while they are still the last
/// numbers of their year, so that the next attestati take those numbers
/// again without a gap; annulled with `reason` if a later number was given
/// meanwhile, so that no number is ever given twice.
pub(super) fn withdraw(
    tx: &Connection,
    op: &str,
    issued: &[Certificate],
    reason: &str,
) -> Result<()> {
    // The highest number first: each one deleted frees the one before it.
    let mut issued: Vec<&Certificate> = issued.iter().collect();
    issued.sort_by_key(|c| std::cmp::Reverse((c.year, c.number)));
    for c in issued {
        let later: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM training_certificate WHERE year = ?1 AND number > ?2)",
            params![c.year, c.number],
            |r| r.get(0),
        )?;
        if later {
            annul(tx, op, c.id, reason)?;
        } else {
            tx.execute("DELETE FROM training_certificate WHERE id = ?1", [c.id])?;
            audit::record(
                tx,
                op,
                "withdraw",
                "training_certificate",
                &c.label,
                Some(&serde_json::to_value(c)?),
                None,
            )?;
        }
    }
    Ok(())
}

/// Annuls an attestato (inside the caller's transaction), with its audit row.
fn annul(tx: &Connection, op: &str, id: i64, reason: &str) -> Result<Certificate> {
    let before = get_certificate(tx, id)?;
    if before.annulled_at.is_some() {
        return Err(Error::conflict(
            format!("L'attestato n. {} è già annullato.", before.label),
            None,
        ));
    }
    tx.execute(
        "UPDATE training_certificate SET annulled_at = ?2, annul_reason = ?3 WHERE id = ?1",
        params![id, crate::db::version::now_utc(), reason],
    )?;
    let after = get_certificate(tx, id)?;
    audit::record(
        tx,
        op,
        "annul",
        "training_certificate",
        &after.label,
        Some(&serde_json::to_value(&before)?),
        Some(&serde_json::to_value(&after)?),
    )?;
    Ok(after)
}

/// What a batch did.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CertificateBatch {
    pub issued: Vec<Certificate>,
    /// Present participants who already had their attestato.
    pub already: usize,
}

impl Store {
    /// Checks the issue date of the attestati of an event, and that their
    /// signatory is named, before anything is asked (the folder) or numbered.
    pub fn check_certificate_date(&self, event_id: i64, issued_on: &str) -> Result<()> {
        signatory(&self.conn)?;
        let e = self.held_event(event_id)?;
        check_ended(&e, self.issue_date(issued_on)?)
    }

    /// The register, newest first (`year`: of issue).
    pub fn certificates(&self, year: Option<i32>) -> Result<Vec<Certificate>> {
        let mut stmt = self.conn.prepare(&format!(
            "{C_SQL} WHERE ?1 IS NULL OR c.year = ?1 ORDER BY c.year DESC, c.number DESC"
        ))?;
        let rows = stmt.query_map([year], c_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn certificate(&self, id: i64) -> Result<Certificate> {
        get_certificate(&self.conn, id)
    }

    /// The register's row of a verification code (as printed on the attestato).
    pub fn verify_certificate(&self, code: &str) -> Result<Certificate> {
        let code = code.trim().to_uppercase();
        self.conn
            .query_row(
                &format!("{C_SQL} WHERE c.verification = ?1"),
                [&code],
                c_from_row,
            )
            .optional()?
            .ok_or_else(|| {
                Error::not_found(format!(
                    "Nessun attestato del registro ha il codice di verifica «{code}»."
                ))
            })
    }

    /// The attestato of one participant for one event held by today, dated
    /// `issued_on` (the issue date) and numbered in its year.
    pub fn issue_event_certificate(
        &mut self,
        event_id: i64,
        participant_id: i64,
        issued_on: &str,
    ) -> Result<Certificate> {
        self.held_event(event_id)?;
        let issued = self.issue_date(issued_on)?;
        self.action(|tx, op| {
            signatory(tx)?;
            issue_for_event(tx, op, event_id, participant_id, issued)
        })
    }

    /// The attestati of every present participant of an event who has none
    /// yet, in name order. `progress(done, total)` returning false cancels:
    /// then nothing is issued (no number is used).
    pub fn issue_event_certificates(
        &mut self,
        event_id: i64,
        issued_on: &str,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<CertificateBatch> {
        self.held_event(event_id)?;
        let on = self.issue_date(issued_on)?;
        self.action(|tx, op| number_event(tx, op, event_id, on, progress))
    }

    /// The yearly summary attestato of all the hours of `ref_year`, dated
    /// `issued_on` (the issue date, after the end of `ref_year` and not
    /// after today).
    pub fn issue_year_certificate(
        &mut self,
        participant_id: i64,
        ref_year: i32,
        issued_on: &str,
    ) -> Result<Certificate> {
        let issued = self.issue_date(issued_on)?;
        if issued.year() <= ref_year {
            return Err(Error::conflict(
                format!(
                    "L'anno {ref_year} non è ancora concluso alla data di rilascio ({}): l'attestato riepilogativo si rilascia dal 1° gennaio {}.",
                    it_date(issued),
                    ref_year + 1
                ),
                None,
            ));
        }
        self.action(|tx, op| {
            let p = get_participant(tx, participant_id)?;
            let minutes: i64 = tx.query_row(
                "SELECT coalesce(sum(e.credit_minutes), 0) FROM training_attendance a
                 JOIN training_event e ON e.id = a.event_id
                 WHERE a.participant_id = ?1 AND a.present = 1 AND e.state <> 'annullato'
                   AND e.date BETWEEN ?2 AND ?3",
                params![participant_id, format!("{ref_year:04}-01-01"), format!("{ref_year:04}-12-31")],
                |r| r.get(0),
            )?;
            if minutes == 0 {
                return Err(Error::conflict(format!("{} non ha ore di formazione nel {ref_year}.", p.full_name), None));
            }
            let existing: Option<String> = tx
                .query_row(
                    "SELECT year || '/' || printf('%04d', number) FROM training_certificate
                     WHERE kind = 'annuale' AND participant_id = ?1 AND ref_year = ?2 AND annulled_at IS NULL",
                    params![participant_id, ref_year],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(n) = existing {
                return Err(Error::conflict(
                    format!("A {} è già stato rilasciato l'attestato riepilogativo del {ref_year} (n. {n}): per aggiornarlo annullarlo e rilasciarne uno nuovo, o usare «Ristampa».", p.full_name),
                    None,
                ));
            }
            signatory(tx)?;
            register(tx, op, issued, "annuale", participant_id, None, Some(ref_year), minutes)
        })
    }

    /// A new copy of an attestato: same number and code, the reissue
    /// recorded with the store's today (printed on the copy).
    pub fn reissue_certificate(&mut self, id: i64) -> Result<Certificate> {
        let on = self.today();
        self.action(|tx, op| {
            let before = get_certificate(tx, id)?;
            if before.annulled_at.is_some() {
                return Err(Error::conflict(format!("L'attestato n. {} è annullato e non può essere ristampato.", before.label), None));
            }
            if on.format("%Y-%m-%d").to_string().as_str() < before.issued_at.get(..10).unwrap_or(&before.issued_at) {
                return Err(Error::conflict(
                    format!("L'attestato n. {} è stato rilasciato dopo il {}: la ristampa non può avere una data anteriore.", before.label, it_date(on)),
                    None,
                ));
            }
            // An attestato of an event not held by today (its date moved
            // since, or an archive written before that rule) is not printed again.
            if let Some(ev) = before.event_id {
                super::check_held(&super::get_event(tx, ev)?, on)?;
            }
            tx.execute(
                "UPDATE training_certificate SET reissues = reissues + 1, reissued_at = ?2 WHERE id = ?1",
                params![id, on.format("%Y-%m-%d").to_string()],
            )?;
            let after = get_certificate(tx, id)?;
            audit::record(tx, op, "reissue", "training_certificate", &after.label, Some(&serde_json::to_value(&before)?), Some(&serde_json::to_value(&after)?))?;
            Ok(after)
        })
    }

    /// Annuls an attestato: it stays in the register with the date and reason.
    pub fn annul_certificate(&mut self, id: i64, reason: &str) -> Result<Certificate> {
        let reason = crate::text::required(
            "reason",
            "Motivo dell'annullamento",
            reason,
            crate::text::Rule::lines(2000),
        )?;
        self.action(|tx, op| annul(tx, op, id, &reason))
    }
}

/// The signatory's name and title, refused while the name is not set: an
/// attestato is not issued unsigned.
pub(crate) fn signatory(conn: &Connection) -> Result<crate::db::kv::Settings> {
    let letter = crate::db::kv::letterhead(conn)?;
    if letter.signatory_name.trim().is_empty() {
        return Err(Error::validation(
            crate::db::kv::SIGNATORY_NAME,
            "Per rilasciare gli attestati indicare in Impostazioni il nome del firmatario (carta intestata della Segreteria Generale).",
        ));
    }
    Ok(letter)
}
