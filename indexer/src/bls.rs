//! BLS12-381 signatures (min-pk: 48-byte G1 public keys, 96-byte G2 signatures) and the
//! committee certificates built from them, checked exactly as the Move `bls_committee` module
//! checks them with Sui's `bls12381_min_pk_verify`.
//!
//! A certificate is an aggregate signature, a signers bitmap (bit `i`, least significant bit
//! first within each byte, is committee member `i`) and the signed message. It is valid when the
//! bitmap is no longer than the committee and names only members, the signers' shards reach the
//! required weight, and the signature verifies against the sum of the signers' public keys.
//!
//! Signed messages use Walrus's layout (see [`messages`]).

use blst::min_pk;

/// The hash-to-curve domain separation tag of Sui's `bls12381_min_pk_verify` (fastcrypto's
/// min-pk scheme) and of Walrus's storage nodes.
pub const DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_";

/// Length of a compressed public key.
pub const PUBLIC_KEY_LEN: usize = 48;
/// Length of a compressed signature.
pub const SIGNATURE_LEN: usize = 96;

/// Why a key or signature cannot be used, or a certificate is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlsError {
    /// Bytes that are not a valid compressed point (or secret scalar).
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was parsed.
        what: &'static str,
        /// Why it is refused.
        reason: String,
    },
    /// The bitmap is longer than the committee or names a non-member (Move's `EInvalidBitmap`).
    #[error("the signers bitmap does not fit a committee of {members}")]
    InvalidBitmap {
        /// Committee size.
        members: usize,
    },
    /// The signers' weight is short of what the certificate needs (Move's `EBelowQuorum`).
    #[error("signers hold {weight} of {n_shards} shards, below the required weight")]
    BelowQuorum {
        /// The signers' shards.
        weight: u64,
        /// The committee's shards.
        n_shards: u64,
    },
    /// The aggregate signature does not verify (Move's `EInvalidSignature`).
    #[error("the aggregate signature does not verify for its signers")]
    InvalidSignature,
}

fn invalid(what: &'static str, e: blst::BLST_ERROR) -> BlsError {
    BlsError::Invalid {
        what,
        reason: format!("{e:?}"),
    }
}

/// A secret key.
#[derive(Clone)]
pub struct SecretKey(min_pk::SecretKey);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", hex_of(&self.public_key().to_bytes()))
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl SecretKey {
    /// The key derived from 32 or more bytes of key material (IETF `KeyGen`).
    pub fn from_seed(ikm: &[u8]) -> Result<Self, BlsError> {
        min_pk::SecretKey::key_gen(ikm, &[])
            .map(SecretKey)
            .map_err(|e| invalid("key material", e))
    }

    /// The key whose scalar is `scalar` (what Move's `bls12381::scalar_from_u64` gives; for
    /// test vectors).
    pub fn from_scalar(scalar: u64) -> Result<Self, BlsError> {
        let mut be = [0u8; 32];
        be[24..].copy_from_slice(&scalar.to_be_bytes());
        Self::from_bytes(&be)
    }

    /// The key from its 32-byte big-endian scalar.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, BlsError> {
        min_pk::SecretKey::from_bytes(bytes)
            .map(SecretKey)
            .map_err(|e| invalid("secret key", e))
    }

    /// The 32-byte big-endian scalar.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.sk_to_pk())
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.0.sign(message, DST, &[]))
    }
}

/// A public key (a G1 point).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(min_pk::PublicKey);

impl PublicKey {
    /// Parses and checks a compressed key (on the curve, in the group, not the identity).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, BlsError> {
        let key = min_pk::PublicKey::key_validate(bytes).map_err(|e| invalid("public key", e))?;
        Ok(PublicKey(key))
    }

    /// The compressed form.
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LEN] {
        self.0.compress()
    }
}

/// A signature (a G2 point), single or aggregate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature(min_pk::Signature);

