//! Anki's cloze syntax, `{{c1::text}}` and `{{c1::text::hint}}`, scanned
//! in one place: parsing asks whether a prompt has deletions, rendering
//! marks them for the site and the handouts ([`mark`]), the Anki package
//! makes one card per deletion number ([`numbers`]). (Note tools' own
//! cloze syntaxes are turned into this one while parsing.)

use std::ops::Range;

/// One `{{cN::…}}` deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// From `{{` to after `}}`, or to the end of the text when it is never
    /// closed.
    pub range: Range<usize>,
    pub number: u32,
    /// The text between `::` and `}}` (hint included).
    pub inner: Range<usize>,
    pub closed: bool,
}

/// The deletions of `text`, in order.
pub fn deletions(text: &str) -> impl Iterator<Item = Deletion> + '_ {
    text.match_indices("{{c").filter_map(move |(start, _)| {
        let after = &text[start + 3..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let number = after[..digits].parse().ok()?;
        after[digits..].starts_with("::").then_some(())?;
        let inner_start = start + 3 + digits + 2;
        let close = text[inner_start..].find("}}").map(|i| inner_start + i);
        Some(Deletion {
            range: start..close.map_or(text.len(), |c| c + 2),
            number,
            inner: inner_start..close.unwrap_or(text.len()),
            closed: close.is_some(),
        })
    })
}

/// True when `text` has a deletion.
pub fn has_deletions(text: &str) -> bool {
    deletions(text).next().is_some()
}

/// The deletion numbers of `text`, in order (`{{c2::…}}` → 2).
pub fn numbers(text: &str) -> Vec<u32> {
    deletions(text).map(|d| d.number).collect()
}

/// `{{c1::text::hint}}` → `<span class="cloze" data-cloze="1">text</span>`,
/// for outputs that show deletions themselves (Anki keeps the syntax).
/// Unclosed or empty ones stay as written.
pub fn mark(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for deletion in deletions(html) {
        if deletion.range.start < last || !deletion.closed || deletion.inner.is_empty() {
            continue;
        }
        let inner = &html[deletion.inner.clone()];
        let text = inner.split("::").next().unwrap_or(inner);
        out.push_str(&html[last..deletion.range.start]);
        out.push_str(&format!("<span class=\"cloze\" data-cloze=\"{}\">{text}</span>", deletion.number));
        last = deletion.range.end;
    }
    out.push_str(&html[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletions_numbers_and_marks() {
        assert!(has_deletions("The {{c1::mitochondria}} is"));
        assert!(!has_deletions("{{c::x}} and {{ c1 }}"));
        assert_eq!(numbers("A {{c1::x}} and {{c2::<b>y</b>::hint}} {{c1::z}} {{c::no}}"), [1, 2, 1]);
        assert!(numbers("<svg><path d='M0\n0'/></svg>").is_empty());
        assert_eq!(
            mark("a {{c1::b::hint}} {{c2::c}} {{x}}"),
            "a <span class=\"cloze\" data-cloze=\"1\">b</span> <span class=\"cloze\" data-cloze=\"2\">c</span> {{x}}"
        );
        assert_eq!(mark("open {{c1::never closed"), "open {{c1::never closed");
        assert_eq!(mark("empty {{c1::}} here"), "empty {{c1::}} here");
    }
}
