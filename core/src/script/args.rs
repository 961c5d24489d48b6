//! Arguments: what one atom of the script means as a typed value (a number, an address,
//! a payload, `FD_*` events, a message number, an error), and the declared names an atom
//! may refer to (hosts, windows, variables).
//!
//! Every function here reports a [`ScriptError`] at the atom that is wrong, with the
//! text the language document promises.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::ast::{Expr, ExprKind, Ident, Span};
use super::program::{Payload, Slot, SockRef};
use super::ScriptError;
use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::{Ipv4, SockAddr};
use crate::queue::WindowMessage;
use crate::socket::{MsgFlags, SocketHandle};
use crate::winsock::NetworkEvents;

/// The largest payload or length a script may use (16 MiB).
pub const MAX_PAYLOAD: u64 = 16 << 20;

/// What a variable was last bound to, as far as checking knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum VarKind {
    /// A socket (`socket`, `accept`).
    Socket,
    /// An event object (`WSACreateEvent`).
    Event,
}

/// The names a script has declared so far, in order.
#[derive(Default)]
pub(super) struct Names {
    /// Host names; a host's index is its position.
    pub hosts: Vec<String>,
    /// Window names with their host's index; a window's index is its position.
    pub windows: Vec<(String, usize)>,
    /// Variables: their slot and what they hold.
    vars: BTreeMap<String, (Slot, VarKind)>,
    /// Each slot's name, indexed by slot.
    slots: Vec<String>,
}

