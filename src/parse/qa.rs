//! The qa style: a `Q:` / `Question:` prefix begins a question, an `A:` /
//! `Answer:` prefix begins its answer. Prefixes may be bold or italic
//! (`**Q:**`, `**Q**:`, `*Answer:*`) and numbered (`Q3:`, `Question 3:`);
//! `Q.` also begins a question (`**Q.** ...`).
//!
//! In order, per block:
//! 1. a heading directly before a question is a topic;
//! 2. a paragraph starting with a question prefix begins a question; when a
//!    later line of the same paragraph starts with an answer prefix (lines
//!    ended by `<br>`, two spaces or nothing at all), the paragraph is split
//!    there: question text above, answer from that line on. A setext
//!    heading (`Q: ...`/`A: ...` underlined by `---`) is read the same way;
//! 3. a list whose items start with a question prefix holds one question
//!    per item (an item starting with an answer prefix answers the one
//!    before);
//! 4. a paragraph starting with an answer prefix starts the answer of the
//!    current question; blocks in between belong to the prompt;
//! 5. `---` rules between notes are separators, not content.

use std::ops::Range;

use super::blocks::{parse_blocks, Block, BlockKind};
use super::{flush, heading_starts_topic, is_paragraph, is_spacer, Draft, Segment, StyleInput};

const QUESTION_PREFIXES: [&str; 2] = ["Question", "Q"];
const ANSWER_PREFIXES: [&str; 2] = ["Answer", "A"];

/// Byte length of a `Q:`-like prefix (with its markup and the spaces after
/// it) at the start of `source`. `dot` also accepts `Q.` for `Q:`.
fn prefix_len(source: &str, words: &[&str], dot: bool) -> Option<usize> {
    let (open, rest) =
        ["**", "__", "*", "_"].into_iter().find_map(|m| source.strip_prefix(m).map(|r| (m, r))).unwrap_or(("", source));
    let word = words.iter().find(|w| rest.starts_with(*w))?;
    let mut after = &rest[word.len()..];
    // `Q3:` and `Question 3:`.
    let spaces = after.len() - after.trim_start_matches(' ').len();
    let digits = after[spaces..].bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        after = &after[spaces + digits..];
    }
    let puncts: &[&str] = if dot { &[":", "."] } else { &[":"] };
    // `**Q:**` and `**Q**:` both occur.
    let rest = puncts.iter().find_map(|p| {
        after
            .strip_prefix(p)
            .and_then(|r| r.strip_prefix(open))
            .or_else(|| after.strip_prefix(open).and_then(|r| r.strip_prefix(p)).filter(|_| !open.is_empty()))
    })?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    // The question text may start on the next line; the prefix ends on its own.
    Some(source.len() - rest.trim_start_matches([' ', '\t']).len())
}

fn question_len(source: &str) -> Option<usize> {
    prefix_len(source, &QUESTION_PREFIXES, true)
}

fn answer_len(source: &str) -> Option<usize> {
    prefix_len(source, &ANSWER_PREFIXES, false)
}

/// Where a question starts in a block, if it does.
enum Start {
    /// A paragraph (or setext heading): the question's range, and where
    /// its answer starts in the same block, if it does.
    Block(Range<usize>, Option<Range<usize>>),
    /// A list of `Q:` items.
    List,
}

fn detect(text: &str, block: &Block) -> Option<Start> {
    let range = match &block.kind {
        BlockKind::Paragraph => block.range.clone(),
        // A setext heading: `Q: ...` / `A: ...` then `---`.
        BlockKind::Heading { .. } if !text[block.range.clone()].starts_with('#') => {
            let source = &text[block.range.clone()];
            block.range.start..block.range.start + source.rfind('\n')?
        }
        BlockKind::List { items } => {
            let first = items.first()?;
            return question_len(&text[first.content.clone()]).map(|_| Start::List);
        }
        _ => return None,
    };
    let (prompt, answer) = split_paragraph(text, range)?;
    Some(Start::Block(prompt, answer))
}

/// Splits `text[range]` (starting with a question prefix) into the
/// question text and, when a later line starts with an answer prefix, the
/// answer text.
fn split_paragraph(text: &str, range: Range<usize>) -> Option<(Range<usize>, Option<Range<usize>>)> {
    let q = question_len(&text[range.clone()])?;
    let mut offset = range.start;
    for line in text[range.clone()].split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if offset > range.start {
            if let Some(a) = answer_len(&line[indent..]) {
                let prompt = range.start + q..trim_break(text, range.start + q, offset);
                return Some((prompt, Some((offset + indent + a).min(range.end)..range.end)));
            }
        }
        offset += line.len();
    }
    Some((range.start + q..range.end, None))
}

/// Moves `end` back over a line ending: spaces, `\`, `<br>`.
fn trim_break(text: &str, start: usize, end: usize) -> usize {
    let mut s = text[start..end].trim_end();
    loop {
        let before = s.len();
        for tail in ["<br>", "<br/>", "<br />", "\\"] {
            s = s.strip_suffix(tail).unwrap_or(s).trim_end();
        }
        if s.len() == before {
            return start + s.len();
        }
    }
}

