//! Unit and property tests for the scenario language's lexer, parser and printer.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::net::{Ipv4Addr, SocketAddrV4};

use proptest::prelude::*;

use super::*;
use crate::profile::Profile;
use crate::time::Duration;

/// The example from issue 4; it must always parse.
const EXAMPLE: &str = r#"# The specification's FD_READ example: 100 bytes arrive, recv 50, another FD_READ follows
title "FD_READ is level-triggered"
about "100 bytes arrive, the application reads 50, and another FD_READ is posted because data remains."
profile documented
host client 10.0.0.1
host server 10.0.0.2
link client server latency 5ms
window server main
server: WSAStartup()
server: L = socket(AF_INET, SOCK_STREAM)
server: bind(L, 10.0.0.2:80)
server: listen(L, 5)
server: WSAAsyncSelect(L, main, WM_USER+1, FD_ACCEPT|FD_READ|FD_CLOSE)
client: WSAStartup()
client: C = socket(AF_INET, SOCK_STREAM)
client: ioctlsocket(C, FIONBIO, 1)
client: connect(C, 10.0.0.2:80)          => SOCKET_ERROR WSAEWOULDBLOCK
run until idle
expect main: WM_USER+1(L, FD_ACCEPT, 0)
server: A = accept(L)
client: send(C, 100 bytes)
client: send(C, "hello\r\n", MSG_OOB)    => 7
client: send(C, x"de ad be ef")
run until idle
expect main: WM_USER+1(A, FD_READ, 0)
server: recv(A, 50)                      => 50
expect main: WM_USER+1(A, FD_READ, 0)
expect main: empty
expect A state ESTABLISHED
server: GetMessage(main)                 => WM_USER+1(A, FD_READ, 0)
server: PeekMessage(main, PM_NOREMOVE)   => none
server: WSAGetLastError()                => WSAEWOULDBLOCK
server: E = WSACreateEvent()
server: WSAEventSelect(A, E, FD_READ)
server: WSAEnumNetworkEvents(A, E)       => FD_READ
run for 2s
step
step 3
partition client server
heal client server
reset A
network down server
network up server
address add server 10.0.0.3
address remove server 10.0.0.3
route change server
qos change A
if windows: expect main: WM_USER+1(A, FD_CLOSE, WSAECONNABORTED)
if documented: server: recv(A, 1) => SOCKET_ERROR WSAECONNRESET
destroy window main
"#;

// ---- helpers ---------------------------------------------------------------------

/// Calls `f` on every span in the script, statement spans included.
fn visit_spans(script: &mut Script, f: &mut dyn FnMut(&mut Span)) {
    for stmt in &mut script.stmts {
        f(&mut stmt.span);
        visit_kind(&mut stmt.kind, f);
    }
}

fn visit_kind(kind: &mut StmtKind, f: &mut dyn FnMut(&mut Span)) {
    use StmtKind::*;
    match kind {
        Title(t) | About(t) => f(&mut t.span),
        Profile(p) => f(&mut p.span),
        Host { name, addr } => {
            f(&mut name.span);
            f(&mut addr.span);
        }
        Window { host: a, name: b } | Partition { a, b } | Heal { a, b } => {
            f(&mut a.span);
            f(&mut b.span);
        }
        Link { a, b, latency } => {
            f(&mut a.span);
            f(&mut b.span);
            f(&mut latency.span);
        }
        DestroyWindow { window: id }
        | ExpectEmpty { window: id }
        | Reset { socket: id }
        | NetworkDown { host: id }
        | NetworkUp { host: id }
        | RouteChange { host: id, .. }
        | QosChange { socket: id } => f(&mut id.span),
        Call(c) => {
            f(&mut c.host.span);
            if let Some(b) = &mut c.bind {
                f(&mut b.span);
            }
            f(&mut c.call.name.span);
            f(&mut c.call.span);
            c.call.args.iter_mut().for_each(|e| visit_expr(e, f));
            if let Some(o) = &mut c.expect {
                f(&mut o.span);
                o.atoms.iter_mut().for_each(|e| visit_expr(e, f));
            }
        }
        RunUntilIdle | Step(None) => {}
        RunFor(d) => f(&mut d.span),
        Step(Some(n)) => f(&mut n.span),
        ExpectMessage { window, message } => {
            f(&mut window.span);
            visit_msg(message, f);
        }
        ExpectState { socket, state } => {
            f(&mut socket.span);
            f(&mut state.span);
        }
        AddressAdd { host, addr } | AddressRemove { host, addr } => {
            f(&mut host.span);
            f(&mut addr.span);
        }
        Only { profile, stmt } => {
            f(&mut profile.span);
            visit_kind(stmt, f);
        }
    }
}

fn visit_msg(m: &mut MsgPattern, f: &mut dyn FnMut(&mut Span)) {
    f(&mut m.span);
    for e in [&mut m.msg, &mut m.socket, &mut m.event, &mut m.error] {
        visit_expr(e, f);
    }
}

fn visit_expr(e: &mut Expr, f: &mut dyn FnMut(&mut Span)) {
    f(&mut e.span);
    match &mut e.kind {
        ExprKind::Flags(parts) => parts.iter_mut().for_each(|p| visit_expr(p, f)),
        ExprKind::Offset { base, offset } => {
            f(&mut base.span);
            f(&mut offset.span);
        }
        ExprKind::Message(m) => visit_msg(m, f),
        _ => {}
    }
}

/// The script with every span zeroed, for structural comparison.
fn erased(mut script: Script) -> Script {
    visit_spans(&mut script, &mut |s| *s = Span::default());
    script
}

/// Checks that every span lies on its statement's line, inside the source line.
fn check_spans(src: &str, script: &Script) {
    let lines: Vec<&str> = src.split('\n').collect();
    let mut script = script.clone();
    for stmt in &mut script.stmts {
        let line = stmt.span.line;
        let width = lines
            .get(line as usize - 1)
            .map_or(0, |l| l.trim_end_matches('\r').chars().count()) as u32;
        let mut one = Script {
            stmts: vec![stmt.clone()],
        };
        visit_spans(&mut one, &mut |s| {
            assert_eq!(s.line, line, "span {s:?} not on line {line}");
            assert!(s.col >= 1 && s.len >= 1, "empty span {s:?}");
            assert!(
                s.end_col() <= width + 1,
                "span {s:?} past the end of line {line} ({width})"
            );
        });
    }
}

/// Parses one statement, asserting success, and returns its kind.
fn one(src: &str) -> StmtKind {
    match parse(src) {
        Ok(mut script) => {
            assert_eq!(script.stmts.len(), 1, "{src}");
            check_spans(src, &script);
            script.stmts.remove(0).kind
        }
        Err(errors) => panic!("{src:?} failed: {}", errors[0]),
    }
}

