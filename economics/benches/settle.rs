//! Settling one epoch with 1,000 committee nodes and 1,000 challengers' result vectors:
//! robust pass rates (10^6 reports), the reward split, the entries and their Merkle root.
use criterion::{criterion_group, criterion_main, Criterion};
use floe_economics::performance::{ChallengerResults, PerformanceCurve};
use floe_economics::settlement::{settle, SettlementInput, SettlementNode};

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn bench(c: &mut Criterion) {
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let nodes: Vec<SettlementNode> = (0..1000u32)
        .map(|i| {
            let mut id = [0u8; 32];
            id[..8].copy_from_slice(&xorshift(&mut s).to_le_bytes());
            id[28..].copy_from_slice(&i.to_le_bytes());
            SettlementNode {
                pool_id: id,
                shards: 1,
                stored_bytes: 1 << 30,
                commission_bps: (i % 2000) as u16,
            }
        })
        .collect();
    let challengers: Vec<ChallengerResults> = (0..1000)
        .map(|_| ChallengerResults {
            stake: 1_000_000_000 + xorshift(&mut s) % 1_000_000_000_000,
            results: Some(
                (0..1000)
                    .map(|_| (xorshift(&mut s) % 10_001) as u16)
                    .collect(),
            ),
        })
        .collect();
    let input = SettlementInput {
        epoch: 42,
        pot: 123_456_789_000_000,
        burn_bps: 1000,
        curve: PerformanceCurve::default(),
        nodes: &nodes,
        challengers: &challengers,
    };
    c.bench_function("settle_1000_nodes_1000_challengers", |b| {
        b.iter(|| settle(std::hint::black_box(&input)).expect("settles"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
