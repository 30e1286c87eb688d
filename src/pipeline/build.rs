//! `studymark build` (and `serve`): the whole [`Pipeline`], in order:
//! 1. load every bank and hash it; when the fingerprints of the last
//!    build say nothing changed, stop there ([`crate::fingerprint`]);
//! 2. parse every bank; 3. resolve ids with `studymark.lock`;
//! 4. validate the changed banks; with `--strict`, content errors stop the
//!    build before anything is written (with `--deny-warnings`, warnings
//!    too);
//! 5. record the new lock ([`crate::lock`]), then leave out the questions
//!    errors point into ([`leave_out`]): their ids stay in the lock;
//! 6. render the banks that changed, then, in a new generation folder
//!    ([`crate::write`]), write each output's shared files and emit those
//!    banks, carrying the other banks' files over from the previous
//!    output; make the generation current and write the lock with it, in
//!    one step ([`emit_job`]);
//! 7. save the caches and the new fingerprints.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;
use rayon::prelude::*;

use super::emit_job::{render_cache_path, EmitJob, Emitted};
use super::leave_out::leave_out_failed_questions;
use super::outcome::Outputs;
use super::{BuildOptions, BuildReport, Checked, Compiled, Pipeline};
use crate::cache::DiskCache;
use crate::emit::anki::{anki_css, note_type_hashes};
use crate::emit::print::pdf::{find_browser, missing_browser};
use crate::emit::EmitInput;
use crate::fingerprint::{shared_key, Fingerprints, SourceRecord};
use crate::hash::hash_bytes;
use crate::katex::KatexMemo;
use crate::load::Project;
use crate::lock::{record, IdLock, LOCK_FILE};
use crate::model::Bank;
use crate::render::outputs::NotePages;
use crate::theme::Theme;
use crate::write::{recover_lock, LockWrite, OutputGuard};

