/// `System`: the shared object of Floe and its public API (callable from programmable
/// transactions). The state lives in a `SystemInner` behind a dynamic field keyed by the
/// package version, so an upgrade can migrate it; every call checks the version.
module floe::system;

use floe::{
    blob::Blob,
    bls_committee::BlsCommittee,
    governance::Proposal,
    node_cap::StorageNodeCap,
    params::Params,
    settlement::EndedEpoch,
    shared_blob::SharedBlob,
    staked_wal::StakedWal,
    staking_pool::StakingPool,
    storage_pool::StoragePool,
    storage_resource::Storage,
    system_inner::{Self, SystemInner}
};
use std::string::String;
use sui::{clock::Clock, coin::Coin, dynamic_field as df, random::{Random, RandomGenerator}};
use wal::wal::{WAL, ProtectedTreasury};

/// Version of this package's state layout.
const VERSION: u64 = 1;

/// The shared object was created by (or migrated to) another package version.
const EWrongVersion: u64 = 105;

public struct System has key {
    id: UID,
    version: u64,
}

/// The one-time capability to create the `System`, sent to the publisher.
public struct InitCap has key, store {
    id: UID,
}

fun init(ctx: &mut TxContext) {
    transfer::transfer(InitCap { id: object::new(ctx) }, ctx.sender());
}

/// Creates and shares the `System` (once: consumes the `InitCap`).
public fun create(
    cap: InitCap,
    params: Params,
    storage_price_usd: u64,
    write_price_usd: u64,
    wal_usd_rate: u64,
    total_capacity_size: u64,
    clock: &Clock,
    ctx: &mut TxContext,
) {
    let InitCap { id } = cap;
    id.delete();
    share(
        params,
        storage_price_usd,
        write_price_usd,
        wal_usd_rate,
        total_capacity_size,
        clock,
        ctx,
    );
}

#[allow(lint(share_owned))]
fun share(
    params: Params,
    storage_price_usd: u64,
    write_price_usd: u64,
    wal_usd_rate: u64,
    total_capacity_size: u64,
    clock: &Clock,
    ctx: &mut TxContext,
) {
    let inner = system_inner::create(
        params,
        storage_price_usd,
        write_price_usd,
        wal_usd_rate,
        total_capacity_size,
        clock,
        ctx,
    );
    let mut system = System { id: object::new(ctx), version: VERSION };
    df::add(&mut system.id, VERSION, inner);
    transfer::share_object(system);
}

fun check_version(s: &System) {
    assert!(s.version == VERSION, EWrongVersion);
}

fun inner(s: &System): &SystemInner {
    assert!(s.version == VERSION, EWrongVersion);
    df::borrow(&s.id, VERSION)
}

fun inner_mut(s: &mut System): &mut SystemInner {
    assert!(s.version == VERSION, EWrongVersion);
    df::borrow_mut(&mut s.id, VERSION)
}

// === Nodes and staking ===

/// Registers a storage node (BLS key with its proof of possession, votes); returns its
/// operator capability. The node's staking pool has the node's ID.
public fun register_node(
    s: &mut System,
    name: String,
    network_address: String,
    public_key: vector<u8>,
    proof_of_possession: vector<u8>,
    commission_rate: u16,
    storage_price_usd: u64,
    write_price_usd: u64,
    node_capacity: u64,
    wal_usd_rate: u64,
    ctx: &mut TxContext,
): StorageNodeCap {
    s
        .inner_mut()
        .register_node(
            name,
            network_address,
            public_key,
            proof_of_possession,
            commission_rate,
            storage_price_usd,
            write_price_usd,
            node_capacity,
            wal_usd_rate,
            ctx,
        )
}

/// Stakes `coin` (at least `min_stake`) with `node_id`.
public fun stake_with_pool(
    s: &mut System,
    coin: Coin<WAL>,
    node_id: ID,
    ctx: &mut TxContext,
): StakedWal {
    s.inner_mut().stake(coin, node_id, ctx)
}

/// Requests the withdrawal of an active stake.
public fun request_withdraw_stake(s: &mut System, staked: &mut StakedWal) {
    s.inner_mut().request_withdraw_stake(staked);
}

