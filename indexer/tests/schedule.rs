//! Epochs on a schedule: the ledger's clock and epoch advance with wall time; a scheduled
//! change without stake keeps an empty committee, as the contracts do.

use std::time::Duration;

use anyhow::{Context, Result};
use floe_economics::events::FloeEvent;
use floe_indexer::chain::Id;
use floe_indexer::localnet::schedule::{self, EpochSchedule, Tick};
use floe_indexer::localnet::Localnet;
use floe_indexer::scenario::{run, Scenario, DEVNET};

const DAY_MS: u64 = 86_400_000;

fn schedule(period_ms: u64) -> EpochSchedule {
    EpochSchedule {
        period: Duration::from_millis(period_ms),
        epoch_ms: DAY_MS,
        sender: Id::from_u64(0),
    }
}

#[test]
fn a_scheduled_change_without_stake_keeps_an_empty_committee() -> Result<()> {
    let scenario = Scenario::from_json(DEVNET)?;
    let net = Localnet::in_memory(scenario.genesis.context("genesis")?)?;
    assert_eq!(schedule::tick(&net, &schedule(1))?, Tick::Advanced(1));
    assert_eq!(net.epoch(), 1);
    assert_eq!(net.checkpoint_count(), 1);
    assert!(net.with_state(|s| s.committee.is_empty()));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn epochs_advance_with_wall_time_until_stopped() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let scenario = Scenario::from_json(DEVNET)?;
    let net = Localnet::open(dir.path(), scenario.genesis.clone().context("genesis")?)?;
    run(&net, &scenario)?;
    net.seal()?;
    let (epoch0, clock0, count0) = (net.epoch(), net.now_ms(), net.checkpoint_count());

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut stop = Some(stop);
    let mut ticks = Vec::new();
    let task = schedule::run(
        net.clone(),
        schedule(20),
        async {
            let _ = stopped.await;
        },
        |t| {
            ticks.push(t.clone());
            if ticks.len() == 3 {
                if let Some(s) = stop.take() {
                    let _ = s.send(());
                }
            }
        },
    );
    tokio::time::timeout(Duration::from_secs(20), task).await??;

    assert_eq!(
        ticks,
        vec![
            Tick::Advanced(epoch0 + 1),
            Tick::Advanced(epoch0 + 2),
            Tick::Advanced(epoch0 + 3)
        ]
    );
    assert_eq!(net.epoch(), epoch0 + 3);
    assert_eq!(net.now_ms(), clock0 + 3 * DAY_MS);
    // One sealed checkpoint per change, stamped with the advanced clock, holding its events.
    assert_eq!(net.checkpoint_count(), count0 + 3);
    for k in 1..=3u64 {
        let cp = net.try_checkpoint(count0 + k - 1).context("sealed")?;
        assert_eq!(cp.timestamp_ms, clock0 + k * DAY_MS);
        let done = cp
            .events()
            .filter_map(|e| e.decode().ok())
            .any(|e| matches!(e, FloeEvent::EpochChangeDone(d) if u64::from(d.epoch) == u64::from(epoch0) + k));
        assert!(
            done,
            "checkpoint {} has EpochChangeDone",
            cp.sequence_number
        );
    }
    Ok(())
}
