//! Loading: the project's configuration and its Markdown files, found in
//! a stable order. Files that are not UTF-8 are read lossily and reported,
//! so the rest of the file still compiles.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::config::{load_config, Config};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceFile;
use crate::vault::Vault;

/// A project: its root, configuration and the config file's diagnostics.
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    pub config_file: Option<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// The Obsidian vault or Logseq graph the content folder is in.
    pub vault: Option<Vault>,
}

impl Project {
    pub fn load(root: &Path) -> Result<Project> {
        let (config, config_file, diagnostics) = load_config(root)
            .with_context(|| format!("cannot read {}", root.join(crate::config::CONFIG_FILE).display()))?;
        let vault = Vault::detect(&root.join(&config.content_dir));
        Ok(Project { root: root.to_path_buf(), config, config_file, diagnostics, vault })
    }

    /// The content folder (`content_dir = "."` is the root itself, not
    /// `root/.`, so paths read as written).
    pub fn content_dir(&self) -> PathBuf {
        let relative: PathBuf =
            self.config.content_dir.components().filter(|c| *c != std::path::Component::CurDir).collect();
        self.root.join(relative)
    }

    /// Where to look for banks: `paths`, or the content folder when empty.
    pub fn bank_roots(&self, paths: &[PathBuf]) -> Vec<PathBuf> {
        if paths.is_empty() {
            vec![self.content_dir()]
        } else {
            paths.to_vec()
        }
    }
}

/// The Markdown files under each path (a file or a folder), sorted by
/// path, without duplicates, and what discovery has to say about the
/// files it skipped. Hidden files and folders are skipped. Symbolic links
/// are not followed: one that leads to a place inside the folder searched
/// is an alias of files read under their own path, and one that leads out
/// of it (`notes.md -> /etc/passwd`) or nowhere is skipped with a
/// `skipped-link` warning: a bank cloned from somewhere else must not
/// publish files from elsewhere on the disk. In a vault, the folders it
/// names as not notes (templates, Logseq's own) are skipped too, and so is
/// the output folder, wherever it is (a vault used whole as the content
/// folder holds it).
pub fn discover_banks(
    paths: &[PathBuf],
    vault: Option<&Vault>,
    output: Option<&Path>,
) -> Result<(Vec<PathBuf>, Vec<Diagnostic>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let not_notes = NotNotes { vault, output: output.and_then(|o| std::fs::canonicalize(o).ok()) };
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
        } else if path.is_dir() {
            discover_in(path, &not_notes, &mut files, &mut skipped)?;
        } else {
            bail!("{}: no such file or folder", path.display());
        }
    }
    files.sort();
    files.dedup();
    Ok((files, skipped))
}

/// Folders under the content folder that hold no notes.
struct NotNotes<'a> {
    vault: Option<&'a Vault>,
    /// Canonical; `None` before the first build (or when there is none).
    output: Option<PathBuf>,
}

impl NotNotes<'_> {
    fn skips(&self, entry: &walkdir::DirEntry) -> bool {
        let is_output = || {
            let output = self.output.as_deref();
            entry.file_type().is_dir()
                && output.is_some_and(|o| std::fs::canonicalize(entry.path()).is_ok_and(|p| p == o))
        };
        is_hidden(entry.file_name()) || self.vault.is_some_and(|v| v.skips(entry.path())) || is_output()
    }
}

fn discover_in(
    folder: &Path,
    not_notes: &NotNotes,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<Diagnostic>,
) -> Result<()> {
    let root = std::fs::canonicalize(folder).with_context(|| format!("cannot read {}", folder.display()))?;
    let walker = walkdir::WalkDir::new(folder).sort_by_file_name().into_iter();
    let read = |e: &walkdir::DirEntry| e.depth() == 0 || !not_notes.skips(e);
    for entry in walker.filter_entry(read) {
        let entry = entry.with_context(|| format!("cannot list {}", folder.display()))?;
        if entry.path_is_symlink() {
            // A link to an image is the image checks' business (`missing-image`
            // when a bank uses it); only links that could be a bank or a
            // folder are reported here.
            let extension = entry.path().extension();
            let is_folder = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
            if !is_folder && extension.is_some_and(|e| e != "md") {
                continue;
            }
            match std::fs::canonicalize(entry.path()) {
                Ok(target) if target.starts_with(&root) => {}
                Ok(target) => skipped.push(skipped_link(
                    entry.path(),
                    &format!("it leads out of {} to {}", folder.display(), target.display()),
                )),
                Err(err) => skipped.push(skipped_link(entry.path(), &format!("it cannot be followed ({err})"))),
            }
        } else if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            files.push(entry.into_path());
        }
    }
    Ok(())
}

fn skipped_link(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::about_file(Code::SkippedLink, path, format!("symbolic link skipped: {why}"))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// A bank file as read from disk.
pub struct LoadedBank {
    pub file: SourceFile,
    /// `invalid-utf8` when the bytes were not UTF-8 (the text is lossy).
    pub utf8_problem: Option<Diagnostic>,
    /// Hash of the file's bytes: what [`crate::fingerprint`] compares.
    pub hash: String,
}

/// The banks found under some roots, and the links discovery skipped.
pub struct Loaded {
    pub banks: Vec<LoadedBank>,
    pub skipped: Vec<Diagnostic>,
}

/// Reads the banks under `roots` in parallel, in path order (see
/// [`discover_banks`] for what is skipped).
pub fn load_banks(roots: &[PathBuf], vault: Option<&Vault>, output: Option<&Path>) -> Result<Loaded> {
    use rayon::prelude::*;
    let (paths, skipped) = discover_banks(roots, vault, output)?;
    let banks = paths.par_iter().map(|path| read_bank(path)).collect::<Result<_>>()?;
    Ok(Loaded { banks, skipped })
}

/// Reads one bank. Invalid UTF-8 is replaced and reported (`invalid-utf8`).
fn read_bank(path: &Path) -> Result<LoadedBank> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let hash = crate::hash::hash_bytes(&bytes);
    match String::from_utf8(bytes) {
        Ok(text) => Ok(LoadedBank { file: SourceFile::new(path, text), utf8_problem: None, hash }),
        Err(err) => {
            let valid_up_to = err.utf8_error().valid_up_to();
            let file = SourceFile::new(path, String::from_utf8_lossy(err.as_bytes()).into_owned());
            let span = file.span(valid_up_to..valid_up_to + '\u{fffd}'.len_utf8());
            let diagnostic = Diagnostic::new(
                Code::InvalidUtf8,
                &file,
                Some(span),
                "file is not valid UTF-8; invalid bytes were replaced with �",
            );
            Ok(LoadedBank { file, utf8_problem: Some(diagnostic), hash })
        }
    }
}

/// The folder a bank's images and links must stay in: the content folder
/// when the bank is inside it, else the bank's own folder.
pub fn content_root_of(path: &Path, content_dir: &Path) -> PathBuf {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (file, content) = (canonical(path), canonical(content_dir));
    if file.starts_with(&content) {
        content
    } else {
        file.parent().map_or(content, Path::to_path_buf)
    }
}

/// The default bank id: the path under the content folder without its
/// extension, slugified (`tour/marker.md` → `tour-marker`).
pub fn default_bank_id(path: &Path, content_dir: &Path) -> String {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (file, content) = (canonical(path), canonical(content_dir));
    let relative = file.strip_prefix(&content).ok().or_else(|| path.file_name().map(Path::new)).unwrap_or(path);
    crate::parse::slugify(&relative.with_extension("").to_string_lossy())
}
