//! `studymark build` end to end on disk: what the site contains, that it is
//! reproducible and cached, that failures leave the previous output alone,
//! that untrusted HTML is sanitized and that themes override file by file.

use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn studymark(args: &[&str], dir: &Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_studymark")).args(args).current_dir(dir).output().unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A throwaway project with the given banks (path, text) and config.
pub(crate) fn project(banks: &[(&str, &str)], config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in banks {
        let path = dir.path().join("content").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::write(dir.path().join("studymark.toml"), config).unwrap();
    dir
}

pub(crate) fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn seed_site_has_every_question_rendered() {
    let out = tempfile::tempdir().unwrap();
    let (code, stderr) = studymark(&["build", "--out", out.path().to_str().unwrap()], repo());
    assert_eq!(code, 0, "{stderr}");
    let page = read(out.path().join("site/deep-learning.html"));
    assert_eq!(page.matches("<article class=\"question\"").count(), 13);
    assert!(page.matches("class=\"katex\"").count() >= 9);
    assert!(!page.contains("$\\gamma"), "raw TeX left in the page");
    assert!(page.contains("<pre class=\"code\" data-lang=\"python\"><code><span class=\"hl-"));
    for file in
        ["index.html", "search-index.js", "static/highlight.css", "static/katex/katex.min.css", "static/katex/LICENSE"]
    {
        assert!(out.path().join("site").join(file).is_file(), "{file} missing");
    }
    let index = read(out.path().join("site/index.html"));
    for bank in ["deep-learning.html", "tour-marker.html", "tour-qa.html"] {
        assert!(index.contains(bank), "index lacks {bank}");
    }
}

#[test]
fn builds_are_reproducible_and_the_second_renders_nothing() {
    let dir = project(&[("a.md", "? Why $x^2$?\n\n```python\nprint(1)\n```\n\nBecause $\\gamma$.\n")], "");
    let (code, first) = studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{first}");
    assert!(first.contains("3 math/code fragments rendered, 0 from cache"), "{first}");
    let page = read(dir.path().join("output/site/a.html"));
    let index = read(dir.path().join("output/site/search/a.js"));
    let (_, second) = studymark(&["build"], dir.path());
    assert!(second.contains("1 bank up to date"), "{second}");
    // Without fingerprints everything is emitted again, from the cache.
    std::fs::remove_file(dir.path().join("output/.cache/fingerprints.json")).unwrap();
    let (_, third) = studymark(&["build"], dir.path());
    assert!(third.contains("0 math/code fragments rendered, 3 from cache"), "{third}");
    assert_eq!(page, read(dir.path().join("output/site/a.html")));
    assert_eq!(index, read(dir.path().join("output/site/search/a.js")));
}

#[test]
fn a_strict_build_with_errors_leaves_the_previous_output() {
    let dir = project(&[("a.md", "? Q?\n\nA.\n")], "");
    assert_eq!(studymark(&["build"], dir.path()).0, 0);
    let before = read(dir.path().join("output/site/a.html"));
    std::fs::write(dir.path().join("content/a.md"), "? Q?\n\nBroken $\\frac{1}$.\n").unwrap();
    let (code, stderr) = studymark(&["build", "--strict"], dir.path());
    assert_eq!(code, 1);
    assert!(stderr.contains("math-parse") && stderr.contains("previous output is untouched"), "{stderr}");
    assert_eq!(before, read(dir.path().join("output/site/a.html")));
    std::fs::write(dir.path().join("content/a.md"), "? Q?\n\n? R?\n\nB.\n").unwrap();
    let (code, stderr) = studymark(&["build", "--deny-warnings"], dir.path());
    assert_eq!(code, 1);
    assert!(stderr.contains("empty-answer") && stderr.contains("previous output is untouched"), "{stderr}");
    assert_eq!(before, read(dir.path().join("output/site/a.html")));
}

#[test]
fn a_question_with_an_error_is_left_out_and_the_rest_is_built() {
    let bank = "? Kept first?\n\nA.\n\n? Broken?\n\nBroken $\\frac{1}$.\n\n? Which is prime?  \n(a) 4  \n(b) 7\n\n(e) none of them\n\n? Kept last?\n\nD.\n";
    let dir = project(&[("a.md", bank), ("b.md", "? Other bank?\n\nE.\n")], "");
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 1, "errors must fail the build: {stderr}");
    assert!(stderr.contains("error[math-parse]") && stderr.contains("error[mcq-key]"), "{stderr}");
    assert!(stderr.contains("left out of the outputs, the rest is written"), "{stderr}");
    let page = read(dir.path().join("output/site/a.html"));
    assert!(page.contains("Kept first?") && page.contains("Kept last?"), "{page}");
    assert!(!page.contains("Broken?") && !page.contains("Which is prime?"), "a question with an error was built");
    assert!(read(dir.path().join("output/site/b.html")).contains("Other bank?"));
    let handout = read(dir.path().join("output/print/a.html"));
    assert!(handout.contains("Kept last?") && !handout.contains("Broken?"));
    let (notes, _) = package_contents(&dir.path().join("output/anki/a.apkg"));
    assert_eq!(notes.len(), 2, "{notes:?}");
    // The lock keeps the left-out questions' ids: fixing them later gives no new ids.
    let lock = read(dir.path().join("studymark.lock"));
    assert_eq!(lock.matches("[[question]]").count(), 5, "{lock}");
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 1, "an up-to-date build with errors still fails: {stderr}");
    assert!(stderr.contains("error[math-parse]"), "{stderr}");
}

