//! The Sui side of the [`ChainClient`](crate::chain::ChainClient) boundary: builds, for each
//! Floe [`Operation`], the programmable transaction that calls the `floe` package's public
//! function, and signs it with an ed25519 key (`sui-crypto`).
//!
//! Everything here is offline: objects the transaction touches (the sender's WAL coin, a
//! `StakedWal`, a `Storage`, a `Blob`, a node's `StorageNodeCap`) and the data the Move function
//! needs but the [`Operation`] does not carry (a BLS proof of possession, an aggregate blob
//! certificate) come from the caller through an [`ObjectResolver`]. Executing the signed
//! transaction and turning its effects into a [`Receipt`](crate::chain::Receipt) is
//! [`crate::sui_chain::SuiChainClient`]'s work.
//!
//! Every value a Move function returns is handed to the sender in the same transaction, as the
//! transaction would otherwise abort with an unused value: `StorageNodeCap`, `Coin<WAL>`,
//! `Storage` and `Blob` have `store` and are transferred; a `StakedWal` has `key` only (receipts
//! change hands only through `floe::system`, which emits an event), so it is handed over with
//! `system::keep_staked_wal`.
//!
//! Drawing the challenge seed calls the entry function `draw_challenge_seed`, which reads Sui's
//! `Random` object (`0x8`); its initial shared version is per network ([`SuiConfig::random`]).

use floe_economics::settlement::SettlementHeader;
use floe_economics::{Epoch, Frost};
use sui_crypto::ed25519::Ed25519PrivateKey;
use sui_crypto::SuiSigner;
use sui_sdk_types::{Address, Digest, Identifier, Transaction, UserSignature};
use sui_transaction_builder::{Argument, Function, ObjectInput, TransactionBuilder};

use crate::chain::{Id, Operation};

/// The Move module every Floe operation calls.
pub const SYSTEM_MODULE: &str = "system";

/// The Sui clock, a shared object at `0x6` created at version 1.
pub const CLOCK: SharedObject = SharedObject {
    id: Id(clock_id()),
    initial_shared_version: 1,
};

const fn clock_id() -> [u8; 32] {
    let mut b = [0u8; 32];
    b[31] = 6;
    b
}

/// A shared object: its id and the version at which it became shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedObject {
    /// The object id.
    pub id: Id,
    /// The version it was shared at.
    pub initial_shared_version: u64,
}

/// A reference to an owned object at one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectRef {
    /// The object id.
    pub id: Id,
    /// Its current version.
    pub version: u64,
    /// Its digest at that version.
    pub digest: [u8; 32],
}

impl ObjectRef {
    fn input(self) -> ObjectInput {
        ObjectInput::owned(
            Address::new(self.id.0),
            self.version,
            Digest::new(self.digest),
        )
    }
}

/// The Sui `Random` object, shared at `0x8` (its initial shared version depends on the network).
pub const RANDOM_ID: Id = Id(random_id());

const fn random_id() -> [u8; 32] {
    let mut b = [0u8; 32];
    b[31] = 8;
    b
}

/// An aggregate certificate of the committee over a confirmation message (the arguments of
/// `system::certify_blob`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobCertificate {
    /// The BLS aggregate signature.
    pub signature: Vec<u8>,
    /// The signers bitmap (LSB-first over committee members).
    pub signers_bitmap: Vec<u8>,
    /// The signed confirmation message.
    pub message: Vec<u8>,
}

/// An aggregate certificate of an epoch's committee over that epoch's settlement header
/// (the last arguments of `system::settle_epoch`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementCertificate {
    /// The BLS aggregate signature.
    pub signature: Vec<u8>,
    /// The signers bitmap (LSB-first over the epoch's committee members).
    pub signers_bitmap: Vec<u8>,
}

/// What `system::register_node` needs besides the [`Operation::RegisterNode`] fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRegistration {
    /// The BLS proof of possession of the node's key.
    pub proof_of_possession: Vec<u8>,
    /// The node's first WAL/USD rate report, nano-USD per WAL.
    pub wal_usd_rate: u64,
}

