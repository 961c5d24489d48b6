//! Whole client/server exchanges: echo, blocking calls, UDP, many clients, determinism.

use crate::fixture::*;
use wsasim::*;

#[test]
fn echo_over_async_select_moves_every_byte_in_order() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(READ | WRITE | CLOSE, READ | WRITE | CLOSE);
    let payload: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    let mut sent = 0;
    let mut echoed = Vec::new();
    let mut back = Vec::new();
    for _ in 0..10_000 {
        if sent < payload.len() {
            if let Ok(n) = fx.cli().send(c, &payload[sent..], MsgFlags::NONE) {
                sent += n;
            }
        }
        if let Ok(d) = fx.srv().recv(a, 3000, MsgFlags::NONE) {
            echoed.extend_from_slice(&d);
            let mut off = 0;
            while off < d.len() {
                match fx.srv().send(a, &d[off..], MsgFlags::NONE) {
                    Ok(n) => off += n,
                    Err(_) => fx.run_ms(5),
                }
            }
        }
        if let Ok(d) = fx.cli().recv(c, 5000, MsgFlags::NONE) {
            back.extend_from_slice(&d);
        }
        if back.len() == payload.len() {
            break;
        }
        fx.run_ms(2);
    }
    assert_eq!(echoed, payload);
    assert_eq!(back, payload);
}

#[test]
fn blocking_calls_complete_when_the_world_lets_them() {
    let mut fx = Fx::new();
    let l = fx.listener(NONE);
    let c = fx.cli().socket(SocketType::Stream).unwrap();
    // A blocking connect runs the handshake inside the call.
    assert_eq!(fx.cli().connect(c, addr(PORT_ADDR)), Ok(()));
    let (a, _) = fx.srv().accept(l).unwrap();
    fx.cli().send(c, b"ping", MsgFlags::NONE).unwrap();
    // A blocking recv waits for the segment to arrive.
    assert_eq!(fx.srv().recv(a, 10, MsgFlags::NONE).unwrap(), b"ping");
    // Nothing will ever arrive: the blocking call is cancelled with WSAEINTR.
    assert_eq!(
        fx.srv().recv(a, 10, MsgFlags::NONE),
        Err(WsaError::WSAEINTR)
    );
    let outcomes: Vec<_> = fx.sim.trace().iter().map(|e| e.outcome.clone()).collect();
    assert!(outcomes.contains(&wsasim::trace::Outcome::Blocked));
    // A blocking connect to a port nobody listens on fails with WSAECONNREFUSED.
    let d = fx.cli().socket(SocketType::Stream).unwrap();
    assert_eq!(
        fx.cli().connect(d, addr("10.0.0.2:81")),
        Err(WsaError::WSAECONNREFUSED)
    );
}

#[test]
fn udp_datagrams_and_fd_read() {
    let mut fx = Fx::new();
    let u = fx.srv().socket(SocketType::Dgram).unwrap();
    fx.srv().bind(u, addr("10.0.0.2:53")).unwrap();
    let main = fx.main;
    fx.srv().wsa_async_select(u, main, WM, READ).unwrap();
    let k = fx.cli().socket(SocketType::Dgram).unwrap();
    assert_eq!(
        fx.cli()
            .sendto(k, b"query-1", addr("10.0.0.2:53"), MsgFlags::NONE),
        Ok(7)
    );
    assert_eq!(
        fx.cli()
            .sendto(k, b"query-2", addr("10.0.0.2:53"), MsgFlags::NONE),
        Ok(7)
    );
    fx.settle();
    assert_eq!(fx.drain(main), vec![(u, READ, None)]);
    let (d, from) = fx.srv().recvfrom(u, 100, MsgFlags::NONE).unwrap();
    assert_eq!(
        (d.as_slice(), from.ip),
        (&b"query-1"[..], "10.0.0.1".parse().unwrap())
    );
    assert_eq!(
        fx.drain(main),
        vec![(u, READ, None)],
        "level-triggered: one datagram remains"
    );
    assert_eq!(
        fx.srv().recvfrom(u, 3, MsgFlags::NONE),
        Err(WsaError::WSAEMSGSIZE)
    );
    assert_eq!(
        fx.srv().recvfrom(u, 100, MsgFlags::NONE),
        Err(WsaError::WSAEWOULDBLOCK)
    );
    assert_eq!(
        fx.cli()
            .sendto(k, b"x", addr("172.16.0.1:53"), MsgFlags::NONE),
        Err(WsaError::WSAENETUNREACH)
    );
}