/// Parses `src`, which must fail with exactly one error, and returns it printed.
fn err(src: &str) -> String {
    match parse(src) {
        Ok(script) => panic!("{src:?} parsed as {script:?}"),
        Err(errors) => {
            assert_eq!(errors.len(), 1, "{src:?}: {errors:?}");
            errors[0].to_string()
        }
    }
}

/// Asserts that `src` parses and prints as `canonical`, and that the canonical text
/// parses to the same tree.
fn canon(src: &str, canonical: &str) {
    let script = parse(src).unwrap_or_else(|e| panic!("{src:?} failed: {}", e[0]));
    check_spans(src, &script);
    let printed = script.to_string();
    assert_eq!(printed.trim_end(), canonical, "{src:?}");
    let again = parse(&printed).unwrap_or_else(|e| panic!("{printed:?} failed: {}", e[0]));
    assert_eq!(erased(again), erased(script), "{src:?}");
}

fn name(s: &str) -> ExprKind {
    ExprKind::Name(s.into())
}

fn call_of(kind: StmtKind) -> HostCall {
    match kind {
        StmtKind::Call(c) => c,
        other => panic!("not a call: {other:?}"),
    }
}

// ---- the example -----------------------------------------------------------------

#[test]
fn the_example_parses() {
    let script = parse(EXAMPLE).unwrap_or_else(|e| panic!("{}", e[0]));
    let lines = EXAMPLE
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count();
    assert_eq!(script.stmts.len(), lines);
    assert_eq!(script.title(), Some("FD_READ is level-triggered"));
    assert!(script
        .about()
        .is_some_and(|a| a.starts_with("100 bytes arrive")));
    assert_eq!(script.profile(), Some(Profile::Documented));
    check_spans(EXAMPLE, &script);

    // Spans point at the source: the connect line and its expected error.
    let connect = script
        .stmts
        .iter()
        .find(|s| s.to_string().starts_with("client: connect"))
        .unwrap();
    assert_eq!(connect.span, Span::new(17, 1, 71));
    let call = call_of(connect.kind.clone());
    assert_eq!(call.call.span, Span::new(17, 9, 23));
    assert_eq!(call.call.args[1].span, Span::new(17, 20, 11));
    assert_eq!(
        call.call.args[1].kind,
        ExprKind::SockAddr(SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 2), 80))
    );
    let outcome = call.expect.unwrap();
    assert_eq!(outcome.span, Span::new(17, 45, 27));
    assert_eq!(outcome.atoms[1].span, Span::new(17, 58, 14));
    assert_eq!(outcome.atoms[1].as_name(), Some("WSAEWOULDBLOCK"));
}

#[test]
fn the_example_round_trips() {
    let script = parse(EXAMPLE).unwrap();
    let printed = script.to_string();
    let again = parse(&printed).unwrap();
    assert_eq!(again.to_string(), printed);
    assert_eq!(erased(again), erased(script));
    assert!(printed.contains("client: connect(C, 10.0.0.2:80) => SOCKET_ERROR WSAEWOULDBLOCK\n"));
    assert!(printed.contains("client: send(C, \"hello\\r\\n\", MSG_OOB) => 7\n"));
}

// ---- statements ------------------------------------------------------------------

#[test]
fn metadata() {
    let StmtKind::Title(t) = one("title \"FD_READ is level-triggered\"") else {
        panic!()
    };
    assert_eq!(t.value, "FD_READ is level-triggered");
    assert_eq!(t.span, Span::new(1, 7, 28));
    let StmtKind::About(a) = one("about \"caf\\xc3\\xa9 \\\"quoted\\\"\"") else {
        panic!()
    };
    assert_eq!(a.value, "café \"quoted\"");
    assert!(matches!(
        one("profile documented"),
        StmtKind::Profile(Spanned {
            value: Profile::Documented,
            ..
        })
    ));
    assert!(matches!(
        one("profile windows"),
        StmtKind::Profile(Spanned {
            value: Profile::Windows,
            ..
        })
    ));
    canon("title   \"a\\tb\"   # comment", "title \"a\\tb\"");
    canon("about \"é\"", "about \"é\"");
}

#[test]
fn declarations() {
    let StmtKind::Host { name, addr } = one("host client 10.0.0.1") else {
        panic!()
    };
    assert_eq!(
        (name.as_str(), addr.value),
        ("client", Ipv4Addr::new(10, 0, 0, 1))
    );
    assert_eq!(addr.span, Span::new(1, 13, 8));
    let StmtKind::Window { host, name } = one("window server main") else {
        panic!()
    };
    assert_eq!((host.as_str(), name.as_str()), ("server", "main"));
    let StmtKind::Link { a, b, latency } = one("link client server latency 5ms") else {
        panic!()
    };
    assert_eq!(
        (a.as_str(), b.as_str(), latency.value),
        ("client", "server", Duration::from_millis(5))
    );
    let StmtKind::DestroyWindow { window } = one("destroy window main") else {
        panic!()
    };
    assert_eq!(window.span, Span::new(1, 16, 4));
    canon("host\tclient\t10.0.0.1", "host client 10.0.0.1");
    canon("link a b latency 1000ms", "link a b latency 1s");
    canon("link a b latency 1500us", "link a b latency 1500us");
}

