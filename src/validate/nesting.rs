//! Nesting too deep to render as written (`nesting-too-deep`).
//!
//! Each fragment goes through the renderer's own [`NestingCap`]
//! ([`first_too_deep`]); the first place it would flatten is mapped back
//! from the fragment's Markdown to the file and reported, once per
//! fragment.

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Rich;
use crate::render::markdown::{first_too_deep, MAX_NESTING};
use crate::source::SourceFile;

/// One warning per fragment the renderer would flatten. This parses every
/// fragment once more (about a third of `check` on a plain 50 MB bank), so
/// fragments run in parallel, and those shorter than [`MAX_NESTING`] bytes
/// are skipped: every element takes at least one byte of Markdown.
pub fn check_nesting(file: &SourceFile, fragments: &[&Rich]) -> Vec<Diagnostic> {
    fragments
        .par_iter()
        .filter(|rich| rich.markdown.len() >= MAX_NESTING)
        .filter_map(|rich| {
            let offset = file_offset(rich, first_too_deep(&rich.markdown)?);
            let span = file.span(offset..offset);
            Some(Diagnostic::new(
                Code::NestingTooDeep,
                file,
                Some(span),
                format!(
                    "nested more than {MAX_NESTING} elements deep: deeper lists, quotes and emphasis are rendered \
                     flat, deeper raw HTML as text"
                ),
            ))
        })
        .collect()
}

/// The file offset of a byte of a fragment's Markdown: the fragment is its
/// source pieces (`rich.spans`) joined by blank lines. A fragment not made
/// that way points at its start.
fn file_offset(rich: &Rich, offset: usize) -> usize {
    let start = rich.spans.first().map_or(0, |span| span.start);
    let joined: usize =
        rich.spans.iter().map(|span| span.end - span.start).sum::<usize>() + 2 * rich.spans.len().saturating_sub(1);
    if joined != rich.markdown.len() {
        return start;
    }
    let mut piece_start = 0;
    for span in &rich.spans {
        let len = span.end - span.start;
        if offset <= piece_start + len {
            return span.start + offset.saturating_sub(piece_start);
        }
        piece_start += len + 2;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    /// A fragment of the file's pieces, each `(start, end)`.
    fn rich(file: &SourceFile, pieces: &[(usize, usize)]) -> Rich {
        let markdown = pieces.iter().map(|&(start, end)| &file.text[start..end]).collect::<Vec<_>>().join("\n\n");
        let spans: Vec<Span> = pieces.iter().map(|&(start, end)| file.span(start..end)).collect();
        Rich { markdown, spans, ..Rich::default() }
    }

    #[test]
    fn points_at_the_first_tag_too_deep_in_the_file() {
        // Fifty list levels are 100 elements (list and item); the 51st
        // level's list starts at column 101 of line 5.
        let text = format!("? Q?\n\nA.\n\n{}x\n", "- ".repeat(60));
        let file = SourceFile::new("a.md", text);
        let answer = rich(&file, &[(6, 8), (10, file.text.len())]);
        let found = check_nesting(&file, &[&answer]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, Code::NestingTooDeep);
        let span = found[0].span.unwrap();
        assert_eq!((span.line, span.column), (5, 101));
    }

    #[test]
    fn shallow_fragments_and_raw_html_pass() {
        let text = format!("{}\n\n{}x{}\n", "- ".repeat(50), "<div>".repeat(20), "</div>".repeat(20));
        let file = SourceFile::new("a.md", text);
        let fragment = rich(&file, &[(0, file.text.len())]);
        assert!(check_nesting(&file, &[&fragment]).is_empty());
    }
}
