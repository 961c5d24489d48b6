//! A many-socket echo benchmark: how many simulated steps, and how many posted
//! WSAAsyncSelect messages, the core gets through per second of wall time, natively.
//!
//! The workload is a real WSAAsyncSelect program on both sides, driven only by its window
//! messages:
//! - one server host with a listening socket selected for
//!   `FD_ACCEPT|FD_READ|FD_WRITE|FD_CLOSE`: FD_ACCEPT → `accept` (the new socket inherits
//!   the selection), FD_READ → one `recv` and `send` the bytes back, FD_WRITE → send what
//!   is still pending, FD_CLOSE → `closesocket`;
//! - client hosts (at most [`CONNS_PER_HOST`] connections each, every host with its own
//!   address in 10.0.x.y and its own window), each connection selected for
//!   `FD_CONNECT|FD_READ|FD_WRITE|FD_CLOSE`: a nonblocking `connect`, then on the first
//!   FD_WRITE the first message; on FD_READ one `recv`, and once a message has come back
//!   whole, the next one; after the last, `closesocket`.
//!
//! Connections start [`STAGGER_US`] µs of virtual time apart, so the listener's backlog
//! (200 at most) never overflows. The run goes on until nothing is scheduled, which
//! includes every client socket's 240 s TIME_WAIT, and then checks that every byte came
//! back as it was sent and that every socket but the listener is gone, so the figures
//! measure work that was really done.
//!
//! "Steps" are trace entries: every Winsock call (including each `GetMessage`), every
//! segment delivery and every timer. "Events" are the `Sim::step` calls among them.
//! The trace cannot be switched off, so there is no trace-free figure: recording it is
//! part of every step.
//!
//! Each workload runs [`REPEATS`] times (2 when quick, 1 for `sim`); the fastest run is
//! reported, and the runs' traces must be equal (a determinism check).
//!
//! The same echo shape also runs over real loopback TCP ([`real`]: mio, one thread,
//! edge-triggered, `TCP_NODELAY` on both sides), and the two are compared in round trips
//! (one message out and back whole) per second of wall time. Issue 9 asks for sim ≥ 10×
//! real; the bench only measures and prints.
//!
//! Memory: a counting global allocator ([`wsasim_count_alloc`], its own crate because the
//! workspace forbids `unsafe`) gives each run's peak of live bytes, and the bytes the trace
//! holds per entry: the trace is cloned (a clone's buffers are exactly their length), and
//! the bytes freed by dropping the clone (the entries' encoding, the index marks, the
//! names) are divided by the number of entries. The trace keeps its entries encoded
//! (`wsasim::trace` decodes them when read), so this is what a long run retains.
//! Counting is on for every figure, real loopback included.
//!
//! Run with `cargo bench -p wsasim --bench echo [-- WHAT]`, where WHAT is `compare` (sim
//! vs loopback), `sim` (the same in the simulation only, one run each, for profiling), `scale` (the same
//! 30,000 round trips over 100, 1,000 and 3,000 connections), `quick` (small versions of compare and scale, seconds) or
//! `all` (the default). Unknown arguments (cargo's `--bench`) are ignored.

#[path = "echo/real.rs"]
mod real;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration as WallDuration, Instant as WallClock};

use wsasim::{
    HostId, Hwnd, Instant, Ipv4, Message, MsgFlags, NetworkEvent, Sim, SockAddr, SocketHandle,
    SocketType, TraceEntry, WindowMessage, WsaError,
};
use wsasim_count_alloc::Counting;

#[global_allocator]
static ALLOC: Counting = Counting::new();

/// The echo port.
const PORT: u16 = 7;
/// The message number every socket is selected with.
const WM_SOCKET: WindowMessage = WindowMessage::user(1);
/// Connections per client host (each host has about 16k ephemeral ports).
const CONNS_PER_HOST: usize = 50;
/// Virtual time between two connections' starts.
const STAGGER_US: u64 = 20;
/// The most bytes one `recv` asks for.
const RECV_LEN: usize = 4096;
/// Runs of each workload; the fastest is reported.
const REPEATS: usize = 3;

