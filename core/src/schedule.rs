//! The schedule: what happens next in the world, ordered by `(time, sequence number)` as
//! in turmoil, so two events at the same time happen in the order they were scheduled.
//!
//! A binary heap of small keys over a slab of events. A timer that is re-armed or
//! cancelled is removed by the key [`Schedule::insert`] returned: its slot is freed at
//! once, and its heap entry, which no longer matches the slot, is dropped when it reaches
//! the top, or when removed entries outnumber live ones and the heap is rebuilt from the
//! live ones (so it never grows with the timers re-armed on every acknowledgment). The
//! top of the heap is always a live event, so the next event's time is read without a
//! search.

use alloc::collections::BinaryHeap;
use alloc::vec::Vec;
use core::cmp::Reverse;

use crate::error::WsaError;
use crate::handle::SocketHandle;
use crate::net::{HostId, Segment};
use crate::time::Instant;

/// An entry's place in the schedule: its time, sequence number and slot.
pub(crate) type Key = (Instant, u64, u32);

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

/// One slot of the slab: the event and the sequence number it was scheduled with.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Slot {
    seq: u64,
    pending: Option<Pending>,
}

/// The events to come, in order.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Schedule {
    heap: BinaryHeap<Reverse<Key>>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    seq: u64,
    /// Heap entries whose event was removed.
    dead: usize,
}

impl Schedule {
    /// Schedules `p` at `at`, after everything already scheduled at that time.
    pub(crate) fn insert(&mut self, at: Instant, p: Pending) -> Key {
        self.seq += 1;
        let slot = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot::default());
                (self.slots.len() - 1) as u32
            }
        };
        self.slots[slot as usize] = Slot {
            seq: self.seq,
            pending: Some(p),
        };
        let key = (at, self.seq, slot);
        self.heap.push(Reverse(key));
        key
    }

    /// Unschedules the entry with this key, if it is still there.
    pub(crate) fn remove(&mut self, key: Key) -> Option<Pending> {
        let slot = self.slots.get_mut(key.2 as usize)?;
        if slot.seq != key.1 || slot.pending.is_none() {
            return None;
        }
        let p = slot.pending.take();
        self.free.push(key.2);
        self.dead += 1;
        if self.dead > 64 && self.dead * 2 > self.heap.len() {
            // More dead entries than live ones: rebuild from the live ones, in O(n).
            let heap = core::mem::take(&mut self.heap);
            let live: Vec<Reverse<Key>> = heap.into_iter().filter(|k| self.is_live(&k.0)).collect();
            self.heap = BinaryHeap::from(live);
            self.dead = 0;
        }
        self.drop_dead_top();
        p
    }

    fn is_live(&self, key: &Key) -> bool {
        let slot = &self.slots[key.2 as usize];
        slot.seq == key.1 && slot.pending.is_some()
    }

    /// Drops removed entries from the top of the heap, so the top is the next event.
    fn drop_dead_top(&mut self) {
        while let Some(Reverse(top)) = self.heap.peek() {
            if self.is_live(top) {
                break;
            }
            self.heap.pop();
            self.dead -= 1;
        }
    }

    /// When the next event happens.
    pub(crate) fn first_at(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse(k)| k.0)
    }

    /// Takes the next event.
    pub(crate) fn pop(&mut self) -> Option<(Key, Pending)> {
        let Reverse(key) = self.heap.pop()?;
        let p = self.slots[key.2 as usize]
            .pending
            .take()
            .expect("invariant: the heap's top is a live event");
        self.free.push(key.2);
        self.drop_dead_top();
        Some((key, p))
    }

    /// Every event to come, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Key, &Pending)> + '_ {
        // The heap's own sort (a slice sort would be code of its own): ascending by
        // `Reverse`, so the latest first, taken from the back.
        let live: Vec<Key> = self
            .heap
            .clone()
            .into_sorted_vec()
            .into_iter()
            .rev()
            .map(|Reverse(k)| k)
            .filter(|k| self.is_live(k))
            .collect();
        live.into_iter().map(|k| {
            let p = self.slots[k.2 as usize]
                .pending
                .as_ref()
                .expect("invariant: a live key has its event");
            (k, p)
        })
    }
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Schedule) -> bool {
        let key = |(k, p): (Key, &Pending)| (k.0, k.1, p.clone());
        self.seq == other.seq && self.iter().map(key).eq(other.iter().map(key))
    }
}

impl Eq for Schedule {}

#[cfg(test)]
mod tests {
    use super::*;

    fn timer(n: u32) -> Pending {
        Pending::Timer {
            socket: SocketHandle(n),
        }
    }

    #[test]
    fn events_come_in_time_then_sequence_order_and_removed_ones_never() {
        let mut s = Schedule::default();
        let t = |ms: u64| Instant::from_micros(ms * 1000);
        let a = s.insert(t(5), timer(1));
        s.insert(t(1), timer(2));
        let c = s.insert(t(1), timer(3));
        s.insert(t(9), timer(4));
        assert_eq!(s.remove(c), Some(timer(3)));
        assert_eq!(s.remove(c), None, "a key removes once");
        let d = s.insert(t(1), timer(5)); // reuses c's slot
        assert_eq!(d.2, c.2);
        assert_eq!(
            s.remove(c),
            None,
            "an old key does not remove the slot's new event"
        );
        assert_eq!(s.remove(a), Some(timer(1)));
        assert_eq!(s.first_at(), Some(t(1)));
        let order: Vec<Pending> = core::iter::from_fn(|| s.pop().map(|(_, p)| p)).collect();
        assert_eq!(order, [timer(2), timer(5), timer(4)]);
        assert_eq!(s.first_at(), None);
    }
}
