//! Formulas the Markdown parser did not take as math (`math-unclosed`).
//!
//! pulldown-cmark reads `$...$` as math only when it closes properly:
//! braces that balance, no space before the closing `$`, a closing `$` at
//! all. Otherwise the dollars stay text, KaTeX never sees the formula and
//! the page shows raw TeX, silently. In order: each fragment that holds a
//! `$` is parsed as rendering parses it ([`options`]); every `$` left in a
//! text event outside code and autolinks is an opener candidate
//! ([`scan`]); a candidate is reported only when what follows it looks
//! like TeX ([`is_unclosed_formula`]), since most stray dollars are prices,
//! shell prompts and template literals. A `$$` that lost its closer is
//! often paired by the parser with the next formula's opener, so a formula
//! that holds a run of plain words ([`swallowed_prose`]) is reported too,
//! at its opener. Each fragment offset is mapped back to the file
//! ([`file_offset`]).

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Rich;
use crate::render::markdown::options;
use crate::source::SourceFile;

/// One warning per formula opener the parser left as text.
pub fn check_unclosed_math(file: &SourceFile, fragments: &[&Rich]) -> Vec<Diagnostic> {
    fragments
        .par_iter()
        .filter(|rich| rich.markdown.contains('$'))
        .flat_map_iter(|rich| {
            find_unclosed(&rich.markdown).into_iter().map(|(found, message)| {
                let start = file_offset(file, rich, found.start).unwrap_or_else(|| fragment_start(rich));
                let len = found.end - found.start;
                let end = if file.text.get(start..start + len) == rich.markdown.get(found.clone()) {
                    start + len
                } else {
                    start
                };
                Diagnostic::new(Code::MathUnclosed, file, Some(file.span(start..end)), message)
            })
        })
        .collect()
}

/// Unclosed formulas in `markdown`, in order: the byte range of each (from
/// the opening `$` to the end of its run, the next `$` or the end of the
/// line) and its message.
pub fn find_unclosed(markdown: &str) -> Vec<(Range<usize>, String)> {
    let scanned = scan(markdown);
    let mut found: Vec<(Range<usize>, String)> = text_openers(markdown, &scanned.dollars)
        .into_iter()
        .map(|range| {
            let message = message(&markdown[range.clone()]);
            (range, message)
        })
        .collect();
    for (range, tex) in &scanned.formulas {
        // Two prices (`$200K base ... than $150K`) also make a formula of
        // prose; one that lost its closer starts as TeX.
        if let Some(words) = swallowed_prose(tex).filter(|_| is_unclosed_formula(tex)) {
            let delimiter = if markdown[range.start..].starts_with("$$") { "$$" } else { "$" };
            let line_end = markdown[range.start..].find('\n').map_or(range.end, |i| range.start + i);
            let message = format!(
                "`{delimiter}` opens a formula that runs into prose (`{words}`): its closing `{delimiter}` is \
                 probably missing, so the parser paired it with the next `{delimiter}` and the words are set as math"
            );
            found.push((range.start..range.end.min(line_end), message));
        }
    }
    found.sort_by_key(|(range, _)| range.start);
    found
}

/// Byte ranges of the text dollars that open a formula.
fn text_openers(markdown: &str, dollars: &[usize]) -> Vec<Range<usize>> {
    let bytes = markdown.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < dollars.len() {
        let at = dollars[i];
        // `$$` opens display math.
        let display = dollars.get(i + 1) == Some(&(at + 1));
        let open_len = if display { 2 } else { 1 };
        let body_start = at + open_len;
        let run_end = run_end(markdown, body_start);
        if !is_escaped(bytes, at) && !follows_word(markdown, at) && is_unclosed_formula(&markdown[body_start..run_end])
        {
            // The closing dollars, if any, belong to this formula.
            let close_len = bytes[run_end..].iter().take(open_len).take_while(|b| **b == b'$').count();
            found.push(at..run_end + close_len);
            let end = run_end + close_len;
            while i < dollars.len() && dollars[i] < end {
                i += 1;
            }
            continue;
        }
        i += open_len;
    }
    found
}

/// What one parse of a fragment shows about its dollars.
#[derive(Default)]
struct Scan {
    /// Offsets of the `$` characters the parser left in text events,
    /// outside code blocks and autolinks (where a `$` is part of a URL).
    /// Inline code and raw HTML are other events, so their dollars never
    /// appear.
    dollars: Vec<usize>,
    /// Every formula the parser accepted: its range with delimiters, its TeX.
    formulas: Vec<(Range<usize>, String)>,
}

