//! The checks behind wsasim's fuzz targets. Each takes the fuzzer's input, runs one part
//! of wsasim on it and panics — a "crash" to libFuzzer — only when a property fails:
//! nothing may panic, run away or answer two ways. `cargo xtask fuzz` runs them.

use std::fmt::Write as _;

use arbitrary::Arbitrary;
use wsasim::script::{self, RunOptions, Runner};
use wsasim::{LParam, Profile};

/// Limits that keep one input fast: a few thousand steps, not ten million.
pub const OPTIONS: RunOptions = RunOptions {
    max_steps_per_statement: 2_000,
    max_total_steps: 20_000,
    profile: None,
};

/// The scenario parser: any bytes decode or fail with a position; a parsed script
/// prints as text that parses again and prints the same.
pub fn parse(data: &[u8]) {
    let Ok(text) = script::decode(data) else {
        return;
    };
    if let Ok(s) = script::parse(&text) {
        let printed = s.to_string();
        let again = script::parse(&printed)
            .unwrap_or_else(|e| panic!("the printed script does not parse: {}", e[0]));
        assert_eq!(again.to_string(), printed, "printing is not stable");
    }
}

/// Parse, name check and run under lowered limits: the run stops within them.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut r) = Runner::with_options(text, OPTIONS) else {
        return;
    };
    r.run_to_end();
    let total = OPTIONS.max_total_steps as u64;
    assert!(r.sim().steps() <= total + 2, "{} steps", r.sim().steps());
    let _ = r.trace_json();
}

/// A share link's fragment: decoding never panics, and what decodes encodes to a link
/// that decodes to the same.
pub fn share(data: &[u8]) {
    let Ok(fragment) = std::str::from_utf8(data) else {
        return;
    };
    let _ = wsasim_web::share::is_link(fragment);
    let _ = wsasim_web::share::wants_embed(fragment);
    if let Ok(link) = wsasim_web::share::decode(fragment) {
        let again = wsasim_web::share::decode(&wsasim_web::share::encode(&link))
            .expect("an encoded link decodes");
        assert_eq!(again, link);
    }
}

/// `LParam::parse`: what parses prints as a value that parses to the same.
pub fn lparam(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(l) = LParam::parse(text) {
        let hex = format!("{:#010x}", l.raw());
        assert_eq!(LParam::parse(&hex), Some(l));
        let _ = l.to_string();
    }
}

/// `compare`: the first line names a gallery scenario (or picks one by its length), the
/// rest is a real run's JSON lines; any input gives a comparison or a `LINE: …` error.
pub fn compare(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (id, real) = text.split_once('\n').unwrap_or((text, ""));
    let all = wsasim::gallery::ALL;
    let scenario = wsasim::gallery::get(id).unwrap_or(&all[id.len() % all.len()]);
    let profile = if id.len() % 2 == 0 {
        Profile::Windows
    } else {
        Profile::Documented
    };
    match script::compare::compare(real, scenario.source, profile) {
        Ok(c) => {
            for d in &c.differences {
                let _ = d.to_string();
            }
        }
        Err(e) => assert!(
            !e.message.is_empty() && !e.message.starts_with("the scenario has errors"),
            "a gallery scenario was refused, or an error says nothing: {e}"
        ),
    }
}

/// The C exporter: a scenario it accepts becomes a program whose comments and string
/// literals are closed and hold no raw control characters (payloads and names escaped).
pub fn export_c(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = script::export_c::export_c(text, Default::default()) {
        if let Err(e) = c_is_well_formed(&c) {
            panic!("{e}");
        }
    }
}

/// Checks the lexical structure of C text: every comment and literal is closed, no
/// literal spans a line or holds a control character, and nothing else is non-ASCII.
pub fn c_is_well_formed(c: &str) -> Result<(), String> {
    let b = c.as_bytes();
    let mut i = 0;
    let line_of = |i: usize| b[..i].iter().filter(|&&x| x == b'\n').count() + 1;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = c[i + 2..]
                    .find("*/")
                    .ok_or_else(|| format!("line {}: unclosed comment", line_of(i)))?;
                i += 2 + end + 2;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = c[i..].find('\n').map_or(b.len(), |n| i + n);
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                loop {
                    match b.get(i) {
                        None | Some(b'\n') => {
                            return Err(format!("line {}: unclosed literal", line_of(i)))
                        }
                        Some(b'\\') => i += 2,
                        Some(&x) if x == q => break,
                        Some(&x) if x < 0x20 || x == 0x7f => {
                            return Err(format!(
                                "line {}: raw control byte in a literal",
                                line_of(i)
                            ))
                        }
                        Some(_) => i += 1,
                    }
                }
                i += 1;
            }
            x if x >= 0x80 => return Err(format!("line {}: non-ASCII byte in code", line_of(i))),
            _ => i += 1,
        }
    }
    Ok(())
}

