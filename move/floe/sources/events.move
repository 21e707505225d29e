/// Every event Floe emits, one plain `copy, drop` struct each.
///
/// The blob and epoch lifecycle events keep Walrus's names and field order, so the same
/// decoders read Walrus's and Floe's. `move/EVENTS.md` lists every struct with its fields in
/// order, and a Rust test (`economics/tests/move_events_parity.rs`) fails if that list, these
/// structs and the Rust event types ever disagree. Change a field only together with both.
module floe::events;

use std::string::String;
use sui::event;

// === Blob lifecycle (Walrus names and field order) ===

/// A blob was registered: its storage is bought and its write fee paid.
public struct BlobRegistered has copy, drop {
    epoch: u32,
    blob_id: u256,
    size: u64,
    encoding_type: u8,
    end_epoch: u32,
    deletable: bool,
    object_id: ID,
}

/// A blob was certified by a 2/3 quorum (or its certified lifetime was extended).
public struct BlobCertified has copy, drop {
    epoch: u32,
    blob_id: u256,
    end_epoch: u32,
    deletable: bool,
    object_id: ID,
    is_extension: bool,
}

/// A deletable blob was deleted; its storage went back to its owner.
public struct BlobDeleted has copy, drop {
    epoch: u32,
    blob_id: u256,
    end_epoch: u32,
    object_id: ID,
    was_certified: bool,
}

/// Nodes holding more than a third of the shards certified that a blob ID is invalid.
public struct InvalidBlobID has copy, drop {
    epoch: u32,
    blob_id: u256,
}

// === Epochs (Walrus names and field order) ===

/// The epoch change to `epoch` started: the new committee now syncs its shards.
public struct EpochChangeStart has copy, drop {
    epoch: u32,
}

/// Nodes holding 2/3 of the shards of `epoch` reported their shards in sync.
public struct EpochChangeDone has copy, drop {
    epoch: u32,
}

/// The committee, prices and capacity of `next_epoch` were selected.
public struct EpochParametersSelected has copy, drop {
    next_epoch: u32,
}

/// The FROST prices charged in `epoch` (per MiB of encoded size per epoch, per MiB written).
public struct PricesUpdated has copy, drop {
    epoch: u32,
    storage_price: u64,
    write_price: u64,
}

// === Epochs and prices (Floe) ===

/// The committee of `epoch`: nodes in committee order and, for each, the shards it holds.
public struct CommitteeSelected has copy, drop {
    epoch: u32,
    node_ids: vector<ID>,
    shards: vector<vector<u16>>,
}

/// A committee member reported its shards in sync for `epoch`.
public struct EpochSyncReported has copy, drop {
    epoch: u32,
    node_id: ID,
    weight: u16,
    total_weight: u16,
}

/// The USD prices and capacity selected for `next_epoch`: the quorum targets and the values
/// after the stability guard (`max_price_step_bps`).
public struct UsdPricesSelected has copy, drop {
    next_epoch: u32,
    target_storage_price_usd: u64,
    target_write_price_usd: u64,
    storage_price_usd: u64,
    write_price_usd: u64,
    total_capacity_size: u64,
}

/// The pricing in force in `epoch`: USD prices, the committee WAL/USD rate they were converted
/// with, the resulting FROST prices and the capacity.
public struct EpochPricing has copy, drop {
    epoch: u32,
    storage_price_usd: u64,
    write_price_usd: u64,
    wal_usd_rate: u64,
    storage_price: u64,
    write_price: u64,
    total_capacity_size: u64,
}

/// A sample of the committee's WAL/USD rate: the previous sample clamped into the 2/3-quorum
/// band of the reports; `n_samples` in the window after it.
public struct WalUsdRateSampled has copy, drop {
    epoch: u32,
    wal_usd_rate: u64,
    n_samples: u64,
}

/// The pot of `epoch` was closed: `burned` FROST burned, `distributed` paid to the pools.
public struct EpochPotClosed has copy, drop {
    epoch: u32,
    total: u64,
    burned: u64,
    distributed: u64,
}

// === Storage (Floe) ===

/// Storage was bought for `[start_epoch, end_epoch)` and paid into the per-epoch pots.
public struct StorageReserved has copy, drop {
    epoch: u32,
    storage_id: ID,
    storage_size: u64,
    start_epoch: u32,
    end_epoch: u32,
    cost: u64,
}

