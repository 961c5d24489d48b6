//! `wsasim`: runs, checks and lists WSAAsyncSelect scenarios from the command line.
//!
//! ```text
//! wsasim run [--json] [--profile documented|windows] FILE...
//! wsasim check FILE...
//! wsasim gallery [ID]
//! wsasim export-c [--profile documented|windows] [--settle MS] [-o OUT.c] FILE
//! ```
//!
//! `FILE` may be `-` for standard input. Exit codes: 0 every scenario passed, 1 an
//! expectation failed, 2 a file could not be read, parsed or name-checked, 64 bad usage.
//! The formats are documented in `docs/scenario-language.md`, "Command-line tool".

mod table;

use std::io::{Read, Write};
use std::process::ExitCode;

use wsasim::script::{RunOptions, Runner, Script, ScriptError, Spanned, Stmt, StmtKind};
use wsasim::Profile;

const USAGE: &str = "\
usage: wsasim run [--json] [--profile documented|windows] FILE...
       wsasim check FILE...
       wsasim gallery [ID]
       wsasim compare [--profile documented|windows] REAL.jsonl FILE
       wsasim export-c [--profile documented|windows] [--settle MS] [-o OUT.c] FILE

  run      run each scenario and print its trace as a table (or JSON lines with --json),
           then `ok` or the failed expectation
  check    parse and name-check each scenario without running it
  gallery  list the gallery's scenarios (id and title), or print one scenario's source
  compare  line a real run's JSON lines (from an exported program) up with the model's
           run of FILE: exit 0 agree, 1 differ, 2 bad input
  export-c write the scenario as a C program that makes its calls on a real Windows
           machine (MinGW or MSVC) and prints JSON lines; what one machine cannot do
           is refused with LINE:COL: cannot export …

  FILE may be `-` for standard input.
  --json                  print the trace as JSON lines (one object per step)
  --profile NAME          run with this profile instead of the script's `profile` line

exit status: 0 ok, 1 an expectation failed, 2 read, parse or name errors, 64 usage";

/// The process exit status, ordered by severity: the worst over all files is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Ok = 0,
    Failed = 1,
    Invalid = 2,
    Usage = 64,
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Run {
        json: bool,
        profile: Option<Profile>,
        files: Vec<String>,
    },
    Check {
        files: Vec<String>,
    },
    Gallery {
        id: Option<String>,
    },
    ExportC {
        file: String,
        out: Option<String>,
        options: wsasim::script::export_c::ExportOptions,
    },
    Compare {
        real: String,
        file: String,
        profile: Profile,
    },
    Help,
}

fn parse_args(args: &[String]) -> Result<Command, String> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err("no command given".into());
    };
    match cmd.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "run" | "check" => {
            let run = cmd == "run";
            let (mut json, mut profile, mut files) = (false, None, Vec::new());
            let mut it = rest.iter();
            let mut only_files = false;
            while let Some(a) = it.next() {
                match a.as_str() {
                    _ if only_files => files.push(a.clone()),
                    "--" => only_files = true,
                    "--json" if run => json = true,
                    "--profile" if run => {
                        let name = it.next().ok_or("--profile needs documented or windows")?;
                        profile = Some(parse_profile(name)?);
                    }
                    p if run && p.starts_with("--profile=") => {
                        profile = Some(parse_profile(&p["--profile=".len()..])?);
                    }
                    "-h" | "--help" => return Ok(Command::Help),
                    "-" => files.push(a.clone()),
                    o if o.starts_with('-') => return Err(format!("unknown option {o} for {cmd}")),
                    _ => files.push(a.clone()),
                }
            }
            if files.is_empty() {
                return Err(format!(
                    "{cmd} needs at least one FILE (or - for standard input)"
                ));
            }
            Ok(if run {
                Command::Run {
                    json,
                    profile,
                    files,
                }
            } else {
                Command::Check { files }
            })
        }
        "export-c" => parse_export(rest),
        "compare" => {
            let mut profile = Profile::Documented;
            let mut files = Vec::new();
            let mut it = rest.iter();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--profile" => {
                        profile = parse_profile(
                            it.next().ok_or("--profile needs documented or windows")?,
                        )?
                    }
                    o if o.starts_with('-') && o != "-" => {
                        return Err(format!("unknown option {o} for compare"))
                    }
                    _ => files.push(a.clone()),
                }
            }
            match <[String; 2]>::try_from(files) {
                Ok([real, file]) => Ok(Command::Compare {
                    real,
                    file,
                    profile,
                }),
                Err(_) => Err("compare needs REAL.jsonl and FILE".into()),
            }
        }
        "gallery" => match rest {
            [] => Ok(Command::Gallery { id: None }),
            [id] if !id.starts_with('-') => Ok(Command::Gallery {
                id: Some(id.clone()),
            }),
            _ => Err("gallery takes at most one ID".into()),
        },
        other => Err(format!("unknown command {other}")),
    }
}

