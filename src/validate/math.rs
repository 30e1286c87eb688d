//! Math validation: every formula goes through KaTeX (the `katex` crate,
//! one QuickJS context per thread, started lazily by the crate). A parse
//! error carries KaTeX's message and points at the character KaTeX names.
//! Each distinct formula is checked once per run, and not at all when the
//! check cache (kept by `build` in `output/.cache/check.json`) knows it;
//! the HTML KaTeX made is left in the [`KatexMemo`] for rendering.
//! Formulas longer than [`crate::katex::MAX_FORMULA`] never reach KaTeX: they are a
//! `math-too-long` warning.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::cache::DiskCache;
use crate::diagnostic::{Code, Diagnostic};
use crate::katex::{katex_html, too_long, KatexMemo, KATEX_VERSION};
use crate::model::Math;
use crate::source::SourceFile;

/// Checks formulas; returns one diagnostic per failing occurrence.
pub fn check_math(
    file: &SourceFile,
    formulas: &[&Math],
    macros: &BTreeMap<String, String>,
    cache: &DiskCache,
    katex: &KatexMemo,
) -> Vec<Diagnostic> {
    let mut distinct: Vec<(&str, bool)> = formulas.iter().map(|m| (m.tex.as_str(), m.display)).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let macros_key = serde_json::to_string(macros).unwrap_or_default();
    let errors: HashMap<(&str, bool), String> = distinct
        .par_iter()
        .filter(|&&(tex, _)| too_long(tex).is_none())
        .filter_map(|&(tex, display)| {
            let mode = if display { "display" } else { "inline" };
            // An empty entry means the formula is valid.
            let message = cache.get_or_render(&["math-check", KATEX_VERSION, mode, &macros_key, tex], || {
                katex.check(tex, display, macros).unwrap_or_default()
            });
            (!message.is_empty()).then_some(((tex, display), message))
        })
        .collect();
    formulas
        .iter()
        .filter_map(|m| match too_long(&m.tex) {
            Some(reason) => Some(Diagnostic::new(Code::MathTooLong, file, Some(m.span), reason)),
            None => errors.get(&(m.tex.as_str(), m.display)).map(|message| diagnostic(file, m, message)),
        })
        .collect()
}

/// KaTeX's error message for a formula, or `None` when it renders.
pub fn katex_error(tex: &str, display: bool, macros: &BTreeMap<String, String>) -> Option<String> {
    katex_html(tex, display, macros).err()
}

fn diagnostic(file: &SourceFile, math: &Math, message: &str) -> Diagnostic {
    let mut span = math.span;
    // KaTeX counts characters from 1 within the formula.
    if let Some(position) = error_position(message) {
        if file.text.get(span.range()) == Some(math.tex.as_str()) {
            let byte = math.tex.char_indices().nth(position.saturating_sub(1)).map_or(math.tex.len(), |(i, _)| i);
            span = file.span(span.start + byte..span.end.max(span.start + byte));
        }
    }
    Diagnostic::new(Code::MathParse, file, Some(span), message.to_string())
}

/// `... at position 7: ...` → 7.
fn error_position(message: &str) -> Option<usize> {
    let rest = &message[message.find("at position ")? + "at position ".len()..];
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_formulas() {
        let macros = BTreeMap::new();
        assert_eq!(katex_error(r"\frac{a}{b} + \gamma", false, &macros), None);
        let error = katex_error(r"x^{2}}", false, &macros).unwrap();
        assert!(error.starts_with("KaTeX parse error: Expected 'EOF', got '}'"), "{error}");
        assert!(error.ends_with("x^{2}}"), "{error}");
        assert_eq!(error_position(&error), Some(6));
        assert!(katex_error(r"\undefinedmacro", true, &macros).is_some());
        let with_macro = BTreeMap::from([(r"\RR".to_string(), r"\mathbb{R}".to_string())]);
        assert_eq!(katex_error(r"x \in \RR", false, &with_macro), None);
    }

    #[test]
    fn known_results_come_from_the_cache() {
        let file = SourceFile::new("a.md", "$x^{2}}$ $y$".to_string());
        let math =
            |tex: &str, start| Math { tex: tex.into(), display: false, span: file.span(start..start + tex.len()) };
        let formulas = [math("x^{2}}", 1), math("y", 11)];
        let cache = DiskCache::default();
        let found =
            check_math(&file, &formulas.iter().collect::<Vec<_>>(), &BTreeMap::new(), &cache, &KatexMemo::default());
        assert_eq!(found.len(), 1);
        assert_eq!(cache.counts(), (0, 2));
        let again =
            check_math(&file, &formulas.iter().collect::<Vec<_>>(), &BTreeMap::new(), &cache, &KatexMemo::default());
        assert_eq!(again, found);
        assert_eq!(cache.counts(), (2, 2), "the second check runs no KaTeX");
    }
}
