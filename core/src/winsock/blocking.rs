//! How one call runs: the one blocking loop. A call is attempted; on a blocking socket
//! that would block, the step ends as "blocks", the world runs until the call can
//! complete, and a completion step attempts it again. If nothing left in the world could
//! complete it, it fails with `WSAEINTR`, as if `WSACancelBlockingCall` had been called.

use crate::call::{Call, Returned, TracedCall, SOCKADDR_IN_LEN};
use crate::error::WsaError;
use crate::net::{HostId, SockAddr};
use crate::sim::Sim;
use crate::socket::{MsgFlags, SocketHandle, SocketType, WsaEvent};
use crate::trace::{Cause, Change, Note, Outcome};
use crate::winsock::stream::recv_ready;
use crate::winsock::Winsock;

/// The most steps a blocking call lets the simulation run before giving up with `WSAEINTR`.
pub const MAX_BLOCKING_STEPS: usize = 1_000_000;

/// What one attempt of a call came to.
enum Attempt {
    /// The call returns this.
    Done(Result<Returned, WsaError>),
    /// The call must wait (a blocking socket): attempt it again once it can complete.
    Block,
}

/// Which attempt this is, and what a blocking send has queued so far.
#[derive(Clone, Copy, Default)]
struct Progress {
    again: bool,
    sent: usize,
}

impl Winsock<'_> {
    /// Runs `call` as one step (two or more if it blocks) and returns what it returned.
    pub(super) fn perform<D: AsRef<[u8]>>(
        &mut self,
        call: &Call<SocketHandle, WsaEvent, D>,
    ) -> Result<Returned, WsaError> {
        let host = self.host;
        let traced = call.traced();
        let mut progress = Progress::default();
        self.sim.begin(Cause::Call {
            host,
            call: traced.clone(),
        });
        loop {
            match self.sim.attempt(host, call, &mut progress) {
                Attempt::Done(r) => return self.finish(r),
                Attempt::Block => {}
            }
            self.sim.end(Outcome::Blocked);
            if !self.wait(call) {
                return self.cancelled(traced);
            }
            progress.again = true;
            self.sim.begin(Cause::Completion {
                host,
                call: traced.clone(),
            });
        }
    }

    /// Closes the step with the call's result; a failure sets `WSAGetLastError`.
    fn finish(&mut self, r: Result<Returned, WsaError>) -> Result<Returned, WsaError> {
        let outcome = match &r {
            Ok(v) => Outcome::Ok(v.traced()),
            Err(e) => {
                self.sim.hosts[self.host.0 as usize].last_error = Some(*e);
                Outcome::Err(*e)
            }
        };
        self.sim.end(outcome);
        r
    }

    /// Lets the world run while this host is blocked. False if it went idle first, or
    /// the step limit ([`Sim::set_step_limit`]) stopped it.
    fn wait<D>(&mut self, call: &Call<SocketHandle, WsaEvent, D>) -> bool {
        self.sim.hosts[self.host.0 as usize].in_blocking_call = true;
        let mut ok = false;
        for _ in 0..MAX_BLOCKING_STEPS {
            if self.sim.can_complete(call) || !self.sim.hosts[self.host.0 as usize].net_up {
                ok = true;
                break;
            }
            if let Some(hook) = self.hook.as_mut() {
                hook(self.sim, self.host);
            }
            if self.sim.step().is_none() {
                ok = self.sim.can_complete(call);
                break;
            }
        }
        self.sim.hosts[self.host.0 as usize].in_blocking_call = false;
        ok
    }

    /// The call gives up with `WSAEINTR`, as if `WSACancelBlockingCall` had been called.
    /// A blocking `send` that had queued part of its data when it gave up still fails,
    /// and the queued bytes still go out: Winsock's page on `WSACancelBlockingCall` says
    /// that cancelling any call other than `accept` and `select` leaves the socket in an
    /// indeterminate state, in which only `closesocket` can be relied on. So the peer
    /// may receive bytes that no successful `send` reported (a prefix of this call's).
    fn cancelled(&mut self, traced: TracedCall) -> Result<Returned, WsaError> {
        let host = self.host;
        self.sim.begin(Cause::Completion { host, call: traced });
        let note = if self.sim.limit_reached() {
            Note::StepLimit
        } else {
            Note::BlockingCancelled
        };
        self.sim.change(Change::Note(note));
        self.finish(Err(WsaError::WSAEINTR))
    }
}

