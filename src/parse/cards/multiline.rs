//! Multi-line cards of Obsidian's Spaced Repetition plugin: front lines, a
//! line holding only `?` (`??` for a card studied both ways), back lines;
//! the blank line after the back ends the card.
//!
//! The separator needs front lines right above it in the same paragraph,
//! so a lone `?` paragraph between blank lines (the `?` marker of banks
//! converted from PDF) is no card and keeps its meaning there.

use std::ops::Range;

use super::lines::{is_review_comment, Line};

/// A multi-line card, as line indices.
#[derive(Debug, PartialEq)]
pub struct MultiLineCard {
    pub front: Range<usize>,
    pub back: Range<usize>,
    pub reversible: bool,
}

/// The card whose separator is line `at`, front from line `from`, in a
/// paragraph that ends before line `to`; `None` when line `at` is no
/// separator or no front line is above it.
pub fn card(text: &str, lines: &[Line], from: usize, at: usize, to: usize) -> Option<MultiLineCard> {
    let mark = lines[at].text(text).trim();
    if lines[at].in_code || !(mark == "?" || mark == "??") || from >= at {
        return None;
    }
    // A review comment closing the paragraph is the plugin's, not the back.
    let mut end = to;
    while end > at + 1 && !lines[end - 1].in_code && is_review_comment(lines[end - 1].text(text)) {
        end -= 1;
    }
    Some(MultiLineCard { front: from..at, back: at + 1..end, reversible: mark == "??" })
}

#[cfg(test)]
mod tests {
    use super::super::lines::split_lines;
    use super::*;

    fn first_card(text: &str) -> Option<MultiLineCard> {
        let lines = split_lines(text, 0..text.len(), &[]);
        (0..lines.len()).find_map(|at| card(text, &lines, 0, at, lines.len()))
    }

    #[test]
    fn separator_lines() {
        assert_eq!(
            first_card("Q line 1\nQ line 2\n?\nA\n<!--SR:!2024-01-01,1,230-->"),
            Some(MultiLineCard { front: 0..2, back: 3..4, reversible: false })
        );
        assert_eq!(first_card("front\n ?? \nback"), Some(MultiLineCard { front: 0..1, back: 2..3, reversible: true }));
        assert_eq!(first_card("?\nnot a card"), None);
        assert_eq!(first_card("Why? Because.\nNo separator"), None);
    }
}
