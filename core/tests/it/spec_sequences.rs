//! Every numbered sequence of the specification, as a test.

use crate::fixture::*;
use wsasim::*;

/// "the following sequence of events is possible: 1. Data arrives on socket s; … 6.
/// Application issues recv(s,...), which fails with the error WSAEWOULDBLOCK."
#[test]
fn wouldblock_race() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(ACCEPT | READ, NONE);
    // 1. Data arrives on socket s; Windows Sockets 2 posts WSAAsyncSelect message.
    fx.cli().send(c, b"hello", MsgFlags::NONE).unwrap();
    fx.settle();
    assert_eq!(fx.sim.window(fx.main).unwrap().queue.len(), 1);
    // 2-3. While processing another message, FIONREAD shows data ready.
    assert_eq!(fx.srv().ioctlsocket(a, Ioctl::Fionread), Ok(5));
    // 4. The application reads it.
    assert_eq!(fx.srv().recv(a, 100, MsgFlags::NONE).unwrap(), b"hello");
    // 5. It reaches the FD_READ message.
    assert_eq!(fx.take(fx.main), Some((a, READ, None)));
    // 6. recv fails with WSAEWOULDBLOCK.
    assert_eq!(
        fx.srv().recv(a, 100, MsgFlags::NONE),
        Err(WsaError::WSAEWOULDBLOCK)
    );
    assert_eq!(
        fx.srv().wsa_get_last_error(),
        Some(WsaError::WSAEWOULDBLOCK)
    );
    assert_eq!(fx.take(fx.main), None);
}

/// "1. Network transport stack receives 100 bytes of data on socket s and causes Windows
/// Sockets 2 to post an FD_READ message. 2. The application issues recv( s, buffptr, 50, 0)
/// to read 50 bytes. 3. Another FD_READ message is posted because there is still data to be read."
#[test]
fn hundred_bytes_read_fifty() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(ACCEPT | READ, NONE);
    fx.cli().send(c, &[1; 100], MsgFlags::NONE).unwrap();
    fx.settle();
    assert_eq!(fx.take(fx.main), Some((a, READ, None)));
    assert_eq!(fx.srv().recv(a, 50, MsgFlags::NONE).unwrap().len(), 50);
    assert_eq!(fx.take(fx.main), Some((a, READ, None)));
    assert_eq!(*fx.rules().last().unwrap(), Rule::ReadAfterRecv);
    assert_eq!(fx.srv().recv(a, 50, MsgFlags::NONE).unwrap().len(), 50);
    assert_eq!(fx.take(fx.main), None, "no data left: no FD_READ");
}

/// "1. An application calls listen. 2. A connect request is received, but not yet accepted.
/// 3. The application calls WSAAsyncSelect specifying that it requires receiving FD_ACCEPT
/// messages for the socket. Due to the persistence of events, Windows Sockets 2 posts an
/// FD_ACCEPT message immediately."
#[test]
fn accept_persistence() {
    let mut fx = Fx::new();
    let l = fx.listener(NONE);
    fx.connecting(NONE);
    fx.settle();
    assert_eq!(fx.take(fx.main), None);
    let main = fx.main;
    fx.srv().wsa_async_select(l, main, WM, ACCEPT).unwrap();
    assert_eq!(fx.take(fx.main), Some((l, ACCEPT, None)));
    assert_eq!(*fx.rules().last().unwrap(), Rule::AcceptOnSelect);
}

/// "rc = WSAAsyncSelect(s, hWnd, wMsg1, FD_READ); rc = WSAAsyncSelect(s, hWnd, wMsg2,
/// FD_WRITE); … the second call will cancel the effects of the first, and only FD_WRITE
/// events will be reported with message wMsg2"
#[test]
fn second_call_replaces_first() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(NONE, NONE);
    let main = fx.main;
    let (m1, m2) = (WindowMessage::user(1), WindowMessage::user(2));
    fx.srv().wsa_async_select(a, main, m1, READ).unwrap();
    fx.srv().wsa_async_select(a, main, m2, WRITE).unwrap();
    fx.cli().send(c, b"data", MsgFlags::NONE).unwrap();
    fx.settle();
    let msgs: Vec<_> = fx
        .sim
        .window(main)
        .unwrap()
        .queue
        .iter()
        .map(|m| (m.msg, m.lparam.event()))
        .collect();
    assert_eq!(
        msgs,
        vec![(m2, WRITE)],
        "FD_WRITE (already writable) with wMsg2, and no FD_READ"
    );
}

/// "rc = WSAAsyncSelect(s, hWnd, 0, 0); … it is possible that messages could be waiting in
/// the application message queue. Therefore, the application must be prepared to receive
/// network event messages even after cancellation."
#[test]
fn cancellation_leaves_queued_messages() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(ACCEPT | READ, NONE);
    fx.cli().send(c, b"one", MsgFlags::NONE).unwrap();
    fx.settle();
    let main = fx.main;
    fx.srv()
        .wsa_async_select(a, main, WindowMessage(0), NONE)
        .unwrap();
    fx.cli().send(c, b"two", MsgFlags::NONE).unwrap();
    fx.settle();
    assert_eq!(
        fx.drain(main),
        vec![(a, READ, None)],
        "the queued FD_READ stays; nothing new"
    );
    // Cancelling made FIONBIO to blocking possible again.
    assert_eq!(fx.srv().ioctl_fionbio(a, false), Ok(0));
}

/// "Closing a socket with closesocket also cancels WSAAsyncSelect message sending, but the
/// same caveat about messages in the queue still applies."
#[test]
fn closesocket_leaves_queued_messages() {
    let mut fx = Fx::new();
    let (_l, c, a) = fx.established(ACCEPT | READ | CLOSE, NONE);
    fx.cli().send(c, b"one", MsgFlags::NONE).unwrap();
    fx.settle();
    fx.srv().closesocket(a).unwrap();
    fx.settle();
    assert_eq!(fx.drain(fx.main), vec![(a, READ, None)]);
    assert!(fx
        .sim
        .trace()
        .to_string()
        .contains(&format!("[{}]", Rule::ClosesocketCancels.id())));
}
