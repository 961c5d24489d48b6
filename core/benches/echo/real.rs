//! The echo workload over real loopback TCP: mio, one thread, edge-triggered readiness,
//! `TCP_NODELAY` on both sides. Same shape as the simulation: every client connects at
//! once, sends a message, waits for all of it back (checking each byte), sends the next,
//! and after the last closes; the server echoes what it reads and closes on end of file.

use std::io::{ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration as WallDuration, Instant as WallClock};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

use super::{payload, Workload, RECV_LEN};

const LISTENER: Token = Token(usize::MAX);

/// Bytes waiting for the socket to take them.
#[derive(Default)]
struct Outbox(Vec<u8>);

impl Outbox {
    /// Writes until done or the socket would block (a writable event then resumes it).
    fn flush(&mut self, s: &mut TcpStream) {
        while !self.0.is_empty() {
            match s.write(&self.0) {
                Ok(n) => {
                    self.0.drain(..n);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => panic!("loopback: write failed: {e}"),
            }
        }
    }
}

struct Client {
    stream: Option<TcpStream>,
    connected: bool,
    sent: usize,
    /// The message in flight and how much of it has come back.
    want: Vec<u8>,
    got: usize,
    out: Outbox,
}

struct Accepted {
    stream: Option<TcpStream>,
    out: Outbox,
}

/// Reads once into `buf`; `None` when the socket would block.
fn read_some(s: &mut TcpStream, buf: &mut [u8]) -> Option<usize> {
    loop {
        match s.read(buf) {
            Ok(n) => return Some(n),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return None,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => panic!("loopback: read failed: {e}"),
        }
    }
}

impl Client {
    fn send_next(&mut self, i: usize, size: usize) {
        self.want = payload(i, self.sent, size);
        self.got = 0;
        self.sent += 1;
        self.out.0.extend_from_slice(&self.want);
        self.out.flush(self.stream.as_mut().expect("open"));
    }

    /// Handles one readiness event for client `i`.
    fn ready(&mut self, i: usize, work: Workload, buf: &mut [u8]) -> bool {
        let Some(s) = self.stream.as_mut() else {
            return false;
        };
        if !self.connected {
            if let Some(e) = s.take_error().expect("take_error") {
                panic!("loopback: client {i} connect failed: {e}");
            }
            match s.peer_addr() {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::NotConnected => return false,
                Err(e) => panic!("loopback: client {i}: {e}"),
            }
            self.connected = true;
            s.set_nodelay(true).expect("nodelay");
            self.send_next(i, work.size);
        }
        self.out.flush(self.stream.as_mut().expect("open"));
        while let Some(n) = read_some(self.stream.as_mut().expect("open"), buf) {
            assert!(n > 0, "loopback: client {i}: server closed early");
            let at = self.got;
            assert!(
                at + n <= self.want.len() && buf[..n] == self.want[at..at + n],
                "loopback: client {i}: echo differs from what was sent, message {}, byte {at}",
                self.sent - 1
            );
            self.got += n;
            if self.got < self.want.len() {
                continue;
            }
            if self.sent < work.messages {
                self.send_next(i, work.size);
            } else {
                self.stream = None; // closes
                return true;
            }
        }
        false
    }
}

/// Runs the workload once over loopback and returns its wall time (sockets included).
pub(super) fn run(work: Workload) -> WallDuration {
    let t0 = WallClock::now();
    let mut poll = Poll::new().expect("poll");
    let mut events = Events::with_capacity(1024);
    let any: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let mut listener = TcpListener::bind(any).expect("bind");
    let addr = listener.local_addr().expect("local_addr");
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .expect("register listener");
    let n = work.connections;
    let mut clients: Vec<Client> = (0..n)
        .map(|i| {
            let mut s = TcpStream::connect(addr).expect("connect");
            poll.registry()
                .register(&mut s, Token(i), Interest::READABLE | Interest::WRITABLE)
                .expect("register client");
            Client {
                stream: Some(s),
                connected: false,
                sent: 0,
                want: Vec::new(),
                got: 0,
                out: Outbox::default(),
            }
        })
        .collect();
    let mut accepted: Vec<Accepted> = Vec::new();
    let (mut done, mut closed) = (0, 0);
    let mut buf = vec![0u8; RECV_LEN];
    while done < n || closed < n {
        poll.poll(&mut events, None).expect("poll");
        for ev in &events {
            let t = ev.token();
            if t == LISTENER {
                loop {
                    match listener.accept() {
                        Ok((mut s, _)) => {
                            s.set_nodelay(true).expect("nodelay");
                            let token = Token(n + accepted.len());
                            poll.registry()
                                .register(&mut s, token, Interest::READABLE | Interest::WRITABLE)
                                .expect("register accepted");
                            accepted.push(Accepted {
                                stream: Some(s),
                                out: Outbox::default(),
                            });
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => panic!("loopback: accept failed: {e}"),
                    }
                }
            } else if t.0 < n {
                if clients[t.0].ready(t.0, work, &mut buf) {
                    done += 1;
                }
            } else {
                let a = &mut accepted[t.0 - n];
                let Some(s) = a.stream.as_mut() else {
                    continue;
                };
                a.out.flush(s);
                while let Some(k) = read_some(s, &mut buf) {
                    if k == 0 {
                        assert!(a.out.0.is_empty(), "loopback: server: unsent echo at close");
                        a.stream = None; // closes
                        closed += 1;
                        break;
                    }
                    a.out.0.extend_from_slice(&buf[..k]);
                    a.out.flush(s);
                }
            }
        }
    }
    for (i, c) in clients.iter().enumerate() {
        assert_eq!(
            c.sent, work.messages,
            "loopback: client {i} sent every message"
        );
    }
    t0.elapsed()
}
