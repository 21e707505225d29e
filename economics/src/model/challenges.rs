//! Storage challenges: the epoch's seed and the challengers' result vectors.
//!
//! Once per epoch anyone draws the challenge seed (on Sui, 32 bytes from `sui::random`; the
//! ledger supplies its own). With the committee and the certified blobs it fixes every shard's
//! challenges (the storage node's pure function). Each committee node, as a challenger, then
//! posts once per epoch one pass rate (bps) per committee node, in committee order (the order
//! of `CommitteeSelected` and of certificate bitmaps). The settlement weighs them by the
//! challenger's active stake in the epoch (see [`crate::performance`]).

use super::{Error, ObjectId, Result, System};
use crate::{Epoch, BPS_DENOMINATOR};

impl System {
    /// Records the epoch's challenge seed. Refuses an epoch without a committee
    /// (`ENotCommitteeMember`: nobody to challenge) and a second seed (`ESeedAlreadyDrawn`).
    pub fn draw_challenge_seed(&mut self, seed: [u8; 32]) -> Result<()> {
        if self.committee.is_empty() {
            return Err(Error::ENotCommitteeMember);
        }
        if self.challenge_seed.is_some() {
            return Err(Error::ESeedAlreadyDrawn);
        }
        self.challenge_seed = Some(seed);
        Ok(())
    }

    /// Posts `results` for `epoch` as challenger `pool`. Refuses `EUnknownPool`, `ENotOwner`,
    /// a pool outside the committee (`ENotCommitteeMember`), another epoch (`EWrongEpoch`),
    /// results before the epoch's seed (`ENoChallengeSeed`), a second vector
    /// (`EAlreadySubmitted`), a length other than the committee size (`EWrongLength`), a rate
    /// above 10000 (`EInvalidBps`).
    pub fn submit_challenge_results(
        &mut self,
        caller: ObjectId,
        pool: ObjectId,
        epoch: Epoch,
        results: Vec<u16>,
    ) -> Result<()> {
        let p = self.pools.get(&pool).ok_or(Error::EUnknownPool)?;
        if p.operator != caller {
            return Err(Error::ENotOwner);
        }
        if !self.committee.contains_key(&pool) {
            return Err(Error::ENotCommitteeMember);
        }
        if epoch != self.epoch {
            return Err(Error::EWrongEpoch);
        }
        if self.challenge_seed.is_none() {
            return Err(Error::ENoChallengeSeed);
        }
        if self.challenge_results.contains_key(&pool) {
            return Err(Error::EAlreadySubmitted);
        }
        if results.len() != self.committee.len() {
            return Err(Error::EWrongLength);
        }
        if results.iter().any(|r| *r as u64 > BPS_DENOMINATOR) {
            return Err(Error::EInvalidBps);
        }
        self.challenge_results.insert(pool, results);
        Ok(())
    }
}
