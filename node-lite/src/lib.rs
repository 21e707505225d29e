//! Floe storage node and client library.
//!
//! - [`encoding`]: Red Stuff (RS2) erasure coding, byte-compatible with Walrus.
//! - [`durable`]: crash-safe file writes.
//! - [`sample`]: deterministic sample data for the demo and benchmarks.

pub mod durable;
pub mod encoding;
pub mod sample;
