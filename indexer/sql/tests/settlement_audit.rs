//! The indexer audits every settlement: honest ones match the root recomputed from the
//! events; one certified by a quorum with a wrong root is flagged, naming the epoch, in the
//! table (and so in the views and the API).

mod common;

use floe_indexer_sql::db::DbUrl;
use floe_indexer_sql::ingest;
use floe_indexer_sql::pipelines::settlements::SettlementRow;
use floe_indexer_sql::pipelines::TableRows;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_settlement_is_flagged_and_honest_ones_pass() {
    let net = common::ledger();
    net.set_auto_seal(5);
    let a = common::genesis_actors(&net);
    for round in 1..=5 {
        // The third epoch's settlement is certified by the whole committee with a wrong root.
        common::epoch_of_activity(&net, &a, round, 3, round == 3);
    }
    net.seal().unwrap();
    let wrong_epoch = 3;

    for url in ["sqlite", "postgres"] {
        let dir = tempfile::tempdir().unwrap();
        let pg;
        let url = if url == "sqlite" {
            DbUrl::Sqlite(dir.path().join("index.db"))
        } else {
            pg = common::PgDatabase::create("audit").await;
            pg.url.clone()
        };
        let mut db = common::connect(&url).await;
        let n = net.checkpoint_count();
        ingest::run(
            net.clone(),
            &mut db,
            &common::config(n - 1),
            std::future::pending(),
        )
        .await
        .unwrap();
        let rows = SettlementRow::dump(&mut db).await.unwrap();
        assert!(rows.len() >= 4, "{rows:?}");
        for row in &rows {
            if row.epoch == wrong_epoch {
                assert_eq!(row.audit.as_deref(), Some("mismatch"), "{row:?}");
                let detail = row.audit_detail.clone().unwrap_or_default();
                assert!(detail.contains(&format!("epoch {wrong_epoch}")), "{detail}");
                assert_ne!(row.recomputed_root, row.entries_root);
            } else {
                assert_eq!(row.audit.as_deref(), Some("match"), "{row:?}");
                assert_eq!(row.recomputed_root, row.entries_root);
            }
        }
        // Every honest epoch's claims (the last of each epoch too) agree with the audit.
        let claims = floe_indexer_sql::pipelines::settlements::ClaimRow::dump(&mut db)
            .await
            .unwrap();
        assert!(claims.len() >= 12, "{claims:?}");
        assert!(
            claims.iter().all(|c| c.audit_detail.is_none()),
            "{claims:?}"
        );
        assert!(claims.iter().all(|c| c.epoch != wrong_epoch));
    }
}
