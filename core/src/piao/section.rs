//! The comune's sottosezione 2.3 «Rischi corruttivi e trasparenza» of the
//! PIAO, whole, in the order of the simplified structure of the
//! Aggiornamento 2024 al PNA 2022 (delibera ANAC n. 31/2025): 1. scheda
//! anagrafica, 2. obiettivi strategici, 3. contesto esterno, 4. contesto
//! interno (scheda di contesto, mappatura dei processi – Allegato 1, misure
//! generali – Allegato 2, misure specifiche), 5. trasparenza (Allegato 3),
//! 6. monitoraggio and the confirmation for the two following years. Built
//! from what the archive holds; what it lacks prints as lines to fill and is
//! listed in [`Missing`]. A batch for chosen comuni goes through the one
//! batch writer.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::params;
use serde::Serialize;

use super::{get_data, obligations_source, PiaoData};
use crate::documents::batch::{self, BatchDone, BatchReport, BatchSource, Entry, OnExisting};
use crate::documents::model::{Block, Cell, Document, PageSize, Row, Style, Styled};
use crate::documents::register;
use crate::documents::{render, Format, Meta};
use crate::error::{Error, Result};
use crate::job::{CancelToken, Progress};
use crate::risks::adoption::{Adoption, ComunePlan, SIMPLIFIED_BELOW};
use crate::risks::rating::{Level, Rating};
use crate::risks::scheda::{
    b, col, col_c, comune_header, convenzione, field, group, h, it, phases_text, row, sp, table,
    targets_text, NETWORK_CATALOGUE, SIMPLIFIED_NOTE,
};
use crate::risks::schede::file_stem;
use crate::Store;

/// A line to fill by hand where the archive holds nothing.
pub const BLANK: &str = "________________________________________";
/// The same in a table's cell (it stays on one line there).
const CELL_BLANK: &str = "______________";

/// The register's kind of a section 2.3.
pub const SECTION_KIND: &str = "piao_sezione_2_3";
pub const SECTION_LABEL: &str = "Sottosezione 2.3 del PIAO";

/// The section's title, as DM 132/2022 names the part of the PIAO.
pub const SECTION_TITLE: &str = "Sottosezione 2.3 «Rischi corruttivi e trasparenza»";

/// What the archive lacks for a comune's section: where it goes, what it is,
/// and where the user fills it in.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Missing {
    /// The part of the section («1. Scheda anagrafica»).
    pub part: String,
    pub what: String,
    /// Where the app holds it («Anagrafica del comune», «Rischi e misure › Contesto», «PIAO»).
    pub place: String,
}

fn missing(part: &str, what: impl Into<String>, place: &str) -> Missing {
    Missing {
        part: part.into(),
        what: what.into(),
        place: place.into(),
    }
}

const P1: &str = "1. Scheda anagrafica";
const P2: &str = "2. Obiettivi strategici";
const P3: &str = "3. Analisi del contesto esterno";
const P4: &str = "4. Analisi del contesto interno";
const P5: &str = "5. Trasparenza";
const P6: &str = "6. Monitoraggio";
const HERE: &str = "PIAO e relazione annuale › Sezione 2.3";
const REGISTRY: &str = "Comuni › anagrafica del comune";
const CONTEXT: &str = "Rischi e misure › scheda di contesto del comune";
const MEASURES: &str = "Rischi e misure › misure adottate dal comune";

/// A value or the line to fill.
fn or_blank(v: Option<String>) -> String {
    v.filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| BLANK.to_string())
}

/// Paragraphs of a long text, or three lines to fill.
fn text_or_lines(text: &str) -> Vec<Block> {
    if text.trim().is_empty() {
        (0..3)
            .map(|_| Block::paragraph(vec![sp(BLANK.repeat(2))]))
            .collect()
    } else {
        text.split('\n')
            .filter(|p| !p.trim().is_empty())
            .map(|p| Block::paragraph(vec![sp(p)]))
            .collect()
    }
}

