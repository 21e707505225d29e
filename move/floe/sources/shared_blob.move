/// `SharedBlob`: a certified blob wrapped with a WAL balance, shared so that anyone can add to
/// the balance and anyone can extend the blob's lifetime from it: community data stays alive
/// without an owner (Walrus's shared blobs). The blob can never be deleted once shared.
module floe::shared_blob;

use floe::blob::Blob;
use sui::balance::Balance;
use wal::wal::WAL;

public struct SharedBlob has key {
    id: UID,
    blob: Blob,
    funds: Balance<WAL>,
}

/// Wraps `blob` with `funds`.
public(package) fun new(blob: Blob, funds: Balance<WAL>, ctx: &mut TxContext): SharedBlob {
    SharedBlob { id: object::new(ctx), blob, funds }
}

/// Shares it.
#[allow(lint(share_owned))]
public(package) fun share(s: SharedBlob) {
    transfer::share_object(s);
}

public fun blob(s: &SharedBlob): &Blob { &s.blob }

public fun funds(s: &SharedBlob): u64 { s.funds.value() }

public(package) fun blob_mut(s: &mut SharedBlob): &mut Blob { &mut s.blob }

public(package) fun funds_mut(s: &mut SharedBlob): &mut Balance<WAL> { &mut s.funds }

/// The blob and a mutable view of the funds, together (an extension pays from the funds into
/// the blob).
public(package) fun parts_mut(s: &mut SharedBlob): (&mut Blob, &mut Balance<WAL>) {
    (&mut s.blob, &mut s.funds)
}
