//! wsasim: a deterministic, sans-IO simulation of the Windows Sockets
//! `WSAAsyncSelect` event-posting model.
#![cfg_attr(not(test), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub mod error;
pub mod event;
pub mod gallery;
pub mod net;
pub mod profile;
pub mod queue;
pub mod script;
pub mod select;
pub mod sim;
pub mod socket;
pub mod spec;
pub mod tcp;
pub mod time;
pub mod trace;
pub mod winsock;

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
