//! The schedule: what happens next in the world, ordered by `(time, sequence number)` as
//! in turmoil, so two events at the same time happen in the order they were scheduled.
//!
//! Every entry is live: a timer that is re-armed or cancelled is removed at once (by the
//! key [`Schedule::insert`] returned), so the first entry is always the next event. The
//! events themselves sit in a slab; the ordered map holds only keys and slot numbers.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::error::WsaError;
use crate::net::{HostId, Segment};
use crate::socket::SocketHandle;
use crate::time::Instant;

/// An entry's place in the schedule: its time and sequence number.
pub(crate) type Key = (Instant, u64);

/// Something scheduled to happen at a virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) enum Pending {
    /// A segment arrives at a host.
    Deliver {
        from: HostId,
        to: HostId,
        segment: Segment,
    },
    /// A socket's TCP timer fires.
    Timer { socket: SocketHandle },
    /// A nonblocking connect learns it cannot reach the network.
    ConnectFailed {
        socket: SocketHandle,
        error: WsaError,
    },
}

/// The events to come, in order.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Schedule {
    order: BTreeMap<Key, u32>,
    slots: Vec<Option<Pending>>,
    free: Vec<u32>,
    seq: u64,
}

impl Schedule {
    /// Schedules `p` at `at`, after everything already scheduled at that time.
    pub(crate) fn insert(&mut self, at: Instant, p: Pending) -> Key {
        self.seq += 1;
        let key = (at, self.seq);
        let slot = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(p);
                i
            }
            None => {
                self.slots.push(Some(p));
                (self.slots.len() - 1) as u32
            }
        };
        self.order.insert(key, slot);
        key
    }

    /// Unschedules the entry with this key, if it is still there.
    pub(crate) fn remove(&mut self, key: Key) -> Option<Pending> {
        let slot = self.order.remove(&key)?;
        self.free.push(slot);
        self.slots[slot as usize].take()
    }

    /// When the next event happens.
    pub(crate) fn first_at(&self) -> Option<Instant> {
        self.order.keys().next().map(|k| k.0)
    }

    /// Takes the next event.
    pub(crate) fn pop(&mut self) -> Option<(Key, Pending)> {
        let (key, slot) = self.order.pop_first()?;
        self.free.push(slot);
        let p = self.slots[slot as usize]
            .take()
            .expect("invariant: an ordered key has its event");
        Some((key, p))
    }

    /// Every event to come, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Key, &Pending)> + '_ {
        self.order.iter().map(|(k, slot)| {
            let p = self.slots[*slot as usize]
                .as_ref()
                .expect("invariant: an ordered key has its event");
            (*k, p)
        })
    }
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Schedule) -> bool {
        self.seq == other.seq && self.iter().eq(other.iter())
    }
}

impl Eq for Schedule {}
