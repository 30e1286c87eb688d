//! Splits Markdown into top-level blocks with source ranges, using
//! pulldown-cmark's offset iterator. Every style parser works on these
//! blocks; nothing else in studymark tokenizes Markdown.
//!
//! For each block we keep what later stages need without parsing again:
//! its plain text, list items, and the code blocks, formulas and links
//! inside it, all with byte ranges into the original file.
//!
//! A broken code fence that swallows questions is recovered from in
//! [`super::fences`], which calls [`parse_blocks`] on the pieces.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

mod html_run;

use html_run::{HtmlPiece, HtmlRun};

/// One top-level Markdown block.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    /// Byte range in the file, without the trailing newline.
    pub range: Range<usize>,
    /// Plain text of the inline content: markup removed, breaks kept as
    /// `\n`, math kept as `$tex$`, inline code without backticks.
    pub text: String,
    /// Text inside a leading `**strong**` run and the text after it, when
    /// the block starts with one (bold-style questions, `**?**` markers).
    pub strong_lead: Option<(String, String)>,
    pub code: Vec<CodeRef>,
    pub math: Vec<MathRef>,
    pub links: Vec<LinkRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Paragraph,
    Heading {
        level: u8,
        id: Option<String>,
    },
    List {
        items: Vec<Item>,
    },
    Code,
    Html,
    Rule,
    /// Block quotes, tables, footnote definitions.
    Other,
}

