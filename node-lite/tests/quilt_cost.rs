//! Issue 16, acceptance 3: what 1000 files of 10 KiB cost, in WAL at the local network's
//! prices, stored one by one versus as quilts. At the local network's 1000 shards a QuiltV1
//! holds at most 666 files (one per secondary column, less the index's), so "as one quilt"
//! means the fewest quilts: two.
//!
//! The local network is the one `floe demo` runs: its built-in scenario on a 1000-shard
//! ledger, up to the moment the committee's WAL/USD reports fix the FROST prices. Each way of
//! storing is then paid for on that ledger by the builder, with the real operations
//! (`reserve_space` for the encoded size, `register_blob` paying the write fee), and the cost is
//! what left the builder's account. The quilts are the real QuiltV1s of the files and is registered
//! under its real metadata; the thousand single blobs are registered under stand-in root hashes
//! (the ledger charges by size alone, and computing a thousand 1000-shard blob IDs would only
//! slow the test).

use anyhow::{Context, Result};
use floe_economics::{model::storage::derive_blob_id, storage_cost};
use floe_indexer::{
    chain::{Id, Operation},
    localnet::Localnet,
    scenario::{self, Scenario},
};
use floe_node::encoding::{
    encode_slice,
    quilt::{encode_quilt, QuiltInput},
    EncodingConfig, Secondary,
};
use serde_json::Value;

/// The scenario `floe demo` runs.
const DEMO: &str = include_str!("../scenarios/demo.json");
const FILES: usize = 1000;
const FILE_SIZE: usize = 10 * 1024;
const FROST_PER_WAL: f64 = 1e9;

/// The demo's ledger, priced: its scenario up to and including the price sample.
fn priced_local_network() -> Result<(Localnet, Id, u32)> {
    let mut json: Value = serde_json::from_str(DEMO)?;
    let steps = json["steps"].as_array_mut().context("steps")?;
    let sample = steps
        .iter()
        .position(|s| s["op"]["op"] == "sample_wal_usd_rate")
        .context("the demo samples the WAL/USD rate")?;
    steps.truncate(sample + 1);
    let scenario = Scenario::from_json(&json.to_string())?;
    let mut genesis = scenario.genesis.clone().context("a genesis")?;
    let builder = *scenario.actors.get("builder").context("a builder")?;
    // Enough WAL for the expensive way; the prices do not depend on balances.
    for (who, frost) in &mut genesis.accounts {
        if *who == builder {
            *frost = frost.saturating_mul(1000);
        }
    }
    let net = Localnet::in_memory(genesis)?;
    scenario::run(&net, &scenario)?;
    let epochs = scenario
        .vars
        .get("store_epochs")
        .and_then(Value::as_u64)
        .context("store_epochs")?;
    Ok((net, builder, u32::try_from(epochs)?))
}

/// Pays for one blob of `size` bytes (`encoded` once encoded) on `net`; returns the FROST spent.
fn store(
    net: &Localnet,
    builder: Id,
    epochs: u32,
    size: u64,
    encoded: u64,
    root: [u8; 32],
) -> Result<u64> {
    let before = net.with_state(|s| s.balance(&builder));
    let storage_id = net
        .execute(
            builder,
            Operation::ReserveSpace {
                size: encoded,
                epochs_ahead: epochs,
            },
        )?
        .created()
        .context("a storage resource")?;
    let register = Operation::RegisterBlob {
        storage_id,
        blob_id: Id(derive_blob_id(&root, 1, size)),
        root_hash: Id(root),
        size,
        encoding_type: 1,
        deletable: false,
    };
    net.execute(builder, register)?;
    Ok(before - net.with_state(|s| s.balance(&builder)))
}

