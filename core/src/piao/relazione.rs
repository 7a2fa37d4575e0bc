//! The RPCT's relazione annuale (art. 1, comma 14, L. 190/2012), pre-filled
//! for a comune and year: the anagrafica of the ente and of the RPCT, the
//! state of each general measure by ANAC's themes and of each specific
//! measure at 31 December from the monitoring recorded in the app, the
//! training figures of the training module, the four general
//! considerations typed by the RPCT (at most 2,000 characters each). As an
//! XLSX with the three sheets of ANAC's form («Anagrafica», «Considerazioni
//! generali», «Misure anticorruzione») and as a PDF for the records; what
//! the app cannot answer is left empty and listed. The platform view lists
//! the same data in the order of the platform's sections, to copy.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::get_data;
use crate::db::version::{check_version, next_version};
use crate::documents::model::{Block, Cell, Document, PageSize, Row, Style, Styled};
use crate::documents::Meta;
use crate::error::{Error, Result};
use crate::risks::scheda::{b, col, col_c, comune_header, field, group, h, it, row, sp, table};
use crate::risks::MeasureState;
use crate::text::{field as text_field, Rule};
use crate::{audit, Store};

/// ANAC's limit on each general consideration, in characters.
pub const CONSIDERATION_MAX: usize = 2000;

/// The four general considerations of ANAC's form: code and question.
pub const CONSIDERATIONS: [(&str, &str); 4] = [
    (
        "1.A",
        "Stato di attuazione della sezione anticorruzione e trasparenza: valutazione sintetica del livello effettivo di attuazione e delle misure attuate",
    ),
    (
        "1.B",
        "Aspetti critici dell'attuazione: se la sezione è stata attuata in parte, le principali ragioni dello scostamento",
    ),
    (
        "1.C",
        "Ruolo del RPCT: valutazione sintetica del ruolo di impulso e coordinamento del RPCT",
    ),
    (
        "1.D",
        "Aspetti critici del ruolo del RPCT: i fattori che hanno ostacolato l'azione di impulso e coordinamento",
    ),
];

/// A measure's line of the relazione.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RelazioneMeasure {
    /// ANAC's theme (the general measure) or «Misure specifiche».
    pub theme: String,
    pub code: String,
    pub title: String,
    pub general: bool,
    /// The state at 31 December from the newest monitoring entry of the
    /// year or before (None: never monitored by then).
    pub state: Option<MeasureState>,
    /// «Attuata», «In corso di attuazione», «Non attuata», «Non avviata», or "".
    pub state_label: String,
    pub motivazione: String,
    pub monitored_on: Option<String>,
}

/// The training figures of the comune's staff in the year.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrainingFigures {
    /// Events attended by at least one of its staff.
    pub events: i64,
    /// People trained (present at least once).
    pub people: i64,
    /// Hours of training received, summed over the people.
    pub hours: String,
    /// Attestati issued (not annulled).
    pub certificates: i64,
}

/// One general consideration: its question and the RPCT's text.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Consideration {
    pub code: String,
    pub question: String,
    pub text: String,
}

/// A field of the relazione: label and value (empty when the app cannot say).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LabelValue {
    pub label: String,
    pub value: String,
}

/// The relazione of a comune and year, pre-filled.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Relazione {
    pub istat: String,
    pub comune: String,
    pub year: i32,
    pub anagrafica: Vec<LabelValue>,
    pub measures: Vec<RelazioneMeasure>,
    pub training: TrainingFigures,
    pub considerations: Vec<Consideration>,
    /// The questions the app cannot answer: to fill on ANAC's form.
    pub unanswered: Vec<String>,
    pub max_chars: usize,
    /// None while the considerations were never saved.
    pub updated_at: Option<String>,
}

/// What the relazione's form sends: the four considerations, in order.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RelazioneInput {
    pub considerations: Vec<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// A section of the ANAC platform view, with its fields to copy.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlatformSection {
    pub title: String,
    pub fields: Vec<LabelValue>,
}

fn state_label(s: MeasureState) -> &'static str {
    match s {
        MeasureState::Attuata => "Attuata",
        MeasureState::InCorso => "In corso di attuazione",
        MeasureState::NonAttuata => "Non attuata",
        MeasureState::DaAvviare => "Non avviata",
    }
}

