//! TCP's types: the connection states ([`TcpState`], with RFC 793 names), the control
//! block ([`Tcb`]: the sequence space and the running timer), the timers ([`TimerKind`])
//! and the protocol's constants. The engine that moves them is the `tcp` module; this
//! module sits below the world (`sim`) so that sockets and the trace can name them, and
//! names neither.

use core::fmt;

use crate::time::{Duration, Instant};

/// Maximum segment size.
pub const MSS: usize = 1460;
/// Initial retransmission time-out.
pub const INITIAL_RTO: Duration = Duration::from_secs(3);
/// Retransmissions of a SYN before connect fails with `WSAETIMEDOUT`.
pub const SYN_RETRIES: u32 = 2;
/// Retransmissions of data before the connection is aborted.
pub const DATA_RETRIES: u32 = 5;
/// Zero-window probes before the sender waits for a window update alone.
pub const PERSIST_PROBES: u32 = 8;
/// How long a connection stays in TIME_WAIT.
pub const TIME_WAIT: Duration = Duration::from_secs(240);

/// A TCP connection state, named as in RFC 793.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TcpState {
    /// No connection.
    Closed,
    /// Waiting for connection requests.
    Listen,
    /// SYN sent, waiting for SYN-ACK.
    SynSent,
    /// SYN received and answered, waiting for the ACK.
    SynRcvd,
    /// Open: data flows both ways.
    Established,
    /// We sent FIN, waiting for its ACK.
    FinWait1,
    /// Our FIN is acknowledged, waiting for the peer's FIN.
    FinWait2,
    /// The peer sent FIN; we may still send.
    CloseWait,
    /// Both sent FIN at once; waiting for the ACK of ours.
    Closing,
    /// We sent FIN after the peer's; waiting for its ACK.
    LastAck,
    /// Both FINs acknowledged; waiting 2 MSL.
    TimeWait,
}

impl TcpState {
    /// Every state.
    pub const ALL: [TcpState; 11] = [
        TcpState::Closed,
        TcpState::Listen,
        TcpState::SynSent,
        TcpState::SynRcvd,
        TcpState::Established,
        TcpState::FinWait1,
        TcpState::FinWait2,
        TcpState::CloseWait,
        TcpState::Closing,
        TcpState::LastAck,
        TcpState::TimeWait,
    ];

    /// The RFC name, e.g. `ESTABLISHED`, `TIME_WAIT`.
    pub const fn name(self) -> &'static str {
        match self {
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRcvd => "SYN_RCVD",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN_WAIT_1",
            TcpState::FinWait2 => "FIN_WAIT_2",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST_ACK",
            TcpState::TimeWait => "TIME_WAIT",
        }
    }

    /// The state with this name (`ESTABLISHED`, also `FIN_WAIT1`/`FIN_WAIT` spellings).
    pub fn from_name(s: &str) -> Option<TcpState> {
        match s {
            "FIN_WAIT1" | "FIN_WAIT" => Some(TcpState::FinWait1),
            "FIN_WAIT2" => Some(TcpState::FinWait2),
            "SYN_RECEIVED" => Some(TcpState::SynRcvd),
            _ => Self::ALL.into_iter().find(|t| t.name() == s),
        }
    }

    /// True once the handshake is complete (ESTABLISHED and every closing state).
    pub const fn is_synchronized(self) -> bool {
        !matches!(
            self,
            TcpState::Closed | TcpState::Listen | TcpState::SynSent | TcpState::SynRcvd
        )
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which TCP timer is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TimerKind {
    /// Retransmission time-out.
    Retransmit,
    /// Zero-window probe.
    Persist,
    /// End of TIME_WAIT.
    TimeWait,
    /// Not a TCP timer: a nonblocking connect learns that no route reaches its destination.
    Route,
}

impl fmt::Display for TimerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimerKind::Retransmit => "retransmit",
            TimerKind::Persist => "persist",
            TimerKind::TimeWait => "TIME_WAIT",
            TimerKind::Route => "route",
        })
    }
}

/// A TCP control block: the sequence space of one connection.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Tcb {
    /// Initial send sequence number.
    pub(crate) iss: u32,
    /// Oldest unacknowledged sequence number.
    pub(crate) snd_una: u32,
    /// Next sequence number to send.
    pub(crate) snd_nxt: u32,
    /// The peer's advertised receive window.
    pub(crate) snd_wnd: u32,
    /// Next sequence number expected from the peer.
    pub(crate) rcv_nxt: u32,
    /// The window we last advertised.
    pub(crate) rcv_wnd_adv: u32,
    /// Sequence number of our FIN, once sent.
    pub(crate) fin_seq: Option<u32>,
    /// Urgent pointer: the sequence number just after the last urgent byte sent.
    pub(crate) snd_up: Option<u32>,
    /// The FIN from the peer has arrived.
    pub(crate) fin_rcvd: bool,
    /// Current retransmission time-out.
    pub(crate) rto: Duration,
    /// Consecutive retransmissions.
    pub(crate) retries: u32,
    /// Zero-window probes sent.
    pub(crate) probes: u32,
    /// Zero-window probes sent since the peer last acknowledged anything.
    pub(crate) unanswered: u32,
    /// The running timer and its deadline.
    pub(crate) timer: Option<(Instant, TimerKind)>,
    /// The running timer's place in the world's schedule, to unschedule it.
    pub(crate) timer_key: Option<(Instant, u64, u32)>,
}

impl Tcb {
    /// Oldest unacknowledged sequence number.
    pub fn snd_una(&self) -> u32 {
        self.snd_una
    }

    /// Next sequence number to send.
    pub fn snd_nxt(&self) -> u32 {
        self.snd_nxt
    }

    /// Next sequence number expected from the peer.
    pub fn rcv_nxt(&self) -> u32 {
        self.rcv_nxt
    }

    /// The peer's advertised receive window.
    pub fn snd_wnd(&self) -> u32 {
        self.snd_wnd
    }

    /// The window last advertised to the peer.
    pub fn rcv_wnd(&self) -> u32 {
        self.rcv_wnd_adv
    }

    /// The running timer and its deadline.
    pub fn timer(&self) -> Option<(Instant, TimerKind)> {
        self.timer
    }

    /// True once the peer's FIN has arrived.
    pub fn fin_received(&self) -> bool {
        self.fin_rcvd
    }

    pub(crate) fn new() -> Tcb {
        Tcb {
            iss: 0,
            snd_una: 0,
            snd_nxt: 0,
            snd_wnd: 0,
            rcv_nxt: 0,
            rcv_wnd_adv: 0,
            fin_seq: None,
            snd_up: None,
            fin_rcvd: false,
            rto: INITIAL_RTO,
            retries: 0,
            probes: 0,
            unanswered: 0,
            timer: None,
            timer_key: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_round_trip() {
        for s in TcpState::ALL {
            assert_eq!(TcpState::from_name(s.name()), Some(s));
        }
        assert_eq!(TcpState::from_name("FIN_WAIT"), Some(TcpState::FinWait1));
        assert!(TcpState::TimeWait.is_synchronized());
        assert!(!TcpState::SynSent.is_synchronized());
    }
}
