//! Golden BCS bytes of every Floe event type and of the settlement types.
//!
//! `tests/data/bcs_golden.txt` holds, per type, the BCS bytes of one value (the values below),
//! written by the hand-made encoder Floe had before it switched to `serde` + `bcs`. The test
//! checks that today's encoding equals those bytes byte for byte and that decoding them gives
//! the value back, so the switch (and any later change) cannot alter a layout unnoticed.
//! `FLOE_BLESS_GOLDEN=1` rewrites the file from the current encoder (only for a deliberate,
//! reviewed layout change).

use std::collections::BTreeMap;
use std::path::PathBuf;

use floe_economics::events::*;
use floe_economics::settlement::{MerkleProof, SettlementEntry, SettlementHeader};

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/bcs_golden.txt")
}

fn bytes32(n: u8) -> [u8; 32] {
    std::array::from_fn(|i| n.wrapping_mul(31).wrapping_add(i as u8))
}

/// Golden hex by type name, and the names checked so far.
struct Golden {
    expected: BTreeMap<String, String>,
    seen: BTreeMap<String, String>,
}

impl Golden {
    fn load() -> Self {
        let text = std::fs::read_to_string(golden_path()).unwrap_or_default();
        let expected = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let (name, hex) = l.split_once(' ').expect("`Name hex` lines");
                (name.to_string(), hex.trim().to_string())
            })
            .collect();
        Golden {
            expected,
            seen: BTreeMap::new(),
        }
    }

    /// Records `bytes` for `name` and returns the golden bytes to decode.
    fn compare(&mut self, name: &str, bytes: &[u8]) -> Vec<u8> {
        let hex = hex::encode(bytes);
        assert!(
            self.seen.insert(name.to_string(), hex.clone()).is_none(),
            "{name} checked twice"
        );
        if bless() {
            return bytes.to_vec();
        }
        let golden = self
            .expected
            .get(name)
            .unwrap_or_else(|| panic!("no golden bytes for {name}"));
        assert_eq!(&hex, golden, "{name}: BCS differs from the golden bytes");
        hex::decode(golden).expect("golden hex")
    }

    fn finish(self) {
        if bless() {
            let mut text = String::from(
                "# Golden BCS bytes (hex) of one value per type; see tests/bcs_golden.rs.\n",
            );
            for (name, hex) in &self.seen {
                text.push_str(&format!("{name} {hex}\n"));
            }
            std::fs::write(golden_path(), text).expect("write golden file");
            return;
        }
        let missing: Vec<_> = self
            .expected
            .keys()
            .filter(|k| !self.seen.contains_key(*k))
            .collect();
        assert!(
            missing.is_empty(),
            "golden entries not checked: {missing:?}"
        );
    }
}

fn bless() -> bool {
    std::env::var_os("FLOE_BLESS_GOLDEN").is_some()
}

fn check<E: MoveEvent + std::fmt::Debug + PartialEq + Clone>(golden: &mut Golden, value: E)
where
    FloeEvent: From<E>,
{
    let golden_bytes = golden.compare(E::NAME, &value.to_bcs());
    assert_eq!(
        E::from_bcs(&golden_bytes).expect("decodes"),
        value,
        "{}",
        E::NAME
    );
    assert_eq!(
        FloeEvent::decode(E::NAME, &golden_bytes).expect("decodes as a FloeEvent"),
        FloeEvent::from(value.clone()),
    );
}