/// The write fee of a registered blob was paid into the current epoch's pot.
public struct WriteFeePaid has copy, drop {
    epoch: u32,
    blob_id: u256,
    object_id: ID,
    fee: u64,
}

// === Staking (Floe) ===

/// A storage node registered; its staking pool has the same ID.
public struct NodeRegistered has copy, drop {
    epoch: u32,
    node_id: ID,
    operator: address,
    name: String,
    network_address: String,
    public_key: vector<u8>,
    commission_rate: u16,
}

/// WAL was staked with a node; it counts from `activation_epoch`.
public struct StakeDeposited has copy, drop {
    epoch: u32,
    node_id: ID,
    staked_wal_id: ID,
    staker: address,
    amount: u64,
    activation_epoch: u32,
}

/// Withdrawal of a stake was requested; it can be withdrawn from `withdraw_epoch`.
public struct WithdrawalRequested has copy, drop {
    epoch: u32,
    node_id: ID,
    staked_wal_id: ID,
    amount: u64,
    withdraw_epoch: u32,
}

/// A stake was withdrawn: principal plus rewards paid out (`early`: it never became active).
public struct StakeWithdrawn has copy, drop {
    epoch: u32,
    node_id: ID,
    staked_wal_id: ID,
    staker: address,
    principal: u64,
    rewards: u64,
    early: bool,
}

/// A node set its next commission rate (basis points), in force from `effective_epoch`.
public struct CommissionRateSet has copy, drop {
    epoch: u32,
    node_id: ID,
    commission_rate: u16,
    effective_epoch: u32,
}

/// A node set the address allowed to collect its commission.
public struct CommissionReceiverSet has copy, drop {
    epoch: u32,
    node_id: ID,
    receiver: address,
}

/// Commission was collected by the node's authorized receiver.
public struct CommissionCollected has copy, drop {
    epoch: u32,
    node_id: ID,
    receiver: address,
    amount: u64,
}

/// A pool moved into `epoch` at the epoch change (the pools of the ending and the new
/// committee only; other pools catch up silently when next used): rewards of the previous
/// epoch credited (after commission), and the exchange rate (`wal_balance` / `num_shares`)
/// recorded for `epoch`.
public struct PoolAdvanced has copy, drop {
    epoch: u32,
    node_id: ID,
    rewards: u64,
    commission: u64,
    commission_rate: u16,
    wal_balance: u64,
    num_shares: u64,
}

/// A node voted USD prices (nano-USD per MiB per epoch, per MiB written).
public struct PriceVoted has copy, drop {
    epoch: u32,
    node_id: ID,
    storage_price_usd: u64,
    write_price_usd: u64,
}

/// A node voted the capacity (bytes) it offers.
public struct CapacityVoted has copy, drop {
    epoch: u32,
    node_id: ID,
    node_capacity: u64,
}

/// A node reported the WAL/USD rate it sees (nano-USD per WAL).
public struct WalUsdReported has copy, drop {
    epoch: u32,
    node_id: ID,
    wal_usd_rate: u64,
}

// === Challenges and settlement (Floe) ===

/// The challenge seed of `epoch`: 32 bytes drawn from `sui::random` in the transaction that
/// emitted it. With the committee of `epoch` (in `CommitteeSelected` order) and the certified
/// blobs, it fixes every shard's chain of challenged symbols (`challenges_per_shard` each);
/// nodes answer within `window_ms` of it.
public struct ChallengeSeedDrawn has copy, drop {
    epoch: u32,
    seed: vector<u8>,
    challenges_per_shard: u32,
    window_ms: u64,
}

/// A challenger's results for `epoch`: one pass rate (basis points) per committee member, in
/// committee order.
public struct ChallengeResultsSubmitted has copy, drop {
    epoch: u32,
    node_id: ID,
    results: vector<u16>,
}

/// The settlement of `epoch` was certified by `signers_weight` shards of its committee:
/// `burned` FROST burned, `paid` FROST kept for the pools' claims against `entries_root`.
public struct EpochSettled has copy, drop {
    epoch: u32,
    n_entries: u32,
    pot: u64,
    burned: u64,
    paid: u64,
    entries_root: vector<u8>,
    signers_weight: u16,
}

