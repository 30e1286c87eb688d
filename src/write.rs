//! The write stage. Every build writes a complete new *generation* of the
//! outputs, `output/.generations/<n>/{site,anki,print}`, and makes it
//! current in one step: the symbolic link `output/.generations/current` is
//! replaced by a rename. `output/site`, `output/anki` and `output/print`
//! are fixed links through `current`, so a reader sees the old outputs or
//! the new ones, all three together, never a mix, and a build that fails
//! or is killed at any point leaves the previous outputs in place.
//!
//! [`write_outputs`] goes in this order:
//! 1. refuse when an output path is something studymark did not create
//!    (its links, or an older studymark's folders holding [`MARKER`]);
//! 2. remove what killed builds left, run the emitters on a fresh
//!    generation folder (on error it is removed and nothing else changed);
//! 3. remove the emitters' scratch folders, link the outputs this build
//!    did not write from the current generation (hard links), and mark
//!    every output folder;
//! 4. save the new lock in the generation as *pending*, with the hash of
//!    the lock it replaces;
//! 5. remove the caches that describe the previous outputs, make sure the
//!    fixed links exist;
//! 6. switch `current` to the new generation: the one step that commits;
//! 7. roll the lock forward: write it to the project, drop the pending copy;
//! 8. remove older generations (best effort: the build has succeeded).
//!
//! A build killed between 6 and 7 is completed by the next build, which
//! starts with [`recover_lock`]. Files of banks that did not change are
//! carried from the previous output into the new generation by hard link
//! ([`carry_over`]).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::hash::hash_bytes;

/// File inside every output folder studymark created.
pub const MARKER: &str = ".studymark-output";

/// Every output a build can write; each is a fixed link in the output folder.
pub const OUTPUTS: [&str; 3] = ["site", "anki", "print"];

const GENERATIONS: &str = ".generations";
const CURRENT: &str = "current";
const PENDING_LOCK: &str = "pending.lock";
const PENDING_BASE: &str = "pending.lock.base";

/// Holds the output folder for one build: a second studymark building
/// into the same folder (a `serve` and a `build`, say) waits for the lock
/// instead of sharing a generation folder. Released when dropped.
pub struct OutputGuard {
    _file: std::fs::File,
}

impl OutputGuard {
    /// Takes `output_dir/.cache/build.lock`, waiting (and saying so on
    /// stderr) while another build holds it.
    pub fn acquire(output_dir: &Path) -> Result<OutputGuard> {
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
        Ok(OutputGuard { _file: file })
    }
}

/// A new lock to write together with the outputs.
pub struct LockWrite<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

/// What one build writes into `output_dir`.
pub struct Swap<'a> {
    pub output_dir: &'a Path,
    /// The outputs `emit` writes; the others are kept from the current generation.
    pub built: &'a [&'a str],
    /// The lock, when the build changed it.
    pub lock: Option<LockWrite<'a>>,
    /// Files (caches) that describe the current outputs: removed before the switch.
    pub stale: &'a [PathBuf],
}

/// The steps of [`write_outputs`] after emitting, named so that tests can
/// fail or interrupt each one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Emitted,
    Completed,
    LockSaved,
    Linked,
    Switched,
    LockWritten,
}

/// Runs `emit` on a fresh generation folder and, when it succeeds, makes
/// that generation the current output together with the lock.
pub fn write_outputs(swap: Swap, emit: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    write_outputs_stepwise(swap, emit, &mut |_| Ok(()))
}

