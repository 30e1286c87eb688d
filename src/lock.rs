//! `studymark.lock`: per question its id, a hash of its content and the
//! time that content last changed. Written by `build` at the project root
//! and meant to be committed, like `Cargo.lock`.
//!
//! It does two things:
//! - Anki notes take their modification time from it, so a re-import
//!   updates exactly the notes whose content changed;
//! - a question whose prompt was reworded keeps its id: a question that is
//!   new in this build (and has no explicit `<!-- id: -->`, which always
//!   wins) inherits the id of a question that vanished from the same bank
//!   in the same build when their prompts are similar enough (Sørensen–Dice
//!   coefficient over character bigrams of the normalized prompts, at
//!   least [`SIMILARITY_THRESHOLD`]) and either their answers are similar
//!   too (at least [`ANSWER_THRESHOLD`]) or the prompt changed by typos
//!   only. Either way a changed short term (`TCP` → `UDP`, `RNN` → `CNN`)
//!   makes it another question. Pairs are taken best first. Review history
//!   in Anki and study progress on the site survive, and the Markdown is
//!   never touched.
//!
//! `changed` only moves forward: a changed question gets the later of now
//! and one second after its previous time, so two builds within a second
//! still give Anki a newer modification time.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::hash::PartsHasher;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Bank, Kind, Question, Rich};
use crate::parse::text::normalize_prompt;

pub const LOCK_FILE: &str = "studymark.lock";
pub const SIMILARITY_THRESHOLD: f64 = 0.7;
/// How similar the answers of a reworded question must be.
pub const ANSWER_THRESHOLD: f64 = 0.6;
/// How much of the normalized answer the lock keeps to compare.
const ANSWER_CHARS: usize = 200;
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdLock {
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
    /// The start of the normalized answer, to tell a reworded question from
    /// another one. Absent in locks of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is corrupt ({message}); fix or delete it deliberately, studymark will not reset it")]
    Corrupt { path: String, message: String },
}

impl IdLock {
    /// Reads the lock file; `None` when there is none yet.
    pub fn read(path: &Path) -> Result<Option<IdLock>, LockError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(LockError::Io { path: path.display().to_string(), source }),
        };
        let corrupt = |message: String| LockError::Corrupt { path: path.display().to_string(), message };
        let lock: IdLock = toml::from_str(&text).map_err(|e| corrupt(e.message().to_string()))?;
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
                let old = previous.iter().find(|e| e.id == *id);
                let changed = match old {
                    Some(e) if e.hash == *hash => e.changed,
                    Some(e) => now.max(e.changed + 1),
                    None => now,
                };
                NoteTypeEntry { id: *id, hash: hash.clone(), changed }
            })
            .collect();
    }

    pub fn note_type_changed(&self, id: i64) -> i64 {
        self.note_types.iter().find(|e| e.id == id).map_or(0, |e| e.changed)
    }

    /// Per bank id, a hash of its entries: what its outputs depend on in
    /// the lock (fingerprints compare it, see [`crate::fingerprint`]).
    pub fn bank_hashes(&self) -> HashMap<&str, String> {
        let mut hashers: HashMap<&str, PartsHasher> = HashMap::new();
        for entry in &self.questions {
            let hasher = hashers.entry(entry.bank.as_str()).or_default();
            let answer = entry.answer.as_deref().unwrap_or_default();
            for part in
                [entry.id.as_str(), entry.hash.as_str(), &entry.changed.to_string(), entry.prompt.as_str(), answer]
            {
                hasher.part(part.as_bytes());
            }
        }
        hashers.into_iter().map(|(bank, hasher)| (bank, hasher.finish())).collect()
    }

    /// When each question of `bank` last changed, by question id (a
    /// question not in the map is new: 0).
    pub fn changes(&self, bank: &str) -> HashMap<&str, i64> {
        self.questions.iter().filter(|e| e.bank == bank).map(|e| (e.id.as_str(), e.changed)).collect()
    }
}

impl IdLock {
    fn by_bank(&self) -> HashMap<&str, BTreeMap<&str, &LockEntry>> {
        let mut by_bank: HashMap<&str, BTreeMap<&str, &LockEntry>> = HashMap::new();
        for entry in &self.questions {
            by_bank.entry(entry.bank.as_str()).or_default().insert(entry.id.as_str(), entry);
        }
        by_bank
    }
}

