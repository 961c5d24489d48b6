//! The runner: resolves a parsed [`Script`] against the simulation and executes it, one
//! atomic step at a time, checking every expectation.
//!
//! Decisions (documented for users in `docs/scenario-language.md`):
//! - Every name is checked before the first statement runs ([`Runner::new`]): hosts,
//!   windows and variables must be declared before use, calls must exist with the right
//!   arguments, constants must be Winsock's. All such errors are reported at once with
//!   line and column, like syntax errors.
//! - Variables are global: a socket bound by one host can be named in another host's call
//!   (the simulation answers `WSAENOTSOCK`, as Winsock would for a foreign handle).
//! - `N bytes` is the deterministic pattern `abc…xyzabc…`, so traces are reproducible.
//! - `run until idle`, `run for` and `step N` advance one simulation step per
//!   [`Runner::step`], so a user interface can show each segment and timer.
//! - `GetMessage` on an empty queue runs the simulation until a message arrives; if
//!   nothing could ever post one, the scenario fails instead of hanging.
//! - Limits: at most [`RunOptions::max_steps_per_statement`] simulation steps per
//!   statement and [`RunOptions::max_total_steps`] in all; exceeding one fails the
//!   scenario at that line with a clear message.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use super::ast::{Expr, ExprKind, HostCall, Ident, MsgPattern, Script, Span, StmtKind};
use super::ScriptError;
use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::{HostId, Ipv4, SockAddr};
use crate::profile::Profile;
use crate::queue::{Hwnd, Message, WindowMessage};
use crate::sim::Sim;
use crate::socket::{
    AddressFamily, Ioctl, MsgFlags, Shutdown, SockOpt, SockOptName, SocketHandle, SocketType,
    WsaEvent, WsaIoctl,
};
use crate::tcp::TcpState;
use crate::time::Duration;
use crate::trace::{Trace, TraceEntry};

/// Limits that keep a scenario from running forever.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Simulation steps one statement (`run until idle`, a blocking `GetMessage`) may take.
    pub max_steps_per_statement: usize,
    /// Simulation steps the whole scenario may take.
    pub max_total_steps: usize,
    /// Runs under this profile instead of the script's `profile` line.
    pub profile: Option<Profile>,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            max_steps_per_statement: 100_000,
            max_total_steps: 10_000_000,
            profile: None,
        }
    }
}

/// Why a scenario stopped before its end: an expectation that did not hold, or a limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The line of the statement, from 1.
    pub line: u32,
    /// The column of the part that failed, from 1.
    pub col: u32,
    /// What the scenario expected, in script syntax.
    pub expected: String,
    /// What happened instead.
    pub actual: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: expected {} but got {}",
            self.line, self.col, self.expected, self.actual
        )
    }
}

/// A reference to a socket in a call: a variable, or a raw handle number.
#[derive(Clone, Debug, PartialEq, Eq)]
enum SockRef {
    Var(String),
    Raw(u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum WsCall {
    Startup,
    Cleanup,
    Socket(AddressFamily, SocketType),
    Bind(SockRef, SockAddr),
    Listen(SockRef, u32),
    Connect(SockRef, SockAddr, u32),
    Accept(SockRef),
    Send(SockRef, Payload, MsgFlags),
    Recv(SockRef, usize, MsgFlags),
    SendTo(SockRef, Payload, SockAddr, MsgFlags),
    RecvFrom(SockRef, usize, MsgFlags),
    Shutdown(SockRef, Shutdown),
    Close(SockRef),
    SetOpt(SockRef, SockOpt),
    GetOpt(SockRef, SockOptName),
    Ioctl(SockRef, Ioctl),
    WsaIoctl(SockRef, WsaIoctl),
    AsyncSelect(SockRef, usize, WindowMessage, NetworkEvent),
    CreateEvent,
    EventSelect(SockRef, String, NetworkEvent),
    EnumEvents(SockRef, Option<String>),
    GetMessage(usize),
    PeekMessage(usize, bool),
    GetLastError,
}

/// The shape of a value a call returns, for checking `=>` and binding `VAR =`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Returns {
    Socket,
    Event,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Action {
    Nothing,
    Host(String, Ipv4),
    Window(usize, String),
    Link(usize, usize, Duration),
    DestroyWindow(usize),
    Call {
        host: usize,
        bind: Option<String>,
        call: WsCall,
        expect: Option<Vec<Expr>>,
    },
    RunUntilIdle,
    RunFor(Duration),
    Step(u64),
    ExpectMessage {
        window: usize,
        pat: alloc::boxed::Box<MsgPattern>,
    },
    ExpectEmpty(usize),
    ExpectState(SockRef, TcpState),
    Partition(usize, usize),
    Heal(usize, usize),
    Reset(SockRef),
    NetDown(usize),
    NetUp(usize),
    AddrAdd(usize, Ipv4),
    AddrRemove(usize, Ipv4),
    RouteChange(usize),
    QosChange(SockRef),
    Only(Profile, alloc::boxed::Box<Action>),
}

#[derive(Clone, Debug)]
struct Lowered {
    span: Span,
    action: Action,
}

/// What a variable was bound to when names are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VarKind {
    Socket,
    Event,
}

/// The names a script declares, in order; shared by checking and running.
#[derive(Default)]
struct Names {
    hosts: Vec<String>,
    windows: Vec<(String, usize)>,
    vars: BTreeMap<String, VarKind>,
}

fn err(span: Span, expected: impl Into<String>, found: impl Into<String>) -> ScriptError {
    ScriptError {
        line: span.line,
        col: span.col,
        expected: expected.into(),
        found: found.into(),
    }
}

fn shown(e: &Expr) -> String {
    format!("\"{e}\"")
}

fn ipv4(a: core::net::Ipv4Addr) -> Ipv4 {
    Ipv4(a.octets())
}

fn sockaddr(a: core::net::SocketAddrV4) -> SockAddr {
    SockAddr::new(ipv4(*a.ip()), a.port())
}

/// The deterministic content of `N bytes`.
pub fn pattern_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| b'a' + (i % 26) as u8).collect()
}

/// The largest payload or length a script may use (16 MiB).
pub const MAX_PAYLOAD: u64 = 16 << 20;

impl Names {
    fn host(&self, id: &Ident) -> Result<usize, ScriptError> {
        self.hosts
            .iter()
            .position(|h| h == id.as_str())
            .ok_or_else(|| {
                err(
                    id.span,
                    "a host declared earlier with 'host NAME ADDRESS'",
                    format!("\"{}\"", id.name),
                )
            })
    }

    fn window(&self, id: &Ident) -> Result<usize, ScriptError> {
        self.windows
            .iter()
            .position(|w| w.0 == id.as_str())
            .ok_or_else(|| {
                err(
                    id.span,
                    "a window declared earlier with 'window HOST NAME'",
                    format!("\"{}\"", id.name),
                )
            })
    }

    fn window_expr(&self, e: &Expr) -> Result<usize, ScriptError> {
        match e.as_name() {
            Some(n) => self.windows.iter().position(|w| w.0 == n).ok_or_else(|| {
                err(
                    e.span,
                    "a window declared earlier with 'window HOST NAME'",
                    shown(e),
                )
            }),
            None => Err(err(e.span, "a window name", shown(e))),
        }
    }

    fn socket(&self, e: &Expr) -> Result<SockRef, ScriptError> {
        match &e.kind {
            ExprKind::Name(n) => match self.vars.get(n) {
                Some(VarKind::Socket) => Ok(SockRef::Var(n.clone())),
                Some(VarKind::Event) => Err(err(e.span, "a socket variable (this is an event object)", shown(e))),
                None => Err(err(e.span, "a socket variable bound earlier with 'VAR = socket(...)' or 'VAR = accept(...)'", shown(e))),
            },
            ExprKind::Int { value, .. } if *value <= u32::MAX as u64 => Ok(SockRef::Raw(*value as u32)),
            _ => Err(err(e.span, "a socket variable", shown(e))),
        }
    }

