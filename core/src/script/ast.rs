//! The scenario language's syntax tree: every statement and value keeps the [`Span`] it came from.
//!
//! The tree is purely syntactic. Names (`L`, `main`, `FD_READ`, `WM_USER`) stay
//! [`Ident`]s; the runner decides whether a name is a host, a window, a socket
//! variable or a Winsock constant, and can point at it through its span.
//!
//! `Display` on [`Script`], [`Stmt`], [`Expr`] and friends prints canonical source
//! text: one space between words, `, ` between arguments, no comments, and
//! durations in their largest exact unit. Parsing the printed text gives the same
//! tree again, apart from spans.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::net::{Ipv4Addr, SocketAddrV4};

use crate::profile::Profile;
use crate::time::Duration;

/// Where a piece of the script is: 1-based line, 1-based column counted in
/// characters (not bytes), and length in characters.
///
/// `Display` prints `line:col`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The line, starting at 1.
    pub line: u32,
    /// The column of the first character, starting at 1, counted in characters.
    pub col: u32,
    /// The length in characters (at least 1 for anything the parser produced).
    pub len: u32,
}

impl Span {
    /// A span on `line` from column `col`, `len` characters long.
    pub const fn new(line: u32, col: u32, len: u32) -> Span {
        Span { line, col, len }
    }

    /// The smallest span covering `self` and `other`, which must be on the same line
    /// (if they are not, `self` is returned unchanged).
    pub fn to(self, other: Span) -> Span {
        if self.line != other.line {
            return self;
        }
        let start = self.col.min(other.col);
        let end = self.end_col().max(other.end_col());
        Span {
            line: self.line,
            col: start,
            len: end.saturating_sub(start),
        }
    }

    /// The column just after the last character.
    pub const fn end_col(self) -> u32 {
        self.col.saturating_add(self.len)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A value together with the span of the source text it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// A name as written: a host (`server`), a window (`main`), a variable (`L`), a call
/// (`WSAAsyncSelect`) or a Winsock constant (`FD_READ`). ASCII letters, digits and
/// `_`, not starting with a digit; case is kept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

impl Ident {
    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A whole scenario: its statements in source order (blank lines and comments dropped).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Script {
    /// The statements, one per non-blank line.
    pub stmts: Vec<Stmt>,
}

impl Script {
    /// The text of the first `title` statement, if any.
    pub fn title(&self) -> Option<&str> {
        self.stmts.iter().find_map(|s| match &s.kind {
            StmtKind::Title(t) => Some(t.value.as_str()),
            _ => None,
        })
    }

    /// The text of the first `about` statement, if any.
    pub fn about(&self) -> Option<&str> {
        self.stmts.iter().find_map(|s| match &s.kind {
            StmtKind::About(t) => Some(t.value.as_str()),
            _ => None,
        })
    }

    /// The first `profile` statement's profile, if any.
    pub fn profile(&self) -> Option<Profile> {
        self.stmts.iter().find_map(|s| match &s.kind {
            StmtKind::Profile(p) => Some(p.value),
            _ => None,
        })
    }
}

impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for stmt in &self.stmts {
            writeln!(f, "{stmt}")?;
        }
        Ok(())
    }
}

/// One statement: one line of the script.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Stmt {
    /// From the first to the last token of the line (a trailing comment is not included).
    pub span: Span,
    /// What the statement says.
    pub kind: StmtKind,
}

