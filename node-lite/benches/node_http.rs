//! One storage node over HTTP on loopback: sliver PUT and GET throughput at several sliver sizes,
//! metadata PUT; and the bytes a node fetches to recover one lost sliver pair at n = 1000.
//!
//! ```sh
//! cargo bench -p floe-node-lite --bench node_http -- [--requests 200] [--concurrency 16]
//!     [--recovery-size 64MiB] [--skip-recovery]
//! ```
//!
//! Everything runs in this process on real sockets: the local ledger served over Sui's gRPC API
//! ([`floe_node::devnet`]), the node(s) ([`floe_node::node::run`], each with its own `redb`
//! store in a temporary directory, every write committed durably before the answer) and a
//! [`NodeClient`] sending `--concurrency` requests at a time.
//!
//! - **throughput**: one node holding all 100 shards; for each symbol size, blobs whose 200
//!   slivers (100 primary of 67 symbols, 100 secondary of 34) are PUT, then GET back; MB/s
//!   counts sliver bytes, requests/s counts requests. Then metadata PUT of registered blobs.
//! - **recovery**: four nodes of 250 shards each at n = 1000 and a blob of `--recovery-size`
//!   (default 64 MiB); one node gets every sliver of its shards but one pair; after the blob is
//!   certified it recovers the pair; the ratio is the bytes it received from peers (the node's
//!   `floe_node_recovery_bytes_total`) over the pair's size.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use floe_indexer::chain::Id;
use floe_node::{
    client::NodeClient,
    devnet::{free_loopback_addr, protocol_key, DevChain},
    encoding::{
        encode_slice, BlobId, EncodedBlob, EncodingConfig, Primary, Secondary, ShardIndex,
        SliverPairIndex,
    },
    node::{self, store::Axis},
};
use tokio::sync::{oneshot, Semaphore};

struct Args {
    requests: usize,
    concurrency: usize,
    recovery_size: usize,
    skip_recovery: bool,
}

