//! `studymark build`, in order:
//! 1. load every bank and hash it; when the fingerprints of the last
//!    build say nothing changed, stop there ([`crate::fingerprint`]);
//! 2. parse every bank, validate the changed ones ([`crate::compile_loaded`]);
//!    with `--strict`, content errors stop the build before anything is
//!    written (with `--deny-warnings`, warnings too);
//! 3. give reworded questions their old ids and update `studymark.lock`
//!    ([`crate::lock`]); then leave out the questions errors point into
//!    ([`leave_out`]): their ids stay in the lock;
//! 4. in a new generation folder ([`crate::write`]): write each output's
//!    shared files; render and emit the banks that changed, in parallel,
//!    each bank once for all outputs; carry the other banks' files over
//!    from the previous output; make the generation current and write the
//!    lock with it, in one step;
//! 5. save the caches and the new fingerprints.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use rayon::prelude::*;

use crate::cache::DiskCache;
use crate::diagnostic::Severity;
use crate::emit::anki::{anki_css, note_type_hashes};
use crate::emit::print::pdf::{find_browser, missing_browser};
use crate::emit::EmitInput;
use crate::fingerprint::{output_key, shared_key, Fingerprints, SourceRecord, FINGERPRINTS_FILE};
use crate::hash::hash_bytes;
use crate::katex::KatexMemo;
use crate::load::{load_banks, Project};
use crate::lock::{update_lock, IdLock, LOCK_FILE};
use crate::model::Bank;
use crate::progress::Progress;
use crate::theme::Theme;
use crate::write::{recover_lock, write_outputs, LockWrite, OutputGuard, Swap};
use crate::{compile_loaded, Checked, Compiled};

mod emit_job;
mod leave_out;

use emit_job::{render_cache_path, EmitJob, Emitted};
use leave_out::leave_out_failed_questions;

pub struct BuildOptions {
    pub paths: Vec<PathBuf>,
    /// Output folder; default: the project's `output_dir`.
    pub out: Option<PathBuf>,
    /// Write nothing when there are warnings (implies `strict`).
    pub deny_warnings: bool,
    /// Write nothing when there are errors; without it, the questions
    /// errors point into are left out and the rest is written.
    pub strict: bool,
    /// Fail instead of changing `studymark.lock`.
    pub locked: bool,
    pub site: bool,
    pub anki: bool,
    pub print: bool,
    /// Also print the handouts to PDF with a local Chromium.
    pub pdf: bool,
    /// Where to show progress ([`Progress::hidden`] for none).
    pub progress: Progress,
}

pub struct BuildReport {
    pub compiled: Compiled,
    /// Where the outputs went; `None` when nothing was written.
    pub output: Option<PathBuf>,
    /// Why the build failed, when it was not content errors.
    pub failure: Option<String>,
    /// Ids of the banks emitted again; the others were carried over.
    pub emitted: Vec<String>,
    pub unchanged: usize,
    /// Math and code fragments rendered now, and those taken from the cache.
    pub rendered: usize,
    pub cached: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

/// The fingerprints and keys the build compares against.
struct Baseline {
    fingerprints: Fingerprints,
    shared: String,
    /// Per selected output: (name, key).
    keys: Vec<(&'static str, String)>,
}

pub fn build(project: &Project, options: &BuildOptions) -> Result<BuildReport> {
    let mut timings = Vec::new();
    let started = Instant::now();
    let out = options.out.clone().unwrap_or_else(|| project.root.join(&project.config.output_dir));
    let outputs = Outputs::selected(options);
    let _lock = OutputGuard::acquire(&out)?;
    let loaded = load_banks(&project.bank_roots(&options.paths), project.vault.as_ref(), Some(&out))?;
    let lock_path = project.root.join(LOCK_FILE);
    recover_lock(&out, &lock_path)?;
    let lock_bytes = std::fs::read(&lock_path).unwrap_or_default();
    let shared = shared_key(project);
    let keys = outputs.keys(&shared, options);
    let baseline = Baseline { fingerprints: Fingerprints::read(&out), shared, keys };
    let known: Vec<Option<&SourceRecord>> =
        loaded.banks.par_iter().map(|bank| baseline.fingerprints.known(&baseline.shared, bank)).collect();
    let lock_hash = hash_bytes(&lock_bytes);
    if let Some(checked) = baseline.fingerprints.up_to_date(&known, &loaded.banks, &baseline.keys, &lock_hash, &out) {
        timings.push(("load, compare fingerprints", started.elapsed()));
        let sources = loaded.banks.into_iter().map(|bank| bank.file).collect();
        return Ok(BuildReport::up_to_date(
            Compiled::new(project, sources, Vec::new(), checked, loaded.skipped),
            out,
            options,
            timings,
        ));
    }
    let known: HashMap<PathBuf, SourceRecord> = loaded
        .banks
        .iter()
        .zip(known)
        .filter_map(|(bank, record)| Some((bank.file.path.clone(), record?.clone())))
        .collect();
    let checks = DiskCache::open(&out.join(".cache/check.json"));
    let katex = KatexMemo::default();
    // The lock is read meanwhile: it is large in a large project.
    let (mut compiled, previous) = rayon::join(
        || {
            compile_loaded(project, loaded, &checks, &katex, &options.progress, |bank| {
                known.get(&bank.file.path).map(|r| r.checked().clone())
            })
        },
        || IdLock::read(&lock_path),
    );
    timings.push(("load, parse, validate", started.elapsed()));
    if BuildReport::refused(&compiled, options) {
        return Ok(BuildReport::failed(compiled, None, timings));
    }

    let started = Instant::now();
    let previous = previous?;
    // Notes must update when the way fields are rendered changes too.
    let render_options = format!("{:?} {:?}", project.config.anki.math, project.config.math.macros);
    let (mut lock, inherited) = update_lock(previous.as_ref(), &mut compiled.banks, &render_options, now());
    compiled.diagnostics.extend(inherited);
    leave_out_failed_questions(&mut compiled);
    let theme = Theme::new(project.config.theme.as_ref().map(|t| project.root.join(t)));
    let input = EmitInput { config: &project.config, root: &project.root, banks: &compiled.banks, theme: &theme };
    let browser = match (options.pdf, outputs.print) {
        (true, true) => Some(find_browser().ok_or_else(missing_browser)?),
        _ => None,
    };
    if outputs.anki {
        lock.update_note_types(&note_type_hashes(&anki_css(&input)), now());
    }
    if options.locked && previous.as_ref() != Some(&lock) {
        let failure = format!(
            "{LOCK_FILE} is missing or out of date and --locked forbids changing it; run `studymark build` and commit it"
        );
        return Ok(BuildReport::failed(compiled, Some(failure), timings));
    }
    timings.push(("lock", started.elapsed()));

    let started = Instant::now();
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
    };
    let mut emitted = None;
    let new_lock = (previous.as_ref() != Some(&lock)).then(|| lock.to_toml());
    let swap = Swap {
        output_dir: &out,
        built: &outputs.names(),
        lock: new_lock.as_deref().map(|text| LockWrite { path: &lock_path, text }),
        stale: &[out.join(FINGERPRINTS_FILE)],
    };
    write_outputs(swap, |generation| {
        emitted = Some(job.emit(generation)?);
        Ok(())
    })?;
    let emitted = emitted.expect("emit ran");
    timings.push(("render, emit, write", started.elapsed()));

