//! The pipelines: one per table, named after it, each a [`Processor`] turning decoded events
//! into that table's rows.
//!
//! Two kinds of table:
//! - append-only tables (one row per event: stake actions, payments, votes…), whose rows are
//!   inserted;
//! - keyed tables (one row per object: blobs, positions, nodes, epochs…), whose rows are
//!   patches: every column but the key is optional, a patch sets the columns it knows, and
//!   patches of the same key merge in chain order, in memory within a batch ([`Patch::merge`])
//!   and in the database across batches (an upsert keeping the stored value where the patch
//!   has none).
//!
//! [`Batch`] runs every processor over whole checkpoints; [`crate::store`] commits a batch and
//! the watermarks in one transaction.

use std::collections::BTreeMap;

use floe_economics::events::FloeEvent;

use crate::audit::{AuditState, Finding};
use crate::db::Db;
use crate::decode::{DecodedCheckpoint, Located};
use crate::ids::TooLarge;

pub mod blobs;
pub mod challenges;
pub mod checkpoints;
pub mod epochs;
pub mod governance;
pub mod nodes;
pub mod pool_epochs;
pub mod positions;
pub mod prices;
pub mod settlements;
pub mod stake_actions;
pub mod storage_payments;

diesel::define_sql_function! {
    /// SQL's `COALESCE(a, b)`: `a` unless it is NULL.
    fn coalesce<T: diesel::sql_types::SqlType + diesel::sql_types::SingleValue>(
        a: diesel::sql_types::Nullable<T>,
        b: diesel::sql_types::Nullable<T>,
    ) -> diesel::sql_types::Nullable<T>;
}

/// Rows per `INSERT` for a table of `columns` columns: within SQLite's 32,766 bound
/// parameters (and PostgreSQL's 65,535).
pub fn rows_per_statement(columns: usize) -> usize {
    (30_000 / columns.max(1)).max(1)
}

/// A table's rows as Rust values: written in bulk, read back whole in primary-key order.
#[allow(async_fn_in_trait)]
pub trait TableRows: Sized + serde::Serialize {
    /// The table's name.
    const TABLE: &'static str;
    /// Writes `rows` (inserts, or for keyed tables upserts merging with the stored row).
    async fn write(db: &mut Db, rows: &[Self]) -> diesel::QueryResult<()>
    where
        Self: Clone + Send + 'static,
    {
        match db {
            Db::Postgres(c) => Self::write_pg(c, rows).await,
            Db::Sqlite(c) => {
                let rows = rows.to_vec();
                c.spawn_blocking(move |conn| Self::write_sqlite(conn, &rows))
                    .await
            }
        }
    }
    /// Writes `rows` to PostgreSQL: multi-row statements.
    async fn write_pg(
        c: &mut diesel_async::AsyncPgConnection,
        rows: &[Self],
    ) -> diesel::QueryResult<()>;
    /// Writes `rows` to SQLite, on the connection's own thread: multi-row statements.
    fn write_sqlite(c: &mut diesel::SqliteConnection, rows: &[Self]) -> diesel::QueryResult<()>;
    /// Every row, in primary-key order.
    async fn dump(db: &mut Db) -> diesel::QueryResult<Vec<Self>>;
}

/// A row of a keyed table: a patch of the object's columns.
pub trait Patch {
    /// The primary key.
    type Key: Ord + Clone;
    /// This row's key.
    fn key(&self) -> Self::Key;
    /// Applies a later patch of the same key: its known columns win.
    fn merge(&mut self, later: Self);
}

/// A processor: what one pipeline makes of an event.
pub trait Processor {
    /// The pipeline's (and its table's) name.
    const NAME: &'static str;
    /// The rows it writes.
    type Row: TableRows;
    /// Appends the rows `event` gives (most events give none).
    fn process(&self, event: &Located, out: &mut Vec<Self::Row>) -> Result<(), TooLarge>;
}