    fn socket_ident(&self, id: &Ident) -> Result<SockRef, ScriptError> {
        match self.vars.get(id.as_str()) {
            Some(VarKind::Socket) => Ok(SockRef::Var(id.name.clone())),
            _ => Err(err(
                id.span,
                "a socket variable bound earlier",
                format!("\"{}\"", id.name),
            )),
        }
    }

    fn event_var(&self, e: &Expr) -> Result<String, ScriptError> {
        match e.as_name() {
            Some(n) if self.vars.get(n) == Some(&VarKind::Event) => Ok(n.to_string()),
            _ => Err(err(
                e.span,
                "an event variable bound earlier with 'E = WSACreateEvent()'",
                shown(e),
            )),
        }
    }
}

fn int(e: &Expr, what: &str, max: u64) -> Result<u64, ScriptError> {
    match e.as_int() {
        Some(v) if v <= max => Ok(v),
        Some(_) => Err(err(e.span, format!("{what} of at most {max}"), shown(e))),
        None => Err(err(e.span, what.to_string(), shown(e))),
    }
}

fn addr(e: &Expr) -> Result<SockAddr, ScriptError> {
    match &e.kind {
        ExprKind::SockAddr(a) => Ok(sockaddr(*a)),
        _ => Err(err(
            e.span,
            "an address and port such as 10.0.0.2:80",
            shown(e),
        )),
    }
}

/// A payload to send: the script's bytes, or `N bytes` made only when the call runs (so a
/// long script of large payloads does not hold them all).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Payload {
    Bytes(Vec<u8>),
    Pattern(usize),
}

impl Payload {
    fn bytes(&self) -> alloc::borrow::Cow<'_, [u8]> {
        match self {
            Payload::Bytes(b) => alloc::borrow::Cow::Borrowed(b),
            Payload::Pattern(n) => alloc::borrow::Cow::Owned(pattern_bytes(*n)),
        }
    }
}

fn payload(e: &Expr) -> Result<Payload, ScriptError> {
    match &e.kind {
        ExprKind::Str(b) | ExprKind::Hex(b) => Ok(Payload::Bytes(b.clone())),
        ExprKind::Bytes(n) if *n <= MAX_PAYLOAD => Ok(Payload::Pattern(*n as usize)),
        ExprKind::Bytes(_) => Err(err(e.span, "a payload of at most 16 MiB", shown(e))),
        _ => Err(err(
            e.span,
            "a payload: \"text\", x\"hex\" or N bytes",
            shown(e),
        )),
    }
}

/// The names (or numbers) of a flags argument.
fn flag_names(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Flags(v) => v.iter().collect(),
        _ => alloc::vec![e],
    }
}

fn events(e: &Expr) -> Result<NetworkEvent, ScriptError> {
    let mut set = NetworkEvent::NONE;
    for part in flag_names(e) {
        match &part.kind {
            ExprKind::Name(n) => match NetworkEvent::from_name(n) {
                Some(ev) => set |= ev,
                None => {
                    return Err(err(
                        part.span,
                        "an FD_* event name such as FD_READ, or 0",
                        shown(part),
                    ))
                }
            },
            ExprKind::Int { value, .. } if *value <= u32::MAX as u64 => {
                set |= NetworkEvent::from_bits(*value as u32)
            }
            _ => {
                return Err(err(
                    part.span,
                    "an FD_* event name such as FD_READ, or 0",
                    shown(part),
                ))
            }
        }
    }
    Ok(set)
}

fn msg_flags(e: Option<&Expr>) -> Result<MsgFlags, ScriptError> {
    let mut f = MsgFlags::NONE;
    let Some(e) = e else { return Ok(f) };
    for part in flag_names(e) {
        match (&part.kind, part.as_name()) {
            (_, Some("MSG_OOB")) => f.oob = true,
            (_, Some("MSG_PEEK")) => f.peek = true,
            (ExprKind::Int { value: 0, .. }, _) => {}
            _ => return Err(err(part.span, "MSG_OOB, MSG_PEEK or 0", shown(part))),
        }
    }
    Ok(f)
}

fn window_message(e: &Expr) -> Result<WindowMessage, ScriptError> {
    match &e.kind {
        ExprKind::Int { value, .. } if *value <= u32::MAX as u64 => {
            Ok(WindowMessage(*value as u32))
        }
        ExprKind::Name(n) if n == "WM_USER" => Ok(WindowMessage::user(0)),
        ExprKind::Name(n) if n == "WM_APP" => Ok(WindowMessage(0x8000)),
        ExprKind::Offset { base, offset }
            if matches!(base.as_str(), "WM_USER" | "WM_APP") && offset.value < 0x7000 =>
        {
            let b = if base.as_str() == "WM_USER" {
                0x400
            } else {
                0x8000
            };
            Ok(WindowMessage(b + offset.value as u32))
        }
        _ => Err(err(e.span, "a message number such as WM_USER+1", shown(e))),
    }
}

fn expect_args(
    call: &HostCall,
    n: core::ops::RangeInclusive<usize>,
    usage: &str,
) -> Result<(), ScriptError> {
    let got = call.call.args.len();
    if n.contains(&got) {
        return Ok(());
    }
    let span = call
        .call
        .args
        .get(*n.end())
        .map_or(call.call.span, |a| a.span);
    Err(err(
        span,
        usage.to_string(),
        format!("{got} argument{}", if got == 1 { "" } else { "s" }),
    ))
}

