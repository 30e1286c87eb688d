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
    /// Code blocks right after the list, when this is its last question.
    code: Vec<Block>,
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

/// The items of a list that holds difficulty-tagged questions; `None`
/// when no item carries a tag.
pub fn tagged_list(text: &str, block: &Block) -> Option<Vec<Piece>> {
    if !matches!(block.kind, BlockKind::List { .. }) || !text[block.range.clone()].contains("] ") {
        return None;
    }
    let pieces = read_pieces(text, block, false);
    pieces.iter().any(|p| p.tag.is_some()).then_some(pieces)
}

/// The items of a list read line by line (the tags sit in nested lists,
/// which [`Block`] does not open). With `plain`, every top-level item asks.
fn read_pieces(text: &str, block: &Block, plain: bool) -> Vec<Piece> {
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
                code: Vec::new(),
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
    pieces
}

/// The plain question list (no tags) starting at each block, with the
/// number of blocks it covers, or `None`; blocks for which `skip` holds
/// are not looked at. A list, or lists split by code blocks (`* Make this
/// work:`, the code, `* Create a loop ...`), is a question list when its
/// top-level items mostly ask something ([`is_question_list`]); each of
/// them is a question, the items nested under it its parts, and a code
/// block belongs to the item before it. In a file that holds two such
/// lists or more (a list of questions per section), the others need less
/// evidence: a third of their items.
pub fn plain_lists(text: &str, blocks: &[Block], skip: impl Fn(usize) -> bool) -> Vec<Option<(Vec<Piece>, usize)>> {
    let mut found: Vec<_> =
        (0..blocks.len()).map(|i| (!skip(i)).then(|| plain_run(text, blocks, i, false)).flatten()).collect();
    if found.iter().filter(|f| f.is_some()).count() >= 2 {
        for (i, list) in found.iter_mut().enumerate() {
            if list.is_none() && !skip(i) {
                *list = plain_run(text, blocks, i, true);
            }
        }
    }
    found
}

/// The question list at `blocks[i]`, read as described at [`plain_lists`].
fn plain_run(text: &str, blocks: &[Block], i: usize, relaxed: bool) -> Option<(Vec<Piece>, usize)> {
    let is_list = |b: &Block| matches!(b.kind, BlockKind::List { .. }) && !text::is_table_of_contents(text, b);
    if !is_list(&blocks[i]) {
        return None;
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut next = i;
    loop {
        let base = pieces.len();
        pieces.extend(read_pieces(text, &blocks[next], true).into_iter().map(|mut p| {
            p.parent = p.parent.map(|x| x + base);
            p.owner = p.owner.map(|x| x + base);
            p
        }));
        next += 1;
        let item = pieces.iter().rposition(|p| p.asks);
        while let (Some(code), Some(item)) = (blocks.get(next).filter(|b| b.kind == BlockKind::Code), item) {
            let piece = &mut pieces[item];
            // `Make this work:` and its code: the lead-in asks.
            piece.question_text |= text[piece.text.clone()].trim_end().ends_with(':');
            piece.code.push(code.clone());
            next += 1;
        }
        if !(next > i + 1 && blocks[next - 1].kind == BlockKind::Code && blocks.get(next).is_some_and(is_list)) {
            break;
        }
    }
    is_question_list(text, &pieces, relaxed).then_some((pieces, next - i))
}

/// Whether the top-level items of a plain list ask enough: three or more
/// and at least 60% of them ([`item_asks`]), or all of them; `relaxed`, a
/// third of them.
fn is_question_list(text: &str, pieces: &[Piece], relaxed: bool) -> bool {
    let top = pieces.iter().filter(|p| p.asks).count();
    let questions = pieces.iter().filter(|p| p.asks && item_asks(text, p)).count();
    let mostly = top >= 3 && questions * 5 >= top * 3;
    let all = top > 0 && questions == top;
    mostly || all || (relaxed && questions > 0 && questions * 3 >= top)
}

/// A list item that asks: it ends with `?` (or with `:` before its code),
/// or opens with a question or task word; never a term with its
/// description (`**Motivation** - What drives you? ...`), a glossary or a
/// checklist rather than a question.
fn item_asks(text: &str, piece: &Piece) -> bool {
    let item = &text[piece.text.clone()];
    !is_term_led(item) && (piece.question_text || text::starts_like_a_question(item))
}

/// `**Term** - description`, `**Term:** description`, `Term - description`:
/// a term (bold, or a few plain words that ask nothing, before a dash)
/// and text after it.
fn is_term_led(item: &str) -> bool {
    let described = |after: &str| !after.trim_start_matches(['-', '–', '—', ':']).trim().is_empty();
    if let Some(marker) = ["**", "__"].into_iter().find(|m| item.starts_with(m)) {
        let Some(close) = item[2..].find(marker).map(|c| c + 2) else { return false };
        let term = item[2..close].trim_end();
        let after = item[close + 2..].trim_start();
        let separated = term.ends_with(':') || after.starts_with(['-', '–', '—', ':']);
        return !term.ends_with('?') && separated && described(after);
    }
    let Some((term, after)) = [" - ", " – ", " — "].into_iter().find_map(|d| item.split_once(d)) else {
        return false;
    };
    term.split_whitespace().count() <= 4 && !term.contains('`') && !text::asks(term) && described(after)
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
            body.extend(piece.code.iter().cloned());
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
    fn terms_with_descriptions() {
        assert!(is_term_led("**Motivation** - What drives you?"));
        assert!(is_term_led("**Empathy:** Do you see the other side?"));
        assert!(is_term_led("Testing - Was the code tested?"));
        assert!(!is_term_led("**What is a closure?** - a function and its scope"));
        assert!(!is_term_led("Explain event delegation - with an example"));
        assert!(!is_term_led("What is the difference between `a - b` and `a-b`?"));
        assert!(!is_term_led("**Motivation**"));
        assert!(!is_term_led("Is `a - b` valid?"));
    }

    #[test]
    fn an_empty_item_in_a_question_list_is_read_without_panicking() {
        let text = "- Why is the sky blue?\n- \n- What is a rainbow?\n- How do clouds form?\n";
        let blocks = crate::parse::fences::parse_document(text, 0..text.len());
        let pieces = plain_run(text, &blocks, 0, false).expect("a question list").0;
        assert!(pieces.len() >= 3, "{}", pieces.len());
    }
}
