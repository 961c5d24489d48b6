//! The calls that set a socket up and ask about it: start-up, `socket`, `bind`, options,
//! ioctls, the selection calls (WSAAsyncSelect, WSAEventSelect) and window messages.

use alloc::vec::Vec;

use crate::call::NetworkEvents;
use crate::call::Returned;
use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::{HostId, Ipv4, SockAddr};
use crate::queue::{Hwnd, Message, WindowMessage};
use crate::select::Fact;
use crate::sim::{EventObject, Sim, MAX_OBJECTS};
use crate::socket::{
    AddressFamily, Ioctl, Notify, Qos, SockOpt, SockOptName, SocketHandle, SocketType, WsaEvent,
    WsaIoctl, MAX_BUFFER,
};
use crate::spec::Rule;
use crate::tcb::TcpState;
use crate::trace::{Change, Note};

impl Sim {
    /// WSANOTINITIALISED, WSAENETDOWN and WSAEINPROGRESS, in Winsock's order.
    pub(crate) fn check_host(&self, h: HostId) -> Result<(), WsaError> {
        let host = &self.hosts[h.0 as usize];
        if host.startups == 0 {
            return Err(WsaError::WSANOTINITIALISED);
        }
        if !host.net_up {
            return Err(WsaError::WSAENETDOWN);
        }
        if host.in_blocking_call {
            return Err(WsaError::WSAEINPROGRESS);
        }
        Ok(())
    }

    /// The host checks, then WSAENOTSOCK unless `s` is an open socket of this host.
    pub(crate) fn check_socket(&self, h: HostId, s: SocketHandle) -> Result<(), WsaError> {
        self.check_host(h)?;
        match self.sockets.get(s) {
            Some(x) if x.host == h && x.is_open() => Ok(()),
            _ => Err(WsaError::WSAENOTSOCK),
        }
    }

    pub(super) fn do_startup(&mut self, h: HostId) -> Result<Returned, WsaError> {
        self.hosts[h.0 as usize].startups += 1;
        Ok(Returned::Zero)
    }

    /// `WSACleanup`: the last one closes every socket of the host.
    pub(super) fn do_cleanup(&mut self, h: HostId) -> Result<Returned, WsaError> {
        let host = &mut self.hosts[h.0 as usize];
        if host.startups == 0 {
            return Err(WsaError::WSANOTINITIALISED);
        }
        host.startups -= 1;
        if host.startups == 0 {
            let open: Vec<SocketHandle> = self
                .sockets
                .values()
                .filter(|s| s.host == h && s.is_open())
                .map(|s| s.handle)
                .collect();
            for s in open {
                self.close_socket(s);
            }
        }
        Ok(Returned::Zero)
    }

    pub(super) fn do_socket(
        &mut self,
        h: HostId,
        af: AddressFamily,
        ty: SocketType,
    ) -> Result<Returned, WsaError> {
        self.check_host(h)?;
        if af != AddressFamily::Inet {
            return Err(WsaError::WSAEAFNOSUPPORT);
        }
        if self.sockets.len() >= MAX_OBJECTS {
            return Err(WsaError::WSAEMFILE);
        }
        Ok(Returned::Socket(self.new_socket(h, ty)))
    }

    /// `bind`: port 0 picks a free port. A datagram socket is writable once bound.
    pub(super) fn do_bind(
        &mut self,
        h: HostId,
        s: SocketHandle,
        addr: SockAddr,
    ) -> Result<Returned, WsaError> {
        self.check_socket(h, s)?;
        let sock = &self.sockets[&s];
        if sock.local.is_some() {
            return Err(WsaError::WSAEINVAL);
        }
        if !addr.ip.is_any() && !self.hosts[h.0 as usize].addrs.contains(&addr.ip) {
            return Err(WsaError::WSAEADDRNOTAVAIL);
        }
        let ty = sock.ty;
        let port = if addr.port == 0 {
            self.alloc_port(h, ty).ok_or(WsaError::WSAENOBUFS)?
        } else {
            addr.port
        };
        let in_use = self.sockets.on_port(h, ty, port).any(|x| {
            x.handle != s
                && x.local
                    .is_some_and(|l| l.ip == addr.ip || l.ip.is_any() || addr.ip.is_any())
                && !(x.is_orphan() && x.state() == TcpState::TimeWait)
        });
        if in_use {
            return Err(WsaError::WSAEADDRINUSE);
        }
        self.sockets.set_local(s, SockAddr::new(addr.ip, port));
        if ty == SocketType::Dgram {
            self.notice(s, Fact::DatagramBound);
        }
        Ok(Returned::Zero)
    }

