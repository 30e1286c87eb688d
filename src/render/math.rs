//! Math rendering with KaTeX (the `katex` crate keeps one QuickJS context
//! per thread). A formula KaTeX rejects keeps its source visible, marked as
//! an error; validation has already reported it.

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

use super::highlight::escape;

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

/// Whether a `$$…$$` formula (its source range in `text`, delimiters
/// included) is display math: only when nothing but spaces stands before
/// it on its first line and after it on its last. Written inside a sentence
/// (`Given a vector $$u$$, find…`, as banks written for MathJax or GitBook
/// do), it is inline math: shown as display math it would cut the
/// sentence into pieces.
pub fn display_stands_alone(text: &str, range: std::ops::Range<usize>) -> bool {
    let before = text.get(..range.start).unwrap_or("");
    let after = text.get(range.end..).unwrap_or("");
    let line_before = before.rsplit('\n').next().unwrap_or("");
    let line_after = after.split('\n').next().unwrap_or("");
    // Markdown containers (`> `, list markers) may stand before it.
    let lead = line_before.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '>' | '-' | '*' | '+'));
    let lead = lead.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches(['.', ')']);
    lead.trim().is_empty() && line_after.trim().is_empty()
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
    fn render(&self, tex: &str, display: bool, macros: &BTreeMap<String, String>) -> Result<String, String> {
        let key = (tex.to_string(), display);
        if let Some(known) = self.results.read().expect("katex memo").get(&key) {
            return known.clone();
        }
        let result = katex_html(tex, display, macros);
        self.results.write().expect("katex memo").insert(key, result.clone());
        result
    }
}

/// Renders one formula to HTML wrapped in a `.math` element.
pub fn render_math(tex: &str, display: bool, macros: &BTreeMap<String, String>, memo: &KatexMemo) -> String {
    match memo.render(tex, display, macros) {
        Ok(html) if display => format!("<span class=\"math math-display\">{html}</span>"),
        Ok(html) => format!("<span class=\"math math-inline\">{html}</span>"),
        Err(message) => {
            let delimiter = if display { "$$" } else { "$" };
            format!(
                "<code class=\"math-error\" title=\"{}\">{delimiter}{}{delimiter}</code>",
                escape(&message),
                escape(tex)
            )
        }
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
    fn renders_inline_display_and_errors() {
        let macros = BTreeMap::new();
        let inline = render_math(r"\gamma", false, &macros, &KatexMemo::default());
        assert!(inline.starts_with("<span class=\"math math-inline\"><span class=\"katex\">"), "{inline}");
        let display = render_math(r"\frac{a}{b}", true, &macros, &KatexMemo::default());
        assert!(display.contains("katex-display"), "{display}");
        let broken = render_math(r"\frac{a}", false, &macros, &KatexMemo::default());
        assert!(broken.starts_with("<code class=\"math-error\""), "{broken}");
        assert!(broken.contains("$\\frac{a}$"), "{broken}");
    }

    #[test]
    fn display_math_inside_a_sentence_is_inline() {
        let at = |text: &str| {
            let start = text.find("$$").unwrap();
            let end = text[start + 2..].find("$$").unwrap() + start + 4;
            display_stands_alone(text, start..end)
        };
        assert!(at("Sum:\n\n$$\\sum_i x_i$$\n\nDone."));
        assert!(at("> $$x$$\n"));
        assert!(at("1. $$x$$"));
        assert!(!at("Given a vector $$u$$, find $$v$$."));
        assert!(!at("$$u$$ is a vector"));
    }

    #[test]
    fn a_formula_over_the_limit_is_shown_as_source_without_katex() {
        let long = "x+".repeat(MAX_FORMULA / 2 + 1);
        let shown = render_math(&long, true, &BTreeMap::new(), &KatexMemo::default());
        assert!(shown.starts_with("<code class=\"math-error\" title=\"formula of"), "{}", &shown[..100]);
        assert!(shown.contains(&format!("$${long}$$")));
        assert!(too_long(&long[..MAX_FORMULA]).is_none());
    }
}
