-- The night summer time ends (last Sunday of October) has the hour from
-- 02:00 to 02:59 twice: which one an event's start or end is, as the user
-- chose it: 'legale' (the first, still summer time, UTC+2) or 'solare' (the
-- second, UTC+1). NULL for every other time, which exists once.
ALTER TABLE training_event ADD COLUMN start_repeat TEXT
    CHECK (start_repeat IS NULL OR start_repeat IN ('legale', 'solare'));
ALTER TABLE training_event ADD COLUMN end_repeat TEXT
    CHECK (end_repeat IS NULL OR end_repeat IN ('legale', 'solare'));
