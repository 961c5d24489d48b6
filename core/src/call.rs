//! [`Call`]: one Winsock or window call as data, and [`Returned`]: what a successful call
//! gives back. The trace records both typed; their text is made only when shown.
//!
//! `Call` is generic over how it names sockets (`S`), event objects (`E`) and the bytes it
//! sends (`D`): the API uses handles and owned bytes, the trace keeps a [`Snippet`] of
//! the bytes, and the scenario language names its variables until the call runs.

use alloc::vec::Vec;
use core::fmt;

use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::names::Names;
use crate::net::SockAddr;
use crate::queue::{Hwnd, WindowMessage};
use crate::socket::{
    AddressFamily, Ioctl, MsgFlags, Qos, Shutdown, SockOpt, SockOptName, SocketHandle, SocketType,
    WsaEvent, WsaIoctl,
};

/// `sizeof(struct sockaddr_in)`: the `namelen` Winsock expects with an IPv4 address.
pub const SOCKADDR_IN_LEN: u32 = 16;

/// One call of a host's application, named as in Winsock.
///
/// ```
/// use wsasim::winsock::Call;
/// use wsasim::{MsgFlags, Sim, SocketType, WsaError};
///
/// let mut sim = Sim::new();
/// let a = sim.add_host("a", "10.0.0.1".parse().unwrap()).unwrap();
/// sim.on(a).call(Call::WsaStartup)?;
/// let s = sim.on(a).call(Call::Socket { af: Default::default(), ty: SocketType::Stream })?;
/// assert_eq!(s.socket(), Some(wsasim::SocketHandle(100)));
/// let r = sim.on(a).call(Call::Recv { s: wsasim::SocketHandle(100), len: 10, flags: MsgFlags::NONE });
/// assert_eq!(r, Err(WsaError::WSAENOTCONN));
/// # Ok::<(), WsaError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Call<S = SocketHandle, E = WsaEvent, D = Vec<u8>> {
    /// `WSAStartup`.
    WsaStartup,
    /// `WSACleanup`.
    WsaCleanup,
    /// `socket(af, type, 0)`.
    Socket {
        /// Address family.
        af: AddressFamily,
        /// Stream or datagram.
        ty: SocketType,
    },
    /// `bind(s, addr)`.
    Bind {
        /// The socket.
        s: S,
        /// The address (port 0: any free port).
        addr: SockAddr,
    },
    /// `listen(s, backlog)`.
    Listen {
        /// The socket.
        s: S,
        /// The backlog.
        backlog: u32,
    },
    /// `connect(s, addr, namelen)`.
    Connect {
        /// The socket.
        s: S,
        /// The peer.
        addr: SockAddr,
        /// `namelen` ([`SOCKADDR_IN_LEN`] unless a script gives another).
        namelen: u32,
    },
    /// `accept(s)`.
    Accept {
        /// The listening socket.
        s: S,
    },
    /// `send(s, data, flags)`.
    Send {
        /// The socket.
        s: S,
        /// The bytes.
        data: D,
        /// `MSG_OOB` for urgent data.
        flags: MsgFlags,
    },
    /// `recv(s, len, flags)`.
    Recv {
        /// The socket.
        s: S,
        /// The buffer's length, an `int` as in Winsock: a negative one fails with
        /// `WSAEFAULT`.
        len: i32,
        /// `MSG_PEEK`, `MSG_OOB`.
        flags: MsgFlags,
    },
    /// `sendto(s, data, to, flags)`.
    SendTo {
        /// The socket.
        s: S,
        /// The bytes.
        data: D,
        /// The destination.
        to: SockAddr,
        /// Flags.
        flags: MsgFlags,
    },
    /// `recvfrom(s, len, flags)`.
    RecvFrom {
        /// The socket.
        s: S,
        /// The buffer's length (negative: `WSAEFAULT`).
        len: i32,
        /// Flags.
        flags: MsgFlags,
    },
    /// `shutdown(s, how)`.
    Shutdown {
        /// The socket.
        s: S,
        /// Which direction.
        how: Shutdown,
    },
    /// `shutdown(s, how)` with a `how` that is none of `SD_RECEIVE` (0), `SD_SEND` (1) and
    /// `SD_BOTH` (2): Winsock fails it with `WSAEINVAL` (Wine's test_shutdown,
    /// `shutdown(client, 0xdeadbeef)`). A variant of its own, so that [`Shutdown`] stays
    /// the three directions the model acts on.
    ShutdownOther {
        /// The socket.
        s: S,
        /// `how`, an `int` as in Winsock.
        how: i32,
    },
    /// `closesocket(s)`.
    CloseSocket {
        /// The socket.
        s: S,
    },
    /// `setsockopt(s, SOL_SOCKET, option, value)`.
    SetSockOpt {
        /// The socket.
        s: S,
        /// The option and its value.
        opt: SockOpt,
    },
    /// `getsockopt(s, SOL_SOCKET, option)`.
    GetSockOpt {
        /// The socket.
        s: S,
        /// The option.
        name: SockOptName,
    },
    /// `ioctlsocket(s, cmd, &arg)`.
    IoctlSocket {
        /// The socket.
        s: S,
        /// The command.
        cmd: Ioctl,
    },
    /// `WSAIoctl(s, cmd, …)`.
    WsaIoctl {
        /// The socket.
        s: S,
        /// The command.
        cmd: WsaIoctl,
    },
    /// `WSAAsyncSelect(s, hWnd, wMsg, lEvent)`.
    WsaAsyncSelect {
        /// The socket.
        s: S,
        /// The window.
        hwnd: Hwnd,
        /// `wMsg`.
        msg: WindowMessage,
        /// `lEvent`.
        events: NetworkEvent,
    },
    /// `WSACreateEvent()`.
    WsaCreateEvent,
    /// `WSAEventSelect(s, hEventObject, lNetworkEvents)`.
    WsaEventSelect {
        /// The socket.
        s: S,
        /// The event object.
        event: E,
        /// `lNetworkEvents`.
        events: NetworkEvent,
    },
    /// `WSAEnumNetworkEvents(s, hEventObject, &events)`.
    WsaEnumNetworkEvents {
        /// The socket.
        s: S,
        /// The event object to reset, or `NULL`.
        event: Option<E>,
    },
    /// `GetMessage(&msg, hWnd, 0, 0)`.
    GetMessage {
        /// The window.
        hwnd: Hwnd,
    },
    /// `PeekMessage(&msg, hWnd, 0, 0, PM_REMOVE or PM_NOREMOVE)`.
    PeekMessage {
        /// The window.
        hwnd: Hwnd,
        /// True for `PM_REMOVE`.
        remove: bool,
    },
    /// `WSARecv(s, &buf, 1, &n, &flags, NULL, NULL)`, not overlapped: `recv` with
    /// `lpNumberOfBytesRecvd` for its count. Re-enables FD_READ and FD_OOB ("FD_READ recv,
    /// recvfrom, WSARecv, or WSARecvFrom"). `*lpFlags` comes back 0: `MSG_PARTIAL` is for
    /// message-oriented protocols, TCP is a stream, and a datagram longer than the buffer
    /// fails with `WSAEMSGSIZE` without overlapped I/O, as with `recvfrom`.
    WsaRecv {
        /// The socket.
        s: S,
        /// The one buffer's length (negative: `WSAEFAULT`).
        len: i32,
        /// `*lpFlags` on input: `MSG_PEEK`, `MSG_OOB`.
        flags: MsgFlags,
    },
    /// `WSARecvFrom(s, &buf, 1, &n, &flags, &from, &fromlen, NULL, NULL)`, not overlapped.
    WsaRecvFrom {
        /// The socket.
        s: S,
        /// The buffer's length (negative: `WSAEFAULT`).
        len: i32,
        /// `*lpFlags` on input.
        flags: MsgFlags,
    },
    /// `WSASend(s, &buf, 1, &n, flags, NULL, NULL)`, not overlapped: `send` with
    /// `lpNumberOfBytesSent` for its count. Re-enables FD_WRITE.
    WsaSend {
        /// The socket.
        s: S,
        /// The bytes.
        data: D,
        /// `MSG_OOB`.
        flags: MsgFlags,
    },
    /// `WSASendTo(s, &buf, 1, &n, flags, &to, sizeof to, NULL, NULL)`, not overlapped.
    WsaSendTo {
        /// The socket.
        s: S,
        /// The bytes.
        data: D,
        /// The destination.
        to: SockAddr,
        /// Flags.
        flags: MsgFlags,
    },
    /// `WSAConnect(s, addr, sizeof addr, NULL, NULL, NULL, NULL)`: `connect` without
    /// caller data or quality of service.
    WsaConnect {
        /// The socket.
        s: S,
        /// The peer.
        addr: SockAddr,
    },
    /// `WSAAccept(s, &addr, &len, condition, 0)`: `accept` whose condition function
    /// answers `condition` for the connection at the head of the queue.
    WsaAccept {
        /// The listening socket.
        s: S,
        /// What the condition function returns.
        condition: Condition,
    },
    /// `WSAJoinLeaf(s, addr, sizeof addr, NULL, NULL, NULL, NULL, JL_BOTH)` on a datagram
    /// socket: joins the multipoint session at `addr` as a leaf (`c_leaf`, `d_leaf`).
    WsaJoinLeaf {
        /// The socket.
        s: S,
        /// The multipoint session's address.
        addr: SockAddr,
    },
}

