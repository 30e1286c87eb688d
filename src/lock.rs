//! `studymark.lock`: per question its id, a hash of its content and the
//! time that content last changed. Written by `build` at the project root
//! and meant to be committed, like `Cargo.lock`.
//!
//! It does two things:
//! - Anki notes take their modification time from it, so a re-import
//!   updates exactly the notes whose content changed;
//! - a question whose prompt was reworded keeps its id: a question that is
//!   new in this build inherits the id of a question that vanished from the
//!   same bank in the same build when their prompts are similar enough
//!   (Sørensen–Dice coefficient over character bigrams of the normalized
//!   prompts, at least [`SIMILARITY_THRESHOLD`]). Review history in Anki and
//!   study progress on the site survive, and the Markdown is never touched.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Bank, Kind, Question, Rich};
use crate::parse::text::normalize_prompt;

pub const LOCK_FILE: &str = "studymark.lock";
pub const SIMILARITY_THRESHOLD: f64 = 0.7;
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    pub version: u32,
    #[serde(default, rename = "question")]
    pub questions: Vec<LockEntry>,
    /// Anki note types: Anki takes a note type's new CSS or templates only
    /// when its modification time moved forward.
    #[serde(default, rename = "note_type")]
    pub note_types: Vec<NoteTypeEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteTypeEntry {
    pub id: i64,
    pub hash: String,
    pub changed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockEntry {
    pub bank: String,
    pub id: String,
    pub hash: String,
    /// Unix seconds when the content last changed.
    pub changed: i64,
    /// The normalized prompt, to recognise a reworded question.
    pub prompt: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is corrupt ({message}); fix or delete it deliberately, studymark will not reset it")]
    Corrupt { path: String, message: String },
}

impl Lock {
    /// Reads the lock file; `None` when there is none yet.
    pub fn read(path: &Path) -> Result<Option<Lock>, LockError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(LockError::Io { path: path.display().to_string(), source }),
        };
        let corrupt = |message: String| LockError::Corrupt { path: path.display().to_string(), message };
        let lock: Lock = toml::from_str(&text).map_err(|e| corrupt(e.message().to_string()))?;
        if lock.version != VERSION {
            return Err(corrupt(format!("unknown version {}", lock.version)));
        }
        Ok(Some(lock))
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!("# Written by studymark build: question ids and when each question last changed.\n# Commit it; do not edit it by hand.\n{body}")
    }

    /// Records note type hashes; a changed hash gets `now`.
    pub fn update_note_types(&mut self, hashes: &[(i64, String)], now: i64) {
        let previous = std::mem::take(&mut self.note_types);
        self.note_types = hashes
            .iter()
            .map(|(id, hash)| {
                let kept = previous.iter().find(|e| e.id == *id && e.hash == *hash);
                NoteTypeEntry { id: *id, hash: hash.clone(), changed: kept.map_or(now, |e| e.changed) }
            })
            .collect();
    }

    pub fn note_type_changed(&self, id: i64) -> i64 {
        self.note_types.iter().find(|e| e.id == id).map_or(0, |e| e.changed)
    }

    /// Per bank id, a hash of its entries: what its outputs depend on in
    /// the lock (fingerprints compare it, see [`crate::fingerprint`]).
    pub fn bank_hashes(&self) -> HashMap<&str, String> {
        let mut hashers: HashMap<&str, Sha256> = HashMap::new();
        for entry in &self.questions {
            let hasher = hashers.entry(entry.bank.as_str()).or_default();
            for part in [entry.id.as_str(), entry.hash.as_str(), &entry.changed.to_string(), entry.prompt.as_str()] {
                hasher.update(part.len().to_le_bytes());
                hasher.update(part.as_bytes());
            }
        }
        let hex = |hasher: Sha256| hasher.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
        hashers.into_iter().map(|(bank, hasher)| (bank, hex(hasher))).collect()
    }

    /// When each question of `bank` last changed, by question id (a
    /// question not in the map is new: 0).
    pub fn changes(&self, bank: &str) -> HashMap<&str, i64> {
        self.questions.iter().filter(|e| e.bank == bank).map(|e| (e.id.as_str(), e.changed)).collect()
    }
}

