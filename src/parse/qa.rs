//! The qa style: paragraphs prefixed `Q:` / `Question:` begin questions,
//! paragraphs prefixed `A:` / `Answer:` begin their answers (bold or not:
//! `**Q:**`). Blocks between the two belong to the prompt. Headings
//! directly before a question are topics.

use super::blocks::{parse_blocks, Block};
use super::{flush, heading_starts_topic, is_paragraph, is_spacer, Draft, Segment, StyleInput};

const QUESTION_PREFIXES: [&str; 2] = ["Question", "Q"];
const ANSWER_PREFIXES: [&str; 2] = ["Answer", "A"];

/// Byte length of a `Q:`-like prefix (with `**` and spaces) at the start of
/// a paragraph.
fn prefix_len(source: &str, words: &[&str]) -> Option<usize> {
    let bold = source.starts_with("**");
    let rest = if bold { &source[2..] } else { source };
    let word = words.iter().find(|w| rest.starts_with(*w))?;
    let mut after = &rest[word.len()..];
    let mut len = usize::from(bold) * 2 + word.len();
    // `**Q:**` and `**Q**:` both occur.
    for token in ["**:", ":**", ":"] {
        if let Some(r) = after.strip_prefix(token) {
            len += token.len();
            after = r;
            break;
        }
    }
    if !source[..len].ends_with(':') && !source[..len].ends_with(":**") {
        return None;
    }
    Some(len + after.len() - after.trim_start().len())
}

fn is_start(text: &str, block: &Block) -> bool {
    is_paragraph(block) && prefix_len(&text[block.range.clone()], &QUESTION_PREFIXES).is_some()
}

pub fn count_starts(text: &str, blocks: &[Block]) -> usize {
    blocks.iter().filter(|b| is_start(text, b)).count()
}

pub fn segment(input: &mut StyleInput) -> Vec<Segment> {
    let text = input.file.text.as_str();
    let blocks = input.blocks;
    let mut segments = Vec::new();
    let mut current: Option<Draft> = None;
    for (i, block) in blocks.iter().enumerate() {
        let source = &text[block.range.clone()];
        if heading_starts_topic(text, blocks, i, |j| is_start(text, &blocks[j])) {
            flush(&mut segments, &mut current);
            segments.push(Segment::topic(block));
        } else if is_start(text, block) {
            flush(&mut segments, &mut current);
            let len = prefix_len(source, &QUESTION_PREFIXES).unwrap_or(0);
            current = Some(Draft { prompt: block.range.start + len..block.range.end, ..Draft::default() });
        } else if let Some(draft) = current.as_mut() {
            let answer_len = is_paragraph(block).then(|| prefix_len(source, &ANSWER_PREFIXES)).flatten();
            match answer_len {
                Some(len) if draft.answer_from.is_none() => {
                    draft.answer_from = Some(draft.body.len());
                    draft.body.extend(parse_blocks(text, block.range.start + len..block.range.end));
                }
                _ if is_spacer(text, block) => {}
                _ => draft.body.push(block.clone()),
            }
        } else {
            segments.push(Segment::Loose(block.clone()));
        }
    }
    flush(&mut segments, &mut current);
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(prefix_len("Q: Why?", &QUESTION_PREFIXES), Some(3));
        assert_eq!(prefix_len("**Question:** Why?", &QUESTION_PREFIXES), Some(14));
        assert_eq!(prefix_len("**Q**: Why?", &QUESTION_PREFIXES), Some(7));
        assert_eq!(prefix_len("Quick: no", &QUESTION_PREFIXES), None);
        assert_eq!(prefix_len("A: Because", &ANSWER_PREFIXES), Some(3));
        assert_eq!(prefix_len("Answer: B", &ANSWER_PREFIXES), Some(8));
        assert_eq!(prefix_len("Apples: no", &ANSWER_PREFIXES), None);
    }
}
