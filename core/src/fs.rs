//! File primitives: temporary files created in the destination folder,
//! atomic writes (written beside, synced, renamed into place), new files
//! that never replace an existing one, private folders, and a file's
//! fingerprint (SHA-256). Nothing here knows a domain.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The SHA-256 of a file's bytes in lowercase hexadecimal: what the
/// registers of documents and communications keep as proof of a file.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in Sha256::digest(bytes) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xF)]));
    }
    out
}

/// Writes `bytes` to `path` through a temporary file created exclusively,
/// with an unpredictable name, in the same folder (so no symbolic link
/// planted under a predictable name can redirect the write), synced to
/// disk, then renamed into place. On any failure (a full disk, a folder
/// that is not writable) nothing is left behind: neither half a file nor
/// an empty temporary one; the error names `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_temp_beside(path, bytes)?;
    tmp.persist(path).map_err(|e| Error::file(path, &e.error))?;
    Ok(())
}

/// Like [`write_atomically`] but never replaces an existing file: `Ok(false)`
/// (and nothing written) if `path` exists, even if it appeared a moment ago.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<bool> {
    let tmp = write_temp_beside(path, bytes)?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::file(path, &e.error)),
    }
}

/// The bytes in a new temporary file beside `path`, synced; the file is
/// removed when dropped unless persisted.
fn write_temp_beside(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    let tmp = temp_beside(path, bytes)?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::file(path, &e))?;
    Ok(tmp)
}

/// The bytes in a new temporary file beside `path`, not synced.
fn temp_beside(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| Error::io(format!("Percorso del file non valido: {}.", path.display())))?
        .to_string_lossy()
        .to_string();
    let mut tmp = temp_in(dir, &format!(".{name}.")).map_err(|e| Error::file(path, &e))?;
    tmp.write_all(bytes).map_err(|e| Error::file(path, &e))?;
    Ok(tmp)
}

/// A file written beside its destination, not yet in place: many files
/// (a batch) are staged, made durable together by [`sync_staged`], then
/// each renamed into place by [`Staged::place_new`] or [`Staged::place`],
/// and the renames made durable by [`sync_dir`]. Whatever instant the
/// process is killed at, a file under its own name is whole. Dropped
/// unplaced, the temporary file is removed.
#[derive(Debug)]
pub struct Staged(tempfile::TempPath);

/// Writes `bytes` as a [`Staged`] file beside `path` (`path` is not touched).
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged> {
    // On Linux the batch is synced at once (see `sync_staged`); elsewhere
    // each file now.
    #[cfg(target_os = "linux")]
    let tmp = temp_beside(path, bytes)?;
    #[cfg(not(target_os = "linux"))]
    let tmp = write_temp_beside(path, bytes)?;
    Ok(Staged(tmp.into_temp_path()))
}

/// Makes the files staged in `folder` durable, with one call for all of
/// them on Linux (`syncfs` of the folder's file system: one journal commit
/// instead of one per file); elsewhere [`stage`] synced each one.
pub fn sync_staged(folder: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        let dir = std::fs::File::open(folder).map_err(|e| Error::file(folder, &e))?;
        rustix::fs::syncfs(&dir).map_err(|e| Error::file(folder, &e.into()))?;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = folder;
    Ok(())
}

/// Makes the renames into `folder` durable (Unix: the folder is synced;
/// Windows has nothing to sync for a folder).
pub fn sync_dir(folder: &Path) -> Result<()> {
    #[cfg(unix)]
    std::fs::File::open(folder)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::file(folder, &e))?;
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
}

impl Staged {
    /// Renames the file to `path` unless a file is there already (even one
    /// that appeared a moment ago): then it is given back, still staged.
    pub fn place_new(self, path: &Path) -> Result<std::result::Result<(), Staged>> {
        match self.0.persist_noclobber(path) {
            Ok(()) => Ok(Ok(())),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                Ok(Err(Staged(e.path)))
            }
            Err(e) => Err(Error::file(path, &e.error)),
        }
    }

    /// Renames the file to `path`, replacing what is there.
    pub fn place(self, path: &Path) -> Result<()> {
        self.0
            .persist(path)
            .map_err(|e| Error::file(path, &e.error))
    }
}

