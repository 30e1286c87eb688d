//! Fingerprints: what the last successful build was made from, so the
//! next one does only what changed.
//!
//! In order:
//! 1. every bank file is hashed as it is read ([`crate::load`]), and so are
//!    the inputs every bank shares ([`shared_key`]: studymark itself, the
//!    configuration, the user theme), the output's options ([`output_key`])
//!    and `studymark.lock`;
//! 2. [`Fingerprints::known`]: a bank whose bytes, images and shared inputs
//!    are unchanged is not validated again; its diagnostics are replayed;
//! 3. [`Fingerprints::up_to_date`]: when every bank of every selected
//!    output is unchanged, the lock is the one the output was built with
//!    and every file the last build wrote is still there, the build stops
//!    before parsing anything;
//! 4. otherwise, after parsing, [`Fingerprints::clean_files`] says per
//!    output which banks are clean (same source, same entries in the lock,
//!    files still there): they are neither rendered nor emitted, their
//!    files are carried into the new output by hard link. Comparing each
//!    bank's lock entries, not the whole lock, keeps a `build --site` (or
//!    `serve`) that changed the lock for one bank from making the other
//!    outputs rebuild every bank;
//! 5. a successful build writes the new fingerprints
//!    (`output/.cache/fingerprints.json`). A failed build leaves them, like
//!    the output, as they were.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::hash::hash_parts;
use crate::load::{LoadedBank, Project};
use crate::media::hashed_name;
use crate::Checked;

/// Where fingerprints live, relative to the output folder.
pub const FINGERPRINTS_FILE: &str = ".cache/fingerprints.json";

/// Bumped when the file's meaning changes; an older file is ignored.
/// 2: file hashes are SHA-256 ([`crate::hash`]), no longer BLAKE3.
const FORMAT: u32 = 2;

/// What every bank's outputs depend on besides the bank: studymark itself
/// (its version, and the executable's size and time, so a rebuilt binary
/// with a changed template or emitter never reuses old output), the
/// configuration file and every file of the user theme.
pub fn shared_key(project: &Project) -> String {
    let exe = std::env::current_exe().and_then(std::fs::metadata).ok();
    let modified = exe.as_ref().and_then(|m| m.modified().ok()).and_then(|t| t.duration_since(UNIX_EPOCH).ok());
    let identity = format!(
        "{FORMAT} studymark {} {:?} {:?}",
        env!("CARGO_PKG_VERSION"),
        exe.as_ref().map(std::fs::Metadata::len),
        modified
    );
    let config = project.config_file.as_ref().map(|f| f.text.as_bytes()).unwrap_or_default();
    let mut parts =
        vec![identity.into_bytes(), config.to_vec(), project.content_dir().to_string_lossy().as_bytes().to_vec()];
    if let Some(theme) = &project.config.theme {
        let root = project.root.join(theme);
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name().into_iter().filter_map(Result::ok) {
            if entry.file_type().is_file() {
                parts.push(entry.path().to_string_lossy().as_bytes().to_vec());
                parts.push(std::fs::read(entry.path()).unwrap_or_default());
            }
        }
    }
    hash_parts(parts.iter().map(Vec::as_slice))
}

/// What one output's files depend on besides the banks and the lock: the
/// shared inputs and the output's options.
pub fn output_key(shared: &str, output: &str, options: &str) -> String {
    hash_parts([shared.as_bytes(), output.as_bytes(), options.as_bytes()])
}

