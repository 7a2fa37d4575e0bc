//! The one error type of the core. Every variant has a stable machine code
//! (`code()`), an Italian message for the user and, where it applies, the
//! field it concerns. It crosses IPC as `{code, message, field}`.

use std::path::{Path, PathBuf};

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A record that does not exist (or no longer exists).
    #[error("{message}")]
    NotFound { message: String },
    /// Bad input: the message says what is wrong with which field.
    #[error("{message}")]
    Validation { field: String, message: String },
    /// The action clashes with the current state (e.g. deleting a zone that still has comuni).
    #[error("{message}")]
    Conflict {
        message: String,
        field: Option<String>,
    },
    /// A workflow step not allowed from the current state.
    #[error("{message}")]
    InvalidTransition { message: String },
    /// Something that can only be recorded once an event has taken place
    /// (attendance, attestati), asked for before its day.
    #[error("{message}")]
    EventNotHeld { field: String, message: String },
    /// The user cancelled a long action; nothing was written.
    #[error("{message}")]
    Cancelled { message: String },
    /// The database file was written by a newer version of the app.
    #[error("{message}")]
    NewerDatabase { message: String },
    /// The file is not a database this app can read (corrupt, not SQLite, unreadable).
    #[error("{message}")]
    UnreadableDatabase { message: String },
    /// Reading or writing a file failed.
    #[error("{message}")]
    Io { message: String },
    /// A storage failure the user can act on (busy, read-only, disk full, ...):
    /// the message names the file and says what to do.
    #[error("{}", storage_message(*kind, path.as_deref()))]
    Storage {
        kind: StorageKind,
        /// The file concerned; `None` means "the archive" until
        /// [`Error::at_archive`] names it.
        path: Option<PathBuf>,
    },
    /// Another instance (here or on another computer) holds the archive.
    #[error("L'archivio {} è già {}. Può essere aperto in sola lettura, oppure riaperto quando l'altro utente l'avrà chiuso.", path.display(), holder)]
    ArchiveInUse {
        path: PathBuf,
        /// Who holds it: "aperto da rossi su PC-SEGRETERIA dal 30/11/2026 alle 10:15".
        holder: String,
    },
    /// The file says it is still open, yet no `-wal` is beside it: a copy
    /// made while the app was running, which may miss recent work.
    #[error("L'archivio {} risulta ancora aperto ({}), ma accanto non c'è il file {}: sembra una copia fatta mentre l'applicazione era in uso, e può non contenere il lavoro più recente. Si può aprirlo in sola lettura, aprirlo comunque oppure uscire. Per copiare un archivio usare «Salva una copia» oppure copiarlo ad applicazione chiusa.", path.display(), holder, wal)]
    SuspectedCopy {
        path: PathBuf,
        /// The name of the `-wal` file that should be beside it.
        wal: String,
        /// Who had it open, where: "aperto da rossi su PC-SEGRETERIA dal … (in /percorso)".
        holder: String,
    },
    /// The archive is open read-only: nothing can be changed.
    #[error("{message}")]
    ReadOnlyArchive { message: String },
    /// An unexpected SQLite error (the detail is technical, for a report).
    #[error("Errore imprevisto dell'archivio: nessuna modifica è stata salvata. Riprovare; se si ripete, segnalarlo riportando questo messaggio (dettaglio tecnico: {0}).")]
    Database(String),
}

/// What went wrong with a file, as far as the user can do something about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    /// The database is locked or busy (another window or program is writing).
    Busy,
    /// The file or its folder cannot be written.
    ReadOnly,
    /// The disk (or quota) is full.
    DiskFull,
    /// A lower-level read/write failure (a network drive gone, a bad sector).
    Io,
    /// The file does not exist.
    FileNotFound,
    /// The user lacks the rights on the file or folder.
    PermissionDenied,
}

