//! The heading style: questions are headings at any level H2–H6
//! (`### 3) Why?`, `## Question 1. Why?`, `#### Q1. Why?`,
//! `### What is X? [[src](url)]`).
//!
//! In order:
//! 1. pick the question family ([`family`]): numbered headings when most
//!    question-looking headings are numbered, else those and every heading
//!    ending with `?`; but numbered headings that mostly ask nothing are
//!    the sections of an article, and then only headings ending with `?`
//!    are questions;
//! 2. walk the headings: a family heading at or above the open question's
//!    level starts a question (unless another family heading follows it
//!    directly: then it is a topic); a deeper heading inside an open
//!    question belongs to its answer; any other heading is a topic and
//!    closes the question, unless it is indented and the numbering goes on
//!    after it (question n, the heading, question n + 1: then it is part
//!    of n's answer, written inside a list item). So
//!    numbering may restart under each topic and the question level may
//!    change between sections;
//! 3. the prompt is the heading text without `#`s, numbering (kept as
//!    `number`), `{#id}` attributes (the explicit id) and the links after
//!    the question text.

use std::ops::Range;

use super::blocks::{parse_blocks, Block, BlockKind};
use super::text::{asks, is_answer_label, is_contents_title, is_links_only, strip_numbering, trailing_links_start};
use super::{is_spacer, Draft, Segment, StyleInput};

/// A heading's text without the links after the question.
fn question_text(block: &Block) -> &str {
    let text = block.text.trim();
    match trailing_links_start(text) {
        Some(end) if text[..end].ends_with('?') => &text[..end],
        _ => text,
    }
}

fn is_numbered(block: &Block) -> bool {
    strip_numbering(block.text.trim()).1 > 0
}

/// A heading that could be a question: not the title, not an answer label.
fn is_candidate(block: &Block) -> bool {
    block.is_heading() && block.heading_level() != Some(1) && !is_answer_label(&block.text)
}

/// Which headings are questions.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Family {
    /// Numbered headings (then `### Who uses it?` inside an answer is not
    /// a question).
    Numbered,
    /// Headings ending with `?`, numbered or not.
    Asking,
    /// Both.
    All,
}

/// The question family of a file: numbered headings when they are most of
/// the question-looking ones, else all of them. But numbered headings of
/// which not even a third asks something (`### 1. Learn the format`,
/// `## 2. Communication`: the sections of an article) are no questions:
/// then only the headings ending with `?` are.
fn family(blocks: &[Block]) -> Option<Family> {
    let (mut numbered, mut numbered_asking, mut asking, mut all) = (0usize, 0usize, 0usize, 0usize);
    for block in blocks.iter().filter(|b| is_candidate(b)) {
        let (is_numbered, ends_with_mark) = (is_numbered(block), question_text(block).ends_with('?'));
        all += usize::from(is_numbered || ends_with_mark);
        asking += usize::from(ends_with_mark);
        numbered += usize::from(is_numbered);
        numbered_asking += usize::from(is_numbered && heading_asks(block));
    }
    if numbered >= 2 && numbered_asking * 3 < numbered {
        return (asking > 0).then_some(Family::Asking);
    }
    (all > 0).then_some(if numbered >= 2 && numbered * 2 >= all { Family::Numbered } else { Family::All })
}

/// A heading that asks something, or is numbered as a question (`Q12.`,
/// `Question 3.`).
fn heading_asks(block: &Block) -> bool {
    let text = question_text(block);
    let (_, prefix) = strip_numbering(text);
    (prefix > 0 && text.trim_start().starts_with('Q')) || asks(&text[prefix..])
}

fn in_family(block: &Block, family: Family) -> bool {
    is_candidate(block)
        && match family {
            Family::Numbered => is_numbered(block),
            Family::Asking => question_text(block).ends_with('?'),
            Family::All => is_numbered(block) || question_text(block).ends_with('?'),
        }
}

pub fn count_starts(_text: &str, blocks: &[Block]) -> usize {
    let Some(family) = family(blocks) else { return 0 };
    blocks.iter().filter(|b| in_family(b, family)).count()
}

