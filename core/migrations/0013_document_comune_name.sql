-- The register knows no domain: the name of the comune a document is about
-- is written with its row when it is registered (as its domain gave it),
-- instead of being read from the registry's table each time.
ALTER TABLE document ADD COLUMN comune_name TEXT;

UPDATE document SET comune_name = (SELECT c.name FROM comune c WHERE c.istat = document.istat)
WHERE istat IS NOT NULL;
