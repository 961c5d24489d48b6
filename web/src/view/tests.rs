//! Tests of the view models, on gallery scenarios run through a [`Timeline`].

use super::*;
use wsasim::spec::SPECIFICATION;

/// The specification's text, as the site has it once fetched.
const SPEC: Option<&str> = Some(SPECIFICATION);

fn timeline(id: &str) -> Timeline {
    let src = wsasim::gallery::get(id).expect("in the gallery").source;
    let t = Timeline::new(src).expect("the scenario parses");
    assert!(t.failure().is_none(), "{id}: {:?}", t.failure());
    t
}

/// The cursor just after the statement on the line containing `text` has finished.
fn seek_after(t: &mut Timeline, id: &str, text: &str) {
    let src = wsasim::gallery::get(id).unwrap().source;
    let line = src
        .lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no line with {text}")) as u32
        + 1;
    let i = t
        .steps()
        .position(|s| s.line == line && s.finished_statement)
        .unwrap_or_else(|| panic!("no step for line {line}"));
    t.seek(i + 1);
}

fn cell<'a>(rows: &'a [LatchRow], label: &str, event: &str) -> &'a LatchCell {
    let row = rows
        .iter()
        .find(|r| r.label.starts_with(label))
        .unwrap_or_else(|| panic!("no row {label}"));
    row.cells.iter().find(|c| c.event == event).unwrap()
}

#[test]
fn queue_marks_consumed_fresh_and_queued_before_cancel() {
    let id = "cancel-with-messages-queued";
    let mut t = timeline(id);
    seek_after(&mut t, id, "send(C, \"first\")");
    t.forward(); // the run until idle's steps: one at a time until FD_READ is posted
    while !t.current_entries().iter().any(|e| {
        e.posted()
            .any(|m| m.lparam.event() == NetworkEvent::FD_READ)
    }) {
        t.forward();
    }
    let q = queues(&t, None);
    assert_eq!(q.len(), 1);
    let main = &q[0];
    assert_eq!(main.name, "main");
    assert_eq!(main.host, "server");
    // FD_ACCEPT was taken by the expect; FD_READ for A was just posted.
    let accept = &main.messages[0];
    assert_eq!(
        (accept.event.as_str(), accept.consumed),
        ("FD_ACCEPT", true)
    );
    assert_eq!(accept.wparam_label(), format!("L ({})", accept.socket));
    let read = main.messages.last().unwrap();
    assert_eq!(read.event, "FD_READ");
    assert_eq!(read.wmsg, "WM_USER+1");
    assert_eq!(read.lparam, "0x00000001");
    assert_eq!(read.error, "0");
    assert!(!read.has_error);
    assert_eq!(read.socket_name.as_deref(), Some("A"));
    assert!(read.fresh && !read.consumed && !read.after_cancel);
    assert_eq!(main.queued, 1);

    // After WSAAsyncSelect(A, main, 0, 0) the FD_READ is still queued, marked.
    seek_after(&mut t, id, "WSAAsyncSelect(A, main, 0, 0)");
    let q = queues(&t, None);
    let read = q[0].messages.last().unwrap();
    assert!(read.after_cancel && !read.fresh && !read.consumed);

    // The expect takes it: consumed.
    seek_after(&mut t, id, "expect main: WM_USER+1(A, FD_READ, 0)");
    let q = queues(&t, None);
    assert_eq!(q[0].queued, 0);
    assert!(q[0].messages.iter().all(|m| m.consumed));
    assert_eq!(q[0].messages.len(), 2);
    assert_eq!(q[0].earlier_consumed, 0);
}

#[test]
fn closesocket_marks_queued_messages_and_windows_badges_show() {
    let id = "closesocket-leaves-queued-messages";
    let mut t = timeline(id);
    seek_after(&mut t, id, "server: closesocket(A)");
    let q = queues(&t, None);
    let read = q[0].messages.last().unwrap();
    assert_eq!(read.event, "FD_READ");
    assert!(read.after_cancel);
    assert!(
        q[0].messages.iter().all(|m| m.badge.is_none()),
        "no run to compare with"
    );
    // Badges come from the other profile's run: exactly the messages it does not post.
    let src = wsasim::gallery::get(id).unwrap().source;
    let theirs = Timeline::with_profile(src, wsasim::Profile::Windows).unwrap();
    let c = crate::contrast::Contrast::new(&t, theirs, wsasim::Profile::Windows);
    for m in &queues(&t, Some(&c))[0].messages {
        assert_eq!(m.badge.is_some(), c.is_marked(m.id), "message {}", m.id);
        if let Some(b) = &m.badge {
            assert_eq!(b.short, "Win ≠");
            assert!(b.note.starts_with("Under Windows"), "{}", b.note);
        }
    }
}

