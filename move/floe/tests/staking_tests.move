/// Staking stories: three delegators with different activation epochs, commission timing,
/// early withdrawal, and every staking refusal. The numbers are those of the economics
/// reference scenario `three_delegators` (one node, commission 0, 1000 MiB bought each epoch at
/// 1000 FROST per MiB-epoch, 10% burned: 900_000 FROST of rewards per epoch).
#[test_only]
// Expected-failure tests end with `abort 0`: the abort they expect comes first.
#[allow(lint(abort_without_constant))]
module floe::staking_tests;

use floe::{staked_wal::StakedWal, system::System, test_utils::{Self as tu, frost_per_wal}};
use sui::{coin::Coin, test_scenario as ts};
use wal::wal::WAL;

const A: address = @0xA1;
const B: address = @0xB1;
const C: address = @0xC1;

fun stake(
    s: &mut ts::Scenario,
    who: address,
    supply: &mut Coin<WAL>,
    amount: u64,
    node_id: ID,
): StakedWal {
    s.next_tx(who);
    let mut system = s.take_shared<System>();
    let coin = supply.split(amount, s.ctx());
    let staked = system.stake_with_pool(coin, node_id, s.ctx());
    ts::return_shared(system);
    staked
}

fun request(s: &mut ts::Scenario, who: address, staked: &mut StakedWal) {
    s.next_tx(who);
    let mut system = s.take_shared<System>();
    system.request_withdraw_stake(staked);
    ts::return_shared(system);
}

fun withdraw(s: &mut ts::Scenario, who: address, staked: StakedWal): Coin<WAL> {
    s.next_tx(who);
    let mut system = s.take_shared<System>();
    let coin = system.withdraw_stake(staked, s.ctx());
    ts::return_shared(system);
    coin
}

