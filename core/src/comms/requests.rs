//! «Requests that come back»: a «richiesta di scheda» asks each comune for
//! one of the schede the archive already keeps (the scheda di contesto of
//! the risks domain, the training needs of a year, the monitoring of the
//! measures the comune adopted) and attaches to each its own pre-filled
//! workbook: a title block, lists of the allowed values, the cells the
//! comune must not change locked, and a very hidden «_meta» sheet with the
//! request, the comune and the values as sent (with each record's version),
//! so that the file, when it comes back, is recognised and compared three
//! ways: as sent, as the comune returned it, as the archive holds it now.
//! The dry run says per comune what changes, what conflicts with data
//! entered since the request was sent, and what is invalid (row and
//! column); applying is one action after a backup, through the domains' own
//! writers, and marks the comune's line «scheda ricevuta» with the file
//! kept beside the archive. «Sollecita chi non ha risposto» writes the
//! reminder to exactly the comuni whose scheda has not come back.

use std::collections::HashMap;
use std::path::PathBuf;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::recipients::{RecipientRole, RecipientRule};
use super::Kind;
use crate::error::{Error, Result};
use crate::file_spec::{FileSpec, OpenSpec};
use crate::risks::{IndicatorKind, MeasureState};
use crate::text::{date_it, fold};
use crate::Store;

/// The schede a request can ask for.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Scheda {
    /// The network's scheda di contesto (risks domain).
    Contesto,
    /// The training needs of the year (training domain's survey).
    Fabbisogni,
    /// The monitoring of the measures the comune adopted (risks domain).
    Monitoraggio,
}

pub const SCHEDE: [Scheda; 3] = [Scheda::Contesto, Scheda::Fabbisogni, Scheda::Monitoraggio];

impl Scheda {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheda::Contesto => "contesto",
            Scheda::Fabbisogni => "fabbisogni",
            Scheda::Monitoraggio => "monitoraggio",
        }
    }

    fn parse(s: &str) -> Option<Scheda> {
        SCHEDE.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Scheda::Contesto => "Scheda di contesto",
            Scheda::Fabbisogni => "Scheda dei fabbisogni formativi",
            Scheda::Monitoraggio => "Scheda di monitoraggio delle misure",
        }
    }

    /// The title printed in the workbook.
    fn title(self, year: i32) -> String {
        match self {
            Scheda::Contesto => "Scheda di contesto organizzativo del Comune".into(),
            Scheda::Fabbisogni => {
                format!("Scheda di rilevazione dei fabbisogni formativi – anno {year}")
            }
            Scheda::Monitoraggio => format!(
                "Monitoraggio delle misure di prevenzione della corruzione adottate – anno {year}"
            ),
        }
    }

    /// The communication's `generated_doc` that attaches this scheda.
    pub fn generated(self) -> &'static str {
        match self {
            Scheda::Contesto => "scheda_contesto",
            Scheda::Fabbisogni => "scheda_fabbisogni",
            Scheda::Monitoraggio => "scheda_monitoraggio",
        }
    }

    pub fn of_generated(value: &str) -> Option<Scheda> {
        SCHEDE.into_iter().find(|k| k.generated() == value)
    }

    /// The name of the workbook's answer sheet.
    fn sheet(self) -> &'static str {
        match self {
            Scheda::Contesto => "Contesto",
            Scheda::Fabbisogni => "Fabbisogni",
            Scheda::Monitoraggio => "Monitoraggio",
        }
    }
}

/// The returned schede chosen in the open dialog.
pub const RETURNS: OpenSpec = OpenSpec {
    title: "Importa le schede restituite dai comuni (file .xlsx)",
    filter_label: "Schede compilate (.xlsx)",
    extensions: &["xlsx"],
};

/// Where returned schede are kept: `schede-ricevute` beside the archive.
const KEPT_DIR: &str = "schede-ricevute";

const META_SHEET: &str = "_meta";
const FORMAT: &str = "cdp-scheda/1";
/// The rows of «_meta» before the records, and the workbook's first data row.
const META_HEAD: u32 = 10;
const FIRST_ROW: u32 = 7;
const HEADER_ROW: u32 = 6;

// ------------------------------------------------------------ the form

/// What a cell of the scheda accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Answer {
    /// Written by the app, locked.
    Fixed,
    /// One of these values (a list in the workbook).
    List(&'static [&'static str]),
    Date,
    /// A whole number from 0.
    Whole,
    /// Free text up to so many characters.
    Text(usize),
    /// The value of a measure's indicator (sì/no, a number, a percentage).
    Indicator(IndicatorKind),
}

#[derive(Debug, Clone)]
struct Cell {
    /// The value as the workbook shows it (dates ISO).
    value: String,
    answer: Answer,
}

