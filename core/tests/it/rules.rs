//! One test per rule of the specification, named after it.

use crate::fixture::*;
use wsasim::trace::{Change, Suppression};
use wsasim::winsock::Condition;
use wsasim::*;

fn last_rule(fx: &Fx) -> Rule {
    *fx.rules().last().expect("a message was posted")
}

/// True if some step recorded a suppressed post citing `rule`.
fn suppressed_citing(fx: &Fx, rule: Rule) -> bool {
    fx.sim
        .trace()
        .iter()
        .flat_map(|e| e.changes)
        .any(|c| matches!(c, Change::Suppressed { rule: r, .. } if r == rule))
}

fn suppressed(fx: &Fx, reason: Suppression) -> bool {
    fx.sim
        .trace()
        .iter()
        .flat_map(|e| e.changes)
        .any(|c| matches!(c, Change::Suppressed { reason: r, .. } if r == reason))
}

#[test]
fn fd_read_1_on_select_with_data_waiting() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(NONE, NONE);
    fx.cli().send(c, b"waiting", MsgFlags::NONE).unwrap();
    fx.settle();
    let main = fx.main;
    fx.srv().wsa_async_select(a, main, WM, READ).unwrap();
    assert_eq!(fx.drain(main), vec![(a, READ, None)]);
    assert_eq!(last_rule(&fx), Rule::ReadOnSelect);
}

#[test]
fn fd_read_2_on_arrival_once_until_recv() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(READ, NONE);
    fx.cli().send(c, b"one", MsgFlags::NONE).unwrap();
    fx.settle();
    fx.cli().send(c, b"two", MsgFlags::NONE).unwrap();
    fx.settle();
    assert_eq!(
        fx.drain(fx.main),
        vec![(a, READ, None)],
        "no flood: one FD_READ for two arrivals"
    );
    assert_eq!(fx.rules(), vec![Rule::ReadOnArrival]);
    assert!(suppressed(&fx, Suppression::AwaitingReenable));
    assert!(suppressed_citing(&fx, Rule::NoFlood));
}

#[test]
fn fd_read_3_after_recv_with_msg_peek() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(READ, NONE);
    fx.cli().send(c, b"peekaboo", MsgFlags::NONE).unwrap();
    fx.settle();
    assert_eq!(fx.take(fx.main), Some((a, READ, None)));
    assert_eq!(fx.srv().recv(a, 4, MsgFlags::PEEK).unwrap(), b"peek");
    assert_eq!(
        fx.take(fx.main),
        Some((a, READ, None)),
        "MSG_PEEK leaves the data, so FD_READ again"
    );
    assert_eq!(last_rule(&fx), Rule::ReadAfterRecv);
}

#[test]
fn fd_write_1_on_select_when_writable() {
    let mut fx = Fx::new();
    let (_l, _c, a) = fx.established(NONE, NONE);
    let main = fx.main;
    fx.srv().wsa_async_select(a, main, WM, WRITE).unwrap();
    assert_eq!(fx.drain(main), vec![(a, WRITE, None)]);
    assert_eq!(last_rule(&fx), Rule::WriteOnSelect);
}

#[test]
fn fd_write_2_after_connect_and_after_accept() {
    let mut fx = Fx::new();
    let l = fx.listener(ACCEPT | WRITE);
    let c = fx.connecting(CONNECT | WRITE);
    fx.settle();
    assert_eq!(
        fx.drain(fx.cwin),
        vec![(c, CONNECT, None), (c, WRITE, None)],
        "FD_WRITE after FD_CONNECT"
    );
    assert_eq!(fx.take(fx.main), Some((l, ACCEPT, None)));
    let (a, _) = fx.srv().accept(l).unwrap();
    assert_eq!(fx.drain(fx.main), vec![(a, WRITE, None)]);
    assert_eq!(last_rule(&fx), Rule::WriteOnConnect);
}

#[test]
fn fd_write_3_after_wouldblock_when_space_frees() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(NONE, WRITE);
    fx.srv().setsockopt(a, SockOpt::RcvBuf(1000)).unwrap();
    fx.cli().setsockopt(c, SockOpt::SndBuf(1000)).unwrap();
    // The peer's window still says 8192 from the handshake; fill both buffers.
    let mut sent = 0;
    loop {
        match fx.cli().send(c, &[9; 700], MsgFlags::NONE) {
            Ok(n) => sent += n,
            Err(e) => {
                assert_eq!(e, WsaError::WSAEWOULDBLOCK);
                break;
            }
        }
        fx.run_ms(10);
    }
    assert!(sent >= 1000);
    fx.run_ms(10);
    assert_eq!(
        fx.take(fx.cwin),
        None,
        "no FD_WRITE while the buffer is full"
    );
    let mut got = 0;
    while got < sent {
        match fx.srv().recv(a, 4096, MsgFlags::NONE) {
            Ok(d) => got += d.len(),
            Err(WsaError::WSAEWOULDBLOCK) => fx.run_ms(10),
            Err(e) => panic!("{e}"),
        }
    }
    fx.settle();
    assert_eq!(fx.drain(fx.cwin), vec![(c, WRITE, None)]);
    assert_eq!(last_rule(&fx), Rule::WriteAfterWouldBlock);
}

#[test]
fn fd_write_1_on_select_of_an_unbound_datagram_socket() {
    // "if a send or sendto is possible": sendto on an unbound socket binds it implicitly.
    let mut fx = Fx::new();
    let u = fx.srv().socket(SocketType::Dgram).unwrap();
    let main = fx.main;
    fx.srv().wsa_async_select(u, main, WM, WRITE).unwrap();
    assert_eq!(fx.take(main), Some((u, WRITE, None)));
    assert_eq!(last_rule(&fx), Rule::WriteOnSelect);
    assert_eq!(
        fx.srv()
            .sendto(u, b"x", addr("10.0.0.1:53"), MsgFlags::NONE),
        Ok(1)
    );
}

