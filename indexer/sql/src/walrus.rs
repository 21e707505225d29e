//! Decoders for the Move events that Walrus mainnet itself emits, so that Floe's indexer can
//! follow the blob lifecycle, epochs, deny lists and upgrades of the Walrus system it mirrors.
//!
//! # Source of the layouts
//!
//! Every struct below is transcribed, field for field in declaration (= BCS) order, from the
//! Move module `walrus::events` of the repository `MystenLabs/walrus`, at commit
//! `3c1cacc11c9292ed498f01f798cf790f02ea5062`:
//!
//! - `mainnet-contracts/walrus/sources/system/events.move` (the sources of the mainnet deployment),
//! - `contracts/walrus/sources/system/events.move` (identical to the mainnet file at that commit).
//!
//! No other module of the Walrus contracts calls `event::emit` at that commit, so all Walrus
//! events have the type tag `<package>::events::<Name>`; [`WALRUS_EVENTS`] lists all 22 of them.
//!
//! # Move → Rust type mapping
//!
//! - `u8`, `u16`, `u32`, `u64`, `bool` → the same (fixed width, little-endian; a bool is 0 or 1);
//! - `u256` → [`U256`] = `[u8; 32]`, its 32 little-endian bytes;
//! - `ID` → [`ObjectId`] and `address` → [`Address`](floe_economics::events::Address), both
//!   `[u8; 32]` (32 bytes, no length prefix);
//! - `vector<u8>` → `Vec<u8>`, `vector<u16>` → `Vec<u16>` (ULEB128 length, then the elements);
//! - `String` → `String` (ULEB128 length, then UTF-8);
//! - `Option<T>` → `Option<T>` (a tag byte 0 or 1, then `T` if 1).
//!
//! (No Walrus event currently uses `address`, `String` or `Option`; they are listed so that
//! future events are mapped the same way.)
//!
//! # Relation to Floe's own events
//!
//! Floe's event types ([`floe_economics::events`]) reuse Walrus's names and field order for the
//! blob, epoch, price and storage-pool events. The 13 names the two sets share (`BlobRegistered`,
//! `BlobCertified`, `BlobDeleted`, `InvalidBlobID`, `EpochChangeStart`, `EpochChangeDone`,
//! `EpochParametersSelected`, `PricesUpdated`, `StoragePoolCreated`, `PooledBlobRegistered`,
//! `PooledBlobCertified`, `PooledBlobDeleted`, `StoragePoolExtended`) have identical layouts at
//! the commit above; the test `shared_events_have_floe_layouts` proves it by encoding each with
//! one type and decoding with the other, and [`WalrusEvent::into_floe`] converts them field by
//! field (the Walrus-only events give `None`). They still get their own structs here so that a
//! future change on either side cannot silently change how the other is read.

use floe_economics::events::{ObjectId, U256};
use serde::{Deserialize, Serialize};

/// The Move module that defines (and emits) every Walrus event.
pub const WALRUS_EVENTS_MODULE: &str = "events";

/// Why the contents of a Walrus event could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalrusDecodeError {
    /// The bytes are not exactly the BCS of the named event (too short, trailing bytes, a bool
    /// other than 0 or 1, a non-canonical length, …).
    #[error("invalid BCS for Walrus event {name}: {source}")]
    Bcs {
        /// The Move struct name of the event being decoded.
        name: &'static str,
        /// The BCS decoder's error.
        source: bcs::Error,
    },
    /// No Walrus event has that module and name.
    #[error("unknown Walrus event {module}::{name}")]
    Unknown {
        /// The module part of the event's type tag.
        module: String,
        /// The struct name part of the event's type tag.
        name: String,
    },
}

// === Blob lifecycle ===

/// A blob was registered: a `Blob` object now exists for `blob_id`, paid for until `end_epoch`.
/// Same layout as [`floe_economics::events::BlobRegistered`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobRegistered {
    /// The epoch in which the blob was registered.
    pub epoch: u32,
    /// The blob ID (`u256`, little-endian bytes).
    pub blob_id: U256,
    /// The unencoded size of the blob, in bytes.
    pub size: u64,
    /// The erasure-code type used to encode the blob.
    pub encoding_type: u8,
    /// The first epoch in which the blob is no longer stored.
    pub end_epoch: u32,
    /// Whether the owner may delete the blob before `end_epoch`.
    pub deletable: bool,
    /// The ID of the `Blob` object.
    pub object_id: ObjectId,
}

