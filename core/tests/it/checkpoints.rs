//! Reading a long trace without decoding it all, and checkpoints that hold no trace:
//! what the playground's timeline is built on.

use wsasim::gallery;
use wsasim::script::Runner;
use wsasim::trace::TraceEntry;

/// Every gallery scenario, run to its end, with its whole trace decoded.
fn runs() -> impl Iterator<Item = (&'static str, Runner, Vec<TraceEntry>)> {
    gallery::ALL.iter().map(|s| {
        let mut r = Runner::new(s.source).unwrap_or_else(|e| panic!("{}: {}", s.id, e[0]));
        r.run_to_end();
        let all: Vec<TraceEntry> = r.sim().trace().iter().collect();
        (s.id, r, all)
    })
}

#[test]
fn a_range_of_the_trace_is_that_slice_of_it() {
    for (id, r, all) in runs() {
        let t = r.sim().trace();
        for start in 0..=all.len() {
            for len in [0, 1, 2, 17, 40] {
                let end = start + len;
                let got: Vec<TraceEntry> = t.range(start..end).collect();
                assert_eq!(got, all[start..end.min(all.len())], "{id} {start}..{end}");
            }
        }
        assert_eq!(t.range(all.len() + 5..all.len() + 9).count(), 0, "{id}");
    }
}

#[test]
fn the_entry_posting_a_message_is_found_by_its_id() {
    let mut found = 0;
    for (id, r, all) in runs() {
        let t = r.sim().trace();
        let mut last = 0;
        for e in &all {
            for m in e.posted() {
                assert_eq!(
                    t.entry_posting(m.id).map(|p| p.index),
                    Some(e.index),
                    "{id} #{}",
                    m.id
                );
                last = last.max(m.id);
                found += 1;
            }
        }
        assert_eq!(
            t.entry_posting(last + 1),
            None,
            "{id}: a message not yet posted"
        );
        assert_eq!(t.entry_posting(0), None, "{id}: ids start at 1");
    }
    assert!(found > 100, "the gallery posts messages: {found}");
}

#[test]
fn a_checkpoint_goes_on_as_the_runner_would() {
    for (id, full, all) in runs() {
        let s = gallery::get(id).unwrap();
        let mut r = Runner::new(s.source).unwrap();
        let mut k = 0;
        while r.step().is_some() {
            k += 1;
            if k % 3 != 0 {
                continue;
            }
            let mut copy = r.checkpoint();
            let t = copy.sim().trace();
            assert_eq!(t.iter().count(), 0, "{id}: a checkpoint holds no entries");
            assert_eq!(t.len(), r.sim().trace().len(), "{id}");
            let from = t.len();
            copy.run_to_end();
            let rest: Vec<TraceEntry> = copy.sim().trace().iter().collect();
            assert_eq!(rest, all[from..], "{id}: went another way after step {k}");
            assert_eq!(copy.failure(), full.failure(), "{id}");
            for e in &rest {
                let (line, step) = (copy.lines().line_of(e.index), copy.lines().step_of(e.index));
                let want = (full.lines().line_of(e.index), full.lines().step_of(e.index));
                assert_eq!((line, step), want, "{id} #{}: its line and step", e.index);
            }
        }
    }
}

#[test]
fn forgetting_the_trace_keeps_its_count() {
    let s = &gallery::ALL[0];
    let mut r = Runner::new(s.source).unwrap();
    let mut all = Vec::new();
    let mut reference = Runner::new(s.source).unwrap();
    reference.run_to_end();
    while r.step().is_some() {
        let n = r.sim().trace().len();
        all.extend(r.sim().trace().iter());
        r.forget_trace();
        assert_eq!(
            (r.sim().trace().len(), r.sim().trace().iter().count()),
            (n, 0)
        );
    }
    assert_eq!(all, reference.sim().trace().iter().collect::<Vec<_>>());
}

#[test]
fn taking_the_trace_moves_it_out_whole() {
    for (id, full, all) in runs() {
        let mut r = full;
        let (trace, lines) = r.take_trace();
        assert_eq!(trace.iter().collect::<Vec<_>>(), all, "{id}");
        assert_eq!(
            (r.sim().trace().len(), r.sim().trace().iter().count()),
            (all.len(), 0)
        );
        assert!(r.lines().is_empty(), "{id}");
        for e in &all {
            assert!(
                lines.line_of(e.index).is_some() || e.index == 0,
                "{id} #{}",
                e.index
            );
        }
    }
}

#[test]
fn a_trace_of_many_chunks_reads_the_same_everywhere() {
    // 90,000 one-byte reads, each a trace entry posting FD_READ again: megabytes of trace.
    let src = "host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\n\
        b: L = socket(AF_INET, SOCK_STREAM)\nb: setsockopt(L, SOL_SOCKET, SO_RCVBUF, 4194304)\n\
        b: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\na: C = socket(AF_INET, SOCK_STREAM)\n\
        a: setsockopt(C, SOL_SOCKET, SO_SNDBUF, 4194304)\na: connect(C, 10.0.0.2:80)\n\
        b: A = accept(L)\nb: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\n\
        a: send(C, 90000 bytes)\nrun until idle\n\
        b: repeat recv(A, 1) until SOCKET_ERROR WSAEWOULDBLOCK => 90000\n";
    let mut r = Runner::new(src).unwrap();
    r.run_to_end();
    assert_eq!(r.failure(), None);
    let t = r.sim().trace();
    let all: Vec<TraceEntry> = t.iter().collect();
    assert!(
        t.encoded_bytes() > 3 << 20,
        "{} bytes: several chunks",
        t.encoded_bytes()
    );
    for (i, e) in all.iter().enumerate() {
        assert_eq!(e.index, i);
    }
    for i in (0..all.len()).step_by(509).chain(all.len() - 20..all.len()) {
        assert_eq!(t.get(i).as_ref(), Some(&all[i]), "entry {i}");
        let got: Vec<TraceEntry> = t.range(i..i + 40).collect();
        assert_eq!(got, all[i..(i + 40).min(all.len())], "{i}..");
    }
    let last = all.last().unwrap();
    assert_eq!(t.last().as_ref(), Some(last));
    for m in all.iter().step_by(1001).flat_map(|e| e.posted()) {
        assert!(t
            .entry_posting(m.id)
            .is_some_and(|e| e.posted().any(|p| p.id == m.id)));
    }
}
