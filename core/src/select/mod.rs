//! Selection and the re-enable latches: the one place where a network event becomes a
//! window message (or a WSAEventSelect record).
//!
//! Read the specification first (`spec/WSAAsyncSelect.txt`, or [`crate::spec::SPECIFICATION`]).
//! Its model, as implemented here:
//! - A socket has at most one selection ([`Notify`]): a window and message, or an event
//!   object, and the set of events (`lEvent`). A new selection replaces the old one.
//! - Each event has a latch. Posting a message disarms it ("no further message(s) for that
//!   network event will be posted … until the application makes the function call that
//!   implicitly reenables notification"); the re-enabling call re-arms it even if the call
//!   fails. `Sim::post` is the only function that posts.
//! - FD_READ, FD_OOB and FD_ACCEPT are level-triggered: re-arming re-checks the condition
//!   and posts again while it holds (`Sim::reenable`).
//! - A new selection posts every selected condition that already holds (`Sim::persist`).
//! - Several events found at once are posted in bit order: FD_READ, FD_WRITE, FD_OOB,
//!   FD_ACCEPT, FD_CONNECT, FD_CLOSE, FD_QOS, then the two change events.
//!
//! Files: this one holds `post` (the only function that posts), the latches and their
//! re-enabling, and the conditions a new selection checks; `facts` the facts the rest of
//! the model reports and the one table from a fact to its event, error and rule;
//! `selection` the selection calls, accept's inheritance and closesocket's cancel;
//! `calls` the re-enabling calls.

mod calls;
mod facts;
mod selection;
#[cfg(test)]
mod tests;

pub use calls::{reenabling_call, reenabling_calls, ReenablingCall};
pub(crate) use facts::{Activity, Fact};

use crate::error::WsaError;
use crate::event::{LParam, NetworkEvent};
use crate::queue::Message;
use crate::sim::Sim;
use crate::socket::{CloseKind, Notify, SocketHandle, SocketType};
use crate::spec::Rule;
use crate::tcb::TcpState;
use crate::trace::{Change, Note, Suppression};

/// True for the events the specification calls level-triggered.
pub fn is_level_triggered(event: NetworkEvent) -> bool {
    matches!(
        event,
        NetworkEvent::FD_READ | NetworkEvent::FD_OOB | NetworkEvent::FD_ACCEPT
    )
}
impl Sim {
    /// Posts `event` with `error` for socket `s` if it is selected and its latch is armed;
    /// otherwise records why not. Returns true if a message was posted (or recorded).
    ///
    /// This is the only function that posts a WSAAsyncSelect message.
    fn post(
        &mut self,
        s: SocketHandle,
        event: NetworkEvent,
        error: Option<WsaError>,
        rule: Rule,
    ) -> bool {
        debug_assert!(
            event.bit_index().is_some(),
            "invariant: one event at a time"
        );
        let Some(sock) = self.sockets.get(s) else {
            return false;
        };
        if sock.listener().is_some() {
            return false; // not yet returned by accept(): it has no selection of its own
        }
        if !sock.is_open() {
            if event == NetworkEvent::FD_CLOSE {
                self.change(Change::Suppressed {
                    socket: s,
                    event,
                    reason: Suppression::SocketClosed,
                    rule: Rule::NoCloseAfterClosesocket,
                });
            }
            return false;
        }
        if event == NetworkEvent::FD_GROUP_QOS {
            return false; // reserved: never posted
        }
        let notify = sock.notify;
        if !notify.events().contains(event) {
            if notify != Notify::None {
                self.change(Change::Suppressed {
                    socket: s,
                    event,
                    reason: Suppression::NotSelected,
                    rule,
                });
            }
            return false;
        }
        let records_anyway = matches!(notify, Notify::Event { .. })
            && self.profile.event_select_records_every_arrival()
            && matches!(
                rule,
                Rule::ReadOnArrival | Rule::OobOnArrival | Rule::AcceptOnArrival
            );
        if !sock.armed.contains(event) && !records_anyway {
            let reason = if reenabling_calls(event).is_empty() {
                Suppression::OncePerSelection
            } else {
                Suppression::AwaitingReenable
            };
            self.change(Change::Suppressed {
                socket: s,
                event,
                reason,
                rule: Rule::NoFlood,
            });
            return false;
        }
        match notify {
            Notify::None => false,
            Notify::Window { hwnd, msg, .. } => {
                let id = self.next_message_id();
                let now = self.now;
                let Some(window) = self.window_mut(hwnd).filter(|w| w.alive) else {
                    self.change(Change::Suppressed {
                        socket: s,
                        event,
                        reason: Suppression::WindowDestroyed,
                        rule,
                    });
                    return false;
                };
                let m = Message {
                    id,
                    hwnd,
                    msg,
                    wparam: s,
                    lparam: LParam::new(event, error),
                    posted_at: now,
                    rule,
                };
                window.queue.push_back(m.clone());
                self.change(Change::Posted(m));
                self.disarm(s, event, rule);
                true
            }
            Notify::Event { event: object, .. } => {
                let sock = self.sock_mut(s);
                sock.recorded |= event;
                if let Some(i) = event.bit_index() {
                    sock.recorded_errors[i] = error;
                }
                if let Some(o) = self.event_objects.iter_mut().find(|o| o.handle == object) {
                    o.signaled = true;
                }
                self.change(Change::Recorded {
                    socket: s,
                    event_object: object,
                    event,
                    error,
                    rule,
                });
                self.disarm(s, event, rule);
                true
            }
        }
    }