impl Sim {
    fn is_blocking(&self, s: SocketHandle) -> bool {
        self.sockets.get(s).is_some_and(|x| !x.nonblocking)
    }

    /// One attempt of `call` by host `h`'s application.
    fn attempt<D: AsRef<[u8]>>(
        &mut self,
        h: HostId,
        call: &Call<SocketHandle, WsaEvent, D>,
        p: &mut Progress,
    ) -> Attempt {
        let zero = |r: Result<(), WsaError>| r.map(|()| Returned::Zero);
        let r = match call {
            Call::WsaStartup => self.do_startup(h),
            Call::WsaCleanup => self.do_cleanup(h),
            Call::Socket { af, ty } => self.do_socket(h, *af, *ty),
            Call::Bind { s, addr } => self.do_bind(h, *s, *addr),
            Call::Listen { s, backlog } => zero(self.do_listen(h, *s, *backlog)),
            // WSAConnect without caller data or QoS is connect.
            Call::Connect { s, addr, namelen } => return self.connect(h, *s, *addr, *namelen, p),
            Call::WsaConnect { s, addr } => return self.connect(h, *s, *addr, SOCKADDR_IN_LEN, p),
            Call::Accept { s } => {
                let r = self.do_accept(h, *s).map(|(c, a)| Returned::Accepted(c, a));
                return self.once_more(*s, r, p);
            }
            Call::WsaAccept { s, condition } => {
                let r = self
                    .do_wsa_accept(h, *s, *condition)
                    .map(|(c, a)| Returned::Accepted(c, a));
                return self.once_more(*s, r, p);
            }
            // The WSA forms, not overlapped, are the Berkeley calls with the count returned
            // through a pointer; the page names both as re-enabling functions.
            Call::Send { s, data, flags } | Call::WsaSend { s, data, flags } => {
                return self.send(h, *s, data.as_ref(), *flags, p);
            }
            Call::Recv { s, len, flags } | Call::WsaRecv { s, len, flags } => {
                let r = self
                    .do_recv(h, *s, *len, *flags)
                    .map(|(d, _)| Returned::Received(d));
                return self.once_more(*s, r, p);
            }
            Call::SendTo { s, data, to, flags } | Call::WsaSendTo { s, data, to, flags } => self
                .do_send(h, *s, data.as_ref(), *flags, Some(*to))
                .map(Returned::Sent),
            Call::RecvFrom { s, len, flags } | Call::WsaRecvFrom { s, len, flags } => {
                let r = self
                    .do_recv(h, *s, *len, *flags)
                    .map(|(d, a)| Returned::ReceivedFrom(d, a));
                return self.once_more(*s, r, p);
            }
            Call::WsaJoinLeaf { s, addr } => self.do_join_leaf(h, *s, *addr),
            Call::Shutdown { s, how } => zero(self.do_shutdown(h, *s, *how)),
            Call::ShutdownOther { s, .. } => zero(self.do_shutdown_other(h, *s)),
            Call::CloseSocket { s } => zero(self.do_closesocket(h, *s)),
            Call::SetSockOpt { s, opt } => self.do_setsockopt(h, *s, *opt),
            Call::GetSockOpt { s, name } => self.do_getsockopt(h, *s, *name),
            Call::IoctlSocket { s, cmd } => self.do_ioctlsocket(h, *s, *cmd),
            Call::WsaIoctl { s, cmd } => self.do_wsa_ioctl(h, *s, *cmd),
            Call::WsaAsyncSelect {
                s,
                hwnd,
                msg,
                events,
            } => self.do_async_select(h, *s, *hwnd, *msg, *events),
            Call::WsaCreateEvent => self.do_create_event(h),
            Call::WsaEventSelect { s, event, events } => {
                self.do_event_select(h, *s, *event, *events)
            }
            Call::WsaEnumNetworkEvents { s, event } => self.do_enum_network_events(h, *s, *event),
            Call::GetMessage { hwnd } => Ok(self.do_get_message(h, *hwnd, true)),
            Call::PeekMessage { hwnd, remove } => Ok(self.do_get_message(h, *hwnd, *remove)),
        };
        Attempt::Done(r)
    }

