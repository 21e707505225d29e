//! The active set: the candidates for the next committee (Move's `floe::active_set`).
//!
//! At most `max_candidates` pools, each with at least `min_candidate_stake` for the next epoch.
//! An entry is refreshed whenever the pool's stake for the next epoch changes (stake,
//! withdrawal, the epoch change for the committee's pools); a pool below the minimum leaves; a
//! newcomer joins while there is room and, when the set is full, displaces the member with the
//! smallest recorded stake if its own is larger (ties keep the member). Members keep their
//! joining order, which breaks ties in the committee selection.

use serde::{Deserialize, Serialize};

use super::ObjectId;
use crate::Frost;

/// Candidates and their recorded stakes, in joining order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveSet {
    entries: Vec<(ObjectId, Frost)>,
}

impl ActiveSet {
    /// The candidates and their recorded stakes, in joining order.
    pub fn entries(&self) -> &[(ObjectId, Frost)] {
        &self.entries
    }

    /// Number of candidates.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True with no candidate.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True if `id` is a candidate.
    pub fn contains(&self, id: &ObjectId) -> bool {
        self.entries.iter().any(|(k, _)| k == id)
    }

    /// Records `stake` for `id` under the module's rules.
    pub fn update(&mut self, id: ObjectId, stake: Frost, min_stake: Frost, max_size: usize) {
        if let Some(i) = self.entries.iter().position(|(k, _)| *k == id) {
            if stake < min_stake {
                self.entries.remove(i);
            } else {
                self.entries[i].1 = stake;
            }
            return;
        }
        if stake < min_stake || max_size == 0 {
            return;
        }
        if self.entries.len() >= max_size {
            let smallest = self.smallest();
            if stake <= self.entries[smallest].1 {
                return;
            }
            self.entries.remove(smallest);
        }
        self.entries.push((id, stake));
    }

    /// Drops the smallest stakes until at most `max_size` candidates remain.
    pub fn truncate(&mut self, max_size: usize) {
        while self.entries.len() > max_size {
            let smallest = self.smallest();
            self.entries.remove(smallest);
        }
    }

    /// Index of the smallest recorded stake, the latest joined among equals (non-empty set).
    fn smallest(&self) -> usize {
        let mut best = 0;
        for (i, (_, s)) in self.entries.iter().enumerate() {
            if *s <= self.entries[best].1 {
                best = i;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Move's `active_set::bounded_with_displacement`.
    #[test]
    fn bounded_with_displacement() {
        let id = ObjectId::from_u64;
        let ids = |s: &ActiveSet| s.entries().iter().map(|(k, _)| *k).collect::<Vec<_>>();
        let mut set = ActiveSet::default();
        set.update(id(1), 10, 5, 2);
        set.update(id(2), 4, 5, 2);
        assert_eq!(ids(&set), [id(1)]);
        set.update(id(3), 20, 5, 2);
        set.update(id(4), 10, 5, 2);
        assert_eq!(ids(&set), [id(1), id(3)]);
        set.update(id(4), 11, 5, 2);
        assert_eq!(set.entries(), [(id(3), 20), (id(4), 11)]);
        set.update(id(3), 30, 5, 2);
        set.update(id(4), 1, 5, 2);
        assert_eq!(set.entries(), [(id(3), 30)]);
        set.update(id(5), 7, 5, 2);
        set.truncate(1);
        assert!(set.len() == 1 && set.contains(&id(3)));
    }
}
