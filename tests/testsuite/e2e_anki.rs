//! The Anki package in Anki itself: `tests/anki/check_apkg.py` builds a copy
//! of the seed bank with this binary, imports the `.apkg` with Anki's own
//! importer (PyPI `anki`, the code the desktop app runs), edits the bank and
//! re-imports (updates, kept GUIDs and review history, stable `mod`s,
//! `--locked`, MathJax mode), builds a bank with repeated prompts
//! (`tests/fixtures/identity/repeated.md`), then renders cards in headless
//! Chromium. Every package a build writes passes an integrity check: every
//! note has a card, GUIDs are unique, re-importing adds 0 notes and 0
//! cards, Anki's Check Database finds nothing to fix.
//! Needs `.venv` (with `anki`) and `/usr/bin/chromium`, which
//! `scripts/setup-test-env` installs; the test fails, never skips, when they
//! are missing. Screenshots land in `output/e2e/anki/`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
/// The scenario takes ~1 min (nine builds, twelve screenshots); this only
/// stops a hung build or browser.
const TIMEOUT: Duration = Duration::from_secs(900);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Panics unless the venv with `anki` and the browser are installed.
fn require_test_env() {
    let python = root().join(".venv/bin/python");
    let mut missing = Vec::new();
    if !python.exists() {
        missing.push(".venv/bin/python".to_owned());
    } else if !Command::new(&python)
        .args(["-c", "import anki.collection"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
    {
        missing.push("the `anki` package in .venv".to_owned());
    }
    if !Path::new(CHROMIUM).exists() {
        missing.push(CHROMIUM.to_owned());
    }
    assert!(missing.is_empty(), "missing {}: run scripts/setup-test-env (or scripts/test)", missing.join(", "));
}

#[test]
fn apkg_imports_into_anki() {
    require_test_env();
    let work = tempfile::tempdir().unwrap();

    let mut command = Command::new(root().join(".venv/bin/python"));
    command
        .arg(root().join("tests/anki/check_apkg.py"))
        .arg("--studymark")
        .arg(env!("CARGO_BIN_EXE_studymark"))
        .arg("--repo")
        .arg(root())
        .arg("--work")
        .arg(work.path())
        .arg("--screenshots")
        .arg(root().join("output/e2e/anki"))
        .current_dir(root());
    crate::run_check_script("tests/anki/check_apkg.py", command, TIMEOUT);
}

/// The decks of the fixture vault (`tests/fixtures/vault/`, built by
/// `crate::vault::build_vault`): `tests/anki/check_vault.py` imports them
/// with Anki's importer: note types, both cards of a reversible note, cloze
/// cards from highlights, decks from `#flashcards/...` tags, `TARGET DECK`
/// and `cards-deck`, wiki links as text, embeds as media, callouts as boxes,
/// and the integrity of every package. Screenshots land in
/// `output/e2e/anki-vault/`.
#[test]
fn vault_decks_import_into_anki() {
    require_test_env();
    let vault = crate::vault::build_vault();
    let scratch = tempfile::tempdir().unwrap();

    let mut command = Command::new(root().join(".venv/bin/python"));
    command
        .arg(root().join("tests/anki/check_vault.py"))
        .arg("--anki")
        .arg(vault.path().join("output/anki"))
        .arg("--vault")
        .arg(vault.path())
        .arg("--work")
        .arg(scratch.path())
        .arg("--screenshots")
        .arg(root().join("output/e2e/anki-vault"))
        .current_dir(root());
    crate::run_check_script("tests/anki/check_vault.py", command, TIMEOUT);
}