/// One run's shape: `connections` × `messages` round trips of `size` bytes.
#[derive(Clone, Copy)]
struct Workload {
    connections: usize,
    messages: usize,
    size: usize,
}

impl Workload {
    const fn new(connections: usize, messages: usize, size: usize) -> Workload {
        Workload {
            connections,
            messages,
            size,
        }
    }

    fn round_trips(&self) -> usize {
        self.connections * self.messages
    }
}

/// One run's figures.
struct Figures {
    steps: usize,
    events: usize,
    messages: usize,
    virtual_time: Instant,
    wall: WallDuration,
    /// The most bytes live during the run, above those live before it.
    peak: usize,
    /// Bytes per trace entry freed by dropping a clone of the trace (filled in by [`best_of`]).
    trace_heap_per_entry: f64,
}

/// The bytes of message `k` of connection `conn`.
fn payload(conn: usize, k: usize, size: usize) -> Vec<u8> {
    (0..size)
        .map(|j| (conn.wrapping_mul(31) ^ k.wrapping_mul(7) ^ j) as u8)
        .collect()
}

/// Bytes an application wants to send but `send` has not taken yet.
#[derive(Default)]
struct Outbox(Vec<u8>);

impl Outbox {
    /// Sends as much as the socket takes; the rest waits for FD_WRITE.
    fn flush(&mut self, sim: &mut Sim, host: HostId, s: SocketHandle) {
        while !self.0.is_empty() {
            match sim.on(host).send(s, &self.0, MsgFlags::NONE) {
                Ok(n) => {
                    self.0.drain(..n);
                }
                Err(WsaError::WSAEWOULDBLOCK) => return,
                Err(e) => panic!("send on socket {s} failed with {e}"),
            }
        }
    }
}

/// The echo server: its listening socket and the sockets it accepted.
struct Server {
    host: HostId,
    hwnd: Hwnd,
    listener: SocketHandle,
    conns: BTreeMap<SocketHandle, Outbox>,
    accepted: usize,
}

impl Server {
    fn handle(&mut self, sim: &mut Sim, m: &Message) {
        let (s, event) = (m.wparam, m.lparam.event());
        if let Some(e) = m.lparam.error() {
            panic!("server: {event} on socket {s} carries {e}");
        }
        if s == self.listener {
            assert_eq!(
                event,
                NetworkEvent::FD_ACCEPT,
                "server: listener got {event}"
            );
            match sim.on(self.host).accept(s) {
                Ok((a, _)) => {
                    self.conns.insert(a, Outbox::default());
                    self.accepted += 1;
                }
                Err(WsaError::WSAEWOULDBLOCK) => {}
                Err(e) => panic!("server: accept failed with {e}"),
            }
            return;
        }
        // Messages can stay queued after closesocket; the spec says to expect them.
        let Some(out) = self.conns.get_mut(&s) else {
            return;
        };
        match event {
            NetworkEvent::FD_READ => match sim.on(self.host).recv(s, RECV_LEN, MsgFlags::NONE) {
                Ok(data) => {
                    out.0.extend_from_slice(&data);
                    out.flush(sim, self.host, s);
                }
                Err(WsaError::WSAEWOULDBLOCK) => {}
                Err(e) => panic!("server: recv on socket {s} failed with {e}"),
            },
            NetworkEvent::FD_WRITE => out.flush(sim, self.host, s),
            NetworkEvent::FD_CLOSE => {
                assert!(
                    out.0.is_empty(),
                    "server: FD_CLOSE on socket {s} with {} bytes not yet echoed",
                    out.0.len()
                );
                sim.on(self.host)
                    .closesocket(s)
                    .expect("server: closesocket");
                self.conns.remove(&s);
            }
            other => panic!("server: unexpected {other} on socket {s}"),
        }
    }
}

/// One client connection.
struct Conn {
    host: HostId,
    sock: SocketHandle,
    sent: usize,
    want: Vec<u8>,
    echoed: Vec<u8>,
    out: Outbox,
    done: bool,
}

/// A client host: its window and its connections.
struct ClientHost {
    host: HostId,
    hwnd: Hwnd,
    by_socket: BTreeMap<SocketHandle, usize>,
}

