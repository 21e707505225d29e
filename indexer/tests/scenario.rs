//! A scenario file drives the ledger on disk; refusals named in the file are checked.

use anyhow::Result;
use floe_indexer::localnet::{Genesis, GenesisParams, Localnet};
use floe_indexer::scenario::{run, Scenario, ScenarioError};

const SCENARIO: &str = r#"{
  "actors": { "op1": "0x1", "alice": "0x3" },
  "steps": [
    { "sender": "alice", "op": { "op": "advance_epoch" }, "expect_refusal": "ENoStake" },
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
        params: GenesisParams {
            n_shards: 10,
            ..GenesisParams::default()
        },
        accounts: vec![
            ("0x1".parse().expect("literal id"), 10_000_000_000),
            ("0x3".parse().expect("literal id"), 10_000_000_000),
        ],
    }
}

#[test]
fn scenario_file_drives_the_ledger() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let net = Localnet::open(dir.path(), genesis())?;
    let report = run(&net, &Scenario::from_json(SCENARIO)?)?;
    assert_eq!((report.accepted, report.refused), (6, 3));
    // register 1 + stake 1 + epoch change (3 selection + 1 pot + 1 pool + 4 pricing/change) + report 1 + sample 1 + withdrawal 1
    assert_eq!(report.events, 14);
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
