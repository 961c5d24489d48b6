//! The points where Windows departs from the page: each runs under both profiles.

use crate::fixture::*;
use wsasim::*;

fn both(f: impl Fn(Profile) -> Vec<Msg>) -> (Vec<Msg>, Vec<Msg>) {
    (f(Profile::Documented), f(Profile::Windows))
}

#[test]
fn reset_is_fd_close_wsaeconnaborted_on_windows() {
    let (doc, win) = both(|p| {
        let mut fx = Fx::with_profile(p);
        let (_l, c, a) = fx.established(CLOSE, NONE);
        fx.cli()
            .setsockopt(c, SockOpt::Linger { on: true, secs: 0 })
            .unwrap();
        fx.cli().closesocket(c).unwrap();
        fx.settle();
        assert_eq!(
            fx.srv().recv(a, 10, MsgFlags::NONE),
            Err(WsaError::WSAECONNRESET)
        );
        assert_eq!(
            fx.srv().send(a, b"x", MsgFlags::NONE),
            Err(WsaError::WSAECONNRESET)
        );
        fx.drain(fx.main)
    });
    assert_eq!(doc[0].2, Some(WsaError::WSAECONNRESET));
    assert_eq!(win[0].2, Some(WsaError::WSAECONNABORTED));
}

#[test]
fn fd_close_at_fin_with_data_unread_on_windows() {
    let (doc, win) = both(|p| {
        let mut fx = Fx::with_profile(p);
        let (_l, c, a) = fx.established(READ | CLOSE, NONE);
        fx.cli().send(c, b"bye", MsgFlags::NONE).unwrap();
        fx.cli().shutdown(c, Shutdown::Send).unwrap();
        fx.run_ms(20);
        let mut got = fx.drain(fx.main);
        fx.srv().recv(a, 10, MsgFlags::NONE).unwrap();
        got.extend(fx.drain(fx.main));
        got
    });
    let a = doc[0].0;
    assert_eq!(doc, vec![(a, READ, None), (a, CLOSE, None)]);
    assert_eq!(win, vec![(a, READ, None), (a, CLOSE, None)]);
    // The difference is *when*: before the recv on Windows, after it as documented.
    let mut fx = Fx::with_profile(Profile::Windows);
    let (_l, c, _a) = fx.established(READ | CLOSE, NONE);
    fx.cli().send(c, b"bye", MsgFlags::NONE).unwrap();
    fx.cli().shutdown(c, Shutdown::Send).unwrap();
    fx.run_ms(20);
    assert_eq!(
        fx.drain(fx.main).len(),
        2,
        "FD_READ and FD_CLOSE before any recv"
    );
}

#[test]
fn reselecting_a_connected_socket_never_posts_fd_connect_on_windows() {
    let (doc, win) = both(|p| {
        let mut fx = Fx::with_profile(p);
        let (_l, c, _a) = fx.established(NONE, NONE);
        let cwin = fx.cwin;
        fx.cli()
            .wsa_async_select(c, cwin, WM, CONNECT | WRITE)
            .unwrap();
        fx.cli()
            .wsa_async_select(c, cwin, WM, CONNECT | WRITE)
            .unwrap();
        fx.drain(cwin)
    });
    let c = doc[0].0;
    assert_eq!(
        doc,
        vec![
            (c, WRITE, None),
            (c, CONNECT, None),
            (c, WRITE, None),
            (c, CONNECT, None)
        ]
    );
    assert_eq!(win, vec![(c, WRITE, None), (c, WRITE, None)]);
}

