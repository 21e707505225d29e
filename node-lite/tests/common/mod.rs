//! Helpers shared by the integration tests of this crate.

#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// The reference vectors committed in the repository (`tests/vectors/`, see its README), or the
/// directory named by `FLOE_VECTORS_DIR` when it is set (to try updated vectors before
/// committing them).
pub fn vectors_dir() -> PathBuf {
    match std::env::var_os("FLOE_VECTORS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors"),
    }
}

/// One reference vector file, parsed.
pub fn load_vectors(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}