fn lower_call(names: &Names, hc: &HostCall) -> Result<(WsCall, Returns), ScriptError> {
    let a = &hc.call.args;
    let name = hc.call.name.as_str();
    let flag_arg = |i: usize| msg_flags(a.get(i));
    Ok(match name {
        "WSAStartup" => {
            expect_args(hc, 0..=1, "WSAStartup()")?;
            (WsCall::Startup, Returns::Other)
        }
        "WSACleanup" => {
            expect_args(hc, 0..=0, "WSACleanup()")?;
            (WsCall::Cleanup, Returns::Other)
        }
        "socket" => {
            expect_args(hc, 2..=3, "socket(AF_INET, SOCK_STREAM or SOCK_DGRAM)")?;
            let af = match a[0].as_name() {
                Some("AF_INET") => AddressFamily::Inet,
                Some("AF_INET6") => AddressFamily::Inet6,
                _ => return Err(err(a[0].span, "AF_INET", shown(&a[0]))),
            };
            let ty = match a[1].as_name() {
                Some("SOCK_STREAM") => SocketType::Stream,
                Some("SOCK_DGRAM") => SocketType::Dgram,
                _ => return Err(err(a[1].span, "SOCK_STREAM or SOCK_DGRAM", shown(&a[1]))),
            };
            (WsCall::Socket(af, ty), Returns::Socket)
        }
        "bind" => {
            expect_args(hc, 2..=2, "bind(s, address:port)")?;
            (WsCall::Bind(names.socket(&a[0])?, addr(&a[1])?), Returns::Other)
        }
        "listen" => {
            expect_args(hc, 2..=2, "listen(s, backlog)")?;
            (WsCall::Listen(names.socket(&a[0])?, int(&a[1], "a backlog", u32::MAX as u64)? as u32), Returns::Other)
        }
        "connect" => {
            expect_args(hc, 2..=3, "connect(s, address:port[, namelen])")?;
            let namelen = match a.get(2) {
                Some(e) => int(e, "a namelen such as 16", u32::MAX as u64)? as u32,
                None => crate::winsock::SOCKADDR_IN_LEN,
            };
            (WsCall::Connect(names.socket(&a[0])?, addr(&a[1])?, namelen), Returns::Other)
        }
        "accept" => {
            expect_args(hc, 1..=1, "accept(s)")?;
            (WsCall::Accept(names.socket(&a[0])?), Returns::Socket)
        }
        "send" => {
            expect_args(hc, 2..=3, "send(s, payload[, MSG_OOB])")?;
            (WsCall::Send(names.socket(&a[0])?, payload(&a[1])?, flag_arg(2)?), Returns::Other)
        }
        "recv" => {
            expect_args(hc, 2..=3, "recv(s, length[, MSG_PEEK|MSG_OOB])")?;
            (WsCall::Recv(names.socket(&a[0])?, int(&a[1], "a length", MAX_PAYLOAD)? as usize, flag_arg(2)?), Returns::Other)
        }
        "sendto" => {
            expect_args(hc, 3..=4, "sendto(s, payload, address:port[, flags])")?;
            (WsCall::SendTo(names.socket(&a[0])?, payload(&a[1])?, addr(&a[2])?, flag_arg(3)?), Returns::Other)
        }
        "recvfrom" => {
            expect_args(hc, 2..=3, "recvfrom(s, length[, flags])")?;
            (WsCall::RecvFrom(names.socket(&a[0])?, int(&a[1], "a length", MAX_PAYLOAD)? as usize, flag_arg(2)?), Returns::Other)
        }
        "shutdown" => {
            expect_args(hc, 2..=2, "shutdown(s, SD_RECEIVE, SD_SEND or SD_BOTH)")?;
            let how = match (a[1].as_name(), a[1].as_int()) {
                (Some("SD_RECEIVE"), _) | (_, Some(0)) => Shutdown::Receive,
                (Some("SD_SEND"), _) | (_, Some(1)) => Shutdown::Send,
                (Some("SD_BOTH"), _) | (_, Some(2)) => Shutdown::Both,
                _ => return Err(err(a[1].span, "SD_RECEIVE, SD_SEND or SD_BOTH", shown(&a[1]))),
            };
            (WsCall::Shutdown(names.socket(&a[0])?, how), Returns::Other)
        }
        "closesocket" => {
            expect_args(hc, 1..=1, "closesocket(s)")?;
            (WsCall::Close(names.socket(&a[0])?), Returns::Other)
        }
        "setsockopt" | "getsockopt" => {
            let set = name == "setsockopt";
            if set {
                expect_args(hc, 4..=5, "setsockopt(s, SOL_SOCKET, option, value)")?;
            } else {
                expect_args(hc, 3..=3, "getsockopt(s, SOL_SOCKET, option)")?;
            }
            let s = names.socket(&a[0])?;
            if a[1].as_name() != Some("SOL_SOCKET") {
                return Err(err(a[1].span, "SOL_SOCKET", shown(&a[1])));
            }
            let opt = a[2].as_name().unwrap_or("");
            if !set {
                let n = match opt {
                    "SO_OOBINLINE" => SockOptName::OobInline,
                    "SO_LINGER" => SockOptName::Linger,
                    "SO_RCVBUF" => SockOptName::RcvBuf,
                    "SO_SNDBUF" => SockOptName::SndBuf,
                    _ => return Err(err(a[2].span, "SO_OOBINLINE, SO_LINGER, SO_RCVBUF or SO_SNDBUF", shown(&a[2]))),
                };
                return Ok((WsCall::GetOpt(s, n), Returns::Other));
            }
            let bool_of = |e: &Expr| -> Result<bool, ScriptError> {
                match (e.as_int(), e.as_name()) {
                    (Some(0), _) | (_, Some("FALSE")) => Ok(false),
                    (Some(1), _) | (_, Some("TRUE")) => Ok(true),
                    _ => Err(err(e.span, "0 or 1", shown(e))),
                }
            };
            let o = match opt {
                "SO_OOBINLINE" => {
                    expect_args(hc, 4..=4, "setsockopt(s, SOL_SOCKET, SO_OOBINLINE, 0 or 1)")?;
                    SockOpt::OobInline(bool_of(&a[3])?)
                }
                "SO_LINGER" => {
                    expect_args(hc, 5..=5, "setsockopt(s, SOL_SOCKET, SO_LINGER, onoff, seconds)")?;
                    SockOpt::Linger { on: bool_of(&a[3])?, secs: int(&a[4], "seconds", u16::MAX as u64)? as u16 }
                }
                "SO_RCVBUF" | "SO_SNDBUF" => {
                    expect_args(hc, 4..=4, "setsockopt(s, SOL_SOCKET, SO_RCVBUF or SO_SNDBUF, bytes)")?;
                    let n = int(&a[3], "a size in bytes", u32::MAX as u64)? as u32;
                    if opt == "SO_RCVBUF" { SockOpt::RcvBuf(n) } else { SockOpt::SndBuf(n) }
                }
                _ => return Err(err(a[2].span, "SO_OOBINLINE, SO_LINGER, SO_RCVBUF or SO_SNDBUF", shown(&a[2]))),
            };
            (WsCall::SetOpt(s, o), Returns::Other)
        }
        "ioctlsocket" => {
            expect_args(hc, 2..=3, "ioctlsocket(s, FIONBIO, 0 or 1), ioctlsocket(s, FIONREAD) or ioctlsocket(s, SIOCATMARK)")?;
            let s = names.socket(&a[0])?;
            let cmd = match a[1].as_name() {
                Some("FIONBIO") => {
                    expect_args(hc, 3..=3, "ioctlsocket(s, FIONBIO, 0 or 1)")?;
                    Ioctl::Fionbio(int(&a[2], "0 or 1", u32::MAX as u64)? != 0)
                }
                Some("FIONREAD") => {
                    expect_args(hc, 2..=2, "ioctlsocket(s, FIONREAD)")?;
                    Ioctl::Fionread
                }
                Some("SIOCATMARK") => {
                    expect_args(hc, 2..=2, "ioctlsocket(s, SIOCATMARK)")?;
                    Ioctl::Siocatmark
                }
                _ => return Err(err(a[1].span, "FIONBIO, FIONREAD or SIOCATMARK", shown(&a[1]))),
            };
            (WsCall::Ioctl(s, cmd), Returns::Other)
        }
        "WSAIoctl" => {
            expect_args(hc, 2..=3, "WSAIoctl(s, SIO_GET_QOS, SIO_ROUTING_INTERFACE_CHANGE or SIO_ADDRESS_LIST_CHANGE)")?;
            let s = names.socket(&a[0])?;
            let cmd = match a[1].as_name() {
                Some("SIO_GET_QOS") => WsaIoctl::GetQos,
                Some("SIO_ROUTING_INTERFACE_CHANGE") => {
                    WsaIoctl::RoutingInterfaceChange(a.get(2).map(addr).transpose()?)
                }
                Some("SIO_ADDRESS_LIST_CHANGE") => WsaIoctl::AddressListChange,
                _ => return Err(err(a[1].span, "SIO_GET_QOS, SIO_ROUTING_INTERFACE_CHANGE or SIO_ADDRESS_LIST_CHANGE", shown(&a[1]))),
            };
            if a.len() == 3 && !matches!(cmd, WsaIoctl::RoutingInterfaceChange(_)) {
                return Err(err(a[2].span, "')'", shown(&a[2])));
            }
            (WsCall::WsaIoctl(s, cmd), Returns::Other)
        }
        "WSAAsyncSelect" => {
            expect_args(hc, 4..=4, "WSAAsyncSelect(s, window, WM_USER+n, FD_... events)")?;
            (
                WsCall::AsyncSelect(names.socket(&a[0])?, names.window_expr(&a[1])?, window_message(&a[2])?, events(&a[3])?),
                Returns::Other,
            )
        }
        "WSACreateEvent" => {
            expect_args(hc, 0..=0, "WSACreateEvent()")?;
            (WsCall::CreateEvent, Returns::Event)
        }
        "WSAEventSelect" => {
            expect_args(hc, 3..=3, "WSAEventSelect(s, event, FD_... events)")?;
            (WsCall::EventSelect(names.socket(&a[0])?, names.event_var(&a[1])?, events(&a[2])?), Returns::Other)
        }
        "WSAEnumNetworkEvents" => {
            expect_args(hc, 1..=2, "WSAEnumNetworkEvents(s, event)")?;
            let ev = match a.get(1) {
                Some(e) if e.as_name() == Some("NULL") || e.as_int() == Some(0) => None,
                Some(e) => Some(names.event_var(e)?),
                None => None,
            };
            (WsCall::EnumEvents(names.socket(&a[0])?, ev), Returns::Other)
        }
        "GetMessage" => {
            expect_args(hc, 1..=1, "GetMessage(window)")?;
            (WsCall::GetMessage(names.window_expr(&a[0])?), Returns::Other)
        }
        "PeekMessage" => {
            expect_args(hc, 1..=2, "PeekMessage(window, PM_REMOVE or PM_NOREMOVE)")?;
            let remove = match a.get(1).map(|e| (e, e.as_name())) {
                None | Some((_, Some("PM_REMOVE"))) => true,
                Some((_, Some("PM_NOREMOVE"))) => false,
                Some((e, _)) => return Err(err(e.span, "PM_REMOVE or PM_NOREMOVE", shown(e))),
            };
            (WsCall::PeekMessage(names.window_expr(&a[0])?, remove), Returns::Other)
        }
        "WSAGetLastError" => {
            expect_args(hc, 0..=0, "WSAGetLastError()")?;
            (WsCall::GetLastError, Returns::Other)
        }
        _ => {
            return Err(err(
                hc.call.name.span,
                "a Winsock call: WSAStartup, socket, bind, listen, connect, accept, send, recv, sendto, recvfrom, shutdown, closesocket, setsockopt, getsockopt, ioctlsocket, WSAIoctl, WSAAsyncSelect, WSACreateEvent, WSAEventSelect, WSAEnumNetworkEvents, GetMessage, PeekMessage, WSAGetLastError or WSACleanup",
                format!("\"{name}\""),
            ))
        }
    })
}

