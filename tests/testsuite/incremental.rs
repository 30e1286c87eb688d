//! Incremental builds: a build re-emits only the banks whose inputs
//! changed, carries the others over, and gives the same output as a build
//! from nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn studymark(args: &[&str], dir: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_studymark")).args(args).current_dir(dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{args:?} failed:\n{stderr}");
    stderr
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("b")).unwrap();
    std::fs::write(content.join("a.md"), "? Why $x^2$?\n\nBecause $\\gamma$.\n\n? Second?\n\nYes.\n").unwrap();
    std::fs::write(content.join("b/b.md"), "? Where is the diagram?\n\n![d](d.png)\n").unwrap();
    std::fs::write(content.join("b/d.png"), b"first image").unwrap();
    std::fs::write(dir.path().join("studymark.toml"), "").unwrap();
    dir
}

/// Every output file and its bytes, as a reader of `output/site`,
/// `output/anki` and `output/print` sees them.
fn snapshot(out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    ["site", "anki", "print"]
        .into_iter()
        .flat_map(|name| walkdir::WalkDir::new(out.join(name)).follow_links(true))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(out).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn only_changed_banks_are_emitted_and_the_result_equals_a_full_build() {
    let dir = project();
    let out = dir.path().join("output");
    assert!(studymark(&["build"], dir.path()).contains("2 emitted, 0 unchanged"));
    assert!(studymark(&["build"], dir.path()).contains("2 banks up to date"));
    let b_page = read(out.join("site/b-b.html"));

    std::fs::write(dir.path().join("content/a.md"), "? Why $x^2$?\n\nBecause $\\delta$.\n\n? Second?\n\nYes.\n")
        .unwrap();
    let edited = studymark(&["build"], dir.path());
    assert!(edited.contains("1 emitted, 1 unchanged"), "{edited}");
    assert!(read(out.join("site/a.html")).contains("δ"), "the edit is in the page");
    assert_eq!(b_page, read(out.join("site/b-b.html")), "the other bank is carried over");
    assert!(out.join("anki/b-b.apkg").is_file() && out.join("print/b-b-cards.html").is_file());

    // The same project built from nothing gives the same bytes.
    let incremental = snapshot(&out);
    let fresh = tempfile::tempdir().unwrap();
    studymark(&["build", "--out", fresh.path().to_str().unwrap()], dir.path());
    assert_eq!(incremental.keys().collect::<Vec<_>>(), snapshot(fresh.path()).keys().collect::<Vec<_>>());
    assert!(incremental == snapshot(fresh.path()), "incremental output differs from a full build");
}

#[test]
fn images_removed_banks_deleted_files_and_config_changes_are_noticed() {
    let dir = project();
    let out = dir.path().join("output");
    studymark(&["build"], dir.path());
    let image = |out: &Path| std::fs::read_dir(out.join("site/media")).unwrap().next().unwrap().unwrap().path();
    let first_image = image(&out);

    // An image changes, its bank does not.
    std::fs::write(dir.path().join("content/b/d.png"), b"second image").unwrap();
    assert!(studymark(&["build"], dir.path()).contains("1 emitted, 1 unchanged"));
    assert!(!first_image.exists() && image(&out) != first_image, "the new image replaced the old one");

    // An output file is deleted: its bank is emitted again.
    std::fs::remove_file(out.join("print/a.html")).unwrap();
    assert!(studymark(&["build"], dir.path()).contains("1 emitted, 1 unchanged"));
    assert!(out.join("print/a.html").is_file());

    // A bank is removed: its files go too.
    std::fs::remove_file(dir.path().join("content/a.md")).unwrap();
    studymark(&["build"], dir.path());
    for file in ["site/a.html", "site/search/a.js", "anki/a.apkg", "print/a.html"] {
        assert!(!out.join(file).exists(), "{file} outlived its bank");
    }
    assert!(!read(out.join("site/index.html")).contains("a.html"));

    // The configuration changes: every bank is emitted again.
    std::fs::write(dir.path().join("studymark.toml"), "title = \"Renamed\"\n").unwrap();
    assert!(studymark(&["build"], dir.path()).contains("1 emitted, 0 unchanged"));
    assert!(read(out.join("site/b-b.html")).contains("Renamed"));
}

#[test]
fn building_one_output_keeps_the_others_fingerprints() {
    let dir = project();
    studymark(&["build"], dir.path());
    assert!(studymark(&["build", "--site"], dir.path()).contains("2 banks up to date"));
    assert!(studymark(&["build", "--anki", "--print"], dir.path()).contains("2 banks up to date"));
    // `build --site` (as `serve` does) after an edit changes the lock; the
    // other outputs then rebuild the edited bank only.
    std::fs::write(dir.path().join("content/a.md"), "? Why $x^3$?\n\nBecause.\n\n? Second?\n\nYes.\n").unwrap();
    assert!(studymark(&["build", "--site"], dir.path()).contains("1 emitted, 1 unchanged"));
    let rest = studymark(&["build", "--anki", "--print"], dir.path());
    assert!(rest.contains("1 emitted, 1 unchanged"), "{rest}");
    assert!(studymark(&["build"], dir.path()).contains("2 banks up to date"));
}

#[test]
fn concurrent_builds_of_one_project_wait_for_each_other() {
    let dir = project();
    let spawn =
        || Command::new(env!("CARGO_BIN_EXE_studymark")).args(["build", "-q"]).current_dir(dir.path()).spawn().unwrap();
    let (mut first, mut second) = (spawn(), spawn());
    assert!(first.wait().unwrap().success() && second.wait().unwrap().success());
    assert!(studymark(&["build"], dir.path()).contains("2 banks up to date"));
}
