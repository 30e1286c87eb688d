//! The whole pipeline on generated projects: a proptest strategy writes
//! one to four Markdown banks (structured: every question style, nested
//! lists and quotes, long words, unbalanced math, clozes, details, options
//! and keys, code fences, hostile front matter, colliding file names) into
//! a temporary project, and [`build`] runs parse → validate → render →
//! every emitter (site, anki, print) into a temporary output folder.
//!
//! Per case, in order:
//! 1. write the project under `ROOT/a/b/c/project` (so `../` ids up to
//!    four levels deep still land inside `ROOT`, where step 3 sees them),
//!    and snapshot every file under `ROOT`;
//! 2. build into `output/` and, again, into `output-2/`;
//! 3. properties: no panic; no file created or changed under `ROOT` except
//!    in the two output folders and `studymark.lock`, and nothing at the
//!    absolute canary path the ids name; each build either wrote its
//!    outputs or reported why (an error diagnostic or a failure); a build
//!    with no error passed; the outputs (`site`, `anki`, `print`, links
//!    followed) resolve inside the output folder; the two builds have the
//!    same model JSON and byte-identical outputs; each case took less than
//!    `STUDYMARK_FUZZ_CASE_SECONDS` (default 120).
//!
//! `STUDYMARK_FUZZ_SECONDS` bounds a long run by time: once spent, the
//! remaining cases pass without running.
//!
//! `STUDYMARK_FUZZ_CASES` sets the number of cases (default 12, a few
//! seconds in CI); the long local run is
//! `STUDYMARK_FUZZ_CASES=2000 cargo test --release --test testsuite pipeline_fuzz -- --nocapture`.
//!
//! An abort (stack overflow) kills the test process before proptest can
//! print the case: with `STUDYMARK_FUZZ_LAST=DIR` each case's project is
//! first written to `DIR` (replacing the last), so
//! `studymark build --project DIR` reproduces the case that aborted.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence, TestCaseError, TestRunner};
use studymark::diagnostic::Severity;
use studymark::load::Project;
use studymark::pipeline::{build, BuildOptions, BuildReport};
use studymark::progress::Progress;

/// An absolute path outside the temporary folder that hostile ids name;
/// it must never exist after a build.
const CANARY: &str = "/tmp/studymark-fuzz-canary";
/// Replaced by the temporary root in front matter: absolute ids that,
/// followed, would land where the snapshot sees them.
const ROOT_MARK: &str = "@ROOT@";

/// The longest word generated: a base64 image pasted into an answer. An
/// unoptimized build (CI's short run) takes minutes per case on 60,000
/// characters, so it stays at 5,000; the long release run goes to 60,000.
const LONGEST_WORD: usize = if cfg!(debug_assertions) { 5_000 } else { 60_000 };

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

// ---------------------------------------------------------------- strategy

/// Plain words, some with multi-byte characters.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z]{1,8}",
        1 => "[a-zA-Z0-9éüß日本語🦀“”’—…]{1,6}",
        1 => any::<char>().prop_filter("no NUL", |c| *c != '\0').prop_map(String::from),
    ]
}

/// One long word: a pasted base64 image or URL.
fn long_word(max: usize) -> impl Strategy<Value = String> {
    (100..=max, prop_oneof![Just("A"), Just("é"), Just("https://x.example/"), Just("🦀")])
        .prop_map(|(len, unit)| unit.repeat(len / unit.len().max(1)).chars().take(len).collect())
}

/// Inline math, balanced or not.
fn math() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("$x^2$".to_string()),
        Just("$\\frac{a}{b}$".to_string()),
        Just("$\\frac{a}{$".to_string()),
        Just("$}}x{$".to_string()),
        Just("$".to_string()),
        Just("$$".to_string()),
        Just("\\$5".to_string()),
        Just("$x_{".to_string()),
        Just("$\\gamma$ and $$\\beta".to_string()),
        Just("$\\notacommand{x}$".to_string()),
        (0..200usize).prop_map(|n| format!("${}x{}$", "{".repeat(n), "}".repeat(n / 2))),
        (0..300usize).prop_map(|n| "$x".repeat(n)),
    ]
}

