-- 0019: the registry keeps the comune's segretario comunale as a referent
-- (role 'segretario', one in office at a time, with its period), so that a
-- communication can be addressed to the segretari. SQLite cannot widen a
-- CHECK in place: the table is rebuilt (the runner turns foreign keys off
-- while it migrates and checks every key before committing), keeping ids.

CREATE TABLE referent_new (
    id         INTEGER PRIMARY KEY,
    istat      TEXT NOT NULL REFERENCES comune(istat) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('rpct', 'operativo', 'sindaco', 'segretario', 'altro')),
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
INSERT INTO referent_new (id, istat, role, full_name, email, phone, valid_from, valid_to, notes,
    created_at, updated_at)
SELECT id, istat, role, full_name, email, phone, valid_from, valid_to, notes, created_at, updated_at
FROM referent;
DROP TABLE referent;
ALTER TABLE referent_new RENAME TO referent;
CREATE INDEX referent_comune ON referent(istat, role);