#[test]
fn fd_write_4_after_bind_on_a_datagram_socket() {
    let mut fx = Fx::new();
    let u = fx.srv().socket(SocketType::Dgram).unwrap();
    let main = fx.main;
    fx.srv().wsa_async_select(u, main, WM, WRITE).unwrap();
    assert_eq!(fx.take(main), Some((u, WRITE, None)), "FD_WRITE.1");
    // A send that fails still re-enables FD_WRITE; bind then posts it.
    assert_eq!(
        fx.srv().send(u, b"x", MsgFlags::NONE),
        Err(WsaError::WSAENOTCONN)
    );
    fx.srv().bind(u, addr("10.0.0.2:53")).unwrap();
    assert_eq!(fx.take(main), Some((u, WRITE, None)));
    assert_eq!(last_rule(&fx), Rule::WriteAfterBind);
}

#[test]
fn fd_write_2_after_fd_connect_on_a_datagram_socket() {
    // "An FD_WRITE message is posted when a socket is first connected with connect …
    // (after FD_CONNECT, if also registered)": unbound and bound, FD_WRITE armed.
    for bound in [false, true] {
        let mut fx = Fx::new();
        let u = fx.cli().socket(SocketType::Dgram).unwrap();
        if bound {
            fx.cli().bind(u, addr("10.0.0.1:5000")).unwrap();
        }
        let cwin = fx.cwin;
        fx.cli()
            .wsa_async_select(u, cwin, WM, CONNECT | WRITE)
            .unwrap();
        assert_eq!(fx.drain(cwin), vec![(u, WRITE, None)], "FD_WRITE.1");
        // sendto re-enables FD_WRITE.
        assert_eq!(
            fx.cli()
                .sendto(u, b"x", addr("10.0.0.2:53"), MsgFlags::NONE),
            Ok(1)
        );
        assert_eq!(fx.cli().connect(u, addr("10.0.0.2:53")), Ok(()));
        assert_eq!(
            fx.drain(cwin),
            vec![(u, CONNECT, None), (u, WRITE, None)],
            "bound: {bound}"
        );
        assert_eq!(last_rule(&fx), Rule::WriteOnConnect);
    }
}

#[test]
fn fd_write_2_on_a_datagram_connect_waits_for_send_once_posted() {
    // NOFLOOD: the FD_WRITE of the selection was not re-enabled by a send.
    let mut fx = Fx::new();
    let u = fx.cli().socket(SocketType::Dgram).unwrap();
    let cwin = fx.cwin;
    fx.cli()
        .wsa_async_select(u, cwin, WM, CONNECT | WRITE)
        .unwrap();
    assert_eq!(fx.drain(cwin), vec![(u, WRITE, None)]);
    assert_eq!(fx.cli().connect(u, addr("10.0.0.2:53")), Ok(()));
    assert_eq!(fx.drain(cwin), vec![(u, CONNECT, None)]);
    assert!(suppressed_citing(&fx, Rule::NoFlood));
}

#[test]
fn fd_oob_1_on_select_2_on_arrival_3_after_recv() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(NONE, NONE);
    fx.cli().send(c, b"!", MsgFlags::OOB).unwrap();
    fx.settle();
    let main = fx.main;
    fx.srv().wsa_async_select(a, main, WM, OOB).unwrap();
    assert_eq!(fx.take(main), Some((a, OOB, None)));
    assert_eq!(last_rule(&fx), Rule::OobOnSelect);
    // MSG_PEEK leaves the urgent byte: OOB data is still available, so FD_OOB again.
    let peek_oob = MsgFlags {
        oob: true,
        peek: true,
    };
    assert_eq!(fx.srv().recv(a, 1, peek_oob).unwrap(), b"!");
    assert_eq!(
        fx.take(main),
        Some((a, OOB, None)),
        "the urgent byte remains"
    );
    assert_eq!(last_rule(&fx), Rule::OobAfterRecv);
    // One urgent pointer (documented profile): a new urgent byte replaces the unread one.
    fx.cli().send(c, b"?", MsgFlags::OOB).unwrap();
    fx.settle();
    assert_eq!(fx.take(main), None, "FD_OOB already posted");
    assert_eq!(fx.srv().recv(a, 1, MsgFlags::OOB).unwrap(), b"?");
    assert_eq!(fx.take(main), None);
    assert_eq!(
        fx.srv().recv(a, 1, MsgFlags::OOB),
        Err(WsaError::WSAEWOULDBLOCK)
    );
    fx.cli().send(c, b"#", MsgFlags::OOB).unwrap();
    fx.settle();
    assert_eq!(fx.take(main), Some((a, OOB, None)));
    assert_eq!(last_rule(&fx), Rule::OobOnArrival);
    assert_eq!(fx.srv().ioctlsocket(a, Ioctl::Siocatmark), Ok(0));
}

#[test]
fn oob_inline_is_reported_as_fd_read() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(READ | OOB, NONE);
    fx.srv().setsockopt(a, SockOpt::OobInline(true)).unwrap();
    fx.cli().send(c, b"ab!", MsgFlags::OOB).unwrap();
    fx.settle();
    assert_eq!(fx.drain(fx.main), vec![(a, READ, None)]);
    assert_eq!(last_rule(&fx), Rule::OobInline);
    assert_eq!(fx.srv().recv(a, 1, MsgFlags::OOB), Err(WsaError::WSAEINVAL));
    assert_eq!(fx.srv().recv(a, 10, MsgFlags::NONE).unwrap(), b"ab!");
}

#[test]
fn fd_accept_3_after_accept_while_more_wait() {
    let mut fx = Fx::new();
    let l = fx.listener(ACCEPT);
    fx.connecting(NONE);
    fx.connecting(NONE);
    fx.settle();
    assert_eq!(fx.drain(fx.main), vec![(l, ACCEPT, None)]);
    assert_eq!(
        fx.rules(),
        vec![Rule::AcceptOnArrival],
        "one FD_ACCEPT for two arrivals"
    );
    fx.srv().accept(l).unwrap();
    assert_eq!(fx.drain(fx.main), vec![(l, ACCEPT, None)]);
    assert_eq!(last_rule(&fx), Rule::AcceptAfterAccept);
    fx.srv().accept(l).unwrap();
    assert_eq!(fx.drain(fx.main), vec![]);
    assert_eq!(fx.srv().accept(l), Err(WsaError::WSAEWOULDBLOCK));
}

