//! The Comunità di Pratiche's own year: its figures at 31 December of a
//! year (or at today, for the year under way) beside the previous year's,
//! as charts with their tables (`figures.rs` reads them from the archive's
//! histories), the «Relazione annuale della Comunità di Pratiche» built on
//! them (`document.rs`), the introduction and conclusions the secretariat
//! writes for each year, and each figure as CSV/XLSX.

mod document;
pub mod figures;
pub mod files;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::adhesion::{State, STATES};
use crate::documents::chart::{number_it, Chart, ChartKind, MapChart, Region, Series, PALETTE};
use crate::documents::element::Element;
use crate::documents::model::Rgb;
use crate::error::{Error, Result};
use crate::{audit, Store};
use figures::{Activity, Territory, PER_COMUNE, TRAINING};

/// The first year of the network (the first protocols were signed in 2017).
pub const FIRST_YEAR: i32 = 2017;

/// The drawing of a figure.
#[derive(Debug, Clone)]
pub enum Drawing {
    Chart(Chart),
    Map(MapChart),
}

impl Drawing {
    fn element(&self) -> &dyn Element {
        match self {
            Drawing::Chart(c) => c,
            Drawing::Map(m) => m,
        }
    }
}

/// One figure of the year: a chart and its numbers as a table, the same on
/// the Cruscotto, in the report and in the exported file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "YearFigure")]
pub struct Figure {
    /// Stable name, also the exported file's stem.
    pub key: String,
    /// The section of the report it belongs to.
    pub section: String,
    pub title: String,
    /// What the chart shows, for whoever cannot see it.
    pub description: String,
    pub headers: Vec<String>,
    /// The cells as printed (Italian number format).
    pub rows: Vec<Vec<String>>,
    /// The chart as SVG (user units are points), drawn by the engine.
    pub svg: String,
    #[serde(skip)]
    pub drawing: Option<Drawing>,
    /// The values behind `rows` (None for a text cell), for the exports.
    #[serde(skip)]
    pub values: Vec<Vec<Option<f64>>>,
}

/// The year's figures and what frames them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct YearFigures {
    pub year: i32,
    /// ISO date the figures are taken at: 31 December, or today for the year under way.
    pub at: String,
    pub previous_at: String,
    /// The year is not over yet: its figures are provisional.
    pub provisional: bool,
    /// The sentences that open each section of the report, by section.
    pub summaries: Vec<(String, String)>,
    pub figures: Vec<Figure>,
    /// What the figures could not read as it was (no history kept).
    pub notes: Vec<String>,
}

/// The introduction and conclusions written for a year's report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct YearTexts {
    pub year: i32,
    pub introduction: String,
    pub conclusions: String,
    /// The version of the saved texts ("" while never saved).
    #[serde(default)]
    pub updated_at: String,
}

/// The years the Cruscotto and the report offer: from the network's first
/// to the current one.
pub fn years(today: chrono::NaiveDate) -> Vec<i32> {
    (FIRST_YEAR..=today.year().max(FIRST_YEAR)).rev().collect()
}

const SECTION_ADHESION: &str = "Le adesioni";
const SECTION_TRAINING: &str = "La formazione";
const SECTION_CATALOGUE: &str = "Il catalogo dei rischi e delle misure";
const SECTION_MEETINGS: &str = "Incontri e tavoli tematici";
pub const SECTIONS: [&str; 4] = [
    SECTION_ADHESION,
    SECTION_TRAINING,
    SECTION_CATALOGUE,
    SECTION_MEETINGS,
];

/// The colours of the adhesion states, from the lightest (no step) to the
/// darkest (protocol signed); a withdrawal in red.
const STATE_COLORS: [Rgb; 6] = [
    Rgb(205, 207, 210),
    Rgb(170, 204, 240),
    Rgb(92, 157, 224),
    Rgb(0, 102, 204),
    Rgb(0, 56, 112),
    Rgb(200, 50, 70),
];

fn state_index(s: State) -> usize {
    STATES.iter().position(|x| *x == s).unwrap_or(0)
}

/// The ISO date the figures of `year` are taken at: 31 December, or today if earlier.
fn end_of(year: i32, today: &str) -> String {
    let end = format!("{year}-12-31");
    if today < end.as_str() {
        today.to_string()
    } else {
        end
    }
}

