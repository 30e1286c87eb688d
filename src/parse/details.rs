//! The details style: raw HTML `<details><summary>Question</summary>
//! answer </details>` blocks. The answer inside is Markdown; `<b>`, `<br>`
//! and `<p>` noise around it is stripped. Headings directly before a
//! question are topics.
//!
//! Two other kinds of collapsible are not questions:
//! - an *answer collapsible* (`<summary>Answer</summary>`, "Solution",
//!   "Show answer", ...) holds the answer of the question before it. Here
//!   the question is the heading or paragraph before it (with any code or
//!   options between them as its prompt); in every other reading
//!   [`open_answer_collapsibles`] turns it into the answer of the draft it
//!   sits in;
//! - page furniture (tables of contents, translations) stays loose text.

use std::ops::Range;

use super::blocks::{parse_blocks, Block, BlockKind};
use super::text::{is_answer_label, is_noise_summary, strip_numbering};
use super::{flush, heading_starts_topic, is_spacer, Draft, Segment, StyleInput};

const NOISE: [&str; 9] = ["<br>", "<br/>", "<br />", "<b>", "</b>", "<strong>", "</strong>", "<p>", "</p>"];

/// What a collapsible's summary says.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Summary {
    Question,
    AnswerLabel,
    Noise,
}

/// The summary of a `<details>` block that opens in `block`, if any.
fn summary(text: &str, block: &Block) -> Option<Summary> {
    let source = &text[block.range.clone()];
    if block.kind != BlockKind::Html || !source.contains("<details") || !source.contains("<summary") {
        return None;
    }
    let inner = summary_range(source).map_or("", |r| &source[r]);
    Some(if is_answer_label(inner) {
        Summary::AnswerLabel
    } else if is_noise_summary(inner) {
        Summary::Noise
    } else {
        Summary::Question
    })
}

/// The summary's inner HTML, relative to `source`.
fn summary_range(source: &str) -> Option<Range<usize>> {
    let open_end = source.find("<summary").and_then(|s| source[s..].find('>').map(|e| s + e + 1))?;
    let close = source[open_end..].find("</summary>").map(|c| open_end + c)?;
    Some(open_end..close)
}

fn is_start(text: &str, block: &Block) -> bool {
    summary(text, block) == Some(Summary::Question)
}

fn is_answer_start(text: &str, block: &Block) -> bool {
    summary(text, block) == Some(Summary::AnswerLabel)
}

pub fn count_starts(text: &str, blocks: &[Block]) -> usize {
    blocks.iter().filter(|b| matches!(summary(text, b), Some(Summary::Question | Summary::AnswerLabel))).count()
}

/// Turns answer collapsibles in a draft's body into its answer: the opening
/// block leaves (its content in the same HTML block is parsed as Markdown),
/// the answer starts there unless the draft already marks one, and the
/// closing `</details>` leaves too.
pub fn open_answer_collapsibles(text: &str, draft: &mut Draft) {
    if !draft.body.iter().any(|b| is_answer_start(text, b)) {
        return;
    }
    let mut body = Vec::with_capacity(draft.body.len());
    let mut open = false;
    for (i, block) in std::mem::take(&mut draft.body).into_iter().enumerate() {
        let source = &text[block.range.clone()];
        if is_answer_start(text, &block) {
            if draft.answer_from.is_none_or(|a| a >= i) {
                draft.answer_from = Some(body.len());
            }
            let after = source.find("</summary>").map_or(source.len(), |c| c + "</summary>".len());
            let (end, closed) = match source[after..].find("</details>") {
                Some(c) => (after + c, true),
                None => (source.len(), false),
            };
            open = !closed;
            let region = strip_noise(text, block.range.start + after..block.range.start + end);
            if !region.is_empty() {
                body.extend(parse_blocks(text, region));
            }
        } else if open && block.kind == BlockKind::Html && source.contains("</details>") {
            open = false;
            let close = source.find("</details>").unwrap_or(0);
            let region = strip_noise(text, block.range.start..block.range.start + close);
            if !region.is_empty() {
                body.extend(parse_blocks(text, region));
            }
        } else {
            body.push(block);
        }
    }
    draft.body = body;
}

pub fn segment(input: &mut StyleInput) -> Vec<Segment> {
    let text = input.file.text.as_str();
    let blocks = input.blocks;
    let mut segments = Vec::new();
    let mut current: Option<Draft> = None;
    let mut open = false;
    for (i, block) in blocks.iter().enumerate() {
        let source = &text[block.range.clone()];
        if open {
            let draft = current.as_mut().expect("open details has a draft");
            match source.find("</details>") {
                Some(close) => {
                    open = false;
                    let region = strip_noise(text, block.range.start..block.range.start + close);
                    draft.body.extend(parse_blocks(text, region));
                }
                None => draft.body.push(block.clone()),
            }
        } else if heading_starts_topic(text, blocks, i, |j| is_start(text, &blocks[j])) {
            flush(&mut segments, &mut current);
            segments.push(Segment::topic(block));
        } else if is_start(text, block) {
            flush(&mut segments, &mut current);
            let (draft, closed) = details_draft(text, block);
            current = Some(draft);
            open = !closed;
        } else if is_answer_start(text, block) {
            flush(&mut segments, &mut current);
            let (draft, closed) = answered_draft(text, &mut segments, block);
            current = Some(draft);
            open = !closed;
        } else if !is_spacer(text, block) {
            flush(&mut segments, &mut current);
            segments.push(Segment::Loose(block.clone()));
        }
    }
    flush(&mut segments, &mut current);
    segments
}

