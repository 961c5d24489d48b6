//! Host calls and expectations as C: one Winsock call of the lowered program becomes the
//! same call on loopback, and `=> RESULT` or `expect W: MSG(…)` one of the prelude's checks.

use alloc::format;
use alloc::string::{String, ToString};

use super::{c_string, Writer};
use crate::error::WsaError;
use crate::net::SockAddr;
use crate::script::ast::Span;
use crate::script::expect::{Check, Data, Expected, WParam};
use crate::script::program::{HostStep, Op, Payload, ScriptCall, Slot, SockRef};
use crate::socket::{Ioctl, Shutdown, SockOpt, SockOptName, SocketType, WsaIoctl};
use crate::winsock::{Call, Condition};

impl Writer {
    pub(super) fn host_call(&mut self, span: Span, action_c: &str, h: &HostStep) {
        let line = span.line;
        if h.hook {
            self.refuse(
                span,
                "hook",
                "WSASetBlockingHook is a Winsock 1.1 function, removed in Winsock 2.2, which the exported program uses",
            );
            return;
        }
        if h.until.is_some() {
            self.refuse(
                span,
                "repeat … until",
                "the exporter does not write loops yet; write the calls out, or check this line in the model only",
            );
            return;
        }
        let host = self.hosts[h.host].0.clone();
        let cancel = matches!(
            h.expect.as_ref().map(|c| &c.expected),
            Some(Expected::Failed(Some(WsaError::WSAEINTR)))
        );
        let code = match &h.op {
            Op::Winsock(call) => match self.call(span, h.host, call, h.bind) {
                Some(c) => c,
                None => return,
            },
            Op::AsyncSelect {
                s,
                window,
                msg,
                events,
            } => format!(
                "r_int(WSAAsyncSelect({}, win[{window}], {}, {:#x}));",
                self.sock(*s),
                msg.0,
                events.bits()
            ),
            Op::GetMessage {
                window,
                remove,
                wait,
            } => format!("r_getmsg({window}, {}, {});", u8::from(*remove), u8::from(*wait)),
            Op::GetLastError => "R.set = 1; R.val = (unsigned long)WSAGetLastError(); sprintf(R.text, \"%s\", R.val ? err_name((int)R.val) : \"0\");".into(),
        };
        let blocking = matches!(
            &h.op,
            Op::Winsock(
                Call::Connect { .. }
                    | Call::Accept { .. }
                    | Call::Send { .. }
                    | Call::Recv { .. }
                    | Call::SendTo { .. }
                    | Call::RecvFrom { .. }
                    | Call::WsaConnect { .. }
                    | Call::WsaAccept { .. }
                    | Call::WsaSend { .. }
                    | Call::WsaRecv { .. }
                    | Call::WsaSendTo { .. }
                    | Call::WsaRecvFrom { .. }
            )
        );
        if blocking {
            let target = match (&h.op, cancel) {
                (Op::Winsock(c), true) => blocked_socket(c).map(|s| self.sock(s)),
                _ => None,
            };
            if target.is_some() {
                self.out("/* the model fails a blocking call nothing could complete with WSAEINTR, as WSACancelBlockingCall did; here the watchdog closes the socket after BLOCK_MS, which cancels the call */");
            }
            self.out(&format!(
                "watch({line}, {});",
                target.as_deref().unwrap_or("INVALID_SOCKET")
            ));
            self.out(&code);
            self.out("watch(0, INVALID_SOCKET);");
        } else {
            self.out(&code);
        }
        if let Some(check) = &h.expect {
            let c = self.check(check);
            self.out(&c);
        }
        self.out(&format!(
            "emit({line}, {}, \"call\", {action_c});",
            c_string(host.as_bytes())
        ));
    }

