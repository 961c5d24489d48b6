//! The wire: a segment leaves a host, crosses the link after its latency (or is lost), and
//! reaches the host that owns its destination address.

use crate::net::{HostId, Payload, Segment};
use crate::schedule::Pending;
use crate::sim::Sim;
use crate::trace::{Change, DropReason};

impl Sim {
    /// Sends a segment from `from`: it arrives after the link's latency, or is lost.
    pub(crate) fn transmit(&mut self, from: HostId, segment: Segment) {
        self.change(Change::Sent(segment.header()));
        if !self.hosts[from.0 as usize].net_up {
            self.change(Change::Dropped {
                segment: segment.header(),
                why: DropReason::SenderDown,
            });
            return;
        }
        let Some(to) = self.host_of(segment.dst.ip) else {
            self.change(Change::Dropped {
                segment: segment.header(),
                why: DropReason::NoSuchHost,
            });
            return;
        };
        let link = self.links.get(from, to);
        if !link.up {
            self.change(Change::Dropped {
                segment: segment.header(),
                why: DropReason::LinkCut,
            });
            return;
        }
        let at = self.now + link.latency;
        self.schedule(at, Pending::Deliver { from, to, segment });
    }

    pub(crate) fn deliver(&mut self, from: HostId, to: HostId, segment: Segment) {
        if !self.links.get(from, to).up {
            self.change(Change::Dropped {
                segment: segment.header(),
                why: DropReason::CutInFlight,
            });
            return;
        }
        if !self.hosts[to.0 as usize].net_up {
            self.change(Change::Dropped {
                segment: segment.header(),
                why: DropReason::ReceiverDown,
            });
            return;
        }
        match segment.payload {
            Payload::Tcp { .. } => self.tcp_input(to, segment),
            Payload::Udp { .. } => self.udp_input(to, segment),
        }
    }
}