/// Gives reworded questions the ids the lock knows them by. Inheritances
/// are reported as info diagnostics (`id-inherited`). The lock is only
/// read: every command resolves ids this way, so `model`, `check` and the
/// outputs agree.
pub fn resolve_ids(previous: Option<&IdLock>, banks: Vec<&mut Bank>) -> Vec<Diagnostic> {
    let Some(previous) = previous else { return Vec::new() };
    let by_bank = previous.by_bank();
    let no_entries = BTreeMap::new();
    let found: Vec<Vec<Diagnostic>> = banks
        .into_par_iter()
        .map(|bank| {
            let old = by_bank.get(bank.id.as_str()).unwrap_or(&no_entries);
            inherit_ids(bank, old)
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// The new lock: every question of `banks` with its content hash and the
/// time that content last changed (ids already resolved). `render_options`
/// (math engine, macros) is part of every content hash. Banks not in
/// `banks` keep their entries.
pub fn record(previous: Option<&IdLock>, banks: &[Bank], render_options: &str, now: i64) -> IdLock {
    let empty = IdLock { version: VERSION, questions: Vec::new(), note_types: Vec::new() };
    let previous = previous.unwrap_or(&empty);
    let built: HashSet<&str> = banks.iter().map(|b| b.id.as_str()).collect();
    let mut questions: Vec<LockEntry> =
        previous.questions.iter().filter(|e| !built.contains(e.bank.as_str())).cloned().collect();
    let by_bank = previous.by_bank();
    let no_entries = BTreeMap::new();
    // Banks are independent: hashing every question is the costly part.
    let per_bank: Vec<Vec<LockEntry>> = banks
        .par_iter()
        .map(|bank| {
            let old = by_bank.get(bank.id.as_str()).unwrap_or(&no_entries);
            bank.questions().map(|question| lock_entry(&bank.id, question, old, render_options, now)).collect()
        })
        .collect();
    questions.extend(per_bank.into_iter().flatten());
    questions.sort_by(|a, b| a.bank.cmp(&b.bank));
    IdLock { version: VERSION, questions, note_types: previous.note_types.clone() }
}

/// [`resolve_ids`] then [`record`]: what a build does to the lock.
pub fn update_lock(
    previous: Option<&IdLock>,
    banks: &mut [Bank],
    render_options: &str,
    now: i64,
) -> (IdLock, Vec<Diagnostic>) {
    let diagnostics = resolve_ids(previous, banks.iter_mut().collect());
    (record(previous, banks, render_options, now), diagnostics)
}

/// A question's entry: `changed` stays while its content hash does, and
/// otherwise moves forward by at least a second.
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
        Some(entry) => now.max(entry.changed + 1),
        None => now,
    };
    let prompt = normalize_prompt(&question.prompt.markdown);
    let answer = Some(answer_fingerprint(question));
    LockEntry { bank: bank.to_string(), id: question.id.clone(), hash, changed, prompt, answer }
}

/// The start of the normalized answer (the details when there is none).
fn answer_fingerprint(question: &Question) -> String {
    let answer = if question.answer.is_empty() { &question.details } else { &question.answer };
    let mut text = normalize_prompt(&answer.markdown);
    if let Some((cut, _)) = text.char_indices().nth(ANSWER_CHARS) {
        text.truncate(cut);
    }
    text
}

/// Pairs new questions with vanished ones of the same bank, best match
/// first (so of two candidates the more similar one wins, whatever the
/// order of the questions).
fn inherit_ids(bank: &mut Bank, old: &BTreeMap<&str, &LockEntry>) -> Vec<Diagnostic> {
    let present: HashSet<String> = bank.questions().map(|q| q.id.clone()).collect();
    let vanished: Vec<&LockEntry> = old.values().filter(|e| !present.contains(&e.id)).copied().collect();
    if vanished.is_empty() {
        return Vec::new();
    }
    let mut pairs: Vec<(f64, f64, usize, usize)> = Vec::new();
    for (index, question) in bank.questions().enumerate() {
        if question.explicit_id || old.contains_key(question.id.as_str()) {
            continue;
        }
        let prompt = normalize_prompt(&question.prompt.markdown);
        let answer = answer_fingerprint(question);
        for (candidate, entry) in vanished.iter().enumerate() {
            if let Some((score, prompt_score)) = inheritance(&prompt, &answer, entry) {
                pairs.push((score, prompt_score, index, candidate));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)));
    let mut heirs: HashMap<usize, (usize, f64)> = HashMap::new();
    let mut taken: HashSet<usize> = HashSet::new();
    for (_, prompt_score, index, candidate) in pairs {
        if heirs.contains_key(&index) || taken.contains(&candidate) {
            continue;
        }
        taken.insert(candidate);
        heirs.insert(index, (candidate, prompt_score));
    }
    let mut diagnostics = Vec::new();
    for (index, question) in bank.topics.iter_mut().flat_map(|t| t.questions.iter_mut()).enumerate() {
        let Some(&(candidate, score)) = heirs.get(&index) else { continue };
        let entry = vanished[candidate];
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
    diagnostics
}

/// Whether a new question (normalized prompt and answer) may take the id
/// of a vanished one, and how good a match it is: `(score, prompt
/// similarity)`.
fn inheritance(prompt: &str, answer: &str, entry: &LockEntry) -> Option<(f64, f64)> {
    let prompt_score = similarity(prompt, &entry.prompt);
    if prompt_score < SIMILARITY_THRESHOLD {
        return None;
    }
    let changes = word_changes(prompt, &entry.prompt);
    if changes.short_term {
        return None;
    }
    // An older lock has no answer: only a prompt with typos fixed passes.
    let answer_score = entry.answer.as_deref().map_or(0.0, |old| similarity(answer, old));
    (answer_score >= ANSWER_THRESHOLD || changes.typos_only).then_some((prompt_score + answer_score, prompt_score))
}

/// How the words of two normalized prompts differ.
#[derive(Debug, PartialEq)]
struct WordChanges {
    /// Every changed word is a typo fix (within one edit, two for words of
    /// eight letters or more) or a small function word.
    typos_only: bool,
    /// A short word that is no function word (an acronym, a name: `tcp`,
    /// `rnn`, `ipv4`) was replaced, added or removed.
    short_term: bool,
}

/// Words whose change never makes another question.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "all", "an", "and", "any", "are", "as", "at", "be", "before", "between", "by", "can",
    "could", "do", "does", "each", "for", "from", "has", "have", "how", "i", "in", "into", "is", "it", "its", "more",
    "most", "of", "on", "one", "or", "other", "over", "s", "same", "should", "some", "such", "than", "that", "the",
    "their", "then", "there", "these", "this", "those", "to", "under", "was", "we", "were", "what", "when", "where",
    "which", "who", "why", "will", "with", "would", "you", "your",
];

/// The longest word that counts as a short term.
const SHORT_TERM_CHARS: usize = 4;

fn word_changes<'a>(new: &'a str, old: &'a str) -> WordChanges {
    let words = |s: &'a str| s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty());
    let mut removed: Vec<&str> = words(old).collect();
    let mut added: Vec<&str> = Vec::new();
    for word in words(new) {
        match removed.iter().position(|w| *w == word) {
            Some(i) => {
                removed.swap_remove(i);
            }
            None => added.push(word),
        }
    }
    let is_function = |w: &str| FUNCTION_WORDS.contains(&w);
    let mut typos_only = true;
    let mut short_term = false;
    for word in added {
        if is_function(word) {
            continue;
        }
        let allowed = if word.chars().count() >= 8 { 2 } else { 1 };
        // Short words have no typos: `tcp` → `udp` is another protocol.
        let typo = (word.chars().count() > SHORT_TERM_CHARS)
            .then(|| removed.iter().position(|w| !is_function(w) && edit_distance(w, word) <= allowed))
            .flatten();
        match typo {
            Some(i) => {
                removed.swap_remove(i);
            }
            None => {
                typos_only = false;
                short_term |= word.chars().count() <= SHORT_TERM_CHARS;
            }
        }
    }
    for word in removed.into_iter().filter(|w| !is_function(w)) {
        typos_only = false;
        short_term |= word.chars().count() <= SHORT_TERM_CHARS;
    }
    WordChanges { typos_only, short_term }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
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
    let mut hasher = PartsHasher::default();
    let mut add = |part: &str| {
        hasher.part(part.as_bytes());
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
    // 12 bytes: the length the lock has always stored.
    hasher.finish()[..24].to_string()
}

#[cfg(test)]
mod tests;