#[test]
fn why_notes_only_what_the_other_profile_does_differently() {
    // Graceful close: FD_CLOSE.2 has a Windows note, but both profiles post the same.
    let id = "graceful-close";
    let src = wsasim::gallery::get(id).unwrap().source;
    let mut t = timeline(id);
    let theirs = Timeline::with_profile(src, wsasim::Profile::Windows).unwrap();
    let c = crate::contrast::Contrast::new(&t, theirs, wsasim::Profile::Windows);
    t.to_end();
    let close = t
        .entries(0..t.trace_len())
        .iter()
        .flat_map(|e| e.posted())
        .find(|m| m.rule.id() == "FD_CLOSE.2")
        .expect("FD_CLOSE by FD_CLOSE.2")
        .id;
    let w = why(&t, Selection::Message(close), Some(&c), SPEC).unwrap();
    assert_eq!(w.rule, "FD_CLOSE.2");
    assert_eq!(w.other, None);
    assert_eq!(w.rule_note, None, "the rule's note alone is not shown");
    assert!(queues(&t, Some(&c))
        .iter()
        .flat_map(|q| &q.messages)
        .all(|m| m.badge.is_none()));

    // A reset: Windows reports WSAECONNABORTED where the page says WSAECONNRESET.
    let id = "windows-reset-connaborted";
    let src = wsasim::gallery::get(id).unwrap().source;
    let mut t = Timeline::with_profile(src, wsasim::Profile::Documented).unwrap();
    let theirs = Timeline::with_profile(src, wsasim::Profile::Windows).unwrap();
    let c = crate::contrast::Contrast::new(&t, theirs, wsasim::Profile::Windows);
    t.to_end();
    let reset = t
        .entries(0..t.trace_len())
        .iter()
        .flat_map(|e| e.posted())
        .find(|m| {
            m.lparam
                .error()
                .is_some_and(|e| e.name() == "WSAECONNRESET")
        })
        .expect("FD_CLOSE with WSAECONNRESET")
        .id;
    let w = why(&t, Selection::Message(reset), Some(&c), SPEC).unwrap();
    let other = w.other.expect("Windows posts something else");
    assert!(other
        .headline
        .starts_with("Under Windows: FD_CLOSE with WSAECONNABORTED"));
}

#[test]
fn latch_waits_for_recv_while_data_remains() {
    let id = "fd-read-level-triggered";
    let mut t = timeline(id);
    seek_after(&mut t, id, "send(C, 100 bytes)");
    // Run the network until FD_READ is posted for A.
    while !t.current_entries().iter().any(|e| {
        e.posted()
            .any(|m| m.lparam.event() == NetworkEvent::FD_READ)
    }) {
        t.forward();
    }
    let rows = latches(&t);
    let read = cell(&rows, "A", "FD_READ");
    assert_eq!(read.state, LatchState::Waiting);
    assert!(read.holds && read.level && read.changed);
    assert!(read.reenable.starts_with("recv"));
    assert_eq!(
        read.describe(),
        "FD_READ: selected, waiting for recv, recvfrom, WSARecv or WSARecvFrom; condition holds; level-triggered"
    );
    let close = cell(&rows, "A", "FD_CLOSE");
    assert_eq!(close.state, LatchState::Armed);
    assert_eq!(close.reenable, "once per connection");
    assert!(!close.holds && !close.level && !close.changed);
    let write = cell(&rows, "A", "FD_WRITE");
    assert_eq!(write.state, LatchState::NotSelected);
    let row = rows.iter().find(|r| r.label.starts_with("A")).unwrap();
    assert!(row.selection.contains("WM_USER+1"), "{}", row.selection);
    assert_eq!(row.cells.len(), 10);

    // The first recv(A, 50): re-armed, then posted again (level-triggered): still waiting.
    seek_after(&mut t, id, "server: recv(A, 50)");
    let read = cell(&latches(&t), "A", "FD_READ").clone();
    assert_eq!(read.state, LatchState::Waiting);
    assert!(read.changed && read.holds);
    // The last recv drains A: armed, and the condition no longer holds.
    t.to_end();
    let read = cell(&latches(&t), "A", "FD_READ").clone();
    assert_eq!(read.state, LatchState::Armed);
    assert!(!read.holds);
}

