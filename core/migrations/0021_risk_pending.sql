-- 0021: the late list reads only the adoptions it may show.
-- Each adoption's earliest phase date after its last monitoring (NULL when
-- every phase is monitored since, or it has none): «a phase's date passed
-- with no monitoring since» is then `pending_due < today`, a range of the
-- index below, where 0020 still sought every adoption's phases. Kept by the
-- archive itself (the triggers below), whatever writes the phases or the
-- last monitoring date.
ALTER TABLE risk_adoption ADD COLUMN pending_due TEXT;
UPDATE risk_adoption SET pending_due =
    (SELECT min(p.due) FROM risk_adoption_phase p
      WHERE p.adoption_id = risk_adoption.id AND p.due > coalesce(risk_adoption.last_date, ''));
CREATE INDEX risk_adoption_pending ON risk_adoption(pending_due);

CREATE TRIGGER risk_adoption_pending_phase_added AFTER INSERT ON risk_adoption_phase
BEGIN
    UPDATE risk_adoption SET pending_due =
        (SELECT min(p.due) FROM risk_adoption_phase p
          WHERE p.adoption_id = risk_adoption.id AND p.due > coalesce(risk_adoption.last_date, ''))
     WHERE id = NEW.adoption_id;
END;

CREATE TRIGGER risk_adoption_pending_phase_removed AFTER DELETE ON risk_adoption_phase
BEGIN
    UPDATE risk_adoption SET pending_due =
        (SELECT min(p.due) FROM risk_adoption_phase p
          WHERE p.adoption_id = risk_adoption.id AND p.due > coalesce(risk_adoption.last_date, ''))
     WHERE id = OLD.adoption_id;
END;

CREATE TRIGGER risk_adoption_pending_phase_changed AFTER UPDATE OF due, adoption_id ON risk_adoption_phase
BEGIN
    UPDATE risk_adoption SET pending_due =
        (SELECT min(p.due) FROM risk_adoption_phase p
          WHERE p.adoption_id = risk_adoption.id AND p.due > coalesce(risk_adoption.last_date, ''))
     WHERE id IN (OLD.adoption_id, NEW.adoption_id);
END;

CREATE TRIGGER risk_adoption_pending_monitored AFTER UPDATE OF last_date ON risk_adoption
BEGIN
    UPDATE risk_adoption SET pending_due =
        (SELECT min(p.due) FROM risk_adoption_phase p
          WHERE p.adoption_id = NEW.id AND p.due > coalesce(NEW.last_date, ''))
     WHERE id = NEW.id;
END;
