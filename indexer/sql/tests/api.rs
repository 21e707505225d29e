//! The analyst surface on both backends: the same checkpoints indexed into a real SQLite file
//! and a real PostgreSQL database give the same rows from every view and the same JSON from
//! every HTTP endpoint (real servers on loopback), pages walk every row once, the OpenAPI
//! document lists the paths, and malformed requests get a 4xx with a reason, never a 5xx.

mod common;

use std::collections::BTreeSet;

use floe_indexer::checkpoint_files::CheckpointFiles;
use floe_indexer_sql::db::DbUrl;
use floe_indexer_sql::{api, ingest, query};
use serde_json::Value;

/// A server on 127.0.0.1, stopped by [`Server::stop`].
struct Server {
    base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(url: DbUrl) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(api::serve(url, listener, async move {
            stopped.await.ok();
        }));
        Server { base, stop, task }
    }

    async fn stop(self) {
        self.stop.send(()).ok();
        tokio::time::timeout(std::time::Duration::from_secs(30), self.task)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

/// GET `path`: the status and the JSON body (every answer is JSON).
async fn get(client: &reqwest::Client, base: &str, path: &str) -> (u16, Value) {
    let r = client
        .get(format!("{base}{path}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("GET {path}: {status} not JSON ({e}): {text}"));
    (status, body)
}

/// GET `path` from both servers: the same status and body (`/health`'s lag aside).
async fn same(client: &reqwest::Client, a: &str, b: &str, path: &str) -> (u16, Value) {
    let (sa, mut ja) = get(client, a, path).await;
    let (sb, mut jb) = get(client, b, path).await;
    if path == "/health" {
        for j in [&mut ja, &mut jb] {
            j.as_object_mut().map(|o| o.remove("lag_ms"));
        }
    }
    assert_eq!(sa, sb, "{path}: status differs");
    assert_eq!(ja, jb, "{path}: SQLite and PostgreSQL answer differently");
    (sa, ja)
}

fn with_param(path: &str, param: &str) -> String {
    format!(
        "{path}{}{param}",
        if path.contains('?') { '&' } else { '?' }
    )
}

/// Every row of list `path`, page by page with `?limit=2`; checks every row comes once and
/// the pages equal one big page.
async fn walk(client: &reqwest::Client, base: &str, path: &str) -> Vec<Value> {
    let (status, whole) = get(client, base, &with_param(path, "limit=1000")).await;
    assert_eq!(status, 200, "{path}: {whole}");
    assert_eq!(whole["next"], Value::Null, "{path}: fits one page");
    let mut rows = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..10_000 {
        let p = match &next {
            None => with_param(path, "limit=2"),
            Some(c) => with_param(path, &format!("limit=2&after={c}")),
        };
        let (status, page) = get(client, base, &p).await;
        assert_eq!(status, 200, "{p}: {page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2, "{p}");
        rows.extend(items.iter().cloned());
        match &page["next"] {
            Value::String(c) => {
                assert_eq!(items.len(), 2, "{p}: a page before the last is full");
                next = Some(c.clone());
            }
            Value::Null => break,
            other => panic!("{p}: next = {other}"),
        }
    }
    assert_eq!(&rows, whole["items"].as_array().unwrap(), "{path}: pages");
    let distinct: BTreeSet<String> = rows.iter().map(|r| r.to_string()).collect();
    assert_eq!(distinct.len(), rows.len(), "{path}: a row twice");
    rows
}

/// Walks `path` on both servers: the same rows.
async fn walk_both(client: &reqwest::Client, a: &str, b: &str, path: &str) -> Vec<Value> {
    let left = walk(client, a, path).await;
    let right = walk(client, b, path).await;
    assert_eq!(left, right, "{path}: SQLite and PostgreSQL pages differ");
    left
}

fn strings(rows: &[Value], field: &str) -> Vec<String> {
    rows.iter()
        .filter_map(|r| r[field].as_str().map(String::from))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_and_api_answer_the_same_on_sqlite_and_postgres() {
    let net = common::story(4, 6);
    let dir = tempfile::tempdir().unwrap();
    let (files, n) = common::export_files(&net, dir.path());
    let source = CheckpointFiles::new(&files, None);
    let sqlite_url = DbUrl::Sqlite(dir.path().join("index.db"));
    let mut sqlite = common::connect(&sqlite_url).await;
    let pg = common::PgDatabase::create("api").await;
    let mut postgres = common::connect(&pg.url).await;
    let config = common::config(n - 1);
    ingest::run(source.clone(), &mut sqlite, &config, std::future::pending())
        .await
        .unwrap();
    ingest::run(source, &mut postgres, &config, std::future::pending())
        .await
        .unwrap();

    // Every view: the same rows on both backends, and most of them have some.
    let left = query::all_views(&mut sqlite).await.unwrap();
    let right = query::all_views(&mut postgres).await.unwrap();
    assert_eq!(left.len(), query::VIEWS.len());
    for ((view, l), (_, r)) in left.iter().zip(&right) {
        assert_eq!(l, r, "view {view} differs");
        let rows = l.as_array().map_or(0, |a| a.len());
        assert!(rows > 0, "view {view} is empty");
    }
    let by_name = |name: &str| {
        left.iter()
            .find(|(v, _)| *v == name)
            .and_then(|(_, rows)| rows.as_array().cloned())
            .unwrap_or_default()
    };
    assert!(by_name("v_settlements")
        .iter()
        .all(|s| s["audit"] == "match" && s["outstanding"] == 0));
    let nakamoto = by_name("v_nakamoto");
    assert!(
        nakamoto.iter().all(|e| e["nakamoto_shards"] == 1),
        "4 nodes, the largest holds > 1/3"
    );
    let live = by_name("v_live_bytes");
    let last = live.last().unwrap();
    assert!(last["live_blobs"].as_i64().unwrap() > 0);
    assert!(last["live_encoded_bytes"].as_i64() > last["live_bytes"].as_i64());
    drop((sqlite, postgres));

    let a = Server::start(sqlite_url.clone()).await;
    let b = Server::start(pg.url.clone()).await;
    let client = reqwest::Client::new();
    let (sa, sb) = (a.base.as_str(), b.base.as_str());

    // Health and the OpenAPI document.
    let (status, health) = same(&client, sa, sb, "/health").await;
    assert_eq!(status, 200);
    assert_eq!(health["checkpoint"].as_u64(), Some(n - 1));
    // The source's tip as the indexer saw it, committed with the data: caught up.
    assert_eq!(health["chain_tip"].as_u64(), Some(n - 1));
    assert_eq!(health["behind_checkpoints"].as_i64(), Some(0));
    let (_, full) = get(&client, sa, "/health").await;
    assert!(
        full["lag_ms"].as_i64().unwrap() > 0,
        "the story's clock is in 2023"
    );
    let (status, doc) = same(&client, sa, sb, "/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    for p in [
        "/health",
        "/api/v1/epochs",
        "/api/v1/nodes",
        "/api/v1/nodes/{node_id}",
        "/api/v1/stakers/{address}",
        "/api/v1/stakers/{address}/positions",
        "/api/v1/stakers/{address}/actions",
        "/api/v1/blobs",
        "/api/v1/blobs/{id}",
        "/api/v1/prices",
        "/api/v1/rewards",
        "/api/v1/settlements",
        "/api/v1/proposals",
        "/api/v1/proposals/{id}/votes",
        "/api/v1/views",
        "/api/v1/views/{name}",
    ] {
        assert!(paths.contains(p), "{p} missing from /openapi.json");
    }
    assert!(doc["components"]["schemas"]["Settlement"].is_object());

    // Lists: the same pages on both, walked two rows at a time.
    let epochs = walk_both(&client, sa, sb, "/api/v1/epochs").await;
    assert!(epochs.len() >= 5);
    let nodes = walk_both(&client, sa, sb, "/api/v1/nodes").await;
    assert_eq!(nodes.len(), 4);
    assert!(walk_both(&client, sa, sb, "/api/v1/prices").await.len() >= 4);
    assert_eq!(walk_both(&client, sa, sb, "/api/v1/rewards").await.len(), 4);
    let settlements = walk_both(&client, sa, sb, "/api/v1/settlements").await;
    assert!(settlements.iter().all(|s| s["audit"] == "match"));
    let proposals = walk_both(&client, sa, sb, "/api/v1/proposals").await;
    assert_eq!(proposals.len(), 1, "{proposals:?}");
    let id = proposals[0]["proposal_id"].as_i64().unwrap();
    let votes = walk_both(&client, sa, sb, &format!("/api/v1/proposals/{id}/votes")).await;
    assert_eq!(votes.len(), 3, "one vote per delegator: {votes:?}");
    let blobs = walk_both(&client, sa, sb, "/api/v1/blobs").await;
    assert_eq!(blobs.len(), 24);
    let owner = blobs[0]["owner"].as_str().unwrap().to_string();
    let owned = walk_both(&client, sa, sb, &format!("/api/v1/blobs?owner={owner}")).await;
    assert_eq!(owned.len(), 24);
    let soon = walk_both(&client, sa, sb, "/api/v1/blobs?expiring_within=1").await;
    let now = health["epoch"].as_i64().unwrap();
    assert!(!soon.is_empty());
    assert!(soon
        .iter()
        .all(|b| b["end_epoch"].as_i64() == Some(now + 1) && b["deleted_epoch"].is_null()));
    let later = walk_both(
        &client,
        sa,
        sb,
        &format!("/api/v1/blobs?expiring_within=3&owner={owner}"),
    )
    .await;
    assert!(later.len() > soon.len());
    for view in query::VIEWS {
        let rows = walk_both(&client, sa, sb, &format!("/api/v1/views/{}", view.name)).await;
        assert_eq!(
            Value::Array(rows),
            Value::Array(by_name(view.name)),
            "{}: the API serves the view",
            view.name
        );
    }
    let (_, listed) = same(&client, sa, sb, "/api/v1/views").await;
    assert_eq!(listed.as_array().unwrap().len(), query::VIEWS.len());

    // Details: every node, staker and blob.
    for id in strings(&nodes, "node_id") {
        let (status, detail) = same(&client, sa, sb, &format!("/api/v1/nodes/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(detail["node"]["node_id"], id.as_str());
        assert!(detail["history"].as_array().unwrap().len() >= 4);
        assert!(detail["stake"]["stake"].as_i64().unwrap() > 0);
        assert!(!detail["commission"].as_array().unwrap().is_empty());
    }
    let stakers = strings(&by_name("v_stakers"), "address");
    assert_eq!(stakers.len(), 7);
    for address in &stakers {
        let path = format!("/api/v1/stakers/{address}");
        let (status, detail) = same(&client, sa, sb, &path).await;
        assert_eq!(status, 200);
        assert_eq!(detail["summary"]["address"], address.as_str());
        let positions = walk_both(&client, sa, sb, &format!("{path}/positions")).await;
        let actions = walk_both(&client, sa, sb, &format!("{path}/actions")).await;
        assert!(!positions.is_empty() && !actions.is_empty(), "{address}");
        assert!(positions.iter().all(|p| p["owner"] == address.as_str()));
        let (_, first) = same(&client, sa, sb, &format!("{path}?limit=1")).await;
        assert_eq!(first["positions"]["items"][0], positions[0]);
        assert_eq!(first["actions"]["items"][0], actions[0]);
        assert_eq!(first["positions"]["next"].is_string(), positions.len() > 1);
    }
    let mut attributed = 0;
    for b in &blobs {
        let object = b["object_id"].as_str().unwrap();
        let (status, detail) = same(&client, sa, sb, &format!("/api/v1/blobs/{object}")).await;
        assert_eq!(status, 200);
        assert_eq!(detail["objects"][0]["blob"], *b);
        let attributes = detail["objects"][0]["attributes"].as_array().unwrap();
        if !attributes.is_empty() {
            assert_eq!(attributes[0]["key"], "content-type");
            attributed += 1;
        }
        let id = b["blob_id"].as_str().unwrap();
        let (status, by_id) = same(&client, sa, sb, &format!("/api/v1/blobs/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(by_id["blob_id"], id);
        assert!(by_id["objects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["blob"]["object_id"] == object));
    }
    assert_eq!(attributed, 8, "every third blob has an attribute");

    // Concurrent requests share the pool.
    let many = (0..24).map(|i| {
        let client = client.clone();
        let base = if i % 2 == 0 { sa } else { sb }.to_string();
        async move {
            get(&client, &base, "/api/v1/views/v_pool_apy?limit=3")
                .await
                .0
        }
    });
    assert!(futures::future::join_all(many)
        .await
        .into_iter()
        .all(|s| s == 200));

    // Malformed requests: 4xx with a reason, the same on both; never 5xx.
    let cursor_of_text = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"["0x1"]"#)
    };
    let unknown_blob = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 32])
    };
    let long = format!("0x{}", "1".repeat(65));
    let bad: Vec<(String, u16)> = vec![
        ("/api/v1/nodes/zzz".into(), 400),
        ("/api/v1/nodes/0x".into(), 400),
        (format!("/api/v1/nodes/{long}"), 400),
        ("/api/v1/nodes/%FF".into(), 400),
        ("/api/v1/nodes/0x1234".into(), 404),
        ("/api/v1/nodes?limit=0".into(), 400),
        ("/api/v1/epochs?limit=0".into(), 400),
        ("/api/v1/epochs?limit=100000".into(), 400),
        ("/api/v1/epochs?limit=abc".into(), 400),
        ("/api/v1/epochs?limit=-5".into(), 400),
        ("/api/v1/epochs?limit=".into(), 400),
        ("/api/v1/epochs?limit=1&limit=2".into(), 400),
        ("/api/v1/epochs?limit=%FF".into(), 400),
        ("/api/v1/epochs?after=garbage!!".into(), 400),
        ("/api/v1/epochs?after=".into(), 400),
        (format!("/api/v1/epochs?after={cursor_of_text}"), 400),
        ("/api/v1/epochs?bogus=1".into(), 400),
        ("/api/v1/views/v_nope".into(), 400),
        ("/api/v1/views/epochs".into(), 400),
        (
            format!("/api/v1/views/v_prices?after={cursor_of_text}"),
            400,
        ),
        ("/api/v1/views/v_prices?limit=1001".into(), 400),
        ("/api/v1/blobs/not-a-blob".into(), 400),
        ("/api/v1/blobs/0xzz".into(), 400),
        (format!("/api/v1/blobs/{unknown_blob}"), 404),
        ("/api/v1/blobs/0xabc".into(), 404),
        ("/api/v1/blobs?owner=nope".into(), 400),
        ("/api/v1/blobs?expiring_within=-1".into(), 400),
        ("/api/v1/blobs?expiring_within=abc".into(), 400),
        (
            "/api/v1/blobs?expiring_within=99999999999999999999".into(),
            400,
        ),
        ("/api/v1/stakers/xyz".into(), 400),
        ("/api/v1/stakers/0x999".into(), 404),
        ("/api/v1/stakers/0x999/positions?limit=0".into(), 400),
        ("/api/v1/stakers/nope/actions".into(), 400),
        ("/api/v1/proposals/abc/votes".into(), 400),
        ("/api/v1/proposals/-1/votes".into(), 400),
        ("/api/v1/proposals/99999999999999999999/votes".into(), 400),
        ("/api/v1/proposals/77/votes".into(), 404),
        ("/api/v1/proposals/1/votes?after=x".into(), 400),
        ("/nope".into(), 404),
        ("/api/v1/".into(), 404),
        ("/api/v2/epochs".into(), 404),
        ("/api/v1/nodes/0x1/extra".into(), 404),
    ];
    for (path, want) in &bad {
        let (status, body) = same(&client, sa, sb, path).await;
        assert_eq!(status, *want, "{path}: {body}");
        let reason = body["error"].as_str().unwrap_or_default();
        assert!(!reason.is_empty(), "{path}: no reason in {body}");
    }
    let (status, body) = get(&client, sa, "/api/v1/epochs?limit=abc").await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("limit"), "{body}");

    a.stop().await;
    b.stop().await;

    // An empty index is not healthy.
    let empty = Server::start(DbUrl::Sqlite(dir.path().join("empty.db"))).await;
    let (status, body) = get(&client, &empty.base, "/health").await;
    assert_eq!(status, 503, "{body}");
    let (status, body) = get(&client, &empty.base, "/api/v1/epochs").await;
    assert_eq!((status, body["items"].clone()), (200, Value::Array(vec![])));
    empty.stop().await;
}
