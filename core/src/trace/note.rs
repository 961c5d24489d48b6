//! Typed notes and drop reasons: what a step says for people, as data. Their `Display`
//! is the only place their words are written.

use core::fmt;

use crate::event::NetworkEvent;
use crate::net::{Ipv4, SockAddr};
use crate::queue::Hwnd;
use crate::socket::SocketHandle;
use crate::spec::Rule;

/// A note for people that a step records beside its changes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Note {
    /// A window was created with this handle (its name is in the trace's [`super::Names`]).
    WindowCreated {
        /// The window's name.
        name: alloc::boxed::Box<str>,
        /// Its handle.
        hwnd: Hwnd,
    },
    /// DestroyWindow discarded queued messages.
    MessagesDiscarded(usize),
    /// `address remove` named an address the host does not have.
    NotAnAddress(Ipv4),
    /// A reset was injected on a connection.
    ResetInjected,
    /// Nothing could complete a blocking call: it is cancelled (`WSAEINTR`).
    BlockingCancelled,
    /// `shutdown(SD_RECEIVE)` with unread data resets the connection.
    ShutdownReceiveReset,
    /// FIONBIO back to blocking is refused while a selection is active.
    BlockingNeedsCancel,
    /// A selection made a blocking socket nonblocking.
    NowNonblocking(SocketHandle),
    /// A cancelled selection leaves messages already queued.
    QueuedStay {
        /// The socket.
        socket: SocketHandle,
        /// How many of its messages are still queued.
        count: usize,
    },
    /// Windows: a repeated WSAEventSelect keeps its latches and records only what was not recorded yet.
    ReselectRecordsNothing,
    /// A connect to an address no route reaches.
    NoRoute(Ipv4),
    /// closesocket resets the connection instead of closing it gracefully.
    AbortiveClose {
        /// True for SO_LINGER on with 0 s, false for unread received data.
        linger: bool,
    },
    /// Windows, WSAEventSelect mode: a failed re-enabling call re-enables nothing.
    NoReenableAfterFailure(NetworkEvent),
    /// A RST reached an address with no connection.
    RstIgnored(SockAddr),
    /// A segment reached an address with no socket: RST answers it.
    NoSocket(SockAddr),
    /// A connection still in the handshake was reset.
    ResetDuringHandshake(SocketHandle),
    /// Data arrived on a connection that can no longer take it.
    DataAfterClose {
        /// True after shutdown(SD_RECEIVE), false after closesocket.
        shutdown: bool,
    },
    /// Bytes beyond the receive window were dropped.
    WindowFull {
        /// How many.
        dropped: usize,
    },
    /// A connection not yet accepted was reset and left the listen queue.
    ResetBeforeAccept {
        /// The connection.
        socket: SocketHandle,
        /// Its listener.
        listener: SocketHandle,
    },
    /// The listener's backlog is full: the SYN is refused with RST.
    BacklogFull(SocketHandle),
    /// A zero-window probe.
    ZeroWindowProbe,
    /// The handshake of a connection not yet accepted timed out.
    HandshakeTimedOut(SocketHandle),
    /// Data retransmissions ran out: the connection is aborted.
    RetransmissionsExhausted(SocketHandle),
    /// WSAAccept's condition function returned CF_DEFER: FD_ACCEPT is not re-enabled.
    AcceptDeferred,
    /// WSAAccept's condition function returned CF_REJECT: the connection is reset.
    AcceptRejected(SocketHandle),
    /// The application renegotiated its quality of service: FD_QOS is re-enabled.
    QosRenegotiated,
    /// The step limit stopped the world while this call blocked: it is cancelled.
    StepLimit,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::WindowCreated { name, hwnd } => write!(f, "window {name} is {hwnd}"),
            Note::MessagesDiscarded(n) => write!(f, "{n} queued message(s) discarded"),
            Note::NotAnAddress(a) => write!(f, "{a} is not an address of this host"),
            Note::ResetInjected => {
                f.write_str("a reset is injected on the connection: both ends receive RST")
            }
            Note::BlockingCancelled => f.write_str(
                "nothing left in the world could complete this blocking call: it is cancelled as by WSACancelBlockingCall",
            ),
            Note::ShutdownReceiveReset => {
                f.write_str("shutdown(SD_RECEIVE) with data unread: the connection is reset")
            }
            Note::BlockingNeedsCancel => write!(
                f,
                "the socket has a selection: cancel it with lEvent = 0 first [{}]",
                Rule::BlockingNeedsCancel
            ),
            Note::NowNonblocking(s) => {
                write!(f, "socket {s} is now nonblocking [{}]", Rule::SelectNonblocking)
            }
            Note::QueuedStay { socket, count } => write!(
                f,
                "{count} message(s) for socket {socket} stay queued [{}]",
                Rule::SelectCancel
            ),
            Note::ReselectRecordsNothing => {
                f.write_str("Windows: a repeated WSAEventSelect records only what was not recorded yet")
            }
            Note::NoRoute(ip) => write!(f, "no route from this host to {ip}"),
            Note::AbortiveClose { linger } => {
                let why = if *linger {
                    "SO_LINGER is on with 0 s"
                } else {
                    "received data is unread"
                };
                write!(f, "abortive close: {why}, so RST is sent")
            }
            Note::NoReenableAfterFailure(events) => write!(
                f,
                "the call failed: in WSAEventSelect mode Windows does not re-enable {events} [{}]",
                Rule::Reenable
            ),
            Note::RstIgnored(a) => write!(f, "RST for no connection on {a}: ignored"),
            Note::NoSocket(a) => write!(f, "no socket for {a}: answer with RST"),
            Note::ResetDuringHandshake(s) => {
                write!(f, "connection {s} reset during the handshake")
            }
            Note::DataAfterClose { shutdown } => {
                let why = if *shutdown {
                    "after shutdown(SD_RECEIVE)"
                } else {
                    "after closesocket"
                };
                write!(f, "data arrived {why}: the connection is reset")
            }
            Note::WindowFull { dropped } => {
                write!(f, "receive window full: {dropped} bytes beyond it dropped")
            }
            Note::ResetBeforeAccept { socket, listener } => write!(
                f,
                "connection {socket} reset before accept(): dropped from the queue of {listener}"
            ),
            Note::BacklogFull(l) => write!(f, "backlog of socket {l} is full: refuse with RST"),
            Note::ZeroWindowProbe => f.write_str("zero window: probe the receiver"),
            Note::HandshakeTimedOut(s) => write!(f, "handshake of {s} timed out"),
            Note::RetransmissionsExhausted(s) => {
                write!(f, "retransmissions on {s} exhausted: connection aborted")
            }
            Note::AcceptDeferred => write!(
                f,
                "the condition function returned CF_DEFER: the connection stays queued and FD_ACCEPT is not re-enabled [{}]",
                Rule::AcceptDeferred
            ),
            Note::AcceptRejected(s) => write!(
                f,
                "the condition function returned CF_REJECT: connection {s} is reset and leaves the queue"
            ),
            Note::QosRenegotiated => write!(
                f,
                "the application renegotiates its quality of service: FD_QOS is re-enabled [{}]",
                Rule::QosRenegotiated
            ),
            Note::StepLimit => f.write_str(
                "the step limit was reached while this call blocked: it is cancelled as by WSACancelBlockingCall, and the run stops here",
            ),
        }
    }
}

/// Why a segment was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum DropReason {
    /// The sending host's network is down.
    SenderDown,
    /// No host has the destination address.
    NoSuchHost,
    /// The link between the hosts is cut.
    LinkCut,
    /// The link was cut while the segment was on it.
    CutInFlight,
    /// The receiving host's network is down.
    ReceiverDown,
    /// A datagram for a port no socket is bound to.
    NoListener,
    /// A datagram that does not fit in the receive buffer.
    BufferFull,
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropReason::SenderDown => "the sender's network is down",
            DropReason::NoSuchHost => "no host has this address",
            DropReason::LinkCut => "the link is cut",
            DropReason::CutInFlight => "the link was cut in flight",
            DropReason::ReceiverDown => "the receiver's network is down",
            DropReason::NoListener => "no socket is bound to this port",
            DropReason::BufferFull => "the receive buffer is full",
        })
    }
}
