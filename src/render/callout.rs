//! Callouts: a block quote whose first line is `[!type]`, with an optional
//! fold mark (`+`/`-`) and title (`> [!warning]- Mind the gap`), as Obsidian
//! writes them (GitHub's `> [!NOTE]` alerts are the same syntax). One
//! becomes `<div class="callout callout-{type}" data-callout="{as written}">`
//! with a `<div class="callout-title">` first, in place of the quote;
//! aliases map to Obsidian's thirteen types (`tldr` → `abstract`), unknown
//! types look like `note`. Callouts are always shown open: a handout or a
//! card has nothing to click. A block quote without the mark stays one.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::highlight::escape;
use super::markdown::{placeholder, render_markdown};
use super::RenderContext;

/// Obsidian's callout types and their aliases; the first name of each row
/// is the type (and its CSS class).
const TYPES: [&[&str]; 13] = [
    &["note"],
    &["abstract", "summary", "tldr"],
    &["info"],
    &["todo"],
    &["tip", "hint", "important"],
    &["success", "check", "done"],
    &["question", "help", "faq"],
    &["warning", "caution", "attention"],
    &["failure", "fail", "missing"],
    &["danger", "error"],
    &["bug"],
    &["example"],
    &["quote", "cite"],
];

/// What the first line of a callout says.
#[derive(Debug, PartialEq, Eq)]
pub struct Head<'a> {
    /// As written, lower case (`caution`).
    pub written: String,
    /// The type it is styled as (`warning`).
    pub kind: &'static str,
    pub title: &'a str,
}

/// Reads the first line of a block quote's source (from its `>`); `None`
/// unless it starts with `[!type]`.
pub fn head(quote: &str) -> Option<Head<'_>> {
    let line = quote.lines().next()?;
    let rest = line.trim_start().strip_prefix('>')?.trim_start().strip_prefix("[!")?;
    let end = rest.find(']')?;
    let written = &rest[..end];
    if written.is_empty() || !written.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let after = &rest[end + 1..];
    let title = after.strip_prefix(['+', '-']).unwrap_or(after).trim();
    let written = written.to_lowercase();
    let kind = TYPES.iter().find(|names| names.contains(&written.as_str())).map_or("note", |names| names[0]);
    Some(Head { written, kind, title })
}

/// Turns the block quotes of an event stream that are callouts into
/// callout boxes, event by event.
#[derive(Default)]
pub struct Callouts {
    /// One entry per open block quote: whether it is a callout.
    open: Vec<bool>,
    /// While the events of a callout's first line go by: where it ends.
    head_end: Option<usize>,
}

impl Callouts {
    /// The event to render in place of `event` (`None`: left out).
    pub fn step<'e>(
        &mut self,
        event: Event<'e>,
        range: &Range<usize>,
        markdown: &str,
        trusted: &mut Vec<String>,
        ctx: &RenderContext,
    ) -> Option<Event<'e>> {
        if let Some(end) = self.head_end {
            // The title is rendered on its own: the events of the first line
            // go, what continues past it (the rest of its paragraph) stays.
            // A tag's start and end have one range, so both go or both stay;
            // the quote's own end always stays.
            let in_head = range.start < end && range.end <= end;
            if in_head && !matches!(event, Event::End(TagEnd::BlockQuote(_))) {
                return None;
            }
            if range.start >= end {
                self.head_end = None;
                if matches!(event, Event::SoftBreak | Event::HardBreak) {
                    return None;
                }
            }
        }
        match event {
            Event::Start(Tag::BlockQuote(_)) => {
                let source = markdown.get(range.clone()).unwrap_or_default();
                let Some(head) = head(source) else {
                    self.open.push(false);
                    return Some(event);
                };
                self.open.push(true);
                self.head_end = Some(range.start + source.find('\n').map_or(source.len(), |i| i + 1));
                Some(placeholder(trusted, open_html(&head, ctx)))
            }
            Event::End(TagEnd::BlockQuote(_)) if self.open.pop() == Some(true) => {
                Some(placeholder(trusted, "</div>\n".into()))
            }
            other => Some(other),
        }
    }
}