    let started = Instant::now();
    // The next build hashes the lock as it is on disk.
    let lock_bytes = new_lock.map_or(lock_bytes, String::into_bytes);
    save_caches(&job, &emitted, &compiled, &checks, &hash_bytes(&lock_bytes))?;
    timings.push(("save caches", started.elapsed()));
    let (rendered, cached) = (emitted.rendered, emitted.cached);
    let emitted: Vec<String> = emitted.images.keys().map(|&i| compiled.banks[i].id.clone()).collect();
    Ok(BuildReport {
        unchanged: compiled.banks.len() - emitted.len(),
        emitted,
        rendered,
        cached,
        output: Some(out),
        ..BuildReport::failed(compiled, None, timings)
    })
}

impl BuildReport {
    fn failed(compiled: Compiled, failure: Option<String>, timings: Vec<(&'static str, Duration)>) -> Self {
        BuildReport {
            compiled,
            output: None,
            failure,
            emitted: Vec::new(),
            unchanged: 0,
            rendered: 0,
            cached: 0,
            timings,
        }
    }

    /// A build that found nothing to do: the last build's diagnostics,
    /// replayed, decide whether it failed.
    fn up_to_date(
        compiled: Compiled,
        out: PathBuf,
        options: &BuildOptions,
        timings: Vec<(&'static str, Duration)>,
    ) -> Self {
        let refused = Self::refused(&compiled, options);
        let unchanged = compiled.checked.len();
        BuildReport { unchanged, output: (!refused).then_some(out), ..BuildReport::failed(compiled, None, timings) }
    }

    /// Whether the content forbids writing anything (`--strict`,
    /// `--deny-warnings`).
    fn refused(compiled: &Compiled, options: &BuildOptions) -> bool {
        let errors = compiled.count(Severity::Error) > 0;
        let warnings = compiled.count(Severity::Warning) > 0;
        (errors && (options.strict || options.deny_warnings)) || (warnings && options.deny_warnings)
    }

    /// A build passed when it wrote its outputs and found no error.
    pub fn passed(&self) -> bool {
        self.output.is_some() && self.compiled.count(Severity::Error) == 0
    }
}

/// Which outputs to build: those named on the command line, or all.
#[derive(Clone, Copy)]
struct Outputs {
    site: bool,
    anki: bool,
    print: bool,
}

impl Outputs {
    fn selected(options: &BuildOptions) -> Outputs {
        if options.site || options.anki || options.print {
            Outputs { site: options.site, anki: options.anki, print: options.print }
        } else {
            Outputs { site: true, anki: true, print: true }
        }
    }

    fn names(self) -> Vec<&'static str> {
        [("site", self.site), ("anki", self.anki), ("print", self.print)]
            .into_iter()
            .filter_map(|(name, on)| on.then_some(name))
            .collect()
    }

    /// Each selected output's fingerprint key (PDFs are an option of print).
    fn keys(self, shared: &str, options: &BuildOptions) -> Vec<(&'static str, String)> {
        let pdf = if options.pdf { "pdf" } else { "" };
        let keys = self
            .names()
            .into_iter()
            .map(|name| (name, output_key(shared, name, if name == "print" { pdf } else { "" })));
        keys.collect()
    }
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