#[derive(Debug, Clone)]
struct FormRow {
    /// The record the row is: «adozione:12», «tema:3», «employees»…
    key: String,
    /// How the messages name the record.
    label: String,
    /// The record's version in the archive (None: never saved).
    version: Option<String>,
    cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
struct Form {
    columns: Vec<(&'static str, f64)>,
    rows: Vec<FormRow>,
    landscape: bool,
}

const STATES: &[&str] = &["da avviare", "in corso", "attuata", "non attuata"];
const YES_NO: &[&str] = &["sì", "no"];
const PRIORITIES: &[&str] = &["1", "2", "3", "4", "5"];
const MODES: &[&str] = &["webinar", "in presenza", "mista"];

fn state_of_label(label: &str) -> MeasureState {
    [
        MeasureState::DaAvviare,
        MeasureState::InCorso,
        MeasureState::Attuata,
        MeasureState::NonAttuata,
    ]
    .into_iter()
    .find(|s| s.label() == label)
    .unwrap_or(MeasureState::DaAvviare)
}

fn mode_key(label: &str) -> Option<String> {
    match label {
        "webinar" => Some("webinar".into()),
        "in presenza" => Some("presenza".into()),
        "mista" => Some("mista".into()),
        _ => None,
    }
}

fn mode_label(key: Option<&str>) -> String {
    match key {
        Some("webinar") => "webinar".into(),
        Some("presenza") => "in presenza".into(),
        Some("mista") => "mista".into(),
        _ => String::new(),
    }
}

fn fixed(v: impl Into<String>) -> Cell {
    Cell {
        value: v.into(),
        answer: Answer::Fixed,
    }
}

fn answer(answer: Answer, v: impl Into<String>) -> Cell {
    Cell {
        value: v.into(),
        answer,
    }
}

/// The monitoring of the measures the comune adopted: one row per adoption.
/// The monitoring of the measures the comune adopted: one row per
/// adoption, then one per indicator of the revision it adopted (the value
/// measured last, to update).
fn form_monitoraggio(conn: &Connection, istat: &str) -> Result<Form> {
    let mut stmt = conn.prepare(
        "SELECT a.id, m.code, m.title, a.last_state, coalesce(a.last_date, ''), a.updated_at,
                coalesce((SELECT motivazione FROM risk_monitoring WHERE adoption_id = a.id
                          ORDER BY date DESC, id DESC LIMIT 1), ''),
                coalesce((SELECT vals FROM risk_monitoring WHERE adoption_id = a.id
                          ORDER BY date DESC, id DESC LIMIT 1), '[]')
         FROM risk_adoption a JOIN risk_measure m ON m.id = a.measure_id
         WHERE a.istat = ?1 ORDER BY m.code",
    )?;
    type Head = (i64, String, String, String, String, String, String, String);
    let heads: Vec<Head> = stmt
        .query_map([istat], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = Vec::new();
    for (id, code, title, state, date, version, why, vals) in heads {
        rows.push(FormRow {
            key: format!("adozione:{id}"),
            label: format!("misura {code}"),
            version: Some(version.clone()),
            cells: vec![
                fixed(code.clone()),
                fixed(title),
                answer(Answer::List(STATES), MeasureState::parse(&state).label()),
                answer(Answer::Date, date),
                answer(Answer::Text(4000), why),
                fixed(""),
            ],
        });
        let last: Vec<Option<String>> = serde_json::from_str(&vals).unwrap_or_default();
        let (indicators, _) = crate::risks::adoption::adopted_indicators(conn, id)?;
        for (i, ind) in indicators.iter().enumerate() {
            rows.push(FormRow {
                key: format!("indicatore:{id}:{i}"),
                label: format!("misura {code}, indicatore «{}»", ind.name),
                version: Some(version.clone()),
                cells: vec![
                    fixed(""),
                    fixed(format!(
                        "Indicatore: {} (valore atteso {} entro il {})",
                        ind.name,
                        ind.target,
                        date_it(&ind.target_date)
                    )),
                    fixed(""),
                    fixed(""),
                    fixed(""),
                    answer(
                        Answer::Indicator(ind.kind),
                        last.get(i).cloned().flatten().unwrap_or_default(),
                    ),
                ],
            });
        }
    }
    Ok(Form {
        columns: vec![
            ("Codice", 10.0),
            ("Misura", 52.0),
            ("Stato di attuazione", 16.0),
            ("Data del monitoraggio", 14.0),
            ("Motivazione (obbligatoria se non attuata) e note", 48.0),
            ("Valore dell'indicatore", 14.0),
        ],
        rows,
        landscape: true,
    })
}

/// The scheda di contesto: one row per datum.
fn form_contesto(conn: &Connection, istat: &str, today: &str) -> Result<Form> {
    let c = crate::risks::adoption::get_context(conn, istat, today)?;
    let v = c.updated_at.clone();
    let row = |key: &str, label: &str, a: Answer, value: String| FormRow {
        key: key.into(),
        label: format!("«{label}»"),
        version: v.clone(),
        cells: vec![fixed(label), answer(a, value)],
    };
    Ok(Form {
        columns: vec![("Dato", 46.0), ("Risposta del Comune", 74.0)],
        rows: vec![
            row(
                "employees",
                "Numero dei dipendenti in servizio",
                Answer::Whole,
                c.employees.map(|e| e.to_string()).unwrap_or_default(),
            ),
            row(
                "segretario_convenzione",
                "Segreteria comunale in convenzione con altri comuni",
                Answer::List(YES_NO),
                if c.updated_at.is_none() {
                    String::new()
                } else if c.segretario_convenzione {
                    "sì".into()
                } else {
                    "no".into()
                },
            ),
            row(
                "convenzione_with",
                "Comuni della convenzione (se in convenzione)",
                Answer::Text(500),
                c.convenzione_with,
            ),
            row(
                "units",
                "Unità organizzative (settori, aree, servizi)",
                Answer::Text(4000),
                c.units,
            ),
            row(
                "problems",
                "Principali criticità organizzative",
                Answer::Text(4000),
                c.problems,
            ),
            row("notes", "Note", Answer::Text(4000), c.notes),
        ],
        landscape: false,
    })
}

/// The training needs of `year`: one row per theme, then the preferred
/// mode and the notes.
fn form_fabbisogni(conn: &Connection, istat: &str, year: i32) -> Result<Form> {
    let survey = crate::training::survey::get_survey(conn, istat, year)?;
    let version = survey.as_ref().map(|s| s.updated_at.clone());
    let mut stmt = conn.prepare("SELECT id, name FROM training_theme ORDER BY position, name")?;
    let themes: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = Vec::new();
    for (id, name) in themes {
        let need = survey
            .as_ref()
            .and_then(|s| s.needs.iter().find(|n| n.theme_id == id));
        rows.push(FormRow {
            key: format!("tema:{id}"),
            label: format!("area «{name}»"),
            version: version.clone(),
            cells: vec![
                fixed(name),
                answer(
                    Answer::List(PRIORITIES),
                    need.map(|n| n.priority.to_string()).unwrap_or_default(),
                ),
                answer(
                    Answer::Whole,
                    need.filter(|n| n.staff > 0)
                        .map(|n| n.staff.to_string())
                        .unwrap_or_default(),
                ),
            ],
        });
    }
    rows.push(FormRow {
        key: "modalita".into(),
        label: "«Modalità preferita»".into(),
        version: version.clone(),
        cells: vec![
            fixed("Modalità preferita per la formazione"),
            answer(
                Answer::List(MODES),
                mode_label(survey.as_ref().and_then(|s| s.preferred_mode.as_deref())),
            ),
            fixed(""),
        ],
    });
    rows.push(FormRow {
        key: "note".into(),
        label: "«Note e proposte»".into(),
        version,
        cells: vec![
            fixed("Note e proposte di temi"),
            answer(
                Answer::Text(2000),
                survey.and_then(|s| s.notes).unwrap_or_default(),
            ),
            fixed(""),
        ],
    });
    Ok(Form {
        columns: vec![
            ("Area tematica", 46.0),
            (
                "Priorità (da 1 bassa a 5 massima; vuoto: non di interesse)",
                26.0,
            ),
            ("Personale interessato (numero)", 18.0),
        ],
        rows,
        landscape: false,
    })
}

fn form(
    conn: &Connection,
    scheda: Scheda,
    istat: &str,
    year: i32,
    today: chrono::NaiveDate,
) -> Result<Form> {
    match scheda {
        Scheda::Monitoraggio => form_monitoraggio(conn, istat),
        Scheda::Contesto => form_contesto(conn, istat, &today.to_string()),
        Scheda::Fabbisogni => form_fabbisogni(conn, istat, year),
    }
}

// ------------------------------------------------------------ the request

/// A request as its files name it.
#[derive(Debug, Clone)]
struct Request {
    id: i64,
    created_at: String,
    subject: String,
    protocol: String,
    scheda: Scheda,
    year: i32,
}

/// The request a communication answers to: itself, or the one it reminds.
fn request_of(conn: &Connection, communication: i64) -> Result<Option<Request>> {
    let row: Option<(String, i32, Option<i64>)> = conn
        .query_row(
            "SELECT scheda, year, reminds FROM comm_request WHERE communication_id = ?1",
            [communication],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((scheda, year, reminds)) = row else {
        return Ok(None);
    };
    let id = reminds.unwrap_or(communication);
    let (created_at, subject, pn, pd): (String, String, Option<String>, Option<String>) = conn
        .query_row(
            "SELECT created_at, subject, protocol_number, protocol_date FROM communication WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    Ok(Some(Request {
        id,
        created_at,
        subject,
        protocol: super::protocol_label(pn.as_deref(), pd.as_deref()),
        scheda: Scheda::parse(&scheda)
            .ok_or_else(|| Error::Database(format!("scheda «{scheda}» sconosciuta")))?,
        year,
    }))
}

/// Keeps a communication's request row in step with its kind and its
/// generated document (inside the caller's transaction).
pub(crate) fn sync_in(tx: &Connection, id: i64, generated: Option<&str>, year: i32) -> Result<()> {
    match generated.and_then(Scheda::of_generated) {
        Some(s) => {
            tx.execute(
                "INSERT INTO comm_request (communication_id, scheda, year) VALUES (?1, ?2, ?3)
                 ON CONFLICT (communication_id) DO UPDATE SET scheda = excluded.scheda, year = excluded.year",
                params![id, s.as_str(), year],
            )?;
        }
        None => {
            tx.execute("DELETE FROM comm_request WHERE communication_id = ?1", [id])?;
        }
    }
    Ok(())
}

/// Checks that a scheda is asked only by a request or its reminder, and
/// that a request asks for one.
pub(crate) fn check_kind(kind: Kind, generated: Option<&str>) -> Result<()> {
    let scheda = generated.and_then(Scheda::of_generated);
    match (kind, scheda) {
        (Kind::RichiestaScheda, None) => Err(Error::validation(
            "generated_doc",
            "Richiesta di scheda: scegliere quale scheda chiedere ai comuni (contesto, fabbisogni formativi o monitoraggio delle misure).",
        )),
        (Kind::RichiestaScheda | Kind::Sollecito, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(Error::validation(
            "generated_doc",
            "La scheda da restituire si allega a una richiesta di scheda o al suo sollecito: cambiare il tipo della comunicazione.",
        )),
    }
}

// ------------------------------------------------------------ the workbook

fn xerr(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::io(format!("Errore nella scrittura della scheda Excel: {e}"))
}

fn column_letter(col: u16) -> String {
    let mut n = col as u32 + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// The comune's own workbook for a request.
fn workbook(
    req: &Request,
    istat: &str,
    comune: &str,
    f: &Form,
    generated_at: &str,
) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{
        DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
        FormatAlign, FormatBorder, ProtectionOptions, Workbook,
    };
    let mut wb = Workbook::new();
    let ncols = f.columns.len() as u16;
    let last = ncols - 1;
    let s = wb.add_worksheet();
    s.set_name(req.scheda.sheet()).map_err(xerr)?;
    let small = Format::new().set_bold().set_font_size(9);
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let strong = Format::new().set_bold().set_font_size(11);
    let plain = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let note = Format::new()
        .set_italic()
        .set_font_size(9)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(0xD9E2EC)
        .set_border(FormatBorder::Thin);
    let locked = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(0xEEEEEE)
        .set_border(FormatBorder::Thin);
    let open = Format::new()
        .set_unlocked()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(0xFFFFFF)
        .set_border(FormatBorder::Thin);
    let open_date = open.clone().set_num_format("dd/mm/yyyy");
    s.merge_range(
        0,
        0,
        0,
        last,
        "Città Metropolitana di Messina – Segreteria Generale – Comunità di Pratiche dei RPCT",
        &small,
    )
    .map_err(xerr)?;
    s.merge_range(1, 0, 1, last, &req.scheda.title(req.year), &title)
        .map_err(xerr)?;
    s.set_row_height(1, 36).map_err(xerr)?;
    s.merge_range(
        2,
        0,
        2,
        last,
        &format!("Comune di {comune} (codice ISTAT {istat})"),
        &strong,
    )
    .map_err(xerr)?;
    s.merge_range(
        3,
        0,
        3,
        last,
        &format!(
            "Richiesta n. {} – {} – «{}»",
            req.id, req.protocol, req.subject
        ),
        &plain,
    )
    .map_err(xerr)?;
    s.set_row_height(3, 30).map_err(xerr)?;
    s.merge_range(
        4,
        0,
        4,
        last,
        "Compilare le celle bianche; quelle grigie sono protette. Dove c'è un elenco a discesa scegliere uno dei valori; le date nella forma gg/mm/aaaa. Salvare il file in formato .xlsx, senza rinominare né togliere fogli, e restituirlo in risposta alla PEC di richiesta.",
        &note,
    )
    .map_err(xerr)?;
    s.set_row_height(4, 40).map_err(xerr)?;
    for (c, (label, width)) in f.columns.iter().enumerate() {
        s.set_column_width(c as u16, *width).map_err(xerr)?;
        s.write_string_with_format(HEADER_ROW, c as u16, *label, &head)
            .map_err(xerr)?;
    }
    // Rows as high as their wrapped text (spreadsheet programs do not
    // always fit them on opening), the answers to write with room.
    let height = |texts: &mut dyn Iterator<Item = (&str, f64, bool)>| {
        let lines = texts
            .map(|(t, width, answer)| {
                let per_line = (width * 0.9).max(4.0);
                let n: f64 = t
                    .split('\n')
                    .map(|l| (l.chars().count() as f64 / per_line).ceil().max(1.0))
                    .sum();
                if answer && width > 30.0 {
                    n.max(2.0)
                } else {
                    n
                }
            })
            .fold(1.0, f64::max);
        lines * 15.0 + 3.0
    };
    s.set_row_height(
        HEADER_ROW,
        height(&mut f.columns.iter().map(|(l, w)| (*l, *w, false))),
    )
    .map_err(xerr)?;
    for (i, r) in f.rows.iter().enumerate() {
        s.set_row_height(
            FIRST_ROW + i as u32,
            height(
                &mut r
                    .cells
                    .iter()
                    .zip(&f.columns)
                    .map(|(c, (_, w))| (c.value.as_str(), *w, !matches!(c.answer, Answer::Fixed))),
            ),
        )
        .map_err(xerr)?;
    }
    let list_error =
        |list: &[&str]| format!("Scegliere uno dei valori dell'elenco: {}.", list.join(", "));
    for (i, r) in f.rows.iter().enumerate() {
        let row = FIRST_ROW + i as u32;
        for (c, cell) in r.cells.iter().enumerate() {
            let col = c as u16;
            let v = cell.value.as_str();
            match cell.answer {
                Answer::Fixed => {
                    s.write_string_with_format(row, col, v, &locked)
                        .map_err(xerr)?;
                }
                Answer::Date => {
                    match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                        Ok(d) => {
                            use chrono::Datelike;
                            let x = ExcelDateTime::from_ymd(
                                d.year() as u16,
                                d.month() as u8,
                                d.day() as u8,
                            )
                            .map_err(xerr)?;
                            s.write_datetime_with_format(row, col, &x, &open_date)
                                .map_err(xerr)?;
                        }
                        Err(_) => {
                            s.write_blank(row, col, &open_date).map_err(xerr)?;
                        }
                    }
                    let dv = DataValidation::new()
                        .allow_date(DataValidationRule::Between(
                            ExcelDateTime::from_ymd(2000, 1, 1).map_err(xerr)?,
                            ExcelDateTime::from_ymd(2100, 12, 31).map_err(xerr)?,
                        ))
                        .set_error_title("Data non valida")
                        .map_err(xerr)?
                        .set_error_message("Scrivere una data nella forma gg/mm/aaaa.")
                        .map_err(xerr)?
                        .set_error_style(DataValidationErrorStyle::Stop);
                    s.add_data_validation(row, col, row, col, &dv)
                        .map_err(xerr)?;
                }
                Answer::Whole => {
                    match v.parse::<f64>() {
                        Ok(n) => s.write_number_with_format(row, col, n, &open),
                        Err(_) => s.write_blank(row, col, &open),
                    }
                    .map_err(xerr)?;
                    let dv = DataValidation::new()
                        .allow_whole_number(DataValidationRule::Between(0, 100_000))
                        .set_error_title("Numero non valido")
                        .map_err(xerr)?
                        .set_error_message("Scrivere un numero intero (0 o più).")
                        .map_err(xerr)?;
                    s.add_data_validation(row, col, row, col, &dv)
                        .map_err(xerr)?;
                }
                Answer::List(list) => {
                    match v.parse::<f64>() {
                        Ok(n) => s.write_number_with_format(row, col, n, &open),
                        Err(_) if v.is_empty() => s.write_blank(row, col, &open),
                        Err(_) => s.write_string_with_format(row, col, v, &open),
                    }
                    .map_err(xerr)?;
                    let dv = DataValidation::new()
                        .allow_list_strings(list)
                        .map_err(xerr)?
                        .set_error_title("Valore non ammesso")
                        .map_err(xerr)?
                        .set_error_message(list_error(list))
                        .map_err(xerr)?;
                    s.add_data_validation(row, col, row, col, &dv)
                        .map_err(xerr)?;
                }
                Answer::Indicator(IndicatorKind::OnOff) => {
                    let shown = match v {
                        "1" => "sì",
                        "0" => "no",
                        _ => "",
                    };
                    if shown.is_empty() {
                        s.write_blank(row, col, &open).map_err(xerr)?;
                    } else {
                        s.write_string_with_format(row, col, shown, &open)
                            .map_err(xerr)?;
                    }
                    let dv = DataValidation::new()
                        .allow_list_strings(YES_NO)
                        .map_err(xerr)?
                        .set_error_title("Valore non ammesso")
                        .map_err(xerr)?
                        .set_error_message(list_error(YES_NO))
                        .map_err(xerr)?;
                    s.add_data_validation(row, col, row, col, &dv)
                        .map_err(xerr)?;
                }
                Answer::Indicator(kind) => {
                    match v.parse::<f64>() {
                        Ok(n) => s.write_number_with_format(row, col, n, &open),
                        Err(_) => s.write_blank(row, col, &open),
                    }
                    .map_err(xerr)?;
                    let top = if kind == IndicatorKind::Percentuale {
                        100.0
                    } else {
                        1e12
                    };
                    let dv = DataValidation::new()
                        .allow_decimal_number(DataValidationRule::Between(0.0, top))
                        .set_error_title("Numero non valido")
                        .map_err(xerr)?
                        .set_error_message(if kind == IndicatorKind::Percentuale {
                            "Scrivere una percentuale da 0 a 100."
                        } else {
                            "Scrivere un numero (0 o più)."
                        })
                        .map_err(xerr)?;
                    s.add_data_validation(row, col, row, col, &dv)
                        .map_err(xerr)?;
                }
                Answer::Text(max) => {
                    if v.is_empty() {
                        s.write_blank(row, col, &open).map_err(xerr)?;
                    } else {
                        s.write_string_with_format(row, col, v, &open)
                            .map_err(xerr)?;
                    }
                    let dv = DataValidation::new()
                        .allow_text_length(DataValidationRule::LessThanOrEqualTo(max as u32))
                        .set_error_title("Testo troppo lungo")
                        .map_err(xerr)?
                        .set_error_message(format!("Al massimo {max} caratteri."))
                        .map_err(xerr)?;
                    s.add_data_validation(row, col, row, col, &dv)
                        .map_err(xerr)?;
                }
            }
        }
    }
    s.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::new()
    });
    s.set_paper_size(9);
    if f.landscape {
        s.set_landscape();
    }
    s.set_print_fit_to_pages(1, 0);
    s.set_repeat_rows(HEADER_ROW, HEADER_ROW).map_err(xerr)?;
    s.set_footer(format!(
        "&L&8Comune di {} – {}&R&8Pagina &P di &N",
        comune.replace('&', "&&"),
        req.scheda.label()
    ));
    s.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);

    // The identity of the file and the values as sent, for the import.
    let m = wb.add_worksheet();
    m.set_name(META_SHEET).map_err(xerr)?;
    let head_rows: [(&str, String); 9] = [
        ("formato", FORMAT.into()),
        ("richiesta", req.id.to_string()),
        ("creata", req.created_at.clone()),
        ("scheda", req.scheda.as_str().into()),
        ("anno", req.year.to_string()),
        ("istat", istat.into()),
        ("comune", comune.into()),
        ("generata", generated_at.into()),
        ("prima_riga", (FIRST_ROW + 1).to_string()),
    ];
    for (i, (k, v)) in head_rows.iter().enumerate() {
        m.write_string(i as u32, 0, *k).map_err(xerr)?;
        m.write_string(i as u32, 1, v).map_err(xerr)?;
    }
    for (i, r) in f.rows.iter().enumerate() {
        let row = META_HEAD + i as u32;
        m.write_string(row, 0, &r.key).map_err(xerr)?;
        m.write_string(row, 1, r.version.as_deref().unwrap_or(""))
            .map_err(xerr)?;
        for (c, cell) in r.cells.iter().enumerate() {
            if cell.answer != Answer::Fixed && !cell.value.is_empty() {
                m.write_string(row, 2 + c as u16, &cell.value)
                    .map_err(xerr)?;
            }
        }
    }
    m.set_very_hidden(true);
    m.protect();
    wb.save_to_buffer().map_err(xerr)
}

