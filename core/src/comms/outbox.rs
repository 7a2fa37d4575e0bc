//! The outbox: every message is written as `queued`, with its Message-ID,
//! before it is handed to the server; `sending` (committed) while the
//! server has it; `sent` once the server accepted it. A send stopped
//! anywhere (kill, crash, network down) resumes from the outbox: what was
//! `sent` is never sent again, what was `sending` becomes `unknown` and is
//! sent again only when the user says so. Without a server the same
//! messages are saved as `.eml` files with a CSV for mail merge (`prepared`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection};
use serde::Serialize;

use super::message::{self, Sender};
use super::smtp::{Failure, SmtpMailer};
use crate::error::{Error, Result};
use crate::job::{CancelToken, Progress};
use crate::Store;

/// What queuing did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueueReport {
    pub queued: usize,
    /// Recipients without a usable address, not queued.
    pub flagged: usize,
    /// Recipients that already had a message.
    pub already: usize,
}

/// Queues one message per recipient with a usable address, each with its
/// Message-ID, inside the caller's transaction.
fn queue_in(tx: &Connection, id: i64, sender: &str) -> Result<QueueReport> {
    let mut stmt = tx.prepare(
        "SELECT r.id, coalesce(r.address, ''), m.id IS NOT NULL FROM comm_recipient r
         LEFT JOIN comm_message m ON m.recipient_id = r.id
         WHERE r.communication_id = ?1 ORDER BY r.id",
    )?;
    let rows: Vec<(i64, String, bool)> = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut report = QueueReport {
        queued: 0,
        flagged: 0,
        already: 0,
    };
    let now = crate::db::version::now_utc();
    for (rid, address, has) in rows {
        if has {
            report.already += 1;
        } else if crate::validate::email("address", "Indirizzo", &address).is_err() {
            report.flagged += 1;
        } else {
            tx.execute(
                "INSERT INTO comm_message (recipient_id, message_id, state, queued_at, updated_at)
                 VALUES (?1, '', 'queued', ?2, ?2)",
                params![rid, now],
            )?;
            let row = tx.last_insert_rowid();
            tx.execute(
                "UPDATE comm_message SET message_id = ?2 WHERE id = ?1",
                params![row, message::new_message_id(row, sender)],
            )?;
            report.queued += 1;
        }
    }
    if report.queued + report.already == 0 {
        return Err(Error::validation(
            "recipients",
            "Nessun destinatario con un indirizzo valido: completare gli indirizzi segnalati.",
        ));
    }
    Ok(report)
}

/// A message built for the server.
pub struct Outgoing {
    pub row: i64,
    pub to: String,
    pub envelope: lettre::address::Envelope,
    pub bytes: Vec<u8>,
}

/// The communications being sent by this process, by archive (the
/// address of its handle) and id: one send at a time each.
static SENDING: Mutex<Option<HashSet<(usize, i64)>>> = Mutex::new(None);

struct Sending((usize, i64));

impl Sending {
    fn start(id: (usize, i64)) -> Result<Sending> {
        let mut set = SENDING.lock().unwrap_or_else(|p| p.into_inner());
        if !set.get_or_insert_with(HashSet::new).insert(id) {
            return Err(Error::conflict(
                "Questa comunicazione è già in invio.",
                None,
            ));
        }
        Ok(Sending(id))
    }
}

impl Drop for Sending {
    fn drop(&mut self) {
        let mut set = SENDING.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = set.as_mut() {
            s.remove(&self.0);
        }
    }
}

/// Builds the message of outbox row `row` (its stored Message-ID).
fn outgoing(
    conn: &Connection,
    row: i64,
    sender: &Sender,
    today: chrono::NaiveDate,
) -> Result<Outgoing> {
    let (recipient, mid): (i64, String) = conn.query_row(
        "SELECT recipient_id, message_id FROM comm_message WHERE id = ?1",
        [row],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (comm, a) = message::addressee(conn, recipient)?;
    let d = message::draft(conn, comm)?;
    let common = message::common_files(conn, comm)?;
    let p = message::personalise(conn, &d, &a, &common, today)?;
    let m = message::build(sender, &p, &mid)?;
    Ok(Outgoing {
        row,
        to: p.to_address,
        envelope: m.envelope().clone(),
        bytes: m.formatted(),
    })
}

fn set_state(conn: &Connection, row: i64, state: &str, error: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE comm_message SET state = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
        params![row, state, error, crate::db::version::now_utc()],
    )?;
    Ok(())
}