impl StorageKind {
    pub fn code(self) -> &'static str {
        match self {
            StorageKind::Busy => "busy",
            StorageKind::ReadOnly => "read_only",
            StorageKind::DiskFull => "disk_full",
            StorageKind::Io => "io",
            StorageKind::FileNotFound => "file_not_found",
            StorageKind::PermissionDenied => "permission_denied",
        }
    }

    /// The kind of an OS error, if it is one the user can act on.
    pub fn of_io(e: &std::io::Error) -> StorageKind {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::NotFound => StorageKind::FileNotFound,
            K::PermissionDenied => StorageKind::PermissionDenied,
            K::ReadOnlyFilesystem => StorageKind::ReadOnly,
            K::StorageFull | K::QuotaExceeded | K::FileTooLarge => StorageKind::DiskFull,
            K::ResourceBusy | K::WouldBlock => StorageKind::Busy,
            _ => match e.raw_os_error() {
                Some(28) | Some(122) => StorageKind::DiskFull, // ENOSPC, EDQUOT
                Some(30) => StorageKind::ReadOnly,             // EROFS
                _ => StorageKind::Io,
            },
        }
    }

    /// The kind of a SQLite error, if it is a storage failure.
    fn of_sqlite(code: rusqlite::ffi::ErrorCode) -> Option<StorageKind> {
        use rusqlite::ffi::ErrorCode as C;
        Some(match code {
            C::DatabaseBusy | C::DatabaseLocked => StorageKind::Busy,
            C::ReadOnly => StorageKind::ReadOnly,
            C::DiskFull => StorageKind::DiskFull,
            C::SystemIoFailure => StorageKind::Io,
            C::CannotOpen => StorageKind::FileNotFound,
            C::PermissionDenied => StorageKind::PermissionDenied,
            _ => return None,
        })
    }
}

fn storage_message(kind: StorageKind, path: Option<&Path>) -> String {
    let (file, on) = match path {
        Some(p) => (
            format!("il file {}", p.display()),
            format!("sul file {}", p.display()),
        ),
        None => ("l'archivio".to_string(), "sull'archivio".to_string()),
    };
    match kind {
        StorageKind::Busy => format!(
            "Operazione non eseguita: {file} è occupato da un'altra finestra o da un altro programma. Attendere qualche secondo e riprovare; se il problema continua, chiudere le altre finestre dell'applicazione."
        ),
        StorageKind::ReadOnly => format!(
            "Operazione non eseguita: {file} (o la sua cartella) è in sola lettura e nulla è stato salvato. Controllare i permessi del file e della cartella, oppure scegliere una cartella scrivibile."
        ),
        StorageKind::DiskFull => format!(
            "Spazio su disco esaurito scrivendo {file}: nulla è stato salvato a metà. Liberare spazio sul disco (o scegliere un'altra cartella) e riprovare."
        ),
        StorageKind::Io => format!(
            "Errore di lettura o scrittura {on}: l'operazione non è stata completata. Controllare che il disco o la cartella di rete siano raggiungibili e riprovare."
        ),
        StorageKind::FileNotFound => format!(
            "Non è stato possibile trovare {file}: è stato spostato, rinominato o cancellato? Sceglierlo di nuovo."
        ),
        StorageKind::PermissionDenied => format!(
            "Permesso negato {on}: l'utente non ha i diritti per questa operazione. Chiedere i permessi sulla cartella all'amministratore di sistema o scegliere un'altra cartella."
        ),
    }
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Any change refused: the archive is open read-only.
    pub fn read_only(path: Option<&Path>) -> Error {
        Error::ReadOnlyArchive {
            message: format!(
                "L'archivio{} è aperto in sola lettura: nessuna modifica è possibile. Per modificarlo, chiudere l'applicazione e riaprirlo quando nessun altro lo usa, da una cartella in cui si può scrivere.",
                path.map(|p| format!(" {}", p.display())).unwrap_or_default()
            ),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::Validation { .. } => "validation",
            Error::Conflict { .. } => "conflict",
            Error::InvalidTransition { .. } => "invalid_transition",
            Error::EventNotHeld { .. } => "event_not_held",
            Error::Cancelled { .. } => "cancelled",
            Error::NewerDatabase { .. } => "newer_database",
            Error::UnreadableDatabase { .. } => "unreadable_database",
            Error::Io { .. } => "io",
            Error::Storage { kind, .. } => kind.code(),
            Error::ReadOnlyArchive { .. } => "read_only_archive",
            Error::ArchiveInUse { .. } => "archive_in_use",
            Error::SuspectedCopy { .. } => "archive_suspected_copy",
            Error::Database(_) => "database",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. } | Error::EventNotHeld { field, .. } => Some(field),
            Error::Conflict { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Error::Validation {
            field: field.to_string(),
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Error::NotFound {
            message: message.into(),
        }
    }

    pub fn conflict(message: impl Into<String>, field: Option<&str>) -> Self {
        Error::Conflict {
            message: message.into(),
            field: field.map(str::to_string),
        }
    }

    pub fn io(message: impl Into<String>) -> Self {
        Error::Io {
            message: message.into(),
        }
    }

    /// An OS error on `path`, as an Italian message the user can act on.
    pub fn file(path: &Path, e: &std::io::Error) -> Self {
        Error::Storage {
            kind: StorageKind::of_io(e),
            path: Some(path.to_path_buf()),
        }
    }

    /// A storage failure of `kind` on `path`.
    pub fn storage(kind: StorageKind, path: &Path) -> Self {
        Error::Storage {
            kind,
            path: Some(path.to_path_buf()),
        }
    }

    /// Names the archive's file in a storage error that did not say which file.
    pub fn at_archive(self, archive: Option<&Path>) -> Self {
        match (self, archive) {
            (Error::Storage { kind, path: None }, Some(a)) => Error::Storage {
                kind,
                path: Some(a.to_path_buf()),
            },
            (e, _) => e,
        }
    }

    /// The serialisable form that crosses IPC.
    pub fn to_payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_string(),
            message: self.to_string(),
            field: self.field().map(str::to_string),
        }
    }
}

