//! The Wine stage of `cargo xtask test`: every gallery scenario that can be exported is
//! written as C (the core's `export_c`, as `wsasim export-c --profile windows` does), built with MinGW, run under Wine
//! and compared with the model's Windows profile (the core's `compare`). A difference is
//! allowed only where `tests/wine/known-differences.toml` lists it, with the evidence for
//! the model's side; a listed difference that no longer occurs fails the stage too.

use std::path::{Path, PathBuf};

use wsasim::script::compare::compare;
use wsasim::script::export_c::{export_c, ExportError, ExportOptions};
use wsasim::Profile;
use xshell::{cmd, Shell};

use crate::setup::{MINGW_GCC, WINE};
use crate::{project_root, Result};

/// The file of allowed differences, from the workspace root.
pub const KNOWN: &str = "tests/wine/known-differences.toml";

/// One difference, as the core's `compare` finds it and the known-differences file lists it.
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
        let Some(diffs) = one(sh, &dir, &prefix, wsa, &id, &mut tally)? else {
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

/// Exports, builds, runs and compares one scenario: its differences, or `None` if the
/// exporter refuses it. The exporter and the comparison are the core's own functions
/// (`wsasim::script::export_c`, `wsasim::script::compare`), so nothing here reads their
/// text back.
fn one(
    sh: &Shell,
    dir: &Path,
    prefix: &Path,
    wsa: &Path,
    id: &str,
    tally: &mut Tally,
) -> Result<Option<Vec<Difference>>> {
    let src = sh.read_file(wsa)?;
    let options = ExportOptions {
        profile: Some(Profile::Windows),
        ..ExportOptions::default()
    };
    let program = match export_c(&src, options) {
        Ok(program) => program,
        Err(errors) => {
            let refused = errors.iter().find_map(|e| match e {
                ExportError::Refused { what, why, .. } => Some(format!("{what}: {why}")),
                ExportError::Script(_) => None,
            });
            let Some(why) = refused else {
                let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
                return Err(format!("{id}: not a valid scenario: {}", all.join("; ")).into());
            };
            println!("wine: {id}: not exported (cannot export {why})");
            tally.refused.push(id.to_string());
            return Ok(None);
        }
    };
    let c = dir.join(format!("{id}.c"));
    sh.write_file(&c, program)?;
    let exe = dir.join(format!("{id}.exe"));
    cmd!(
        sh,
        "{MINGW_GCC} -std=c99 -pedantic -Wall -Wextra -Wvla -Wno-unused-function -Werror -O1 {c} -o {exe} -lws2_32"
    )
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
    let jsonl = String::from_utf8_lossy(&out.stdout).to_string();
    sh.write_file(dir.join(format!("{id}.jsonl")), &jsonl)?;
    let comparison = compare(&jsonl, &src, Profile::Windows)
        .map_err(|e| format!("{id}: compare failed: {e}"))?;
    let diffs: Vec<Difference> = comparison
        .differences
        .iter()
        .map(|d| Difference::seen(id, d))
        .collect();
    if diffs.is_empty() {
        tally.agreed += 1;
        println!("wine: {id}: agrees");
    } else {
        println!("wine: {id}: {} difference(s)", diffs.len());
    }
    Ok(Some(diffs))
}

impl Difference {
    /// A difference `compare` found in `scenario`, in the words the known-differences
    /// file uses.
    fn seen(scenario: &str, d: &wsasim::script::compare::Difference) -> Difference {
        Difference {
            scenario: scenario.into(),
            line: d.line,
            kind: d.kind.name().into(),
            wine: d.real.clone(),
            model: d.model.clone(),
        }
    }
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

    /// README's gallery table says, per scenario, what the list holds for it: the
    /// Wine column is checked against the list, so the two cannot drift apart.
    #[test]
    fn the_readme_table_matches_the_list() {
        let known =
            parse_known(&std::fs::read_to_string(project_root().join(KNOWN)).unwrap()).unwrap();
        let readme = std::fs::read_to_string(project_root().join("README.md")).unwrap();
        let mut rows = 0;
        for line in readme.lines() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let [_, scenario, _, _, wine, _] = cells[..] else {
                continue;
            };
            let Some(scenario) = scenario.strip_prefix('`').and_then(|s| s.strip_suffix('`'))
            else {
                continue;
            };
            rows += 1;
            let listed: Vec<&Entry> = known
                .iter()
                .filter(|(d, _)| d.scenario == scenario)
                .map(|(_, e)| e)
                .collect();
            let expected = if listed.is_empty() {
                None
            } else {
                let parts: Vec<String> = VERDICTS
                    .iter()
                    .filter_map(|v| {
                        let n = listed.iter().filter(|e| e.verdict == *v).count();
                        (n > 0).then(|| format!("{n} {v}"))
                    })
                    .collect();
                Some(format!("{} listed: {}", listed.len(), parts.join(", ")))
            };
            match expected {
                Some(e) => assert_eq!(wine, e, "README row for {scenario}"),
                None => assert!(
                    wine == "agrees" || wine.starts_with("not exported"),
                    "README says {wine:?} for {scenario}, which the list does not mention"
                ),
            }
        }
        let scenarios = std::fs::read_dir(project_root().join("core/scenarios"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "wsa"))
            })
            .count();
        assert_eq!(rows, scenarios, "one README row per gallery scenario");
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