/// What `WSAAccept`'s condition function returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Condition {
    /// `CF_ACCEPT`: accept the connection.
    Accept,
    /// `CF_REJECT`: refuse it; the caller gets `WSAECONNREFUSED`, the client a reset.
    Reject,
    /// `CF_DEFER`: decide later; the caller gets `WSATRY_AGAIN` and the connection stays
    /// queued.
    Defer,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Condition::Accept => "CF_ACCEPT",
            Condition::Reject => "CF_REJECT",
            Condition::Defer => "CF_DEFER",
        })
    }
}

impl<S, E, D> Call<S, E, D> {
    /// The Winsock name of the call, e.g. `"closesocket"`, `"WSAAsyncSelect"`.
    pub fn name(&self) -> &'static str {
        match self {
            Call::WsaStartup => "WSAStartup",
            Call::WsaCleanup => "WSACleanup",
            Call::Socket { .. } => "socket",
            Call::Bind { .. } => "bind",
            Call::Listen { .. } => "listen",
            Call::Connect { .. } => "connect",
            Call::Accept { .. } => "accept",
            Call::Send { .. } => "send",
            Call::Recv { .. } => "recv",
            Call::SendTo { .. } => "sendto",
            Call::RecvFrom { .. } => "recvfrom",
            Call::Shutdown { .. } | Call::ShutdownOther { .. } => "shutdown",
            Call::CloseSocket { .. } => "closesocket",
            Call::SetSockOpt { .. } => "setsockopt",
            Call::GetSockOpt { .. } => "getsockopt",
            Call::IoctlSocket { .. } => "ioctlsocket",
            Call::WsaIoctl { .. } => "WSAIoctl",
            Call::WsaAsyncSelect { .. } => "WSAAsyncSelect",
            Call::WsaCreateEvent => "WSACreateEvent",
            Call::WsaEventSelect { .. } => "WSAEventSelect",
            Call::WsaEnumNetworkEvents { .. } => "WSAEnumNetworkEvents",
            Call::GetMessage { .. } => "GetMessage",
            Call::PeekMessage { .. } => "PeekMessage",
            Call::WsaRecv { .. } => "WSARecv",
            Call::WsaRecvFrom { .. } => "WSARecvFrom",
            Call::WsaSend { .. } => "WSASend",
            Call::WsaSendTo { .. } => "WSASendTo",
            Call::WsaConnect { .. } => "WSAConnect",
            Call::WsaAccept { .. } => "WSAAccept",
            Call::WsaJoinLeaf { .. } => "WSAJoinLeaf",
        }
    }

    /// The socket the call is about, if it names one.
    pub fn socket(&self) -> Option<&S> {
        match self {
            Call::Bind { s, .. }
            | Call::Listen { s, .. }
            | Call::Connect { s, .. }
            | Call::Accept { s }
            | Call::Send { s, .. }
            | Call::Recv { s, .. }
            | Call::SendTo { s, .. }
            | Call::RecvFrom { s, .. }
            | Call::Shutdown { s, .. }
            | Call::ShutdownOther { s, .. }
            | Call::CloseSocket { s }
            | Call::SetSockOpt { s, .. }
            | Call::GetSockOpt { s, .. }
            | Call::IoctlSocket { s, .. }
            | Call::WsaIoctl { s, .. }
            | Call::WsaAsyncSelect { s, .. }
            | Call::WsaEventSelect { s, .. }
            | Call::WsaEnumNetworkEvents { s, .. }
            | Call::WsaRecv { s, .. }
            | Call::WsaRecvFrom { s, .. }
            | Call::WsaSend { s, .. }
            | Call::WsaSendTo { s, .. }
            | Call::WsaConnect { s, .. }
            | Call::WsaAccept { s, .. }
            | Call::WsaJoinLeaf { s, .. } => Some(s),
            _ => None,
        }
    }

    /// The same call with its sockets, event objects and bytes mapped: how a scenario's
    /// variables become handles, and how the trace keeps a [`Snippet`] of the bytes.
    pub fn try_map<S2, E2, D2, X>(
        self,
        mut fs: impl FnMut(S) -> Result<S2, X>,
        mut fe: impl FnMut(E) -> Result<E2, X>,
        fd: impl FnOnce(D) -> D2,
    ) -> Result<Call<S2, E2, D2>, X> {
        Ok(match self {
            Call::WsaStartup => Call::WsaStartup,
            Call::WsaCleanup => Call::WsaCleanup,
            Call::Socket { af, ty } => Call::Socket { af, ty },
            Call::Bind { s, addr } => Call::Bind { s: fs(s)?, addr },
            Call::Listen { s, backlog } => Call::Listen { s: fs(s)?, backlog },
            Call::Connect { s, addr, namelen } => Call::Connect {
                s: fs(s)?,
                addr,
                namelen,
            },
            Call::Accept { s } => Call::Accept { s: fs(s)? },
            Call::Send { s, data, flags } => Call::Send {
                s: fs(s)?,
                data: fd(data),
                flags,
            },
            Call::Recv { s, len, flags } => Call::Recv {
                s: fs(s)?,
                len,
                flags,
            },
            Call::SendTo { s, data, to, flags } => Call::SendTo {
                s: fs(s)?,
                data: fd(data),
                to,
                flags,
            },
            Call::RecvFrom { s, len, flags } => Call::RecvFrom {
                s: fs(s)?,
                len,
                flags,
            },
            Call::Shutdown { s, how } => Call::Shutdown { s: fs(s)?, how },
            Call::ShutdownOther { s, how } => Call::ShutdownOther { s: fs(s)?, how },
            Call::CloseSocket { s } => Call::CloseSocket { s: fs(s)? },
            Call::SetSockOpt { s, opt } => Call::SetSockOpt { s: fs(s)?, opt },
            Call::GetSockOpt { s, name } => Call::GetSockOpt { s: fs(s)?, name },
            Call::IoctlSocket { s, cmd } => Call::IoctlSocket { s: fs(s)?, cmd },
            Call::WsaIoctl { s, cmd } => Call::WsaIoctl { s: fs(s)?, cmd },
            Call::WsaAsyncSelect {
                s,
                hwnd,
                msg,
                events,
            } => Call::WsaAsyncSelect {
                s: fs(s)?,
                hwnd,
                msg,
                events,
            },
            Call::WsaCreateEvent => Call::WsaCreateEvent,
            Call::WsaEventSelect { s, event, events } => Call::WsaEventSelect {
                s: fs(s)?,
                event: fe(event)?,
                events,
            },
            Call::WsaEnumNetworkEvents { s, event } => Call::WsaEnumNetworkEvents {
                s: fs(s)?,
                event: match event {
                    Some(e) => Some(fe(e)?),
                    None => None,
                },
            },
            Call::GetMessage { hwnd } => Call::GetMessage { hwnd },
            Call::PeekMessage { hwnd, remove } => Call::PeekMessage { hwnd, remove },
            Call::WsaRecv { s, len, flags } => Call::WsaRecv {
                s: fs(s)?,
                len,
                flags,
            },
            Call::WsaRecvFrom { s, len, flags } => Call::WsaRecvFrom {
                s: fs(s)?,
                len,
                flags,
            },
            Call::WsaSend { s, data, flags } => Call::WsaSend {
                s: fs(s)?,
                data: fd(data),
                flags,
            },
            Call::WsaSendTo { s, data, to, flags } => Call::WsaSendTo {
                s: fs(s)?,
                data: fd(data),
                to,
                flags,
            },
            Call::WsaConnect { s, addr } => Call::WsaConnect { s: fs(s)?, addr },
            Call::WsaAccept { s, condition } => Call::WsaAccept {
                s: fs(s)?,
                condition,
            },
            Call::WsaJoinLeaf { s, addr } => Call::WsaJoinLeaf { s: fs(s)?, addr },
        })
    }
}

