//! The local ledger end to end, on real files in a temp dir: events decode to the expected
//! values in order (acceptance 1), refusals carry the model's names (acceptance 2), a restart
//! continues the chain with no gap (acceptance 4).

use std::sync::Arc;

use anyhow::{bail, Context, Result};
use floe_economics::events::*;
use floe_economics::model::storage::derive_blob_id;
use floe_economics::model::Params;
use floe_indexer::chain::{
    block_on, ChainClient, Checkpoint, CheckpointSource, Id, Operation, Outcome, SubmitError,
};
use floe_indexer::localnet::{Genesis, Localnet};

const WAL: u64 = 1_000_000_000;
const START_MS: u64 = 1_700_000_000_000;

fn op1() -> Id {
    Id::from_u64(1)
}
fn op2() -> Id {
    Id::from_u64(2)
}
fn user() -> Id {
    Id::from_u64(3)
}
fn package() -> Id {
    Id::from_u64(0xf10e)
}

fn genesis() -> Genesis {
    Genesis {
        package_id: package(),
        start_time_ms: START_MS,
        params: Params {
            n_shards: 10,
            max_epochs_ahead: 5,
            rate_window_samples: 3,
            settlement_fallback_epochs: 1,
            gov_voting_epochs: 1,
            gov_timelock_epochs: 1,
            ..Params::default()
        },
        accounts: vec![
            (op1(), 1000 * WAL),
            (op2(), 1000 * WAL),
            (user(), 1000 * WAL),
        ],
        pricing: None,
    }
}

fn register(name: &str, storage_price_usd: u64) -> Operation {
    Operation::RegisterNode {
        name: name.into(),
        network_address: format!("{name}.local:9000"),
        public_key: vec![7; 48],
        commission_bps: 1000,
        storage_price_usd,
        write_price_usd: 500,
        capacity: 1 << 32,
    }
}

fn created(r: &floe_indexer::chain::Receipt) -> Result<Id> {
    r.created().context("operation created no object")
}

/// Every event of every checkpoint from 0, through the `CheckpointSource` trait, decoded.
fn follow(net: &Localnet, from: u64) -> Result<Vec<(Arc<Checkpoint>, Vec<FloeEvent>)>> {
    let latest = block_on(net.latest_sequence())?;
    let mut out = Vec::new();
    if let Some(latest) = latest {
        for seq in from..=latest {
            let cp = block_on(net.checkpoint(seq))?;
            assert_eq!(cp.sequence_number, seq);
            let mut evs = Vec::new();
            for e in cp.events() {
                assert_eq!(
                    &*e.type_tag,
                    format!("{}::events::{}", package(), e.name()).as_str()
                );
                evs.push(e.decode()?);
            }
            out.push((cp, evs));
        }
    }
    Ok(out)
}

struct Setup {
    pool1: Id,
    pool2: Id,
    stake_user: Id,
}

/// Two nodes with stake, the first epoch change, rate reports and a sample.
fn bootstrap(net: &Localnet) -> Result<Setup> {
    let pool1 = created(&net.execute(op1(), register("n1", 1000))?)?;
    let pool2 = created(&net.execute(op2(), register("n2", 2000))?)?;
    net.execute(
        op1(),
        Operation::Stake {
            node_id: pool1,
            amount: 100 * WAL,
        },
    )?;
    net.execute(
        op2(),
        Operation::Stake {
            node_id: pool2,
            amount: 50 * WAL,
        },
    )?;
    let stake_user = created(&net.execute(
        user(),
        Operation::Stake {
            node_id: pool1,
            amount: 10 * WAL,
        },
    )?)?;
    net.advance_clock(60_000);
    net.execute(op1(), Operation::AdvanceEpoch)?;
    for (op, pool) in [(op1(), pool1), (op2(), pool2)] {
        net.execute(
            op,
            Operation::ReportWalUsdRate {
                node_id: pool,
                rate: 1_000_000_000,
            },
        )?;
    }
    net.execute(user(), Operation::SampleWalUsdRate)?;
    Ok(Setup {
        pool1,
        pool2,
        stake_user,
    })
}

