//! Flattens list items where a person reads their content as top-level
//! blocks, before any reading sees the blocks. In order:
//! 1. [`open_heading_items`]: an item that starts with a heading
//!    (`1. ### What is X?`, the answer indented below) becomes its
//!    children;
//! 2. [`cut_at_inner_headings`]: a list is cut before a numbered heading
//!    that its indentation put inside an item (`- [x] last option`, then
//!    `  #### Q58. Next?`).
//!
//! Lines indented under an opened item by less than its content column
//! (`437. ### What is X?`, then the answer indented four spaces) are code
//! to CommonMark; [`open_heading_items`] reads them as the item's answer.

use std::ops::Range;

use super::blocks::{self, Block, BlockKind};
use super::fragment::dedented;
use super::text::strip_numbering;

pub fn flatten(text: &str, blocks: &mut Vec<Block>) {
    open_heading_items(text, blocks);
    cut_at_inner_headings(text, blocks);
}

/// Opens up lists whose items start with a heading (`1. ### What is X?`
/// with the answer indented below): each such item becomes its children
/// (the heading, then the answer's blocks), so a heading reading sees the
/// heading as a question and the rest as its answer. The item's number is
/// the heading's numbering: it goes in front of the heading's plain text
/// (never into its source range, which gives the prompt). Other items of
/// such a list stay list blocks.
fn open_heading_items(text: &str, blocks: &mut Vec<Block>) {
    let opens = |b: &Block| b.items().iter().any(|item| starts_with_heading(&text[item.content.clone()]));
    if !blocks.iter().any(opens) {
        return;
    }
    let mut out = Vec::with_capacity(blocks.len());
    let mut after_opened = false;
    for block in std::mem::take(blocks) {
        if !opens(&block) {
            match after_opened && is_indented_code(&block) {
                true => out.extend(parse_dedented(text, block.range)),
                false => out.push(block),
            }
            after_opened = false;
            continue;
        }
        after_opened = true;
        for item in block.items() {
            if !starts_with_heading(&text[item.content.clone()]) {
                out.extend(blocks::parse_blocks(text, item.range.clone()));
                continue;
            }
            let mut children = blocks::item_children(text, item.range.clone());
            let bullet = &text[item.range.start..item.content.start];
            if let Some(first) = children.first_mut().filter(|b| b.is_heading()) {
                let number: String = bullet.chars().take_while(char::is_ascii_digit).collect();
                if !number.is_empty() {
                    first.text = format!("{number}. {}", first.text.trim());
                }
            }
            out.extend(children);
        }
    }
    *blocks = out;
}

/// A code block written by indentation, not between fences.
fn is_indented_code(block: &Block) -> bool {
    block.kind == BlockKind::Code && block.code.iter().all(|c| !c.fenced)
}

/// The blocks of `text[range]` read with its indentation taken out, their
/// ranges in the file.
fn parse_dedented(text: &str, range: Range<usize>) -> Vec<Block> {
    let source = dedented(text, range);
    let mut inner = blocks::parse_blocks(&source.text, 0..source.text.len());
    let at = |r: &mut Range<usize>| *r = source.map.file_offset(r.start)..source.map.file_offset(r.end);
    for block in &mut inner {
        at(&mut block.range);
        for code in &mut block.code {
            at(&mut code.range);
            code.content_start = source.map.file_offset(code.content_start);
        }
        block.math.iter_mut().for_each(|m| at(&mut m.range));
        block.links.iter_mut().for_each(|l| at(&mut l.range));
        if let BlockKind::List { items } = &mut block.kind {
            for item in items {
                at(&mut item.range);
                at(&mut item.content);
            }
        }
    }
    inner
}

fn starts_with_heading(content: &str) -> bool {
    let hashes = content.bytes().take_while(|b| *b == b'#').count();
    (1..=6).contains(&hashes) && content[hashes..].starts_with([' ', '\t'])
}

