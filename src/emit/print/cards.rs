//! Cut-out cards: sizing each card's content and laying cards out on
//! sheets for duplex printing.
//!
//! A card's font size is the largest of [`FONT_SIZES`] at which its
//! estimated content fits; a card that does not fit even at the smallest
//! size spans two (or four) grid rows instead: it is never clipped. Backs
//! sit on the page after their fronts with the columns mirrored, so when
//! the sheet is flipped on its long edge each back lands behind its front.

use serde::Serialize;

use crate::config::Paper;

/// Font sizes tried, largest first, in points.
pub const FONT_SIZES: [f64; 6] = [11.0, 10.0, 9.0, 8.0, 7.0, 6.0];
const COLUMNS: usize = 2;
const ROWS: usize = 4;
const SHEET_MARGIN_MM: f64 = 10.0;
const PADDING_MM: f64 = 7.0;
const POINT_MM: f64 = 0.3528;

/// The size of a card's content, in characters, for fitting.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Lengths of text lines (paragraphs, options) in characters.
    pub text: Vec<usize>,
    /// Lengths of code lines in characters.
    pub code: Vec<usize>,
    /// Code blocks and display formulas, which add vertical space.
    pub blocks: usize,
}

/// A card to place: its number and its two sides.
pub struct CardSides {
    pub number: u32,
    pub front: (String, Content),
    pub back: (String, Content),
}

#[derive(Debug, Serialize)]
pub struct Grid {
    pub columns: usize,
    pub rows: usize,
    pub card_width: String,
    pub card_height: String,
}

