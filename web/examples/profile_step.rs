//! Times a step back and forward and every view model deep in a 100,000-step run, natively.

use std::time::Instant;

use wsasim_web::state::Selection;
use wsasim_web::timeline::Timeline;
use wsasim_web::view;

fn main() {
    let mut src = String::from(
        "host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\n\
         b: L = socket(AF_INET, SOCK_STREAM)\nb: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\n\
         a: C = socket(AF_INET, SOCK_STREAM)\na: connect(C, 10.0.0.2:80)\nb: A = accept(L)\n\
         b: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\nrun until idle\n",
    );
    src.push_str(&"a:send(C,\"p\")\nstep 2\nb:GetMessage(w)\nb:recv(A,9)\n".repeat(20_000));
    let t0 = Instant::now();
    let mut t = Timeline::new(&src).expect("valid");
    println!("built {} steps in {:?}", t.len(), t0.elapsed());
    t.to_end();
    let n = t.len();
    for (name, target) in [
        ("back", n - 1),
        ("forward", n),
        ("back 33", n - 33),
        ("mid", n / 2),
    ] {
        let t1 = Instant::now();
        t.seek(target);
        println!("seek {name}: {:?}", t1.elapsed());
    }
    t.seek(n - 1);
    let sel = Selection::None;
    macro_rules! time {
        ($name:literal, $e:expr) => {{
            let t1 = Instant::now();
            let r = $e;
            println!("{}: {:?}", $name, t1.elapsed());
            drop(r);
        }};
    }
    time!("queues", view::queues(&t, None));
    time!("latches", view::latches(&t));
    time!("sockets", view::sockets(&t));
    time!("diagram", view::diagram(&t));
    time!(
        "why",
        view::why(&t, sel, None, Some(wsasim::spec::SPECIFICATION))
    );
    time!("trace_log", view::trace_log(&t));
}