fn scan(markdown: &str) -> Scan {
    let mut scanned = Scan::default();
    let mut in_code = false;
    let mut in_autolink = 0usize;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Link { link_type: LinkType::Autolink | LinkType::Email, .. }) => in_autolink += 1,
            Event::End(TagEnd::Link) => in_autolink = in_autolink.saturating_sub(1),
            Event::Text(_) if !in_code && in_autolink == 0 => {
                let source = &markdown[range.clone()];
                scanned.dollars.extend(source.match_indices('$').map(|(i, _)| range.start + i));
            }
            Event::InlineMath(tex) | Event::DisplayMath(tex) => scanned.formulas.push((range, tex.to_string())),
            _ => {}
        }
    }
    scanned
}

/// A plain word before the closing delimiter ([`trailing_word`]), or three
/// or more plain words in a row (two letters or more each, one of
/// four or more), outside `\text{...}`-like groups, are prose set as math:
/// `\alpha to represent the number and`. `\int f dx dy dz` and `\sin x`
/// are not. Returns the words.
fn swallowed_prose(tex: &str) -> Option<String> {
    let visible = without_text_groups(tex);
    let mut run: Vec<&str> = Vec::new();
    for token in visible.split_whitespace() {
        let word = token.trim_end_matches([',', '.', ';', ':', '!', '?']);
        if word.chars().count() >= 2 && is_word(word) {
            run.push(word);
            if run.len() >= 3 && run.iter().any(|w| w.chars().count() >= 4) {
                return Some(run.join(" "));
            }
        } else {
            run.clear();
        }
    }
    trailing_word(tex, &visible).map(str::to_string)
}

/// `\sigma(x) when `: a formula that does not start with a space but ends
/// with a plain word of three letters or more and a space is the start of
/// one formula and the prose up to the opener of the next.
fn trailing_word<'a>(tex: &str, visible: &'a str) -> Option<&'a str> {
    if tex.starts_with(char::is_whitespace) || !tex.ends_with(char::is_whitespace) {
        return None;
    }
    let last = visible.split_whitespace().next_back()?;
    (last.chars().count() >= 3 && is_word(last)).then_some(last)
}

/// Letters, with inner hyphens and apostrophes (`mini-batch`, `it's`).
fn is_word(token: &str) -> bool {
    token.starts_with(char::is_alphabetic) && token.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'')
}

