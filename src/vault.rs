//! Note-tool folders: an Obsidian vault or a Logseq graph used as the
//! content folder (or holding it).
//!
//! [`Vault::detect`] looks for the tool's settings folder in the content
//! folder and its ancestors (`.obsidian/`, `logseq/config.edn`) and reads
//! what changes how files are found: Obsidian's attachment folder
//! (`.obsidian/app.json`, `attachmentFolderPath`) and templates folder
//! (`.obsidian/templates.json`, or the Templater plugin's). In a vault,
//! discovery skips the templates folder and Logseq's `logseq/` folder
//! (backups, version files), and a note is read for its cards only: prose
//! around them is not a question ([`crate::parse`]). [`VaultNote`] finds
//! the files a note's `![[embeds]]` name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::media::{locate, Located};

/// Which note tool's folder the content is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultKind {
    Obsidian,
    Logseq,
}

/// A vault found around the content folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vault {
    pub kind: VaultKind,
    /// The folder holding `.obsidian/` or `logseq/`.
    pub root: PathBuf,
    /// Obsidian's `attachmentFolderPath`, as written: `/` (the vault root),
    /// `./` or `./sub` (beside the note), `folder` (under the root).
    /// `None` when not set (Obsidian's default: the vault root).
    pub attachment_folder: Option<String>,
    /// Folders whose notes are never read (templates, Logseq's own folder).
    pub skipped: Vec<PathBuf>,
    /// The Obsidian_to_Anki plugin's settings, when it is installed.
    pub obsidian_to_anki: ObsidianToAnkiSettings,
}

/// The Obsidian_to_Anki settings that change what its notes say (from
/// `.obsidian/plugins/obsidian-to-anki-plugin/data.json`, `Defaults`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObsidianToAnkiSettings {
    /// `CurlyCloze`: `{text}`, `{2:text}` are deletions in Cloze notes.
    /// Default: false.
    pub curly_cloze: bool,
    /// `CurlyCloze - Highlights to Clozes`: `==text==` is one too.
    /// Default: false.
    pub highlights_to_cloze: bool,
}

/// How far up from the content folder a vault's settings folder is looked
/// for: a vault's subfolder used as content is rarely deeper than this.
const MAX_DEPTH: usize = 8;

impl Vault {
    /// The vault the content folder is in, if any.
    pub fn detect(content_dir: &Path) -> Option<Vault> {
        let start = std::fs::canonicalize(content_dir).ok()?;
        start.ancestors().take(MAX_DEPTH).find_map(Vault::at)
    }

    fn at(root: &Path) -> Option<Vault> {
        if root.join(".obsidian").is_dir() {
            return Some(Vault::obsidian(root));
        }
        if root.join("logseq").join("config.edn").is_file() {
            return Some(Vault {
                kind: VaultKind::Logseq,
                root: root.to_path_buf(),
                attachment_folder: None,
                skipped: vec![root.join("logseq")],
                obsidian_to_anki: ObsidianToAnkiSettings::default(),
            });
        }
        None
    }

    fn obsidian(root: &Path) -> Vault {
        let settings = root.join(".obsidian");
        let read = |file: &str, key: &str| json_string(&settings.join(file), key);
        let templates = read("templates.json", "folder")
            .or_else(|| read("plugins/templater-obsidian/data.json", "templates_folder"))
            .map(|folder| vec![root.join(folder.trim_matches('/'))])
            .unwrap_or_else(|| vec![root.join("Templates"), root.join("templates")]);
        Vault {
            kind: VaultKind::Obsidian,
            root: root.to_path_buf(),
            attachment_folder: read("app.json", "attachmentFolderPath"),
            skipped: templates.into_iter().filter(|p| p != root).collect(),
            obsidian_to_anki: obsidian_to_anki_settings(&settings),
        }
    }

    /// True when discovery must not read `path` (a file or folder).
    pub fn skips(&self, path: &Path) -> bool {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.skipped.iter().any(|folder| path.starts_with(folder))
    }

    /// Where `![[name]]` in `note` is looked for, in order: the attachment
    /// folder, the note's own folder, then (by the caller) the whole vault.
    pub fn attachment_dirs(&self, note: &Path) -> Vec<PathBuf> {
        let note_dir = note.parent().unwrap_or(&self.root).to_path_buf();
        let configured = match self.attachment_folder.as_deref().map(str::trim) {
            None | Some("" | "/") => self.root.clone(),
            Some(beside) if beside == "." || beside.starts_with("./") => note_dir.join(beside.trim_start_matches("./")),
            Some(folder) => self.root.join(folder.trim_matches('/')),
        };
        if configured == note_dir {
            vec![note_dir]
        } else {
            vec![configured, note_dir]
        }
    }
}

fn obsidian_to_anki_settings(settings: &Path) -> ObsidianToAnkiSettings {
    let data = json_file(&settings.join("plugins/obsidian-to-anki-plugin/data.json"));
    let defaults = data.as_ref().and_then(|d| d.pointer("/settings/Defaults"));
    let flag = |key: &str| defaults.and_then(|d| d.get(key)).and_then(serde_json::Value::as_bool).unwrap_or(false);
    ObsidianToAnkiSettings {
        curly_cloze: flag("CurlyCloze"),
        highlights_to_cloze: flag("CurlyCloze - Highlights to Clozes"),
    }
}

fn json_file(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// Extensions Obsidian shows as images when embedded (`![[x.png]]`).
const IMAGE_EXTENSIONS: [&str; 8] = ["avif", "bmp", "gif", "jpeg", "jpg", "png", "svg", "webp"];

/// True when `![[target]]` embeds an image (rather than a note or a PDF).
pub fn is_image(target: &str) -> bool {
    Path::new(target).extension().is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|i| e.eq_ignore_ascii_case(i)))
}