impl<S: Copy, E: Copy, D: AsRef<[u8]>> Call<S, E, D> {
    /// The call as the trace keeps it: the bytes sent reduced to a [`Snippet`].
    pub fn traced(&self) -> Call<S, E, Snippet> {
        // Only the bytes are copied (at most a snippet of them).
        let shallow: Call<S, E, &D> = match self {
            Call::Send { s, data, flags } => Call::Send {
                s: *s,
                data,
                flags: *flags,
            },
            Call::SendTo { s, data, to, flags } => Call::SendTo {
                s: *s,
                data,
                to: *to,
                flags: *flags,
            },
            Call::WsaSend { s, data, flags } => Call::WsaSend {
                s: *s,
                data,
                flags: *flags,
            },
            Call::WsaSendTo { s, data, to, flags } => Call::WsaSendTo {
                s: *s,
                data,
                to: *to,
                flags: *flags,
            },
            other => other
                .clone_without_data()
                .expect("invariant: only the send calls carry bytes"),
        };
        shallow
            .try_map::<S, E, Snippet, core::convert::Infallible>(Ok, Ok, |d| {
                Snippet::of(d.as_ref())
            })
            .unwrap_or_else(|never| match never {})
    }

    fn clone_without_data<D2>(&self) -> Option<Call<S, E, D2>> {
        Some(match *self {
            Call::WsaStartup => Call::WsaStartup,
            Call::WsaCleanup => Call::WsaCleanup,
            Call::Socket { af, ty } => Call::Socket { af, ty },
            Call::Bind { s, addr } => Call::Bind { s, addr },
            Call::Listen { s, backlog } => Call::Listen { s, backlog },
            Call::Connect { s, addr, namelen } => Call::Connect { s, addr, namelen },
            Call::Accept { s } => Call::Accept { s },
            Call::Recv { s, len, flags } => Call::Recv { s, len, flags },
            Call::RecvFrom { s, len, flags } => Call::RecvFrom { s, len, flags },
            Call::Shutdown { s, how } => Call::Shutdown { s, how },
            Call::ShutdownOther { s, how } => Call::ShutdownOther { s, how },
            Call::CloseSocket { s } => Call::CloseSocket { s },
            Call::SetSockOpt { s, opt } => Call::SetSockOpt { s, opt },
            Call::GetSockOpt { s, name } => Call::GetSockOpt { s, name },
            Call::IoctlSocket { s, cmd } => Call::IoctlSocket { s, cmd },
            Call::WsaIoctl { s, cmd } => Call::WsaIoctl { s, cmd },
            Call::WsaAsyncSelect {
                s,
                hwnd,
                msg,
                events,
            } => Call::WsaAsyncSelect {
                s,
                hwnd,
                msg,
                events,
            },
            Call::WsaCreateEvent => Call::WsaCreateEvent,
            Call::WsaEventSelect { s, event, events } => Call::WsaEventSelect { s, event, events },
            Call::WsaEnumNetworkEvents { s, event } => Call::WsaEnumNetworkEvents { s, event },
            Call::GetMessage { hwnd } => Call::GetMessage { hwnd },
            Call::PeekMessage { hwnd, remove } => Call::PeekMessage { hwnd, remove },
            Call::WsaRecv { s, len, flags } => Call::WsaRecv { s, len, flags },
            Call::WsaRecvFrom { s, len, flags } => Call::WsaRecvFrom { s, len, flags },
            Call::WsaConnect { s, addr } => Call::WsaConnect { s, addr },
            Call::WsaAccept { s, condition } => Call::WsaAccept { s, condition },
            Call::WsaJoinLeaf { s, addr } => Call::WsaJoinLeaf { s, addr },
            Call::Send { .. }
            | Call::SendTo { .. }
            | Call::WsaSend { .. }
            | Call::WsaSendTo { .. } => return None,
        })
    }
}

