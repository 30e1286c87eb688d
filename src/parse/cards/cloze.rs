//! Cloze deletions written the note tools' way, turned into Anki's
//! `{{cN::text}}`, which the rest of studymark reads:
//! - `==highlight==` (Obsidian's Spaced Repetition plugin): each highlight
//!   is one deletion, numbered in order (`==a== ==b==` → c1, c2: two
//!   cards, as the plugin counts them); `==answer;;hint==` keeps its hint;
//! - `{{cloze text}}` (Logseq): Logseq studies a block as one card, so
//!   every deletion of a block is c1;
//! - `{text}`, `{2:text}`, `{2|text}`, `{c2:text}`, `{c2|text}`
//!   (Obsidian_to_Anki's curly clozes, when its settings turn them on):
//!   unnumbered ones are c1, c2, … in order, the others keep their number;
//! - in a flashcards-obsidian note (front matter `cards-deck`), `==text==`
//!   and `{text}` are c1 and `{2:text}` is c2, as that plugin numbers them.
//!
//! Highlights inside inline code or math are text (the plugin would make
//! `a == b` in code a deletion).

use super::lines::in_inline_code_or_math;

/// True when the line holds a highlight that is a deletion.
pub fn has_highlight(line: &str) -> bool {
    highlights(line).next().is_some()
}

/// Byte ranges of `==text==` (delimiters included) outside code and math.
fn highlights(line: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(found) = line[from..].find("==") {
            let open = from + found;
            let inner = open + 2;
            let close = inner + line[inner..].find("==")?;
            let body = &line[inner..close];
            from = close + 2;
            if body.trim().is_empty() || body.starts_with(' ') || in_inline_code_or_math(line, open) {
                from = inner;
                continue;
            }
            return Some(open..close + 2);
        }
        None
    })
}

/// `==a== and ==b;;hint==` → `{{c1::a}} and {{c2::b::hint}}`, line by line.
pub fn highlights_to_cloze(markdown: &str) -> String {
    let mut number = 0;
    let mut out = String::with_capacity(markdown.len() + 16);
    for line in markdown.split_inclusive('\n') {
        let mut last = 0;
        for range in highlights(line).collect::<Vec<_>>() {
            number += 1;
            let body = &line[range.start + 2..range.end - 2];
            let (answer, hint) = body.split_once(";;").unwrap_or((body, ""));
            out.push_str(&line[last..range.start]);
            out.push_str(&format!("{{{{c{number}::{answer}"));
            if !hint.is_empty() {
                out.push_str(&format!("::{hint}"));
            }
            out.push_str("}}");
            last = range.end;
        }
        out.push_str(&line[last..]);
    }
    out
}

/// True when the text holds a Logseq cloze.
pub fn has_logseq_cloze(text: &str) -> bool {
    text.contains("{{cloze ")
}

/// `{{cloze a \\ cue}}` → `{{c1::a::cue}}`: one card per block.
pub fn logseq_to_cloze(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find("{{cloze ") {
        let Some(end) = rest[at..].find("}}") else { break };
        let body = rest[at + "{{cloze ".len()..at + end].trim();
        let (answer, cue) = body.rsplit_once("\\\\").map_or((body, ""), |(a, c)| (a.trim(), c.trim()));
        out.push_str(&rest[..at]);
        out.push_str("{{c1::");
        out.push_str(answer);
        if !cue.is_empty() {
            out.push_str("::");
            out.push_str(cue);
        }
        out.push_str("}}");
        rest = &rest[at + end + 2..];
    }
    out.push_str(rest);
    out
}

/// True when the line holds a `{text}` deletion outside code and math.
pub fn has_curly(line: &str) -> bool {
    curly_to_cloze(line, false) != line
}

/// Curly deletions → `{{cN::text}}`: unnumbered ones c1, c2, … in order
/// when `count`, else all c1. Anki's own `{{c1::…}}`, inline code and
/// math stay as they are.
pub fn curly_to_cloze(markdown: &str, count: bool) -> String {
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut unnumbered = 0;
    let mut rest = markdown;
    while let Some(open) = rest.find('{') {
        let consumed = markdown.len() - rest.len();
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let native = after.starts_with("{{").then(|| after.find("}}").map(|end| end + 2)).flatten();
        let close = after.find('}');
        match (native, close) {
            (Some(end), _) => {
                out.push_str(&after[..end]);
                rest = &after[end..];
            }
            (None, Some(close)) if !in_inline_code_or_math(markdown, consumed + open) && close > 1 => {
                let body = &after[1..close];
                let (number, text) = numbered(body).unwrap_or_else(|| {
                    unnumbered += usize::from(count || unnumbered == 0);
                    (unnumbered, body)
                });
                out.push_str(&format!("{{{{c{number}::{text}}}}}"));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `2:text`, `2|text`, `c2:text`, `c2|text` → (2, text).
fn numbered(body: &str) -> Option<(usize, &str)> {
    let digits = body.strip_prefix('c').unwrap_or(body);
    let len = digits.bytes().take_while(u8::is_ascii_digit).count();
    let number = digits[..len].parse().ok()?;
    let text = digits[len..].strip_prefix([':', '|'])?;
    Some((number, text))
}

/// `==text==` → `{text}`, for Obsidian_to_Anki's highlight clozes.
pub fn highlights_to_curly(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.split_inclusive('\n') {
        let mut last = 0;
        for range in highlights(line).collect::<Vec<_>>() {
            out.push_str(&line[last..range.start]);
            out.push('{');
            out.push_str(&line[range.start + 2..range.end - 2]);
            out.push('}');
            last = range.end;
        }
        out.push_str(&line[last..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_become_numbered_deletions() {
        assert_eq!(
            highlights_to_cloze("The ==mitochondria== makes ==ATP;;energy=="),
            "The {{c1::mitochondria}} makes {{c2::ATP::energy}}"
        );
        assert_eq!(highlights_to_cloze("a\n==b==\n==c=="), "a\n{{c1::b}}\n{{c2::c}}");
        assert_eq!(highlights_to_cloze("`a == b` and c == d"), "`a == b` and c == d");
        assert!(has_highlight("x ==y== z"));
        assert!(!has_highlight("a == b and c == d"));
        assert!(!has_highlight("`x ==y== z`"));
        assert!(!has_highlight("==== heading-ish"));
    }

    #[test]
    fn curly_clozes_as_obsidian_to_anki_numbers_them() {
        let md = "This is a {cloze} note with {multiple} parts, {2:some} with {c1|other} and {{c3::native}}";
        assert_eq!(
            curly_to_cloze(md, true),
            "This is a {{c1::cloze}} note with {{c2::multiple}} parts, {{c2::some}} with {{c1::other}} and {{c3::native}}"
        );
        assert_eq!(curly_to_cloze("`{x}` and $\\frac{1}{2}$ {}", true), "`{x}` and $\\frac{1}{2}$ {}");
        assert_eq!(curly_to_cloze("{a} {b} {2:c}", false), "{{c1::a}} {{c1::b}} {{c2::c}}");
        assert!(has_curly("the {following one} here") && !has_curly("`{x}` and {{c1::y}}"));
        assert_eq!(highlights_to_curly("a ==b== c"), "a {b} c");
    }

    #[test]
    fn logseq_clozes_are_one_card() {
        assert_eq!(
            logseq_to_cloze("{{cloze Paris}} is in {{cloze France \\\\ country}}"),
            "{{c1::Paris}} is in {{c1::France::country}}"
        );
        assert!(has_logseq_cloze("a {{cloze b}}"));
        assert_eq!(logseq_to_cloze("{{cloze open"), "{{cloze open");
    }
}
