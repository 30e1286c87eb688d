//! `studymark build`, in order:
//! 1. load every bank and hash it; when the fingerprints of the last
//!    build say nothing changed, stop there ([`crate::fingerprint`]);
//! 2. parse every bank, validate the changed ones ([`crate::compile_loaded`]);
//!    content errors stop the build before anything is written;
//! 3. give reworded questions their old ids and update `studymark.lock`
//!    ([`crate::lock`]);
//! 4. in a staging folder ([`crate::write`]): write each output's shared
//!    files; render and emit the banks that changed, in parallel, each
//!    bank once for all outputs; carry the other banks' files over from
//!    the previous output; swap the staging folder into place;
//! 5. save the caches and the new fingerprints.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::config::MathEngine;
use crate::diagnostic::Severity;
use crate::emit::anki::{anki_css, note_type_hashes, AnkiEmitter};
use crate::emit::print::pdf::{find_browser, missing_browser};
use crate::emit::print::PrintEmitter;
use crate::emit::site::SiteEmitter;
use crate::emit::{BankHtml, EmitInput, Emitter};
use crate::fingerprint::{
    hash_bytes, output_key, shared_key, BankRecord, BankState, Fingerprints, OutputRecord, SourceRecord,
};
use crate::load::{load_banks, Project};
use crate::lock::{update_lock, Lock, LOCK_FILE};
use crate::model::Bank;
use crate::progress::Progress;
use crate::render::math::KatexMemo;
use crate::render::{cache::RenderCache, render_bank, MathOutput};
use crate::theme::Theme;
use crate::write::{carry_over, write_outputs, OutputLock};
use crate::{compile_loaded, Checked, Compiled};

pub struct BuildOptions {
    pub paths: Vec<PathBuf>,
    /// Output folder; default: the project's `output_dir`.
    pub out: Option<PathBuf>,
    pub deny_warnings: bool,
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
    /// Where the outputs went; `None` when the build failed.
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
    let _lock = OutputLock::acquire(&out)?;
    let loaded = load_banks(&project.bank_roots(&options.paths))?;
    let lock_path = project.root.join(LOCK_FILE);
    let lock_bytes = std::fs::read(&lock_path).unwrap_or_default();
    let shared = shared_key(project);
    let keys = outputs.keys(&shared, options);
    let baseline = Baseline { fingerprints: Fingerprints::read(&out), shared, keys };
    let known: Vec<Option<&SourceRecord>> =
        loaded.par_iter().map(|bank| baseline.fingerprints.known(&baseline.shared, bank)).collect();
    let lock_hash = hash_bytes(&lock_bytes);
    if let Some(checked) = baseline.fingerprints.up_to_date(&known, &loaded, &baseline.keys, &lock_hash, &out) {
        timings.push(("load, compare fingerprints", started.elapsed()));
        let sources = loaded.into_iter().map(|bank| bank.file).collect();
        return Ok(BuildReport::up_to_date(
            Compiled::new(project, sources, Vec::new(), checked),
            out,
            options,
            timings,
        ));
    }
    let known: HashMap<PathBuf, SourceRecord> =
        loaded.iter().zip(known).filter_map(|(bank, record)| Some((bank.file.path.clone(), record?.clone()))).collect();
    let hashes: Vec<String> = loaded.iter().map(|bank| bank.hash.clone()).collect();
    let checks = RenderCache::open(&out.join(".cache/check.json"));
    let katex = KatexMemo::default();
    // The lock is read meanwhile: it is large in a large project.
    let (mut compiled, previous) = rayon::join(
        || {
            compile_loaded(project, loaded, &checks, &katex, &options.progress, |bank| {
                known.get(&bank.file.path).map(|r| r.checked().clone())
            })
        },
        || Lock::read(&lock_path),
    );
    timings.push(("load, parse, validate", started.elapsed()));
    if BuildReport::content_failed(&compiled, options) {
        return Ok(BuildReport::failed(compiled, None, timings));
    }