struct World {
    sim: Sim,
    work: Workload,
    server: Server,
    clients: Vec<ClientHost>,
    conns: Vec<Conn>,
    /// Window number (0 for the server, then one per client host) by handle.
    window_number: BTreeMap<Hwnd, usize>,
    events: usize,
}

impl World {
    fn new(work: Workload) -> World {
        let mut sim = Sim::new();
        let server_ip = Ipv4([10, 0, 0, 1]);
        let host = sim.add_host("server", server_ip).expect("add server");
        let hwnd = sim.create_window(host, "main");
        let mut srv = sim.on(host);
        srv.wsa_startup().expect("server: WSAStartup");
        let listener = srv.socket(SocketType::Stream).expect("server: socket");
        srv.bind(listener, SockAddr::new(server_ip, PORT))
            .expect("server: bind");
        srv.listen(listener, 200).expect("server: listen");
        srv.wsa_async_select(
            listener,
            hwnd,
            WM_SOCKET,
            NetworkEvent::FD_ACCEPT
                | NetworkEvent::FD_READ
                | NetworkEvent::FD_WRITE
                | NetworkEvent::FD_CLOSE,
        )
        .expect("server: WSAAsyncSelect");

        let hosts = work.connections.div_ceil(CONNS_PER_HOST);
        let clients: Vec<ClientHost> = (0..hosts)
            .map(|i| {
                let ip = Ipv4([10, 0, 1 + (i / 250) as u8, 1 + (i % 250) as u8]);
                let host = sim
                    .add_host(&format!("client{i}"), ip)
                    .expect("add client host");
                let hwnd = sim.create_window(host, "main");
                sim.on(host).wsa_startup().expect("client: WSAStartup");
                ClientHost {
                    host,
                    hwnd,
                    by_socket: BTreeMap::new(),
                }
            })
            .collect();
        let window_number = core::iter::once(hwnd)
            .chain(clients.iter().map(|c| c.hwnd))
            .enumerate()
            .map(|(i, h)| (h, i))
            .collect();
        World {
            sim,
            work,
            server: Server {
                host,
                hwnd,
                listener,
                conns: BTreeMap::new(),
                accepted: 0,
            },
            clients,
            conns: Vec::new(),
            window_number,
            events: 0,
        }
    }

    /// Opens connection number `self.conns.len()`: socket, WSAAsyncSelect, connect.
    fn start_connection(&mut self) {
        let i = self.conns.len();
        let ch = &mut self.clients[i / CONNS_PER_HOST];
        let mut ws = self.sim.on(ch.host);
        let s = ws.socket(SocketType::Stream).expect("client: socket");
        ws.wsa_async_select(
            s,
            ch.hwnd,
            WM_SOCKET,
            NetworkEvent::FD_CONNECT
                | NetworkEvent::FD_READ
                | NetworkEvent::FD_WRITE
                | NetworkEvent::FD_CLOSE,
        )
        .expect("client: WSAAsyncSelect");
        let to = SockAddr::new(Ipv4([10, 0, 0, 1]), PORT);
        assert_eq!(
            ws.connect(s, to),
            Err(WsaError::WSAEWOULDBLOCK),
            "client: a nonblocking connect"
        );
        ch.by_socket.insert(s, i);
        self.conns.push(Conn {
            host: ch.host,
            sock: s,
            sent: 0,
            want: Vec::new(),
            echoed: Vec::new(),
            out: Outbox::default(),
            done: false,
        });
    }

    /// Queues connection `i`'s next message and sends it.
    fn send_next(&mut self, i: usize) {
        let size = self.work.size;
        let c = &mut self.conns[i];
        let msg = payload(i, c.sent, size);
        c.sent += 1;
        c.want.extend_from_slice(&msg);
        c.out.0.extend_from_slice(&msg);
        c.out.flush(&mut self.sim, c.host, c.sock);
    }