#[test]
fn udp_fd_write_on_select_and_on_connect_on_windows() {
    let (doc, win) = both(|p| {
        let mut fx = Fx::with_profile(p);
        let u = fx.cli().socket(SocketType::Dgram).unwrap();
        let cwin = fx.cwin;
        fx.cli()
            .wsa_async_select(u, cwin, WM, WRITE | CONNECT)
            .unwrap();
        fx.cli().connect(u, addr("10.0.0.2:53")).unwrap();
        fx.drain(cwin)
    });
    let u = doc[0].0;
    assert_eq!(
        doc,
        vec![(u, WRITE, None), (u, CONNECT, None)],
        "documented: FD_WRITE.1 (sendto is possible), then FD_CONNECT; its FD_WRITE waits for a send"
    );
    assert_eq!(
        win,
        vec![(u, WRITE, None), (u, WRITE, None)],
        "Windows: FD_WRITE at once and again at connect"
    );
}

#[test]
fn shutdown_both_keeps_the_selection() {
    for p in [Profile::Documented, Profile::Windows] {
        let mut fx = Fx::with_profile(p);
        let (_l, c, a) = fx.established(CLOSE, NONE);
        fx.srv().shutdown(a, Shutdown::Both).unwrap();
        fx.run_ms(20);
        assert_eq!(fx.drain(fx.main), vec![], "shutdown posts nothing");
        fx.cli().closesocket(c).unwrap();
        fx.run_ms(20);
        assert_eq!(fx.drain(fx.main), vec![(a, CLOSE, None)], "{p}");
    }
}

#[test]
fn event_select_differs_on_windows() {
    let run = |p: Profile| {
        let mut fx = Fx::with_profile(p);
        let (_l, c, a) = fx.established(NONE, NONE);
        let e = fx.srv().wsa_create_event().unwrap();
        fx.srv().wsa_event_select(a, e, READ | CONNECT).unwrap();
        let first = fx.srv().wsa_enum_network_events(a, Some(e)).unwrap().events;
        fx.srv().wsa_event_select(a, e, READ | CONNECT).unwrap();
        let again = fx.srv().wsa_enum_network_events(a, Some(e)).unwrap().events;
        fx.cli().send(c, b"1", MsgFlags::NONE).unwrap();
        fx.settle();
        let read1 = fx.srv().wsa_enum_network_events(a, Some(e)).unwrap().events;
        fx.cli().send(c, b"2", MsgFlags::NONE).unwrap();
        fx.settle();
        let read2 = fx.srv().wsa_enum_network_events(a, Some(e)).unwrap().events;
        (first, again, read1, read2)
    };
    let (f, a, r1, r2) = run(Profile::Documented);
    assert_eq!(
        (f, a, r1, r2),
        (CONNECT, CONNECT, READ, NONE),
        "documented: re-select records again; no second FD_READ before recv"
    );
    let (f, a, r1, r2) = run(Profile::Windows);
    assert_eq!(
        (f, a, r1, r2),
        (NONE, NONE, READ, READ),
        "Windows: no FD_CONNECT for an accepted socket; re-select records nothing; every arrival records FD_READ"
    );
}

#[test]
fn failing_recv_does_not_reenable_in_event_mode_on_windows() {
    let run = |p: Profile| {
        let mut fx = Fx::with_profile(p);
        let (_l, c, a) = fx.established(NONE, NONE);
        let e = fx.srv().wsa_create_event().unwrap();
        fx.srv().wsa_event_select(a, e, READ).unwrap();
        fx.cli().send(c, b"x", MsgFlags::NONE).unwrap();
        fx.settle();
        assert_eq!(
            fx.srv().wsa_enum_network_events(a, Some(e)).unwrap().events,
            READ
        );
        assert_eq!(
            fx.srv().recv(a, 1, MsgFlags::OOB),
            Err(WsaError::WSAEWOULDBLOCK)
        );
        fx.srv().wsa_enum_network_events(a, Some(e)).unwrap().events
    };
    assert_eq!(
        run(Profile::Documented),
        READ,
        "the failing recv re-enabled FD_READ, and data is there"
    );
    assert_eq!(run(Profile::Windows), NONE);
}

// ---- the points where Windows does what the page says: the same under both profiles ----

/// Runs `f` under both profiles and checks that they agree; returns the common result.
fn same<T: PartialEq + core::fmt::Debug>(f: impl Fn(Profile) -> T) -> T {
    let (doc, win) = (f(Profile::Documented), f(Profile::Windows));
    assert_eq!(doc, win, "the profiles should agree here");
    doc
}

