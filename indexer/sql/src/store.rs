//! Committing to the index: a batch of whole checkpoints, every pipeline's watermark and the
//! auditor's state in one transaction, so a crash at any point leaves the index at the end of
//! some committed checkpoint, and a restart resumes right after it.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::Db;
use crate::pipelines::checkpoints::WatermarkRow;
use crate::pipelines::{Batch, TableRows, PIPELINES};
use crate::schema::{pipeline_state, watermarks};

/// The pipeline state row holding the settlement auditor's state.
pub const AUDIT_STATE: &str = "settlement_audit";

/// The pipeline state row holding the chain's latest checkpoint as the indexer last saw it.
pub const CHAIN_TIP: &str = "chain_tip";

/// The `(name, value)` pipeline-state rows a batch commits.
fn states(batch: &Batch) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(state) = &batch.audit_state {
        out.push((AUDIT_STATE, state.clone()));
    }
    if let Some(tip) = batch.chain_tip {
        out.push((CHAIN_TIP, tip.to_string()));
    }
    out
}

/// Where the index stands: the last committed checkpoint of every pipeline (they commit
/// together, so they agree) and the chain it follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watermark {
    /// The chain's identifier.
    pub chain_id: String,
    /// The last committed checkpoint.
    pub checkpoint_hi: u64,
    /// That checkpoint's last transaction (chain position).
    pub tx_hi: u64,
    /// That checkpoint's time (ms).
    pub timestamp_ms_hi: u64,
    /// Its epoch.
    pub epoch_hi: u64,
}

/// The watermark, `None` on an empty index.
pub async fn watermark(db: &mut Db) -> QueryResult<Option<Watermark>> {
    let rows: Vec<WatermarkRow> = crate::with_conn!(db, c => {
        watermarks::table.select(WatermarkRow::as_select()).load(c).await
    })?;
    // Every pipeline commits in the same transaction; the lowest is where all are.
    Ok(rows
        .into_iter()
        .min_by_key(|r| r.checkpoint_hi)
        .map(|r| Watermark {
            chain_id: r.chain_id,
            checkpoint_hi: r.checkpoint_hi as u64,
            tx_hi: r.tx_hi as u64,
            timestamp_ms_hi: r.timestamp_ms_hi as u64,
            epoch_hi: r.epoch_hi as u64,
        }))
}

/// The stored state of pipeline `name`, if any.
pub async fn pipeline_state(db: &mut Db, name: &str) -> QueryResult<Option<String>> {
    crate::with_conn!(db, c => {
        pipeline_state::table
            .filter(pipeline_state::pipeline.eq(name))
            .select(pipeline_state::state)
            .first(c)
            .await
            .optional()
    })
}

/// Commits `batch` with the watermarks (`chain_id`, and `prev` where the batch has no
/// transaction) and the auditor's state, in one transaction.
pub async fn commit(
    db: &mut Db,
    batch: Batch,
    chain_id: &str,
    prev: Option<&Watermark>,
) -> QueryResult<()> {
    let Some((cp, last_tx, ts, epoch)) = batch.last else {
        return Ok(());
    };
    let tx_hi = last_tx.or(prev.map(|w| w.tx_hi)).unwrap_or(0);
    let overflow = |_| diesel::result::Error::SerializationError("a watermark above i64".into());
    let marks = PIPELINES
        .iter()
        .map(|p| {
            Ok(WatermarkRow {
                pipeline: (*p).into(),
                chain_id: chain_id.into(),
                checkpoint_hi: i64::try_from(cp).map_err(overflow)?,
                tx_hi: i64::try_from(tx_hi).map_err(overflow)?,
                timestamp_ms_hi: i64::try_from(ts).map_err(overflow)?,
                epoch_hi: epoch as i64,
            })
        })
        .collect::<QueryResult<Vec<_>>>()?;
    match db {
        Db::Sqlite(c) => {
            // The whole transaction on the connection's thread: one hop, not one per row.
            c.spawn_blocking(move |conn| {
                conn.immediate_transaction(|conn| {
                    batch.write_sqlite(conn)?;
                    diesel::RunQueryDsl::execute(diesel::delete(watermarks::table), conn)?;
                    WatermarkRow::write_sqlite(conn, &marks)?;
                    for (name, state) in states(&batch) {
                        diesel::RunQueryDsl::execute(
                            diesel::delete(
                                pipeline_state::table.filter(pipeline_state::pipeline.eq(name)),
                            ),
                            conn,
                        )?;
                        diesel::RunQueryDsl::execute(
                            diesel::insert_into(pipeline_state::table).values((
                                pipeline_state::pipeline.eq(name),
                                pipeline_state::state.eq(state),
                            )),
                            conn,
                        )?;
                    }
                    Ok(())
                })
            })
            .await
        }
        Db::Postgres(c) => {
            diesel::sql_query("BEGIN").execute(c).await?;
            let written = async {
                batch.write_pg(c).await?;
                diesel::delete(watermarks::table).execute(c).await?;
                WatermarkRow::write_pg(c, &marks).await?;
                for (name, state) in states(&batch) {
                    diesel::delete(pipeline_state::table.filter(pipeline_state::pipeline.eq(name)))
                        .execute(c)
                        .await?;
                    diesel::insert_into(pipeline_state::table)
                        .values((
                            pipeline_state::pipeline.eq(name),
                            pipeline_state::state.eq(state),
                        ))
                        .execute(c)
                        .await?;
                }
                Ok::<_, diesel::result::Error>(())
            }
            .await;
            match written {
                Ok(()) => diesel::sql_query("COMMIT").execute(c).await.map(|_| ()),
                Err(e) => {
                    if let Err(rollback) = diesel::sql_query("ROLLBACK").execute(c).await {
                        tracing::warn!("rollback after a failed commit: {rollback}");
                    }
                    Err(e)
                }
            }
        }
    }
}
