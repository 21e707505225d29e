//! Sui transactions into Floe operations: how the local ledger executes what the Sui chain
//! client ([`crate::sui_client`]) builds, so that client runs against the ledger exactly as it
//! runs against a Sui full node.
//!
//! [`verify_signature`] checks the sender's ed25519 signature over the transaction's signing
//! digest and that the key is the sender's; [`decode`] reads the programmable transaction's
//! `<package>::system::<function>` call back into the [`Operation`], argument by argument, with
//! the layouts `sui_client` writes (pure BCS values, owned and shared object inputs, the coin
//! split of a stake).
//!
//! The ledger keeps no Sui objects, so it names them by the model's ids: a `StakedWal`,
//! `Storage` or `Blob` input is the model's object of that id, a node's `StorageNodeCap` is
//! named by the node's id, and the WAL coin a transaction pays with stands for the sender's
//! balance. A certificate (of a blob, or of an epoch's settlement) counts the shards of the
//! members of the certifying epoch's committee its signers bitmap names (bit `i`, LSB-first, is
//! the `i`-th member in committee order, as in the contracts); the ledger does not check the
//! BLS aggregate signature itself.

use serde::de::DeserializeOwned;
use sui_crypto::ed25519::Ed25519Verifier;
use sui_crypto::SuiVerifier;
use sui_sdk_types::{
    Argument, Command, Input, MoveCall, ProgrammableTransaction, SimpleSignature, Transaction,
    TransactionKind, UserSignature,
};

use floe_economics::settlement::{MerkleProof, SettlementEntry, SettlementHeader};
use floe_economics::Epoch;

use crate::chain::{kind_of_move_function, Id, Operation, ParamChange};
use crate::proto::ENTRY_MODULE;

/// Why a Sui transaction is not an executable Floe operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// The signatures do not authorize the transaction.
    #[error("signature: {0}")]
    Signature(String),
    /// Not a programmable transaction.
    #[error("not a programmable transaction")]
    NotProgrammable,
    /// No call of the Floe package's `system` module.
    #[error("the transaction calls no function of {package}::{ENTRY_MODULE}")]
    NoFloeCall {
        /// The Floe package.
        package: Id,
    },
    /// The called function is not a Floe operation the ledger executes.
    #[error("`{ENTRY_MODULE}::{0}` is not a Floe entry function the local ledger executes")]
    UnknownFunction(String),
    /// An argument is missing or not of the expected form.
    #[error("argument {index} of `{ENTRY_MODULE}::{function}`: {reason}")]
    Argument {
        /// The function.
        function: String,
        /// 0-based argument position.
        index: usize,
        /// What is wrong.
        reason: String,
    },
}

/// Checks that `signatures` is one ed25519 signature of `tx`'s sender over `tx`.
pub fn verify_signature(tx: &Transaction, signatures: &[UserSignature]) -> Result<(), TxError> {
    let [signature] = signatures else {
        return Err(TxError::Signature(format!(
            "expected one signature, got {}",
            signatures.len()
        )));
    };
    let UserSignature::Simple(SimpleSignature::Ed25519 { public_key, .. }) = signature else {
        return Err(TxError::Signature(
            "the local ledger accepts ed25519 signatures only".into(),
        ));
    };
    if public_key.derive_address() != tx.sender {
        return Err(TxError::Signature(format!(
            "the signing key's address {} is not the sender {}",
            public_key.derive_address(),
            tx.sender
        )));
    }
    Ed25519Verifier::new()
        .verify_transaction(tx, signature)
        .map_err(|e| TxError::Signature(format!("invalid: {e}")))
}

/// The arguments of one Move call, read with the layouts the Sui chain client writes.
struct Args<'a> {
    ptb: &'a ProgrammableTransaction,
    call: &'a MoveCall,
}

