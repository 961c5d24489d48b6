//! Lowering: checks every name of a parsed [`Script`] and turns each statement into a
//! [`Step`] of the [`Program`], with its calls typed (see `calls`) and its expectations
//! made [`Expected`] values.
//!
//! All errors are collected, one per bad statement, with the line and column of the part
//! that is wrong; nothing runs unless there are none.

use alloc::boxed::Box;
use alloc::format;
use alloc::vec::Vec;

use super::args::{
    addr, err, error_atom, events, events_with_errors, int, ipv4, shown, window_message, Names,
    VarKind,
};
use super::ast::{Expr, ExprKind, HostCall, MsgPattern, Outcome, Script, StmtKind};
use super::calls::lower_call;
use super::expect::{Check, Data, Expected, MsgExpected, Shape, WParam};
use super::program::{Action, HostStep, Op, Program, SockRef, Step};
use super::ScriptError;
use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::Ipv4;
use crate::tcb::TcpState;

/// Checks and lowers a whole script; every error found, in statement order.
pub(super) fn lower(script: &Script) -> Result<Program, Vec<ScriptError>> {
    let mut names = Names::default();
    let mut steps = Vec::with_capacity(script.stmts.len());
    let mut errors = Vec::new();
    let mut addrs: Vec<Ipv4> = Vec::new();
    for stmt in &script.stmts {
        match lower_kind(&mut names, &mut addrs, &stmt.kind) {
            Ok(action) => steps.push(Step {
                span: stmt.span,
                action,
            }),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(Program {
            steps,
            slots: names.into_slots(),
        })
    } else {
        Err(errors)
    }
}

fn lower_kind(
    names: &mut Names,
    addrs: &mut Vec<Ipv4>,
    kind: &StmtKind,
) -> Result<Action, ScriptError> {
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
            Action::Only(profile.value, Box::new(lower_kind(names, addrs, stmt)?))
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
        StmtKind::Call(hc) => Action::Call(Box::new(lower_host_call(names, hc)?)),
        StmtKind::RunUntilIdle => Action::RunUntilIdle,
        StmtKind::RunFor(d) => Action::RunFor(d.value),
        StmtKind::Step(n) => Action::Step(n.as_ref().map_or(1, |n| n.value)),
        StmtKind::ExpectMessage { window, message } => {
            let window = names.window(window)?;
            let expected = Expected::Message(Some(lower_pattern(names, message)?));
            let check = Check {
                expected,
                span: message.span,
                text: format!("{message}").into(),
            };
            Action::ExpectMessage {
                window,
                check: Box::new(check),
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
        StmtKind::AddressAdd { host, addr } => Action::AddrAdd(names.host(host)?, ipv4(addr.value)),
        StmtKind::AddressRemove { host, addr } => {
            Action::AddrRemove(names.host(host)?, ipv4(addr.value))
        }
        StmtKind::RouteChange { host, dest } => {
            Action::RouteChange(names.host(host)?, dest.as_ref().map(|d| ipv4(d.value)))
        }
        StmtKind::QosChange { socket } => Action::QosChange(names.socket_ident(socket)?),
    })
}

/// `HOST: [VAR =] CALL [=> RESULT]`: the host, the call, then the variable (bound from
/// here on), then the expectation.
fn lower_host_call(names: &mut Names, hc: &HostCall) -> Result<HostStep, ScriptError> {
    let host = names.host(&hc.host)?;
    let (op, shape) = lower_call(names, &hc.call)?;
    let bind = match &hc.bind {
        None => None,
        Some(b) => {
            let kind =
                match shape {
                    Shape::Socket => VarKind::Socket,
                    Shape::Event => VarKind::Event,
                    _ => return Err(err(
                        b.span,
                        "no 'VAR =' here: only socket, accept and WSACreateEvent return a handle",
                        format!("\"{}\"", b.name),
                    )),
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
            Some(names.bind(b.as_str(), kind))
        }
    };
    let until = match &hc.until {
        None => None,
        Some(o) => {
            if let Some(b) = &hc.bind {
                return Err(err(
                    b.span,
                    "no 'VAR =' with 'repeat'",
                    format!("\"{}\"", b.name),
                ));
            }
            Some(lower_outcome(names, shape, o)?)
        }
    };
    let count_shape = if until.is_some() {
        Shape::Number
    } else {
        shape
    };
    let expect = match &hc.expect {
        None => None,
        Some(o) => Some(lower_outcome(names, count_shape, o)?),
    };
    if hc.hook && !matches!(op, Op::Winsock(_) | Op::AsyncSelect { .. }) {
        return Err(err(
            hc.call.name.span,
            "a Winsock call for the blocking hook",
            format!("\"{}\"", hc.call.name.name),
        ));
    }
    Ok(HostStep {
        host,
        bind,
        op,
        shape,
        expect,
        until,
        hook: hc.hook,
    })
}

/// `=> RESULT [or RESULT …]` as a [`Check`].
fn lower_outcome(names: &Names, shape: Shape, o: &Outcome) -> Result<Check, ScriptError> {
    let first = lower_result(names, shape, &o.atoms)?;
    let expected = if o.others.is_empty() {
        first
    } else {
        let mut all = Vec::from([first]);
        for atoms in &o.others {
            all.push(lower_result(names, shape, atoms)?);
        }
        Expected::AnyOf(all)
    };
    Ok(Check {
        expected,
        span: o.atoms[0].span,
        text: format!("{o}").into(),
    })
}

/// The atoms after `=>` as a result a call of `shape` can return.
fn lower_result(names: &Names, shape: Shape, atoms: &[Expr]) -> Result<Expected, ScriptError> {
    let first = &atoms[0];
    if matches!(first.as_name(), Some("SOCKET_ERROR" | "INVALID_SOCKET")) {
        let error = match atoms.get(1) {
            Some(e) => error_atom(e)?,
            None => None,
        };
        if let Some(extra) = atoms.get(2) {
            return Err(err(extra.span, "end of line", shown(extra)));
        }
        return Ok(Expected::Failed(error));
    }
    // A bare error name: the call failed with it (or WSAGetLastError returns it).
    if let Some(e) = first.as_name().and_then(|n| n.parse::<WsaError>().ok()) {
        if atoms.len() == 1 {
            return Ok(match shape {
                Shape::LastError => Expected::LastError(Some(e)),
                _ => Expected::Failed(Some(e)),
            });
        }
    }
    Ok(match shape {
        Shape::Message => match &first.kind {
            ExprKind::Message(p) => Expected::Message(Some(lower_pattern(names, p)?)),
            _ if first.as_name() == Some("none") => Expected::Message(None),
            _ => {
                return Err(err(
                    first.span,
                    "a message such as WM_USER+1(S, FD_READ, 0), or none",
                    shown(first),
                ))
            }
        },
        Shape::Events => {
            if let Some(extra) = atoms.get(1) {
                return Err(err(extra.span, "'or' or end of line", shown(extra)));
            }
            Expected::Events(events_with_errors(first)?)
        }
        Shape::Flag if matches!(first.as_name(), Some("TRUE" | "FALSE")) => {
            Expected::Flag(first.as_name() == Some("TRUE"))
        }
        Shape::LastError => Expected::LastError(error_atom(first)?),
        Shape::Bytes { from } => {
            let data = match &first.kind {
                ExprKind::Int { value, .. } | ExprKind::Bytes(value) => Data::Len(*value),
                ExprKind::Str(b) | ExprKind::Hex(b) => Data::Exact(b.clone()),
                _ => {
                    return Err(err(
                        first.span,
                        "a byte count, \"text\", x\"hex\", N bytes or SOCKET_ERROR WSAE...",
                        shown(first),
                    ))
                }
            };
            let sender = match atoms.get(1) {
                None => None,
                Some(a) if from => Some(addr(a)?),
                Some(a) => return Err(err(a.span, "end of line", shown(a))),
            };
            Expected::Received(data, sender)
        }
        Shape::Linger => {
            let on = int(first, "0 or 1", 1)? == 1;
            match atoms.get(1) {
                Some(a) => Expected::Linger(on, int(a, "seconds", u16::MAX as u64)? as u16),
                None => return Err(err(first.span, "two numbers: onoff seconds", shown(first))),
            }
        }
        Shape::Number | Shape::Socket | Shape::Event | Shape::Flag => match first.kind {
            ExprKind::Int { value, .. } if atoms.len() == 1 => Expected::Number(value),
            _ => {
                return Err(err(
                    first.span,
                    "a number, or SOCKET_ERROR followed by a WSAE... error",
                    shown(first),
                ))
            }
        },
    })
}

/// A message pattern `MSG(SOCKET, EVENT, ERROR)`, checked in that order.
fn lower_pattern(names: &Names, p: &MsgPattern) -> Result<MsgExpected, ScriptError> {
    let msg = window_message(&p.msg)?;
    let socket = match &p.socket.kind {
        ExprKind::Name(_) => match names.socket(&p.socket)? {
            SockRef::Var(slot) => WParam::Var(slot),
            SockRef::Raw(h) => WParam::Number(u64::from(h.0)),
        },
        ExprKind::Int { value, .. } => WParam::Number(*value),
        _ => return Err(err(p.socket.span, "a socket variable", shown(&p.socket))),
    };
    Ok(MsgExpected {
        msg,
        socket,
        events: events(&p.event)?,
        error: error_atom(&p.error)?,
    })
}
