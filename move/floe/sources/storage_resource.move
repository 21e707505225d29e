/// `Storage`: the right to store `storage_size` encoded bytes during epochs
/// `[start_epoch, end_epoch)`. Bought with `system::reserve_space`, consumed by a blob, and
/// split or fused freely by its owner through `floe::system` (which emits `StorageSplit` and
/// `StorageFused`, so an indexer follows resources from events alone).
module floe::storage_resource;

/// A split point outside the resource (epoch not strictly inside, or size not smaller).
const EInvalidSplit: u64 = 35;
/// Resources to fuse are neither the same epochs nor adjacent epochs of the same size.
const EIncompatibleStorage: u64 = 34;

public struct Storage has key, store {
    id: UID,
    start_epoch: u32,
    end_epoch: u32,
    storage_size: u64,
}

public(package) fun create(
    start_epoch: u32,
    end_epoch: u32,
    storage_size: u64,
    ctx: &mut TxContext,
): Storage {
    Storage { id: object::new(ctx), start_epoch, end_epoch, storage_size }
}

public fun start_epoch(s: &Storage): u32 { s.start_epoch }

public fun end_epoch(s: &Storage): u32 { s.end_epoch }

public fun size(s: &Storage): u64 { s.storage_size }

/// Splits off `[split_epoch, end)` as a new resource; `s` keeps `[start, split_epoch)`.
public(package) fun split_by_epoch(
    s: &mut Storage,
    split_epoch: u32,
    ctx: &mut TxContext,
): Storage {
    assert!(split_epoch > s.start_epoch && split_epoch < s.end_epoch, EInvalidSplit);
    let tail = create(split_epoch, s.end_epoch, s.storage_size, ctx);
    s.end_epoch = split_epoch;
    tail
}

/// Splits off `storage_size - split_size` bytes as a new resource; `s` keeps `split_size`.
public(package) fun split_by_size(
    s: &mut Storage,
    split_size: u64,
    ctx: &mut TxContext,
): Storage {
    assert!(split_size > 0 && split_size < s.storage_size, EInvalidSplit);
    let rest = create(s.start_epoch, s.end_epoch, s.storage_size - split_size, ctx);
    s.storage_size = split_size;
    rest
}

/// True if `fuse(first, second)` would succeed.
public fun can_fuse(first: &Storage, second: &Storage): bool {
    (first.start_epoch == second.start_epoch && first.end_epoch == second.end_epoch)
        || (first.storage_size == second.storage_size
            && (first.end_epoch == second.start_epoch || second.end_epoch == first.start_epoch))
}

/// Fuses `second` into `first`: same epochs add their sizes; adjacent epochs of the same size
/// join their periods.
public(package) fun fuse(first: &mut Storage, second: Storage) {
    assert!(first.can_fuse(&second), EIncompatibleStorage);
    let Storage { id, start_epoch, end_epoch, storage_size } = second;
    id.delete();
    if (first.start_epoch == start_epoch && first.end_epoch == end_epoch) {
        first.storage_size = first.storage_size + storage_size;
    } else if (first.end_epoch == start_epoch) {
        first.end_epoch = end_epoch;
    } else {
        first.start_epoch = start_epoch;
    }
}

/// Destroys a resource (its owner gives up the storage).
public fun destroy(s: Storage) {
    let Storage { id, .. } = s;
    id.delete();
}

#[test]
fun split_and_fuse() {
    let ctx = &mut tx_context::dummy();
    let mut s = create(2, 10, 1000, ctx);
    let tail = s.split_by_epoch(6, ctx);
    assert!(s.end_epoch() == 6 && tail.start_epoch() == 6 && tail.end_epoch() == 10);
    s.fuse(tail);
    assert!(s.start_epoch() == 2 && s.end_epoch() == 10 && s.size() == 1000);
    let rest = s.split_by_size(300, ctx);
    assert!(s.size() == 300 && rest.size() == 700);
    s.fuse(rest);
    assert!(s.size() == 1000);
    let mut head = create(0, 2, 1000, ctx);
    head.fuse(s);
    assert!(head.start_epoch() == 0 && head.end_epoch() == 10);
    let mut later = create(10, 12, 1000, ctx);
    let earlier = create(0, 10, 1000, ctx);
    later.fuse(earlier);
    assert!(later.start_epoch() == 0 && later.end_epoch() == 12);
    later.destroy();
    head.destroy();
}

#[test, expected_failure(abort_code = EInvalidSplit)]
fun split_at_edge_rejected() {
    let ctx = &mut tx_context::dummy();
    let mut s = create(2, 10, 1000, ctx);
    let t = s.split_by_epoch(10, ctx);
    t.destroy();
    s.destroy();
}

#[test, expected_failure(abort_code = EInvalidSplit)]
fun split_whole_size_rejected() {
    let ctx = &mut tx_context::dummy();
    let mut s = create(2, 10, 1000, ctx);
    let t = s.split_by_size(1000, ctx);
    t.destroy();
    s.destroy();
}

#[test, expected_failure(abort_code = EIncompatibleStorage)]
fun fuse_gap_rejected() {
    let ctx = &mut tx_context::dummy();
    let mut s = create(2, 10, 1000, ctx);
    s.fuse(create(11, 12, 1000, ctx));
    s.destroy();
}
