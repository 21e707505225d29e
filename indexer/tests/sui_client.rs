//! The Sui transactions of every Floe operation: each is BCS-encoded, decoded back into the
//! SDK's `Transaction`, and its Move call checked against `move/floe/sources/system.move`:
//! package, module, function, and every argument (pure bytes equal to the BCS of the value,
//! shared objects with their initial version and mutability, owned objects by reference).

use std::collections::HashMap;

use floe_economics::settlement::{MerkleProof, SettlementEntry, SettlementHeader};
use floe_economics::Epoch;
use floe_indexer::chain::{Id, Operation, ParamChange};
use floe_indexer::sui_client::{
    sign, BlobCertificate, BuildError, NodeRegistration, ObjectRef, ObjectResolver,
    SettlementCertificate, SharedObject, SuiConfig, SuiTransactions, CLOCK, RANDOM_ID,
};
use sui_crypto::ed25519::Ed25519PrivateKey;
use sui_crypto::SuiVerifier;
use sui_sdk_types::{
    Address, Argument, Command, Input, Mutability, ProgrammableTransaction, Transaction,
    TransactionKind,
};

const PACKAGE: u64 = 0xf10e;
const SENDER: u64 = 0x5e4d;

fn object(n: u64, version: u64) -> ObjectRef {
    let mut digest = [0u8; 32];
    digest[..8].copy_from_slice(&n.to_le_bytes());
    digest[31] = 0xd1;
    ObjectRef {
        id: Id::from_u64(n),
        version,
        digest,
    }
}

fn config() -> SuiConfig {
    SuiConfig {
        package: Id::from_u64(PACKAGE),
        system: SharedObject {
            id: Id::from_u64(0x5757),
            initial_shared_version: 17,
        },
        treasury: SharedObject {
            id: Id::from_u64(0x7ea5),
            initial_shared_version: 9,
        },
        random: SharedObject {
            id: RANDOM_ID,
            initial_shared_version: 31,
        },
        wal_coin_type: "0xa1::wal::WAL".into(),
        gas: vec![object(0x6a5, 3)],
        gas_price: 1_000,
        gas_budget: 50_000_000,
    }
}

const NODE: u64 = 0x40de;
const STAKED: u64 = 0x57a4;
const STORAGE: u64 = 0x5704;
const BLOB: u64 = 0xb10b;
const STAKED2: u64 = 0x57a5;
const STORAGE2: u64 = 0x5705;
const POOL: u64 = 0x9001;
const SHARED: u64 = 0x54a8;

#[derive(Default)]
struct Fixture {
    owned: HashMap<Id, ObjectRef>,
    caps: HashMap<Id, ObjectRef>,
    coin: Option<ObjectRef>,
    registration: Option<NodeRegistration>,
    certificate: Option<BlobCertificate>,
    settlement_certificate: Option<SettlementCertificate>,
}

impl Fixture {
    fn full() -> Self {
        let mut f = Fixture::default();
        for (id, version) in [
            (STAKED, 21),
            (STORAGE, 22),
            (BLOB, 23),
            (STAKED2, 24),
            (STORAGE2, 25),
            (POOL, 26),
        ] {
            f.owned.insert(Id::from_u64(id), object(id, version));
        }
        f.caps.insert(Id::from_u64(NODE), cap());
        f.coin = Some(wal_coin());
        f.registration = Some(NodeRegistration {
            proof_of_possession: vec![0xb0; 48],
            wal_usd_rate: 450_000_000,
        });
        f.certificate = Some(certificate());
        f.settlement_certificate = Some(settlement_certificate());
        f
    }
}

fn cap() -> ObjectRef {
    object(0xcab, 30)
}

fn wal_coin() -> ObjectRef {
    object(0xc014, 40)
}

fn certificate() -> BlobCertificate {
    BlobCertificate {
        signature: vec![0x51; 48],
        signers_bitmap: vec![0b1011],
        message: vec![1, 0, 3, 7, 0, 0, 0, 0xaa, 0xbb],
    }
}

