//! `cargo xtask`: wsasim's task runner (set-up, serve, dist, test), in Rust so it runs
//! wherever cargo does.
//!
//! Every command first runs [`setup`], which installs what is missing and skips what is
//! present at the right version, so a newcomer needs nothing but rustup and Node.js.

mod csp;
mod fuzz;
mod setup;
mod stages;
#[cfg(test)]
mod tidy;
mod wine;

use std::env;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xshell::{cmd, Shell};

use crate::stages::Stages;

/// Errors of the task runner: a message for a person.
pub type Error = Box<dyn std::error::Error>;
/// The task runner's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

const USAGE: &str = "\
cargo xtask <command> [args]

Commands:
  setup    install what is missing: the wasm32 target, Trunk, wasm-bindgen-cli,
           Chromium (for the browser tests), Wine and MinGW (for the Wine stage), the
           npm tools; then fetch crates
  serve    setup, then `trunk serve` the playground on http://127.0.0.1:8080
           (extra args go to trunk, e.g. `cargo xtask serve --port 9000`)
  dist     setup, then build the static site into dist/ (release, relative URLs)
  test     setup, then fmt, clippy, cargo test, the wasm builds, the site, the
           gallery exported to C and run under Wine, the browser tests, and 30 s of
           each fuzz target; stops at the first failing stage
  wine     only the Wine stage of `test` (needs `setup` first)
  fuzz     [TARGET…] [--seconds N]: setup, then the fuzz targets of fuzz/ (cargo-fuzz,
           nightly): each target's regressions, then N seconds of fuzzing (default 60)
           of each (default: all of parse, run, scenario, share, lparam, compare,
           export_c)
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "setup" => shell().and_then(|sh| setup::run(&sh, setup::Needs::All)),
        "serve" => serve(rest),
        "dist" => dist(),
        "test" => return test(),
        "wine" => shell().and_then(|sh| {
            let start = std::time::Instant::now();
            let r = wine::run(&sh);
            println!("wine stage: {:.1}s", start.elapsed().as_secs_f64());
            r
        }),
        "fuzz" => fuzz::args(rest).and_then(|(targets, seconds)| {
            let sh = shell()?;
            setup::run(&sh, setup::Needs::All)?;
            fuzz::run(&sh, &targets, seconds)
        }),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => {
            eprint!("xtask: unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask {command}: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the folder above `xtask/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("invariant: xtask/ sits inside the workspace root")
        .to_path_buf()
}

/// A shell at the workspace root whose `PATH` also holds cargo's bin folder and
/// `node_modules/.bin` (where npm puts `wasm-opt`), so Trunk finds every tool it needs
/// and never tries to download one.
pub fn shell() -> Result<Shell> {
    let sh = Shell::new()?;
    let root = project_root();
    sh.change_dir(&root);
    let mut path = vec![root.join("node_modules").join(".bin"), setup::cargo_bin()];
    if let Some(old) = env::var_os("PATH") {
        path.extend(env::split_paths(&old));
    }
    sh.set_var("PATH", env::join_paths(path)?);
    // Trunk's update check is a network request; builds here never touch the network.
    sh.set_var("TRUNK_SKIP_VERSION_CHECK", "true");
    Ok(sh)
}

/// `cargo xtask serve`: set up the build tools, then serve the playground with live reload.
fn serve(args: &[String]) -> Result<()> {
    let sh = shell()?;
    setup::run(&sh, setup::Needs::Build)?;
    // Trunk.toml's public_url is "./" so the built site works under any sub-path;
    // the dev server itself lives at the root. Its debug build goes to target/, so
    // dist/ keeps the release site of `cargo xtask dist`.
    let dir = project_root().join("target").join("trunk-serve");
    cmd!(sh, "trunk serve --public-url / --dist {dir} {args...}").run()?;
    Ok(())
}

/// `cargo xtask dist`: set up the build tools, then build the release site into `dist/`.
fn dist() -> Result<()> {
    let sh = shell()?;
    setup::run(&sh, setup::Needs::Build)?;
    let dir = project_root().join("dist");
    build_site(&sh, &dir)?;
    println!("\nThe static site is in {}:", dir.display());
    for line in site_sizes(&sh, &dir)? {
        println!("  {line}");
    }
    Ok(())
}

/// Builds the release site into `dir` and checks it uses only relative URLs.
fn build_site(sh: &Shell, dir: &Path) -> Result<()> {
    cmd!(sh, "trunk build --release --dist {dir}").run()?;
    let index = csp::lock_down(&sh.read_file(dir.join("index.html"))?)?;
    sh.write_file(dir.join("index.html"), &index)?;
    for absolute in [
        "href=\"/",
        "src=\"/",
        "from '/",
        "from \"/",
        "'/wsasim",
        "\"/wsasim",
    ] {
        if index.contains(absolute) {
            return Err(format!(
                "{}/index.html has an absolute URL ({absolute}…): the site would break under a \
                 sub-path; keep `public_url = \"./\"` in Trunk.toml",
                dir.display()
            )
            .into());
        }
    }
    Ok(())
}

/// The sizes of the site's `.wasm` and `.js` files, raw and gzip -9.
fn site_sizes(sh: &Shell, dir: &Path) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.sort();
    for file in files {
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "wasm" | "js" | "css" | "html") {
            continue;
        }
        let raw = std::fs::metadata(&file)?.len();
        let gz = cmd!(sh, "gzip -9 -c {file}").quiet().output()?.stdout.len();
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        lines.push(format!(
            "{name:<40} {raw:>9} bytes raw {gz:>9} bytes gzip -9"
        ));
    }
    Ok(lines)
}