/// No settlement of `epoch` was certified in time: its pot was paid by base weight (shards),
/// `burned` burned and `paid` credited to the pools (one `RewardsClaimed` each).
public struct EpochSettledByFallback has copy, drop {
    epoch: u32,
    pot: u64,
    burned: u64,
    paid: u64,
}

/// A pool's rewards of `epoch` were credited: `staker_reward` to its stakers (from the next
/// epoch boundary), `commission` to its commission balance (a pool without shares takes both
/// as commission). `claimer` sent the claim (anyone may) or the fallback.
public struct RewardsClaimed has copy, drop {
    epoch: u32,
    node_id: ID,
    shards: u16,
    performance_bps: u16,
    staker_reward: u64,
    commission: u64,
    claimer: address,
}

// === Governance (Floe) ===

/// A parameter change was proposed in `epoch` (the snapshot): `parameter` is the governed
/// parameter's name and `values` its new value(s); voting ends at the start of
/// `voting_end_epoch`; `eligible_stake` is the principal active at the snapshot.
public struct ProposalCreated has copy, drop {
    epoch: u32,
    proposal_id: u64,
    proposer: address,
    staked_wal_id: ID,
    parameter: String,
    values: vector<u64>,
    voting_end_epoch: u32,
    eligible_stake: u64,
}

/// A staked-WAL receipt voted with `weight` FROST of principal.
public struct VoteCast has copy, drop {
    epoch: u32,
    proposal_id: u64,
    staked_wal_id: ID,
    voter: address,
    support: bool,
    weight: u64,
}

/// Voting on a proposal ended; if it `passed` it can be executed from `executable_epoch`.
public struct ProposalFinalized has copy, drop {
    epoch: u32,
    proposal_id: u64,
    passed: bool,
    votes_for: u64,
    votes_against: u64,
    eligible_stake: u64,
    executable_epoch: u32,
}

/// A passed proposal's change took effect.
public struct ProposalExecuted has copy, drop {
    epoch: u32,
    proposal_id: u64,
}

// === Receipts and resources (Floe) ===

/// `new_principal` FROST of a staked-WAL receipt moved into a new receipt.
public struct StakedWalSplit has copy, drop {
    epoch: u32,
    node_id: ID,
    staked_wal_id: ID,
    principal: u64,
    new_staked_wal_id: ID,
    new_principal: u64,
}

/// A staked-WAL receipt absorbed `absorbed_id`; `principal` is the result.
public struct StakedWalJoined has copy, drop {
    epoch: u32,
    node_id: ID,
    staked_wal_id: ID,
    absorbed_id: ID,
    principal: u64,
}

/// A staked-WAL receipt was transferred (the only way receipts change hands).
public struct StakedWalTransferred has copy, drop {
    epoch: u32,
    staked_wal_id: ID,
    from: address,
    to: address,
}

/// A storage resource was split: both parts as they are after the split.
public struct StorageSplit has copy, drop {
    storage_id: ID,
    start_epoch: u32,
    end_epoch: u32,
    storage_size: u64,
    new_storage_id: ID,
    new_start_epoch: u32,
    new_end_epoch: u32,
    new_storage_size: u64,
}

/// A storage resource absorbed `absorbed_id`; the fields are the result.
public struct StorageFused has copy, drop {
    storage_id: ID,
    absorbed_id: ID,
    start_epoch: u32,
    end_epoch: u32,
    storage_size: u64,
}

// === Blob attributes, shared blobs, storage pools (Walrus's names where Walrus has them) ===

/// A blob's attribute `key` was set to `value`.
public struct BlobAttributeSet has copy, drop {
    epoch: u32,
    object_id: ID,
    blob_id: u256,
    key: String,
    value: String,
}

/// A blob's attribute `key` was removed.
public struct BlobAttributeRemoved has copy, drop {
    epoch: u32,
    object_id: ID,
    blob_id: u256,
    key: String,
}

/// A blob object was burned; a certified blob's data stays stored until `end_epoch`.
public struct BlobBurned has copy, drop {
    epoch: u32,
    blob_id: u256,
    object_id: ID,
    end_epoch: u32,
    was_certified: bool,
}

/// A deletable blob's content was replaced under the same object (after `BlobDeleted` of the
/// old blob ID and `BlobRegistered` of the new one).
public struct BlobReplaced has copy, drop {
    epoch: u32,
    object_id: ID,
    old_blob_id: u256,
    new_blob_id: u256,
}

