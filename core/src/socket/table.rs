//! [`SocketTable`]: every socket of the world, by handle, with the indexes that find a
//! socket without a scan: by local port, and a stream connection by its two addresses.
//!
//! Handles are numbered as Windows numbers them (100, 104, 108, …, never reused), so the
//! table is a vector indexed by `(handle - 100) / 4`. The indexes change only through
//! [`SocketTable::set_local`], [`SocketTable::set_remote`] and [`SocketTable::remove`].

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use super::{Socket, SocketHandle, SocketType};
use crate::net::{HostId, SockAddr};

/// The first handle, and the step between two handles.
const FIRST: u32 = 100;
const STEP: u32 = 4;

/// Every socket, by handle, with its lookup indexes.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SocketTable {
    slots: Vec<Option<Socket>>,
    live: usize,
    /// Sockets by (host, type, local port).
    ports: BTreeMap<(HostId, SocketType, u16), Vec<SocketHandle>>,
    /// Stream sockets by (local, remote) address: the newest socket given that pair. An
    /// older one with the same pair (a connection in TIME_WAIT whose port a new socket
    /// reused) is no longer found: segments for that pair go to the new connection.
    conns: BTreeMap<(SockAddr, SockAddr), SocketHandle>,
    /// How many ports of the ephemeral range are in use, by (host, type): when all
    /// are, a search for a free one can stop at once.
    ephemeral: BTreeMap<(HostId, SocketType), usize>,
    /// The send and receive buffer bytes of every socket beyond the default sizes, added
    /// up (see [`WORLD_BUFFERS`]).
    buffers: u64,
}

/// The most bytes of socket buffers beyond the default sizes (send plus receive, every
/// socket of every host) one world grants, so that no scenario can make the simulation
/// hold more than about a hundred MB in its buffers. `setsockopt` of SO_SNDBUF or
/// SO_RCVBUF grants what is left (getsockopt reports the size granted); a connection the
/// stack accepts gets its listener's sizes while they fit, else what is left. Default
/// buffers are not counted: filling them takes script lines, which are limited.
pub const WORLD_BUFFERS: u64 = 64 << 20;

/// A buffer's bytes beyond the default size.
fn extra(n: u32) -> u64 {
    u64::from(n.saturating_sub(super::DEFAULT_BUFFER))
}

/// The ephemeral port range Windows uses: 49152-65535.
pub const EPHEMERAL: core::ops::RangeInclusive<u16> = 49152..=u16::MAX;

fn slot(s: SocketHandle) -> Option<usize> {
    let off = s.0.checked_sub(FIRST)?;
    (off % STEP == 0).then_some((off / STEP) as usize)
}

impl SocketTable {
    /// The handle the next socket gets.
    pub(crate) fn next_handle(&self) -> SocketHandle {
        SocketHandle(FIRST + STEP * self.slots.len() as u32)
    }

    /// Adds a socket under the next handle (the socket's own `handle` must be it).
    pub(crate) fn insert(&mut self, sock: Socket) {
        debug_assert_eq!(
            sock.handle,
            self.next_handle(),
            "invariant: handles in order"
        );
        debug_assert!(sock.local.is_none() && sock.remote.is_none());
        self.buffers += extra(sock.sndbuf) + extra(sock.rcvbuf);
        self.slots.push(Some(sock));
        self.live += 1;
    }

    /// Removes a socket and its index entries.
    pub(crate) fn remove(&mut self, s: SocketHandle) -> Option<Socket> {
        let sock = self.slots.get_mut(slot(s)?)?.take()?;
        self.live -= 1;
        self.buffers -= extra(sock.sndbuf) + extra(sock.rcvbuf);
        self.unindex_port(&sock);
        self.unindex_conn(&sock);
        Some(sock)
    }

    /// The socket with this handle.
    pub fn get(&self, s: SocketHandle) -> Option<&Socket> {
        self.slots.get(slot(s)?)?.as_ref()
    }

    pub(crate) fn get_mut(&mut self, s: SocketHandle) -> Option<&mut Socket> {
        self.slots.get_mut(slot(s)?)?.as_mut()
    }

    /// True if a socket has this handle.
    pub fn contains(&self, s: SocketHandle) -> bool {
        self.get(s).is_some()
    }

    /// How many sockets there are.
    pub fn len(&self) -> usize {
        self.live
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Every socket, by handle.
    pub fn values(&self) -> impl Iterator<Item = &Socket> {
        self.slots.iter().flatten()
    }

    /// The sockets of `host` and type `ty` bound to local port `port`.
    pub fn on_port(
        &self,
        host: HostId,
        ty: SocketType,
        port: u16,
    ) -> impl Iterator<Item = &Socket> + '_ {
        self.ports
            .get(&(host, ty, port))
            .into_iter()
            .flatten()
            .filter_map(|s| self.get(*s))
    }

