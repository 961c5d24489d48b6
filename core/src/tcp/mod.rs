//! TCP's segment engine, over the types of [`crate::tcb`]: handshake, data with a receive window, urgent data,
//! FIN half-close, RST, retransmission and the connect time-out.
//!
//! Modelling decisions:
//! - Every TCB starts with ISS 0, so traces show small, readable sequence numbers.
//! - Every data segment is acknowledged at once (no delayed ACK, no Nagle).
//! - Retransmission is go-back-N from `snd_una` with a doubling time-out starting at 3 s;
//!   a SYN is retransmitted twice (connect fails with `WSAETIMEDOUT` after 21 s, as on
//!   Windows), data five times (then FD_CLOSE with `WSAECONNABORTED`).
//! - A zero window is probed with empty segments: eight that the peer answers (its window
//!   still closed) end the probing, and eight in a row that nothing answers abort the
//!   connection (FD_CLOSE with `WSAECONNABORTED`). The receiver sends a window update
//!   when a recv opens a window it had closed, or grows it by a segment since it was
//!   last advertised (so a lost update is followed by another).
//! - A listener whose backlog is full answers SYN with RST (Windows' behaviour), so the
//!   client sees `WSAECONNREFUSED`.
//! - Closing a socket with unread received data, or with SO_LINGER on and 0 s, sends RST.
//! - TIME_WAIT lasts 2 MSL = 240 s (Windows' default `TcpTimedWaitDelay`).
//!
//! Files: `conn` the connection's life (the `set_state` choke point, timers, open, reset,
//! abort), `output` what a connection sends, `input` the segment arrival state machine and
//! `timer` what a timer does. The engine reports facts ([`crate::select`]'s `Fact`); it
//! never decides which message is posted.

mod conn;
mod input;
mod output;
mod timer;

pub use crate::tcb::{
    Tcb, TcpState, TimerKind, DATA_RETRIES, INITIAL_RTO, MSS, PERSIST_PROBES, SYN_RETRIES,
    TIME_WAIT,
};
