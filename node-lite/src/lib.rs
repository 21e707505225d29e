//! Floe storage node and client library.
//!
//! - [`encoding`]: Red Stuff (RS2) erasure coding, byte-compatible with Walrus.
//! - [`durable`]: crash-safe file writes.

pub mod durable;
pub mod encoding;