/// A call as the trace records it.
pub type TracedCall = Call<SocketHandle, WsaEvent, Snippet>;

impl TracedCall {
    /// The call as Winsock source text, e.g. `recv(108, 50, 0)`, with windows by name.
    pub fn display<'a>(&'a self, names: &'a Names) -> impl fmt::Display + 'a {
        DisplayCall { call: self, names }
    }
}

struct DisplayCall<'a> {
    call: &'a TracedCall,
    names: &'a Names,
}

impl fmt::Display for DisplayCall<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let window = |f: &mut fmt::Formatter<'_>, h: Hwnd| match self.names.window(h) {
            Some(n) => f.write_str(n),
            None => write!(f, "{h}"),
        };
        match self.call {
            Call::WsaStartup => f.write_str("WSAStartup()"),
            Call::WsaCleanup => f.write_str("WSACleanup()"),
            Call::Socket { af, ty } => write!(f, "socket({af}, {ty}, 0)"),
            Call::Bind { s, addr } => write!(f, "bind({s}, {addr})"),
            Call::Listen { s, backlog } => write!(f, "listen({s}, {backlog})"),
            Call::Connect { s, addr, namelen } if *namelen == SOCKADDR_IN_LEN => {
                write!(f, "connect({s}, {addr})")
            }
            Call::Connect { s, addr, namelen } => write!(f, "connect({s}, {addr}, {namelen})"),
            Call::Accept { s } => write!(f, "accept({s})"),
            Call::Send { s, data, flags } => {
                write!(f, "send({s}, {}, {flags})", data.as_argument())
            }
            Call::Recv { s, len, flags } => write!(f, "recv({s}, {len}, {flags})"),
            Call::SendTo { s, data, to, flags } => {
                write!(f, "sendto({s}, {}, {to}, {flags})", data.as_argument())
            }
            Call::RecvFrom { s, len, flags } => write!(f, "recvfrom({s}, {len}, {flags})"),
            Call::Shutdown { s, how } => write!(f, "shutdown({s}, {how})"),
            // As written: small numbers in decimal, others (0xdeadbeef) in hexadecimal.
            Call::ShutdownOther { s, how } if (0..=255).contains(how) => {
                write!(f, "shutdown({s}, {how})")
            }
            Call::ShutdownOther { s, how } => write!(f, "shutdown({s}, {:#x})", *how as u32),
            Call::CloseSocket { s } => write!(f, "closesocket({s})"),
            Call::SetSockOpt { s, opt } => write!(f, "setsockopt({s}, SOL_SOCKET, {opt})"),
            Call::GetSockOpt { s, name } => write!(f, "getsockopt({s}, SOL_SOCKET, {name})"),
            Call::IoctlSocket { s, cmd } => match cmd {
                Ioctl::Fionbio(on) => write!(f, "ioctlsocket({s}, FIONBIO, {})", u8::from(*on)),
                Ioctl::Fionread => write!(f, "ioctlsocket({s}, FIONREAD)"),
                Ioctl::Siocatmark => write!(f, "ioctlsocket({s}, SIOCATMARK)"),
            },
            Call::WsaIoctl { s, cmd } => match cmd {
                WsaIoctl::GetQos => write!(f, "WSAIoctl({s}, SIO_GET_QOS)"),
                WsaIoctl::RoutingInterfaceChange(Some(a)) => {
                    write!(f, "WSAIoctl({s}, SIO_ROUTING_INTERFACE_CHANGE, {a})")
                }
                WsaIoctl::RoutingInterfaceChange(None) => {
                    write!(f, "WSAIoctl({s}, SIO_ROUTING_INTERFACE_CHANGE)")
                }
                WsaIoctl::AddressListChange => write!(f, "WSAIoctl({s}, SIO_ADDRESS_LIST_CHANGE)"),
                WsaIoctl::Fionbio(on) => write!(f, "WSAIoctl({s}, FIONBIO, {})", u8::from(*on)),
                WsaIoctl::GetGroupQos => write!(f, "WSAIoctl({s}, SIO_GET_GROUP_QOS)"),
                WsaIoctl::SetQos(rate) => write!(f, "WSAIoctl({s}, SIO_SET_QOS, {rate})"),
            },
            Call::WsaAsyncSelect {
                s,
                hwnd,
                msg,
                events,
            } => {
                write!(f, "WSAAsyncSelect({s}, ")?;
                window(f, *hwnd)?;
                write!(f, ", {msg}, {events})")
            }
            Call::WsaCreateEvent => f.write_str("WSACreateEvent()"),
            Call::WsaEventSelect { s, event, events } => {
                write!(f, "WSAEventSelect({s}, {event}, {events})")
            }
            Call::WsaEnumNetworkEvents { s, event } => match event {
                Some(e) => write!(f, "WSAEnumNetworkEvents({s}, {e})"),
                None => write!(f, "WSAEnumNetworkEvents({s}, NULL)"),
            },
            Call::GetMessage { hwnd } => {
                f.write_str("GetMessage(")?;
                window(f, *hwnd)?;
                f.write_str(")")
            }
            Call::PeekMessage { hwnd, remove } => {
                f.write_str("PeekMessage(")?;
                window(f, *hwnd)?;
                f.write_str(if *remove {
                    ", PM_REMOVE)"
                } else {
                    ", PM_NOREMOVE)"
                })
            }
            Call::WsaRecv { s, len, flags } => write!(f, "WSARecv({s}, {len}, {flags})"),
            Call::WsaRecvFrom { s, len, flags } => write!(f, "WSARecvFrom({s}, {len}, {flags})"),
            Call::WsaSend { s, data, flags } => {
                write!(f, "WSASend({s}, {}, {flags})", data.as_argument())
            }
            Call::WsaSendTo { s, data, to, flags } => {
                write!(f, "WSASendTo({s}, {}, {to}, {flags})", data.as_argument())
            }
            Call::WsaConnect { s, addr } => write!(f, "WSAConnect({s}, {addr})"),
            Call::WsaAccept { s, condition } => write!(f, "WSAAccept({s}, {condition})"),
            Call::WsaJoinLeaf { s, addr } => write!(f, "WSAJoinLeaf({s}, {addr})"),
        }
    }
}

