//! What the chain says about one blob ID, derived from Floe's events, and Walrus's blob status.
//!
//! A blob ID can have several `Blob` objects (each registration makes one), permanent or
//! deletable, owning their storage or drawing on a storage pool. The node keeps one
//! [`BlobObject`] per live object and derives from them whether the blob is registered now
//! (it may accept its data), certified (it must hold and serve its data) and when its data may
//! be collected. An `InvalidBlobID` marks the blob invalid for good.

use serde::{Deserialize, Serialize};

/// Where an event came from: Sui's event ID (transaction digest and position in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRef {
    /// Digest of the transaction that emitted it.
    pub tx_digest: [u8; 32],
    /// Its position among the transaction's events.
    pub event_seq: u64,
}

impl EventRef {
    /// Walrus's JSON form of an event ID: `{"txDigest": base58, "eventSeq": "n"}`.
    pub fn to_json(self) -> serde_json::Value {
        serde_json::json!({
            "txDigest": sui_sdk_types::Digest::new(self.tx_digest).to_string(),
            "eventSeq": self.event_seq.to_string(),
        })
    }
}

/// One live `Blob` object of a blob ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobObject {
    /// The object's id.
    pub object_id: [u8; 32],
    /// Whether its owner may delete it before it expires.
    pub deletable: bool,
    /// The epoch its storage ends (exclusive); for a pooled blob, the pool's (see `pool`).
    pub end_epoch: u32,
    /// The storage pool it draws on, if any (its end epoch is the pool's).
    pub pool: Option<[u8; 32]>,
    /// The epoch it was first certified, if it was.
    pub certified_epoch: Option<u32>,
    /// The event that gave it its current state.
    pub event: EventRef,
}

/// Everything the node knows of a blob ID from the chain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobInfo {
    /// Its live objects.
    pub objects: Vec<BlobObject>,
    /// The `InvalidBlobID` event, if the blob was certified invalid.
    pub invalid: Option<(u32, EventRef)>,
}

impl BlobInfo {
    /// The object `object_id`, if live.
    pub fn object_mut(&mut self, object_id: &[u8; 32]) -> Option<&mut BlobObject> {
        self.objects.iter_mut().find(|o| &o.object_id == object_id)
    }

    /// Removes the object `object_id`; returns it if it was live.
    pub fn remove(&mut self, object_id: &[u8; 32]) -> Option<BlobObject> {
        let i = self
            .objects
            .iter()
            .position(|o| &o.object_id == object_id)?;
        Some(self.objects.remove(i))
    }

    /// The objects still live in `epoch` (their end epoch after it), with their end epochs;
    /// `pool_end` gives a storage pool's end epoch.
    pub fn live(
        &self,
        epoch: u32,
        pool_end: &impl Fn(&[u8; 32]) -> Option<u32>,
    ) -> Vec<(&BlobObject, u32)> {
        self.objects
            .iter()
            .filter_map(|o| {
                let end = match &o.pool {
                    Some(pool) => pool_end(pool)?,
                    None => o.end_epoch,
                };
                (end > epoch).then_some((o, end))
            })
            .collect()
    }

    /// Whether data for the blob may be accepted in `epoch`: a live object and not invalid.
    pub fn is_registered(&self, epoch: u32, pool_end: impl Fn(&[u8; 32]) -> Option<u32>) -> bool {
        self.invalid.is_none() && !self.live(epoch, &pool_end).is_empty()
    }

    /// Whether the blob's data must be held in `epoch`: a live certified object, not invalid.
    pub fn is_certified(&self, epoch: u32, pool_end: impl Fn(&[u8; 32]) -> Option<u32>) -> bool {
        self.invalid.is_none()
            && self
                .live(epoch, &pool_end)
                .iter()
                .any(|(o, _)| o.certified_epoch.is_some())
    }

