//! The chain boundary: where checkpoints come from and where Floe transactions go.
//!
//! - [`CheckpointSource`] yields checkpoints in order from a sequence number (a Sui full node,
//!   a directory of checkpoint files, or the local ledger).
//! - [`ChainClient`] submits Floe [`Operation`]s, one per transaction, and returns a
//!   [`Receipt`] with the events the transaction emitted, or a [`SubmitError`]. A refusal by
//!   the contracts is [`SubmitError::Refused`] carrying the same [`Error`] variant (and so the
//!   same name and abort code) as the Move constant and the `economics` reference model.
//!
//! The operations mirror the Move entry functions; their arguments are plain serde values
//! (ids as `0x`-prefixed hex) so scenario files and logs can hold them.

use std::future::Future;
use std::sync::Arc;

use floe_economics::events::{BcsError, FloeEvent, MoveEvent};
pub use floe_economics::model::governance::ParamChange;
use floe_economics::settlement::{MerkleProof, SettlementEntry, SettlementHeader};
use floe_economics::{Epoch, Error, Frost};
/// Runs a future to completion on the current thread (for synchronous callers and tests;
/// async callers simply `.await` the trait methods).
pub use futures::executor::block_on;
use serde::{Deserialize, Serialize};

/// A 32-byte Sui object id or address, written as `0x` + 64 hex digits in text formats.
pub use floe_economics::model::ObjectId as Id;