    /// `setsockopt`: buffer sizes are clamped to 1..=1 MiB, and to what the world's
    /// buffers have left ([`crate::socket::WORLD_BUFFERS`]).
    pub(super) fn do_setsockopt(
        &mut self,
        h: HostId,
        s: SocketHandle,
        opt: SockOpt,
    ) -> Result<Returned, WsaError> {
        self.check_socket(h, s)?;
        let stream = self.sockets[&s].ty == SocketType::Stream;
        let sock = self.sock_mut(s);
        match opt {
            SockOpt::OobInline(on) => sock.oob_inline = on,
            SockOpt::Linger { .. } if !stream => return Err(WsaError::WSAENOPROTOOPT),
            SockOpt::Linger { on, secs } => sock.linger = on.then_some(secs),
            SockOpt::RcvBuf(n) => {
                let snd = sock.sndbuf;
                self.sockets.grant_buffers(s, n.clamp(1, MAX_BUFFER), snd);
            }
            SockOpt::SndBuf(n) => {
                let rcv = sock.rcvbuf;
                self.sockets.grant_buffers(s, rcv, n.clamp(1, MAX_BUFFER));
            }
        }
        Ok(Returned::Zero)
    }

    pub(super) fn do_getsockopt(
        &mut self,
        h: HostId,
        s: SocketHandle,
        name: SockOptName,
    ) -> Result<Returned, WsaError> {
        self.check_socket(h, s)?;
        let sock = &self.sockets[&s];
        Ok(Returned::Opt(match name {
            SockOptName::OobInline => SockOpt::OobInline(sock.oob_inline),
            SockOptName::Linger => SockOpt::Linger {
                on: sock.linger.is_some(),
                secs: sock.linger.unwrap_or(0),
            },
            SockOptName::RcvBuf => SockOpt::RcvBuf(sock.rcvbuf),
            SockOptName::SndBuf => SockOpt::SndBuf(sock.sndbuf),
        }))
    }

    /// `ioctlsocket`: FIONBIO back to blocking fails with `WSAEINVAL` while a selection is
    /// active.
    pub(super) fn do_ioctlsocket(
        &mut self,
        h: HostId,
        s: SocketHandle,
        cmd: Ioctl,
    ) -> Result<Returned, WsaError> {
        self.check_socket(h, s)?;
        let sock = &self.sockets[&s];
        match cmd {
            Ioctl::Fionbio(on) => self.fionbio(s, on),
            Ioctl::Fionread => Ok(Returned::Value(sock.readable_bytes() as u32)),
            Ioctl::Siocatmark => {
                let at_mark = if sock.oob_inline {
                    sock.oob_mark.is_none_or(|m| m == 0)
                } else {
                    sock.oob.is_empty()
                };
                Ok(Returned::Value(u32::from(at_mark)))
            }
        }
    }

    /// `FIONBIO`, through `ioctlsocket` or `WSAIoctl`: "To set socket s back to blocking
    /// mode, it is first necessary to clear the event record associated with socket s via
    /// a call to WSAAsyncSelect with lEvent set to zero."
    fn fionbio(&mut self, s: SocketHandle, on: bool) -> Result<Returned, WsaError> {
        if !on && self.sockets[&s].notify != Notify::None {
            self.change(Change::Note(Note::BlockingNeedsCancel));
            return Err(WsaError::WSAEINVAL);
        }
        self.sock_mut(s).nonblocking = on;
        Ok(Returned::Value(0))
    }

    /// `WSAIoctl`: `SIO_GET_QOS` returns the QoS and re-enables FD_QOS. The two change
    /// requests arm a one-shot notification; on a nonblocking socket they fail with
    /// `WSAEWOULDBLOCK`, as overlapped-less Winsock does, and the event reports the change.
    pub(super) fn do_wsa_ioctl(
        &mut self,
        h: HostId,
        s: SocketHandle,
        cmd: WsaIoctl,
    ) -> Result<Returned, WsaError> {
        self.check_socket(h, s)?;
        match cmd {
            WsaIoctl::GetQos => {
                self.reenable(s, NetworkEvent::FD_QOS);
                let sock = self.sock_mut(s);
                sock.qos_changed = false;
                Ok(Returned::Qos(sock.qos))
            }
            WsaIoctl::RoutingInterfaceChange(dst) => {
                let sock = &self.sockets[&s];
                let ip = dst
                    .map(|a| a.ip)
                    .or(sock.remote.map(|a| a.ip))
                    .unwrap_or(Ipv4::ANY);
                self.sock_mut(s).routing_watch = Some(ip);
                self.reenable(s, NetworkEvent::FD_ROUTING_INTERFACE_CHANGE);
                self.watch_result(s)
            }
            WsaIoctl::AddressListChange => {
                self.sock_mut(s).address_watch = true;
                self.reenable(s, NetworkEvent::FD_ADDRESS_LIST_CHANGE);
                self.watch_result(s)
            }
            WsaIoctl::Fionbio(on) => self.fionbio(s, on).map(|_| Returned::Zero),
            // "FD_GROUP_QOS Reserved. WSAIoctl with command SIO_GET_GROUP_QOS (reserved for
            // future use with socket groups)": it re-enables FD_GROUP_QOS, which is never
            // posted, and the socket belongs to no group, so the flow spec is empty.
            WsaIoctl::GetGroupQos => {
                self.reenable(s, NetworkEvent::FD_GROUP_QOS);
                Ok(Returned::Qos(Qos::default()))
            }
            // "Further messages will not be forthcoming until either the provider detects a
            // further change in quality of service or the application renegotiates the
            // quality of service for the socket": renegotiating re-enables FD_QOS.
            WsaIoctl::SetQos(rate) => {
                self.change(Change::Note(Note::QosRenegotiated));
                let sock = self.sock_mut(s);
                sock.qos.token_rate = rate;
                sock.qos_changed = false;
                self.reenable(s, NetworkEvent::FD_QOS);
                Ok(Returned::Zero)
            }
        }
    }

