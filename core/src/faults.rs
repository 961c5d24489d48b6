//! Faults and changes to the world that the user injects: a cut link, a network going
//! down and up, addresses and routes that change, a QoS change, an injected reset. Each is
//! one step ([`Sim::world`]) and reports what it did to the posting rules.

use alloc::vec::Vec;

use crate::error::WsaError;
use crate::net::{HostId, Ipv4};
use crate::select::{Activity, Fact};
use crate::sim::{SetupError, Sim};
use crate::socket::{Socket, SocketHandle, SocketType};
use crate::trace::{Change, Note, WorldAction};

impl Sim {
    /// Cuts the link between two hosts: segments are lost both ways until [`Sim::heal`].
    /// Sockets watching a route to the other side get FD_ROUTING_INTERFACE_CHANGE with
    /// WSAENETUNREACH.
    pub fn partition(&mut self, a: HostId, b: HostId) {
        self.world(WorldAction::Partition(a, b), |sim| {
            sim.links.get_mut(a, b).up = false;
            for (me, other) in [(a, b), (b, a)] {
                let other_addrs = sim
                    .hosts
                    .get(other.0 as usize)
                    .map(|h| h.addrs.clone())
                    .unwrap_or_default();
                let unreachable = Fact::RouteChanged(Some(WsaError::WSAENETUNREACH));
                sim.fire_watches(me, unreachable, |s| {
                    s.routing_watch.is_some_and(|ip| other_addrs.contains(&ip))
                });
            }
        });
    }

    /// Restores a cut link.
    pub fn heal(&mut self, a: HostId, b: HostId) {
        self.world(WorldAction::Heal(a, b), |sim| {
            sim.links.get_mut(a, b).up = true
        });
    }

    /// The host's network subsystem fails: its connections die with WSAENETDOWN, events
    /// are posted with WSAENETDOWN, and its Winsock calls fail with WSAENETDOWN.
    pub fn network_down(&mut self, host: HostId) {
        self.world(WorldAction::NetworkDown(host), |sim| {
            sim.network_fails(host)
        });
    }

    fn network_fails(&mut self, host: HostId) {
        if let Some(h) = self.hosts.get_mut(host.0 as usize) {
            h.net_up = false;
        }
        let mine: Vec<SocketHandle> = self
            .sockets
            .values()
            .filter(|s| s.host == host)
            .map(|s| s.handle)
            .collect();
        for s in mine {
            let Some(sock) = self.sockets.get(s) else {
                continue;
            };
            let state = sock.state();
            let (orphan_or_child, has_tcb, ty, connecting) = (
                sock.is_orphan() || sock.listener().is_some(),
                sock.tcb.is_some(),
                sock.ty,
                sock.connecting,
            );
            if orphan_or_child {
                if has_tcb {
                    self.cancel_timer(s);
                    self.set_state(s, crate::tcb::TcpState::Closed);
                }
                self.free(s);
                continue;
            }
            if ty == SocketType::Stream && has_tcb && state != crate::tcb::TcpState::Closed {
                self.cancel_timer(s);
                self.set_state(s, crate::tcb::TcpState::Closed);
                let sock = self.sock_mut(s);
                let close = (!connecting).then_some(crate::socket::CloseKind::NetDown);
                sock.fail(WsaError::WSAENETDOWN, close);
                sock.rx.clear();
                sock.tx.clear();
                if connecting {
                    sock.connecting = false;
                    self.notice(s, Fact::NetworkDown(Activity::Connecting));
                } else {
                    self.notice(s, Fact::NetworkDown(Activity::Connected));
                }
            }
            let sock = &self.sockets[&s];
            let (listening, bound_dgram, send_blocked) = (
                sock.listen.is_some(),
                sock.ty == SocketType::Dgram && sock.local.is_some(),
                sock.send_blocked,
            );
            if listening {
                self.notice(s, Fact::NetworkDown(Activity::Listening));
            }
            if bound_dgram {
                self.notice(s, Fact::NetworkDown(Activity::Receiving));
            }
            if send_blocked {
                self.sock_mut(s).send_blocked = false;
                self.notice(s, Fact::NetworkDown(Activity::BlockedSend));
            }
            if self.sock_mut(s).routing_watch.take().is_some() {
                self.notice(s, Fact::NetworkDown(Activity::RouteWatch));
            }
            if core::mem::take(&mut self.sock_mut(s).address_watch) {
                self.notice(s, Fact::NetworkDown(Activity::AddressWatch));
            }
        }
    }

    /// The host's network comes back. Sockets watching the address list are told.
    pub fn network_up(&mut self, host: HostId) {
        self.world(WorldAction::NetworkUp(host), |sim| {
            if let Some(h) = sim.hosts.get_mut(host.0 as usize) {
                h.net_up = true;
            }
            sim.address_list_changed(host);
        });
    }

