//! Votes, the WAL/USD rate, committee selection and the epoch change.
//!
//! During an epoch the committee's nodes vote USD prices and capacity and report the WAL/USD
//! rate they see; [`System::sample_rate`] (a permissionless crank, hourly on chain) pushes the
//! previous sample clamped into the reports' 2/3-quorum band ([`crate::wal_rate::next_rate`])
//! into the rate window and re-prices FROST: the FROST price is always the USD price in force
//! ÷ the window's average. [`System::select_committee`]
//! apportions the next committee's shards by the stake active next epoch (and fixes the next
//! capacity); [`System::advance_epoch`] closes the epoch: its pot and committee are kept for
//! settlement (or, with a fallback delay of 0, paid by base weight on the spot), pools process
//! activations and withdrawals, the new committee takes over, and the next USD prices are the
//! quorum-below of the new committee's votes through the guard.

use super::committee::{dhondt_capped, max_shards_per_node, transition};
use super::{EndedEpoch, Error, FutureEpoch, ObjectId, Result, System};
use crate::performance::ChallengerResults;
use crate::price::{next_capacity, next_usd_prices, usd_to_frost, PriceVote};
use crate::settlement::SettlementNode;
use crate::wal_rate::{next_rate, RateReport};

impl System {
    fn operator_check(&self, caller: &ObjectId, pool: &ObjectId) -> Result<()> {
        let p = self.pools.get(pool).ok_or(Error::EUnknownPool)?;
        if &p.operator != caller {
            return Err(Error::ENotOwner);
        }
        Ok(())
    }

    /// Sets a node's price and capacity votes. Refuses `EUnknownPool`, `ENotOwner`.
    pub fn vote_prices(&mut self, caller: ObjectId, pool: ObjectId, vote: PriceVote) -> Result<()> {
        self.operator_check(&caller, &pool)?;
        self.pools.get_mut(&pool).expect("checked").vote = vote;
        Ok(())
    }

    /// Records a node's WAL/USD report (nano-USD per WAL). Refuses `EUnknownPool`, `ENotOwner`,
    /// a zero rate (`EInvalidRate`).
    pub fn report_rate(&mut self, caller: ObjectId, pool: ObjectId, rate: u64) -> Result<()> {
        self.operator_check(&caller, &pool)?;
        if rate == 0 {
            return Err(Error::EInvalidRate);
        }
        self.pools.get_mut(&pool).expect("checked").rate_report = Some(rate);
        Ok(())
    }

    /// Takes a rate sample: the previous sample (or, before the first, the rate in force)
    /// clamped into the band of the committee's reports goes into the window and the FROST
    /// prices are recomputed. Refuses an empty committee or no report (`ENoVotes`), reports
    /// short of a quorum (`EBelowQuorum`).
    pub fn sample_rate(&mut self) -> Result<u64> {
        let previous = self.rate_window.last().or(self.wal_usd_rate);
        let median = self.committee_rate(&self.committee, previous)?;
        let prices = self.usd_prices.ok_or(Error::ENoVotes)?;
        let mut window = self.rate_window.clone();
        window.push(median);
        let rate = window.average().ok_or(Error::EInvalidRate)?;
        let storage = usd_to_frost(prices.storage_nano_usd, rate)?;
        let write = usd_to_frost(prices.write_nano_usd, rate)?;
        self.rate_window = window;
        self.wal_usd_rate = Some(rate);
        self.storage_price = storage;
        self.write_price = write;
        Ok(median)
    }

