//! A host's call as the runner makes it: its variables resolved to the handles bound so
//! far, `GetMessage`'s wait, the binding of `VAR =` and the check of `=> RESULT`.

use alloc::borrow::Cow;
use alloc::sync::Arc;
use core::convert::Infallible;

use super::Runner;
use crate::queue::Hwnd;
use crate::script::ast::Span;
use crate::script::expect::{Actual, Check, Shape};
use crate::script::program::{pattern_bytes, HostStep, Op, Payload, ScriptCall, Var};
use crate::socket::{SocketHandle, WsaEvent};
use alloc::vec::Vec;

use crate::error::WsaError;
use crate::net::HostId;
use crate::sim::Sim;
use crate::winsock::{Call, Returned};

/// The most calls one `repeat` statement makes before the scenario fails.
pub const MAX_REPEAT: u64 = 100_000;

impl Runner {
    /// Fails the scenario at `check` unless `actual` is what it expects.
    pub(super) fn check(&mut self, check: &Check, actual: &Actual) {
        if !check.expected.matches(actual, &self.vars) {
            let shown = actual.show(|s| self.socket_name(s));
            self.fail(check.span, &*check.text, shown);
        }
    }

    /// `HOST: [VAR =] CALL [=> RESULT]`: makes the call, binds the variable (an emptied
    /// slot if the call failed), then checks the result.
    pub(super) fn host_call(&mut self, span: Span, step: &HostStep) {
        if let Some(until) = &step.until {
            return self.repeat(span, step, until);
        }
        if step.hook {
            self.hooks.push((span, step.clone()));
            return;
        }
        let Some((actual, bound)) = self.make_call(span, step) else {
            return;
        };
        if let Some(slot) = step.bind {
            self.vars.set(slot, bound);
        }
        if let Some(check) = &step.expect {
            self.check(check, &actual);
        }
    }

    /// `HOST: repeat CALL until RESULT [=> N]`: makes the call until it gives `until`
    /// (at most [`MAX_REPEAT`] times), then checks how many calls came before that one.
    fn repeat(&mut self, span: Span, step: &HostStep, until: &Check) {
        let mut count = 0u64;
        loop {
            let Some((actual, _)) = self.make_call(span, step) else {
                return;
            };
            if until.expected.matches(&actual, &self.vars) {
                break;
            }
            if self.sim.limit_reached() || self.sim.steps() >= self.step_limit() {
                return self.limit_failure(span, "'repeat'");
            }
            count += 1;
            if count >= MAX_REPEAT {
                let shown = actual.show(|s| self.socket_name(s));
                let expected = alloc::format!("{} within {MAX_REPEAT} calls", until.text);
                return self.fail(until.span, expected, shown);
            }
        }
        if let Some(check) = &step.expect {
            self.check(check, &Actual::Value(count));
        }
    }

    /// Makes the call once: what it gave, and what `VAR =` would bind. `None` if
    /// `GetMessage`'s wait failed the scenario.
    fn make_call(&mut self, span: Span, step: &HostStep) -> Option<(Actual, Option<Var>)> {
        let host = self.hosts[step.host];
        Some(match &step.op {
            Op::Winsock(call) => {
                let mut need = 0;
                let call = self
                    .resolve(call)
                    .try_map::<_, _, _, Infallible>(Ok, Ok, |p| {
                        if let Payload::Pattern(n) = p {
                            need = n;
                        }
                        p
                    });
                let call = call.unwrap_or_else(|never| match never {});
                if self.pattern.len() < need {
                    self.pattern = Arc::new(pattern_bytes(need));
                }
                let pattern = Arc::clone(&self.pattern);
                let call = call
                    .try_map::<_, _, _, Infallible>(Ok, Ok, |p| match p {
                        Payload::Bytes(b) => Cow::Owned(b),
                        Payload::Pattern(n) => Cow::Borrowed(&pattern[..n]),
                    })
                    .unwrap_or_else(|never| match never {});
                let r = self.winsock(step.host, call);
                let bound = match &r {
                    Ok(Returned::Socket(s) | Returned::Accepted(s, _)) => Some(Var::Socket(*s)),
                    Ok(Returned::Event(e)) => Some(Var::Event(*e)),
                    _ => None,
                };
                (Actual::of(r, step.shape), bound)
            }
            Op::AsyncSelect {
                s,
                window,
                msg,
                events,
            } => {
                let call: Call = Call::WsaAsyncSelect {
                    s: self.vars.socket(*s),
                    hwnd: self.windows[*window],
                    msg: *msg,
                    events: *events,
                };
                (Actual::of(self.winsock(step.host, call), step.shape), None)
            }
            Op::GetMessage {
                window,
                remove,
                wait,
            } => {
                let hwnd = self.windows[*window];
                if *wait && !self.wait_for_message(span, hwnd) {
                    return None;
                }
                // GetMessage waits (above); PeekMessage does not.
                let call = if *wait {
                    Call::GetMessage { hwnd }
                } else {
                    Call::PeekMessage {
                        hwnd,
                        remove: *remove,
                    }
                };
                let r = self.sim.on(host).call(call);
                (Actual::of(r, Shape::Message), None)
            }
            Op::GetLastError => (
                Actual::LastError(self.sim.on(host).wsa_get_last_error()),
                None,
            ),
        })
    }

