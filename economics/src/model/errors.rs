//! The refusals of Floe, named after the Sui Move convention (`E` + CamelCase).
//!
//! This enum is the single list of refusals used by the whole crate (the pure rules and the
//! reference model). The Move contracts reuse the same names; [`Error::code`] gives each one a
//! stable number that the Move constants (`const EWrongEpoch: u64 = ...;`) should mirror, so an
//! abort code read from a failed transaction maps back to the same variant here.
//!
//! A refusal never changes state: every operation of the reference model checks all of its
//! preconditions before it mutates anything.

use thiserror::Error as ThisError;

/// A refusal: the named reason an operation (or a pure computation) was rejected.
#[derive(ThisError, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// An intermediate or final amount does not fit its integer type.
    #[error("EOverflow: amount does not fit")]
    EOverflow,
    /// The number of shards is zero or above the supported maximum.
    #[error("EInvalidShardCount: invalid number of shards")]
    EInvalidShardCount,
    /// The blob is too large for the RS2 encoding with this many shards (symbol size > 65534).
    #[error("EBlobTooLarge: blob too large for the encoding")]
    EBlobTooLarge,
    /// No votes (or reports) were given where at least one is required.
    #[error("ENoVotes: no votes")]
    ENoVotes,
    /// The weight (shards or stake) behind a decision does not reach the 2/3 quorum.
    #[error("EBelowQuorum: weight below quorum")]
    EBelowQuorum,
    /// The vote weights add up to more than the number of shards, or a weight is zero.
    #[error("EInvalidVoteWeight: invalid vote weight")]
    EInvalidVoteWeight,
    /// A WAL/USD rate of zero was given where a price must be converted.
    #[error("EInvalidRate: WAL/USD rate must be positive")]
    EInvalidRate,
    /// A basis-point value above 10_000 (100%).
    #[error("EInvalidBps: basis points above 10000")]
    EInvalidBps,
    /// A performance curve whose thresholds are not ordered (`zero_below <= full_at <= 10000`).
    #[error("EInvalidCurve: invalid performance curve")]
    EInvalidCurve,
    /// The operation names an epoch other than the one it must be done in.
    #[error("EWrongEpoch: wrong epoch")]
    EWrongEpoch,
    /// The stake is below the minimum stake, or a pool has no stake where some is needed.
    #[error("ENotEnoughStake: stake below minimum")]
    ENotEnoughStake,
    /// The account does not hold enough FROST to pay.
    #[error("ENotEnoughFunds: balance too low")]
    ENotEnoughFunds,
    /// No staking pool with this id.
    #[error("EUnknownPool: unknown staking pool")]
    EUnknownPool,
    /// A staking pool with this id already exists.
    #[error("EPoolExists: staking pool already exists")]
    EPoolExists,
    /// No staked-WAL receipt with this id.
    #[error("EUnknownStake: unknown staked WAL")]
    EUnknownStake,
    /// The caller does not own the object (receipt, storage, blob) or does not operate the pool.
    #[error("ENotOwner: caller is not the owner")]
    ENotOwner,
    /// A withdrawal was already requested for this receipt.
    #[error("EAlreadyWithdrawing: withdrawal already requested")]
    EAlreadyWithdrawing,
    /// The receipt is not in the withdrawing state (request the withdrawal first).
    #[error("ENotWithdrawing: no withdrawal requested")]
    ENotWithdrawing,
    /// The withdrawal epoch has not been reached yet.
    #[error("EWithdrawEpochNotReached: withdrawal epoch not reached")]
    EWithdrawEpochNotReached,
    /// The commission rate is above the governed cap.
    #[error("ECommissionTooHigh: commission above cap")]
    ECommissionTooHigh,
    /// The node is not a member of the current committee.
    #[error("ENotCommitteeMember: node not in the committee")]
    ENotCommitteeMember,
    /// The next committee was already selected this epoch.
    #[error("ECommitteeSelected: next committee already selected")]
    ECommitteeSelected,
    /// There is no stake at all to apportion shards with.
    #[error("ENoStake: no stake to apportion")]
    ENoStake,
    /// The number of epochs is zero or beyond `max_epochs_ahead`.
    #[error("EInvalidEpochsAhead: invalid number of epochs ahead")]
    EInvalidEpochsAhead,
    /// Not enough storage capacity left in one of the epochs.
    #[error("ENotEnoughCapacity: not enough capacity")]
    ENotEnoughCapacity,
    /// No storage resource with this id.
    #[error("EUnknownStorage: unknown storage resource")]
    EUnknownStorage,
    /// No blob with this id.
    #[error("EUnknownBlob: unknown blob")]
    EUnknownBlob,
    /// The storage resource is too small for the blob's encoded size, or sizes do not match.
    #[error("EResourceSize: storage resource size mismatch")]
    EResourceSize,
    /// The storage resource (or blob) does not cover the needed epochs, or has expired.
    #[error("EResourceBounds: storage resource epochs out of bounds")]
    EResourceBounds,
    /// The blob id is not the derivation of the given root hash, encoding and size.
    #[error("EInvalidBlobId: blob id does not match its derivation")]
    EInvalidBlobId,
    /// Only encoding type RS2 (1) is supported.
    #[error("EInvalidEncodingType: unsupported encoding type")]
    EInvalidEncodingType,
    /// The blob is already certified.
    #[error("EAlreadyCertified: blob already certified")]
    EAlreadyCertified,
    /// The blob is not certified.
    #[error("ENotCertified: blob not certified")]
    ENotCertified,
    /// The blob was registered as not deletable.
    #[error("EBlobNotDeletable: blob is not deletable")]
    EBlobNotDeletable,
    /// Storage resources to fuse are neither adjacent in time nor equal in size and epochs.
    #[error("EIncompatibleStorage: storage resources cannot be fused")]
    EIncompatibleStorage,
    /// A split point outside the resource (epoch not strictly inside, or size not smaller).
    #[error("EInvalidSplit: invalid split point")]
    EInvalidSplit,
    /// The challenger already posted its result vector for this epoch.
    #[error("EAlreadySubmitted: results already submitted")]
    EAlreadySubmitted,
    /// A vector has the wrong length (e.g. challenge results not one per committee member).
    #[error("EWrongLength: wrong vector length")]
    EWrongLength,
    /// The epoch is already settled.
    #[error("EAlreadySettled: epoch already settled")]
    EAlreadySettled,
    /// The epoch is not settled yet (or has not ended).
    #[error("ENotSettled: epoch not settled")]
    ENotSettled,
    /// The settlement's totals do not add up to the epoch's pot.
    #[error("ESettlementMismatch: settlement totals do not match the pot")]
    ESettlementMismatch,
    /// The Merkle proof does not verify against the settlement root.
    #[error("EInvalidProof: invalid Merkle proof")]
    EInvalidProof,
    /// The settlement entry was already claimed.
    #[error("EAlreadyClaimed: rewards already claimed")]
    EAlreadyClaimed,
    /// The fallback distribution is not yet allowed for this epoch.
    #[error("EFallbackTooEarly: fallback not yet allowed")]
    EFallbackTooEarly,
    /// No proposal with this id.
    #[error("EUnknownProposal: unknown proposal")]
    EUnknownProposal,
    /// The proposal's voting period is over (or has not started).
    #[error("EVotingClosed: voting closed")]
    EVotingClosed,
    /// The proposal's voting period is still running.
    #[error("EVotingOpen: voting still open")]
    EVotingOpen,
    /// This stake already voted on this proposal.
    #[error("EAlreadyVoted: already voted")]
    EAlreadyVoted,
    /// This stake may not vote on this proposal (activated after its snapshot, or withdrawn).
    #[error("ENotEligible: stake not eligible to vote")]
    ENotEligible,
    /// The proposal did not reach the approval threshold.
    #[error("EThresholdNotMet: approval threshold not met")]
    EThresholdNotMet,
    /// The timelock after approval has not elapsed.
    #[error("ETimelockNotElapsed: timelock not elapsed")]
    ETimelockNotElapsed,
    /// The proposal was already executed.
    #[error("EAlreadyExecuted: proposal already executed")]
    EAlreadyExecuted,
    /// A parameter value outside its allowed range.
    #[error("EInvalidParameter: parameter out of range")]
    EInvalidParameter,
    /// A settlement or list with the same key twice (e.g. two entries for one pool).
    #[error("EDuplicate: duplicate key")]
    EDuplicate,
    /// The receipt never became active and is not counted in a selected committee: it is
    /// withdrawn at once with `withdraw_stake`, there is nothing to request.
    #[error("ECanWithdrawEarly: stake can be withdrawn at once")]
    ECanWithdrawEarly,
    /// A node name longer than 100 bytes or a network address longer than 260.
    #[error("EStringTooLong: a node name or network address is too long")]
    EStringTooLong,
    /// Two staked-WAL receipts of different pools or activation epochs, or one receipt twice,
    /// cannot be joined.
    #[error("EIncompatibleStake: receipts cannot be joined")]
    EIncompatibleStake,
    /// No challenge seed was drawn for the epoch (results refer to its challenges).
    #[error("ENoChallengeSeed: no challenge seed this epoch")]
    ENoChallengeSeed,
    /// The epoch's challenge seed was already drawn.
    #[error("ESeedAlreadyDrawn: challenge seed already drawn")]
    ESeedAlreadyDrawn,
    /// The proposal's voting was already finalized.
    #[error("EAlreadyFinalized: proposal already finalized")]
    EAlreadyFinalized,
    /// A new attribute on a blob that has the most attributes allowed.
    #[error("ETooManyAttributes: too many attributes on the blob")]
    ETooManyAttributes,
    /// The blob has no attribute with this key.
    #[error("EMissingAttribute: no such attribute")]
    EMissingAttribute,
    /// A certificate's signers bitmap is longer than the committee or names a non-member.
    #[error("EInvalidBitmap: invalid signers bitmap")]
    EInvalidBitmap,
    /// A certificate's aggregate BLS signature does not verify for its signers.
    #[error("EInvalidSignature: invalid aggregate signature")]
    EInvalidSignature,
    /// A signed message with a wrong header (intent, version, app) or a malformed body.
    #[error("EInvalidMessage: malformed signed message")]
    EInvalidMessage,
}