    /// Walrus's blob status in `epoch`, as JSON: `"nonexistent"`, `{"invalid": {"event"}}`,
    /// `{"permanent": {endEpoch, isCertified, statusEvent, deletableCounts,
    /// initialCertifiedEpoch}}` or `{"deletable": {initialCertifiedEpoch, deletableCounts}}`.
    pub fn status(
        &self,
        epoch: u32,
        pool_end: impl Fn(&[u8; 32]) -> Option<u32>,
    ) -> serde_json::Value {
        use serde_json::json;
        if let Some((_, event)) = self.invalid {
            return json!({ "invalid": { "event": event.to_json() } });
        }
        let live = self.live(epoch, &pool_end);
        let deletable: Vec<_> = live.iter().filter(|(o, _)| o.deletable).collect();
        let counts = json!({
            "count_deletable_total": deletable.len(),
            "count_deletable_certified":
                deletable.iter().filter(|(o, _)| o.certified_epoch.is_some()).count(),
        });
        let initial_certified = live.iter().filter_map(|(o, _)| o.certified_epoch).min();
        // The permanent object that says most: certified first, then the latest end.
        let permanent = live
            .iter()
            .filter(|(o, _)| !o.deletable)
            .max_by_key(|(o, end)| (o.certified_epoch.is_some(), *end));
        match (permanent, live.is_empty()) {
            (Some((o, end)), _) => json!({ "permanent": {
                "endEpoch": end,
                "isCertified": o.certified_epoch.is_some(),
                "statusEvent": o.event.to_json(),
                "deletableCounts": counts,
                "initialCertifiedEpoch": initial_certified,
            }}),
            (None, false) => json!({ "deletable": {
                "initialCertifiedEpoch": initial_certified,
                "deletableCounts": counts,
            }}),
            (None, true) => json!("nonexistent"),
        }
    }

    /// The last epoch whose end frees the blob's data: none of its objects lives past it
    /// (`None` while a pooled object's pool is unknown).
    pub fn last_end_epoch(&self, pool_end: impl Fn(&[u8; 32]) -> Option<u32>) -> Option<u32> {
        self.objects.iter().try_fold(0u32, |acc, o| {
            let end = match &o.pool {
                Some(pool) => pool_end(pool)?,
                None => o.end_epoch,
            };
            Some(acc.max(end))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(id: u8, deletable: bool, end: u32, certified: Option<u32>) -> BlobObject {
        BlobObject {
            object_id: [id; 32],
            deletable,
            end_epoch: end,
            pool: None,
            certified_epoch: certified,
            event: EventRef {
                tx_digest: [id; 32],
                event_seq: 0,
            },
        }
    }

    #[test]
    fn status_follows_walrus_shapes() {
        let none = |_: &[u8; 32]| None;
        let mut info = BlobInfo::default();
        assert_eq!(info.status(1, none), serde_json::json!("nonexistent"));
        info.objects.push(object(1, true, 5, None));
        assert!(info.is_registered(4, none) && !info.is_registered(5, none));
        assert!(!info.is_certified(1, none));
        let s = info.status(1, none);
        assert_eq!(
            s["deletable"]["deletableCounts"]["count_deletable_total"],
            1
        );
        info.objects.push(object(2, false, 7, Some(2)));
        let s = info.status(3, none);
        assert_eq!(s["permanent"]["endEpoch"], 7);
        assert_eq!(s["permanent"]["isCertified"], true);
        assert_eq!(s["permanent"]["initialCertifiedEpoch"], 2);
        assert!(info.is_certified(6, none) && !info.is_certified(7, none));
        assert_eq!(info.last_end_epoch(none), Some(7));
        info.invalid = Some((3, info.objects[0].event));
        assert!(info.status(3, none).get("invalid").is_some());
        assert!(!info.is_registered(3, none));
    }

    #[test]
    fn pooled_objects_live_as_long_as_their_pool() {
        let mut info = BlobInfo::default();
        let mut o = object(1, false, 0, Some(1));
        o.pool = Some([9; 32]);
        info.objects.push(o);
        let pool = |p: &[u8; 32]| (p == &[9; 32]).then_some(4);
        assert!(info.is_certified(3, pool) && !info.is_certified(4, pool));
        assert_eq!(info.last_end_epoch(|_| None), None);
    }
}
