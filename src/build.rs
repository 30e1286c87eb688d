//! `studymark build`: load → parse → validate ([`crate::compile`]), then
//! render, emit every output into a staging folder and swap it into place.
//! Content errors stop the build before anything is written.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::diagnostic::Severity;
use crate::emit::{site::emit_site, EmitInput};
use crate::load::Project;
use crate::render::{cache::RenderCache, media::MediaResolver, render_banks};
use crate::theme::Theme;
use crate::write::write_outputs;
use crate::{compile, Compiled};

pub struct BuildOptions {
    pub paths: Vec<PathBuf>,
    /// Output folder; default: the project's `output_dir`.
    pub out: Option<PathBuf>,
    pub deny_warnings: bool,
}

pub struct BuildReport {
    pub compiled: Compiled,
    /// `None` when content errors stopped the build.
    pub output: Option<PathBuf>,
    /// Math and code fragments rendered now, and those taken from the cache.
    pub rendered: usize,
    pub cached: usize,
    pub timings: Vec<(&'static str, Duration)>,
}

pub fn build(project: &Project, options: &BuildOptions) -> Result<BuildReport> {
    let mut timings = Vec::new();
    let started = Instant::now();
    let compiled = compile(project, &options.paths)?;
    timings.push(("load, parse, validate", started.elapsed()));
    let failed =
        compiled.count(Severity::Error) > 0 || (options.deny_warnings && compiled.count(Severity::Warning) > 0);
    if failed {
        return Ok(BuildReport { compiled, output: None, rendered: 0, cached: 0, timings });
    }
    let out = options.out.clone().unwrap_or_else(|| project.root.join(&project.config.output_dir));
    let cache = RenderCache::open(&out.join(".cache/render.json"));
    let media = MediaResolver::new(&project.content_dir());

    let started = Instant::now();
    let rendered = render_banks(&compiled.banks, &project.config, &media, &cache);
    timings.push(("render", started.elapsed()));

    let started = Instant::now();
    let theme = Theme::new(project.config.theme.as_ref().map(|t| project.root.join(t)));
    let input = EmitInput {
        config: &project.config,
        banks: &compiled.banks,
        rendered: &rendered,
        media: &media,
        theme: &theme,
    };
    write_outputs(&out, &["site"], |staging| emit_site(&input, &staging.join("site")))?;
    cache.save()?;
    timings.push(("emit and write", started.elapsed()));
    let (cached, rendered) = cache.counts();
    Ok(BuildReport { compiled, output: Some(out), rendered, cached, timings })
}
