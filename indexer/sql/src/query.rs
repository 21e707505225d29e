//! The analyst surface's reads: one typed reader per view of the migration
//! `2026-12-05-000002_views` (its row type, and `v_xxx(db)` returning every row in key order),
//! the rows of the tables the HTTP API serves, and [`load`], the keyset-paged read both are
//! built on, written once for SQLite and PostgreSQL.
//!
//! Every view and table read here has a unique, non-NULL key: pages are "the rows after this
//! key, in key order", so a page boundary never moves when rows are inserted meanwhile.

use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, QueryableByName};
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};

use crate::db::Db;

/// The SQL type a column of Rust type `Self` is read as (the views have no schema to infer
/// it from).
pub trait SqlField {
    /// The diesel SQL type.
    type Sql;
}

impl SqlField for i64 {
    type Sql = BigInt;
}
impl SqlField for Option<i64> {
    type Sql = Nullable<BigInt>;
}
impl SqlField for String {
    type Sql = Text;
}
impl SqlField for Option<String> {
    type Sql = Nullable<Text>;
}
impl SqlField for bool {
    type Sql = Bool;
}
impl SqlField for Option<bool> {
    type Sql = Nullable<Bool>;
}

/// The type of a key column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    /// A `BIGINT`.
    Int,
    /// A `TEXT`.
    Text,
}

/// A column of a table's or view's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KeyColumn {
    /// The column's name.
    pub name: &'static str,
    /// Its type.
    pub kind: KeyKind,
}

impl KeyColumn {
    /// An integer key column.
    pub const fn int(name: &'static str) -> KeyColumn {
        KeyColumn {
            name,
            kind: KeyKind::Int,
        }
    }

    /// A text key column.
    pub const fn text(name: &'static str) -> KeyColumn {
        KeyColumn {
            name,
            kind: KeyKind::Text,
        }
    }
}

/// A value bound into a query: a key column's value or a condition's operand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A `BIGINT`.
    Int(i64),
    /// A `TEXT`.
    Text(String),
}

impl Value {
    /// Whether this value fits a column of `kind`.
    pub fn is(&self, kind: KeyKind) -> bool {
        matches!(
            (self, kind),
            (Value::Int(_), KeyKind::Int) | (Value::Text(_), KeyKind::Text)
        )
    }

    /// The value of column `column` of `row` (a row serialized to JSON), if it has the type
    /// `kind`.
    pub fn of_row(row: &serde_json::Value, column: &str, kind: KeyKind) -> Option<Value> {
        match (row.get(column)?, kind) {
            (serde_json::Value::Number(n), KeyKind::Int) => n.as_i64().map(Value::Int),
            (serde_json::Value::String(s), KeyKind::Text) => Some(Value::Text(s.clone())),
            _ => None,
        }
    }
}

/// A condition of a paged read: SQL text over the source's columns whose `{}`s are replaced,
/// in order, by placeholders bound to `values`.
#[derive(Debug, Clone)]
pub struct Condition {
    /// The SQL (from code, never from a request).
    pub sql: &'static str,
    /// The values bound to its `{}`s.
    pub values: Vec<Value>,
}

impl Condition {
    /// A condition binding `value` to every `{}` of `sql`.
    pub fn bind(sql: &'static str, value: Value) -> Condition {
        let values = vec![value; sql.matches("{}").count()];
        Condition { sql, values }
    }

    /// A condition without a parameter.
    pub fn raw(sql: &'static str) -> Condition {
        Condition {
            sql,
            values: Vec::new(),
        }
    }
}

/// A read of a table or view: the rows meeting `conditions` whose key comes after `after`,
/// in key order, at most `limit` of them.
#[derive(Debug, Clone)]
pub struct PageQuery<'a> {
    /// The table or view (a name from code, never from a request).
    pub from: &'a str,
    /// Its key.
    pub keys: &'a [KeyColumn],
    /// Conditions on the rows.
    pub conditions: Vec<Condition>,
    /// The key the rows must come after (as many values as `keys`, of their types).
    pub after: Option<Vec<Value>>,
    /// How many rows at most.
    pub limit: Option<i64>,
}

