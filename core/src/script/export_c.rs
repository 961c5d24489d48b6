//! Export to C: a scenario as one self-contained C99 program that makes the same Winsock
//! calls on a real machine and prints what happened as JSON lines (see [`export_c`]).
//!
//! Decisions (documented for users in `docs/scenario-language.md`, "Exporting to C"):
//! - Each host gets its own loopback address, `127.0.0.N` for the N-th host declared;
//!   addresses in calls are mapped the same way (`0.0.0.0` to the calling host's) and
//!   ports are kept. An address that belongs to no host is refused: one machine cannot
//!   make a real unreachable or silent network.
//! - Each `window` is a message-only window (`HWND_MESSAGE`) of a class the program
//!   registers. A pump takes every message from the thread's queue into the program's
//!   own per-window queue, and each JSON line lists the messages that arrived while its
//!   statement ran; `expect`, `GetMessage` and `PeekMessage` read that queue.
//! - Time is real: `run until idle` pumps until no message has arrived for the settle
//!   time (or the cap), `run for D` pumps for `D` (capped), `step` for one settle time.
//!   A `link` latency no longer than the settle time is kept as a comment: every segment
//!   the model would deliver has arrived on loopback before the pump settles. A longer
//!   one is refused, because the outcome may then depend on it.
//! - What one machine cannot do is refused (`LINE:COL: cannot export …: why`):
//!   partitions, network down/up, address and route changes, QoS changes, `reset` (the
//!   model resets both ends at once; a real abortive close resets only the peer, so it
//!   is not the same scenario: write the abortive close instead), and `WSACleanup` (the
//!   hosts share one process, hence one Winsock reference count).
//! - `expect S state X` has no Winsock equivalent and is kept as a comment.
//! - Statements under `if` for the other profile are kept as comments.
//! - One process plays every host, so what Winsock keeps per process or per thread is
//!   shared: `WSAStartup` is reference-counted (hence no `WSACleanup`), `WSAGetLastError`
//!   is the thread's last error rather than the host's, and a socket one host names with
//!   another host's variable is a valid handle here (the model answers `WSAENOTSOCK`).
//! - A blocking call runs for real under a watchdog thread: after `block_ms` it prints a
//!   `watchdog` line and ends the run (exit status 3). A call the scenario expects to fail
//!   with `WSAEINTR` (the model's "nothing could complete it") is instead cancelled the way
//!   Winsock 2 specifies for a multithreaded program: the watchdog closes its socket.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::{self, Write};

use super::ast::{Script, Span, StmtKind};
use super::lower::lower;
use super::program::{Action, Shape, SockRef};
use super::ScriptError;
use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::{Ipv4, SockAddr};
use crate::profile::Profile;

mod calls;
#[cfg(test)]
mod tests;

/// How [`export_c`] writes the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    /// How long the pump waits for one more message before it calls the network idle (ms).
    pub settle_ms: u32,
    /// The longest any one pump may take (ms): `run until idle`, `run for`, a `GetMessage`.
    pub cap_ms: u32,
    /// How long a blocking call may block before the watchdog steps in (ms).
    pub block_ms: u32,
    /// The profile whose `if` statements are exported; `None`: the script's `profile` line.
    pub profile: Option<Profile>,
}

impl Default for ExportOptions {
    fn default() -> ExportOptions {
        ExportOptions {
            settle_ms: 100,
            cap_ms: 5000,
            block_ms: 2000,
            profile: None,
        }
    }
}

/// Why a scenario could not be exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportError {
    /// A syntax or name error, as [`parse`](super::parse) or the runner reports it.
    Script(ScriptError),
    /// A statement one real machine cannot perform.
    Refused {
        /// Its line, from 1.
        line: u32,
        /// Its column, from 1.
        col: u32,
        /// What it is, e.g. `"partition"`.
        what: String,
        /// Why it cannot be exported.
        why: String,
    },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Script(e) => e.fmt(f),
            ExportError::Refused {
                line,
                col,
                what,
                why,
            } => write!(f, "{line}:{col}: cannot export {what}: {why}"),
        }
    }
}

