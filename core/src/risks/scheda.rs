//! The risks domain's documents through the report engine: the scheda misura
//! (for the catalogue, or as adopted by one comune), the whole catalogue with
//! its table of contents and the landscape «registro dei rischi», and a
//! comune's annex to section 2.3 of the PIAO. PDF/A-2b and DOCX.

use std::collections::BTreeMap;

use crate::documents::model::{
    Block, Cell, CellAlign, Column, Document, PageSize, Rgb, Row, Span, Style, Table,
};
use crate::documents::{render, Format, Meta};
use crate::error::Result;
use crate::Store;

use super::adoption::Adoption;
use super::catalogue::{CatalogueFilter, Event, Measure};
use super::monitoring::MonitoringEntry;
use super::rating::{ComuneRatings, Level, Rating, INDICATORS};
use super::tidy;

/// The names of an indicator's two values, as the scheda prints them and the screens say them
/// (exported to the UI by `glossary.rs`).
pub const BASELINE: &str = "Valore iniziale";
pub const TARGET: &str = "Valore atteso";

const HEADER_FILL: Rgb = Rgb(0xDD, 0xE6, 0xF0);
const OVERALL_FILL: Rgb = Rgb(0xF2, 0xF2, 0xF2);
const LATE_FILL: Rgb = Rgb(0xFF, 0xF0, 0xD9);

pub(crate) fn sp(t: impl Into<String>) -> Span {
    Span {
        text: t.into(),
        bold: false,
        italic: false,
    }
}

pub(crate) fn b(t: impl Into<String>) -> Span {
    Span {
        text: t.into(),
        bold: true,
        italic: false,
    }
}

pub(crate) fn it(t: impl Into<String>) -> Span {
    Span {
        text: t.into(),
        bold: false,
        italic: true,
    }
}

pub(crate) fn col(header: &str, share: f32) -> Column {
    Column {
        header: header.into(),
        share,
        align: CellAlign::Left,
    }
}

pub(crate) fn col_c(header: &str, share: f32) -> Column {
    Column {
        header: header.into(),
        share,
        align: CellAlign::Center,
    }
}

pub(crate) fn table(columns: Vec<Column>, rows: Vec<Row>) -> Block {
    Block::Grid(Table {
        columns,
        rows,
        size: 9.0,
        header_fill: Some(HEADER_FILL),
    })
}

pub(crate) fn row(cells: Vec<Cell>) -> Row {
    Row {
        cells,
        fill: None,
        group: false,
    }
}

pub(crate) fn group(text: &str, n: usize) -> Row {
    let mut cells = vec![Cell::bold(text)];
    cells.extend((1..n).map(|_| Cell::text("")));
    Row {
        cells,
        fill: Some(HEADER_FILL),
        group: true,
    }
}

pub(crate) fn h(level: u8, text: impl Into<String>, toc: bool) -> Block {
    Block::heading(level, text, toc)
}

pub(crate) fn field(label: &str, value: impl Into<String>) -> (String, Vec<Span>) {
    (label.to_string(), vec![sp(value)])
}

fn lv(l: Option<Level>) -> String {
    l.map(|l| l.label().to_string())
        .unwrap_or_else(|| "non valutato".into())
}