#[test]
/// Scenario `three_delegators`: A stakes in epoch 0 (active 1), B in epoch 1 (active 2), C in
/// epoch 2 after the committee selection (active 4). A withdraws at 4, B at 5, C at 6.
/// Rewards: A 1_800_004, B 1_349_998, C 1_349_998 FROST (all 4_500_000 paid out).
fun three_delegators_across_epochs() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let node = caps[0].node_id();
    let hundred = 100 * frost_per_wal!();

    // Epoch 0: A stakes, active from epoch 1.
    let mut a = stake(&mut s, A, &mut supply, hundred, node);
    assert!(a.activation_epoch() == 1);
    tu::assert_conserved(&mut s, supply.value() + a.value());
    tu::next_epoch(&mut s, &mut clock, &caps);

    // Epoch 1: B stakes (active 2); storage bought for epoch 1.
    let mut b = stake(&mut s, B, &mut supply, hundred, node);
    assert!(b.activation_epoch() == 2);
    let st1 = tu::reserve(&mut s, &mut supply, 1000, 1);
    tu::assert_conserved(&mut s, supply.value() + a.value() + b.value());
    tu::next_epoch(&mut s, &mut clock, &caps);

    // Epoch 2: committee of epoch 3 selected first, so C activates in epoch 4.
    tu::select_next(&mut s, &mut clock);
    let mut c = stake(&mut s, C, &mut supply, hundred, node);
    assert!(c.activation_epoch() == 4);
    let st2 = tu::reserve(&mut s, &mut supply, 1000, 1);
    tu::next_epoch(&mut s, &mut clock, &caps);

    // Epoch 3: A asks to withdraw (before selection: leaves at 4).
    request(&mut s, A, &mut a);
    assert!(a.withdraw_epoch() == 4);
    let st3 = tu::reserve(&mut s, &mut supply, 1000, 1);
    tu::assert_conserved(&mut s, supply.value() + a.value() + b.value() + c.value());
    tu::next_epoch(&mut s, &mut clock, &caps);

    // Epoch 4: A withdraws; B asks.
    let coin_a = withdraw(&mut s, A, a);
    assert!(coin_a.value() == hundred + 1_800_004);
    request(&mut s, B, &mut b);
    let st4 = tu::reserve(&mut s, &mut supply, 1000, 1);
    tu::next_epoch(&mut s, &mut clock, &caps);

    // Epoch 5: B withdraws; C asks.
    let coin_b = withdraw(&mut s, B, b);
    assert!(coin_b.value() == hundred + 1_349_998);
    request(&mut s, C, &mut c);
    let st5 = tu::reserve(&mut s, &mut supply, 1000, 1);
    tu::next_epoch(&mut s, &mut clock, &caps);

    // Epoch 6: C withdraws; the pool paid out every reward.
    let coin_c = withdraw(&mut s, C, c);
    assert!(coin_c.value() == hundred + 1_349_998);
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.pool(node).rewards_amount() == 0);
    assert!(system.pool(node).num_shares() == 0 && system.pool(node).wal_balance() == 0);
    let (w4, s4) = system.pool(node).exchange_rate(4);
    assert!(w4 == 200_002_700_000 && s4 == 199_999_100_008);
    ts::return_shared(system);
    tu::assert_conserved(
        &mut s,
        supply.value() + coin_a.value() + coin_b.value() + coin_c.value(),
    );

    transfer::public_transfer(coin_a, A);
    transfer::public_transfer(coin_b, B);
    transfer::public_transfer(coin_c, C);
    vector[st1, st2, st3, st4, st5].destroy!(|st| st.destroy());
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test]
/// Scenario `commission_timing`: a commission of 20% set in epoch 1 applies to the rewards
/// earned in epoch 3 (credited at the change to 4), not to those of epochs 1 and 2.
fun commission_takes_effect_two_epochs_later() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let node = caps[0].node_id();
    let staked = stake(&mut s, A, &mut supply, 100 * frost_per_wal!(), node);
    tu::next_epoch(&mut s, &mut clock, &caps);

    // Epoch 1: set 20%, effective in epoch 3.
    s.next_tx(tu::operator(0));
    let mut system = s.take_shared<System>();
    system.set_next_commission(&caps[0], 2000);
    ts::return_shared(system);

    let mut storages = vector[];
    let mut expected = vector[0, 0, 180_000, 360_000];
    let mut epoch = 1u64;
    while (epoch <= 4) {
        storages.push_back(tu::reserve(&mut s, &mut supply, 1000, 1));
        tu::next_epoch(&mut s, &mut clock, &caps);
        s.next_tx(tu::admin());
        let system = s.take_shared<System>();
        let pool = system.pool(node);
        assert!(pool.commission_amount() == expected.remove(0));
        let expected_rate = if (epoch + 1 >= 3) 2000 else 0;
        assert!(pool.commission_rate() == expected_rate);
        ts::return_shared(system);
        epoch = epoch + 1;
    };

    // The operator (the receiver by default) collects; then hands collection to someone else.
    s.next_tx(tu::operator(0));
    let mut system = s.take_shared<System>();
    let commission = system.collect_commission(node, s.ctx());
    assert!(commission.value() == 360_000);
    system.set_commission_receiver(&caps[0], B);
    ts::return_shared(system);
    s.next_tx(B);
    let mut system = s.take_shared<System>();
    let nothing = system.collect_commission(node, s.ctx());
    assert!(nothing.value() == 0);
    ts::return_shared(system);
    tu::assert_conserved(&mut s, supply.value() + staked.value() + commission.value());

    transfer::public_transfer(commission, tu::operator(0));
    transfer::public_transfer(nothing, B);
    staked.transfer_to(A);
    storages.destroy!(|st| st.destroy());
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test]
/// A stake that never became active is withdrawn at once, principal only; a stake counted in
/// the selected committee must go through a withdrawal request (and leaves one epoch after it
/// activates).
fun early_and_pre_active_withdrawal() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let node = caps[0].node_id();
    let base = stake(&mut s, A, &mut supply, 10 * frost_per_wal!(), node);
    let early = stake(&mut s, B, &mut supply, 5 * frost_per_wal!(), node);
    let back = withdraw(&mut s, B, early);
    assert!(back.value() == 5 * frost_per_wal!());
    // Counted in the selected committee of epoch 1: request, leave at 2.
    let mut counted = stake(&mut s, C, &mut supply, 5 * frost_per_wal!(), node);
    tu::select_next(&mut s, &mut clock);
    request(&mut s, C, &mut counted);
    assert!(counted.withdraw_epoch() == 2);
    tu::next_epoch(&mut s, &mut clock, &caps);
    tu::next_epoch(&mut s, &mut clock, &caps);
    let out = withdraw(&mut s, C, counted);
    assert!(out.value() == 5 * frost_per_wal!());
    s.next_tx(tu::admin());
    let system = s.take_shared<System>();
    assert!(system.pool(node).wal_balance() == 10 * frost_per_wal!());
    ts::return_shared(system);
    tu::assert_conserved(&mut s, supply.value() + base.value() + back.value() + out.value());
    transfer::public_transfer(back, B);
    transfer::public_transfer(out, C);
    base.transfer_to(A);
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

