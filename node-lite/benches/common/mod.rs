//! What the bench binaries share: reading and resetting the process's resident set.

/// A field of `/proc/self/status` in KiB (`VmRSS:`, `VmHWM:`), if the system has it.
pub fn resident_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Resets the peak resident set (`VmHWM`) to the current one.
pub fn reset_peak() {
    // Writing 5 to clear_refs resets VmHWM to the current resident set (Linux ≥ 4.0).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
