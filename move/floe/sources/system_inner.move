/// The state of the protocol and its rules: epochs on the `Clock`, the committee, the staking
/// pools, the storage pots and the prices. Reached only through `floe::system`, which keeps it
/// behind a versioned dynamic field.
///
/// Epochs: an epoch lasts `epoch_duration_ms`. From its middle, `voting_end` selects the next
/// committee (from the active set, D'Hondt shards, minimal movement) and the next USD prices
/// and capacity. After the full duration `initiate_epoch_change` closes the ending epoch's pot
/// into a settlement vault with the committee that served the epoch (or, with
/// `settlement_fallback_epochs = 0`, pays it at once by shards), advances the pools of the
/// ending and the new committee (any other pool catches up when it is next used), installs the
/// new committee and prices and starts the sync; it completes when nodes holding 2/3 of the new
/// committee's shards report `epoch_sync_done`.
///
/// Rewards by proof performance: each epoch anyone draws the challenge seed from `sui::random`;
/// committee members post one challenge result vector each; after the epoch the committee
/// certifies the settlement computed from the events (`settlement`), after which anyone claims
/// each pool's rewards with a Merkle proof. If nothing is certified within
/// `settlement_fallback_epochs`, anyone pays the pot by shards (`settle_fallback`).
/// Parameters change by stake-weighted proposals (`governance`).
///
/// Liveness: no shared path loops over the registered nodes. Selection touches at most
/// `max_candidates` pools, the epoch change at most twice `max_active_nodes`; every product of
/// amounts is computed in u128; user strings are bounded; FROST prices saturate instead of
/// aborting. `move/README.md` lists the per-transaction limits and the worst cases.
module floe::system_inner;

use floe::{
    active_principal::{Self, ActivePrincipal},
    active_set::{Self, ActiveSet},
    apportionment,
    blob::{Self, Blob},
    bls_committee::{Self, BlsCommittee},
    encoding,
    events,
    governance::{Self, Proposal},
    messages,
    node_cap::{Self, StorageNodeCap},
    params::Params,
    pots::{Self, Pots},
    prices,
    settlement::{Self, EndedEpoch},
    shared_blob::{Self, SharedBlob},
    sort,
    staked_wal::StakedWal,
    staking_pool::{Self, StakingPool},
    storage_pool::{Self, StoragePool},
    storage_resource::{Self, Storage}
};
use std::string::String;
use sui::{
    balance::{Self, Balance},
    clock::Clock,
    coin::{Self, Coin},
    table::{Self, Table},
    table_vec::{Self, TableVec}
};
use wal::wal::{Self, WAL, ProtectedTreasury};

const BPS: u64 = 10_000;
/// Longest node name, in bytes.
const MAX_NAME_LENGTH: u64 = 100;
/// Longest network address, in bytes (a DNS name is at most 253, plus a port).
const MAX_NETWORK_ADDRESS_LENGTH: u64 = 260;

/// A basis-point value above 10_000.
const EInvalidBps: u64 = 7;
/// The message or report names an epoch other than the current one, or an epoch that has not
/// ended (or had no committee).
const EWrongEpoch: u64 = 9;
/// The stake is below the minimum stake.
const ENotEnoughStake: u64 = 10;
/// The payment coin holds less than the price.
const ENotEnoughFunds: u64 = 11;
/// No staking pool with this node ID.
const EUnknownPool: u64 = 12;
/// A node with this BLS public key is already registered.
const EPoolExists: u64 = 13;
/// The commission rate is above the cap.
const ECommissionTooHigh: u64 = 19;
/// The node is not a member of the current committee.
const ENotCommitteeMember: u64 = 20;
/// The next committee was already selected this epoch.
const ECommitteeSelected: u64 = 21;
/// Zero epochs, or more than `max_epochs_ahead`.
const EInvalidEpochsAhead: u64 = 23;
/// Not enough capacity left in one of the epochs.
const ENotEnoughCapacity: u64 = 24;
/// The storage resource (here: a pool) does not cover the current epoch.
const EResourceBounds: u64 = 28;
/// The blob ID is not the derivation of the root hash, encoding type and size.
const EInvalidBlobId: u64 = 29;
/// The challenger already posted its results this epoch.
const EAlreadySubmitted: u64 = 36;
/// The result vector does not have one entry per committee member.
const EWrongLength: u64 = 37;
/// The epoch was already settled.
const EAlreadySettled: u64 = 38;
/// The epoch has no certified settlement to claim from.
const ENotSettled: u64 = 39;
/// The pool's entry was already claimed.
const EAlreadyClaimed: u64 = 42;
/// The fallback is allowed only `settlement_fallback_epochs` after the epoch ended.
const EFallbackTooEarly: u64 = 43;
/// No proposal with this id.
const EUnknownProposal: u64 = 44;
/// The receipt may not make a proposal now (not active, or split or joined this epoch).
const ENotEligible: u64 = 48;
/// The node already reported its sync for this epoch.
const EDuplicate: u64 = 53;
/// The proof of possession of the BLS key does not verify.
const EInvalidProofOfPossession: u64 = 102;
/// The operation is not allowed in the current epoch state (e.g. during the epoch sync).
const EWrongEpochState: u64 = 108;
/// The `Clock` has not reached the time the operation needs.
const ETooEarly: u64 = 109;
/// A node name or network address longer than allowed.
const EStringTooLong: u64 = 110;
/// No challenge seed was drawn this epoch.
const ENoChallengeSeed: u64 = 111;
/// This epoch's challenge seed was already drawn.
const ESeedAlreadyDrawn: u64 = 112;

public enum EpochState has copy, drop, store {
    /// The epoch runs; the next committee is not selected yet.
    Active,
    /// The next committee, prices and capacity are selected.
    NextSelected,
    /// The epoch started; its committee is syncing its shards.
    Sync,
}

/// What `voting_end` selected for the next epoch.
public struct NextEpoch has copy, drop, store {
    committee: BlsCommittee,
    shards: vector<vector<u16>>,
    storage_price_usd: u64,
    write_price_usd: u64,
    total_capacity_size: u64,
}

public struct SystemInner has store {
    params: Params,
    epoch: u32,
    epoch_start_ms: u64,
    state: EpochState,
    committee: BlsCommittee,
    /// Shards of each committee member, in committee order.
    shards: vector<vector<u16>>,
    next: Option<NextEpoch>,
    pools: Table<ID, StakingPool>,
    /// Registered nodes, in registration order (outside the object: it may grow without bound).
    node_ids: TableVec<ID>,
    /// The node registered with each BLS public key.
    public_keys: Table<vector<u8>, ID>,
    /// The candidates for the next committee.
    active_set: ActiveSet,
    pots: Pots,
    storage_price_usd: u64,
    write_price_usd: u64,
    wal_usd_rate: u64,
    storage_price: u64,
    write_price: u64,
    total_capacity_size: u64,
    rate_samples: vector<u64>,
    last_sample_ms: u64,
    sync_reported: vector<ID>,
    sync_weight: u16,
    /// This epoch's challenge seed (empty until drawn).
    challenge_seed: vector<u8>,
    /// Committee members that posted challenge results this epoch.
    results_submitted: vector<ID>,
    /// Ended epochs awaiting settlement or claims, by epoch.
    ended: Table<u32, EndedEpoch>,
    /// FROST held in the ended epochs' vaults.
    vault_total: u64,
    /// Principal of the active receipts by epoch (governance snapshots).
    active_principal: ActivePrincipal,
    /// Governance proposals, by id (from 1).
    proposals: Table<u64, Proposal>,
    n_proposals: u64,
}

