//! Epochs on a schedule: the ledger's clock and epochs advancing with wall time, as a long-running
//! ledger process needs (tests and scenarios advance them by command instead).
//!
//! Every `period` of wall time, [`run`] moves the ledger clock forward by the schedule's epoch
//! length, submits `advance_epoch` (permissionless, as `initiate_epoch_change` is on chain) and
//! seals a checkpoint. An epoch change the contracts refuse is logged and retried at the next
//! tick; a storage failure stops the schedule.

use std::future::Future;
use std::time::Duration;

use crate::chain::{Id, Operation, SubmitError};
use crate::localnet::Localnet;

/// When and how epochs advance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochSchedule {
    /// Wall time between epoch changes.
    pub period: Duration,
    /// How far the ledger clock moves at each change (the chain's epoch length), ms.
    pub epoch_ms: u64,
    /// The address that submits the epoch changes.
    pub sender: Id,
}

/// What one tick did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tick {
    /// The ledger entered this epoch.
    Advanced(floe_economics::Epoch),
    /// The contracts refused the change (named error); the epoch stays.
    Refused(&'static str),
}

/// Performs one scheduled epoch change now.
pub fn tick(net: &Localnet, schedule: &EpochSchedule) -> Result<Tick, SubmitError> {
    net.advance_clock(schedule.epoch_ms);
    match net.execute(schedule.sender, Operation::AdvanceEpoch) {
        Ok(_) => {
            net.seal()?;
            let epoch = net.epoch();
            tracing::info!(epoch, "scheduled epoch change");
            Ok(Tick::Advanced(epoch))
        }
        Err(SubmitError::Refused(e)) => {
            tracing::warn!(error = e.name(), "scheduled epoch change refused: {e}");
            Ok(Tick::Refused(e.name()))
        }
        Err(e) => Err(e),
    }
}

/// Advances epochs every `schedule.period` until `stop` completes or the ledger fails; calls
/// `on_tick` after each tick.
pub async fn run(
    net: Localnet,
    schedule: EpochSchedule,
    stop: impl Future<Output = ()>,
    mut on_tick: impl FnMut(&Tick),
) -> Result<(), SubmitError> {
    let mut interval = tokio::time::interval(schedule.period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick of an interval fires at once; an epoch lasts a full period.
    interval.tick().await;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return Ok(()),
            _ = interval.tick() => {
                let t = tick(&net, &schedule)?;
                on_tick(&t);
            }
        }
    }
}
