//! `scripts/wild`, the measurement on real banks, kept working in CI: its
//! self-test (the marker counter on inline strings, a marker in a code
//! fence among them), then one run on a small folder shaped like a fetched
//! repository, read with this build's binary.

use std::path::Path;
use std::process::Command;

fn script() -> Command {
    let mut command = Command::new("python3");
    command.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/wild"));
    command
}

#[test]
fn wild_script_self_test_passes() {
    let output = script().arg("--self-test").output().expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "self-test failed:\n{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.lines().any(|l| l.ends_with(" passed, 0 failed")), "no summary line:\n{stdout}");
}

/// A stand-in for `golang-interview-questions/README.md` (own text, the
/// same shape: `## N. Question` headings, `###` parts of the answers, and
/// a `## 3.` line inside a code block that is no question).
const BANK: &str = "# Interview questions\n\n\
## 1. What is a goroutine?\n\nA function running concurrently.\n\n### Details\n\nScheduled by the runtime.\n\n\
## 2. What is a channel?\n\nA typed pipe between goroutines.\n\n```go\n## 3. not a question\nch := make(chan int)\n```\n";

#[test]
fn wild_script_measures_a_fetched_folder() {
    let folder = tempfile::tempdir().unwrap();
    let repo = folder.path().join("golang-interview-questions");
    std::fs::create_dir(&repo).unwrap();
    std::fs::write(repo.join("README.md"), BANK).unwrap();
    let output = script()
        .arg(folder.path())
        .args(["--bin", env!("CARGO_BIN_EXE_studymark"), "--only", "golang"])
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    // file, expected, found, at marker, answered, MCQ keyed/all, bare; no
    // trailing `*`: nothing differs.
    let row: Vec<&str> = stdout
        .lines()
        .find(|l| l.starts_with("README.md"))
        .unwrap_or_else(|| panic!("no row:\n{stdout}"))
        .split_whitespace()
        .collect();
    assert_eq!(row, ["README.md", "2", "2", "2", "2", "0/0", "0"], "{stdout}");

    let markdown = script()
        .arg(folder.path())
        .args(["--bin", env!("CARGO_BIN_EXE_studymark"), "--only", "golang", "--markdown"])
        .output()
        .expect("python3 runs");
    let table = String::from_utf8_lossy(&markdown.stdout);
    assert!(
        table
            .lines()
            .any(|l| l == "| Devinterview-io/golang-interview-questions | 1 | 2 | 2 | 2 | 2 | 0/0 | 0 | 0 |  |"),
        "{table}"
    );
}

#[test]
fn wild_script_usage_errors_exit_2() {
    let status = script().output().expect("python3 runs").status;
    assert_eq!(status.code(), Some(2));
    let status = script().arg("/nonexistent/folder").output().expect("python3 runs").status;
    assert_eq!(status.code(), Some(2));
}