impl<'a> PageQuery<'a> {
    /// Every row of `from`, in the order of `keys`.
    pub fn new(from: &'a str, keys: &'a [KeyColumn]) -> PageQuery<'a> {
        PageQuery {
            from,
            keys,
            conditions: Vec::new(),
            after: None,
            limit: None,
        }
    }

    /// The SQL text, with placeholders made by `placeholder(n)` (n from 1), and the values
    /// to bind in order.
    fn sql(&self, placeholder: impl Fn(usize) -> String) -> QueryResult<(String, Vec<Value>)> {
        let mut binds = Vec::new();
        let next = |v: Value, binds: &mut Vec<Value>| {
            binds.push(v);
            placeholder(binds.len())
        };
        let mut wheres = Vec::new();
        for c in &self.conditions {
            let mut parts = c.sql.split("{}");
            let mut sql = parts.next().unwrap_or_default().to_string();
            for (part, v) in parts.zip(&c.values) {
                sql.push_str(&next(v.clone(), &mut binds));
                sql.push_str(part);
            }
            wheres.push(format!("({sql})"));
        }
        let keys: Vec<&str> = self.keys.iter().map(|k| k.name).collect();
        if let Some(after) = &self.after {
            let fits = after.len() == self.keys.len()
                && after.iter().zip(self.keys).all(|(v, k)| v.is(k.kind));
            if !fits {
                return Err(diesel::result::Error::QueryBuilderError(
                    format!("a key of {} is {:?}, not {after:?}", self.from, keys).into(),
                ));
            }
            let ps: Vec<String> = after.iter().map(|v| next(v.clone(), &mut binds)).collect();
            wheres.push(format!("({}) > ({})", keys.join(", "), ps.join(", ")));
        }
        let mut sql = format!("SELECT * FROM {}", self.from);
        if !wheres.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&wheres.join(" AND "));
        }
        if !keys.is_empty() {
            sql.push_str(" ORDER BY ");
            sql.push_str(&keys.join(", "));
        }
        if let Some(limit) = self.limit {
            let p = next(Value::Int(limit), &mut binds);
            sql.push_str(" LIMIT ");
            sql.push_str(&p);
        }
        Ok((sql, binds))
    }
}

/// `sql` with `binds` bound, for backend `DB`.
fn bound<DB>(sql: String, binds: Vec<Value>) -> BoxedSqlQuery<'static, DB, SqlQuery>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<BigInt>
        + diesel::sql_types::HasSqlType<Text>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    String: diesel::serialize::ToSql<Text, DB>,
{
    let mut q = diesel::sql_query(sql).into_boxed::<DB>();
    for b in binds {
        q = match b {
            Value::Int(i) => q.bind::<BigInt, _>(i),
            Value::Text(s) => q.bind::<Text, _>(s),
        };
    }
    q
}

/// Runs `q` on either backend.
pub async fn load<T>(db: &mut Db, q: &PageQuery<'_>) -> QueryResult<Vec<T>>
where
    T: QueryableByName<Pg> + QueryableByName<Sqlite> + Send + 'static,
{
    match db {
        Db::Postgres(c) => {
            let (sql, binds) = q.sql(|n| format!("${n}"))?;
            bound::<Pg>(sql, binds).load(c).await
        }
        Db::Sqlite(c) => {
            let (sql, binds) = q.sql(|_| "?".to_string())?;
            bound::<Sqlite>(sql, binds).load(c).await
        }
    }
}

/// `rows` as JSON values.
pub fn to_json<T: Serialize>(rows: Vec<T>) -> QueryResult<Vec<serde_json::Value>> {
    rows.into_iter()
        .map(|r| {
            serde_json::to_value(r).map_err(|e| diesel::result::Error::SerializationError(e.into()))
        })
        .collect()
}

/// A view: its name, key and what it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct View {
    /// Its name (`v_…`).
    pub name: &'static str,
    /// Its key: the order of its rows, and what pages are cut by.
    pub keys: &'static [KeyColumn],
    /// What it answers.
    pub doc: &'static str,
}

/// The view named `name`, if there is one.
pub fn view(name: &str) -> Option<&'static View> {
    VIEWS.iter().find(|v| v.name == name)
}

