//! Selections: WSAAsyncSelect and WSAEventSelect installing (or cancelling) a socket's
//! selection, `accept` handing the listener's selection to the new socket, closesocket
//! cancelling it, and a new selection posting every condition that already holds.

use crate::event::NetworkEvent;
use crate::sim::Sim;
use crate::socket::{Notify, SocketHandle};
use crate::spec::Rule;
use crate::trace::{Change, Note};

impl Sim {
    /// Installs a new selection (or none) on `s` and posts what already holds.
    pub(crate) fn select(&mut self, s: SocketHandle, notify: Notify) {
        // Windows, WSAEventSelect (or a selection of no events) after another: the
        // latches and the record stay, so only what was not recorded yet is recorded.
        let window = |n: &Notify| matches!(n, Notify::Window { .. });
        let keep = !window(&notify)
            && !window(&self.sockets[&s].notify)
            && self.sockets[&s].event_selected
            && self.profile.event_select_keeps_latches();
        let reselect_event = keep && matches!(self.sockets[&s].notify, Notify::Event { .. });
        let sock = self.sock_mut(s);
        let was_blocking = !sock.nonblocking;
        sock.nonblocking = true;
        sock.notify = notify;
        sock.event_selected |= matches!(notify, Notify::Event { .. });
        if !keep {
            sock.armed = NetworkEvent::FD_ALL_EVENTS;
            sock.recorded = NetworkEvent::NONE;
            sock.recorded_errors = [None; 10];
        }
        if was_blocking {
            self.change(Change::Note(Note::NowNonblocking(s)));
        }
        let rule = match notify {
            Notify::None => Rule::SelectCancel,
            _ => Rule::SelectReplaces,
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
                self.change(Change::Note(Note::QueuedStay {
                    socket: s,
                    count: queued,
                }));
            }
            return;
        }
        if reselect_event {
            self.change(Change::Note(Note::ReselectRecordsNothing));
        }
        self.persist(s, false);
    }

    /// `accept` returned `child`: "The socket created by the accept function has the same
    /// properties as the listening socket used to accept it", its selection included.
    pub(crate) fn inherit(&mut self, child: SocketHandle, notify: Notify) {
        let c = self.sock_mut(child);
        c.notify = notify;
        c.armed = NetworkEvent::FD_ALL_EVENTS;
        if notify == Notify::None {
            return;
        }
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

    /// closesocket: "Closing a socket with closesocket also cancels WSAAsyncSelect message
    /// sending" (messages already queued stay queued).
    pub(crate) fn cancel_on_close(&mut self, s: SocketHandle) {
        let sock = self.sock_mut(s);
        let had = sock.notify != Notify::None;
        sock.notify = Notify::None;
        if had {
            self.change(Change::Selection {
                socket: s,
                hwnd: None,
                events: NetworkEvent::NONE,
                rule: Rule::ClosesocketCancels,
            });
        }
    }

    /// A new selection was made on `s`: post every selected event whose condition holds.
    fn persist(&mut self, s: SocketHandle, inherited: bool) {
        let selected = self.sockets[&s].notify.events();
        for event in selected.iter() {
            let Some(error) = self.condition(s, event) else {
                continue;
            };
            let rule = if inherited {
                match event {
                    NetworkEvent::FD_WRITE => Rule::WriteOnConnect,
                    NetworkEvent::FD_CONNECT => continue,
                    _ => Rule::AcceptInherits,
                }
            } else {
                match event {
                    NetworkEvent::FD_READ => Rule::ReadOnSelect,
                    NetworkEvent::FD_WRITE => Rule::WriteOnSelect,
                    NetworkEvent::FD_OOB => Rule::OobOnSelect,
                    NetworkEvent::FD_ACCEPT => Rule::AcceptOnSelect,
                    NetworkEvent::FD_CONNECT => Rule::ConnectOnSelect,
                    NetworkEvent::FD_CLOSE => Rule::CloseOnSelect,
                    NetworkEvent::FD_QOS => Rule::QosOnSelect,
                    _ => continue,
                }
            };
            self.post(s, event, error, rule);
        }
    }
}