fn parse_size(text: &str) -> usize {
    let (digits, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: usize = digits
        .parse()
        .unwrap_or_else(|_| panic!("bad size {text:?}"));
    n * match unit {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        other => panic!("unknown unit {other:?} (B, KiB, MiB, GiB)"),
    }
}

fn args() -> Args {
    let mut args = Args {
        requests: 200,
        concurrency: 16,
        recovery_size: 64 << 20,
        skip_recovery: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--requests" => args.requests = value().parse().expect("a count"),
            "--concurrency" => args.concurrency = value().parse().expect("a count"),
            "--recovery-size" => args.recovery_size = parse_size(&value()),
            "--skip-recovery" => args.skip_recovery = true,
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

/// The chain served over gRPC and the nodes running in this process.
struct Network {
    chain: DevChain,
    clients: Vec<NodeClient>,
    _stops: Vec<oneshot::Sender<()>>,
    _dirs: Vec<tempfile::TempDir>,
}

async fn network(n_shards: u16, nodes: usize) -> Network {
    let addrs = (0..nodes)
        .map(|_| free_loopback_addr().expect("a port"))
        .collect();
    let chain = DevChain::create(n_shards, addrs).expect("the chain");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let (stop_chain, stopped) = oneshot::channel::<()>();
    tokio::spawn(floe_indexer::grpc::serve(
        chain.net.clone(),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    let mut stops = vec![stop_chain];
    let mut dirs = Vec::new();
    let mut clients = Vec::new();
    for i in 0..nodes {
        let dir = tempfile::tempdir().expect("a directory");
        let key = dir.path().join("protocol.key");
        std::fs::write(&key, hex::encode(protocol_key(i).to_bytes())).expect("key");
        let mut config = chain.node_config(i, &url);
        config.data_dir = dir.path().join("data");
        config.protocol_key_file = Some(key);
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .expect("the node's port");
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
        };
        tokio::spawn(async move {
            if let Err(e) = node::run(config, listener, shutdown, |_| {}).await {
                eprintln!("node {i} stopped: {e}");
            }
        });
        clients.push(NodeClient::new(&format!("http://{}", chain.addrs[i])));
        stops.push(stop);
        dirs.push(dir);
    }
    for client in &clients {
        wait(|| async {
            let health = client.health().await.ok()?;
            (health["shardSummary"]["nShards"].as_u64() > Some(0)).then_some(())
        })
        .await;
    }
    Network {
        chain,
        clients,
        _stops: stops,
        _dirs: dirs,
    }
}

async fn wait<T, Fut: std::future::Future<Output = Option<T>>>(
    mut probe: impl FnMut() -> Fut,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn sliver(blob: &EncodedBlob, n: u16, pair: u16, axis: Axis) -> Vec<u8> {
    let pair = SliverPairIndex(pair);
    match axis {
        Axis::Primary => blob.sliver_bcs::<Primary>(pair.to_sliver_index::<Primary>(n)),
        Axis::Secondary => blob.sliver_bcs::<Secondary>(pair.to_sliver_index::<Secondary>(n)),
    }
}

/// Registers a blob of `size` bytes and stores its metadata on every node.
async fn registered(net: &Network, size: usize, seed: u64) -> (EncodedBlob, Id) {
    let n = net.chain.n_shards();
    let config = EncodingConfig::new(n).expect("shards");
    let bytes: Vec<u8> = (0..size)
        .map(|i| {
            (i as u64 ^ seed)
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .to_le_bytes()[7]
        })
        .collect();
    let blob = encode_slice(&config, &bytes).expect("encodes");
    let object = net
        .chain
        .register(blob.metadata(), 5, false)
        .expect("registered");
    let id = blob.metadata().blob_id;
    for client in &net.clients {
        wait(|| async {
            client
                .blob_status(&id)
                .await
                .ok()?
                .is_object()
                .then_some(())
        })
        .await;
        client
            .put_metadata(&id, &blob.metadata().metadata)
            .await
            .expect("metadata");
    }
    (blob, object)
}

/// Runs `jobs` with at most `concurrency` in flight; returns the elapsed time.
async fn run_all<F>(jobs: Vec<F>, concurrency: usize) -> Duration
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(concurrency));
    let start = Instant::now();
    let mut handles = Vec::new();
    for job in jobs {
        let permit = permits.clone().acquire_owned().await.expect("semaphore");
        handles.push(tokio::spawn(async move {
            job.await;
            drop(permit);
        }));
    }
    for h in handles {
        h.await.expect("a request task");
    }
    start.elapsed()
}

fn report(what: &str, requests: usize, bytes: u64, elapsed: Duration) {
    let secs = elapsed.as_secs_f64();
    println!(
        "{what:<34} {requests:>6} requests {:>10.1} req/s {:>9.1} MB/s ({:.2} s)",
        requests as f64 / secs,
        bytes as f64 / secs / 1e6,
        secs
    );
}

async fn throughput(args: &Args) {
    let n = 100u16;
    let net = network(n, 1).await;
    let client = net.clients[0].clone();
    println!(
        "throughput: one node, {n} shards, {} requests in flight",
        args.concurrency
    );
    for symbol in [64usize, 1024, 16 * 1024] {
        // 34 x 67 source symbols per blob.
        let size = symbol * 34 * 67;
        let blobs = args.requests.div_ceil(200);
        let mut work: Vec<(BlobId, u16, Axis, Vec<u8>)> = Vec::new();
        for b in 0..blobs {
            let (blob, _) = registered(&net, size, b as u64 + symbol as u64).await;
            let id = blob.metadata().blob_id;
            for pair in 0..n {
                for axis in Axis::BOTH {
                    work.push((id, pair, axis, sliver(&blob, n, pair, axis)));
                }
            }
        }
        work.truncate(args.requests);
        let bytes: u64 = work.iter().map(|w| w.3.len() as u64).sum();
        let avg = bytes / work.len() as u64;
        let puts = work
            .iter()
            .map(|(id, pair, axis, body)| {
                let (c, id, pair, axis, body) = (client.clone(), *id, *pair, *axis, body.clone());
                async move {
                    c.put_sliver(&id, pair, axis, body).await.expect("PUT");
                }
            })
            .collect();
        let elapsed = run_all(puts, args.concurrency).await;
        report(
            &format!("sliver PUT (avg {avg} B)"),
            work.len(),
            bytes,
            elapsed,
        );
        let gets = work
            .iter()
            .map(|(id, pair, axis, _)| {
                let (c, id, pair, axis) = (client.clone(), *id, *pair, *axis);
                async move {
                    c.sliver(&id, pair, axis).await.expect("GET");
                }
            })
            .collect();
        let elapsed = run_all(gets, args.concurrency).await;
        report(
            &format!("sliver GET (avg {avg} B)"),
            work.len(),
            bytes,
            elapsed,
        );
    }
    // Metadata PUT: blobs registered first, then their metadata stored.
    let config = EncodingConfig::new(n).expect("shards");
    let mut blobs = Vec::new();
    for b in 0..args.requests.min(100) {
        let data = vec![b as u8; 1024 + b];
        let blob = encode_slice(&config, &data).expect("encodes");
        net.chain
            .register(blob.metadata(), 5, false)
            .expect("registered");
        blobs.push(blob.metadata().clone());
    }
    let last = blobs.last().expect("blobs").blob_id;
    wait(|| async {
        client
            .blob_status(&last)
            .await
            .ok()?
            .is_object()
            .then_some(())
    })
    .await;
    let bytes: u64 = blobs
        .iter()
        .map(|m| bcs::to_bytes(&m.metadata).map_or(0, |b| b.len() as u64))
        .sum();
    let count = blobs.len();
    let puts = blobs
        .into_iter()
        .map(|m| {
            let c = client.clone();
            async move {
                c.put_metadata(&m.blob_id, &m.metadata)
                    .await
                    .expect("metadata");
            }
        })
        .collect();
    let elapsed = run_all(puts, args.concurrency).await;
    report("metadata PUT (n = 100)", count, bytes, elapsed);
}

async fn recovery(args: &Args) {
    let n = 1000u16;
    let net = network(n, 4).await;
    let (blob, object) = registered(&net, args.recovery_size, 7).await;
    let id = blob.metadata().blob_id;
    let victim = 3;
    let victim_pairs: Vec<u16> = net
        .chain
        .shards_of(net.chain.pools[victim])
        .into_iter()
        .map(|s| ShardIndex(s).to_pair_index(n, &id).0)
        .collect();
    let lost = victim_pairs[0];
    let mut jobs = Vec::new();
    for (i, client) in net.clients.iter().enumerate() {
        for shard in net.chain.shards_of(net.chain.pools[i]) {
            let pair = ShardIndex(shard).to_pair_index(n, &id).0;
            if i == victim && pair == lost {
                continue;
            }
            for axis in Axis::BOTH {
                let (c, body) = (client.clone(), sliver(&blob, n, pair, axis));
                jobs.push(async move {
                    c.put_sliver(&id, pair, axis, body).await.expect("PUT");
                });
            }
        }
    }
    let uploads = jobs.len();
    run_all(jobs, args.concurrency).await;
    let start = Instant::now();
    net.chain.certify_unchecked(object).expect("certified");
    let client = &net.clients[victim];
    for axis in Axis::BOTH {
        wait(|| async {
            (client.sliver_status(&id, lost, axis).await.ok()? == "stored").then_some(())
        })
        .await;
    }
    let elapsed = start.elapsed();
    let metrics = client.metrics().await.expect("metrics");
    let fetched: u64 = metrics
        .lines()
        .find_map(|l| {
            l.strip_prefix("floe_node_recovery_bytes_total ")?
                .trim()
                .parse()
                .ok()
        })
        .expect("the recovery counter");
    let symbols: u64 = metrics
        .lines()
        .find_map(|l| {
            l.strip_prefix("floe_node_recovery_symbols_total ")?
                .trim()
                .parse()
                .ok()
        })
        .expect("the symbol counter");
    let symbol_size = u64::from(
        blob.metadata()
            .metadata
            .symbol_size(&EncodingConfig::new(n).expect("shards"))
            .expect("a symbol size")
            .get(),
    );
    let pair_size = (sliver(&blob, n, lost, Axis::Primary).len()
        + sliver(&blob, n, lost, Axis::Secondary).len()) as u64;
    println!(
        "recovery: n = {n}, blob {} MiB, {uploads} slivers uploaded to 4 nodes; one lost pair of \
         {pair_size} bytes recovered in {:.2} s fetching {fetched} bytes = {:.3}x the pair \
         ({symbols} symbols of {symbol_size} B from peers, the rest from the node's own slivers; \
         wire bytes per symbol byte {:.3})",
        args.recovery_size >> 20,
        elapsed.as_secs_f64(),
        fetched as f64 / pair_size as f64,
        fetched as f64 / (symbols * symbol_size).max(1) as f64
    );
}

fn main() {
    let args = args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        throughput(&args).await;
        if !args.skip_recovery {
            recovery(&args).await;
        }
    });
}
