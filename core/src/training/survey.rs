//! The scheda di rilevazione dei fabbisogni formativi: per comune and year,
//! each theme area with a priority (1–5) and the number of staff interested,
//! the preferred mode and notes. The blank form as PDF to send to the
//! comuni; the ranking of the themes (priority weighted by staff) and its
//! PDF report with a bar chart, to plan the next calendar.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{label, MODES};
use crate::db::version::check_version;
use crate::documents::element::{drawn_texts, Custom, Element};
use crate::documents::model::{
    Block, Cell, CellAlign, Column, Document, PageSize, Rgb, Row, Shape, Span, Style, Table,
};
use crate::documents::{Format, Meta, Prepared};
use crate::error::{Error, Result};
use crate::{audit, Store};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NeedInput {
    pub theme_id: i64,
    /// 1–5; None: the theme is not of interest.
    pub priority: Option<i64>,
    /// Staff interested, as typed.
    pub staff: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SurveyInput {
    pub istat: String,
    pub year: i32,
    pub preferred_mode: Option<String>,
    pub notes: Option<String>,
    pub needs: Vec<NeedInput>,
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Need {
    pub theme_id: i64,
    pub theme: String,
    pub priority: i64,
    pub staff: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Survey {
    pub id: i64,
    pub istat: String,
    pub comune: String,
    pub year: i32,
    pub preferred_mode: Option<String>,
    pub notes: Option<String>,
    pub needs: Vec<Need>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RankRow {
    pub theme_id: i64,
    pub theme: String,
    /// Comuni that marked it.
    pub comuni: i64,
    pub staff: i64,
    /// Σ priority × staff (a comune that gave no staff counts as one person).
    pub score: i64,
    /// Average priority weighted by staff, as text ("4,2").
    pub priority: String,
    /// Comuni that marked the theme without giving the staff.
    pub unstated: i64,
    /// The staff as printed: "24", "n.i." (none given), "10 + n.i.".
    pub staff_text: String,
}

/// The informativa of the blank scheda (art. 13 GDPR): the contact data of
/// the DPO are not invented, the notice points to the Ente's website.
pub const PRIVACY_NOTICE: &str = "Titolare del trattamento è la Città Metropolitana di Messina. I dati personali della scheda (nome, e-mail e telefono di chi la compila) sono trattati dalla Segreteria Generale al solo fine della rilevazione dei fabbisogni formativi della Comunità di Pratiche e della programmazione delle attività formative, sulla base dell'art. 6, par. 1, lett. e), del Regolamento (compito di interesse pubblico). I dati non sono diffusi e sono conservati per il tempo necessario alla programmazione dell'anno di riferimento, poi secondo i tempi di conservazione degli atti dell'Ente. L'interessato può esercitare i diritti di cui agli artt. 15–22 del Regolamento rivolgendosi alla Segreteria Generale e proporre reclamo al Garante per la protezione dei dati personali. I dati di contatto del Responsabile della protezione dei dati sono pubblicati sul sito istituzionale dell'Ente.";

/// The note under the ranking that says how a missing staff number counts.
pub const STAFF_NOTE: &str = "Punteggio: somma, sulle schede pervenute, della priorità (1–5) moltiplicata per il personale interessato; priorità media ponderata sul personale. n.i.: personale non indicato; un comune che segnala l'area senza indicare il personale conta, nel punteggio e nella media, come una persona.";

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Ranking {
    pub year: i32,
    pub surveys: i64,
    pub rows: Vec<RankRow>,
    /// Preferred modes: (label, comuni).
    pub modes: Vec<(String, i64)>,
    /// Comuni of the registry (the schede expected).
    pub comuni_total: i64,
    /// The comuni whose scheda arrived, by name.
    pub replied: Vec<String>,
}

pub(crate) fn get_survey(
    conn: &rusqlite::Connection,
    istat: &str,
    year: i32,
) -> Result<Option<Survey>> {
    type Head = (i64, String, Option<String>, Option<String>, String);
    let head: Option<Head> = conn
        .query_row(
            "SELECT s.id, c.name, s.preferred_mode, s.notes, s.updated_at FROM training_survey s
             JOIN comune c ON c.istat = s.istat WHERE s.istat = ?1 AND s.year = ?2",
            params![istat, year],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((id, comune, preferred_mode, notes, updated_at)) = head else {
        return Ok(None);
    };
    let needs = conn
        .prepare(
            "SELECT n.theme_id, t.name, n.priority, n.staff FROM training_survey_need n
             JOIN training_theme t ON t.id = n.theme_id WHERE n.survey_id = ?1 ORDER BY t.position, t.name",
        )?
        .query_map([id], |r| Ok(Need { theme_id: r.get(0)?, theme: r.get(1)?, priority: r.get(2)?, staff: r.get(3)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(Survey {
        id,
        istat: istat.to_string(),
        comune,
        year,
        preferred_mode,
        notes,
        needs,
        updated_at,
    }))
}

/// The bar chart of a survey's ranking: each area's weighted score, laid
/// out by the composer after the table (on the next page if it does not fit).
#[derive(Debug)]
struct SurveyChart {
    year: i32,
    surveys: i64,
    rows: Vec<RankRow>,
}

impl Element for SurveyChart {
    fn height(&self, _width: f32, _room: f32) -> f32 {
        52.0 + 26.0 * self.rows.len() as f32 + 4.0
    }

    fn draw(&self, w: f32, _h: f32) -> Vec<Shape> {
        let max = self.rows.iter().map(|x| x.score).max().unwrap_or(0).max(1) as f32;
        let mut shapes = vec![Shape::Text {
            x: 0.0,
            y: 0.0,
            w,
            h: 18.0,
            text: format!(
                "Fabbisogni formativi {}: aree in ordine di priorità pesata",
                self.year
            ),
            size: 13.0,
            bold: true,
            italic: false,
            align: CellAlign::Left,
            color: Rgb(0, 0, 0),
        }];
        shapes.push(Shape::Text { x: 0.0, y: 20.0, w, h: 24.0, text: format!("Punteggio = somma, sulle {} schede, della priorità (1–5) moltiplicata per il personale interessato (personale non indicato: una persona). Il numero a destra di ogni barra è il punteggio.", self.surveys), size: 8.5, bold: false, italic: true, align: CellAlign::Left, color: Rgb(70, 70, 70) });
        let label_w = 170.0;
        let bar_x = label_w + 8.0;
        let bar_w = w - bar_x - 50.0;
        let mut y = 52.0;
        for row in &self.rows {
            shapes.push(Shape::Text {
                x: 0.0,
                y: y + 2.0,
                w: label_w,
                h: 22.0,
                text: row.theme.clone(),
                size: 9.0,
                bold: false,
                italic: false,
                align: CellAlign::Right,
                color: Rgb(0, 0, 0),
            });
            let len = bar_w * row.score as f32 / max;
            if len > 0.0 {
                shapes.push(Shape::Rect {
                    x: bar_x,
                    y: y + 2.0,
                    w: len,
                    h: 14.0,
                    fill: Some(Rgb(60, 90, 130)),
                    stroke: Some((Rgb(0, 0, 0), 0.5)),
                });
            }
            shapes.push(Shape::Text {
                x: bar_x + len + 4.0,
                y: y + 3.5,
                w: 46.0,
                h: 12.0,
                text: crate::text::thousands(row.score),
                size: 9.0,
                bold: true,
                italic: false,
                align: CellAlign::Left,
                color: Rgb(0, 0, 0),
            });
            y += 26.0;
        }
        shapes.push(Shape::Line {
            x1: bar_x,
            y1: 48.0,
            x2: bar_x,
            y2: y,
            width: 0.8,
            color: Rgb(0, 0, 0),
        });
        shapes
    }

    fn fallback(&self) -> Vec<Block> {
        drawn_texts(&self.draw(PageSize::A4Portrait.content().0, 0.0))
    }
}

/// Records (or corrects) the scheda of a comune for a year inside the
/// caller's transaction (the form, and a scheda returned by the comune).
pub(crate) fn save_survey_in(
    tx: &rusqlite::Connection,
    op: &str,
    inp: &SurveyInput,
) -> Result<Survey> {
    if !(2000..=2100).contains(&inp.year) {
        return Err(Error::validation(
            "year",
            "Anno: indicare un anno tra il 2000 e il 2100.",
        ));
    }
    use crate::text::{optional, Rule};
    let mode = optional(
        "preferred_mode",
        "Modalità preferita",
        &inp.preferred_mode,
        Rule::CODE,
    )?;
    let notes = optional("notes", "Note", &inp.notes, Rule::NOTE)?;
    if let Some(m) = &mode {
        if !MODES.iter().any(|(k, _)| k == m) {
            return Err(Error::validation(
                "preferred_mode",
                "Modalità preferita: scegliere webinar, in presenza o mista.",
            ));
        }
    }
    let mut needs = Vec::new();
    for n in &inp.needs {
        let Some(p) = n.priority else { continue };
        if !(1..=5).contains(&p) {
            return Err(Error::validation(
                &format!("priority-{}", n.theme_id),
                "Priorità: da 1 (bassa) a 5 (massima).",
            ));
        }
        let staff_field = format!("staff-{}", n.theme_id);
        let staff = match optional(&staff_field, "Personale interessato", &n.staff, Rule::CODE)? {
            None => 0,
            Some(s) => match s.parse::<i64>() {
                Ok(v) if (0..=100_000).contains(&v) => v,
                _ => {
                    return Err(Error::validation(
                        &format!("staff-{}", n.theme_id),
                        format!("Personale interessato: «{s}» non è un numero intero di persone."),
                    ))
                }
            },
        };
        needs.push((n.theme_id, p, staff));
    }
    crate::registry::get_comune(tx, &inp.istat)
        .map_err(|_| Error::validation("istat", "Comune: scegliere un comune dell'elenco."))?;
    let before = get_survey(tx, &inp.istat, inp.year)?;
    if let Some(b) = &before {
        check_version(&b.updated_at, inp.version.as_deref())?;
    }
    let version = match &before {
        Some(b) => crate::db::version::next_version(&b.updated_at),
        None => crate::db::version::now_utc(),
    };
    tx.execute(
                "INSERT INTO training_survey (istat, year, preferred_mode, notes, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(istat, year) DO UPDATE SET preferred_mode = excluded.preferred_mode, notes = excluded.notes, updated_at = excluded.updated_at",
                params![inp.istat, inp.year, mode, notes, version],
            )?;
    let id: i64 = tx.query_row(
        "SELECT id FROM training_survey WHERE istat = ?1 AND year = ?2",
        params![inp.istat, inp.year],
        |r| r.get(0),
    )?;
    tx.execute(
        "DELETE FROM training_survey_need WHERE survey_id = ?1",
        [id],
    )?;
    for (theme, p, staff) in &needs {
        let ok: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM training_theme WHERE id = ?1)",
            [theme],
            |r| r.get(0),
        )?;
        if !ok {
            return Err(Error::validation(
                &format!("priority-{theme}"),
                "L'area tematica non esiste più: ricaricare la scheda.",
            ));
        }
        tx.execute("INSERT INTO training_survey_need (survey_id, theme_id, priority, staff) VALUES (?1, ?2, ?3, ?4)", params![id, theme, p, staff])?;
    }
    let after =
        get_survey(tx, &inp.istat, inp.year)?.ok_or_else(|| Error::Database("scheda".into()))?;
    audit::record(
        tx,
        op,
        if before.is_some() { "update" } else { "create" },
        "training_survey",
        &format!("{}/{}", inp.istat, inp.year),
        before
            .as_ref()
            .map(serde_json::to_value)
            .transpose()?
            .as_ref(),
        Some(&serde_json::to_value(&after)?),
    )?;
    Ok(after)
}

impl Store {
    /// The scheda of a comune for a year, if recorded.
    pub fn training_survey(&self, istat: &str, year: i32) -> Result<Option<Survey>> {
        get_survey(&self.conn, istat, year)
    }

    /// Records (or corrects) the scheda of a comune for a year.
    pub fn save_training_survey(&mut self, inp: &SurveyInput) -> Result<Survey> {
        self.action(|tx, op| save_survey_in(tx, op, inp))
    }

    /// The themes ranked by staff-weighted priority over the schede of `year`.
    pub fn training_survey_ranking(&self, year: i32) -> Result<Ranking> {
        let surveys: i64 = self.conn.query_row(
            "SELECT count(*) FROM training_survey WHERE year = ?1",
            [year],
            |r| r.get(0),
        )?;
        let mut rows: Vec<RankRow> = self
            .conn
            .prepare(
                "SELECT t.id, t.name, count(n.survey_id), coalesce(sum(n.staff), 0),
                        coalesce(sum(n.priority * max(n.staff, 1)), 0), coalesce(sum(max(n.staff, 1)), 0),
                        count(CASE WHEN n.staff = 0 THEN 1 END)
                 FROM training_theme t
                 LEFT JOIN training_survey_need n ON n.theme_id = t.id
                      AND n.survey_id IN (SELECT id FROM training_survey WHERE year = ?1)
                 GROUP BY t.id ORDER BY t.position",
            )?
            .query_map([year], |r| {
                let score: i64 = r.get(4)?;
                let weight: i64 = r.get(5)?;
                let avg = if weight > 0 { score as f64 / weight as f64 } else { 0.0 };
                let staff: i64 = r.get(3)?;
                let unstated: i64 = r.get(6)?;
                let staff_text = match (staff, unstated) {
                    (0, u) if u > 0 => "n.i.".to_string(),
                    (n, 0) => crate::text::thousands(n),
                    (n, _) => format!("{} + n.i.", crate::text::thousands(n)),
                };
                Ok(RankRow {
                    theme_id: r.get(0)?,
                    theme: r.get(1)?,
                    comuni: r.get(2)?,
                    staff,
                    score,
                    priority: format!("{avg:.1}").replace('.', ","),
                    unstated,
                    staff_text,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.sort_by(|a, b| b.score.cmp(&a.score).then(b.comuni.cmp(&a.comuni)));
        let modes = MODES
            .iter()
            .map(|(k, l)| {
                let n: i64 = self.conn.query_row(
                    "SELECT count(*) FROM training_survey WHERE year = ?1 AND preferred_mode = ?2",
                    params![year, k],
                    |r| r.get(0),
                )?;
                Ok((l.to_string(), n))
            })
            .collect::<Result<Vec<_>>>()?;
        let comuni_total: i64 = self
            .conn
            .query_row("SELECT count(*) FROM comune", [], |r| r.get(0))?;
        let replied = self
            .conn
            .prepare(
                "SELECT c.name FROM training_survey s JOIN comune c ON c.istat = s.istat
                 WHERE s.year = ?1 ORDER BY c.name",
            )?
            .query_map([year], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Ranking {
            year,
            surveys,
            rows,
            modes,
            comuni_total,
            replied,
        })
    }

    /// The blank scheda for `year` (PDF/A) to send to the comuni.
    pub fn training_survey_form(&self, year: i32) -> Result<Prepared> {
        let themes = self.training_themes()?;
        let sp = |t: &str, b: bool| Span {
            text: t.to_string(),
            bold: b,
            italic: false,
        };
        let rows = themes
            .iter()
            .map(|t| Row {
                cells: vec![
                    Cell::text(&t.name),
                    Cell::text("1   2   3   4   5"),
                    Cell::text(""),
                ],
                fill: None,
                group: false,
            })
            .chain((0..3).map(|_| Row {
                cells: vec![
                    Cell::text("Altro: ……………………………………"),
                    Cell::text("1   2   3   4   5"),
                    Cell::text(""),
                ],
                fill: None,
                group: false,
            }))
            .collect();
        let report = Document {
 style: Style::Report,
            title: format!("Scheda di rilevazione dei fabbisogni formativi {year}"),
            header: vec!["Città Metropolitana di Messina – Segreteria Generale".into(), "Comunità di Pratiche dei RPCT".into(), format!("Rilevazione dei fabbisogni formativi – anno {year}")],
            size: PageSize::A4Portrait,
            blocks: vec![
                Block::heading(1, format!("Scheda di rilevazione dei fabbisogni formativi – anno {year}"), false),
                Block::paragraph(vec![sp(&format!("La scheda raccoglie le esigenze di formazione del personale del Comune sulle aree tematiche della Comunità di Pratiche, per programmare il calendario formativo dell'anno ({}). Si prega di restituirla compilata alla Segreteria Generale.", super::LAW_190_TRAINING), false)]),
                Block::Fields(vec![
                    ("Comune di".into(), vec![sp("……………………………………………………………", false)]),
                    ("Compilata da".into(), vec![sp("……………………………………………… (RPCT / referente)", false)]),
                    ("E-mail e telefono".into(), vec![sp("……………………………………………………………", false)]),
                ]),
                Block::paragraph(vec![sp("Per ciascuna area indicare la priorità ", false), sp("(cerchiare: 1 bassa – 5 massima)", true), sp(" e il numero di dipendenti interessati; lasciare vuote le aree che non interessano.", false)]),
                Block::Grid(Table {
                    columns: vec![
                        Column { header: "Area tematica".into(), share: 50.0, align: CellAlign::Left },
                        Column { header: "Priorità (1–5)".into(), share: 28.0, align: CellAlign::Center },
                        Column { header: "Personale interessato (n.)".into(), share: 22.0, align: CellAlign::Center },
                    ],
                    rows,
                    size: 10.0,
                    header_fill: Some(Rgb(217, 226, 236)),
                }),
                Block::Space(8.0),
                Block::Fields(vec![("Modalità preferita".into(), vec![sp("□ webinar     □ in presenza     □ mista", false)])]),
                Block::paragraph(vec![sp("Note e proposte di argomenti:", true)]),
                Block::paragraph(vec![sp("……………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………", false)]),
                Block::Space(6.0),
                Block::Fields(vec![("Data".into(), vec![sp("……………………", false)]), ("Firma".into(), vec![sp("……………………………………………", false)])]),
                Block::heading(2, "Informativa sul trattamento dei dati personali (art. 13 del Regolamento (UE) 2016/679)", false),
                Block::paragraph(vec![sp(PRIVACY_NOTICE, false)]),
            ],
        };
        self.survey_job(report)
    }

    /// The aggregated result for `year`: the ranking table and a bar chart.
    pub fn training_survey_report(&self, year: i32) -> Result<Prepared> {
        let r = self.training_survey_ranking(year)?;
        let sp = |t: &str, b: bool| Span {
            text: t.to_string(),
            bold: b,
            italic: false,
        };
        let size = PageSize::A4Portrait;
        let table = Table {
            columns: vec![
                Column {
                    header: "N.".into(),
                    share: 6.0,
                    align: CellAlign::Right,
                },
                Column {
                    header: "Area tematica".into(),
                    share: 42.0,
                    align: CellAlign::Left,
                },
                Column {
                    header: "Comuni".into(),
                    share: 12.0,
                    align: CellAlign::Right,
                },
                Column {
                    header: "Personale".into(),
                    share: 13.0,
                    align: CellAlign::Right,
                },
                Column {
                    header: "Priorità media ponderata".into(),
                    share: 14.0,
                    align: CellAlign::Right,
                },
                Column {
                    header: "Punteggio".into(),
                    share: 13.0,
                    align: CellAlign::Right,
                },
            ],
            rows: r
                .rows
                .iter()
                .enumerate()
                .map(|(i, x)| Row {
                    cells: vec![
                        Cell::text((i + 1).to_string()),
                        Cell::text(&x.theme),
                        Cell::text(x.comuni.to_string()),
                        Cell::text(&x.staff_text),
                        Cell::text(if x.comuni > 0 {
                            x.priority.clone()
                        } else {
                            "—".into()
                        }),
                        Cell::bold(crate::text::thousands(x.score)),
                    ],
                    fill: None,
                    group: false,
                })
                .collect(),
            size: 9.5,
            header_fill: Some(Rgb(217, 226, 236)),
        };
        let modes = r
            .modes
            .iter()
            .map(|(l, n)| format!("{l}: {n}"))
            .collect::<Vec<_>>()
            .join("; ");
        let report = Document {
 style: Style::Report,
            title: format!("Fabbisogni formativi {year} – risultati"),
            header: vec![
                "Città Metropolitana di Messina – Segreteria Generale".into(),
                "Comunità di Pratiche dei RPCT".into(),
                format!("Rilevazione dei fabbisogni formativi – anno {year}"),
            ],
            size,
            blocks: vec![
                Block::heading(1, format!(
                        "Risultati della rilevazione dei fabbisogni formativi – anno {year}"
                    ), false),
                Block::paragraph(vec![sp(
                    &format!(
                        "Schede pervenute: {} su {}. Modalità preferita (numero di comuni): {modes}.",
                        r.surveys, r.comuni_total
                    ),
                    false,
                )]),
                Block::paragraph(vec![
                    sp("Comuni che hanno restituito la scheda: ", true),
                    sp(
                        &if r.replied.is_empty() {
                            "nessuno.".to_string()
                        } else {
                            format!("{}.", r.replied.join(", "))
                        },
                        false,
                    ),
                ]),
                Block::Grid(table),
                Block::paragraph(vec![Span {
                    text: STAFF_NOTE.into(),
                    bold: false,
                    italic: true,
                }]),
                Block::Space(12.0),
                Block::Element(Custom::new(SurveyChart {
                    year,
                    surveys: r.surveys,
                    rows: r.rows.clone(),
                })),
            ],
        };
        self.survey_job(report)
    }

    fn survey_job(&self, report: Document) -> Result<Prepared> {
        let meta = Meta::new(
            report.title.clone(),
            "Comunità di Pratiche – rilevazione dei fabbisogni formativi",
        )
        .by(crate::documents::author(&self.conn)?)
        .keywords(["Comunità di Pratiche", "formazione", "fabbisogni"]);
        Ok(Prepared {
            doc: report,
            format: Format::Pdf,
            meta,
        })
    }
}

/// The mode's label, for the UI.
pub fn mode_label(m: &str) -> &'static str {
    label(MODES, m)
}