    let started = Instant::now();
    let previous = previous?;
    // Notes must update when the way fields are rendered changes too.
    let render_options = format!("{:?} {:?}", project.config.anki.math, project.config.math.macros);
    let (mut lock, inherited) = update_lock(previous.as_ref(), &mut compiled.banks, &render_options, now());
    compiled.diagnostics.extend(inherited);
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
        hashes: &hashes,
        out: &out,
        katex: &katex,
        progress: &options.progress,
    };
    let mut emitted = None;
    write_outputs(&out, &outputs.names(), |staging| {
        emitted = Some(job.emit(staging)?);
        Ok(())
    })?;
    let emitted = emitted.expect("emit ran");
    timings.push(("render, emit, write", started.elapsed()));

    let started = Instant::now();
    // The next build hashes the lock as it is on disk.
    let lock_bytes = match previous.as_ref() != Some(&lock) {
        true => write_lock(&lock_path, &lock.to_toml())?.into_bytes(),
        false => lock_bytes,
    };
    // Banks known from the fingerprints were not checked: keep their entries.
    match known.is_empty() {
        true => checks.save()?,
        false => checks.save_keeping_unused()?,
    }
    let sources = source_records(&compiled, &hashes, &known, &emitted.images);
    let written = emitted.records(&baseline.keys, &hash_bytes(&lock_bytes), &job);
    baseline.fingerprints.after_build(&baseline.shared, sources, written).write(&out)?;
    remove_stale_render_caches(&out, &compiled.banks);
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
        let failed = Self::content_failed(&compiled, options);
        let unchanged = compiled.checked.len();
        BuildReport { unchanged, output: (!failed).then_some(out), ..BuildReport::failed(compiled, None, timings) }
    }

    fn content_failed(compiled: &Compiled, options: &BuildOptions) -> bool {
        compiled.count(Severity::Error) > 0 || (options.deny_warnings && compiled.count(Severity::Warning) > 0)
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

/// Everything emitting needs, gathered so [`EmitJob::emit`] can run in the
/// staging folder.
struct EmitJob<'a> {
    project: &'a Project,
    input: &'a EmitInput<'a>,
    lock: &'a Lock,
    /// [`Lock::bank_hashes`] of `lock`.
    bank_locks: &'a HashMap<&'a str, String>,
    browser: Option<PathBuf>,
    outputs: Outputs,
    baseline: &'a Baseline,
    known: &'a HashMap<PathBuf, SourceRecord>,
    hashes: &'a [String],
    out: &'a Path,
    katex: &'a KatexMemo,
    progress: &'a Progress,
}

/// What emitting did, for the report and the fingerprints.
struct Emitted {
    outputs: Vec<OutputFiles>,
    /// Images of each bank rendered now (by bank index).
    images: BTreeMap<usize, BTreeMap<PathBuf, String>>,
    rendered: usize,
    cached: usize,
}

/// The files of one output folder, relative to it.
struct OutputFiles {
    name: &'static str,
    layout: String,
    shared: Vec<String>,
    /// Per bank index: the files it wrote or carried over.
    banks: Vec<Vec<String>>,
}

/// What rendering and emitting one bank did.
struct BankEmitted {
    index: usize,
    /// Per output: the files written, or `None` where the bank was clean.
    files: Vec<Option<Vec<String>>>,
    images: BTreeMap<PathBuf, String>,
    /// Render cache hits and misses.
    hits: usize,
    misses: usize,
}

