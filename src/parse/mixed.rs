//! Mixed files, the second pass: after the winning reading, a question
//! written in another form inside a question's body starts a question of
//! its own. A heading bank (`#### Q77. ...`) that goes on with
//! paragraphs (`Q78. ...`), with `###Q79. ...` (no space after the
//! hashes: a paragraph to CommonMark, a heading to a person), with a
//! line glued to the last option (`- [ ] d` then `Q80. ...` on the next
//! line) or with a collapsible whose summary is the next question
//! (`<details><summary>Q81. ...</summary>`) is read as one bank.
//!
//! The cue is strong on purpose, so that a real answer is never split: a
//! line of a paragraph, a continuation line of a list item or a question
//! collapsible's summary that starts with the numbering of the question it
//! sits in, continued: the same form (`Q12.`, `Question 12.`, `12.`), a
//! number one to three above it (banks skip numbers) and a text that asks
//! something (ends with `?`, or opens with a question word); a line needs
//! something after it, to be its options or answer. "See Q13." inside a
//! sentence, "Q13 and Q14 differ." opening a paragraph of answer 12, and a
//! last paragraph with nothing after it stay where they are.
//!
//! In order, per question: find the first cue in its body; cut the body
//! there (the block holding the cue is parsed again in two: before the
//! cue's line, and from it); the cue's line and the rest of its block are
//! the new question's prompt, the blocks after it its body; go on with
//! the new question.

use std::ops::Range;

use super::blocks::{parse_blocks, Block, BlockKind};
use super::details;
use super::text::{asks, strip_numbering};
use super::{is_spacer, Draft, Segment};

/// How a question is numbered: `Q12.` is "q", `Question 12.` "question",
/// `12.` "".
type Form = &'static str;

/// A numbered line found in a question's body.
#[derive(Debug)]
struct Cue {
    /// Index of the block in the body.
    index: usize,
    /// The list item the line continues, if the block is a list.
    item: Option<usize>,
    /// Offset where the cue's line starts.
    line: usize,
    /// The question text: from after the numbering to the end of the
    /// paragraph or item, closing bold markup left out; or the summary.
    prompt: Range<usize>,
    number: u32,
    /// The question a `<details>` block holds, when the cue is its summary.
    collapsible: Option<Draft>,
}

/// Splits every question whose body holds a cue (see the module docs).
/// Returns the segments and how many questions were added.
pub fn split_mixed(text: &str, segments: Vec<Segment>) -> (Vec<Segment>, usize) {
    let mut out = Vec::with_capacity(segments.len());
    let mut added = 0;
    for segment in segments {
        let Segment::Question(mut draft) = segment else {
            out.push(segment);
            continue;
        };
        while let Some(cue) = draft.number.and_then(|n| find_cue(text, &draft, n)) {
            let next = cut(text, &mut draft, cue);
            out.push(Segment::Question(std::mem::replace(&mut draft, next)));
            added += 1;
        }
        out.push(Segment::Question(draft));
    }
    (out, added)
}

/// The numbering form of a draft's own question: from the start of its
/// prompt's line (`#### Q77. `, `1. ### `) up to the prompt.
fn draft_form(text: &str, draft: &Draft) -> Form {
    let line_start = text[..draft.prompt.start].rfind('\n').map_or(0, |i| i + 1);
    numbered(&text[line_start..draft.prompt.start]).map_or("", |(_, form, _)| form)
}

/// The number, form and byte length of the numbering (with the hashes,
/// bold markup and spaces around it) at the start of `line`.
fn numbered(line: &str) -> Option<(u32, Form, usize)> {
    let rest = line.trim_start().trim_start_matches('#').trim_start();
    let open = ["**", "__"].into_iter().find(|m| rest.starts_with(m)).unwrap_or("");
    let rest = &rest[open.len()..];
    let form = match rest.as_bytes().first()? {
        b'Q' if rest.starts_with("Question") => "question",
        b'Q' => "q",
        b'0'..=b'9' => "",
        _ => return None,
    };
    let (number, len) = strip_numbering(rest);
    let mut end = line.len() - rest.len() + len;
    // `**Q12.** Why?`: the bold closes after the number.
    if !open.is_empty() && line[end..].trim_start().starts_with(open) {
        end = line.len() - line[end..].trim_start()[open.len()..].trim_start().len();
    }
    Some((number?, form, end))
}