#[test]
fn quilts_of_1000_small_files_cost_a_fraction_of_1000_blobs() -> Result<()> {
    let (net, builder, epochs) = priced_local_network()?;
    let n_shards = net.with_state(|s| s.params.n_shards);
    let (storage_price, write_price) = net.with_state(|s| (s.storage_price, s.write_price));
    assert!(
        storage_price > 0 && write_price > 0,
        "the sample set prices"
    );
    let config = EncodingConfig::new(n_shards)?;

    let files: Vec<(String, Vec<u8>)> = (0..FILES)
        .map(|i| {
            let data = (0..FILE_SIZE).map(|j| (i * 31 + j * 7) as u8).collect();
            (format!("file-{i:04}.bin"), data)
        })
        .collect();

    // One by one: every file is its own blob.
    let single_encoded = storage_cost::encoded_blob_length(FILE_SIZE as u64, n_shards)?;
    let mut one_by_one = 0u64;
    for i in 0..FILES {
        let mut root = [0u8; 32];
        root[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        one_by_one += store(
            &net,
            builder,
            epochs,
            FILE_SIZE as u64,
            single_encoded,
            root,
        )?;
    }

    // As quilts: a QuiltV1 holds at most k_s - 1 files (666 at 1000 shards), so the files go
    // into the fewest quilts that hold them, each real and registered under its metadata.
    let per_quilt = usize::from(config.source_symbols::<Secondary>()) - 1;
    let mut as_quilts = 0u64;
    let mut quilts = Vec::new();
    for chunk in files.chunks(per_quilt) {
        let inputs: Vec<QuiltInput<'_>> = chunk
            .iter()
            .map(|(name, data)| QuiltInput::new(name.clone(), data))
            .collect();
        let quilt = encode_quilt(&config, &inputs)?;
        let encoded = encode_slice(&config, &quilt.data)?;
        let metadata = &encoded.metadata().metadata;
        assert_eq!(metadata.unencoded_length(), quilt.data.len() as u64);
        let len = quilt.data.len() as u64;
        let quilt_encoded = storage_cost::encoded_blob_length(len, n_shards)?;
        as_quilts += store(
            &net,
            builder,
            epochs,
            len,
            quilt_encoded,
            metadata.root_hash().bytes(),
        )?;
        quilts.push((chunk.len(), len, quilt_encoded));
    }

    // The ledger charged what the prices say: units × (storage price × epochs + write price).
    let per_blob = |encoded: u64| -> Result<u64> {
        Ok(storage_cost::storage_cost(encoded, storage_price, epochs)?
            + storage_cost::write_fee(encoded, write_price)?)
    };
    assert_eq!(one_by_one, FILES as u64 * per_blob(single_encoded)?);
    let mut quilt_total = 0;
    for &(_, _, encoded) in &quilts {
        quilt_total += per_blob(encoded)?;
    }
    assert_eq!(as_quilts, quilt_total);
    net.with_state(|s| assert_eq!(s.total_frost(), s.supply as u128, "WAL conserved"));

    println!(
        "{FILES} files of {FILE_SIZE} bytes on the local network ({n_shards} shards, storage {storage_price} \
         FROST per MiB-epoch, write {write_price} FROST per MiB, {epochs} epochs):"
    );
    println!(
        "  one by one: {FILES} blobs of {single_encoded} encoded bytes each, {:.3} WAL",
        one_by_one as f64 / FROST_PER_WAL
    );
    for (files, len, encoded) in &quilts {
        println!("  quilt of {files} files: {len} bytes, {encoded} encoded");
    }
    println!(
        "  as {} quilts: {:.3} WAL, {:.0}x cheaper",
        quilts.len(),
        as_quilts as f64 / FROST_PER_WAL,
        one_by_one as f64 / as_quilts as f64
    );
    // The quilts pay for the files' bytes about once; each single blob pays ~63 MiB of metadata.
    assert_eq!(quilts.len(), FILES.div_ceil(per_quilt));
    assert!(as_quilts * 100 < one_by_one, "{as_quilts} vs {one_by_one}");
    Ok(())
}
