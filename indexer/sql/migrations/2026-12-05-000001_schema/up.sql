-- Floe's index: one schema for SQLite and PostgreSQL (types and syntax both accept).
-- Amounts are BIGINT FROST; prices in nano-USD are BIGINT; ids are text: objects and
-- addresses as 0x-prefixed lowercase hex, blob ids in Walrus's URL-safe base64 form.
-- Every row derived from an event names where it came from: the checkpoint, the
-- transaction's position in the chain (tx_seq) and the event's position in it (event_seq).

-- Ingestion.
CREATE TABLE checkpoints (
    sequence_number BIGINT PRIMARY KEY,
    timestamp_ms BIGINT NOT NULL,
    epoch BIGINT NOT NULL,
    transactions BIGINT NOT NULL,
    events BIGINT NOT NULL,
    skipped_events BIGINT NOT NULL
);
CREATE TABLE watermarks (
    pipeline TEXT PRIMARY KEY,
    chain_id TEXT NOT NULL,
    checkpoint_hi BIGINT NOT NULL,
    tx_hi BIGINT NOT NULL,
    timestamp_ms_hi BIGINT NOT NULL,
    epoch_hi BIGINT NOT NULL
);
-- Pipeline state that lives beside the data (the settlement auditor's inputs), as JSON.
CREATE TABLE pipeline_state (
    pipeline TEXT PRIMARY KEY,
    state TEXT NOT NULL
);

-- Epochs and prices.
CREATE TABLE epochs (
    epoch BIGINT PRIMARY KEY,
    start_checkpoint BIGINT,
    start_ms BIGINT,
    sync_done_ms BIGINT,
    committee_size BIGINT,
    storage_price BIGINT,
    write_price BIGINT,
    storage_price_usd BIGINT,
    write_price_usd BIGINT,
    target_storage_price_usd BIGINT,
    target_write_price_usd BIGINT,
    wal_usd_rate BIGINT,
    total_capacity_size BIGINT,
    pot_total BIGINT,
    pot_burned BIGINT,
    pot_distributed BIGINT
);

-- Storage nodes (staking pools).
CREATE TABLE nodes (
    node_id TEXT PRIMARY KEY,
    registered_epoch BIGINT,
    operator TEXT,
    name TEXT,
    network_address TEXT,
    public_key TEXT,
    commission_rate BIGINT,
    pending_commission_rate BIGINT,
    commission_effective_epoch BIGINT,
    commission_receiver TEXT
);
CREATE TABLE pool_epochs (
    node_id TEXT NOT NULL,
    epoch BIGINT NOT NULL,
    committee_index BIGINT,
    shards BIGINT,
    rewards BIGINT,
    commission BIGINT,
    commission_rate BIGINT,
    wal_balance BIGINT,
    num_shares BIGINT,
    storage_price_vote_usd BIGINT,
    write_price_vote_usd BIGINT,
    capacity_vote BIGINT,
    wal_usd_vote BIGINT,
    PRIMARY KEY (node_id, epoch)
);

-- Staking.
CREATE TABLE stake_actions (
    tx_seq BIGINT NOT NULL,
    event_seq BIGINT NOT NULL,
    checkpoint BIGINT NOT NULL,
    epoch BIGINT NOT NULL,
    kind TEXT NOT NULL,
    node_id TEXT,
    staked_wal_id TEXT,
    other_id TEXT,
    address TEXT,
    amount BIGINT NOT NULL,
    rewards BIGINT NOT NULL,
    PRIMARY KEY (tx_seq, event_seq)
);
CREATE INDEX stake_actions_by_node ON stake_actions (node_id, epoch);
CREATE INDEX stake_actions_by_address ON stake_actions (address);
CREATE TABLE positions (
    staked_wal_id TEXT PRIMARY KEY,
    owner TEXT,
    node_id TEXT,
    principal BIGINT,
    state TEXT,
    activation_epoch BIGINT,
    withdraw_epoch BIGINT,
    created_epoch BIGINT,
    updated_epoch BIGINT,
    rewards BIGINT,
    split_from TEXT
);
CREATE INDEX positions_by_owner ON positions (owner);

-- Blobs and storage.
CREATE TABLE blobs (
    object_id TEXT PRIMARY KEY,
    blob_id TEXT,
    owner TEXT,
    size BIGINT,
    encoding_type BIGINT,
    deletable BOOLEAN,
    registered_epoch BIGINT,
    certified_epoch BIGINT,
    end_epoch BIGINT,
    deleted_epoch BIGINT,
    burned_epoch BIGINT,
    storage_pool_id TEXT,
    updated_checkpoint BIGINT
);
CREATE INDEX blobs_by_blob_id ON blobs (blob_id);
CREATE INDEX blobs_by_owner ON blobs (owner);
CREATE INDEX blobs_by_end_epoch ON blobs (end_epoch);
CREATE TABLE blob_attributes (
    object_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT,
    removed BOOLEAN,
    PRIMARY KEY (object_id, key)
);
-- Blob ids that nodes holding more than a third of the shards certified invalid.
CREATE TABLE invalid_blobs (
    blob_id TEXT PRIMARY KEY,
    epoch BIGINT
);
CREATE TABLE shared_blobs (
    shared_blob_id TEXT PRIMARY KEY,
    object_id TEXT,
    blob_id TEXT,
    funds BIGINT,
    end_epoch BIGINT
);
CREATE TABLE storage_pools (
    storage_pool_id TEXT PRIMARY KEY,
    owner TEXT,
    reserved_encoded_capacity_bytes BIGINT,
    start_epoch BIGINT,
    end_epoch BIGINT
);
CREATE TABLE storage_payments (
    tx_seq BIGINT NOT NULL,
    event_seq BIGINT NOT NULL,
    checkpoint BIGINT NOT NULL,
    epoch BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payer TEXT NOT NULL,
    object_id TEXT NOT NULL,
    amount BIGINT NOT NULL,
    storage_size BIGINT,
    start_epoch BIGINT,
    end_epoch BIGINT,
    PRIMARY KEY (tx_seq, event_seq)
);

-- Price and capacity votes, WAL/USD reports and samples.
CREATE TABLE price_votes (
    tx_seq BIGINT NOT NULL,
    event_seq BIGINT NOT NULL,
    checkpoint BIGINT NOT NULL,
    epoch BIGINT NOT NULL,
    node_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    storage_price_usd BIGINT,
    write_price_usd BIGINT,
    node_capacity BIGINT,
    wal_usd_rate BIGINT,
    PRIMARY KEY (tx_seq, event_seq)
);
CREATE TABLE wal_usd_rates (
    tx_seq BIGINT NOT NULL,
    event_seq BIGINT NOT NULL,
    checkpoint BIGINT NOT NULL,
    epoch BIGINT NOT NULL,
    wal_usd_rate BIGINT NOT NULL,
    n_samples BIGINT NOT NULL,
    PRIMARY KEY (tx_seq, event_seq)
);

-- Challenges, settlements, claims.
CREATE TABLE challenges (
    epoch BIGINT PRIMARY KEY,
    seed TEXT,
    challenges_per_shard BIGINT,
    window_ms BIGINT
);
-- One challenger's measured pass rates (bps) of every committee node, in committee order.
CREATE TABLE challenge_results (
    epoch BIGINT NOT NULL,
    node_id TEXT NOT NULL,
    results TEXT,
    nodes BIGINT,
    mean_pass_bps BIGINT,
    PRIMARY KEY (epoch, node_id)
);
-- Each epoch's settlement (`certified` by the committee, paid by `fallback`, or paid at the
-- `epoch_change` when there is no settlement round) and its audit:
-- `match`, `mismatch` (the certified root is not the one recomputed from the events),
-- or `unverifiable` (the events do not determine it).
CREATE TABLE settlements (
    epoch BIGINT PRIMARY KEY,
    kind TEXT,
    n_entries BIGINT,
    pot BIGINT,
    burned BIGINT,
    paid BIGINT,
    entries_root TEXT,
    signers_weight BIGINT,
    audit TEXT,
    recomputed_root TEXT,
    audit_detail TEXT,
    settled_checkpoint BIGINT
);
CREATE TABLE claims (
    epoch BIGINT NOT NULL,
    node_id TEXT NOT NULL,
    checkpoint BIGINT NOT NULL,
    shards BIGINT NOT NULL,
    performance_bps BIGINT NOT NULL,
    staker_reward BIGINT NOT NULL,
    commission BIGINT NOT NULL,
    claimer TEXT NOT NULL,
    audit_detail TEXT,
    PRIMARY KEY (epoch, node_id)
);

-- Governance.
CREATE TABLE proposals (
    proposal_id BIGINT PRIMARY KEY,
    created_epoch BIGINT,
    proposer TEXT,
    staked_wal_id TEXT,
    parameter TEXT,
    proposed_values TEXT,
    voting_end_epoch BIGINT,
    eligible_stake BIGINT,
    finalized_epoch BIGINT,
    passed BOOLEAN,
    votes_for BIGINT,
    votes_against BIGINT,
    executable_epoch BIGINT,
    executed_epoch BIGINT
);
CREATE TABLE votes (
    proposal_id BIGINT NOT NULL,
    staked_wal_id TEXT NOT NULL,
    epoch BIGINT NOT NULL,
    voter TEXT NOT NULL,
    support BOOLEAN NOT NULL,
    weight BIGINT NOT NULL,
    tx_seq BIGINT NOT NULL,
    event_seq BIGINT NOT NULL,
    checkpoint BIGINT NOT NULL,
    PRIMARY KEY (tx_seq, event_seq)
);
