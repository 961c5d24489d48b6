//! Runs the built `wsasim` binary on passing, failing and malformed scenarios and checks its
//! output and exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn wsasim(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wsasim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the wsasim binary runs");
    let mut input = child.stdin.take().expect("piped stdin");
    input
        .write_all(stdin.unwrap_or("").as_bytes())
        .expect("write stdin");
    drop(input);
    child.wait_with_output().expect("wsasim finishes")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).expect("UTF-8 output")
}

fn scenario(id: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../core/scenarios")
        .join(format!("{id}.wsa"))
        .to_string_lossy()
        .into_owned()
}

/// Writes `src` to a file in cargo's scratch directory and returns its path.
fn temp_file(name: &str, src: &str) -> String {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, src).expect("write scratch file");
    path.to_string_lossy().into_owned()
}

const FAILING: &str = "\
host client 10.0.0.1
host server 10.0.0.2
window server main
server: WSAStartup()
server: L = socket(AF_INET, SOCK_STREAM)
server: bind(L, 10.0.0.2:80)
server: listen(L, 5)
server: WSAAsyncSelect(L, main, WM_USER+1, FD_ACCEPT)
client: WSAStartup()
client: C = socket(AF_INET, SOCK_STREAM)
client: ioctlsocket(C, FIONBIO, 1)
client: connect(C, 10.0.0.2:80)  => SOCKET_ERROR WSAEWOULDBLOCK
run until idle
expect main: WM_USER+1(L, FD_READ, 0)
";

#[test]
fn a_passing_scenario_prints_its_table_and_ok() {
    let out = wsasim(&["run", &scenario("fd-read-level-triggered")], None);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert!(stdout.contains("FD_READ is level-triggered"), "{stdout}");
    assert!(stdout.contains("action → result"), "{stdout}");
    assert!(
        stdout.contains("post main WM_USER+1 wParam=A lParam=0x00000001 FD_READ 0 [FD_READ.3]"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().last(), Some("ok"));
}

#[test]
fn a_failing_expectation_exits_1_with_file_line_and_column() {
    let path = temp_file("failing.wsa", FAILING);
    let out = wsasim(&["run", &path], None);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        format!(
            "{path}:14:14: expected WM_USER+1(L, FD_READ, 0) but got WM_USER+1(L, FD_ACCEPT, 0)"
        )
    );
}

#[test]
fn a_parse_error_exits_2_with_every_error() {
    let src = "host client 10.0.0.1\nrun until\nexepct main: empty\n";
    let out = wsasim(&["run", "-"], Some(src));
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let lines: Vec<_> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "<stdin>:2:10: expected 'idle' but found end of line",
            "<stdin>:3:1: expected a statement keyword (did you mean 'expect'?) but found \"exepct\"",
        ]
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn name_errors_exit_2_and_check_does_not_run() {
    let src = "host a 10.0.0.1\nb: WSAStartup()\nexpect w: empty\n";
    let out = wsasim(&["check", "-"], Some(src));
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("<stdin>:2:1: expected a host"),
        "{stderr}"
    );
    assert!(
        stderr.contains("<stdin>:3:8: expected a window"),
        "{stderr}"
    );
    // A script that fails when run still passes `check`.
    let out = wsasim(&["check", "-"], Some(FAILING));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "<stdin>: ok\n");
}

#[test]
fn json_lines_have_the_documented_keys() {
    let out = wsasim(&["run", "--json", &scenario("qos-change")], None);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let mut messages = 0;
    for (i, line) in stdout.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        let o = v.as_object().expect("each line is an object");
        let keys: Vec<_> = o.keys().map(String::as_str).collect();
        for k in [
            "step", "entry", "time_us", "time", "line", "host", "kind", "action", "result",
            "error", "messages", "changes",
        ] {
            assert!(keys.contains(&k), "line {i} has no {k}: {line}");
        }
        assert_eq!(o["entry"].as_u64(), Some(i as u64));
        let step = o["step"]
            .as_u64()
            .expect("a scenario's entries have a step");
        assert!(
            step > i as u64,
            "steps count from 1 and include statements with no entry"
        );
        for m in o["messages"].as_array().expect("messages is an array") {
            messages += 1;
            for k in [
                "hwnd", "window", "msg", "wparam", "lparam", "event", "error", "rule",
            ] {
                assert!(m.get(k).is_some(), "a message has no {k}: {line}");
            }
        }
    }
    assert_eq!(messages, 2, "qos-change posts FD_QOS twice");
}