impl ObjectResolver for Fixture {
    fn owned(&self, id: Id) -> Option<ObjectRef> {
        self.owned.get(&id).copied()
    }
    fn node_cap(&self, node_id: Id) -> Option<ObjectRef> {
        self.caps.get(&node_id).copied()
    }
    fn wal_coin(&self, sender: Id) -> Option<ObjectRef> {
        assert_eq!(sender, Id::from_u64(SENDER));
        self.coin
    }
    fn registration(&self, public_key: &[u8]) -> Option<NodeRegistration> {
        assert_eq!(public_key, &[0xaa; 96][..]);
        self.registration.clone()
    }
    fn certificate(&self, blob_object_id: Id, epoch: Epoch) -> Option<BlobCertificate> {
        assert_eq!((blob_object_id, epoch), (Id::from_u64(BLOB), 7));
        self.certificate.clone()
    }
    fn settlement_certificate(&self, h: &SettlementHeader) -> Option<SettlementCertificate> {
        assert_eq!(*h, header());
        self.settlement_certificate.clone()
    }
    fn pooled_certificate(&self, pool: Id, blob_id: Id, epoch: Epoch) -> Option<BlobCertificate> {
        assert_eq!(
            (pool, blob_id, epoch),
            (Id::from_u64(POOL), Id([0xb1; 32]), 7)
        );
        self.certificate.clone()
    }
    fn shared_object(&self, id: Id) -> Option<SharedObject> {
        (id == Id::from_u64(SHARED)).then_some(shared_blob())
    }
}

fn shared_blob() -> SharedObject {
    SharedObject {
        id: Id::from_u64(SHARED),
        initial_shared_version: 44,
    }
}

/// What one argument of the Move call must be.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// A pure input with exactly these bytes.
    Pure(Vec<u8>),
    /// A shared object input.
    Shared(SharedObject, Mutability),
    /// An owned object input.
    Owned(ObjectRef),
    /// The first coin split off by a preceding `SplitCoins` of `coin` by `amount` (BCS u64).
    Split { coin: ObjectRef, amount: u64 },
}

fn pure<T: serde::Serialize>(v: &T) -> Expect {
    Expect::Pure(bcs::to_bytes(v).expect("bcs"))
}

fn system(mutable: bool) -> Expect {
    let m = if mutable {
        Mutability::Mutable
    } else {
        Mutability::Immutable
    };
    Expect::Shared(config().system, m)
}

fn clock() -> Expect {
    Expect::Shared(CLOCK, Mutability::Immutable)
}

/// The BCS round trip: encode, decode into the SDK type, re-encode identically.
fn round_trip(tx: &Transaction) -> ProgrammableTransaction {
    let bytes = bcs::to_bytes(tx).expect("encodes");
    let back: Transaction = bcs::from_bytes(&bytes).expect("decodes as a Sui Transaction");
    assert_eq!(&back, tx);
    assert_eq!(bcs::to_bytes(&back).expect("re-encodes"), bytes);
    assert_eq!(back.sender, Address::new(Id::from_u64(SENDER).0));
    assert_eq!(back.gas_payment.price, 1_000);
    assert_eq!(back.gas_payment.budget, 50_000_000);
    assert_eq!(back.gas_payment.owner, back.sender);
    assert_eq!(back.gas_payment.objects.len(), 1);
    let gas = &back.gas_payment.objects[0];
    assert_eq!(gas.object_id(), &Address::new(Id::from_u64(0x6a5).0));
    assert_eq!(gas.version(), 3);
    match back.kind {
        TransactionKind::ProgrammableTransaction(p) => p,
        k => panic!("not a programmable transaction: {k:?}"),
    }
}

fn input<'a>(p: &'a ProgrammableTransaction, a: &Argument) -> &'a Input {
    match a {
        Argument::Input(i) => &p.inputs[*i as usize],
        a => panic!("expected an input, got {a:?}"),
    }
}

