//! Expectations as values: the typed forms of `=> RESULT` and `expect W: MSG(…)`, what a
//! call actually gave ([`Actual`]), and the one function that compares them
//! ([`Expected::matches`]).
//!
//! The lowering pass (`lower`) makes every [`Expected`] when the script is checked, so
//! running a statement compares values and never reads script syntax.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::ast::Span;
use super::program::{Slot, Vars};
use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::SockAddr;
use crate::queue::{Message, WindowMessage};
use crate::socket::{SockOpt, SocketHandle};
use crate::winsock::Returned;

/// The kind of value a call returns: which results `=>` may name, and what `VAR =` binds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    /// 0 or a count (`bind`, `send`, `ioctlsocket(s, FIONREAD)`, …).
    Number,
    /// A new socket (`socket`, `accept`): `VAR =` binds it.
    Socket,
    /// A new event object (`WSACreateEvent`): `VAR =` binds it.
    Event,
    /// `TRUE` or `FALSE` (`ioctlsocket(s, SIOCATMARK)`).
    Flag,
    /// `onoff seconds` (`getsockopt(s, SOL_SOCKET, SO_LINGER)`).
    Linger,
    /// Bytes read (`recv`), with their sender when `from` (`recvfrom`).
    Bytes {
        /// True for `recvfrom`.
        from: bool,
    },
    /// The `FD_*` events `WSAEnumNetworkEvents` reports.
    Events,
    /// A message taken or peeked, or `none`.
    Message,
    /// `WSAGetLastError`'s value: `0` or an error.
    LastError,
}

/// The `wParam` a message pattern expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum WParam {
    /// The socket a variable holds when the message is checked.
    Var(Slot),
    /// A handle written as a number.
    Number(u64),
}

/// A message pattern `MSG(SOCKET, EVENT, ERROR)`, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct MsgExpected {
    /// The message number.
    pub msg: WindowMessage,
    /// The socket in `wParam`.
    pub socket: WParam,
    /// `WSAGETSELECTEVENT(lParam)`.
    pub events: NetworkEvent,
    /// `WSAGETSELECTERROR(lParam)`: `None` for 0.
    pub error: Option<WsaError>,
}

/// How a received buffer is expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Data {
    /// `N` or `N bytes`: only the length.
    Len(u64),
    /// `"text"` or `x"hex"`: exactly these bytes.
    Exact(Vec<u8>),
}

/// An expected result, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Expected {
    /// `SOCKET_ERROR [E]`, `INVALID_SOCKET [E]` or a bare `WSAE…`: the call failed, with
    /// that error if one is given.
    Failed(Option<WsaError>),
    /// A number: 0, a count or a handle.
    Number(u64),
    /// `TRUE` or `FALSE`.
    Flag(bool),
    /// `onoff seconds`.
    Linger(bool, u16),
    /// The bytes read, and their sender if given.
    Received(Data, Option<SockAddr>),
    /// `FD_*` events.
    Events(NetworkEvent),
    /// A message matching the pattern, or `none`.
    Message(Option<MsgExpected>),
    /// `WSAGetLastError`'s value.
    LastError(Option<WsaError>),
}

/// An expectation with what a failure reports: where it is written and its text.
#[derive(Clone, Debug)]
pub(super) struct Check {
    /// The expected value.
    pub expected: Expected,
    /// Where it is written (its first atom).
    pub span: Span,
    /// Its canonical source text, shown as the failure's "expected".
    pub text: Box<str>,
}

/// What a call gave, as expectations compare it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Actual {
    /// A number (0, a count, a handle).
    Value(u64),
    /// `SIOCATMARK`'s answer.
    Flag(bool),
    /// Bytes read and, for `recvfrom`, their sender.
    Bytes(Vec<u8>, Option<SockAddr>),
    /// Events reported.
    Events(NetworkEvent),
    /// A message, or none.
    Message(Option<Message>),
    /// `WSAGetLastError`'s value.
    LastError(Option<WsaError>),
    /// `SO_LINGER`'s value.
    Linger(bool, u16),
    /// The call failed.
    Error(WsaError),
}