impl core::error::Error for ExportError {}

/// The C the exported program shares with every scenario (its JSON printer, message
/// pump, queue and checks), which [`export_c_with_prelude`] puts before `main`. Without
/// the `texts` feature it is not compiled in: the playground fetches the same text
/// (`core/src/script/export_c/prelude.c`) when it first exports.
#[cfg(feature = "texts")]
pub const PRELUDE: &str = include_str!("export_c/prelude.c");

/// Writes `src` as a C99 program for Windows (MinGW or MSVC) that makes the scenario's
/// calls for real and prints a JSON line per statement. Every error is returned: syntax
/// and name errors as [`ExportError::Script`], statements one machine cannot perform as
/// [`ExportError::Refused`].
///
/// ```
/// use wsasim::script::export_c::{export_c, ExportOptions};
///
/// let src = "host a 10.0.0.1\nwindow a main\na: WSAStartup()\na: S = socket(AF_INET, SOCK_DGRAM)\n\
///            a: bind(S, 10.0.0.1:5000) => 0\n";
/// let c = export_c(src, ExportOptions::default()).unwrap();
/// assert!(c.contains("x86_64-w64-mingw32-gcc scenario.c -o scenario.exe -lws2_32"));
/// assert!(c.contains("sin4(127, 0, 0, 1, 5000)"));
///
/// let errors = export_c("host a 10.0.0.1\nhost b 10.0.0.2\npartition a b\n", ExportOptions::default())
///     .unwrap_err();
/// assert!(errors[0].to_string().starts_with("3:1: cannot export partition:"));
/// ```
#[cfg(feature = "texts")]
pub fn export_c(src: &str, options: ExportOptions) -> Result<String, Vec<ExportError>> {
    export_c_with_prelude(src, options, PRELUDE)
}

/// [`export_c`] with the shared C (its [`PRELUDE`]) given, for a build without the
/// `texts` feature that loads it at run time.
pub fn export_c_with_prelude(
    src: &str,
    options: ExportOptions,
    prelude: &str,
) -> Result<String, Vec<ExportError>> {
    let script = super::parse(src)
        .map_err(|e| e.into_iter().map(ExportError::Script).collect::<Vec<_>>())?;
    export_script_with_prelude(&script, options, prelude)
}

/// [`export_c`] for a script already parsed.
#[cfg(feature = "texts")]
pub fn export_script(script: &Script, options: ExportOptions) -> Result<String, Vec<ExportError>> {
    export_script_with_prelude(script, options, PRELUDE)
}

/// [`export_script`] with the shared C given (see [`export_c_with_prelude`]).
pub fn export_script_with_prelude(
    script: &Script,
    options: ExportOptions,
    prelude: &str,
) -> Result<String, Vec<ExportError>> {
    let program =
        lower(script).map_err(|e| e.into_iter().map(ExportError::Script).collect::<Vec<_>>())?;
    let profile = options
        .profile
        .or_else(|| script.profile())
        .unwrap_or_default();
    let mut w = Writer {
        options,
        profile,
        hosts: Vec::new(),
        windows: Vec::new(),
        slots: program.slots.clone(),
        events: alloc::vec![false; program.slots.len()],
        body: String::new(),
        errors: Vec::new(),
    };
    for step in &program.steps {
        if let Action::Call(h) = unwrap_only(&step.action) {
            if let (Some(slot), Shape::Event) = (h.bind, h.shape) {
                w.events[slot.0 as usize] = true;
            }
        }
    }
    for (stmt, step) in script.stmts.iter().zip(&program.steps) {
        let text = stmt.to_string();
        match &stmt.kind {
            StmtKind::Title(_) | StmtKind::About(_) | StmtKind::Profile(_) => {}
            _ => w.statement(step.span, &text, &step.action),
        }
    }
    if !w.errors.is_empty() {
        return Err(w.errors);
    }
    Ok(w.finish(script, prelude))
}