impl Signature {
    /// Parses a compressed signature (checked to be in the group).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, BlsError> {
        min_pk::Signature::sig_validate(bytes, true)
            .map(Signature)
            .map_err(|e| invalid("signature", e))
    }

    /// The compressed form.
    pub fn to_bytes(&self) -> [u8; SIGNATURE_LEN] {
        self.0.compress()
    }

    /// Whether this is `key`'s signature of `message`.
    pub fn verify(&self, key: &PublicKey, message: &[u8]) -> bool {
        self.0.verify(true, message, DST, &[], &key.0, false) == blst::BLST_ERROR::BLST_SUCCESS
    }

    /// The aggregate of `signatures` (of one message by several keys).
    pub fn aggregate(signatures: &[Signature]) -> Result<Signature, BlsError> {
        let refs: Vec<&min_pk::Signature> = signatures.iter().map(|s| &s.0).collect();
        min_pk::AggregateSignature::aggregate(&refs, false)
            .map(|a| Signature(a.to_signature()))
            .map_err(|e| invalid("signature set", e))
    }
}

/// One committee member as a verifier sees it: its registered key bytes and its shards.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// The key as registered (checked when used).
    pub public_key: &'a [u8],
    /// Its shard count.
    pub weight: u16,
}

/// The signers bitmap naming `signers` (member positions) in a committee of `members`.
pub fn signers_bitmap(signers: &[usize], members: usize) -> Vec<u8> {
    let mut bitmap = vec![0u8; members.div_ceil(8)];
    for &i in signers {
        if i < members {
            bitmap[i / 8] |= 1 << (i % 8);
        }
    }
    bitmap
}