/// Declares the views' row types and readers, the [`VIEWS`] list, [`view_page`] and
/// [`all_views`].
macro_rules! views {
    ($(
        $(#[doc = $doc:literal])*
        $view:ident => $row:ident [$($key:ident : $kind:ident),+] {
            $( $(#[doc = $fdoc:literal])* $f:ident : $t:ty ),* $(,)?
        }
    )*) => {
        $(
            $(#[doc = $doc])*
            #[derive(
                Debug, Clone, PartialEq, Eq, QueryableByName, Serialize, Deserialize,
                utoipa::ToSchema,
            )]
            pub struct $row {
                $(
                    $(#[doc = $fdoc])*
                    #[diesel(sql_type = <$t as SqlField>::Sql)]
                    pub $f: $t,
                )*
            }

            impl $row {
                /// The view's key.
                pub const KEYS: &'static [KeyColumn] = &[$(KeyColumn {
                    name: stringify!($key),
                    kind: KeyKind::$kind,
                }),+];
            }

            #[doc = concat!("Every row of `", stringify!($view), "`, in key order.")]
            pub async fn $view(db: &mut Db) -> QueryResult<Vec<$row>> {
                load(db, &PageQuery::new(stringify!($view), $row::KEYS)).await
            }
        )*

        /// Every view, in the migration's order.
        pub const VIEWS: &[View] = &[$(View {
            name: stringify!($view),
            keys: $row::KEYS,
            doc: concat!($($doc, "\n"),*),
        }),*];

        /// The rows of `q` (whose `from` is a view of [`VIEWS`]) as JSON.
        pub async fn view_page(db: &mut Db, q: &PageQuery<'_>) -> QueryResult<Vec<serde_json::Value>> {
            match q.from {
                $( stringify!($view) => to_json(load::<$row>(db, q).await?), )*
                other => Err(diesel::result::Error::QueryBuilderError(
                    format!("no view {other:?}").into(),
                )),
            }
        }

        /// Every view's rows as JSON, view by view in key order: what two indexes are compared
        /// by.
        pub async fn all_views(db: &mut Db) -> QueryResult<Vec<(&'static str, serde_json::Value)>> {
            let mut out = Vec::new();
            $(
                let rows = to_json($view(db).await?)?;
                out.push((stringify!($view), serde_json::Value::Array(rows)));
            )*
            Ok(out)
        }
    };
}

