//! The Wine stage of `cargo xtask test`: every gallery scenario that can be exported is
//! written as C (`wsasim export-c --profile windows`), built with MinGW, run under Wine
//! and compared with the model's Windows profile (`wsasim compare`). A difference is
//! allowed only where `tests/wine/known-differences.toml` lists it, with the evidence for
//! the model's side; a listed difference that no longer occurs fails the stage too.

use std::path::{Path, PathBuf};

use xshell::{cmd, Shell};

use crate::setup::{MINGW_GCC, WINE};
use crate::{project_root, Result};

/// The file of allowed differences, from the workspace root.
pub const KNOWN: &str = "tests/wine/known-differences.toml";

/// One difference, as `wsasim compare` prints it and the known-differences file lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Difference {
    /// The gallery scenario's id.
    pub scenario: String,
    /// The scenario line.
    pub line: u32,
    /// `result`, `error`, `order`, `missing message`, `extra message` or `watchdog`.
    pub kind: String,
    /// What Wine does.
    pub wine: String,
    /// What the model's Windows profile says.
    pub model: String,
}

/// What a listed difference says beyond the difference itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// `wine`, `model`, `environment` or `unverified` (see the file's header).
    pub verdict: String,
    /// The evidence for (or, with verdict `model`, against) the model's side.
    pub evidence: String,
}

/// The verdicts an entry may give.
const VERDICTS: [&str; 4] = ["wine", "model", "environment", "unverified"];

/// What the stage saw, for its summary.
#[derive(Debug, Default)]
struct Tally {
    refused: Vec<String>,
    ran: usize,
    agreed: usize,
}