/// The objects and off-operation data a transaction needs, supplied by the caller (a wallet
/// view, an indexer query, a test fixture). `None` refuses the build with
/// [`BuildError::Missing`].
pub trait ObjectResolver {
    /// The current reference of an owned object the sender holds (a `StakedWal`, a `Storage`,
    /// a `Blob`).
    fn owned(&self, id: Id) -> Option<ObjectRef>;
    /// The sender's `StorageNodeCap` of `node_id`.
    fn node_cap(&self, node_id: Id) -> Option<ObjectRef>;
    /// A `Coin<WAL>` of `sender` to pay from (stakes are split off it; fees are charged to it).
    fn wal_coin(&self, sender: Id) -> Option<ObjectRef>;
    /// The proof of possession and first rate report of a node registering `public_key`.
    fn registration(&self, public_key: &[u8]) -> Option<NodeRegistration>;
    /// The certificate of `blob_object_id`'s blob for `epoch`.
    fn certificate(&self, blob_object_id: Id, epoch: Epoch) -> Option<BlobCertificate>;
    /// The committee's certificate of the settlement `header` (none by default).
    fn settlement_certificate(&self, header: &SettlementHeader) -> Option<SettlementCertificate> {
        let _ = header;
        None
    }
    /// The certificate of the blob `blob_id` (u256, little-endian bytes) of storage pool
    /// `storage_pool_id` for `epoch` (none by default).
    fn pooled_certificate(
        &self,
        storage_pool_id: Id,
        blob_id: Id,
        epoch: Epoch,
    ) -> Option<BlobCertificate> {
        let _ = (storage_pool_id, blob_id, epoch);
        None
    }
    /// A shared object (a `SharedBlob`) at the version it became shared (none by default).
    fn shared_object(&self, id: Id) -> Option<SharedObject> {
        let _ = id;
        None
    }
}

/// Where the Floe package lives and how transactions pay for gas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiConfig {
    /// The `floe` package id.
    pub package: Id,
    /// The shared `floe::system::System`.
    pub system: SharedObject,
    /// The shared `wal::wal::ProtectedTreasury` (burns at epoch change and settlement).
    pub treasury: SharedObject,
    /// Sui's shared `Random` object ([`RANDOM_ID`]) at its network's initial shared version.
    pub random: SharedObject,
    /// The WAL coin type, `<wal package>::wal::WAL` (what the resolver's coins must be; no Floe
    /// call is generic over it).
    pub wal_coin_type: String,
    /// Gas coins of the sender.
    pub gas: Vec<ObjectRef>,
    /// Gas price, MIST per unit.
    pub gas_price: u64,
    /// Gas budget, MIST.
    pub gas_budget: u64,
}

/// Why no transaction was built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The resolver did not supply something the transaction needs.
    #[error("operation `{op}` needs {what}")]
    Missing {
        /// The operation's kind.
        op: &'static str,
        /// What is missing.
        what: String,
    },
    /// The transaction's sender is not the signing key's address.
    #[error("transaction sender {sender} is not the key's address {key}")]
    WrongSigner {
        /// The sender.
        sender: Id,
        /// The key's address.
        key: Id,
    },
    /// The builder refused the transaction (e.g. no gas objects).
    #[error("transaction builder: {0}")]
    Builder(#[from] sui_transaction_builder::Error),
    /// Signing failed.
    #[error("signing: {0}")]
    Signature(String),
}

/// A transaction with its signature, ready to execute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTransaction {
    /// The transaction data.
    pub transaction: Transaction,
    /// The sender's signature.
    pub signature: UserSignature,
}

impl SignedTransaction {
    /// The BCS bytes of the transaction data (what `ExecuteTransaction` takes).
    pub fn transaction_bcs(&self) -> Vec<u8> {
        bcs::to_bytes(&self.transaction).expect("a transaction serializes")
    }
}

/// Builds and signs Floe transactions for Sui.
#[derive(Debug, Clone)]
pub struct SuiTransactions {
    config: SuiConfig,
}

struct Ptb<'a> {
    tx: TransactionBuilder,
    package: Address,
    config: &'a SuiConfig,
}