/// Withdraws a stake: after its withdrawal epoch, or at once if it never became active.
public fun withdraw_stake(s: &mut System, staked: StakedWal, ctx: &mut TxContext): Coin<WAL> {
    s.inner_mut().withdraw_stake(staked, ctx)
}

/// Keeps a receipt (from `stake_with_pool` or `split_staked_wal`) with the sender: receipts
/// have `key` only, so a transaction hands them over with this or `transfer_staked_wal`.
public fun keep_staked_wal(staked: StakedWal, ctx: &mut TxContext) {
    staked.transfer_to(ctx.sender());
}

/// Gives a receipt to `to` (emits `StakedWalTransferred`).
public fun transfer_staked_wal(s: &System, staked: StakedWal, to: address, ctx: &mut TxContext) {
    s.inner().transfer_staked_wal(staked, to, ctx);
}

/// Splits `amount` (at least 1 WAL, leaving at least 1 WAL) of a receipt that is not
/// withdrawing into a new receipt of the same node and activation.
public fun split_staked_wal(
    s: &System,
    staked: &mut StakedWal,
    amount: u64,
    ctx: &mut TxContext,
): StakedWal {
    s.inner().split_staked_wal(staked, amount, ctx)
}

/// Joins `other` into `staked` (same node and activation, neither withdrawing).
public fun join_staked_wal(s: &System, staked: &mut StakedWal, other: StakedWal) {
    s.inner().join_staked_wal(staked, other);
}

/// Sets the node's commission rate (basis points) for two epochs from now.
public fun set_next_commission(s: &mut System, cap: &StorageNodeCap, rate: u16) {
    s.inner_mut().set_next_commission(cap, rate);
}

/// Sets who may collect the node's commission.
public fun set_commission_receiver(s: &mut System, cap: &StorageNodeCap, receiver: address) {
    s.inner_mut().set_commission_receiver(cap, receiver);
}

/// Collects the node's commission (sender must be its commission receiver).
public fun collect_commission(s: &mut System, node_id: ID, ctx: &mut TxContext): Coin<WAL> {
    s.inner_mut().collect_commission(node_id, ctx)
}

// === Votes ===

/// Votes the node's USD prices (nano-USD per MiB per epoch, per MiB written).
public fun vote_prices(
    s: &mut System,
    cap: &StorageNodeCap,
    storage_price_usd: u64,
    write_price_usd: u64,
) {
    s.inner_mut().vote_prices(cap, storage_price_usd, write_price_usd);
}

/// Votes the capacity (bytes) the node offers.
public fun vote_capacity(s: &mut System, cap: &StorageNodeCap, node_capacity: u64) {
    s.inner_mut().vote_capacity(cap, node_capacity);
}

/// Reports the WAL/USD rate the node sees (nano-USD per WAL).
public fun report_wal_usd_rate(s: &mut System, cap: &StorageNodeCap, rate: u64) {
    s.inner_mut().report_wal_usd_rate(cap, rate);
}

/// Samples the committee's WAL/USD rate (anyone may call, once per sample interval).
public fun sample_wal_usd_rate(s: &mut System, clock: &Clock) {
    s.inner_mut().sample_wal_usd_rate(clock);
}

// === Epochs ===

/// From mid-epoch: selects the next committee, prices and capacity (anyone may call).
public fun voting_end(s: &mut System, clock: &Clock) {
    s.inner_mut().voting_end(clock);
}

/// After a full epoch: starts the next epoch (anyone may call).
public fun initiate_epoch_change(
    s: &mut System,
    treasury: &mut ProtectedTreasury,
    clock: &Clock,
    ctx: &mut TxContext,
) {
    s.inner_mut().initiate_epoch_change(treasury, clock, ctx);
}

/// A committee member reports its shards in sync for `epoch`.
public fun epoch_sync_done(s: &mut System, cap: &StorageNodeCap, epoch: u32) {
    s.inner_mut().epoch_sync_done(cap, epoch);
}

// === Storage ===