/// A Floe operation: one Move entry function call. The sender is given separately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Operation {
    /// `register_node`: a new storage node and its staking pool, operated by the sender.
    RegisterNode {
        /// Human-readable name.
        name: String,
        /// Network address of the node's REST API.
        network_address: String,
        /// BLS public key.
        #[serde(with = "floe_economics::hex_serde::bytes")]
        public_key: Vec<u8>,
        /// Commission, bps.
        commission_bps: u16,
        /// Storage price vote, nano-USD per MiB per epoch.
        storage_price_usd: u64,
        /// Write price vote, nano-USD per MiB.
        write_price_usd: u64,
        /// Capacity vote, bytes.
        capacity: u64,
    },
    /// `stake_with_pool`.
    Stake {
        /// The node (pool).
        node_id: Id,
        /// FROST to stake.
        amount: Frost,
    },
    /// `request_withdraw_stake`.
    RequestWithdrawal {
        /// The staked-WAL receipt.
        staked_wal_id: Id,
    },
    /// `withdraw_stake`.
    Withdraw {
        /// The staked-WAL receipt.
        staked_wal_id: Id,
    },
    /// `set_next_commission`.
    SetCommission {
        /// The node.
        node_id: Id,
        /// New commission, bps.
        commission_bps: u16,
    },
    /// `set_commission_receiver`: who may collect the node's commission (sent by the operator).
    SetCommissionReceiver {
        /// The node.
        node_id: Id,
        /// The new receiver.
        receiver: Id,
    },
    /// `collect_commission` (sent by the commission receiver).
    CollectCommission {
        /// The node.
        node_id: Id,
    },
    /// `vote_prices`.
    VotePrices {
        /// The node.
        node_id: Id,
        /// Storage price, nano-USD per MiB per epoch.
        storage_price_usd: u64,
        /// Write price, nano-USD per MiB.
        write_price_usd: u64,
    },
    /// `vote_capacity`.
    VoteCapacity {
        /// The node.
        node_id: Id,
        /// Capacity, bytes.
        capacity: u64,
    },
    /// `report_wal_usd_rate`.
    ReportWalUsdRate {
        /// The node.
        node_id: Id,
        /// Nano-USD per WAL.
        rate: u64,
    },
    /// `sample_wal_usd_rate` (permissionless crank).
    SampleWalUsdRate,
    /// `voting_end`: select the next committee and its prices.
    SelectCommittee,
    /// `initiate_epoch_change`: end the epoch and start the next.
    AdvanceEpoch,
    /// `reserve_space`.
    ReserveSpace {
        /// Encoded bytes.
        size: u64,
        /// Epochs from the current one.
        epochs_ahead: u32,
    },
    /// `register_blob`.
    RegisterBlob {
        /// The storage resource to use.
        storage_id: Id,
        /// The blob id (u256, little-endian bytes).
        blob_id: Id,
        /// The metadata root hash.
        root_hash: Id,
        /// Unencoded size.
        size: u64,
        /// Encoding type (RS2 = 1).
        encoding_type: u8,
        /// Whether it may be deleted.
        deletable: bool,
    },
    /// `certify_blob` with a certificate of `epoch` signed by `signers_shards` shards.
    CertifyBlob {
        /// The blob object.
        blob_object_id: Id,
        /// The certificate's epoch.
        epoch: Epoch,
        /// Shards behind the aggregate signature.
        signers_shards: u64,
    },
    /// `certify_blob` with its BLS certificate: the ledger checks it as the Move
    /// `bls_committee` does (bitmap, 2/3 shard quorum, aggregate signature against the
    /// committee's registered keys) and the message as `messages` does.
    CertifyBlobSigned {
        /// The blob object.
        blob_object_id: Id,
        /// The aggregate BLS signature (96 bytes).
        signature: Vec<u8>,
        /// The signers bitmap (bit `i` = committee member `i`).
        signers_bitmap: Vec<u8>,
        /// The signed blob certificate message.
        message: Vec<u8>,
    },
    /// `extend_blob`.
    ExtendBlob {
        /// The blob object.
        blob_object_id: Id,
        /// Epochs to add.
        epochs: u32,
    },
    /// `delete_blob`.
    DeleteBlob {
        /// The blob object.
        blob_object_id: Id,
    },
    /// Challenge results of `epoch` posted by challenger `node_id` (one bps per member).
    SubmitChallengeResults {
        /// The challenger node.
        node_id: Id,
        /// The epoch.
        epoch: Epoch,
        /// Pass rates, bps, in committee order.
        results: Vec<u16>,
    },
    /// A settlement certified by `signers_shards` shards.
    SubmitSettlement {
        /// The header.
        settlement: SettlementHeader,
        /// Shards behind the certificate.
        signers_shards: u64,
    },
    /// `settle_epoch` with its BLS certificate over the settlement message of the header's
    /// digest, checked against the committee that served the epoch.
    SubmitSettlementSigned {
        /// The header.
        settlement: SettlementHeader,
        /// The aggregate BLS signature (96 bytes).
        signature: Vec<u8>,
        /// The signers bitmap (bit `i` = member `i` of the epoch's committee).
        signers_bitmap: Vec<u8>,
    },
    /// A pool's claim of its settlement entry of `epoch`.
    Claim {
        /// The settled epoch claimed from.
        epoch: Epoch,
        /// The entry.
        entry: SettlementEntry,
        /// Its proof against the certified root.
        proof: MerkleProof,
    },
    /// The fallback distribution of an unsettled epoch.
    SettleFallback {
        /// The epoch.
        epoch: Epoch,
    },
    /// A governance proposal made with the sender's staked-WAL receipt.
    Propose {
        /// The proposer's receipt.
        staked_wal_id: Id,
        /// The change.
        change: ParamChange,
    },
    /// A governance vote with one receipt.
    Vote {
        /// The proposal.
        proposal_id: u64,
        /// The voter's receipt.
        staked_wal_id: Id,
        /// For or against.
        support: bool,
    },
    /// Executes a passed proposal.
    ExecuteProposal {
        /// The proposal.
        proposal_id: u64,
    },
    /// Draws the current epoch's challenge seed (on Sui from `sui::random`; the local ledger
    /// derives it from its state).
    DrawChallengeSeed,
    /// Ends the voting of a proposal, recording whether it passed.
    FinalizeProposal {
        /// The proposal.
        proposal_id: u64,
    },
    /// Splits `amount` of a staked-WAL receipt into a new receipt.
    SplitStake {
        /// The receipt.
        staked_wal_id: Id,
        /// FROST moved to the new receipt.
        amount: Frost,
    },
    /// Joins receipt `other_id` into `staked_wal_id`.
    JoinStake {
        /// The receipt that remains.
        staked_wal_id: Id,
        /// The receipt absorbed.
        other_id: Id,
    },
    /// Gives a staked-WAL receipt to `to`.
    TransferStake {
        /// The receipt.
        staked_wal_id: Id,
        /// The new owner.
        to: Id,
    },
    /// Splits a storage resource at `split_epoch`: the new resource covers the later epochs.
    SplitStorageByEpoch {
        /// The resource.
        storage_id: Id,
        /// First epoch of the new resource.
        split_epoch: Epoch,
    },
    /// Splits `split_size` bytes off a storage resource into a new one.
    SplitStorageBySize {
        /// The resource.
        storage_id: Id,
        /// Bytes of the new resource.
        split_size: u64,
    },
    /// Fuses storage resource `other_id` into `storage_id` (adjacent epochs with the same
    /// size, or the same epochs).
    FuseStorage {
        /// The resource that remains.
        storage_id: Id,
        /// The resource absorbed.
        other_id: Id,
    },
    /// Sets a blob's attribute `key` to `value`.
    SetBlobAttribute {
        /// The blob object.
        blob_object_id: Id,
        /// The key (1 to 128 bytes).
        key: String,
        /// The value (at most 1,024 bytes).
        value: String,
    },
    /// Removes a blob's attribute `key`.
    RemoveBlobAttribute {
        /// The blob object.
        blob_object_id: Id,
        /// The key.
        key: String,
    },
    /// Burns a blob object (its data stays stored until its end epoch if certified).
    BurnBlob {
        /// The blob object.
        blob_object_id: Id,
    },
    /// Replaces a deletable blob's content under the same object.
    ReplaceBlob {
        /// The blob object.
        blob_object_id: Id,
        /// The new blob id (u256, little-endian bytes).
        blob_id: Id,
        /// The new metadata root hash.
        root_hash: Id,
        /// The new unencoded size.
        size: u64,
        /// Encoding type (RS2 = 1).
        encoding_type: u8,
    },
    /// Wraps a certified blob with `funds` into a shared blob anyone may fund and extend.
    ShareBlob {
        /// The blob object.
        blob_object_id: Id,
        /// FROST moved into the shared blob's funds.
        funds: Frost,
    },
    /// Adds `amount` to a shared blob's funds.
    FundSharedBlob {
        /// The shared blob.
        shared_blob_id: Id,
        /// FROST added.
        amount: Frost,
    },
    /// Extends a shared blob by `epochs`, paid from its funds.
    ExtendSharedBlob {
        /// The shared blob.
        shared_blob_id: Id,
        /// Epochs to add.
        epochs: u32,
    },
    /// A storage pool over a storage resource.
    CreateStoragePool {
        /// The storage resource.
        storage_id: Id,
    },
    /// Registers a blob against a storage pool.
    RegisterPooledBlob {
        /// The pool.
        storage_pool_id: Id,
        /// The blob id (u256, little-endian bytes).
        blob_id: Id,
        /// The metadata root hash.
        root_hash: Id,
        /// Unencoded size.
        size: u64,
        /// Encoding type (RS2 = 1).
        encoding_type: u8,
        /// Whether it may be deleted.
        deletable: bool,
    },
    /// Certifies a pooled blob with a certificate of `epoch` signed by `signers_shards` shards.
    CertifyPooledBlob {
        /// The pool.
        storage_pool_id: Id,
        /// The blob id.
        blob_id: Id,
        /// The certificate's epoch.
        epoch: Epoch,
        /// Shards behind the aggregate signature.
        signers_shards: u64,
    },
    /// `certify_pooled_blob` with its BLS certificate (checked as for
    /// [`Operation::CertifyBlobSigned`]; the message names the blob).
    CertifyPooledBlobSigned {
        /// The pool.
        storage_pool_id: Id,
        /// The aggregate BLS signature (96 bytes).
        signature: Vec<u8>,
        /// The signers bitmap.
        signers_bitmap: Vec<u8>,
        /// The signed blob certificate message.
        message: Vec<u8>,
    },
    /// Deletes a deletable pooled blob.
    DeletePooledBlob {
        /// The pool.
        storage_pool_id: Id,
        /// The blob id.
        blob_id: Id,
    },
    /// Extends a storage pool by `epochs`.
    ExtendStoragePool {
        /// The pool.
        storage_pool_id: Id,
        /// Epochs to add.
        epochs: u32,
    },
}