/// A bank as this build sees it.
pub struct BankState<'a> {
    pub id: &'a str,
    /// The hash of its file.
    pub source: &'a str,
    /// The hash of its entries in the lock (ids, change times).
    pub lock: &'a str,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Fingerprints {
    format: u32,
    /// [`shared_key`] of the build that checked the sources.
    shared: String,
    /// Per bank file (as displayed): what it was and what checking found.
    sources: BTreeMap<PathBuf, SourceRecord>,
    /// Per output folder name (`site`, `anki`, `print`).
    outputs: BTreeMap<String, OutputRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceRecord {
    hash: String,
    /// The bank id the file had.
    bank: String,
    /// Images the bank showed: source file → content-hashed name.
    images: BTreeMap<PathBuf, String>,
    checked: Checked,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OutputRecord {
    /// [`output_key`] when it was written.
    key: String,
    /// The hash of `studymark.lock` as that build left it.
    lock: String,
    /// What every bank's files depended on in this output (for the site,
    /// the list of banks every page gets).
    layout: String,
    /// Files that belong to no bank (index, stylesheets, fonts), relative
    /// to the output's folder.
    shared_files: Vec<String>,
    /// Per bank id: what it was made from and the files it wrote.
    banks: BTreeMap<String, BankRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BankRecord {
    /// [`BankState::source`] and [`BankState::lock`] when it was written.
    source: String,
    lock: String,
    files: Vec<String>,
}

impl Fingerprints {
    /// The fingerprints of the last successful build into `out`; empty
    /// when there are none or they cannot be read (that only costs time).
    pub fn read(out: &Path) -> Fingerprints {
        let read = std::fs::read(out.join(FINGERPRINTS_FILE)).ok();
        let fingerprints: Option<Fingerprints> = read.and_then(|bytes| serde_json::from_slice(&bytes).ok());
        fingerprints.filter(|f| f.format == FORMAT).unwrap_or_default()
    }

    /// What checking found last time, when the bank and its images are
    /// unchanged and it was checked with the same shared inputs.
    pub fn known(&self, shared: &str, bank: &LoadedBank) -> Option<&SourceRecord> {
        let record = self.sources.get(&bank.file.path)?;
        let unchanged = self.shared == shared
            && record.hash == bank.hash
            && record.images.iter().all(|(path, name)| hashed_name(path).as_deref() == Some(name.as_str()));
        unchanged.then_some(record)
    }

    /// The files to carry over for a clean bank of `output` (one whose
    /// source, output key and layout are unchanged and whose files are all
    /// still in `folder`), or `None` when the bank must be emitted.
    pub fn clean_files(
        &self,
        output: &str,
        key: &str,
        layout: &str,
        bank: &BankState,
        folder: &Path,
    ) -> Option<&[String]> {
        let record = self.outputs.get(output).filter(|r| r.key == key && r.layout == layout)?;
        let bank = record.banks.get(bank.id).filter(|b| b.source == bank.source && b.lock == bank.lock)?;
        bank.files.iter().all(|file| folder.join(file).is_file()).then_some(bank.files.as_slice())
    }

    /// Every bank's replayed results when nothing needs doing: every bank
    /// is known, and every selected output (name, key) was built with the
    /// lock whose hash is `lock` and has exactly these banks, unchanged,
    /// with all its files in `out/<name>/`.
    pub fn up_to_date(
        &self,
        known: &[Option<&SourceRecord>],
        banks: &[LoadedBank],
        outputs: &[(&str, String)],
        lock: &str,
        out: &Path,
    ) -> Option<Vec<Checked>> {
        let records: Vec<&SourceRecord> = known.iter().copied().collect::<Option<_>>()?;
        for (name, key) in outputs {
            let record = self.outputs.get(*name).filter(|r| &r.key == key && r.lock == lock)?;
            if record.banks.len() != banks.len() {
                return None;
            }
            let folder = out.join(name);
            if !record.shared_files.iter().all(|file| folder.join(file).is_file()) {
                return None;
            }
            for (source, loaded) in records.iter().zip(banks) {
                let bank = record.banks.get(&source.bank).filter(|b| b.source == loaded.hash)?;
                if !bank.files.iter().all(|file| folder.join(file).is_file()) {
                    return None;
                }
            }
        }
        Some(records.into_iter().map(|r| r.checked.clone()).collect())
    }

    /// The fingerprints of a build that just succeeded: `sources` are the
    /// banks it saw, `written` the outputs it wrote (outputs it did not
    /// build keep their old record).
    pub fn after_build(
        &self,
        shared: &str,
        sources: Vec<(PathBuf, SourceRecord)>,
        written: Vec<(String, OutputRecord)>,
    ) -> Fingerprints {
        let mut outputs = self.outputs.clone();
        outputs.extend(written);
        Fingerprints { format: FORMAT, shared: shared.to_string(), sources: sources.into_iter().collect(), outputs }
    }

    /// Writes the fingerprints into `out` through a temporary file.
    pub fn write(&self, out: &Path) -> Result<()> {
        let path = out.join(FINGERPRINTS_FILE);
        let temporary = path.with_extension("json.tmp");
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&temporary, serde_json::to_vec(self)?)
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        std::fs::rename(&temporary, &path).with_context(|| format!("cannot write {}", path.display()))
    }
}

impl SourceRecord {
    pub fn new(hash: &str, bank: &str, images: BTreeMap<PathBuf, String>, checked: Checked) -> SourceRecord {
        SourceRecord { hash: hash.to_string(), bank: bank.to_string(), images, checked }
    }

    pub fn checked(&self) -> &Checked {
        &self.checked
    }

    pub fn images(&self) -> &BTreeMap<PathBuf, String> {
        &self.images
    }
}

impl OutputRecord {
    pub fn new(
        key: &str,
        lock: &str,
        layout: &str,
        shared_files: Vec<String>,
        banks: HashMap<String, BankRecord>,
    ) -> OutputRecord {
        OutputRecord {
            key: key.to_string(),
            lock: lock.to_string(),
            layout: layout.to_string(),
            shared_files,
            banks: banks.into_iter().collect(),
        }
    }
}

impl BankRecord {
    pub fn new(bank: &BankState, files: Vec<String>) -> BankRecord {
        BankRecord { source: bank.source.to_string(), lock: bank.lock.to_string(), files }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn loaded(path: &Path, text: &str) -> LoadedBank {
        LoadedBank {
            file: SourceFile::new(path, text.to_string()),
            utf8_problem: None,
            hash: crate::hash::hash_bytes(text.as_bytes()),
        }
    }

    #[test]
    fn keys_are_length_prefixed_and_missing_or_corrupt_files_read_empty() {
        assert_ne!(output_key("s", "site", ""), output_key("s", "anki", ""));
        let dir = tempfile::tempdir().unwrap();
        assert!(Fingerprints::read(dir.path()).sources.is_empty());
        std::fs::create_dir_all(dir.path().join(".cache")).unwrap();
        std::fs::write(dir.path().join(FINGERPRINTS_FILE), b"{ not json").unwrap();
        assert!(Fingerprints::read(dir.path()).outputs.is_empty());
    }

    #[test]
    fn a_bank_is_known_only_with_the_same_bytes_images_and_shared_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let (bank_path, image) = (dir.path().join("a.md"), dir.path().join("d.png"));
        std::fs::write(&image, b"one").unwrap();
        let images = BTreeMap::from([(image.clone(), hashed_name(&image).unwrap())]);
        let bank = loaded(&bank_path, "? Q?\n\nA.\n");
        let record = SourceRecord::new(&bank.hash, "a", images, Checked::default());
        let fingerprints = Fingerprints::default().after_build("shared", vec![(bank_path.clone(), record)], Vec::new());
        assert!(fingerprints.known("shared", &bank).is_some());
        assert!(fingerprints.known("other config", &bank).is_none());
        assert!(fingerprints.known("shared", &loaded(&bank_path, "? Q?\n\nB.\n")).is_none());
        std::fs::write(&image, b"two").unwrap();
        assert!(fingerprints.known("shared", &bank).is_none(), "the image changed");
    }

    #[test]
    fn a_bank_is_clean_only_while_its_files_are_there() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), b"page").unwrap();
        let state = |source, lock| BankState { id: "a", source, lock };
        let banks = HashMap::from([("a".to_string(), BankRecord::new(&state("h", "l"), vec!["a.html".into()]))]);
        let output = OutputRecord::new("key", "lock", "layout", Vec::new(), banks);
        let fingerprints = Fingerprints::default().after_build("shared", Vec::new(), vec![("site".into(), output)]);
        let clean = |key, layout, source| {
            fingerprints.clean_files("site", key, layout, &state(source, "l"), dir.path()).is_some()
        };
        assert!(clean("key", "layout", "h"));
        let other_entries = state("h", "other lock entries");
        assert!(fingerprints.clean_files("site", "key", "layout", &other_entries, dir.path()).is_none());
        assert!(
            !clean("other key", "layout", "h") && !clean("key", "other layout", "h") && !clean("key", "layout", "x")
        );
        std::fs::remove_file(dir.path().join("a.html")).unwrap();
        assert!(!clean("key", "layout", "h"), "a deleted file makes its bank dirty");
    }
}
