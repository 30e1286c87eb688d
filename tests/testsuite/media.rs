//! Images and links the outputs cannot show, on the site, the print
//! handouts and the Anki package: raw HTML `<img>` is copied like a
//! Markdown image, a query string or fragment does not hide the file, a
//! symbolic link counts by where it leads, nothing outside the content
//! folder is read, and unsafe schemes get their own diagnostics.
//! Fixture: `tests/fixtures/media/` (see its README).

use std::io::Read;
use std::path::{Path, PathBuf};

use studymark::media::hashed_name;

use crate::build::{open_package, read, studymark};
use crate::fixtures;

/// Bytes only the file outside the content folder holds.
const SECRET: &[u8] = b"TOP SECRET bytes outside the content folder";

/// The fixture copied into a throwaway project, with the file outside the
/// content folder and the two symbolic links.
fn media_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = fixtures().join("media/content");
    for entry in walkdir::WalkDir::new(&source).into_iter().map(Result::unwrap) {
        let target = dir.path().join("content").join(entry.path().strip_prefix(&source).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    std::fs::write(dir.path().join("studymark.toml"), "").unwrap();
    std::fs::write(dir.path().join("secret.png"), SECRET).unwrap();
    let content = dir.path().join("content");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(content.join("sub/real.png"), content.join("inside-link.png")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.png"), content.join("outside-link.png")).unwrap();
    }
    dir
}

/// The `media/` names the four readable images get.
fn expected_media(dir: &Path) -> Vec<String> {
    let content = dir.join("content");
    let mut names: Vec<String> = ["sub/real.png", "images/001.jpg", "a.png", "my pic.png"]
        .iter()
        .map(|p| hashed_name(&content.join(p)).unwrap())
        .collect();
    names.sort();
    names
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// What no output may hold: the paths as written, the unsafe schemes.
fn assert_nothing_as_written(what: &str, html: &str) {
    let as_written =
        ["sub/real.png", "?raw=true", "a.png#x", "my%20pic", "inside-link", "outside-link", "etc/passwd", "secret.png"];
    for written in as_written {
        assert!(!html.contains(written), "{what} keeps `{written}`:\n{html}");
    }
    for scheme in ["javascript:", "vbscript:", "VBScript:", "data:", "file:"] {
        assert!(!html.contains(scheme), "{what} keeps `{scheme}`:\n{html}");
    }
}

/// Every file under `root` whose bytes contain `needle`.
fn files_containing(root: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let files = walkdir::WalkDir::new(root).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file());
    files
        .filter(|e| std::fs::read(e.path()).unwrap().windows(needle.len()).any(|w| w == needle))
        .map(|e| e.into_path())
        .collect()
}

#[cfg(unix)]
#[test]
fn check_names_each_image_and_link_the_outputs_cannot_show() {
    let dir = media_project();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_studymark"))
        .args(["check", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let found: Vec<(String, usize, String)> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|d| d.get("code").is_some())
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() as usize,
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("missing-image", 1, "image `../secret.png` is outside the content folder"),
        ("missing-image", 2, "image `../../../etc/passwd` is outside the content folder"),
        (
            "unsupported-image",
            2,
            "image `file:///etc/passwd` points at a file on the reader's own computer; it is left out",
        ),
        ("missing-image", 3, "image `outside-link.png` is a symbolic link to a file outside the content folder"),
        ("unsafe-link", 21, "link `javascript:alert(1)` can run script; it is unsafe and removed (its text is kept)"),
        ("unsafe-link", 21, "link `VBScript:MsgBox(1)` can run script; it is unsafe and removed (its text is kept)"),
        (
            "unsafe-link",
            22,
            "link `data:text/html,hi` embeds its content in the URL; it is unsafe and removed (its text is kept)",
        ),
        ("unsafe-link", 22, "link `javascript:alert(2)` can run script; it is unsafe and removed (its text is kept)"),
        ("missing-image", 26, "image `../../../etc/passwd` is outside the content folder"),
        ("missing-image", 30, "image `outside-link.png` is a symbolic link to a file outside the content folder"),
        (
            "unsupported-image",
            34,
            "image `file:///etc/passwd` points at a file on the reader's own computer; it is left out",
        ),
    ];
    let expected: Vec<(String, usize, String)> =
        expected.iter().map(|(c, l, m)| (c.to_string(), *l, m.to_string())).collect();
    assert_eq!(found, expected);
}

#[cfg(unix)]
#[test]
fn site_print_and_anki_show_the_images_inside_and_nothing_outside() {
    let dir = media_project();
    let (code, stderr) = studymark(&["build", "--site", "--print", "--anki"], dir.path());
    // Errors leave their questions out; the rest is built.
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("not found"), "{stderr}");
    let media = expected_media(dir.path());
    let name = |p: &str| hashed_name(&dir.path().join("content").join(p)).unwrap();
    let (real, jpg, a, space) = (name("sub/real.png"), name("images/001.jpg"), name("a.png"), name("my pic.png"));
    let out = dir.path().join("output");

    let site = read(out.join("site/images.html"));
    let body = &site[site.find("<main").or_else(|| site.find("<body")).unwrap()..];
    for src in [
        format!("<img src=\"media/{real}\" alt=\"raw block\">"),
        format!("<img alt=\"raw inline\" src=\"media/{jpg}\">"),
        format!("<img src=\"media/{jpg}\" alt=\"query\">"),
        format!("<img src=\"media/{a}\" alt=\"fragment\">"),
        format!("<img src=\"media/{real}\" alt=\"through a link\">"),
        format!("<img src=\"media/{space}\" alt=\"encoded\">"),
        format!("<img src=\"media/{space}\" alt=\"unquoted\">"),
        // The bank's introduction has no question to leave out: its images
        // lose their source and keep their text.
        "<img alt=\"above\">".to_string(),
        "<img alt=\"passwd\">".to_string(),
        "<img alt=\"typed\">".to_string(),
        "<img alt=\"linked out\">".to_string(),
    ] {
        assert!(body.contains(&src), "site lacks {src}:\n{body}");
    }
    assert!(body.contains("a script</a>") && body.contains("a raw one</a>"), "link text kept:\n{body}");
    assert!(!body.contains("What does the file URL show?"), "a question with an error is left out");
    assert_nothing_as_written("site", body);
    assert_eq!(file_names(&out.join("site/media")), media);

    let print = read(out.join("print/images-answers.html"));
    for src in [real.as_str(), &jpg, &a, &space].map(|name| format!("src=\"media/{name}\"")) {
        assert!(print.contains(&src), "print lacks {src}:\n{print}");
    }
    assert_nothing_as_written("print", &print);
    assert_eq!(file_names(&out.join("print/media")), media);

    let (fields, package_media) = package(&out.join("anki/images.apkg"));
    for src in [real.as_str(), &jpg, &a, &space].map(|name| format!("src=\"{name}\"")) {
        assert!(fields.contains(&src), "notes lack {src}:\n{fields}");
    }
    assert!(!fields.contains("src=\"media/"), "{fields}");
    assert_nothing_as_written("anki notes", &fields);
    let images: Vec<&String> = package_media.keys().filter(|n| !n.starts_with('_')).collect();
    assert_eq!(images, media.iter().collect::<Vec<_>>());
    assert_eq!(package_media[&real], std::fs::read(dir.path().join("content/sub/real.png")).unwrap());

    assert_eq!(files_containing(&out, SECRET), Vec::<PathBuf>::new(), "a file outside the content folder was copied");
}

/// Every note's fields, joined, and the package's media (name → bytes).
fn package(apkg: &Path) -> (String, std::collections::BTreeMap<String, Vec<u8>>) {
    let mut package = open_package(apkg);
    let mut statement = package.conn.prepare("SELECT flds FROM notes").unwrap();
    let fields: Vec<String> = statement.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    let mut index = String::new();
    package.archive.by_name("media").unwrap().read_to_string(&mut index).unwrap();
    let index: std::collections::BTreeMap<String, String> = serde_json::from_str(&index).unwrap();
    let mut media = std::collections::BTreeMap::new();
    for (number, name) in index {
        let mut bytes = Vec::new();
        package.archive.by_name(&number).unwrap().read_to_end(&mut bytes).unwrap();
        media.insert(name, bytes);
    }
    (fields.join("\n"), media)
}
