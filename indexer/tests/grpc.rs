//! The local ledger as a Sui full node: its checkpoints served over real gRPC on loopback
//! (`LedgerService.GetCheckpoint`, `SubscriptionService.SubscribeCheckpoints`) and written as
//! `{seq}.binpb.zst` files, read back through the ordinary checkpoint sources and compared with
//! the ledger's own checkpoints, field for field.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use floe_indexer::chain::{Checkpoint, CheckpointSource, Id, Operation, SourceError};
use floe_indexer::checkpoint_files::{self, CheckpointFiles, CheckpointWriter};
use floe_indexer::grpc::{serve, GrpcSource};
use floe_indexer::localnet::Localnet;
use floe_indexer::proto;
use floe_indexer::scenario::{run, Scenario, DEVNET};
use sui_rpc::proto::sui::rpc::v2 as rpc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// Every wait in these tests is bounded by this.
const LIMIT: Duration = Duration::from_secs(20);

/// A ledger in `dir` with the devnet scenario run on it.
fn devnet(dir: &Path) -> Result<(Localnet, Scenario)> {
    let scenario = Scenario::from_json(DEVNET)?;
    let genesis = scenario
        .genesis
        .clone()
        .context("devnet.json has a genesis")?;
    let net = Localnet::open(dir, genesis)?;
    run(&net, &scenario)?;
    Ok((net, scenario))
}

struct Server {
    url: String,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), tonic::transport::Error>>,
}

impl Server {
    async fn start(net: Localnet) -> Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(net, listener, async {
            let _ = stopped.await;
        }));
        Ok(Server {
            url,
            stop: Some(stop),
            task,
        })
    }

    async fn stop(mut self) -> Result<()> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        timeout(LIMIT, self.task).await???;
        Ok(())
    }
}

fn package() -> Id {
    Id::from_u64(0xf10e)
}

async fn read_all(source: &impl CheckpointSource, from: u64, to: u64) -> Result<Vec<Checkpoint>> {
    let mut out = Vec::new();
    for seq in from..to {
        let cp = timeout(LIMIT, source.checkpoint(seq)).await??;
        out.push(Arc::unwrap_or_clone(cp));
    }
    Ok(out)
}

fn ledger_checkpoints(net: &Localnet) -> Vec<Checkpoint> {
    (0..net.checkpoint_count())
        .filter_map(|s| net.try_checkpoint(s))
        .map(Arc::unwrap_or_clone)
        .collect()
}

/// `GetCheckpoint` by sequence number with the default read mask.
async fn full_checkpoint(client: &mut sui_rpc::Client, seq: u64) -> Result<rpc::Checkpoint> {
    let mut request = rpc::GetCheckpointRequest::default();
    request.checkpoint_id = Some(rpc::get_checkpoint_request::CheckpointId::SequenceNumber(
        seq,
    ));
    client
        .ledger_client()
        .get_checkpoint(request)
        .await?
        .into_inner()
        .checkpoint
        .context("a checkpoint")
}