#[test]
fn host_calls() {
    let c = call_of(one("server: WSAStartup()"));
    assert_eq!(
        (c.host.as_str(), c.bind, c.call.name.as_str()),
        ("server", None, "WSAStartup")
    );
    assert!(c.call.args.is_empty() && c.expect.is_none());
    assert_eq!(c.call.span, Span::new(1, 9, 12));

    let c = call_of(one("server: L = socket(AF_INET, SOCK_STREAM)"));
    assert_eq!(c.bind.as_ref().map(Ident::as_str), Some("L"));
    assert_eq!(
        c.call
            .args
            .iter()
            .map(|a| a.kind.clone())
            .collect::<Vec<_>>(),
        [name("AF_INET"), name("SOCK_STREAM")]
    );
    assert_eq!(c.call.args[1].span, Span::new(1, 29, 11));

    let c = call_of(one(
        "server: WSAAsyncSelect(L, main, WM_USER+1, FD_ACCEPT|FD_READ|0x20)",
    ));
    let ExprKind::Offset { base, offset } = &c.call.args[2].kind else {
        panic!()
    };
    assert_eq!((base.as_str(), offset.value), ("WM_USER", 1));
    assert_eq!(c.call.args[2].span, Span::new(1, 33, 9));
    let ExprKind::Flags(parts) = &c.call.args[3].kind else {
        panic!()
    };
    assert_eq!(parts.len(), 3);
    assert_eq!(
        parts[2].kind,
        ExprKind::Int {
            value: 0x20,
            hex: true
        }
    );
    assert_eq!(c.call.args[3].span, Span::new(1, 44, 22));

    let c = call_of(one(
        "client: connect(C, 10.0.0.2:80) => SOCKET_ERROR WSAEWOULDBLOCK",
    ));
    let atoms: Vec<ExprKind> = c
        .expect
        .unwrap()
        .atoms
        .into_iter()
        .map(|a| a.kind)
        .collect();
    assert_eq!(atoms, [name("SOCKET_ERROR"), name("WSAEWOULDBLOCK")]);

    let c = call_of(one("server: GetMessage(main) => WM_USER+1(A, FD_READ, 0)"));
    let outcome = c.expect.unwrap();
    let ExprKind::Message(m) = &outcome.atoms[0].kind else {
        panic!()
    };
    assert_eq!(
        (m.socket.as_name(), m.event.as_name(), m.error.as_int()),
        (Some("A"), Some("FD_READ"), Some(0))
    );
    assert_eq!(m.span, Span::new(1, 29, 24));

    canon("server:recv(A,50)=>50", "server: recv(A, 50) => 50");
    canon("a: f() => TRUE", "a: f() => TRUE");
    canon("a: f() => none # nothing", "a: f() => none");
    canon("a: f() => \"hello\"", "a: f() => \"hello\"");
    canon("a: f() => FD_READ | FD_CLOSE", "a: f() => FD_READ|FD_CLOSE");
    canon("a: f() => 100 bytes", "a: f() => 100 bytes");
    // A name followed by ':' is a host call even when the name is a keyword.
    canon("host: WSAStartup()", "host: WSAStartup()");
    canon("run: x = f(x)", "run: x = f(x)");
}