/// Buys storage for the current epoch and the next `epochs_ahead - 1`, paid from `payment`.
public fun reserve_space(
    s: &mut System,
    storage_size: u64,
    epochs_ahead: u32,
    payment: &mut Coin<WAL>,
    ctx: &mut TxContext,
): Storage {
    s.inner_mut().reserve_space(storage_size, epochs_ahead, payment, ctx)
}

/// Registers a blob on `storage`, paying its write fee from `write_payment`.
public fun register_blob(
    s: &mut System,
    storage: Storage,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    deletable: bool,
    write_payment: &mut Coin<WAL>,
    ctx: &mut TxContext,
): Blob {
    s
        .inner_mut()
        .register_blob(
            storage,
            blob_id,
            root_hash,
            size,
            encoding_type,
            deletable,
            write_payment,
            ctx,
        )
}

/// Certifies a blob with an aggregate certificate of the current committee.
public fun certify_blob(
    s: &System,
    blob: &mut Blob,
    signature: vector<u8>,
    signers_bitmap: vector<u8>,
    message: vector<u8>,
) {
    s.inner().certify_blob(blob, signature, signers_bitmap, message);
}

/// Extends a certified blob by `extended_epochs`, paid from `payment`.
public fun extend_blob(
    s: &mut System,
    blob: &mut Blob,
    extended_epochs: u32,
    payment: &mut Coin<WAL>,
    ctx: &mut TxContext,
) {
    s.inner_mut().extend_blob(blob, extended_epochs, payment, ctx);
}

/// Extends a certified blob with a storage resource starting at its end epoch.
public fun extend_blob_with_resource(s: &System, blob: &mut Blob, extension: Storage) {
    s.inner().extend_blob_with_resource(blob, extension);
}

/// Deletes a deletable blob, returning its storage.
public fun delete_blob(s: &System, blob: Blob): Storage {
    s.inner().delete_blob(blob)
}

/// Splits a storage resource at `split_epoch`; the new resource covers the later epochs.
public fun split_storage_by_epoch(
    s: &System,
    storage: &mut Storage,
    split_epoch: u32,
    ctx: &mut TxContext,
): Storage {
    s.check_version();
    system_inner::split_storage_by_epoch(storage, split_epoch, ctx)
}

/// Splits a storage resource by size: it keeps `split_size` bytes, the new one the rest.
public fun split_storage_by_size(
    s: &System,
    storage: &mut Storage,
    split_size: u64,
    ctx: &mut TxContext,
): Storage {
    s.check_version();
    system_inner::split_storage_by_size(storage, split_size, ctx)
}

/// Fuses `other` into `storage`: the same epochs (sizes add) or adjacent epochs of one size.
public fun fuse_storage(s: &System, storage: &mut Storage, other: Storage) {
    s.check_version();
    system_inner::fuse_storage(storage, other);
}

// === Blob attributes, burn, replacement ===

/// Sets a blob's attribute `key` to `value` (at most 32 pairs; keys 1-128 bytes, values at
/// most 1,024): content type, file name and the like, served back by aggregators.
public fun set_blob_attribute(s: &System, blob: &mut Blob, key: String, value: String) {
    s.inner().set_blob_attribute(blob, key, value);
}

/// Removes a blob's attribute `key`.
public fun remove_blob_attribute(s: &System, blob: &mut Blob, key: String) {
    s.inner().remove_blob_attribute(blob, key);
}

/// Burns a blob object, for its storage rebate; a certified blob's data stays stored until its
/// end epoch, but the blob can no longer be extended or deleted.
public fun burn_blob(s: &System, blob: Blob) {
    s.inner().burn_blob(blob);
}

/// Replaces a deletable blob's content under the same object: the new blob ID's derivation and
/// encoded size are checked against the blob's storage, its write fee is paid from
/// `write_payment`, the old content becomes deletable by the nodes, and the blob waits for the
/// new content's certificate (`certify_blob`).
public fun replace_blob(
    s: &mut System,
    blob: &mut Blob,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    write_payment: &mut Coin<WAL>,
) {
    s.inner_mut().replace_blob(blob, blob_id, root_hash, size, encoding_type, write_payment);
}

