//! The marker style (the seed's): a paragraph or list item starting with a
//! `?` marker begins a question.
//!
//! Marker forms: `? text`, `**?** text`, `?** text` (bold broken by PDF
//! conversion), a lone `?` paragraph whose question is the next block,
//! `- ?** text` (a list item), and `- ?` whose question is the next item.
//! A paragraph ending with `?` that stands alone after a finished answer
//! and has no marker is an inferred question (`inferred-question`).
//! A heading directly followed by a question is a topic; any other heading
//! belongs to the answer it is in.
//!
//! Question lists (worksheets) mark their questions with a difficulty tag
//! instead: `1. [E] What is ...?` (`[E]` easy, `[M]` medium, `[H]` hard),
//! often nested under an untagged item that names the subject
//! (`2. Empirical risk minimization.` then `    1. [E] Why is it
//! empirical?`). Such a list holds one question per tagged item (and per
//! untagged leaf item ending with `?`); the subject item, the untagged
//! parts nested under a tagged question and what follows a blank line in
//! an item (figures, hints) are kept as the question's context
//! ([`tagged_list`]).

use std::ops::Range;

use super::blocks::{parse_blocks, Block, BlockKind};
use super::{flush, heading_starts_topic, is_paragraph, is_spacer, Draft, Segment, StyleInput};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Difficulty;

/// Where a marked question's text is.
#[derive(Debug, Clone, PartialEq)]
enum Start {
    /// The text follows the marker in the same block.
    Here(Range<usize>),
    /// A lone marker: the question is the next block.
    NextBlock,
    /// `- ?` then the question in the next item; `rest` starts at that item.
    NextItem(Range<usize>),
}

/// Byte length of a `?` marker and the spaces after it, if `s` starts with one.
fn marker_len(s: &str) -> Option<usize> {
    let trimmed = s.trim_start();
    let lead = s.len() - trimmed.len();
    let marker = ["**?**", "?**", "?"].into_iter().find(|m| trimmed.starts_with(m))?;
    let after = &trimmed[marker.len()..];
    if marker == "?" && !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    Some(lead + marker.len() + (after.len() - after.trim_start().len()))
}

fn detect(text: &str, block: &Block) -> Option<Start> {
    let (range, list_rest) = match &block.kind {
        BlockKind::Paragraph => (block.range.clone(), None),
        BlockKind::List { items } => {
            let first = items.first()?;
            (first.content.clone(), items.get(1).map(|i| i.range.start..block.range.end))
        }
        _ => return None,
    };
    let len = marker_len(&text[range.clone()])?;
    let after = range.start + len..range.end;
    if !text[after.clone()].trim().is_empty() {
        return Some(Start::Here(after));
    }
    Some(match list_rest {
        Some(rest) => Start::NextItem(rest),
        None => Start::NextBlock,
    })
}

pub fn count_starts(text: &str, blocks: &[Block]) -> usize {
    blocks
        .iter()
        .map(|b| match detect(text, b) {
            Some(_) => 1,
            None => tagged_list(text, b, false).map_or(0, |drafts| drafts.iter().filter(|d| d.is_question()).count()),
        })
        .sum()
}

