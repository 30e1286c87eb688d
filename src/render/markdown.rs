//! One Markdown fragment → sanitized HTML.
//!
//! In order: parse the fragment with pulldown-cmark; replace each formula
//! and code block with a placeholder while rendering it (KaTeX, syntect,
//! through the cache); cap the nesting at [`MAX_NESTING`] elements
//! ([`NestingCap`]: deeper tags are dropped, deeper raw HTML becomes text);
//! turn callouts into boxes ([`super::callout`]) and, in a vault, wiki
//! links and embeds into text and images ([`super::wiki`]); render the
//! events to HTML; sanitize that HTML with ammonia (raw HTML in
//! notes cannot inject script, `javascript:` links are dropped, comments
//! such as `<!--SR:…-->` scheduling data are removed); point
//! every image, Markdown or raw `<img>`, at its content-hashed copy or
//! remove its source ([`super::media`]); put the trusted math and code
//! HTML back in place of the placeholders. (Each output's own changes,
//! such as marked cloze deletions, are [`super::outputs`]'.)

use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::callout::Callouts;
use super::highlight::{escape, highlight_code, HIGHLIGHTER};
use super::math::render_math;
use super::wiki::WikiLinks;
use super::{MathOutput, RenderContext};
use crate::katex::KATEX_VERSION;
use crate::lang::normalize_language;
use crate::model::CodeBlock;
use crate::parse::text::display_stands_alone;

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
    let mut events: Vec<(Event, Range<usize>)> = Vec::new();
    let mut open_code: Option<(String, String)> = None;
    let mut code_index = 0;
    let options = if ctx.vault_note.is_some() { options() | Options::ENABLE_WIKILINKS } else { options() };
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        if let Some((_, source)) = open_code.as_mut() {
            match event {
                Event::Text(text) => source.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    let (label, source) = open_code.take().unwrap_or_default();
                    // The parse stage read the same text, so its blocks come
                    // in this order; a fragment without a model (a callout
                    // title) has only its label.
                    let language = match code.get(code_index) {
                        Some(block) => block.language.clone(),
                        None => normalize_language(&label),
                    };
                    code_index += 1;
                    events.push((placeholder(&mut trusted, render_code(&source, language.as_deref(), ctx)), range));
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::InlineMath(tex) => events.push((placeholder(&mut trusted, cached_math(&tex, false, ctx)), range)),
            Event::DisplayMath(tex) => {
                let display = display_stands_alone(markdown, range.clone());
                events.push((placeholder(&mut trusted, cached_math(&tex, display, ctx)), range))
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let label = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                open_code = Some((label, String::new()));
            }
            other => events.push((other, range)),
        }
    }
    let mut events = cap_nesting(events);
    drop_empty_items(&mut events);
    escape_dangling_tags(&mut events);
    let events = note_conventions(events, markdown, &mut trusted, ctx);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let clean = sanitizer().clean(&html).to_string();
    // Markdown and raw HTML images alike, after the sanitizer has dropped unsafe sources.
    let clean = ctx.media.rewrite_images(clean, ctx.bank_dir);
    restore(&clean, &trusted)
}

/// Deepest element nesting a fragment renders to. html5ever, under
/// ammonia, looks through every open element for each new tag, so its time
/// grows with the square of the depth (`- ` repeated 32,000 times on one
/// line took 20 s); real notes stay below 20. Deeper tags are left out
/// (their text is kept) and deeper raw HTML is shown as text;
/// validation reports it as `nesting-too-deep`.
pub const MAX_NESTING: usize = 100;

/// What [`NestingCap`] does with one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Keep,
    /// A tag too deep (or the end of one): left out, its content stays.
    Drop,
    /// The end of a paragraph or heading too deep: a line break keeps its
    /// text apart from the next.
    Break,
    /// Raw HTML that would open elements too deep: shown as text.
    Escape,
}

/// Tracks the element depth of an event stream and decides, event by
/// event, what stays. Linear: one push or pop per tag, one scan per raw
/// HTML piece. Rendering and validation run the same cap, so the warning
/// appears exactly when something is flattened.
#[derive(Default)]
pub struct NestingCap {
    /// One entry per open tag: whether it was kept.
    open: Vec<bool>,
    /// Open tags kept.
    depth: usize,
    /// Elements the raw HTML of the current top-level block left open.
    raw: usize,
}

