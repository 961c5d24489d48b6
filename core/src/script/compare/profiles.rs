//! Comparing the scenario's two runs, under [`Profile::Documented`] and
//! [`Profile::Windows`]: every window message each run posts, lined up side by side.
//!
//! Decisions:
//! - What is compared is what the application sees: the window, `wMsg`, `wParam` (the
//!   socket, by its script name) and `lParam` (event and error). The rule that posted a
//!   message is shown on each side but is not part of the comparison.
//! - The two sequences are lined up by their longest common subsequence (as a real run is
//!   lined up with the model in [`compare`](super::compare)), over all windows in posting
//!   order: a row holds a message on both sides, or on one side only, and every
//!   one-sided row is a difference.
//! - Positions are runner steps, counted from 1 as the playground's step counter and
//!   `&step=` count them (see [`StepReport`](crate::script::StepReport)), beside the trace entry's
//!   index; a row missing on one side gives that side's position as the step of its
//!   previous message (0 before the first), so "go to step" lands where the message would
//!   have been.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::super::runner::{RunOptions, Runner};
use super::super::ScriptError;
use crate::profile::Profile;
use crate::spec::Rule;

/// One message a run posted, as the application sees it, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideMessage {
    /// The message's id in its run (`Message::id`).
    pub id: u64,
    /// The runner step that posted it, from 1 (the playground's step counter).
    pub step: usize,
    /// The index of the trace entry that posted it.
    pub entry: usize,
    /// The script line of that step.
    pub line: u32,
    /// The window's name.
    pub window: String,
    /// `WM_USER+1(S, FD_READ, 0)`: `wMsg(wParam, event, error)` with script names.
    pub text: String,
    /// The rule that posted it.
    pub rule: Rule,
}

/// One row of the side-by-side view: a message on both sides, or on one side only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileRow {
    /// The message under Documented, if that run posts it here.
    pub documented: Option<SideMessage>,
    /// The message under Windows, if that run posts it here.
    pub windows: Option<SideMessage>,
    /// Each side's step for this row (Documented, Windows): its message's step, or for a
    /// missing message the step of that side's previous message (0 before the first).
    pub at: [usize; 2],
}

impl ProfileRow {
    /// True when only one side posts this message, or both do but at another script
    /// line (see [`ProfileRow::moved`]).
    pub fn differs(&self) -> bool {
        self.documented.is_none() || self.windows.is_none() || self.moved()
    }

    /// True when both sides post this message, each during another script line (Windows
    /// posts FD_CLOSE when the FIN arrives, the page once the data is read).
    pub fn moved(&self) -> bool {
        matches!((&self.documented, &self.windows), (Some(d), Some(w)) if d.line != w.line)
    }

    /// The side of `profile`.
    pub fn side(&self, profile: Profile) -> Option<&SideMessage> {
        match profile {
            Profile::Documented => self.documented.as_ref(),
            Profile::Windows => self.windows.as_ref(),
        }
    }

    /// The step of `profile`'s run where this row sits (see [`ProfileRow::at`]).
    pub fn step(&self, profile: Profile) -> usize {
        match profile {
            Profile::Documented => self.at[0],
            Profile::Windows => self.at[1],
        }
    }
}

/// Both runs' messages, lined up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileComparison {
    /// Every message of both runs, in posting order, lined up.
    pub rows: Vec<ProfileRow>,
    /// The number of steps of each run (Documented, Windows).
    pub steps: [usize; 2],
}

impl ProfileComparison {
    /// The rows that differ.
    pub fn differences(&self) -> impl Iterator<Item = &ProfileRow> {
        self.rows.iter().filter(|r| r.differs())
    }

    /// True when both runs post the same messages in the same order.
    pub fn same(&self) -> bool {
        self.differences().next().is_none()
    }
}

/// The largest table the alignment builds (4 bytes a cell): beyond it, the messages
/// between the common head and tail are paired by position.
const MAX_TABLE_CELLS: usize = 1 << 22;

/// Every message `src` posts under `profile`, in posting order.
fn messages(src: &str, profile: Profile) -> Result<(Vec<SideMessage>, usize), Vec<ScriptError>> {
    let mut runner = Runner::with_options(
        src,
        RunOptions {
            profile: Some(profile),
            ..RunOptions::default()
        },
    )?;
    let mut out = Vec::new();
    let mut step = 0;
    while let Some(report) = runner.step() {
        step += 1;
        for e in runner
            .sim()
            .trace()
            .iter()
            .skip(report.entries.start)
            .take(report.entries.len())
        {
            for m in e.posted() {
                let window = runner
                    .sim()
                    .window(m.hwnd)
                    .map_or_else(|| m.hwnd.to_string(), |w| w.name.clone());
                let sock = runner
                    .socket_name(m.wparam)
                    .map_or_else(|| format!("#{}", m.wparam.0), str::to_string);
                let err = m.lparam.error().map_or_else(
                    || m.lparam.error_code().to_string(),
                    |e| e.name().to_string(),
                );
                out.push(SideMessage {
                    id: m.id,
                    step,
                    entry: e.index,
                    line: report.line,
                    window,
                    text: format!("{}({sock}, {}, {err})", m.msg, m.lparam.event()),
                    rule: m.rule,
                });
            }
        }
    }
    Ok((out, step))
}

