//! A connection's life: the `set_state` choke point, timers, the active open, and the
//! ways a connection ends at once (reset, local abort).

use alloc::vec::Vec;

use crate::error::WsaError;
use crate::net::TcpFlags;
use crate::schedule::Pending;
use crate::select::Fact;
use crate::sim::Sim;
use crate::socket::{CloseKind, SocketHandle};
use crate::tcb::{Tcb, TcpState, TimerKind};
use crate::time::Duration;
use crate::trace::{Change, Note};

impl Sim {
    pub(super) fn tcb(&self, s: SocketHandle) -> &Tcb {
        self.sockets[&s]
            .tcb
            .as_ref()
            .expect("invariant: TCP socket has a TCB")
    }

    pub(super) fn tcb_mut(&mut self, s: SocketHandle) -> &mut Tcb {
        self.sock_mut(s)
            .tcb
            .as_mut()
            .expect("invariant: TCP socket has a TCB")
    }

    /// The one place a connection changes state; records the change.
    pub(crate) fn set_state(&mut self, s: SocketHandle, to: TcpState) {
        let sock = self.sock_mut(s);
        let from = sock.tcp_state;
        if from == to {
            return;
        }
        sock.tcp_state = to;
        self.change(Change::State {
            socket: s,
            from,
            to,
        });
    }

    pub(crate) fn arm_timer(&mut self, s: SocketHandle, kind: TimerKind, after: Duration) {
        let at = self.now + after;
        if let Some(old) = self.tcb_mut(s).timer_key.take() {
            self.schedule.remove(old);
        }
        let key = self.schedule(at, Pending::Timer { socket: s });
        let tcb = self.tcb_mut(s);
        tcb.timer = Some((at, kind));
        tcb.timer_key = Some(key);
    }

    pub(crate) fn cancel_timer(&mut self, s: SocketHandle) {
        let tcb = self.tcb_mut(s);
        tcb.timer = None;
        if let Some(old) = tcb.timer_key.take() {
            self.schedule.remove(old);
        }
    }

    /// Starts an active open: SYN_SENT and a SYN.
    pub(crate) fn tcp_connect(&mut self, s: SocketHandle) {
        self.sock_mut(s).tcb = Some(Tcb::new());
        self.set_state(s, TcpState::SynSent);
        let tcb = self.tcb_mut(s);
        tcb.snd_nxt = tcb.iss.wrapping_add(1);
        let iss = tcb.iss;
        self.tcp_emit(s, TcpFlags::SYN, iss, Vec::new(), 0);
        let rto = self.tcb(s).rto;
        self.arm_timer(s, TimerKind::Retransmit, rto);
    }

    /// The peer reset the connection.
    pub(crate) fn tcp_reset(&mut self, s: SocketHandle) {
        if let Some(parent) = self.sockets[&s].listener() {
            self.change(Change::Note(Note::ResetBeforeAccept {
                socket: s,
                listener: parent,
            }));
        }
        let err = if self.tcb(s).fin_received() {
            self.profile.reset_after_fin_error()
        } else {
            WsaError::WSAECONNRESET
        };
        if self.tcp_kill(s, err, Some(CloseKind::Reset)) {
            self.notice(s, Fact::Reset);
        }
    }

    /// The connection dies locally (shutdown(SD_RECEIVE) then data, or closesocket orphan).
    pub(super) fn tcp_abort_local(&mut self, s: SocketHandle, err: WsaError) {
        self.tcp_kill(s, err, None);
    }

    /// Ends a connection at once: CLOSED, buffers dropped, later calls fail with `err`.
    /// A socket no application holds (closed, or not yet accepted) is freed; returns true
    /// if the socket lives on, so FD_CLOSE may be posted for it.
    pub(super) fn tcp_kill(
        &mut self,
        s: SocketHandle,
        err: WsaError,
        closed: Option<CloseKind>,
    ) -> bool {
        self.cancel_timer(s);
        self.set_state(s, TcpState::Closed);
        let sock = &self.sockets[&s];
        if sock.is_orphan() || sock.listener().is_some() {
            self.free(s);
            return false;
        }
        let sock = self.sock_mut(s);
        sock.rx.clear();
        sock.oob.clear();
        sock.oob_mark = None;
        sock.tx.clear();
        sock.fail(err, closed);
        true
    }

    /// The handshake completed: ESTABLISHED was set; FD_CONNECT (if nonblocking), FD_WRITE.
    pub(crate) fn connect_succeeded(&mut self, s: SocketHandle) {
        self.notice(s, Fact::Connected);
    }

    /// A connect failed: CLOSED, later calls fail with `error`, FD_CONNECT reports it.
    pub(crate) fn connect_failed(&mut self, s: SocketHandle, error: WsaError) {
        if self.sockets[&s].tcb.is_some() {
            self.cancel_timer(s);
            self.set_state(s, TcpState::Closed);
        }
        self.sock_mut(s).fail(error, None);
        self.notice(s, Fact::ConnectFailed(error));
    }

    /// A nonblocking connect to a destination no route reaches learns it at once, as a
    /// step of its own.
    pub(crate) fn connect_unreachable(&mut self, s: SocketHandle) {
        let at = self.now;
        self.schedule(
            at,
            Pending::ConnectFailed {
                socket: s,
                error: WsaError::WSAENETUNREACH,
            },
        );
    }
}
