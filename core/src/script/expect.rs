//! Matching expectations: what a call actually gave ([`Actual`]), and the one function
//! that compares it with the typed forms of `=> RESULT` and `expect W: MSG(…)`
//! ([`Expected::matches`]; the forms themselves are part of the program, `program`).
//!
//! The lowering pass (`lower`) makes every [`Expected`] when the script is checked, so
//! running a statement compares values and never reads script syntax.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::program::Vars;
pub(super) use super::program::{Check, Data, Expected, MsgExpected, Shape, WParam};
use crate::error::WsaError;
use crate::net::SockAddr;
use crate::queue::Message;
use crate::socket::{SockOpt, SocketHandle};
use crate::winsock::{NetworkEvents, Returned};

/// What a call gave, as expectations compare it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Actual {
    /// A number (0, a count, a handle).
    Value(u64),
    /// `SIOCATMARK`'s answer.
    Flag(bool),
    /// Bytes read and, for `recvfrom`, their sender.
    Bytes(Vec<u8>, Option<SockAddr>),
    /// Events reported, with their error codes.
    Events(NetworkEvents),
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
            Returned::NetworkEvents(n) => Actual::Events(n),
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
            Actual::Events(e) => show_events(e),
            Actual::Message(None) => "none".into(),
            Actual::Message(Some(m)) => show_message(m, name),
            Actual::LastError(None) => "0".into(),
            Actual::LastError(Some(e)) => e.to_string(),
            Actual::Linger(on, s) => format!("{} {s}", u8::from(*on)),
            Actual::Error(e) => format!("SOCKET_ERROR {e}"),
        }
    }
}

/// `WSAEnumNetworkEvents`' result as `=>` writes it: `FD_CONNECT(WSAECONNREFUSED)|FD_WRITE`.
pub(super) fn show_events(n: &NetworkEvents) -> String {
    if n.events.is_empty() {
        return "0".into();
    }
    let mut out = String::new();
    for ev in n.events.iter() {
        if !out.is_empty() {
            out.push('|');
        }
        out.push_str(&ev.to_string());
        if let Some(e) = ev
            .bit_index()
            .and_then(|i| n.errors.get(i).copied().flatten())
        {
            out.push_str(&format!("({e})"));
        }
    }
    out
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
            (Expected::AnyOf(all), _) => all.iter().any(|x| x.matches(actual, vars)),
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
            (Expected::Events(x), Actual::Events(e)) => {
                // Only the recorded events' codes count, as in iErrorCode.
                x.events == e.events
                    && e.events.iter().filter_map(|ev| ev.bit_index()).all(|i| {
                        x.errors.get(i).copied().flatten() == e.errors.get(i).copied().flatten()
                    })
            }
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
