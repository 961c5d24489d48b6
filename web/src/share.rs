//! Share links: a scenario, its step, its profile and a digest of its trace, in a URL
//! fragment.
//!
//! The format, version 1, is a fragment of `&`-separated parts, the first naming the
//! version:
//!
//! ```text
//! #v1.<base64url(deflate(scenario text))>&step=12&profile=windows&d2=<base64url(digest)>
//! ```
//!
//! - `v1.` is the version prefix: a later format gets a new number, and this module keeps
//!   decoding every older one, so old links keep working.
//! - The text is compressed with raw deflate (RFC 1951) and encoded as base64url without
//!   padding (RFC 4648 §5), so it needs no percent-encoding.
//! - `step=N` (optional) is the cursor to open at; `profile=windows` (optional; the
//!   default is `documented`); `embed=1` (optional) asks for the compact iframe layout.
//! - `d2=` (optional) is the [`TraceDigest`] of the run when the link was made: the whole
//!   hash as 8 big-endian bytes, then one byte per trace entry for the first
//!   [`DIGEST_ENTRIES`] entries. A later model whose trace differs can say from where.
//!   The digest hashes what each entry means, field by field ([`crate::digest`]), so
//!   rewording the trace's text keeps old links' digests valid.
//! - `d=` is what links made before `d2=` carry: the same layout, but hashing each
//!   entry's text. It is still checked for form, then ignored: it cannot be compared with
//!   a digest of typed fields, and comparing would call every old link's trace different.
//!
//! Plain Rust, tested natively. The component reads and writes `location.hash`, and
//! compresses a new link's text with the browser's `CompressionStream` (or
//! [`deflate_stored`] without it) before [`encode_packed`]; [`encode`] compresses here,
//! for native callers.

use core::fmt;
use wsasim::Profile;

use crate::timeline::TraceDigest;

mod b64;
#[cfg(test)]
mod tests;

/// The version prefix this build writes.
pub const PREFIX: &str = "v1.";

/// The most bytes a link's scenario may inflate to (1 MiB).
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

/// The longest fragment accepted at all, before decoding anything (compressed text is
/// at most about this size; anything longer is refused without work).
pub const MAX_FRAGMENT_CHARS: usize = 2 << 20;

/// How many per-entry digest bytes a link carries.
pub const DIGEST_ENTRIES: usize = 64;

/// What a share link holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The scenario's text.
    pub source: String,
    /// The step to open at, if given.
    pub step: Option<usize>,
    /// The profile to run under, when the link chooses one over the script's `profile`
    /// line (`&profile=`).
    pub profile: Option<Profile>,
    /// The digest of the trace when the link was made, if given.
    pub digest: Option<TraceDigest>,
    /// True for the compact layout of an embedded playground.
    pub embed: bool,
    /// True to open in learning mode (`&quiz=1`).
    pub quiz: bool,
}

impl Link {
    /// A link to this scenario at step 0, documented profile, no digest.
    pub fn new(source: impl Into<String>) -> Link {
        Link {
            source: source.into(),
            step: None,
            profile: None,
            digest: None,
            embed: false,
            quiz: false,
        }
    }
}

/// Why a fragment is not a usable share link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// The fragment is longer than [`MAX_FRAGMENT_CHARS`], or the scenario inflates to more
    /// than [`MAX_SCENARIO_BYTES`].
    TooLarge,
    /// A version this build does not know (`v9.`), or no version prefix at all.
    UnknownVersion(String),
    /// The scenario part is not base64url.
    BadBase64,
    /// The scenario part does not inflate (corrupt or cut short).
    BadDeflate,
    /// The scenario is not UTF-8 text.
    NotText,
    /// A parameter after the scenario is malformed, e.g. `step=x`.
    BadParameter(String),
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::TooLarge => write!(
                f,
                "the link's scenario is too large (the limit is {} KiB)",
                MAX_SCENARIO_BYTES / 1024
            ),
            ShareError::UnknownVersion(v) if v.is_empty() => {
                f.write_str("the link has no version prefix (it should start with #v1.)")
            }
            ShareError::UnknownVersion(v) => write!(
                f,
                "the link is in format “{v}”, which this version of wsasim does not know"
            ),
            ShareError::BadBase64 => {
                f.write_str("the link's scenario is not valid base64url (was it cut or edited?)")
            }
            ShareError::BadDeflate => {
                f.write_str("the link's scenario does not decompress (was it cut or edited?)")
            }
            ShareError::NotText => f.write_str("the link's scenario is not UTF-8 text"),
            ShareError::BadParameter(p) => write!(f, "the link has a malformed part “{p}”"),
        }
    }
}

impl core::error::Error for ShareError {}

/// The fragment (without `#`) for `link`, its text compressed here (deflate, level 9).
/// For native callers: the page compresses with the browser's own `CompressionStream`
/// and calls [`encode_packed`], which keeps a deflate compressor (9 KB gzip) out of the
/// WebAssembly module.
pub fn encode(link: &Link) -> String {
    encode_packed(
        link,
        &miniz_oxide::deflate::compress_to_vec(link.source.as_bytes(), 9),
    )
}

