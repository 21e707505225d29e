-- Floe's analyst views: the common questions about the index, answered the same way by SQLite
-- and PostgreSQL. Rules every view follows, so both backends give identical rows:
-- * integer arithmetic only: ratios are basis points (1 bps = 0.01 %), `x * 10000 / y`
--   truncated, with a guard against division by zero and, where `x` may be large, against
--   overflow (`x / (y / 10000)` once `x * 10000` would leave BIGINT);
-- * every aggregate of BIGINT is cast back to BIGINT (PostgreSQL's SUM(bigint) is NUMERIC);
-- * no backend-specific function, no clock: "now" is the latest indexed epoch,
--   `(SELECT MAX(epoch) FROM checkpoints)`;
-- * amounts are FROST (1 WAL = 10^9 FROST), USD amounts nano-USD (10^-9 USD), sizes bytes;
--   prices in `epochs` are per MiB (of encoded storage) per epoch, GiB = 1024 MiB;
-- * a year is 26 epochs (Walrus mainnet's two-week epochs; `economics::sim`'s default).
-- Each view has a unique, non-NULL key (named in its comment): the API pages through views
-- by that key.

-- Indexes for the API's lookups: a staker's actions (on its receipts, and transfers from it)
-- and a proposal's votes.
CREATE INDEX stake_actions_by_receipt ON stake_actions (staked_wal_id);
CREATE INDEX stake_actions_by_other ON stake_actions (other_id);
CREATE INDEX votes_by_proposal ON votes (proposal_id);

-- v_freshness (key: chain_id): how fresh the index is: the watermark (the last committed
-- checkpoint, its time and epoch, on which chain) and how much was indexed. One row; none on an
-- empty index. The lag is `now − timestamp_ms` (the API's /health computes it).
CREATE VIEW v_freshness AS
SELECT w.chain_id AS chain_id,
       w.checkpoint_hi AS checkpoint,
       w.tx_hi AS tx_hi,
       w.timestamp_ms_hi AS timestamp_ms,
       w.epoch_hi AS epoch,
       (SELECT COUNT(*) FROM watermarks) AS pipelines,
       (SELECT COUNT(*) FROM checkpoints) AS checkpoints,
       (SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) FROM checkpoints) AS events,
       (SELECT CAST(COALESCE(SUM(skipped_events), 0) AS BIGINT) FROM checkpoints)
           AS skipped_events
FROM (SELECT * FROM watermarks ORDER BY checkpoint_hi, pipeline LIMIT 1) w;

-- v_stake_per_epoch (key: epoch): total stake per epoch: the pools' WAL balances as recorded
-- when they moved into the epoch, the committee's members, shards and stake, and the change
-- of the total from the previous epoch.
CREATE VIEW v_stake_per_epoch AS
WITH t AS (
    SELECT epoch,
           COUNT(wal_balance) AS pools,
           CAST(SUM(CASE WHEN shards > 0 THEN 1 ELSE 0 END) AS BIGINT) AS committee_nodes,
           CAST(COALESCE(SUM(shards), 0) AS BIGINT) AS shards,
           CAST(COALESCE(SUM(wal_balance), 0) AS BIGINT) AS total_stake,
           CAST(COALESCE(SUM(CASE WHEN shards > 0 THEN wal_balance ELSE 0 END), 0) AS BIGINT)
               AS committee_stake
    FROM pool_epochs
    GROUP BY epoch
)
SELECT epoch, pools, committee_nodes, shards, total_stake, committee_stake,
       total_stake - COALESCE(LAG(total_stake) OVER (ORDER BY epoch), 0) AS stake_change
FROM t;

-- v_node_stake (key: node_id): every node's latest stake (its last recorded WAL balance and
-- shares), its share of all nodes' stake, its shards in the latest committee and their share,
-- and its commission.
CREATE VIEW v_node_stake AS
WITH latest AS (
    SELECT node_id, epoch, wal_balance, num_shares,
           ROW_NUMBER() OVER (PARTITION BY node_id ORDER BY epoch DESC) AS rn
    FROM pool_epochs
    WHERE wal_balance IS NOT NULL
), committee AS (
    SELECT node_id, shards
    FROM pool_epochs
    WHERE shards > 0
      AND epoch = (SELECT MAX(epoch) FROM pool_epochs WHERE shards > 0)
), totals AS (
    SELECT (SELECT CAST(COALESCE(SUM(wal_balance), 0) AS BIGINT) FROM latest WHERE rn = 1)
               AS stake,
           (SELECT CAST(COALESCE(SUM(shards), 0) AS BIGINT) FROM committee) AS shards
), s AS (
    SELECT n.node_id AS node_id, n.name AS name, n.operator AS operator,
           n.commission_rate AS commission_bps,
           l.epoch AS stake_epoch,
           COALESCE(l.wal_balance, 0) AS stake,
           l.num_shares AS num_shares,
           COALESCE(c.shards, 0) AS shards,
           t.stake AS total_stake,
           t.shards AS total_shards
    FROM nodes n
    LEFT JOIN latest l ON l.node_id = n.node_id AND l.rn = 1
    LEFT JOIN committee c ON c.node_id = n.node_id
    CROSS JOIN totals t
)
SELECT node_id, name, operator, commission_bps, stake_epoch, stake, num_shares, shards,
       CASE WHEN total_stake <= 0 THEN 0
            WHEN stake < 922337203685477 THEN stake * 10000 / total_stake
            ELSE stake / (total_stake / 10000) END AS stake_share_bps,
       CASE WHEN total_shards <= 0 THEN 0 ELSE shards * 10000 / total_shards END
           AS shard_share_bps
