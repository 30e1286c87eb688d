//! The write stage: emitters write into a staging folder inside the
//! output folder; only when all of them succeed is each finished output
//! (`site`, later `anki`, `print`) swapped into place. A failed build
//! leaves the previous output untouched, and studymark never replaces a
//! folder it did not create (it marks its own with [`MARKER`]). Files of
//! banks that did not change are carried from the previous output into
//! the staging folder by hard link ([`carry_over`]).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// File inside every output folder studymark created.
pub const MARKER: &str = ".studymark-output";

/// Holds the output folder for one build: a second studymark building
/// into the same folder (a `serve` and a `build`, say) waits for the lock
/// instead of sharing the staging folder. Released when dropped.
pub struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    /// Takes `output_dir/.cache/build.lock`, waiting (and saying so on
    /// stderr) while another build holds it.
    pub fn acquire(output_dir: &Path) -> Result<OutputLock> {
        let path = output_dir.join(".cache/build.lock");
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        if file.try_lock().is_err() {
            eprintln!("waiting for another studymark build into {}", output_dir.display());
            file.lock().with_context(|| format!("cannot lock {}", path.display()))?;
        }
        Ok(OutputLock { _file: file })
    }
}

/// Runs `emit` on a fresh staging folder, then moves each of `outputs`
/// from it into `output_dir`.
pub fn write_outputs(output_dir: &Path, outputs: &[&str], emit: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    for name in outputs {
        let target = output_dir.join(name);
        if target.exists() && !target.join(MARKER).is_file() {
            bail!("refusing to replace {}: studymark did not create it", target.display());
        }
    }
    let staging = output_dir.join(".staging");
    remove_if_exists(&staging)?;
    std::fs::create_dir_all(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
    if let Err(err) = emit(&staging) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }
    for name in outputs {
        swap_in(&staging.join(name), &output_dir.join(name))?;
    }
    std::fs::remove_dir_all(&staging).with_context(|| format!("cannot remove {}", staging.display()))
}

/// Replaces `target` with `fresh` in two renames, so readers see either
/// the old or the new folder.
fn swap_in(fresh: &Path, target: &Path) -> Result<()> {
    std::fs::create_dir_all(fresh)?;
    std::fs::write(fresh.join(MARKER), b"created by studymark; replaced on every build\n")?;
    let old: PathBuf =
        target.with_file_name(format!(".old-{}", target.file_name().unwrap_or_default().to_string_lossy()));
    remove_if_exists(&old)?;
    if target.exists() {
        std::fs::rename(target, &old).with_context(|| format!("cannot move {}", target.display()))?;
    }
    std::fs::rename(fresh, target).with_context(|| format!("cannot move {} into place", target.display()))?;
    remove_if_exists(&old)
}

/// Links `files` (relative paths) of the previous `output` folder into the
/// staging folder `fresh`, for banks that did not change. Hard links cost
/// no copy and leave the old folder intact until the swap; a file already
/// in `fresh` (an image another bank wrote) is kept.
pub fn carry_over(output: &Path, fresh: &Path, files: &[String]) -> Result<()> {
    for file in files {
        let (from, to) = (output.join(file), fresh.join(file));
        if to.exists() {
            continue;
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to).with_context(|| format!("cannot copy {}", from.display()))?;
        }
    }
    Ok(())
}

fn remove_if_exists(path: &Path) -> Result<()> {
    if path.exists() {
        std::fs::remove_dir_all(path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_emit_leaves_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        write_outputs(dir.path(), &["site"], |s| Ok(std::fs::create_dir_all(s.join("site"))?)).unwrap();
        std::fs::write(dir.path().join("site/page.html"), b"old").unwrap();
        let failed = write_outputs(dir.path(), &["site"], |s| {
            std::fs::create_dir_all(s.join("site"))?;
            std::fs::write(s.join("site/page.html"), b"new")?;
            bail!("emitter failed")
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(dir.path().join("site/page.html")).unwrap(), b"old");
        assert!(!dir.path().join(".staging").exists());
        write_outputs(dir.path(), &["site"], |s| {
            std::fs::create_dir_all(s.join("site"))?;
            Ok(std::fs::write(s.join("site/page.html"), b"new")?)
        })
        .unwrap();
        assert_eq!(std::fs::read(dir.path().join("site/page.html")).unwrap(), b"new");
    }

    #[test]
    fn folders_not_created_by_studymark_are_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("site")).unwrap();
        std::fs::write(dir.path().join("site/mine.txt"), b"user data").unwrap();
        let result = write_outputs(dir.path(), &["site"], |s| Ok(std::fs::create_dir_all(s.join("site"))?));
        assert!(result.unwrap_err().to_string().contains("did not create it"));
        assert!(dir.path().join("site/mine.txt").exists());
    }
}