/// The workbook's file name.
fn file_name(scheda: Scheda, year: i32, comune: &str) -> String {
    let stem = match scheda {
        Scheda::Contesto => "Scheda_contesto".to_string(),
        Scheda::Fabbisogni => format!("Scheda_fabbisogni_formativi_{year}"),
        Scheda::Monitoraggio => format!("Scheda_monitoraggio_misure_{year}"),
    };
    format!("{stem}_{}.xlsx", crate::text::file_part(comune))
}

/// The scheda of `istat` for the request `communication` answers to, as
/// attached to its message: (file name, bytes).
pub(crate) fn attachment(
    conn: &Connection,
    communication: i64,
    istat: &str,
    today: chrono::NaiveDate,
) -> Result<(String, Vec<u8>)> {
    let req = request_of(conn, communication)?.ok_or_else(|| {
        Error::validation(
            "generated_doc",
            "La comunicazione non dice quale scheda chiedere: sceglierla nel testo della comunicazione.",
        )
    })?;
    let comune = crate::registry::get_comune(conn, istat)?;
    let f = form(conn, req.scheda, istat, req.year, today)?;
    let bytes = workbook(
        &req,
        istat,
        &comune.name,
        &f,
        &crate::db::version::now_utc(),
    )?;
    Ok((file_name(req.scheda, req.year, &comune.name), bytes))
}