/// What the trace keeps of a buffer of bytes: its length, and the bytes themselves when
/// there are at most [`Snippet::MAX`] of them (enough to show them as text). Kept inline,
/// so recording a call's bytes allocates nothing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(into = "SnippetRepr", from = "SnippetRepr")
)]
pub struct Snippet {
    len: u32,
    kept: Option<u8>,
    buf: [u8; Snippet::MAX],
}

/// How serde sees a [`Snippet`].
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct SnippetRepr {
    len: u32,
    bytes: Option<Vec<u8>>,
}

#[cfg(feature = "serde")]
impl From<Snippet> for SnippetRepr {
    fn from(s: Snippet) -> SnippetRepr {
        SnippetRepr {
            len: s.len,
            bytes: s.kept().map(<[u8]>::to_vec),
        }
    }
}

#[cfg(feature = "serde")]
impl From<SnippetRepr> for Snippet {
    fn from(r: SnippetRepr) -> Snippet {
        Snippet::from_parts(r.len, r.bytes.as_deref())
    }
}

impl Snippet {
    /// The most bytes a snippet keeps.
    pub const MAX: usize = 40;

    /// The snippet of `data`.
    pub fn of(data: &[u8]) -> Snippet {
        let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let keep = data.len() <= Self::MAX && !data.is_empty();
        Snippet::from_parts(len, keep.then_some(data))
    }

