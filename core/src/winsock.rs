//! [`Winsock`]: the Winsock calls one host's application makes, with Winsock's names,
//! arguments, return values and error codes.
//!
//! Every call is one step in the trace. A call on a blocking socket that cannot complete
//! at once is a step that "blocks"; the simulation then runs (time passes, segments arrive)
//! until the call can complete, which is a second step. If nothing is left that could
//! complete it, the call fails with `WSAEINTR`, as if `WSACancelBlockingCall` had been called.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::error::WsaError;
use crate::event::NetworkEvent;
use crate::net::{HostId, Ipv4, Payload, Segment, SockAddr};
use crate::queue::{Hwnd, Message, WindowMessage};
use crate::sim::{EventObject, Sim};
use crate::socket::{
    AddressFamily, Ioctl, Listen, MsgFlags, Notify, Qos, Shutdown, SockOpt, SockOptName,
    SocketHandle, SocketType, WsaEvent, MAX_BUFFER,
};
use crate::spec::Rule;
use crate::tcp::TcpState;
use crate::trace::{Cause, Change, Outcome};

/// The most steps a blocking call lets the simulation run before giving up with `WSAEINTR`.
pub const MAX_BLOCKING_STEPS: usize = 1_000_000;

/// `sizeof(struct sockaddr_in)`: the `namelen` Winsock expects with an IPv4 address.
pub const SOCKADDR_IN_LEN: u32 = 16;

/// The largest UDP payload (`WSAEMSGSIZE` above it).
pub const MAX_DATAGRAM: usize = 65_507;

/// What `WSAEnumNetworkEvents` returns (`WSANETWORKEVENTS`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NetworkEvents {
    /// `lNetworkEvents`: the events recorded since the last call.
    pub events: NetworkEvent,
    /// `iErrorCode`, indexed by `FD_*_BIT`.
    pub errors: [Option<WsaError>; 10],
}

/// A Winsock 1.1 blocking hook (`WSASetBlockingHook`): called with the world and the
/// blocked host before each simulation step while a blocking call waits.
pub type BlockingHook<'a> = &'a mut dyn FnMut(&mut Sim, HostId);

/// The Winsock calls of one host's application: `sim.on(host).recv(s, 50, MsgFlags::NONE)`.
pub struct Winsock<'a> {
    pub(crate) sim: &'a mut Sim,
    pub(crate) host: HostId,
    pub(crate) hook: Option<BlockingHook<'a>>,
}

fn show_bytes(data: &[u8]) -> String {
    let printable = data
        .iter()
        .all(|b| (0x20..0x7f).contains(b) || *b == b'\n' || *b == b'\r' || *b == b'\t');
    if data.is_empty() {
        "0".into()
    } else if printable && data.len() <= 40 {
        let mut s = format!("{} \"", data.len());
        for b in data {
            match b {
                b'\n' => s.push_str("\\n"),
                b'\r' => s.push_str("\\r"),
                b'\t' => s.push_str("\\t"),
                b'"' => s.push_str("\\\""),
                b'\\' => s.push_str("\\\\"),
                _ => s.push(*b as char),
            }
        }
        s.push('"');
        s
    } else {
        format!("{}", data.len())
    }
}

fn describe(data: &[u8]) -> String {
    let printable = data.iter().all(|b| (0x20..0x7f).contains(b));
    if printable && data.len() <= 40 {
        format!(
            "\"{}\"",
            data.iter().map(|b| *b as char).collect::<String>()
        )
    } else {
        format!("{} bytes", data.len())
    }
}