#[test]
fn accepted_socket_inherits_the_selection() {
    let mut fx = Fx::new();
    let l = fx.listener(ACCEPT | READ | CLOSE);
    let c = fx.connecting(NONE);
    fx.settle();
    fx.cli().send(c, b"early", MsgFlags::NONE).unwrap();
    fx.settle();
    fx.drain(fx.main);
    let (a, _) = fx.srv().accept(l).unwrap();
    let info = fx.sim.socket_info(a).unwrap();
    assert!(info.nonblocking());
    assert_eq!(info.notify().events(), ACCEPT | READ | CLOSE);
    assert_eq!(
        fx.drain(fx.main),
        vec![(a, READ, None)],
        "data already there: FD_READ with the inherited selection"
    );
    assert_eq!(last_rule(&fx), Rule::AcceptInherits);
}

#[test]
fn fd_connect_1_on_select_when_connected() {
    let mut fx = Fx::new();
    let (_l, c, _a) = fx.established(NONE, NONE);
    let cwin = fx.cwin;
    fx.cli().wsa_async_select(c, cwin, WM, CONNECT).unwrap();
    assert_eq!(fx.drain(cwin), vec![(c, CONNECT, None)]);
    assert_eq!(last_rule(&fx), Rule::ConnectOnSelect);
}

#[test]
fn fd_connect_2_established_and_at_once_for_datagram_sockets() {
    let mut fx = Fx::new();
    fx.listener(NONE);
    let c = fx.connecting(CONNECT);
    fx.settle();
    assert_eq!(fx.drain(fx.cwin), vec![(c, CONNECT, None)]);
    let u = fx.cli().socket(SocketType::Dgram).unwrap();
    let cwin = fx.cwin;
    fx.cli().wsa_async_select(u, cwin, WM, CONNECT).unwrap();
    assert_eq!(fx.cli().connect(u, addr("10.0.0.2:53")), Ok(()));
    assert_eq!(fx.drain(cwin), vec![(u, CONNECT, None)]);
    assert_eq!(last_rule(&fx), Rule::ConnectEstablished);
}

#[test]
fn fd_connect_4_refused() {
    let mut fx = Fx::new();
    let c = fx.connecting(CONNECT | WRITE); // nobody listens on port 80
    fx.settle();
    assert_eq!(
        fx.drain(fx.cwin),
        vec![(c, CONNECT, Some(WsaError::WSAECONNREFUSED))]
    );
    assert_eq!(last_rule(&fx), Rule::ConnectOutcome);
    assert_eq!(
        fx.cli().send(c, b"x", MsgFlags::NONE),
        Err(WsaError::WSAENOTCONN)
    );
}

#[test]
fn fd_connect_4_a_second_outcome_is_not_posted_and_no_call_re_enables_it() {
    // FD_CONNECT has no re-enabling call: after the refused connect, a second connect's
    // outcome is not posted (NOFLOOD), and the trace says why in the page's terms.
    let mut fx = Fx::new();
    let c = fx.connecting(CONNECT); // nobody listens on port 80 yet
    fx.settle();
    assert_eq!(
        fx.drain(fx.cwin),
        vec![(c, CONNECT, Some(WsaError::WSAECONNREFUSED))]
    );
    fx.listener(NONE);
    assert_eq!(
        fx.cli().connect(c, addr(PORT_ADDR)),
        Err(WsaError::WSAEWOULDBLOCK)
    );
    fx.settle();
    assert_eq!(fx.drain(fx.cwin), vec![]);
    assert!(suppressed(&fx, Suppression::OncePerSelection));
    assert!(!suppressed(&fx, Suppression::AwaitingReenable));
    assert_eq!(
        fx.sim.socket_info(c).unwrap().state(),
        TcpState::Established
    );
}

#[test]
fn fd_connect_4_timed_out_after_21_seconds() {
    let mut fx = Fx::new();
    fx.listener(NONE);
    let (s, c) = (fx.server, fx.client);
    fx.sim.partition(c, s);
    let start = fx.sim.now();
    let sock = fx.connecting(CONNECT);
    fx.settle();
    assert_eq!(
        fx.drain(fx.cwin),
        vec![(sock, CONNECT, Some(WsaError::WSAETIMEDOUT))]
    );
    assert_eq!(
        fx.sim.now() - start,
        Duration::from_secs(21),
        "SYN at 0, 3 and 9 s; give up at 21 s"
    );
}

#[test]
fn fd_connect_4_network_unreachable() {
    let mut fx = Fx::new();
    let c = fx.cli().socket(SocketType::Stream).unwrap();
    let cwin = fx.cwin;
    fx.cli().wsa_async_select(c, cwin, WM, CONNECT).unwrap();
    assert_eq!(
        fx.cli().connect(c, addr("192.168.7.7:80")),
        Err(WsaError::WSAEWOULDBLOCK)
    );
    fx.settle();
    assert_eq!(
        fx.drain(cwin),
        vec![(c, CONNECT, Some(WsaError::WSAENETUNREACH))]
    );
}

#[test]
fn fd_close_1_on_select_after_close() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(NONE, NONE);
    fx.cli().closesocket(c).unwrap();
    fx.run_ms(50);
    let main = fx.main;
    fx.srv().wsa_async_select(a, main, WM, CLOSE).unwrap();
    assert_eq!(fx.drain(main), vec![(a, CLOSE, None)]);
    assert_eq!(last_rule(&fx), Rule::CloseOnSelect);
}