    /// The C for one Winsock call; `None` (and an error) if it cannot be exported.
    pub(super) fn call(
        &mut self,
        span: Span,
        host: usize,
        call: &ScriptCall,
        bind: Option<Slot>,
    ) -> Option<String> {
        let to = |slot: Option<Slot>, arr: &str| match slot {
            Some(v) => format!("{arr}[{}] = ", v.0),
            None => String::new(),
        };
        let addr = |w: &mut Writer, a: SockAddr| {
            let r = w.addr(a, host);
            if r.is_none() {
                w.refuse(
                    span,
                    &format!("an address of no host ({})", a.ip),
                    "every address maps to a host's loopback address; loopback cannot make an unreachable or silent network",
                );
            }
            r
        };
        Some(match call {
            Call::WsaStartup => "{ WSADATA wd; r_code(WSAStartup(MAKEWORD(2, 2), &wd)); }".into(),
            Call::WsaCleanup => {
                self.refuse(
                    span,
                    "WSACleanup",
                    "the hosts share one process, so one host's WSACleanup would not close only its own sockets",
                );
                return None;
            }
            Call::Socket { ty, .. } => {
                let (t, p) = match ty {
                    SocketType::Stream => ("SOCK_STREAM", "IPPROTO_TCP"),
                    SocketType::Dgram => ("SOCK_DGRAM", "IPPROTO_UDP"),
                };
                format!("{}r_sock(socket(AF_INET, {t}, {p}));", to(bind, "sock"))
            }
            Call::Bind { s, addr: a } => format!(
                "{{ struct sockaddr_in a = {}; r_int(bind({}, (struct sockaddr *)&a, sizeof a)); }}",
                addr(self, *a)?,
                self.sock(*s)
            ),
            Call::Listen { s, backlog } => format!("r_int(listen({}, {backlog}));", self.sock(*s)),
            Call::Connect { s, addr: a, namelen } => format!(
                "{{ struct sockaddr_in a = {}; r_int(connect({}, (struct sockaddr *)&a, {namelen})); }}",
                addr(self, *a)?,
                self.sock(*s)
            ),
            Call::Accept { s } => format!(
                "{{ struct sockaddr_in a; int n = sizeof a; {}r_sock(accept({}, (struct sockaddr *)&a, &n)); }}",
                to(bind, "sock"),
                self.sock(*s)
            ),
            Call::Send { s, data, flags } => {
                let (d, n) = payload(data);
                format!(
                    "{{ const char *d = {d}; r_int(send({}, d, {n}, {})); }}",
                    self.sock(*s),
                    msg_flags(flags.oob, flags.peek)
                )
            }
            Call::SendTo { s, data, to: a, flags } => {
                let (d, n) = payload(data);
                format!(
                    "{{ const char *d = {d}; struct sockaddr_in a = {}; r_int(sendto({}, d, {n}, {}, (struct sockaddr *)&a, sizeof a)); }}",
                    addr(self, *a)?,
                    self.sock(*s),
                    msg_flags(flags.oob, flags.peek)
                )
            }
            Call::Recv { len, .. } | Call::RecvFrom { len, .. } if *len < 0 => {
                self.refuse(
                    span,
                    "a negative length",
                    "the exported program passes a real buffer of the length given",
                );
                return None;
            }
            Call::Recv { s, len, flags } => format!(
                "r_recv({}, {len}, {}, 0);",
                self.sock(*s),
                msg_flags(flags.oob, flags.peek)
            ),
            Call::RecvFrom { s, len, flags } => format!(
                "r_recv({}, {len}, {}, 1);",
                self.sock(*s),
                msg_flags(flags.oob, flags.peek)
            ),
            Call::Shutdown { s, how } => {
                let how = match how {
                    Shutdown::Receive => "SD_RECEIVE",
                    Shutdown::Send => "SD_SEND",
                    Shutdown::Both => "SD_BOTH",
                };
                format!("r_int(shutdown({}, {how}));", self.sock(*s))
            }
            Call::ShutdownOther { s, how } => format!("r_int(shutdown({}, {how}));", self.sock(*s)),
            Call::CloseSocket { s } => format!("r_int(closesocket({}));", self.sock(*s)),
            Call::SetSockOpt { s, opt } => {
                let s = self.sock(*s);
                match opt {
                    SockOpt::OobInline(on) => format!("{{ BOOL v = {}; r_int(setsockopt({s}, SOL_SOCKET, SO_OOBINLINE, (const char *)&v, sizeof v)); }}", u8::from(*on)),
                    SockOpt::Linger { on, secs } => format!("{{ struct linger v; v.l_onoff = {}; v.l_linger = {secs}; r_int(setsockopt({s}, SOL_SOCKET, SO_LINGER, (const char *)&v, sizeof v)); }}", u8::from(*on)),
                    SockOpt::RcvBuf(n) => format!("{{ int v = {n}; r_int(setsockopt({s}, SOL_SOCKET, SO_RCVBUF, (const char *)&v, sizeof v)); }}"),
                    SockOpt::SndBuf(n) => format!("{{ int v = {n}; r_int(setsockopt({s}, SOL_SOCKET, SO_SNDBUF, (const char *)&v, sizeof v)); }}"),
                }
            }
            Call::GetSockOpt { s, name } => {
                let s = self.sock(*s);
                match name {
                    SockOptName::Linger => format!("{{ struct linger v; int n = sizeof v; r_int(getsockopt({s}, SOL_SOCKET, SO_LINGER, (char *)&v, &n)); if (!R.failed) R.on = v.l_onoff != 0, R.secs = v.l_linger, sprintf(R.text, \"SO_LINGER, %d, %d\", R.on, R.secs); }}"),
                    SockOptName::OobInline => format!("{{ BOOL v = 0; int n = sizeof v; r_int(getsockopt({s}, SOL_SOCKET, SO_OOBINLINE, (char *)&v, &n)); if (!R.failed) R.val = v != 0, sprintf(R.text, \"SO_OOBINLINE, %lu\", R.val); }}"),
                    SockOptName::RcvBuf | SockOptName::SndBuf => {
                        let o = if *name == SockOptName::RcvBuf { "SO_RCVBUF" } else { "SO_SNDBUF" };
                        format!("{{ int v = 0; int n = sizeof v; r_int(getsockopt({s}, SOL_SOCKET, {o}, (char *)&v, &n)); if (!R.failed) R.val = (unsigned long)v, sprintf(R.text, \"{o}, %lu\", R.val); }}")
                    }
                }
            }
            Call::IoctlSocket { s, cmd } => {
                let s = self.sock(*s);
                match cmd {
                    Ioctl::Fionbio(on) => format!("{{ u_long v = {}; r_int(ioctlsocket({s}, FIONBIO, &v)); }}", u8::from(*on)),
                    Ioctl::Fionread => format!("{{ u_long v = 0; int r = ioctlsocket({s}, FIONREAD, &v); r_val(r, v); }}"),
                    Ioctl::Siocatmark => format!("{{ u_long v = 0; int r = ioctlsocket({s}, SIOCATMARK, &v); r_val(r, v != 0); if (!R.failed) sprintf(R.text, \"%s\", v ? \"TRUE\" : \"FALSE\"); }}"),
                }
            }
            Call::WsaIoctl { s, cmd } => {
                let s = self.sock(*s);
                match cmd {
                    WsaIoctl::GetQos => format!("{{ QOS v; DWORD n = 0; r_int(WSAIoctl({s}, SIO_GET_QOS, NULL, 0, &v, sizeof v, &n, NULL, NULL)); }}"),
                    WsaIoctl::Fionbio(on) => format!("{{ u_long v = {}; DWORD n = 0; r_int(WSAIoctl({s}, FIONBIO, &v, sizeof v, NULL, 0, &n, NULL, NULL)); }}", u8::from(*on)),
                    WsaIoctl::GetGroupQos | WsaIoctl::SetQos(_) => {
                        self.refuse(
                            span,
                            "SIO_GET_GROUP_QOS or SIO_SET_QOS",
                            "socket groups are reserved and QoS renegotiation needs the QoS service; neither can be compared on loopback",
                        );
                        return None;
                    }
                    WsaIoctl::AddressListChange => format!("{{ DWORD n = 0; r_int(WSAIoctl({s}, SIO_ADDRESS_LIST_CHANGE, NULL, 0, NULL, 0, &n, NULL, NULL)); }}"),
                    WsaIoctl::RoutingInterfaceChange(a) => {
                        let dest = match a {
                            Some(a) => format!("a = {};", addr(self, *a)?),
                            None => format!("getpeername({s}, (struct sockaddr *)&a, &n);"),
                        };
                        format!("{{ struct sockaddr_in a; int n = sizeof a; DWORD b = 0; {dest} r_int(WSAIoctl({s}, SIO_ROUTING_INTERFACE_CHANGE, &a, sizeof a, NULL, 0, &b, NULL, NULL)); }}")
                    }
                }
            }
            Call::WsaCreateEvent => format!(
                "{{ WSAEVENT e = WSACreateEvent(); R.set = 1; if (e == WSA_INVALID_EVENT) R.failed = 1, R.err = WSAGetLastError(); else sprintf(R.text, \"event\"); {}e; }}",
                to(bind, "evt")
            ),
            Call::WsaEventSelect { s, event, events } => format!(
                "r_int(WSAEventSelect({}, evt[{}], {:#x}));",
                self.sock(*s),
                event.0,
                events.bits()
            ),
            Call::WsaEnumNetworkEvents { s, event } => format!(
                "{{ WSANETWORKEVENTS ne; int r; ZeroMemory(&ne, sizeof ne); r = WSAEnumNetworkEvents({}, {}, &ne); r_events(r, ne.lNetworkEvents); }}",
                self.sock(*s),
                event.map_or("NULL".to_string(), |e| format!("evt[{}]", e.0))
            ),
            Call::WsaRecv { len, .. } | Call::WsaRecvFrom { len, .. } if *len < 0 => {
                self.refuse(
                    span,
                    "a negative length",
                    "the exported program passes a real buffer of the length given",
                );
                return None;
            }
            Call::WsaRecv { s, len, flags } | Call::WsaRecvFrom { s, len, flags } => format!(
                "r_wsarecv({}, {len}, {}, {});",
                self.sock(*s),
                msg_flags(flags.oob, flags.peek),
                u8::from(matches!(call, Call::WsaRecvFrom { .. }))
            ),
            Call::WsaSend { s, data, flags } => {
                let (d, n) = payload(data);
                format!(
                    "{{ const char *d = {d}; r_wsasend({}, d, {n}, {}, NULL); }}",
                    self.sock(*s),
                    msg_flags(flags.oob, flags.peek)
                )
            }
            Call::WsaSendTo { s, data, to: a, flags } => {
                let (d, n) = payload(data);
                format!(
                    "{{ const char *d = {d}; struct sockaddr_in a = {}; r_wsasend({}, d, {n}, {}, &a); }}",
                    addr(self, *a)?,
                    self.sock(*s),
                    msg_flags(flags.oob, flags.peek)
                )
            }
            Call::WsaConnect { s, addr: a } => format!(
                "{{ struct sockaddr_in a = {}; r_int(WSAConnect({}, (struct sockaddr *)&a, sizeof a, NULL, NULL, NULL, NULL)); }}",
                addr(self, *a)?,
                self.sock(*s)
            ),
            Call::WsaAccept { s, condition } => {
                let cf = match condition {
                    Condition::Accept => "cf_accept",
                    Condition::Reject => "cf_reject",
                    Condition::Defer => "cf_defer",
                };
                format!(
                    "{{ struct sockaddr_in a; int n = sizeof a; {}r_sock(WSAAccept({}, (struct sockaddr *)&a, &n, {cf}, 0)); }}",
                    to(bind, "sock"),
                    self.sock(*s)
                )
            }
            Call::WsaJoinLeaf { .. } => {
                self.refuse(
                    span,
                    "WSAJoinLeaf",
                    "a multipoint leaf needs a socket made with WSASocket and WSA_FLAG_MULTIPOINT_C_LEAF and a multicast route, which the exported program's loopback sockets lack",
                );
                return None;
            }
            Call::WsaAsyncSelect { .. } | Call::GetMessage { .. } | Call::PeekMessage { .. } => {
                self.refuse(span, "this call", "a window call written as a Winsock call");
                return None;
            }
        })
    }

