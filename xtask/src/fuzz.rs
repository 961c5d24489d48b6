//! `cargo xtask fuzz [TARGET…] [--seconds N] [--runs N] [--no-sanitizer]` and the fuzz
//! stage of `cargo xtask test`: builds the cargo-fuzz targets of `fuzz/` (nightly,
//! libFuzzer, AddressSanitizer, release with debug assertions), runs each one's checked-in
//! regressions (`fuzz/regressions/T/`: every crash ever found), then fuzzes it for a
//! bounded time or number of executions from its seeds (the gallery for the scenario
//! targets, `fuzz/seeds/T/` for the others) and a corpus kept in the target directory. Any
//! crash, timeout, leak or out-of-memory fails.
//!
//! `--no-sanitizer` builds without AddressSanitizer (into `fuzz-nosan/`): two to three
//! times the executions a second, for the long runs of millions of executions. The code
//! fuzzed forbids `unsafe`, so what AddressSanitizer adds is leak detection; the panics,
//! debug assertions, overflow checks, timeouts and the memory limit stay.

use std::path::PathBuf;

use xshell::{cmd, Shell};

use crate::{project_root, Result};

/// Every fuzz target, as `fuzz/Cargo.toml` names them.
pub const TARGETS: [&str; 7] = [
    "parse", "run", "scenario", "share", "lparam", "compare", "export_c",
];

/// Seconds each target runs in `cargo xtask test`.
pub const TEST_SECONDS: u64 = 30;

/// Where a target's seeds are, from the workspace root.
fn seeds(target: &str) -> Option<&'static str> {
    match target {
        "parse" | "run" | "export_c" => Some("core/scenarios"),
        "share" => Some("fuzz/seeds/share"),
        "lparam" => Some("fuzz/seeds/lparam"),
        "compare" => Some("fuzz/seeds/compare"),
        _ => None,
    }
}

/// What one target did: executions and seconds, from libFuzzer's last line.
#[derive(Debug, PartialEq, Eq)]
pub struct Figures {
    pub runs: u64,
    pub seconds: u64,
}

/// `Done 266763 runs in 16 second(s)`.
pub fn figures(output: &str) -> Option<Figures> {
    let line = output.lines().rev().find(|l| l.starts_with("Done "))?;
    let mut words = line.split_whitespace();
    let runs = words.nth(1)?.parse().ok()?;
    let seconds = words.nth(2)?.parse().ok()?;
    Some(Figures { runs, seconds })
}

/// What to fuzz and for how long.
#[derive(Debug, PartialEq, Eq)]
pub struct Options {
    /// The targets, in order.
    pub targets: Vec<String>,
    /// Seconds each target runs, at most (`None`: until `runs`).
    pub seconds: Option<u64>,
    /// Executions each target runs, at most (`None`: until `seconds`).
    pub runs: Option<u64>,
    /// Build with AddressSanitizer.
    pub sanitizer: bool,
}

impl Options {
    /// Every target for `seconds`, under AddressSanitizer: the fuzz stage of the tests.
    pub fn all_for(seconds: u64) -> Options {
        Options {
            targets: TARGETS.iter().map(|t| t.to_string()).collect(),
            seconds: Some(seconds),
            runs: None,
            sanitizer: true,
        }
    }
}

/// Parses `[TARGET…] [--seconds N] [--runs N] [--no-sanitizer]` (60 s a target unless
/// `--runs` is given).
pub fn args(rest: &[String]) -> Result<Options> {
    let mut targets = Vec::new();
    let (mut seconds, mut runs, mut sanitizer) = (None, None, true);
    let mut it = rest.iter();
    let number = |flag: &str, n: Option<&String>| -> Result<u64> {
        let n = n.ok_or_else(|| format!("{flag} needs a number"))?;
        Ok(n.replace('_', "")
            .parse()
            .map_err(|_| format!("{flag} needs a number, not {n}"))?)
    };
    while let Some(a) = it.next() {
        if a == "--seconds" {
            seconds = Some(number(a, it.next())?);
        } else if a == "--runs" {
            runs = Some(number(a, it.next())?);
        } else if a == "--no-sanitizer" {
            sanitizer = false;
        } else if TARGETS.contains(&a.as_str()) {
            targets.push(a.clone());
        } else {
            return Err(format!("unknown fuzz target {a}: one of {}", TARGETS.join(", ")).into());
        }
    }
    if targets.is_empty() {
        targets = TARGETS.iter().map(|t| t.to_string()).collect();
    }
    if seconds.is_none() && runs.is_none() {
        seconds = Some(60);
    }
    Ok(Options {
        targets,
        seconds,
        runs,
        sanitizer,
    })
}