/// Cuts lists before a numbered heading inside one of their items, after
/// the item's first line: the author ended the list (the last option of a
/// question) and started the next question, but indented the heading, or
/// wrote it on the item's lazy continuation. The list up to the heading
/// stays a list; the heading and what follows it in the item become
/// top-level blocks; the items after it, a list again (cut the same way).
fn cut_at_inner_headings(text: &str, blocks: &mut Vec<Block>) {
    let cuts = |b: &Block| b.items().iter().any(|item| has_inner_heading_line(&text[item.range.clone()]));
    if !blocks.iter().any(cuts) {
        return;
    }
    let mut out = Vec::with_capacity(blocks.len());
    for block in std::mem::take(blocks) {
        match cuts(&block) {
            true => out.extend(cut_list(text, &block)),
            false => out.push(block),
        }
    }
    *blocks = out;
}

/// A line after an item's first that looks like a numbered heading: the
/// cheap test before the item is parsed.
fn has_inner_heading_line(item: &str) -> bool {
    item.lines().skip(1).any(|line| {
        let line = line.trim_start();
        line.starts_with('#') && strip_numbering(line.trim_start_matches('#')).0.is_some()
    })
}

fn is_numbered_heading(block: &Block) -> bool {
    block.heading_level().is_some_and(|level| level >= 2) && strip_numbering(block.text.trim()).0.is_some()
}

/// The blocks a list becomes when cut at its first inner numbered heading
/// (the list itself when it has none).
fn cut_list(text: &str, list: &Block) -> Vec<Block> {
    for (n, item) in list.items().iter().enumerate() {
        if !has_inner_heading_line(&text[item.range.clone()]) {
            continue;
        }
        let children = blocks::item_children(text, item.range.clone());
        let Some(at) = children.iter().skip(1).position(is_numbered_heading).map(|k| k + 1) else { continue };
        let mut out = blocks::parse_blocks(text, list.range.start..children[at].range.start);
        out.extend(children.into_iter().skip(at));
        if let Some(next) = list.items().get(n + 1) {
            for rest in blocks::parse_blocks(text, next.range.start..list.range.end) {
                out.extend(cut_list(text, &rest));
            }
        }
        return out;
    }
    vec![list.clone()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(text: &str) -> Vec<Block> {
        let mut blocks = blocks::parse_blocks(text, 0..text.len());
        flatten(text, &mut blocks);
        blocks
    }

    #[test]
    fn an_indented_numbered_heading_ends_the_list_it_is_in() {
        let text = "#### Q1. One?\n\n- [ ] a\n- [x] b\n\n  #### Q2. Two?\n\n- [x] c\n- [ ] d\n";
        let b = flat(text);
        let kinds: Vec<_> = b.iter().map(|b| (b.heading_level(), b.items().len())).collect();
        assert_eq!(kinds, [(Some(4), 0), (None, 2), (Some(4), 0), (None, 2)]);
        assert_eq!(b[2].text, "Q2. Two?");
        assert_eq!(b[3].items()[0].text, "c");
    }

    #[test]
    fn the_rest_of_the_item_follows_the_heading() {
        let text = "- [x] a\n      [ref](u)\n\n  #### Q2. Two?\n  - [x] c\n  - [ ] d\n\nAfter.\n";
        let b = flat(text);
        assert_eq!(b.len(), 4, "{b:?}");
        assert_eq!(b[0].items().len(), 1);
        assert_eq!(b[1].text, "Q2. Two?");
        assert_eq!(b[2].items().len(), 2);
        assert_eq!(b[3].text, "After.");
    }

    #[test]
    fn unnumbered_headings_and_code_comments_stay_in_their_item() {
        let text = "- step\n\n  ### Details\n\n  ```sh\n  # 1. not a heading\n  ```\n";
        let b = flat(text);
        assert_eq!(b.len(), 1);
    }
}
