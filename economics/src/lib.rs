//! Floe's economy: pure, deterministic, integer FROST arithmetic.
//!
//! Every amount that moves money is an integer number of FROST (1 WAL = 10^9 FROST) held in
//! `u64` and computed through `u128`; ratios shown to people (APY) use `rust_decimal`. Nothing
//! here performs I/O or reads a clock, so every node, the indexer, the local ledger and the
//! claims compute the same results to the last FROST.
//!
//! Modules, one per concept:
//! - [`price`]: 2/3-quorum quantile rules on shard-weighted votes, the stability guard, USD → FROST.
//! - [`wal_rate`]: the committee's WAL/USD rate (shard-weighted median, averaged over an epoch).
//! - [`storage_cost`]: RS2 encoded length, storage units, storage cost and write fee.
//! - [`performance`]: pass rates from challenge results, the robust stake-weighted aggregate
//!   and the governed performance curve.
//! - [`rewards`]: epoch pots, burn, base weights, withheld rewards, commission, exchange rates, APY.
//! - [`settlement`]: per-pool settlement entries, their Merkle root, proofs and verification.
//! - [`model`]: the reference model of the contracts' state machine, with the Move refusals.
//! - [`events`]: the on-chain events, field for field the Move structs, in BCS.
//! - [`hex_serde`]: the text (hex) and binary (raw) serde forms of ids and digests.
//! - [`sim`]: the `floe sim` what-if simulator (pure: inputs → per-epoch rows and CSV; the chart is drawn by the CLI).

pub mod events;
pub mod hex_serde;
pub mod model;
pub mod performance;
pub mod price;
pub mod rewards;
pub mod settlement;
pub mod sim;
pub mod storage_cost;
pub mod wal_rate;

pub use model::errors::{Error, Result};

/// An amount of FROST, the smallest unit of WAL.
pub type Frost = u64;

/// An epoch number.
pub type Epoch = u32;

/// FROST in one WAL (WAL has 9 decimals).
pub const FROST_PER_WAL: u64 = 1_000_000_000;

/// Basis points in one whole (100%).
pub const BPS_DENOMINATOR: u64 = 10_000;

/// Nano-USD in one US dollar: USD prices and the WAL/USD rate are integers in nano-USD.
pub const NANO_USD_PER_USD: u64 = 1_000_000_000;

/// Checks that a basis-point value is at most 10_000.
pub fn check_bps(bps: u64) -> Result<()> {
    if bps > BPS_DENOMINATOR {
        Err(Error::EInvalidBps)
    } else {
        Ok(())
    }
}

/// `a * b / c` rounded down, computed in `u128`; refuses a zero divisor or a result above `u64`.
pub fn mul_div(a: u64, b: u64, c: u64) -> Result<u64> {
    if c == 0 {
        return Err(Error::EOverflow);
    }
    u64::try_from(a as u128 * b as u128 / c as u128).map_err(|_| Error::EOverflow)
}

/// `a * b / c` rounded up, computed in `u128`; refuses a zero divisor or a result above `u64`.
pub fn mul_div_ceil(a: u64, b: u64, c: u64) -> Result<u64> {
    if c == 0 {
        return Err(Error::EOverflow);
    }
    u64::try_from((a as u128 * b as u128).div_ceil(c as u128)).map_err(|_| Error::EOverflow)
}