fn lower(script: &Script) -> Result<Vec<Lowered>, Vec<ScriptError>> {
    let mut names = Names::default();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut addrs: Vec<Ipv4> = Vec::new();
    for stmt in &script.stmts {
        let r = lower_kind(&mut names, &mut addrs, &stmt.kind);
        match r {
            Ok(action) => out.push(Lowered {
                span: stmt.span,
                action,
            }),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn lower_kind(
    names: &mut Names,
    addrs: &mut Vec<Ipv4>,
    kind: &StmtKind,
) -> Result<Action, ScriptError> {
    {
        {
            Ok(match kind {
                StmtKind::Only { profile, stmt } => {
                    if matches!(
                        **stmt,
                        StmtKind::Title(_)
                            | StmtKind::About(_)
                            | StmtKind::Profile(_)
                            | StmtKind::Host { .. }
                            | StmtKind::Window { .. }
                            | StmtKind::Link { .. }
                            | StmtKind::DestroyWindow { .. }
                    ) {
                        return Err(err(
                            profile.span,
                            "a call, a network action or an expectation after 'if …:' (declarations hold under every profile)",
                            format!("\"{stmt}\""),
                        ));
                    }
                    Action::Only(
                        profile.value,
                        alloc::boxed::Box::new(lower_kind(names, addrs, stmt)?),
                    )
                }
                StmtKind::Title(_) | StmtKind::About(_) | StmtKind::Profile(_) => Action::Nothing,
                StmtKind::Host { name, addr } => {
                    if names.hosts.iter().any(|h| h == name.as_str()) {
                        return Err(err(
                            name.span,
                            "a new host name",
                            format!("\"{}\" (declared already)", name.name),
                        ));
                    }
                    let ip = ipv4(addr.value);
                    if addrs.contains(&ip) {
                        return Err(err(
                            addr.span,
                            "an address no other host has",
                            format!("\"{ip}\""),
                        ));
                    }
                    addrs.push(ip);
                    names.hosts.push(name.name.clone());
                    Action::Host(name.name.clone(), ip)
                }
                StmtKind::Window { host, name } => {
                    let h = names.host(host)?;
                    if names.windows.iter().any(|w| w.0 == name.as_str()) {
                        return Err(err(
                            name.span,
                            "a window name not used before",
                            format!("\"{}\"", name.name),
                        ));
                    }
                    names.windows.push((name.name.clone(), h));
                    Action::Window(h, name.name.clone())
                }
                StmtKind::Link { a, b, latency } => {
                    Action::Link(names.host(a)?, names.host(b)?, latency.value)
                }
                StmtKind::DestroyWindow { window } => Action::DestroyWindow(names.window(window)?),
                StmtKind::Call(hc) => {
                    let host = names.host(&hc.host)?;
                    let (call, returns) = lower_call(names, hc)?;
                    if let Some(b) = &hc.bind {
                        let kind = match returns {
                            Returns::Socket => VarKind::Socket,
                            Returns::Event => VarKind::Event,
                            Returns::Other => {
                                return Err(err(b.span, "no 'VAR =' here: only socket, accept and WSACreateEvent return a handle", format!("\"{}\"", b.name)));
                            }
                        };
                        if NetworkEvent::from_name(b.as_str()).is_some()
                            || b.as_str().parse::<WsaError>().is_ok()
                            || names.hosts.iter().any(|h| h == b.as_str())
                            || names.windows.iter().any(|w| w.0 == b.as_str())
                        {
                            return Err(err(
                                b.span,
                                "a variable name that is not a host, window or Winsock constant",
                                format!("\"{}\"", b.name),
                            ));
                        }
                        names.vars.insert(b.name.clone(), kind);
                    }
                    if let Some(o) = &hc.expect {
                        check_expect(names, &call, &o.atoms)?;
                    }
                    Action::Call {
                        host,
                        bind: hc.bind.as_ref().map(|b| b.name.clone()),
                        call,
                        expect: hc.expect.as_ref().map(|o| o.atoms.clone()),
                    }
                }
                StmtKind::RunUntilIdle => Action::RunUntilIdle,
                StmtKind::RunFor(d) => Action::RunFor(d.value),
                StmtKind::Step(n) => Action::Step(n.as_ref().map_or(1, |n| n.value)),
                StmtKind::ExpectMessage { window, message } => {
                    let w = names.window(window)?;
                    check_pattern(names, message)?;
                    Action::ExpectMessage {
                        window: w,
                        pat: alloc::boxed::Box::new(message.clone()),
                    }
                }
                StmtKind::ExpectEmpty { window } => Action::ExpectEmpty(names.window(window)?),
                StmtKind::ExpectState { socket, state } => {
                    let s = names.socket_ident(socket)?;
                    let st = TcpState::from_name(state.as_str()).ok_or_else(|| {
                        err(
                            state.span,
                            "a TCP state such as ESTABLISHED, CLOSE_WAIT or TIME_WAIT",
                            format!("\"{}\"", state.name),
                        )
                    })?;
                    Action::ExpectState(s, st)
                }
                StmtKind::Partition { a, b } => Action::Partition(names.host(a)?, names.host(b)?),
                StmtKind::Heal { a, b } => Action::Heal(names.host(a)?, names.host(b)?),
                StmtKind::Reset { socket } => Action::Reset(names.socket_ident(socket)?),
                StmtKind::NetworkDown { host } => Action::NetDown(names.host(host)?),
                StmtKind::NetworkUp { host } => Action::NetUp(names.host(host)?),
                StmtKind::AddressAdd { host, addr } => {
                    Action::AddrAdd(names.host(host)?, ipv4(addr.value))
                }
                StmtKind::AddressRemove { host, addr } => {
                    Action::AddrRemove(names.host(host)?, ipv4(addr.value))
                }
                StmtKind::RouteChange { host } => Action::RouteChange(names.host(host)?),
                StmtKind::QosChange { socket } => Action::QosChange(names.socket_ident(socket)?),
            })
        }
    }
}

fn check_pattern(names: &Names, p: &MsgPattern) -> Result<(), ScriptError> {
    window_message(&p.msg)?;
    match &p.socket.kind {
        ExprKind::Name(_) => {
            names.socket(&p.socket)?;
        }
        ExprKind::Int { .. } => {}
        _ => return Err(err(p.socket.span, "a socket variable", shown(&p.socket))),
    }
    events(&p.event)?;
    error_atom(&p.error)?;
    Ok(())
}

/// `0`, or a Winsock error name or number.
fn error_atom(e: &Expr) -> Result<Option<WsaError>, ScriptError> {
    match (&e.kind, e.as_name()) {
        (ExprKind::Int { value: 0, .. }, _) => Ok(None),
        (ExprKind::Int { value, .. }, _)
            if *value <= u16::MAX as u64 && WsaError::from_code(*value as u16).is_some() =>
        {
            Ok(WsaError::from_code(*value as u16))
        }
        (_, Some(n)) if n.parse::<WsaError>().is_ok() => Ok(n.parse().ok()),
        _ => Err(err(
            e.span,
            "0 or a Winsock error such as WSAECONNRESET",
            shown(e),
        )),
    }
}

/// Checks that the atoms after `=>` are a result this call can return.
fn check_expect(names: &Names, call: &WsCall, atoms: &[Expr]) -> Result<(), ScriptError> {
    let first = &atoms[0];
    let is_err_word = matches!(first.as_name(), Some("SOCKET_ERROR" | "INVALID_SOCKET"));
    if is_err_word {
        if let Some(e) = atoms.get(1) {
            error_atom(e)?;
        }
        if let Some(extra) = atoms.get(2) {
            return Err(err(extra.span, "end of line", shown(extra)));
        }
        return Ok(());
    }
    if let Some(n) = first.as_name() {
        if n.parse::<WsaError>().is_ok() && atoms.len() == 1 {
            return Ok(());
        }
    }
    match call {
        WsCall::GetMessage(_) | WsCall::PeekMessage(..) => match &first.kind {
            ExprKind::Message(p) => check_pattern(names, p),
            _ if first.as_name() == Some("none") => Ok(()),
            _ => Err(err(
                first.span,
                "a message such as WM_USER+1(S, FD_READ, 0), or none",
                shown(first),
            )),
        },
        WsCall::EnumEvents(..) => events(first).map(|_| ()),
        WsCall::Ioctl(_, Ioctl::Siocatmark)
            if matches!(first.as_name(), Some("TRUE" | "FALSE")) =>
        {
            Ok(())
        }
        WsCall::GetLastError => error_atom(first).map(|_| ()),
        WsCall::Recv(..) | WsCall::RecvFrom(..) => {
            match &first.kind {
                ExprKind::Int { .. } | ExprKind::Str(_) | ExprKind::Hex(_) | ExprKind::Bytes(_) => {
                }
                _ => {
                    return Err(err(
                        first.span,
                        "a byte count, \"text\", x\"hex\", N bytes or SOCKET_ERROR WSAE...",
                        shown(first),
                    ))
                }
            }
            match (atoms.get(1), call) {
                (None, _) => Ok(()),
                (Some(a), WsCall::RecvFrom(..)) => addr(a).map(|_| ()),
                (Some(a), _) => Err(err(a.span, "end of line", shown(a))),
            }
        }
        WsCall::GetOpt(_, SockOptName::Linger) => {
            int(first, "0 or 1", 1)?;
            match atoms.get(1) {
                Some(a) => int(a, "seconds", u16::MAX as u64).map(|_| ()),
                None => Err(err(first.span, "two numbers: onoff seconds", shown(first))),
            }
        }
        _ => match first.kind {
            ExprKind::Int { .. } if atoms.len() == 1 => Ok(()),
            _ => Err(err(
                first.span,
                "a number, or SOCKET_ERROR followed by a WSAE... error",
                shown(first),
            )),
        },
    }
}

/// What a call returned, for `=>` and the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Actual {
    Value(u64),
    Bool(bool),
    Bytes(Vec<u8>, Option<SockAddr>),
    Events(NetworkEvent),
    Message(Option<Message>),
    LastError(Option<WsaError>),
    Linger(bool, u16),
    Error(WsaError),
}

/// A step in progress: a statement that takes several simulation steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Driving {
    UntilIdle {
        taken: usize,
    },
    Until {
        end: crate::time::Instant,
        taken: usize,
    },
    Steps {
        left: u64,
    },
}

/// What one [`Runner::step`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    /// The statement's index in the script.
    pub stmt: usize,
    /// Its line.
    pub line: u32,
    /// The trace entries this step added.
    pub entries: core::ops::Range<usize>,
    /// True if the statement is finished (false in the middle of `run until idle`).
    pub finished_statement: bool,
}