fn check_input(p: &ProgrammableTransaction, a: &Argument, e: &Expect, what: &str) {
    match (input(p, a), e) {
        (Input::Pure(bytes), Expect::Pure(want)) => assert_eq!(bytes, want, "{what}"),
        (Input::Shared(s), Expect::Shared(want, m)) => {
            assert_eq!(s.object_id(), Address::new(want.id.0), "{what}");
            assert_eq!(s.version(), want.initial_shared_version, "{what}");
            assert_eq!(s.mutability(), m.clone(), "{what}");
        }
        (Input::ImmutableOrOwned(r), Expect::Owned(want)) => {
            assert_eq!(r.object_id(), &Address::new(want.id.0), "{what}");
            assert_eq!(r.version(), want.version, "{what}");
            assert_eq!(r.digest().inner(), &want.digest, "{what}");
        }
        (got, want) => panic!("{what}: got {got:?}, want {want:?}"),
    }
}

/// What a transaction does with its call's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Nothing is returned.
    No,
    /// `TransferObjects(result, sender)`.
    Transfer,
    /// `system::keep_staked_wal(result)` (a `StakedWal` has no `store`).
    Staked,
}

/// The parameters of `system::function` in `move/floe/sources/system.move` other than the
/// transaction context, as `(name, type)`; `None` if it is not a public or entry function.
fn move_params(function: &str) -> Option<Vec<(String, String)>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../move/floe/sources/system.move"
    );
    let src = std::fs::read_to_string(path).expect("system.move");
    let start = [
        format!("public fun {function}("),
        format!("entry fun {function}("),
    ]
    .iter()
    .find_map(|h| src.find(h.as_str()).map(|i| i + h.len()))?;
    let body = &src[start..start + src[start..].find(')')?];
    Some(
        body.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .filter_map(|x| x.split_once(':'))
            .map(|(n, t)| (n.trim().to_string(), t.trim().to_string()))
            .filter(|(_, t)| !t.ends_with("TxContext"))
            .collect(),
    )
}

/// Checks the transaction is `[SplitCoins]? MoveCall [keep]` with the call
/// `system::function(expected...)`, and that `system.move` has that function with as many
/// parameters (besides the context).
fn check(op: Operation, function: &str, expected: Vec<Expect>, keep: Keep) {
    let params = move_params(function)
        .unwrap_or_else(|| panic!("system.move has no public or entry fun {function}"));
    assert_eq!(params.len(), expected.len(), "{function}: {params:?}");
    let txs = SuiTransactions::new(config());
    let tx = txs
        .build(Id::from_u64(SENDER), &op, &Fixture::full())
        .unwrap_or_else(|e| panic!("{function}: {e}"));
    let p = round_trip(&tx);
    let mut commands = p.commands.iter().enumerate();

    let split = expected.iter().find_map(|e| match e {
        Expect::Split { coin, amount } => Some((*coin, *amount)),
        _ => None,
    });
    let mut split_index = None;
    if let Some((coin, amount)) = split {
        let (i, c) = commands.next().expect("a SplitCoins command");
        let Command::SplitCoins(s) = c else {
            panic!("{function}: expected SplitCoins first, got {c:?}");
        };
        check_input(&p, &s.coin, &Expect::Owned(coin), "split coin");
        assert_eq!(s.amounts.len(), 1);
        check_input(&p, &s.amounts[0], &pure(&amount), "split amount");
        split_index = Some(i as u16);
    }

    let (call_index, c) = commands.next().expect("a MoveCall command");
    let Command::MoveCall(call) = c else {
        panic!("{function}: expected a MoveCall, got {c:?}");
    };
    assert_eq!(call.package, Address::new(Id::from_u64(PACKAGE).0));
    assert_eq!(call.module.as_str(), "system");
    assert_eq!(call.function.as_str(), function);
    assert!(call.type_arguments.is_empty());
    assert_eq!(
        call.arguments.len(),
        expected.len(),
        "{function}: argument count"
    );
    for (k, (a, e)) in call.arguments.iter().zip(&expected).enumerate() {
        let what = format!("{function} argument {k}");
        match e {
            Expect::Split { .. } => assert_eq!(
                *a,
                Argument::NestedResult(split_index.expect("split"), 0),
                "{what}"
            ),
            e => check_input(&p, a, e, &what),
        }
    }

    if keep == Keep::Staked {
        let (_, c) = commands.next().expect("a keep_staked_wal call");
        let Command::MoveCall(k) = c else {
            panic!("{function}: expected keep_staked_wal, got {c:?}");
        };
        assert_eq!(k.function.as_str(), "keep_staked_wal");
        assert!(move_params("keep_staked_wal").is_some_and(|p| p.len() == 1));
        assert_eq!(k.arguments, vec![Argument::Result(call_index as u16)]);
    }
    if keep == Keep::Transfer {
        let (_, c) = commands.next().expect("a TransferObjects command");
        let Command::TransferObjects(t) = c else {
            panic!("{function}: expected TransferObjects, got {c:?}");
        };
        assert_eq!(t.objects, vec![Argument::Result(call_index as u16)]);
        check_input(
            &p,
            &t.address,
            &Expect::Pure(Id::from_u64(SENDER).0.to_vec()),
            "recipient",
        );
    }
    assert!(commands.next().is_none(), "{function}: extra commands");
}