/// Epoch 0 with no committee, the given starting USD prices, WAL/USD rate and capacity.
public(package) fun create(
    params: Params,
    storage_price_usd: u64,
    write_price_usd: u64,
    wal_usd_rate: u64,
    total_capacity_size: u64,
    clock: &Clock,
    ctx: &mut TxContext,
): SystemInner {
    let storage_price = prices::usd_to_frost_saturating(storage_price_usd, wal_usd_rate);
    let write_price = prices::usd_to_frost_saturating(write_price_usd, wal_usd_rate);
    let inner = SystemInner {
        params,
        epoch: 0,
        epoch_start_ms: clock.timestamp_ms(),
        state: EpochState::Active,
        committee: bls_committee::empty(0),
        shards: vector[],
        next: option::none(),
        pools: table::new(ctx),
        node_ids: table_vec::empty(ctx),
        public_keys: table::new(ctx),
        active_set: active_set::empty(),
        pots: pots::new(0, params.max_epochs_ahead()),
        storage_price_usd,
        write_price_usd,
        wal_usd_rate,
        storage_price,
        write_price,
        total_capacity_size,
        rate_samples: vector[],
        last_sample_ms: 0,
        sync_reported: vector[],
        sync_weight: 0,
        challenge_seed: vector[],
        results_submitted: vector[],
        ended: table::new(ctx),
        vault_total: 0,
        active_principal: active_principal::new(0),
        proposals: table::new(ctx),
        n_proposals: 0,
    };
    events::emit_prices_updated(0, storage_price, write_price);
    events::emit_epoch_pricing(
        0,
        storage_price_usd,
        write_price_usd,
        wal_usd_rate,
        storage_price,
        write_price,
        total_capacity_size,
    );
    inner
}

// === Views ===

public fun epoch(s: &SystemInner): u32 { s.epoch }

public fun epoch_start_ms(s: &SystemInner): u64 { s.epoch_start_ms }

public fun params(s: &SystemInner): &Params { &s.params }

public fun n_shards(s: &SystemInner): u16 { s.params.n_shards() }

public fun committee(s: &SystemInner): &BlsCommittee { &s.committee }

public fun is_next_selected(s: &SystemInner): bool { s.state == EpochState::NextSelected }

public fun is_syncing(s: &SystemInner): bool { s.state == EpochState::Sync }

public fun storage_price(s: &SystemInner): u64 { s.storage_price }

public fun write_price(s: &SystemInner): u64 { s.write_price }

public fun storage_price_usd(s: &SystemInner): u64 { s.storage_price_usd }

public fun write_price_usd(s: &SystemInner): u64 { s.write_price_usd }

public fun wal_usd_rate(s: &SystemInner): u64 { s.wal_usd_rate }

public fun total_capacity_size(s: &SystemInner): u64 { s.total_capacity_size }

public fun used_capacity(s: &SystemInner, epoch: u32): u64 { s.pots.used_capacity(epoch) }

public fun pot_value(s: &SystemInner, epoch: u32): u64 { s.pots.pot_value(epoch) }

/// Number of registered nodes.
public fun n_nodes(s: &SystemInner): u64 { s.node_ids.length() }

/// The `i`-th registered node (registration order).
public fun node_id_at(s: &SystemInner, i: u64): ID { s.node_ids[i] }

/// The candidates for the next committee.
public fun active_set(s: &SystemInner): &ActiveSet { &s.active_set }

public fun pool(s: &SystemInner, node_id: ID): &StakingPool {
    assert!(s.pools.contains(node_id), EUnknownPool);
    &s.pools[node_id]
}

/// The shards `node_id` holds in the current committee (empty if it is not a member).
public fun shards_of(s: &SystemInner, node_id: ID): vector<u16> {
    let idx = s.committee.find(&node_id);
    if (idx.is_some()) s.shards[idx.destroy_some()]
    else vector[]
}

/// FROST held by the protocol: the pots, the ended epochs' vaults and, in every pool,
/// undistributed rewards and uncollected commission. (Staked principal is in the `StakedWal`
/// receipts.) A view for audits and tests that reads every pool: no transaction of the
/// protocol calls it.
public fun total_held(s: &SystemInner): u64 {
    let mut sum = s.pots.total_held() + s.vault_total;
    s.node_ids.length().do!(|i| sum = sum + s.pools[s.node_ids[i]].held());
    sum
}

/// This epoch's challenge seed (empty until drawn).
public fun challenge_seed(s: &SystemInner): vector<u8> { s.challenge_seed }

/// Whether `epoch` ended with a committee and is kept for settlement.
public fun has_ended_epoch(s: &SystemInner, epoch: u32): bool { s.ended.contains(epoch) }

/// The ended `epoch` (settlement state, vault, claims).
public fun ended_epoch(s: &SystemInner, epoch: u32): &EndedEpoch {
    assert!(s.ended.contains(epoch), EWrongEpoch);
    &s.ended[epoch]
}

/// Number of proposals made so far (ids are 1 to this).
public fun n_proposals(s: &SystemInner): u64 { s.n_proposals }

/// Proposal `id`.
public fun proposal(s: &SystemInner, id: u64): &Proposal {
    assert!(s.proposals.contains(id), EUnknownProposal);
    &s.proposals[id]
}

fun pool_mut(s: &mut SystemInner, node_id: ID): &mut StakingPool {
    assert!(s.pools.contains(node_id), EUnknownPool);
    &mut s.pools[node_id]
}

// === Nodes ===

/// Registers a storage node and its staking pool; returns the operator capability.
public(package) fun register_node(
    s: &mut SystemInner,
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
    assert!(
        messages::verify_proof_of_possession(
            s.epoch,
            ctx.sender(),
            &public_key,
            &proof_of_possession,
        ),
        EInvalidProofOfPossession,
    );
    s.add_node(
        name,
        network_address,
        public_key,
        commission_rate,
        storage_price_usd,
        write_price_usd,
        node_capacity,
        wal_usd_rate,
        ctx,
    )
}

/// `register_node` after the proof of possession was checked.
public(package) fun add_node(
    s: &mut SystemInner,
    name: String,
    network_address: String,
    public_key: vector<u8>,
    commission_rate: u16,
    storage_price_usd: u64,
    write_price_usd: u64,
    node_capacity: u64,
    wal_usd_rate: u64,
    ctx: &mut TxContext,
): StorageNodeCap {
    assert!(commission_rate <= s.params.max_commission_bps(), ECommissionTooHigh);
    assert!(name.length() <= MAX_NAME_LENGTH, EStringTooLong);
    assert!(network_address.length() <= MAX_NETWORK_ADDRESS_LENGTH, EStringTooLong);
    assert!(!s.public_keys.contains(public_key), EPoolExists);
    let votes = staking_pool::new_votes(
        storage_price_usd,
        write_price_usd,
        node_capacity,
        wal_usd_rate,
    );
    let uid = object::new(ctx);
    let node_id = uid.to_inner();
    uid.delete();
    let pool = staking_pool::new(
        node_id,
        name,
        network_address,
        public_key,
        commission_rate,
        ctx.sender(),
        votes,
        s.epoch,
        ctx,
    );
    s.insert_pool(public_key, pool);
    events::emit_node_registered(
        s.epoch,
        node_id,
        ctx.sender(),
        name,
        network_address,
        public_key,
        commission_rate,
    );
    node_cap::new(node_id, ctx)
}

// === Staking ===