/// Runs `src` under both profiles and lines up the messages each run posts.
///
/// FD_CLOSE while data is unread: both profiles post it, during different statements
/// (Windows when the FIN arrives, the page once the data is read), so it is one row,
/// which differs.
///
/// ```
/// use wsasim::script::compare::profiles::compare_profiles;
/// let src = "host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\n\
///            b: L = socket(AF_INET, SOCK_STREAM)\nb: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\n\
///            a: C = socket(AF_INET, SOCK_STREAM)\na: connect(C, 10.0.0.2:80)\nb: A = accept(L)\n\
///            b: WSAAsyncSelect(A, w, WM_USER+1, FD_CLOSE)\na: send(C, \"hi\")\na: closesocket(C)\n\
///            run until idle\nb: recv(A, 10)\n";
/// let c = compare_profiles(src).unwrap();
/// assert_eq!(c.rows.len(), 1);
/// assert!(c.rows[0].moved());
/// assert!(!c.same());
/// ```
pub fn compare_profiles(src: &str) -> Result<ProfileComparison, Vec<ScriptError>> {
    let (doc, doc_steps) = messages(src, Profile::Documented)?;
    let (win, win_steps) = messages(src, Profile::Windows)?;
    Ok(ProfileComparison {
        rows: line_up(&doc, &win),
        steps: [doc_steps, win_steps],
    })
}

/// Lines up the messages of the Documented run (`doc`) and of the Windows run (`win`),
/// each in posting order, by their window and text: a longest common subsequence over
/// what lies between their common head and tail.
pub fn line_up(doc: &[SideMessage], win: &[SideMessage]) -> Vec<ProfileRow> {
    let same = |a: &SideMessage, b: &SideMessage| a.window == b.window && a.text == b.text;
    // The common head and tail pair off directly; only the middle needs the table, and a
    // middle too large for it (a long run whose paths part early) pairs by position.
    let head = doc.iter().zip(win).take_while(|(a, b)| same(a, b)).count();
    let tail = doc[head..]
        .iter()
        .rev()
        .zip(win[head..].iter().rev())
        .take_while(|(a, b)| same(a, b))
        .count();
    let (d_mid, w_mid) = (&doc[head..doc.len() - tail], &win[head..win.len() - tail]);
    let mut pairs: Vec<(Option<usize>, Option<usize>)> =
        (0..head).map(|i| (Some(i), Some(i))).collect();
    let (n, m) = (d_mid.len(), w_mid.len());
    if n.saturating_mul(m) <= MAX_TABLE_CELLS {
        let mut lcs = alloc::vec![alloc::vec![0u32; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i][j] = if same(&d_mid[i], &w_mid[j]) {
                    lcs[i + 1][j + 1] + 1
                } else {
                    lcs[i + 1][j].max(lcs[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && same(&d_mid[i], &w_mid[j]) {
                pairs.push((Some(head + i), Some(head + j)));
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
                pairs.push((Some(head + i), None));
                i += 1;
            } else {
                pairs.push((None, Some(head + j)));
                j += 1;
            }
        }
    } else {
        for k in 0..n.max(m) {
            let (a, b) = (d_mid.get(k), w_mid.get(k));
            match (a, b) {
                (Some(a), Some(b)) if same(a, b) => pairs.push((Some(head + k), Some(head + k))),
                _ => {
                    if a.is_some() {
                        pairs.push((Some(head + k), None));
                    }
                    if b.is_some() {
                        pairs.push((None, Some(head + k)));
                    }
                }
            }
        }
    }
    pairs.extend((0..tail).map(|k| (Some(doc.len() - tail + k), Some(win.len() - tail + k))));
    let mut at = [0usize; 2];
    let mut rows = Vec::with_capacity(pairs.len());
    for (i, j) in pairs {
        let d = i.map(|i| doc[i].clone());
        let w = j.map(|j| win[j].clone());
        if let Some(d) = &d {
            at[0] = d.step;
        }
        if let Some(w) = &w {
            at[1] = w.step;
        }
        rows.push(ProfileRow {
            documented: d,
            windows: w,
            at,
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selecting_again_differs_in_several_messages_each_marked() {
        let src = crate::gallery::get("windows-reselect-reposts")
            .expect("in the gallery")
            .source;
        let c = compare_profiles(src).unwrap();
        let diffs: Vec<_> = c.differences().collect();
        assert!(diffs.len() >= 2, "{c:#?}");
        for r in &c.rows {
            for p in [Profile::Documented, Profile::Windows] {
                if let Some(s) = r.side(p) {
                    assert_eq!(r.step(p), s.step);
                    assert!(s.step >= 1 && s.step <= c.steps[p as usize]);
                }
            }
        }
    }

    #[test]
    fn a_long_run_is_lined_up_without_a_quadratic_table() {
        let mut src = String::from("host a 10.0.0.1\nhost b 10.0.0.2\nwindow b w\na: WSAStartup()\nb: WSAStartup()\nb: L = socket(AF_INET, SOCK_STREAM)\nb: bind(L, 10.0.0.2:80)\nb: listen(L, 5)\na: C = socket(AF_INET, SOCK_STREAM)\na: connect(C, 10.0.0.2:80)\nb: A = accept(L)\nb: WSAAsyncSelect(A, w, WM_USER+1, FD_READ)\n");
        for _ in 0..1000 {
            src.push_str("a: send(C, \"ping\")\nrun until idle\nb: recv(A, 10)\n");
        }
        let c = compare_profiles(&src).unwrap();
        assert!(c.rows.len() >= 1000);
        assert!(c.same());
    }

    #[test]
    fn a_scenario_where_the_profiles_agree_has_no_difference() {
        let src = crate::gallery::get("fd-read-level-triggered")
            .expect("in the gallery")
            .source;
        let c = compare_profiles(src).unwrap();
        assert!(c.same());
        assert!(!c.rows.is_empty());
    }
}