/// The kinds of statement, grouped as in the language document: metadata,
/// declarations, host calls, driving, assertions and faults.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StmtKind {
    /// `title "FD_READ is level-triggered"`
    Title(Spanned<String>),
    /// `about "100 bytes arrive, …"`
    About(Spanned<String>),
    /// `profile documented` or `profile windows` (the simulation's [`crate::Profile`]).
    Profile(Spanned<Profile>),

    /// `host client 10.0.0.1`: a machine with one IPv4 address.
    Host {
        /// The host's name.
        name: Ident,
        /// Its address.
        addr: Spanned<Ipv4Addr>,
    },
    /// `window server main`: a window (with its message queue) owned by a host.
    Window {
        /// The host whose application owns the window.
        host: Ident,
        /// The window's name, used as `hWnd`.
        name: Ident,
    },
    /// `link client server latency 5ms`: a link between two hosts.
    Link {
        /// One end.
        a: Ident,
        /// The other end.
        b: Ident,
        /// One-way delay.
        latency: Spanned<Duration>,
    },
    /// `destroy window main`
    DestroyWindow {
        /// The window to destroy.
        window: Ident,
    },

    /// `server: A = accept(L) => …`: a Winsock or window call made by a host's application.
    Call(HostCall),

    /// `run until idle`: step until nothing is scheduled.
    RunUntilIdle,
    /// `run for 2s`: step through everything scheduled in the next duration, then
    /// advance the clock by that duration.
    RunFor(Spanned<Duration>),
    /// `step` or `step 3`: execute that many atomic events (1 if not given).
    Step(Option<Spanned<u64>>),

    /// `expect main: WM_USER+1(A, FD_READ, 0)`: remove the next message from the
    /// window's queue, as `GetMessage` would, and compare it with the pattern.
    ExpectMessage {
        /// The window whose queue is read.
        window: Ident,
        /// The expected message.
        message: MsgPattern,
    },
    /// `expect main: empty`: the window's queue holds no message.
    ExpectEmpty {
        /// The window whose queue is checked.
        window: Ident,
    },
    /// `expect A state ESTABLISHED`: the socket's TCP state.
    ExpectState {
        /// The socket variable.
        socket: Ident,
        /// The state's RFC 793 name with underscores (`SYN_SENT`), checked by the runner.
        state: Ident,
    },

    /// `partition client server`: the link drops everything in both directions.
    Partition {
        /// One end.
        a: Ident,
        /// The other end.
        b: Ident,
    },
    /// `heal client server`: undo a partition.
    Heal {
        /// One end.
        a: Ident,
        /// The other end.
        b: Ident,
    },
    /// `reset A`: the peer of this socket's connection sends a RST.
    Reset {
        /// The socket variable.
        socket: Ident,
    },
    /// `network down server`: the host's network subsystem fails.
    NetworkDown {
        /// The host.
        host: Ident,
    },
    /// `network up server`: the host's network subsystem recovers.
    NetworkUp {
        /// The host.
        host: Ident,
    },
    /// `address add server 10.0.0.3`: the host gains a local address.
    AddressAdd {
        /// The host.
        host: Ident,
        /// The new address.
        addr: Spanned<Ipv4Addr>,
    },
    /// `address remove server 10.0.0.3`: the host loses a local address.
    AddressRemove {
        /// The host.
        host: Ident,
        /// The address removed.
        addr: Spanned<Ipv4Addr>,
    },
    /// `route change server [10.0.0.1]`: the host's routing interface changes, for every
    /// destination or only for the one named.
    RouteChange {
        /// The host.
        host: Ident,
        /// The destination whose route changes (all if `None`).
        dest: Option<Spanned<Ipv4Addr>>,
    },
    /// `qos change A`: the socket's quality of service changes.
    QosChange {
        /// The socket variable.
        socket: Ident,
    },
    /// `if windows: STATEMENT`: the statement runs only under that profile, so one scenario
    /// can assert what the page says and what Windows does.
    Only {
        /// The profile the statement runs under.
        profile: Spanned<Profile>,
        /// The statement (never itself an `if`).
        stmt: Box<StmtKind>,
    },
}

/// `HOST ':' [VAR '='] CALL ['=>' RESULT]`, e.g.
/// `client: connect(C, 10.0.0.2:80) => SOCKET_ERROR WSAEWOULDBLOCK`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HostCall {
    /// The host whose application makes the call.
    pub host: Ident,
    /// The variable that receives the returned handle (`L` in `L = socket(…)`).
    pub bind: Option<Ident>,
    /// The call.
    pub call: Call,
    /// The expected result after `=>`, if given (with `repeat`: the number of calls
    /// made before the one that gave the `until` result).
    pub expect: Option<Outcome>,
    /// `HOST: repeat CALL until RESULT`: the call is made again and again until it
    /// returns this result.
    pub until: Option<Outcome>,
    /// `HOST: hook CALL`: the call is made from the host's blocking hook while its next
    /// blocking call waits (Winsock 1.1's `WSASetBlockingHook`).
    pub hook: bool,
}

/// `NAME '(' [ARG {',' ARG}] ')'`: a call by name; the runner checks the name and arity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Call {
    /// The function, e.g. `WSAAsyncSelect`.
    pub name: Ident,
    /// The arguments in order.
    pub args: Vec<Expr>,
    /// From the name to the closing `)`.
    pub span: Span,
}