/// Gives reworded questions their old ids and computes the new lock.
/// `render_options` (math engine, macros) is part of every content hash.
/// Banks not in `banks` keep their entries. Inheritances are reported as
/// info diagnostics (`id-inherited`).
pub fn update_lock(
    previous: Option<&Lock>,
    banks: &mut [Bank],
    render_options: &str,
    now: i64,
) -> (Lock, Vec<Diagnostic>) {
    let empty = Lock { version: VERSION, questions: Vec::new(), note_types: Vec::new() };
    let previous = previous.unwrap_or(&empty);
    let built: HashSet<&str> = banks.iter().map(|b| b.id.as_str()).collect();
    let mut questions: Vec<LockEntry> =
        previous.questions.iter().filter(|e| !built.contains(e.bank.as_str())).cloned().collect();
    let mut by_bank: HashMap<&str, BTreeMap<&str, &LockEntry>> = HashMap::new();
    for entry in &previous.questions {
        by_bank.entry(entry.bank.as_str()).or_default().insert(entry.id.as_str(), entry);
    }
    let no_entries = BTreeMap::new();
    // Banks are independent: hashing every question is the costly part.
    let per_bank: Vec<(Vec<LockEntry>, Vec<Diagnostic>)> = banks
        .par_iter_mut()
        .map(|bank| {
            let old = by_bank.get(bank.id.as_str()).unwrap_or(&no_entries);
            let diagnostics = inherit_ids(bank, old);
            let entries = bank.questions().map(|question| lock_entry(&bank.id, question, old, render_options, now));
            (entries.collect(), diagnostics)
        })
        .collect();
    let mut diagnostics = Vec::new();
    for (entries, found) in per_bank {
        questions.extend(entries);
        diagnostics.extend(found);
    }
    questions.sort_by(|a, b| a.bank.cmp(&b.bank));
    (Lock { version: VERSION, questions, note_types: previous.note_types.clone() }, diagnostics)
}

/// A question's entry: `changed` stays while its content hash does.
fn lock_entry(
    bank: &str,
    question: &Question,
    old: &BTreeMap<&str, &LockEntry>,
    render_options: &str,
    now: i64,
) -> LockEntry {
    let hash = content_hash(question, render_options);
    let changed = match old.get(question.id.as_str()) {
        Some(entry) if entry.hash == hash => entry.changed,
        _ => now,
    };
    let prompt = normalize_prompt(&question.prompt.markdown);
    LockEntry { bank: bank.to_string(), id: question.id.clone(), hash, changed, prompt }
}

