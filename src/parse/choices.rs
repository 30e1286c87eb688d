//! Multiple-choice options and answer keys.
//!
//! Options are lettered lines (`(a) text`, `(a)text`, `a) text`, `A. text`,
//! `A: text`) in the question paragraph or a paragraph of their own,
//! lettered list items (`- A) text`, `- A: text`), numbered list items
//! (`- 1: text`, `- (1) text`), or a task list (`- [ ] wrong`,
//! `- [x] right`; several checked, several correct). Labels must run
//! `a, b, c…` from `a` (or `1, 2, 3…` from 1), so a sentence that happens
//! to start with `A.` is not an option. The key is the first answer block
//! (paragraph, heading `#### Answer: D`, block quote `> **Answer: B**`)
//! starting with an option label (`(c) ...`, `Answer: c`, `Answer: a, c`,
//! `**Correct:** b`, `Answer: 2` for numbered options), a later answer
//! block starting with `Answer:`/`Correct:`, or, for task lists, the
//! checked items. Where options stand among a question's first blocks
//! (after context, or cut out of a mixed list) is decided here too
//! ([`options_after_context`], [`split_task_tails`]).

use std::ops::Range;

use super::blocks::{parse_blocks, Block, BlockKind};

/// Letter index and byte length of the label and its spaces, for lines
/// like `(b) text`, `(b)text`, `b) text`, `B. text`, `B: text`.
pub fn option_label(line: &str) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let (letter, len) = match bytes {
        [b'(', l, b')', ..] if l.is_ascii_alphabetic() => (*l, 3),
        [l, b')', ..] if l.is_ascii_alphabetic() => (*l, 2),
        [l, b'.' | b':', b' ' | b'\t', ..] if l.is_ascii_alphabetic() => (*l, 2),
        _ => return None,
    };
    let index = usize::from(letter.to_ascii_lowercase() - b'a');
    let rest = &line[len..];
    Some((index, len + rest.len() - rest.trim_start().len()))
}

/// 0-based index and byte length of a numbered label and its spaces, for
/// list items like `1: text`, `(1) text`. (`1. text` and `1) text` are
/// ordered-list bullets, already gone from an item's content.)
fn number_label(line: &str) -> Option<(usize, usize)> {
    let (inner, close) = match line.strip_prefix('(') {
        Some(rest) => (rest, ")"),
        None => (line, ":"),
    };
    let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
    let after = inner[digits..].strip_prefix(close)?;
    if digits == 0 || digits > 2 || !after.starts_with([' ', '\t']) {
        return None;
    }
    let number: usize = inner[..digits].parse().ok()?;
    let len = line.len() - after.trim_start().len();
    Some((number.checked_sub(1)?, len))
}

/// Splits `text[range]` at its option lines: returns the range before the
/// first option (the question) and each option's text range. Lines that
/// do not start a new option continue the previous one.
pub fn split_options(text: &str, range: Range<usize>) -> Option<(Range<usize>, Vec<Range<usize>>)> {
    let mut options: Vec<Range<usize>> = Vec::new();
    let mut question_end = None;
    let mut offset = range.start;
    for line in text[range.clone()].split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        let start = offset + indent;
        let label = option_label(line.trim_start()).filter(|(i, _)| *i == options.len());
        match (label, options.last_mut()) {
            (Some((_, len)), _) => {
                question_end.get_or_insert(offset);
                options.push(start + len..offset + line.len());
            }
            (None, Some(last)) => last.end = offset + line.len(),
            (None, None) => {}
        }
        offset += line.len();
    }
    if options.len() < 2 {
        return None;
    }
    let options = options.into_iter().map(|r| trim_range(text, r)).collect();
    Some((trim_range(text, range.start..question_end?), options))
}

/// Options found in a list, and for task lists the checked indices.
pub struct ListOptions {
    pub ranges: Vec<Range<usize>>,
    pub checked: Option<Vec<usize>>,
}

