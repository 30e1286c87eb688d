//! The heading style: questions are headings of one level (`### 3) Why?`,
//! `### Q: ...`). The answer runs to the next heading of the same or a
//! higher level; higher-level headings are topics; deeper headings belong
//! to the answer. Numbering prefixes are stripped and kept as `number`; a
//! `{#id}` attribute is the question's explicit id.

use std::ops::Range;

use super::blocks::Block;
use super::text::strip_numbering;
use super::{flush, Draft, Segment, StyleInput};

/// A heading that reads like a question: numbered, or ending with `?`.
fn looks_like_question(block: &Block) -> bool {
    let text = block.text.trim();
    block.is_heading() && (text.ends_with('?') || strip_numbering(text).1 > 0)
}

/// The level whose headings most often look like questions (deepest on ties).
fn question_level(blocks: &[Block]) -> Option<u8> {
    let mut counts = [0usize; 7];
    for block in blocks.iter().filter(|b| looks_like_question(b)) {
        counts[usize::from(block.heading_level().unwrap_or(0))] += 1;
    }
    let best = *counts.iter().max()?;
    (best > 0).then(|| (1..=6u8).rev().find(|l| counts[usize::from(*l)] == best)).flatten()
}

pub fn count_starts(_text: &str, blocks: &[Block]) -> usize {
    question_level(blocks)
        .map_or(0, |level| blocks.iter().filter(|b| b.heading_level() == Some(level) && looks_like_question(b)).count())
}

pub fn segment(input: &mut StyleInput) -> Vec<Segment> {
    let text = input.file.text.as_str();
    let Some(level) = question_level(input.blocks) else {
        return input.blocks.iter().cloned().map(Segment::Loose).collect();
    };
    let mut segments = Vec::new();
    let mut current: Option<Draft> = None;
    for block in input.blocks {
        match block.heading_level() {
            Some(l) if l < level => {
                flush(&mut segments, &mut current);
                segments.push(Segment::topic(block));
            }
            Some(l) if l == level => {
                flush(&mut segments, &mut current);
                let (prompt, number) = heading_prompt(text, block);
                let explicit_id = match &block.kind {
                    super::blocks::BlockKind::Heading { id, .. } => id.clone(),
                    _ => None,
                };
                current = Some(Draft { prompt, number, explicit_id, ..Draft::default() });
            }
            _ => match current.as_mut() {
                Some(draft) => draft.body.push(block.clone()),
                None => segments.push(Segment::Loose(block.clone())),
            },
        }
    }
    flush(&mut segments, &mut current);
    segments
}

/// The range of a heading's text without `#`s, numbering, `{#id}`
/// attributes and closing `#`s.
fn heading_prompt(text: &str, block: &Block) -> (Range<usize>, Option<u32>) {
    let source = &text[block.range.clone()];
    let hashes = source.len() - source.trim_start_matches('#').len();
    let mut start = block.range.start + hashes;
    let mut end = block.range.end;
    let line = &text[start..end];
    start += line.len() - line.trim_start().len();
    if let Some(attr) = text[start..end].rfind(" {") {
        if text[start..end].trim_end().ends_with('}') {
            end = start + attr;
        }
    }
    end = start + text[start..end].trim_end().trim_end_matches('#').trim_end().len();
    let (number, prefix) = strip_numbering(&text[start..end]);
    (start + prefix..end, number)
}

#[cfg(test)]
mod tests {
    use super::super::blocks::parse_document;
    use super::*;

    #[test]
    fn prompt_range_strips_numbering_and_attributes() {
        let text = "### Q3: Why? {#why-id}\n";
        let blocks = parse_document(text, 0..text.len());
        let (range, number) = heading_prompt(text, &blocks[0]);
        assert_eq!(&text[range], "Why?");
        assert_eq!(number, Some(3));
    }
}