/// Runs a scenario against a fresh [`Sim`], one atomic step at a time.
///
/// ```
/// use wsasim::script::Runner;
/// let mut r = Runner::new(
///     "host a 10.0.0.1\nwindow a w\na: WSAStartup()\na: S = socket(AF_INET, SOCK_DGRAM)\n\
///      a: WSAAsyncSelect(S, w, WM_USER+1, FD_WRITE)\na: bind(S, 10.0.0.1:53)\nexpect w: WM_USER+1(S, FD_WRITE, 0)\n",
/// )
/// .unwrap();
/// r.run_to_end();
/// assert_eq!(r.failure(), None);
/// assert!(r.is_finished());
/// ```
#[derive(Clone, Debug)]
pub struct Runner {
    script: Arc<Script>,
    program: Arc<Vec<Lowered>>,
    sim: Sim,
    pc: usize,
    driving: Option<Driving>,
    vars: BTreeMap<String, Var>,
    hosts: Vec<HostId>,
    windows: Vec<Hwnd>,
    failure: Option<Failure>,
    options: RunOptions,
    total_steps: usize,
    lines: LineMap,
}

/// Which script line caused which trace entries: the runner's own record, kept beside the
/// world's trace instead of inside it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineMap {
    /// `(first entry index, line)` for each runner step that added entries, in order.
    starts: Vec<(usize, u32)>,
}

impl LineMap {
    fn record(&mut self, first_entry: usize, line: u32) {
        self.starts.push((first_entry, line));
    }

    /// The line of the statement that made trace entry `index`, if a statement did.
    pub fn line_of(&self, index: usize) -> Option<u32> {
        let i = self.starts.partition_point(|(first, _)| *first <= index);
        i.checked_sub(1).map(|i| self.starts[i].1)
    }

    /// The held entries of `trace` as JSON lines with their lines.
    pub fn json(&self, trace: &Trace) -> String {
        let mut out = String::new();
        for e in trace.iter() {
            out.push_str(&trace.json(&e, self.line_of(e.index)));
            out.push('\n');
        }
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Var {
    Socket(SocketHandle),
    Event(WsaEvent),
}

/// The result of running a whole scenario: see [`run`].
#[derive(Clone, Debug)]
pub struct Report {
    /// The world at the end (its trace has every step).
    pub sim: Sim,
    /// The failed expectation or limit, if the scenario stopped early.
    pub failure: Option<Failure>,
    /// How many statements ran.
    pub statements: usize,
    /// The script line of every trace entry.
    pub lines: LineMap,
}

impl Report {
    /// The whole trace as JSON lines, with script lines.
    pub fn trace_json(&self) -> String {
        self.lines.json(self.sim.trace())
    }
}

/// Parses, checks and runs a scenario to its end (or its first failure).
pub fn run(src: &str) -> Result<Report, Vec<ScriptError>> {
    let mut r = Runner::new(src)?;
    r.run_to_end();
    Ok(Report {
        statements: r.pc,
        failure: r.failure.clone(),
        sim: r.sim,
        lines: r.lines,
    })
}

impl Runner {
    /// Parses and checks `src`. Every syntax and name error is returned at once.
    pub fn new(src: &str) -> Result<Runner, Vec<ScriptError>> {
        Runner::with_options(src, RunOptions::default())
    }

    /// Like [`Runner::new`], with limits.
    pub fn with_options(src: &str, options: RunOptions) -> Result<Runner, Vec<ScriptError>> {
        let script = super::parse(src)?;
        Runner::from_script(script, options)
    }

    /// Checks an already parsed script.
    pub fn from_script(script: Script, options: RunOptions) -> Result<Runner, Vec<ScriptError>> {
        let program = lower(&script)?;
        let sim = Sim::with_profile(options.profile.or(script.profile()).unwrap_or_default());
        Ok(Runner {
            script: Arc::new(script),
            program: Arc::new(program),
            sim,
            pc: 0,
            driving: None,
            vars: BTreeMap::new(),
            hosts: Vec::new(),
            windows: Vec::new(),
            failure: None,
            options,
            total_steps: 0,
            lines: LineMap::default(),
        })
    }

    /// The parsed script.
    pub fn script(&self) -> &Script {
        &self.script
    }

    /// The simulated world as it is now.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The failed expectation, if the scenario stopped at one.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// True when every statement ran, or the scenario failed.
    pub fn is_finished(&self) -> bool {
        self.failure.is_some() || self.pc >= self.program.len()
    }

    /// Index of the statement that runs next (or is running).
    pub fn next_statement(&self) -> usize {
        self.pc
    }

    /// The line of the statement that runs next, if any.
    pub fn next_line(&self) -> Option<u32> {
        self.program.get(self.pc).map(|l| l.span.line)
    }

    /// The script's name for a socket (`A` for `A = accept(L)`), if it has one.
    pub fn socket_name(&self, s: SocketHandle) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(_, v)| **v == Var::Socket(s))
            .map(|(k, _)| k.as_str())
    }