#[test]
fn sockets_and_hosts() {
    let id = "fd-read-level-triggered";
    let mut t = timeline(id);
    seek_after(&mut t, id, "server: recv(A, 50)");
    let v = sockets(&t);
    assert_eq!(v.hosts.len(), 2);
    assert_eq!(v.hosts[0].name, "client");
    let a = v
        .sockets
        .iter()
        .find(|s| s.name.as_deref() == Some("A"))
        .unwrap();
    assert_eq!(a.host, "server");
    assert_eq!(a.kind, "SOCK_STREAM");
    assert_eq!(a.state, "ESTABLISHED");
    assert_eq!(a.local, "10.0.0.2:80");
    assert_eq!(a.rx, 50);
    assert!(a.nonblocking && !a.oob_inline && a.changed);
    assert_eq!(a.status, "open");
    assert!(a.open);
    let l = v
        .sockets
        .iter()
        .find(|s| s.name.as_deref() == Some("L"))
        .unwrap();
    assert_eq!(l.state, "LISTEN");
    let c = v
        .sockets
        .iter()
        .find(|s| s.name.as_deref() == Some("C"))
        .unwrap();
    assert_eq!((c.host.as_str(), c.tx), ("client", 0));
}

#[test]
fn diagram_draws_the_handshake_and_data() {
    let id = "fd-read-level-triggered";
    let mut t = timeline(id);
    t.to_end();
    let d = diagram(&t);
    assert_eq!(d.hosts, ["client", "server"]);
    let labels: Vec<&str> = d.arrows.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(&labels[..3], ["SYN", "SYN|ACK", "ACK"], "{labels:?}");
    assert!(labels.contains(&"len=100"), "{labels:?}");
    assert!(d.arrows.iter().all(|a| a.fate == ArrowFate::Delivered));
    assert!(d.arrows.iter().all(|a| a.end_row > a.sent_row));
    assert_eq!((d.arrows[0].from, d.arrows[0].to), (0, 1));
    assert_eq!((d.arrows[1].from, d.arrows[1].to), (1, 0));
    assert_eq!(d.earlier, 0);

    // Just after connect: the SYN is on the wire.
    let id2 = "fd-read-level-triggered";
    let mut t = timeline(id2);
    seek_after(&mut t, id2, "client: connect(C");
    let d = diagram(&t);
    assert_eq!(d.arrows.len(), 1);
    assert_eq!(d.arrows[0].fate, ArrowFate::InFlight);
    assert!(d.arrows[0].fresh);
    assert!(d.arrows[0].end_row > d.arrows[0].sent_row);
}

#[test]
fn diagram_crosses_dropped_segments() {
    let mut t = timeline("connect-timed-out");
    t.to_end();
    let d = diagram(&t);
    let dropped = d
        .arrows
        .iter()
        .filter(|a| matches!(a.fate, ArrowFate::Dropped { .. }))
        .count();
    assert!(dropped >= 2, "{:?}", d.arrows);
    assert!(d.arrows.iter().all(|a| a.label == "SYN"));
}

