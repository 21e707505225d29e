//! A scenario file drives the ledger on disk; refusals named in the file are checked.

use anyhow::{bail, Result};
use floe_economics::events::FloeEvent;
use floe_economics::model::storage::derive_blob_id;
use floe_economics::model::Params;
use floe_indexer::chain::Id;
use floe_indexer::localnet::{Genesis, Localnet};
use floe_indexer::scenario::{run, Scenario, ScenarioError};

const SCENARIO: &str = r#"{
  "actors": { "op1": "0x1", "alice": "0x3" },
  "steps": [
    { "sender": "alice", "op": { "op": "sample_wal_usd_rate" }, "expect_refusal": "ENoVotes" },
    { "sender": "op1", "save_as": "pool1", "op": { "op": "register_node", "name": "n1",
      "network_address": "n1:9000", "public_key": "0x0102", "commission_bps": 500,
      "storage_price_usd": 1000, "write_price_usd": 500, "capacity": 4294967296 } },
    { "sender": "alice", "op": { "op": "stake", "node_id": "$pool1", "amount": 999 },
      "expect_refusal": "ENotEnoughStake" },
    { "sender": "alice", "save_as": "s1", "op": { "op": "stake", "node_id": "$pool1", "amount": 5000000000 } },
    { "advance_clock_ms": 60000 },
    { "sender": "op1", "op": { "op": "advance_epoch" } },
    { "sender": "op1", "op": { "op": "report_wal_usd_rate", "node_id": "$pool1", "rate": 1000000000 } },
    { "sender": "alice", "op": { "op": "sample_wal_usd_rate" } },
    { "sender": "alice", "op": { "op": "request_withdrawal", "staked_wal_id": "$s1" } },
    { "sender": "alice", "op": { "op": "withdraw", "staked_wal_id": "$s1" },
      "expect_refusal": "EWithdrawEpochNotReached" },
    { "seal": true }
  ]
}"#;

fn genesis() -> Genesis {
    Genesis {
        package_id: "0xf10e".parse().expect("literal id"),
        start_time_ms: 0,
        params: Params {
            n_shards: 10,
            ..Params::default()
        },
        accounts: vec![
            ("0x1".parse().expect("literal id"), 10_000_000_000),
            ("0x3".parse().expect("literal id"), 10_000_000_000),
        ],
        pricing: None,
    }
}

#[test]
fn scenario_file_drives_the_ledger() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let net = Localnet::open(dir.path(), genesis())?;
    let report = run(&net, &Scenario::from_json(SCENARIO)?)?;
    assert_eq!((report.accepted, report.refused), (6, 3));
    // register 1 + stake 1 + epoch change (3 selection + 1 pot + 1 pool + 4 pricing/change) + report 1 + sample 2 + withdrawal 1
    assert_eq!(report.events, 15);
    assert_eq!(net.epoch(), 1);
    assert_eq!(net.checkpoint_count(), 6);
    assert!(report.saved.contains_key("pool1"));

    // A wrong expectation stops the run and names the step.
    let bad = SCENARIO.replace("EWithdrawEpochNotReached", "EWrongEpoch");
    let net2 = Localnet::in_memory(genesis())?;
    match run(&net2, &Scenario::from_json(&bad)?) {
        Err(ScenarioError::Unexpected { step, got, .. }) => {
            assert_eq!(step, 9);
            assert_eq!(got, "EWithdrawEpochNotReached");
        }
        other => anyhow::bail!("expected a mismatch, got {other:?}"),
    }
    Ok(())
}

/// Setup (a node, its stake, epoch 1, a WAL/USD rate, a storage resource), then a repeat block
/// of register → certify → delete that reuses the storage the delete gives back, with the
/// iteration number in the root hash; a nested repeat votes prices with the inner number.
const REPEATED: &str = r#"{
  "actors": { "op1": "0x1", "alice": "0x3" },
  "steps": [
    { "auto_seal": 4 },
    { "sender": "op1", "save_as": "pool1", "op": { "op": "register_node", "name": "n1",
      "network_address": "n1:9000", "public_key": "0x0102", "commission_bps": 500,
      "storage_price_usd": 1000, "write_price_usd": 500, "capacity": 4294967296 } },
    { "sender": "op1", "op": { "op": "stake", "node_id": "$pool1", "amount": 5000000000 } },
    { "advance_clock_ms": 60000 },
    { "sender": "op1", "op": { "op": "advance_epoch" } },
    { "sender": "op1", "op": { "op": "report_wal_usd_rate", "node_id": "$pool1", "rate": 1000000000 } },
    { "sender": "alice", "op": { "op": "sample_wal_usd_rate" } },
    { "sender": "alice", "save_as": "st", "op": { "op": "reserve_space", "size": 1048576, "epochs_ahead": 2 } },
    { "repeat": { "times": 3, "var": "k", "steps": [
      { "sender": "alice", "save_as": "blob{k}", "op": { "op": "register_blob", "storage_id": "$st",
        "root_hash": "0x{k}a7", "size": "{k}", "encoding_type": 1, "deletable": true } },
      { "sender": "alice", "op": { "op": "certify_blob", "blob_object_id": "$blob{k}",
        "epoch": "{epoch}", "signers_shards": 10 } },
      { "sender": "alice", "save_as": "st", "op": { "op": "delete_blob", "blob_object_id": "$blob{k}" } },
      { "repeat": { "times": 2, "steps": [
        { "sender": "op1", "op": { "op": "vote_prices", "node_id": "$pool1",
          "storage_price_usd": "{i}", "write_price_usd": 500 } } ] } }
    ] } },
    { "seal": true }
  ]
}"#;

