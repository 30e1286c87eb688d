//! Nothing a bank says writes outside the output folder, no two banks
//! share outputs, and front matter as note tools write it is read.

use std::path::{Path, PathBuf};

use crate::build::{project, read, studymark};

/// Every file under `root`, relative to it.
fn files_under(root: &Path) -> Vec<PathBuf> {
    let walker = walkdir::WalkDir::new(root).into_iter().filter_map(Result::ok);
    walker.filter(|e| !e.file_type().is_dir()).map(|e| e.path().strip_prefix(root).unwrap().to_path_buf()).collect()
}

#[test]
fn hostile_bank_ids_write_nothing_outside_the_output_folder() {
    let sandbox = tempfile::tempdir().unwrap();
    let absolute = sandbox.path().join("elsewhere/v");
    let absolute_id = format!("+++\nid = \"{}\"\n+++\n\n? One?\n\nA.\n", absolute.display());
    let long_id = format!("+++\nid = \"{}\"\n+++\n\n? Five?\n\nE.\n", "x".repeat(300));
    let banks = [
        ("a.md", absolute_id.as_str()),
        ("b.md", "+++\nid = \"../../../escape/x\"\n+++\n\n? Two?\n\nB.\n"),
        ("c.md", "---\nid: a/b\n---\n\n? Three?\n\nC.\n"),
        ("d.md", "+++\nid = \".hidden\"\n+++\n\n? Four?\n\nD.\n"),
        ("e.md", long_id.as_str()),
    ];
    let dir = project(&banks, "");
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.matches("warning[front-matter-value]").count(), 5, "{stderr}");
    assert!(!sandbox.path().join("elsewhere").exists(), "wrote next to the absolute id");
    let outside: Vec<PathBuf> = files_under(dir.path())
        .into_iter()
        .filter(|f| !f.starts_with("output") && !f.starts_with("content"))
        .filter(|f| !["studymark.toml", "studymark.lock"].contains(&f.to_str().unwrap()))
        .collect();
    assert!(outside.is_empty(), "written outside output/: {outside:?}");
    let site = dir.path().join("output/site");
    let ids = ["escape-x", "a-b", "hidden"];
    for id in ids {
        assert!(site.join(format!("{id}.html")).is_file(), "{id}.html missing: {stderr}");
    }
    let absolute_page = files_under(&site).into_iter().filter(|f| f.to_string_lossy().ends_with("elsewhere-v.html"));
    assert_eq!(absolute_page.count(), 1, "{:?}", files_under(&site));
    let long_page = files_under(&site).into_iter().find(|f| f.to_string_lossy().starts_with("xxx")).unwrap();
    assert!(long_page.to_string_lossy().len() <= 105, "{long_page:?}");
}

#[test]
fn banks_with_one_id_are_an_error_naming_both_files() {
    let banks = [
        ("x-a.md", "? One?\n\nA.\n"),
        ("x_a.md", "? Two?\n\nB.\n"),
        ("x/a.md", "? Three?\n\nC.\n"),
        ("X-A.md", "? Four?\n\nD.\n"),
    ];
    let dir = project(&banks, "");
    let (code, stderr) = studymark(&["check"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.matches("error[duplicate-bank]").count(), 3, "{stderr}");
    // Path order: `X-A.md` sorts first and keeps the id.
    assert_eq!(stderr.matches("is already the id of ./content/X-A.md").count(), 3, "{stderr}");
    for loser in ["x-a.md", "x_a.md", "x/a.md"] {
        assert!(stderr.contains(&format!("┌─ ./content/{loser}")), "{loser} not named: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_leading_out_of_the_content_folder_are_skipped_with_a_warning() {
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("secret.md"), "? Secret?\n\nS.\n").unwrap();
    let dir = project(&[("inside/real.md", "? Real?\n\nR.\n")], "");
    let content = dir.path().join("content");
    std::os::unix::fs::symlink(secret.path().join("secret.md"), content.join("out.md")).unwrap();
    std::os::unix::fs::symlink(secret.path(), content.join("outdir")).unwrap();
    std::os::unix::fs::symlink(content.join("nowhere.md"), content.join("broken.md")).unwrap();
    std::os::unix::fs::symlink(&content, content.join("inside/loop")).unwrap();
    std::os::unix::fs::symlink(content.join("inside"), content.join("alias")).unwrap();
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.matches("warning[skipped-link]").count(), 3, "{stderr}");
    for link in ["out.md", "outdir", "broken.md"] {
        assert!(stderr.contains(&format!("┌─ ./content/{link}")), "{link} not reported: {stderr}");
    }
    let site = dir.path().join("output/site");
    // Links inside the folder are aliases: each file is read once, under its own path.
    assert!(stderr.contains("checked 1 files: 1 questions"), "{stderr}");
    assert!(site.join("inside-real.html").is_file(), "{:?}", files_under(&site));
    let pages: String = files_under(&site)
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
        .map(|f| read(site.join(f)))
        .collect();
    assert!(!pages.contains("Secret?"), "a bank outside the content folder was published");
}

#[test]
fn obsidian_front_matter_builds_with_warnings_only() {
    let bank = "---\naliases:\n  - networking\ntags:\ncreated: 2024-01-05\ncssclass: wide\n---\n\n? What does TCP guarantee?\n\nOrdered delivery.\n";
    let dir = project(&[("net.md", bank)], "");
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning[front-matter-value]"), "empty `tags:` not reported: {stderr}");
    assert!(
        stderr.contains("info[unknown-front-matter-key]") || stderr.contains("note[unknown-front-matter-key]"),
        "{stderr}"
    );
    assert!(read(dir.path().join("output/site/net.html")).contains("What does TCP guarantee?"));
}

/// What a reader of the outputs sees: every file of site, anki and print.
fn outputs_seen(out: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let walk =
        ["site", "anki", "print"].into_iter().flat_map(|n| walkdir::WalkDir::new(out.join(n)).follow_links(true));
    let files = walk.filter_map(Result::ok).filter(|e| e.file_type().is_file());
    files.map(|e| (e.path().strip_prefix(out).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap())).collect()
}

#[test]
fn a_build_failing_while_it_writes_leaves_every_output_and_the_lock_as_they_were() {
    let dir = project(&[("a.md", "? One?\n\nA.\n")], "theme = \"mytheme\"\n");
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let (before, lock_before) = (outputs_seen(&dir.path().join("output")), read(dir.path().join("studymark.lock")));
    assert!(before.iter().any(|(p, _)| p.starts_with("anki")) && before.iter().any(|(p, _)| p.starts_with("print")));

    // A new question (a new lock entry), and a print template that fails
    // once the site has been written into the new generation.
    std::fs::write(dir.path().join("content/a.md"), "? One?\n\nA.\n\n? Two?\n\nB.\n").unwrap();
    let templates = dir.path().join("mytheme/templates/print");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("worksheet.html"), "{{ no_such_variable.field }}").unwrap();
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(outputs_seen(&dir.path().join("output")) == before, "the outputs changed");
    assert_eq!(read(dir.path().join("studymark.lock")), lock_before);

    std::fs::remove_dir_all(dir.path().join("mytheme")).unwrap();
    let (code, stderr) = studymark(&["build"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(read(dir.path().join("output/site/a.html")).contains("Two?"));
    assert_ne!(read(dir.path().join("studymark.lock")), lock_before);
    let generations = std::fs::read_dir(dir.path().join("output/.generations")).unwrap().count();
    assert_eq!(generations, 2, "one generation folder and the `current` link");
}
