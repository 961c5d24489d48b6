//! [`Winsock`]: the Winsock calls one host's application makes, with Winsock's names,
//! arguments, return values and error codes.
//!
//! Every call is a [`Call`] value, run by [`Winsock::call`]; the named methods
//! (`recv`, `closesocket`, …) are thin wrappers that build one. Each call is one step in
//! the trace. A call on a blocking socket that cannot complete at once is a step that
//! "blocks"; the simulation then runs (time passes, segments arrive) until the call can
//! complete, which is a second step. If nothing is left that could complete it, the call
//! fails with `WSAEINTR`, as if `WSACancelBlockingCall` had been called.
//!
//! Files: `call` (the [`Call`] and [`Returned`] types), `blocking` (how a call runs, the
//! one blocking loop), `control` (set-up, options, ioctls, selection, messages), `stream`
//! (a TCP connection's calls) and `dgram` (UDP).

mod blocking;
mod control;
mod dgram;
mod stream;

pub use crate::call::{
    Call, Condition, NetworkEvents, Returned, Snippet, TracedCall, TracedReturn, SOCKADDR_IN_LEN,
};
pub use blocking::MAX_BLOCKING_STEPS;
pub use dgram::MAX_DATAGRAM;

use alloc::vec::Vec;

use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::{HostId, SockAddr};
use crate::queue::{Hwnd, Message, WindowMessage};
use crate::sim::Sim;
use crate::socket::{
    AddressFamily, Ioctl, MsgFlags, Qos, Shutdown, SockOpt, SockOptName, SocketHandle, SocketType,
    WsaEvent, WsaIoctl,
};

/// A Winsock 1.1 blocking hook (`WSASetBlockingHook`): called with the world and the
/// blocked host before each simulation step while a blocking call waits.
pub type BlockingHook<'a> = &'a mut dyn FnMut(&mut Sim, HostId);

/// The Winsock calls of one host's application: `sim.on(host).recv(s, 50, MsgFlags::NONE)`.
pub struct Winsock<'a> {
    pub(crate) sim: &'a mut Sim,
    pub(crate) host: HostId,
    pub(crate) hook: Option<BlockingHook<'a>>,
}

impl Sim {
    /// Runs Winsock calls as `host`'s application.
    pub fn on(&mut self, host: HostId) -> Winsock<'_> {
        Winsock {
            sim: self,
            host,
            hook: None,
        }
    }
}

/// The value of a successful call, when it has the shape its method promises.
fn expect<T>(
    r: Result<Returned, WsaError>,
    f: impl FnOnce(Returned) -> Option<T>,
) -> Result<T, WsaError> {
    r.map(|v| f(v).expect("invariant: a call returns its own kind of value"))
}

