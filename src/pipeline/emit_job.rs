//! Rendering and emitting the banks that changed, into the staging
//! folder, in order: each output's shared files; every bank that is not
//! clean in some output, in parallel, rendered once (through its render
//! cache) and emitted for the outputs where it is not clean; the clean
//! banks' files carried over from the previous output.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use rayon::prelude::*;

use super::build::Baseline;
use super::outcome::Outputs;
use super::Pipeline;
use crate::cache::DiskCache;
use crate::config::MathEngine;
use crate::emit::anki::AnkiEmitter;
use crate::emit::print::PrintEmitter;
use crate::emit::site::SiteEmitter;
use crate::emit::{EmitInput, Emitter};
use crate::fingerprint::FINGERPRINTS_FILE;
use crate::fingerprint::{BankRecord, BankState, OutputRecord, SourceRecord};
use crate::katex::KatexMemo;
use crate::load::Project;
use crate::lock::IdLock;
use crate::progress::Progress;
use crate::render::outputs::{html_for, NotePages};
use crate::render::{render_bank, Folders, MathOutput};
use crate::write::{carry_over, write_outputs, LockWrite, Swap};

/// Everything emitting needs, gathered so [`EmitJob::emit`] can run in the
/// staging folder.
pub(super) struct EmitJob<'a> {
    pub(super) project: &'a Project,
    pub(super) input: &'a EmitInput<'a>,
    pub(super) lock: &'a IdLock,
    /// [`IdLock::bank_hashes`] of `lock`.
    pub(super) bank_locks: &'a HashMap<&'a str, String>,
    pub(super) browser: Option<PathBuf>,
    pub(super) outputs: Outputs,
    pub(super) baseline: &'a Baseline,
    pub(super) known: &'a HashMap<PathBuf, SourceRecord>,
    pub(super) hashes: &'a [String],
    pub(super) out: &'a Path,
    pub(super) katex: &'a KatexMemo,
    pub(super) progress: &'a Progress,
    /// The pages wiki links on the site link to.
    pub(super) pages: NotePages,
}

/// What emitting did, for the report and the fingerprints.
pub(super) struct Emitted {
    outputs: Vec<OutputFiles>,
    /// Images of each bank rendered now (by bank index).
    pub(super) images: BTreeMap<usize, BTreeMap<PathBuf, String>>,
    pub(super) rendered: usize,
    pub(super) cached: usize,
    /// Rendering and emitting time, summed over the banks.
    render_time: Duration,
    emit_time: Duration,
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
    /// Time spent rendering the bank and emitting it.
    render_time: Duration,
    emit_time: Duration,
}

impl EmitJob<'_> {
    pub(super) fn emit(&self, staging: &Path) -> Result<Emitted> {
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
        let mut emitted = Emitted {
            outputs,
            images: BTreeMap::new(),
            rendered: 0,
            cached: 0,
            render_time: Duration::ZERO,
            emit_time: Duration::ZERO,
        };
        for bank in results {
            emitted.render_time += bank.render_time;
            emitted.emit_time += bank.emit_time;
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

    /// Renders bank `index` (stage 5: through its render cache, then the
    /// HTML of each output wanted) and writes its files for those outputs
    /// (stage 6).
    fn emit_bank(
        &self,
        index: usize,
        emitters: &[Box<dyn Emitter + '_>],
        wanted: &[bool],
        staging: &Path,
    ) -> Result<BankEmitted> {
        let started = Instant::now();
        let bank = &self.input.banks[index];
        let config = &self.project.config;
        let cache = DiskCache::open(&render_cache_path(self.out, &bank.id));
        let content_dir = self.project.content_dir();
        let folders = Folders { content_dir: &content_dir, vault: self.project.vault.as_ref() };
        let render = |math| render_bank(bank, config, &folders, &cache, self.katex, math);
        let katex = render(MathOutput::Katex);
        let mathjax =
            (self.outputs.anki && config.anki.math == MathEngine::Mathjax).then(|| render(MathOutput::Mathjax));
        let (mut render_time, mut emit_time) = (started.elapsed(), Duration::ZERO);
        let mut files = Vec::new();
        for (emitter, wanted) in emitters.iter().zip(wanted) {
            if !wanted || bank.is_empty() {
                files.push(None);
                continue;
            }
            let started = Instant::now();
            let html = html_for(emitter.output(), bank, &katex, mathjax.as_ref(), &self.pages);
            render_time += started.elapsed();
            let started = Instant::now();
            files.push(Some(emitter.write_bank(bank, &html, &staging.join(emitter.name()))?));
            emit_time += started.elapsed();
        }
        cache.save()?;
        let images = katex.media.iter().cloned().collect();
        let (hits, misses) = cache.counts();
        self.progress.advance();
        Ok(BankEmitted { index, files, images, hits, misses, render_time, emit_time })
    }
}

impl Pipeline<'_> {
    /// Stages 5 and 6: renders and emits the banks that changed into a
    /// new generation of the outputs, made current with `lock` in one step.
    /// Banks are rendered and emitted one after the other, in parallel, so
    /// only a few banks' HTML is held at once; the two stages' times are
    /// summed over banks.
    pub(super) fn emit(&mut self, job: &EmitJob, lock: Option<LockWrite>) -> Result<Emitted> {
        let emitted = self.timed("render, emit, write", |_| {
            let mut emitted = None;
            let swap = Swap {
                output_dir: job.out,
                built: &job.outputs.names(),
                lock,
                stale: &[job.out.join(FINGERPRINTS_FILE)],
            };
            write_outputs(swap, |generation| {
                emitted = Some(job.emit(generation)?);
                Ok(())
            })?;
            anyhow::Ok(emitted.expect("emit ran"))
        })?;
        self.timings.push(("  render (summed over banks)", emitted.render_time));
        self.timings.push(("  emit (summed over banks)", emitted.emit_time));
        Ok(emitted)
    }
}

impl Emitted {
    /// Fingerprint records of the outputs written; `lock` is the hash of
    /// the lock as this build left it.
    pub(super) fn records(
        &self,
        keys: &[(&'static str, String)],
        lock: &str,
        job: &EmitJob,
    ) -> Vec<(String, OutputRecord)> {
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

/// Each bank's rendered math and code are cached in their own file, so a
/// build that renders one bank reads and writes only that bank's cache.
pub(super) fn render_cache_path(out: &Path, bank: &str) -> PathBuf {
    out.join(".cache/render").join(format!("{bank}.json"))
}
