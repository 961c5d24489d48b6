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