/// A blob was wrapped into a shared blob with `funds` FROST that anyone may add to and extend
/// it with.
public struct SharedBlobCreated has copy, drop {
    epoch: u32,
    shared_blob_id: ID,
    object_id: ID,
    blob_id: u256,
    funds: u64,
}

/// `amount` FROST were added to a shared blob's funds (now `funds`).
public struct SharedBlobFunded has copy, drop {
    epoch: u32,
    shared_blob_id: ID,
    amount: u64,
    funds: u64,
}

/// A shared blob was extended to `end_epoch`, paying `cost` from its funds (now `funds`).
public struct SharedBlobExtended has copy, drop {
    epoch: u32,
    shared_blob_id: ID,
    end_epoch: u32,
    cost: u64,
    funds: u64,
}

/// A storage pool reserves `reserved_encoded_capacity_bytes` for `[start_epoch, end_epoch)`.
public struct StoragePoolCreated has copy, drop {
    epoch: u32,
    storage_pool_id: ID,
    reserved_encoded_capacity_bytes: u64,
    start_epoch: u32,
    end_epoch: u32,
}

/// A blob was registered against a storage pool (it lives as long as the pool).
public struct PooledBlobRegistered has copy, drop {
    epoch: u32,
    blob_id: u256,
    unencoded_size: u64,
    encoding_type: u8,
    deletable: bool,
    object_id: ID,
    storage_pool_id: ID,
}

/// A pooled blob was certified by a 2/3 quorum.
public struct PooledBlobCertified has copy, drop {
    epoch: u32,
    blob_id: u256,
    deletable: bool,
    object_id: ID,
    storage_pool_id: ID,
}

/// A pooled blob was deleted; its space returns to the pool.
public struct PooledBlobDeleted has copy, drop {
    epoch: u32,
    blob_id: u256,
    object_id: ID,
    was_certified: bool,
    storage_pool_id: ID,
}

/// A storage pool's lifetime was extended to `new_end_epoch`.
public struct StoragePoolExtended has copy, drop {
    epoch: u32,
    storage_pool_id: ID,
    new_end_epoch: u32,
}

// === Emitters ===

public(package) fun emit_blob_registered(
    epoch: u32,
    blob_id: u256,
    size: u64,
    encoding_type: u8,
    end_epoch: u32,
    deletable: bool,
    object_id: ID,
) {
    event::emit(BlobRegistered {
        epoch,
        blob_id,
        size,
        encoding_type,
        end_epoch,
        deletable,
        object_id,
    });
}

public(package) fun emit_blob_certified(
    epoch: u32,
    blob_id: u256,
    end_epoch: u32,
    deletable: bool,
    object_id: ID,
    is_extension: bool,
) {
    event::emit(BlobCertified { epoch, blob_id, end_epoch, deletable, object_id, is_extension });
}

public(package) fun emit_blob_deleted(
    epoch: u32,
    blob_id: u256,
    end_epoch: u32,
    object_id: ID,
    was_certified: bool,
) {
    event::emit(BlobDeleted { epoch, blob_id, end_epoch, object_id, was_certified });
}

public(package) fun emit_invalid_blob_id(epoch: u32, blob_id: u256) {
    event::emit(InvalidBlobID { epoch, blob_id });
}

public(package) fun emit_epoch_change_start(epoch: u32) {
    event::emit(EpochChangeStart { epoch });
}

public(package) fun emit_epoch_change_done(epoch: u32) {
    event::emit(EpochChangeDone { epoch });
}

public(package) fun emit_epoch_parameters_selected(next_epoch: u32) {
    event::emit(EpochParametersSelected { next_epoch });
}

public(package) fun emit_prices_updated(epoch: u32, storage_price: u64, write_price: u64) {
    event::emit(PricesUpdated { epoch, storage_price, write_price });
}

public(package) fun emit_committee_selected(
    epoch: u32,
    node_ids: vector<ID>,
    shards: vector<vector<u16>>,
) {
    event::emit(CommitteeSelected { epoch, node_ids, shards });
}

public(package) fun emit_epoch_sync_reported(
    epoch: u32,
    node_id: ID,
    weight: u16,
    total_weight: u16,
) {
    event::emit(EpochSyncReported { epoch, node_id, weight, total_weight });
}

