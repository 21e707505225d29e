//! Hostile inputs get clear errors within a stated memory bound, and servers keep serving:
//! the reproduced cases of issue 23 (a zstd bomb, protobuf amplification in files and in gRPC
//! responses, a request amplification against the ledger's server, abandoned checkpoint waits,
//! stray checkpoint files).
//!
//! The memory bound is the peak resident set of this test process (`VmHWM` of
//! `/proc/self/status`): these tests have their own binary, and run one at a time (they take
//! [`SERIAL`]), so each checks that the process never went past [`PEAK_BOUND`] (before the
//! fixes, the zstd bomb took it past 6 GB, the protobuf and request cases past 1 GB). Abandoned
//! waits are checked by the growth of the current resident set, which a kept waker per wait
//! shows (~60 MB for these 100 k waits before the fix).

// Each test has its own runtime on its own thread: holding the serialising (std) lock across
// awaits blocks only the other tests, which is its purpose.
#![allow(clippy::await_holding_lock)]

use std::convert::Infallible;
use std::path::Path;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use common::{peak_rss, rss};
use floe_indexer::chain::{CheckpointSource, Id, Operation, SourceError};
use floe_indexer::checkpoint_files::{self, CheckpointFiles, CheckpointWriter};
use floe_indexer::grpc::{serve, GrpcSource};
use floe_indexer::limits::{self, LimitError};
use floe_indexer::localnet::Localnet;
use floe_indexer::proto;
use floe_indexer::scenario::{run, Scenario, DEVNET};
use prost::bytes::{Buf, BufMut, Bytes};
use sui_rpc::proto::sui::rpc::v2 as rpc;
use tokio::sync::oneshot;
use tokio::time::timeout;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::{http, Service};
use tonic::{Code, Status};

mod common;

/// Every wait in these tests is bounded by this.
const LIMIT: Duration = Duration::from_secs(30);

/// The peak resident set this process may reach over all the cases, bytes: 160 MiB (the
/// largest legitimate buffer is one decompressed checkpoint, at most 64 MiB; the cases
/// together peak at ~75 MiB).
const PEAK_BOUND: u64 = 160 << 20;

/// One case at a time, so the peak is that of the cases run so far.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn assert_peak_bounded(case: &str) -> Result<()> {
    let peak = peak_rss()?;
    eprintln!("{case}: peak resident set so far {} MiB", peak >> 20);
    if peak > PEAK_BOUND {
        bail!("{case}: peak resident set {peak} bytes is over the bound of {PEAK_BOUND}");
    }
    Ok(())
}

/// The protobuf key of field `number` with a length-delimited payload, then the payload.
fn field(number: i32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 10);
    prost::encoding::encode_key(
        number as u32,
        prost::encoding::WireType::LengthDelimited,
        &mut out,
    );
    prost::encoding::encode_varint(payload.len() as u64, &mut out);
    out.extend_from_slice(payload);
    out
}

/// `n` empty entries of repeated message field `number`: 2 bytes each on the wire.
fn empty_entries(number: i32, n: usize) -> Vec<u8> {
    field(number, &[]).repeat(n)
}

fn devnet_genesis() -> Result<floe_indexer::localnet::Genesis> {
    Scenario::from_json(DEVNET)?
        .genesis
        .context("devnet.json has a genesis")
}

fn devnet(dir: &Path) -> Result<Localnet> {
    let scenario = Scenario::from_json(DEVNET)?;
    let net = Localnet::open(dir, devnet_genesis()?)?;
    run(&net, &scenario)?;
    Ok(net)
}

fn package() -> Id {
    Id::from_u64(0xf10e)
}

