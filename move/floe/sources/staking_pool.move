/// `StakingPool`: one per storage node. Share accounting with an exchange rate recorded every
/// epoch; stakes activate at an epoch boundary, withdrawals are requested and completed after
/// a boundary; commission (basis points) changes take effect two epochs after they are set and
/// accrue in the pool until the authorized receiver collects them. The node's votes (USD
/// prices, capacity, WAL/USD rate) live here too.
///
/// Pools advance lazily: the epoch change advances only the pools of the ending and the new
/// committee (bounded by the active set cap); any other pool catches up (`catch_up`) when it is
/// next used, applying in order only the epochs in which something was pending for it (stake
/// activating, shares leaving, a commission change). Such a pool earns no rewards, so its
/// exchange rate only changes at those epochs, which are the ones its receipts refer to.
///
/// `wal_balance` and `num_shares` are accounting figures: the principal of active stake stays
/// in the `StakedWal` receipts, the rewards in `rewards`. The exchange rate of epoch `e`
/// (`wal_balance / num_shares` after crediting the rewards of `e - 1`, before the stake and
/// withdrawals of `e`) converts stake activated in `e` into shares and shares withdrawn in `e`
/// back into WAL.
module floe::staking_pool;

use floe::{events, staked_wal::{Self, StakedWal}};
use std::string::String;
use sui::{balance::{Self, Balance}, table::{Self, Table}, vec_map::{Self, VecMap}};
use wal::wal::WAL;

/// Basis points in one whole.
const BPS: u64 = 10_000;

/// A WAL/USD rate of zero.
const EInvalidRate: u64 = 6;
/// The receipt belongs to another pool.
const EUnknownPool: u64 = 12;
/// The caller is not the pool's commission receiver.
const ENotOwner: u64 = 15;
/// A withdrawal was already requested for this receipt.
const EAlreadyWithdrawing: u64 = 16;
/// The receipt is active and no withdrawal was requested.
const ENotWithdrawing: u64 = 17;
/// The receipt's withdrawal epoch has not been reached.
const EWithdrawEpochNotReached: u64 = 18;
/// The stake never became active: withdraw it directly instead of requesting a withdrawal.
const ECanWithdrawEarly: u64 = 107;

/// The exchange rate of one epoch: `wal_amount` FROST for `share_amount` shares.
public struct ExchangeRate has copy, drop, store {
    wal_amount: u64,
    share_amount: u64,
}

/// A node's current votes.
public struct Votes has copy, drop, store {
    storage_price_usd: u64,
    write_price_usd: u64,
    node_capacity: u64,
    wal_usd_rate: u64,
}

public struct StakingPool has store {
    node_id: ID,
    name: String,
    network_address: String,
    public_key: vector<u8>,
    commission_rate: u16,
    /// Commission rates set, by the epoch they take effect in.
    pending_commission_rate: VecMap<u32, u16>,
    commission_receiver: address,
    commission: Balance<WAL>,
    rewards: Balance<WAL>,
    wal_balance: u64,
    num_shares: u64,
    exchange_rates: Table<u32, ExchangeRate>,
    /// Principal activating, by activation epoch.
    pending_stake: VecMap<u32, u64>,
    /// Shares leaving, by withdrawal epoch.
    pending_shares_withdraw: VecMap<u32, u64>,
    /// Principal of stake counted in a selected committee but withdrawn before activating, by
    /// activation epoch; converted to shares leaving one epoch later.
    pre_active_withdrawals: VecMap<u32, u64>,
    votes: Votes,
    latest_epoch: u32,
}

public(package) fun new(
    node_id: ID,
    name: String,
    network_address: String,
    public_key: vector<u8>,
    commission_rate: u16,
    commission_receiver: address,
    votes: Votes,
    epoch: u32,
    ctx: &mut TxContext,
): StakingPool {
    let mut exchange_rates = table::new(ctx);
    exchange_rates.add(epoch, ExchangeRate { wal_amount: 0, share_amount: 0 });
    StakingPool {
        node_id,
        name,
        network_address,
        public_key,
        commission_rate,
        pending_commission_rate: vec_map::empty(),
        commission_receiver,
        commission: balance::zero(),
        rewards: balance::zero(),
        wal_balance: 0,
        num_shares: 0,
        exchange_rates,
        pending_stake: vec_map::empty(),
        pending_shares_withdraw: vec_map::empty(),
        pre_active_withdrawals: vec_map::empty(),
        votes,
        latest_epoch: epoch,
    }
}

