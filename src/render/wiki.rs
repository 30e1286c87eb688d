//! Wiki links and embeds of a note in a vault (Obsidian, Logseq).
//!
//! `[[Note]]`, `[[Note#Heading]]` and `[[Note|text]]` render as their text
//! in `<span class="wikilink" data-note="Note#Heading">`: Anki and the
//! handouts show the text; the site turns the span into a link when the
//! note is a bank of the build ([`link_wikilinks`]), so no link leads
//! nowhere. `![[image.png]]` and `![[image.png|300]]` (a width, or
//! `300x200`) render as an image found the way Obsidian finds it
//! ([`VaultNote::locate`]) and published under `media/` like any other;
//! one not found keeps its name as `alt` and loses its source, as Markdown
//! images do (validation reports it). `![[Other note]]` embeds a note,
//! which renders as a wiki link to it. pulldown-cmark reads the syntax
//! (`ENABLE_WIKILINKS`), only in a vault: elsewhere `[[` stays text.

use std::borrow::Cow;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use super::highlight::escape;
use super::markdown::placeholder;
use super::RenderContext;
use crate::media::{decode_entities, Located};
use crate::vault::{is_image, VaultNote};

/// Rewrites the wiki links and embeds of an event stream, event by event.
pub struct WikiLinks<'v> {
    note: &'v VaultNote<'v>,
    /// One entry per open link: whether it is a wiki link.
    links: Vec<bool>,
    /// Inside `[[Note]]` (no text of its own): its text is written already.
    skip_text: bool,
    /// Inside `![[…]]`: its target and the text after `|`.
    embed: Option<(String, Option<String>)>,
}

impl<'v> WikiLinks<'v> {
    pub fn new(note: &'v VaultNote<'v>) -> Self {
        WikiLinks { note, links: Vec::new(), skip_text: false, embed: None }
    }

    /// Pushes what renders in place of `event` onto `out`.
    pub fn step<'e>(
        &mut self,
        event: Event<'e>,
        out: &mut Vec<Event<'e>>,
        trusted: &mut Vec<String>,
        ctx: &RenderContext,
    ) {
        if let Some((_, label)) = self.embed.as_mut() {
            match event {
                Event::End(TagEnd::Image) => {
                    let (target, label) = self.embed.take().unwrap_or_default();
                    out.push(placeholder(trusted, self.embed_html(&target, label.as_deref(), ctx)));
                }
                Event::Text(text) | Event::Code(text) => label.get_or_insert_with(String::new).push_str(&text),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole }, dest_url, .. }) => {
                self.links.push(true);
                out.push(placeholder(trusted, open_span(&dest_url, "wikilink")));
                if !has_pothole {
                    out.push(Event::Text(display_name(&dest_url).into()));
                    self.skip_text = true;
                }
            }
            Event::Start(Tag::Link { .. }) => {
                self.links.push(false);
                out.push(event);
            }
            Event::End(TagEnd::Link) => {
                if self.links.pop() == Some(true) {
                    self.skip_text = false;
                    out.push(placeholder(trusted, "</span>".into()));
                } else {
                    out.push(event);
                }
            }
            Event::Start(Tag::Image { link_type: LinkType::WikiLink { has_pothole }, dest_url, .. }) => {
                self.embed = Some((dest_url.to_string(), has_pothole.then(String::new)));
            }
            _ if self.skip_text => {}
            other => out.push(other),
        }
    }

    /// An embedded image, or a link to an embedded note.
    fn embed_html(&self, target: &str, label: Option<&str>, ctx: &RenderContext) -> String {
        let file = target.split('#').next().unwrap_or_default();
        if !is_image(file) {
            let text = label.filter(|l| !l.trim().is_empty()).map_or_else(|| display_name(target), str::to_string);
            return format!("{}{}</span>", open_span(target, "wikilink embed"), escape(&text));
        }
        let size = label.and_then(size);
        let alt = match (label, size) {
            (Some(label), None) if !label.trim().is_empty() => label.trim(),
            _ => file,
        };
        let source = match self.note.locate(file) {
            Located::Found(path) => ctx.media.publish(path),
            _ => None,
        };
        let source = source.map(|url| format!(" src=\"{}\"", escape(&url))).unwrap_or_default();
        let size = match size {
            Some((width, Some(height))) => format!(" width=\"{width}\" height=\"{height}\""),
            Some((width, None)) => format!(" width=\"{width}\""),
            None => String::new(),
        };
        format!("<img{source} alt=\"{}\"{size}>", escape(alt))
    }
}

/// `<span class="{class}" data-note="{target}">`.
fn open_span(target: &str, class: &str) -> String {
    format!("<span class=\"{class}\" data-note=\"{}\">", escape(target))
}

/// How Obsidian shows a link without text: `Note#Heading` → `Note > Heading`.
fn display_name(target: &str) -> String {
    let (note, heading) = target.split_once('#').unwrap_or((target, ""));
    let note = note.strip_suffix(".md").unwrap_or(note);
    match (note.is_empty(), heading.is_empty()) {
        (_, true) => note.to_string(),
        (true, false) => heading.to_string(),
        (false, false) => format!("{note} > {heading}"),
    }
}

/// `300` → (300, None); `300x200` → (300, Some(200)).
fn size(label: &str) -> Option<(u32, Option<u32>)> {
    let (width, height) = match label.trim().split_once('x') {
        Some((w, h)) => (w, Some(h.parse().ok()?)),
        None => (label.trim(), None),
    };
    Some((width.parse().ok()?, height))
}

