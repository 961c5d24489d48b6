//! `cargo xtask setup`: install every tool the project needs, idempotently.
//!
//! Each step checks first and is skipped when its tool is present at the right version,
//! so a second run takes seconds. Versions are pinned here and in the repository:
//! Trunk by [`TRUNK_VERSION`], wasm-bindgen-cli by `Cargo.lock` (which `web/Cargo.toml`
//! pins with `=`), `wasm-opt` and Playwright by `package-lock.json`.

use std::env;
use std::path::{Path, PathBuf};

use xshell::{cmd, Shell};

use crate::{project_root, Result};

/// The Trunk release that builds on this project's toolchain (0.22 needs a newer rustc).
pub const TRUNK_VERSION: &str = "0.21.14";
/// The twiggy release `cargo xtask size` runs (a code-size profiler for wasm).
pub const TWIGGY_VERSION: &str = "0.7.0";
/// The Rust target of the browser build.
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Where Debian puts Chromium, which the browser tests drive.
const CHROMIUM: &str = "/usr/bin/chromium";

/// Debian's Wine command (there is no `wine64` on its PATH).
pub const WINE: &str = "wine";
/// MinGW-w64's C compiler for 64-bit Windows.
pub const MINGW_GCC: &str = "x86_64-w64-mingw32-gcc";

/// What a command needs set up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// The site's build tools (serve, dist).
    Build,
    /// The build tools and the browser for the end-to-end tests (setup, test).
    All,
}

/// Cargo's bin folder, where `cargo install` puts Trunk and wasm-bindgen.
pub fn cargo_bin() -> PathBuf {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// Runs every set-up step `needs` asks for.
pub fn run(sh: &Shell, needs: Needs) -> Result<()> {
    wasm_target(sh)?;
    trunk(sh)?;
    wasm_bindgen(sh)?;
    if needs == Needs::All {
        twiggy(sh)?;
        chromium(sh)?;
        wine(sh)?;
        nightly(sh)?;
        cargo_fuzz(sh)?;
    }
    npm(sh)?;
    step("crates", "cargo fetch --locked");
    cmd!(sh, "cargo fetch --locked").run()?;
    Ok(())
}

/// The nightly toolchain cargo-fuzz builds with (`-Zsanitizer`).
fn nightly(sh: &Shell) -> Result<()> {
    let installed = cmd!(sh, "rustup toolchain list").quiet().read()?;
    if installed.lines().any(|l| l.starts_with("nightly")) {
        step("nightly", "present");
    } else {
        step("nightly", "installing (rustup, minimal profile)");
        cmd!(sh, "rustup toolchain install nightly --profile minimal").run()?;
    }
    Ok(())
}

/// The cargo-fuzz version the fuzz stage is run with.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

fn cargo_fuzz(sh: &Shell) -> Result<()> {
    let want = format!("cargo-fuzz {CARGO_FUZZ_VERSION}");
    let found = cmd!(sh, "cargo fuzz --version")
        .quiet()
        .ignore_stderr()
        .read()
        .ok();
    if found.as_deref().map(str::trim) == Some(want.as_str()) {
        step("cargo-fuzz", &format!("{CARGO_FUZZ_VERSION} present"));
    } else {
        step(
            "cargo-fuzz",
            &format!("installing {CARGO_FUZZ_VERSION} from crates.io"),
        );
        cmd!(
            sh,
            "cargo install cargo-fuzz --version {CARGO_FUZZ_VERSION} --locked"
        )
        .run()?;
    }
    Ok(())
}

fn step(what: &str, status: &str) {
    println!("setup: {what:<14} {status}");
}

/// The first line a tool prints for `--version`, or `None` if it does not run.
fn version_of(sh: &Shell, tool: &str) -> Option<String> {
    let out = cmd!(sh, "{tool} --version")
        .quiet()
        .ignore_stderr()
        .read()
        .ok()?;
    Some(out.lines().next().unwrap_or("").trim().to_string())
}

fn wasm_target(sh: &Shell) -> Result<()> {
    let installed = cmd!(sh, "rustup target list --installed").quiet().read()?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        step("wasm target", &format!("{WASM_TARGET} present"));
    } else {
        step("wasm target", &format!("adding {WASM_TARGET}"));
        cmd!(sh, "rustup target add {WASM_TARGET}").run()?;
    }
    Ok(())
}

fn trunk(sh: &Shell) -> Result<()> {
    let want = format!("trunk {TRUNK_VERSION}");
    match version_of(sh, "trunk") {
        Some(v) if v == want => step("trunk", &format!("{TRUNK_VERSION} present")),
        found => {
            step(
                "trunk",
                &format!("installing {TRUNK_VERSION} (found {found:?}; takes minutes)"),
            );
            cmd!(sh, "cargo install trunk --version {TRUNK_VERSION} --locked").run()?;
        }
    }
    Ok(())
}

/// The version of the `wasm-bindgen` package in `Cargo.lock`.
pub fn locked_wasm_bindgen(lock: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            let version = lines.next()?.trim();
            let version = version.strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}

