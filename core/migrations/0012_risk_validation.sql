-- 0012: the network's validation of the catalogue of risks and measures
-- (issue 20). Each row records one validation: the date and the act or
-- meeting that validated it, and the revision of each measure it covered,
-- so that a measure changed afterwards is a proposal again. Rows are only
-- added (a later validation supersedes the earlier one).

CREATE TABLE risk_validation (
    id           INTEGER PRIMARY KEY,
    validated_on TEXT NOT NULL,                -- ISO date of the act or meeting
    act          TEXT NOT NULL CHECK (act <> ''),
    revisions    TEXT NOT NULL DEFAULT '{}',   -- JSON {measure code: revision validated}
    recorded_at  TEXT NOT NULL,                -- UTC RFC 3339, the record's version
    operator     TEXT NOT NULL
);