public(package) fun new_votes(
    storage_price_usd: u64,
    write_price_usd: u64,
    node_capacity: u64,
    wal_usd_rate: u64,
): Votes {
    assert!(wal_usd_rate > 0, EInvalidRate);
    Votes { storage_price_usd, write_price_usd, node_capacity, wal_usd_rate }
}

// === Views ===

public fun node_id(p: &StakingPool): ID { p.node_id }

public fun name(p: &StakingPool): String { p.name }

public fun network_address(p: &StakingPool): String { p.network_address }

public fun public_key(p: &StakingPool): &vector<u8> { &p.public_key }

public fun commission_rate(p: &StakingPool): u16 { p.commission_rate }

public fun commission_receiver(p: &StakingPool): address { p.commission_receiver }

public fun commission_amount(p: &StakingPool): u64 { p.commission.value() }

public fun rewards_amount(p: &StakingPool): u64 { p.rewards.value() }

public fun wal_balance(p: &StakingPool): u64 { p.wal_balance }

public fun num_shares(p: &StakingPool): u64 { p.num_shares }

/// The last epoch the pool was advanced or caught up into.
public fun latest_epoch(p: &StakingPool): u32 { p.latest_epoch }

public fun storage_price_vote(p: &StakingPool): u64 { p.votes.storage_price_usd }

public fun write_price_vote(p: &StakingPool): u64 { p.votes.write_price_usd }

public fun capacity_vote(p: &StakingPool): u64 { p.votes.node_capacity }

public fun wal_usd_rate_report(p: &StakingPool): u64 { p.votes.wal_usd_rate }

/// The exchange rate recorded for `epoch` as `(wal_amount, share_amount)`.
public fun exchange_rate(p: &StakingPool, epoch: u32): (u64, u64) {
    let r = p.exchange_rates[epoch];
    (r.wal_amount, r.share_amount)
}

/// FROST held by the pool (undistributed rewards and uncollected commission).
public fun held(p: &StakingPool): u64 { p.rewards.value() + p.commission.value() }

/// The stake that will count in `epoch` (the next epoch): active stake and rewards, plus the
/// stake activating by then, minus the value of the shares leaving by then.
public fun stake_at(p: &StakingPool, epoch: u32): u64 {
    let mut stake = p.wal_balance;
    let mut leaving = 0;
    p.pending_stake.keys().do!(|e| if (e <= epoch) stake = stake + p.pending_stake[&e]);
    p.pending_shares_withdraw.keys().do!(|e| if (e <= epoch) {
        leaving = leaving + p.pending_shares_withdraw[&e]
    });
    let leaving_wal = shares_to_wal(leaving, p.wal_balance, p.num_shares);
    if (stake > leaving_wal) stake - leaving_wal else 0
}

fun shares_to_wal(shares: u64, wal_amount: u64, share_amount: u64): u64 {
    if (share_amount == 0) return 0;
    ((shares as u128) * (wal_amount as u128) / (share_amount as u128)) as u64
}

fun wal_to_shares(amount: u64, wal_amount: u64, share_amount: u64): u64 {
    if (share_amount == 0 || wal_amount == 0) return amount;
    ((amount as u128) * (share_amount as u128) / (wal_amount as u128)) as u64
}

fun add_to(m: &mut VecMap<u32, u64>, epoch: u32, amount: u64) {
    if (m.contains(&epoch)) {
        let v = &mut m[&epoch];
        *v = *v + amount;
    } else {
        m.insert(epoch, amount);
    }
}

fun take_from(m: &mut VecMap<u32, u64>, epoch: u32): u64 {
    if (m.contains(&epoch)) {
        let (_, v) = m.remove(&epoch);
        v
    } else 0
}

// === Staking ===

/// Stakes `principal`, activating in `epoch + 1` if the next committee is not yet selected,
/// else in `epoch + 2`.
public(package) fun stake(
    p: &mut StakingPool,
    principal: Balance<WAL>,
    epoch: u32,
    committee_selected: bool,
    ctx: &mut TxContext,
): StakedWal {
    p.catch_up(epoch);
    let activation = if (committee_selected) epoch + 2 else epoch + 1;
    let amount = principal.value();
    add_to(&mut p.pending_stake, activation, amount);
    let staked = staked_wal::mint(p.node_id, principal, activation, ctx);
    events::emit_stake_deposited(
        epoch,
        p.node_id,
        object::id(&staked),
        ctx.sender(),
        amount,
        activation,
    );
    staked
}