#[derive(Debug, Serialize)]
pub struct Sheet {
    pub side: &'static str,
    pub cards: Vec<PlacedCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlacedCard {
    /// 0 for an empty cell.
    pub number: u32,
    pub html: String,
    pub row: usize,
    pub column: usize,
    pub span: usize,
    pub font_size: String,
}

fn page_mm(paper: Paper) -> (f64, f64) {
    match paper {
        Paper::A4 => (210.0, 297.0),
        Paper::Letter => (215.9, 279.4),
    }
}

/// Card width and height in millimetres.
fn card_mm(paper: Paper) -> (f64, f64) {
    let (width, height) = page_mm(paper);
    // A little slack keeps rounding from pushing a row onto a new page.
    ((width - 2.0 * SHEET_MARGIN_MM) / COLUMNS as f64 - 0.2, (height - 2.0 * SHEET_MARGIN_MM) / ROWS as f64 - 0.5)
}

pub fn grid(paper: Paper) -> Grid {
    let (width, height) = card_mm(paper);
    Grid { columns: COLUMNS, rows: ROWS, card_width: format!("{width:.2}mm"), card_height: format!("{height:.2}mm") }
}

pub fn sheet_margin() -> String {
    format!("{SHEET_MARGIN_MM}mm")
}

/// Estimated height in millimetres of `content` at `font` points in a card
/// `width` millimetres wide.
fn height_mm(content: &Content, font: f64, width: f64) -> f64 {
    let inner = width - PADDING_MM;
    // Average glyph widths of the print fonts, in ems (measured loosely on
    // DejaVu Serif and Sans Mono; erring wide keeps cards from overflowing).
    let text_per_line = (inner / (0.6 * font * POINT_MM)).max(1.0);
    let code_per_line = (inner / (0.6 * 0.85 * font * POINT_MM)).max(1.0);
    let wrapped = |lengths: &[usize], per_line: f64| -> f64 {
        lengths.iter().map(|&n| (n.max(1) as f64 / per_line).ceil()).sum()
    };
    // Line heights as in print.css: 1.25 for text, 1.35 for code at 0.85 em;
    // code blocks add padding and margins, paragraphs their margin.
    let text = wrapped(&content.text, text_per_line) * font * 1.25;
    let code = wrapped(&content.code, code_per_line) * 0.85 * font * 1.35;
    (text + code) * POINT_MM + content.blocks as f64 * 4.5 + content.text.len() as f64 * 1.2 + 4.0
}

/// The rows a card spans and the font size of each side.
fn fit(card: &CardSides, paper: Paper) -> (usize, f64, f64) {
    let (width, height) = card_mm(paper);
    for span in [1, 2, 4] {
        // A tenth of the room stays free: the estimate is only an estimate.
        let room = 0.9 * (height * span as f64 - PADDING_MM);
        let size = |content: &Content| FONT_SIZES.into_iter().find(|f| height_mm(content, *f, width) <= room);
        if let (Some(front), Some(back)) = (size(&card.front.1), size(&card.back.1)) {
            return (span, front, back);
        }
    }
    let smallest = FONT_SIZES[FONT_SIZES.len() - 1];
    (ROWS, smallest, smallest)
}

/// Lays cards out: fronts row by row, each followed by its mirrored backs.
pub fn layout(cards: &[CardSides], paper: Paper) -> Vec<Sheet> {
    let mut sheets = Vec::new();
    let mut fronts: Vec<PlacedCard> = Vec::new();
    let mut backs: Vec<PlacedCard> = Vec::new();
    let mut used = [[false; COLUMNS]; ROWS];
    for card in cards {
        let (span, front_font, back_font) = fit(card, paper);
        let slot = free_slot(&used, span).or_else(|| {
            flush(&mut sheets, &mut fronts, &mut backs, &mut used);
            free_slot(&used, span)
        });
        let Some((row, column)) = slot else { continue };
        for taken in used.iter_mut().skip(row).take(span) {
            taken[column] = true;
        }
        let place = |html: &str, column: usize, font: f64| PlacedCard {
            number: card.number,
            html: html.to_string(),
            row: row + 1,
            column: column + 1,
            span,
            font_size: format!("{font}pt"),
        };
        fronts.push(place(&card.front.0, column, front_font));
        backs.push(place(&card.back.0, COLUMNS - 1 - column, back_font));
    }
    if !fronts.is_empty() {
        flush(&mut sheets, &mut fronts, &mut backs, &mut used);
    }
    sheets
}

/// First free cell (row-major) with `span` free rows below it.
fn free_slot(used: &[[bool; COLUMNS]; ROWS], span: usize) -> Option<(usize, usize)> {
    (0..=ROWS.saturating_sub(span))
        .flat_map(|row| (0..COLUMNS).map(move |column| (row, column)))
        .find(|&(row, column)| (row..row + span).all(|r| !used[r][column]))
}

/// Closes a sheet: empty cells keep their cut lines.
fn flush(
    sheets: &mut Vec<Sheet>,
    fronts: &mut Vec<PlacedCard>,
    backs: &mut Vec<PlacedCard>,
    used: &mut [[bool; COLUMNS]; ROWS],
) {
    for (row, cells) in used.iter().enumerate() {
        for (column, taken) in cells.iter().enumerate() {
            if !taken {
                let empty = |column: usize| PlacedCard {
                    number: 0,
                    html: String::new(),
                    row: row + 1,
                    column: column + 1,
                    span: 1,
                    font_size: String::new(),
                };
                fronts.push(empty(column));
                backs.push(empty(COLUMNS - 1 - column));
            }
        }
    }
    sheets.push(Sheet { side: "front", cards: std::mem::take(fronts) });
    sheets.push(Sheet { side: "back", cards: std::mem::take(backs) });
    *used = [[false; COLUMNS]; ROWS];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(number: u32, text: usize, code_lines: usize) -> CardSides {
        let content = Content { text: vec![text], code: vec![30; code_lines], blocks: usize::from(code_lines > 0) };
        CardSides {
            number,
            front: (format!("f{number}"), content),
            back: ("b".into(), Content { text: vec![40], ..Content::default() }),
        }
    }

    #[test]
    fn backs_mirror_fronts_and_sheets_alternate() {
        let cards: Vec<_> = (1..=9).map(|n| card(n, 80, 0)).collect();
        let sheets = layout(&cards, Paper::A4);
        assert_eq!(sheets.iter().map(|s| s.side).collect::<Vec<_>>(), ["front", "back", "front", "back"]);
        let front = &sheets[0].cards[0];
        let back = sheets[1].cards.iter().find(|c| c.number == front.number).unwrap();
        assert_eq!((front.row, front.column), (1, 1));
        assert_eq!((back.row, back.column), (1, 2));
        assert_eq!(sheets[2].cards.iter().filter(|c| c.number > 0).count(), 1);
        assert_eq!(sheets[2].cards.len(), 8, "empty cells keep their cut lines");
    }

    #[test]
    fn long_content_shrinks_then_spans_rows() {
        let short = fit(&card(1, 60, 0), Paper::A4);
        assert_eq!((short.0, short.1), (1, 11.0));
        let code = fit(&card(2, 120, 10), Paper::A4);
        assert_eq!(code.0, 1);
        assert!(code.1 < 11.0, "{code:?}");
        let huge = fit(&card(3, 4000, 60), Paper::A4);
        assert!(huge.0 > 1, "{huge:?}");
    }
}