    /// Adds an address to a host (FD_ADDRESS_LIST_CHANGE for sockets that asked).
    pub fn add_address(&mut self, host: HostId, addr: Ipv4) -> Result<(), SetupError> {
        if self.host_of(addr).is_some() {
            return Err(SetupError::AddressInUse(addr));
        }
        self.world(WorldAction::AddAddress(host, addr), |sim| {
            let Some(h) = sim.hosts.get_mut(host.0 as usize) else {
                return Err(SetupError::UnknownHost);
            };
            h.addrs.push(addr);
            sim.addr_owner.insert(addr, host);
            sim.address_list_changed(host);
            Ok(())
        })
    }

    /// Removes an address from a host (FD_ADDRESS_LIST_CHANGE for sockets that asked).
    pub fn remove_address(&mut self, host: HostId, addr: Ipv4) -> bool {
        self.world(WorldAction::RemoveAddress(host, addr), |sim| {
            let removed = match sim.hosts.get_mut(host.0 as usize) {
                Some(h) if h.addrs.contains(&addr) => {
                    h.addrs.retain(|a| *a != addr);
                    sim.addr_owner.remove(&addr);
                    true
                }
                _ => false,
            };
            if removed {
                sim.address_list_changed(host);
            } else {
                sim.change(Change::Note(Note::NotAnAddress(addr)));
            }
            removed
        })
    }

    fn address_list_changed(&mut self, host: HostId) {
        self.fire_watches(host, Fact::AddressListChanged, |s| s.address_watch);
    }

    /// The one-shot watches (SIO_ROUTING_INTERFACE_CHANGE or SIO_ADDRESS_LIST_CHANGE,
    /// by `fact`) of `host`'s sockets that `fires` selects: each is used up and reports
    /// `fact` ("Further messages will not be forthcoming until the application reissues
    /// the IOCTL").
    fn fire_watches(&mut self, host: HostId, fact: Fact, fires: impl Fn(&Socket) -> bool) {
        let watchers: Vec<SocketHandle> = self
            .sockets
            .values()
            .filter(|s| s.host == host && fires(s))
            .map(|s| s.handle)
            .collect();
        for s in watchers {
            let sock = self.sock_mut(s);
            if matches!(fact, Fact::RouteChanged(_)) {
                sock.routing_watch = None;
            } else {
                sock.address_watch = false;
            }
            self.notice(s, fact);
        }
    }

    /// The host's routing table changes: sockets watching a route get FD_ROUTING_INTERFACE_CHANGE.
    pub fn route_change(&mut self, host: HostId) {
        self.world(WorldAction::RouteChange(host), |sim| {
            sim.fire_watches(host, Fact::RouteChanged(None), |s| {
                s.routing_watch.is_some()
            });
        });
    }

    /// The route from `host` to `dest` changes: only sockets whose
    /// `SIO_ROUTING_INTERFACE_CHANGE` named that destination (or none, `INADDR_ANY`) get
    /// FD_ROUTING_INTERFACE_CHANGE: "when the local interface that should be used to reach
    /// the destination specified in the IOCTL changes".
    pub fn route_change_to(&mut self, host: HostId, dest: Ipv4) {
        self.world(WorldAction::RouteChangeTo(host, dest), |sim| {
            sim.fire_watches(host, Fact::RouteChanged(None), |s| {
                s.routing_watch.is_some_and(|ip| ip == dest || ip.is_any())
            });
        });
    }

    /// The provider changes a socket's quality of service (FD_QOS, edge-triggered).
    pub fn change_qos(&mut self, s: SocketHandle) -> bool {
        if !self.sockets.contains(s) {
            return false;
        }
        self.world(WorldAction::QosChange(s), |sim| {
            let sock = sim.sock_mut(s);
            sock.qos.generation += 1;
            sock.qos.token_rate = 8000 * sock.qos.generation;
            sock.qos_changed = true;
            sim.notice(s, Fact::QosChanged);
        });
        true
    }

    /// A reset injected on the connection of `s`: both ends receive RST now.
    pub fn inject_reset(&mut self, s: SocketHandle) -> bool {
        let Some(sock) = self.sockets.get(s) else {
            return false;
        };
        if !sock.state().is_synchronized() {
            return false;
        }
        let (local, remote) = (sock.local, sock.remote);
        self.world(WorldAction::Reset(s), |sim| {
            let peer = sim
                .sockets
                .values()
                .find(|x| {
                    x.handle != s
                        && x.local == remote
                        && x.remote == local
                        && x.state().is_synchronized()
                })
                .map(|x| x.handle);
            sim.change(Change::Note(Note::ResetInjected));
            sim.tcp_reset(s);
            if let Some(p) = peer {
                sim.tcp_reset(p);
            }
        });
        true
    }
}
