//! The registry of the comuni: their data, the first-run seed from the
//! embedded ISTAT/Openpolis data, search, filters and sorting.

pub mod export;
pub mod files;
pub mod import;
pub mod istat;
pub mod map;
pub mod referents;

use rusqlite::{params, Connection, OptionalExtension, Row, ToSql};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text::{self, fold, query_terms, Rule};
use crate::{audit, validate, Store};

pub use referents::{Referent, ReferentInput, Role};

/// This domain's part of the archive. The comuni, their referents, the zones' first table, the settings and the
/// audit log (0001); the imports and their undo (0006); the segretario comunale
/// among the referents' roles (0019); seeded with the 108 comuni.
pub(crate) const DOMAIN: crate::db::Domain<crate::Store> = crate::db::Domain {
    name: "registry",
    migrations: &[
        crate::db::Migration {
            number: 1,
            name: "0001_registry",
            sql: include_str!("../../migrations/0001_registry.sql"),
        },
        crate::db::Migration {
            number: 6,
            name: "0006_import",
            sql: include_str!("../../migrations/0006_import.sql"),
        },
        crate::db::Migration {
            number: 19,
            name: "0019_referent_segretario",
            sql: include_str!("../../migrations/0019_referent_segretario.sql"),
        },
    ],
    seed: Some(crate::Store::seed_if_empty),
};

/// The embedded data of the 108 comuni (ISTAT, population by Openpolis).
pub const SEED_CSV: &str = include_str!("../../data/comuni-messina.csv");

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Comune {
    pub istat: String,
    pub name: String,
    pub cadastral_code: String,
    pub capoluogo: bool,
    pub population: Option<i64>,
    pub population_year: Option<i64>,
    pub pec: Option<String>,
    pub ipa_code: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub mayor_name: Option<String>,
    pub notes: Option<String>,
    pub zone_id: Option<i64>,
    pub zone_name: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The organ that adopts the adhesion act (Giunta or Sindaco).
    pub adopting_organ: Organ,
    /// The office that proposes the act (default "Area Amministrativa").
    pub proposing_office: String,
    pub fiscal_code: Option<String>,
    /// The date the comune left ISTAT's list (suppressed or merged), if it did.
    pub suppressed_on: Option<String>,
    pub updated_at: String,
}

/// The organ of a comune that adopts its adhesion act: the Giunta with a
/// deliberazione, or the Sindaco with a decreto.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Organ {
    #[default]
    Giunta,
    Sindaco,
}

impl Organ {
    pub fn as_str(self) -> &'static str {
        match self {
            Organ::Giunta => "giunta",
            Organ::Sindaco => "sindaco",
        }
    }

    fn from_sql(s: &str) -> Organ {
        if s == "sindaco" {
            Organ::Sindaco
        } else {
            Organ::Giunta
        }
    }
}

/// The proposing office printed when none is recorded.
pub const DEFAULT_PROPOSING_OFFICE: &str = "Area Amministrativa";

/// The fields of a comune the secretariat edits (the ISTAT code is the key and does not change).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComuneInput {
    pub name: String,
    pub cadastral_code: String,
    pub population: Option<i64>,
    pub population_year: Option<i64>,
    pub pec: Option<String>,
    pub ipa_code: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub mayor_name: Option<String>,
    pub notes: Option<String>,
    #[serde(default)]
    pub adopting_organ: Organ,
    /// Empty: "Area Amministrativa".
    #[serde(default)]
    pub proposing_office: Option<String>,
    #[serde(default)]
    pub fiscal_code: Option<String>,
    /// The `updated_at` of the comune the form showed; a save of a comune
    /// changed since then is refused (`conflict`).
    #[serde(default)]
    pub version: Option<String>,
}

/// One row of the list of comuni (and of its exports).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComuneRow {
    pub istat: String,
    pub name: String,
    pub cadastral_code: String,
    pub population: Option<i64>,
    pub population_year: Option<i64>,
    pub zone_id: Option<i64>,
    pub zone_name: Option<String>,
    pub rpct_name: Option<String>,
    pub pec: Option<String>,
    pub ipa_code: Option<String>,
    pub mayor_name: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// The date the comune left ISTAT's list, if it did.
    pub suppressed_on: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Name,
    Istat,
    Population,
    Zone,
    Rpct,
}