fn unwrap_only(a: &Action) -> &Action {
    match a {
        Action::Only(_, inner) => inner,
        a => a,
    }
}

struct Writer {
    options: ExportOptions,
    profile: Profile,
    /// Each host's name and scenario address, in declaration order.
    hosts: Vec<(String, Ipv4)>,
    windows: Vec<String>,
    slots: Vec<String>,
    /// Which slots hold an event object.
    events: Vec<bool>,
    body: String,
    errors: Vec<ExportError>,
}

/// A C string literal holding exactly `bytes`: printable ASCII as itself, everything else
/// (and `"`, `\`, `?` against trigraphs) as a three-digit octal escape.
pub fn c_string(bytes: &[u8]) -> String {
    let mut s = String::from("\"");
    for &b in bytes {
        match b {
            b'"' | b'\\' | b'?' => {
                s.push('\\');
                s.push(b as char);
            }
            0x20..=0x7e => s.push(b as char),
            _ => {
                let _ = write!(s, "\\{b:03o}");
            }
        }
    }
    s.push('"');
    s
}

impl Writer {
    fn refuse(&mut self, span: Span, what: &str, why: &str) {
        self.errors.push(ExportError::Refused {
            line: span.line,
            col: span.col,
            what: what.into(),
            why: why.into(),
        });
    }

    fn out(&mut self, line: &str) {
        self.body.push_str("    ");
        self.body.push_str(line);
        self.body.push('\n');
    }

    fn sock(&self, s: SockRef) -> String {
        match s {
            SockRef::Var(v) => format!("sock[{}]", v.0),
            SockRef::Raw(h) => format!("(SOCKET){}", h.0),
        }
    }

    /// A scenario address as a `struct sockaddr_in` on loopback, or `None` for an address
    /// no host has.
    fn addr(&self, a: SockAddr, caller: usize) -> Option<String> {
        let n = if a.ip == Ipv4([0, 0, 0, 0]) {
            caller
        } else {
            self.hosts.iter().position(|(_, ip)| *ip == a.ip)?
        };
        Some(format!("sin4(127, 0, 0, {}, {})", n + 1, a.port))
    }

    fn statement(&mut self, span: Span, text: &str, action: &Action) {
        let line = span.line;
        let _ = writeln!(self.body, "    /* {line}: {} */", text.replace("*/", "* /"));
        match action {
            Action::Nothing => {}
            Action::Only(p, inner) => {
                if *p == self.profile {
                    self.statement_inner(span, text, inner);
                } else {
                    self.out(&format!("/* skipped: for the {p} profile only */"));
                }
            }
            a => self.statement_inner(span, text, a),
        }
    }