/// One note of a vault: finds the files its `![[embeds]]` name, as
/// Obsidian does: in the attachment folder, beside the note, at that path
/// from the vault root, then anywhere in the vault by name. A file must
/// stay inside the vault, also through symbolic links ([`locate`]).
pub struct VaultNote<'a> {
    vault: &'a Vault,
    note: PathBuf,
    /// Lower-case file name → the vault's files of that name, in path
    /// order; listed the first time a name is not found in the folders.
    by_name: OnceLock<BTreeMap<String, Vec<PathBuf>>>,
}

impl Vault {
    /// `note` is the Markdown file whose embeds are looked up.
    pub fn note(&self, note: &Path) -> VaultNote<'_> {
        let note = std::fs::canonicalize(note).unwrap_or_else(|_| note.to_path_buf());
        VaultNote { vault: self, note, by_name: OnceLock::new() }
    }
}

impl VaultNote<'_> {
    /// Where `name` (`img.png`, `sub/img.png`) leads: the first place it is
    /// found, else why the first place that named it was refused.
    pub fn locate(&self, name: &str) -> Located {
        let root = &self.vault.root;
        let mut dirs = self.vault.attachment_dirs(&self.note);
        dirs.push(root.clone());
        let mut refused = None;
        for dir in &dirs {
            match locate(root, dir, name) {
                Located::Found(file) if file.is_file() => return Located::Found(file),
                Located::Found(_) | Located::Missing => {}
                other => refused = refused.or(Some(other)),
            }
        }
        let wanted: Vec<String> = name.split('/').filter(|c| !c.is_empty()).map(str::to_lowercase).collect();
        let Some(file_name) = wanted.last() else { return Located::Missing };
        let candidates = self.by_name().get(file_name).into_iter().flatten();
        let found = candidates.filter(|path| ends_with(path, &wanted)).find_map(|path| {
            let relative = path.strip_prefix(root).ok()?.to_string_lossy().into_owned();
            match locate(root, root, &relative) {
                Located::Found(file) if file.is_file() => Some(Located::Found(file)),
                _ => None,
            }
        });
        found.or(refused).unwrap_or(Located::Missing)
    }

    fn by_name(&self) -> &BTreeMap<String, Vec<PathBuf>> {
        self.by_name.get_or_init(|| {
            let mut by_name: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
            let walker = walkdir::WalkDir::new(&self.vault.root).sort_by_file_name().into_iter();
            let visible = |e: &walkdir::DirEntry| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.');
            for entry in walker.filter_entry(visible).flatten().filter(|e| e.file_type().is_file()) {
                let name = entry.file_name().to_string_lossy().to_lowercase();
                by_name.entry(name).or_default().push(entry.into_path());
            }
            by_name
        })
    }
}

/// True when `path` ends with the lower-case components `wanted`.
fn ends_with(path: &Path, wanted: &[String]) -> bool {
    let components: Vec<String> = path.components().map(|c| c.as_os_str().to_string_lossy().to_lowercase()).collect();
    components.ends_with(wanted)
}

/// A top-level string value of a small JSON settings file.
fn json_string(path: &Path, key: &str) -> Option<String> {
    json_file(path)?.get(key)?.as_str().map(str::to_string).filter(|s| !s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn obsidian_settings_are_read_from_an_ancestor() {
        let dir = vault_with(&[
            (".obsidian/app.json", r#"{"attachmentFolderPath": "assets/img"}"#),
            (".obsidian/templates.json", r#"{"folder": "Meta/Templates"}"#),
            ("Sub/note.md", "x"),
        ]);
        let vault = Vault::detect(&dir.path().join("Sub")).expect("vault");
        let root = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(vault.kind, VaultKind::Obsidian);
        assert_eq!(vault.root, root);
        assert_eq!(vault.skipped, vec![root.join("Meta/Templates")]);
        assert_eq!(vault.attachment_dirs(&root.join("Sub/note.md")), vec![root.join("assets/img"), root.join("Sub")]);
    }

    #[test]
    fn attachments_beside_the_note_and_default_templates() {
        let plugin = r#"{"settings": {"Defaults": {"CurlyCloze": true}}}"#;
        let dir = vault_with(&[
            (".obsidian/app.json", r#"{"attachmentFolderPath": "./att"}"#),
            (".obsidian/plugins/obsidian-to-anki-plugin/data.json", plugin),
            ("a.md", "x"),
        ]);
        let vault = Vault::detect(dir.path()).unwrap();
        let expected = ObsidianToAnkiSettings { curly_cloze: true, highlights_to_cloze: false };
        assert_eq!(vault.obsidian_to_anki, expected);
        let root = vault.root.clone();
        assert_eq!(vault.attachment_dirs(&root.join("n/a.md")), vec![root.join("n/att"), root.join("n")]);
        assert!(vault.skips(&root.join("Templates/daily.md")));
        assert!(!vault.skips(&root.join("Notes/daily.md")));
    }

    #[test]
    fn logseq_graph_skips_its_own_folder_and_plain_folders_are_no_vault() {
        let dir = vault_with(&[("logseq/config.edn", "{}"), ("pages/a.md", "- x")]);
        let vault = Vault::detect(&dir.path().join("pages")).unwrap();
        assert_eq!(vault.kind, VaultKind::Logseq);
        assert!(vault.skips(&vault.root.join("logseq/bak/pages/a.md")));
        let plain = vault_with(&[("notes/a.md", "x")]);
        assert_eq!(Vault::detect(&plain.path().join("notes")), None);
    }
}