    /// The script's name for a host.
    pub fn host_name(&self, h: HostId) -> Option<&str> {
        self.sim.host(h).map(|x| x.name.as_str())
    }

    /// The script line of every trace entry the world still holds.
    pub fn lines(&self) -> &LineMap {
        &self.lines
    }

    /// Takes the trace entries the world holds, each with the script line that caused it
    /// (see [`Sim::drain_trace`]).
    pub fn drain_trace(&mut self) -> Vec<(TraceEntry, Option<u32>)> {
        let lines = core::mem::take(&mut self.lines);
        self.sim
            .drain_trace()
            .map(|e| {
                let line = lines.line_of(e.index);
                (e, line)
            })
            .collect()
    }

    /// The trace entries held as JSON lines, with their script lines.
    pub fn trace_json(&self) -> String {
        self.lines.json(self.sim.trace())
    }

    /// Runs until the end or the first failure.
    pub fn run_to_end(&mut self) {
        while self.step().is_some() {}
    }

    fn fail(&mut self, span: Span, expected: impl Into<String>, actual: impl Into<String>) {
        self.failure = Some(Failure {
            line: span.line,
            col: span.col,
            expected: expected.into(),
            actual: actual.into(),
        });
    }

    fn sock(&self, r: &SockRef) -> SocketHandle {
        match r {
            SockRef::Raw(n) => SocketHandle(*n),
            SockRef::Var(v) => match self.vars.get(v) {
                Some(Var::Socket(s)) => *s,
                // Bound by a call that failed: an invalid handle, as INVALID_SOCKET would be.
                _ => SocketHandle(u32::MAX),
            },
        }
    }

    fn event(&self, v: &str) -> WsaEvent {
        match self.vars.get(v) {
            Some(Var::Event(e)) => *e,
            _ => WsaEvent(u32::MAX),
        }
    }

    /// Runs one atomic step: one statement, or one simulation step of a statement that
    /// drives the network. `None` when the scenario is finished.
    pub fn step(&mut self) -> Option<StepReport> {
        if self.is_finished() {
            return None;
        }
        let stmt = self.pc;
        let Lowered { span, action } = self.program[stmt].clone();
        let from = self.sim.trace().len();
        let finished = self.exec(span, &action);
        let to = self.sim.trace().len();
        if to > from {
            self.lines.record(from, span.line);
        }
        if finished {
            self.pc += 1;
        }
        Some(StepReport {
            stmt,
            line: span.line,
            entries: from..to,
            finished_statement: finished || self.failure.is_some(),
        })
    }

    /// One simulation step, counted against the limits. False (and a failure) past a limit.
    fn sim_step(&mut self, span: Span, taken: usize, what: &str) -> bool {
        if taken >= self.options.max_steps_per_statement
            || self.total_steps >= self.options.max_total_steps
        {
            let limit = if taken >= self.options.max_steps_per_statement {
                self.options.max_steps_per_statement
            } else {
                self.options.max_total_steps
            };
            self.fail(
                span,
                format!("{what} to finish within {limit} simulation steps"),
                "the network still busy (a timer or a retransmission keeps it going)",
            );
            return false;
        }
        self.total_steps += 1;
        self.sim.step();
        true
    }

    /// Executes (part of) a statement; true when it is finished.
    fn exec(&mut self, span: Span, action: &Action) -> bool {
        match action {
            Action::Nothing => true,
            Action::Only(p, inner) => {
                if *p == self.sim.profile() {
                    self.exec(span, inner)
                } else {
                    self.driving = None;
                    true
                }
            }
            Action::Host(name, ip) => {
                match self.sim.add_host(name, *ip) {
                    Ok(h) => self.hosts.push(h),
                    Err(e) => self.fail(span, "a new host", e.to_string()),
                }
                true
            }
            Action::Window(h, name) => {
                let hwnd = self.sim.create_window(self.hosts[*h], name);
                self.windows.push(hwnd);
                true
            }
            Action::Link(a, b, d) => {
                self.sim.set_latency(self.hosts[*a], self.hosts[*b], *d);
                true
            }
            Action::DestroyWindow(w) => {
                self.sim.destroy_window(self.windows[*w]);
                true
            }
            Action::Partition(a, b) => {
                self.sim.partition(self.hosts[*a], self.hosts[*b]);
                true
            }
            Action::Heal(a, b) => {
                self.sim.heal(self.hosts[*a], self.hosts[*b]);
                true
            }
            Action::NetDown(h) => {
                self.sim.network_down(self.hosts[*h]);
                true
            }
            Action::NetUp(h) => {
                self.sim.network_up(self.hosts[*h]);
                true
            }
            Action::AddrAdd(h, ip) => {
                if let Err(e) = self.sim.add_address(self.hosts[*h], *ip) {
                    self.fail(span, "an address no host has", e.to_string());
                }
                true
            }
            Action::AddrRemove(h, ip) => {
                self.sim.remove_address(self.hosts[*h], *ip);
                true
            }
            Action::RouteChange(h) => {
                self.sim.route_change(self.hosts[*h]);
                true
            }
            Action::QosChange(s) => {
                let s = self.sock(s);
                if !self.sim.change_qos(s) {
                    self.fail(
                        span,
                        "an existing socket",
                        format!("socket {s} does not exist"),
                    );
                }
                true
            }
            Action::Reset(s) => {
                let s = self.sock(s);
                if !self.sim.inject_reset(s) {
                    self.fail(
                        span,
                        "a socket with a connection to reset",
                        format!("socket {s} has none"),
                    );
                }
                true
            }
            Action::RunUntilIdle => {
                let taken = match self.driving {
                    Some(Driving::UntilIdle { taken }) => taken,
                    _ => 0,
                };
                if self.sim.next_event_at().is_none() {
                    self.driving = None;
                    return true;
                }
                if !self.sim_step(span, taken, "'run until idle'") {
                    return true;
                }
                self.driving = Some(Driving::UntilIdle { taken: taken + 1 });
                false
            }
            Action::RunFor(d) => {
                let (end, taken) = match self.driving {
                    Some(Driving::Until { end, taken }) => (end, taken),
                    _ => (self.sim.now() + *d, 0),
                };
                if self.sim.next_event_at().is_some_and(|t| t <= end) {
                    if !self.sim_step(span, taken, "'run for'") {
                        return true;
                    }
                    self.driving = Some(Driving::Until {
                        end,
                        taken: taken + 1,
                    });
                    return false;
                }
                let _ = self.sim.run_for(end - self.sim.now(), 0);
                self.driving = None;
                true
            }
            Action::Step(n) => {
                let left = match self.driving {
                    Some(Driving::Steps { left }) => left,
                    _ => *n,
                };
                if self.sim.next_event_at().is_none() {
                    self.driving = None;
                    self.fail(
                        span,
                        format!("{left} more scheduled event(s) to step through"),
                        "nothing scheduled",
                    );
                    return true;
                }
                if !self.sim_step(span, 0, "'step'") {
                    return true;
                }
                if left <= 1 {
                    self.driving = None;
                    true
                } else {
                    self.driving = Some(Driving::Steps { left: left - 1 });
                    false
                }
            }
            Action::ExpectEmpty(w) => {
                let hwnd = self.windows[*w];
                let q = self.sim.window(hwnd).map(|w| w.queue.len()).unwrap_or(0);
                if q > 0 {
                    let first = self
                        .sim
                        .window(hwnd)
                        .and_then(|w| w.queue.front())
                        .map(|m| self.show_message(m))
                        .unwrap_or_default();
                    self.fail(
                        span,
                        "an empty queue",
                        format!("{q} message(s), the first {first}"),
                    );
                }
                true
            }
            Action::ExpectState(s, st) => {
                let h = self.sock(s);
                let actual = self
                    .sim
                    .socket_info(h)
                    .map_or(TcpState::Closed, |x| x.state());
                if actual != *st {
                    self.fail(span, st.name(), actual.name());
                }
                true
            }
            Action::ExpectMessage { window, pat } => {
                let hwnd = self.windows[*window];
                let host = self.sim.window(hwnd).map_or(HostId(0), |w| w.host);
                let m = self.sim.on(host).get_message(hwnd);
                match m {
                    None => self.fail(pat.span, format!("{}", pat), "an empty queue"),
                    Some(m) => {
                        if !self.matches_pattern(pat, &m) {
                            let shown = self.show_message(&m);
                            self.fail(pat.span, format!("{pat}"), shown);
                        }
                    }
                }
                true
            }
            Action::Call {
                host,
                bind,
                call,
                expect,
            } => {
                let host = self.hosts[*host];
                let actual = self.call(span, host, call);
                if self.failure.is_some() {
                    return true;
                }
                if let Some(b) = bind {
                    match &actual {
                        Actual::Value(v)
                            if matches!(call, WsCall::Socket(..) | WsCall::Accept(_)) =>
                        {
                            self.vars
                                .insert(b.clone(), Var::Socket(SocketHandle(*v as u32)));
                        }
                        Actual::Value(v) if matches!(call, WsCall::CreateEvent) => {
                            self.vars.insert(b.clone(), Var::Event(WsaEvent(*v as u32)));
                        }
                        _ => {
                            self.vars.remove(b);
                        }
                    }
                }
                if let Some(atoms) = expect {
                    if let Err((expected, got)) = self.check_result(call, atoms, &actual) {
                        let sp = atoms[0].span;
                        self.fail(sp, expected, got);
                    }
                }
                true
            }
        }
    }