/// Runs the stage.
pub fn run(sh: &Shell) -> Result<()> {
    let root = project_root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    cmd!(sh, "cargo build -q -p wsasim-cli").run()?;
    let wsasim = target.join("debug").join("wsasim");
    let dir = target.join("wine");
    sh.create_dir(&dir)?;
    let prefix = dir.join("prefix");
    let known = parse_known(&sh.read_file(root.join(KNOWN))?)?;
    let mut seen = vec![false; known.len()];
    let mut unlisted = Vec::new();
    let mut tally = Tally::default();
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(root.join("core").join("scenarios"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wsa"))
        .collect();
    scenarios.sort();
    for wsa in &scenarios {
        let id = wsa
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let Some(diffs) = one(sh, &wsasim, &dir, &prefix, wsa, &id, &mut tally)? else {
            continue;
        };
        for d in diffs {
            let listed = known.iter().position(|(k, _)| *k == d);
            match listed {
                Some(i) => seen[i] = true,
                None => unlisted.push(d),
            }
        }
    }
    let stale: Vec<&Difference> = known
        .iter()
        .zip(&seen)
        .filter(|(_, s)| !**s)
        .map(|((k, _), _)| k)
        .collect();
    let count = |v: &str| known.iter().filter(|(_, e)| e.verdict == v).count();
    println!(
        "wine: {} scenarios, {} refused by export-c, {} built and run under Wine, {} agree with the Windows profile; {} listed differences: {} Wine's (with evidence), {} the model's, {} the environment's, {} unverified",
        scenarios.len(),
        tally.refused.len(),
        tally.ran,
        tally.agreed,
        known.len(),
        count("wine"),
        count("model"),
        count("environment"),
        count("unverified"),
    );
    let mut problems = String::new();
    for d in &unlisted {
        problems += &format!(
            "\n  unlisted: {} line {} {}: Wine {} / model {}",
            d.scenario, d.line, d.kind, d.wine, d.model
        );
    }
    for d in &stale {
        problems += &format!(
            "\n  listed but no longer seen: {} line {} {}: Wine {} / model {}",
            d.scenario, d.line, d.kind, d.wine, d.model
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(
            format!("Wine and the Windows profile differ where {KNOWN} does not say so:{problems}")
                .into(),
        )
    }
}

/// Exports, builds, runs and compares one scenario: its differences, or `None` if
/// export-c refuses it.
fn one(
    sh: &Shell,
    wsasim: &Path,
    dir: &Path,
    prefix: &Path,
    wsa: &Path,
    id: &str,
    tally: &mut Tally,
) -> Result<Option<Vec<Difference>>> {
    let c = dir.join(format!("{id}.c"));
    let out = cmd!(sh, "{wsasim} export-c --profile windows -o {c} {wsa}")
        .quiet()
        .ignore_status()
        .output()?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        if out.status.code() == Some(2) && err.contains("cannot export") {
            let first = err.lines().next().unwrap_or("");
            println!(
                "wine: {id}: not exported ({})",
                first.split(": ").skip(1).collect::<Vec<_>>().join(": ")
            );
            tally.refused.push(id.to_string());
            return Ok(None);
        }
        return Err(format!("{id}: export-c failed: {err}").into());
    }
    let exe = dir.join(format!("{id}.exe"));
    cmd!(sh, "{MINGW_GCC} -std=c99 -O1 {c} -o {exe} -lws2_32")
        .quiet()
        .run()?;
    let out = cmd!(sh, "timeout 120 {WINE} {exe}")
        .env("WINEDEBUG", "-all")
        .env("WINEPREFIX", prefix)
        .quiet()
        .ignore_status()
        .ignore_stderr()
        .output()?;
    if !matches!(out.status.code(), Some(0 | 1 | 3)) {
        return Err(format!("{id}: under Wine the program ended with {:?}", out.status).into());
    }
    tally.ran += 1;
    let jsonl = dir.join(format!("{id}.jsonl"));
    sh.write_file(&jsonl, &out.stdout)?;
    let cmp = cmd!(sh, "{wsasim} compare --profile windows {jsonl} {wsa}")
        .quiet()
        .ignore_status()
        .output()?;
    let text = String::from_utf8_lossy(&cmp.stdout).to_string();
    match cmp.status.code() {
        Some(0) => {
            tally.agreed += 1;
            println!("wine: {id}: agrees");
            Ok(Some(Vec::new()))
        }
        Some(1) => {
            let diffs: Vec<Difference> = text.lines().filter_map(|l| parse_diff(id, l)).collect();
            println!("wine: {id}: {} difference(s)", diffs.len());
            Ok(Some(diffs))
        }
        _ => Err(format!(
            "{id}: compare failed: {}",
            String::from_utf8_lossy(&cmp.stderr)
        )
        .into()),
    }
}

/// One line of `wsasim compare`'s output: `[first difference: ]LINE: KIND: real R, model M [RULE]`.
fn parse_diff(scenario: &str, line: &str) -> Option<Difference> {
    let line = line.strip_prefix("first difference: ").unwrap_or(line);
    let (n, rest) = line.split_once(": ")?;
    let n: u32 = n.parse().ok()?;
    let (kind, rest) = rest.split_once(": ")?;
    let (wine, model) = rest.strip_prefix("real ")?.split_once(", model ")?;
    let model = match model.rfind(" [") {
        Some(i) if model.ends_with(']') => &model[..i],
        _ => model,
    };
    Some(Difference {
        scenario: scenario.into(),
        line: n,
        kind: kind.into(),
        wine: wine.into(),
        model: model.into(),
    })
}

/// The known-differences file: `[[difference]]` tables of `key = "string"` or
/// `key = number` (the TOML subset it uses). Each entry must say what Wine does, what the
/// model says and the evidence for the model's side.
pub fn parse_known(text: &str) -> Result<Vec<(Difference, Entry)>> {
    let mut out: Vec<(Difference, Entry)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if l == "[[difference]]" {
            out.push(Default::default());
            continue;
        }
        let (k, v) = l
            .split_once('=')
            .ok_or_else(|| format!("{KNOWN}:{n}: expected key = value"))?;
        let (k, v) = (k.trim(), v.trim());
        let Some((d, entry)) = out.last_mut() else {
            return Err(format!("{KNOWN}:{n}: a key before the first [[difference]]").into());
        };
        let s = || -> Result<String> {
            let inner = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .ok_or_else(|| format!("{KNOWN}:{n}: {k} needs a \"string\""))?;
            Ok(inner.replace("\\\"", "\"").replace("\\\\", "\\"))
        };
        match k {
            "scenario" => d.scenario = s()?,
            "line" => {
                d.line = v
                    .parse()
                    .map_err(|_| format!("{KNOWN}:{n}: line needs a number"))?
            }
            "kind" => d.kind = s()?,
            "wine" => d.wine = s()?,
            "model" => d.model = s()?,
            "evidence" => entry.evidence = s()?,
            "verdict" => entry.verdict = s()?,
            _ => return Err(format!("{KNOWN}:{n}: unknown key {k}").into()),
        }
    }
    for (d, e) in &out {
        if d.scenario.is_empty()
            || d.line == 0
            || d.kind.is_empty()
            || d.wine.is_empty()
            || d.model.is_empty()
            || e.evidence.is_empty()
        {
            return Err(format!(
                "{KNOWN}: the entry for {} line {} needs scenario, line, kind, wine, model, verdict and evidence",
                d.scenario, d.line
            )
            .into());
        }
        if !VERDICTS.contains(&e.verdict.as_str()) {
            return Err(format!(
                "{KNOWN}: the entry for {} line {} has verdict {:?}, not one of {VERDICTS:?}",
                d.scenario, d.line, e.verdict
            )
            .into());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_compare_lines() {
        let d = parse_diff("x", "first difference: 23: order: real main WM_USER+1(A, FD_CLOSE, 0) at line 31, model main WM_USER+1(A, FD_CLOSE, 0) at line 21 [FD_CLOSE.2]").unwrap();
        assert_eq!((d.line, d.kind.as_str()), (23, "order"));
        assert_eq!(d.wine, "main WM_USER+1(A, FD_CLOSE, 0) at line 31");
        assert_eq!(d.model, "main WM_USER+1(A, FD_CLOSE, 0) at line 21");
        assert_eq!(parse_diff("x", "  rule FD_CLOSE.2: After …"), None);
        assert_eq!(
            parse_diff(
                "x",
                "2 difference(s); 14 call(s) and 2 message(s) compared (windows profile)"
            ),
            None
        );
    }

    #[test]
    fn the_checked_in_list_is_complete() {
        let text = std::fs::read_to_string(project_root().join(KNOWN)).unwrap();
        let known = parse_known(&text).unwrap();
        assert!(!known.is_empty());
        for (d, _) in &known {
            assert!(
                project_root()
                    .join("core/scenarios")
                    .join(format!("{}.wsa", d.scenario))
                    .exists(),
                "{}",
                d.scenario
            );
        }
        assert!(parse_known("[[difference]]\nscenario = \"a\"\n").is_err());
        let one = "[[difference]]\nscenario = \"a\"\nline = 3\nkind = \"order\"\nwine = \"x\"\nmodel = \"y\"\nevidence = \"z\"\n";
        assert!(parse_known(&format!("{one}verdict = \"wine\"\n")).is_ok());
        assert!(parse_known(&format!("{one}verdict = \"maybe\"\n")).is_err());
        assert!(parse_known("line = 3\n").is_err());
    }
}
