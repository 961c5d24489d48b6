//! The calls a script may make: one table, [`CALLS`], from a call's name to its usage
//! text, its number of arguments and the function that lowers its arguments to an
//! [`Op`] and the [`Shape`] of what it returns.
//!
//! A lowering function checks its arguments left to right (with a few exceptions noted
//! where they are) and stops at the first wrong one, so each bad line gives one error.

use core::ops::RangeInclusive;

use alloc::format;
use alloc::string::String;

use super::args::{
    addr, err, events, int, msg_flags, payload, shown, window_message, Names, MAX_PAYLOAD,
};
use super::ast::{Call as Written, Expr, ExprKind};
use super::expect::Shape;
use super::program::{Op, ScriptCall, SockRef};
use super::ScriptError;
use crate::socket::{AddressFamily, Ioctl, Shutdown, SockOpt, SockOptName, SocketType, WsaIoctl};
use crate::winsock::{Call, Condition, SOCKADDR_IN_LEN};

/// A lowered call, or the error at its first wrong argument.
type Lowered = Result<(Op, Shape), ScriptError>;

/// One call of the language.
pub(super) struct CallSpec {
    /// Its name, as in Winsock.
    pub name: &'static str,
    /// How to call it, shown when the number of arguments is wrong.
    pub usage: &'static str,
    /// How many arguments it takes.
    pub arity: RangeInclusive<usize>,
    /// Lowers its arguments (already counted).
    pub lower: fn(&Names, &Written) -> Lowered,
}

/// A Winsock call with what it returns.
fn ws(call: ScriptCall, shape: Shape) -> Lowered {
    Ok((Op::Winsock(call), shape))
}

