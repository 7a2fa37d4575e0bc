//! Which schede came back: the requests' and the returns' tables as the
//! recipients' list and the receipts read them (a request or its reminder,
//! the day a comune's scheda came back, the comuni still to answer).

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// Whether a communication asks for a scheda (a request or its reminder).
pub(crate) fn is_reminder(conn: &Connection, communication: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM comm_request WHERE communication_id = ?1)",
        [communication],
        |r| r.get(0),
    )?)
}

/// The day the scheda of `istat` came back for the request `communication`
/// answers to (itself or the one it reminds), if it did.
pub(crate) fn returned_on(
    conn: &Connection,
    communication: i64,
    istat: &str,
) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT max(t.received_on) FROM comm_return t
             WHERE t.istat = ?2 AND t.communication_id =
                (SELECT coalesce(q.reminds, q.communication_id) FROM comm_request q
                 WHERE q.communication_id = ?1)",
            params![communication, istat],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// The comuni (ISTAT codes) among a request's recipients written to (a
/// message queued, sent or prepared) whose scheda has not come back.
pub(crate) fn not_returned(conn: &Connection, request: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT r.istat FROM comm_recipient r
         WHERE r.communication_id = ?1 AND r.istat IS NOT NULL
           AND EXISTS (SELECT 1 FROM comm_message m WHERE m.recipient_id = r.id)
           AND NOT EXISTS (SELECT 1 FROM comm_return t
                           WHERE t.communication_id = ?1 AND t.istat = r.istat)
         ORDER BY r.istat",
    )?;
    let rows = stmt.query_map([request], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
