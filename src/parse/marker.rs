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
//! Question lists (worksheets) are read here too, with [`super::list`].

use std::ops::Range;

use super::blocks::{parse_blocks, Block, BlockKind};
use super::list::{pieces_to_segments, plain_lists, tagged_list, Piece};
use super::{flush, heading_starts_topic, is_paragraph, is_spacer, Draft, Segment, StyleInput};
use crate::diagnostic::{Code, Diagnostic};

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
            None => tagged_list(text, b).map_or(0, |drafts| drafts.iter().filter(|d| d.is_question()).count()),
        })
        .sum()
}

pub fn segment(input: &mut StyleInput) -> Vec<Segment> {
    let text = input.file.text.as_str();
    let blocks = &split_marked_lists(text, input.blocks);
    let starts: Vec<Option<Start>> = blocks.iter().map(|b| detect(text, b)).collect();
    let tagged: Vec<Option<Vec<Piece>>> =
        blocks.iter().zip(&starts).map(|(b, s)| s.is_none().then(|| tagged_list(text, b)).flatten()).collect();
    // Plain question lists only outside any question: an answer may well
    // list questions of its own.
    let plain = plain_lists(text, blocks, |i| tagged[i].is_some());
    let mut segments = Vec::new();
    let mut current: Option<Draft> = None;
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        let plain_here = plain[i].as_ref().filter(|_| current.is_none());
        let list_here = tagged[i].as_ref().map(|pieces| (pieces, 1)).or(plain_here.map(|(pieces, n)| (pieces, *n)));
        if heading_starts_topic(text, blocks, i, |j| starts[j].is_some() || tagged[j].is_some() || plain[j].is_some()) {
            flush(&mut segments, &mut current);
            segments.push(Segment::topic(block));
        } else if let Some((pieces, covered)) = list_here {
            // A question list stands on its own: what follows it is not
            // the answer of its last question.
            flush(&mut segments, &mut current);
            segments.extend(pieces_to_segments(text, pieces));
            i += covered - 1;
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
}