    /// A committee's next rate sample from `previous` ([`next_rate`] over its members'
    /// reports, weighted by shards, out of all its shards); with no previous rate, the lowest
    /// rate of the band. Refuses no report at all (`ENoVotes`) and reports short of a quorum
    /// (`EBelowQuorum`).
    pub fn committee_rate<'a>(
        &self,
        committee: impl IntoIterator<Item = (&'a ObjectId, &'a Vec<u16>)>,
        previous: Option<u64>,
    ) -> Result<u64> {
        let mut n_shards = 0u64;
        let reports: Vec<RateReport> = committee
            .into_iter()
            .filter_map(|(id, shards)| {
                n_shards += shards.len() as u64;
                self.pools.get(id)?.rate_report.map(|rate| RateReport {
                    rate,
                    weight: shards.len() as u64,
                })
            })
            .collect();
        next_rate(previous.unwrap_or(0), &reports, n_shards)
    }

    /// Selects the next committee (D'Hondt over the stake active next epoch, minimal movement)
    /// and fixes the next capacity and USD prices. With no stake at all the next committee is
    /// empty and the capacity and prices stay as they are (the contracts' rule). Refuses a
    /// second selection (`ECommitteeSelected`).
    pub fn select_committee(&mut self) -> Result<()> {
        if self.next_committee.is_some() {
            return Err(Error::ECommitteeSelected);
        }
        let next = self.epoch + 1;
        // The candidates are the active set's pools, their stakes refreshed (those below the
        // candidacy stake leave), most stake first (ties in joining order), at most
        // `max_active_nodes` (the contracts' `select_next`).
        let max_candidates = self.params.max_candidates as usize;
        let mut set = self.active_set.clone();
        set.truncate(max_candidates);
        let members: Vec<ObjectId> = set.entries().iter().map(|(k, _)| *k).collect();
        for id in members {
            let stake = self.stake_at(&id, next);
            set.update(id, stake, self.params.candidate_stake(), max_candidates);
        }
        let mut candidates: Vec<(ObjectId, u64)> = set.entries().to_vec();
        candidates.sort_by_key(|(_, s)| std::cmp::Reverse(*s));
        candidates.truncate(self.params.max_active_nodes as usize);
        if candidates.is_empty() {
            self.active_set = set;
            self.next_committee = Some(Vec::new());
            self.pending_epoch_params = Some((self.capacity, self.usd_prices));
            return Ok(());
        }
        let n = self.params.n_shards;
        let cap = max_shards_per_node(candidates.len() as u64, n as u64)
            .min(self.params.max_shards_per_node as u64);
        let stake: Vec<u64> = candidates.iter().map(|(_, s)| *s).collect();
        let counts: Vec<(ObjectId, u16)> = candidates
            .iter()
            .map(|(id, _)| *id)
            .zip(dhondt_capped(&stake, n, cap)?)
            .filter(|(_, c)| *c > 0)
            .collect();
        let committee = transition(&self.committee, &counts, n)?;
        let votes: Vec<(PriceVote, u64)> = committee
            .iter()
            .map(|(id, s)| (self.pools[id].vote, s.len() as u64))
            .collect();
        let capacity = next_capacity(&votes, self.params.n_shards as u64)?;
        let prices = next_usd_prices(
            &votes,
            self.params.n_shards as u64,
            self.usd_prices,
            self.params.max_price_step_bps,
        )?;
        self.active_set = set;
        self.next_committee = Some(committee);
        self.pending_epoch_params = Some((capacity, Some(prices)));
        Ok(())
    }

    /// The pools the epoch change advances (Move's `initiate_epoch_change`): the ending
    /// committee's, in committee order, then the selected next committee's not among them.
    pub fn pools_advanced_at_change(&self) -> Vec<ObjectId> {
        let mut ids = self.committee_order.clone();
        for (id, _) in self.next_committee.iter().flatten() {
            if !ids.contains(id) {
                ids.push(*id);
            }
        }
        ids
    }

    /// Ends the current epoch and starts the next (selecting the committee first if needed).
    /// Refuses what [`System::select_committee`] refuses.
    pub fn advance_epoch(&mut self) -> Result<()> {
        if self.next_committee.is_none() {
            let mut trial = self.clone();
            trial.select_committee()?;
            *self = trial;
        }
        let (capacity, prices) = self.pending_epoch_params.expect("set with the committee");
        // The rate of the new epoch's prices: the sample window's mean, or (no sample yet) the
        // new committee's median report now, or (neither) the rate in force.
        let rate = self
            .rate_window
            .average()
            .or_else(|| {
                self.next_committee.as_ref().and_then(|c| {
                    let members = c.iter().map(|(k, v)| (k, v));
                    self.committee_rate(members, self.wal_usd_rate).ok()
                })
            })
            .or(self.wal_usd_rate);
        let frost_prices = match (prices, rate) {
            (Some(prices), Some(rate)) => Some((
                usd_to_frost(prices.storage_nano_usd, rate)?,
                usd_to_frost(prices.write_nano_usd, rate)?,
            )),
            _ => None,
        };
        let ended = self.epoch;
        // The ended epoch's pot and settlement inputs.
        let stored = self.stored_bytes_per_shard();
        // In committee order, the order of the result vectors; each challenger weighs with its
        // stake active in the epoch.
        let nodes: Vec<SettlementNode> = self
            .committee_order
            .iter()
            .map(|id| SettlementNode {
                pool_id: id.0,
                shards: self.shards_of(id),
                stored_bytes: stored,
                commission_bps: self.pools[id].commission_bps,
            })
            .collect();
        let challengers: Vec<ChallengerResults> = self
            .committee_order
            .iter()
            .map(|id| ChallengerResults {
                stake: self.committee_stake.get(id).copied().unwrap_or_default(),
                results: self.challenge_results.get(id).cloned(),
            })
            .collect();
        let pot = self.future.front().expect("ring is never empty").rewards;
        let ended_epoch = EndedEpoch {
            pot,
            nodes,
            challengers,
            settled: None,
            remaining: pot,
            claimed: Default::default(),
        };
        // No settlement round (a fallback delay of 0): the pot is paid now, before the pools
        // advance. Computed before anything changes, so a failure leaves the system as it was.
        let paid_now = if self.params.settlement_fallback_epochs == 0 && !self.committee.is_empty()
        {
            Some(self.base_weight_settlement(ended, &ended_epoch)?)
        } else {
            None
        };
        self.future.pop_front();
        self.future.push_back(FutureEpoch::default());
        if self.committee.is_empty() {
            // No committee: nobody to pay, the pot is burned.
            self.burned += pot;
        } else {
            self.ended.insert(ended, ended_epoch);
        }
        if let Some(s) = paid_now {
            self.pay_base_weight(ended, &s);
        }
        self.challenge_results.clear();
        self.challenge_seed = None;
        self.epoch += 1;
        self.process_pools();
        // The pools the contracts advance refresh their candidacy; every other pool's stake for
        // the next epoch did not change.
        let advanced = self.pools_advanced_at_change();
        let next_committee = self.next_committee.take().expect("selected above");
        self.committee_order = next_committee.iter().map(|(id, _)| *id).collect();
        self.committee = next_committee.into_iter().collect();
        self.committee_stake = self
            .committee_order
            .iter()
            .map(|id| (*id, self.pools[id].active_frost))
            .collect();
        self.pending_epoch_params = None;
        for id in advanced {
            self.refresh_candidate(id);
        }
        self.capacity = capacity;
        self.usd_prices = prices;
        if let Some((storage, write)) = frost_prices {
            self.storage_price = storage;
            self.write_price = write;
            self.wal_usd_rate = rate;
        }
        Ok(())
    }
}