#[test]
fn json_is_exactly_the_simulations_trace() {
    let id = "wouldblock-race";
    let out = wsasim(&["run", "--json", &scenario(id)], None);
    let report = wsasim::script::run(wsasim::gallery::get(id).unwrap().source).unwrap();
    assert_eq!(text(&out.stdout), report.trace_json());
}

#[test]
fn profile_option_overrides_the_script() {
    // The Windows expectations made unconditional: passes only under the Windows profile.
    let src = wsasim::gallery::get("windows-profile-differences")
        .unwrap()
        .source
        .replace("if windows: ", "");
    let out = wsasim(&["run", "--profile", "windows", "-"], Some(&src));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = wsasim(&["run", "--profile=documented", "-"], Some(&src));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("<stdin>:"));
    assert!(text(&out.stdout).contains(": expected WM_USER+1(A1, FD_CLOSE, 0) but got"));
}

#[test]
fn gallery_lists_ids_and_titles() {
    let out = wsasim(&["gallery"], None);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), wsasim::gallery::ALL.len());
    assert!(
        stdout.contains("fd-read-level-triggered") && stdout.contains("FD_READ is level-triggered")
    );
    let out = wsasim(&["gallery", "qos-change"], None);
    assert_eq!(
        text(&out.stdout),
        wsasim::gallery::get("qos-change").unwrap().source
    );
}

#[test]
fn bad_usage_exits_64() {
    for args in [
        &[][..],
        &["run"],
        &["frobnicate"],
        &["run", "--profile", "linux", "x.wsa"],
        &["gallery", "no-such-scenario"],
    ] {
        let out = wsasim(args, None);
        assert_eq!(out.status.code(), Some(64), "{args:?}");
    }
}

#[test]
fn the_worst_status_of_several_files_wins() {
    let failing = temp_file("several.wsa", FAILING);
    let out = wsasim(
        &["run", &scenario("qos-change"), &failing, "-"],
        Some("run until\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("\nok\n"));
    assert!(stdout.contains("several.wsa:14:14: expected"));
}

#[test]
fn export_c_writes_a_program_or_refuses_with_the_place() {
    let out = wsasim(&["export-c", &scenario("fd-read-level-triggered")], None);
    assert_eq!(out.status.code(), Some(0));
    let c = text(&out.stdout);
    assert!(c.contains("#include <winsock2.h>"));
    assert!(c.contains("int main(void)"));
    let to = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("exported.c");
    let to = to.to_string_lossy().into_owned();
    let out = wsasim(
        &["export-c", "--settle", "50", "-o", &to, "-"],
        Some("host a 10.0.0.1\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(&to)
        .unwrap()
        .contains("#define SETTLE_MS 50"));

    let out = wsasim(&["export-c", &scenario("network-down")], None);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("network-down.wsa:19:1: cannot export network down/up:"),
        "{err}"
    );
    for bad in [
        &["export-c"][..],
        &["export-c", "--settle", "0", "a.wsa"],
        &["export-c", "a", "b"],
    ] {
        assert_eq!(wsasim(bad, None).status.code(), Some(64), "{bad:?}");
    }
}

/// The JSON lines of `fd-read-level-triggered` exported and run under Wine 8.0.
const WINE_RUN: &str = include_str!("fixtures/fd-read-level-triggered.wine.jsonl");

#[test]
fn compare_agrees_differs_or_refuses_bad_input() {
    let real = temp_file("real.jsonl", WINE_RUN);
    let out = wsasim(
        &[
            "compare",
            "--profile",
            "windows",
            &real,
            &scenario("fd-read-level-triggered"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).starts_with("0 difference(s); 13 call(s) and 3 message(s) compared"));

    let differs = temp_file(
        "differs.jsonl",
        &WINE_RUN.replace("\"result\":\"50\"", "\"result\":\"49\""),
    );
    let out = wsasim(
        &["compare", &differs, &scenario("fd-read-level-triggered")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).starts_with("first difference: 22: result: real 49, model 50\n"),
        "{}",
        text(&out.stdout)
    );

    let out = wsasim(&["compare", &real, &scenario("graceful-close")], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("real.jsonl:"),
        "{}",
        text(&out.stderr)
    );
    let truncated = temp_file("truncated.jsonl", &WINE_RUN[..WINE_RUN.len() / 2]);
    let out = wsasim(
        &["compare", &truncated, &scenario("fd-read-level-triggered")],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(wsasim(&["compare", &real], None).status.code(), Some(64));
}
