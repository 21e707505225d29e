//! The committee's WAL/USD rate: a shard-weighted median of the nodes' reports, averaged over
//! the last epoch's worth of samples.
//!
//! Rates are integers in nano-USD per WAL (1 WAL = $0.40 is `400_000_000`). The median is the
//! *lower weighted median*: the smallest reported rate `r` such that the reports at or below `r`
//! hold at least half of the reporting weight. When liars hold less than half of the weight,
//! the median lies between the lowest and highest honest reports, whatever the liars report.
//!
//! [`RateWindow`] keeps the last `capacity` medians (one per sample taken during the epoch,
//! e.g. one per day) and their integer mean is the rate used to convert USD prices to FROST.

use std::collections::VecDeque;

use crate::{Error, Result};

/// One node's WAL/USD report and its weight (shards).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateReport {
    /// The reported rate, nano-USD per WAL (> 0).
    pub rate: u64,
    /// The reporter's weight (shards).
    pub weight: u64,
}

/// The lower shard-weighted median of the reports. Refuses no reports (`ENoVotes`), a zero rate
/// (`EInvalidRate`) and a zero total weight (`EInvalidVoteWeight`). Zero-weight reports are
/// ignored.
pub fn weighted_median(reports: &[RateReport]) -> Result<u64> {
    if reports.is_empty() {
        return Err(Error::ENoVotes);
    }
    if reports.iter().any(|r| r.rate == 0) {
        return Err(Error::EInvalidRate);
    }
    let total: u128 = reports.iter().map(|r| r.weight as u128).sum();
    if total == 0 {
        return Err(Error::EInvalidVoteWeight);
    }
    let mut sorted: Vec<RateReport> = reports.iter().copied().filter(|r| r.weight > 0).collect();
    sorted.sort_unstable_by_key(|r| r.rate);
    let mut acc: u128 = 0;
    for r in &sorted {
        acc += r.weight as u128;
        if 2 * acc >= total {
            return Ok(r.rate);
        }
    }
    unreachable!("the cumulative weight reaches the total")
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

    /// Adds a sample (a weighted median), dropping the oldest when the window is full.
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
    fn median_and_window() {
        let r = |rate, weight| RateReport { rate, weight };
        assert_eq!(weighted_median(&[r(5, 1), r(1, 1), r(3, 1)]), Ok(3));
        assert_eq!(weighted_median(&[r(5, 10), r(1, 1), r(3, 1)]), Ok(5));
        assert_eq!(weighted_median(&[r(1, 1), r(2, 1)]), Ok(1));
        assert_eq!(weighted_median(&[]), Err(Error::ENoVotes));
        assert_eq!(weighted_median(&[r(0, 1)]), Err(Error::EInvalidRate));
        let mut w = RateWindow::new(2);
        assert_eq!(w.average(), None);
        w.push(10);
        w.push(20);
        w.push(31);
        assert_eq!(w.average(), Some(25));
    }
}