/// Stakes `coin` with `node_id`.
public(package) fun stake(
    s: &mut SystemInner,
    coin: Coin<WAL>,
    node_id: ID,
    ctx: &mut TxContext,
): StakedWal {
    assert!(coin.value() >= s.params.min_stake(), ENotEnoughStake);
    let epoch = s.epoch;
    let selected = s.is_next_selected();
    let staked = s.pool_mut(node_id).stake(coin.into_balance(), epoch, selected, ctx);
    s.active_principal.add(staked.activation_epoch(), staked.value());
    s.refresh_candidate(node_id);
    staked
}

public(package) fun request_withdraw_stake(s: &mut SystemInner, staked: &mut StakedWal) {
    let epoch = s.epoch;
    let selected = s.is_next_selected();
    s.pool_mut(staked.node_id()).request_withdraw(staked, epoch, selected);
    s.active_principal.remove(staked.withdraw_epoch(), staked.value());
    s.refresh_candidate(staked.node_id());
}

public(package) fun withdraw_stake(
    s: &mut SystemInner,
    staked: StakedWal,
    ctx: &mut TxContext,
): Coin<WAL> {
    let epoch = s.epoch;
    let selected = s.is_next_selected();
    let node_id = staked.node_id();
    // A receipt withdrawn without a request never became active (the pool checks it).
    if (!staked.is_withdrawing()) {
        s.active_principal.cancel(staked.activation_epoch(), staked.value());
    };
    let out = s.pool_mut(node_id).withdraw(staked, epoch, selected, ctx);
    s.refresh_candidate(node_id);
    out.into_coin(ctx)
}

/// Splits `amount` of `staked` into a new receipt (both may vote only from the next epoch).
public(package) fun split_staked_wal(
    s: &SystemInner,
    staked: &mut StakedWal,
    amount: u64,
    ctx: &mut TxContext,
): StakedWal {
    let new = staked.split(amount, s.epoch, ctx);
    events::emit_staked_wal_split(
        s.epoch,
        staked.node_id(),
        object::id(staked),
        staked.value(),
        object::id(&new),
        amount,
    );
    new
}

/// Joins `other` into `staked` (the result may vote only from the next epoch).
public(package) fun join_staked_wal(s: &SystemInner, staked: &mut StakedWal, other: StakedWal) {
    let absorbed_id = object::id(&other);
    staked.join(other, s.epoch);
    events::emit_staked_wal_joined(
        s.epoch,
        staked.node_id(),
        object::id(staked),
        absorbed_id,
        staked.value(),
    );
}

/// Gives `staked` to `to`.
public(package) fun transfer_staked_wal(
    s: &SystemInner,
    staked: StakedWal,
    to: address,
    ctx: &TxContext,
) {
    events::emit_staked_wal_transferred(s.epoch, object::id(&staked), ctx.sender(), to);
    staked.transfer_to(to);
}

#[test_only]
/// Builds `count` pools with keys `keys_from..` (48 bytes, not G1 points: they can never join
/// a committee) and `stake` FROST activating next epoch, accounted without receipts or events;
/// each enters the active set by the production rule. For stories with more pools than a
/// test may register one by one.
public(package) fun add_candidates_for_testing(
    s: &mut SystemInner,
    keys_from: u64,
    count: u64,
    stake: u64,
    ctx: &mut TxContext,
) {
    count.do!(|k| {
        let mut key = vector::tabulate!(40, |_| 0xFFu8);
        key.append(sui::bcs::to_bytes(&(keys_from + k)));
        let uid = object::new(ctx);
        let node_id = uid.to_inner();
        uid.delete();
        let votes = staking_pool::new_votes(1_000, 10_000, 1 << 40, 1_000_000_000);
        let mut pool = staking_pool::new(
            node_id,
            std::string::utf8(b""),
            std::string::utf8(b""),
            key,
            0,
            ctx.sender(),
            votes,
            s.epoch,
            ctx,
        );
        pool.add_pending_stake_for_testing(stake, s.epoch + 1);
        s.insert_pool(key, pool);
        s.refresh_candidate(node_id);
    });
}

#[test_only]
/// Builds `count` committee candidates with real BLS keys (secret scalars `first_sk`,
/// `first_sk + 1`, ...; each public key the previous one plus the generator, so no scalar
/// multiplication per node) and `base_stake + k * stake_step` FROST activating next epoch,
/// accounted without receipts or events; returns their operator capabilities. Everything after
/// the pools exist (the active set, selection, the epoch change, settlement) is production
/// code. For the scale story, whose 200 registrations one by one would exceed the test
/// runner's computation budget.
public(package) fun add_committee_candidates_for_testing(
    s: &mut SystemInner,
    first_sk: u64,
    count: u64,
    base_stake: u64,
    stake_step: u64,
    ctx: &mut TxContext,
): vector<StorageNodeCap> {
    let generator = sui::bls12381::g1_generator();
    let mut point = sui::bls12381::g1_mul(&sui::bls12381::scalar_from_u64(first_sk), &generator);
    let mut caps = vector[];
    count.do!(|k| {
        let key = *point.bytes();
        point = sui::bls12381::g1_add(&point, &generator);
        let uid = object::new(ctx);
        let node_id = uid.to_inner();
        uid.delete();
        let votes = staking_pool::new_votes(1_000_000_000, 10_000, 1 << 40, 1_000_000_000);
        let mut pool = staking_pool::new(
            node_id,
            std::string::utf8(b""),
            std::string::utf8(b""),
            key,
            0,
            ctx.sender(),
            votes,
            s.epoch,
            ctx,
        );
        pool.add_pending_stake_for_testing(base_stake + k * stake_step, s.epoch + 1);
        s.insert_pool(key, pool);
        s.refresh_candidate(node_id);
        caps.push_back(node_cap::new(node_id, ctx));
    });
    caps
}

#[test_only]
/// Keeps `pot` for ended `epoch` with a committee of the pools `node_ids` (in that order, with
/// shards `weights` and their registered keys), as the epoch change does: for the scale story
/// of settlement and claims, which cannot also afford two epoch changes in the test runner's
/// budget (the epoch change has its own scale story).
public(package) fun add_ended_epoch_for_testing(
    s: &mut SystemInner,
    epoch: u32,
    node_ids: vector<ID>,
    weights: vector<u16>,
    pot: sui::balance::Balance<WAL>,
) {
    let mut members = vector[];
    let mut rates = vector[];
    node_ids.length().do!(|i| {
        let pool = &s.pools[node_ids[i]];
        members.push_back(bls_committee::new_member(node_ids[i], pool.public_key(), weights[i]));
        rates.push_back(pool.commission_rate());
    });
    s.vault_total = s.vault_total + pot.value();
    s.ended.add(epoch, settlement::new(epoch, bls_committee::new(epoch, members), rates, pot));
}

#[test_only]
/// Bytes of the BCS encoding of the state (the size of its dynamic-field object, bar the
/// field's own header).
public fun bcs_size_for_testing(s: &SystemInner): u64 { sui::bcs::to_bytes(s).length() }

/// Adds a registered pool under its BLS key (the key is checked unique by the caller).
fun insert_pool(s: &mut SystemInner, public_key: vector<u8>, pool: StakingPool) {
    let node_id = pool.node_id();
    s.pools.add(node_id, pool);
    s.node_ids.push_back(node_id);
    s.public_keys.add(public_key, node_id);
}

/// Records the pool's stake for the next selection in the active set.
fun refresh_candidate(s: &mut SystemInner, node_id: ID) {
    let next = if (s.is_next_selected()) s.epoch + 2 else s.epoch + 1;
    s.record_candidate(node_id, next);
}