/// What the list shows: free text, filters and order.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct ComuneQuery {
    /// Words to find in name, ISTAT or cadastral code and referent names.
    pub text: String,
    /// `None`: every zone; `Some("none")`: comuni without a zone; `Some("<id>")`: that zone.
    pub zone: Option<String>,
    /// One of the keys of [`POPULATION_CLASSES`].
    pub population_class: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
}

/// Population classes: (key, label, lower bound, upper bound exclusive).
pub const POPULATION_CLASSES: &[(&str, &str, i64, i64)] = &[
    ("fino_1000", "fino a 999 abitanti", 0, 1_000),
    ("1000_4999", "da 1.000 a 4.999 abitanti", 1_000, 5_000),
    ("5000_14999", "da 5.000 a 14.999 abitanti", 5_000, 15_000),
    ("15000_49999", "da 15.000 a 49.999 abitanti", 15_000, 50_000),
    ("oltre_50000", "50.000 abitanti e oltre", 50_000, i64::MAX),
];

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PopulationClass {
    pub key: &'static str,
    pub label: &'static str,
}

pub fn population_classes() -> Vec<PopulationClass> {
    POPULATION_CLASSES
        .iter()
        .map(|(key, label, _, _)| PopulationClass { key, label })
        .collect()
}

const COMUNE_COLUMNS: &str =
    "c.istat, c.name, c.cadastral_code, c.capoluogo, c.population, c.population_year,
     c.pec, c.ipa_code, c.address, c.phone, c.website, c.mayor_name, c.notes, c.zone_id, z.name,
     c.lat, c.lon, c.updated_at, c.adopting_organ, c.proposing_office, c.fiscal_code,
     c.suppressed_on";

fn comune_from_row(r: &Row) -> rusqlite::Result<Comune> {
    Ok(Comune {
        istat: r.get(0)?,
        name: r.get(1)?,
        cadastral_code: r.get(2)?,
        capoluogo: r.get(3)?,
        population: r.get(4)?,
        population_year: r.get(5)?,
        pec: r.get(6)?,
        ipa_code: r.get(7)?,
        address: r.get(8)?,
        phone: r.get(9)?,
        website: r.get(10)?,
        mayor_name: r.get(11)?,
        notes: r.get(12)?,
        zone_id: r.get(13)?,
        zone_name: r.get(14)?,
        lat: r.get(15)?,
        lon: r.get(16)?,
        updated_at: r.get(17)?,
        adopting_organ: Organ::from_sql(&r.get::<_, String>(18)?),
        proposing_office: r.get(19)?,
        fiscal_code: r.get(20)?,
        suppressed_on: r.get(21)?,
    })
}

pub(crate) fn get_comune(conn: &Connection, istat: &str) -> Result<Comune> {
    conn.query_row(
        &format!(
            "SELECT {COMUNE_COLUMNS} FROM comune c LEFT JOIN zone z ON z.id = c.zone_id WHERE c.istat = ?1"
        ),
        [istat],
        comune_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found(format!("Il comune con codice ISTAT {istat} non esiste.")))
}

/// Today's date as stored (ISO), for "active" referents.