fn wasm_bindgen(sh: &Shell) -> Result<()> {
    let lock = sh.read_file(project_root().join("Cargo.lock"))?;
    let want = locked_wasm_bindgen(&lock)
        .ok_or("Cargo.lock has no `wasm-bindgen` package; is web/ in the workspace?")?;
    match version_of(sh, "wasm-bindgen") {
        Some(v) if v == format!("wasm-bindgen {want}") => step(
            "wasm-bindgen",
            &format!("{want} present (as in Cargo.lock)"),
        ),
        found => {
            step(
                "wasm-bindgen",
                &format!("installing {want} (found {found:?})"),
            );
            // Not --locked: the CLI's own lock file asks for a crate version this
            // machine's registry lacks; the version itself is pinned exactly.
            cmd!(sh, "cargo install wasm-bindgen-cli --version {want}").run()?;
        }
    }
    Ok(())
}

fn twiggy(sh: &Shell) -> Result<()> {
    let want = format!("twiggy {TWIGGY_VERSION}");
    match version_of(sh, "twiggy") {
        Some(v) if v == want => step("twiggy", &format!("{TWIGGY_VERSION} present")),
        found => {
            step(
                "twiggy",
                &format!("installing {TWIGGY_VERSION} (found {found:?}; takes a minute)"),
            );
            cmd!(
                sh,
                "cargo install twiggy --version {TWIGGY_VERSION} --locked"
            )
            .run()?;
        }
    }
    Ok(())
}

fn chromium(sh: &Shell) -> Result<()> {
    if Path::new(CHROMIUM).exists() {
        step("chromium", &format!("{CHROMIUM} present"));
        return Ok(());
    }
    step(
        "chromium",
        "installing Debian's chromium and chromium-driver",
    );
    apt_install(sh, &["chromium", "chromium-driver"])?;
    if !Path::new(CHROMIUM).exists() {
        return Err(format!("apt-get installed chromium, but {CHROMIUM} is missing").into());
    }
    Ok(())
}

/// Installs Debian packages: apt-get as root directly (as in CI), through sudo otherwise.
fn apt_install(sh: &Shell, packages: &[&str]) -> Result<()> {
    let root = cmd!(sh, "id -u").quiet().read()?.trim() == "0";
    let (program, pre): (&str, &[&str]) = if root {
        ("apt-get", &[])
    } else {
        ("sudo", &["apt-get"])
    };
    let _env = sh.push_env("DEBIAN_FRONTEND", "noninteractive");
    cmd!(sh, "{program} {pre...} update").run()?;
    cmd!(sh, "{program} {pre...} install -y {packages...}").run()?;
    Ok(())
}

/// Wine and MinGW, for the stage that builds the exported scenarios and runs them under
/// Wine (`wine.rs`).
fn wine(sh: &Shell) -> Result<()> {
    let have = |tool: &str| {
        cmd!(sh, "sh -c {tool}")
            .quiet()
            .ignore_stdout()
            .ignore_stderr()
            .run()
            .is_ok()
    };
    let wine = have(&format!("command -v {WINE}"));
    let gcc = have(&format!("command -v {MINGW_GCC}"));
    if wine && gcc {
        step("wine, mingw", &format!("{WINE} and {MINGW_GCC} present"));
        return Ok(());
    }
    step(
        "wine, mingw",
        "installing Debian's wine and gcc-mingw-w64-x86-64",
    );
    apt_install(sh, &["wine", "gcc-mingw-w64-x86-64"])?;
    if !have(&format!("command -v {WINE}")) || !have(&format!("command -v {MINGW_GCC}")) {
        return Err(
            "apt-get installed wine and gcc-mingw-w64-x86-64, but a command is missing".into(),
        );
    }
    Ok(())
}

/// `npm ci`, skipped when `node_modules` was installed from the current lock file.
fn npm(sh: &Shell) -> Result<()> {
    let root = project_root();
    let lock = sh.read_file(root.join("package-lock.json"))?;
    let stamp = root.join("node_modules").join(".xtask-package-lock.json");
    if sh.read_file(&stamp).ok().as_deref() == Some(lock.as_str())
        && root
            .join("node_modules")
            .join(".bin")
            .join("wasm-opt")
            .exists()
    {
        step("npm", "node_modules up to date (binaryen, playwright-core)");
        return Ok(());
    }
    if version_of(sh, "node").is_none() || version_of(sh, "npm").is_none() {
        return Err(
            "Node.js and npm are needed (for wasm-opt and the browser tests); \
                    install Node.js 20 or later"
                .into(),
        );
    }
    step("npm", "npm ci");
    cmd!(sh, "npm ci --no-audit --no-fund").run()?;
    sh.write_file(&stamp, lock)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wasm_bindgen_from_the_lock_file() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9.9.9\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(locked_wasm_bindgen(lock).as_deref(), Some("0.2.130"));
        assert_eq!(locked_wasm_bindgen("[[package]]\nname = \"serde\"\n"), None);
    }

    #[test]
    fn the_committed_lock_pins_the_version_web_asks_for() {
        let root = project_root();
        let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
        let manifest = std::fs::read_to_string(root.join("web").join("Cargo.toml")).unwrap();
        let locked = locked_wasm_bindgen(&lock).expect("Cargo.lock names wasm-bindgen");
        assert!(
            manifest.contains(&format!("wasm-bindgen = \"={locked}\"")),
            "web/Cargo.toml must pin wasm-bindgen = \"={locked}\" exactly"
        );
        let trunk_toml = std::fs::read_to_string(root.join("Trunk.toml")).unwrap();
        assert!(
            trunk_toml.contains(&format!("wasm_bindgen = \"{locked}\"")),
            "Trunk.toml"
        );
    }
}
