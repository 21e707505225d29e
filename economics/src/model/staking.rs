//! Pools and shares: registration, stake, withdrawal, commission.
//!
//! Stake activates at the next epoch, or the one after when the next committee is already
//! selected. Shares are minted at activation at the pool's exchange rate of that moment
//! ([`crate::rewards::ExchangeRate`]). A withdrawal of active stake is requested, keeps
//! earning until its withdraw epoch (next epoch, or the one after once the committee is
//! selected), is converted back to FROST at the start of that epoch, and is then taken with
//! [`System::withdraw_stake`]. Stake that never became active and is not counted in a selected
//! committee is taken back at once with [`System::withdraw_stake`] (requesting it is refused
//! with `ECanWithdrawEarly`); stake that activates next epoch and already counts in the
//! selected committee is requested like active stake and leaves one epoch after it activates.
//! These are the Move contracts' rules (`staking_pool::can_withdraw_early`). A commission
//! change takes effect two epochs later.

use super::{Error, ObjectId, Pool, Result, StakeState, StakedWal, System};
use crate::price::PriceVote;
use crate::rewards::ExchangeRate;
use crate::{Epoch, Frost};

impl System {
    /// The epoch from which a change requested now takes effect: next epoch, or the one
    /// after once the next committee is selected.
    pub fn effective_epoch(&self) -> Epoch {
        self.epoch + 1 + u32::from(self.next_committee.is_some())
    }

    /// Registers a node's staking pool operated by `operator`. Refuses a commission above the
    /// cap (`ECommissionTooHigh`).
    pub fn register_node(
        &mut self,
        operator: ObjectId,
        commission_bps: u16,
        vote: PriceVote,
    ) -> Result<ObjectId> {
        if commission_bps > self.params.commission_cap_bps {
            return Err(Error::ECommissionTooHigh);
        }
        let id = self.fresh_id();
        self.pools.insert(
            id,
            Pool {
                operator,
                commission_bps,
                pending_commission: None,
                active_frost: 0,
                shares: 0,
                pending: Default::default(),
                withdrawable: 0,
                commission_balance: 0,
                commission_receiver: operator,
                vote,
                rate_report: None,
                exchange_rates: Default::default(),
            },
        );
        Ok(id)
    }

    /// The pool's exchange rate now.
    pub fn exchange_rate(&self, pool: &ObjectId) -> Result<ExchangeRate> {
        let p = self.pools.get(pool).ok_or(Error::EUnknownPool)?;
        Ok(ExchangeRate {
            frost: p.active_frost as u128,
            shares: p.shares,
        })
    }

    /// Stakes `amount` from `staker` with `pool`. Refuses an unknown pool (`EUnknownPool`),
    /// less than the minimum stake (`ENotEnoughStake`), too low a balance (`ENotEnoughFunds`).
    pub fn stake(&mut self, staker: ObjectId, pool: ObjectId, amount: Frost) -> Result<ObjectId> {
        if !self.pools.contains_key(&pool) {
            return Err(Error::EUnknownPool);
        }
        if amount < self.params.min_stake {
            return Err(Error::ENotEnoughStake);
        }
        self.debit_check(&staker, amount)?;
        let activation_epoch = self.effective_epoch();
        self.debit(&staker, amount);
        let p = self.pools.get_mut(&pool).expect("checked");
        *p.pending.entry(activation_epoch).or_insert(0) += amount;
        let id = self.fresh_id();
        self.stakes.insert(
            id,
            StakedWal {
                owner: staker,
                pool,
                principal: amount,
                activation_epoch,
                shares: 0,
                state: StakeState::Staked,
                votable_from: activation_epoch,
            },
        );
        self.refresh_candidate(pool);
        Ok(id)
    }

    /// Records the pool's stake for the next selection in the active set.
    pub(super) fn refresh_candidate(&mut self, pool: ObjectId) {
        let stake = self.stake_at(&pool, self.effective_epoch());
        let (min, max) = (self.params.candidate_stake(), self.params.max_candidates);
        self.active_set.update(pool, stake, min, max as usize);
    }