/// Every call, in the order the "unknown call" error lists them.
pub(super) static CALLS: [CallSpec; 31] = [
    CallSpec {
        name: "WSAStartup",
        usage: "WSAStartup()",
        arity: 0..=1,
        lower: |_, _| ws(Call::WsaStartup, Shape::Number),
    },
    CallSpec {
        name: "socket",
        usage: "socket(AF_INET, SOCK_STREAM or SOCK_DGRAM)",
        arity: 2..=3,
        lower: socket,
    },
    CallSpec {
        name: "bind",
        usage: "bind(s, address:port)",
        arity: 2..=2,
        lower: |n, c| {
            let (s, addr) = (n.socket(&c.args[0])?, addr(&c.args[1])?);
            ws(Call::Bind { s, addr }, Shape::Number)
        },
    },
    CallSpec {
        name: "listen",
        usage: "listen(s, backlog)",
        arity: 2..=2,
        lower: |n, c| {
            let s = n.socket(&c.args[0])?;
            let backlog = int(&c.args[1], "a backlog", u32::MAX as u64)? as u32;
            ws(Call::Listen { s, backlog }, Shape::Number)
        },
    },
    CallSpec {
        name: "connect",
        usage: "connect(s, address:port or NULL[, namelen])",
        arity: 2..=3,
        lower: |n, c| {
            // The optional namelen is checked first.
            let namelen = match c.args.get(2) {
                Some(e) => int(e, "a namelen such as 16", u32::MAX as u64)? as u32,
                None => SOCKADDR_IN_LEN,
            };
            let s = n.socket(&c.args[0])?;
            // `connect(s, NULL)`: no address, which Winsock refuses with WSAEFAULT;
            // the call is made with a namelen of 0, as a NULL name has no length.
            let (addr, namelen) = match c.args[1].as_name() {
                Some("NULL") => (crate::net::SockAddr::default(), 0),
                _ => (addr(&c.args[1])?, namelen),
            };
            ws(Call::Connect { s, addr, namelen }, Shape::Number)
        },
    },
    CallSpec {
        name: "accept",
        usage: "accept(s)",
        arity: 1..=1,
        lower: |n, c| ws(Call::Accept { s: n.socket(&c.args[0])? }, Shape::Socket),
    },
    CallSpec {
        name: "send",
        usage: "send(s, payload[, MSG_OOB])",
        arity: 2..=3,
        lower: |n, c| {
            let (s, data) = (n.socket(&c.args[0])?, payload(&c.args[1])?);
            let flags = msg_flags(c.args.get(2))?;
            ws(Call::Send { s, data, flags }, Shape::Number)
        },
    },
    CallSpec {
        name: "recv",
        usage: "recv(s, length[, MSG_PEEK|MSG_OOB])",
        arity: 2..=3,
        lower: |n, c| {
            let s = n.socket(&c.args[0])?;
            let len = length(&c.args[1])?;
            let flags = msg_flags(c.args.get(2))?;
            ws(Call::Recv { s, len, flags }, Shape::Bytes { from: false })
        },
    },
    CallSpec {
        name: "sendto",
        usage: "sendto(s, payload, address:port[, flags])",
        arity: 3..=4,
        lower: |n, c| {
            let (s, data) = (n.socket(&c.args[0])?, payload(&c.args[1])?);
            let (to, flags) = (addr(&c.args[2])?, msg_flags(c.args.get(3))?);
            ws(Call::SendTo { s, data, to, flags }, Shape::Number)
        },
    },
    CallSpec {
        name: "recvfrom",
        usage: "recvfrom(s, length[, flags])",
        arity: 2..=3,
        lower: |n, c| {
            let s = n.socket(&c.args[0])?;
            let len = length(&c.args[1])?;
            let flags = msg_flags(c.args.get(2))?;
            ws(Call::RecvFrom { s, len, flags }, Shape::Bytes { from: true })
        },
    },
    CallSpec {
        name: "WSAConnect",
        usage: "WSAConnect(s, address:port)",
        arity: 2..=2,
        lower: |n, c| {
            let (s, addr) = (n.socket(&c.args[0])?, addr(&c.args[1])?);
            ws(Call::WsaConnect { s, addr }, Shape::Number)
        },
    },
    CallSpec {
        name: "WSAAccept",
        usage: "WSAAccept(s, CF_ACCEPT, CF_REJECT or CF_DEFER)",
        arity: 2..=2,
        lower: |n, c| {
            let s = n.socket(&c.args[0])?;
            let condition = match c.args[1].as_name() {
                Some("CF_ACCEPT") => Condition::Accept,
                Some("CF_REJECT") => Condition::Reject,
                Some("CF_DEFER") => Condition::Defer,
                _ => {
                    return Err(err(
                        c.args[1].span,
                        "CF_ACCEPT, CF_REJECT or CF_DEFER",
                        shown(&c.args[1]),
                    ))
                }
            };
            ws(Call::WsaAccept { s, condition }, Shape::Socket)
        },
    },
    CallSpec {
        name: "WSASend",
        usage: "WSASend(s, payload[, MSG_OOB])",
        arity: 2..=3,
        lower: |n, c| {
            let (s, data) = (n.socket(&c.args[0])?, payload(&c.args[1])?);
            let flags = msg_flags(c.args.get(2))?;
            ws(Call::WsaSend { s, data, flags }, Shape::Number)
        },
    },
    CallSpec {
        name: "WSARecv",
        usage: "WSARecv(s, length[, MSG_PEEK|MSG_OOB])",
        arity: 2..=3,
        lower: |n, c| {
            let s = n.socket(&c.args[0])?;
            let len = length(&c.args[1])?;
            let flags = msg_flags(c.args.get(2))?;
            ws(Call::WsaRecv { s, len, flags }, Shape::Bytes { from: false })
        },
    },
    CallSpec {
        name: "WSASendTo",
        usage: "WSASendTo(s, payload, address:port[, flags])",
        arity: 3..=4,
        lower: |n, c| {
            let (s, data) = (n.socket(&c.args[0])?, payload(&c.args[1])?);
            let (to, flags) = (addr(&c.args[2])?, msg_flags(c.args.get(3))?);
            ws(Call::WsaSendTo { s, data, to, flags }, Shape::Number)
        },
    },
    CallSpec {
        name: "WSARecvFrom",
        usage: "WSARecvFrom(s, length[, flags])",
        arity: 2..=3,
        lower: |n, c| {
            let s = n.socket(&c.args[0])?;
            let len = length(&c.args[1])?;
            let flags = msg_flags(c.args.get(2))?;
            ws(Call::WsaRecvFrom { s, len, flags }, Shape::Bytes { from: true })
        },
    },
    CallSpec {
        name: "WSAJoinLeaf",
        usage: "WSAJoinLeaf(s, address:port)",
        arity: 2..=2,
        lower: |n, c| {
            let (s, addr) = (n.socket(&c.args[0])?, addr(&c.args[1])?);
            ws(Call::WsaJoinLeaf { s, addr }, Shape::Socket)
        },
    },
    CallSpec {
        name: "shutdown",
        usage: "shutdown(s, SD_RECEIVE, SD_SEND, SD_BOTH or a number)",
        arity: 2..=2,
        lower: shutdown,
    },
    CallSpec {
        name: "closesocket",
        usage: "closesocket(s)",
        arity: 1..=1,
        lower: |n, c| ws(Call::CloseSocket { s: n.socket(&c.args[0])? }, Shape::Number),
    },
    CallSpec {
        name: "setsockopt",
        usage: "setsockopt(s, SOL_SOCKET, option, value)",
        arity: 4..=5,
        lower: setsockopt,
    },
    CallSpec {
        name: "getsockopt",
        usage: "getsockopt(s, SOL_SOCKET, option)",
        arity: 3..=3,
        lower: getsockopt,
    },
    CallSpec {
        name: "ioctlsocket",
        usage: "ioctlsocket(s, FIONBIO, 0 or 1), ioctlsocket(s, FIONREAD) or ioctlsocket(s, SIOCATMARK)",
        arity: 2..=3,
        lower: ioctlsocket,
    },
    CallSpec {
        name: "WSAIoctl",
        usage: "WSAIoctl(s, FIONBIO, 0 or 1), WSAIoctl(s, SIO_SET_QOS, rate) or WSAIoctl(s, SIO_GET_QOS, SIO_GET_GROUP_QOS, SIO_ROUTING_INTERFACE_CHANGE[, address:port] or SIO_ADDRESS_LIST_CHANGE)",
        arity: 2..=3,
        lower: wsa_ioctl,
    },
    CallSpec {
        name: "WSAAsyncSelect",
        usage: "WSAAsyncSelect(s, window, WM_USER+n, FD_... events)",
        arity: 4..=4,
        lower: |n, c| {
            let a = &c.args;
            let (s, window) = (n.socket(&a[0])?, n.window_expr(&a[1])?);
            let (msg, events) = (window_message(&a[2])?, events(&a[3])?);
            let op = Op::AsyncSelect {
                s,
                window,
                msg,
                events,
            };
            Ok((op, Shape::Number))
        },
    },
    CallSpec {
        name: "WSACreateEvent",
        usage: "WSACreateEvent()",
        arity: 0..=0,
        lower: |_, _| ws(Call::WsaCreateEvent, Shape::Event),
    },
    CallSpec {
        name: "WSAEventSelect",
        usage: "WSAEventSelect(s, event, FD_... events)",
        arity: 3..=3,
        lower: |n, c| {
            let (s, event) = (n.socket(&c.args[0])?, n.event_var(&c.args[1])?);
            let events = events(&c.args[2])?;
            ws(Call::WsaEventSelect { s, event, events }, Shape::Number)
        },
    },
    CallSpec {
        name: "WSAEnumNetworkEvents",
        usage: "WSAEnumNetworkEvents(s, event)",
        arity: 1..=2,
        lower: |n, c| {
            // The event object is checked before the socket.
            let event = match c.args.get(1) {
                Some(e) if e.as_name() == Some("NULL") || e.as_int() == Some(0) => None,
                Some(e) => Some(n.event_var(e)?),
                None => None,
            };
            let s = n.socket(&c.args[0])?;
            ws(Call::WsaEnumNetworkEvents { s, event }, Shape::Events)
        },
    },
    CallSpec {
        name: "GetMessage",
        usage: "GetMessage(window)",
        arity: 1..=1,
        lower: |n, c| {
            let window = n.window_expr(&c.args[0])?;
            let op = Op::GetMessage {
                window,
                remove: true,
                wait: true,
            };
            Ok((op, Shape::Message))
        },
    },
    CallSpec {
        name: "PeekMessage",
        usage: "PeekMessage(window, PM_REMOVE or PM_NOREMOVE)",
        arity: 1..=2,
        lower: |n, c| {
            // The flag is checked before the window.
            let remove = match c.args.get(1).map(|e| (e, e.as_name())) {
                None | Some((_, Some("PM_REMOVE"))) => true,
                Some((_, Some("PM_NOREMOVE"))) => false,
                Some((e, _)) => return Err(err(e.span, "PM_REMOVE or PM_NOREMOVE", shown(e))),
            };
            let window = n.window_expr(&c.args[0])?;
            let op = Op::GetMessage {
                window,
                remove,
                wait: false,
            };
            Ok((op, Shape::Message))
        },
    },
    CallSpec {
        name: "WSAGetLastError",
        usage: "WSAGetLastError()",
        arity: 0..=0,
        lower: |_, _| Ok((Op::GetLastError, Shape::LastError)),
    },
    CallSpec {
        name: "WSACleanup",
        usage: "WSACleanup()",
        arity: 0..=0,
        lower: |_, _| ws(Call::WsaCleanup, Shape::Number),
    },
];