/// One item of a top-level list.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub range: Range<usize>,
    /// The item's source after its bullet (`- `, `1. `) and task marker.
    pub content: Range<usize>,
    pub text: String,
    pub checked: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeRef {
    /// The fence's info string (empty for unlabeled and indented blocks).
    pub info: String,
    /// The whole block, fences included.
    pub range: Range<usize>,
    /// Offset where the code's first line starts.
    pub content_start: usize,
    pub source: String,
    pub fenced: bool,
    /// False when the fence was never closed.
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MathRef {
    pub tex: String,
    /// Range of the TeX between the delimiters.
    pub range: Range<usize>,
    pub display: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkRef {
    pub url: String,
    pub image: bool,
    pub range: Range<usize>,
}

impl Block {
    pub fn is_heading(&self) -> bool {
        matches!(self.kind, BlockKind::Heading { .. })
    }

    pub fn heading_level(&self) -> Option<u8> {
        match self.kind {
            BlockKind::Heading { level, .. } => Some(level),
            _ => None,
        }
    }

    pub fn items(&self) -> &[Item] {
        match &self.kind {
            BlockKind::List { items } => items,
            _ => &[],
        }
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_MATH
}

/// Parses `text[range]` into top-level blocks (no fence recovery).
pub fn parse_blocks(text: &str, range: Range<usize>) -> Vec<Block> {
    parse_at_depth(text, range, 0)
}

/// The blocks inside a list item: `range` is one item of a list (bullet
/// included), parsed in place so indented lines keep their meaning; each
/// child of the item becomes a block (the text of a tight item a
/// paragraph). Ranges are offsets into `text`.
pub fn item_children(text: &str, range: Range<usize>) -> Vec<Block> {
    parse_at_depth(text, range, 2)
}

fn parse_at_depth(text: &str, range: Range<usize>, base_depth: usize) -> Vec<Block> {
    let base = range.start;
    let slice = &text[range];
    let mut builder = BlockBuilder { base_depth, ..BlockBuilder::default() };
    for (event, r) in Parser::new_ext(slice, options()).into_offset_iter() {
        builder.push(text, event, (r.start + base)..(r.end + base));
    }
    builder.finish(text, text.len().min(base + slice.len()));
    builder.blocks
}

/// Accumulates events of the current top-level block.
#[derive(Default)]
struct BlockBuilder {
    blocks: Vec<Block>,
    current: Option<Block>,
    depth: usize,
    /// The depth whose elements are blocks: 0 for a document, 2 for the
    /// children of a list item (inside the list and the item).
    base_depth: usize,
    /// The current block is the bare text of a tight list item, which has
    /// no paragraph tag of its own.
    bare_text: bool,
    /// Depth inside `**strong**` and whether the leading strong run ended.
    strong_depth: usize,
    strong_state: StrongState,
    code: Option<CodeRef>,
    link_stack: Vec<LinkRef>,
    /// Consecutive raw HTML events (an HTML block comes one line per
    /// event), read for `<img src>` and `<a href>` when the run ends.
    html: Option<HtmlRun>,
}

#[derive(Default, PartialEq)]
enum StrongState {
    #[default]
    Start,
    Inside,
    After,
    None,
}

impl BlockBuilder {
    fn push(&mut self, text: &str, event: Event, range: Range<usize>) {
        if let Event::Html(html) | Event::InlineHtml(html) = &event {
            let run = self.html.get_or_insert_with(HtmlRun::default);
            let verbatim = text.get(range.clone()) == Some(html.as_ref());
            run.pieces.push(HtmlPiece { start: run.text.len(), file: range.clone(), verbatim });
            run.text.push_str(html);
        } else {
            self.take_html_links();
        }
        match event {
            Event::Start(tag) => {
                if self.depth == self.base_depth {
                    self.end_bare_text(text);
                    self.begin(block_kind(&tag), range.clone());
                }
                self.start_tag(text, tag, range);
                self.depth += 1;
            }
            Event::End(tag) => {
                if self.depth == self.base_depth {
                    // The end of the item that held bare text.
                    self.end_bare_text(text);
                }
                self.end_tag(text, tag, range.clone());
                self.depth = self.depth.saturating_sub(1);
                if self.depth == self.base_depth && self.current.is_some() {
                    self.finish(text, range.end);
                }
            }
            Event::Rule if self.depth == self.base_depth => {
                self.end_bare_text(text);
                self.begin(BlockKind::Rule, range.clone());
                self.finish(text, range.end);
            }
            Event::Html(_) if self.depth == self.base_depth => {
                self.end_bare_text(text);
                self.begin(BlockKind::Html, range.clone());
                self.take_html_links();
                self.finish(text, range.end);
            }
            Event::InlineHtml(_) if self.depth == 0 => {
                self.begin(BlockKind::Html, range.clone());
                self.take_html_links();
                self.finish(text, range.end);
            }
            other => self.inline(text, other, range),
        }
    }

    /// Ends a tight item's bare text block, if one is open.
    fn end_bare_text(&mut self, text: &str) {
        if self.bare_text {
            self.bare_text = false;
            let end = self.current.as_ref().map_or(0, |b| b.range.end);
            self.finish(text, end);
        }
    }

    /// Ends the current HTML run: its image and link URLs become the
    /// block's links, located in the file through the run's pieces.
    fn take_html_links(&mut self) {
        let Some(run) = self.html.take() else { return };
        let Some(block) = self.current.as_mut() else { return };
        block.links.extend(run.links());
    }

    fn begin(&mut self, kind: BlockKind, range: Range<usize>) {
        self.strong_depth = 0;
        self.strong_state = StrongState::Start;
        self.current = Some(Block {
            kind,
            range,
            text: String::new(),
            strong_lead: None,
            code: Vec::new(),
            math: Vec::new(),
            links: Vec::new(),
        });
    }

    fn finish(&mut self, text: &str, end: usize) {
        if let Some(mut block) = self.current.take() {
            block.range.end = trim_end(text, block.range.start, end.max(block.range.end));
            if let Some((_, after)) = &mut block.strong_lead {
                *after = after.trim().to_string();
            }
            if let BlockKind::List { items } = &mut block.kind {
                for item in items {
                    item.range.end = trim_end(text, item.range.start, item.range.end);
                    item.content.end = item.range.end.max(item.content.start);
                }
            }
            self.blocks.push(block);
        }
    }

    fn start_tag(&mut self, text: &str, tag: Tag, range: Range<usize>) {
        let Some(block) = self.current.as_mut() else { return };
        if matches!(tag, Tag::Item) {
            // A tight list has no paragraph between its items: without a
            // break their words run together (`- alpha` `- beta` would be
            // searched as "alphabeta", a nested list as one long word).
            end_line(&mut block.text);
            if self.depth > 1 {
                if let Some(item) = current_item(block) {
                    end_line(&mut item.text);
                }
            }
        }
        match tag {
            Tag::Strong => {
                if self.strong_state == StrongState::Start && block.text.trim().is_empty() {
                    self.strong_state = StrongState::Inside;
                    block.strong_lead = Some((String::new(), String::new()));
                }
                self.strong_depth += 1;
            }
            Tag::Item if self.depth == self.base_depth + 1 => {
                if let BlockKind::List { items } = &mut block.kind {
                    let content = (range.start + bullet_len(&text[range.clone()])).min(range.end);
                    items.push(Item {
                        range: range.clone(),
                        content: content..range.end,
                        text: String::new(),
                        checked: None,
                    });
                }
            }
            Tag::CodeBlock(kind) => {
                let (info, fenced) = match kind {
                    CodeBlockKind::Fenced(info) => (info.to_string(), true),
                    CodeBlockKind::Indented => (String::new(), false),
                };
                self.code = Some(CodeRef {
                    info,
                    range: range.clone(),
                    content_start: next_line(text, range.start).min(range.end),
                    source: String::new(),
                    fenced,
                    closed: true,
                });
            }
            Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. } => {
                let image = matches!(tag, Tag::Image { .. });
                let dest_url = dest_url.clone();
                self.link_stack.push(LinkRef { url: dest_url.to_string(), image, range });
            }
            Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell => end_line(&mut block.text),
            _ => {}
        }
    }

    fn end_tag(&mut self, text: &str, tag: TagEnd, range: Range<usize>) {
        let Some(block) = self.current.as_mut() else { return };
        match tag {
            TagEnd::Strong => {
                self.strong_depth = self.strong_depth.saturating_sub(1);
                if self.strong_depth == 0 && self.strong_state == StrongState::Inside {
                    self.strong_state = StrongState::After;
                }
            }
            TagEnd::CodeBlock => {
                if let Some(mut code) = self.code.take() {
                    code.range.end = trim_end(text, code.range.start, range.end);
                    code.closed = !code.fenced || super::fences::fence_is_closed(&text[code.range.clone()]);
                    code.content_start = code.content_start.min(code.range.end);
                    block.code.push(code);
                }
            }
            TagEnd::Link | TagEnd::Image => {
                if let Some(link) = self.link_stack.pop() {
                    block.links.push(link);
                }
            }
            _ => {}
        }
    }

    fn inline(&mut self, _text: &str, event: Event, range: Range<usize>) {
        if self.base_depth > 0 && self.depth == self.base_depth && (self.current.is_none() || self.bare_text) {
            // Text straight inside a tight item: a paragraph without a tag.
            match self.current.as_mut() {
                Some(block) => block.range.end = block.range.end.max(range.end),
                None => {
                    self.begin(BlockKind::Paragraph, range.clone());
                    self.bare_text = true;
                }
            }
        }
        if let Some(code) = self.code.as_mut() {
            if let Event::Text(t) = &event {
                if code.source.is_empty() {
                    code.content_start = range.start;
                }
                code.source.push_str(t);
            }
            return;
        }
        let Some(block) = self.current.as_mut() else { return };
        let piece: std::borrow::Cow<str> = match &event {
            Event::Text(t) | Event::Code(t) => t.as_ref().into(),
            Event::SoftBreak | Event::HardBreak => "\n".into(),
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                let display =
                    matches!(event, Event::DisplayMath(_)) && super::text::display_stands_alone(_text, range.clone());
                let delimiter = if matches!(event, Event::DisplayMath(_)) { 2 } else { 1 };
                let start = (range.start + delimiter).min(range.end);
                let end = range.end.saturating_sub(delimiter).max(start);
                block.math.push(MathRef { tex: t.to_string(), range: start..end, display });
                format!("${t}$").into()
            }
            Event::TaskListMarker(checked) => {
                if let Some(item) = current_item(block) {
                    item.checked = Some(*checked);
                    item.content.start = skip_task_marker(_text, item.content.start, range.end);
                }
                return;
            }
            _ => return,
        };
        block.text.push_str(&piece);
        if let Some(item) = current_item(block) {
            item.text.push_str(&piece);
        }
        match self.strong_state {
            StrongState::Inside => {
                if let Some((lead, _)) = &mut block.strong_lead {
                    lead.push_str(&piece);
                }
            }
            StrongState::After => {
                if let Some((_, after)) = &mut block.strong_lead {
                    after.push_str(&piece);
                }
            }
            StrongState::Start if !piece.trim().is_empty() => self.strong_state = StrongState::None,
            _ => {}
        }
    }
}

fn current_item(block: &mut Block) -> Option<&mut Item> {
    match &mut block.kind {
        BlockKind::List { items } => items.last_mut(),
        _ => None,
    }
}

fn block_kind(tag: &Tag) -> BlockKind {
    match tag {
        Tag::Paragraph => BlockKind::Paragraph,
        Tag::Heading { level, id, .. } => {
            BlockKind::Heading { level: heading_level(*level), id: id.as_ref().map(|s| s.to_string()) }
        }
        Tag::List(_) => BlockKind::List { items: Vec::new() },
        Tag::CodeBlock(_) => BlockKind::Code,
        Tag::HtmlBlock => BlockKind::Html,
        _ => BlockKind::Other,
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Length of a list item's bullet and the spaces after it (`- `, `12. `).
fn bullet_len(item: &str) -> usize {
    let digits = item.bytes().take_while(u8::is_ascii_digit).count();
    let marker = if digits > 0 {
        digits + usize::from(matches!(item.as_bytes().get(digits), Some(b'.' | b')')))
    } else {
        usize::from(matches!(item.as_bytes().first(), Some(b'-' | b'*' | b'+')))
    };
    marker + item[marker..].bytes().take_while(|b| *b == b' ' || *b == b'\t').count()
}

/// Moves past a `[ ]`/`[x]` task marker and the spaces after it.
/// Ends `text` with a line break unless it is empty or ends with one.
fn end_line(text: &mut String) {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

fn skip_task_marker(text: &str, start: usize, marker_end: usize) -> usize {
    let rest = &text[marker_end.min(text.len())..];
    marker_end.max(start) + rest.bytes().take_while(|b| *b == b' ').count()
}

fn next_line(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1)
}

/// Moves `end` back over trailing newlines and spaces, not before `start`.
fn trim_end(text: &str, start: usize, end: usize) -> usize {
    let end = end.min(text.len());
    start + text[start..end].trim_end().len()
}

#[cfg(test)]
mod tests;
