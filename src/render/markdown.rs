//! One Markdown fragment → sanitized HTML.
//!
//! In order: parse the fragment with pulldown-cmark; replace each formula
//! and code block with a placeholder while rendering it (KaTeX, syntect,
//! through the cache); render the events to HTML; sanitize that HTML with
//! ammonia (raw HTML in notes cannot inject script, `javascript:` links are
//! dropped); point every image, Markdown or raw `<img>`, at its
//! content-hashed copy or remove its source ([`super::media`]); mark cloze
//! deletions; put the trusted math and code HTML back in place of the
//! placeholders.

use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::highlight::{escape, highlight_code, HIGHLIGHTER};
use super::math::{render_math, KATEX_VERSION};
use super::{MathOutput, RenderContext};
use crate::model::CodeBlock;
use crate::validate::code::normalize_language;

const PLACEHOLDER_OPEN: char = '\u{E000}';
const PLACEHOLDER_CLOSE: char = '\u{E001}';

/// The Markdown extensions rendering uses (the benchmark floor uses them too).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
}

/// Renders a fragment. `code` are the model's code blocks of the fragment,
/// in order: they carry the language resolved at parse time.
pub fn render_markdown(markdown: &str, code: &[CodeBlock], ctx: &RenderContext) -> String {
    let mut trusted: Vec<String> = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut open_code: Option<(String, String)> = None;
    let mut code_index = 0;
    for event in Parser::new_ext(markdown, options()) {
        if let Some((_, source)) = open_code.as_mut() {
            match event {
                Event::Text(text) => source.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    let (label, source) = open_code.take().unwrap_or_default();
                    let language = normalize_language(&label).or_else(|| {
                        code.get(code_index).filter(|c| c.source == source).and_then(|c| c.language.clone())
                    });
                    code_index += 1;
                    events.push(placeholder(&mut trusted, render_code(&source, language.as_deref(), ctx)));
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::InlineMath(tex) => events.push(placeholder(&mut trusted, cached_math(&tex, false, ctx))),
            Event::DisplayMath(tex) => events.push(placeholder(&mut trusted, cached_math(&tex, true, ctx))),
            Event::Start(Tag::CodeBlock(kind)) => {
                let label = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                open_code = Some((label, String::new()));
            }
            other => events.push(other),
        }
    }
    drop_empty_items(&mut events);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let clean = sanitizer().clean(&html).to_string();
    // Markdown and raw HTML images alike, after the sanitizer has dropped unsafe sources.
    let clean = ctx.media.rewrite_images(clean, ctx.bank_dir);
    restore(&clean, &trusted)
}

/// Empty list items (`- ` lines left by PDF conversion) would show as bare
/// bullets.
fn drop_empty_items(events: &mut Vec<Event>) {
    let mut kept = Vec::with_capacity(events.len());
    for event in events.drain(..) {
        if matches!(event, Event::End(TagEnd::Item)) && matches!(kept.last(), Some(Event::Start(Tag::Item))) {
            kept.pop();
        } else {
            kept.push(event);
        }
    }
    *events = kept;
}

fn cached_math(tex: &str, display: bool, ctx: &RenderContext) -> String {
    if ctx.math == MathOutput::Mathjax {
        let (open, close) = if display { ("\\[", "\\]") } else { ("\\(", "\\)") };
        return format!("{open}{}{close}", escape(tex));
    }
    let mode = if display { "display" } else { "inline" };
    ctx.cache.get_or_render(&["math", KATEX_VERSION, mode, &ctx.macros_key, tex], || {
        render_math(tex, display, ctx.macros, ctx.katex)
    })
}

fn render_code(source: &str, language: Option<&str>, ctx: &RenderContext) -> String {
    let lang = language.unwrap_or("");
    ctx.cache.get_or_render(&["code", HIGHLIGHTER, lang, source], || highlight_code(source, language))
}

fn placeholder<'e>(trusted: &mut Vec<String>, html: String) -> Event<'e> {
    trusted.push(html);
    Event::Text(format!("{PLACEHOLDER_OPEN}{}{PLACEHOLDER_CLOSE}", trusted.len() - 1).into())
}

/// Puts trusted HTML back; placeholders an author typed themselves (they
/// are private-use characters) are left as they are.
fn restore(html: &str, trusted: &[String]) -> String {
    let mut out = String::with_capacity(html.len() + trusted.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(start) = rest.find(PLACEHOLDER_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + PLACEHOLDER_OPEN.len_utf8()..];
        let index = after.find(PLACEHOLDER_CLOSE).and_then(|end| Some((after[..end].parse::<usize>().ok()?, end)));
        match index.and_then(|(i, end)| trusted.get(i).map(|html| (html, end))) {
            Some((html, end)) => {
                out.push_str(html);
                rest = &after[end + PLACEHOLDER_CLOSE.len_utf8()..];
            }
            None => {
                out.push(PLACEHOLDER_OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `{{c1::text}}` and `{{c1::text::hint}}` → `<span class="cloze" data-cloze="1">text</span>`,
/// for outputs that show cloze deletions themselves (Anki keeps the syntax).
pub fn mark_cloze(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("{{c") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let close = after.find("}}");
        match close.filter(|_| digits > 0 && after[digits..].starts_with("::")) {
            Some(close) if close > digits + 2 => {
                let inner = &after[digits + 2..close];
                let text = inner.split("::").next().unwrap_or(inner);
                out.push_str(&format!("<span class=\"cloze\" data-cloze=\"{}\">{text}</span>", &after[..digits]));
                rest = &after[close + 2..];
            }
            _ => {
                out.push_str("{{c");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Raw HTML in notes keeps safe formatting only.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .add_tags(["details", "summary", "sub", "sup", "kbd", "mark", "input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("span", ["class"])
            .add_tag_attributes("div", ["class"]);
        builder
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::context;
    use super::*;

    fn render_with(markdown: &str, math: MathOutput) -> String {
        let (cache, media, katex) = context();
        let macros = Default::default();
        let mut ctx = RenderContext::new(&cache, &media, &katex, std::path::Path::new("."), &macros);
        ctx.math = math;
        render_markdown(markdown, &[], &ctx)
    }

    fn render(markdown: &str) -> String {
        render_with(markdown, MathOutput::Katex)
    }

    #[test]
    fn mathjax_output_keeps_tex_in_delimiters() {
        let html = render_with("Let $x<1$ and $$\\sum_i i$$", MathOutput::Mathjax);
        assert_eq!(html, "<p>Let \\(x&lt;1\\) and \\[\\sum_i i\\]</p>\n");
    }

    #[test]
    fn math_code_and_text() {
        let html = render("Let $x^2$ be\n\n```python\nprint(1)\n```\n");
        assert!(html.starts_with("<p>Let <span class=\"math math-inline\"><span class=\"katex\">"), "{html}");
        assert!(html.contains("<pre class=\"code\" data-lang=\"python\"><code><span class=\"hl-"), "{html}");
    }

    #[test]
    fn empty_list_items_are_dropped() {
        assert_eq!(render("- a\n- \n- b\n"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
    }

    #[test]
    fn script_and_javascript_links_are_removed() {
        let html =
            render("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b onclick=\"x()\">b</b> <sub>2</sub>");
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(html.contains("<b>b</b>") && html.contains("<sub>2</sub>"), "{html}");
    }

    #[test]
    fn cloze_and_stray_placeholders() {
        assert_eq!(
            mark_cloze("a {{c1::b::hint}} {{c2::c}} {{x}}"),
            "a <span class=\"cloze\" data-cloze=\"1\">b</span> <span class=\"cloze\" data-cloze=\"2\">c</span> {{x}}"
        );
        assert_eq!(restore("\u{E000}7\u{E001} \u{E000}0\u{E001}", &["ok".into()]), "\u{E000}7\u{E001} ok");
    }
}