fn id_bytes(n: u64) -> Expect {
    // BCS of an `ID`/`address`: its 32 bytes, no length prefix.
    Expect::Pure(Id::from_u64(n).0.to_vec())
}

#[test]
fn register_node() {
    check(
        Operation::RegisterNode {
            name: "node-1".into(),
            network_address: "10.0.0.1:9185".into(),
            public_key: vec![0xaa; 96],
            commission_bps: 500,
            storage_price_usd: 11,
            write_price_usd: 12,
            capacity: 1 << 40,
        },
        "register_node",
        vec![
            system(true),
            pure(&"node-1".to_string()),
            pure(&"10.0.0.1:9185".to_string()),
            pure(&vec![0xaau8; 96]),
            pure(&vec![0xb0u8; 48]),
            pure(&500u16),
            pure(&11u64),
            pure(&12u64),
            pure(&(1u64 << 40)),
            pure(&450_000_000u64),
        ],
        Keep::Transfer,
    );
}

#[test]
fn staking() {
    check(
        Operation::Stake {
            node_id: Id::from_u64(NODE),
            amount: 7_000_000_000,
        },
        "stake_with_pool",
        vec![
            system(true),
            Expect::Split {
                coin: wal_coin(),
                amount: 7_000_000_000,
            },
            id_bytes(NODE),
        ],
        Keep::Staked,
    );
    check(
        Operation::RequestWithdrawal {
            staked_wal_id: Id::from_u64(STAKED),
        },
        "request_withdraw_stake",
        vec![system(true), Expect::Owned(object(STAKED, 21))],
        Keep::No,
    );
    check(
        Operation::Withdraw {
            staked_wal_id: Id::from_u64(STAKED),
        },
        "withdraw_stake",
        vec![system(true), Expect::Owned(object(STAKED, 21))],
        Keep::Transfer,
    );
}

#[test]
fn node_operations() {
    let node_id = Id::from_u64(NODE);
    check(
        Operation::SetCommission {
            node_id,
            commission_bps: 1_234,
        },
        "set_next_commission",
        vec![system(true), Expect::Owned(cap()), pure(&1_234u16)],
        Keep::No,
    );
    check(
        Operation::SetCommissionReceiver {
            node_id,
            receiver: Id::from_u64(0xB0B),
        },
        "set_commission_receiver",
        vec![system(true), Expect::Owned(cap()), id_bytes(0xB0B)],
        Keep::No,
    );
    check(
        Operation::CollectCommission { node_id },
        "collect_commission",
        vec![system(true), id_bytes(NODE)],
        Keep::Transfer,
    );
    check(
        Operation::VotePrices {
            node_id,
            storage_price_usd: 101,
            write_price_usd: 202,
        },
        "vote_prices",
        vec![
            system(true),
            Expect::Owned(cap()),
            pure(&101u64),
            pure(&202u64),
        ],
        Keep::No,
    );
    check(
        Operation::VoteCapacity {
            node_id,
            capacity: 5 << 30,
        },
        "vote_capacity",
        vec![system(true), Expect::Owned(cap()), pure(&(5u64 << 30))],
        Keep::No,
    );
    check(
        Operation::ReportWalUsdRate {
            node_id,
            rate: 987_654_321,
        },
        "report_wal_usd_rate",
        vec![system(true), Expect::Owned(cap()), pure(&987_654_321u64)],
        Keep::No,
    );
}