/// Records in the active set the pool's stake for `epoch` (the one the next selection is for).
fun record_candidate(s: &mut SystemInner, node_id: ID, epoch: u32) {
    let stake = s.pools[node_id].stake_at(epoch);
    let (min, max) = (s.params.min_candidate_stake(), s.params.max_candidates());
    s.active_set.update(node_id, stake, min, max);
}

/// `record_candidate` for many pools at once, in order (`stakes` already for the right epoch).
fun record_candidates(s: &mut SystemInner, ids: &vector<ID>, stakes: &vector<u64>) {
    let (min, max) = (s.params.min_candidate_stake(), s.params.max_candidates());
    s.active_set.update_all(ids, stakes, min, max);
}

public(package) fun set_next_commission(s: &mut SystemInner, cap: &StorageNodeCap, rate: u16) {
    assert!(rate <= s.params.max_commission_bps(), ECommissionTooHigh);
    let epoch = s.epoch;
    s.pool_mut(cap.node_id()).set_next_commission(rate, epoch);
}

public(package) fun set_commission_receiver(
    s: &mut SystemInner,
    cap: &StorageNodeCap,
    receiver: address,
) {
    let epoch = s.epoch;
    s.pool_mut(cap.node_id()).set_commission_receiver(receiver, epoch);
}

public(package) fun collect_commission(
    s: &mut SystemInner,
    node_id: ID,
    ctx: &mut TxContext,
): Coin<WAL> {
    let epoch = s.epoch;
    s.pool_mut(node_id).collect_commission(epoch, ctx).into_coin(ctx)
}

// === Votes ===

public(package) fun vote_prices(
    s: &mut SystemInner,
    cap: &StorageNodeCap,
    storage_price_usd: u64,
    write_price_usd: u64,
) {
    let epoch = s.epoch;
    s.pool_mut(cap.node_id()).set_price_votes(storage_price_usd, write_price_usd, epoch);
}

public(package) fun vote_capacity(s: &mut SystemInner, cap: &StorageNodeCap, node_capacity: u64) {
    let epoch = s.epoch;
    s.pool_mut(cap.node_id()).set_capacity_vote(node_capacity, epoch);
}

public(package) fun report_wal_usd_rate(s: &mut SystemInner, cap: &StorageNodeCap, rate: u64) {
    let epoch = s.epoch;
    s.pool_mut(cap.node_id()).set_wal_usd_rate(rate, epoch);
}

/// The committee's next WAL/USD rate sample: the previous sample (or, before the first, the
/// rate in force) clamped into the 2/3-quorum band of the current committee's reports
/// (`prices::next_rate`). Refuses an empty committee (`ENoVotes`).
public fun committee_wal_usd_rate(s: &SystemInner): u64 {
    let previous = if (s.rate_samples.is_empty()) s.wal_usd_rate
    else s.rate_samples[s.rate_samples.length() - 1];
    let mut rates = vector[];
    let mut weights = vector[];
    s.committee.n_members().do!(|i| {
        rates.push_back(s.pools[s.committee.node_id_at(i)].wal_usd_rate_report());
        weights.push_back(s.committee.weight_at(i) as u64);
    });
    prices::next_rate(previous, rates, weights, s.committee.n_shards() as u64)
}

/// Samples the committee's WAL/USD rate (`committee_wal_usd_rate`), at most once per
/// `rate_sample_interval_ms`, into the window of the last `rate_window_samples` samples; the
/// FROST prices follow the window's mean at once.
public(package) fun sample_wal_usd_rate(s: &mut SystemInner, clock: &Clock) {
    let now = clock.timestamp_ms();
    assert!(
        s.rate_samples.is_empty() || now >= s.last_sample_ms + s.params.rate_sample_interval_ms(),
        ETooEarly,
    );
    let rate = s.committee_wal_usd_rate();
    s.rate_samples.push_back(rate);
    while (s.rate_samples.length() > s.params.rate_window_samples()) {
        s.rate_samples.remove(0);
    };
    s.last_sample_ms = now;
    events::emit_wal_usd_rate_sampled(s.epoch, rate, s.rate_samples.length());
    s.wal_usd_rate = mean(&s.rate_samples);
    s.storage_price = prices::usd_to_frost_saturating(s.storage_price_usd, s.wal_usd_rate);
    s.write_price = prices::usd_to_frost_saturating(s.write_price_usd, s.wal_usd_rate);
    events::emit_prices_updated(s.epoch, s.storage_price, s.write_price);
}

/// The mean of a non-empty list of rates, rounded down.
fun mean(rates: &vector<u64>): u64 {
    let mut sum = 0u128;
    rates.do_ref!(|r| sum = sum + (*r as u128));
    (sum / (rates.length() as u128)) as u64
}

// === Epochs ===

/// From the middle of the epoch: selects the next committee, prices and capacity.
public(package) fun voting_end(s: &mut SystemInner, clock: &Clock) {
    assert!(s.state != EpochState::NextSelected, ECommitteeSelected);
    assert!(s.state == EpochState::Active, EWrongEpochState);
    assert!(clock.timestamp_ms() >= s.epoch_start_ms + s.params.epoch_duration_ms() / 2, ETooEarly);
    s.select_next();
}

fun select_next(s: &mut SystemInner) {
    let next_epoch = s.epoch + 1;
    let n_shards = s.params.n_shards();
    // The committee: the candidates with the most stake for the next epoch, up to the cap.
    // Each candidate catches up first and its stake is refreshed in the active set (those
    // below the candidacy stake leave it).
    s.active_set.truncate(s.params.max_candidates());
    let epoch = s.epoch;
    let ids = s.active_set.ids();
    let next_stakes = ids.map_ref!(|id| {
        let pool = &mut s.pools[*id];
        pool.catch_up(epoch);
        pool.stake_at(next_epoch)
    });
    s.record_candidates(&ids, &next_stakes);
    let candidates = s.active_set.ids();
    let candidate_stakes = s.active_set.stakes();
    // Most stake first; ties keep the active set's (joining) order.
    let order = floe::sort::order_desc(&candidate_stakes);
    let mut ids = order.map_ref!(|k| candidates[*k]);
    let mut stakes = order.map_ref!(|k| candidate_stakes[*k]);
    while (ids.length() > s.params.max_active_nodes()) {
        ids.pop_back();
        stakes.pop_back();
    };
    let mut next = NextEpoch {
        committee: bls_committee::empty(next_epoch),
        shards: vector[],
        storage_price_usd: s.storage_price_usd,
        write_price_usd: s.write_price_usd,
        total_capacity_size: s.total_capacity_size,
    };
    let mut target_storage = s.storage_price_usd;
    let mut target_write = s.write_price_usd;
    if (!ids.is_empty()) {
        // The tighter of the governed cap and Walrus's cap for this many nodes.
        let mut cap = apportionment::max_shards_per_node(ids.length(), n_shards);
        if (s.params.max_shards_per_node() < cap) cap = s.params.max_shards_per_node();
        let seats = apportionment::dhondt(&stakes, n_shards, cap);
        let mut members = vector[];
        let mut node_ids = vector[];
        let mut counts = vector[];
        let mut storage_votes = vector[];
        let mut write_votes = vector[];
        let mut capacity_votes = vector[];
        let mut weights = vector[];
        ids.length().do!(|i| if (seats[i] > 0) {
            let pool = &s.pools[ids[i]];
            let w = seats[i];
            members.push_back(bls_committee::new_member(ids[i], pool.public_key(), w));
            node_ids.push_back(ids[i]);
            counts.push_back(w);
            storage_votes.push_back(pool.storage_price_vote());
            write_votes.push_back(pool.write_price_vote());
            let scaled = (pool.capacity_vote() as u128) * (n_shards as u128) / (w as u128);
            let capped = if (scaled > 0xFFFF_FFFF_FFFF_FFFF) {
                0xFFFF_FFFF_FFFF_FFFF
            } else {
                (scaled as u64)
            };
            capacity_votes.push_back(capped);
            weights.push_back(w as u64);
        });
        let mut old_ids = vector[];
        s.committee.n_members().do!(|i| old_ids.push_back(s.committee.node_id_at(i)));
        let shards = apportionment::transition(&old_ids, &s.shards, &node_ids, &counts, n_shards);
        target_storage = prices::quorum_below(storage_votes, weights, n_shards as u64);
        target_write = prices::quorum_below(write_votes, weights, n_shards as u64);
        let step = s.params.max_price_step_bps();
        next.committee = bls_committee::new(next_epoch, members);
        next.shards = shards;
        next.storage_price_usd = prices::guard(s.storage_price_usd, target_storage, step);
        next.write_price_usd = prices::guard(s.write_price_usd, target_write, step);
        next.total_capacity_size = prices::quorum_above(capacity_votes, weights, n_shards as u64);
        events::emit_committee_selected(next_epoch, node_ids, shards);
    } else {
        events::emit_committee_selected(next_epoch, vector[], vector[]);
    };
    events::emit_epoch_parameters_selected(next_epoch);
    events::emit_usd_prices_selected(
        next_epoch,
        target_storage,
        target_write,
        next.storage_price_usd,
        next.write_price_usd,
        next.total_capacity_size,
    );
    s.next = option::some(next);
    s.state = EpochState::NextSelected;
}