/// `{code, message, field}` as the UI receives it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match &e {
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(
                    f.code,
                    ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt
                ) =>
            {
                Error::UnreadableDatabase {
                    message: format!(
                        "Il file dell'archivio è danneggiato o non è un archivio di questa applicazione ({}). Il file non è stato modificato.",
                        sqlite_reason(&e)
                    ),
                }
            }
            rusqlite::Error::SqliteFailure(f, _) if StorageKind::of_sqlite(f.code).is_some() => {
                Error::Storage {
                    kind: StorageKind::of_sqlite(f.code).unwrap_or(StorageKind::Io),
                    path: None,
                }
            }
            rusqlite::Error::QueryReturnedNoRows => Error::not_found("Elemento non trovato."),
            _ => Error::Database(e.to_string()),
        }
    }
}

/// Why SQLite refused a file, in Italian (never SQLite's English text for
/// the cases a user meets; other cases keep it as a technical detail).
pub fn sqlite_reason(e: &rusqlite::Error) -> String {
    use rusqlite::ffi::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => "non è un database SQLite".into(),
        Some(ErrorCode::DatabaseCorrupt) => "il contenuto del database è danneggiato".into(),
        Some(ErrorCode::CannotOpen) => "il file non si può aprire".into(),
        Some(ErrorCode::PermissionDenied) => "permesso negato".into(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "il file è in uso da un altro programma".into()
        }
        _ => format!("dettaglio tecnico: {e}"),
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Storage {
            kind: StorageKind::of_io(&e),
            path: None,
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Database(format!("serializzazione: {e}"))
    }
}

/// The `conflict` of a save or undo based on what a screen showed before
/// someone else changed it.
pub fn stale() -> Error {
    Error::conflict(
        "Il dato è stato modificato dopo che è stato aperto (da un'altra finestra o da un altro passaggio): ricaricare la pagina e ripetere la modifica.",
        None,
    )
}