#[test]
fn cranks() {
    check(
        Operation::SampleWalUsdRate,
        "sample_wal_usd_rate",
        vec![system(true), clock()],
        Keep::No,
    );
    check(
        Operation::SelectCommittee,
        "voting_end",
        vec![system(true), clock()],
        Keep::No,
    );
    check(
        Operation::AdvanceEpoch,
        "initiate_epoch_change",
        vec![
            system(true),
            Expect::Shared(config().treasury, Mutability::Mutable),
            clock(),
        ],
        Keep::No,
    );
    assert_eq!(CLOCK.id, "0x6".parse().expect("id"));
    assert_eq!(CLOCK.initial_shared_version, 1);
}

#[test]
fn storage_and_blobs() {
    check(
        Operation::ReserveSpace {
            size: 66_034_000,
            epochs_ahead: 5,
        },
        "reserve_space",
        vec![
            system(true),
            pure(&66_034_000u64),
            pure(&5u32),
            Expect::Owned(wal_coin()),
        ],
        Keep::Transfer,
    );

    // u256 arguments: BCS of a u256 is its 32 bytes little-endian, so a blob id whose value is
    // 0x0102 encodes as 02 01 00 .. 00.
    let mut blob_id = Id::default();
    blob_id.0[..2].copy_from_slice(&[0x02, 0x01]);
    let mut want_blob_id = vec![0u8; 32];
    want_blob_id[..16].copy_from_slice(&0x0102u128.to_le_bytes());
    let root_hash = Id([0x7c; 32]);
    check(
        Operation::RegisterBlob {
            storage_id: Id::from_u64(STORAGE),
            blob_id,
            root_hash,
            size: 1_000_001,
            encoding_type: 1,
            deletable: true,
        },
        "register_blob",
        vec![
            system(true),
            Expect::Owned(object(STORAGE, 22)),
            Expect::Pure(want_blob_id),
            Expect::Pure(vec![0x7c; 32]),
            pure(&1_000_001u64),
            pure(&1u8),
            pure(&true),
            Expect::Owned(wal_coin()),
        ],
        Keep::Transfer,
    );

    let cert = certificate();
    check(
        Operation::CertifyBlob {
            blob_object_id: Id::from_u64(BLOB),
            epoch: 7,
            signers_shards: 700,
        },
        "certify_blob",
        vec![
            system(false),
            Expect::Owned(object(BLOB, 23)),
            pure(&cert.signature),
            pure(&cert.signers_bitmap),
            pure(&cert.message),
        ],
        Keep::No,
    );
    check(
        Operation::ExtendBlob {
            blob_object_id: Id::from_u64(BLOB),
            epochs: 3,
        },
        "extend_blob",
        vec![
            system(true),
            Expect::Owned(object(BLOB, 23)),
            pure(&3u32),
            Expect::Owned(wal_coin()),
        ],
        Keep::No,
    );
    check(
        Operation::DeleteBlob {
            blob_object_id: Id::from_u64(BLOB),
        },
        "delete_blob",
        vec![system(false), Expect::Owned(object(BLOB, 23))],
        Keep::Transfer,
    );
}

fn treasury() -> Expect {
    Expect::Shared(config().treasury, Mutability::Mutable)
}

fn header() -> SettlementHeader {
    SettlementHeader {
        epoch: 3,
        n_entries: 2,
        pot: 10,
        burned: 1,
        paid: 9,
        entries_root: [0x5a; 32],
    }
}

fn settlement_certificate() -> SettlementCertificate {
    SettlementCertificate {
        signature: vec![0x5c; 96],
        signers_bitmap: vec![0b111],
    }
}