    fn handle_client(&mut self, i: usize, m: &Message) {
        let event = m.lparam.event();
        if let Some(e) = m.lparam.error() {
            panic!("client {i}: {event} carries {e}");
        }
        if self.conns[i].done {
            return; // queued before closesocket
        }
        let (host, s) = (self.conns[i].host, self.conns[i].sock);
        match event {
            NetworkEvent::FD_CONNECT => {}
            NetworkEvent::FD_WRITE => {
                if self.conns[i].sent == 0 {
                    self.send_next(i);
                } else {
                    let c = &mut self.conns[i];
                    c.out.flush(&mut self.sim, host, s);
                }
            }
            NetworkEvent::FD_READ => {
                let data = match self.sim.on(host).recv(s, RECV_LEN, MsgFlags::NONE) {
                    Ok(d) => d,
                    Err(WsaError::WSAEWOULDBLOCK) => return,
                    Err(e) => panic!("client {i}: recv failed with {e}"),
                };
                let c = &mut self.conns[i];
                let at = c.echoed.len();
                c.echoed.extend_from_slice(&data);
                assert!(
                    c.echoed.len() <= c.want.len() && c.echoed[at..] == c.want[at..c.echoed.len()],
                    "client {i}: echo differs from what was sent, at byte {at}"
                );
                if c.echoed.len() < c.want.len() {
                    return;
                }
                if c.sent < self.work.messages {
                    self.send_next(i);
                } else {
                    self.sim
                        .on(host)
                        .closesocket(s)
                        .expect("client: closesocket");
                    self.conns[i].done = true;
                }
            }
            other => panic!("client {i}: unexpected {other}"),
        }
    }

    /// Takes a message from window number `w` (0 for the server, then one per client host)
    /// if one is queued.
    /// Checks the queue first, so that an empty `GetMessage` (which would wait) is not
    /// made and counted as a step.
    fn take(&mut self, w: usize) -> Option<Message> {
        let (host, hwnd) = match w {
            0 => (self.server.host, self.server.hwnd),
            _ => (self.clients[w - 1].host, self.clients[w - 1].hwnd),
        };
        let queued = self.sim.window(hwnd).is_some_and(|w| !w.queue.is_empty());
        if !queued {
            return None;
        }
        self.sim.on(host).get_message(hwnd)
    }

    /// The application owning window number `w` handles its messages until its queue is
    /// empty. Its calls can post only to its own window, so no other queue fills meanwhile.
    fn pump(&mut self, w: usize) {
        while let Some(m) = self.take(w) {
            if w == 0 {
                self.server.handle(&mut self.sim, &m);
            } else {
                let i = *self.clients[w - 1]
                    .by_socket
                    .get(&m.wparam)
                    .expect("a message for a socket this client opened");
                self.handle_client(i, &m);
            }
        }
    }

    /// Runs the whole workload: starts connections on schedule, steps the network, and
    /// after every step lets the applications whose windows got messages handle them.
    fn run(&mut self) {
        let mut woken: Vec<usize> = Vec::new();
        loop {
            let next_net = self.sim.next_event_at();
            if self.conns.len() < self.work.connections {
                let start = Instant::from_micros(self.conns.len() as u64 * STAGGER_US);
                if next_net.is_none_or(|at| start < at) {
                    let now = self.sim.now();
                    self.sim
                        .run_for(start - now, 0)
                        .expect("nothing is due before the next connection starts");
                    self.start_connection();
                    self.pump(1 + (self.conns.len() - 1) / CONNS_PER_HOST);
                    continue;
                }
            }
            let Some(entry) = self.sim.step() else {
                break;
            };
            self.events += 1;
            woken.clear();
            woken.extend(entry.posted().map(|m| self.window_number[&m.hwnd]));
            woken.dedup();
            for &w in &woken {
                self.pump(w);
            }
        }
        for w in 0..=self.clients.len() {
            assert!(
                self.take(w).is_none(),
                "window {w}: a message left unhandled"
            );
        }
    }

