//! Import of referents and contacts from a secretariat's spreadsheet (CSV
//! or XLSX). The user maps the file's columns to the app's fields (the
//! mapping is remembered); a dry run says for each line whether it is new,
//! an update, unchanged or an error (line, column, reason); applying is one
//! transaction, after an automatic backup, with one audit row, and the
//! whole import can be undone.
//!
//! The plan is computed in memory from the archive's comuni and referents
//! in office, so the dry run writes nothing and applying executes exactly
//! what the dry run showed.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::kv;
use crate::error::{Error, Result};
use crate::io::table::{file_label, Table, TableRow};
use crate::person::Likeness;
use crate::registry::{refresh_search_key, Role};
use crate::text::fold;
use crate::{audit, validate, Store};

/// Which column of the file (by its header) holds each field; `None`: not in the file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct Mapping {
    /// The comune: by ISTAT code, cadastral code or name (any of the three).
    pub istat: Option<String>,
    pub cadastral_code: Option<String>,
    pub comune_name: Option<String>,
    /// A referent per line: role, name, e-mail, phone, in office from.
    pub role: Option<String>,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub valid_from: Option<String>,
    /// The role of `full_name` when the file has no role column.
    pub default_role: Option<Role>,
    /// A column with the name of the RPCT in office (as the app's export has).
    pub rpct_name: Option<String>,
    /// The comune's own fields: PEC, phone, the "Sindaco" field.
    pub pec: Option<String>,
    pub comune_phone: Option<String>,
    pub mayor_name: Option<String>,
}

/// The fields a column can be mapped to, with their Italian labels (for the UI).
pub const FIELDS: &[(&str, &str)] = &[
    ("istat", "Codice ISTAT del comune"),
    ("cadastral_code", "Codice catastale del comune"),
    ("comune_name", "Nome del comune"),
    ("role", "Ruolo del referente"),
    ("full_name", "Nome e cognome del referente"),
    ("email", "E-mail del referente"),
    ("phone", "Telefono del referente"),
    ("valid_from", "In carica dal"),
    ("rpct_name", "RPCT in carica (nome)"),
    ("pec", "PEC del comune"),
    ("comune_phone", "Telefono del comune"),
    ("mayor_name", "Sindaco (campo del comune)"),
];

/// Header names (folded) recognised for each field when no mapping was remembered.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "istat",
        &[
            "codice istat",
            "istat",
            "cod istat",
            "codice comune",
            "codice comune formato alfanumerico",
        ],
    ),
    (
        "cadastral_code",
        &[
            "codice catastale",
            "catastale",
            "codice belfiore",
            "belfiore",
        ],
    ),
    (
        "comune_name",
        &[
            "comune",
            "nome comune",
            "denominazione",
            "ente",
            "denominazione comune",
        ],
    ),
    ("role", &["ruolo", "incarico", "qualifica", "carica"]),
    (
        "full_name",
        &[
            "nome e cognome",
            "nominativo",
            "referente",
            "cognome e nome",
            "nome",
        ],
    ),
    (
        "email",
        &[
            "e mail",
            "email",
            "mail",
            "posta elettronica",
            "e mail referente",
        ],
    ),
    (
        "phone",
        &[
            "telefono referente",
            "cellulare",
            "tel referente",
            "recapito",
        ],
    ),
    (
        "valid_from",
        &[
            "in carica dal",
            "dal",
            "data inizio",
            "data nomina",
            "decorrenza",
            "data decorrenza",
        ],
    ),
    (
        "rpct_name",
        &[
            "rpct",
            "responsabile prevenzione corruzione e trasparenza",
            "nome rpct",
        ],
    ),
    (
        "pec",
        &[
            "pec",
            "indirizzo pec",
            "posta elettronica certificata",
            "pec comune",
        ],
    ),
    (
        "comune_phone",
        &["telefono", "tel", "telefono comune", "centralino"],
    ),
    ("mayor_name", &["sindaco", "nome sindaco"]),
];

const MAPPING_KEY: &str = "import_mapping_referents";

impl Mapping {
    fn get(&self, field: &str) -> Option<&String> {
        match field {
            "istat" => self.istat.as_ref(),
            "cadastral_code" => self.cadastral_code.as_ref(),
            "comune_name" => self.comune_name.as_ref(),
            "role" => self.role.as_ref(),
            "full_name" => self.full_name.as_ref(),
            "email" => self.email.as_ref(),
            "phone" => self.phone.as_ref(),
            "valid_from" => self.valid_from.as_ref(),
            "rpct_name" => self.rpct_name.as_ref(),
            "pec" => self.pec.as_ref(),
            "comune_phone" => self.comune_phone.as_ref(),
            "mayor_name" => self.mayor_name.as_ref(),
            _ => None,
        }
        .filter(|s| !s.trim().is_empty())
    }

    fn set(&mut self, field: &str, header: String) {
        let slot = match field {
            "istat" => &mut self.istat,
            "cadastral_code" => &mut self.cadastral_code,
            "comune_name" => &mut self.comune_name,
            "role" => &mut self.role,
            "full_name" => &mut self.full_name,
            "email" => &mut self.email,
            "phone" => &mut self.phone,
            "valid_from" => &mut self.valid_from,
            "rpct_name" => &mut self.rpct_name,
            "pec" => &mut self.pec,
            "comune_phone" => &mut self.comune_phone,
            "mayor_name" => &mut self.mayor_name,
            _ => return,
        };
        *slot = Some(header);
    }