/// After the full epoch: moves to the next epoch (selecting its committee first if
/// `voting_end` was not called).
public(package) fun initiate_epoch_change(
    s: &mut SystemInner,
    treasury: &mut ProtectedTreasury,
    clock: &Clock,
    ctx: &mut TxContext,
) {
    assert!(s.state != EpochState::Sync, EWrongEpochState);
    let now = clock.timestamp_ms();
    assert!(now >= s.epoch_start_ms + s.params.epoch_duration_ms(), ETooEarly);
    if (s.state == EpochState::Active) s.select_next();
    let next = s.next.extract();
    let old_epoch = s.epoch;
    let new_epoch = old_epoch + 1;

    // Close the ending epoch's pot: into the settlement vault with the committee that served
    // the epoch; or, with no settlement round, burn share and the rest by shards at once; or,
    // with no committee, burned.
    let mut pot = s.pots.advance();
    let total = pot.value();
    let n = s.committee.n_shards() as u64;
    let mut distributed = 0;
    let mut rewards = vector[];
    if (n > 0 && s.params.settlement_fallback_epochs() > 0) {
        let mut rates = vector[];
        s.committee.n_members().do!(|i| {
            rates.push_back(s.pools[s.committee.node_id_at(i)].commission_rate())
        });
        let ended = settlement::new(old_epoch, s.committee, rates, pot.withdraw_all());
        s.vault_total = s.vault_total + total;
        s.ended.add(old_epoch, ended);
    } else if (n > 0) {
        let burn = ((total as u128) * (s.params.burn_bps() as u128) / (BPS as u128)) as u64;
        let to_nodes = total - burn;
        s.committee.n_members().do!(|i| {
            let r = ((to_nodes as u128) * (s.committee.weight_at(i) as u128) / (n as u128)) as u64;
            distributed = distributed + r;
            rewards.push_back(pot.split(r));
        });
    };
    let burned = pot.value();
    wal::burn(treasury, coin::from_balance(pot, ctx));
    events::emit_epoch_pot_closed(old_epoch, total, burned, distributed);

    // Advance the pools of the ending committee (with their rewards) and of the new one into
    // the new epoch; every other pool catches up when it is next used.
    let n_old = s.committee.n_members();
    let mut ids = vector::tabulate!(n_old, |i| s.committee.node_id_at(i));
    let old_keys = ids.map_ref!(|id| sort::id_key(id));
    let old_order = sort::order_asc_u256(&old_keys);
    next.committee.n_members().do!(|i| {
        let id = next.committee.node_id_at(i);
        if (sort::find_u256(&old_keys, &old_order, sort::id_key(&id)).is_none()) {
            ids.push_back(id)
        };
    });
    // The ending committee's members come first, in committee order: member `k` takes reward
    // `k` (none without a reward split at the change).
    rewards.reverse();
    let mut next_stakes = vector[];
    ids.length().do!(|k| {
        let reward = if (k < n_old && !rewards.is_empty()) rewards.pop_back() else balance::zero();
        let pool = &mut s.pools[ids[k]];
        pool.catch_up(old_epoch);
        pool.advance_epoch(new_epoch, reward);
        next_stakes.push_back(pool.stake_at(new_epoch + 1));
    });
    rewards.destroy_empty();
    s.record_candidates(&ids, &next_stakes);

    // The new committee and prices: the WAL/USD rate is the mean of the sample window (it
    // slides across epochs), or (no sample yet) the new committee's median now, or (no
    // committee) unchanged.
    s.committee = next.committee;
    if (!s.rate_samples.is_empty()) {
        s.wal_usd_rate = mean(&s.rate_samples);
    } else if (!s.committee.is_empty()) {
        s.wal_usd_rate = s.committee_wal_usd_rate();
    };
    s.shards = next.shards;
    s.storage_price_usd = next.storage_price_usd;
    s.write_price_usd = next.write_price_usd;
    s.total_capacity_size = next.total_capacity_size;
    s.storage_price = prices::usd_to_frost_saturating(s.storage_price_usd, s.wal_usd_rate);
    s.write_price = prices::usd_to_frost_saturating(s.write_price_usd, s.wal_usd_rate);
    s.epoch = new_epoch;
    s.epoch_start_ms = now;
    s.sync_reported = vector[];
    s.sync_weight = 0;
    s.challenge_seed = vector[];
    s.results_submitted = vector[];
    events::emit_prices_updated(new_epoch, s.storage_price, s.write_price);
    events::emit_epoch_pricing(
        new_epoch,
        s.storage_price_usd,
        s.write_price_usd,
        s.wal_usd_rate,
        s.storage_price,
        s.write_price,
        s.total_capacity_size,
    );
    events::emit_epoch_change_start(new_epoch);
    if (s.committee.is_empty()) {
        s.state = EpochState::Active;
        events::emit_epoch_change_done(new_epoch);
    } else {
        s.state = EpochState::Sync;
    }
}

/// A member of the current committee reports its shards in sync for `epoch`.
public(package) fun epoch_sync_done(s: &mut SystemInner, cap: &StorageNodeCap, epoch: u32) {
    assert!(epoch == s.epoch, EWrongEpoch);
    assert!(s.state == EpochState::Sync, EWrongEpochState);
    let node_id = cap.node_id();
    let weight = s.committee.weight_of(&node_id);
    assert!(weight > 0, ENotCommitteeMember);
    assert!(!s.sync_reported.contains(&node_id), EDuplicate);
    s.sync_reported.push_back(node_id);
    s.sync_weight = s.sync_weight + weight;
    events::emit_epoch_sync_reported(epoch, node_id, weight, s.sync_weight);
    if (s.committee.is_quorum(s.sync_weight)) {
        s.state = EpochState::Active;
        events::emit_epoch_change_done(epoch);
    }
}

