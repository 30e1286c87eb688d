//! Question identity (issue 10, items 2, 4 and 8): ids are unique within a
//! bank even when prompts repeat, two identical explicit ids are an error
//! that loses no card, an explicit id wins over an inherited one, a
//! different question does not inherit an old id, and change times only
//! move forward. Fixture: `tests/fixtures/identity/quiz.md` ("What's the
//! output?" three times, two of them true duplicates; one prompt with two
//! sets of options; two questions with one explicit id).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::build::{open_package, project, read, studymark};
use crate::fixtures;

fn quiz() -> String {
    read(fixtures().join("identity/quiz.md"))
}

/// `[[question]]` entries of `studymark.lock`: (bank, id, changed).
fn lock_entries(dir: &Path) -> Vec<(String, String, i64)> {
    let lock: toml::Value = toml::from_str(&read(dir.join("studymark.lock"))).unwrap();
    let entries = lock.get("question").and_then(|q| q.as_array()).cloned().unwrap_or_default();
    entries
        .iter()
        .map(|e| {
            let text = |key: &str| e[key].as_str().unwrap().to_string();
            (text("bank"), text("id"), e["changed"].as_integer().unwrap())
        })
        .collect()
}

/// The ids `studymark model` prints, in file order.
fn model_ids(dir: &Path) -> Vec<String> {
    let output =
        std::process::Command::new(env!("CARGO_BIN_EXE_studymark")).arg("model").current_dir(dir).output().unwrap();
    let model: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let questions = model["banks"].as_array().unwrap().iter().flat_map(|b| b["topics"].as_array().unwrap());
    let questions = questions.flat_map(|t| t["questions"].as_array().unwrap());
    questions.map(|q| q["id"].as_str().unwrap().to_string()).collect()
}

/// Per note GUID in a package, how many cards it has.
fn cards_per_note(apkg: &Path) -> BTreeMap<String, i64> {
    let conn = open_package(apkg).conn;
    let mut statement =
        conn.prepare("SELECT n.guid, (SELECT count(*) FROM cards c WHERE c.nid = n.id) FROM notes n").unwrap();
    let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).unwrap();
    let rows: Vec<(String, i64)> = rows.map(Result::unwrap).collect();
    let count = rows.len();
    let notes: BTreeMap<String, i64> = rows.into_iter().collect();
    assert_eq!(notes.len(), count, "two notes share a GUID");
    notes
}

#[test]
fn repeated_prompts_and_ids_lose_no_question() {
    let dir = project(&[("quiz.md", &quiz())], "");
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 1, "the duplicate explicit id is an error:\n{stderr}");
    assert_eq!(stderr.matches("error[duplicate-id]").count(), 1, "{stderr}");
    assert!(stderr.contains("first given on line 43"), "names the first id's line:\n{stderr}");
    assert_eq!(stderr.matches("warning[duplicate-question]").count(), 1, "only the true duplicate:\n{stderr}");

    let ids = model_ids(dir.path());
    assert_eq!(ids.len(), 8);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 8, "ids unique in the bank: {ids:?}");
    assert_eq!(ids[2], format!("{}-2", ids[0]), "a true duplicate takes its position: {ids:?}");
    assert_eq!(ids[5], "mutex");
    assert_ne!(ids[6], "mutex", "the second `mutex` gets a derived id");

    let lock = lock_entries(dir.path());
    let lock_ids: Vec<&str> = lock.iter().map(|(_, id, _)| id.as_str()).collect();
    assert_eq!(lock_ids.iter().collect::<HashSet<_>>().len(), 8, "one entry per question: {lock_ids:?}");

    let notes = cards_per_note(&dir.path().join("output/anki/quiz.apkg"));
    let guids: HashSet<String> = ids.iter().map(|id| format!("studymark-quiz-{id}")).collect();
    assert_eq!(notes.keys().cloned().collect::<HashSet<_>>(), guids);
    assert!(notes.values().all(|&cards| cards == 1), "every note has its card: {notes:?}");
    let page = read(dir.path().join("output/site/quiz.html"));
    assert_eq!(page.matches("<article class=\"question\"").count(), 8);
}

#[test]
fn a_blank_line_leaves_the_lock_and_every_output_as_they_were() {
    let dir = project(&[("quiz.md", &quiz()), ("other.md", "? Other?\n\nYes.\n")], "");
    assert_eq!(studymark(&["build"], dir.path()).0, 1);
    let lock = read(dir.path().join("studymark.lock"));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(dir.path().join("content/quiz.md"), format!("\n{}\n\n", quiz())).unwrap();
    let (code, stderr) = studymark(&["build", "--locked"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("--locked forbids"), "--locked must pass after a blank line:\n{stderr}");
    assert_eq!(read(dir.path().join("studymark.lock")), lock);

    // One answer edited re-emits that bank only, duplicates or not.
    let edited = quiz().replace("-1\n", "minus one\n");
    assert_ne!(edited, quiz());
    std::fs::write(dir.path().join("content/quiz.md"), edited).unwrap();
    let (_, stderr) = studymark(&["build"], dir.path());
    assert!(stderr.contains("1 emitted, 1 unchanged"), "{stderr}");
    let (_, stderr) = studymark(&["build"], dir.path());
    assert!(stderr.contains("2 banks up to date"), "{stderr}");
}

#[test]
fn an_explicit_id_added_to_a_question_is_the_id_build_and_model_use() {
    let bank = "? What does a mutex protect?\n\nShared data.\n\n? What is a deadlock?\n\nA cycle of waits.\n";
    let dir = project(&[("sync.md", bank)], "");
    assert_eq!(studymark(&["build"], dir.path()).0, 0);
    let tagged = bank.replace("Shared data.", "<!-- id: mutex -->\n\nShared data.");
    std::fs::write(dir.path().join("content/sync.md"), tagged).unwrap();
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("id-inherited"), "{stderr}");
    let lock_ids: Vec<String> = lock_entries(dir.path()).into_iter().map(|(_, id, _)| id).collect();
    let model = model_ids(dir.path());
    assert_eq!(model[0], "mutex");
    assert!(lock_ids.contains(&"mutex".to_string()), "{lock_ids:?}");
    let notes = cards_per_note(&dir.path().join("output/anki/sync.apkg"));
    assert!(notes.contains_key("studymark-sync-mutex"), "{notes:?}");
}

