//! Tests of the C exporter: one per statement kind, one per refusal, and payload escaping.

use super::*;

const HEAD: &str = "host client 10.0.0.1\nhost server 10.0.0.2\nwindow server main\n";

fn export(body: &str) -> String {
    export_c(&format!("{HEAD}{body}"), ExportOptions::default())
        .unwrap_or_else(|e| panic!("{:?}", e.iter().map(|e| e.to_string()).collect::<Vec<_>>()))
}

fn refused(body: &str) -> String {
    let errors = export_c(&format!("{HEAD}{body}"), ExportOptions::default()).unwrap_err();
    errors[0].to_string()
}

#[test]
fn smoke() {
    let c = export("server: WSAStartup()\n");
    assert!(c.contains("WSAStartup(MAKEWORD(2, 2)"), "{c}");
}

#[test]
fn host_calls_become_winsock_calls_on_loopback() {
    let c = export(
        "server: WSAStartup()\nserver: L = socket(AF_INET, SOCK_STREAM)\nserver: bind(L, 10.0.0.2:80) => 0\n\
         server: listen(L, 5)\nserver: WSAAsyncSelect(L, main, WM_USER+1, FD_ACCEPT|FD_CLOSE)\n\
         client: C = socket(AF_INET, SOCK_STREAM)\nclient: connect(C, 10.0.0.2:80) => SOCKET_ERROR WSAEWOULDBLOCK\n\
         server: A = accept(L)\nclient: send(C, 3 bytes)\nserver: recv(A, 50, MSG_PEEK) => \"abc\"\n\
         server: setsockopt(A, SOL_SOCKET, SO_LINGER, 1, 0)\nserver: getsockopt(A, SOL_SOCKET, SO_LINGER) => 1 0\n\
         server: ioctlsocket(A, FIONREAD) => 3\nserver: shutdown(A, SD_SEND)\nserver: closesocket(A)\n\
         server: GetMessage(main) => WM_USER+1(L, FD_ACCEPT, 0)\nserver: PeekMessage(main, PM_NOREMOVE) => none\n\
         server: E = WSACreateEvent()\nserver: WSAEventSelect(L, E, FD_ACCEPT)\nserver: WSAEnumNetworkEvents(L, E) => 0\n\
         server: WSAGetLastError() => 0\n",
    );
    for want in [
        "r_code(WSAStartup(MAKEWORD(2, 2), &wd));",
        "sock[0] = r_sock(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));",
        "struct sockaddr_in a = sin4(127, 0, 0, 2, 80); r_int(bind(sock[0]",
        "want_num(\"0\", 0UL);",
        "r_int(listen(sock[0], 5));",
        "r_int(WSAAsyncSelect(sock[0], win[0], 1025, 0x28));",
        "r_int(connect(sock[1], (struct sockaddr *)&a, 16));",
        "want_failed(\"SOCKET_ERROR WSAEWOULDBLOCK\", 10035);",
        "watch(13, INVALID_SOCKET);",
        "sock[2] = r_sock(accept(sock[0]",
        "const char *d = pattern(3); r_int(send(sock[1], d, 3, 0));",
        "r_recv(sock[2], 50, MSG_PEEK, 0);",
        "want_bytes(\"\\\"abc\\\"\", \"abc\", 3, 0, sin4(0, 0, 0, 0, 0));",
        "v.l_onoff = 1; v.l_linger = 0;",
        "want_linger(\"1 0\", 1, 0);",
        "ioctlsocket(sock[2], FIONREAD, &v)",
        "r_int(shutdown(sock[2], SD_SEND));",
        "r_int(closesocket(sock[2]));",
        "r_getmsg(0, 1, 1);",
        "want_msg(\"WM_USER+1(L, FD_ACCEPT, 0)\", 1, 1025, sock[0], 0x8, 0);",
        "r_getmsg(0, 0, 0);",
        "want_msg(\"none\", 0, 0, 0, 0, 0);",
        "evt[3] = e;",
        "r_int(WSAEventSelect(sock[0], evt[3], 0x8));",
        "WSAEnumNetworkEvents(sock[0], evt[3], &ne)",
        "R.val = (unsigned long)WSAGetLastError();",
        "emit(24, \"server\", \"call\", \"server: WSAGetLastError() => 0\");",
        "/* 6: server: bind(L, 10.0.0.2:80) => 0 */",
    ] {
        assert!(c.contains(want), "missing {want}\n{c}");
    }
}

