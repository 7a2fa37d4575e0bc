//! The one error that crosses IPC: `{code, message, field}`, built from the
//! core's error so that commands use `?`.

use std::any::Any;

use serde::Serialize;

/// What the UI receives when a command fails (the UI's `ApiError`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Error {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: &str, message: impl Into<String>) -> Error {
        Error {
            code: code.into(),
            message: message.into(),
            field: None,
        }
    }

    /// A panic caught at the command's boundary: the app goes on.
    pub fn panicked(panic: Box<dyn Any + Send>) -> Error {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Error::new(
            "internal",
            format!("Errore interno: l'operazione non è stata completata. {what}")
                .trim_end()
                .to_string(),
        )
    }

    /// Work on a background thread that did not come back (it panicked).
    pub fn interrupted(e: impl std::fmt::Display) -> Error {
        Error::new("internal", format!("Operazione interrotta: {e}"))
    }
}

impl From<cdp_core::Error> for Error {
    fn from(e: cdp_core::Error) -> Error {
        e.to_payload().into()
    }
}

impl From<cdp_core::ErrorPayload> for Error {
    fn from(p: cdp_core::ErrorPayload) -> Error {
        Error {
            code: p.code,
            message: p.message,
            field: p.field,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_core_error_keeps_its_code_message_and_field() {
        let e: Error = cdp_core::Error::validation("name", "Nome: campo obbligatorio.").into();
        assert_eq!(e.code, "validation");
        assert_eq!(e.field.as_deref(), Some("name"));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["message"], "Nome: campo obbligatorio.");
        let plain = serde_json::to_value(Error::new("io", "x")).unwrap();
        assert!(plain.get("field").is_none(), "{plain}");
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let p = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
        let e = Error::panicked(p);
        assert_eq!(e.code, "internal");
        assert!(e.message.ends_with("boom"), "{}", e.message);
    }
}