    /// A snippet of a buffer of `len` bytes that keeps `kept` (at most [`Snippet::MAX`]).
    pub(crate) fn from_parts(len: u32, kept: Option<&[u8]>) -> Snippet {
        let mut buf = [0; Self::MAX];
        let kept = kept.map(|k| {
            let n = k.len().min(Self::MAX);
            buf[..n].copy_from_slice(&k[..n]);
            n as u8
        });
        Snippet { len, kept, buf }
    }

    /// The bytes kept, if any were (the whole buffer, unless it was built otherwise).
    pub(crate) fn kept(&self) -> Option<&[u8]> {
        self.kept.map(|n| &self.buf[..n as usize])
    }

    /// The length as recorded.
    pub(crate) fn len_u32(&self) -> u32 {
        self.len
    }

    /// The buffer's length.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True for no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes, if the buffer was short enough to keep.
    pub fn bytes(&self) -> Option<&[u8]> {
        if self.len == 0 {
            Some(&[])
        } else {
            self.kept()
        }
    }

    /// As a call's argument: `"text"` when printable, else `N bytes`.
    pub fn as_argument(&self) -> impl fmt::Display + '_ {
        SnippetArg(self)
    }

    /// As a call's result: `0`, `N "text"` (escaped) when printable, else `N`.
    pub fn as_result(&self) -> impl fmt::Display + '_ {
        SnippetResult(self)
    }
}

