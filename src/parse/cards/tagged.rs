//! Cards marked with a `#card` tag:
//! - **Logseq**: a block (list item) that references the page `card`
//!   (`#card`, `[[card]]`, `#[[card]]`, any case, anywhere in the block's
//!   first line) is a card; its child blocks are the answer. Children that
//!   are cards themselves are cards too.
//! - **flashcards-obsidian**: a paragraph line or heading that ends with
//!   `#card` (then maybe other `#tags`, which tag the card) is a question,
//!   from the start of its paragraph; the answer is the rest of the
//!   paragraph or, when the tag ends it, the next paragraph. `#card-reverse`
//!   / `#card/reverse` make the card reversible; `#card-spaced` (a prompt to
//!   think about, no answer) is a question without an answer.

use std::ops::Range;

use super::lines::{in_inline_code_or_math, lead_len, span, Line};

/// A card tag found on a line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tag {
    /// Byte offset of the tag in the line.
    pub at: usize,
    pub reversible: bool,
}

const TAGS: [(&str, bool); 7] = [
    ("#card-reverse", true),
    ("#card/reverse", true),
    ("#card-spaced", false),
    ("#card/spaced", false),
    ("#[[card]]", false),
    ("[[card]]", false),
    ("#card", false),
];

/// The first card tag of `line` outside code, as a whole word.
pub fn find_tag(line: &str) -> Option<Tag> {
    let lower = line.to_lowercase();
    if lower.len() != line.len() {
        // Lower-casing changed byte offsets (rare scripts): look as written.
        return find_tag_in(line, line);
    }
    find_tag_in(line, &lower)
}

fn find_tag_in(line: &str, lower: &str) -> Option<Tag> {
    let mut best: Option<Tag> = None;
    for (tag, reversible) in TAGS {
        for (at, _) in lower.match_indices(tag) {
            let starts_word = at == 0 || lower[..at].ends_with(char::is_whitespace);
            let after = &lower[at + tag.len()..];
            let ends_word = after.is_empty() || after.starts_with(|c: char| c.is_whitespace() || ",.;:!?)".contains(c));
            if starts_word && ends_word && !in_inline_code_or_math(line, at) && best.is_none_or(|b| at < b.at) {
                best = Some(Tag { at, reversible });
            }
        }
    }
    best
}

/// True when only `#tags` follow the card tag on the line: the tag closes
/// the question (flashcards-obsidian's rule), it is not a word in prose.
pub fn ends_line(line: &str, tag: Tag) -> bool {
    line[tag.at..].split_whitespace().all(|w| w.starts_with('#') || w.starts_with("[[card]]"))
}

/// The `#tags` after the card tag: tags of the card.
pub fn trailing_tags(line: &str, tag: Tag) -> Vec<String> {
    line[tag.at..].split_whitespace().skip(1).map(|w| w.trim_start_matches('#').to_string()).collect()
}

/// A card found in an outline (a Logseq block, or a list item).
#[derive(Debug)]
pub struct BlockCard {
    /// The item and its children: where the card is.
    pub range: Range<usize>,
    /// The block's own text up to the line holding the tag.
    pub prompt: Range<usize>,
    /// The rest of the block's text and each child block with its own
    /// children (the child's bullet starts the range, so a tab-indented
    /// outline does not read as indented code).
    pub answer: Vec<Range<usize>>,
    pub reversible: bool,
}

/// A bullet line of an outline: its indentation width and where its text
/// starts.
fn bullet(line: &str) -> Option<(usize, usize)> {
    let rest = line.trim_start_matches([' ', '\t']);
    let indent = &line[..line.len() - rest.len()];
    let width = indent.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
    let after = ["- ", "* ", "+ "].iter().find_map(|b| rest.strip_prefix(b)).or((rest == "-").then_some(""))?;
    Some((width, line.len() - after.len()))
}

/// The byte range of line `i`'s text without its indentation, through
/// the end of line `last`.
fn from_text_start(text: &str, lines: &[Line], i: usize, last: usize) -> Range<usize> {
    let source = lines[i].text(text);
    lines[i].range.start + (source.len() - source.trim_start().len())..lines[last].range.end
}

/// Every card of the outlines among `lines` (list items whose own lines
/// carry a card tag), nested ones included.
pub fn outline_cards(text: &str, lines: &[Line]) -> Vec<BlockCard> {
    let bullet_at = |j: usize| (!lines[j].in_code).then(|| bullet(lines[j].text(text))).flatten();
    let mut cards = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((width, text_start)) = bullet_at(i) else { continue };
        // The item: its own lines, then its children, up to a bullet as
        // far left as this one or a line that is not indented.
        let end = (i + 1..lines.len())
            .find(|&j| {
                let other = lines[j].text(text);
                bullet_at(j).is_some_and(|(w, _)| w <= width)
                    || (!other.starts_with([' ', '\t']) && !other.trim().is_empty() && !lines[j].in_code)
            })
            .unwrap_or(lines.len());
        let first_child = (i + 1..end).find(|&j| bullet_at(j).is_some()).unwrap_or(end);
        let Some((tag_line, tag)) = (i..first_child).find_map(|j| find_tag(lines[j].text(text)).map(|t| (j, t))) else {
            continue;
        };
        let mut answer = Vec::new();
        let rest: Vec<usize> =
            (tag_line + 1..first_child).filter(|&j| !is_property_line(lines[j].text(text))).collect();
        if let (Some(&first), Some(&last)) = (rest.first(), rest.last()) {
            answer.push(from_text_start(text, lines, first, last));
        }
        let mut child = first_child;
        while child < end {
            let (child_width, _) = bullet_at(child).unwrap_or((width + 1, 0));
            let next = (child + 1..end).find(|&j| bullet_at(j).is_some_and(|(w, _)| w <= child_width)).unwrap_or(end);
            answer.push(from_text_start(text, lines, child, next - 1));
            child = next;
        }
        let prompt_start = line.range.start + text_start;
        cards.push(BlockCard {
            range: line.range.start..lines[end - 1].range.end,
            prompt: prompt_start..lines[tag_line].range.end.max(prompt_start),
            answer,
            reversible: tag.reversible,
        });
    }
    cards
}

