//! [`Names`]: the names people gave hosts and windows, which a typed trace prints.

use alloc::string::String;
use alloc::vec::Vec;

use crate::handle::Hwnd;
use crate::net::HostId;

/// The names people gave hosts and windows, kept by the trace so that its typed entries
/// print in script words (`GetMessage(main)`, `partition client server`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Names {
    hosts: Vec<String>,
    windows: Vec<(Hwnd, String)>,
}

impl Names {
    /// The name of host `h`, if it has one.
    pub fn host(&self, h: HostId) -> Option<&str> {
        self.hosts.get(h.0 as usize).map(String::as_str)
    }

    /// The name of window `w`, if it has one.
    pub fn window(&self, w: Hwnd) -> Option<&str> {
        // Windows get handles in creation order, so this is usually a direct hit.
        match w.index().and_then(|i| self.windows.get(i)) {
            Some((h, n)) if *h == w => Some(n),
            _ => self
                .windows
                .iter()
                .find(|(h, _)| *h == w)
                .map(|(_, n)| n.as_str()),
        }
    }

    /// The host's name, or `host#N`.
    pub fn host_or_id(&self, h: HostId) -> String {
        self.host(h)
            .map_or_else(|| alloc::format!("{h}"), String::from)
    }

    pub(crate) fn add_host(&mut self, h: HostId, name: &str) {
        debug_assert_eq!(h.0 as usize, self.hosts.len(), "invariant: hosts in order");
        self.hosts.push(name.into());
    }

    pub(crate) fn add_window(&mut self, w: Hwnd, name: &str) {
        self.windows.push((w, name.into()));
    }
}