    /// Whether a receipt never became active and is not counted in a selected committee, so
    /// [`System::withdraw_stake`] returns it at once.
    pub fn can_withdraw_early(&self, stake: &StakedWal) -> bool {
        stake.state == StakeState::Staked
            && stake.activation_epoch > self.epoch
            && !(stake.activation_epoch == self.epoch + 1 && self.next_committee.is_some())
    }

    /// Requests the withdrawal of a receipt; returns its withdraw epoch. Active stake leaves
    /// at the next epoch whose committee is not selected yet; stake that activates next epoch
    /// and counts in the selected committee leaves one epoch after it activates. Refuses an
    /// unknown receipt (`EUnknownStake`), a caller that does not own it (`ENotOwner`), a
    /// second request (`EAlreadyWithdrawing`), and a receipt that can be withdrawn at once
    /// (`ECanWithdrawEarly`).
    pub fn request_withdraw_stake(&mut self, caller: ObjectId, stake: ObjectId) -> Result<Epoch> {
        let s = *self.stakes.get(&stake).ok_or(Error::EUnknownStake)?;
        if s.owner != caller {
            return Err(Error::ENotOwner);
        }
        if s.state != StakeState::Staked {
            return Err(Error::EAlreadyWithdrawing);
        }
        if self.can_withdraw_early(&s) {
            return Err(Error::ECanWithdrawEarly);
        }
        let withdraw_epoch = if s.activation_epoch > self.epoch {
            s.activation_epoch + 1
        } else {
            self.effective_epoch()
        };
        self.stakes.get_mut(&stake).expect("exists").state = StakeState::Withdrawing {
            withdraw_epoch,
            amount: None,
        };
        self.refresh_candidate(s.pool);
        Ok(withdraw_epoch)
    }

    /// Takes a receipt back: at once, principal only, if it never became active and is not
    /// counted in a selected committee ([`System::can_withdraw_early`]); otherwise the
    /// processed withdrawal, principal and rewards. Refuses `EUnknownStake`, `ENotOwner`, an
    /// active receipt not withdrawing (`ENotWithdrawing`), and one whose withdraw epoch has not
    /// started (`EWithdrawEpochNotReached`).
    pub fn withdraw_stake(&mut self, caller: ObjectId, stake: ObjectId) -> Result<Frost> {
        let s = *self.stakes.get(&stake).ok_or(Error::EUnknownStake)?;
        if s.owner != caller {
            return Err(Error::ENotOwner);
        }
        if self.can_withdraw_early(&s) {
            let p = self.pools.get_mut(&s.pool).ok_or(Error::EUnknownPool)?;
            p.take_pending(s.activation_epoch, s.principal);
            self.stakes.remove(&stake);
            self.credit(&caller, s.principal);
            self.refresh_candidate(s.pool);
            return Ok(s.principal);
        }
        let StakeState::Withdrawing {
            withdraw_epoch,
            amount,
        } = s.state
        else {
            return Err(Error::ENotWithdrawing);
        };
        let Some(amount) = amount.filter(|_| self.epoch >= withdraw_epoch) else {
            return Err(Error::EWithdrawEpochNotReached);
        };
        let p = self.pools.get_mut(&s.pool).ok_or(Error::EUnknownPool)?;
        p.withdrawable -= amount;
        self.stakes.remove(&stake);
        self.credit(&caller, amount);
        Ok(amount)
    }

    /// Splits `amount` of a receipt's principal into a new receipt of the same pool,
    /// activation epoch and state (its shares in proportion); returns the new receipt. Both
    /// parts keep at least [`crate::FROST_PER_WAL`], and neither may vote in a governance
    /// snapshot taken before the next epoch. Refuses `EUnknownStake`, `ENotOwner`, a
    /// withdrawing receipt (`EAlreadyWithdrawing`), and a part below 1 WAL (`ENotEnoughStake`).
    pub fn split_stake(
        &mut self,
        caller: ObjectId,
        stake: ObjectId,
        amount: Frost,
    ) -> Result<ObjectId> {
        let s = *self.owned_staked(caller, stake)?;
        if amount < crate::FROST_PER_WAL
            || s.principal.saturating_sub(amount) < crate::FROST_PER_WAL
        {
            return Err(Error::ENotEnoughStake);
        }
        let votable_from = s.votable_from.max(self.epoch + 1);
        let moved_shares = s.shares * amount as u128 / s.principal as u128;
        let id = self.fresh_id();
        self.stakes.insert(
            id,
            StakedWal {
                principal: amount,
                shares: moved_shares,
                votable_from,
                ..s
            },
        );
        let old = self.stakes.get_mut(&stake).expect("checked");
        old.principal -= amount;
        old.shares -= moved_shares;
        old.votable_from = votable_from;
        Ok(id)
    }