#[test]
fn scenario_events_decode_to_expected_values_in_order() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let net = Localnet::open(dir.path(), genesis())?;
    let Setup {
        pool1,
        pool2,
        stake_user,
    } = bootstrap(&net)?;

    // Storage and a blob's life.
    let reserve = net.execute(
        user(),
        Operation::ReserveSpace {
            size: 64 << 20,
            epochs_ahead: 3,
        },
    )?;
    let storage = created(&reserve)?;
    let root = [9u8; 32];
    let blob_id = derive_blob_id(&root, 1, 1_000_000);
    let reg = net.execute(
        user(),
        Operation::RegisterBlob {
            storage_id: storage,
            blob_id: Id(blob_id),
            root_hash: Id(root),
            size: 1_000_000,
            encoding_type: 1,
            deletable: true,
        },
    )?;
    let blob = created(&reg)?;
    net.execute(
        user(),
        Operation::CertifyBlob {
            blob_object_id: blob,
            epoch: 1,
            signers_shards: 7,
        },
    )?;
    net.execute(
        user(),
        Operation::ExtendBlob {
            blob_object_id: blob,
            epochs: 1,
        },
    )?;
    net.execute(
        user(),
        Operation::DeleteBlob {
            blob_object_id: blob,
        },
    )?;
    net.execute(
        op1(),
        Operation::SetCommission {
            node_id: pool1,
            commission_bps: 2000,
        },
    )?;
    net.execute(
        op2(),
        Operation::VotePrices {
            node_id: pool2,
            storage_price_usd: 1500,
            write_price_usd: 600,
        },
    )?;
    net.execute(
        op2(),
        Operation::VoteCapacity {
            node_id: pool2,
            capacity: 1 << 33,
        },
    )?;
    net.execute(
        user(),
        Operation::RequestWithdrawal {
            staked_wal_id: stake_user,
        },
    )?;
    net.advance_clock(60_000);
    net.execute(op1(), Operation::AdvanceEpoch)?;
    let w = net.execute(
        user(),
        Operation::Withdraw {
            staked_wal_id: stake_user,
        },
    )?;
    assert_eq!(w.outcome, Outcome::Paid(10 * WAL));

    let chain = follow(&net, 0)?;
    // Auto-seal: one transaction per checkpoint, numbered from 0 without gaps.
    assert_eq!(chain.len() as u64, net.transaction_count());
    let events: Vec<FloeEvent> = chain.iter().flat_map(|(_, e)| e.clone()).collect();
    let names: Vec<&str> = events.iter().map(|e| e.name()).collect();
    let pools_sorted = {
        let mut v = [pool1, pool2];
        v.sort();
        v
    };
    let mut expected_names = vec![
        "NodeRegistered",
        "NodeRegistered",
        "StakeDeposited",
        "StakeDeposited",
        "StakeDeposited",
        "CommitteeSelected",
        "EpochParametersSelected",
        "UsdPricesSelected",
        "EpochPotClosed",
        "PoolAdvanced",
        "PoolAdvanced",
        "PricesUpdated",
        "EpochPricing",
        "EpochChangeStart",
        "EpochChangeDone",
        "WalUsdReported",
        "WalUsdReported",
        "WalUsdRateSampled",
        "PricesUpdated",
        "StorageReserved",
        "BlobRegistered",
        "WriteFeePaid",
        "BlobCertified",
        "StorageReserved",
        "BlobCertified",
        "BlobDeleted",
        "CommissionRateSet",
        "PriceVoted",
        "CapacityVoted",
        "WithdrawalRequested",
    ];
    expected_names.extend([
        "CommitteeSelected",
        "EpochParametersSelected",
        "UsdPricesSelected",
        "EpochPotClosed",
        "PoolAdvanced",
        "PoolAdvanced",
        "PricesUpdated",
        "EpochPricing",
        "EpochChangeStart",
        "EpochChangeDone",
        "StakeWithdrawn",
    ]);
    assert_eq!(names, expected_names);

    // Values, event by event.
    let e = &events;
    assert_eq!(
        e[0],
        FloeEvent::NodeRegistered(NodeRegistered {
            epoch: 0,
            node_id: pool1.0,
            operator: op1().0,
            name: "n1".into(),
            network_address: "n1.local:9000".into(),
            public_key: vec![7; 48],
            commission_rate: 1000,
        })
    );
    assert_eq!(
        e[4],
        FloeEvent::StakeDeposited(StakeDeposited {
            epoch: 0,
            node_id: pool1.0,
            staked_wal_id: stake_user.0,
            staker: user().0,
            amount: 10 * WAL,
            activation_epoch: 1,
        })
    );
    // D'Hondt over 110 : 50 WAL with 10 shards gives 7 : 3, in pool-id order.
    let FloeEvent::CommitteeSelected(c) = &e[5] else {
        bail!("not CommitteeSelected")
    };
    assert_eq!(c.epoch, 1);
    assert_eq!(c.node_ids, vec![pools_sorted[0].0, pools_sorted[1].0]);
    let counts: Vec<usize> = c.shards.iter().map(|s| s.len()).collect();
    assert_eq!(counts.iter().sum::<usize>(), 10);
    assert_eq!(
        counts[c.node_ids.iter().position(|n| *n == pool1.0).unwrap_or(9)],
        7
    );
    assert_eq!(
        e[6],
        FloeEvent::EpochParametersSelected(EpochParametersSelected { next_epoch: 1 })
    );
    // USD price: smallest value a 2/3 quorum voted at or below: pool1 (7 shards) at 1000.
    let FloeEvent::UsdPricesSelected(u) = &e[7] else {
        bail!("not UsdPricesSelected")
    };
    assert_eq!(u.next_epoch, 1);
    assert_eq!(
        (u.target_storage_price_usd, u.target_write_price_usd),
        (1000, 500)
    );
    assert_eq!((u.storage_price_usd, u.write_price_usd), (1000, 500));
    let FloeEvent::EpochPricing(p1) = &e[12] else {
        bail!("not EpochPricing")
    };
    assert_eq!(p1.total_capacity_size, u.total_capacity_size);
    assert!(u.total_capacity_size > 0);
    assert_eq!(
        e[8],
        FloeEvent::EpochPotClosed(EpochPotClosed {
            epoch: 0,
            total: 0,
            burned: 0,
            distributed: 0
        })
    );
    let FloeEvent::PoolAdvanced(pa) = &e[9] else {
        bail!("not PoolAdvanced")
    };
    assert_eq!(pa.epoch, 1);
    assert_eq!(pa.node_id, pools_sorted[0].0);
    assert_eq!(
        pa.wal_balance,
        if pools_sorted[0] == pool1 {
            110 * WAL
        } else {
            50 * WAL
        }
    );
    assert_eq!(
        e[11],
        FloeEvent::PricesUpdated(PricesUpdated {
            epoch: 1,
            storage_price: 0,
            write_price: 0
        })
    );
    assert_eq!(
        e[13],
        FloeEvent::EpochChangeStart(EpochChangeStart { epoch: 1 })
    );
    assert_eq!(
        e[14],
        FloeEvent::EpochChangeDone(EpochChangeDone { epoch: 1 })
    );
    assert_eq!(
        e[15],
        FloeEvent::WalUsdReported(WalUsdReported {
            epoch: 1,
            node_id: pool1.0,
            wal_usd_rate: 1_000_000_000
        })
    );
    assert_eq!(
        e[17],
        FloeEvent::WalUsdRateSampled(WalUsdRateSampled {
            epoch: 1,
            wal_usd_rate: 1_000_000_000,
            n_samples: 1
        })
    );
    // The sample re-prices at once: 1000 nano-USD at 1 USD/WAL.
    let FloeEvent::PricesUpdated(prices) = &e[18] else {
        bail!("expected PricesUpdated, got {:?}", e[18]);
    };
    assert_eq!((prices.epoch, prices.storage_price), (1, 1000));
    // 64 MiB for epochs [1, 4) at 1000 FROST per MiB-epoch (1000 nano-USD at 1 USD/WAL).
    assert_eq!(
        e[19],
        FloeEvent::StorageReserved(StorageReserved {
            epoch: 1,
            storage_id: storage.0,
            storage_size: 64 << 20,
            start_epoch: 1,
            end_epoch: 4,
            cost: 64 * 3 * 1000,
        })
    );
    assert_eq!(
        e[20],
        FloeEvent::BlobRegistered(BlobRegistered {
            epoch: 1,
            blob_id,
            size: 1_000_000,
            encoding_type: 1,
            end_epoch: 4,
            deletable: true,
            object_id: blob.0,
        })
    );
    let FloeEvent::WriteFeePaid(fee) = &e[21] else {
        bail!("not WriteFeePaid")
    };
    assert_eq!(
        (fee.epoch, fee.blob_id, fee.object_id),
        (1, blob_id, blob.0)
    );
    assert!(
        fee.fee > 0 && fee.fee % 500 == 0,
        "fee {} is whole MiB units at 500 FROST",
        fee.fee
    );
    assert_eq!(
        e[22],
        FloeEvent::BlobCertified(BlobCertified {
            epoch: 1,
            blob_id,
            end_epoch: 4,
            deletable: true,
            object_id: blob.0,
            is_extension: false,
        })
    );
    let FloeEvent::StorageReserved(ext) = &e[23] else {
        bail!("not StorageReserved")
    };
    assert_eq!((ext.start_epoch, ext.end_epoch), (4, 5));
    assert_eq!(
        e[24],
        FloeEvent::BlobCertified(BlobCertified {
            epoch: 1,
            blob_id,
            end_epoch: 5,
            deletable: true,
            object_id: blob.0,
            is_extension: true,
        })
    );
    assert_eq!(
        e[25],
        FloeEvent::BlobDeleted(BlobDeleted {
            epoch: 1,
            blob_id,
            end_epoch: 5,
            object_id: blob.0,
            was_certified: true,
        })
    );
    assert_eq!(
        e[26],
        FloeEvent::CommissionRateSet(CommissionRateSet {
            epoch: 1,
            node_id: pool1.0,
            commission_rate: 2000,
            effective_epoch: 3,
        })
    );
    assert_eq!(
        e[27],
        FloeEvent::PriceVoted(PriceVoted {
            epoch: 1,
            node_id: pool2.0,
            storage_price_usd: 1500,
            write_price_usd: 600
        })
    );
    assert_eq!(
        e[28],
        FloeEvent::CapacityVoted(CapacityVoted {
            epoch: 1,
            node_id: pool2.0,
            node_capacity: 1 << 33
        })
    );
    assert_eq!(
        e[29],
        FloeEvent::WithdrawalRequested(WithdrawalRequested {
            epoch: 1,
            node_id: pool1.0,
            staked_wal_id: stake_user.0,
            amount: 10 * WAL,
            withdraw_epoch: 2,
        })
    );
    // The second epoch change closes epoch 1's pot: storage bought for epoch 1 + write fee.
    let FloeEvent::EpochPotClosed(pot) = &e[33] else {
        bail!("not EpochPotClosed")
    };
    assert_eq!(pot.epoch, 1);
    assert_eq!(pot.total, 64 * 1000 + fee.fee);
    let FloeEvent::EpochPricing(pricing) = &e[37] else {
        bail!("not EpochPricing")
    };
    assert_eq!(
        (pricing.epoch, pricing.wal_usd_rate, pricing.storage_price),
        (2, 1_000_000_000, 1000)
    );
    assert_eq!(
        e[40],
        FloeEvent::StakeWithdrawn(StakeWithdrawn {
            epoch: 2,
            node_id: pool1.0,
            staked_wal_id: stake_user.0,
            staker: user().0,
            principal: 10 * WAL,
            rewards: 0,
            early: false,
        })
    );
    // Checkpoint timestamps follow the controllable clock.
    assert_eq!(chain[0].0.timestamp_ms, START_MS);
    assert_eq!(
        chain.last().map(|c| c.0.timestamp_ms),
        Some(START_MS + 120_000)
    );
    // The model's books still balance.
    net.with_state(|s| assert_eq!(s.total_frost(), s.supply as u128));
    Ok(())
}

