//! Images: resolved relative to their bank, refused when they leave the
//! content folder, and copied under content-hashed names so two
//! `diagram.png` in different folders never collide.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// Collects the images the rendered HTML refers to.
pub struct MediaResolver {
    content_root: PathBuf,
    /// Source file → name under `media/`.
    files: Mutex<BTreeMap<PathBuf, String>>,
}

impl MediaResolver {
    pub fn new(content_root: &Path) -> MediaResolver {
        let content_root = std::fs::canonicalize(content_root).unwrap_or_else(|_| content_root.to_path_buf());
        MediaResolver { content_root, files: Mutex::new(BTreeMap::new()) }
    }

    /// The site-relative URL (`media/<hash>.<ext>`) of a local image, or
    /// `None` for remote URLs, missing files and paths outside the content
    /// folder (validation reports those).
    pub fn resolve(&self, bank_dir: &Path, url: &str) -> Option<String> {
        if url.contains("://") || url.starts_with("data:") || url.is_empty() {
            return None;
        }
        let path = std::fs::canonicalize(bank_dir.join(url.split(['?', '#']).next()?)).ok()?;
        if !path.starts_with(&self.content_root) || !path.is_file() {
            return None;
        }
        let mut files = self.files.lock().expect("media lock");
        if let Some(name) = files.get(&path) {
            return Some(format!("media/{name}"));
        }
        let name = hashed_name(&path)?;
        files.insert(path, name.clone());
        Some(format!("media/{name}"))
    }

    /// (source path, file name under `media/`) of every image used.
    pub fn files(&self) -> Vec<(PathBuf, String)> {
        self.files.lock().expect("media lock").iter().map(|(p, n)| (p.clone(), n.clone())).collect()
    }
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
    fn images_get_hashed_names_and_cannot_leave_the_content_folder() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("a")).unwrap();
        std::fs::create_dir_all(content.join("b")).unwrap();
        std::fs::write(content.join("a/diagram.png"), b"one").unwrap();
        std::fs::write(content.join("b/diagram.png"), b"two").unwrap();
        std::fs::write(dir.path().join("secret.png"), b"s").unwrap();
        let media = MediaResolver::new(&content);
        let a = media.resolve(&content.join("a"), "diagram.png").unwrap();
        let b = media.resolve(&content.join("b"), "diagram.png").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("media/") && a.ends_with(".png"));
        assert_eq!(media.resolve(&content.join("a"), "../../secret.png"), None);
        assert_eq!(media.resolve(&content.join("a"), "https://x/y.png"), None);
        assert_eq!(media.files().len(), 2);
    }
}
