//! Floe storage node and client library.
//!
//! - [`encoding`]: Red Stuff (RS2) erasure coding, byte-compatible with Walrus.
//! - [`durable`]: crash-safe file writes.
//! - [`sample`]: deterministic sample data for the demo and benchmarks.
//! - [`node`]: the storage node (store, chain follower, REST API, metrics).
//! - [`client`]: an HTTP client for one storage node's REST API.
//! - [`devnet`]: a development chain with registered storage nodes, for local networks, tests
//!   and benchmarks.

pub mod client;
pub mod devnet;
pub mod durable;
pub mod encoding;
pub mod node;
pub mod sample;