#[test]
fn fd_close_2_graceful_waits_for_unread_data() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(READ | CLOSE, NONE);
    fx.cli().send(c, b"last words", MsgFlags::NONE).unwrap();
    fx.cli().closesocket(c).unwrap();
    fx.run_ms(50);
    assert_eq!(
        fx.drain(fx.main),
        vec![(a, READ, None)],
        "no FD_CLOSE while data is unread"
    );
    assert!(suppressed(&fx, Suppression::DataUnread));
    assert_eq!(
        fx.srv().recv(a, 100, MsgFlags::NONE).unwrap(),
        b"last words"
    );
    assert_eq!(fx.drain(fx.main), vec![(a, CLOSE, None)]);
    assert_eq!(last_rule(&fx), Rule::CloseGraceful);
    assert!(fx
        .sim
        .trace()
        .to_string()
        .contains(&format!("[{}]", Rule::CloseWaitsForData.id())));
    assert_eq!(
        fx.srv().recv(a, 100, MsgFlags::NONE).unwrap(),
        b"",
        "recv returns 0 at the end"
    );
    assert_eq!(fx.sim.socket_info(a).unwrap().state(), TcpState::CloseWait);
}

#[test]
fn fd_close_2_graceful_waits_for_an_unread_urgent_byte() {
    // "when no data currently available to receive", and an urgent byte is "OOB data
    // currently available to receive" (FD_OOB.1).
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(OOB | CLOSE, NONE);
    fx.cli().send(c, b"!", MsgFlags::OOB).unwrap();
    fx.cli().closesocket(c).unwrap();
    fx.run_ms(50);
    assert_eq!(fx.drain(fx.main), vec![(a, OOB, None)], "no FD_CLOSE yet");
    assert!(suppressed(&fx, Suppression::DataUnread));
    assert_eq!(fx.srv().recv(a, 1, MsgFlags::OOB).unwrap(), b"!");
    assert_eq!(fx.drain(fx.main), vec![(a, CLOSE, None)]);
    assert_eq!(last_rule(&fx), Rule::CloseGraceful);
}

#[test]
fn fd_close_windows_posts_at_fin_with_an_urgent_byte_unread() {
    let mut fx = Fx::with_profile(Profile::Windows);
    let (_l, c, a) = fx.established(OOB | CLOSE, NONE);
    fx.cli().send(c, b"!", MsgFlags::OOB).unwrap();
    fx.cli().closesocket(c).unwrap();
    fx.run_ms(50);
    assert_eq!(fx.drain(fx.main), vec![(a, OOB, None), (a, CLOSE, None)]);
}

#[test]
fn fd_close_indication_in_a_simultaneous_close() {
    // Both sides shut down at once: each FIN arrives in FIN_WAIT_1 (CLOSING), and FD_CLOSE
    // is posted at that close indication, before TIME_WAIT.
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(CLOSE, CLOSE);
    fx.cli().shutdown(c, Shutdown::Send).unwrap();
    fx.srv().shutdown(a, Shutdown::Send).unwrap();
    fx.run_ms(2);
    assert_eq!(fx.drain(fx.main), vec![(a, CLOSE, None)]);
    assert_eq!(fx.drain(fx.cwin), vec![(c, CLOSE, None)]);
    assert_eq!(
        fx.rules(),
        vec![Rule::CloseIndication, Rule::CloseIndication]
    );
    fx.run_ms(50);
    assert_eq!(fx.sim.socket_info(c).unwrap().state(), TcpState::TimeWait);
}

#[test]
fn select_invalid_for_an_unknown_event_bit_or_a_destroyed_window() {
    let mut fx = Fx::new();
    let u = fx.srv().socket(SocketType::Stream).unwrap();
    let main = fx.main;
    assert_eq!(
        fx.srv()
            .wsa_async_select(u, main, WM, NetworkEvent::from_bits(0x8000)),
        Err(WsaError::WSAEINVAL)
    );
    let refused = |fx: &Fx| {
        fx.sim
            .trace()
            .iter()
            .flat_map(|e| e.changes)
            .filter(|c| {
                matches!(
                    c,
                    Change::Refused {
                        rule: Rule::SelectInvalid,
                        ..
                    }
                )
            })
            .count()
    };
    assert_eq!(refused(&fx), 1);
    fx.sim.destroy_window(main);
    assert_eq!(
        fx.srv().wsa_async_select(u, main, WM, READ),
        Err(WsaError::WSAEINVAL)
    );
    assert_eq!(refused(&fx), 2);
    // Cancelling does not use the window: it succeeds.
    assert_eq!(fx.srv().wsa_async_select(u, main, WM, NONE), Ok(()));
    assert_eq!(refused(&fx), 2);
}

#[test]
fn fd_close_3_after_local_shutdown_and_peer_fin() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(CLOSE, CLOSE);
    fx.cli().shutdown(c, Shutdown::Send).unwrap();
    fx.run_ms(50);
    assert_eq!(fx.sim.socket_info(c).unwrap().state(), TcpState::FinWait2);
    assert_eq!(fx.drain(fx.main), vec![(a, CLOSE, None)]);
    fx.srv().closesocket(a).unwrap();
    fx.run_ms(50);
    assert_eq!(fx.drain(fx.cwin), vec![(c, CLOSE, None)]);
    assert_eq!(last_rule(&fx), Rule::CloseAfterShutdown);
    assert_eq!(fx.sim.socket_info(c).unwrap().state(), TcpState::TimeWait);
}

#[test]
fn fd_close_4_reset_by_peer() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(READ | CLOSE, NONE);
    fx.cli()
        .setsockopt(c, SockOpt::Linger { on: true, secs: 0 })
        .unwrap();
    fx.cli().closesocket(c).unwrap();
    fx.run_ms(50);
    assert_eq!(
        fx.drain(fx.main),
        vec![(a, CLOSE, Some(WsaError::WSAECONNRESET))]
    );
    assert_eq!(last_rule(&fx), Rule::CloseReset);
    assert_eq!(
        fx.srv().recv(a, 10, MsgFlags::NONE),
        Err(WsaError::WSAECONNRESET)
    );
    assert_eq!(
        fx.srv().send(a, b"x", MsgFlags::NONE),
        Err(WsaError::WSAECONNRESET)
    );
}

