//! The runner's unit tests: profiles, checking before running, payloads made late, failures.

use super::*;

const BASE: &str = "host a 10.0.0.1\nwindow a w\na: WSAStartup()\na: S = socket(AF_INET, SOCK_DGRAM)\na: WSAAsyncSelect(S, w, WM_USER+1, FD_WRITE)\n";

#[test]
fn if_runs_only_under_its_profile() {
    let src = "host a 10.0.0.1\nwindow a w\na: WSAStartup()\na: S = socket(AF_INET, SOCK_DGRAM)\na: WSAAsyncSelect(S, w, WM_USER+1, FD_CONNECT)\na: connect(S, 10.0.0.1:53)\nif documented: expect w: WM_USER+1(S, FD_CONNECT, 0)\nif windows: expect w: empty\n";
    for p in [Profile::Documented, Profile::Windows] {
        let mut r = Runner::with_options(
            src,
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
    let errors = Runner::new("host a 10.0.0.1\na: recv(X, 10)\na: frob()\nexpect nowin: empty\n")
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

/// Runs `src` to its end and returns the trace's text, failing on any failure.
fn trace_of(src: &str) -> alloc::string::String {
    let report = run(src).unwrap_or_else(|e| panic!("{}", e[0]));
    assert_eq!(report.failure, None);
    report.sim.trace().to_string()
}

const PAIR: &str = "host client 10.0.0.1\nhost server 10.0.0.2\nwindow server main\nwindow client cwin\nserver: WSAStartup()\nclient: WSAStartup()\nserver: L = socket(AF_INET, SOCK_STREAM)\nserver: bind(L, 10.0.0.2:80)\nserver: listen(L, 5)\nserver: WSAAsyncSelect(L, main, WM_USER+1, FD_ACCEPT|FD_READ)\n";

#[test]
fn the_wsa_calls_run_from_a_scenario() {
    let src = alloc::format!(
        "{PAIR}client: C = socket(AF_INET, SOCK_STREAM)\n\
         client: WSAAsyncSelect(C, cwin, WM_USER+2, FD_CONNECT|FD_WRITE)\n\
         client: WSAConnect(C, 10.0.0.2:80) => SOCKET_ERROR WSAEWOULDBLOCK\n\
         run until idle\n\
         expect cwin: WM_USER+2(C, FD_CONNECT, 0)\n\
         expect cwin: WM_USER+2(C, FD_WRITE, 0)\n\
         expect main: WM_USER+1(L, FD_ACCEPT, 0)\n\
         server: WSAAccept(L, CF_DEFER) => SOCKET_ERROR WSATRY_AGAIN\n\
         expect main: empty\n\
         server: A = WSAAccept(L, CF_ACCEPT)\n\
         client: WSASend(C, \"hello world\") => 11\n\
         run until idle\n\
         expect main: WM_USER+1(A, FD_READ, 0)\n\
         server: WSARecv(A, 5, MSG_PEEK) => \"hello\"\n\
         expect main: WM_USER+1(A, FD_READ, 0)\n\
         server: WSARecv(A, 100) => \"hello world\"\n\
         expect main: empty\n\
         server: WSAIoctl(A, FIONBIO, 0) => SOCKET_ERROR WSAEINVAL\n\
         server: WSAAsyncSelect(A, main, 0, 0)\n\
         server: WSAIoctl(A, FIONBIO, 0) => 0\n\
         server: PeekMessage(main, PM_REMOVE) => none\n"
    );
    let t = trace_of(&src);
    for call in [
        "WSAConnect(",
        "WSAAccept(100, CF_DEFER)",
        "WSAAccept(100, CF_ACCEPT)",
        "WSASend(",
        "WSARecv(",
        "WSAIoctl(",
        "PeekMessage(main, PM_REMOVE)",
    ] {
        assert!(t.contains(call), "{call} in\n{t}");
    }
}

#[test]
fn wsaaccept_cf_reject_and_datagram_calls() {
    let src = alloc::format!(
        "{PAIR}client: C = socket(AF_INET, SOCK_STREAM)\n\
         client: WSAAsyncSelect(C, cwin, WM_USER+2, FD_CLOSE)\n\
         client: connect(C, 10.0.0.2:80) => SOCKET_ERROR WSAEWOULDBLOCK\n\
         run until idle\n\
         server: WSAAccept(L, CF_REJECT) => SOCKET_ERROR WSAECONNREFUSED\n\
         run until idle\n\
         expect cwin: WM_USER+2(C, FD_CLOSE, WSAECONNRESET)\n\
         server: U = socket(AF_INET, SOCK_DGRAM)\n\
         server: bind(U, 10.0.0.2:53)\n\
         client: J = socket(AF_INET, SOCK_DGRAM)\n\
         client: WSAAsyncSelect(J, cwin, WM_USER+3, FD_CONNECT)\n\
         client: K = WSAJoinLeaf(J, 10.0.0.2:53)\n\
         expect cwin: WM_USER+3(J, FD_CONNECT, 0)\n\
         client: WSASendTo(J, \"ping\", 10.0.0.2:53) => 4\n\
         run until idle\n\
         server: WSARecvFrom(U, 10) => \"ping\" 10.0.0.1:49153\n\
         client: WSAIoctl(J, SIO_GET_GROUP_QOS)\n\
         client: WSAIoctl(J, SIO_SET_QOS, 16000) => 0\n"
    );
    let t = trace_of(&src);
    assert!(
        t.contains("WSAJoinLeaf(") && t.contains("FD_CONNECT.3"),
        "{t}"
    );
}

#[test]
fn a_call_from_the_blocking_hook_fails_with_wsaeinprogress() {
    let src = "host a 10.0.0.1\nhost b 10.0.0.2\na: WSAStartup()\nb: WSAStartup()\n\
               b: U = socket(AF_INET, SOCK_DGRAM)\nb: bind(U, 10.0.0.2:53)\n\
               a: S = socket(AF_INET, SOCK_DGRAM)\na: bind(S, 10.0.0.1:53)\n\
               a: hook send(S, \"x\") => SOCKET_ERROR WSAEINPROGRESS\n\
               b: sendto(U, \"late\", 10.0.0.1:53)\n\
               a: recv(S, 10) => \"late\"\n";
    let t = trace_of(src);
    assert!(t.contains("WSAEINPROGRESS"), "{t}");
    // A hook whose host's next call does not block fails at its own line.
    let unused = "host a 10.0.0.1\na: WSAStartup()\na: S = socket(AF_INET, SOCK_DGRAM)\n\
                  a: hook send(S, \"x\")\na: closesocket(S)\n";
    let f = run(unused).unwrap().failure.expect("the hook never ran");
    assert_eq!(f.line, 4);
    // Only Winsock calls can be made from the hook.
    let errors = Runner::new("host a 10.0.0.1\nwindow a w\na: hook GetMessage(w)\n").unwrap_err();
    assert!(
        errors[0].expected.contains("blocking hook"),
        "{}",
        errors[0]
    );
}

/// Two hosts, a connection, and `s: A = accept(L)` (the client's socket is `C`).
const CONNECTED: &str = "host c 10.0.0.1\nhost s 10.0.0.2\ns: WSAStartup()\ns: L = socket(AF_INET, SOCK_STREAM)\ns: bind(L, 10.0.0.2:80)\ns: listen(L, 5)\nc: WSAStartup()\nc: C = socket(AF_INET, SOCK_STREAM)\nc: connect(C, 10.0.0.2:80)\ns: A = accept(L)\n";

fn run_with(src: &str, per: usize, total: usize) -> Runner {
    let mut r = Runner::with_options(
        src,
        RunOptions {
            max_steps_per_statement: per,
            max_total_steps: total,
            profile: None,
        },
    )
    .unwrap();
    r.run_to_end();
    r
}

#[test]
fn a_blocking_call_is_held_to_the_statement_limit() {
    // Found by fuzzing: a one-byte send buffer and a 16 MiB urgent send used to run
    // ~17 million steps inside the call and exhaust memory.
    let src = alloc::format!(
        "{CONNECTED}s: setsockopt(A, SOL_SOCKET, SO_SNDBUF, 1)\ns: send(A, 16777216 bytes, MSG_OOB)\n"
    );
    let r = run_with(&src, 1_000, 1_000_000);
    let f = r.failure().expect("the limit stops the run");
    assert_eq!(f.line, 12);
    assert_eq!(
        f.expected,
        "the statement to finish within 1000 steps (the limit of one statement)"
    );
    let start = r.stmt_start;
    assert!(r.sim().steps() <= start + 1_000 + 2, "{}", r.sim().steps());
    let last = r.sim().trace().iter().last().unwrap();
    assert!(last
        .changes
        .iter()
        .any(|c| matches!(c, crate::trace::Change::Note(crate::trace::Note::StepLimit))));
}

#[test]
fn steps_taken_while_a_call_blocks_count_against_the_scenario() {
    // A blocking send that waits while 1 MiB drains through a 1 KiB send buffer: every
    // segment and acknowledgement it waits for counts against the scenario's limit.
    let src = alloc::format!(
        "{CONNECTED}s: setsockopt(A, SOL_SOCKET, SO_RCVBUF, 1048576)\nc: setsockopt(C, SOL_SOCKET, SO_SNDBUF, 1024)\nc: send(C, 1048576 bytes)\n"
    );
    let r = run_with(&src, 1_000_000, 500);
    let f = r.failure().expect("the scenario limit stops the run");
    assert_eq!(f.line, 13);
    assert!(
        f.expected
            .ends_with("500 steps (the limit of the scenario)"),
        "{}",
        f.expected
    );
    // Past the limit only the call's last attempt and its cancellation are recorded.
    assert!(r.sim().steps() <= 502, "{}", r.sim().steps());
}

#[test]
fn step_n_is_held_to_the_statement_limit() {
    let src = alloc::format!(
        "{CONNECTED}c: ioctlsocket(C, FIONBIO, 1)\nc: setsockopt(C, SOL_SOCKET, SO_SNDBUF, 1048576)\nc: send(C, 1048576 bytes)\nstep 100000\n"
    );
    let r = run_with(&src, 10, 1_000_000);
    let f = r.failure().expect("the limit stops 'step'");
    assert_eq!(f.line, 14);
    assert_eq!(
        f.expected,
        "'step' to finish within 10 steps (the limit of one statement)"
    );
}

#[test]
fn route_change_naming_a_destination() {
    let src = "host a 10.0.0.1\nhost b 10.0.0.2\nwindow a w\na: WSAStartup()\n\
               a: S = socket(AF_INET, SOCK_DGRAM)\na: T = socket(AF_INET, SOCK_DGRAM)\n\
               a: WSAAsyncSelect(S, w, WM_USER+1, FD_ROUTING_INTERFACE_CHANGE)\n\
               a: WSAAsyncSelect(T, w, WM_USER+1, FD_ROUTING_INTERFACE_CHANGE)\n\
               a: WSAIoctl(S, SIO_ROUTING_INTERFACE_CHANGE, 10.0.0.2:80) => SOCKET_ERROR WSAEWOULDBLOCK\n\
               a: WSAIoctl(T, SIO_ROUTING_INTERFACE_CHANGE, 10.0.0.9:80) => SOCKET_ERROR WSAEWOULDBLOCK\n\
               route change a 10.0.0.2\n\
               expect w: WM_USER+1(S, FD_ROUTING_INTERFACE_CHANGE, 0)\n\
               expect w: empty\n\
               route change a\n\
               expect w: WM_USER+1(T, FD_ROUTING_INTERFACE_CHANGE, 0)\n";
    let t = trace_of(src);
    assert!(t.contains("route change a 10.0.0.2"), "{t}");
}

#[test]
fn pattern_payloads_are_prefixes_of_one_buffer() {
    let src = alloc::format!(
        "{CONNECTED}c: send(C, 30 bytes) => 30\nc: send(C, 5 bytes) => 5\nrun until idle\ns: recv(A, 35) => \"abcdefghijklmnopqrstuvwxyzabcdabcde\"\n"
    );
    let r = run_with(&src, 100_000, 1_000_000);
    assert_eq!(r.failure(), None);
    assert_eq!(r.pattern.len(), 30);
}

#[test]
fn calls_count_against_the_scenario_limit() {
    let calls = "a: S = socket(AF_INET, SOCK_DGRAM)\n".repeat(100);
    let src = alloc::format!("host a 10.0.0.1\na: WSAStartup()\n{calls}");
    let r = run_with(&src, 1_000, 50);
    let f = r.failure().expect("the scenario limit stops the calls");
    assert_eq!(
        f.expected,
        "the scenario to finish within 50 steps (the limit of the scenario)"
    );
    assert_eq!(r.sim().steps(), 50);
}