fn lv(label: &str, value: impl Into<String>) -> LabelValue {
    LabelValue {
        label: label.into(),
        value: value.into(),
    }
}

fn check_year(year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(Error::validation(
            "year",
            "Anno della relazione: un anno come 2026.",
        ))
    }
}

impl Store {
    /// The relazione of `istat` for `year`, pre-filled from the archive.
    pub fn piao_relazione(&self, istat: &str, year: i32) -> Result<Relazione> {
        check_year(year)?;
        let comune = self.comune(istat)?;
        let data = get_data(&self.conn, istat)?;
        let end = format!("{year:04}-12-31");
        let mut unanswered = Vec::new();

        // Anagrafica.
        let rpct: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT full_name, valid_from FROM referent WHERE istat = ?1 AND role = 'rpct'
                 AND (valid_from IS NULL OR valid_from <= ?2) AND (valid_to IS NULL OR valid_to >= ?2)
                 ORDER BY valid_from DESC LIMIT 1",
                params![istat, end],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let fiscal = comune.fiscal_code.clone().unwrap_or_default();
        if fiscal.is_empty() {
            unanswered.push("Anagrafica: codice fiscale dell'amministrazione".to_string());
        }
        let (rpct_name, rpct_from) = rpct.clone().unwrap_or_default();
        if rpct.is_none() {
            unanswered.push(format!("Anagrafica: RPCT in carica al 31/12/{year}"));
        }
        if rpct_from.is_none() {
            unanswered.push("Anagrafica: data di inizio dell'incarico di RPCT".to_string());
        }
        unanswered.push("Anagrafica: qualifica e posizione occupata dal RPCT".to_string());
        unanswered.push(
            "Anagrafica: se il RPCT svolge anche le funzioni di Responsabile della trasparenza"
                .to_string(),
        );
        let anagrafica = vec![
            lv("Codice fiscale dell'amministrazione", fiscal),
            lv(
                "Denominazione dell'amministrazione",
                format!("Comune di {}", comune.name),
            ),
            lv("Nome e cognome del RPCT", rpct_name),
            lv("Qualifica del RPCT", ""),
            lv("Posizione occupata", ""),
            lv(
                "Data di inizio dell'incarico di RPCT",
                rpct_from
                    .as_deref()
                    .map(crate::text::date_it)
                    .unwrap_or_default(),
            ),
            lv("Atto di nomina del RPCT", data.rpct_act.clone()),
            lv(
                "Il RPCT svolge anche le funzioni di Responsabile della trasparenza",
                "",
            ),
        ];

        // Measures: the general ones by ANAC's theme, then the specific ones.
        let themes = self.general_themes()?;
        let all_themes: Vec<(String, String)> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT code, name FROM general_measure ORDER BY code")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let adopted: Vec<(i64, i64, String, String, bool)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT a.id, m.id, m.code, m.title, m.general FROM risk_adoption a
                 JOIN risk_measure m ON m.id = a.measure_id
                 WHERE a.istat = ?1 AND a.adopted_on <= ?2 ORDER BY m.general DESC, m.code",
            )?;
            let rows = stmt.query_map(params![istat, end], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut last = self.conn.prepare_cached(
            "SELECT state, motivazione, date FROM risk_monitoring WHERE adoption_id = ?1 AND date <= ?2
             ORDER BY date DESC, id DESC LIMIT 1",
        )?;
        let mut measure = |(aid, _mid, code, title, general): &(i64, i64, String, String, bool),
                           theme: String|
         -> Result<RelazioneMeasure> {
            let entry: Option<(String, String, String)> = last
                .query_row(params![aid, end], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let state = entry.as_ref().map(|e| MeasureState::parse(&e.0));
            Ok(RelazioneMeasure {
                theme,
                code: code.clone(),
                title: title.clone(),
                general: *general,
                state,
                state_label: state.map(state_label).unwrap_or_default().to_string(),
                motivazione: entry.as_ref().map(|e| e.1.clone()).unwrap_or_default(),
                monitored_on: entry.map(|e| e.2),
            })
        };
        let mut measures = Vec::new();
        for (code, name) in &all_themes {
            let under: Vec<_> = adopted
                .iter()
                .filter(|a| a.4 && themes.get(&a.1).is_some_and(|t| &t.0 == code))
                .collect();
            if under.is_empty() {
                unanswered.push(format!(
                    "Misure generali – {name}: nessuna misura registrata nell'app"
                ));
            }
            for a in under {
                measures.push(measure(a, name.clone())?);
            }
        }
        for a in adopted.iter().filter(|a| a.4 && !themes.contains_key(&a.1)) {
            measures.push(measure(a, "Altre misure generali".into())?);
        }
        for a in adopted.iter().filter(|a| !a.4) {
            measures.push(measure(a, "Misure specifiche".into())?);
        }
        for m in measures.iter().filter(|m| m.state.is_none()) {
            unanswered.push(format!(
                "Stato della misura {} {}: nessun monitoraggio registrato entro il 31/12/{year}",
                m.code, m.title
            ));
        }

        // Training.
        let from = format!("{year:04}-01-01");
        let (events, people, minutes): (i64, i64, i64) = self.conn.query_row(
            "SELECT count(DISTINCT e.id), count(DISTINCT a.participant_id), coalesce(sum(e.credit_minutes), 0)
             FROM training_attendance a JOIN training_participant p ON p.id = a.participant_id
             JOIN training_event e ON e.id = a.event_id
             WHERE p.istat = ?1 AND a.present = 1 AND e.state <> 'annullato' AND e.date BETWEEN ?2 AND ?3",
            params![istat, from, end],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let certificates: i64 = self.conn.query_row(
            "SELECT count(*) FROM training_certificate c JOIN training_participant p ON p.id = c.participant_id
             WHERE p.istat = ?1 AND c.year = ?2 AND c.annulled_at IS NULL",
            params![istat, year],
            |r| r.get(0),
        )?;
        let training = TrainingFigures {
            events,
            people,
            hours: crate::training::hours_text(minutes),
            certificates,
        };

        // Considerations.
        let saved: Option<([String; 4], String)> = self
            .conn
            .query_row(
                "SELECT c1, c2, c3, c4, updated_at FROM piao_relazione WHERE istat = ?1 AND year = ?2",
                params![istat, year],
                |r| Ok(([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?], r.get(4)?)),
            )
            .optional()?;
        let texts = saved.as_ref().map(|s| s.0.clone()).unwrap_or_default();
        let considerations: Vec<Consideration> = CONSIDERATIONS
            .iter()
            .zip(texts.iter())
            .map(|((code, question), text)| Consideration {
                code: code.to_string(),
                question: question.to_string(),
                text: text.clone(),
            })
            .collect();
        for c in considerations.iter().filter(|c| c.text.is_empty()) {
            unanswered.push(format!(
                "Considerazioni generali {}: testo del RPCT",
                c.code
            ));
        }
        Ok(Relazione {
            istat: istat.to_string(),
            comune: comune.name,
            year,
            anagrafica,
            measures,
            training,
            considerations,
            unanswered,
            max_chars: CONSIDERATION_MAX,
            updated_at: saved.map(|s| s.1),
        })
    }

    /// Saves the four considerations (one action with its audit row; each
    /// at most 2,000 characters, as ANAC's form allows).
    pub fn save_piao_relazione(
        &mut self,
        istat: &str,
        year: i32,
        input: &RelazioneInput,
    ) -> Result<Relazione> {
        check_year(year)?;
        if input.considerations.len() != CONSIDERATIONS.len() {
            return Err(Error::validation(
                "considerations",
                "Le considerazioni generali sono quattro.",
            ));
        }
        let mut texts = Vec::new();
        for (i, t) in input.considerations.iter().enumerate() {
            texts.push(text_field(
                &format!("considerations.{i}"),
                &format!("Considerazione {}", CONSIDERATIONS[i].0),
                t,
                Rule::lines(CONSIDERATION_MAX),
            )?);
        }
        self.comune(istat)?;
        self.action(|tx, op| {
            let before: Option<String> = tx
                .query_row(
                    "SELECT updated_at FROM piao_relazione WHERE istat = ?1 AND year = ?2",
                    params![istat, year],
                    |r| r.get(0),
                )
                .optional()?;
            match (&before, input.version.as_deref()) {
                (Some(current), shown) => check_version(current, shown)?,
                (None, Some(_)) => return Err(crate::error::stale()),
                (None, None) => {}
            }
            let version = next_version(before.as_deref().unwrap_or(""));
            tx.execute(
                "INSERT INTO piao_relazione (istat, year, c1, c2, c3, c4, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(istat, year) DO UPDATE SET c1 = ?3, c2 = ?4, c3 = ?5, c4 = ?6, updated_at = ?7",
                params![istat, year, texts[0], texts[1], texts[2], texts[3], version],
            )?;
            audit::record(
                tx,
                op,
                if before.is_some() { "update" } else { "create" },
                "piao_relazione",
                &format!("{istat}/{year}"),
                None,
                Some(&serde_json::json!({ "considerations": texts })),
            )?;
            Ok(())
        })?;
        self.piao_relazione(istat, year)
    }

    /// The relazione as an XLSX workbook in the layout of ANAC's form: the
    /// sheets «Anagrafica», «Considerazioni generali», «Misure anticorruzione».
    pub fn piao_relazione_xlsx(&self, istat: &str, year: i32) -> Result<Vec<u8>> {
        relazione_xlsx(&self.piao_relazione(istat, year)?)
    }

    /// The relazione as a document for the records (PDF/A or DOCX).
    pub fn piao_relazione_document(&self, istat: &str, year: i32) -> Result<Document> {
        Ok(relazione_document(&self.piao_relazione(istat, year)?))
    }

    /// The comune's data in the order of the sections of ANAC's platform,
    /// each field to copy.
    pub fn piao_platform(&self, istat: &str, year: i32) -> Result<Vec<PlatformSection>> {
        let r = self.piao_relazione(istat, year)?;
        let data = get_data(&self.conn, istat)?;
        let context = self.risk_context(istat)?;
        let comune = self.comune(istat)?;
        let mut out = vec![PlatformSection {
            title: "Anagrafica".into(),
            fields: r.anagrafica.clone(),
        }];
        out.push(PlatformSection {
            title: "Caratteristiche dell'ente".into(),
            fields: vec![
                lv("Codice ISTAT", comune.istat.clone()),
                lv(
                    "Abitanti",
                    comune.population.map(|p| p.to_string()).unwrap_or_default(),
                ),
                lv(
                    "Dipendenti",
                    context.employees.map(|e| e.to_string()).unwrap_or_default(),
                ),
                lv(
                    "Periodo della sezione",
                    super::section::period(data.first_year).replace('_', ""),
                ),
                lv("Soggetti coinvolti nell'approvazione", data.organs.clone()),
            ],
        });
        out.push(PlatformSection {
            title: "Obiettivi strategici".into(),
            fields: data
                .objectives
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    lv(
                        &format!("Obiettivo {}", i + 1),
                        if o.indicator.is_empty() {
                            o.title.clone()
                        } else {
                            format!("{} – Indicatore: {}", o.title, o.indicator)
                        },
                    )
                })
                .collect(),
        });
        out.push(PlatformSection {
            title: "Contesto".into(),
            fields: vec![
                lv("Contesto esterno", data.external_context.clone()),
                lv("Unità organizzative", context.units.clone()),
                lv("Criticità organizzative", context.problems.clone()),
            ],
        });
        out.push(PlatformSection {
            title: "Misure generali".into(),
            fields: r
                .measures
                .iter()
                .filter(|m| m.general)
                .map(|m| measure_field(m))
                .collect(),
        });
        out.push(PlatformSection {
            title: "Misure specifiche".into(),
            fields: r
                .measures
                .iter()
                .filter(|m| !m.general)
                .map(|m| measure_field(m))
                .collect(),
        });
        out.push(PlatformSection {
            title: "Formazione".into(),
            fields: training_fields(&r.training),
        });
        out.push(PlatformSection {
            title: "Considerazioni generali".into(),
            fields: r
                .considerations
                .iter()
                .map(|c| lv(&format!("{} {}", c.code, c.question), c.text.clone()))
                .collect(),
        });
        Ok(out)
    }
}

