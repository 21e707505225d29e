//! Floe's chain-following library.
//!
//! Everything off-chain learns the state of the world from checkpoints and changes it by
//! submitting transactions (see `DESIGN.md`, "The chain boundary"). Modules, one per concept:
//! - [`chain`]: the boundary itself: [`chain::CheckpointSource`], [`chain::ChainClient`], the
//!   typed Floe operations, receipts, checkpoints and events, and the submission errors.
//! - [`bls`]: BLS12-381 keys, signatures and committee certificates, and the signed messages.
//! - [`limits`]: the resource budget of every input from outside, in one place; [`bounded`]
//!   checks protobuf against it on the wire, before decoding.
//! - [`proto`]: checkpoints in Sui's wire form (`sui.rpc.v2.Checkpoint`), both ways.
//! - [`checkpoint_files`]: `{seq}.binpb.zst` checkpoint files: writer, source, export.
//! - [`grpc`]: Sui's gRPC API: the local ledger served as a full node, and the source that
//!   follows any full node.
//! - [`localnet`]: the local development ledger: applies operations with the `economics`
//!   reference model, emits the Move events BCS-encoded, groups transactions into persisted
//!   checkpoints, and implements both traits in-process.
//! - [`scenario`]: a file format of actors and steps that drives any [`chain::ChainClient`].
//! - [`shutdown`]: Ctrl-C / SIGTERM for long-running commands.
//! - [`sui_client`]: the Sui side of the boundary: builds and signs the programmable
//!   transaction of each operation.
//! - [`sui_chain`]: the Sui [`chain::ChainClient`]: executes those transactions over gRPC
//!   (`sui-rpc`) and reads receipts and refusals back.

pub mod bls;
pub mod bounded;
pub mod chain;
pub mod checkpoint_files;
pub mod grpc;
pub mod limits;
pub mod localnet;
pub mod proto;
pub mod scenario;
pub mod shutdown;
pub mod sui_chain;
pub mod sui_client;
