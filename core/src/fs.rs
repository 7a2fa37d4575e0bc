//! File primitives: temporary files created in the destination folder,
//! atomic writes (written beside, synced, renamed into place), new files
//! that never replace an existing one, and private folders. Nothing here
//! knows a domain.

use std::path::Path;

use crate::error::{Error, Result};

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
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::file(path, &e))?;
    Ok(tmp)
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