    /// A mapping guessed from the headers' names.
    pub fn guess(headers: &[String]) -> Mapping {
        let mut m = Mapping::default();
        let mut used = vec![false; headers.len()];
        for (field, names) in SYNONYMS {
            if let Some(i) = (0..headers.len())
                .find(|&i| !used[i] && names.contains(&fold(&headers[i]).as_str()))
            {
                used[i] = true;
                m.set(field, headers[i].clone());
            }
        }
        m
    }

    /// Whether every column the mapping names is among `headers`.
    fn fits(&self, headers: &[String]) -> bool {
        FIELDS.iter().all(|(f, _)| {
            self.get(f)
                .is_none_or(|h| headers.iter().any(|x| fold(x) == fold(h)))
        })
    }
}

/// What a line of the file does.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    Unchanged,
    Update,
    New,
    Error,
}

/// A problem on a line: which column (its header) and why, in Italian.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LineError {
    pub column: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreviewLine {
    pub line: usize,
    pub status: LineStatus,
    pub istat: Option<String>,
    pub comune: Option<String>,
    /// What applying the line would do, in Italian.
    pub changes: Vec<String>,
    pub errors: Vec<LineError>,
    /// Names of the line that are probably a referent in office written
    /// another way: taken as that person unless the user says otherwise.
    pub probable: Vec<ProbablePerson>,
}

/// A name of the file that the person-matching rule finds probably the
/// same as a referent in office («Anna Maria Rossi» and «Anna Rossi»).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProbablePerson {
    /// The role, in Italian (RPCT, Sindaco…).
    pub role: String,
    pub in_file: String,
    pub in_office: String,
    /// The user said it is another person: the line replaces or adds.
    pub other: bool,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Counts {
    pub new: usize,
    pub update: usize,
    pub unchanged: usize,
    pub error: usize,
}

/// The dry run of an import of referents and contacts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReferentsPreview {
    pub file_name: String,
    pub described_as: String,
    pub headers: Vec<String>,
    pub mapping: Mapping,
    pub lines: Vec<PreviewLine>,
    pub counts: Counts,
}

/// An applied import, as listed for undo.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportBatch {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub at: String,
    pub operator: String,
    /// Counts by outcome (`new`, `update`, …): a JSON object of numbers.
    #[cfg_attr(
        feature = "specta",
        specta(type = std::collections::BTreeMap<String, i64>)
    )]
    pub summary: serde_json::Value,
    pub undone_at: Option<String>,
}

/// A referent in office (or open) as the plan sees it.
#[derive(Debug, Clone)]
struct OpenReferent {
    id: Option<i64>,
    /// Index in the plan of the creation, for one created by this file.
    created: Option<usize>,
    role: Role,
    full_name: String,
    email: Option<String>,
    phone: Option<String>,
    valid_from: Option<String>,
    /// The line of the file that named this referent.
    line: Option<usize>,
}

#[derive(Debug, Clone)]
struct ComuneState {
    name: String,
    pec: Option<String>,
    phone: Option<String>,
    mayor_name: Option<String>,
}

/// One write of the plan.
#[derive(Debug, Clone)]
enum Op {
    Create {
        istat: String,
        role: Role,
        full_name: String,
        email: Option<String>,
        phone: Option<String>,
        valid_from: Option<String>,
        /// The referent in office it replaces: (id or planned creation, closing date).
        closes: Option<(Option<i64>, Option<usize>, String)>,
    },
    UpdateReferent {
        id: Option<i64>,
        created: Option<usize>,
        email: Option<String>,
        phone: Option<String>,
        valid_from: Option<String>,
    },
    UpdateComune {
        istat: String,
        pec: Option<String>,
        phone: Option<String>,
        mayor_name: Option<String>,
    },
}

struct Plan {
    lines: Vec<PreviewLine>,
    ops: Vec<Op>,
    counts: Counts,
}

/// The columns of the mapping, as indices into the table.
struct Cols {
    idx: HashMap<&'static str, (usize, String)>,
}

impl Cols {
    fn resolve(m: &Mapping, headers: &[String]) -> Result<Cols> {
        let mut idx = HashMap::new();
        for (field, label) in FIELDS {
            if let Some(h) = m.get(field) {
                let i = headers
                    .iter()
                    .position(|x| fold(x) == fold(h))
                    .ok_or_else(|| {
                        Error::validation(
                            field,
                            format!("{label}: la colonna «{h}» non è nel file."),
                        )
                    })?;
                idx.insert(*field, (i, headers[i].clone()));
            }
        }
        if !["istat", "cadastral_code", "comune_name"]
            .iter()
            .any(|f| idx.contains_key(f))
        {
            return Err(Error::validation(
                "istat",
                "Indicare la colonna che identifica il comune (codice ISTAT, codice catastale o nome).",
            ));
        }
        if idx.contains_key("role") && !idx.contains_key("full_name") {
            return Err(Error::validation(
                "full_name",
                "Indicare la colonna con il nome del referente, oltre a quella del ruolo.",
            ));
        }
        if idx.len() == 1 {
            return Err(Error::validation(
                "full_name",
                "Indicare almeno una colonna da importare oltre a quella del comune.",
            ));
        }
        Ok(Cols { idx })
    }

