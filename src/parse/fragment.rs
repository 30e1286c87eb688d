//! A fragment of a question (its prompt, answer, details…) as every output
//! renders it, in order:
//! 1. the source of its blocks is joined by blank lines: a block opened
//!    from a list item without its list indentation ([`dedented`]), a code
//!    block that indentation alone made code, or whose fence was never
//!    closed, between fences of its own (cut from its place, it would read
//!    as prose, or swallow the blocks after it);
//! 2. when that text can read otherwise than the blocks did in place
//!    (several blocks, or one taken out of its indentation), it is parsed
//!    once more, so the code blocks, formulas and links the model lists
//!    are exactly those the renderer meets, in its order: the renderer
//!    takes each code block's language from the model by position;
//! 3. a line map leads every offset of that text back to the file, for
//!    the spans diagnostics point at.
//!
//! The plain text (for ids and search) comes from the blocks as read in
//! place, so a question's id never depends on how its fragment is joined.

use std::ops::Range;

use super::blocks::{parse_blocks, Block, BlockKind, CodeRef};
use crate::lang::normalize_language;
use crate::model::{CodeBlock, LanguageSource, Link, Math, Rich};
use crate::source::SourceFile;

/// Builds a rich fragment from blocks, as described in the module docs.
pub fn rich_from_blocks(file: &SourceFile, blocks: &[Block]) -> Rich {
    let mut rich = Rich::default();
    let mut map = LineMap::default();
    let mut moved = blocks.len() > 1;
    // Where the blocks whose fence was never closed start: closed in the
    // fragment, they are still reported.
    let mut unclosed = Vec::new();
    for block in blocks {
        if !rich.markdown.is_empty() {
            rich.markdown.push_str("\n\n");
        }
        rich.spans.push(file.span(block.range.clone()));
        if !rich.plain.is_empty() {
            rich.plain.push('\n');
        }
        rich.plain.push_str(block.text.trim());
        if let Some(code) = block.code.first().filter(|c| block.kind == BlockKind::Code && !(c.fenced && c.closed)) {
            push_fenced(&mut rich.markdown, &mut map, &file.text, block, code);
            if code.fenced {
                unclosed.push(block.range.start);
            }
            moved = true;
            continue;
        }
        let source = dedented(&file.text, block.range.clone());
        for &(line, file_offset) in &source.map.lines {
            map.push(rich.markdown.len() + line, file_offset);
        }
        rich.markdown.push_str(&source.text);
        moved |= source.changed;
    }
    if moved {
        for block in parse_blocks(&rich.markdown, 0..rich.markdown.len()) {
            add_contents(&mut rich, file, &block, |r| map.file_offset(r.start)..map.file_offset(r.end));
        }
        for code in &mut rich.code {
            code.unterminated |= unclosed.contains(&code.span.start);
        }
    } else if let Some(block) = blocks.first() {
        add_contents(&mut rich, file, block, Range::clone);
    }
    rich
}

/// The source of a block as it reads on its own: a block nested in a list
/// item starts at the item's column, and its later lines are indented by
/// as much, which alone would read as code. Up to that many leading spaces
/// leave each later line; a block at column 0 is kept as it is.
pub fn dedented(text: &str, range: Range<usize>) -> Dedented<'_> {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let source = &text[range.clone()];
    // The block may start in the indentation of its first line.
    let lead = source.len() - source.trim_start_matches(' ').len();
    let column = range.start - line_start + lead;
    if column == 0 || !text[line_start..range.start].trim().is_empty() {
        // A block cut from the middle of a line (the answer after `**?**`)
        // stands apart from its place too.
        let changed = column > 0;
        return Dedented { text: source.into(), map: LineMap { lines: vec![(0, range.start)] }, changed };
    }
    if !source.contains('\n') {
        let map = LineMap { lines: vec![(0, range.start + lead)] };
        return Dedented { text: source.trim_start_matches(' ').into(), map, changed: true };
    }
    let mut out = String::with_capacity(source.len());
    let mut map = LineMap::default();
    let mut at = range.start;
    for (i, line) in source.split_inclusive('\n').enumerate() {
        let strip = if i == 0 { lead } else { line.bytes().take(column).take_while(|b| *b == b' ').count() };
        map.push(out.len(), at + strip);
        out.push_str(&line[strip..]);
        at += line.len();
    }
    Dedented { text: out.into(), map, changed: true }
}

/// A block's source with its list indentation taken out ([`dedented`]).
pub struct Dedented<'a> {
    pub text: std::borrow::Cow<'a, str>,
    /// Where each line of `text` starts in the file.
    pub map: LineMap,
    /// Whether the text stands apart from its place (it was indented), so it
    /// may read otherwise than the block did in place.
    pub changed: bool,
}

/// Where each line of a text cut from the file starts in the file.
#[derive(Default)]
pub struct LineMap {
    /// (offset in the text, offset in the file), by text offset.
    lines: Vec<(usize, usize)>,
}