/// The expected result of a call: one or more atoms separated by spaces, such as
/// `SOCKET_ERROR WSAEWOULDBLOCK`, `50`, `none` or `WM_USER+1(A, FD_READ, 0)`; with
/// `or`, one of several (`0 or SOCKET_ERROR WSAEWOULDBLOCK`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Outcome {
    /// The atoms of the first result, in order (never empty).
    pub atoms: Vec<Expr>,
    /// From the first to the last atom of the first result.
    pub span: Span,
    /// The results written after `or`, each never empty.
    pub others: Vec<Vec<Expr>>,
}

/// A window message pattern `MSG(SOCKET, EVENT, ERROR)`: the message number, the
/// `wParam` (the socket), `WSAGETSELECTEVENT(lParam)` and `WSAGETSELECTERROR(lParam)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MsgPattern {
    /// The message: a name, a number or `NAME+N` such as `WM_USER+1`.
    pub msg: Expr,
    /// The `wParam`: usually a socket variable.
    pub socket: Expr,
    /// The event in the low word of `lParam`, e.g. `FD_READ`.
    pub event: Expr,
    /// The error in the high word of `lParam`: `0` or a name such as `WSAECONNRESET`.
    pub error: Expr,
    /// From the message to the closing `)`.
    pub span: Span,
}

/// An argument or result atom, with its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr {
    /// Where the value was written.
    pub span: Span,
    /// The value.
    pub kind: ExprKind,
}

/// The values of the language.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExprKind {
    /// A name: `L`, `AF_INET`, `FD_READ`, `SOCKET_ERROR`, `none`, `TRUE`.
    Name(String),
    /// An integer, `50` or `0x3ff`.
    Int {
        /// The value.
        value: u64,
        /// Written in hexadecimal (kept so that printing gives back `0x3ff`).
        hex: bool,
    },
    /// `FD_ACCEPT|FD_READ|0x400`: two or more names or integers joined by `|`.
    /// Every element is an [`ExprKind::Name`] or an [`ExprKind::Int`].
    Flags(Vec<Expr>),
    /// `WM_USER+1`: a name plus a constant.
    Offset {
        /// The name, `WM_USER`.
        base: Ident,
        /// The constant added, `1`.
        offset: Spanned<u64>,
    },
    /// `-1`: a negative integer, by its magnitude (`1`).
    NegInt(u64),
    /// `FD_CONNECT(WSAECONNREFUSED)`: an event with its `iErrorCode`, as
    /// `WSAEnumNetworkEvents` reports it.
    WithError {
        /// The event, `FD_CONNECT`.
        event: Ident,
        /// The error: `0` or a name such as `WSAECONNREFUSED`.
        error: Box<Expr>,
    },
    /// An IPv4 address, `10.0.0.2`.
    Ipv4(Ipv4Addr),
    /// An IPv4 address and port, `10.0.0.2:80`.
    SockAddr(SocketAddrV4),
    /// A string, `"hello\r\n"`, as bytes (escapes already decoded).
    Str(Vec<u8>),
    /// A hex payload, `x"de ad be ef"`.
    Hex(Vec<u8>),
    /// `100 bytes`: a payload of that many bytes (the runner chooses their content).
    Bytes(u64),
    /// A duration, `5ms`, `2s` or `100us`.
    Duration(Duration),
    /// A message pattern, `WM_USER+1(A, FD_READ, 0)`.
    Message(Box<MsgPattern>),
}

impl Expr {
    /// The name, if this is a plain [`ExprKind::Name`].
    pub fn as_name(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Name(n) => Some(n),
            _ => None,
        }
    }

    /// The value, if this is an [`ExprKind::Int`].
    pub fn as_int(&self) -> Option<u64> {
        match self.kind {
            ExprKind::Int { value, .. } => Some(value),
            _ => None,
        }
    }
}

// ---- printing ------------------------------------------------------------------

