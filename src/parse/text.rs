//! Small text rules shared by the style parsers: slugs, numbering
//! prefixes, difficulty marks, spacers and id comments.

use super::blocks::{Block, BlockKind};
use crate::model::Difficulty;

/// `"Why is $x$ *big*?"` → `"why-is-x-big"`. ASCII letters and digits are
/// kept, other letters too (lowercased); everything else separates words.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "untitled".to_string()
    } else {
        slug.to_string()
    }
}

/// Prompt text reduced to what identifies a question: lowercase words
/// without markup, for ids and duplicate detection.
pub fn normalize_prompt(text: &str) -> String {
    text.split(|c: char| !(c.is_alphanumeric() || c == '?' || c == '$' || c == '\\'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Strips a numbering prefix (`3)`, `3.`, `Q3:`, `Q:`, `Question 3:`) and
/// returns the number and the byte length of the prefix with its spaces.
pub fn strip_numbering(text: &str) -> (Option<u32>, usize) {
    let trimmed = text.trim_start();
    let lead = text.len() - trimmed.len();
    let (rest, q_len) = ["Question ", "Question", "Q"]
        .iter()
        .find_map(|p| trimmed.strip_prefix(p).map(|r| (r, p.len())))
        .unwrap_or((trimmed, 0));
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let punct = rest[digits..].chars().next().filter(|c| matches!(c, ')' | '.' | ':'));
    let valid = match (q_len > 0, digits > 0, punct) {
        (_, true, Some(_)) => true,
        // `Q:` without a number.
        (true, false, Some(':')) => true,
        _ => false,
    };
    if !valid {
        return (None, 0);
    }
    let after = &rest[digits + 1..];
    let spaces = after.len() - after.trim_start().len();
    let number = rest[..digits].parse().ok();
    (number, lead + q_len + digits + 1 + spaces)
}

/// Difficulty marks at the end of a prompt: 👶 easy, ⭐️ medium, 🚀 hard.
/// Returns the difficulty and the byte length of the trailing marks.
pub fn trailing_difficulty(text: &str) -> Option<(Difficulty, usize)> {
    let trimmed = text.trim_end();
    let mut rest = trimmed;
    let mut found = None;
    loop {
        let before = rest.trim_end().trim_end_matches('\u{fe0f}');
        let (mark, difficulty) = [("👶", Difficulty::Easy), ("⭐", Difficulty::Medium), ("🚀", Difficulty::Hard)]
            .into_iter()
            .find(|(m, _)| before.ends_with(m))?;
        found = Some(found.map_or(difficulty, |d: Difficulty| d.max(difficulty)));
        rest = &before[..before.len() - mark.len()];
        if !rest.trim_end().ends_with(['👶', '⭐', '🚀', '\u{fe0f}']) {
            break;
        }
    }
    found.map(|d| (d, text.len() - rest.trim_end().len()))
}

/// A `Difficulty: Medium` line anywhere in plain text.
pub fn difficulty_line(text: &str) -> Option<Difficulty> {
    text.lines().find_map(|line| {
        let line = line.trim_start_matches(['-', '*', ' ']);
        let rest = line.strip_prefix("Difficulty")?.trim_start().strip_prefix(':')?;
        let word = rest.split(|c: char| !c.is_alphabetic()).find(|w| !w.is_empty())?;
        Difficulty::from_word(word)
    })
}

/// `Tags: #a #b` paragraphs: returns the tags.
pub fn tags_line(block: &Block) -> Option<Vec<String>> {
    if block.kind != BlockKind::Paragraph {
        return None;
    }
    let rest = block.text.trim().strip_prefix("Tags:")?;
    Some(
        rest.split([' ', ',', '\n'])
            .map(|t| t.trim().trim_start_matches('#'))
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// `<!-- id: some-id -->` comments give a question an explicit id.
pub fn id_comment(source: &str) -> Option<String> {
    let inner = source.trim().strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    let id = inner.strip_prefix("id:")?.trim();
    (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string())
}

/// Blocks that carry nothing to show: `<br/>` spacers, empty paragraphs,
/// HTML comments, empty list items left over from PDF conversion.
pub fn is_spacer(text: &str, block: &Block) -> bool {
    match &block.kind {
        BlockKind::Html => is_html_noise(&text[block.range.clone()]),
        BlockKind::Paragraph => {
            block.math.is_empty() && block.text.trim().is_empty() && is_html_noise(&text[block.range.clone()])
        }
        BlockKind::List { items } => items.iter().all(|i| i.text.trim().is_empty()) && block.code.is_empty(),
        _ => false,
    }
}

/// Only line breaks and comments.
fn is_html_noise(html: &str) -> bool {
    let mut rest = html.trim();
    while !rest.is_empty() {
        if let Some(after) = ["<br>", "<br/>", "<br />"].iter().find_map(|t| rest.strip_prefix(t)) {
            rest = after.trim_start();
        } else if rest.starts_with("<!--") {
            match rest.find("-->") {
                Some(end) => rest = rest[end + 3..].trim_start(),
                None => return false,
            }
        } else {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_prefixes() {
        assert_eq!(strip_numbering("3) Why?"), (Some(3), 3));
        assert_eq!(strip_numbering("12. Why?"), (Some(12), 4));
        assert_eq!(strip_numbering("Q3: Why?"), (Some(3), 4));
        assert_eq!(strip_numbering("Q: Why?"), (None, 3));
        assert_eq!(strip_numbering("Question 4: Why?"), (Some(4), 12));
        assert_eq!(strip_numbering("Quick question"), (None, 0));
        assert_eq!(strip_numbering("3 apples"), (None, 0));
    }

    #[test]
    fn difficulty_marks() {
        assert_eq!(trailing_difficulty("What? 👶"), Some((Difficulty::Easy, " 👶".len())));
        assert_eq!(trailing_difficulty("What? ⭐️"), Some((Difficulty::Medium, " ⭐️".len())));
        assert_eq!(trailing_difficulty("What? 🚀🚀"), Some((Difficulty::Hard, " 🚀🚀".len())));
        assert_eq!(trailing_difficulty("What?"), None);
        assert_eq!(difficulty_line("x\nDifficulty: Medium (fundamentals check)."), Some(Difficulty::Medium));
        assert_eq!(difficulty_line("- Difficulty : hard"), Some(Difficulty::Hard));
        assert_eq!(difficulty_line("The difficulty: none"), None);
    }

    #[test]
    fn slugs_and_ids() {
        assert_eq!(slugify("Why is $1 \\times 1$ *used*?"), "why-is-1-times-1-used");
        assert_eq!(slugify("??"), "untitled");
        assert_eq!(id_comment("<!-- id: lstm-gates -->"), Some("lstm-gates".into()));
        assert_eq!(id_comment("<!-- a comment -->"), None);
    }
}