#[test]
fn backlog_full_refuses_connections() {
    let mut fx = Fx::new();
    let l = fx.srv().socket(SocketType::Stream).unwrap();
    fx.srv().bind(l, addr(PORT_ADDR)).unwrap();
    fx.srv().listen(l, 1).unwrap();
    let a = fx.connecting(CONNECT);
    let b = fx.connecting(CONNECT);
    fx.settle();
    let got = fx.drain(fx.cwin);
    assert!(got.contains(&(a, CONNECT, None)));
    assert!(got.contains(&(b, CONNECT, Some(WsaError::WSAECONNREFUSED))));
}

#[test]
fn errors_of_bad_input_never_panic() {
    let mut fx = Fx::new();
    let bogus = SocketHandle(12345);
    assert_eq!(
        fx.srv().recv(bogus, 10, MsgFlags::NONE),
        Err(WsaError::WSAENOTSOCK)
    );
    assert_eq!(fx.srv().closesocket(bogus), Err(WsaError::WSAENOTSOCK));
    let u = fx.srv().socket(SocketType::Dgram).unwrap();
    assert_eq!(fx.srv().listen(u, 5), Err(WsaError::WSAEOPNOTSUPP));
    assert_eq!(fx.srv().accept(u), Err(WsaError::WSAEOPNOTSUPP));
    let s = fx.srv().socket(SocketType::Stream).unwrap();
    assert_eq!(fx.srv().listen(s, 5), Err(WsaError::WSAEINVAL), "not bound");
    assert_eq!(
        fx.srv().bind(s, addr("10.0.0.99:80")),
        Err(WsaError::WSAEADDRNOTAVAIL)
    );
    fx.srv().bind(s, addr("10.0.0.2:80")).unwrap();
    assert_eq!(
        fx.srv().bind(s, addr("10.0.0.2:81")),
        Err(WsaError::WSAEINVAL)
    );
    let t = fx.srv().socket(SocketType::Stream).unwrap();
    assert_eq!(
        fx.srv().bind(t, addr("10.0.0.2:80")),
        Err(WsaError::WSAEADDRINUSE)
    );
    assert_eq!(
        fx.srv().send(t, b"x", MsgFlags::NONE),
        Err(WsaError::WSAENOTCONN)
    );
    assert_eq!(
        fx.srv().shutdown(t, Shutdown::Send),
        Err(WsaError::WSAENOTCONN)
    );
    assert_eq!(
        fx.srv()
            .socket_in(wsasim::socket::AddressFamily::Inet6, SocketType::Stream),
        Err(WsaError::WSAEAFNOSUPPORT)
    );
    let c = fx.cli().socket(SocketType::Stream).unwrap();
    assert_eq!(
        fx.cli().connect(c, addr("0.0.0.0:80")),
        Err(WsaError::WSAEADDRNOTAVAIL)
    );
    // The client socket of a finished connect cannot connect again.
    let (l2, c2, _) = {
        let mut fx2 = Fx::new();
        let r = fx2.established(NONE, NONE);
        assert_eq!(
            fx2.cli().connect(r.1, addr(PORT_ADDR)),
            Err(WsaError::WSAEISCONN)
        );
        assert_eq!(
            fx2.srv().connect(r.0, addr("10.0.0.1:80")),
            Err(WsaError::WSAEINVAL)
        );
        r
    };
    let _ = (l2, c2);
}

