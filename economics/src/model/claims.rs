//! Settlement submission, claims with Merkle proofs, and the fallback distribution.
//!
//! After epoch `e` ends, the committee signs the [`SettlementHeader`] computed with
//! [`System::compute_settlement`]; [`System::submit_settlement`] accepts it with a 2/3 quorum
//! of shards, burns `burned` and keeps `paid` for the claims. [`System::claim`] credits one
//! pool's entry, proven against the root: stakers' reward into the pool's active stake
//! (raising its exchange rate), commission into the pool's commission balance. Claims are
//! permissionless. From `settlement_fallback_epochs` after the epoch's end, if nothing was
//! certified, [`System::settle_fallback`] distributes the pot by base weight alone; with a
//! delay of 0 the epoch change does so itself (see [`super::Params`]).

use super::{EndedEpoch, Error, ObjectId, Result, System};
use crate::settlement::{
    settle, verify, EpochSettlement, MerkleProof, SettlementEntry, SettlementHeader,
    SettlementInput,
};
use crate::{Epoch, Frost};

impl System {
    /// The settlement of an ended epoch from the recorded pot, committee and challenge results
    /// (what every honest node signs). Refuses an epoch that has not ended (`EWrongEpoch`).
    pub fn compute_settlement(&self, epoch: Epoch) -> Result<EpochSettlement> {
        let e = self.ended.get(&epoch).ok_or(Error::EWrongEpoch)?;
        settle(&SettlementInput {
            epoch,
            pot: e.pot,
            burn_bps: self.params.burn_bps,
            curve: self.params.curve,
            nodes: &e.nodes,
            challengers: &e.challengers,
        })
    }

    /// Accepts a settlement certified by `signers_shards` shards. Refuses an epoch that has not
    /// ended (`EWrongEpoch`), `EAlreadySettled`, no quorum (`EBelowQuorum`), totals that do not
    /// add up to the pot (`ESettlementMismatch`).
    pub fn submit_settlement(
        &mut self,
        header: SettlementHeader,
        signers_shards: u64,
    ) -> Result<()> {
        let n = self.params.n_shards as u64;
        let e = self.ended.get(&header.epoch).ok_or(Error::EWrongEpoch)?;
        if e.settled.is_some() {
            return Err(Error::EAlreadySettled);
        }
        if signers_shards > n || !crate::price::is_quorum(signers_shards, n) {
            return Err(Error::EBelowQuorum);
        }
        if header.pot != e.pot || header.burned.checked_add(header.paid) != Some(e.pot) {
            return Err(Error::ESettlementMismatch);
        }
        let e = self.ended.get_mut(&header.epoch).expect("exists");
        e.settled = Some(header);
        e.remaining = header.paid;
        self.burned += header.burned;
        Ok(())
    }

    /// Claims one pool's entry of a settled epoch. Refuses `ENotSettled`, an entry of another
    /// epoch (`EWrongEpoch`), `EInvalidProof`, `EAlreadyClaimed`, `EUnknownPool`, and an entry
    /// above what remains (`ESettlementMismatch`).
    pub fn claim(
        &mut self,
        epoch: Epoch,
        entry: &SettlementEntry,
        proof: &MerkleProof,
    ) -> Result<Frost> {
        let e = self.ended.get(&epoch).ok_or(Error::ENotSettled)?;
        let header = e.settled.ok_or(Error::ENotSettled)?;
        if entry.epoch != epoch {
            return Err(Error::EWrongEpoch);
        }
        verify(&header.entries_root, header.n_entries, entry, proof)?;
        let pool = ObjectId(entry.pool_id);
        if e.claimed.contains_key(&pool) {
            return Err(Error::EAlreadyClaimed);
        }
        if !self.pools.contains_key(&pool) {
            return Err(Error::EUnknownPool);
        }
        let total = entry
            .staker_reward
            .checked_add(entry.commission)
            .ok_or(Error::EOverflow)?;
        if total > e.remaining {
            return Err(Error::ESettlementMismatch);
        }
        let credit = self
            .pools
            .get_mut(&pool)
            .expect("checked")
            .credit(entry.staker_reward, entry.commission);
        let e = self.ended.get_mut(&epoch).expect("exists");
        e.remaining -= total;
        e.claimed.insert(pool, credit);
        Ok(total)
    }

    /// The fallback: distributes an unsettled epoch's pot on chain by base weight alone (burn
    /// share still burned). Refuses an epoch not ended (`EWrongEpoch`), `EAlreadySettled`, and
    /// a call before `settlement_fallback_epochs` have passed since the epoch ended
    /// (`EFallbackTooEarly`).
    pub fn settle_fallback(&mut self, epoch: Epoch) -> Result<()> {
        let e = self.ended.get(&epoch).ok_or(Error::EWrongEpoch)?;
        if e.settled.is_some() {
            return Err(Error::EAlreadySettled);
        }
        if self.epoch < epoch + 1 + self.params.settlement_fallback_epochs {
            return Err(Error::EFallbackTooEarly);
        }
        let s = self.base_weight_settlement(epoch, e)?;
        self.pay_base_weight(epoch, &s);
        Ok(())
    }

    /// The settlement of an ended epoch by base weight alone: no challenge results, and every
    /// node's weight its shards (every node stores the same bytes per shard, so this is the
    /// base weight; the contracts compute it without the stored bytes, which they do not know).
    pub(super) fn base_weight_settlement(
        &self,
        epoch: Epoch,
        e: &EndedEpoch,
    ) -> Result<EpochSettlement> {
        let nodes: Vec<_> = e
            .nodes
            .iter()
            .map(|n| crate::settlement::SettlementNode {
                stored_bytes: 1,
                ..*n
            })
            .collect();
        settle(&SettlementInput {
            epoch,
            pot: e.pot,
            burn_bps: self.params.burn_bps,
            curve: self.params.curve,
            nodes: &nodes,
            challengers: &[],
        })
    }

    /// Pays a base-weight settlement of the ended epoch `epoch`: the burn share burned, each
    /// pool's entry credited ([`super::Pool::credit`]), nothing left to claim.
    pub(super) fn pay_base_weight(&mut self, epoch: Epoch, s: &EpochSettlement) {
        let mut claimed = std::collections::BTreeMap::new();
        for entry in &s.entries {
            let pool = ObjectId(entry.pool_id);
            // Pools are never removed, so every committee pool still exists; were one gone, its
            // share would be burned rather than lost.
            match self.pools.get_mut(&pool) {
                Some(p) => {
                    claimed.insert(pool, p.credit(entry.staker_reward, entry.commission));
                }
                None => self.burned += entry.staker_reward + entry.commission,
            }
        }
        if let Some(e) = self.ended.get_mut(&epoch) {
            e.settled = Some(s.header);
            e.remaining = 0;
            e.claimed = claimed;
        }
        self.burned += s.header.burned;
    }
}