fn cloze() -> impl Strategy<Value = String> {
    prop_oneof![
        word().prop_map(|w| format!("{{{{c1::{w}}}}}")),
        (word(), word()).prop_map(|(a, b)| format!("{{{{c2::{a}::{b}}}}}")),
        Just("{{c1::unclosed".to_string()),
        Just("}}".to_string()),
        Just("{{c0::zero}}".to_string()),
        (word(), word()).prop_map(|(a, b)| format!("{a}::{b}")),
    ]
}

/// Links, images and raw HTML, hostile or broken.
fn link() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("![d](images/001.jpg?raw=true)".to_string()),
        Just("![d](file:///etc/passwd)".to_string()),
        Just("<img src=\"../../../etc/passwd\">".to_string()),
        Just("[x](javascript:alert(1))".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("<a href=\"#q\" onclick=\"x()\">a</a>".to_string()),
        Just("[a](#missing)".to_string()),
        Just("<br/>".to_string()),
        Just("<b>".to_string()),
        Just("</div>".to_string()),
    ]
}

fn inline() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => word(),
        1 => long_word(LONGEST_WORD),
        3 => math(),
        2 => cloze(),
        2 => link(),
        1 => word().prop_map(|w| format!("**{w}**")),
        1 => word().prop_map(|w| format!("`{w}`")),
        1 => Just("*".to_string()),
        1 => Just("`".to_string()),
    ]
}

fn rich() -> impl Strategy<Value = String> {
    prop::collection::vec(inline(), 1..8).prop_map(|parts| parts.join(" "))
}

/// Code fences: labeled or not, closed or not, with multi-byte text.
fn code() -> impl Strategy<Value = String> {
    let lang = prop_oneof![
        Just(""),
        Just("python"),
        Just("rust"),
        Just("sql"),
        Just("js"),
        Just("go"),
        Just("cpp"),
        Just("text"),
        Just("nosuchlang"),
    ];
    let line = prop_oneof![
        Just("print(1)".to_string()),
        Just("fn main() {".to_string()),
        Just("SELECT “name” FROM t WHERE a = ’x’;".to_string()),
        Just("let s = \"🦀 crab\";".to_string()),
        Just("def f(x):".to_string()),
        Just("    return x".to_string()),
        Just("}".to_string()),
        Just("\"\"\"".to_string()),
        Just("```".to_string()),
        Just("\t\\".to_string()),
        (1..2000usize).prop_map(|n| "{".repeat(n)),
        rich(),
    ];
    let fence = prop_oneof![Just("```"), Just("~~~"), Just("````")];
    (fence, lang, prop::collection::vec(line, 0..8), any::<bool>()).prop_map(|(fence, lang, lines, closed)| {
        let close = if closed { fence } else { "" };
        format!("{fence}{lang}\n{}\n{close}", lines.join("\n"))
    })
}

/// Lists and quotes nested `depth` deep, in the forms people write.
fn nested() -> impl Strategy<Value = String> {
    let depth = prop_oneof![4 => 1..8usize, 1 => 8..3000usize];
    (depth, rich(), 0..4u8).prop_map(|(depth, text, form)| match form {
        0 => format!("{}{text}", "- ".repeat(depth)),
        1 => format!("{}{text}", "> ".repeat(depth)),
        2 => (0..depth.min(400)).map(|d| format!("{}- {text}\n", "  ".repeat(d))).collect(),
        _ => format!("{}{text}", "> - 1. ".repeat(depth / 3 + 1)),
    })
}

/// One block of an answer.
fn answer_block() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => rich(),
        3 => code(),
        2 => nested(),
        1 => rich().prop_map(|t| format!("#### {t}")),
        1 => rich().prop_map(|t| format!("$$\n{t}\n$$")),
        1 => (rich(), rich()).prop_map(|(a, b)| format!("| a | b |\n|---|---|\n| {a} | {b} |")),
        1 => rich().prop_map(|t| format!("<details><summary>Answer</summary>\n\n{t}\n\n</details>")),
        1 => rich().prop_map(|t| format!("## Details\n\n{t}")),
    ]
}

