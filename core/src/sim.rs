//! The simulated world ([`Sim`]): hosts, sockets, windows, the network and virtual time,
//! driven one step at a time. The calls of one host's application are in the `winsock`
//! module, above this one.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use alloc::collections::BTreeMap;

use crate::error::WsaError;
use crate::net::{HostId, Ipv4, Links, Segment};
use crate::profile::Profile;
use crate::queue::{Hwnd, Message, Window};
use crate::schedule::{Pending, Schedule};
use crate::socket::{Socket, SocketHandle, SocketTable, SocketType, WsaEvent};
use crate::time::{Duration, Instant};
use crate::trace::{Cause, Change, Note, Outcome, Recorder, Trace, TraceEntry, WorldAction};

/// A host: one machine with its addresses and one application making Winsock calls.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Host {
    /// Its id.
    pub id: HostId,
    /// A name for people (`client`).
    pub name: String,
    /// Its IPv4 addresses; the first is used for implicit binds.
    pub addrs: Vec<Ipv4>,
    /// Successful WSAStartup calls not yet matched by WSACleanup.
    pub startups: u32,
    /// What `WSAGetLastError` returns: the error of the last failed call.
    pub last_error: Option<WsaError>,
    /// False while the host's network is down.
    pub net_up: bool,
    /// True while a blocking call of this host is in progress.
    pub in_blocking_call: bool,
    next_port: u16,
}

/// A WSAEventSelect event object.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EventObject {
    /// Its handle.
    pub handle: WsaEvent,
    /// The host that created it.
    pub host: HostId,
    /// Signalled by a recorded network event, reset by WSAEnumNetworkEvents.
    pub signaled: bool,
}

/// A segment on its way, for display.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InFlight {
    /// Sending host.
    pub from: HostId,
    /// Receiving host.
    pub to: HostId,
    /// When it arrives.
    pub arrives: Instant,
    /// The segment.
    pub segment: Segment,
}

/// Why [`Sim::run_until_idle`] stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepLimit {
    /// Steps taken before giving up.
    pub steps: usize,
}

impl core::fmt::Display for StepLimit {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the network was still busy after {} steps", self.steps)
    }
}

/// The error from setting up the world (hosts, windows, links).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupError {
    /// A host with this name exists already.
    DuplicateHost(String),
    /// Another host owns this address.
    AddressInUse(Ipv4),
    /// No host has this id.
    UnknownHost,
    /// Too many hosts, sockets or windows.
    TooMany,
}

impl core::fmt::Display for SetupError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SetupError::DuplicateHost(n) => write!(f, "a host named {n} exists already"),
            SetupError::AddressInUse(a) => write!(f, "another host already has address {a}"),
            SetupError::UnknownHost => f.write_str("no such host"),
            SetupError::TooMany => f.write_str("too many hosts"),
        }
    }
}

impl core::error::Error for SetupError {}

