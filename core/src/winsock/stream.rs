//! The calls of a stream (TCP) connection's life: `listen`, `connect`, `accept`, `send`,
//! `recv`, `shutdown` and `closesocket`, with their re-enabling of FD_* events.

use alloc::vec::Vec;

use crate::call::{Condition, Returned};
use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::{HostId, Ipv4, SockAddr};
use crate::select::Fact;
use crate::sim::Sim;
use crate::socket::{copy_bytes, Holder, Listen, MsgFlags, Shutdown, SocketHandle, SocketType};
use crate::tcb::TcpState;
use crate::trace::{Change, Note};

impl Sim {
    /// `listen`: the backlog is clamped to 1..=200 (`SOMAXCONN`).
    pub(super) fn do_listen(
        &mut self,
        h: HostId,
        s: SocketHandle,
        backlog: u32,
    ) -> Result<(), WsaError> {
        self.check_socket(h, s)?;
        let sock = &self.sockets[&s];
        if sock.ty != SocketType::Stream {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        if sock.state().is_synchronized() {
            return Err(WsaError::WSAEISCONN);
        }
        if sock.local.is_none() || sock.tcb.is_some() {
            return Err(WsaError::WSAEINVAL);
        }
        let backlog = backlog.clamp(1, 200);
        let sock = self.sock_mut(s);
        match sock.listen.as_mut() {
            Some(l) => l.backlog = backlog,
            None => {
                sock.listen = Some(Listen {
                    backlog,
                    ..Listen::default()
                });
                self.set_state(s, TcpState::Listen);
            }
        }
        Ok(())
    }

    /// `connect` with a `namelen` shorter than `sizeof(struct sockaddr_in)` fails with
    /// `WSAEFAULT`; otherwise the connection starts.
    pub(super) fn do_connect(
        &mut self,
        h: HostId,
        s: SocketHandle,
        addr: SockAddr,
        namelen: u32,
    ) -> Result<(), WsaError> {
        if namelen < super::SOCKADDR_IN_LEN {
            return self.check_socket(h, s).and(Err(WsaError::WSAEFAULT));
        }
        self.start_connect(h, s, addr)
    }

    /// What a blocking connect returns once its handshake has ended.
    pub(super) fn connect_result(&self, s: SocketHandle) -> Result<(), WsaError> {
        match self.sockets.get(s) {
            Some(x) if x.state().is_synchronized() => Ok(()),
            Some(x) => Err(x.error().unwrap_or(WsaError::WSAECONNREFUSED)),
            None => Err(WsaError::WSAENOTSOCK),
        }
    }

    /// `shutdown`: SD_SEND queues FIN; SD_RECEIVE with unread data resets the connection.
    pub(super) fn do_shutdown(
        &mut self,
        h: HostId,
        s: SocketHandle,
        how: Shutdown,
    ) -> Result<(), WsaError> {
        self.check_socket(h, s)?;
        let sock = &self.sockets[&s];
        if sock.ty == SocketType::Stream && !sock.state().is_synchronized() {
            return Err(WsaError::WSAENOTCONN);
        }
        let stream = sock.ty == SocketType::Stream;
        if matches!(how, Shutdown::Send | Shutdown::Both) {
            self.sock_mut(s).shut_wr = true;
            if stream {
                self.tcp_output(s);
            }
        }
        if matches!(how, Shutdown::Receive | Shutdown::Both) {
            let sock = self.sock_mut(s);
            sock.shut_rd = true;
            if stream && !sock.rx.is_empty() {
                self.change(Change::Note(Note::ShutdownReceiveReset));
                self.tcp_send_reset(s);
                let sock = self.sock_mut(s);
                sock.rx.clear();
                sock.tx.clear();
                sock.fail(WsaError::WSAECONNABORTED, None);
            }
        }
        Ok(())
    }

    /// `shutdown` with a `how` other than SD_RECEIVE, SD_SEND and SD_BOTH: `WSAEINVAL`
    /// once the socket is known to be one, before any test of its connection (Wine's
    /// test_shutdown fails `shutdown(client, 0xdeadbeef)` on a connected socket).
    pub(super) fn do_shutdown_other(&mut self, h: HostId, s: SocketHandle) -> Result<(), WsaError> {
        self.check_socket(h, s)?;
        Err(WsaError::WSAEINVAL)
    }

    /// `closesocket`: fails while this host is in a blocking call, then closes.
    pub(super) fn do_closesocket(&mut self, h: HostId, s: SocketHandle) -> Result<(), WsaError> {
        if self.hosts[h.0 as usize].startups == 0 {
            return Err(WsaError::WSANOTINITIALISED);
        }
        if self.hosts[h.0 as usize].in_blocking_call {
            return Err(WsaError::WSAEINPROGRESS);
        }
        match self.sockets.get(s) {
            Some(x) if x.host == h && x.is_open() => {}
            _ => return Err(WsaError::WSAENOTSOCK),
        }
        self.close_socket(s);
        Ok(())
    }

    /// `WSAJoinLeaf` on a datagram socket (`c_leaf`, `d_leaf`, `JL_BOTH`): the join
    /// completes at once, like a datagram connect, with `addr` as the default peer. TCP
    /// is not a multipoint protocol: a stream socket fails with `WSAEOPNOTSUPP`.
    pub(super) fn do_join_leaf(
        &mut self,
        h: HostId,
        s: SocketHandle,
        addr: SockAddr,
    ) -> Result<Returned, WsaError> {
        self.check_socket(h, s)?;
        if self.sockets[&s].ty == SocketType::Stream {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        if addr.ip.is_any() || addr.port == 0 {
            return Err(WsaError::WSAEADDRNOTAVAIL);
        }
        self.implicit_bind(h, s)?;
        self.sockets.set_remote(s, addr);
        self.notice(s, Fact::Joined);
        Ok(Returned::Socket(s))
    }

    pub(crate) fn start_connect(
        &mut self,
        h: HostId,
        s: SocketHandle,
        addr: SockAddr,
    ) -> Result<(), WsaError> {
        self.check_socket(h, s)?;
        let sock = &self.sockets[&s];
        if sock.listen.is_some() {
            return Err(WsaError::WSAEINVAL);
        }
        if sock.ty == SocketType::Stream {
            if sock.connecting {
                return Err(WsaError::WSAEALREADY);
            }
            if sock.tcb.is_some() {
                if sock.state().is_synchronized() {
                    return Err(WsaError::WSAEISCONN);
                }
                if sock.state() != TcpState::Closed {
                    return Err(WsaError::WSAEALREADY);
                }
            }
        }
        let port_zero_allowed =
            sock.ty == SocketType::Dgram && self.profile.dgram_connect_accepts_port_zero();
        if addr.ip.is_any() || (addr.port == 0 && !port_zero_allowed) {
            return Err(WsaError::WSAEADDRNOTAVAIL);
        }
        let ty = sock.ty;
        self.implicit_bind(h, s)?;
        if ty == SocketType::Dgram {
            self.sockets.set_remote(s, addr);
            self.notice(s, Fact::DatagramConnected);
            return Ok(());
        }
        self.sockets.set_remote(s, addr);
        let sock = self.sock_mut(s);
        sock.ending = None;
        sock.connecting = sock.nonblocking;
        let nonblocking = sock.nonblocking;
        if !self.has_route(h, addr.ip) {
            self.change(Change::Note(Note::NoRoute(addr.ip)));
            if !nonblocking {
                return Err(WsaError::WSAENETUNREACH);
            }
            self.connect_unreachable(s);
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        self.tcp_connect(s);
        Err(WsaError::WSAEWOULDBLOCK)
    }

    /// Binds `s` to the host's first address and a free port if it is not bound; fails with
    /// `WSAENOBUFS` when no port is free ("The socket cannot be connected").
    pub(super) fn implicit_bind(&mut self, h: HostId, s: SocketHandle) -> Result<(), WsaError> {
        let primary = self.hosts[h.0 as usize]
            .addrs
            .first()
            .copied()
            .unwrap_or(Ipv4::ANY);
        let sock = &self.sockets[&s];
        match sock.local {
            None => {
                let port = self.alloc_port(h, sock.ty).ok_or(WsaError::WSAENOBUFS)?;
                self.sockets.set_local(s, SockAddr::new(primary, port));
            }
            Some(l) if l.ip.is_any() && sock.ty == SocketType::Stream => {
                self.sockets.set_local(s, SockAddr::new(primary, l.port));
            }
            Some(_) => {}
        }
        Ok(())
    }

    pub(super) fn do_accept(
        &mut self,
        h: HostId,
        s: SocketHandle,
    ) -> Result<(SocketHandle, SockAddr), WsaError> {
        self.check_socket(h, s)?;
        let sock = &self.sockets[&s];
        if sock.ty != SocketType::Stream {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let Some(listen) = sock.listen.as_ref() else {
            return Err(WsaError::WSAEINVAL);
        };
        let (notify, nonblocking) = (sock.notify, sock.nonblocking);
        let next = listen.ready.front().copied();
        let Some(child) = next else {
            self.reenable_after(s, NetworkEvent::FD_ACCEPT, true);
            return Err(WsaError::WSAEWOULDBLOCK);
        };
        if let Some(l) = self.sock_mut(s).listen.as_mut() {
            l.ready.pop_front();
        }
        let c = self.sock_mut(child);
        c.holder = Holder::App;
        c.nonblocking = nonblocking;
        let remote = c.remote.unwrap_or_default();
        self.reenable(s, NetworkEvent::FD_ACCEPT);
        self.inherit(child, notify);
        Ok((child, remote))
    }

    /// `WSAAccept`: the condition function is asked about the connection at the head of
    /// the queue. `CF_ACCEPT` is `accept`; `CF_REJECT` resets that connection and fails
    /// with `WSAECONNREFUSED`; `CF_DEFER` leaves it queued and fails with `WSATRY_AGAIN`.
    pub(super) fn do_wsa_accept(
        &mut self,
        h: HostId,
        s: SocketHandle,
        condition: Condition,
    ) -> Result<(SocketHandle, SockAddr), WsaError> {
        let next = self
            .sockets
            .get(s)
            .and_then(|x| x.listen.as_ref())
            .and_then(|l| l.ready.front().copied());
        let (Some(child), Ok(())) = (next, self.check_socket(h, s)) else {
            // No connection to ask about (or a failure before asking): as accept.
            return self.do_accept(h, s);
        };
        match condition {
            Condition::Accept => self.do_accept(h, s),
            Condition::Reject => {
                if let Some(l) = self.sock_mut(s).listen.as_mut() {
                    l.ready.pop_front();
                }
                self.change(Change::Note(Note::AcceptRejected(child)));
                self.tcp_send_reset(child);
                self.free(child);
                self.reenable(s, NetworkEvent::FD_ACCEPT);
                Err(WsaError::WSAECONNREFUSED)
            }
            Condition::Defer => {
                // "FD_ACCEPT accept or WSAAccept unless the error code is WSATRY_AGAIN
                // indicating that the condition function returned CF_DEFER": no re-enabling.
                self.change(Change::Note(Note::AcceptDeferred));
                Err(WsaError::WSATRY_AGAIN)
            }
        }
    }

    /// send, or sendto with `to`: the call, then FD_WRITE's re-enabling, even on failure.
    pub(super) fn do_send(
        &mut self,
        h: HostId,
        s: SocketHandle,
        data: &[u8],
        flags: MsgFlags,
        to: Option<SockAddr>,
    ) -> Result<usize, WsaError> {
        self.check_socket(h, s)?;
        let r = match to {
            Some(to) => self.sendto_inner(h, s, data, Some(to)),
            None => self.send_inner(h, s, data, flags),
        };
        self.reenable_after(s, NetworkEvent::FD_WRITE, r.is_err());
        r
    }

    fn send_inner(
        &mut self,
        h: HostId,
        s: SocketHandle,
        data: &[u8],
        flags: MsgFlags,
    ) -> Result<usize, WsaError> {
        let sock = &self.sockets[&s];
        if sock.ty == SocketType::Dgram {
            return self.sendto_inner(h, s, data, None);
        }
        if let Some(e) = sock.error() {
            if sock.tcb.is_some() && sock.state() == TcpState::Closed && sock.close_kind().is_some()
                || e != WsaError::WSAECONNREFUSED
            {
                return Err(
                    if sock.state() == TcpState::Closed && sock.close_kind().is_none() {
                        WsaError::WSAENOTCONN
                    } else {
                        e
                    },
                );
            }
        }
        if sock.shut_wr {
            return Err(WsaError::WSAESHUTDOWN);
        }
        if !matches!(sock.state(), TcpState::Established | TcpState::CloseWait) {
            return Err(WsaError::WSAENOTCONN);
        }
        if data.is_empty() {
            return Ok(0);
        }
        let space = sock.send_space();
        if space == 0 {
            self.sock_mut(s).send_blocked = true;
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        let n = data.len().min(space);
        let sock = self.sock_mut(s);
        sock.tx.extend(&data[..n]);
        let end = sock
            .tcb
            .as_ref()
            .map_or(0, |t| t.snd_una)
            .wrapping_add(sock.tx.len() as u32);
        if flags.oob {
            if let Some(t) = sock.tcb.as_mut() {
                t.snd_up = Some(end);
            }
        }
        self.tcp_output(s);
        Ok(n)
    }

    pub(super) fn do_recv(
        &mut self,
        h: HostId,
        s: SocketHandle,
        len: i32,
        flags: MsgFlags,
    ) -> Result<(Vec<u8>, SockAddr), WsaError> {
        self.check_socket(h, s)?;
        let had_data = !self.sockets[&s].nothing_to_receive();
        // A negative length is a buffer Winsock cannot write: WSAEFAULT, a failed call
        // like any other (it still re-enables, as the profile says).
        let r = match usize::try_from(len) {
            Ok(len) => self.recv_inner(s, len, flags),
            Err(_) => Err(WsaError::WSAEFAULT),
        };
        let drained = had_data && self.sockets[&s].nothing_to_receive();
        self.reenable_after(s, NetworkEvent::FD_READ | NetworkEvent::FD_OOB, r.is_err());
        if drained {
            self.notice(s, Fact::Drained);
        }
        if self.sockets[&s].ty == SocketType::Stream {
            self.tcp_window_update(s);
        }
        r
    }

    fn recv_inner(
        &mut self,
        s: SocketHandle,
        len: usize,
        flags: MsgFlags,
    ) -> Result<(Vec<u8>, SockAddr), WsaError> {
        let sock = &self.sockets[&s];
        let from = sock.remote.unwrap_or_default();
        if sock.ty == SocketType::Dgram {
            return self.recv_datagram(s, len, flags);
        }
        if sock.listen.is_some() {
            return Err(WsaError::WSAENOTCONN);
        }
        if sock.shut_rd {
            return Err(WsaError::WSAESHUTDOWN);
        }
        if flags.oob {
            if sock.oob_inline {
                return Err(WsaError::WSAEINVAL);
            }
            let Some(b) = sock.oob.front().copied() else {
                return Err(WsaError::WSAEWOULDBLOCK);
            };
            if !flags.peek && len > 0 {
                self.sock_mut(s).oob.pop_front();
            }
            return Ok((if len > 0 { alloc::vec![b] } else { Vec::new() }, from));
        }
        if !sock.rx.is_empty() {
            let n = len.min(sock.rx.len());
            let sock = self.sock_mut(s);
            let data = copy_bytes(&sock.rx, 0, n);
            if !flags.peek {
                sock.rx.drain(..n);
            }
            if !flags.peek {
                sock.oob_mark = match sock.oob_mark {
                    Some(m) if m >= n => Some(m - n),
                    _ => None,
                };
            }
            return Ok((data, from));
        }
        if let Some(e) = sock.error() {
            return Err(e);
        }
        if sock.tcb.as_ref().is_some_and(|t| t.fin_rcvd) {
            return Ok((Vec::new(), from));
        }
        if !sock.state().is_synchronized() {
            return Err(WsaError::WSAENOTCONN);
        }
        Err(WsaError::WSAEWOULDBLOCK)
    }

    /// closesocket: cancel the selection, then close the connection gracefully or abortively.
    pub(crate) fn close_socket(&mut self, s: SocketHandle) {
        self.cancel_on_close(s);
        self.sock_mut(s).holder = Holder::Released;
        let sock = &self.sockets[&s];
        if let Some(listen) = sock.listen.clone() {
            for c in listen.ready.iter().chain(listen.half_open.iter()) {
                self.tcp_send_reset(*c);
                self.free(*c);
            }
            self.set_state(s, TcpState::Closed);
            self.free(s);
            return;
        }
        let state = sock.state();
        if sock.ty == SocketType::Stream && state.is_synchronized() && state != TcpState::TimeWait {
            if sock.linger == Some(0) || !sock.rx.is_empty() {
                let linger = sock.linger == Some(0);
                self.change(Change::Note(Note::AbortiveClose { linger }));
                self.tcp_send_reset(s);
                self.free(s);
            } else {
                self.sock_mut(s).shut_wr = true;
                self.tcp_output(s);
                let state = self.sockets[&s].state();
                if state == TcpState::Closed {
                    self.free(s);
                }
            }
            return;
        }
        if state == TcpState::TimeWait {
            return; // the TIME_WAIT timer frees it
        }
        if sock.tcb.is_some() {
            self.cancel_timer(s);
        }
        self.free(s);
    }
}

/// True when a blocking recv or recvfrom on `s` can return: data, an end, or an error.
pub(super) fn recv_ready(sim: &Sim, s: SocketHandle) -> bool {
    sim.sockets.get(s).is_none_or(|x| {
        !x.rx.is_empty()
            || !x.dgrams.is_empty()
            || x.error().is_some()
            || x.tcb.as_ref().is_some_and(|t| t.fin_rcvd)
            || (x.ty == SocketType::Stream && !x.state().is_synchronized())
    })
}