/// Checks a certificate as Move's `bls_committee::verify` does, in its order: the bitmap fits
/// the committee, the signers' weight passes `enough(weight)`, the aggregate signature verifies
/// for the sum of the signers' keys. Returns the signers' weight.
pub fn verify_certificate(
    committee: &[Member<'_>],
    enough: impl Fn(u64) -> bool,
    n_shards: u64,
    signature: &[u8],
    signers_bitmap: &[u8],
    message: &[u8],
) -> Result<u64, BlsError> {
    let members = committee.len();
    if signers_bitmap.len() > members.div_ceil(8) {
        return Err(BlsError::InvalidBitmap { members });
    }
    let mut weight = 0u64;
    let mut keys = Vec::new();
    for (byte_index, byte) in signers_bitmap.iter().enumerate() {
        for bit in 0..8 {
            if byte & (1 << bit) == 0 {
                continue;
            }
            let i = byte_index * 8 + bit;
            let member = committee
                .get(i)
                .ok_or(BlsError::InvalidBitmap { members })?;
            weight += u64::from(member.weight);
            keys.push(member.public_key);
        }
    }
    if !enough(weight) {
        return Err(BlsError::BelowQuorum { weight, n_shards });
    }
    // A registered key that is not a valid point cannot have signed: the aggregate fails.
    let parsed: Vec<min_pk::PublicKey> = keys
        .iter()
        .map(|k| PublicKey::from_bytes(k).map(|p| p.0))
        .collect::<Result<_, _>>()
        .map_err(|_| BlsError::InvalidSignature)?;
    let refs: Vec<&min_pk::PublicKey> = parsed.iter().collect();
    let aggregate = min_pk::AggregatePublicKey::aggregate(&refs, false)
        .map_err(|_| BlsError::InvalidSignature)?
        .to_public_key();
    let signature = Signature::from_bytes(signature).map_err(|_| BlsError::InvalidSignature)?;
    if signature.verify(&PublicKey(aggregate), message) {
        Ok(weight)
    } else {
        Err(BlsError::InvalidSignature)
    }
}

/// `3w >= 2n + 1`: a 2/3 quorum of `n_shards` (Move's `bls_committee::is_quorum`).
pub fn is_quorum(weight: u64, n_shards: u64) -> bool {
    3 * weight > 2 * n_shards
}

pub mod messages {
    //! The messages storage nodes sign, in Walrus's layout (Move's `messages` module): a header
    //! `intent_type u8, intent_version u8 (0), app u8 (3), epoch u32 LE`, then a BCS body.

    /// Application byte of storage messages (Walrus's value).
    pub const APP_ID: u8 = 3;
    /// The only intent version.
    pub const INTENT_VERSION: u8 = 0;
    /// Intent of a proof of possession of a BLS key.
    pub const PROOF_OF_POSSESSION: u8 = 0;
    /// Intent of a blob certificate.
    pub const BLOB_CERT: u8 = 1;
    /// Intent of an invalid-blob-ID certificate.
    pub const INVALID_BLOB_ID: u8 = 2;
    /// Intent of an epoch settlement certificate (Floe's own).
    pub const SETTLEMENT: u8 = 64;

    fn header(intent: u8, epoch: u32) -> Vec<u8> {
        let mut out = vec![intent, INTENT_VERSION, APP_ID];
        out.extend_from_slice(&epoch.to_le_bytes());
        out
    }

    /// The bytes of a blob certificate of `epoch`: the blob ID (32 bytes, as the Move `u256`
    /// is laid out), then `0` for a permanent blob or `1` and the blob object's ID for a
    /// deletable one (Walrus's `BlobPersistenceType`).
    pub fn blob_cert(
        epoch: u32,
        blob_id: &[u8; 32],
        deletable_object: Option<&[u8; 32]>,
    ) -> Vec<u8> {
        let mut out = header(BLOB_CERT, epoch);
        out.extend_from_slice(blob_id);
        match deletable_object {
            Some(object) => {
                out.push(1);
                out.extend_from_slice(object);
            }
            None => out.push(0),
        }
        out
    }

    /// A parsed blob certificate message.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct BlobCert {
        /// The epoch in its header.
        pub epoch: u32,
        /// The blob ID.
        pub blob_id: [u8; 32],
        /// The blob object, for a deletable blob.
        pub deletable_object: Option<[u8; 32]>,
    }

    /// A message's header as Move's `messages::new_certified_message` reads it (length,
    /// intent version, app): its intent type, its epoch and its body; `None` for a wrong
    /// header (Move's `EInvalidMessage`). The epoch is for the caller to compare.
    pub fn parse_header(message: &[u8]) -> Option<(u8, u32, &[u8])> {
        let (head, body) = message.split_at_checked(7)?;
        if head[1] != INTENT_VERSION || head[2] != APP_ID {
            return None;
        }
        let epoch = u32::from_le_bytes(head[3..7].try_into().ok()?);
        Some((head[0], epoch, body))
    }

    /// Parses the body of a blob certificate of intent `intent` as Move's `messages::blob_cert`
    /// does; `None` for another intent or a malformed body (Move's `EInvalidMessage`).
    pub fn parse_blob_cert_body(intent: u8, epoch: u32, body: &[u8]) -> Option<BlobCert> {
        if intent != BLOB_CERT {
            return None;
        }
        let blob_id: [u8; 32] = body.get(..32)?.try_into().ok()?;
        let deletable_object = match (body.get(32), body.len()) {
            (Some(0), 33) => None,
            (Some(1), 65) => Some(body[33..65].try_into().ok()?),
            _ => return None,
        };
        Some(BlobCert {
            epoch,
            blob_id,
            deletable_object,
        })
    }

    /// Parses a whole blob certificate message ([`parse_header`] then
    /// [`parse_blob_cert_body`]); `None` for a wrong header or body.
    pub fn parse_blob_cert(message: &[u8]) -> Option<BlobCert> {
        let (intent, epoch, body) = parse_header(message)?;
        parse_blob_cert_body(intent, epoch, body)
    }

    /// The bytes a node signs to prove it holds the secret key of `bls_key` (48 bytes) for
    /// `sui_address`.
    pub fn proof_of_possession(epoch: u32, sui_address: &[u8; 32], bls_key: &[u8]) -> Vec<u8> {
        let mut out = header(PROOF_OF_POSSESSION, epoch);
        out.extend_from_slice(sui_address);
        out.extend_from_slice(bls_key);
        out
    }

    /// The bytes of a settlement certificate of `epoch` over the settlement header digest.
    pub fn settlement(epoch: u32, digest: &[u8; 32]) -> Vec<u8> {
        let mut out = header(SETTLEMENT, epoch);
        out.extend_from_slice(digest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committee_keys(n: u64) -> Vec<SecretKey> {
        (1..=n)
            .map(|s| SecretKey::from_scalar(s).expect("a scalar"))
            .collect()
    }

    #[test]
    fn a_quorum_certificate_verifies_and_forgeries_do_not() {
        let keys = committee_keys(4);
        let pks: Vec<[u8; 48]> = keys.iter().map(|k| k.public_key().to_bytes()).collect();
        let weights = [3u16, 3, 2, 2];
        let committee: Vec<Member> = pks
            .iter()
            .zip(weights)
            .map(|(k, w)| Member {
                public_key: k,
                weight: w,
            })
            .collect();
        let message = messages::blob_cert(1, &[7; 32], None);
        let signers = [0usize, 1, 2];
        let sigs: Vec<Signature> = signers.iter().map(|&i| keys[i].sign(&message)).collect();
        let aggregate = Signature::aggregate(&sigs).expect("aggregates").to_bytes();
        let bitmap = signers_bitmap(&signers, 4);
        let quorum = |w| is_quorum(w, 10);
        assert_eq!(
            verify_certificate(&committee, quorum, 10, &aggregate, &bitmap, &message),
            Ok(8)
        );
        // Another message, a missing signer, a bitmap claiming a signer that did not sign.
        let other = messages::blob_cert(1, &[8; 32], None);
        assert_eq!(
            verify_certificate(&committee, quorum, 10, &aggregate, &bitmap, &other),
            Err(BlsError::InvalidSignature)
        );
        let partial = Signature::aggregate(&sigs[..2])
            .expect("aggregates")
            .to_bytes();
        assert_eq!(
            verify_certificate(&committee, quorum, 10, &partial, &bitmap, &message),
            Err(BlsError::InvalidSignature)
        );
        let all = signers_bitmap(&[0, 1, 2, 3], 4);
        assert_eq!(
            verify_certificate(&committee, quorum, 10, &aggregate, &all, &message),
            Err(BlsError::InvalidSignature)
        );
        // Two signers hold 6 of 10 shards: below quorum, whatever the signature.
        let two = signers_bitmap(&[0, 1], 4);
        assert_eq!(
            verify_certificate(&committee, quorum, 10, &partial, &two, &message),
            Err(BlsError::BelowQuorum {
                weight: 6,
                n_shards: 10
            })
        );
        // A bitmap naming member 5 of 4, or two bytes for four members.
        assert_eq!(
            verify_certificate(&committee, quorum, 10, &aggregate, &[0b10111], &message),
            Err(BlsError::InvalidBitmap { members: 4 })
        );
        assert_eq!(
            verify_certificate(&committee, quorum, 10, &aggregate, &[7, 0], &message),
            Err(BlsError::InvalidBitmap { members: 4 })
        );
        // Garbage signature bytes.
        assert_eq!(
            verify_certificate(&committee, quorum, 10, &[1; 96], &bitmap, &message),
            Err(BlsError::InvalidSignature)
        );
    }

    #[test]
    fn blob_cert_messages_round_trip_and_refuse_bad_layouts() {
        let permanent = messages::blob_cert(5, &[1; 32], None);
        assert_eq!(permanent.len(), 7 + 33);
        assert_eq!(
            messages::parse_blob_cert(&permanent),
            Some(messages::BlobCert {
                epoch: 5,
                blob_id: [1; 32],
                deletable_object: None
            })
        );
        let deletable = messages::blob_cert(5, &[1; 32], Some(&[2; 32]));
        assert_eq!(
            messages::parse_blob_cert(&deletable).and_then(|c| c.deletable_object),
            Some([2; 32])
        );
        let mut wrong_app = permanent.clone();
        wrong_app[2] = 4;
        assert_eq!(messages::parse_blob_cert(&wrong_app), None);
        assert_eq!(messages::parse_blob_cert(&permanent[..39]), None);
        let mut bad_tag = permanent.clone();
        bad_tag[39] = 1;
        assert_eq!(messages::parse_blob_cert(&bad_tag), None);
    }

    #[test]
    fn keys_and_signatures_round_trip_and_invalid_points_are_refused() {
        let key = SecretKey::from_seed(&[9; 32]).expect("a key");
        let again = SecretKey::from_bytes(&key.to_bytes()).expect("parses");
        assert_eq!(key.public_key(), again.public_key());
        let pk = PublicKey::from_bytes(&key.public_key().to_bytes()).expect("parses");
        let sig = key.sign(b"floe");
        assert!(Signature::from_bytes(&sig.to_bytes())
            .expect("parses")
            .verify(&pk, b"floe"));
        assert!(!sig.verify(&pk, b"walrus"));
        assert!(PublicKey::from_bytes(&[7; 48]).is_err());
        assert!(PublicKey::from_bytes(&[0; 47]).is_err());
        assert!(SecretKey::from_seed(&[1; 8]).is_err());
    }
}