/// Declares a keyed table's row type: the key columns, then the optional columns.
macro_rules! keyed_table {
    ($(#[$m:meta])* $row:ident in $table:ident {
        key: $($k:ident : $kt:ty),+ ;
        $( $f:ident : $t:ty ),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Default, PartialEq, Eq, diesel::Queryable, diesel::Selectable,
            diesel::Insertable, serde::Serialize, serde::Deserialize,
        )]
        #[diesel(table_name = crate::schema::$table, treat_none_as_default_value = false)]
        #[allow(missing_docs)]
        pub struct $row {
            $( pub $k: $kt, )+
            $( pub $f: Option<$t>, )*
        }

        impl $row {
            /// Columns of the table.
            pub const COLUMNS: usize = [$(stringify!($k)),+ $(, stringify!($f))*].len();
        }

        impl $crate::pipelines::Patch for $row {
            type Key = ($($kt,)+);
            fn key(&self) -> Self::Key {
                ($(self.$k.clone(),)+)
            }
            fn merge(&mut self, later: Self) {
                $( if later.$f.is_some() { self.$f = later.$f; } )*
            }
        }

        impl $crate::pipelines::TableRows for $row {
            const TABLE: &'static str = stringify!($table);

            async fn write_pg(
                c: &mut diesel_async::AsyncPgConnection,
                rows: &[Self],
            ) -> diesel::QueryResult<()> {
                use crate::schema::$table as t;
                use diesel::upsert::excluded;
                use diesel::ExpressionMethods;
                use diesel_async::RunQueryDsl;
                for chunk in rows.chunks($crate::pipelines::rows_per_statement(Self::COLUMNS)) {
                    diesel::insert_into(t::table)
                        .values(chunk)
                        .on_conflict(($(t::$k,)+))
                        .do_update()
                        .set(($(
                            t::$f.eq($crate::pipelines::coalesce(excluded(t::$f), t::$f)),
                        )*))
                        .execute(c)
                        .await?;
                }
                Ok(())
            }

            fn write_sqlite(
                c: &mut diesel::SqliteConnection,
                rows: &[Self],
            ) -> diesel::QueryResult<()> {
                use crate::schema::$table as t;
                use diesel::upsert::excluded;
                use diesel::ExpressionMethods;
                for chunk in rows.chunks($crate::pipelines::rows_per_statement(Self::COLUMNS)) {
                    diesel::RunQueryDsl::execute(
                        diesel::insert_into(t::table)
                            .values(chunk.to_vec())
                            .on_conflict(($(t::$k,)+))
                            .do_update()
                            .set(($(
                                t::$f.eq($crate::pipelines::coalesce(excluded(t::$f), t::$f)),
                            )*)),
                        c,
                    )?;
                }
                Ok(())
            }

            async fn dump(db: &mut $crate::db::Db) -> diesel::QueryResult<Vec<Self>> {
                use crate::schema::$table as t;
                use diesel::{QueryDsl, SelectableHelper};
                use diesel_async::RunQueryDsl;
                $crate::with_conn!(db, c => {
                    t::table.order(($(t::$k,)+)).select(Self::as_select()).load(c).await
                })
            }
        }
    };
}

/// Declares an append-only table's row type, ordered by `order` columns.
macro_rules! append_table {
    ($(#[$m:meta])* $row:ident in $table:ident order ($($o:ident),+) {
        $( $f:ident : $t:ty ),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, PartialEq, Eq, diesel::Queryable, diesel::Selectable,
            diesel::Insertable, serde::Serialize, serde::Deserialize,
        )]
        #[diesel(table_name = crate::schema::$table, treat_none_as_default_value = false)]
        #[allow(missing_docs)]
        pub struct $row {
            $( pub $f: $t, )*
        }

        impl $row {
            /// Columns of the table.
            pub const COLUMNS: usize = [$(stringify!($f)),*].len();
        }

        impl $crate::pipelines::TableRows for $row {
            const TABLE: &'static str = stringify!($table);

            async fn write_pg(
                c: &mut diesel_async::AsyncPgConnection,
                rows: &[Self],
            ) -> diesel::QueryResult<()> {
                use crate::schema::$table as t;
                use diesel_async::RunQueryDsl;
                for chunk in rows.chunks($crate::pipelines::rows_per_statement(Self::COLUMNS)) {
                    diesel::insert_into(t::table).values(chunk).execute(c).await?;
                }
                Ok(())
            }

            fn write_sqlite(
                c: &mut diesel::SqliteConnection,
                rows: &[Self],
            ) -> diesel::QueryResult<()> {
                use crate::schema::$table as t;
                for chunk in rows.chunks($crate::pipelines::rows_per_statement(Self::COLUMNS)) {
                    diesel::RunQueryDsl::execute(
                        diesel::insert_into(t::table).values(chunk.to_vec()),
                        c,
                    )?;
                }
                Ok(())
            }

            async fn dump(db: &mut $crate::db::Db) -> diesel::QueryResult<Vec<Self>> {
                use crate::schema::$table as t;
                use diesel::{QueryDsl, SelectableHelper};
                use diesel_async::RunQueryDsl;
                $crate::with_conn!(db, c => {
                    t::table.order(($(t::$o,)+)).select(Self::as_select()).load(c).await
                })
            }
        }
    };
}