/// A scenario built from structured input: a fixed set-up (two hosts, a listener, one
/// connection, a UDP socket) and then arbitrary calls and faults on its sockets, so
/// inputs reach the simulation rather than stop in the parser.
#[derive(Arbitrary, Debug)]
pub struct Scenario {
    profile: bool,
    ops: Vec<Op>,
}

/// One statement of a [`Scenario`].
#[derive(Arbitrary, Debug)]
pub enum Op {
    Send { sock: u8, len: u16, flags: u8 },
    Recv { sock: u8, len: u16, flags: u8 },
    SendTo { len: u16 },
    RecvFrom { len: u16 },
    Select { sock: u8, events: u16 },
    EventSelect { sock: u8, events: u16 },
    Enum { sock: u8 },
    Shutdown { sock: u8, how: u8 },
    Close { sock: u8 },
    Accept,
    Connect { sock: u8 },
    Nonblocking { sock: u8, on: bool },
    SetOpt { sock: u8, opt: u8, value: u32 },
    GetMessage { window: bool, remove: bool },
    RunUntilIdle,
    RunFor { ms: u16 },
    Step { n: u8 },
    Partition,
    Heal,
    NetDown { host: bool },
    NetUp { host: bool },
    Reset { sock: u8 },
    QosChange { sock: u8 },
}

const SOCKETS: [(&str, &str); 5] = [("c", "C"), ("s", "A"), ("s", "L"), ("c", "U"), ("s", "V")];
const EVENTS: [&str; 10] = [
    "FD_READ",
    "FD_WRITE",
    "FD_OOB",
    "FD_ACCEPT",
    "FD_CONNECT",
    "FD_CLOSE",
    "FD_QOS",
    "FD_GROUP_QOS",
    "FD_ROUTING_INTERFACE_CHANGE",
    "FD_ADDRESS_LIST_CHANGE",
];

fn events(bits: u16) -> String {
    let v: Vec<&str> = (0..10)
        .filter(|i| bits & (1 << i) != 0)
        .map(|i| EVENTS[i])
        .collect();
    if v.is_empty() {
        "0".into()
    } else {
        v.join("|")
    }
}

