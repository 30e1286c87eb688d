//! Code highlighting with syntect. Output carries CSS classes (prefixed
//! `hl-`), never inline styles, so one stylesheet serves the light and the
//! dark theme. The syntax set and themes load once, on first use.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static THEMES: OnceLock<ThemeSet> = OnceLock::new();
    THEMES.get_or_init(ThemeSet::load_defaults)
}

/// Version tag for cache keys: highlighting changes when syntect does.
pub const HIGHLIGHTER: &str = "syntect-5.3";

/// The syntect syntax for a canonical language name, if it has one.
fn syntax_for(language: &str) -> Option<&'static SyntaxReference> {
    let set = syntaxes();
    let token = match language {
        "python" => "py",
        "rust" => "rs",
        "javascript" => "js",
        "shell" => "sh",
        "typescript" => "ts",
        other => other,
    };
    set.find_syntax_by_token(token)
}

/// Highlights a code block: `<pre class="code" data-lang="…"><code>…</code></pre>`.
pub fn highlight_code(source: &str, language: Option<&str>) -> String {
    let lang_attr = language.map(|l| format!(" data-lang=\"{}\"", escape(l))).unwrap_or_default();
    let body =
        language.and_then(syntax_for).and_then(|syntax| classed_html(source, syntax)).unwrap_or_else(|| escape(source));
    format!("<pre class=\"code\"{lang_attr}><code>{body}</code></pre>")
}

/// Longest line syntect is given. Its regexes take time far beyond a
/// line's length (a 50,000-character line took minutes, found by the fuzz
/// test); code with a longer line is shown without colours.
const MAX_HIGHLIGHTED_LINE: usize = 2_000;

fn classed_html(source: &str, syntax: &SyntaxReference) -> Option<String> {
    if source.lines().any(|line| line.len() > MAX_HIGHLIGHTED_LINE) {
        return None;
    }
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
    for line in LinesWithEndings::from(source) {
        generator.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(generator.finalize())
}

/// The stylesheet for highlighted code. Both palettes are scoped, each
/// under conditions that exclude the other, because syntect's selectors
/// differ in specificity between themes and an unscoped light rule would
/// win over a dark one.
pub fn highlight_css(light_scopes: &[&str], dark_scopes: &[&str]) -> String {
    let themes = &themes().themes;
    let light = css_for_theme_with_class_style(&themes[LIGHT_THEME], CLASS_STYLE).unwrap_or_default();
    let dark = css_for_theme_with_class_style(&themes[DARK_THEME], CLASS_STYLE).unwrap_or_default();
    let mut css = String::new();
    for (palette, scopes) in [(&light, light_scopes), (&dark, dark_scopes)] {
        for scope in scopes {
            match scope.strip_prefix('@').and_then(|s| s.split_once('|')) {
                Some((media, selector)) => {
                    css.push_str(&format!("@{media} {{\n{}\n}}\n", scope_rules(palette, selector)))
                }
                None => css.push_str(&format!("{}\n", scope_rules(palette, scope))),
            }
        }
    }
    css
}

/// The site's: an explicit choice on `<html data-theme>`, else the system.
pub fn site_highlight_css() -> String {
    highlight_css(
        &["html[data-theme=\"light\"]", "@media not (prefers-color-scheme: dark)|html:not([data-theme=\"dark\"])"],
        &["html[data-theme=\"dark\"]", "@media (prefers-color-scheme: dark)|html:not([data-theme=\"light\"])"],
    )
}

/// Print's: the light palette only.
pub fn print_highlight_css() -> String {
    highlight_css(&["html"], &[])
}

/// Anki's: night mode puts `.nightMode` on the card's ancestors.
pub fn anki_highlight_css() -> String {
    highlight_css(&["body:not(.nightMode)"], &[".nightMode"])
}

/// Prefixes every selector of a flat stylesheet with `scope`.
fn scope_rules(css: &str, scope: &str) -> String {
    let mut out = String::new();
    for rule in css.split_inclusive('}') {
        match rule.split_once('{') {
            Some((selectors, body)) => {
                let (comment, selectors) = match selectors.rfind("*/") {
                    Some(end) => selectors.split_at(end + 2),
                    None => ("", selectors),
                };
                out.push_str(comment);
                let scoped: Vec<String> = selectors.split(',').map(|s| format!("{scope} {}", s.trim())).collect();
                out.push_str(&format!("\n{} {{{body}", scoped.join(", ")));
            }
            None => out.push_str(rule),
        }
    }
    out
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn code_with_a_very_long_line_is_shown_without_colours() {
        let source = format!("let x = \"{}\";\n", "a".repeat(MAX_HIGHLIGHTED_LINE + 1));
        let html = highlight_code(&source, Some("rust"));
        assert!(!html.contains("<span"), "highlighted");
        assert!(html.contains(&"a".repeat(MAX_HIGHLIGHTED_LINE + 1)));
        assert!(highlight_code("let x = 1;\n", Some("rust")).contains("<span"));
    }
    use super::*;

    #[test]
    fn python_gets_prefixed_classes() {
        let html = highlight_code("def f(x):\n    return x  # c\n", Some("python"));
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"python\"><code>"));
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="));
    }

    #[test]
    fn unknown_languages_are_escaped_plain_text() {
        let html = highlight_code("<b>&</b>", Some("klingon"));
        assert_eq!(html, "<pre class=\"code\" data-lang=\"klingon\"><code>&lt;b&gt;&amp;&lt;/b&gt;</code></pre>");
    }

    #[test]
    fn dark_rules_are_scoped() {
        let css = site_highlight_css();
        assert!(css.contains("html[data-theme=\"dark\"] .hl-"));
        assert!(css.contains("html[data-theme=\"light\"] .hl-"));
        assert!(css.contains("@media (prefers-color-scheme: dark)"));
        assert!(!css.lines().any(|l| l.starts_with(".hl-")), "no unscoped rule");
    }
}