#[test]
fn same_calls_same_trace() {
    fn run() -> String {
        let mut fx = Fx::new();
        let (_l, c, a) = fx.established(READ | WRITE | CLOSE, READ | CLOSE);
        fx.cli().send(c, &[1; 5000], MsgFlags::NONE).unwrap();
        fx.cli().send(c, b"!", MsgFlags::OOB).unwrap();
        fx.run_ms(3);
        let _ = fx.srv().recv(a, 999, MsgFlags::NONE);
        fx.cli().closesocket(c).unwrap();
        fx.settle();
        fx.sim.trace().to_string()
    }
    assert_eq!(run(), run());
}

#[test]
fn many_clients_each_get_their_own_accept_and_close() {
    let mut sim = Sim::new();
    let server = sim.add_host("server", "10.0.0.2".parse().unwrap()).unwrap();
    let main = sim.create_window(server, "main");
    sim.on(server).wsa_startup().unwrap();
    let l = sim.on(server).socket(SocketType::Stream).unwrap();
    sim.on(server).bind(l, addr(PORT_ADDR)).unwrap();
    sim.on(server).listen(l, 200).unwrap();
    sim.on(server)
        .wsa_async_select(l, main, WM, ACCEPT | READ | CLOSE)
        .unwrap();
    let mut clients = Vec::new();
    for i in 0..20u8 {
        let h = sim
            .add_host(&format!("c{i}"), wsasim::Ipv4([10, 0, 0, 10 + i]))
            .unwrap();
        sim.on(h).wsa_startup().unwrap();
        let c = sim.on(h).socket(SocketType::Stream).unwrap();
        sim.on(h).ioctl_fionbio(c, true).unwrap();
        let _ = sim.on(h).connect(c, addr(PORT_ADDR));
        clients.push((h, c));
    }
    sim.run_until_idle(100_000).unwrap();
    let mut accepted = 0;
    while let Some(m) = sim.on(server).get_message(main) {
        if m.lparam.event() == ACCEPT {
            while sim.on(server).accept(l).is_ok() {
                accepted += 1;
            }
        }
    }
    assert_eq!(accepted, 20);
    for (h, c) in clients {
        sim.on(h).closesocket(c).unwrap();
    }
    sim.run_for(Duration::from_millis(100), 100_000).unwrap();
    let closes = sim
        .window(main)
        .unwrap()
        .queue
        .iter()
        .filter(|m| m.lparam.event() == CLOSE)
        .count();
    assert_eq!(closes, 20);
}

#[test]
fn every_error_of_the_fd_connect_table_is_reachable() {
    let mut fx = Fx::new();
    let c = fx.cli().socket(SocketType::Stream).unwrap();
    // WSAEFAULT: the namelen parameter is invalid.
    assert_eq!(
        fx.cli().connect_namelen(c, addr(PORT_ADDR), 8),
        Err(WsaError::WSAEFAULT)
    );
    // WSAEAFNOSUPPORT: addresses in the specified family cannot be used with this socket.
    assert_eq!(
        fx.cli()
            .socket_in(wsasim::socket::AddressFamily::Inet6, SocketType::Stream),
        Err(WsaError::WSAEAFNOSUPPORT)
    );
    // WSAEINVAL: the socket is listening (in an invalid state for connect).
    let l = fx.listener(NONE);
    assert_eq!(
        fx.srv().connect(l, addr("10.0.0.1:80")),
        Err(WsaError::WSAEINVAL)
    );
    // WSAENOTCONN: not connected.
    assert_eq!(
        fx.cli().send(c, b"x", MsgFlags::NONE),
        Err(WsaError::WSAENOTCONN)
    );
    // WSAEISCONN: already connected.
    fx.cli().connect(c, addr(PORT_ADDR)).unwrap();
    assert_eq!(
        fx.cli().connect(c, addr(PORT_ADDR)),
        Err(WsaError::WSAEISCONN)
    );
    // WSAECONNREFUSED, WSAENETUNREACH, WSAETIMEDOUT: in rules.rs (FD_CONNECT.4).
}