struct SnippetArg<'a>(&'a Snippet);

impl fmt::Display for SnippetArg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.bytes() {
            Some(b) if b.iter().all(|b| (0x20..0x7f).contains(b)) => {
                f.write_str("\"")?;
                for c in b {
                    write!(f, "{}", *c as char)?;
                }
                f.write_str("\"")
            }
            _ => write!(f, "{} bytes", self.0.len),
        }
    }
}

struct SnippetResult<'a>(&'a Snippet);

impl fmt::Display for SnippetResult<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let printable = |b: &u8| (0x20..0x7f).contains(b) || matches!(b, b'\n' | b'\r' | b'\t');
        match self.0.bytes() {
            Some([]) => f.write_str("0"),
            Some(b) if b.iter().all(printable) => {
                write!(f, "{} \"", b.len())?;
                for c in b {
                    match c {
                        b'\n' => f.write_str("\\n")?,
                        b'\r' => f.write_str("\\r")?,
                        b'\t' => f.write_str("\\t")?,
                        b'"' => f.write_str("\\\"")?,
                        b'\\' => f.write_str("\\\\")?,
                        _ => write!(f, "{}", *c as char)?,
                    }
                }
                f.write_str("\"")
            }
            _ => write!(f, "{}", self.0.len),
        }
    }
}

/// What `WSAEnumNetworkEvents` returns (`WSANETWORKEVENTS`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NetworkEvents {
    /// `lNetworkEvents`: the events recorded since the last call.
    pub events: NetworkEvent,
    /// `iErrorCode`, indexed by `FD_*_BIT`.
    pub errors: [Option<WsaError>; 10],
}