// === Storage ===

/// Takes `units * price` for every epoch of `[start, end)` from `payment` into the pots,
/// checking capacity; returns the total cost.
fun pay_for_epochs(
    s: &mut SystemInner,
    start: u32,
    end: u32,
    size: u64,
    payment: &mut Balance<WAL>,
): u64 {
    let per_epoch = (encoding::storage_units(size) as u128) * (s.storage_price as u128);
    let total = per_epoch * ((end - start) as u128);
    assert!(total <= (payment.value() as u128), ENotEnoughFunds);
    let (per_epoch, total) = (per_epoch as u64, total as u64);
    let mut e = start;
    while (e < end) {
        let used = (s.pots.used_capacity(e) as u128) + (size as u128);
        assert!(used <= (s.total_capacity_size as u128), ENotEnoughCapacity);
        s.pots.add_used_capacity(e, size);
        s.pots.deposit(e, payment.split(per_epoch));
        e = e + 1;
    };
    total
}

/// Buys `storage_size` bytes for the current epoch and the `epochs_ahead - 1` following.
public(package) fun reserve_space(
    s: &mut SystemInner,
    storage_size: u64,
    epochs_ahead: u32,
    payment: &mut Coin<WAL>,
    ctx: &mut TxContext,
): Storage {
    assert!(epochs_ahead > 0 && epochs_ahead <= s.pots.length(), EInvalidEpochsAhead);
    let start = s.epoch;
    let end = start + epochs_ahead;
    let cost = s.pay_for_epochs(start, end, storage_size, payment.balance_mut());
    let storage = storage_resource::create(start, end, storage_size, ctx);
    events::emit_storage_reserved(s.epoch, object::id(&storage), storage_size, start, end, cost);
    storage
}

/// Registers a blob on `storage`, paying its write fee into the current epoch's pot.
public(package) fun register_blob(
    s: &mut SystemInner,
    storage: Storage,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    deletable: bool,
    write_payment: &mut Coin<WAL>,
    ctx: &mut TxContext,
): Blob {
    let n_shards = s.params.n_shards();
    let blob = blob::new(
        storage,
        blob_id,
        root_hash,
        size,
        encoding_type,
        deletable,
        s.epoch,
        n_shards,
        ctx,
    );
    let encoded = encoding::encoded_blob_length(size, encoding_type, n_shards);
    s.pay_write_fee(blob_id, blob.object_id(), encoded, write_payment.balance_mut());
    blob
}

/// Takes the write fee of `encoded` bytes from `payment` into the current epoch's pot.
fun pay_write_fee(
    s: &mut SystemInner,
    blob_id: u256,
    object_id: ID,
    encoded: u64,
    payment: &mut Balance<WAL>,
) {
    let fee = (encoding::storage_units(encoded) as u128) * (s.write_price as u128);
    assert!(fee <= (payment.value() as u128), ENotEnoughFunds);
    let fee = fee as u64;
    let epoch = s.epoch;
    s.pots.deposit(epoch, payment.split(fee));
    events::emit_write_fee_paid(epoch, blob_id, object_id, fee);
}

/// Certifies a blob with a 2/3-quorum certificate of the current committee.
public(package) fun certify_blob(
    s: &SystemInner,
    blob: &mut Blob,
    signature: vector<u8>,
    signers_bitmap: vector<u8>,
    message: vector<u8>,
) {
    // Aborts below quorum; the signers' weight itself is not needed here.
    let _ = s.committee.verify_quorum(&signature, &signers_bitmap, &message);
    let cert = messages::blob_cert(messages::new_certified_message(message, s.epoch));
    blob.certify(cert, s.epoch);
}

/// Extends a certified blob by `extended_epochs`, paying for them.
public(package) fun extend_blob(
    s: &mut SystemInner,
    blob: &mut Blob,
    extended_epochs: u32,
    payment: &mut Coin<WAL>,
    ctx: &mut TxContext,
) {
    s.extend_blob_from(blob, extended_epochs, payment.balance_mut(), ctx);
}

/// Extends a certified blob by `extended_epochs`, paid from `payment`; returns the cost.
fun extend_blob_from(
    s: &mut SystemInner,
    blob: &mut Blob,
    extended_epochs: u32,
    payment: &mut Balance<WAL>,
    ctx: &mut TxContext,
): u64 {
    blob.assert_certified_not_expired(s.epoch);
    let start = blob.end_epoch();
    let size = blob.storage().size();
    let (extension, cost) = s.buy_extension(start, extended_epochs, size, payment, ctx);
    blob.extend(extension, s.epoch);
    cost
}

/// Buys `size` bytes for `[start, start + epochs)` (within `max_epochs_ahead`), paid from
/// `payment`; returns the resource and its cost.
fun buy_extension(
    s: &mut SystemInner,
    start: u32,
    epochs: u32,
    size: u64,
    payment: &mut Balance<WAL>,
    ctx: &mut TxContext,
): (Storage, u64) {
    let end = start + epochs;
    assert!(epochs > 0 && end <= s.epoch + s.pots.length(), EInvalidEpochsAhead);
    let cost = s.pay_for_epochs(start, end, size, payment);
    let extension = storage_resource::create(start, end, size, ctx);
    events::emit_storage_reserved(s.epoch, object::id(&extension), size, start, end, cost);
    (extension, cost)
}

public(package) fun extend_blob_with_resource(
    s: &SystemInner,
    blob: &mut Blob,
    extension: Storage,
) {
    blob.extend(extension, s.epoch);
}

public(package) fun delete_blob(s: &SystemInner, blob: Blob): Storage {
    blob.delete(s.epoch)
}

/// Records that a blob ID is invalid, on a certificate from more than a third of the shards.
public(package) fun invalidate_blob_id(
    s: &SystemInner,
    signature: vector<u8>,
    signers_bitmap: vector<u8>,
    message: vector<u8>,
): u256 {
    // Aborts at or below a third of the shards; the weight itself is not needed here.
    let _ = s.committee.verify_validity(&signature, &signers_bitmap, &message);
    let blob_id = messages::invalid_blob_id(messages::new_certified_message(message, s.epoch));
    events::emit_invalid_blob_id(s.epoch, blob_id);
    blob_id
}

/// Splits `storage` at `split_epoch` (the new resource covers the later epochs).
public(package) fun split_storage_by_epoch(
    storage: &mut Storage,
    split_epoch: u32,
    ctx: &mut TxContext,
): Storage {
    let new = storage.split_by_epoch(split_epoch, ctx);
    emit_storage_split(storage, &new);
    new
}

/// Splits `storage` by size: it keeps `split_size` bytes, the new resource the rest.
public(package) fun split_storage_by_size(
    storage: &mut Storage,
    split_size: u64,
    ctx: &mut TxContext,
): Storage {
    let new = storage.split_by_size(split_size, ctx);
    emit_storage_split(storage, &new);
    new
}

fun emit_storage_split(storage: &Storage, new: &Storage) {
    events::emit_storage_split(
        object::id(storage),
        storage.start_epoch(),
        storage.end_epoch(),
        storage.size(),
        object::id(new),
        new.start_epoch(),
        new.end_epoch(),
        new.size(),
    );
}

/// Fuses `other` into `storage`.
public(package) fun fuse_storage(storage: &mut Storage, other: Storage) {
    let absorbed_id = object::id(&other);
    storage.fuse(other);
    events::emit_storage_fused(
        object::id(storage),
        absorbed_id,
        storage.start_epoch(),
        storage.end_epoch(),
        storage.size(),
    );
}

