-- 0007: the network's catalogue of recurrent risks and homogeneous measures
-- (issue 12), its revisions, the comuni's context, adoptions, ratings and
-- monitoring. Structured parts of a record that are always read and written
-- whole (phases, indicators, ratings) are JSON text validated by the core.
-- The starting catalogue (core/data/catalogo_rischi.json) is seeded by the
-- core right after this migration, as revision 1.

CREATE TABLE risk_source (
    code     TEXT PRIMARY KEY,
    citation TEXT NOT NULL
);

CREATE TABLE risk_area (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> ''),
    kind       TEXT NOT NULL CHECK (kind IN ('generale', 'specifica')),
    source     TEXT,
    note       TEXT,
    -- 1 for an area added by the user (not in the shipped vocabulary).
    user_added INTEGER NOT NULL DEFAULT 0 CHECK (user_added IN (0, 1)),
    updated_at TEXT NOT NULL
);

CREATE TABLE risk_factor (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL CHECK (name <> ''),
    source TEXT
);

CREATE TABLE measure_type (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL CHECK (name <> ''),
    source TEXT
);

CREATE TABLE general_measure (
    code      TEXT PRIMARY KEY,
    name      TEXT NOT NULL CHECK (name <> ''),
    reference TEXT NOT NULL DEFAULT ''
);

CREATE TABLE risk_process (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    area_id    INTEGER NOT NULL REFERENCES risk_area(id) ON DELETE RESTRICT,
    name       TEXT NOT NULL CHECK (name <> ''),
    phases     TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    office     TEXT NOT NULL DEFAULT '',
    -- Among the processes DM 132/2022 art. 6 asks of entities under 50 employees.
    simplified INTEGER NOT NULL DEFAULT 0 CHECK (simplified IN (0, 1)),
    updated_at TEXT NOT NULL
);
CREATE INDEX risk_process_area ON risk_process(area_id);

CREATE TABLE risk_event (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    process_id  INTEGER NOT NULL REFERENCES risk_process(id) ON DELETE RESTRICT,
    description TEXT NOT NULL CHECK (description <> ''),
    factors     TEXT NOT NULL DEFAULT '[]',  -- JSON array of risk_factor codes
    rating      TEXT,                        -- JSON Rating, NULL while not rated
    level       TEXT CHECK (level IS NULL OR level IN ('B', 'M', 'A')),
    revision    INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL
);
CREATE INDEX risk_event_process ON risk_event(process_id);