// ------------------------------------------------------------ reading back

/// What a returned file's «_meta» says.
#[derive(Debug, Clone)]
struct Meta {
    request: i64,
    created_at: String,
    scheda: Scheda,
    year: i32,
    istat: String,
    comune: String,
    generated_at: String,
    /// Per record: key, version, the answer cells as sent (by column).
    rows: Vec<(String, String, Vec<String>)>,
}

/// The workbook read back: its «_meta», and the answer sheet's cells of
/// each record's row.
struct Returned {
    meta: Meta,
    cells: Vec<Vec<String>>,
}

fn read_back(bytes: &[u8], file: &str) -> std::result::Result<Returned, String> {
    use calamine::Reader;
    let unknown = || {
        format!(
            "Il file «{file}» non è una scheda preparata da questa applicazione (manca il foglio nascosto con il comune e la richiesta): non è stato importato. Chiedere al comune di compilare il file allegato alla richiesta."
        )
    };
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|_| {
        format!("Il file «{file}» non è un foglio di calcolo leggibile (.xlsx): non è stato importato.")
    })?;
    if !book.sheet_names().iter().any(|n| n == META_SHEET) {
        return Err(unknown());
    }
    let meta = book.worksheet_range(META_SHEET).map_err(|_| unknown())?;
    let text = |r: u32, c: u32| {
        meta.get_value((r, c))
            .map(crate::io::table::cell_text)
            .unwrap_or_default()
    };
    let mut head: HashMap<String, String> = HashMap::new();
    for r in 0..META_HEAD {
        head.insert(text(r, 0), text(r, 1));
    }
    let get = |k: &str| head.get(k).cloned().unwrap_or_default();
    if get("formato") != FORMAT {
        return Err(unknown());
    }
    let (Ok(request), Some(scheda), Ok(year)) = (
        get("richiesta").parse::<i64>(),
        Scheda::parse(&get("scheda")),
        get("anno").parse::<i32>(),
    ) else {
        return Err(unknown());
    };
    let width = match scheda {
        Scheda::Monitoraggio => 6,
        Scheda::Contesto => 2,
        Scheda::Fabbisogni => 3,
    };
    let mut rows = Vec::new();
    let mut r = META_HEAD;
    loop {
        let key = text(r, 0);
        if key.is_empty() {
            break;
        }
        let cells = (0..width).map(|c| text(r, 2 + c)).collect();
        rows.push((key, text(r, 1), cells));
        r += 1;
    }
    let sheet = book.worksheet_range(scheda.sheet()).map_err(|_| {
        format!(
            "Il file «{file}» non ha più il foglio «{}»: non è stato importato (restituire la scheda senza rinominarne i fogli).",
            scheda.sheet()
        )
    })?;
    let cells = (0..rows.len() as u32)
        .map(|i| {
            (0..width)
                .map(|c| {
                    sheet
                        .get_value((FIRST_ROW + i, c))
                        .map(crate::io::table::cell_text)
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    Ok(Returned {
        meta: Meta {
            request,
            created_at: get("creata"),
            scheda,
            year,
            istat: get("istat"),
            comune: get("comune"),
            generated_at: get("generata"),
            rows,
        },
        cells,
    })
}

/// A value as the archive compares it (lists by their canonical value,
/// dates ISO, numbers without zeros in front), or why it is not allowed.
fn normalise(a: Answer, raw: &str) -> std::result::Result<String, String> {
    let v = raw.replace("\r\n", "\n");
    let v = v.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    match a {
        Answer::Fixed => Ok(v.to_string()),
        Answer::List(list) => list
            .iter()
            .find(|x| fold(x) == fold(v) || (fold(v) == "si" && **x == "sì"))
            .map(|x| x.to_string())
            .ok_or_else(|| format!("«{v}» non è tra i valori ammessi ({})", list.join(", "))),
        Answer::Date => crate::validate::date("date", "Data", v)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .map_err(|_| format!("«{v}» non è una data valida (gg/mm/aaaa)")),
        Answer::Whole => match v.parse::<f64>() {
            Ok(n) if n.fract() == 0.0 && (0.0..=100_000.0).contains(&n) => {
                Ok(format!("{}", n as i64))
            }
            _ => Err(format!("«{v}» non è un numero intero di 0 o più")),
        },
        Answer::Indicator(kind) => {
            let v = match (kind, fold(v).as_str()) {
                (IndicatorKind::OnOff, "si") => "1",
                (IndicatorKind::OnOff, "no") => "0",
                _ => v,
            };
            crate::risks::indicator_value("value", "Valore dell'indicatore", kind, v)
                .map_err(|e| e.to_string().trim_end_matches('.').to_string())
        }
        Answer::Text(max) => {
            let t = crate::text::field("text", "Testo", v, crate::text::Rule::lines(max))
                .map_err(|e| e.to_string())?;
            Ok(t)
        }
    }
}

/// A value as the dry run shows it.
fn shown(a: Answer, v: &str) -> String {
    if v.is_empty() {
        return "(vuoto)".into();
    }
    match a {
        Answer::Date => date_it(v),
        Answer::Indicator(IndicatorKind::OnOff) if v == "1" => "sì".into(),
        Answer::Indicator(IndicatorKind::OnOff) if v == "0" => "no".into(),
        Answer::Indicator(_) => v.replace('.', ","),
        _ => v.to_string(),
    }
}

/// A value the returned file changes.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReturnChange {
    /// The row and column of the workbook («8», «C»).
    pub line: u32,
    pub column: String,
    pub field: String,
    /// The record («misura MG01», «area «Contratti»»).
    pub record: String,
    pub old: String,
    pub new: String,
}

/// A value changed both in the file and in the app since the request was
/// sent: the app's is kept unless the user takes the file's.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReturnConflict {
    /// The cell («C8»), to say «take the file's value».
    pub id: String,
    pub line: u32,
    pub column: String,
    pub field: String,
    pub record: String,
    /// The value as the request sent it.
    pub sent: String,
    /// The value the app holds now (entered since the request was sent).
    pub in_app: String,
    pub in_file: String,
    /// When the record was last changed in the app (RFC 3339).
    pub changed_at: Option<String>,
}

/// A value the archive cannot take.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReturnInvalid {
    pub line: u32,
    pub column: String,
    pub field: String,
    pub record: String,
    pub value: String,
    pub message: String,
}