/// «2027–2029», or the line to fill.
pub fn period(first_year: Option<i32>) -> String {
    first_year
        .map(|y| format!("{y}–{}", y + 2))
        .unwrap_or_else(|| "____–____".into())
}

/// The four programming elements of a measure (PNA 2019, Allegato 1, § 5.2)
/// as cells: responsabili, fasi e tempi, indicatori and valori attesi.
fn programming(a: &Adoption) -> [Cell; 3] {
    [
        Cell::text(if a.responsabili.is_empty() {
            CELL_BLANK.to_string()
        } else {
            a.responsabili.join("\n")
        }),
        Cell::text(phases_text(&a.phases)),
        Cell::text(targets_text(&a.indicators)),
    ]
}

/// A table row of `n` lines to fill.
fn blank_row(n: usize) -> Row {
    row((0..n).map(|_| Cell::text(CELL_BLANK)).collect())
}

/// A mapped risk event of the comune.
struct Mapped {
    area: String,
    process: String,
    code: String,
    event: String,
    level: String,
    motivazione: String,
}

/// The answer to a confirmation condition as the section prints it.
fn answer(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "sì",
        Some(false) => "no",
        None => "non indicato",
    }
}

impl Store {
    /// The general measure (ANAC's theme) of each catalogue measure, by id.
    pub(crate) fn general_themes(&self) -> Result<BTreeMap<i64, (String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id, g.code, g.name FROM risk_measure m JOIN general_measure g ON g.code = m.general_measure",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether the comune adheres to the network (its act adopted or the
    /// protocol signed), and since when.
    fn adhered_since(&self, istat: &str) -> Result<Option<Option<String>>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT since FROM adhesion WHERE istat = ?1 AND state IN ('atto_adottato', 'protocollo_sottoscritto')",
                [istat],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The comune's mapped events: those its adopted measures treat and
    /// those it rated itself, with its own level and motivazione or the
    /// network's (marked as an estimate).
    fn mapped_events(&self, istat: &str) -> Result<Vec<Mapped>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.name, p.name, e.code, e.description, e.level, e.rating, cr.level, cr.rating
             FROM risk_event e JOIN risk_process p ON p.id = e.process_id
             JOIN risk_area a ON a.id = p.area_id
             LEFT JOIN risk_comune_rating cr ON cr.event_id = e.id AND cr.istat = ?1
             WHERE cr.event_id IS NOT NULL OR e.id IN (
                 SELECT me.event_id FROM risk_measure_event me
                 JOIN risk_adoption ad ON ad.measure_id = me.measure_id WHERE ad.istat = ?1)
             ORDER BY a.code, p.code, e.code",
        )?;
        let rows = stmt.query_map(params![istat], |r| {
            let network: Option<String> = r.get(4)?;
            let network_rating: Option<String> = r.get(5)?;
            let own: Option<String> = r.get(6)?;
            let own_rating: Option<String> = r.get(7)?;
            let motivazione = |j: Option<String>| {
                j.and_then(|j| serde_json::from_str::<Rating>(&j).ok())
                    .map(|r| r.motivazione)
                    .unwrap_or_default()
            };
            let (level, motivazione) = match own {
                Some(l) => (
                    Level::parse(&l)
                        .map(|l| l.label().to_string())
                        .unwrap_or_default(),
                    motivazione(own_rating),
                ),
                None => (
                    network
                        .as_deref()
                        .and_then(Level::parse)
                        .map(|l| format!("{} ({})", l.label(), crate::risks::scheda::ESTIMATED))
                        .unwrap_or_else(|| "non valutato".into()),
                    motivazione(network_rating),
                ),
            };
            Ok(Mapped {
                area: r.get(0)?,
                process: r.get(1)?,
                code: r.get(2)?,
                event: r.get(3)?,
                level,
                motivazione,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The comune's section 2.3 as a document, and what the archive lacks
    /// for it (the measures' state as of the Store's today).
    pub fn piao_section(&self, istat: &str) -> Result<(Document, Vec<Missing>)> {
        let today = self.today().to_string();
        let comune = self.comune(istat)?;
        let data = get_data(&self.conn, istat)?;
        let plan = self.risk_plan(istat)?;
        let themes = self.general_themes()?;
        let mapped = self.mapped_events(istat)?;
        let adhered = self.adhered_since(istat)?;
        Ok(section(
            &comune,
            &data,
            &plan,
            &themes,
            &mapped,
            adhered.as_ref().map(Option::as_deref),
            &today,
        ))
    }

    /// What the archive lacks for the comune's section 2.3.
    pub fn piao_missing(&self, istat: &str) -> Result<Vec<Missing>> {
        Ok(self.piao_section(istat)?.1)
    }

    /// The sections of a batch for the chosen comuni, read from the archive
    /// (rendered later without it).
    pub fn piao_section_job(&self, istat: &[String], format: Format) -> Result<SectionJob> {
        if istat.is_empty() {
            return Err(Error::validation("istat", "Scegliere almeno un comune."));
        }
        let today = self.today().to_string();
        let themes = self.general_themes()?;
        let mut rows = Vec::new();
        for code in istat {
            let comune = self.comune(code)?;
            let data = get_data(&self.conn, code)?;
            let plan = self.risk_plan(code)?;
            let mapped = self.mapped_events(code)?;
            let adhered = self.adhered_since(code)?;
            let (doc, _) = section(
                &comune,
                &data,
                &plan,
                &themes,
                &mapped,
                adhered.as_ref().map(Option::as_deref),
                &today,
            );
            rows.push((code.clone(), comune.name, doc));
        }
        let ext = format.extension();
        let names = batch::distinct_names(&rows, |(code, name, _), attempt| {
            let stem = section_stem(name);
            match attempt {
                0 => format!("{stem}.{ext}"),
                n => format!("{stem}_{code}_{n}.{ext}"),
            }
        });
        Ok(SectionJob {
            format,
            author: crate::documents::author(&self.conn)?,
            items: rows
                .into_iter()
                .zip(names)
                .map(|((istat, comune, document), file_name)| SectionItem {
                    istat,
                    comune,
                    document,
                    file_name,
                })
                .collect(),
        })
    }

    /// Records the sections a batch wrote in the register (one action);
    /// if that fails, the files written are removed.
    pub fn record_piao_sections(
        &mut self,
        job: &SectionJob,
        done: BatchDone,
    ) -> Result<BatchReport> {
        register::record_batch_files(self, SECTION_KIND, SECTION_LABEL, job.format, done, |i| {
            (job.items[i].istat.clone(), job.items[i].comune.clone())
        })
    }

    /// A batch of sections into `folder` in one call.
    pub fn save_piao_sections(
        &mut self,
        istat: &[String],
        format: Format,
        folder: &Path,
        on_existing: OnExisting,
        progress: &(dyn Fn(Progress) + Sync),
        cancel: &CancelToken,
    ) -> Result<BatchReport> {
        let job = self.piao_section_job(istat, format)?;
        let done = batch::run(&job, folder, on_existing, progress, cancel)?;
        self.record_piao_sections(&job, done)
    }
}

/// The stem of a section's file: `PIAO_sezione_2.3_Lipari`.
pub fn section_stem(comune: &str) -> String {
    format!("PIAO_sezione_2.3_{}", file_stem(comune))
}

/// The properties of a comune's section (`author`: [`crate::documents::author`]).
pub fn section_meta(doc: &Document, author: &str) -> Meta {
    Meta::new(doc.title.clone(), SECTION_TITLE)
        .by(author)
        .keywords(["PIAO", "anticorruzione", "trasparenza", "sottosezione 2.3"])
}

/// One section of a batch.
#[derive(Debug, Clone)]
pub struct SectionItem {
    pub istat: String,
    pub comune: String,
    pub document: Document,
    pub file_name: String,
}

/// A batch of sections prepared from the archive: it renders without it.
#[derive(Debug, Clone)]
pub struct SectionJob {
    pub format: Format,
    pub items: Vec<SectionItem>,
    /// The documents' author (see [`crate::documents::author`]).
    pub author: String,
}

impl BatchSource for SectionJob {
    type Item = SectionItem;

    fn items(&self) -> &[SectionItem] {
        &self.items
    }

    fn entry(&self, item: &SectionItem) -> Entry {
        Entry {
            key: item.istat.clone(),
            label: item.comune.clone(),
            file_name: item.file_name.clone(),
        }
    }

    fn render(&self, item: &SectionItem) -> Result<Vec<u8>> {
        Ok(render(
            &item.document,
            self.format,
            &section_meta(&item.document, &self.author),
        )?
        .bytes)
    }
}

/// Builds the section from what was read.
fn section(
    comune: &crate::registry::Comune,
    data: &PiaoData,
    plan: &ComunePlan,
    themes: &BTreeMap<i64, (String, String)>,
    mapped: &[Mapped],
    adhered: Option<Option<&str>>,
    today: &str,
) -> (Document, Vec<Missing>) {
    let c = &plan.context;
    let mut miss = Vec::new();
    let period = period(data.first_year);
    if data.first_year.is_none() {
        miss.push(missing(
            P1,
            "Periodo di riferimento (primo anno del triennio)",
            HERE,
        ));
    }
    let mut items = vec![
        Block::Styled(Styled::centred(
            &format!("Piano integrato di attività e organizzazione {period}"),
            13.0,
            true,
            0.0,
        )),
        Block::Styled(Styled::centred(
            "Sezione 2 «Valore pubblico, performance e anticorruzione»",
            11.0,
            false,
            4.0,
        )),
        Block::Styled(Styled::centred(SECTION_TITLE, 13.0, true, 4.0)),
        Block::Space(8.0),
        Block::paragraph(vec![it(format!(
            "Bozza predisposta il {} dai dati dell'archivio della Comunità di Pratiche dei RPCT della Città Metropolitana di Messina, da verificare e completare prima dell'approvazione. Le righe da compilare indicano i dati che l'archivio non contiene.",
            crate::text::date_it(today)
        ))]),
        h(2, "Indice", false),
        Block::Toc,
    ];

    // 1. Scheda anagrafica.
    items.push(h(1, P1, true));
    if comune
        .fiscal_code
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
    {
        miss.push(missing(P1, "Codice fiscale del Comune", REGISTRY));
    }
    if comune.population.is_none() {
        miss.push(missing(P1, "Popolazione residente", REGISTRY));
    }
    if c.employees.is_none() {
        miss.push(missing(P1, "Numero dei dipendenti", CONTEXT));
    }
    if c.rpct.is_none() {
        miss.push(missing(P1, "RPCT in carica", REGISTRY));
    }
    if data.rpct_act.is_empty() {
        miss.push(missing(P1, "Atto di nomina del RPCT", HERE));
    }
    if data.organs.is_empty() {
        miss.push(missing(P1, "Soggetti coinvolti nell'approvazione", HERE));
    }
    items.push(h(2, "Dati identificativi", false));
    items.push(Block::Fields(vec![
        field("Ente", format!("Comune di {}", comune.name)),
        field("Codice ISTAT", comune.istat.clone()),
        field("Codice fiscale", or_blank(comune.fiscal_code.clone())),
        field(
            "Territorio",
            match &comune.zone_name {
                Some(z) => format!("Città Metropolitana di Messina, zona omogenea «{z}»"),
                None => "Città Metropolitana di Messina".to_string(),
            },
        ),
    ]));
    items.push(h(2, "Caratteristiche dimensionali", false));
    items.push(Block::Fields(vec![
        field(
            "Abitanti",
            match (comune.population, comune.population_year) {
                (Some(p), Some(y)) => format!("{} (ISTAT, {y})", crate::text::thousands(p)),
                (Some(p), None) => crate::text::thousands(p),
                _ => BLANK.to_string(),
            },
        ),
        field("Dipendenti", or_blank(c.employees.map(|e| e.to_string()))),
    ]));
    if c.simplified {
        items.push(Block::paragraph(vec![it(SIMPLIFIED_NOTE)]));
    }
    items.push(h(2, "Soggetti coinvolti", false));
    items.push(Block::Fields(vec![
        field(
            "Responsabile della prevenzione della corruzione e della trasparenza (RPCT)",
            or_blank(c.rpct.clone()),
        ),
        field(
            "Atto di nomina del RPCT",
            or_blank(Some(data.rpct_act.clone())),
        ),
        field(
            "Soggetti coinvolti nell'approvazione",
            or_blank(Some(data.organs.clone())),
        ),
        field("Periodo di riferimento", period.clone()),
    ]));

    // 2. Obiettivi strategici.
    items.push(h(1, P2, true));
    items.push(Block::paragraph(vec![sp(
        "Obiettivi strategici in materia di prevenzione della corruzione e trasparenza definiti dall'organo di indirizzo (art. 1, comma 8, L. 6 novembre 2012, n. 190), con l'indicatore che ne misura il raggiungimento.",
    )]));
    let objective_rows: Vec<Row> = if data.objectives.is_empty() {
        miss.push(missing(P2, "Obiettivi strategici e loro indicatori", HERE));
        (1..=3)
            .map(|n| {
                row(vec![
                    Cell::text(n.to_string()),
                    Cell::text(CELL_BLANK),
                    Cell::text(CELL_BLANK),
                ])
            })
            .collect()
    } else {
        data.objectives
            .iter()
            .enumerate()
            .map(|(i, o)| {
                row(vec![
                    Cell::text((i + 1).to_string()),
                    Cell::text(o.title.clone()),
                    Cell::text(if o.indicator.is_empty() {
                        CELL_BLANK.to_string()
                    } else {
                        o.indicator.clone()
                    }),
                ])
            })
            .collect()
    };
    items.push(table(
        vec![
            col_c("N.", 0.6),
            col("Obiettivo strategico", 5.0),
            col("Indicatore", 4.0),
        ],
        objective_rows,
    ));

    // 3. Contesto esterno.
    items.push(h(1, P3, true));
    let mut facts = format!(
        "Il Comune di {} fa parte della Città Metropolitana di Messina",
        comune.name
    );
    if let Some(z) = &comune.zone_name {
        facts.push_str(&format!(" (zona omogenea «{z}»)"));
    }
    if let (Some(p), Some(y)) = (comune.population, comune.population_year) {
        facts.push_str(&format!(
            " e conta {} abitanti secondo il dato ISTAT del {y}",
            crate::text::thousands(p)
        ));
    }
    facts.push('.');
    if let Some(since) = adhered {
        facts.push_str(&format!(
            " Aderisce{} alla Comunità di Pratiche dei RPCT dei comuni del territorio metropolitano, che condivide l'analisi dei rischi ricorrenti e le misure omogenee del {NETWORK_CATALOGUE}.",
            since
                .map(|d| format!(" dal {}", crate::text::date_it(d)))
                .unwrap_or_default()
        ));
    }
    items.push(Block::paragraph(vec![sp(facts)]));
    items.push(h(2, "Analisi del Comune", false));
    if data.external_context.is_empty() {
        miss.push(missing(
            P3,
            "Analisi del contesto esterno propria del Comune",
            HERE,
        ));
    }
    items.extend(text_or_lines(&data.external_context));

    // 4. Contesto interno.
    items.push(h(1, P4, true));
    items.push(h(2, "Struttura organizzativa", false));
    if c.units.is_empty() {
        miss.push(missing(P4, "Unità organizzative", CONTEXT));
    }
    items.push(Block::Fields(vec![
        field("Dipendenti", or_blank(c.employees.map(|e| e.to_string()))),
        field(
            "Segretario comunale",
            if c.segretario_convenzione {
                convenzione(&c.convenzione_with)
            } else {
                "titolare della sede".into()
            },
        ),
        field("Unità organizzative", or_blank(Some(c.units.clone()))),
        field(
            "Criticità organizzative",
            if c.problems.is_empty() {
                "nessuna segnalata nella scheda di contesto".to_string()
            } else {
                c.problems.clone()
            },
        ),
    ]));

    items.push(h(2, "Mappatura dei processi (Allegato 1)", true));
    let mut map_rows = Vec::new();
    let mut area = None;
    for m in mapped {
        if area.as_deref() != Some(m.area.as_str()) {
            map_rows.push(group(&m.area, 4));
            area = Some(m.area.clone());
        }
        map_rows.push(row(vec![
            Cell::text(m.process.clone()),
            Cell::spans(vec![b(format!("{} ", m.code)), sp(m.event.clone())]),
            Cell::text(m.level.clone()),
            Cell::text(if m.motivazione.is_empty() {
                CELL_BLANK.to_string()
            } else {
                m.motivazione.clone()
            }),
        ]));
    }
    // The processes the simplified path asks for that no mapped event covers.
    let unmapped: Vec<_> = c
        .simplified_processes
        .iter()
        .filter(|p| !mapped.iter().any(|m| m.process == p.name))
        .collect();
    if c.simplified && !unmapped.is_empty() {
        map_rows.push(group(
            "Processi minimi del percorso semplificato ancora da mappare",
            4,
        ));
        for p in &unmapped {
            map_rows.push(row(vec![
                Cell::text(format!("{} ({})", p.name, p.area_name)),
                Cell::text(CELL_BLANK),
                Cell::text(CELL_BLANK),
                Cell::text(CELL_BLANK),
            ]));
        }
        miss.push(missing(
            P4,
            format!(
                "Mappatura di {} processi minimi del percorso semplificato",
                unmapped.len()
            ),
            CONTEXT,
        ));
    }
    if map_rows.is_empty() {
        miss.push(missing(
            P4,
            "Mappatura dei processi (nessun evento valutato né misura adottata)",
            MEASURES,
        ));
        map_rows.push(blank_row(4));
    }
    items.push(table(
        vec![
            col("Processo", 3.0),
            col("Evento rischioso", 4.5),
            col_c("Livello di rischio", 2.4),
            col("Motivazione", 4.5),
        ],
        map_rows,
    ));

    let general: Vec<&Adoption> = plan.adoptions.iter().filter(|a| a.general).collect();
    let specific: Vec<&Adoption> = plan.adoptions.iter().filter(|a| !a.general).collect();
    items.push(h(2, "Misure generali (Allegato 2)", true));
    items.push(Block::paragraph(vec![sp(
        "Per ciascuna misura: i responsabili, le fasi e i tempi di attuazione, gli indicatori di monitoraggio con i valori attesi (PNA 2019, Allegato 1).",
    )]));
    if general.is_empty() {
        miss.push(missing(P4, "Misure generali adottate", MEASURES));
    }
    let mut by_theme: BTreeMap<(String, String), Vec<&Adoption>> = BTreeMap::new();
    for a in &general {
        let theme = themes
            .get(&a.measure_id)
            .cloned()
            .unwrap_or_else(|| ("Z".into(), "Altre misure generali".into()));
        by_theme.entry(theme).or_default().push(a);
    }
    let mut general_rows = Vec::new();
    for ((_, theme), list) in &by_theme {
        general_rows.push(group(theme, 4));
        for a in list {
            let [resp, phases, ind] = programming(a);
            general_rows.push(row(vec![
                Cell::spans(vec![b(format!("{} ", a.code)), sp(a.title.clone())]),
                resp,
                phases,
                ind,
            ]));
        }
    }
    if general_rows.is_empty() {
        general_rows.push(blank_row(4));
    }
    let measure_cols = || {
        vec![
            col("Misura", 4.0),
            col("Responsabili", 2.6),
            col("Fasi e tempi di attuazione", 3.6),
            col("Indicatori e valori attesi", 3.6),
        ]
    };
    items.push(table(measure_cols(), general_rows));

    items.push(h(2, "Misure specifiche", true));
    let mut specific_rows: Vec<Row> = specific
        .iter()
        .map(|a| {
            let [resp, phases, ind] = programming(a);
            row(vec![
                Cell::spans(vec![b(format!("{} ", a.code)), sp(a.title.clone())]),
                resp,
                phases,
                ind,
            ])
        })
        .collect();
    if specific_rows.is_empty() {
        miss.push(missing(P4, "Misure specifiche adottate", MEASURES));
        specific_rows.push(blank_row(4));
    }
    items.push(table(measure_cols(), specific_rows));

    // 5. Trasparenza, on landscape pages.
    items.push(Block::page_break(Some(PageSize::A4Landscape)));
    items.push(h(1, format!("{P5} (Allegato 3)"), true));
    items.push(Block::paragraph(vec![sp(
        "Obblighi di pubblicazione nella sezione «Amministrazione trasparente» del sito istituzionale (D.Lgs. 14 marzo 2013, n. 33), con gli uffici responsabili della trasmissione e della pubblicazione dei dati (art. 10, comma 1, D.Lgs. 33/2013). Il RPCT ne verifica l'adempimento.",
    )]));
    items.push(Block::paragraph(vec![it(format!(
        "Fonte dell'elenco: {}",
        obligations_source()
    ))]));
    let applying: Vec<_> = data.transparency.iter().filter(|t| t.applies).collect();
    let without_office = applying
        .iter()
        .filter(|t| t.office_send.is_empty() || t.office_publish.is_empty())
        .count();
    if without_office > 0 {
        miss.push(missing(
            P5,
            format!("Uffici responsabili di {without_office} sotto-sezioni"),
            HERE,
        ));
    }
    let mut t_rows = Vec::new();
    let mut section_name = None;
    for t in &applying {
        let o = &t.obligation;
        if section_name.as_deref() != Some(o.section.as_str()) {
            t_rows.push(group(&o.section, 6));
            section_name = Some(o.section.clone());
        }
        let mut content = Cell::text(o.content.clone());
        if !o.note.is_empty() {
            content.paragraphs.push(vec![it(o.note.clone())]);
        }
        t_rows.push(row(vec![
            Cell::text(o.subsection.clone()),
            Cell::text(o.reference.clone()),
            content,
            Cell::text(o.frequency.clone()),
            Cell::text(if t.office_send.is_empty() {
                CELL_BLANK.to_string()
            } else {
                t.office_send.clone()
            }),
            Cell::text(if t.office_publish.is_empty() {
                CELL_BLANK.to_string()
            } else {
                t.office_publish.clone()
            }),
        ]));
    }
    items.push(table(
        vec![
            col("Sotto-sezione di secondo livello", 2.6),
            col("Riferimento normativo", 2.6),
            col("Obblighi", 4.2),
            col("Aggiornamento", 1.8),
            col("Ufficio responsabile della trasmissione", 1.9),
            col("Ufficio responsabile della pubblicazione", 1.9),
        ],
        t_rows,
    ));
    let excluded: Vec<String> = data
        .transparency
        .iter()
        .filter(|t| !t.applies)
        .map(|t| format!("{} {}", t.obligation.code, t.obligation.subsection))
        .collect();
    if !excluded.is_empty() {
        items.push(Block::paragraph(vec![sp(format!(
            "Sotto-sezioni non pertinenti per il Comune: {}.",
            excluded.join("; ")
        ))]));
    }

    // 6. Monitoraggio.
    items.push(Block::page_break(Some(PageSize::A4Portrait)));
    items.push(h(1, P6, true));
    items.push(Block::paragraph(vec![sp(format!(
        "Misure programmate oggetto di monitoraggio: {} (generali: {}; specifiche: {}). Per ciascuna si verifica l'attuazione delle fasi nei tempi indicati e si rilevano gli indicatori rispetto ai valori attesi. Stato di attuazione al {}:",
        plan.adoptions.len(),
        general.len(),
        specific.len(),
        crate::text::date_it(today)
    ))]));
    let mut mon_rows: Vec<Row> = plan
        .adoptions
        .iter()
        .map(|a| {
            row(vec![
                Cell::spans(vec![b(format!("{} ", a.code)), sp(a.title.clone())]),
                Cell::text(if a.late {
                    format!("{} (in ritardo)", a.state.label())
                } else {
                    a.state.label().to_string()
                }),
                Cell::text(
                    a.last_date
                        .as_deref()
                        .map(crate::text::date_it)
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::text(
                    a.next_due
                        .as_deref()
                        .map(crate::text::date_it)
                        .unwrap_or_else(|| "—".into()),
                ),
            ])
        })
        .collect();
    if mon_rows.is_empty() {
        mon_rows.push(blank_row(4));
    }
    items.push(table(
        vec![
            col("Misura", 6.0),
            col_c("Stato", 2.0),
            col_c("Monitorato il", 2.4),
            col_c("Prossima scadenza", 2.4),
        ],
        mon_rows,
    ));
    items.push(h(2, "Soggetti, tempi e modalità del monitoraggio", false));
    if data.monitoring.is_empty() {
        miss.push(missing(
            P6,
            "Soggetti, tempi e modalità del monitoraggio",
            HERE,
        ));
    }
    items.extend(text_or_lines(&data.monitoring));

    items.push(h(
        2,
        "Conferma della sottosezione per le due annualità successive",
        false,
    ));
    match c.employees {
        Some(e) if e < SIMPLIFIED_BELOW => {
            items.push(Block::paragraph(vec![sp(
                "Gli enti con meno di 50 dipendenti possono confermare la sottosezione per le due annualità successive quando nell'anno precedente non si sono verificati fatti corruttivi o ipotesi di disfunzioni amministrative significative né sono intervenute modifiche organizzative rilevanti (Aggiornamento 2024 al PNA 2022, delibera ANAC n. 31 del 30 gennaio 2025). Le condizioni, come dichiarate dal Comune:",
            )]));
            let answers = [
                ("Meno di 50 dipendenti", Some(true)),
                ("Nessun fatto corruttivo nell'anno precedente", data.no_corruption),
                (
                    "Nessuna ipotesi di disfunzione amministrativa significativa",
                    data.no_dysfunction,
                ),
                (
                    "Nessuna modifica organizzativa rilevante",
                    data.no_reorganisation,
                ),
            ];
            items.push(Block::Fields(
                answers
                    .iter()
                    .map(|(q, a)| field(q, answer(*a)))
                    .collect(),
            ));
            let all = [data.no_corruption, data.no_dysfunction, data.no_reorganisation];
            if all.iter().any(Option::is_none) {
                miss.push(missing(P6, "Condizioni per la conferma della sottosezione", HERE));
                items.push(Block::paragraph(vec![it(
                    "Condizioni non ancora tutte dichiarate: la conferma non può essere attestata.",
                )]));
            } else if all.iter().all(|a| *a == Some(true)) {
                items.push(Block::paragraph(vec![sp(format!(
                    "Ricorrendo tutte le condizioni, l'organo di indirizzo può confermare la presente sottosezione per le annualità {} con l'atto di approvazione del PIAO.",
                    data.first_year
                        .map(|y| format!("{} e {}", y + 1, y + 2))
                        .unwrap_or_else(|| "____ e ____".into())
                ))]));
            } else {
                items.push(Block::paragraph(vec![sp(
                    "Non ricorrono tutte le condizioni: la sottosezione va aggiornata ogni anno.",
                )]));
            }
        }
        Some(_) => items.push(Block::paragraph(vec![sp(
            "Il Comune ha 50 o più dipendenti: la sottosezione si aggiorna ogni anno.",
        )])),
        None => items.push(Block::paragraph(vec![sp(format!(
            "Numero dei dipendenti non indicato: la possibilità di conferma non può essere valutata. {BLANK}"
        ))])),
    }

    let doc = Document {
        style: Style::Report,
        title: format!(
            "{SECTION_TITLE} del PIAO {period} – Comune di {}",
            comune.name
        ),
        header: comune_header(&comune.name),
        size: PageSize::A4Portrait,
        blocks: items,
    };
    (doc, miss)
}
