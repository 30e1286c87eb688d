//! The integration test suite: one binary, one module per feature, fixture
//! banks under `tests/fixtures/`.

mod build;
mod cli;
mod diagnostics;
mod e2e_anki;
mod e2e_site;
mod robustness;
mod seed;
mod styles;

use std::path::{Path, PathBuf};

use studymark::load::Project;
use studymark::Compiled;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Compiles the given paths with the default configuration.
pub fn compile_paths(paths: &[PathBuf]) -> Compiled {
    let project = Project::load(&fixtures()).expect("fixtures load");
    studymark::compile(&project, paths).expect("compiles")
}