#[test]
fn driving_and_assertions_pump_real_time() {
    let c = export(
        "run until idle\nrun for 250ms\nstep 2\nexpect main: empty\n\
         server: L = socket(AF_INET, SOCK_DGRAM)\nexpect main: WM_USER+1(L, FD_READ, WSAECONNRESET)\n\
         expect L state CLOSED\ndestroy window main\nlink client server latency 50ms\n\
         if windows: expect main: empty\nif documented: run until idle\n",
    );
    for want in [
        "pump(CAP_MS, 1, -1);",
        "pump(250 < CAP_MS ? 250 : CAP_MS, 0, -1);",
        "pump(SETTLE_MS, 0, -1);",
        "drain(); want(\"empty\", queued(0) < 0);",
        "expect_msg(0);",
        "want_msg(\"WM_USER+1(L, FD_READ, WSAECONNRESET)\", 1, 1025, sock[0], 0x1, 10054);",
        "not exported: Winsock has no call that reads a socket's TCP state",
        "DestroyWindow(win[0]);",
        "loopback has no latency",
        "skipped: for the windows profile only",
        "#define SETTLE_MS 100",
        "Host server (10.0.0.2) is 127.0.0.2",
        "cl scenario.c ws2_32.lib user32.lib",
    ] {
        assert!(c.contains(want), "missing {want}\n{c}");
    }
    assert!(
        c.contains("/* 13: if windows: expect main: empty */\n    /* skipped"),
        "{c}"
    );
}

#[test]
fn a_call_expected_to_be_cancelled_is_cancelled_by_the_watchdog() {
    let c = export(
        "client: C = socket(AF_INET, SOCK_STREAM)\nclient: recv(C, 10) => SOCKET_ERROR WSAEINTR\n",
    );
    assert!(c.contains("watch(5, sock[0]);"), "{c}");
}

#[test]
fn what_one_machine_cannot_do_is_refused_with_its_place() {
    let cases = [
        ("partition client server", "4:1: cannot export partition:"),
        ("heal client server", "4:1: cannot export heal:"),
        ("network down server", "4:1: cannot export network down/up:"),
        ("network up server", "4:1: cannot export network down/up:"),
        (
            "address add server 10.0.0.9",
            "4:1: cannot export an address change:",
        ),
        (
            "address remove server 10.0.0.2",
            "4:1: cannot export an address change:",
        ),
        ("route change server", "4:1: cannot export route change:"),
        (
            "link client server latency 101ms",
            "4:1: cannot export a link latency longer than the settle time:",
        ),
        ("server: WSACleanup()", "4:1: cannot export WSACleanup:"),
    ];
    for (stmt, want) in cases {
        let got = refused(&format!("{stmt}\n"));
        assert!(got.starts_with(want), "{stmt}: {got}");
    }
    let got = refused("server: S = socket(AF_INET, SOCK_STREAM)\nqos change S\nreset S\nserver: connect(S, 192.168.0.1:80)\n");
    assert!(got.starts_with("5:1: cannot export qos change:"), "{got}");
    let all = export_c(
        &format!("{HEAD}server: S = socket(AF_INET, SOCK_STREAM)\nqos change S\nreset S\nserver: connect(S, 192.168.0.1:80)\n"),
        ExportOptions::default(),
    )
    .unwrap_err();
    let all: Vec<String> = all.iter().map(|e| e.to_string()).collect();
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all[1].starts_with("6:1: cannot export reset:"));
    assert!(all[2].starts_with("7:1: cannot export an address of no host (192.168.0.1):"));
    // A longer settle time admits the latency.
    let ok = export_c(
        &format!("{HEAD}link client server latency 101ms\n"),
        ExportOptions {
            settle_ms: 200,
            ..ExportOptions::default()
        },
    );
    assert!(ok.is_ok());
}

#[test]
fn syntax_and_name_errors_are_reported_as_such() {
    let errors = export_c(
        "host a 10.0.0.1\na: recv(Nope, 1)\n",
        ExportOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(errors[0], ExportError::Script(_)));
    assert!(errors[0].to_string().starts_with("2:"));
}

