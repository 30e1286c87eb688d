//! The printable handouts as PDFs: `tests/print/check_pdf.py` builds a copy
//! of the seed bank with `build --print --pdf` (this binary and Debian's
//! headless Chromium) and reads the PDFs back with poppler: worksheet
//! numbering and page breaks, answer key, duplex card layout, A4 and Letter
//! page sizes, and the message when no browser is installed (see the print
//! contract in docs/site-contract.md). Needs `/usr/bin/chromium` and
//! poppler-utils (`pdftotext`, `pdfinfo`, `pdftoppm`), which
//! `scripts/setup-test-env` installs; the test fails, never skips, when they
//! are missing. Pictures of the first pages land in `output/e2e/print/`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const POPPLER: [&str; 3] = ["pdftotext", "pdfinfo", "pdftoppm"];
/// The script takes ~10 s (two builds, six browser prints); this only stops
/// a hung build or browser.
const TIMEOUT: Duration = Duration::from_secs(900);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Panics unless the browser, poppler-utils and Python are installed.
fn require_test_env() {
    let runs = |program: &str, arg: &str| {
        Command::new(program).arg(arg).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
    };
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).exists() {
        missing.push(CHROMIUM.to_owned());
    }
    for tool in POPPLER {
        // poppler's tools print their version with `-v` (and exit 0 or 99).
        if !runs(tool, "-v") {
            missing.push(format!("{tool} (poppler-utils)"));
        }
    }
    if !runs("python3", "--version") {
        missing.push("python3".to_owned());
    }
    assert!(missing.is_empty(), "missing {}: run scripts/setup-test-env (or scripts/test)", missing.join(", "));
}

#[test]
fn handouts_print_to_pdf() {
    require_test_env();
    let work = tempfile::tempdir().unwrap();

    let mut command = Command::new("python3");
    command
        .arg(root().join("tests/print/check_pdf.py"))
        .arg("--studymark")
        .arg(env!("CARGO_BIN_EXE_studymark"))
        .arg("--repo")
        .arg(root())
        .arg("--work")
        .arg(work.path())
        .arg("--pictures")
        .arg(root().join("output/e2e/print"))
        .current_dir(root());
    crate::run_check_script("tests/print/check_pdf.py", command, TIMEOUT);
}