    fn statement_inner(&mut self, span: Span, text: &str, action: &Action) {
        let line = span.line;
        let action_c = c_string(text.as_bytes());
        match action {
            Action::Nothing | Action::Only(..) => {}
            Action::Host(name, ip) => {
                let n = self.hosts.len() + 1;
                self.out(&format!("/* host {name}: {ip} is 127.0.0.{n} here */"));
                self.hosts.push((name.clone(), *ip));
            }
            Action::Window(_, name) => {
                let i = self.windows.len();
                self.windows.push(name.clone());
                self.out(&format!("win[{i}] = make_window();"));
            }
            Action::Link(_, _, d) => {
                if d.total_micros() > u64::from(self.options.settle_ms) * 1000 {
                    self.refuse(
                        span,
                        "a link latency longer than the settle time",
                        &format!(
                            "loopback delivers at once, and a latency over the {} ms settle time may change the outcome (use --settle)",
                            self.options.settle_ms
                        ),
                    );
                } else {
                    self.out("/* loopback has no latency; the pump settles for longer than this one */");
                }
            }
            Action::DestroyWindow(w) => {
                self.out(&format!("DestroyWindow(win[{w}]);"));
                self.out(&format!("emit({line}, NULL, \"world\", {action_c});"));
            }
            Action::Partition(..) | Action::Heal(..) => self.refuse(
                span,
                if matches!(action, Action::Partition(..)) { "partition" } else { "heal" },
                "all hosts share one machine's loopback, which cannot drop segments between two of them",
            ),
            Action::NetDown(_) | Action::NetUp(_) => self.refuse(
                span,
                "network down/up",
                "taking the network down would take it down for every host of the machine (and needs administrator rights)",
            ),
            Action::AddrAdd(..) | Action::AddrRemove(..) => self.refuse(
                span,
                "an address change",
                "adding or removing an interface address needs administrator rights and changes the machine",
            ),
            Action::RouteChange(..) => self.refuse(
                span,
                "route change",
                "changing routes needs administrator rights and changes the machine",
            ),
            Action::QosChange(_) => self.refuse(
                span,
                "qos change",
                "a QoS change comes from the network (RSVP); a program cannot cause one",
            ),
            Action::Reset(_) => self.refuse(
                span,
                "reset",
                "the model resets both ends at once; on one machine only an abortive close (setsockopt SO_LINGER 1, 0 and closesocket) resets a connection, and then only its peer is told; write that instead",
            ),
            Action::RunUntilIdle => {
                self.out("pump(CAP_MS, 1, -1);");
                self.out(&format!("emit({line}, NULL, \"run\", {action_c});"));
            }
            Action::RunFor(d) => {
                let ms = d.total_micros().div_ceil(1000);
                self.out(&format!(
                    "pump({} < CAP_MS ? {} : CAP_MS, 0, -1);",
                    ms.min(u64::from(u32::MAX)),
                    ms.min(u64::from(u32::MAX))
                ));
                self.out(&format!("emit({line}, NULL, \"run\", {action_c});"));
            }
            Action::Step(_) => {
                self.out("pump(SETTLE_MS, 0, -1); /* a real network has no steps: one settle time */");
                self.out(&format!("emit({line}, NULL, \"run\", {action_c});"));
            }
            Action::ExpectEmpty(w) => {
                self.out(&format!("drain(); want(\"empty\", queued({w}) < 0);"));
                self.out(&format!("if (queued({w}) >= 0) R.msg = q[queued({w})], R.has_msg = 1;"));
                self.out(&format!("emit({line}, NULL, \"expect\", {action_c});"));
            }
            Action::ExpectState(..) => {
                self.out("/* not exported: Winsock has no call that reads a socket's TCP state */");
            }
            Action::ExpectMessage { window, check } => {
                self.out(&format!("expect_msg({window});"));
                let c = self.check(check);
                self.out(&c);
                self.out(&format!("emit({line}, NULL, \"expect\", {action_c});"));
            }
            Action::Call(h) => self.host_call(span, &action_c, h),
        }
    }

