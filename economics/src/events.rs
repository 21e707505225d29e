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
//! BCS is implemented here (a few lines) so this crate needs no serialization dependency.

use std::fmt;

/// A Sui address (32 bytes).
pub type Address = [u8; 32];
/// A Sui object ID (32 bytes).
pub type ObjectId = [u8; 32];
/// A Move `u256`, as its 32 little-endian BCS bytes.
pub type U256 = [u8; 32];

/// Why BCS bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BcsError {
    /// The input ended before the value did.
    Eof,
    /// A `bool` byte other than 0 or 1, an option tag other than 0 or 1, or an overlong length.
    Invalid(&'static str),
    /// A `String` that is not UTF-8.
    Utf8,
    /// Bytes left over after the value.
    TrailingBytes,
    /// No Floe event of that name.
    UnknownEvent(String),
}

impl fmt::Display for BcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BcsError::Eof => write!(f, "unexpected end of BCS input"),
            BcsError::Invalid(what) => write!(f, "invalid BCS: {what}"),
            BcsError::Utf8 => write!(f, "BCS string is not UTF-8"),
            BcsError::TrailingBytes => write!(f, "trailing bytes after BCS value"),
            BcsError::UnknownEvent(name) => write!(f, "unknown Floe event {name}"),
        }
    }
}

impl std::error::Error for BcsError {}

/// A value with a BCS encoding.
pub trait Bcs: Sized {
    /// Appends the BCS bytes of `self` to `out`.
    fn encode(&self, out: &mut Vec<u8>);
    /// Reads one value from the front of `input`, advancing it.
    fn decode(input: &mut &[u8]) -> Result<Self, BcsError>;

    /// The BCS bytes of `self`.
    fn to_bcs(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    /// Decodes exactly one value from `bytes`.
    fn from_bcs(bytes: &[u8]) -> Result<Self, BcsError> {
        let mut input = bytes;
        let v = Self::decode(&mut input)?;
        if input.is_empty() {
            Ok(v)
        } else {
            Err(BcsError::TrailingBytes)
        }
    }
}

fn take<'a>(input: &mut &'a [u8], n: usize) -> Result<&'a [u8], BcsError> {
    if input.len() < n {
        return Err(BcsError::Eof);
    }
    let (head, rest) = input.split_at(n);
    *input = rest;
    Ok(head)
}

macro_rules! bcs_int {
    ($($t:ty),*) => {$(
        impl Bcs for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn decode(input: &mut &[u8]) -> Result<Self, BcsError> {
                let b = take(input, std::mem::size_of::<$t>())?;
                Ok(<$t>::from_le_bytes(b.try_into().expect("length checked")))
            }
        }
    )*};
}
bcs_int!(u8, u16, u32, u64, u128);

impl Bcs for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self as u8);
    }
    fn decode(input: &mut &[u8]) -> Result<Self, BcsError> {
        match take(input, 1)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(BcsError::Invalid("bool")),
        }
    }
}

impl Bcs for [u8; 32] {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
    fn decode(input: &mut &[u8]) -> Result<Self, BcsError> {
        Ok(take(input, 32)?.try_into().expect("length checked"))
    }
}

fn encode_len(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn decode_len(input: &mut &[u8]) -> Result<usize, BcsError> {
    let mut n: u64 = 0;
    for shift in (0..35).step_by(7) {
        let byte = take(input, 1)?[0];
        n |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            // BCS lengths are u32 and minimally encoded.
            if n > u32::MAX as u64 || (shift > 0 && byte == 0) {
                return Err(BcsError::Invalid("length"));
            }
            return usize::try_from(n).map_err(|_| BcsError::Invalid("length"));
        }
    }
    Err(BcsError::Invalid("length"))
}

impl<T: Bcs> Bcs for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_len(self.len(), out);
        for v in self {
            v.encode(out);
        }
    }
    fn decode(input: &mut &[u8]) -> Result<Self, BcsError> {
        let n = decode_len(input)?;
        // Every element takes at least one byte: do not trust a huge length.
        let mut v = Vec::with_capacity(n.min(input.len()));
        for _ in 0..n {
            v.push(T::decode(input)?);
        }
        Ok(v)
    }
}

impl Bcs for String {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_len(self.len(), out);
        out.extend_from_slice(self.as_bytes());
    }
    fn decode(input: &mut &[u8]) -> Result<Self, BcsError> {
        let n = decode_len(input)?;
        let b = take(input, n)?;
        String::from_utf8(b.to_vec()).map_err(|_| BcsError::Utf8)
    }
}

impl<T: Bcs> Bcs for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.encode(out);
            }
        }
    }
    fn decode(input: &mut &[u8]) -> Result<Self, BcsError> {
        match take(input, 1)?[0] {
            0 => Ok(None),
            1 => Ok(Some(T::decode(input)?)),
            _ => Err(BcsError::Invalid("option tag")),
        }
    }
}

/// A Floe event type: its Move struct name, its fields in order and their Rust types.
pub trait MoveEvent: Bcs {
    /// The Move struct name (the last part of the event's type tag).
    const NAME: &'static str;
    /// The Move module defining it.
    const MODULE: &'static str;
    /// Field names, in declaration (= BCS) order.
    const FIELDS: &'static [&'static str];
    /// Rust field types, as written in the declaration, in the same order.
    const RUST_TYPES: &'static [&'static str];
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
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct $name { $( $(#[$fm])* pub $field: $ty ),* }

            impl Bcs for $name {
                fn encode(&self, out: &mut Vec<u8>) {
                    $( self.$field.encode(out); )*
                }
                fn decode(input: &mut &[u8]) -> Result<Self, BcsError> {
                    Ok($name { $( $field: <$ty as Bcs>::decode(input)? ),* })
                }
            }

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
            Err(BcsError::TrailingBytes)
        );
        assert_eq!(
            NodeRegistered::from_bcs(&n.to_bcs()[..10]),
            Err(BcsError::Eof)
        );
        assert_eq!(bool::from_bcs(&[2]), Err(BcsError::Invalid("bool")));
        assert!(matches!(
            FloeEvent::decode("Nope", &[]),
            Err(BcsError::UnknownEvent(_))
        ));
    }

    #[test]
    fn event_list_matches_types() {
        assert_eq!(EVENTS.len(), 27);
        let (_, name, fields) = EVENTS[0];
        assert_eq!(name, BlobRegistered::NAME);
        let names: Vec<_> = fields.iter().map(|(f, _)| *f).collect();
        assert_eq!(names, BlobRegistered::FIELDS);
        assert_eq!(fields[1].1, "U256");
    }
}