#[test]
fn challenges_and_settlement() {
    let node_id = Id::from_u64(NODE);
    check(
        Operation::DrawChallengeSeed,
        "draw_challenge_seed",
        vec![
            system(true),
            Expect::Shared(config().random, Mutability::Immutable),
        ],
        Keep::No,
    );
    check(
        Operation::SubmitChallengeResults {
            node_id,
            epoch: 3,
            results: vec![10_000, 0, 6_000],
        },
        "submit_challenge_results",
        vec![
            system(true),
            Expect::Owned(cap()),
            pure(&3u32),
            pure(&vec![10_000u16, 0, 6_000]),
        ],
        Keep::No,
    );
    let h = header();
    check(
        Operation::SubmitSettlement {
            settlement: h,
            signers_shards: 7,
        },
        "settle_epoch",
        vec![
            system(true),
            treasury(),
            pure(&3u32),
            pure(&2u32),
            pure(&10u64),
            pure(&1u64),
            pure(&9u64),
            pure(&vec![0x5au8; 32]),
            pure(&vec![0x5cu8; 96]),
            pure(&vec![0b111u8]),
        ],
        Keep::No,
    );
    let entry = SettlementEntry {
        epoch: 3,
        pool_id: node_id.0,
        shards: 4,
        performance_bps: 9_000,
        staker_reward: 8,
        commission: 1,
    };
    check(
        Operation::Claim {
            epoch: 3,
            entry,
            proof: MerkleProof {
                index: 1,
                siblings: vec![[0x11; 32], [0x22; 32]],
            },
        },
        "claim_rewards",
        vec![
            system(true),
            pure(&3u32),
            id_bytes(NODE),
            pure(&4u16),
            pure(&9_000u16),
            pure(&8u64),
            pure(&1u64),
            pure(&1u32),
            pure(&vec![vec![0x11u8; 32], vec![0x22u8; 32]]),
        ],
        Keep::No,
    );
    check(
        Operation::SettleFallback { epoch: 3 },
        "settle_fallback",
        vec![system(true), treasury(), pure(&3u32)],
        Keep::No,
    );
    // Without a certificate there is nothing to submit.
    let mut no_cert = Fixture::full();
    no_cert.settlement_certificate = None;
    let op = Operation::SubmitSettlement {
        settlement: h,
        signers_shards: 7,
    };
    let err = SuiTransactions::new(config())
        .build(Id::from_u64(SENDER), &op, &no_cert)
        .expect_err("no certificate");
    assert!(matches!(err, BuildError::Missing { .. }), "{err}");
}

#[test]
fn governance() {
    let staked = Id::from_u64(STAKED);
    check(
        Operation::Propose {
            staked_wal_id: staked,
            change: ParamChange::Curve(floe_economics::performance::PerformanceCurve {
                zero_below_bps: 4_000,
                full_at_bps: 9_000,
            }),
        },
        "propose",
        vec![
            system(true),
            Expect::Owned(object(STAKED, 21)),
            pure(&"curve".to_string()),
            pure(&vec![4_000u64, 9_000]),
        ],
        Keep::No,
    );
    check(
        Operation::Vote {
            proposal_id: 5,
            staked_wal_id: staked,
            support: false,
        },
        "vote",
        vec![
            system(true),
            pure(&5u64),
            Expect::Owned(object(STAKED, 21)),
            pure(&false),
        ],
        Keep::No,
    );
    for (op, function) in [
        (
            Operation::FinalizeProposal { proposal_id: 5 },
            "finalize_proposal",
        ),
        (
            Operation::ExecuteProposal { proposal_id: 5 },
            "execute_proposal",
        ),
    ] {
        check(op, function, vec![system(true), pure(&5u64)], Keep::No);
    }
}