fn refusal(r: Result<floe_indexer::chain::Receipt, SubmitError>) -> Option<&'static str> {
    match r {
        Err(e) => e.refusal_name(),
        Ok(_) => None,
    }
}

#[test]
fn refusals_carry_the_model_error_names_and_change_nothing() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let net = Localnet::open(dir.path(), genesis())?;
    // Before any committee or rate sample.
    assert_eq!(
        refusal(net.execute(
            user(),
            Operation::ReserveSpace {
                size: 1 << 20,
                epochs_ahead: 1
            }
        )),
        Some("EInvalidRate")
    );
    assert_eq!(
        refusal(net.execute(user(), Operation::SampleWalUsdRate)),
        Some("ENoVotes")
    );
    let Setup {
        pool1,
        pool2: _,
        stake_user,
    } = bootstrap(&net)?;
    // A stake that never became active: withdrawn at once, never requested.
    let fresh = created(&net.execute(
        user(),
        Operation::Stake {
            node_id: pool1,
            amount: WAL,
        },
    )?)?;
    let before_cp = net.checkpoint_count();
    let before_state = net.with_state(|s| s.clone());
    let cases: Vec<(Id, Operation, &str)> = vec![
        (
            user(),
            Operation::Stake {
                node_id: pool1,
                amount: WAL - 1,
            },
            "ENotEnoughStake",
        ),
        (user(), register(&"n".repeat(101), 1000), "EStringTooLong"),
        (
            user(),
            Operation::RegisterNode {
                name: "long-address".into(),
                network_address: "a".repeat(261),
                public_key: vec![7; 48],
                commission_bps: 1000,
                storage_price_usd: 1000,
                write_price_usd: 500,
                capacity: 1 << 32,
            },
            "EStringTooLong",
        ),
        (
            user(),
            Operation::Stake {
                node_id: Id::from_u64(999),
                amount: WAL,
            },
            "EUnknownPool",
        ),
        (
            user(),
            Operation::Stake {
                node_id: pool1,
                amount: 10_000 * WAL,
            },
            "ENotEnoughFunds",
        ),
        (
            user(),
            Operation::SetCommission {
                node_id: pool1,
                commission_bps: 10,
            },
            "ENotOwner",
        ),
        (
            op1(),
            Operation::SetCommission {
                node_id: pool1,
                commission_bps: 10_001,
            },
            "ECommissionTooHigh",
        ),
        (
            user(),
            Operation::SetCommissionReceiver {
                node_id: pool1,
                receiver: user(),
            },
            "ENotOwner",
        ),
        (
            user(),
            Operation::Withdraw {
                staked_wal_id: stake_user,
            },
            "ENotWithdrawing",
        ),
        (
            user(),
            Operation::RequestWithdrawal {
                staked_wal_id: Id::from_u64(4242),
            },
            "EUnknownStake",
        ),
        (
            user(),
            Operation::RequestWithdrawal {
                staked_wal_id: fresh,
            },
            "ECanWithdrawEarly",
        ),
        (
            op1(),
            Operation::SubmitChallengeResults {
                node_id: pool1,
                epoch: 0,
                results: vec![10_000; 2],
            },
            "EWrongEpoch",
        ),
        (
            op1(),
            Operation::SubmitChallengeResults {
                node_id: pool1,
                epoch: 1,
                results: vec![10_000],
            },
            // Results refer to the epoch's challenges: none before its seed is drawn.
            "ENoChallengeSeed",
        ),
        (
            user(),
            Operation::ReserveSpace {
                size: 1 << 20,
                epochs_ahead: 0,
            },
            "EInvalidEpochsAhead",
        ),
        (
            user(),
            Operation::ReserveSpace {
                size: 1 << 40,
                epochs_ahead: 1,
            },
            "ENotEnoughCapacity",
        ),
        (
            user(),
            Operation::CertifyBlob {
                blob_object_id: Id::from_u64(77),
                epoch: 1,
                signers_shards: 10,
            },
            "EUnknownBlob",
        ),
        // Epoch 0 had no committee: its pot was burned, there is nothing to settle.
        (
            user(),
            Operation::SettleFallback { epoch: 0 },
            "EWrongEpoch",
        ),
        (
            user(),
            Operation::ExecuteProposal { proposal_id: 1 },
            "EUnknownProposal",
        ),
    ];
    for (sender, op, name) in cases {
        let kind = op.kind();
        assert_eq!(refusal(net.execute(sender, op)), Some(name), "{kind}");
    }
    assert_eq!(
        net.checkpoint_count(),
        before_cp,
        "refusals are not recorded"
    );
    assert!(
        net.with_state(|s| *s == before_state),
        "refusals change nothing"
    );

    // Wrong certificate epoch, below quorum, already certified.
    let storage = created(&net.execute(
        user(),
        Operation::ReserveSpace {
            size: 8 << 20,
            epochs_ahead: 2,
        },
    )?)?;
    let root = [1u8; 32];
    let blob_id = derive_blob_id(&root, 1, 4096);
    let bad_id = net.execute(
        user(),
        Operation::RegisterBlob {
            storage_id: storage,
            blob_id: Id([0; 32]),
            root_hash: Id(root),
            size: 4096,
            encoding_type: 1,
            deletable: false,
        },
    );
    assert_eq!(refusal(bad_id), Some("EInvalidBlobId"));
    let blob = created(&net.execute(
        user(),
        Operation::RegisterBlob {
            storage_id: storage,
            blob_id: Id(blob_id),
            root_hash: Id(root),
            size: 4096,
            encoding_type: 1,
            deletable: false,
        },
    )?)?;
    let certify = |epoch, signers_shards| Operation::CertifyBlob {
        blob_object_id: blob,
        epoch,
        signers_shards,
    };
    assert_eq!(
        refusal(net.execute(user(), certify(0, 10))),
        Some("EWrongEpoch")
    );
    assert_eq!(
        refusal(net.execute(user(), certify(1, 6))),
        Some("EBelowQuorum")
    );
    net.execute(user(), certify(1, 7))?;
    assert_eq!(
        refusal(net.execute(user(), certify(1, 10))),
        Some("EAlreadyCertified")
    );
    assert_eq!(
        refusal(net.execute(
            user(),
            Operation::DeleteBlob {
                blob_object_id: blob
            }
        )),
        Some("EBlobNotDeletable")
    );

    // Settlement: below quorum, then claims: a second claim is a double claim.
    net.execute(op1(), Operation::AdvanceEpoch)?;
    assert_eq!(
        refusal(net.execute(user(), Operation::SettleFallback { epoch: 1 })),
        Some("EFallbackTooEarly")
    );
    let settlement = net.with_state(|s| s.compute_settlement(1))?;
    let header = settlement.header;
    assert_eq!(
        refusal(net.execute(
            user(),
            Operation::SubmitSettlement {
                settlement: header,
                signers_shards: 6
            }
        )),
        Some("EBelowQuorum")
    );
    net.execute(
        user(),
        Operation::SubmitSettlement {
            settlement: header,
            signers_shards: 7,
        },
    )?;
    assert_eq!(
        refusal(net.execute(
            user(),
            Operation::SubmitSettlement {
                settlement: header,
                signers_shards: 7
            }
        )),
        Some("EAlreadySettled")
    );
    let (entry, proof) = settlement
        .proof_for(&pool1.0)
        .context("pool1 has an entry")?;
    let claim = Operation::Claim {
        epoch: 1,
        entry,
        proof,
    };
    let paid = net.execute(user(), claim.clone())?;
    assert_eq!(
        paid.outcome,
        Outcome::Paid(entry.staker_reward + entry.commission)
    );
    assert_eq!(refusal(net.execute(user(), claim)), Some("EAlreadyClaimed"));

    // Governance: double vote, vote after close.
    match net.execute(
        op1(),
        Operation::Propose {
            staked_wal_id: stake_user,
            change: floe_indexer::chain::ParamChange::BurnBps(100),
        },
    ) {
        Err(e) => assert_eq!(e.refusal_name(), Some("ENotOwner")),
        Ok(_) => bail!("proposal with someone else's stake accepted"),
    };
    let r = net.execute(
        user(),
        Operation::Propose {
            staked_wal_id: stake_user,
            change: floe_indexer::chain::ParamChange::BurnBps(100),
        },
    )?;
    let Outcome::Proposal(pid) = r.outcome else {
        bail!("no proposal id")
    };
    let vote = Operation::Vote {
        proposal_id: pid,
        staked_wal_id: stake_user,
        support: true,
    };
    net.execute(user(), vote.clone())?;
    assert_eq!(refusal(net.execute(user(), vote)), Some("EAlreadyVoted"));
    assert_eq!(
        refusal(net.execute(user(), Operation::ExecuteProposal { proposal_id: pid })),
        Some("EVotingOpen")
    );
    net.with_state(|s| assert_eq!(s.total_frost(), s.supply as u128));
    Ok(())
}

