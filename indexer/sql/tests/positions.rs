//! A staker's positions follow splits, joins, transfers, withdrawal requests and withdrawals.

mod common;

use floe_indexer::chain::{Id, Operation};
use floe_indexer::localnet::Localnet;
use floe_indexer_sql::db::DbUrl;
use floe_indexer_sql::ingest;
use floe_indexer_sql::pipelines::positions::PositionRow;
use floe_indexer_sql::pipelines::TableRows;

fn must(net: &Localnet, sender: Id, op: Operation) -> floe_indexer::chain::Receipt {
    let what = format!("{op:?}");
    net.execute(sender, op)
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn created(net: &Localnet, sender: Id, op: Operation) -> Id {
    must(net, sender, op).created().expect("created")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_follow_split_join_transfer_and_withdrawal() {
    let net = common::ledger();
    net.set_auto_seal(3);
    let a = common::genesis_actors(&net);
    let (alice, bob) = (a.stakers[0], a.stakers[1]);
    let pool = a.pools[0];
    let x = created(
        &net,
        alice,
        Operation::Stake {
            node_id: pool,
            amount: 1_000_000_000_000,
        },
    );
    net.advance_clock(60_000);
    must(&net, a.operators[0], Operation::AdvanceEpoch);
    // x (active) is split: y takes 300 WAL; y goes to bob.
    let y = created(
        &net,
        alice,
        Operation::SplitStake {
            staked_wal_id: x,
            amount: 300_000_000_000,
        },
    );
    // …and y at once again (a split of a split, in the same checkpoint): w keeps 50 WAL.
    let w = created(
        &net,
        alice,
        Operation::SplitStake {
            staked_wal_id: y,
            amount: 50_000_000_000,
        },
    );
    must(
        &net,
        alice,
        Operation::TransferStake {
            staked_wal_id: y,
            to: bob,
        },
    );
    // Bob splits y again and joins the part back: y ends with all of it, z is absorbed.
    let z = created(
        &net,
        bob,
        Operation::SplitStake {
            staked_wal_id: y,
            amount: 100_000_000_000,
        },
    );
    must(
        &net,
        bob,
        Operation::JoinStake {
            staked_wal_id: y,
            other_id: z,
        },
    );
    // Alice asks to withdraw x (700 WAL), then withdraws once it is due.
    must(
        &net,
        alice,
        Operation::RequestWithdrawal { staked_wal_id: x },
    );
    for _ in 0..3 {
        net.advance_clock(60_000);
        must(&net, a.operators[0], Operation::AdvanceEpoch);
    }
    must(&net, alice, Operation::Withdraw { staked_wal_id: x });
    net.seal().unwrap();

    // Committed checkpoint by checkpoint (the parent of a split read back from the database)
    // and all in one batch (the parent's state taken from the batch itself).
    for batch_events in [1, 3, 1_000_000] {
        check(&net, &a, (x, y, z, w), batch_events).await;
    }
}

async fn check(
    net: &Localnet,
    a: &common::Actors,
    (x, y, z, w): (Id, Id, Id, Id),
    batch_events: u64,
) {
    let (alice, bob, pool) = (a.stakers[0], a.stakers[1], a.pools[0]);
    let dir = tempfile::tempdir().unwrap();
    let mut db = common::connect(&DbUrl::Sqlite(dir.path().join("index.db"))).await;
    let n = net.checkpoint_count();
    let mut config = common::config(n - 1);
    config.batch_events = batch_events;
    ingest::run(net.clone(), &mut db, &config, std::future::pending())
        .await
        .unwrap();
    let rows = PositionRow::dump(&mut db).await.unwrap();
    let get = |id: Id| -> PositionRow {
        let key = floe_indexer_sql::ids::object_id(&id.0);
        rows.iter()
            .find(|r| r.staked_wal_id == key)
            .cloned()
            .unwrap_or_else(|| panic!("{key} missing"))
    };
    let hex = |id: Id| Some(floe_indexer_sql::ids::object_id(&id.0));

    let px = get(x);
    assert_eq!(px.owner, hex(alice));
    assert_eq!(px.state.as_deref(), Some("withdrawn"));
    assert_eq!(px.principal, Some(700_000_000_000));
    assert!(px.withdraw_epoch.is_some());

    let py = get(y);
    assert_eq!(py.owner, hex(bob), "transferred");
    assert_eq!(py.state.as_deref(), Some("staked"), "inherits x's state");
    assert_eq!(
        py.principal,
        Some(250_000_000_000),
        "split twice, joined back once"
    );
    assert_eq!(
        py.activation_epoch, px.activation_epoch,
        "inherits x's activation"
    );
    assert_eq!(py.node_id, hex(pool));

    let pw = get(w);
    assert_eq!(pw.owner, hex(alice), "not transferred");
    assert_eq!(
        pw.state.as_deref(),
        Some("staked"),
        "a split of a split inherits too"
    );
    assert_eq!(pw.activation_epoch, px.activation_epoch);
    assert_eq!(pw.principal, Some(50_000_000_000));

    let pz = get(z);
    assert_eq!(pz.owner, hex(bob));
    assert_eq!(pz.state.as_deref(), Some("joined"));
    assert_eq!(pz.principal, Some(0));

    // What each holds now, as an analyst would ask.
    let held = floe_indexer_sql::adhoc::query(
        &mut db,
        &format!(
            "SELECT owner, CAST(SUM(principal) AS BIGINT) AS staked FROM positions \
             WHERE state IN ('staked', 'withdrawing') AND owner IN ('{}', '{}') \
             GROUP BY owner ORDER BY owner",
            hex(alice).unwrap(),
            hex(bob).unwrap()
        ),
    )
    .await
    .unwrap();
    let held: Vec<(String, String)> = held
        .into_iter()
        .map(|r| (r.0[0].1.clone().unwrap(), r.0[1].1.clone().unwrap()))
        .collect();
    // Alice still has her genesis stake (500 WAL) and w; bob his genesis stake and y.
    assert_eq!(held, {
        let mut v = vec![
            (hex(alice).unwrap(), "550000000000".to_string()),
            (hex(bob).unwrap(), "750000000000".to_string()),
        ];
        v.sort();
        v
    });
}