fn pct(part: i64, whole: i64) -> String {
    if whole == 0 {
        "0".into()
    } else {
        number_it(part as f64 * 100.0 / whole as f64, 1)
    }
}

/// A table's header and cells as plain text (a cell's paragraphs on lines).
fn cells_of(table: &crate::documents::model::Table) -> (Vec<String>, Vec<Vec<String>>) {
    let headers = table.columns.iter().map(|c| c.header.clone()).collect();
    let rows = table
        .rows
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .map(|c| {
                    c.paragraphs
                        .iter()
                        .map(|p| p.iter().map(|s| s.text.as_str()).collect::<String>())
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .collect()
        })
        .collect();
    (headers, rows)
}

/// A figure drawn as `drawing`, with `table` and the values behind it.
fn figure(
    key: &str,
    section: &str,
    title: String,
    drawing: Drawing,
    table: &crate::documents::model::Table,
    values: Vec<Vec<Option<f64>>>,
) -> Figure {
    let (headers, rows) = cells_of(table);
    let description = match &drawing {
        Drawing::Chart(c) => c.description.clone(),
        Drawing::Map(m) => m.description.clone(),
    };
    let mut f = Figure {
        key: key.into(),
        section: section.into(),
        title,
        description,
        headers,
        rows,
        svg: String::new(),
        drawing: Some(drawing),
        values,
    };
    f.svg = f.draw_svg();
    f
}

fn chart_figure(key: &str, section: &str, title: String, chart: Chart) -> Figure {
    let table = chart.table();
    let values = chart.table_values();
    figure(key, section, title, Drawing::Chart(chart), &table, values)
}

impl Figure {
    /// The width the figures are drawn at: the text width of an A4 report page.
    pub const WIDTH: f32 = 481.0;

    fn draw_svg(&self) -> String {
        let Some(d) = &self.drawing else {
            return String::new();
        };
        let e = d.element();
        let h = e.height(Self::WIDTH, 700.0);
        crate::documents::picture::svg(&e.draw(Self::WIDTH, h), Self::WIDTH, h)
    }

    /// The figure's table as exported: numbers as numbers (CSV: Italian
    /// decimal comma, no thousands separator), text as text.
    pub fn export(&self, format: crate::io::Format) -> Result<Vec<u8>> {
        let headers: Vec<&str> = self.headers.iter().map(String::as_str).collect();
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .zip(&self.values)
            .map(|(cells, values)| {
                cells
                    .iter()
                    .zip(values)
                    .map(|(c, v)| match (v, format) {
                        (Some(v), crate::io::Format::Xlsx) => v.to_string(),
                        (Some(v), crate::io::Format::Csv) => v.to_string().replace('.', ","),
                        (None, _) => c.clone(),
                    })
                    .collect()
            })
            .collect();
        match format {
            crate::io::Format::Csv => crate::io::table_csv(&headers, &rows),
            crate::io::Format::Xlsx => {
                let numeric: Vec<u16> = (1..headers.len() as u16).collect();
                let sheet: String = self
                    .title
                    .chars()
                    .filter(|c| !"[]:*?/\\".contains(*c))
                    .take(31)
                    .collect();
                crate::io::table_xlsx(&sheet, &headers, &rows, &numeric)
            }
        }
    }
}

fn series(name: impl Into<String>, values: Vec<f64>, color: Rgb) -> Series {
    Series {
        name: name.into(),
        values,
        color,
    }
}

fn key(year: i32) -> String {
    format!("yearly_report_texts_{year}")
}

impl Store {
    /// The years the yearly figures can be asked for.
    pub fn yearly_years(&self) -> Vec<i32> {
        years(self.today())
    }

    fn check_year(&self, year: i32) -> Result<()> {
        let today = self.today().year();
        if !(FIRST_YEAR..=today).contains(&year) {
            return Err(Error::validation(
                "year",
                format!("Anno: scegliere un anno dal {FIRST_YEAR} al {today}."),
            ));
        }
        Ok(())
    }

