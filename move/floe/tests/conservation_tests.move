/// Acceptance 2, scenario `conservation`: over eight epochs with three nodes (commissions 0,
/// 10% and 30%), delegators staking and withdrawing, storage bought ahead, blobs registered
/// with write fees, commission collected and 10% of every pot burned, the WAL in coins,
/// receipts, pots, pools and burned adds up to the supply after every step.
#[test_only]
module floe::conservation_tests;

use floe::{
    encoding,
    staked_wal::StakedWal,
    system::System,
    test_utils::{Self as tu, frost_per_wal}
};
use sui::{coin::Coin, test_scenario as ts};
use wal::wal::WAL;

fun sum_coins(coins: &vector<Coin<WAL>>): u64 {
    let mut sum = 0;
    coins.do_ref!(|c| sum = sum + c.value());
    sum
}

fun sum_stakes(stakes: &vector<StakedWal>): u64 {
    let mut sum = 0;
    stakes.do_ref!(|st| sum = sum + st.value());
    sum
}

#[test]
fun wal_is_conserved_across_epochs() {
    let (mut s, mut clock, mut supply) = tu::begin(tu::params(10));
    let caps = vector[
        tu::register(&mut s, 0, 0, 1_000, 10_000, 1_000_000_000_000),
        tu::register(&mut s, 1, 1000, 2_000, 20_000, 1_000_000_000_000),
        tu::register(&mut s, 2, 3000, 3_000, 30_000, 1_000_000_000_000),
    ];
    let mut stakes = vector[];
    let mut paid_out = vector[];
    let mut storages = vector[];
    let mut epoch = 0;
    while (epoch < 8) {
        // Someone stakes with each node (different amounts each epoch).
        3u64.do!(|i| {
            s.next_tx(tu::admin());
            let mut system = s.take_shared<System>();
            let amount = (1 + i + (epoch as u64)) * 7 * frost_per_wal!() + 123;
            let coin = supply.split(amount, s.ctx());
            stakes.push_back(system.stake_with_pool(coin, caps[i].node_id(), s.ctx()));
            ts::return_shared(system);
        });
        tu::assert_conserved(
            &mut s,
            supply.value() + sum_stakes(&stakes) + sum_coins(&paid_out),
        );
        // Storage bought ahead, and a blob registered on part of it.
        let mut storage = tu::reserve(&mut s, &mut supply, 3 + (epoch as u64), 1 + epoch % 4);
        s.next_tx(tu::admin());
        let mut system = s.take_shared<System>();
        let size = 5_000 + (epoch as u64) * 1_000;
        let root = (epoch as u256) + 1;
        let rest = storage.split_by_size(1_048_576, s.ctx());
        let blob = system.register_blob(
            storage,
            encoding::derive_blob_id(root, 1, size),
            root,
            size,
            1,
            true,
            &mut supply,
            s.ctx(),
        );
        ts::return_shared(system);
        storages.push_back(rest);
        transfer::public_transfer(blob, tu::admin());
        tu::assert_conserved(
            &mut s,
            supply.value() + sum_stakes(&stakes) + sum_coins(&paid_out),
        );
        // Withdraw requests on the oldest active receipts; withdrawals when due.
        s.next_tx(tu::admin());
        let mut system = s.take_shared<System>();
        let mut i = 0;
        while (i < stakes.length()) {
            let st = &mut stakes[i];
            if (st.is_withdrawing()) {
                if (st.withdraw_epoch() <= system.epoch()) {
                    let st = stakes.swap_remove(i);
                    paid_out.push_back(system.withdraw_stake(st, s.ctx()));
                    continue
                };
            } else if (st.activation_epoch() + 2 <= system.epoch() && i % 2 == 0) {
                system.request_withdraw_stake(st);
            };
            i = i + 1;
        };
        // Node 1's operator collects its commission.
        ts::return_shared(system);
        s.next_tx(tu::operator(1));
        let mut system = s.take_shared<System>();
        paid_out.push_back(system.collect_commission(caps[1].node_id(), s.ctx()));
        ts::return_shared(system);
        tu::assert_conserved(
            &mut s,
            supply.value() + sum_stakes(&stakes) + sum_coins(&paid_out),
        );
        tu::next_epoch(&mut s, &mut clock, &caps);
        tu::assert_conserved(
            &mut s,
            supply.value() + sum_stakes(&stakes) + sum_coins(&paid_out),
        );
        epoch = epoch + 1;
    };
    // Something was burned and some rewards were paid.
    s.next_tx(tu::admin());
    let treasury = s.take_shared<wal::wal::ProtectedTreasury>();
    assert!(treasury.burned() > 0);
    ts::return_shared(treasury);
    assert!(sum_coins(&paid_out) > 0);

    stakes.destroy!(|st| st.transfer_to(tu::admin()));
    paid_out.destroy!(|c| transfer::public_transfer(c, tu::admin()));
    storages.destroy!(|st| st.destroy());
    tu::destroy_caps(caps);
    tu::end(s, clock, supply);
}