/// A buffer length, Winsock's `int`: up to 16 MiB, or negative (`-1`), which the call
/// refuses with `WSAEFAULT`.
fn length(e: &Expr) -> Result<i32, ScriptError> {
    match e.kind {
        ExprKind::NegInt(n) if n <= 1 << 31 => Ok((n as i64).wrapping_neg() as i32),
        _ => Ok(int(e, "a length (or a negative one such as -1)", MAX_PAYLOAD)? as i32),
    }
}

/// Looks a call up in [`CALLS`], counts its arguments and lowers them.
pub(super) fn lower_call(names: &Names, call: &Written) -> Lowered {
    let name = call.name.as_str();
    let Some(spec) = CALLS.iter().find(|c| c.name == name) else {
        let expected = match suggest_call(name) {
            Some(s) => format!("a Winsock call (did you mean '{s}'?)"),
            None => unknown(),
        };
        return Err(err(call.name.span, expected, format!("\"{name}\"")));
    };
    arity(call, spec.arity.clone(), spec.usage)?;
    (spec.lower)(names, call)
}

/// The call `name` is probably a misspelling of, if any: the nearest by edit distance
/// (ignoring case), within 2 edits, or 3 when the first three letters agree
/// (`recieve` → `recv`).
pub(super) fn suggest_call(name: &str) -> Option<&'static str> {
    if name.len() > 30 {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    CALLS
        .iter()
        .map(|c| {
            let cl = c.name.to_ascii_lowercase();
            let d = super::parser::edit_distance(&lower, &cl);
            let prefix = lower.len() >= 3 && cl.len() >= 3 && lower[..3] == cl[..3];
            (d, prefix, c.name)
        })
        .filter(|(d, prefix, c)| (*d <= 2 || (*prefix && *d <= 3)) && *d < c.len())
        .min_by_key(|(d, prefix, _)| (*d, !*prefix))
        .map(|(_, _, c)| c)
}