/// The simulated world: hosts with their sockets and windows, the network between them,
/// and virtual time. A plain value: `Clone` it to keep a checkpoint.
///
/// Its methods come in four kinds:
/// - **getters**: [`Sim::now`], [`Sim::socket_info`], [`Sim::window`], [`Sim::trace`], …;
/// - **Winsock calls**, made by one host's application through [`Sim::on`], named as in
///   Winsock and returning `Result<T, WsaError>`;
/// - **driving**: [`Sim::step`] runs exactly one scheduled event (a segment delivery or a
///   timer) and [`Sim::next_event_at`] says when that will be; [`Sim::run_until_idle`] and
///   [`Sim::run_for`] loop over `step`;
/// - **outputs**: window message queues ([`Sim::window`], taken with
///   `Winsock::get_message`) and the append-only [`Trace`].
///
/// The world changes only through these calls; faults (cut links, network down, reset) are
/// world calls too, so a run is a pure function of its calls.
///
/// ```
/// use wsasim::{NetworkEvent, Sim, SocketType, WindowMessage, WsaError};
///
/// let mut sim = Sim::new();
/// let server = sim.add_host("server", "10.0.0.2".parse().unwrap()).unwrap();
/// let client = sim.add_host("client", "10.0.0.1".parse().unwrap()).unwrap();
/// let main = sim.create_window(server, "main");
///
/// sim.on(server).wsa_startup().unwrap();
/// let l = sim.on(server).socket(SocketType::Stream).unwrap();
/// sim.on(server).bind(l, "10.0.0.2:80".parse().unwrap()).unwrap();
/// sim.on(server).listen(l, 5).unwrap();
/// sim.on(server)
///     .wsa_async_select(l, main, WindowMessage::user(1), NetworkEvent::FD_ACCEPT | NetworkEvent::FD_READ)
///     .unwrap();
///
/// sim.on(client).wsa_startup().unwrap();
/// let c = sim.on(client).socket(SocketType::Stream).unwrap();
/// sim.on(client).ioctl_fionbio(c, true).unwrap();
/// assert_eq!(sim.on(client).connect(c, "10.0.0.2:80".parse().unwrap()), Err(WsaError::WSAEWOULDBLOCK));
/// sim.run_until_idle(1000).unwrap();
///
/// let m = sim.on(server).get_message(main).unwrap();
/// assert_eq!((m.wparam, m.lparam.event()), (l, NetworkEvent::FD_ACCEPT));
/// ```
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Sim {
    pub(crate) profile: Profile,
    pub(crate) now: Instant,
    pub(crate) hosts: Vec<Host>,
    pub(crate) sockets: SocketTable,
    /// Which host owns each address (kept with the hosts' address lists).
    pub(crate) addr_owner: BTreeMap<Ipv4, HostId>,
    pub(crate) windows: Vec<Window>,
    pub(crate) event_objects: Vec<EventObject>,
    pub(crate) links: Links,
    pub(crate) schedule: Schedule,
    next_message: u64,
    rec: Recorder,
    /// Steps begun since the world was made: one per trace entry, of every kind.
    steps: u64,
    /// No step begins past this one (see [`Sim::set_step_limit`]).
    step_limit: u64,
    /// True once the limit stopped a step.
    limit_reached: bool,
}

impl Default for Sim {
    fn default() -> Sim {
        Sim::new()
    }
}

/// The limit on hosts, sockets, windows and event objects in one world.
pub const MAX_OBJECTS: usize = 65_000;

impl Sim {
    /// An empty world following the documented behaviour.
    pub fn new() -> Sim {
        Sim::with_profile(Profile::Documented)
    }

    /// An empty world following `profile`.
    pub fn with_profile(profile: Profile) -> Sim {
        Sim {
            profile,
            now: Instant::ZERO,
            hosts: Vec::new(),
            sockets: SocketTable::default(),
            addr_owner: BTreeMap::new(),
            windows: Vec::new(),
            event_objects: Vec::new(),
            links: Links::default(),
            schedule: Schedule::default(),
            next_message: 1,
            rec: Recorder::default(),
            steps: 0,
            step_limit: u64::MAX,
            limit_reached: false,
        }
    }

    // ----- the step budget -----

    /// Steps taken since the world was made: one per trace entry (a call, a completion,
    /// a segment delivered, a timer, a fault), drained entries included.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Lets the network run only until [`Sim::steps`] reaches `limit` (`None`: no limit),
    /// and forgets that an earlier limit was reached. Past it [`Sim::step`] does nothing
    /// and returns `None`, and a blocking call that is waiting gives up as it does when
    /// nothing could complete it (`WSAEINTR`), so every step — including those taken
    /// inside a blocking call — counts against one budget. [`Sim::limit_reached`] then
    /// tells the caller why the world stopped.
    ///
    /// ```
    /// use wsasim::{Sim, SocketType};
    ///
    /// let mut sim = Sim::new();
    /// let a = sim.add_host("a", "10.0.0.1".parse().unwrap()).unwrap();
    /// sim.add_host("b", "10.0.0.2".parse().unwrap()).unwrap();
    /// sim.on(a).wsa_startup().unwrap();
    /// let s = sim.on(a).socket(SocketType::Stream).unwrap();
    /// sim.on(a).ioctl_fionbio(s, true).unwrap();
    /// let _ = sim.on(a).connect(s, "10.0.0.2:80".parse().unwrap()); // a SYN is on its way
    /// sim.set_step_limit(Some(sim.steps()));
    /// assert!(sim.step().is_none());
    /// assert!(sim.limit_reached());
    /// sim.set_step_limit(None);
    /// assert!(sim.step().is_some());
    /// ```
    pub fn set_step_limit(&mut self, limit: Option<u64>) {
        self.step_limit = limit.unwrap_or(u64::MAX);
        self.limit_reached = false;
    }

