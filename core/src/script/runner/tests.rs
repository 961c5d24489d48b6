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