/// `cargo xtask test`: every check the project has, in order, failing fast.
fn test() -> ExitCode {
    let mut stages = Stages::new();
    let sh = match shell() {
        Ok(sh) => sh,
        Err(e) => {
            eprintln!("xtask test: cannot start a shell: {e}");
            return ExitCode::FAILURE;
        }
    };
    let site = project_root().join("target").join("e2e-site");
    let outcome = (|| -> Result<(), String> {
        stages.run("setup", || setup::run(&sh, setup::Needs::All))?;
        stages.run("fmt", || Ok(cmd!(sh, "cargo fmt --all --check").run()?))?;
        stages.run("clippy", || {
            Ok(cmd!(sh, "cargo clippy --workspace --all-targets -- -D warnings").run()?)
        })?;
        stages.run("clippy (web, wasm32)", || {
            Ok(cmd!(
                sh,
                "cargo clippy -p wsasim-web --target wasm32-unknown-unknown -- -D warnings"
            )
            .run()?)
        })?;
        stages.run("cargo test", || {
            Ok(cmd!(sh, "cargo test --workspace").run()?)
        })?;
        stages.run("core on wasm32", || {
            Ok(cmd!(sh, "cargo build -p wsasim --target wasm32-unknown-unknown").run()?)
        })?;
        stages.run("site (trunk build --release)", || build_site(&sh, &site))?;
        stages.run("wine (gallery under Wine 8.0)", || wine::run(&sh))?;
        stages.run("browser tests", || {
            Ok(cmd!(sh, "node --test tests/e2e/")
                .env("WSASIM_SITE_DIR", &site)
                .run()?)
        })?;
        stages.run("fuzz (30 s per target)", || {
            let all: Vec<String> = fuzz::TARGETS.iter().map(|t| t.to_string()).collect();
            fuzz::run(&sh, &all, fuzz::TEST_SECONDS)
        })?;
        Ok(())
    })();
    stages.print_summary();
    match outcome {
        Ok(()) => {
            println!("xtask test: all stages passed");
            ExitCode::SUCCESS
        }
        Err(stage) => {
            eprintln!("xtask test: FAILED at stage `{stage}` (see its output above)");
            ExitCode::FAILURE
        }
    }
}