impl Ptb<'_> {
    fn system(&mut self, mutable: bool) -> Argument {
        let s = self.config.system;
        self.shared(s, mutable)
    }

    fn shared(&mut self, s: SharedObject, mutable: bool) -> Argument {
        self.tx.object(ObjectInput::shared(
            Address::new(s.id.0),
            s.initial_shared_version,
            mutable,
        ))
    }

    fn clock(&mut self) -> Argument {
        self.shared(CLOCK, false)
    }

    fn pure<T: serde::Serialize>(&mut self, v: &T) -> Argument {
        self.tx.pure(v)
    }

    fn id(&mut self, id: Id) -> Argument {
        self.tx.pure(&Address::new(id.0))
    }

    /// A u256 given as its 32 little-endian bytes (BCS of a u256 is exactly those bytes).
    fn u256(&mut self, le: Id) -> Argument {
        self.tx.pure_bytes(le.0.to_vec())
    }

    fn owned(&mut self, r: ObjectRef) -> Argument {
        self.tx.object(r.input())
    }

    /// `certify_blob` / `certify_pooled_blob`: (System, the object, signature, bitmap, message).
    fn certify(
        &mut self,
        function: &'static str,
        object: Argument,
        signature: &Vec<u8>,
        signers_bitmap: &Vec<u8>,
        message: &Vec<u8>,
    ) {
        let args = vec![
            self.system(false),
            object,
            self.pure(signature),
            self.pure(signers_bitmap),
            self.pure(message),
        ];
        self.call(function, args);
    }

    /// `settle_epoch`: (System, treasury, the header's fields, signature, bitmap).
    fn settle_epoch(
        &mut self,
        function: &'static str,
        h: &SettlementHeader,
        signature: &Vec<u8>,
        signers_bitmap: &Vec<u8>,
    ) {
        let args = vec![
            self.system(true),
            self.treasury(),
            self.pure(&h.epoch),
            self.pure(&h.n_entries),
            self.pure(&h.pot),
            self.pure(&h.burned),
            self.pure(&h.paid),
            self.pure(&h.entries_root.to_vec()),
            self.pure(signature),
            self.pure(signers_bitmap),
        ];
        self.call(function, args);
    }

    fn call(&mut self, function: &'static str, args: Vec<Argument>) -> Argument {
        self.tx.move_call(
            Function::new(
                self.package,
                Identifier::from_static(SYSTEM_MODULE),
                Identifier::from_static(function),
            ),
            args,
        )
    }

    fn keep(&mut self, value: Argument, sender: Id) {
        let to = self.tx.pure(&Address::new(sender.0));
        self.tx.transfer_objects(vec![value], to);
    }

    /// Hands a `StakedWal` (no `store`) to the sender.
    fn keep_staked(&mut self, staked: Argument) {
        self.call("keep_staked_wal", vec![staked]);
    }

    fn treasury(&mut self) -> Argument {
        let t = self.config.treasury;
        self.shared(t, true)
    }

    /// A coin of `amount` split off `coin`.
    fn split(&mut self, coin: ObjectRef, amount: Frost) -> Argument {
        let coin = self.owned(coin);
        let amount = self.pure(&amount);
        self.tx.split_coins(coin, vec![amount]).remove(0)
    }
}

impl SuiTransactions {
    /// A builder for the package and gas settings of `config`.
    pub fn new(config: SuiConfig) -> Self {
        SuiTransactions { config }
    }

    /// The configuration.
    pub fn config(&self) -> &SuiConfig {
        &self.config
    }

