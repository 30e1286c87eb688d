//! Question lists (worksheets): a list whose items are questions, with no
//! answers. The marker reading ([`super::marker`]) reads them.
//!
//! They mark their questions with a difficulty tag, `1. [E] What is ...?`
//! (`[E]` easy, `[M]` medium, `[H]` hard), often nested under an untagged
//! item that names the subject (`2. Empirical risk minimization.` then
//! `    1. [E] Why is it empirical?`). Such a list holds one question per
//! tagged item (and per untagged leaf item ending with `?`); the subject
//! item, the untagged parts nested under a tagged question and what
//! follows a blank line in an item (figures, hints) are kept as the
//! question's context ([`tagged_list`]). A list without tags whose items
//! mostly ask something is a question list too.

use std::ops::Range;

use super::blocks::{parse_blocks, Block, BlockKind};
use super::{text, Draft, Segment};
use crate::model::Difficulty;

/// One item line of a question list, with the lines that continue it.
#[derive(Debug, Clone)]
pub struct Piece {
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
    pub fn is_question(&self) -> bool {
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
pub fn tagged_list(text: &str, block: &Block, plain: bool) -> Option<Vec<Piece>> {
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
    let questions = top.iter().filter(|p| p.question_text || text::starts_like_a_question(&text[p.text.clone()])).count();
    let mostly = top.len() >= 3 && questions * 5 >= top.len() * 3;
    (plain && (mostly || (!top.is_empty() && questions == top.len()))).then_some(pieces)
}

/// Questions for the question items of a tagged list; the other items
/// that no question is nested under stay as loose text.
pub fn pieces_to_segments(text: &str, pieces: &[Piece]) -> Vec<Segment> {
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
    fn an_empty_item_in_a_question_list_is_read_without_panicking() {
        let text = "- Why is the sky blue?\n- \n- What is a rainbow?\n- How do clouds form?\n";
        let blocks = crate::parse::fences::parse_document(text, 0..text.len());
        let pieces = tagged_list(text, &blocks[0], true).expect("a question list");
        assert!(pieces.len() >= 3, "{}", pieces.len());
    }
}