#[test]
fn why_explains_a_message_an_entry_and_the_last_step() {
    let id = "fd-read-level-triggered";
    let mut t = timeline(id);
    seek_after(&mut t, id, "server: recv(A, 50)");
    // The step posted FD_READ again, by FD_READ.3.
    let w = why(&t, Selection::None, None, SPEC).expect("the step posted");
    assert_eq!(w.rule, "FD_READ.3");
    assert!(w.sentence.starts_with("After recv or recvfrom is called"));
    let ctx = w.context.as_ref().expect("in the specification");
    assert!(ctx.sentence.starts_with("After recv or recvfrom"));
    // Before the site has fetched the specification, the same explanation has no excerpt.
    let early = why(&t, Selection::None, None, None).expect("the step posted");
    assert_eq!((early.rule, early.context), (w.rule, None));
    // Under its heading, with the other items of FD_READ's list around it.
    assert_eq!(ctx.heading.as_deref(), Some("• FD_READ:"));
    assert!(ctx.items.len() >= 3);
    assert!(
        w.also.iter().any(|(id, _)| id == "REENABLE"),
        "{:?}",
        w.also
    );

    let posted = t.current_entries()[0].posted().next().unwrap().id;
    let m = why(&t, Selection::Message(posted), None, SPEC).unwrap();
    assert_eq!(m.rule, "FD_READ.3");
    assert!(
        m.subject.contains("FD_READ") && m.subject.contains("A ("),
        "{}",
        m.subject
    );

    // An entry with a Windows note: FD_WRITE.2 has none here; CloseGraceful does.
    let e = why(&t, Selection::Entry(0), None, SPEC);
    assert!(e.is_none(), "WSAStartup applies no rule");
    assert!(why(&t, Selection::Message(9_999), None, SPEC).is_none());
    assert!(selected_message(&t, Selection::Message(posted)).is_some());
}

#[test]
fn every_rule_sentence_is_found_in_context() {
    for rule in Rule::ALL {
        let c = spec_context(SPECIFICATION, rule.sentence())
            .unwrap_or_else(|| panic!("{} not found in the specification", rule.id()));
        assert_eq!(words(&c.sentence), words(rule.sentence()));
        assert!(
            c.before.len() <= CONTEXT_CHARS + 8,
            "{}: {}",
            rule.id(),
            c.before
        );
        assert!(
            c.after.len() <= CONTEXT_CHARS + 8,
            "{}: {}",
            rule.id(),
            c.after
        );
    }
}

#[test]
fn context_is_cut_at_sentences() {
    let c = spec_context(SPECIFICATION, Rule::ReadAfterRecv.sentence()).unwrap();
    println!("{c:?}");
    assert!(c.before.starts_with("… ") || c.before.len() <= CONTEXT_CHARS);
    assert!(!c.before.contains("WSAAsyncSelect function (winsock.h)"));
}

#[test]
fn trace_log_highlights_the_current_step() {
    let id = "fd-read-level-triggered";
    let mut t = timeline(id);
    assert!(trace_log(&t).rows.is_empty());
    seek_after(&mut t, id, "server: recv(A, 50)");
    let log = trace_log(&t);
    assert_eq!(log.earlier, 0);
    assert_eq!(log.rows.len(), t.trace_len());
    let cur: Vec<&TraceRow> = log.rows.iter().filter(|r| r.current).collect();
    assert_eq!(cur.len(), 1);
    assert!(
        cur[0].action.starts_with("recv(") && cur[0].action.ends_with(", 50, 0)"),
        "{}",
        cur[0].action
    );
    assert_eq!(cur[0].result, "50");
    assert_eq!(cur[0].host.as_deref(), Some("server"));
    assert!(cur[0]
        .changes
        .iter()
        .any(|c| c.rule == Some(Rule::ReadAfterRecv) && c.kind == ChangeKind::Latch));
    let posted: Vec<&ChangeRow> = cur[0]
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Posted)
        .collect();
    assert_eq!(posted.len(), t.current_entries()[0].posted().count());
}