/// Options given as a list: lettered items, or a task list whose checked
/// items are the key.
pub fn list_options(text: &str, block: &Block) -> Option<ListOptions> {
    let BlockKind::List { items } = &block.kind else { return None };
    if items.len() < 2 {
        return None;
    }
    if items.iter().all(|i| i.checked.is_some()) {
        let ranges = items.iter().map(|i| trim_range(text, i.content.clone())).collect();
        let correct = items.iter().enumerate().filter(|(_, i)| i.checked == Some(true)).map(|(n, _)| n).collect();
        return Some(ListOptions { ranges, checked: Some(correct) });
    }
    for label in [option_label, number_label] {
        let labelled: Option<Vec<Range<usize>>> = items
            .iter()
            .enumerate()
            .map(|(n, item)| match label(&text[item.content.clone()]) {
                Some((index, len)) if index == n => Some(trim_range(text, item.content.start + len..item.content.end)),
                _ => None,
            })
            .collect();
        if let Some(ranges) = labelled {
            return Some(ListOptions { ranges, checked: None });
        }
    }
    None
}

/// A task list of one item (`- [x] :`), as when each option is a code
/// block that ends the list.
pub fn is_single_task(block: &Block) -> bool {
    matches!(&block.kind, BlockKind::List { items } if items.len() == 1 && items[0].checked.is_some())
}

/// Options written as one-item task lists each followed by its code block
/// (`- [ ] :`, `- [x] &shy;` or `- [ ] A`, then a fence): the code blocks are the
/// options. Returns them, the checked indices and how many blocks they
/// take; `None` for fewer than two.
pub fn code_task_options(blocks: &[Block]) -> Option<(Vec<Block>, Vec<usize>, usize)> {
    let mut options = Vec::new();
    let mut checked = Vec::new();
    let mut i = 0;
    while let (Some(item), Some(code)) = (blocks.get(i), blocks.get(i + 1)) {
        let label = item.items().first().map(|it| it.text.replace(['\u{ad}', ':'], ""));
        if !is_single_task(item) || code.kind != BlockKind::Code || label.is_none_or(|l| !is_bare_label(&l)) {
            break;
        }
        if item.items()[0].checked == Some(true) {
            checked.push(options.len());
        }
        options.push(code.clone());
        i += 2;
    }
    (options.len() >= 2).then_some((options, checked, i))
}

/// An item text that only names its option: nothing, `A`, `Option A`.
fn is_bare_label(label: &str) -> bool {
    let label = label.trim();
    let label = label.strip_prefix("Option ").unwrap_or(label);
    label.is_empty() || (label.len() == 1 && label.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A paragraph made only of option lines.
pub fn paragraph_options(text: &str, block: &Block) -> Option<Vec<Range<usize>>> {
    if block.kind != BlockKind::Paragraph || option_label(&text[block.range.clone()]).is_none_or(|(i, _)| i != 0) {
        return None;
    }
    let padded = block.range.start..block.range.end;
    let (_, options) = split_options(text, padded)?;
    Some(options)
}

/// What the first answer paragraph says about the key.
#[derive(Debug, PartialEq, Eq)]
pub enum Key {
    /// 0-based indices of the correct options.
    Options(Vec<usize>),
    /// The answer names a key that is not an option.
    Invalid(String),
    Missing,
}

const KEY_PREFIXES: [&str; 5] = ["correct answer", "answer", "correct", "key", "ans"];

/// The key prefix (`Answer:`, `Correct:`) at the start of `text`, lowercased.
fn key_prefix(text: &str) -> Option<&'static str> {
    let lower = text.trim().trim_start_matches('*').to_ascii_lowercase();
    KEY_PREFIXES.into_iter().find(|p| lower.starts_with(*p) && lower[p.len()..].trim_start().starts_with(':'))
}

/// Whether the plain text of a block starts with a key prefix.
pub fn has_key_prefix(text: &str) -> bool {
    key_prefix(text).is_some()
}

/// Reads the key from the plain text of the first answer block.
pub fn parse_key(answer: &str, choices: &[String]) -> Key {
    let mut text = answer.trim().trim_start_matches('*');
    let prefix = key_prefix(text);
    if let Some(p) = prefix {
        text = text[p.len()..].trim_start()[1..].trim_start_matches(['*', ' ']);
    }
    let letters = leading_letters(text, prefix.is_some());
    if letters.is_empty() {
        if prefix.is_none() {
            return Key::Missing;
        }
        let named = text.trim_end_matches('.').trim();
        if let Some(i) = choices.iter().position(|c| c.trim().eq_ignore_ascii_case(named)) {
            return Key::Options(vec![i]);
        }
        // `Answer: 2` for numbered options.
        let number = named.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse::<usize>().ok());
        return match number {
            Some(n) if (1..=choices.len()).contains(&n) => Key::Options(vec![n - 1]),
            _ => Key::Invalid(named.chars().take(40).collect()),
        };
    }
    match letters.iter().find(|(i, _)| *i >= choices.len()) {
        Some((_, label)) => Key::Invalid(label.clone()),
        None => Key::Options(letters.into_iter().map(|(i, _)| i).collect()),
    }
}