    /// The network's figures of `year` at 31 December (or today, for the
    /// year under way), each beside the previous year's.
    pub fn yearly_figures(&self, year: i32) -> Result<YearFigures> {
        self.check_year(year)?;
        let today = self.today().format("%Y-%m-%d").to_string();
        let at = end_of(year, &today);
        let prev = year - 1;
        let previous_at = format!("{prev}-12-31");
        let t = Territory::load(self)?;
        let ny = year.to_string();
        let py = prev.to_string();
        let years_both = vec![py.clone(), ny.clone()];
        let mut figures = Vec::new();
        let mut summaries = Vec::new();
        let total_pop: i64 = t.comuni.iter().map(|c| c.1).sum();
        let total = t.comuni.len() as i64;

        // Adhesions over the years.
        let over: Vec<(i32, (i64, i64))> = (FIRST_YEAR..=year)
            .map(|y| (y, t.members_at(&end_of(y, &today))))
            .collect();
        let cats: Vec<String> = over.iter().map(|(y, _)| y.to_string()).collect();
        let (members, covered) = over.last().map_or((0, 0), |(_, m)| *m);
        let (members_prev, covered_prev) = t.members_at(&previous_at);
        summaries.push((
            SECTION_ADHESION.to_string(),
            format!(
                "Al {} i comuni aderenti alla Comunità di Pratiche, con il Protocollo d'intesa sottoscritto, erano {} su {} ({} al 31 dicembre {prev}), con una popolazione residente di {} abitanti ({}% della popolazione dei comuni del territorio; {} abitanti al 31 dicembre {prev}).",
                crate::text::date_words(parse_date(&at)?),
                number_it(members as f64, 0),
                number_it(total as f64, 0),
                number_it(members_prev as f64, 0),
                number_it(covered as f64, 0),
                pct(covered, total_pop),
                number_it(covered_prev as f64, 0),
            ),
        ));
        figures.push(chart_figure(
            "adesioni_per_anno",
            SECTION_ADHESION,
            format!("Comuni aderenti al 31 dicembre di ogni anno, {FIRST_YEAR}–{year}"),
            Chart {
                kind: ChartKind::Lines,
                description: format!(
                    "Grafico a linee: comuni con il Protocollo d'intesa sottoscritto al 31 dicembre di ogni anno dal {FIRST_YEAR} al {year}."
                ),
                category_header: "Anno".into(),
                categories: cats.clone(),
                series: vec![series(
                    "Comuni aderenti",
                    over.iter().map(|(_, m)| m.0 as f64).collect(),
                    PALETTE[0],
                )],
                decimals: 0,
            },
        ));
        figures.push(chart_figure(
            "popolazione_per_anno",
            SECTION_ADHESION,
            format!("Popolazione dei comuni aderenti al 31 dicembre di ogni anno, {FIRST_YEAR}–{year}"),
            Chart {
                kind: ChartKind::Bars,
                description: format!(
                    "Grafico a barre: abitanti dei comuni aderenti al 31 dicembre di ogni anno dal {FIRST_YEAR} al {year}."
                ),
                category_header: "Anno".into(),
                categories: cats,
                series: vec![series(
                    "Popolazione coperta (abitanti)",
                    over.iter().map(|(_, m)| m.1 as f64).collect(),
                    PALETTE[2],
                )],
                decimals: 0,
            },
        ));
        // By zone, this year and the previous one.
        let by_zone = |at: &str| -> Vec<f64> {
            let mut v = vec![0.0; t.zones.len()];
            for (i, (_, _, z)) in t.comuni.iter().enumerate() {
                if t.state_of(i, at) == State::ProtocolloSottoscritto {
                    v[*z] += 1.0;
                }
            }
            v
        };
        figures.push(chart_figure(
            "adesioni_per_zona",
            SECTION_ADHESION,
            format!("Comuni aderenti per zona omogenea, {prev} e {year}"),
            Chart {
                kind: ChartKind::Bars,
                description: format!(
                    "Grafico a barre: comuni aderenti in ciascuna zona omogenea al 31 dicembre {prev} e al {}.",
                    crate::text::date_it(&at)
                ),
                category_header: "Zona omogenea".into(),
                categories: t.zones.clone(),
                series: vec![
                    series(py.clone(), by_zone(&previous_at), PALETTE[5]),
                    series(ny.clone(), by_zone(&at), PALETTE[0]),
                ],
                decimals: 0,
            },
        ));
        // By stage of the workflow.
        let by_state = |at: &str| -> Vec<f64> {
            let mut v = vec![0.0; STATES.len()];
            for i in 0..t.comuni.len() {
                v[state_index(t.state_of(i, at))] += 1.0;
            }
            v
        };
        let (sp, sn) = (by_state(&previous_at), by_state(&at));
        figures.push(chart_figure(
            "comuni_per_stato",
            SECTION_ADHESION,
            format!("Comuni nel percorso di adesione per stato, {prev} e {year}"),
            Chart {
                kind: ChartKind::Stacked,
                description: format!(
                    "Grafico a barre sovrapposte: i comuni che hanno avviato il percorso di adesione, per stato, al 31 dicembre {prev} e al {} (i comuni non aderenti sono nella carta che segue).",
                    crate::text::date_it(&at)
                ),
                category_header: "Anno".into(),
                categories: years_both.clone(),
                // The comuni not yet in the path are most of the territory:
                // stacked with the others they would hide them.
                series: STATES
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| **s != State::NonAderente)
                    .map(|(i, s)| series(s.label(), vec![sp[i], sn[i]], STATE_COLORS[i]))
                    .collect(),
                decimals: 0,
            },
        ));
        // The map, from the embedded boundaries.
        if let Ok(map) = crate::registry::map::map_data() {
            let regions: Vec<Region> = map
                .shapes
                .iter()
                .map(|s| Region {
                    name: s.name.clone(),
                    rings: parse_rings(&s.d),
                    class: state_index(t.state_at(&s.istat, &at)),
                })
                .collect();
            let m = MapChart {
                description: format!(
                    "Carta del territorio della Città Metropolitana di Messina: ogni comune colorato secondo lo stato del percorso di adesione al {}.",
                    crate::text::date_it(&at)
                ),
                width: map.width as f32,
                height: map.height as f32,
                regions,
                classes: STATES
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.label().to_string(), STATE_COLORS[i]))
                    .collect(),
            };
            let table = m.table("Stato del percorso di adesione");
            let values = (0..STATES.len())
                .map(|i| {
                    vec![
                        None,
                        Some(m.regions.iter().filter(|r| r.class == i).count() as f64),
                    ]
                })
                .collect();
            figures.push(figure(
                "mappa_adesioni",
                SECTION_ADHESION,
                format!(
                    "Il territorio per stato di adesione al {}",
                    crate::text::date_it(&at)
                ),
                Drawing::Map(m),
                &table,
                values,
            ));
        }

        // Training.
        let from = format!("{year}-01-01");
        let from_prev = format!("{prev}-01-01");
        let tn = figures::activity(self, &t, TRAINING, &from, &at)?;
        let tp = figures::activity(self, &t, TRAINING, &from_prev, &previous_at)?;
        let an = figures::attestati(self, &from, &at)?;
        let ap = figures::attestati(self, &from_prev, &previous_at)?;
        let hours = |a: &Activity| a.minutes as f64 / 60.0;
        summaries.push((
            SECTION_TRAINING.to_string(),
            format!(
                "Nel {year}{} le giornate formative svolte sono state {} ({} nel {prev}), in {} giorni di calendario, per un totale di ore di formazione pari a {} ({} nel {prev}). Partecipanti (persone distinte): {}; presenze complessive: {}; comuni rappresentati: {}. Attestati rilasciati: {} ({} nel {prev}).",
                provisional_clause(year, &at),
                number_it(tn.events as f64, 0),
                number_it(tp.events as f64, 0),
                number_it(tn.days as f64, 0),
                number_it(hours(&tn), 1),
                number_it(hours(&tp), 1),
                number_it(tn.participants as f64, 0),
                number_it(tn.presences as f64, 0),
                number_it(tn.comuni as f64, 0),
                number_it(an as f64, 0),
                number_it(ap as f64, 0),
            ),
        ));
        let pair = |p: f64, n: f64| vec![p, n];
        let training_rows = [
            (
                "Giornate formative",
                pair(tp.events as f64, tn.events as f64),
            ),
            ("Giorni di formazione", pair(tp.days as f64, tn.days as f64)),
            ("Ore di formazione", pair(hours(&tp), hours(&tn))),
            (
                "Partecipanti",
                pair(tp.participants as f64, tn.participants as f64),
            ),
            (
                "Comuni rappresentati",
                pair(tp.comuni as f64, tn.comuni as f64),
            ),
            ("Attestati rilasciati", pair(ap as f64, an as f64)),
        ];
        figures.push(chart_figure(
            "formazione",
            SECTION_TRAINING,
            format!("La formazione in cifre, {prev} e {year}"),
            Chart {
                kind: ChartKind::Bars,
                description: format!(
                    "Grafico a barre: giornate formative, giorni, ore, partecipanti, comuni rappresentati e attestati rilasciati nel {prev} e nel {year}."
                ),
                category_header: "Voce".into(),
                categories: training_rows.iter().map(|(l, _)| l.to_string()).collect(),
                series: vec![
                    series(py.clone(), training_rows.iter().map(|(_, v)| v[0]).collect(), PALETTE[5]),
                    series(ny.clone(), training_rows.iter().map(|(_, v)| v[1]).collect(), PALETTE[0]),
                ],
                decimals: 1,
            },
        ));
        figures.push(chart_figure(
            "formazione_comuni_per_zona",
            SECTION_TRAINING,
            format!("Comuni rappresentati alle giornate formative per zona omogenea, {prev} e {year}"),
            Chart {
                kind: ChartKind::Bars,
                description: format!(
                    "Grafico a barre: in ciascuna zona omogenea, i comuni con almeno un partecipante presente a una giornata formativa nel {prev} e nel {year}."
                ),
                category_header: "Zona omogenea".into(),
                categories: t.zones.clone(),
                series: vec![
                    series(py.clone(), tp.comuni_by_zone.iter().map(|v| *v as f64).collect(), PALETTE[5]),
                    series(ny.clone(), tn.comuni_by_zone.iter().map(|v| *v as f64).collect(), PALETTE[0]),
                ],
                decimals: 0,
            },
        ));

        // The catalogue.
        let cn = figures::catalogue(self, &t, year, &at)?;
        let cp = figures::catalogue(self, &t, prev, &previous_at)?;
        summaries.push((
            SECTION_CATALOGUE.to_string(),
            format!(
                "Al {} il catalogo condiviso dei rischi ricorrenti e delle misure omogenee comprendeva eventi rischiosi: {}; misure: {}. I comuni che avevano adottato almeno una misura erano {} ({} al 31 dicembre {prev}), per un totale di adozioni pari a {}; di queste, secondo il monitoraggio registrato, attuate: {}; in ritardo sui tempi programmati: {}.",
                crate::text::date_it(&at),
                number_it(cn.events as f64, 0),
                number_it(cn.measures as f64, 0),
                number_it(cn.adopting as f64, 0),
                number_it(cp.adopting as f64, 0),
                number_it(cn.adoptions as f64, 0),
                number_it(cn.states.attuata as f64, 0),
                number_it(cn.states.late as f64, 0),
            ),
        ));
        let cat_rows = [
            ("Eventi rischiosi nel catalogo", cp.events, cn.events),
            ("Misure nel catalogo", cp.measures, cn.measures),
            ("Comuni che hanno adottato misure", cp.adopting, cn.adopting),
            ("Misure adottate dai comuni", cp.adoptions, cn.adoptions),
        ];
        figures.push(two_years(
            "catalogo",
            SECTION_CATALOGUE,
            format!("Il catalogo e la sua adozione, {prev} e {year}"),
            format!("Grafico a barre: eventi rischiosi e misure del catalogo, comuni che hanno adottato misure e misure adottate, al 31 dicembre {prev} e al {}.", crate::text::date_it(&at)),
            "Voce",
            &cat_rows,
            (&py, &ny),
        ));
        let st = |c: &figures::Catalogue| {
            [
                c.states.attuata,
                c.states.in_corso,
                c.states.da_avviare,
                c.states.non_attuata,
                c.states.late,
            ]
        };
        let (sp, sn) = (st(&cp), st(&cn));
        let state_rows: Vec<(&str, i64, i64)> = [
            "Attuate",
            "In corso",
            "Da avviare",
            "Non attuate",
            "In ritardo (tra le precedenti)",
        ]
        .into_iter()
        .enumerate()
        .map(|(i, l)| (l, sp[i], sn[i]))
        .collect();
        figures.push(two_years(
            "misure_per_stato",
            SECTION_CATALOGUE,
            format!("Stato di attuazione delle misure adottate, {prev} e {year}"),
            format!("Grafico a barre: misure adottate dai comuni attuate, in corso, da avviare, non attuate e in ritardo secondo il monitoraggio registrato al 31 dicembre {prev} e al {}.", crate::text::date_it(&at)),
            "Stato",
            &state_rows,
            (&py, &ny),
        ));
        let per_rows: Vec<(&str, i64, i64)> = PER_COMUNE
            .into_iter()
            .enumerate()
            .map(|(i, l)| (l, cp.per_comune[i], cn.per_comune[i]))
            .collect();
        figures.push(two_years(
            "misure_per_comune",
            SECTION_CATALOGUE,
            format!("Comuni per numero di misure adottate, {prev} e {year}"),
            format!("Grafico a barre: i comuni del territorio secondo il numero di misure del catalogo adottate, al 31 dicembre {prev} e al {}.", crate::text::date_it(&at)),
            "Misure adottate dal comune",
            &per_rows,
            (&py, &ny),
        ));

        // Meetings and tables.
        let kinds = [
            ("Incontri dei RPCT", "incontro_rpct"),
            ("Incontri decentrati di zona", "incontro_zona"),
            ("Tavoli tematici", "tavolo"),
        ];
        let mut meet_rows = Vec::new();
        let mut meet_people = Vec::new();
        for (label, kind) in kinds {
            let n = figures::activity(self, &t, &[kind], &from, &at)?;
            let p = figures::activity(self, &t, &[kind], &from_prev, &previous_at)?;
            meet_people.push((label, n.presences, n.comuni));
            meet_rows.push((label, p.events, n.events));
        }
        summaries.push((
            SECTION_MEETINGS.to_string(),
            format!(
                "Nel {year}{}: incontri dei RPCT {}; incontri decentrati di zona {}; riunioni dei tavoli tematici {}; presenze complessive {}. Il confronto con il {prev} è nella tabella che segue.",
                provisional_clause(year, &at),
                number_it(meet_rows[0].2 as f64, 0),
                number_it(meet_rows[1].2 as f64, 0),
                number_it(meet_rows[2].2 as f64, 0),
                number_it(meet_people.iter().map(|m| m.1).sum::<i64>() as f64, 0),
            ),
        ));
        figures.push(two_years(
            "incontri_e_tavoli",
            SECTION_MEETINGS,
            format!("Incontri e tavoli tematici, {prev} e {year}"),
            format!("Grafico a barre: incontri dei RPCT, incontri decentrati di zona e riunioni dei tavoli tematici tenuti nel {prev} e nel {year}."),
            "Tipo di incontro",
            &meet_rows,
            (&py, &ny),
        ));

        Ok(YearFigures {
            year,
            provisional: at != format!("{year}-12-31"),
            at,
            previous_at,
            summaries,
            figures,
            notes: NOTES.iter().map(|n| n.to_string()).collect(),
        })
    }

    /// One figure of `year`, by its key.
    pub fn yearly_figure(&self, year: i32, key: &str) -> Result<Figure> {
        self.yearly_figures(year)?
            .figures
            .into_iter()
            .find(|f| f.key == key)
            .ok_or_else(|| Error::not_found(format!("Nessuna figura «{key}» nella relazione.")))
    }

    /// The texts written for `year` (empty while never saved).
    pub fn yearly_texts(&self, year: i32) -> Result<YearTexts> {
        self.check_year(year)?;
        Ok(match crate::db::kv::get(&self.conn, &key(year))? {
            Some(v) => serde_json::from_str(&v)?,
            None => YearTexts {
                year,
                introduction: String::new(),
                conclusions: String::new(),
                updated_at: String::new(),
            },
        })
    }

    /// Saves the introduction and conclusions of `year`'s report, as one
    /// action with its audit row; refused if they changed since the form
    /// showed them (`updated_at`).
    pub fn save_yearly_texts(&mut self, texts: &YearTexts) -> Result<YearTexts> {
        self.check_year(texts.year)?;
        let rule = crate::text::Rule::lines(5_000);
        let introduction =
            crate::text::field("introduction", "Introduzione", &texts.introduction, rule)?;
        let conclusions =
            crate::text::field("conclusions", "Conclusioni", &texts.conclusions, rule)?;
        let k = key(texts.year);
        self.action(|tx, op| {
            let before: Option<YearTexts> = crate::db::kv::get(tx, &k)?
                .map(|v| serde_json::from_str(&v))
                .transpose()?;
            let current = before
                .as_ref()
                .map(|b| b.updated_at.clone())
                .unwrap_or_default();
            if current.is_empty() != texts.updated_at.is_empty() {
                return Err(crate::error::stale());
            }
            if !current.is_empty() {
                crate::db::version::check_version(&current, Some(&texts.updated_at))?;
            }
            let saved = YearTexts {
                year: texts.year,
                introduction,
                conclusions,
                updated_at: crate::db::version::next_version(&current),
            };
            crate::db::kv::set(tx, &k, &serde_json::to_string(&saved)?)?;
            audit::record(
                tx,
                op,
                "update",
                "yearly_report",
                &texts.year.to_string(),
                before
                    .as_ref()
                    .map(serde_json::to_value)
                    .transpose()?
                    .as_ref(),
                Some(&serde_json::to_value(&saved)?),
            )?;
            Ok(saved)
        })
    }
}

