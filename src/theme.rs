//! Themes: the default theme is embedded in the binary, so studymark works
//! from any folder; `theme = "path"` in studymark.toml overrides it file by
//! file (a file in the user theme replaces the default one with the same
//! relative path).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

static DEFAULT_THEME: Dir = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub struct Theme {
    user: Option<PathBuf>,
}

impl Theme {
    pub fn new(user: Option<PathBuf>) -> Theme {
        Theme { user }
    }

    /// The file at `path` (relative to the theme root), user theme first.
    pub fn file(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        if let Some(bytes) = self.user.as_ref().and_then(|root| std::fs::read(root.join(path)).ok()) {
            return Some(Cow::Owned(bytes));
        }
        DEFAULT_THEME.get_file(path).map(|f| Cow::Borrowed(f.contents()))
    }

    /// Every file under `dir`, by path relative to the theme root, with
    /// user files replacing default ones.
    pub fn files_under(&self, dir: &str) -> BTreeMap<String, Cow<'static, [u8]>> {
        let mut files = BTreeMap::new();
        if let Some(embedded) = DEFAULT_THEME.get_dir(dir) {
            collect_embedded(embedded, &mut files);
        }
        if let Some(root) = &self.user {
            for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().filter_map(Result::ok) {
                if let (true, Ok(relative)) = (entry.file_type().is_file(), entry.path().strip_prefix(root)) {
                    if let Ok(bytes) = std::fs::read(entry.path()) {
                        files.insert(to_slash(relative), Cow::Owned(bytes));
                    }
                }
            }
        }
        files
    }
}

fn collect_embedded(dir: &'static Dir, files: &mut BTreeMap<String, Cow<'static, [u8]>>) {
    for file in dir.files() {
        files.insert(to_slash(file.path()), Cow::Borrowed(file.contents()));
    }
    for sub in dir.dirs() {
        collect_embedded(sub, files);
    }
}

fn to_slash(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_files_override_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("static/style.css"), b"body{}").unwrap();
        let theme = Theme::new(Some(dir.path().to_path_buf()));
        assert_eq!(theme.file("static/style.css").unwrap().as_ref(), b"body{}");
        let default = Theme::new(None);
        assert_ne!(default.file("static/style.css").unwrap().as_ref(), b"body{}");
        let files = theme.files_under("static");
        assert_eq!(files["static/style.css"].as_ref(), b"body{}");
        assert!(files.contains_key("static/site.js"), "{:?}", files.keys());
    }
}
