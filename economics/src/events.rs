//! Floe's on-chain events as Rust types, field for field the Move structs of
//! `move/floe/sources/events.move` (listed in `move/EVENTS.md`).
//!
//! Each type decodes from (and encodes to) the BCS bytes Sui stores for the event, with the
//! Move field types mapped as: `u8/u16/u32/u64/bool` → the same, `address` and `ID` →
//! [`Address`] / [`ObjectId`] (32 bytes), `u256` → [`U256`] (32 bytes, little-endian),
//! `vector<T>` → `Vec<T>`, `String` → `String`, `Option<T>` → `Option<T>`.
//!
//! The structs, their names and field lists ([`MoveEvent::FIELDS`], [`EVENTS`]) are generated
//! from one declaration by the `move_events!` macro, so they cannot drift apart; the test
//! `tests/move_events_parity.rs` compares that declaration with the Move sources and
//! `move/EVENTS.md`. Blob and epoch lifecycle events keep Walrus's names and field order, so the
//! same decoders read Walrus's events.
//!
//! Encoding is `serde` + the `bcs` crate, as for Sui's own types: the Move field types map to
//! serde's data model exactly as BCS lays them out (fixed 32-byte arrays without a length,
//! ULEB128 lengths before vectors and strings, a tag byte before an option).

use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// A Sui address (32 bytes).
pub type Address = [u8; 32];
/// A Sui object ID (32 bytes).
pub type ObjectId = [u8; 32];
/// A Move `u256`, as its 32 little-endian BCS bytes.
pub type U256 = [u8; 32];

/// Why an event's contents could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BcsError {
    /// The bytes are not the BCS of the event's type (too short, trailing bytes, a `bool` or
    /// option tag other than 0 or 1, a non-minimal length, a string that is not UTF-8…).
    #[error("invalid BCS: {0}")]
    Bcs(#[from] bcs::Error),
    /// No Floe event of that name.
    #[error("unknown Floe event {0}")]
    UnknownEvent(String),
}

/// A Floe event type: its Move struct name, its fields in order and their Rust types.
pub trait MoveEvent: Serialize + DeserializeOwned {
    /// The Move struct name (the last part of the event's type tag).
    const NAME: &'static str;
    /// The Move module defining it.
    const MODULE: &'static str;
    /// Field names, in declaration (= BCS) order.
    const FIELDS: &'static [&'static str];
    /// Rust field types, as written in the declaration, in the same order.
    const RUST_TYPES: &'static [&'static str];

    /// The BCS bytes of the event.
    fn to_bcs(&self) -> Vec<u8> {
        bcs::to_bytes(self).expect("events are plain data and always serialize")
    }

    /// Decodes exactly one event (no trailing bytes) from its BCS bytes.
    fn from_bcs(bytes: &[u8]) -> Result<Self, BcsError> {
        Ok(bcs::from_bytes(bytes)?)
    }
}

/// One event's description: `(module, name, [(field, rust type)])`.
pub type EventSpec = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