/// The fingerprints and keys the build compares against.
pub(super) struct Baseline {
    pub(super) fingerprints: Fingerprints,
    pub(super) shared: String,
    /// Per selected output: (name, key).
    pub(super) keys: Vec<(&'static str, String)>,
}

pub fn build(project: &Project, options: &BuildOptions) -> Result<BuildReport> {
    let mut pipeline = Pipeline::new(project, &options.progress);
    let out = options.out.clone().unwrap_or_else(|| project.root.join(&project.config.output_dir));
    let outputs = Outputs::selected(options);
    let _guard = OutputGuard::acquire(&out)?;
    let loaded = pipeline.load(&options.paths, Some(&out))?;
    let lock_path = project.root.join(LOCK_FILE);
    recover_lock(&out, &lock_path)?;
    let lock_bytes = std::fs::read(&lock_path).unwrap_or_default();
    let shared = shared_key(project);
    let baseline = Baseline { fingerprints: Fingerprints::read(&out), keys: outputs.keys(&shared, options), shared };
    let known: Vec<Option<&SourceRecord>> =
        loaded.banks.par_iter().map(|bank| baseline.fingerprints.known(&baseline.shared, bank)).collect();
    let lock_hash = hash_bytes(&lock_bytes);
    if let Some(checked) = baseline.fingerprints.up_to_date(&known, &loaded.banks, &baseline.keys, &lock_hash, &out) {
        let sources = loaded.banks.into_iter().map(|bank| bank.file).collect();
        let compiled = Compiled::new(project, sources, Vec::new(), checked, loaded.skipped);
        return Ok(BuildReport::up_to_date(compiled, out, options, pipeline.timings().to_vec()));
    }
    let known: HashMap<PathBuf, SourceRecord> = (loaded.banks.iter().zip(known))
        .filter_map(|(bank, record)| Some((bank.file.path.clone(), record?.clone())))
        .collect();
    let checks = DiskCache::open(&out.join(".cache/check.json"));
    let katex = KatexMemo::default();
    // The lock is read meanwhile: it is large in a large project.
    let (mut parsed, previous) = rayon::join(|| pipeline.parse(loaded), || IdLock::read(&lock_path));
    let previous = previous?;
    pipeline.resolve_ids(&mut parsed, previous.as_ref());
    let mut compiled =
        pipeline.validate(parsed, &checks, &katex, |bank| known.get(&bank.file.path).map(|r| r.checked().clone()));
    if BuildReport::refused(&compiled, options) {
        return Ok(BuildReport::failed(compiled, None, pipeline.timings().to_vec()));
    }
    let theme = Theme::new(project.config.theme.as_ref().map(|t| project.root.join(t)));
    let lock = pipeline.timed("lock", |_| new_lock(project, previous.as_ref(), &mut compiled, &theme, outputs));
    if options.locked && previous.as_ref() != Some(&lock) {
        let failure = format!(
            "{LOCK_FILE} is missing or out of date and --locked forbids changing it; run `studymark build` and commit it"
        );
        return Ok(BuildReport::failed(compiled, Some(failure), pipeline.timings().to_vec()));
    }
    let browser = match (options.pdf, outputs.print) {
        (true, true) => Some(find_browser().ok_or_else(missing_browser)?),
        _ => None,
    };
    let input = EmitInput { config: &project.config, root: &project.root, banks: &compiled.banks, theme: &theme };
    let bank_locks = lock.bank_hashes();
    let job = EmitJob {
        project,
        input: &input,
        lock: &lock,
        bank_locks: &bank_locks,
        browser,
        outputs,
        baseline: &baseline,
        known: &known,
        hashes: &compiled.hashes,
        out: &out,
        katex: &katex,
        progress: &options.progress,
        pages: NotePages::new(&compiled.banks),
    };
    let new_lock = (previous.as_ref() != Some(&lock)).then(|| lock.to_toml());
    let emitted = pipeline.emit(&job, new_lock.as_deref().map(|text| LockWrite { path: &lock_path, text }))?;
    // The next build hashes the lock as it is on disk.
    let lock_bytes = new_lock.map_or(lock_bytes, String::into_bytes);
    pipeline.timed("save caches", |_| save_caches(&job, &emitted, &compiled, &checks, &hash_bytes(&lock_bytes)))?;
    Ok(BuildReport::written(compiled, out, &emitted, pipeline.timings().to_vec()))
}

/// The lock this build leaves: every question's content hash and change
/// time, and (when the decks are built) the note types'. The questions
/// errors point into are then left out of the banks; their ids stay.
fn new_lock(
    project: &Project,
    previous: Option<&IdLock>,
    compiled: &mut Compiled,
    theme: &Theme,
    outputs: Outputs,
) -> IdLock {
    // Notes must update when the way fields are rendered changes too.
    let render_options = format!("{:?} {:?}", project.config.anki.math, project.config.math.macros);
    let mut lock = record(previous, &compiled.banks, &render_options, now());
    if outputs.anki {
        let input = EmitInput { config: &project.config, root: &project.root, banks: &compiled.banks, theme };
        lock.update_note_types(&note_type_hashes(&anki_css(&input)), now());
    }
    leave_out_failed_questions(compiled);
    lock
}

/// Saves what the next build starts from: the check cache and the
/// fingerprints (`lock` is the hash of the lock as this build left it).
fn save_caches(job: &EmitJob, emitted: &Emitted, compiled: &Compiled, checks: &DiskCache, lock: &str) -> Result<()> {
    // Banks known from the fingerprints were not checked: keep their entries.
    match job.known.is_empty() {
        true => checks.save()?,
        false => checks.save_keeping_unused()?,
    }
    let sources = source_records(compiled, job.hashes, job.known, &emitted.images);
    let written = emitted.records(&job.baseline.keys, lock, job);
    job.baseline.fingerprints.after_build(&job.baseline.shared, sources, written).write(job.out)?;
    remove_stale_render_caches(job.out, &compiled.banks);
    Ok(())
}

/// Per bank file: its hash, bank id, images (new ones for banks rendered
/// now, the known ones for the others) and what checking it found.
fn source_records(
    compiled: &Compiled,
    hashes: &[String],
    known: &HashMap<PathBuf, SourceRecord>,
    images: &BTreeMap<usize, BTreeMap<PathBuf, String>>,
) -> Vec<(PathBuf, SourceRecord)> {
    let banks = compiled.banks.iter().zip(&compiled.checked).zip(hashes).enumerate();
    banks
        .map(|(i, ((bank, checked), hash)): (usize, ((&Bank, &Checked), &String))| {
            let images = images
                .get(&i)
                .cloned()
                .or_else(|| known.get(&bank.source_path).map(|r| r.images().clone()))
                .unwrap_or_default();
            (bank.source_path.clone(), SourceRecord::new(hash, &bank.id, images, checked.clone()))
        })
        .collect()
}

/// Deletes the render caches of banks that are gone (best effort: a
/// leftover cache costs only disk space).
fn remove_stale_render_caches(out: &Path, banks: &[Bank]) {
    let Ok(entries) = std::fs::read_dir(out.join(".cache/render")) else { return };
    let current: std::collections::HashSet<PathBuf> = banks.iter().map(|b| render_cache_path(out, &b.id)).collect();
    for entry in entries.flatten() {
        if !current.contains(&entry.path()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