    /// The transaction that performs `op` for `sender`.
    pub fn build(
        &self,
        sender: Id,
        op: &Operation,
        resolver: &(impl ObjectResolver + ?Sized),
    ) -> Result<Transaction, BuildError> {
        let kind = op.kind();
        let missing = |what: String| BuildError::Missing { op: kind, what };
        let owned = |id: Id, what: &str| {
            resolver
                .owned(id)
                .ok_or_else(|| missing(format!("the {what} object {id}")))
        };
        let cap = |node_id: Id| {
            resolver
                .node_cap(node_id)
                .ok_or_else(|| missing(format!("the StorageNodeCap of node {node_id}")))
        };
        let coin = || {
            resolver
                .wal_coin(sender)
                .ok_or_else(|| missing(format!("a Coin<WAL> of {sender}")))
        };
        let shared = |id: Id| {
            resolver
                .shared_object(id)
                .ok_or_else(|| missing(format!("the shared object {id}")))
        };

        let function = op.move_function();
        let mut p = Ptb {
            tx: TransactionBuilder::new(),
            package: Address::new(self.config.package.0),
            config: &self.config,
        };
        match op {
            Operation::RegisterNode {
                name,
                network_address,
                public_key,
                commission_bps,
                storage_price_usd,
                write_price_usd,
                capacity,
            } => {
                let reg = resolver.registration(public_key).ok_or_else(|| {
                    missing("a proof of possession and WAL/USD rate for the node key".into())
                })?;
                let args = vec![
                    p.system(true),
                    p.pure(name),
                    p.pure(network_address),
                    p.pure(public_key),
                    p.pure(&reg.proof_of_possession),
                    p.pure(commission_bps),
                    p.pure(storage_price_usd),
                    p.pure(write_price_usd),
                    p.pure(capacity),
                    p.pure(&reg.wal_usd_rate),
                ];
                let node_cap = p.call(function, args);
                p.keep(node_cap, sender);
            }
            Operation::Stake { node_id, amount } => {
                let s = p.system(true);
                let stake = p.split(coin()?, *amount);
                let node = p.id(*node_id);
                let staked = p.call(function, vec![s, stake, node]);
                p.keep_staked(staked);
            }
            Operation::RequestWithdrawal { staked_wal_id } => {
                let s = p.system(true);
                let staked = p.owned(owned(*staked_wal_id, "StakedWal")?);
                p.call(function, vec![s, staked]);
            }
            Operation::Withdraw { staked_wal_id } => {
                let s = p.system(true);
                let staked = p.owned(owned(*staked_wal_id, "StakedWal")?);
                let coin = p.call(function, vec![s, staked]);
                p.keep(coin, sender);
            }
            Operation::SetCommission {
                node_id,
                commission_bps,
            } => {
                let args = vec![
                    p.system(true),
                    p.owned(cap(*node_id)?),
                    p.pure(commission_bps),
                ];
                p.call(function, args);
            }
            Operation::SetCommissionReceiver { node_id, receiver } => {
                let args = vec![p.system(true), p.owned(cap(*node_id)?), p.id(*receiver)];
                p.call(function, args);
            }
            Operation::CollectCommission { node_id } => {
                let args = vec![p.system(true), p.id(*node_id)];
                let coin = p.call(function, args);
                p.keep(coin, sender);
            }
            Operation::VotePrices {
                node_id,
                storage_price_usd,
                write_price_usd,
            } => {
                let args = vec![
                    p.system(true),
                    p.owned(cap(*node_id)?),
                    p.pure(storage_price_usd),
                    p.pure(write_price_usd),
                ];
                p.call(function, args);
            }
            Operation::VoteCapacity { node_id, capacity } => {
                let args = vec![p.system(true), p.owned(cap(*node_id)?), p.pure(capacity)];
                p.call(function, args);
            }
            Operation::ReportWalUsdRate { node_id, rate } => {
                let args = vec![p.system(true), p.owned(cap(*node_id)?), p.pure(rate)];
                p.call(function, args);
            }
            Operation::SampleWalUsdRate => {
                let args = vec![p.system(true), p.clock()];
                p.call(function, args);
            }
            Operation::SelectCommittee => {
                let args = vec![p.system(true), p.clock()];
                p.call(function, args);
            }
            Operation::AdvanceEpoch => {
                let args = vec![p.system(true), p.treasury(), p.clock()];
                p.call(function, args);
            }
            Operation::ReserveSpace { size, epochs_ahead } => {
                let args = vec![
                    p.system(true),
                    p.pure(size),
                    p.pure(epochs_ahead),
                    p.owned(coin()?),
                ];
                let storage = p.call(function, args);
                p.keep(storage, sender);
            }
            Operation::RegisterBlob {
                storage_id,
                blob_id,
                root_hash,
                size,
                encoding_type,
                deletable,
            } => {
                let args = vec![
                    p.system(true),
                    p.owned(owned(*storage_id, "Storage")?),
                    p.u256(*blob_id),
                    p.u256(*root_hash),
                    p.pure(size),
                    p.pure(encoding_type),
                    p.pure(deletable),
                    p.owned(coin()?),
                ];
                let blob = p.call(function, args);
                p.keep(blob, sender);
            }
            Operation::CertifyBlob {
                blob_object_id,
                epoch,
                // The certificate's signers bitmap says who signed; the shard count is only
                // what the local ledger checks.
                signers_shards: _,
            } => {
                let cert = resolver
                    .certificate(*blob_object_id, *epoch)
                    .ok_or_else(|| {
                        missing(format!(
                            "a certificate of epoch {epoch} for blob object {blob_object_id}"
                        ))
                    })?;
                let blob = p.owned(owned(*blob_object_id, "Blob")?);
                p.certify(
                    function,
                    blob,
                    &cert.signature,
                    &cert.signers_bitmap,
                    &cert.message,
                );
            }
            Operation::CertifyBlobSigned {
                blob_object_id,
                signature,
                signers_bitmap,
                message,
            } => {
                let blob = p.owned(owned(*blob_object_id, "Blob")?);
                p.certify(function, blob, signature, signers_bitmap, message);
            }
            Operation::ExtendBlob {
                blob_object_id,
                epochs,
            } => {
                let args = vec![
                    p.system(true),
                    p.owned(owned(*blob_object_id, "Blob")?),
                    p.pure(epochs),
                    p.owned(coin()?),
                ];
                p.call(function, args);
            }
            Operation::DeleteBlob { blob_object_id } => {
                let args = vec![p.system(false), p.owned(owned(*blob_object_id, "Blob")?)];
                let storage = p.call(function, args);
                p.keep(storage, sender);
            }
            Operation::SubmitChallengeResults {
                node_id,
                epoch,
                results,
            } => {
                let args = vec![
                    p.system(true),
                    p.owned(cap(*node_id)?),
                    p.pure(epoch),
                    p.pure(results),
                ];
                p.call(function, args);
            }
            Operation::SubmitSettlement {
                settlement: h,
                // The bitmap says who signed; the shard count is what the local ledger checks.
                signers_shards: _,
            } => {
                let cert = resolver.settlement_certificate(h).ok_or_else(|| {
                    missing(format!(
                        "a certificate of the settlement of epoch {}",
                        h.epoch
                    ))
                })?;
                p.settle_epoch(function, h, &cert.signature, &cert.signers_bitmap);
            }
            Operation::SubmitSettlementSigned {
                settlement,
                signature,
                signers_bitmap,
            } => p.settle_epoch(function, settlement, signature, signers_bitmap),
            Operation::Claim {
                epoch,
                entry,
                proof,
            } => {
                let siblings: Vec<Vec<u8>> = proof.siblings.iter().map(|x| x.to_vec()).collect();
                let args = vec![
                    p.system(true),
                    p.pure(epoch),
                    p.id(Id(entry.pool_id)),
                    p.pure(&entry.shards),
                    p.pure(&entry.performance_bps),
                    p.pure(&entry.staker_reward),
                    p.pure(&entry.commission),
                    p.pure(&proof.index),
                    p.pure(&siblings),
                ];
                p.call(function, args);
            }
            Operation::SettleFallback { epoch } => {
                let args = vec![p.system(true), p.treasury(), p.pure(epoch)];
                p.call(function, args);
            }
            Operation::Propose {
                staked_wal_id,
                change,
            } => {
                let (parameter, values) = change.to_parts();
                let args = vec![
                    p.system(true),
                    p.owned(owned(*staked_wal_id, "StakedWal")?),
                    p.pure(&parameter.to_string()),
                    p.pure(&values),
                ];
                p.call(function, args);
            }
            Operation::Vote {
                proposal_id,
                staked_wal_id,
                support,
            } => {
                let args = vec![
                    p.system(true),
                    p.pure(proposal_id),
                    p.owned(owned(*staked_wal_id, "StakedWal")?),
                    p.pure(support),
                ];
                p.call(function, args);
            }
            Operation::FinalizeProposal { proposal_id }
            | Operation::ExecuteProposal { proposal_id } => {
                let args = vec![p.system(true), p.pure(proposal_id)];
                p.call(function, args);
            }
            Operation::DrawChallengeSeed => {
                let random = self.config.random;
                let args = vec![p.system(true), p.shared(random, false)];
                p.call(function, args);
            }
            Operation::SplitStake {
                staked_wal_id,
                amount,
            } => {
                let args = vec![
                    p.system(false),
                    p.owned(owned(*staked_wal_id, "StakedWal")?),
                    p.pure(amount),
                ];
                let new = p.call(function, args);
                p.keep_staked(new);
            }
            Operation::JoinStake {
                staked_wal_id,
                other_id,
            } => {
                let args = vec![
                    p.system(false),
                    p.owned(owned(*staked_wal_id, "StakedWal")?),
                    p.owned(owned(*other_id, "StakedWal")?),
                ];
                p.call(function, args);
            }
            Operation::TransferStake { staked_wal_id, to } => {
                let args = vec![
                    p.system(false),
                    p.owned(owned(*staked_wal_id, "StakedWal")?),
                    p.id(*to),
                ];
                p.call(function, args);
            }
            Operation::SplitStorageByEpoch {
                storage_id,
                split_epoch,
            } => {
                let args = vec![
                    p.system(false),
                    p.owned(owned(*storage_id, "Storage")?),
                    p.pure(split_epoch),
                ];
                let new = p.call(function, args);
                p.keep(new, sender);
            }
            Operation::SplitStorageBySize {
                storage_id,
                split_size,
            } => {
                let args = vec![
                    p.system(false),
                    p.owned(owned(*storage_id, "Storage")?),
                    p.pure(split_size),
                ];
                let new = p.call(function, args);
                p.keep(new, sender);
            }
            Operation::FuseStorage {
                storage_id,
                other_id,
            } => {
                let args = vec![
                    p.system(false),
                    p.owned(owned(*storage_id, "Storage")?),
                    p.owned(owned(*other_id, "Storage")?),
                ];
                p.call(function, args);
            }
            Operation::SetBlobAttribute {
                blob_object_id,
                key,
                value,
            } => {
                let args = vec![
                    p.system(false),
                    p.owned(owned(*blob_object_id, "Blob")?),
                    p.pure(key),
                    p.pure(value),
                ];
                p.call(function, args);
            }
            Operation::RemoveBlobAttribute {
                blob_object_id,
                key,
            } => {
                let args = vec![
                    p.system(false),
                    p.owned(owned(*blob_object_id, "Blob")?),
                    p.pure(key),
                ];
                p.call(function, args);
            }
            Operation::BurnBlob { blob_object_id } => {
                let args = vec![p.system(false), p.owned(owned(*blob_object_id, "Blob")?)];
                p.call(function, args);
            }
            Operation::ReplaceBlob {
                blob_object_id,
                blob_id,
                root_hash,
                size,
                encoding_type,
            } => {
                let args = vec![
                    p.system(true),
                    p.owned(owned(*blob_object_id, "Blob")?),
                    p.u256(*blob_id),
                    p.u256(*root_hash),
                    p.pure(size),
                    p.pure(encoding_type),
                    p.owned(coin()?),
                ];
                p.call(function, args);
            }
            Operation::ShareBlob {
                blob_object_id,
                funds,
            } => {
                let s = p.system(false);
                let blob = p.owned(owned(*blob_object_id, "Blob")?);
                let funds = p.split(coin()?, *funds);
                p.call(function, vec![s, blob, funds]);
            }
            Operation::FundSharedBlob {
                shared_blob_id,
                amount,
            } => {
                let shared = shared(*shared_blob_id)?;
                let s = p.system(false);
                let shared = p.shared(shared, true);
                let funds = p.split(coin()?, *amount);
                p.call(function, vec![s, shared, funds]);
            }
            Operation::ExtendSharedBlob {
                shared_blob_id,
                epochs,
            } => {
                let shared = shared(*shared_blob_id)?;
                let args = vec![p.system(true), p.shared(shared, true), p.pure(epochs)];
                p.call(function, args);
            }
            Operation::CreateStoragePool { storage_id } => {
                let args = vec![p.system(false), p.owned(owned(*storage_id, "Storage")?)];
                let pool = p.call(function, args);
                p.keep(pool, sender);
            }
            Operation::RegisterPooledBlob {
                storage_pool_id,
                blob_id,
                root_hash,
                size,
                encoding_type,
                deletable,
            } => {
                let args = vec![
                    p.system(true),
                    p.owned(owned(*storage_pool_id, "StoragePool")?),
                    p.u256(*blob_id),
                    p.u256(*root_hash),
                    p.pure(size),
                    p.pure(encoding_type),
                    p.pure(deletable),
                    p.owned(coin()?),
                ];
                p.call(function, args);
            }
            Operation::CertifyPooledBlob {
                storage_pool_id,
                blob_id,
                epoch,
                // The bitmap says who signed; the shard count is what the local ledger checks.
                signers_shards: _,
            } => {
                let cert = resolver
                    .pooled_certificate(*storage_pool_id, *blob_id, *epoch)
                    .ok_or_else(|| {
                        missing(format!(
                            "a certificate of epoch {epoch} for blob {blob_id} of pool {storage_pool_id}"
                        ))
                    })?;
                let pool = p.owned(owned(*storage_pool_id, "StoragePool")?);
                p.certify(
                    function,
                    pool,
                    &cert.signature,
                    &cert.signers_bitmap,
                    &cert.message,
                );
            }
            Operation::CertifyPooledBlobSigned {
                storage_pool_id,
                signature,
                signers_bitmap,
                message,
            } => {
                let pool = p.owned(owned(*storage_pool_id, "StoragePool")?);
                p.certify(function, pool, signature, signers_bitmap, message);
            }
            Operation::DeletePooledBlob {
                storage_pool_id,
                blob_id,
            } => {
                let args = vec![
                    p.system(false),
                    p.owned(owned(*storage_pool_id, "StoragePool")?),
                    p.u256(*blob_id),
                ];
                p.call(function, args);
            }
            Operation::ExtendStoragePool {
                storage_pool_id,
                epochs,
            } => {
                let args = vec![
                    p.system(true),
                    p.owned(owned(*storage_pool_id, "StoragePool")?),
                    p.pure(epochs),
                    p.owned(coin()?),
                ];
                p.call(function, args);
            }
        }

        let mut tx = p.tx;
        tx.set_sender(Address::new(sender.0));
        tx.set_gas_price(self.config.gas_price);
        tx.set_gas_budget(self.config.gas_budget);
        tx.add_gas_objects(self.config.gas.iter().map(|g| g.input()));
        Ok(tx.try_build()?)
    }

    /// Builds the transaction for `op` sent by `key`'s address, and signs it.
    pub fn build_signed(
        &self,
        key: &Ed25519PrivateKey,
        op: &Operation,
        resolver: &(impl ObjectResolver + ?Sized),
    ) -> Result<SignedTransaction, BuildError> {
        let sender = Id(*key.public_key().derive_address().inner());
        let tx = self.build(sender, op, resolver)?;
        sign(key, tx)
    }
}

/// Signs `transaction` with `key` (which must be its sender's key).
pub fn sign(
    key: &Ed25519PrivateKey,
    transaction: Transaction,
) -> Result<SignedTransaction, BuildError> {
    let address = key.public_key().derive_address();
    if address != transaction.sender {
        return Err(BuildError::WrongSigner {
            sender: Id(*transaction.sender.inner()),
            key: Id(*address.inner()),
        });
    }
    let signature = key
        .sign_transaction(&transaction)
        .map_err(|e| BuildError::Signature(e.to_string()))?;
    Ok(SignedTransaction {
        transaction,
        signature,
    })
}