/// The TeX with the arguments of text-setting commands (`\text`, `\mathrm`,
/// `\mbox`, `\operatorname`, ...) blanked out, where words belong.
fn without_text_groups(tex: &str) -> String {
    const TEXT_COMMANDS: [&str; 5] = ["text", "math", "mbox", "hbox", "operatorname"];
    let mut out = String::with_capacity(tex.len());
    let mut rest = tex;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let tail = &after[name_len..];
        out.push(' ');
        if TEXT_COMMANDS.iter().any(|c| after[..name_len].starts_with(c)) && tail.starts_with('{') {
            rest = &tail[matching_brace(tail).unwrap_or(tail.len())..];
        } else if name_len == 0 {
            // `\,` `\{`: one symbol.
            rest = after.char_indices().nth(1).map_or("", |(i, _)| &after[i..]);
        } else {
            // The command itself is not a word: `\sin x \cos y`.
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// The offset just past the `}` that closes the `{` `text` starts with.
fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where the run of a formula opened just before `start` ends: at the
/// next `$` or the end of the line.
fn run_end(markdown: &str, start: usize) -> usize {
    markdown[start..].find(['$', '\n']).map_or(markdown.len(), |i| start + i)
}

/// `\$` is an escaped dollar (an odd number of backslashes before it).
fn is_escaped(bytes: &[u8], at: usize) -> bool {
    bytes[..at].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 1
}

/// `US$5`, `a$b`: a dollar glued to a Latin word or number is not an
/// opener. Other scripts run text into formulas without a space
/// (`公式$\alpha`), so only ASCII counts.
fn follows_word(markdown: &str, at: usize) -> bool {
    markdown[..at].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Whether the text after a `$` that never became math is TeX. Deliberately
/// narrow: a space right after the `$` (`$ ls`, `$ 5`) or a `{` (`${name}`)
/// is not an opener; otherwise the run needs a TeX command of two letters
/// or more (`\frac`, `\alpha`; `\n` and `\d` are escapes in prose about
/// code), or must start like a formula: one letter or a number, then `^`
/// or `_` (`x^2`, `a_i`, `10^{3}`; `$HOME_DIR` and `$my_var` are not), or
/// start with a letter or digit and hold a brace and a `_` or `^`.
pub fn is_unclosed_formula(run: &str) -> bool {
    let Some(first) = run.chars().next() else { return false };
    if first.is_whitespace() || first == '{' {
        return false;
    }
    has_command(run) || starts_like_formula(run) || has_braced_script(run)
}

fn has_command(run: &str) -> bool {
    let bytes = run.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(i, b)| *b == b'\\' && bytes[i + 1..].iter().take_while(|c| c.is_ascii_alphabetic()).count() >= 2)
}

fn starts_like_formula(run: &str) -> bool {
    let bytes = run.as_bytes();
    let token =
        if bytes[0].is_ascii_alphabetic() { 1 } else { bytes.iter().take_while(|b| b.is_ascii_digit()).count() };
    token > 0 && matches!(bytes.get(token), Some(b'^' | b'_'))
}

/// `A = {a_1, a_2}`: starts with a letter or digit and holds both a brace
/// and a sub- or superscript (`$(function() { a_b(); })` starts with `(`).
fn has_braced_script(run: &str) -> bool {
    run.starts_with(|c: char| c.is_ascii_alphanumeric()) && run.contains('{') && run.contains(['_', '^'])
}

/// Why the formula was not read, in words.
fn message(snippet: &str) -> String {
    let display = snippet.starts_with("$$");
    let delimiter = if display { "$$" } else { "$" };
    let body = &snippet[delimiter.len()..];
    let closed = body.ends_with(delimiter) && body.len() > delimiter.len() - 1;
    let body = if closed { &body[..body.len() - delimiter.len()] } else { body };
    let reason = if !braces_balance(body) {
        "its braces do not balance".to_string()
    } else if !closed {
        format!("no closing `{delimiter}` follows it")
    } else if body.ends_with(char::is_whitespace) {
        format!("a space comes before the closing `{delimiter}`")
    } else {
        format!("the closing `{delimiter}` is not accepted")
    };
    format!(
        "`{delimiter}` opens a formula the Markdown parser does not read as math ({reason}); KaTeX never sees it and \
         the page shows it as text"
    )
}

/// Unescaped `{` and `}` pair up.
fn braces_balance(tex: &str) -> bool {
    let mut depth = 0i64;
    let mut escaped = false;
    for c in tex.chars() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '{' if !escaped => depth += 1,
            '}' if !escaped => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
        escaped = false;
    }
    depth == 0
}

pub(super) fn fragment_start(rich: &Rich) -> usize {
    rich.spans.first().map_or(0, |span| span.start)
}

/// The file offset of a byte of a fragment's Markdown. A fragment is
/// usually its source pieces (`rich.spans`) joined by blank lines, which
/// maps exactly; one cut otherwise (indentation removed, noise stripped)
/// is searched for the line of the formula between its first and last
/// piece, taking the same occurrence as in the fragment.
pub(super) fn file_offset(file: &SourceFile, rich: &Rich, offset: usize) -> Option<usize> {
    let joined: usize =
        rich.spans.iter().map(|span| span.end - span.start).sum::<usize>() + 2 * rich.spans.len().saturating_sub(1);
    if joined == rich.markdown.len() {
        let mut piece_start = 0;
        for span in &rich.spans {
            let len = span.end - span.start;
            if offset < piece_start + len {
                return Some(span.start + offset.saturating_sub(piece_start));
            }
            piece_start += len + 2;
        }
    }
    let line_end = rich.markdown[offset..].find('\n').map_or(rich.markdown.len(), |i| offset + i);
    let needle = &rich.markdown[offset..line_end];
    let nth = rich.markdown[..offset].matches(needle).count();
    let region_start = rich.spans.iter().map(|s| s.start).min()?;
    let region_end = rich.spans.iter().map(|s| s.end).max()?.min(file.text.len());
    let region = file.text.get(region_start..region_end)?;
    region.match_indices(needle).nth(nth).map(|(i, _)| region_start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unclosed(markdown: &str) -> Vec<&str> {
        find_unclosed(markdown).into_iter().map(|(r, _)| &markdown[r]).collect()
    }

    #[test]
    fn unbalanced_braces_and_missing_closers_are_found() {
        assert_eq!(unclosed(r"so $\frac{1}{$ is half"), [r"$\frac{1}{$"]);
        assert_eq!(unclosed(r"where $\alpha + b is small"), [r"$\alpha + b is small"]);
        assert_eq!(unclosed(r"$$\frac{1}{$$"), [r"$$\frac{1}{$$"]);
        assert_eq!(unclosed(r"$x^2 $ grows"), [r"$x^2 $"]);
        assert_eq!(unclosed("take $a_i and\nmore"), ["$a_i and"]);
        assert_eq!(unclosed(r"$10^{3$ bytes"), [r"$10^{3$"]);
        assert_eq!(unclosed(r"公式$\alpha + b"), [r"$\alpha + b"]);
        assert_eq!(unclosed(r"sets $$A = {a_1, a_n$$ and"), [r"$$A = {a_1, a_n$$"]);
    }

    #[test]
    fn accepted_math_and_later_strays_are_told_apart() {
        assert_eq!(unclosed(r"$\alpha$ and $\beta"), [r"$\beta"]);
        assert!(unclosed(r"$\frac{1}{2}$ and $x^2$").is_empty());
        assert!(unclosed("$$\n\\sum_i x_i\n$$").is_empty());
        // A `$$` without its closer, paired with the next formula's opener.
        let text = r"where $$\alpha counts the successes and $$\beta$$ the failures";
        assert_eq!(unclosed(text), [r"$$\alpha counts the successes and $$"]);
        let (_, message) = &find_unclosed(text)[0];
        assert!(message.contains("runs into prose (`counts the successes`)"), "{message}");
        assert_eq!(unclosed(r"for $$\sigma(x) when $$x$$ is"), [r"$$\sigma(x) when $$"]);
        let text = r"of size $$n \times 1, with $$n$$ entries";
        assert_eq!(unclosed(text), [r"$$n \times 1, with $$"]);
        for tex in [
            r"$$\int f \, dx dy dz$$",
            r"$$\sin x \cos y$$",
            r"$$x = 1 \text{ for all inputs seen so far}$$",
            r"$$\operatorname{arg max} \mathrm{soft max}$$",
            r"$a b c d$",
            r"$$ \frac{a}{b} when $$",
            r"$$\int f \, dx $$",
            "paid $200K base salary with a bonus, more than $",
        ] {
            assert!(unclosed(tex).is_empty(), "{tex}");
        }
    }

    #[test]
    fn prices_prompts_code_and_escapes_are_not_formulas() {
        for text in [
            "It costs $5 and $10.",
            "US$20 or 5$ each",
            "$ ls -la\n$ cd /tmp",
            "Run `echo $x_1` or `$\\frac{1}{`.",
            "```sh\necho $HOME_DIR\nprintf '$\\alpha'\n```",
            r"Escaped \$x_1 stays text.",
            "Use $HOME_DIR or $my_var here.",
            "A template `x` is ${name} and ${a_b}.",
            "jQuery: $('#id').on('click', function() { a_b(); })",
            "A regex $\\d+ or $\\n",
            "PHP: $my_flag_on and $\\_SESSION = array(); $initial){ return",
            "Mongo: $or: [ { status: \"A\" }, { qty: { $lt: 30 } } ]",
            "Earn $240k a year._ Or $8,000/month.",
            "<http://example.com/$x_1>",
            "<div>\n$\\frac{1}{\n</div>",
        ] {
            assert!(unclosed(text).is_empty(), "{text:?}: {:?}", unclosed(text));
        }
    }

    #[test]
    fn messages_name_the_reason() {
        assert!(message(r"$\frac{1}{$").contains("braces do not balance"));
        assert!(message(r"$\alpha + b").contains("no closing `$`"));
        assert!(message(r"$x^2 $").contains("a space comes before the closing `$`"));
        assert!(message(r"$$\frac{1}{$$").starts_with("`$$`"));
    }

    #[test]
    fn points_at_the_dollar_in_the_file() {
        let text = "? Q?\n\nIt is $\\frac{1}{$ here.\n\nAnd   $x^2 $.\n";
        let file = SourceFile::new("a.md", text.to_string());
        let first = text.find("It").unwrap();
        let pieces = [(first, text.find(" here.").unwrap() + 6), (text.find("And").unwrap(), text.len() - 1)];
        let markdown = pieces.iter().map(|&(s, e)| &text[s..e]).collect::<Vec<_>>().join("\n\n");
        let rich = Rich { markdown, spans: pieces.iter().map(|&(s, e)| file.span(s..e)).collect(), ..Rich::default() };
        let found = check_unclosed_math(&file, &[&rich]);
        let at: Vec<_> = found.iter().map(|d| d.span.map(|s| (s.line, s.column))).collect();
        assert_eq!(at, [Some((3, 7)), Some((5, 7))]);
        assert!(found.iter().all(|d| d.code == Code::MathUnclosed));
        // A fragment cut with its indentation removed is found by search.
        let text = "1. Q?\n\n   It is $\\alpha + b\n";
        let file = SourceFile::new("b.md", text.to_string());
        let start = text.find("It").unwrap();
        let rich = Rich {
            markdown: "It is $\\alpha + b".into(),
            spans: vec![file.span(start - 3..text.len() - 1)],
            ..Rich::default()
        };
        let found = check_unclosed_math(&file, &[&rich]);
        assert_eq!(found[0].span.map(|s| (s.line, s.column)), Some((3, 10)));
    }
}
