//! The bold style: a paragraph that is wholly strong text
//! (`**What is bagging?**`) is a question. Trailing difficulty marks
//! (👶 easy, ⭐️ medium, 🚀 hard) after the bold text set `difficulty`.
//! Headings directly before a question are topics; `<br/>` spacer
//! paragraphs are ignored.

use super::blocks::Block;
use super::text::{strip_numbering, trailing_difficulty};
use super::{flush, heading_starts_topic, is_paragraph, is_spacer, Draft, Segment, StyleInput};

/// A wholly bold paragraph that reads as a question: it ends with `?`,
/// carries a difficulty mark, or is numbered. Short bold labels inside
/// answers ("**Note:**") are not questions.
fn is_start(block: &Block) -> bool {
    let Some((lead, after)) = &block.strong_lead else { return false };
    let lead = lead.trim();
    let after_is_marks = after.is_empty() || trailing_difficulty(after).is_some_and(|(_, len)| len == after.len());
    is_paragraph(block)
        && after_is_marks
        && !lead.is_empty()
        && (lead.ends_with('?') || !after.is_empty() || strip_numbering(lead).0.is_some())
}

pub fn count_starts(_text: &str, blocks: &[Block]) -> usize {
    blocks.iter().filter(|b| is_start(b)).count()
}

pub fn segment(input: &mut StyleInput) -> Vec<Segment> {
    let text = input.file.text.as_str();
    let blocks = input.blocks;
    let mut segments = Vec::new();
    let mut current: Option<Draft> = None;
    for (i, block) in blocks.iter().enumerate() {
        if heading_starts_topic(text, blocks, i, |j| is_start(&blocks[j])) {
            flush(&mut segments, &mut current);
            segments.push(Segment::topic(block));
        } else if is_start(block) {
            flush(&mut segments, &mut current);
            current = Some(bold_draft(text, block));
        } else if is_spacer(text, block) {
            continue;
        } else if let Some(draft) = current.as_mut() {
            draft.body.push(block.clone());
        } else {
            segments.push(Segment::Loose(block.clone()));
        }
    }
    flush(&mut segments, &mut current);
    segments
}

/// The prompt is the text between the outer `**` pair.
fn bold_draft(text: &str, block: &Block) -> Draft {
    let source = &text[block.range.clone()];
    let delimiter = if source.starts_with("__") { "__" } else { "**" };
    let close = source.rfind(delimiter).filter(|&c| c >= 2).unwrap_or(source.len());
    let inner = &source[2.min(close)..close];
    let (number, prefix) = strip_numbering(inner);
    let start = block.range.start + 2.min(close) + prefix;
    let difficulty = trailing_difficulty(&source[(close + 2).min(source.len())..]).map(|(d, _)| d);
    Draft { prompt: start..block.range.start + close, number, difficulty, ..Draft::default() }
}
