-- 0005: what each comune's adhesion act needs to be drafted right: the organ
-- that adopts it (the Giunta by deliberazione, or the Sindaco by decreto, as
-- the comune's statute and the Sicilian rules on competence say), the office
-- that proposes it, and the comune's codice fiscale (the Protocollo d'intesa
-- names the parties with it). Existing comuni default to the Giunta and to
-- the "Area Amministrativa".
ALTER TABLE comune ADD COLUMN adopting_organ TEXT NOT NULL DEFAULT 'giunta'
    CHECK (adopting_organ IN ('giunta', 'sindaco'));
ALTER TABLE comune ADD COLUMN proposing_office TEXT NOT NULL DEFAULT 'Area Amministrativa';
ALTER TABLE comune ADD COLUMN fiscal_code TEXT;