#[test]
fn a_zstd_bomb_is_refused_at_the_checkpoint_limit() -> Result<()> {
    let _serial = serial();
    let dir = tempfile::tempdir()?;
    // 6 GiB of zeros: one frame of 1 MiB of zeros, 6144 times (zstd reads concatenated
    // frames as one stream), ~0.3 MB on disk.
    let frame = zstd::encode_all(&vec![0u8; 1 << 20][..], 3)?;
    let bomb = frame.repeat(6 << 10);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    std::fs::write(dir.path().join("0.binpb.zst"), &bomb)?;
    let source = CheckpointFiles::new(dir.path(), None);
    match source.try_checkpoint(0) {
        Err(SourceError::Refused(LimitError::TooLarge { what, limit })) => {
            assert!(what.ends_with("0.binpb.zst (decompressed)"), "{what}");
            assert_eq!(limit, limits::MAX_CHECKPOINT_BYTES as u64);
        }
        other => bail!("expected the bomb to be refused, got {other:?}"),
    }
    let message = source
        .try_checkpoint(0)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("too large") && message.contains("67108864"),
        "{message}"
    );
    assert_peak_bounded("zstd bomb")?;

    // A compressed file over its own limit (sparse: nothing is read), a FIFO and a device are
    // refused at once, naming the file, never read or waited on.
    let big = std::fs::File::create(dir.path().join("1.binpb.zst"))?;
    big.set_len(3 << 30)?;
    match checkpoint_files::read_file(&dir.path().join("1.binpb.zst")) {
        Err(SourceError::Refused(LimitError::TooLarge { limit, .. })) => {
            assert_eq!(limit, limits::MAX_CHECKPOINT_FILE_BYTES)
        }
        other => bail!("expected a large file to be refused, got {other:?}"),
    }
    let fifo = dir.path().join("2.binpb.zst");
    let c_path = std::ffi::CString::new(fifo.to_str().context("UTF-8 path")?)?;
    // SAFETY: mkfifo(3) with a NUL-terminated path we own.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("3.binpb.zst"))?;
    for seq in [2, 3] {
        let path = dir.path().join(checkpoint_files::file_name(seq));
        let read = {
            let path = path.clone();
            std::thread::spawn(move || checkpoint_files::read_file(&path))
        };
        let deadline = std::time::Instant::now() + LIMIT;
        while !read.is_finished() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(read.is_finished(), "reading {} hangs", path.display());
        match read.join() {
            Ok(Err(SourceError::Refused(LimitError::NotAFile { what }))) => {
                assert!(what.ends_with(&checkpoint_files::file_name(seq)), "{what}")
            }
            other => bail!("expected {} to be refused, got {other:?}", path.display()),
        }
    }
    assert_peak_bounded("large files, FIFO, device")
}

#[test]
fn protobuf_amplification_is_refused_before_decoding() -> Result<()> {
    let _serial = serial();
    let transactions = rpc::Checkpoint::TRANSACTIONS_FIELD.number;

    // A small checkpoint file holding 2 M empty transactions.
    let dir = tempfile::tempdir()?;
    let many = empty_entries(transactions, 2_000_000);
    let compressed = zstd::encode_all(&many[..], 3)?;
    assert!(compressed.len() < 4096, "{} bytes", compressed.len());
    std::fs::write(dir.path().join("0.binpb.zst"), &compressed)?;
    match CheckpointFiles::new(dir.path(), None).try_checkpoint(0) {
        Err(SourceError::Refused(LimitError::TooMany { what, field, limit })) => {
            assert!(what.ends_with("0.binpb.zst"), "{what}");
            assert_eq!(field, "sui.rpc.v2.Checkpoint.transactions");
            assert_eq!(limit, limits::MAX_TRANSACTIONS_PER_CHECKPOINT);
        }
        other => bail!("expected 2 M transactions to be refused, got {other:?}"),
    }

    // 20 MB of protobuf: 10 M empty transactions.
    let huge = empty_entries(transactions, 10_000_000);
    assert!(matches!(
        proto::decode(&huge, "20 MB"),
        Err(LimitError::TooMany { limit, .. }) if limit == limits::MAX_TRANSACTIONS_PER_CHECKPOINT
    ));

    // The same amplification one level down: 2 M empty events of one transaction, 2 M empty
    // signatures, and 2 M empty changed objects (bounded by the total of all entries).
    let tx = |payload: Vec<u8>| field(transactions, &payload);
    let events = field(
        rpc::ExecutedTransaction::EVENTS_FIELD.number,
        &empty_entries(rpc::TransactionEvents::EVENTS_FIELD.number, 2_000_000),
    );
    let signatures = empty_entries(rpc::ExecutedTransaction::SIGNATURES_FIELD.number, 2_000_000);
    let changed = field(
        rpc::ExecutedTransaction::EFFECTS_FIELD.number,
        &empty_entries(
            rpc::TransactionEffects::CHANGED_OBJECTS_FIELD.number,
            2_000_000,
        ),
    );
    for (case, bytes, want_field, want_limit) in [
        (
            "events",
            tx(events),
            "sui.rpc.v2.TransactionEvents.events",
            limits::MAX_EVENTS_PER_TRANSACTION,
        ),
        (
            "signatures",
            tx(signatures),
            "sui.rpc.v2.ExecutedTransaction.signatures",
            limits::MAX_SIGNATURES_PER_TRANSACTION,
        ),
        (
            "changed objects",
            tx(changed),
            "all repeated fields",
            limits::MAX_ENTRIES_PER_CHECKPOINT,
        ),
    ] {
        match proto::decode(&bytes, case) {
            Err(LimitError::TooMany { field, limit, .. }) => {
                assert_eq!((field.as_str(), limit), (want_field, want_limit), "{case}")
            }
            other => bail!("{case}: expected a refusal, got {other:?}"),
        }
    }
    assert_peak_bounded("protobuf amplification")
}

