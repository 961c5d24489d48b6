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
  test     setup, then fmt, clippy, rustdoc, cargo test, the wasm builds, the site, the
           gallery exported to C and run under Wine, the browser tests, and 30 s of
           each fuzz target; stops at the first failing stage
  wine     only the Wine stage of `test` (needs `setup` first)
  fuzz     [TARGET…] [--seconds N] [--runs N] [--no-sanitizer]: setup, then the fuzz
           targets of fuzz/ (cargo-fuzz, nightly): each target's regressions, then N
           seconds (default 60) or N executions of fuzzing; --no-sanitizer builds without
           AddressSanitizer for long runs
           of each (default: all of parse, run, scenario, share, lparam, compare,
           export_c)
  size     setup, build the site, then print where the wasm's bytes go (twiggy on
           the module before wasm-opt, summed by crate) and the gzip sizes
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
        "size" => size(),
        "wine" => shell().and_then(|sh| {
            let start = std::time::Instant::now();
            let r = wine::run(&sh);
            println!("wine stage: {:.1}s", start.elapsed().as_secs_f64());
            r
        }),
        "fuzz" => fuzz::args(rest).and_then(|o| {
            let sh = shell()?;
            setup::run(&sh, setup::Needs::All)?;
            fuzz::run(&sh, &o)
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

/// The most bytes the site's `.wasm` and `.js` may weigh together, gzip -9: the figure
/// measured when the budget was last set plus a little room. History: 540,223 bytes once
/// the Files menu, learning mode and the Compare view were merged (547,246 at f62a137);
/// 479,242 at 045a177 after issue 14's cuts (Leptos' `erase_components`, the gallery
/// and the specification fetched at run time, `wasm-opt --low-memory-unused`; README,
/// "Size"); 410,330 after the cuts of 2026-11-29's second stop: no floating-point
/// formatting or parsing (23.5 KB), one keyed list for every list (15.8 KB), no slice
/// sort (9.4 KB), the browser's `CompressionStream` instead of a deflate compressor
/// (7.7 KB), fewer map and set types (5.5 KB), one `Show` body and shared view closures
/// (4.9 KB), a 50-line base64url (2.7 KB). The issue's
/// target is 250 KB; lower this constant whenever a cut lands, so the bundle cannot grow
/// back (a single `{}` of an `f64` anywhere in `web` or the core would bring kilobytes
/// back, and fail here; tidy refuses a `<For>`, a `<Show>` or a slice sort).
pub const SIZE_BUDGET_GZIP: u64 = 411_500;

/// The gzip -9 size of the site's `.wasm` and `.js` files together.
fn bundle_gzip(sh: &Shell, dir: &Path) -> Result<u64> {
    let mut total = 0;
    for e in std::fs::read_dir(dir)? {
        let file = e?.path();
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "wasm" | "js") {
            total += cmd!(sh, "gzip -9 -c {file}").quiet().output()?.stdout.len() as u64;
        }
    }
    Ok(total)
}

/// Fails when the bundle outgrows [`SIZE_BUDGET_GZIP`].
fn check_size_budget(sh: &Shell, dir: &Path) -> Result<()> {
    let total = bundle_gzip(sh, dir)?;
    println!(
        "site size: wasm + JS {total} bytes gzip -9 (budget {SIZE_BUDGET_GZIP}, target 250000)"
    );
    if total > SIZE_BUDGET_GZIP {
        return Err(format!(
            "the site's wasm + JS weigh {total} bytes gzip -9, over the budget of \
             {SIZE_BUDGET_GZIP}: run `cargo xtask size` to see where the bytes go"
        )
        .into());
    }
    Ok(())
}

/// `cargo xtask size`: builds the site and prints where the wasm's bytes go, by crate,
/// from twiggy's view of the module before wasm-opt (which keeps the names).
fn size() -> Result<()> {
    let sh = shell()?;
    setup::run(&sh, setup::Needs::All)?;
    let dir = project_root().join("target").join("size-site");
    build_site(&sh, &dir)?;
    let target = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"));
    // Trunk's wasm-bindgen output, the module wasm-opt is given: it keeps the function
    // names, and wasm-bindgen has already dropped its describe functions.
    let module = target
        .join("wasm-bindgen")
        .join("release")
        .join("wsasim-web_bg.wasm");
    let csv = cmd!(sh, "twiggy top -n 1000000 --format csv {module}")
        .quiet()
        .read()?;
    let mut by_crate: Vec<(String, u64)> = Vec::new();
    let mut total = 0u64;
    for line in csv.lines().skip(1) {
        let Some((name, _retained)) = line.rsplit_once(",,") else {
            continue;
        };
        let mut fields: Vec<&str> = name.rsplitn(3, ',').collect();
        fields.reverse();
        let (name, bytes) = match fields.as_slice() {
            [name, bytes, _pct] => (name.trim_matches('"'), bytes.parse::<u64>().unwrap_or(0)),
            _ => continue,
        };
        let group = crate_of(name);
        if group.is_empty() {
            continue;
        }
        total += bytes;
        match by_crate.iter_mut().find(|(g, _)| *g == group) {
            Some((_, b)) => *b += bytes,
            None => by_crate.push((group, bytes)),
        }
    }
    by_crate.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("\nCode and data of the module before wasm-opt, by crate (twiggy top):");
    for (group, bytes) in by_crate.iter().take(20) {
        println!(
            "  {group:<28} {bytes:>9} bytes {:>5.1}%",
            100.0 * *bytes as f64 / total.max(1) as f64
        );
    }
    println!("  {:<28} {total:>9} bytes", "total");
    println!("\nThe site:");
    for line in site_sizes(&sh, &dir)? {
        println!("  {line}");
    }
    check_size_budget(&sh, &dir)
}

/// The crate a twiggy item belongs to (`data` for data segments), or "" for what the
/// shipped module does not keep (the names section, wasm-bindgen's describe functions).
fn crate_of(name: &str) -> String {
    if name.contains("function names")
        || name.starts_with("custom section")
        || name.contains("__wbindgen_describe")
    {
        return String::new();
    }
    if name.starts_with("data[") {
        return "data".to_string();
    }
    let n = name.trim_start_matches('<');
    let end = n
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(n.len());
    match &n[..end] {
        "" => "other".to_string(),
        c => c.to_string(),
    }
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
        stages.run("rustdoc (no broken links)", || {
            let _flags = sh.push_env("RUSTDOCFLAGS", "-D warnings");
            Ok(cmd!(sh, "cargo doc -p wsasim -p wsasim-web --no-deps").run()?)
        })?;
        stages.run("cargo test", || {
            Ok(cmd!(sh, "cargo test --workspace").run()?)
        })?;
        stages.run("core on wasm32", || {
            Ok(cmd!(sh, "cargo build -p wsasim --target wasm32-unknown-unknown").run()?)
        })?;
        stages.run("site (trunk build --release)", || build_site(&sh, &site))?;
        stages.run("size budget", || check_size_budget(&sh, &site))?;
        stages.run("wine (gallery under Wine 8.0)", || wine::run(&sh))?;
        stages.run("browser tests", || {
            Ok(cmd!(sh, "node --test tests/e2e/")
                .env("WSASIM_SITE_DIR", &site)
                .run()?)
        })?;
        stages.run("fuzz (30 s per target)", || {
            fuzz::run(&sh, &fuzz::Options::all_for(fuzz::TEST_SECONDS))
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