impl Args<'_> {
    fn err(&self, index: usize, reason: impl Into<String>) -> TxError {
        TxError::Argument {
            function: self.call.function.to_string(),
            index,
            reason: reason.into(),
        }
    }

    fn input(&self, index: usize) -> Result<&Input, TxError> {
        match self.call.arguments.get(index) {
            Some(Argument::Input(i)) => self
                .ptb
                .inputs
                .get(usize::from(*i))
                .ok_or_else(|| self.err(index, format!("input {i} does not exist"))),
            Some(other) => Err(self.err(index, format!("expected an input, got {other:?}"))),
            None => Err(self.err(index, "missing")),
        }
    }

    fn pure<T: DeserializeOwned>(&self, index: usize) -> Result<T, TxError> {
        match self.input(index)? {
            Input::Pure(bytes) => {
                bcs::from_bytes(bytes).map_err(|e| self.err(index, format!("BCS: {e}")))
            }
            _ => Err(self.err(index, "expected a pure value")),
        }
    }

    /// A `u256` written as its 32 little-endian bytes.
    fn u256(&self, index: usize) -> Result<Id, TxError> {
        match self.input(index)? {
            Input::Pure(bytes) => <[u8; 32]>::try_from(bytes.as_slice())
                .map(Id)
                .map_err(|_| self.err(index, format!("a u256 is 32 bytes, got {}", bytes.len()))),
            _ => Err(self.err(index, "expected a pure u256")),
        }
    }

    fn address(&self, index: usize) -> Result<Id, TxError> {
        let a: sui_sdk_types::Address = self.pure(index)?;
        Ok(Id(a.into_inner()))
    }

    /// The id of a shared object input.
    fn shared(&self, index: usize) -> Result<Id, TxError> {
        match self.input(index)? {
            Input::Shared(s) => Ok(Id(s.object_id().into_inner())),
            _ => Err(self.err(index, "expected a shared object")),
        }
    }

    /// The id of an owned object input.
    fn object(&self, index: usize) -> Result<Id, TxError> {
        match self.input(index)? {
            Input::ImmutableOrOwned(r) => Ok(Id(r.object_id().into_inner())),
            _ => Err(self.err(index, "expected an owned object")),
        }
    }

    /// A `vector<u8>` of exactly 32 bytes.
    fn bytes32(&self, index: usize) -> Result<[u8; 32], TxError> {
        let v: Vec<u8> = self.pure(index)?;
        <[u8; 32]>::try_from(v.as_slice())
            .map_err(|_| self.err(index, format!("expected 32 bytes, got {}", v.len())))
    }

    /// The amount of the coin split whose result is argument `index`.
    fn split_amount(&self, index: usize) -> Result<u64, TxError> {
        let command = match self.call.arguments.get(index) {
            Some(Argument::Result(c)) | Some(Argument::NestedResult(c, 0)) => usize::from(*c),
            _ => return Err(self.err(index, "expected the result of a coin split")),
        };
        match self.ptb.commands.get(command) {
            Some(Command::SplitCoins(split)) => match split.amounts.as_slice() {
                [Argument::Input(i)] => match self.ptb.inputs.get(usize::from(*i)) {
                    Some(Input::Pure(bytes)) => bcs::from_bytes(bytes)
                        .map_err(|e| self.err(index, format!("split amount: BCS: {e}"))),
                    _ => Err(self.err(index, "the split amount is not a pure u64")),
                },
                _ => Err(self.err(index, "expected a split into one coin")),
            },
            _ => Err(self.err(index, "the argument is not a coin split")),
        }
    }
}

