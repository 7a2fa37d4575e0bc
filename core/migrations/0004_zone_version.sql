-- 0004: zones carry a version like comuni and referents, so that a stale
-- rename, referent choice or deletion is refused. Existing zones start
-- with an empty version (any first save is accepted).
ALTER TABLE zone ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
