/// `StorageNodeCap`: the operator capability returned by node registration. It authorizes the
/// node's votes, commission settings and epoch sync reports.
module floe::node_cap;

public struct StorageNodeCap has key, store {
    id: UID,
    node_id: ID,
}

public(package) fun new(node_id: ID, ctx: &mut TxContext): StorageNodeCap {
    StorageNodeCap { id: object::new(ctx), node_id }
}

/// The node (and staking pool) this capability operates.
public fun node_id(cap: &StorageNodeCap): ID { cap.node_id }

#[test_only]
public fun destroy_for_testing(cap: StorageNodeCap) {
    let StorageNodeCap { id, .. } = cap;
    id.delete();
}
