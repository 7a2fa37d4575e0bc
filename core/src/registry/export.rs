//! The export of the comuni: the list as the query shows it, as CSV (the way
//! Italian Excel opens it) or XLSX, written atomically.

use std::path::Path;

use crate::error::Result;
use crate::io::{table_csv, table_xlsx, Format};
use crate::registry::{ComuneQuery, ComuneRow};
use crate::Store;

pub const HEADERS: [&str; 12] = [
    "Codice ISTAT",
    "Comune",
    "Codice catastale",
    "Popolazione",
    "Anno popolazione",
    "Zona omogenea",
    "RPCT",
    "PEC",
    "Codice IPA",
    "Sindaco",
    "Telefono",
    "Sito web",
];

fn cells(r: &ComuneRow) -> [String; 12] {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let n = |o: &Option<i64>| o.map(|v| v.to_string()).unwrap_or_default();
    [
        r.istat.clone(),
        r.name.clone(),
        r.cadastral_code.clone(),
        n(&r.population),
        n(&r.population_year),
        s(&r.zone_name),
        s(&r.rpct_name),
        s(&r.pec),
        s(&r.ipa_code),
        s(&r.mayor_name),
        s(&r.phone),
        s(&r.website),
    ]
}

/// The list of comuni as CSV.
pub fn comuni_csv(rows: &[ComuneRow]) -> Result<Vec<u8>> {
    table_csv(&HEADERS, &rows.iter().map(cells).collect::<Vec<_>>())
}

/// The list of comuni as XLSX.
pub fn comuni_xlsx(rows: &[ComuneRow]) -> Result<Vec<u8>> {
    table_xlsx(
        "Comuni",
        &HEADERS,
        &rows.iter().map(cells).collect::<Vec<_>>(),
        &[3, 4],
    )
}

impl Store {
    /// Exports the list of comuni as the query shows it; returns the number of rows written.
    pub fn export_comuni(&self, q: &ComuneQuery, format: Format, path: &Path) -> Result<usize> {
        let rows = self.list_comuni(q)?;
        let bytes = match format {
            Format::Csv => comuni_csv(&rows)?,
            Format::Xlsx => comuni_xlsx(&rows)?,
        };
        crate::fs::write_atomically(path, &bytes)?;
        Ok(rows.len())
    }
}