fn answer() -> impl Strategy<Value = String> {
    prop::collection::vec(answer_block(), 0..4).prop_map(|blocks| blocks.join("\n\n"))
}

/// Prompts; a few fixed ones, so banks hold duplicate prompts.
fn prompt() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just("What's the output?".to_string()),
        1 => Just("What does TCP guarantee?".to_string()),
        1 => Just("".to_string()),
        4 => rich().prop_map(|t| format!("{t}?")),
    ]
}

/// MCQ options and a key that may name none of them.
fn options() -> impl Strategy<Value = String> {
    let option = (0..4u8, word()).prop_map(|(form, w)| match form {
        0 => format!("- (a) {w}"),
        1 => format!("- [x] {w}"),
        2 => format!("- [ ] {w}"),
        _ => format!("B) {w}"),
    });
    let key = prop_oneof![
        Just("Answer: b".to_string()),
        Just("> Answer: c".to_string()),
        Just("**Answer:** z".to_string()),
        Just("<details><summary>Answer</summary>\n\n#### Answer: a\n\n</details>".to_string()),
        Just(String::new()),
    ];
    (prop::collection::vec(option, 0..6), key).prop_map(|(options, key)| format!("{}\n\n{key}", options.join("\n")))
}

/// One question in one of the styles, maybe with an explicit id.
fn question() -> impl Strategy<Value = String> {
    let body = (0..9u8, prompt(), answer(), options(), 2..6usize, any::<bool>()).prop_map(
        |(style, p, a, opts, level, closed)| match style {
            0 => format!("? {p}\n\n{a}"),
            1 => format!("**?** {p}\n\n{a}"),
            2 => format!("{} 3) {p}\n\n{a}", "#".repeat(level)),
            3 => format!("**{p}** 🚀\n\n{a}"),
            4 => format!("Q: {p}\nA: {a}"),
            5 => format!("<details><summary>{p}</summary>\n\n{a}\n\n{}", if closed { "</details>" } else { "" }),
            6 => format!("{} {p}\n\n{opts}\n\n{a}", "#".repeat(level)),
            7 => format!("- ?** {p}\n\n  {a}"),
            _ => format!("1.  ### {p}\n\n    {a}"),
        },
    );
    let id = prop_oneof![
        6 => Just(String::new()),
        1 => Just("<!-- id: mutex -->\n".to_string()),
        1 => Just("<!-- id: -->\n".to_string()),
        1 => "[a-z/.]{0,6}".prop_map(|id| format!("<!-- id: {id} -->\n")),
    ];
    (id, body).prop_map(|(id, body)| format!("{id}{body}"))
}

fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => question(),
        1 => rich().prop_map(|t| format!("## {t}")),
        1 => rich().prop_map(|t| format!("# {t}")),
        1 => answer_block(),
        1 => Just("---".to_string()),
    ]
}

/// Bank ids that are not file names.
fn hostile_id() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(format!("{ROOT_MARK}/abs/x")),
        Just(format!("{CANARY}/v")),
        Just("/abs/x".to_string()),
        Just("../../x".to_string()),
        Just("../../../../y".to_string()),
        Just("a/../../z".to_string()),
        Just("..".to_string()),
        Just(".".to_string()),
        Just("".to_string()),
        Just("con".to_string()),
        Just("NUL.txt".to_string()),
        Just("..\\..\\w".to_string()),
        Just("a\u{0}b".to_string()),
        Just("x-a".to_string()),
        Just("X-A".to_string()),
        Just(".hidden".to_string()),
        Just("~/x".to_string()),
        Just("日本語/ü 🦀".to_string()),
        (1..600usize).prop_map(|n| "long".repeat(n)),
        "[a-z./\\\\ -]{0,12}",
    ]
}