/// Not a timed assertion: prints how long each model takes on a long run, at its end.
#[test]
fn view_models_cost_on_a_long_run() {
    let mut src = String::from("host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\nb: L = socket(AF_INET, SOCK_STREAM)\nb: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\na: C = socket(AF_INET, SOCK_STREAM)\na: connect(C, 10.0.0.2:80)\nb: A = accept(L)\nb: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\n");
    let reps = if cfg!(debug_assertions) {
        2_000
    } else {
        12_000
    };
    for _ in 0..reps {
        src.push_str("a: send(C, \"ping\")\nrun until idle\nexpect w: WM_USER+1(A, FD_READ, 0)\nb: recv(A, 10) => \"ping\"\n");
    }
    let mut t = Timeline::new(&src).unwrap();
    assert!(t.failure().is_none());
    let n = t.len();
    t.seek(n - 3);
    let time = |name: &str, f: &dyn Fn()| {
        let start = std::time::Instant::now();
        for _ in 0..10 {
            f();
        }
        println!("{name}: {:?} per call ({n} steps)", start.elapsed() / 10);
    };
    time("queues", &|| drop(queues(&t, None)));
    time("latches", &|| drop(latches(&t)));
    time("sockets", &|| drop(sockets(&t)));
    time("diagram", &|| drop(diagram(&t)));
    time("why", &|| drop(why(&t, Selection::None, None, SPEC)));
    time("trace_log", &|| drop(trace_log(&t)));
    let d = diagram(&t);
    assert!((MAX_ARROWS / 2..=MAX_ARROWS).contains(&d.arrows.len()));
    // One step later, the arrows already drawn keep their rows (or the window moved on).
    let mut t2 = t.clone();
    t2.forward();
    let d2 = diagram(&t2);
    if d2.earlier == d.earlier {
        for (a, b) in d.arrows.iter().zip(&d2.arrows) {
            assert_eq!((a.key, a.sent_row), (b.key, b.sent_row), "an arrow moved");
            if a.fate == b.fate {
                assert_eq!(a.end_row, b.end_row, "an arrow moved");
            }
        }
    }
    assert!(d.earlier > 0);
    let q = queues(&t, None);
    assert!(q[0].messages.len() <= MAX_CONSUMED + 1);
    assert!(q[0].earlier_consumed > 0);
    assert_eq!(trace_log(&t).rows.len(), MAX_TRACE_ROWS);
}

#[test]
fn queued_before_a_cancel_survives_a_new_selection_and_a_long_gap() {
    // FD_READ is queued; many steps later the selection is cancelled and a new one made,
    // which posts FD_WRITE. Only FD_READ is from before the cancel, even when its post is
    // older than the window of trace the queue model reads.
    let head = "host client 10.0.0.1\nhost server 10.0.0.2\nwindow server main\nserver: WSAStartup()\nserver: L = socket(AF_INET, SOCK_STREAM)\nserver: bind(L, 10.0.0.2:80)\nserver: listen(L, 5)\nserver: WSAAsyncSelect(L, main, WM_USER+1, FD_ACCEPT|FD_READ)\nclient: WSAStartup()\nclient: C = socket(AF_INET, SOCK_STREAM)\nclient: ioctlsocket(C, FIONBIO, 1)\nclient: connect(C, 10.0.0.2:80)\nrun until idle\nexpect main: WM_USER+1(L, FD_ACCEPT, 0)\nserver: A = accept(L)\nclient: send(C, \"first\")\nrun until idle\n";
    for gap in [0, HISTORY_WINDOW + 100] {
        let mut src = String::from(head);
        for _ in 0..gap {
            src.push_str("client: ioctlsocket(C, FIONREAD)\n");
        }
        src.push_str("server: WSAAsyncSelect(A, main, 0, 0)\n");
        src.push_str("server: WSAAsyncSelect(A, main, WM_USER+2, FD_WRITE)\n");
        let mut t = Timeline::new(&src).unwrap();
        assert!(t.failure().is_none(), "{:?}", t.failure());
        t.to_end();
        let q = queues(&t, None);
        let queued: Vec<(&str, bool)> = q[0]
            .messages
            .iter()
            .filter(|m| !m.consumed && m.socket_name.as_deref() == Some("A"))
            .map(|m| (m.event.as_str(), m.after_cancel))
            .collect();
        assert_eq!(
            queued,
            [("FD_READ", true), ("FD_WRITE", false)],
            "gap of {gap} steps"
        );
    }
}

