//! The integration test suite: one binary, one module per feature, fixture
//! banks under `tests/fixtures/`.

mod architecture;
mod build;
mod cli;
mod diagnostics;
mod docs;
mod e2e_anki;
mod e2e_print;
mod e2e_serve;
mod e2e_site;
mod identity;
mod incremental;
mod integrity;
mod media;
mod output_snapshots;
mod pipeline_fuzz;
mod robustness;
mod seed;
mod styles;
mod vault;
mod wild;
mod wild_script;

use std::path::{Path, PathBuf};

use studymark::load::Project;
use studymark::Compiled;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Compiles the given paths with the default configuration.
pub fn compile_paths(paths: &[PathBuf]) -> Compiled {
    let project = Project::load(&fixtures()).expect("fixtures load");
    studymark::pipeline::check(&project, paths, &Default::default()).expect("compiles")
}

/// Panics unless Chromium, Node and the browser scripts' dependencies
/// (`tests/e2e/node_modules`) are installed, as `scripts/setup-test-env`
/// does: the browser tests fail, never skip, without them.
pub fn require_browser_env() {
    use std::process::{Command, Stdio};
    const CHROMIUM: &str = "/usr/bin/chromium";
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).exists() {
        missing.push(CHROMIUM.to_owned());
    }
    if !root.join("tests/e2e/node_modules/playwright-core").is_dir() {
        missing.push("tests/e2e/node_modules (playwright-core)".to_owned());
    }
    if Command::new("node").arg("--version").stdout(Stdio::null()).status().map(|s| !s.success()).unwrap_or(true) {
        missing.push("node".to_owned());
    }
    assert!(missing.is_empty(), "missing {}: run scripts/setup-test-env (or scripts/test)", missing.join(", "));
}

/// Runs an end-to-end check script to completion (killed after `timeout`),
/// prints its output and asserts it passed: exit 0 and a closing
/// `N passed, 0 failed` line. Output goes to files: a pipe left unread
/// could fill up.
pub fn run_check_script(name: &str, mut command: std::process::Command, timeout: std::time::Duration) {
    use std::process::Stdio;
    let logs = tempfile::tempdir().unwrap();
    let log = |file: &str| std::fs::File::create(logs.path().join(file)).unwrap();
    let mut child = command.stdin(Stdio::null()).stdout(log("stdout")).stderr(log("stderr")).spawn().unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > timeout {
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let stdout = std::fs::read_to_string(logs.path().join("stdout")).unwrap_or_default();
    let stderr = std::fs::read_to_string(logs.path().join("stderr")).unwrap_or_default();
    println!("{stdout}");
    eprintln!("{stderr}");
    let status = status.unwrap_or_else(|| panic!("{name} ran longer than {timeout:?}:\n{stdout}\n{stderr}"));
    assert!(status.success(), "{name} failed ({status}):\n{stdout}\n{stderr}");
    assert!(stdout.lines().any(|l| l.ends_with(" passed, 0 failed")), "no summary line:\n{stdout}");
}