/// `GetCheckpoint` by digest with the default read mask.
async fn get_by_digest(
    client: &mut sui_rpc::Client,
    digest: String,
) -> std::result::Result<Option<rpc::Checkpoint>, tonic::Status> {
    let mut request = rpc::GetCheckpointRequest::default();
    request.checkpoint_id = Some(rpc::get_checkpoint_request::CheckpointId::Digest(digest));
    Ok(client
        .ledger_client()
        .get_checkpoint(request)
        .await?
        .into_inner()
        .checkpoint)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_serves_every_checkpoint_as_the_ledger_has_it() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (net, _) = devnet(dir.path())?;
    let count = net.checkpoint_count();
    assert!(count > 10, "the devnet scenario seals many checkpoints");
    let server = Server::start(net.clone()).await?;

    let source = GrpcSource::new(&server.url, Some(package()))?;
    assert_eq!(source.latest_sequence().await?, Some(count - 1));
    let served = read_all(&source, 0, count).await?;
    let expected = ledger_checkpoints(&net);
    assert_eq!(served, expected);
    // Every event decodes with the indexer's decoders, in the ledger's order.
    let events: Vec<_> = served.iter().flat_map(|c| c.events()).collect();
    assert_eq!(events.len(), 129);
    for e in &events {
        e.decode()?;
    }

    // The raw API behaves as a full node's: the default read mask, NotFound past the tip,
    // lookup by digest, no filters.
    let mut client = sui_rpc::Client::new(server.url.clone())?;
    let cp = full_checkpoint(&mut client, 3).await?;
    assert_eq!(cp.sequence_number, Some(3));
    assert!(cp.digest.is_some());
    assert!(cp.summary.is_none() && cp.transactions.is_empty());

    let mut past = rpc::GetCheckpointRequest::default();
    past.checkpoint_id = Some(rpc::get_checkpoint_request::CheckpointId::SequenceNumber(
        count + 5,
    ));
    let status = client.ledger_client().get_checkpoint(past).await.err();
    assert_eq!(status.map(|s| s.code()), Some(tonic::Code::NotFound));

    let latest = client
        .ledger_client()
        .get_checkpoint(rpc::GetCheckpointRequest::default())
        .await?
        .into_inner();
    assert_eq!(
        latest.checkpoint.and_then(|c| c.sequence_number),
        Some(count - 1)
    );

    // By digest: every checkpoint's own digest finds it; a malformed digest is refused, an
    // unknown one is not found.
    for seq in [0, 3, count - 1] {
        let digest = full_checkpoint(&mut client, seq).await?.digest;
        let by_digest = get_by_digest(&mut client, digest.context("a digest")?).await?;
        assert_eq!(by_digest.map(|c| c.sequence_number), Some(Some(seq)));
    }
    let status = get_by_digest(&mut client, "not base58!".into()).await.err();
    assert_eq!(status.map(|s| s.code()), Some(tonic::Code::InvalidArgument));
    let unknown = sui_sdk_types::Digest::new([7; 32]).to_base58();
    let status = get_by_digest(&mut client, unknown).await.err();
    assert_eq!(status.map(|s| s.code()), Some(tonic::Code::NotFound));

    let mut filtered = rpc::SubscribeCheckpointsRequest::default();
    filtered.filter = Some(Default::default());
    let status = client
        .subscription_client()
        .subscribe_checkpoints(filtered)
        .await
        .err();
    assert_eq!(status.map(|s| s.code()), Some(tonic::Code::InvalidArgument));

    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_at_the_tip_gets_the_next_checkpoint_by_subscription() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (net, scenario) = devnet(dir.path())?;
    let server = Server::start(net.clone()).await?;
    let source = GrpcSource::new(&server.url, Some(package()))?;
    let next = net.checkpoint_count();

    let waiting = {
        let source = source.clone();
        tokio::spawn(async move { timeout(LIMIT, source.checkpoint(next)).await })
    };
    // Give the follower time to find the checkpoint missing and subscribe.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished());

    let alice = scenario.actors["alice"];
    let bob_stake = net.execute(
        alice,
        Operation::ReserveSpace {
            size: 1 << 20,
            epochs_ahead: 2,
        },
    )?;
    net.seal()?;
    let got = waiting.await???;
    assert_eq!(got.sequence_number, next);
    assert_eq!(*got, *net.try_checkpoint(next).context("sealed")?);
    assert_eq!(got.transactions.len(), 1);
    assert_eq!(got.transactions[0].index, bob_stake.tx_index);
    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_ledger_serves_the_same_chain_and_continues_it() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (net, scenario) = devnet(dir.path())?;
    let before = ledger_checkpoints(&net);
    let server = Server::start(net.clone()).await?;
    let first = read_all(&GrpcSource::new(&server.url, Some(package()))?, 0, 5).await?;
    server.stop().await?;
    drop(net);

    let reopened = Localnet::open(dir.path(), scenario.genesis.clone().context("genesis")?)?;
    let alice = scenario.actors["alice"];
    reopened.execute(alice, Operation::SampleWalUsdRate)?;
    reopened.seal()?;
    let server = Server::start(reopened.clone()).await?;
    let source = GrpcSource::new(&server.url, Some(package()))?;
    // The follower resumes where it stopped: same checkpoints, then the new one, no gap.
    let rest = read_all(&source, 5, reopened.checkpoint_count()).await?;
    let mut all = first;
    all.extend(rest);
    assert_eq!(all[..before.len()], before[..]);
    assert_eq!(all.len(), before.len() + 1);
    for (i, cp) in all.iter().enumerate() {
        assert_eq!(cp.sequence_number, i as u64);
    }
    let txs: Vec<u64> = all
        .iter()
        .flat_map(|c| c.transactions.iter().map(|t| t.index))
        .collect();
    assert_eq!(txs, (0..txs.len() as u64).collect::<Vec<_>>());
    server.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkpoint_files_hold_zstd_protobuf_and_read_back() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (net, _) = devnet(&dir.path().join("ledger"))?;
    let files = dir.path().join("checkpoints");
    let writer = CheckpointWriter::new(&files, package())?;
    let count = net.checkpoint_count();
    let mut seen = Vec::new();
    let written = checkpoint_files::export(&net, &writer, 0, count, |s| seen.push(s)).await?;
    assert_eq!(written, count);
    assert_eq!(seen, (0..count).collect::<Vec<_>>());

    // Each file is exactly zstd(protobuf sui.rpc.v2.Checkpoint).
    let raw = std::fs::read(files.join("2.binpb.zst"))?;
    let decoded: rpc::Checkpoint =
        prost::Message::decode(zstd::decode_all(raw.as_slice())?.as_slice())?;
    assert_eq!(decoded.sequence_number, Some(2));
    assert_eq!(
        proto::from_proto(&decoded, Some(&package()))?,
        *net.try_checkpoint(2).context("sealed")?
    );

    let source =
        CheckpointFiles::new(&files, Some(package())).with_poll_interval(Duration::from_millis(20));
    assert_eq!(source.latest_sequence().await?, Some(count - 1));
    assert_eq!(read_all(&source, 0, count).await?, ledger_checkpoints(&net));

    // A file not written yet is waited for.
    let waiting = {
        let source = source.clone();
        tokio::spawn(async move { timeout(LIMIT, source.checkpoint(count)).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!waiting.is_finished());
    net.execute(Id::from_u64(0xa11ce), Operation::SampleWalUsdRate)?;
    net.seal()?;
    writer.write(&*net.try_checkpoint(count).context("sealed")?)?;
    assert_eq!(waiting.await???.sequence_number, count);

    // Corrupt or misplaced files are refused with the file named, never a panic.
    std::fs::write(files.join("900.binpb.zst"), b"not zstd at all")?;
    match source.try_checkpoint(900) {
        Err(SourceError::Malformed { what, reason }) => {
            assert!(what.ends_with("900.binpb.zst"), "{what}");
            assert!(reason.contains("zstd"), "{reason}");
        }
        other => bail!("expected a malformed-file error, got {other:?}"),
    }
    std::fs::write(
        files.join("901.binpb.zst"),
        zstd::encode_all(&b"\xff\xff\xff garbage"[..], 3)?,
    )?;
    assert!(matches!(
        source.try_checkpoint(901),
        Err(SourceError::Malformed { .. })
    ));
    std::fs::copy(files.join("1.binpb.zst"), files.join("902.binpb.zst"))?;
    match source.try_checkpoint(902) {
        Err(SourceError::Malformed { reason, .. }) => {
            assert!(reason.contains("holds checkpoint 1"), "{reason}")
        }
        other => bail!("expected a misplaced-file error, got {other:?}"),
    }
    Ok(())
}

#[test]
fn protobuf_checkpoints_without_needed_fields_are_refused() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (net, _) = devnet(dir.path())?;
    let full = proto::to_proto(&*net.try_checkpoint(1).context("sealed")?, &package());

    let mut no_summary = full.clone();
    no_summary.summary = None;
    assert!(proto::from_proto(&no_summary, None)
        .is_err_and(|e| e.to_string().contains("`summary` is missing")));

    let mut short_total = full.clone();
    if let Some(s) = short_total.summary.as_mut() {
        s.total_network_transactions = Some(0);
    }
    assert!(proto::from_proto(&short_total, None)
        .is_err_and(|e| e.to_string().contains("total_network_transactions")));

    let mut bad_sender = full.clone();
    if let Some(t) = bad_sender.transactions[0].transaction.as_mut() {
        t.sender = Some("0xnot-hex".into());
    }
    assert!(proto::from_proto(&bad_sender, None).is_err_and(|e| e.to_string().contains("sender")));

    // Another package's transactions and events are not Floe's.
    let other = proto::from_proto(&full, Some(&Id::from_u64(0xbad)))?;
    assert!(other.transactions.is_empty());

    // A `system` function Floe does not have: refused from Floe's package, kept as `unknown`
    // (with its events) when no package is given (another package's `system` module).
    let mut foreign = full.clone();
    if let Some(rpc::transaction_kind::Data::ProgrammableTransaction(ptb)) = foreign.transactions[0]
        .transaction
        .as_mut()
        .and_then(|t| t.kind.as_mut())
        .and_then(|k| k.data.as_mut())
    {
        for c in &mut ptb.commands {
            if let Some(rpc::command::Command::MoveCall(call)) = &mut c.command {
                call.function = Some("invalidate_blob_id".into());
            }
        }
    }
    assert!(proto::from_proto(&foreign, Some(&package()))
        .is_err_and(|e| e.to_string().contains("is not a Floe operation")));
    let kept = proto::from_proto(&foreign, None)?;
    assert_eq!(kept.transactions[0].kind, proto::UNKNOWN_KIND);
    assert_eq!(
        kept.transactions[0].events,
        proto::from_proto(&full, None)?.transactions[0].events
    );
    Ok(())
}

/// `LedgerService` over gRPC-web on an HTTP/1.1-only client, as Sui's TypeScript SDK and browsers
/// call it.
type WebClient = rpc::ledger_service_client::LedgerServiceClient<
    tonic_web::GrpcWebClientService<
        hyper_util::client::legacy::Client<
            hyper_util::client::legacy::connect::HttpConnector,
            tonic_web::GrpcWebCall<tonic::body::Body>,
        >,
    >,
>;

fn web_client(url: &str) -> Result<WebClient> {
    use tower_layer::Layer;
    let http1 = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http();
    let service = tonic_web::GrpcWebClientLayer::new().layer(http1);
    Ok(rpc::ledger_service_client::LedgerServiceClient::with_origin(service, url.parse()?))
}

/// Issue 19: over gRPC-web on HTTP/1.1 the ledger answers the service info, the latest
/// checkpoint and one by sequence number with its transactions and events, a transaction by
/// digest and the epoch, with the same data as over HTTP/2; what it cannot know is
/// `UNIMPLEMENTED`, an unknown digest `NOT_FOUND`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_web_over_http1_serves_what_http2_serves() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (net, _) = devnet(dir.path())?;
    let count = net.checkpoint_count();
    let server = Server::start(net.clone()).await?;
    let mut web = web_client(&server.url)?;
    let mut h2 = sui_rpc::Client::new(&server.url)?;

    let info = timeout(
        LIMIT,
        web.get_service_info(rpc::GetServiceInfoRequest::default()),
    )
    .await??
    .into_inner();
    assert_eq!(info.chain.as_deref(), Some(floe_indexer::grpc::CHAIN_NAME));
    assert_eq!(info.checkpoint_height, Some(count - 1));
    assert_eq!(info.epoch, Some(u64::from(net.epoch())));

    // The latest checkpoint, and one by number with its transactions and events.
    let latest = timeout(
        LIMIT,
        web.get_checkpoint(rpc::GetCheckpointRequest::default()),
    )
    .await??
    .into_inner()
    .checkpoint
    .context("the latest checkpoint")?;
    assert_eq!(latest.sequence_number, Some(count - 1));
    let seq = 3;
    let mut request = rpc::GetCheckpointRequest::default();
    request.checkpoint_id = Some(rpc::get_checkpoint_request::CheckpointId::SequenceNumber(
        seq,
    ));
    request.read_mask = proto::field_mask("sequence_number,digest,transactions");
    let over_web = timeout(LIMIT, web.get_checkpoint(request.clone()))
        .await??
        .into_inner()
        .checkpoint
        .context("checkpoint 3")?;
    let over_h2 = h2
        .ledger_client()
        .get_checkpoint(request)
        .await?
        .into_inner()
        .checkpoint
        .context("checkpoint 3 over HTTP/2")?;
    assert_eq!(over_web, over_h2);
    let ours = net
        .try_checkpoint(seq)
        .context("checkpoint 3 in the ledger")?;
    assert_eq!(over_web.transactions.len(), ours.transactions.len());
    let tx = over_web.transactions.first().context("a transaction")?;
    let events = tx.events.as_ref().map_or(0, |e| e.events.len());
    assert_eq!(events, ours.transactions[0].events.len());
    assert!(events > 0, "checkpoint 3's first transaction emits events");

    // The transaction by digest.
    let digest = tx.digest.clone().context("a transaction digest")?;
    let mut request = rpc::GetTransactionRequest::default();
    request.digest = Some(digest.clone());
    request.read_mask =
        proto::field_mask("digest,transaction.sender,effects.status,events,checkpoint");
    let got = timeout(LIMIT, web.get_transaction(request))
        .await??
        .into_inner()
        .transaction
        .context("the transaction")?;
    assert_eq!(got.digest.as_deref(), Some(digest.as_str()));
    assert_eq!(got.checkpoint, Some(seq));
    assert_eq!(got.events, tx.events);
    assert_eq!(
        got.effects.and_then(|e| e.status),
        tx.effects.clone().and_then(|e| e.status)
    );
    // The default mask is the digest alone, as on Sui.
    let mut request = rpc::GetTransactionRequest::default();
    request.digest = Some(digest.clone());
    let bare = web.get_transaction(request).await?.into_inner().transaction;
    assert_eq!(
        bare.map(|t| (t.digest, t.events)),
        Some((Some(digest), None))
    );
    let mut request = rpc::GetTransactionRequest::default();
    request.digest = Some(sui_sdk_types::Digest::new([9; 32]).to_string());
    let missing = web
        .get_transaction(request)
        .await
        .err()
        .context("not found")?;
    assert_eq!(missing.code(), tonic::Code::NotFound);

    // The epoch: the current one by default; an ended one with its checkpoint range.
    let current = web
        .get_epoch(rpc::GetEpochRequest::default())
        .await?
        .into_inner()
        .epoch
        .context("the epoch")?;
    assert_eq!(current.epoch, Some(u64::from(net.epoch())));
    let mut request = rpc::GetEpochRequest::default();
    request.epoch = Some(1);
    request.read_mask = proto::field_mask("epoch,first_checkpoint,last_checkpoint");
    let one = web
        .get_epoch(request)
        .await?
        .into_inner()
        .epoch
        .context("epoch 1")?;
    let in_epoch_1: Vec<u64> = (0..count)
        .filter(|s| net.try_checkpoint(*s).is_some_and(|c| c.epoch == 1))
        .collect();
    assert_eq!(one.first_checkpoint, in_epoch_1.first().copied());
    assert_eq!(one.last_checkpoint, in_epoch_1.last().copied());
    let mut request = rpc::GetEpochRequest::default();
    request.read_mask = proto::field_mask("epoch,reference_gas_price");
    let unknown = web
        .get_epoch(request)
        .await
        .err()
        .context("unimplemented")?;
    assert_eq!(unknown.code(), tonic::Code::Unimplemented);
    assert!(unknown.message().contains("reference_gas_price"));
    server.stop().await
}

