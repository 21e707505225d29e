//! The committee's WAL/USD rate: each sample moves the rate only as far as a 2/3 quorum of the
//! shards agrees, and the mean of the last few samples converts USD prices to FROST.
//!
//! Rates are integers in nano-USD per WAL (1 WAL = $0.40 is `400_000_000`). The reports' band
//! ([`rate_band`]) is `[low, high]`: `low` the highest rate such that the shards reporting at
//! or above it form a 2/3 quorum, `high` the lowest such that the shards reporting at or below
//! it do (the capacity and price quorum rules of [`crate::price`]). A sample
//! ([`next_rate`]) is the previous sample clamped into the band. Liars under 1/3 of the shards
//! cannot take it outside the honest reports' range; liars holding 1/3 to 2/3 can at most hold
//! it where it is (never push it away from the honest reports); only 2/3 can move it at will.
//! The lower median this replaces could be set anywhere by exactly half of the shards.
//!
//! [`RateWindow`] keeps the last `capacity` samples (hourly on chain) and their integer mean
//! is the rate used to convert USD prices to FROST. These are the rules of Move's
//! `prices::next_rate` and `system_inner::sample_wal_usd_rate`.

use std::collections::VecDeque;

use crate::price::{quorum_above, quorum_below, Vote};
use crate::{Error, Result};

/// One node's WAL/USD report and its weight (shards).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateReport {
    /// The reported rate, nano-USD per WAL (> 0).
    pub rate: u64,
    /// The reporter's weight (shards).
    pub weight: u64,
}

/// The reports' 2/3-quorum band `(low, high)` over `n_shards` shards. Refuses no reports
/// (`ENoVotes`), a zero rate (`EInvalidRate`), a zero weight or weights above `n_shards`
/// (`EInvalidVoteWeight`) and reports short of a quorum (`EBelowQuorum`).
pub fn rate_band(reports: &[RateReport], n_shards: u64) -> Result<(u64, u64)> {
    if reports.is_empty() {
        return Err(Error::ENoVotes);
    }
    if reports.iter().any(|r| r.rate == 0) {
        return Err(Error::EInvalidRate);
    }
    let votes: Vec<Vote> = reports
        .iter()
        .map(|r| Vote::new(r.rate, r.weight))
        .collect();
    Ok((
        quorum_above(&votes, n_shards)?,
        quorum_below(&votes, n_shards)?,
    ))
}

/// The next rate sample: `previous` clamped into the reports' band. Refuses what
/// [`rate_band`] refuses.
pub fn next_rate(previous: u64, reports: &[RateReport], n_shards: u64) -> Result<u64> {
    let (low, high) = rate_band(reports, n_shards)?;
    Ok(previous.clamp(low, high))
}

/// A sliding window over the last `capacity` rate samples; its mean is the epoch's rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateWindow {
    capacity: usize,
    samples: VecDeque<u64>,
    sum: u128,
}

impl RateWindow {
    /// A window of `capacity` samples (at least 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        RateWindow {
            capacity,
            samples: VecDeque::with_capacity(capacity),
            sum: 0,
        }
    }

    /// Adds a sample, dropping the oldest when the window is full.
    pub fn push(&mut self, rate: u64) {
        if self.samples.len() == self.capacity {
            if let Some(old) = self.samples.pop_front() {
                self.sum -= old as u128;
            }
        }
        self.samples.push_back(rate);
        self.sum += rate as u128;
    }

    /// The mean of the samples in the window, rounded down; `None` before the first sample.
    pub fn average(&self) -> Option<u64> {
        if self.samples.is_empty() {
            None
        } else {
            Some((self.sum / self.samples.len() as u128) as u64)
        }
    }

    /// Changes the capacity (at least 1), dropping the oldest samples beyond it.
    pub fn resize(&mut self, capacity: usize) {
        self.capacity = capacity.max(1);
        while self.samples.len() > self.capacity {
            if let Some(old) = self.samples.pop_front() {
                self.sum -= old as u128;
            }
        }
    }

    /// The latest sample; `None` before the first.
    pub fn last(&self) -> Option<u64> {
        self.samples.back().copied()
    }

    /// Number of samples held.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// True before the first sample.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_and_window() {
        let r = |rate, weight| RateReport { rate, weight };
        // Weights 4, 3, 3 of 10: all shards at or above 400, 6 at or above 500; 7 at or below
        // 500 (Move's `prices::rate_band_and_conversion`).
        let reports = [r(400, 4), r(500, 3), r(600, 3)];
        assert_eq!(rate_band(&reports, 10), Ok((400, 500)));
        assert_eq!(next_rate(1_000, &reports, 10), Ok(500));
        assert_eq!(next_rate(100, &reports, 10), Ok(400));
        assert_eq!(next_rate(450, &reports, 10), Ok(450));
        assert_eq!(next_rate(7, &[r(7, 1)], 1), Ok(7));
        assert_eq!(rate_band(&[], 10), Err(Error::ENoVotes));
        assert_eq!(rate_band(&[], 0), Err(Error::ENoVotes));
        assert_eq!(rate_band(&[r(0, 10)], 10), Err(Error::EInvalidRate));
        assert_eq!(rate_band(&[r(1, 5)], 10), Err(Error::EBelowQuorum));
        let mut w = RateWindow::new(2);
        assert_eq!((w.average(), w.last()), (None, None));
        w.push(10);
        w.push(20);
        w.push(31);
        assert_eq!((w.average(), w.last()), (Some(25), Some(31)));
        w.resize(1);
        assert_eq!((w.average(), w.len()), (Some(31), 1));
    }

    /// Move's `prices::half_the_shards_cannot_move_the_rate`.
    #[test]
    fn half_the_shards_cannot_move_the_rate() {
        let r = |rate, weight| RateReport { rate, weight };
        let (low, high) = (980_000_000, 1_020_000_000);
        let down = [r(low, 3), r(high, 2), r(1, 3), r(1, 2)];
        let up = [
            r(low, 3),
            r(high, 2),
            r(10_000_000_000, 3),
            r(10_000_000_000, 2),
        ];
        assert_eq!(next_rate(1_000_000_000, &down, 10), Ok(low));
        assert_eq!(next_rate(1_000_000_000, &up, 10), Ok(high));
        assert_eq!(next_rate(5_000_000_000, &down, 10), Ok(low));
        assert_eq!(next_rate(1_000, &up, 10), Ok(high));
        assert_eq!(next_rate(5_000_000_000, &up, 10), Ok(5_000_000_000));
    }
}