pub fn segment(input: &mut StyleInput) -> Vec<Segment> {
    let text = input.file.text.as_str();
    let blocks = &split_marked_lists(text, input.blocks);
    let starts: Vec<Option<Start>> = blocks.iter().map(|b| detect(text, b)).collect();
    let tagged: Vec<Option<Vec<Piece>>> =
        blocks.iter().zip(&starts).map(|(b, s)| s.is_none().then(|| tagged_list(text, b, false)).flatten()).collect();
    // Plain question lists only outside any question: an answer may well
    // list questions of its own.
    let plain: Vec<Option<Vec<Piece>>> =
        blocks.iter().zip(&tagged).map(|(b, t)| t.is_none().then(|| tagged_list(text, b, true)).flatten()).collect();
    let mut segments = Vec::new();
    let mut current: Option<Draft> = None;
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        let plain_here = plain[i].as_ref().filter(|_| current.is_none());
        if heading_starts_topic(text, blocks, i, |j| starts[j].is_some() || tagged[j].is_some() || plain[j].is_some()) {
            flush(&mut segments, &mut current);
            segments.push(Segment::topic(block));
        } else if let Some(pieces) = tagged[i].as_ref().or(plain_here) {
            // A question list stands on its own: what follows it is not
            // the answer of its last question.
            flush(&mut segments, &mut current);
            segments.extend(pieces_to_segments(text, pieces));
        } else if let Some(start) = &starts[i] {
            flush(&mut segments, &mut current);
            let (draft, consumed) = marked_draft(text, blocks, i, start);
            current = Some(draft);
            i += consumed;
        } else if is_inferred(text, blocks, i, current.as_ref(), &starts) {
            flush(&mut segments, &mut current);
            input.diagnostics.push(
                Diagnostic::new(
                    Code::InferredQuestion,
                    input.file,
                    Some(input.file.span(block.range.clone())),
                    "paragraph ending with `?` after an answer was taken as a question",
                )
                .with_note("mark it with `?` (or `**?**`) to make this explicit"),
            );
            current = Some(Draft { prompt: block.range.clone(), inferred: true, ..Draft::default() });
        } else if let Some(draft) = current.as_mut() {
            draft.body.push(block.clone());
        } else {
            segments.push(Segment::Loose(block.clone()));
        }
        i += 1;
    }
    flush(&mut segments, &mut current);
    segments
}

/// A list whose later item starts with a marker (an answer's list running
/// straight into `- ?** Next question`) is split before that item.
fn split_marked_lists(text: &str, blocks: &[Block]) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    for block in blocks {
        let marked = block.items().iter().skip(1).find(|item| marker_len(&text[item.content.clone()]).is_some());
        match marked {
            Some(item) => {
                out.extend(parse_blocks(text, block.range.start..item.range.start));
                out.extend(parse_blocks(text, item.range.start..block.range.end));
            }
            None => out.push(block.clone()),
        }
    }
    out
}

/// Builds the draft of a marked question; returns it and how many blocks
/// after `i` it consumed.
fn marked_draft(text: &str, blocks: &[Block], i: usize, start: &Start) -> (Draft, usize) {
    match start {
        Start::Here(range) => {
            let mut draft = Draft { prompt: range.clone(), ..Draft::default() };
            // Items after a `- ?** text` item are part of the question body.
            if let Some(second) = blocks[i].items().get(1) {
                draft.prompt = range.start..blocks[i].items()[0].range.end;
                draft.body = parse_blocks(text, second.range.start..blocks[i].range.end);
            }
            (draft, 0)
        }
        Start::NextItem(rest) => {
            let item_blocks = parse_blocks(text, rest.clone());
            let prompt_item = item_blocks.first().and_then(|b| b.items().first()).map(|item| item.content.clone());
            let mut draft = Draft { prompt: prompt_item.unwrap_or(rest.end..rest.end), ..Draft::default() };
            if let Some(after) = item_blocks.first().and_then(|b| b.items().get(1)) {
                draft.body = parse_blocks(text, after.range.start..rest.end);
            }
            (draft, 0)
        }
        Start::NextBlock => match blocks.get(i + 1) {
            Some(next) if !next.is_heading() && detect(text, next).is_none() => {
                (Draft { prompt: next.range.clone(), ..Draft::default() }, 1)
            }
            _ => {
                let start = blocks[i].range.start;
                (Draft { prompt: start..start, ..Draft::default() }, 0)
            }
        },
    }
}

/// A paragraph ending with `?`, alone at top level after a finished answer,
/// followed by something that can be its answer.
fn is_inferred(text: &str, blocks: &[Block], i: usize, current: Option<&Draft>, starts: &[Option<Start>]) -> bool {
    let block = &blocks[i];
    let prompt = block.text.trim();
    let answered = current.is_some_and(|d| d.body.iter().any(|b| !is_spacer(text, b)));
    let after_heading = i > 0 && blocks[i - 1].is_heading();
    let followed_by_answer =
        blocks.get(i + 1).is_some_and(|next| starts[i + 1].is_none() && !next.is_heading() && !is_spacer(text, next));
    answered
        && is_paragraph(block)
        && prompt.ends_with('?')
        && !prompt.contains('\n')
        && prompt.chars().count() <= 400
        && !after_heading
        && followed_by_answer
}