    fn watch_result(&self, s: SocketHandle) -> Result<Returned, WsaError> {
        if self.sockets[&s].nonblocking {
            Err(WsaError::WSAEWOULDBLOCK)
        } else {
            Ok(Returned::Zero)
        }
    }

    /// `WSAAsyncSelect`: replaces any previous selection; `lEvent` = 0 cancels it.
    pub(super) fn do_async_select(
        &mut self,
        h: HostId,
        s: SocketHandle,
        hwnd: Hwnd,
        msg: WindowMessage,
        events: NetworkEvent,
    ) -> Result<Returned, WsaError> {
        self.check_socket(h, s)?;
        // "One of the specified parameters was invalid": an lEvent bit that names no event,
        // or a window that does not exist. Cancelling (lEvent = 0) does not use the window.
        let window_ok = self
            .windows
            .iter()
            .any(|w| w.hwnd == hwnd && w.alive && w.host == h);
        if events.has_unknown_bits() || (!events.is_empty() && !window_ok) {
            return Err(self.refuse_selection(s));
        }
        let notify = if events.is_empty() {
            Notify::None
        } else {
            Notify::Window { hwnd, msg, events }
        };
        self.select(s, notify);
        Ok(Returned::Zero)
    }

    /// A selection of `s` with an invalid parameter: `WSAEINVAL`, recorded with its rule.
    fn refuse_selection(&mut self, s: SocketHandle) -> WsaError {
        let error = WsaError::WSAEINVAL;
        self.change(Change::Refused {
            socket: s,
            error,
            rule: Rule::SelectInvalid,
        });
        error
    }

    pub(super) fn do_create_event(&mut self, h: HostId) -> Result<Returned, WsaError> {
        if self.event_objects.len() >= MAX_OBJECTS {
            return Err(WsaError::WSAENOBUFS);
        }
        let e = WsaEvent(self.event_objects.len() as u32 + 1);
        self.event_objects.push(EventObject {
            handle: e,
            host: h,
            signaled: false,
        });
        Ok(Returned::Event(e))
    }

    /// `WSAEventSelect`: like WSAAsyncSelect, but events are recorded for
    /// WSAEnumNetworkEvents and signal the event object. Each cancels the other.
    pub(super) fn do_event_select(
        &mut self,
        h: HostId,
        s: SocketHandle,
        event: WsaEvent,
        events: NetworkEvent,
    ) -> Result<Returned, WsaError> {
        self.check_socket(h, s)?;
        if events.has_unknown_bits()
            || !self
                .event_objects
                .iter()
                .any(|o| o.handle == event && o.host == h)
        {
            return Err(self.refuse_selection(s));
        }
        let notify = if events.is_empty() {
            Notify::None
        } else {
            Notify::Event { event, events }
        };
        self.select(s, notify);
        Ok(Returned::Zero)
    }

    /// `WSAEnumNetworkEvents`: the events recorded since the last call; clears the record
    /// and resets the event object.
    pub(super) fn do_enum_network_events(
        &mut self,
        h: HostId,
        s: SocketHandle,
        event: Option<WsaEvent>,
    ) -> Result<Returned, WsaError> {
        self.check_socket(h, s)?;
        if let Some(e) = event {
            let Some(o) = self
                .event_objects
                .iter_mut()
                .find(|o| o.handle == e && o.host == h)
            else {
                return Err(WsaError::WSAEINVAL);
            };
            o.signaled = false;
        }
        let sock = self.sock_mut(s);
        let out = NetworkEvents {
            events: sock.recorded,
            errors: sock.recorded_errors,
        };
        sock.recorded = NetworkEvent::NONE;
        sock.recorded_errors = [None; 10];
        Ok(Returned::NetworkEvents(out))
    }

    /// `GetMessage` (`remove`) or `PeekMessage(PM_NOREMOVE)` on a window of `h`.
    pub(super) fn do_get_message(&mut self, h: HostId, hwnd: Hwnd, remove: bool) -> Returned {
        let owned = self.window(hwnd).is_some_and(|w| w.host == h);
        let m: Option<Message> = if owned {
            self.take_message(hwnd, remove)
        } else {
            None
        };
        Returned::Message(m)
    }
}
