//! The command line as a user runs it: exit codes, JSON lines, outline.

use std::path::Path;
use std::process::Command;

fn studymark(args: &[&str], dir: &Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_studymark")).args(args).current_dir(dir).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_json_lines_and_summary() {
    let (code, stdout, _) = studymark(&["check", "content/deep-learning.md", "--format", "json"], root());
    assert_eq!(code, 0, "the seed has warnings only");
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let (summary, diagnostics) = lines.split_last().unwrap();
    assert_eq!(summary["summary"]["questions"], 13);
    assert_eq!(summary["summary"]["errors"], 0);
    assert_eq!(summary["summary"]["warnings"], 14);
    assert_eq!(summary["summary"]["code_checked"]["python"], 11);
    for d in diagnostics {
        for key in ["severity", "code", "file", "line", "column", "message"] {
            assert!(d.get(key).is_some(), "{d} lacks {key}");
        }
    }
    assert_eq!(diagnostics[0]["code"], "inferred-question");
    assert_eq!(diagnostics[0]["severity"], "warning");
    assert_eq!(diagnostics[0]["file"], "content/deep-learning.md");
}

#[test]
fn human_format_shows_snippet_and_caret() {
    let (code, _, stderr) = studymark(&["check", "tests/fixtures/diagnostics/mcq-key.md"], root());
    assert_eq!(code, 1);
    assert!(stderr.contains("error[mcq-key]"), "{stderr}");
    assert!(stderr.contains("tests/fixtures/diagnostics/mcq-key.md:6:1"), "{stderr}");
    assert!(stderr.contains("6 │ (e) none of them"), "{stderr}");
    assert!(stderr.contains("^^^"), "{stderr}");
}

#[test]
fn warnings_pass_unless_denied() {
    let file = "tests/fixtures/diagnostics/inferred-question.md";
    assert_eq!(studymark(&["check", file], root()).0, 0);
    assert_eq!(studymark(&["check", file, "--deny-warnings"], root()).0, 1);
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(studymark(&["check", "--format", "xml"], root()).0, 2);
    let (code, _, stderr) = studymark(&["check", "does/not/exist.md"], root());
    assert_eq!(code, 2);
    assert!(stderr.contains("does/not/exist.md"), "{stderr}");
}

#[test]
fn outline_lists_topics_questions_and_counts() {
    let (_, stdout, _) = studymark(&["check", "content/deep-learning.md", "--outline"], root());
    assert!(stdout.contains("(marker style, 13 questions)"), "{stdout}");
    assert!(stdout.contains("mcq 4 key c"), "{stdout}");
    assert!(stdout.contains("L62-66"), "{stdout}");
    assert!(stdout.contains("inferred"), "{stdout}");
}

#[test]
fn model_prints_the_documented_json() {
    let (code, stdout, _) = studymark(&["model"], root());
    assert_eq!(code, 0);
    let model: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let banks = model["banks"].as_array().unwrap();
    assert_eq!(banks.len(), 6, "the seed and five tour banks");
    let q = &banks[0]["topics"][0]["questions"][9];
    for key in [
        "id",
        "number",
        "line",
        "prompt",
        "kind",
        "choices",
        "correct",
        "prompt_code",
        "answer",
        "details",
        "tags",
        "difficulty",
    ] {
        assert!(q.get(key).is_some(), "question lacks {key}");
    }
    assert_eq!(q["kind"], "multiple_choice");
    assert_eq!(q["correct"], serde_json::json!([2]));
    assert_eq!(q["prompt_code"][0]["line"], 118);
    assert_eq!(q["prompt_code"][0]["language"], "python");
}

#[test]
fn config_problems_are_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("content/a.md"), "? Q?\n\nA.\n").unwrap();
    std::fs::write(dir.path().join("studymark.toml"), "title = \"T\"\ncolour = \"red\"\n").unwrap();
    let (code, stdout, _) = studymark(&["check", "--format", "json"], dir.path());
    assert_eq!(code, 0);
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["code"], "unknown-config-key");
    assert_eq!(first["line"], 2);
    assert!(first["message"].as_str().unwrap().contains("`colour`"));

    std::fs::write(dir.path().join("studymark.toml"), "[print]\npaper = 3\n").unwrap();
    let (code, stdout, _) = studymark(&["check", "--format", "json"], dir.path());
    assert_eq!(code, 1);
    assert!(stdout.contains("\"invalid-config\""), "{stdout}");
}

#[test]
fn quiet_verbose_and_progress_only_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("studymark.toml"), "").unwrap();
    // An empty answer is a warning: -q hides it, the default shows it.
    std::fs::write(dir.path().join("content/a.md"), "? First?\n\n? Second?\n\nYes.\n").unwrap();
    let (code, _, quiet) = studymark(&["build", "-q"], dir.path());
    assert_eq!((code, quiet.as_str()), (0, ""), "-q prints nothing on success");
    let (_, _, normal) = studymark(&["build"], dir.path());
    assert!(normal.contains("empty-answer") && normal.contains("1 bank up to date"), "{normal}");
    assert!(!normal.contains('\r') && !normal.contains("emitting"), "no progress when piped: {normal:?}");

    std::fs::write(dir.path().join("content/a.md"), "? First?\n\nNo.\n\n? Second?\n\nYes.\n").unwrap();
    let (_, _, verbose) = studymark(&["build", "-v"], dir.path());
    assert!(
        verbose.contains("emitted: a") && verbose.contains("validate") && verbose.contains("render, emit, write"),
        "{verbose}"
    );

    // On a terminal (a pseudo-terminal from util-linux `script`) the bar shows.
    std::fs::write(dir.path().join("content/a.md"), "? First?\n\nNo!\n").unwrap();
    let command = format!("{} build", env!("CARGO_BIN_EXE_studymark"));
    let output = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .env_remove("CI")
        .output()
        .expect("util-linux script");
    let terminal = String::from_utf8_lossy(&output.stdout);
    assert!(terminal.contains("banks") && terminal.contains("built 1 bank"), "{terminal:?}");
}