    fn finish(self, script: &Script, prelude: &str) -> String {
        let mut c = String::new();
        let title = script.title().unwrap_or("(untitled)").replace("*/", "* /");
        let _ = writeln!(
            c,
            "/* wsasim scenario \"{title}\", exported to C by `wsasim export-c` (profile {}).",
            self.profile
        );
        c.push_str(" *\n");
        c.push_str(
            " * Build with MinGW: x86_64-w64-mingw32-gcc scenario.c -o scenario.exe -lws2_32\n",
        );
        c.push_str(" * Build with MSVC:  cl scenario.c ws2_32.lib user32.lib\n");
        c.push_str(" * Run: scenario.exe (under Wine: WINEDEBUG=-all wine scenario.exe)\n");
        c.push_str(" *\n");
        c.push_str(" * It makes the scenario's calls in order, for real, on this machine, and prints one JSON\n");
        c.push_str(" * line per statement (the schema of `wsasim run --json`, as far as it applies to a real run;\n");
        c.push_str(" * compare with `wsasim compare OUT.jsonl SCENARIO.wsa`). Exit status: 0 every check held,\n");
        c.push_str(" * 1 a check failed, 3 a blocking call outlived the watchdog.\n");
        c.push_str(" *\n");
        for (i, (name, ip)) in self.hosts.iter().enumerate() {
            let _ = writeln!(
                c,
                " * Host {name} ({ip}) is 127.0.0.{}; ports are kept.",
                i + 1
            );
        }
        c.push_str(" */\n");
        c.push_str("#define WIN32_LEAN_AND_MEAN\n#include <winsock2.h>\n#include <ws2tcpip.h>\n#include <windows.h>\n#include <stdio.h>\n\n");
        let _ = writeln!(c, "#define SETTLE_MS {}", self.options.settle_ms);
        let _ = writeln!(c, "#define CAP_MS {}", self.options.cap_ms);
        let _ = writeln!(c, "#define BLOCK_MS {}", self.options.block_ms);
        let _ = writeln!(c, "#define NHOST {}", self.hosts.len().max(1));
        let _ = writeln!(c, "#define NWIN {}", self.windows.len().max(1));
        let _ = writeln!(c, "#define NVAR {}", self.slots.len().max(1));
        let list = |items: &mut dyn Iterator<Item = String>| {
            let v: Vec<String> = items.collect();
            if v.is_empty() {
                "\"\"".to_string()
            } else {
                v.join(", ")
            }
        };
        let _ = writeln!(
            c,
            "static const char *const SIM_HOSTIP[NHOST] = {{{}}};",
            list(
                &mut self
                    .hosts
                    .iter()
                    .map(|(_, ip)| c_string(ip.to_string().as_bytes()))
            )
        );
        let _ = writeln!(
            c,
            "static const char *const SIM_WINNAME[NWIN] = {{{}}};",
            list(&mut self.windows.iter().map(|w| c_string(w.as_bytes())))
        );
        let _ = writeln!(
            c,
            "static const char *const SIM_VARNAME[NVAR] = {{{}}};",
            list(&mut self.slots.iter().map(|v| c_string(v.as_bytes())))
        );
        let kinds: String = if self.slots.is_empty() {
            "-".into()
        } else {
            self.events
                .iter()
                .map(|e| if *e { 'E' } else { 'S' })
                .collect()
        };
        let _ = writeln!(c, "static const char SIM_VARKIND[NVAR + 1] = \"{kinds}\";");
        // The slots in name order, each inserted at its place (a slice sort would be code
        // of its own in the playground's module; there are a few names).
        let mut order: Vec<usize> = Vec::with_capacity(self.slots.len());
        for i in 0..self.slots.len() {
            let at = order.partition_point(|&j| self.slots[j] <= self.slots[i]);
            order.insert(at, i);
        }
        let order = if order.is_empty() {
            "0".to_string()
        } else {
            order
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(c, "static const int SIM_VARORDER[NVAR] = {{{order}}};");
        c.push_str("static const struct { int code; const char *name; } SIM_ERRS[] = {\n");
        for e in WsaError::ALL {
            let _ = writeln!(c, "    {{{}, \"{}\"}},", e.code(), e.name());
        }
        c.push_str("};\nstatic const char *const SIM_FDS[10] = {");
        let names: Vec<String> = NetworkEvent::ALL
            .iter()
            .map(|e| format!("\"{}\"", e.name().unwrap_or("?")))
            .collect();
        let _ = writeln!(c, "{}}};\n", names.join(", "));
        c.push_str(prelude);
        c.push_str("\nint main(void) {\n    int i;\n    for (i = 0; i < NVAR; i++) sock[i] = INVALID_SOCKET, evt[i] = WSA_INVALID_EVENT;\n");
        c.push_str("    CloseHandle(CreateThread(NULL, 0, watchdog, NULL, 0, NULL));\n\n");
        c.push_str(&self.body);
        c.push_str("    return failures ? 1 : 0;\n}\n");
        c
    }
}
