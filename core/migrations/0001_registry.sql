-- 0001: the registry of comuni, their referents, the zone omogenee, settings
-- and the append-only audit log. Released migrations are never edited.

PRAGMA application_id = 1128550449; -- 'CDP1'

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE zone (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- 1 while the zone is only the first-run proposal, not yet accepted.
    proposed    INTEGER NOT NULL DEFAULT 0 CHECK (proposed IN (0, 1)),
    referent_id INTEGER REFERENCES referent(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE comune (
    istat           TEXT PRIMARY KEY CHECK (length(istat) = 6),
    name            TEXT NOT NULL CHECK (name <> ''),
    cadastral_code  TEXT NOT NULL,
    capoluogo       INTEGER NOT NULL DEFAULT 0 CHECK (capoluogo IN (0, 1)),
    population      INTEGER CHECK (population IS NULL OR population >= 0),
    population_year INTEGER,
    pec             TEXT,
    ipa_code        TEXT,
    address         TEXT,
    phone           TEXT,
    website         TEXT,
    mayor_name      TEXT,
    notes           TEXT,
    zone_id         INTEGER REFERENCES zone(id) ON DELETE RESTRICT,
    lat             REAL,
    lon             REAL,
    -- Folded text (lower case, no accents, no punctuation) of name, codes and
    -- referent names, kept in step by the core in the same transaction.
    search_key      TEXT NOT NULL DEFAULT '',
    -- Folded name, for an alphabetical order that ignores accents.
    name_key        TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL
);
CREATE INDEX comune_zone ON comune(zone_id);

CREATE TABLE referent (
    id         INTEGER PRIMARY KEY,
    istat      TEXT NOT NULL REFERENCES comune(istat) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('rpct', 'operativo', 'sindaco', 'altro')),
    full_name  TEXT NOT NULL CHECK (full_name <> ''),
    email      TEXT,
    phone      TEXT,
    valid_from TEXT,
    valid_to   TEXT,
    notes      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
);
CREATE INDEX referent_comune ON referent(istat, role);

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    operator  TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_entity ON audit(entity, entity_id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