// === Shared blobs ===

/// Wraps a certified blob with `funds` into a shared blob that anyone may fund and extend.
public fun share_blob(s: &System, blob: Blob, funds: Coin<WAL>, ctx: &mut TxContext) {
    s.inner().share_blob(blob, funds, ctx);
}

/// Adds `funds` to a shared blob.
public fun fund_shared_blob(s: &System, shared: &mut SharedBlob, funds: Coin<WAL>) {
    s.inner().fund_shared_blob(shared, funds);
}

/// Extends a shared blob by `extended_epochs`, paid from its funds.
public fun extend_shared_blob(
    s: &mut System,
    shared: &mut SharedBlob,
    extended_epochs: u32,
    ctx: &mut TxContext,
) {
    s.inner_mut().extend_shared_blob(shared, extended_epochs, ctx);
}

// === Storage pools ===

/// A storage pool over `storage` (covering the current epoch): many blobs share its capacity.
public fun create_storage_pool(s: &System, storage: Storage, ctx: &mut TxContext): StoragePool {
    s.inner().create_storage_pool(storage, ctx)
}

/// Registers a blob against `pool`, paying its write fee; returns its object ID.
public fun register_pooled_blob(
    s: &mut System,
    pool: &mut StoragePool,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    deletable: bool,
    write_payment: &mut Coin<WAL>,
    ctx: &mut TxContext,
): ID {
    s
        .inner_mut()
        .register_pooled_blob(
            pool,
            blob_id,
            root_hash,
            size,
            encoding_type,
            deletable,
            write_payment,
            ctx,
        )
}

/// Certifies a pooled blob with an aggregate certificate of the current committee.
public fun certify_pooled_blob(
    s: &System,
    pool: &mut StoragePool,
    signature: vector<u8>,
    signers_bitmap: vector<u8>,
    message: vector<u8>,
) {
    s.inner().certify_pooled_blob(pool, signature, signers_bitmap, message);
}

/// Deletes a deletable pooled blob; its space returns to the pool.
public fun delete_pooled_blob(s: &System, pool: &mut StoragePool, blob_id: u256) {
    s.inner().delete_pooled_blob(pool, blob_id);
}

/// Extends a pool (and all its blobs) by `extended_epochs`, paid from `payment`.
public fun extend_storage_pool(
    s: &mut System,
    pool: &mut StoragePool,
    extended_epochs: u32,
    payment: &mut Coin<WAL>,
    ctx: &mut TxContext,
) {
    s.inner_mut().extend_storage_pool(pool, extended_epochs, payment, ctx);
}

/// Marks a blob ID invalid, on a certificate from more than a third of the shards.
public fun invalidate_blob_id(
    s: &System,
    signature: vector<u8>,
    signers_bitmap: vector<u8>,
    message: vector<u8>,
): u256 {
    s.inner().invalidate_blob_id(signature, signers_bitmap, message)
}

// === Challenges ===

/// Draws this epoch's challenge seed from Sui's randomness (anyone may call, once per epoch).
/// An entry function, as Sui requires of a function reading `Random`.
entry fun draw_challenge_seed(s: &mut System, r: &Random, ctx: &mut TxContext) {
    let mut g = r.new_generator(ctx);
    s.draw_seed(&mut g);
}

fun draw_seed(s: &mut System, g: &mut RandomGenerator) {
    s.inner_mut().set_challenge_seed(g.generate_bytes(32));
}

/// A committee member's challenge results for `epoch`: one pass rate (basis points) per
/// committee member, in committee order.
public fun submit_challenge_results(
    s: &mut System,
    cap: &StorageNodeCap,
    epoch: u32,
    results: vector<u16>,
) {
    s.inner_mut().submit_challenge_results(cap, epoch, results);
}

// === Settlement ===