/// Every operation kind (the serde tag of [`Operation`]) with the function of the `floe::system`
/// Move module that performs it.
pub const MOVE_FUNCTIONS: [(&str, &str); 48] = [
    ("register_node", "register_node"),
    ("stake", "stake_with_pool"),
    ("request_withdrawal", "request_withdraw_stake"),
    ("withdraw", "withdraw_stake"),
    ("set_commission", "set_next_commission"),
    ("set_commission_receiver", "set_commission_receiver"),
    ("collect_commission", "collect_commission"),
    ("vote_prices", "vote_prices"),
    ("vote_capacity", "vote_capacity"),
    ("report_wal_usd_rate", "report_wal_usd_rate"),
    ("sample_wal_usd_rate", "sample_wal_usd_rate"),
    ("select_committee", "voting_end"),
    ("advance_epoch", "initiate_epoch_change"),
    ("reserve_space", "reserve_space"),
    ("register_blob", "register_blob"),
    ("certify_blob", "certify_blob"),
    ("certify_blob_signed", "certify_blob"),
    ("extend_blob", "extend_blob"),
    ("delete_blob", "delete_blob"),
    ("submit_challenge_results", "submit_challenge_results"),
    ("submit_settlement", "settle_epoch"),
    ("submit_settlement_signed", "settle_epoch"),
    ("claim", "claim_rewards"),
    ("settle_fallback", "settle_fallback"),
    ("propose", "propose"),
    ("vote", "vote"),
    ("execute_proposal", "execute_proposal"),
    ("draw_challenge_seed", "draw_challenge_seed"),
    ("finalize_proposal", "finalize_proposal"),
    ("split_stake", "split_staked_wal"),
    ("join_stake", "join_staked_wal"),
    ("transfer_stake", "transfer_staked_wal"),
    ("split_storage_by_epoch", "split_storage_by_epoch"),
    ("split_storage_by_size", "split_storage_by_size"),
    ("fuse_storage", "fuse_storage"),
    ("set_blob_attribute", "set_blob_attribute"),
    ("remove_blob_attribute", "remove_blob_attribute"),
    ("burn_blob", "burn_blob"),
    ("replace_blob", "replace_blob"),
    ("share_blob", "share_blob"),
    ("fund_shared_blob", "fund_shared_blob"),
    ("extend_shared_blob", "extend_shared_blob"),
    ("create_storage_pool", "create_storage_pool"),
    ("register_pooled_blob", "register_pooled_blob"),
    ("certify_pooled_blob", "certify_pooled_blob"),
    ("certify_pooled_blob_signed", "certify_pooled_blob"),
    ("delete_pooled_blob", "delete_pooled_blob"),
    ("extend_storage_pool", "extend_storage_pool"),
];