/// [`write_outputs`], calling `step` after each step; an error it returns
/// is a failure of that step.
pub(crate) fn write_outputs_stepwise(
    swap: Swap,
    emit: impl FnOnce(&Path) -> Result<()>,
    step: &mut dyn FnMut(Step) -> Result<()>,
) -> Result<()> {
    let out = swap.output_dir;
    let generations = out.join(GENERATIONS);
    let current = current_generation(&generations);
    let links = OUTPUTS.map(|name| refuse_foreign(out, name)).into_iter().collect::<Result<Vec<_>>>()?;
    remove_generations_except(&generations, current.as_deref());
    let fresh = generations.join(next_generation(&generations).to_string());
    std::fs::create_dir_all(&fresh).with_context(|| format!("cannot create {}", fresh.display()))?;
    let prepared = emit(&fresh).and_then(|()| step(Step::Emitted)).and_then(|()| {
        complete_generation(&fresh, current.as_deref().map(|c| generations.join(c)), swap.built)?;
        step(Step::Completed)?;
        if let Some(lock) = &swap.lock {
            save_pending_lock(&fresh, lock)?;
        }
        step(Step::LockSaved)?;
        for file in swap.stale {
            remove_file_if_exists(file)?;
        }
        for (name, link) in OUTPUTS.iter().zip(&links) {
            if fresh.join(name).is_dir() {
                make_fixed_link(out, name, *link)?;
            }
        }
        step(Step::Linked)
    });
    if let Err(err) = prepared {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(err);
    }
    switch_current(&generations, &fresh)?;
    step(Step::Switched)?;
    if let Some(lock) = &swap.lock {
        write_lock(lock.path, lock.text)?;
        remove_pending_lock(&fresh)?;
    }
    step(Step::LockWritten)?;
    remove_generations_except(&generations, fresh.file_name().and_then(|n| n.to_str()));
    Ok(())
}

/// Finishes the write of a build killed after it switched the outputs but
/// before it wrote the lock: writes the pending lock, unless the project's
/// lock changed since that build read it. Call it before reading the lock.
pub fn recover_lock(output_dir: &Path, lock_path: &Path) -> Result<()> {
    let generations = output_dir.join(GENERATIONS);
    let Some(current) = current_generation(&generations) else { return Ok(()) };
    let generation = generations.join(current);
    let (Ok(text), Ok(base)) = (
        std::fs::read_to_string(generation.join(PENDING_LOCK)),
        std::fs::read_to_string(generation.join(PENDING_BASE)),
    ) else {
        return remove_pending_lock(&generation);
    };
    if hash_bytes(&std::fs::read(lock_path).unwrap_or_default()) == base {
        write_lock(lock_path, &text)?;
    }
    remove_pending_lock(&generation)
}

/// Writes the lock through a temporary file, so a crash never leaves half
/// a lock behind.
fn write_lock(path: &Path, text: &str) -> Result<()> {
    let temporary = path.with_extension("lock.tmp");
    std::fs::write(&temporary, text).with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))
}

/// How `output/<name>` is now.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Existing {
    Missing,
    FixedLink,
    /// A folder an earlier studymark swapped in whole (it holds [`MARKER`]).
    MarkedFolder,
}

fn fixed_target(name: &str) -> PathBuf {
    Path::new(GENERATIONS).join(CURRENT).join(name)
}

fn refuse_foreign(out: &Path, name: &str) -> Result<Existing> {
    let path = out.join(name);
    let Ok(meta) = std::fs::symlink_metadata(&path) else { return Ok(Existing::Missing) };
    if meta.file_type().is_symlink() && std::fs::read_link(&path).ok() == Some(fixed_target(name)) {
        return Ok(Existing::FixedLink);
    }
    if meta.is_dir() && path.join(MARKER).is_file() {
        return Ok(Existing::MarkedFolder);
    }
    bail!("refusing to replace {}: studymark did not create it", path.display())
}

fn make_fixed_link(out: &Path, name: &str, existing: Existing) -> Result<()> {
    let path = out.join(name);
    match existing {
        Existing::FixedLink => return Ok(()),
        // Once, on the first build after an upgrade: the old folder goes
        // where older generations go.
        Existing::MarkedFolder => {
            let parked = out.join(GENERATIONS).join(format!("old-{name}"));
            let _ = std::fs::remove_dir_all(&parked);
            std::fs::rename(&path, &parked).with_context(|| format!("cannot move {}", path.display()))?;
        }
        Existing::Missing => {}
    }
    std::os::unix::fs::symlink(fixed_target(name), &path).with_context(|| format!("cannot create {}", path.display()))
}

fn current_generation(generations: &Path) -> Option<String> {
    let target = std::fs::read_link(generations.join(CURRENT)).ok()?;
    target.to_str().map(str::to_string)
}