/// Recomputes the folded search text of a comune from its name, codes and referents.
pub(crate) fn refresh_search_key(conn: &Connection, istat: &str) -> Result<()> {
    let (name, cadastral): (String, String) = conn.query_row(
        "SELECT name, cadastral_code FROM comune WHERE istat = ?1",
        [istat],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut key = format!("{} {} {}", fold(&name), istat, cadastral.to_lowercase());
    let mut stmt = conn.prepare_cached("SELECT full_name FROM referent WHERE istat = ?1")?;
    for n in stmt.query_map([istat], |r| r.get::<_, String>(0))? {
        key.push(' ');
        key.push_str(&fold(&n?));
    }
    conn.execute(
        "UPDATE comune SET search_key = ?2, name_key = ?3 WHERE istat = ?1",
        params![istat, key, fold(&name)],
    )?;
    Ok(())
}

/// Adds the zone filter of a query on `comune c`: `None`/"" every zone,
/// "none" comuni without a zone, "<id>" that zone.
pub(crate) fn push_zone_filter(
    sql: &mut String,
    args: &mut Vec<Box<dyn ToSql>>,
    zone: Option<&str>,
) -> Result<()> {
    match zone.map(str::trim) {
        None | Some("") => {}
        Some("none") => sql.push_str(" AND c.zone_id IS NULL"),
        Some(id) => {
            let id: i64 = id
                .parse()
                .map_err(|_| Error::validation("zone", format!("Zona non valida: «{id}».")))?;
            args.push(Box::new(id));
            sql.push_str(&format!(" AND c.zone_id = ?{}", args.len()));
        }
    }
    Ok(())
}

/// Validates and normalises the editable fields (trimmed; empty → None).
fn check_input(input: &ComuneInput, today: chrono::NaiveDate) -> Result<ComuneInput> {
    let name = text::required("name", "Denominazione", &input.name, Rule::line(120))?;
    let cadastral_code = text::field(
        "cadastral_code",
        "Codice catastale",
        &input.cadastral_code,
        Rule::CODE,
    )?
    .to_uppercase();
    validate::cadastral_code("cadastral_code", &cadastral_code)?;
    if let Some(p) = input.population {
        if !(0..=5_000_000).contains(&p) {
            return Err(Error::validation(
                "population",
                "Popolazione: deve essere un numero intero tra 0 e 5.000.000.",
            ));
        }
    }
    let this_year = chrono::Datelike::year(&today) as i64;
    if let Some(y) = input.population_year {
        if !(1861..=this_year).contains(&y) {
            return Err(Error::validation(
                "population_year",
                format!(
                    "Anno di riferimento della popolazione: deve essere tra 1861 e {this_year}."
                ),
            ));
        }
    }
    if input.population.is_some() != input.population_year.is_some() {
        let field = if input.population.is_some() {
            "population_year"
        } else {
            "population"
        };
        return Err(Error::validation(
            field,
            "Popolazione e anno di riferimento vanno indicati insieme.",
        ));
    }
    let pec = text::optional("pec", "PEC", &input.pec, Rule::TITLE)?.map(|s| s.to_lowercase());
    if let Some(p) = &pec {
        validate::email("pec", "PEC", p)?;
    }
    let ipa_code = text::optional("ipa_code", "Codice IPA", &input.ipa_code, Rule::CODE)?
        .map(|s| s.to_lowercase());
    if let Some(c) = &ipa_code {
        validate::ipa_code("ipa_code", c)?;
    }
    let phone = text::optional("phone", "Telefono", &input.phone, Rule::CODE)?;
    if let Some(p) = &phone {
        validate::phone("phone", p)?;
    }
    let website = text::optional("website", "Sito web", &input.website, Rule::TITLE)?;
    if let Some(w) = &website {
        validate::website("website", w)?;
    }
    let fiscal_code = text::optional(
        "fiscal_code",
        "Codice fiscale del Comune",
        &input.fiscal_code,
        Rule::CODE,
    )?;
    if let Some(cf) = &fiscal_code {
        if cf.len() != 11 || !cf.chars().all(|c| c.is_ascii_digit()) {
            return Err(Error::validation(
                "fiscal_code",
                "Codice fiscale del Comune: 11 cifre (quello di un ente pubblico).",
            ));
        }
    }
    let address = text::optional("address", "Indirizzo", &input.address, Rule::line(200))?;
    let mayor_name = text::optional("mayor_name", "Sindaco", &input.mayor_name, Rule::line(120))?;
    let proposing_office = text::optional(
        "proposing_office",
        "Ufficio proponente",
        &input.proposing_office,
        Rule::line(120),
    )?;
    let notes = text::optional("notes", "Note", &input.notes, Rule::NOTE)?;
    Ok(ComuneInput {
        name,
        cadastral_code,
        population: input.population,
        population_year: input.population_year,
        pec,
        ipa_code,
        address,
        phone,
        website,
        mayor_name,
        notes,
        adopting_organ: input.adopting_organ,
        proposing_office: Some(
            proposing_office.unwrap_or_else(|| DEFAULT_PROPOSING_OFFICE.to_string()),
        ),
        fiscal_code,
        version: input.version.clone(),
    })
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct SeedRow {
    codice_istat: String,
    denominazione: String,
    codice_catastale: String,
    capoluogo: u8,
    popolazione_2023: i64,
    lat: f64,
    lon: f64,
    zona_proposta: String,
}

/// Parses the embedded seed data.
fn seed_rows() -> Result<Vec<SeedRow>> {
    let mut rdr = csv::Reader::from_reader(SEED_CSV.as_bytes());
    rdr.deserialize()
        .map(|r| r.map_err(|e| Error::Database(format!("dati iniziali non leggibili: {e}"))))
        .collect()
}

/// The longest search text accepted, in characters. A longer text is
/// refused with a validation error on `text` (no comune name or referent
/// is that long, and SQLite refuses LIKE patterns over 50,000 bytes).
pub const MAX_SEARCH_CHARS: usize = 200;

/// The folded words of a search, after checking its length.
pub fn search_terms(text: &str) -> Result<Vec<String>> {
    if text.chars().count() > MAX_SEARCH_CHARS {
        return Err(Error::validation(
            "text",
            format!("Ricerca troppo lunga: al massimo {MAX_SEARCH_CHARS} caratteri."),
        ));
    }
    Ok(query_terms(text))
}

/// A term for `LIKE … ESCAPE '\'`: `%`, `_` and `\` match themselves.
pub fn like_escape(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Store {
    /// First run: the 108 comuni and, as a proposal, the five zones of the data file.
    pub(crate) fn seed_if_empty(&mut self) -> Result<()> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM comune", [], |r| r.get(0))?;
        if n > 0 || crate::db::kv::get(&self.conn, "seeded")?.is_some() {
            return Ok(());
        }
        let rows = seed_rows()?;
        self.action(|tx, op| {
            let now = crate::db::version::now_utc();
            let mut zones: Vec<(String, i64)> = Vec::new();
            for row in &rows {
                let zone_id = match zones.iter().find(|(n, _)| *n == row.zona_proposta) {
                    Some((_, id)) => *id,
                    None => {
                        tx.execute(
                            "INSERT INTO zone (name, proposed, created_at) VALUES (?1, 1, ?2)",
                            params![row.zona_proposta, now],
                        )?;
                        let id = tx.last_insert_rowid();
                        zones.push((row.zona_proposta.clone(), id));
                        id
                    }
                };
                tx.execute(
                    "INSERT INTO comune (istat, name, cadastral_code, capoluogo, population, population_year,
                        zone_id, lat, lon, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 2023, ?6, ?7, ?8, ?9)",
                    params![
                        row.codice_istat,
                        row.denominazione,
                        row.codice_catastale,
                        row.capoluogo == 1,
                        row.popolazione_2023,
                        zone_id,
                        row.lat,
                        row.lon,
                        now
                    ],
                )?;
                refresh_search_key(tx, &row.codice_istat)?;
            }
            crate::db::kv::set(tx, "seeded", &now)?;
            audit::record(
                tx,
                op,
                "seed",
                "registry",
                "comuni",
                None,
                Some(&serde_json::json!({
                    "comuni": rows.len(),
                    "proposed_zones": zones.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                })),
            )?;
            Ok(())
        })
    }

    pub fn comune(&self, istat: &str) -> Result<Comune> {
        get_comune(&self.conn, istat)
    }

    /// Saves the edited fields of a comune: validated first, nothing written on error.
    pub fn update_comune(&mut self, istat: &str, input: &ComuneInput) -> Result<Comune> {
        let input = check_input(input, self.today())?;
        self.action(|tx, op| {
            let before = get_comune(tx, istat)?;
            crate::db::version::check_version(&before.updated_at, input.version.as_deref())?;
            tx.execute(
                "UPDATE comune SET name = ?2, cadastral_code = ?3, population = ?4, population_year = ?5,
                    pec = ?6, ipa_code = ?7, address = ?8, phone = ?9, website = ?10, mayor_name = ?11,
                    notes = ?12, updated_at = ?13, adopting_organ = ?14, proposing_office = ?15,
                    fiscal_code = ?16 WHERE istat = ?1",
                params![
                    istat,
                    input.name,
                    input.cadastral_code,
                    input.population,
                    input.population_year,
                    input.pec,
                    input.ipa_code,
                    input.address,
                    input.phone,
                    input.website,
                    input.mayor_name,
                    input.notes,
                    crate::db::version::next_version(&before.updated_at),
                    input.adopting_organ.as_str(),
                    input.proposing_office,
                    input.fiscal_code
                ],
            )?;
            refresh_search_key(tx, istat)?;
            let after = get_comune(tx, istat)?;
            audit::record(
                tx,
                op,
                "update",
                "comune",
                istat,
                Some(&serde_json::to_value(&before)?),
                Some(&serde_json::to_value(&after)?),
            )?;
            Ok(after)
        })
    }

    /// The list of comuni for a query: search, filters, order.
    pub fn list_comuni(&self, q: &ComuneQuery) -> Result<Vec<ComuneRow>> {
        let mut sql = String::from(
            "SELECT c.istat, c.name, c.cadastral_code, c.population, c.population_year, c.zone_id, z.name,
                (SELECT r.full_name FROM referent r WHERE r.istat = c.istat AND r.role = 'rpct'
                   AND (r.valid_to IS NULL OR r.valid_to >= ?1)
                   AND (r.valid_from IS NULL OR r.valid_from <= ?1)
                 ORDER BY r.valid_from DESC LIMIT 1) AS rpct,
                c.pec, c.ipa_code, c.mayor_name, c.phone, c.website, c.suppressed_on
             FROM comune c LEFT JOIN zone z ON z.id = c.zone_id WHERE 1 = 1",
        );
        let mut args: Vec<Box<dyn ToSql>> = vec![Box::new(self.today().to_string())];
        for term in search_terms(&q.text)? {
            args.push(Box::new(format!("%{}%", like_escape(&term))));
            sql.push_str(&format!(
                " AND c.search_key LIKE ?{} ESCAPE '\\'",
                args.len()
            ));
        }
        push_zone_filter(&mut sql, &mut args, q.zone.as_deref())?;
        if let Some(key) = q.population_class.as_deref().filter(|k| !k.is_empty()) {
            let (_, _, lo, hi) = POPULATION_CLASSES
                .iter()
                .find(|(k, ..)| *k == key)
                .ok_or_else(|| {
                    Error::validation(
                        "population_class",
                        format!("Classe di popolazione non valida: «{key}»."),
                    )
                })?;
            args.push(Box::new(*lo));
            args.push(Box::new(*hi));
            sql.push_str(&format!(
                " AND c.population >= ?{} AND c.population < ?{}",
                args.len() - 1,
                args.len()
            ));
        }
        let dir = if q.descending { "DESC" } else { "ASC" };
        let order = match q.sort {
            SortKey::Name => format!("c.name_key {dir}"),
            SortKey::Istat => format!("c.istat {dir}"),
            SortKey::Population => format!("c.population IS NULL, c.population {dir}, c.name_key"),
            SortKey::Zone => format!("z.name IS NULL, z.name {dir}, c.name_key"),
            SortKey::Rpct => format!("rpct IS NULL, rpct {dir}, c.name_key"),
        };
        sql.push_str(&format!(" ORDER BY {order}"));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let rows = stmt.query_map(params.as_slice(), |r| {
            Ok(ComuneRow {
                istat: r.get(0)?,
                name: r.get(1)?,
                cadastral_code: r.get(2)?,
                population: r.get(3)?,
                population_year: r.get(4)?,
                zone_id: r.get(5)?,
                zone_name: r.get(6)?,
                rpct_name: r.get(7)?,
                pec: r.get(8)?,
                ipa_code: r.get(9)?,
                mayor_name: r.get(10)?,
                phone: r.get(11)?,
                website: r.get(12)?,
                suppressed_on: r.get(13)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts `n` synthetic comuni with 3 referents each (benchmarks: an
    /// archive the size of all Italy). Not a user action: no audit rows.
    pub fn insert_synthetic(&mut self, n: usize) -> Result<()> {
        let tx = self.conn.transaction()?;
        let now = crate::db::version::now_utc();
        let syllables = [
            "san", "ta", "mar", "co", "li", "pie", "tro", "vil", "la", "ro", "sa", "bel",
        ];
        for i in 0..n {
            let istat = format!("9{:05}", i);
            let name = format!(
                "{}{} {}",
                syllables[i % 12].to_uppercase(),
                syllables[(i / 12) % 12],
                syllables[(i / 144) % 12]
            );
            tx.execute(
                "INSERT INTO comune (istat, name, cadastral_code, population, population_year, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 2023, ?5)",
                params![istat, name, format!("Z{:03}", i % 1000), (i * 37) % 60_000, now],
            )?;
            for (k, role) in ["rpct", "operativo", "sindaco"].iter().enumerate() {
                tx.execute(
                    "INSERT INTO referent (istat, role, full_name, valid_from, created_at, updated_at)
                     VALUES (?1, ?2, ?3, '2024-01-01', ?4, ?4)",
                    params![istat, role, format!("Persona{} Cognome{}", i, k), now],
                )?;
            }
            refresh_search_key(&tx, &istat)?;
        }
        tx.commit()?;
        Ok(())
    }
}
