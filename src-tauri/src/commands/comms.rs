//! Comunicazioni: thin commands over `cdp_core::comms`. Sending runs off the
//! window's thread, taking the archive only between messages, with its
//! progress on a channel and a job to cancel («Interrompi»).

use cdp_core::comms::imap::{ImapReader, ImapReport, ImapSettings};
use cdp_core::comms::message::MessagePreview;
use cdp_core::comms::outbox::{Archive, QueueReport, SendReport};
use cdp_core::comms::receipts::ReceiptLine;
use cdp_core::comms::requests::{self, ReturnApplied, ReturnPreview, Scheda, SCHEDE};
use cdp_core::comms::smtp::{SmtpMailer, SmtpSettings};
use cdp_core::comms::{
    files, CommFilter, CommInput, CommSummary, Communication, HandRecipient, Kind, RecipientLine,
    RecipientRule, KINDS,
};
use cdp_core::io::Format;
use cdp_core::job::Progress;
use cdp_core::Store;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Mutex;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::dialog::{self, Saved};
use crate::error::{Error, Result};
use crate::state::{blocking, AppState, JobId};

/// The open archive, taken for each step of a send.
struct Open<'a>(&'a AppState);

impl Archive for Open<'_> {
    fn with<T>(&self, f: &mut dyn FnMut(&mut Store) -> cdp_core::Result<T>) -> cdp_core::Result<T> {
        match &mut *self.0.lock() {
            Ok(s) => f(s),
            Err(e) => Err(cdp_core::Error::io(e.message.clone())),
        }
    }

    fn identity(&self) -> usize {
        self.0 as *const AppState as usize
    }
}

/// A kind of communication and its name.
#[derive(Serialize, specta::Type)]
pub struct KindChoice {
    pub kind: Kind,
    pub label: &'static str,
}

#[tauri::command]
#[specta::specta]
pub fn comms_kinds() -> Vec<KindChoice> {
    KINDS
        .into_iter()
        .map(|kind| KindChoice {
            kind,
            label: kind.label(),
        })
        .collect()
}

#[tauri::command]
#[specta::specta]
pub fn comms_list(state: State<AppState>, filter: CommFilter) -> Result<Vec<CommSummary>> {
    state.with(|s| s.comms_list(&filter))
}

#[tauri::command]
#[specta::specta]
pub fn comms_get(state: State<AppState>, id: i64) -> Result<Communication> {
    state.with(|s| s.comms_get(id))
}

#[tauri::command]
#[specta::specta]
pub fn comms_create(state: State<AppState>, input: CommInput) -> Result<Communication> {
    state.with(|s| s.comms_create(&input))
}

#[tauri::command]
#[specta::specta]
pub fn comms_update(state: State<AppState>, id: i64, input: CommInput) -> Result<Communication> {
    state.with(|s| s.comms_update(id, &input))
}

#[tauri::command]
#[specta::specta]
pub fn comms_delete(state: State<AppState>, id: i64) -> Result<()> {
    state.with(|s| s.comms_delete(id))
}

#[tauri::command]
#[specta::specta]
pub fn comms_preview_recipients(
    state: State<AppState>,
    rule: RecipientRule,
    hand: Vec<HandRecipient>,
) -> Result<Vec<RecipientLine>> {
    state.with(|s| s.comms_preview_recipients(&rule, &hand))
}

#[tauri::command]
#[specta::specta]
pub fn comms_set_recipients(
    state: State<AppState>,
    id: i64,
    rule: RecipientRule,
    hand: Vec<HandRecipient>,
) -> Result<Communication> {
    state.with(|s| s.comms_set_recipients(id, &rule, &hand))
}

/// The message as one recipient will receive it (filled off the window's thread).
#[tauri::command]
#[specta::specta]
pub async fn comms_preview_message(app: AppHandle, recipient: i64) -> Result<MessagePreview> {
    blocking(&app, move |st| {
        st.with(|s| s.comms_preview_message(recipient))
    })
    .await
}