    /// True if a socket of `host` and type `ty` is bound to `port`.
    pub fn port_in_use(&self, host: HostId, ty: SocketType, port: u16) -> bool {
        self.ports.contains_key(&(host, ty, port))
    }

    /// Bytes of buffers still free in the world (see [`WORLD_BUFFERS`]).
    pub fn buffers_left(&self) -> u64 {
        WORLD_BUFFERS.saturating_sub(self.buffers)
    }

    /// Sets `s`'s buffer sizes to `rcv` and `snd` bytes (each at least 1), their parts
    /// beyond the default size within what the world has left; returns the sizes granted.
    pub(crate) fn grant_buffers(&mut self, s: SocketHandle, rcv: u32, snd: u32) -> (u32, u32) {
        let left = self.buffers_left();
        let Some(sock) = self.get_mut(s) else {
            return (0, 0);
        };
        let held = extra(sock.rcvbuf) + extra(sock.sndbuf);
        let room = left + held;
        let rcv_x = extra(rcv).min(room);
        let snd_x = extra(snd).min(room - rcv_x);
        let size = |n: u32, x: u64| {
            if x == 0 {
                n.clamp(1, super::DEFAULT_BUFFER)
            } else {
                super::DEFAULT_BUFFER + x as u32
            }
        };
        let granted = (size(rcv, rcv_x), size(snd, snd_x));
        (sock.rcvbuf, sock.sndbuf) = granted;
        self.buffers = self.buffers - held + rcv_x + snd_x;
        granted
    }

    /// True if every port of the ephemeral range (`EPHEMERAL`) of `host` and type `ty` is in use.
    pub fn ephemeral_exhausted(&self, host: HostId, ty: SocketType) -> bool {
        self.ephemeral.get(&(host, ty)).copied().unwrap_or(0) == EPHEMERAL.len()
    }

    /// The newest stream socket given this pair of addresses, if any.
    pub fn connection(&self, local: SockAddr, remote: SockAddr) -> Option<&Socket> {
        self.conns.get(&(local, remote)).and_then(|s| self.get(*s))
    }

    /// Binds `s` to `addr` (the one writer of `Socket::local`).
    pub(crate) fn set_local(&mut self, s: SocketHandle, addr: SockAddr) {
        let Some((host, ty, old_local, remote)) = self.addrs(s) else {
            return;
        };
        if let Some(old) = old_local {
            self.drop_port(host, ty, old.port, s);
            if let Some(r) = remote {
                self.drop_conn(old, r, s);
            }
        }
        let users = self.ports.entry((host, ty, addr.port)).or_default();
        users.push(s);
        if users.len() == 1 && EPHEMERAL.contains(&addr.port) {
            *self.ephemeral.entry((host, ty)).or_default() += 1;
        }
        if let (Some(r), SocketType::Stream) = (remote, ty) {
            self.conns.insert((addr, r), s);
        }
        if let Some(sock) = self.get_mut(s) {
            sock.local = Some(addr);
        }
    }

    /// Gives `s` its peer (the one writer of `Socket::remote`).
    pub(crate) fn set_remote(&mut self, s: SocketHandle, addr: SockAddr) {
        let Some((_, ty, local, old_remote)) = self.addrs(s) else {
            return;
        };
        if let (Some(l), Some(old)) = (local, old_remote) {
            self.drop_conn(l, old, s);
        }
        if let (Some(l), SocketType::Stream) = (local, ty) {
            self.conns.insert((l, addr), s);
        }
        if let Some(sock) = self.get_mut(s) {
            sock.remote = Some(addr);
        }
    }

    fn addrs(
        &self,
        s: SocketHandle,
    ) -> Option<(HostId, SocketType, Option<SockAddr>, Option<SockAddr>)> {
        self.get(s).map(|x| (x.host, x.ty, x.local, x.remote))
    }

    fn unindex_port(&mut self, sock: &Socket) {
        if let Some(l) = sock.local {
            self.drop_port(sock.host, sock.ty, l.port, sock.handle);
        }
    }

    fn unindex_conn(&mut self, sock: &Socket) {
        if let (Some(l), Some(r)) = (sock.local, sock.remote) {
            self.drop_conn(l, r, sock.handle);
        }
    }

    fn drop_port(&mut self, host: HostId, ty: SocketType, port: u16, s: SocketHandle) {
        let key = (host, ty, port);
        if let Some(v) = self.ports.get_mut(&key) {
            v.retain(|x| *x != s);
            if v.is_empty() {
                self.ports.remove(&key);
                if EPHEMERAL.contains(&port) {
                    if let Some(n) = self.ephemeral.get_mut(&(host, ty)) {
                        *n -= 1;
                    }
                }
            }
        }
    }

