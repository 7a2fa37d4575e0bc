-- 0014: the comune's sottosezione 2.3 «Rischi corruttivi e trasparenza» of
-- the PIAO and its RPCT's relazione annuale (issue 21): what the archive did
-- not hold. The shipped lists (strategic objectives, the transparency
-- obligations of D.Lgs. 33/2013) are data embedded in the core
-- (core/data/*.json); here only each comune's choices and answers.

-- One row per comune: the section's own facts, text and answers.
CREATE TABLE piao_comune (
    istat            TEXT PRIMARY KEY REFERENCES comune(istat) ON DELETE CASCADE,
    -- The first year of the three-year period (2027 → 2027–2029).
    first_year       INTEGER CHECK (first_year IS NULL OR first_year BETWEEN 2000 AND 2100),
    -- The act that appointed the RPCT («decreto sindacale n. 5 del 10/01/2025»).
    rpct_act         TEXT NOT NULL DEFAULT '',
    -- The organs involved in approving the section.
    organs           TEXT NOT NULL DEFAULT '',
    -- The comune's own analysis of its external context.
    external_context TEXT NOT NULL DEFAULT '',
    -- How monitoring is done: what, by whom, when.
    monitoring       TEXT NOT NULL DEFAULT '',
    -- The conditions to confirm the section for the two following years,
    -- as answered (NULL: not answered; 1: yes, the condition holds).
    no_corruption    INTEGER CHECK (no_corruption IN (0, 1)),
    no_dysfunction   INTEGER CHECK (no_dysfunction IN (0, 1)),
    no_reorganisation INTEGER CHECK (no_reorganisation IN (0, 1)),
    updated_at       TEXT NOT NULL
);

-- The comune's strategic objectives, in order: from the shipped list
-- (`code`) or its own (`code` NULL), each with its indicator.
CREATE TABLE piao_objective (
    istat     TEXT NOT NULL REFERENCES comune(istat) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    code      TEXT,
    title     TEXT NOT NULL CHECK (title <> ''),
    indicator TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (istat, position)
);

-- The comune's adjustments of the shipped transparency table, by the
-- sub-section's code: not applicable, the offices that send and publish.
CREATE TABLE piao_transparency (
    istat          TEXT NOT NULL REFERENCES comune(istat) ON DELETE CASCADE,
    code           TEXT NOT NULL,
    applies        INTEGER NOT NULL DEFAULT 1 CHECK (applies IN (0, 1)),
    office_send    TEXT NOT NULL DEFAULT '',
    office_publish TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (istat, code)
);

-- The RPCT's relazione annuale of a comune and year: the four general
-- considerations of ANAC's form (at most 2,000 characters each).
CREATE TABLE piao_relazione (
    istat      TEXT NOT NULL REFERENCES comune(istat) ON DELETE CASCADE,
    year       INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    c1         TEXT NOT NULL DEFAULT '',
    c2         TEXT NOT NULL DEFAULT '',
    c3         TEXT NOT NULL DEFAULT '',
    c4         TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (istat, year)
);