    /// The C that checks `=> RESULT` or `expect W: MSG(…)`.
    pub(super) fn check(&mut self, check: &Check) -> String {
        let t = c_string(check.text.as_bytes());
        match &check.expected {
            Expected::Failed(e) => format!("want_failed({t}, {});", e.map_or(0, |e| e.code())),
            Expected::Number(n) => format!("want_num({t}, {}UL);", (*n).min(u64::from(u32::MAX))),
            Expected::Flag(b) => format!("want_num({t}, {});", u8::from(*b)),
            Expected::Linger(on, secs) => format!("want_linger({t}, {}, {secs});", u8::from(*on)),
            Expected::Received(data, from) => {
                let (bytes, n) = match data {
                    Data::Len(n) => ("NULL".to_string(), *n),
                    Data::Exact(b) => (c_string(b), b.len() as u64),
                };
                let a = from
                    .and_then(|a| self.addr(a, 0))
                    .unwrap_or_else(|| "sin4(0, 0, 0, 0, 0)".into());
                format!(
                    "want_bytes({t}, {bytes}, {n}, {}, {a});",
                    u8::from(from.is_some())
                )
            }
            Expected::Events(e) if e.errors.iter().all(Option::is_none) => {
                format!("want_num({t}, {:#x});", e.events.bits())
            }
            Expected::Events(_) => {
                self.refuse(
                    check.span,
                    "an event with its error code",
                    "the exported program checks lNetworkEvents only, not iErrorCode",
                );
                String::new()
            }
            Expected::AnyOf(_) => {
                self.refuse(
                    check.span,
                    "results joined with `or`",
                    "the exported program checks one expected result",
                );
                String::new()
            }
            Expected::Message(None) => format!("want_msg({t}, 0, 0, 0, 0, 0);"),
            Expected::Message(Some(m)) => {
                let s = match m.socket {
                    WParam::Var(v) => format!("sock[{}]", v.0),
                    WParam::Number(n) => format!("(SOCKET){n}"),
                };
                format!(
                    "want_msg({t}, 1, {}, {s}, {:#x}, {});",
                    m.msg.0,
                    m.events.bits(),
                    m.error.map_or(0, |e| e.code())
                )
            }
            Expected::LastError(e) => format!("want_num({t}, {});", e.map_or(0, |e| e.code())),
        }
    }
}

fn payload(p: &Payload) -> (String, usize) {
    match p {
        Payload::Bytes(b) => (c_string(b), b.len()),
        Payload::Pattern(n) => (format!("pattern({n})"), *n),
    }
}

/// The socket a blocking call waits on.
fn blocked_socket(c: &ScriptCall) -> Option<SockRef> {
    match c {
        Call::Connect { s, .. }
        | Call::Accept { s }
        | Call::Send { s, .. }
        | Call::Recv { s, .. }
        | Call::SendTo { s, .. }
        | Call::RecvFrom { s, .. }
        | Call::WsaConnect { s, .. }
        | Call::WsaAccept { s, .. }
        | Call::WsaSend { s, .. }
        | Call::WsaRecv { s, .. }
        | Call::WsaSendTo { s, .. }
        | Call::WsaRecvFrom { s, .. } => Some(*s),
        _ => None,
    }
}

fn msg_flags(oob: bool, peek: bool) -> &'static str {
    match (oob, peek) {
        (false, false) => "0",
        (true, false) => "MSG_OOB",
        (false, true) => "MSG_PEEK",
        (true, true) => "MSG_OOB | MSG_PEEK",
    }
}