#[test]
fn a_successful_send_neither_clears_nor_reposts_fd_write() {
    let got = same(|p| {
        let mut fx = Fx::with_profile(p);
        let (_l, c, a) = fx.established(NONE, WRITE);
        let cwin = fx.cwin;
        let mut got = Vec::new();
        for _ in 0..3 {
            assert_eq!(fx.cli().send(c, &[7; 100], MsgFlags::NONE), Ok(100));
            fx.settle();
            got.extend(fx.drain(cwin));
        }
        assert_eq!(
            fx.srv().recv(a, 1000, MsgFlags::NONE).map(|d| d.len()),
            Ok(300)
        );
        fx.settle();
        got.extend(fx.drain(cwin));
        got
    });
    assert_eq!(
        got,
        vec![],
        "FD_WRITE came with the connection, and not again"
    );
}

#[test]
fn urgent_bytes_are_queued_one_per_send_on_windows() {
    let run = |p: Profile| {
        let mut fx = Fx::with_profile(p);
        let (_l, c, a) = fx.established(ACCEPT | OOB, NONE);
        fx.cli().send(c, b"1", MsgFlags::OOB).unwrap();
        fx.cli().send(c, b"2", MsgFlags::OOB).unwrap();
        fx.settle();
        let mut got = fx.drain(fx.main);
        let mut bytes = Vec::new();
        while let Ok(b) = fx.srv().recv(a, 1, MsgFlags::OOB) {
            bytes.extend(b);
            got.extend(fx.drain(fx.main));
        }
        assert_eq!(
            fx.srv().recv(a, 1, MsgFlags::OOB),
            Err(WsaError::WSAEWOULDBLOCK)
        );
        fx.srv().setsockopt(a, SockOpt::OobInline(true)).unwrap();
        assert_eq!(fx.srv().recv(a, 1, MsgFlags::OOB), Err(WsaError::WSAEINVAL));
        (got.len(), bytes)
    };
    assert_eq!(
        run(Profile::Documented),
        (1, b"2".to_vec()),
        "one urgent pointer: the second byte replaced the first"
    );
    assert_eq!(
        run(Profile::Windows),
        (2, b"12".to_vec()),
        "a queue: FD_OOB again for the second byte"
    );
}

#[test]
fn a_failing_recv_reenables_fd_read_in_message_mode() {
    let got = same(|p| {
        let mut fx = Fx::with_profile(p);
        let (_l, c, a) = fx.established(ACCEPT | READ, NONE);
        fx.cli().send(c, b"one", MsgFlags::NONE).unwrap();
        fx.settle();
        let mut got = fx.drain(fx.main);
        fx.cli().send(c, b"two", MsgFlags::NONE).unwrap();
        fx.settle();
        got.extend(fx.drain(fx.main));
        assert_eq!(
            fx.srv().recv(a, 10, MsgFlags::OOB),
            Err(WsaError::WSAEWOULDBLOCK)
        );
        got.extend(fx.drain(fx.main));
        got
    });
    let a = got[0].0;
    assert_eq!(got, vec![(a, READ, None), (a, READ, None)]);
}

#[test]
fn conditions_found_at_once_are_posted_in_bit_order() {
    let got = same(|p| {
        let mut fx = Fx::with_profile(p);
        let (_l, c, a) = fx.established(NONE, NONE);
        fx.cli().send(c, b"data", MsgFlags::NONE).unwrap();
        fx.cli().send(c, b"!", MsgFlags::OOB).unwrap();
        fx.settle();
        let main = fx.main;
        fx.srv()
            .wsa_async_select(a, main, WM, CLOSE | OOB | WRITE | READ)
            .unwrap();
        fx.drain(main)
    });
    let a = got[0].0;
    assert_eq!(got, vec![(a, READ, None), (a, WRITE, None), (a, OOB, None)]);
}
