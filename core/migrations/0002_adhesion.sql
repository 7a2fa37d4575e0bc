-- 0002: the adhesion workflow. A comune with no `adhesion` row is 'non_aderente'.

CREATE TABLE adhesion (
    istat      TEXT PRIMARY KEY REFERENCES comune(istat) ON DELETE CASCADE,
    state      TEXT NOT NULL CHECK (state IN ('non_aderente', 'invitato', 'bozza_inviata',
                   'atto_adottato', 'protocollo_sottoscritto', 'receduto')),
    -- Date (of the event) of the step that led to the state.
    since      TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX adhesion_state ON adhesion(state);

-- Every step (and every undo and reminder) is a row; undone steps stay, marked.
CREATE TABLE adhesion_step (
    id          INTEGER PRIMARY KEY,
    istat       TEXT NOT NULL REFERENCES comune(istat) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('invite', 'send_draft', 'adopt_act', 'sign_protocol',
                    'decline', 'withdraw', 'reminder', 'undo')),
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    date        TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    operator    TEXT NOT NULL,
    note        TEXT,
    data        TEXT NOT NULL DEFAULT '{}',
    document    TEXT,
    undone_by   INTEGER REFERENCES adhesion_step(id),
    bulk_id     TEXT
);
CREATE INDEX adhesion_step_comune ON adhesion_step(istat, id);

-- The adopted acts: a number is unique per comune, type and year.
CREATE TABLE adhesion_act (
    id                     INTEGER PRIMARY KEY,
    istat                  TEXT NOT NULL REFERENCES comune(istat) ON DELETE CASCADE,
    act_type               TEXT NOT NULL CHECK (act_type IN ('deliberazione_giunta', 'decreto_sindacale',
                               'determinazione_sindacale')),
    number                 TEXT NOT NULL,
    year                   INTEGER NOT NULL,
    date                   TEXT NOT NULL,
    immediately_executable INTEGER NOT NULL CHECK (immediately_executable IN (0, 1)),
    referent_id            INTEGER REFERENCES referent(id) ON DELETE SET NULL,
    step_id                INTEGER NOT NULL REFERENCES adhesion_step(id),
    UNIQUE (istat, act_type, number, year)
);
