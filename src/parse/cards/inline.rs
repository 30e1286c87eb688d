//! One-line cards of Obsidian's Spaced Repetition plugin (also
//! flashcards-obsidian's): `front::back`, and `front:::back` for a card
//! studied both ways.
//!
//! As the plugin does, `:::` is looked for first (`a::b:::c` is the
//! reversible card `a::b` ⇄ `c`), and only the first occurrence of the
//! separator counts; it must not be inside inline code or math. Unlike the
//! plugin, both sides must hold text (a line ending in `::` is prose), the
//! front loses its list bullet or heading hashes, and Logseq's
//! `card-…::`/`id::` properties are never cards.

use std::ops::Range;

use super::lines::{content_len, in_inline_code_or_math, lead_len};

/// A one-line card: byte ranges of both sides in the file.
#[derive(Debug, PartialEq)]
pub struct InlineCard {
    pub front: Range<usize>,
    pub back: Range<usize>,
    pub reversible: bool,
}

/// Properties Logseq writes on a block (`card-last-interval:: 4`,
/// `id:: 65a…`): review state, not cards.
const PROPERTY_KEYS: [&str; 3] = ["id", "collapsed", "heading"];

/// The card on the line at `line` (its range in `text`), if it is one.
pub fn find(text: &str, line: Range<usize>) -> Option<InlineCard> {
    let source = &text[line.clone()];
    let end = content_len(source);
    let (at, reversible) = separator(&source[..end])?;
    let len = if reversible { 3 } else { 2 };
    let lead = lead_len(source).min(at);
    let front = trimmed(text, line.start + lead..line.start + at);
    let back = trimmed(text, line.start + at + len..line.start + end);
    let key = &text[front.clone()];
    let is_property = PROPERTY_KEYS.contains(&key)
        || (key.starts_with("card-") && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
    (!front.is_empty() && !back.is_empty() && !is_property).then_some(InlineCard { front, back, reversible })
}

/// Where the separator is and whether it is the reversible one.
fn separator(line: &str) -> Option<(usize, bool)> {
    [(":::", true), ("::", false)].into_iter().find_map(|(sep, reversible)| {
        let at = line.find(sep)?;
        (!in_inline_code_or_math(line, at)).then_some((at, reversible))
    })
}

fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let start = range.start + (s.len() - s.trim_start().len());
    start..start + s.trim().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sides(line: &str) -> Option<(&str, &str, bool)> {
        find(line, 0..line.len()).map(|c| (&line[c.front], &line[c.back], c.reversible))
    }

    #[test]
    fn separators_as_the_plugin_reads_them() {
        assert_eq!(sides("Capital of Kenya::Nairobi"), Some(("Capital of Kenya", "Nairobi", false)));
        assert_eq!(sides("- Kenya :: Nairobi"), Some(("Kenya", "Nairobi", false)));
        assert_eq!(sides("red:::rouge"), Some(("red", "rouge", true)));
        assert_eq!(sides("a::b:::c"), Some(("a::b", "c", true)));
        assert_eq!(sides("a::b::c"), Some(("a", "b::c", false)));
        assert_eq!(sides("Q::A <!--SR:!2024-01-01,3,250-->"), Some(("Q", "A", false)));
        assert_eq!(sides("## Term::Meaning ^block-1"), Some(("Term", "Meaning", false)));
    }

    #[test]
    fn prose_code_and_properties_are_not_cards() {
        assert_eq!(sides("Use `std::vector` here"), None);
        assert_eq!(sides("$a::b$ in math"), None);
        assert_eq!(sides("ends with::"), None);
        assert_eq!(sides("::starts"), None);
        assert_eq!(sides("card-last-interval:: 4"), None);
        assert_eq!(sides("id:: 6512a0e4-1b2c"), None);
        assert_eq!(sides("idempotent:::same result twice"), Some(("idempotent", "same result twice", true)));
        assert_eq!(sides("headings::titles"), Some(("headings", "titles", false)));
        assert_eq!(sides("no separator: here"), None);
    }
}