fn parse_export(rest: &[String]) -> Result<Command, String> {
    let mut options = wsasim::script::export_c::ExportOptions::default();
    let (mut out, mut file) = (None, None);
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" => out = Some(it.next().ok_or("-o needs a file name")?.clone()),
            "--settle" => {
                let ms = it.next().ok_or("--settle needs milliseconds")?;
                options.settle_ms = ms
                    .parse()
                    .ok()
                    .filter(|ms| *ms > 0)
                    .ok_or(format!("--settle needs milliseconds (1 or more), not {ms}"))?;
            }
            "--profile" => {
                let name = it.next().ok_or("--profile needs documented or windows")?;
                options.profile = Some(parse_profile(name)?);
            }
            "-" => file = Some(a.clone()),
            o if o.starts_with('-') => return Err(format!("unknown option {o} for export-c")),
            _ if file.is_some() => return Err("export-c takes one FILE".into()),
            _ => file = Some(a.clone()),
        }
    }
    let file = file.ok_or("export-c needs a FILE (or - for standard input)")?;
    Ok(Command::ExportC { file, out, options })
}

fn parse_profile(name: &str) -> Result<Profile, String> {
    name.parse()
        .map_err(|_| format!("unknown profile {name}: expected documented or windows"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let status = match parse_args(&args) {
        Err(msg) => {
            eprintln!("wsasim: {msg}\n{USAGE}");
            Status::Usage
        }
        Ok(Command::Help) => {
            say(&format!("{USAGE}\n"));
            Status::Ok
        }
        Ok(Command::Gallery { id }) => gallery(id.as_deref()),
        Ok(Command::Compare {
            real,
            file,
            profile,
        }) => compare(&real, &file, profile),
        Ok(Command::ExportC { file, out, options }) => export_c(&file, out.as_deref(), options),
        Ok(Command::Check { files }) => files.iter().map(|f| check(f)).max().unwrap_or(Status::Ok),
        Ok(Command::Run {
            json,
            profile,
            files,
        }) => {
            let mut worst = Status::Ok;
            for (i, f) in files.iter().enumerate() {
                if !json && i > 0 {
                    say("\n");
                }
                worst = worst.max(run(f, json, profile));
            }
            worst
        }
    };
    let _ = std::io::stdout().flush();
    ExitCode::from(status as u8)
}

/// Writes to standard output; a closed pipe (`wsasim gallery | head`) is not an error.
fn say(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// The name used in messages for a file argument.
fn display_name(path: &str) -> &str {
    if path == "-" {
        "<stdin>"
    } else {
        path
    }
}

fn read(path: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    let r = if path == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    r.map_err(|e| format!("{}: cannot read: {e}", display_name(path)))?;
    wsasim::script::decode(&bytes).map_err(|e| format!("{}:{e}", display_name(path)))
}

fn print_errors(path: &str, errors: &[ScriptError]) {
    for e in errors {
        eprintln!("{}:{e}", display_name(path));
    }
}

/// Reads, parses and name-checks a file; the profile, if given, replaces the script's.
fn load(path: &str, profile: Option<Profile>) -> Result<Runner, Status> {
    let text = read(path).map_err(|msg| {
        eprintln!("{msg}");
        Status::Invalid
    })?;
    let mut script = wsasim::script::parse(&text).map_err(|errors| {
        print_errors(path, &errors);
        Status::Invalid
    })?;
    if let Some(p) = profile {
        override_profile(&mut script, p);
    }
    Runner::from_script(script, RunOptions::default()).map_err(|errors| {
        print_errors(path, &errors);
        Status::Invalid
    })
}

/// Makes `profile` the script's profile: every `profile` line is replaced by one for it, and
/// one is added at the top if there was none.
fn override_profile(script: &mut Script, profile: Profile) {
    let mut found = false;
    for stmt in &mut script.stmts {
        if let StmtKind::Profile(p) = &mut stmt.kind {
            p.value = profile;
            found = true;
        }
    }
    if !found {
        let span = wsasim::script::Span::new(1, 1, 0);
        script.stmts.insert(
            0,
            Stmt {
                span,
                kind: StmtKind::Profile(Spanned {
                    value: profile,
                    span,
                }),
            },
        );
    }
}

fn check(path: &str) -> Status {
    match load(path, None) {
        Ok(_) => {
            say(&format!("{}: ok\n", display_name(path)));
            Status::Ok
        }
        Err(s) => s,
    }
}

/// Trace entries held before they are written out and dropped: output streams, so a
/// run of millions of steps needs no more memory than a short one.
const CHUNK: usize = 4096;

fn run(path: &str, json: bool, profile: Option<Profile>) -> Status {
    let mut runner = match load(path, profile) {
        Ok(r) => r,
        Err(s) => return s,
    };
    let name = display_name(path);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let table = table::Table::new(&runner);
    let mut text = String::new();
    if !json {
        // Standard output carries exactly the trace's JSON lines; the verdict goes to stderr.
        let _ = match runner.script().title() {
            Some(t) => writeln!(out, "== {name}: {t}"),
            None => writeln!(out, "== {name}"),
        };
        table.header(&mut text);
    }
    loop {
        let more = runner.step().is_some();
        if !more || runner.sim().trace().len() >= CHUNK {
            for (e, line, step) in runner.drain_trace() {
                if json {
                    text.push_str(&runner.sim().trace().json(&e, line, step));
                    text.push('\n');
                } else {
                    table.rows(&runner, &e, step, &mut text);
                }
            }
            if out.write_all(text.as_bytes()).is_err() {
                return Status::Failed;
            }
            text.clear();
        }
        if !more {
            break;
        }
    }
    let verdict = match runner.failure() {
        Some(f) => format!("{name}:{f}"),
        None => "ok".to_string(),
    };
    if !json {
        let _ = writeln!(out, "{verdict}");
    } else if runner.failure().is_some() {
        eprintln!("{verdict}");
    }
    let _ = out.flush();
    if runner.failure().is_some() {
        Status::Failed
    } else {
        Status::Ok
    }
}

fn export_c(
    path: &str,
    out: Option<&str>,
    options: wsasim::script::export_c::ExportOptions,
) -> Status {
    let text = match read(path) {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("{msg}");
            return Status::Invalid;
        }
    };
    match wsasim::script::export_c::export_c(&text, options) {
        Err(errors) => {
            for e in errors {
                eprintln!("{}:{e}", display_name(path));
            }
            Status::Invalid
        }
        Ok(c) => match out {
            None => {
                say(&c);
                Status::Ok
            }
            Some(o) => match std::fs::write(o, c) {
                Ok(()) => Status::Ok,
                Err(e) => {
                    eprintln!("{o}: cannot write: {e}");
                    Status::Invalid
                }
            },
        },
    }
}

fn compare(real: &str, path: &str, profile: Profile) -> Status {
    let (real_text, src) = match (read(real), read(path)) {
        (Ok(r), Ok(s)) => (r, s),
        (Err(msg), _) | (_, Err(msg)) => {
            eprintln!("{msg}");
            return Status::Invalid;
        }
    };
    let c = match wsasim::script::compare::compare(&real_text, &src, profile) {
        Ok(c) => c,
        Err(e) if e.line == 0 => {
            eprintln!("{}: {}", display_name(path), e.message);
            return Status::Invalid;
        }
        Err(e) => {
            eprintln!("{}:{e}", display_name(real));
            return Status::Invalid;
        }
    };
    let mut out = String::new();
    if let Some(first) = c.differences.first() {
        out += &format!("first difference: {first}\n");
        if let Some(rule) = first.rule {
            out += &format!("  rule {}: {}\n", rule.id(), rule.sentence());
            if let (Profile::Windows, Some(note)) = (profile, rule.windows_differs()) {
                out += &format!("  Windows: {note}\n");
            }
        }
    }
    for d in c.differences.iter().skip(1) {
        out += &format!("{d}\n");
    }
    out += &format!(
        "{} difference(s); {} call(s) and {} message(s) compared ({} profile)\n",
        c.differences.len(),
        c.calls,
        c.messages,
        profile
    );
    say(&out);
    if c.differences.is_empty() {
        Status::Ok
    } else {
        Status::Failed
    }
}

fn gallery(id: Option<&str>) -> Status {
    match id {
        Some(id) => match wsasim::gallery::get(id) {
            Some(s) => {
                say(s.source);
                Status::Ok
            }
            None => {
                eprintln!("wsasim: no gallery scenario {id}; `wsasim gallery` lists them");
                Status::Usage
            }
        },
        None => {
            let width = wsasim::gallery::ALL
                .iter()
                .map(|s| s.id.len())
                .max()
                .unwrap_or(0);
            for s in wsasim::gallery::ALL {
                say(&format!(
                    "{:width$}  {}\n",
                    s.id,
                    s.title().unwrap_or_default()
                ));
            }
            Status::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_run_with_options() {
        assert_eq!(
            parse_args(&args("run --json --profile windows a.wsa -")),
            Ok(Command::Run {
                json: true,
                profile: Some(Profile::Windows),
                files: vec!["a.wsa".into(), "-".into()],
            })
        );
        assert_eq!(
            parse_args(&args("run --profile=documented a.wsa")),
            Ok(Command::Run {
                json: false,
                profile: Some(Profile::Documented),
                files: vec!["a.wsa".into()],
            })
        );
    }

    #[test]
    fn refuses_bad_usage() {
        for bad in [
            "",
            "run",
            "run --profile",
            "run --profile linux a.wsa",
            "check --json a.wsa",
            "frobnicate",
            "gallery a b",
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn profile_override_replaces_or_inserts() {
        let mut s = wsasim::script::parse("profile documented\nhost a 10.0.0.1\n").unwrap();
        override_profile(&mut s, Profile::Windows);
        assert_eq!(s.profile(), Some(Profile::Windows));
        let mut s = wsasim::script::parse("host a 10.0.0.1\n").unwrap();
        override_profile(&mut s, Profile::Windows);
        assert_eq!(s.profile(), Some(Profile::Windows));
    }
}
