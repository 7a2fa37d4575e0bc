//! Documents of the risks domain: exports of the catalogue, of a comune's
//! measures and of the monitoring (CSV/XLSX); the schede misura and the
//! catalogue as PDF/A and DOCX through `documents::report` (when merged).
