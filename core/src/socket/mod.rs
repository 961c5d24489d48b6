//! Sockets: handles, kinds, options, buffers and the per-socket state the posting rules read;
//! the table of every socket is in `table`.

mod table;

pub use table::{SocketTable, WORLD_BUFFERS};

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::fmt;

use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::handle::{Hwnd, WindowMessage};
pub use crate::handle::{SocketHandle, WsaEvent};
use crate::net::{HostId, Ipv4, SockAddr};
use crate::tcb::{Tcb, TcpState};

/// The kind of socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SocketType {
    /// `SOCK_STREAM`: TCP.
    Stream,
    /// `SOCK_DGRAM`: UDP.
    Dgram,
}

impl fmt::Display for SocketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SocketType::Stream => "SOCK_STREAM",
            SocketType::Dgram => "SOCK_DGRAM",
        })
    }
}

/// Address families accepted by `socket()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AddressFamily {
    /// `AF_INET` (IPv4), the only family wsasim simulates.
    #[default]
    Inet,
    /// `AF_INET6`: accepted by the parser, refused with `WSAEAFNOSUPPORT`.
    Inet6,
}

impl fmt::Display for AddressFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressFamily::Inet => "AF_INET",
            AddressFamily::Inet6 => "AF_INET6",
        })
    }
}

impl fmt::Display for Shutdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Shutdown::Receive => "SD_RECEIVE",
            Shutdown::Send => "SD_SEND",
            Shutdown::Both => "SD_BOTH",
        })
    }
}

impl fmt::Display for SockOptName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SockOptName::OobInline => "SO_OOBINLINE",
            SockOptName::Linger => "SO_LINGER",
            SockOptName::RcvBuf => "SO_RCVBUF",
            SockOptName::SndBuf => "SO_SNDBUF",
        })
    }
}

/// `shutdown()`'s `how`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Shutdown {
    /// `SD_RECEIVE`.
    Receive,
    /// `SD_SEND`: sends FIN once queued data is sent.
    Send,
    /// `SD_BOTH`.
    Both,
}

/// Flags of `send` / `recv`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MsgFlags {
    /// `MSG_OOB`: send urgent data / read the OOB byte.
    pub oob: bool,
    /// `MSG_PEEK`: read without removing.
    pub peek: bool,
}

impl MsgFlags {
    /// No flags.
    pub const NONE: MsgFlags = MsgFlags {
        oob: false,
        peek: false,
    };
    /// `MSG_OOB`.
    pub const OOB: MsgFlags = MsgFlags {
        oob: true,
        peek: false,
    };
    /// `MSG_PEEK`.
    pub const PEEK: MsgFlags = MsgFlags {
        oob: false,
        peek: true,
    };
}

impl fmt::Display for MsgFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.oob, self.peek) {
            (false, false) => f.write_str("0"),
            (true, false) => f.write_str("MSG_OOB"),
            (false, true) => f.write_str("MSG_PEEK"),
            (true, true) => f.write_str("MSG_OOB|MSG_PEEK"),
        }
    }
}

/// A socket option and its value, for `setsockopt` / from `getsockopt` (level `SOL_SOCKET`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SockOpt {
    /// `SO_OOBINLINE`: urgent data is read inline and reported by FD_READ.
    OobInline(bool),
    /// `SO_LINGER`: `on` with 0 seconds makes closesocket abortive (RST).
    Linger {
        /// `l_onoff`.
        on: bool,
        /// `l_linger`, in seconds.
        secs: u16,
    },
    /// `SO_RCVBUF`: receive buffer size in bytes (also the largest window advertised).
    RcvBuf(u32),
    /// `SO_SNDBUF`: send buffer size in bytes.
    SndBuf(u32),
}

/// The name of a socket option, for `getsockopt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SockOptName {
    /// `SO_OOBINLINE`.
    OobInline,
    /// `SO_LINGER`.
    Linger,
    /// `SO_RCVBUF`.
    RcvBuf,
    /// `SO_SNDBUF`.
    SndBuf,
}

impl fmt::Display for SockOpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SockOpt::OobInline(on) => write!(f, "SO_OOBINLINE, {}", u8::from(*on)),
            SockOpt::Linger { on, secs } => write!(f, "SO_LINGER, {}, {secs}", u8::from(*on)),
            SockOpt::RcvBuf(n) => write!(f, "SO_RCVBUF, {n}"),
            SockOpt::SndBuf(n) => write!(f, "SO_SNDBUF, {n}"),
        }
    }
}