#[test]
fn a_different_question_does_not_inherit_and_a_typo_fix_does() {
    let tcp = "? What does TCP guarantee?\n\nOrdered, reliable delivery of a byte stream.\n\n\
               ? What is a tensr?\n\nAn array.\n";
    let dir = project(&[("net.md", tcp)], "");
    assert_eq!(studymark(&["build"], dir.path()).0, 0);
    let before = model_ids(dir.path());
    let udp = "? What does UDP guarantee?\n\nNothing: datagrams may be lost, duplicated or reordered.\n\n\
               ? What is a tensor?\n\nAn n-dimensional array of numbers.\n";
    std::fs::write(dir.path().join("content/net.md"), udp).unwrap();
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.matches("id-inherited").count(), 1, "only the typo fix inherits:\n{stderr}");
    let lock_ids: Vec<String> = lock_entries(dir.path()).into_iter().map(|(_, id, _)| id).collect();
    assert!(!lock_ids.contains(&before[0]), "UDP took TCP's id: {lock_ids:?}");
    assert!(lock_ids.contains(&before[1]), "the typo fix lost its id: {lock_ids:?}");
}

#[test]
fn an_edit_always_moves_the_change_time_forward() {
    let dir = project(&[("t.md", "? Q?\n\nFirst.\n")], "");
    assert_eq!(studymark(&["build"], dir.path()).0, 0);
    // A time this build cannot reach by the clock: as if the last build
    // ran in this same second (or on a machine whose clock is ahead).
    let lock_path = dir.path().join("studymark.lock");
    let first = lock_entries(dir.path())[0].2;
    let ahead = first + 1000;
    let lock = read(lock_path.clone()).replace(&format!("changed = {first}\n"), &format!("changed = {ahead}\n"));
    std::fs::write(&lock_path, lock).unwrap();
    assert_eq!(lock_entries(dir.path())[0].2, ahead);
    std::fs::write(dir.path().join("content/t.md"), "? Q?\n\nSecond.\n").unwrap();
    assert_eq!(studymark(&["build"], dir.path()).0, 0);
    assert_eq!(lock_entries(dir.path())[0].2, ahead + 1, "Anki ignores a note whose time did not move forward");
    let notes = package_mods(&dir.path().join("output/anki/t.apkg"));
    assert_eq!(notes, [ahead + 1], "the note carries the new time");
}

/// The notes' modification times in a package.
fn package_mods(apkg: &Path) -> Vec<i64> {
    let conn = open_package(apkg).conn;
    let mut statement = conn.prepare("SELECT mod FROM notes").unwrap();
    let rows = statement.query_map([], |r| r.get::<_, i64>(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

/// Issue 13: ids come from one stage, so after a rewording `model`, the
/// site, the Anki GUIDs and the handouts all show the inherited id, and
/// `check` reports the inheritance before anything is built again.
#[test]
fn after_a_rewording_model_check_site_anki_and_print_agree() {
    let first = "? What does the forget gate of an LSTM decide?\n\nHow much of the old cell state is kept.\n";
    let dir = project(&[("lstm.md", first)], "");
    assert_eq!(studymark(&["build"], dir.path()).0, 0);
    let original = model_ids(dir.path());
    let reworded = "? What does an LSTM's forget gate decide?\n\nHow much of the old cell state is kept.\n";
    std::fs::write(dir.path().join("content/lstm.md"), reworded).unwrap();

    // Before any build: model and check already read the lock.
    assert_eq!(model_ids(dir.path()), original, "model shows the id the outputs will use");
    let (code, stderr) = studymark(&["check"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("id-inherited") && stderr.contains(&original[0]), "{stderr}");

    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let id = &original[0];
    let guids: Vec<String> = cards_per_note(&dir.path().join("output/anki/lstm.apkg")).into_keys().collect();
    assert_eq!(guids, [format!("studymark-lstm-{id}")], "the Anki GUID keeps the id");
    let site = read(dir.path().join("output/site/lstm.html"));
    assert!(site.contains(&format!("data-id=\"{id}\"")), "the site's study progress keeps the id");
    let lock_ids: Vec<String> = lock_entries(dir.path()).into_iter().map(|(_, id, _)| id).collect();
    assert_eq!(lock_ids, original, "the lock keeps the id");
    assert_eq!(model_ids(dir.path()), original, "and model still agrees after the build");
}