    /// Joins receipt `other` into `stake` (same pool, activation epoch, both staked, both the
    /// caller's). The result may not vote in a governance snapshot taken before the next
    /// epoch. Refuses `EUnknownStake`, `ENotOwner`, a withdrawing receipt
    /// (`EAlreadyWithdrawing`), another pool or activation epoch, or a receipt joined with
    /// itself (`EIncompatibleStake`).
    pub fn join_stake(&mut self, caller: ObjectId, stake: ObjectId, other: ObjectId) -> Result<()> {
        let a = *self.owned_staked(caller, stake)?;
        let b = *self.owned_staked(caller, other)?;
        if stake == other || a.pool != b.pool || a.activation_epoch != b.activation_epoch {
            return Err(Error::EIncompatibleStake);
        }
        self.stakes.remove(&other);
        let s = self.stakes.get_mut(&stake).expect("checked");
        s.principal += b.principal;
        s.shares += b.shares;
        s.votable_from = a.votable_from.max(b.votable_from).max(self.epoch + 1);
        Ok(())
    }

    /// Gives a receipt to `to` (it keeps its votes: a receipt votes once per proposal,
    /// whoever holds it). Refuses `EUnknownStake`, `ENotOwner`.
    pub fn transfer_stake(
        &mut self,
        caller: ObjectId,
        stake: ObjectId,
        to: ObjectId,
    ) -> Result<()> {
        let s = self.stakes.get_mut(&stake).ok_or(Error::EUnknownStake)?;
        if s.owner != caller {
            return Err(Error::ENotOwner);
        }
        s.owner = to;
        Ok(())
    }

    /// A receipt `caller` owns and that is not withdrawing.
    fn owned_staked(&self, caller: ObjectId, stake: ObjectId) -> Result<&StakedWal> {
        let s = self.stakes.get(&stake).ok_or(Error::EUnknownStake)?;
        if s.owner != caller {
            return Err(Error::ENotOwner);
        }
        if s.state != StakeState::Staked {
            return Err(Error::EAlreadyWithdrawing);
        }
        Ok(s)
    }

    /// Sets a new commission, in force from two epochs later. Refuses `EUnknownPool`,
    /// a caller other than the operator (`ENotOwner`), a rate above the cap (`ECommissionTooHigh`).
    pub fn set_commission(
        &mut self,
        caller: ObjectId,
        pool: ObjectId,
        commission_bps: u16,
    ) -> Result<()> {
        let cap = self.params.commission_cap_bps;
        let epoch = self.epoch;
        let p = self.pools.get_mut(&pool).ok_or(Error::EUnknownPool)?;
        if p.operator != caller {
            return Err(Error::ENotOwner);
        }
        if commission_bps > cap {
            return Err(Error::ECommissionTooHigh);
        }
        p.pending_commission = Some((epoch + 2, commission_bps));
        Ok(())
    }

    /// Sets the address allowed to collect the pool's commission. Refuses `EUnknownPool` and a
    /// caller other than the operator (`ENotOwner`).
    pub fn set_commission_receiver(
        &mut self,
        caller: ObjectId,
        pool: ObjectId,
        receiver: ObjectId,
    ) -> Result<()> {
        let p = self.pools.get_mut(&pool).ok_or(Error::EUnknownPool)?;
        if p.operator != caller {
            return Err(Error::ENotOwner);
        }
        p.commission_receiver = receiver;
        Ok(())
    }

