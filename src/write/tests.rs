//! Unit tests of the output swap (`src/write.rs`): each step failed or interrupted on purpose.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::*;

const STEPS: [Step; 6] =
    [Step::Emitted, Step::Completed, Step::LockSaved, Step::Linked, Step::Switched, Step::LockWritten];

/// Builds `built` with `page.html` holding `text` and the lock `text-lock`.
fn build_stepwise(dir: &Path, built: &[&str], text: &str, step: &mut dyn FnMut(Step) -> Result<()>) -> Result<()> {
    let lock_path = dir.join("studymark.lock");
    let lock_text = format!("{text}-lock");
    let out = dir.join("output");
    let swap = Swap {
        output_dir: &out,
        built,
        lock: Some(LockWrite { path: &lock_path, text: &lock_text }),
        stale: &[out.join("stale.json")],
    };
    let emit = |generation: &Path| {
        std::fs::create_dir_all(generation.join(".scratch"))?;
        for name in built {
            std::fs::create_dir_all(generation.join(name))?;
            std::fs::write(generation.join(name).join("page.html"), text)?;
        }
        Ok(())
    };
    write_outputs_stepwise(swap, emit, step)
}

fn build(dir: &Path, built: &[&str], text: &str) -> Result<()> {
    build_stepwise(dir, built, text, &mut |_| Ok(()))
}

/// What a reader sees: each output's page and the lock.
fn seen(dir: &Path) -> Vec<String> {
    let read = |path: PathBuf| std::fs::read_to_string(path).unwrap_or_else(|_| "missing".into());
    let mut seen: Vec<String> =
        OUTPUTS.iter().map(|name| read(dir.join("output").join(name).join("page.html"))).collect();
    seen.push(read(dir.join("studymark.lock")));
    seen
}

fn whole(text: &str) -> Vec<String> {
    vec![text.into(), text.into(), text.into(), format!("{text}-lock")]
}

fn generation_folders(dir: &Path) -> usize {
    let entries = std::fs::read_dir(dir.join("output").join(GENERATIONS)).unwrap().flatten();
    entries.filter(|e| e.file_name().to_str().is_some_and(|n| n.parse::<u64>().is_ok())).count()
}

#[test]
fn a_failed_emit_leaves_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), &OUTPUTS, "old").unwrap();
    build(dir.path(), &OUTPUTS, "new").unwrap();
    assert_eq!(seen(dir.path()), whole("new"));
    let emit_fails = write_outputs(
        Swap { output_dir: &dir.path().join("output"), built: &["site"], lock: None, stale: &[] },
        |generation| {
            std::fs::create_dir_all(generation.join("site"))?;
            std::fs::write(generation.join("site/page.html"), "newer")?;
            bail!("emitter failed")
        },
    );
    assert!(emit_fails.is_err());
    assert_eq!(seen(dir.path()), whole("new"));
    assert_eq!(generation_folders(dir.path()), 1);
}

/// A build that fails at any step, or is killed there (a panic stops
/// it as abruptly), leaves all the old outputs and lock or, once the
/// next build has recovered, all the new ones; never a mix.
#[test]
fn every_step_failed_or_interrupted_leaves_old_or_new_whole() {
    for at in STEPS {
        for killed in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            build(dir.path(), &OUTPUTS, "old").unwrap();
            std::fs::write(dir.path().join("output/stale.json"), "{}").unwrap();
            let mut step = |step: Step| match (step == at, killed) {
                (true, true) => panic!("killed at {step:?}"),
                (true, false) => bail!("failed at {step:?}"),
                _ => Ok(()),
            };
            let result = catch_unwind(AssertUnwindSafe(|| build_stepwise(dir.path(), &OUTPUTS, "new", &mut step)));
            assert!(!matches!(result, Ok(Ok(()))), "{at:?} killed={killed}");
            recover_lock(&dir.path().join("output"), &dir.path().join("studymark.lock")).unwrap();
            let after = seen(dir.path());
            let switched = STEPS.iter().position(|&s| s == at) >= STEPS.iter().position(|&s| s == Step::Switched);
            assert_eq!(after, whole(if switched { "new" } else { "old" }), "{at:?} killed={killed}");
            let stale_kept = dir.path().join("output/stale.json").exists();
            assert!(!switched || !stale_kept, "caches of the old outputs outlive them ({at:?})");
            build(dir.path(), &OUTPUTS, "next").unwrap();
            assert_eq!(seen(dir.path()), whole("next"), "{at:?} killed={killed}");
            assert_eq!(generation_folders(dir.path()), 1, "{at:?} killed={killed}");
        }
    }
}

#[test]
fn recovery_never_overwrites_a_lock_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), &OUTPUTS, "old").unwrap();
    let mut kill = |step: Step| if step == Step::Switched { panic!("killed") } else { Ok(()) };
    let _ = catch_unwind(AssertUnwindSafe(|| build_stepwise(dir.path(), &OUTPUTS, "new", &mut kill)));
    std::fs::write(dir.path().join("studymark.lock"), "checked out by the user").unwrap();
    recover_lock(&dir.path().join("output"), &dir.path().join("studymark.lock")).unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join("studymark.lock")).unwrap(), "checked out by the user");
    recover_lock(&dir.path().join("output"), &dir.path().join("studymark.lock")).unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join("studymark.lock")).unwrap(), "checked out by the user");
}

#[test]
fn outputs_not_built_are_kept_in_the_new_generation() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), &OUTPUTS, "old").unwrap();
    build(dir.path(), &["site"], "new").unwrap();
    assert_eq!(seen(dir.path()), ["new", "old", "old", "new-lock"]);
    assert!(dir.path().join("output/anki").join(MARKER).is_file());
    assert_eq!(generation_folders(dir.path()), 1);
    assert!(!dir.path().join("output/.generations/current/.scratch").exists());
}

#[test]
fn folders_of_an_earlier_studymark_become_links() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("output/site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join(MARKER), "").unwrap();
    std::fs::write(site.join("page.html"), "old").unwrap();
    build(dir.path(), &OUTPUTS, "new").unwrap();
    assert!(std::fs::symlink_metadata(&site).unwrap().file_type().is_symlink());
    assert_eq!(seen(dir.path()), whole("new"));
}

#[test]
fn what_studymark_did_not_create_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("output/site")).unwrap();
    std::fs::write(dir.path().join("output/site/mine.txt"), b"user data").unwrap();
    let result = build(dir.path(), &OUTPUTS, "new");
    assert!(result.unwrap_err().to_string().contains("did not create it"));
    assert!(dir.path().join("output/site/mine.txt").exists());
    assert!(!dir.path().join("output/anki").exists(), "nothing is written when one output is refused");

    let other = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(other.path().join("output")).unwrap();
    std::os::unix::fs::symlink(dir.path(), other.path().join("output/print")).unwrap();
    let result = build(other.path(), &OUTPUTS, "new");
    assert!(result.unwrap_err().to_string().contains("did not create it"));
}

#[test]
fn an_old_generation_that_cannot_be_removed_does_not_fail_the_build() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), &OUTPUTS, "old").unwrap();
    let old = std::fs::canonicalize(dir.path().join("output/site")).unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o555)).unwrap();
    build(dir.path(), &OUTPUTS, "new").unwrap();
    assert_eq!(seen(dir.path()), whole("new"));
    build(dir.path(), &OUTPUTS, "next").unwrap();
    assert_eq!(seen(dir.path()), whole("next"));
    // Where the removal failed (not as root), let the tempdir go.
    let _ = std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755));
}
