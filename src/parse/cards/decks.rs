//! Obsidian's Spaced Repetition plugin reads a note only when it carries a
//! `#flashcards` tag (in the text or in the front matter `tags`), and
//! `#flashcards/Deck/Subdeck` puts the cards after it in that deck: the
//! deck is `Deck::Subdeck` in Anki, until the next such tag. A card whose
//! text starts with the tag is in that deck alone.
//!
//! The plugin lets one tag line put a card in several decks; an Anki card
//! has one deck, so the first tag of a line wins.

/// The tag that marks a note for the plugin.
const ROOT: &str = "flashcards";

/// The flashcard tags (without `#`) among `#words` of `line`, outside code.
pub fn flashcard_tags(line: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    for (at, _) in line.match_indices('#') {
        if at > 0 && !line[..at].ends_with(char::is_whitespace) {
            continue;
        }
        if super::lines::in_inline_code_or_math(line, at) {
            continue;
        }
        let tag = line[at + 1..].split(char::is_whitespace).next().unwrap_or("");
        if is_flashcard_tag(tag) {
            tags.push(tag);
        }
    }
    tags
}

/// `flashcards` or `flashcards/...` (any case), as a tag without `#`.
pub fn is_flashcard_tag(tag: &str) -> bool {
    let lower = tag.to_lowercase();
    lower == ROOT || lower.strip_prefix(ROOT).is_some_and(|rest| rest.starts_with('/'))
}

/// The Anki deck a flashcard tag names: `flashcards/Bio/Cells` →
/// `Bio::Cells`; `None` for the bare tag (the bank's own deck).
pub fn deck_of(tag: &str) -> Option<String> {
    let rest = tag.get(ROOT.len() + 1..)?;
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join("::"))
}

/// The length of a flashcard tag (and spaces) starting the card text, and
/// the tag: `#flashcards/x Q::A`.
pub fn leading_tag(text: &str) -> Option<(usize, &str)> {
    let rest = text.strip_prefix('#')?;
    let tag = rest.split(char::is_whitespace).next()?;
    if !is_flashcard_tag(tag) {
        return None;
    }
    let after = &rest[tag.len()..];
    Some((1 + tag.len() + (after.len() - after.trim_start().len()), tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_decks() {
        assert_eq!(flashcard_tags("#flashcards/Bio/Cells #other"), ["flashcards/Bio/Cells"]);
        assert_eq!(flashcard_tags("see `#flashcards` and a#flashcards"), Vec::<&str>::new());
        assert_eq!(flashcard_tags("Tags: #Flashcards"), ["Flashcards"]);
        assert!(!is_flashcard_tag("flashcardsX"));
        assert_eq!(deck_of("flashcards/Bio/Cells"), Some("Bio::Cells".into()));
        assert_eq!(deck_of("flashcards"), None);
        assert_eq!(leading_tag("#flashcards/x Q::A"), Some((14, "flashcards/x")));
        assert_eq!(leading_tag("#other Q::A"), None);
    }
}
