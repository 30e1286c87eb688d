//! studymark compiles Markdown question banks into study artifacts.
//!
//! [`pipeline`] runs the stages, one module each: [`load`] (configuration
//! and bank discovery), [`parse`] (each file → [`model::Bank`]), [`lock`]
//! (question ids kept across rewordings), [`validate`] (math, code and
//! structure → diagnostics), [`render`] (every fragment → sanitized HTML per
//! output), [`emit`] (one module per output: site, anki, print) and
//! [`write`] (a new generation of the outputs made current in one step).
//! [`fingerprint`] decides which banks a build can skip. [`cli`] and
//! [`serve`] run the pipeline and [`report`] what it found.
//!
//! Leaf modules several stages share: [`model`], [`source`],
//! [`diagnostic`], [`config`], [`hash`], [`cache`], [`katex`], [`lang`],
//! [`media`], [`vault`].

pub mod cache;
pub mod cli;
pub mod cloze;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod fingerprint;
pub mod hash;
pub mod init;
pub mod katex;
pub mod lang;
pub mod load;
pub mod lock;
pub mod media;
pub mod model;
pub mod outline;
pub mod parse;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod report;
pub mod serve;
pub mod source;
pub mod theme;
pub mod validate;
pub mod vault;
pub mod write;

pub use pipeline::{Checked, Compiled};