#[test]
fn values() {
    let arg = |src: &str| {
        let c = call_of(one(&format!("h: f({src})")));
        assert_eq!(c.call.args.len(), 1, "{src}");
        c.call.args.into_iter().next().unwrap().kind
    };
    assert_eq!(arg("AF_INET"), name("AF_INET"));
    assert_eq!(arg("_x9"), name("_x9"));
    assert_eq!(
        arg("0"),
        ExprKind::Int {
            value: 0,
            hex: false
        }
    );
    assert_eq!(
        arg("18446744073709551615"),
        ExprKind::Int {
            value: u64::MAX,
            hex: false
        }
    );
    assert_eq!(
        arg("0x3FF"),
        ExprKind::Int {
            value: 0x3ff,
            hex: true
        }
    );
    assert_eq!(
        arg("0XfFfFfFfFfFfFfFfF"),
        ExprKind::Int {
            value: u64::MAX,
            hex: true
        }
    );
    assert_eq!(arg("10.0.0.2"), ExprKind::Ipv4(Ipv4Addr::new(10, 0, 0, 2)));
    assert_eq!(
        arg("255.255.255.255:65535"),
        ExprKind::SockAddr(SocketAddrV4::new(Ipv4Addr::BROADCAST, 65535))
    );
    assert_eq!(
        arg(r#""\n\r\t\0\\\"\x41\xff é""#),
        ExprKind::Str(b"\n\r\t\0\\\"A\xff \xc3\xa9".to_vec())
    );
    assert_eq!(
        arg(r#""a # not a comment""#),
        ExprKind::Str(b"a # not a comment".to_vec())
    );
    assert_eq!(
        arg(r#"x"de ad BEef""#),
        ExprKind::Hex(vec![0xde, 0xad, 0xbe, 0xef])
    );
    assert_eq!(arg(r#"x"""#), ExprKind::Hex(vec![]));
    assert_eq!(arg("100 bytes"), ExprKind::Bytes(100));
    assert_eq!(arg("1 byte"), ExprKind::Bytes(1));
    assert_eq!(arg("5ms"), ExprKind::Duration(Duration::from_millis(5)));
    assert_eq!(arg("2s"), ExprKind::Duration(Duration::from_secs(2)));
    assert_eq!(arg("100us"), ExprKind::Duration(Duration::from_micros(100)));
    assert_eq!(
        arg("A | 1|B"),
        ExprKind::Flags(vec![
            Expr {
                span: Span::new(1, 6, 1),
                kind: name("A")
            },
            Expr {
                span: Span::new(1, 10, 1),
                kind: ExprKind::Int {
                    value: 1,
                    hex: false
                }
            },
            Expr {
                span: Span::new(1, 12, 1),
                kind: name("B")
            },
        ])
    );
    let ExprKind::Message(m) = arg("0x401(A, FD_CLOSE, WSAECONNRESET)") else {
        panic!()
    };
    assert_eq!(
        m.msg.kind,
        ExprKind::Int {
            value: 0x401,
            hex: true
        }
    );
    assert_eq!(m.error.as_name(), Some("WSAECONNRESET"));
    let ExprKind::Message(m) = arg("WM_APP(A, FD_READ|FD_OOB, 0)") else {
        panic!()
    };
    assert!(matches!(m.event.kind, ExprKind::Flags(_)));

    canon(r#"h: f("\x01\x7f\xff é")"#, r#"h: f("\x01\x7f\xff é")"#);
    canon(r#"h: f(x"DEAD  be")"#, r#"h: f(x"de ad be")"#);
    canon("h: f(0x10 bytes, 1 bytes)", "h: f(16 bytes, 1 byte)");
    canon("h: f(WM_USER + 0x10, 2000ms)", "h: f(WM_USER+16, 2s)");
    canon(
        "h: f(WM_USER+1 ( A , FD_READ , 0 ))",
        "h: f(WM_USER+1(A, FD_READ, 0))",
    );
}

#[test]
fn driving() {
    assert_eq!(one("run until idle"), StmtKind::RunUntilIdle);
    let StmtKind::RunFor(d) = one("run for 2s") else {
        panic!()
    };
    assert_eq!(
        (d.value, d.span),
        (Duration::from_secs(2), Span::new(1, 9, 2))
    );
    assert_eq!(one("step"), StmtKind::Step(None));
    let StmtKind::Step(Some(n)) = one("step 3") else {
        panic!()
    };
    assert_eq!((n.value, n.span), (3, Span::new(1, 6, 1)));
    canon("step 0x10", "step 16");
}

#[test]
fn assertions() {
    let StmtKind::ExpectMessage { window, message } = one("expect main: WM_USER+1(A, FD_READ, 0)")
    else {
        panic!()
    };
    assert_eq!(window.as_str(), "main");
    assert!(matches!(message.msg.kind, ExprKind::Offset { .. }));
    assert_eq!(message.span, Span::new(1, 14, 24));
    assert_eq!(message.event.span, Span::new(1, 27, 7));
    let StmtKind::ExpectEmpty { window } = one("expect main: empty") else {
        panic!()
    };
    assert_eq!(window.span, Span::new(1, 8, 4));
    let StmtKind::ExpectState { socket, state } = one("expect A state ESTABLISHED") else {
        panic!()
    };
    assert_eq!((socket.as_str(), state.as_str()), ("A", "ESTABLISHED"));
    // A message named `empty` is still a message.
    assert!(matches!(
        one("expect main: empty(A, FD_READ, 0)"),
        StmtKind::ExpectMessage { .. }
    ));
    canon(
        "expect main : 1025(A,FD_CLOSE,WSAECONNRESET)",
        "expect main: 1025(A, FD_CLOSE, WSAECONNRESET)",
    );
}

#[test]
fn faults() {
    let check = |src: &str| canon(src, src);
    for src in [
        "partition client server",
        "heal client server",
        "reset A",
        "network down server",
        "network up server",
        "address add server 10.0.0.3",
        "address remove server 10.0.0.3",
        "route change server",
        "route change server 10.0.0.1",
        "qos change A",
    ] {
        check(src);
    }
    assert!(matches!(one("partition a b"), StmtKind::Partition { .. }));
    assert!(matches!(one("heal a b"), StmtKind::Heal { .. }));
    assert!(matches!(one("reset A"), StmtKind::Reset { .. }));
    assert!(matches!(
        one("network down h"),
        StmtKind::NetworkDown { .. }
    ));
    assert!(matches!(one("network up h"), StmtKind::NetworkUp { .. }));
    assert!(matches!(
        one("route change h"),
        StmtKind::RouteChange { .. }
    ));
    assert!(matches!(one("qos change A"), StmtKind::QosChange { .. }));
    let StmtKind::RouteChange { dest: Some(d), .. } = one("route change h 10.0.0.9") else {
        panic!()
    };
    assert_eq!(d.value, Ipv4Addr::new(10, 0, 0, 9));
    // `hook CALL`: the call runs from the blocking hook; `hook` alone is still a variable.
    canon("client: hook send(C, \"x\")", "client: hook send(C, \"x\")");
    assert!(call_of(one("client: hook send(C, \"x\")")).hook);
    let plain = call_of(one("client: hook = socket(AF_INET, SOCK_STREAM)"));
    assert!(!plain.hook && plain.bind.is_some());
    let StmtKind::AddressAdd { host, addr } = one("address add server 10.0.0.3") else {
        panic!()
    };
    assert_eq!(
        (host.as_str(), addr.value),
        ("server", Ipv4Addr::new(10, 0, 0, 3))
    );
    assert!(matches!(
        one("address remove h 1.2.3.4"),
        StmtKind::AddressRemove { .. }
    ));
}

#[test]
fn blank_lines_comments_and_line_endings() {
    let script = parse("\u{feff}# c\r\n\r\n   \t\nstep # trailing\r\n  step 2#x\n\n").unwrap();
    assert_eq!(script.stmts.len(), 2);
    assert_eq!(script.stmts[0].span, Span::new(4, 1, 4));
    assert_eq!(script.stmts[1].span, Span::new(5, 3, 6));
    assert_eq!(parse("").unwrap(), Script::default());
    assert_eq!(parse("\n").unwrap(), Script::default());
    assert_eq!(parse("# only\n#").unwrap(), Script::default());
}

#[test]
fn columns_count_characters_not_bytes() {
    assert_eq!(
        err("title \"ééé\" x"),
        "1:13: expected end of line but found \"x\""
    );
    let StmtKind::Call(c) = one("h: f(\"日本\", A)") else {
        panic!()
    };
    assert_eq!(c.call.args[1].span, Span::new(1, 12, 1));
}

// ---- errors ----------------------------------------------------------------------

#[test]
fn lexical_errors() {
    assert_eq!(
        err("h: f(@)"),
        "1:6: expected a name, a number, a string, or one of ( ) , : = => | + but found \"@\""
    );
    assert_eq!(
        err("h: f(\u{a0})"),
        "1:6: expected a name, a number, a string, or one of ( ) , : = => | + but found U+00A0"
    );
    assert_eq!(
        err("title \"abc"),
        "1:7: expected a closing '\"' for the string that starts here but found end of line"
    );
    assert_eq!(
        err(r#"h: f("a\qb")"#),
        r#"1:8: expected an escape: \n, \r, \t, \0, \\, \" or \x followed by two hex digits but found `\q`"#
    );
    assert_eq!(
        err(r#"h: f("\x4")"#),
        r#"1:7: expected an escape: \n, \r, \t, \0, \\, \" or \x followed by two hex digits but found `\x4"`"#
    );
    assert_eq!(
        err(r#"h: f(x"de a")"#),
        r#"1:11: expected hex digits in pairs, such as x"de ad be ef" but found a lone hex digit "a""#
    );
    assert_eq!(
        err(r#"h: f(x"dg")"#),
        r#"1:8: expected hex digits in pairs, such as x"de ad be ef" but found "dg""#
    );
    assert_eq!(
        err(r#"h: f(x"zz")"#),
        r#"1:8: expected hex digits in pairs, such as x"de ad be ef" but found "z""#
    );
    assert_eq!(
        err(r#"h: f(x"de"#),
        "1:6: expected a closing '\"' for the hex payload that starts here but found end of line"
    );
    assert_eq!(
        err("h: f(0x)"),
        "1:6: expected a hexadecimal number such as 0x3ff but found \"0x\""
    );
    assert_eq!(
        err("h: f(0x1g)"),
        "1:6: expected a hexadecimal number such as 0x3ff but found \"0x1g\""
    );
    assert_eq!(err("run for 5min"), "1:9: expected a number, or a duration with a unit us, ms or s (such as 5ms) but found \"5min\"");
    assert_eq!(
        err("host a 10.0.0"),
        "1:8: expected an IPv4 address such as 10.0.0.2 but found \"10.0.0\""
    );
    assert_eq!(
        err("host a 10.0.0.1.5"),
        "1:8: expected an IPv4 address such as 10.0.0.2 but found \"10.0.0.1.5\""
    );
    assert_eq!(
        err("host a 10.0.0.256"),
        "1:8: expected an IPv4 address with parts from 0 to 255 but found \"10.0.0.256\""
    );
    assert_eq!(
        err("host a 10.0.0.010"),
        "1:8: expected an IPv4 address without leading zeros (inet_addr would read 010 as octal) but found \"10.0.0.010\""
    );
    assert_eq!(
        err("h: bind(L, 10.0.0.2:65536)"),
        "1:12: expected a port from 0 to 65535 but found \"10.0.0.2:65536\""
    );
}

#[test]
fn numbers_that_overflow() {
    assert_eq!(
        err("h: f(18446744073709551616)"),
        "1:6: expected a number no larger than 18446744073709551615 but found \"18446744073709551616\""
    );
    assert_eq!(
        err("h: f(0x10000000000000000)"),
        "1:6: expected a number no larger than 0xffffffffffffffff but found \"0x10000000000000000\""
    );
    assert_eq!(
        err("run for 18446744073709551615s"),
        "1:9: expected a duration no longer than 18446744073709551615us but found \"18446744073709551615s\""
    );
    assert_eq!(
        err("step 99999999999999999999999"),
        "1:6: expected a number no larger than 18446744073709551615 but found \"99999999999999999999999\""
    );
}

#[test]
fn statement_errors() {
    assert_eq!(
        err("exepct main: empty"),
        "1:1: expected a statement keyword (did you mean 'expect'?) but found \"exepct\""
    );
    assert_eq!(
        err("Run until idle"),
        "1:1: expected a statement keyword (did you mean 'run'?) but found \"Run\""
    );
    assert_eq!(
        err("frobnicate"),
        "1:1: expected a statement keyword such as 'run' or 'expect', or a host call such as server: WSAStartup() but found \"frobnicate\""
    );
    assert_eq!(
        err("server WSAStartup()"),
        "1:8: expected ':' after the host name 'server' but found \"WSAStartup\""
    );
    assert_eq!(
        err("WSAStartup()"),
        "1:1: expected a host name and ':' before the call, such as server: WSAStartup() but found \"WSAStartup\""
    );
    assert_eq!(
        err("42"),
        "1:1: expected a statement keyword such as 'run' or 'expect', or a host call such as server: WSAStartup() but found \"42\""
    );
    assert_eq!(
        err("title FD"),
        "1:7: expected a quoted string such as \"FD_READ is level-triggered\" but found \"FD\""
    );
    assert_eq!(
        err("title \"\\xff\""),
        "1:7: expected text that is valid UTF-8 (\\x escapes above \\x7f belong in payloads) but found `\"\\xff\"`"
    );
    assert_eq!(
        err("profile linux"),
        "1:9: expected a profile: 'documented' or 'windows' but found \"linux\""
    );
    assert_eq!(
        err("host 10.0.0.1"),
        "1:6: expected a host name but found \"10.0.0.1\""
    );
    assert_eq!(
        err("host a"),
        "1:7: expected the host's IPv4 address, such as 10.0.0.1 but found end of line"
    );
    assert_eq!(
        err("host a 10.0.0.1:80"),
        "1:8: expected an IPv4 address without a port, such as 10.0.0.1 but found \"10.0.0.1:80\""
    );
    assert_eq!(
        err("window main"),
        "1:12: expected a window name but found end of line"
    );
    assert_eq!(
        err("link a b 5ms"),
        "1:10: expected 'latency' but found \"5ms\""
    );
    assert_eq!(
        err("link a b latency 5"),
        "1:18: expected a duration with a unit (us, ms or s), such as 5ms but found \"5\""
    );
    assert_eq!(
        err("link a b latency fast"),
        "1:18: expected a duration such as 5ms, 2s or 100us but found \"fast\""
    );
    assert_eq!(
        err("destroy main"),
        "1:9: expected 'window' but found \"main\""
    );
    assert_eq!(
        err("run"),
        "1:4: expected 'until idle', or 'for' and a duration but found end of line"
    );
    assert_eq!(
        err("run until done"),
        "1:11: expected 'idle' but found \"done\""
    );
    assert_eq!(
        err("step 0"),
        "1:6: expected a step count of at least 1 but found \"0\""
    );
    assert_eq!(
        err("step fast"),
        "1:6: expected a step count such as 3, or end of line but found \"fast\""
    );
    assert_eq!(err("step 1 2"), "1:8: expected end of line but found \"2\"");
    assert_eq!(
        err("network sideways h"),
        "1:9: expected 'up' or 'down' but found \"sideways\""
    );
    assert_eq!(
        err("address add h"),
        "1:14: expected an IPv4 address such as 10.0.0.3 but found end of line"
    );
    assert_eq!(
        err("address del h 1.2.3.4"),
        "1:9: expected 'add' or 'remove' but found \"del\""
    );
    assert_eq!(err("route h"), "1:7: expected 'change' but found \"h\"");
    assert_eq!(
        err("qos change"),
        "1:11: expected a socket variable but found end of line"
    );
    assert_eq!(
        err("reset 5"),
        "1:7: expected a socket variable but found \"5\""
    );
    assert_eq!(
        err("partition a"),
        "1:12: expected a second host name but found end of line"
    );
}

#[test]
fn expect_errors() {
    assert_eq!(err("expect"), "1:7: expected a window name and ':', or a socket variable and 'state' but found end of line");
    assert_eq!(err("expect main"), "1:12: expected ':' and a message (for a window), or 'state' (for a socket) but found end of line");
    assert_eq!(err("expect main:"), "1:13: expected a message such as WM_USER+1(A, FD_READ, 0), or 'empty' but found end of line");
    assert_eq!(err("expect main: FD_READ"), "1:14: expected a message such as WM_USER+1(A, FD_READ, 0), or 'empty' but found \"FD_READ\"");
    assert_eq!(
        err("expect main: empty now"),
        "1:20: expected end of line but found \"now\""
    );
    assert_eq!(
        err("expect A state"),
        "1:15: expected a TCP state such as ESTABLISHED but found end of line"
    );
    assert_eq!(
        err("expect main: WM_USER+1(A, FD_READ)"),
        "1:34: expected ',' and the error: a message pattern has three arguments, MSG(socket, event, error) but found \")\""
    );
    assert_eq!(
        err("expect main: WM_USER+1(A, FD_READ, 0, 1)"),
        "1:37: expected ')': a message pattern has three arguments, MSG(socket, event, error) but found \",\""
    );
    assert_eq!(
        err("expect main: WM_USER+1(A)"),
        "1:25: expected ',' and the event: a message pattern has three arguments, MSG(socket, event, error) but found \")\""
    );
    assert_eq!(
        err("expect main: WM_USER+(A, FD_READ, 0)"),
        "1:22: expected a number after 'WM_USER+' but found \"(\""
    );
    assert_eq!(
        err("expect main: M(W(A, B, C), FD_READ, 0)"),
        "1:17: expected ',' or ')' here (a message pattern cannot be nested or joined with '|') but found \"(\""
    );
    assert_eq!(
        err("expect main: M(, FD_READ, 0)"),
        "1:16: expected the message's socket (wParam), such as A but found \",\""
    );
}

#[test]
fn call_errors() {
    assert_eq!(
        err("server: bind(L 10.0.0.2:80)"),
        "1:16: expected ',' or ')' but found \"10.0.0.2:80\""
    );
    assert_eq!(
        err("server: bind(L,)"),
        "1:16: expected an argument after ',' but found \")\""
    );
    assert_eq!(
        err("server: bind(,L)"),
        "1:14: expected an argument or ')' but found \",\""
    );
    assert_eq!(
        err("server: bind(L"),
        "1:15: expected ',' or ')' but found end of line"
    );
    assert_eq!(err("server:"), "1:8: expected a call such as socket(AF_INET, SOCK_STREAM), or VAR = call but found end of line");
    assert_eq!(
        err("server: L ="),
        "1:12: expected a call such as socket(AF_INET, SOCK_STREAM) but found end of line"
    );
    assert_eq!(
        err("server: L = 5"),
        "1:13: expected a call such as socket(AF_INET, SOCK_STREAM) but found \"5\""
    );
    assert_eq!(err("server: socket"), "1:15: expected '(' and the call's arguments, or '=' to name the result but found end of line");
    assert_eq!(
        err("server: L = socket"),
        "1:19: expected '(' and the call's arguments but found end of line"
    );
    assert_eq!(
        err("server: recv(A, 50) 50"),
        "1:21: expected '=>' and the expected result, or end of line but found \"50\""
    );
    assert_eq!(err("server: recv(A, 50) =>"), "1:23: expected a result such as 0, SOCKET_ERROR WSAEWOULDBLOCK, or none but found end of line");
    assert_eq!(
        err("server: recv(A, 50) => 50 )"),
        "1:27: expected another result atom, 'or', or end of line but found \")\""
    );
    assert_eq!(
        err("server: f(A|)"),
        "1:13: expected a flag name such as FD_READ, or a number, after '|' but found \")\""
    );
    assert_eq!(
        err("server: f(A|\"s\")"),
        "1:13: expected a flag name such as FD_READ, or a number, after '|' but found `\"s\"`"
    );
    assert_eq!(
        err("server: f(5ms|A)"),
        "1:11: expected a flag name such as FD_READ, or a number, before '|' but found \"5ms\""
    );
    assert_eq!(
        err("server: f(A|M(A, B, C))"),
        "1:14: expected ',' or ')' here (a message pattern cannot be nested or joined with '|') but found \"(\""
    );
    assert_eq!(
        err("server: f(A = 1)"),
        "1:13: expected ',' or ')' but found \"=\""
    );
    assert_eq!(
        err("server: f() => -x"),
        "1:16: expected a name or a number (a negative number is written -1, without a space) but found \"-\""
    );
}

#[test]
fn all_errors_are_collected_one_per_line() {
    let src = "host a\nstep\nrun until\n\nserver: f(\nexpect main: empty\nbogus";
    let parsed = parse_recovering(src);
    let lines: Vec<u32> = parsed.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [1, 3, 5, 7]);
    assert_eq!(parsed.script.stmts.len(), 2);
    assert_eq!(parsed.script.stmts[1].span.line, 6);
    assert_eq!(parse(src).unwrap_err(), parsed.errors);
}

#[test]
fn error_display_and_fields() {
    let e = ScriptError {
        line: 3,
        col: 14,
        expected: "a socket variable or ')'".into(),
        found: "\"foo\"".into(),
    };
    assert_eq!(
        e.to_string(),
        "3:14: expected a socket variable or ')' but found \"foo\""
    );
    let errors = parse("\n\n  server: closesocket(+)").unwrap_err();
    assert_eq!((errors[0].line, errors[0].col), (3, 23));
    assert_eq!(errors[0].expected, "an argument or ')'");
    assert_eq!(errors[0].found, "\"+\"");
    // Long tokens are shortened in the message.
    let long = "a".repeat(100);
    let shown = err(&format!("step {long}"));
    assert!(
        shown.ends_with(&format!("\"{}…\"", "a".repeat(40))),
        "{shown}"
    );
}

#[test]
fn limits() {
    let big = "#".repeat(MAX_SOURCE_BYTES + 1);
    let errors = parse(&big).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string(),
        "1:1: expected a script of at most 1 MiB (1048576 bytes) but found 1048577 bytes"
    );

    let many = "\n".repeat(MAX_LINES);
    assert_eq!(parse(&many), Ok(Script::default()));
    let too_many = "\n".repeat(MAX_LINES + 1);
    assert_eq!(
        parse(&too_many).unwrap_err()[0].to_string(),
        "200001:1: expected a script of at most 200000 lines but found 200001 lines"
    );

    let bad = "?\n".repeat(MAX_ERRORS + 10);
    let errors = parse(&bad).unwrap_err();
    assert_eq!(errors.len(), MAX_ERRORS + 1);
    assert_eq!(
        errors[MAX_ERRORS].to_string(),
        "1001:1: expected at most 1000 errors (parsing stopped here) but found more"
    );
}

#[test]
fn large_inputs_stay_linear() {
    // One enormous line of each risky shape: nothing recursive, nothing quadratic.
    for unit in [
        "A|", "((((", "a", "\"", "x\"", "1", "1.", "é", "h: f(", "=> ", ", ",
    ] {
        let line = unit.repeat((MAX_SOURCE_BYTES - 16) / unit.len());
        let _ = parse(&line);
        let _ = parse(&format!("h: f({line})"));
    }
    let valid = "client: send(C, \"hello\\r\\n\", MSG_OOB) => 7\n".repeat(MAX_SOURCE_BYTES / 48);
    assert!(parse(&valid).is_ok());
}

// ---- properties ------------------------------------------------------------------

/// Applies one mutation to the lines of a script.
fn mutate(lines: &mut Vec<String>, op: u8, at: usize, pos: usize, text: &str) {
    if lines.is_empty() {
        lines.push(text.to_string());
        return;
    }
    let i = at % lines.len();
    let chars: Vec<char> = lines[i].chars().collect();
    let p = pos % (chars.len() + 1);
    match op % 7 {
        0 => {
            lines.remove(i);
        }
        1 => lines[i] = text.to_string(),
        2 => {
            lines[i] = chars[..p]
                .iter()
                .chain(text.chars().collect::<Vec<_>>().iter())
                .chain(&chars[p..])
                .collect()
        }
        3 => lines[i] = chars[..p].iter().collect(),
        4 => {
            let copy = lines[i].clone();
            lines.insert(i, copy);
        }
        5 => {
            let j = (i + 1) % lines.len();
            lines.swap(i, j);
        }
        _ => {
            lines[i] = chars
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != p)
                .map(|(_, c)| c)
                .collect()
        }
    }
}

/// Source fragments that reach deep into the grammar when glued together.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "host",
            "window",
            "link",
            "latency",
            "run",
            "until",
            "idle",
            "for",
            "step",
            "expect",
            "state",
            "empty",
            "title",
            "about",
            "profile",
            "documented",
            "partition",
            "reset",
            "network",
            "down",
            "address",
            "add",
            "route",
            "change",
            "qos",
            "destroy",
            "server",
            ":",
            "(",
            ")",
            ",",
            "=",
            "=>",
            "|",
            "+",
            "#",
            " ",
            "\t",
            "\"",
            "x\"",
            "\\",
            "\\x",
            "10.0.0.1",
            "10.0.0.2:80",
            "0x",
            "5ms",
            "1",
            "bytes",
            "WM_USER",
            "FD_READ",
            "é",
            "\r",
            "\u{feff}",
            "\n",
        ])
        .prop_map(String::from),
        "[ -~]{0,6}",
        any::<char>().prop_map(String::from),
    ]
}

fn name_strategy() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_]{0,7}".prop_filter("`5 bytes` would read as a payload", |s| {
        s != "byte" && s != "bytes" && s != "or"
    })
}

fn ident_strategy() -> impl Strategy<Value = Ident> {
    name_strategy().prop_map(|name| Ident {
        name,
        span: Span::default(),
    })
}

fn spanned<T: core::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Spanned<T>> {
    s.prop_map(|value| Spanned {
        value,
        span: Span::default(),
    })
}

fn ip_strategy() -> impl Strategy<Value = Ipv4Addr> {
    any::<[u8; 4]>().prop_map(Ipv4Addr::from)
}

fn duration_strategy() -> impl Strategy<Value = Duration> {
    prop_oneof![
        any::<u64>().prop_map(Duration::from_micros),
        (0u64..10_000).prop_map(Duration::from_millis),
        (0u64..100).prop_map(Duration::from_secs),
    ]
}

fn expr_of(kind: ExprKind) -> Expr {
    Expr {
        span: Span::default(),
        kind,
    }
}

fn flag_strategy() -> impl Strategy<Value = Expr> {
    prop_oneof![
        name_strategy().prop_map(ExprKind::Name),
        (any::<u64>(), any::<bool>()).prop_map(|(value, hex)| ExprKind::Int { value, hex }),
    ]
    .prop_map(expr_of)
}

/// A value that is not a message pattern.
fn simple_expr() -> impl Strategy<Value = Expr> {
    prop_oneof![
        4 => flag_strategy(),
        1 => prop::collection::vec(flag_strategy(), 2..4).prop_map(|v| expr_of(ExprKind::Flags(v))),
        1 => (ident_strategy(), spanned(any::<u64>())).prop_map(|(base, offset)| expr_of(ExprKind::Offset { base, offset })),
        1 => ip_strategy().prop_map(|ip| expr_of(ExprKind::Ipv4(ip))),
        1 => (ip_strategy(), any::<u16>()).prop_map(|(ip, port)| expr_of(ExprKind::SockAddr(SocketAddrV4::new(ip, port)))),
        1 => prop::collection::vec(any::<u8>(), 0..12).prop_map(|b| expr_of(ExprKind::Str(b))),
        1 => any::<String>().prop_map(|s| expr_of(ExprKind::Str(s.into_bytes()))),
        1 => prop::collection::vec(any::<u8>(), 0..6).prop_map(|b| expr_of(ExprKind::Hex(b))),
        1 => any::<u64>().prop_map(|n| expr_of(ExprKind::Bytes(n))),
        1 => duration_strategy().prop_map(|d| expr_of(ExprKind::Duration(d))),
    ]
}

fn msg_strategy() -> impl Strategy<Value = MsgPattern> {
    let msg = prop_oneof![
        name_strategy().prop_map(ExprKind::Name),
        (any::<u64>(), any::<bool>()).prop_map(|(value, hex)| ExprKind::Int { value, hex }),
        (ident_strategy(), spanned(any::<u64>()))
            .prop_map(|(base, offset)| ExprKind::Offset { base, offset }),
    ]
    .prop_map(expr_of);
    (msg, simple_expr(), simple_expr(), simple_expr()).prop_map(|(msg, socket, event, error)| {
        MsgPattern {
            msg,
            socket,
            event,
            error,
            span: Span::default(),
        }
    })
}

fn expr_strategy() -> impl Strategy<Value = Expr> {
    prop_oneof![
        6 => simple_expr(),
        1 => msg_strategy().prop_map(|m| expr_of(ExprKind::Message(Box::new(m)))),
    ]
}

fn stmt_strategy() -> impl Strategy<Value = StmtKind> {
    use StmtKind::*;
    let id = ident_strategy;
    let call = (
        id(),
        prop::option::of(id()),
        id(),
        prop::collection::vec(expr_strategy(), 0..4),
        prop::option::of(prop::collection::vec(expr_strategy(), 1..4)),
    )
        .prop_map(|(host, bind, name, args, atoms)| {
            Call(HostCall {
                hook: false,
                host,
                bind,
                call: super::Call {
                    name,
                    args,
                    span: Span::default(),
                },
                expect: atoms.map(|atoms| Outcome {
                    atoms,
                    span: Span::default(),
                    others: Vec::new(),
                }),
                until: None,
            })
        });
    let others = prop_oneof![
        spanned(any::<String>()).prop_map(Title),
        spanned(any::<String>()).prop_map(About),
        spanned(prop_oneof![
            Just(crate::profile::Profile::Documented),
            Just(crate::profile::Profile::Windows)
        ])
        .prop_map(Profile),
        (id(), spanned(ip_strategy())).prop_map(|(name, addr)| Host { name, addr }),
        (id(), id()).prop_map(|(host, name)| Window { host, name }),
        (id(), id(), spanned(duration_strategy())).prop_map(|(a, b, latency)| Link {
            a,
            b,
            latency
        }),
        id().prop_map(|window| DestroyWindow { window }),
        Just(RunUntilIdle),
        spanned(duration_strategy()).prop_map(RunFor),
        prop::option::of(spanned(1..=u64::MAX)).prop_map(Step),
        (id(), msg_strategy()).prop_map(|(window, message)| ExpectMessage { window, message }),
        id().prop_map(|window| ExpectEmpty { window }),
        (id(), id()).prop_map(|(socket, state)| ExpectState { socket, state }),
        (id(), id()).prop_map(|(a, b)| Partition { a, b }),
        (id(), id()).prop_map(|(a, b)| Heal { a, b }),
        id().prop_map(|socket| Reset { socket }),
        id().prop_map(|host| NetworkDown { host }),
        id().prop_map(|host| NetworkUp { host }),
        (id(), spanned(ip_strategy())).prop_map(|(host, addr)| AddressAdd { host, addr }),
        (id(), spanned(ip_strategy())).prop_map(|(host, addr)| AddressRemove { host, addr }),
        id().prop_map(|host| RouteChange { host, dest: None }),
        id().prop_map(|socket| QosChange { socket }),
    ];
    prop_oneof![1 => call, 3 => others]
}

fn script_strategy() -> impl Strategy<Value = Script> {
    prop::collection::vec(stmt_strategy(), 0..12).prop_map(|kinds| Script {
        stmts: kinds
            .into_iter()
            .map(|kind| Stmt {
                span: Span::default(),
                kind,
            })
            .collect(),
    })
}

/// Checks the invariants every parse result has, whatever the input.
fn check_result(src: &str) {
    let parsed = parse_recovering(src);
    let mut last_line = 0;
    for e in &parsed.errors {
        assert!(e.line >= 1 && e.col >= 1, "{e}");
        assert!(
            e.line > last_line,
            "errors out of order or two on one line: {:?}",
            parsed.errors
        );
        last_line = e.line;
        assert!(!e.expected.is_empty() && !e.found.is_empty(), "{e:?}");
    }
    if parsed.errors.is_empty() {
        check_spans(src, &parsed.script);
        let printed = parsed.script.to_string();
        let again = parse(&printed).unwrap_or_else(|e| panic!("{printed:?}: {}", e[0]));
        assert_eq!(erased(again), erased(parsed.script));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_never_panic(src in any::<String>()) {
        check_result(&src);
    }

    #[test]
    fn glued_fragments_never_panic(parts in prop::collection::vec(fragment(), 0..40)) {
        check_result(&parts.concat());
    }

    #[test]
    fn mutated_example_never_panics(
        edits in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), fragment()), 1..6),
    ) {
        let mut lines: Vec<String> = EXAMPLE.lines().map(String::from).collect();
        for (op, at, pos, text) in &edits {
            mutate(&mut lines, *op, *at, *pos, text);
        }
        check_result(&lines.join("\n"));
    }

    #[test]
    fn printed_scripts_parse_back_to_the_same_tree(script in script_strategy()) {
        let printed = script.to_string();
        let parsed = parse(&printed).unwrap_or_else(|e| panic!("{printed:?}: {}", e[0]));
        check_spans(&printed, &parsed);
        prop_assert_eq!(erased(parsed.clone()), script);
        prop_assert_eq!(parsed.to_string(), printed);
    }
}