/// The `floe::system` Move function that performs operation kind `kind` (`kind` itself for a
/// name not in [`MOVE_FUNCTIONS`]).
pub fn move_function_of_kind(kind: &str) -> &str {
    MOVE_FUNCTIONS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, f)| *f)
}

/// The operation kind performed by the `floe::system` Move function `function`.
pub fn kind_of_move_function(function: &str) -> Option<&'static str> {
    MOVE_FUNCTIONS
        .iter()
        .find(|(_, f)| *f == function)
        .map(|(k, _)| *k)
}

impl Operation {
    /// The operation's name (its serde tag, e.g. `"register_blob"`).
    pub fn kind(&self) -> &'static str {
        match self {
            Operation::RegisterNode { .. } => "register_node",
            Operation::Stake { .. } => "stake",
            Operation::RequestWithdrawal { .. } => "request_withdrawal",
            Operation::Withdraw { .. } => "withdraw",
            Operation::SetCommission { .. } => "set_commission",
            Operation::SetCommissionReceiver { .. } => "set_commission_receiver",
            Operation::CollectCommission { .. } => "collect_commission",
            Operation::VotePrices { .. } => "vote_prices",
            Operation::VoteCapacity { .. } => "vote_capacity",
            Operation::ReportWalUsdRate { .. } => "report_wal_usd_rate",
            Operation::SampleWalUsdRate => "sample_wal_usd_rate",
            Operation::SelectCommittee => "select_committee",
            Operation::AdvanceEpoch => "advance_epoch",
            Operation::ReserveSpace { .. } => "reserve_space",
            Operation::RegisterBlob { .. } => "register_blob",
            Operation::CertifyBlob { .. } => "certify_blob",
            Operation::CertifyBlobSigned { .. } => "certify_blob_signed",
            Operation::ExtendBlob { .. } => "extend_blob",
            Operation::DeleteBlob { .. } => "delete_blob",
            Operation::SubmitChallengeResults { .. } => "submit_challenge_results",
            Operation::SubmitSettlement { .. } => "submit_settlement",
            Operation::SubmitSettlementSigned { .. } => "submit_settlement_signed",
            Operation::Claim { .. } => "claim",
            Operation::SettleFallback { .. } => "settle_fallback",
            Operation::Propose { .. } => "propose",
            Operation::Vote { .. } => "vote",
            Operation::ExecuteProposal { .. } => "execute_proposal",
            Operation::DrawChallengeSeed => "draw_challenge_seed",
            Operation::FinalizeProposal { .. } => "finalize_proposal",
            Operation::SplitStake { .. } => "split_stake",
            Operation::JoinStake { .. } => "join_stake",
            Operation::TransferStake { .. } => "transfer_stake",
            Operation::SplitStorageByEpoch { .. } => "split_storage_by_epoch",
            Operation::SplitStorageBySize { .. } => "split_storage_by_size",
            Operation::FuseStorage { .. } => "fuse_storage",
            Operation::SetBlobAttribute { .. } => "set_blob_attribute",
            Operation::RemoveBlobAttribute { .. } => "remove_blob_attribute",
            Operation::BurnBlob { .. } => "burn_blob",
            Operation::ReplaceBlob { .. } => "replace_blob",
            Operation::ShareBlob { .. } => "share_blob",
            Operation::FundSharedBlob { .. } => "fund_shared_blob",
            Operation::ExtendSharedBlob { .. } => "extend_shared_blob",
            Operation::CreateStoragePool { .. } => "create_storage_pool",
            Operation::RegisterPooledBlob { .. } => "register_pooled_blob",
            Operation::CertifyPooledBlob { .. } => "certify_pooled_blob",
            Operation::CertifyPooledBlobSigned { .. } => "certify_pooled_blob_signed",
            Operation::DeletePooledBlob { .. } => "delete_pooled_blob",
            Operation::ExtendStoragePool { .. } => "extend_storage_pool",
        }
    }

    /// The `floe::system` Move function that performs this operation.
    pub fn move_function(&self) -> &'static str {
        move_function_of_kind(self.kind())
    }
}