/// What a successful call returned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Returned {
    /// 0: the call succeeded and returns nothing else.
    Zero,
    /// A new socket (`socket`).
    Socket(SocketHandle),
    /// `accept`: the new socket and the peer's address.
    Accepted(SocketHandle, SockAddr),
    /// A byte count (`send`, `sendto`).
    Sent(usize),
    /// The bytes read (`recv`); empty: the peer closed gracefully.
    Received(Vec<u8>),
    /// The bytes read and their sender (`recvfrom`).
    ReceivedFrom(Vec<u8>, SockAddr),
    /// An option's value (`getsockopt`).
    Opt(SockOpt),
    /// The value `ioctlsocket` writes to its argument.
    Value(u32),
    /// `WSAIoctl(SIO_GET_QOS)`'s flow specification.
    Qos(Qos),
    /// A new event object (`WSACreateEvent`).
    Event(WsaEvent),
    /// `WSAEnumNetworkEvents`' record.
    NetworkEvents(NetworkEvents),
    /// `GetMessage` / `PeekMessage`: a message, or `None` when the queue is empty.
    Message(Option<crate::queue::Message>),
}

impl Returned {
    /// The socket returned by `socket` or `accept`.
    pub fn socket(&self) -> Option<SocketHandle> {
        match self {
            Returned::Socket(s) | Returned::Accepted(s, _) => Some(*s),
            _ => None,
        }
    }

    /// What the trace keeps of it.
    pub fn traced(&self) -> TracedReturn {
        match self {
            Returned::Zero => TracedReturn::Zero,
            Returned::Socket(s) => TracedReturn::Socket(*s),
            Returned::Accepted(s, a) => TracedReturn::Accepted(*s, *a),
            Returned::Sent(n) => TracedReturn::Count(*n as u64),
            Returned::Received(d) => TracedReturn::Received(Snippet::of(d), None),
            Returned::ReceivedFrom(d, a) => TracedReturn::Received(Snippet::of(d), Some(*a)),
            Returned::Opt(o) => TracedReturn::Opt(*o),
            Returned::Value(v) => TracedReturn::Count(u64::from(*v)),
            Returned::Qos(q) => TracedReturn::Qos(*q),
            Returned::Event(e) => TracedReturn::Event(*e),
            Returned::NetworkEvents(n) => TracedReturn::NetworkEvents(n.events),
            Returned::Message(Some(m)) => TracedReturn::Message {
                msg: m.msg,
                wparam: m.wparam,
                lparam: m.lparam,
            },
            Returned::Message(None) => TracedReturn::NoMessage,
        }
    }
}

/// What the trace keeps of a call's return value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum TracedReturn {
    /// 0.
    Zero,
    /// A new socket.
    Socket(SocketHandle),
    /// An accepted connection and its peer.
    Accepted(SocketHandle, SockAddr),
    /// A count or value.
    Count(u64),
    /// Bytes read, and their sender for `recvfrom`.
    Received(Snippet, Option<SockAddr>),
    /// An option's value.
    Opt(SockOpt),
    /// A flow specification.
    Qos(Qos),
    /// A new event object.
    Event(WsaEvent),
    /// The events `WSAEnumNetworkEvents` reported.
    NetworkEvents(NetworkEvent),
    /// A message taken or peeked.
    Message {
        /// `message`.
        msg: WindowMessage,
        /// `wParam`: the socket.
        wparam: SocketHandle,
        /// `lParam`.
        lparam: crate::event::LParam,
    },
    /// The queue was empty.
    NoMessage,
}

impl fmt::Display for TracedReturn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TracedReturn::Zero => f.write_str("0"),
            TracedReturn::Socket(s) => write!(f, "socket {s}"),
            TracedReturn::Accepted(s, a) => write!(f, "socket {s} from {a}"),
            TracedReturn::Count(n) => write!(f, "{n}"),
            TracedReturn::Received(d, None) => write!(f, "{}", d.as_result()),
            TracedReturn::Received(d, Some(a)) => write!(f, "{} from {a}", d.as_result()),
            TracedReturn::Opt(o) => write!(f, "{o}"),
            TracedReturn::Qos(q) => {
                write!(
                    f,
                    "QoS token rate {} (change {})",
                    q.token_rate, q.generation
                )
            }
            TracedReturn::Event(e) => write!(f, "{e}"),
            TracedReturn::NetworkEvents(e) => write!(f, "{e}"),
            TracedReturn::Message {
                msg,
                wparam,
                lparam,
            } => {
                write!(f, "{msg}({wparam}, {}, ", lparam.event())?;
                match lparam.error() {
                    Some(e) => write!(f, "{e})"),
                    None => f.write_str("0)"),
                }
            }
            TracedReturn::NoMessage => f.write_str("no message"),
        }
    }
}
