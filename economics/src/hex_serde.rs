//! Serde forms of 32-byte values: `0x` + 64 lowercase hex digits in human-readable formats
//! (JSON scenario files, the ledger's log, APIs), the 32 raw bytes in binary ones (BCS, where a
//! Move `ID`, `address` or `vector<u8>` of fixed length is exactly those bytes).

use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};

/// `0x` followed by the bytes in lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Parses hex digits with an optional `0x` prefix: an even number of `0-9a-fA-F` and nothing
/// else (no sign, no spaces).
pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let digits = s.strip_prefix("0x").unwrap_or(s);
    hex::decode(digits).map_err(|e| format!("not hex ({e}): {s:?}"))
}

/// Parses `0x` + 1 to 64 hex digits as 32 bytes, left-padding with zeros as Sui writes short
/// addresses (`0x2` is `0x00…02`).
pub fn parse_hex32(s: &str) -> Result<[u8; 32], String> {
    let digits = s.strip_prefix("0x").unwrap_or(s);
    if digits.is_empty() || digits.len() > 64 {
        return Err(format!("not a 32-byte hex id: {s:?}"));
    }
    let mut out = [0u8; 32];
    let padded = format!("{digits:0>64}");
    hex::decode_to_slice(&padded, &mut out).map_err(|_| format!("not a 32-byte hex id: {s:?}"))?;
    Ok(out)
}

/// `#[serde(with = "bytes32")]` for a `[u8; 32]` field.
pub mod bytes32 {
    use super::*;

    /// Hex text in human-readable formats, the raw bytes otherwise.
    pub fn serialize<S: Serializer>(b: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&to_hex(b))
        } else {
            b.serialize(s)
        }
    }

    /// The inverse of [`serialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            parse_hex32(&s).map_err(D::Error::custom)
        } else {
            <[u8; 32]>::deserialize(d)
        }
    }
}

/// `#[serde(with = "bytes32_vec")]` for a `Vec<[u8; 32]>` field.
pub mod bytes32_vec {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct One(#[serde(with = "bytes32")] [u8; 32]);

    /// Each element as [`bytes32`] writes it.
    pub fn serialize<S: Serializer>(v: &[[u8; 32]], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|b| One(*b)))
    }

    /// The inverse of [`serialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[u8; 32]>, D::Error> {
        Ok(Vec::<One>::deserialize(d)?
            .into_iter()
            .map(|o| o.0)
            .collect())
    }
}

/// `#[serde(with = "bytes")]` for a `Vec<u8>` field: hex text in human-readable formats, BCS
/// `vector<u8>` otherwise.
pub mod bytes {
    use super::*;

    /// Hex text in human-readable formats, length-prefixed bytes otherwise.
    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&to_hex(b))
        } else {
            b.serialize(s)
        }
    }

    /// The inverse of [`serialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            parse_hex(&s).map_err(D::Error::custom)
        } else {
            Vec::<u8>::deserialize(d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_parsing_is_strict() {
        assert_eq!(parse_hex("0x0f10"), Ok(vec![0x0f, 0x10]));
        assert_eq!(parse_hex("0F10"), Ok(vec![0x0f, 0x10]));
        for bad in [
            "0x+0f10e", "0x+f", "0x0f1", "0x 0f", "0xzz", "-0f", "0x0x0f",
        ] {
            assert!(parse_hex(bad).is_err(), "{bad:?} accepted");
        }
        let mut two = [0u8; 32];
        two[31] = 2;
        assert_eq!(parse_hex32("0x2"), Ok(two));
        for bad in [
            "0x",
            "",
            "0x+2",
            "0x-2",
            " 0x2",
            &format!("0x{}", "1".repeat(65)),
        ] {
            assert!(parse_hex32(bad).is_err(), "{bad:?} accepted");
        }
    }
}
