//! Named, timed stages for `cargo xtask test`: a banner before each, a summary after all.

use std::time::{Duration, Instant};

use crate::Result;

/// How one stage ended.
enum Outcome {
    Passed,
    Failed,
}

/// The stages run so far, in order.
pub struct Stages {
    done: Vec<(String, Outcome, Duration)>,
    started: Instant,
}

impl Stages {
    /// No stage run yet; the total time starts now.
    pub fn new() -> Stages {
        Stages {
            done: Vec::new(),
            started: Instant::now(),
        }
    }

    /// Runs one stage. On failure, prints which stage failed and why, and returns the
    /// stage's name as the error so the caller can stop.
    pub fn run(&mut self, name: &str, f: impl FnOnce() -> Result<()>) -> Result<(), String> {
        println!("\n==> xtask test: {name}");
        let start = Instant::now();
        let result = f();
        let took = start.elapsed();
        match result {
            Ok(()) => {
                self.done.push((name.to_string(), Outcome::Passed, took));
                Ok(())
            }
            Err(e) => {
                eprintln!("\n!!! xtask test: stage `{name}` FAILED: {e}");
                self.done.push((name.to_string(), Outcome::Failed, took));
                Err(name.to_string())
            }
        }
    }

    /// Prints one line per stage and the total time.
    pub fn print_summary(&self) {
        println!("\nxtask test summary:");
        for (name, outcome, took) in &self.done {
            let mark = match outcome {
                Outcome::Passed => "ok    ",
                Outcome::Failed => "FAILED",
            };
            println!("  {mark} {name:<32} {:>7.1}s", took.as_secs_f64());
        }
        println!("  total {:>40.1}s", self.started.elapsed().as_secs_f64());
    }
}