#[test]
fn receipts_and_resources() {
    let staked = Id::from_u64(STAKED);
    let storage = Id::from_u64(STORAGE);
    check(
        Operation::SplitStake {
            staked_wal_id: staked,
            amount: 2_000_000_000,
        },
        "split_staked_wal",
        vec![
            system(false),
            Expect::Owned(object(STAKED, 21)),
            pure(&2_000_000_000u64),
        ],
        Keep::Staked,
    );
    check(
        Operation::JoinStake {
            staked_wal_id: staked,
            other_id: Id::from_u64(STAKED2),
        },
        "join_staked_wal",
        vec![
            system(false),
            Expect::Owned(object(STAKED, 21)),
            Expect::Owned(object(STAKED2, 24)),
        ],
        Keep::No,
    );
    check(
        Operation::TransferStake {
            staked_wal_id: staked,
            to: Id::from_u64(0xb0b),
        },
        "transfer_staked_wal",
        vec![
            system(false),
            Expect::Owned(object(STAKED, 21)),
            id_bytes(0xb0b),
        ],
        Keep::No,
    );
    check(
        Operation::SplitStorageByEpoch {
            storage_id: storage,
            split_epoch: 9,
        },
        "split_storage_by_epoch",
        vec![
            system(false),
            Expect::Owned(object(STORAGE, 22)),
            pure(&9u32),
        ],
        Keep::Transfer,
    );
    check(
        Operation::SplitStorageBySize {
            storage_id: storage,
            split_size: 1 << 20,
        },
        "split_storage_by_size",
        vec![
            system(false),
            Expect::Owned(object(STORAGE, 22)),
            pure(&(1u64 << 20)),
        ],
        Keep::Transfer,
    );
    check(
        Operation::FuseStorage {
            storage_id: storage,
            other_id: Id::from_u64(STORAGE2),
        },
        "fuse_storage",
        vec![
            system(false),
            Expect::Owned(object(STORAGE, 22)),
            Expect::Owned(object(STORAGE2, 25)),
        ],
        Keep::No,
    );
}

#[test]
fn missing_objects_are_reported() {
    let txs = SuiTransactions::new(config());
    let sender = Id::from_u64(SENDER);
    let empty = Fixture {
        coin: None,
        ..Fixture::default()
    };
    let ops = [
        Operation::VoteCapacity {
            node_id: Id::from_u64(NODE),
            capacity: 1,
        },
        Operation::Stake {
            node_id: Id::from_u64(NODE),
            amount: 1,
        },
        Operation::Withdraw {
            staked_wal_id: Id::from_u64(STAKED),
        },
        Operation::CertifyBlob {
            blob_object_id: Id::from_u64(BLOB),
            epoch: 7,
            signers_shards: 1,
        },
    ];
    for op in ops {
        let err = txs.build(sender, &op, &empty).expect_err("refused");
        assert!(matches!(err, BuildError::Missing { .. }), "{err}");
    }
    let mut no_gas = config();
    no_gas.gas.clear();
    let err = SuiTransactions::new(no_gas)
        .build(sender, &Operation::SelectCommittee, &Fixture::full())
        .expect_err("no gas");
    assert!(matches!(err, BuildError::Builder(_)), "{err}");
}

#[test]
fn signed_with_ed25519() {
    let key = Ed25519PrivateKey::new([7u8; 32]);
    let address = key.public_key().derive_address();
    let txs = SuiTransactions::new(config());
    let mut fixture = Fixture::full();
    fixture.coin = None;
    let op = Operation::SelectCommittee;
    let signed = txs.build_signed(&key, &op, &fixture).expect("signed");
    assert_eq!(signed.transaction.sender, address);
    key.verifying_key()
        .verify_transaction(&signed.transaction, &signed.signature)
        .expect("the signature verifies");
    let decoded: Transaction = bcs::from_bytes(&signed.transaction_bcs()).expect("decodes");
    assert_eq!(decoded, signed.transaction);

    // A key that is not the sender's is refused.
    let tx = txs
        .build(Id::from_u64(SENDER), &op, &fixture)
        .expect("built");
    assert!(matches!(
        sign(&key, tx),
        Err(BuildError::WrongSigner { .. })
    ));
}

