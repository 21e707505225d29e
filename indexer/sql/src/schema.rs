//! The tables of the index, as diesel sees them (the schema itself is `migrations/`).

#![allow(missing_docs)]

diesel::table! {
    checkpoints (sequence_number) {
        sequence_number -> BigInt,
        timestamp_ms -> BigInt,
        epoch -> BigInt,
        transactions -> BigInt,
        events -> BigInt,
        skipped_events -> BigInt,
    }
}

diesel::table! {
    watermarks (pipeline) {
        pipeline -> Text,
        chain_id -> Text,
        checkpoint_hi -> BigInt,
        tx_hi -> BigInt,
        timestamp_ms_hi -> BigInt,
        epoch_hi -> BigInt,
    }
}

diesel::table! {
    pipeline_state (pipeline) {
        pipeline -> Text,
        state -> Text,
    }
}

diesel::table! {
    epochs (epoch) {
        epoch -> BigInt,
        start_checkpoint -> Nullable<BigInt>,
        start_ms -> Nullable<BigInt>,
        sync_done_ms -> Nullable<BigInt>,
        committee_size -> Nullable<BigInt>,
        storage_price -> Nullable<BigInt>,
        write_price -> Nullable<BigInt>,
        storage_price_usd -> Nullable<BigInt>,
        write_price_usd -> Nullable<BigInt>,
        target_storage_price_usd -> Nullable<BigInt>,
        target_write_price_usd -> Nullable<BigInt>,
        wal_usd_rate -> Nullable<BigInt>,
        total_capacity_size -> Nullable<BigInt>,
        pot_total -> Nullable<BigInt>,
        pot_burned -> Nullable<BigInt>,
        pot_distributed -> Nullable<BigInt>,
    }
}

diesel::table! {
    nodes (node_id) {
        node_id -> Text,
        registered_epoch -> Nullable<BigInt>,
        operator -> Nullable<Text>,
        name -> Nullable<Text>,
        network_address -> Nullable<Text>,
        public_key -> Nullable<Text>,
        commission_rate -> Nullable<BigInt>,
        pending_commission_rate -> Nullable<BigInt>,
        commission_effective_epoch -> Nullable<BigInt>,
        commission_receiver -> Nullable<Text>,
    }
}

diesel::table! {
    pool_epochs (node_id, epoch) {
        node_id -> Text,
        epoch -> BigInt,
        committee_index -> Nullable<BigInt>,
        shards -> Nullable<BigInt>,
        rewards -> Nullable<BigInt>,
        commission -> Nullable<BigInt>,
        commission_rate -> Nullable<BigInt>,
        wal_balance -> Nullable<BigInt>,
        num_shares -> Nullable<BigInt>,
        storage_price_vote_usd -> Nullable<BigInt>,
        write_price_vote_usd -> Nullable<BigInt>,
        capacity_vote -> Nullable<BigInt>,
        wal_usd_vote -> Nullable<BigInt>,
    }
}

diesel::table! {
    stake_actions (tx_seq, event_seq) {
        tx_seq -> BigInt,
        event_seq -> BigInt,
        checkpoint -> BigInt,
        epoch -> BigInt,
        kind -> Text,
        node_id -> Nullable<Text>,
        staked_wal_id -> Nullable<Text>,
        other_id -> Nullable<Text>,
        address -> Nullable<Text>,
        amount -> BigInt,
        rewards -> BigInt,
    }
}

diesel::table! {
    positions (staked_wal_id) {
        staked_wal_id -> Text,
        owner -> Nullable<Text>,
        node_id -> Nullable<Text>,
        principal -> Nullable<BigInt>,
        state -> Nullable<Text>,
        activation_epoch -> Nullable<BigInt>,
        withdraw_epoch -> Nullable<BigInt>,
        created_epoch -> Nullable<BigInt>,
        updated_epoch -> Nullable<BigInt>,
        rewards -> Nullable<BigInt>,
        split_from -> Nullable<Text>,
    }
}

diesel::table! {
    blobs (object_id) {
        object_id -> Text,
        blob_id -> Nullable<Text>,
        owner -> Nullable<Text>,
        size -> Nullable<BigInt>,
        encoding_type -> Nullable<BigInt>,
        deletable -> Nullable<Bool>,
        registered_epoch -> Nullable<BigInt>,
        certified_epoch -> Nullable<BigInt>,
        end_epoch -> Nullable<BigInt>,
        deleted_epoch -> Nullable<BigInt>,
        burned_epoch -> Nullable<BigInt>,
        storage_pool_id -> Nullable<Text>,
        updated_checkpoint -> Nullable<BigInt>,
    }
}

diesel::table! {
    blob_attributes (object_id, key) {
        object_id -> Text,
        key -> Text,
        value -> Nullable<Text>,
        removed -> Nullable<Bool>,
    }
}