    /// True if the step limit stopped a step since it was last set.
    pub fn limit_reached(&self) -> bool {
        self.limit_reached
    }

    /// True (and remembered) when no more network steps may begin.
    pub(crate) fn out_of_steps(&mut self) -> bool {
        if self.steps >= self.step_limit {
            self.limit_reached = true;
        }
        self.limit_reached
    }

    // ----- getters -----

    /// The behaviour profile.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The current virtual time.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Every host, in order of creation.
    pub fn hosts(&self) -> &[Host] {
        &self.hosts
    }

    /// A host.
    pub fn host(&self, id: HostId) -> Option<&Host> {
        self.hosts.get(id.0 as usize)
    }

    /// The host with this name.
    pub fn host_by_name(&self, name: &str) -> Option<HostId> {
        self.hosts.iter().find(|h| h.name == name).map(|h| h.id)
    }

    /// Every socket, open or finishing its close, by handle.
    pub fn sockets(&self) -> impl Iterator<Item = &Socket> {
        self.sockets.values()
    }

    /// One socket's state.
    pub fn socket_info(&self, s: SocketHandle) -> Option<&Socket> {
        self.sockets.get(s)
    }

    /// Every window.
    pub fn windows(&self) -> &[Window] {
        &self.windows
    }

    /// One window and its queue.
    pub fn window(&self, hwnd: Hwnd) -> Option<&Window> {
        hwnd.index()
            .and_then(|i| self.windows.get(i))
            .filter(|w| w.hwnd == hwnd)
    }

    /// The window of `host` with this name.
    pub fn window_by_name(&self, host: HostId, name: &str) -> Option<Hwnd> {
        self.windows
            .iter()
            .rev()
            .find(|w| w.host == host && w.name == name)
            .map(|w| w.hwnd)
    }

    /// Every event object.
    pub fn event_objects(&self) -> &[EventObject] {
        &self.event_objects
    }

    /// The links that differ from the default.
    pub fn links(&self) -> &Links {
        &self.links
    }

    /// The trace of every step so far.
    pub fn trace(&self) -> &Trace {
        &self.rec.trace
    }

