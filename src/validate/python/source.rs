//! Source text and positions: lines and character columns as CPython counts them.

use crate::validate::CodeError;

/// The block as CPython's tokenizer sees it, indexed by character so that
/// positions come out as lines and character columns.
pub(super) struct Source {
    /// Newlines normalised to `\n` (as `compile()` does for a `str`), and a
    /// final newline added.
    pub(super) chars: Vec<char>,
    /// Byte offset of each char in the normalised text, then its length.
    byte_at: Vec<usize>,
    /// Char index where each line starts; the last entry is the end of input.
    pub(super) line_starts: Vec<usize>,
}

impl Source {
    pub(super) fn new(block: &str) -> Self {
        let mut text = block.replace("\r\n", "\n").replace('\r', "\n");
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let mut chars = Vec::with_capacity(text.len());
        let mut byte_at = Vec::with_capacity(text.len() + 1);
        let mut line_starts = vec![0];
        for (i, (byte, c)) in text.char_indices().enumerate() {
            chars.push(c);
            byte_at.push(byte);
            if c == '\n' {
                line_starts.push(i + 1);
            }
        }
        byte_at.push(text.len());
        Source { chars, byte_at, line_starts }
    }

    pub(super) fn len(&self) -> usize {
        self.chars.len()
    }

    pub(super) fn at(&self, idx: usize) -> Option<char> {
        self.chars.get(idx).copied()
    }

    pub(super) fn char_index(&self, byte: usize) -> usize {
        self.byte_at.partition_point(|&b| b < byte)
    }

    pub(super) fn byte_index(&self, idx: usize) -> usize {
        self.byte_at[idx.min(self.len())]
    }

    /// 1-based line and 0-based column of a char index. The end of input is
    /// where CPython puts its end marker: the end of the last line.
    pub(super) fn line_col(&self, idx: usize) -> (usize, usize) {
        let idx = idx.min(self.len().saturating_sub(1));
        let line = self.line_starts.partition_point(|&s| s <= idx);
        (line, idx - self.line_starts[line - 1])
    }

    pub(super) fn line_of(&self, idx: usize) -> usize {
        self.line_col(idx).0
    }

    /// Char index of the start of the line holding `idx`.
    pub(super) fn line_start(&self, idx: usize) -> usize {
        self.line_starts[self.line_of(idx) - 1]
    }

    /// An error whose column is the char at `idx` (CPython's `col_offset + 1`).
    pub(super) fn error_at(&self, idx: usize, message: impl Into<String>) -> CodeError {
        let (line, col) = self.line_col(idx);
        CodeError { line, column: col + 1, message: message.into() }
    }

    /// An error raised by the tokenizer with its cursor at `cursor`: CPython's
    /// offset is the number of chars before the cursor on its line.
    pub(super) fn error_before(&self, cursor: usize, message: impl Into<String>) -> CodeError {
        let (line, col) = self.line_col(cursor);
        CodeError { line, column: col.max(1), message: message.into() }
    }

    pub(super) fn error_at_byte(&self, byte: usize, message: impl Into<String>) -> CodeError {
        self.error_at(self.char_index(byte), message)
    }
}