#[test]
fn fd_close_aborted_when_retransmissions_time_out() {
    let mut fx = Fx::new();
    let (_l, c, _a) = fx.established(NONE, CLOSE);
    let (s, cl) = (fx.server, fx.client);
    fx.sim.partition(cl, s);
    fx.cli().send(c, b"into the void", MsgFlags::NONE).unwrap();
    fx.settle();
    assert_eq!(
        fx.drain(fx.cwin),
        vec![(c, CLOSE, Some(WsaError::WSAECONNABORTED))]
    );
    assert_eq!(last_rule(&fx), Rule::CloseAborted);
    assert_eq!(
        fx.cli().send(c, b"x", MsgFlags::NONE),
        Err(WsaError::WSAECONNABORTED)
    );
}

#[test]
fn network_down_posts_wsaenetdown_and_fails_calls() {
    let mut fx = Fx::new();
    let (l, _c, a) = fx.established(ACCEPT | CLOSE, NONE);
    let s = fx.server;
    fx.sim.network_down(s);
    assert_eq!(
        fx.drain(fx.main),
        vec![
            (l, ACCEPT, Some(WsaError::WSAENETDOWN)),
            (a, CLOSE, Some(WsaError::WSAENETDOWN))
        ]
    );
    assert_eq!(last_rule(&fx), Rule::NetworkDown);
    let main = fx.main;
    assert_eq!(
        fx.srv().wsa_async_select(l, main, WM, ACCEPT),
        Err(WsaError::WSAENETDOWN)
    );
    fx.sim.network_up(s);
    assert_eq!(fx.srv().wsa_async_select(l, main, WM, ACCEPT), Ok(()));
}

#[test]
fn fd_qos_is_edge_triggered() {
    let mut fx = Fx::new();
    let (_l, _c, a) = fx.established(NONE, NONE);
    fx.sim.change_qos(a);
    let main = fx.main;
    fx.srv()
        .wsa_async_select(a, main, WM, NetworkEvent::FD_QOS)
        .unwrap();
    assert_eq!(fx.drain(main), vec![(a, NetworkEvent::FD_QOS, None)]);
    assert_eq!(last_rule(&fx), Rule::QosOnSelect);
    fx.sim.change_qos(a);
    assert_eq!(fx.drain(main), vec![], "not re-enabled yet");
    let qos = fx.srv().wsa_ioctl(a, WsaIoctl::GetQos).unwrap().unwrap();
    assert_eq!(qos.generation, 2);
    assert_eq!(
        fx.drain(main),
        vec![],
        "edge-triggered: re-enabling posts nothing"
    );
    fx.sim.change_qos(a);
    assert_eq!(fx.drain(main), vec![(a, NetworkEvent::FD_QOS, None)]);
    assert_eq!(last_rule(&fx), Rule::QosChanged);
}

#[test]
fn fd_routing_interface_change_once_per_ioctl() {
    let mut fx = Fx::new();
    let (_l, c, _a) = fx.established(NONE, NONE);
    let cwin = fx.cwin;
    let ev = NetworkEvent::FD_ROUTING_INTERFACE_CHANGE;
    fx.cli().wsa_async_select(c, cwin, WM, ev).unwrap();
    assert_eq!(
        fx.cli()
            .wsa_ioctl(c, WsaIoctl::RoutingInterfaceChange(None)),
        Err(WsaError::WSAEWOULDBLOCK)
    );
    let h = fx.client;
    fx.sim.route_change(h);
    fx.sim.route_change(h);
    assert_eq!(fx.drain(cwin), vec![(c, ev, None)]);
    assert_eq!(last_rule(&fx), Rule::RoutingInterfaceChange);
    let _ = fx
        .cli()
        .wsa_ioctl(c, WsaIoctl::RoutingInterfaceChange(None));
    let s = fx.server;
    fx.sim.partition(h, s);
    assert_eq!(
        fx.drain(cwin),
        vec![(c, ev, Some(WsaError::WSAENETUNREACH))],
        "destination no longer reachable"
    );
}

#[test]
fn fd_address_list_change_once_per_ioctl() {
    let mut fx = Fx::new();
    let u = fx.srv().socket(SocketType::Dgram).unwrap();
    let main = fx.main;
    let ev = NetworkEvent::FD_ADDRESS_LIST_CHANGE;
    fx.srv().wsa_async_select(u, main, WM, ev).unwrap();
    let _ = fx.srv().wsa_ioctl(u, WsaIoctl::AddressListChange);
    let h = fx.server;
    fx.sim.add_address(h, "10.0.0.3".parse().unwrap()).unwrap();
    fx.sim.remove_address(h, "10.0.0.3".parse().unwrap());
    assert_eq!(fx.drain(main), vec![(u, ev, None)]);
    assert_eq!(last_rule(&fx), Rule::AddressListChange);
    let _ = fx.srv().wsa_ioctl(u, WsaIoctl::AddressListChange);
    fx.sim.network_down(h);
    assert_eq!(fx.drain(main), vec![(u, ev, Some(WsaError::WSAENETDOWN))]);
}

#[test]
fn a_failing_reenabling_call_still_reenables() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(READ, NONE);
    fx.cli().send(c, b"x", MsgFlags::NONE).unwrap();
    fx.settle();
    assert_eq!(fx.take(fx.main), Some((a, READ, None)));
    assert_eq!(last_rule(&fx), Rule::ReadOnArrival);
    // recv(MSG_OOB) fails (no urgent data), but it is a recv: FD_READ is re-enabled and,
    // data being there, posted again.
    assert_eq!(
        fx.srv().recv(a, 1, MsgFlags::OOB),
        Err(WsaError::WSAEWOULDBLOCK)
    );
    assert_eq!(fx.take(fx.main), Some((a, READ, None)));
    let rearmed = fx.sim.trace().iter().flat_map(|e| e.changes).any(|c| {
        matches!(
            c,
            Change::Latch {
                armed: true,
                rule: Rule::Reenable,
                ..
            }
        )
    });
    assert!(rearmed);
}