/// "a Winsock call: WSAStartup, socket, … or WSACleanup".
fn unknown() -> String {
    let mut s = String::from("a Winsock call: ");
    for (i, c) in CALLS.iter().enumerate() {
        if i > 0 {
            s.push_str(if i + 1 == CALLS.len() { " or " } else { ", " });
        }
        s.push_str(c.name);
    }
    s
}

/// Checks the number of arguments; the error points at the first one too many.
fn arity(call: &Written, n: RangeInclusive<usize>, usage: &str) -> Result<(), ScriptError> {
    let got = call.args.len();
    if n.contains(&got) {
        return Ok(());
    }
    let span = call.args.get(*n.end()).map_or(call.span, |a| a.span);
    Err(err(
        span,
        usage,
        format!("{got} argument{}", if got == 1 { "" } else { "s" }),
    ))
}

fn socket(_: &Names, c: &Written) -> Lowered {
    let a = &c.args;
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
    ws(Call::Socket { af, ty }, Shape::Socket)
}

fn shutdown(n: &Names, c: &Written) -> Lowered {
    // The direction is checked before the socket. A number other than 0, 1 and 2 is
    // Winsock's to refuse (WSAEINVAL), not the script's.
    let a = &c.args;
    let how = match (a[1].as_name(), &a[1].kind) {
        (Some("SD_RECEIVE"), _) => Ok(Shutdown::Receive),
        (Some("SD_SEND"), _) => Ok(Shutdown::Send),
        (Some("SD_BOTH"), _) => Ok(Shutdown::Both),
        (_, ExprKind::Int { value: 0, .. }) => Ok(Shutdown::Receive),
        (_, ExprKind::Int { value: 1, .. }) => Ok(Shutdown::Send),
        (_, ExprKind::Int { value: 2, .. }) => Ok(Shutdown::Both),
        // An `int`: 0xdeadbeef is taken by its bits, as C passes it.
        (_, &ExprKind::Int { value, .. }) if value <= u64::from(u32::MAX) => {
            Err(value as u32 as i32)
        }
        (_, &ExprKind::NegInt(m)) if m <= 1 << 31 => Err((m as i64).wrapping_neg() as i32),
        _ => {
            return Err(err(
                a[1].span,
                "SD_RECEIVE, SD_SEND, SD_BOTH or an int",
                shown(&a[1]),
            ))
        }
    };
    let s = n.socket(&a[0])?;
    let call = match how {
        Ok(how) => Call::Shutdown { s, how },
        Err(how) => Call::ShutdownOther { s, how },
    };
    ws(call, Shape::Number)
}

