//! What is around the questions of a page: the title under a banner, a
//! table of contents, a placeholder heading at the end of a section.

use super::notes::{codes, prompts, wild};

#[test]
fn a_heading_with_nothing_under_it_that_asks_nothing_is_no_question() {
    let (bank, diagnostics) = wild("heading-placeholder.md");
    assert_eq!(prompts(&bank), ["What does `^` match?", "What is a lazy quantifier?", "What does `(?=x)` assert?"]);
    let topics: Vec<_> = bank.topics.iter().map(|t| (t.title.as_str(), t.questions.len())).collect();
    assert_eq!(topics, [("Anchors", 2), ("Lookarounds", 1)]);
    assert!(bank.intro.markdown.contains("### 3. Send us your drill!"), "kept as text: {}", bank.intro.markdown);
    assert_eq!(codes(&diagnostics), []);
}

#[test]
fn the_title_is_the_heading_under_a_banner() {
    let (bank, diagnostics) = wild("banner-title.md");
    assert_eq!(bank.title, "Regex in practice");
    assert_eq!(bank.topics.len(), 1);
    assert_eq!(bank.topics[0].title, "Regex in practice");
    assert_eq!(prompts(&bank), ["What does `\\b` match?", "What does `\\d` match?"]);
    assert!(bank.intro.markdown.starts_with("![](history.png)\n\nA short drill book."), "{}", bank.intro.markdown);
    assert_eq!(codes(&diagnostics), []);
}

#[test]
fn a_table_of_contents_leaves_the_intro() {
    let (bank, diagnostics) = wild("toc-intro.md");
    assert_eq!(prompts(&bank).len(), 3);
    let intro = &bank.intro.markdown;
    assert!(intro.starts_with("> Star the repository if it helps you."), "{intro}");
    assert!(!intro.contains("Table of Contents") && !intro.contains("#what-is"), "{intro}");
    assert_eq!(codes(&diagnostics), []);
}