// === Challenges ===

/// Records this epoch's challenge seed (`seed`: 32 bytes the caller drew from `sui::random`).
public(package) fun set_challenge_seed(s: &mut SystemInner, seed: vector<u8>) {
    assert!(!s.committee.is_empty(), ENotCommitteeMember);
    assert!(s.challenge_seed.is_empty(), ESeedAlreadyDrawn);
    s.challenge_seed = seed;
    events::emit_challenge_seed_drawn(
        s.epoch,
        seed,
        s.params.challenges_per_shard(),
        s.params.challenge_window_ms(),
    );
}

/// A committee member's challenge results for `epoch`: one pass rate (bps) per member, in
/// committee order.
public(package) fun submit_challenge_results(
    s: &mut SystemInner,
    cap: &StorageNodeCap,
    epoch: u32,
    results: vector<u16>,
) {
    let node_id = cap.node_id();
    assert!(s.committee.find(&node_id).is_some(), ENotCommitteeMember);
    assert!(epoch == s.epoch, EWrongEpoch);
    assert!(!s.challenge_seed.is_empty(), ENoChallengeSeed);
    assert!(!s.results_submitted.contains(&node_id), EAlreadySubmitted);
    assert!(results.length() == s.committee.n_members(), EWrongLength);
    assert!(results.all!(|r| (*r as u64) <= BPS), EInvalidBps);
    s.results_submitted.push_back(node_id);
    events::emit_challenge_results_submitted(epoch, node_id, results);
}

// === Settlement and claims ===

/// Settles ended `epoch` with a 2/3 quorum certificate of its committee over the header
/// digest: burns `burned`, keeps `paid` for the claims.
public(package) fun settle_epoch(
    s: &mut SystemInner,
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
    assert!(s.ended.contains(epoch), EWrongEpoch);
    let e = &mut s.ended[epoch];
    assert!(!e.is_settled(), EAlreadySettled);
    let digest = settlement::header_digest(epoch, n_entries, pot, burned, paid, &entries_root);
    let message = messages::settlement_bytes(epoch, &digest);
    let weight = e.committee().verify_quorum(&signature, &signers_bitmap, &message);
    let burn = e.settle(n_entries, pot, burned, paid, entries_root);
    let root = e.entries_root();
    s.vault_total = s.vault_total - burn.value();
    wal::burn(treasury, coin::from_balance(burn, ctx));
    events::emit_epoch_settled(epoch, n_entries, pot, burned, paid, root, weight);
}

/// Pays `node_id`'s entry of settled `epoch`, proven by `proof_index` and `proof_siblings`
/// against the certified root, to its pool. Anyone may call it.
public(package) fun claim_rewards(
    s: &mut SystemInner,
    epoch: u32,
    node_id: ID,
    shards: u16,
    performance_bps: u16,
    staker_reward: u64,
    commission: u64,
    proof_index: u32,
    proof_siblings: vector<vector<u8>>,
    ctx: &TxContext,
) {
    assert!(s.ended.contains(epoch), ENotSettled);
    let e = &mut s.ended[epoch];
    e.assert_entry(
        node_id,
        shards,
        performance_bps,
        staker_reward,
        commission,
        proof_index,
        &proof_siblings,
    );
    assert!(!e.is_claimed(&node_id), EAlreadyClaimed);
    assert!(s.pools.contains(node_id), EUnknownPool);
    let (staker, commission) = e.take_claim(node_id, staker_reward, commission);
    s.vault_total = s.vault_total - staker.value() - commission.value();
    s.credit_pool(epoch, node_id, shards, performance_bps, staker, commission, ctx.sender());
}

/// The fallback: from `settlement_fallback_epochs` after `epoch` ended, if it was not settled,
/// pays its pot by shards (burn share burned) to its committee's pools. Anyone may call it.
public(package) fun settle_fallback(
    s: &mut SystemInner,
    treasury: &mut ProtectedTreasury,
    epoch: u32,
    ctx: &mut TxContext,
) {
    assert!(s.ended.contains(epoch), EWrongEpoch);
    assert!(!s.ended[epoch].is_settled(), EAlreadySettled);
    assert!(
        (s.epoch as u64) >= (epoch as u64) + 1 + (s.params.settlement_fallback_epochs() as u64),
        EFallbackTooEarly,
    );
    let burn_bps = s.params.burn_bps();
    let e = &mut s.ended[epoch];
    let pot = e.pot();
    let committee = *e.committee();
    let (burn, mut stakers, mut commissions) = e.settle_by_shards(burn_bps);
    let burned = burn.value();
    s.vault_total = s.vault_total - pot;
    wal::burn(treasury, coin::from_balance(burn, ctx));
    events::emit_epoch_settled_by_fallback(epoch, pot, burned, pot - burned);
    stakers.reverse();
    commissions.reverse();
    committee.n_members().do!(|i| {
        let staker = stakers.pop_back();
        let commission = commissions.pop_back();
        let node_id = committee.node_id_at(i);
        let shards = committee.weight_at(i);
        s.credit_pool(epoch, node_id, shards, 10_000, staker, commission, ctx.sender());
    });
    stakers.destroy_empty();
    commissions.destroy_empty();
}

/// Credits a pool's settled rewards of `epoch` and emits `RewardsClaimed`.
fun credit_pool(
    s: &mut SystemInner,
    epoch: u32,
    node_id: ID,
    shards: u16,
    performance_bps: u16,
    staker_reward: Balance<WAL>,
    commission: Balance<WAL>,
    claimer: address,
) {
    let now = s.epoch;
    let (to_stakers, to_commission) = s.pools[node_id].credit(staker_reward, commission, now);
    events::emit_rewards_claimed(
        epoch,
        node_id,
        shards,
        performance_bps,
        to_stakers,
        to_commission,
        claimer,
    );
}

// === Governance ===

/// Proposes `parameter` = `values` with `staked` (which must be able to vote now); returns the
/// proposal's id.
public(package) fun propose(
    s: &mut SystemInner,
    staked: &StakedWal,
    parameter: String,
    values: vector<u64>,
    ctx: &mut TxContext,
): u64 {
    let mut trial = s.params;
    trial.apply_change(&parameter, &values);
    let epoch = s.epoch;
    assert!(staked.can_vote_at(epoch), ENotEligible);
    let eligible = s.active_principal.at(epoch);
    let voting_epochs = s.params.gov_voting_epochs();
    let p = governance::new(parameter, values, epoch, voting_epochs, eligible, ctx);
    s.n_proposals = s.n_proposals + 1;
    let id = s.n_proposals;
    events::emit_proposal_created(
        epoch,
        id,
        ctx.sender(),
        object::id(staked),
        parameter,
        values,
        p.voting_end(),
        eligible,
    );
    s.proposals.add(id, p);
    id
}

/// Votes on proposal `id` with `staked`.
public(package) fun vote(
    s: &mut SystemInner,
    id: u64,
    staked: &StakedWal,
    support: bool,
    ctx: &TxContext,
) {
    assert!(s.proposals.contains(id), EUnknownProposal);
    let epoch = s.epoch;
    let weight = s.proposals[id].vote(staked, support, epoch);
    events::emit_vote_cast(epoch, id, object::id(staked), ctx.sender(), support, weight);
}