#[test]
fn port_exhaustion_is_wsaenobufs_and_descriptor_exhaustion_wsaemfile() {
    let mut sim = Sim::new();
    let h = sim.add_host("h", "10.0.0.1".parse().unwrap()).unwrap();
    sim.on(h).wsa_startup().unwrap();
    let mut last = Ok(());
    for _ in 0..=(65535 - 49152) + 1 {
        let u = sim.on(h).socket(SocketType::Dgram).unwrap();
        last = sim.on(h).bind(u, addr("10.0.0.1:0"));
        if last.is_err() {
            break;
        }
    }
    assert_eq!(
        last,
        Err(WsaError::WSAENOBUFS),
        "no buffer space: every ephemeral port is taken"
    );
    let mut got = Ok(SocketHandle(0));
    for _ in 0..wsasim::sim::MAX_OBJECTS {
        got = sim.on(h).socket(SocketType::Dgram);
        if got.is_err() {
            break;
        }
    }
    assert_eq!(got, Err(WsaError::WSAEMFILE));
}

/// The worst a scenario can do with buffers: 300 connections whose ends all ask for
/// 1 MiB buffers, every sender filling its buffer and nobody reading. The world grants
/// buffers beyond the defaults up to `WORLD_BUFFERS` in all, so what it holds stays
/// within that budget plus the default buffers.
#[test]
fn the_worlds_buffers_stay_within_their_budget() {
    let mut src = String::from(
        "host c 10.0.0.1\nhost s 10.0.0.2\nc: WSAStartup()\ns: WSAStartup()\n\
         s: L = socket(AF_INET, SOCK_STREAM)\n\
         s: setsockopt(L, SOL_SOCKET, SO_RCVBUF, 1048576)\n\
         s: setsockopt(L, SOL_SOCKET, SO_SNDBUF, 1048576)\n\
         s: bind(L, 10.0.0.2:80)\ns: listen(L, 5)\n",
    );
    for _ in 0..300 {
        src += "c: C = socket(AF_INET, SOCK_STREAM)\n\
                c: setsockopt(C, SOL_SOCKET, SO_SNDBUF, 1048576)\n\
                c: setsockopt(C, SOL_SOCKET, SO_RCVBUF, 1048576)\n\
                c: connect(C, 10.0.0.2:80)\ns: A = accept(L)\n\
                c: ioctlsocket(C, FIONBIO, 1)\nc: send(C, 1048576 bytes)\n";
    }
    src += "run for 10s\n";
    let report = wsasim::script::run(&src).unwrap();
    let sim = &report.sim;
    let default = u64::from(wsasim::socket::DEFAULT_BUFFER);
    let (mut granted, mut held, mut sockets) = (0u64, 0u64, 0u64);
    for s in sim.sockets() {
        sockets += 1;
        granted += u64::from(s.rcvbuf()).saturating_sub(default)
            + u64::from(s.sndbuf()).saturating_sub(default);
        held += (s.sndbuf() as usize - s.send_space() + s.unread()) as u64;
    }
    assert_eq!(sockets, 601);
    assert!(granted <= wsasim::socket::WORLD_BUFFERS, "{granted}");
    assert!(
        held <= wsasim::socket::WORLD_BUFFERS + 2 * default * sockets,
        "{held} bytes held"
    );
    // The budget was met: the last connections got the default sizes only.
    assert!(
        granted > wsasim::socket::WORLD_BUFFERS - (2 << 20),
        "{granted}"
    );
    let last = sim.sockets().filter(|s| !s.accepted()).last().unwrap();
    assert_eq!(last.sndbuf(), wsasim::socket::DEFAULT_BUFFER);
}