/// The dry run of one returned file (one comune).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReturnPreview {
    pub file_name: String,
    /// Why the file cannot be imported, in Italian (None: recognised).
    pub refusal: Option<String>,
    pub communication_id: Option<i64>,
    pub subject: String,
    pub scheda: Option<Scheda>,
    pub scheda_label: String,
    pub istat: Option<String>,
    pub comune: String,
    /// When the file was generated for the request (RFC 3339).
    pub generated_at: String,
    /// The day a scheda of this comune already came back for the request.
    pub received_before: Option<String>,
    pub changes: Vec<ReturnChange>,
    pub conflicts: Vec<ReturnConflict>,
    pub invalid: Vec<ReturnInvalid>,
    /// Rows left out, and why.
    pub warnings: Vec<String>,
    /// Values the file leaves as they are.
    pub unchanged: usize,
}

impl ReturnPreview {
    fn refused(file_name: &str, why: String) -> ReturnPreview {
        ReturnPreview {
            file_name: file_name.to_string(),
            refusal: Some(why),
            communication_id: None,
            subject: String::new(),
            scheda: None,
            scheda_label: String::new(),
            istat: None,
            comune: String::new(),
            generated_at: String::new(),
            received_before: None,
            changes: Vec::new(),
            conflicts: Vec::new(),
            invalid: Vec::new(),
            warnings: Vec::new(),
            unchanged: 0,
        }
    }
}

/// The dry run and what applying it writes: per record, the values after
/// the import (the app's with the file's changes and the conflicts taken).
struct Plan {
    preview: ReturnPreview,
    request: Option<Request>,
    merged: Vec<(FormRow, Vec<String>)>,
}