/// A blob was certified as available, or the lifetime of a certified blob was extended.
/// Same layout as [`floe_economics::events::BlobCertified`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobCertified {
    /// The epoch of the certification (or extension).
    pub epoch: u32,
    /// The blob ID (`u256`, little-endian bytes).
    pub blob_id: U256,
    /// The first epoch in which the blob is no longer stored.
    pub end_epoch: u32,
    /// Whether the owner may delete the blob before `end_epoch`.
    pub deletable: bool,
    /// The ID of the `Blob` object.
    pub object_id: ObjectId,
    /// True when the event reports an extension of an already certified blob.
    pub is_extension: bool,
}

/// A deletable blob object was deleted.
/// Same layout as [`floe_economics::events::BlobDeleted`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobDeleted {
    /// The epoch of the deletion.
    pub epoch: u32,
    /// The blob ID (`u256`, little-endian bytes).
    pub blob_id: U256,
    /// The end epoch the deleted object had.
    pub end_epoch: u32,
    /// The ID of the deleted `Blob` object.
    pub object_id: ObjectId,
    /// Whether the object had been certified before it was deleted.
    pub was_certified: bool,
}

/// A blob ID was certified as invalid (its encoding is inconsistent).
/// Same layout as [`floe_economics::events::InvalidBlobID`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidBlobID {
    /// The epoch in which the blob ID was first marked invalid.
    pub epoch: u32,
    /// The blob ID (`u256`, little-endian bytes).
    pub blob_id: U256,
}

// === Epoch changes ===

/// The change to `epoch` has begun.
/// Same layout as [`floe_economics::events::EpochChangeStart`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochChangeStart {
    /// The epoch that is starting.
    pub epoch: u32,
}

/// Nodes holding a 2f+1 quorum of shards have completed the change to `epoch`.
/// Same layout as [`floe_economics::events::EpochChangeDone`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochChangeDone {
    /// The epoch whose change is complete.
    pub epoch: u32,
}

/// A storage node reported that it holds the listed shards of the new epoch.
/// Walrus only: Floe reports sync with `EpochSyncReported`, a different layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardsReceived {
    /// The epoch the shards belong to.
    pub epoch: u32,
    /// The shard indices received.
    pub shards: Vec<u16>,
}

/// The committee and system parameters of `next_epoch` were fixed.
/// Same layout as [`floe_economics::events::EpochParametersSelected`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochParametersSelected {
    /// The epoch whose parameters were selected.
    pub next_epoch: u32,
}

/// The listed shards may now be fetched through the shard-recovery endpoint.
/// Walrus only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardRecoveryStart {
    /// The epoch in which recovery starts.
    pub epoch: u32,
    /// The shard indices to recover.
    pub shards: Vec<u16>,
}

// === Upgrades and protocol versions ===

/// The Walrus package was upgraded and the system objects migrated to it.
/// Walrus only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractUpgraded {
    /// The epoch of the upgrade.
    pub epoch: u32,
    /// The ID of the new package.
    pub package_id: ObjectId,
    /// The new package version.
    pub version: u64,
}

/// A contract upgrade was proposed for a vote.
/// Walrus only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractUpgradeProposed {
    /// The epoch of the proposal.
    pub epoch: u32,
    /// The digest of the proposed package (a `vector<u8>`, so length-prefixed in BCS).
    pub package_digest: Vec<u8>,
}

/// A proposed contract upgrade gathered a quorum of votes.
/// Walrus only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractUpgradeQuorumReached {
    /// The epoch in which the quorum was reached.
    pub epoch: u32,
    /// The digest of the approved package (length-prefixed in BCS).
    pub package_digest: Vec<u8>,
}

/// The protocol version changes, taking effect from `start_epoch`.
/// Walrus only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolVersionUpdated {
    /// The epoch in which the update was recorded.
    pub epoch: u32,
    /// The first epoch running `protocol_version`.
    pub start_epoch: u32,
    /// The new protocol version.
    pub protocol_version: u64,
}

