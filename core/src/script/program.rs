//! The lowered program: what a checked script runs as, with every name resolved to an
//! index or a variable slot and every expectation typed (see [`super::expect`]).
//!
//! Nothing here is syntax: the runner executes these values without looking at the
//! script's text again. Hosts and windows are indices in declaration order; a host's
//! handles live in variable slots, filled in when the call that binds them runs.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use super::ast::Span;
use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::{Ipv4, SockAddr};
use crate::profile::Profile;
use crate::queue::WindowMessage;
use crate::socket::{SocketHandle, WsaEvent};
use crate::tcb::TcpState;
use crate::time::Duration;
use crate::winsock::{Call, NetworkEvents};

/// A checked script: one [`Step`] per statement, and the names of its variable slots.
#[derive(Clone, Debug, Default)]
pub(super) struct Program {
    /// One per statement, in script order.
    pub steps: Vec<Step>,
    /// The name of each variable slot, indexed by [`Slot`].
    pub slots: Vec<String>,
}

/// One statement, lowered.
#[derive(Clone, Debug)]
pub(super) struct Step {
    /// The statement's span, for its line and for failures without a closer place.
    pub span: Span,
    /// What it does.
    pub action: Action,
}

/// A variable of the script: an index into the runner's [`Vars`]. Variables are global,
/// so one name is one slot whichever host binds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Slot(pub u32);

/// A socket as a call names it: a variable, or a raw handle number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SockRef {
    /// A socket variable.
    Var(Slot),
    /// A handle written as a number.
    Raw(SocketHandle),
}

/// The bytes a call sends: the script's bytes, or `N bytes` made only when the call runs
/// (so a long script of large payloads does not hold them all).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Payload {
    /// A string or hex literal.
    Bytes(Vec<u8>),
    /// `N bytes` of [`pattern_bytes`].
    Pattern(usize),
}

/// The deterministic content of `N bytes`: `abc…xyzabc…`, so traces are reproducible.
pub fn pattern_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| b'a' + (i % 26) as u8).collect()
}

/// A Winsock call as the program keeps it: sockets and event objects are still variables.
pub(super) type ScriptCall = Call<SockRef, Slot, Payload>;

/// What a host's statement calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Op {
    /// A Winsock call that names no window: its slots become handles when it runs.
    Winsock(ScriptCall),
    /// `WSAAsyncSelect(s, window, msg, events)`. The window's handle exists only once its
    /// declaration has run, so the call is made then.
    AsyncSelect {
        /// The socket.
        s: SockRef,
        /// The window's index in declaration order.
        window: usize,
        /// `wMsg`.
        msg: WindowMessage,
        /// `lEvent`.
        events: NetworkEvent,
    },
    /// `GetMessage(window)` (`wait`: runs the world until a message is there) or
    /// `PeekMessage(window, …)`.
    GetMessage {
        /// The window's index in declaration order.
        window: usize,
        /// False for `PM_NOREMOVE`.
        remove: bool,
        /// True for `GetMessage`, which waits for a message.
        wait: bool,
    },
    /// `WSAGetLastError()`: reads the host's last error; not a Winsock [`Call`], so it
    /// leaves no trace entry.
    GetLastError,
}

/// A host's call with what follows it.
#[derive(Clone, Debug)]
pub(super) struct HostStep {
    /// The host's index in declaration order.
    pub host: usize,
    /// The variable `VAR =` binds, if any.
    pub bind: Option<Slot>,
    /// The call.
    pub op: Op,
    /// The kind of value it returns.
    pub shape: Shape,
    /// The expectation after `=>`, if any (with `until`: the number of calls before
    /// the one that ended the repetition).
    pub expect: Option<Check>,
    /// `repeat CALL until RESULT`: the result that ends the repetition.
    pub until: Option<Check>,
    /// `hook CALL`: made from the blocking hook of the host's next blocking call.
    pub hook: bool,
}