/// What an accepted operation produced, besides its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing beyond the state change.
    Done,
    /// A new object (node/pool, staked WAL, storage, blob).
    Created(Id),
    /// FROST the operation moved: paid out to the sender (withdrawal, commission, early
    /// withdrawal) or credited to a pool (claim).
    Paid(Frost),
    /// A new proposal.
    Proposal(u64),
}

/// An event as a checkpoint carries it: its Move type tag and its BCS contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `<package>::<module>::<Name>`.
    pub type_tag: Arc<str>,
    /// BCS bytes of the Move struct.
    pub contents: Vec<u8>,
}

impl Event {
    /// The struct name (the last `::` part of the type tag).
    pub fn name(&self) -> &str {
        self.type_tag.rsplit("::").next().unwrap_or(&self.type_tag)
    }

    /// Decodes the contents with the Floe event decoders.
    pub fn decode(&self) -> Result<FloeEvent, BcsError> {
        FloeEvent::decode(self.name(), &self.contents)
    }

    /// An event of `package` from a Floe event value.
    pub fn from_floe(package: &Id, e: &FloeEvent) -> Self {
        Event {
            type_tag: format!("{package}::events::{}", e.name()).into(),
            contents: e.to_bcs(),
        }
    }
}

/// One executed transaction in a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// Position of the transaction in the whole chain (0-based, no gaps).
    pub index: u64,
    /// Its digest: the Sui transaction digest (on Sui, or for a Sui transaction the local
    /// ledger executed), else [`Transaction::local_digest`].
    pub digest: [u8; 32],
    /// Its sender.
    pub sender: Id,
    /// The operation's name.
    pub kind: &'static str,
    /// Events in emission order (none when it failed).
    pub events: Vec<Event>,
    /// Why it failed, if it did: Sui puts failed transactions in checkpoints too (they paid
    /// gas); they changed nothing of Floe's.
    pub abort: Option<MoveAbort>,
}