#[test]
fn restart_mid_scenario_continues_the_chain() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (n_before, state_before, last_before) = {
        let net = Localnet::open(dir.path(), genesis())?;
        bootstrap(&net)?;
        // A batch sealed by hand: three transactions in one checkpoint.
        net.set_auto_seal(0);
        for _ in 0..3 {
            net.execute(
                user(),
                Operation::ReserveSpace {
                    size: 1 << 20,
                    epochs_ahead: 1,
                },
            )?;
        }
        net.advance_clock(5_000);
        assert_eq!(net.seal()?, Some(net.checkpoint_count() - 1));
        // One more transaction accepted but never sealed: not acknowledged as durable.
        net.execute(
            user(),
            Operation::ReserveSpace {
                size: 1 << 20,
                epochs_ahead: 1,
            },
        )?;
        let last = net
            .try_checkpoint(net.checkpoint_count() - 1)
            .context("last")?;
        (net.checkpoint_count(), net.with_state(|s| s.clone()), last)
    };
    // Simulate a crash that tore the last log line.
    let log = dir.path().join("ledger.log");
    let mut bytes = std::fs::read(&log)?;
    bytes.extend_from_slice(br#"{"r":"tx","sender":"0x01","op":{"op":"sta"#);
    std::fs::write(&log, &bytes)?;

    let net = Localnet::open(dir.path(), genesis())?;
    assert_eq!(
        net.checkpoint_count(),
        n_before,
        "same checkpoints after replay"
    );
    let replayed = net
        .try_checkpoint(n_before - 1)
        .context("last checkpoint")?;
    assert_eq!(
        *replayed, *last_before,
        "identical checkpoint contents and timestamp"
    );
    assert_eq!(replayed.transactions.len(), 3);
    assert_eq!(net.now_ms(), last_before.timestamp_ms);
    // The unsealed but fully logged transaction is pending again: same state.
    assert!(net.with_state(|s| *s == state_before));

    // The chain continues: the next checkpoint is numbered n_before, holding the pending
    // transaction and the new one; a follower that had read up to n_before - 1 sees no gap.
    net.set_auto_seal(0);
    net.execute(user(), Operation::SampleWalUsdRate)?;
    assert_eq!(net.seal()?, Some(n_before));
    let next = block_on(net.checkpoint(n_before))?;
    assert_eq!(next.transactions.len(), 2);
    assert_eq!(next.transactions[0].index + 1, next.transactions[1].index);
    assert_eq!(
        next.transactions[0].index,
        last_before.transactions[2].index + 1
    );
    let all = follow(&net, 0)?;
    let mut expected_tx = 0;
    for (i, (cp, _)) in all.iter().enumerate() {
        assert_eq!(cp.sequence_number, i as u64);
        for t in &cp.transactions {
            assert_eq!(t.index, expected_tx);
            expected_tx += 1;
        }
    }
    // A third open sees the same again (the torn tail was cut, not replayed).
    drop(net);
    let net = Localnet::open(dir.path(), genesis())?;
    assert_eq!(net.checkpoint_count(), n_before + 1);
    Ok(())
}