FROM s;

-- v_nakamoto (key: epoch): decentralisation of each epoch's committee: the Nakamoto
-- coefficient by shards (the smallest number of nodes holding together more than a third of
-- the shards, enough to stall reads and writes) and by stake (more than a third of the
-- committee's stake), with the largest node's shards.
CREATE VIEW v_nakamoto AS
WITH c AS (
    SELECT epoch, node_id, shards, COALESCE(wal_balance, 0) AS stake
    FROM pool_epochs
    WHERE shards > 0
), r AS (
    SELECT epoch, shards, stake,
           ROW_NUMBER() OVER (PARTITION BY epoch ORDER BY shards DESC, node_id) AS shard_rank,
           CAST(SUM(shards) OVER (PARTITION BY epoch ORDER BY shards DESC, node_id
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS shards_cum,
           CAST(SUM(shards) OVER (PARTITION BY epoch) AS BIGINT) AS shards_total,
           ROW_NUMBER() OVER (PARTITION BY epoch ORDER BY stake DESC, node_id) AS stake_rank,
           CAST(SUM(stake) OVER (PARTITION BY epoch ORDER BY stake DESC, node_id
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS stake_cum,
           CAST(SUM(stake) OVER (PARTITION BY epoch) AS BIGINT) AS stake_total
    FROM c
)
SELECT epoch,
       COUNT(*) AS committee_nodes,
       MAX(shards_total) AS shards,
       MAX(shards) AS largest_node_shards,
       MIN(CASE WHEN shards_cum > shards_total / 3 THEN shard_rank END) AS nakamoto_shards,
       MAX(stake_total) AS committee_stake,
       MIN(CASE WHEN stake_total > 0 AND stake_cum > stake_total / 3 THEN stake_rank END)
           AS nakamoto_stake
FROM r
GROUP BY epoch;

-- v_commission_history (key: node_id, epoch): each node's commission rate (bps) as applied
-- when its pool moved into an epoch: its first rate and every change, with the rate before.
-- A change announced but not yet in force is `nodes.pending_commission_rate`.
CREATE VIEW v_commission_history AS
WITH r AS (
    SELECT node_id, epoch, commission_rate,
           LAG(commission_rate) OVER (PARTITION BY node_id ORDER BY epoch) AS previous
    FROM pool_epochs
    WHERE commission_rate IS NOT NULL
)
SELECT node_id, epoch, commission_rate AS commission_bps, previous AS previous_bps
FROM r
WHERE previous IS NULL OR previous <> commission_rate;

-- v_rewards_per_epoch (key: epoch): rewards earned in each settled epoch, from the claims of
-- its settlement: the stakers' part and the operators' commission, their running totals, and
-- the settlement's pot and burn.
CREATE VIEW v_rewards_per_epoch AS
WITH c AS (
    SELECT epoch,
           COUNT(*) AS claims,
           CAST(SUM(staker_reward) AS BIGINT) AS staker_rewards,
           CAST(SUM(commission) AS BIGINT) AS commission
    FROM claims
    GROUP BY epoch
), e AS (
    SELECT s.epoch AS epoch,
           COALESCE(c.claims, 0) AS claims,
           COALESCE(c.staker_rewards, 0) AS staker_rewards,
           COALESCE(c.commission, 0) AS commission,
           s.pot AS pot,
           s.burned AS burned
    FROM settlements s
    LEFT JOIN c ON c.epoch = s.epoch
)
SELECT epoch, claims, staker_rewards, commission, staker_rewards + commission AS rewards,
       CAST(SUM(staker_rewards) OVER (ORDER BY epoch) AS BIGINT) AS cumulative_staker_rewards,
       CAST(SUM(commission) OVER (ORDER BY epoch) AS BIGINT) AS cumulative_commission,
       pot, burned
FROM e;

-- v_pool_apy (key: node_id, epoch): each pool's yield from its exchange rate
-- (`wal_balance / num_shares`, what one share is worth) between consecutive recorded epochs:
-- `rate_ppb` is the rate × 10^9 (computed from both values scaled down by the same power of
-- ten, so no overflow and ~10^-8 precision), `epoch_bps` the growth per epoch (spread evenly
-- when epochs were skipped), `apr_bps` that × 26 and `apy_bps` compounded over 26 epochs
-- (fixed point at 10^-6; NULL when one epoch grew by 50 % or more, which is not a yield).
CREATE VIEW v_pool_apy AS
WITH scaled AS (
    SELECT node_id, epoch, wal_balance, num_shares,
           CASE WHEN num_shares < 1000000000 THEN 1
                WHEN num_shares < 10000000000 THEN 10
                WHEN num_shares < 100000000000 THEN 100
                WHEN num_shares < 1000000000000 THEN 1000
                WHEN num_shares < 10000000000000 THEN 10000
                WHEN num_shares < 100000000000000 THEN 100000
                WHEN num_shares < 1000000000000000 THEN 1000000
                WHEN num_shares < 10000000000000000 THEN 10000000
                WHEN num_shares < 100000000000000000 THEN 100000000
                WHEN num_shares < 1000000000000000000 THEN 1000000000
                ELSE 10000000000 END AS d
    FROM pool_epochs
    WHERE wal_balance IS NOT NULL AND num_shares > 0
), rates AS (
    SELECT node_id, epoch, wal_balance, num_shares,
           CASE WHEN wal_balance / d < 9000000000
                THEN (wal_balance / d) * 1000000000 / (num_shares / d) END AS rate_ppb
    FROM scaled
), steps AS (
    SELECT node_id, epoch, wal_balance, num_shares, rate_ppb,
           LAG(epoch) OVER (PARTITION BY node_id ORDER BY epoch) AS prev_epoch,
           LAG(rate_ppb) OVER (PARTITION BY node_id ORDER BY epoch) AS prev_rate_ppb
    FROM rates
), growth AS (
    SELECT node_id, epoch, wal_balance, num_shares, rate_ppb, prev_epoch,
           CASE WHEN prev_rate_ppb > 0 AND epoch > prev_epoch
                THEN (rate_ppb - prev_rate_ppb) * 10000 / prev_rate_ppb / (epoch - prev_epoch)
                END AS epoch_bps,
           CASE WHEN prev_rate_ppb > 0 AND epoch > prev_epoch
                THEN (rate_ppb - prev_rate_ppb) * 260000 / prev_rate_ppb / (epoch - prev_epoch)
                END AS apr_bps,
           CASE WHEN prev_rate_ppb > 0 AND epoch > prev_epoch
                THEN 1000000 + (rate_ppb - prev_rate_ppb) * 1000000 / prev_rate_ppb
                     / (epoch - prev_epoch)
                END AS g1
    FROM steps
), squared AS (
    SELECT node_id, epoch, wal_balance, num_shares, rate_ppb, prev_epoch, epoch_bps, apr_bps,
           CASE WHEN g1 >= 0 AND g1 < 1500000 THEN g1 * g1 / 1000000 END AS g2
    FROM growth
), eighth AS (
    SELECT node_id, epoch, wal_balance, num_shares, rate_ppb, prev_epoch, epoch_bps, apr_bps,
           g2, (g2 * g2 / 1000000) * (g2 * g2 / 1000000) / 1000000 AS g8
    FROM squared
)
-- g^26 = g^16 · g^8 · g^2
SELECT node_id, epoch, wal_balance, num_shares, rate_ppb, prev_epoch, epoch_bps, apr_bps,
       ((g8 * g8 / 1000000) * g8 / 1000000 * g2 / 1000000 - 1000000) / 100 AS apy_bps
FROM eighth;

-- v_stake_flow (key: epoch): stake moving in and out per epoch: deposits, withdrawal
-- requests, withdrawals (principal, and the rewards paid with them), the net flow
-- (deposits − withdrawals) and its running total, and the distinct depositors.
CREATE VIEW v_stake_flow AS
WITH f AS (
    SELECT epoch,
           CAST(SUM(CASE WHEN kind = 'deposit' THEN 1 ELSE 0 END) AS BIGINT) AS deposits,
           CAST(SUM(CASE WHEN kind = 'deposit' THEN amount ELSE 0 END) AS BIGINT)
               AS deposited,
           CAST(SUM(CASE WHEN kind = 'withdrawal_request' THEN amount ELSE 0 END) AS BIGINT)
               AS withdrawal_requested,
           CAST(SUM(CASE WHEN kind IN ('withdrawal', 'withdrawal_early') THEN 1 ELSE 0 END)
               AS BIGINT) AS withdrawals,
           CAST(SUM(CASE WHEN kind IN ('withdrawal', 'withdrawal_early') THEN amount ELSE 0 END)
               AS BIGINT) AS withdrawn,
           CAST(SUM(CASE WHEN kind IN ('withdrawal', 'withdrawal_early') THEN rewards ELSE 0 END)
               AS BIGINT) AS rewards_withdrawn,
           COUNT(DISTINCT CASE WHEN kind = 'deposit' THEN address END) AS depositors
    FROM stake_actions
    GROUP BY epoch
)
SELECT epoch, deposits, deposited, withdrawal_requested, withdrawals, withdrawn,
       rewards_withdrawn, deposited - withdrawn AS net_flow,
       CAST(SUM(deposited - withdrawn) OVER (ORDER BY epoch) AS BIGINT) AS cumulative_net_flow,
       depositors
FROM f;

-- v_stake_status (key: node_id): each pool's stake receipts now (at the latest indexed
-- epoch): active (staked and activated), pending (staked, activating in a later epoch) and
-- withdrawing (withdrawal requested), principal and count of each.
CREATE VIEW v_stake_status AS
WITH p AS (
    SELECT node_id, state, principal, activation_epoch,
           (SELECT MAX(epoch) FROM checkpoints) AS now_epoch
    FROM positions
    WHERE node_id IS NOT NULL
)
SELECT node_id,
       CAST(SUM(CASE WHEN state = 'staked' AND activation_epoch <= now_epoch THEN 1 ELSE 0 END)
           AS BIGINT) AS active_positions,
       CAST(COALESCE(SUM(CASE WHEN state = 'staked' AND activation_epoch <= now_epoch
                              THEN principal ELSE 0 END), 0) AS BIGINT) AS active_stake,
       CAST(SUM(CASE WHEN state = 'staked' AND activation_epoch > now_epoch THEN 1 ELSE 0 END)
           AS BIGINT) AS pending_positions,
       CAST(COALESCE(SUM(CASE WHEN state = 'staked' AND activation_epoch > now_epoch
                              THEN principal ELSE 0 END), 0) AS BIGINT) AS pending_stake,
       CAST(SUM(CASE WHEN state = 'withdrawing' THEN 1 ELSE 0 END) AS BIGINT)
           AS withdrawing_positions,
       CAST(COALESCE(SUM(CASE WHEN state = 'withdrawing' THEN principal ELSE 0 END), 0)
           AS BIGINT) AS withdrawing_stake
FROM p
GROUP BY node_id;

-- v_stakers (key: address): every address that ever held a receipt: its open receipts and
-- pools, its active, pending and withdrawing principal, the rewards it withdrew, and its rank
-- by stake (1 = largest; ties by address). Unique stakers: rows with `stake > 0`.
CREATE VIEW v_stakers AS
WITH s AS (
    SELECT owner AS address,
           CAST(SUM(CASE WHEN state IN ('staked', 'withdrawing') THEN 1 ELSE 0 END) AS BIGINT)
               AS open_positions,
           COUNT(DISTINCT CASE WHEN state IN ('staked', 'withdrawing') THEN node_id END)
               AS pools,
           CAST(COALESCE(SUM(CASE WHEN state = 'staked'
                                   AND activation_epoch <= (SELECT MAX(epoch) FROM checkpoints)
                                  THEN principal ELSE 0 END), 0) AS BIGINT) AS active_stake,
           CAST(COALESCE(SUM(CASE WHEN state = 'staked'
                                   AND activation_epoch > (SELECT MAX(epoch) FROM checkpoints)
                                  THEN principal ELSE 0 END), 0) AS BIGINT) AS pending_stake,
           CAST(COALESCE(SUM(CASE WHEN state = 'withdrawing' THEN principal ELSE 0 END), 0)
               AS BIGINT) AS withdrawing_stake,
           CAST(COALESCE(SUM(CASE WHEN state = 'withdrawn' THEN rewards ELSE 0 END), 0)
               AS BIGINT) AS rewards_withdrawn
    FROM positions
    WHERE owner IS NOT NULL
    GROUP BY owner
)
SELECT address, open_positions, pools, active_stake, pending_stake, withdrawing_stake,
       active_stake + pending_stake + withdrawing_stake AS stake, rewards_withdrawn,
       ROW_NUMBER() OVER (ORDER BY active_stake + pending_stake + withdrawing_stake DESC,
                          address) AS stake_rank
FROM s;

-- v_prices (key: epoch): each epoch's prices per GiB (1024 × the on-chain per-MiB prices;
-- storage is priced per GiB of encoded storage, RS2 stores ~4.5–5× the blob's size): storage
-- per epoch and per year (26 epochs) and writes, in FROST and in nano-USD, with the WAL/USD
-- rate (nano-USD per WAL) and the USD targets selected by the votes.
CREATE VIEW v_prices AS
SELECT epoch,
       storage_price * 1024 AS storage_frost_per_gib_epoch,
       storage_price * 1024 * 26 AS storage_frost_per_gib_year,
       write_price * 1024 AS write_frost_per_gib,
       storage_price_usd * 1024 AS storage_nano_usd_per_gib_epoch,
       storage_price_usd * 1024 * 26 AS storage_nano_usd_per_gib_year,
       write_price_usd * 1024 AS write_nano_usd_per_gib,
       wal_usd_rate AS wal_usd_nano,
       target_storage_price_usd * 1024 AS target_storage_nano_usd_per_gib_epoch,
       target_write_price_usd * 1024 AS target_write_nano_usd_per_gib
FROM epochs
WHERE storage_price IS NOT NULL OR storage_price_usd IS NOT NULL;

-- v_price_votes (key: epoch, node_id): each node's last votes in an epoch (storage and write
-- price in nano-USD per MiB, capacity in bytes, WAL/USD rate) beside the price in force that
-- epoch and the one selected for the next, and how far the storage vote is from the price in
-- force (bps, signed).
CREATE VIEW v_price_votes AS
SELECT v.epoch AS epoch, v.node_id AS node_id,
       v.storage_price_vote_usd AS storage_price_vote_usd,
       v.write_price_vote_usd AS write_price_vote_usd,
       v.capacity_vote AS capacity_vote,
       v.wal_usd_vote AS wal_usd_vote,
       e.storage_price_usd AS storage_price_usd,
       e.write_price_usd AS write_price_usd,
       n.storage_price_usd AS next_storage_price_usd,
       n.write_price_usd AS next_write_price_usd,
       CASE WHEN e.storage_price_usd > 0 AND v.storage_price_vote_usd < 922337203685477
            THEN (v.storage_price_vote_usd - e.storage_price_usd) * 10000 / e.storage_price_usd
            END AS storage_vote_deviation_bps
FROM pool_epochs v
LEFT JOIN epochs e ON e.epoch = v.epoch
LEFT JOIN epochs n ON n.epoch = v.epoch + 1
WHERE v.storage_price_vote_usd IS NOT NULL
   OR v.write_price_vote_usd IS NOT NULL
   OR v.capacity_vote IS NOT NULL
   OR v.wal_usd_vote IS NOT NULL;

-- v_capacity (key: epoch): storage capacity and its use per epoch: the capacity selected from
-- the nodes' votes, the votes' sum, the encoded bytes paid for in that epoch (storage
-- reservations covering it, and storage pools' reserved capacity) and the utilisation (bps).
CREATE VIEW v_capacity AS
WITH reserved AS (
    SELECT e.epoch AS epoch, CAST(SUM(p.storage_size) AS BIGINT) AS bytes
    FROM epochs e
    JOIN storage_payments p
      ON p.kind = 'reserve' AND p.start_epoch <= e.epoch AND e.epoch < p.end_epoch
    GROUP BY e.epoch
), pooled AS (
    SELECT e.epoch AS epoch, CAST(SUM(sp.reserved_encoded_capacity_bytes) AS BIGINT) AS bytes
    FROM epochs e
    JOIN storage_pools sp ON sp.start_epoch <= e.epoch AND e.epoch < sp.end_epoch
    GROUP BY e.epoch
), votes AS (
    SELECT epoch, COUNT(capacity_vote) AS votes,
           CAST(SUM(capacity_vote) AS BIGINT) AS voted_bytes
    FROM pool_epochs
    WHERE capacity_vote IS NOT NULL
    GROUP BY epoch
), c AS (
    SELECT e.epoch AS epoch,
           e.total_capacity_size AS capacity_bytes,
           COALESCE(v.votes, 0) AS capacity_votes,
           v.voted_bytes AS voted_bytes,
           COALESCE(r.bytes, 0) AS reserved_bytes,
           COALESCE(p.bytes, 0) AS pool_reserved_bytes
    FROM epochs e
    LEFT JOIN reserved r ON r.epoch = e.epoch
    LEFT JOIN pooled p ON p.epoch = e.epoch
    LEFT JOIN votes v ON v.epoch = e.epoch
    WHERE e.total_capacity_size IS NOT NULL
)
SELECT epoch, capacity_bytes, capacity_votes, voted_bytes, reserved_bytes,
       pool_reserved_bytes, reserved_bytes + pool_reserved_bytes AS used_bytes,
       CASE WHEN capacity_bytes <= 0 THEN NULL
            WHEN reserved_bytes + pool_reserved_bytes < 922337203685477
            THEN (reserved_bytes + pool_reserved_bytes) * 10000 / capacity_bytes
            ELSE (reserved_bytes + pool_reserved_bytes) / (capacity_bytes / 10000)
            END AS utilisation_bps
FROM c;

-- v_blob_activity (key: epoch): blobs per epoch: registered (and their bytes), certified,
-- deleted, burned, and expiring: blobs still stored (not deleted or burned) whose paid storage
-- ends at the start of that epoch, so future epochs list what is about to expire;
-- `epochs_from_now` is the epoch minus the latest indexed one.
CREATE VIEW v_blob_activity AS
WITH ev AS (
    SELECT registered_epoch AS epoch, 1 AS registered, 0 AS certified, 0 AS deleted,
           0 AS burned, 0 AS expiring, COALESCE(size, 0) AS registered_bytes,
           0 AS expiring_bytes
    FROM blobs WHERE registered_epoch IS NOT NULL
    UNION ALL
    SELECT certified_epoch, 0, 1, 0, 0, 0, 0, 0 FROM blobs WHERE certified_epoch IS NOT NULL
    UNION ALL
    SELECT deleted_epoch, 0, 0, 1, 0, 0, 0, 0 FROM blobs WHERE deleted_epoch IS NOT NULL
    UNION ALL
    SELECT burned_epoch, 0, 0, 0, 1, 0, 0, 0 FROM blobs WHERE burned_epoch IS NOT NULL
    UNION ALL
    SELECT end_epoch, 0, 0, 0, 0, 1, 0, COALESCE(size, 0)
    FROM blobs
    WHERE end_epoch IS NOT NULL AND certified_epoch IS NOT NULL
      AND deleted_epoch IS NULL AND burned_epoch IS NULL
)
SELECT epoch,
       CAST(SUM(registered) AS BIGINT) AS registered,
       CAST(SUM(registered_bytes) AS BIGINT) AS registered_bytes,
       CAST(SUM(certified) AS BIGINT) AS certified,
       CAST(SUM(deleted) AS BIGINT) AS deleted,
       CAST(SUM(burned) AS BIGINT) AS burned,
       CAST(SUM(expiring) AS BIGINT) AS expiring,
       CAST(SUM(expiring_bytes) AS BIGINT) AS expiring_bytes,
       epoch - (SELECT MAX(epoch) FROM checkpoints) AS epochs_from_now
FROM ev
GROUP BY epoch;

-- v_live_bytes (key: epoch): what is stored at the end of each epoch up to the latest: live
-- blobs (certified, not yet deleted, burned or expired), their unencoded bytes and their
-- encoded bytes, the exact RS2 length of each blob (`economics::storage_cost::
-- encoded_blob_length`) over the latest committee's shard count `n`:
-- `n × ((k_p + k_s) × symbol + 64 n + 32)`, `f = (n − 1) / 3`, `k_p = n − 2f`, `k_s = n − f`,
-- `symbol = ⌈max(size, 1) / (k_p k_s)⌉` rounded up to even. Pooled blobs live until their
-- pool ends.
CREATE VIEW v_live_bytes AS
WITH n AS (
    SELECT CAST(SUM(shards) AS BIGINT) AS n
    FROM pool_epochs
    WHERE shards > 0 AND epoch = (SELECT MAX(epoch) FROM pool_epochs WHERE shards > 0)
), k AS (
    SELECT n, n - 2 * ((n - 1) / 3) AS kp, n - (n - 1) / 3 AS ks FROM n WHERE n > 0
), b AS (
    SELECT b.certified_epoch AS born,
           CASE WHEN b.deleted_epoch IS NOT NULL THEN b.deleted_epoch
                WHEN b.burned_epoch IS NOT NULL
                     AND (COALESCE(b.end_epoch, sp.end_epoch) IS NULL
                          OR b.burned_epoch < COALESCE(b.end_epoch, sp.end_epoch))
                THEN b.burned_epoch
                ELSE COALESCE(b.end_epoch, sp.end_epoch) END AS gone,
           COALESCE(b.size, 0) AS size,
           (CASE WHEN COALESCE(b.size, 0) < 1 THEN 1 ELSE b.size END + k.kp * k.ks - 1)
               / (k.kp * k.ks) AS sym,
           k.n AS n, k.kp AS kp, k.ks AS ks
    FROM blobs b
    LEFT JOIN storage_pools sp ON sp.storage_pool_id = b.storage_pool_id
    CROSS JOIN k
    WHERE b.certified_epoch IS NOT NULL
), sized AS (
    SELECT born, gone, size, n * ((kp + ks) * (sym + sym % 2) + 64 * n + 32) AS encoded
    FROM b
), deltas AS (
    SELECT born AS epoch, 1 AS blobs, size AS bytes, encoded AS encoded_bytes FROM sized
    UNION ALL
    SELECT gone, -1, -size, -encoded FROM sized WHERE gone IS NOT NULL
), d AS (
    SELECT epoch, CAST(SUM(blobs) AS BIGINT) AS blobs, CAST(SUM(bytes) AS BIGINT) AS bytes,
           CAST(SUM(encoded_bytes) AS BIGINT) AS encoded_bytes
    FROM deltas
    GROUP BY epoch
), axis AS (
    SELECT epoch FROM epochs
    UNION SELECT epoch FROM checkpoints
    UNION SELECT epoch FROM d
)
SELECT a.epoch AS epoch,
       CAST(SUM(COALESCE(d.blobs, 0)) OVER (ORDER BY a.epoch) AS BIGINT) AS live_blobs,
       CAST(SUM(COALESCE(d.bytes, 0)) OVER (ORDER BY a.epoch) AS BIGINT) AS live_bytes,
       CAST(SUM(COALESCE(d.encoded_bytes, 0)) OVER (ORDER BY a.epoch) AS BIGINT)
           AS live_encoded_bytes
FROM axis a
LEFT JOIN d ON d.epoch = a.epoch
WHERE a.epoch <= (SELECT MAX(epoch) FROM checkpoints);

-- v_storage_revenue (key: epoch): what users paid for storage in each epoch, by kind
-- (reservations of storage for epoch ranges, write fees, extensions of shared blobs from their
-- funds), the encoded bytes reserved, and the running total.
CREATE VIEW v_storage_revenue AS
WITH r AS (
    SELECT epoch,
           COUNT(*) AS payments,
           CAST(SUM(CASE WHEN kind = 'reserve' THEN amount ELSE 0 END) AS BIGINT) AS reserve,
           CAST(SUM(CASE WHEN kind = 'write_fee' THEN amount ELSE 0 END) AS BIGINT)
               AS write_fees,
           CAST(SUM(CASE WHEN kind = 'shared_extension' THEN amount ELSE 0 END) AS BIGINT)
               AS shared_extensions,
           CAST(SUM(amount) AS BIGINT) AS total,
           CAST(COALESCE(SUM(CASE WHEN kind = 'reserve' THEN storage_size ELSE 0 END), 0)
               AS BIGINT) AS reserved_bytes,
           COUNT(DISTINCT payer) AS payers
    FROM storage_payments
    GROUP BY epoch
)
SELECT epoch, payments, payers, reserve, write_fees, shared_extensions, total, reserved_bytes,
       CAST(SUM(total) OVER (ORDER BY epoch) AS BIGINT) AS cumulative_total
FROM r;

-- v_node_performance (key: epoch, node_id): each node's performance per epoch: the factor
-- (bps) its settlement entry used, the shards it was paid for and its rewards (from its
-- claim), and the challenge results it submitted as a challenger (how many nodes it measured
-- and their mean pass rate, bps).
CREATE VIEW v_node_performance AS
WITH k AS (
    SELECT epoch, node_id FROM claims
    UNION SELECT epoch, node_id FROM challenge_results
)
SELECT k.epoch AS epoch, k.node_id AS node_id,
       c.shards AS shards,
       c.performance_bps AS performance_bps,
       c.staker_reward AS staker_reward,
       c.commission AS commission,
       r.nodes AS challenged_nodes,
       r.mean_pass_bps AS reported_mean_pass_bps
FROM k
LEFT JOIN claims c ON c.epoch = k.epoch AND c.node_id = k.node_id
LEFT JOIN challenge_results r ON r.epoch = k.epoch AND r.node_id = k.node_id;

-- v_challenges (key: epoch): storage challenges per epoch: the draw (challenges per shard,
-- answer window), how many challengers submitted results, their mean and lowest reported pass
-- rates (bps), and from the settlement's claims the mean performance factor and how many nodes
-- were paid less than full performance.
CREATE VIEW v_challenges AS
WITH r AS (
    SELECT epoch, COUNT(*) AS challengers,
           CAST(SUM(mean_pass_bps) AS BIGINT) / COUNT(*) AS mean_pass_bps,
           MIN(mean_pass_bps) AS min_pass_bps
    FROM challenge_results
    GROUP BY epoch
), p AS (
    SELECT epoch, COUNT(*) AS claims,
           CAST(SUM(performance_bps) AS BIGINT) / COUNT(*) AS mean_performance_bps,
           CAST(SUM(CASE WHEN performance_bps < 10000 THEN 1 ELSE 0 END) AS BIGINT)
               AS underperforming
    FROM claims
    GROUP BY epoch
), k AS (
    SELECT epoch FROM challenges
    UNION SELECT epoch FROM r
    UNION SELECT epoch FROM p
)
SELECT k.epoch AS epoch,
       ch.challenges_per_shard AS challenges_per_shard,
       ch.window_ms AS window_ms,
       COALESCE(r.challengers, 0) AS challengers,
       r.mean_pass_bps AS mean_pass_bps,
       r.min_pass_bps AS min_pass_bps,
       p.mean_performance_bps AS mean_performance_bps,
       COALESCE(p.underperforming, 0) AS underperforming_nodes
FROM k
LEFT JOIN challenges ch ON ch.epoch = k.epoch
LEFT JOIN r ON r.epoch = k.epoch
LEFT JOIN p ON p.epoch = k.epoch;

-- v_settlements (key: epoch): every settled epoch: how (`certified` by the committee or
-- `fallback`, `epoch_change`), the audit's verdict (`match`, `mismatch`, `unverifiable`), the
-- pot, burn and amount paid, the claims made against it and what is still outstanding
-- (certified: paid − claimed; a fallback or an epoch change pays directly), and claims differing from the audit.
CREATE VIEW v_settlements AS
WITH c AS (
    SELECT epoch, COUNT(*) AS claims,
           CAST(SUM(staker_reward + commission) AS BIGINT) AS claimed,
           CAST(SUM(CASE WHEN audit_detail IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT)
               AS claims_differing
    FROM claims
    GROUP BY epoch
)
SELECT s.epoch AS epoch, s.kind AS kind, s.audit AS audit, s.n_entries AS entries,
       COALESCE(c.claims, 0) AS claims,
       CASE WHEN s.n_entries IS NULL THEN 0 ELSE s.n_entries - COALESCE(c.claims, 0) END
           AS unclaimed_entries,
       s.pot AS pot, s.burned AS burned, s.paid AS paid,
       COALESCE(c.claimed, 0) AS claimed,
       CASE WHEN s.kind = 'certified' THEN COALESCE(s.paid, 0) - COALESCE(c.claimed, 0)
            ELSE 0 END AS outstanding,
       COALESCE(c.claims_differing, 0) AS claims_differing,
       s.signers_weight AS signers_weight,
       s.entries_root AS entries_root,
       s.recomputed_root AS recomputed_root,
       s.audit_detail AS audit_detail,
       s.settled_checkpoint AS settled_checkpoint
FROM settlements s
LEFT JOIN c ON c.epoch = s.epoch;

-- v_proposals (key: proposal_id): every governance proposal: what it changes, its window, the
-- vote tally (from its finalization, else from the votes so far), how many voted, the
-- turnout (voted stake / eligible stake, bps) and its status now (`open`,
-- `awaiting_finalization`, `rejected`, `passed`, `executed`).
CREATE VIEW v_proposals AS
WITH v AS (
    SELECT proposal_id, COUNT(*) AS votes, COUNT(DISTINCT voter) AS voters,
           CAST(SUM(CASE WHEN support THEN weight ELSE 0 END) AS BIGINT) AS weight_for,
           CAST(SUM(CASE WHEN support THEN 0 ELSE weight END) AS BIGINT) AS weight_against
    FROM votes
    GROUP BY proposal_id
), t AS (
    SELECT p.proposal_id AS proposal_id, p.parameter AS parameter,
           p.proposed_values AS proposed_values, p.proposer AS proposer,
           p.created_epoch AS created_epoch, p.voting_end_epoch AS voting_end_epoch,
           p.eligible_stake AS eligible_stake,
           COALESCE(v.votes, 0) AS votes, COALESCE(v.voters, 0) AS voters,
           COALESCE(p.votes_for, v.weight_for, 0) AS votes_for,
           COALESCE(p.votes_against, v.weight_against, 0) AS votes_against,
           p.finalized_epoch AS finalized_epoch, p.passed AS passed,
           p.executable_epoch AS executable_epoch, p.executed_epoch AS executed_epoch
    FROM proposals p
    LEFT JOIN v ON v.proposal_id = p.proposal_id
)
SELECT proposal_id, parameter, proposed_values, proposer, created_epoch, voting_end_epoch,
       eligible_stake, votes, voters, votes_for, votes_against,
       CASE WHEN eligible_stake IS NULL OR eligible_stake <= 0 THEN NULL
            WHEN votes_for + votes_against < 922337203685477
            THEN (votes_for + votes_against) * 10000 / eligible_stake
            ELSE (votes_for + votes_against) / (eligible_stake / 10000) END AS turnout_bps,
       finalized_epoch, passed, executable_epoch, executed_epoch,
       CASE WHEN executed_epoch IS NOT NULL THEN 'executed'
            WHEN finalized_epoch IS NOT NULL AND passed THEN 'passed'
            WHEN finalized_epoch IS NOT NULL THEN 'rejected'
            WHEN voting_end_epoch IS NULL
                 OR voting_end_epoch >= (SELECT MAX(epoch) FROM checkpoints) THEN 'open'
            ELSE 'awaiting_finalization' END AS status
FROM t;