impl fmt::Display for Stmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl fmt::Display for StmtKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use StmtKind::*;
        match self {
            Title(t) => write!(f, "title {}", Quoted(t.value.as_bytes())),
            About(t) => write!(f, "about {}", Quoted(t.value.as_bytes())),
            Profile(p) => write!(f, "profile {}", p.value.name()),
            Host { name, addr } => write!(f, "host {name} {addr}"),
            Window { host, name } => write!(f, "window {host} {name}"),
            Link { a, b, latency } => write!(f, "link {a} {b} latency {latency}"),
            DestroyWindow { window } => write!(f, "destroy window {window}"),
            Call(c) => c.fmt(f),
            RunUntilIdle => f.write_str("run until idle"),
            RunFor(d) => write!(f, "run for {d}"),
            Step(None) => f.write_str("step"),
            Step(Some(n)) => write!(f, "step {n}"),
            ExpectMessage { window, message } => write!(f, "expect {window}: {message}"),
            ExpectEmpty { window } => write!(f, "expect {window}: empty"),
            ExpectState { socket, state } => write!(f, "expect {socket} state {state}"),
            Only { profile, stmt } => write!(f, "if {}: {stmt}", profile.value.name()),
            Partition { a, b } => write!(f, "partition {a} {b}"),
            Heal { a, b } => write!(f, "heal {a} {b}"),
            Reset { socket } => write!(f, "reset {socket}"),
            NetworkDown { host } => write!(f, "network down {host}"),
            NetworkUp { host } => write!(f, "network up {host}"),
            AddressAdd { host, addr } => write!(f, "address add {host} {addr}"),
            AddressRemove { host, addr } => write!(f, "address remove {host} {addr}"),
            RouteChange { host, dest: None } => write!(f, "route change {host}"),
            RouteChange {
                host,
                dest: Some(d),
            } => write!(f, "route change {host} {}", d.value),
            QosChange { socket } => write!(f, "qos change {socket}"),
        }
    }
}

impl fmt::Display for HostCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.host)?;
        if let Some(var) = &self.bind {
            write!(f, "{var} = ")?;
        }
        if self.until.is_some() {
            f.write_str("repeat ")?;
        }
        if self.hook {
            f.write_str("hook ")?;
        }
        self.call.fmt(f)?;
        if let Some(until) = &self.until {
            write!(f, " until {until}")?;
        }
        if let Some(outcome) = &self.expect {
            write!(f, " => {outcome}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            arg.fmt(f)?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, atoms) in core::iter::once(&self.atoms)
            .chain(&self.others)
            .enumerate()
        {
            if n > 0 {
                f.write_str(" or ")?;
            }
            for (i, atom) in atoms.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                atom.fmt(f)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for MsgPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}({}, {}, {})",
            self.msg, self.socket, self.event, self.error
        )
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl fmt::Display for ExprKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExprKind::Name(n) => f.write_str(n),
            ExprKind::Int { value, hex: true } => write!(f, "{value:#x}"),
            ExprKind::Int { value, hex: false } => write!(f, "{value}"),
            ExprKind::Flags(parts) => {
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str("|")?;
                    }
                    p.fmt(f)?;
                }
                Ok(())
            }
            ExprKind::Offset { base, offset } => write!(f, "{base}+{offset}"),
            ExprKind::NegInt(n) => write!(f, "-{n}"),
            ExprKind::WithError { event, error } => write!(f, "{event}({error})"),
            ExprKind::Ipv4(ip) => write!(f, "{ip}"),
            ExprKind::SockAddr(addr) => write!(f, "{addr}"),
            ExprKind::Str(bytes) => Quoted(bytes).fmt(f),
            ExprKind::Hex(bytes) => {
                f.write_str("x\"")?;
                for (i, b) in bytes.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{b:02x}")?;
                }
                f.write_str("\"")
            }
            ExprKind::Bytes(1) => f.write_str("1 byte"),
            ExprKind::Bytes(n) => write!(f, "{n} bytes"),
            ExprKind::Duration(d) => write!(f, "{d}"),
            ExprKind::Message(m) => m.fmt(f),
        }
    }
}

/// Prints bytes as a quoted string literal of the language: valid UTF-8 is kept,
/// `\n \r \t \0 \\ \"` use their short escapes, and other control characters and
/// bytes that are not UTF-8 become `\xNN`.
struct Quoted<'a>(&'a [u8]);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for chunk in self.0.utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '\n' => f.write_str("\\n")?,
                    '\r' => f.write_str("\\r")?,
                    '\t' => f.write_str("\\t")?,
                    '\0' => f.write_str("\\0")?,
                    '\\' => f.write_str("\\\\")?,
                    '"' => f.write_str("\\\"")?,
                    c if c.is_ascii_control() => write!(f, "\\x{:02x}", c as u32)?,
                    c => write!(f, "{c}")?,
                }
            }
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        f.write_str("\"")
    }
}