/// True if the receipt never became active and was not counted in a selected committee, so it
/// can be withdrawn at once.
public fun can_withdraw_early(
    p: &StakingPool,
    staked: &StakedWal,
    epoch: u32,
    committee_selected: bool,
): bool {
    staked.node_id() == p.node_id
        && !staked.is_withdrawing()
        && staked.activation_epoch() > epoch
        && !(staked.activation_epoch() == epoch + 1 && committee_selected)
}

/// Requests the withdrawal of an active (or committee-counted) receipt: it leaves the pool at
/// the next boundary whose committee is not yet selected.
public(package) fun request_withdraw(
    p: &mut StakingPool,
    staked: &mut StakedWal,
    epoch: u32,
    committee_selected: bool,
) {
    assert!(staked.node_id() == p.node_id, EUnknownPool);
    p.catch_up(epoch);
    assert!(!staked.is_withdrawing(), EAlreadyWithdrawing);
    assert!(!p.can_withdraw_early(staked, epoch, committee_selected), ECanWithdrawEarly);
    let activation = staked.activation_epoch();
    let withdraw_epoch = if (activation <= epoch) {
        let w = if (committee_selected) epoch + 2 else epoch + 1;
        let r = p.exchange_rates[activation];
        let shares = wal_to_shares(staked.value(), r.wal_amount, r.share_amount);
        add_to(&mut p.pending_shares_withdraw, w, shares);
        w
    } else {
        // Activates next epoch and already counts in the selected committee.
        add_to(&mut p.pre_active_withdrawals, activation, staked.value());
        activation + 1
    };
    staked.set_withdrawing(withdraw_epoch);
    events::emit_withdrawal_requested(
        epoch,
        p.node_id,
        object::id(staked),
        staked.value(),
        withdraw_epoch,
    );
}

/// Withdraws a receipt: early (never active: the principal only) or after its withdrawal
/// epoch (principal plus its rewards). Returns the payout.
public(package) fun withdraw(
    p: &mut StakingPool,
    staked: StakedWal,
    epoch: u32,
    committee_selected: bool,
    ctx: &TxContext,
): Balance<WAL> {
    assert!(staked.node_id() == p.node_id, EUnknownPool);
    p.catch_up(epoch);
    let staked_id = object::id(&staked);
    let activation = staked.activation_epoch();
    if (!staked.is_withdrawing()) {
        assert!(p.can_withdraw_early(&staked, epoch, committee_selected), ENotWithdrawing);
        let principal = staked.into_balance();
        let amount = principal.value();
        let pending = &mut p.pending_stake[&activation];
        *pending = *pending - amount;
        if (*pending == 0) {
            p.pending_stake.remove(&activation);
        };
        events::emit_stake_withdrawn(
            epoch,
            p.node_id,
            staked_id,
            ctx.sender(),
            amount,
            0,
            true,
        );
        return principal
    };
    let withdraw_epoch = staked.withdraw_epoch();
    assert!(epoch >= withdraw_epoch, EWithdrawEpochNotReached);
    let a = p.exchange_rates[activation];
    let w = p.exchange_rates[withdraw_epoch];
    let mut principal = staked.into_balance();
    let amount = principal.value();
    let shares = wal_to_shares(amount, a.wal_amount, a.share_amount);
    let value = shares_to_wal(shares, w.wal_amount, w.share_amount);
    let mut reward = if (value > amount) value - amount else 0;
    if (reward > p.rewards.value()) reward = p.rewards.value();
    principal.join(p.rewards.split(reward));
    events::emit_stake_withdrawn(
        epoch,
        p.node_id,
        staked_id,
        ctx.sender(),
        amount,
        reward,
        false,
    );
    principal
}

/// Brings a lagging pool up to `epoch` without rewards: applies, in epoch order, each epoch up
/// to `epoch` in which something is pending. Its cost is the number of such epochs (at most
/// three in a pool that is caught up whenever it is used), not the number of epochs missed.
/// It emits no event: `PoolAdvanced` is the epoch change's, for the committee's pools.
public(package) fun catch_up(p: &mut StakingPool, epoch: u32) {
    loop {
        let next = p.next_pending_epoch();
        if (next.is_none()) break;
        let e = next.destroy_some();
        if (e > epoch) break;
        if (e > p.latest_epoch) {
            let (_, _, _) = p.advance_into(e, balance::zero());
        } else p.apply_pending(e);
    };
    if (epoch > p.latest_epoch) p.latest_epoch = epoch;
}