/// Builds every target, then runs the regressions and the fuzzing `o` asks for of each
/// of its targets. Prints executions and executions per second for each.
pub fn run(sh: &Shell, o: &Options) -> Result<()> {
    let root = project_root();
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join(if o.sanitizer { "fuzz" } else { "fuzz-nosan" });
    let _dir = sh.push_dir(root.join("fuzz"));
    // Release with debug assertions and overflow checks, under AddressSanitizer unless
    // asked not to.
    let mut build: Vec<&str> = vec!["-O", "-a"];
    if !o.sanitizer {
        build.extend(["-s", "none"]);
    }
    build.push("--target-dir");
    let build: &[&str] = &build;
    cmd!(sh, "cargo +nightly fuzz build {build...} {target_dir}").run()?;
    let mut limits: Vec<String> = Vec::new();
    if let Some(s) = o.seconds {
        limits.push(format!("-max_total_time={s}"));
    }
    if let Some(r) = o.runs {
        limits.push(format!("-runs={r}"));
    }
    let limits: &[String] = &limits;
    let mut summary = Vec::new();
    for t in &o.targets {
        let regressions = root.join("fuzz").join("regressions").join(t);
        if regressions.is_dir() {
            cmd!(
                sh,
                "cargo +nightly fuzz run {build...} {target_dir} {t} {regressions} -- -runs=0"
            )
            .run()?;
        }
        let corpus = target_dir.join("corpus").join(t);
        sh.create_dir(&corpus)?;
        let seed: Vec<PathBuf> = seeds(t).map(|s| root.join(s)).into_iter().collect();
        let out = cmd!(
            sh,
            "cargo +nightly fuzz run {build...} {target_dir} {t} {corpus} {seed...} -- {limits...} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1"
        )
        .ignore_status()
        .output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            eprintln!("{stderr}");
            return Err(format!(
                "fuzz target {t} failed: the input is in fuzz/artifacts/{t}/; add it to fuzz/regressions/{t}/ once fixed"
            )
            .into());
        }
        let f = figures(&stderr).ok_or_else(|| format!("fuzz target {t}: no 'Done' line"))?;
        let rate = f.runs / f.seconds.max(1);
        println!(
            "fuzz: {t}: {} executions in {} s ({rate}/s), no crash",
            f.runs, f.seconds
        );
        summary.push(format!("{t} {} runs {rate}/s", f.runs));
    }
    println!("fuzz: {}", summary.join("; "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzers_last_line() {
        let out = "#3\tINITED cov: 2560\nDone 266763 runs in 16 second(s)\nstat::number_of_executed_units: 266763\n";
        assert_eq!(
            figures(out),
            Some(Figures {
                runs: 266_763,
                seconds: 16
            })
        );
        assert_eq!(figures("nothing"), None);
    }

    #[test]
    fn every_target_is_built_and_seeded() {
        let manifest = std::fs::read_to_string(project_root().join("fuzz/Cargo.toml")).unwrap();
        for t in TARGETS {
            assert!(manifest.contains(&format!("name = \"{t}\"")), "{t}");
            if let Some(s) = seeds(t) {
                assert!(project_root().join(s).is_dir(), "{s}");
            }
        }
        let all = args(&[]).unwrap();
        assert_eq!(
            (all.targets.len(), all.seconds, all.runs),
            (TARGETS.len(), Some(60), None)
        );
        assert!(all.sanitizer);
        let one = args(&["run".into(), "--seconds".into(), "5".into()]).unwrap();
        assert_eq!(
            (one.targets, one.seconds),
            (vec!["run".to_string()], Some(5))
        );
        let long = args(&[
            "scenario".into(),
            "--runs".into(),
            "10_000_000".into(),
            "--no-sanitizer".into(),
        ])
        .unwrap();
        assert_eq!(
            (long.seconds, long.runs, long.sanitizer),
            (None, Some(10_000_000), false)
        );
        assert_eq!(
            Options::all_for(30),
            Options {
                seconds: Some(30),
                ..all
            }
        );
        assert!(args(&["nope".into()]).is_err());
        assert!(args(&["--runs".into(), "many".into()]).is_err());
    }
}
