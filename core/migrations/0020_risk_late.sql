-- 0020: what the late list asks of every adoption, made cheap to answer.
-- The phases of each adoption by their date: «a phase due before today and
-- after the last monitoring» is one seek in this index (it covers the
-- question), where the primary key (adoption_id, seq) had to read every
-- phase's row.
CREATE INDEX risk_adoption_phase_adoption_due ON risk_adoption_phase(adoption_id, due);

-- Each measure revision's earliest indicator date (NULL without one), kept
-- with the revision when it is written (a revision is never changed): «has
-- an indicator whose date passed» without reading every revision's JSON.
ALTER TABLE risk_measure_revision ADD COLUMN first_target TEXT;
UPDATE risk_measure_revision SET first_target =
    (SELECT min(json_extract(j.value, '$.target_date')) FROM json_each(data, '$.indicators') j)
    WHERE json_valid(data);