#[test]
fn untrusted_html_is_sanitized() {
    let bank =
        "? Q <script>alert(1)</script>?\n\nA [link](javascript:alert(2)) <img src=https://example.org/x.png onerror=alert(3)> <sub>2</sub>\n";
    let dir = project(&[("a.md", bank)], "");
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning[unsafe-link]"), "{stderr}");
    let page = read(dir.path().join("output/site/a.html"));
    let body = &page[page.find("<article").unwrap()..];
    assert!(body.contains("<img src=\"https://example.org/x.png\">"), "{body}");
    assert!(!body.contains("alert("), "{body}");
    assert!(body.contains("<sub>2</sub>"));
}

#[test]
fn images_are_copied_with_hashed_names() {
    let dir = project(&[("a/a.md", "? Q?\n\n![d](d.png)\n"), ("b/b.md", "? R?\n\n![d](d.png)\n")], "");
    std::fs::write(dir.path().join("content/a/d.png"), b"first").unwrap();
    std::fs::write(dir.path().join("content/b/d.png"), b"second").unwrap();
    assert_eq!(studymark(&["build"], dir.path()).0, 0);
    let media: Vec<_> = std::fs::read_dir(dir.path().join("output/site/media")).unwrap().collect();
    assert_eq!(media.len(), 2, "two different d.png, two media files");
    let page = read(dir.path().join("output/site/a-a.html"));
    assert!(page.contains("src=\"media/") && page.contains(".png\""), "{page}");
}

#[test]
fn a_user_theme_overrides_one_file() {
    let dir = project(&[("a.md", "? Q?\n\nA.\n")], "theme = \"mytheme\"\n");
    std::fs::create_dir_all(dir.path().join("mytheme/static")).unwrap();
    std::fs::write(dir.path().join("mytheme/static/style.css"), "/* mine */").unwrap();
    assert_eq!(studymark(&["build"], dir.path()).0, 0);
    assert_eq!(read(dir.path().join("output/site/static/style.css")), "/* mine */");
    assert!(dir.path().join("output/site/static/site.js").is_file(), "other files come from the default theme");
}

#[test]
fn output_folders_studymark_did_not_create_are_left_alone() {
    let dir = project(&[("a.md", "? Q?\n\nA.\n")], "");
    std::fs::create_dir_all(dir.path().join("output/site")).unwrap();
    std::fs::write(dir.path().join("output/site/notes.txt"), "mine").unwrap();
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("did not create it"), "{stderr}");
    assert_eq!(read(dir.path().join("output/site/notes.txt")), "mine");
}