#[test]
fn payload_bytes_are_escaped_exactly() {
    assert_eq!(c_string(b"hi"), "\"hi\"");
    assert_eq!(c_string(b"a\"b\\c?"), "\"a\\\"b\\\\c\\?\"");
    assert_eq!(
        c_string(&[0, 7, b'\n', 0xff, b'1']),
        "\"\\000\\007\\012\\3771\""
    );
    // Every byte round-trips through the escape (decoded here as a C compiler would).
    let all: Vec<u8> = (0..=255).collect();
    let s = c_string(&all);
    let inner = &s.as_bytes()[1..s.len() - 1];
    let (mut out, mut i) = (Vec::new(), 0);
    while i < inner.len() {
        if inner[i] == b'\\' {
            if inner[i + 1].is_ascii_digit() {
                let o = core::str::from_utf8(&inner[i + 1..i + 4]).unwrap();
                out.push(u8::from_str_radix(o, 8).unwrap());
                i += 4;
            } else {
                out.push(inner[i + 1]);
                i += 2;
            }
        } else {
            out.push(inner[i]);
            i += 1;
        }
    }
    assert_eq!(out, all);
    let c = export("client: C = socket(AF_INET, SOCK_DGRAM)\nclient: sendto(C, x\"00 ff 22\", 10.0.0.2:53)\nclient: send(C, \"caf\\xc3\\xa9\")\n");
    assert!(c.contains("const char *d = \"\\000\\377\\\"\"; struct sockaddr_in a = sin4(127, 0, 0, 2, 53); r_int(sendto(sock[0], d, 3, 0"), "{c}");
    assert!(c.contains("\"caf\\303\\251\""), "{c}");
}

#[test]
fn every_gallery_scenario_exports_or_is_refused_cleanly() {
    let mut exported = 0;
    for s in crate::gallery::ALL {
        match export_c(
            s.source,
            ExportOptions {
                profile: Some(Profile::Windows),
                ..Default::default()
            },
        ) {
            Ok(c) => {
                exported += 1;
                assert!(c.ends_with("return failures ? 1 : 0;\n}\n"));
            }
            Err(errors) => assert!(
                errors
                    .iter()
                    .all(|e| matches!(e, ExportError::Refused { .. })),
                "{}",
                s.id
            ),
        }
    }
    assert!(exported >= 30, "{exported}");
}

#[test]
fn the_wsa_calls_are_exported_as_themselves() {
    let c = export(
        "server: WSAStartup()\nserver: L = socket(AF_INET, SOCK_STREAM)\nserver: bind(L, 10.0.0.2:80)\n\
         server: listen(L, 5)\nclient: C = socket(AF_INET, SOCK_STREAM)\nclient: WSAConnect(C, 10.0.0.2:80)\n\
         server: A = WSAAccept(L, CF_ACCEPT)\nserver: WSAAccept(L, CF_DEFER) => SOCKET_ERROR WSATRY_AGAIN\n\
         server: WSAAccept(L, CF_REJECT)\nclient: WSASend(C, \"hi\") => 2\nserver: WSARecv(A, 10, MSG_PEEK) => \"hi\"\n\
         server: U = socket(AF_INET, SOCK_DGRAM)\nserver: WSASendTo(U, \"x\", 10.0.0.1:53)\nserver: WSARecvFrom(U, 10)\n\
         server: WSAIoctl(A, FIONBIO, 1) => 0\nserver: PeekMessage(main, PM_REMOVE) => none\n",
    );
    for want in [
        "r_int(WSAConnect(sock[1], (struct sockaddr *)&a, sizeof a, NULL, NULL, NULL, NULL));",
        "sock[2] = r_sock(WSAAccept(sock[0], (struct sockaddr *)&a, &n, cf_accept, 0));",
        "WSAAccept(sock[0], (struct sockaddr *)&a, &n, cf_defer, 0)",
        "want_failed(\"SOCKET_ERROR WSATRY_AGAIN\", 11002);",
        "WSAAccept(sock[0], (struct sockaddr *)&a, &n, cf_reject, 0)",
        "r_wsasend(sock[1], d, 2, 0, NULL);",
        "r_wsarecv(sock[2], 10, MSG_PEEK, 0);",
        "r_wsasend(sock[3], d, 1, 0, &a);",
        "r_wsarecv(sock[3], 10, 0, 1);",
        "r_int(WSAIoctl(sock[2], FIONBIO, &v, sizeof v, NULL, 0, &n, NULL, NULL));",
        "r_getmsg(0, 1, 0);",
    ] {
        assert!(c.contains(want), "{want} in\n{c}");
    }
}

#[test]
fn what_loopback_cannot_show_is_refused() {
    let head = "server: WSAStartup()\nserver: U = socket(AF_INET, SOCK_DGRAM)\n";
    for (line, what) in [
        ("server: WSAJoinLeaf(U, 10.0.0.1:53)", "WSAJoinLeaf"),
        ("server: WSAIoctl(U, SIO_SET_QOS, 100)", "SIO_SET_QOS"),
        (
            "server: WSAIoctl(U, SIO_GET_GROUP_QOS)",
            "SIO_GET_GROUP_QOS",
        ),
        ("server: hook closesocket(U)", "hook"),
    ] {
        let e = refused(&format!("{head}{line}\n"));
        assert!(
            e.starts_with("6:1: cannot export") && e.contains(what),
            "{e}"
        );
    }
}
