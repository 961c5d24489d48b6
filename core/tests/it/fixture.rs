//! A two-host world (client 10.0.0.1, server 10.0.0.2) with one window on each side.

use wsasim::*;

pub const PORT_ADDR: &str = "10.0.0.2:80";

pub fn addr(s: &str) -> SockAddr {
    s.parse().expect("test address")
}

/// One posted message, decoded: (socket, event, error).
pub type Msg = (SocketHandle, NetworkEvent, Option<WsaError>);

pub struct Fx {
    pub sim: Sim,
    pub server: HostId,
    pub client: HostId,
    /// The server's window.
    pub main: Hwnd,
    /// The client's window.
    pub cwin: Hwnd,
}

pub const WM: WindowMessage = WindowMessage::user(1);

impl Fx {
    pub fn new() -> Fx {
        Fx::with_profile(Profile::Documented)
    }

    pub fn with_profile(p: Profile) -> Fx {
        let mut sim = Sim::with_profile(p);
        let server = sim.add_host("server", "10.0.0.2".parse().unwrap()).unwrap();
        let client = sim.add_host("client", "10.0.0.1".parse().unwrap()).unwrap();
        let main = sim.create_window(server, "main");
        let cwin = sim.create_window(client, "cwin");
        sim.on(server).wsa_startup().unwrap();
        sim.on(client).wsa_startup().unwrap();
        Fx {
            sim,
            server,
            client,
            main,
            cwin,
        }
    }

    pub fn srv(&mut self) -> Winsock<'_> {
        self.sim.on(self.server)
    }

    pub fn cli(&mut self) -> Winsock<'_> {
        self.sim.on(self.client)
    }

    /// A listening socket on 10.0.0.2:80, selected for `events` on `main` unless empty.
    pub fn listener(&mut self, events: NetworkEvent) -> SocketHandle {
        let l = self.srv().socket(SocketType::Stream).unwrap();
        self.srv().bind(l, addr(PORT_ADDR)).unwrap();
        self.srv().listen(l, 5).unwrap();
        if !events.is_empty() {
            let main = self.main;
            self.srv().wsa_async_select(l, main, WM, events).unwrap();
        }
        l
    }

    /// A nonblocking client socket connecting to the listener (not yet run).
    pub fn connecting(&mut self, events: NetworkEvent) -> SocketHandle {
        let c = self.cli().socket(SocketType::Stream).unwrap();
        if events.is_empty() {
            self.cli().ioctl_fionbio(c, true).unwrap();
        } else {
            let cwin = self.cwin;
            self.cli().wsa_async_select(c, cwin, WM, events).unwrap();
        }
        assert_eq!(
            self.cli().connect(c, addr(PORT_ADDR)),
            Err(WsaError::WSAEWOULDBLOCK)
        );
        c
    }

    /// Listener, client and accepted socket, with both queues drained.
    pub fn established(
        &mut self,
        server_events: NetworkEvent,
        client_events: NetworkEvent,
    ) -> (SocketHandle, SocketHandle, SocketHandle) {
        let l = self.listener(server_events);
        let c = self.connecting(client_events);
        self.settle();
        let (a, _) = self.srv().accept(l).unwrap();
        self.settle();
        self.drain(self.main);
        self.drain(self.cwin);
        (l, c, a)
    }

    /// Runs the network until nothing is scheduled.
    pub fn settle(&mut self) {
        self.sim
            .run_until_idle(100_000)
            .expect("the network settles");
    }

    /// Runs the network for a short while (not into TIME_WAIT's 240 s).
    pub fn run_ms(&mut self, ms: u64) {
        self.sim
            .run_for(Duration::from_millis(ms), 100_000)
            .expect("bounded");
    }

    pub fn take(&mut self, hwnd: Hwnd) -> Option<Msg> {
        let host = self.sim.window(hwnd).unwrap().host;
        self.sim
            .on(host)
            .get_message(hwnd)
            .map(|m| (m.wparam, m.lparam.event(), m.lparam.error()))
    }

    pub fn drain(&mut self, hwnd: Hwnd) -> Vec<Msg> {
        let mut v = Vec::new();
        while let Some(m) = self.take(hwnd) {
            v.push(m);
        }
        v
    }

    /// The rules of every message posted so far, in order.
    pub fn rules(&self) -> Vec<Rule> {
        self.sim.trace().messages().map(|m| m.rule).collect()
    }
}

pub const READ: NetworkEvent = NetworkEvent::FD_READ;
pub const WRITE: NetworkEvent = NetworkEvent::FD_WRITE;
pub const OOB: NetworkEvent = NetworkEvent::FD_OOB;
pub const ACCEPT: NetworkEvent = NetworkEvent::FD_ACCEPT;
pub const CONNECT: NetworkEvent = NetworkEvent::FD_CONNECT;
pub const CLOSE: NetworkEvent = NetworkEvent::FD_CLOSE;
pub const NONE: NetworkEvent = NetworkEvent::NONE;