/// The Move abort that made a transaction fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveAbort {
    /// The abort code (the contracts' error constant, see `move/README.md`).
    pub code: u64,
    /// What the executor said of it (for Floe's refusals, the error name and its meaning).
    pub description: String,
}

/// A checkpoint: a sealed, numbered batch of transactions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Sequence number (0-based, no gaps).
    pub sequence_number: u64,
    /// Timestamp, milliseconds since the Unix epoch (from the ledger's clock).
    pub timestamp_ms: u64,
    /// The Floe epoch when it was sealed.
    pub epoch: Epoch,
    /// Transactions in execution order.
    pub transactions: Vec<Transaction>,
}

impl Transaction {
    /// The digest the local ledger gives an operation submitted directly: Blake2b-256 over
    /// its chain index, sender, kind and events.
    pub fn local_digest(index: u64, sender: Id, kind: &str, events: &[Event]) -> [u8; 32] {
        let mut h = sui_sdk_types::hash::Hasher::new();
        h.update(b"floe-localnet-transaction");
        h.update(index.to_le_bytes());
        h.update(sender.0);
        h.update((kind.len() as u64).to_le_bytes());
        h.update(kind);
        for e in events {
            h.update((e.type_tag.len() as u64).to_le_bytes());
            h.update(e.type_tag.as_bytes());
            h.update((e.contents.len() as u64).to_le_bytes());
            h.update(&e.contents);
        }
        h.finalize().into_inner()
    }
}

impl Checkpoint {
    /// All events of the checkpoint, in order.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.transactions.iter().flat_map(|t| t.events.iter())
    }
}

/// The result of an accepted transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The transaction's index in the chain.
    pub tx_index: u64,
    /// The checkpoint it was sealed in, if it already was.
    pub checkpoint: Option<u64>,
    /// The epoch it executed in.
    pub epoch: Epoch,
    /// What it produced.
    pub outcome: Outcome,
    /// Its events, decoded.
    pub events: Vec<FloeEvent>,
}

impl Receipt {
    /// The created object id, if any.
    pub fn created(&self) -> Option<Id> {
        match self.outcome {
            Outcome::Created(id) => Some(id),
            _ => None,
        }
    }
}