    fn disarm(&mut self, s: SocketHandle, event: NetworkEvent, rule: Rule) {
        let sock = self.sock_mut(s);
        sock.armed = NetworkEvent::from_bits(sock.armed.bits() & !event.bits());
        self.change(Change::Latch {
            socket: s,
            events: event,
            armed: false,
            rule,
        });
    }

    /// The re-enabling call for `events` was made on `s` (successful or not): re-arm their
    /// latches, then post the level-triggered ones whose condition still holds.
    pub(crate) fn reenable(&mut self, s: SocketHandle, events: NetworkEvent) {
        self.reenable_after(s, events, false);
    }

    /// [`Sim::reenable`] after a re-enabling call that succeeded or (`failed`) did not.
    pub(crate) fn reenable_after(&mut self, s: SocketHandle, events: NetworkEvent, failed: bool) {
        let profile = self.profile;
        let Some(sock) = self.sockets.get_mut(s) else {
            return;
        };
        if failed
            && matches!(sock.notify, Notify::Event { .. })
            && !profile.failed_call_reenables_event_select()
        {
            self.change(Change::Note(Note::NoReenableAfterFailure(events)));
            return;
        }
        let was_disarmed = events & !sock.armed & sock.notify.events();
        sock.armed |= events;
        if !was_disarmed.is_empty() {
            self.change(Change::Latch {
                socket: s,
                events: was_disarmed,
                armed: true,
                rule: Rule::Reenable,
            });
        }
        for event in events.iter() {
            if !is_level_triggered(event) {
                continue;
            }
            let rule = match event {
                NetworkEvent::FD_READ => Rule::ReadAfterRecv,
                NetworkEvent::FD_OOB => Rule::OobAfterRecv,
                _ => Rule::AcceptAfterAccept,
            };
            if self.event_condition_holds(s, event)
                && self.sockets[&s].armed.contains(event)
                && self.sockets[&s].notify.events().contains(event)
            {
                self.post(s, event, None, rule);
            }
        }
    }

    /// True if the condition behind `event` holds on socket `s` now: what a new selection
    /// would post at once (data to read, a connection to accept, room to send, a closed
    /// connection, …). User interfaces show it beside each latch.
    pub fn event_condition_holds(&self, s: SocketHandle, event: NetworkEvent) -> bool {
        self.condition(s, event).is_some()
    }

    /// Whether `event`'s condition holds on `s` now, and with which error: what a new
    /// selection posts at once ("Due to the persistence of events").
    fn condition(&self, s: SocketHandle, event: NetworkEvent) -> Option<Option<WsaError>> {
        let sock = self.sockets.get(s)?;
        let stream = sock.ty == SocketType::Stream;
        let holds = match event {
            NetworkEvent::FD_READ => {
                sock.readable_bytes() > 0
                    || (sock.ty == SocketType::Dgram && !sock.dgrams.is_empty())
            }
            NetworkEvent::FD_OOB => stream && !sock.oob_inline && !sock.oob.is_empty(),
            NetworkEvent::FD_ACCEPT => sock.listen.as_ref().is_some_and(|l| !l.ready.is_empty()),
            NetworkEvent::FD_WRITE => match sock.ty {
                SocketType::Stream => {
                    matches!(sock.state(), TcpState::Established | TcpState::CloseWait)
                        && sock.error().is_none()
                        && !sock.shut_wr
                        && !sock.send_blocked
                        && sock.send_space() > 0
                }
                SocketType::Dgram => {
                    sock.local.is_some()
                        || self
                            .profile
                            .dgram_writable_unbound(matches!(sock.notify, Notify::Event { .. }))
                }
            },
            NetworkEvent::FD_CONNECT => {
                self.profile.select_posts_connect(
                    matches!(sock.notify, Notify::Event { .. }),
                    sock.accepted,
                ) && match sock.ty {
                    SocketType::Stream => sock.state().is_synchronized() && sock.error().is_none(),
                    SocketType::Dgram => sock.remote.is_some(),
                }
            }
            NetworkEvent::FD_CLOSE => {
                return match sock.close_kind() {
                    Some(CloseKind::Graceful) => (sock.nothing_to_receive()
                        || !self.profile.close_waits_for_unread_data())
                    .then_some(None),
                    Some(CloseKind::Reset) => Some(Some(self.profile.reset_close_error())),
                    Some(CloseKind::Aborted) => Some(Some(WsaError::WSAECONNABORTED)),
                    Some(CloseKind::NetDown) => Some(Some(WsaError::WSAENETDOWN)),
                    None => None,
                };
            }
            NetworkEvent::FD_QOS => sock.qos_changed,
            _ => false,
        };
        holds.then_some(None)
    }
}