impl EmitJob<'_> {
    fn emit(&self, staging: &Path) -> Result<Emitted> {
        let emitters = self.emitters(staging)?;
        let banks = self.input.banks;
        let clean: Vec<Vec<Option<&[String]>>> = emitters.iter().map(|e| self.clean_banks(e.as_ref())).collect();
        let mut outputs = Vec::new();
        for emitter in &emitters {
            let shared = emitter.write_shared(&staging.join(emitter.name()))?;
            let banks = vec![Vec::new(); banks.len()];
            outputs.push(OutputFiles { name: emitter.name(), layout: emitter.layout(), shared, banks });
        }
        let dirty: Vec<usize> = (0..banks.len()).filter(|&i| clean.iter().any(|c| c[i].is_none())).collect();
        self.progress.stage("emitting", dirty.len());
        let results: Vec<BankEmitted> = dirty
            .par_iter()
            .map(|&i| {
                let wanted: Vec<bool> = clean.iter().map(|c| c[i].is_none()).collect();
                self.emit_bank(i, &emitters, &wanted, staging)
            })
            .collect::<Result<_>>()?;
        let mut emitted = Emitted { outputs, images: BTreeMap::new(), rendered: 0, cached: 0 };
        for bank in results {
            for (output, files) in emitted.outputs.iter_mut().zip(bank.files) {
                output.banks[bank.index] = files.unwrap_or_default();
            }
            emitted.images.insert(bank.index, bank.images);
            emitted.cached += bank.hits;
            emitted.rendered += bank.misses;
        }
        for (output, clean) in emitted.outputs.iter_mut().zip(&clean) {
            for (i, files) in clean.iter().enumerate() {
                if let Some(files) = files {
                    carry_over(&self.out.join(output.name), &staging.join(output.name), files)?;
                    output.banks[i] = files.to_vec();
                }
            }
        }
        Ok(emitted)
    }

    /// Per bank: its files in the previous output when it is clean for
    /// this emitter (to carry over), `None` when it must be emitted.
    fn clean_banks(&self, emitter: &dyn Emitter) -> Vec<Option<&[String]>> {
        let name = emitter.name();
        let key = self.baseline.keys.iter().find(|(n, _)| *n == name).map_or("", |(_, key)| key.as_str());
        let layout = emitter.layout();
        let folder = self.out.join(name);
        let banks = self.input.banks.iter().enumerate();
        banks
            .map(|(i, bank)| {
                self.known.contains_key(&bank.source_path).then_some(())?;
                self.baseline.fingerprints.clean_files(name, key, &layout, &self.bank_state(i), &folder)
            })
            .collect()
    }

    /// Bank `index` as this build sees it.
    fn bank_state(&self, index: usize) -> BankState<'_> {
        let id = self.input.banks[index].id.as_str();
        let lock = self.bank_locks.get(id).map_or("", String::as_str);
        BankState { id, source: &self.hashes[index], lock }
    }

    fn emitters<'s>(&'s self, staging: &Path) -> Result<Vec<Box<dyn Emitter + 's>>> {
        let mut emitters: Vec<Box<dyn Emitter + 's>> = Vec::new();
        if self.outputs.site {
            emitters.push(Box::new(SiteEmitter::new(self.input)?));
        }
        if self.outputs.anki {
            emitters.push(Box::new(AnkiEmitter::new(self.input, self.lock, &staging.join(".anki-scratch"))));
        }
        if self.outputs.print {
            let scratch = staging.join(".print-scratch");
            emitters.push(Box::new(PrintEmitter::new(self.input, self.lock, self.browser.clone(), &scratch)?));
        }
        Ok(emitters)
    }

    /// Renders bank `index` (through its render cache) and writes its
    /// files for the emitters `wanted`.
    fn emit_bank(
        &self,
        index: usize,
        emitters: &[Box<dyn Emitter + '_>],
        wanted: &[bool],
        staging: &Path,
    ) -> Result<BankEmitted> {
        let bank = &self.input.banks[index];
        let config = &self.project.config;
        let cache = RenderCache::open(&render_cache_path(self.out, &bank.id));
        let content_dir = self.project.content_dir();
        let render = |math| render_bank(bank, config, &content_dir, &cache, self.katex, math);
        let mathjax = self.outputs.anki && config.anki.math == MathEngine::Mathjax;
        let html = BankHtml { katex: render(MathOutput::Katex), mathjax: mathjax.then(|| render(MathOutput::Mathjax)) };
        let mut files = Vec::new();
        for (emitter, wanted) in emitters.iter().zip(wanted) {
            let written = match wanted {
                true => Some(emitter.write_bank(bank, &html, &staging.join(emitter.name()))?),
                false => None,
            };
            files.push(written);
        }
        cache.save()?;
        let images = html.katex.media.iter().cloned().collect();
        let (hits, misses) = cache.counts();
        self.progress.advance();
        Ok(BankEmitted { index, files, images, hits, misses })
    }
}

impl Emitted {
    /// Fingerprint records of the outputs written; `lock` is the hash of
    /// the lock as this build left it.
    fn records(&self, keys: &[(&'static str, String)], lock: &str, job: &EmitJob) -> Vec<(String, OutputRecord)> {
        self.outputs
            .iter()
            .zip(keys)
            .map(|(output, (_, key))| {
                let banks = output.banks.iter().enumerate().map(|(i, files)| {
                    (job.input.banks[i].id.clone(), BankRecord::new(&job.bank_state(i), files.clone()))
                });
                let record = OutputRecord::new(key, lock, &output.layout, output.shared.clone(), banks.collect());
                (output.name.to_string(), record)
            })
            .collect()
    }
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

/// Each bank's rendered math and code are cached in their own file, so a
/// build that renders one bank reads and writes only that bank's cache.
fn render_cache_path(out: &Path, bank: &str) -> PathBuf {
    out.join(".cache/render").join(format!("{bank}.json"))
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

/// Writes the lock through a temporary file, so a crash never leaves half
/// a lock behind; returns what it wrote.
fn write_lock(path: &Path, text: &str) -> Result<String> {
    let temporary = path.with_extension("lock.tmp");
    std::fs::write(&temporary, text).with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(text.to_string())
}
