//! Benchmark of the playground's timeline, natively: how long a long scenario takes to
//! load (parse, check, run, checkpoints), what the loaded run keeps in memory, and what
//! moving the cursor and reading the recent trace cost at its end. It prints figures;
//! it asserts only that the runs have their steps. Run with
//! `cargo bench -p wsasim-web --bench timeline`.
//!
//! Two scenarios: the 100,014-step "ping" of the browser figures test (five steps a
//! block: send, two deliveries, GetMessage, recv), and a 1,000,000-step bulk transfer
//! (1 MiB sends, each drained by one recv), whose source stays under the parser's 1 MiB.

use std::hint::black_box;
use std::time::{Duration, Instant};

use wsasim_count_alloc::Counting;
use wsasim_web::timeline::Timeline;
use wsasim_web::view::HISTORY_WINDOW;

#[global_allocator]
static ALLOC: Counting = Counting::new();

const PING_HEADER: &str = "host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\n\
b: WSAStartup()\nb: L = socket(AF_INET, SOCK_STREAM)\nb: bind(L, 10.0.0.2:80)\n\
b: listen(L, 5)\na: C = socket(AF_INET, SOCK_STREAM)\na: connect(C, 10.0.0.2:80)\n\
b: A = accept(L)\nb: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\nrun until idle\n";
const PING_BLOCK: &str = "a:send(C,\"p\")\nstep 2\nb:GetMessage(w)\nb:recv(A,9)\n";

const BULK_HEADER: &str = "host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\n\
b: WSAStartup()\nb: L = socket(AF_INET, SOCK_STREAM)\n\
b: setsockopt(L, SOL_SOCKET, SO_RCVBUF, 4194304)\nb: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\n\
a: C = socket(AF_INET, SOCK_STREAM)\na: setsockopt(C, SOL_SOCKET, SO_SNDBUF, 4194304)\n\
a: connect(C, 10.0.0.2:80)\nb: A = accept(L)\nb: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\n";
const BULK_BLOCK: &str = "a: send(C, 1048576 bytes)\nrun until idle\nb: recv(A, 1048576)\n";

fn pct(xs: &mut [Duration], p: usize) -> Duration {
    xs.sort();
    xs[(xs.len() * p / 100).min(xs.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn measure(name: &str, src: &str, min_steps: usize) {
    let before = ALLOC.live();
    ALLOC.reset_peak();
    let t0 = Instant::now();
    let mut t = Timeline::new(src).expect("the scenario is valid");
    let load = t0.elapsed();
    assert!(t.len() >= min_steps, "{name}: {} steps", t.len());
    assert!(t.failure().is_none(), "{name}: {:?}", t.failure());
    let kept = ALLOC.live() - before;
    let peak = ALLOC.peak() - before;
    println!(
        "{name}: {} steps, {} entries, {} bytes of source{}",
        t.len(),
        t.total_entries(),
        src.len(),
        t.cut().map_or(String::new(), |c| format!(" ({c:?} cut)"))
    );
    println!(
        "  load {} | kept {:.1} MB ({:.0} bytes a step), peak {:.1} MB | checkpoints every {} steps",
        ms(load),
        kept as f64 / 1e6,
        kept as f64 / t.len() as f64,
        peak as f64 / 1e6,
        t.checkpoint_spacing()
    );
    t.to_end();
    let live = ALLOC.live();
    let copy = t.runner().checkpoint();
    println!(
        "  one checkpoint at the end: {:.1} KB",
        (ALLOC.live() - live) as f64 / 1e3
    );
    drop(copy);
    let mut backs = Vec::new();
    let mut reads = Vec::new();
    for _ in 0..300 {
        let s = Instant::now();
        t.back();
        backs.push(s.elapsed());
        let s = Instant::now();
        black_box(t.recent(HISTORY_WINDOW));
        reads.push(s.elapsed());
    }
    let mut fwd = Vec::new();
    for _ in 0..300 {
        let s = Instant::now();
        t.forward();
        fwd.push(s.elapsed());
    }
    println!(
        "  at the end: step back p50 {} p95 {} | forward p95 {} | recent({HISTORY_WINDOW}) p50 {} p95 {}",
        ms(pct(&mut backs, 50)),
        ms(pct(&mut backs, 95)),
        ms(pct(&mut fwd, 95)),
        ms(pct(&mut reads, 50)),
        ms(pct(&mut reads, 95))
    );
}

/// The worst script found for buffers: as many connections as 1 MiB of script holds,
/// every end asking for 1 MiB buffers and every sender filling them (the world grants
/// 64 MiB beyond the defaults in all).
pub fn worst_buffers() -> String {
    let mut src = String::from(
        "host c 10.0.0.1\nhost s 10.0.0.2\nc: WSAStartup()\ns: WSAStartup()\n\
         s: L = socket(AF_INET, SOCK_STREAM)\ns: setsockopt(L, SOL_SOCKET, SO_RCVBUF, 1048576)\n\
         s: setsockopt(L, SOL_SOCKET, SO_SNDBUF, 1048576)\ns: bind(L, 10.0.0.2:80)\ns: listen(L, 5)\n",
    );
    let block =
        "c: C = socket(AF_INET, SOCK_STREAM)\nc: setsockopt(C, SOL_SOCKET, SO_SNDBUF, 1048576)\n\
                 c: setsockopt(C, SOL_SOCKET, SO_RCVBUF, 1048576)\nc: connect(C, 10.0.0.2:80)\n\
                 s: A = accept(L)\nc: ioctlsocket(C, FIONBIO, 1)\nc: send(C, 1048576 bytes)\n";
    while src.len() + block.len() + 20 < wsasim::script::MAX_SOURCE_BYTES {
        src += block;
    }
    src + "run for 10s\n"
}

/// The worst script found for what the world keeps a step: every recv re-enables FD_READ
/// and posts it again, and nobody takes the messages (1,000,000 steps of them, cut there).
pub fn worst_queue() -> String {
    format!(
        "{BULK_HEADER}{}",
        "a: send(C, 90000 bytes)\nrun until idle\n\
         b: repeat recv(A, 1) until SOCKET_ERROR WSAEWOULDBLOCK => 90000\n"
            .repeat(12)
    )
}

fn main() {
    let ping = format!("{PING_HEADER}{}", PING_BLOCK.repeat(20_000));
    measure("ping (browser figures test)", &ping, 100_000);
    let bulk = format!("{BULK_HEADER}{}", BULK_BLOCK.repeat(694));
    measure("bulk 1,000,000 steps", &bulk, 1_000_000);
    measure("worst for buffers", &worst_buffers(), 10);
    measure("worst for queued messages", &worst_queue(), 10);
}
