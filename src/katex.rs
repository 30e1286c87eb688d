//! KaTeX, through the `katex` crate (one QuickJS context per thread):
//! the engine's limits and messages, and the memo that makes a build run
//! it once per distinct formula. Validation asks it for verdicts, rendering
//! for HTML.

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

/// Version tag for cache keys: the KaTeX the `katex` crate embeds.
pub const KATEX_VERSION: &str = "katex-0.16.4";

/// Longest formula, in bytes, given to KaTeX. KaTeX's time grows faster
/// than a formula's length (20,000 characters take seconds, a case the
/// fuzz test hit in minutes); real formulas stay far below. Longer ones
/// are shown as their source and reported as `math-too-long`.
pub const MAX_FORMULA: usize = 5_000;

/// Why a formula is not rendered, when it is longer than [`MAX_FORMULA`].
pub fn too_long(tex: &str) -> Option<String> {
    (tex.len() > MAX_FORMULA).then(|| {
        format!("formula of {} bytes is not rendered: the limit is {MAX_FORMULA}; an unclosed `$` may have taken the text after it", tex.len())
    })
}

/// KaTeX's HTML for a formula, or KaTeX's error message.
pub fn katex_html(tex: &str, display: bool, macros: &BTreeMap<String, String>) -> Result<String, String> {
    if let Some(reason) = too_long(tex) {
        return Err(reason);
    }
    let mut opts = katex::Opts::default();
    opts.set_display_mode(display);
    opts.set_throw_on_error(true);
    for (name, body) in macros {
        opts.add_macro(name.clone(), body.clone());
    }
    katex::render_with_opts(tex, &opts).map_err(|err| clean_message(&err.to_string()))
}

/// KaTeX results of this run: validation renders each formula to check
/// it and leaves the HTML here, and rendering reads it, so a cold build
/// runs KaTeX once per distinct formula (KaTeX is most of its time), even
/// for a formula several banks use.
#[derive(Default)]
pub struct KatexMemo {
    results: RwLock<HashMap<(String, bool), Result<String, String>>>,
}

impl KatexMemo {
    /// KaTeX's error for the formula, if any; remembers the result.
    pub fn check(&self, tex: &str, display: bool, macros: &BTreeMap<String, String>) -> Option<String> {
        let result = self.render(tex, display, macros);
        result.err()
    }

    /// The remembered result, or KaTeX's now (then remembered).
    pub fn render(&self, tex: &str, display: bool, macros: &BTreeMap<String, String>) -> Result<String, String> {
        let key = (tex.to_string(), display);
        if let Some(known) = self.results.read().expect("katex memo").get(&key) {
            return known.clone();
        }
        let result = katex_html(tex, display, macros);
        self.results.write().expect("katex memo").insert(key, result.clone());
        result
    }
}

/// Extracts KaTeX's message from the crate's error, which wraps the JS
/// exception in Rust `Debug` quoting, and drops the combining underlines
/// KaTeX puts under the offending excerpt.
fn clean_message(raw: &str) -> String {
    if raw.contains("stack overflow") || raw.contains("too much recursion") {
        return "formula is nested too deeply for KaTeX (stack overflow)".to_string();
    }
    let Some(start) = raw.find("KaTeX parse error: ") else {
        return raw.to_string();
    };
    let quoted = &raw[start..];
    let mut message = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('u') => {
                    let code: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                    let decoded = u32::from_str_radix(&code, 16).ok().and_then(char::from_u32);
                    message.extend(decoded.filter(|c| *c != '\u{332}'));
                }
                Some('n') => message.push(' '),
                Some(other) => message.push(other),
                None => {}
            },
            '\u{332}' => {}
            other => message.push(other),
        }
    }
    message.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_katex_messages_and_long_formulas_never_reach_it() {
        let memo = KatexMemo::default();
        let macros = BTreeMap::new();
        assert!(memo.check(r"\frac{a}{b}", false, &macros).is_none());
        let error = memo.check(r"\frac{a}", false, &macros).unwrap();
        assert!(error.starts_with("KaTeX parse error: "), "{error}");
        let long = "x+".repeat(MAX_FORMULA / 2 + 1);
        assert!(memo.check(&long, true, &macros).unwrap().starts_with("formula of"));
        assert!(too_long(&long[..MAX_FORMULA]).is_none());
    }
}