    /// Segments on the wire, in order of arrival.
    pub fn in_flight(&self) -> Vec<InFlight> {
        self.schedule
            .iter()
            .filter_map(|((at, _, _), p)| match p {
                Pending::Deliver { from, to, segment } => Some(InFlight {
                    from: *from,
                    to: *to,
                    arrives: at,
                    segment: segment.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    /// A copy of the world whose trace holds no entries (their count is kept): going on
    /// from it records the same entries as going on from `self`. It costs what the world's
    /// state costs, not what its trace does, so a timeline can keep thousands.
    ///
    /// ```
    /// use wsasim::Sim;
    /// let mut sim = Sim::new();
    /// sim.add_host("a", "10.0.0.1".parse().unwrap()).unwrap();
    /// let copy = sim.checkpoint();
    /// assert_eq!((copy.trace().len(), copy.trace().iter().count()), (sim.trace().len(), 0));
    /// ```
    pub fn checkpoint(&self) -> Sim {
        Sim {
            profile: self.profile,
            now: self.now,
            hosts: self.hosts.clone(),
            sockets: self.sockets.clone(),
            addr_owner: self.addr_owner.clone(),
            windows: self.windows.clone(),
            event_objects: self.event_objects.clone(),
            links: self.links.clone(),
            schedule: self.schedule.clone(),
            next_message: self.next_message,
            rec: self.rec.checkpoint(),
            steps: self.steps,
            step_limit: self.step_limit,
            limit_reached: self.limit_reached,
        }
    }

    /// About how many bytes a copy of the world without its trace takes
    /// ([`Sim::checkpoint`]): its hosts, sockets and the data in their buffers, the
    /// messages waiting in window queues, and the events scheduled with the data of the
    /// segments on the wire. A reader that keeps many copies (the playground's timeline)
    /// keeps them within a budget with it. O(sockets + windows + scheduled events).
    ///
    /// ```
    /// use wsasim::Sim;
    /// let mut sim = Sim::new();
    /// let idle = sim.footprint();
    /// sim.add_host("a", "10.0.0.1".parse().unwrap()).unwrap();
    /// assert!(sim.footprint() > idle);
    /// ```
    pub fn footprint(&self) -> usize {
        use core::mem::size_of;
        let sockets: usize = self
            .sockets
            .values()
            .map(|s| {
                size_of::<crate::socket::Socket>()
                    + s.rx.len()
                    + s.tx.len()
                    + s.oob.len()
                    + s.dgrams
                        .iter()
                        .map(|d| size_of::<(crate::net::SockAddr, Vec<u8>)>() + d.1.len())
                        .sum::<usize>()
            })
            .sum();
        let windows: usize = self
            .windows
            .iter()
            .map(|w| size_of::<Window>() + w.name.len() + w.queue.len() * size_of::<Message>())
            .sum();
        let scheduled: usize = self
            .schedule
            .iter()
            .map(|(_, p)| {
                size_of::<Pending>()
                    + match p {
                        Pending::Deliver { segment, .. } => match &segment.payload {
                            crate::net::Payload::Tcp { data, .. }
                            | crate::net::Payload::Udp { data } => data.len(),
                        },
                        _ => 0,
                    }
            })
            .sum();
        size_of::<Sim>()
            + self.hosts.len() * size_of::<Host>()
            + self.event_objects.len() * size_of::<EventObject>()
            + sockets
            + windows
            + scheduled
    }

    /// Takes the trace, without copying it, leaving one that holds no entries (their
    /// count kept), as [`Sim::checkpoint`] has.
    pub fn take_trace(&mut self) -> Trace {
        let empty = self.rec.trace.clone_empty();
        core::mem::replace(&mut self.rec.trace, empty)
    }

    /// Lets go of the trace entries held without decoding them: like
    /// [`Sim::drain_trace`] for a reader who does not want them.
    pub fn forget_trace(&mut self) {
        self.rec.trace.forget();
    }

    /// Takes the trace entries recorded since the last drain, oldest first (they still
    /// count: indexes go on). A long run's reader pulls what is new instead of letting the
    /// world pile it up; a checkpoint drains its trace to stay small.
    pub fn drain_trace(&mut self) -> alloc::vec::IntoIter<TraceEntry> {
        self.rec.trace.drain()
    }

    // ----- world set-up -----

    /// Runs `f` as one step caused by a change to the world.
    pub(crate) fn world<R>(&mut self, action: WorldAction, f: impl FnOnce(&mut Sim) -> R) -> R {
        self.begin(Cause::World(action));
        let r = f(self);
        self.end(Outcome::None);
        r
    }

    /// Adds a host with one address. Hosts start with their network up and WSAStartup not called.
    pub fn add_host(&mut self, name: &str, addr: Ipv4) -> Result<HostId, SetupError> {
        if self.hosts.iter().any(|h| h.name == name) {
            return Err(SetupError::DuplicateHost(name.to_string()));
        }
        if self.host_of(addr).is_some() {
            return Err(SetupError::AddressInUse(addr));
        }
        if self.hosts.len() >= u16::MAX as usize {
            return Err(SetupError::TooMany);
        }
        let id = HostId(self.hosts.len() as u16);
        self.rec.trace.names_mut().add_host(id, name);
        self.world(WorldAction::AddHost { host: id, addr }, |sim| {
            sim.addr_owner.insert(addr, id);
            sim.hosts.push(Host {
                id,
                name: name.to_string(),
                addrs: alloc::vec![addr],
                startups: 0,
                last_error: None,
                net_up: true,
                in_blocking_call: false,
                next_port: 49152,
            });
        });
        Ok(id)
    }

    /// Creates a window owned by `host`.
    pub fn create_window(&mut self, host: HostId, name: &str) -> Hwnd {
        let hwnd = Hwnd::nth(self.windows.len());
        self.rec.trace.names_mut().add_window(hwnd, name);
        self.world(WorldAction::CreateWindow { host, hwnd }, |sim| {
            sim.windows.push(Window {
                hwnd,
                host,
                name: name.to_string(),
                alive: true,
                queue: Default::default(),
                taken: 0,
            });
            sim.change(Change::Note(Note::WindowCreated {
                name: name.into(),
                hwnd,
            }));
        });
        hwnd
    }

    /// `DestroyWindow`: its queued messages are discarded; later posts to it fail.
    pub fn destroy_window(&mut self, hwnd: Hwnd) -> bool {
        let Some(w) = self.window_mut(hwnd).filter(|w| w.alive) else {
            return false;
        };
        w.alive = false;
        let dropped = w.queue.len();
        w.queue.clear();
        self.world(WorldAction::DestroyWindow(hwnd), |sim| {
            if dropped > 0 {
                sim.change(Change::Note(Note::MessagesDiscarded(dropped)));
            }
        });
        true
    }

    /// Sets the one-way latency of the link between two hosts.
    pub fn set_latency(&mut self, a: HostId, b: HostId, latency: Duration) {
        self.world(WorldAction::Latency { a, b, latency }, |sim| {
            sim.links.get_mut(a, b).latency = latency
        });
    }

    // ----- driving -----

    /// When the next scheduled event happens, if any.
    pub fn next_event_at(&self) -> Option<Instant> {
        self.schedule.first_at()
    }

    /// Runs the next scheduled event (one segment delivery or one timer), moving the clock
    /// to it. Returns its trace entry, or `None` if nothing is scheduled.
    pub fn step(&mut self) -> Option<&TraceEntry> {
        if self.out_of_steps() {
            return None;
        }
        let (key, p) = self.schedule.pop()?;
        self.now = self.now.max(key.0);
        match p {
            Pending::Deliver { from, to, segment } => {
                self.begin(Cause::Deliver {
                    host: to,
                    segment: segment.header(),
                });
                self.deliver(from, to, segment);
            }
            Pending::Timer { socket } => {
                let host = self.sockets[&socket].host;
                let tcb = self.sock_mut(socket).tcb.as_mut();
                let tcb = tcb.expect("invariant: a scheduled timer's socket has a TCB");
                tcb.timer_key = None;
                let kind = tcb.timer.map(|t| t.1);
                let kind = kind.expect("invariant: a scheduled timer has a kind");
                self.begin(Cause::Timer { host, socket, kind });
                self.tcp_timer(socket, kind);
            }
            Pending::ConnectFailed { socket, error } => {
                let host = self.sockets.get(socket).map_or(HostId(0), |s| s.host);
                self.begin(Cause::Timer {
                    host,
                    socket,
                    kind: crate::tcb::TimerKind::Route,
                });
                if self.sockets.get(socket).is_some_and(|s| s.connecting) {
                    self.connect_failed(socket, error);
                }
            }
        }
        self.end(Outcome::None);
        self.rec.last()
    }

    /// Steps until nothing is scheduled, at most `max_steps` times. Returns the steps taken.
    pub fn run_until_idle(&mut self, max_steps: usize) -> Result<usize, StepLimit> {
        let mut n = 0;
        while self.next_event_at().is_some() {
            if n >= max_steps {
                return Err(StepLimit { steps: n });
            }
            self.step();
            n += 1;
        }
        Ok(n)
    }

    /// Steps through everything scheduled in the next `d` of virtual time, then moves the
    /// clock to the end of it. At most `max_steps` steps.
    pub fn run_for(&mut self, d: Duration, max_steps: usize) -> Result<usize, StepLimit> {
        let end = self.now + d;
        let mut n = 0;
        while self.next_event_at().is_some_and(|t| t <= end) {
            if n >= max_steps {
                return Err(StepLimit { steps: n });
            }
            self.step();
            n += 1;
        }
        self.now = self.now.max(end);
        Ok(n)
    }

    // ----- internals shared by the modules -----

    pub(crate) fn window_mut(&mut self, hwnd: Hwnd) -> Option<&mut Window> {
        hwnd.index()
            .and_then(|i| self.windows.get_mut(i))
            .filter(|w| w.hwnd == hwnd)
    }

    /// True if host `h` has a route to `ip`: a host of the world owns it, or it is on one
    /// of `h`'s subnets.
    pub(crate) fn has_route(&self, h: HostId, ip: Ipv4) -> bool {
        self.host_of(ip).is_some()
            || self.hosts[h.0 as usize]
                .addrs
                .iter()
                .any(|a| a.same_subnet(ip))
    }

    /// The host that owns address `ip`, if one does.
    pub(crate) fn host_of(&self, ip: Ipv4) -> Option<HostId> {
        self.addr_owner.get(&ip).copied()
    }

    pub(crate) fn sock_mut(&mut self, s: SocketHandle) -> &mut Socket {
        self.sockets.get_mut(s).expect("invariant: socket exists")
    }

    pub(crate) fn next_message_id(&mut self) -> u64 {
        let id = self.next_message;
        self.next_message += 1;
        id
    }

    pub(crate) fn schedule(&mut self, at: Instant, p: Pending) -> crate::schedule::Key {
        self.schedule.insert(at, p)
    }

    pub(crate) fn begin(&mut self, cause: Cause) {
        self.steps += 1;
        self.rec.begin(self.now, cause);
    }

    pub(crate) fn change(&mut self, c: Change) {
        self.rec.change(c);
    }

    pub(crate) fn end(&mut self, outcome: Outcome) -> usize {
        self.rec.end(outcome)
    }

    pub(crate) fn new_socket(&mut self, host: HostId, ty: SocketType) -> SocketHandle {
        let h = self.sockets.next_handle();
        self.sockets.insert(Socket::new(h, host, ty));
        self.change(Change::Created(h));
        h
    }

    /// Forgets a socket and its connection.
    pub(crate) fn free(&mut self, s: SocketHandle) {
        if let Some(key) = self
            .sockets
            .get_mut(s)
            .and_then(|x| x.tcb.as_mut())
            .and_then(|t| t.timer_key.take())
        {
            self.schedule.remove(key);
        }
        if let Some(sock) = self.sockets.remove(s) {
            if let Some(parent) = sock.listener() {
                if let Some(l) = self.sockets.get_mut(parent).and_then(|p| p.listen.as_mut()) {
                    l.ready.retain(|c| *c != s);
                    l.half_open.retain(|c| *c != s);
                }
            }
            self.change(Change::Freed(s));
        }
    }

    /// A free ephemeral port (49152-65535), or `None` when all are taken.
    pub(crate) fn alloc_port(&mut self, host: HostId, ty: SocketType) -> Option<u16> {
        if self.sockets.ephemeral_exhausted(host, ty) {
            return None;
        }
        for _ in 0..=(u16::MAX - 49152) {
            let h = &mut self.hosts[host.0 as usize];
            let p = h.next_port;
            h.next_port = if p == u16::MAX { 49152 } else { p + 1 };
            if !self.sockets.port_in_use(host, ty, p) {
                return Some(p);
            }
        }
        None
    }

    pub(crate) fn take_message(&mut self, hwnd: Hwnd, remove: bool) -> Option<Message> {
        let w = self.window_mut(hwnd)?;
        if remove {
            w.take()
        } else {
            w.queue.front().cloned()
        }
    }
}

/// Architecture invariant: the world is a plain value that can move between threads.
const _: () = {
    const fn is<T: Clone + Send + Sync>() {}
    is::<Sim>();
};

impl Sim {
    /// The trace entries held as JSON lines (one object per step, see
    /// [`TraceEntry::to_json`]), with host and window names filled in and no script lines
    /// or steps (a scenario's runner numbers those).
    pub fn trace_json(&self) -> String {
        let trace = self.trace();
        let mut out = String::new();
        for e in trace.iter() {
            out.push_str(&trace.json(&e, None, None));
            out.push('\n');
        }
        out
    }
}
