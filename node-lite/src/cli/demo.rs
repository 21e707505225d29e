//! `floe demo`: Floe's storage path end to end on one machine, with nothing to set up.
//!
//! A generated blob is encoded for a full-size committee, a third of the shards are lost, a lost
//! sliver is recovered from its peers' recovery symbols, and the blob is decoded from what is
//! left, checking every byte and the blob ID on the way.

use std::time::Instant;

use anyhow::{ensure, Context, Result};
use floe_node::encoding::{
    decode, encode, recover_sliver, EncodingConfig, Primary, Secondary, SliverIndex,
    SliverOrInconsistencyProof, SliverPairIndex,
};
use floe_node::sample::sample_blob;

/// Arguments of `floe demo`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Number of shards of the committee.
    #[arg(long, default_value_t = 1000)]
    pub shards: u16,
    /// Size of the generated blob in bytes.
    #[arg(long, default_value_t = 16 << 20)]
    pub size: usize,
    /// Seed of the generated blob's bytes.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// Runs the demo and prints what happens at each step.
pub fn run(args: &DemoArgs) -> Result<()> {
    let config = EncodingConfig::new(args.shards).context("invalid --shards")?;
    let n = config.n_shards();
    let blob = sample_blob(args.size, args.seed);
    println!(
        "Floe demo: a {} byte blob on a committee of {n} shards",
        blob.len()
    );

    let started = Instant::now();
    let encoded = encode(&config, blob.clone()).context("cannot encode the blob")?;
    let encoded_len = config.encoded_blob_len(blob.len() as u64)?;
    println!(
        "1. encoded in {:.3} s: blob ID {}, symbol size {}, {} bytes stored in all ({:.2}x)",
        started.elapsed().as_secs_f64(),
        encoded.blob_id(),
        encoded.symbol_size(),
        encoded_len,
        encoded_len as f64 / blob.len().max(1) as f64,
    );

    let lost = n - config.n_primary_source_symbols();
    println!("2. {lost} of {n} shards lose their data (all but the minimum needed to decode)");
    let survivors: Vec<u16> = (lost..n).collect();

    let target = SliverPairIndex(0);
    let target_index = target.to_sliver_index::<Primary>(n);
    let started = Instant::now();
    let symbols = (0..n)
        .map(|j| {
            encoded
                .sliver::<Secondary>(SliverIndex(j))
                .recovery_symbol_for(target, &config)
        })
        .collect::<Result<Vec<_>, _>>()
        .context("cannot produce recovery symbols")?;
    let recovered =
        match recover_sliver(symbols, target_index, &encoded.metadata().metadata, &config)
            .context("cannot recover the lost sliver")?
        {
            SliverOrInconsistencyProof::Sliver(sliver) => sliver,
            SliverOrInconsistencyProof::InconsistencyProof(_) => {
                anyhow::bail!("the blob was encoded inconsistently")
            }
        };
    ensure!(
        recovered.data() == encoded.sliver_bytes::<Primary>(target_index),
        "recovered sliver differs from the original"
    );
    println!(
        "3. shard of pair {target} rebuilt its primary sliver ({} bytes) from {} verified recovery symbols in {:.3} s",
        recovered.len(),
        config.n_secondary_source_symbols(),
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let slivers = survivors
        .iter()
        .map(|&i| encoded.sliver::<Primary>(SliverIndex(i)));
    let decoded = decode(&config, encoded.metadata(), slivers).context("cannot decode")?;
    ensure!(decoded == blob, "decoded blob differs from the original");
    println!(
        "4. decoded from the {} surviving primary slivers (each verified against the metadata) in {:.3} s: all {} bytes match",
        survivors.len(),
        started.elapsed().as_secs_f64(),
        decoded.len()
    );
    println!(
        "demo complete: blob {} survived the loss of {lost} shards",
        encoded.blob_id()
    );
    Ok(())
}