/// The box's opening and its title (Markdown, rendered on its own; the
/// type's name when there is none).
fn open_html(head: &Head, ctx: &RenderContext) -> String {
    let title = if head.title.is_empty() {
        let mut chars = head.written.chars();
        escape(&chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default())
    } else {
        let html = render_markdown(head.title, &[], ctx);
        let html = html.trim_end();
        html.strip_prefix("<p>").and_then(|h| h.strip_suffix("</p>")).unwrap_or(html).to_string()
    };
    format!(
        "<div class=\"callout callout-{}\" data-callout=\"{}\"><div class=\"callout-title\">{title}</div>",
        head.kind,
        escape(&head.written)
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::context;
    use super::*;

    fn render(markdown: &str) -> String {
        let (cache, media, katex) = context();
        let macros = Default::default();
        let ctx = RenderContext::new(&cache, &media, &katex, std::path::Path::new("."), &macros);
        render_markdown(markdown, &[], &ctx)
    }

    #[test]
    fn callouts_render_as_boxes_and_plain_quotes_stay_quotes() {
        assert_eq!(
            render("> [!tip] Use **both** ways\n> Body $x$ text.\n> - item"),
            format!(
                "<div class=\"callout callout-tip\" data-callout=\"tip\"><div class=\"callout-title\">Use <strong>both</strong> \
                 ways</div>\n{}<ul>\n<li>item</li>\n</ul>\n</div>\n",
                render("Body $x$ text.")
            )
        );
        assert_eq!(
            render("> [!FAQ]-\n\n> [!bogus] Odd"),
            "<div class=\"callout callout-question\" data-callout=\"faq\"><div class=\"callout-title\">Faq</div></div>\n\
             <div class=\"callout callout-note\" data-callout=\"bogus\"><div class=\"callout-title\">Odd</div></div>\n"
        );
        assert_eq!(
            render("> A plain quote\n> [!note] later"),
            "<blockquote>\n<p>A plain quote\n[!note] later</p>\n</blockquote>\n"
        );
        let nested = render("> [!example] Outer\n> > [!warning] Inner\n> > text");
        assert!(nested.starts_with("<div class=\"callout callout-example\""), "{nested}");
        assert!(nested.contains("<div class=\"callout callout-warning\" data-callout=\"warning\"><div class=\"callout-title\">Inner</div>\n<p>text</p>\n</div>\n</div>"), "{nested}");
        // The sanitizer never sees the box: a title cannot inject markup.
        let title = render("> [!note] <img src=x onerror=alert(1)> *t*");
        assert!(!title.contains("onerror") && title.contains("<em>t</em>"), "{title}");
    }

    #[test]
    fn scheduling_comments_never_reach_the_html() {
        let html = render("What is ATP? <!--SR:!2024-01-02,3,250-->\n\n<!--ID: 1566052191670-->\n\nEnergy.");
        assert_eq!(html, "<p>What is ATP? </p>\n\n<p>Energy.</p>\n");
    }

    #[test]
    fn heads_types_aliases_and_fold_marks() {
        let read = |quote| head(quote).map(|h| (h.written, h.kind, h.title));
        assert_eq!(read("> [!note] Title\n> body"), Some(("note".into(), "note", "Title")));
        assert_eq!(read(">[!TLDR]- In short"), Some(("tldr".into(), "abstract", "In short")));
        assert_eq!(read("> [!caution]+"), Some(("caution".into(), "warning", "")));
        assert_eq!(read("> [!custom-type] x"), Some(("custom-type".into(), "note", "x")));
        assert_eq!(read("> plain quote"), None);
        assert_eq!(read("> [!] empty"), None);
        assert_eq!(read("> [!not a type] x"), None);
        assert_eq!(read("> > [!note] nested: the inner quote's"), None);
    }
}