/// What the archive does not keep the history of, said in the report.
const NOTES: [&str; 4] = [
    "La popolazione di ogni comune è quella residente al 1° gennaio 2023 (ISTAT, elaborazione Openpolis) per tutti gli anni: l'archivio non conserva la popolazione degli anni precedenti.",
    "Ogni comune è attribuito alla zona omogenea cui appartiene oggi: l'archivio non conserva la storia delle assegnazioni alle zone.",
    "I comuni rappresentati alle giornate e agli incontri sono quelli cui i partecipanti sono oggi associati nell'archivio.",
    "Il catalogo conta gli eventi rischiosi e le misure dalla data in cui sono stati registrati nell'archivio; lo stato delle misure è quello dell'ultimo monitoraggio registrato entro la data dei dati.",
];

fn provisional_clause(year: i32, at: &str) -> String {
    if at == format!("{year}-12-31") {
        String::new()
    } else {
        format!(" (fino al {})", crate::text::date_it(at))
    }
}

fn parse_date(iso: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map_err(|_| Error::validation("year", format!("Data non valida: {iso}")))
}

/// A bar chart of labelled counts, the previous year beside this one.
fn two_years(
    key: &str,
    section: &str,
    title: String,
    description: String,
    header: &str,
    rows: &[(&str, i64, i64)],
    (py, ny): (&str, &str),
) -> Figure {
    chart_figure(
        key,
        section,
        title,
        Chart {
            kind: ChartKind::Bars,
            description,
            category_header: header.into(),
            categories: rows.iter().map(|r| r.0.to_string()).collect(),
            series: vec![
                series(py, rows.iter().map(|r| r.1 as f64).collect(), PALETTE[5]),
                series(ny, rows.iter().map(|r| r.2 as f64).collect(), PALETTE[0]),
            ],
            decimals: 0,
        },
    )
}

