//! Helpers shared by this crate's integration tests.

#![allow(dead_code)]

use anyhow::{Context as _, Result};

/// A `/proc/self/status` memory figure (`VmRSS`, `VmHWM`, …) of this process, bytes.
pub fn proc_status_bytes(field: &str) -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next())
        .with_context(|| format!("no {field} in /proc/self/status"))?
        .parse()?;
    Ok(kb * 1024)
}

/// The current resident set of this process, bytes.
pub fn rss() -> Result<u64> {
    proc_status_bytes("VmRSS")
}

/// The peak resident set of this process, bytes.
pub fn peak_rss() -> Result<u64> {
    proc_status_bytes("VmHWM")
}
