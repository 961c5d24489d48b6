//! Tests of the comparison: agreement, each kind of difference, bad input.

use super::*;

const SRC: &str = "host client 10.0.0.1\nhost server 10.0.0.2\nwindow server main\n\
server: WSAStartup()\nserver: L = socket(AF_INET, SOCK_STREAM)\nserver: bind(L, 10.0.0.2:80)\n\
server: listen(L, 5)\nserver: WSAAsyncSelect(L, main, WM_USER+1, FD_ACCEPT|FD_READ|FD_CLOSE)\n\
client: WSAStartup()\nclient: C = socket(AF_INET, SOCK_STREAM)\nclient: ioctlsocket(C, FIONBIO, 1)\n\
client: connect(C, 10.0.0.2:80) => SOCKET_ERROR WSAEWOULDBLOCK\nrun until idle\n\
expect main: WM_USER+1(L, FD_ACCEPT, 0)\n";

fn call(
    line: u32,
    host: &str,
    action: &str,
    result: &str,
    error: Option<&str>,
    msgs: &str,
) -> String {
    let error = error.map_or("null".to_string(), |e| format!("\"{e}\""));
    format!("{{\"line\":{line},\"host\":\"{host}\",\"kind\":\"call\",\"action\":\"{action}\",\"result\":\"{result}\",\"error\":{error},\"messages\":[{msgs}]}}\n")
}

const ACCEPT: &str = "{\"window\":\"main\",\"msg\":\"WM_USER+1\",\"wparam\":\"L\",\"lparam\":\"0x00000008\",\"event\":\"FD_ACCEPT\",\"error\":null}";

fn real(connect_error: &str, msgs: &str) -> String {
    let mut s = String::new();
    s += &call(4, "server", "server: WSAStartup()", "0", None, "");
    s += &call(
        5,
        "server",
        "server: L = socket(AF_INET, SOCK_STREAM)",
        "socket 116",
        None,
        "",
    );
    s += &call(6, "server", "server: bind(L, 10.0.0.2:80)", "0", None, "");
    s += &call(7, "server", "server: listen(L, 5)", "0", None, "");
    s += &call(
        8,
        "server",
        "server: WSAAsyncSelect(L, main, WM_USER+1, FD_ACCEPT|FD_READ|FD_CLOSE)",
        "0",
        None,
        "",
    );
    s += &call(9, "client", "client: WSAStartup()", "0", None, "");
    s += &call(
        10,
        "client",
        "client: C = socket(AF_INET, SOCK_STREAM)",
        "socket 124",
        None,
        "",
    );
    s += &call(
        11,
        "client",
        "client: ioctlsocket(C, FIONBIO, 1)",
        "0",
        None,
        "",
    );
    s += &call(
        12,
        "client",
        "client: connect(C, 10.0.0.2:80) => SOCKET_ERROR WSAEWOULDBLOCK",
        "SOCKET_ERROR",
        Some(connect_error),
        msgs,
    );
    s += "{\"line\":13,\"host\":null,\"kind\":\"run\",\"action\":\"run until idle\",\"result\":null,\"error\":null,\"messages\":[]}\n";
    s
}

#[test]
fn agreement() {
    let c = compare(&real("WSAEWOULDBLOCK", ACCEPT), SRC, Profile::Documented).unwrap();
    assert_eq!(c.differences, Vec::new());
    assert_eq!((c.calls, c.messages), (9, 1));
}

#[test]
fn a_different_error_and_a_missing_message() {
    let c = compare(&real("WSAECONNREFUSED", ""), SRC, Profile::Documented).unwrap();
    let kinds: Vec<DiffKind> = c.differences.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [DiffKind::Error, DiffKind::Missing]);
    assert_eq!(
        c.differences[0].to_string(),
        "12: error: real SOCKET_ERROR WSAECONNREFUSED, model SOCKET_ERROR WSAEWOULDBLOCK"
    );
    assert!(c.differences[1].rule.is_some());
}

