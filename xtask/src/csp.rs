//! The static site's Content-Security-Policy, written into the built `index.html` as a
//! `<meta http-equiv>` (GitHub Pages sets no headers). Trunk's loader is the page's one
//! inline script; it changes with every build (it names the hashed files), so its hash is
//! taken after the build and only that script may run inline.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::Result;

/// The policy, with `{scripts}` for the inline scripts' hashes. Each source, and why:
/// - `default-src 'none'`: nothing that is not named below.
/// - `script-src 'self' {scripts} 'wasm-unsafe-eval'`: the site's own JavaScript, Trunk's
///   loader by its hash, and compiling the WebAssembly module (no `eval`, no other inline
///   script).
/// - `style-src 'self'`: the site's style sheet; `style-src-attr 'unsafe-inline'`: the
///   `style` attributes the playground sets (the editor's line markers, the split width);
///   an attribute cannot run script.
/// - `img-src 'self' data:`: the empty `data:` favicon.
/// - `connect-src 'self'`: fetching the site's own files and nothing else: the `.wasm`
///   module, and the gallery (`gallery.txt`), the specification (`WSAAsyncSelect.txt`)
///   and Export as C's shared C (`prelude.c`), which the playground loads when first
///   wanted instead of compiling them in (`web/src/data.rs`).
/// - `base-uri 'none'`, `form-action 'none'`, `object-src 'none'`: no base URL, forms or
///   plug-ins. (`frame-ancestors` cannot be set by a `<meta>`; see README for embedding.)
pub const POLICY: &str = "default-src 'none'; script-src 'self' {scripts} 'wasm-unsafe-eval'; \
style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
base-uri 'none'; form-action 'none'; object-src 'none'";

/// The `'sha256-…'` source of every inline `<script>` of `html`.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(gt) = after.find('>') else { break };
        let tag = &after[..gt];
        let body_start = gt + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        let body = &after[body_start..body_start + close];
        if !tag.contains(" src=") {
            out.push(format!(
                "'sha256-{}'",
                STANDARD.encode(Sha256::digest(body.as_bytes()))
            ));
        }
        rest = &after[body_start + close..];
    }
    out
}

/// `html` with the policy as the first element of its `<head>`.
pub fn lock_down(html: &str) -> Result<String> {
    if html.contains("Content-Security-Policy") {
        return Ok(html.to_string());
    }
    let scripts = inline_script_hashes(html);
    if scripts.is_empty() {
        return Err("index.html has no inline loader script: Trunk's output changed".into());
    }
    let meta = format!(
        "\n    <meta http-equiv=\"Content-Security-Policy\" content=\"{}\" />",
        POLICY.replace("{scripts}", &scripts.join(" "))
    );
    let at = html.find("<head>").ok_or("index.html has no <head>")? + "<head>".len();
    Ok(format!("{}{meta}{}", &html[..at], &html[at..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_is_allowed_by_its_hash_and_nothing_else_inline() {
        let html = "<html><head><title>t</title>\n<script type=\"module\">import init from './a.js';\n</script>\n<script src=\"x.js\"></script></head><body></body></html>";
        let out = lock_down(html).unwrap();
        let digest = STANDARD.encode(Sha256::digest(b"import init from './a.js';\n"));
        assert!(out.starts_with("<html><head>\n    <meta http-equiv=\"Content-Security-Policy\""));
        assert!(out.contains(&format!(
            "script-src 'self' 'sha256-{digest}' 'wasm-unsafe-eval'"
        )));
        assert_eq!(out.matches("'sha256-").count(), 1);
        assert!(!out.contains("'unsafe-eval'") && !out.contains("script-src 'unsafe-inline'"));
        assert_eq!(lock_down(&out).unwrap(), out);
        assert!(lock_down("<html><head></head></html>").is_err());
    }
}
