//! Positional reads and writes, so that worker threads share one open file.

use std::{fs::File, io, os::unix::fs::FileExt};

/// A blob that can be read at any position: a file, or anything else with range reads (a memory
/// map, an object store, a generator).
pub trait ReadAt: Sync {
    /// Its length in bytes.
    fn len(&self) -> io::Result<u64>;

    /// `true` if it holds no bytes.
    fn is_empty(&self) -> io::Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Fills `buf` from byte `offset`; reading past the end is an error
    /// ([`io::ErrorKind::UnexpectedEof`]).
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()>;
}

impl ReadAt for File {
    fn len(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        FileExt::read_exact_at(self, buf, offset)
    }
}

/// Fills `buf` from byte `offset` of a blob whose first `len` bytes are meaningful: bytes at or
/// past `len` read as zeros (the blob's padding). A source that ends before `len` is an error.
pub(super) fn read_padded_at(
    file: &dyn ReadAt,
    len: u64,
    offset: u64,
    buf: &mut [u8],
) -> io::Result<()> {
    let available = usize::try_from(len.saturating_sub(offset)).unwrap_or(usize::MAX);
    let (data, padding) = buf.split_at_mut(available.min(buf.len()));
    if !data.is_empty() {
        file.read_exact_at(data, offset)?;
    }
    padding.fill(0);
    Ok(())
}

/// Writes `parts`, concatenated, at byte `offset` of `file` (`pwritev`, continued after short
/// writes).
pub(super) fn write_all_vectored_at(file: &File, offset: u64, parts: &[&[u8]]) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        /// Buffers per `pwritev` call (Linux's `IOV_MAX`).
        const IOV_MAX: usize = 1024;
        let (mut part, mut skip, mut offset) = (0usize, 0usize, offset);
        while part < parts.len() {
            if skip == parts[part].len() {
                part += 1;
                skip = 0;
                continue;
            }
            let iov: Vec<libc::iovec> = parts[part..]
                .iter()
                .take(IOV_MAX)
                .enumerate()
                .map(|(i, p)| {
                    let p = if i == 0 { &p[skip..] } else { p };
                    libc::iovec {
                        iov_base: p.as_ptr() as *mut libc::c_void,
                        iov_len: p.len(),
                    }
                })
                .collect();
            let at = libc::off_t::try_from(offset)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "offset too large"))?;
            // SAFETY: every iovec points into a slice of `parts`, alive for the call, which only
            // reads them; the descriptor is open for as long as `file` is.
            let written =
                unsafe { libc::pwritev(file.as_raw_fd(), iov.as_ptr(), iov.len() as i32, at) };
            if written < 0 {
                let error = io::Error::last_os_error();
                if error.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(error);
            }
            if written == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            let mut written = written as usize;
            offset += written as u64;
            while written > 0 {
                let rest = parts[part].len() - skip;
                if written >= rest {
                    written -= rest;
                    part += 1;
                    skip = 0;
                } else {
                    skip += written;
                    written = 0;
                }
            }
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let mut offset = offset;
        for part in parts {
            file.write_all_at(part, offset)?;
            offset += part.len() as u64;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectored_writes_land_in_order_and_padding_reads_as_zeros() {
        let file = tempfile::tempfile().expect("temp file");
        let parts: Vec<Vec<u8>> = (0..2500u32)
            .map(|i| vec![i as u8; (i % 7) as usize])
            .collect();
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        write_all_vectored_at(&file, 3, &refs).expect("writes");
        let expected: Vec<u8> = parts.concat();
        let mut back = vec![1u8; expected.len() + 10];
        read_padded_at(&file, 3 + expected.len() as u64, 3, &mut back).expect("reads");
        assert_eq!(&back[..expected.len()], &expected[..]);
        assert!(back[expected.len()..].iter().all(|b| *b == 0));
        // A file shorter than the length it should have is an error.
        let mut more = vec![0u8; 8];
        assert!(read_padded_at(
            &file,
            expected.len() as u64 + 100,
            3 + expected.len() as u64 - 4,
            &mut more
        )
        .is_err());
    }
}