#[test]
fn a_different_result_and_an_extra_message() {
    let wrong = ACCEPT.replace("FD_ACCEPT", "FD_READ");
    let r = real("WSAEWOULDBLOCK", &format!("{wrong},{ACCEPT}")).replace(
        "\"result\":\"0\",\"error\":null,\"messages\":[]}\n{\"line\":5",
        "\"result\":\"SOCKET_ERROR\",\"error\":\"WSAENETDOWN\",\"messages\":[]}\n{\"line\":5",
    );
    let c = compare(&r, SRC, Profile::Documented).unwrap();
    let kinds: Vec<DiffKind> = c.differences.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [DiffKind::Result, DiffKind::Extra]);
    assert_eq!(c.differences[1].real, "main WM_USER+1(L, FD_READ, 0)");
}

#[test]
fn a_watchdog_ends_the_comparison_there() {
    let mut r: String = real("WSAEWOULDBLOCK", ACCEPT)
        .lines()
        .take(8)
        .map(|l| format!("{l}\n"))
        .collect();
    r += "{\"line\":12,\"host\":null,\"kind\":\"watchdog\",\"action\":\"a blocking call did not return within 2000 ms\",\"result\":null,\"error\":null,\"messages\":[]}\n";
    let c = compare(&r, SRC, Profile::Documented).unwrap();
    assert_eq!(c.differences.len(), 1, "{:?}", c.differences);
    assert_eq!(c.differences[0].kind, DiffKind::Watchdog);
}

#[test]
fn bad_input_is_an_error_with_its_line() {
    let good = real("WSAEWOULDBLOCK", ACCEPT);
    let cases = [
        (format!("{good}not json\n"), "11: not a JSON line"),
        (
            good.lines()
                .take(3)
                .map(|l| format!("{l}\n"))
                .collect::<String>(),
            "3: the real run stops early",
        ),
        (good[..good.len() - 20].to_string(), "10: not a JSON line"),
        (
            good.replace("\"line\":6,", "\"line\":99,"),
            "3: line 99 is not a statement",
        ),
        (
            good.replace("bind(L, 10.0.0.2:80)", "bind(L, 10.0.0.2:81)"),
            "3: this is another scenario's output",
        ),
        (
            good.replace(",\"messages\":[]", ""),
            "1: no \"messages\" array",
        ),
        ("[1, 2]\n".to_string(), "1: not a JSON line (not an object)"),
    ];
    for (input, want) in cases {
        let e = compare(&input, SRC, Profile::Documented)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(want), "{want}: {e}");
    }
    assert!(compare("", "host\n", Profile::Documented)
        .unwrap_err()
        .to_string()
        .starts_with("0: the scenario has errors"));
}

#[test]
fn a_message_out_of_order_is_one_difference() {
    let src = format!("{SRC}server: A = accept(L)\nclient: send(C, 5 bytes)\nclient: closesocket(C)\nrun until idle\n");
    let read = ACCEPT
        .replace("FD_ACCEPT", "FD_READ")
        .replace("\"L\"", "\"A\"");
    let close = read.replace("FD_READ", "FD_CLOSE");
    let mut r = real("WSAEWOULDBLOCK", ACCEPT);
    r += &call(15, "server", "server: A = accept(L)", "socket 1", None, "");
    r += &call(16, "client", "client: send(C, 5 bytes)", "5", None, "");
    r += &call(17, "client", "client: closesocket(C)", "0", None, "");
    r += &format!("{{\"line\":18,\"host\":null,\"kind\":\"run\",\"action\":\"run until idle\",\"result\":null,\"error\":null,\"messages\":[{close},{read}]}}\n");
    let model = compare(
        &r.replace(&format!("{close},{read}"), &format!("{read},{close}")),
        &src,
        Profile::Windows,
    )
    .unwrap();
    assert_eq!(
        model.differences,
        Vec::new(),
        "the Windows profile posts FD_READ, then FD_CLOSE at the FIN"
    );
    let c = compare(&r, &src, Profile::Windows).unwrap();
    assert_eq!(c.differences.len(), 1, "{:?}", c.differences);
    assert_eq!(c.differences[0].kind, DiffKind::Order);
}
