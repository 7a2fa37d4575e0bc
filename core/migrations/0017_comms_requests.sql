-- 0017: «Requests that come back» (issue 22). A «richiesta di scheda» says
-- which scheda it asks for (the scheda di contesto, the training needs of a
-- year, the monitoring of the measures adopted); a «sollecito» of a request
-- points to it (its files carry the request's identifier). Each scheda a
-- comune sends back is kept beside the archive (path and SHA-256) and
-- registered here: the request's line for that comune is «scheda ricevuta».

CREATE TABLE comm_request (
    communication_id INTEGER PRIMARY KEY REFERENCES communication(id) ON DELETE CASCADE,
    scheda           TEXT NOT NULL CHECK (scheda IN ('contesto', 'fabbisogni', 'monitoraggio')),
    year             INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    -- For a reminder: the request it reminds.
    reminds          INTEGER REFERENCES communication(id) ON DELETE CASCADE
);
CREATE INDEX comm_request_reminds ON comm_request(reminds);

CREATE TABLE comm_return (
    id               INTEGER PRIMARY KEY,
    -- The request the scheda answers (never the reminder).
    communication_id INTEGER NOT NULL REFERENCES communication(id) ON DELETE CASCADE,
    istat            TEXT NOT NULL REFERENCES comune(istat) ON DELETE CASCADE,
    file_name        TEXT NOT NULL,
    path             TEXT NOT NULL,
    sha256           TEXT NOT NULL UNIQUE,
    -- The day the scheda was received (imported), ISO.
    received_on      TEXT NOT NULL,
    -- Values changed in the archive by it.
    changes          INTEGER NOT NULL DEFAULT 0,
    imported_at      TEXT NOT NULL
);
CREATE INDEX comm_return_request ON comm_return(communication_id, istat);