// === Deny lists ===

/// A storage node registered a new deny list (its Merkle root) for certification.
/// Walrus only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterDenyListUpdate {
    /// The epoch of the registration.
    pub epoch: u32,
    /// The root of the node's deny list (`u256`, little-endian bytes).
    pub root: U256,
    /// The node's deny-list sequence number.
    pub sequence_number: u64,
    /// The ID of the storage node.
    pub node_id: ObjectId,
}

/// A storage node's deny-list update was certified.
/// Walrus only; same layout as [`RegisterDenyListUpdate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DenyListUpdate {
    /// The epoch of the certification.
    pub epoch: u32,
    /// The root of the node's deny list (`u256`, little-endian bytes).
    pub root: U256,
    /// The node's deny-list sequence number.
    pub sequence_number: u64,
    /// The ID of the storage node.
    pub node_id: ObjectId,
}

/// A blob was deleted because f+1 nodes put it on their deny lists.
/// Walrus only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DenyListBlobDeleted {
    /// The epoch of the deletion.
    pub epoch: u32,
    /// The blob ID (`u256`, little-endian bytes).
    pub blob_id: U256,
}

// === Prices ===

/// The storage and write prices (in FROST) in force from `epoch`.
/// Same layout as [`floe_economics::events::PricesUpdated`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricesUpdated {
    /// The epoch the prices apply to.
    pub epoch: u32,
    /// The storage price, in FROST per unit of storage per epoch.
    pub storage_price: u64,
    /// The write price, in FROST per unit of storage written.
    pub write_price: u64,
}

// === Storage pools ===

/// A storage pool reserving encoded capacity for `[start_epoch, end_epoch)` was created.
/// Same layout as [`floe_economics::events::StoragePoolCreated`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoragePoolCreated {
    /// The epoch of the creation.
    pub epoch: u32,
    /// The ID of the storage pool object.
    pub storage_pool_id: ObjectId,
    /// The encoded capacity reserved, in bytes.
    pub reserved_encoded_capacity_bytes: u64,
    /// The first epoch of the reservation.
    pub start_epoch: u32,
    /// The first epoch after the reservation.
    pub end_epoch: u32,
}

/// A blob was registered against a storage pool's capacity.
/// Same layout as [`floe_economics::events::PooledBlobRegistered`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PooledBlobRegistered {
    /// The epoch of the registration.
    pub epoch: u32,
    /// The blob ID (`u256`, little-endian bytes).
    pub blob_id: U256,
    /// The unencoded size of the blob, in bytes.
    pub unencoded_size: u64,
    /// The erasure-code type used to encode the blob.
    pub encoding_type: u8,
    /// Whether the blob may be deleted before the pool ends.
    pub deletable: bool,
    /// The ID of the pooled blob object.
    pub object_id: ObjectId,
    /// The ID of the storage pool.
    pub storage_pool_id: ObjectId,
}

/// A blob in a storage pool was certified.
/// Same layout as [`floe_economics::events::PooledBlobCertified`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PooledBlobCertified {
    /// The epoch of the certification.
    pub epoch: u32,
    /// The blob ID (`u256`, little-endian bytes).
    pub blob_id: U256,
    /// Whether the blob may be deleted before the pool ends.
    pub deletable: bool,
    /// The ID of the pooled blob object.
    pub object_id: ObjectId,
    /// The ID of the storage pool.
    pub storage_pool_id: ObjectId,
}

/// A blob was deleted from a storage pool.
/// Same layout as [`floe_economics::events::PooledBlobDeleted`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PooledBlobDeleted {
    /// The epoch of the deletion.
    pub epoch: u32,
    /// The blob ID (`u256`, little-endian bytes).
    pub blob_id: U256,
    /// The ID of the deleted pooled blob object.
    pub object_id: ObjectId,
    /// Whether the blob had been certified before it was deleted.
    pub was_certified: bool,
    /// The ID of the storage pool.
    pub storage_pool_id: ObjectId,
}

