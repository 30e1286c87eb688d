//! `studymark serve` in a real browser: `tests/e2e/serve.mjs` starts this
//! binary on a free port over a copy of `tests/fixtures/serve/`, then, in
//! Debian's headless Chromium and without reloading by hand, edits a prompt
//! and sees the page change, breaks a formula and sees the error overlay
//! (the last good build still served), and fixes it. Needs `/usr/bin/chromium`
//! and `tests/e2e/node_modules`, which `scripts/setup-test-env` installs; the
//! test fails, never skips, when they are missing. Screenshots land in
//! `output/e2e/serve/`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The script takes ~15 s; this only stops a hung server or browser.
const TIMEOUT: Duration = Duration::from_secs(300);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the folder `from` into `to` (created), files and subfolders.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn serve_reloads_and_shows_errors_in_headless_chromium() {
    crate::require_browser_env();
    let project = tempfile::tempdir().unwrap();
    copy_folder(&crate::fixtures().join("serve"), project.path());

    let mut command = Command::new("node");
    command
        .arg(root().join("tests/e2e/serve.mjs"))
        .arg("--studymark")
        .arg(env!("CARGO_BIN_EXE_studymark"))
        .arg("--project")
        .arg(project.path())
        .arg("--screenshots")
        .arg(root().join("output/e2e/serve"))
        .current_dir(root());
    crate::run_check_script("tests/e2e/serve.mjs", command, TIMEOUT);
}
