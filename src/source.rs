//! A loaded Markdown file and the mapping from byte offsets to the
//! 1-based line and column a human reads in an editor.

use std::ops::Range;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Bytes between two entries of [`SourceFile::chars_before_block`].
const CHAR_BLOCK: usize = 1024;

/// One source file, its text, and where each line starts.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to users (relative to the project when possible).
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
    /// Characters before byte `k * CHAR_BLOCK`, for each `k`: a column is
    /// then counted over at most two blocks, not over its whole line, which
    /// made one 1.25 MB line of formulas take seconds per thousand spans.
    chars_before_block: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let chars_before_block = std::iter::once(0)
            .chain(text.as_bytes().chunks(CHAR_BLOCK).scan(0, |count, block| {
                *count += count_chars(block);
                Some(*count)
            }))
            .collect();
        SourceFile { path: path.into(), text, line_starts, chars_before_block }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        // Short prefixes (most lines) are counted directly; long ones from
        // the checkpoints. Either way at most about two blocks are counted.
        let column = match self.text.get(line_start..offset) {
            Some(prefix) if prefix.len() <= CHAR_BLOCK => prefix.chars().count(),
            _ => self.chars_before(offset) - self.chars_before(line_start),
        } + 1;
        (line, column)
    }

    /// Characters in `text[..offset]`, in time bounded by [`CHAR_BLOCK`].
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / CHAR_BLOCK;
        let tail = self.text.as_bytes().get(block * CHAR_BLOCK..offset).unwrap_or_default();
        self.chars_before_block[block] + count_chars(tail)
    }

    /// Byte offset where a 1-based line starts (clamped to the end of the text).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(self.text.len())
    }

    /// Builds the span of a byte range.
    pub fn span(&self, range: Range<usize>) -> Span {
        let (line, column) = self.line_col(range.start);
        let (end_line, end_column) = self.line_col(range.end);
        Span { start: range.start, end: range.end, line, column, end_line, end_column }
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Characters starting in `bytes`: every byte that is not a UTF-8
/// continuation byte (`0b10xx_xxxx`) starts one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// A byte range of a source file with its human-readable start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Span {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("a.md", "ab\nçd\n\nx".to_string());
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        assert_eq!(file.line_col(5), (2, 2)); // after the two-byte ç
        assert_eq!(file.line_col(7), (3, 1));
        assert_eq!(file.line_col(8), (4, 1));
        assert_eq!(file.line_col(100), (4, 2));
        assert_eq!(file.line_start(2), 3);
    }

    #[test]
    fn line_col_across_char_blocks() {
        // Lines longer than a block, multi-byte characters across block
        // edges: the same columns as counting the line's characters.
        let text = format!("{}\n{}\n{}", "é".repeat(1500), "a€".repeat(900), "x$y$".repeat(700));
        let file = SourceFile::new("a.md", text.clone());
        for offset in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let before = &text[..offset];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let expected = (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1);
            assert_eq!(file.line_col(offset), expected, "offset {offset}");
        }
    }
}
