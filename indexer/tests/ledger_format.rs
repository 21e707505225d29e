//! The ledger's persisted forms did not change when Floe moved its types to serde: ledger
//! directories written before (`tests/data/ledger-v1/`, made by the ledger of commit 26ae8fe)
//! still open, replay and continue, and the operations and genesis it writes today are byte for
//! byte what it wrote then (the genesis with the candidacy parameters added since).

use std::path::{Path, PathBuf};

use floe_indexer::chain::{Operation, ParamChange};
use floe_indexer::localnet::{Genesis, Localnet};

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/ledger-v1")
}

#[test]
fn operations_and_genesis_keep_their_json_form() {
    let text = std::fs::read_to_string(data().join("forms.jsonl")).expect("forms.jsonl");
    let lines: Vec<&str> = text.lines().collect();
    let (genesis, ops) = lines.split_last().expect("lines");
    assert_eq!(ops.len(), 8);
    let mut curve_seen = false;
    for line in ops {
        let op: Operation = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        if let Operation::Propose {
            change: ParamChange::Curve(c),
            ..
        } = op
        {
            assert_eq!((c.zero_below_bps, c.full_at_bps), (4000, 9000));
            curve_seen = true;
        }
        assert_eq!(&serde_json::to_string(&op).expect("serializes"), line);
    }
    assert!(curve_seen);
    let g: Genesis = serde_json::from_str(genesis).expect("genesis parses");
    assert_eq!(g.params.n_shards, 10);
    assert_eq!(g.params.curve.zero_below_bps, 4000);
    assert_eq!(g.pricing.expect("pricing").wal_usd_rate, 3);
    // Today's form is v1's plus the candidacy parameters (issue 22), which a v1 genesis
    // leaves at their defaults.
    let today = genesis.replace(
        r#""max_active_nodes":100,"#,
        r#""max_active_nodes":100,"min_candidate_stake":0,"max_candidates":200,"#,
    );
    assert_ne!(today, *genesis);
    assert_eq!(serde_json::to_string(&g).expect("serializes"), today);
    // A genesis naming only some parameters takes the defaults for the others.
    let partial: Genesis = serde_json::from_str(
        r#"{"package_id":"0x1","start_time_ms":0,"params":{"burn_bps":700},"accounts":[]}"#,
    )
    .expect("partial genesis");
    assert_eq!(partial.params.burn_bps, 700);
    assert_eq!(
        partial.params.curve,
        floe_economics::performance::PerformanceCurve::default()
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}

#[test]
fn a_ledger_directory_written_before_the_switch_opens_and_continues() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("ledger");
    copy_dir(&data().join("devnet"), &dir);
    let log_before = std::fs::read(dir.join("ledger.log")).expect("log");
    let seals = String::from_utf8_lossy(&log_before)
        .lines()
        .filter(|l| l.starts_with(r#"{"r":"seal""#))
        .count() as u64;
    let txs = String::from_utf8_lossy(&log_before)
        .lines()
        .filter(|l| l.starts_with(r#"{"r":"tx""#))
        .count() as u64;
    assert!(seals > 0 && txs > 0);

    // Any genesis given here is ignored: the directory keeps its own.
    let other = Genesis {
        package_id: floe_indexer::chain::Id::from_u64(99),
        start_time_ms: 0,
        params: Default::default(),
        accounts: vec![],
        pricing: None,
    };
    let net = Localnet::open(&dir, other.clone()).expect("the old ledger opens");
    assert_ne!(net.genesis(), other);
    assert_eq!(net.checkpoint_count(), seals);
    assert_eq!(net.transaction_count(), txs);
    let mut events = 0;
    for seq in 0..seals {
        let cp = net.try_checkpoint(seq).expect("replayed checkpoint");
        for tx in &cp.transactions {
            for e in &tx.events {
                e.decode().expect("every event decodes");
                events += 1;
            }
        }
    }
    assert!(events > 0);
    // The genesis file is not rewritten, the log only grows.
    let genesis_before = std::fs::read(data().join("devnet/genesis.json")).expect("genesis");
    assert_eq!(
        std::fs::read(dir.join("genesis.json")).expect("genesis"),
        genesis_before
    );
    // The chain continues: a builder buys storage in a new checkpoint, which survives a reopen.
    let epoch = net.epoch();
    let builder = net.genesis().accounts[0].0;
    net.execute(
        builder,
        Operation::ReserveSpace {
            size: 1 << 20,
            epochs_ahead: 2,
        },
    )
    .expect("storage is for sale on the replayed chain");
    net.seal().expect("seals");
    assert_eq!(net.checkpoint_count(), seals + 1);
    drop(net);
    let log_after = std::fs::read(dir.join("ledger.log")).expect("log");
    assert!(log_after.starts_with(&log_before));
    assert!(log_after.len() > log_before.len());
    let net = Localnet::open(&dir, other).expect("reopens");
    assert_eq!(net.epoch(), epoch);
    assert_eq!(net.checkpoint_count(), seals + 1);
    assert_eq!(net.transaction_count(), txs + 1);
}