/// The Floe operation of `tx`: its call of `<package>::system::<function>`. Certificates
/// (blob, pooled blob, settlement) are carried as they are, for the ledger to verify.
pub fn decode(tx: &Transaction, package: &Id) -> Result<Operation, TxError> {
    let TransactionKind::ProgrammableTransaction(ptb) = &tx.kind else {
        return Err(TxError::NotProgrammable);
    };
    let call = ptb
        .commands
        .iter()
        .find_map(|c| match c {
            Command::MoveCall(call)
                if call.package.into_inner() == package.0
                    && call.module.as_str() == ENTRY_MODULE =>
            {
                Some(call)
            }
            _ => None,
        })
        .ok_or(TxError::NoFloeCall { package: *package })?;
    let function = call.function.as_str();
    let kind = kind_of_move_function(function)
        .ok_or_else(|| TxError::UnknownFunction(function.to_owned()))?;
    let a = Args { ptb, call };
    // Argument 0 is always the shared System object.
    Ok(match kind {
        "register_node" => Operation::RegisterNode {
            name: a.pure(1)?,
            network_address: a.pure(2)?,
            public_key: a.pure(3)?,
            commission_bps: a.pure(5)?,
            storage_price_usd: a.pure(6)?,
            write_price_usd: a.pure(7)?,
            capacity: a.pure(8)?,
        },
        "stake" => Operation::Stake {
            amount: a.split_amount(1)?,
            node_id: a.address(2)?,
        },
        "request_withdrawal" => Operation::RequestWithdrawal {
            staked_wal_id: a.object(1)?,
        },
        "withdraw" => Operation::Withdraw {
            staked_wal_id: a.object(1)?,
        },
        "set_commission" => Operation::SetCommission {
            node_id: a.object(1)?,
            commission_bps: a.pure(2)?,
        },
        "set_commission_receiver" => Operation::SetCommissionReceiver {
            node_id: a.object(1)?,
            receiver: a.address(2)?,
        },
        "collect_commission" => Operation::CollectCommission {
            node_id: a.address(1)?,
        },
        "vote_prices" => Operation::VotePrices {
            node_id: a.object(1)?,
            storage_price_usd: a.pure(2)?,
            write_price_usd: a.pure(3)?,
        },
        "vote_capacity" => Operation::VoteCapacity {
            node_id: a.object(1)?,
            capacity: a.pure(2)?,
        },
        "report_wal_usd_rate" => Operation::ReportWalUsdRate {
            node_id: a.object(1)?,
            rate: a.pure(2)?,
        },
        "sample_wal_usd_rate" => Operation::SampleWalUsdRate,
        "select_committee" => Operation::SelectCommittee,
        "advance_epoch" => Operation::AdvanceEpoch,
        "reserve_space" => Operation::ReserveSpace {
            size: a.pure(1)?,
            epochs_ahead: a.pure(2)?,
        },
        "register_blob" => Operation::RegisterBlob {
            storage_id: a.object(1)?,
            blob_id: a.u256(2)?,
            root_hash: a.u256(3)?,
            size: a.pure(4)?,
            encoding_type: a.pure(5)?,
            deletable: a.pure(6)?,
        },
        // (System, blob, signature, signers bitmap, message): the ledger checks the
        // certificate itself.
        "certify_blob" => Operation::CertifyBlobSigned {
            blob_object_id: a.object(1)?,
            signature: a.pure(2)?,
            signers_bitmap: a.pure(3)?,
            message: a.pure(4)?,
        },
        "extend_blob" => Operation::ExtendBlob {
            blob_object_id: a.object(1)?,
            epochs: a.pure(2)?,
        },
        "delete_blob" => Operation::DeleteBlob {
            blob_object_id: a.object(1)?,
        },
        "submit_challenge_results" => Operation::SubmitChallengeResults {
            node_id: a.object(1)?,
            epoch: a.pure(2)?,
            results: a.pure(3)?,
        },
        "submit_settlement" => {
            // (System, treasury, epoch, n_entries, pot, burned, paid, root, signature, bitmap)
            let settlement = SettlementHeader {
                epoch: a.pure(2)?,
                n_entries: a.pure(3)?,
                pot: a.pure(4)?,
                burned: a.pure(5)?,
                paid: a.pure(6)?,
                entries_root: a.bytes32(7)?,
            };
            Operation::SubmitSettlementSigned {
                settlement,
                signature: a.pure(8)?,
                signers_bitmap: a.pure(9)?,
            }
        }
        "claim" => {
            let epoch: Epoch = a.pure(1)?;
            let siblings: Vec<Vec<u8>> = a.pure(8)?;
            let siblings = siblings
                .into_iter()
                .map(|s| <[u8; 32]>::try_from(s.as_slice()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| a.err(8, "a proof sibling is not 32 bytes"))?;
            Operation::Claim {
                epoch,
                entry: SettlementEntry {
                    epoch,
                    pool_id: a.address(2)?.0,
                    shards: a.pure(3)?,
                    performance_bps: a.pure(4)?,
                    staker_reward: a.pure(5)?,
                    commission: a.pure(6)?,
                },
                proof: MerkleProof {
                    index: a.pure(7)?,
                    siblings,
                },
            }
        }
        "settle_fallback" => Operation::SettleFallback { epoch: a.pure(2)? },
        "propose" => {
            let parameter: String = a.pure(2)?;
            let values: Vec<u64> = a.pure(3)?;
            Operation::Propose {
                staked_wal_id: a.object(1)?,
                change: ParamChange::from_parts(&parameter, &values).map_err(|_| {
                    a.err(2, format!("`{parameter}` {values:?} is no governed change"))
                })?,
            }
        }
        "vote" => Operation::Vote {
            proposal_id: a.pure(1)?,
            staked_wal_id: a.object(2)?,
            support: a.pure(3)?,
        },
        "finalize_proposal" => Operation::FinalizeProposal {
            proposal_id: a.pure(1)?,
        },
        "execute_proposal" => Operation::ExecuteProposal {
            proposal_id: a.pure(1)?,
        },
        "draw_challenge_seed" => Operation::DrawChallengeSeed,
        "split_stake" => Operation::SplitStake {
            staked_wal_id: a.object(1)?,
            amount: a.pure(2)?,
        },
        "join_stake" => Operation::JoinStake {
            staked_wal_id: a.object(1)?,
            other_id: a.object(2)?,
        },
        "transfer_stake" => Operation::TransferStake {
            staked_wal_id: a.object(1)?,
            to: a.address(2)?,
        },
        "split_storage_by_epoch" => Operation::SplitStorageByEpoch {
            storage_id: a.object(1)?,
            split_epoch: a.pure(2)?,
        },
        "split_storage_by_size" => Operation::SplitStorageBySize {
            storage_id: a.object(1)?,
            split_size: a.pure(2)?,
        },
        "fuse_storage" => Operation::FuseStorage {
            storage_id: a.object(1)?,
            other_id: a.object(2)?,
        },
        "set_blob_attribute" => Operation::SetBlobAttribute {
            blob_object_id: a.object(1)?,
            key: a.pure(2)?,
            value: a.pure(3)?,
        },
        "remove_blob_attribute" => Operation::RemoveBlobAttribute {
            blob_object_id: a.object(1)?,
            key: a.pure(2)?,
        },
        "burn_blob" => Operation::BurnBlob {
            blob_object_id: a.object(1)?,
        },
        "replace_blob" => Operation::ReplaceBlob {
            blob_object_id: a.object(1)?,
            blob_id: a.u256(2)?,
            root_hash: a.u256(3)?,
            size: a.pure(4)?,
            encoding_type: a.pure(5)?,
        },
        "share_blob" => Operation::ShareBlob {
            blob_object_id: a.object(1)?,
            funds: a.split_amount(2)?,
        },
        "fund_shared_blob" => Operation::FundSharedBlob {
            shared_blob_id: a.shared(1)?,
            amount: a.split_amount(2)?,
        },
        "extend_shared_blob" => Operation::ExtendSharedBlob {
            shared_blob_id: a.shared(1)?,
            epochs: a.pure(2)?,
        },
        "create_storage_pool" => Operation::CreateStoragePool {
            storage_id: a.object(1)?,
        },
        "register_pooled_blob" => Operation::RegisterPooledBlob {
            storage_pool_id: a.object(1)?,
            blob_id: a.u256(2)?,
            root_hash: a.u256(3)?,
            size: a.pure(4)?,
            encoding_type: a.pure(5)?,
            deletable: a.pure(6)?,
        },
        "certify_pooled_blob" => Operation::CertifyPooledBlobSigned {
            storage_pool_id: a.object(1)?,
            signature: a.pure(2)?,
            signers_bitmap: a.pure(3)?,
            message: a.pure(4)?,
        },
        "delete_pooled_blob" => Operation::DeletePooledBlob {
            storage_pool_id: a.object(1)?,
            blob_id: a.u256(2)?,
        },
        "extend_storage_pool" => Operation::ExtendStoragePool {
            storage_pool_id: a.object(1)?,
            epochs: a.pure(2)?,
        },
        _ => return Err(TxError::UnknownFunction(function.to_owned())),
    })
}