impl<'a> Winsock<'a> {
    /// Installs a blocking hook for the calls made through this value (`WSASetBlockingHook`).
    /// While a blocking call waits, the hook runs before every simulation step, as
    /// Winsock 1.1's default hook pumps the message loop; any Winsock call the host makes
    /// from it fails with `WSAEINPROGRESS`.
    ///
    /// ```
    /// use wsasim::{MsgFlags, NetworkEvent, Sim, SocketType, WindowMessage, WsaError};
    /// let mut sim = Sim::new();
    /// let a = sim.add_host("a", "10.0.0.1".parse().unwrap()).unwrap();
    /// let w = sim.create_window(a, "w");
    /// sim.on(a).wsa_startup().unwrap();
    /// let u = sim.on(a).socket(SocketType::Dgram).unwrap();
    /// sim.on(a).bind(u, "10.0.0.1:53".parse().unwrap()).unwrap();
    /// let mut seen = Vec::new();
    /// let mut hook = |sim: &mut Sim, h| {
    ///     seen.push(sim.on(h).wsa_async_select(u, w, WindowMessage::user(1), NetworkEvent::FD_READ));
    /// };
    /// // Nothing will ever arrive: the call is cancelled after the hook ran once.
    /// assert_eq!(sim.on(a).with_blocking_hook(&mut hook).recv(u, 10, MsgFlags::NONE), Err(WsaError::WSAEINTR));
    /// assert_eq!(seen, vec![Err(WsaError::WSAEINPROGRESS)]);
    /// ```
    pub fn with_blocking_hook(mut self, hook: BlockingHook<'a>) -> Winsock<'a> {
        self.hook = Some(hook);
        self
    }

    // ----- plumbing -----

    fn call<T>(
        &mut self,
        text: String,
        f: impl FnOnce(&mut Sim, HostId) -> Result<T, WsaError>,
        show: impl FnOnce(&T) -> String,
    ) -> Result<T, WsaError> {
        self.sim.begin(Cause::Call {
            host: self.host,
            call: text,
        });
        let r = f(self.sim, self.host);
        self.finish(r, show)
    }

    fn finish<T>(
        &mut self,
        r: Result<T, WsaError>,
        show: impl FnOnce(&T) -> String,
    ) -> Result<T, WsaError> {
        let outcome = match &r {
            Ok(v) => Outcome::Ok(show(v)),
            Err(e) => {
                self.sim.hosts[self.host.0 as usize].last_error = Some(*e);
                Outcome::Err(*e)
            }
        };
        self.sim.end(outcome);
        r
    }

    /// Runs a call that may block: `attempt` is tried once; on a blocking socket that would
    /// block, the world runs until `ready` holds and `attempt` is tried again.
    fn blocking<T>(
        &mut self,
        text: String,
        s: SocketHandle,
        mut attempt: impl FnMut(&mut Sim, HostId) -> Result<T, WsaError>,
        ready: impl Fn(&Sim) -> bool,
        show: impl Fn(&T) -> String,
    ) -> Result<T, WsaError> {
        self.sim.begin(Cause::Call {
            host: self.host,
            call: text.clone(),
        });
        let r = attempt(self.sim, self.host);
        let blocking = self.sim.sockets.get(&s).is_some_and(|x| !x.nonblocking);
        if !matches!(r, Err(WsaError::WSAEWOULDBLOCK)) || !blocking {
            return self.finish(r, show);
        }
        self.sim.end(Outcome::Blocked);
        if !self.wait(&ready) {
            return self.cancelled(text);
        }
        self.sim.begin(Cause::Completion {
            host: self.host,
            call: text,
        });
        let r = attempt(self.sim, self.host);
        self.finish(r, show)
    }

    /// Lets the world run while this host is blocked. False if it went idle first.
    fn wait(&mut self, ready: &dyn Fn(&Sim) -> bool) -> bool {
        self.sim.hosts[self.host.0 as usize].in_blocking_call = true;
        let mut ok = false;
        for _ in 0..MAX_BLOCKING_STEPS {
            if ready(self.sim) || !self.sim.hosts[self.host.0 as usize].net_up {
                ok = true;
                break;
            }
            if let Some(hook) = self.hook.as_mut() {
                hook(self.sim, self.host);
            }
            if self.sim.step().is_none() {
                ok = ready(self.sim);
                break;
            }
        }
        self.sim.hosts[self.host.0 as usize].in_blocking_call = false;
        ok
    }

    fn cancelled<T>(&mut self, text: String) -> Result<T, WsaError> {
        self.sim.begin(Cause::Completion {
            host: self.host,
            call: text,
        });
        self.sim.change(Change::Note(
            "nothing left in the world could complete this blocking call: it is cancelled as by WSACancelBlockingCall"
                .into(),
        ));
        self.finish(Err(WsaError::WSAEINTR), |_: &T| String::new())
    }

    // ----- start-up -----

    /// `WSAStartup`: must succeed before any other call.
    pub fn wsa_startup(&mut self) -> Result<(), WsaError> {
        self.call(
            "WSAStartup()".into(),
            |sim, h| {
                sim.hosts[h.0 as usize].startups += 1;
                Ok(())
            },
            |_| "0".into(),
        )
    }

    /// `WSACleanup`: the last one closes every socket of the host.
    pub fn wsa_cleanup(&mut self) -> Result<(), WsaError> {
        self.call(
            "WSACleanup()".into(),
            |sim, h| {
                let host = &mut sim.hosts[h.0 as usize];
                if host.startups == 0 {
                    return Err(WsaError::WSANOTINITIALISED);
                }
                host.startups -= 1;
                if host.startups == 0 {
                    let open: Vec<SocketHandle> = sim
                        .sockets
                        .values()
                        .filter(|s| s.host == h && s.open)
                        .map(|s| s.handle)
                        .collect();
                    for s in open {
                        sim.close_socket(s);
                    }
                }
                Ok(())
            },
            |_| "0".into(),
        )
    }

    /// `WSAGetLastError`: the error of this host's last failed call.
    pub fn wsa_get_last_error(&self) -> Option<WsaError> {
        self.sim.hosts[self.host.0 as usize].last_error
    }

    // ----- sockets -----

    /// `socket(AF_INET, type, 0)`.
    pub fn socket(&mut self, ty: SocketType) -> Result<SocketHandle, WsaError> {
        self.socket_in(AddressFamily::Inet, ty)
    }

    /// `socket(af, type, 0)`: only `AF_INET` is simulated.
    pub fn socket_in(
        &mut self,
        af: AddressFamily,
        ty: SocketType,
    ) -> Result<SocketHandle, WsaError> {
        let afname = if af == AddressFamily::Inet {
            "AF_INET"
        } else {
            "AF_INET6"
        };
        self.call(
            format!("socket({afname}, {ty}, 0)"),
            |sim, h| {
                sim.check_host(h)?;
                if af != AddressFamily::Inet {
                    return Err(WsaError::WSAEAFNOSUPPORT);
                }
                if sim.sockets.len() >= crate::sim::MAX_OBJECTS {
                    return Err(WsaError::WSAEMFILE);
                }
                Ok(sim.new_socket(h, ty))
            },
            |s| format!("socket {s}"),
        )
    }

    /// `bind(s, addr)`. Port 0 picks a free port.
    pub fn bind(&mut self, s: SocketHandle, addr: SockAddr) -> Result<(), WsaError> {
        self.call(
            format!("bind({s}, {addr})"),
            |sim, h| {
                sim.check_socket(h, s)?;
                let sock = &sim.sockets[&s];
                if sock.local.is_some() {
                    return Err(WsaError::WSAEINVAL);
                }
                if !addr.ip.is_any() && !sim.hosts[h.0 as usize].addrs.contains(&addr.ip) {
                    return Err(WsaError::WSAEADDRNOTAVAIL);
                }
                let ty = sock.ty;
                let port = if addr.port == 0 {
                    sim.alloc_port(h, ty).ok_or(WsaError::WSAENOBUFS)?
                } else {
                    addr.port
                };
                let in_use = sim.sockets.values().any(|x| {
                    x.handle != s
                        && x.host == h
                        && x.ty == ty
                        && x.local.is_some_and(|l| {
                            l.port == port && (l.ip == addr.ip || l.ip.is_any() || addr.ip.is_any())
                        })
                        && !(x.is_orphan() && x.state() == TcpState::TimeWait)
                });
                if in_use {
                    return Err(WsaError::WSAEADDRINUSE);
                }
                sim.sock_mut(s).local = Some(SockAddr::new(addr.ip, port));
                if ty == SocketType::Dgram {
                    sim.post(s, NetworkEvent::FD_WRITE, None, Rule::WriteAfterBind);
                }
                Ok(())
            },
            |_| "0".into(),
        )
    }

    /// `listen(s, backlog)`; the backlog is clamped to 1..=200 (`SOMAXCONN`).
    pub fn listen(&mut self, s: SocketHandle, backlog: u32) -> Result<(), WsaError> {
        self.call(
            format!("listen({s}, {backlog})"),
            |sim, h| {
                sim.check_socket(h, s)?;
                let sock = &sim.sockets[&s];
                if sock.ty != SocketType::Stream {
                    return Err(WsaError::WSAEOPNOTSUPP);
                }
                if sock.tcb.as_ref().is_some_and(|t| t.state.is_synchronized()) {
                    return Err(WsaError::WSAEISCONN);
                }
                if sock.local.is_none() || sock.tcb.is_some() {
                    return Err(WsaError::WSAEINVAL);
                }
                let backlog = backlog.clamp(1, 200);
                let sock = sim.sock_mut(s);
                match sock.listen.as_mut() {
                    Some(l) => l.backlog = backlog,
                    None => {
                        sock.listen = Some(Listen {
                            backlog,
                            ..Listen::default()
                        });
                        sim.change(Change::State {
                            socket: s,
                            from: TcpState::Closed,
                            to: TcpState::Listen,
                        });
                    }
                }
                Ok(())
            },
            |_| "0".into(),
        )
    }

    /// `connect(s, addr)`. On a nonblocking stream socket it fails with `WSAEWOULDBLOCK`
    /// and FD_CONNECT reports the outcome.
    pub fn connect(&mut self, s: SocketHandle, addr: SockAddr) -> Result<(), WsaError> {
        self.connect_namelen(s, addr, SOCKADDR_IN_LEN)
    }

    /// `connect(s, addr, namelen)`: a `namelen` smaller than `sizeof(struct sockaddr_in)`
    /// (16) fails with `WSAEFAULT` ("The namelen parameter is invalid").
    pub fn connect_namelen(
        &mut self,
        s: SocketHandle,
        addr: SockAddr,
        namelen: u32,
    ) -> Result<(), WsaError> {
        let text = if namelen == SOCKADDR_IN_LEN {
            format!("connect({s}, {addr})")
        } else {
            format!("connect({s}, {addr}, {namelen})")
        };
        self.sim.begin(Cause::Call {
            host: self.host,
            call: text.clone(),
        });
        let r = if namelen < SOCKADDR_IN_LEN {
            self.sim
                .check_socket(self.host, s)
                .and(Err(WsaError::WSAEFAULT))
        } else {
            self.sim.start_connect(self.host, s, addr)
        };
        let blocking = self
            .sim
            .sockets
            .get(&s)
            .is_some_and(|x| !x.nonblocking && x.ty == SocketType::Stream);
        if r != Err(WsaError::WSAEWOULDBLOCK) || !blocking {
            return self.finish(r, |_| "0".into());
        }
        self.sim.end(Outcome::Blocked);
        let ready = move |sim: &Sim| {
            sim.sockets
                .get(&s)
                .is_none_or(|x| x.state() != TcpState::SynSent)
        };
        if !self.wait(&ready) {
            return self.cancelled(text);
        }
        self.sim.begin(Cause::Completion {
            host: self.host,
            call: text,
        });
        let r = match self.sim.sockets.get(&s) {
            Some(x) if x.state().is_synchronized() => Ok(()),
            Some(x) => Err(x.conn_error.unwrap_or(WsaError::WSAECONNREFUSED)),
            None => Err(WsaError::WSAENOTSOCK),
        };
        self.finish(r, |_| "0".into())
    }

    /// `accept(s)`: the next established connection, with the listener's selection.
    pub fn accept(&mut self, s: SocketHandle) -> Result<(SocketHandle, SockAddr), WsaError> {
        let ready = move |sim: &Sim| {
            sim.sockets
                .get(&s)
                .and_then(|x| x.listen.as_ref())
                .is_none_or(|l| !l.ready.is_empty())
        };
        self.blocking(
            format!("accept({s})"),
            s,
            move |sim, h| sim.do_accept(h, s),
            ready,
            |(c, a)| format!("socket {c} from {a}"),
        )
    }

    /// `send(s, data, flags)`: queues what fits in the send buffer and returns how much.
    pub fn send(
        &mut self,
        s: SocketHandle,
        data: &[u8],
        flags: MsgFlags,
    ) -> Result<usize, WsaError> {
        let text = format!("send({s}, {}, {flags})", describe(data));
        let ready = move |sim: &Sim| {
            sim.sockets
                .get(&s)
                .is_none_or(|x| x.send_space() > 0 || x.conn_error.is_some() || x.shut_wr)
        };
        // A blocking send returns once everything is queued.
        let mut done = 0usize;
        let total = data.len();
        let mut first = true;
        loop {
            let rest = &data[done..];
            let (host, call) = (self.host, text.clone());
            self.sim.begin(if first {
                Cause::Call { host, call }
            } else {
                Cause::Completion { host, call }
            });
            let r = self.sim.do_send(self.host, s, rest, flags, None);
            let blocking = self.sim.sockets.get(&s).is_some_and(|x| !x.nonblocking);
            match r {
                Ok(n) if blocking && done + n < total => {
                    done += n;
                }
                Err(WsaError::WSAEWOULDBLOCK) if blocking => {}
                Ok(n) => return self.finish(Ok(done + n), |n| n.to_string()),
                // Part was queued before the error: a send reports what it took.
                Err(_) if done > 0 => return self.finish(Ok(done), |n| n.to_string()),
                Err(e) => return self.finish(Err(e), |n: &usize| n.to_string()),
            }
            self.sim.end(Outcome::Blocked);
            first = false;
            if !self.wait(&ready) {
                return self.cancelled(text);
            }
        }
    }

    /// `recv(s, len, flags)`: returns the bytes read; empty means the peer closed gracefully.
    pub fn recv(
        &mut self,
        s: SocketHandle,
        len: usize,
        flags: MsgFlags,
    ) -> Result<Vec<u8>, WsaError> {
        let ready = move |sim: &Sim| recv_ready(sim, s);
        self.blocking(
            format!("recv({s}, {len}, {flags})"),
            s,
            move |sim, h| sim.do_recv(h, s, len, flags).map(|r| r.0),
            ready,
            |d| show_bytes(d),
        )
    }

    /// `sendto(s, data, to, flags)`. On a stream socket `to` is ignored, as in Winsock.
    pub fn sendto(
        &mut self,
        s: SocketHandle,
        data: &[u8],
        to: SockAddr,
        flags: MsgFlags,
    ) -> Result<usize, WsaError> {
        let is_stream = self
            .sim
            .sockets
            .get(&s)
            .is_some_and(|x| x.ty == SocketType::Stream);
        if is_stream {
            return self.send(s, data, flags);
        }
        self.call(
            format!("sendto({s}, {}, {to}, {flags})", describe(data)),
            |sim, h| sim.do_send(h, s, data, flags, Some(to)),
            |n| n.to_string(),
        )
    }

    /// `recvfrom(s, len, flags)`: the bytes and the sender. A datagram longer than `len` is
    /// truncated and discarded with `WSAEMSGSIZE`.
    pub fn recvfrom(
        &mut self,
        s: SocketHandle,
        len: usize,
        flags: MsgFlags,
    ) -> Result<(Vec<u8>, SockAddr), WsaError> {
        let ready = move |sim: &Sim| recv_ready(sim, s);
        self.blocking(
            format!("recvfrom({s}, {len}, {flags})"),
            s,
            move |sim, h| sim.do_recv(h, s, len, flags),
            ready,
            |(d, a)| format!("{} from {a}", show_bytes(d)),
        )
    }

    /// `shutdown(s, how)`.
    pub fn shutdown(&mut self, s: SocketHandle, how: Shutdown) -> Result<(), WsaError> {
        let name = match how {
            Shutdown::Receive => "SD_RECEIVE",
            Shutdown::Send => "SD_SEND",
            Shutdown::Both => "SD_BOTH",
        };
        self.call(
            format!("shutdown({s}, {name})"),
            |sim, h| {
                sim.check_socket(h, s)?;
                let sock = &sim.sockets[&s];
                if sock.ty == SocketType::Stream && !sock.state().is_synchronized() {
                    return Err(WsaError::WSAENOTCONN);
                }
                let stream = sock.ty == SocketType::Stream;
                if matches!(how, Shutdown::Send | Shutdown::Both) {
                    sim.sock_mut(s).shut_wr = true;
                    if stream {
                        sim.tcp_output(s);
                    }
                }
                if matches!(how, Shutdown::Receive | Shutdown::Both) {
                    let sock = sim.sock_mut(s);
                    sock.shut_rd = true;
                    if stream && !sock.rx.is_empty() {
                        sim.change(Change::Note(
                            "shutdown(SD_RECEIVE) with data unread: the connection is reset".into(),
                        ));
                        sim.tcp_send_reset(s);
                        let sock = sim.sock_mut(s);
                        sock.rx.clear();
                        sock.tx.clear();
                        sock.conn_error = Some(WsaError::WSAECONNABORTED);
                    }
                }
                Ok(())
            },
            |_| "0".into(),
        )
    }

    /// `closesocket(s)`: cancels the selection (queued messages stay), closes gracefully
    /// (FIN) or abortively (RST with SO_LINGER 0 s or unread data). No FD_CLOSE follows.
    pub fn closesocket(&mut self, s: SocketHandle) -> Result<(), WsaError> {
        self.call(
            format!("closesocket({s})"),
            |sim, h| {
                if sim.hosts[h.0 as usize].startups == 0 {
                    return Err(WsaError::WSANOTINITIALISED);
                }
                if sim.hosts[h.0 as usize].in_blocking_call {
                    return Err(WsaError::WSAEINPROGRESS);
                }
                match sim.sockets.get(&s) {
                    Some(x) if x.host == h && x.open => {}
                    _ => return Err(WsaError::WSAENOTSOCK),
                }
                sim.close_socket(s);
                Ok(())
            },
            |_| "0".into(),
        )
    }

    // ----- options and ioctls -----

    /// `setsockopt(s, SOL_SOCKET, option, value)`. Buffer sizes are clamped to 1..=1 MiB.
    pub fn setsockopt(&mut self, s: SocketHandle, opt: SockOpt) -> Result<(), WsaError> {
        self.call(
            format!("setsockopt({s}, SOL_SOCKET, {opt})"),
            |sim, h| {
                sim.check_socket(h, s)?;
                let stream = sim.sockets[&s].ty == SocketType::Stream;
                let sock = sim.sock_mut(s);
                match opt {
                    SockOpt::OobInline(on) => sock.oob_inline = on,
                    SockOpt::Linger { .. } if !stream => return Err(WsaError::WSAENOPROTOOPT),
                    SockOpt::Linger { on, secs } => sock.linger = on.then_some(secs),
                    SockOpt::RcvBuf(n) => sock.rcvbuf = n.clamp(1, MAX_BUFFER),
                    SockOpt::SndBuf(n) => sock.sndbuf = n.clamp(1, MAX_BUFFER),
                }
                Ok(())
            },
            |_| "0".into(),
        )
    }

    /// `getsockopt(s, SOL_SOCKET, option)`.
    pub fn getsockopt(&mut self, s: SocketHandle, name: SockOptName) -> Result<SockOpt, WsaError> {
        let n = match name {
            SockOptName::OobInline => "SO_OOBINLINE",
            SockOptName::Linger => "SO_LINGER",
            SockOptName::RcvBuf => "SO_RCVBUF",
            SockOptName::SndBuf => "SO_SNDBUF",
        };
        self.call(
            format!("getsockopt({s}, SOL_SOCKET, {n})"),
            |sim, h| {
                sim.check_socket(h, s)?;
                let sock = &sim.sockets[&s];
                Ok(match name {
                    SockOptName::OobInline => SockOpt::OobInline(sock.oob_inline),
                    SockOptName::Linger => SockOpt::Linger {
                        on: sock.linger.is_some(),
                        secs: sock.linger.unwrap_or(0),
                    },
                    SockOptName::RcvBuf => SockOpt::RcvBuf(sock.rcvbuf),
                    SockOptName::SndBuf => SockOpt::SndBuf(sock.sndbuf),
                })
            },
            |o| o.to_string(),
        )
    }

    /// `ioctlsocket(s, FIONBIO, &on)`.
    pub fn ioctl_fionbio(&mut self, s: SocketHandle, nonblocking: bool) -> Result<u32, WsaError> {
        self.ioctlsocket(s, Ioctl::Fionbio(nonblocking))
    }

    /// `ioctlsocket(s, cmd, &arg)`: returns the value written to `arg`.
    /// FIONBIO back to blocking fails with `WSAEINVAL` while a selection is active.
    pub fn ioctlsocket(&mut self, s: SocketHandle, cmd: Ioctl) -> Result<u32, WsaError> {
        let text = match cmd {
            Ioctl::Fionbio(on) => format!("ioctlsocket({s}, FIONBIO, {})", u8::from(on)),
            Ioctl::Fionread => format!("ioctlsocket({s}, FIONREAD)"),
            Ioctl::Siocatmark => format!("ioctlsocket({s}, SIOCATMARK)"),
        };
        self.call(
            text,
            |sim, h| {
                sim.check_socket(h, s)?;
                let sock = &sim.sockets[&s];
                match cmd {
                    Ioctl::Fionbio(false) if sock.notify != Notify::None => {
                        sim.change(Change::Note(format!(
                            "the socket has a selection: cancel it with lEvent = 0 first [{}]",
                            Rule::BlockingNeedsCancel
                        )));
                        Err(WsaError::WSAEINVAL)
                    }
                    Ioctl::Fionbio(on) => {
                        sim.sock_mut(s).nonblocking = on;
                        Ok(0)
                    }
                    Ioctl::Fionread => Ok(sock.readable_bytes() as u32),
                    Ioctl::Siocatmark => {
                        let at_mark = if sock.oob_inline {
                            sock.oob_mark.is_none_or(|m| m == 0)
                        } else {
                            sock.oob.is_empty()
                        };
                        Ok(u32::from(at_mark))
                    }
                }
            },
            |v| v.to_string(),
        )
    }

    /// `WSAIoctl(s, cmd, …)`. `SIO_GET_QOS` returns the QoS and re-enables FD_QOS. The two
    /// change requests arm a one-shot notification; on a nonblocking socket they fail with
    /// `WSAEWOULDBLOCK`, as overlapped-less Winsock does, and the event reports the change.
    pub fn wsa_ioctl(
        &mut self,
        s: SocketHandle,
        cmd: crate::socket::WsaIoctl,
    ) -> Result<Option<Qos>, WsaError> {
        use crate::socket::WsaIoctl as W;
        let text = match cmd {
            W::GetQos => format!("WSAIoctl({s}, SIO_GET_QOS)"),
            W::RoutingInterfaceChange(Some(a)) => {
                format!("WSAIoctl({s}, SIO_ROUTING_INTERFACE_CHANGE, {a})")
            }
            W::RoutingInterfaceChange(None) => {
                format!("WSAIoctl({s}, SIO_ROUTING_INTERFACE_CHANGE)")
            }
            W::AddressListChange => format!("WSAIoctl({s}, SIO_ADDRESS_LIST_CHANGE)"),
        };
        self.call(
            text,
            |sim, h| {
                sim.check_socket(h, s)?;
                match cmd {
                    W::GetQos => {
                        sim.reenable(s, NetworkEvent::FD_QOS);
                        let sock = sim.sock_mut(s);
                        sock.qos_changed = false;
                        Ok(Some(sock.qos))
                    }
                    W::RoutingInterfaceChange(dst) => {
                        let sock = &sim.sockets[&s];
                        let ip = dst
                            .map(|a| a.ip)
                            .or(sock.remote.map(|a| a.ip))
                            .unwrap_or(Ipv4::ANY);
                        sim.sock_mut(s).routing_watch = Some(ip);
                        sim.reenable(s, NetworkEvent::FD_ROUTING_INTERFACE_CHANGE);
                        if sim.sockets[&s].nonblocking {
                            Err(WsaError::WSAEWOULDBLOCK)
                        } else {
                            Ok(None)
                        }
                    }
                    W::AddressListChange => {
                        sim.sock_mut(s).address_watch = true;
                        sim.reenable(s, NetworkEvent::FD_ADDRESS_LIST_CHANGE);
                        if sim.sockets[&s].nonblocking {
                            Err(WsaError::WSAEWOULDBLOCK)
                        } else {
                            Ok(None)
                        }
                    }
                }
            },
            |q| match q {
                Some(q) => format!("QoS token rate {} (change {})", q.token_rate, q.generation),
                None => "0".into(),
            },
        )
    }

    // ----- selection -----

    /// `WSAAsyncSelect(s, hWnd, wMsg, lEvent)`: replaces any previous selection, makes the
    /// socket nonblocking, and posts at once every selected condition that already holds.
    /// `lEvent` = 0 cancels notification; messages already queued stay queued.
    pub fn wsa_async_select(
        &mut self,
        s: SocketHandle,
        hwnd: Hwnd,
        msg: WindowMessage,
        events: NetworkEvent,
    ) -> Result<(), WsaError> {
        let wname = self
            .sim
            .window(hwnd)
            .map_or_else(|| hwnd.to_string(), |w| w.name.clone());
        self.call(
            format!("WSAAsyncSelect({s}, {wname}, {msg}, {events})"),
            |sim, h| {
                sim.check_socket(h, s)?;
                if events.has_unknown_bits() {
                    return Err(WsaError::WSAEINVAL);
                }
                let window_ok = sim
                    .windows
                    .iter()
                    .any(|w| w.hwnd == hwnd && w.alive && w.host == h);
                if !events.is_empty() && !window_ok {
                    return Err(WsaError::WSAEINVAL);
                }
                let notify = if events.is_empty() {
                    Notify::None
                } else {
                    Notify::Window { hwnd, msg, events }
                };
                sim.select(s, notify);
                Ok(())
            },
            |_| "0".into(),
        )
    }

    /// `WSACreateEvent()`.
    pub fn wsa_create_event(&mut self) -> Result<WsaEvent, WsaError> {
        self.call(
            "WSACreateEvent()".into(),
            |sim, h| {
                if sim.event_objects.len() >= crate::sim::MAX_OBJECTS {
                    return Err(WsaError::WSAENOBUFS);
                }
                let e = WsaEvent(sim.event_objects.len() as u32 + 1);
                sim.event_objects.push(EventObject {
                    handle: e,
                    host: h,
                    signaled: false,
                });
                Ok(e)
            },
            |e| e.to_string(),
        )
    }

    /// `WSAEventSelect(s, hEventObject, lNetworkEvents)`: like WSAAsyncSelect, but events are
    /// recorded for WSAEnumNetworkEvents and signal the event object. Each cancels the other.
    pub fn wsa_event_select(
        &mut self,
        s: SocketHandle,
        event: WsaEvent,
        events: NetworkEvent,
    ) -> Result<(), WsaError> {
        self.call(
            format!("WSAEventSelect({s}, {event}, {events})"),
            |sim, h| {
                sim.check_socket(h, s)?;
                if events.has_unknown_bits() {
                    return Err(WsaError::WSAEINVAL);
                }
                if !sim
                    .event_objects
                    .iter()
                    .any(|o| o.handle == event && o.host == h)
                {
                    return Err(WsaError::WSAEINVAL);
                }
                let notify = if events.is_empty() {
                    Notify::None
                } else {
                    Notify::Event { event, events }
                };
                sim.select(s, notify);
                Ok(())
            },
            |_| "0".into(),
        )
    }

    /// `WSAEnumNetworkEvents(s, hEventObject, &events)`: the events recorded since the last
    /// call; clears the record and resets the event object.
    pub fn wsa_enum_network_events(
        &mut self,
        s: SocketHandle,
        event: Option<WsaEvent>,
    ) -> Result<NetworkEvents, WsaError> {
        let ev = event.map_or_else(|| "NULL".to_string(), |e| e.to_string());
        self.call(
            format!("WSAEnumNetworkEvents({s}, {ev})"),
            |sim, h| {
                sim.check_socket(h, s)?;
                if let Some(e) = event {
                    let Some(o) = sim
                        .event_objects
                        .iter_mut()
                        .find(|o| o.handle == e && o.host == h)
                    else {
                        return Err(WsaError::WSAEINVAL);
                    };
                    o.signaled = false;
                }
                let sock = sim.sock_mut(s);
                let out = NetworkEvents {
                    events: sock.recorded,
                    errors: sock.recorded_errors,
                };
                sock.recorded = NetworkEvent::NONE;
                sock.recorded_errors = [None; 10];
                Ok(out)
            },
            |n| n.events.to_string(),
        )
    }

    // ----- window messages -----

    /// `GetMessage(&msg, hWnd, 0, 0)` without waiting: takes the oldest queued message, or
    /// `None` if the queue is empty (where GetMessage would wait).
    pub fn get_message(&mut self, hwnd: Hwnd) -> Option<Message> {
        self.peek_message(hwnd, true)
    }

    /// `PeekMessage(&msg, hWnd, 0, 0, PM_REMOVE or PM_NOREMOVE)`.
    pub fn peek_message(&mut self, hwnd: Hwnd, remove: bool) -> Option<Message> {
        let wname = self
            .sim
            .window(hwnd)
            .map_or_else(|| hwnd.to_string(), |w| w.name.clone());
        let text = if remove {
            format!("GetMessage({wname})")
        } else {
            format!("PeekMessage({wname}, PM_NOREMOVE)")
        };
        let host = self.host;
        self.sim.begin(Cause::Call { host, call: text });
        let owned = self.sim.window(hwnd).is_some_and(|w| w.host == host);
        let m = if owned {
            self.sim.take_message(hwnd, remove)
        } else {
            None
        };
        let outcome = match &m {
            Some(m) => Outcome::Ok(format!(
                "{}({}, {}, {})",
                m.msg,
                m.wparam,
                m.lparam.event(),
                m.lparam.error().map_or("0".into(), |e| e.to_string())
            )),
            None => Outcome::Ok("no message".into()),
        };
        self.sim.end(outcome);
        m
    }
}

/// True when a blocking recv or recvfrom on `s` can return: data, an end, or an error.
fn recv_ready(sim: &Sim, s: SocketHandle) -> bool {
    sim.sockets.get(&s).is_none_or(|x| {
        !x.rx.is_empty()
            || !x.dgrams.is_empty()
            || x.conn_error.is_some()
            || x.tcb.as_ref().is_some_and(|t| t.fin_rcvd)
            || (x.ty == SocketType::Stream && !x.state().is_synchronized())
    })
}

impl Sim {
    /// WSANOTINITIALISED, WSAENETDOWN and WSAEINPROGRESS, in Winsock's order.
    pub(crate) fn check_host(&self, h: HostId) -> Result<(), WsaError> {
        let host = &self.hosts[h.0 as usize];
        if host.startups == 0 {
            return Err(WsaError::WSANOTINITIALISED);
        }
        if !host.net_up {
            return Err(WsaError::WSAENETDOWN);
        }
        if host.in_blocking_call {
            return Err(WsaError::WSAEINPROGRESS);
        }
        Ok(())
    }

