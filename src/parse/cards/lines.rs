//! The line view of a note that the note tools' syntaxes are defined on:
//! each line with its range and whether it is inside a code block, and
//! paragraphs ("runs": lines between blank lines, the unit a card is cut
//! from in Obsidian's plugins).

use std::ops::Range;

use super::super::blocks::Block;

#[derive(Debug, Clone)]
pub struct Line {
    /// Without the line ending.
    pub range: Range<usize>,
    /// Inside a code block (fences included): never a card, never read.
    pub in_code: bool,
}

impl Line {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.range.clone()]
    }

    pub fn is_blank(&self, text: &str) -> bool {
        !self.in_code && self.text(text).trim().is_empty()
    }
}

/// The lines of `text[body]`, marked when a code block of `blocks` covers
/// them.
pub fn split_lines(text: &str, body: Range<usize>, blocks: &[Block]) -> Vec<Line> {
    let code: Vec<Range<usize>> = blocks.iter().flat_map(|b| b.code.iter().map(|c| c.range.clone())).collect();
    let mut lines = Vec::new();
    let mut start = body.start;
    while start < body.end {
        let end = text[start..body.end].find('\n').map_or(body.end, |i| start + i);
        let content_end = if text[start..end].ends_with('\r') { end - 1 } else { end };
        let in_code = code.iter().any(|c| c.start <= start && start < c.end);
        lines.push(Line { range: start..content_end, in_code });
        start = end + 1;
    }
    lines
}

/// The runs of non-blank lines, as ranges of line indices. A blank line
/// inside a code block does not end a run: the code belongs to the card
/// around it.
pub fn runs(text: &str, lines: &[Line]) -> Vec<Range<usize>> {
    split_where(0..lines.len(), |i| lines[i].is_blank(text))
}

/// The maximal runs of `indices` between the ones `breaks` (which belong
/// to no run).
pub fn split_where(indices: Range<usize>, breaks: impl Fn(usize) -> bool) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for i in indices.clone() {
        match (breaks(i), start) {
            (true, Some(s)) => {
                runs.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push(s..indices.end);
    }
    runs
}

/// The byte range from the start of line `from` to the end of line
/// `to - 1` (empty at the start of `from` when `from == to`).
pub fn span(lines: &[Line], from: usize, to: usize) -> Range<usize> {
    let start = lines[from.min(lines.len() - 1)].range.start;
    if to <= from {
        return start..start;
    }
    start..lines[to - 1].range.end
}

/// True when byte `at` of `line` is inside inline code (an odd number of
/// backticks before it) or math (`$…$` or `$$…$$` open before it).
pub fn in_inline_code_or_math(line: &str, at: usize) -> bool {
    let before = &line[..at];
    if before.matches('`').count() % 2 == 1 {
        return true;
    }
    let (mut inline, mut display) = (false, false);
    let bytes = before.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i] == b'$' {
            if bytes.get(i + 1) == Some(&b'$') {
                display = !display;
                i += 1;
            } else {
                inline = !inline;
            }
        }
        i += 1;
    }
    inline || display
}

/// How many bytes of list bullet, task box, quote marker or heading
/// hashes (and the spaces after them) start `line`: what is markup, not
/// card text.
pub fn lead_len(line: &str) -> usize {
    let mut rest = line.trim_start();
    loop {
        let before = rest.len();
        for marker in ["- [ ] ", "- [x] ", "- [X] ", "- ", "* ", "+ ", "> "] {
            if let Some(after) = rest.strip_prefix(marker) {
                rest = after.trim_start();
            }
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && (rest[digits..].starts_with(". ") || rest[digits..].starts_with(") ")) {
            rest = rest[digits + 2..].trim_start();
        }
        let hashes = rest.bytes().take_while(|b| *b == b'#').count();
        if (1..=6).contains(&hashes) && rest[hashes..].starts_with(' ') {
            rest = rest[hashes..].trim_start();
        }
        if rest.len() == before {
            return line.len() - rest.len();
        }
    }
}

/// `line` without a trailing scheduling comment (`<!--SR:...-->`, also
/// Obsidian_to_Anki's `<!--ID: 123-->`) or block id (` ^abc-1`):
/// the length of what is left, trailing spaces removed.
pub fn content_len(line: &str) -> usize {
    let mut s = line.trim_end();
    loop {
        let before = s.len();
        if let Some(at) = s.rfind("<!--").filter(|at| is_review_comment(&s[*at..]) && s.ends_with("-->")) {
            s = s[..at].trim_end();
        }
        if let Some(at) = s.rfind(" ^") {
            let id = &s[at + 2..];
            if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                s = s[..at].trim_end();
            }
        }
        if s.len() == before {
            return s.len();
        }
    }
}

/// A comment a note tool writes to keep its review state or note id.
pub fn is_review_comment(source: &str) -> bool {
    let inner = source.trim().trim_start_matches("<!--").trim_start();
    inner.starts_with("SR:") || inner.starts_with("ID:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads_and_trailers() {
        assert_eq!(lead_len("- [ ] What?"), 6);
        assert_eq!(lead_len("  1. ## Why"), 8);
        assert_eq!(lead_len("> Plain"), 2);
        assert_eq!(lead_len("#tag line"), 0);
        let line = "Q::A <!--SR:!2024-01-01,1,230--> ^ab-1";
        assert_eq!(&line[..content_len(line)], "Q::A");
        assert_eq!(content_len("x <!-- plain -->"), "x <!-- plain -->".len());
        assert!(in_inline_code_or_math("`a::b`", 2));
        assert!(in_inline_code_or_math("$a::b$", 2));
        assert!(!in_inline_code_or_math("a \\$ b::c", 6));
        assert!(in_inline_code_or_math("card. $$3::4$$", 9));
        assert!(!in_inline_code_or_math("$$x$$ a::b", 7));
    }

    #[test]
    fn runs_do_not_end_inside_code() {
        let text = "a\nb\n\n```\nx\n\ny\n```\nc\n\nd";
        let lines = split_lines(text, 0..text.len(), &crate::parse::fences::parse_document(text, 0..text.len()));
        let found: Vec<_> = runs(text, &lines).into_iter().map(|r| &text[span(&lines, r.start, r.end)]).collect();
        assert_eq!(found, ["a\nb", "```\nx\n\ny\n```\nc", "d"]);
    }
}