/// `ioctlsocket` commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Ioctl {
    /// `FIONBIO`: nonblocking (true) or blocking (false).
    Fionbio(bool),
    /// `FIONREAD`: bytes ready to read.
    Fionread,
    /// `SIOCATMARK`: true (1) if no OOB data waits to be read.
    Siocatmark,
}

/// `WSAIoctl` commands wsasim simulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum WsaIoctl {
    /// `SIO_GET_QOS`: read the flow specification; re-enables FD_QOS.
    GetQos,
    /// `SIO_ROUTING_INTERFACE_CHANGE` for a destination (the peer if `None`).
    RoutingInterfaceChange(Option<SockAddr>),
    /// `SIO_ADDRESS_LIST_CHANGE`.
    AddressListChange,
    /// `FIONBIO` through `WSAIoctl`: the same as `ioctlsocket(s, FIONBIO, …)` ("use
    /// ioctlsocket or WSAIoctl" to go back to blocking mode).
    Fionbio(bool),
    /// `SIO_GET_GROUP_QOS`: reserved for socket groups. It returns an empty flow
    /// specification and re-enables FD_GROUP_QOS, which is never posted.
    GetGroupQos,
    /// `SIO_SET_QOS` with a token rate: the application renegotiates its quality of
    /// service, which re-enables FD_QOS.
    SetQos(u32),
}

/// A socket's quality of service, as `SIO_GET_QOS` returns it (a simplified flowspec).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Qos {
    /// Token rate in bytes per second; 0 means best effort.
    pub token_rate: u32,
    /// How many times the provider changed it.
    pub generation: u32,
}

/// How a socket's network events are reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Notify {
    /// No selection.
    #[default]
    None,
    /// WSAAsyncSelect: post `msg` to `hwnd` for `events`.
    Window {
        /// The window.
        hwnd: Hwnd,
        /// `wMsg`.
        msg: WindowMessage,
        /// `lEvent`.
        events: NetworkEvent,
    },
    /// WSAEventSelect: record `events` and signal `event`.
    Event {
        /// The event object.
        event: WsaEvent,
        /// `lNetworkEvents`.
        events: NetworkEvent,
    },
}

impl Notify {
    /// The selected events (empty when there is no selection).
    pub fn events(&self) -> NetworkEvent {
        match self {
            Notify::None => NetworkEvent::NONE,
            Notify::Window { events, .. } | Notify::Event { events, .. } => *events,
        }
    }
}

/// Who holds a socket's handle: the handle's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Holder {
    /// The application: returned by `socket` or `accept`, not yet closed.
    App,
    /// A connection made by this listener, waiting for `accept` (it has no selection of
    /// its own yet, and no application call can name it).
    Listener(SocketHandle),
    /// Released by `closesocket` (or the last `WSACleanup`): the connection lives on only
    /// to finish its TCP close.
    Released,
}

/// How a connection ended, once it has: what FD_CLOSE reports and what later calls fail
/// with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Ending {
    /// The peer's FIN arrived: FD_CLOSE without error, and `recv` returns 0 once the data
    /// is read.
    Graceful,
    /// The connection failed: later calls fail with `error`. `close` is how the peer or the
    /// network ended it, which FD_CLOSE reports (`None` for a connect that failed or a
    /// connection the local side aborted).
    Failed {
        /// What later calls fail with.
        error: WsaError,
        /// What ended it, if FD_CLOSE reports it.
        close: Option<CloseKind>,
    },
}

/// Why a connection ended, which is what FD_CLOSE reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CloseKind {
    /// The peer's FIN arrived: graceful.
    Graceful,
    /// The peer sent RST.
    Reset,
    /// Retransmissions timed out.
    Aborted,
    /// The host's network went down.
    NetDown,
}

/// `len` bytes of `buf` from `start`, copied slice by slice (not byte by byte).
pub(crate) fn copy_bytes(buf: &VecDeque<u8>, start: usize, len: usize) -> Vec<u8> {
    let (a, b) = buf.as_slices();
    let mut out = Vec::with_capacity(len);
    let end = start + len;
    if start < a.len() {
        out.extend_from_slice(&a[start..end.min(a.len())]);
    }
    if end > a.len() {
        out.extend_from_slice(&b[start.saturating_sub(a.len())..end - a.len()]);
    }
    out
}

/// Default `SO_RCVBUF` and `SO_SNDBUF` (Windows' classic 8 KiB).
pub const DEFAULT_BUFFER: u32 = 8192;