#[test]
/// Split and join of receipts, and votes of every kind.
fun receipts_and_votes() {
    let (mut s, clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let node = caps[0].node_id();
    let mut staked = stake(&mut s, A, &mut supply, 3 * frost_per_wal!(), node);
    s.next_tx(A);
    let system = s.take_shared<System>();
    let part = system.split_staked_wal(&mut staked, frost_per_wal!(), s.ctx());
    assert!(part.value() == frost_per_wal!() && staked.value() == 2 * frost_per_wal!());
    system.join_staked_wal(&mut staked, part);
    assert!(staked.value() == 3 * frost_per_wal!());
    ts::return_shared(system);
    s.next_tx(tu::operator(0));
    let mut system = s.take_shared<System>();
    system.vote_prices(&caps[0], 7, 8);
    system.vote_capacity(&caps[0], 9);
    system.report_wal_usd_rate(&caps[0], 400_000_000);
    let pool = system.pool(node);
    assert!(pool.storage_price_vote() == 7 && pool.write_price_vote() == 8);
    assert!(pool.capacity_vote() == 9 && pool.wal_usd_rate_report() == 400_000_000);
    assert!(system.n_nodes() == 1 && system.node_id_at(0) == node);
    ts::return_shared(system);
    staked.transfer_to(A);
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}

// === Refusals ===

#[test, expected_failure(abort_code = floe::system_inner::ENotEnoughStake)]
fun stake_below_minimum_rejected() {
    let (mut s, _clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let node = caps[0].node_id();
    let _staked = stake(&mut s, A, &mut supply, frost_per_wal!() - 1, node);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EUnknownPool)]
fun stake_with_unknown_node_rejected() {
    let (mut s, _clock, mut supply) = tu::begin(tu::params(10));
    let _staked = stake(
        &mut s,
        A,
        &mut supply,
        frost_per_wal!(),
        object::id_from_address(@0xDEAD),
    );
    abort 0
}

#[test, expected_failure(abort_code = floe::staking_pool::ECanWithdrawEarly)]
fun request_on_inactive_stake_rejected() {
    let (mut s, _clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let node = caps[0].node_id();
    let mut staked = stake(&mut s, A, &mut supply, frost_per_wal!(), node);
    request(&mut s, A, &mut staked);
    abort 0
}

#[test, expected_failure(abort_code = floe::staking_pool::EAlreadyWithdrawing)]
fun second_request_rejected() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let node = caps[0].node_id();
    let mut staked = stake(&mut s, A, &mut supply, frost_per_wal!(), node);
    tu::next_epoch(&mut s, &mut clock, &caps);
    request(&mut s, A, &mut staked);
    request(&mut s, A, &mut staked);
    abort 0
}

#[test, expected_failure(abort_code = floe::staking_pool::ENotWithdrawing)]
fun withdraw_active_without_request_rejected() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let node = caps[0].node_id();
    let staked = stake(&mut s, A, &mut supply, frost_per_wal!(), node);
    tu::next_epoch(&mut s, &mut clock, &caps);
    let _coin = withdraw(&mut s, A, staked);
    abort 0
}