#[test]
fn why_says_where_the_page_is_ambiguous() {
    // A refused connect's FD_CONNECT: FD_CONNECT.4, where the page reads two ways.
    let id = "ambiguous-connect";
    let mut t = timeline(id);
    seek_after(
        &mut t,
        id,
        "expect main: WM_USER+1(C, FD_CONNECT, WSAECONNREFUSED)",
    );
    let m = t
        .entries(0..t.trace_len())
        .iter()
        .flat_map(|e| e.posted().cloned().collect::<Vec<_>>())
        .find(|m| m.rule == Rule::ConnectOutcome)
        .expect("FD_CONNECT was posted");
    let w = why(&t, Selection::Message(m.id), None, SPEC).unwrap();
    let ids: Vec<&str> = w.ambiguities.iter().map(|a| a.id).collect();
    assert_eq!(
        ids,
        [
            "connect-outcome-after-refused",
            "connect-errors-only-at-once"
        ]
    );
    let a = &w.ambiguities[0];
    assert!(a
        .other
        .contains("Whether the operation eventually succeeds"));
    assert_eq!(a.doc, "docs/ambiguities.md#connect-outcome-after-refused");
    assert_eq!(a.href, "./ambiguities.md#connect-outcome-after-refused");

    // The second connect's step posts FD_WRITE; its suppressed FD_CONNECT is the ambiguity.
    seek_after(&mut t, id, "expect C state ESTABLISHED");
    let step = t
        .entries(0..t.trace_len())
        .iter()
        .position(|e| {
            e.changes.iter().any(|c| {
                matches!(
                    c,
                    Change::Suppressed {
                        reason: wsasim::trace::Suppression::OncePerSelection,
                        ..
                    }
                )
            })
        })
        .expect("a suppressed FD_CONNECT");
    let w = why(&t, Selection::Entry(step), None, SPEC).unwrap();
    assert!(w
        .ambiguities
        .iter()
        .any(|a| a.id == "connect-outcome-after-refused"));

    // A rule where the page is clear shows none.
    let id = "fd-read-level-triggered";
    let mut t = timeline(id);
    seek_after(&mut t, id, "server: recv(A, 50)");
    assert!(why(&t, Selection::None, None, SPEC)
        .unwrap()
        .ambiguities
        .is_empty());
}

#[test]
fn summary_sentences_show_under_their_event_heading_as_a_numbered_list() {
    let c = rule_context(SPECIFICATION, Rule::AcceptOnSelect, None).unwrap();
    assert_eq!(c.heading.as_deref(), Some("• FD_ACCEPT:"));
    assert!(c.restored, "the FD_ACCEPT heading was restored");
    assert!(c.numbered);
    assert_eq!(c.items.len(), 3);
    assert_eq!(c.items[0].number, Some(1));
    assert!(c.items[0].sentence.is_some());
    assert!(c.items[1].sentence.is_none() && c.items[2].sentence.is_none());
    let read = rule_context(SPECIFICATION, Rule::ReadAfterRecv, None).unwrap();
    assert_eq!(read.heading.as_deref(), Some("• FD_READ:"));
    assert!(!read.restored);
    for rule in Rule::ALL {
        let c = rule_context(SPECIFICATION, *rule, None).expect("found");
        assert_eq!(words(&c.sentence), words(rule.sentence()), "{}", rule.id());
    }
}

#[test]
fn network_down_shows_one_error_table_and_why_a_listener_gets_fd_accept() {
    let c = rule_context(
        SPECIFICATION,
        Rule::NetworkDown,
        Some(NetworkEvent::FD_ACCEPT),
    )
    .unwrap();
    assert!(c.heading.as_deref().unwrap().contains("FD_ACCEPT"));
    assert_eq!(c.items.len(), 1, "the table once: {c:?}");
    assert!(c.items[0].sentence.is_some());
    assert!(c.note.unwrap().contains("listening"));
    let close = rule_context(
        SPECIFICATION,
        Rule::NetworkDown,
        Some(NetworkEvent::FD_CLOSE),
    )
    .unwrap();
    assert_eq!(close.items.len(), 3);
}

#[test]
fn sort_short_sorts() {
    let mut v = vec![5, 3, 9, 1, 1, 0, 7];
    sort_short(&mut v);
    assert_eq!(v, [0, 1, 1, 3, 5, 7, 9]);
    let mut long: Vec<u32> = (0..300).rev().collect();
    sort_short(&mut long);
    assert!(long.windows(2).all(|w| w[0] <= w[1]));
    sort_short::<u8>(&mut []);
}