/// The largest buffer size `setsockopt` accepts; larger values are clamped.
pub const MAX_BUFFER: u32 = 1 << 20;

/// A listening socket's queue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Listen {
    /// `listen()`'s backlog (at least 1).
    pub backlog: u32,
    /// Established connections waiting for accept(), oldest first.
    pub ready: VecDeque<SocketHandle>,
    /// Connections still in the handshake (SYN_RCVD).
    pub half_open: Vec<SocketHandle>,
}

/// Everything wsasim knows about one socket, read through its getters: find one with
/// [`crate::Sim::socket_info`]. Only the simulation changes it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Socket {
    /// Its handle.
    pub(crate) handle: SocketHandle,
    /// The host it belongs to.
    pub(crate) host: HostId,
    /// Stream or datagram.
    pub(crate) ty: SocketType,
    /// Who holds the handle.
    pub(crate) holder: Holder,
    /// The TCP state ([`TcpState::Closed`] for a datagram socket). Written only by the
    /// simulation's `set_state`.
    pub(crate) tcp_state: TcpState,
    /// Local address once bound.
    pub(crate) local: Option<SockAddr>,
    /// Peer address once connected.
    pub(crate) remote: Option<SockAddr>,
    /// FIONBIO (or set by WSAAsyncSelect / WSAEventSelect).
    pub(crate) nonblocking: bool,
    /// SO_OOBINLINE.
    pub(crate) oob_inline: bool,
    /// SO_LINGER.
    pub(crate) linger: Option<u16>,
    /// SO_RCVBUF.
    pub(crate) rcvbuf: u32,
    /// SO_SNDBUF.
    pub(crate) sndbuf: u32,
    /// Listen queue, for a listening socket.
    pub(crate) listen: Option<Listen>,
    /// The TCP control block, for a stream socket that has begun connecting.
    pub(crate) tcb: Option<Tcb>,
    /// Received stream data not yet read (with SO_OOBINLINE, urgent bytes too).
    pub(crate) rx: VecDeque<u8>,
    /// Received urgent bytes waiting for recv(MSG_OOB) (SO_OOBINLINE off).
    pub(crate) oob: VecDeque<u8>,
    /// With SO_OOBINLINE, how many bytes of `rx` come before the urgent byte.
    pub(crate) oob_mark: Option<usize>,
    /// Received datagrams not yet read, with their senders.
    pub(crate) dgrams: VecDeque<(SockAddr, Vec<u8>)>,
    /// Stream bytes sent by the application and not yet acknowledged by the peer.
    pub(crate) tx: VecDeque<u8>,
    /// shutdown(SD_RECEIVE) was called.
    pub(crate) shut_rd: bool,
    /// shutdown(SD_SEND) was called (or closesocket): FIN queued.
    pub(crate) shut_wr: bool,
    /// A nonblocking connect is under way; FD_CONNECT reports its outcome.
    pub(crate) connecting: bool,
    /// How the connection ended, once it has.
    pub(crate) ending: Option<Ending>,
    /// A send failed with WSAEWOULDBLOCK; FD_WRITE is due when space frees.
    pub(crate) send_blocked: bool,
    /// How events are reported.
    pub(crate) notify: Notify,
    /// Events whose latch is armed: a message may be posted for them.
    pub(crate) armed: NetworkEvent,
    /// WSAEventSelect: events recorded since the last WSAEnumNetworkEvents.
    pub(crate) recorded: NetworkEvent,
    /// WSAEventSelect: the error recorded for each event (indexed by `FD_*_BIT`).
    pub(crate) recorded_errors: [Option<WsaError>; 10],
    /// True once WSAEventSelect has selected events on the socket (its latches then
    /// outlive the selection where the profile keeps them).
    pub(crate) event_selected: bool,
    /// True for a connection a listener made (a passive open, returned by `accept`), not
    /// one this socket's `connect` made.
    pub(crate) accepted: bool,
    /// The flow specification.
    pub(crate) qos: Qos,
    /// The QoS changed and SIO_GET_QOS has not read it yet.
    pub(crate) qos_changed: bool,
    /// SIO_ROUTING_INTERFACE_CHANGE is pending, for this destination.
    pub(crate) routing_watch: Option<Ipv4>,
    /// SIO_ADDRESS_LIST_CHANGE is pending.
    pub(crate) address_watch: bool,
}