/// The first cue in the draft's body that continues its numbering `n`.
fn find_cue(text: &str, draft: &Draft, n: u32) -> Option<Cue> {
    let form = draft_form(text, draft);
    let continues = |number: u32, cue_form: Form, prompt: &Range<usize>| {
        let first_line = text[prompt.clone()].lines().next().unwrap_or("");
        cue_form == form && number > n && number - n <= 3 && asks(first_line)
    };
    for (index, block) in draft.body.iter().enumerate() {
        if let Some(collapsible) = details::question_draft(text, block) {
            let summary = collapsible.prompt.clone();
            let Some((number, cue_form, len)) = numbered(&text[summary.clone()]) else { continue };
            let prompt = summary.start + len..summary.end;
            if continues(number, cue_form, &prompt) {
                let line = block.range.start;
                return Some(Cue { index, item: None, line, prompt, number, collapsible: Some(collapsible) });
            }
            continue;
        }
        let later = draft.body[index + 1..].iter().any(|b| !is_spacer(text, b));
        for (item, line, end) in cue_lines(text, block) {
            let Some((number, cue_form, len)) = numbered(&text[line..end]) else { continue };
            let prompt = trim_bold(text, line, line + len..end);
            let next_item = item.is_some_and(|i| i + 1 < block.items().len());
            if (next_item || later) && continues(number, cue_form, &prompt) {
                return Some(Cue { index, item, line, prompt, number, collapsible: None });
            }
        }
    }
    None
}

/// Where a cue may start in a block: at every line of a paragraph, at
/// every line but the first of a list item (with the item's index); with
/// the end of the paragraph or item.
fn cue_lines(text: &str, block: &Block) -> Vec<(Option<usize>, usize, usize)> {
    match &block.kind {
        BlockKind::Paragraph => line_starts(text, block.range.clone(), 0).map(|s| (None, s, block.range.end)).collect(),
        BlockKind::List { items } => items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| line_starts(text, item.range.clone(), 1).map(move |s| (Some(i), s, item.range.end)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Offsets where the lines of `text[range]` start, but the first `skip`.
fn line_starts(text: &str, range: Range<usize>, skip: usize) -> impl Iterator<Item = usize> + '_ {
    let start = range.start;
    let later = text[range].match_indices('\n').map(move |(i, _)| start + i + 1);
    std::iter::once(start).chain(later).skip(skip)
}

/// Leaves out the bold markup closing a prompt whose line opened it.
fn trim_bold(text: &str, line: usize, prompt: Range<usize>) -> Range<usize> {
    let opened = text[line..].trim_start().trim_start_matches('#').trim_start();
    let source = text[prompt.clone()].trim_end();
    match ["**", "__"].into_iter().find(|m| opened.starts_with(m) && source.ends_with(m)) {
        Some(m) => prompt.start..prompt.start + source.len() - m.len(),
        None => prompt.start..prompt.start + source.len(),
    }
}

/// Cuts `draft` at `cue`: returns the new question; `draft` keeps what
/// came before the cue.
fn cut(text: &str, draft: &mut Draft, cue: Cue) -> Draft {
    let mut rest = draft.body.split_off(cue.index);
    let block = rest.remove(0);
    if cue.line > block.range.start {
        draft.body.extend(parse_blocks(text, block.range.start..cue.line));
    }
    let mut body = match (&cue.collapsible, cue.item.and_then(|i| block.items().get(i + 1))) {
        (Some(collapsible), _) => collapsible.body.clone(),
        (None, Some(next)) => parse_blocks(text, next.range.start..block.range.end),
        (None, None) => Vec::new(),
    };
    let from_next = body.len();
    body.extend(rest);
    // An answer marked after the cue is the new question's.
    let answer_from = draft.answer_from.and_then(|a| a.checked_sub(cue.index + 1)).map(|a| a + from_next);
    draft.answer_from = draft.answer_from.filter(|a| *a <= draft.body.len());
    Draft { prompt: cue.prompt, body, answer_from, number: Some(cue.number), ..Draft::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_forms() {
        assert_eq!(numbered("Q78. What?"), Some((78, "q", 5)));
        assert_eq!(numbered("###Q70. When?"), Some((70, "q", 8)));
        assert_eq!(numbered("**Q3.** Why?"), Some((3, "q", 8)));
        assert_eq!(numbered("Question 4: Why?"), Some((4, "question", 12)));
        assert_eq!(numbered("12. Why?"), Some((12, "", 4)));
        assert_eq!(numbered("See Q2."), None);
        assert_eq!(numbered("Q13 and Q14 differ"), Some((13, "q", 4)));
    }

    #[test]
    fn the_largest_number_continues_nothing() {
        let text = "## 4294967295. Why?\n\nBecause.\n\n4294967295. What?\n\nX.\n\n## 4294967296. How?\n";
        let blocks = crate::parse::fences::parse_document(text, 0..text.len());
        let draft = Draft { prompt: 15..19, number: Some(u32::MAX), body: blocks[1..].to_vec(), ..Draft::default() };
        let (segments, added) = split_mixed(text, vec![Segment::Question(draft)]);
        assert_eq!((segments.len(), added), (1, 0));
    }
}
