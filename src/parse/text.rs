//! Small text rules shared by the style parsers: slugs, numbering
//! prefixes, difficulty marks, spacers and id comments.

use super::blocks::{Block, BlockKind};
use crate::model::Difficulty;

/// `"Why is $x$ *big*?"` → `"why-is-x-big"`. ASCII letters and digits are
/// kept, other letters too (lowercased); everything else separates words.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "untitled".to_string()
    } else {
        slug.to_string()
    }
}

/// Prompt text reduced to what identifies a question: lowercase words
/// without markup, for ids and duplicate detection.
pub fn normalize_prompt(text: &str) -> String {
    text.split(|c: char| !(c.is_alphanumeric() || c == '?' || c == '$' || c == '\\'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Strips a numbering prefix (`3)`, `3.`, `8 .`, `17a.`, `Q3:`, `Q1.`, `Q:`,
/// `Q.`, `Question 3:`, `Question 1.`) and returns the number and the byte
/// length of the prefix with its spaces. A `.` directly followed by a digit
/// is a decimal (`1.5 million`), not numbering.
pub fn strip_numbering(text: &str) -> (Option<u32>, usize) {
    let trimmed = text.trim_start();
    let lead = text.len() - trimmed.len();
    let (rest, q_len) = ["Question ", "Question", "Q"]
        .iter()
        .find_map(|p| trimmed.strip_prefix(p).map(|r| (r, p.len())))
        .unwrap_or((trimmed, 0));
    // `Q.52.`: a dot between the `Q` and its number.
    let (rest, q_len) = match rest.strip_prefix('.') {
        Some(r) if q_len == 1 && r.starts_with(|c: char| c.is_ascii_digit()) => (r, 2),
        _ => (rest, q_len),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    // `17a.` (a question split in parts) and `8 .` (a stray space).
    let mut gap = 0;
    if digits > 0 {
        let after = &rest.as_bytes()[digits..];
        let letter =
            after.first().is_some_and(|b| b.is_ascii_lowercase()) && matches!(after.get(1), Some(b'.' | b')' | b':'));
        let space = after.first() == Some(&b' ') && matches!(after.get(1), Some(b'.' | b')'));
        if letter || space {
            gap = 1;
        }
    }
    let punct = rest[digits + gap..].chars().next().filter(|c| matches!(c, ')' | '.' | ':'));
    let valid = match (q_len > 0, digits > 0, punct) {
        (_, true, Some(_)) => true,
        // `Q:` and `Q.` without a number.
        (true, false, Some(':' | '.')) => true,
        _ => false,
    };
    // `Q29 Which ...`: a `Q` number needs no punctuation.
    let bare = q_len > 0 && digits > 0 && punct.is_none() && rest[digits..].starts_with(' ');
    if bare {
        let after = &rest[digits..];
        return (rest[..digits].parse().ok(), lead + q_len + digits + (after.len() - after.trim_start().len()));
    }
    if !valid {
        return (None, 0);
    }
    let after = &rest[digits + gap + 1..];
    if punct == Some('.') && after.starts_with(|c: char| c.is_ascii_digit()) {
        return (None, 0);
    }
    let spaces = after.len() - after.trim_start().len();
    let number = rest[..digits].parse().ok();
    (number, lead + q_len + digits + gap + 1 + spaces)
}

/// Whether a question's text asks something: it ends with `?`, or opens
/// with a question or task word ([`starts_like_a_question`]).
pub fn asks(text: &str) -> bool {
    text.trim_end().ends_with('?') || starts_like_a_question(text)
}

/// Starts with a word that opens a question or a task ("Explain the
/// following headers:", "Describe floats", "Implement a queue", "Given an
/// array, ..."). Auxiliaries (`Do`, `Is`, `Can`) are left out: without a
/// `?` they open instructions and fragments ("Do not use tables", "Are
/// created by ..."). A quoted phrase ("\"Tell me about a time\" questions")
/// names a question rather than asks it.
pub fn starts_like_a_question(s: &str) -> bool {
    const WORDS: &str = "what why how when where which who explain describe discuss compare name list give tell \
                         define write implement find given design calculate compute solve prove derive traverse";
    let s = s.trim_start();
    if s.starts_with(['"', '“', '\'']) {
        return false;
    }
    let first = s.split_whitespace().next().unwrap_or("").trim_matches(|c: char| !c.is_alphabetic());
    WORDS.split_whitespace().any(|w| w.eq_ignore_ascii_case(first))
}

/// Summaries and headings that label an answer rather than ask anything:
/// `Answer`, `Solution`, `Show answer`, `See answer` (any case, with
/// trailing `:` or markup around them).
pub fn is_answer_label(text: &str) -> bool {
    let plain: String = strip_tags(text).chars().filter(|c| !matches!(c, '*' | '_' | ':' | '.' | '!')).collect();
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let plain = plain.trim_start_matches(['👉', '💡', '✅', '🔍']).trim();
    const LABELS: [&str; 14] = [
        "answer",
        "answers",
        "solution",
        "solutions",
        "show answer",
        "see answer",
        "view answer",
        "reveal answer",
        "show solution",
        "see solution",
        "view solution",
        "click to see answer",
        "click to show answer",
        "click here for answer",
    ];
    // `Answer: D`, `Solution 1 (iterative)`: a label with a short note.
    let noted = ["answer ", "solution ", "answer(", "solution("].iter().any(|l| plain.starts_with(l))
        && !plain.ends_with('?')
        && plain.chars().count() <= 60;
    LABELS.contains(&plain) || noted
}

/// Collapsible summaries that are page furniture, never a question: tables
/// of contents, translations, "show more".
pub fn is_noise_summary(text: &str) -> bool {
    let plain = strip_tags(text).to_lowercase();
    ["table of contents", "contents", "translation", "languages", "toc"].iter().any(|w| plain.contains(w))
}

/// Text without `<...>` tags.
pub fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// Where links after a question's text start (`What is X? [[src](url)]`,
/// `What is X? [link](url)`): the question text ends before them. Returns
/// the byte length of the text before the trailing links, or `None` when
/// nothing but links is left.
pub fn trailing_links_start(text: &str) -> Option<usize> {
    let mut end = text.trim_end().len();
    let mut cut = false;
    loop {
        let mut head = text[..end].trim_end();
        let wrapped = head.ends_with(")]");
        if wrapped {
            head = &head[..head.len() - 1];
        }
        let Some(stripped) = head.strip_suffix(')') else { break };
        let Some(open_paren) = stripped.rfind("](") else { break };
        let Some(mut start) = stripped[..open_paren].rfind('[') else { break };
        if wrapped {
            match stripped[..start].strip_suffix('[') {
                Some(before) => start = before.len(),
                None => break,
            }
        }
        end = start;
        cut = true;
        let rest = text[..end].trim_end();
        end = rest.trim_end_matches(['-', '|', '—']).len();
    }
    let kept = text[..end].trim_end().len();
    (!cut || kept > 0).then_some(kept)
}

/// Difficulty marks at the end of a prompt: 👶 easy, ⭐️ medium, 🚀 hard.
/// Returns the difficulty and the byte length of the trailing marks.
pub fn trailing_difficulty(text: &str) -> Option<(Difficulty, usize)> {
    let trimmed = text.trim_end();
    let mut rest = trimmed;
    let mut found = None;
    loop {
        let before = rest.trim_end().trim_end_matches('\u{fe0f}');
        let (mark, difficulty) = [("👶", Difficulty::Easy), ("⭐", Difficulty::Medium), ("🚀", Difficulty::Hard)]
            .into_iter()
            .find(|(m, _)| before.ends_with(m))?;
        found = Some(found.map_or(difficulty, |d: Difficulty| d.max(difficulty)));
        rest = &before[..before.len() - mark.len()];
        if !rest.trim_end().ends_with(['👶', '⭐', '🚀', '\u{fe0f}']) {
            break;
        }
    }
    found.map(|d| (d, text.len() - rest.trim_end().len()))
}

/// A `Difficulty: Medium` line anywhere in plain text.
pub fn difficulty_line(text: &str) -> Option<Difficulty> {
    text.lines().find_map(|line| {
        let line = line.trim_start_matches(['-', '*', ' ']);
        let rest = line.strip_prefix("Difficulty")?.trim_start().strip_prefix(':')?;
        let word = rest.split(|c: char| !c.is_alphabetic()).find(|w| !w.is_empty())?;
        Difficulty::from_word(word)
    })
}

/// `Tags: #a #b` paragraphs: returns the tags.
pub fn tags_line(block: &Block) -> Option<Vec<String>> {
    if block.kind != BlockKind::Paragraph {
        return None;
    }
    let rest = block.text.trim().strip_prefix("Tags:")?;
    Some(
        rest.split([' ', ',', '\n'])
            .map(|t| t.trim().trim_start_matches('#'))
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// `<!-- id: some-id -->` comments give a question an explicit id.
pub fn id_comment(source: &str) -> Option<String> {
    let inner = source.trim().strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    let id = inner.strip_prefix("id:")?.trim();
    (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string())
}

/// Blocks that carry nothing to show: `<br/>` spacers, empty paragraphs,
/// HTML comments, empty list items left over from PDF conversion.
pub fn is_spacer(text: &str, block: &Block) -> bool {
    match &block.kind {
        BlockKind::Html => is_html_noise(&text[block.range.clone()]),
        BlockKind::Paragraph => {
            (block.math.is_empty() && block.text.trim().is_empty() && is_html_noise(&text[block.range.clone()]))
                || is_back_to_top(block)
        }
        BlockKind::List { items } => items.iter().all(|i| i.text.trim().is_empty()) && block.code.is_empty(),
        _ => false,
    }
}

/// A paragraph or HTML block of links and images only (a banner, badges,
/// "[Open a pull request](url)"): nothing is left once they are taken out
/// but tags, spaces and separators.
pub fn is_links_only(text: &str, block: &Block) -> bool {
    if !matches!(block.kind, BlockKind::Paragraph | BlockKind::Html) || block.links.is_empty() {
        return false;
    }
    let mut links: Vec<_> = block.links.iter().map(|l| l.range.clone()).collect();
    links.sort_by_key(|r| r.start);
    let (mut rest, mut at) = (String::new(), block.range.start);
    for link in links.into_iter().filter(|r| r.start >= block.range.start && r.end <= block.range.end) {
        if link.start >= at {
            rest.push_str(&text[at..link.start]);
            at = link.end;
        }
    }
    rest.push_str(&text[at.min(block.range.end)..block.range.end]);
    strip_tags(&rest).chars().all(|c| c.is_whitespace() || matches!(c, '|' | '·' | '-' | ',' | '*' | '_'))
}

/// A heading that titles a table of contents.
pub fn is_contents_title(text: &str) -> bool {
    let plain = text.trim().trim_end_matches(':').to_lowercase();
    ["table of contents", "contents", "toc", "index"].contains(&plain.as_str())
}

/// A table of contents: a list or a table whose entries are nearly all
/// in-page links (`[What is X?](#what-is-x)`), one per line (a table's
/// header and delimiter rows aside); three or more.
pub fn is_table_of_contents(text: &str, block: &Block) -> bool {
    let table = match block.kind {
        BlockKind::List { .. } => false,
        BlockKind::Other => text[block.range.clone()].starts_with('|'),
        _ => return false,
    };
    let in_page = block.links.iter().filter(|l| l.url.starts_with('#')).count();
    let is_delimiter = |l: &&str| l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
    let lines = text[block.range.clone()].lines().filter(|l| !l.trim().is_empty()).filter(|l| !is_delimiter(l));
    let entries = lines.count().saturating_sub(usize::from(table));
    in_page >= 3 && in_page * 10 >= entries * 9 && in_page * 10 >= block.links.len() * 9
}

/// A paragraph of `#tags` only (`#flashcards`, `#todo #bio`).
pub fn is_tags_only(block: &Block) -> bool {
    block.kind == BlockKind::Paragraph && {
        let mut words = block.text.split_whitespace().peekable();
        words.peek().is_some() && words.all(|w| w.starts_with('#') && w.len() > 1)
    }
}

/// `**[⬆ Back to Top](#table-of-contents)**`: a paragraph that is one
/// in-page link back up.
fn is_back_to_top(block: &Block) -> bool {
    let words: String = block.text.chars().filter(|c| c.is_alphanumeric() || *c == ' ').collect();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    block.links.len() == 1
        && block.links[0].url.starts_with('#')
        && ["back to top", "top", "back to the top", "go to top", "return to top", "back to contents"]
            .contains(&words.as_str())
}

/// Only line breaks and comments.
fn is_html_noise(html: &str) -> bool {
    let mut rest = html.trim();
    while !rest.is_empty() {
        if let Some(after) = ["<br>", "<br/>", "<br />"].iter().find_map(|t| rest.strip_prefix(t)) {
            rest = after.trim_start();
        } else if rest.starts_with("<!--") {
            match rest.find("-->") {
                Some(end) => rest = rest[end + 3..].trim_start(),
                None => return false,
            }
        } else {
            return false;
        }
    }
    true
}

/// Whether a `$$…$$` formula (its source range in `text`, delimiters
/// included) is display math: only when nothing but spaces stands before
/// it on its first line and after it on its last. Written inside a sentence
/// (`Given a vector $$u$$, find…`, as banks written for MathJax or GitBook
/// do), it is inline math: shown as display math it would cut the
/// sentence into pieces.
pub fn display_stands_alone(text: &str, range: std::ops::Range<usize>) -> bool {
    let before = text.get(..range.start).unwrap_or("");
    let after = text.get(range.end..).unwrap_or("");
    let line_before = before.rsplit('\n').next().unwrap_or("");
    let line_after = after.split('\n').next().unwrap_or("");
    // Markdown containers (`> `, list markers) may stand before it.
    let lead = line_before.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '>' | '-' | '*' | '+'));
    let lead = lead.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches(['.', ')']);
    lead.trim().is_empty() && line_after.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_prefixes() {
        assert_eq!(strip_numbering("3) Why?"), (Some(3), 3));
        assert_eq!(strip_numbering("12. Why?"), (Some(12), 4));
        assert_eq!(strip_numbering("Q3: Why?"), (Some(3), 4));
        assert_eq!(strip_numbering("Q: Why?"), (None, 3));
        assert_eq!(strip_numbering("Question 4: Why?"), (Some(4), 12));
        assert_eq!(strip_numbering("Quick question"), (None, 0));
        assert_eq!(strip_numbering("3 apples"), (None, 0));
        assert_eq!(strip_numbering("8 . Why?"), (Some(8), 4));
        assert_eq!(strip_numbering("17a. Why?"), (Some(17), 5));
        assert_eq!(strip_numbering("Q1. Why?"), (Some(1), 4));
        assert_eq!(strip_numbering("Q. Why?"), (None, 3));
        assert_eq!(strip_numbering("Question 1. Why?"), (Some(1), 12));
        assert_eq!(strip_numbering("1.5 million?"), (None, 0));
        assert_eq!(strip_numbering("Q29 Which?"), (Some(29), 4));
        assert_eq!(strip_numbering("Q.52. Which?"), (Some(52), 6));
        assert_eq!(strip_numbering("Quick 3 things"), (None, 0));
    }

    #[test]
    fn answer_labels_and_trailing_links() {
        assert!(is_answer_label("<b>Answer</b>"));
        assert!(is_answer_label("Show Answer"));
        assert!(is_answer_label("SOLUTION:"));
        assert!(!is_answer_label("What is the answer to this?"));
        assert!(is_answer_label("<b>Solution 1 (Iterative generation)</b>"));
        assert!(is_answer_label("Answer: D"));
        assert!(!is_answer_label("Answer the question: why?"));
        assert!(is_noise_summary("Hide/Show table of contents"));
        let t = "What is X? [[src](https://a.b/c)]";
        assert_eq!(&t[..trailing_links_start(t).unwrap()], "What is X?");
        let t = "What is Y? [link](u) [other](v)";
        assert_eq!(&t[..trailing_links_start(t).unwrap()], "What is Y?");
        assert_eq!(trailing_links_start("[only](u)"), None);
        assert_eq!(trailing_links_start("Plain (x)"), Some(9));
    }

    #[test]
    fn display_math_inside_a_sentence_is_inline() {
        let at = |text: &str| {
            let start = text.find("$$").unwrap();
            let end = text[start + 2..].find("$$").unwrap() + start + 4;
            display_stands_alone(text, start..end)
        };
        assert!(at("Sum:\n\n$$\\sum_i x_i$$\n\nDone."));
        assert!(at("> $$x$$\n"));
        assert!(at("1. $$x$$"));
        assert!(!at("Given a vector $$u$$, find $$v$$."));
        assert!(!at("$$u$$ is a vector"));
    }

    #[test]
    fn contents_and_banners() {
        let blocks = |t: &str| crate::parse::blocks::parse_blocks(t, 0..t.len());
        let toc = "- [Basics](#basics)\n  - [What is X?](#what-is-x)\n- [More](#more)\n";
        assert!(is_table_of_contents(toc, &blocks(toc)[0]));
        let questions = "- [What is X?](#x) and why\n- Why Y?\n- How Z?\n";
        assert!(!is_table_of_contents(questions, &blocks(questions)[0]));
        let table = "| No. | Q |\n| --- | --- |\n| 1 | [A](#a) |\n| 2 | [B](#b) |\n| 3 | [C](#c) |\n";
        assert!(is_table_of_contents(table, &blocks(table)[0]));
        for banner in
            ["![](cover.png)", "[![ci](b.svg)](u) [![x](c.svg)](v)", "<p align=\"center\"><img src=\"a.png\"></p>"]
        {
            assert!(is_links_only(banner, &blocks(banner)[0]), "{banner}");
        }
        let text = "See [the docs](u).";
        assert!(!is_links_only(text, &blocks(text)[0]));
    }

    #[test]
    fn difficulty_marks() {
        assert_eq!(trailing_difficulty("What? 👶"), Some((Difficulty::Easy, " 👶".len())));
        assert_eq!(trailing_difficulty("What? ⭐️"), Some((Difficulty::Medium, " ⭐️".len())));
        assert_eq!(trailing_difficulty("What? 🚀🚀"), Some((Difficulty::Hard, " 🚀🚀".len())));
        assert_eq!(trailing_difficulty("What?"), None);
        assert_eq!(difficulty_line("x\nDifficulty: Medium (fundamentals check)."), Some(Difficulty::Medium));
        assert_eq!(difficulty_line("- Difficulty : hard"), Some(Difficulty::Hard));
        assert_eq!(difficulty_line("The difficulty: none"), None);
    }

    #[test]
    fn slugs_and_ids() {
        assert_eq!(slugify("Why is $1 \\times 1$ *used*?"), "why-is-1-times-1-used");
        assert_eq!(slugify("??"), "untitled");
        assert_eq!(id_comment("<!-- id: lstm-gates -->"), Some("lstm-gates".into()));
        assert_eq!(id_comment("<!-- a comment -->"), None);
    }
}