CREATE TABLE risk_event_revision (
    event_id INTEGER NOT NULL REFERENCES risk_event(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    data     TEXT NOT NULL,                  -- JSON snapshot of the event
    at       TEXT NOT NULL,
    operator TEXT NOT NULL,
    PRIMARY KEY (event_id, revision)
);

CREATE TABLE risk_measure (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL CHECK (title <> ''),
    general         INTEGER NOT NULL CHECK (general IN (0, 1)),
    general_measure TEXT REFERENCES general_measure(code),
    type_code       TEXT NOT NULL REFERENCES measure_type(code),
    description     TEXT NOT NULL DEFAULT '',
    cost            INTEGER NOT NULL DEFAULT 0 CHECK (cost IN (0, 1)),
    responsabili    TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    phases          TEXT NOT NULL DEFAULT '[]',  -- JSON array of {description, due}
    indicators      TEXT NOT NULL DEFAULT '[]',  -- JSON array of Indicator
    expected        TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT '',
    -- The catalogue's status line for this measure («Proposta della Segreteria…»).
    status          TEXT NOT NULL DEFAULT '',
    search_key      TEXT NOT NULL DEFAULT '',
    revision        INTEGER NOT NULL DEFAULT 1,
    updated_at      TEXT NOT NULL
);

CREATE TABLE risk_measure_event (
    measure_id INTEGER NOT NULL REFERENCES risk_measure(id) ON DELETE CASCADE,
    event_id   INTEGER NOT NULL REFERENCES risk_event(id) ON DELETE RESTRICT,
    PRIMARY KEY (measure_id, event_id)
);
CREATE INDEX risk_measure_event_event ON risk_measure_event(event_id);

CREATE TABLE risk_measure_revision (
    measure_id INTEGER NOT NULL REFERENCES risk_measure(id) ON DELETE CASCADE,
    revision   INTEGER NOT NULL,
    data       TEXT NOT NULL,                -- JSON snapshot of the measure
    at         TEXT NOT NULL,
    operator   TEXT NOT NULL,
    PRIMARY KEY (measure_id, revision)
);

-- The network's «scheda di contesto» of a comune.
CREATE TABLE risk_context (
    istat              TEXT PRIMARY KEY REFERENCES comune(istat) ON DELETE CASCADE,
    employees          INTEGER CHECK (employees IS NULL OR employees >= 0),
    segretario_conv    INTEGER NOT NULL DEFAULT 0 CHECK (segretario_conv IN (0, 1)),
    convenzione_with   TEXT NOT NULL DEFAULT '',
    units              TEXT NOT NULL DEFAULT '',
    problems           TEXT NOT NULL DEFAULT '',
    notes              TEXT NOT NULL DEFAULT '',
    updated_at         TEXT NOT NULL
);

-- A catalogue measure adopted by a comune, at the revision it adopted.
CREATE TABLE risk_adoption (
    id           INTEGER PRIMARY KEY,
    istat        TEXT NOT NULL REFERENCES comune(istat) ON DELETE CASCADE,
    measure_id   INTEGER NOT NULL REFERENCES risk_measure(id) ON DELETE RESTRICT,
    revision     INTEGER NOT NULL,
    responsabili TEXT NOT NULL,              -- JSON array, adjusted for the comune
    adopted_on   TEXT NOT NULL,              -- ISO date
    -- Kept in step with the newest monitoring entry by the same transaction.
    last_date    TEXT,
    last_state   TEXT NOT NULL DEFAULT 'da_avviare'
        CHECK (last_state IN ('da_avviare', 'in_corso', 'attuata', 'non_attuata')),
    updated_at   TEXT NOT NULL,
    UNIQUE (istat, measure_id)
);
CREATE INDEX risk_adoption_measure ON risk_adoption(measure_id);

CREATE TABLE risk_adoption_phase (
    adoption_id INTEGER NOT NULL REFERENCES risk_adoption(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    description TEXT NOT NULL,
    due         TEXT NOT NULL,               -- ISO date
    PRIMARY KEY (adoption_id, seq)
);
CREATE INDEX risk_adoption_phase_due ON risk_adoption_phase(due);

CREATE TABLE risk_monitoring (
    id          INTEGER PRIMARY KEY,
    adoption_id INTEGER NOT NULL REFERENCES risk_adoption(id) ON DELETE CASCADE,
    date        TEXT NOT NULL,               -- ISO date
    state       TEXT NOT NULL
        CHECK (state IN ('da_avviare', 'in_corso', 'attuata', 'non_attuata')),
    motivazione TEXT NOT NULL DEFAULT '',
    vals        TEXT NOT NULL DEFAULT '[]',  -- JSON array: one value (or null) per indicator
    created_at  TEXT NOT NULL
);
CREATE INDEX risk_monitoring_adoption ON risk_monitoring(adoption_id, date);
CREATE INDEX risk_monitoring_date ON risk_monitoring(date);

-- A comune's own rating of a catalogue event.
CREATE TABLE risk_comune_rating (
    istat      TEXT NOT NULL REFERENCES comune(istat) ON DELETE CASCADE,
    event_id   INTEGER NOT NULL REFERENCES risk_event(id) ON DELETE CASCADE,
    rating     TEXT NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('B', 'M', 'A')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (istat, event_id)
);