/// Settles ended `epoch` with a 2/3 quorum certificate (aggregate signature, signers bitmap)
/// of the committee that served it over the settlement header's digest; burns `burned`.
public fun settle_epoch(
    s: &mut System,
    treasury: &mut ProtectedTreasury,
    epoch: u32,
    n_entries: u32,
    pot: u64,
    burned: u64,
    paid: u64,
    entries_root: vector<u8>,
    signature: vector<u8>,
    signers_bitmap: vector<u8>,
    ctx: &mut TxContext,
) {
    s
        .inner_mut()
        .settle_epoch(
            treasury,
            epoch,
            n_entries,
            pot,
            burned,
            paid,
            entries_root,
            signature,
            signers_bitmap,
            ctx,
        );
}

/// Claims `node_id`'s rewards of settled `epoch` into its pool with the entry's Merkle proof.
/// Anyone may call it.
public fun claim_rewards(
    s: &mut System,
    epoch: u32,
    node_id: ID,
    shards: u16,
    performance_bps: u16,
    staker_reward: u64,
    commission: u64,
    proof_index: u32,
    proof_siblings: vector<vector<u8>>,
    ctx: &mut TxContext,
) {
    s
        .inner_mut()
        .claim_rewards(
            epoch,
            node_id,
            shards,
            performance_bps,
            staker_reward,
            commission,
            proof_index,
            proof_siblings,
            ctx,
        );
}

/// Pays unsettled `epoch`'s pot by shards, from `settlement_fallback_epochs` after it ended.
/// Anyone may call it.
public fun settle_fallback(
    s: &mut System,
    treasury: &mut ProtectedTreasury,
    epoch: u32,
    ctx: &mut TxContext,
) {
    s.inner_mut().settle_fallback(treasury, epoch, ctx);
}

// === Governance ===

/// Proposes to set `parameter` to `values` (see `params::apply_change`) with a receipt that can
/// vote now; returns the proposal id.
public fun propose(
    s: &mut System,
    staked: &StakedWal,
    parameter: String,
    values: vector<u64>,
    ctx: &mut TxContext,
): u64 {
    s.inner_mut().propose(staked, parameter, values, ctx)
}

/// Votes on proposal `id` with a receipt (once per receipt).
public fun vote(s: &mut System, id: u64, staked: &StakedWal, support: bool, ctx: &mut TxContext) {
    s.inner_mut().vote(id, staked, support, ctx);
}

/// Ends the voting of proposal `id` (anyone, after its voting period).
public fun finalize_proposal(s: &mut System, id: u64) {
    s.inner_mut().finalize_proposal(id);
}

/// Executes passed proposal `id` after its timelock (anyone).
public fun execute_proposal(s: &mut System, id: u64) {
    s.inner_mut().execute_proposal(id);
}

// === Views ===

public fun version(s: &System): u64 { s.version }

public fun epoch(s: &System): u32 { s.inner().epoch() }

public fun n_shards(s: &System): u16 { s.inner().n_shards() }

public fun params(s: &System): Params { *s.inner().params() }

public fun committee(s: &System): BlsCommittee { *s.inner().committee() }

public fun shards_of(s: &System, node_id: ID): vector<u16> { s.inner().shards_of(node_id) }

public fun is_next_selected(s: &System): bool { s.inner().is_next_selected() }

public fun is_syncing(s: &System): bool { s.inner().is_syncing() }

public fun storage_price(s: &System): u64 { s.inner().storage_price() }

public fun write_price(s: &System): u64 { s.inner().write_price() }

public fun storage_price_usd(s: &System): u64 { s.inner().storage_price_usd() }

public fun write_price_usd(s: &System): u64 { s.inner().write_price_usd() }

public fun wal_usd_rate(s: &System): u64 { s.inner().wal_usd_rate() }

public fun total_capacity_size(s: &System): u64 { s.inner().total_capacity_size() }

public fun used_capacity(s: &System, epoch: u32): u64 { s.inner().used_capacity(epoch) }

public fun pot_value(s: &System, epoch: u32): u64 { s.inner().pot_value(epoch) }

/// Number of registered nodes.
public fun n_nodes(s: &System): u64 { s.inner().n_nodes() }

/// The `i`-th registered node, in registration order.
public fun node_id_at(s: &System, i: u64): ID { s.inner().node_id_at(i) }

