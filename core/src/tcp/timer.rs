//! What a TCP timer does when it fires: retransmit, probe a zero window, end TIME_WAIT,
//! or give up (connect time-out, aborted connection).

use alloc::vec::Vec;

use crate::error::WsaError;
use crate::net::TcpFlags;
use crate::select::Fact;
use crate::sim::Sim;
use crate::socket::{CloseKind, SocketHandle};
use crate::tcb::{TcpState, TimerKind};
use crate::tcb::{DATA_RETRIES, PERSIST_PROBES, SYN_RETRIES};
use crate::time::Duration;
use crate::trace::{Change, Note};

impl Sim {
    /// A TCP timer fired.
    pub(crate) fn tcp_timer(&mut self, s: SocketHandle, kind: TimerKind) {
        self.tcb_mut(s).timer = None;
        match kind {
            TimerKind::Route => debug_assert!(false, "invariant: not a TCP timer"),
            TimerKind::TimeWait => {
                self.set_state(s, TcpState::Closed);
                if self.sockets[&s].is_orphan() {
                    self.free(s);
                }
            }
            TimerKind::Persist => {
                // Probes go on while nothing answers them, and that many in a row abort
                // the connection, as unanswered retransmissions do (RFC 1122 4.2.2.17
                // allows it). Once PERSIST_PROBES have been sent, an answer with the
                // window still closed stops them (input): the reader's window update
                // restarts the sending.
                if self.tcb(s).unanswered >= PERSIST_PROBES {
                    let state = self.sockets[&s].state();
                    self.tcp_timed_out(s, state);
                    return;
                }
                let tcb = self.tcb_mut(s);
                tcb.probes += 1;
                tcb.unanswered += 1;
                tcb.rto = Duration::from_micros(tcb.rto.total_micros().saturating_mul(2))
                    .min(Duration::from_secs(60));
                let seq = tcb.snd_nxt.wrapping_sub(1);
                self.change(Change::Note(Note::ZeroWindowProbe));
                self.tcp_emit(s, TcpFlags::ACK, seq, Vec::new(), 0);
                let rto = self.tcb(s).rto;
                self.arm_timer(s, TimerKind::Persist, rto);
            }
            TimerKind::Retransmit => {
                let state = self.sockets[&s].state();
                let tcb = self.tcb_mut(s);
                tcb.retries += 1;
                let max = if matches!(state, TcpState::SynSent | TcpState::SynRcvd) {
                    SYN_RETRIES
                } else {
                    DATA_RETRIES
                };
                if tcb.retries > max {
                    self.tcp_timed_out(s, state);
                    return;
                }
                tcb.rto = Duration::from_micros(tcb.rto.total_micros().saturating_mul(2));
                let rto = tcb.rto;
                match state {
                    TcpState::SynSent => {
                        let iss = tcb.iss;
                        self.tcp_emit(s, TcpFlags::SYN, iss, Vec::new(), 0);
                    }
                    TcpState::SynRcvd => {
                        let iss = tcb.iss;
                        self.tcp_emit(s, TcpFlags::SYN_ACK, iss, Vec::new(), 0);
                    }
                    _ => {
                        tcb.snd_nxt = tcb.snd_una;
                        tcb.fin_seq = None;
                        self.tcp_output(s);
                    }
                }
                self.arm_timer(s, TimerKind::Retransmit, rto);
            }
        }
    }

    fn tcp_timed_out(&mut self, s: SocketHandle, state: TcpState) {
        match state {
            TcpState::SynSent => self.connect_failed(s, WsaError::WSAETIMEDOUT),
            TcpState::SynRcvd => {
                self.change(Change::Note(Note::HandshakeTimedOut(s)));
                self.free(s);
            }
            _ => {
                self.change(Change::Note(Note::RetransmissionsExhausted(s)));
                if self.tcp_kill(s, WsaError::WSAECONNABORTED, Some(CloseKind::Aborted)) {
                    self.notice(s, Fact::Aborted);
                }
            }
        }
    }
}