/// The earliest epoch with something pending (stake, withdrawals, a commission change).
fun next_pending_epoch(p: &StakingPool): Option<u32> {
    let mut best = earliest(&p.pending_stake, option::none());
    best = earliest(&p.pending_shares_withdraw, best);
    best = earliest(&p.pre_active_withdrawals, best);
    earliest(&p.pending_commission_rate, best)
}

/// The smaller of `best` and the earliest key of `m`.
fun earliest<V: copy>(m: &VecMap<u32, V>, mut best: Option<u32>): Option<u32> {
    m.keys().do!(|k| if (best.is_none() || k < *best.borrow()) {
        best = option::some(k)
    });
    best
}

/// Moves the pool into `epoch` at the epoch change (after its last epoch): credits `reward`
/// (the previous epoch's) after commission, records the exchange rate of `epoch`, then applies
/// the withdrawals and stake of `epoch` and the commission rate taking effect in `epoch`.
/// Emits `PoolAdvanced`.
public(package) fun advance_epoch(p: &mut StakingPool, epoch: u32, reward: Balance<WAL>) {
    let (paid, commission, rate_used) = p.advance_into(epoch, reward);
    events::emit_pool_advanced(
        epoch,
        p.node_id,
        paid,
        commission,
        rate_used,
        p.wal_balance,
        p.num_shares,
    );
}

/// `advance_epoch` without the event; returns the rewards kept by the stakers, the commission
/// and the commission rate applied to them.
fun advance_into(p: &mut StakingPool, epoch: u32, mut reward: Balance<WAL>): (u64, u64, u16) {
    let total = reward.value();
    let mut commission = ((total as u128) * (p.commission_rate as u128) / (BPS as u128)) as u64;
    if (p.num_shares == 0) commission = total;
    p.commission.join(reward.split(commission));
    p.wal_balance = p.wal_balance + reward.value();
    p.rewards.join(reward);
    let rate = ExchangeRate { wal_amount: p.wal_balance, share_amount: p.num_shares };
    if (p.exchange_rates.contains(epoch)) {
        let slot = &mut p.exchange_rates[epoch];
        *slot = rate;
    } else {
        p.exchange_rates.add(epoch, rate);
    };
    let rate_used = p.commission_rate;
    p.apply_pending(epoch);
    p.latest_epoch = epoch;
    (total - commission, commission, rate_used)
}

/// Applies what is pending at `epoch` at the rate recorded for it: the shares leaving, the
/// stake joining, pre-active withdrawals (leaving one epoch later) and the commission rate.
fun apply_pending(p: &mut StakingPool, epoch: u32) {
    let rate = p.exchange_rates[epoch];
    let leaving = take_from(&mut p.pending_shares_withdraw, epoch);
    let out = shares_to_wal(leaving, rate.wal_amount, rate.share_amount);
    p.wal_balance = p.wal_balance - out;
    p.num_shares = p.num_shares - leaving;
    let joining = take_from(&mut p.pending_stake, epoch);
    p.wal_balance = p.wal_balance + joining;
    p.num_shares = p.num_shares + wal_to_shares(joining, rate.wal_amount, rate.share_amount);
    let pre_active = take_from(&mut p.pre_active_withdrawals, epoch);
    if (pre_active > 0) {
        let shares = wal_to_shares(pre_active, rate.wal_amount, rate.share_amount);
        add_to(&mut p.pending_shares_withdraw, epoch + 1, shares);
    };
    if (p.pending_commission_rate.contains(&epoch)) {
        let (_, r) = p.pending_commission_rate.remove(&epoch);
        p.commission_rate = r;
    };
}

/// Credits settled rewards of an ended epoch (a claim or the fallback) in `epoch`: the stakers'
/// part joins the pool's active stake at once, so it counts in the exchange rate recorded at
/// the next epoch boundary (withdrawals leaving there share in it, stake activating there does
/// not); the commission waits for the receiver. A pool without shares has no stakers to own a
/// reward: all of it is commission. Returns what went to the stakers and to commission.
public(package) fun credit(
    p: &mut StakingPool,
    mut staker_reward: Balance<WAL>,
    mut commission: Balance<WAL>,
    epoch: u32,
): (u64, u64) {
    p.catch_up(epoch);
    if (p.num_shares == 0) {
        commission.join(staker_reward.withdraw_all());
    };
    let (to_stakers, to_commission) = (staker_reward.value(), commission.value());
    p.wal_balance = p.wal_balance + to_stakers;
    p.rewards.join(staker_reward);
    p.commission.join(commission);
    (to_stakers, to_commission)
}