impl Error {
    /// Every variant: the model's own refusals in code order (`ALL[i].code() == i` for the
    /// first 54), then those that carry the code of a Move-only constant (100 and up).
    pub const ALL: [Error; 65] = [
        Error::EOverflow,
        Error::EInvalidShardCount,
        Error::EBlobTooLarge,
        Error::ENoVotes,
        Error::EBelowQuorum,
        Error::EInvalidVoteWeight,
        Error::EInvalidRate,
        Error::EInvalidBps,
        Error::EInvalidCurve,
        Error::EWrongEpoch,
        Error::ENotEnoughStake,
        Error::ENotEnoughFunds,
        Error::EUnknownPool,
        Error::EPoolExists,
        Error::EUnknownStake,
        Error::ENotOwner,
        Error::EAlreadyWithdrawing,
        Error::ENotWithdrawing,
        Error::EWithdrawEpochNotReached,
        Error::ECommissionTooHigh,
        Error::ENotCommitteeMember,
        Error::ECommitteeSelected,
        Error::ENoStake,
        Error::EInvalidEpochsAhead,
        Error::ENotEnoughCapacity,
        Error::EUnknownStorage,
        Error::EUnknownBlob,
        Error::EResourceSize,
        Error::EResourceBounds,
        Error::EInvalidBlobId,
        Error::EInvalidEncodingType,
        Error::EAlreadyCertified,
        Error::ENotCertified,
        Error::EBlobNotDeletable,
        Error::EIncompatibleStorage,
        Error::EInvalidSplit,
        Error::EAlreadySubmitted,
        Error::EWrongLength,
        Error::EAlreadySettled,
        Error::ENotSettled,
        Error::ESettlementMismatch,
        Error::EInvalidProof,
        Error::EAlreadyClaimed,
        Error::EFallbackTooEarly,
        Error::EUnknownProposal,
        Error::EVotingClosed,
        Error::EVotingOpen,
        Error::EAlreadyVoted,
        Error::ENotEligible,
        Error::EThresholdNotMet,
        Error::ETimelockNotElapsed,
        Error::EAlreadyExecuted,
        Error::EInvalidParameter,
        Error::EDuplicate,
        Error::ECanWithdrawEarly,
        Error::EStringTooLong,
        Error::EIncompatibleStake,
        Error::ENoChallengeSeed,
        Error::ESeedAlreadyDrawn,
        Error::EAlreadyFinalized,
        Error::ETooManyAttributes,
        Error::EMissingAttribute,
        Error::EInvalidBitmap,
        Error::EInvalidSignature,
        Error::EInvalidMessage,
    ];

