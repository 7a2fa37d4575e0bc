-- 0018: Comunicazioni. The training event a convocation is about (its ICS
-- is attached per recipient), and an index for the register's period filter.

ALTER TABLE communication ADD COLUMN event_id INTEGER REFERENCES training_event(id) ON DELETE SET NULL;
CREATE INDEX communication_event ON communication(event_id);
CREATE INDEX communication_created ON communication(created_at);
