-- 0008: training and meetings. One event model for every date on the
-- network's calendar (giornate formative, incontri RPCT, incontri decentrati
-- di zona, tavoli tematici); theme areas are data; participants, attendance
-- and the register of the attestati. Released migrations are never edited.

CREATE TABLE training_theme (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> ''),
    position   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
INSERT INTO training_theme (name, position, created_at) VALUES
    ('Anticorruzione e Trasparenza', 1, '2026-01-01T00:00:00Z'),
    ('Contratti', 2, '2026-01-01T00:00:00Z'),
    ('Formazione', 3, '2026-01-01T00:00:00Z'),
    ('Privacy', 4, '2026-01-01T00:00:00Z'),
    ('Iniziative e Utility', 5, '2026-01-01T00:00:00Z'),
    ('Modulistica', 6, '2026-01-01T00:00:00Z'),
    ('Metropoli Strategiche', 7, '2026-01-01T00:00:00Z'),
    ('Green Public Procurement', 8, '2026-01-01T00:00:00Z');

-- A repetition that created its events; the events then live on their own.
CREATE TABLE training_series (
    id         INTEGER PRIMARY KEY,
    frequency  TEXT NOT NULL CHECK (frequency IN ('weekly', 'fortnightly', 'monthly_day', 'monthly_weekday')),
    count      INTEGER NOT NULL CHECK (count > 0),
    created_at TEXT NOT NULL
);

CREATE TABLE training_event (
    id            INTEGER PRIMARY KEY,
    -- The iCalendar UID: stable for the life of the event.
    uid           TEXT NOT NULL UNIQUE,
    -- The iCalendar SEQUENCE: incremented at each change.
    sequence      INTEGER NOT NULL DEFAULT 0,
    series_id     INTEGER REFERENCES training_series(id) ON DELETE SET NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('giornata', 'incontro_rpct', 'incontro_zona', 'tavolo')),
    mode          TEXT NOT NULL CHECK (mode IN ('webinar', 'presenza', 'mista')),
    title         TEXT NOT NULL CHECK (title <> ''),
    theme_id      INTEGER REFERENCES training_theme(id) ON DELETE RESTRICT,
    date          TEXT NOT NULL,              -- ISO date
    start_time    TEXT NOT NULL,              -- HH:MM, Europe/Rome
    end_time      TEXT NOT NULL,              -- HH:MM, Europe/Rome
    place         TEXT,
    link          TEXT,
    speakers      TEXT,
    -- Hours credited, in minutes.
    credit_minutes INTEGER NOT NULL DEFAULT 0 CHECK (credit_minutes >= 0),
    level         TEXT CHECK (level IS NULL OR level IN ('generale', 'specifico')),
    -- Comma-separated: rpct, dipendenti, amministratori.
    audience      TEXT NOT NULL DEFAULT '',
    zone_id       INTEGER REFERENCES zone(id) ON DELETE SET NULL,
    seats         INTEGER CHECK (seats IS NULL OR seats > 0),
    state         TEXT NOT NULL DEFAULT 'programmato'
                  CHECK (state IN ('programmato', 'confermato', 'annullato', 'svolto')),
    notes         TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (end_time > start_time)
);
CREATE INDEX training_event_date ON training_event(date, start_time);

-- A person who attends: a referent of the registry or someone else.
CREATE TABLE training_participant (
    id          INTEGER PRIMARY KEY,
    referent_id INTEGER UNIQUE REFERENCES referent(id) ON DELETE SET NULL,
    full_name   TEXT NOT NULL CHECK (full_name <> ''),
    istat       TEXT REFERENCES comune(istat) ON DELETE SET NULL,
    ente        TEXT,
    role        TEXT,
    email       TEXT,
    -- Folded name (lower case, no accents), for matching.
    name_key    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX training_participant_email ON training_participant(email COLLATE NOCASE);
CREATE INDEX training_participant_name ON training_participant(name_key);

CREATE TABLE training_enrolment (
    event_id       INTEGER NOT NULL REFERENCES training_event(id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES training_participant(id) ON DELETE CASCADE,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (event_id, participant_id)
);

-- Attendance: an event that has any cannot be deleted, only cancelled.
CREATE TABLE training_attendance (
    event_id       INTEGER NOT NULL REFERENCES training_event(id) ON DELETE RESTRICT,
    participant_id INTEGER NOT NULL REFERENCES training_participant(id) ON DELETE RESTRICT,
    present        INTEGER NOT NULL CHECK (present IN (0, 1)),
    minutes        INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    -- 'manuale' or the platform of an imported report.
    source         TEXT NOT NULL DEFAULT 'manuale',
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (event_id, participant_id)
);

-- The register of the attestati, numbered per year without gaps.
CREATE TABLE training_certificate (
    id             INTEGER PRIMARY KEY,
    year           INTEGER NOT NULL,
    number         INTEGER NOT NULL CHECK (number > 0),
    kind           TEXT NOT NULL CHECK (kind IN ('evento', 'annuale')),
    participant_id INTEGER NOT NULL REFERENCES training_participant(id) ON DELETE RESTRICT,
    event_id       INTEGER REFERENCES training_event(id) ON DELETE RESTRICT,
    -- For a yearly summary: the year it covers.
    ref_year       INTEGER,
    minutes        INTEGER NOT NULL,
    verification   TEXT NOT NULL UNIQUE,
    issued_at      TEXT NOT NULL,
    reissued_at    TEXT,
    reissues       INTEGER NOT NULL DEFAULT 0,
    annulled_at    TEXT,
    annul_reason   TEXT,
    UNIQUE (year, number),
    CHECK ((kind = 'evento') = (event_id IS NOT NULL))
);

-- The scheda di rilevazione dei fabbisogni formativi: per comune and year,
-- each theme with a priority (1–5) and the staff interested.
CREATE TABLE training_survey (
    id             INTEGER PRIMARY KEY,
    istat          TEXT NOT NULL REFERENCES comune(istat) ON DELETE CASCADE,
    year           INTEGER NOT NULL,
    preferred_mode TEXT CHECK (preferred_mode IS NULL OR preferred_mode IN ('webinar', 'presenza', 'mista')),
    notes          TEXT,
    updated_at     TEXT NOT NULL,
    UNIQUE (istat, year)
);
CREATE TABLE training_survey_need (
    survey_id INTEGER NOT NULL REFERENCES training_survey(id) ON DELETE CASCADE,
    theme_id  INTEGER NOT NULL REFERENCES training_theme(id) ON DELETE RESTRICT,
    priority  INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
    staff     INTEGER NOT NULL DEFAULT 0 CHECK (staff >= 0),
    PRIMARY KEY (survey_id, theme_id)
);