impl NestingCap {
    pub fn admit(&mut self, event: &Event) -> Nesting {
        match event {
            // Code blocks render to one placeholder, not to nested tags.
            Event::Start(Tag::CodeBlock(_)) | Event::End(TagEnd::CodeBlock) => Nesting::Keep,
            Event::Start(_) => {
                let keep = self.depth + self.raw < MAX_NESTING;
                self.open.push(keep);
                self.depth += usize::from(keep);
                if keep {
                    Nesting::Keep
                } else {
                    Nesting::Drop
                }
            }
            Event::End(end) => {
                let kept = self.open.pop().unwrap_or(true);
                if kept {
                    self.depth = self.depth.saturating_sub(1);
                }
                if self.open.is_empty() {
                    self.raw = 0;
                }
                match (kept, end) {
                    (true, _) => Nesting::Keep,
                    (false, TagEnd::Paragraph | TagEnd::Heading(_)) => Nesting::Break,
                    (false, _) => Nesting::Drop,
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let (peak, net) = raw_tag_depth(html);
                if self.depth + self.raw + peak > MAX_NESTING {
                    return Nesting::Escape;
                }
                self.raw = self.raw.saturating_add_signed(net);
                Nesting::Keep
            }
            _ => Nesting::Keep,
        }
    }
}

/// A fragment's events with their source ranges.
type Ranged<'e> = Vec<(Event<'e>, Range<usize>)>;

/// Applies [`NestingCap`] to a fragment's events.
fn cap_nesting(events: Ranged) -> Ranged {
    let mut cap = NestingCap::default();
    let mut kept = Vec::with_capacity(events.len());
    for (event, range) in events {
        match cap.admit(&event) {
            Nesting::Keep => kept.push((event, range)),
            Nesting::Drop => {}
            Nesting::Break => kept.push((Event::HardBreak, range)),
            Nesting::Escape => match event {
                Event::Html(html) | Event::InlineHtml(html) => kept.push((Event::Text(html), range)),
                other => kept.push((other, range)),
            },
        }
    }
    kept
}

/// Callouts everywhere; wiki links and embeds in a vault. After the
/// nesting cap: a callout takes the place of its quote, one level deep.
fn note_conventions<'e>(
    events: Ranged<'e>,
    markdown: &str,
    trusted: &mut Vec<String>,
    ctx: &RenderContext,
) -> Vec<Event<'e>> {
    let mut callouts = Callouts::default();
    let mut wiki = ctx.vault_note.map(WikiLinks::new);
    let mut out = Vec::with_capacity(events.len());
    for (event, range) in events {
        let Some(event) = callouts.step(event, &range, markdown, trusted, ctx) else { continue };
        match wiki.as_mut() {
            Some(wiki) => wiki.step(event, &mut out, trusted, ctx),
            None => out.push(event),
        }
    }
    out
}

/// Byte offset in `markdown` of the first event [`NestingCap`] does not
/// keep as it is; `None` when the fragment renders unchanged.
pub fn first_too_deep(markdown: &str) -> Option<usize> {
    let mut cap = NestingCap::default();
    Parser::new_ext(markdown, options())
        .into_offset_iter()
        .find(|(event, _)| cap.admit(event) != Nesting::Keep)
        .map(|(_, range)| range.start)
}

/// Elements that never hold others open: void elements, and those whose end
/// tag is optional (the HTML parser closes them at their next sibling).
const NON_NESTING: [&str; 30] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "colgroup", "caption", "rt", "rp",
    "param",
];

/// The deepest the tags of a raw HTML piece go above where it starts, and
/// how many it leaves open (negative when it closes more than it opens).
/// A tag is `<name` or `</name` with an ASCII letter first; self-closing
/// `/>` is ignored, as the HTML parser ignores it on non-void elements.
fn raw_tag_depth(html: &str) -> (usize, isize) {
    let (mut depth, mut peak) = (0isize, 0isize);
    for (i, _) in html.match_indices('<') {
        let rest = html.get(i + 1..).unwrap_or_default();
        let (closing, rest) = match rest.strip_prefix('/') {
            Some(name) => (true, name),
            None => (false, rest),
        };
        let name_len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
        let name = rest.get(..name_len).unwrap_or_default();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic())
            || NON_NESTING.iter().any(|tag| tag.eq_ignore_ascii_case(name))
        {
            continue;
        }
        depth += if closing { -1 } else { 1 };
        peak = peak.max(depth);
    }
    (peak.unsigned_abs(), depth)
}

/// Empty list items (`- ` lines left by PDF conversion) would show as bare
/// bullets.
fn drop_empty_items(events: &mut Ranged) {
    let mut kept: Ranged = Vec::with_capacity(events.len());
    for (event, range) in events.drain(..) {
        if matches!(event, Event::End(TagEnd::Item)) && matches!(kept.last(), Some((Event::Start(Tag::Item), _))) {
            kept.pop();
        } else {
            kept.push((event, range));
        }
    }
    *events = kept;
}

