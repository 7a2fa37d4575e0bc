-- 0015: Comunicazioni. A communication (its text in the acts' template
-- markup), its recipients, the files it carries, the outbox (one message per
-- recipient, its Message-ID stored before it leaves) and the PEC receipts.

CREATE TABLE communication (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('circolare', 'invito_adesione', 'sollecito',
                        'convocazione', 'avviso', 'richiesta_scheda', 'notizia')),
    subject         TEXT NOT NULL CHECK (subject <> ''),
    -- The text, in the acts' template markup with their placeholders.
    body            TEXT NOT NULL,
    signatory       TEXT NOT NULL DEFAULT '',
    -- The sender's protocol number and date (NULL: left to the protocol office).
    protocol_number TEXT,
    protocol_date   TEXT,
    -- A document generated per recipient and attached (an adhesion DocKind), or NULL.
    generated_doc   TEXT,
    -- The rule the recipients were chosen by (JSON), for the register.
    rule            TEXT NOT NULL DEFAULT '{}',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX communication_kind ON communication(kind);

CREATE TABLE comm_attachment (
    id               INTEGER PRIMARY KEY,
    communication_id INTEGER NOT NULL REFERENCES communication(id) ON DELETE CASCADE,
    file_name        TEXT NOT NULL CHECK (file_name <> ''),
    content_type     TEXT NOT NULL,
    content          BLOB NOT NULL,
    sha256           TEXT NOT NULL,
    UNIQUE (communication_id, file_name)
);

-- A recipient as addressed when the list was made (name, role and address
-- are kept as they were: the register shows whom the message went to).
CREATE TABLE comm_recipient (
    id               INTEGER PRIMARY KEY,
    communication_id INTEGER NOT NULL REFERENCES communication(id) ON DELETE CASCADE,
    istat            TEXT REFERENCES comune(istat) ON DELETE SET NULL,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL,
    address          TEXT,
    is_pec           INTEGER NOT NULL CHECK (is_pec IN (0, 1)),
    by_hand          INTEGER NOT NULL DEFAULT 0 CHECK (by_hand IN (0, 1))
);
CREATE INDEX comm_recipient_communication ON comm_recipient(communication_id);
CREATE UNIQUE INDEX comm_recipient_address ON comm_recipient(communication_id, address)
    WHERE address IS NOT NULL;

-- The outbox: a message is written here (state 'queued', with its
-- Message-ID) before it is handed to the server; 'sending' while the server
-- has it; 'sent' once the server accepted it; 'unknown' when the app stopped
-- or the connection broke while the server had it (resent only on the
-- user's word); 'failed' when the server refused it; 'prepared' when saved
-- as an .eml file for sending by webmail.
CREATE TABLE comm_message (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL UNIQUE REFERENCES comm_recipient(id) ON DELETE CASCADE,
    message_id   TEXT NOT NULL UNIQUE,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'unknown', 'failed',
                     'prepared')),
    queued_at    TEXT NOT NULL,
    attempted_at TEXT,
    sent_at      TEXT,
    error        TEXT,
    -- SHA-256 of the message as sent or prepared.
    sha256       TEXT,
    updated_at   TEXT NOT NULL
);
CREATE INDEX comm_message_state ON comm_message(state);

-- The PEC receipts imported: each file kept (path and SHA-256), matched to
-- the message it refers to by Message-ID, or NULL when none matches.
CREATE TABLE comm_receipt (
    id             INTEGER PRIMARY KEY,
    message_id     INTEGER REFERENCES comm_message(id) ON DELETE SET NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('accettazione', 'non-accettazione',
                       'presa-in-carico', 'avvenuta-consegna', 'errore-consegna',
                       'preavviso-errore-consegna', 'rilevazione-virus')),
    ref_message_id TEXT NOT NULL,
    -- The instant the receipt certifies (RFC 3339, with its zone).
    certified_at   TEXT,
    delivered_to   TEXT,
    error          TEXT,
    path           TEXT NOT NULL,
    sha256         TEXT NOT NULL UNIQUE,
    imported_at    TEXT NOT NULL
);
CREATE INDEX comm_receipt_message ON comm_receipt(message_id);