/// The draft of a question answered by the collapsible `block`: its prompt
/// is the last heading or paragraph left loose before it (a topic heading
/// there becomes the question), the blocks between them its prompt code.
fn answered_draft(text: &str, segments: &mut Vec<Segment>, block: &Block) -> (Draft, bool) {
    let mut between = Vec::new();
    let mut prompt = None;
    while let Some(segment) = segments.pop() {
        match segment {
            Segment::Loose(b) if b.kind == BlockKind::Paragraph && !is_spacer(text, &b) => {
                prompt = Some((b.range.clone(), None));
                break;
            }
            Segment::Loose(b) if b.is_heading() => {
                prompt = Some(heading_text(text, &b));
                break;
            }
            Segment::Topic { range, .. } => {
                let heading = parse_blocks(text, range).into_iter().next();
                prompt = heading.map(|h| heading_text(text, &h));
                break;
            }
            Segment::Loose(b) => between.push(b),
            other => {
                segments.push(other);
                break;
            }
        }
    }
    between.reverse();
    let (mut draft, closed) = details_draft(text, block);
    let (range, number) = prompt.unwrap_or((block.range.start..block.range.start, None));
    draft.prompt = range;
    draft.number = number;
    draft.answer_from = Some(between.len());
    between.append(&mut draft.body);
    draft.body = between;
    (draft, closed)
}

/// A heading's text without `#`s and numbering.
fn heading_text(text: &str, block: &Block) -> (Range<usize>, Option<u32>) {
    let source = &text[block.range.clone()];
    let hashes = source.len() - source.trim_start_matches('#').len();
    let line = &source[hashes..];
    let start = block.range.start + hashes + (line.len() - line.trim_start().len());
    let end = start + text[start..block.range.end].trim_end().trim_end_matches('#').trim_end().len();
    let (number, prefix) = strip_numbering(&text[start..end]);
    (start + prefix..end, number)
}

/// The question of a `<details>` block whose summary asks it, if `block`
/// is one: the summary is its prompt, the rest its body.
pub fn question_draft(text: &str, block: &Block) -> Option<Draft> {
    is_start(text, block).then(|| details_draft(text, block).0)
}

/// The draft of one `<details>` block and whether it closes in that block.
fn details_draft(text: &str, block: &Block) -> (Draft, bool) {
    let source = &text[block.range.clone()];
    let base = block.range.start;
    let open_end = source.find("<summary").and_then(|s| source[s..].find('>').map(|e| s + e + 1));
    let close = open_end.and_then(|o| source[o..].find("</summary>").map(|c| o + c));
    let (Some(open_end), Some(close)) = (open_end, close) else {
        let end = block.range.end;
        return (Draft { prompt: end..end, ..Draft::default() }, false);
    };
    let prompt = strip_noise(text, base + open_end..base + close);
    let after = close + "</summary>".len();
    let (answer_end, closed) = match source[after..].find("</details>") {
        Some(c) => (after + c, true),
        None => (source.len(), false),
    };
    let region = strip_noise(text, base + after..base + answer_end);
    let body = if region.is_empty() { Vec::new() } else { parse_blocks(text, region) };
    (Draft { prompt, body, ..Draft::default() }, closed)
}

/// Narrows a range past whitespace and noise tags at both ends.
fn strip_noise(text: &str, range: Range<usize>) -> Range<usize> {
    let (mut start, mut end) = (range.start, range.end);
    loop {
        let slice = &text[start..end];
        let trimmed = slice.trim_start();
        start += slice.len() - trimmed.len();
        match NOISE.iter().find(|n| trimmed.starts_with(*n)) {
            Some(n) => start += n.len(),
            None => break,
        }
    }
    loop {
        let slice = &text[start..end];
        let trimmed = slice.trim_end();
        end = start + trimmed.len();
        match NOISE.iter().find(|n| trimmed.ends_with(*n)) {
            Some(n) => end -= n.len(),
            None => break,
        }
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_stripped_from_both_ends() {
        let text = "<b> <br>Answer <i>x</i></b><br/>\n";
        let range = strip_noise(text, 0..text.len());
        assert_eq!(&text[range], "Answer <i>x</i>");
    }
}