    /// The trimmed value of `field` on `row` and its column's header; `None` if unmapped or empty.
    fn val<'a>(&'a self, row: &'a TableRow, field: &str) -> Option<(&'a str, &'a str)> {
        let (i, h) = self.idx.get(field)?;
        let v = Table::cell(row, *i);
        (!v.is_empty()).then_some((v, h.as_str()))
    }
}

/// The comuni of the archive, found by ISTAT code, cadastral code or folded name.
struct Directory {
    by_istat: HashMap<String, ComuneState>,
    by_cadastral: HashMap<String, Vec<String>>,
    by_name: HashMap<String, Vec<String>>,
}

/// An error of a line, at a column.
fn line_error(errors: &mut Vec<LineError>, col: &str, message: String) {
    errors.push(LineError {
        column: Some(col.to_string()),
        message,
    });
}

/// The e-mail or PEC of `field` on `row`, lower case, checked as the forms
/// check it; an invalid one is recorded as the line's error.
fn checked_email(
    cols: &Cols,
    row: &TableRow,
    field: &str,
    label: &str,
    errors: &mut Vec<LineError>,
) -> Option<String> {
    let (v, col) = cols.val(row, field)?;
    let v = v.to_lowercase();
    match validate::email(field, label, &v) {
        Ok(_) => Some(v),
        Err(e) => {
            line_error(errors, col, e.to_string());
            None
        }
    }
}

/// The telephone number of `field` on `row`, checked as the forms check it.
fn checked_phone(
    cols: &Cols,
    row: &TableRow,
    field: &str,
    errors: &mut Vec<LineError>,
) -> Option<String> {
    let (v, col) = cols.val(row, field)?;
    match validate::phone(field, v) {
        Ok(_) => Some(v.to_string()),
        Err(e) => {
            line_error(errors, col, e.to_string());
            None
        }
    }
}

impl Directory {
    fn load(conn: &Connection) -> Result<Directory> {
        let mut d = Directory {
            by_istat: HashMap::new(),
            by_cadastral: HashMap::new(),
            by_name: HashMap::new(),
        };
        let mut stmt = conn.prepare(
            "SELECT istat, name, cadastral_code, pec, phone, mayor_name FROM comune
             ORDER BY suppressed_on IS NOT NULL, istat",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let istat: String = r.get(0)?;
            let name: String = r.get(1)?;
            let cad: String = r.get(2)?;
            d.by_cadastral
                .entry(cad.to_uppercase())
                .or_default()
                .push(istat.clone());
            d.by_name
                .entry(fold(&name))
                .or_default()
                .push(istat.clone());
            d.by_istat.insert(
                istat,
                ComuneState {
                    name,
                    pec: r.get(3)?,
                    phone: r.get(4)?,
                    mayor_name: r.get(5)?,
                },
            );
        }
        Ok(d)
    }

    /// The ISTAT code of the comune a cell names, or the reason it names none.
    fn find(&self, value: &str) -> std::result::Result<String, String> {
        let v = value.trim();
        if !v.is_empty() && v.len() <= 6 && v.bytes().all(|b| b.is_ascii_digit()) {
            let code = format!("{v:0>6}");
            return if self.by_istat.contains_key(&code) {
                Ok(code)
            } else {
                Err(format!(
                    "Comune sconosciuto: nessun comune dell'archivio ha codice ISTAT {code}."
                ))
            };
        }
        let up = v.to_uppercase();
        if up.len() == 4
            && up.as_bytes()[0].is_ascii_alphabetic()
            && up.as_bytes()[1..].iter().all(u8::is_ascii_digit)
        {
            if let Some(list) = self.by_cadastral.get(&up) {
                return self.one(list, v);
            }
        }
        match self.by_name.get(&fold(v)) {
            Some(list) => self.one(list, v),
            None => Err(format!(
                "Comune sconosciuto: «{v}» non è né il nome né il codice ISTAT o catastale di un comune dell'archivio."
            )),
        }
    }