#[test]
fn repeat_block_produces_its_events_in_order() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let net = Localnet::open(dir.path(), genesis())?;
    let report = run(&net, &Scenario::from_json(REPEATED)?)?;
    // 6 setup operations + 3 × (3 blob operations + 2 votes).
    assert_eq!((report.accepted, report.refused), (6 + 3 * 5, 0));
    assert_eq!(net.transaction_count(), 21);
    // auto_seal 4: five full checkpoints, then the final seal takes the last one.
    assert_eq!(net.checkpoint_count(), 6);

    let mut txs = Vec::new();
    for seq in 0..net.checkpoint_count() {
        let Some(c) = net.try_checkpoint(seq) else {
            bail!("checkpoint {seq} missing")
        };
        for t in &c.transactions {
            let events = t
                .events
                .iter()
                .map(|e| e.decode())
                .collect::<Result<Vec<_>, _>>()?;
            txs.push((t.kind, events));
        }
    }
    let blob_txs = &txs[6..];
    assert_eq!(blob_txs.len(), 15);
    let mut all_events = 0;
    for (k, block) in blob_txs.chunks(5).enumerate() {
        let kinds: Vec<&str> = block.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(
            kinds,
            [
                "register_blob",
                "certify_blob",
                "delete_blob",
                "vote_prices",
                "vote_prices"
            ]
        );
        let root: Id = format!("0x{k}a7").parse().map_err(anyhow::Error::msg)?;
        let blob_id = derive_blob_id(&root.0, 1, k as u64);
        let object = report.saved[&format!("blob{k}")].0;
        let [FloeEvent::BlobRegistered(r), FloeEvent::WriteFeePaid(f)] = &block[0].1[..] else {
            bail!("iteration {k}: register events {:?}", block[0].1)
        };
        assert_eq!(
            (r.epoch, r.blob_id, r.size, r.object_id),
            (1, blob_id, k as u64, object)
        );
        assert_eq!((f.blob_id, f.object_id), (blob_id, object));
        let [FloeEvent::BlobCertified(c)] = &block[1].1[..] else {
            bail!("iteration {k}: certify events {:?}", block[1].1)
        };
        assert_eq!((c.epoch, c.blob_id, c.object_id), (1, blob_id, object));
        let [FloeEvent::BlobDeleted(d)] = &block[2].1[..] else {
            bail!("iteration {k}: delete events {:?}", block[2].1)
        };
        assert_eq!(
            (d.blob_id, d.object_id, d.was_certified),
            (blob_id, object, true)
        );
        for (i, (_, ev)) in block[3..].iter().enumerate() {
            let [FloeEvent::PriceVoted(v)] = &ev[..] else {
                bail!("iteration {k}: vote events {ev:?}")
            };
            assert_eq!(v.storage_price_usd, i as u64);
        }
        all_events += block.iter().map(|(_, e)| e.len()).sum::<usize>();
    }
    assert_eq!(all_events, 3 * 6);

    // Placeholders are checked: an unknown variable stops the run at its top-level step.
    let bad = REPEATED.replace("{epoch}", "{era}");
    match run(
        &Localnet::in_memory(genesis())?,
        &Scenario::from_json(&bad)?,
    ) {
        Err(ScenarioError::Step { step, reason }) => {
            assert_eq!(step, 8);
            assert!(reason.contains("{era}"), "{reason}");
        }
        other => bail!("expected an unknown-variable error, got {other:?}"),
    }
    Ok(())
}

#[test]
fn vars_fill_placeholders_and_say_steps_reach_the_observer() -> Result<()> {
    let text = r#"{
      "actors": { "op1": "0x1", "alice": "0x3" },
      "vars": { "commission": 0, "node": "unset" },
      "steps": [
        { "say": "registering {node} at epoch {epoch}" },
        { "sender": "op1", "save_as": "pool1", "op": { "op": "register_node", "name": "{node}",
          "network_address": "{node}:9000", "public_key": "0x0102", "commission_bps": "{commission}",
          "storage_price_usd": 1000, "write_price_usd": 500, "capacity": 4294967296 } },
        { "say": "prices {storage_price}/{write_price}" }
      ]
    }"#;
    let mut scenario = Scenario::from_json(text)?;
    scenario.set_var("node", "n7");
    scenario.set_var("commission", 250);
    let net = Localnet::in_memory(genesis())?;
    let mut said = Vec::new();
    let report = floe_indexer::scenario::run_with(&net, &scenario, &mut |t, r| {
        said.push((t.to_owned(), r.saved.len()));
    })?;
    assert_eq!(report.accepted, 1);
    assert_eq!(
        said,
        vec![
            ("registering n7 at epoch 0".to_owned(), 0),
            ("prices 0/0".to_owned(), 1)
        ]
    );
    let registered = net
        .try_checkpoint(0)
        .map(|cp| cp.events().next().map(|e| e.decode()));
    match registered {
        Some(Some(Ok(FloeEvent::NodeRegistered(n)))) => {
            assert_eq!((n.name.as_str(), n.commission_rate), ("n7", 250));
        }
        other => bail!("expected NodeRegistered, got {other:?}"),
    }

    // An unknown placeholder names itself.
    let bad = Scenario::from_json(&text.replace("{node} at", "{nobody} at"))?;
    let err = run(&Localnet::in_memory(genesis())?, &bad).err();
    assert!(
        matches!(&err, Some(ScenarioError::Step { step: 0, reason }) if reason.contains("{nobody}")),
        "{err:?}"
    );
    Ok(())
}