/// «Allega…»: the open dialog, then the file is kept in the archive. None
/// when the dialog was closed.
#[tauri::command]
#[specta::specta]
pub async fn comms_add_attachment(app: AppHandle, id: i64) -> Result<Option<Communication>> {
    blocking(&app, move |st| {
        let Some(path) = dialog::ask_open(&files::ATTACHMENT) else {
            return Ok(None);
        };
        st.with(|s| s.comms_add_attachment(id, &path)).map(Some)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn comms_remove_attachment(
    state: State<AppState>,
    id: i64,
    attachment: i64,
) -> Result<Communication> {
    state.with(|s| s.comms_remove_attachment(id, attachment))
}

#[tauri::command]
#[specta::specta]
pub fn comms_queue(state: State<AppState>, id: i64) -> Result<QueueReport> {
    state.with(|s| s.comms_queue(id))
}

/// Sends the queued messages of a communication through the mailbox of
/// the settings (its password from the system's credential store).
#[tauri::command]
#[specta::specta]
pub async fn comms_send(
    app: AppHandle,
    id: i64,
    job: JobId,
    progress: Channel<Progress>,
) -> Result<SendReport> {
    blocking(&app, move |st| {
        let job = st.jobs.take(job)?;
        let settings = st.with(|s| s.smtp_settings())?;
        let password = cdp_core::comms::smtp::password(&settings)?;
        let mailer = SmtpMailer::new(&settings, &password)?;
        Ok(cdp_core::comms::outbox::send(
            &Open(st),
            id,
            &mailer,
            &|p| {
                let _ = progress.send(p);
            },
            &job.token,
        )?)
    })
    .await
}

/// Puts back in the queue the messages whose fate is unknown or that were
/// refused (`undelivered`: those a PEC receipt says were not delivered).
#[tauri::command]
#[specta::specta]
pub fn comms_requeue(
    state: State<AppState>,
    id: i64,
    recipients: Vec<i64>,
    undelivered: bool,
) -> Result<usize> {
    state.with(|s| s.comms_requeue(id, &recipients, undelivered))
}

/// What «Prepara i file .eml» wrote.
#[derive(Serialize, specta::Type)]
pub struct PreparedEml {
    pub files: usize,
    pub csv: String,
}

/// «Senza server»: one `.eml` per recipient and a CSV, in a folder chosen
/// in the dialog. None when the dialog was closed.
#[tauri::command]
#[specta::specta]
pub async fn comms_prepare_eml(app: AppHandle, id: i64) -> Result<Option<PreparedEml>> {
    blocking(&app, move |st| {
        let n = st.with(|s| s.comms_get(id))?.counts.recipients as usize;
        let Some(folder) = dialog::ask_folder(&files::eml_folder_title(n)) else {
            return Ok(None);
        };
        let (files, csv) = st.with(|s| s.comms_prepare_eml(id, &folder))?;
        st.remember(csv.clone());
        Ok(Some(PreparedEml {
            files,
            csv: csv.display().to_string(),
        }))
    })
    .await
}

/// What the files dropped on the Comunicazioni screen gave: the PEC
/// receipts (`.eml`) imported as chosen ones, the returned schede (`.xlsx`)
/// read with their dry run, as chosen ones; None: no file of that kind.
#[derive(Serialize, specta::Type)]
pub struct Dropped {
    pub receipts: Option<Vec<ReceiptLine>>,
    pub returns: Option<Vec<ReturnPreview>>,
}

/// Files dropped on the Comunicazioni screen (or on its dialog of the
/// returned schede), each kind through the same import as when chosen;
/// a file of another kind is not read. `request`: the request shown.
#[tauri::command]
#[specta::specta]
pub async fn comms_import_dropped(
    app: AppHandle,
    paths: Vec<String>,
    request: Option<i64>,
) -> Result<Dropped> {
    blocking(&app, move |st| {
        let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
        let (eml, xlsx): (Vec<PathBuf>, Vec<PathBuf>) = paths
            .into_iter()
            .filter(|p| files::RECEIPTS.accepts(p) || requests::RETURNS.accepts(p))
            .partition(|p| files::RECEIPTS.accepts(p));
        if eml.is_empty() && xlsx.is_empty() {
            return Err(Error::new(
                "validation",
                "Nessun file da importare tra quelli trascinati: si importano le ricevute PEC (file .eml salvati dalla webmail) e le schede restituite dai comuni (file .xlsx).",
            ));
        }
        let receipts = if eml.is_empty() {
            None
        } else {
            Some(st.with(|s| s.comms_import_receipts(&eml))?)
        };
        let returns = if xlsx.is_empty() {
            None
        } else {
            Some(preview_returns(st, &xlsx, request)?)
        };
        Ok(Dropped { receipts, returns })
    })
    .await
}

/// «Esporta ▾»: the register as filtered, as PDF (`format` None), CSV or
/// Excel, where the user chooses. None when the dialog was closed.
#[tauri::command]
#[specta::specta]
pub async fn comms_export_register(
    app: AppHandle,
    filter: CommFilter,
    format: Option<Format>,
) -> Result<Option<Saved>> {
    blocking(&app, move |st| {
        let spec = cdp_core::comms::register::file_spec(format, st.today());
        dialog::save_made(st, &spec, || {
            Ok(st.with(|s| s.comms_register_file(&filter, format))?.bytes)
        })
    })
    .await
}

/// «Importa ricevute…»: receipt files chosen in the dialog (several at once).
#[tauri::command]
#[specta::specta]
pub async fn comms_import_receipts(app: AppHandle) -> Result<Option<Vec<ReceiptLine>>> {
    blocking(&app, move |st| {
        let Some(paths) = dialog::ask_open_many(&files::RECEIPTS) else {
            return Ok(None);
        };
        st.with(|s| s.comms_import_receipts(&paths)).map(Some)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn comms_smtp_settings(state: State<AppState>) -> Result<SmtpSettings> {
    state.with(|s| s.smtp_settings())
}

/// Saves the mailbox's settings; the password, if typed, goes to the
/// system's credential store only.
#[tauri::command]
#[specta::specta]
pub async fn comms_save_smtp_settings(
    app: AppHandle,
    settings: SmtpSettings,
    password: Option<String>,
) -> Result<SmtpSettings> {
    blocking(&app, move |st| {
        st.with(|s| s.save_smtp_settings(&settings, password.as_deref()))
    })
    .await
}

/// «Invia una prova»: one message from the secretariat to itself.
#[tauri::command]
#[specta::specta]
pub async fn comms_send_test(app: AppHandle) -> Result<String> {
    blocking(&app, move |st| {
        let settings = st.with(|s| s.smtp_settings())?;
        let password = cdp_core::comms::smtp::password(&settings)?;
        let mailer = SmtpMailer::new(&settings, &password)?;
        mailer
            .send_test(st.today())
            .map_err(|f| Error::new("smtp", f.message()))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn comms_imap_settings(state: State<AppState>) -> Result<ImapSettings> {
    state.with(|s| s.imap_settings())
}

/// Saves the settings of the mailbox the receipts are read from; the
/// password, if typed, goes to the system's credential store only.
#[tauri::command]
#[specta::specta]
pub async fn comms_save_imap_settings(
    app: AppHandle,
    settings: ImapSettings,
    password: Option<String>,
) -> Result<ImapSettings> {
    blocking(&app, move |st| {
        st.with(|s| s.save_imap_settings(&settings, password.as_deref()))
    })
    .await
}

/// The reader of the saved settings: the IMAP password from the system's
/// credential store, the certificate of the SMTP settings trusted.
fn imap_reader(st: &AppState) -> Result<ImapReader> {
    let settings = st.with(|s| s.imap_settings())?;
    let ca_file = st.with(|s| s.smtp_settings())?.ca_file;
    let password = cdp_core::comms::imap::password(&settings)?;
    Ok(ImapReader::new(&settings, &ca_file, &password)?)
}

/// «Prova la lettura»: connects, logs in and opens the folder; nothing is read.
#[tauri::command]
#[specta::specta]
pub async fn comms_test_imap(app: AppHandle) -> Result<String> {
    blocking(&app, move |st| Ok(imap_reader(st)?.check()?)).await
}

/// «Leggi ricevute dalla casella»: the receipts arrived since the last
/// reading, off the window's thread, with progress and «Interrompi».
#[tauri::command]
#[specta::specta]
pub async fn comms_read_imap(
    app: AppHandle,
    job: JobId,
    progress: Channel<Progress>,
) -> Result<ImapReport> {
    blocking(&app, move |st| {
        let job = st.jobs.take(job)?;
        let reader = imap_reader(st)?;
        Ok(cdp_core::comms::imap::read_receipts(
            &Open(st),
            &reader,
            &|p| {
                let _ = progress.send(p);
            },
            &job.token,
        )?)
    })
    .await
}

/// A scheda a request can ask for, its name and the `generated_doc` that attaches it.
#[derive(Serialize, specta::Type)]
pub struct SchedaChoice {
    pub scheda: Scheda,
    pub label: &'static str,
    pub generated: &'static str,
}

#[tauri::command]
#[specta::specta]
pub fn comms_schede() -> Vec<SchedaChoice> {
    SCHEDE
        .into_iter()
        .map(|scheda| SchedaChoice {
            scheda,
            label: scheda.label(),
            generated: scheda.generated(),
        })
        .collect()
}

/// The returned schede chosen or dropped last (name and bytes), until applied.
static RETURNED: Mutex<Vec<(String, Vec<u8>)>> = Mutex::new(Vec::new());

/// «Importa le schede restituite…»: the files chosen in the dialog (many at
/// once), read, and the dry run of each (one per comune). `request`: the
/// request the user imports for. None when the dialog was closed.
#[tauri::command]
#[specta::specta]
pub async fn comms_choose_returns(
    app: AppHandle,
    request: Option<i64>,
) -> Result<Option<Vec<ReturnPreview>>> {
    blocking(&app, move |st| {
        let Some(paths) = dialog::ask_open_many(&requests::RETURNS) else {
            return Ok(None);
        };
        preview_returns(st, &paths, request).map(Some)
    })
    .await
}

/// Reads returned schede and makes the dry run of each (one per comune);
/// the files are kept for «Applica».
fn preview_returns(
    st: &AppState,
    paths: &[PathBuf],
    request: Option<i64>,
) -> Result<Vec<ReturnPreview>> {
    let mut files = Vec::with_capacity(paths.len());
    for p in paths {
        let bytes = std::fs::read(p).map_err(|e| cdp_core::Error::file(p, &e))?;
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((name, bytes));
    }
    let previews = st.with(|s| s.comms_returns_preview(&files, request))?;
    *RETURNED.lock().unwrap_or_else(|p| p.into_inner()) = files;
    Ok(previews)
}

/// Applies the chosen file `file` (its place in the dry run) after a
/// backup; `take_file`: the conflicting cells where the file's value wins.
#[tauri::command]
#[specta::specta]
pub async fn comms_apply_return(
    app: AppHandle,
    file: u32,
    request: Option<i64>,
    take_file: Vec<String>,
) -> Result<ReturnApplied> {
    blocking(&app, move |st| {
        let chosen = RETURNED
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(file as usize)
            .cloned();
        let Some((name, bytes)) = chosen else {
            return Err(Error::new(
                "not_found",
                "Scegliere di nuovo i file delle schede restituite.",
            ));
        };
        st.with(|s| s.comms_return_apply(&name, &bytes, request, &take_file, chrono::Utc::now()))
    })
    .await
}

/// «Esporta la scheda…»: a comune's scheda of a request, alone, where the
/// user chooses. None when the dialog was closed.
#[tauri::command]
#[specta::specta]
pub async fn comms_export_scheda(
    app: AppHandle,
    id: i64,
    istat: String,
) -> Result<Option<dialog::Saved>> {
    blocking(&app, move |st| {
        let (name, bytes) = st.with(|s| s.comms_scheda_xlsx(id, &istat))?;
        dialog::save_made(st, &requests::export_spec(&name), || Ok(bytes))
    })
    .await
}

/// «Sollecita chi non ha risposto»: the reminder, written to exactly the
/// comuni whose scheda has not come back.
#[tauri::command]
#[specta::specta]
pub fn comms_remind_not_returned(state: State<AppState>, id: i64) -> Result<Communication> {
    state.with(|s| s.comms_remind_not_returned(id))
}
