//! Documents of the risks domain. Exports (CSV as Italian Excel opens it,
//! XLSX): the catalogue's measures, the risk register, a comune's measures
//! and the monitoring. The schede misura and the catalogue as PDF/A and DOCX
//! come with the document engine (`documents::render`).

use std::path::Path;

use rusqlite::params;

use super::catalogue::CatalogueFilter;
use super::rating::Level;
use super::MeasureState;
use crate::error::Result;
use crate::fs::write_atomically;
use crate::io::{table_csv, table_xlsx, Format};
use crate::Store;

fn write(
    format: Format,
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<String>],
    numeric: &[u16],
    path: &Path,
) -> Result<usize> {
    let bytes = match format {
        Format::Csv => table_csv(headers, rows)?,
        Format::Xlsx => table_xlsx(sheet, headers, rows, numeric)?,
    };
    write_atomically(path, &bytes)?;
    Ok(rows.len())
}

fn level(l: Option<Level>) -> String {
    l.map(|l| l.label().to_string()).unwrap_or_default()
}

fn yes(b: bool) -> String {
    if b { "sì" } else { "no" }.to_string()
}

impl Store {
    /// The catalogue's measures, one row each, with their programming.
    pub fn risk_catalogue_rows(&self) -> Result<(Vec<&'static str>, Vec<Vec<String>>)> {
        let headers = vec![
            "Codice",
            "Misura",
            "Natura",
            "Misura generale",
            "Tipologia",
            "Eventi trattati",
            "Aree",
            "Livello più alto",
            "Descrizione",
            "Responsabili",
            "Fasi e tempi",
            "Indicatori",
            "Valori attesi",
            "Costi",
            "Fonte",
            "Revisione",
        ];
        let mut out = Vec::new();
        for row in self.risk_measures(&CatalogueFilter::default())? {
            let m = self.risk_measure(row.id)?;
            out.push(vec![
                m.code.clone(),
                m.title.clone(),
                super::nature_label(m.general).to_string(),
                m.general_measure_name.clone().unwrap_or_default(),
                m.type_name.clone(),
                m.events
                    .iter()
                    .map(|e| e.code.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                row.areas.join("; "),
                level(m.level),
                m.description.clone(),
                m.responsabili.join("; "),
                m.phases
                    .iter()
                    .map(|p| {
                        format!(
                            "{} (entro il {})",
                            p.description,
                            crate::text::date_it(&p.due)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                m.indicators
                    .iter()
                    .map(|i| {
                        format!(
                            "{} [{}]: da {} al {} a {} al {}",
                            i.name,
                            i.kind.label(),
                            i.kind.show(&i.baseline),
                            crate::text::date_it(&i.baseline_date),
                            i.kind.show(&i.target),
                            crate::text::date_it(&i.target_date)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                m.expected.clone(),
                yes(m.cost),
                m.source.clone(),
                m.revision.to_string(),
            ]);
        }
        Ok((headers, out))
    }

    /// The risk register: area, processo, evento, fattori, livello, misure.
    pub fn risk_register_rows(&self) -> Result<(Vec<&'static str>, Vec<Vec<String>>)> {
        let headers = vec![
            "Area di rischio",
            "Processo",
            "Codice evento",
            "Evento rischioso",
            "Fattori abilitanti",
            "Livello di rischio",
            "Motivazione",
            "Misure",
        ];
        let mut out = Vec::new();
        for a in self.risk_tree(&CatalogueFilter::default())? {
            for p in &a.processes {
                for e in &p.events {
                    let ev = self.risk_event(e.id)?;
                    out.push(vec![
                        a.name.clone(),
                        p.name.clone(),
                        ev.code.clone(),
                        ev.description.clone(),
                        ev.factors
                            .iter()
                            .map(|f| f.name.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                        level(ev.level),
                        ev.rating
                            .as_ref()
                            .map(|r| r.motivazione.clone())
                            .unwrap_or_default(),
                        ev.measures
                            .iter()
                            .map(|m| format!("{} {}", m.code, m.title))
                            .collect::<Vec<_>>()
                            .join("; "),
                    ]);
                }
            }
        }
        Ok((headers, out))
    }

    pub fn export_risk_catalogue(&self, format: Format, path: &Path) -> Result<usize> {
        let (h, rows) = self.risk_catalogue_rows()?;
        write(format, "Misure", &h, &rows, &[15], path)
    }

    pub fn export_risk_register(&self, format: Format, path: &Path) -> Result<usize> {
        let (h, rows) = self.risk_register_rows()?;
        write(format, "Registro dei rischi", &h, &rows, &[], path)
    }

    /// A comune's adopted measures with their state on the store's today.
    pub fn export_risk_plan(&self, istat: &str, format: Format, path: &Path) -> Result<usize> {
        let plan = self.risk_plan(istat)?;
        let headers = [
            "Codice",
            "Misura",
            "Natura",
            "Tipologia",
            "Revisione adottata",
            "Revisione del catalogo",
            "Responsabili",
            "Fasi e tempi",
            "Stato",
            "Ultimo monitoraggio",
            "In ritardo",
            "Prossima scadenza",
        ];
        let rows: Vec<Vec<String>> = plan
            .adoptions
            .iter()
            .map(|a| {
                vec![
                    a.code.clone(),
                    a.title.clone(),
                    super::nature_label(a.general).to_string(),
                    a.type_name.clone(),
                    a.revision.to_string(),
                    a.current_revision.to_string(),
                    a.responsabili.join("; "),
                    a.phases
                        .iter()
                        .map(|p| {
                            format!(
                                "{} (entro il {})",
                                p.description,
                                crate::text::date_it(&p.due)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    a.state.label().to_string(),
                    a.last_date
                        .as_deref()
                        .map(crate::text::date_it)
                        .unwrap_or_default(),
                    yes(a.late),
                    a.next_due
                        .as_deref()
                        .map(crate::text::date_it)
                        .unwrap_or_default(),
                ]
            })
            .collect();
        write(format, "Misure del comune", &headers, &rows, &[4, 5], path)
    }

    /// Every monitoring entry (of one comune, or of all), newest first.
    pub fn export_risk_monitoring(
        &self,
        istat: Option<&str>,
        format: Format,
        path: &Path,
    ) -> Result<usize> {
        let headers = [
            "Codice ISTAT",
            "Comune",
            "Codice misura",
            "Misura",
            "Data",
            "Stato",
            "Valori degli indicatori",
            "Motivazione",
        ];
        let mut stmt = self.conn.prepare(
            "SELECT a.istat, c.name, m.code, m.title, r.date, r.state, r.vals, r.motivazione
             FROM risk_monitoring r JOIN risk_adoption a ON a.id = r.adoption_id
             JOIN comune c ON c.istat = a.istat JOIN risk_measure m ON m.id = a.measure_id
             WHERE ?1 IS NULL OR a.istat = ?1 ORDER BY c.name_key, m.code, r.date DESC, r.id DESC",
        )?;
        let rows = stmt
            .query_map(params![istat], |r| {
                let vals: String = r.get(6)?;
                let vals: Vec<Option<String>> = serde_json::from_str(&vals).unwrap_or_default();
                let state: String = r.get(5)?;
                let date: String = r.get(4)?;
                Ok(vec![
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    crate::text::date_it(&date),
                    MeasureState::parse(&state).label().to_string(),
                    vals.iter()
                        .map(|v| v.clone().unwrap_or_else(|| "—".into()))
                        .collect::<Vec<_>>()
                        .join("; "),
                    r.get(7)?,
                ])
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        write(format, "Monitoraggio", &headers, &rows, &[], path)
    }
}
