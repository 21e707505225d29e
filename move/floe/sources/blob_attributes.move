/// Key–value attributes of a blob (content type, file name, …): Walrus's blob `metadata`, kept
/// as a dynamic field named `metadata` on the `Blob` object, so the same readers find them.
/// Bounded so a blob object stays small: at most 32 pairs, keys of 1 to 128 bytes, values of at
/// most 1,024 bytes.
module floe::blob_attributes;

use std::string::String;
use sui::vec_map::{Self, VecMap};

/// Most pairs on one blob.
const MAX_ATTRIBUTES: u64 = 32;
/// Longest key, in bytes.
const MAX_KEY_LENGTH: u64 = 128;
/// Longest value, in bytes.
const MAX_VALUE_LENGTH: u64 = 1024;

/// An empty key, or a key or value longer than allowed.
const EStringTooLong: u64 = 110;
/// A new key on a blob that already has `MAX_ATTRIBUTES` pairs.
const ETooManyAttributes: u64 = 114;
/// The blob has no attribute with this key.
const EMissingAttribute: u64 = 115;

/// The pairs, in insertion order.
public struct Attributes has drop, store {
    pairs: VecMap<String, String>,
}

public(package) fun new(): Attributes { Attributes { pairs: vec_map::empty() } }

/// The pairs.
public fun pairs(a: &Attributes): &VecMap<String, String> { &a.pairs }

/// The value of `key`, if set.
public fun get(a: &Attributes, key: &String): Option<String> { a.pairs.try_get(key) }

/// Sets `key` to `value` (replacing a previous value).
public(package) fun set(a: &mut Attributes, key: String, value: String) {
    assert!(key.length() > 0 && key.length() <= MAX_KEY_LENGTH, EStringTooLong);
    assert!(value.length() <= MAX_VALUE_LENGTH, EStringTooLong);
    if (a.pairs.contains(&key)) {
        *&mut a.pairs[&key] = value;
    } else {
        assert!(a.pairs.length() < MAX_ATTRIBUTES, ETooManyAttributes);
        a.pairs.insert(key, value);
    }
}

/// Removes `key`; returns its value.
public(package) fun remove(a: &mut Attributes, key: &String): String {
    assert!(a.pairs.contains(key), EMissingAttribute);
    let (_, value) = a.pairs.remove(key);
    value
}

/// Number of pairs.
public fun length(a: &Attributes): u64 { a.pairs.length() }

#[test]
fun set_update_remove() {
    let mut a = new();
    a.set(b"content-type".to_string(), b"text/plain".to_string());
    a.set(b"content-type".to_string(), b"image/png".to_string());
    a.set(b"filename".to_string(), b"cat.png".to_string());
    assert!(a.length() == 2);
    assert!(a.get(&b"content-type".to_string()) == option::some(b"image/png".to_string()));
    assert!(a.remove(&b"filename".to_string()) == b"cat.png".to_string());
    assert!(a.get(&b"filename".to_string()).is_none());
}

#[test, expected_failure(abort_code = EStringTooLong)]
fun long_value_rejected() {
    let mut a = new();
    a.set(b"k".to_string(), std::string::utf8(vector::tabulate!(MAX_VALUE_LENGTH + 1, |_| 97u8)));
}

#[test, expected_failure(abort_code = EStringTooLong)]
fun empty_key_rejected() {
    new().set(b"".to_string(), b"v".to_string());
}

#[test, expected_failure(abort_code = ETooManyAttributes)]
fun too_many_rejected() {
    let mut a = new();
    (MAX_ATTRIBUTES + 1).do!(|i| a.set(std::string::utf8(vector[65 + (i as u8)]), b"v".to_string()));
}

#[test, expected_failure(abort_code = EMissingAttribute)]
fun missing_key_rejected() {
    new().remove(&b"nope".to_string());
}