const SOCKET_OPTIONS: &str = "SO_OOBINLINE, SO_LINGER, SO_RCVBUF or SO_SNDBUF";

/// The socket and option name of `setsockopt` / `getsockopt`, after `SOL_SOCKET`.
fn sol_socket<'a>(n: &Names, c: &'a Written) -> Result<(SockRef, &'a str), ScriptError> {
    let s = n.socket(&c.args[0])?;
    if c.args[1].as_name() != Some("SOL_SOCKET") {
        return Err(err(c.args[1].span, "SOL_SOCKET", shown(&c.args[1])));
    }
    Ok((s, c.args[2].as_name().unwrap_or("")))
}

fn getsockopt(n: &Names, c: &Written) -> Lowered {
    let (s, opt) = sol_socket(n, c)?;
    let (name, shape) = match opt {
        "SO_OOBINLINE" => (SockOptName::OobInline, Shape::Number),
        "SO_LINGER" => (SockOptName::Linger, Shape::Linger),
        "SO_RCVBUF" => (SockOptName::RcvBuf, Shape::Number),
        "SO_SNDBUF" => (SockOptName::SndBuf, Shape::Number),
        _ => return Err(err(c.args[2].span, SOCKET_OPTIONS, shown(&c.args[2]))),
    };
    ws(Call::GetSockOpt { s, name }, shape)
}

