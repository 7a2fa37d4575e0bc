-- 0006: imports. A comune no longer in ISTAT's list (suppressed or merged)
-- is marked with the date, never deleted; each applied import keeps what it
-- changed, so that it can be undone as a whole.
ALTER TABLE comune ADD COLUMN suppressed_on TEXT;

CREATE TABLE import_batch (
    id        INTEGER PRIMARY KEY,
    -- 'referenti' (referents and contacts) or 'istat' (the registry)
    kind      TEXT NOT NULL CHECK (kind IN ('referenti', 'istat')),
    file_name TEXT NOT NULL,
    at        TEXT NOT NULL,
    operator  TEXT NOT NULL,
    -- JSON: the counts shown to the user
    summary   TEXT NOT NULL,
    -- JSON: what was created or changed, with the values before
    changes   TEXT NOT NULL,
    undone_at TEXT
);
