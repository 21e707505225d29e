//! `settlements`: each epoch's settlement with the audit's verdict; `claims`: every reward
//! claim against a settlement, with any difference from the recomputed entry.

use floe_economics::events::{
    EpochPotClosed, EpochSettled, EpochSettledByFallback, RewardsClaimed,
};

use crate::audit::AuditOutcome;
use crate::decode::Located;
use crate::ids::{big, object_id, TooLarge};

super::keyed_table! {
    /// An epoch's settlement.
    SettlementRow in settlements {
        key: epoch: i64;
        kind: String,
        n_entries: i64,
        pot: i64,
        burned: i64,
        paid: i64,
        entries_root: String,
        signers_weight: i64,
        audit: String,
        recomputed_root: String,
        audit_detail: String,
        settled_checkpoint: i64,
    }
}

/// The audit columns of a verdict: `audit`, the recomputed root (hex), the detail; logged as
/// an alert when it is not a match.
fn verdict(epoch: u32, outcome: &AuditOutcome) -> (&'static str, Option<String>, Option<String>) {
    match outcome {
        AuditOutcome::Match { root } => ("match", Some(hex::encode(root)), None),
        AuditOutcome::Mismatch {
            recomputed_root, ..
        } => {
            tracing::error!(epoch, "settlement audit: {outcome}");
            (
                "mismatch",
                Some(hex::encode(recomputed_root)),
                Some(outcome.to_string()),
            )
        }
        AuditOutcome::Unverifiable { .. } => {
            tracing::warn!(epoch, "settlement audit: {outcome}");
            ("unverifiable", None, Some(outcome.to_string()))
        }
    }
}

impl SettlementRow {
    fn audited(
        ev: &Located,
        epoch: u32,
        kind: &str,
        (pot, burned, paid): (u64, u64, u64),
        outcome: &AuditOutcome,
    ) -> Result<Self, TooLarge> {
        let (audit, recomputed, detail) = verdict(epoch, outcome);
        Ok(SettlementRow {
            epoch: epoch as i64,
            kind: Some(kind.into()),
            pot: Some(big("pot", pot)?),
            burned: Some(big("burned", burned)?),
            paid: Some(big("paid", paid)?),
            audit: Some(audit.into()),
            recomputed_root: recomputed,
            audit_detail: detail,
            settled_checkpoint: Some(ev.at.checkpoint),
            ..Default::default()
        })
    }

    /// The row of a settlement certified by the committee and the audit's verdict on it.
    pub fn certified(
        ev: &Located,
        s: &EpochSettled,
        outcome: &AuditOutcome,
    ) -> Result<Self, TooLarge> {
        Ok(SettlementRow {
            n_entries: Some(s.n_entries as i64),
            entries_root: Some(hex::encode(&s.entries_root)),
            signers_weight: Some(s.signers_weight as i64),
            ..Self::audited(ev, s.epoch, "certified", (s.pot, s.burned, s.paid), outcome)?
        })
    }

    /// The row of a fallback distribution (base weight only), audited against the
    /// recomputed base-weight settlement.
    pub fn fallback(
        ev: &Located,
        s: &EpochSettledByFallback,
        outcome: &AuditOutcome,
    ) -> Result<Self, TooLarge> {
        Self::audited(ev, s.epoch, "fallback", (s.pot, s.burned, s.paid), outcome)
    }

    /// The row of a pot paid at the epoch change itself (no settlement round), audited.
    pub fn at_epoch_change(
        ev: &Located,
        p: &EpochPotClosed,
        outcome: &AuditOutcome,
    ) -> Result<Self, TooLarge> {
        Self::audited(
            ev,
            p.epoch,
            "epoch_change",
            (p.total, p.burned, p.distributed),
            outcome,
        )
    }
}

super::append_table! {
    /// A claim of one pool's entry of a settled epoch; `audit_detail` names how the claimed
    /// entry differs from the recomputed one, if it does.
    ClaimRow in claims order (epoch, node_id) {
        epoch: i64,
        node_id: String,
        checkpoint: i64,
        shards: i64,
        performance_bps: i64,
        staker_reward: i64,
        commission: i64,
        claimer: String,
        audit_detail: Option<String>,
    }
}

impl ClaimRow {
    /// The row of a claim.
    pub fn of(
        ev: &Located,
        c: &RewardsClaimed,
        difference: Option<String>,
    ) -> Result<Self, TooLarge> {
        if let Some(d) = &difference {
            tracing::error!(epoch = c.epoch, "settlement audit: claim differs: {d}");
        }
        Ok(ClaimRow {
            epoch: c.epoch as i64,
            node_id: object_id(&c.node_id),
            checkpoint: ev.at.checkpoint,
            shards: c.shards as i64,
            performance_bps: c.performance_bps as i64,
            staker_reward: big("staker_reward", c.staker_reward)?,
            commission: big("commission", c.commission)?,
            claimer: object_id(&c.claimer),
            audit_detail: difference,
        })
    }
}
