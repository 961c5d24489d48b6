//! Windows ([`Hwnd`]) and their message queues: what `PostMessage` fills and
//! `GetMessage` / `PeekMessage` take from.

use alloc::collections::VecDeque;
use alloc::string::String;
use core::fmt;

use crate::event::LParam;
use crate::handle::SocketHandle;
pub use crate::handle::{Hwnd, WindowMessage};
use crate::net::HostId;
use crate::spec::Rule;
use crate::time::Instant;

/// A message posted to a window by WSAAsyncSelect.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Message {
    /// A number unique in the world, in posting order.
    pub id: u64,
    /// The window it was posted to.
    pub hwnd: Hwnd,
    /// `wMsg` as given to WSAAsyncSelect.
    pub msg: WindowMessage,
    /// `wParam`: the socket on which the event occurred.
    pub wparam: SocketHandle,
    /// `lParam`: event in the low word, error in the high word.
    pub lparam: LParam,
    /// When it was posted.
    pub posted_at: Instant,
    /// The rule of the specification that posted it.
    pub rule: Rule,
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}(wParam={}, lParam={}) [{}]",
            self.msg, self.wparam, self.lparam, self.rule
        )
    }
}

/// A window owned by a host, with its message queue.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Window {
    /// Its handle.
    pub hwnd: Hwnd,
    /// The host (application) that owns it.
    pub host: HostId,
    /// A name for people (`main`).
    pub name: String,
    /// False after `DestroyWindow`: posts to it fail, WSAAsyncSelect rejects it.
    pub alive: bool,
    /// Messages posted and not yet taken, oldest first.
    pub queue: VecDeque<Message>,
    /// How many messages GetMessage / PeekMessage(PM_REMOVE) took (the messages themselves
    /// are in the trace, so a checkpoint of the world stays small).
    pub taken: u64,
}

impl Window {
    /// Removes and returns the oldest queued message (`GetMessage`, `PeekMessage` with `PM_REMOVE`).
    pub(crate) fn take(&mut self) -> Option<Message> {
        let m = self.queue.pop_front()?;
        self.taken += 1;
        Some(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn message_names() {
        assert_eq!(WindowMessage::user(1).to_string(), "WM_USER+1");
        assert_eq!(WindowMessage(0x400).to_string(), "WM_USER");
        assert_eq!(WindowMessage(0x12).to_string(), "0x0012");
        assert_eq!(Hwnd(0x10010).to_string(), "0x00010010");
    }
}