views! {
    /// How fresh the index is: the watermark (last committed checkpoint, its time and epoch,
    /// the chain) and how much was indexed. One row; none on an empty index.
    v_freshness => Freshness [chain_id: Text] {
        /// The chain's identifier.
        chain_id: String,
        /// The last committed checkpoint.
        checkpoint: i64,
        /// Its last transaction (chain position).
        tx_hi: i64,
        /// Its time (ms since the Unix epoch).
        timestamp_ms: i64,
        /// Its epoch.
        epoch: i64,
        /// Pipelines with a watermark.
        pipelines: i64,
        /// Checkpoints indexed.
        checkpoints: i64,
        /// Events kept.
        events: i64,
        /// Events skipped (types of no configured package).
        skipped_events: i64,
    }

    /// Total stake per epoch: the pools' WAL balances as they moved into the epoch, the
    /// committee's members, shards and stake, and the change of the total.
    v_stake_per_epoch => StakePerEpoch [epoch: Int] {
        /// The epoch.
        epoch: i64,
        /// Pools with a recorded balance.
        pools: i64,
        /// Committee members (pools with shards).
        committee_nodes: i64,
        /// Shards of the committee.
        shards: i64,
        /// Stake of all recorded pools (FROST).
        total_stake: i64,
        /// Stake of the committee (FROST).
        committee_stake: i64,
        /// Change of `total_stake` from the previous row (FROST).
        stake_change: i64,
    }

    /// Every node's latest stake, its share of all stake, its shards in the latest committee
    /// and their share, and its commission.
    v_node_stake => NodeStake [node_id: Text] {
        /// The node (its staking pool's object id).
        node_id: String,
        /// Its name.
        name: Option<String>,
        /// Its operator's address.
        operator: Option<String>,
        /// Commission in force (bps).
        commission_bps: Option<i64>,
        /// The epoch of its latest recorded balance.
        stake_epoch: Option<i64>,
        /// Its latest WAL balance (FROST).
        stake: i64,
        /// Its pool's shares then.
        num_shares: Option<i64>,
        /// Its shards in the latest committee.
        shards: i64,
        /// Its share of all nodes' stake (bps).
        stake_share_bps: i64,
        /// Its share of the latest committee's shards (bps).
        shard_share_bps: i64,
    }

    /// Each committee's Nakamoto coefficient by shards (fewest nodes holding more than a
    /// third of the shards) and by stake, with the largest node's shards.
    v_nakamoto => Nakamoto [epoch: Int] {
        /// The epoch.
        epoch: i64,
        /// Committee members.
        committee_nodes: i64,
        /// Shards.
        shards: i64,
        /// Shards of the largest member.
        largest_node_shards: i64,
        /// Fewest members holding more than a third of the shards.
        nakamoto_shards: Option<i64>,
        /// The committee's stake (FROST).
        committee_stake: i64,
        /// Fewest members holding more than a third of the committee's stake.
        nakamoto_stake: Option<i64>,
    }

    /// Each node's commission rate as applied per epoch: the first and every change.
    v_commission_history => CommissionChange [node_id: Text, epoch: Int] {
        /// The node.
        node_id: String,
        /// The epoch the rate applied from.
        epoch: i64,
        /// The rate (bps).
        commission_bps: i64,
        /// The rate before (bps), none for the first.
        previous_bps: Option<i64>,
    }

    /// Rewards earned per settled epoch (from its claims): stakers' part and commission,
    /// running totals, the settlement's pot and burn.
    v_rewards_per_epoch => RewardsPerEpoch [epoch: Int] {
        /// The settled epoch.
        epoch: i64,
        /// Claims made.
        claims: i64,
        /// Rewards to stakers (FROST).
        staker_rewards: i64,
        /// Commission to operators (FROST).
        commission: i64,
        /// Both (FROST).
        rewards: i64,
        /// Stakers' rewards to date (FROST).
        cumulative_staker_rewards: i64,
        /// Commission to date (FROST).
        cumulative_commission: i64,
        /// The epoch's reward pot (FROST).
        pot: Option<i64>,
        /// Burned from it (FROST).
        burned: Option<i64>,
    }

    /// Each pool's yield from its exchange rate between consecutive recorded epochs: per
    /// epoch, simple annual (× 26) and compounded over 26 epochs, in bps.
    v_pool_apy => PoolApy [node_id: Text, epoch: Int] {
        /// The pool.
        node_id: String,
        /// The epoch.
        epoch: i64,
        /// Its WAL balance (FROST).
        wal_balance: i64,
        /// Its shares.
        num_shares: i64,
        /// FROST per share × 10^9.
        rate_ppb: Option<i64>,
        /// The previous recorded epoch.
        prev_epoch: Option<i64>,
        /// Growth of the rate per epoch since then (bps).
        epoch_bps: Option<i64>,
        /// That × 26 (bps).
        apr_bps: Option<i64>,
        /// That compounded over 26 epochs (bps).
        apy_bps: Option<i64>,
    }

    /// Stake moving in and out per epoch: deposits, withdrawal requests, withdrawals, the
    /// net flow and its running total.
    v_stake_flow => StakeFlow [epoch: Int] {
        /// The epoch.
        epoch: i64,
        /// Deposits made.
        deposits: i64,
        /// FROST deposited.
        deposited: i64,
        /// Principal whose withdrawal was requested (FROST).
        withdrawal_requested: i64,
        /// Withdrawals made.
        withdrawals: i64,
        /// Principal withdrawn (FROST).
        withdrawn: i64,
        /// Rewards paid with the withdrawals (FROST).
        rewards_withdrawn: i64,
        /// `deposited − withdrawn` (FROST).
        net_flow: i64,
        /// Net flow to date (FROST).
        cumulative_net_flow: i64,
        /// Distinct depositors.
        depositors: i64,
    }

    /// Each pool's receipts now: active, pending (activating later) and withdrawing.
    v_stake_status => StakeStatus [node_id: Text] {
        /// The pool.
        node_id: String,
        /// Active receipts.
        active_positions: i64,
        /// Their principal (FROST).
        active_stake: i64,
        /// Receipts activating in a later epoch.
        pending_positions: i64,
        /// Their principal (FROST).
        pending_stake: i64,
        /// Receipts being withdrawn.
        withdrawing_positions: i64,
        /// Their principal (FROST).
        withdrawing_stake: i64,
    }

    /// Every address that held a receipt: open receipts, pools, principal by state, rewards
    /// withdrawn, rank by stake.
    v_stakers => Staker [address: Text] {
        /// The address.
        address: String,
        /// Receipts staked or withdrawing.
        open_positions: i64,
        /// Pools of those.
        pools: i64,
        /// Active principal (FROST).
        active_stake: i64,
        /// Pending principal (FROST).
        pending_stake: i64,
        /// Principal being withdrawn (FROST).
        withdrawing_stake: i64,
        /// All three (FROST).
        stake: i64,
        /// Rewards withdrawn (FROST).
        rewards_withdrawn: i64,
        /// Rank by stake (1 = largest).
        stake_rank: i64,
    }

    /// Prices per GiB of encoded storage per epoch, in FROST and nano-USD, with the WAL/USD
    /// rate and the USD targets.
    v_prices => Prices [epoch: Int] {
        /// The epoch.
        epoch: i64,
        /// Storage, FROST per GiB per epoch.
        storage_frost_per_gib_epoch: Option<i64>,
        /// Storage, FROST per GiB per year (26 epochs).
        storage_frost_per_gib_year: Option<i64>,
        /// Writes, FROST per GiB.
        write_frost_per_gib: Option<i64>,
        /// Storage, nano-USD per GiB per epoch.
        storage_nano_usd_per_gib_epoch: Option<i64>,
        /// Storage, nano-USD per GiB per year (26 epochs).
        storage_nano_usd_per_gib_year: Option<i64>,
        /// Writes, nano-USD per GiB.
        write_nano_usd_per_gib: Option<i64>,
        /// The WAL/USD rate (nano-USD per WAL).
        wal_usd_nano: Option<i64>,
        /// Target storage price, nano-USD per GiB per epoch.
        target_storage_nano_usd_per_gib_epoch: Option<i64>,
        /// Target write price, nano-USD per GiB.
        target_write_nano_usd_per_gib: Option<i64>,
    }

    /// Each node's last votes in an epoch beside the prices in force and selected next.
    v_price_votes => PriceVote [epoch: Int, node_id: Text] {
        /// The epoch.
        epoch: i64,
        /// The voting node.
        node_id: String,
        /// Its storage price vote (nano-USD per MiB per epoch).
        storage_price_vote_usd: Option<i64>,
        /// Its write price vote (nano-USD per MiB).
        write_price_vote_usd: Option<i64>,
        /// Its capacity vote (bytes).
        capacity_vote: Option<i64>,
        /// Its WAL/USD report (nano-USD per WAL).
        wal_usd_vote: Option<i64>,
        /// Storage price in force (nano-USD per MiB per epoch).
        storage_price_usd: Option<i64>,
        /// Write price in force (nano-USD per MiB).
        write_price_usd: Option<i64>,
        /// Storage price selected for the next epoch.
        next_storage_price_usd: Option<i64>,
        /// Write price selected for the next epoch.
        next_write_price_usd: Option<i64>,
        /// The storage vote's distance from the price in force (bps, signed).
        storage_vote_deviation_bps: Option<i64>,
    }

    /// Capacity and its use per epoch: capacity selected, votes, encoded bytes paid for,
    /// utilisation.
    v_capacity => Capacity [epoch: Int] {
        /// The epoch.
        epoch: i64,
        /// Capacity selected from the votes (bytes).
        capacity_bytes: i64,
        /// Capacity votes.
        capacity_votes: i64,
        /// Their sum (bytes).
        voted_bytes: Option<i64>,
        /// Encoded bytes of storage reservations covering the epoch.
        reserved_bytes: i64,
        /// Encoded bytes reserved by storage pools covering the epoch.
        pool_reserved_bytes: i64,
        /// Both.
        used_bytes: i64,
        /// `used_bytes / capacity_bytes` (bps).
        utilisation_bps: Option<i64>,
    }

    /// Blobs per epoch: registered, certified, deleted, burned, and expiring (still stored,
    /// paid storage ending at that epoch), with the epoch's distance from now.
    v_blob_activity => BlobActivity [epoch: Int] {
        /// The epoch.
        epoch: i64,
        /// Blobs registered.
        registered: i64,
        /// Their unencoded bytes.
        registered_bytes: i64,
        /// Blobs certified.
        certified: i64,
        /// Blobs deleted.
        deleted: i64,
        /// Blobs burned.
        burned: i64,
        /// Stored blobs whose storage ends at this epoch.
        expiring: i64,
        /// Their unencoded bytes.
        expiring_bytes: i64,
        /// This epoch minus the latest indexed one.
        epochs_from_now: i64,
    }

    /// What is stored at the end of each epoch: live blobs, unencoded and encoded bytes.
    v_live_bytes => LiveBytes [epoch: Int] {
        /// The epoch.
        epoch: i64,
        /// Live (certified, not deleted, burned or expired) blobs.
        live_blobs: i64,
        /// Their unencoded bytes.
        live_bytes: i64,
        /// Their encoded bytes (RS2 over the latest committee's shard count).
        live_encoded_bytes: i64,
    }

    /// Storage payments per epoch by kind, bytes reserved, running total.
    v_storage_revenue => StorageRevenue [epoch: Int] {
        /// The epoch.
        epoch: i64,
        /// Payments.
        payments: i64,
        /// Distinct payers.
        payers: i64,
        /// Paid for storage reservations (FROST).
        reserve: i64,
        /// Paid in write fees (FROST).
        write_fees: i64,
        /// Paid from shared blobs' funds (FROST).
        shared_extensions: i64,
        /// All (FROST).
        total: i64,
        /// Encoded bytes reserved.
        reserved_bytes: i64,
        /// Total to date (FROST).
        cumulative_total: i64,
    }

    /// Each node's performance per epoch: its settled performance factor, shards and rewards,
    /// and the challenge results it submitted.
    v_node_performance => NodePerformance [epoch: Int, node_id: Text] {
        /// The epoch.
        epoch: i64,
        /// The node.
        node_id: String,
        /// Shards it was paid for.
        shards: Option<i64>,
        /// Its performance factor (bps).
        performance_bps: Option<i64>,
        /// Its stakers' reward (FROST).
        staker_reward: Option<i64>,
        /// Its commission (FROST).
        commission: Option<i64>,
        /// Nodes it measured as a challenger.
        challenged_nodes: Option<i64>,
        /// Their mean pass rate as it measured them (bps).
        reported_mean_pass_bps: Option<i64>,
    }

    /// Storage challenges per epoch: the draw, challengers, pass rates, performance.
    v_challenges => Challenges [epoch: Int] {
        /// The epoch.
        epoch: i64,
        /// Challenges per shard.
        challenges_per_shard: Option<i64>,
        /// Answer window (ms).
        window_ms: Option<i64>,
        /// Challengers who submitted results.
        challengers: i64,
        /// Mean of their reported mean pass rates (bps).
        mean_pass_bps: Option<i64>,
        /// The lowest reported mean pass rate (bps).
        min_pass_bps: Option<i64>,
        /// Mean settled performance factor (bps).
        mean_performance_bps: Option<i64>,
        /// Nodes paid for less than full performance.
        underperforming_nodes: i64,
    }

    /// Every settled epoch: how, the audit's verdict, pot, burn, paid, claimed, outstanding.
    v_settlements => Settlement [epoch: Int] {
        /// The settled epoch.
        epoch: i64,
        /// `certified` or `fallback`.
        kind: Option<String>,
        /// `match`, `mismatch` or `unverifiable`.
        audit: Option<String>,
        /// Entries of the settlement.
        entries: Option<i64>,
        /// Claims made.
        claims: i64,
        /// Entries not claimed yet.
        unclaimed_entries: i64,
        /// The reward pot (FROST).
        pot: Option<i64>,
        /// Burned (FROST).
        burned: Option<i64>,
        /// To be paid (FROST).
        paid: Option<i64>,
        /// Claimed (FROST).
        claimed: i64,
        /// Paid but not claimed yet (FROST).
        outstanding: i64,
        /// Claims differing from the recomputed entries.
        claims_differing: i64,
        /// The committee's weight (shards) that signed.
        signers_weight: Option<i64>,
        /// The certified entries root (hex).
        entries_root: Option<String>,
        /// The root recomputed from the events (hex).
        recomputed_root: Option<String>,
        /// What differs, or why it could not be verified.
        audit_detail: Option<String>,
        /// The checkpoint of the settlement.
        settled_checkpoint: Option<i64>,
    }

    /// Every governance proposal: the change, the tally, turnout and status.
    v_proposals => Proposal [proposal_id: Int] {
        /// The proposal.
        proposal_id: i64,
        /// The parameter it changes.
        parameter: Option<String>,
        /// Its proposed values (comma separated).
        proposed_values: Option<String>,
        /// Who proposed it.
        proposer: Option<String>,
        /// When.
        created_epoch: Option<i64>,
        /// The last epoch of voting.
        voting_end_epoch: Option<i64>,
        /// Stake eligible to vote (FROST).
        eligible_stake: Option<i64>,
        /// Votes cast.
        votes: i64,
        /// Distinct voters.
        voters: i64,
        /// Stake for (FROST).
        votes_for: i64,
        /// Stake against (FROST).
        votes_against: i64,
        /// Voted stake / eligible stake (bps).
        turnout_bps: Option<i64>,
        /// When it was finalized.
        finalized_epoch: Option<i64>,
        /// Whether it passed.
        passed: Option<bool>,
        /// From when it can be executed.
        executable_epoch: Option<i64>,
        /// When it was executed.
        executed_epoch: Option<i64>,
        /// `open`, `awaiting_finalization`, `rejected`, `passed` or `executed`.
        status: String,
    }
}