#[test]
fn a_follower_waits_for_the_next_checkpoint() -> Result<()> {
    let net = Localnet::in_memory(genesis())?;
    let follower = {
        let net = net.clone();
        std::thread::spawn(move || block_on(net.checkpoint(1)).map(|cp| cp.sequence_number))
    };
    net.execute(op1(), register("n1", 1000))?;
    std::thread::sleep(std::time::Duration::from_millis(20));
    block_on(net.submit(op2(), register("n2", 1000)))?;
    let seq = follower
        .join()
        .map_err(|_| anyhow::anyhow!("follower panicked"))??;
    assert_eq!(seq, 1);
    Ok(())
}

#[test]
fn stake_that_never_became_active_is_withdrawn_at_once() -> Result<()> {
    let net = Localnet::in_memory(genesis())?;
    let pool = created(&net.execute(op1(), register("n1", 1000))?)?;
    let staked = created(&net.execute(
        user(),
        Operation::Stake {
            node_id: pool,
            amount: 7 * WAL,
        },
    )?)?;
    let before = net.with_state(|s| s.balance(&user()));
    let r = net.execute(
        user(),
        Operation::Withdraw {
            staked_wal_id: staked,
        },
    )?;
    assert_eq!(r.outcome, Outcome::Paid(7 * WAL));
    match r.events.as_slice() {
        [FloeEvent::StakeWithdrawn(w)] => {
            assert!(w.early);
            assert_eq!((w.principal, w.rewards), (7 * WAL, 0));
            assert_eq!(w.staked_wal_id, staked.0);
        }
        other => bail!("expected one StakeWithdrawn, got {other:?}"),
    }
    assert_eq!(net.with_state(|s| s.balance(&user())), before + 7 * WAL);
    Ok(())
}