#[test]
fn anki_packages_are_reproducible_and_the_lock_guards_them() {
    let dir = project(&[("a.md", "? Why $x^2$?\n\nBecause.\n\n? Pick one  \n(a) x  \n(b) y\n\n(b) y.\n")], "");
    assert_eq!(studymark(&["build", "--anki"], dir.path()).0, 0);
    let apkg = dir.path().join("output/anki/a.apkg");
    let first = std::fs::read(&apkg).unwrap();
    assert!(!dir.path().join("output/site").exists(), "--anki builds only the decks");
    let lock = read(dir.path().join("studymark.lock"));
    assert_eq!(lock.matches("[[question]]").count(), 2);
    assert_eq!(lock.matches("[[note_type]]").count(), 4, "every note type, used or not");

    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(studymark(&["build", "--anki", "--locked"], dir.path()).0, 0, "unchanged content passes --locked");
    assert_eq!(std::fs::read(&apkg).unwrap(), first, "same input, same package bytes");
    assert_eq!(read(dir.path().join("studymark.lock")), lock);

    std::fs::write(dir.path().join("content/a.md"), "? Why $x^2$?\n\nBecause it is squared.\n").unwrap();
    let (code, stderr) = studymark(&["build", "--locked"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--locked"), "{stderr}");
    assert_eq!(read(dir.path().join("studymark.lock")), lock, "--locked leaves the lock alone");

    std::fs::write(dir.path().join("studymark.lock"), "version = 1\n[[question]]\nid = 3\n").unwrap();
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("corrupt"), "{stderr}");
}

#[test]
fn print_handouts_follow_the_answers_setting() {
    let bank = "? Pick  \n(a) x  \n(b) y\n\n(b) y.\n\n? Why?\n\nBecause.\n";
    let dir = project(&[("a.md", bank)], "");
    assert_eq!(studymark(&["build", "--print"], dir.path()).0, 0);
    let worksheet = read(dir.path().join("output/print/a.html"));
    assert_eq!(worksheet.matches("<section class=\"question\"").count(), 2);
    assert!(worksheet.contains("<div class=\"answer-space\">"));
    assert!(!worksheet.contains("Because."), "the worksheet keeps answers out");
    assert!(!worksheet.contains("<script"), "print pages need no JavaScript");
    assert!(worksheet.contains("size: A4"));
    let key = read(dir.path().join("output/print/a-answers.html"));
    assert!(key.contains("Answer: (b)") && key.contains("Because."));
    let cards = read(dir.path().join("output/print/a-cards.html"));
    assert_eq!(cards.matches("class=\"sheet front\"").count(), 1);
    assert_eq!(cards.matches("class=\"sheet back\"").count(), 1);

    std::fs::write(dir.path().join("studymark.toml"), "[print]\nanswers = \"inline\"\npaper = \"Letter\"\n").unwrap();
    assert_eq!(studymark(&["build", "--print"], dir.path()).0, 0);
    let inline = read(dir.path().join("output/print/a.html"));
    assert!(inline.contains("Because.") && inline.contains("size: letter"));
    assert!(!dir.path().join("output/print/a-answers.html").exists());

    std::fs::write(dir.path().join("studymark.toml"), "[print]\nanswers = \"none\"\n").unwrap();
    assert_eq!(studymark(&["build", "--print"], dir.path()).0, 0);
    assert!(!read(dir.path().join("output/print/a.html")).contains("Because."));
    assert!(!dir.path().join("output/print/a-cards.html").exists());
}

/// An `.apkg`'s archive and its collection, opened from a scratch copy.
pub(crate) struct Package {
    pub archive: zip::ZipArchive<std::fs::File>,
    pub conn: rusqlite::Connection,
    _scratch: tempfile::TempDir,
}

pub(crate) fn open_package(apkg: &Path) -> Package {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(apkg).unwrap()).unwrap();
    let mut db = Vec::new();
    archive.by_name("collection.anki2").unwrap().read_to_end(&mut db).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    std::fs::write(scratch.path().join("c.anki2"), db).unwrap();
    let conn = rusqlite::Connection::open(scratch.path().join("c.anki2")).unwrap();
    Package { archive, conn, _scratch: scratch }
}

/// The notes (guid, tags) and deck names in a package.
fn package_contents(apkg: &Path) -> (Vec<(String, String)>, Vec<String>) {
    let conn = open_package(apkg).conn;
    let mut statement = conn.prepare("SELECT guid, tags FROM notes ORDER BY guid").unwrap();
    let notes = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    let decks: String = conn.query_row("SELECT decks FROM col", [], |r| r.get(0)).unwrap();
    let decks: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&decks).unwrap();
    (notes, decks.values().map(|d| d["name"].as_str().unwrap().to_string()).collect())
}

#[test]
fn packages_hold_the_banks_notes_and_nothing_of_the_template() {
    // A bank named "template", with cloze, multiple-choice and open
    // questions in two topics.
    let bank = "# Topic one\n\n? Basic question?\n\nAnswer.\n\n? The {{c1::cloze}} and {{c2::two}}\n\n\
                # Topic two\n\n? Which one?\n\n- (a) this\n- (b) that\n\n**Answer: b**\n";
    let dir = project(&[("template.md", bank)], "");
    let (code, stderr) = studymark(&["build", "--anki"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let (notes, decks) = package_contents(&dir.path().join("output/anki/template.apkg"));
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes.iter().all(|(guid, _)| guid.starts_with("studymark-template-")), "{notes:?}");
    assert!(notes.iter().all(|(_, tags)| tags.contains("studymark::topic::")), "{notes:?}");
    assert!(!decks.iter().any(|d| d == "studymark template"), "{decks:?}");
    assert!(decks.iter().any(|d| d.ends_with("::Topic two")), "{decks:?}");
}