impl Socket {
    pub(crate) fn new(handle: SocketHandle, host: HostId, ty: SocketType) -> Socket {
        Socket {
            handle,
            host,
            ty,
            holder: Holder::App,
            tcp_state: TcpState::Closed,
            local: None,
            remote: None,
            nonblocking: false,
            oob_inline: false,
            linger: None,
            rcvbuf: DEFAULT_BUFFER,
            sndbuf: DEFAULT_BUFFER,
            listen: None,
            tcb: None,
            rx: VecDeque::new(),
            oob: VecDeque::new(),
            oob_mark: None,
            dgrams: VecDeque::new(),
            tx: VecDeque::new(),
            shut_rd: false,
            shut_wr: false,
            connecting: false,
            ending: None,
            send_blocked: false,
            notify: Notify::None,
            armed: NetworkEvent::NONE,
            recorded: NetworkEvent::NONE,
            recorded_errors: [None; 10],
            event_selected: false,
            accepted: false,
            qos: Qos::default(),
            qos_changed: false,
            routing_watch: None,
            address_watch: false,
        }
    }

    /// Its handle.
    pub fn handle(&self) -> SocketHandle {
        self.handle
    }

    /// The host it belongs to.
    pub fn host(&self) -> HostId {
        self.host
    }

    /// Stream or datagram.
    pub fn ty(&self) -> SocketType {
        self.ty
    }

    /// Who holds the handle.
    pub fn holder(&self) -> Holder {
        self.holder
    }

    /// The local address, once bound.
    pub fn local(&self) -> Option<SockAddr> {
        self.local
    }

    /// The peer address, once connected (a datagram socket's default peer).
    pub fn remote(&self) -> Option<SockAddr> {
        self.remote
    }

    /// True in nonblocking mode (FIONBIO, or set by WSAAsyncSelect / WSAEventSelect).
    pub fn nonblocking(&self) -> bool {
        self.nonblocking
    }

    /// SO_OOBINLINE.
    pub fn oob_inline(&self) -> bool {
        self.oob_inline
    }

    /// SO_LINGER: the time in seconds when on.
    pub fn linger(&self) -> Option<u16> {
        self.linger
    }

    /// SO_RCVBUF.
    pub fn rcvbuf(&self) -> u32 {
        self.rcvbuf
    }

    /// SO_SNDBUF.
    pub fn sndbuf(&self) -> u32 {
        self.sndbuf
    }

    /// With SO_OOBINLINE, how many unread bytes come before the urgent byte.
    pub fn oob_mark(&self) -> Option<usize> {
        self.oob_mark
    }

    /// How the connection ended, once it has.
    pub fn ending(&self) -> Option<Ending> {
        self.ending
    }

    /// How its network events are reported (its selection).
    pub fn notify(&self) -> Notify {
        self.notify
    }

    /// The events whose latch is armed: a message may be posted for them.
    pub fn armed(&self) -> NetworkEvent {
        self.armed
    }

    /// WSAEventSelect: the events recorded since the last WSAEnumNetworkEvents.
    pub fn recorded(&self) -> NetworkEvent {
        self.recorded
    }

    /// The flow specification.
    pub fn qos(&self) -> Qos {
        self.qos
    }

    /// shutdown(SD_RECEIVE) was called.
    pub fn shut_rd(&self) -> bool {
        self.shut_rd
    }

    /// shutdown(SD_SEND) (or closesocket) was called: FIN is queued.
    pub fn shut_wr(&self) -> bool {
        self.shut_wr
    }

    /// A nonblocking connect is under way; FD_CONNECT reports its outcome.
    pub fn connecting(&self) -> bool {
        self.connecting
    }

    /// A send failed with WSAEWOULDBLOCK; FD_WRITE is due when space frees.
    pub fn send_blocked(&self) -> bool {
        self.send_blocked
    }

    /// The listen queue, for a listening socket.
    pub fn listen_queue(&self) -> Option<&Listen> {
        self.listen.as_ref()
    }

    /// The TCP control block, for a stream socket that has begun connecting.
    pub fn tcb(&self) -> Option<&Tcb> {
        self.tcb.as_ref()
    }

    /// Received stream bytes not yet read (with SO_OOBINLINE, the urgent byte too).
    pub fn unread(&self) -> usize {
        self.rx.len()
    }

    /// True when nothing received waits to be read: no stream bytes and no urgent byte.
    ///
    /// A graceful FD_CLOSE waits for this (FD_CLOSE.2 "when no data currently available to
    /// receive"): an urgent byte kept for recv(MSG_OOB) is "OOB data currently available to
    /// receive" (FD_OOB.1), so it counts (see [`crate::Rule::CloseWaitsForData`]).
    pub(crate) fn nothing_to_receive(&self) -> bool {
        self.rx.is_empty() && self.oob.is_empty()
    }