fn plan(
    conn: &Connection,
    bytes: &[u8],
    file: &str,
    expected: Option<i64>,
    take_file: &[String],
    today: chrono::NaiveDate,
) -> Result<Plan> {
    let refused = |why: String| Plan {
        preview: ReturnPreview::refused(file, why),
        request: None,
        merged: Vec::new(),
    };
    let back = match read_back(bytes, file) {
        Ok(b) => b,
        Err(why) => return Ok(refused(why)),
    };
    let m = &back.meta;
    let req =
        request_of(conn, m.request)?.filter(|r| r.id == m.request && r.created_at == m.created_at);
    let Some(req) = req else {
        return Ok(refused(format!(
            "Il file «{file}» risponde alla richiesta n. {} del {}, che non è in questo archivio: non è stato importato.",
            m.request,
            date_it(m.created_at.get(..10).unwrap_or(""))
        )));
    };
    if let Some(x) = expected.filter(|x| *x != req.id) {
        return Ok(refused(format!(
            "Il file «{file}» risponde alla richiesta n. {} («{}»), non alla n. {x}: importarlo da quella comunicazione.",
            req.id, req.subject
        )));
    }
    if req.scheda != m.scheda || req.year != m.year {
        return Ok(refused(format!(
            "Il file «{file}» è una «{}», ma la richiesta n. {} chiede la «{}»: non è stato importato.",
            m.scheda.label(),
            req.id,
            req.scheda.label()
        )));
    }
    let among: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM comm_recipient WHERE communication_id = ?1 AND istat = ?2)",
        params![req.id, m.istat],
        |r| r.get(0),
    )?;
    if !among {
        return Ok(refused(format!(
            "Il file «{file}» è la scheda del Comune di {} (ISTAT {}), che non è tra i destinatari della richiesta n. {}: non è stato importato.",
            m.comune, m.istat, req.id
        )));
    }
    let comune = crate::registry::get_comune(conn, &m.istat)?.name;
    let now = form(conn, req.scheda, &m.istat, req.year, today)?;
    let mut p = ReturnPreview {
        file_name: file.to_string(),
        refusal: None,
        communication_id: Some(req.id),
        subject: req.subject.clone(),
        scheda: Some(req.scheda),
        scheda_label: req.scheda.label().into(),
        istat: Some(m.istat.clone()),
        comune,
        generated_at: m.generated_at.clone(),
        received_before: conn
            .query_row(
                "SELECT max(received_on) FROM comm_return WHERE communication_id = ?1 AND istat = ?2",
                params![req.id, m.istat],
                |r| r.get(0),
            )
            .optional()?
            .flatten(),
        changes: Vec::new(),
        conflicts: Vec::new(),
        invalid: Vec::new(),
        warnings: Vec::new(),
        unchanged: 0,
    };
    let mut merged = Vec::new();
    for (i, (key, _version, sent)) in m.rows.iter().enumerate() {
        let line = FIRST_ROW + i as u32 + 1;
        let Some(cur) = now.rows.iter().find(|r| &r.key == key) else {
            p.warnings.push(format!(
                "Riga {line}: il dato non è più nell'archivio (ad esempio una misura non più adottata): riga non importata."
            ));
            continue;
        };
        let mut values: Vec<String> = Vec::with_capacity(cur.cells.len());
        for (c, cell) in cur.cells.iter().enumerate() {
            let col = c as u16;
            let current =
                normalise(cell.answer, &cell.value).unwrap_or_else(|_| cell.value.clone());
            if cell.answer == Answer::Fixed {
                values.push(current);
                continue;
            }
            let raw = back.cells[i].get(c).cloned().unwrap_or_default();
            let field = now.columns[c].0.to_string();
            let in_file = match normalise(cell.answer, &raw) {
                Ok(v) => v,
                Err(why) => {
                    p.invalid.push(ReturnInvalid {
                        line,
                        column: column_letter(col),
                        field,
                        record: cur.label.clone(),
                        value: raw,
                        message: format!("Riga {line}, colonna {}: {why}.", column_letter(col)),
                    });
                    values.push(current);
                    continue;
                }
            };
            let was = sent
                .get(c)
                .map(|s| normalise(cell.answer, s).unwrap_or_else(|_| s.clone()))
                .unwrap_or_default();
            let id = format!("{}{line}", column_letter(col));
            if in_file == was || in_file == current {
                p.unchanged += 1;
                values.push(current);
            } else if current == was {
                p.changes.push(ReturnChange {
                    line,
                    column: column_letter(col),
                    field,
                    record: cur.label.clone(),
                    old: shown(cell.answer, &current),
                    new: shown(cell.answer, &in_file),
                });
                values.push(in_file);
            } else {
                let take = take_file.contains(&id);
                p.conflicts.push(ReturnConflict {
                    id,
                    line,
                    column: column_letter(col),
                    field,
                    record: cur.label.clone(),
                    sent: shown(cell.answer, &was),
                    in_app: shown(cell.answer, &current),
                    in_file: shown(cell.answer, &in_file),
                    changed_at: cur.version.clone(),
                });
                values.push(if take { in_file } else { current });
            }
        }
        check_row(req.scheda, cur, &values, line, &now, today, &mut p.invalid);
        merged.push((cur.clone(), values));
    }
    // A measure's indicator measured: its row says on which date.
    for (r, v) in &merged {
        let Some((adoption, _)) = r
            .key
            .strip_prefix("indicatore:")
            .and_then(|k| k.split_once(':'))
        else {
            continue;
        };
        let cur = current_values(r);
        let measure = merged
            .iter()
            .position(|(x, _)| x.key == format!("adozione:{adoption}"));
        if let Some(i) = measure.filter(|i| cur != *v && merged[*i].1[3].is_empty()) {
            p.invalid.push(empty_cell(
                m,
                &now,
                &merged[i].0,
                i,
                3,
                "indicare la data del monitoraggio, a cui si riferisce il valore dell'indicatore.",
            ));
        }
    }
    // The scheda di contesto: the segreteria in convenzione says with whom.
    let value = |key: &str| {
        merged
            .iter()
            .position(|(r, _): &(FormRow, Vec<String>)| r.key == key)
            .map(|i| (i, merged[i].1[1].clone()))
    };
    if let (Some((_, yes)), Some((i, with))) =
        (value("segretario_convenzione"), value("convenzione_with"))
    {
        if yes == "sì" && with.is_empty() {
            p.invalid.push(empty_cell(
                m,
                &now,
                &merged[i].0,
                i,
                1,
                "segreteria in convenzione: indicare con quali comuni.",
            ));
        }
    }
    Ok(Plan {
        preview: p,
        request: Some(req),
        merged,
    })
}

/// A record's values as the archive holds them now, compared canonically.
fn current_values(r: &FormRow) -> Vec<String> {
    r.cells
        .iter()
        .map(|c| normalise(c.answer, &c.value).unwrap_or_else(|_| c.value.clone()))
        .collect()
}

/// A cell a rule spanning rows wants filled: `row` (the `fallback`-th
/// record) in column `col`.
fn empty_cell(
    m: &Meta,
    f: &Form,
    row: &FormRow,
    fallback: usize,
    col: u16,
    why: &str,
) -> ReturnInvalid {
    let line = FIRST_ROW
        + 1
        + m.rows
            .iter()
            .position(|x| x.0 == row.key)
            .unwrap_or(fallback) as u32;
    let column = column_letter(col);
    ReturnInvalid {
        message: format!("Riga {line}, colonna {column}: {why}"),
        line,
        column,
        field: f.columns[col as usize].0.to_string(),
        record: row.label.clone(),
        value: String::new(),
    }
}