/// A script error at `span`; what was found is cut to a readable length.
pub(super) fn err(
    span: Span,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> ScriptError {
    ScriptError {
        line: span.line,
        col: span.col,
        expected: expected.into(),
        found: cut(found.into()),
    }
}

/// The most characters of source text a name error shows (as the lexer's errors do).
const MAX_FOUND: usize = 40;

/// `found` with its text cut to [`MAX_FOUND`] characters and `…`, inside its quotes.
fn cut(found: String) -> String {
    let quoted = found.len() >= 2 && found.starts_with('"') && found.ends_with('"');
    let inner = if quoted {
        &found[1..found.len() - 1]
    } else {
        &found[..]
    };
    if inner.chars().nth(MAX_FOUND).is_none() {
        return found;
    }
    let short: String = inner.chars().take(MAX_FOUND).collect();
    if quoted {
        format!("\"{short}…\"")
    } else {
        format!("{short}…")
    }
}

/// An atom as an error shows it: quoted source text.
pub(super) fn shown(e: &Expr) -> String {
    format!("\"{e}\"")
}

/// The simulation's address for a parsed one.
pub(super) fn ipv4(a: core::net::Ipv4Addr) -> Ipv4 {
    Ipv4(a.octets())
}

impl Names {
    /// Binds variable `name` to a value of `kind` from here on; its slot.
    pub fn bind(&mut self, name: &str, kind: VarKind) -> Slot {
        if let Some(v) = self.vars.get_mut(name) {
            v.1 = kind;
            return v.0;
        }
        let slot = Slot(self.slots.len() as u32);
        self.slots.push(name.to_string());
        self.vars.insert(name.to_string(), (slot, kind));
        slot
    }

    /// Each slot's name, indexed by slot.
    pub fn into_slots(self) -> Vec<String> {
        self.slots
    }

    fn var(&self, name: &str) -> Option<(Slot, VarKind)> {
        self.vars.get(name).copied()
    }

    /// A declared host's index.
    pub fn host(&self, id: &Ident) -> Result<usize, ScriptError> {
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

    /// A declared window's index.
    pub fn window(&self, id: &Ident) -> Result<usize, ScriptError> {
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

    /// A declared window's index, from an argument.
    pub fn window_expr(&self, e: &Expr) -> Result<usize, ScriptError> {
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

    /// A socket argument: a socket variable, or a handle number.
    pub fn socket(&self, e: &Expr) -> Result<SockRef, ScriptError> {
        match &e.kind {
            ExprKind::Name(n) => match self.var(n) {
                Some((slot, VarKind::Socket)) => Ok(SockRef::Var(slot)),
                Some((_, VarKind::Event)) => Err(err(
                    e.span,
                    "a socket variable (this is an event object)",
                    shown(e),
                )),
                None => Err(err(
                    e.span,
                    "a socket variable bound earlier with 'VAR = socket(...)' or 'VAR = accept(...)'",
                    shown(e),
                )),
            },
            ExprKind::Int { value, .. } if *value <= u32::MAX as u64 => {
                Ok(SockRef::Raw(SocketHandle(*value as u32)))
            }
            _ => Err(err(e.span, "a socket variable", shown(e))),
        }
    }

    /// A socket variable named by a statement (`reset S`, `expect S state …`).
    pub fn socket_ident(&self, id: &Ident) -> Result<SockRef, ScriptError> {
        match self.var(id.as_str()) {
            Some((slot, VarKind::Socket)) => Ok(SockRef::Var(slot)),
            _ => Err(err(
                id.span,
                "a socket variable bound earlier",
                format!("\"{}\"", id.name),
            )),
        }
    }

    /// An event-object variable.
    pub fn event_var(&self, e: &Expr) -> Result<Slot, ScriptError> {
        match e.as_name().and_then(|n| self.var(n)) {
            Some((slot, VarKind::Event)) => Ok(slot),
            _ => Err(err(
                e.span,
                "an event variable bound earlier with 'E = WSACreateEvent()'",
                shown(e),
            )),
        }
    }
}

/// An integer of at most `max`.
pub(super) fn int(e: &Expr, what: &str, max: u64) -> Result<u64, ScriptError> {
    match e.as_int() {
        Some(v) if v <= max => Ok(v),
        Some(_) => Err(err(e.span, format!("{what} of at most {max}"), shown(e))),
        None => Err(err(e.span, what.to_string(), shown(e))),
    }
}

/// An address and port.
pub(super) fn addr(e: &Expr) -> Result<SockAddr, ScriptError> {
    match &e.kind {
        ExprKind::SockAddr(a) => Ok(SockAddr::new(ipv4(*a.ip()), a.port())),
        _ => Err(err(
            e.span,
            "an address and port such as 10.0.0.2:80",
            shown(e),
        )),
    }
}

/// A payload: `"text"`, `x"hex"` or `N bytes` (made when the call runs).
pub(super) fn payload(e: &Expr) -> Result<Payload, ScriptError> {
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

/// `FD_*` names and numbers joined by `|`.
pub(super) fn events(e: &Expr) -> Result<NetworkEvent, ScriptError> {
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

/// `WSAEnumNetworkEvents`' expected result: `FD_*` names joined by `|`, each with its
/// `iErrorCode` as `FD_CONNECT(WSAECONNREFUSED)` (a bare name: no error), or `0`.
pub(super) fn events_with_errors(e: &Expr) -> Result<NetworkEvents, ScriptError> {
    let mut n = NetworkEvents::default();
    for part in flag_names(e) {
        let (ev, error) = match &part.kind {
            ExprKind::WithError { event, error } => {
                let ev = NetworkEvent::from_name(event.as_str()).ok_or_else(|| {
                    err(
                        event.span,
                        "an FD_* event name such as FD_CONNECT",
                        format!("\"{}\"", event.name),
                    )
                })?;
                (ev, error_atom(error)?)
            }
            _ => (events(part)?, None),
        };
        n.events |= ev;
        if let Some(i) = ev.bit_index() {
            n.errors[i] = error;
        }
    }
    Ok(n)
}

/// `MSG_OOB`, `MSG_PEEK` or 0, joined by `|`; no argument is 0.
pub(super) fn msg_flags(e: Option<&Expr>) -> Result<MsgFlags, ScriptError> {
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

/// A message number: a number, `WM_USER`, `WM_APP`, or either plus an offset.
pub(super) fn window_message(e: &Expr) -> Result<WindowMessage, ScriptError> {
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

/// `0` (no error), or a Winsock error name or number.
pub(super) fn error_atom(e: &Expr) -> Result<Option<WsaError>, ScriptError> {
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