/// Mirrors `epoch_tests::empty_committee_epochs`: epochs without any stake keep an empty
/// committee (and its pot is burned), as the contracts do.
#[test]
fn epochs_without_stake_keep_an_empty_committee() -> Result<()> {
    let net = Localnet::in_memory(genesis())?;
    for expected in 1..=2u32 {
        let r = net.execute(user(), Operation::AdvanceEpoch)?;
        assert_eq!(net.epoch(), expected);
        let selected = r.events.iter().find_map(|e| match e {
            FloeEvent::CommitteeSelected(c) => Some(c.clone()),
            _ => None,
        });
        let selected = selected.context("a CommitteeSelected event")?;
        assert_eq!(selected.epoch, expected);
        assert!(selected.node_ids.is_empty() && selected.shards.is_empty());
        assert!(r
            .events
            .iter()
            .any(|e| matches!(e, FloeEvent::EpochChangeDone(d) if d.epoch == expected)));
    }
    assert!(net.with_state(|s| s.committee.is_empty()));
    // Stake arriving later still forms a committee at the next change.
    let pool = created(&net.execute(op1(), register("n1", 1000))?)?;
    net.execute(
        op1(),
        Operation::Stake {
            node_id: pool,
            amount: 5 * WAL,
        },
    )?;
    net.execute(user(), Operation::AdvanceEpoch)?;
    assert_eq!(
        net.with_state(|s| s.committee.get(&pool).map(Vec::len)),
        Some(10)
    );
    Ok(())
}

