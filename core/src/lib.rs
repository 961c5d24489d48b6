//! wsasim: a deterministic, sans-IO simulation of the Windows Sockets
//! `WSAAsyncSelect` event-posting model.
//!
//! A [`Sim`] is a small world of hosts, each with an application that makes Winsock
//! calls (`socket`, `bind`, `listen`, `connect`, `accept`, `send`, `recv`, `closesocket`,
//! `WSAAsyncSelect`, `GetMessage`, …), windows with message queues, and a simulated TCP/IP
//! network between the hosts. When a network event occurs on a socket selected with
//! `WSAAsyncSelect(s, hWnd, wMsg, lEvent)`, the simulation posts `wMsg` to `hWnd` with the
//! socket in `wParam` and `WSAMAKESELECTREPLY(event, error)` in `lParam`, exactly when the
//! specification (`spec/WSAAsyncSelect.txt`) says Winsock would: once per event until the
//! re-enabling call, level-triggered for FD_READ, FD_OOB and FD_ACCEPT, at once for
//! conditions that already hold when a selection is made. Every posting decision names
//! the [`Rule`] of the specification behind it, and every step is recorded in an
//! append-only [`Trace`]. Nothing reads a clock, a socket or a random number generator:
//! the same calls give the same trace, byte for byte, natively or in a browser.
//!
//! # Modules
//!
//! - [`handle`]: handles as Windows numbers them ([`SocketHandle`], [`Hwnd`], …).
//! - [`event`]: `FD_*` network events ([`NetworkEvent`]) and the message's [`LParam`].
//! - [`error`]: Winsock error codes ([`WsaError`]), with their real numbers.
//! - [`time`]: virtual time ([`Instant`], [`Duration`]).
//! - [`net`]: addresses, hosts' links and the segments that travel on them.
//! - [`socket`]: socket handles, kinds, options, buffers and per-socket state.
//! - [`tcb`]: TCP's states with RFC 793 names, the control block and the timers.
//! - [`tcp`]: TCP's segment engine.
//! - [`select`]: selections and re-enable latches; the one function that posts a message.
//! - [`queue`]: windows ([`Hwnd`]) and their message queues.
//! - [`call`]: one Winsock call as data ([`Call`]) and what it returns.
//! - [`names`]: the names of hosts and windows a trace prints.
//! - [`trace`]: the record of every step ([`TraceEntry`]) and what it changed.
//! - [`spec`]: the specification's rules ([`Rule`]), each with its verbatim sentence.
//! - [`ambiguity`]: where the page reads two ways, the model's reading ([`Ambiguity`]).
//! - [`profile`]: where Windows departs from the page, a [`Profile`] chooses.
//! - [`sim`]: the world ([`Sim`]): set-up, faults, driving and getters.
//! - [`winsock`]: the Winsock calls of one host's application ([`Winsock`]).
//! - [`script`]: the scenario language: parser and runner.
//! - [`gallery`]: the scenarios shipped with wsasim.
//!
//! # The four kinds of `Sim` methods
//!
//! - **Getters**: [`Sim::now`], [`Sim::socket_info`], [`Sim::window`], [`Sim::trace`], …
//!   A `Sim` is a plain `Clone` value, so a clone is a checkpoint.
//! - **Winsock calls**, made as one host's application through [`Sim::on`], named as in
//!   Winsock and returning `Result<T, WsaError>`: `sim.on(host).recv(s, 50, MsgFlags::NONE)`.
//!   Each call is one step in the trace. World changes and faults ([`Sim::add_host`],
//!   [`Sim::partition`], [`Sim::network_down`], …) are calls too.
//! - **Driving**: [`Sim::step`] runs exactly one scheduled event (a segment delivery or a
//!   timer) and [`Sim::next_event_at`] says when it will be; [`Sim::run_until_idle`] and
//!   [`Sim::run_for`] loop over `step`.
//! - **Outputs**: the window message queues ([`Sim::window`], taken with
//!   [`Winsock::get_message`]) and the [`Trace`].
//!
//! # Quick start
//!
//! A server selects FD_ACCEPT and FD_READ on a listening socket; a client connects
//! without blocking and sends 100 bytes; the server reads 50 of them and, as in the
//! specification's level-triggered example, gets a second FD_READ for the rest.
//!
//! ```
//! use wsasim::{MsgFlags, NetworkEvent, Rule, Sim, SocketType, WindowMessage, WsaError};
//!
//! const WM_SOCKET: WindowMessage = WindowMessage::user(1);
//!
//! let mut sim = Sim::new();
//! let server = sim.add_host("server", "10.0.0.2".parse().unwrap()).unwrap();
//! let client = sim.add_host("client", "10.0.0.1".parse().unwrap()).unwrap();
//! let main = sim.create_window(server, "main");
//!
//! // The server listens, with FD_ACCEPT and FD_READ selected for its window.
//! sim.on(server).wsa_startup()?;
//! let l = sim.on(server).socket(SocketType::Stream)?;
//! sim.on(server).bind(l, "10.0.0.2:80".parse().unwrap())?;
//! sim.on(server).listen(l, 5)?;
//! let events = NetworkEvent::FD_ACCEPT | NetworkEvent::FD_READ;
//! sim.on(server).wsa_async_select(l, main, WM_SOCKET, events)?;
//!
//! // The client connects without blocking; the network does the rest.
//! sim.on(client).wsa_startup()?;
//! let c = sim.on(client).socket(SocketType::Stream)?;
//! sim.on(client).ioctl_fionbio(c, true)?;
//! let to = "10.0.0.2:80".parse().unwrap();
//! assert_eq!(sim.on(client).connect(c, to), Err(WsaError::WSAEWOULDBLOCK));
//! sim.run_until_idle(1000).unwrap();
//!
//! // wParam is the socket, WSAGETSELECTEVENT(lParam) the event, WSAGETSELECTERROR(lParam) 0.
//! let m = sim.on(server).get_message(main).expect("FD_ACCEPT is queued");
//! assert_eq!(m.wparam, l);
//! assert_eq!(m.lparam.event(), NetworkEvent::FD_ACCEPT);
//! assert_eq!(m.lparam.error(), None);
//! let (a, _) = sim.on(server).accept(l)?; // `a` inherits FD_ACCEPT | FD_READ
//!
//! // 1. 100 bytes arrive on `a`: FD_READ is posted.
//! assert_eq!(sim.on(client).send(c, &[b'x'; 100], MsgFlags::NONE)?, 100);
//! sim.run_until_idle(1000).unwrap();
//! let m = sim.on(server).get_message(main).expect("FD_READ is queued");
//! assert_eq!((m.wparam, m.lparam.event()), (a, NetworkEvent::FD_READ));
//!
//! // 2. The application reads 50 bytes.
//! assert_eq!(sim.on(server).recv(a, 50, MsgFlags::NONE)?.len(), 50);
//!
//! // 3. Another FD_READ is posted because there is still data to be read.
//! let m = sim.on(server).get_message(main).expect("a second FD_READ is queued");
//! assert_eq!((m.wparam, m.lparam.event()), (a, NetworkEvent::FD_READ));
//! assert_eq!(m.rule, Rule::ReadAfterRecv);
//! assert_eq!(m.rule.id(), "FD_READ.3");
//!
//! // Every step, with the rule behind every message, is in the trace.
//! assert!(sim.trace().to_string().contains("[FD_READ.3]"));
//! Ok::<(), WsaError>(()) // the doctest's result, so that `?` works
//! ```
#![cfg_attr(not(test), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub mod ambiguity;
pub mod call;
pub mod error;
pub mod event;
mod faults;
pub mod gallery;
pub mod handle;
pub mod names;
pub mod net;
pub mod profile;
pub mod queue;
mod schedule;
pub mod script;
pub mod select;
pub mod sim;
pub mod socket;
pub mod spec;
pub mod tcb;
pub mod tcp;
pub mod time;
pub mod trace;
pub mod winsock;
mod wire;

pub use ambiguity::Ambiguity;
pub use error::WsaError;
pub use event::{LParam, NetworkEvent};
pub use net::{HostId, Ipv4, SockAddr};
pub use profile::Profile;
pub use queue::{Hwnd, Message, WindowMessage};
pub use sim::Sim;
pub use socket::{
    Ioctl, MsgFlags, Shutdown, SockOpt, SockOptName, SocketHandle, SocketType, WsaEvent, WsaIoctl,
};
pub use spec::Rule;
pub use tcp::TcpState;
pub use time::{Duration, Instant};
pub use trace::{Trace, TraceEntry};
pub use winsock::Winsock;
pub use winsock::{Call, Returned};
