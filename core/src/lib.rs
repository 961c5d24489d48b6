//! wsasim: a deterministic, sans-IO simulation of the Windows Sockets
//! `WSAAsyncSelect` event-posting model.
#![cfg_attr(not(test), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub mod error;
pub mod event;
pub mod time;

pub use error::WsaError;
pub use event::{LParam, NetworkEvent};
pub use time::{Duration, Instant};
