//! Floe's chain-following library.
//!
//! Everything off-chain learns the state of the world from checkpoints and changes it by
//! submitting transactions (see `DESIGN.md`, "The chain boundary"). Modules, one per concept:
//! - [`chain`]: the boundary itself: [`chain::CheckpointSource`], [`chain::ChainClient`], the
//!   typed Floe operations, receipts, checkpoints and events, and the submission errors.
//! - [`localnet`]: the local development ledger: applies operations with the `economics`
//!   reference model, emits the Move events BCS-encoded, groups transactions into persisted
//!   checkpoints, and implements both traits in-process.
//! - [`scenario`]: a file format of actors and steps that drives any [`chain::ChainClient`].
//! - [`sui_client`]: the Sui side of the boundary: builds and signs the programmable
//!   transaction of each operation (execution over gRPC is not implemented yet).

pub mod chain;
pub mod localnet;
pub mod scenario;
pub mod sui_client;