impl Scenario {
    /// The scenario's text.
    pub fn text(&self) -> String {
        let mut t = String::new();
        t += if self.profile {
            "profile windows\n"
        } else {
            "profile documented\n"
        };
        t += "host c 10.0.0.1\nhost s 10.0.0.2\nwindow c cw\nwindow s sw\n";
        t += "c: WSAStartup()\ns: WSAStartup()\ns: E = WSACreateEvent()\n";
        t += "s: L = socket(AF_INET, SOCK_STREAM)\ns: bind(L, 10.0.0.2:80)\ns: listen(L, 5)\n";
        t += "c: C = socket(AF_INET, SOCK_STREAM)\nc: connect(C, 10.0.0.2:80)\ns: A = accept(L)\n";
        t += "c: U = socket(AF_INET, SOCK_DGRAM)\ns: V = socket(AF_INET, SOCK_DGRAM)\ns: bind(V, 10.0.0.2:53)\n";
        for op in self.ops.iter().take(200) {
            let s = |i: u8| SOCKETS[i as usize % SOCKETS.len()];
            let _ = match *op {
                Op::Send { sock, len, flags } => {
                    let (h, v) = s(sock);
                    writeln!(t, "{h}: send({v}, {len} bytes, {})", flag(flags))
                }
                Op::Recv { sock, len, flags } => {
                    let (h, v) = s(sock);
                    writeln!(t, "{h}: recv({v}, {len}, {})", flag(flags))
                }
                Op::SendTo { len } => writeln!(t, "c: sendto(U, {len} bytes, 10.0.0.2:53)"),
                Op::RecvFrom { len } => writeln!(t, "s: recvfrom(V, {len})"),
                Op::Select { sock, events: e } => {
                    let (h, v) = s(sock);
                    let w = if h == "c" { "cw" } else { "sw" };
                    writeln!(t, "{h}: WSAAsyncSelect({v}, {w}, WM_USER+1, {})", events(e))
                }
                Op::EventSelect { sock, events: e } if s(sock).0 == "s" => {
                    writeln!(t, "s: WSAEventSelect({}, E, {})", s(sock).1, events(e))
                }
                Op::EventSelect { .. } => Ok(()),
                Op::Enum { sock } if s(sock).0 == "s" => {
                    writeln!(t, "s: WSAEnumNetworkEvents({}, E)", s(sock).1)
                }
                Op::Enum { .. } => Ok(()),
                Op::Shutdown { sock, how } => {
                    let (h, v) = s(sock);
                    let how = ["SD_RECEIVE", "SD_SEND", "SD_BOTH"][how as usize % 3];
                    writeln!(t, "{h}: shutdown({v}, {how})")
                }
                Op::Close { sock } => {
                    let (h, v) = s(sock);
                    writeln!(t, "{h}: closesocket({v})")
                }
                Op::Accept => writeln!(t, "s: A = accept(L)"),
                Op::Connect { sock } => {
                    let (h, v) = s(sock);
                    writeln!(t, "{h}: connect({v}, 10.0.0.2:80)")
                }
                Op::Nonblocking { sock, on } => {
                    let (h, v) = s(sock);
                    writeln!(t, "{h}: ioctlsocket({v}, FIONBIO, {})", on as u8)
                }
                Op::SetOpt { sock, opt, value } => {
                    let (h, v) = s(sock);
                    match opt % 4 {
                        0 => writeln!(
                            t,
                            "{h}: setsockopt({v}, SOL_SOCKET, SO_RCVBUF, {})",
                            value % 70_000
                        ),
                        1 => writeln!(
                            t,
                            "{h}: setsockopt({v}, SOL_SOCKET, SO_SNDBUF, {})",
                            value % 70_000
                        ),
                        2 => writeln!(
                            t,
                            "{h}: setsockopt({v}, SOL_SOCKET, SO_OOBINLINE, {})",
                            value % 2
                        ),
                        _ => writeln!(
                            t,
                            "{h}: setsockopt({v}, SOL_SOCKET, SO_LINGER, {}, {})",
                            value % 2,
                            value % 3
                        ),
                    }
                }
                Op::GetMessage { window, remove } => {
                    let (h, w) = if window { ("c", "cw") } else { ("s", "sw") };
                    if remove {
                        writeln!(t, "{h}: PeekMessage({w}, PM_REMOVE)")
                    } else {
                        writeln!(t, "{h}: PeekMessage({w}, PM_NOREMOVE)")
                    }
                }
                Op::RunUntilIdle => writeln!(t, "run until idle"),
                Op::RunFor { ms } => writeln!(t, "run for {}ms", ms % 5000),
                Op::Step { n } => writeln!(t, "step {}", n % 20 + 1),
                Op::Partition => writeln!(t, "partition c s"),
                Op::Heal => writeln!(t, "heal c s"),
                Op::NetDown { host } => {
                    writeln!(t, "network down {}", if host { "c" } else { "s" })
                }
                Op::NetUp { host } => writeln!(t, "network up {}", if host { "c" } else { "s" }),
                Op::Reset { sock } => writeln!(t, "reset {}", s(sock).1),
                Op::QosChange { sock } => writeln!(t, "qos change {}", s(sock).1),
            };
        }
        t
    }
}

fn flag(f: u8) -> &'static str {
    ["0", "MSG_OOB", "MSG_PEEK", "MSG_OOB|MSG_PEEK"][f as usize % 4]
}

/// Runs a structured scenario: it must be valid (the generator writes only valid
/// statements, so a name error is a bug of the generator or the checker), stop within
/// the limits, give the same trace twice, and give the same trace when it is cloned
/// half-way and the clone goes on (the playground's checkpoints).
pub fn scenario(s: &Scenario) {
    let text = s.text();
    let mut r = Runner::with_options(&text, OPTIONS)
        .unwrap_or_else(|e| panic!("generated scenario refused: {}\n{text}", e[0]));
    let mut half = None;
    let mut n = 0u64;
    while r.step().is_some() {
        n += 1;
        if n == 40 {
            half = Some(r.clone());
        }
    }
    // The encoded traces and line maps are compared (equal encodings mean equal
    // entries): cheaper than JSON, which is only printed when they differ.
    let same =
        |a: &Runner, b: &Runner| a.sim().trace() == b.sim().trace() && a.lines() == b.lines();
    let mut again = Runner::with_options(&text, OPTIONS).expect("it was accepted once");
    again.run_to_end();
    assert!(
        same(&again, &r),
        "the same scenario gave another trace:\n{}\n---\n{}",
        again.trace_json(),
        r.trace_json()
    );
    if let Some(mut h) = half {
        h.run_to_end();
        assert!(
            same(&h, &r),
            "a clone taken half-way went another way:\n{}\n---\n{}",
            h.trace_json(),
            r.trace_json()
        );
    }
}