/// Declares a table's row type for the API (column types from [`crate::schema`]).
macro_rules! table_rows {
    ($(
        $(#[doc = $doc:literal])*
        $row:ident in $table:ident [$($key:ident : $kind:ident),+] {
            $( $(#[doc = $fdoc:literal])* $f:ident : $t:ty ),* $(,)?
        }
    )*) => {
        $(
            $(#[doc = $doc])*
            #[derive(
                Debug, Clone, PartialEq, Eq, QueryableByName, Serialize, Deserialize,
                utoipa::ToSchema,
            )]
            #[diesel(table_name = crate::schema::$table)]
            pub struct $row {
                $( $(#[doc = $fdoc])* pub $f: $t, )*
            }

            impl $row {
                /// The table.
                pub const TABLE: &'static str = stringify!($table);
                /// The table's key.
                pub const KEYS: &'static [KeyColumn] = &[$(KeyColumn {
                    name: stringify!($key),
                    kind: KeyKind::$kind,
                }),+];
            }
        )*
    };
}

table_rows! {
    /// An epoch: start, committee size, prices (FROST and nano-USD per MiB), WAL/USD rate,
    /// capacity, reward pot.
    Epoch in epochs [epoch: Int] {
        /// The epoch.
        epoch: i64,
        /// Its first checkpoint.
        start_checkpoint: Option<i64>,
        /// When it started (ms).
        start_ms: Option<i64>,
        /// When its shards were synced (ms).
        sync_done_ms: Option<i64>,
        /// Committee members.
        committee_size: Option<i64>,
        /// Storage price (FROST per MiB per epoch).
        storage_price: Option<i64>,
        /// Write price (FROST per MiB).
        write_price: Option<i64>,
        /// Storage price (nano-USD per MiB per epoch).
        storage_price_usd: Option<i64>,
        /// Write price (nano-USD per MiB).
        write_price_usd: Option<i64>,
        /// Target storage price (nano-USD).
        target_storage_price_usd: Option<i64>,
        /// Target write price (nano-USD).
        target_write_price_usd: Option<i64>,
        /// WAL/USD rate (nano-USD per WAL).
        wal_usd_rate: Option<i64>,
        /// Capacity (bytes).
        total_capacity_size: Option<i64>,
        /// Reward pot (FROST).
        pot_total: Option<i64>,
        /// Burned from it (FROST).
        pot_burned: Option<i64>,
        /// Distributed from it (FROST).
        pot_distributed: Option<i64>,
    }

    /// A storage node (staking pool).
    Node in nodes [node_id: Text] {
        /// The pool's object id.
        node_id: String,
        /// When it registered.
        registered_epoch: Option<i64>,
        /// Its operator.
        operator: Option<String>,
        /// Its name.
        name: Option<String>,
        /// Its network address.
        network_address: Option<String>,
        /// Its public key (hex).
        public_key: Option<String>,
        /// Commission in force (bps).
        commission_rate: Option<i64>,
        /// Commission announced (bps).
        pending_commission_rate: Option<i64>,
        /// From when the announced commission applies.
        commission_effective_epoch: Option<i64>,
        /// Who receives the commission.
        commission_receiver: Option<String>,
    }

    /// A pool in an epoch: committee place and shards, credit, stake, shares, votes.
    PoolEpoch in pool_epochs [node_id: Text, epoch: Int] {
        /// The pool.
        node_id: String,
        /// The epoch.
        epoch: i64,
        /// Its place in the committee.
        committee_index: Option<i64>,
        /// Its shards.
        shards: Option<i64>,
        /// Rewards credited as it moved into the epoch (FROST).
        rewards: Option<i64>,
        /// Commission then (FROST).
        commission: Option<i64>,
        /// Commission rate (bps).
        commission_rate: Option<i64>,
        /// WAL balance (FROST).
        wal_balance: Option<i64>,
        /// Shares.
        num_shares: Option<i64>,
        /// Storage price vote (nano-USD per MiB per epoch).
        storage_price_vote_usd: Option<i64>,
        /// Write price vote (nano-USD per MiB).
        write_price_vote_usd: Option<i64>,
        /// Capacity vote (bytes).
        capacity_vote: Option<i64>,
        /// WAL/USD report (nano-USD per WAL).
        wal_usd_vote: Option<i64>,
    }

    /// A staked-WAL receipt.
    Position in positions [staked_wal_id: Text] {
        /// The receipt's object id.
        staked_wal_id: String,
        /// Its owner.
        owner: Option<String>,
        /// Its pool.
        node_id: Option<String>,
        /// Its principal (FROST).
        principal: Option<i64>,
        /// `staked`, `withdrawing`, `withdrawn` or `joined`.
        state: Option<String>,
        /// The epoch it is active from.
        activation_epoch: Option<i64>,
        /// The epoch it can be withdrawn in.
        withdraw_epoch: Option<i64>,
        /// When it was made.
        created_epoch: Option<i64>,
        /// When it last changed.
        updated_epoch: Option<i64>,
        /// Rewards paid at its withdrawal (FROST).
        rewards: Option<i64>,
        /// The receipt it was split from.
        split_from: Option<String>,
    }

    /// A staking action.
    StakeAction in stake_actions [tx_seq: Int, event_seq: Int] {
        /// The transaction's position in the chain.
        tx_seq: i64,
        /// The event's position in it.
        event_seq: i64,
        /// The checkpoint.
        checkpoint: i64,
        /// The epoch.
        epoch: i64,
        /// `deposit`, `withdrawal_request`, `withdrawal`, `withdrawal_early`, `split`, `join`,
        /// `transfer` or `commission_collected`.
        kind: String,
        /// The pool.
        node_id: Option<String>,
        /// The receipt.
        staked_wal_id: Option<String>,
        /// The new receipt (split), the absorbed one (join), the previous owner (transfer).
        other_id: Option<String>,
        /// The staker, new owner (transfer) or commission receiver.
        address: Option<String>,
        /// Principal moved (FROST).
        amount: i64,
        /// Rewards paid (FROST).
        rewards: i64,
    }

    /// A blob object.
    Blob in blobs [object_id: Text] {
        /// The object id.
        object_id: String,
        /// The blob id (URL-safe base64).
        blob_id: Option<String>,
        /// Who registered it.
        owner: Option<String>,
        /// Unencoded size (bytes).
        size: Option<i64>,
        /// Encoding type.
        encoding_type: Option<i64>,
        /// Whether it can be deleted.
        deletable: Option<bool>,
        /// When it was registered.
        registered_epoch: Option<i64>,
        /// When it was certified.
        certified_epoch: Option<i64>,
        /// The first epoch it is no longer stored in.
        end_epoch: Option<i64>,
        /// When it was deleted.
        deleted_epoch: Option<i64>,
        /// When it was burned.
        burned_epoch: Option<i64>,
        /// Its storage pool, if pooled.
        storage_pool_id: Option<String>,
        /// The checkpoint of its last change.
        updated_checkpoint: Option<i64>,
    }

    /// An attribute of a blob object.
    BlobAttribute in blob_attributes [object_id: Text, key: Text] {
        /// The blob object.
        object_id: String,
        /// The attribute.
        key: String,
        /// Its (last) value.
        value: Option<String>,
        /// Whether it was removed.
        removed: Option<bool>,
    }

    /// A blob id certified invalid.
    InvalidBlob in invalid_blobs [blob_id: Text] {
        /// The blob id.
        blob_id: String,
        /// The epoch of the certificate.
        epoch: Option<i64>,
    }

    /// A vote on a proposal.
    Vote in votes [tx_seq: Int, event_seq: Int] {
        /// The proposal.
        proposal_id: i64,
        /// The receipt voting.
        staked_wal_id: String,
        /// The epoch.
        epoch: i64,
        /// The voter.
        voter: String,
        /// For (true) or against.
        support: bool,
        /// Its weight (FROST).
        weight: i64,
        /// The transaction's position in the chain.
        tx_seq: i64,
        /// The event's position in it.
        event_seq: i64,
        /// The checkpoint.
        checkpoint: i64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_keyset_reads() {
        let keys = [KeyColumn::int("epoch"), KeyColumn::text("node_id")];
        let mut q = PageQuery::new("v_price_votes", &keys);
        q.conditions.push(Condition::bind(
            "node_id = {} OR operator = {}",
            Value::Text("0x1".into()),
        ));
        q.conditions.push(Condition::raw("epoch > 0"));
        q.after = Some(vec![Value::Int(3), Value::Text("0x2".into())]);
        q.limit = Some(10);
        let (sql, binds) = q.sql(|n| format!("${n}")).unwrap();
        assert_eq!(
            sql,
            "SELECT * FROM v_price_votes WHERE (node_id = $1 OR operator = $2) AND (epoch > 0) \
             AND (epoch, node_id) > ($3, $4) ORDER BY epoch, node_id LIMIT $5"
        );
        assert_eq!(binds.len(), 5);
        q.after = Some(vec![Value::Text("3".into()), Value::Text("0x2".into())]);
        assert!(q.sql(|_| "?".into()).is_err());
    }

    #[test]
    fn every_view_is_listed_once() {
        let mut names: Vec<_> = VIEWS.iter().map(|v| v.name).collect();
        assert_eq!(names.len(), 20);
        names.dedup();
        assert_eq!(names.len(), 20);
        assert!(VIEWS
            .iter()
            .all(|v| v.name.starts_with("v_") && !v.doc.is_empty()));
        assert_eq!(view("v_prices").map(|v| v.keys), Some(Prices::KEYS));
        assert!(view("prices").is_none());
    }
}