public(package) fun emit_usd_prices_selected(
    next_epoch: u32,
    target_storage_price_usd: u64,
    target_write_price_usd: u64,
    storage_price_usd: u64,
    write_price_usd: u64,
    total_capacity_size: u64,
) {
    event::emit(UsdPricesSelected {
        next_epoch,
        target_storage_price_usd,
        target_write_price_usd,
        storage_price_usd,
        write_price_usd,
        total_capacity_size,
    });
}

public(package) fun emit_epoch_pricing(
    epoch: u32,
    storage_price_usd: u64,
    write_price_usd: u64,
    wal_usd_rate: u64,
    storage_price: u64,
    write_price: u64,
    total_capacity_size: u64,
) {
    event::emit(EpochPricing {
        epoch,
        storage_price_usd,
        write_price_usd,
        wal_usd_rate,
        storage_price,
        write_price,
        total_capacity_size,
    });
}

public(package) fun emit_wal_usd_rate_sampled(epoch: u32, wal_usd_rate: u64, n_samples: u64) {
    event::emit(WalUsdRateSampled { epoch, wal_usd_rate, n_samples });
}

public(package) fun emit_epoch_pot_closed(epoch: u32, total: u64, burned: u64, distributed: u64) {
    event::emit(EpochPotClosed { epoch, total, burned, distributed });
}

public(package) fun emit_storage_reserved(
    epoch: u32,
    storage_id: ID,
    storage_size: u64,
    start_epoch: u32,
    end_epoch: u32,
    cost: u64,
) {
    event::emit(StorageReserved { epoch, storage_id, storage_size, start_epoch, end_epoch, cost });
}

public(package) fun emit_write_fee_paid(epoch: u32, blob_id: u256, object_id: ID, fee: u64) {
    event::emit(WriteFeePaid { epoch, blob_id, object_id, fee });
}

public(package) fun emit_node_registered(
    epoch: u32,
    node_id: ID,
    operator: address,
    name: String,
    network_address: String,
    public_key: vector<u8>,
    commission_rate: u16,
) {
    event::emit(NodeRegistered {
        epoch,
        node_id,
        operator,
        name,
        network_address,
        public_key,
        commission_rate,
    });
}

public(package) fun emit_stake_deposited(
    epoch: u32,
    node_id: ID,
    staked_wal_id: ID,
    staker: address,
    amount: u64,
    activation_epoch: u32,
) {
    event::emit(StakeDeposited { epoch, node_id, staked_wal_id, staker, amount, activation_epoch });
}

public(package) fun emit_withdrawal_requested(
    epoch: u32,
    node_id: ID,
    staked_wal_id: ID,
    amount: u64,
    withdraw_epoch: u32,
) {
    event::emit(WithdrawalRequested { epoch, node_id, staked_wal_id, amount, withdraw_epoch });
}

public(package) fun emit_stake_withdrawn(
    epoch: u32,
    node_id: ID,
    staked_wal_id: ID,
    staker: address,
    principal: u64,
    rewards: u64,
    early: bool,
) {
    event::emit(StakeWithdrawn {
        epoch,
        node_id,
        staked_wal_id,
        staker,
        principal,
        rewards,
        early,
    });
}

public(package) fun emit_commission_rate_set(
    epoch: u32,
    node_id: ID,
    commission_rate: u16,
    effective_epoch: u32,
) {
    event::emit(CommissionRateSet { epoch, node_id, commission_rate, effective_epoch });
}

public(package) fun emit_commission_receiver_set(epoch: u32, node_id: ID, receiver: address) {
    event::emit(CommissionReceiverSet { epoch, node_id, receiver });
}

public(package) fun emit_commission_collected(
    epoch: u32,
    node_id: ID,
    receiver: address,
    amount: u64,
) {
    event::emit(CommissionCollected { epoch, node_id, receiver, amount });
}

public(package) fun emit_pool_advanced(
    epoch: u32,
    node_id: ID,
    rewards: u64,
    commission: u64,
    commission_rate: u16,
    wal_balance: u64,
    num_shares: u64,
) {
    event::emit(PoolAdvanced {
        epoch,
        node_id,
        rewards,
        commission,
        commission_rate,
        wal_balance,
        num_shares,
    });
}

