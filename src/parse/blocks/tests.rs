//! Unit tests of block splitting (`src/parse/blocks.rs`).

use super::*;

fn blocks(text: &str) -> Vec<Block> {
    parse_blocks(text, 0..text.len())
}

#[test]
fn raw_html_images_and_links_are_links_located_in_the_file() {
    let text = "<div>\n<img\n  src=\"sub/x.png\">\n</div>\n\nText <a href='javascript:x'>j</a>.\n\n\
                > <img src=\"q.png\"\n> alt=x>\n\n`<img src=\"code.png\">` <!-- <img src=\"c.png\"> -->\n";
    let links: Vec<(String, bool, &str)> =
        blocks(text).iter().flat_map(|b| &b.links).map(|l| (l.url.clone(), l.image, &text[l.range.clone()])).collect();
    assert_eq!(
        links,
        [
            ("sub/x.png".to_string(), true, "sub/x.png"),
            ("javascript:x".to_string(), false, "javascript:x"),
            // In a block quote the event text leaves out `>`: the whole tag is pointed at.
            ("q.png".to_string(), true, "<img src=\"q.png\"\n> alt=x>"),
        ]
    );
}

#[test]
fn top_level_blocks_with_ranges() {
    let text = "# Title\n\nSome *text* here\nmore.\n\n- a\n- [x] b\n\n```py\nx = 1\n```\n";
    let b = blocks(text);
    assert_eq!(b.len(), 4);
    assert_eq!(b[0].kind, BlockKind::Heading { level: 1, id: None });
    assert_eq!(&text[b[1].range.clone()], "Some *text* here\nmore.");
    assert_eq!(b[1].text, "Some text here\nmore.");
    let items = b[2].items();
    assert_eq!(items.len(), 2);
    assert_eq!(&text[items[0].content.clone()], "a");
    assert_eq!(items[1].checked, Some(true));
    assert_eq!(&text[items[1].content.clone()], "b");
    let code = &b[3].code[0];
    assert_eq!(code.info, "py");
    assert_eq!(code.source, "x = 1\n");
    assert_eq!(&text[code.content_start..code.content_start + 5], "x = 1");
    assert!(code.closed);
}

#[test]
fn strong_lead_and_math() {
    let text = "**What is $x$?** 👶\n\n**?** Why $a_1$?";
    let b = blocks(text);
    assert_eq!(b[0].strong_lead, Some(("What is $x$?".into(), "👶".into())));
    assert_eq!(b[1].strong_lead, Some(("?".into(), "Why $a_1$?".into())));
    assert_eq!(&text[b[1].math[0].range.clone()], "a_1");
}

#[test]
fn list_items_are_lines_of_their_own() {
    let b = blocks("- alpha\n- beta\n  - gamma\n    - delta\n\n1. one\n\n2. two\n");
    assert_eq!(b[0].text, "alpha\nbeta\ngamma\ndelta");
    let BlockKind::List { items } = &b[0].kind else { panic!("not a list: {:?}", b[0].kind) };
    assert_eq!(items[0].text, "alpha");
    assert_eq!(items[1].text, "beta\ngamma\ndelta");
    // A loose list's paragraphs were lines already; no blank line comes in.
    assert_eq!(b[1].text, "one\ntwo");
}