/// A string literal valid in TOML and YAML double-quoted scalars.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn front_matter() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(String::new()),
        2 => (hostile_id(), word()).prop_map(|(id, t)| format!("+++\nid = {}\ntitle = {}\n+++\n\n", quoted(&id), quoted(&t))),
        2 => hostile_id().prop_map(|id| format!("---\nid: {}\ntags:\naliases:\n  - a\ndate: 2024-01-01\n---\n\n", quoted(&id))),
        1 => Just("+++\nid = [1, 2]\nstyle = \"nosuch\"\nunknown = 1\n+++\n\n".to_string()),
        1 => Just("---\nid: [unclosed\n---\n\n".to_string()),
        1 => Just("+++\nid = \"unterminated\n".to_string()),
        1 => Just("---\n".to_string()),
    ]
}

fn bank() -> impl Strategy<Value = String> {
    (front_matter(), prop::collection::vec(block(), 0..10))
        .prop_map(|(front, blocks)| format!("{front}{}\n", blocks.join("\n\n")))
}

/// File names under `content/`, many of which give one bank id.
fn bank_path() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("x-a.md"),
        Just("x_a.md"),
        Just("x/a.md"),
        Just("X-A.md"),
        Just("notes.md"),
        Just("deep/er/con.md"),
        Just("ünï cöde.md"),
        Just("a.b.md"),
    ]
}

/// One to four banks; a name drawn twice keeps its first text.
fn project_files() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    prop::collection::vec((bank_path(), bank()), 1..5).prop_map(|files| {
        let mut seen = std::collections::BTreeSet::new();
        files.into_iter().filter(|(path, _)| seen.insert(*path)).collect()
    })
}

// ---------------------------------------------------------------- properties

/// Every file and folder under `root` with its size and modification time.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, Option<std::time::SystemTime>)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let meta = std::fs::symlink_metadata(e.path()).ok();
            let len = meta.as_ref().filter(|m| m.is_file()).map_or(0, |m| m.len());
            (e.path().to_path_buf(), (len, meta.and_then(|m| m.modified().ok()).filter(|_| e.file_type().is_file())))
        })
        .collect()
}