#[test]
fn every_event_and_settlement_type_matches_its_golden_bytes() {
    let mut golden = Golden::load();
    check(
        &mut golden,
        BlobRegistered {
            epoch: 2654435762,
            blob_id: [2; 32],
            size: 7963307284,
            encoding_type: 45,
            end_epoch: 1272178806,
            deletable: false,
            object_id: [7; 32],
        },
    );
    check(
        &mut golden,
        BlobCertified {
            epoch: 1235486089,
            blob_id: bytes32(9),
            end_epoch: 2544357611,
            deletable: true,
            object_id: bytes32(12),
            is_extension: true,
        },
    );
    check(
        &mut golden,
        BlobDeleted {
            epoch: 1162100655,
            blob_id: bytes32(15),
            end_epoch: 2470972177,
            object_id: [17; 32],
            was_certified: false,
        },
    );
    check(
        &mut golden,
        InvalidBlobID {
            epoch: 2434279460,
            blob_id: [20; 32],
        },
    );
    check(&mut golden, EpochChangeStart { epoch: 3743150982 });
    check(&mut golden, EpochChangeDone { epoch: 2397586743 });
    check(
        &mut golden,
        EpochParametersSelected {
            next_epoch: 1052022504,
        },
    );
    check(
        &mut golden,
        PricesUpdated {
            epoch: 3706458265,
            storage_price: 66360894026,
            write_price: 69015329787,
        },
    );
    check(
        &mut golden,
        CommitteeSelected {
            epoch: 3669765548,
            node_ids: vec![[28; 32], bytes32(28)],
            shards: vec![vec![0, 1, 999], vec![], vec![29]],
        },
    );
    check(
        &mut golden,
        EpochSyncReported {
            epoch: 3633072831,
            node_id: [31; 32],
            weight: 9353,
            total_weight: 40114,
        },
    );
    check(
        &mut golden,
        UsdPricesSelected {
            next_epoch: 2250815875,
            target_storage_price_usd: 92905251636,
            target_write_price_usd: 95559687397,
            storage_price_usd: 98214123158,
            write_price_usd: 100868558919,
            total_capacity_size: 103522994680,
        },
    );
    check(
        &mut golden,
        EpochPricing {
            epoch: 2177430441,
            storage_price_usd: 108831866202,
            write_price_usd: 111486301963,
            wal_usd_rate: 114140737724,
            storage_price: 116795173485,
            write_price: 119449609246,
            total_capacity_size: 122104045007,
        },
    );
    check(
        &mut golden,
        WalUsdRateSampled {
            epoch: 758480768,
            wal_usd_rate: 127412916529,
            n_samples: 130067352290,
        },
    );
    check(
        &mut golden,
        EpochPotClosed {
            epoch: 721788051,
            total: 135376223812,
            burned: 138030659573,
            distributed: 140685095334,
        },
    );
    check(
        &mut golden,
        StorageReserved {
            epoch: 3339531095,
            storage_id: [55; 32],
            storage_size: 148648402617,
            start_epoch: 3302838378,
            end_epoch: 1957274139,
            cost: 156611709900,
        },
    );
    check(
        &mut golden,
        WriteFeePaid {
            epoch: 3266145661,
            blob_id: [61; 32],
            object_id: [62; 32],
            fee: 167229452944,
        },
    );
    check(
        &mut golden,
        NodeRegistered {
            epoch: 1883888705,
            node_id: [65; 32],
            operator: bytes32(66),
            name: "node-67 é".to_string(),
            network_address: String::new(),
            public_key: vec![69; 9],
            commission_rate: 8271,
        },
    );
    check(
        &mut golden,
        StakeDeposited {
            epoch: 464939032,
            node_id: bytes32(72),
            staked_wal_id: [73; 32],
            staker: [74; 32],
            amount: 199082682076,
            activation_epoch: 1737117837,
        },
    );
    check(
        &mut golden,
        WithdrawalRequested {
            epoch: 391553598,
            node_id: bytes32(78),
            staked_wal_id: [79; 32],
            amount: 212354860881,
            withdraw_epoch: 3009296642,
        },
    );
    check(
        &mut golden,
        StakeWithdrawn {
            epoch: 1663732403,
            node_id: [83; 32],
            staked_wal_id: bytes32(84),
            staker: [85; 32],
            principal: 228281475447,
            rewards: 230935911208,
            early: false,
        },
    );
    check(
        &mut golden,
        CommissionRateSet {
            epoch: 244782730,
            node_id: bytes32(90),
            commission_rate: 4252,
            effective_epoch: 208090013,
        },
    );
    check(
        &mut golden,
        CommissionReceiverSet {
            epoch: 2862525774,
            node_id: [94; 32],
            receiver: [95; 32],
        },
    );
    check(
        &mut golden,
        CommissionCollected {
            epoch: 2825833057,
            node_id: [97; 32],
            receiver: [98; 32],
            amount: 262789140340,
        },
    );
    check(
        &mut golden,
        PoolAdvanced {
            epoch: 1443576101,
            node_id: [101; 32],
            rewards: 270752447623,
            commission: 273406883384,
            commission_rate: 14145,
            wal_balance: 278715754906,
            num_shares: 281370190667,
        },
    );
    check(
        &mut golden,
        PriceVoted {
            epoch: 24626428,
            node_id: bytes32(108),
            storage_price_usd: 289333497950,
            write_price_usd: 291987933711,
        },
    );
    check(
        &mut golden,
        CapacityVoted {
            epoch: 2642369472,
            node_id: [112; 32],
            node_capacity: 299951240994,
        },
    );
    check(
        &mut golden,
        WalUsdReported {
            epoch: 2605676755,
            node_id: [115; 32],
            wal_usd_rate: 307914548277,
        },
    );
    check(
        &mut golden,
        ChallengeSeedDrawn {
            epoch: 3141592653,
            seed: bytes32(120).to_vec(),
            challenges_per_shard: 271828,
            window_ms: 86_400_000_123,
        },
    );
    check(
        &mut golden,
        ChallengeResultsSubmitted {
            epoch: 77,
            node_id: bytes32(121),
            results: vec![10_000, 0, 9_999, 5_000, 1],
        },
    );
    check(
        &mut golden,
        EpochSettled {
            epoch: 4_000_000_001,
            n_entries: 201,
            pot: 987_654_321_987,
            burned: 87_654_321_987,
            paid: 900_000_000_000,
            entries_root: bytes32(122).to_vec(),
            signers_weight: 667,
        },
    );
    check(
        &mut golden,
        EpochSettledByFallback {
            epoch: 12,
            pot: u64::MAX,
            burned: 1,
            paid: u64::MAX - 1,
        },
    );
    check(
        &mut golden,
        RewardsClaimed {
            epoch: 13,
            node_id: bytes32(123),
            shards: 333,
            performance_bps: 7_777,
            staker_reward: 55_555_555_555,
            commission: 4_444_444_444,
            claimer: bytes32(124),
        },
    );
    check(
        &mut golden,
        ProposalCreated {
            epoch: 14,
            proposal_id: 9_000_000_000_001,
            proposer: bytes32(125),
            staked_wal_id: bytes32(126),
            parameter: "curve".into(),
            values: vec![5_000, 9_500],
            voting_end_epoch: 16,
            eligible_stake: 123_000_000_000_000_000,
        },
    );
    check(
        &mut golden,
        VoteCast {
            epoch: 15,
            proposal_id: 3,
            staked_wal_id: bytes32(127),
            voter: bytes32(128),
            support: true,
            weight: 42_000_000_000,
        },
    );
    check(
        &mut golden,
        ProposalFinalized {
            epoch: 16,
            proposal_id: 3,
            passed: false,
            votes_for: 1,
            votes_against: 2,
            eligible_stake: 3,
            executable_epoch: 17,
        },
    );
    check(
        &mut golden,
        ProposalExecuted {
            epoch: 17,
            proposal_id: u64::MAX,
        },
    );
    check(
        &mut golden,
        StakedWalSplit {
            epoch: 18,
            node_id: bytes32(129),
            staked_wal_id: bytes32(130),
            principal: 3_000_000_000,
            new_staked_wal_id: bytes32(131),
            new_principal: 2_000_000_000,
        },
    );
    check(
        &mut golden,
        StakedWalJoined {
            epoch: 19,
            node_id: bytes32(132),
            staked_wal_id: bytes32(133),
            absorbed_id: bytes32(134),
            principal: 5_000_000_000,
        },
    );
    check(
        &mut golden,
        StakedWalTransferred {
            epoch: 20,
            staked_wal_id: bytes32(135),
            from: bytes32(136),
            to: bytes32(137),
        },
    );
    check(
        &mut golden,
        StorageSplit {
            storage_id: bytes32(138),
            start_epoch: 3,
            end_epoch: 7,
            storage_size: 1 << 40,
            new_storage_id: bytes32(139),
            new_start_epoch: 7,
            new_end_epoch: 20,
            new_storage_size: 1 << 40,
        },
    );
    check(
        &mut golden,
        StorageFused {
            storage_id: bytes32(140),
            absorbed_id: bytes32(141),
            start_epoch: 3,
            end_epoch: 20,
            storage_size: 65_536,
        },
    );
    check(
        &mut golden,
        BlobAttributeSet {
            epoch: 21,
            object_id: bytes32(142),
            blob_id: bytes32(143),
            key: "content-type".into(),
            value: "image/png".into(),
        },
    );
    check(
        &mut golden,
        BlobAttributeRemoved {
            epoch: 22,
            object_id: bytes32(144),
            blob_id: bytes32(145),
            key: "filename".into(),
        },
    );
    check(
        &mut golden,
        BlobBurned {
            epoch: 23,
            blob_id: bytes32(146),
            object_id: bytes32(147),
            end_epoch: 40,
            was_certified: true,
        },
    );
    check(
        &mut golden,
        BlobReplaced {
            epoch: 24,
            object_id: bytes32(148),
            old_blob_id: bytes32(149),
            new_blob_id: bytes32(150),
        },
    );
    check(
        &mut golden,
        SharedBlobCreated {
            epoch: 25,
            shared_blob_id: bytes32(151),
            object_id: bytes32(152),
            blob_id: bytes32(153),
            funds: 7_000_000_001,
        },
    );
    check(
        &mut golden,
        SharedBlobFunded {
            epoch: 26,
            shared_blob_id: bytes32(154),
            amount: 3,
            funds: 7_000_000_004,
        },
    );
    check(
        &mut golden,
        SharedBlobExtended {
            epoch: 27,
            shared_blob_id: bytes32(155),
            end_epoch: 60,
            cost: 4_000_000_000,
            funds: 3_000_000_004,
        },
    );
    check(
        &mut golden,
        StoragePoolCreated {
            epoch: 28,
            storage_pool_id: bytes32(156),
            reserved_encoded_capacity_bytes: 1 << 36,
            start_epoch: 28,
            end_epoch: 80,
        },
    );
    check(
        &mut golden,
        PooledBlobRegistered {
            epoch: 29,
            blob_id: bytes32(157),
            unencoded_size: 123_456,
            encoding_type: 1,
            deletable: true,
            object_id: bytes32(158),
            storage_pool_id: bytes32(159),
        },
    );
    check(
        &mut golden,
        PooledBlobCertified {
            epoch: 30,
            blob_id: bytes32(160),
            deletable: false,
            object_id: bytes32(161),
            storage_pool_id: bytes32(162),
        },
    );
    check(
        &mut golden,
        PooledBlobDeleted {
            epoch: 31,
            blob_id: bytes32(163),
            object_id: bytes32(164),
            was_certified: true,
            storage_pool_id: bytes32(165),
        },
    );
    check(
        &mut golden,
        StoragePoolExtended {
            epoch: 32,
            storage_pool_id: bytes32(166),
            new_end_epoch: 99,
        },
    );
    assert_eq!(golden.seen.len(), EVENTS.len(), "one value per event type");

    let entry = SettlementEntry {
        epoch: 41,
        pool_id: bytes32(3),
        shards: 334,
        performance_bps: 9_876,
        staker_reward: 123_456_789_012,
        commission: 9_999_999_999_999,
    };
    let bytes = golden.compare("SettlementEntry", &entry.to_bytes());
    assert_eq!(SettlementEntry::from_bytes(&bytes).expect("decodes"), entry);

    let header = SettlementHeader {
        epoch: 41,
        n_entries: 1000,
        pot: u64::MAX - 7,
        burned: 5_000_000_000,
        paid: 77,
        entries_root: bytes32(200),
    };
    let bytes = golden.compare("SettlementHeader", &header.to_bytes());
    assert_eq!(
        SettlementHeader::from_bytes(&bytes).expect("decodes"),
        header
    );

    let proof = MerkleProof {
        index: 513,
        siblings: vec![bytes32(1), bytes32(2), [0; 32], [255; 32]],
    };
    let bytes = golden.compare("MerkleProof", &proof.to_bytes());
    assert_eq!(MerkleProof::from_bytes(&bytes).expect("decodes"), proof);

    golden.finish();
}