    /// The host checks, then WSAENOTSOCK unless `s` is an open socket of this host.
    pub(crate) fn check_socket(&self, h: HostId, s: SocketHandle) -> Result<(), WsaError> {
        self.check_host(h)?;
        match self.sockets.get(&s) {
            Some(x) if x.host == h && x.open => Ok(()),
            _ => Err(WsaError::WSAENOTSOCK),
        }
    }

    /// Installs a new selection (or none) on `s` and posts what already holds.
    pub(crate) fn select(&mut self, s: SocketHandle, notify: Notify) {
        let reselect_event = matches!(notify, Notify::Event { .. })
            && matches!(self.sockets[&s].notify, Notify::Event { .. })
            && !self.profile.event_reselect_records_again();
        let sock = self.sock_mut(s);
        let had = sock.notify != Notify::None;
        let was_blocking = !sock.nonblocking;
        sock.nonblocking = true;
        sock.notify = notify;
        sock.armed = NetworkEvent::FD_ALL_EVENTS;
        sock.recorded = NetworkEvent::NONE;
        sock.recorded_errors = [None; 10];
        if was_blocking {
            self.change(Change::Note(format!(
                "socket {s} is now nonblocking [{}]",
                Rule::SelectNonblocking
            )));
        }
        let rule = match (notify, had) {
            (Notify::None, _) => Rule::SelectCancel,
            (_, true) => Rule::SelectReplaces,
            (_, false) => Rule::SelectReplaces,
        };
        let hwnd = match notify {
            Notify::Window { hwnd, .. } => Some(hwnd),
            _ => None,
        };
        self.change(Change::Selection {
            socket: s,
            hwnd,
            events: notify.events(),
            rule,
        });
        if notify == Notify::None {
            let queued: usize = self
                .windows
                .iter()
                .map(|w| w.queue.iter().filter(|m| m.wparam == s).count())
                .sum();
            if queued > 0 {
                self.change(Change::Note(format!(
                    "{queued} message(s) for socket {s} stay queued [{}]",
                    Rule::SelectCancel
                )));
            }
            return;
        }
        if reselect_event {
            self.change(Change::Note(
                "Windows: a repeated WSAEventSelect records nothing".into(),
            ));
            return;
        }
        self.persist(s, false);
    }

