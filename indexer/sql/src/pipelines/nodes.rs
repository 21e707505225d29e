//! `nodes`: one row per storage node (staking pool): its registration, commission and
//! commission receiver.

use floe_economics::events::FloeEvent as E;

use super::Processor;
use crate::decode::Located;
use crate::ids::{object_id, TooLarge};

super::keyed_table! {
    /// A storage node.
    NodeRow in nodes {
        key: node_id: String;
        registered_epoch: i64,
        operator: String,
        name: String,
        network_address: String,
        public_key: String,
        commission_rate: i64,
        pending_commission_rate: i64,
        commission_effective_epoch: i64,
        commission_receiver: String,
    }
}

/// The `nodes` pipeline.
pub struct Nodes;

impl Processor for Nodes {
    const NAME: &'static str = "nodes";
    type Row = NodeRow;

    fn process(&self, ev: &Located, out: &mut Vec<NodeRow>) -> Result<(), TooLarge> {
        let row = |id: &[u8; 32]| NodeRow {
            node_id: object_id(id),
            ..Default::default()
        };
        match &ev.event {
            E::NodeRegistered(e) => out.push(NodeRow {
                registered_epoch: Some(e.epoch as i64),
                operator: Some(object_id(&e.operator)),
                name: Some(e.name.clone()),
                network_address: Some(e.network_address.clone()),
                public_key: Some(hex::encode(&e.public_key)),
                commission_rate: Some(e.commission_rate as i64),
                commission_receiver: Some(object_id(&e.operator)),
                ..row(&e.node_id)
            }),
            E::CommissionRateSet(e) => out.push(NodeRow {
                pending_commission_rate: Some(e.commission_rate as i64),
                commission_effective_epoch: Some(e.effective_epoch as i64),
                ..row(&e.node_id)
            }),
            // The rate in force is the one each epoch's pool advance applied.
            E::PoolAdvanced(e) => out.push(NodeRow {
                commission_rate: Some(e.commission_rate as i64),
                ..row(&e.node_id)
            }),
            E::CommissionReceiverSet(e) => out.push(NodeRow {
                commission_receiver: Some(object_id(&e.receiver)),
                ..row(&e.node_id)
            }),
            _ => {}
        }
        Ok(())
    }
}
