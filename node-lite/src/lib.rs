//! Floe storage node and client library.
//!
//! - [`encoding`]: Red Stuff (RS2) erasure coding, byte-compatible with Walrus.

pub mod encoding;
