//! Images and links, as the notes write them: what a URL points at
//! ([`classify_url`]: an anchor, a remote URL, an unsafe scheme such as
//! `javascript:`, or a local path with its query and fragment removed,
//! percent-decoded), the `<img src>` and `<a href>` of raw HTML
//! ([`html_urls`]), where a local path leads ([`locate`]: refused when it
//! leaves its root, lexically or through a symbolic link) and the
//! content-hashed name an image is published under ([`hashed_name`]).
//! Parsing, validation, rendering and the vault lookup all use these, so
//! what validation reports is what the outputs do.

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

/// Schemes no output keeps: they run script, embed a document, or read a
/// file on the reader's computer. The sanitizer removes them; validation
/// says so.
const UNSAFE_SCHEMES: [&str; 4] = ["javascript", "vbscript", "data", "file"];

/// What a URL written in a note points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlKind {
    /// Empty, or only a query or fragment (`#part`): nothing to look up.
    Anchor,
    /// A scheme the outputs keep (`https:`, `mailto:`) or `//host/…`.
    Remote,
    /// One of [`UNSAFE_SCHEMES`], lowercase.
    Unsafe(String),
    /// A path relative to the bank's folder (or absolute), without its
    /// query and fragment, percent-decoded.
    Local(String),
}

/// Sorts a URL the way a browser reads it: spaces and control characters
/// around it and tabs and newlines inside it are ignored (`java\tscript:`
/// is `javascript:`), the scheme is case-insensitive.
pub fn classify_url(url: &str) -> UrlKind {
    let cleaned: String =
        url.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    if let Some(scheme) = scheme_of(&cleaned) {
        let scheme = scheme.to_ascii_lowercase();
        return if UNSAFE_SCHEMES.contains(&scheme.as_str()) { UrlKind::Unsafe(scheme) } else { UrlKind::Remote };
    }
    if cleaned.starts_with("//") {
        return UrlKind::Remote;
    }
    // `images/001.jpg?raw=true` (GitHub) and `a.png#x` name the file before `?` / `#`.
    let path = cleaned.split(['?', '#']).next().unwrap_or_default();
    if path.is_empty() {
        UrlKind::Anchor
    } else {
        UrlKind::Local(percent_decode(path))
    }
}

/// The scheme before the first `:`, if the text before it is one. A single
/// letter is a Windows drive (`C:\…`), read as a path.
fn scheme_of(url: &str) -> Option<&str> {
    let scheme = &url[..url.find(':')?];
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && scheme.len() > 1).then_some(scheme)
}

/// `%20` → space. Invalid sequences stay as written. The renderer writes
/// paths percent-encoded (`my pic.png` → `my%20pic.png`), so both the
/// source and the HTML decode to one file name.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b))) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Character references in an attribute value (`&amp;`, `&#39;`,
/// `&#x27;`, `&quot;`, …); unknown names stay as written.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| Some((entity(&rest[1..end])?, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    let number = |digits: &str, radix| u32::from_str_radix(digits, radix).ok().and_then(char::from_u32);
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => match name.strip_prefix('#')? {
            hex if hex.starts_with(['x', 'X']) => number(&hex[1..], 16),
            decimal => number(decimal, 10),
        },
    }
}

/// One URL attribute of raw HTML: an `<img src>` or an `<a href>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlUrl {
    pub image: bool,
    /// The value, character references decoded.
    pub url: String,
    /// The attribute, name to closing quote.
    pub attribute: Range<usize>,
    /// The value as written, without quotes.
    pub value: Range<usize>,
}

/// The `<img src>` and `<a href>` attributes of an HTML text, in order.
/// Comments are skipped (browsers and the sanitizer ignore them); tag
/// and attribute names are case-insensitive; a repeated attribute counts
/// once, first one first, as in browsers.
pub fn html_urls(html: &str) -> Vec<HtmlUrl> {
    let mut urls = Vec::new();
    let mut at = 0;
    while let Some(open) = html[at..].find('<').map(|i| i + at) {
        if html[open..].starts_with("<!--") {
            at = html[open + 4..].find("-->").map_or(html.len(), |end| open + 4 + end + 3);
            continue;
        }
        let name_start = open + 1;
        let name_end =
            html[name_start..].find(|c: char| !c.is_ascii_alphanumeric()).map_or(html.len(), |i| i + name_start);
        let wanted = match html[name_start..name_end].to_ascii_lowercase().as_str() {
            "img" => Some(("src", true)),
            "a" => Some(("href", false)),
            _ => None,
        };
        let Some((wanted, image)) = wanted else {
            at = name_start;
            continue;
        };
        let (attributes, end) = read_attributes(html, name_end);
        let found = attributes.into_iter().find(|a| html[a.name.clone()].eq_ignore_ascii_case(wanted));
        if let Some(Attribute { name, value: Some(value), end: attribute_end }) = found {
            urls.push(HtmlUrl {
                image,
                url: decode_entities(&html[value.clone()]),
                attribute: name.start..attribute_end,
                value,
            });
        }
        at = end.max(name_start);
    }
    urls
}

struct Attribute {
    name: Range<usize>,
    value: Option<Range<usize>>,
    /// Past the value's closing quote.
    end: usize,
}

