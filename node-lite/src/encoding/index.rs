//! Index newtypes (sliver, sliver pair, shard) and the blob ID, with the conversions between them.
//!
//! Each index kind is its own type so that a shard index can never be used where a pair index is
//! meant: the pair ↔ shard mapping depends on the blob ID and the sliver ↔ pair mapping on the
//! axis.

use std::{fmt, str::FromStr};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};

use super::{axis::EncodingAxis, config::DIGEST_LEN};

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        pub struct $name(pub u16);

        impl $name {
            /// The index as `u16`.
            pub fn get(self) -> u16 {
                self.0
            }

            /// The index as `usize`, for indexing into collections.
            pub fn as_usize(self) -> usize {
                usize::from(self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl From<u16> for $name {
            fn from(value: u16) -> Self {
                Self(value)
            }
        }
    };
}

index_type!(
    /// Index of a sliver on its own axis: row number for primary slivers, column number for
    /// secondary slivers.
    SliverIndex
);
index_type!(
    /// Index of a sliver pair: pair `i` holds primary sliver `i` and secondary sliver `n - 1 - i`.
    SliverPairIndex
);
index_type!(
    /// Index of a shard of the committee; pair `i` of a blob is stored on shard
    /// `(i + blob_id mod n) mod n`.
    ShardIndex
);

impl SliverPairIndex {
    /// The index, on axis `A`, of this pair's sliver of that axis.
    ///
    /// The pair index must be below `n_shards` (check indices that come from outside first).
    pub fn to_sliver_index<A: EncodingAxis>(self, n_shards: u16) -> SliverIndex {
        if A::IS_PRIMARY {
            SliverIndex(self.0)
        } else {
            SliverIndex(n_shards - 1 - self.0)
        }
    }

    /// The shard that stores this pair of `blob_id`.
    pub fn to_shard_index(self, n_shards: u16, blob_id: &BlobId) -> ShardIndex {
        let n = u32::from(n_shards);
        let shard = (u32::from(self.0) + blob_id.rotation_offset(n_shards)) % n;
        ShardIndex(shard as u16)
    }
}

impl SliverIndex {
    /// The pair that holds sliver `self` of axis `A`.
    ///
    /// The sliver index must be below `n_shards` (check indices that come from outside first).
    pub fn to_pair_index<A: EncodingAxis>(self, n_shards: u16) -> SliverPairIndex {
        if A::IS_PRIMARY {
            SliverPairIndex(self.0)
        } else {
            SliverPairIndex(n_shards - 1 - self.0)
        }
    }
}

impl ShardIndex {
    /// The pair of `blob_id` that this shard stores.
    pub fn to_pair_index(self, n_shards: u16, blob_id: &BlobId) -> SliverPairIndex {
        let n = u32::from(n_shards);
        let pair = (n + u32::from(self.0) % n - blob_id.rotation_offset(n_shards)) % n;
        SliverPairIndex(pair as u16)
    }
}

/// A blob's identity: `Blake2b-256(encoding_type ‖ u64_le(length) ‖ metadata_root)`.
///
/// Shown as URL-safe base64 without padding, as Walrus does.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BlobId(pub [u8; DIGEST_LEN]);

impl BlobId {
    /// Length of a blob ID in bytes.
    pub const LENGTH: usize = DIGEST_LEN;

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; DIGEST_LEN] {
        &self.0
    }

    /// The rotation of the pair → shard mapping: the ID read as a big-endian integer, mod `n`.
    pub fn rotation_offset(&self, n_shards: u16) -> u32 {
        let n = u32::from(n_shards.max(1));
        self.0
            .iter()
            .fold(0u32, |acc, byte| (acc * 256 + u32::from(*byte)) % n)
    }

    /// The ID as lowercase hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&URL_SAFE_NO_PAD.encode(self.0))
    }
}

impl fmt::Debug for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobId({self})")
    }
}

/// A string that is not a blob ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid blob ID {0:?}: expected 43 characters of URL-safe base64 (32 bytes)")]
pub struct InvalidBlobId(pub String);

impl FromStr for BlobId {
    type Err = InvalidBlobId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| InvalidBlobId(s.to_owned()))?;
        let array: [u8; DIGEST_LEN] = bytes.try_into().map_err(|_| InvalidBlobId(s.to_owned()))?;
        Ok(Self(array))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::axis::{Primary, Secondary};

    #[test]
    fn pair_and_sliver_indices_follow_the_axis() {
        let pair = SliverPairIndex(2);
        assert_eq!(pair.to_sliver_index::<Primary>(10), SliverIndex(2));
        assert_eq!(pair.to_sliver_index::<Secondary>(10), SliverIndex(7));
        assert_eq!(SliverIndex(7).to_pair_index::<Secondary>(10), pair);
    }

    #[test]
    fn shard_rotation_roundtrips() {
        let blob_id = BlobId([0xab; 32]);
        for n in [4u16, 10, 1000] {
            for p in 0..n {
                let shard = SliverPairIndex(p).to_shard_index(n, &blob_id);
                assert_eq!(shard.to_pair_index(n, &blob_id), SliverPairIndex(p));
            }
        }
    }

    #[test]
    fn blob_id_text_roundtrips_and_rejects_garbage() {
        let id: BlobId = "RcU82Mwf-CFkv1LaI_2qcpANwpGUuG3TMwnVzZxD2kY"
            .parse()
            .expect("valid id");
        assert_eq!(
            id.to_string(),
            "RcU82Mwf-CFkv1LaI_2qcpANwpGUuG3TMwnVzZxD2kY"
        );
        assert_eq!(id.rotation_offset(10), 8);
        assert!("not a blob id".parse::<BlobId>().is_err());
        assert!("AAAA".parse::<BlobId>().is_err());
    }
}
