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
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::source::SourceFile;

    fn bank(text: &str) -> Bank {
        crate::parse::parse_bank(&SourceFile::new("b.md", text.to_string()), "b", &Config::default(), None).0
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

    fn empty() -> IdLock {
        IdLock { version: VERSION, questions: Vec::new(), note_types: Vec::new() }
    }

    /// The lock entries of a one-bank build of `text` on top of `lock`.
    fn rebuild(lock: &IdLock, text: &str, now: i64) -> (Bank, IdLock, Vec<Diagnostic>) {
        let mut banks = [bank(text)];
        let (next, diagnostics) = update_lock(Some(lock), &mut banks, "", now);
        let [bank] = banks;
        (bank, next, diagnostics)
    }

    fn first_id(bank: &Bank) -> String {
        bank.questions().next().unwrap().id.clone()
    }

    #[test]
    fn a_changed_key_term_with_a_new_answer_is_another_question() {
        let tcp = "? What does TCP guarantee?\n\nOrdered, reliable delivery of a byte stream.\n";
        let (old_bank, lock, _) = rebuild(&empty(), tcp, 100);
        let udp = "? What does UDP guarantee?\n\nNothing: datagrams may be lost, duplicated or reordered.\n";
        let (bank, _, diagnostics) = rebuild(&lock, udp, 200);
        assert!(
            similarity(&normalize_prompt("What does TCP guarantee?"), &normalize_prompt("What does UDP guarantee?"))
                > 0.8,
            "the prompts are similar, so only the new rules keep them apart"
        );
        assert_ne!(first_id(&bank), first_id(&old_bank), "UDP must not take TCP's review history");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        // Even with the same answer, a swapped acronym is another question.
        let same_answer = "? What does UDP guarantee?\n\nOrdered, reliable delivery of a byte stream.\n";
        assert_ne!(first_id(&rebuild(&lock, same_answer, 200).0), first_id(&old_bank));
    }

    #[test]
    fn a_typo_fix_inherits_even_with_a_new_answer_and_a_rewording_with_the_same_answer() {
        let old = "? What is a tensr in machine learning?\n\nAn array.\n";
        let (old_bank, lock, _) = rebuild(&empty(), old, 100);
        let fixed = "? What is a tensor in machine learning?\n\nA multi-dimensional array of numbers with a shape.\n";
        let (bank, _, diagnostics) = rebuild(&lock, fixed, 200);
        assert_eq!(first_id(&bank), first_id(&old_bank), "a typo fix keeps the id");
        assert_eq!(diagnostics.len(), 1);
        let reworded = "? In machine learning, what's a tensor?\n\nAn array.\n";
        assert_eq!(first_id(&rebuild(&lock, reworded, 200).0), first_id(&old_bank), "same answer: reworded");
        let other = "? What is a tensor in machine learning?\n\nA multi-dimensional array of numbers with a shape.\n";
        let other = format!("{other}\n? What is a vector in machine learning?\n\nA list of numbers.\n");
        let (bank, _, _) = rebuild(&lock, &other, 200);
        let ids: Vec<&str> = bank.questions().map(|q| q.id.as_str()).collect();
        assert_eq!(ids[0], first_id(&old_bank), "the typo fix, not the other question, inherits");
        assert_ne!(ids[1], first_id(&old_bank));
    }

    #[test]
    fn an_old_lock_without_answers_still_reads_and_only_typo_fixes_inherit() {
        let text = "version = 1\n[[question]]\nbank = \"b\"\nid = \"old\"\nhash = \"h\"\nchanged = 5\nprompt = \"what is a tensr\"\n";
        let lock: IdLock = toml::from_str(text).unwrap();
        assert_eq!(lock.questions[0].answer, None);
        assert_eq!(first_id(&rebuild(&lock, "? What is a tensor?\n\nAn array.\n", 9).0), "old");
        assert_ne!(first_id(&rebuild(&lock, "? What is a tensor, exactly?\n\nAn array.\n", 9).0), "old");
    }

    #[test]
    fn an_explicit_id_is_never_replaced_by_an_inherited_one() {
        let (_, lock, _) = rebuild(&empty(), "? What does a mutex protect?\n\nShared data.\n", 100);
        let tagged = "? What does a mutex protect?\n\n<!-- id: mutex -->\n\nShared data.\n";
        let (bank, next, diagnostics) = rebuild(&lock, tagged, 200);
        assert_eq!(first_id(&bank), "mutex");
        assert_eq!(next.questions.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["mutex"]);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn change_times_strictly_increase_within_one_second() {
        let (_, lock, _) = rebuild(&empty(), "? Q?\n\nA.\n", 100);
        let (_, edited, _) = rebuild(&lock, "? Q?\n\nB.\n", 100);
        assert_eq!(edited.questions[0].changed, 101, "same second: one later");
        let (_, again, _) = rebuild(&edited, "? Q?\n\nC.\n", 50);
        assert_eq!(again.questions[0].changed, 102, "a clock set back still moves forward");
        let (_, later, _) = rebuild(&again, "? Q?\n\nD.\n", 500);
        assert_eq!(later.questions[0].changed, 500);
        let (_, same, _) = rebuild(&later, "? Q?\n\nD.\n", 600);
        assert_eq!(same.questions[0].changed, 500, "unchanged content keeps its time");

        let mut types = empty();
        types.update_note_types(&[(1, "a".into())], 100);
        types.update_note_types(&[(1, "b".into())], 100);
        assert_eq!(types.note_type_changed(1), 101);
    }

    #[test]
    fn duplicate_prompts_give_one_entry_per_question_and_a_stable_lock() {
        let text = "? What's the output?\n\n```python\nprint(1)\n```\n\n1\n\n? What's the output?\n\n```python\nprint(2)\n```\n\n2\n\n? What's the output?\n\n```python\nprint(1)\n```\n\n1 again\n";
        let (_, lock, _) = rebuild(&empty(), text, 100);
        let ids: HashSet<&str> = lock.questions.iter().map(|e| e.id.as_str()).collect();
        assert_eq!((lock.questions.len(), ids.len()), (3, 3), "{lock:?}");
        let (_, again, _) = rebuild(&lock, &format!("{text}\n"), 200);
        assert_eq!(again, lock, "an unchanged bank leaves the lock as it was");
    }

    #[test]
    fn word_changes_tell_typos_from_other_terms() {
        let changes = |a: &str, b: &str| word_changes(&normalize_prompt(a), &normalize_prompt(b));
        assert_eq!(
            changes("What is a tensor?", "What's a tensr?"),
            WordChanges { typos_only: true, short_term: false }
        );
        assert!(changes("What does TCP guarantee?", "What does UDP guarantee?").short_term);
        assert!(changes("Why use an RNN?", "Why use a CNN?").short_term);
        let reworded = changes(
            "Give one example where an RNN is preferred over X",
            "Give an example where an RNN is preferred to X",
        );
        assert_eq!(reworded, WordChanges { typos_only: true, short_term: false });
        assert!(!changes("What is a tensor?", "What is a matrix?").typos_only);
        assert_eq!(edit_distance("tensr", "tensor"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn round_trip_and_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCK_FILE);
        assert_eq!(IdLock::read(&path).unwrap(), None);
        let (lock, _) = update_lock(None, &mut [bank("? Q?\n\nA.\n")], "", 5);
        std::fs::write(&path, lock.to_toml()).unwrap();
        assert_eq!(IdLock::read(&path).unwrap(), Some(lock));
        std::fs::write(&path, "version = 1\n[[question]]\nbank = 3\n").unwrap();
        let err = IdLock::read(&path).unwrap_err().to_string();
        assert!(err.contains("corrupt") && err.contains("will not reset"), "{err}");
    }
}
