//! The details style: raw HTML `<details><summary>Question</summary>
//! answer </details>` blocks. The answer inside is Markdown; `<b>`, `<br>`
//! and `<p>` noise around it is stripped. Headings directly before a
//! question are topics.

use std::ops::Range;

use super::blocks::{parse_blocks, Block, BlockKind};
use super::{flush, heading_starts_topic, is_spacer, Draft, Segment, StyleInput};

const NOISE: [&str; 9] = ["<br>", "<br/>", "<br />", "<b>", "</b>", "<strong>", "</strong>", "<p>", "</p>"];

fn is_start(text: &str, block: &Block) -> bool {
    let source = &text[block.range.clone()];
    block.kind == BlockKind::Html && source.contains("<details") && source.contains("<summary")
}

pub fn count_starts(text: &str, blocks: &[Block]) -> usize {
    blocks.iter().filter(|b| is_start(text, b)).count()
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
        } else if !is_spacer(text, block) {
            flush(&mut segments, &mut current);
            segments.push(Segment::Loose(block.clone()));
        }
    }
    flush(&mut segments, &mut current);
    segments
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