/// One more than the highest generation on disk, so a folder that could
/// not be removed is never reused.
fn next_generation(generations: &Path) -> u64 {
    let numbers = std::fs::read_dir(generations).into_iter().flatten().flatten();
    let highest = numbers.filter_map(|entry| entry.file_name().to_str()?.parse::<u64>().ok()).max();
    highest.map_or(1, |n| n + 1)
}

/// Removes every generation folder but `keep` (best effort: what cannot be
/// removed now is tried again by the next build).
fn remove_generations_except(generations: &Path, keep: Option<&str>) {
    for entry in std::fs::read_dir(generations).into_iter().flatten().flatten() {
        let name = entry.file_name();
        if name == CURRENT || Some(name.to_string_lossy().as_ref()) == keep {
            continue;
        }
        let path = entry.path();
        let _ = match entry.file_type().is_ok_and(|t| t.is_dir()) {
            true => std::fs::remove_dir_all(&path),
            false => std::fs::remove_file(&path),
        };
    }
}

/// Removes the emitters' scratch folders from `fresh`, marks the outputs
/// written into it and links in, from `previous`, the outputs this build
/// did not write.
fn complete_generation(fresh: &Path, previous: Option<PathBuf>, built: &[&str]) -> Result<()> {
    for entry in std::fs::read_dir(fresh).with_context(|| format!("cannot read {}", fresh.display()))?.flatten() {
        if !OUTPUTS.iter().any(|name| entry.file_name() == *name) {
            std::fs::remove_dir_all(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    for name in OUTPUTS {
        let folder = fresh.join(name);
        if built.contains(&name) {
            std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
        } else if let Some(kept) = previous.as_ref().map(|p| p.join(name)).filter(|p| p.is_dir()) {
            link_tree(&kept, &folder)?;
        } else {
            continue;
        }
        std::fs::write(folder.join(MARKER), b"created by studymark; replaced on every build\n")
            .with_context(|| format!("cannot write {}", folder.display()))?;
    }
    Ok(())
}

/// Recreates the folder `from` at `to` with hard links (copies where the
/// file system refuses them).
fn link_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        match entry.file_type()?.is_dir() {
            true => link_tree(&source, &target)?,
            false => link_or_copy(&source, &target)?,
        }
    }
    Ok(())
}

/// A hard link costs no copy and leaves the old file intact; a copy where
/// the file system refuses links.
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).with_context(|| format!("cannot copy {}", from.display()))?;
    }
    Ok(())
}

fn save_pending_lock(generation: &Path, lock: &LockWrite) -> Result<()> {
    let base = hash_bytes(&std::fs::read(lock.path).unwrap_or_default());
    std::fs::write(generation.join(PENDING_LOCK), lock.text).context("cannot save the new lock")?;
    std::fs::write(generation.join(PENDING_BASE), base).context("cannot save the new lock")
}

fn remove_pending_lock(generation: &Path) -> Result<()> {
    remove_file_if_exists(&generation.join(PENDING_LOCK))?;
    remove_file_if_exists(&generation.join(PENDING_BASE))
}

/// The commit point: `current` is replaced by a rename, which the file
/// system does whole or not at all.
fn switch_current(generations: &Path, fresh: &Path) -> Result<()> {
    let name = fresh.file_name().context("generation folder has no name")?;
    let temporary = generations.join("current.tmp");
    remove_file_if_exists(&temporary)?;
    std::os::unix::fs::symlink(name, &temporary).with_context(|| format!("cannot create {}", temporary.display()))?;
    std::fs::rename(&temporary, generations.join(CURRENT))
        .with_context(|| format!("cannot switch {} to the new outputs", generations.display()))?;
    // Make the switch durable before the lock is written.
    if let Ok(folder) = std::fs::File::open(generations) {
        let _ = folder.sync_all();
    }
    Ok(())
}

fn remove_file_if_exists(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Links `files` (relative paths) of the previous `output` folder into the
/// new generation's `fresh`, for banks that did not change. Hard links cost
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
        link_or_copy(&from, &to)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
