//! The bold style: a paragraph that is wholly strong text
//! (`**What is bagging?**`) is a question. Difficulty marks (👶 easy,
//! ⭐️ medium, 🚀 hard) set `difficulty` wherever they sit: after the bold
//! text (`**What is X?** ⭐️`) or inside it (`**What is X? 👶**`), with or
//! without variation selectors (U+FE0F) and zero-width joiners (U+200D)
//! around them. Headings directly before a question are topics; `<br/>`
//! spacer paragraphs are ignored.

use super::blocks::Block;
use super::text::{strip_numbering, trailing_difficulty};
use super::{flush, heading_starts_topic, is_paragraph, is_spacer, Draft, Segment, StyleInput};
use crate::model::Difficulty;

/// A wholly bold paragraph that reads as a question: it ends with `?`,
/// carries a difficulty mark, or is numbered. Short bold labels inside
/// answers ("**Note:**") are not questions.
fn is_start(block: &Block) -> bool {
    let Some((lead, after)) = &block.strong_lead else { return false };
    let (inner_mark, inner_len) = trailing_marks(lead.trim());
    let lead = &lead.trim()[..lead.trim().len() - inner_len];
    let (outer_mark, outer_len) = trailing_marks(after);
    let after_is_marks = after.is_empty() || (outer_mark.is_some() && outer_len == after.len());
    is_paragraph(block)
        && after_is_marks
        && !lead.trim().is_empty()
        && (lead.trim_end().ends_with('?')
            || inner_mark.is_some()
            || outer_mark.is_some()
            || strip_numbering(lead).0.is_some())
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

/// The prompt is the text between the outer `**` pair, without the
/// difficulty marks at its end; marks inside or after the bold count.
fn bold_draft(text: &str, block: &Block) -> Draft {
    let source = &text[block.range.clone()];
    let delimiter = if source.starts_with("__") { "__" } else { "**" };
    let close = source.rfind(delimiter).filter(|&c| c >= 2).unwrap_or(source.len());
    let inner = &source[2.min(close)..close];
    let (number, prefix) = strip_numbering(inner);
    let start = block.range.start + 2.min(close) + prefix;
    let (inner_mark, inner_len) = trailing_marks(inner);
    let (outer_mark, _) = trailing_marks(&source[(close + 2).min(source.len())..]);
    let end = (block.range.start + close - inner_len).max(start);
    let difficulty = match (inner_mark, outer_mark) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    Draft { prompt: start..end, number, difficulty, ..Draft::default() }
}

/// Difficulty marks at the end of `text` together with the spaces,
/// variation selectors and zero-width joiners between and around them:
/// the hardest mark and the byte length of that tail (0 when none).
fn trailing_marks(text: &str) -> (Option<Difficulty>, usize) {
    let is_glue = |c: char| c.is_whitespace() || matches!(c, '\u{fe0f}' | '\u{200d}');
    let mut rest = text.trim_end_matches(is_glue);
    let mut found: Option<Difficulty> = None;
    while let Some((difficulty, len)) = trailing_difficulty(rest) {
        found = Some(found.map_or(difficulty, |d| d.max(difficulty)));
        rest = rest[..rest.len() - len].trim_end_matches(is_glue);
    }
    match found {
        Some(d) => (Some(d), text.len() - rest.len()),
        None => (None, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_inside_and_outside_with_joiners() {
        assert_eq!(trailing_marks("What? 👶"), (Some(Difficulty::Easy), " 👶".len()));
        assert_eq!(trailing_marks("What? \u{200d}⭐\u{fe0f}"), (Some(Difficulty::Medium), " \u{200d}⭐\u{fe0f}".len()));
        assert_eq!(trailing_marks("What?⭐\u{200d}🚀 "), (Some(Difficulty::Hard), "⭐\u{200d}🚀 ".len()));
        assert_eq!(trailing_marks("What?"), (None, 0));
    }
}