#[test]
fn blob_lifecycle() {
    let blob = Id::from_u64(BLOB);
    let owned_blob = || Expect::Owned(object(BLOB, 23));
    check(
        Operation::SetBlobAttribute {
            blob_object_id: blob,
            key: "content-type".into(),
            value: "image/png".into(),
        },
        "set_blob_attribute",
        vec![
            system(false),
            owned_blob(),
            pure(&"content-type".to_string()),
            pure(&"image/png".to_string()),
        ],
        Keep::No,
    );
    check(
        Operation::RemoveBlobAttribute {
            blob_object_id: blob,
            key: "filename".into(),
        },
        "remove_blob_attribute",
        vec![system(false), owned_blob(), pure(&"filename".to_string())],
        Keep::No,
    );
    check(
        Operation::BurnBlob {
            blob_object_id: blob,
        },
        "burn_blob",
        vec![system(false), owned_blob()],
        Keep::No,
    );
    check(
        Operation::ReplaceBlob {
            blob_object_id: blob,
            blob_id: Id([0xb1; 32]),
            root_hash: Id([0x77; 32]),
            size: 1000,
            encoding_type: 1,
        },
        "replace_blob",
        vec![
            system(true),
            owned_blob(),
            Expect::Pure(vec![0xb1; 32]),
            Expect::Pure(vec![0x77; 32]),
            pure(&1000u64),
            pure(&1u8),
            Expect::Owned(wal_coin()),
        ],
        Keep::No,
    );
    check(
        Operation::ShareBlob {
            blob_object_id: blob,
            funds: 5_000,
        },
        "share_blob",
        vec![
            system(false),
            owned_blob(),
            Expect::Split {
                coin: wal_coin(),
                amount: 5_000,
            },
        ],
        Keep::No,
    );
    check(
        Operation::FundSharedBlob {
            shared_blob_id: Id::from_u64(SHARED),
            amount: 2_000,
        },
        "fund_shared_blob",
        vec![
            system(false),
            Expect::Shared(shared_blob(), Mutability::Mutable),
            Expect::Split {
                coin: wal_coin(),
                amount: 2_000,
            },
        ],
        Keep::No,
    );
    check(
        Operation::ExtendSharedBlob {
            shared_blob_id: Id::from_u64(SHARED),
            epochs: 2,
        },
        "extend_shared_blob",
        vec![
            system(true),
            Expect::Shared(shared_blob(), Mutability::Mutable),
            pure(&2u32),
        ],
        Keep::No,
    );
}

#[test]
fn storage_pools() {
    let pool = Id::from_u64(POOL);
    let owned_pool = || Expect::Owned(object(POOL, 26));
    check(
        Operation::CreateStoragePool {
            storage_id: Id::from_u64(STORAGE),
        },
        "create_storage_pool",
        vec![system(false), Expect::Owned(object(STORAGE, 22))],
        Keep::Transfer,
    );
    check(
        Operation::RegisterPooledBlob {
            storage_pool_id: pool,
            blob_id: Id([0xb1; 32]),
            root_hash: Id([0x77; 32]),
            size: 1000,
            encoding_type: 1,
            deletable: true,
        },
        "register_pooled_blob",
        vec![
            system(true),
            owned_pool(),
            Expect::Pure(vec![0xb1; 32]),
            Expect::Pure(vec![0x77; 32]),
            pure(&1000u64),
            pure(&1u8),
            pure(&true),
            Expect::Owned(wal_coin()),
        ],
        Keep::No,
    );
    let cert = certificate();
    check(
        Operation::CertifyPooledBlob {
            storage_pool_id: pool,
            blob_id: Id([0xb1; 32]),
            epoch: 7,
            signers_shards: 7,
        },
        "certify_pooled_blob",
        vec![
            system(false),
            owned_pool(),
            pure(&cert.signature),
            pure(&cert.signers_bitmap),
            pure(&cert.message),
        ],
        Keep::No,
    );
    check(
        Operation::DeletePooledBlob {
            storage_pool_id: pool,
            blob_id: Id([0xb1; 32]),
        },
        "delete_pooled_blob",
        vec![system(false), owned_pool(), Expect::Pure(vec![0xb1; 32])],
        Keep::No,
    );
    check(
        Operation::ExtendStoragePool {
            storage_pool_id: pool,
            epochs: 2,
        },
        "extend_storage_pool",
        vec![
            system(true),
            owned_pool(),
            pure(&2u32),
            Expect::Owned(wal_coin()),
        ],
        Keep::No,
    );
    // A shared blob the wallet does not know cannot be funded.
    let op = Operation::FundSharedBlob {
        shared_blob_id: Id::from_u64(0xdead),
        amount: 1,
    };
    let err = SuiTransactions::new(config())
        .build(Id::from_u64(SENDER), &op, &Fixture::full())
        .expect_err("no shared object");
    assert!(matches!(err, BuildError::Missing { .. }), "{err}");
}