/// How the wiki link spans of rendered HTML start.
const SPAN_OPEN: &str = "<span class=\"wikilink";

/// Turns each wiki link span whose note `page` knows into a link to that
/// page (`<a class="wikilink" href="…">`); the others stay text.
pub fn link_wikilinks(html: &str, page: impl Fn(&str) -> Option<String>) -> Cow<'_, str> {
    if !html.contains(SPAN_OPEN) {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(SPAN_OPEN) {
        out.push_str(&rest[..start]);
        let tag_end = rest[start..].find('>').map_or(rest.len(), |i| start + i + 1);
        let tag = &rest[start..tag_end];
        let href = attribute(tag, "data-note").and_then(|note| page(&decode_entities(note)));
        let (Some(href), Some(close)) = (href, closing_span(&rest[tag_end..])) else {
            out.push_str(tag);
            rest = &rest[tag_end..];
            continue;
        };
        let class = attribute(tag, "class").unwrap_or("wikilink");
        out.push_str(&format!("<a class=\"{class}\" href=\"{}\">", escape(&href)));
        out.push_str(&rest[tag_end..tag_end + close]);
        out.push_str("</a>");
        rest = &rest[tag_end + close + "</span>".len()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The value of `name="…"` in a start tag written by this module.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// The offset of the `</span>` that closes a span whose content starts
/// `html`: spans inside (formulas, cloze marks) are counted.
fn closing_span(html: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = 0;
    loop {
        let next = html[at..].find("<span").map(|i| at + i);
        let close = html[at..].find("</span>").map(|i| at + i)?;
        match next {
            Some(open) if open < close => {
                depth += 1;
                at = open + 5;
            }
            _ if depth == 0 => return Some(close),
            _ => {
                depth -= 1;
                at = close + 7;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::markdown::render_markdown;
    use super::super::media::MediaResolver;
    use super::*;
    use crate::media::hashed_name;

    #[test]
    fn wiki_links_and_embeds_in_a_vault_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("vault");
        for (path, bytes) in [
            (".obsidian/app.json", &br#"{"attachmentFolderPath": "assets"}"#[..]),
            ("assets/cell.png", b"cell"),
            ("Deep/er/mito.png", b"mito"),
            (".trash/gone.png", b"hidden"),
            ("notes/n.md", b"x"),
            ("../secret.png", b"secret"),
        ] {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), bytes).unwrap();
        }
        let vault = crate::vault::Vault::detect(&root).unwrap();
        let note = vault.note(&root.join("notes/n.md"));
        let (cache, katex, macros) = (Default::default(), Default::default(), Default::default());
        let notes = root.join("notes");
        let media = MediaResolver::new(&notes);
        let mut ctx = RenderContext::new(&cache, &media, &katex, &notes, &macros);
        let markdown = "[[Cell biology]], [[Cell biology#Membranes|the *membranes*]]\n\n\
                        ![[cell.png|300]] ![[mito.png|A mitochondrion]] ![[gone.png]] ![[../secret.png]] ![[Other note]]";
        assert!(render_markdown(markdown, &[], &ctx).contains("<p>[[Cell biology]]"), "no vault, no wiki links");
        ctx.vault_note = Some(&note);
        let html = render_markdown(markdown, &[], &ctx);
        let media_name = |path: &str| hashed_name(&root.join(path)).unwrap();
        assert_eq!(
            html,
            format!(
                "<p><span class=\"wikilink\" data-note=\"Cell biology\">Cell biology</span>, \
                 <span class=\"wikilink\" data-note=\"Cell biology#Membranes\">the <em>membranes</em></span></p>\n\
                 <p><img src=\"media/{}\" alt=\"cell.png\" width=\"300\"> \
                 <img src=\"media/{}\" alt=\"A mitochondrion\"> <img alt=\"gone.png\"> <img alt=\"../secret.png\"> \
                 <span class=\"wikilink embed\" data-note=\"Other note\">Other note</span></p>\n",
                media_name("assets/cell.png"),
                media_name("Deep/er/mito.png")
            )
        );
        assert_eq!(media.files().len(), 2, "the two images found are published");
        assert_eq!(note.locate("../secret.png"), Located::Outside);
    }

    #[test]
    fn names_sizes_and_links() {
        assert_eq!(display_name("Cell biology#Membranes"), "Cell biology > Membranes");
        assert_eq!(display_name("Note.md"), "Note");
        assert_eq!(display_name("#Heading"), "Heading");
        assert_eq!(size("300"), Some((300, None)));
        assert_eq!(size("300x200"), Some((300, Some(200))));
        assert_eq!(size("a diagram"), None);
        let html =
            "<p><span class=\"wikilink\" data-note=\"A &amp; B\">x <span class=\"math\"><span>y</span></span></span> \
                    <span class=\"wikilink embed\" data-note=\"Gone\">Gone</span></p>";
        let page = |note: &str| (note == "A & B").then(|| "a-b.html".to_string());
        assert_eq!(
            link_wikilinks(html, page),
            "<p><a class=\"wikilink\" href=\"a-b.html\">x <span class=\"math\"><span>y</span></span></a> \
             <span class=\"wikilink embed\" data-note=\"Gone\">Gone</span></p>"
        );
    }
}