fn setsockopt(n: &Names, c: &Written) -> Lowered {
    let (s, opt) = sol_socket(n, c)?;
    let a = &c.args;
    let bool_of = |e: &Expr| match (e.as_int(), e.as_name()) {
        (Some(0), _) | (_, Some("FALSE")) => Ok(false),
        (Some(1), _) | (_, Some("TRUE")) => Ok(true),
        _ => Err(err(e.span, "0 or 1", shown(e))),
    };
    let opt = match opt {
        "SO_OOBINLINE" => {
            arity(c, 4..=4, "setsockopt(s, SOL_SOCKET, SO_OOBINLINE, 0 or 1)")?;
            SockOpt::OobInline(bool_of(&a[3])?)
        }
        "SO_LINGER" => {
            arity(
                c,
                5..=5,
                "setsockopt(s, SOL_SOCKET, SO_LINGER, onoff, seconds)",
            )?;
            SockOpt::Linger {
                on: bool_of(&a[3])?,
                secs: int(&a[4], "seconds", u16::MAX as u64)? as u16,
            }
        }
        "SO_RCVBUF" | "SO_SNDBUF" => {
            arity(
                c,
                4..=4,
                "setsockopt(s, SOL_SOCKET, SO_RCVBUF or SO_SNDBUF, bytes)",
            )?;
            let n = int(&a[3], "a size in bytes", u32::MAX as u64)? as u32;
            if opt == "SO_RCVBUF" {
                SockOpt::RcvBuf(n)
            } else {
                SockOpt::SndBuf(n)
            }
        }
        _ => return Err(err(a[2].span, SOCKET_OPTIONS, shown(&a[2]))),
    };
    ws(Call::SetSockOpt { s, opt }, Shape::Number)
}

fn ioctlsocket(n: &Names, c: &Written) -> Lowered {
    let s = n.socket(&c.args[0])?;
    let (cmd, shape) = match c.args[1].as_name() {
        Some("FIONBIO") => {
            arity(c, 3..=3, "ioctlsocket(s, FIONBIO, 0 or 1)")?;
            let on = int(&c.args[2], "0 or 1", u32::MAX as u64)? != 0;
            (Ioctl::Fionbio(on), Shape::Number)
        }
        Some("FIONREAD") => {
            arity(c, 2..=2, "ioctlsocket(s, FIONREAD)")?;
            (Ioctl::Fionread, Shape::Number)
        }
        Some("SIOCATMARK") => {
            arity(c, 2..=2, "ioctlsocket(s, SIOCATMARK)")?;
            (Ioctl::Siocatmark, Shape::Flag)
        }
        _ => {
            return Err(err(
                c.args[1].span,
                "FIONBIO, FIONREAD or SIOCATMARK",
                shown(&c.args[1]),
            ))
        }
    };
    ws(Call::IoctlSocket { s, cmd }, shape)
}

fn wsa_ioctl(n: &Names, c: &Written) -> Lowered {
    let a = &c.args;
    let s = n.socket(&a[0])?;
    let cmd = match a[1].as_name() {
        Some("SIO_GET_QOS") => WsaIoctl::GetQos,
        Some("SIO_GET_GROUP_QOS") => WsaIoctl::GetGroupQos,
        Some("SIO_ROUTING_INTERFACE_CHANGE") => {
            WsaIoctl::RoutingInterfaceChange(a.get(2).map(addr).transpose()?)
        }
        Some("SIO_ADDRESS_LIST_CHANGE") => WsaIoctl::AddressListChange,
        Some("FIONBIO") => {
            arity(c, 3..=3, "WSAIoctl(s, FIONBIO, 0 or 1)")?;
            WsaIoctl::Fionbio(int(&a[2], "0 or 1", u32::MAX as u64)? != 0)
        }
        Some("SIO_SET_QOS") => {
            arity(c, 3..=3, "WSAIoctl(s, SIO_SET_QOS, token rate)")?;
            WsaIoctl::SetQos(int(&a[2], "a token rate in bytes per second", u32::MAX as u64)? as u32)
        }
        _ => {
            return Err(err(
                a[1].span,
                "FIONBIO, SIO_GET_QOS, SIO_SET_QOS, SIO_GET_GROUP_QOS, SIO_ROUTING_INTERFACE_CHANGE or SIO_ADDRESS_LIST_CHANGE",
                shown(&a[1]),
            ))
        }
    };
    let takes_three = matches!(
        cmd,
        WsaIoctl::RoutingInterfaceChange(_) | WsaIoctl::Fionbio(_) | WsaIoctl::SetQos(_)
    );
    if a.len() == 3 && !takes_three {
        return Err(err(a[2].span, "')'", shown(&a[2])));
    }
    ws(Call::WsaIoctl { s, cmd }, Shape::Number)
}