/// Pairs new questions with vanished ones of the same bank, best match first.
fn inherit_ids(bank: &mut Bank, old: &BTreeMap<&str, &LockEntry>) -> Vec<Diagnostic> {
    let present: HashSet<String> = bank.questions().map(|q| q.id.clone()).collect();
    let mut vanished: Vec<&LockEntry> = old.values().filter(|e| !present.contains(&e.id)).copied().collect();
    let mut diagnostics = Vec::new();
    for question in bank.topics.iter_mut().flat_map(|t| t.questions.iter_mut()) {
        if old.contains_key(question.id.as_str()) || vanished.is_empty() {
            continue;
        }
        let prompt = normalize_prompt(&question.prompt.markdown);
        let best = vanished
            .iter()
            .enumerate()
            .map(|(i, e)| (i, similarity(&prompt, &e.prompt)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .filter(|(_, score)| *score >= SIMILARITY_THRESHOLD);
        if let Some((index, score)) = best {
            let entry = vanished.remove(index);
            diagnostics.push(Diagnostic {
                severity: Severity::Info,
                code: Code::IdInherited,
                message: format!(
                    "reworded question keeps id {} (prompt similarity {:.2}): Anki history and study progress survive",
                    entry.id, score
                ),
                file: bank.source_path.clone(),
                span: Some(question.span),
                notes: Vec::new(),
            });
            question.id = entry.id.clone();
        }
    }
    diagnostics
}

/// Sørensen–Dice coefficient over character bigrams, in [0, 1].
pub fn similarity(a: &str, b: &str) -> f64 {
    let bigrams = |s: &str| -> Vec<(char, char)> {
        let chars: Vec<char> = s.chars().collect();
        let mut pairs: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
        pairs.sort_unstable();
        pairs
    };
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return if a == b { 1.0 } else { 0.0 };
    }
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    2.0 * common as f64 / (x.len() + y.len()) as f64
}

/// A hash of everything a question shows; positions are left out, so
/// editing one question does not change the others'.
pub fn content_hash(question: &Question, render_options: &str) -> String {
    let mut hasher = Sha256::new();
    let mut add = |part: &str| {
        hasher.update(part.len().to_le_bytes());
        hasher.update(part.as_bytes());
    };
    add(render_options);
    let rich = |r: &Rich| r.markdown.trim().to_string();
    add(question.kind.as_str());
    for part in [&question.prompt, &question.context, &question.answer, &question.details] {
        add(&rich(part));
    }
    if let Kind::MultipleChoice { choices, correct } = &question.kind {
        for choice in choices {
            add(&rich(choice));
        }
        add(&format!("{correct:?}"));
    }
    add(&question.tags.join(" "));
    add(&format!("{:?}", question.difficulty));
    hasher.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::source::SourceFile;

    fn bank(text: &str) -> Bank {
        crate::parse::parse_bank(&SourceFile::new("b.md", text.to_string()), "b", &Config::default()).0
    }

    #[test]
    fn similarity_of_rewordings() {
        let a = normalize_prompt("Give one example of a real-world problem where an RNN is preferred over a feed-forward network, and explain why.");
        let b = normalize_prompt("Give an example of a real-world problem where an RNN is preferred to a feed-forward network, and explain why.");
        assert!(similarity(&a, &b) > 0.85, "{}", similarity(&a, &b));
        let c = normalize_prompt("What is the function of the input gate in an LSTM?");
        assert!(similarity(&a, &c) < 0.5, "{}", similarity(&a, &c));
        assert_eq!(similarity("abc", "abc"), 1.0);
    }

    #[test]
    fn unchanged_keeps_time_edited_gets_now_reworded_inherits() {
        let mut first = [bank("? What is a tensor?\n\nAn array.\n\n? What is a gradient?\n\nA derivative.\n")];
        let (lock, _) = update_lock(None, &mut first, "", 100);
        assert!(lock.questions.iter().all(|e| e.changed == 100));

        let mut same = [bank("? What is a tensor?\n\nAn array.\n\n? What is a gradient?\n\nA derivative.\n")];
        let (again, diagnostics) = update_lock(Some(&lock), &mut same, "", 200);
        assert_eq!(again, lock);
        assert!(diagnostics.is_empty());

        let old_id = first[0].questions().nth(1).unwrap().id.clone();
        let mut edited =
            [bank("? What is a tensor?\n\nAn n-dimensional array.\n\n? What's a gradient?\n\nA derivative.\n")];
        let (next, diagnostics) = update_lock(Some(&lock), &mut edited, "", 300);
        assert_eq!(next.questions.iter().map(|e| e.changed).collect::<Vec<_>>(), [300, 300]);
        assert_eq!(edited[0].questions().nth(1).unwrap().id, old_id, "reworded prompt inherits the id");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::IdInherited);

        let (switched, _) = update_lock(Some(&lock), &mut same, "Mathjax", 400);
        assert!(switched.questions.iter().all(|e| e.changed == 400), "a rendering change updates every note");
    }

    #[test]
    fn round_trip_and_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCK_FILE);
        assert_eq!(Lock::read(&path).unwrap(), None);
        let (lock, _) = update_lock(None, &mut [bank("? Q?\n\nA.\n")], "", 5);
        std::fs::write(&path, lock.to_toml()).unwrap();
        assert_eq!(Lock::read(&path).unwrap(), Some(lock));
        std::fs::write(&path, "version = 1\n[[question]]\nbank = 3\n").unwrap();
        let err = Lock::read(&path).unwrap_err().to_string();
        assert!(err.contains("corrupt") && err.contains("will not reset"), "{err}");
    }
}