/// The attributes of a start tag from `at` (just after its name) to its
/// `>`, and the offset after the `>`.
fn read_attributes(html: &str, mut at: usize) -> (Vec<Attribute>, usize) {
    let bytes = html.as_bytes();
    let mut attributes = Vec::new();
    let skip_space = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    loop {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
            at += 1;
        }
        if at >= bytes.len() || bytes[at] == b'>' {
            return (attributes, (at + 1).min(bytes.len()));
        }
        let name_start = at;
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() && !matches!(bytes[at], b'/' | b'>' | b'=') {
            at += 1;
        }
        let name = name_start..at;
        let after_name = skip_space(at);
        if bytes.get(after_name) != Some(&b'=') {
            attributes.push(Attribute { name, value: None, end: at });
            continue;
        }
        let value_start = skip_space(after_name + 1);
        let (value, end) = match bytes.get(value_start) {
            Some(&quote @ (b'"' | b'\'')) => {
                let close = html[value_start + 1..].find(quote as char).map_or(html.len(), |i| i + value_start + 1);
                (value_start + 1..close, (close + 1).min(html.len()))
            }
            _ => {
                let close = html[value_start..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(html.len(), |i| i + value_start);
                (value_start..close, close)
            }
        };
        attributes.push(Attribute { name, value: Some(value), end });
        at = end;
    }
}

/// Where a local path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// The file or folder, its canonical path inside the content folder.
    Found(PathBuf),
    Missing,
    /// The path itself leaves the content folder (`../../etc/passwd`, `/etc/passwd`).
    Outside,
    /// The path is inside, but a symbolic link on it leads outside.
    LinkedOutside,
}

/// Finds `path` relative to `base`. Both `content_root` and `base` are
/// canonical. `..` is resolved lexically first, as a browser resolves a
/// relative URL; then the file system resolves symbolic links, and the
/// result must still lie inside the content folder.
pub fn locate(content_root: &Path, base: &Path, path: &str) -> Located {
    let lexical = normalize(&base.join(path));
    if !lexical.starts_with(content_root) {
        return Located::Outside;
    }
    match std::fs::canonicalize(&lexical) {
        Err(_) => Located::Missing,
        Ok(real) if !real.starts_with(content_root) => Located::LinkedOutside,
        Ok(real) => Located::Found(real),
    }
}

/// Resolves `.` and `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The canonical path, or the path as given when it cannot be resolved.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The name an image is published under: a hash of its bytes and its
/// extension (`3f2a….png`); `None` when it cannot be read.
pub fn hashed_name(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let hash: String = Sha256::digest(&bytes).iter().take(8).map(|b| format!("{b:02x}")).collect();
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy().to_lowercase())).unwrap_or_default();
    Some(format!("{hash}{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_classified_as_a_browser_reads_them() {
        assert_eq!(classify_url(" JavaScript:alert(1)"), UrlKind::Unsafe("javascript".into()));
        assert_eq!(classify_url("java\tscript:x"), UrlKind::Unsafe("javascript".into()));
        assert_eq!(classify_url("VBScript:x"), UrlKind::Unsafe("vbscript".into()));
        assert_eq!(classify_url("data:image/png;base64,AA"), UrlKind::Unsafe("data".into()));
        assert_eq!(classify_url("file:///etc/passwd"), UrlKind::Unsafe("file".into()));
        assert_eq!(classify_url("https://a/b.png?x"), UrlKind::Remote);
        assert_eq!(classify_url("mailto:a@b"), UrlKind::Remote);
        assert_eq!(classify_url("//cdn/b.png"), UrlKind::Remote);
        assert_eq!(classify_url("#part"), UrlKind::Anchor);
        assert_eq!(classify_url("images/001.jpg?raw=true"), UrlKind::Local("images/001.jpg".into()));
        assert_eq!(classify_url("a%20b.png#x"), UrlKind::Local("a b.png".into()));
        assert_eq!(classify_url("100%.png"), UrlKind::Local("100%.png".into()));
        assert_eq!(classify_url("C:/pics/a.png"), UrlKind::Local("C:/pics/a.png".into()));
    }

    #[test]
    fn html_urls_finds_img_src_and_a_href_only() {
        assert_eq!(decode_entities("a&amp;b&#39;c&#x27;&quot;&bogus;&"), "a&b'c'\"&bogus;&");

        let html = "<p><IMG alt=x SRC = 'sub/a&amp;b.png' src=\"second\"><!-- <img src=\"c.png\"> -->\
                    <a href=javascript:x>j</a><abbr src=\"no\"></abbr><img src=\"d.png\"/></p>";
        let urls = html_urls(html);
        let found: Vec<(bool, &str)> = urls.iter().map(|u| (u.image, u.url.as_str())).collect();
        assert_eq!(found, [(true, "sub/a&b.png"), (false, "javascript:x"), (true, "d.png")]);
        assert_eq!(&html[urls[0].attribute.clone()], "SRC = 'sub/a&amp;b.png'");
        assert_eq!(&html[urls[0].value.clone()], "sub/a&amp;b.png");
        assert_eq!(&html[urls[1].value.clone()], "javascript:x");
        assert!(html_urls("<img src=\"unterminated").len() == 1);
        assert!(html_urls("<img").is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_count_by_where_they_lead() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(content.join("real.png"), b"png").unwrap();
        std::fs::write(dir.path().join("outside.png"), b"secret").unwrap();
        std::os::unix::fs::symlink(content.join("real.png"), content.join("inside-link.png")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.png"), content.join("outside-link.png")).unwrap();
        let root = canonical(&content);
        assert!(matches!(locate(&root, &root, "inside-link.png"), Located::Found(_)));
        assert_eq!(locate(&root, &root, "outside-link.png"), Located::LinkedOutside);
        assert_eq!(locate(&root, &root, "../outside.png"), Located::Outside);
        assert_eq!(locate(&root, &root, "/etc/passwd"), Located::Outside);
        assert_eq!(locate(&root, &root, "none.png"), Located::Missing);
    }
}