    fn drop_conn(&mut self, local: SockAddr, remote: SockAddr, s: SocketHandle) {
        if self.conns.get(&(local, remote)) == Some(&s) {
            self.conns.remove(&(local, remote));
        }
    }
}

impl core::ops::Index<&SocketHandle> for SocketTable {
    type Output = Socket;
    fn index(&self, s: &SocketHandle) -> &Socket {
        self.get(*s).expect("invariant: socket exists")
    }
}

impl PartialEq for SocketTable {
    fn eq(&self, other: &SocketTable) -> bool {
        self.values().eq(other.values())
    }
}

impl Eq for SocketTable {}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SockAddr {
        s.parse().unwrap()
    }

    fn table_with(n: usize, ty: SocketType) -> SocketTable {
        let mut t = SocketTable::default();
        for _ in 0..n {
            let h = t.next_handle();
            t.insert(Socket::new(h, HostId(0), ty));
        }
        t
    }

    #[test]
    fn handles_are_numbered_as_windows_numbers_them_and_never_reused() {
        let mut t = table_with(3, SocketType::Stream);
        let hs: Vec<u32> = t.values().map(|s| s.handle.0).collect();
        assert_eq!(hs, [100, 104, 108]);
        assert!(t.remove(SocketHandle(104)).is_some());
        assert_eq!(t.len(), 2);
        assert_eq!(t.next_handle(), SocketHandle(112));
        for bad in [0, 99, 101, 104, 112, u32::MAX] {
            assert!(t.get(SocketHandle(bad)).is_none(), "handle {bad}");
        }
        assert!(t.remove(SocketHandle(104)).is_none());
    }

    #[test]
    fn the_indexes_follow_local_and_remote_addresses() {
        let mut t = table_with(2, SocketType::Stream);
        let (a, b) = (SocketHandle(100), SocketHandle(104));
        t.set_local(a, addr("10.0.0.1:5000"));
        assert!(t.port_in_use(HostId(0), SocketType::Stream, 5000));
        assert!(!t.port_in_use(HostId(0), SocketType::Dgram, 5000));
        t.set_remote(a, addr("10.0.0.2:80"));
        let conn = |t: &SocketTable| {
            t.connection(addr("10.0.0.1:5000"), addr("10.0.0.2:80"))
                .map(|s| s.handle)
        };
        assert_eq!(conn(&t), Some(a));
        // The newest socket given the same pair of addresses is the one found.
        t.set_local(b, addr("10.0.0.1:5000"));
        t.set_remote(b, addr("10.0.0.2:80"));
        assert_eq!(conn(&t), Some(b));
        assert_eq!(t.on_port(HostId(0), SocketType::Stream, 5000).count(), 2);
        // Rebinding moves the socket's entries.
        t.set_local(b, addr("10.0.0.1:6000"));
        assert_eq!(t.on_port(HostId(0), SocketType::Stream, 5000).count(), 1);
        assert!(t
            .connection(addr("10.0.0.1:6000"), addr("10.0.0.2:80"))
            .is_some_and(|s| s.handle == b));
        // Removing a socket removes its entries; the other keeps its own.
        t.remove(a);
        assert!(!t.port_in_use(HostId(0), SocketType::Stream, 5000));
        assert_eq!(conn(&t), None);
        t.remove(b);
        assert!(!t.port_in_use(HostId(0), SocketType::Stream, 6000));
        assert!(t.is_empty());
    }

    #[test]
    fn the_ephemeral_range_is_counted() {
        let n = EPHEMERAL.len();
        let mut t = table_with(n + 1, SocketType::Dgram);
        let h = |i: usize| SocketHandle(FIRST + STEP * i as u32);
        for (i, port) in EPHEMERAL.enumerate() {
            assert!(!t.ephemeral_exhausted(HostId(0), SocketType::Dgram));
            t.set_local(h(i), addr(&format!("10.0.0.1:{}", port)));
        }
        assert!(t.ephemeral_exhausted(HostId(0), SocketType::Dgram));
        assert!(!t.ephemeral_exhausted(HostId(0), SocketType::Stream));
        // Rebinding out of the range frees a port of it, and back in takes it again.
        t.set_local(h(1), addr("10.0.0.1:80"));
        assert!(!t.ephemeral_exhausted(HostId(0), SocketType::Dgram));
        t.set_local(h(1), addr("10.0.0.1:49153"));
        assert!(t.ephemeral_exhausted(HostId(0), SocketType::Dgram));
        // A second socket on a port in use (SO_REUSEADDR) is not a second port.
        t.set_local(h(n), addr("10.0.0.1:49152"));
        t.remove(h(0));
        assert!(t.ephemeral_exhausted(HostId(0), SocketType::Dgram));
        t.remove(h(n));
        assert!(!t.ephemeral_exhausted(HostId(0), SocketType::Dgram));
    }
}
