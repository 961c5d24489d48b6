//! Benchmark of the scenario language: generates a 100,000-line scenario (two hosts, one
//! connection, then many `send` / `run until idle` / `step` / `expect` / `recv` lines) and
//! prints how long parsing and running take. Run with `cargo bench -p wsasim --bench script`.
//!
//! The parser refuses sources over 1 MiB (`wsasim::script::MAX_SOURCE_BYTES`), and 100,000
//! realistic lines are about 3 MB, so the text is parsed in pieces of whole lines, each under
//! the limit. Each piece starts with as many empty lines as come before it, so every
//! statement keeps its line number; the pieces' statements are joined into one script.

use std::hint::black_box;
use std::time::Instant;

use wsasim::script::{self, RunOptions, Runner, Script};

const LINES: usize = 100_000;

const PRELUDE: &str = "\
title \"Benchmark: one connection, many small exchanges\"
about \"A generated scenario of 100,000 lines for measuring the parser and the runner.\"
host client 10.0.0.1
host server 10.0.0.2
link client server latency 1ms
window server main
server: WSAStartup()
server: L = socket(AF_INET, SOCK_STREAM)
server: bind(L, 10.0.0.2:80)
server: listen(L, 5)
server: WSAAsyncSelect(L, main, WM_USER+1, FD_ACCEPT|FD_READ|FD_CLOSE)
client: WSAStartup()
client: C = socket(AF_INET, SOCK_STREAM)
client: ioctlsocket(C, FIONBIO, 1)
client: connect(C, 10.0.0.2:80)          => SOCKET_ERROR WSAEWOULDBLOCK
run until idle
expect main: WM_USER+1(L, FD_ACCEPT, 0)
server: A = accept(L)
";

/// The exchanges, used in turn: each leaves the queue empty and the socket drained.
const BLOCKS: [&str; 3] = [
    // One send, one FD_READ, one recv.
    "client: send(C, 100 bytes)               => 100
run until idle
expect main: WM_USER+1(A, FD_READ, 0)
server: recv(A, 100)                     => 100
",
    // Level-triggered: two recv calls, two FD_READ messages.
    "client: send(C, 100 bytes)               => 100
run until idle                           # data and its ACK
expect main: WM_USER+1(A, FD_READ, 0)
server: recv(A, 50)                      => 50
expect main: WM_USER+1(A, FD_READ, 0)
server: recv(A, 50)                      => 50
",
    // Stepping through the two deliveries, text payload, and an empty queue at the end.
    "client: send(C, \"ping\\r\\n\")            => 6
step 2
expect main: WM_USER+1(A, FD_READ, 0)
server: recv(A, 100)                     => \"ping\\r\\n\"
expect main: empty
",
];

fn generate() -> String {
    let mut src = String::from(PRELUDE);
    let mut lines = PRELUDE.lines().count();
    let mut i = 0;
    loop {
        let block = BLOCKS[i % BLOCKS.len()];
        let n = block.lines().count();
        if lines + n > LINES {
            break;
        }
        src.push_str(block);
        lines += n;
        i += 1;
    }
    while lines < LINES {
        src.push_str("expect main: empty\n");
        lines += 1;
    }
    src
}

/// Parses `src` in pieces under the 1 MiB limit, keeping line numbers (see the module doc).
fn parse_in_pieces(src: &str) -> (Script, usize) {
    let budget = script::MAX_SOURCE_BYTES * 3 / 4;
    let mut script = Script::default();
    let mut pieces = 0;
    let mut piece = String::new();
    let mut before = 0; // lines before the current piece
    let mut in_piece = 0;
    let mut flush = |piece: &mut String, before: usize| {
        let padded = "\n".repeat(before) + piece;
        let parsed = script::parse(&padded).expect("the generated scenario parses");
        script.stmts.extend(parsed.stmts);
        pieces += 1;
        piece.clear();
    };
    for line in src.lines() {
        if before + piece.len() + line.len() + 1 > budget {
            flush(&mut piece, before);
            before += in_piece;
            in_piece = 0;
        }
        piece.push_str(line);
        piece.push('\n');
        in_piece += 1;
    }
    flush(&mut piece, before);
    (script, pieces)
}

fn per_second(n: usize, secs: f64) -> String {
    let v = n as f64 / secs;
    if v >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else {
        format!("{:.0} k", v / 1e3)
    }
}

fn main() {
    let src = generate();
    let lines = src.lines().count();
    assert_eq!(lines, LINES);
    println!(
        "scenario: {lines} lines, {:.2} MB (parsed in pieces under the 1 MiB limit)",
        src.len() as f64 / 1e6
    );

    // Parse: best of three.
    let mut best = f64::MAX;
    let mut parsed = None;
    for _ in 0..3 {
        let t = Instant::now();
        let (s, pieces) = parse_in_pieces(black_box(&src));
        best = best.min(t.elapsed().as_secs_f64());
        parsed = Some((s, pieces));
    }
    let (script, pieces) = parsed.expect("parsed at least once");
    let stmts = script.stmts.len();
    println!(
        "parse:    {:8.1} ms  {} pieces, {stmts} statements, {} lines/s, {:.1} MB/s",
        best * 1e3,
        pieces,
        per_second(lines, best),
        src.len() as f64 / best / 1e6
    );

    // Check names and run.
    let t = Instant::now();
    let mut runner =
        Runner::from_script(script, RunOptions::default()).expect("the names are declared");
    let check = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut steps = 0usize;
    while runner.step().is_some() {
        steps += 1;
    }
    let run = t.elapsed().as_secs_f64();
    if let Some(f) = runner.failure() {
        panic!("the generated scenario failed: {f}");
    }
    let entries = runner.sim().trace().len();
    println!(
        "check:    {:8.1} ms  names of {stmts} statements",
        check * 1e3
    );
    println!(
        "run:      {:8.1} ms  {steps} runner steps ({} steps/s), {entries} trace entries ({} entries/s), {} lines/s, virtual time {}",
        run * 1e3,
        per_second(steps, run),
        per_second(entries, run),
        per_second(lines, run),
        runner.sim().now()
    );
    let t = Instant::now();
    let json = runner.trace_json();
    let json_time = t.elapsed().as_secs_f64();
    println!(
        "json:     {:8.1} ms  {:.1} MB of trace JSON lines",
        json_time * 1e3,
        json.len() as f64 / 1e6
    );
}