    /// The stable abort code of this refusal (its position in [`Error::ALL`]); the Move
    /// constant of the same name should carry the same number.
    pub fn code(self) -> u64 {
        match self {
            // `staking_pool::ECanWithdrawEarly`, a code from Move's own range.
            Error::ECanWithdrawEarly => 107,
            // `system_inner::EStringTooLong`.
            Error::EStringTooLong => 110,
            // `staked_wal::EIncompatibleStake`.
            Error::EIncompatibleStake => 106,
            // Refusals added with the Move economy (issue 11), numbered in Move's range.
            Error::ENoChallengeSeed => 111,
            Error::ESeedAlreadyDrawn => 112,
            Error::EAlreadyFinalized => 113,
            // Blob attributes (issue 21).
            Error::ETooManyAttributes => 114,
            Error::EMissingAttribute => 115,
            // `bls_committee::EInvalidBitmap`, `EInvalidSignature`, `messages::EInvalidMessage`.
            Error::EInvalidBitmap => 100,
            Error::EInvalidSignature => 101,
            Error::EInvalidMessage => 104,
            _ => Error::ALL
                .iter()
                .position(|e| *e == self)
                .expect("every variant is listed") as u64,
        }
    }

    /// The Move-style name of the refusal, e.g. `"EWrongEpoch"`.
    pub fn name(self) -> &'static str {
        match self {
            Error::EOverflow => "EOverflow",
            Error::EInvalidShardCount => "EInvalidShardCount",
            Error::EBlobTooLarge => "EBlobTooLarge",
            Error::ENoVotes => "ENoVotes",
            Error::EBelowQuorum => "EBelowQuorum",
            Error::EInvalidVoteWeight => "EInvalidVoteWeight",
            Error::EInvalidRate => "EInvalidRate",
            Error::EInvalidBps => "EInvalidBps",
            Error::EInvalidCurve => "EInvalidCurve",
            Error::EWrongEpoch => "EWrongEpoch",
            Error::ENotEnoughStake => "ENotEnoughStake",
            Error::ENotEnoughFunds => "ENotEnoughFunds",
            Error::EUnknownPool => "EUnknownPool",
            Error::EPoolExists => "EPoolExists",
            Error::EUnknownStake => "EUnknownStake",
            Error::ENotOwner => "ENotOwner",
            Error::EAlreadyWithdrawing => "EAlreadyWithdrawing",
            Error::ENotWithdrawing => "ENotWithdrawing",
            Error::EWithdrawEpochNotReached => "EWithdrawEpochNotReached",
            Error::ECommissionTooHigh => "ECommissionTooHigh",
            Error::ENotCommitteeMember => "ENotCommitteeMember",
            Error::ECommitteeSelected => "ECommitteeSelected",
            Error::ENoStake => "ENoStake",
            Error::EInvalidEpochsAhead => "EInvalidEpochsAhead",
            Error::ENotEnoughCapacity => "ENotEnoughCapacity",
            Error::EUnknownStorage => "EUnknownStorage",
            Error::EUnknownBlob => "EUnknownBlob",
            Error::EResourceSize => "EResourceSize",
            Error::EResourceBounds => "EResourceBounds",
            Error::EInvalidBlobId => "EInvalidBlobId",
            Error::EInvalidEncodingType => "EInvalidEncodingType",
            Error::EAlreadyCertified => "EAlreadyCertified",
            Error::ENotCertified => "ENotCertified",
            Error::EBlobNotDeletable => "EBlobNotDeletable",
            Error::EIncompatibleStorage => "EIncompatibleStorage",
            Error::EInvalidSplit => "EInvalidSplit",
            Error::EAlreadySubmitted => "EAlreadySubmitted",
            Error::EWrongLength => "EWrongLength",
            Error::EAlreadySettled => "EAlreadySettled",
            Error::ENotSettled => "ENotSettled",
            Error::ESettlementMismatch => "ESettlementMismatch",
            Error::EInvalidProof => "EInvalidProof",
            Error::EAlreadyClaimed => "EAlreadyClaimed",
            Error::EFallbackTooEarly => "EFallbackTooEarly",
            Error::EUnknownProposal => "EUnknownProposal",
            Error::EVotingClosed => "EVotingClosed",
            Error::EVotingOpen => "EVotingOpen",
            Error::EAlreadyVoted => "EAlreadyVoted",
            Error::ENotEligible => "ENotEligible",
            Error::EThresholdNotMet => "EThresholdNotMet",
            Error::ETimelockNotElapsed => "ETimelockNotElapsed",
            Error::EAlreadyExecuted => "EAlreadyExecuted",
            Error::EInvalidParameter => "EInvalidParameter",
            Error::EDuplicate => "EDuplicate",
            Error::ECanWithdrawEarly => "ECanWithdrawEarly",
            Error::EStringTooLong => "EStringTooLong",
            Error::EIncompatibleStake => "EIncompatibleStake",
            Error::ENoChallengeSeed => "ENoChallengeSeed",
            Error::ESeedAlreadyDrawn => "ESeedAlreadyDrawn",
            Error::EAlreadyFinalized => "EAlreadyFinalized",
            Error::ETooManyAttributes => "ETooManyAttributes",
            Error::EMissingAttribute => "EMissingAttribute",
            Error::EInvalidBitmap => "EInvalidBitmap",
            Error::EInvalidSignature => "EInvalidSignature",
            Error::EInvalidMessage => "EInvalidMessage",
        }
    }
}

/// Result with a Floe refusal.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_names_match_display() {
        let mut names: Vec<_> = Error::ALL.iter().map(|e| e.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Error::ALL.len(), "ALL lists each variant once");
        let mut codes: Vec<_> = Error::ALL.iter().map(|e| e.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Error::ALL.len(), "codes are unique");
        for (i, e) in Error::ALL.iter().enumerate() {
            // The model's own refusals are numbered by position; the rest use Move's codes.
            if i < 54 {
                assert_eq!(e.code(), i as u64, "{e:?}");
            } else {
                assert!(e.code() >= 100, "{e:?}");
            }
            assert!(e.to_string().starts_with(e.name()), "{e}");
            assert_eq!(format!("{e:?}"), e.name());
        }
    }
}