#[test]
fn select_makes_nonblocking_and_blocking_needs_cancel() {
    let mut fx = Fx::new();
    let (_l, _c, a) = fx.established(NONE, NONE);
    assert!(!fx.sim.socket_info(a).unwrap().nonblocking());
    let notes = |fx: &Fx, rule: Rule| {
        fx.sim
            .trace()
            .to_string()
            .contains(&format!("[{}]", rule.id()))
    };
    let main = fx.main;
    fx.srv().wsa_async_select(a, main, WM, READ).unwrap();
    assert!(fx.sim.socket_info(a).unwrap().nonblocking());
    assert!(notes(&fx, Rule::SelectNonblocking) && notes(&fx, Rule::SelectReplaces));
    assert_eq!(
        fx.srv().recv(a, 10, MsgFlags::NONE),
        Err(WsaError::WSAEWOULDBLOCK)
    );
    assert_eq!(fx.srv().ioctl_fionbio(a, false), Err(WsaError::WSAEINVAL));
    assert!(notes(&fx, Rule::BlockingNeedsCancel));
    fx.srv()
        .wsa_async_select(a, main, WindowMessage(0), NONE)
        .unwrap();
    assert!(notes(&fx, Rule::SelectCancel));
    assert_eq!(fx.srv().ioctl_fionbio(a, false), Ok(0));
}

#[test]
fn no_fd_close_after_closesocket() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(CLOSE, CLOSE);
    fx.cli().closesocket(c).unwrap();
    fx.run_ms(50);
    assert_eq!(fx.drain(fx.main), vec![(a, CLOSE, None)]);
    fx.srv().closesocket(a).unwrap();
    fx.run_ms(50);
    assert_eq!(
        fx.drain(fx.cwin),
        vec![],
        "the client closed its socket: no FD_CLOSE"
    );
    assert!(suppressed(&fx, Suppression::SocketClosed));
    assert!(suppressed_citing(&fx, Rule::NoCloseAfterClosesocket));
}

#[test]
fn fd_group_qos_is_accepted_and_never_posted() {
    let mut fx = Fx::new();
    let (_l, _c, a) = fx.established(NONE, NONE);
    let main = fx.main;
    // Rule::GroupQosReserved: accepted in lEvent, never posted.
    assert_eq!(
        fx.srv()
            .wsa_async_select(a, main, WM, NetworkEvent::FD_GROUP_QOS),
        Ok(())
    );
    fx.sim.change_qos(a);
    assert_eq!(fx.drain(main), vec![]);
    assert_eq!(
        fx.srv()
            .wsa_async_select(a, main, WM, NetworkEvent::from_bits(0x400)),
        Err(WsaError::WSAEINVAL)
    );
}

#[test]
fn wsaasyncselect_errors() {
    let mut fx = Fx::new();
    let main = fx.main;
    let s = fx.srv().socket(SocketType::Stream).unwrap();
    assert_eq!(
        fx.srv()
            .wsa_async_select(SocketHandle(9999), main, WM, READ),
        Err(WsaError::WSAENOTSOCK)
    );
    assert_eq!(
        fx.srv().wsa_async_select(s, Hwnd(0xdead), WM, READ),
        Err(WsaError::WSAEINVAL)
    );
    let cwin = fx.cwin;
    assert_eq!(
        fx.srv().wsa_async_select(s, cwin, WM, READ),
        Err(WsaError::WSAEINVAL),
        "another host's window"
    );
    fx.sim.destroy_window(main);
    assert_eq!(
        fx.srv().wsa_async_select(s, main, WM, READ),
        Err(WsaError::WSAEINVAL),
        "destroyed window"
    );
    let mut fresh = Sim::new();
    let h = fresh.add_host("h", "10.0.0.9".parse().unwrap()).unwrap();
    let w = fresh.create_window(h, "w");
    assert_eq!(
        fresh.on(h).socket(SocketType::Stream),
        Err(WsaError::WSANOTINITIALISED)
    );
    assert_eq!(
        fresh.on(h).wsa_async_select(SocketHandle(100), w, WM, READ),
        Err(WsaError::WSANOTINITIALISED)
    );
    assert_eq!(
        fresh.on(h).wsa_get_last_error(),
        Some(WsaError::WSANOTINITIALISED)
    );
}

#[test]
fn wsaeventselect_and_wsaasyncselect_cancel_each_other() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(NONE, NONE);
    let e = fx.srv().wsa_create_event().unwrap();
    fx.srv().wsa_event_select(a, e, READ | WRITE).unwrap();
    let got = fx.srv().wsa_enum_network_events(a, Some(e)).unwrap();
    assert_eq!(got.events, WRITE, "persistence: FD_WRITE recorded at once");
    fx.cli().send(c, b"x", MsgFlags::NONE).unwrap();
    fx.settle();
    assert!(fx.sim.event_objects()[0].signaled);
    assert_eq!(
        fx.srv().wsa_enum_network_events(a, Some(e)).unwrap().events,
        READ
    );
    assert!(!fx.sim.event_objects()[0].signaled);
    let main = fx.main;
    fx.srv().wsa_async_select(a, main, WM, READ).unwrap();
    assert_eq!(fx.drain(main), vec![(a, READ, None)]);
    fx.cli().send(c, b"y", MsgFlags::NONE).unwrap();
    fx.settle();
    assert_eq!(
        fx.srv().wsa_enum_network_events(a, Some(e)).unwrap().events,
        NONE,
        "the event selection was cancelled"
    );
}

#[test]
fn every_rule_is_named_by_a_test() {
    // A new rule needs a test: each rule must be named in one of the integration tests.
    let src = [
        include_str!("rules.rs"),
        include_str!("spec_sequences.rs"),
        include_str!("exchanges.rs"),
    ]
    .concat();
    for r in Rule::ALL {
        let name = format!("Rule::{r:?}");
        let self_mention = format!("\"{name}\"");
        assert!(
            src.matches(&name).count() > src.matches(&self_mention).count(),
            "no test names {name}"
        );
    }
}