fn measure_field(m: &RelazioneMeasure) -> LabelValue {
    let mut value = m.state_label.clone();
    if !m.motivazione.is_empty() {
        value = format!("{value} – {}", m.motivazione);
    }
    lv(&format!("{} – {} {}", m.theme, m.code, m.title), value)
}

fn training_fields(t: &TrainingFigures) -> Vec<LabelValue> {
    vec![
        lv("Eventi formativi seguiti", t.events.to_string()),
        lv("Dipendenti formati", t.people.to_string()),
        lv(
            "Ore di formazione erogate (somma per persona)",
            t.hours.clone(),
        ),
        lv("Attestati rilasciati", t.certificates.to_string()),
    ]
}

/// The properties of a relazione (`author`: [`crate::documents::author`]).
pub fn relazione_meta(doc: &Document, author: &str) -> Meta {
    Meta::new(
        doc.title.clone(),
        "Relazione annuale del RPCT (art. 1, comma 14, L. 190/2012)",
    )
    .by(author)
    .keywords(["relazione annuale", "RPCT", "anticorruzione"])
}

/// The relazione's workbook, three sheets as ANAC's form.
pub fn relazione_xlsx(r: &Relazione) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format as XFormat, FormatAlign, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| {
        Error::io(format!("Errore nella scrittura del file Excel: {e}"))
    };
    let mut wb = Workbook::new();
    let bold = XFormat::new().set_bold();
    let wrap = XFormat::new().set_text_wrap().set_align(FormatAlign::Top);
    let head = XFormat::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(0xD9E2EC);

    let s = wb.add_worksheet();
    s.set_name("Anagrafica").map_err(x)?;
    s.set_column_width(0, 60).map_err(x)?;
    s.set_column_width(1, 60).map_err(x)?;
    s.write_string_with_format(0, 0, "Dato", &head).map_err(x)?;
    s.write_string_with_format(0, 1, "Valore", &head)
        .map_err(x)?;
    for (i, f) in r.anagrafica.iter().enumerate() {
        s.write_string_with_format(i as u32 + 1, 0, &f.label, &bold)
            .map_err(x)?;
        if !f.value.is_empty() {
            s.write_string(i as u32 + 1, 1, &f.value).map_err(x)?;
        }
    }

    let s = wb.add_worksheet();
    s.set_name("Considerazioni generali").map_err(x)?;
    s.set_column_width(0, 8).map_err(x)?;
    s.set_column_width(1, 60).map_err(x)?;
    s.set_column_width(2, 100).map_err(x)?;
    for (c, t) in ["N.", "Domanda", "Risposta (max 2.000 caratteri)"]
        .iter()
        .enumerate()
    {
        s.write_string_with_format(0, c as u16, *t, &head)
            .map_err(x)?;
    }
    for (i, c) in r.considerations.iter().enumerate() {
        let row = i as u32 + 1;
        s.write_string_with_format(row, 0, &c.code, &bold)
            .map_err(x)?;
        s.write_string_with_format(row, 1, &c.question, &wrap)
            .map_err(x)?;
        if !c.text.is_empty() {
            s.write_string_with_format(row, 2, &c.text, &wrap)
                .map_err(x)?;
        }
    }

    let s = wb.add_worksheet();
    s.set_name("Misure anticorruzione").map_err(x)?;
    let headers = [
        "Misura generale / ambito",
        "Codice",
        "Misura",
        "Stato di attuazione al 31/12",
        "Motivazione",
        "Data dell'ultimo monitoraggio",
    ];
    for (c, (t, w)) in headers
        .iter()
        .zip([34.0, 10.0, 50.0, 24.0, 60.0, 16.0])
        .enumerate()
    {
        s.set_column_width(c as u16, w).map_err(x)?;
        s.write_string_with_format(0, c as u16, *t, &head)
            .map_err(x)?;
    }
    let mut row = 1u32;
    for m in &r.measures {
        let cells = [
            m.theme.clone(),
            m.code.clone(),
            m.title.clone(),
            m.state_label.clone(),
            m.motivazione.clone(),
            m.monitored_on
                .as_deref()
                .map(crate::text::date_it)
                .unwrap_or_default(),
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                s.write_string_with_format(row, c as u16, v, &wrap)
                    .map_err(x)?;
            }
        }
        row += 1;
    }
    row += 1;
    s.write_string_with_format(row, 0, "Formazione", &bold)
        .map_err(x)?;
    for f in training_fields(&r.training) {
        row += 1;
        s.write_string(row, 0, &f.label).map_err(x)?;
        match f.value.replace(',', ".").parse::<f64>() {
            Ok(n) => s.write_number(row, 1, n).map_err(x)?,
            Err(_) => s.write_string(row, 1, &f.value).map_err(x)?,
        };
    }
    s.set_freeze_panes(1, 0).map_err(x)?;
    wb.save_to_buffer().map_err(x)
}