/// One item line of a question list, with the lines that continue it.
#[derive(Debug, Clone)]
struct Piece {
    /// Indentation of the bullet, in columns (a tab is 4).
    indent: usize,
    /// The item's text after its bullet and tag, with the lines that
    /// continue it up to a blank line.
    text: Range<usize>,
    tag: Option<Difficulty>,
    /// A question item: tagged, or a top-level item of a plain question list.
    asks: bool,
    /// Lines after a blank line, before the next item.
    extra: Option<Range<usize>>,
    /// The untagged item this one is nested under (index into the pieces).
    parent: Option<usize>,
    /// The tagged question this untagged item is a part of (`1. [H] ...?`
    /// then `    1. What about ...?`), and where its bullet starts.
    owner: Option<usize>,
    bullet: usize,
    /// An untagged item with items nested under it.
    has_children: bool,
    question_text: bool,
}

impl Piece {
    fn is_question(&self) -> bool {
        self.asks || (!self.has_children && self.question_text && self.owner.is_none())
    }
}

/// `[E]`, `[M]`, `[H]` and the spaces after it at the start of `s`.
fn difficulty_tag(s: &str) -> Option<(Difficulty, usize)> {
    let difficulty = match s.get(..3)? {
        "[E]" => Difficulty::Easy,
        "[M]" => Difficulty::Medium,
        "[H]" => Difficulty::Hard,
        _ => return None,
    };
    let after = &s[3..];
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    Some((difficulty, 3 + after.len() - after.trim_start().len()))
}

/// Starts with a word that opens a question or a task ("Explain the
/// following headers:", "Describe floats").
fn starts_like_a_question(s: &str) -> bool {
    const WORDS: [&str; 24] = [
        "what", "why", "how", "when", "where", "which", "who", "explain", "describe", "discuss", "compare", "name",
        "list", "give", "tell", "define", "can", "could", "do", "does", "is", "are", "have", "write",
    ];
    let first = s.split_whitespace().next().unwrap_or("").trim_matches(|c: char| !c.is_alphabetic());
    WORDS.contains(&first.to_ascii_lowercase().as_str())
}

