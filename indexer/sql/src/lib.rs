//! Floe's SQL indexer: checkpoints in, SQL out.
//!
//! This crate is the analysts' half of `indexer/`: the chain library (`floe-indexer`: the
//! boundary, the checkpoint sources, the Sui client, the local ledger) is what nodes and clients
//! link, and it knows nothing of databases; everything here builds on it. Modules, one per
//! concept, in the order data flows:
//! - [`decode`]: which events are kept (the configured packages, Floe or Walrus flavoured) and
//!   their decoding, with the position of each event in the chain.
//! - [`walrus`]: decoders for Walrus mainnet's own events.
//! - [`pipelines`]: one processor per table, turning decoded events into rows; [`audit`]: the
//!   settlement audit, recomputing each epoch's settlement from the events.
//! - [`schema`], [`db`] and [`store`]: the tables, the two backends (SQLite, PostgreSQL) with
//!   their embedded migrations, and the commit of a batch of checkpoints with the watermarks in
//!   one transaction.
//! - [`ingest`]: the loop that reads a [`floe_indexer::chain::CheckpointSource`], batches whole
//!   checkpoints and commits them, resuming after the last committed checkpoint.
//! - [`query`], [`api`], [`adhoc`]: the analyst surface: the views' rows, the read-only HTTP
//!   API, and one-off SQL printed as a table.
//! - [`cli`]: `floe indexer run | serve | sql`.

pub mod adhoc;
pub mod api;
pub mod audit;
pub mod cli;
pub mod db;
pub mod decode;
pub mod ids;
pub mod ingest;
pub mod pipelines;
pub mod query;
pub mod schema;
pub mod store;
pub mod walrus;