#[test]
fn wsaasyncselect_fails_with_wsaeinprogress_during_a_blocking_call() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(NONE, NONE);
    fx.cli().send(c, b"late", MsgFlags::NONE).unwrap();
    let (server, main) = (fx.server, fx.main);
    let mut seen = Vec::new();
    let mut hook = |sim: &mut Sim, h: HostId| {
        seen.push(sim.on(h).wsa_async_select(a, main, WM, READ));
    };
    let got = fx
        .sim
        .on(server)
        .with_blocking_hook(&mut hook)
        .recv(a, 10, MsgFlags::NONE);
    assert_eq!(got.unwrap(), b"late");
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|r| *r == Err(WsaError::WSAEINPROGRESS)));
    assert_eq!(
        fx.srv().wsa_async_select(a, main, WM, READ),
        Ok(()),
        "after the call it works"
    );
}

// ----- the WSA forms of the re-enabling calls, and the other functions the page names -----

/// The last trace entry as text.
fn last_line(fx: &Fx) -> String {
    let trace = fx.sim.trace();
    let last = trace.iter().last().expect("a step");
    let line = trace.show(&last).to_string();
    line
}

/// True if the last step re-armed `event`'s latch on `s` (the re-enabling table).
fn last_step_rearmed(fx: &Fx, s: SocketHandle, event: NetworkEvent) -> bool {
    let trace = fx.sim.trace();
    let last = trace.iter().last().expect("a step");
    last.changes.iter().any(|c| {
        matches!(c, Change::Latch { socket, events, armed: true, rule: Rule::Reenable }
            if *socket == s && events.contains(event))
    })
}

#[test]
fn wsarecv_reenables_fd_read_like_recv() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(READ, NONE);
    fx.cli().send(c, &[7; 100], MsgFlags::NONE).unwrap();
    fx.settle();
    assert_eq!(fx.take(fx.main), Some((a, READ, None)));
    let r = fx.srv().call(Call::WsaRecv {
        s: a,
        len: 50,
        flags: MsgFlags::NONE,
    });
    assert_eq!(r, Ok(Returned::Received(vec![7; 50])));
    let shown = last_line(&fx);
    assert!(shown.contains("WSARecv(108, 50, 0)"), "{shown}");
    assert_eq!(fx.take(fx.main), Some((a, READ, None)), "50 bytes remain");
    assert_eq!(last_rule(&fx), Rule::ReadAfterRecv);
}

#[test]
fn wsarecvfrom_and_wsasendto_on_a_datagram_socket() {
    let mut fx = Fx::new();
    let u = fx.srv().socket(SocketType::Dgram).unwrap();
    fx.srv().bind(u, addr("10.0.0.2:53")).unwrap();
    let main = fx.main;
    fx.srv().wsa_async_select(u, main, WM, READ).unwrap();
    fx.drain(main);
    let k = fx.cli().socket(SocketType::Dgram).unwrap();
    let sent = fx.cli().call(Call::WsaSendTo {
        s: k,
        data: b"one".to_vec(),
        to: addr("10.0.0.2:53"),
        flags: MsgFlags::NONE,
    });
    assert_eq!(sent, Ok(Returned::Sent(3)));
    fx.cli()
        .sendto(k, b"two", addr("10.0.0.2:53"), MsgFlags::NONE)
        .unwrap();
    fx.settle();
    assert_eq!(fx.drain(main), vec![(u, READ, None)]);
    let r = fx.srv().call(Call::WsaRecvFrom {
        s: u,
        len: 10,
        flags: MsgFlags::NONE,
    });
    let Ok(Returned::ReceivedFrom(d, _)) = r else {
        panic!("{r:?}")
    };
    assert_eq!(d, b"one");
    assert_eq!(
        fx.drain(main),
        vec![(u, READ, None)],
        "WSARecvFrom re-enables FD_READ; a datagram remains"
    );
}

#[test]
fn wsasend_reenables_fd_write() {
    let mut fx = Fx::new();
    let (_l, c, _a) = fx.established(NONE, WRITE);
    let r = fx.cli().call(Call::WsaSend {
        s: c,
        data: b"hello".to_vec(),
        flags: MsgFlags::NONE,
    });
    assert_eq!(r, Ok(Returned::Sent(5)), "lpNumberOfBytesSent");
    assert!(last_step_rearmed(&fx, c, WRITE));
}

#[test]
fn wsaconnect_posts_fd_connect_then_fd_write() {
    let mut fx = Fx::new();
    let _l = fx.listener(NONE);
    let c = fx.cli().socket(SocketType::Stream).unwrap();
    let cwin = fx.cwin;
    fx.cli()
        .wsa_async_select(c, cwin, WM, CONNECT | WRITE)
        .unwrap();
    let r = fx.cli().call(Call::WsaConnect {
        s: c,
        addr: addr(PORT_ADDR),
    });
    assert_eq!(r, Err(WsaError::WSAEWOULDBLOCK));
    fx.settle();
    assert_eq!(fx.drain(cwin), vec![(c, CONNECT, None), (c, WRITE, None)]);
}

#[test]
fn wsaaccept_cf_defer_does_not_reenable_fd_accept() {
    let mut fx = Fx::new();
    let l = fx.listener(ACCEPT);
    let _c1 = fx.connecting(NONE);
    fx.settle();
    assert_eq!(fx.drain(fx.main), vec![(l, ACCEPT, None)]);
    let deferred = fx.srv().call(Call::WsaAccept {
        s: l,
        condition: Condition::Defer,
    });
    assert_eq!(deferred, Err(WsaError::WSATRY_AGAIN));
    assert!(!last_step_rearmed(&fx, l, ACCEPT));
    // Rule::AcceptDeferred: a second connection finds the latch still disarmed.
    let _c2 = fx.connecting(NONE);
    fx.settle();
    assert_eq!(fx.drain(fx.main), vec![], "no FD_ACCEPT: not re-enabled");
    assert!(suppressed_citing(&fx, Rule::NoFlood));
    let trace = fx.sim.trace();
    let shown: Vec<String> = trace.iter().map(|e| trace.show(&e).to_string()).collect();
    assert!(shown
        .iter()
        .any(|l| l.contains("WSAAccept(") && l.contains("CF_DEFER")));
    // CF_ACCEPT takes the deferred connection and re-enables FD_ACCEPT: another waits.
    let r = fx.srv().call(Call::WsaAccept {
        s: l,
        condition: Condition::Accept,
    });
    assert!(matches!(r, Ok(Returned::Accepted(..))), "{r:?}");
    assert_eq!(fx.drain(fx.main), vec![(l, ACCEPT, None)]);
    assert_eq!(last_rule(&fx), Rule::AcceptAfterAccept);
}