/// Ends the voting of proposal `id`.
public(package) fun finalize_proposal(s: &mut SystemInner, id: u64) {
    assert!(s.proposals.contains(id), EUnknownProposal);
    let epoch = s.epoch;
    let (quorum, threshold) = (s.params.gov_quorum_bps(), s.params.gov_threshold_bps());
    s.proposals[id].finalize(epoch, quorum, threshold);
    s.emit_finalized(id);
}

/// Executes passed proposal `id`: its change takes effect now (bounds checked again).
public(package) fun execute_proposal(s: &mut SystemInner, id: u64) {
    assert!(s.proposals.contains(id), EUnknownProposal);
    let epoch = s.epoch;
    let (quorum, threshold) = (s.params.gov_quorum_bps(), s.params.gov_threshold_bps());
    let timelock = s.params.gov_timelock_epochs();
    let finalized_now = s.proposals[id].execute(epoch, quorum, threshold, timelock);
    if (finalized_now) s.emit_finalized(id);
    let p = &s.proposals[id];
    let (parameter, values) = (*p.parameter(), *p.values());
    s.params.apply_change(&parameter, &values);
    // A shorter rate window drops its oldest samples now.
    while (s.rate_samples.length() > s.params.rate_window_samples()) {
        s.rate_samples.remove(0);
    };
    events::emit_proposal_executed(epoch, id);
}

fun emit_finalized(s: &SystemInner, id: u64) {
    let p = &s.proposals[id];
    events::emit_proposal_finalized(
        s.epoch,
        id,
        p.passed(),
        p.votes_for(),
        p.votes_against(),
        p.eligible_stake(),
        p.voting_end() + s.params.gov_timelock_epochs(),
    );
}

// === Blob lifecycle: attributes, burn, replacement, shared blobs, storage pools ===

/// Sets a blob's attribute `key` to `value`.
public(package) fun set_blob_attribute(
    s: &SystemInner,
    blob: &mut Blob,
    key: String,
    value: String,
) {
    blob.set_attribute(key, value, s.epoch);
}

/// Removes a blob's attribute `key`.
public(package) fun remove_blob_attribute(s: &SystemInner, blob: &mut Blob, key: String) {
    blob.remove_attribute(key, s.epoch);
}

/// Burns a blob object (its data stays stored until its end epoch if it was certified).
public(package) fun burn_blob(s: &SystemInner, blob: Blob) {
    blob.burn(s.epoch);
}

/// Replaces a deletable blob's content with a new blob under the same object, paying the new
/// content's write fee from `write_payment`; it then waits for its certificate.
public(package) fun replace_blob(
    s: &mut SystemInner,
    blob: &mut Blob,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    write_payment: &mut Coin<WAL>,
) {
    let n_shards = s.params.n_shards();
    blob.replace(blob_id, root_hash, size, encoding_type, s.epoch, n_shards);
    let encoded = encoding::encoded_blob_length(size, encoding_type, n_shards);
    s.pay_write_fee(blob_id, blob.object_id(), encoded, write_payment.balance_mut());
}

/// Wraps a certified, unexpired blob with `funds` into a shared blob and shares it.
public(package) fun share_blob(s: &SystemInner, blob: Blob, funds: Coin<WAL>, ctx: &mut TxContext) {
    blob.assert_certified_not_expired(s.epoch);
    let (object_id, blob_id, amount) = (blob.object_id(), blob.blob_id(), funds.value());
    let shared = shared_blob::new(blob, funds.into_balance(), ctx);
    events::emit_shared_blob_created(s.epoch, object::id(&shared), object_id, blob_id, amount);
    shared.share();
}

/// Adds `funds` to a shared blob (anyone may).
public(package) fun fund_shared_blob(s: &SystemInner, shared: &mut SharedBlob, funds: Coin<WAL>) {
    let amount = funds.value();
    shared.funds_mut().join(funds.into_balance());
    events::emit_shared_blob_funded(s.epoch, object::id(shared), amount, shared.funds());
}

/// Extends a shared blob by `extended_epochs`, paid from its funds (anyone may).
public(package) fun extend_shared_blob(
    s: &mut SystemInner,
    shared: &mut SharedBlob,
    extended_epochs: u32,
    ctx: &mut TxContext,
) {
    let id = object::id(shared);
    let (blob, funds) = shared.parts_mut();
    let cost = s.extend_blob_from(blob, extended_epochs, funds, ctx);
    let end = blob.end_epoch();
    events::emit_shared_blob_extended(s.epoch, id, end, cost, funds.value());
}

/// A storage pool over `storage` (which must cover the current epoch).
public(package) fun create_storage_pool(
    s: &SystemInner,
    storage: Storage,
    ctx: &mut TxContext,
): StoragePool {
    let pool = storage_pool::new(storage, s.epoch, ctx);
    events::emit_storage_pool_created(
        s.epoch,
        pool.object_id(),
        pool.capacity(),
        pool.start_epoch(),
        pool.end_epoch(),
    );
    pool
}

/// Registers a blob against `pool` (ID derivation checked, room in the pool), paying its write
/// fee; returns the pooled blob's object ID.
public(package) fun register_pooled_blob(
    s: &mut SystemInner,
    pool: &mut StoragePool,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    deletable: bool,
    write_payment: &mut Coin<WAL>,
    ctx: &mut TxContext,
): ID {
    let encoded = encoding::encoded_blob_length(size, encoding_type, s.params.n_shards());
    assert!(encoding::derive_blob_id(root_hash, encoding_type, size) == blob_id, EInvalidBlobId);
    let epoch = s.epoch;
    let object_id = pool.add(blob_id, size, encoding_type, encoded, deletable, epoch, ctx);
    events::emit_pooled_blob_registered(
        epoch,
        blob_id,
        size,
        encoding_type,
        deletable,
        object_id,
        pool.object_id(),
    );
    s.pay_write_fee(blob_id, object_id, encoded, write_payment.balance_mut());
    object_id
}

/// Certifies a pooled blob with a 2/3-quorum certificate of the current committee.
public(package) fun certify_pooled_blob(
    s: &SystemInner,
    pool: &mut StoragePool,
    signature: vector<u8>,
    signers_bitmap: vector<u8>,
    message: vector<u8>,
) {
    let _ = s.committee.verify_quorum(&signature, &signers_bitmap, &message);
    let cert = messages::blob_cert(messages::new_certified_message(message, s.epoch));
    let (blob_id, deletable, object_id) = pool.certify(cert, s.epoch);
    events::emit_pooled_blob_certified(s.epoch, blob_id, deletable, object_id, pool.object_id());
}

/// Deletes a deletable pooled blob; its space returns to the pool.
public(package) fun delete_pooled_blob(s: &SystemInner, pool: &mut StoragePool, blob_id: u256) {
    let (was_certified, object_id) = pool.remove(blob_id, s.params.n_shards());
    events::emit_pooled_blob_deleted(s.epoch, blob_id, object_id, was_certified, pool.object_id());
}

/// Extends an unexpired pool by `extended_epochs`, paying for its whole capacity.
public(package) fun extend_storage_pool(
    s: &mut SystemInner,
    pool: &mut StoragePool,
    extended_epochs: u32,
    payment: &mut Coin<WAL>,
    ctx: &mut TxContext,
) {
    assert!(s.epoch < pool.end_epoch(), EResourceBounds);
    let start = pool.end_epoch();
    let size = pool.capacity();
    let (extension, _) = s.buy_extension(start, extended_epochs, size, payment.balance_mut(), ctx);
    pool.extend(extension);
    events::emit_storage_pool_extended(s.epoch, pool.object_id(), pool.end_epoch());
}