    /// Makes a Winsock call as host `h` (an index). The `hook` calls waiting for this
    /// host run from its blocking hook, once, if the call blocks: Winsock 1.1's default
    /// hook dispatches the window's messages while a blocking call waits, and a Winsock
    /// call made then fails with `WSAEINPROGRESS`. Their results are checked after the
    /// blocking call returns; a hook left unrun fails the scenario at its own line.
    fn winsock<D: AsRef<[u8]>>(
        &mut self,
        h: usize,
        call: Call<SocketHandle, WsaEvent, D>,
    ) -> Result<Returned, WsaError> {
        let host = self.hosts[h];
        let (mine, others): (Vec<_>, Vec<_>) = core::mem::take(&mut self.hooks)
            .into_iter()
            .partition(|(_, s)| s.host == h);
        self.hooks = others;
        if mine.is_empty() {
            return self.sim.on(host).run(call);
        }
        let calls: Vec<Call> = mine.iter().map(|(_, s)| self.hook_call(s)).collect();
        let mut ran: Vec<Result<Returned, WsaError>> = Vec::new();
        let mut hook = |sim: &mut Sim, at: HostId| {
            if ran.is_empty() {
                ran.extend(calls.iter().map(|c| sim.on(at).call(c.clone())));
            }
        };
        let r = self.sim.on(host).with_blocking_hook(&mut hook).run(call);
        let mut ran = ran.into_iter();
        for (span, step) in &mine {
            match ran.next() {
                Some(got) => {
                    if let Some(check) = &step.expect {
                        self.check(check, &Actual::of(got, step.shape));
                    }
                }
                None => self.fail(
                    *span,
                    "a blocking call of this host for the hook to run in",
                    "the host's next call did not block",
                ),
            }
        }
        r
    }

    /// A `hook` statement's call, its variables resolved now.
    fn hook_call(&self, step: &HostStep) -> Call {
        match &step.op {
            Op::Winsock(call) => self
                .resolve(call)
                .try_map::<_, _, _, Infallible>(Ok, Ok, |p| match p {
                    Payload::Bytes(b) => b,
                    Payload::Pattern(n) => pattern_bytes(n),
                })
                .unwrap_or_else(|never| match never {}),
            Op::AsyncSelect {
                s,
                window,
                msg,
                events,
            } => Call::WsaAsyncSelect {
                s: self.vars.socket(*s),
                hwnd: self.windows[*window],
                msg: *msg,
                events: *events,
            },
            _ => unreachable!("invariant: lowering allows only Winsock calls in a hook"),
        }
    }

    /// The call with its variables resolved to the handles they hold now (its bytes
    /// still as the script gives them).
    fn resolve(&self, call: &ScriptCall) -> Call<SocketHandle, WsaEvent, Payload> {
        call.clone()
            .try_map::<_, _, _, Infallible>(
                |s| Ok(self.vars.socket(s)),
                |e| Ok(self.vars.event(e)),
                |d| d,
            )
            .unwrap_or_else(|never| match never {})
    }

    /// `GetMessage` waits: runs the world until the window has a message. False (and a
    /// failure) if a limit is reached or nothing could ever post one.
    fn wait_for_message(&mut self, span: Span, hwnd: Hwnd) -> bool {
        while self
            .sim
            .window(hwnd)
            .is_some_and(|w| w.queue.is_empty() && w.alive)
            && self.sim.next_event_at().is_some()
        {
            if !self.sim_step(span, "GetMessage's wait") {
                return false;
            }
        }
        if self.sim.window(hwnd).is_some_and(|w| w.queue.is_empty()) {
            self.fail(span, "a message for GetMessage to return", "an empty queue with nothing scheduled that could post one: GetMessage would wait forever");
            return false;
        }
        true
    }
}
