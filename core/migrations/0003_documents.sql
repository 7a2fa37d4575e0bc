-- Templates of the generated documents and the register of what was generated.

-- Version 1 of each kind is the shipped default; every edit or restore adds
-- a version. The current template is the highest version.
CREATE TABLE template_version (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    body        TEXT NOT NULL,
    origin      TEXT NOT NULL CHECK (origin IN ('default', 'edit', 'restore')),
    -- For 'default': the shipped default's version label; for 'restore': what was restored.
    source      TEXT,
    created_at  TEXT NOT NULL,
    operator    TEXT NOT NULL,
    UNIQUE (kind, version)
);

CREATE TABLE document (
    id            INTEGER PRIMARY KEY,
    istat         TEXT REFERENCES comune(istat) ON DELETE SET NULL,
    kind          TEXT NOT NULL,
    template_id   INTEGER NOT NULL REFERENCES template_version(id),
    format        TEXT NOT NULL CHECK (format IN ('pdf', 'docx')),
    path          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    operator      TEXT NOT NULL,
    batch_id      TEXT
);

CREATE INDEX document_comune ON document(istat, id);