    /// `connect` or `WSAConnect`: a blocking stream socket waits for the handshake.
    fn connect(
        &mut self,
        h: HostId,
        s: SocketHandle,
        addr: SockAddr,
        namelen: u32,
        p: &Progress,
    ) -> Attempt {
        if p.again {
            return Attempt::Done(self.connect_result(s).map(|()| Returned::Zero));
        }
        let r = self.do_connect(h, s, addr, namelen);
        let stream = self
            .sockets
            .get(s)
            .is_some_and(|x| x.ty == SocketType::Stream);
        if r == Err(WsaError::WSAEWOULDBLOCK) && stream && self.is_blocking(s) {
            return Attempt::Block;
        }
        Attempt::Done(r.map(|()| Returned::Zero))
    }

    /// `send` or `WSASend`: a blocking send returns once everything is queued.
    fn send(
        &mut self,
        h: HostId,
        s: SocketHandle,
        data: &[u8],
        flags: MsgFlags,
        p: &mut Progress,
    ) -> Attempt {
        let r = self.do_send(h, s, &data[p.sent..], flags, None);
        let total = data.len();
        let blocking = self.is_blocking(s);
        match r {
            Ok(n) if blocking && p.sent + n < total => {
                p.sent += n;
                Attempt::Block
            }
            Err(WsaError::WSAEWOULDBLOCK) if blocking => Attempt::Block,
            Ok(n) => Attempt::Done(Ok(Returned::Sent(p.sent + n))),
            // Part was queued before the error: a send reports what it took.
            Err(_) if p.sent > 0 => Attempt::Done(Ok(Returned::Sent(p.sent))),
            Err(e) => Attempt::Done(Err(e)),
        }
    }

    /// A call that blocks once at most: `WSAEWOULDBLOCK` on a blocking socket waits, and
    /// the completion returns whatever the second attempt gives.
    fn once_more(&self, s: SocketHandle, r: Result<Returned, WsaError>, p: &Progress) -> Attempt {
        if !p.again && r == Err(WsaError::WSAEWOULDBLOCK) && self.is_blocking(s) {
            Attempt::Block
        } else {
            Attempt::Done(r)
        }
    }

    /// True once a blocked `call` can complete (or its socket is gone).
    fn can_complete<D>(&self, call: &Call<SocketHandle, WsaEvent, D>) -> bool {
        match call {
            Call::Connect { s, .. } | Call::WsaConnect { s, .. } => self
                .sockets
                .get(*s)
                .is_none_or(|x| x.state() != crate::tcb::TcpState::SynSent),
            Call::Accept { s } | Call::WsaAccept { s, .. } => self
                .sockets
                .get(*s)
                .and_then(|x| x.listen.as_ref())
                .is_none_or(|l| !l.ready.is_empty()),
            Call::Send { s, .. } | Call::WsaSend { s, .. } => self
                .sockets
                .get(*s)
                .is_none_or(|x| x.send_space() > 0 || x.error().is_some() || x.shut_wr),
            Call::Recv { s, .. }
            | Call::RecvFrom { s, .. }
            | Call::WsaRecv { s, .. }
            | Call::WsaRecvFrom { s, .. } => recv_ready(self, *s),
            _ => true,
        }
    }
}