    /// Panics unless every connection echoed every byte and closed.
    fn verify(&self) {
        let w = self.work;
        assert_eq!(self.conns.len(), w.connections, "every connection started");
        assert_eq!(
            self.server.accepted, w.connections,
            "every connection accepted"
        );
        for (i, c) in self.conns.iter().enumerate() {
            assert!(
                c.done,
                "client {i} did not finish ({} of {} messages sent)",
                c.sent, w.messages
            );
            let all: Vec<u8> = (0..w.messages)
                .flat_map(|k| payload(i, k, w.size))
                .collect();
            assert!(c.echoed == all, "client {i}: echoed bytes differ");
        }
        assert!(
            self.server.conns.is_empty(),
            "server: connections left open"
        );
        let left: Vec<SocketHandle> = self.sim.sockets().map(|s| s.handle()).collect();
        assert_eq!(
            left,
            [self.server.listener],
            "every socket but the listener is freed"
        );
        for m in self.sim.trace().messages() {
            assert!(m.lparam.error().is_none(), "an event carried an error: {m}");
        }
    }
}

/// Builds and runs the workload once; the wall time covers both, not the checks.
fn run(work: Workload) -> (Figures, Sim) {
    ALLOC.reset_peak();
    let before = ALLOC.live();
    let t0 = WallClock::now();
    let mut world = World::new(work);
    world.run();
    let wall = t0.elapsed();
    let peak = ALLOC.peak() - before;
    world.verify();
    let world = black_box(world);
    let figures = Figures {
        steps: world.sim.trace().len(),
        events: world.events,
        messages: world.sim.trace().messages().count(),
        virtual_time: world.sim.now(),
        wall,
        peak,
        trace_heap_per_entry: 0.0,
    };
    (figures, world.sim)
}

/// Runs the workload `repeats` times; keeps the fastest, and checks that every run gave
/// the same trace (the same calls give the same trace, byte for byte). Then measures the
/// first run's trace: the bytes it retains, per entry.
fn best_of(work: Workload, repeats: usize) -> Figures {
    let (mut best, first) = run(work);
    for _ in 1..repeats {
        let (f, sim) = run(work);
        assert!(
            sim.trace() == first.trace(),
            "{} connections: two runs of the same calls gave different traces",
            work.connections
        );
        if f.wall < best.wall {
            best = f;
        }
    }
    // Clone the trace (a clone's buffers are exactly their length), then free the clone:
    // what is freed is what the trace retains for its entries (their encoding, its index
    // marks, the names).
    let entries = first.trace().len();
    let copy = first.trace().clone();
    let held = ALLOC.live();
    drop(copy);
    let freed = held - ALLOC.live();
    best.trace_heap_per_entry = freed as f64 / entries as f64;
    best
}

fn per_second(n: usize, wall: WallDuration) -> String {
    let r = n as f64 / wall.as_secs_f64();
    if r >= 1e6 {
        format!("{:.2}M", r / 1e6)
    } else {
        format!("{:.1}k", r / 1e3)
    }
}

/// What to run, from the command line.
struct Plan {
    compare: Vec<Workload>,
    scale: Vec<Workload>,
    repeats: usize,
    /// False for `sim`: the compare workloads in the simulation only (for profiling).
    real: bool,
}

impl Plan {
    fn from_args() -> Plan {
        let full_compare = vec![Workload::new(64, 1000, 100), Workload::new(1, 20_000, 1)];
        // The same 30,000 round trips spread over more and more connections, so only
        // the number of connections changes (not the length of the run).
        let full_scale = vec![
            Workload::new(100, 300, 128),
            Workload::new(1000, 30, 128),
            Workload::new(3000, 10, 128),
        ];
        let what = std::env::args()
            .skip(1)
            .find(|a| ["compare", "sim", "scale", "quick", "all"].contains(&a.as_str()))
            .unwrap_or_else(|| "all".into());
        match what.as_str() {
            "compare" => Plan {
                compare: full_compare,
                scale: vec![],
                repeats: REPEATS,
                real: true,
            },
            "sim" => Plan {
                compare: full_compare,
                scale: vec![],
                repeats: 1,
                real: false,
            },
            "scale" => Plan {
                compare: vec![],
                scale: full_scale,
                repeats: REPEATS,
                real: true,
            },
            "quick" => Plan {
                compare: vec![Workload::new(16, 200, 100), Workload::new(1, 2000, 1)],
                scale: vec![Workload::new(100, 30, 128), Workload::new(300, 10, 128)],
                repeats: 2,
                real: true,
            },
            _ => Plan {
                compare: full_compare,
                scale: full_scale,
                repeats: REPEATS,
                real: true,
            },
        }
    }
}