/// What a send did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SendReport {
    pub sent: usize,
    pub refused: usize,
    pub unknown: usize,
    /// Messages still queued when the send stopped.
    pub left_queued: usize,
    pub cancelled: bool,
    /// Why the send stopped before the end, in Italian.
    pub stopped: Option<String>,
}

/// Access to the open archive for a job that runs off the window's thread:
/// the archive is taken for each step and released while the server works.
pub trait Archive {
    fn with<T>(&self, f: &mut dyn FnMut(&mut Store) -> Result<T>) -> Result<T>;
    /// Which open archive this is (the same for every handle on it), so
    /// that one communication is sent by one job at a time.
    fn identity(&self) -> usize;
}

impl Archive for Mutex<Store> {
    fn with<T>(&self, f: &mut dyn FnMut(&mut Store) -> Result<T>) -> Result<T> {
        f(&mut self.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn identity(&self) -> usize {
        self as *const Self as usize
    }
}

impl Store {
    /// Queues the messages of a communication (one per recipient with a
    /// usable address), each with a Message-ID, in one action.
    pub fn comms_queue(&mut self, id: i64) -> Result<QueueReport> {
        let sender = super::smtp::read(&self.conn)?.from_address;
        self.action(|tx, op| {
            super::version_of(tx, id)?;
            let r = queue_in(tx, id, &sender)?;
            crate::audit::record(
                tx,
                op,
                "queue",
                "communication",
                &id.to_string(),
                None,
                Some(&serde_json::json!({"queued": r.queued, "flagged": r.flagged})),
            )?;
            Ok(r)
        })
    }

    /// Start of a send (or of its resumption): a message left `sending` by a
    /// send that stopped (kill, crash) becomes `unknown`; returns the rows
    /// still queued, in order.
    pub fn comms_outbox_resume(&mut self, id: i64) -> Result<Vec<i64>> {
        self.action(|tx, op| {
            let n = tx.execute(
                "UPDATE comm_message SET state = 'unknown', updated_at = ?2,
                    error = 'Invio interrotto mentre il server aveva il messaggio: non si sa se è partito.'
                 WHERE state = 'sending' AND recipient_id IN
                    (SELECT id FROM comm_recipient WHERE communication_id = ?1)",
                params![id, crate::db::version::now_utc()],
            )?;
            if n > 0 {
                crate::audit::record(
                    tx,
                    op,
                    "outbox_unknown",
                    "communication",
                    &id.to_string(),
                    None,
                    Some(&serde_json::json!({"unknown": n})),
                )?;
            }
            let mut stmt = tx.prepare(
                "SELECT m.id FROM comm_message m JOIN comm_recipient r ON r.id = m.recipient_id
                 WHERE r.communication_id = ?1 AND m.state = 'queued' ORDER BY m.id",
            )?;
            let rows = stmt.query_map([id], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The message of outbox row `row` as it will leave (its stored
    /// Message-ID, the text filled, the files and the generated document).
    pub fn comms_outbox_message(&self, row: i64, sender: &Sender) -> Result<Outgoing> {
        outgoing(&self.conn, row, sender, self.today())
    }

    /// Builds a queued message and marks it `sending` (committed before the
    /// server sees it).
    pub fn comms_outbox_take(&mut self, row: i64, sender: &Sender) -> Result<Outgoing> {
        let out = self.comms_outbox_message(row, sender)?;
        self.action(|tx, _| {
            tx.execute(
                "UPDATE comm_message SET state = 'sending', attempted_at = ?2, updated_at = ?2
                 WHERE id = ?1 AND state = 'queued'",
                params![row, crate::db::version::now_utc()],
            )?;
            Ok(())
        })?;
        Ok(out)
    }

    /// Records what the server answered for a message.
    pub fn comms_outbox_done(
        &mut self,
        out: &Outgoing,
        result: &std::result::Result<(), Failure>,
    ) -> Result<()> {
        self.action(|tx, op| {
            let (state, error) = match result {
                Ok(()) => ("sent", None),
                Err(Failure::Refused(m)) => ("failed", Some(m.as_str())),
                Err(Failure::Later(m)) | Err(Failure::Credentials(m)) => {
                    ("queued", Some(m.as_str()))
                }
                Err(Failure::Broken(m)) => ("unknown", Some(m.as_str())),
            };
            set_state(tx, out.row, state, error)?;
            if state == "sent" {
                tx.execute(
                    "UPDATE comm_message SET sent_at = ?2, sha256 = ?3 WHERE id = ?1",
                    params![
                        out.row,
                        crate::db::version::now_utc(),
                        crate::fs::sha256_hex(&out.bytes)
                    ],
                )?;
            }
            crate::audit::record(
                tx,
                op,
                "outbox",
                "comm_message",
                &out.row.to_string(),
                None,
                Some(&serde_json::json!({"state": state, "to": out.to})),
            )
        })
    }

    /// Puts messages back in the queue on the user's word: those whose fate
    /// is unknown or that the server refused (`recipients` empty: all of
    /// them), and «Reinvia ai non consegnati»: those a PEC receipt says were
    /// not delivered. They keep their Message-ID, so a copy that did arrive
    /// is recognised as the same message.
    pub fn comms_requeue(
        &mut self,
        id: i64,
        recipients: &[i64],
        undelivered: bool,
    ) -> Result<usize> {
        self.action(|tx, op| {
            super::version_of(tx, id)?;
            let mut stmt = tx.prepare(
                "SELECT m.id, r.id, m.state FROM comm_message m JOIN comm_recipient r ON r.id = m.recipient_id
                 WHERE r.communication_id = ?1",
            )?;
            let rows: Vec<(i64, i64, String)> = stmt
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut n = 0;
            for (m, r, state) in rows {
                if !recipients.is_empty() && !recipients.contains(&r) {
                    continue;
                }
                let again = if undelivered {
                    state == "sent" && super::receipts::not_delivered(tx, m)?
                } else {
                    state == "unknown" || state == "failed"
                };
                if again {
                    set_state(tx, m, "queued", None)?;
                    n += 1;
                }
            }
            crate::audit::record(
                tx,
                op,
                "requeue",
                "communication",
                &id.to_string(),
                None,
                Some(&serde_json::json!({"requeued": n, "undelivered": undelivered})),
            )?;
            Ok(n)
        })
    }

    /// «Senza server»: saves each message not yet sent as an `.eml` file in
    /// `folder` (never replacing a file) and a CSV for mail merge, and marks
    /// them `prepared`. Returns the CSV's path.
    pub fn comms_prepare_eml(&mut self, id: i64, folder: &Path) -> Result<(usize, PathBuf)> {
        let s = super::smtp::read(&self.conn)?;
        let sender_address = if s.from_address.is_empty() {
            crate::db::kv::letterhead(&self.conn)?.secretariat_pec
        } else {
            s.from_address.clone()
        };
        let sender = Sender {
            name: if s.from_name.is_empty() {
                sender_address.clone()
            } else {
                s.from_name
            },
            address: sender_address.clone(),
        };
        let today = self.today();
        let subject = message::draft(&self.conn, id)?.subject;
        self.action(|tx, op| {
            let has_queue: i64 = tx.query_row(
                "SELECT count(*) FROM comm_message m JOIN comm_recipient r ON r.id = m.recipient_id
                 WHERE r.communication_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if has_queue == 0 {
                queue_in(tx, id, &sender_address)?;
            }
            let mut stmt = tx.prepare(
                "SELECT m.id, coalesce(c.name, ''), r.name, r.role, r.address, r.is_pec, m.message_id
                 FROM comm_message m JOIN comm_recipient r ON r.id = m.recipient_id
                 LEFT JOIN comune c ON c.istat = r.istat
                 WHERE r.communication_id = ?1 AND m.state IN ('queued', 'prepared') ORDER BY m.id",
            )?;
            let rows: Vec<(i64, String, String, String, String, bool, String)> = stmt
                .query_map([id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let mut csv_rows = Vec::new();
            for (i, (row, comune, name, role, address, is_pec, mid)) in rows.iter().enumerate() {
                let out = outgoing(tx, *row, &sender, today)?;
                let who = if comune.is_empty() { name.clone() } else { format!("{comune} {name}") };
                let file = unique_file(folder, &format!("{:03}_{}", i + 1, crate::text::file_part(&who)), "eml", &out.bytes)?;
                set_state(tx, *row, "prepared", None)?;
                tx.execute(
                    "UPDATE comm_message SET sha256 = ?2 WHERE id = ?1",
                    params![row, crate::fs::sha256_hex(&out.bytes)],
                )?;
                csv_rows.push(vec![
                    comune.clone(),
                    name.clone(),
                    role.clone(),
                    address.clone(),
                    if *is_pec { "sì" } else { "no" }.to_string(),
                    subject.clone(),
                    file,
                    mid.clone(),
                ]);
            }
            let csv = crate::io::table_csv(
                &["Comune", "Destinatario", "Ruolo", "Indirizzo", "PEC", "Oggetto", "File", "Message-ID"],
                &csv_rows,
            )?;
            let csv_name = unique_file(folder, &format!("comunicazione_{id}_destinatari"), "csv", &csv)?;
            crate::audit::record(
                tx,
                op,
                "prepare_eml",
                "communication",
                &id.to_string(),
                None,
                Some(&serde_json::json!({"files": csv_rows.len(), "folder": folder.display().to_string()})),
            )?;
            Ok((csv_rows.len(), folder.join(csv_name)))
        })
    }
}

/// Writes `bytes` as `stem.ext` in `folder`, or `stem_2.ext`… if taken;
/// returns the name written.
fn unique_file(folder: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<String> {
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}_{n}.{ext}")
        };
        if crate::fs::write_new(&folder.join(&name), bytes)? {
            return Ok(name);
        }
    }
    Err(Error::io(format!(
        "Troppi file con il nome {stem} in {}.",
        folder.display()
    )))
}

/// Sends the queued messages of communication `id`, one per recipient,
/// taking the archive only between messages. Stops at the first error that
/// concerns every message (server unreachable, credentials refused), with
/// the rest left queued; a refused recipient is marked and the send goes on.
pub fn send<A: Archive>(
    archive: &A,
    id: i64,
    mailer: &SmtpMailer,
    progress: &dyn Fn(Progress),
    cancel: &CancelToken,
) -> Result<SendReport> {
    let _guard = Sending::start((archive.identity(), id))?;
    let rows = archive.with(&mut |s| s.comms_outbox_resume(id))?;
    let total = rows.len();
    let mut report = SendReport::default();
    progress(Progress { done: 0, total });
    if total == 0 {
        return Ok(report);
    }
    if let Err(f) = mailer.check() {
        report.left_queued = total;
        report.stopped = Some(f.message().to_string());
        return Ok(report);
    }
    for (i, row) in rows.iter().enumerate() {
        if cancel.is_cancelled() {
            report.cancelled = true;
            report.left_queued = total - i;
            break;
        }
        let out = archive.with(&mut |s| s.comms_outbox_take(*row, &mailer.sender))?;
        let result = mailer.send(&out.envelope, &out.bytes, &out.to);
        archive.with(&mut |s| s.comms_outbox_done(&out, &result))?;
        progress(Progress { done: i + 1, total });
        match &result {
            Ok(()) => report.sent += 1,
            Err(Failure::Refused(_)) => report.refused += 1,
            Err(Failure::Later(_)) => report.left_queued += 1,
            Err(f @ Failure::Credentials(_)) => {
                report.left_queued = total - i;
                report.stopped = Some(f.message().to_string());
                break;
            }
            Err(f @ Failure::Broken(_)) => {
                report.unknown += 1;
                report.left_queued = total - i - 1;
                report.stopped = Some(f.message().to_string());
                break;
            }
        }
    }
    Ok(report)
}