/// A storage pool's reservation was extended to `new_end_epoch`.
/// Same layout as [`floe_economics::events::StoragePoolExtended`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoragePoolExtended {
    /// The epoch of the extension.
    pub epoch: u32,
    /// The ID of the storage pool.
    pub storage_pool_id: ObjectId,
    /// The new first epoch after the reservation.
    pub new_end_epoch: u32,
}

/// Generates [`WalrusEvent`], [`WALRUS_EVENTS`] and the decoding from one list of names, so
/// that the enum, the list and the decoder cannot disagree.
macro_rules! walrus_events {
    ($($name:ident),* $(,)?) => {
        /// Every Walrus event as `(module, struct name)`, in the order of the Move source.
        pub const WALRUS_EVENTS: &[(&str, &str)] =
            &[$((WALRUS_EVENTS_MODULE, stringify!($name))),*];

        /// Any Walrus event, decoded.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum WalrusEvent {
            $(
                #[doc = concat!("A Walrus `", stringify!($name), "` event.")]
                $name($name),
            )*
        }

        impl WalrusEvent {
            /// Decodes the BCS contents of the Walrus event `module::name`; the bytes must be
            /// exactly one event (no trailing bytes).
            pub fn decode(
                module: &str,
                name: &str,
                bcs: &[u8],
            ) -> Result<WalrusEvent, WalrusDecodeError> {
                let unknown = || WalrusDecodeError::Unknown {
                    module: module.to_string(),
                    name: name.to_string(),
                };
                if module != WALRUS_EVENTS_MODULE {
                    return Err(unknown());
                }
                match name {
                    $(
                        stringify!($name) => bcs::from_bytes::<$name>(bcs)
                            .map(WalrusEvent::$name)
                            .map_err(|source| WalrusDecodeError::Bcs {
                                name: stringify!($name),
                                source,
                            }),
                    )*
                    _ => Err(unknown()),
                }
            }

            /// The Move struct name of this event.
            pub fn name(&self) -> &'static str {
                match self {
                    $(WalrusEvent::$name(_) => stringify!($name),)*
                }
            }

            /// The Move module of this event (always [`WALRUS_EVENTS_MODULE`]).
            pub fn module(&self) -> &'static str {
                WALRUS_EVENTS_MODULE
            }

            /// The BCS bytes of this event, as Sui stores them.
            pub fn to_bcs(&self) -> Result<Vec<u8>, bcs::Error> {
                match self {
                    $(WalrusEvent::$name(e) => bcs::to_bytes(e),)*
                }
            }
        }

        $(
            impl From<$name> for WalrusEvent {
                fn from(e: $name) -> Self {
                    WalrusEvent::$name(e)
                }
            }
        )*
    };
}

walrus_events! {
    BlobRegistered,
    BlobCertified,
    BlobDeleted,
    InvalidBlobID,
    EpochChangeStart,
    EpochChangeDone,
    ShardsReceived,
    EpochParametersSelected,
    ShardRecoveryStart,
    ContractUpgraded,
    RegisterDenyListUpdate,
    DenyListUpdate,
    DenyListBlobDeleted,
    ContractUpgradeProposed,
    ContractUpgradeQuorumReached,
    ProtocolVersionUpdated,
    PricesUpdated,
    StoragePoolCreated,
    PooledBlobRegistered,
    PooledBlobCertified,
    PooledBlobDeleted,
    StoragePoolExtended,
}

/// Generates, for each event whose name Walrus and Floe share, a field-for-field conversion to
/// Floe's type (the destructuring and the struct literal both name every field, so a field added
/// on either side stops the build), and [`WalrusEvent::into_floe`] over those events.
macro_rules! shared_with_floe {
    ($($name:ident { $($field:ident),* $(,)? })*) => {
        $(
            impl From<$name> for floe_economics::events::$name {
                fn from(e: $name) -> Self {
                    let $name { $($field),* } = e;
                    floe_economics::events::$name { $($field),* }
                }
            }
        )*

        impl WalrusEvent {
            /// The same event as Floe's type of the same name, for the events whose name and
            /// layout Walrus and Floe share; `None` for the events only Walrus has.
            pub fn into_floe(self) -> Option<floe_economics::events::FloeEvent> {
                match self {
                    $(WalrusEvent::$name(e) => {
                        Some(floe_economics::events::FloeEvent::$name(e.into()))
                    })*
                    _ => None,
                }
            }
        }
    };
}

