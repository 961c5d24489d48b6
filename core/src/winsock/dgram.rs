//! Datagram (UDP) sockets: `sendto` and `send` on them, `recv`/`recvfrom`, and the
//! arrival of a datagram.

use alloc::vec::Vec;

use crate::error::WsaError;
use crate::net::{HostId, Ipv4, Payload, Segment, SockAddr};
use crate::select::Fact;
use crate::sim::Sim;
use crate::socket::{MsgFlags, SocketHandle, SocketType};
use crate::trace::{Change, DropReason};

/// The largest UDP payload (`WSAEMSGSIZE` above it).
pub const MAX_DATAGRAM: usize = 65_507;

impl Sim {
    pub(super) fn sendto_inner(
        &mut self,
        h: HostId,
        s: SocketHandle,
        data: &[u8],
        to: Option<SockAddr>,
    ) -> Result<usize, WsaError> {
        let sock = &self.sockets[&s];
        if sock.shut_wr {
            return Err(WsaError::WSAESHUTDOWN);
        }
        let Some(dst) = to.or(sock.remote) else {
            return Err(WsaError::WSAENOTCONN);
        };
        if dst.ip.is_any() || dst.port == 0 {
            return Err(WsaError::WSAEADDRNOTAVAIL);
        }
        if data.len() > MAX_DATAGRAM {
            return Err(WsaError::WSAEMSGSIZE);
        }
        if !self.has_route(h, dst.ip) {
            return Err(WsaError::WSAENETUNREACH);
        }
        self.implicit_bind(h, s)?;
        let local = self.sockets[&s].local.expect("invariant: bound");
        let primary = self.hosts[h.0 as usize]
            .addrs
            .first()
            .copied()
            .unwrap_or(Ipv4::ANY);
        let src = if local.ip.is_any() {
            SockAddr::new(primary, local.port)
        } else {
            local
        };
        self.transmit(
            h,
            Segment {
                src,
                dst,
                payload: Payload::Udp {
                    data: data.to_vec(),
                },
            },
        );
        Ok(data.len())
    }

    /// `recv` / `recvfrom` on a datagram socket: one whole datagram, or `WSAEMSGSIZE` (and
    /// the datagram is gone) when it is longer than `len`.
    pub(super) fn recv_datagram(
        &mut self,
        s: SocketHandle,
        len: usize,
        flags: MsgFlags,
    ) -> Result<(Vec<u8>, SockAddr), WsaError> {
        let sock = &self.sockets[&s];
        if sock.local.is_none() {
            return Err(WsaError::WSAEINVAL);
        }
        if sock.shut_rd {
            return Err(WsaError::WSAESHUTDOWN);
        }
        let Some((from, d)) = sock.dgrams.front().cloned() else {
            return Err(WsaError::WSAEWOULDBLOCK);
        };
        if !flags.peek {
            self.sock_mut(s).dgrams.pop_front();
        }
        if d.len() > len {
            return Err(WsaError::WSAEMSGSIZE);
        }
        Ok((d, from))
    }

    /// A datagram reached `host`: queue it on the socket bound to its port, or drop it.
    pub(crate) fn udp_input(&mut self, host: HostId, segment: Segment) {
        let Payload::Udp { data } = &segment.payload else {
            return;
        };
        let target = self
            .sockets
            .on_port(host, SocketType::Dgram, segment.dst.port)
            .filter(|s| {
                s.is_open()
                    && s.local
                        .is_some_and(|l| l.ip.is_any() || l.ip == segment.dst.ip)
                    && s.remote.is_none_or(|r| r == segment.src)
            })
            .min_by_key(|s| s.handle)
            .map(|s| s.handle);
        let Some(s) = target else {
            self.change(Change::Dropped {
                segment: segment.header(),
                why: DropReason::NoListener,
            });
            return;
        };
        let sock = self.sock_mut(s);
        let queued: usize = sock.dgrams.iter().map(|d| d.1.len()).sum();
        if queued + data.len() > sock.rcvbuf as usize {
            let segment = segment.header();
            self.change(Change::Dropped {
                segment,
                why: DropReason::BufferFull,
            });
            return;
        }
        sock.dgrams.push_back((segment.src, data.clone()));
        self.notice(s, Fact::DataArrived);
    }
}
