-- 0009: the organigram of the project's working group. Units form a tree
-- (ordered children); unit kinds are data. People are either a referent of
-- the registry (linked, never copied) or an external person; roles are held
-- in units with validity dates. The zone omogenee are not copied here: a
-- unit with `shows_zones` shows the zones of the `zone` table as its
-- children, with their referents as the zones module keeps them.

CREATE TABLE org_unit_kind (
    code     TEXT PRIMARY KEY,
    label    TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL
);

INSERT INTO org_unit_kind (code, label, position) VALUES
    ('responsabile', 'Responsabile del progetto', 1),
    ('segreteria', 'Segreteria tecnica', 2),
    ('coordinamento', 'Coordinamento', 3),
    ('zone', 'Zone omogenee', 4),
    ('tavoli', 'Tavoli tematici', 5),
    ('tavolo', 'Tavolo tematico', 6),
    ('esperti', 'Esperti esterni', 7),
    ('gruppo', 'Gruppo di lavoro', 8);

CREATE TABLE org_unit (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES org_unit(id) ON DELETE RESTRICT,
    position    INTEGER NOT NULL DEFAULT 0,
    kind        TEXT NOT NULL REFERENCES org_unit_kind(code),
    name        TEXT NOT NULL CHECK (name <> ''),
    description TEXT,
    -- 1: the zones of the `zone` table are shown as this unit's children.
    shows_zones INTEGER NOT NULL DEFAULT 0 CHECK (shows_zones IN (0, 1)),
    -- 1: under each zone, the RPCT in office of its comuni.
    shows_rpct  INTEGER NOT NULL DEFAULT 0 CHECK (shows_rpct IN (0, 1)),
    -- When the unit was constituted and dissolved (inclusive); NULL: open.
    valid_from  TEXT,
    valid_to    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
);
CREATE INDEX org_unit_parent ON org_unit(parent_id, position);

CREATE TABLE org_person (
    id          INTEGER PRIMARY KEY,
    -- A referent of the registry: name and contacts are read from it.
    referent_id INTEGER UNIQUE REFERENCES referent(id) ON DELETE CASCADE,
    -- An external person: these fields (NULL for a referent).
    full_name   TEXT,
    ente        TEXT,
    qualifica   TEXT,
    email       TEXT,
    phone       TEXT,
    -- Folded name, for the search and the check against typing a person twice.
    name_key    TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK ((referent_id IS NULL) <> (full_name IS NULL))
);
CREATE UNIQUE INDEX org_person_email ON org_person(email) WHERE email IS NOT NULL;

CREATE TABLE org_role (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    person_id  INTEGER NOT NULL REFERENCES org_person(id) ON DELETE CASCADE,
    title      TEXT NOT NULL CHECK (title <> ''),
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX org_role_unit ON org_role(unit_id);
CREATE INDEX org_role_person ON org_role(person_id);

-- The template of the network-level act «Determinazione del Segretario
-- Generale – Costituzione (o aggiornamento) del Gruppo di lavoro», as edited
-- by the user (no row: the shipped default).
CREATE TABLE org_act_template (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The shipped proposal, empty of people: the user edits it.
INSERT INTO org_unit (id, parent_id, position, kind, name, description, shows_zones, created_at, updated_at)
VALUES
    (1, NULL, 0, 'responsabile', 'Responsabile del progetto',
        'Segretario Generale della Città Metropolitana di Messina', 0, '', ''),
    (2, 1, 0, 'segreteria', 'Segreteria tecnica', NULL, 0, '', ''),
    (3, 1, 1, 'coordinamento', 'Coordinamento', NULL, 0, '', ''),
    (4, 1, 2, 'zone', 'Zone omogenee', 'I referenti di zona', 1, '', ''),
    (5, 1, 3, 'tavoli', 'Tavoli tematici', NULL, 0, '', ''),
    (6, 1, 4, 'esperti', 'Esperti esterni', NULL, 0, '', '');