diesel::table! {
    invalid_blobs (blob_id) {
        blob_id -> Text,
        epoch -> Nullable<BigInt>,
    }
}

diesel::table! {
    shared_blobs (shared_blob_id) {
        shared_blob_id -> Text,
        object_id -> Nullable<Text>,
        blob_id -> Nullable<Text>,
        funds -> Nullable<BigInt>,
        end_epoch -> Nullable<BigInt>,
    }
}

diesel::table! {
    storage_pools (storage_pool_id) {
        storage_pool_id -> Text,
        owner -> Nullable<Text>,
        reserved_encoded_capacity_bytes -> Nullable<BigInt>,
        start_epoch -> Nullable<BigInt>,
        end_epoch -> Nullable<BigInt>,
    }
}

diesel::table! {
    storage_payments (tx_seq, event_seq) {
        tx_seq -> BigInt,
        event_seq -> BigInt,
        checkpoint -> BigInt,
        epoch -> BigInt,
        kind -> Text,
        payer -> Text,
        object_id -> Text,
        amount -> BigInt,
        storage_size -> Nullable<BigInt>,
        start_epoch -> Nullable<BigInt>,
        end_epoch -> Nullable<BigInt>,
    }
}

diesel::table! {
    price_votes (tx_seq, event_seq) {
        tx_seq -> BigInt,
        event_seq -> BigInt,
        checkpoint -> BigInt,
        epoch -> BigInt,
        node_id -> Text,
        kind -> Text,
        storage_price_usd -> Nullable<BigInt>,
        write_price_usd -> Nullable<BigInt>,
        node_capacity -> Nullable<BigInt>,
        wal_usd_rate -> Nullable<BigInt>,
    }
}

diesel::table! {
    wal_usd_rates (tx_seq, event_seq) {
        tx_seq -> BigInt,
        event_seq -> BigInt,
        checkpoint -> BigInt,
        epoch -> BigInt,
        wal_usd_rate -> BigInt,
        n_samples -> BigInt,
    }
}

diesel::table! {
    challenges (epoch) {
        epoch -> BigInt,
        seed -> Nullable<Text>,
        challenges_per_shard -> Nullable<BigInt>,
        window_ms -> Nullable<BigInt>,
    }
}

diesel::table! {
    challenge_results (epoch, node_id) {
        epoch -> BigInt,
        node_id -> Text,
        results -> Nullable<Text>,
        nodes -> Nullable<BigInt>,
        mean_pass_bps -> Nullable<BigInt>,
    }
}

diesel::table! {
    settlements (epoch) {
        epoch -> BigInt,
        kind -> Nullable<Text>,
        n_entries -> Nullable<BigInt>,
        pot -> Nullable<BigInt>,
        burned -> Nullable<BigInt>,
        paid -> Nullable<BigInt>,
        entries_root -> Nullable<Text>,
        signers_weight -> Nullable<BigInt>,
        audit -> Nullable<Text>,
        recomputed_root -> Nullable<Text>,
        audit_detail -> Nullable<Text>,
        settled_checkpoint -> Nullable<BigInt>,
    }
}

diesel::table! {
    claims (epoch, node_id) {
        epoch -> BigInt,
        node_id -> Text,
        checkpoint -> BigInt,
        shards -> BigInt,
        performance_bps -> BigInt,
        staker_reward -> BigInt,
        commission -> BigInt,
        claimer -> Text,
        audit_detail -> Nullable<Text>,
    }
}

diesel::table! {
    proposals (proposal_id) {
        proposal_id -> BigInt,
        created_epoch -> Nullable<BigInt>,
        proposer -> Nullable<Text>,
        staked_wal_id -> Nullable<Text>,
        parameter -> Nullable<Text>,
        proposed_values -> Nullable<Text>,
        voting_end_epoch -> Nullable<BigInt>,
        eligible_stake -> Nullable<BigInt>,
        finalized_epoch -> Nullable<BigInt>,
        passed -> Nullable<Bool>,
        votes_for -> Nullable<BigInt>,
        votes_against -> Nullable<BigInt>,
        executable_epoch -> Nullable<BigInt>,
        executed_epoch -> Nullable<BigInt>,
    }
}

diesel::table! {
    votes (tx_seq, event_seq) {
        proposal_id -> BigInt,
        staked_wal_id -> Text,
        epoch -> BigInt,
        voter -> Text,
        support -> Bool,
        weight -> BigInt,
        tx_seq -> BigInt,
        event_seq -> BigInt,
        checkpoint -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    checkpoints,
    watermarks,
    pipeline_state,
    epochs,
    nodes,
    pool_epochs,
    stake_actions,
    positions,
    blobs,
    blob_attributes,
    invalid_blobs,
    shared_blobs,
    storage_pools,
    storage_payments,
    price_votes,
    wal_usd_rates,
    challenges,
    challenge_results,
    settlements,
    claims,
    proposals,
    votes
);