/// Raw HTML that ends inside a tag (`<a` before a blank line) would take
/// what follows it, code and formulas included, as the tag's attributes:
/// each `<` after the last `>` of an HTML block is shown as text.
fn escape_dangling_tags(events: &mut Ranged) {
    let mut start = 0;
    while start < events.len() {
        let run = events[start..].iter().take_while(|(e, _)| matches!(e, Event::Html(_))).count();
        for k in (start..start + run).rev() {
            let Event::Html(html) = &events[k].0 else { break };
            let closed = html.rfind('>').map(|at| at + 1);
            let tail = closed.unwrap_or(0);
            if html[tail..].contains('<') {
                events[k].0 = Event::Html(format!("{}{}", &html[..tail], html[tail..].replace('<', "&lt;")).into());
            }
            if closed.is_some() {
                break;
            }
        }
        start += run.max(1);
    }
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

/// A stand-in for trusted HTML, put back after sanitizing ([`restore`]).
pub(super) fn placeholder<'e>(trusted: &mut Vec<String>, html: String) -> Event<'e> {
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
        let html = render_with("Let $x<1$ and\n$$\\sum_i i$$", MathOutput::Mathjax);
        assert_eq!(html, "<p>Let \\(x&lt;1\\) and\n\\[\\sum_i i\\]</p>\n");
        // `$$` inside a sentence is inline math, as MathJax banks mean it.
        let html = render_with("Let $$x<1$$ hold", MathOutput::Mathjax);
        assert_eq!(html, "<p>Let \\(x&lt;1\\) hold</p>\n");
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

    /// The deepest element nesting of well-formed HTML (void elements are
    /// not counted).
    fn html_depth(html: &str) -> usize {
        let (mut depth, mut deepest) = (0usize, 0);
        for (i, _) in html.match_indices('<') {
            let rest = &html[i + 1..];
            if rest.starts_with('/') {
                depth -= 1;
            } else if !["br", "hr", "img", "input"].iter().any(|v| rest.starts_with(v)) {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        deepest
    }

    #[test]
    fn deep_lists_and_quotes_render_flat_below_the_limit() {
        for markdown in [format!("{}x\n", "- ".repeat(5_000)), format!("{}x\n", "> ".repeat(5_000))] {
            let html = render(&markdown);
            let depth = html_depth(&html);
            assert!((MAX_NESTING - 2..=MAX_NESTING).contains(&depth), "depth {depth}");
            assert!(html.contains("<li>x</li>") || html.contains("\nx<br>\n"), "the text is kept");
        }
        // Paragraphs too deep stay apart.
        let html = render(&format!("{}a\n{0}\n{0}b\n", "> ".repeat(200)));
        assert!(html.contains("a<br>\nb<br>"), "{html}");
    }

    #[test]
    fn deep_raw_html_is_shown_as_text() {
        let html = render(&format!("{}x{}\n", "<div>".repeat(150), "</div>".repeat(150)));
        assert!(html.contains("&lt;div&gt;"), "{html}");
        assert!(html_depth(&html) <= MAX_NESTING);
        let inline = render(&format!("a {}x\n", "<b>".repeat(150)));
        assert!(inline.contains("&lt;b&gt;"), "{inline}");
    }

    #[test]
    fn shallow_nesting_is_unchanged() {
        let markdown = format!("{}x\n\n<div><div><p>y</p><br><img src=a.png></div></div>\n", "- ".repeat(40));
        let mut cap = NestingCap::default();
        assert!(Parser::new_ext(&markdown, options()).all(|event| cap.admit(&event) == Nesting::Keep));
        assert_eq!(first_too_deep(&markdown), None);
        assert_eq!(first_too_deep(&format!("{}x", "- ".repeat(51))), Some(100));
    }

    #[test]
    fn raw_tag_depth_counts_nesting_elements() {
        assert_eq!(raw_tag_depth("<div><span>a</span></div>"), (2, 0));
        assert_eq!(raw_tag_depth("</div></div>"), (0, -2));
        assert_eq!(raw_tag_depth("<p>a<p>b<li>c<br><img src=x><hr/>"), (0, 0));
        assert_eq!(raw_tag_depth("<DIV><!-- c --> a < b <3 <é"), (1, 1));
    }

    #[test]
    fn stray_placeholders() {
        assert_eq!(restore("\u{E000}7\u{E001} \u{E000}0\u{E001}", &["ok".into()]), "\u{E000}7\u{E001} ok");
    }
}