    fn call(&mut self, span: Span, host: HostId, call: &WsCall) -> Actual {
        let val =
            |r: Result<usize, WsaError>| r.map_or_else(Actual::Error, |n| Actual::Value(n as u64));
        let unit = |r: Result<(), WsaError>| r.map_or_else(Actual::Error, |_| Actual::Value(0));
        match call {
            WsCall::Startup => unit(self.sim.on(host).wsa_startup()),
            WsCall::Cleanup => unit(self.sim.on(host).wsa_cleanup()),
            WsCall::Socket(af, ty) => self
                .sim
                .on(host)
                .socket_in(*af, *ty)
                .map_or_else(Actual::Error, |s| Actual::Value(s.0 as u64)),
            WsCall::Bind(s, a) => {
                let s = self.sock(s);
                unit(self.sim.on(host).bind(s, *a))
            }
            WsCall::Listen(s, n) => {
                let s = self.sock(s);
                unit(self.sim.on(host).listen(s, *n))
            }
            WsCall::Connect(s, a, namelen) => {
                let s = self.sock(s);
                unit(self.sim.on(host).connect_namelen(s, *a, *namelen))
            }
            WsCall::Accept(s) => {
                let s = self.sock(s);
                self.sim
                    .on(host)
                    .accept(s)
                    .map_or_else(Actual::Error, |(c, _)| Actual::Value(c.0 as u64))
            }
            WsCall::Send(s, d, f) => {
                let s = self.sock(s);
                val(self.sim.on(host).send(s, &d.bytes(), *f))
            }
            WsCall::Recv(s, n, f) => {
                let s = self.sock(s);
                self.sim
                    .on(host)
                    .recv(s, *n, *f)
                    .map_or_else(Actual::Error, |d| Actual::Bytes(d, None))
            }
            WsCall::SendTo(s, d, a, f) => {
                let s = self.sock(s);
                val(self.sim.on(host).sendto(s, &d.bytes(), *a, *f))
            }
            WsCall::RecvFrom(s, n, f) => {
                let s = self.sock(s);
                self.sim
                    .on(host)
                    .recvfrom(s, *n, *f)
                    .map_or_else(Actual::Error, |(d, a)| Actual::Bytes(d, Some(a)))
            }
            WsCall::Shutdown(s, how) => {
                let s = self.sock(s);
                unit(self.sim.on(host).shutdown(s, *how))
            }
            WsCall::Close(s) => {
                let s = self.sock(s);
                unit(self.sim.on(host).closesocket(s))
            }
            WsCall::SetOpt(s, o) => {
                let s = self.sock(s);
                unit(self.sim.on(host).setsockopt(s, *o))
            }
            WsCall::GetOpt(s, n) => {
                let s = self.sock(s);
                match self.sim.on(host).getsockopt(s, *n) {
                    Ok(SockOpt::OobInline(b)) => Actual::Value(b as u64),
                    Ok(SockOpt::Linger { on, secs }) => Actual::Linger(on, secs),
                    Ok(SockOpt::RcvBuf(n) | SockOpt::SndBuf(n)) => Actual::Value(n as u64),
                    Err(e) => Actual::Error(e),
                }
            }
            WsCall::Ioctl(s, cmd) => {
                let s = self.sock(s);
                match (self.sim.on(host).ioctlsocket(s, *cmd), cmd) {
                    (Ok(v), Ioctl::Siocatmark) => Actual::Bool(v != 0),
                    (Ok(v), _) => Actual::Value(v as u64),
                    (Err(e), _) => Actual::Error(e),
                }
            }
            WsCall::WsaIoctl(s, cmd) => {
                let s = self.sock(s);
                self.sim
                    .on(host)
                    .wsa_ioctl(s, *cmd)
                    .map_or_else(Actual::Error, |_| Actual::Value(0))
            }
            WsCall::AsyncSelect(s, w, m, e) => {
                let s = self.sock(s);
                let hwnd = self.windows[*w];
                unit(self.sim.on(host).wsa_async_select(s, hwnd, *m, *e))
            }
            WsCall::CreateEvent => self
                .sim
                .on(host)
                .wsa_create_event()
                .map_or_else(Actual::Error, |e| Actual::Value(e.0 as u64)),
            WsCall::EventSelect(s, e, ev) => {
                let s = self.sock(s);
                let e = self.event(e);
                unit(self.sim.on(host).wsa_event_select(s, e, *ev))
            }
            WsCall::EnumEvents(s, e) => {
                let s = self.sock(s);
                let e = e.as_deref().map(|e| self.event(e));
                self.sim
                    .on(host)
                    .wsa_enum_network_events(s, e)
                    .map_or_else(Actual::Error, |n| Actual::Events(n.events))
            }
            WsCall::GetMessage(w) => {
                let hwnd = self.windows[*w];
                // GetMessage waits: let the world run until a message is there.
                let mut taken = 0;
                while self
                    .sim
                    .window(hwnd)
                    .is_some_and(|w| w.queue.is_empty() && w.alive)
                    && self.sim.next_event_at().is_some()
                {
                    if !self.sim_step(span, taken, "GetMessage's wait") {
                        return Actual::Message(None);
                    }
                    taken += 1;
                }
                if self.sim.window(hwnd).is_some_and(|w| w.queue.is_empty()) {
                    self.fail(span, "a message for GetMessage to return", "an empty queue with nothing scheduled that could post one: GetMessage would wait forever");
                    return Actual::Message(None);
                }
                Actual::Message(self.sim.on(host).get_message(hwnd))
            }
            WsCall::PeekMessage(w, remove) => {
                let hwnd = self.windows[*w];
                Actual::Message(self.sim.on(host).peek_message(hwnd, *remove))
            }
            WsCall::GetLastError => Actual::LastError(self.sim.on(host).wsa_get_last_error()),
        }
    }