/// The relazione as a document for the records.
pub fn relazione_document(r: &Relazione) -> Document {
    let mut items = vec![
        Block::Styled(Styled::centred(
            &format!("Relazione annuale del RPCT – anno {}", r.year),
            13.0,
            true,
            0.0,
        )),
        Block::Styled(Styled::centred(
            "art. 1, comma 14, L. 6 novembre 2012, n. 190",
            10.0,
            false,
            4.0,
        )),
        Block::Space(8.0),
        Block::paragraph(vec![it(
            "Copia per gli atti della scheda predisposta sul modello ANAC; i campi vuoti sono quelli che l'archivio non contiene e vanno compilati sul modello.",
        )]),
        h(1, "Anagrafica", false),
        Block::Fields(
            r.anagrafica
                .iter()
                .map(|f| {
                    field(
                        &f.label,
                        if f.value.is_empty() {
                            super::section::BLANK.to_string()
                        } else {
                            f.value.clone()
                        },
                    )
                })
                .collect(),
        ),
        h(1, "Considerazioni generali", false),
    ];
    for c in &r.considerations {
        items.push(Block::paragraph(vec![
            b(format!("{} ", c.code)),
            b(c.question.clone()),
        ]));
        if c.text.is_empty() {
            items.push(Block::paragraph(vec![sp(super::section::BLANK.repeat(2))]));
        } else {
            items.extend(
                c.text
                    .split('\n')
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| Block::paragraph(vec![sp(p)])),
            );
        }
    }
    items.push(h(1, "Misure anticorruzione", false));
    let mut rows: Vec<Row> = Vec::new();
    let mut theme = None;
    for m in &r.measures {
        if theme.as_deref() != Some(m.theme.as_str()) {
            rows.push(group(&m.theme, 4));
            theme = Some(m.theme.clone());
        }
        rows.push(row(vec![
            Cell::spans(vec![b(format!("{} ", m.code)), sp(m.title.clone())]),
            Cell::text(if m.state_label.is_empty() {
                "nessun monitoraggio".to_string()
            } else {
                m.state_label.clone()
            }),
            Cell::text(m.motivazione.clone()),
            Cell::text(
                m.monitored_on
                    .as_deref()
                    .map(crate::text::date_it)
                    .unwrap_or_else(|| "—".into()),
            ),
        ]));
    }
    if rows.is_empty() {
        rows.push(row(vec![
            Cell::text("Nessuna misura adottata registrata nell'archivio"),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
        ]));
    }
    items.push(table(
        vec![
            col("Misura", 4.6),
            col_c("Stato al 31/12", 3.0),
            col("Motivazione", 3.8),
            col_c("Monitorato il", 2.4),
        ],
        rows,
    ));
    items.push(h(2, "Formazione", false));
    items.push(Block::Fields(
        training_fields(&r.training)
            .into_iter()
            .map(|f| field(&f.label, f.value))
            .collect(),
    ));
    if !r.unanswered.is_empty() {
        items.push(h(2, "Domande a cui l'archivio non risponde", false));
        items.push(Block::List {
            ordered: false,
            items: r.unanswered.iter().map(|u| vec![sp(u.clone())]).collect(),
        });
    }
    Document {
        style: Style::Report,
        title: format!(
            "Relazione annuale del RPCT {} – Comune di {}",
            r.year, r.comune
        ),
        header: comune_header(&r.comune),
        size: PageSize::A4Portrait,
        blocks: items,
    }
}