/// What one statement does. Hosts and windows are indices in declaration order.
#[derive(Clone, Debug)]
pub(super) enum Action {
    /// Metadata (`title`, `about`, `profile`): nothing to run.
    Nothing,
    /// `host NAME ADDRESS`.
    Host(String, Ipv4),
    /// `window HOST NAME`.
    Window(usize, String),
    /// `link A B latency D`.
    Link(usize, usize, Duration),
    /// `destroy window W`.
    DestroyWindow(usize),
    /// `HOST: [VAR =] CALL [=> RESULT]`.
    Call(Box<HostStep>),
    /// `run until idle`.
    RunUntilIdle,
    /// `run for D`.
    RunFor(Duration),
    /// `step [N]`.
    Step(u64),
    /// `expect W: MSG(…)`: takes the window's next message and checks it.
    ExpectMessage {
        /// The window's index.
        window: usize,
        /// The pattern.
        check: Box<Check>,
    },
    /// `expect W: empty`.
    ExpectEmpty(usize),
    /// `expect S state STATE`.
    ExpectState(SockRef, TcpState),
    /// `partition A B`.
    Partition(usize, usize),
    /// `heal A B`.
    Heal(usize, usize),
    /// `reset S`.
    Reset(SockRef),
    /// `network down H`.
    NetDown(usize),
    /// `network up H`.
    NetUp(usize),
    /// `address add H ADDRESS`.
    AddrAdd(usize, Ipv4),
    /// `address remove H ADDRESS`.
    AddrRemove(usize, Ipv4),
    /// `route change H`.
    RouteChange(usize, Option<Ipv4>),
    /// `qos change S`.
    QosChange(SockRef),
    /// `if PROFILE: STATEMENT`.
    Only(Profile, Box<Action>),
}

/// What a variable holds while the script runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Var {
    /// A socket handle.
    Socket(SocketHandle),
    /// An event object.
    Event(WsaEvent),
}

/// The values of the variable slots: empty until bound, and emptied by a binding whose
/// call failed.
#[derive(Clone, Debug, Default)]
pub(super) struct Vars(Vec<Option<Var>>);

impl Vars {
    /// All slots empty.
    pub fn new(slots: usize) -> Vars {
        Vars(alloc::vec![None; slots])
    }

    /// What `slot` holds.
    pub fn get(&self, slot: Slot) -> Option<Var> {
        self.0.get(slot.0 as usize).copied().flatten()
    }

    /// Binds `slot` (or empties it with `None`).
    pub fn set(&mut self, slot: Slot, value: Option<Var>) {
        self.0[slot.0 as usize] = value;
    }

    /// The handle a call names. A variable bound by a call that failed gives an invalid
    /// handle, as `INVALID_SOCKET` would.
    pub fn socket(&self, r: SockRef) -> SocketHandle {
        match r {
            SockRef::Raw(h) => h,
            SockRef::Var(v) => match self.get(v) {
                Some(Var::Socket(s)) => s,
                _ => SocketHandle(u32::MAX),
            },
        }
    }

    /// The event object a call names (an invalid one if its binding failed).
    pub fn event(&self, slot: Slot) -> WsaEvent {
        match self.get(slot) {
            Some(Var::Event(e)) => e,
            _ => WsaEvent(u32::MAX),
        }
    }

    /// The name of a variable holding socket `s`: of several, the last in name order.
    pub fn socket_name<'a>(&self, names: &'a [String], s: SocketHandle) -> Option<&'a str> {
        self.0
            .iter()
            .zip(names)
            .filter(|(v, _)| **v == Some(Var::Socket(s)))
            .map(|(_, n)| n.as_str())
            .max()
    }
}

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
    /// `FD_*` events, each with its `iErrorCode` (`None` for 0).
    Events(NetworkEvents),
    /// A message matching the pattern, or `none`.
    Message(Option<MsgExpected>),
    /// `WSAGetLastError`'s value.
    LastError(Option<WsaError>),
    /// `A or B`: any one of these.
    AnyOf(Vec<Expected>),
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