/// `bytes` as a raw deflate stream of stored blocks (no compression): a valid stream that
/// every inflater reads, for a browser without `CompressionStream`'s `deflate-raw`.
pub fn deflate_stored(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 5 * (bytes.len() / 0xffff + 1));
    let mut rest = bytes;
    loop {
        let n = rest.len().min(0xffff);
        let last = n == rest.len();
        // BFINAL, then BTYPE 00 (stored), padded to the byte; LEN and its complement.
        out.push(u8::from(last));
        out.extend((n as u16).to_le_bytes());
        out.extend((!(n as u16)).to_le_bytes());
        out.extend(&rest[..n]);
        rest = &rest[n..];
        if last {
            return out;
        }
    }
}

/// The fragment (without `#`) for `link`, whose text `packed` holds as raw deflate (RFC
/// 1951), however it was compressed.
pub fn encode_packed(link: &Link, packed: &[u8]) -> String {
    let mut out = String::from(PREFIX);
    out.push_str(&b64::encode(packed));
    if let Some(step) = link.step {
        out.push_str(&format!("&step={step}"));
    }
    if let Some(p) = link.profile {
        out.push_str("&profile=");
        out.push_str(p.name());
    }
    if let Some(d) = &link.digest {
        out.push_str("&d2=");
        out.push_str(&encode_digest(d));
    }
    if link.embed {
        out.push_str("&embed=1");
    }
    if link.quiz {
        out.push_str("&quiz=1");
    }
    out
}

/// The digest as it appears after `d2=`.
pub fn encode_digest(d: &TraceDigest) -> String {
    let mut bytes = d.whole.to_be_bytes().to_vec();
    bytes.extend(d.per_entry.iter().take(DIGEST_ENTRIES));
    b64::encode(&bytes)
}

/// The digest from the text after `d2=` (or the old `d=`, which has the same form).
pub fn decode_digest(s: &str) -> Option<TraceDigest> {
    let bytes = b64::decode(s)?;
    if bytes.len() < 8 || bytes.len() > 8 + DIGEST_ENTRIES {
        return None;
    }
    let (whole, per_entry) = bytes.split_at(8);
    Some(TraceDigest {
        whole: u64::from_be_bytes(whole.try_into().ok()?),
        per_entry: per_entry.to_vec(),
    })
}

/// True if the fragment (with or without `#`) looks like a share link at all, i.e. is
/// more than flags such as `embed=1`. An empty fragment is not a link.
pub fn is_link(fragment: &str) -> bool {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    let first = f.split('&').next().unwrap_or("");
    !first.is_empty() && !first.contains('=')
}

/// True if the fragment or query (with or without `#`/`?`) has `embed=1`.
pub fn wants_embed(fragment_or_query: &str) -> bool {
    fragment_or_query
        .trim_start_matches(['#', '?'])
        .split('&')
        .any(|p| p == "embed=1" || p == "embed")
}

/// Decodes a fragment (with or without `#`). Call it only when [`is_link`] says so.
pub fn decode(fragment: &str) -> Result<Link, ShareError> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    if f.len() > MAX_FRAGMENT_CHARS {
        return Err(ShareError::TooLarge);
    }
    let mut parts = f.split('&');
    let head = parts.next().unwrap_or("");
    let Some((version, payload)) = head.split_once('.') else {
        return Err(ShareError::UnknownVersion(String::new()));
    };
    if version != "v1" {
        let known = version.len() <= 12 && version.chars().all(|c| c.is_ascii_alphanumeric());
        return Err(ShareError::UnknownVersion(if known {
            version.to_string()
        } else {
            String::new()
        }));
    }
    let packed = b64::decode(payload.trim_end_matches('=')).ok_or(ShareError::BadBase64)?;
    let text = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_SCENARIO_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            _ => ShareError::BadDeflate,
        })?;
    let source = String::from_utf8(text).map_err(|_| ShareError::NotText)?;
    let mut link = Link::new(source);
    for part in parts {
        let bad = || ShareError::BadParameter(part.chars().take(40).collect());
        match part.split_once('=') {
            Some(("step", n)) => link.step = Some(n.parse().map_err(|_| bad())?),
            Some(("profile", "windows")) => link.profile = Some(Profile::Windows),
            Some(("profile", "documented")) => link.profile = Some(Profile::Documented),
            // Like a bad `step=`: a profile this version does not know is an error.
            Some(("profile", _)) => return Err(bad()),
            Some(("d2", d)) => link.digest = Some(decode_digest(d).ok_or_else(bad)?),
            // A digest of the trace's text, from before `d2=`: see the module doc.
            Some(("d", d)) => drop(decode_digest(d).ok_or_else(bad)?),
            Some(("embed", v)) => link.embed = v != "0",
            Some(("quiz", v)) => link.quiz = v != "0",
            // Unknown parameters are ignored, so later versions may add optional ones.
            Some(_) => {}
            None if part.is_empty() => {}
            None if part == "embed" => link.embed = true,
            None => return Err(bad()),
        }
    }
    Ok(link)
}