impl<'a> Winsock<'a> {
    /// Installs a blocking hook for the calls made through this value (`WSASetBlockingHook`).
    /// While a blocking call waits, the hook runs before every simulation step, as
    /// Winsock 1.1's default hook pumps the message loop; any Winsock call the host makes
    /// from it fails with `WSAEINPROGRESS`.
    ///
    /// ```
    /// use wsasim::{MsgFlags, NetworkEvent, Sim, SocketType, WindowMessage, WsaError};
    /// let mut sim = Sim::new();
    /// let a = sim.add_host("a", "10.0.0.1".parse().unwrap()).unwrap();
    /// let w = sim.create_window(a, "w");
    /// sim.on(a).wsa_startup().unwrap();
    /// let u = sim.on(a).socket(SocketType::Dgram).unwrap();
    /// sim.on(a).bind(u, "10.0.0.1:53".parse().unwrap()).unwrap();
    /// let mut seen = Vec::new();
    /// let mut hook = |sim: &mut Sim, h| {
    ///     seen.push(sim.on(h).wsa_async_select(u, w, WindowMessage::user(1), NetworkEvent::FD_READ));
    /// };
    /// // Nothing will ever arrive: the call is cancelled after the hook ran once.
    /// assert_eq!(sim.on(a).with_blocking_hook(&mut hook).recv(u, 10, MsgFlags::NONE), Err(WsaError::WSAEINTR));
    /// assert_eq!(seen, vec![Err(WsaError::WSAEINPROGRESS)]);
    /// ```
    pub fn with_blocking_hook(mut self, hook: BlockingHook<'a>) -> Winsock<'a> {
        self.hook = Some(hook);
        self
    }

    /// Makes one call as this host's application: the one entry point behind every
    /// named method. `sendto` on a stream socket is `send`, as in Winsock (`to` is ignored).
    pub fn call(&mut self, call: Call) -> Result<Returned, WsaError> {
        self.run(call)
    }

    /// [`Winsock::call`] with the bytes to send owned or borrowed.
    pub(crate) fn run<D: AsRef<[u8]>>(
        &mut self,
        call: Call<SocketHandle, WsaEvent, D>,
    ) -> Result<Returned, WsaError> {
        let stream = |s: SocketHandle| {
            self.sim
                .sockets
                .get(s)
                .is_some_and(|x| x.ty == SocketType::Stream)
        };
        let call = match call {
            Call::SendTo { s, data, flags, .. } if stream(s) => Call::Send { s, data, flags },
            Call::WsaSendTo { s, data, flags, .. } if stream(s) => Call::WsaSend { s, data, flags },
            other => other,
        };
        self.perform(&call)
    }

    // ----- start-up -----

    /// `WSAStartup`: must succeed before any other call.
    pub fn wsa_startup(&mut self) -> Result<(), WsaError> {
        self.call(Call::WsaStartup).map(drop)
    }

    /// `WSACleanup`: the last one closes every socket of the host.
    pub fn wsa_cleanup(&mut self) -> Result<(), WsaError> {
        self.call(Call::WsaCleanup).map(drop)
    }

    /// `WSAGetLastError`: the error of this host's last failed call.
    pub fn wsa_get_last_error(&self) -> Option<WsaError> {
        self.sim.hosts[self.host.0 as usize].last_error
    }

    // ----- sockets -----

    /// `socket(AF_INET, type, 0)`.
    pub fn socket(&mut self, ty: SocketType) -> Result<SocketHandle, WsaError> {
        self.socket_in(AddressFamily::Inet, ty)
    }

    /// `socket(af, type, 0)`: only `AF_INET` is simulated.
    pub fn socket_in(
        &mut self,
        af: AddressFamily,
        ty: SocketType,
    ) -> Result<SocketHandle, WsaError> {
        expect(self.call(Call::Socket { af, ty }), |r| r.socket())
    }

    /// `bind(s, addr)`. Port 0 picks a free port.
    pub fn bind(&mut self, s: SocketHandle, addr: SockAddr) -> Result<(), WsaError> {
        self.call(Call::Bind { s, addr }).map(drop)
    }

    /// `listen(s, backlog)`; the backlog is clamped to 1..=200 (`SOMAXCONN`).
    pub fn listen(&mut self, s: SocketHandle, backlog: u32) -> Result<(), WsaError> {
        self.call(Call::Listen { s, backlog }).map(drop)
    }

    /// `connect(s, addr)`. On a nonblocking stream socket it fails with `WSAEWOULDBLOCK`
    /// and FD_CONNECT reports the outcome.
    pub fn connect(&mut self, s: SocketHandle, addr: SockAddr) -> Result<(), WsaError> {
        self.connect_namelen(s, addr, SOCKADDR_IN_LEN)
    }

    /// `connect(s, addr, namelen)`: a `namelen` smaller than `sizeof(struct sockaddr_in)`
    /// (16) fails with `WSAEFAULT` ("The namelen parameter is invalid").
    pub fn connect_namelen(
        &mut self,
        s: SocketHandle,
        addr: SockAddr,
        namelen: u32,
    ) -> Result<(), WsaError> {
        self.call(Call::Connect { s, addr, namelen }).map(drop)
    }

    /// `accept(s)`: the next established connection, with the listener's selection.
    pub fn accept(&mut self, s: SocketHandle) -> Result<(SocketHandle, SockAddr), WsaError> {
        expect(self.call(Call::Accept { s }), |r| match r {
            Returned::Accepted(c, a) => Some((c, a)),
            _ => None,
        })
    }

    /// `send(s, data, flags)`: queues what fits in the send buffer and returns how much.
    pub fn send(
        &mut self,
        s: SocketHandle,
        data: &[u8],
        flags: MsgFlags,
    ) -> Result<usize, WsaError> {
        expect(self.run(Call::Send { s, data, flags }), sent)
    }

    /// `recv(s, len, flags)`: returns the bytes read; empty means the peer closed gracefully.
    pub fn recv(
        &mut self,
        s: SocketHandle,
        len: usize,
        flags: MsgFlags,
    ) -> Result<Vec<u8>, WsaError> {
        let len = i32::try_from(len).unwrap_or(i32::MAX);
        expect(self.call(Call::Recv { s, len, flags }), |r| match r {
            Returned::Received(d) => Some(d),
            _ => None,
        })
    }

    /// `sendto(s, data, to, flags)`. On a stream socket `to` is ignored, as in Winsock.
    pub fn sendto(
        &mut self,
        s: SocketHandle,
        data: &[u8],
        to: SockAddr,
        flags: MsgFlags,
    ) -> Result<usize, WsaError> {
        expect(self.run(Call::SendTo { s, data, to, flags }), sent)
    }

    /// `recvfrom(s, len, flags)`: the bytes and the sender. A datagram longer than `len` is
    /// truncated and discarded with `WSAEMSGSIZE`.
    pub fn recvfrom(
        &mut self,
        s: SocketHandle,
        len: usize,
        flags: MsgFlags,
    ) -> Result<(Vec<u8>, SockAddr), WsaError> {
        let len = i32::try_from(len).unwrap_or(i32::MAX);
        expect(self.call(Call::RecvFrom { s, len, flags }), |r| match r {
            Returned::ReceivedFrom(d, a) => Some((d, a)),
            _ => None,
        })
    }

    /// `shutdown(s, how)`.
    pub fn shutdown(&mut self, s: SocketHandle, how: Shutdown) -> Result<(), WsaError> {
        self.call(Call::Shutdown { s, how }).map(drop)
    }

    /// `closesocket(s)`: cancels the selection (queued messages stay), closes gracefully
    /// (FIN) or abortively (RST with SO_LINGER 0 s or unread data). No FD_CLOSE follows.
    pub fn closesocket(&mut self, s: SocketHandle) -> Result<(), WsaError> {
        self.call(Call::CloseSocket { s }).map(drop)
    }

    // ----- options and ioctls -----

    /// `setsockopt(s, SOL_SOCKET, option, value)`. Buffer sizes are clamped to 1..=1 MiB.
    pub fn setsockopt(&mut self, s: SocketHandle, opt: SockOpt) -> Result<(), WsaError> {
        self.call(Call::SetSockOpt { s, opt }).map(drop)
    }

    /// `getsockopt(s, SOL_SOCKET, option)`.
    pub fn getsockopt(&mut self, s: SocketHandle, name: SockOptName) -> Result<SockOpt, WsaError> {
        expect(self.call(Call::GetSockOpt { s, name }), |r| match r {
            Returned::Opt(o) => Some(o),
            _ => None,
        })
    }

    /// `ioctlsocket(s, FIONBIO, &on)`.
    pub fn ioctl_fionbio(&mut self, s: SocketHandle, nonblocking: bool) -> Result<u32, WsaError> {
        self.ioctlsocket(s, Ioctl::Fionbio(nonblocking))
    }

    /// `ioctlsocket(s, cmd, &arg)`: returns the value written to `arg`.
    /// FIONBIO back to blocking fails with `WSAEINVAL` while a selection is active.
    pub fn ioctlsocket(&mut self, s: SocketHandle, cmd: Ioctl) -> Result<u32, WsaError> {
        expect(self.call(Call::IoctlSocket { s, cmd }), |r| match r {
            Returned::Value(v) => Some(v),
            _ => None,
        })
    }

    /// `WSAIoctl(s, cmd, …)`. `SIO_GET_QOS` returns the QoS and re-enables FD_QOS. The two
    /// change requests arm a one-shot notification; on a nonblocking socket they fail with
    /// `WSAEWOULDBLOCK`, as overlapped-less Winsock does, and the event reports the change.
    pub fn wsa_ioctl(&mut self, s: SocketHandle, cmd: WsaIoctl) -> Result<Option<Qos>, WsaError> {
        expect(self.call(Call::WsaIoctl { s, cmd }), |r| match r {
            Returned::Qos(q) => Some(Some(q)),
            Returned::Zero => Some(None),
            _ => None,
        })
    }

    // ----- selection -----

    /// `WSAAsyncSelect(s, hWnd, wMsg, lEvent)`: replaces any previous selection, makes the
    /// socket nonblocking, and posts at once every selected condition that already holds.
    /// `lEvent` = 0 cancels notification; messages already queued stay queued.
    pub fn wsa_async_select(
        &mut self,
        s: SocketHandle,
        hwnd: Hwnd,
        msg: WindowMessage,
        events: NetworkEvent,
    ) -> Result<(), WsaError> {
        self.call(Call::WsaAsyncSelect {
            s,
            hwnd,
            msg,
            events,
        })
        .map(drop)
    }

    /// `WSACreateEvent()`.
    pub fn wsa_create_event(&mut self) -> Result<WsaEvent, WsaError> {
        expect(self.call(Call::WsaCreateEvent), |r| match r {
            Returned::Event(e) => Some(e),
            _ => None,
        })
    }

    /// `WSAEventSelect(s, hEventObject, lNetworkEvents)`: like WSAAsyncSelect, but events are
    /// recorded for WSAEnumNetworkEvents and signal the event object. Each cancels the other.
    pub fn wsa_event_select(
        &mut self,
        s: SocketHandle,
        event: WsaEvent,
        events: NetworkEvent,
    ) -> Result<(), WsaError> {
        self.call(Call::WsaEventSelect { s, event, events })
            .map(drop)
    }

    /// `WSAEnumNetworkEvents(s, hEventObject, &events)`: the events recorded since the last
    /// call; clears the record and resets the event object.
    pub fn wsa_enum_network_events(
        &mut self,
        s: SocketHandle,
        event: Option<WsaEvent>,
    ) -> Result<NetworkEvents, WsaError> {
        expect(
            self.call(Call::WsaEnumNetworkEvents { s, event }),
            |r| match r {
                Returned::NetworkEvents(n) => Some(n),
                _ => None,
            },
        )
    }

    // ----- window messages -----

    /// `GetMessage(&msg, hWnd, 0, 0)` without waiting: takes the oldest queued message, or
    /// `None` if the queue is empty (where GetMessage would wait).
    pub fn get_message(&mut self, hwnd: Hwnd) -> Option<Message> {
        message(self.call(Call::GetMessage { hwnd }))
    }

    /// `PeekMessage(&msg, hWnd, 0, 0, PM_REMOVE or PM_NOREMOVE)`.
    pub fn peek_message(&mut self, hwnd: Hwnd, remove: bool) -> Option<Message> {
        message(self.call(Call::PeekMessage { hwnd, remove }))
    }
}

fn message(r: Result<Returned, WsaError>) -> Option<Message> {
    match r {
        Ok(Returned::Message(m)) => m,
        _ => None,
    }
}

fn sent(r: Returned) -> Option<usize> {
    match r {
        Returned::Sent(n) => Some(n),
        _ => None,
    }
}