/// Option letters at the start of `text`: `(c)`, `c)`, `C.`, and bare
/// letters (`a, c`) when `bare` is allowed (after `Answer:`). A list goes
/// on only after a separator (`,`, `&`, `/`, `and`): in "(b) y." the `y.`
/// is text, not a second key.
fn leading_letters(text: &str, bare: bool) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches([' ', '*']);
        let end = rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | '&' | '/')).unwrap_or(rest.len());
        let token = rest[..end].trim_matches('*');
        let label = token.trim_end_matches(['.', ':']);
        let letter = match label.as_bytes() {
            [b'(', l, b')'] | [l, b')'] => Some(*l),
            [l] if bare || token.len() > label.len() => Some(*l),
            _ => None,
        };
        let Some(l) = letter.filter(u8::is_ascii_alphabetic) else { break };
        found.push((usize::from(l.to_ascii_lowercase() - b'a'), label.to_string()));
        let after = rest[end..].trim_start_matches([' ', '*']);
        match [",", "&", "/", "and "].iter().find_map(|sep| after.strip_prefix(sep)) {
            Some(next) => rest = next,
            None => break,
        }
    }
    found
}

/// Narrows a range past surrounding whitespace and hard-break backslashes.
fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + slice.len() - slice.trim_start().len();
    let end = range.start + slice.trim_end().trim_end_matches('\\').trim_end().len();
    start..end.max(start)
}

/// Whether a question text asks something, so that a task list after it
/// is its options: it ends with `?` or `:`, has a blank to fill (`_`,
/// `...`), starts with a question or instruction word, or is a sentence
/// (more than six words). A short plain title ("Study plan") followed by
/// `- [ ] Learn X` is a checklist, not a question.
pub(super) fn asks_something(question: &str) -> bool {
    let q = question.trim();
    let first = q.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
    const WORDS: [&str; 14] = [
        "which", "what", "why", "how", "when", "where", "who", "whom", "choose", "select", "pick", "identify",
        "complete", "fill",
    ];
    q.ends_with(['?', ':'])
        || q.contains('_')
        || q.contains("...")
        || q.contains('…')
        || WORDS.contains(&first.trim_matches(|c: char| !c.is_alphabetic()))
        || q.split_whitespace().count() > 6
}

/// Where an option list is among the first blocks of the prompt phase,
/// when only text, code or images stand before it (`git reset --soft` in
/// a paragraph, a screenshot, lettered statements whose combinations the
/// task list offers): those blocks are the question's context.
pub(super) fn options_after_context(text: &str, body: &[Block], limit: usize) -> Option<usize> {
    let is_task_list = |b: &Block| is_single_task(b) || list_options(text, b).is_some_and(|o| o.checked.is_some());
    // A task list may follow other lists (`- Ref(...)`); lettered items
    // only the first list.
    let first_list = match body[..limit.min(4)].iter().position(is_task_list) {
        Some(at) => at,
        None => body[..limit].iter().position(|b| matches!(b.kind, BlockKind::List { .. }))?,
    };
    let before_ok = first_list <= 3
        && body[..first_list].iter().all(|b| {
            matches!(b.kind, BlockKind::Paragraph | BlockKind::Code | BlockKind::Html | BlockKind::List { .. })
        });
    // Lettered items after prose are more often an answer's list: only
    // code, HTML, images or a lead-in ending with `:` may stand before them.
    let plain_context = body[..first_list].iter().all(|b| {
        b.kind != BlockKind::Paragraph
            || b.text.trim().is_empty()
            || b.text.trim_end().ends_with(':')
            || b.links.iter().any(|l| l.image)
    });
    let is_options = is_single_task(&body[first_list])
        || match list_options(text, &body[first_list]) {
            Some(o) if o.checked.is_some() => true,
            Some(_) => plain_context,
            None => false,
        };
    (first_list > 0 && before_ok && is_options).then_some(first_list)
}

