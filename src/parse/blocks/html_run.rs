//! Raw HTML inside a block: pulldown-cmark gives an HTML block one event
//! per line, so the pieces are gathered into one run whose `<img src>`
//! and `<a href>` become the block's links, with their place in the file.

use std::ops::Range;

use super::LinkRef;

/// Raw HTML text and, per piece (event), where it starts in `text` and
/// its range in the file.
#[derive(Default)]
pub(super) struct HtmlRun {
    pub(super) text: String,
    pub(super) pieces: Vec<HtmlPiece>,
}

pub(super) struct HtmlPiece {
    pub(super) start: usize,
    pub(super) file: Range<usize>,
    /// The event's text is the file's text there (not so in a block quote,
    /// whose `>` markers are left out): offsets map one to one.
    pub(super) verbatim: bool,
}

impl HtmlRun {
    /// The run's image and link URLs, located in the file through its
    /// pieces.
    pub(super) fn links(&self) -> Vec<LinkRef> {
        let located = |url: crate::media::HtmlUrl| {
            let start = self.to_file(url.value.start, false);
            let range = start..self.to_file(url.value.end, true).max(start);
            LinkRef { url: url.url, image: url.image, range }
        };
        crate::media::html_urls(&self.text).into_iter().map(located).collect()
    }

    /// The file offset of `at` in the run's text; the start or end of its
    /// piece when the piece is not verbatim.
    fn to_file(&self, at: usize, end: bool) -> usize {
        let Some(piece) = self.pieces.iter().rev().find(|p| p.start <= at) else { return 0 };
        match piece.verbatim {
            true => piece.file.start + (at - piece.start),
            false if end => piece.file.end,
            false => piece.file.start,
        }
    }
}