/// A chain created priced (as Move's `system::create` is) sells storage from epoch 0, and its
/// genesis, pricing included, survives a restart.
#[test]
fn a_priced_genesis_sells_storage_from_epoch_0() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut g = genesis();
    g.pricing = Some(floe_economics::model::GenesisPricing {
        storage_price_usd: 1_000,
        write_price_usd: 10_000,
        wal_usd_rate: 500_000_000,
        capacity: 1 << 40,
    });
    let net = Localnet::open(dir.path(), g.clone())?;
    assert_eq!(
        net.with_state(|s| (s.storage_price, s.write_price)),
        (2_000, 20_000)
    );
    let r = net.execute(
        user(),
        Operation::ReserveSpace {
            size: 1 << 20,
            epochs_ahead: 1,
        },
    )?;
    match r.events.as_slice() {
        [FloeEvent::StorageReserved(x)] => assert_eq!(x.cost, 2_000),
        other => bail!("expected one StorageReserved, got {other:?}"),
    }
    drop(net);
    let reopened = Localnet::open(dir.path(), genesis())?;
    assert_eq!(reopened.genesis(), g);
    assert_eq!(reopened.with_state(|s| s.storage_price), 2_000);
    Ok(())
}

/// A ledger whose genesis has no settlement round (fallback delay 0) pays each epoch's pot at
/// the epoch change, as the core contracts do, and says so in its events: the pot's burned and
/// distributed shares, and each pool's rewards and commission, which the pools now hold.
#[test]
fn a_pot_paid_at_the_epoch_change_is_in_the_events() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut g = genesis();
    g.params.settlement_fallback_epochs = 0;
    let net = Localnet::open(dir.path(), g)?;
    let setup = bootstrap(&net)?;
    net.execute(
        user(),
        Operation::ReserveSpace {
            size: 64 << 20,
            epochs_ahead: 1,
        },
    )?;
    let pot = net.with_state(|s| s.future[0].rewards);
    assert!(pot > 0);
    let before = net.with_state(|s| {
        [setup.pool1, setup.pool2].map(|p| {
            let p = &s.pools[&p];
            (p.active_frost, p.commission_balance)
        })
    });
    net.advance_clock(60_000);
    let r = net.execute(op1(), Operation::AdvanceEpoch)?;
    let closed = r
        .events
        .iter()
        .find_map(|e| match e {
            FloeEvent::EpochPotClosed(x) => Some(x.clone()),
            _ => None,
        })
        .context("no EpochPotClosed")?;
    assert_eq!((closed.epoch, closed.total), (1, pot));
    assert!(closed.distributed > 0 && closed.burned > 0);
    assert_eq!(closed.burned + closed.distributed, pot);
    let mut paid = 0;
    for (i, pool) in [setup.pool1, setup.pool2].into_iter().enumerate() {
        let adv = r
            .events
            .iter()
            .find_map(|e| match e {
                FloeEvent::PoolAdvanced(x) if x.node_id == pool.0 => Some(x.clone()),
                _ => None,
            })
            .context("no PoolAdvanced")?;
        assert!(adv.rewards > 0, "pool {i} earned nothing");
        // Commission 10% of what the pool earned, the rest raised its stake.
        assert_eq!(adv.commission, (adv.rewards + adv.commission) / 10);
        let (active, commission) = net.with_state(|s| {
            let p = &s.pools[&pool];
            (p.active_frost, p.commission_balance)
        });
        assert_eq!(active, before[i].0 + adv.rewards);
        assert_eq!(commission, before[i].1 + adv.commission);
        paid += adv.rewards + adv.commission;
    }
    assert_eq!(paid, closed.distributed);
    // Nothing is left to settle or claim for that epoch.
    assert_eq!(
        refusal(net.execute(user(), Operation::SettleFallback { epoch: 1 })),
        Some("EAlreadySettled")
    );
    Ok(())
}

