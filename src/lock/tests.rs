//! Unit tests of the id lock (`src/lock.rs`).

use super::*;
use crate::config::Config;
use crate::source::SourceFile;

fn bank(text: &str) -> Bank {
    crate::parse::parse_bank(&SourceFile::new("b.md", text.to_string()), "b", &Config::default(), None).0
}

#[test]
fn similarity_of_rewordings() {
    let a = normalize_prompt("Give one example of a real-world problem where an RNN is preferred over a feed-forward network, and explain why.");
    let b = normalize_prompt(
        "Give an example of a real-world problem where an RNN is preferred to a feed-forward network, and explain why.",
    );
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
        similarity(&normalize_prompt("What does TCP guarantee?"), &normalize_prompt("What does UDP guarantee?")) > 0.8,
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
    assert_eq!(changes("What is a tensor?", "What's a tensr?"), WordChanges { typos_only: true, short_term: false });
    assert!(changes("What does TCP guarantee?", "What does UDP guarantee?").short_term);
    assert!(changes("Why use an RNN?", "Why use a CNN?").short_term);
    let reworded =
        changes("Give one example where an RNN is preferred over X", "Give an example where an RNN is preferred to X");
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
