//! `challenges`: each epoch's storage-challenge seed and parameters; `challenge_results`:
//! each challenger's measured pass rates of the committee's nodes.

use floe_economics::events::FloeEvent as E;

use super::Processor;
use crate::decode::Located;
use crate::ids::{big, object_id, TooLarge};

super::keyed_table! {
    /// An epoch's challenge draw: the seed (hex), challenges per shard and answer window.
    ChallengeRow in challenges {
        key: epoch: i64;
        seed: String,
        challenges_per_shard: i64,
        window_ms: i64,
    }
}

/// The `challenges` pipeline.
pub struct Challenges;

impl Processor for Challenges {
    const NAME: &'static str = "challenges";
    type Row = ChallengeRow;

    fn process(&self, ev: &Located, out: &mut Vec<ChallengeRow>) -> Result<(), TooLarge> {
        if let E::ChallengeSeedDrawn(e) = &ev.event {
            out.push(ChallengeRow {
                epoch: e.epoch as i64,
                seed: Some(hex::encode(&e.seed)),
                challenges_per_shard: Some(e.challenges_per_shard as i64),
                window_ms: Some(big("window_ms", e.window_ms)?),
            });
        }
        Ok(())
    }
}

super::keyed_table! {
    /// The results one challenger (`node_id`) posted for an epoch: pass rates in bps, comma
    /// separated in committee order, their count and their mean.
    ChallengeResultRow in challenge_results {
        key: epoch: i64, node_id: String;
        results: String,
        nodes: i64,
        mean_pass_bps: i64,
    }
}

/// The `challenge_results` pipeline.
pub struct ChallengeResults;

impl Processor for ChallengeResults {
    const NAME: &'static str = "challenge_results";
    type Row = ChallengeResultRow;

    fn process(&self, ev: &Located, out: &mut Vec<ChallengeResultRow>) -> Result<(), TooLarge> {
        if let E::ChallengeResultsSubmitted(e) = &ev.event {
            let n = e.results.len() as i64;
            let sum: i64 = e.results.iter().map(|r| *r as i64).sum();
            out.push(ChallengeResultRow {
                epoch: e.epoch as i64,
                node_id: object_id(&e.node_id),
                results: Some(
                    e.results
                        .iter()
                        .map(|r| r.to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                nodes: Some(n),
                mean_pass_bps: Some(if n == 0 { 0 } else { sum / n }),
            });
        }
        Ok(())
    }
}