/// A codec of raw protobuf bytes, both ways: what a hostile peer sends.
#[derive(Clone, Copy, Default)]
struct Raw;

impl Codec for Raw {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = Raw;
    type Decoder = Raw;
    fn encoder(&mut self) -> Raw {
        Raw
    }
    fn decoder(&mut self) -> Raw {
        Raw
    }
}

impl Encoder for Raw {
    type Item = Bytes;
    type Error = Status;
    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for Raw {
    type Item = Bytes;
    type Error = Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

/// A hostile full node: every `LedgerService` call is answered with the same raw bytes.
#[derive(Clone)]
struct HostileLedger(Bytes);

impl tonic::server::NamedService for HostileLedger {
    const NAME: &'static str = "sui.rpc.v2.LedgerService";
}

struct Reply(Bytes);

impl Service<tonic::Request<Bytes>> for Reply {
    type Response = tonic::Response<Bytes>;
    type Error = Status;
    type Future = std::future::Ready<Result<tonic::Response<Bytes>, Status>>;
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Status>> {
        Poll::Ready(Ok(()))
    }
    fn call(&mut self, _: tonic::Request<Bytes>) -> Self::Future {
        std::future::ready(Ok(tonic::Response::new(self.0.clone())))
    }
}

impl Service<http::Request<tonic::body::Body>> for HostileLedger {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future =
        Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Infallible>> + Send>>;
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }
    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let reply = Reply(self.0.clone());
        Box::pin(async move { Ok(tonic::server::Grpc::new(Raw).unary(reply, request).await) })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_full_node_cannot_amplify_grpc_source_responses() -> Result<()> {
    let _serial = serial();
    // GetCheckpointResponse { checkpoint: 2 M empty transactions }: 4 MB on the wire.
    let checkpoint = empty_entries(rpc::Checkpoint::TRANSACTIONS_FIELD.number, 2_000_000);
    let response = field(
        rpc::GetCheckpointResponse::CHECKPOINT_FIELD.number,
        &checkpoint,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(HostileLedger(response.into()))
            .serve_with_incoming_shutdown(
                tonic::transport::server::TcpIncoming::from(listener),
                async {
                    let _ = stopped.await;
                },
            ),
    );
    let source = GrpcSource::new(&url, None)?;
    for _ in 0..6 {
        match timeout(LIMIT, source.checkpoint(0)).await? {
            Err(SourceError::Rpc(message)) => assert!(
                message.contains("ResourceExhausted")
                    && message.contains("sui.rpc.v2.Checkpoint.transactions")
                    && message.contains("10000"),
                "{message}"
            ),
            other => bail!("expected the response to be refused, got {other:?}"),
        }
    }
    let _ = stop.send(());
    timeout(LIMIT, server).await???;
    assert_peak_bounded("GrpcSource response amplification")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_server_refuses_amplified_requests_and_keeps_serving() -> Result<()> {
    let _serial = serial();
    let dir = tempfile::tempdir()?;
    let net = devnet(dir.path())?;
    let before = net.transaction_count();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(net.clone(), listener, async {
        let _ = stopped.await;
    }));

    let signatures = rpc::ExecuteTransactionRequest::SIGNATURES_FIELD.number;
    // 2 M empty signatures (4 MB, under tonic's default limit), and 400 k (800 KB, under the
    // server's size limit but far over the signature count).
    let cases: [(Bytes, &str); 2] = [
        (empty_entries(signatures, 2_000_000).into(), "too large"),
        (
            empty_entries(signatures, 400_000).into(),
            "sui.rpc.v2.ExecuteTransactionRequest.signatures",
        ),
    ];
    let channel = tonic::transport::Endpoint::from_shared(url.clone())?
        .connect()
        .await?;
    let path = "/sui.rpc.v2.TransactionExecutionService/ExecuteTransaction";
    for (request, needle) in cases {
        // Six at once, as in the report.
        let mut calls = Vec::new();
        for _ in 0..6 {
            let mut grpc = tonic::client::Grpc::new(channel.clone());
            let request = request.clone();
            calls.push(tokio::spawn(async move {
                grpc.ready()
                    .await
                    .map_err(|e| Status::unavailable(e.to_string()))?;
                grpc.unary(
                    tonic::Request::new(request),
                    http::uri::PathAndQuery::from_static(path),
                    Raw,
                )
                .await
            }));
        }
        for call in calls {
            match timeout(LIMIT, call).await?? {
                Err(status) => {
                    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
                    assert!(status.message().contains(needle), "{}", status.message());
                }
                Ok(_) => bail!("the amplified request was accepted"),
            }
        }
    }
    // Nothing was committed, and the server answers a normal request on a new connection.
    assert_eq!(net.transaction_count(), before);
    let source = GrpcSource::new(&url, Some(package()))?;
    let latest = timeout(LIMIT, source.latest_sequence()).await??;
    assert_eq!(latest, net.checkpoint_count().checked_sub(1));
    let cp = timeout(LIMIT, source.checkpoint(1)).await??;
    assert_eq!(*cp, *net.try_checkpoint(1).context("sealed")?);

    let _ = stop.send(());
    timeout(LIMIT, server).await???;
    assert_peak_bounded("ledger request amplification")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_checkpoint_waits_leave_nothing_behind() -> Result<()> {
    let _serial = serial();
    let dir = tempfile::tempdir()?;
    let net = devnet(dir.path())?;
    let next = net.checkpoint_count();
    // 100 k waits, each in its own task and abandoned after 1 ms, 1000 at a time (a kept
    // waker keeps its task alive: before the fix these grew the process by ~60 MB).
    let before = rss()?;
    for _ in 0..100 {
        let mut tasks = Vec::with_capacity(1000);
        for _ in 0..1000 {
            let net = net.clone();
            tasks.push(tokio::spawn(async move {
                timeout(Duration::from_millis(1), net.checkpoint(1_000_000))
                    .await
                    .is_err()
            }));
        }
        for t in tasks {
            assert!(t.await?, "nothing was sealed: every wait times out");
        }
    }
    let grown = rss()?.saturating_sub(before);
    eprintln!("abandoned waits: resident set grew by {} KiB", grown >> 10);
    // What 1000 live tasks at a time take, with margin: nothing is kept per abandoned wait.
    assert!(
        grown < 16 << 20,
        "100 k abandoned waits grew the process by {grown} bytes"
    );
    assert_peak_bounded("abandoned waits")?;
    // A live wait still ends at the seal.
    let waiting = {
        let net = net.clone();
        tokio::spawn(async move { timeout(LIMIT, net.checkpoint(next)).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!waiting.is_finished());
    net.execute(Id::from_u64(0xa11ce), Operation::SampleWalUsdRate)?;
    net.seal()?;
    assert_eq!(waiting.await???.sequence_number, next);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stray_checkpoint_files_do_not_move_the_contiguous_prefix() -> Result<()> {
    let _serial = serial();
    let dir = tempfile::tempdir()?;
    let net = devnet(&dir.path().join("ledger"))?;
    let files = dir.path().join("checkpoints");
    let writer = CheckpointWriter::new(&files, package())?;
    checkpoint_files::export(&net, &writer, 0, 5, |_| {}).await?;
    let source = CheckpointFiles::new(&files, None);
    assert_eq!(source.latest_sequence().await?, Some(4));
    assert_eq!(source.resume_point()?, 5);

    // Stray names: past a gap, at u64::MAX, with a leading zero or sign, a wrong suffix.
    let stray = [
        "1000000.binpb.zst",
        "18446744073709551615.binpb.zst",
        "18446744073709551616.binpb.zst",
        "05.binpb.zst",
        "+5.binpb.zst",
        "5.binpb.zst.tmp",
        "5.binpb.zstd",
    ];
    for name in stray {
        std::fs::copy(files.join("1.binpb.zst"), files.join(name))?;
    }
    assert_eq!(source.latest_sequence().await?, Some(4));
    let listing = source.list()?;
    assert_eq!(listing.next, 5);
    assert_eq!(
        listing.stray,
        vec![
            "+5.binpb.zst",
            "05.binpb.zst",
            "1000000.binpb.zst",
            "18446744073709551615.binpb.zst",
            "18446744073709551616.binpb.zst",
        ]
    );
    assert_eq!(source.resume_point()?, 5);

    // An invalid file inside the prefix: the export resumes there and writes it again.
    std::fs::write(files.join("3.binpb.zst"), b"not zstd")?;
    assert_eq!(source.latest_sequence().await?, Some(4));
    assert_eq!(source.resume_point()?, 3);
    checkpoint_files::export(&net, &writer, 3, 6, |_| {}).await?;
    assert_eq!(source.resume_point()?, 6);
    assert_eq!(
        source.try_checkpoint(3)?.context("rewritten")?,
        *net.try_checkpoint(3).context("sealed")?
    );

    // Strict names.
    for (name, seq) in [
        ("0.binpb.zst", Some(0)),
        ("17.binpb.zst", Some(17)),
        ("18446744073709551615.binpb.zst", Some(u64::MAX)),
        ("18446744073709551616.binpb.zst", None),
        ("00.binpb.zst", None),
        ("+1.binpb.zst", None),
        ("-1.binpb.zst", None),
        (".binpb.zst", None),
        ("1 .binpb.zst", None),
        ("1.binpb.zst.tmp", None),
    ] {
        assert_eq!(checkpoint_files::parse_file_name(name), seq, "{name}");
    }
    Ok(())
}