/// The rules of a record after the import (those of the domain's form).
fn check_row(
    scheda: Scheda,
    cur: &FormRow,
    values: &[String],
    line: u32,
    f: &Form,
    today: chrono::NaiveDate,
    invalid: &mut Vec<ReturnInvalid>,
) {
    let current = current_values(cur);
    if values == current.as_slice() {
        return;
    }
    let mut bad = |c: usize, message: String| {
        let col = column_letter(c as u16);
        invalid.push(ReturnInvalid {
            line,
            column: col.clone(),
            field: f.columns[c].0.to_string(),
            record: cur.label.clone(),
            value: values[c].clone(),
            message: format!("Riga {line}, colonna {col}: {message}"),
        });
    };
    match scheda {
        // An indicator's row has no rule of its own (its value is checked
        // by its kind); its measure's row says the date.
        Scheda::Monitoraggio if cur.key.starts_with("indicatore:") => {}
        Scheda::Monitoraggio => {
            let (state, date, why) = (&values[2], &values[3], &values[4]);
            if state.is_empty() {
                bad(2, "indicare lo stato di attuazione della misura.".into());
            }
            if date.is_empty() {
                bad(3, "indicare la data del monitoraggio.".into());
            } else if date.as_str() > today.to_string().as_str() {
                bad(
                    3,
                    format!(
                        "la data del monitoraggio ({}) non può essere nel futuro.",
                        date_it(date)
                    ),
                );
            } else if !current[3].is_empty() && date.as_str() < current[3].as_str() {
                bad(
                    3,
                    format!(
                        "la data ({}) è anteriore all'ultimo monitoraggio registrato ({}).",
                        date_it(date),
                        date_it(&current[3])
                    ),
                );
            }
            if state == "non attuata" && why.is_empty() {
                bad(
                    4,
                    "misura non attuata: la motivazione è obbligatoria.".into(),
                );
            }
        }
        // Its one rule spans two rows: checked by `plan` on the whole.
        Scheda::Contesto => {}
        Scheda::Fabbisogni => {
            if cur.key.starts_with("tema:") && values[1].is_empty() && !values[2].is_empty() {
                bad(
                    1,
                    "personale indicato senza priorità: indicare la priorità (da 1 a 5) o lasciare vuoto anche il personale.".into(),
                );
            }
        }
    }
}

/// Writes a plan's records through the domains' own writers.
fn write(
    tx: &Connection,
    op: &str,
    req: &Request,
    istat: &str,
    merged: &[(FormRow, Vec<String>)],
    today: chrono::NaiveDate,
) -> Result<usize> {
    let norm_cur = current_values;
    let changed: Vec<&(FormRow, Vec<String>)> =
        merged.iter().filter(|(r, v)| &norm_cur(r) != v).collect();
    if changed.is_empty() {
        return Ok(0);
    }
    let day = today.to_string();
    match req.scheda {
        Scheda::Monitoraggio => {
            // One entry per measure whose row or indicators changed, with
            // every indicator's value after the import.
            let mut written = 0;
            for (r, v) in merged {
                let Some(adoption) = r.key.strip_prefix("adozione:") else {
                    continue;
                };
                let prefix = format!("indicatore:{adoption}:");
                let indicators: Vec<&(FormRow, Vec<String>)> = merged
                    .iter()
                    .filter(|(x, _)| x.key.starts_with(&prefix))
                    .collect();
                if norm_cur(r) == *v && indicators.iter().all(|(x, w)| norm_cur(x) == *w) {
                    continue;
                }
                crate::risks::monitoring::record_monitoring_in(
                    tx,
                    op,
                    adoption
                        .parse()
                        .map_err(|_| Error::Database(format!("riga «{}»", r.key)))?,
                    &crate::risks::monitoring::MonitoringInput {
                        date: v[3].clone(),
                        state: state_of_label(&v[2]),
                        motivazione: v[4].clone(),
                        values: indicators
                            .iter()
                            .map(|(_, w)| Some(w[5].clone()).filter(|x| !x.is_empty()))
                            .collect(),
                        version: None,
                    },
                    &day,
                )?;
                written += 1;
            }
            return Ok(written);
        }
        Scheda::Contesto => {
            let get = |k: &str| {
                merged
                    .iter()
                    .find(|(r, _)| r.key == k)
                    .map(|(_, v)| v[1].clone())
                    .unwrap_or_default()
            };
            crate::risks::adoption::save_context_in(
                tx,
                op,
                istat,
                &crate::risks::adoption::ContextInput {
                    employees: get("employees").parse().ok(),
                    segretario_convenzione: get("segretario_convenzione") == "sì",
                    convenzione_with: get("convenzione_with"),
                    units: get("units"),
                    problems: get("problems"),
                    notes: get("notes"),
                    version: None,
                },
                &day,
            )?;
        }
        Scheda::Fabbisogni => {
            let mut needs = Vec::new();
            let mut mode = None;
            let mut notes = None;
            for (r, v) in merged {
                if let Some(theme) = r.key.strip_prefix("tema:") {
                    needs.push(crate::training::survey::NeedInput {
                        theme_id: theme
                            .parse()
                            .map_err(|_| Error::Database(format!("riga «{}»", r.key)))?,
                        priority: v[1].parse().ok(),
                        staff: Some(v[2].clone()).filter(|s| !s.is_empty()),
                    });
                } else if r.key == "modalita" {
                    mode = mode_key(&v[1]);
                } else if r.key == "note" {
                    notes = Some(v[1].clone()).filter(|s| !s.is_empty());
                }
            }
            crate::training::survey::save_survey_in(
                tx,
                op,
                &crate::training::survey::SurveyInput {
                    istat: istat.to_string(),
                    year: req.year,
                    preferred_mode: mode,
                    notes,
                    needs,
                    version: None,
                },
            )?;
        }
    }
    Ok(changed.len())
}

/// What applying a returned scheda did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReturnApplied {
    pub communication_id: i64,
    pub istat: String,
    pub comune: String,
    /// Records changed in the archive.
    pub records: usize,
    pub received_on: String,
    /// Where the file is kept.
    pub kept: String,
}

