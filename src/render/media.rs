//! The images of rendered HTML: [`MediaResolver::rewrite_images`] points
//! every `<img>` of sanitized HTML at its content-hashed copy under
//! `media/`, or removes its `src` (what [`crate::media`] says of its URL
//! decides which), and remembers the files the outputs copy.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::media::{canonical, classify_url, hashed_name, html_urls, locate, HtmlUrl, Located, UrlKind};

/// What the outputs do with an image's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// Left as written: remote, or nothing to look up.
    Keep,
    /// The copy under `media/` (`media/<hash>.<ext>`).
    Media(String),
    /// Removed: an unsafe scheme, or a local file that is missing or
    /// outside the content folder. Nothing outside it is read.
    Drop,
}

/// Collects the images the rendered HTML refers to.
pub struct MediaResolver {
    content_root: PathBuf,
    /// Source file → name under `media/`.
    files: Mutex<BTreeMap<PathBuf, String>>,
}

impl MediaResolver {
    pub fn new(content_root: &Path) -> MediaResolver {
        MediaResolver { content_root: canonical(content_root), files: Mutex::new(BTreeMap::new()) }
    }

    /// What becomes of the image `url` of a bank in `bank_dir`; a local
    /// image inside the content folder is recorded for copying.
    pub fn resolve(&self, bank_dir: &Path, url: &str) -> ImageSource {
        let path = match classify_url(url) {
            UrlKind::Anchor | UrlKind::Remote => return ImageSource::Keep,
            UrlKind::Unsafe(_) => return ImageSource::Drop,
            UrlKind::Local(path) => path,
        };
        let Located::Found(file) = locate(&self.content_root, &canonical(bank_dir), &path) else {
            return ImageSource::Drop;
        };
        if !file.is_file() {
            return ImageSource::Drop;
        }
        self.publish(file).map_or(ImageSource::Drop, ImageSource::Media)
    }

    /// Records `file` (found and checked by the caller) for copying and
    /// returns its URL under `media/`; `None` when it cannot be read.
    pub fn publish(&self, file: PathBuf) -> Option<String> {
        let mut files = self.files.lock().expect("media lock");
        if let Some(name) = files.get(&file) {
            return Some(format!("media/{name}"));
        }
        let name = hashed_name(&file)?;
        files.insert(file, name.clone());
        Some(format!("media/{name}"))
    }

    /// Points every `<img src>` of sanitized HTML at its copy under
    /// `media/`, or removes the `src` (the `alt` text stays). Markdown
    /// images and raw HTML `<img>` both arrive here as HTML.
    pub fn rewrite_images(&self, html: String, bank_dir: &Path) -> String {
        let images: Vec<HtmlUrl> =
            if html.contains("<img") { html_urls(&html).into_iter().filter(|u| u.image).collect() } else { Vec::new() };
        if images.is_empty() {
            return html;
        }
        let mut out = String::with_capacity(html.len());
        let mut done = 0;
        for image in images {
            let replacement = match self.resolve(bank_dir, &image.url) {
                ImageSource::Keep => continue,
                ImageSource::Media(url) => format!("src=\"{url}\""),
                ImageSource::Drop => String::new(),
            };
            // Removing the attribute takes the space before it along.
            let start = if replacement.is_empty() && html[..image.attribute.start].ends_with(' ') {
                image.attribute.start - 1
            } else {
                image.attribute.start
            };
            out.push_str(&html[done..start]);
            out.push_str(&replacement);
            done = image.attribute.end;
        }
        out.push_str(&html[done..]);
        out
    }

    /// (source path, file name under `media/`) of every image used.
    pub fn files(&self) -> Vec<(PathBuf, String)> {
        self.files.lock().expect("media lock").iter().map(|(p, n)| (p.clone(), n.clone())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_get_hashed_names_and_cannot_leave_the_content_folder() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("a")).unwrap();
        std::fs::create_dir_all(content.join("b")).unwrap();
        std::fs::write(content.join("a/diagram.png"), b"one").unwrap();
        std::fs::write(content.join("b/diagram.png"), b"two").unwrap();
        std::fs::write(dir.path().join("secret.png"), b"s").unwrap();
        let media = MediaResolver::new(&content);
        let ImageSource::Media(a) = media.resolve(&content.join("a"), "diagram.png") else { panic!() };
        let ImageSource::Media(b) = media.resolve(&content.join("b"), "diagram.png") else { panic!() };
        assert_ne!(a, b);
        assert!(a.starts_with("media/") && a.ends_with(".png"));
        assert_eq!(media.resolve(&content.join("a"), "../../secret.png"), ImageSource::Drop);
        assert_eq!(media.resolve(&content.join("a"), "https://x/y.png"), ImageSource::Keep);
        assert_eq!(media.resolve(&content.join("a"), "file:///etc/passwd"), ImageSource::Drop);
        assert_eq!(media.resolve(&content.join("a"), "diagram.png?raw=true#top"), ImageSource::Media(a));
        assert_eq!(media.files().len(), 2);
    }

    #[test]
    fn rewrite_points_at_copies_and_removes_what_it_cannot_show() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("sub")).unwrap();
        std::fs::write(content.join("sub/real.png"), b"png").unwrap();
        std::fs::write(dir.path().join("outside.png"), b"secret").unwrap();
        let media = MediaResolver::new(&content);
        let html = "<img src=\"sub/real.png\" alt=\"r\"> <img src=\"../outside.png\" alt=\"o\"> \
                    <img src=\"https://x/y.png\"> <img src=\"sub/nothing.png\" alt=\"n\">";
        let out = media.rewrite_images(html.to_string(), &content);
        let name = hashed_name(&content.join("sub/real.png")).unwrap();
        assert_eq!(
            out,
            format!(
                "<img src=\"media/{name}\" alt=\"r\"> <img alt=\"o\"> <img src=\"https://x/y.png\"> <img alt=\"n\">"
            )
        );
        assert_eq!(media.files().len(), 1);
    }
}
