//! The playground's panels, one module per panel.
//!
//! Components are thin: they hold view state (what the user typed) and ask `wsasim`
//! every Winsock question. The shell (header, editor, controls, presets, share, help,
//! compare) acts through `playground.rs`; the data panels read the contexts of `state.rs`.

pub mod compare;
pub mod controls;
pub mod editor;
pub mod export;
pub mod exports;
pub mod header;
pub mod help;
pub mod latches;
pub mod library;
pub mod lparam;
pub mod presets;
pub mod queue;
pub mod quiz;
pub mod share;
pub mod sockets;
pub mod trace_log;
pub mod why;
pub mod wire;

pub use compare::CompareView;
pub use controls::Controls;
pub use editor::Editor;
pub use export::ExportButton;
pub use exports::ExportMenu;
pub use header::Header;
pub use help::HelpOverlay;
pub use latches::Latches;
pub use library::MyScenarios;
pub use lparam::LParamDecoder;
pub use presets::Presets;
pub use queue::MessageQueue;
pub use quiz::{QuizButton, QuizPanel};
pub use share::{ShareBox, ShareButton};
pub use sockets::Sockets;
pub use trace_log::TraceLog;
pub use why::Why;
pub use wire::Wire;

use std::any::Any;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use leptos::prelude::*;

/// A cell of a row kept across steps (the sockets table, the latch grid): what `f` reads
/// from the row's memo, or the default once the row is gone. The cell updates in place
/// when the row changes.
fn field<R, T>(row: Memo<Option<R>>, f: fn(&R) -> T) -> impl Fn() -> T + Copy
where
    R: Send + Sync + 'static,
    T: Default,
{
    move || row.with(|r| r.as_ref().map(f).unwrap_or_default())
}

/// A list item of [`keyed`]: its key's 64-bit hash, and the item.
type KeyedItem = (u64, Arc<dyn Any + Send + Sync>);
/// [`KeyedList`]'s items.
type KeyedEach = Arc<dyn Fn() -> Vec<KeyedItem> + Send + Sync>;
/// [`KeyedList`]'s view of a new item.
type KeyedRow = Arc<dyn Fn(&(dyn Any + Send + Sync)) -> AnyView + Send + Sync>;

/// The one `<For>` of the page, behind [`keyed`]: its closures have these types
/// whatever the list, so its keyed diffing is in the module once.
#[component]
fn KeyedList(
    /// The items, keyed.
    each: KeyedEach,
    /// The view of a new item.
    row: KeyedRow,
) -> impl IntoView {
    view! {
        <For
            each=move || each()
            key=|(k, _): &KeyedItem| *k
            children=move |(_, item): KeyedItem| row(&*item)
        />
    }
}

/// A keyed list, like `<For each key let(item)>`: a row is drawn when its key first
/// appears and kept while the key stays. Each `<For>` is its diffing code once more in
/// the module (about 2.5 KB of it gzip); every list built here shares one. Keys are
/// hashed to 64 bits (two keys of one list sharing a hash is not a concern at these
/// lengths).
pub(crate) fn keyed<T, K>(
    each: impl Fn() -> Vec<T> + Send + Sync + 'static,
    key: impl Fn(&T) -> K + Send + Sync + 'static,
    row: impl Fn(&T) -> AnyView + Send + Sync + 'static,
) -> AnyView
where
    T: Send + Sync + 'static,
    K: Hash,
{
    let each = move || {
        each()
            .into_iter()
            .map(|item| {
                let mut h = Fnv(0xcbf2_9ce4_8422_2325);
                key(&item).hash(&mut h);
                (h.0, Arc::new(item) as Arc<dyn Any + Send + Sync>)
            })
            .collect()
    };
    // (Each list's items are its own `T`: the `None` arm is never taken.)
    let row = move |item: &(dyn Any + Send + Sync)| match item.downcast_ref::<T>() {
        Some(item) => row(item),
        None => ().into_any(),
    };
    view! { <KeyedList each=Arc::new(each) row=Arc::new(row) /> }.into_any()
}

/// FNV-1a, for [`keyed`]'s keys.
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
}

/// Leptos' `<Show>` with one body for every use: `<Show>` is generic over its condition
/// and its children, and each use was its memo, its closure and its branch switching
/// once more in the module. The children are drawn while `when` holds (a memo: not again
/// while it stays true), else the fallback.
#[component]
pub fn When(
    /// The condition.
    when: impl Fn() -> bool + Send + Sync + 'static,
    /// What shows while it holds.
    children: ChildrenFn,
    /// What shows while it does not (nothing by default).
    #[prop(optional, into)]
    fallback: ViewFn,
) -> impl IntoView {
    when_view(Arc::new(when), children, fallback)
}

/// [`When`]'s body, not generic.
fn when_view(
    when: Arc<dyn Fn() -> bool + Send + Sync>,
    children: ChildrenFn,
    fallback: ViewFn,
) -> AnyView {
    let shown = Memo::new(move |_| when());
    (move || {
        if shown.get() {
            children()
        } else {
            fallback.run()
        }
    })
    .into_any()
}