pub(crate) use {append_table, keyed_table};

/// The rows of a keyed table in a batch, merged by key.
#[derive(Debug, Clone)]
pub struct Keyed<T: Patch>(BTreeMap<T::Key, T>);

impl<T: Patch> Default for Keyed<T> {
    fn default() -> Self {
        Keyed(BTreeMap::new())
    }
}

impl<T: Patch> Keyed<T> {
    /// Adds every patch of `later`, merging them into earlier ones of the same key.
    pub fn append(&mut self, later: Keyed<T>) {
        for (_, row) in later.0 {
            self.put(row);
        }
    }

    /// Adds a patch, merging it into an earlier one of the same key.
    pub fn put(&mut self, row: T) {
        match self.0.entry(row.key()) {
            std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().merge(row),
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(row);
            }
        }
    }

    /// The merged patch of `key`.
    pub fn get(&self, key: &T::Key) -> Option<&T> {
        self.0.get(key)
    }

    /// The merged patch of `key`, to change.
    pub fn get_mut(&mut self, key: &T::Key) -> Option<&mut T> {
        self.0.get_mut(key)
    }

    /// The merged rows, in key order.
    pub fn rows(&self) -> Vec<T>
    where
        T: Clone,
    {
        self.0.values().cloned().collect()
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Every pipeline's name (its table), in commit order; each has a watermark.
pub const PIPELINES: &[&str] = &[
    "checkpoints",
    "epochs",
    "nodes",
    "pool_epochs",
    "stake_actions",
    "positions",
    "blobs",
    "blob_attributes",
    "invalid_blobs",
    "shared_blobs",
    "storage_pools",
    "storage_payments",
    "price_votes",
    "wal_usd_rates",
    "challenges",
    "challenge_results",
    "settlements",
    "claims",
    "proposals",
    "votes",
];

/// The rows of one or more whole checkpoints, ready to commit.
#[derive(Debug, Default)]
pub struct Batch {
    /// The first checkpoint in the batch.
    pub first: Option<u64>,
    /// The last checkpoint in the batch and its transaction, time and epoch.
    pub last: Option<(u64, Option<u64>, u64, u32)>,
    /// Events kept.
    pub events: u64,
    #[allow(missing_docs)]
    pub checkpoints: Vec<checkpoints::CheckpointRow>,
    #[allow(missing_docs)]
    pub epochs: Keyed<epochs::EpochRow>,
    #[allow(missing_docs)]
    pub nodes: Keyed<nodes::NodeRow>,
    #[allow(missing_docs)]
    pub pool_epochs: Keyed<pool_epochs::PoolEpochRow>,
    #[allow(missing_docs)]
    pub stake_actions: Vec<stake_actions::StakeActionRow>,
    #[allow(missing_docs)]
    pub positions: Keyed<positions::PositionRow>,
    #[allow(missing_docs)]
    pub blobs: Keyed<blobs::BlobRow>,
    #[allow(missing_docs)]
    pub blob_attributes: Keyed<blobs::BlobAttributeRow>,
    #[allow(missing_docs)]
    pub invalid_blobs: Keyed<blobs::InvalidBlobRow>,
    #[allow(missing_docs)]
    pub shared_blobs: Keyed<blobs::SharedBlobRow>,
    #[allow(missing_docs)]
    pub storage_pools: Keyed<blobs::StoragePoolRow>,
    #[allow(missing_docs)]
    pub storage_payments: Vec<storage_payments::StoragePaymentRow>,
    #[allow(missing_docs)]
    pub price_votes: Vec<prices::PriceVoteRow>,
    #[allow(missing_docs)]
    pub wal_usd_rates: Vec<prices::WalUsdRateRow>,
    #[allow(missing_docs)]
    pub challenges: Keyed<challenges::ChallengeRow>,
    #[allow(missing_docs)]
    pub challenge_results: Keyed<challenges::ChallengeResultRow>,
    #[allow(missing_docs)]
    pub settlements: Keyed<settlements::SettlementRow>,
    #[allow(missing_docs)]
    pub claims: Vec<settlements::ClaimRow>,
    #[allow(missing_docs)]
    pub proposals: Keyed<governance::ProposalRow>,
    #[allow(missing_docs)]
    pub votes: Vec<governance::VoteRow>,
    /// Whether the settlement auditor saw events (its state is saved with the batch).
    pub audit_changed: bool,
    /// The settlement auditor's state after the batch, to commit with it.
    pub audit_state: Option<String>,
    /// The source's latest checkpoint as last seen, to commit with the batch.
    pub chain_tip: Option<u64>,
    /// Receipts split off in the batch whose parent's state at the split the batch does not
    /// know: the receipt whose value at the batch's start it is (a stored row).
    pub ancestors: BTreeMap<String, String>,
}

/// Runs `p` over `ev`, sending its rows to `sink`.
fn run<P: Processor>(
    p: P,
    ev: &Located,
    scratch: &mut Vec<P::Row>,
    mut sink: impl FnMut(P::Row),
) -> Result<(), TooLarge> {
    p.process(ev, scratch)?;
    scratch.drain(..).for_each(&mut sink);
    Ok(())
}

impl Batch {
    /// Whether the batch holds no checkpoint.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// Adds a whole checkpoint: its row and every pipeline's rows of its events. The
    /// settlement audit follows the events in `audit`.
    pub fn add(&mut self, cp: &DecodedCheckpoint, audit: &mut AuditState) -> Result<(), TooLarge> {
        self.checkpoints.push(checkpoints::CheckpointRow::of(cp)?);
        let mut audited = false;
        for ev in &cp.events {
            run(epochs::Epochs, ev, &mut Vec::new(), |r| self.epochs.put(r))?;
            run(nodes::Nodes, ev, &mut Vec::new(), |r| self.nodes.put(r))?;
            run(pool_epochs::PoolEpochs, ev, &mut Vec::new(), |r| {
                self.pool_epochs.put(r)
            })?;
            stake_actions::StakeActions.process(ev, &mut self.stake_actions)?;
            run(positions::Positions, ev, &mut Vec::new(), |r| {
                self.positions.put(r)
            })?;
            if let FloeEvent::StakedWalSplit(e) = &ev.event {
                // The split-off receipt takes what its parent was at the split; what the
                // parent's patch so far does not say is what the parent's own source (the
                // stored row, or for a receipt split off earlier in the batch, its ancestor's)
                // was at the start.
                let parent = crate::ids::object_id(&e.staked_wal_id);
                let child = crate::ids::object_id(&e.new_staked_wal_id);
                let known = self.positions.get(&(parent.clone(),)).cloned();
                if let Some(row) = self.positions.get_mut(&(child.clone(),)) {
                    positions::inherit_in_batch(row, known.as_ref());
                    if positions::lacks_inherited(row) {
                        let ancestor = self.ancestors.get(&parent).cloned().unwrap_or(parent);
                        self.ancestors.insert(child, ancestor);
                    }
                }
            }
            run(blobs::Blobs, ev, &mut Vec::new(), |r| self.blobs.put(r))?;
            run(blobs::BlobAttributes, ev, &mut Vec::new(), |r| {
                self.blob_attributes.put(r)
            })?;
            run(blobs::InvalidBlobs, ev, &mut Vec::new(), |r| {
                self.invalid_blobs.put(r)
            })?;
            run(blobs::SharedBlobs, ev, &mut Vec::new(), |r| {
                self.shared_blobs.put(r)
            })?;
            run(blobs::StoragePools, ev, &mut Vec::new(), |r| {
                self.storage_pools.put(r)
            })?;
            storage_payments::StoragePayments.process(ev, &mut self.storage_payments)?;
            prices::PriceVotes.process(ev, &mut self.price_votes)?;
            prices::WalUsdRates.process(ev, &mut self.wal_usd_rates)?;
            run(challenges::Challenges, ev, &mut Vec::new(), |r| {
                self.challenges.put(r)
            })?;
            run(challenges::ChallengeResults, ev, &mut Vec::new(), |r| {
                self.challenge_results.put(r)
            })?;
            run(governance::Proposals, ev, &mut Vec::new(), |r| {
                self.proposals.put(r)
            })?;
            governance::Votes.process(ev, &mut self.votes)?;
            // The audit sees every event in chain order; settlements and claims carry its verdicts.
            let finding = audit.process(&ev.event);
            audited = true;
            match (&ev.event, finding) {
                (FloeEvent::EpochSettled(s), Some(Finding::Settlement { outcome, .. })) => {
                    self.settlements
                        .put(settlements::SettlementRow::certified(ev, s, &outcome)?);
                }
                (
                    FloeEvent::EpochSettledByFallback(s),
                    Some(Finding::Settlement { outcome, .. }),
                ) => {
                    self.settlements
                        .put(settlements::SettlementRow::fallback(ev, s, &outcome)?);
                }
                (FloeEvent::EpochPotClosed(p), Some(Finding::Settlement { outcome, .. })) => {
                    self.settlements
                        .put(settlements::SettlementRow::at_epoch_change(
                            ev, p, &outcome,
                        )?);
                }
                (FloeEvent::RewardsClaimed(c), finding) => {
                    let difference = match finding {
                        Some(Finding::ClaimDiffers { difference, .. }) => Some(difference),
                        _ => None,
                    };
                    self.claims
                        .push(settlements::ClaimRow::of(ev, c, difference)?);
                }
                _ => {}
            }
        }
        self.audit_changed |= audited;
        self.events += cp.events.len() as u64;
        self.first.get_or_insert(cp.sequence_number);
        self.last = Some((cp.sequence_number, cp.last_tx, cp.timestamp_ms, cp.epoch));
        Ok(())
    }

    /// Appends a later batch (of the checkpoints that follow).
    pub fn append(&mut self, later: Batch) {
        if later.is_empty() {
            return;
        }
        self.first = self.first.or(later.first);
        self.last = later.last;
        self.events += later.events;
        self.checkpoints.extend(later.checkpoints);
        self.epochs.append(later.epochs);
        self.nodes.append(later.nodes);
        self.pool_epochs.append(later.pool_epochs);
        self.stake_actions.extend(later.stake_actions);
        // A receipt split off in `later` from a parent this batch already holds takes what
        // the split's own checkpoint did not know of the parent from here (its state as of the
        // end of the previous checkpoint); what is still missing comes from the stored row.
        let mut later_positions = later.positions;
        for (child, ancestor) in later.ancestors {
            let Some(row) = later_positions.get_mut(&(child.clone(),)) else {
                continue;
            };
            positions::inherit_in_batch(row, self.positions.get(&(ancestor.clone(),)));
            if positions::lacks_inherited(row) {
                let ancestor = self.ancestors.get(&ancestor).cloned().unwrap_or(ancestor);
                self.ancestors.insert(child, ancestor);
            }
        }
        self.positions.append(later_positions);
        self.blobs.append(later.blobs);
        self.blob_attributes.append(later.blob_attributes);
        self.invalid_blobs.append(later.invalid_blobs);
        self.shared_blobs.append(later.shared_blobs);
        self.storage_pools.append(later.storage_pools);
        self.storage_payments.extend(later.storage_payments);
        self.price_votes.extend(later.price_votes);
        self.wal_usd_rates.extend(later.wal_usd_rates);
        self.challenges.append(later.challenges);
        self.challenge_results.append(later.challenge_results);
        self.settlements.append(later.settlements);
        self.claims.extend(later.claims);
        self.proposals.append(later.proposals);
        self.votes.extend(later.votes);
        self.audit_changed |= later.audit_changed;
    }

    /// Writes every table's rows to PostgreSQL (inside the caller's transaction).
    pub async fn write_pg(
        &self,
        c: &mut diesel_async::AsyncPgConnection,
    ) -> diesel::QueryResult<()> {
        use TableRows as T;
        T::write_pg(c, &self.checkpoints).await?;
        T::write_pg(c, &self.epochs.rows()).await?;
        T::write_pg(c, &self.nodes.rows()).await?;
        T::write_pg(c, &self.pool_epochs.rows()).await?;
        T::write_pg(c, &self.stake_actions).await?;
        let mut positions = self.positions.rows();
        positions::inherit_from_pg(c, &mut positions, &self.ancestors).await?;
        T::write_pg(c, &positions).await?;
        T::write_pg(c, &self.blobs.rows()).await?;
        T::write_pg(c, &self.blob_attributes.rows()).await?;
        T::write_pg(c, &self.invalid_blobs.rows()).await?;
        T::write_pg(c, &self.shared_blobs.rows()).await?;
        T::write_pg(c, &self.storage_pools.rows()).await?;
        T::write_pg(c, &self.storage_payments).await?;
        T::write_pg(c, &self.price_votes).await?;
        T::write_pg(c, &self.wal_usd_rates).await?;
        T::write_pg(c, &self.challenges.rows()).await?;
        T::write_pg(c, &self.challenge_results.rows()).await?;
        T::write_pg(c, &self.settlements.rows()).await?;
        T::write_pg(c, &self.claims).await?;
        T::write_pg(c, &self.proposals.rows()).await?;
        T::write_pg(c, &self.votes).await?;
        Ok(())
    }

    /// Writes every table's rows to SQLite (inside the caller's transaction, on the
    /// connection's thread).
    pub fn write_sqlite(&self, c: &mut diesel::SqliteConnection) -> diesel::QueryResult<()> {
        use TableRows as T;
        T::write_sqlite(c, &self.checkpoints)?;
        T::write_sqlite(c, &self.epochs.rows())?;
        T::write_sqlite(c, &self.nodes.rows())?;
        T::write_sqlite(c, &self.pool_epochs.rows())?;
        T::write_sqlite(c, &self.stake_actions)?;
        let mut positions = self.positions.rows();
        positions::inherit_from_sqlite(c, &mut positions, &self.ancestors)?;
        T::write_sqlite(c, &positions)?;
        T::write_sqlite(c, &self.blobs.rows())?;
        T::write_sqlite(c, &self.blob_attributes.rows())?;
        T::write_sqlite(c, &self.invalid_blobs.rows())?;
        T::write_sqlite(c, &self.shared_blobs.rows())?;
        T::write_sqlite(c, &self.storage_pools.rows())?;
        T::write_sqlite(c, &self.storage_payments)?;
        T::write_sqlite(c, &self.price_votes)?;
        T::write_sqlite(c, &self.wal_usd_rates)?;
        T::write_sqlite(c, &self.challenges.rows())?;
        T::write_sqlite(c, &self.challenge_results.rows())?;
        T::write_sqlite(c, &self.settlements.rows())?;
        T::write_sqlite(c, &self.claims)?;
        T::write_sqlite(c, &self.proposals.rows())?;
        T::write_sqlite(c, &self.votes)?;
        Ok(())
    }
}

/// Every table's rows as JSON, table by table in primary-key order: what two indexes are
/// compared by.
pub async fn dump_all(db: &mut Db) -> diesel::QueryResult<Vec<(&'static str, serde_json::Value)>> {
    async fn one<T: TableRows>(
        db: &mut Db,
        out: &mut Vec<(&'static str, serde_json::Value)>,
    ) -> diesel::QueryResult<()> {
        let rows = T::dump(db).await?;
        out.push((T::TABLE, serde_json::to_value(rows).unwrap_or_default()));
        Ok(())
    }
    let mut out = Vec::new();
    one::<checkpoints::CheckpointRow>(db, &mut out).await?;
    one::<checkpoints::WatermarkRow>(db, &mut out).await?;
    one::<epochs::EpochRow>(db, &mut out).await?;
    one::<nodes::NodeRow>(db, &mut out).await?;
    one::<pool_epochs::PoolEpochRow>(db, &mut out).await?;
    one::<stake_actions::StakeActionRow>(db, &mut out).await?;
    one::<positions::PositionRow>(db, &mut out).await?;
    one::<blobs::BlobRow>(db, &mut out).await?;
    one::<blobs::BlobAttributeRow>(db, &mut out).await?;
    one::<blobs::InvalidBlobRow>(db, &mut out).await?;
    one::<blobs::SharedBlobRow>(db, &mut out).await?;
    one::<blobs::StoragePoolRow>(db, &mut out).await?;
    one::<storage_payments::StoragePaymentRow>(db, &mut out).await?;
    one::<prices::PriceVoteRow>(db, &mut out).await?;
    one::<prices::WalUsdRateRow>(db, &mut out).await?;
    one::<challenges::ChallengeRow>(db, &mut out).await?;
    one::<challenges::ChallengeResultRow>(db, &mut out).await?;
    one::<settlements::SettlementRow>(db, &mut out).await?;
    one::<settlements::ClaimRow>(db, &mut out).await?;
    one::<governance::ProposalRow>(db, &mut out).await?;
    one::<governance::VoteRow>(db, &mut out).await?;
    Ok(out)
}
