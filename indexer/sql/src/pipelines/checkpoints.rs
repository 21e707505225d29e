//! `checkpoints`: one row per indexed checkpoint; `watermarks`: how far each pipeline has
//! committed, with the chain's identity.

use crate::decode::DecodedCheckpoint;
use crate::ids::{big, TooLarge};

super::append_table! {
    /// An indexed checkpoint.
    CheckpointRow in checkpoints order (sequence_number) {
        sequence_number: i64,
        timestamp_ms: i64,
        epoch: i64,
        transactions: i64,
        events: i64,
        skipped_events: i64,
    }
}

impl CheckpointRow {
    /// The row of `cp`.
    pub fn of(cp: &DecodedCheckpoint) -> Result<Self, TooLarge> {
        Ok(CheckpointRow {
            sequence_number: big("sequence_number", cp.sequence_number)?,
            timestamp_ms: big("timestamp_ms", cp.timestamp_ms)?,
            epoch: cp.epoch as i64,
            transactions: big("transactions", cp.transactions)?,
            events: cp.events.len() as i64,
            skipped_events: big("skipped_events", cp.skipped)?,
        })
    }
}

super::append_table! {
    /// A pipeline's watermark: the last checkpoint it committed (and that checkpoint's last
    /// transaction, time and epoch), on the chain `chain_id`. Rewritten with every commit.
    WatermarkRow in watermarks order (pipeline) {
        pipeline: String,
        chain_id: String,
        checkpoint_hi: i64,
        tx_hi: i64,
        timestamp_ms_hi: i64,
        epoch_hi: i64,
    }
}
