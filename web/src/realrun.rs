//! The real machine's side: the scenario exported as a C program (a file name and its
//! text, or the refusals), and a real run's JSON lines compared with the model, as the
//! compare view shows them. The core does the work (`wsasim::script::export_c` and
//! `wsasim::script::compare`); this module only names the file and finds each
//! difference's step in the run shown.

use wsasim::script::compare::{compare, DiffKind};
use wsasim::script::export_c::{export_c_with_prelude, ExportOptions};
use wsasim::Profile;

use crate::data::Gallery;
use crate::timeline::Timeline;

#[cfg(test)]
mod tests;

/// The scenario `src` as a C file under `profile`, with `prelude` (the core's
/// `export_c::PRELUDE`, fetched): its name and text, or every `LINE:COL: cannot export
/// …: why` error. A preset of `gallery` (once fetched) is named by its id.
pub fn export_file(
    src: &str,
    profile: Profile,
    gallery: Option<&Gallery>,
    prelude: &str,
) -> Result<(String, String), Vec<String>> {
    let options = ExportOptions {
        profile: Some(profile),
        ..ExportOptions::default()
    };
    let text = export_c_with_prelude(src, options, prelude)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    Ok((format!("{}.c", file_stem(src, gallery)), text))
}

/// The file name for `src` (without `.c`): the gallery id of a preset left as it is,
/// else the slug of its title, else `scenario`.
pub fn file_stem(src: &str, gallery: Option<&Gallery>) -> String {
    if let Some(s) = gallery.and_then(|g| g.find_source(src)) {
        return s.id.clone();
    }
    let title = wsasim::script::parse(src)
        .ok()
        .and_then(|s| s.title().map(str::to_string))
        .unwrap_or_default();
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "scenario".into()
    } else {
        slug.into()
    }
}

/// A real run compared with the model, as the compare view shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RealReport {
    /// Calls compared.
    pub calls: usize,
    /// Messages compared.
    pub messages: usize,
    /// Every difference, in the core's order (the first is the first difference).
    pub differences: Vec<RealDiff>,
}

/// One difference, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RealDiff {
    /// The scenario line.
    pub line: u32,
    /// What differs, in words.
    pub kind: &'static str,
    /// What the real run did.
    pub real: String,
    /// What the model does.
    pub model: String,
    /// The model's rule: id and sentence.
    pub rule: Option<(&'static str, &'static str)>,
    /// The rule's Windows note, under the Windows profile.
    pub windows_note: Option<&'static str>,
    /// The step of the run shown after which the model's side is visible, if it has one.
    pub step: Option<usize>,
}

/// Compares the real run's JSON lines `real` with the model's run of `src` under
/// `profile`; `run` is the run shown, for the steps to jump to. Bad input is the core's
/// `LINE: …` error.
pub fn compare_real(
    real: &str,
    src: &str,
    profile: Profile,
    run: Option<&Timeline>,
) -> Result<RealReport, String> {
    let c = compare(real, src, profile).map_err(|e| e.to_string())?;
    let differences = c
        .differences
        .iter()
        .map(|d| RealDiff {
            line: d.line,
            kind: d.kind.name(),
            real: d.real.clone(),
            model: d.model.clone(),
            rule: d.rule.map(|r| (r.id(), r.sentence())),
            windows_note: d
                .rule
                .filter(|_| profile == Profile::Windows)
                .and_then(|r| r.windows_differs()),
            step: match d.kind {
                DiffKind::Extra => None,
                _ => run.and_then(|t| step_of_line(t, d.line)),
            },
        })
        .collect();
    Ok(RealReport {
        calls: c.calls,
        messages: c.messages,
        differences,
    })
}

/// The cursor that shows line `line`'s (last) step just taken.
pub fn step_of_line(t: &Timeline, line: u32) -> Option<usize> {
    t.steps().rposition(|s| s.line == line).map(|i| i + 1)
}