/// A list whose first items are plain (`- Ref: ...`) and whose last two or
/// more are task items (one Markdown list, as the bullets match) is cut
/// before the task items, so they can be the options; one whose task
/// items come first is cut after them (the rest explains the key). `limit` moves with
/// the blocks before it.
pub(super) fn split_task_tails(text: &str, body: Vec<Block>, limit: usize) -> (Vec<Block>, usize) {
    let mut out = Vec::with_capacity(body.len() + 1);
    let mut new_limit = limit;
    for (n, block) in body.into_iter().enumerate() {
        let items = block.items();
        let tail = items.iter().rev().take_while(|i| i.checked.is_some()).count();
        let head = items.iter().take_while(|i| i.checked.is_some()).count();
        // Plain items then task items, or task items then a plain
        // explanation item.
        let cut = match (tail, head) {
            (t, _) if t >= 2 && t < items.len() => Some(items[items.len() - t].range.start),
            (_, h) if h >= 2 && h < items.len() => Some(items[h].range.start),
            _ => None,
        };
        if let Some(cut) = cut.filter(|_| n < limit) {
            let before = out.len();
            out.extend(parse_blocks(text, block.range.start..cut));
            out.extend(parse_blocks(text, cut..block.range.end));
            new_limit += (out.len() - before).saturating_sub(1);
        } else {
            out.push(block);
        }
    }
    (out, new_limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("option {i}")).collect()
    }

    #[test]
    fn labels() {
        assert_eq!(option_label("(a)The ReLU"), Some((0, 3)));
        assert_eq!(option_label("(c) Code"), Some((2, 4)));
        assert_eq!(option_label("b) x"), Some((1, 3)));
        assert_eq!(option_label("D. x"), Some((3, 3)));
        assert_eq!(option_label("e.g. this"), None);
        assert_eq!(option_label("A good example"), None);
    }

    #[test]
    fn options_in_the_question_paragraph() {
        let text = "What?  \n(a)One  \n(b)Two\nmore two\n(c) Three";
        let (question, options) = split_options(text, 0..text.len()).unwrap();
        assert_eq!(&text[question], "What?");
        let texts: Vec<_> = options.into_iter().map(|r| &text[r]).collect();
        assert_eq!(texts, ["One", "Two\nmore two", "Three"]);
        let text = "What?\n(b) not first\n(c) x";
        assert!(split_options(text, 0..text.len()).is_none());
    }

    #[test]
    fn labelled_list_items() {
        for (text, want) in [
            ("- A: one\n- B: two\n", ["one", "two"]),
            ("- A) one\n- B) two\n", ["one", "two"]),
            ("- 1: one\n- 2: two\n", ["one", "two"]),
            ("- (1) one\n- (2) two\n", ["one", "two"]),
        ] {
            let block = &super::super::blocks::parse_blocks(text, 0..text.len())[0];
            let options = list_options(text, block).unwrap_or_else(|| panic!("{text:?}"));
            let got: Vec<_> = options.ranges.into_iter().map(|r| &text[r]).collect();
            assert_eq!(got, want);
        }
        let text = "- 2: starts at two\n- 3: x\n";
        assert!(list_options(text, &super::super::blocks::parse_blocks(text, 0..text.len())[0]).is_none());
    }

    #[test]
    fn keys() {
        assert_eq!(parse_key("Answer: 2", &strings(3)), Key::Options(vec![1]));
        assert_eq!(parse_key("Correct: b", &strings(3)), Key::Options(vec![1]));
        assert_eq!(parse_key("Answer: D", &strings(4)), Key::Options(vec![3]));
        assert_eq!(parse_key("Answer: 7", &strings(3)), Key::Invalid("7".into()));
        assert_eq!(parse_key("(c) Code will work fine", &strings(4)), Key::Options(vec![2]));
        assert_eq!(parse_key("Answer: B. Because", &strings(4)), Key::Options(vec![1]));
        assert_eq!(parse_key("**Answer:** a, c", &strings(4)), Key::Options(vec![0, 2]));
        assert_eq!(parse_key("(e) nothing", &strings(4)), Key::Invalid("(e)".into()));
        assert_eq!(parse_key("Answer: option 1", &strings(4)), Key::Options(vec![1]));
        assert_eq!(parse_key("Answer: maybe", &strings(4)), Key::Invalid("maybe".into()));
        assert_eq!(parse_key("A good example is", &strings(4)), Key::Missing);
        assert_eq!(parse_key("Because gradients vanish.", &strings(4)), Key::Missing);
        assert_eq!(parse_key("(b) y.", &strings(2)), Key::Options(vec![1]));
        assert_eq!(parse_key("Answer: a and c", &strings(4)), Key::Options(vec![0, 2]));
    }
}