    fn show_message(&self, m: &Message) -> String {
        let sock = self
            .socket_name(m.wparam)
            .map_or_else(|| m.wparam.to_string(), |n| n.to_string());
        let err = m
            .lparam
            .error()
            .map_or_else(|| m.lparam.error_code().to_string(), |e| e.to_string());
        format!("{}({sock}, {}, {err})", m.msg, m.lparam.event())
    }

    fn matches_pattern(&self, p: &MsgPattern, m: &Message) -> bool {
        let msg_ok = window_message(&p.msg).is_ok_and(|w| w == m.msg);
        let sock_ok = match &p.socket.kind {
            ExprKind::Name(n) => self.vars.get(n) == Some(&Var::Socket(m.wparam)),
            ExprKind::Int { value, .. } => *value == m.wparam.0 as u64,
            _ => false,
        };
        let ev_ok = events(&p.event).is_ok_and(|e| e == m.lparam.event());
        let err_ok = match error_atom(&p.error) {
            Ok(None) => m.lparam.error_code() == 0,
            Ok(Some(e)) => m.lparam.error() == Some(e),
            Err(_) => false,
        };
        msg_ok && sock_ok && ev_ok && err_ok
    }

    fn show_actual(&self, a: &Actual) -> String {
        match a {
            Actual::Value(v) => v.to_string(),
            Actual::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).into(),
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
            Actual::Message(Some(m)) => self.show_message(m),
            Actual::LastError(None) => "0".into(),
            Actual::LastError(Some(e)) => e.to_string(),
            Actual::Linger(on, s) => format!("{} {s}", u8::from(*on)),
            Actual::Error(e) => format!("SOCKET_ERROR {e}"),
        }
    }

    /// Compares a call's result with the atoms after `=>`; `Err((expected, actual))` on mismatch.
    fn check_result(
        &self,
        call: &WsCall,
        atoms: &[Expr],
        actual: &Actual,
    ) -> Result<(), (String, String)> {
        let expected_text = atoms
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let mismatch = || Err((expected_text.clone(), self.show_actual(actual)));
        let first = &atoms[0];
        // Errors: SOCKET_ERROR [E], INVALID_SOCKET [E], or a bare error name.
        let wanted_error = match first.as_name() {
            Some("SOCKET_ERROR" | "INVALID_SOCKET") => {
                Some(atoms.get(1).and_then(|e| error_atom(e).ok().flatten()))
            }
            Some(n)
                if atoms.len() == 1
                    && n.parse::<WsaError>().is_ok()
                    && !matches!(call, WsCall::GetLastError) =>
            {
                Some(n.parse().ok())
            }
            _ => None,
        };
        if let Some(w) = wanted_error {
            return match (actual, w) {
                (Actual::Error(_), None) => Ok(()),
                (Actual::Error(e), Some(w)) if *e == w => Ok(()),
                _ => mismatch(),
            };
        }
        let ok = match actual {
            Actual::Error(_) => false,
            Actual::Value(v) => first.as_int() == Some(*v) && atoms.len() == 1,
            Actual::Bool(b) => {
                first.as_name() == Some(if *b { "TRUE" } else { "FALSE" })
                    || first.as_int() == Some(*b as u64)
            }
            Actual::Bytes(d, from) => {
                let data_ok = match &first.kind {
                    ExprKind::Int { value, .. } | ExprKind::Bytes(value) => {
                        *value == d.len() as u64
                    }
                    ExprKind::Str(b) | ExprKind::Hex(b) => b == d,
                    _ => false,
                };
                let from_ok = match (atoms.get(1), from) {
                    (None, _) => true,
                    (Some(a), Some(f)) => addr(a).is_ok_and(|a| a == *f),
                    (Some(_), None) => false,
                };
                data_ok && from_ok
            }
            Actual::Events(e) => events(first).is_ok_and(|x| x == *e),
            Actual::Message(None) => first.as_name() == Some("none"),
            Actual::Message(Some(m)) => match &first.kind {
                ExprKind::Message(p) => self.matches_pattern(p, m),
                _ => false,
            },
            Actual::LastError(e) => error_atom(first).is_ok_and(|x| x == *e),
            Actual::Linger(on, s) => {
                first.as_int() == Some(*on as u64)
                    && atoms.get(1).and_then(|a| a.as_int()) == Some(*s as u64)
            }
        };
        if ok {
            Ok(())
        } else {
            mismatch()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "host a 10.0.0.1\nwindow a w\na: WSAStartup()\na: S = socket(AF_INET, SOCK_DGRAM)\na: WSAAsyncSelect(S, w, WM_USER+1, FD_WRITE)\n";

    #[test]
    fn if_runs_only_under_its_profile() {
        let src = alloc::format!("{BASE}if windows: expect w: WM_USER+1(S, FD_WRITE, 0)\nif documented: expect w: empty\n");
        for p in [Profile::Documented, Profile::Windows] {
            let mut r = Runner::with_options(
                &src,
                RunOptions {
                    profile: Some(p),
                    ..RunOptions::default()
                },
            )
            .unwrap();
            r.run_to_end();
            assert_eq!(r.failure(), None, "{p}");
        }
    }

    #[test]
    fn declarations_under_if_are_refused() {
        let src = alloc::format!("{BASE}if windows: host b 10.0.0.2\nif documented: window a v\n");
        let errors = Runner::new(&src).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!((errors[0].line, errors[0].col), (6, 4));
        assert!(errors[0].expected.contains("declarations"));
    }

    #[test]
    fn large_payloads_are_made_only_when_sent() {
        // 1,000 lines of 16 MiB payloads would need 16 GiB if checking made them.
        let mut src = alloc::string::String::from(BASE);
        for _ in 0..1000 {
            src.push_str("a: sendto(S, 16777216 bytes, 10.0.0.9:53) => SOCKET_ERROR WSAEMSGSIZE\n");
        }
        let mut r = Runner::new(&src).unwrap();
        for _ in 0..8 {
            r.step();
        }
        assert_eq!(r.failure(), None);
    }

    #[test]
    fn names_are_checked_before_running() {
        let errors =
            Runner::new("host a 10.0.0.1\na: recv(X, 10)\na: frob()\nexpect nowin: empty\n")
                .unwrap_err();
        let at: Vec<(u32, u32)> = errors.iter().map(|e| (e.line, e.col)).collect();
        assert_eq!(at, vec![(2, 9), (3, 4), (4, 8)]);
    }

    #[test]
    fn a_failed_expectation_stops_the_run_at_its_line() {
        let src = alloc::format!(
            "{BASE}a: bind(S, 10.0.0.1:53) => 0\na: recv(S, 10) => 5\na: closesocket(S)\n"
        );
        let report = run(&src).unwrap();
        let f = report.failure.expect("the recv fails");
        assert_eq!(
            (f.line, f.expected.as_str(), f.actual.as_str()),
            (7, "5", "SOCKET_ERROR WSAEWOULDBLOCK")
        );
        assert_eq!(report.statements, 7, "the recv was the last statement run");
        assert!(!report.sim.trace().to_string().contains("closesocket"));
    }
}