    fn one(&self, list: &[String], v: &str) -> std::result::Result<String, String> {
        match list {
            [one] => Ok(one.clone()),
            many => Err(format!(
                "Ci sono {} comuni con il nome «{v}» ({}): indicare il codice ISTAT.",
                many.len(),
                many.iter()
                    .map(|c| format!("{} {}", c, self.by_istat[c].name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

/// A role as a secretariat writes it.
fn parse_role(v: &str) -> Option<Role> {
    let f = fold(v);
    let compact: String = f.chars().filter(|c| *c != ' ').collect();
    if compact.contains("rpct") || f.contains("corruzione") || f.contains("trasparenza") {
        Some(Role::Rpct)
    } else if f.starts_with("sindac") {
        Some(Role::Sindaco)
    } else if f.contains("operativ") {
        Some(Role::Operativo)
    } else if f.starts_with("segretari") {
        Some(Role::Segretario)
    } else if matches!(f.as_str(), "altro" | "altra" | "referente" | "contatto") {
        Some(Role::Altro)
    } else {
        None
    }
}

fn same_name(a: &str, b: &str) -> bool {
    crate::person::compare(a, b) == Likeness::Exact
}

/// Loads the referents in office on `today` (and those without an end), by comune.
fn load_open(conn: &Connection, today: &str) -> Result<HashMap<String, Vec<OpenReferent>>> {
    let mut out: HashMap<String, Vec<OpenReferent>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT id, istat, role, full_name, email, phone, valid_from FROM referent
         WHERE valid_to IS NULL OR valid_to >= ?1 ORDER BY valid_from, id",
    )?;
    let mut rows = stmt.query([today])?;
    while let Some(r) = rows.next()? {
        let role = match r.get::<_, String>(2)?.as_str() {
            "rpct" => Role::Rpct,
            "sindaco" => Role::Sindaco,
            "operativo" => Role::Operativo,
            "segretario" => Role::Segretario,
            _ => Role::Altro,
        };
        out.entry(r.get(1)?).or_default().push(OpenReferent {
            id: Some(r.get(0)?),
            created: None,
            role,
            full_name: r.get(3)?,
            email: r.get(4)?,
            phone: r.get(5)?,
            valid_from: r.get(6)?,
            line: None,
        });
    }
    Ok(out)
}

/// The plan of an import: what each line does, and the writes.
fn plan(
    conn: &Connection,
    table: &Table,
    mapping: &Mapping,
    today: NaiveDate,
    other_people: &[usize],
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Plan> {
    let cols = Cols::resolve(mapping, &table.headers)?;
    let dir = Directory::load(conn)?;
    let mut comuni = dir.by_istat.clone();
    let mut open = load_open(conn, &today.to_string())?;
    let mut ops: Vec<Op> = Vec::new();
    let mut lines = Vec::with_capacity(table.rows.len());
    let mut counts = Counts::default();
    let total = table.rows.len();
    for (n, row) in table.rows.iter().enumerate() {
        if n % 500 == 0 && !progress(n, total) {
            return Err(cancelled());
        }
        let mut errors: Vec<LineError> = Vec::new();
        let mut changes: Vec<String> = Vec::new();
        let mut status = LineStatus::Unchanged;
        let mut probable: Vec<ProbablePerson> = Vec::new();
        let err = |errors: &mut Vec<LineError>, col: Option<&str>, msg: String| {
            errors.push(LineError {
                column: col.map(str::to_string),
                message: msg,
            })
        };
        // The comune.
        let mut istat = None;
        for f in ["istat", "cadastral_code", "comune_name"] {
            if let Some((v, col)) = cols.val(row, f) {
                match dir.find(v) {
                    Ok(c) => istat = Some(c),
                    Err(m) => err(&mut errors, Some(col), m),
                }
                break;
            }
        }
        let Some(istat) = istat else {
            if errors.is_empty() {
                err(
                    &mut errors,
                    None,
                    "Il comune non è indicato su questa riga.".to_string(),
                );
            }
            counts.error += 1;
            lines.push(PreviewLine {
                line: row.line,
                status: LineStatus::Error,
                istat: None,
                comune: None,
                changes,
                errors,
                probable,
            });
            continue;
        };
        let line_ops_start = ops.len();
        // Referent fields, checked as the comune's form checks them.
        let email = checked_email(&cols, row, "email", "E-mail", &mut errors);
        let phone = checked_phone(&cols, row, "phone", &mut errors);
        let from = cols.val(row, "valid_from").and_then(|(v, col)| {
            match validate::date("valid_from", "In carica dal", v) {
                Ok(d) if d > today => {
                    err(
                        &mut errors,
                        Some(col),
                        format!(
                            "In carica dal: la data {} è nel futuro.",
                            d.format("%d/%m/%Y")
                        ),
                    );
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    err(&mut errors, Some(col), e.to_string());
                    None
                }
            }
        });
        // The referents the line names: (role, name, its column).
        let mut named: Vec<(Role, String, String)> = Vec::new();
        if let Some((name, col)) = cols.val(row, "full_name") {
            let role = match cols.val(row, "role") {
                Some((r, rcol)) => match parse_role(r) {
                    Some(role) => Some(role),
                    None => {
                        err(
                            &mut errors,
                            Some(rcol),
                            format!("Ruolo «{r}» non riconosciuto: scrivere RPCT, Sindaco, Segretario comunale, Referente operativo o Altro."),
                        );
                        None
                    }
                },
                None => match mapping.default_role {
                    Some(r) => Some(r),
                    None => {
                        err(
                            &mut errors,
                            cols.idx.get("role").map(|(_, h)| h.as_str()),
                            "Ruolo mancante: indicare il ruolo del referente.".to_string(),
                        );
                        None
                    }
                },
            };
            if let Some(role) = role {
                named.push((role, name.to_string(), col.to_string()));
            }
        }
        if let Some((name, col)) = cols.val(row, "rpct_name") {
            named.push((Role::Rpct, name.to_string(), col.to_string()));
        }
        for (_, name, col) in &named {
            if name.chars().count() > 120 {
                err(
                    &mut errors,
                    Some(col),
                    "Nome e cognome: al massimo 120 caratteri.".to_string(),
                );
            }
        }
        // The comune's own fields.
        let pec = checked_email(&cols, row, "pec", "PEC", &mut errors);
        let comune_phone = checked_phone(&cols, row, "comune_phone", &mut errors);
        let mayor = cols.val(row, "mayor_name").and_then(|(v, col)| {
            if v.chars().count() > 120 {
                err(
                    &mut errors,
                    Some(col),
                    "Sindaco: al massimo 120 caratteri.".to_string(),
                );
                None
            } else {
                Some(v.to_string())
            }
        });
        if errors.is_empty() {
            let state = open.entry(istat.clone()).or_default();
            for (role, name, col) in &named {
                let single = matches!(role, Role::Rpct | Role::Sindaco);
                let same = state
                    .iter()
                    .position(|r| r.role == *role && same_name(&r.full_name, name))
                    .or_else(|| {
                        // Probably the same person written another way: taken
                        // as her, never a silent replacement, unless the user
                        // says it is someone else.
                        let i = state.iter().position(|r| {
                            r.role == *role
                                && crate::person::compare(&r.full_name, name) == Likeness::Probable
                        })?;
                        let other = other_people.contains(&row.line);
                        probable.push(ProbablePerson {
                            role: role.label().to_string(),
                            in_file: name.clone(),
                            in_office: state[i].full_name.clone(),
                            other,
                        });
                        if other {
                            None
                        } else {
                            changes.push(format!(
                                "{}: «{name}» è {} di {}, in carica: non la sostituisce (se è un'altra persona, indicarlo).",
                                role.label(),
                                Likeness::PROBABLE_IT,
                                state[i].full_name
                            ));
                            Some(i)
                        }
                    });
                if let Some(i) = same {
                    let r = &mut state[i];
                    r.line.get_or_insert(row.line);
                    let mut what = Vec::new();
                    let new_email = email.clone().filter(|e| r.email.as_ref() != Some(e));
                    let new_phone = phone.clone().filter(|p| r.phone.as_ref() != Some(p));
                    let new_from = from
                        .map(|d| d.to_string())
                        .filter(|_| r.valid_from.is_none());
                    if let Some(e) = &new_email {
                        what.push(format!("e-mail {e}"));
                        r.email = Some(e.clone());
                    }
                    if let Some(p) = &new_phone {
                        what.push(format!("telefono {p}"));
                        r.phone = Some(p.clone());
                    }
                    if let Some(f) = &new_from {
                        what.push(format!("in carica dal {}", crate::text::date_it(f)));
                        r.valid_from = Some(f.clone());
                    }
                    if !what.is_empty() {
                        changes.push(format!(
                            "{} {}: {}",
                            role.label(),
                            r.full_name,
                            what.join(", ")
                        ));
                        ops.push(Op::UpdateReferent {
                            id: r.id,
                            created: r.created,
                            email: new_email,
                            phone: new_phone,
                            valid_from: new_from,
                        });
                        status = status.max(LineStatus::Update);
                    }
                    continue;
                }
                let mut closes = None;
                if single {
                    if let Some(i) = state.iter().position(|r| r.role == *role) {
                        let cur = &state[i];
                        if let Some(l) = cur.line {
                            err(
                                &mut errors,
                                Some(col),
                                format!(
                                    "Due {} in carica contemporaneamente per {}: la riga {l} indica già {}. Lasciare una sola riga per ruolo e comune.",
                                    role.label(),
                                    comuni[&istat].name,
                                    cur.full_name
                                ),
                            );
                            break;
                        }
                        let Some(f) = from else {
                            err(
                                &mut errors,
                                cols.idx.get("valid_from").map(|(_, h)| h.as_str()).or(Some(col)),
                                format!(
                                    "In carica dal: indicare da quando, perché {name} sostituisce {} come {} (il cui incarico sarà chiuso il giorno prima).",
                                    cur.full_name,
                                    role.label()
                                ),
                            );
                            break;
                        };
                        let close = f.pred_opt().unwrap_or(f).to_string();
                        if cur
                            .valid_from
                            .as_deref()
                            .is_some_and(|v| v > close.as_str())
                        {
                            err(
                                &mut errors,
                                cols.idx.get("valid_from").map(|(_, h)| h.as_str()),
                                format!(
                                    "In carica dal: deve essere successiva all'inizio dell'incarico di {} ({}).",
                                    cur.full_name,
                                    crate::text::date_it(cur.valid_from.as_deref().unwrap_or(""))
                                ),
                            );
                            break;
                        }
                        changes.push(format!(
                            "{}: {name} sostituisce {} dal {}",
                            role.label(),
                            cur.full_name,
                            f.format("%d/%m/%Y")
                        ));
                        closes = Some((cur.id, cur.created, close));
                        state.remove(i);
                    } else {
                        changes.push(format!("{}: {name} (nuovo)", role.label()));
                    }
                } else {
                    changes.push(format!("{}: {name} (nuovo)", role.label()));
                }
                ops.push(Op::Create {
                    istat: istat.clone(),
                    role: *role,
                    full_name: name.clone(),
                    email: email.clone(),
                    phone: phone.clone(),
                    valid_from: from.map(|d| d.to_string()),
                    closes,
                });
                state.push(OpenReferent {
                    id: None,
                    created: Some(ops.len() - 1),
                    role: *role,
                    full_name: name.clone(),
                    email: email.clone(),
                    phone: phone.clone(),
                    valid_from: from.map(|d| d.to_string()),
                    line: Some(row.line),
                });
                status = LineStatus::New;
            }
        }
        if errors.is_empty() {
            let c = comuni.get_mut(&istat).expect("comune of the directory");
            let pec = pec.filter(|v| c.pec.as_ref() != Some(v));
            let phone = comune_phone.filter(|v| c.phone.as_ref() != Some(v));
            let mayor = mayor.filter(|v| !c.mayor_name.as_deref().is_some_and(|m| same_name(m, v)));
            if pec.is_some() || phone.is_some() || mayor.is_some() {
                let mut what = Vec::new();
                if let Some(v) = &pec {
                    what.push(format!("PEC {v}"));
                    c.pec = Some(v.clone());
                }
                if let Some(v) = &phone {
                    what.push(format!("telefono {v}"));
                    c.phone = Some(v.clone());
                }
                if let Some(v) = &mayor {
                    what.push(format!("sindaco {v}"));
                    c.mayor_name = Some(v.clone());
                }
                changes.push(format!("Comune: {}", what.join(", ")));
                ops.push(Op::UpdateComune {
                    istat: istat.clone(),
                    pec,
                    phone,
                    mayor_name: mayor,
                });
                status = status.max(LineStatus::Update);
            }
        }
        if !errors.is_empty() {
            // An erroneous line writes nothing.
            ops.truncate(line_ops_start);
            changes.clear();
            status = LineStatus::Error;
        }
        match status {
            LineStatus::New => counts.new += 1,
            LineStatus::Update => counts.update += 1,
            LineStatus::Unchanged => counts.unchanged += 1,
            LineStatus::Error => counts.error += 1,
        }
        lines.push(PreviewLine {
            line: row.line,
            status,
            comune: Some(comuni[&istat].name.clone()),
            istat: Some(istat),
            changes,
            errors,
            probable,
        });
    }
    progress(total, total);
    Ok(Plan { lines, ops, counts })
}

fn cancelled() -> Error {
    Error::Cancelled {
        message: "Importazione annullata: nulla è stato scritto.".to_string(),
    }
}

/// A change an import made, kept for its undo.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Change {
    ReferentCreated {
        id: i64,
        version: String,
    },
    ReferentChanged {
        id: i64,
        before: serde_json::Value,
        version: String,
    },
    ComuneChanged {
        istat: String,
        before: serde_json::Value,
        version: String,
    },
}

fn referent_fields(conn: &Connection, id: i64) -> Result<(serde_json::Value, String)> {
    Ok(conn.query_row(
        "SELECT email, phone, valid_from, valid_to, updated_at FROM referent WHERE id = ?1",
        [id],
        |r| {
            Ok((
                serde_json::json!({
                    "email": r.get::<_, Option<String>>(0)?,
                    "phone": r.get::<_, Option<String>>(1)?,
                    "valid_from": r.get::<_, Option<String>>(2)?,
                    "valid_to": r.get::<_, Option<String>>(3)?,
                    "updated_at": r.get::<_, String>(4)?,
                }),
                r.get(4)?,
            ))
        },
    )?)
}

fn comune_fields(conn: &Connection, istat: &str) -> Result<(serde_json::Value, String)> {
    Ok(conn.query_row(
        "SELECT pec, phone, mayor_name, updated_at FROM comune WHERE istat = ?1",
        [istat],
        |r| {
            Ok((
                serde_json::json!({
                    "pec": r.get::<_, Option<String>>(0)?,
                    "phone": r.get::<_, Option<String>>(1)?,
                    "mayor_name": r.get::<_, Option<String>>(2)?,
                    "updated_at": r.get::<_, String>(3)?,
                }),
                r.get(3)?,
            ))
        },
    )?)
}

/// Executes the plan's writes inside the caller's transaction; returns the changes for undo.
fn execute(tx: &Connection, ops: &[Op]) -> Result<Vec<Change>> {
    let mut created: Vec<Option<i64>> = vec![None; ops.len()];
    let mut changes = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    // The first "before" of each record: a record changed twice is restored to it.
    let mut seen_ref: HashMap<i64, usize> = HashMap::new();
    let mut seen_com: HashMap<String, usize> = HashMap::new();
    fn remember_ref(
        tx: &Connection,
        changes: &mut Vec<Change>,
        seen: &mut HashMap<i64, usize>,
        created: &[Option<i64>],
        id: i64,
    ) -> Result<()> {
        if created.contains(&Some(id)) || seen.contains_key(&id) {
            return Ok(());
        }
        let (before, version) = referent_fields(tx, id)?;
        seen.insert(id, changes.len());
        changes.push(Change::ReferentChanged {
            id,
            before,
            version,
        });
        Ok(())
    }
    let stamp = {
        use chrono::SubsecRound;
        chrono::Utc::now()
            .trunc_subsecs(3)
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::Create {
                istat,
                role,
                full_name,
                email,
                phone,
                valid_from,
                closes,
            } => {
                if let Some((id, planned, close)) = closes {
                    let id = id
                        .or_else(|| planned.and_then(|p| created[p]))
                        .ok_or_else(|| {
                            Error::Database("piano di importazione incoerente".to_string())
                        })?;
                    remember_ref(tx, &mut changes, &mut seen_ref, &created, id)?;
                    tx.execute(
                        "UPDATE referent SET valid_to = ?2, updated_at = ?3 WHERE id = ?1",
                        params![id, close, stamp],
                    )?;
                }
                tx.prepare_cached(
                    "INSERT INTO referent (istat, role, full_name, email, phone, valid_from,
                        created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                )?
                .execute(params![
                    istat,
                    role.as_str(),
                    full_name,
                    email,
                    phone,
                    valid_from,
                    stamp
                ])?;
                let id = tx.last_insert_rowid();
                created[i] = Some(id);
                changes.push(Change::ReferentCreated {
                    id,
                    version: stamp.clone(),
                });
                touched.push(istat.clone());
            }
            Op::UpdateReferent {
                id,
                created: planned,
                email,
                phone,
                valid_from,
            } => {
                let id = id
                    .or_else(|| planned.and_then(|p| created[p]))
                    .ok_or_else(|| {
                        Error::Database("piano di importazione incoerente".to_string())
                    })?;
                remember_ref(tx, &mut changes, &mut seen_ref, &created, id)?;
                tx.prepare_cached(
                    "UPDATE referent SET email = coalesce(?2, email), phone = coalesce(?3, phone),
                        valid_from = coalesce(?4, valid_from), updated_at = ?5 WHERE id = ?1",
                )?
                .execute(params![id, email, phone, valid_from, stamp])?;
            }
            Op::UpdateComune {
                istat,
                pec,
                phone,
                mayor_name,
            } => {
                if !seen_com.contains_key(istat) {
                    let (before, version) = comune_fields(tx, istat)?;
                    seen_com.insert(istat.clone(), changes.len());
                    changes.push(Change::ComuneChanged {
                        istat: istat.clone(),
                        before,
                        version,
                    });
                }
                tx.prepare_cached(
                    "UPDATE comune SET pec = coalesce(?2, pec), phone = coalesce(?3, phone),
                        mayor_name = coalesce(?4, mayor_name), updated_at = ?5 WHERE istat = ?1",
                )?
                .execute(params![istat, pec, phone, mayor_name, stamp])?;
            }
        }
    }
    // The versions after the import, for undo's check that nobody changed them since.
    for c in changes.iter_mut() {
        match c {
            Change::ReferentChanged { id, version, .. } => {
                *version = referent_fields(tx, *id)?.1;
            }
            Change::ComuneChanged { istat, version, .. } => {
                *version = comune_fields(tx, istat)?.1;
            }
            Change::ReferentCreated { .. } => {}
        }
    }
    touched.sort();
    touched.dedup();
    for istat in &touched {
        refresh_search_key(tx, istat)?;
    }
    Ok(changes)
}

impl Store {
    /// The mapping to propose for a file with these headers: the one used
    /// last time if it fits the file, otherwise one guessed from the names.
    pub fn import_mapping(&self, headers: &[String]) -> Result<Mapping> {
        if let Some(json) = kv::get(&self.conn, MAPPING_KEY)? {
            if let Ok(m) = serde_json::from_str::<Mapping>(&json) {
                if m.fits(headers) {
                    return Ok(m);
                }
            }
        }
        Ok(Mapping::guess(headers))
    }

    /// The dry run of an import of referents and contacts: writes nothing.
    pub fn preview_referents_import(
        &self,
        file_name: &str,
        table: &Table,
        mapping: &Mapping,
        other_people: &[usize],
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<ReferentsPreview> {
        let p = plan(
            &self.conn,
            table,
            mapping,
            self.today(),
            other_people,
            progress,
        )?;
        Ok(ReferentsPreview {
            file_name: file_label(file_name),
            described_as: table.described_as.clone(),
            headers: table.headers.clone(),
            mapping: mapping.clone(),
            lines: p.lines,
            counts: p.counts,
        })
    }

    /// Applies an import of referents and contacts: refused while any line
    /// has an error; otherwise an automatic backup, then one transaction
    /// with the writes, the batch (for undo) and one audit row. The mapping
    /// is remembered for next time. Returns the batch (None if nothing changed).
    pub fn apply_referents_import(
        &mut self,
        file_name: &str,
        table: &Table,
        mapping: &Mapping,
        other_people: &[usize],
        now: chrono::DateTime<chrono::Utc>,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<Option<ImportBatch>> {
        if self.read_only {
            return Err(Error::read_only(self.path()));
        }
        let today = self.today();
        let p = plan(&self.conn, table, mapping, today, other_people, progress)?;
        if p.counts.error > 0 {
            let first = p
                .lines
                .iter()
                .find(|l| l.status == LineStatus::Error)
                .map(|l| format!(" (la prima è la riga {})", l.line))
                .unwrap_or_default();
            return Err(Error::validation(
                "file",
                format!(
                    "Il file ha {} righe con errori{first}: correggerle e ripetere l'importazione. Nulla è stato scritto.",
                    p.counts.error
                ),
            ));
        }
        let mapping_json = serde_json::to_string(mapping)?;
        if p.ops.is_empty() {
            self.action(|tx, _| kv::set(tx, MAPPING_KEY, &mapping_json))?;
            return Ok(None);
        }
        if self.path().is_some() {
            self.backup_now(crate::db::backup::Reason::BeforeImport, now)?;
        }
        let label = file_label(file_name);
        let summary = serde_json::to_value(&p.counts)?;
        let id = self.action(|tx, op| {
            let changes = execute(tx, &p.ops)?;
            kv::set(tx, MAPPING_KEY, &mapping_json)?;
            tx.execute(
                "INSERT INTO import_batch (kind, file_name, at, operator, summary, changes)
                 VALUES ('referenti', ?1, ?2, ?3, ?4, ?5)",
                params![
                    label,
                    crate::db::version::now_utc(),
                    op,
                    summary.to_string(),
                    serde_json::to_string(&changes)?
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit::record(
                tx,
                op,
                "import",
                "import",
                &id.to_string(),
                None,
                Some(&serde_json::json!({
                    "kind": "referenti",
                    "file": label,
                    "counts": summary,
                    "changes": changes.len(),
                })),
            )?;
            Ok(id)
        })?;
        self.import_batch(id).map(Some)
    }

    /// The applied imports, newest first.
    pub fn import_batches(&self) -> Result<Vec<ImportBatch>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, file_name, at, operator, summary, undone_at FROM import_batch
             ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], batch_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn import_batch(&self, id: i64) -> Result<ImportBatch> {
        self.conn
            .query_row(
                "SELECT id, kind, file_name, at, operator, summary, undone_at FROM import_batch
                 WHERE id = ?1",
                [id],
                batch_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::not_found("L'importazione non esiste."))
    }

    /// Undoes an import of referents as a whole: the referents it created
    /// are removed, the records it changed get their previous values back.
    /// Refused (nothing written) if any of them was changed after the import.
    pub fn undo_import(&mut self, id: i64) -> Result<ImportBatch> {
        self.action(|tx, op| {
            let (kind, changes, undone): (String, String, Option<String>) = tx
                .query_row(
                    "SELECT kind, changes, undone_at FROM import_batch WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?
                .ok_or_else(|| Error::not_found("L'importazione non esiste."))?;
            if undone.is_some() {
                return Err(Error::conflict("Questa importazione è già stata annullata.", None));
            }
            if kind != "referenti" {
                return Err(Error::conflict(
                    "L'aggiornamento dall'elenco ISTAT non si annulla da qui: ripristinare la copia fatta prima dell'importazione (Impostazioni).",
                    None,
                ));
            }
            let changes: Vec<Change> = serde_json::from_str(&changes)?;
            let changed_since = |what: String| {
                Error::conflict(
                    format!("{what} è stato modificato dopo l'importazione: l'importazione non può essere annullata per intero. Nulla è stato modificato."),
                    None,
                )
            };
            let mut touched = Vec::new();
            for c in changes.iter().rev() {
                match c {
                    Change::ReferentCreated { id, version } => {
                        let cur: Option<(String, String, String)> = tx
                            .query_row(
                                "SELECT updated_at, full_name, istat FROM referent WHERE id = ?1",
                                [id],
                                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                            )
                            .optional()?;
                        let Some((v, name, istat)) = cur else { continue };
                        if &v != version {
                            return Err(changed_since(format!("Il referente {name}")));
                        }
                        tx.execute("DELETE FROM referent WHERE id = ?1", [id])?;
                        touched.push(istat);
                    }
                    Change::ReferentChanged { id, before, version } => {
                        let (_, v) = referent_fields(tx, *id)?;
                        if &v != version {
                            return Err(changed_since(format!("Un referente (n. {id})")));
                        }
                        tx.execute(
                            "UPDATE referent SET email = ?2, phone = ?3, valid_from = ?4, valid_to = ?5,
                                updated_at = ?6 WHERE id = ?1",
                            params![
                                id,
                                before["email"].as_str(),
                                before["phone"].as_str(),
                                before["valid_from"].as_str(),
                                before["valid_to"].as_str(),
                                crate::db::version::next_version(&v)
                            ],
                        )?;
                    }
                    Change::ComuneChanged { istat, before, version } => {
                        let (_, v) = comune_fields(tx, istat)?;
                        if &v != version {
                            return Err(changed_since(format!("Il comune {istat}")));
                        }
                        tx.execute(
                            "UPDATE comune SET pec = ?2, phone = ?3, mayor_name = ?4, updated_at = ?5
                             WHERE istat = ?1",
                            params![
                                istat,
                                before["pec"].as_str(),
                                before["phone"].as_str(),
                                before["mayor_name"].as_str(),
                                crate::db::version::next_version(&v)
                            ],
                        )?;
                    }
                }
            }
            touched.sort();
            touched.dedup();
            for istat in &touched {
                refresh_search_key(tx, istat)?;
            }
            tx.execute(
                "UPDATE import_batch SET undone_at = ?2 WHERE id = ?1",
                params![id, crate::db::version::now_utc()],
            )?;
            audit::record(
                tx,
                op,
                "undo_import",
                "import",
                &id.to_string(),
                None,
                Some(&serde_json::json!({ "changes": changes.len() })),
            )?;
            Ok(())
        })?;
        self.import_batch(id)
    }
}

fn batch_from_row(r: &rusqlite::Row) -> rusqlite::Result<ImportBatch> {
    let summary: String = r.get(5)?;
    Ok(ImportBatch {
        id: r.get(0)?,
        kind: r.get(1)?,
        file_name: r.get(2)?,
        at: r.get(3)?,
        operator: r.get(4)?,
        summary: serde_json::from_str(&summary).unwrap_or(serde_json::Value::Null),
        undone_at: r.get(6)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_as_a_secretariat_writes_them() {
        for (written, role) in [
            ("RPCT", Some(Role::Rpct)),
            ("Responsabile prevenzione corruzione", Some(Role::Rpct)),
            ("Segretario comunale e RPCT", Some(Role::Rpct)),
            ("Segretario comunale", Some(Role::Segretario)),
            ("SEGRETARIA GENERALE", Some(Role::Segretario)),
            ("Sindaco", Some(Role::Sindaco)),
            ("Referente operativo", Some(Role::Operativo)),
            ("altro", Some(Role::Altro)),
            ("Assessore", None),
        ] {
            assert_eq!(parse_role(written), role, "{written}");
        }
    }
}
