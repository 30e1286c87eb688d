//! Recovery from code fences that swallow questions.
//!
//! In CommonMark a fence runs until a closing fence line, and to the end of
//! the document when there is none; real banks break fences in two ways
//! that hide every question after them:
//! 1. a fence that is never closed;
//! 2. a fence "closed" by a line that carries an info string (` ```md`),
//!    which CommonMark reads as code: the fence runs on to the next bare
//!    fence line, often the closing fence of a later question's code.
//!
//! [`parse_document`] parses the document and looks inside every fenced
//! block for the first line that starts a question. When a stray fence
//! line (` ```md`) comes before it, the block is cut at that line (which
//! then belongs to no block); else an unclosed block is cut at the
//! question's line. The pieces are parsed again on their own. The fence
//! before the cut is left unclosed, so validation reports
//! it with its line.

use std::ops::Range;

use super::blocks::{parse_blocks, Block, CodeRef};
use super::text::strip_numbering;

/// Parses `text[range]` into top-level blocks whose ranges are offsets into
/// `text`, recovering from broken fences as described in the module docs.
pub fn parse_document(text: &str, range: Range<usize>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut start = range.start;
    while start < range.end {
        let part = parse_blocks(text, start..range.end);
        match part.iter().flat_map(|b| &b.code).find_map(|code| recovery_cut(text, code)) {
            Some(cut) => {
                blocks.extend(parse_blocks(text, start..cut.start));
                start = cut.end;
            }
            None => {
                blocks.extend(part);
                break;
            }
        }
    }
    blocks
}

/// Where to cut a fenced block that swallows questions: the range left
/// out between the two pieces (empty for an unclosed fence, the stray
/// fence line for a fence closed too late).
fn recovery_cut(text: &str, code: &CodeRef) -> Option<Range<usize>> {
    if !code.fenced {
        return None;
    }
    let open = fence_of(&text[code.range.clone()])?;
    let mut offset = code.content_start;
    let mut stray: Option<Range<usize>> = None;
    for line in text[code.content_start..code.range.end].split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        if at > code.content_start && starts_question(line) {
            if stray.is_some() {
                return stray;
            }
            if !code.closed {
                return Some(at..at);
            }
        }
        if stray.is_none() && is_stray_fence(line, open) {
            stray = Some(at..offset);
        }
    }
    None
}

/// The fence character and length a fenced block opens with.
fn fence_of(block: &str) -> Option<(char, usize)> {
    let first = block.trim_start();
    let fence_char = first.chars().next().filter(|c| *c == '`' || *c == '~')?;
    Some((fence_char, first.chars().take_while(|c| *c == fence_char).count()))
}

/// A line that would close the fence but for the word after it
/// (` ```md`): a person reads it as a closing fence.
fn is_stray_fence(line: &str, (fence_char, open_len): (char, usize)) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let line = line.trim();
    let len = line.chars().take_while(|c| *c == fence_char).count();
    let info = &line[len..];
    indent <= 3 && len >= open_len && !info.is_empty() && !info.contains(fence_char)
}

/// Lines that begin a question in any style; code rarely starts this way.
fn starts_question(line: &str) -> bool {
    let line = line.trim();
    let line = line.strip_prefix("- ").unwrap_or(line);
    line == "?"
        || line.starts_with("? ")
        || line.starts_with("**?**")
        || line.starts_with("?**")
        || line.starts_with("Q: ")
        || line.starts_with("**Q:**")
        || line.starts_with("<details")
        || is_numbered_heading(line)
}

/// `#### Q70. ...`, `## 3) ...`: a numbered heading, which code (a shell
/// comment, a Markdown sample) rarely is.
fn is_numbered_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    (2..=6).contains(&hashes) && line[hashes..].starts_with(' ') && strip_numbering(&line[hashes..]).0.is_some()
}

/// A fenced block is closed when its last line is a fence of the same
/// character, at least as long as the opening one.
pub fn fence_is_closed(block: &str) -> bool {
    let Some((fence_char, open_len)) = fence_of(block) else { return false };
    let mut lines = block.lines();
    lines.next();
    lines.last().is_some_and(|last| {
        let last = last.trim();
        last.len() >= open_len && last.chars().all(|c| c == fence_char)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<Block> {
        parse_document(text, 0..text.len())
    }

    #[test]
    fn unterminated_fence_is_cut_at_the_next_numbered_heading() {
        let text = "#### Q1. One?\n\n```css\nbox {}\n\n#### Q2. Two?\n\n- [x] b\n";
        let b = blocks(text);
        assert!(b.iter().any(|x| x.text == "Q2. Two?"), "{b:?}");
        // A stray fence line before it ends the code there.
        let text = "#### Q1. One?\n\n```css\nbox {}\n ```md\n- [x] a\n\n#### Q2. Two?\n\n- [x] b\n";
        let b = blocks(text);
        assert_eq!(b[1].code[0].source, "box {}\n");
        assert!(b.iter().any(|x| x.text == "Q2. Two?"), "{b:?}");
    }

    #[test]
    fn unterminated_fence_is_cut_at_the_next_question() {
        let text = "? One?\n\n```python\nx = 1\n\n**?** Two?\n\nAnswer two.\n";
        let b = blocks(text);
        assert!(!b[1].code[0].closed);
        assert_eq!(b[1].code[0].source, "x = 1\n\n");
        assert_eq!(b[2].strong_lead.as_ref().unwrap().1, "Two?");
        assert_eq!(b[3].text, "Answer two.");
    }

    #[test]
    fn fence_closed_by_a_line_with_a_word_is_cut_there() {
        // ` ```md` does not close the fence: the next bare fence line does,
        // three questions later.
        let text =
            "#### Q1. One?\n\n```css\nbox {}\n ```md\n- [x] a\n\n#### Q2. Two?\n\n```css\np {}\n```\n\n- [x] b\n";
        let b = blocks(text);
        assert_eq!(b[1].code[0].source, "box {}\n");
        assert!(!b[1].code[0].closed, "reported as unterminated");
        assert_eq!(b[2].items()[0].text, "a");
        assert_eq!(b[3].text, "Q2. Two?");
        assert!(b[4].code[0].closed);
        assert_eq!(b.len(), 6);
    }

    #[test]
    fn a_word_after_a_fence_line_without_a_question_after_it_is_code() {
        let text = "```md\nA sample:\n```js\nx\n```\n";
        let b = blocks(text);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].code[0].source, "A sample:\n```js\nx\n");
    }
}