shared_with_floe! {
    BlobRegistered { epoch, blob_id, size, encoding_type, end_epoch, deletable, object_id }
    BlobCertified { epoch, blob_id, end_epoch, deletable, object_id, is_extension }
    BlobDeleted { epoch, blob_id, end_epoch, object_id, was_certified }
    InvalidBlobID { epoch, blob_id }
    EpochChangeStart { epoch }
    EpochChangeDone { epoch }
    EpochParametersSelected { next_epoch }
    PricesUpdated { epoch, storage_price, write_price }
    StoragePoolCreated {
        epoch,
        storage_pool_id,
        reserved_encoded_capacity_bytes,
        start_epoch,
        end_epoch,
    }
    PooledBlobRegistered {
        epoch,
        blob_id,
        unencoded_size,
        encoding_type,
        deletable,
        object_id,
        storage_pool_id,
    }
    PooledBlobCertified { epoch, blob_id, deletable, object_id, storage_pool_id }
    PooledBlobDeleted { epoch, blob_id, object_id, was_certified, storage_pool_id }
    StoragePoolExtended { epoch, storage_pool_id, new_end_epoch }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 32-byte value whose bytes are `start, start + 1, …` (so every byte position differs).
    fn seq(start: u8) -> [u8; 32] {
        std::array::from_fn(|i| start.wrapping_add(i as u8))
    }

    /// One sample per Walrus event, in [`WALRUS_EVENTS`] order, with distinct field values.
    fn samples() -> Vec<WalrusEvent> {
        vec![
            BlobRegistered {
                epoch: 3,
                blob_id: seq(1),
                size: 1 << 40,
                encoding_type: 1,
                end_epoch: 56,
                deletable: true,
                object_id: seq(100),
            }
            .into(),
            BlobCertified {
                epoch: 4,
                blob_id: seq(2),
                end_epoch: 60,
                deletable: false,
                object_id: seq(101),
                is_extension: true,
            }
            .into(),
            BlobDeleted {
                epoch: 5,
                blob_id: seq(3),
                end_epoch: 61,
                object_id: seq(102),
                was_certified: true,
            }
            .into(),
            InvalidBlobID {
                epoch: 6,
                blob_id: seq(4),
            }
            .into(),
            EpochChangeStart { epoch: 7 }.into(),
            EpochChangeDone { epoch: 8 }.into(),
            ShardsReceived {
                epoch: 9,
                shards: vec![0, 1, 999, u16::MAX],
            }
            .into(),
            EpochParametersSelected { next_epoch: 10 }.into(),
            ShardRecoveryStart {
                epoch: 11,
                shards: (0..200).collect(),
            }
            .into(),
            ContractUpgraded {
                epoch: 12,
                package_id: seq(103),
                version: 3,
            }
            .into(),
            RegisterDenyListUpdate {
                epoch: 13,
                root: seq(5),
                sequence_number: 77,
                node_id: seq(104),
            }
            .into(),
            DenyListUpdate {
                epoch: 14,
                root: seq(6),
                sequence_number: 78,
                node_id: seq(105),
            }
            .into(),
            DenyListBlobDeleted {
                epoch: 15,
                blob_id: seq(7),
            }
            .into(),
            ContractUpgradeProposed {
                epoch: 16,
                package_digest: seq(8).to_vec(),
            }
            .into(),
            ContractUpgradeQuorumReached {
                epoch: 17,
                package_digest: seq(9).to_vec(),
            }
            .into(),
            ProtocolVersionUpdated {
                epoch: 18,
                start_epoch: 20,
                protocol_version: 2,
            }
            .into(),
            PricesUpdated {
                epoch: 19,
                storage_price: 11_000,
                write_price: 20_000,
            }
            .into(),
            StoragePoolCreated {
                epoch: 20,
                storage_pool_id: seq(106),
                reserved_encoded_capacity_bytes: 5 << 30,
                start_epoch: 21,
                end_epoch: 30,
            }
            .into(),
            PooledBlobRegistered {
                epoch: 21,
                blob_id: seq(10),
                unencoded_size: 12_345,
                encoding_type: 0,
                deletable: true,
                object_id: seq(107),
                storage_pool_id: seq(108),
            }
            .into(),
            PooledBlobCertified {
                epoch: 22,
                blob_id: seq(11),
                deletable: false,
                object_id: seq(109),
                storage_pool_id: seq(110),
            }
            .into(),
            PooledBlobDeleted {
                epoch: 23,
                blob_id: seq(12),
                object_id: seq(111),
                was_certified: false,
                storage_pool_id: seq(112),
            }
            .into(),
            StoragePoolExtended {
                epoch: 24,
                storage_pool_id: seq(113),
                new_end_epoch: 40,
            }
            .into(),
        ]
    }

    #[test]
    fn samples_cover_every_event_in_order() {
        let names: Vec<_> = samples().iter().map(|e| e.name()).collect();
        let listed: Vec<_> = WALRUS_EVENTS.iter().map(|(_, n)| *n).collect();
        assert_eq!(names, listed);
        assert_eq!(WALRUS_EVENTS.len(), 22);
        assert!(WALRUS_EVENTS.iter().all(|(m, _)| *m == "events"));
    }

    #[test]
    fn every_event_round_trips_through_decode() {
        for event in samples() {
            let bytes = event.to_bcs().unwrap();
            let decoded = WalrusEvent::decode(event.module(), event.name(), &bytes).unwrap();
            assert_eq!(decoded, event);
            assert_eq!(decoded.to_bcs().unwrap(), bytes);
        }
    }

    #[test]
    fn truncated_or_padded_bytes_are_bcs_errors() {
        for event in samples() {
            let bytes = event.to_bcs().unwrap();
            let name = event.name();

            let short = WalrusEvent::decode("events", name, &bytes[..bytes.len() - 1]);
            assert!(
                matches!(short, Err(WalrusDecodeError::Bcs { name: n, .. }) if n == name),
                "{name}: {short:?}"
            );
            assert!(matches!(
                WalrusEvent::decode("events", name, &[]),
                Err(WalrusDecodeError::Bcs { .. })
            ));

            let mut long = bytes.clone();
            long.push(0);
            assert_eq!(
                WalrusEvent::decode("events", name, &long),
                Err(WalrusDecodeError::Bcs {
                    name,
                    source: bcs::Error::RemainingInput
                })
            );
        }
    }

    #[test]
    fn unknown_module_or_name_is_unknown() {
        let bytes = bcs::to_bytes(&EpochChangeStart { epoch: 1 }).unwrap();
        assert_eq!(
            WalrusEvent::decode("events", "NoSuchEvent", &bytes),
            Err(WalrusDecodeError::Unknown {
                module: "events".into(),
                name: "NoSuchEvent".into()
            })
        );
        // A known name in another module (e.g. a Floe event tag) is not a Walrus event.
        assert_eq!(
            WalrusEvent::decode("system", "EpochChangeStart", &bytes),
            Err(WalrusDecodeError::Unknown {
                module: "system".into(),
                name: "EpochChangeStart".into()
            })
        );
        // Names are case-sensitive, as in Move type tags.
        assert!(matches!(
            WalrusEvent::decode("events", "InvalidBlobId", &[0; 36]),
            Err(WalrusDecodeError::Unknown { .. })
        ));
    }

    #[test]
    fn blob_registered_hand_built_bytes() {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&[0x04, 0x03, 0x02, 0x01]); // epoch: u32 = 0x01020304
        let blob_id: Vec<u8> = (0u8..32).collect();
        bytes.extend_from_slice(&blob_id); // blob_id: u256, 32 bytes little-endian
        bytes.extend_from_slice(&[0x02, 0, 0, 0, 0x01, 0, 0, 0]); // size: u64 = 2^32 + 2
        bytes.push(0x01); // encoding_type: u8 = 1
        bytes.extend_from_slice(&[0x0D, 0x0C, 0x0B, 0x0A]); // end_epoch: u32 = 0x0A0B0C0D
        bytes.push(0x01); // deletable: bool = true
        bytes.extend_from_slice(&[0xEE; 32]); // object_id: ID, 32 bytes, no length
        assert_eq!(bytes.len(), 4 + 32 + 8 + 1 + 4 + 1 + 32);

        let expected = BlobRegistered {
            epoch: 0x0102_0304,
            blob_id: seq(0),
            size: (1 << 32) + 2,
            encoding_type: 1,
            end_epoch: 0x0A0B_0C0D,
            deletable: true,
            object_id: [0xEE; 32],
        };
        assert_eq!(
            WalrusEvent::decode("events", "BlobRegistered", &bytes),
            Ok(WalrusEvent::BlobRegistered(expected.clone()))
        );
        assert_eq!(bcs::to_bytes(&expected).unwrap(), bytes);

        // The u256 blob ID 1 is the byte 1 followed by 31 zeros.
        let mut one = bytes.clone();
        one[4..36].copy_from_slice(&[0; 32]);
        one[4] = 1;
        let Ok(WalrusEvent::BlobRegistered(e)) =
            WalrusEvent::decode("events", "BlobRegistered", &one)
        else {
            panic!("BlobRegistered with blob ID 1 did not decode");
        };
        assert_eq!(floe_economics::events::u256_le_to_be(&e.blob_id)[31], 1);

        // A bool byte other than 0 or 1 is refused.
        let mut bad = bytes.clone();
        bad[49] = 2;
        assert_eq!(
            WalrusEvent::decode("events", "BlobRegistered", &bad),
            Err(WalrusDecodeError::Bcs {
                name: "BlobRegistered",
                source: bcs::Error::ExpectedBoolean
            })
        );
    }

    #[test]
    fn vector_fields_hand_built_bytes() {
        // ShardsReceived { epoch: 2, shards: [1, 258] }: ULEB128 length, then u16 little-endian.
        let bytes = [2, 0, 0, 0, 2, 0x01, 0x00, 0x02, 0x01];
        assert_eq!(
            WalrusEvent::decode("events", "ShardsReceived", &bytes),
            Ok(WalrusEvent::ShardsReceived(ShardsReceived {
                epoch: 2,
                shards: vec![1, 258]
            }))
        );
        // 200 shards need a two-byte ULEB128 length: 200 = 0xC8 0x01.
        let recovery = ShardRecoveryStart {
            epoch: 0,
            shards: vec![7; 200],
        };
        let b = bcs::to_bytes(&recovery).unwrap();
        assert_eq!(&b[4..6], &[0xC8, 0x01]);
        assert_eq!(b.len(), 4 + 2 + 400);

        // ContractUpgradeProposed { epoch: 1, package_digest: [0xAB; 32] }: length 32, then bytes.
        let mut bytes = vec![1, 0, 0, 0, 32];
        bytes.extend_from_slice(&[0xAB; 32]);
        assert_eq!(
            WalrusEvent::decode("events", "ContractUpgradeProposed", &bytes),
            Ok(WalrusEvent::ContractUpgradeProposed(
                ContractUpgradeProposed {
                    epoch: 1,
                    package_digest: vec![0xAB; 32]
                }
            ))
        );

        // DenyListUpdate: u32, u256, u64, ID = 4 + 32 + 8 + 32 bytes, no lengths.
        let mut bytes = vec![9, 0, 0, 0];
        bytes.extend_from_slice(&seq(50));
        bytes.extend_from_slice(&5u64.to_le_bytes());
        bytes.extend_from_slice(&seq(60));
        assert_eq!(
            WalrusEvent::decode("events", "DenyListUpdate", &bytes),
            Ok(WalrusEvent::DenyListUpdate(DenyListUpdate {
                epoch: 9,
                root: seq(50),
                sequence_number: 5,
                node_id: seq(60)
            }))
        );
    }

    /// Builds the same sample as the Walrus type and as Floe's type of the same name (the struct
    /// literals must name every field of both, so the field sets are equal), then checks that
    /// both encode to the same bytes and that each decodes the other's bytes. Every field gets a
    /// distinct value, so a difference in field order or width changes the bytes.
    macro_rules! assert_same_layout {
        ($name:ident { $($field:ident : $value:expr),* $(,)? }) => {{
            let walrus = $name { $($field: $value),* };
            let floe = floe_economics::events::$name { $($field: $value),* };
            let walrus_bytes = bcs::to_bytes(&walrus).unwrap();
            let floe_bytes = bcs::to_bytes(&floe).unwrap();
            assert_eq!(walrus_bytes, floe_bytes, "{} layouts differ", stringify!($name));
            assert_eq!(
                bcs::from_bytes::<floe_economics::events::$name>(&walrus_bytes).unwrap(),
                floe
            );
            assert_eq!(
                WalrusEvent::decode("events", stringify!($name), &floe_bytes),
                Ok(WalrusEvent::$name(walrus))
            );
            stringify!($name)
        }};
    }

    #[test]
    fn shared_events_have_floe_layouts() {
        let checked = [
            assert_same_layout!(BlobRegistered {
                epoch: 1,
                blob_id: seq(1),
                size: 2,
                encoding_type: 3,
                end_epoch: 4,
                deletable: true,
                object_id: seq(2),
            }),
            assert_same_layout!(BlobCertified {
                epoch: 1,
                blob_id: seq(1),
                end_epoch: 2,
                deletable: true,
                object_id: seq(2),
                is_extension: false,
            }),
            assert_same_layout!(BlobDeleted {
                epoch: 1,
                blob_id: seq(1),
                end_epoch: 2,
                object_id: seq(2),
                was_certified: true,
            }),
            assert_same_layout!(InvalidBlobID {
                epoch: 1,
                blob_id: seq(1),
            }),
            assert_same_layout!(EpochChangeStart { epoch: 1 }),
            assert_same_layout!(EpochChangeDone { epoch: 1 }),
            assert_same_layout!(EpochParametersSelected { next_epoch: 1 }),
            assert_same_layout!(PricesUpdated {
                epoch: 1,
                storage_price: 2,
                write_price: 3,
            }),
            assert_same_layout!(StoragePoolCreated {
                epoch: 1,
                storage_pool_id: seq(1),
                reserved_encoded_capacity_bytes: 2,
                start_epoch: 3,
                end_epoch: 4,
            }),
            assert_same_layout!(PooledBlobRegistered {
                epoch: 1,
                blob_id: seq(1),
                unencoded_size: 2,
                encoding_type: 3,
                deletable: true,
                object_id: seq(2),
                storage_pool_id: seq(3),
            }),
            assert_same_layout!(PooledBlobCertified {
                epoch: 1,
                blob_id: seq(1),
                deletable: true,
                object_id: seq(2),
                storage_pool_id: seq(3),
            }),
            assert_same_layout!(PooledBlobDeleted {
                epoch: 1,
                blob_id: seq(1),
                object_id: seq(2),
                was_certified: true,
                storage_pool_id: seq(3),
            }),
            assert_same_layout!(StoragePoolExtended {
                epoch: 1,
                storage_pool_id: seq(1),
                new_end_epoch: 2,
            }),
        ];

        // The events checked above are exactly the names Walrus and Floe share.
        let mut shared: Vec<&str> = WALRUS_EVENTS
            .iter()
            .map(|(_, n)| *n)
            .filter(|n| {
                floe_economics::events::EVENTS
                    .iter()
                    .any(|(_, floe, _)| floe == n)
            })
            .collect();
        let mut checked = checked.to_vec();
        shared.sort_unstable();
        checked.sort_unstable();
        assert_eq!(checked, shared);
    }

    #[test]
    fn into_floe_keeps_shared_events_and_their_bytes() {
        let floe_names: Vec<&str> = floe_economics::events::EVENTS
            .iter()
            .map(|(_, n, _)| *n)
            .collect();
        for event in samples() {
            let name = event.name();
            let bytes = event.to_bcs().unwrap();
            match event.into_floe() {
                Some(floe) => {
                    assert_eq!(floe.name(), name);
                    assert_eq!(floe.to_bcs(), bytes, "{name}");
                }
                None => assert!(!floe_names.contains(&name), "{name} not converted"),
            }
        }
    }
}