/// `key:: value` with a Logseq property key (lower case, `-`, `.`).
pub fn is_property_line(line: &str) -> bool {
    let line = line.trim();
    line.split_once(":: ").or_else(|| line.strip_suffix("::").map(|k| (k, ""))).is_some_and(|(key, _)| {
        !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b))
    })
}

/// A flashcards-obsidian card, as line indices into the note's lines.
#[derive(Debug, PartialEq)]
pub struct LineCard {
    /// Question lines; the tag line is the last one when it holds text.
    pub question: Range<usize>,
    pub answer: Range<usize>,
    pub tag_line: usize,
    pub tag: Tag,
}

/// The card whose tag line is `at` in the paragraph that starts at line
/// `from` and ends before `run_end`; `next` is the paragraph after it (the
/// answer when the tag ends this one).
pub fn line_card(
    text: &str,
    lines: &[Line],
    from: usize,
    at: usize,
    run_end: usize,
    next: Option<Range<usize>>,
) -> Option<LineCard> {
    let line = lines[at].text(text);
    let tag = find_tag(line).filter(|t| ends_line(line, *t))?;
    let has_text = !line[lead_len(line).min(tag.at)..tag.at].trim().is_empty();
    let question = from..if has_text { at + 1 } else { at };
    if question.is_empty() {
        return None;
    }
    let answer = if at + 1 < run_end { at + 1..run_end } else { next.unwrap_or(run_end..run_end) };
    Some(LineCard { question, answer, tag_line: at, tag })
}

/// The byte range of a line card's question text: from after the first
/// line's bullet or hashes to before the tag.
pub fn question_range(text: &str, lines: &[Line], card: &LineCard) -> Range<usize> {
    let whole = span(lines, card.question.start, card.question.end);
    let start = whole.start + lead_len(lines[card.question.start].text(text));
    let end =
        if card.question.contains(&card.tag_line) { lines[card.tag_line].range.start + card.tag.at } else { whole.end };
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::super::lines::split_lines;
    use super::*;

    #[test]
    fn card_tags() {
        assert_eq!(find_tag("What is X? #card"), Some(Tag { at: 11, reversible: false }));
        assert_eq!(find_tag("Term #Card-Reverse #bio").map(|t| t.reversible), Some(true));
        assert_eq!(find_tag("a [[card]] block").map(|t| t.at), Some(2));
        assert_eq!(find_tag("#cards and `#card`"), None);
        assert!(ends_line("Q #card #bio", find_tag("Q #card #bio").unwrap()));
        assert!(!ends_line("my #card collection", find_tag("my #card collection").unwrap()));
        assert_eq!(trailing_tags("Q #card #bio #chem", find_tag("Q #card #bio #chem").unwrap()), ["bio", "chem"]);
    }

    #[test]
    fn logseq_blocks_and_properties() {
        let text = "- What is a cell? #card\n  card-last-interval:: 4\n  id:: 65a\n\t- The unit of life.\n\t- Small.\n\t\t- Very.\n- Prose\n\t- Nested #card\n\t\t- child answer\n- Multi-line\n  block #card\n  more text\n";
        let lines = split_lines(text, 0..text.len(), &[]);
        let cards = outline_cards(text, &lines);
        let prompts: Vec<&str> = cards.iter().map(|c| &text[c.prompt.clone()]).collect();
        assert_eq!(prompts, ["What is a cell? #card", "Nested #card", "Multi-line\n  block #card"]);
        let answers: Vec<Vec<&str>> =
            cards.iter().map(|c| c.answer.iter().map(|r| &text[r.clone()]).collect()).collect();
        assert_eq!(answers[0], ["- The unit of life.", "- Small.\n\t\t- Very."]);
        assert_eq!(answers[1], ["- child answer"]);
        assert_eq!(answers[2], ["more text"]);
        assert!(is_property_line("  card-next-schedule:: 2024-01-01T00:00:00.000Z"));
        assert!(!is_property_line("Kenya:: Nairobi"));
    }

    #[test]
    fn question_then_answer_paragraph() {
        let text = "## Photosynthesis #card\n\nLight becomes sugar.\n";
        let lines = split_lines(text, 0..text.len(), &[]);
        let card = line_card(text, &lines, 0, 0, 1, Some(2..3)).unwrap();
        assert_eq!(text[question_range(text, &lines, &card)].trim(), "Photosynthesis");
        assert_eq!(card.answer, 2..3);
        let text = "What is DNA?\n#card\nA molecule.";
        let lines = split_lines(text, 0..text.len(), &[]);
        let card = line_card(text, &lines, 0, 1, 3, None).unwrap();
        assert_eq!(card.question, 0..1);
        assert_eq!(&text[question_range(text, &lines, &card)], "What is DNA?");
        assert_eq!(card.answer, 2..3);
    }
}