    /// Received urgent bytes waiting for recv(MSG_OOB) (SO_OOBINLINE off).
    pub fn urgent_unread(&self) -> usize {
        self.oob.len()
    }

    /// Received datagrams not yet read, with their senders, oldest first.
    pub fn datagrams(&self) -> impl Iterator<Item = (SockAddr, &[u8])> + '_ {
        self.dgrams.iter().map(|(from, d)| (*from, d.as_slice()))
    }

    /// Stream bytes sent by the application and not yet acknowledged by the peer.
    pub fn unacknowledged(&self) -> usize {
        self.tx.len()
    }

    /// The TCP state, or `CLOSED` for a stream socket with no connection.
    /// Datagram sockets report `CLOSED`.
    pub fn state(&self) -> TcpState {
        self.tcp_state
    }

    /// True while the application holds the handle.
    pub fn is_open(&self) -> bool {
        self.holder == Holder::App
    }

    /// The listener of a connection waiting for `accept`.
    pub fn listener(&self) -> Option<SocketHandle> {
        match self.holder {
            Holder::Listener(l) => Some(l),
            _ => None,
        }
    }

    /// The error later calls fail with, once the connection failed.
    pub fn error(&self) -> Option<WsaError> {
        match self.ending {
            Some(Ending::Failed { error, .. }) => Some(error),
            _ => None,
        }
    }

    /// How the peer or the network ended the connection, which FD_CLOSE reports.
    pub fn close_kind(&self) -> Option<CloseKind> {
        match self.ending {
            Some(Ending::Graceful) => Some(CloseKind::Graceful),
            Some(Ending::Failed { close, .. }) => close,
            None => None,
        }
    }

    /// The connection failed with `error`; `close` (if given) is what FD_CLOSE reports,
    /// otherwise what it already reported stays.
    pub(crate) fn fail(&mut self, error: WsaError, close: Option<CloseKind>) {
        let close = close.or(self.close_kind());
        self.ending = Some(Ending::Failed { error, close });
    }

    /// The peer's FIN arrived (a connection that had already failed keeps its error).
    pub(crate) fn fin_arrived(&mut self) {
        match &mut self.ending {
            None => self.ending = Some(Ending::Graceful),
            Some(Ending::Failed { close, .. }) => {
                close.get_or_insert(CloseKind::Graceful);
            }
            Some(Ending::Graceful) => {}
        }
    }

    /// Bytes a recv could return now (`FIONREAD`).
    pub fn readable_bytes(&self) -> usize {
        match self.ty {
            SocketType::Stream => self.rx.len(),
            SocketType::Dgram => self.dgrams.front().map_or(0, |d| d.1.len()),
        }
    }

    /// Free space in the send buffer.
    pub fn send_space(&self) -> usize {
        (self.sndbuf as usize).saturating_sub(self.tx.len())
    }

    /// Free space in the receive buffer (the window to advertise).
    pub fn recv_space(&self) -> usize {
        (self.rcvbuf as usize).saturating_sub(self.rx.len() + self.oob.len())
    }

    /// True if a stream connection is synchronized and not reset or aborted
    /// (a datagram socket: if connect() gave it a default peer).
    pub fn is_connected(&self) -> bool {
        match self.ty {
            SocketType::Stream => self.state().is_synchronized() && self.error().is_none(),
            SocketType::Dgram => self.remote.is_some(),
        }
    }

    /// True for a connection a listener made and `accept` returned (or will return).
    pub fn accepted(&self) -> bool {
        self.accepted
    }

    /// True for a connection that belongs to no application: closed with closesocket but
    /// still finishing its TCP close.
    pub fn is_orphan(&self) -> bool {
        self.holder == Holder::Released
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_bytes_reads_across_the_wrap_of_a_deque() {
        let mut d: VecDeque<u8> = VecDeque::with_capacity(8);
        d.extend(0..6);
        d.drain(..4); // the next pushes wrap around the end of the buffer
        d.extend(6..12);
        let (a, b) = d.as_slices();
        assert!(
            !a.is_empty() && !b.is_empty(),
            "the deque wraps: {a:?} {b:?}"
        );
        for start in 0..d.len() {
            for len in 0..=d.len() - start {
                let want: Vec<u8> = d.iter().skip(start).take(len).copied().collect();
                assert_eq!(copy_bytes(&d, start, len), want, "start {start} len {len}");
            }
        }
    }
}
