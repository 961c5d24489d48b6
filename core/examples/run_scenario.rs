//! Runs a scenario file and prints its trace: `cargo run -p wsasim --example run_scenario FILE`.

fn main() {
    let path = std::env::args().nth(1).expect("usage: run_scenario FILE");
    let src = std::fs::read_to_string(&path).expect("readable file");
    match wsasim::script::run(&src) {
        Err(errors) => {
            for e in errors {
                eprintln!("{path}:{e}");
            }
            std::process::exit(2);
        }
        Ok(report) => {
            print!("{}", report.sim.trace());
            if let Some(f) = report.failure {
                eprintln!("{path}:{f}");
                std::process::exit(1);
            }
        }
    }
}