// ---- the language document -------------------------------------------------------

const DOC: &str = include_str!("../../../docs/scenario-language.md");

/// The fenced blocks of the document with this info string.
fn doc_blocks(info: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in DOC.lines() {
        match current.as_mut() {
            Some(block) if line == "```" => {
                blocks.push(core::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None if line.strip_prefix("```") == Some(info) => current = Some(String::new()),
            None => {}
        }
    }
    blocks
}

#[test]
fn the_documents_examples_parse() {
    let blocks = doc_blocks("wsa");
    assert_eq!(blocks.len(), 2);
    for block in blocks {
        if let Err(errors) = parse(&block) {
            panic!("{block}\n{}", errors[0]);
        }
    }
}

#[test]
fn the_documents_error_example_is_exact() {
    let bad = doc_blocks("wsa-bad");
    let shown = doc_blocks("text");
    assert_eq!(bad.len(), 1);
    let errors: String = parse(&bad[0])
        .unwrap_err()
        .iter()
        .map(|e| format!("{e}\n"))
        .collect();
    assert!(
        shown.contains(&errors),
        "the document should show:\n{errors}"
    );
}

/// The code spans (between backticks) of a table cell, with `\|` unescaped.
fn code_spans(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|c| c.replace("\\|", "|"))
        .collect()
}

#[test]
fn the_documents_tables_parse() {
    let lines: Vec<&str> = DOC.lines().collect();
    let mut header = String::new();
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with('|') || line.starts_with("|---") {
            continue;
        }
        let cells: Vec<String> = line
            .replace("\\|", "\u{1}")
            .split('|')
            .map(|c| c.trim().replace('\u{1}', "\\|"))
            .collect();
        if lines
            .get(i + 1)
            .is_some_and(|next| next.starts_with("|---"))
        {
            header = cells.get(1).cloned().unwrap_or_default();
            continue;
        }
        let column = match header.as_str() {
            "Statement" | "Result" => 1,
            "Kind" => 2,
            _ => continue,
        };
        for code in code_spans(cells.get(column).map_or("", String::as_str)) {
            let src = match header.as_str() {
                "Kind" => format!("h: f({code})"),
                "Result" => format!("h: f() {code}"),
                _ => code,
            };
            if let Err(errors) = parse(&src) {
                panic!("{src}: {}", errors[0]);
            }
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} examples checked");
}

#[test]
fn name_errors_cut_long_source_text() {
    // Found by fuzzing: a 10 KB expression used to be echoed whole.
    let payload = ["0"; 5000].join("|");
    let call = "x".repeat(5000);
    let src = format!(
        "host a 10.0.0.1\na: S = socket(AF_INET, SOCK_STREAM)\na: send(S, {payload})\na: {call}(S)\n"
    );
    let errors = crate::script::Runner::new(&src).unwrap_err();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].found, format!("\"{}…\"", "0|".repeat(20)));
    assert_eq!(errors[1].found, format!("\"{}…\"", "x".repeat(40)));
    assert!(errors.iter().all(|e| e.to_string().len() < 500));
}

#[test]
fn a_misspelled_call_gets_a_suggestion() {
    let src = "host a 10.0.0.1\na: WSAStartup()\na: S = socket(AF_INET, SOCK_STREAM)\na: recieve(S, 10)\n";
    let errors = super::runner::Runner::new(src).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "4:4: expected a Winsock call (did you mean 'recv'?) but found \"recieve\""
    );
    assert_eq!(
        super::calls::suggest_call("closesoket"),
        Some("closesocket")
    );
    assert_eq!(
        super::calls::suggest_call("wsaasyncselect"),
        Some("WSAAsyncSelect")
    );
    assert_eq!(super::calls::suggest_call("frobnicate"), None);
}