impl LineMap {
    fn push(&mut self, offset: usize, file_offset: usize) {
        self.lines.push((offset, file_offset));
    }

    /// The file offset of an offset into the text.
    pub fn file_offset(&self, offset: usize) -> usize {
        let line = self.lines.partition_point(|&(start, _)| start <= offset).saturating_sub(1);
        self.lines.get(line).map_or(0, |&(start, file_start)| file_start + (offset - start))
    }
}

/// Writes a code block between fences longer than any run of backticks in
/// it, each code line mapped to where it ends in the file (its
/// indentation, if any, is before it).
fn push_fenced(markdown: &mut String, map: &mut LineMap, text: &str, block: &Block, code: &CodeRef) {
    let longest = code.source.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    map.push(markdown.len(), block.range.start);
    markdown.push_str(&fence);
    markdown.push_str(code.info.trim());
    markdown.push('\n');
    let mut file_line = code.content_start;
    for line in code.source.split_inclusive('\n') {
        let file_end = text[file_line..].find('\n').map_or(text.len(), |n| file_line + n + 1);
        map.push(markdown.len(), file_end.saturating_sub(line.len()).max(file_line));
        markdown.push_str(line);
        file_line = file_end;
    }
    if !code.source.is_empty() && !code.source.ends_with('\n') {
        markdown.push('\n');
    }
    map.push(markdown.len(), block.range.end);
    markdown.push_str(&fence);
}

/// Adds a block's code, math and links to `rich`; `at` maps a range of the
/// block to the file.
fn add_contents(rich: &mut Rich, file: &SourceFile, block: &Block, at: impl Fn(&Range<usize>) -> Range<usize>) {
    rich.code.extend(block.code.iter().map(|c| CodeBlock {
        language: normalize_language(&c.info),
        language_source: if c.info.trim().is_empty() { LanguageSource::Unknown } else { LanguageSource::Label },
        line: file.line_col(at(&(c.content_start..c.content_start)).start).0,
        source: c.source.clone(),
        span: file.span(at(&c.range)),
        unterminated: !c.closed,
    }));
    rich.math.extend(block.math.iter().map(|m| Math {
        tex: m.tex.clone(),
        display: m.display,
        span: file.span(at(&m.range)),
    }));
    rich.links.extend(block.links.iter().map(|l| Link {
        url: l.url.clone(),
        image: l.image,
        span: file.span(at(&l.range)),
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn fragment(text: &str) -> Rich {
        let file = SourceFile::new("t.md", text.to_string());
        rich_from_blocks(&file, &parse_blocks(text, 0..text.len()))
    }

    #[test]
    fn nested_blocks_read_on_their_own() {
        let text = "1. ### Q\n\n    ```js\n    x\n    ```\n";
        let start = text.find("```").unwrap();
        let inner = dedented(text, start..text.len() - 1);
        assert_eq!(inner.text, "```js\nx\n```");
        assert_eq!(inner.map.file_offset(6), text.find("x\n").unwrap(), "offsets map back to the file");
        assert_eq!(dedented("a\n  b", 0..5).text, "a\n  b");
    }

    #[test]
    fn indented_code_stays_code_with_its_lines() {
        let text = "Run:\n\n    echo one\n    echo two\n\nDone.";
        let rich = fragment(text);
        assert_eq!(rich.markdown, "Run:\n\n```\necho one\necho two\n```\n\nDone.");
        assert_eq!(rich.code.len(), 1);
        assert_eq!(rich.code[0].source, "echo one\necho two\n");
        assert_eq!(rich.code[0].line, 3);
        assert!(!rich.code[0].unterminated);
    }

    #[test]
    fn an_unclosed_fence_keeps_to_its_own_block() {
        let text = "```python\nprint(1)\n";
        let file = SourceFile::new("t.md", format!("{text}\nAfter it."));
        let mut blocks = parse_blocks(&file.text, 0..text.len());
        blocks.extend(parse_blocks(&file.text, text.len() + 1..file.text.len()));
        let rich = rich_from_blocks(&file, &blocks);
        assert_eq!(rich.markdown, "```python\nprint(1)\n```\n\nAfter it.");
        assert_eq!(rich.code.len(), 1);
        assert_eq!(rich.code[0].language.as_deref(), Some("python"));
        assert_eq!(rich.plain, "After it.", "plain text is read in place");
    }

    #[test]
    fn list_indentation_leaves_and_offsets_lead_back() {
        let text = "1. ### Q\n\n    See $x$:\n\n    ```js\n    x\n    ```\n";
        let blocks: Vec<Block> = super::super::blocks::item_children(text, 0..text.len()).into_iter().skip(1).collect();
        let rich = rich_from_blocks(&SourceFile::new("t.md", text.to_string()), &blocks);
        assert_eq!(rich.markdown, "See $x$:\n\n```js\nx\n```");
        assert_eq!(rich.code[0].line, 6);
        assert_eq!(rich.math[0].span.start, text.find("x$").unwrap());
    }
}
