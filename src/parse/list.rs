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
//! question's context ([`tagged_list`]).
//!
//! A list without tags is a question list when its items mostly ask
//! something ([`plain_lists`]): in order, find the runs of lists split only
//! by code blocks; judge each run's top-level items ([`is_question_list`],
//! [`item_asks`]), each code block going to the item before it, and a run
//! that fails list by list; when the file holds two question lists or
//! more, judge the rest again with less evidence. Tables of contents are
//! never question lists.

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
/// block belongs to the item before it. A run of lists that is not a
/// question list as a whole is judged list by list. In a file that holds
/// two question lists or more (a list of questions per section), the
/// others need less evidence: a third of their items. Every run is read
/// at most a few times, whatever its length.
pub fn plain_lists(text: &str, blocks: &[Block], skip: impl Fn(usize) -> bool) -> Vec<Option<(Vec<Piece>, usize)>> {
    let is_list = |i: usize| {
        !skip(i) && matches!(blocks[i].kind, BlockKind::List { .. }) && !text::is_table_of_contents(text, &blocks[i])
    };
    // Maximal runs: a list, then code blocks and lists, ending after the
    // code blocks that follow its last list.
    let mut runs = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        if !is_list(i) {
            i += 1;
            continue;
        }
        let (start, mut end) = (i, i + 1);
        loop {
            let after_code = (end..blocks.len()).find(|&j| blocks[j].kind != BlockKind::Code).unwrap_or(blocks.len());
            let more = after_code > end && after_code < blocks.len() && is_list(after_code);
            end = if more { after_code + 1 } else { after_code };
            if !more {
                break;
            }
        }
        runs.push((start..end, (start..end).filter(|&j| is_list(j)).collect::<Vec<_>>()));
        i = end;
    }
    let mut found = vec![None; blocks.len()];
    for relaxed in [false, true] {
        if relaxed && found.iter().filter(|f| f.is_some()).count() < 2 {
            break;
        }
        for (run, lists) in &runs {
            judge_run(text, blocks, (run.clone(), lists), relaxed, &mut found);
        }
    }
    found
}

/// Judges a run (its range and its lists) as a whole, else each of its
/// lists with the code blocks after it, and records what is a question
/// list in `found`, at its first block.
fn judge_run(
    text: &str,
    blocks: &[Block],
    (run, lists): (Range<usize>, &[usize]),
    relaxed: bool,
    found: &mut [Option<(Vec<Piece>, usize)>],
) {
    let untouched = found[run.clone()].iter().all(Option::is_none);
    if untouched {
        if let Some(pieces) = question_list(text, blocks, run.clone(), relaxed) {
            found[run.start] = Some((pieces, run.len()));
            return;
        }
    }
    if lists.len() < 2 {
        return;
    }
    for (k, &list) in lists.iter().enumerate() {
        let end = lists.get(k + 1).copied().unwrap_or(run.end);
        if found[list].is_none() {
            found[list] = question_list(text, blocks, list..end, relaxed).map(|pieces| (pieces, end - list));
        }
    }
}

/// The items of the lists in `blocks[range]`, each code block among them
/// going to the last question item before it, when they make a question
/// list.
fn question_list(text: &str, blocks: &[Block], range: Range<usize>, relaxed: bool) -> Option<Vec<Piece>> {
    let mut pieces: Vec<Piece> = Vec::new();
    for block in &blocks[range] {
        if block.kind == BlockKind::Code {
            let Some(piece) = pieces.iter_mut().rev().find(|p| p.asks) else { continue };
            // `Make this work:` and its code: the lead-in asks.
            piece.question_text |= text[piece.text.clone()].trim_end().ends_with(':');
            piece.code.push(block.clone());
            continue;
        }
        let base = pieces.len();
        pieces.extend(read_pieces(text, block, true).into_iter().map(|mut p| {
            p.parent = p.parent.map(|x| x + base);
            p.owner = p.owner.map(|x| x + base);
            p
        }));
    }
    is_question_list(text, &pieces, relaxed).then_some(pieces)
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
    fn runs_of_lists_and_code_are_judged_whole_then_list_by_list() {
        let blocks = |t: &str| crate::parse::blocks::parse_blocks(t, 0..t.len());
        // Questions split by code: one run, the code with its question.
        let text = "- Make this work:\n\n```js\nf()\n```\n\n- What does this print?\n\n```js\ng()\n```\n";
        let found = plain_lists(text, &blocks(text), |_| false);
        let (pieces, covered) = found[0].as_ref().expect("a question list");
        assert_eq!((pieces.len(), *covered), (2, 4));
        assert_eq!(pieces.iter().map(|p| p.code.len()).collect::<Vec<_>>(), [1, 1]);
        // A long run that asks nothing is read a few times, not once per list.
        let text = "- step\n\n```\nx\n```\n\n".repeat(20_000);
        assert!(plain_lists(&text, &blocks(&text), |_| false).iter().all(Option::is_none));
    }

    #[test]
    fn an_empty_item_in_a_question_list_is_read_without_panicking() {
        let text = "- Why is the sky blue?\n- \n- What is a rainbow?\n- How do clouds form?\n";
        let blocks = crate::parse::fences::parse_document(text, 0..text.len());
        let pieces = question_list(text, &blocks, 0..1, false).expect("a question list");
        assert!(pieces.len() >= 3, "{}", pieces.len());
    }
}