public(package) fun emit_price_voted(
    epoch: u32,
    node_id: ID,
    storage_price_usd: u64,
    write_price_usd: u64,
) {
    event::emit(PriceVoted { epoch, node_id, storage_price_usd, write_price_usd });
}

public(package) fun emit_capacity_voted(epoch: u32, node_id: ID, node_capacity: u64) {
    event::emit(CapacityVoted { epoch, node_id, node_capacity });
}

public(package) fun emit_wal_usd_reported(epoch: u32, node_id: ID, wal_usd_rate: u64) {
    event::emit(WalUsdReported { epoch, node_id, wal_usd_rate });
}

public(package) fun emit_challenge_seed_drawn(
    epoch: u32,
    seed: vector<u8>,
    challenges_per_shard: u32,
    window_ms: u64,
) {
    event::emit(ChallengeSeedDrawn { epoch, seed, challenges_per_shard, window_ms });
}

public(package) fun emit_challenge_results_submitted(
    epoch: u32,
    node_id: ID,
    results: vector<u16>,
) {
    event::emit(ChallengeResultsSubmitted { epoch, node_id, results });
}

public(package) fun emit_epoch_settled(
    epoch: u32,
    n_entries: u32,
    pot: u64,
    burned: u64,
    paid: u64,
    entries_root: vector<u8>,
    signers_weight: u16,
) {
    event::emit(EpochSettled {
        epoch,
        n_entries,
        pot,
        burned,
        paid,
        entries_root,
        signers_weight,
    });
}

public(package) fun emit_epoch_settled_by_fallback(epoch: u32, pot: u64, burned: u64, paid: u64) {
    event::emit(EpochSettledByFallback { epoch, pot, burned, paid });
}

public(package) fun emit_rewards_claimed(
    epoch: u32,
    node_id: ID,
    shards: u16,
    performance_bps: u16,
    staker_reward: u64,
    commission: u64,
    claimer: address,
) {
    event::emit(RewardsClaimed {
        epoch,
        node_id,
        shards,
        performance_bps,
        staker_reward,
        commission,
        claimer,
    });
}

public(package) fun emit_proposal_created(
    epoch: u32,
    proposal_id: u64,
    proposer: address,
    staked_wal_id: ID,
    parameter: String,
    values: vector<u64>,
    voting_end_epoch: u32,
    eligible_stake: u64,
) {
    event::emit(ProposalCreated {
        epoch,
        proposal_id,
        proposer,
        staked_wal_id,
        parameter,
        values,
        voting_end_epoch,
        eligible_stake,
    });
}

public(package) fun emit_vote_cast(
    epoch: u32,
    proposal_id: u64,
    staked_wal_id: ID,
    voter: address,
    support: bool,
    weight: u64,
) {
    event::emit(VoteCast { epoch, proposal_id, staked_wal_id, voter, support, weight });
}

public(package) fun emit_proposal_finalized(
    epoch: u32,
    proposal_id: u64,
    passed: bool,
    votes_for: u64,
    votes_against: u64,
    eligible_stake: u64,
    executable_epoch: u32,
) {
    event::emit(ProposalFinalized {
        epoch,
        proposal_id,
        passed,
        votes_for,
        votes_against,
        eligible_stake,
        executable_epoch,
    });
}

public(package) fun emit_proposal_executed(epoch: u32, proposal_id: u64) {
    event::emit(ProposalExecuted { epoch, proposal_id });
}

public(package) fun emit_staked_wal_split(
    epoch: u32,
    node_id: ID,
    staked_wal_id: ID,
    principal: u64,
    new_staked_wal_id: ID,
    new_principal: u64,
) {
    event::emit(StakedWalSplit {
        epoch,
        node_id,
        staked_wal_id,
        principal,
        new_staked_wal_id,
        new_principal,
    });
}

public(package) fun emit_staked_wal_joined(
    epoch: u32,
    node_id: ID,
    staked_wal_id: ID,
    absorbed_id: ID,
    principal: u64,
) {
    event::emit(StakedWalJoined { epoch, node_id, staked_wal_id, absorbed_id, principal });
}

public(package) fun emit_staked_wal_transferred(
    epoch: u32,
    staked_wal_id: ID,
    from: address,
    to: address,
) {
    event::emit(StakedWalTransferred { epoch, staked_wal_id, from, to });
}

