//! The built site in a real browser: `studymark build` into a temporary
//! folder, then `tests/e2e/site.mjs` drives Debian's headless Chromium over
//! the seed bank's page (see docs/site-contract.md). Needs `/usr/bin/chromium`
//! and `tests/e2e/node_modules`, which `scripts/setup-test-env` installs; the
//! test fails, never skips, when they are missing. Screenshots land in
//! `output/e2e/site/`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The browser script takes ~10 s; this only stops a hung browser.
const TIMEOUT: Duration = Duration::from_secs(300);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn site_in_headless_chromium() {
    crate::require_browser_env();
    let out = tempfile::tempdir().unwrap();

    let build = Command::new(env!("CARGO_BIN_EXE_studymark"))
        .arg("--project")
        .arg(root())
        .arg("build")
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let code = build.status.code();
    let stderr = String::from_utf8_lossy(&build.stderr);
    let page = out.path().join("site/deep-learning.html");
    assert!(
        matches!(code, Some(0 | 1)),
        "studymark build exited with {code:?} (expected 0, or 1 for the seed's code-syntax errors):\n{stderr}"
    );
    assert!(page.is_file(), "studymark build exited with {code:?} and wrote no {}:\n{stderr}", page.display());
    if code == Some(1) {
        eprintln!("studymark build exited with 1 (content errors) and wrote the site:\n{stderr}");
    }

    let mut command = Command::new("node");
    command
        .arg(root().join("tests/e2e/site.mjs"))
        .arg("--site")
        .arg(out.path().join("site"))
        .arg("--screenshots")
        .arg(root().join("output/e2e/site"))
        .current_dir(root());
    crate::run_check_script("tests/e2e/site.mjs", command, TIMEOUT);
}

/// The site of the fixture vault (`tests/fixtures/vault/`, built by
/// `crate::vault::build_vault`) in the browser: `tests/e2e/vault.mjs`
/// studies the Mitochondria note's reversible card both ways and checks its
/// wiki links, embedded image and callout in both themes. Screenshots land
/// in `output/e2e/site-vault/`.
#[test]
fn vault_site_in_headless_chromium() {
    crate::require_browser_env();
    let vault = crate::vault::build_vault();

    let mut command = Command::new("node");
    command
        .arg(root().join("tests/e2e/vault.mjs"))
        .arg("--site")
        .arg(vault.path().join("output/site"))
        .arg("--screenshots")
        .arg(root().join("output/e2e/site-vault"))
        .current_dir(root());
    crate::run_check_script("tests/e2e/vault.mjs", command, TIMEOUT);
}
