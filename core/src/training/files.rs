//! What the training domain's files are: names, dialog titles, filters.

use crate::documents::Format as DocFormat;
use crate::file_spec::{FileSpec, OpenSpec};
use crate::io::Format;
use crate::training::documents::CalendarDoc;

/// The ICS of one event (`one`) or of the filtered calendar.
pub fn ics(one: bool) -> FileSpec {
    let name = if one {
        "Evento.ics"
    } else {
        "Calendario_formazione.ics"
    };
    FileSpec::new(
        name,
        "Esporta il calendario (iCalendar)",
        "Calendario iCalendar",
        &["ics"],
    )
}

/// The hours of `year` (or who is below the target).
pub fn hours_export(year: i32, below_only: bool, format: Format) -> FileSpec {
    let stem = if below_only {
        "Sotto_obiettivo_ore"
    } else {
        "Ore_formazione"
    };
    FileSpec::table_titled(
        &format!("{stem}_{year}.{}", format.extension()),
        "Esporta le ore di formazione",
        format,
    )
}

/// A document of the calendar, named `name` by its builder.
pub fn calendar_doc(doc: CalendarDoc, format: DocFormat, name: &str) -> FileSpec {
    let title = match (doc, format) {
        (CalendarDoc::Calendar, _) => "Salva il calendario della formazione",
        (CalendarDoc::Programme, DocFormat::Pdf) => "Salva il programma formativo",
        (CalendarDoc::Programme, DocFormat::Docx) => "Salva il programma formativo (Word)",
        (CalendarDoc::Year, _) => "Salva il quadro annuale della formazione",
    };
    FileSpec::named_document(name, title, format)
}

/// An attestato, named `name` by its builder.
pub fn certificate(name: &str) -> FileSpec {
    FileSpec::named_document(name, "Salva l'attestato", DocFormat::Pdf)
}

/// The folder dialog's title for the attestati of an event.
pub const CERTIFICATES_FOLDER_TITLE: &str = "Scegli la cartella in cui salvare gli attestati";

/// The blank needs survey of `year` (`results`: false) or its results.
pub fn survey(year: i32, results: bool) -> FileSpec {
    if results {
        FileSpec::document(
            &format!("Fabbisogni_formativi_{year}_risultati"),
            "Salva i risultati della rilevazione dei fabbisogni",
            DocFormat::Pdf,
        )
    } else {
        FileSpec::document(
            &format!("Scheda_fabbisogni_formativi_{year}"),
            "Salva la scheda di rilevazione dei fabbisogni",
            DocFormat::Pdf,
        )
    }
}

/// A webinar's attendance report, chosen in the open dialog.
pub const ATTENDANCE_REPORT: OpenSpec = OpenSpec {
    title: "Importa il rapporto delle presenze del webinar",
    filter_label: "Rapporto delle presenze (CSV)",
    extensions: &["csv", "txt"],
};
