//! Writing files so that they survive a crash before we report success.

use std::{fs::File, io, path::Path};

/// Writes `bytes` to `path` atomically and durably (the ledger's `write_atomic`: temporary
/// file, fsync, rename, directory fsync); the error names the file.
pub fn write_file_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    floe_indexer::localnet::store::write_atomic(path, bytes)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))
}

/// Flushes everything written to the filesystem that holds `path` (one `syncfs` call instead of
/// one `fsync` per file when many files were written).
pub fn sync_filesystem(path: &Path) -> io::Result<()> {
    let dir = File::open(path)?;
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: `syncfs` only reads the descriptor, which `dir` keeps open for the call.
        if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        dir.sync_all()
    }
}

/// Creates `path` atomically and durably from what `fill` writes into an open file: a temporary
/// file beside it, filled, fsynced and renamed over `path`, then the directory fsynced. If
/// `fill` fails, the temporary file is removed and `path` is untouched.
pub fn create_file_durably<T, E: From<io::Error>>(
    path: &Path,
    fill: impl FnOnce(&File) -> Result<T, E>,
) -> Result<T, E> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let named =
        |e: io::Error| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()));
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(named)?;
    let value = fill(tmp.as_file())?;
    tmp.as_file().sync_all().map_err(named)?;
    tmp.persist(path).map_err(|e| named(e.error))?;
    floe_indexer::localnet::store::sync_dir(dir).map_err(named)?;
    Ok(value)
}