public(package) fun emit_storage_split(
    storage_id: ID,
    start_epoch: u32,
    end_epoch: u32,
    storage_size: u64,
    new_storage_id: ID,
    new_start_epoch: u32,
    new_end_epoch: u32,
    new_storage_size: u64,
) {
    event::emit(StorageSplit {
        storage_id,
        start_epoch,
        end_epoch,
        storage_size,
        new_storage_id,
        new_start_epoch,
        new_end_epoch,
        new_storage_size,
    });
}

public(package) fun emit_storage_fused(
    storage_id: ID,
    absorbed_id: ID,
    start_epoch: u32,
    end_epoch: u32,
    storage_size: u64,
) {
    event::emit(StorageFused { storage_id, absorbed_id, start_epoch, end_epoch, storage_size });
}

public(package) fun emit_blob_attribute_set(
    epoch: u32,
    object_id: ID,
    blob_id: u256,
    key: String,
    value: String,
) {
    event::emit(BlobAttributeSet { epoch, object_id, blob_id, key, value });
}

public(package) fun emit_blob_attribute_removed(
    epoch: u32,
    object_id: ID,
    blob_id: u256,
    key: String,
) {
    event::emit(BlobAttributeRemoved { epoch, object_id, blob_id, key });
}

public(package) fun emit_blob_burned(
    epoch: u32,
    blob_id: u256,
    object_id: ID,
    end_epoch: u32,
    was_certified: bool,
) {
    event::emit(BlobBurned { epoch, blob_id, object_id, end_epoch, was_certified });
}

public(package) fun emit_blob_replaced(
    epoch: u32,
    object_id: ID,
    old_blob_id: u256,
    new_blob_id: u256,
) {
    event::emit(BlobReplaced { epoch, object_id, old_blob_id, new_blob_id });
}

public(package) fun emit_shared_blob_created(
    epoch: u32,
    shared_blob_id: ID,
    object_id: ID,
    blob_id: u256,
    funds: u64,
) {
    event::emit(SharedBlobCreated { epoch, shared_blob_id, object_id, blob_id, funds });
}

public(package) fun emit_shared_blob_funded(
    epoch: u32,
    shared_blob_id: ID,
    amount: u64,
    funds: u64,
) {
    event::emit(SharedBlobFunded { epoch, shared_blob_id, amount, funds });
}

public(package) fun emit_shared_blob_extended(
    epoch: u32,
    shared_blob_id: ID,
    end_epoch: u32,
    cost: u64,
    funds: u64,
) {
    event::emit(SharedBlobExtended { epoch, shared_blob_id, end_epoch, cost, funds });
}

public(package) fun emit_storage_pool_created(
    epoch: u32,
    storage_pool_id: ID,
    reserved_encoded_capacity_bytes: u64,
    start_epoch: u32,
    end_epoch: u32,
) {
    event::emit(StoragePoolCreated {
        epoch,
        storage_pool_id,
        reserved_encoded_capacity_bytes,
        start_epoch,
        end_epoch,
    });
}

public(package) fun emit_pooled_blob_registered(
    epoch: u32,
    blob_id: u256,
    unencoded_size: u64,
    encoding_type: u8,
    deletable: bool,
    object_id: ID,
    storage_pool_id: ID,
) {
    event::emit(PooledBlobRegistered {
        epoch,
        blob_id,
        unencoded_size,
        encoding_type,
        deletable,
        object_id,
        storage_pool_id,
    });
}

public(package) fun emit_pooled_blob_certified(
    epoch: u32,
    blob_id: u256,
    deletable: bool,
    object_id: ID,
    storage_pool_id: ID,
) {
    event::emit(PooledBlobCertified { epoch, blob_id, deletable, object_id, storage_pool_id });
}

public(package) fun emit_pooled_blob_deleted(
    epoch: u32,
    blob_id: u256,
    object_id: ID,
    was_certified: bool,
    storage_pool_id: ID,
) {
    event::emit(PooledBlobDeleted { epoch, blob_id, object_id, was_certified, storage_pool_id });
}

public(package) fun emit_storage_pool_extended(
    epoch: u32,
    storage_pool_id: ID,
    new_end_epoch: u32,
) {
    event::emit(StoragePoolExtended { epoch, storage_pool_id, new_end_epoch });
}