impl Store {
    /// The dry run of returned schede, one per file (one per comune):
    /// recognised by the request and comune their «_meta» names, or
    /// refused saying why. `expected`: the request the user imports for.
    pub fn comms_returns_preview(
        &self,
        files: &[(String, Vec<u8>)],
        expected: Option<i64>,
    ) -> Result<Vec<ReturnPreview>> {
        let today = self.today();
        files
            .iter()
            .map(|(name, bytes)| {
                let mut p = plan(&self.conn, bytes, name, expected, &[], today)?.preview;
                let sha = crate::fs::sha256_hex(bytes);
                let dup: Option<String> = self
                    .conn
                    .query_row(
                        "SELECT received_on FROM comm_return WHERE sha256 = ?1",
                        [&sha],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(on) = dup {
                    p.refusal = Some(format!(
                        "Il file «{name}» è già stato importato il {}.",
                        date_it(&on)
                    ));
                }
                Ok(p)
            })
            .collect()
    }

    /// Applies one returned scheda (one comune): refused while the file is
    /// not recognised or has invalid values; otherwise a backup, then one
    /// action: the records written through their domains, the file kept
    /// beside the archive, the comune's line «scheda ricevuta», the audit
    /// row. `take_file`: the conflicts (cells) where the file's value wins.
    pub fn comms_return_apply(
        &mut self,
        file_name: &str,
        bytes: &[u8],
        expected: Option<i64>,
        take_file: &[String],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<ReturnApplied> {
        if self.read_only {
            return Err(Error::read_only(self.path()));
        }
        let today = self.today();
        let preview = self
            .comms_returns_preview(&[(file_name.to_string(), bytes.to_vec())], expected)?
            .remove(0);
        if let Some(why) = preview.refusal {
            return Err(Error::validation("file", why));
        }
        let p = plan(&self.conn, bytes, file_name, expected, take_file, today)?;
        if let Some(first) = p.preview.invalid.first() {
            return Err(Error::validation(
                "file",
                format!(
                    "La scheda del Comune di {} ha {} valori non validi ({}): correggerli nel file, o chiedere al comune di rinviarlo, e ripetere l'importazione. Nulla è stato scritto.",
                    p.preview.comune,
                    p.preview.invalid.len(),
                    first.message
                ),
            ));
        }
        let req = p
            .request
            .clone()
            .ok_or_else(|| Error::Database("richiesta".into()))?;
        let istat = p.preview.istat.clone().unwrap_or_default();
        if self.path().is_some() {
            self.backup_now(crate::db::backup::Reason::BeforeImport, now)?;
        }
        let dir: Option<PathBuf> = self
            .path()
            .map(|x| crate::db::backup::parent_of(x).join(KEPT_DIR));
        let sha = crate::fs::sha256_hex(bytes);
        let label = crate::io::table::file_label(file_name);
        let comune = p.preview.comune.clone();
        let taken: Vec<&String> = p
            .preview
            .conflicts
            .iter()
            .map(|c| &c.id)
            .filter(|id| take_file.contains(id))
            .collect();
        self.action(|tx, op| {
            let records = write(tx, op, &req, &istat, &p.merged, today)?;
            let kept = super::receipts::keep(dir.as_deref(), &label, bytes, &sha)?;
            tx.execute(
                "INSERT INTO comm_return (communication_id, istat, file_name, path, sha256, received_on,
                    changes, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    req.id,
                    istat,
                    label,
                    kept.display().to_string(),
                    sha,
                    today.to_string(),
                    records as i64,
                    crate::db::version::now_utc()
                ],
            )?;
            crate::audit::record(
                tx,
                op,
                "scheda_ricevuta",
                "communication",
                &req.id.to_string(),
                None,
                Some(&serde_json::json!({
                    "istat": istat, "scheda": req.scheda.as_str(), "file": label, "sha256": sha,
                    "changes": p.preview.changes.len(), "conflicts": p.preview.conflicts.len(),
                    "taken_from_file": taken, "records": records,
                })),
            )?;
            Ok(ReturnApplied {
                communication_id: req.id,
                istat: istat.clone(),
                comune: comune.clone(),
                records,
                received_on: today.to_string(),
                kept: kept.display().to_string(),
            })
        })
    }

    /// A comune's scheda for a request, alone (to save or send by hand).
    pub fn comms_scheda_xlsx(&self, communication: i64, istat: &str) -> Result<(String, Vec<u8>)> {
        attachment(&self.conn, communication, istat, self.today())
    }

    /// The comuni of a request whose scheda has not come back.
    pub fn comms_not_returned(&self, request: i64) -> Result<Vec<String>> {
        super::returns::not_returned(&self.conn, request)
    }

    /// «Sollecita chi non ha risposto»: one action that writes the reminder
    /// (a «sollecito» linked to the request, the same scheda attached,
    /// its text pre-filled) to exactly the comuni whose scheda has not
    /// come back, by the rule «chi non ha restituito la scheda».
    pub fn comms_remind_not_returned(&mut self, request: i64) -> Result<super::Communication> {
        let today = self.today();
        let id = self.action(|tx, op| {
            let kind: String = tx
                .query_row("SELECT kind FROM communication WHERE id = ?1", [request], |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::not_found("Comunicazione non trovata."))?;
            let req = request_of(tx, request)?
                .filter(|r| r.id == request && kind == Kind::RichiestaScheda.as_str())
                .ok_or_else(|| {
                    Error::validation(
                        "communication",
                        "Si sollecita una richiesta di scheda: questa comunicazione non lo è.",
                    )
                })?;
            let sent: i64 = tx.query_row(
                "SELECT count(*) FROM comm_message m JOIN comm_recipient r ON r.id = m.recipient_id
                 WHERE r.communication_id = ?1 AND m.state IN ('sent', 'prepared')",
                [request],
                |r| r.get(0),
            )?;
            if sent == 0 {
                return Err(Error::conflict(
                    "La richiesta non è ancora stata inviata: non c'è nessuno da sollecitare.",
                    None,
                ));
            }
            if super::returns::not_returned(tx, request)?.is_empty() {
                return Err(Error::validation(
                    "communication",
                    "Tutti i comuni destinatari hanno restituito la scheda: non c'è nessuno da sollecitare.",
                ));
            }
            let (signatory, rule): (String, String) = tx.query_row(
                "SELECT signatory, rule FROM communication WHERE id = ?1",
                [request],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let original: RecipientRule = serde_json::from_str(&rule).unwrap_or_default();
            let rule = RecipientRule {
                not_returned: Some(request),
                roles: if original.roles.is_empty() {
                    vec![RecipientRole::Rpct]
                } else {
                    original.roles
                },
                ..Default::default()
            };
            let subject = crate::text::field(
                "subject",
                "Oggetto",
                &format!("Sollecito – {}", req.subject),
                crate::text::Rule::TITLE,
            )?;
            let body = format!(
                "# Sollecito\n\nAl {{{{ destinatario.nome }}}}, Comune di {{{{ comune.nome }}}}.\n\nCon la nota {} questa Segreteria ha chiesto la restituzione, compilata, della «{}». A oggi la scheda del Comune di {{{{ comune.nome }}}} non risulta pervenuta.\n\nSi prega di restituirla in risposta a questa PEC, utilizzando il file allegato, già predisposto con i dati del Comune.\n\nSi ringrazia per la collaborazione.\n",
                if req.protocol == "da protocollare" {
                    format!("del {}", date_it(req.created_at.get(..10).unwrap_or("")))
                } else {
                    req.protocol.replace("Prot.", "prot.")
                },
                req.scheda.label().to_lowercase()
            );
            let version = crate::db::version::next_version("");
            tx.execute(
                "INSERT INTO communication (kind, subject, body, signatory, generated_doc, created_at, updated_at)
                 VALUES ('sollecito', ?1, ?2, ?3, ?4, ?5, ?5)",
                params![subject, body, signatory, req.scheda.generated(), version],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO comm_request (communication_id, scheda, year, reminds) VALUES (?1, ?2, ?3, ?4)",
                params![id, req.scheda.as_str(), req.year, request],
            )?;
            let lines = super::recipients::resolve(tx, &rule, &[], today)?;
            super::recipients::save_in(tx, id, &rule, &lines)?;
            crate::audit::record(
                tx,
                op,
                "remind_not_returned",
                "communication",
                &id.to_string(),
                None,
                Some(&serde_json::json!({"request": request, "recipients": lines.len()})),
            )?;
            Ok(id)
        })?;
        self.comms_get(id)
    }
}

/// The file «Esporta la scheda…» writes.
pub fn export_spec(file_name: &str) -> FileSpec {
    FileSpec {
        name: file_name.to_string(),
        title: "Salva la scheda del comune".into(),
        filter_label: "Cartella di lavoro Excel (.xlsx)".into(),
        extensions: vec!["xlsx".into()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(4), "E");
        assert_eq!(column_letter(26), "AA");
    }

    #[test]
    fn values_are_compared_in_their_canonical_form() {
        assert_eq!(
            normalise(Answer::List(STATES), " Attuata ").unwrap(),
            "attuata"
        );
        assert_eq!(normalise(Answer::List(YES_NO), "SI").unwrap(), "sì");
        assert!(normalise(Answer::List(STATES), "fatto").is_err());
        assert_eq!(normalise(Answer::Date, "05/03/2027").unwrap(), "2027-03-05");
        assert!(normalise(Answer::Date, "31/02/2027").is_err());
        assert_eq!(normalise(Answer::Whole, "12").unwrap(), "12");
        assert!(normalise(Answer::Whole, "12,5").is_err());
        assert_eq!(normalise(Answer::Text(10), "").unwrap(), "");
        let on_off = Answer::Indicator(IndicatorKind::OnOff);
        assert_eq!(normalise(on_off, "Sì").unwrap(), "1");
        assert_eq!(shown(on_off, "0"), "no");
        assert!(normalise(Answer::Indicator(IndicatorKind::Percentuale), "molto").is_err());
    }
}