#[test, expected_failure(abort_code = floe::staking_pool::EWithdrawEpochNotReached)]
fun withdraw_before_epoch_rejected() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    let node = caps[0].node_id();
    let mut staked = stake(&mut s, A, &mut supply, frost_per_wal!(), node);
    tu::next_epoch(&mut s, &mut clock, &caps);
    request(&mut s, A, &mut staked);
    let _coin = withdraw(&mut s, A, staked);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ECommissionTooHigh)]
fun commission_above_cap_rejected() {
    let (mut s, _clock, _supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    s.next_tx(tu::operator(0));
    let mut system = s.take_shared<System>();
    system.set_next_commission(&caps[0], 5001);
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::ECommissionTooHigh)]
fun register_with_high_commission_rejected() {
    let (mut s, _clock, _supply) = tu::begin(tu::params(10));
    let _cap = tu::register(&mut s, 0, 9000, 1, 1, 1);
    abort 0
}

#[test, expected_failure(abort_code = floe::staking_pool::ENotOwner)]
fun commission_collected_by_stranger_rejected() {
    let (mut s, _clock, _supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    s.next_tx(B);
    let mut system = s.take_shared<System>();
    let _c = system.collect_commission(caps[0].node_id(), s.ctx());
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EInvalidProofOfPossession)]
fun register_with_bad_pop_rejected() {
    let (mut s, _clock, _supply) = tu::begin(tu::params(10));
    s.next_tx(tu::operator(0));
    let mut system = s.take_shared<System>();
    let pk = floe::bls_committee::public_key_for_testing(1);
    // Proof signed by another key.
    let msg = floe::messages::proof_of_possession_bytes(0, tu::operator(0), &pk);
    let pop = floe::bls_committee::sign_for_testing(2, &msg);
    let _cap = system.register_node(
        b"n".to_string(),
        b"a".to_string(),
        pk,
        pop,
        0,
        1,
        1,
        1,
        1,
        s.ctx(),
    );
    abort 0
}

#[test, expected_failure(abort_code = floe::system_inner::EPoolExists)]
fun register_same_key_twice_rejected() {
    let (mut s, _clock, _supply) = tu::begin(tu::params(10));
    let _a = tu::register(&mut s, 0, 0, 1, 1, 1);
    // Same secret key (1), registered by the same operator address.
    s.next_tx(tu::operator(0));
    let mut system = s.take_shared<System>();
    let pk = floe::bls_committee::public_key_for_testing(1);
    let msg = floe::messages::proof_of_possession_bytes(0, tu::operator(0), &pk);
    let pop = floe::bls_committee::sign_for_testing(1, &msg);
    let _cap = system.register_node(
        b"n".to_string(),
        b"a".to_string(),
        pk,
        pop,
        0,
        1,
        1,
        1,
        1,
        s.ctx(),
    );
    abort 0
}

#[test, expected_failure(abort_code = floe::staking_pool::EInvalidRate)]
fun zero_rate_report_rejected() {
    let (mut s, _clock, _supply) = tu::begin(tu::params(10));
    let caps = tu::register_nodes(&mut s, 1);
    s.next_tx(tu::operator(0));
    let mut system = s.take_shared<System>();
    system.report_wal_usd_rate(&caps[0], 0);
    abort 0
}

#[test, expected_failure(abort_code = floe::system::EWrongVersion)]
fun wrong_version_rejected() {
    let (mut s, _clock, _supply) = tu::begin(tu::params(10));
    s.next_tx(tu::admin());
    let mut system = s.take_shared<System>();
    system.set_version_for_testing(2);
    system.epoch();
    abort 0
}