/// The rings of an SVG path made of M, L and Z commands (the map's paths).
fn parse_rings(d: &str) -> Vec<Vec<(f32, f32)>> {
    let mut rings = Vec::new();
    let mut ring: Vec<(f32, f32)> = Vec::new();
    let mut num = String::new();
    let mut pending: Option<f32> = None;
    let flush = |num: &mut String, pending: &mut Option<f32>, ring: &mut Vec<(f32, f32)>| {
        if let Ok(v) = num.parse::<f32>() {
            match pending.take() {
                None => *pending = Some(v),
                Some(x) => ring.push((x, v)),
            }
        }
        num.clear();
    };
    for c in d.chars() {
        match c {
            'M' | 'L' | 'Z' | ',' | ' ' => {
                flush(&mut num, &mut pending, &mut ring);
                if c == 'Z' || (c == 'M' && !ring.is_empty()) {
                    rings.push(std::mem::take(&mut ring));
                }
            }
            _ => num.push(c),
        }
    }
    flush(&mut num, &mut pending, &mut ring);
    if !ring.is_empty() {
        rings.push(ring);
    }
    rings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_paths_become_rings() {
        assert_eq!(
            parse_rings("M1.0,2.0L3.5,4.0L5,6ZM7,8L9,10Z"),
            vec![
                vec![(1.0, 2.0), (3.5, 4.0), (5.0, 6.0)],
                vec![(7.0, 8.0), (9.0, 10.0)]
            ]
        );
    }

    #[test]
    fn the_date_of_the_figures_is_the_year_end_or_today() {
        assert_eq!(end_of(2025, "2026-06-15"), "2025-12-31");
        assert_eq!(end_of(2026, "2026-06-15"), "2026-06-15");
    }
}