macro_rules! move_events {
    ($module:literal; $( $(#[$m:meta])* $name:ident { $( $(#[$fm:meta])* $field:ident : $ty:ty ),* $(,)? } )*) => {
        $(
            $(#[$m])*
            #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
            pub struct $name { $( $(#[$fm])* pub $field: $ty ),* }

            impl From<$name> for FloeEvent {
                fn from(e: $name) -> Self {
                    FloeEvent::$name(e)
                }
            }

            impl MoveEvent for $name {
                const NAME: &'static str = stringify!($name);
                const MODULE: &'static str = $module;
                const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
                const RUST_TYPES: &'static [&'static str] = &[$(stringify!($ty)),*];
            }
        )*

        /// Every Floe event, in declaration order: module, name and `(field, Rust type)` pairs.
        pub const EVENTS: &[EventSpec] = &[
            $( ($module, stringify!($name), &[$((stringify!($field), stringify!($ty))),*]) ),*
        ];

        /// Any Floe event.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum FloeEvent { $( $name($name) ),* }

        impl FloeEvent {
            /// Decodes the BCS contents of an event whose Move struct name is `name`.
            pub fn decode(name: &str, bcs: &[u8]) -> Result<Self, BcsError> {
                match name {
                    $( stringify!($name) => Ok(FloeEvent::$name($name::from_bcs(bcs)?)), )*
                    other => Err(BcsError::UnknownEvent(other.to_string())),
                }
            }

            /// The Move struct name of this event.
            pub fn name(&self) -> &'static str {
                match self { $( FloeEvent::$name(_) => stringify!($name), )* }
            }

            /// The BCS bytes of this event.
            pub fn to_bcs(&self) -> Vec<u8> {
                match self { $( FloeEvent::$name(e) => e.to_bcs(), )* }
            }
        }
    };
}

move_events! { "events";
    // === Blob lifecycle (Walrus names and field order) ===
    /// A blob was registered: its storage is bought and its write fee paid.
    BlobRegistered {
        epoch: u32,
        blob_id: U256,
        size: u64,
        encoding_type: u8,
        end_epoch: u32,
        deletable: bool,
        object_id: ObjectId,
    }
    /// A blob was certified by a 2/3 quorum (or its certified lifetime was extended).
    BlobCertified {
        epoch: u32,
        blob_id: U256,
        end_epoch: u32,
        deletable: bool,
        object_id: ObjectId,
        is_extension: bool,
    }
    /// A deletable blob was deleted.
    BlobDeleted {
        epoch: u32,
        blob_id: U256,
        end_epoch: u32,
        object_id: ObjectId,
        was_certified: bool,
    }
    /// A blob ID was certified invalid by more than a third of the shards.
    InvalidBlobID {
        epoch: u32,
        blob_id: U256,
    }
    // === Epochs (Walrus names and field order) ===
    /// The epoch change to `epoch` started.
    EpochChangeStart {
        epoch: u32,
    }
    /// Nodes holding 2/3 of the shards of `epoch` are in sync.
    EpochChangeDone {
        epoch: u32,
    }
    /// The committee, prices and capacity of `next_epoch` were selected.
    EpochParametersSelected {
        next_epoch: u32,
    }
    /// The FROST prices charged in `epoch`.
    PricesUpdated {
        epoch: u32,
        storage_price: u64,
        write_price: u64,
    }
    // === Epochs and prices (Floe) ===
    /// The committee of `epoch` and each member's shards.
    CommitteeSelected {
        epoch: u32,
        node_ids: Vec<ObjectId>,
        shards: Vec<Vec<u16>>,
    }
    /// A committee member reported its shards in sync.
    EpochSyncReported {
        epoch: u32,
        node_id: ObjectId,
        weight: u16,
        total_weight: u16,
    }
    /// The USD prices (targets and guarded values) and capacity selected for `next_epoch`.
    UsdPricesSelected {
        next_epoch: u32,
        target_storage_price_usd: u64,
        target_write_price_usd: u64,
        storage_price_usd: u64,
        write_price_usd: u64,
        total_capacity_size: u64,
    }
    /// The pricing in force in `epoch`.
    EpochPricing {
        epoch: u32,
        storage_price_usd: u64,
        write_price_usd: u64,
        wal_usd_rate: u64,
        storage_price: u64,
        write_price: u64,
        total_capacity_size: u64,
    }
    /// A sample of the committee's WAL/USD rate.
    WalUsdRateSampled {
        epoch: u32,
        wal_usd_rate: u64,
        n_samples: u64,
    }
    /// The pot of `epoch` was closed.
    EpochPotClosed {
        epoch: u32,
        total: u64,
        burned: u64,
        distributed: u64,
    }
    // === Storage (Floe) ===
    /// Storage was bought for `[start_epoch, end_epoch)`.
    StorageReserved {
        epoch: u32,
        storage_id: ObjectId,
        storage_size: u64,
        start_epoch: u32,
        end_epoch: u32,
        cost: u64,
    }
    /// A blob's write fee was paid.
    WriteFeePaid {
        epoch: u32,
        blob_id: U256,
        object_id: ObjectId,
        fee: u64,
    }
    // === Staking (Floe) ===
    /// A storage node registered.
    NodeRegistered {
        epoch: u32,
        node_id: ObjectId,
        operator: Address,
        name: String,
        network_address: String,
        public_key: Vec<u8>,
        commission_rate: u16,
    }
    /// WAL was staked with a node.
    StakeDeposited {
        epoch: u32,
        node_id: ObjectId,
        staked_wal_id: ObjectId,
        staker: Address,
        amount: u64,
        activation_epoch: u32,
    }
    /// Withdrawal of a stake was requested.
    WithdrawalRequested {
        epoch: u32,
        node_id: ObjectId,
        staked_wal_id: ObjectId,
        amount: u64,
        withdraw_epoch: u32,
    }
    /// A stake was withdrawn.
    StakeWithdrawn {
        epoch: u32,
        node_id: ObjectId,
        staked_wal_id: ObjectId,
        staker: Address,
        principal: u64,
        rewards: u64,
        early: bool,
    }
    /// A node set its next commission rate.
    CommissionRateSet {
        epoch: u32,
        node_id: ObjectId,
        commission_rate: u16,
        effective_epoch: u32,
    }
    /// A node set its commission receiver.
    CommissionReceiverSet {
        epoch: u32,
        node_id: ObjectId,
        receiver: Address,
    }
    /// Commission was collected.
    CommissionCollected {
        epoch: u32,
        node_id: ObjectId,
        receiver: Address,
        amount: u64,
    }
    /// A pool moved into `epoch`.
    PoolAdvanced {
        epoch: u32,
        node_id: ObjectId,
        rewards: u64,
        commission: u64,
        commission_rate: u16,
        wal_balance: u64,
        num_shares: u64,
    }
    /// A node voted USD prices.
    PriceVoted {
        epoch: u32,
        node_id: ObjectId,
        storage_price_usd: u64,
        write_price_usd: u64,
    }
    /// A node voted its capacity.
    CapacityVoted {
        epoch: u32,
        node_id: ObjectId,
        node_capacity: u64,
    }
    /// A node reported the WAL/USD rate.
    WalUsdReported {
        epoch: u32,
        node_id: ObjectId,
        wal_usd_rate: u64,
    }
    // === Challenges and settlement (Floe) ===
    /// The challenge seed of `epoch`, drawn from Sui's randomness.
    ChallengeSeedDrawn {
        epoch: u32,
        seed: Vec<u8>,
        challenges_per_shard: u32,
        window_ms: u64,
    }
    /// A challenger's pass rates (bps), one per committee member in committee order.
    ChallengeResultsSubmitted {
        epoch: u32,
        node_id: ObjectId,
        results: Vec<u16>,
    }
    /// The settlement of `epoch` was certified; `paid` waits for the claims.
    EpochSettled {
        epoch: u32,
        n_entries: u32,
        pot: u64,
        burned: u64,
        paid: u64,
        entries_root: Vec<u8>,
        signers_weight: u16,
    }
    /// No settlement was certified in time: the pot of `epoch` was paid by base weight.
    EpochSettledByFallback {
        epoch: u32,
        pot: u64,
        burned: u64,
        paid: u64,
    }
    /// A pool's rewards of `epoch` were credited (claimed, or paid by the fallback).
    RewardsClaimed {
        epoch: u32,
        node_id: ObjectId,
        shards: u16,
        performance_bps: u16,
        staker_reward: u64,
        commission: u64,
        claimer: Address,
    }
    // === Governance (Floe) ===
    /// A parameter change was proposed.
    ProposalCreated {
        epoch: u32,
        proposal_id: u64,
        proposer: Address,
        staked_wal_id: ObjectId,
        parameter: String,
        values: Vec<u64>,
        voting_end_epoch: u32,
        eligible_stake: u64,
    }
    /// A receipt voted on a proposal.
    VoteCast {
        epoch: u32,
        proposal_id: u64,
        staked_wal_id: ObjectId,
        voter: Address,
        support: bool,
        weight: u64,
    }
    /// Voting on a proposal ended.
    ProposalFinalized {
        epoch: u32,
        proposal_id: u64,
        passed: bool,
        votes_for: u64,
        votes_against: u64,
        eligible_stake: u64,
        executable_epoch: u32,
    }
    /// A passed proposal took effect.
    ProposalExecuted {
        epoch: u32,
        proposal_id: u64,
    }
    // === Receipts and resources (Floe) ===
    /// A staked-WAL receipt was split.
    StakedWalSplit {
        epoch: u32,
        node_id: ObjectId,
        staked_wal_id: ObjectId,
        principal: u64,
        new_staked_wal_id: ObjectId,
        new_principal: u64,
    }
    /// A staked-WAL receipt absorbed another.
    StakedWalJoined {
        epoch: u32,
        node_id: ObjectId,
        staked_wal_id: ObjectId,
        absorbed_id: ObjectId,
        principal: u64,
    }
    /// A staked-WAL receipt changed hands.
    StakedWalTransferred {
        epoch: u32,
        staked_wal_id: ObjectId,
        from: Address,
        to: Address,
    }
    /// A storage resource was split in two.
    StorageSplit {
        storage_id: ObjectId,
        start_epoch: u32,
        end_epoch: u32,
        storage_size: u64,
        new_storage_id: ObjectId,
        new_start_epoch: u32,
        new_end_epoch: u32,
        new_storage_size: u64,
    }
    /// A storage resource absorbed another.
    StorageFused {
        storage_id: ObjectId,
        absorbed_id: ObjectId,
        start_epoch: u32,
        end_epoch: u32,
        storage_size: u64,
    }
    // === Blob attributes, shared blobs, storage pools ===
    /// A blob's attribute was set.
    BlobAttributeSet {
        epoch: u32,
        object_id: ObjectId,
        blob_id: U256,
        key: String,
        value: String,
    }
    /// A blob's attribute was removed.
    BlobAttributeRemoved {
        epoch: u32,
        object_id: ObjectId,
        blob_id: U256,
        key: String,
    }
    /// A blob object was burned (its data stays until `end_epoch` if certified).
    BlobBurned {
        epoch: u32,
        blob_id: U256,
        object_id: ObjectId,
        end_epoch: u32,
        was_certified: bool,
    }
    /// A deletable blob's content was replaced under the same object.
    BlobReplaced {
        epoch: u32,
        object_id: ObjectId,
        old_blob_id: U256,
        new_blob_id: U256,
    }
    /// A blob was shared with funds anyone may add to and extend it with.
    SharedBlobCreated {
        epoch: u32,
        shared_blob_id: ObjectId,
        object_id: ObjectId,
        blob_id: U256,
        funds: u64,
    }
    /// Funds were added to a shared blob.
    SharedBlobFunded {
        epoch: u32,
        shared_blob_id: ObjectId,
        amount: u64,
        funds: u64,
    }
    /// A shared blob was extended from its funds.
    SharedBlobExtended {
        epoch: u32,
        shared_blob_id: ObjectId,
        end_epoch: u32,
        cost: u64,
        funds: u64,
    }
    /// A storage pool was created (Walrus's `StoragePoolCreated`).
    StoragePoolCreated {
        epoch: u32,
        storage_pool_id: ObjectId,
        reserved_encoded_capacity_bytes: u64,
        start_epoch: u32,
        end_epoch: u32,
    }
    /// A blob was registered against a storage pool (Walrus's `PooledBlobRegistered`).
    PooledBlobRegistered {
        epoch: u32,
        blob_id: U256,
        unencoded_size: u64,
        encoding_type: u8,
        deletable: bool,
        object_id: ObjectId,
        storage_pool_id: ObjectId,
    }
    /// A pooled blob was certified (Walrus's `PooledBlobCertified`).
    PooledBlobCertified {
        epoch: u32,
        blob_id: U256,
        deletable: bool,
        object_id: ObjectId,
        storage_pool_id: ObjectId,
    }
    /// A pooled blob was deleted (Walrus's `PooledBlobDeleted`).
    PooledBlobDeleted {
        epoch: u32,
        blob_id: U256,
        object_id: ObjectId,
        was_certified: bool,
        storage_pool_id: ObjectId,
    }
    /// A storage pool was extended (Walrus's `StoragePoolExtended`).
    StoragePoolExtended {
        epoch: u32,
        storage_pool_id: ObjectId,
        new_end_epoch: u32,
    }
}

/// Converts a `u256` read as BCS little-endian bytes to its big-endian bytes (the order in
/// which Walrus prints blob IDs is the little-endian bytes, base64url; this is for arithmetic).
pub fn u256_le_to_be(le: &U256) -> [u8; 32] {
    let mut be = *le;
    be.reverse();
    be
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_certified_bcs_layout() {
        let e = BlobCertified {
            epoch: 7,
            blob_id: [1; 32],
            end_epoch: 9,
            deletable: true,
            object_id: [2; 32],
            is_extension: false,
        };
        let b = e.to_bcs();
        assert_eq!(b.len(), 4 + 32 + 4 + 1 + 32 + 1);
        assert_eq!(&b[..4], &7u32.to_le_bytes());
        assert_eq!(b[40], 1);
        assert_eq!(BlobCertified::from_bcs(&b), Ok(e.clone()));
        assert_eq!(
            FloeEvent::decode("BlobCertified", &b),
            Ok(FloeEvent::BlobCertified(e))
        );
    }

    #[test]
    fn nested_vectors_strings_and_errors() {
        let e = CommitteeSelected {
            epoch: 1,
            node_ids: vec![[3; 32]],
            shards: vec![vec![0, 300]],
        };
        let b = e.to_bcs();
        assert_eq!(&b[4..5], &[1]);
        assert_eq!(CommitteeSelected::from_bcs(&b), Ok(e));
        let n = NodeRegistered {
            epoch: 0,
            node_id: [0; 32],
            operator: [9; 32],
            name: "é".repeat(100),
            network_address: String::new(),
            public_key: vec![5; 48],
            commission_rate: 100,
        };
        assert_eq!(NodeRegistered::from_bcs(&n.to_bcs()), Ok(n.clone()));
        let mut long = n.to_bcs();
        long.push(0);
        assert_eq!(
            NodeRegistered::from_bcs(&long),
            Err(BcsError::Bcs(bcs::Error::RemainingInput))
        );
        assert_eq!(
            NodeRegistered::from_bcs(&n.to_bcs()[..10]),
            Err(BcsError::Bcs(bcs::Error::Eof))
        );
        let mut bad_bool = e_bytes_with_flag(2);
        assert_eq!(
            BlobCertified::from_bcs(&bad_bool),
            Err(BcsError::Bcs(bcs::Error::ExpectedBoolean))
        );
        // A length written with a redundant continuation byte is not canonical BCS.
        bad_bool = CommitteeSelected {
            epoch: 1,
            node_ids: vec![],
            shards: vec![],
        }
        .to_bcs();
        bad_bool[4] = 0x80;
        bad_bool.insert(5, 0x00);
        assert!(CommitteeSelected::from_bcs(&bad_bool).is_err());
        assert!(matches!(
            FloeEvent::decode("Nope", &[]),
            Err(BcsError::UnknownEvent(_))
        ));
    }

    /// A `BlobCertified` whose `deletable` byte is `flag`.
    fn e_bytes_with_flag(flag: u8) -> Vec<u8> {
        let mut b = BlobCertified {
            epoch: 1,
            blob_id: [0; 32],
            end_epoch: 2,
            deletable: false,
            object_id: [0; 32],
            is_extension: false,
        }
        .to_bcs();
        b[40] = flag;
        b
    }

    #[test]
    fn event_list_matches_types() {
        assert_eq!(EVENTS.len(), 53);
        let (_, name, fields) = EVENTS[0];
        assert_eq!(name, BlobRegistered::NAME);
        let names: Vec<_> = fields.iter().map(|(f, _)| *f).collect();
        assert_eq!(names, BlobRegistered::FIELDS);
        assert_eq!(fields[1].1, "U256");
    }
}
