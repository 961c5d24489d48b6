//! Handles, as Windows numbers them: sockets (`SOCKET`), event objects (`WSAEVENT`),
//! windows (`HWND`) and window messages (`wMsg`). Plain numbers with Windows' `Display`.

use core::fmt;

/// A socket descriptor (`SOCKET`). `Display` prints the number, as Winsock programs do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SocketHandle(pub u32);

impl fmt::Display for SocketHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An event object (`WSAEVENT`) made by `WSACreateEvent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WsaEvent(pub u32);

impl fmt::Display for WsaEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "event {}", self.0)
    }
}

/// A window handle (`HWND`). `Display` prints it as Windows tools do, e.g. `0x00010010`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Hwnd(pub u32);

impl Hwnd {
    /// The handle of the first window a world creates; later ones follow 2 apart.
    pub const FIRST: Hwnd = Hwnd(0x0001_0010);

    /// The handle of the `i`-th window created.
    pub(crate) fn nth(i: usize) -> Hwnd {
        Hwnd(Self::FIRST.0 + 2 * i as u32)
    }

    /// Which window, in creation order, has this handle (if it is one wsasim gives).
    pub(crate) fn index(self) -> Option<usize> {
        let off = self.0.checked_sub(Self::FIRST.0)?;
        (off % 2 == 0).then_some((off / 2) as usize)
    }
}

impl fmt::Display for Hwnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#010x}", self.0)
    }
}

/// A window message number (`wMsg`). `Display` prints `WM_USER+n` for application messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WindowMessage(pub u32);

impl WindowMessage {
    /// `WM_USER` (0x0400), the first message number free for applications.
    pub const WM_USER: u32 = 0x0400;

    /// `WM_USER + n`.
    pub const fn user(n: u32) -> WindowMessage {
        WindowMessage(Self::WM_USER + n)
    }
}

impl fmt::Display for WindowMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.checked_sub(Self::WM_USER) {
            Some(0) => f.write_str("WM_USER"),
            Some(n) if n < 0x7c00 => write!(f, "WM_USER+{n}"),
            _ => write!(f, "{:#06x}", self.0),
        }
    }
}
