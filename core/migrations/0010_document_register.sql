-- One register for every generated document: it records the documents
-- built in code (risk schede, attestati) as well as those filled from a
-- template: `template_id` may be empty, and each row says the kind's name
-- as its domain gave it.
CREATE TABLE document_new (
    id            INTEGER PRIMARY KEY,
    istat         TEXT REFERENCES comune(istat) ON DELETE SET NULL,
    kind          TEXT NOT NULL,
    kind_label    TEXT NOT NULL,
    template_id   INTEGER REFERENCES template_version(id),
    format        TEXT NOT NULL CHECK (format IN ('pdf', 'docx')),
    path          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    operator      TEXT NOT NULL,
    batch_id      TEXT
);

INSERT INTO document_new (id, istat, kind, kind_label, template_id, format, path, sha256, bytes, created_at, operator, batch_id)
SELECT id, istat, kind,
       CASE kind
           WHEN 'delibera_giunta' THEN 'Proposta di deliberazione della Giunta Municipale'
           WHEN 'decreto_sindacale' THEN 'Decreto sindacale'
           WHEN 'lettera' THEN 'Lettera di trasmissione'
           WHEN 'schema_protocollo' THEN 'Schema di Protocollo d''intesa'
           ELSE kind
       END,
       template_id, format, path, sha256, bytes, created_at, operator, batch_id
FROM document;

DROP TABLE document;
ALTER TABLE document_new RENAME TO document;
CREATE INDEX document_comune ON document(istat, id);
CREATE INDEX document_path ON document(path);