/// What a reader of the outputs sees: every file under `out/site`,
/// `out/anki` and `out/print` (links followed: they lead into the current
/// generation), with its bytes, by path under `out`.
fn output_files(out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    ["site", "anki", "print"]
        .iter()
        .flat_map(|name| walkdir::WalkDir::new(out.join(name)).follow_links(true))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(out).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// Every output, its links resolved, lies inside `out`.
fn check_outputs_inside(out: &Path) -> Result<(), TestCaseError> {
    for name in ["site", "anki", "print"] {
        if let Ok(real) = out.join(name).canonicalize() {
            prop_assert!(real.starts_with(out), "{name} leads out of the output folder, to {}", real.display());
        }
    }
    Ok(())
}

fn run_build(project: &Project, out: &Path) -> Result<BuildReport, TestCaseError> {
    let options = BuildOptions {
        paths: Vec::new(),
        out: Some(out.to_path_buf()),
        deny_warnings: false,
        strict: false,
        locked: false,
        site: false,
        anki: false,
        print: false,
        pdf: false,
        progress: Progress::hidden(),
    };
    build(project, &options)
        .map_err(|e| TestCaseError::fail(format!("build returned an error, not diagnostics: {e:#}")))
}

/// The build wrote its outputs, or said why not.
fn check_outcome(report: &BuildReport) -> Result<(), TestCaseError> {
    let errors = report.compiled.count(Severity::Error);
    prop_assert!(
        report.output.is_some() || errors > 0 || report.failure.is_some(),
        "nothing written and nothing reported"
    );
    prop_assert!(errors > 0 || report.passed(), "no error, yet the build did not pass: {:?}", report.failure);
    Ok(())
}

fn model_json(report: &BuildReport) -> String {
    serde_json::to_string(&report.compiled.banks).unwrap()
}

/// Writes a project with `files` under `content/` into `dir`, with
/// [`ROOT_MARK`] replaced by `root`.
fn write_project(dir: &Path, root: &Path, files: &[(&'static str, String)]) {
    for (path, text) in files {
        let path = dir.join("content").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text.replace(ROOT_MARK, root.to_str().unwrap())).unwrap();
    }
    std::fs::write(dir.join("studymark.toml"), "").unwrap();
}

/// Writes the project, builds it twice and checks every property.
fn run_case(files: &[(&'static str, String)], limit: Duration) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let dir = root.join("a/b/c/project");
    if let Ok(last) = std::env::var("STUDYMARK_FUZZ_LAST") {
        let _ = std::fs::remove_dir_all(&last);
        write_project(Path::new(&last), Path::new(&last), files);
    }
    write_project(&dir, &root, files);
    let before = snapshot(&root);
    let project = Project::load(&dir).map_err(|e| TestCaseError::fail(format!("project: {e:#}")))?;

    let (out, out2) = (dir.join("output"), dir.join("output-2"));
    let first = run_build(&project, &out)?;
    let second = run_build(&project, &out2)?;

    let allowed = |path: &Path| path.starts_with(&out) || path.starts_with(&out2) || path == dir.join("studymark.lock");
    for (path, state) in snapshot(&root) {
        if before.get(&path) != Some(&state) {
            prop_assert!(allowed(&path), "written outside the output folder: {}", path.display());
        }
    }
    for path in before.keys() {
        prop_assert!(path.exists(), "removed: {}", path.display());
    }
    prop_assert!(!Path::new(CANARY).exists(), "written to {CANARY}");
    prop_assert!(!Path::new("/abs").exists(), "written to /abs");

    check_outcome(&first)?;
    check_outcome(&second)?;
    check_outputs_inside(&out)?;
    check_outputs_inside(&out2)?;
    prop_assert_eq!(model_json(&first), model_json(&second), "the model differs between two builds");
    let (one, two) = (output_files(&out), output_files(&out2));
    // Else the comparison below would compare nothing.
    prop_assert!(first.output.is_none() || one.contains_key(Path::new("site/index.html")), "no site/index.html");
    prop_assert_eq!(one.keys().collect::<Vec<_>>(), two.keys().collect::<Vec<_>>(), "the builds wrote different files");
    for (path, bytes) in &one {
        prop_assert!(two[path] == *bytes, "{} differs between two builds", path.display());
    }
    let took = started.elapsed();
    prop_assert!(took < limit, "the case took {took:?}");
    Ok(())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn pipeline_fuzz() {
    let cases = env_number("STUDYMARK_FUZZ_CASES", 12) as u32;
    let limit = Duration::from_secs(env_number("STUDYMARK_FUZZ_CASE_SECONDS", 120));
    // A long local run can be bounded by time instead of cases: the cases
    // left when it is spent pass without running (the summary counts only
    // those that ran).
    let budget = Duration::from_secs(env_number("STUDYMARK_FUZZ_SECONDS", u64::MAX / 4));
    let config = ProptestConfig {
        cases,
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel("proptest-regressions"))),
        max_global_rejects: cases.saturating_mul(4).max(1024),
        // A case builds twice; unbounded shrinking could take hours.
        max_shrink_iters: env_number("STUDYMARK_FUZZ_SHRINK", 200) as u32,
        ..ProptestConfig::default()
    };
    let (ran, slowest) = (Cell::new(0u32), Cell::new(Duration::ZERO));
    let started = Instant::now();
    let result = TestRunner::new(config).run(&project_files(), |files| {
        if started.elapsed() > budget {
            return Ok(());
        }
        let case = Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case(&files, limit)));
        ran.set(ran.get() + 1);
        slowest.set(slowest.get().max(case.elapsed()));
        match outcome {
            Ok(result) => result,
            Err(payload) => Err(TestCaseError::fail(format!("panicked: {}", panic_message(&*payload)))),
        }
    });
    eprintln!(
        "pipeline_fuzz: {} cases run ({cases} required) in {:.0?}, slowest {:.1?}",
        ran.get(),
        started.elapsed(),
        slowest.get()
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