pub fn count_starts(text: &str, blocks: &[Block]) -> usize {
    blocks
        .iter()
        .map(|b| match detect(text, b) {
            Some(Start::List) => b.items().iter().filter(|i| question_len(&text[i.content.clone()]).is_some()).count(),
            Some(Start::Block(..)) => 1,
            None => 0,
        })
        .sum()
}

pub fn segment(input: &mut StyleInput) -> Vec<Segment> {
    let text = input.file.text.as_str();
    let blocks = input.blocks;
    let mut segments = Vec::new();
    let mut current: Option<Draft> = None;
    for (i, block) in blocks.iter().enumerate() {
        let source = &text[block.range.clone()];
        let start = detect(text, block);
        if start.is_none() && heading_starts_topic(text, blocks, i, |j| detect(text, &blocks[j]).is_some()) {
            flush(&mut segments, &mut current);
            segments.push(Segment::topic(block));
        } else if let Some(Start::Block(prompt, answer)) = start {
            flush(&mut segments, &mut current);
            current = Some(block_draft(text, prompt, answer));
        } else if let Some(Start::List) = start {
            list_drafts(text, block, &mut segments, &mut current);
        } else if let Some(draft) = current.as_mut() {
            let answer = is_paragraph(block).then(|| answer_len(source)).flatten();
            match answer {
                Some(len) if draft.answer_from.is_none() => {
                    draft.answer_from = Some(draft.body.len());
                    draft.body.extend(parse_blocks(text, block.range.start + len..block.range.end));
                }
                _ if is_spacer(text, block) || block.kind == BlockKind::Rule => {}
                _ => draft.body.push(block.clone()),
            }
        } else if block.kind != BlockKind::Rule {
            segments.push(Segment::Loose(block.clone()));
        }
    }
    flush(&mut segments, &mut current);
    segments
}

/// A question whose answer may start in the same block.
fn block_draft(text: &str, prompt: Range<usize>, answer: Option<Range<usize>>) -> Draft {
    let mut draft = Draft { prompt, ..Draft::default() };
    if let Some(answer) = answer {
        draft.answer_from = Some(0);
        draft.body = parse_blocks(text, answer);
    }
    draft
}

/// One question per `Q:` item; an `A:` item answers the question before.
fn list_drafts(text: &str, block: &Block, segments: &mut Vec<Segment>, current: &mut Option<Draft>) {
    for item in block.items() {
        let content = item.content.clone();
        if let Some((prompt, answer)) = split_paragraph(text, content.clone()) {
            flush(segments, current);
            // The item's later blocks (indented answer paragraphs, code).
            let first_end = parse_blocks(text, content.clone()).first().map_or(content.end, |b| b.range.end);
            let (prompt, answer) = match answer {
                Some(a) => (prompt, Some(a.start..content.end)),
                // `- Q: ` alone: its block ends before the prefix does.
                None => (prompt.start..first_end.clamp(prompt.start, prompt.end), None),
            };
            let mut draft = block_draft(text, prompt, answer.clone());
            if answer.is_none() && first_end < content.end {
                draft.body = parse_blocks(text, first_end..content.end);
            }
            *current = Some(draft);
        } else if let Some(draft) = current.as_mut() {
            match answer_len(&text[content.clone()]) {
                Some(len) if draft.answer_from.is_none() => {
                    draft.answer_from = Some(draft.body.len());
                    draft.body.extend(parse_blocks(text, content.start + len..content.end));
                }
                _ => draft.body.extend(parse_blocks(text, content)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(question_len("Q: Why?"), Some(3));
        assert_eq!(question_len("**Question:** Why?"), Some(14));
        assert_eq!(question_len("**Q**: Why?"), Some(7));
        assert_eq!(question_len("**Q.** Why?"), Some(7));
        assert_eq!(question_len("Q3: Why?"), Some(4));
        assert_eq!(question_len("Question 3: Why?"), Some(12));
        assert_eq!(question_len("Quick: no"), None);
        assert_eq!(question_len("Q.E.D."), None);
        assert_eq!(answer_len("A: Because"), Some(3));
        assert_eq!(answer_len("Answer: B"), Some(8));
        assert_eq!(answer_len("*Answer:* B"), Some(10));
        assert_eq!(answer_len("_A:_ B"), Some(5));
        assert_eq!(answer_len("Apples: no"), None);
        assert_eq!(answer_len("A. first option"), None);
    }

    #[test]
    fn answer_on_a_later_line_of_the_paragraph() {
        let text = "**Q:** Why?<br>\n**A:** Because.\nMore.";
        let (prompt, answer) = split_paragraph(text, 0..text.len()).unwrap();
        assert_eq!(&text[prompt], "Why?");
        assert_eq!(&text[answer.unwrap()], "Because.\nMore.");
        let text = "Question: Why?  \nAnswer: Because.";
        let (prompt, answer) = split_paragraph(text, 0..text.len()).unwrap();
        assert_eq!(&text[prompt], "Why?");
        assert_eq!(&text[answer.unwrap()], "Because.");
    }
}
