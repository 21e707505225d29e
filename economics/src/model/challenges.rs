//! The challengers' result vectors.
//!
//! Each committee node, as a challenger, posts once per epoch one pass rate (bps) per
//! committee node, in committee order (pool-id order). The settlement weighs them by the
//! challenger's active stake (see [`crate::performance`]).

use super::{Error, ObjectId, Result, System};
use crate::{Epoch, BPS_DENOMINATOR};

impl System {
    /// Posts `results` for `epoch` as challenger `pool`. Refuses `EUnknownPool`, `ENotOwner`,
    /// a pool outside the committee (`ENotCommitteeMember`), another epoch (`EWrongEpoch`), a
    /// second vector (`EAlreadySubmitted`), a length other than the committee size
    /// (`EWrongLength`), a rate above 10000 (`EInvalidBps`).
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