    pub(crate) fn start_connect(
        &mut self,
        h: HostId,
        s: SocketHandle,
        addr: SockAddr,
    ) -> Result<(), WsaError> {
        self.check_socket(h, s)?;
        let sock = &self.sockets[&s];
        if sock.listen.is_some() {
            return Err(WsaError::WSAEINVAL);
        }
        if sock.ty == SocketType::Stream {
            if sock.connecting {
                return Err(WsaError::WSAEALREADY);
            }
            if let Some(t) = sock.tcb.as_ref() {
                if t.state.is_synchronized() {
                    return Err(WsaError::WSAEISCONN);
                }
                if t.state != TcpState::Closed {
                    return Err(WsaError::WSAEALREADY);
                }
            }
        }
        if addr.ip.is_any() || addr.port == 0 {
            return Err(WsaError::WSAEADDRNOTAVAIL);
        }
        let ty = sock.ty;
        self.implicit_bind(h, s)?;
        if ty == SocketType::Dgram {
            self.sock_mut(s).remote = Some(addr);
            if self.profile.dgram_connect_posts_connect() {
                self.post(s, NetworkEvent::FD_CONNECT, None, Rule::ConnectEstablished);
            } else {
                // Windows treats connect() on a datagram socket as a fresh FD_WRITE.
                self.reenable(s, NetworkEvent::FD_WRITE);
                self.post(s, NetworkEvent::FD_WRITE, None, Rule::WriteOnConnect);
            }
            return Ok(());
        }
        let sock = self.sock_mut(s);
        sock.remote = Some(addr);
        sock.conn_error = None;
        sock.closed = None;
        sock.connecting = sock.nonblocking;
        let nonblocking = sock.nonblocking;
        let owned = self.hosts.iter().any(|x| x.addrs.contains(&addr.ip));
        let on_link = self.hosts[h.0 as usize]
            .addrs
            .iter()
            .any(|a| a.same_subnet(addr.ip));
        if !owned && !on_link {
            self.change(Change::Note(format!(
                "no route from this host to {}",
                addr.ip
            )));
            if !nonblocking {
                return Err(WsaError::WSAENETUNREACH);
            }
            self.connect_unreachable(s);
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        self.tcp_connect(s);
        Err(WsaError::WSAEWOULDBLOCK)
    }

    /// Binds `s` to the host's first address and a free port if it is not bound; fails with
    /// `WSAENOBUFS` when no port is free ("The socket cannot be connected").
    fn implicit_bind(&mut self, h: HostId, s: SocketHandle) -> Result<(), WsaError> {
        let primary = self.hosts[h.0 as usize]
            .addrs
            .first()
            .copied()
            .unwrap_or(Ipv4::ANY);
        let sock = &self.sockets[&s];
        match sock.local {
            None => {
                let port = self.alloc_port(h, sock.ty).ok_or(WsaError::WSAENOBUFS)?;
                self.sock_mut(s).local = Some(SockAddr::new(primary, port));
            }
            Some(l) if l.ip.is_any() && sock.ty == SocketType::Stream => {
                self.sock_mut(s).local = Some(SockAddr::new(primary, l.port));
            }
            Some(_) => {}
        }
        Ok(())
    }

    fn do_accept(
        &mut self,
        h: HostId,
        s: SocketHandle,
    ) -> Result<(SocketHandle, SockAddr), WsaError> {
        self.check_socket(h, s)?;
        let sock = &self.sockets[&s];
        if sock.ty != SocketType::Stream {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let Some(listen) = sock.listen.as_ref() else {
            return Err(WsaError::WSAEINVAL);
        };
        let (notify, nonblocking) = (sock.notify, sock.nonblocking);
        let next = listen.ready.front().copied();
        let Some(child) = next else {
            self.reenable_after(s, NetworkEvent::FD_ACCEPT, true);
            return Err(WsaError::WSAEWOULDBLOCK);
        };
        if let Some(l) = self.sock_mut(s).listen.as_mut() {
            l.ready.pop_front();
        }
        let c = self.sock_mut(child);
        c.parent = None;
        c.open = true;
        c.nonblocking = nonblocking;
        c.notify = notify;
        c.armed = NetworkEvent::FD_ALL_EVENTS;
        let remote = c.remote.unwrap_or_default();
        self.reenable(s, NetworkEvent::FD_ACCEPT);
        if notify != Notify::None {
            let hwnd = match notify {
                Notify::Window { hwnd, .. } => Some(hwnd),
                _ => None,
            };
            self.change(Change::Selection {
                socket: child,
                hwnd,
                events: notify.events(),
                rule: Rule::AcceptInherits,
            });
            self.persist(child, true);
        }
        Ok((child, remote))
    }

    /// send, or sendto with `to`: the call, then FD_WRITE's re-enabling, even on failure.
    fn do_send(
        &mut self,
        h: HostId,
        s: SocketHandle,
        data: &[u8],
        flags: MsgFlags,
        to: Option<SockAddr>,
    ) -> Result<usize, WsaError> {
        self.check_socket(h, s)?;
        let r = match to {
            Some(to) => self.sendto_inner(h, s, data, Some(to)),
            None => self.send_inner(h, s, data, flags),
        };
        self.reenable_after(s, NetworkEvent::FD_WRITE, r.is_err());
        r
    }

    fn send_inner(
        &mut self,
        h: HostId,
        s: SocketHandle,
        data: &[u8],
        flags: MsgFlags,
    ) -> Result<usize, WsaError> {
        let sock = &self.sockets[&s];
        if sock.ty == SocketType::Dgram {
            return self.sendto_inner(h, s, data, None);
        }
        if let Some(e) = sock.conn_error {
            if sock
                .tcb
                .as_ref()
                .is_some_and(|t| t.state == TcpState::Closed)
                && sock.closed.is_some()
                || e != WsaError::WSAECONNREFUSED
            {
                return Err(
                    if sock.state() == TcpState::Closed && sock.closed.is_none() {
                        WsaError::WSAENOTCONN
                    } else {
                        e
                    },
                );
            }
        }
        if sock.shut_wr {
            return Err(WsaError::WSAESHUTDOWN);
        }
        if !matches!(sock.state(), TcpState::Established | TcpState::CloseWait) {
            return Err(WsaError::WSAENOTCONN);
        }
        if data.is_empty() {
            return Ok(0);
        }
        let space = sock.send_space();
        if space == 0 {
            self.sock_mut(s).send_blocked = true;
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        let n = data.len().min(space);
        let sock = self.sock_mut(s);
        sock.tx.extend(&data[..n]);
        let end = sock
            .tcb
            .as_ref()
            .map_or(0, |t| t.snd_una)
            .wrapping_add(sock.tx.len() as u32);
        if flags.oob {
            if let Some(t) = sock.tcb.as_mut() {
                t.snd_up = Some(end);
            }
        }
        self.tcp_output(s);
        Ok(n)
    }

    fn sendto_inner(
        &mut self,
        h: HostId,
        s: SocketHandle,
        data: &[u8],
        to: Option<SockAddr>,
    ) -> Result<usize, WsaError> {
        let sock = &self.sockets[&s];
        if sock.shut_wr {
            return Err(WsaError::WSAESHUTDOWN);
        }
        let Some(dst) = to.or(sock.remote) else {
            return Err(WsaError::WSAENOTCONN);
        };
        if dst.ip.is_any() || dst.port == 0 {
            return Err(WsaError::WSAEADDRNOTAVAIL);
        }
        if data.len() > MAX_DATAGRAM {
            return Err(WsaError::WSAEMSGSIZE);
        }
        let owned = self.hosts.iter().any(|x| x.addrs.contains(&dst.ip));
        let on_link = self.hosts[h.0 as usize]
            .addrs
            .iter()
            .any(|a| a.same_subnet(dst.ip));
        if !owned && !on_link {
            return Err(WsaError::WSAENETUNREACH);
        }
        self.implicit_bind(h, s)?;
        let local = self.sockets[&s].local.expect("invariant: bound");
        let primary = self.hosts[h.0 as usize]
            .addrs
            .first()
            .copied()
            .unwrap_or(Ipv4::ANY);
        let src = if local.ip.is_any() {
            SockAddr::new(primary, local.port)
        } else {
            local
        };
        self.transmit(
            h,
            Segment {
                src,
                dst,
                payload: Payload::Udp {
                    data: data.to_vec(),
                },
            },
        );
        Ok(data.len())
    }

    fn do_recv(
        &mut self,
        h: HostId,
        s: SocketHandle,
        len: usize,
        flags: MsgFlags,
    ) -> Result<(Vec<u8>, SockAddr), WsaError> {
        self.check_socket(h, s)?;
        let had_data = !self.sockets[&s].rx.is_empty();
        let r = self.recv_inner(s, len, flags);
        let drained = had_data && self.sockets[&s].rx.is_empty();
        self.reenable_after(s, NetworkEvent::FD_READ | NetworkEvent::FD_OOB, r.is_err());
        if drained {
            if let Some(rule) = self.deferred_close_rule(s) {
                self.post(s, NetworkEvent::FD_CLOSE, None, rule);
            }
        }
        if self.sockets[&s].ty == SocketType::Stream {
            self.tcp_window_update(s);
        }
        r
    }

    fn recv_inner(
        &mut self,
        s: SocketHandle,
        len: usize,
        flags: MsgFlags,
    ) -> Result<(Vec<u8>, SockAddr), WsaError> {
        let sock = &self.sockets[&s];
        let from = sock.remote.unwrap_or_default();
        if sock.ty == SocketType::Dgram {
            if sock.local.is_none() {
                return Err(WsaError::WSAEINVAL);
            }
            if sock.shut_rd {
                return Err(WsaError::WSAESHUTDOWN);
            }
            let Some((from, d)) = sock.dgrams.front().cloned() else {
                return Err(WsaError::WSAEWOULDBLOCK);
            };
            if !flags.peek {
                self.sock_mut(s).dgrams.pop_front();
            }
            if d.len() > len {
                return Err(WsaError::WSAEMSGSIZE);
            }
            return Ok((d, from));
        }
        if sock.listen.is_some() {
            return Err(WsaError::WSAENOTCONN);
        }
        if sock.shut_rd {
            return Err(WsaError::WSAESHUTDOWN);
        }
        if flags.oob {
            if sock.oob_inline {
                return Err(WsaError::WSAEINVAL);
            }
            let Some(b) = sock.oob.front().copied() else {
                return Err(WsaError::WSAEWOULDBLOCK);
            };
            if !flags.peek && len > 0 {
                self.sock_mut(s).oob.pop_front();
            }
            return Ok((if len > 0 { alloc::vec![b] } else { Vec::new() }, from));
        }
        if !sock.rx.is_empty() {
            let n = len.min(sock.rx.len());
            let sock = self.sock_mut(s);
            let data: Vec<u8> = if flags.peek {
                sock.rx.iter().take(n).copied().collect()
            } else {
                sock.rx.drain(..n).collect()
            };
            if !flags.peek {
                sock.oob_mark = match sock.oob_mark {
                    Some(m) if m >= n => Some(m - n),
                    _ => None,
                };
            }
            return Ok((data, from));
        }
        if let Some(e) = sock.conn_error {
            return Err(e);
        }
        if sock.tcb.as_ref().is_some_and(|t| t.fin_rcvd) {
            return Ok((Vec::new(), from));
        }
        if !sock.state().is_synchronized() {
            return Err(WsaError::WSAENOTCONN);
        }
        Err(WsaError::WSAEWOULDBLOCK)
    }

    /// closesocket: cancel the selection, then close the connection gracefully or abortively.
    pub(crate) fn close_socket(&mut self, s: SocketHandle) {
        let sock = self.sock_mut(s);
        let had = sock.notify != Notify::None;
        sock.notify = Notify::None;
        sock.open = false;
        if had {
            self.change(Change::Selection {
                socket: s,
                hwnd: None,
                events: NetworkEvent::NONE,
                rule: Rule::ClosesocketCancels,
            });
        }
        let sock = &self.sockets[&s];
        if let Some(listen) = sock.listen.clone() {
            for c in listen.ready.iter().chain(listen.half_open.iter()) {
                self.tcp_send_reset(*c);
                self.free(*c);
            }
            self.change(Change::State {
                socket: s,
                from: TcpState::Listen,
                to: TcpState::Closed,
            });
            self.free(s);
            return;
        }
        let state = sock.state();
        if sock.ty == SocketType::Stream && state.is_synchronized() && state != TcpState::TimeWait {
            if sock.linger == Some(0) || !sock.rx.is_empty() {
                let why = if sock.linger == Some(0) {
                    "SO_LINGER is on with 0 s"
                } else {
                    "received data is unread"
                };
                self.change(Change::Note(format!(
                    "abortive close: {why}, so RST is sent"
                )));
                self.tcp_send_reset(s);
                self.free(s);
            } else {
                self.sock_mut(s).shut_wr = true;
                self.tcp_output(s);
                let state = self.sockets[&s].state();
                if state == TcpState::Closed {
                    self.free(s);
                }
            }
            return;
        }
        if state == TcpState::TimeWait {
            return; // the TIME_WAIT timer frees it
        }
        if sock.tcb.is_some() {
            self.cancel_timer(s);
        }
        self.free(s);
    }
}