/// Why a transaction was not executed.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The contracts refused it (Move abort); nothing changed.
    #[error("refused by the contracts: {0}")]
    Refused(Error),
    /// The ledger could not record it durably; nothing was acknowledged.
    #[error("ledger storage: {0}")]
    Storage(#[from] std::io::Error),
    /// The ledger is unusable (e.g. a previous write failed half-way); restart it.
    #[error("ledger unavailable: {0}")]
    Unavailable(String),
    /// The transaction could not be built or was rejected before execution (a missing
    /// object, a bad signature, a malformed argument); nothing changed.
    #[error("transaction rejected: {0}")]
    Rejected(String),
    /// The transaction executed and failed for a reason other than a Floe refusal (gas, a
    /// framework abort); nothing but gas changed.
    #[error("transaction failed: {0}")]
    Failed(String),
    /// The network or the full node failed; whether the transaction executed is unknown.
    #[error("chain RPC: {0}")]
    Rpc(String),
}

impl SubmitError {
    /// The Move error name of a refusal (e.g. `"EWrongEpoch"`), `None` for other failures.
    pub fn refusal_name(&self) -> Option<&'static str> {
        match self {
            SubmitError::Refused(e) => Some(e.name()),
            _ => None,
        }
    }
}

impl From<Error> for SubmitError {
    fn from(e: Error) -> Self {
        SubmitError::Refused(e)
    }
}

/// Why a checkpoint could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The source has no checkpoint with this number and will never have one (pruned).
    #[error("checkpoint {0} is not available")]
    Unavailable(u64),
    /// The source failed.
    #[error("checkpoint source: {0}")]
    Io(#[from] std::io::Error),
    /// What the source returned is not a valid checkpoint (a corrupt file, a full node's
    /// response without the fields Floe needs).
    #[error("{what}: malformed checkpoint: {reason}")]
    Malformed {
        /// The file or request.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// The remote source answered with an error or could not be reached.
    #[error("checkpoint source: {0}")]
    Rpc(String),
    /// What the source returned is over a limit of [`crate::limits`] (refused before it was
    /// decompressed or decoded past the limit).
    #[error("refused: {0}")]
    Refused(#[from] crate::limits::LimitError),
}

/// Yields checkpoints in order from a given sequence number.
pub trait CheckpointSource {
    /// The checkpoint `seq`, waiting until it exists.
    fn checkpoint(
        &self,
        seq: u64,
    ) -> impl Future<Output = Result<Arc<Checkpoint>, SourceError>> + Send;

    /// The highest sealed sequence number, `None` before the first checkpoint.
    fn latest_sequence(&self) -> impl Future<Output = Result<Option<u64>, SourceError>> + Send;
}

/// Submits Floe transactions.
pub trait ChainClient {
    /// Executes `op` sent by `sender`.
    fn submit(
        &self,
        sender: Id,
        op: Operation,
    ) -> impl Future<Output = Result<Receipt, SubmitError>> + Send;
}

/// Decodes a BCS value, for callers holding [`Event::contents`] of a known type.
pub fn decode_as<T: MoveEvent>(e: &Event) -> Result<T, BcsError> {
    T::from_bcs(&e.contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = Id::from_u64(0xabc);
        let s = id.to_string();
        assert_eq!(s.len(), 66);
        assert!(s.ends_with("0abc"));
        assert_eq!(s.parse::<Id>(), Ok(id));
        assert_eq!("0xabc".parse::<Id>(), Ok(id));
        assert!("0xzz".parse::<Id>().is_err());
        assert!(format!("0x{}", "1".repeat(65)).parse::<Id>().is_err());
        let op = Operation::Stake {
            node_id: id,
            amount: 5,
        };
        let json = serde_json::to_string(&op).expect("serializes");
        assert_eq!(
            json,
            format!(r#"{{"op":"stake","node_id":"{s}","amount":5}}"#)
        );
        assert_eq!(
            serde_json::from_str::<Operation>(&json).expect("parses"),
            op
        );
    }

    #[test]
    fn refusals_keep_the_model_name() {
        let e = SubmitError::from(Error::EWrongEpoch);
        assert_eq!(e.refusal_name(), Some("EWrongEpoch"));
        assert!(e.to_string().contains("EWrongEpoch"));
    }
}