/// A new temporary file in `dir`, created exclusively with an unpredictable
/// name, that will become a user's file (a document, an archive, a copy):
/// unlike `tempfile`'s default (0600) it gets the usual permissions (0666
/// less the umask), so colleagues on a shared folder can read what is
/// renamed into place.
pub fn temp_in(dir: &Path, prefix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

/// The temporary files `temp_in` made in `dir` with one of `prefixes` (a
/// prefix, six random characters, `.tmp`), left by a process that was
/// killed, removed once older than `age`. Other files are never touched.
/// Returns what was removed; a file that cannot be removed stays.
pub fn remove_stale_temps(
    dir: &Path,
    prefixes: &[&str],
    age: std::time::Duration,
) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = prefixes.iter().any(|p| {
            name.strip_prefix(p)
                .and_then(|rest| rest.strip_suffix(".tmp"))
                .is_some_and(|random| {
                    random.len() == 6 && random.chars().all(|c| c.is_ascii_alphanumeric())
                })
        });
        let old = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|e| e > age);
        if ours && old && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// A folder only this user can read (0700 on Unix), e.g. the PDF previews'
/// folder in the shared temporary directory. If `dir` is a symbolic link,
/// not a folder, not owned by this user or open to others, it is removed
/// and created again; if that is not possible the error names it.
pub fn private_dir(dir: &Path) -> Result<()> {
    for _ in 0..3 {
        match std::fs::symlink_metadata(dir) {
            Ok(meta) if is_private(dir, &meta)? => return Ok(()),
            Ok(meta) => {
                let removed = if meta.is_dir() {
                    std::fs::remove_dir_all(dir)
                } else {
                    std::fs::remove_file(dir)
                };
                removed.map_err(|e| Error::file(dir, &e))?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::file(dir, &e)),
        }
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        match b.create(dir) {
            Ok(()) => {}
            // Someone made it in the meantime: check it again.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::file(dir, &e)),
        }
    }
    Err(Error::storage(
        crate::error::StorageKind::PermissionDenied,
        dir,
    ))
}

#[cfg(unix)]
fn is_private(dir: &Path, meta: &std::fs::Metadata) -> Result<bool> {
    use std::os::unix::fs::MetadataExt;
    if !meta.file_type().is_dir() {
        return Ok(false);
    }
    // This process's user: the owner of a file it creates.
    let parent = dir.parent().unwrap_or(Path::new("."));
    let probe = tempfile::tempfile_in(parent).map_err(|e| Error::file(parent, &e))?;
    let me = probe.metadata().map_err(|e| Error::file(parent, &e))?.uid();
    Ok(meta.uid() == me && meta.mode() & 0o077 == 0)
}

#[cfg(not(unix))]
fn is_private(_dir: &Path, meta: &std::fs::Metadata) -> Result<bool> {
    Ok(meta.file_type().is_dir())
}

/// Writes `bytes` as a new file with an unpredictable name in `dir`
/// (`prefix…suffix`), created exclusively and synced, and keeps it.
pub fn write_new_temp(
    dir: &Path,
    prefix: &str,
    suffix: &str,
    bytes: &[u8],
) -> Result<std::path::PathBuf> {
    use std::io::Write;
    let mut tmp = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(suffix)
        .tempfile_in(dir)
        .map_err(|e| Error::file(dir, &e))?;
    let path = tmp.path().to_path_buf();
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::file(&path, &e))?;
    tmp.keep().map_err(|e| Error::file(&path, &e.error))?;
    Ok(path)
}

/// Whether two paths name the same file (compared as written when either
/// cannot be resolved).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}
