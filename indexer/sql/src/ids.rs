//! Text forms of the chain's values in the index: object ids and addresses as `0x` + 64
//! lowercase hex digits, blob ids in Walrus's URL-safe base64 (no padding) of their 32
//! little-endian bytes, and FROST amounts as `BIGINT` (checked: a `u64` above `i64::MAX` is an
//! error, never a wrapped value).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};

/// `0x` + 64 hex digits.
pub fn object_id(bytes: &[u8; 32]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// A blob id in Walrus's text form.
pub fn blob_id(bytes: &[u8; 32]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The bytes of a blob id in Walrus's text form.
pub fn parse_blob_id(text: &str) -> Option<[u8; 32]> {
    let v = URL_SAFE_NO_PAD.decode(text).ok()?;
    v.try_into().ok()
}

/// The bytes of an object id or address given as `0x` + 1 to 64 hex digits.
pub fn parse_object_bytes(text: &str) -> Option<[u8; 32]> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if digits.is_empty() || digits.len() > 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(format!("{digits:0>64}"), &mut bytes).ok()?;
    Some(bytes)
}

/// An object id or address given as `0x` + 1 to 64 hex digits, normalized to its full form.
pub fn parse_object_id(text: &str) -> Option<String> {
    parse_object_bytes(text).map(|b| object_id(&b))
}

/// An unsigned chain value that does not fit a `BIGINT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{field} = {value} does not fit a BIGINT")]
pub struct TooLarge {
    /// The field.
    pub field: &'static str,
    /// Its value.
    pub value: u64,
}

/// `value` as a `BIGINT`.
pub fn big(field: &'static str, value: u64) -> Result<i64, TooLarge> {
    i64::try_from(value).map_err(|_| TooLarge { field, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_one_text_form() {
        let mut b = [0u8; 32];
        b[31] = 0xab;
        assert_eq!(object_id(&b), format!("0x{}ab", "0".repeat(62)));
        assert_eq!(parse_object_id("0xAB"), Some(object_id(&b)));
        assert_eq!(parse_object_id("0x"), None);
        assert_eq!(parse_object_id("0xzz"), None);
        assert_eq!(parse_object_id(&format!("0x{}", "1".repeat(65))), None);
        let id = blob_id(&b);
        assert_eq!(parse_blob_id(&id), Some(b));
        assert_eq!(parse_blob_id("not a blob id!"), None);
        assert_eq!(
            big("x", u64::MAX),
            Err(TooLarge {
                field: "x",
                value: u64::MAX
            })
        );
        assert_eq!(big("x", 7), Ok(7));
    }
}