/// The candidates for the next committee, in the order they joined the active set.
public fun candidates(s: &System): vector<ID> { s.inner().active_set().ids() }

public fun pool(s: &System, node_id: ID): &StakingPool { s.inner().pool(node_id) }

/// FROST held by the protocol (pots, settlement vaults, pool rewards, uncollected commission).
public fun total_held(s: &System): u64 { s.inner().total_held() }

/// This epoch's challenge seed (empty until drawn).
public fun challenge_seed(s: &System): vector<u8> { s.inner().challenge_seed() }

/// Whether ended `epoch` is kept for settlement.
public fun has_ended_epoch(s: &System, epoch: u32): bool { s.inner().has_ended_epoch(epoch) }

/// Ended `epoch`'s settlement state.
public fun ended_epoch(s: &System, epoch: u32): &EndedEpoch { s.inner().ended_epoch(epoch) }

/// Number of proposals so far.
public fun n_proposals(s: &System): u64 { s.inner().n_proposals() }

/// Proposal `id`.
public fun proposal(s: &System, id: u64): &Proposal { s.inner().proposal(id) }

// === Test helpers ===

#[test_only]
/// Creates and shares a `System` without the `InitCap`.
public fun create_for_testing(
    params: Params,
    storage_price_usd: u64,
    write_price_usd: u64,
    wal_usd_rate: u64,
    total_capacity_size: u64,
    clock: &Clock,
    ctx: &mut TxContext,
) {
    share(
        params,
        storage_price_usd,
        write_price_usd,
        wal_usd_rate,
        total_capacity_size,
        clock,
        ctx,
    );
}

#[test_only]
/// Registers a node without a proof of possession, for stories that need more nodes than
/// BLS signing in a test allows; everything after the proof check is the production code.
public fun register_node_for_testing(
    s: &mut System,
    public_key: vector<u8>,
    ctx: &mut TxContext,
): StorageNodeCap {
    s
        .inner_mut()
        .add_node(
            b"node".to_string(),
            b"node.example:9185".to_string(),
            public_key,
            0,
            1_000,
            10_000,
            1_000_000_000_000,
            1_000_000_000,
            ctx,
        )
}

#[test_only]
/// `system_inner::add_candidates_for_testing`.
public fun add_candidates_for_testing(
    s: &mut System,
    keys_from: u64,
    count: u64,
    stake: u64,
    ctx: &mut TxContext,
) {
    s.inner_mut().add_candidates_for_testing(keys_from, count, stake, ctx);
}

#[test_only]
#[allow(lint(public_random))]
/// `draw_challenge_seed` for the tests, which cannot call an entry function: the same code,
/// with the seed drawn from the test's `Random`.
public fun draw_challenge_seed_for_testing(s: &mut System, r: &Random, ctx: &mut TxContext) {
    let mut g = r.new_generator(ctx);
    s.draw_seed(&mut g);
}

#[test_only]
/// `system_inner::add_committee_candidates_for_testing`.
public fun add_committee_candidates_for_testing(
    s: &mut System,
    first_sk: u64,
    count: u64,
    base_stake: u64,
    stake_step: u64,
    ctx: &mut TxContext,
): vector<StorageNodeCap> {
    s.inner_mut().add_committee_candidates_for_testing(first_sk, count, base_stake, stake_step, ctx)
}

#[test_only]
/// `system_inner::add_ended_epoch_for_testing`.
public fun add_ended_epoch_for_testing(
    s: &mut System,
    epoch: u32,
    node_ids: vector<ID>,
    weights: vector<u16>,
    pot: Coin<WAL>,
) {
    s.inner_mut().add_ended_epoch_for_testing(epoch, node_ids, weights, pot.into_balance());
}

#[test_only]
/// `system_inner::bcs_size_for_testing`.
public fun bcs_size_for_testing(s: &System): u64 { s.inner().bcs_size_for_testing() }

#[test_only]
public fun init_for_testing(ctx: &mut TxContext) {
    init(ctx);
}

#[test_only]
public fun set_version_for_testing(s: &mut System, version: u64) {
    s.version = version;
}