/// A measure's phases, one a line: «description: entro il 31/03/2027».
pub(crate) fn phases_text(phases: &[super::Phase]) -> String {
    phases
        .iter()
        .map(|p| {
            format!(
                "{}: entro il {}",
                p.description,
                crate::text::date_it(&p.due)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A measure's indicators with their expected values, one a line:
/// «name: 100% entro il 31/12/2027».
pub(crate) fn targets_text(indicators: &[super::Indicator]) -> String {
    indicators
        .iter()
        .map(|i| {
            format!(
                "{}: {} entro il {}",
                i.name,
                i.kind.show(&i.target),
                crate::text::date_it(&i.target_date)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The RPCT of a comune whose registry does not name one: a blank to fill.
pub const RPCT_TO_FILL: &str = "____________________ (da indicare nell'anagrafe dei referenti)";

/// The line under the annex's title: the Giunta's deliberation approving
/// the PIAO it is attached to, numbers left blank.
pub const ANNEX_DELIBERATION: &str =
    "Allegato alla deliberazione della Giunta Municipale n. ____ del ____ di approvazione del PIAO";

/// The title of a comune's annex, as DM 132/2022 names the part of the PIAO.
pub const ANNEX_TITLE: &str =
    "Allegato alla sottosezione 2.3 «Rischi corruttivi e trasparenza» del PIAO";

/// The simplified path of an ente under 50 employees (DM 132/2022, art. 6,
/// with the areas of art. 1, comma 16, L. 190/2012 it refers to).
pub const SIMPLIFIED_NOTE: &str = "Ente con meno di 50 dipendenti: si applicano le modalità semplificate dell'art. 6 del D.M. 30 giugno 2022, n. 132, che limita l'aggiornamento della mappatura dei processi alle aree di rischio dell'art. 1, comma 16, della L. 190/2012 (autorizzazione/concessione; contratti pubblici; concessione ed erogazione di sovvenzioni, contributi, sussidi, ausili finanziari, nonché attribuzione di vantaggi economici di qualunque genere a persone ed enti pubblici e privati; concorsi e prove selettive) e ai processi individuati dal RPCT e dai responsabili degli uffici come di maggiore rilievo per il raggiungimento degli obiettivi di performance a protezione del valore pubblico.";

/// The network's rating where the comune has not rated the event.
pub const ESTIMATED: &str = "stimato dalla rete, da confermare";

/// Where the catalogue comes from, as a comune's documents name it.
pub const NETWORK_CATALOGUE: &str = "catalogo dei rischi ricorrenti e delle misure omogenee della Comunità di Pratiche dei RPCT della Città Metropolitana di Messina";

/// The header of a comune's own documents (its annex, its schede as
/// adopted): the comune, then the Città Metropolitana.
pub fn comune_header(comune: &str) -> Vec<String> {
    vec![
        format!("COMUNE DI {}", comune.to_uppercase()),
        "Città Metropolitana di Messina".to_string(),
    ]
}

/// «in convenzione con il Comune di Torrenova» from what the scheda di
/// contesto holds («Comune di Torrenova», «Torrenova», «Torrenova e Capri Leone»).
pub fn convenzione(with: &str) -> String {
    let w = with.trim();
    let name = ["Comune di ", "comune di ", "Comuni di ", "comuni di "]
        .iter()
        .find_map(|p| w.strip_prefix(p))
        .unwrap_or(w)
        .trim();
    if name.is_empty() {
        "in convenzione con il Comune di ____________________".to_string()
    } else if name.contains(',') || name.contains(" e ") {
        format!("in convenzione con i Comuni di {name}")
    } else {
        format!("in convenzione con il Comune di {name}")
    }
}

/// The level of an event as a comune's document prints it: its own, or the
/// network's marked as an estimate to confirm.
fn comune_level(event: i64, network: Option<Level>, own: Option<&ComuneRatings>) -> String {
    match own {
        None => lv(network),
        Some(own) => match own.get(&event) {
            Some((l, _)) => l.label().to_string(),
            None => match network {
                Some(l) => format!("{} ({ESTIMATED})", l.label()),
                None => "non valutato".into(),
            },
        },
    }
}

/// The header of the network's documents, as training and organigram
/// print it.
const HEADER: [&str; 2] = [
    "Città Metropolitana di Messina – Segreteria Generale",
    "Comunità di Pratiche dei RPCT",
];

/// The rating of an event as a ruled table: six indicators, then the overall
/// judgement on a shaded row. The level column is the level of risk each
/// indicator gives (so «Alto» beside «Grado di attuazione delle misure di
/// trattamento» reads as a high risk, measures not in place).
/// With `event`, the table opens with a shaded row naming it (kept with the
/// rows, where a paragraph above could be left alone at a page's foot).
fn rating_table(r: &Rating, event: Option<&str>) -> Block {
    let mut rows: Vec<Row> = event.map(|e| group(e, 3)).into_iter().collect();
    rows.extend(r.indicators.iter().enumerate().map(|(i, ind)| {
        row(vec![
            Cell::text(INDICATORS.get(i).copied().unwrap_or("")),
            Cell::text(lv(ind.level)),
            Cell::text(ind.motivazione.clone()),
        ])
    }));
    // The reason for a level below the highest indicator, once: the
    // shipped catalogue's motivazione already gives it.
    let mut mot = r.motivazione.clone();
    if !r.prudence_reason.is_empty() && tidy(&r.prudence_reason) != tidy(&r.motivazione) {
        mot.push_str(&format!(
            "\nGiudizio inferiore al livello più alto degli indicatori: {}",
            r.prudence_reason
        ));
    }
    rows.push(Row {
        cells: vec![
            Cell::bold("Giudizio complessivo"),
            Cell::bold(lv(r.overall)),
            Cell::text(mot),
        ],
        fill: Some(OVERALL_FILL),
        group: false,
    });
    table(
        vec![
            col("Indicatore (Box 8 ANAC)", 2.8),
            col_c("Livello di rischio", 1.8),
            col("Motivazione", 4.8),
        ],
        rows,
    )
}

/// The items of one measure's sheet (shared by the scheda and the catalogue).
#[allow(clippy::too_many_arguments)]
fn measure_items(
    m: &Measure,
    events: &[Event],
    adoption: Option<&Adoption>,
    entries: &[MonitoringEntry],
    figures: Option<(i64, i64)>,
    heading: u8,
    toc: bool,
    ratings: bool,
    sources: &BTreeMap<String, String>,
    own: Option<&ComuneRatings>,
) -> Vec<Block> {
    let mut items = Vec::new();
    items.push(h(heading, format!("{} · {}", m.code, m.title), toc));
    let mut areas: Vec<String> = Vec::new();
    let mut processes: Vec<&Event> = Vec::new();
    for e in events {
        if !areas.contains(&e.area_name) {
            areas.push(e.area_name.clone());
        }
        if !processes.iter().any(|p| p.process_id == e.process_id) {
            processes.push(e);
        }
    }
    let mut fields = Vec::new();
    if let Some(a) = adoption {
        fields.push(field("Comune", &a.comune));
    }
    // A general measure works across the whole organisation, whatever
    // events it is linked to.
    fields.push(field(
        "Area di rischio",
        if m.general || areas.is_empty() {
            "trasversale a tutte le aree di rischio".to_string()
        } else {
            areas.join("; ")
        },
    ));
    match processes.as_slice() {
        _ if m.general => fields.push(field("Processo", "tutti i processi dell'ente")),
        [] => fields.push(field("Processo", "tutti i processi dell'ente")),
        [p] => {
            fields.push(field("Processo", &p.process_name));
            if !p.process_phases.is_empty() {
                fields.push(field("Fasi del processo", p.process_phases.join("; ")));
            }
            if !p.process_office.is_empty() {
                fields.push(field("Ufficio responsabile", &p.process_office));
            }
        }
        many => fields.push(field(
            "Processi",
            many.iter()
                .map(|p| p.process_name.clone())
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
    fields.push(field(
        "Natura",
        if m.general {
            format!(
                "misura {}{}",
                super::nature_label(true),
                m.general_measure_name
                    .as_ref()
                    .map(|g| format!(" ({g})"))
                    .unwrap_or_default()
            )
        } else {
            format!("misura {}", super::nature_label(false))
        },
    ));
    fields.push(field("Tipologia", &m.type_name));
    fields.push(field(
        "Livello di rischio",
        match own {
            None => lv(m.level),
            // The highest of the comune's own levels and, for the events it
            // has not rated, the network's (then an estimate to confirm).
            Some(own) => {
                let level = |e: &Event| own.get(&e.id).map(|(l, _)| *l).or(e.level);
                let highest = events.iter().filter_map(level).max();
                let estimated = events
                    .iter()
                    .any(|e| !own.contains_key(&e.id) && e.level.is_some() && e.level == highest);
                match highest {
                    Some(l) if estimated => format!("{} ({ESTIMATED})", l.label()),
                    l => lv(l),
                }
            }
        },
    ));
    fields.push(field(
        "Costi",
        if m.cost {
            "sì"
        } else {
            "nessun costo aggiuntivo"
        },
    ));
    let rev = match adoption {
        Some(a) if a.revision < a.current_revision => format!(
            "adottata la revisione {} (nel catalogo c'è la revisione {})",
            a.revision, a.current_revision
        ),
        Some(a) => format!("revisione {} del catalogo", a.revision),
        None => format!("revisione {} · {}", m.revision, m.status),
    };
    fields.push(field("Revisione", rev));
    items.push(Block::Fields(fields));

    items.push(h(heading + 1, "Descrizione", false));
    items.push(Block::paragraph(vec![sp(if m.description.is_empty() {
        "—".to_string()
    } else {
        m.description.clone()
    })]));

    items.push(h(
        heading + 1,
        if m.general && !events.is_empty() {
            "Eventi rischiosi cui la misura si applica in particolare"
        } else {
            "Eventi rischiosi e fattori abilitanti"
        },
        false,
    ));
    if events.is_empty() {
        items.push(Block::paragraph(vec![it(
            "Misura generale che opera su tutti i processi dell'ente.",
        )]));
    } else {
        items.push(table(
            vec![
                col("Evento rischioso", 4.0),
                col("Processo", 2.5),
                col("Fattori abilitanti", 3.0),
                col_c("Livello di rischio", 2.2),
            ],
            events
                .iter()
                .map(|e| {
                    row(vec![
                        Cell::spans(vec![b(format!("{} ", e.code)), sp(e.description.clone())]),
                        Cell::text(e.process_name.clone()),
                        Cell::text(
                            e.factors
                                .iter()
                                .map(|f| f.name.clone())
                                .collect::<Vec<_>>()
                                .join("\n"),
                        ),
                        Cell::text(comune_level(e.id, e.level, own)),
                    ])
                })
                .collect(),
        ));
        // A comune's document gives its own rating, or the network's as an
        // estimate to confirm; the catalogue gives the network's.
        let rated: Vec<(&Event, &Rating, String)> = events
            .iter()
            .filter_map(|e| match own.and_then(|o| o.get(&e.id)) {
                Some((_, r)) => Some((e, r, format!("Evento {} – valutazione del Comune", e.code))),
                None => e.rating.as_ref().map(|r| {
                    let title = if own.is_some() {
                        format!("Evento {} – livello {ESTIMATED}", e.code)
                    } else {
                        format!("Evento {}", e.code)
                    };
                    (e, r, title)
                }),
            })
            .collect();
        if ratings && !rated.is_empty() {
            items.push(h(heading + 1, "Valutazione del rischio", false));
            let titled = rated.len() > 1 || own.is_some();
            for (_, r, title) in rated {
                items.push(rating_table(r, titled.then_some(title.as_str())));
            }
        }
    }

    items.push(h(heading + 1, "Programmazione", false));
    let phases = adoption.map(|a| &a.phases).unwrap_or(&m.phases);
    let resp = adoption.map(|a| &a.responsabili).unwrap_or(&m.responsabili);
    items.push(table(
        vec![
            col_c("N.", 0.5),
            col("Fase di attuazione", 5.0),
            col_c("Tempi (entro il)", 1.6),
            col("Responsabili", 3.0),
        ],
        phases
            .iter()
            .enumerate()
            .map(|(i, p)| {
                row(vec![
                    Cell::text((i + 1).to_string()),
                    Cell::text(p.description.clone()),
                    Cell::text(crate::text::date_it(&p.due)),
                    Cell::text(resp.join("\n")),
                ])
            })
            .collect(),
    ));
    items.push(h(heading + 1, "Indicatori di monitoraggio", false));
    let inds = adoption.map(|a| &a.indicators).unwrap_or(&m.indicators);
    items.push(table(
        vec![
            col("Indicatore", 3.4),
            col_c("Tipo", 1.4),
            col_c(BASELINE, 1.5),
            col_c("al", 1.3),
            col_c(TARGET, 1.3),
            col_c("entro il", 1.3),
        ],
        inds.iter()
            .map(|i| {
                row(vec![
                    Cell::text(i.name.clone()),
                    Cell::text(i.kind.label()),
                    Cell::text(i.kind.show(&i.baseline)),
                    Cell::text(crate::text::date_it(&i.baseline_date)),
                    Cell::text(i.kind.show(&i.target)),
                    Cell::text(crate::text::date_it(&i.target_date)),
                ])
            })
            .collect(),
    ));
    items.push(Block::Fields(vec![field(
        "Valori attesi",
        if m.expected.is_empty() {
            "—".to_string()
        } else {
            m.expected.clone()
        },
    )]));

    items.push(h(heading + 1, "Stato del monitoraggio", false));
    match adoption {
        Some(a) => {
            // Late on the document's date (the rule of the late list):
            // the state says so first, the last recorded state after.
            let state = if a.late {
                format!("in ritardo (ultimo stato registrato: {})", a.state.label())
            } else {
                a.state.label().to_string()
            };
            let mut f = vec![field("Stato di attuazione", state)];
            f.push(field(
                "Ultimo monitoraggio",
                a.last_date
                    .as_deref()
                    .map(crate::text::date_it)
                    .unwrap_or_else(|| "nessuno".into()),
            ));
            if a.late {
                // Why: a phase not monitored, an expected value not reached.
                let why =
                    super::adoption::late_reason(a.missed_phase.as_deref(), &a.missed_targets);
                let mut chars = why.chars();
                let why = match chars.next() {
                    Some(c) => format!("{}{}.", c.to_uppercase(), chars.as_str()),
                    None => why,
                };
                f.push(("Motivo del ritardo".to_string(), vec![b(why)]));
            } else if let Some(d) = &a.next_due {
                f.push(field("Prossima scadenza", crate::text::date_it(d)));
            }
            items.push(Block::Fields(f));
            if !entries.is_empty() {
                items.push(table(
                    vec![
                        col_c("Data", 1.3),
                        col_c("Stato", 1.4),
                        col("Valori degli indicatori", 3.0),
                        col("Motivazione", 4.0),
                    ],
                    entries
                        .iter()
                        .map(|e| Row {
                            cells: vec![
                                Cell::text(crate::text::date_it(&e.date)),
                                Cell::text(e.state.label()),
                                Cell::text(
                                    e.values
                                        .iter()
                                        .zip(inds.iter())
                                        .map(|(v, i)| {
                                            format!(
                                                "{}: {}",
                                                i.name,
                                                v.as_deref()
                                                    .map(|v| i.kind.show(v))
                                                    .unwrap_or_else(|| "—".into())
                                            )
                                        })
                                        .collect::<Vec<_>>()
                                        .join("\n"),
                                ),
                                Cell::text(e.motivazione.clone()),
                            ],
                            fill: (e.state == super::MeasureState::NonAttuata).then_some(LATE_FILL),
                            group: false,
                        })
                        .collect(),
                ));
            }
        }
        None => {
            let text = match figures {
                Some((adopted, done)) if adopted > 0 => format!(
                    "Misura del catalogo della rete: adottata da {adopted} {}, attuata da {done}. Il monitoraggio è registrato per ciascun comune che la adotta.",
                    if adopted == 1 { "comune" } else { "comuni" }
                ),
                _ => "Misura del catalogo della rete, non ancora adottata da alcun comune. Il monitoraggio è registrato per ciascun comune che la adotta.".to_string(),
            };
            items.push(Block::paragraph(vec![sp(text)]));
        }
    }
    if !m.source.is_empty() {
        let cited: Vec<String> = m
            .source
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| sources.get(c).cloned().unwrap_or_else(|| c.to_string()))
            .collect();
        items.push(Block::paragraph(vec![it(format!(
            "{}: {}",
            if cited.len() == 1 { "Fonte" } else { "Fonti" },
            cited.join("; ")
        ))]));
    }
    items
}

/// The subjects of the risks documents (their files' properties).
pub const SCHEDA_SUBJECT: &str = "Scheda misura di prevenzione della corruzione";
pub const CATALOGUE_SUBJECT: &str = "Catalogo dei rischi e delle misure";
pub const ANNEX_SUBJECT: &str = "Allegato alla sottosezione 2.3 del PIAO";

/// The properties of a risks document, by `author` (see
/// [`crate::documents::author`]).
pub fn meta(author: &str, title: &str, subject: &str) -> Meta {
    Meta::new(title, subject)
        .by(author)
        .keywords(["anticorruzione", "PIAO", "misure"])
}

impl Store {
    /// A risks document in `format`, with its properties.
    fn rendered(&self, r: &Document, format: Format, subject: &str) -> Result<Vec<u8>> {
        let author = crate::documents::author(&self.conn)?;
        Ok(render(r, format, &meta(&author, &r.title, subject))?.bytes)
    }

    fn risk_sources(&self) -> Result<BTreeMap<String, String>> {
        Ok(self
            .risk_vocabulary()?
            .sources
            .into_iter()
            .map(|s| (s.code, s.citation))
            .collect())
    }

    fn measure_events(&self, m: &Measure) -> Result<Vec<Event>> {
        m.events.iter().map(|e| self.risk_event(e.id)).collect()
    }

    /// The scheda of a measure: of the catalogue, or as adopted by `istat`.
    pub fn risk_scheda_report(&self, measure_id: i64, istat: Option<&str>) -> Result<Document> {
        let m = self.risk_measure(measure_id)?;
        let events = self.measure_events(&m)?;
        let mut header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
        let mut own = None;
        let (adoption, entries) = match istat {
            Some(code) => {
                let id: i64 = self
                    .conn
                    .query_row(
                        "SELECT id FROM risk_adoption WHERE istat = ?1 AND measure_id = ?2",
                        rusqlite::params![code, measure_id],
                        |r| r.get(0),
                    )
                    .map_err(|_| {
                        crate::error::Error::not_found("Il comune non ha adottato questa misura.")
                    })?;
                let a = self.risk_adoption(id)?;
                // The scheda as adopted is the comune's document.
                header = comune_header(&a.comune);
                own = Some(self.comune_ratings(code)?);
                let e = self.risk_monitoring(id)?;
                (Some(a), e)
            }
            None => (None, Vec::new()),
        };
        let figures = Some(self.risk_measure_counts(measure_id)?);
        let mut items = vec![Block::paragraph(vec![b("SCHEDA MISURA")])];
        if let Some(a) = &adoption {
            items.push(Block::paragraph(vec![sp(format!(
                "Misura adottata dal Comune di {} il {} dal {}.",
                a.comune,
                crate::text::date_it(&a.adopted_on),
                NETWORK_CATALOGUE
            ))]));
        }
        items.extend(measure_items(
            &m,
            &events,
            adoption.as_ref(),
            &entries,
            figures,
            1,
            false,
            true,
            &self.risk_sources()?,
            own.as_ref(),
        ));
        Ok(Document {
            style: Style::Report,
            title: format!("Scheda misura {} – {}", m.code, m.title),
            header,
            size: PageSize::A4Portrait,
            blocks: items,
        })
    }

    pub fn risk_scheda(
        &self,
        measure_id: i64,
        istat: Option<&str>,
        format: Format,
    ) -> Result<Vec<u8>> {
        let r = self.risk_scheda_report(measure_id, istat)?;
        self.rendered(&r, format, SCHEDA_SUBJECT)
    }

    /// The landscape risk register rows, grouped by area.
    /// With `adopted`, the measures listed are only those (a comune's), and
    /// an event with none of them says so.
    fn register_items(
        &self,
        only: Option<&[i64]>,
        own: Option<&ComuneRatings>,
        adopted: Option<&[i64]>,
    ) -> Result<Vec<Block>> {
        let mut rows = Vec::new();
        for a in self.risk_tree(&CatalogueFilter::default())? {
            let mut area_rows = Vec::new();
            for p in &a.processes {
                for e in &p.events {
                    if only.is_some_and(|o| !o.contains(&e.id)) {
                        continue;
                    }
                    let ev = self.risk_event(e.id)?;
                    area_rows.push(row(vec![
                        Cell::text(p.name.clone()),
                        Cell::spans(vec![b(format!("{} ", ev.code)), sp(ev.description.clone())]),
                        Cell::text(
                            ev.factors
                                .iter()
                                .map(|f| f.name.clone())
                                .collect::<Vec<_>>()
                                .join("\n"),
                        ),
                        Cell::text(comune_level(ev.id, ev.level, own)),
                        Cell::text({
                            let listed: Vec<String> = ev
                                .measures
                                .iter()
                                .filter(|m| adopted.is_none_or(|a| a.contains(&m.id)))
                                .map(|m| format!("{} {}", m.code, m.title))
                                .collect();
                            if listed.is_empty() && adopted.is_some() {
                                "nessuna misura adottata".to_string()
                            } else {
                                listed.join("\n")
                            }
                        }),
                    ]));
                }
            }
            if !area_rows.is_empty() {
                rows.push(group(&a.name, 5));
                rows.extend(area_rows);
            }
        }
        Ok(vec![table(
            vec![
                col("Processo", 2.5),
                col("Evento rischioso", 4.5),
                col("Fattori abilitanti", 3.5),
                col_c("Livello di rischio", 2.0),
                col("Misure", 4.0),
            ],
            rows,
        )])
    }

    /// The whole catalogue: a table of contents, the measures grouped by area
    /// (general measures first), the landscape risk register.
    pub fn risk_catalogue_report(&self) -> Result<Document> {
        let v = self.risk_vocabulary()?;
        let measures = self.risk_measures(&CatalogueFilter::default())?;
        let figures: BTreeMap<i64, (i64, i64)> = self
            .risk_measure_figures()?
            .into_iter()
            .map(|f| (f.measure_id, (f.adopted, f.implemented)))
            .collect();
        let mut items = vec![
            h(1, "Catalogo dei rischi ricorrenti e delle misure omogenee", false),
            Block::paragraph(vec![it(v.status.clone())]),
            Block::paragraph(vec![sp(format!(
                "Il catalogo comprende {} misure e {} eventi rischiosi, mappati secondo la metodologia ANAC (PNA 2019, Allegato 1). Ciascun comune adotta le misure adeguate al proprio contesto e ne cura il monitoraggio. Le misure generali sono trasversali a tutte le aree di rischio. Il livello di ciascun evento è riportato nel registro dei rischi in fondo al documento; la valutazione per esteso (Box 8 ANAC) nelle schede delle misure specifiche che lo trattano.",
                measures.len(),
                self.conn.query_row("SELECT count(*) FROM risk_event", [], |r| r.get::<_, i64>(0))?
            ))]),
            h(2, "Indice", false),
            Block::Toc,
        ];
        let full: Vec<Measure> = measures
            .iter()
            .map(|r| self.risk_measure(r.id))
            .collect::<Result<_>>()?;
        let sources = self.risk_sources()?;
        let mut placed = std::collections::BTreeSet::new();
        let general: Vec<&Measure> = full.iter().filter(|m| m.general).collect();
        if !general.is_empty() {
            items.push(Block::page_break(None));
            items.push(h(1, "Misure generali", true));
            // A general measure is cross-cutting: its card lists the events
            // it bears on with their level, and their full rating is given
            // once, with the specific measures that treat them.
            for m in general {
                placed.insert(m.id);
                let events = self.measure_events(m)?;
                items.extend(measure_items(
                    m,
                    &events,
                    None,
                    &[],
                    figures.get(&m.id).copied(),
                    2,
                    true,
                    false,
                    &sources,
                    None,
                ));
            }
        }
        for a in &v.areas {
            let in_area: Vec<&Measure> = full
                .iter()
                .filter(|m| {
                    !placed.contains(&m.id) && m.events.first().is_some_and(|e| e.area_id == a.id)
                })
                .collect();
            if in_area.is_empty() {
                continue;
            }
            items.push(Block::page_break(None));
            items.push(h(1, format!("Area: {}", a.name), true));
            for m in in_area {
                placed.insert(m.id);
                let events = self.measure_events(m)?;
                items.extend(measure_items(
                    m,
                    &events,
                    None,
                    &[],
                    figures.get(&m.id).copied(),
                    2,
                    true,
                    true,
                    &sources,
                    None,
                ));
            }
        }
        items.push(Block::page_break(Some(PageSize::A4Landscape)));
        items.push(h(1, "Registro dei rischi", true));
        items.extend(self.register_items(None, None, None)?);
        Ok(Document {
            style: Style::Report,
            title: "Catalogo dei rischi ricorrenti e delle misure omogenee".into(),
            header: HEADER.iter().map(|s| s.to_string()).collect(),
            size: PageSize::A4Portrait,
            blocks: items,
        })
    }

    pub fn risk_catalogue_document(&self, format: Format) -> Result<Vec<u8>> {
        let r = self.risk_catalogue_report()?;
        self.rendered(&r, format, CATALOGUE_SUBJECT)
    }

    /// A comune's annex to section 2.3 «Rischi corruttivi e trasparenza» of
    /// its PIAO: context, adopted measures, the risk register of the events
    /// they treat (with the comune's own levels where it rated them).
    pub fn risk_annex_report(&self, istat: &str) -> Result<Document> {
        let plan = self.risk_plan(istat)?;
        let today = self.today().to_string();
        let c = &plan.context;
        let mut items = vec![
            h(1, ANNEX_TITLE, false),
            Block::paragraph(vec![sp(ANNEX_DELIBERATION)]),
            Block::paragraph(vec![sp(format!(
                "Misure di prevenzione della corruzione adottate dal Comune di {} dal {}, con il registro dei rischi che esse trattano.",
                c.comune, NETWORK_CATALOGUE
            ))]),
            Block::paragraph(vec![sp(format!(
                "Situazione delle misure al {}",
                crate::text::date_it(&today)
            ))]),
            h(2, "Contesto organizzativo", false),
            Block::Fields(vec![
                field("Dipendenti", c.employees.map(|e| e.to_string()).unwrap_or_else(|| "non indicato".into())),
                field(
                    "Segretario comunale",
                    if c.segretario_convenzione {
                        convenzione(&c.convenzione_with)
                    } else {
                        "titolare della sede".into()
                    },
                ),
                field("RPCT", c.rpct.clone().unwrap_or_else(|| RPCT_TO_FILL.into())),
                field("Unità organizzative", if c.units.is_empty() { "—".into() } else { c.units.clone() }),
                field("Criticità organizzative", if c.problems.is_empty() { "—".into() } else { c.problems.clone() }),
            ]),
        ];
        if c.simplified {
            items.push(Block::paragraph(vec![sp(SIMPLIFIED_NOTE)]));
        }
        items.push(h(2, "Misure adottate", false));
        items.push(table(
            vec![
                col("Misura", 3.2),
                col("Responsabili", 2.2),
                col("Fasi e tempi", 3.2),
                col("Indicatori e valori attesi", 3.2),
                col_c("Stato", 1.6),
            ],
            plan.adoptions
                .iter()
                .map(|a| Row {
                    cells: vec![
                        Cell::spans(vec![
                            b(format!("{} ", a.code)),
                            sp(a.title.clone()),
                            it(if a.general {
                                " (misura generale)"
                            } else {
                                " (misura specifica)"
                            }),
                        ]),
                        Cell::text(a.responsabili.join("\n")),
                        Cell::text(phases_text(&a.phases)),
                        Cell::text(targets_text(&a.indicators)),
                        Cell::text(if a.late {
                            format!("{}\n(in ritardo)", a.state.label())
                        } else {
                            a.state.label().to_string()
                        }),
                    ],
                    fill: a.late.then_some(LATE_FILL),
                    group: false,
                })
                .collect(),
        ));
        let mut events: Vec<i64> = Vec::new();
        for a in &plan.adoptions {
            for e in self.risk_measure(a.measure_id)?.events {
                if !events.contains(&e.id) {
                    events.push(e.id);
                }
            }
        }
        // The events the comune rated itself, even without a measure adopted.
        for r in &plan.ratings {
            if !events.contains(&r.event_id) {
                events.push(r.event_id);
            }
        }
        let own: ComuneRatings = plan
            .ratings
            .iter()
            .map(|r| (r.event_id, (r.level, r.rating.clone())))
            .collect();
        if !events.is_empty() {
            items.push(Block::page_break(Some(PageSize::A4Landscape)));
            items.push(h(2, "Registro dei rischi", false));
            let adopted: Vec<i64> = plan.adoptions.iter().map(|a| a.measure_id).collect();
            items.extend(self.register_items(Some(&events), Some(&own), Some(&adopted))?);
            if plan.ratings.len() < events.len() {
                items.push(Block::paragraph(vec![it(format!(
                    "Dove il Comune non ha ancora valutato l'evento, il livello è quello del catalogo della rete ({ESTIMATED})."
                ))]));
            }
        }
        Ok(Document {
            style: Style::Report,
            title: format!("{ANNEX_TITLE} – Comune di {}", c.comune),
            header: comune_header(&c.comune),
            size: PageSize::A4Portrait,
            blocks: items,
        })
    }

    /// The schede of a batch: every measure adopted by `istat`, or
    /// `measure_id` for every comune that adopted it, as (measure, comune's
    /// ISTAT code, measure code, comune's name), by comune and code.
    pub fn risk_schede_items(
        &self,
        measure_id: Option<i64>,
        istat: Option<&str>,
    ) -> Result<Vec<(i64, String, String, String)>> {
        if measure_id.is_none() && istat.is_none() {
            return Err(crate::error::Error::validation(
                "measure",
                "Indicare la misura o il comune delle schede.",
            ));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.measure_id, a.istat, m.code, c.name FROM risk_adoption a
             JOIN risk_measure m ON m.id = a.measure_id JOIN comune c ON c.istat = a.istat
             WHERE (?1 IS NULL OR a.measure_id = ?1) AND (?2 IS NULL OR a.istat = ?2)
             ORDER BY c.name_key, m.code",
        )?;
        let rows = stmt.query_map(rusqlite::params![measure_id, istat], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn risk_annex(&self, istat: &str, format: Format) -> Result<Vec<u8>> {
        let r = self.risk_annex_report(istat)?;
        self.rendered(&r, format, ANNEX_SUBJECT)
    }
}