pub fn segment(input: &mut StyleInput) -> Vec<Segment> {
    let text = input.file.text.as_str();
    let blocks = input.blocks;
    let Some(family) = family(blocks) else {
        return blocks.iter().cloned().map(Segment::Loose).collect();
    };
    // The number and level of the next family heading after each block.
    let mut next_number = vec![None; blocks.len() + 1];
    let mut next_level = vec![None; blocks.len() + 1];
    for i in (0..blocks.len()).rev() {
        (next_number[i], next_level[i]) = match in_family(&blocks[i], family) {
            true => (Some(strip_numbering(blocks[i].text.trim()).0), blocks[i].heading_level()),
            false => (next_number[i + 1], next_level[i + 1]),
        };
    }
    let mut segments = Vec::new();
    // The open question, its heading's level and index.
    let mut current: Option<(Draft, u8, usize)> = None;
    let mut sources: Vec<Option<Range<usize>>> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let Some(level) = block.heading_level() else {
            match current.as_mut() {
                Some((draft, ..)) => draft.body.push(block.clone()),
                None => segments.push(Segment::Loose(block.clone())),
            }
            continue;
        };
        if let Some((draft, open, _)) = current.as_mut() {
            // A deeper heading is part of the answer, unless it carries the
            // next number (`#### Q139.` after a mis-levelled `### Q138.`).
            let next = draft.number.is_some_and(|n| strip_numbering(block.text.trim()).0 == n.checked_add(1));
            if level > *open && !(next && in_family(block, family)) {
                draft.body.push(block.clone());
                continue;
            }
            // An indented heading between question n and question n + 1
            // (`  ## Key points` ending a list item's answer) is part of
            // the answer: its author wrote it inside the item.
            let continues =
                draft.number.is_some() && next_number[i + 1] == Some(draft.number.and_then(|n| n.checked_add(1)));
            if !in_family(block, family) && continues && is_indented(text, block) {
                draft.body.push(block.clone());
                continue;
            }
        }
        let starts = in_family(block, family) && !starts_group(text, blocks, i, family);
        // A table of contents groups no questions, nor does a heading no
        // deeper question follows (a sibling of the next question).
        let topic = !starts && !is_contents_title(&block.text) && next_level[i + 1].is_some_and(|l| l > level);
        close_open(text, blocks, (&mut segments, &mut sources), &mut current, topic);
        if starts {
            let (prompt, number, links) = heading_prompt(text, block);
            // A heading opened from a list item has its number in its text.
            let number = number.or_else(|| strip_numbering(block.text.trim()).0);
            let explicit_id = match &block.kind {
                BlockKind::Heading { id, .. } => id.clone(),
                _ => None,
            };
            let draft = Draft { prompt, number, explicit_id, ..Draft::default() };
            // The links after the question text go to the end of its body.
            sources.push(links);
            current = Some((draft, level, i));
        } else if topic {
            segments.push(Segment::topic(block));
        } else {
            segments.push(Segment::Loose(block.clone()));
        }
    }
    close_open(text, blocks, (&mut segments, &mut sources), &mut current, true);
    add_sources(text, &mut segments, sources);
    segments
}

/// Appends each question's source links (cut from its heading) to its
/// body, where they become part of the details.
fn add_sources(text: &str, segments: &mut [Segment], sources: Vec<Option<Range<usize>>>) {
    let drafts = segments.iter_mut().filter_map(|s| match s {
        Segment::Question(draft) => Some(draft),
        _ => None,
    });
    for (draft, links) in drafts.zip(sources) {
        if let Some(links) = links {
            draft.body.extend(parse_blocks(text, links));
        }
    }
}

fn is_indented(text: &str, block: &Block) -> bool {
    let line_start = text[..block.range.start].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..block.range.start].chars().chain(text[block.range.clone()].chars().take(1)).any(|c| c == ' ')
}

/// Ends the open question. At the end of a section (`section_end`: a
/// topic heading or the end of the file), a heading that asks nothing (see
/// [`heading_asks`]) with nothing under it but links (no image) and
/// spacers ("Suggest your question!") is a placeholder, not a question: it
/// and its blocks stay loose text, and its source links (the last pushed)
/// are dropped.
fn close_open(
    text: &str,
    blocks: &[Block],
    (segments, sources): (&mut Vec<Segment>, &mut Vec<Option<Range<usize>>>),
    current: &mut Option<(Draft, u8, usize)>,
    section_end: bool,
) {
    let Some((draft, _, heading)) = current.take() else { return };
    let link = |b: &Block| is_links_only(text, b) && b.links.iter().all(|l| !l.image);
    let empty = draft.body.iter().all(|b| is_spacer(text, b) || link(b));
    if section_end && empty && !heading_asks(&blocks[heading]) {
        sources.pop();
        segments.push(Segment::Loose(blocks[heading].clone()));
        segments.extend(draft.body.into_iter().map(Segment::Loose));
    } else {
        segments.push(Segment::Question(draft));
    }
}

/// A family heading directly followed (only spacers between) by a deeper
/// family heading groups questions: it is a topic.
fn starts_group(text: &str, blocks: &[Block], i: usize, family: Family) -> bool {
    let level = blocks[i].heading_level().unwrap_or(0);
    let next = blocks[i + 1..].iter().find(|b| !is_spacer(text, b));
    next.is_some_and(|b| b.heading_level().is_some_and(|l| l > level) && in_family(b, family))
}

/// The range of a heading's text without `#`s, numbering, `{#id}`
/// attributes, closing `#`s and links after the question; also the number
/// and the range of those links.
fn heading_prompt(text: &str, block: &Block) -> (Range<usize>, Option<u32>, Option<Range<usize>>) {
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
    let mut links = None;
    if let Some(kept) = trailing_links_start(&text[start..end]) {
        if kept < text[start..end].len()
            && (text[start..start + kept].ends_with('?') || text[start..end].ends_with(")]"))
        {
            let after = &text[start + kept..end];
            links = Some(start + kept + (after.len() - after.trim_start().len())..end);
            end = start + kept;
        }
    }
    let (number, prefix) = strip_numbering(&text[start..end]);
    (start + prefix..end, number, links)
}

#[cfg(test)]
mod tests {
    use super::super::fences::parse_document;
    use super::*;

    #[test]
    fn prompt_range_strips_numbering_and_attributes() {
        let text = "### Q3: Why? {#why-id}\n";
        let blocks = parse_document(text, 0..text.len());
        let (range, number, _) = heading_prompt(text, &blocks[0]);
        assert_eq!(&text[range], "Why?");
        assert_eq!(number, Some(3));
    }

    #[test]
    fn prompt_range_leaves_out_links_after_the_question() {
        let text = "## 8 . Why? [[src](https://example.org/q)]\n";
        let blocks = parse_document(text, 0..text.len());
        let (range, number, links) = heading_prompt(text, &blocks[0]);
        assert_eq!(&text[range], "Why?");
        assert_eq!(number, Some(8));
        assert_eq!(&text[links.unwrap()], "[[src](https://example.org/q)]");
    }
}