impl Actual {
    /// A Winsock call's result as a value of `shape`. `GetMessage` and `PeekMessage` give
    /// no message when they fail.
    pub fn of(result: Result<Returned, WsaError>, shape: Shape) -> Actual {
        let r = match result {
            Ok(r) => r,
            Err(_) if shape == Shape::Message => return Actual::Message(None),
            Err(e) => return Actual::Error(e),
        };
        match r {
            Returned::Zero | Returned::Qos(_) => Actual::Value(0),
            Returned::Socket(s) | Returned::Accepted(s, _) => Actual::Value(u64::from(s.0)),
            Returned::Sent(n) => Actual::Value(n as u64),
            Returned::Received(d) => Actual::Bytes(d, None),
            Returned::ReceivedFrom(d, a) => Actual::Bytes(d, Some(a)),
            Returned::Opt(SockOpt::OobInline(b)) => Actual::Value(u64::from(b)),
            Returned::Opt(SockOpt::Linger { on, secs }) => Actual::Linger(on, secs),
            Returned::Opt(SockOpt::RcvBuf(n) | SockOpt::SndBuf(n)) => Actual::Value(u64::from(n)),
            Returned::Value(v) if shape == Shape::Flag => Actual::Flag(v != 0),
            Returned::Value(v) => Actual::Value(u64::from(v)),
            Returned::Event(e) => Actual::Value(u64::from(e.0)),
            Returned::NetworkEvents(n) => Actual::Events(n.events),
            Returned::Message(m) => Actual::Message(m),
        }
    }

    /// As a failure shows it, with sockets by their script names where they have one.
    pub fn show<'a>(&self, name: impl Fn(SocketHandle) -> Option<&'a str>) -> String {
        match self {
            Actual::Value(v) => v.to_string(),
            Actual::Flag(b) => (if *b { "TRUE" } else { "FALSE" }).into(),
            Actual::Bytes(d, from) => {
                let text = if d.iter().all(|b| (0x20..0x7f).contains(b)) && d.len() <= 60 {
                    format!(
                        "{} \"{}\"",
                        d.len(),
                        d.iter().map(|b| *b as char).collect::<String>()
                    )
                } else {
                    format!("{} bytes", d.len())
                };
                match from {
                    Some(a) => format!("{text} {a}"),
                    None => text,
                }
            }
            Actual::Events(e) => e.to_string(),
            Actual::Message(None) => "none".into(),
            Actual::Message(Some(m)) => show_message(m, name),
            Actual::LastError(None) => "0".into(),
            Actual::LastError(Some(e)) => e.to_string(),
            Actual::Linger(on, s) => format!("{} {s}", u8::from(*on)),
            Actual::Error(e) => format!("SOCKET_ERROR {e}"),
        }
    }
}

/// A message as a failure shows it: `WM_USER+1(A, FD_READ, 0)` with the socket's name.
pub(super) fn show_message<'a>(
    m: &Message,
    name: impl Fn(SocketHandle) -> Option<&'a str>,
) -> String {
    let sock = name(m.wparam).map_or_else(|| m.wparam.to_string(), |n| n.to_string());
    let err = m
        .lparam
        .error()
        .map_or_else(|| m.lparam.error_code().to_string(), |e| e.to_string());
    format!("{}({sock}, {}, {err})", m.msg, m.lparam.event())
}

impl Expected {
    /// True if `actual` is what this expects; socket variables are read from `vars`.
    pub fn matches(&self, actual: &Actual, vars: &Vars) -> bool {
        match (self, actual) {
            (Expected::Failed(want), Actual::Error(e)) => want.is_none_or(|w| w == *e),
            (Expected::Failed(_), _) | (_, Actual::Error(_)) => false,
            (Expected::Number(n), Actual::Value(v)) => n == v,
            (Expected::Number(n), Actual::Flag(b)) => *n == u64::from(*b),
            (Expected::Flag(f), Actual::Flag(b)) => f == b,
            (Expected::Linger(on, secs), Actual::Linger(a, b)) => on == a && secs == b,
            (Expected::Received(data, from), Actual::Bytes(d, got)) => {
                let data_ok = match data {
                    Data::Len(n) => *n == d.len() as u64,
                    Data::Exact(b) => b == d,
                };
                let from_ok = match (from, got) {
                    (None, _) => true,
                    (Some(a), Some(f)) => a == f,
                    (Some(_), None) => false,
                };
                data_ok && from_ok
            }
            (Expected::Events(x), Actual::Events(e)) => x == e,
            (Expected::Message(None), Actual::Message(None)) => true,
            (Expected::Message(Some(p)), Actual::Message(Some(m))) => {
                let socket_ok = match p.socket {
                    WParam::Var(v) => vars.get(v) == Some(super::program::Var::Socket(m.wparam)),
                    WParam::Number(n) => n == u64::from(m.wparam.0),
                };
                let error_ok = match p.error {
                    None => m.lparam.error_code() == 0,
                    Some(e) => m.lparam.error() == Some(e),
                };
                p.msg == m.msg && socket_ok && p.events == m.lparam.event() && error_ok
            }
            (Expected::LastError(x), Actual::LastError(e)) => x == e,
            _ => false,
        }
    }
}
