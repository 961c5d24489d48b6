//! The runner's unit tests: profiles, checking before running, payloads made late, failures.

use super::*;

const BASE: &str = "host a 10.0.0.1\nwindow a w\na: WSAStartup()\na: S = socket(AF_INET, SOCK_DGRAM)\na: WSAAsyncSelect(S, w, WM_USER+1, FD_WRITE)\n";

#[test]
fn if_runs_only_under_its_profile() {
    let src = alloc::format!(
        "{BASE}if windows: expect w: WM_USER+1(S, FD_WRITE, 0)\nif documented: expect w: empty\n"
    );
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

/// Two hosts, a connection, and `s: A = accept(L)` (the client's socket is `C`).
const PAIR: &str = "host c 10.0.0.1\nhost s 10.0.0.2\ns: WSAStartup()\ns: L = socket(AF_INET, SOCK_STREAM)\ns: bind(L, 10.0.0.2:80)\ns: listen(L, 5)\nc: WSAStartup()\nc: C = socket(AF_INET, SOCK_STREAM)\nc: connect(C, 10.0.0.2:80)\ns: A = accept(L)\n";

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
        "{PAIR}s: setsockopt(A, SOL_SOCKET, SO_SNDBUF, 1)\ns: send(A, 16777216 bytes, MSG_OOB)\n"
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
        "{PAIR}s: setsockopt(A, SOL_SOCKET, SO_RCVBUF, 1048576)\nc: setsockopt(C, SOL_SOCKET, SO_SNDBUF, 1024)\nc: send(C, 1048576 bytes)\n"
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
        "{PAIR}c: ioctlsocket(C, FIONBIO, 1)\nc: setsockopt(C, SOL_SOCKET, SO_SNDBUF, 1048576)\nc: send(C, 1048576 bytes)\nstep 100000\n"
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
fn pattern_payloads_are_prefixes_of_one_buffer() {
    let src = alloc::format!(
        "{PAIR}c: send(C, 30 bytes) => 30\nc: send(C, 5 bytes) => 5\nrun until idle\ns: recv(A, 35) => \"abcdefghijklmnopqrstuvwxyzabcdabcde\"\n"
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
