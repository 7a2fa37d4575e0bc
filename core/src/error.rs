//! The one error type of the core. Every variant has a stable machine code
//! (`code()`), an Italian message for the user and, where it applies, the
//! field it concerns. It crosses IPC as `{code, message, field}`.

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
    /// An unexpected SQLite error.
    #[error("Errore della base dati: {0}")]
    Database(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::Validation { .. } => "validation",
            Error::Conflict { .. } => "conflict",
            Error::InvalidTransition { .. } => "invalid_transition",
            Error::Cancelled { .. } => "cancelled",
            Error::NewerDatabase { .. } => "newer_database",
            Error::UnreadableDatabase { .. } => "unreadable_database",
            Error::Io { .. } => "io",
            Error::Database(_) => "database",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. } => Some(field),
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
                        "Il file dell'archivio è danneggiato o non è un archivio di questa applicazione ({e}). Il file non è stato modificato."
                    ),
                }
            }
            rusqlite::Error::QueryReturnedNoRows => Error::not_found("Elemento non trovato."),
            _ => Error::Database(e.to_string()),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::io(format!("Errore di lettura o scrittura del file: {e}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Database(format!("serializzazione: {e}"))
    }
}