// === Commission and votes (authorization is checked by the caller) ===

/// Sets the commission rate taking effect in `epoch + 2`.
public(package) fun set_next_commission(p: &mut StakingPool, rate: u16, epoch: u32) {
    p.catch_up(epoch);
    let effective = epoch + 2;
    if (p.pending_commission_rate.contains(&effective)) {
        p.pending_commission_rate.remove(&effective);
    };
    p.pending_commission_rate.insert(effective, rate);
    events::emit_commission_rate_set(epoch, p.node_id, rate, effective);
}

public(package) fun set_commission_receiver(p: &mut StakingPool, receiver: address, epoch: u32) {
    p.commission_receiver = receiver;
    events::emit_commission_receiver_set(epoch, p.node_id, receiver);
}

/// Takes all accrued commission; only the commission receiver may.
public(package) fun collect_commission(
    p: &mut StakingPool,
    epoch: u32,
    ctx: &TxContext,
): Balance<WAL> {
    assert!(ctx.sender() == p.commission_receiver, ENotOwner);
    let out = p.commission.withdraw_all();
    events::emit_commission_collected(epoch, p.node_id, ctx.sender(), out.value());
    out
}

public(package) fun set_price_votes(p: &mut StakingPool, storage: u64, write: u64, epoch: u32) {
    p.votes.storage_price_usd = storage;
    p.votes.write_price_usd = write;
    events::emit_price_voted(epoch, p.node_id, storage, write);
}

public(package) fun set_capacity_vote(p: &mut StakingPool, capacity: u64, epoch: u32) {
    p.votes.node_capacity = capacity;
    events::emit_capacity_voted(epoch, p.node_id, capacity);
}

public(package) fun set_wal_usd_rate(p: &mut StakingPool, rate: u64, epoch: u32) {
    assert!(rate > 0, EInvalidRate);
    p.votes.wal_usd_rate = rate;
    events::emit_wal_usd_reported(epoch, p.node_id, rate);
}

#[test_only]
/// Stake accounted in the pool without a receipt (candidacy stories that build many pools).
public(package) fun add_pending_stake_for_testing(p: &mut StakingPool, amount: u64, epoch: u32) {
    add_to(&mut p.pending_stake, epoch, amount);
}

#[test_only]
fun pool_for_testing(ctx: &mut TxContext): StakingPool {
    new(
        object::id_from_address(@0x1),
        b"n".to_string(),
        b"a".to_string(),
        vector[],
        0,
        @0x1,
        new_votes(1, 1, 1, 1),
        0,
        ctx,
    )
}

#[test, expected_failure(abort_code = EUnknownPool)]
#[allow(lint(abort_without_constant))]
fun receipt_of_other_pool_rejected() {
    let ctx = &mut tx_context::dummy();
    let mut pool = pool_for_testing(ctx);
    let principal = balance::create_for_testing(1_000_000_000);
    let mut staked = staked_wal::mint(object::id_from_address(@0x2), principal, 0, ctx);
    pool.request_withdraw(&mut staked, 1, false);
    abort 0
}

#[test, expected_failure(abort_code = EUnknownPool)]
#[allow(lint(abort_without_constant))]
fun withdraw_of_other_pool_rejected() {
    let ctx = &mut tx_context::dummy();
    let mut pool = pool_for_testing(ctx);
    let principal = balance::create_for_testing(1_000_000_000);
    let staked = staked_wal::mint(object::id_from_address(@0x2), principal, 0, ctx);
    let _b = pool.withdraw(staked, 1, false, ctx);
    abort 0
}

#[test]
fun exchange_rate_arithmetic() {
    let ctx = &mut tx_context::dummy();
    let mut pool = pool_for_testing(ctx);
    let staked = pool.stake(balance::create_for_testing(100), 0, false, ctx);
    pool.advance_epoch(1, balance::zero());
    assert!(pool.wal_balance() == 100 && pool.num_shares() == 100 && pool.latest_epoch() == 1);
    pool.advance_epoch(2, balance::create_for_testing(50));
    let (w, s) = pool.exchange_rate(2);
    assert!(w == 150 && s == 100 && pool.stake_at(3) == 150);
    staked.destroy_for_testing();
    pool.destroy_for_testing();
}

#[test_only]
fun destroy_for_testing(p: StakingPool) {
    let StakingPool { commission, rewards, exchange_rates, .. } = p;
    commission.destroy_for_testing();
    rewards.destroy_for_testing();
    exchange_rates.drop();
}