fn seconds(d: WallDuration) -> String {
    format!("{:.3}s", d.as_secs_f64())
}

fn mib(bytes: usize) -> String {
    format!("{:.1}MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Runs the workloads in the simulation and prints one line each; returns the figures.
fn sim_table(works: &[Workload], repeats: usize) -> Vec<Figures> {
    println!(
        "{:>5} {:>5} {:>5} {:>9} {:>8} {:>8} {:>9} {:>8} {:>9} {:>9} {:>9} {:>9} {:>14}",
        "conns",
        "msgs",
        "bytes",
        "steps",
        "events",
        "posted",
        "virtual",
        "wall",
        "steps/s",
        "posted/s",
        "rtrips/s",
        "peak",
        "trace B/entry"
    );
    let mut all = Vec::new();
    for &work in works {
        let f = best_of(work, repeats);
        println!(
            "{:>5} {:>5} {:>5} {:>9} {:>8} {:>8} {:>9} {:>8} {:>9} {:>9} {:>9} {:>9} {:>14}",
            work.connections,
            work.messages,
            work.size,
            f.steps,
            f.events,
            f.messages,
            format!("{:.3}s", f.virtual_time.total_micros() as f64 / 1e6),
            seconds(f.wall),
            per_second(f.steps, f.wall),
            per_second(f.messages, f.wall),
            per_second(work.round_trips(), f.wall),
            mib(f.peak),
            format!("{:.0}", f.trace_heap_per_entry),
        );
        all.push(f);
    }
    all
}

fn main() {
    let plan = Plan::from_args();
    let repeats = plan.repeats;
    println!(
        "echo: {CONNS_PER_HOST} connections per client host, one echo server, WSAAsyncSelect on both sides;"
    );
    println!("best of {repeats} runs, each checked byte for byte and against the others' traces;");
    println!(
        "trace B/entry = bytes a trace retains per entry: encoding and index (target: <= 64);"
    );
    println!(
        "inline sizes: TraceEntry {} B, Change {} B, SegmentHeader {} B, Message {} B",
        std::mem::size_of::<TraceEntry>(),
        std::mem::size_of::<wsasim::trace::Change>(),
        std::mem::size_of::<wsasim::net::SegmentHeader>(),
        std::mem::size_of::<Message>(),
    );

    if !plan.compare.is_empty() {
        println!("\n-- simulation vs real loopback TCP (mio, one thread, edge-triggered) --");
        let sims = sim_table(&plan.compare, repeats);
        if !plan.real {
            return;
        }
        println!(
            "{:>5} {:>5} {:>5} {:>9} {:>10} {:>10} {:>9}",
            "conns", "msgs", "bytes", "real wall", "real rt/s", "sim rt/s", "sim/real"
        );
        for (&work, f) in plan.compare.iter().zip(&sims) {
            let real = (0..repeats)
                .map(|_| real::run(work))
                .min()
                .expect("at least one run");
            let sim_rate = work.round_trips() as f64 / f.wall.as_secs_f64();
            let real_rate = work.round_trips() as f64 / real.as_secs_f64();
            println!(
                "{:>5} {:>5} {:>5} {:>9} {:>10} {:>10} {:>8.2}x",
                work.connections,
                work.messages,
                work.size,
                seconds(real),
                per_second(work.round_trips(), real),
                per_second(work.round_trips(), f.wall),
                sim_rate / real_rate,
            );
        }
    }

    if !plan.scale.is_empty() {
        println!("\n-- linear cost: steps/s as connections grow (same round trips in all) --");
        let figs = sim_table(&plan.scale, repeats);
        let rate = |f: &Figures| f.steps as f64 / f.wall.as_secs_f64();
        if let (Some((w0, f0)), Some((w1, f1))) = (
            plan.scale.first().zip(figs.first()),
            plan.scale.last().zip(figs.last()),
        ) {
            println!(
                "steps/s at {} connections / at {} connections = {:.2}",
                w1.connections,
                w0.connections,
                rate(f1) / rate(f0)
            );
        }
    }
}