    /// Pays the pool's collected commission to its commission receiver (the operator unless
    /// it set another). Refuses `EUnknownPool`, a caller other than the receiver (`ENotOwner`).
    pub fn collect_commission(&mut self, caller: ObjectId, pool: ObjectId) -> Result<Frost> {
        let p = self.pools.get_mut(&pool).ok_or(Error::EUnknownPool)?;
        if p.commission_receiver != caller {
            return Err(Error::ENotOwner);
        }
        let amount = std::mem::take(&mut p.commission_balance);
        self.credit(&caller, amount);
        Ok(amount)
    }

    /// Stake each pool will have active at `epoch` (active now, plus pending activating by
    /// then, minus withdrawals due by then, valued at the current exchange rate).
    pub fn stake_at(&self, pool: &ObjectId, epoch: Epoch) -> Frost {
        let Some(p) = self.pools.get(pool) else {
            return 0;
        };
        let rate = ExchangeRate {
            frost: p.active_frost as u128,
            shares: p.shares,
        };
        let pending: Frost = p.pending.range(..=epoch).map(|(_, v)| *v).sum();
        let leaving: u128 = self
            .stakes
            .values()
            .filter(|s| &s.pool == pool)
            .filter_map(|s| match s.state {
                StakeState::Withdrawing {
                    withdraw_epoch,
                    amount: None,
                } if withdraw_epoch <= epoch => Some(s.shares),
                _ => None,
            })
            .sum();
        (p.active_frost - rate.to_frost(leaving)) + pending
    }

    /// Epoch-change processing of the pools for the new `self.epoch`: commission changes,
    /// activations, withdrawals.
    pub(super) fn process_pools(&mut self) {
        let epoch = self.epoch;
        let ids: Vec<ObjectId> = self.pools.keys().copied().collect();
        for id in ids {
            let p = self.pools.get_mut(&id).expect("exists");
            let rate = ExchangeRate {
                frost: p.active_frost as u128,
                shares: p.shares,
            };
            p.exchange_rates.insert(epoch, rate);
            // Withdrawals due now leave at the current rate (after the last epoch's rewards).
            let due: Vec<ObjectId> = self
                .stakes
                .iter()
                .filter(|(_, s)| {
                    s.pool == id && matches!(s.state, StakeState::Withdrawing { withdraw_epoch, amount: None } if withdraw_epoch <= epoch)
                })
                .map(|(k, _)| *k)
                .collect();
            for sid in due {
                let p = self.pools.get_mut(&id).expect("exists");
                let s = self.stakes.get_mut(&sid).expect("exists");
                let rate = ExchangeRate {
                    frost: p.active_frost as u128,
                    shares: p.shares,
                };
                let amount = rate.to_frost(s.shares);
                p.active_frost -= amount;
                p.shares -= s.shares;
                p.withdrawable += amount;
                if let StakeState::Withdrawing { withdraw_epoch, .. } = s.state {
                    s.state = StakeState::Withdrawing {
                        withdraw_epoch,
                        amount: Some(amount),
                    };
                }
            }
            let p = self.pools.get_mut(&id).expect("exists");
            if let Some((at, bps)) = p.pending_commission {
                if at <= epoch {
                    p.commission_bps = bps;
                    p.pending_commission = None;
                }
            }
            // Activations.
            let activating: Vec<ObjectId> = self
                .stakes
                .iter()
                .filter(|(_, s)| {
                    s.pool == id
                        && s.activation_epoch <= epoch
                        && s.shares == 0
                        && matches!(
                            s.state,
                            StakeState::Staked | StakeState::Withdrawing { amount: None, .. }
                        )
                })
                .map(|(k, _)| *k)
                .collect();
            for sid in activating {
                let p = self.pools.get_mut(&id).expect("exists");
                let s = self.stakes.get_mut(&sid).expect("exists");
                let rate = ExchangeRate {
                    frost: p.active_frost as u128,
                    shares: p.shares,
                };
                let shares = rate.to_shares(s.principal).max(1);
                p.take_pending(s.activation_epoch, s.principal);
                p.active_frost += s.principal;
                p.shares += shares;
                s.shares = shares;
            }
        }
    }
}