#[test]
fn wsaaccept_cf_reject_refuses_and_resets_the_client() {
    let mut fx = Fx::new();
    let l = fx.listener(ACCEPT);
    let c = fx.connecting(CONNECT | CLOSE);
    fx.settle();
    fx.drain(fx.main);
    assert_eq!(fx.drain(fx.cwin), vec![(c, CONNECT, None)]);
    let r = fx.srv().call(Call::WsaAccept {
        s: l,
        condition: Condition::Reject,
    });
    assert_eq!(r, Err(WsaError::WSAECONNREFUSED));
    assert!(
        last_step_rearmed(&fx, l, ACCEPT),
        "a failing WSAAccept re-enables"
    );
    fx.settle();
    assert_eq!(
        fx.drain(fx.cwin),
        vec![(c, CLOSE, Some(WsaError::WSAECONNRESET))]
    );
    assert_eq!(
        fx.srv().accept(l),
        Err(WsaError::WSAEWOULDBLOCK),
        "it left the queue"
    );
}

#[test]
fn fd_connect_3_wsajoinleaf_on_a_datagram_socket() {
    let mut fx = Fx::new();
    let u = fx.cli().socket(SocketType::Dgram).unwrap();
    let cwin = fx.cwin;
    fx.cli().wsa_async_select(u, cwin, WM, CONNECT).unwrap();
    let r = fx.cli().call(Call::WsaJoinLeaf {
        s: u,
        addr: addr("10.0.0.2:5000"),
    });
    assert_eq!(r, Ok(Returned::Socket(u)), "a c_leaf join returns s itself");
    assert_eq!(fx.drain(cwin), vec![(u, CONNECT, None)]);
    assert_eq!(last_rule(&fx), Rule::JoinLeafCompletes);
    let t = fx.cli().socket(SocketType::Stream).unwrap();
    assert_eq!(
        fx.cli().call(Call::WsaJoinLeaf {
            s: t,
            addr: addr("10.0.0.2:5000"),
        }),
        Err(WsaError::WSAEOPNOTSUPP),
        "TCP is not a multipoint protocol"
    );
}

#[test]
fn wsaioctl_fionbio_needs_the_selection_cancelled_first() {
    let mut fx = Fx::new();
    let (_l, _c, a) = fx.established(READ, NONE);
    let back = Call::WsaIoctl {
        s: a,
        cmd: WsaIoctl::Fionbio(false),
    };
    assert_eq!(fx.srv().call(back.clone()), Err(WsaError::WSAEINVAL));
    let main = fx.main;
    fx.srv().wsa_async_select(a, main, WM, NONE).unwrap();
    assert_eq!(fx.srv().call(back), Ok(Returned::Zero));
}

#[test]
fn fd_qos_renegotiating_reenables_it() {
    let mut fx = Fx::new();
    let (_l, _c, a) = fx.established(NetworkEvent::FD_QOS, NONE);
    let qos = NetworkEvent::FD_QOS;
    fx.sim.change_qos(a);
    assert_eq!(fx.drain(fx.main), vec![(a, qos, None)]);
    fx.sim.change_qos(a);
    assert_eq!(
        fx.drain(fx.main),
        vec![],
        "edge-triggered: no second FD_QOS"
    );
    // Rule::QosRenegotiated: the application renegotiates, which re-enables FD_QOS.
    let r = fx.srv().call(Call::WsaIoctl {
        s: a,
        cmd: WsaIoctl::SetQos(16_000),
    });
    assert_eq!(r, Ok(Returned::Zero));
    assert!(last_step_rearmed(&fx, a, qos));
    fx.sim.change_qos(a);
    assert_eq!(fx.drain(fx.main), vec![(a, qos, None)]);
}

#[test]
fn sio_get_group_qos_is_reserved() {
    let mut fx = Fx::new();
    let (_l, _c, a) = fx.established(NetworkEvent::FD_GROUP_QOS, NONE);
    let r = fx.srv().call(Call::WsaIoctl {
        s: a,
        cmd: WsaIoctl::GetGroupQos,
    });
    assert_eq!(r, Ok(Returned::Qos(Default::default())), "no socket group");
    assert_eq!(fx.drain(fx.main), vec![]);
}

#[test]
fn route_change_to_a_destination_fires_only_its_requests() {
    let mut fx = Fx::new();
    let ric = NetworkEvent::FD_ROUTING_INTERFACE_CHANGE;
    let cwin = fx.cwin;
    let watch = |fx: &mut Fx, dest: &str| {
        let u = fx.cli().socket(SocketType::Dgram).unwrap();
        fx.cli().wsa_async_select(u, cwin, WM, ric).unwrap();
        let r = fx.cli().call(Call::WsaIoctl {
            s: u,
            cmd: WsaIoctl::RoutingInterfaceChange(Some(addr(dest))),
        });
        assert_eq!(r, Err(WsaError::WSAEWOULDBLOCK));
        u
    };
    let to_server = watch(&mut fx, "10.0.0.2:80");
    let _elsewhere = watch(&mut fx, "10.9.9.9:80");
    let client = fx.client;
    fx.sim.route_change_to(client, "10.0.0.2".parse().unwrap());
    assert_eq!(fx.drain(cwin), vec![(to_server, ric, None)]);
}

#[test]
fn the_trace_names_peekmessage_pm_remove() {
    let mut fx = Fx::new();
    let main = fx.main;
    assert_eq!(fx.srv().peek_message(main, true), None);
    let shown = last_line(&fx);
    assert!(shown.contains("PeekMessage(main, PM_REMOVE)"), "{shown}");
}
