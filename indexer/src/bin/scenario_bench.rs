//! Event-generation benchmark through the scenario runner: loads a scenario file (with a
//! `genesis`; large workloads written with `repeat` blocks, e.g.
//! `indexer/scenarios/million_events.json`), runs it with [`scenario::run`] against a ledger
//! persisted in a fresh directory (real files), and prints the events, transactions,
//! checkpoints, wall time and rate.
//!
//! Usage: `scenario_bench SCENARIO [DIR]` (default DIR: a fresh directory under the system temp
//! dir, removed afterwards; a given DIR is kept). The wall time covers the run and the final
//! flush, not the parsing of the file nor the creation of the ledger.

use std::time::Instant;

use floe_indexer::localnet::Localnet;
use floe_indexer::scenario::{self, Scenario};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> BenchResult<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: scenario_bench SCENARIO [DIR]")?;
    // A temporary directory (removed when dropped) unless one is given.
    let temp;
    let dir = match args.next() {
        Some(d) => std::path::PathBuf::from(d),
        None => {
            temp = tempfile::Builder::new()
                .prefix("floe-scenario-bench-")
                .tempdir()?;
            temp.path().to_owned()
        }
    };
    if dir.join("ledger.log").exists() {
        return Err(format!("{} already holds a ledger", dir.display()).into());
    }
    let scenario = Scenario::from_json(&std::fs::read_to_string(&path)?)?;
    let genesis = scenario
        .genesis
        .clone()
        .ok_or("the scenario has no \"genesis\"")?;
    let net = Localnet::open(&dir, genesis)?;

    let start = Instant::now();
    let report = scenario::run(&net, &scenario)?;
    net.seal()?;
    let elapsed = start.elapsed().as_secs_f64();

    let log_bytes = std::fs::metadata(dir.join("ledger.log"))?.len();
    println!(
        "scenario={path} events={} transactions={} checkpoints={} accepted={} refused={} epoch={} \
         elapsed={elapsed:.2}s rate={:.0} events/s log={} MiB dir={}",
        report.events,
        net.transaction_count(),
        net.checkpoint_count(),
        report.accepted,
        report.refused,
        net.epoch(),
        report.events as f64 / elapsed,
        log_bytes >> 20,
        dir.display()
    );
    drop(net);
    Ok(())
}