/// Columns of indentation and byte length up to the item's text, for a
/// line that starts a list item (`1. `, `2) `, `- `).
fn item_line(line: &str) -> Option<(usize, usize)> {
    let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
    let indent = line[..lead].chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
    let rest = &line[lead..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let bullet = match rest.as_bytes().get(digits) {
        Some(b'.' | b')') if digits > 0 => digits + 1,
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        _ => return None,
    };
    let after = &rest[bullet..];
    if !after.starts_with([' ', '\t']) {
        return None;
    }
    Some((indent, lead + bullet + after.len() - after.trim_start_matches([' ', '\t']).len()))
}

/// The items of a list that holds difficulty-tagged questions, read line
/// by line (the tags sit in nested lists, which [`Block`] does not open).
/// `None` when no item carries a tag. With `plain`, a list without tags
/// whose top-level items are mostly questions (three or more, at least
/// 60% ending with `?` or opening with a question word; or all of them) is a question list too: each top-level item is a
/// question, the items nested under it are its parts.
fn tagged_list(text: &str, block: &Block, plain: bool) -> Option<Vec<Piece>> {
    if !matches!(block.kind, BlockKind::List { .. }) || (!plain && !text[block.range.clone()].contains("] ")) {
        return None;
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut blank = false;
    let mut offset = block.range.start;
    for line in text[block.range.clone()].split_inclusive('\n') {
        let end = offset + line.trim_end().len();
        if let Some((indent, len)) = item_line(line) {
            let content = offset + len;
            // An empty item (`- ` and a line break) has its text end before the marker's spaces.
            let end = end.max(content);
            let tag = difficulty_tag(&text[content..end]);
            let start = content + tag.map_or(0, |(_, n)| n);
            let top = pieces.first().is_none_or(|p| p.indent >= indent);
            let asks = tag.is_some() || (plain && top);
            // The nearest item less indented is the one this is nested under.
            let above = pieces.iter().rposition(|p| p.indent < indent);
            let owner = match above {
                _ if asks => None,
                Some(a) if pieces[a].asks => Some(a),
                Some(a) => pieces[a].owner,
                None => None,
            };
            let parent = above.filter(|&p| !pieces[p].asks && owner.is_none());
            if let Some(p) = parent {
                pieces[p].has_children = true;
            }
            pieces.push(Piece {
                indent,
                text: start..end.max(start),
                tag: tag.map(|(d, _)| d),
                asks,
                extra: None,
                parent,
                owner,
                bullet: offset + line.len() - line.trim_start().len(),
                has_children: false,
                question_text: text[start..end.max(start)].trim_end().ends_with('?'),
            });
            blank = false;
        } else if line.trim().is_empty() {
            blank = true;
        } else if let Some(piece) = pieces.last_mut() {
            if blank || piece.extra.is_some() {
                let start = offset + line.len() - line.trim_start().len();
                piece.extra = Some(piece.extra.as_ref().map_or(start, |r| r.start)..end);
            } else {
                piece.text.end = end;
                piece.question_text = text[piece.text.clone()].trim_end().ends_with('?');
            }
        }
        offset += line.len();
    }
    if pieces.iter().any(|p| p.tag.is_some()) {
        return Some(pieces);
    }
    let top: Vec<&Piece> = pieces.iter().filter(|p| p.asks).collect();
    let questions = top.iter().filter(|p| p.question_text || starts_like_a_question(&text[p.text.clone()])).count();
    let mostly = top.len() >= 3 && questions * 5 >= top.len() * 3;
    (plain && (mostly || (!top.is_empty() && questions == top.len()))).then_some(pieces)
}

/// Questions for the question items of a tagged list; the other items
/// that no question is nested under stay as loose text.
fn pieces_to_segments(text: &str, pieces: &[Piece]) -> Vec<Segment> {
    let mut segments = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        if piece.is_question() {
            let mut body: Vec<Block> =
                piece.parent.map(|p| parse_blocks(text, pieces[p].text.clone())).unwrap_or_default();
            // Its parts, each a one-item list as written.
            for part in pieces.iter().filter(|p| p.owner == Some(i)) {
                let end = part.extra.as_ref().map_or(part.text.end, |r| r.end);
                body.extend(parse_blocks(text, part.bullet..end));
            }
            // What follows a blank line in the item (a figure, a table, a
            // hint, the rest of the question) is the question's too: a
            // question list has no answers.
            if let Some(extra) = &piece.extra {
                body.extend(parse_blocks(text, extra.clone()));
            }
            let answer_from = Some(body.len());
            segments.push(Segment::Question(Draft {
                prompt: piece.text.clone(),
                body,
                answer_from,
                difficulty: piece.tag,
                ..Draft::default()
            }));
        } else if !piece.has_children && piece.owner.is_none() {
            let range = piece.text.start..piece.extra.as_ref().map_or(piece.text.end, |r| r.end);
            segments.extend(parse_blocks(text, range).into_iter().map(Segment::Loose));
        }
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_forms() {
        assert_eq!(marker_len("? What"), Some(2));
        assert_eq!(marker_len("**?** What"), Some(6));
        assert_eq!(marker_len("?** What"), Some(4));
        assert_eq!(marker_len("?"), Some(1));
        assert_eq!(marker_len("?foo"), None);
        assert_eq!(marker_len("What?"), None);
    }

    #[test]
    fn an_empty_item_in_a_question_list_is_read_without_panicking() {
        let text = "- Why is the sky blue?\n- \n- What is a rainbow?\n- How do clouds form?\n";
        let blocks = crate::parse::fences::parse_document(text, 0..text.len());
        let pieces = tagged_list(text, &blocks[0], true).expect("a question list");
        assert!(pieces.len() >= 3, "{}", pieces.len());
    }
}