/// A refused Sui transaction is on chain as failed (Sui's rule): it takes a chain index, goes
/// into the next checkpoint with its abort and no events, changes no state, and a restart
/// replays it into the same checkpoint. A refused direct submission leaves no trace.
#[test]
fn a_refused_sui_transaction_is_checkpointed_as_failed_and_replayed() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let net = Localnet::open(dir.path(), genesis())?;
    let setup = bootstrap(&net)?;
    let too_small = Operation::Stake {
        node_id: setup.pool1,
        amount: 1,
    };
    let (txs, cps) = (net.transaction_count(), net.checkpoint_count());
    assert_eq!(
        refusal(net.execute(user(), too_small.clone())),
        Some("ENotEnoughStake")
    );
    assert_eq!(
        (net.transaction_count(), net.checkpoint_count()),
        (txs, cps)
    );

    let state = net.with_state(|s| s.clone());
    let digest = Id::from_u64(0xd16e57);
    let r = net.execute_sui(user(), too_small, digest);
    assert_eq!(refusal(r), Some("ENotEnoughStake"));
    assert!(net.with_state(|s| *s == state));
    assert_eq!(
        (net.transaction_count(), net.checkpoint_count()),
        (txs + 1, cps + 1)
    );
    let cp = block_on(net.checkpoint(cps))?;
    let [failed] = cp.transactions.as_slice() else {
        bail!("expected one transaction, got {:?}", cp.transactions);
    };
    assert_eq!(
        (failed.index, failed.digest, failed.kind),
        (txs, digest.0, "stake")
    );
    assert!(failed.events.is_empty());
    let abort = failed.abort.as_ref().context("an abort")?;
    assert_eq!(abort.code, floe_economics::Error::ENotEnoughStake.code());

    // The chain goes on after it, and a restart replays it.
    let next = net.execute(op1(), Operation::SampleWalUsdRate)?;
    assert_eq!(next.tx_index, txs + 1);
    let before: Vec<_> = follow(&net, 0)?.into_iter().map(|(cp, _)| cp).collect();
    let final_state = net.with_state(|s| s.clone());
    drop(net);
    let reopened = Localnet::open(dir.path(), genesis())?;
    let after: Vec<_> = follow(&reopened, 0)?
        .into_iter()
        .map(|(cp, _)| cp)
        .collect();
    assert_eq!(after, before);
    assert!(reopened.with_state(|s| *s == final_state));
    assert_eq!(reopened.transaction_count(), txs + 2);
    Ok(())
}