/// A browser's CORS preflight for a gRPC-web call is answered with the caller's origin, the
/// method and headers it asked for, and the gRPC status headers exposed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_web_preflight_allows_browsers() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let net = Localnet::open(
        dir.path(),
        Scenario::from_json(DEVNET)?.genesis.context("genesis")?,
    )?;
    let server = Server::start(net).await?;
    let http1 = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<tonic::codegen::Bytes>>();
    let request = tonic::codegen::http::Request::builder()
        .method("OPTIONS")
        .uri(format!(
            "{}/sui.rpc.v2.LedgerService/GetServiceInfo",
            server.url
        ))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-grpc-web,x-user-agent",
        )
        .body(http_body_util::Empty::new())?;
    let response = timeout(LIMIT, http1.request(request)).await??;
    assert!(response.status().is_success(), "{}", response.status());
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    assert_eq!(
        header("access-control-allow-origin"),
        "http://localhost:5173"
    );
    assert!(header("access-control-allow-methods").contains("post"));
    assert!(header("access-control-allow-headers").contains("x-grpc-web"));
    server.stop().await
}

/// gRPC-web-text (base64 frames, for clients that cannot send binary bodies) on HTTP/1.1:
/// `GetServiceInfo` answers the same message as over HTTP/2, with `grpc-status: 0` in the
/// trailer frame.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_web_text_is_served() -> Result<()> {
    use base64::Engine;
    use http_body_util::BodyExt;
    use prost::Message;
    let b64 = base64::engine::general_purpose::STANDARD;
    let dir = tempfile::tempdir()?;
    let (net, _) = devnet(dir.path())?;
    let server = Server::start(net.clone()).await?;
    let http1 = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<tonic::codegen::Bytes>>();
    // One data frame: flag 0, a big-endian length, the (empty) request message.
    let request_body = rpc::GetServiceInfoRequest::default().encode_to_vec();
    let mut frame = vec![0u8];
    frame.extend_from_slice(&u32::try_from(request_body.len())?.to_be_bytes());
    frame.extend_from_slice(&request_body);
    let request = tonic::codegen::http::Request::builder()
        .method("POST")
        .uri(format!(
            "{}/sui.rpc.v2.LedgerService/GetServiceInfo",
            server.url
        ))
        .header("content-type", "application/grpc-web-text")
        .header("accept", "application/grpc-web-text")
        .header("x-grpc-web", "1")
        .body(http_body_util::Full::new(b64.encode(&frame).into()))?;
    let response = timeout(LIMIT, http1.request(request)).await??;
    assert!(response.status().is_success(), "{}", response.status());
    let content_type = response.headers().get("content-type").cloned();
    assert!(content_type.is_some_and(|v| v.as_bytes().starts_with(b"application/grpc-web-text")));
    let text = timeout(LIMIT, response.into_body().collect())
        .await??
        .to_bytes();
    // The body is base64 chunks, each padded: decode them four characters at a time.
    let mut bytes = Vec::new();
    for quantum in text.chunks(4) {
        bytes.extend(b64.decode(quantum)?);
    }
    let (mut data, mut trailer) = (None, None);
    let mut rest = bytes.as_slice();
    while rest.len() >= 5 {
        let len = u32::from_be_bytes([rest[1], rest[2], rest[3], rest[4]]) as usize;
        let body = rest.get(5..5 + len).context("a truncated frame")?;
        if rest[0] & 0x80 == 0 {
            data = Some(rpc::GetServiceInfoResponse::decode(body)?);
        } else {
            trailer = Some(String::from_utf8_lossy(body).to_ascii_lowercase());
        }
        rest = &rest[5 + len..];
    }
    let info = data.context("a data frame")?;
    let mut h2 = sui_rpc::Client::new(&server.url)?;
    let over_h2 = h2
        .ledger_client()
        .get_service_info(rpc::GetServiceInfoRequest::default())
        .await?
        .into_inner();
    assert_eq!(info, over_h2);
    assert!(trailer
        .context("a trailer frame")?
        .contains("grpc-status:0"));
    server.stop().await
}
